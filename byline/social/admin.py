from django.contrib import admin

from byline.social.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "actor", "read_at"]
    list_filter = ["kind", "created_at"]
    raw_id_fields = ["recipient", "actor", "story", "comment"]

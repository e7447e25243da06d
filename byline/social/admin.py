from django.contrib import admin

from byline.social.models import EmailPreference, Follow, Like, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "actor", "read_at"]
    list_filter = ["kind", "created_at"]
    raw_id_fields = ["recipient", "actor", "story", "comment"]


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "story"]
    raw_id_fields = ["user", "story"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["created_at", "follower", "creator", "community"]
    raw_id_fields = ["follower", "creator", "community"]


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", *EmailPreference.KINDS]
    raw_id_fields = ["user"]

from django.contrib import admin

from byline.discovery.models import StaffPick


@admin.register(StaffPick)
class StaffPickAdmin(admin.ModelAdmin):
    list_display = ["story", "picked_by", "created_at"]
    raw_id_fields = ["story", "picked_by"]
    search_fields = ["story__title"]

    def save_model(self, request, obj, form, change):
        if not change and obj.picked_by_id is None:
            obj.picked_by = request.user
        super().save_model(request, obj, form, change)

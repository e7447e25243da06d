from django.contrib import admin

from byline.core.models import ImageRendition, OutboxTask, StaticPage


@admin.register(StaticPage)
class StaticPageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "in_footer", "footer_order", "updated_at"]
    list_editable = ["in_footer", "footer_order"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(ImageRendition)
class ImageRenditionAdmin(admin.ModelAdmin):
    """Read-only: renditions are made by the background task, never by hand."""

    list_display = ["source_name", "format", "width", "height", "storage_name", "created_at"]
    list_filter = ["format", "width"]
    search_fields = ["source_name", "storage_name"]
    readonly_fields = [f.name for f in ImageRendition._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    """Tasks the queue has not taken yet (byline.core.outbox): read-only. A row is deleted by
    hand only when its task can never run (its code is gone); the sweep sends the others."""

    list_display = ["task_path", "attempts", "not_before", "last_error", "created_at"]
    list_filter = ["task_path"]
    readonly_fields = [f.name for f in OutboxTask._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

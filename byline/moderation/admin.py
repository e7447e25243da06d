from django.contrib import admin

from byline.moderation.models import ModerationAction, Report


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_repr", "reason"]
    list_filter = ["action", "target_type", "created_at"]
    list_select_related = ["actor"]
    search_fields = ["target_repr", "reason", "actor__username"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ModerationAction._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-mostly: decisions are taken in the reports queue so they reach the audit log."""

    list_display = ["created_at", "reporter", "reason", "status", "story", "comment"]
    list_filter = ["status", "reason", "created_at"]
    raw_id_fields = ["reporter", "story", "comment", "closed_by"]
    readonly_fields = ["status", "closed_at", "closed_by"]

from django.contrib import admin

from byline.accounts.admin import UserAdmin
from byline.comments.admin import CommentAdmin
from byline.core.admin_actions import service_action
from byline.moderation.models import ModerationAction, Report
from byline.moderation.services import (
    account_suspend,
    account_unsuspend,
    comment_hide,
    comment_remove,
    comment_unhide,
    report_dismiss,
)


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
    actions = [
        service_action(
            lambda report, by, reason: report_dismiss(report=report, by=by, reason=reason),
            name="dismiss",
            description="Dismiss the selected open reports",
            done="Dismissed",
            reason=True,
        )
    ]


# Moderation decisions on accounts and comments, from their own admin pages.
UserAdmin.actions = [
    *UserAdmin.actions,
    service_action(
        lambda user, by, reason: account_suspend(user=user, by=by, reason=reason),
        name="suspend",
        description="Suspend the selected accounts",
        done="Suspended",
        reason=True,
        reason_required=True,
    ),
    service_action(
        lambda user, by, reason: account_unsuspend(user=user, by=by, reason=reason),
        name="unsuspend",
        description="Lift the suspension of the selected accounts",
        done="Suspension lifted",
        reason=True,
    ),
]
CommentAdmin.actions = [
    *CommentAdmin.actions,
    service_action(
        lambda comment, by, reason: comment_hide(comment=comment, by=by, reason=reason),
        name="hide",
        description="Hide the selected comments",
        done="Hidden",
        reason=True,
    ),
    service_action(
        lambda comment, by, reason: comment_unhide(comment=comment, by=by, reason=reason),
        name="unhide",
        description="Show the selected hidden comments again",
        done="Shown again",
        reason=True,
    ),
    service_action(
        lambda comment, by, reason: comment_remove(comment=comment, by=by, reason=reason),
        name="remove",
        description="Remove the selected comments for good",
        done="Removed",
        reason=True,
    ),
]

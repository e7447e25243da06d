from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models

from byline.accounts.models import HandleRedirect, User


class HandleRedirectInline(admin.TabularInline):
    model = HandleRedirect
    extra = 0
    fields = ["old_handle", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "display_name",
        "email",
        "is_staff",
        "is_active",
        "suspended_at",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "date_joined"]
    search_fields = ["username", "display_name", "email"]
    date_hierarchy = "date_joined"
    inlines = [HandleRedirectInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # A suspension changes only through the actions that byline.moderation.admin adds (the
    # moderation services: audit log, notice to the person).
    readonly_fields = ["suspended_at", "suspension_reason"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "bio", "website", "avatar")}),
        ("Suspension", {"fields": ("suspended_at", "suspension_reason")}),
    )


@admin.register(HandleRedirect)
class HandleRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_handle", "user", "created_at"]
    search_fields = ["old_handle", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models

from byline.accounts.models import HandleRedirect, User
from byline.accounts.names import clean_display_name, clean_handle


class _NamesNormalised:
    """Operators type names through the same normaliser as everyone (before the handle's
    validators run). Reserved handles stay open to them: an operator may create @support."""

    def clean_username(self) -> str:
        self.cleaned_data["username"] = clean_handle(self.cleaned_data["username"])
        parent = getattr(super(), "clean_username", None)  # the creation form's "taken" check
        return parent() if parent else self.cleaned_data["username"]

    def clean_display_name(self) -> str:
        return clean_display_name(self.cleaned_data.get("display_name", ""))


def _formfield(field, **kwargs):
    # The admin's own formfield_overrides do not reach a form class built here.
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class UserChangeAdminForm(_NamesNormalised, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        formfield_callback = _formfield


class UserCreationAdminForm(_NamesNormalised, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username",)


class HandleRedirectInline(admin.TabularInline):
    model = HandleRedirect
    extra = 0
    fields = ["old_handle", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
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

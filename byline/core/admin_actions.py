"""Admin actions that change a state go through the same services as the site and the API
(permission check, compare-and-set, audit entry): the admin never writes a state field itself.

`service_action` builds such an action; with `reason=True` it first asks for the reason on an
intermediate page (the person affected reads it).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from byline.core.transitions import Conflict


def service_action(
    service: Callable[..., object],
    *,
    name: str,
    description: str,
    done: str,
    reason: bool = False,
    reason_required: bool = False,
) -> Callable:
    """An admin action (named `name`) calling `service(obj, by=request.user[, reason=...])` per
    selected row.
    Rows whose state no longer allows it are skipped and counted, never changed."""

    def action(modeladmin, request, queryset):
        text = ""
        if reason:
            text = request.POST.get("reason", "").strip()[:2000]
            if "apply" not in request.POST or (reason_required and not text):
                return TemplateResponse(
                    request,
                    "admin/byline_reason_action.html",
                    {
                        **modeladmin.admin_site.each_context(request),
                        "title": description,
                        "objects": queryset,
                        "action": request.POST.get("action", ""),
                        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                        "reason_required": reason_required,
                        "missing": "apply" in request.POST,
                        "opts": modeladmin.model._meta,
                    },
                )
        changed, refused = 0, []
        for obj in queryset:
            try:
                if reason:
                    service(obj, by=request.user, reason=text)
                else:
                    service(obj, by=request.user)
            except Conflict as error:
                refused.append(f"{obj}: {error.message}")
            except (PermissionDenied, ValidationError) as error:
                detail = " ".join(error.messages) if isinstance(error, ValidationError) else error
                refused.append(f"{obj}: {detail or 'not allowed'}")
            else:
                changed += 1
        if changed:
            modeladmin.message_user(request, f"{done}: {changed}.", messages.SUCCESS)
        for line in refused[:20]:
            modeladmin.message_user(request, f"Not changed, {line}", messages.WARNING)
        return None

    action.short_description = description
    action.__name__ = name
    return action

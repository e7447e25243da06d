"""The API's one error shape, `{"detail": ..., "code": ...}` (plus `field` for bad input), and the
handlers that turn every exception into it: no input can make the API answer with a traceback."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from byline.core.health import RETRY_AFTER_SECONDS, is_outage
from byline.core.logs import security_event
from byline.core.transitions import Conflict
from byline.stories.policies import SUSPENDED_MESSAGE

logger = logging.getLogger("byline.api")


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    code: str
    field: str | None = None
    errors: list[FieldErrorOut] | None = None


ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429, 503)
UNAVAILABLE = "The service is briefly unavailable. Please try again in a moment."
SERVER_ERROR = "Something went wrong on our side."

# ValidationError codes raised by the services (stories, comments, insights), and how the API
# answers them: (status, code, field). Codes not listed are bad input: 422 "invalid".
SERVICE_ERRORS: dict[str, tuple[int, str, str | None]] = {
    "draft_quota": (429, "rate_limited", None),
    "image_quota": (429, "rate_limited", None),
    "comment_throttle": (429, "rate_limited", None),
    "comment_rate": (429, "rate_limited", None),
    "comment_duplicate": (409, "duplicate", "body"),
    "empty": (422, "invalid", "body"),
    "comment_empty": (422, "invalid", "body"),
    "comment_too_long": (422, "invalid", "body"),
    "max_tags": (422, "invalid", "tags"),
    "reason": (422, "invalid", "reason"),
    "reply_parent": (422, "invalid", "parent"),
    "rating": (422, "invalid", "value"),
    "insight": (422, "invalid", "kind"),
    "autosave": (409, "conflict", None),
}


def retry_after(code: str, params: dict | None = None) -> int:
    """Seconds until a service quota (code from SERVICE_ERRORS) lets the caller try again: what
    the service said (`retry_after` in the error's params), else the longest it can take, since
    the services count over a sliding window."""
    if params and isinstance(params.get("retry_after"), int):
        return params["retry_after"]
    if code == "comment_throttle":
        return settings.COMMENT_NEW_ACCOUNT_WINDOW_MINUTES * 60
    return 3600


def with_errors(responses: dict) -> dict:
    """An operation's documented responses: its success plus every error it may answer with."""
    return {**responses, **{status: ErrorOut for status in ERROR_STATUSES}}


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str, field: str | None = None) -> None:
        self.status, self.code, self.detail, self.field = status, code, detail, field
        super().__init__(detail)


def not_found(what: str = "Not found.") -> ApiError:
    return ApiError(404, "not_found", what)


def forbidden(detail: str = "You may not do this.") -> ApiError:
    return ApiError(403, "forbidden", detail)


def conflict(detail: str) -> ApiError:
    return ApiError(409, "conflict", detail)


def invalid(detail: str, field: str | None = None) -> ApiError:
    return ApiError(422, "invalid", f"{field}: {detail}" if field else detail, field)


# Refusals that say someone tried what they may not: logged as security events.
REFUSALS_LOGGED = frozenset({401, 403, 429})


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, detail: str, **extra
) -> HttpResponse:
    if status in REFUSALS_LOGGED:
        principal = getattr(request, "auth", None)
        user = principal.user if principal is not None else getattr(request, "user", None)
        security_event(
            "api_refused",
            outcome=code,
            request=request,
            user=user,
            status=status,
            method=request.method,
            path=request.path,
            token_id=getattr(getattr(principal, "token", None), "pk", None),
        )
    body = {"detail": detail, "code": code}
    body.update({key: value for key, value in extra.items() if value is not None})
    return api.create_response(request, body, status=status)


def outside_error(request: HttpRequest, status: int) -> HttpResponse:
    """The API's 500 or 503 for failures outside its views (middleware, throttles): registered
    with the site's handler500 (byline.core.health), which adds Retry-After to a 503. Built
    without the database or the cache, which may be what failed."""
    if status == 503:
        return JsonResponse({"detail": UNAVAILABLE, "code": "unavailable"}, status=503)
    return JsonResponse({"detail": SERVER_ERROR, "code": "server_error"}, status=500)


def _field_name(loc: list) -> str:
    # ninja reports ["body", "payload", "title"] or ["query", "cursor"]: keep what a client sent.
    parts = [str(part) for part in loc if part not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


def install_error_handlers(api: NinjaAPI) -> None:
    def on_api_error(request, exc: ApiError):
        return error_response(api, request, exc.status, exc.code, exc.detail, field=exc.field)

    def on_validation(request, exc: NinjaValidationError):
        errors = [
            {"field": _field_name(error.get("loc", [])), "message": str(error.get("msg", ""))}
            for error in exc.errors
        ]
        first = errors[0] if errors else {"field": "body", "message": "Invalid input."}
        if any(error.get("type") == "json_invalid" for error in exc.errors):
            return error_response(api, request, 400, "bad_request", "The body is not valid JSON.")
        return error_response(
            api,
            request,
            422,
            "invalid",
            f"{first['field']}: {first['message']}",
            field=first["field"],
            errors=errors,
        )

    def on_django_validation(request, exc: DjangoValidationError):
        # The services' own errors: a quota or throttle is a 429 with Retry-After, a known code
        # names its field; anything else is bad input (422), never a 500.
        for error in getattr(exc, "error_list", []):
            status, code, field = SERVICE_ERRORS.get(error.code, (None, None, None))
            if status is None:
                continue
            message = error.messages[0] if error.messages else "Invalid input."
            response = error_response(api, request, status, code, message, field=field)
            if status == 429:
                response["Retry-After"] = str(retry_after(error.code, error.params))
            return response
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": name if name != "__all__" else "body", "message": message}
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "body", "message": message} for message in exc.messages]
        first = errors[0] if errors else {"field": "body", "message": "Invalid input."}
        return error_response(
            api,
            request,
            422,
            "invalid",
            f"{first['field']}: {first['message']}",
            field=first["field"],
            errors=errors,
        )

    def on_http_error(request, exc: HttpError):
        codes = {401: "not_authenticated", 403: "forbidden", 404: "not_found", 405: "method"}
        if isinstance(exc, Throttled):
            return error_response(api, request, 429, "rate_limited", "Too many requests.")
        if isinstance(exc, AuthenticationError):
            return error_response(
                api, request, 401, "not_authenticated", "Sign in or send a valid token."
            )
        if exc.status_code == 403 and "CSRF" in str(exc):
            return error_response(api, request, 403, "csrf_failed", "CSRF check failed.")
        code = codes.get(exc.status_code, "bad_request" if exc.status_code < 500 else "error")
        return error_response(api, request, exc.status_code, code, str(exc))

    def on_conflict(request, exc: Conflict):
        # A state change that lost to a simultaneous one, or came after it.
        return error_response(api, request, 409, exc.code, exc.message)

    def on_404(request, exc):
        return error_response(api, request, 404, "not_found", "Not found.")

    def on_403(request, exc: PermissionDenied):
        # The services say why (their messages are written for people); a suspension has its
        # own code so a client can tell "not yours" from "not now".
        detail = str(exc) or "You may not do this."
        code = "suspended" if detail == SUSPENDED_MESSAGE else "forbidden"
        return error_response(api, request, 403, code, detail)

    def on_anything(request, exc: Exception):
        if isinstance(exc, RequestDataTooBig):
            return error_response(api, request, 413, "too_large", "The request body is too large.")
        if isinstance(exc, SuspiciousOperation):
            return error_response(api, request, 400, "bad_request", "Bad request.")
        if is_outage(exc):
            # The database (or Redis) is unreachable: the client should come back, as the
            # site's pages tell visitors. The details go to the log only.
            logger.warning(
                "API: service unavailable on %s %s: %s", request.method, request.path, exc
            )
            response = error_response(api, request, 503, "unavailable", UNAVAILABLE)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(api, request, 500, "server_error", SERVER_ERROR)

    api.add_exception_handler(Exception, on_anything)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_403)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(Conflict, on_conflict)

"""Who is calling: a personal access token (`Authorization: Bearer byl_...`), the site's own
session (with CSRF on unsafe methods), or nobody. Endpoints then ask for what they need."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from byline.accounts.models import User
from byline.api.errors import ApiError
from byline.api.models import ApiToken
from byline.api.services import api_token_authenticate
from byline.stories.policies import can_write

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class Principal:
    user: User | AnonymousUser
    token: ApiToken | None = None

    def __bool__(self) -> bool:  # ninja treats a falsy result as "not authenticated"
        return True


class ApiAuth(HttpBearer):
    """One scheme for every operation: anonymous callers get a Principal too (public reads).

    `need` makes an operation refuse callers before its input is even parsed, so a caller
    without the right gets 401/403, never a 422 about a body they may not send:
    "user" (signed in), "write_scope" (and not a read-only token), "writer" (and not suspended).
    """

    def __init__(self, need: str | None = None) -> None:
        super().__init__()
        self.need = need

    def __call__(self, request: HttpRequest) -> Principal:
        principal = self.identify(request)
        request.auth = principal  # the helpers below read it
        if self.need == "user":
            require_user(request)
        elif self.need == "write_scope":
            require_write_scope(request)
        elif self.need == "writer":
            require_writer(request)
        return principal

    def identify(self, request: HttpRequest) -> Principal:
        header = request.headers.get("Authorization")
        if header:
            scheme, _, raw = header.partition(" ")
            if scheme.lower() != "bearer" or not raw.strip():
                raise ApiError(401, "invalid_token", "Use 'Authorization: Bearer <token>'.")
            token = api_token_authenticate(raw=raw.strip())
            if token is None:
                raise ApiError(401, "invalid_token", "The token is unknown or revoked.")
            return Principal(user=token.user, token=token)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                raise ApiError(
                    403, "csrf_failed", "CSRF check failed: send the X-CSRFToken header."
                )
            return Principal(user=user)
        return Principal(user=AnonymousUser())

    def authenticate(self, request: HttpRequest, token: str):  # pragma: no cover - unused
        return None


def viewer(request: HttpRequest) -> User | None:
    """The signed-in caller, or None for anonymous."""
    user = request.auth.user
    return user if user.is_authenticated else None


def require_user(request: HttpRequest) -> User:
    user = viewer(request)
    if user is None:
        raise ApiError(401, "not_authenticated", "Sign in or send a valid token.")
    return user


def require_write_scope(request: HttpRequest) -> User:
    """A signed-in caller whose token (if any) may write: for the caller's own settings."""
    user = require_user(request)
    token = request.auth.token
    if token is not None and not token.can_write:
        raise ApiError(403, "insufficient_scope", "This token is read-only.")
    return user


def require_writer(request: HttpRequest) -> User:
    """A caller allowed to change content: write-scope token or session, not suspended."""
    user = require_write_scope(request)
    if not can_write(user):
        raise ApiError(403, "suspended", "Your account is suspended: you cannot change anything.")
    return user


public = ApiAuth()
signed_in = ApiAuth(need="user")
write_scope = ApiAuth(need="write_scope")
writer = ApiAuth(need="writer")

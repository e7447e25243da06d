"""A logging formatter that writes one JSON object per line (BYLINE_LOG_FORMAT=json), and the
security-event helper (`security_event`, logger `byline.security`)."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from datetime import UTC, datetime

# Attributes every LogRecord has: anything else on a record came from `extra=` and is a field.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
# Django passes the request object and the socket to some loggers: not data, not serialisable.
_SKIP = {"request", "server_time"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in _SKIP and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


# --- Security events: one structured line each on the `byline.security` logger (who, from
# where, what happened), for sign-ins, throttles, credential changes and refused API calls.
security_logger = logging.getLogger("byline.security")
_IDENTIFIER_MAX = 100
# A typed identifier is logged only when it could be one: people type passwords into the login
# field, and that must never reach a log.
_PLAUSIBLE_IDENTIFIER = re.compile(r"^(?:[a-z0-9_]{2,30}|[^@\s]{1,64}@[^@\s]{1,255})\Z")


def log_safe(value: object, *, limit: int = _IDENTIFIER_MAX) -> str:
    """`value` as one printable line: control, format and line-separator characters (newlines,
    bidi overrides, zero-width) are escaped as \\uXXXX, so a typed value cannot forge a line or
    hide text in a log viewer; at most `limit` characters."""
    text = str(value)[: limit * 2]
    out = []
    for char in text:
        if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)[:limit]


def client_ip(request) -> str | None:
    """The client's address, by allauth's rule (ALLAUTH_TRUSTED_PROXY_COUNT, set from
    BYLINE_TRUSTED_PROXY_COUNT, says how many proxies' X-Forwarded-For entries to skip), so logs
    and every rate limit name the same address. None when it cannot be told."""
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import ImproperlyConfigured, PermissionDenied

    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request)
    except ImproperlyConfigured:
        # Fewer X-Forwarded-For entries than trusted proxies: the request did not come through
        # them, so the connection's own address is the truth.
        return request.META.get("REMOTE_ADDR") or None
    except PermissionDenied:
        return None


def security_event(
    event: str,
    *,
    outcome: str,
    request=None,
    user=None,
    identifier: str | None = None,
    level: int = logging.INFO,
    **fields: object,
) -> None:
    """Log one security event: `event` (e.g. "sign_in_failed"), its `outcome`, the account
    (`user`: id and handle only), what was typed to name it (`identifier`, escaped, and only if it
    looks like a handle or an e-mail address), and the client address. `request` defaults to the
    current one (allauth keeps it for the duration of each request). Never pass secrets."""
    if request is None:
        from allauth.core import context

        request = context.request
    account_id = handle = None
    if user is not None and getattr(user, "is_authenticated", False):
        account_id, handle = user.pk, user.get_username()
    typed = None
    if identifier is not None:
        folded = unicodedata.normalize("NFKC", str(identifier)).strip().lower()
        typed = log_safe(identifier) if _PLAUSIBLE_IDENTIFIER.match(folded) else "(not shown)"
    payload = {
        "event": event,
        "outcome": outcome,
        "account_id": account_id,
        "account": handle,
        "identifier": typed,
        "client_ip": client_ip(request),
        **{
            f"sec_{key}" if key in _STANDARD else key: _field(value)
            for key, value in fields.items()
        },
    }
    security_logger.log(
        level,
        "%s %s account=%s identifier=%s ip=%s",
        event,
        outcome,
        handle or "-",
        typed or "-",
        payload["client_ip"] or "-",
        extra=payload,
    )


def _field(value: object) -> object:
    return value if value is None or isinstance(value, (bool, int, float)) else log_safe(value)

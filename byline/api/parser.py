"""Input that no database can store is refused at the door with a 400: NUL characters
(PostgreSQL rejects them) and lone UTF-16 surrogates (not encodable as UTF-8)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

from byline.api.errors import ApiError
from byline.core.text import is_storable


def check_text(value: Any, where: str = "body") -> None:
    if isinstance(value, str):
        if not is_storable(value):
            raise ApiError(
                400, "bad_request", f"{where}: contains characters that are not allowed.", where
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(str(key), where)
            check_text(item, str(key))
    elif isinstance(value, list):
        for item in value:
            check_text(item, where)


class SafeParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        if not request.body.strip():
            return {}  # an optional body left out
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "bad_request", "The body is not valid JSON.") from None
        check_text(data)
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        result = super().parse_querydict(data, list_fields, request)
        for key, value in result.items():
            check_text(key, "query")
            check_text(value, key)
        return result

"""Helpers for API tests: tokens for the cast and a JSON-speaking client."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from byline.api.services import api_token_create


class ApiClient:
    """Calls /api/v1/ with an optional bearer token; every answer must be JSON."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(self, method: str, path: str, *, token: str | None = None, json_body=None, **extra):
        headers = dict(extra.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        kwargs = {"headers": headers, **extra}
        if json_body is not None:
            kwargs["data"] = json.dumps(json_body)
            kwargs["content_type"] = "application/json"
        elif method.lower() in ("post", "put", "patch"):
            kwargs["data"] = ""
            kwargs["content_type"] = "application/json"
        response = getattr(self.client, method.lower())(f"/api/v1{path}", **kwargs)
        if response.status_code != 204:
            assert response["Content-Type"].startswith("application/json"), response.content[:300]
        return response

    def get(self, path, **kw):
        return self.call("get", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("post", path, json_body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("patch", path, json_body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("put", path, json_body=body, **kw)

    def delete(self, path, **kw):
        return self.call("delete", path, **kw)


@pytest.fixture
def api(client) -> ApiClient:
    return ApiClient(client)


def make_token(user, scope: str = "write") -> str:
    return api_token_create(user=user, name=f"{user.username} {scope}", scope=scope)[1]


@pytest.fixture
def tokens(alice, bob, carol, dave, mallory) -> dict[str, str]:
    """A write token for each member of the cast, by handle."""
    return {user.username: make_token(user) for user in (alice, bob, carol, dave, mallory)}

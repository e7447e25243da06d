"""The API's contract: schema and docs, error shape and statuses, rate limits, session + CSRF."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from byline.api.tests.conftest import make_token

pytestmark = pytest.mark.django_db


def test_it_publishes_an_openapi_3_1_schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/stories" in schema["paths"]
    assert "/api/v1/stories/{story_id}/comments" in schema["paths"]
    assert schema["components"]["securitySchemes"]["ApiAuth"]["scheme"] == "bearer"


def test_it_serves_the_docs_page_with_its_own_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert "cdn" not in page.lower()
    # Our CSP applies unchanged: scripts only from this site.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert client.get("/static/ninja/swagger-ui-init.js").status_code == 200


def test_it_answers_unknown_paths_with_a_json_404(api):
    response = api.get("/no/such/thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such API endpoint.", "code": "not_found"}


def test_it_names_the_field_in_a_422(api, alice):
    response = api.post("/stories", {"title": "x" * 151}, token=make_token(alice))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == "title"
    assert body["detail"].startswith("title:")


def test_it_answers_400_for_a_body_that_is_not_json(api, alice):
    response = api.client.post(
        "/api/v1/stories",
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {make_token(alice)}"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert not alice.stories.exists()


@pytest.mark.parametrize("text", ["nul\x00byte", "lone \ud800 surrogate"])
def test_it_refuses_text_no_database_can_store(api, alice, text):
    response = api.client.post(
        "/api/v1/stories",
        data=json.dumps({"title": text}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {make_token(alice)}"},
    )
    assert response.status_code == 400
    assert not alice.stories.exists()
    assert api.get("/stories?tag=a%00b").status_code == 400


def test_it_answers_413_for_a_body_over_the_limit(api, alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/stories", {"title": "t", "body": "x" * 5000}, token=make_token(alice))
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not alice.stories.exists()


def test_it_answers_404_for_ids_out_of_range(api):
    assert api.get(f"/stories/{2**70}").status_code == 422
    assert api.get("/stories/0").status_code == 422
    assert api.get("/stories/12345").status_code == 404


def test_it_limits_requests_per_address_with_retry_after(api, settings):
    settings.API_RATE_PER_ADDRESS = 3
    statuses = [api.get("/tags").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/tags")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_it_limits_requests_per_token(api, alice, bob, settings):
    settings.API_RATE_PER_TOKEN = 2
    alice_token, bob_token = make_token(alice), make_token(bob)
    assert [api.get("/me", token=alice_token).status_code for _ in range(3)] == [200, 200, 429]
    # Another token from the same address has its own budget.
    assert api.get("/me", token=bob_token).status_code == 200


def test_it_accepts_the_sites_session_for_reads(client, alice):
    client.force_login(alice)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["handle"] == "alice"
    assert response.json()["token_scope"] is None


def test_it_requires_csrf_for_session_writes(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        "/api/v1/stories", data=json.dumps({"title": "Via htmx"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert not alice.stories.exists()

    client.get("/settings/tokens/")  # sets the CSRF cookie, as any page does
    response = client.post(
        "/api/v1/stories",
        data=json.dumps({"title": "Via htmx"}),
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 201
    assert alice.stories.get().title == "Via htmx"


def test_it_does_not_need_csrf_with_a_token(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/stories",
        data=json.dumps({"title": "From a script"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {make_token(alice)}"},
    )
    assert response.status_code == 201


def test_it_answers_401_when_a_sign_in_is_needed(api):
    for method, path in (("get", "/me"), ("get", "/notifications"), ("post", "/stories")):
        response = api.call(method, path, json_body={"title": "x"} if method == "post" else None)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_it_checks_who_calls_before_it_reads_the_body(api, alice):
    # Nobody learns the shape of a write they may not make: 401/403 come before any 422.
    assert api.post("/stories", {"nonsense": True}).status_code == 401
    read_only = make_token(alice, scope="read")
    response = api.post("/stories", {"nonsense": True}, token=read_only)
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    assert api.post("/stories", {"nonsense": True}, token=make_token(alice)).status_code == 422


def test_behind_the_proxy_it_limits_the_client_not_the_proxy(api, settings):
    settings.API_RATE_PER_ADDRESS = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # BYLINE_BEHIND_PROXY's default
    first = {"X-Forwarded-For": "198.51.100.7"}
    # A client cannot pick its own address: only the entry the proxy appended counts.
    spoofing = {"X-Forwarded-For": "203.0.113.1, 198.51.100.7"}
    other = {"X-Forwarded-For": "198.51.100.8"}
    assert api.get("/tags", headers=first).status_code == 200
    assert api.get("/tags", headers=spoofing).status_code == 429
    assert api.get("/tags", headers=other).status_code == 200


def test_with_two_trusted_proxies_it_limits_the_client_they_name(api, settings):
    """BYLINE_TRUSTED_PROXY_COUNT=2 (a CDN, then the proxy): the same rule as sign-in limits."""
    settings.API_RATE_PER_ADDRESS = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    client = {"X-Forwarded-For": "198.51.100.7, 192.0.2.200"}
    spoofing = {"X-Forwarded-For": "203.0.113.1, 198.51.100.7, 192.0.2.201"}
    assert api.get("/tags", headers=client).status_code == 200
    assert api.get("/tags", headers=spoofing).status_code == 429
    other = {"X-Forwarded-For": "198.51.100.8, 192.0.2.200"}
    assert api.get("/tags", headers=other).status_code == 200

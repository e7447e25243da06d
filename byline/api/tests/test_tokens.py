"""Personal access tokens: the settings page, hashing at rest, scopes, revocation, last use."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from byline.api.models import ApiToken
from byline.api.services import LAST_USED_RESOLUTION, api_token_create
from byline.api.tests.conftest import make_token

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r'value="(byl_[A-Za-z0-9_-]{40,})"')


def test_it_sends_anonymous_visitors_to_sign_in(client):
    for name, method in (("api:tokens", "get"), ("api:tokens", "post")):
        response = getattr(client, method)(reverse(name), {"name": "x", "scope": "read"})
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert not ApiToken.objects.exists()


def test_it_creates_a_token_shown_once_and_stores_only_its_hash(client, alice):
    client.force_login(alice)
    response = client.post(reverse("api:tokens"), {"name": "My script", "scope": "write"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = TOKEN_RE.search(response.content.decode())[1]
    token = ApiToken.objects.get(user=alice)
    assert token.name == "My script" and token.scope == "write"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix, token.token_hash}
    assert secret.startswith(token.prefix) and len(token.prefix) == 12

    again = client.get(reverse("api:tokens")).content.decode()
    assert secret not in again
    assert token.prefix in again and "My script" in again


def test_it_explains_a_missing_name(client, alice):
    client.force_login(alice)
    response = client.post(reverse("api:tokens"), {"name": "  ", "scope": "read"})
    assert response.status_code == 422
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_refuses_an_unknown_scope(client, alice):
    client.force_login(alice)
    response = client.post(reverse("api:tokens"), {"name": "x", "scope": "admin"})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_it_escapes_token_names(client, alice):
    client.force_login(alice)
    client.post(reverse("api:tokens"), {"name": "<script>alert(1)</script>", "scope": "read"})
    page = client.get(reverse("api:tokens")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_it_lists_only_the_callers_tokens(client, alice, bob):
    api_token_create(user=bob, name="Bob's secret tool", scope="read")
    client.force_login(alice)
    assert "Bob&#x27;s secret tool" not in client.get(reverse("api:tokens")).content.decode()


def test_it_shows_an_empty_state(client, alice):
    client.force_login(alice)
    assert "No tokens yet" in client.get(reverse("api:tokens")).content.decode()


def test_it_revokes_a_token_so_it_no_longer_works(client, api, alice):
    token, secret = api_token_create(user=alice, name="x", scope="read")
    assert api.get("/me", token=secret).status_code == 200
    client.force_login(alice)
    response = client.post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    response = api.get("/me", token=secret)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_htmx_revokes_in_place_returning_only_the_row(client, alice):
    token, _ = api_token_create(user=alice, name="In place", scope="read")
    client.force_login(alice)
    response = client.post(
        reverse("api:token-revoke", args=[token.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<li class="token-row token-row--revoked">')
    assert "<html" not in html and "Revoke</button>" not in html
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("who", ["bob", "carol", "anonymous"])
def test_it_lets_nobody_else_revoke_a_token(client, alice, bob, carol, who):
    token, _ = api_token_create(user=alice, name="x", scope="read")
    if who != "anonymous":
        client.force_login({"bob": bob, "carol": carol}[who])
    response = client.post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code in (302, 404)
    if who != "anonymous":
        assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_only_revokes_by_post(client, alice):
    token, _ = api_token_create(user=alice, name="x", scope="read")
    client.force_login(alice)
    assert client.get(reverse("api:token-revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_records_when_a_token_was_last_used(api, alice):
    token, secret = api_token_create(user=alice, name="x", scope="read")
    assert token.last_used_at is None
    api.get("/me", token=secret)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    # Not a write per request: a second call within the resolution keeps the time.
    api.get("/me", token=secret)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - LAST_USED_RESOLUTION)
    api.get("/me", token=secret)
    token.refresh_from_db()
    assert token.last_used_at > first - LAST_USED_RESOLUTION


def test_it_refuses_writes_with_a_read_only_token(api, alice):
    secret = make_token(alice, scope="read")
    response = api.post("/stories", {"title": "Nope"}, token=secret)
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert not alice.stories.exists()


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer byl_" + "x" * 43, "Basic YWxpY2U6cGFzcw==", "Bearer "],
)
def test_it_answers_401_for_a_bad_authorization_header(api, alice, header):
    response = api.get("/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert set(response.json()) >= {"detail", "code"}


def test_it_refuses_tokens_of_deactivated_accounts(api, alice):
    secret = make_token(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert api.get("/me", token=secret).status_code == 401


def test_it_limits_the_number_of_active_tokens(alice):
    from django.core.exceptions import ValidationError

    from byline.api.services import MAX_ACTIVE_TOKENS

    for n in range(MAX_ACTIVE_TOKENS):
        api_token_create(user=alice, name=f"t{n}", scope="read")
    with pytest.raises(ValidationError):
        api_token_create(user=alice, name="one too many", scope="read")

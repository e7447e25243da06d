"""Personal access tokens end with the password: a reset or change revokes them, and says so."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from byline.accounts.tests.helpers import PASSWORD, sign_in
from byline.api.models import ApiToken
from byline.api.tests.conftest import make_token

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase"


def test_a_password_reset_revokes_the_accounts_tokens(
    client, api, alice, bob, django_capture_on_commit_callbacks
):
    alices, bobs = make_token(alice), make_token(bob)
    assert api.get("/me", token=alices).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    form_page = client.get(path, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_page.redirect_chain[-1][0],
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            follow=True,
        )
    assert api.get("/me", token=alices).status_code == 401
    assert api.get("/me", token=bobs).status_code == 200
    assert not ApiToken.objects.active().filter(user=alice).exists()
    assert "1 API token was revoked" in response.content.decode()
    assert "API tokens" in mail.outbox[-1].body


def test_a_password_change_revokes_the_accounts_tokens(
    client, api, alice, django_capture_on_commit_callbacks
):
    token = make_token(alice)
    make_token(alice, scope="read")
    sign_in(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            follow=True,
        )
    assert api.get("/me", token=token).status_code == 401
    assert "2 API tokens were revoked" in response.content.decode()

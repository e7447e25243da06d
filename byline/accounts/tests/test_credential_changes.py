"""A password reset or change ends every other session of the account, and says so."""

import re
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from byline.accounts.tests.helpers import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase"
ENGINES = ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"]


@pytest.fixture(params=ENGINES, ids=["db", "cached_db"])
def session_engine(request, settings):
    """Both engines Byline uses: the database, and the cache (Redis with REDIS_URL) over it."""
    settings.SESSION_ENGINE = request.param
    return request.param


def session_exists(key: str) -> bool:
    return import_module(django_settings.SESSION_ENGINE).SessionStore().exists(key)


def reset_password(client, email, capture):
    with capture(execute=True):
        client.post(reverse("account_reset_password"), {"email": email})
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    form_page = client.get(path, follow=True)
    with capture(execute=True):
        return client.post(
            form_page.redirect_chain[-1][0],
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            follow=True,
        )


def test_a_password_reset_ends_every_session_of_the_account(
    client, alice, bob, session_engine, django_capture_on_commit_callbacks
):
    laptop, phone, bobs = Client(), Client(), Client()
    sign_in(laptop, alice)
    sign_in(phone, alice, REMOTE_ADDR="192.0.2.8")
    sign_in(bobs, bob)
    keys = [laptop.session.session_key, phone.session.session_key]
    assert all(session_exists(key) for key in keys)

    mail.outbox.clear()
    response = reset_password(client, "alice@example.org", django_capture_on_commit_callbacks)

    assert not any(session_exists(key) for key in keys)
    assert laptop.get(reverse("accounts:settings_profile")).status_code == 302
    assert session_exists(bobs.session.session_key)  # nobody else is touched
    page = response.content.decode()
    assert "signed out of every other session" in page
    notice = mail.outbox[-1]
    assert notice.to == ["alice@example.org"]
    assert "signed out of every other session" in notice.body
    assert NEW_PASSWORD not in notice.body


def test_a_password_change_keeps_this_session_and_ends_the_others(
    client, alice, session_engine, django_capture_on_commit_callbacks
):
    sign_in(client, alice)
    other = Client()
    sign_in(other, alice)
    other_key = other.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            follow=True,
        )
    assert response.status_code == 200
    assert "signed out of every other session" in response.content.decode()
    assert not session_exists(other_key)
    assert client.get(reverse("accounts:settings_profile")).status_code == 200
    assert "signed out of every other session" in mail.outbox[-1].body


def test_the_sessions_page_lists_sessions_and_signs_out_the_others(client, alice):
    sign_in(client, alice)
    other = Client()
    sign_in(other, alice, REMOTE_ADDR="192.0.2.31")
    html = client.get(reverse("usersessions_list")).content.decode()
    assert 'class="settings-nav"' in html
    assert "192.0.2.31" in html
    assert 'aria-current="page">Sessions' in html
    client.post(reverse("usersessions_list"))
    assert not session_exists(other.session.session_key)
    assert client.get(reverse("accounts:settings_profile")).status_code == 200

"""Security events are logged as structured lines on `byline.security`: which event, which
account, what was typed, from which address, the outcome; never a password, token or link."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from byline.accounts.tests.helpers import PASSWORD, reauthenticate, sign_in
from byline.api.tests.conftest import ApiClient, make_token
from byline.conftest import make_user
from byline.core.logs import JsonFormatter, log_safe

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(caplog):
    """The security events logged during the test, as the JSON lines an operator would read."""
    caplog.set_level(logging.INFO, logger="byline.security")
    formatter = JsonFormatter()

    def read(name: str | None = None) -> list[dict]:
        lines = [
            json.loads(formatter.format(record))
            for record in caplog.records
            if record.name == "byline.security"
        ]
        return [line for line in lines if name is None or line["event"] == name]

    return read


def assert_no_secret(events, *secrets: str) -> None:
    text = json.dumps(events())
    for secret in secrets:
        assert secret not in text


def test_a_failed_sign_in_names_the_account_the_identifier_and_the_address(events, alice):
    Client(REMOTE_ADDR="192.0.2.44").post(
        reverse("account_login"), {"login": "alice@example.org", "password": "hunter2-guess"}
    )
    (line,) = events("sign_in_failed")
    assert line["level"] == "INFO"
    assert line["logger"] == "byline.security"
    assert line["account_id"] == alice.pk
    assert line["account"] == "alice"
    assert line["identifier"] == "alice@example.org"
    assert line["client_ip"] == "192.0.2.44"
    assert line["outcome"] == "wrong_credentials"
    assert_no_secret(events, "hunter2-guess")


def test_an_unknown_account_is_logged_without_an_account(events, db):
    Client().post(reverse("account_login"), {"login": "nobody", "password": "x"})
    (line,) = events("sign_in_failed")
    assert line["account_id"] is None
    assert line["identifier"] == "nobody"


def test_a_password_typed_into_the_login_field_is_not_logged(events, alice):
    Client().post(reverse("account_login"), {"login": PASSWORD, "password": PASSWORD})
    (line,) = events("sign_in_failed")
    assert line["identifier"] == "(not shown)"
    assert_no_secret(events, PASSWORD)


@pytest.mark.parametrize(
    "typed",
    ["alice\nINFO byline.security sign_in success", "evil\u202e@example.org", "x\r\n@y.org"],
)
def test_typed_identifiers_cannot_forge_or_hide_log_lines(events, db, caplog, typed):
    Client().post(reverse("account_login"), {"login": typed, "password": "x"})
    (line,) = events("sign_in_failed")
    for record in caplog.records:
        if record.name == "byline.security":
            message = record.getMessage()
            assert "\n" not in message and "\r" not in message and "\u202e" not in message
    assert "\u202e" not in line["identifier"]


def test_log_safe_escapes_control_and_format_characters():
    assert log_safe("a\nb\u202ec\u200bd") == "a\\u000ab\\u202ec\\u200bd"
    assert len(log_safe("x" * 500)) == 100


def test_sign_ins_and_their_throttle_are_logged(events, alice):
    for n in range(5):
        Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(
            reverse("account_login"), {"login": "alice", "password": "wrong"}
        )
    Client(REMOTE_ADDR="192.0.2.99").post(
        reverse("account_login"), {"login": "ALICE", "password": PASSWORD}
    )
    (line,) = events("sign_in_throttled")
    assert line["account_id"] == alice.pk
    assert line["client_ip"] == "192.0.2.99"
    assert line["outcome"] == "refused"
    sign_in(Client(REMOTE_ADDR="192.0.2.77"), make_user("erin"))
    (success,) = events("sign_in")
    assert success["account"] == "erin" and success["client_ip"] == "192.0.2.77"
    assert_no_secret(events, PASSWORD)


def test_a_sign_up_throttle_is_logged(events, settings, db):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}
    client = Client(REMOTE_ADDR="198.51.100.3")
    for n in range(2):
        response = client.post(
            reverse("account_signup"),
            {
                "display_name": f"P{n}",
                "username": f"person{n}",
                "email": f"person{n}@example.org",
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
            },
        )
        client.logout()
    assert response.status_code == 429
    (line,) = events("sign_up_throttled")
    assert line["client_ip"] == "198.51.100.3"
    assert line["path"] == reverse("account_signup")


def test_reset_requests_resets_and_changes_are_logged(
    events, alice, django_capture_on_commit_callbacks
):
    client = Client(REMOTE_ADDR="192.0.2.60")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
        client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    sent, unknown = events("password_reset_requested")
    assert (sent["outcome"], sent["account_id"]) == ("sent", alice.pk)
    assert (unknown["outcome"], unknown["account_id"]) == ("unknown", None)
    assert unknown["identifier"] == "nobody@example.org"

    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            form_page.redirect_chain[-1][0],
            {"password1": "a brand new passphrase", "password2": "a brand new passphrase"},
        )
    (reset,) = events("password_reset")
    assert reset["account_id"] == alice.pk and reset["client_ip"] == "192.0.2.60"

    sign_in(client, alice, password="a brand new passphrase")
    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "a brand new passphrase",
            "password1": "a third passphrase",
            "password2": "a third passphrase",
        },
    )
    (changed,) = events("password_changed")
    assert changed["account_id"] == alice.pk
    assert_no_secret(
        events, "a brand new passphrase", "a third passphrase", link, "/password/reset/key/"
    )


def test_an_email_change_is_logged(events, alice, django_capture_on_commit_callbacks):
    client = Client()
    sign_in(client, alice)
    reauthenticate(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "alice.new@example.org"})
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    client.post(path)
    (line,) = events("email_changed")
    assert line["account_id"] == alice.pk


def test_refused_api_calls_are_logged(events, alice, bob, settings):
    api = ApiClient(Client(REMOTE_ADDR="203.0.113.5"))
    assert api.get("/me", token="byl_" + "x" * 43).status_code == 401
    read_only = make_token(bob, scope="read")
    assert api.post("/creators/alice/follow", token=read_only).status_code == 403
    settings.API_RATE_PER_ADDRESS = 1
    api.get("/tags")
    assert api.get("/tags").status_code == 429
    unauthorised, forbidden, throttled = events("api_refused")
    assert (unauthorised["status"], unauthorised["outcome"]) == (401, "invalid_token")
    assert unauthorised["client_ip"] == "203.0.113.5"
    assert (forbidden["status"], forbidden["account_id"]) == (403, bob.pk)
    assert forbidden["path"] == "/api/v1/creators/alice/follow"
    assert throttled["status"] == 429
    assert_no_secret(events, read_only, "x" * 43)


def test_comment_and_draft_throttles_are_logged(events, client, story, settings):
    from byline.comments.tests.test_comments import create_url

    settings.COMMENT_NEW_ACCOUNT_LIMIT = 1
    settings.NEW_ACCOUNT_DRAFTS_PER_HOUR = 1
    newcomer = make_user("newcomer", date_joined=timezone.now() - dt.timedelta(hours=1))
    client = Client(REMOTE_ADDR="192.0.2.123")
    client.force_login(newcomer)
    for body in ("one", "two"):
        client.post(create_url(story), {"body": body})
    (comment,) = events("comment_throttled")
    assert comment["account_id"] == newcomer.pk
    assert comment["client_ip"] == "192.0.2.123"
    for title in ("First", "Second"):
        client.post(reverse("stories:write"), {"title": title, "body": "Words.", "action": "save"})
    (draft,) = events("draft_throttled")
    assert draft["account_id"] == newcomer.pk

"""Throttling, open redirects and e-mail links: the rules an attacker would try first."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from byline.accounts.models import User
from byline.accounts.tests.helpers import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

EVIL_NEXTS = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "javascript:alert(1)",
    "https:evil.example",
    "http://127.0.0.1:8000@evil.example/",
]


def main_part(response) -> str:
    """The page's <main>: the header's own "Sign in" link quotes the current URL, harmlessly."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def failed_sign_in(client, login="alice", **extra):
    return client.post(reverse("account_login"), {"login": login, "password": "wrong"}, **extra)


def test_repeated_failed_sign_ins_are_refused_for_a_while_with_a_clear_message(client, alice):
    for _ in range(5):
        response = failed_sign_in(client)
        assert "not correct" in response.content.decode()
    response = failed_sign_in(client)
    assert "Too many failed login attempts" in response.content.decode()
    # Even the right password is refused now: guessing gains nothing.
    response = client.post(reverse("account_login"), {"login": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_from_one_address_are_limited_across_accounts(client, alice, bob, dave):
    for login in ["alice", "bob", "dave", "nobody", "alice"]:
        failed_sign_in(client, login=login)
    response = failed_sign_in(client, login="bob")
    assert "Too many failed login attempts" in response.content.decode()
    # Another address is not affected by this one's failures.
    other = client.__class__()
    response = other.post(
        reverse("account_login"),
        {"login": "dave", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.77",
    )
    assert response.status_code == 302


def test_repeated_signups_from_one_address_get_a_friendly_429(client):
    for n in range(3):
        response = client.post(
            reverse("account_signup"),
            {
                "display_name": f"Person {n}",
                "username": f"person{n}",
                "email": f"person{n}@example.org",
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
            },
        )
        assert response.status_code == 302
        client.logout()
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Spammer",
            "username": "spammer",
            "email": "spam@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please wait a moment" in html
    assert "too many attempts" in html
    assert 'class="site-header"' in html  # the site's own page, not a bare error
    assert not User.objects.filter(username="spammer").exists()


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_sign_in_never_redirects_off_site(client, alice, target):
    page = main_part(client.get(reverse("account_login"), {"next": target}))
    assert 'href="' + target not in page  # echoed only as an (escaped) hidden field value
    response = client.post(
        reverse("account_login"), {"login": "alice", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_sign_up_never_redirects_off_site(client, target):
    page = main_part(client.get(reverse("account_signup"), {"next": target}))
    assert 'href="' + target not in page
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Erin",
            "username": "erin",
            "email": "erin@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
            "next": target,
        },
    )
    assert response.status_code == 302
    assert response.url.startswith("/")
    assert not response.url.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_sign_out_never_redirects_off_site(client, alice, target):
    client.force_login(alice)
    response = client.post(reverse("account_logout"), {"next": target})
    assert response.status_code == 302
    assert response.url == "/"


def test_a_local_next_is_followed(client, alice):
    response = client.post(
        reverse("account_login"),
        {"login": "alice", "password": PASSWORD, "next": "/settings/profile/"},
    )
    assert response.url == "/settings/profile/"


def test_the_password_reset_link_uses_the_site_url_not_the_host_header(
    client, alice, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://stories.example.net"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_reset_password"),
            {"email": "alice@example.org"},
            HTTP_HOST="evil.example",
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "evil.example" not in body
    link = re.search(r"https?://\S+", body).group(0)
    assert link.startswith("https://stories.example.net/accounts/password/reset/key/")


def test_a_password_reset_sets_a_new_password_and_the_old_one_stops_working(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a brand new passphrase", "password2": "a brand new passphrase"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a brand new passphrase")
    assert not alice.check_password(PASSWORD)


def test_a_reset_for_an_unknown_address_looks_the_same(client, alice):
    known = client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url


def test_changing_the_password_needs_the_old_one_and_keeps_this_session(client, alice):
    sign_in(client, alice)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "wrong",
            "password1": "another passphrase",
            "password2": "another passphrase",
        },
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)

    other_device = client.__class__()
    sign_in(other_device, alice)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "another passphrase",
            "password2": "another passphrase",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another passphrase")
    assert client.get(reverse("accounts:settings_profile")).status_code == 200
    # The other device's session is no longer valid.
    assert other_device.get(reverse("accounts:settings_profile")).status_code == 302


def test_changing_the_email_needs_a_recent_sign_in_and_verification(
    client, alice, django_capture_on_commit_callbacks
):
    client.force_login(alice)  # a session with no recorded password sign-in
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "alice.new@example.org"}
    )
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response.url
    assert mail.outbox == []

    # Confirming the password carries out the change that was asked for.
    assert client.get(response.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"  # unchanged until the new address is confirmed
    assert mail.outbox[-1].to == ["alice.new@example.org"]
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    client.post(path)
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.org"


def test_the_email_page_sits_in_the_settings_layout(client, alice):
    sign_in(client, alice)
    html = client.get(reverse("account_email")).content.decode()
    assert 'class="settings-nav"' in html
    assert "alice@example.org" in html
    assert 'style="' not in html

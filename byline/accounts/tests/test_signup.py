import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from byline.accounts.models import HandleRedirect, User
from byline.conftest import make_user

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "display_name": "Erin Example",
        "username": "erin",
        "email": "erin@example.org",
        "password1": "a long and unusual passphrase",
        "password2": "a long and unusual passphrase",
    }
    return {**data, **overrides}


def test_the_signup_page_asks_for_name_handle_email_and_password(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("display_name", "username", "email", "password1", "password2"):
        assert f'name="{field}"' in html
    assert "Handle" in html
    assert "Display name" in html


def test_it_creates_an_unverified_account_and_mails_a_link_on_the_site_url(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://stories.example.net"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 302
    user = User.objects.get(username="erin")
    assert user.display_name == "Erin Example"
    assert user.check_password("a long and unusual passphrase")
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert link.startswith("https://stories.example.net/accounts/confirm-email/")


def test_an_unverified_account_cannot_sign_in_until_the_link_is_followed(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data())
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"),
            {"login": "erin", "password": "a long and unusual passphrase"},
        )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1]
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(email="erin@example.org").verified
    response = client.post(
        reverse("account_login"), {"login": "erin", "password": "a long and unusual passphrase"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="erin").pk)


def test_the_handle_is_stored_in_lowercase(client):
    client.post(reverse("account_signup"), signup_data(username="Erin_W"))
    assert User.objects.filter(username="erin_w").exists()


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("a", "at least 2 characters"),
        ("x" * 31, "30 characters"),
        ("erin-w", "lowercase letters, digits and underscores"),
        ("erin w", "lowercase letters, digits and underscores"),
        ("érin", "lowercase letters, digits and underscores"),
        ("admin", "reserved"),
        ("settings", "reserved"),
        ("deleted", "reserved"),
    ],
)
def test_it_refuses_bad_and_reserved_handles_with_a_clear_message(client, handle, message):
    response = client.post(reverse("account_signup"), signup_data(username=handle))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="erin@example.org").exists()
    assert mail.outbox == []


def test_it_refuses_a_taken_handle_in_any_case(client, alice):
    response = client.post(reverse("account_signup"), signup_data(username="ALICE"))
    assert "That handle is taken." in response.content.decode()
    assert User.objects.filter(username__iexact="alice").count() == 1


def test_a_handle_someone_used_before_stays_theirs(client, alice):
    HandleRedirect.objects.create(old_handle="alice_old", user=alice)
    response = client.post(reverse("account_signup"), signup_data(username="alice_old"))
    assert "That handle is taken." in response.content.decode()
    assert not User.objects.filter(username="alice_old").exists()


def test_signing_up_with_a_known_email_does_not_reveal_it(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), signup_data(email="alice@example.org"))
    # Same answer as for a new address (enumeration prevention); alice is told by e-mail.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not User.objects.filter(username="erin").exists()
    assert mail.outbox[0].to == ["alice@example.org"]


def test_a_display_name_is_required(client):
    response = client.post(reverse("account_signup"), signup_data(display_name="   "))
    assert response.status_code == 200
    assert not User.objects.filter(username="erin").exists()


def test_sign_in_works_with_the_handle_or_the_email(client, alice):
    for login in ("alice", "ALICE", "alice@example.org"):
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": login, "password": "correct horse battery staple"}
        )
        assert response.status_code == 302, login
        assert client.session["_auth_user_id"] == str(alice.pk)


def test_sign_out_needs_a_post(client, alice):
    client.force_login(alice)
    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_the_signed_in_menu_links_profile_settings_and_sign_out(client, alice):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'href="/@alice"' in html
    assert 'href="/settings/"' in html
    assert f'action="{reverse("account_logout")}"' in html


def test_the_handle_of_a_new_user_is_checked_by_the_model_too():
    with pytest.raises(ValidationError, match="lowercase letters"):
        make_user("Bad Handle").full_clean()


def test_the_sign_in_page_keeps_the_site_name_whatever_the_host(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_NAME = "Byline Test"
    html = client.get(reverse("account_login"), HTTP_HOST="evil.example").content.decode()
    assert "<title>Sign In · Byline Test</title>" in " ".join(html.split()).replace("> ", ">")
    assert "evil.example" not in html


def test_anonymous_pages_set_no_csrf_cookie(client, story):
    # Cacheable pages for readers: no per-visitor cookie just for the htmx CSRF header.
    response = client.get(story.get_absolute_url())
    assert "csrftoken" not in response.cookies

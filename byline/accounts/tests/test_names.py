"""One normaliser for display names and handles, whatever path sets them: no bidi override, no
zero-width character, no look-alike of a reserved handle."""

import pytest
from django.urls import reverse

from byline.accounts.models import User
from byline.accounts.names import clean_display_name, clean_handle
from byline.accounts.tests.helpers import PASSWORD
from byline.stories.importer import import_story, parse_story_file
from byline.stories.tests.test_importer import write_story

pytestmark = pytest.mark.django_db

# (typed, stored): what each hiding trick becomes.
DISPLAY_NAMES = [
    ("Alice\u202e Archer", "Alice Archer"),  # right-to-left override
    ("Al\u200bice Archer", "Alice Archer"),  # zero-width space
    ("\ufeffAlice\u2066 Archer\u2069", "Alice Archer"),  # BOM, isolates
    ("Alice\u00ad Archer", "Alice Archer"),  # soft hyphen
    ("Alice\u2028Archer", "Alice Archer"),  # line separator
    ("Ａｌｉｃｅ Archer", "Alice Archer"),  # fullwidth letters
    ("Alice\x07\x1b Archer", "Alice Archer"),  # control characters
]


@pytest.mark.parametrize(("typed", "stored"), DISPLAY_NAMES)
def test_signup_stores_display_names_without_invisible_characters(client, typed, stored):
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": typed,
            "username": "erin",
            "email": "erin@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="erin").display_name == stored


@pytest.mark.parametrize(("typed", "stored"), DISPLAY_NAMES)
def test_the_profile_form_stores_display_names_without_invisible_characters(
    client, bob, typed, stored
):
    client.force_login(bob)
    client.post(
        reverse("accounts:settings_profile"),
        {"display_name": typed, "handle": "bob", "bio": "", "website": ""},
    )
    bob.refresh_from_db()
    assert bob.display_name == stored


def test_meaningful_joiners_are_kept():
    assert clean_display_name("می\u200cخواهم") == "می\u200cخواهم"  # Persian ZWNJ
    assert clean_display_name("👩\u200d💻 Dev") == "👩\u200d💻 Dev"  # emoji sequence
    assert clean_display_name("Ali\u200dce") == "Alice"  # between Latin letters: hidden


@pytest.mark.parametrize(
    "handle",
    [
        "administrator",
        "moderator",
        "support",
        "staff",
        "root",
        "byline",
        "ADMIN",
        "ａｄｍｉｎ",
        "ad\u200bmin",
        "adm1n",
        "r00t",
        "_admin_",
        "a_d_m_i_n",
        "byline_support",
        "official_staff",
        "admin2",
    ],
)
def test_signup_refuses_reserved_handles_and_their_look_alikes(client, handle):
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Erin",
            "username": handle,
            "email": "erin@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert response.status_code == 200
    assert "That handle is reserved" in response.content.decode()
    assert not User.objects.filter(email="erin@example.org").exists()


@pytest.mark.parametrize("handle", ["support", "adm1n", "staff_picks", "\u202eroot"])
def test_the_profile_form_refuses_reserved_handles(client, bob, handle):
    client.force_login(bob)
    response = client.post(
        reverse("accounts:settings_profile"),
        {"display_name": "Bob", "handle": handle, "bio": "", "website": ""},
    )
    assert response.status_code == 400
    assert "That handle is reserved" in response.content.decode()
    bob.refresh_from_db()
    assert bob.username == "bob"


@pytest.mark.parametrize("handle", ["badminton", "rooted", "staffordshire_tales", "mod_rock"])
def test_ordinary_words_that_contain_a_staff_word_are_fine(client, bob, handle):
    client.force_login(bob)
    client.post(
        reverse("accounts:settings_profile"),
        {"display_name": "Bob", "handle": handle, "bio": "", "website": ""},
    )
    bob.refresh_from_db()
    assert bob.username == handle


def test_an_existing_account_keeps_a_handle_made_before_the_rules(client):
    from byline.conftest import make_user

    old = make_user("staff_writer")
    client.force_login(old)
    client.post(
        reverse("accounts:settings_profile"),
        {"display_name": "New name", "handle": "staff_writer", "bio": "", "website": ""},
    )
    old.refresh_from_db()
    assert old.display_name == "New name"
    assert old.username == "staff_writer"


def test_a_fullwidth_handle_is_stored_as_plain_ascii(client):
    client.post(
        reverse("account_signup"),
        {
            "display_name": "Erin",
            "username": "ｅｒｉｎ",
            "email": "erin@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert User.objects.filter(username="erin").exists()


def test_the_admin_normalises_names_too(client, alice):
    operator = User.objects.create_superuser("operator", "op@example.org", PASSWORD)
    client.force_login(operator)
    page = client.get(f"/admin/accounts/user/{alice.pk}/change/")
    assert page.status_code == 200
    data = {
        "username": "ａlice",
        "display_name": "Alice\u202e Archer",
        "email": alice.email,
        "bio": alice.bio,
        "website": alice.website,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "handle_redirects-TOTAL_FORMS": "0",
        "handle_redirects-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/accounts/user/{alice.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    alice.refresh_from_db()
    assert alice.username == "alice"
    assert alice.display_name == "Alice Archer"


def test_every_save_normalises_names_even_without_a_form(db):
    user = User.objects.create_user(username="erin", display_name="Er\u200bin\u202e")
    user.refresh_from_db()
    assert user.display_name == "Erin"


def test_the_importer_normalises_the_author_and_never_creates_a_reserved_handle(tmp_path):
    front = 'title: "Hello"\nauthor: "Site\u202e Admin"\nauthor_handle: "admin"'
    author = import_story(parse_story_file(write_story(tmp_path, front))).story.author
    assert author.display_name == "Site Admin"
    assert author.username != "admin" and author.username.startswith("creator_")
    assert not User.objects.filter(username="admin").exists()
    # Importing again finds the same stand-in account.
    again = import_story(parse_story_file(write_story(tmp_path, front, name="b.md")))
    assert again.story.author == author


def test_the_importer_uses_an_existing_account_with_a_reserved_handle(tmp_path):
    support = User.objects.create_user(username="support", display_name="Support")
    path = write_story(tmp_path, 'title: "Hello"\nauthor: "Support"\nauthor_handle: "support"')
    assert import_story(parse_story_file(path)).story.author == support


def test_clean_handle_drops_an_at_sign_and_invisible_characters():
    assert clean_handle(" @Al\u200bice ") == "alice"

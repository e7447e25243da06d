import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from byline.accounts.models import HandleRedirect, User
from byline.conftest import image_file, make_story

pytestmark = pytest.mark.django_db

URL = "/settings/profile/"


def profile_data(user, **overrides):
    data = {
        "display_name": user.display_name,
        "handle": user.username,
        "bio": user.bio,
        "website": user.website,
    }
    return {**data, **overrides}


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` by `height` pixels (made without a big allocation)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (URL, "/settings/", "/settings/delete/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    response = client.post(URL, {"display_name": "Hacker", "handle": "hacker"})
    assert response.status_code == 302
    assert not User.objects.filter(username="hacker").exists()


def test_settings_lead_to_the_profile_tab(client, alice):
    client.force_login(alice)
    response = client.get("/settings/")
    assert response.url == URL
    html = client.get(URL).content.decode()
    assert 'aria-current="page">Profile</a>' in html
    for label in ("Account &amp; e-mail", "Password", "Delete account"):
        assert label in html


def test_a_suspended_account_cannot_change_its_profile(client, mallory):
    mallory.suspension_reason = "Spam <links>"
    mallory.save(update_fields=["suspension_reason"])
    client.force_login(mallory)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Your account is suspended" in response.content.decode()
    assert "Spam &lt;links&gt;" in response.content.decode()
    response = client.post(URL, profile_data(mallory, bio="Buy pills"))
    assert response.status_code == 403
    mallory.refresh_from_db()
    assert mallory.bio == ""


def test_each_person_edits_only_their_own_profile(client, alice, bob):
    client.force_login(bob)
    client.post(URL, profile_data(bob, display_name="Bobby", handle="alice"))
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert alice.display_name == "Alice Archer"
    assert bob.username == "bob"  # alice's handle is taken


def test_the_owner_updates_name_bio_and_website(client, alice):
    client.force_login(alice)
    response = client.post(
        URL,
        profile_data(
            alice,
            display_name="  Alice   A. Archer ",
            bio="Rivers.\r\nAnd <b>lakes</b>.  ",
            website="https://rivers.example/",
        ),
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Alice A. Archer"
    assert alice.bio == "Rivers.\nAnd <b>lakes</b>."
    assert alice.website == "https://rivers.example/"
    html = client.get("/@alice").content.decode()
    assert "Rivers.<br>And &lt;b&gt;lakes&lt;/b&gt;." in html
    assert (
        '<a href="https://rivers.example/" rel="nofollow ugc noopener me">rivers.example</a>'
        in html
    )
    assert "Edit profile" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("website", "javascript:alert(1)", "starting with https:// or http://"),
        ("website", "ftp://files.example", "starting with https:// or http://"),
        ("website", "not a url", "starting with https:// or http://"),
        ("bio", "x" * 601, "at most 600 characters"),
        ("display_name", "x" * 81, "at most 80 characters"),
        ("handle", "Bad Handle", "lowercase letters, digits and underscores"),
        ("handle", "admin", "reserved"),
        ("handle", "bob", "That handle is taken."),
    ],
)
def test_bad_input_changes_nothing_and_says_why(client, alice, bob, field, value, message):
    client.force_login(alice)
    response = client.post(URL, profile_data(alice, **{"display_name": "Changed", field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Nothing was changed" in html
    alice.refresh_from_db()
    assert alice.display_name == "Alice Archer"
    assert alice.username == "alice"


def test_the_bio_is_plain_text_on_the_profile(client, alice):
    alice.bio = '<script>alert("x")</script>\nline two'
    alice.save(update_fields=["bio"])
    html = client.get("/@alice").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>line two" in html


def test_a_new_handle_keeps_old_profile_and_story_links_working(client, alice):
    story = make_story(alice, title="Old Links")
    client.force_login(alice)
    response = client.post(URL, profile_data(alice, handle="alice_a"))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.username == "alice_a"
    assert HandleRedirect.objects.get(old_handle="alice").user == alice

    response = client.get("/@alice")
    assert response.status_code == 301
    assert response.url == "/@alice_a"
    response = client.get(f"/@alice/{story.slug}")
    assert response.status_code == 301
    assert response.url == f"/@alice_a/{story.slug}"
    assert client.get(f"/@alice_a/{story.slug}").status_code == 200

    # A second rename: both older handles lead straight to the newest.
    client.post(URL, profile_data(alice, handle="alice_b"))
    assert client.get("/@alice").url == "/@alice_b"
    assert client.get("/@alice_a").url == "/@alice_b"
    assert client.get(f"/@alice/{story.slug}").url == f"/@alice_b/{story.slug}"
    # Taking the first handle back is allowed, and it stops being a redirect.
    client.post(URL, profile_data(alice, handle="alice"))
    assert client.get("/@alice").status_code == 200
    assert not HandleRedirect.objects.filter(old_handle="alice").exists()


def test_an_old_handle_does_not_lead_to_someone_elses_story(client, alice, bob):
    make_story(bob, title="Bob Story")
    HandleRedirect.objects.create(old_handle="alice_old", user=alice)
    assert client.get("/@alice_old/bob-story").status_code == 404


def test_an_old_handle_does_not_reveal_a_draft(client, alice):
    draft = make_story(alice, title="Secret", status="draft")
    HandleRedirect.objects.create(old_handle="alice_old", user=alice)
    assert client.get(f"/@alice_old/{draft.slug}").status_code == 404


def test_an_avatar_is_re_encoded_under_a_fresh_name_without_metadata(client, alice, settings):
    client.force_login(alice)
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 0.0)})  # GPSInfo: latitude
    upload = image_file(size=(640, 480), name="../../evil name.jpg", exif=exif.tobytes())
    with Image.open(upload) as original:  # the test file really carries a GPS position
        assert original.getexif().get_ifd(0x8825)[2] == (48.0, 51.0, 0.0)
    upload.seek(0)
    response = client.post(URL, {**profile_data(alice), "avatar": upload})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.avatar.name.startswith("avatars/")
    assert "evil" not in alice.avatar.name
    with alice.avatar.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (640, 480)
        assert not image.getexif()
        assert not image.getexif().get_ifd(0x8825)
        assert "exif" not in image.info
    html = client.get("/@alice").content.decode()
    assert alice.avatar.url in html


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile(
                "a.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
            ),
            "SVG",
        ),
        (
            SimpleUploadedFile(
                "polyglot.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>"
            ),
            "not an image we accept",
        ),
        (SimpleUploadedFile("notes.jpg", b"just some text, not an image"), "not an image"),
        (SimpleUploadedFile("huge.png", png_claiming(100_000, 100_000)), "pixels"),
        (SimpleUploadedFile("empty.png", b""), "empty"),
    ],
    ids=["svg", "html-polyglot", "text", "pixel-bomb", "empty"],
)
def test_a_hostile_avatar_is_refused_and_nothing_is_stored(
    client, alice, settings, upload, message
):
    client.force_login(alice)
    response = client.post(URL, {**profile_data(alice, display_name="Changed"), "avatar": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    alice.refresh_from_db()
    assert not alice.avatar
    assert alice.display_name == "Alice Archer"
    assert stored_files(settings) == []


def test_an_avatar_over_the_size_limit_is_refused_before_decoding(client, alice, settings):
    settings.IMAGE_MAX_BYTES = 2048
    client.force_login(alice)
    big = image_file(fmt="PNG", size=(300, 300), name="big.png")
    big.file = io.BytesIO(big.read() + b"\0" * 4096)
    big.size = len(big.file.getvalue())
    response = client.post(URL, {**profile_data(alice), "avatar": big})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert stored_files(settings) == []


def test_an_avatar_over_the_pixel_limit_is_refused(client, alice, settings):
    settings.IMAGE_MAX_PIXELS = 10_000
    client.force_login(alice)
    response = client.post(
        URL, {**profile_data(alice), "avatar": image_file(size=(200, 200), name="a.jpg")}
    )
    assert response.status_code == 400
    assert "200×200 pixels" in response.content.decode()
    assert stored_files(settings) == []


def test_replacing_and_removing_the_avatar_deletes_the_old_files(
    client, alice, settings, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**profile_data(alice), "avatar": image_file(size=(600, 600))})
    alice.refresh_from_db()
    first = alice.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**profile_data(alice), "avatar": image_file(size=(500, 500))})
    alice.refresh_from_db()
    assert alice.avatar.name != first
    names = {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored_files(settings)}
    assert first not in names
    assert alice.avatar.name in names
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**profile_data(alice), "remove_avatar": "on"})
    alice.refresh_from_db()
    assert not alice.avatar
    assert stored_files(settings) == []


def test_htmx_gets_the_form_back_in_place(client, alice):
    client.force_login(alice)
    response = client.post(URL, profile_data(alice, bio="Hello"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="profile-form"')
    assert "Your profile is saved." in html
    assert "<html" not in html
    response = client.post(
        URL, profile_data(alice, website="javascript:alert(1)"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "starting with https:// or http://" in response.content.decode()


def test_a_suspended_accounts_profile_still_shows(client, mallory):
    assert client.get("/@mallory").status_code == 200


def test_only_the_owner_sees_the_edit_link(client, alice, bob):
    assert "Edit profile" not in client.get("/@alice").content.decode()
    client.force_login(bob)
    assert "Edit profile" not in client.get("/@alice").content.decode()


def test_the_profile_lists_stories_in_a_fixed_number_of_queries(
    client, alice, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(8):
            make_story(alice, title=f"Story {n}", hero_image=image_file(size=(900, 500)))
        alice.avatar.save("a.jpg", image_file(size=(200, 200)), save=True)
    client.get("/@alice")  # warm the footer cache
    with django_assert_max_num_queries(6):
        html = client.get("/@alice").content.decode()
    assert html.count('class="card"') == 8
    assert "srcset" in html


def test_an_unknown_or_deactivated_profile_is_404(client, alice):
    assert client.get("/@nobody").status_code == 404
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert client.get("/@alice").status_code == 404


def test_htmx_reloads_the_page_when_the_header_would_be_out_of_date(client, alice):
    client.force_login(alice)
    response = client.post(
        URL, profile_data(alice, display_name="Alice B."), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == URL
    alice.refresh_from_db()
    assert alice.display_name == "Alice B."
    assert "Your profile is saved." in client.get(URL).content.decode()


@pytest.mark.parametrize(
    "page",
    ["/settings/profile/", "/settings/notifications/", "/settings/tokens/", "/settings/export/"],
)
def test_every_settings_page_shows_every_settings_tab(client, alice, page):
    client.force_login(alice)
    html = client.get(page).content.decode()
    for tab in [
        "/settings/profile/",
        "/settings/notifications/",
        "/settings/tokens/",
        "/settings/export/",
        "/settings/import/",
        "/settings/delete/",
    ]:
        assert f'href="{tab}"' in html
    assert f'href="{page}" aria-current="page"' in html

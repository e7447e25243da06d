"""The editor as its author uses it: with and without JavaScript."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from byline.conftest import image_file, make_story, make_user
from byline.stories.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Story, StoryImage, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    """An account that joined today (the cast are established accounts)."""
    return make_user("nina", date_joined=timezone.now())


def _form(**overrides):
    data = {
        "title": "The river at night",
        "subtitle": "Notes from the bank",
        "body": "It was *dark*.\n\n## Then\n\nThe moon came.",
        "community": "",
        "tags": "Nature, Night",
        "hero_image_caption": "",
        "hero_image_credit": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_the_write_link_opens_an_empty_editor(client, alice):
    client.force_login(alice)
    home = client.get("/")
    assert reverse("stories:write").encode() in home.content
    response = client.get(reverse("stories:write"))
    assert response.status_code == 200
    assert b'name="title"' in response.content
    assert b"editor.js" in response.content


def test_saving_a_draft_creates_it_with_tags_community_and_hero(client, alice, community):
    client.force_login(alice)
    data = _form(community=community.pk, hero_image=image_file(), hero_image_caption="Moon")
    response = client.post(reverse("stories:write"), data)
    story = Story.objects.get(author=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("stories:edit", args=[story.pk])
    assert story.status == Story.Status.DRAFT
    assert story.community == community
    assert sorted(tag.name for tag in story.tags.all()) == ["Nature", "Night"]
    assert story.hero_image and story.hero_image_caption == "Moon"
    assert "<em>dark</em>" in story.body_html
    assert story.revisions.count() == 1


def test_save_and_submit_sends_the_story_to_review(client, alice, settings):
    settings.REVIEW = True
    client.force_login(alice)
    response = client.post(reverse("stories:write"), _form(action="submit"))
    story = Story.objects.get(author=alice)
    assert story.status == Story.Status.SUBMITTED
    assert response["Location"] == reverse("stories:mine") + "?tab=submitted"


def test_save_and_submit_publishes_when_review_is_off(client, alice, settings):
    settings.REVIEW = False
    client.force_login(alice)
    response = client.post(reverse("stories:write"), _form(action="submit"))
    story = Story.objects.get(author=alice)
    assert story.status == Story.Status.PUBLISHED
    assert response["Location"] == story.get_absolute_url()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", b"Give your story a title."),
        ("title", "x" * (TITLE_MAX_LENGTH + 1), b"The title can be at most 150 characters"),
        ("subtitle", "x" * 251, b"The subtitle can be at most 250 characters"),
        ("body", "x" * (BODY_MAX_LENGTH + 1), b"The story can be at most 100,000 characters"),
        ("tags", "a, b, c, d, e, f", b"at most 5 tags; you entered 6"),
        ("hero_image_caption", "x" * 301, b"The caption can be at most 300 characters"),
    ],
)
def test_limits_are_explained_and_the_typed_text_is_kept(client, alice, field, value, message):
    client.force_login(alice)
    data = _form(**{field: value})
    response = client.post(reverse("stories:write"), data)
    assert response.status_code == 422
    assert message in response.content
    assert not Story.objects.exists()
    if field != "body":
        assert b"The moon came." in response.content


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            b"not an image",
        ),
        (image_file(size=(9000, 9000), fmt="PNG", name="big.png"), b"pixels"),
    ],
)
def test_a_bad_hero_image_is_refused_with_a_message_and_the_text_kept(
    client, alice, upload, message, settings
):
    settings.IMAGE_MAX_PIXELS = 40_000_000
    client.force_login(alice)
    response = client.post(reverse("stories:write"), _form(hero_image=upload))
    assert response.status_code == 422
    assert message in response.content
    assert b"please choose the image again" in response.content
    assert b"The moon came." in response.content
    assert not Story.objects.exists()


def test_an_oversized_hero_image_is_refused(client, alice, settings):
    settings.IMAGE_MAX_BYTES = 2048
    client.force_login(alice)
    response = client.post(reverse("stories:write"), _form(hero_image=image_file(size=(900, 900))))
    assert response.status_code == 422
    assert b"too large" in response.content


def test_the_preview_button_renders_without_saving(client, alice):
    client.force_login(alice)
    response = client.post(reverse("stories:write"), _form(action="preview", body="**Loud**"))
    assert response.status_code == 200
    assert b"<strong>Loud</strong>" in response.content
    assert not Story.objects.exists()


def test_the_live_preview_answers_htmx_with_the_fragment_only(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("stories:write"),
        {"action": "preview", "body": "Hi <script>alert(1)</script> [x](javascript:alert(1))"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"<script" not in response.content
    assert b'href="javascript' not in response.content
    assert b"&lt;script&gt;" in response.content


def test_editing_changes_the_story_and_keeps_a_revision(client, alice):
    story = make_story(alice, status="draft", title="First title")
    client.force_login(alice)
    response = client.post(
        reverse("stories:edit", args=[story.pk]), _form(title="Second title", tags="")
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.title == "Second title"
    assert story.slug == "second-title"
    assert story.tags.count() == 0
    assert story.revisions.count() == 2


def test_a_rejected_story_shows_the_reason_in_the_editor(client, alice):
    story = make_story(alice, status="rejected")
    story.rejection_reason = "Please add sources."
    story.save(update_fields=["rejection_reason"])
    client.force_login(alice)
    response = client.get(reverse("stories:edit", args=[story.pk]))
    assert b"Please add sources." in response.content
    assert b"Resubmit for review" in response.content


def test_the_hero_image_can_be_removed(client, alice):
    story = make_story(alice, status="draft", hero_image=image_file())
    client.force_login(alice)
    client.post(reverse("stories:edit", args=[story.pk]), _form(remove_hero_image="on"))
    story.refresh_from_db()
    assert not story.hero_image


def test_new_accounts_see_the_draft_limit_on_the_form(client, newcomer, settings):
    settings.NEW_ACCOUNT_DRAFTS_PER_HOUR = 1
    client.force_login(newcomer)
    client.post(reverse("stories:write"), _form())
    response = client.post(reverse("stories:write"), _form(title="Another"))
    assert response.status_code == 422
    assert b"New accounts can start at most 1 stories an hour" in response.content
    assert b"The moon came." in response.content
    assert Story.objects.count() == 1


# --- Autosave ---------------------------------------------------------------------------------


def test_the_first_autosave_creates_the_draft_and_names_its_address(client, alice):
    client.force_login(alice)
    response = client.post(reverse("stories:autosave_new"), {"title": "", "body": "Once upon"})
    assert response.status_code == 200
    data = response.json()
    story = Story.objects.get(author=alice)
    assert data["saved"] is True
    assert data["label"].startswith("Saved at ")
    assert data["edit_url"] == reverse("stories:edit", args=[story.pk])
    assert data["autosave_url"] == reverse("stories:autosave", args=[story.pk])
    assert (story.title, story.body, story.status) == ("Untitled story", "Once upon", "draft")


def test_an_empty_autosave_creates_nothing(client, alice):
    client.force_login(alice)
    response = client.post(reverse("stories:autosave_new"), {"title": " ", "body": ""})
    assert response.json()["saved"] is False
    assert not Story.objects.exists()


def test_autosave_updates_the_draft_and_coalesces_revisions(client, alice):
    story = make_story(alice, status="draft", body="v1")
    client.force_login(alice)
    url = reverse("stories:autosave", args=[story.pk])
    for body in ("v2", "v3", "v4"):
        assert client.post(url, {"title": story.title, "body": body}).json()["saved"]
    story.refresh_from_db()
    assert story.body == "v4"
    assert story.revisions.count() == 2


def test_autosave_refuses_oversized_text_and_keeps_the_saved_copy(client, alice):
    story = make_story(alice, status="draft", body="kept")
    client.force_login(alice)
    response = client.post(
        reverse("stories:autosave", args=[story.pk]),
        {"title": "t", "body": "x" * (BODY_MAX_LENGTH + 1)},
    )
    assert response.status_code == 422
    assert "at most 100,000 characters" in response.json()["errors"][0]
    story.refresh_from_db()
    assert story.body == "kept"


def test_autosave_does_not_touch_a_published_story(client, alice):
    story = make_story(alice, body="Live.")
    client.force_login(alice)
    response = client.post(
        reverse("stories:autosave", args=[story.pk]), {"title": "t", "body": "half"}
    )
    assert response.status_code == 422
    story.refresh_from_db()
    assert story.body == "Live."


def test_autosave_needs_the_csrf_token(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("stories:autosave_new"), {"title": "t", "body": "b"})
    assert response.status_code == 403
    assert not Story.objects.exists()


# --- Tags and inline images -------------------------------------------------------------------


def test_tag_suggestions_offer_existing_tags_for_the_last_term(client, alice):
    make_story(alice, tags=["Nature", "Navigation", "Travel"])
    client.force_login(alice)
    response = client.get(reverse("stories:tag_suggest"), {"tags": "Travel, na"})
    assert response.status_code == 200
    assert b'data-tag="Nature"' in response.content
    assert b'data-tag="Navigation"' in response.content
    assert b"Travel" not in response.content


def test_an_inline_image_is_stored_under_our_name_and_returned_as_a_url(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("stories:image_upload"),
        {"image": image_file(name="../../evil.jpg")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    image = StoryImage.objects.get()
    assert response.json()["url"] == image.image.url
    assert image.image.name.startswith("inline/")
    assert "evil" not in image.image.name


def test_without_javascript_the_upload_page_shows_the_markdown(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("stories:image_upload"), {"image": image_file(), "alt": "A [heron]"}
    )
    assert response.status_code == 200
    url = StoryImage.objects.get().image.url
    assert f"![A heron]({url})".encode() in response.content


def test_a_hostile_inline_image_is_refused_and_nothing_is_stored(client, alice, settings):
    client.force_login(alice)
    polyglot = SimpleUploadedFile("a.gif", b"GIF89a<script>alert(1)</script>")
    response = client.post(
        reverse("stories:image_upload"), {"image": polyglot}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"]
    assert not StoryImage.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_inline_uploads_are_rate_limited_per_person(client, alice, bob, settings):
    settings.INLINE_IMAGES_PER_HOUR = 2
    client.force_login(alice)
    url = reverse("stories:image_upload")
    accept = {"Accept": "application/json"}
    codes = [client.post(url, {"image": image_file()}, headers=accept).status_code for _ in "abc"]
    assert codes == [200, 200, 422]
    client.force_login(bob)
    assert client.post(url, {"image": image_file()}, headers=accept).status_code == 200
    assert StoryImage.objects.count() == 3


def test_tags_are_created_once(client, alice):
    client.force_login(alice)
    client.post(reverse("stories:write"), _form(tags="Nature, nature, NATURE"))
    assert Tag.objects.filter(slug="nature").count() == 1


def test_the_draft_limit_answers_autosave_with_a_message(client, newcomer, settings):
    settings.NEW_ACCOUNT_DRAFTS_PER_HOUR = 1
    client.force_login(newcomer)
    assert client.post(reverse("stories:autosave_new"), {"body": "one"}).json()["saved"]
    response = client.post(reverse("stories:autosave_new"), {"body": "two"})
    assert response.status_code == 422
    assert "New accounts can start at most 1" in response.json()["errors"][0]
    assert Story.objects.count() == 1


def test_the_editor_and_autosave_run_a_fixed_number_of_queries(
    client, alice, community, django_assert_max_num_queries
):
    story = make_story(alice, status="draft", community=community, tags=["a", "b", "c"])
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("stories:edit", args=[story.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        client.post(reverse("stories:autosave", args=[story.pk]), {"title": "t", "body": "b"})


def test_submitting_twice_explains_instead_of_failing(client, alice):
    story = make_story(alice, status="submitted", body="Waiting.")
    client.force_login(alice)
    response = client.post(
        reverse("stories:edit", args=[story.pk]), _form(action="submit", body="Changed.")
    )
    assert response.status_code == 409
    assert b"This story is already in review or published" in response.content
    assert b"Changed." in response.content  # the typed text is still in the form
    story.refresh_from_db()
    assert story.body == "Waiting."  # the whole save was rolled back


def test_autosave_never_overwrites_a_newer_save_from_another_window(client, alice):
    story = make_story(alice, status="draft", body="v1")
    client.force_login(alice)
    url = reverse("stories:autosave", args=[story.pk])
    opened_at = story.version
    first = client.post(url, {"title": story.title, "body": "from tab A", "version": opened_at})
    assert first.json()["saved"]
    second = client.post(url, {"title": story.title, "body": "from tab B", "version": opened_at})
    assert second.status_code == 409
    assert second.json()["conflict"] is True
    story.refresh_from_db()
    assert story.body == "from tab A"
    third = client.post(
        url, {"title": story.title, "body": "tab A again", "version": first.json()["version"]}
    )
    assert third.json()["saved"]


def test_an_identical_autosave_from_an_old_window_is_not_a_conflict(client, alice):
    story = make_story(alice, status="draft", body="v1")
    client.force_login(alice)
    url = reverse("stories:autosave", args=[story.pk])
    opened_at = story.version
    client.post(url, {"title": story.title, "body": "same words", "version": opened_at})
    again = client.post(url, {"title": story.title, "body": "same words", "version": opened_at})
    assert again.status_code == 200
    assert again.json()["saved"]


def test_a_hero_stored_by_a_save_that_then_fails_leaves_no_file(client, alice, settings):
    """Submit with a hero but no text: the story is refused after the image was stored, and
    the rolled-back save must not leave the file behind (each retry would leak one)."""
    client.force_login(alice)
    response = client.post(
        reverse("stories:write"), _form(body="", hero_image=image_file(), action="submit")
    )
    assert response.status_code == 422
    assert b"write something before submitting" in response.content
    assert not Story.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))

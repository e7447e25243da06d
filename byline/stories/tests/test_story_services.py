"""The story lifecycle through its services: what the site, the API and the CLI all call."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from byline.accounts.models import User
from byline.conftest import image_file, make_story, make_user
from byline.core.transitions import Conflict
from byline.moderation.models import ModerationAction
from byline.social.models import Notification
from byline.stories.lifecycle import (
    story_approve,
    story_delete,
    story_reject,
    story_submit,
    story_unpublish,
)
from byline.stories.models import Story, StoryRevision, StorySlugRedirect
from byline.stories.services import (
    story_create,
    story_revision_restore,
    story_update,
    tags_from_names,
)

pytestmark = pytest.mark.django_db


def test_the_whole_lifecycle_with_review(
    alice, carol, settings, django_capture_on_commit_callbacks
):
    settings.REVIEW = True
    story = story_create(author=alice, title="First light", body="Dawn over the river.")
    assert story.status == Story.Status.DRAFT

    story = story_submit(story=story, by=alice)
    assert story.status == Story.Status.SUBMITTED
    assert story.submitted_at is not None
    assert not Story.objects.published().filter(pk=story.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        story_reject(story=story, by=carol, reason="The ending is missing.")
    story.refresh_from_db()
    assert story.status == Story.Status.REJECTED
    assert story.rejection_reason == "The ending is missing."

    story_update(story=story, by=alice, body="Dawn over the river. And then dusk.")
    story = story_submit(story=story, by=alice)
    assert story.status == Story.Status.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        story_approve(story=story, by=carol)
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED
    assert story.rejection_reason == ""
    assert Story.objects.published().filter(pk=story.pk).exists()

    log = list(ModerationAction.objects.order_by("created_at", "id"))
    assert [(entry.action, entry.actor, entry.reason) for entry in log] == [
        ("reject", carol, "The ending is missing."),
        ("approve", carol, ""),
    ]
    notes = Notification.objects.filter(recipient=alice, kind="moderation").order_by("id")
    assert [note.story_id for note in notes] == [story.pk, story.pk]
    assert "The ending is missing." in notes[0].message
    assert [message.to for message in mail.outbox] == [["alice@example.org"]] * 2
    assert "needs changes" in mail.outbox[0].subject
    assert "The ending is missing." in mail.outbox[0].body
    assert "is published" in mail.outbox[1].subject


def test_submitting_publishes_at_once_when_review_is_off(alice, settings):
    settings.REVIEW = False
    story = story_create(author=alice, title="No waiting", body="Straight out.")
    story = story_submit(story=story, by=alice)
    assert story.status == Story.Status.PUBLISHED
    assert Story.objects.published().filter(pk=story.pk).exists()
    assert not ModerationAction.objects.exists()


def test_an_empty_story_cannot_be_submitted(alice):
    story = story_create(author=alice, title="Only a title")
    with pytest.raises(ValidationError, match="write something"):
        story_submit(story=story, by=alice)
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT


@pytest.mark.parametrize("status", ["submitted", "published"])
def test_only_drafts_and_rejected_stories_can_be_submitted(alice, status):
    story = make_story(alice, status=status)
    with pytest.raises(Conflict):
        story_submit(story=story, by=alice)


def test_nobody_else_can_change_or_submit_a_story(alice, bob, carol):
    story = make_story(alice, status="draft", title="Mine")
    for intruder in (bob, carol):
        with pytest.raises(PermissionDenied):
            story_update(story=story, by=intruder, title="Theirs")
        with pytest.raises(PermissionDenied):
            story_submit(story=story, by=intruder)
        with pytest.raises(PermissionDenied):
            story_delete(story=story, by=intruder)
    story.refresh_from_db()
    assert story.title == "Mine"


def test_only_moderators_decide_and_never_on_their_own_story(alice, bob, carol):
    story = make_story(alice, status="submitted")
    with pytest.raises(PermissionDenied):
        story_approve(story=story, by=bob)
    with pytest.raises(PermissionDenied):
        story_reject(story=story, by=alice, reason="I changed my mind")
    own = make_story(carol, status="submitted")
    with pytest.raises(PermissionDenied):
        story_approve(story=own, by=carol)
    assert not ModerationAction.objects.exists()


def test_a_decision_whose_log_or_notification_fails_changes_nothing(
    alice, carol, django_capture_on_commit_callbacks
):
    """The apps above stories record a decision as receivers of story_decided, inside the
    decision's transaction: if one of them fails, the story stays as it was and nothing is
    logged, notified or mailed."""
    from byline.stories.signals import story_decided

    def broken(**kwargs):
        raise RuntimeError("the notification store is full")

    story = make_story(alice, status="submitted")
    story_decided.connect(broken, dispatch_uid="test_broken_receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            story_approve(story=story, by=carol)
    finally:
        story_decided.disconnect(dispatch_uid="test_broken_receiver")
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED
    assert not ModerationAction.objects.exists()
    assert not Notification.objects.filter(kind="moderation").exists()
    assert mail.outbox == []


def test_a_rejection_needs_a_reason(alice, carol):
    story = make_story(alice, status="submitted")
    with pytest.raises(ValidationError):
        story_reject(story=story, by=carol, reason="   ")
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED


def test_renaming_a_published_story_keeps_the_old_address(client, alice):
    story = make_story(alice, title="Old name")
    old_url = story.get_absolute_url()
    story_update(story=story, by=alice, title="New name")
    story.refresh_from_db()
    assert story.slug == "new-name"
    assert StorySlugRedirect.objects.filter(story=story, old_slug="old-name").exists()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_edits_to_a_published_story_go_live_at_once(alice):
    story = make_story(alice, body="Before.")
    story_update(story=story, by=alice, body="After the edit.")
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED
    assert "After the edit." in story.body_html


def test_a_moderator_can_unpublish_and_it_is_logged(
    alice, carol, django_capture_on_commit_callbacks
):
    story = make_story(alice)
    with django_capture_on_commit_callbacks(execute=True):
        story_unpublish(story=story, by=carol, reason="Copied from elsewhere.")
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.reason) == ("unpublish", "Copied from elsewhere.")
    assert Notification.objects.filter(recipient=alice, kind="moderation").count() == 1


def test_the_author_unpublishes_and_deletes_without_a_log_entry(alice):
    story = make_story(alice)
    story_unpublish(story=story, by=alice)
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    story_delete(story=story, by=alice)
    assert not Story.objects.filter(pk=story.pk).exists()
    assert not ModerationAction.objects.exists()


def test_a_revision_can_be_restored_and_restoring_adds_a_revision(alice):
    story = story_create(author=alice, title="Draft one", body="First words.")
    first = story.revisions.get()
    story_update(story=story, by=alice, title="Draft two", body="Second words.")
    assert story.revisions.count() == 2

    story_revision_restore(revision=first, by=alice)
    story.refresh_from_db()
    assert (story.title, story.body) == ("Draft one", "First words.")
    assert "First words." in story.body_html
    assert story.revisions.count() == 3
    assert story.revisions.first().title == "Draft one"


def test_autosaves_close_together_share_one_revision(alice):
    story = story_create(author=alice, title="T", body="a")
    story_update(story=story, by=alice, body="ab", autosave=True)
    story_update(story=story, by=alice, body="abc", autosave=True)
    assert story.revisions.count() == 2
    assert story.revisions.first().body == "abc"

    # Minutes later, a new autosave starts a new revision; an explicit save keeps its own.
    StoryRevision.objects.filter(pk=story.revisions.first().pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=10)
    )
    story_update(story=story, by=alice, body="abcd", autosave=True)
    story_update(story=story, by=alice, body="abcde")
    assert list(story.revisions.order_by("id").values_list("body", "is_autosave")) == [
        ("a", False),
        ("abc", True),
        ("abcd", True),
        ("abcde", False),
    ]


def test_saving_unchanged_text_adds_no_revision(alice):
    story = story_create(author=alice, title="T", body="same")
    story_update(story=story, by=alice, body="same")
    assert story.revisions.count() == 1


def test_published_stories_are_not_autosaved(alice):
    story = make_story(alice, body="Live text.")
    with pytest.raises(ValidationError):
        story_update(story=story, by=alice, body="half-typed", autosave=True)
    story.refresh_from_db()
    assert story.body == "Live text."


def test_new_accounts_may_start_only_a_few_stories_an_hour(settings):
    settings.NEW_ACCOUNT_DRAFTS_PER_HOUR = 2
    settings.NEW_ACCOUNT_DAYS = 7
    nina = make_user("nina", date_joined=timezone.now())  # the cast are established accounts
    story_create(author=nina, title="One")
    story_create(author=nina, title="Two")
    with pytest.raises(ValidationError, match="at most 2 stories an hour"):
        story_create(author=nina, title="Three")
    assert Story.objects.filter(author=nina).count() == 2

    User.objects.filter(pk=nina.pk).update(date_joined=timezone.now() - dt.timedelta(days=8))
    nina.refresh_from_db()
    story_create(author=nina, title="Three")
    assert Story.objects.filter(author=nina).count() == 3


def test_established_accounts_are_not_held_to_the_new_account_quota(alice, settings):
    settings.NEW_ACCOUNT_DRAFTS_PER_HOUR = 1
    story_create(author=alice, title="One")
    story_create(author=alice, title="Two")
    assert Story.objects.filter(author=alice).count() == 2


def test_a_story_has_at_most_five_tags(alice):
    tags = tags_from_names(["a", "b", "c", "d", "e"])
    story = story_create(author=alice, title="Tagged", tags=tags)
    assert story.tags.count() == 5
    extra = tags + tags_from_names(["f"])
    with pytest.raises(ValidationError, match="at most 5 tags"):
        story_update(story=story, by=alice, tags=extra)
    assert story.tags.count() == 5


def test_a_hostile_hero_image_is_refused_and_nothing_is_stored(alice, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    svg = SimpleUploadedFile("x.jpg", b"<svg onload=alert(1)></svg>", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        story_create(author=alice, title="Bad image", hero_image=svg)
    assert not Story.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_a_hero_image_is_stored_under_a_name_we_choose(alice):
    story = story_create(
        author=alice, title="Pictured", hero_image=image_file(name="../../etc/passwd.jpg")
    )
    assert story.hero_image.name.startswith("heroes/")
    assert "passwd" not in story.hero_image.name
    assert (story.hero_width, story.hero_height) == (320, 200)


def test_a_replaced_hero_image_file_is_deleted_after_commit(
    alice, django_capture_on_commit_callbacks
):
    story = story_create(author=alice, title="Pictured", hero_image=image_file())
    old = story.hero_image.name
    storage = story.hero_image.storage
    with django_capture_on_commit_callbacks(execute=True):
        story_update(story=story, by=alice, hero_image=image_file(fmt="PNG", name="b.png"))
    assert not storage.exists(old)
    assert storage.exists(story.hero_image.name)
    assert story.hero_image.name.endswith(".png")


def test_editing_never_writes_back_stale_engagement_counters(alice):
    from django.db.models import F

    story = make_story(alice)
    Story.objects.filter(pk=story.pk).update(like_count=F("like_count") + 3, view_count=40)
    story_update(story=story, by=alice, body="An edit made with a stale copy in memory.")
    story.refresh_from_db()
    assert (story.like_count, story.view_count) == (3, 40)

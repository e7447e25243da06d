"""Images uploaded from the editor: quotas that hold under concurrency, a storage quota per
account, and the clean-up of images nothing refers to."""

import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from byline.conftest import image_file, make_story, make_user
from byline.core.models import StaticPage
from byline.stories.images import story_image_upload
from byline.stories.models import StoryImage
from byline.stories.services import story_update
from byline.stories.tasks import story_images_prune

JSON = {"Accept": "application/json"}
SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


def test_a_polyglot_uploaded_from_the_editor_keeps_no_html(client, alice, db):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 30, 30)).save(buffer, "JPEG", comment=SCRIPT)
    polyglot = image_file(name="x.html")
    polyglot.file = io.BytesIO(buffer.getvalue() + SCRIPT)
    polyglot.size = len(buffer.getvalue() + SCRIPT)
    client.force_login(alice)
    response = client.post(reverse("stories:image_upload"), {"image": polyglot}, headers=JSON)
    assert response.status_code == 200
    stored = StoryImage.objects.get()
    with stored.image.open("rb") as handle:
        data = handle.read()
    assert b"<script" not in data
    assert stored.image.name.endswith(".jpg")
    assert stored.size == len(data)


# --- The hourly quota under concurrency --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_uploads_with_a_quota_of_thirty_store_exactly_thirty(settings):
    """Real threads, each with its own connection to the test database (SQLite or PostgreSQL)."""
    settings.INLINE_IMAGES_PER_HOUR = 30
    author = make_user("ines")
    payload = image_file().read()

    def upload(_: int) -> str:
        from django.core.files.uploadedfile import SimpleUploadedFile

        try:
            story_image_upload(author=author, image=SimpleUploadedFile("a.jpg", payload))
            return "stored"
        except ValidationError as error:
            return error.messages[0]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(upload, range(40)))
    assert outcomes.count("stored") == 30, outcomes
    assert all("at most 30 images an hour" in o for o in outcomes if o != "stored")
    assert StoryImage.objects.filter(author=author).count() == 30


# --- The storage quota ------------------------------------------------------------------------


def test_uploads_stop_at_the_account_storage_quota_with_a_clear_message(
    client, alice, bob, settings, db
):
    settings.MEDIA_QUOTA_MB = 1
    StoryImage.objects.create(
        author=alice, image="inline/2020/01/old.jpg", size=1024 * 1024 - 100, width=1, height=1
    )
    client.force_login(alice)
    response = client.post(reverse("stories:image_upload"), {"image": image_file()}, headers=JSON)
    assert response.status_code == 422
    message = response.json()["errors"][0]
    assert "1 MB of storage for images" in message
    assert "delete" in message or "remove" in message
    assert StoryImage.objects.filter(author=alice).count() == 1
    client.force_login(bob)  # the quota is per account
    response = client.post(reverse("stories:image_upload"), {"image": image_file()}, headers=JSON)
    assert response.status_code == 200


def test_the_storage_quota_can_be_turned_off(alice, settings, db):
    settings.MEDIA_QUOTA_MB = 0
    StoryImage.objects.create(
        author=alice, image="inline/2020/01/old.jpg", size=2 * 10**9, width=1, height=1
    )
    assert story_image_upload(author=alice, image=image_file()).size > 0


# --- Clean-up of images nothing refers to ------------------------------------------------------


def uploaded(author, *, days_ago: float) -> StoryImage:
    image = story_image_upload(author=author, image=image_file())
    StoryImage.objects.filter(pk=image.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return image


def markdown(image: StoryImage) -> str:
    return f"Before.\n\n![A heron]({image.image.url})\n\nAfter."


def test_an_old_image_nothing_refers_to_is_deleted_with_its_file(
    alice, settings, db, django_capture_on_commit_callbacks
):
    settings.MEDIA_UNUSED_DAYS = 7
    image = uploaded(alice, days_ago=8)
    name = image.image.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        assert story_images_prune.call() == 1
    assert not StoryImage.objects.filter(pk=image.pk).exists()
    assert not default_storage.exists(name)


def test_an_image_uploaded_a_minute_ago_into_an_unsaved_draft_is_kept(alice, settings, db):
    settings.MEDIA_UNUSED_DAYS = 7
    image = uploaded(alice, days_ago=1 / (24 * 60))
    assert story_images_prune.call() == 0
    assert default_storage.exists(image.image.name)


def test_images_in_a_story_a_draft_or_only_an_old_revision_are_kept(
    alice, bob, settings, db, django_capture_on_commit_callbacks
):
    settings.MEDIA_UNUSED_DAYS = 7
    in_story, in_draft, in_revision, in_page, in_others = (
        uploaded(alice, days_ago=30) for _ in range(5)
    )
    make_story(alice, body=markdown(in_story))
    make_story(alice, status="draft", body=markdown(in_draft))
    edited = make_story(alice, body=markdown(in_revision))
    story_update(story=edited, by=alice, body="The image is gone from the text, not the history.")
    StaticPage.objects.create(slug="about-us", title="About", body=markdown(in_page))
    make_story(bob, body=markdown(in_others))  # Bob uses Alice's image: it stays for him
    unused = uploaded(alice, days_ago=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert story_images_prune.call() == 1
    assert set(StoryImage.objects.values_list("pk", flat=True)) == {
        in_story.pk,
        in_draft.pk,
        in_revision.pk,
        in_page.pk,
        in_others.pk,
    }
    assert not default_storage.exists(unused.image.name)


def test_deleting_the_only_story_that_used_an_image_lets_it_go(alice, settings, db):
    from byline.stories.lifecycle import story_delete

    settings.MEDIA_UNUSED_DAYS = 7
    image = uploaded(alice, days_ago=30)
    story = make_story(alice, status="draft", body=markdown(image))
    assert story_images_prune.call() == 0
    story_delete(story=story, by=alice)
    assert story_images_prune.call() == 1
    assert not StoryImage.objects.exists()


def test_the_clean_up_runs_as_a_periodic_task():
    from byline.core.periodic import periodic_tasks

    entries = {entry.name: entry.every for entry in periodic_tasks()}
    assert entries[story_images_prune.module_path] == 3600


def test_the_migration_fills_in_sizes_and_references_of_existing_images(alice, db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "byline.stories.migrations.0008_storyimage_size_and_stories"
    )
    used, in_revision, unused = (uploaded(alice, days_ago=30) for _ in range(3))
    story = make_story(alice, body=markdown(used) + markdown(in_revision))
    story_update(story=story, by=alice, body=markdown(used))
    StoryImage.stories.through.objects.all().delete()
    StoryImage.objects.update(size=0)
    migration.fill_sizes_and_references(apps, None)
    assert set(story.inline_images.all()) == {used, in_revision}
    assert not unused.stories.exists()
    assert all(image.size == image.image.size for image in StoryImage.objects.all())


@pytest.mark.parametrize("keep_stories", [True, False])
def test_deleting_an_account_deletes_its_images_but_those_kept_stories_show(
    alice, bob, db, django_capture_on_commit_callbacks, keep_stories
):
    from byline.accounts.services import user_delete

    in_published, in_draft, in_bobs, unused = (uploaded(alice, days_ago=1) for _ in range(4))
    make_story(alice, body=markdown(in_published))
    make_story(alice, status="draft", body=markdown(in_draft))
    make_story(bob, body=markdown(in_bobs))
    names = {image.pk: image.image.name for image in (in_published, in_draft, in_bobs, unused)}
    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=alice, keep_stories=keep_stories)
        story_images_prune.call()  # within the hour
    kept = {in_bobs.pk} | ({in_published.pk} if keep_stories else set())
    assert set(StoryImage.objects.values_list("pk", flat=True)) == kept
    assert {pk for pk, name in names.items() if default_storage.exists(name)} == kept

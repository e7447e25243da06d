"""`byline backup` and `byline restore`: a round trip gives back exactly the same site, and a
damaged, unsafe or mismatched archive is refused before anything is changed."""

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import CommandError, call_command

from byline.accounts.models import User
from byline.comments.models import Comment
from byline.comments.services import comment_create
from byline.conftest import image_file, make_story, make_user
from byline.stories.models import Story

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict:
    """Every row of the models a user would miss, every field, plus every media file's bytes."""
    media = Path(settings.MEDIA_ROOT)
    return {
        "users": serializers.serialize("json", User.objects.order_by("pk")),
        "stories": serializers.serialize("json", Story.objects.order_by("pk")),
        "comments": serializers.serialize("json", Comment.objects.order_by("pk")),
        "media": {
            path.relative_to(media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(media.rglob("*"))
            if path.is_file()
        },
    }


@pytest.fixture
def site(db):
    alice = make_user("alice", display_name="Alice Archer")
    bob = make_user("bob")
    story = make_story(alice, title="The River Remembers", hero_image=image_file())
    make_story(alice, title="A draft", status="draft")
    first = comment_create(story=story, author=bob, body="Lovely *river*.")
    comment_create(story=story, author=alice, body="Thank you!", parent=first)
    assert story.hero_image.name and Path(story.hero_image.path).exists()
    return story


@pytest.fixture
def archive(site, tmp_path):
    path = tmp_path / "site.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def test_a_restored_backup_gives_back_the_same_stories_comments_users_and_images(site, tmp_path):
    before = snapshot()
    assert before["media"]  # the hero image is in the round trip
    path = tmp_path / "site.tar.gz"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert "2 accounts, 2 stories, 2 comments" in out.getvalue()
    assert path.stat().st_mode & 0o077 == 0  # holds password hashes: owner only

    # Life goes on after the backup...
    Story.objects.filter(pk=site.pk).delete()
    make_user("zed")
    Comment.objects.update(body="changed")
    for file in Path(settings.MEDIA_ROOT).rglob("*"):
        if file.is_file():
            file.write_bytes(b"overwritten")
    (Path(settings.MEDIA_ROOT) / "stray.txt").write_text("not in the backup")
    assert snapshot() != before

    call_command("restore", str(path), yes=True, stdout=io.StringIO())
    assert snapshot() == before
    # The restored site works: the story page is served with its image.
    story = Story.objects.get(pk=site.pk)
    assert Path(story.hero_image.path).read_bytes()


def test_the_manifest_describes_the_archive(archive, site):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert manifest["format"] == "byline-backup"
    assert manifest["version"] == 1
    assert manifest["vendor"] in ("sqlite", "postgresql")
    assert manifest["created_at"]
    assert "stories.0001_initial" in manifest["migrations"]
    assert manifest["counts"] == {"users": 2, "stories": 2, "comments": 2}
    assert set(manifest["files"]) == set(names[1:])
    assert f"media/{site.hero_image.name}" in manifest["files"]


def test_backup_does_not_overwrite_an_existing_file(archive):
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive), stdout=io.StringIO())


def rewrite(archive: Path, change) -> Path:
    """Copy an archive, passing each (TarInfo, bytes) through `change`, which may return None to
    drop a member or a list of members to write instead."""
    target = archive.with_name("changed.tar.gz")
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else b""
            for info, content in change(member, data) or []:
                info.size = len(content)
                out.addfile(info, io.BytesIO(content))
    return target


def with_manifest(archive: Path, **changes) -> Path:
    def change(member, data):
        if member.name == "manifest.json":
            data = json.dumps({**json.loads(data), **changes}).encode()
        return [(member, data)]

    return rewrite(archive, change)


def refused(path: Path, match: str) -> None:
    before = snapshot()
    with pytest.raises(CommandError, match=match) as error:
        call_command("restore", str(path), yes=True, stdout=io.StringIO())
    assert "Nothing was changed" in str(error.value)
    assert snapshot() == before


def test_a_truncated_archive_is_refused(archive):
    damaged = archive.with_name("truncated.tar.gz")
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    Story.objects.all().delete()  # something to lose
    refused(damaged, "damaged")


def test_a_file_that_is_not_an_archive_is_refused(tmp_path, site):
    path = tmp_path / "notes.tar.gz"
    path.write_bytes(gzip.compress(b"just some text"))
    refused(path, "not a Byline backup")


def test_a_file_changed_inside_the_archive_is_refused(archive):
    def change(member, data):
        if member.name.startswith("database."):
            data = data[:-10] + b"0123456789"
        return [(member, data)]

    refused(rewrite(archive, change), "does not match its checksum")


def test_an_archive_missing_a_file_is_refused(archive):
    refused(
        rewrite(archive, lambda m, d: None if m.name.startswith("media/") else [(m, d)]),
        "incomplete",
    )


def test_a_file_escaping_the_archive_folder_is_refused(archive):
    def change(member, data):
        if member.name.startswith("media/"):
            member.name = "media/../../outside.txt"
        return [(member, data)]

    refused(rewrite(archive, change), "unsafe")
    assert not (archive.parent.parent / "outside.txt").exists()


def test_a_link_inside_the_archive_is_refused(archive):
    def change(member, data):
        result = [(member, data)]
        if member.name == "manifest.json":
            link = tarfile.TarInfo("media/passwd")
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
            result.append((link, b""))
        return result

    refused(rewrite(archive, change), "unsafe")


def test_an_archive_from_another_database_vendor_is_refused(archive):
    other = (
        "postgresql" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "sqlite"
    )
    refused(with_manifest(archive, vendor=other), "restore it on a site with the same kind")


def test_an_archive_from_a_newer_byline_is_refused(archive):
    with tarfile.open(archive) as tar:
        migrations = json.load(tar.extractfile("manifest.json"))["migrations"]
    refused(
        with_manifest(archive, migrations=[*migrations, "stories.9999_from_the_future"]),
        "newer version of Byline",
    )


def test_restore_asks_for_confirmation(archive):
    before = snapshot()
    Story.objects.all().delete()
    after_change = snapshot()
    # No terminal to ask on (as in cron or CI): refuse rather than guess.
    with pytest.raises(CommandError, match="confirm with --yes"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert snapshot() == after_change != before


class Terminal(io.StringIO):
    """Standard input as a person at a terminal would type it."""

    def isatty(self) -> bool:
        return True


def test_restore_goes_ahead_only_when_the_person_types_yes(archive, monkeypatch):
    before = snapshot()
    Story.objects.all().delete()
    changed = snapshot()
    monkeypatch.setattr("sys.stdin", Terminal("no\n"))
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert snapshot() == changed
    monkeypatch.setattr("sys.stdin", Terminal("yes\n"))
    call_command("restore", str(archive), stdout=io.StringIO())
    assert snapshot() == before

"""Export and import: the zip format, the round trip, the settings pages and unsafe uploads."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from byline.accounts.models import User
from byline.comments.services import comment_create
from byline.communities.models import Community
from byline.conftest import image_file, make_story
from byline.insights.services import insight_add, rating_set
from byline.portability.exporting import export_zip
from byline.portability.importing import ArchiveError, import_upload
from byline.stories.models import Story, Tag

pytestmark = pytest.mark.django_db


def with_hero(story: Story) -> Story:
    from byline.core.images import clean_image

    hero = clean_image(image_file(size=(640, 400)))
    story.hero_image.save(f"{story.slug}.{hero.extension}", hero.content, save=False)
    story.hero_image_caption, story.hero_image_credit = "A caption", "Photo: Alice"
    story.save()
    return story


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def exported(**kwargs) -> dict[str, bytes]:
    out = io.BytesIO()
    export_zip(out, **kwargs)
    return read_zip(out.getvalue())


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


STORY_MD = b"""---
title: "Uploaded"
author: "Someone Else"
author_handle: "someone"
community: "Nowhere New"
status: published
---
Body text.

---

After a rule.
"""


# --- Export -------------------------------------------------------------------------------


def test_it_exports_markdown_images_and_engagement(alice, bob, dave, story):
    with_hero(story)
    make_story(alice, title="A draft", status="draft")
    comment_create(story=story, author=bob, body="Lovely")
    insight_add(story=story, reader=bob, kind="heartfelt")
    rating_set(story=story, reader=dave, value="outstanding")
    files = exported(authors=User.objects.filter(pk=alice.pk))
    assert set(files) == {
        "stories/alice/the-river-remembers.md",
        "stories/alice/the-river-remembers.jpg",
        "stories/alice/a-draft.md",
        "engagement.json",
    }
    text = files["stories/alice/the-river-remembers.md"].decode()
    assert text.startswith("---\ntitle: The River Remembers\n")
    assert "hero_image: the-river-remembers.jpg" in text and "community: Earth" in text
    assert "status: draft" in files["stories/alice/a-draft.md"].decode()
    record = json.loads(files["engagement.json"])
    river = next(s for s in record["stories"] if s["title"] == "The River Remembers")
    assert [c["body"] for c in river["comments"]] == ["Lovely"]
    assert river["insights"] == {"heartfelt": 1} and river["ratings"] == {"outstanding": 1}


def test_the_round_trip_through_an_empty_site_gives_identical_content(
    alice, bob, community, tmp_path, settings
):
    river = with_hero(
        make_story(alice, title="The River", community=community, tags=["Nature", "Water"])
    )
    make_story(
        alice,
        title="Rules and quotes",
        body='# Heading\n\nA rule:\n\n---\n\n> "quoted: text"\n\n- a\n- b\n',
        status="draft",
    )
    make_story(bob, title="Ünïcode — 日本語", subtitle="Sub: with colon", tags=["Ñ"])
    from byline.comments.services import comment_update
    from byline.conftest import make_user

    top = comment_create(story=river, author=bob, body="Lovely *river*.")
    comment_create(story=river, author=make_user("quiet_reader"), body="Agreed.", parent=top)
    thanks = comment_create(story=river, author=alice, body="Thanks")
    comment_update(comment=thanks, by=alice, body="Thank you!")
    first_zip = tmp_path / "first.zip"
    call_command("export", str(first_zip), stdout=io.StringIO())
    first = read_zip(first_zip.read_bytes())
    assert river.hero_image

    # An empty site: nothing of the first one is left.
    Story.objects.all().delete()
    User.objects.all().delete()
    Community.objects.all().delete()
    Tag.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "other-media"

    call_command("import", str(first_zip), stdout=io.StringIO())
    assert Story.objects.count() == 3
    second_zip = tmp_path / "second.zip"
    call_command("export", str(second_zip), stdout=io.StringIO())
    second = read_zip(second_zip.read_bytes())

    assert sorted(first) == sorted(second)
    for name in first:
        if name.endswith((".md", ".json")):
            assert first[name].decode() == second[name].decode(), name
        elif name.endswith(".jpg"):
            # Images are re-encoded on every import (metadata stripped): same picture, same size.
            a, b = Image.open(io.BytesIO(first[name])), Image.open(io.BytesIO(second[name]))
            assert (a.format, a.size) == (b.format, b.size)
    assert Story.objects.get(title="Rules and quotes").status == "draft"
    assert Story.objects.get(title="The River").hero_image_credit == "Photo: Alice"
    river = Story.objects.get(title="The River")
    assert [
        (c.author.username, c.parent_id is not None) for c in river.comments.order_by("id")
    ] == [
        ("bob", False),
        ("quiet_reader", True),
        ("alice", False),
    ]
    assert not User.objects.get(username="quiet_reader").has_usable_password()


def test_the_export_command_exports_one_creator(alice, bob, tmp_path):
    make_story(alice, title="Hers")
    make_story(bob, title="His")
    target = tmp_path / "alice.zip"
    call_command("export", str(target), "--author", "alice", stdout=io.StringIO())
    assert [n for n in read_zip(target.read_bytes()) if n.endswith(".md")] == [
        "stories/alice/hers.md"
    ]


def test_a_body_with_a_markdown_rule_survives_the_import(tmp_path):
    path = tmp_path / "story.md"
    path.write_bytes(STORY_MD)
    call_command("import", str(path), stdout=io.StringIO())
    assert Story.objects.get().body.endswith("After a rule.")


# --- The settings pages ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["api:export", "api:import"])
def test_the_pages_send_anonymous_visitors_to_sign_in(client, name):
    for method in ("get", "post"):
        response = getattr(client, method)(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_export_page_downloads_only_the_callers_stories(client, alice, bob):
    make_story(alice, title="Hers", status="draft")
    make_story(bob, title="His")
    client.force_login(alice)
    assert "Download a zip of 1 story" in client.get(reverse("api:export")).content.decode()
    response = client.post(reverse("api:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    files = read_zip(b"".join(response.streaming_content))
    assert [n for n in files if n.endswith(".md")] == ["stories/alice/hers.md"]


def test_the_export_page_has_an_empty_state(client, dave):
    client.force_login(dave)
    assert "nothing to export" in client.get(reverse("api:export")).content.decode()


def test_an_upload_becomes_the_uploaders_drafts(client, alice, bob, dave):
    comment_create(story=make_story(bob, title="Bob's story"), author=alice, body="Hi")
    archive = exported(authors=User.objects.filter(pk=bob.pk))
    Story.objects.all().delete()
    client.force_login(dave)
    response = client.post(
        reverse("api:import"),
        {"file": SimpleUploadedFile("export.zip", zip_of(archive), "application/zip")},
    )
    assert response.status_code == 200
    assert "1 new draft" in response.content.decode()
    story = Story.objects.get()
    assert story.author == dave and story.status == "draft"  # never as bob, never published
    assert not story.comments.exists()


def test_a_single_markdown_upload_links_only_existing_communities(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("api:import"), {"file": SimpleUploadedFile("s.md", STORY_MD, "text/markdown")}
    )
    assert response.status_code == 200
    story = Story.objects.get()
    assert story.author == alice and story.status == "draft" and story.community is None
    assert not Community.objects.exists()
    assert not User.objects.filter(username="someone").exists()


def test_a_suspended_account_cannot_import(client, mallory):
    client.force_login(mallory)
    assert "suspended" in client.get(reverse("api:import")).content.decode()
    response = client.post(
        reverse("api:import"), {"file": SimpleUploadedFile("s.md", STORY_MD, "text/markdown")}
    )
    assert response.status_code == 403
    assert not Story.objects.exists()


def test_an_upload_over_the_limit_is_refused_with_a_message(client, alice, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(alice)
    response = client.post(
        reverse("api:import"),
        {"file": SimpleUploadedFile("big.md", STORY_MD + b"x" * 2000, "text/markdown")},
    )
    assert response.status_code == 422
    assert "the limit is 1 KB" in response.content.decode()
    assert not Story.objects.exists()


def test_a_bad_file_is_refused_naming_the_field(client, alice):
    client.force_login(alice)
    bad = b"---\ntitle: x\n---\nno author field\n"
    response = client.post(
        reverse("api:import"), {"file": SimpleUploadedFile("s.md", bad, "text/markdown")}
    )
    assert response.status_code == 422
    assert "field &#x27;author&#x27;" in response.content.decode()


# --- Hostile archives ---------------------------------------------------------------------


def test_it_never_writes_outside_its_folder(alice):
    archive = zip_of(
        {
            "../../evil.md": STORY_MD,
            "/etc/evil.md": STORY_MD,
            "stories/../../evil.md": STORY_MD,
            "stories/alice/ok.md": STORY_MD,
        }
    )
    report = import_upload(io.BytesIO(archive), filename="x.zip", author=alice)
    assert report.created == 1
    assert len(report.skipped) == 3
    assert sorted(report.skipped) == sorted(
        ["../../evil.md", "/etc/evil.md", "stories/../../evil.md"]
    )


def test_a_hero_image_outside_the_upload_is_refused(alice, tmp_path):
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(image_file().read())
    text = STORY_MD.replace(b"status: published", f"hero_image: {outside}".encode())
    report = import_upload(
        io.BytesIO(zip_of({"stories/alice/s.md": text})), filename="x.zip", author=alice
    )
    assert report.created == 0
    assert "inside the upload" in report.errors[0]
    relative = STORY_MD.replace(b"status: published", b"hero_image: ../../../secret.jpg")
    report = import_upload(io.BytesIO(relative), filename="s.md", author=alice)
    assert report.created == 0 and "hero_image" in report.errors[0]


def test_it_refuses_archives_that_unpack_too_big(alice):
    # A zip bomb: a few KB compressed, far more unpacked.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("stories/alice/a.md", b"x" * (5 * 1024 * 1024))
    assert len(out.getvalue()) < 50_000
    with pytest.raises(ArchiveError, match=r"larger than|more than"):
        import_upload(io.BytesIO(out.getvalue()), filename="x.zip", author=alice)
    with pytest.raises(ArchiveError, match="more than"):
        import_upload(
            io.BytesIO(zip_of({"stories/alice/a.md": STORY_MD})),
            filename="x.zip",
            author=alice,
            max_total=100,
        )
    assert not Story.objects.exists()


def test_it_refuses_archives_with_too_many_members(alice, monkeypatch):
    from byline.portability import importing as portability

    monkeypatch.setattr(portability, "MAX_MEMBERS", 3)
    members = {f"stories/alice/s{n}.md": STORY_MD for n in range(4)}
    with pytest.raises(ArchiveError, match="more than 3 files"):
        import_upload(io.BytesIO(zip_of(members)), filename="x.zip", author=alice)


def test_it_refuses_a_file_that_is_neither_zip_nor_markdown(alice):
    report = import_upload(
        io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50), filename="x.png", author=alice
    )
    assert report.created == 0 and report.errors
    with pytest.raises(ArchiveError, match="not a zip"):
        import_upload(io.BytesIO(b"PK\x03\x04broken"), filename="x.zip", author=alice)


def test_the_import_command_reports_a_bad_archive(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(CommandError):
        call_command("import", str(bad), stdout=io.StringIO(), stderr=io.StringIO())


def test_a_bad_engagement_record_keeps_the_stories_and_says_so(alice):
    archive = zip_of({"stories/alice/s.md": STORY_MD, "engagement.json": b"{not json"})
    report = import_upload(io.BytesIO(archive), filename="x.zip")
    assert report.created == 1
    assert "comments not restored" in report.errors[0]


@pytest.mark.parametrize("text", ["nul \x00 here", "lone \ud800"])
def test_text_no_database_can_store_is_refused_with_the_file_named(client, alice, text):
    """From the upload page: a NUL (raw, or a YAML escape) or a lone surrogate in a field or
    the body is a message naming the file and the field, on every database; nothing is saved."""
    escaped = text.encode("unicode_escape").decode()  # the YAML escape: "\x00", "\ud800"
    files = {"title.md": f'---\ntitle: "{escaped}"\nauthor: "A"\n---\nbody\n'.encode()}
    if "\x00" in text:  # a UTF-8 file can hold a raw NUL, never a lone surrogate
        files["body.md"] = f'---\ntitle: "T"\nauthor: "A"\n---\n{text}\n'.encode()
    client.force_login(alice)
    for name, content in files.items():
        upload = SimpleUploadedFile(name, content, "text/markdown")
        response = client.post(reverse("api:import"), {"file": upload})
        assert response.status_code == 422, name
        assert "cannot be stored" in response.content.decode(), name
    assert not Story.objects.exists()


def test_an_engagement_record_with_a_nul_restores_no_comment(alice):
    record = (
        b'{"format": "byline-export", "stories": [{"file": "stories/alice/s.md", "comments": '
        b'[{"id": 1, "author_handle": "zed", "author": "Zed", "body": "nul \\u0000 here"}]}]}'
    )
    archive = zip_of({"stories/alice/s.md": STORY_MD, "engagement.json": record})
    report = import_upload(io.BytesIO(archive), filename="x.zip")
    assert report.created == 1 and "holds a NUL" in report.errors[0]
    from byline.comments.models import Comment

    assert not Comment.objects.exists()

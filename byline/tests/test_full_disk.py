"""Uploads on a full disk: a clear answer, no partial file, nothing already saved lost.

The media folder is a real 1 MB tmpfs filled to the last byte (we run as root, as CI does). Where
mounting is not allowed, the storage's write is made to fail with ENOSPC half-way through
instead, which is what the kernel does.
"""

import errno
import io
import os
import subprocess

import pytest
from django.urls import reverse
from PIL import Image

from byline.conftest import image_file, make_story
from byline.core.models import ImageRendition
from byline.core.renditions import renditions_generate
from byline.core.storage import MediaFileSystemStorage
from byline.stories.models import Story, StoryImage

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


def noisy_jpeg(name: str = "photo.jpg"):
    """A photo-like JPEG of about 100 KB (noise does not compress)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


class FullDisk:
    def __init__(self, root, monkeypatch, mounted: bool) -> None:
        self.root, self.monkeypatch, self.mounted = root, monkeypatch, mounted

    def fill(self) -> None:
        """Use up every free byte of the media folder's file system."""
        if not self.mounted:
            self._fail_writes()
            return
        with open(self.root / ".filler", "wb", buffering=0) as filler:
            for size in (65536, 4096, 512, 1):
                try:
                    while True:
                        filler.write(b"\0" * size)
                except OSError as error:
                    assert error.errno == errno.ENOSPC

    def _fail_writes(self) -> None:
        original = MediaFileSystemStorage._write_partial

        class HalfWritten:
            def __init__(self, content) -> None:
                self.content = content

            def chunks(self):
                data = b"".join(self.content.chunks())
                yield data[: len(data) // 2]
                raise OSError(errno.ENOSPC, "No space left on device")

        self.monkeypatch.setattr(
            MediaFileSystemStorage,
            "_write_partial",
            staticmethod(lambda path, content: original(path, HalfWritten(content))),
        )

    def files(self) -> set[str]:
        return {
            path.relative_to(self.root).as_posix()
            for path in self.root.rglob("*")
            if path.is_file() and path.name != ".filler"
        }


@pytest.fixture
def full_disk(tmp_path, settings, monkeypatch):
    root = tmp_path / "media"
    root.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(root)], capture_output=True
        ).returncode
        == 0
    )
    settings.MEDIA_ROOT = root
    try:
        yield FullDisk(root, monkeypatch, mounted)
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(root)], check=False)


def test_the_disk_is_really_full(full_disk):
    full_disk.fill()
    storage = MediaFileSystemStorage()
    from django.core.files.base import ContentFile

    with pytest.raises(OSError) as raised:
        storage.save("x/y.bin", ContentFile(b"z" * 10_000))
    assert raised.value.errno == errno.ENOSPC
    assert full_disk.files() == set()


def test_an_inline_upload_on_a_full_disk_answers_507_and_leaves_nothing(client, alice, full_disk):
    client.force_login(alice)
    full_disk.fill()
    url = reverse("stories:image_upload")
    response = client.post(url, {"image": noisy_jpeg()}, headers=JSON)
    assert response.status_code == 507
    assert "out of storage space" in response.json()["errors"][0]
    page = client.post(url, {"image": noisy_jpeg()})  # the page without JavaScript
    assert page.status_code == 507
    assert b"out of storage space" in page.content
    assert not StoryImage.objects.exists()
    assert full_disk.files() == set()


def test_a_story_save_with_a_hero_on_a_full_disk_keeps_the_text_and_the_old_hero(
    client, alice, full_disk
):
    story = make_story(alice, status="draft", title="Old title", hero_image=image_file())
    old_hero = story.hero_image.name
    with story.hero_image.open("rb") as handle:
        old_bytes = handle.read()
    before = full_disk.files()
    client.force_login(alice)
    full_disk.fill()
    response = client.post(
        reverse("stories:edit", kwargs={"pk": story.pk}),
        {
            "title": "New title",
            "subtitle": "",
            "body": "Every word I just typed.",
            "community": "",
            "tags": "",
            "hero_image_caption": "",
            "hero_image_credit": "",
            "hero_image": noisy_jpeg(),
            "action": "save",
        },
    )
    assert response.status_code == 422
    assert b"out of storage space" in response.content
    assert b"Every word I just typed." in response.content  # the form keeps the text
    story.refresh_from_db()
    assert story.title == "Old title"
    assert story.hero_image.name == old_hero
    with story.hero_image.open("rb") as handle:
        assert handle.read() == old_bytes
    assert full_disk.files() == before


def test_an_avatar_on_a_full_disk_is_a_form_error_and_the_old_one_stays(client, alice, full_disk):
    client.force_login(alice)
    data = {"display_name": alice.display_name, "handle": alice.username, "bio": "", "website": ""}
    assert client.post("/settings/profile/", {**data, "avatar": image_file()}).status_code == 302
    alice.refresh_from_db()
    old_avatar = alice.avatar.name
    before = full_disk.files()
    full_disk.fill()
    response = client.post("/settings/profile/", {**data, "avatar": noisy_jpeg()})
    assert response.status_code == 400  # the profile form's answer to any refused input
    assert b"out of storage space" in response.content
    alice.refresh_from_db()
    assert alice.avatar.name == old_avatar
    assert full_disk.files() == before


def test_renditions_on_a_full_disk_leave_no_file_and_no_row(alice, full_disk):
    story = make_story(alice, hero_image=image_file(size=(1200, 600)))
    before = full_disk.files()
    full_disk.fill()
    assert renditions_generate(source_name=story.hero_image.name) == []
    assert not ImageRendition.objects.exists()
    assert full_disk.files() == before


def test_an_import_on_a_full_disk_names_the_problem_and_creates_nothing(client, alice, full_disk):
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(
            "stories/alice/night.md",
            "---\ntitle: Night\nauthor: Alice\nhero_image: night.jpg\n---\n\nThe text.\n",
        )
        zipped.writestr("stories/alice/night.jpg", noisy_jpeg().read())
    archive.seek(0)
    archive.name = "export.zip"
    client.force_login(alice)
    full_disk.fill()
    response = client.post(reverse("api:import"), {"file": archive})
    assert b"out of storage space" in response.content
    assert not Story.objects.exists()
    assert full_disk.files() == set()

"""The image gate (clean_image) against hostile files, and the responsive renditions."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from byline.conftest import image_file, make_story
from byline.core.images import clean_image
from byline.core.models import ImageRendition
from byline.core.renditions import rendition_widths, renditions_generate


def png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def jpeg_bytes(size=(400, 300), **save_args) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG", **save_args)
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


class UnreadableUpload(SimpleUploadedFile):
    """An upload that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the file was read")


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"\xef\xbb\xbf  <svg onload=alert(1)>",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
    ],
    ids=["svg", "svg-xml", "svg-bom", "html"],
)
def test_svg_and_html_are_refused_by_content_whatever_the_name(data):
    with pytest.raises(ValidationError, match="SVG or another text document"):
        clean_image(upload(data, "innocent.jpg"))


def test_a_real_photo_mentioning_svg_in_its_metadata_is_still_accepted():
    exif = Image.Exif()
    exif[0x010E] = "<svg> drawing of a heron"  # ImageDescription
    cleaned = clean_image(upload(jpeg_bytes(exif=exif.tobytes())))
    assert cleaned.extension == "jpg"


def test_a_file_that_is_no_image_is_refused():
    with pytest.raises(ValidationError, match="not an image we accept"):
        clean_image(upload(b"%PDF-1.7 not an image at all" * 10))


def test_other_image_formats_are_refused(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "BMP")
    with pytest.raises(ValidationError, match="JPEG, PNG, WebP or GIF"):
        clean_image(upload(buffer.getvalue(), "a.png"))


def test_an_html_tail_on_a_real_jpeg_does_not_survive():
    polyglot = jpeg_bytes() + b"<html><script>alert(1)</script></html>"
    cleaned = clean_image(upload(polyglot))
    data = cleaned.content.read()
    assert b"<script>" not in data
    assert data.endswith(b"\xff\xd9")


def test_a_png_claiming_huge_dimensions_is_refused_before_decoding():
    with pytest.raises(ValidationError, match="9000×9000 pixels; at most 40,000,000"):
        clean_image(upload(png_claiming(9000, 9000), "bomb.png"))
    with pytest.raises(ValidationError, match="too many pixels; at most 40,000,000"):
        clean_image(upload(png_claiming(100_000, 100_000), "bomb.png"))


def test_a_png_over_pillows_own_bomb_limit_gets_the_same_clear_message(settings):
    settings.IMAGE_MAX_PIXELS = 10**12  # only Pillow's own guard is left
    with pytest.raises(ValidationError, match="too many pixels"):
        clean_image(upload(png_claiming(60_000, 60_000), "bomb.png"))


def test_a_very_long_side_is_refused():
    with pytest.raises(ValidationError, match="no side may be longer"):
        clean_image(upload(png_claiming(20_000, 10), "strip.png"))


def test_a_file_over_the_size_limit_is_refused_without_being_read(settings):
    settings.IMAGE_MAX_BYTES = 10 * 1024
    big = UnreadableUpload("big.jpg", b"x")
    big.size = 50 * 1024
    with pytest.raises(ValidationError, match="too large"):
        clean_image(big)


def test_a_truncated_image_is_refused():
    data = jpeg_bytes((800, 600))
    with pytest.raises(ValidationError, match="damaged or incomplete"):
        clean_image(upload(data[: len(data) // 2]))


def test_gps_and_other_exif_are_stripped_and_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    exif[0x010F] = "Camera maker"
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 0.0), 3: "E", 4: (2.0, 21.0, 0.0)})
    data = jpeg_bytes((400, 300), exif=exif.tobytes())
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)  # the GPS position is really there
    cleaned = clean_image(upload(data))
    with Image.open(cleaned.content) as image:
        assert image.size == (300, 400)
        assert (cleaned.width, cleaned.height) == (300, 400)
        assert not image.getexif()
        assert not image.getexif().get_ifd(0x8825)
        assert "exif" not in image.info


def test_png_text_chunks_are_dropped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret location")
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(buffer, "PNG", pnginfo=info)
    cleaned = clean_image(upload(buffer.getvalue(), "a.png"))
    assert cleaned.extension == "png"
    assert b"secret location" not in cleaned.content.read()


def test_an_animation_keeps_its_first_frame_within_the_frame_limit(settings):
    frames = [Image.new("RGB", (40, 40), (n * 20, 0, 0)) for n in range(5)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=50)
    cleaned = clean_image(upload(buffer.getvalue(), "a.gif"))
    with Image.open(cleaned.content) as image:
        assert getattr(image, "n_frames", 1) == 1
    settings.IMAGE_MAX_FRAMES = 3
    with pytest.raises(ValidationError, match="5 frames; at most 3"):
        clean_image(upload(buffer.getvalue(), "a.gif"))


def test_webp_is_accepted_and_re_encoded():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (1, 2, 3)).save(buffer, "WEBP")
    cleaned = clean_image(upload(buffer.getvalue(), "a.webp"))
    assert (cleaned.extension, cleaned.width, cleaned.height) == ("jpg", 64, 48)


def test_the_stored_name_never_comes_from_the_upload():
    cleaned = clean_image(upload(jpeg_bytes(), "../../etc/passwd.jpg"))
    assert "/" not in cleaned.name
    assert cleaned.name.endswith(".jpg")
    assert "passwd" not in cleaned.name


# --- Renditions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "expected"),
    [(2400, [480, 960, 1600]), (1600, [480, 960, 1600]), (700, [480, 700]), (300, [300])],
)
def test_renditions_are_never_wider_than_the_original(width, expected):
    assert rendition_widths(width) == expected


def store(image: Image.Image, name: str, fmt: str = "JPEG", **save_args) -> str:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save_args)
    from django.core.files.base import ContentFile

    return default_storage.save(name, ContentFile(buffer.getvalue()))


@pytest.mark.django_db
def test_renditions_have_the_right_sizes_formats_and_no_metadata():
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 0.0)})
    name = store(Image.new("RGB", (2000, 1000), (9, 99, 199)), "heroes/x.jpg", exif=exif.tobytes())
    made = renditions_generate(source_name=name)
    got = sorted((r.format, r.width, r.height) for r in made)
    assert got == [
        ("jpeg", 480, 240),
        ("jpeg", 960, 480),
        ("jpeg", 1600, 800),
        ("webp", 480, 240),
        ("webp", 960, 480),
        ("webp", 1600, 800),
    ]
    for rendition in made:
        with default_storage.open(rendition.storage_name) as f, Image.open(f) as image:
            assert image.format == {"jpeg": "JPEG", "webp": "WEBP"}[rendition.format]
            assert image.size == (rendition.width, rendition.height)
            assert not image.getexif()
    # Running again replaces rather than duplicates.
    renditions_generate(source_name=name)
    assert ImageRendition.objects.filter(source_name=name).count() == 6


@pytest.mark.django_db
def test_a_transparent_image_falls_back_to_png():
    name = store(Image.new("RGBA", (600, 600), (0, 0, 0, 0)), "avatars/t.png", "PNG")
    formats = {(r.format, r.width) for r in renditions_generate(source_name=name)}
    assert formats == {("webp", 480), ("png", 480), ("webp", 600), ("png", 600)}


@pytest.mark.django_db
def test_a_missing_or_broken_source_makes_no_renditions():
    assert renditions_generate(source_name="heroes/gone.jpg") == []
    from django.core.files.base import ContentFile

    name = default_storage.save("heroes/broken.jpg", ContentFile(b"not an image"))
    assert renditions_generate(source_name=name) == []
    assert not ImageRendition.objects.exists()


@pytest.mark.django_db
def test_saving_a_hero_image_makes_renditions_after_commit(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        story = make_story(alice, hero_image=image_file(size=(1200, 800)))
    widths = sorted(
        ImageRendition.objects.filter(source_name=story.hero_image.name).values_list(
            "width", flat=True
        )
    )
    assert widths == [480, 480, 960, 960, 1200, 1200]


@pytest.mark.django_db
def test_saves_that_do_not_touch_the_image_enqueue_nothing(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        story = make_story(alice, hero_image=image_file(size=(600, 400)))
    ImageRendition.objects.all().delete()
    # Other after-commit work (page-cache invalidation) may run; no renditions may be made.
    with django_capture_on_commit_callbacks(execute=True):
        story.save(update_fields=["title"])
    assert not ImageRendition.objects.exists()


@pytest.mark.django_db
def test_the_story_page_serves_a_picture_with_srcset_sizes_and_dimensions(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        story = make_story(alice, hero_image=image_file(size=(2000, 1000)))
    html = client.get(story.get_absolute_url()).content.decode()
    hero = html[html.index('<figure class="story-hero">') : html.index("</figure>")]
    assert '<source type="image/webp" srcset="' in hero
    assert " 480w, " in hero
    assert " 1600w" in hero
    assert 'sizes="(max-width: 44rem) 100vw, 42rem"' in hero
    assert 'width="2000"' in hero
    assert 'height="1000"' in hero
    assert 'loading="eager"' in hero
    assert 'fetchpriority="high"' in hero
    assert ".webp 960w" in hero
    assert ".jpeg 960w" in hero


@pytest.mark.django_db
def test_without_renditions_yet_the_original_is_shown(client, alice):
    story = make_story(alice, hero_image=image_file(size=(800, 400)))
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'src="{story.hero_image.url}"' in html
    assert "srcset" not in html[html.index('<figure class="story-hero">') :].split("</figure>")[0]


@pytest.mark.django_db
def test_story_cards_load_renditions_in_one_query(
    client, alice, bob, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            make_story(alice if n % 2 else bob, hero_image=image_file(size=(1000, 500)))
    client.get("/")  # warm the footer cache
    with django_assert_max_num_queries(6):
        html = client.get("/").content.decode()
    assert html.count('<source type="image/webp"') == 6
    assert html.count('loading="lazy"') >= 6


@pytest.mark.django_db
def test_staff_picks_share_the_one_renditions_query_of_the_home_page(
    client, alice, carol, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from byline.discovery.services import staff_pick_add

    with django_capture_on_commit_callbacks(execute=True):
        stories = [make_story(alice, hero_image=image_file(size=(1000, 500))) for _ in range(4)]
    for story in stories[:2]:
        staff_pick_add(story=story, by=carol)
    client.get("/")  # warm the footer cache
    with django_assert_max_num_queries(7):  # the featured row adds its picks, stories, tags
        html = client.get("/").content.decode()
    assert html.count('<source type="image/webp"') == 6


@pytest.mark.django_db
def test_deleting_a_story_forgets_its_renditions(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        story = make_story(alice, hero_image=image_file(size=(600, 400)))
    files = list(ImageRendition.objects.values_list("storage_name", flat=True))
    assert files
    with django_capture_on_commit_callbacks(execute=True):
        story.delete()
    assert not ImageRendition.objects.exists()
    assert not any(default_storage.exists(name) for name in files)


@pytest.mark.django_db
def test_the_renditions_command_fills_in_what_is_missing(alice):
    from django.core.management import call_command

    story = make_story(alice, hero_image=image_file(size=(700, 300)))  # no commit hook ran
    assert not ImageRendition.objects.exists()
    out = io.StringIO()
    call_command("renditions", stdout=out)
    assert "1 image(s)" in out.getvalue()
    assert ImageRendition.objects.filter(source_name=story.hero_image.name).count() == 4
    out = io.StringIO()
    call_command("renditions", stdout=out)
    assert "0 image(s)" in out.getvalue()


# --- Polyglots: whatever a file carries besides its pixels is gone after re-encoding -----------

SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


def jpeg_polyglot() -> bytes:
    """A real JPEG that is also HTML: a script in the COM segment, in EXIF and after the end."""
    exif = Image.Exif()
    exif[0x010E] = SCRIPT.decode()  # ImageDescription
    return jpeg_bytes(comment=SCRIPT, exif=exif.tobytes()) + SCRIPT


def test_a_jpeg_polyglot_really_carries_its_html():
    data = jpeg_polyglot()
    assert data.count(b"<script>") == 3
    with Image.open(io.BytesIO(data)) as image:
        assert image.info["comment"] == SCRIPT  # Pillow reads it, and would write it back


def test_html_in_a_jpeg_comment_exif_or_tail_does_not_survive():
    cleaned = clean_image(upload(jpeg_polyglot()))
    data = cleaned.content.read()
    assert b"<script" not in data
    assert b"<html" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert "comment" not in image.info
        assert not image.getexif()


def test_text_in_a_gif_comment_does_not_survive():
    buffer = io.BytesIO()
    Image.new("P", (30, 30)).save(buffer, "GIF", comment=SCRIPT)
    cleaned = clean_image(upload(buffer.getvalue() + SCRIPT, "a.gif"))
    assert b"<script" not in cleaned.content.read()


def test_a_cleaned_image_has_one_fresh_name_and_its_real_content_type():
    png = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(png, "PNG")
    cleaned = clean_image(upload(png.getvalue(), "photo.jpg"))
    assert cleaned.name == cleaned.name == cleaned.content.name
    assert cleaned.name.endswith(".png")
    assert cleaned.content.content_type == "image/png"
    assert clean_image(upload(jpeg_bytes(), "a.png")).content.content_type == "image/jpeg"


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["avatar", "hero", "inline", "logo"])
def test_every_image_field_re_encodes_and_renames_what_it_is_given(field, alice, community):
    """Any code that stores a file in an image field (admin, demo, imports, a future view) gets
    the same gate: the field itself cleans what it is given and names the file."""
    from django.core.files.base import ContentFile

    from byline.stories.models import StoryImage

    instance, attribute = {
        "avatar": (alice, "avatar"),
        "hero": (make_story(alice), "hero_image"),
        "inline": (StoryImage(author=alice), "image"),
        "logo": (community, "logo"),
    }[field]
    getattr(instance, attribute).save("../evil.html", ContentFile(jpeg_polyglot()))
    stored = getattr(instance, attribute)
    assert "evil" not in stored.name
    assert stored.name.endswith(".jpg")
    with stored.open("rb") as handle:
        data = handle.read()
    assert b"<script" not in data
    assert data.startswith(b"\xff\xd8\xff")


@pytest.mark.django_db
def test_an_image_field_refuses_what_is_not_an_image(community):
    from django.core.files.base import ContentFile

    with pytest.raises(ValidationError, match="SVG or another text document"):
        community.logo.save("logo.svg", ContentFile(b"<svg onload=alert(1)></svg>"))
    assert not community.logo

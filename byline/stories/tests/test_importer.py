import io
import textwrap

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from byline.accounts.models import User
from byline.communities.models import Community
from byline.stories.importer import StoryImportError, import_story, parse_story_file
from byline.stories.models import Story, Tag

pytestmark = pytest.mark.django_db

# 1,571 words, like the founding story: it must read in 7 minutes with its hero image.
PARAGRAPH = " ".join(["word"] * 157)
BODY = "\n\n".join([PARAGRAPH] * 10) + "\n\none"


def write_story(tmp_path, front: str, body: str = BODY, name: str = "story.md"):
    path = tmp_path / name
    path.write_text(f"---\n{textwrap.dedent(front).strip()}\n---\n\n{body}\n", encoding="utf-8")
    return path


def write_hero(tmp_path, name="hero.jpg"):
    Image.new("RGB", (1600, 900), (90, 80, 70)).save(tmp_path / name, "JPEG")


SEED_FRONT = """
    title: "A Grim Prelude: North Korea Enters Ukraine War"
    subtitle: "Could North Korea's military gamble trigger the next world war?"
    author: "Tanguy Besson"
    author_bio: "Tanguy Besson, Freelance Journalist."
    author_website: "https://tanguybessonjournaliste.com/about/"
    community: "Earth"
    tags: ["Humanity"]
    hero_image: "hero.jpg"
    hero_image_caption: "Paul Nash, \\"Void\\", 1918."
    hero_image_credit: "Public Domain"
    # A comment line, as in the seed file.
"""


def test_it_imports_a_story_in_the_seed_format(tmp_path, client):
    write_hero(tmp_path)
    result = import_story(parse_story_file(write_story(tmp_path, SEED_FRONT)))
    story = result.story
    assert result.created
    assert story.status == Story.Status.PUBLISHED and story.published_at is not None
    assert story.word_count == 1571
    assert story.reading_minutes == 7
    assert story.author.display_name == "Tanguy Besson"
    assert story.author.username == "tanguy_besson"
    assert story.author.website == "https://tanguybessonjournaliste.com/about/"
    assert story.community.name == "Earth"
    assert [tag.name for tag in story.tags.all()] == ["Humanity"]
    assert story.hero_image_caption == 'Paul Nash, "Void", 1918.'
    assert (story.hero_width, story.hero_height) == (1600, 900)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "7 min read" in html and "Public Domain" in html


def test_importing_twice_does_not_duplicate(tmp_path):
    path = write_story(
        tmp_path, 'title: "Once"\nauthor: "Ann Writer"\ncommunity: "Earth"\ntags: [A]'
    )
    first = import_story(parse_story_file(path))
    second = import_story(parse_story_file(path))
    assert first.created and not second.created
    assert second.story.pk == first.story.pk
    assert Story.objects.count() == 1 and User.objects.count() == 1
    assert Community.objects.count() == 1 and Tag.objects.count() == 1


def test_existing_authors_communities_and_tags_are_reused(tmp_path):
    import_story(
        parse_story_file(
            write_story(
                tmp_path,
                'title: "One"\nauthor: "Ann"\nauthor_handle: ann\ncommunity: Earth\ntags: [Sea]',
                name="a.md",
            )
        )
    )
    import_story(
        parse_story_file(
            write_story(
                tmp_path,
                'title: "Two"\nauthor: "Ann"\nauthor_handle: ann\ncommunity: earth\ntags: [sea]',
                name="b.md",
            )
        )
    )
    assert User.objects.count() == 1 and Community.objects.count() == 1 and Tag.objects.count() == 1


def test_published_at_and_draft_status_are_respected(tmp_path):
    dated = import_story(
        parse_story_file(
            write_story(
                tmp_path,
                'title: "Dated"\nauthor: "Ann"\npublished_at: "2025-05-01T09:30:00Z"',
                name="a.md",
            )
        )
    ).story
    assert dated.published_at.isoformat() == "2025-05-01T09:30:00+00:00"
    draft = import_story(
        parse_story_file(
            write_story(tmp_path, 'title: "Draft"\nauthor: "Ann"\nstatus: draft', name="b.md")
        )
    ).story
    assert draft.status == Story.Status.DRAFT and draft.published_at is None


@pytest.mark.parametrize(
    ("front", "field", "message"),
    [
        ('author: "Ann"', "title", "is required"),
        ('title: "No author"', "author", "is required"),
        ('title: "T"\nauthor: "A"\ntags: [a, b, c, d, e, f]', "tags", "at most 5"),
        ('title: "T"\nauthor: "A"\npublished_at: "last tuesday"', "published_at", "date and time"),
        ('title: "T"\nauthor: "A"\nstatus: "secret"', "status", "'published' or 'draft'"),
        ('title: "T"\nauthor: "A"\nhero_image: "missing.jpg"', "hero_image", "no image file"),
        (
            'title: "T"\nauthor: "A"\nauthor_website: "javascript:alert(1)"',
            "author_website",
            "http(s)",
        ),
        ('title: "T"\nauthor: "A"\ncolour: "blue"', "colour", "not a field"),
        (f'title: "{"x" * 151}"\nauthor: "A"', "title", "limit is 150"),
        # Text no database can store: a NUL (PostgreSQL refuses it), a lone surrogate.
        ('title: "Nul \\0 here"\nauthor: "A"', "title", "cannot be stored"),
        ('title: "T"\nauthor: "Lone \\ud800"', "author", "cannot be stored"),
        ('title: "T"\nauthor: "A"\ncommunity: "E\\0"', "community", "cannot be stored"),
        ('title: "T"\nauthor: "A"\ntags: ["a\\0"]', "tags", "cannot be stored"),
        ('title: "T"\nauthor: "A"\nhero_image_caption: "\\udfff"', "hero_image_caption", "cannot"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_imported(tmp_path, front, field, message):
    path = write_story(tmp_path, front)
    with pytest.raises(StoryImportError) as error:
        import_story(parse_story_file(path))
    assert error.value.field == field
    assert message in str(error.value) and str(path) in str(error.value)
    assert Story.objects.count() == 0 and User.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("no front matter here", "must start with YAML front matter"),
        ("---\ntitle: [unclosed\n---\nbody", "not valid YAML"),
        ("---\n- a list\n---\nbody", "field: value"),
        ('---\ntitle: "T"\nauthor: "A"\n---\n\n   \n', "no body text"),
        ('---\ntitle: "T"\nauthor: "A"\n---\n\nA body with a \x00 NUL.\n', "cannot be stored"),
    ],
)
def test_a_malformed_file_gets_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.md"
    path.write_text(content)
    with pytest.raises(StoryImportError, match=message):
        parse_story_file(path)


def test_a_hero_image_that_is_not_an_image_is_refused(tmp_path):
    (tmp_path / "hero.jpg").write_text("<svg onload=alert(1)></svg>")
    path = write_story(tmp_path, 'title: "T"\nauthor: "A"\nhero_image: hero.jpg')
    with pytest.raises(StoryImportError, match="not an image") as error:
        import_story(parse_story_file(path))
    assert error.value.field == "hero_image"
    assert Story.objects.count() == 0


def test_hero_image_metadata_is_stripped(tmp_path):
    image = Image.new("RGB", (400, 300), (1, 2, 3))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    (tmp_path / "hero.jpg").write_bytes(buffer.getvalue())
    story = import_story(
        parse_story_file(write_story(tmp_path, 'title: "T"\nauthor: "A"\nhero_image: hero.jpg'))
    ).story
    assert b"SecretCam" not in story.hero_image.read()


def test_the_import_command_prints_urls_and_fails_on_bad_files(tmp_path, capsys):
    good = write_story(tmp_path, 'title: "Good one"\nauthor: "Ann"', name="good.md")
    bad = write_story(tmp_path, 'author: "Ann"', name="bad.md")
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("import", str(good), str(bad))
    out, err = capsys.readouterr()
    assert "imported: Good one -> http://127.0.0.1:8000/@ann/good-one" in out
    assert "bad.md: field 'title': is required" in err
    assert Story.objects.count() == 1

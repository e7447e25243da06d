"""Uploaded files as the embedded default serves them: sandboxed, unsniffed, typed by content."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from byline.conftest import image_file, make_story

pytestmark = pytest.mark.django_db

SANDBOX = "default-src 'none'; sandbox"


def test_a_served_upload_is_sandboxed_not_sniffed_and_typed_by_its_format(client, alice):
    story = make_story(alice, hero_image=image_file(fmt="PNG", name="photo.gif"))
    response = client.get(story.hero_image.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == SANDBOX
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"<html><script>alert(1)</script>", "image/png"),
        (b"<html><script>alert(1)</script></html>", "application/octet-stream"),
    ],
    ids=["png-named-html", "html"],
)
def test_a_file_whose_name_lies_is_served_by_what_it_contains(client, data, expected):
    """Files stored before every name was ours (or put in the folder by hand) are typed by their
    first bytes, and even an HTML page cannot run: the sandbox forbids scripts and same-origin."""
    name = default_storage.save("communities/logo.html", ContentFile(data))
    response = client.get(default_storage.url(name))
    assert response.status_code == 200
    assert response["Content-Type"] == expected
    assert response["Content-Security-Policy"] == SANDBOX


def test_a_missing_file_is_a_plain_404(client):
    assert client.get("/media/heroes/gone.jpg").status_code == 404
    assert client.get("/media/../settings.py").status_code in (400, 404)


def test_the_bucket_gets_the_content_type_of_the_re_encoded_image(tmp_path, settings):
    """With S3, django-storages reads the Content-Type from the file clean_image made (no
    network: the write parameters are computed before any request)."""
    from django.core.files.storage import storages

    from byline.core.images import clean_image
    from byline.core.tests.test_scale_settings import S3_VARIABLES, read_settings

    settings.STORAGES = read_settings(tmp_path, **S3_VARIABLES)["STORAGES"]
    cleaned = clean_image(image_file(fmt="PNG", name="photo.jpg.html"))
    parameters = storages["default"]._get_write_parameters("heroes/x", cleaned.content)
    assert parameters["ContentType"] == "image/png"


def test_media_can_be_served_from_another_host(tmp_path):
    from byline.core.tests.test_scale_settings import read_settings

    s = read_settings(tmp_path, BYLINE_MEDIA_URL="https://media.example.org/")
    assert s["MEDIA_URL"] == "https://media.example.org/"
    assert s["IMG_SRC"] == ["'self'", "data:", "https://media.example.org"]
    assert read_settings(tmp_path)["MEDIA_URL"] == "/media/"


@pytest.mark.parametrize("value", ["media", "https://media.example.org", "ftp://x.org/"])
def test_a_bad_media_url_stops_start_up_with_its_name(tmp_path, value):
    from byline.core.tests.test_scale_settings import settings_with

    result = settings_with(tmp_path, BYLINE_MEDIA_URL=value)
    assert result.returncode != 0
    assert "BYLINE_MEDIA_URL" in result.stderr

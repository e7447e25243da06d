"""The community logo as an operator uploads it in the Django admin."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from byline.communities.models import Community
from byline.conftest import make_user

pytestmark = pytest.mark.django_db

SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def operator(client):
    user = make_user("olga", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def polyglot_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue() + SCRIPT


def add(client, upload):
    return client.post(
        "/admin/communities/community/add/",
        {"name": "Earth", "slug": "earth", "description": "", "logo": upload},
    )


def test_a_logo_is_re_encoded_under_a_name_of_ours(client, operator):
    response = add(client, SimpleUploadedFile("logo.html", polyglot_png(), "text/html"))
    assert response.status_code == 302
    logo = Community.objects.get().logo
    assert logo.name.startswith("communities/")
    assert logo.name.endswith(".png")
    assert "logo" not in logo.name.removeprefix("communities/")
    with logo.open("rb") as handle:
        assert b"<script" not in handle.read()


def test_a_logo_that_is_no_image_is_a_form_error(client, operator):
    svg = SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x"/>')
    response = add(client, svg)
    assert response.status_code == 200
    assert b"SVG or another text document" in response.content
    assert not Community.objects.exists()

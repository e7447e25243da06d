"""Image uploads: validated by content (never by name), limited, stripped and re-encoded.

The one gate every uploaded or imported image passes through. Pillow is told which formats it
may open (so no EPS/Ghostscript, no SVG, no exotic decoders), and the size, the pixel count and
the frame count are checked from the header before any pixel is decoded. What comes out is a
fresh file we encoded ourselves: no EXIF (so no GPS position), no comment segment, no text
chunks, no trailing bytes (so no HTML or script polyglot survives), orientation applied to the
pixels, under a random name of ours.

Every image field of the project is a `ReencodedImageField`: whatever is saved into it (a form
upload, the admin, an import, the demo content) goes through `clean_image` unless it already
came out of it, and is stored under the name `clean_image` chose. A full disk while storing is a
`ValidationError` with code "storage_full" (`STORAGE_FULL_MESSAGE`), never a half-written file
(see byline.core.storage).
"""

from __future__ import annotations

import errno
import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
ALLOWED_DESCRIPTION = "JPEG, PNG, WebP or GIF"
# WebP cannot encode a side longer than 16383 px; nobody needs more for a story.
MAX_SIDE = 16_000
# An ICC colour profile is kept (so phone photos keep their colours) unless it is suspiciously big.
MAX_ICC_BYTES = 64 * 1024
# How many bytes are looked at to recognise documents posing as images.
_SNIFF_BYTES = 1024
# What the file input offers to pick (the server decides by content anyway).
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
# The formats clean_image writes, by file extension.
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
STORAGE_FULL_MESSAGE = (
    "The server is out of storage space, so the image was not saved (nothing else changed). "
    "Please try again later; if this goes on, tell the site's operator."
)
# Sent with every uploaded file, wherever it is served from (the media view, nginx, a CDN).
MEDIA_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
}
# errno values meaning "no room": the disk is full, or the account's disk quota is used up.
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


class CleanImageFile(ContentFile):
    """Bytes that clean_image encoded, under the random name it chose. Image fields store these
    as they are; anything else they are given is cleaned first."""

    def __init__(self, data: bytes, *, extension: str) -> None:
        # A fresh random file name: never derived from what the uploader called the file.
        super().__init__(data, name=f"{uuid.uuid4().hex}.{extension}")
        self.extension = extension
        # Read by django-storages for the object's Content-Type in S3 (not guessed from a name).
        self.content_type = CONTENT_TYPES[extension]


@dataclass
class CleanImage:
    content: CleanImageFile
    width: int
    height: int
    extension: str

    @property
    def name(self) -> str:
        return self.content.name


def _reject(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_image")


def _file_size(fileobj) -> int:
    """The size without reading the file when it is known (uploads), else by seeking."""
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
    return size


_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")


def _looks_like_a_document(head: bytes) -> bool:
    """SVG, HTML and XML are text documents that can carry script: refuse them by name.

    Only files that do not start like one of our image formats are looked at, so a photo whose
    metadata happens to mention "<svg" is not mistaken for one.
    """
    if head.startswith(_IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return False
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html", b"<!--")) or b"<svg" in text


def clean_image(
    fileobj,
    *,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
    max_frames: int | None = None,
) -> CleanImage:
    """Check an uploaded image and return a fresh re-encoded copy without metadata.

    Raises ValidationError with a message meant for the person who uploaded the file. Nothing is
    written anywhere: storing the result is the caller's business.
    """
    max_bytes = max_bytes or settings.IMAGE_MAX_BYTES
    max_pixels = max_pixels or settings.IMAGE_MAX_PIXELS
    max_frames = max_frames or settings.IMAGE_MAX_FRAMES
    size = _file_size(fileobj)
    if size > max_bytes:
        raise _reject(
            f"The image is too large ({size / 1024 / 1024:.1f} MB). "
            f"The limit is {max_bytes / 1024 / 1024:.1f} MB."
        )
    if size == 0:
        raise _reject("The file is empty.")
    fileobj.seek(0)
    head = fileobj.read(_SNIFF_BYTES)
    fileobj.seek(0)
    if _looks_like_a_document(head):
        raise _reject(
            "This file is SVG or another text document, not an image we accept "
            f"(such files can carry scripts). Please upload {ALLOWED_DESCRIPTION}."
        )
    too_many_pixels = "The image is {w}×{h} pixels; at most {limit:,} pixels are accepted."
    try:
        with Image.open(fileobj, formats=ALLOWED_FORMATS) as opened:
            width, height = opened.size
            if width < 1 or height < 1:
                raise _reject("This image has no pixels.")
            if width * height > max_pixels:
                raise _reject(too_many_pixels.format(w=width, h=height, limit=max_pixels))
            if max(width, height) > MAX_SIDE:
                raise _reject(
                    f"The image is {width}×{height} pixels; "
                    f"no side may be longer than {MAX_SIDE:,} pixels."
                )
            # n_frames scans the frame headers without decoding them; the byte limit bounds it.
            frames = getattr(opened, "n_frames", 1)
            if frames > max_frames:
                raise _reject(
                    f"The animation has {frames:,} frames; at most {max_frames:,} are accepted."
                )
            source_format = opened.format
            icc_profile = opened.info.get("icc_profile")
            if frames > 1:
                opened.seek(0)  # stills only: the first frame of an animation
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise _reject(
            f"The image has too many pixels; at most {max_pixels:,} pixels are accepted."
        ) from None
    except UnidentifiedImageError:
        raise _reject(
            f"This file is not an image we accept. Please upload {ALLOWED_DESCRIPTION}."
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise _reject("This image is damaged or incomplete and could not be read.") from None

    keep_alpha = has_alpha(image)
    output = io.BytesIO()
    # Pillow writes some of what it read back out unless told otherwise (a JPEG's COM segment,
    # a GIF's comment, transparency, dpi): the new file gets the pixels and nothing else.
    extras = {}
    if icc_profile and len(icc_profile) <= MAX_ICC_BYTES:
        extras["icc_profile"] = icc_profile
    image = image.convert("RGBA" if keep_alpha else "RGB")
    image.info = {}
    if keep_alpha or source_format in ("PNG", "GIF"):
        image.save(output, "PNG", optimize=True, **extras)
        extension = "png"
    else:
        image.save(output, "JPEG", quality=85, optimize=True, progressive=True, **extras)
        extension = "jpg"
    return CleanImage(
        content=CleanImageFile(output.getvalue(), extension=extension),
        width=image.width,
        height=image.height,
        extension=extension,
    )


def has_alpha(image: Image.Image) -> bool:
    """Whether any pixel can be see-through (then the fallback rendition is PNG, not JPEG)."""
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def content_type_of(head: bytes) -> str:
    """The media type of a stored file from its first bytes: one of the image types we accept,
    else a download. Never from the file's name."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def is_storage_full(error: OSError) -> bool:
    return error.errno in _NO_SPACE


# (storage, name) of the files stored inside the innermost `files_removed_on_failure` block.
_stored_in_block: ContextVar[list | None] = ContextVar("stored_in_block", default=None)


@contextmanager
def files_removed_on_failure() -> Iterator[None]:
    """Delete the image files stored inside the block if the block fails.

    Put it around a `transaction.atomic()` block that stores images and may still fail after
    (a later check, a database error): the rollback forgets the rows naming the files, and this
    deletes the files, so a refused save leaves nothing behind.
    """
    stored: list = []
    token = _stored_in_block.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise
    finally:
        _stored_in_block.reset(token)


class ReencodedImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store `content` re-encoded under a name of ours (`name` is ignored, on purpose)."""
        if not isinstance(content, CleanImageFile):
            content = clean_image(content).content
        try:
            super().save(content.name, content, save=False)
        except OSError as error:
            if is_storage_full(error):
                raise ValidationError(STORAGE_FULL_MESSAGE, code="storage_full") from None
            raise
        stored = _stored_in_block.get()
        if stored is not None:
            stored.append((self.storage, self.name))
        if save:
            self.instance.save()

    save.alters_data = True


class ReencodedImageFormField(forms.FileField):
    """A file input whose cleaned value is the re-encoded image (what the admin uses)."""

    widget = forms.ClearableFileInput(attrs={"accept": ACCEPT})

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None or isinstance(upload, CleanImageFile):
            return upload
        return clean_image(upload).content


class ReencodedImageField(models.ImageField):
    """An ImageField that stores only what clean_image made (see the module docstring)."""

    attr_class = ReencodedImageFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ReencodedImageFormField, **kwargs})

    def deconstruct(self):
        # The column is an ImageField's; migrations need not know the difference.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs

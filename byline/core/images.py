"""Image uploads: validated by content (never by name), limited, stripped and re-encoded.

The one gate every uploaded or imported image passes through. Pillow is told which formats it
may open (so no EPS/Ghostscript, no SVG, no exotic decoders), and the size, the pixel count and
the frame count are checked from the header before any pixel is decoded. What comes out is a
fresh file we encoded ourselves: no EXIF (so no GPS position), no text chunks, no trailing bytes
(so no HTML or script polyglot survives), orientation applied to the pixels.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
ALLOWED_DESCRIPTION = "JPEG, PNG, WebP or GIF"
# WebP cannot encode a side longer than 16383 px; nobody needs more for a story.
MAX_SIDE = 16_000
# An ICC colour profile is kept (so phone photos keep their colours) unless it is suspiciously big.
MAX_ICC_BYTES = 64 * 1024
# How many bytes are looked at to recognise documents posing as images.
_SNIFF_BYTES = 1024


@dataclass
class CleanImage:
    content: ContentFile
    width: int
    height: int
    extension: str

    @property
    def name(self) -> str:
        """A fresh random file name: never derived from what the uploader called the file."""
        return f"{uuid.uuid4().hex}.{self.extension}"


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
    extras = {}
    if icc_profile and len(icc_profile) <= MAX_ICC_BYTES:
        extras["icc_profile"] = icc_profile
    if keep_alpha or source_format in ("PNG", "GIF"):
        image = image.convert("RGBA" if keep_alpha else "RGB")
        image.save(output, "PNG", optimize=True, **extras)
        extension = "png"
    else:
        image = image.convert("RGB")
        image.save(output, "JPEG", quality=85, optimize=True, progressive=True, **extras)
        extension = "jpg"
    return CleanImage(
        content=ContentFile(output.getvalue()),
        width=image.width,
        height=image.height,
        extension=extension,
    )


def has_alpha(image: Image.Image) -> bool:
    """Whether any pixel can be see-through (then the fallback rendition is PNG, not JPEG)."""
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )

"""Image uploads: validated by content (never by name), limited, stripped and re-encoded.

The one gate every uploaded or imported image passes through. Pillow is told which formats it
may open (so no EPS/Ghostscript, no SVG, no exotic decoders), and the pixel count is checked from
the header before any pixel is decoded.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
ALLOWED_DESCRIPTION = "JPEG, PNG, WebP or GIF"


@dataclass
class CleanImage:
    content: ContentFile
    width: int
    height: int
    extension: str


def _reject(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_image")


def clean_image(
    fileobj, *, max_bytes: int | None = None, max_pixels: int | None = None
) -> CleanImage:
    """Check an uploaded image and return a fresh re-encoded copy without metadata.

    Raises ValidationError with a message meant for the person who uploaded the file.
    """
    max_bytes = max_bytes or settings.IMAGE_MAX_BYTES
    max_pixels = max_pixels or settings.IMAGE_MAX_PIXELS
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
    if size > max_bytes:
        raise _reject(
            f"The image is too large ({size // 1024:,} KB). The limit is {max_bytes // 1024:,} KB."
        )
    if size == 0:
        raise _reject("The file is empty.")
    fileobj.seek(0)
    try:
        with Image.open(fileobj, formats=ALLOWED_FORMATS) as image:
            width, height = image.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise _reject(
                    f"The image is {width}×{height} pixels; "
                    f"at most {max_pixels:,} pixels are accepted."
                )
            source_format = image.format
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)  # stills only: the first frame of an animation
            image.load()
            image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise _reject(
            f"This file is not an image we accept. Please upload {ALLOWED_DESCRIPTION}."
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise _reject("This image is damaged or incomplete and could not be read.") from None

    keep_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    output = io.BytesIO()
    if keep_alpha or source_format in ("PNG", "GIF"):
        image = image.convert("RGBA" if keep_alpha else "RGB")
        image.save(output, "PNG", optimize=True)
        extension = "png"
    else:
        image = image.convert("RGB")
        image.save(output, "JPEG", quality=85, optimize=True, progressive=True)
        extension = "jpg"
    return CleanImage(
        content=ContentFile(output.getvalue()),
        width=image.width,
        height=image.height,
        extension=extension,
    )

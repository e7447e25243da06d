"""Responsive renditions of stored images: widths 480, 960 and 1600 (never upscaled), each in
WebP plus a JPEG fallback (PNG when the image has transparency).

Made by a background task (Django's tasks API) from the storage name of the source, through the
default storage API only, so the same code works on a local folder and on S3. Each rendition is
recorded as an `ImageRendition` row so templates can build `srcset` without touching storage.

Models with an image field get renditions without calling anything: a `post_save` receiver
(see `register_image_field`) enqueues the task through the outbox (byline.core.outbox: it is sent
on commit, or later if the queue is down) when the stored file has none yet, and a
`post_delete` receiver forgets them. Code that replaces a file should call `renditions_delete`
for the old name (as `user_update_profile` does), since a save cannot see the previous name.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django_tasks import task
from PIL import Image, ImageOps, UnidentifiedImageError

from byline.core.images import ALLOWED_FORMATS, MAX_SIDE, has_alpha
from byline.core.models import ImageRendition
from byline.core.outbox import enqueue_once_on_commit

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (480, 960, 1600)
RENDITIONS_FOLDER = "renditions"
WEBP_QUALITY = 80
JPEG_QUALITY = 82

# (app_label, model name, field name): every image field whose files get renditions.
# The image fields whose files get renditions: each app registers its own from ready()
# (register_image_field), so core knows no model of the apps above it.
_field_by_model: dict[type, str] = {}


def rendition_widths(original_width: int) -> list[int]:
    """The widths to make for an image this wide: never wider than the original."""
    return sorted({min(width, original_width) for width in RENDITION_WIDTHS})


def _open_source(source_name: str) -> Image.Image | None:
    """The source image decoded, or None when it is gone or is not an image we accept."""
    try:
        with (
            default_storage.open(source_name, "rb") as stored,
            Image.open(stored, formats=ALLOWED_FORMATS) as opened,
        ):
            width, height = opened.size
            if width * height > settings.IMAGE_MAX_PIXELS or max(width, height) > MAX_SIDE:
                logger.warning("Not making renditions of %s: %d×%d", source_name, width, height)
                return None
            opened.seek(0)
            opened.load()
            return ImageOps.exif_transpose(opened)
    except FileNotFoundError:
        return None
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, EOFError):
        logger.warning("Not making renditions of %s: not a readable image", source_name)
        return None


def renditions_delete(*, source_name: str) -> None:
    """Forget the renditions of an image and delete their files."""
    for rendition in ImageRendition.objects.filter(source_name=source_name):
        default_storage.delete(rendition.storage_name)
        rendition.delete()


def renditions_generate(*, source_name: str) -> list[ImageRendition]:
    """(Re)make every rendition of the image stored under `source_name`. Idempotent."""
    image = _open_source(source_name)
    if image is None:
        return []
    alpha = has_alpha(image)
    image = image.convert("RGBA" if alpha else "RGB")
    fallback = ImageRendition.Format.PNG if alpha else ImageRendition.Format.JPEG
    stem = PurePosixPath(RENDITIONS_FOLDER) / PurePosixPath(source_name).with_suffix("")
    renditions_delete(source_name=source_name)
    made: list[ImageRendition] = []
    try:
        _make_renditions(image, source_name=source_name, stem=stem, fallback=fallback, made=made)
    except OSError as error:
        # A full disk (or a storage outage) half-way: the image is shown without srcset rather
        # than with some widths missing, and no file is left that no row points to.
        logger.error("Could not store the renditions of %s: %s", source_name, error)
        renditions_delete(source_name=source_name)
        return []
    return made


def _make_renditions(
    image: Image.Image,
    *,
    source_name: str,
    stem: PurePosixPath,
    fallback: str,
    made: list[ImageRendition],
) -> None:
    # Largest first, each made from the one before it: far less work than resizing the full
    # original three times (reducing_gap lets Pillow shrink by whole factors first).
    resized = image
    for width in reversed(rendition_widths(image.width)):
        height = max(1, round(image.height * width / image.width))
        if width != resized.width:
            resized = resized.resize((width, height), Image.LANCZOS, reducing_gap=3.0)
        for fmt in (ImageRendition.Format.WEBP, fallback):
            buffer = io.BytesIO()
            if fmt == ImageRendition.Format.WEBP:
                resized.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
            elif fmt == ImageRendition.Format.PNG:
                resized.save(buffer, "PNG", optimize=True)
            else:
                resized.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
            stored_name = default_storage.save(
                f"{stem}-{width}.{fmt.value}", ContentFile(buffer.getvalue())
            )
            try:
                with transaction.atomic():
                    made.append(
                        ImageRendition.objects.create(
                            source_name=source_name,
                            width=width,
                            height=height,
                            format=fmt,
                            storage_name=stored_name,
                        )
                    )
            except IntegrityError:  # a concurrent run made this one first
                default_storage.delete(stored_name)


@task()
def generate_renditions(storage_name: str) -> int:
    """Background task: make the renditions of one stored image. Returns how many were made."""
    return len(renditions_generate(source_name=storage_name))


def renditions_for(names: Iterable[str]) -> dict[str, list[ImageRendition]]:
    """The renditions of several images in one query, smallest first; [] for images without."""
    wanted = {name for name in names if name}
    found: dict[str, list[ImageRendition]] = {name: [] for name in wanted}
    if wanted:
        for rendition in ImageRendition.objects.filter(source_name__in=wanted).order_by(
            "source_name", "width"
        ):
            found[rendition.source_name].append(rendition)
    return found


def _enqueue_when_changed(sender, instance, created, raw, update_fields, **kwargs) -> None:
    if raw:
        return  # loading fixtures
    field_name = _field_by_model[sender]
    if update_fields is not None and field_name not in update_fields:
        return
    name = getattr(instance, field_name).name
    if not name or ImageRendition.objects.filter(source_name=name).exists():
        return
    enqueue_once_on_commit(generate_renditions, storage_name=name)


def _forget_when_deleted(sender, instance, **kwargs) -> None:
    name = getattr(instance, _field_by_model[sender]).name
    if name:
        transaction.on_commit(lambda: renditions_delete(source_name=name))


def register_image_field(model: type, field_name: str) -> None:
    """Images stored in `model.field_name` get renditions when saved, lose them when deleted,
    and are among those `byline renditions` makes."""
    _field_by_model[model] = field_name
    uid = f"renditions-{model._meta.label}"
    post_save.connect(_enqueue_when_changed, sender=model, dispatch_uid=uid)
    post_delete.connect(_forget_when_deleted, sender=model, dispatch_uid=uid)


def image_fields() -> list[tuple[type, str]]:
    """(model, field name) of every registered image field."""
    return list(_field_by_model.items())

"""`{% responsive_image %}`: a <picture> with WebP and fallback `srcset`, built from the
ImageRendition rows (no storage access), falling back to the original file until the renditions
exist. `{% prefetch_renditions %}` loads the rows for a whole list in one query.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.db.models.fields.files import FieldFile
from django.utils.html import format_html, format_html_join

from byline.core.models import ImageRendition
from byline.core.renditions import renditions_for

register = template.Library()

_MEMO_ATTRIBUTE = "_byline_renditions"


def _memo(context) -> dict[str, list[ImageRendition]]:
    """Renditions already looked up while rendering this request (or this template)."""
    request = context.get("request")
    if request is None:
        return context.render_context.setdefault(_MEMO_ATTRIBUTE, {})
    memo = getattr(request, _MEMO_ATTRIBUTE, None)
    if memo is None:
        memo = {}
        setattr(request, _MEMO_ATTRIBUTE, memo)
    return memo


def _resolve(item, path: str):
    for part in path.split("."):
        item = getattr(item, part, None)
        if item is None:
            return None
    return item


@register.simple_tag(takes_context=True)
def prefetch_renditions(context, items: Iterable, *paths: str) -> str:
    """Load the renditions of `item.<path>` for every item in one query, e.g.
    `{% prefetch_renditions page.items "hero_image" "author.avatar" %}`."""
    memo = _memo(context)
    names = []
    for item in items or ():
        for path in paths:
            image = _resolve(item, path)
            if isinstance(image, FieldFile) and image.name and image.name not in memo:
                names.append(image.name)
    memo.update(renditions_for(names))
    return ""


def _srcset(renditions: list[ImageRendition]):
    return format_html_join(", ", "{} {}w", ((r.url, r.width) for r in renditions))


@register.simple_tag(takes_context=True)
def responsive_image(
    context,
    image: FieldFile | None,
    *,
    alt: str = "",
    sizes: str | int = "100vw",
    loading: str = "lazy",
    css_class: str = "",
    fetchpriority: str = "",
    width: int | None = None,
    height: int | None = None,
) -> str:
    """A <picture> for a stored image. `width`/`height` default to the largest rendition's;
    `sizes` may be a number of CSS pixels for fixed-size images such as avatars."""
    if not image or not getattr(image, "name", ""):
        return ""
    if isinstance(sizes, int):
        sizes = f"{sizes}px"  # a fixed-size image (avatar, logo) of that many CSS pixels
    memo = _memo(context)
    if image.name not in memo:
        memo.update(renditions_for([image.name]))
    renditions = memo[image.name]
    webp = [r for r in renditions if r.format == ImageRendition.Format.WEBP]
    fallback = [r for r in renditions if r.format != ImageRendition.Format.WEBP]
    if fallback:
        largest = fallback[-1]
        src = largest.url
        width = width or largest.width
        height = height or largest.height
    else:
        src = image.url
    attributes = [
        ("src", src),
        ("alt", alt),
        ("class", css_class),
        ("width", width),
        ("height", height),
        ("loading", loading),
        ("decoding", "async"),
        ("fetchpriority", fetchpriority),
    ]
    if fallback:
        attributes += [("srcset", _srcset(fallback)), ("sizes", sizes)]
    img = format_html(
        "<img {}>",
        format_html_join(
            " ", '{}="{}"', ((k, v) for k, v in attributes if v not in (None, "") or k == "alt")
        ),
    )
    if not webp:
        return format_html("<picture>{}</picture>", img)
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">{}</picture>',
        _srcset(webp),
        sizes,
        img,
    )

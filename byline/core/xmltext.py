"""The one point where text enters XML (RSS, Atom, sitemaps): characters XML 1.0 cannot carry are
taken out, so no stored text can make a feed or a sitemap fail.

XML 1.0 allows tab, newline, carriage return, U+0020-U+D7FF, U+E000-U+FFFD and U+10000 and up.
The rest (C0 control characters, lone UTF-16 surrogates, U+FFFE, U+FFFF) is what browsers,
pasted text, old databases and API clients occasionally carry: Django's XML writer refuses the
control characters (a 500 for every feed listing such a story) and writes the others as
character references that no XML parser accepts. Surrogates become U+FFFD (the text had a
character there), the others are dropped (they were never visible).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.template.response import TemplateResponse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 cannot carry replaced (surrogates) or removed."""
    if not _NOT_XML.search(text):
        return text  # the usual case: one scan, no copy
    return _NOT_XML.sub("", _SURROGATE.sub("\ufffd", text))


def xml_clean(value: Any) -> Any:
    """xml_safe applied to every string inside `value` (dicts, lists and tuples walked)."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {key: xml_clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(xml_clean(item) for item in value)
    return value


class XMLSafeFeedMixin:
    """For Django's feed generators: everything the feed and its items hold (titles, names,
    descriptions, categories, links, extra fields) is cleaned right before it is written, so
    no field and no future field is left out, and one odd item cannot fail the feed."""

    def write(self, outfile, encoding):
        self.feed = xml_clean(self.feed)
        self.items = [xml_clean(item) for item in self.items]
        return super().write(outfile, encoding)


class SafeRssFeed(XMLSafeFeedMixin, Rss201rev2Feed):
    pass


class SafeAtomFeed(XMLSafeFeedMixin, Atom1Feed):
    pass


def xml_safe_view(view):
    """Wrap a view answering XML from a template (the sitemaps): the rendered document goes
    through xml_safe."""

    def clean(response):
        charset = response.charset or "utf-8"
        response.content = xml_safe(response.content.decode(charset)).encode(charset)
        return response

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, TemplateResponse) and not response.is_rendered:
            response.add_post_render_callback(clean)
        elif response.status_code == 200 and not response.streaming:
            clean(response)
        return response

    wrapped.xml_safe = True
    return wrapped

"""Markdown -> safe HTML, done once when a story, comment or page is saved.

Two independent layers: markdown-it-py with raw HTML turned off (so user text can never become a
tag), then nh3 (ammonia) with a tight allowlist, so a bug in one layer is caught by the other.
No svg, math, style, iframe or any raw-text element is ever allowed (mutation-XSS classes).
"""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.utils.text import slugify
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

EXTERNAL_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https", "mailto"}

_INLINE = {"a", "br", "code", "em", "strong", "del", "s", "sub", "sup"}
STORY_TAGS = _INLINE | {
    "p",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "li",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
COMMENT_TAGS = _INLINE | {"p", "blockquote", "pre", "ul", "ol", "li"}
ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title", "loading", "decoding"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "ol": {"start"},
}
_ALLOWED_REL_TOKENS = set(EXTERNAL_REL.split())


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    if parts.scheme not in {"http", "https"}:
        return False
    return parts.hostname != urlsplit(settings.SITE_URL).hostname


def _link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    if _is_external(token.attrGet("href") or ""):
        token.attrSet("rel", EXTERNAL_REL)
    return self.renderToken(tokens, idx, options, env)


def _image(self, tokens, idx, options, env):
    token = tokens[idx]
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
    # markdown-it's default image rule renders alt text from children; keep that behaviour.
    token.attrSet("alt", self.renderInlineAsText(token.children or [], options, env))
    return self.renderToken(tokens, idx, options, env)


def _demote_h1(state) -> None:
    # The story title is the page's only <h1>; a "# Heading" in the body becomes an <h2>.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


@cache
def _story_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("demote_h1", _demote_h1)
    anchors_plugin(
        md, min_level=1, max_level=3, slug_func=lambda text: slugify(text)[:60] or "section"
    )
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
    return md


@cache
def _comment_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.disable(["heading", "lheading", "image", "hr", "table"], ignoreInvalid=True)
    md.enable(["strikethrough"])
    md.add_render_rule("link_open", _link_open)
    return md


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "rel":
        tokens = [token for token in value.split() if token in _ALLOWED_REL_TOKENS]
        return " ".join(tokens) or None
    if attribute in {"loading", "decoding"}:
        return value if value in {"lazy", "async", "eager"} else None
    return value


def sanitize_html(html: str, *, tags: set[str] = STORY_TAGS) -> str:
    """Allowlist-clean HTML; everything not listed here is dropped."""
    return nh3.clean(
        html,
        tags=tags,
        attributes={tag: attrs for tag, attrs in ATTRIBUTES.items() if tag in tags},
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )


def render_markdown(text: str) -> str:
    """A story or page body: headings with anchors, images, tables, quotes, lists."""
    return sanitize_html(_story_parser().render(text or ""), tags=STORY_TAGS)


def render_comment(text: str) -> str:
    """The comment subset: emphasis, links, code, quotes and lists; no headings or images."""
    return sanitize_html(_comment_parser().render(text or ""), tags=COMMENT_TAGS)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "img":
            self.images += 1
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text_and_images(html: str) -> tuple[str, int]:
    """The visible text of rendered HTML and the number of images in it."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts), collector.images

"""Markdown -> safe HTML, done once when a story, comment or page is saved; and the plain text
of that HTML, from which every summary, excerpt and search snippet is made.

Two independent layers: markdown-it-py with raw HTML turned off (so user text can never become a
tag), then nh3 (ammonia) with a tight allowlist, so a bug in one layer is caught by the other.
No svg, math, style, iframe or any raw-text element is ever allowed (mutation-XSS classes).

The sanitizer also enforces what the site relies on, whatever produced the HTML: every `id` in
user content starts with HEADING_ID_PREFIX, so a heading can never clobber an element or a
global (`window.<id>`) of the page (DOM clobbering); in-page links (`#part`) point at the
prefixed ids; and every link the renderer marked external carries the whole EXTERNAL_REL.
Running sanitize_html again over stored HTML brings it up to date (it is idempotent).
"""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.utils.text import Truncator, slugify
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from byline.core.xmltext import xml_safe

EXTERNAL_REL = "nofollow ugc noopener noreferrer"
HEADING_ID_PREFIX = "h-"
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


def _heading_id(text: str) -> str:
    # Prefixed here (not only by the sanitizer) so that the plugin's de-duplication ("-1",
    # "-2") sees the final ids.
    return HEADING_ID_PREFIX + (slugify(text)[:60] or "section")


@cache
def _story_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("demote_h1", _demote_h1)
    anchors_plugin(md, min_level=1, max_level=3, slug_func=_heading_id)
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


def _prefixed(name: str) -> str:
    return name if name.startswith(HEADING_ID_PREFIX) else HEADING_ID_PREFIX + name


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return _prefixed(value) if value else None
    if tag == "a" and attribute == "href" and value.startswith("#") and len(value) > 1:
        return "#" + _prefixed(value[1:])
    if tag == "a" and attribute == "rel":
        # Only the renderer sets rel, and only on external links: such a link gets all of it.
        return EXTERNAL_REL if set(value.split()) & _ALLOWED_REL_TOKENS else None
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


# Elements that end a run of text: their edges separate words ("<p>a</p><p>b</p>" is "a b"),
# while inline ones do not ("un<em>bel</em>ievable" is one word).
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul",
}  # fmt: skip


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "img":
            self.images += 1
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text_and_images(html: str) -> tuple[str, int]:
    """The visible text of sanitized HTML as plain text (no markup, entities decoded, spaces
    collapsed, nothing XML cannot carry) and the number of images in it. Image alt text is not
    visible text and is left out."""
    collector = _TextCollector()
    collector.feed(html or "")
    collector.close()
    return " ".join(xml_safe("".join(collector.parts)).split()), collector.images


def plain_text(html: str) -> str:
    """The visible text of sanitized HTML, plain (see html_text_and_images)."""
    return html_text_and_images(html)[0]


EXCERPT_WORDS = 60
EXCERPT_MAX_LENGTH = 400


def excerpt(text: str) -> str:
    """The opening of plain text: at most EXCERPT_WORDS words and EXCERPT_MAX_LENGTH
    characters (text without spaces, such as Chinese or Japanese, is cut by characters), with
    an ellipsis when cut. Plain text: escape it wherever it goes."""
    cut = Truncator(text).words(EXCERPT_WORDS, truncate="…")
    return Truncator(cut).chars(EXCERPT_MAX_LENGTH, truncate="…")

from html.parser import HTMLParser

import pytest

from byline.core.rendering import render_comment, render_markdown


class _Elements(HTMLParser):
    """Every element and attribute that a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, name, value or "") for name, value in attrs)


def elements(html):
    parser = _Elements()
    parser.feed(html)
    return parser


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](x.png "title\\" onerror=\\"alert(1))',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    "<svg><script>alert(1)</script></svg>",
    '<svg onload="alert(1)"><circle/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "[x]: javascript:alert(1)\n\n[link][x]",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<object data=x></object><embed src=x>",
]


@pytest.mark.parametrize("source", HOSTILE)
@pytest.mark.parametrize("render", [render_markdown, render_comment])
def test_no_script_survives(source, render):
    html = render(source)
    found = elements(html)
    forbidden = {"script", "style", "iframe", "svg", "math", "object", "embed", "form", "noscript"}
    assert not forbidden & set(found.tags), html
    for tag, name, value in found.attrs:
        assert not name.startswith("on"), html
        assert name not in {"style", "action", "formaction"}, html
        if name in {"href", "src"}:
            scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
            assert scheme in {"", "http", "https", "mailto"}, html


def test_raw_html_is_shown_as_text_not_markup():
    assert "&lt;b&gt;bold&lt;/b&gt;" in render_markdown("<b>bold</b>")


def test_markdown_basics_render():
    html = render_markdown("## Part one\n\n**bold** *it* `code`\n\n> quoted\n\n- a\n- b\n\n1. one")
    assert '<h2 id="h-part-one">Part one</h2>' in html
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "<code>code</code>" in html
    assert "<blockquote>" in html and "<ul>" in html and "<ol>" in html


def test_h1_in_the_body_is_demoted_because_the_title_is_the_h1():
    html = render_markdown("# Big\n\ntext")
    assert "<h1" not in html and '<h2 id="h-big">Big</h2>' in html


def test_heading_anchors_are_unique():
    html = render_markdown("## Same\n\n## Same")
    assert 'id="h-same"' in html and 'id="h-same-1"' in html


def test_external_links_get_nofollow_ugc_noopener_noreferrer(settings):
    settings.SITE_URL = "https://byline.example"
    html = render_markdown(
        "[out](https://elsewhere.example/x) [in](https://byline.example/a) [rel](/b)"
    )
    assert (
        '<a href="https://elsewhere.example/x" rel="nofollow ugc noopener noreferrer">out</a>'
        in html
    )
    assert '<a href="https://byline.example/a">in</a>' in html
    assert '<a href="/b">rel</a>' in html


def test_images_are_lazy_with_alt_text():
    html = render_markdown("![A heron](https://img.example/h.jpg)")
    assert 'alt="A heron"' in html and 'loading="lazy"' in html


def test_comments_get_no_headings_or_images():
    html = render_comment("# Not a heading\n\n![img](https://img.example/x.png)\n\n*ok*")
    assert "<h" not in html.replace("<em", "") and "<img" not in html
    assert "<em>ok</em>" in html


def test_mailto_links_are_kept():
    assert 'href="mailto:hi@example.org"' in render_markdown("[mail](mailto:hi@example.org)")


def test_pathological_input_renders_quickly_enough_to_finish():
    # Known quadratic patterns in Markdown parsers; this must simply complete.
    render_markdown("[" * 20000 + "a" + "]" * 20000)
    render_markdown("*a " * 20000)
    render_markdown(">" * 5000 + " deep")


def test_external_comment_links_get_the_same_rel(settings):
    settings.SITE_URL = "https://byline.example"
    html = render_comment("[out](https://elsewhere.example/x)")
    assert 'rel="nofollow ugc noopener noreferrer"' in html


# Names a page's own script or the browser relies on: a heading with such a text must not
# become an element reachable as document.<name> / window.<name> (DOM clobbering).
CLOBBERING = ["cookie", "location", "body", "csrftoken", "htmx", "main", "site-search-q", "config"]


@pytest.mark.parametrize("name", CLOBBERING)
def test_heading_ids_from_user_text_are_prefixed(name):
    html = render_markdown(f"## {name}\n\n### {name}\n\n# {name}")
    ids = [value for _, attr, value in elements(html).attrs if attr == "id"]
    assert ids and all(value.startswith("h-") for value in ids), html
    assert name not in ids


def test_in_page_links_follow_the_prefixed_headings():
    html = render_markdown("## Part two\n\n[see part two](#part-two) and [top](#)")
    assert '<h2 id="h-part-two">' in html and 'href="#h-part-two"' in html
    assert 'href="#"' in html


def test_the_sanitizer_enforces_the_prefix_and_rel_on_any_html(settings):
    from byline.core.rendering import sanitize_html

    stored = (
        '<h2 id="location">x</h2><a href="#location">in</a>'
        '<a href="https://elsewhere.example/" rel="nofollow ugc noopener">out</a>'
    )
    html = sanitize_html(stored)
    assert '<h2 id="h-location">' in html and 'href="#h-location"' in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html
    assert sanitize_html(html) == html  # idempotent: safe to run over stored HTML again


@pytest.mark.parametrize("source", [*HOSTILE, "## Part\n\n[a](#part) [b](https://x.example)"])
def test_sanitizing_twice_changes_nothing(source):
    from byline.core.rendering import sanitize_html

    html = render_markdown(source)
    assert sanitize_html(html) == html


def test_plain_text_is_the_visible_text_only():
    from byline.core.rendering import plain_text

    html = render_markdown(
        "## Head\n\nun**bel**ievable ![alt words](https://img.example/a.png) "
        "[a link](https://x.example/very/long/url) `<b>` AT&amp;T\\*\n\n- one\n- two\x0b"
    )
    assert plain_text(html) == "Head unbelievable a link <b> AT&T* one two"


def test_the_sites_own_ids_never_use_the_user_content_prefix():
    """User content owns every id starting with h-: the site's templates and scripts use none."""
    from pathlib import Path

    import byline

    root = Path(byline.__file__).parent
    for path in [*root.glob("templates/**/*.html"), *root.glob("static/byline/js/*.js")]:
        text = path.read_text(encoding="utf-8")
        assert 'id="h-' not in text and "'#h-" not in text and '"#h-' not in text, path

"""Where readers came from: the referring site's host name, nothing more, grouped into kinds
the dashboard shows (this site, search engines, social networks, feed readers, other sites,
direct: no referrer)."""

from __future__ import annotations

import re

HOST_MAX_LENGTH = 100
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}(?::\d{{1,5}})?")

KINDS = {
    "site": "This site",
    "search": "Search engines",
    "social": "Social networks",
    "feeds": "Feed readers",
    "other": "Other sites",
    "direct": "Direct or unknown",
}
# The registrable names each kind is known by (a host matches itself and its subdomains).
_KNOWN = {
    "search": (
        "google",
        "bing.com",
        "duckduckgo.com",
        "search.yahoo.com",
        "yandex",
        "baidu.com",
        "ecosia.org",
        "kagi.com",
        "search.brave.com",
        "startpage.com",
        "qwant.com",
    ),
    "social": (
        "facebook.com",
        "fb.com",
        "t.co",
        "twitter.com",
        "x.com",
        "linkedin.com",
        "lnkd.in",
        "reddit.com",
        "news.ycombinator.com",
        "instagram.com",
        "pinterest.com",
        "threads.net",
        "bsky.app",
        "mastodon.social",
        "tumblr.com",
        "youtube.com",
        "tiktok.com",
        "quora.com",
    ),
    "feeds": (
        "feedly.com",
        "inoreader.com",
        "newsblur.com",
        "theoldreader.com",
        "feedbin.com",
        "netnewswire.com",
        "bazqux.com",
    ),
}


def clean_host(raw: str) -> str | None:
    """The host name as counted ("" for none), or None when it is not a host name at all."""
    host = raw.strip().lower()
    if not host:
        return ""
    if len(host) > HOST_MAX_LENGTH or not _HOST.fullmatch(host):
        return None
    return host.removeprefix("www.")


def _matches(host: str, name: str) -> bool:
    if "." not in name:  # "google": google.com, google.co.uk, news.google.de, ...
        return any(part == name for part in host.split(".")[:-1])
    return host == name or host.endswith("." + name)


def classify(host: str, *, site_hosts: set[str]) -> str:
    """The kind of a counted host; `site_hosts` are this site's own (with and without port)."""
    if not host:
        return "direct"
    if host in site_hosts or host.split(":")[0] in site_hosts:
        return "site"
    bare = host.split(":")[0]
    for kind, names in _KNOWN.items():
        if any(_matches(bare, name) for name in names):
            return kind
    return "other"

"""The one normaliser for display names and handles, used by every path that sets them (sign-up,
profile, admin, importers, the model's own save).

Unicode lets one name pass for another: a right-to-left override (U+202E) shows "Alice" for
"ecilA", zero-width characters make two different strings look the same, fullwidth letters
(U+FF41 for "a") look like ASCII. Names are NFKC-normalised and lose every control and format
character; handles are then held to [a-z0-9_], so no other script can imitate one.
"""

from __future__ import annotations

import hashlib
import unicodedata

# Characters that draw nothing themselves, or reorder what is around them.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_ZWNJ, _ZWJ = "\u200c", "\u200d"

# Look-alikes folded together before comparing a handle with the reserved ones: "adm1n",
# "r00t", "_admin_" and "a_d_m_i_n" are all "admin".
_SKELETON = str.maketrans({"0": "o", "1": "i", "l": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
# Words that claim to speak for the site: refused anywhere in a handle ("byline_support").
STAFF_WORDS = frozenset({"admin", "administrator", "moderator", "staff", "support", "byline"})


def _keeps_joiner(text: str, index: int) -> bool:
    """ZWNJ/ZWJ carry meaning inside a word of scripts that join letters (Persian, Indic) and
    inside emoji sequences; anywhere else they only hide a difference."""
    before = text[index - 1] if index else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if not before or not after:
        return False
    if text[index] == _ZWJ and unicodedata.category(before) in {"So", "Sk", "Mn"}:
        return True
    return (
        unicodedata.category(before)[0] in "LM"
        and unicodedata.category(after)[0] in "LM"
        and ord(before) >= 0x0590
        and ord(after) >= 0x0590
    )


def strip_invisible(value: str) -> str:
    """NFKC, without control and format characters (bidi overrides, zero-width space, BOM…)."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(
        char
        for index, char in enumerate(text)
        if unicodedata.category(char) not in _DROPPED_CATEGORIES
        or (char in (_ZWNJ, _ZWJ) and _keeps_joiner(text, index))
    )


def clean_display_name(value: str) -> str:
    """A display name as it is stored: normalised, invisible characters gone, one space between
    words (line and paragraph separators count as spaces)."""
    return " ".join(strip_invisible(value).split())


def clean_handle(value: str) -> str:
    """A handle as typed, made comparable: normalised, invisible characters gone, no "@" in
    front, lowercase. Whether it is allowed is `policies.handle_problem`'s call."""
    return strip_invisible(value).strip().lstrip("@").lower()


def handle_skeleton(handle: str) -> str:
    return handle.replace("_", "").translate(_SKELETON).replace("rn", "m").replace("vv", "w")


def is_reserved_handle(handle: str, reserved: frozenset[str]) -> bool:
    """A reserved handle, a look-alike of one, or a handle with a staff word among its parts."""
    skeleton = handle_skeleton(handle)
    if any(skeleton == handle_skeleton(name) for name in reserved):
        return True
    parts = "".join(c if c.isalpha() else " " for c in handle.translate(_SKELETON)).split()
    staff = {handle_skeleton(word) for word in STAFF_WORDS}
    return any(handle_skeleton(part) in staff for part in parts)


def substitute_handle(handle: str) -> str:
    """A handle to use instead of a reserved one, the same every time for the same handle (so a
    re-import finds the account it made before)."""
    return f"creator_{hashlib.sha256(handle.encode()).hexdigest()[:6]}"

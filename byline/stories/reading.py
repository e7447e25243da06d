"""Reading time, by the rule Medium made common (see DESIGN.md, "reading time")."""

from __future__ import annotations

import math
import re

WORDS_PER_MINUTE = 265
CJK_CHARACTERS_PER_MINUTE = 500

# Han, Hiragana, Katakana and Hangul: counted as characters, not words.
_CJK = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f]"
)
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")


def count_words(text: str) -> tuple[int, int]:
    """(words, CJK characters) in plain text. CJK characters are not also counted as words."""
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    return words, cjk


def image_seconds(images: int) -> int:
    """12 s for the first image, 11 s for the second, ... and 3 s for each from the tenth on."""
    return sum(max(12 - index, 3) for index in range(images))


def reading_minutes(*, words: int, cjk_characters: int = 0, images: int = 0) -> int:
    """Whole minutes, rounded up, never less than one."""
    seconds = (
        words * 60 / WORDS_PER_MINUTE
        + cjk_characters * 60 / CJK_CHARACTERS_PER_MINUTE
        + image_seconds(images)
    )
    return max(1, math.ceil(seconds / 60))

"""Whether a text layer can be trusted: how much of it reads as words, how much looks garbled, and so
whether a page needs OCR. Pure functions of the text."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[A-Za-z]{2,}")
_TOKEN = re.compile(r"\S+")


def readable_share(text: str) -> float:
    """Share of whitespace-separated tokens that look like words or numbers.

    A text layer drawn with fonts that have no Unicode mapping extracts as symbols and stray letters; real text
    is mostly words (``Patient``), numbers (``03/14/2024``) and short punctuation.
    """
    tokens = _TOKEN.findall(text)
    if not tokens:
        return 0.0
    good = 0
    for token in tokens:
        core = token.strip(".,:;()[]\"'!?-")
        if not core:
            continue
        letters = sum(ch.isalpha() for ch in core)
        digits = sum(ch.isdigit() for ch in core)
        ascii_share = sum(ch.isascii() for ch in core) / len(core)
        if (
            (digits and digits + letters >= len(core) * 0.6)
            or (_WORD.search(core) and letters >= len(core) * 0.7 and ascii_share >= 0.8 and _has_vowel(core))
            or (letters >= len(core) * 0.7 and _one_other_script(core))
        ):
            good += 1
    return good / len(tokens)


def _one_other_script(word: str) -> bool:
    """All letters of one script other than Latin (Arabic, Cyrillic, Greek, Hebrew, CJK…): real text in another
    alphabet, not the Latin-1 letters and symbols that unmapped fonts extract as."""
    scripts = {unicodedata.name(ch, "?").split()[0] for ch in word if ch.isalpha()}
    return len(scripts) == 1 and scripts.isdisjoint({"LATIN", "?"})


def _has_vowel(word: str) -> bool:
    return any(ch in "aeiouyAEIOUY" for ch in word) or word.isupper()


MIN_READABLE = 0.5
"""A text layer with fewer readable tokens than this share is garbage (OCR it in ``auto`` mode)."""


_PLAIN = re.compile(
    r"(?<!\S)[(\[\"']?(?:[A-Za-z]*[aeiouyAEIOUY][A-Za-z]*|[A-Z]{2,}|\d[\d/.,:-]*)[.,:;)\]\"'!?-]*(?!\S)"
)
"""A plainly readable token (an ASCII word with a vowel, a capitals abbreviation, a number or date), found by
one regex pass: most born-digital pages are settled by it without the token-by-token reading."""
FAST_READABLE = 0.7


def needs_ocr(text: str, min_chars: int) -> bool:
    """No usable text layer: (nearly) empty, or mostly unreadable tokens."""
    words = text.split()  # the same runs as _TOKEN finds, split in C
    if sum(map(len, words)) < min_chars:
        return True
    tokens = len(words)
    if tokens and len(_PLAIN.findall(text)) >= FAST_READABLE * tokens:
        return False  # plainly readable: every such token also counts as readable below
    return readable_share(text) < MIN_READABLE or garbled_share(text) >= MAX_GARBLED


_GARBLED = re.compile(r"[~!\\{}<>|^`]|[a-z][A-Z][a-z]*[A-Z]|[A-Za-z]\d+[A-Za-z]|\d[A-Za-z]+\d")
"""What a bad OCR layer's tokens have and real words do not: symbols inside ("Afl!FllfOlt!O"), case flipping
twice inside a word ("FllfOlt"), digits inside letters ("F0ff4")."""
MAX_GARBLED = 0.15
"""A text layer with at least this share of garbled tokens (of 3 characters or more) is an earlier, failed OCR
(a photographed form's "HEALTH INSURANCE CLAIM FOAM"): OCR it again. Born-digital pages measured: at most 0.05;
the failed layer: 0.28."""


def garbled_share(text: str) -> float:
    """Share of the tokens of 3+ characters that look like OCR debris rather than words or numbers."""
    tokens = [t.strip(".,:;()[]\"'") for t in text.split() if len(t) >= 3]
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if _GARBLED.search(t)) / len(tokens)


# --- skew -------------------------------------------------------------------------------------------------

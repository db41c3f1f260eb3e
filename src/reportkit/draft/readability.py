"""Flesch-Kincaid grade level, for the plain-language second-opinion letter.

grade = 0.39 × words/sentences + 11.8 × syllables/word − 15.59, with syllables counted by a vowel-group rule
(a silent final ``e`` dropped, at least one per word). Good to about one grade on ordinary English prose.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)|\n")
_VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    w = word.lower().removesuffix("'s")
    if len(w) <= 3:
        return 1
    count = len(_VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if w.endswith(("ed", "es")) and not w.endswith(("ted", "ded", "ses", "zes", "ces", "ges", "xes")) and count > 1:
        count -= 1
    return max(1, count)


def grade(text: str) -> float:
    """Flesch-Kincaid grade of ``text`` (0.0 for text without words)."""
    sentences = [s for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    words = _WORD.findall(text)
    if not words:
        return 0.0
    syl = sum(syllables(w) for w in words)
    return round(0.39 * len(words) / max(1, len(sentences)) + 11.8 * syl / len(words) - 15.59, 1)

"""What a draft's sentences state: dates, a causation stance, weight limits, an impairment rating.

Small text rules `check` compares the parts of a draft with (the MMI date of the discussion and of an
answer, "related" against "not related", "20 lb" against "25 lb").
"""

from __future__ import annotations

import datetime as dt
import re

_DATE_PATTERNS = (
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "ymd"),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), "mdy"),
    (
        re.compile(
            r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
            r"\s+(\d{1,2}),?\s+(\d{4})\b",
            re.I,
        ),
        "long",
    ),
)
_MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip


def dates_in(text: str) -> set[dt.date]:
    found: set[dt.date] = set()
    for pattern, kind in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            try:
                if kind == "ymd":
                    found.add(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
                elif kind == "mdy":
                    found.add(dt.date(int(m.group(3)), int(m.group(1)), int(m.group(2))))
                else:
                    found.add(dt.date(int(m.group(3)), _MONTHS.index(m.group(1).lower()) + 1, int(m.group(2))))
            except ValueError:
                continue
    return found


_NEGATIVE = re.compile(
    r"\b(not|no|un)\b[^.;]{0,60}\b(caus|relat|result|due to|attribut|aggravat)|\bunrelated\b|\bno causal", re.I
)
_POSITIVE = re.compile(r"\b(caus|related|result of|due to|attributable|aggravat|arose out of)", re.I)


_PROBABILITY = re.compile(r"\bmore\s+(?:likely|probabl[ey])\s+than\s+not\b|\bnot\s+only\b|\bwhether\s+or\s+not\b", re.I)
"""Phrases that hold "not" but deny nothing: "on a more probable than not basis, related"."""


def stance(text: str | None) -> str | None:
    """``related``, ``not related`` or None for text that states no causation opinion."""
    if not text:
        return None
    text = _PROBABILITY.sub(" ", text)
    if _NEGATIVE.search(text):
        return "not related"
    if _POSITIVE.search(text):
        return "related"
    return None


_WEIGHT = re.compile(r"(\d{1,3})\s*(?:lb|lbs|pounds?|kg|kilograms?)\b", re.I)


def weights(text: str | None) -> set[str]:
    return {m.group(0).lower().replace(" ", "") for m in _WEIGHT.finditer(text or "")}


RATING = re.compile(r"\d{1,3}\s*%\s*(?:whole[- ]person|WPI|impairment|upper extremity|lower extremity)", re.I)
EDITION = re.compile(r"\b(edition|\d(?:st|nd|rd|th)\s+ed\b|\bed\.)", re.I)

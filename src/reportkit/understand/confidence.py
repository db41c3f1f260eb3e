"""How sure the index is of each value: a number from 0 to 1 per field, from the rule that found it.

Not a calibrated probability: an ordering for review, so that a reviewer reads the least certain rows first
(a value found under its own label is surer than the first name with credentials on the page; a document
start carried by one weak signal is less sure than one carried by "Page 1 of 3", a new patient and a title).
"""

from __future__ import annotations

import math

UNSURE_BOUNDARY = "uncertain"
"""How the warnings on a doubtful boundary begin ("uncertain start at page 12", "uncertain end: page 14 may …")."""
UNSURE = 0.8
"""Below this, a document start gets a warning of its own ("uncertain start at page 12"); a page inside a
document whose start confidence reaches ``MAYBE`` gets one too ("page 14 may begin another document")."""
MAYBE = 0.6


def boundary(start_score: float | None, near_miss: float | None, threshold: float) -> float:
    """A document's boundaries: how far its start score is above the start threshold (None: a file's first
    page or an outline entry, certain) and how far the strongest of its other pages is below it."""
    start = 1.0 if start_score is None else _logistic(start_score - threshold)
    end = 1.0 if near_miss is None else 1.0 - _logistic(near_miss - threshold)
    return round(min(start, end), 2)


def boundary_warnings(
    first: int, start_score: float | None, near_miss: tuple[int, float] | None, threshold: float
) -> list[str]:
    """A document's doubtful boundaries, for review: a start on little evidence, a page inside that nearly
    started another document."""
    out = []
    if start_score is not None and (sure := start_only(start_score, threshold)) < UNSURE:
        out.append(
            f"{UNSURE_BOUNDARY} start at page {first} (confidence {sure:.0%}): check that it begins a new document"
        )
    if near_miss is not None and (maybe := start_only(near_miss[1], threshold)) >= MAYBE:
        out.append(
            f"{UNSURE_BOUNDARY} end: page {near_miss[0]} may begin another document (confidence {maybe:.0%}); check it"
        )
    return out


def near_miss_line(page: int, score: float, threshold: float) -> str:
    """``--explain``'s line for the page inside a document that came nearest to starting another one."""
    return f"page {page} came nearest to starting another document (confidence {start_only(score, threshold):.0%})"


def start_only(score: float, threshold: float) -> float:
    return round(_logistic(score - threshold), 2)


def _logistic(x: float) -> float:
    """0.77 at the threshold itself (a start the rules took, on the least evidence they take), 0.5 a point
    below it, 0.95 two points above."""
    return 1.0 / (1.0 + math.exp(-1.2 * (x + 1.0)))


def of_type(rule: str) -> float:
    if rule.startswith("title:") or rule in ("blank pages", "an advertisement"):
        return 0.95
    if rule.startswith("subject line"):
        return 0.85
    if rule.startswith("letter"):
        return 0.8
    if rule == "no signal":
        return 0.2
    return 0.6  # the body's words decided


def of_date(rule: str, value: str | None, warnings: tuple[str, ...]) -> float:
    if value is None:
        return 0.0
    base = 0.9 if rule.startswith("label:") else 0.5
    return round(max(0.3, base - 0.15 * len(warnings)), 2)


def of_provider(rule: str, value: str | None, warnings: tuple[str, ...]) -> float:
    if value is None:
        return 0.0
    if rule.startswith(("label:", "signature")):
        base = 0.9 if "no credentials" not in rule else 0.75
    elif rule == "label on the line above":
        base = 0.8
    elif rule == "first name with credentials":
        base = 0.6
    else:
        base = 0.4
    return round(base - (0.15 if warnings else 0.0), 2)


def of_facility(rule: str, value: str | None) -> float:
    if value is None:
        return 0.0
    return {"label": 0.9, "letterhead": 0.8, "label:location": 0.7}.get(rule, 0.6)

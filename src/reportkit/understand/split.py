"""Splitting a bundle's pages into documents (one report or encounter each).

Each page gets a score for "a new document starts here" from its signals: a file boundary or PDF outline
entry (always a start), "Page 1 of N" (start) or "Page k of N" with k > 1 (continuation), a title at the top,
a patient header block, a labelled date of care that differs from the current document's, the previous page
ending with a signature, a fax cover sheet. Fax transmission headers were already removed from the lines, so
they never start a document; a running header repeated from the previous page counts for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportkit.understand.classify import find_title, is_letterhead
from reportkit.understand.dates import first_labelled_date
from reportkit.understand.people import credentialed_name
from reportkit.understand.text import PageLines, line_pattern

START_THRESHOLD = 2.5


def _lines_pattern(source: str) -> re.Pattern[str]:
    """A pattern for searching several lines at once, joined by newlines and lower-cased (one search instead
    of one per line; case-sensitive matching is faster): its spaces never cross a line end, its ``^``/``$``
    are line starts and ends."""
    if source != source.lower():
        raise ValueError(f"not a lower-case pattern: {source}")
    return line_pattern(source)


_PATIENT_BLOCK = _lines_pattern(r"\b(patient(\s+name)?|name|pt)\s*:|\bmrn\b|\bd\.?o\.?b\b|date\s+of\s+birth")
_CONTINUED = _lines_pattern(
    r"\(\s*cont(inued|'d|\.)?\s*\)|^.{0,50}\b(continued|cont'd)\s*[.:]?$|\bcontinued\s+(from|on)\b"
)
"""A continuation mark: "(continued)", "Progress Note - continued", "continued from page 1"; not prose that
happens to use the word ("continued to spike fevers")."""
_SALUTATION = re.compile(r"^(dear\b|to\s+whom\s+it\s+may\s+concern)", re.I)
_SIGNED = _lines_pattern(
    r"electronically\s+signed|signed\s+by|^signature\b|^signed\b|attending\s+signature|"
    r"^sincerely|dictated\s+by|this\s+report\s+has\s+been\s+(signed|verified)"
)
_FAX_COVER = _lines_pattern(r"\bfax\b.*\b(cover|transmittal)\b|\b(cover|transmittal)\s+sheet\b")


def _on_any(pattern: re.Pattern[str], lines: Sequence[str], needles: Sequence[str] = ()) -> bool:
    """Whether ``pattern`` matches one of the lines; ``needles``: words every match contains (when none of them
    is there, the pattern is not even tried)."""
    text = "\n".join(lines).lower()
    if needles and not any(needle in text for needle in needles):
        return False
    return pattern.search(text) is not None


@dataclass(frozen=True)
class PageSignals:
    """What a page says about where documents start; also the reasons, for review."""

    page: int
    title: str | None
    title_type: str | None
    page_of: tuple[int, int] | None
    page_no: int | None
    patient_block: bool
    care_date: date | None
    signed: bool
    blank: bool
    fax_cover: bool
    continued: bool
    top_lines: tuple[str, ...]
    salutation: bool = False
    """A letter's salutation ("Dear Dr. Roe:") near the top."""


def signals(pl: PageLines) -> PageSignals:
    title, ttype = find_title(pl)
    top = pl.top(12)
    return PageSignals(
        page=pl.page,
        title=title,
        title_type=ttype,
        page_of=pl.page_of,
        page_no=pl.page_no,
        patient_block=_on_any(_PATIENT_BLOCK, top),
        care_date=first_labelled_date(pl),
        signed=_on_any(_SIGNED, pl.lines[-12:], ("sign", "sincerely", "dictated", "report"))
        or any(_is_signature_line(ln) for ln in pl.lines[-2:]),
        blank=sum(len(ln) for ln in pl.lines) < 10,
        fax_cover=_on_any(_FAX_COVER, top, ("cover", "transmittal")),
        continued=_on_any(_CONTINUED, pl.top(6), ("cont",)),
        top_lines=tuple(ln for ln in pl.top(4) if not is_letterhead(ln)),
        salutation=any(_SALUTATION.match(ln) for ln in pl.top(14)),
    )


def _is_signature_line(line: str) -> bool:
    """A clinician's name with credentials alone on a line (a signature block), e.g. 'Jane A. Roe, MD'."""
    m = credentialed_name(line)
    return m is not None and len(line) - len(m.group(0)) <= 12


@dataclass(frozen=True)
class Boundary:
    page: int
    score: float
    reasons: tuple[str, ...]


def score_start(prev: PageSignals, cur: PageSignals, doc_date: date | None) -> Boundary:
    """How strongly page ``cur`` starts a new document after ``prev`` (same file)."""
    score = 0.0
    why: list[str] = []

    def add(points: float, reason: str) -> None:
        nonlocal score
        score += points
        why.append(f"{reason} ({points:+g})")

    if cur.blank:
        return Boundary(cur.page, -10, ("blank page joins the document before it",))
    if prev.fax_cover or (prev.blank and prev.title is None):
        add(3, "previous page is a fax cover or blank")
    if cur.fax_cover:
        add(5, "fax cover sheet")
    if cur.page_of:
        k, n = cur.page_of
        if k == 1:
            add(3, f"page 1 of {n}")
        elif prev.page_of and prev.page_of[1] == n and prev.page_of[0] < k:
            add(-6, f"page {k} of {n} follows page {prev.page_of[0]} of {n}")
        else:
            add(-3, f"page {k} of {n}")
    elif prev.page_of and prev.page_of[0] < prev.page_of[1]:
        add(-1, "previous page's footer says more pages follow")
    elif cur.page_no is not None and prev.page_no is not None:
        if cur.page_no == 1 and prev.page_no >= 1:
            add(2.5, f"numbering starts again at page 1 after page {prev.page_no}")
        elif cur.page_no == prev.page_no + 1:
            add(-2, f"page {cur.page_no} follows page {prev.page_no}")
    if cur.continued:
        add(-3, "marked continued")
    elif cur.title and cur.title == prev.title:
        pass  # the same title on the page before: a running header, or a run of same-titled notes (dates decide)
    elif cur.title and cur.title_type:
        add(2.5, f"title {cur.title_type}")
    elif cur.title:
        add(1, "heading at top")
    if cur.salutation and not prev.salutation:
        add(1.5, "a letter opens")
    if cur.patient_block and cur.top_lines != prev.top_lines:
        add(1, "patient header block")
    if cur.care_date and doc_date:
        if cur.care_date != doc_date:
            add(2.5, "new date of care")
        else:
            add(-0.5, "same date of care")
    elif cur.care_date and not doc_date:
        add(1, "first date of care")
    if prev.signed:
        add(1.5, "previous page ends with a signature")
    if not (cur.title or cur.patient_block or cur.care_date or cur.page_of):
        add(-2, "no header signals")
    return Boundary(cur.page, score, tuple(why))


def split(
    sigs: Sequence[PageSignals], file_starts: set[int], outline_starts: set[int]
) -> list[tuple[int, int, tuple[str, ...]]]:
    """Documents as (first_page, last_page, reasons the first page starts one), covering every page once."""
    if not sigs:
        return []
    docs: list[tuple[int, int, tuple[str, ...]]] = []
    start = sigs[0].page
    reasons: tuple[str, ...] = ("first page of the bundle",)
    doc_date = sigs[0].care_date
    for i in range(1, len(sigs)):
        cur = sigs[i]
        if cur.page in file_starts:
            boundary = Boundary(cur.page, 99, ("first page of a file",))
        elif cur.page in outline_starts and not cur.blank:
            boundary = Boundary(cur.page, 99, ("PDF outline entry",))
        else:
            boundary = score_start(sigs[i - 1], cur, doc_date)
        if boundary.score >= START_THRESHOLD:
            docs.append((start, cur.page - 1, reasons))
            start, reasons, doc_date = cur.page, boundary.reasons, cur.care_date
        elif doc_date is None:
            doc_date = cur.care_date
    docs.append((start, sigs[-1].page, reasons))
    return docs

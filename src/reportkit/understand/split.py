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
from functools import lru_cache

from reportkit.understand.classify import find_title, is_letterhead
from reportkit.understand.dates import first_labelled_date
from reportkit.understand.pagewords import PageWords
from reportkit.understand.patients import (
    PATIENT_HEADER,
    TOP_LINES,
    PatientMark,
    compare,
    completed,
    label,
    read_mark,
)
from reportkit.understand.people import SIGNOFF, credentialed_name
from reportkit.understand.text import PageLines, line_pattern, same_sender

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
    r"\(\s*cont(inued|'d|\.)?\s*\)|^.{0,50}\b(continued|cont'd)\s*[.:]?$|\bcontinued\s+(from|on)\b|"
    r"^.{0,50}\bcontinued\s*\(?\s*page\s*\d+\s*\)?$"
)
"""A continuation mark: "(continued)", "Progress Note - continued", "continued from page 1"; not prose that
happens to use the word ("continued to spike fevers")."""
_SALUTATION = re.compile(r"^(dear\b|to\s+whom\s+it\s+may\s+concern)", re.I)
_SIGNED = _lines_pattern(
    r"electronically\s+signed|signed\s+by|^signature\b|^signed\b|attending\s+signature|"
    r"^sincerely|dictated\s+by|this\s+report\s+has\s+been\s+(signed|verified)"
)
_FAX_COVER = _lines_pattern(r"\bfax\b.*\b(cover|transmittal)\b|\b(cover|transmittal)\s+sheet\b")


def _on_any(
    pattern: re.Pattern[str], lines: Sequence[str], needles: Sequence[str] = (), text: str | None = None
) -> bool:
    """Whether ``pattern`` matches one of the lines; ``needles``: words every match contains (only the lines
    that hold one are searched: a search of one short line is much cheaper than of a page's first lines);
    ``text``: the lines joined and lower-cased, when known."""
    text = text if text is not None else "\n".join(lines).lower()
    if not needles:
        return pattern.search(text) is not None
    if not any(needle in text for needle in needles):
        return False
    for low in text.split("\n"):  # (plain loops, stopping at the first match: this runs on every page)
        for needle in needles:
            if needle in low:
                if pattern.search(low):
                    return True
                break
    return False


_PATIENT_NEEDLES = ("patient", "name", "pt", "mrn", "dob", "d.o", "do.", "birth")
"""What every match of the patient block pattern holds."""


@dataclass(frozen=True, slots=True)
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
    salutation: str | None = None
    """A letter's salutation near the top, by its letters ("deardrroe" for "Dear Dr. Roe:"), if any."""
    patient: PatientMark | None = None
    """The patient the page names (see :mod:`reportkit.understand.patients`)."""
    band: str | None = None
    """The page's first line with its digits folded (a running header band: "Roe, Jane | DOB # | MRN #
    DISCHARGE SUMMARY"), for telling a repeated header from one whose section title changed."""
    fax_sender: str | None = None
    fax_counter: tuple[int, int | None] | None = None
    exhibit: tuple[str, int | None] | None = None
    """A production's exhibit stamp on the page: (exhibit id, page within the exhibit)."""
    chars: int = 0
    """Characters of text on the page (a short spill-over page joins the document before it)."""


_DIGITS = re.compile(r"\d+")
_EXHIBIT = re.compile(
    r"^\s*(?P<k>\d{1,4})\s+of\s+(?P<n>\d{1,4})\s*:\s*(?P<id>\d{1,3}[A-Z])\s*:|"
    r"\bexhibit\s*(?:no\.?|number|#)?\s*:?\s*(?P<id2>[A-Z]{0,2}-?\d{1,4}[A-Z]?|[A-Z]{1,2})\b"
    r"(?:.*?\bpage\s*(?P<k2>\d{1,4})(?:\s*of\s*\d{1,4})?)?",
    re.I,
)
"""Exhibit stamps of a production: an SSA electronic folder's "1 of 3: 11E: Disability Report", a court
production's "Exhibit 12 Page 3", "EXHIBIT C-4"."""


def _exhibit(pl: PageLines) -> tuple[str, int | None] | None:
    for line in (*pl.lines[:3], *pl.lines[-2:]):
        low = line.lower()
        if "exhibit" not in low and not (" of " in low and ":" in low):
            continue
        m = _EXHIBIT.search(line)
        if m:
            if m.group("id"):
                return m.group("id").upper(), int(m.group("k"))
            if m.group("id2") and len(line) <= 60:
                return m.group("id2").upper(), int(m.group("k2")) if m.group("k2") else None
    return None


def _letters(line: str) -> str:
    """A line's letters, lower-cased (OCR reads a greeting's comma as a colon, or a dot as a speck)."""
    return "".join(c for c in line.lower() if c.isalpha())


def _first_lines(text: str, n: int) -> str:
    """The first ``n`` lines of a newline-joined text."""
    end = -1
    for _ in range(n):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[:end]


def signals(pl: PageLines) -> PageSignals:
    title, ttype = find_title(pl)
    top = pl.top(12)
    chars = sum(map(len, pl.lines))
    top_text = "\n".join(pl.lines[:TOP_LINES]).lower()
    top12 = _first_lines(top_text, 12)
    return PageSignals(
        page=pl.page,
        title=title,
        title_type=ttype,
        page_of=pl.page_of,
        page_no=pl.page_no,
        patient_block=_on_any(_PATIENT_BLOCK, top, _PATIENT_NEEDLES, top12),
        care_date=first_labelled_date(pl),
        signed=_signed(pl.lines[-12:]) or any(_is_signature_line(ln) for ln in pl.lines[-2:]),
        blank=chars < 10,
        fax_cover=_on_any(_FAX_COVER, top, ("cover", "transmittal"), top12),
        continued=_on_any(_CONTINUED, pl.top(6), ("cont",), _first_lines(top12, 6)),
        top_lines=tuple(ln for ln in pl.top(4) if not is_letterhead(ln)),
        salutation=next((_letters(ln) for ln in pl.top(14) if _SALUTATION.match(ln)), None),
        patient=read_mark(pl, top_text),
        band=" ".join(_DIGITS.sub("#", pl.lines[0].lower()).split()) if pl.lines else None,
        fax_sender=pl.fax_sender,
        fax_counter=pl.fax_counter,
        exhibit=_exhibit(pl),
        chars=chars,
    )


_SIGNATURE_WORDS = re.compile(
    r"\b(electronically|signed|signature|sign|by|date|dated|attending|sincerely|dictated|this|report|has|been|"
    r"verified|physician|provider|patient|of|time)\b|[^A-Za-z]+",
    re.I,
)


_SIGNED_NEEDLES = ("sign", "sincerely", "dictated", "report")
"""What every match of the signing-line pattern holds."""


def _signed(lines: Sequence[str]) -> bool:
    """The page ends with a signature: a signing line that names someone ("Electronically signed by: Dr. Roe",
    "Sincerely," then a name), not a form's blank "Signature: ____ Date: ____"."""
    text = "\n".join(lines).lower()
    if not any(needle in text for needle in _SIGNED_NEEDLES):
        return False
    for i, low in enumerate(text.split("\n")):
        for needle in _SIGNED_NEEDLES:  # (a plain loop: cheaper than any() over a generator, on every page)
            if needle in low:
                break
        else:
            continue
        if not _SIGNED.search(low):
            continue  # (one short line searched, not the page's last twelve)
        line = lines[i]
        if any(c.isdigit() for c in line) or _SIGNATURE_WORDS.sub(" ", line).split():
            return True  # "Signed 06/11/2024", "Electronically signed by: Dr. Roe"; a blank form's line has neither
        before = lines[i - 1] if i > 0 else ""
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if credentialed_name(following) or credentialed_name(before):
            return True
        if SIGNOFF.match(line) and _SIGNATURE_WORDS.sub(" ", following).split():
            return True
    return False


def _is_signature_line(line: str) -> bool:
    """A clinician's name with credentials alone on a line (a signature block), e.g. 'Jane A. Roe, MD'."""
    m = credentialed_name(line)
    return m is not None and len(line) - len(m.group(0)) <= 12


@dataclass(frozen=True)
class Boundary:
    page: int
    score: float
    reasons: tuple[str, ...]


_NUMBER_RUN = re.compile(r"#(?:\s*#)*")
_PAGE_WORDS = re.compile(r"\bpage\s*#(\s*(of|/)\s*#)?|\(?cont(inued|'d)?\.?\)?|[^a-z# ]+")


def _common_start(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _same_title(a: str, b: str) -> bool:
    """The same title but for its page number ("ANESTHESIA RECORD — PAGE 1", "… PAGE 2")."""
    return a == b or _norm_band(_DIGITS.sub("#", a.lower())) == _norm_band(_DIGITS.sub("#", b.lower()))


@lru_cache(maxsize=1 << 12)
def _norm_band(band: str) -> str:
    """A header band with its page marks and punctuation set aside, and each run of numbers one mark (OCR may
    drop a date's separator: "DOB: 05/171949"); running headers repeat: cached."""
    return " ".join(_NUMBER_RUN.sub("#", _PAGE_WORDS.sub(" ", band)).split())


@lru_cache(maxsize=1 << 12)
def band_change(a: str | None, b: str | None) -> bool | None:
    """Whether two pages' header bands are one running header whose section title changed (True), the same
    running header (False), or not a running header at all (None).

    A running header shares a long run of text with the band before it (the patient's name, birth date and
    record number, or a clinic's name); what differs, once digits and page marks are set aside, is the
    section title: "… MRN # EMERGENCY DEPARTMENT NOTE" then "… MRN # DISCHARGE SUMMARY"."""
    if not a or not b:
        return None
    a, b = _norm_band(a), _norm_band(b)
    if a == b:
        return False if len(a) >= 20 else None
    prefix = _common_start(a, b)
    suffix = _common_start(a[::-1], b[::-1])
    if max(prefix, suffix) < 20:
        return None
    if suffix < 4:  # a shared last letter or number mark ("… WA #" / "… DOB #") is no shared tail
        suffix = 0
    rest_a, rest_b = a[prefix : max(prefix, len(a) - suffix)], b[prefix : max(prefix, len(b) - suffix)]
    # what differs is a section title: words only, a few of them, on both sides (a letterhead followed by an
    # address, or a running header that adds the patient's name and birth date, is not a title change)
    titles = all("#" not in r and len(r.split()) <= 6 and sum(c.isalpha() for c in r) >= 4 for r in (rest_a, rest_b))
    return titles or None


def _header_kept(a: str | None, b: str | None) -> bool:
    """One band is the other but for a section title at its end, which OCR read as a line of its own (the
    same chart header: "Roe, Jane | DOB: # | MRN: #" under "Roe, Jane | DOB: # | MRN: # LABORATORY RESULTS")."""
    if not a or not b:
        return False
    short, long_ = sorted((_norm_band(a), _norm_band(b)), key=len)
    return len(short) >= 20 and long_.startswith(short) and len(long_[len(short) :].split()) <= 6


def size_changed(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    """Two page sizes (points) differ by more than a scanner's few per cent."""
    if not a or not b:
        return False
    return any(abs(x - y) > 0.04 * max(x, y) for x, y in zip(a, b, strict=True))


@dataclass(frozen=True)
class Layout:
    """What a page looks like, as the reader saw it: its size in points and where its text came from."""

    size: tuple[int, int] | None
    text_source: str


def _other_total(a: int | None, b: int | None) -> bool:
    """Two fax counters' totals differ: both read, and not the same (a total OCR did not read is no change)."""
    return a is not None and b is not None and a != b


def _counts_on(numbering: tuple[int, int] | None, k: int, n: int) -> bool:
    """A "page k of n" that goes on with a numbering the document already holds (a footer OCR lost between)."""
    return numbering is not None and numbering[1] == n and numbering[0] < k


def score_start(
    prev: PageSignals,
    cur: PageSignals,
    doc_date: date | None,
    doc_patient: PatientMark | None = None,
    layouts: tuple[Layout, Layout] | None = None,
    doc_numbering: tuple[int, int] | None = None,
) -> Boundary:
    """How strongly page ``cur`` starts a new document after ``prev`` (same file). ``doc_patient``: the
    patient the current document names so far; ``layouts``: the two pages' sizes and text sources;
    ``doc_numbering``: the last "page k of n" the current document holds."""
    score = 0.0
    why: list[str] = []

    def add(points: float, reason: str) -> None:
        nonlocal score
        score += points
        why.append(f"{reason} ({points:+g})")

    if cur.blank:
        return Boundary(cur.page, -10, ("blank page joins the document before it",))
    strong = False
    same_patient = compare(doc_patient, cur.patient)
    if same_patient is False:
        held = label(cur.patient)  # type: ignore[arg-type]
        add(5, f"patient changes (the page's {held} {'differ' if ' and ' in held else 'differs'} from the document's)")
        strong = True
    if cur.exhibit:
        if prev.exhibit and prev.exhibit[0] != cur.exhibit[0]:
            add(6, "a new exhibit of the production")
            strong = True
        elif prev.exhibit and prev.exhibit[1] and cur.exhibit[1] and cur.exhibit[1] <= prev.exhibit[1]:
            add(4.5, "the exhibit's page numbers start again (the exhibit sent twice)")
        elif prev.exhibit:
            add(-4, "same exhibit as the page before")
        elif cur.exhibit[1] in (None, 1):
            add(3, "an exhibit stamp begins")
    if prev.fax_cover or (prev.blank and prev.title is None):
        add(3, "previous page is a fax cover or blank")
    if cur.fax_cover:
        add(5, "fax cover sheet")
    if cur.fax_counter and prev.fax_counter:
        if cur.fax_sender and prev.fax_sender and not same_sender(cur.fax_sender, prev.fax_sender):
            add(3, "another fax transmission (sender changes)")
            strong = True
        elif cur.fax_counter[0] <= prev.fax_counter[0] or _other_total(cur.fax_counter[1], prev.fax_counter[1]):
            add(3, f"another fax transmission (its counter restarts at {cur.fax_counter[0]})")
            strong = True
    elif cur.fax_counter and cur.fax_counter[0] == 1 and not prev.fax_counter:
        add(2, "a fax transmission begins")
    if cur.page_of:
        k, n = cur.page_of
        if k == 1:
            add(3, f"page 1 of {n}")
            strong = True
        elif prev.page_of and prev.page_of[1] == n and prev.page_of[0] < k:
            add(-6, f"page {k} of {n} follows page {prev.page_of[0]} of {n}")
        elif prev.page_of and prev.page_of[1] != n:
            add(1, f"page {k} of {n}: another numbering than the page before's")
        elif k > 2 and not prev.page_of and prev.page_no != k - 1 and not _counts_on(doc_numbering, k, n):
            pass  # pages cut from a longer record ("Page 16 of 42") after a page of no numbering: no sign either way
        else:
            add(-3, f"page {k} of {n}")
    last = prev.page_of if prev.page_of and prev.page_of[0] == prev.page_of[1] else None
    if last and not (cur.page_of and cur.page_of[0] > 1 and cur.page_of[1] == last[1]):
        add(2, f"previous page ends its numbering (page {last[0]} of {last[1]})")
    elif not cur.page_of and prev.page_of and prev.page_of[0] < prev.page_of[1]:
        add(-1, "previous page's footer says more pages follow")
    elif not cur.page_of and cur.page_no is not None and prev.page_no is not None:
        if cur.page_no == 1 and prev.page_no >= 1:
            add(2.5, f"numbering starts again at page 1 after page {prev.page_no}")
        elif cur.page_no == prev.page_no + 1:
            add(-2, f"page {cur.page_no} follows page {prev.page_no}")
    band = band_change(prev.band, cur.band)
    if band:
        add(3, "the running header's section title changes")
    if cur.continued:
        add(-3, "marked continued")
    elif cur.title and prev.title and _same_title(cur.title, prev.title):
        pass  # the same title on the page before: a running header, or a run of same-titled notes (dates decide)
    elif cur.title and cur.title_type:
        add(2.5, f"title {cur.title_type}")
    elif cur.title:
        add(1, "heading at top")
    if cur.salutation and cur.salutation != prev.salutation:
        add(2.5, "a letter opens")  # (the same salutation on the page before too: a run of one form letter)
    if cur.patient_block and cur.top_lines != prev.top_lines:
        add(1, "patient header block")
    if cur.care_date and doc_date:
        if cur.care_date != doc_date:
            if (band is False or _header_kept(prev.band, cur.band)) and PATIENT_HEADER.search(cur.band or ""):
                # a chart's header, not a clinic's letterhead
                add(1, "new date of care under the same chart header")
            else:
                add(2.5, "new date of care")
        else:
            add(-0.5, "same date of care")
    elif cur.care_date and not doc_date:
        add(1, "first date of care")
    if prev.signed:
        add(1.5, "previous page ends with a signature")
    resized = False
    if layouts is not None:
        before, after = layouts
        if size_changed(before.size, after.size):
            add(2, "page size changes")
            resized = True
        if (before.text_source == "ocr") != (after.text_source == "ocr"):
            add(1.5, "scanned page after a text page, or the reverse")
    if not (
        cur.title or cur.patient_block or cur.care_date or cur.page_of or band or strong or resized or cur.salutation
    ):
        add(-2, "no header signals")
    if cur.chars < SHORT_PAGE_CHARS and not (strong or resized or band) and score < STRONG_START:
        add(-3, "a short page (spill-over) joins the document before")
    return Boundary(cur.page, score, tuple(why))


SHORT_PAGE_CHARS = 120
"""A page with less text than this (a two-line spill-over, a footer alone) belongs to the document before,
unless a strong signal (a patient change, "page 1 of N", a new transmission) says otherwise."""
STRONG_START = 5.0


def split(
    sigs: Sequence[PageSignals],
    file_starts: set[int],
    outline_starts: set[int],
    layouts: Sequence[Layout] | None = None,
    words: PageWords | None = None,
) -> list[tuple[int, int, tuple[str, ...]]]:
    """Documents as (first_page, last_page, reasons the first page starts one), covering every page once.

    ``layouts``: each page's size and text source (``layouts[i]`` for ``sigs[i]``), when known; ``words``:
    the pages' words, for the pages the other signals leave undecided (:mod:`reportkit.understand.pagewords`)."""
    return split_scored(sigs, file_starts, outline_starts, layouts, words)[0]


def split_scored(
    sigs: Sequence[PageSignals],
    file_starts: set[int],
    outline_starts: set[int],
    layouts: Sequence[Layout] | None = None,
    words: PageWords | None = None,
) -> tuple[list[tuple[int, int, tuple[str, ...]]], dict[int, float]]:
    """:func:`split`, and each page's start score (pages a file or outline entry starts are left out: they are
    certain), for telling how sure each boundary is."""
    if not sigs:
        return [], {}
    docs: list[tuple[int, int, tuple[str, ...]]] = []
    scores: dict[int, float] = {}
    start = sigs[0].page
    reasons: tuple[str, ...] = ("first page of the bundle",)
    doc_date = sigs[0].care_date
    doc_patient = sigs[0].patient
    numbering = sigs[0].page_of
    for i in range(1, len(sigs)):
        cur = sigs[i]
        if cur.page in file_starts:
            boundary = Boundary(cur.page, 99, ("first page of a file",))
        elif cur.page in outline_starts and not cur.blank:
            boundary = Boundary(cur.page, 99, ("PDF outline entry",))
        else:
            pair = (layouts[i - 1], layouts[i]) if layouts is not None else None
            boundary = score_start(sigs[i - 1], cur, doc_date, doc_patient, pair, numbering)
            if words is not None and not cur.blank:  # (a blank page joins the document before, whatever its words)
                said = words.say(sigs[i - 1].page, start, cur.page, START_THRESHOLD - boundary.score)
                if said is not None:
                    boundary = Boundary(cur.page, boundary.score + said[0], (*boundary.reasons, said[1]))
            scores[cur.page] = boundary.score
        if boundary.score >= START_THRESHOLD:
            docs.append((start, cur.page - 1, reasons))
            start, reasons, doc_date = cur.page, boundary.reasons, cur.care_date
            doc_patient, numbering = cur.patient, cur.page_of
        else:
            numbering = cur.page_of or numbering
            if doc_date is None:
                doc_date = cur.care_date
            doc_patient = completed(doc_patient, cur.patient)
    docs.append((start, sigs[-1].page, reasons))
    return docs, scores

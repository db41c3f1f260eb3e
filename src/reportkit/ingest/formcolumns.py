"""A form's labels and values put back side by side when OCR read them as two columns.

A printed form sets its labels in one column and the typed values in the next. Tesseract often reads such a
block column by column, so that the page's text lists the labels, then the values::

    Patient Name:            ->   Patient Name: ROE, JANE A.
    Date of Birth:                Date of Birth: 08/02/1961
    Phone:                        Phone: (555) 480-1234
    ROE, JANE A.
    08/02/1961
    (555) 480-1234

Read that way, no label has its value: the birth date is taken for a date of care and the patient is not
named. A run of bare labels (short lines ending with a colon) followed by exactly as many lines that are not
labels is paired up, line by line, but only when the pairing proves itself: every label that asks for a date
or a phone number gets one, and at least one label asks. Otherwise (a field left blank would shift every value
after it) the lines are left as they are. OCR reads the value column first, too (the values, then their
labels): when nothing after three labels or more pairs with them, the short lines just before them are tried
the same way.
"""

from __future__ import annotations

import re

_BARE_LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9 /#&().'’\-]{0,40}:$")
_LABELLED = re.compile(r"^[A-Za-z][A-Za-z /#&().'’\-]{0,30}:\s")
_DATE_LABEL = re.compile(r"\b(date|dob|d\.o\.b|birth|onset|injury|dos|doi)\b", re.I)
_PHONE_LABEL = re.compile(r"\b(phone|tel|telephone|fax|cell|mobile)\b", re.I)
_DATE_VALUE = re.compile(
    r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?!\d)|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}",
    re.I,
)
_PHONE_VALUE = re.compile(r"\(?\d{3}\)?[-.\s]*\d{3}[-.\s]\d{4}")
_HEADING = re.compile(r"^[A-Z][A-Z&/'’\- ]{5,60}$")
MIN_LABELS = 2
MAX_LABELS = 12
MIN_LABELS_BEFORE = 3
"""Values read before their labels are paired only for this many labels or more (the lines before a form's
labels are often its heading and the text above it, not values)."""
MAX_VALUE_BEFORE = 40
_LETTERHEAD_LINE = re.compile(
    r"^\s*(tel|phone|ph|fax|www\.?)\b|^\s*\d{1,6}\s+[A-Za-z]|,\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?\b|@", re.I
)
"""A letterhead's line: a phone or fax line, a street address ("412 Harbor Road"), a city with its state and
ZIP code, an e-mail address."""


_CAPTION = re.compile(
    r"(patient|employee|employer|member|insured|subscriber|claimant|group|claim\s+no\.?|claim\s+number|account|"
    r"account\s+no\.?|policy|policy\s+no\.?|member\s+id|date\s+of\s+birth|dob|sex|relationship)",
    re.I,
)
"""The captions of a claim form's or an EOB's boxes, printed without a colon ("EMPLOYEE", "CLAIM NO.")."""
_PERSON_CAPTION = re.compile(r"patient|employee|member|insured|subscriber|claimant", re.I)
_PERSON = re.compile(r"[A-Z][A-Za-z'’\-]+(?:\s+[A-Z]\.?)?(?:\s+[A-Z][A-Za-z'’\-]+){1,2}")
MIN_CAPTIONS = 3


def _bare_label(line: str) -> bool:
    return bool(_BARE_LABEL.match(line)) and len(line.split()) <= 6


def _caption(line: str) -> bool:
    return bool(_CAPTION.fullmatch(line))


def _fits(label: str, value: str) -> bool | None:
    """Whether a value is what its label asks for: True, False, or None when the label asks for nothing
    checkable."""
    if _DATE_LABEL.search(label):
        return bool(_DATE_VALUE.search(value))
    if _PHONE_LABEL.search(label):
        return bool(_PHONE_VALUE.search(value))
    return None


def _values_after(lines: list[str], start: int, count: int) -> tuple[list[str], int]:
    """The next ``count`` lines from ``start`` that are not blank (OCR puts a blank line between the columns),
    as long as none is a label or a labelled line; and where they end."""
    values: list[str] = []
    i = start
    while i < len(lines) and len(values) < count:
        line = lines[i].strip()
        if line.endswith(":") or _LABELLED.match(line):
            break  # a label, or a labelled line of its own ("Age: 40 years"): no value of these labels
        if line:
            values.append(line)
        i += 1
    return values, i


def _labels_from(lines: list[str], start: int) -> tuple[list[str], int]:
    """The bare labels from ``start`` on (blank lines between them skipped), and where they end."""
    labels: list[str] = []
    i = end = start
    while i < len(lines):
        line = lines[i].strip()
        if _bare_label(line):
            labels.append(line)
            end = i + 1
        elif line:
            break
        i += 1
    return labels, end


def _proven(labels: list[str], values: list[str]) -> bool:
    """As many values as labels, every checkable label's value fits, and at least one label is checkable."""
    checks = [_fits(label, value) for label, value in zip(labels, values, strict=False)]
    return len(values) == len(labels) and any(c is True for c in checks) and not any(c is False for c in checks)


def _heading_first(lines: list[str], start: int) -> list[tuple[list[str], int]]:
    """Where the values may begin: right after the labels, or after a heading in capitals there (a form's
    title set to the right of its labels, which OCR read between the two columns)."""
    tries: list[tuple[list[str], int]] = [([], start)]
    i = start
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and _HEADING.match(lines[i].strip()):
        tries.append((lines[start : i + 1], i + 1))
    return tries


def _paired(lines: list[str], labels: list[str], start: int) -> tuple[list[str], int] | None:
    """The labels joined to the values from ``start`` (a heading OCR read between the columns put before
    them), and where the values end; None when no pairing proves itself."""
    for heading, first in _heading_first(lines, start):
        values, end = _values_after(lines, first, len(labels))
        if _proven(labels, values):
            return [*heading, *(f"{label} {value}" for label, value in zip(labels, values, strict=True))], end
    return None


def _values_before(out: list[str], count: int) -> tuple[list[str], int] | None:
    """The last ``count`` lines already read (blank lines between them skipped), when they may be values: none
    a label, a labelled line or a sentence, each short; and where they begin in ``out``."""
    values: list[str] = []
    i = len(out)
    while i > 0 and len(values) < count:
        i -= 1
        line = out[i].strip()
        if not line:
            continue
        if line.endswith((":", ".")) or _LABELLED.match(line) or len(line) > MAX_VALUE_BEFORE:
            return None
        if _LETTERHEAD_LINE.search(line):
            return None  # a letterhead's address or phone line above a blank form's labels, no value
        values.append(line)
    return (values[::-1], i) if len(values) == count else None


def _paired_before(out: list[str], labels: list[str]) -> list[str] | None:
    """``out`` with the values OCR read just before their labels (the value column first) joined to them,
    when at least :data:`MIN_LABELS_BEFORE` labels prove the pairing; None when they do not."""
    if len(labels) < MIN_LABELS_BEFORE:
        return None
    found = _values_before(out, len(labels))
    if found is None or not _proven(labels, found[0]):
        return None
    return [*out[: found[1]], *(f"{label} {value}" for label, value in zip(labels, found[0], strict=True))]


def _captions_from(lines: list[str], start: int) -> tuple[list[str], int]:
    """Box captions without colons from ``start`` on (see :data:`_CAPTION`), and where they end."""
    i = start
    while i < len(lines) and _caption(lines[i].strip()):
        i += 1
    return [line.strip() for line in lines[start:i]], i


def _captions_paired(lines: list[str], start: int) -> tuple[list[str], int] | None:
    """A run of box captions joined to the values read after it, proved by a person's caption whose value is
    a person's name ("EMPLOYEE" / … / "PETER J HALVORSEN" / …), no value a caption itself."""
    captions, run = _captions_from(lines, start)
    if not MIN_CAPTIONS <= len(captions) <= MAX_LABELS:
        return None
    values, end = _values_after(lines, run, len(captions))
    if len(values) != len(captions) or any(_caption(v) or v.endswith(":") for v in values):
        return None
    people = [v for c, v in zip(captions, values, strict=True) if _PERSON_CAPTION.fullmatch(c)]
    if not any(_PERSON.fullmatch(v) for v in people) or not all(
        _PERSON.fullmatch(v) or v.lower() in ("self", "same") for v in people
    ):
        return None
    return [f"{c}: {v}" for c, v in zip(captions, values, strict=True)], end


def pair_label_columns(text: str) -> str:
    """``text`` (a page's OCR text) with each run of bare labels joined to the values read after it."""
    if ":\n" not in text and not _CAPTION.search(text):
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        labels, run = _labels_from(lines, i)
        paired = _paired(lines, labels, run) if MIN_LABELS <= len(labels) <= MAX_LABELS else None
        paired = paired or (_captions_paired(lines, i) if not labels else None)
        if paired is not None:
            out.extend(paired[0])
            i = paired[1]
            continue
        if labels:
            before = _paired_before(out, labels) if MIN_LABELS <= len(labels) <= MAX_LABELS else None
            out = before if before is not None else [*out, *lines[i:run]]
            i = run
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)

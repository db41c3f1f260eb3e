"""Whose record a page is: the patient's name, date of birth and record numbers as the page prints them.

Real bundles mix patients: a hospital fax holds another patient's lab report, a payer sends two members'
prior-authorisation notices in one transmission, a chart excerpt is followed by someone else's summary. A
change of patient always ends a document, and a document of a patient who is not the case's examinee is a
privacy problem before it is an accuracy problem. Each page gets a :class:`PatientMark` (what was read, and on
which line); :func:`compare` says whether two marks name the same person, different people, or cannot tell.

What counts: a labelled name ("Patient Name:", "Patient:", "Member Name:", "Name:", "Employee:", "Claimant:"),
a name written in front of a birth date on a header line ("Prescott, Walter B. | DOB: 11/04/1955"), a
labelled birth date ("DOB", "Date of Birth", "born on"), and record numbers ("MRN", "Medical Record #",
"Member ID", "Patient ID", "Hospital ID"). Names are compared by their words (initials and case ignored,
OCR-tolerant); birth dates by every reading of their digits (03/11/1944 may be 11 March or 3 November).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate

from reportkit.understand.text import PageLines, one_apart

OTHER_PATIENT = "names another patient"
"""How the warning on a document of a patient other than the bundle's main one begins."""
TOP_LINES = 40
PATIENT_HEADER = re.compile(r"\b(dob|d\.o\.b|mrn|patient|acct)\b", re.I)
"""Words of a patient header (a chart's running header that names the patient, a patient band): such a line
is never a letterhead, and under it a new date is a new panel or shift of the same record."""
"""Patient blocks and header bands are in a page's first lines (or its running header)."""

_NAME_LABEL = re.compile(
    r"(?<![A-Za-z])(?:patient(?:'s)?\s*name|pt\.?\s*name|patient|member\s*name|member|employee|claimant|examinee|"
    r"name\s*\(last,\s*first[^)]*\)?|name)\s*[:\-]\s*",
    re.I,
)
_NOT_NAME_LABEL_BEFORE = re.compile(
    r"(doctor|physician|provider|facility|practice|account|plan|group|insured'?s?|other|employer|contact|"
    r"drug|test|company|practice|emergency|nurse|referring|ordering|medication|file|product|clinic|hospital)"
    r"\s*$",
    re.I,
)
"""A "Name:" label that names someone else ("Doctor Name:", "Insured's Name:", "Practice Name:")."""
_DOB = re.compile(r"(?<![A-Za-z])(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?)\s*[:#]?\s*", re.I)
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{4}|\d{2})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})(?!\d)")
_MONTH_DATE = re.compile(
    r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+"
    r"(?P<y>(?:19|20)\d\d)|(?P<d2>\d{1,2})[\s-](?P<mon2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
    r"\.?[\s-](?P<y2>(?:19|20)\d\d)",
    re.I,
)
_MONTHS = {
    m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
}
_ID = re.compile(
    r"(?<![A-Za-z])(?P<kind>mrn|medical\s+record\s*(?:#|no\.?|number)|member\s*id|patient\s*id|hospital\s*id|"
    r"member\s*#|subscriber\s*id)\s*[:#]?\s*(?:#\s*)?(?P<v>[A-Z0-9][A-Z0-9\-]{3,24})",
    re.I,
)
_NAME_WORD = r"[A-Z][A-Za-z'’\-]+"
_NAME_VALUE = re.compile(
    rf"^(?P<n>{_NAME_WORD},\s*{_NAME_WORD}(?:\s+[A-Z]\.?)?(?:\s+{_NAME_WORD})?|"
    rf"{_NAME_WORD}(?:\s+[A-Z]\.?)?(?:\s+{_NAME_WORD}){{1,2}}|"
    rf"{_NAME_WORD}\s*$)"
)
_NAME_BEFORE_DATE = re.compile(
    rf"^(?P<n>{_NAME_WORD},\s*{_NAME_WORD}(?:\s+[A-Z]\.?)?|{_NAME_WORD}(?:\s+[A-Z]\.?)?(?:\s+{_NAME_WORD}){{1,2}})"
    r"\s*(?:[|•·,]\s*)?$"
)
_NOT_A_PERSON = re.compile(
    r"\b(information|informat|signature|summary|demographics|report|date|birth|patient|name|insurance|plan|"
    r"hospital|clinic|center|centre|medical|health|department|services?|phone|address|number|id|sex|age|"
    r"self|same|unknown|none|yes|no|male|female|last|first|middle|initial|dr|md|do|rn|the|and|of|for|to|"
    r"customer|subscriber|guarantor|policyholder|insured|member|client|employee|signed|print)\b",
    re.I,
)
_CUT = re.compile(
    r"\s{2,}|\s*[|•·]\s*|\s+(?=(?:d\.?o\.?b|date\s+of|mrn|sex|age|gender|id\b|dob)\b)|\s*\(|"
    r"\s+(?=(?:[A-Z][A-Za-z'#]+\.?\s+)?(?!(?:dob|mrn|sex|age|gender|id)\b)[A-Z][A-Za-z'#]+\s*:)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class PatientMark:
    """Who a page says it is about. Each part is None when the page does not print it."""

    name: tuple[str, ...] | None
    """The name's words, lower-cased and sorted, initials dropped ("Roe, Jane A." -> ("jane", "roe"))."""
    dob: frozenset[tuple[int, int, int]] | None
    """Every (year, month, day) the printed birth date can mean (both orders when day and month are <= 12)."""
    dob_text: str | None
    """The birth date's digits as printed ("24051977"), for OCR-tolerant comparison."""
    ids: tuple[tuple[str, str], ...] = ()
    """Record numbers: (kind, value), e.g. ("mrn", "LGH202041177")."""
    line: int = field(default=0, compare=False)
    """Index of the first line the mark was read from (not part of what the mark says)."""
    name_text: str | None = field(default=None, compare=False)
    """The name as printed."""
    dob_shown: str | None = field(default=None, compare=False)
    """The birth date as ISO ``YYYY-MM-DD`` when it can mean one day only, else as printed."""

    @property
    def empty(self) -> bool:
        return self.name is None and self.dob is None and not self.ids

    def merged(self, other: PatientMark | None) -> PatientMark:
        """This mark with the parts it lacks taken from ``other`` (a document's identity over its pages)."""
        if other is None:
            return self
        return PatientMark(
            self.name or other.name,
            self.dob or other.dob,
            self.dob_text or other.dob_text,
            self.ids + tuple(i for i in other.ids if i[0] not in {k for k, _ in self.ids}),
            self.line,
            self.name_text or other.name_text,
            self.dob_shown or other.dob_shown,
        )


def _readings(text: str) -> tuple[frozenset[tuple[int, int, int]], str] | None:
    """Every date ``text`` (the start of a birth date) can mean, and its digits."""
    m = _ISO_DATE.match(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return (frozenset({(y, mo, d)}) if 1 <= mo <= 12 and 1 <= d <= 31 else frozenset()), f"{d:02d}{mo:02d}{y}"
    m = _NUMERIC_DATE.match(text)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if len(m.group(3)) == 2:
            y += 1900 if y > 30 else 2000
        options = {(y, mo, d) for mo, d in ((a, b), (b, a)) if 1 <= mo <= 12 and 1 <= d <= 31}
        return frozenset(options), f"{m.group(1).zfill(2)}{m.group(2).zfill(2)}{y}"
    m = _MONTH_DATE.match(text)
    if m:
        mon = _MONTHS[(m.group("mon") or m.group("mon2")).lower()[:3]]
        d, y = int(m.group("d") or m.group("d2")), int(m.group("y") or m.group("y2"))
        return frozenset({(y, mon, d)}), f"{d:02d}{mon:02d}{y}"
    return None


@lru_cache(maxsize=1 << 14)
def name_words(text: str) -> tuple[str, ...] | None:
    """A person's name as sorted lower-case words (initials dropped), or None when ``text`` is not a name."""
    text = _CUT.split(text.strip(), maxsplit=1)[0].strip(" ,.;:-_")
    m = _NAME_VALUE.match(text)
    if not m:
        return None
    raw = m.group("n")
    if _NOT_A_PERSON.search(raw):
        return None
    words = tuple(sorted(w for w in re.split(r"[\s,.]+", raw.lower()) if len(w) > 1))
    if not words or len(words) > 4:
        return None
    return words


def _dob_after(line: str, start: int) -> tuple[frozenset[tuple[int, int, int]], str] | None:
    rest = line[start : start + 40].lstrip(" :#_")
    return _readings(rest)


@lru_cache(maxsize=1 << 14)
def _line_parts(
    line: str,
) -> tuple[tuple[str, ...] | None, tuple[frozenset[tuple[int, int, int]], str] | None, str | None]:
    """(name, birth date, the name as printed) read from one line."""
    name: tuple[str, ...] | None = None
    shown: str | None = None
    dob = None
    for m in _DOB.finditer(line):
        found = _dob_after(line, m.end())
        if found and found[0]:
            dob = found
            before = line[: m.start()].strip(" |•·,(")
            if before and name is None:
                tail = re.split(r"\s{2,}|\s*[|•·]\s*|:\s*", before)[-1]
                if _NAME_BEFORE_DATE.match(tail.strip()):
                    name = name_words(tail)
                    shown = tail.strip(" ,") if name else None
            break
    for m in _NAME_LABEL.finditer(line):
        if _NOT_NAME_LABEL_BEFORE.search(line[: m.start()]):
            continue
        value = line[m.end() :]
        if value.strip(" _") and not value.lstrip().startswith("_"):
            found_name = name_words(value)
            if found_name:
                name = found_name
                shown = _CUT.split(value.strip(), maxsplit=1)[0].strip(" ,;:-_")
                break
    return name, dob, shown


def _ends_with_date(line: str) -> bool:
    """A cheap test that a line may end with an all-digit date ("… 24/05/1977", "… 5/4/81")."""
    return line[-1:].isdigit() and (line[-5:-4] in ("/", "-", ".") or line[-3:-2] in ("/", "-", "."))


@lru_cache(maxsize=1 << 12)
def _bare_name_and_date(line: str) -> tuple[tuple[str, ...], tuple[frozenset[tuple[int, int, int]], str]] | None:
    """A header line that is only a name and a date ("Kimberly Lawrence 24/05/1977"): a patient band."""
    m = _NUMERIC_DATE.search(line) or _ISO_DATE.search(line)
    if not m or m.end() != len(line.rstrip()):
        return None
    head = line[: m.start()].strip(" |,")
    if not _NAME_BEFORE_DATE.match(head):
        return None
    words = name_words(head)
    found = _readings(line[m.start() :])
    if words and found and found[0]:
        return words, found
    return None


_NAME_WORDS = ("name", "patient", "member", "employee", "claimant", "examinee")
_BIRTH_WORDS = ("birth", "dob", "d.o.b", "born")
_ID_WORDS = ("mrn", "record", " id", "#")


def _label_positions(low: str, words: Sequence[str], labelled: bool) -> list[int]:
    """Where ``words`` occur in a lower-cased text (found with ``str.find``, much faster than a regex of
    alternatives); with ``labelled``, only where a label's colon, dash or bracket follows ("Patient:",
    "Patient's Name:", "Name (Last, First)"), not a word of prose ("the patient reports")."""
    found = []
    for word in words:
        j = low.find(word)
        while j >= 0:
            end = j + len(word)
            if not labelled:
                found.append(j)
            else:
                tail = low[end : end + 12].lstrip(" '").removeprefix("s").lstrip()
                if tail[:1] in (":", "-", "(") or tail.startswith("name"):
                    found.append(j)
            j = low.find(word, end)
    return found


@lru_cache(maxsize=1 << 14)
def _ids_in(line: str) -> tuple[tuple[str, str], ...]:
    found = []
    for m in _ID.finditer(line):
        kind = re.sub(r"[^a-z]", "", m.group("kind").lower())
        kind = "mrn" if kind.startswith(("mrn", "medicalrecord")) else kind.replace("number", "")
        value = re.sub(r"[^A-Z0-9]", "", m.group("v").upper())
        if any(c.isdigit() for c in value):
            found.append((kind, value))
    return tuple(found)


def read_mark(pl: PageLines, top_text: str | None = None) -> PatientMark | None:
    """The patient a page names in its first lines, or None when it names none. ``top_text``: those lines
    joined by newlines and lower-cased, when the caller has them."""
    name: tuple[str, ...] | None = None
    shown: str | None = None
    dob: tuple[frozenset[tuple[int, int, int]], str] | None = None
    ids: list[tuple[str, str]] = []
    first = -1
    top = pl.lines[:TOP_LINES]
    low = top_text if top_text is not None else "\n".join(top).lower()  # one search per hint, not two per line
    person_at = _label_positions(low, _NAME_WORDS, True) + _label_positions(low, _BIRTH_WORDS, False)
    number_at = _label_positions(low, _ID_WORDS, False)
    starts = list(accumulate((len(line) + 1 for line in top[:-1]), initial=0)) if person_at or number_at else []
    people = {bisect_right(starts, j) - 1 for j in person_at}
    numbers = {bisect_right(starts, j) - 1 for j in number_at}
    bare_lines = {i for i in range(min(8, len(top))) if _ends_with_date(top[i])}
    for i in sorted(people | numbers | bare_lines):
        line = top[i]
        if len(line) > 200:
            continue
        if i in people:
            n, d, as_printed = _line_parts(line)
            if n and name is None:
                name, shown, first = n, as_printed, i if first < 0 else first
            if d and dob is None:
                dob, first = d, i if first < 0 else first
        if i < 8 and (name is None or dob is None) and line[-1:].isdigit():
            bare = _bare_name_and_date(line)
            if bare:
                if name is None:
                    cut = _NUMERIC_DATE.search(line) or _ISO_DATE.search(line)
                    shown = line[: cut.start()].strip(" |,") if cut else None
                name = name or bare[0]
                dob = dob or bare[1]
                first = i if first < 0 else first
        if i in numbers:
            for kind, value in _ids_in(line):
                if kind not in {k for k, _ in ids}:
                    ids.append((kind, value))
                    first = i if first < 0 else first
    if name is None and dob is None and not ids:
        return None
    return PatientMark(
        name, dob[0] if dob else None, dob[1] if dob else None, tuple(ids), max(first, 0), shown, _shown(dob)
    )


def _shown(dob: tuple[frozenset[tuple[int, int, int]], str] | None) -> str | None:
    if dob is None:
        return None
    if len(dob[0]) == 1:
        y, m, d = next(iter(dob[0]))
        return f"{y:04d}-{m:02d}-{d:02d}"
    digits = dob[1]
    return f"{digits[:2]}/{digits[2:4]}/{digits[4:]}"


@dataclass
class _Person:
    mark: PatientMark
    documents: list[str]
    pages: int


def _keys(mark: PatientMark) -> set[tuple[str, ...]]:
    """What another mark of the same person must share with this one (a birth date reading, one OCR'd digit
    apart; a record number; a name word, one OCR'd letter apart): used to find the people worth comparing."""
    keys: set[tuple[str, ...]] = {("dob", f"{y}-{m}-{d}") for y, m, d in mark.dob or ()}
    if mark.dob_text:
        keys.update(("dob~", mark.dob_text[:i] + "?" + mark.dob_text[i + 1 :]) for i in range(len(mark.dob_text)))
    keys.update(("id", kind, value) for kind, value in mark.ids)
    for word in mark.name or ():
        keys.add(("name", word))
        if len(word) >= 5 and not mark.dob:  # with a birth date, the date's keys find the person
            keys.update(("name~", word[:i] + "?" + word[i + 1 :]) for i in range(len(word)))  # a letter misread
            keys.update(("name~", word[:i] + "?" + word[i:]) for i in range(len(word) + 1))  # or one dropped
    return keys


def group(marks: Sequence[tuple[str, int, PatientMark | None]]) -> tuple[list[_Person], dict[str, int]]:
    """People in the bundle from each document's mark, ``(doc_id, page_count, mark)`` in bundle order: a
    document joins the first person whose mark names the same patient. Returns the people and, for each
    document that names a patient, its person's index. Only people who share a birth date, a record number or
    a name word with the mark are compared (a bundle of many patients stays linear)."""
    people: list[_Person] = []
    of: dict[str, int] = {}
    index: dict[tuple[str, ...], set[int]] = {}
    for doc_id, pages, mark in marks:
        if mark is None or mark.empty:
            continue
        keys = _keys(mark)
        candidates = sorted({k for key in keys for k in index.get(key, ())})
        for k in candidates:
            person = people[k]
            if compare(person.mark, mark) is True:
                merged = person.mark.merged(mark)
                keys = _keys(merged) - _keys(person.mark) if merged != person.mark else set()
                person.mark = merged
                person.documents.append(doc_id)
                person.pages += pages
                of[doc_id] = k
                break
        else:
            k = len(people)
            of[doc_id] = k
            people.append(_Person(mark, [doc_id], pages))
        for key in keys:
            index.setdefault(key, set()).add(k)
    return people, of


def completed(found: PatientMark | None, mark: PatientMark | None) -> PatientMark | None:
    """A document's patient so far, completed by the next page's mark: the parts it lacks taken from a page
    that names the same person (or cannot tell); a page naming someone else adds nothing."""
    if found is None:
        return mark
    if mark is None or mark == found or compare(found, mark) is False:
        return found
    return found.merged(mark)


def names_match(a: Sequence[str], b: Sequence[str]) -> bool:
    """Two names are one person's: at least two words alike (one, for a one-word name), OCR-tolerant."""
    if len(set(a) & set(b)) >= min(2, len(a), len(b)):
        return True
    common = 0
    rest = list(b)
    for word in a:
        for other in rest:
            if word == other or (len(word) >= 5 and one_apart(word, other)):
                common += 1
                rest.remove(other)
                break
    return common >= min(2, len(a), len(b))


@lru_cache(maxsize=1 << 12)
def compare(a: PatientMark | None, b: PatientMark | None) -> bool | None:
    """True: the same patient; False: different patients; None: cannot tell (a part missing on one side).

    Names that agree outweigh a birth date that differs by one OCR'd digit; a birth date that agrees outweighs
    a name written differently ("Kim Lawrence" / "Kimberly Lawrence"), unless the names share no word at all.
    """
    if a is None or b is None:
        return None
    if a == b:  # the same header on the next page: the common case
        return None if a.empty else True
    name_same = names_match(a.name, b.name) if a.name and b.name else None
    if a.dob is not None and b.dob is not None:
        dob_same = bool(a.dob & b.dob)
        if not dob_same and a.dob_text and b.dob_text and one_apart(a.dob_text, b.dob_text):
            dob_same = name_same is not False  # one digit apart: the name decides
        if dob_same:  # the same birth date: one person, unless the names share no word at all
            return not (name_same is False and not set(a.name or ()) & set(b.name or ()))
        return bool(name_same) if name_same is not None else False
    for kind, value in a.ids:
        for other_kind, other in b.ids:
            if kind == other_kind:
                if value == other:
                    return True if name_same is not False else None
                return name_same is True  # another record number: another patient, unless the names agree
    return name_same


def birth_dates(marks: Sequence[PatientMark | None]) -> frozenset[date]:
    """Every date the marks' birth dates can be (both readings of 03/11/1944)."""
    readings = {mark.dob for mark in marks if mark is not None and mark.dob}
    found: set[date] = set()
    for dob in readings:
        for year, month, day in dob:
            with suppress(ValueError):  # (a 31 April read from OCR'd digits is no date)
                found.add(date(year, month, day))
    return frozenset(found)


def label(mark: PatientMark) -> str:
    """A short description of what a mark holds, for reasons and warnings (no record text)."""
    parts = [
        p for p, present in (("name", mark.name), ("date of birth", mark.dob), ("record number", mark.ids)) if present
    ]
    return " and ".join(parts) or "nothing"

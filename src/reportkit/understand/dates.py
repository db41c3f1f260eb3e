"""Finding dates and deciding which one dates a document.

Every date on the document's pages is a candidate, with the label in front of it. A label gives the date a
role (service, exam, collection, admission, discharge, procedure, letter) or rules it out (date of birth,
printed, faxed, received, signed, dictated, transcribed, injury, next appointment). The document type says
which role wins: imaging by exam date, labs by collection date, surgery by surgery date, discharge summaries
by discharge date, letters by letter date, everything else by date of service.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from reportkit.understand.text import PageLines, snippet

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH_RE = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_DIGIT_DATES_AS_WRITTEN = (
    r"(?<![\d/])(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d])",
    r"(?<![\d/.-])(?P<m>\d{1,2})\s?([/.-])\s?(?P<d>\d{1,2})\s?\2\s?(?P<y>\d{4}|\d{2})(?![\d/])",
)
"""The two all-digit date patterns as written; :data:`_DATE_PATTERNS` holds them with the look-behind that
opens each moved after the first digit, so that the regex engine skips to a "1" or "2", or to a digit, in C
(the same matches and groups: a property test compares them)."""
_DATE_PATTERNS = [
    # 2024-03-14
    re.compile(r"(?P<y>(?:19|20)(?<![\d/]19)(?<![\d/]20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d])"),
    # 03/14/2024, 3/14/24, 03-14-2024, 03.14.2024
    re.compile(r"(?P<m>\d(?<![\d/.-]\d)\d?)\s?([/.-])\s?(?P<d>\d{1,2})\s?\2\s?(?P<y>\d{4}|\d{2})(?![\d/])"),
    # March 14, 2024 / Mar 14 2024
    re.compile(_MONTH_RE + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})\b", re.I),
    # 14-Mar-2024 / 14 March 2024
    re.compile(r"\b(?P<d>\d{1,2})[\s-]" + _MONTH_RE + r"[\s-](?P<y>(?:19|20)\d{2}|\d{2})\b", re.I),
    # 16Dec23 / 16DEC2023 (handwritten and military forms)
    re.compile(r"\b(?P<d>\d{1,2})" + _MONTH_RE.replace(")\\.?", ")") + r"(?P<y>(?:19|20)\d{2}|\d{2})\b", re.I),
]

_MONTH_HINT = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")
"""In a lower-cased line: a month name may be there (the last two date patterns need one; checking this first
is much cheaper than running them)."""

EXCLUDED = "excluded"

# (pattern, role): the first pattern that matches the label decides. Order matters.
_LABELS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.I), role)
    for p, role in [
        (r"\b(d\.?o\.?b|birth|born|nacimiento)\b", EXCLUDED),
        (r"\bfecha\s+de\s+(emisi[oó]n|la\s+carta)\b", "letter"),
        (r"\bfecha\s+de\s+(servicio|atenci[oó]n|consulta|visita|ingreso|examen)\b", "service"),
        (r"\b(print(ed)?|fax(ed)?|sent|received|receipt|rec'?d|transmitted|scanned)\b", EXCLUDED),
        (
            r"\blast\s+(seen|visit|filled|changed|updated|modified|reviewed)\b|\b(accessed|retrieved|revised|rev\.|"
            r"expir\w*|expiry|valid\s+(until|through|thru)|sign\s+up|offer|deadline|on\s+or\s+before|copyright)\b",
            EXCLUDED,
        ),
        (r"\b(signed|signature|authenticated|e-signed|dictated|transcribed|reviewed by|verified)\b", EXCLUDED),
        (r"^\s*[DT]\s*:\s*$|\b(dict|trans)\b", EXCLUDED),
        (r"\b(d\.?o\.?i|injury|accident|incident)\b", EXCLUDED),
        (r"\b(next|follow[- ]?up|return|recheck|re-?eval|appointment|scheduled|due)\b", EXCLUDED),
        (r"\b(reported|resulted|final(ized)?|amended|result date)\b", EXCLUDED),
        (r"\b(referral|referred)\b", "referral"),
        (r"\b(requested|order(ed)?|authoriz)\w*", EXCLUDED),
        (r"\b(discharge[d]?)\b", "discharge"),
        (r"\b(admission|admit(ted)?)\b", "admission"),
        (r"\b(surgery|operation|procedure|operative)\b", "procedure"),
        (r"\b(collect(ed|ion)?|drawn|specimen)\b", "collection"),
        (r"\b(exam(ination)?|study|scan|imaging|performed)\b", "exam"),
        (
            r"\b(d\.?o\.?s|service|visit|encounter|seen|evaluation|treatment|session|consult(ation)?|arriv\w*|"
            r"triage|registered|registration|check-?in)\b",
            "service",
        ),
        (r"\b(statement|invoice|billing)\s*date\b", "statement"),
        (r"\bdate\b|\bdated\b", "date"),
    ]
]

_ROLE_PREFERENCE: dict[str, tuple[str, ...]] = {
    "imaging": ("exam", "service", "procedure", "date"),
    "lab_report": ("collection", "service", "date"),
    "pathology": ("collection", "procedure", "service", "date"),
    "operative_report": ("procedure", "service", "admission", "date"),
    "procedure_note": ("procedure", "service", "date"),
    "discharge_summary": ("discharge", "admission", "service", "date"),
    "history_and_physical": ("admission", "service", "exam", "date"),
    "ime_report": ("exam", "service", "date"),
    "correspondence": ("letter", "date", "service"),
    "referral": ("referral", "letter", "date", "service"),
    "billing": ("service", "admission", "line", "statement", "date"),
}
_DEFAULT_PREFERENCE = ("service", "exam", "admission", "procedure", "date", "collection", "discharge", "letter")
_UNLABELLED_ROLE = {"correspondence": "letter", "referral": "letter", "billing": "statement"}


@dataclass(frozen=True)
class DateCandidate:
    value: date
    role: str
    """A role, ``excluded``, or ``unlabelled``."""
    label: str
    page: int
    line_no: int
    line: str
    header: bool = True
    """A header-style label ("Date of Service: …", or a date alone on its line), not a mention in prose."""
    raw: str = ""
    """The date as printed."""


@dataclass(frozen=True)
class DateChoice:
    value: str | None
    role: str | None
    page: int | None
    snippet: str
    rule: str
    warnings: tuple[str, ...]
    rejected: tuple[str, ...]
    """Candidates set aside, and why (for review)."""
    last: str | None = None
    """The latest date of the chosen role, when the document holds several (a run of visits)."""


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 70 else 1900
    return y


_DATE_HINT_AS_WRITTEN = r"\d\s?[/.-]\s?\d|(?:19|20)\d\d|\d[\s-][A-Za-z]{3}|\d[A-Za-z]{3}\d"
_DATE_HINT = re.compile(r"\d(?:\s?[/.-]\s?\d|[\s-][A-Za-z]{3}|[A-Za-z]{3}\d|(?<=1)9\d\d|(?<=2)0\d\d)")
"""What a line needs to hold a date: :data:`_DATE_HINT_AS_WRITTEN` with its leading digit taken out of the
alternatives ("19" and "20" become a 9 or a 0 after a 1 or a 2), so that the regex engine skips to the digits
of a line in C instead of trying the alternatives at every character (4x faster on dense notes; the same lines
match)."""


@lru_cache(maxsize=1 << 16)
def find_dates(line: str, day_first: bool = False) -> tuple[tuple[int, int, date], ...]:
    """Every date in a line as (start, end, value); impossible dates are skipped. Cached: lines recur (call it
    with ``day_first`` given, as every caller here does, so that a line has one cache entry).

    All-digit dates are read month first (03/11/2024 is 11 March) unless ``day_first``; either way a date
    that can only be read one way ("23/11/2025") is read that way."""
    if not _DATE_HINT.search(line):
        return ()
    found: list[tuple[int, int, date]] = []
    taken: list[tuple[int, int]] = []
    patterns = _DATE_PATTERNS if _MONTH_HINT.search(line.lower()) else _DATE_PATTERNS[:2]
    for pattern in patterns:
        for m in pattern.finditer(line):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            groups = m.groupdict()
            try:
                if groups.get("mon"):
                    value = date(_year(groups["y"]), _MONTHS[groups["mon"].lower().rstrip(".")], int(groups["d"]))
                else:
                    value = _numeric(_year(groups["y"]), int(groups["m"]), int(groups["d"]), day_first)
            except (ValueError, KeyError):
                continue
            if 1900 <= value.year <= 2100:
                found.append((m.start(), m.end(), value))
                taken.append((m.start(), m.end()))
    return tuple(sorted(found, key=lambda t: t[0]))


def _numeric(year: int, first: int, second: int, day_first: bool) -> date:
    """An all-digit date in the document's order, else in the only order that makes a date."""
    month, day = (second, first) if day_first else (first, second)
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, day, month)


_ORDER = re.compile(r"(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]")
_DAY_FIRST_WORDS = ("fecha", "paciente", "médico", "medico", "dd/mm", "jj/mm")


def date_order(
    pages: Sequence[PageLines], cands: Sequence[DateCandidate] | None = None
) -> tuple[bool, tuple[str, ...]]:
    """Whether a document writes its all-digit dates day first, from the dates that can only be read one way
    (29/02/1944, 22/04/2025 against 03/14/2024) and, when none decides, language cues ("Fecha"); with a warning
    when the document writes them both ways (its ambiguous dates are then read month first). ``cands``: the
    document's dates as read month first, when the caller has them."""
    day = month = False
    for c in cands if cands is not None else candidates(pages):
        m = _ORDER.match(c.raw)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            day |= a > 12 and 1 <= b <= 12
            month |= b > 12 and 1 <= a <= 12
    if day and month:
        return False, ("dates written both day first and month first: ambiguous ones read month first; check them",)
    if day:
        return True, ()
    if month:
        return False, ()
    text = pages[0].text.lower() if pages else ""  # a document's language shows on its first page
    return any(word in text for word in _DAY_FIRST_WORDS), ()


@lru_cache(maxsize=1 << 14)
def label_role(label: str) -> str | None:
    """The role a label gives the date after it, ``excluded``, or None for no label."""
    for pattern, role in _LABELS:
        if pattern.search(label):
            return role
    return None


def candidates(pages: Sequence[PageLines], day_first: bool = False) -> list[DateCandidate]:
    """All dates on the pages, each with the label text before it on its line (or on the line above)."""
    return [c for pl in pages for c in page_candidates(pl, day_first)]


def page_candidates(pl: PageLines, day_first: bool = False) -> Iterator[DateCandidate]:
    """The dates of one page, top to bottom (lazily: a caller that wants the first few stops early)."""
    for line_no, line in enumerate(pl.lines):
        previous_end = 0
        for start, end, value in find_dates(line, day_first):
            label = line[previous_end:start]
            previous_end = end
            role = label_role(label[-40:])
            if role is None and not label.strip() and line_no > 0 and line.strip() == line[start:end].strip():
                # a date alone on its line: its label may be the line above
                above = pl.lines[line_no - 1]
                if above.rstrip().endswith(":") or (len(above.split()) <= 3 and not any(c.isdigit() for c in above)):
                    role = label_role(above)
                    label = above
            alone = line.strip(" .,") == line[start:end].strip()
            if role is None and start == 0 and line_no > 0 and not alone:
                # a date that opens a line whose label ended the line above ("… Accessed" / "02-01-2021. …")
                above = pl.lines[line_no - 1].rstrip()
                tail_role = label_role(above[-30:]) if above and above[-1].isalpha() else None
                if tail_role == EXCLUDED:
                    role, label = tail_role, above[-30:]
            if role is None and alone and line_no < 25:
                role = "letter"  # a date alone on its line near the top: a letter's (or note's) date
            elif role is None and _TABLE_ROW.search(line[end:]) and (start == 0 or _SERVICE_CODE.search(line)):
                role = "line"  # a date in a bill's row (a line item with its amount)
            stripped = label.strip()
            header = alone or stripped.endswith((":", "#")) or len(stripped.split()) <= 3
            raw = line[start:end]
            yield DateCandidate(value, role or "unlabelled", stripped[-40:], pl.page, line_no, line, header, raw)


_TABLE_ROW = re.compile(r"\$?\b\d{1,6}\.\d{2}\b")
"""An amount: what a bill's or an EOB's line item carries after its date of service."""
_SERVICE_CODE = re.compile(r"(?<![\d.])\d{5}(?![\d.])|\b[A-Z]\d{4}\b")
"""A CPT or HCPCS code ("99310", "J9177") on a line: the row is a service line even when its date is not first."""


def choose_date(pages: Sequence[PageLines], doc_type: str, births: AbstractSet[date] = frozenset()) -> DateChoice:
    """Pick the document's date by the roles its type prefers; unlabelled dates near the top are a fallback.
    All-digit dates are read in the document's own order (:func:`date_order`). ``births``: birth dates the
    bundle gives (on any page): never a date of care, whatever label OCR read beside them."""
    month_first = candidates(pages)
    day_first, order_warnings = date_order(pages, month_first)
    choice = _choose(pages, doc_type, day_first, None if day_first else month_first, births)
    if order_warnings or day_first:
        note = ("all-digit dates read day first (the document writes them so)",) if day_first else order_warnings
        choice = (
            replace(choice, rejected=(*choice.rejected, *note))
            if day_first
            else replace(choice, warnings=(*choice.warnings, *note))
        )
    return choice


BIRTH_GAP_DAYS = 365
"""A birth date the bundle gives is set aside in a document that also has a date this long after it."""
_LETTER_DATE_OF_CORRESPONDENCE = re.compile(r"\bfax(ed)?\s+date\b|\bdate\s+(sent|faxed)\b", re.I)
"""On a letter's own face (not a fax header), the date it was faxed is the letter's date."""


def _choose(
    pages: Sequence[PageLines],
    doc_type: str,
    day_first: bool,
    read: list[DateCandidate] | None = None,
    births: AbstractSet[date] = frozenset(),
) -> DateChoice:
    cands = read if read is not None else candidates(pages, day_first)
    if doc_type in ("correspondence", "referral"):
        cands = [
            replace(c, role="letter")
            if c.role == EXCLUDED and c.header and _LETTER_DATE_OF_CORRESPONDENCE.search(c.label)
            else c
            for c in cands
        ]
    excluded_values = {c.value for c in cands if c.role == EXCLUDED and _is_birth(c.label)}
    rejected = [
        f"{c.value.isoformat()} on page {c.page}: {label_phrase(c.label) or 'no label'} (not a date of care)"
        for c in cands
        if c.role == EXCLUDED
    ]
    # a birth date given elsewhere in the bundle, when the document also dates care a year or more after it
    # (a newborn's first records, or its mother's delivery, are dated on the day of birth)
    latest = max((c.value for c in cands), default=None)
    births = {b for b in births if latest is not None and (latest - b).days >= BIRTH_GAP_DAYS}
    rejected += [
        f"{c.value.isoformat()} on page {c.page}: a birth date the bundle gives (not a date of care)"
        for c in cands
        if c.role != EXCLUDED and c.value in births and c.value not in excluded_values
    ]
    excluded_values |= births
    usable = [c for c in cands if c.role != EXCLUDED and c.value not in excluded_values]
    preference = _ROLE_PREFERENCE.get(doc_type, _DEFAULT_PREFERENCE)
    for pool in ([c for c in usable if c.header], usable):  # header-style labels before prose mentions
        for role in preference:
            matching = [c for c in pool if c.role == role]
            if matching:
                return _chosen(matching, role, doc_type, usable, rejected)
    # No labelled date: an unlabelled date in the first lines of the first page.
    first_page = pages[0].page if pages else None
    top = [c for c in usable if c.role == "unlabelled" and c.page == first_page and c.line_no < 20]
    if top:
        best = top[0]
        role = _UNLABELLED_ROLE.get(doc_type, "service")
        return DateChoice(
            best.value.isoformat(),
            role,
            best.page,
            snippet(best.line),
            "unlabelled date near the top of the first page",
            (f"date {best.value.isoformat()} has no label; check it is the {role} date",),
            tuple(rejected),
        )
    return DateChoice(None, None, None, "", "", ("no date of care found",), tuple(rejected))


def _chosen(
    matching: list[DateCandidate], role: str, doc_type: str, usable: list[DateCandidate], rejected: list[str]
) -> DateChoice:
    best = min(matching, key=lambda c: c.value) if role == "line" else matching[0]
    warnings: list[str] = []
    distinct = sorted({c.value for c in matching})
    last = None
    if len(distinct) > 1 and role in {"service", "exam", "collection", "date"}:
        last = distinct[-1].isoformat()
        warnings.append(
            f"several {'dates labelled date' if role == 'date' else role + ' dates'} "
            f"({', '.join(d.isoformat() for d in distinct[:4])}); "
            f"took the first, {best.value.isoformat()}"
        )
    out_role = {"date": _UNLABELLED_ROLE.get(doc_type, "service"), "line": "service"}.get(role, role)
    if role == "letter" and doc_type not in ("correspondence", "referral"):
        out_role = "service"
        warnings.append(f"date {best.value.isoformat()} has no label; check it is the date of service")
    for c in usable:
        if c is not best and c.role != role:
            kind = {"date": "a date labelled only 'date'", "unlabelled": "an unlabelled date"}.get(
                c.role, f"{c.role} date"
            )
            rejected.append(f"{c.value.isoformat()} on page {c.page}: {kind}, not preferred for {doc_type}")
    return DateChoice(
        best.value.isoformat(),
        out_role,
        best.page,
        snippet(best.line),
        f"label:{label_phrase(best.label).lower() or role}",
        tuple(warnings),
        tuple(rejected),
        last if last != best.value.isoformat() else None,
    )


_SECTION = re.compile(r"^[A-Z][A-Z0-9 /&,()'-]{3,60}:(\s|$)")
_HEADER_WORDS = re.compile(r"\b(patient|name|dob|birth|mrn|account|date|dos|provider|physician|claim|sex|age)\b", re.I)


def _first_section(lines: Sequence[str]) -> int:
    """Index of the first section heading ("PHYSICAL EXAMINATION:"): dates below it are in the body, not in the
    document's header, and do not announce a new document."""
    for i, line in enumerate(lines):
        if _SECTION.match(line) and not _HEADER_WORDS.search(line.split(":", 1)[0]):
            return i
    return len(lines)


def label_phrase(label: str) -> str:
    """The label words just before a date ("Account #: HOH-2204 Date of Service:" -> "Date of Service")."""
    tail = re.split(r"[:#|]|\s{2,}", label.strip(" :#|"))[-1]
    words: list[str] = []
    for word in reversed(tail.split()):
        if len(words) == 5 or not (word.lower() in _LABEL_GLUE or label_role(word)):
            break
        words.insert(0, word)
    return " ".join(words)


_LABEL_GLUE = {"date", "of", "the", "on", "for", "at", "by", "electronically", "time", "&", "and"}


def _is_birth(label: str) -> bool:
    return bool(_BIRTH.search(label))


_BIRTH = re.compile(r"\b(d\.?o\.?b|birth|born)\b", re.I)


def first_labelled_date(pl: PageLines, limit_lines: int = 25) -> date | None:
    """The first date of care labelled near the top of a page (for splitting), ignoring excluded labels."""
    limit = min(limit_lines, _first_section(pl.lines))
    for c in page_candidates(pl):
        if c.line_no >= limit:
            break
        if c.header and c.role not in (EXCLUDED, "unlabelled", "date", "line", "letter", "referral"):
            return c.value
    return None

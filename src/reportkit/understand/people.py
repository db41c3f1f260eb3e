"""Who wrote a document (provider, as written with credentials) and where (facility)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportkit.understand.patients import PATIENT_HEADER
from reportkit.understand.text import PageLines, snippet

CREDENTIALS = (
    r"M\.?D\.?|D\.?O\.?|PA-C|P\.?A\.?|N\.?P\.?|FNP(?:-[BC]C?)?|APRN|ARNP|CNP|DNP|CRNA|R\.?N\.?|DPT|P\.?T\.?|"
    r"OTR/L|OTR|O\.?T\.?|D\.?C\.?|Ph\.?D\.?|PsyD|MBBS|FRCSC?|FRCPC?|FACS|FAAOS|FACP|DPM|O\.?D\.?|LCSW|"
    r"ATC|CSCS|MPT|MSPT|Esq\.?|J\.?D\.?|RPh|PharmD|MS|MA|MPH|DDS|DMD|PTA|COTA|LPN|LVN|CMA|RRT|NP-C|"
    r"AGNP-C|PMHNP-BC|CNM|PsyD|LMFT|LPC|CCC-SLP|SLP"
)
_NAME = r"[A-Z](?:[a-zA-Z'’\-]+\.?|\.)(?:\s+[A-Z]\.?)?(?:\s+[A-Z][a-zA-Z'’\-]+){1,2}"
_LAST_FIRST = r"[A-Z][a-zA-Z'’\-]+,\s+[A-Z][a-zA-Z'’\-]+\.?(?:\s+[A-Z]\.?)?"
"""A name written surname first: "Roe, Jane A." """
_CRED = rf"(?:{CREDENTIALS})(?![A-Za-z])"
NAME_WITH_CREDENTIALS = re.compile(
    rf"(?<![A-Za-z])(?P<name>{_LAST_FIRST}|{_NAME})(?:,\s*|\s+)(?P<cred>{_CRED}(?:\s*,\s*{_CRED})*)"
)
DR_NAME = re.compile(rf"\bDr\.?\s+(?P<name>{_NAME}|[A-Z][a-zA-Z'’\-]+)")

_AUTHOR_LABELS = re.compile(
    r"(electronically\s+signed\s+by|signed\s+by|e-signed\s+by|authenticated\s+by|dictated\s+by|"
    r"attending(?:\s+physician)?|surgeon|primary\s+surgeon|radiologist|interpreted\s+by|read\s+by|"
    r"rendering\s+provider|treating\s+(?:physician|provider)|examin(?:er|ing\s+physician)|"
    r"physician|provider|therapist|clinician|author|seen\s+by|performed\s+by|pathologist|consultant)\s*:?\s*$",
    re.I,
)
_NOT_AUTHOR = re.compile(
    r"(referr\w*|ordering|ordered\s+by|cc|copy\s+to|pcp|primary\s+care|to|attn|attention|dear|"
    r"assistant|anesthesi\w*|patient|insured|claimant|employer|adjuster|submitting|director|supervising|"
    r"cosign\w*|co-signed\s+by|from|examined\s+by\s+dr|requested\s+by|requesting|witness|sender|"
    r"nurse|crna|recipient)"
    r"(\s+(physician|provider|doctor|surgeon|md|dr\.?))?\s*:?\s*$",
    re.I,
)
SIGNOFF = re.compile(
    r"^(very\s+)?(sincerely|respectfully|regards|best\s+regards|kind\s+regards|cordially|"
    r"(yours\s+)?truly|truly\s+yours|yours\s+sincerely)(\s+yours)?[,.]?$",
    re.I,
)
_LABELLED_NAME = re.compile(
    r"\b(?P<label>electronically\s+signed\s+by|signed\s+by|dictated\s+by|attending(?:\s+physician)?|"
    r"(?:primary\s+)?surgeon|radiologist|interpreted\s+by|read\s+by|rendering\s+provider|"
    r"treating\s+(?:physician|provider)|examining\s+physician|physician|provider|therapist|clinician|seen\s+by|"
    r"performed\s+by|pathologist|consultant)(?:\s*:\s*|(?<=by)\s+)"
    rf"(?P<name>(?:Dr\.?\s+)?(?:{_LAST_FIRST}|{_NAME}|[A-Z][A-Z'’\-]+,\s+[A-Z][A-Z'’\-]+(?:\s+[A-Z]\.?)?))"
    r"(?=\s*$|\s{2,}|\s*[,;|]|\s+(?:on|at)\s)",
    re.I,
)
_NOT_A_NAME = re.compile(r"\b(patient|hospital|clinic|center|medical|unknown|none|same|see|self)\b", re.I)
_PLAIN_NAME = re.compile(r"^[A-Z][a-zA-Z'’\-]+(?:\s+[A-Z]\.?)?(?:\s+[A-Z][a-zA-Z'’\-]+){1,2}$")
_SIGNED_LINE = re.compile(r"^(electronically\s+)?signed\b|^e-signed\b", re.I)
_ORDERING = re.compile(r"(ordering(\s+(physician|provider))?|ordered\s+by)\s*:?\s*$", re.I)

FACILITY_WORDS = re.compile(
    r"\b(hospital|medical|health(?:care)?|clinic|orthop(?:a)?edics?|ortho|imaging|radiology|laborator(?:y|ies)|"
    r"lab|therapy|rehab\w*|associates|surgery\s+center|surgical|urgent\s+care|institute|physicians|spine|pain|"
    r"neurology|center|centre|practice|group|partners|department\s+of|services|pathology|insurance|mutual|"
    r"casualty|company|law|attorneys?|llp|llc|pllc|p\.?c\.?|inc\.?)\b",
    re.I,
)
"""Words of organisation names: a letterhead line with one of them (and no document word) names a facility."""
DOCUMENT_WORDS = re.compile(
    r"\b(report|note|summary|records?|transmission|visit|evaluation|re-?evaluation|statement|consult(?:ation)?|form|letter|"
    r"study|results?|request|invoice|order|sheet|exam(?:ination)?|mri|ct|x-?ray|radiographs?|ultrasound|scan|"
    r"panel|prescription|referral|procedure|injection|directive|confidential|authori[sz]ation|questionnaire|"
    r"card|template|notice|determination|instructions|claim)\b",
    re.I,
)
"""Words that name a document, never an organisation ("Evaluations" in a company name does not count)."""
_FACILITY_LABEL = re.compile(r"^(facility|hospital|clinic|practice)\s*(name)?\s*:\s*(?P<v>.+)$", re.I)
_PLACE_LABEL = re.compile(r"^(location|site|place\s+of\s+service)\s*:\s*(?P<v>.+)$", re.I)
_CAPS_NAME = re.compile(r"^([A-Z][A-Z0-9&.,'’\- ]{4,}?)\s+(?=[A-Z][a-z])")
_SEGMENTS = re.compile(r"\s+[|•·—–]\s+|\s{3,}")
_NOT_FACILITY = re.compile(r"\b(patient|dob|mrn|date|page\s+\d|phone|tel|fax|claim|account)\b|re:|@|www\.", re.I)


@dataclass(frozen=True)
class Found:
    value: str | None
    page: int | None
    snippet: str
    rule: str
    warnings: tuple[str, ...] = ()


_CREDENTIAL_AFTER_SPACE = re.compile(rf"[\s,](?=[A-Z])(?:{CREDENTIALS})(?![A-Za-z])")
"""What every name with credentials has (a credential after a space, or after a comma: OCR often drops the
space in "Albright, DO"): a quick test that rules out ~90 % of lines before the slower name pattern runs."""


def _names_in(line: str) -> list[re.Match[str]]:
    if not _CREDENTIAL_AFTER_SPACE.search(line):
        return []
    return list(NAME_WITH_CREDENTIALS.finditer(line))


def credentialed_name(line: str) -> re.Match[str] | None:
    """The first name with credentials in a line ("Jane A. Roe, MD"), or None."""
    return NAME_WITH_CREDENTIALS.search(line) if _CREDENTIAL_AFTER_SPACE.search(line) else None


def _clean_name(match: re.Match[str]) -> str:
    """The name as written, with its credentials."""
    return " ".join(match.group(0).split()).rstrip(",")


_ADDRESSEE_LINE = re.compile(r"^\s*(to|attn|attention|cc|c\.c\.|dear|fax)\b\s*[:,]?", re.I)
"""A line that names whom the document is sent to, never its author."""
_ORGANISATION_AFTER = re.compile(r"^[\s,]*(inc|llc|pllc|p\.?c|group|associates|corp\w*|company)\b", re.I)
"""A name with credentials that is an organisation's ("HOUSE CALL MD INC")."""
_ANESTHESIOLOGIST = re.compile(r"anesthesiologist\s*:?\s*(dr\.?\s*)?$", re.I)
_PROSE_BEFORE = re.compile(r"\b[a-z]{2,}\W*$")
"""A lower-case word just before a name: the name is mentioned in prose ("discussed with Dr. Roe")."""
_NOT_A_NAME_CHARS = re.compile(r"\d{3,}|_{2,}|[?!]|:\s*\S")
_ANESTHESIA_RECORD = re.compile(r"\banesthesia\s+(record|note)\b", re.I)
_NAME_LABEL_ALONE = re.compile(r"^(doctor|physician|provider|clinician)(?:'s)?\s+name\s*:\s*(?P<rest>.*)$", re.I)
_ONE_WORD = re.compile(r"^[A-Z][a-zA-Z'’\-]+$")


def _name_under_label(pl: PageLines, i: int) -> str | None:
    """A name written after "Doctor Name:", on its line or broken over the next lines ("Cheryl" / "Blankenship")."""
    if pl.lines[i][:1] not in "DdPpCc":
        return None
    m = _NAME_LABEL_ALONE.match(pl.lines[i])
    if not m:
        return None
    rest = m.group("rest").strip()
    if rest:
        return rest if _PLAIN_NAME.match(rest) and not _NOT_A_NAME.search(rest) else None
    words = []
    for line in pl.lines[i + 1 : i + 4]:
        if not _ONE_WORD.match(line.strip()):
            break
        words.append(line.strip())
    name = " ".join(words)
    return name if len(words) >= 2 and not _NOT_A_NAME.search(name) else None


def find_provider(pages: Sequence[PageLines], doc_type: str = "", exclude: Sequence[str] = ()) -> Found:
    """The author: a labelled or signing clinician with credentials; else the first credentialled name.

    A lab report's provider is its ordering clinician (a laboratory director signs every report)."""
    excluded = [e.lower() for e in exclude if e]
    ranked: list[tuple[int, int, int, str, str, str]] = []  # (rank, page, line, value, snippet, rule)
    head = "\n".join(pages[0].lines[:8]) if pages else ""
    anesthesia = "nesthesia" in head.lower() and bool(_ANESTHESIA_RECORD.search(head))
    for pl in pages:
        for i, line in enumerate(pl.lines):
            matches = _names_in(line)
            if matches and _ADDRESSEE_LINE.match(line):
                continue
            for m in matches:
                value = _clean_name(m)
                if any(e in value.lower() for e in excluded) or _ORGANISATION_AFTER.match(line[m.end() :]):
                    continue
                before = line[: m.start()]
                if anesthesia and _ANESTHESIOLOGIST.search(before):
                    ranked.append((0, pl.page, i, value, snippet(line), "label:anesthesiologist (anesthesia record)"))
                    continue
                after = pl.lines[i + 1] if i + 1 < len(pl.lines) else ""
                if doc_type == "lab_report" and _ORDERING.search(before):
                    rank, rule = 0, "label:ordering (lab report)"
                elif _NOT_AUTHOR.search(before):
                    continue
                elif _AUTHOR_LABELS.search(before):
                    rank = 0
                    rule = f"label:{_AUTHOR_LABELS.search(before).group(1).lower()}"  # type: ignore[union-attr]
                elif (i > 0 and SIGNOFF.match(pl.lines[i - 1])) or (i > 1 and SIGNOFF.match(pl.lines[i - 2])):
                    rank, rule = 0, "signature after sign-off"
                elif not before.strip() and _SIGNED_LINE.match(after):
                    rank, rule = 0, "signature line"
                elif i > 0 and _AUTHOR_LABELS.search(pl.lines[i - 1]) and not before.strip():
                    rank, rule = 1, "label on the line above"
                else:
                    rank, rule = 2, "first name with credentials"
                ranked.append((rank, pl.page, i, value, snippet(line), rule))
    if not any(r[0] == 0 for r in ranked):  # "Provider: ROE, JANE" — labelled, no credentials printed
        for pl in pages:
            for i, line in enumerate(pl.lines):
                under = _name_under_label(pl, i)
                if under:
                    ranked.append((1, pl.page, i, under, snippet(line), "label:doctor name (no credentials)"))
                if ":" not in line and "by " not in line and "BY " not in line and "By " not in line:
                    continue  # every labelled name has its label's colon or a "… by" before it
                for m in _LABELLED_NAME.finditer(line):
                    if not _NOT_AUTHOR.search(line[: m.start("name")]) and not _NOT_A_NAME.search(m.group("name")):
                        rule = f"label:{' '.join(m.group('label').lower().split())} (no credentials)"
                        ranked.append((1, pl.page, i, m.group("name").strip(" ,"), snippet(line), rule))
    for pl in pages:  # a letter signed by someone without credentials (an adjuster, a case manager)
        for i, line in enumerate(pl.lines[1:], start=1):
            if SIGNOFF.match(pl.lines[i - 1]) and _PLAIN_NAME.match(line):
                ranked.append((0, pl.page, i, line, snippet(line), "signature after sign-off"))
    if not ranked:
        for pl in pages:
            for line in pl.lines:
                dr = DR_NAME.search(line) if "Dr" in line else None  # (every match holds "Dr")
                prose = dr is not None and bool(_PROSE_BEFORE.search(line[: dr.start()]))
                if dr and not prose and not _ADDRESSEE_LINE.match(line) and not _NOT_AUTHOR.search(line[: dr.start()]):
                    return Found(
                        f"Dr. {dr.group('name')}",
                        pl.page,
                        snippet(line),
                        "Dr. name without credentials",
                        ("provider has no credentials printed",),
                    )
        return Found(None, None, "", "", ("provider not found",))
    ranked.sort(key=lambda r: (r[0], r[1], r[2]))
    rank, page, _, value, snip, rule = ranked[0]
    warnings: tuple[str, ...] = ()
    if rank == 2:
        others = {r[3] for r in ranked if r[3] != value}
        if others:
            warnings = (f"provider unlabelled; other names: {', '.join(sorted(others)[:3])}",)
    return Found(value, page, snip, rule, warnings)


_PAYER = re.compile(
    r"\b(health\s+plans?|insurance|mutual|casualty|assurance|benefits?|medicare|medicaid|blue\s+(cross|shield)|"
    r"cigna|aetna|humana|united\s*healthcare|anthem|kaiser|tricare|workers'?\s+comp\w*)\b",
    re.I,
)
"""Words of a payer's name: a payer's letter comes from the payer, whatever site its "Facility:" names."""
_VALUE_TAIL = re.compile(r"\s+[—–-]+\s+(npi|tax\s*id|tin|phone|tel|fax)\b.*$|\s+npi\s*[:#]?\s*\d.*$", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’&.\-]*")


@lru_cache(maxsize=1 << 12)
def plausible_organisation(name: str) -> bool:
    """A value that reads as an organisation's name: real words (not OCR debris like "Zs a id ee", blank
    underlines or a form caption), not a person's name with credentials, not a patient header."""
    if not 3 <= len(name) <= 70:
        return False
    words = _WORD.findall(name)
    long_words = [w for w in words if len(w.strip(".")) >= 3]
    letters = sum(c.isalpha() for c in name)
    return (
        len(long_words) >= 2
        and 2 * len(long_words) > len(words)
        and (name[0].isupper() or name[0].isdigit() or bool(_PARTICLE.match(name) or FACILITY_WORDS.search(name)))
        and name.count("(") == name.count(")")
        and not _DEBRIS_MARKS.search(name)
        and letters >= 0.6 * len(name.replace(" ", ""))
        and not _NOT_A_NAME_CHARS.search(name)
        and len(words) <= 9
        and not _names_in(name)
        and not _NOT_FACILITY.search(name)
        and not DOCUMENT_WORDS.search(name)
        and not _STREET.search(name)
    )


_PARTICLE = re.compile(r"(van|von|de|del|della|di|da|du|la|le|al|el|mc)\s+[A-Z]")
"""A family name's particle, which may start an organisation's name in lower case ("van Buren Pediatrics")."""
_LEADING_SPECKS = re.compile(r"^[^\w(\"“]+(?:[a-z][^\w(]+)?")
_DEBRIS_MARKS = re.compile(r"[{}\\|\"“”]")
"""Marks no organisation writes in its name; OCR makes them of handwriting and specks ("Notes } ' aRbeQ")."""
_STREET = re.compile(
    r"\b\d{1,6}\s+(?:[A-Za-z][\w.'’]*\s+){1,4}(?:drive|dr|street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|way|"
    r"court|ct|parkway|pkwy|highway|hwy|place|pl)\b\.?|\b(?:suite|ste|p\.?\s?o\.?\s+box)\s*\d",
    re.I,
)
"""A street address ("88 Meridian Park Drive, Suite 30"): the line under a letterhead, never its name."""


def find_facility(pages: PageLines | Sequence[PageLines]) -> Found:
    """The facility: a "Facility:" label, else the letterhead at the top of the first page, else a location,
    else a facility label on a later page, else the sender of the fax that carried the first page.

    A payer's letterhead wins over the site a "Facility:" label names (a prior-authorisation notice names the
    requested service's site; the letter comes from the payer). A line holding a patient header (DOB, MRN,
    "Patient") is never a letterhead. A value that does not read as an organisation's name is dropped, with
    a warning."""
    doc = [pages] if isinstance(pages, PageLines) else list(pages)
    first_page = doc[0]
    dropped: list[str] = []
    head = _letterhead(first_page, dropped)
    if head and _PAYER.search(head.value or ""):
        return head
    found = _labelled(first_page, _FACILITY_LABEL, "label", dropped)
    if found:
        return found
    if head:
        return head
    for pl in doc:
        pattern, rule = (
            (_PLACE_LABEL, "label:location") if pl is first_page else (_FACILITY_LABEL, "label (a later page)")
        )
        found = _labelled(pl, pattern, rule)
        if found:
            return found
    if first_page.fax_sender and plausible_organisation(first_page.fax_sender.title()):
        return Found(first_page.fax_sender, first_page.page, first_page.fax_sender, "fax header sender")
    warnings = ("facility dropped: the letterhead does not read as an organisation's name",) if dropped else ()
    return Found(None, None, "", "", warnings)


def _labelled(pl: PageLines, pattern: re.Pattern[str], rule: str, dropped: list[str] | None = None) -> Found | None:
    """The first value of a facility label (``pattern``) on a page's first lines that reads as an organisation's
    name (its NPI tail cut); a value that does not is noted in ``dropped``."""
    for line in pl.lines[:40]:
        m = pattern.match(line)
        if m and not _NOT_FACILITY.search(m.group("v")):
            value = _VALUE_TAIL.sub("", m.group("v").split(" | ")[0]).strip(" ,-—")
            if plausible_organisation(value):
                return Found(value, pl.page, snippet(line), rule)
            if dropped is not None:
                dropped.append(rule)
    return None


def _letterhead(first_page: PageLines, dropped: list[str]) -> Found | None:
    top = first_page.top(6)
    for i, line in enumerate(top):
        if _NOT_FACILITY.search(line) and PATIENT_HEADER.search(line):
            continue  # a patient header band ("Roe, Jane | DOB: … | MRN: …"), never a letterhead
        if _TAGLINE.match(line):
            continue  # "Spine Surgery - Interventional Spine - Sports Medicine": what it does, not its name
        name = _SEGMENTS.split(line)[0].strip(" ,-|")  # "CLINIC NAME | services | phone": the first part
        name = _LEADING_SPECKS.sub("", name)  # "[ j Lakeview Physical Therapy": specks OCR read before it
        if cut := _ADDRESS_TAIL.match(name):
            name = cut.group("name")  # an address column OCR ran into the name: "… Associates aaa Calder, WA 98399"
        caps = _CAPS_NAME.match(name)  # "HARBORVIEW OCCUPATIONAL HEALTH Workplace Injury Care": the capitals
        if caps and FACILITY_WORDS.search(caps.group(1)):
            name = caps.group(1)
        if not (i == 0 or FACILITY_WORDS.search(name)):
            continue
        if (
            i > 0
            and FACILITY_WORDS.search(name)
            and _CAPS_LINE.match(top[i - 1])
            and not FACILITY_WORDS.search(top[i - 1])
        ):
            joined = f"{top[i - 1].strip()} {name}"  # "NORTHGATE CARE" over "HEALTH SERVICES"
            if plausible_organisation(joined):
                name = joined
        if plausible_organisation(name) and len(name.split()) >= 2:
            return Found(name, first_page.page, snippet(line), "letterhead")
        if i == 0 and name.strip():
            dropped.append("letterhead")
    return None


_CAPS_LINE = re.compile(r"^[A-Z][A-Z&'’.\- ]{2,30}$")
_ORG_KIND = (
    r"associates|clinic|hospital|center|centre|group|institute|physicians|partners|practice|llc|pllc|inc\.?|"
    r"p\.?c\.?|ltd|services|laboratories|laboratory|imaging|radiology|healthcare|health"
)
_PHRASE = r"[\w&'’./ ]{3,40}"
_TAGLINE = re.compile(rf"^(?![^|•·]*\b(?:{_ORG_KIND})\b)\s*{_PHRASE}(?:\s+[-|•·–—]\s+{_PHRASE}){{2,}}\s*$", re.I)
"""A line of three or more short phrases between dashes, bars or dots, none naming a kind of organisation: a
letterhead's tagline of services ("Spine Surgery - Interventional Spine - Sports Medicine")."""
_NAME_END = (
    rf"{_ORG_KIND}|therapy|rehabilitation|rehab|medicine|orthop(?:a)?edics|pharmacy|surgery|care|company|"
    r"corporation|insurance|mutual|casualty"
)
_ADDRESS_TAIL = re.compile(rf"^(?P<name>.{{3,60}}\b(?:{_NAME_END}))\s+(?:\S+\s+){{0,4}}?[A-Z][\w.'’ ]*,\s*[A-Z]{{2}}"
                           rf"\s+\d{{5}}(?:-\d{{4}})?\s*$", re.I)  # fmt: skip
"""A name that ends in a kind of organisation (or of care: "… Physical Therapy & Rehabilitation"), then a city,
state and ZIP code: an address column that OCR ran into the letterhead's name line ("… Rehabilitation port
Calder, WA 98998": the words before the city are skipped)."""

"""Who wrote a document (provider, as written with credentials) and where (facility)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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
    rf"(?<![A-Za-z])(?P<name>{_LAST_FIRST}|{_NAME}),?\s+(?P<cred>{_CRED}(?:\s*,\s*{_CRED})*)"
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
    r"cosign\w*|co-signed\s+by|from|examined\s+by\s+dr)"
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
    r"\b(report|note|summary|record|visit|evaluation|re-?evaluation|statement|consult(?:ation)?|form|letter|"
    r"study|results?|request|invoice|order|sheet|exam(?:ination)?|mri|ct|x-?ray|radiographs?|ultrasound|scan|"
    r"panel|prescription|referral|procedure|injection|directive|confidential|authori[sz]ation|questionnaire)\b",
    re.I,
)
"""Words that name a document, never an organisation ("Evaluations" in a company name does not count)."""
_FACILITY_LABEL = re.compile(r"^(facility|hospital|clinic|practice)\s*(name)?\s*:\s*(?P<v>.+)$", re.I)
_PLACE_LABEL = re.compile(r"^(location|site|place\s+of\s+service)\s*:\s*(?P<v>.+)$", re.I)
_CAPS_NAME = re.compile(r"^([A-Z][A-Z0-9&.,'’\- ]{4,}?)\s+(?=[A-Z][a-z])")
_SEGMENTS = re.compile(r"\s+[|•·—–]\s+|\s{3,}")
_NOT_FACILITY = re.compile(r"(patient|dob|mrn|date|page\s+\d|phone|tel|fax|re:|claim|account|@|www\.)", re.I)


@dataclass(frozen=True)
class Found:
    value: str | None
    page: int | None
    snippet: str
    rule: str
    warnings: tuple[str, ...] = ()


_CREDENTIAL_AFTER_SPACE = re.compile(rf"\s(?=[A-Z])(?:{CREDENTIALS})(?![A-Za-z])")
"""What every name with credentials has (a credential after a space): a quick test that rules out ~90 % of
lines before the slower name pattern runs."""


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


def find_provider(pages: Sequence[PageLines], doc_type: str = "", exclude: Sequence[str] = ()) -> Found:
    """The author: a labelled or signing clinician with credentials; else the first credentialled name.

    A lab report's provider is its ordering clinician (a laboratory director signs every report)."""
    excluded = [e.lower() for e in exclude if e]
    ranked: list[tuple[int, int, int, str, str, str]] = []  # (rank, page, line, value, snippet, rule)
    for pl in pages:
        for i, line in enumerate(pl.lines):
            matches = _names_in(line)
            for m in matches:
                value = _clean_name(m)
                if any(e in value.lower() for e in excluded):
                    continue
                before = line[: m.start()]
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
                dr = DR_NAME.search(line)
                if dr and not _NOT_AUTHOR.search(line[: dr.start()]):
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


def find_facility(first_page: PageLines) -> Found:
    """The facility: a "Facility:" label, else the letterhead at the top of the first page, else a location."""
    for line in first_page.lines[:40]:
        m = _FACILITY_LABEL.match(line)
        if m and not _NOT_FACILITY.search(m.group("v")):
            return Found(m.group("v").strip(), first_page.page, snippet(line), "label")
    for i, line in enumerate(first_page.top(6)):
        name = _SEGMENTS.split(line)[0].strip(" ,-|")  # "CLINIC NAME | services | phone": the first part
        caps = _CAPS_NAME.match(name)  # "HARBORVIEW OCCUPATIONAL HEALTH Workplace Injury Care": the capitals
        if caps and FACILITY_WORDS.search(caps.group(1)):
            name = caps.group(1)
        plausible = (
            3 <= len(name) <= 70
            and len(name.split()) >= 2
            and not re.search(r"\d{3,}", name)
            and not _names_in(name)
            and not _NOT_FACILITY.search(name)
            and not DOCUMENT_WORDS.search(name)
        )
        if plausible and (i == 0 or FACILITY_WORDS.search(name)):
            return Found(name, first_page.page, snippet(line), "letterhead")
    for line in first_page.lines[:40]:
        m = _PLACE_LABEL.match(line)
        if m and not _NOT_FACILITY.search(m.group("v")):
            return Found(m.group("v").strip(), first_page.page, snippet(line), "label:location")
    return Found(None, None, "", "", ())

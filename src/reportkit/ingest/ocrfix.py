"""Undo the usual OCR slips in OCR'd page text, before the date, provider and title rules read it.

Applied only to text that came from OCR (never to a PDF's own text layer). Each repair is narrow: it touches
a token only when the token's shape says what was meant — a date with ``O`` for ``0`` or ``l`` for ``1``
(``O4/l2/1978``) or a page counter with ``|`` for ``1`` (``Page 1 of |``), spaces inside a date
(``04 /12/ 1978``, ``04/12/19 78``, after a label ``1 1/24/2022``), stray punctuation between a label and
its value (``DOB:-04/12/1978``), a credential misread (``M.0.``, ``M. D.``), labels with broken spacing
(``Dateof Service``, ``D OB``), and a full stop read as a colon or semicolon after a middle initial, ``Dr``
or a sign-off (``Helen M: Castellano``, ``Dear Dr: Ruiz``, ``Sincerely;``). Prose is left alone.
"""

from __future__ import annotations

import functools
import re

from reportkit.ingest.formcolumns import pair_label_columns

_DIGITISH = r"0-9OoIl|\]"
"""Characters OCR gives for digits: O/o for 0, I/l/|/] for 1."""
_TO_DIGIT = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "]": "1"})

_NUMERIC_DATE = re.compile(
    rf"(?<![\w/])([{_DIGITISH}]{{1,2}})\s?([/.-])\s?([{_DIGITISH}]{{1,2}})\s?\2\s?"
    rf"([{_DIGITISH}](?:\s?[{_DIGITISH}]){{1,3}})(?![\w/])"
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_NAMED_DATE = re.compile(
    rf"\b({_MONTHS})(\.?\s+)([{_DIGITISH}]{{1,2}})(,?\s+)([12][{_DIGITISH}]{{3}}|[{_DIGITISH}]{{4}})(?![\w/])", re.I
)
_LABEL_JUNK = re.compile(r"(?<=[A-Za-z)])\s*([:;])\s*[-_.,~'\"`:;=*]+\s*(?=[0-9OoIl|]{1,2}\s?[/.-]|[A-Z][a-z]{2})")
_LABEL_NO_COLON = re.compile(r"\b(DOB|DOS|DOI)[;.,]\s*(?=[0-9OoIl|])")
_CREDENTIAL = re.compile(r"([a-z],?\s+)(M|D|Ph)\s?\.\s?([D0O])\s?\.(?=\s|$|,)")
_LABELS = (
    "date of birth",
    "date of service",
    "date of visit",
    "date of injury",
    "date of exam",
    "date of surgery",
    "date of procedure",
    "date of admission",
    "date of discharge",
    "discharge date",
    "admission date",
    "exam date",
    "service date",
    "collection date",
    "date collected",
)
_BROKEN_LABELS = [
    (re.compile(r"\b" + r"\s*".join(re.escape(w) for w in label.replace(" ", "")) + r"\b", re.I), label)
    for label in _LABELS
]
_INITIAL = re.compile(r"\b([A-Z][a-z]+\s+[A-Z])[:;,](\s+[A-Z][a-z'’\-]+)")
_DR = re.compile(r"\bDr[:;,](?=\s+[A-Z])")
_SIGNOFF = re.compile(
    r"^(\s*(?:very\s+)?(?:sincerely|respectfully|regards|best\s+regards|kind\s+regards|cordially|"
    r"(?:yours\s+)?truly|truly\s+yours|yours\s+sincerely)(?:\s+yours)?)\s*[;:]\s*$",
    re.I,
)
_SPLIT_NUMBER = re.compile(r"(:\s*)([0-3])\s([0-9])(?=[/.-][0-9]{1,2}[/.-][0-9]{2,4}(?![\w/]))")
"""A label's date whose first number OCR split in two ("Date of Surgery: 1 1/24/2022"): read alone, its second
digit would make another date."""
_PAGE_NUMBER = re.compile(
    rf"\b(Page|Pg\.?)(\s+)([{_DIGITISH}]{{1,3}})(?:(\s*[o0]f\s*)([{_DIGITISH}]{{1,3}}))?(?![\w/])", re.I
)
"""A page counter whose digits OCR read as strokes or letters ("Page 1 of |", "Exhibit 16 Page |"), or ran
into the "of" ("Page lof 5", "Page 2of 5", "Page 3 0f 5")."""
_LABEL_QUOTE = re.compile(
    r"\b((?i:patient|member|employee|claimant|dob|mrn))['’‘`](?=\s+(?!(?i:name|id|no|number)\b)[A-Z0-9])"
)
"""A label's colon read as a quote mark ("Patient’ Oyelaran, Ada", "DOB' 5/17/61")."""
_GLUED_DOB = re.compile(rf"(?<=[A-Za-z_~\-])(DOB|D\.O\.B\.?)(?=\s*[:;]\s*[{_DIGITISH}])")
"""A DOB label with a form's blank line or specks run into it ("T__-x-r~BDOB: 5/17/61")."""
_LABELLED_ODD_DATE = re.compile(
    r"(\b(?:date|dob|birth|collected|received|reported|service|visit|admitted|discharged)\s*[:;]\s*)"
    r"([0-9]{1,2})([/.:'’-]{1,2})([0-9]{1,2})([/.:'’-]{1,2})((?:19|20)[0-9]{2})(?![\w/])",
    re.I,
)
"""A labelled date whose separators OCR read as colons, full stops or quotes, one unlike the other
("Collection Date: 03:02.2025", "DOB: 05.17:'1949"): the date a label gives."""
_DOB_MISREAD = re.compile(r"\b[0O]OB(?=\s*[:;])")
""""DOB" with its D read as a zero or an O ("0OB: 04/15/1958")."""
_DX_CONTEXT = re.compile(r"\b(diagnos[ie]s|dx|icd)\b", re.I)
_ICD_SEPARATOR = re.compile(r"(?<![\w.])([A-TV-Z][0-9][0-9A-Z])[:\-]([0-9][0-9A-Z]{0,3})(?![\w:\-/])")
"""An ICD-10 code whose full stop OCR read as a colon or a hyphen ("M51:16", "M51-16")."""
_ICD_Z_AS_2 = re.compile(r"((?:diagnos[ie]s|dx|codes?)\s*:\s*|[;,]\s*)2([0-9]{2}\.[0-9][0-9A-Z]{0,3})(?![\w.])", re.I)
"""A Z code whose Z OCR read as 2, first after a diagnosis label or in a list of codes ("Diagnosis: 247.89;
M51.16" for Z47.89): where only a code can stand."""
_ICD_LETTER_AS_DIGIT = re.compile(r"(?<![\w.])([A-TV-Z])([SOoIl])([0-9])(\.[0-9A-Z]{1,4})(?![\w.])")
"""A code whose second character (a digit in every ICD-10 code) OCR read as a letter ("MS1.16" for M51.16)."""
_ICD_PARENTHESISED = re.compile(r"\(([A-TV-Z][0-9][0-9A-Z])[:\-]([0-9][0-9A-Z]{0,3})\)")
"""A code in parentheses after its description, its full stop read as a colon or hyphen ("(M51-16)")."""
_CREDENTIAL_GLUED = re.compile(r"(?<=[a-z]),(?=(?:MD|DO|DC|PA-C|NP|RN|PT|DPT|PhD|FACS)\b)")
"""A credential OCR joined to the name's comma ("Renee Albright,DO")."""
_ICD_S_AS_DOLLAR = re.compile(r"\$([0-9]{2}\.(?:[0-9]{2}[0-9A-Z]{1,2}|[0-9][0-9A-Z]?[A-Z]))(?![\w.])")
"""An S code whose S OCR read as $ ("$39.012A" for S39.012A): no amount has three decimals or a letter."""
_SPACED_ABBREV = re.compile(r"\b(D)\s(O)\s?(B|S|I)\b|\b(D)\s?(O)\s(B|S|I)\b")


def _digits(token: str) -> str:
    return token.translate(_TO_DIGIT).replace(" ", "")


def _fix_numeric(match: re.Match[str]) -> str:
    month, sep, day, year = match.group(1), match.group(2), match.group(3), match.group(4)
    raw = month + day + year
    if sum(ch.isdigit() for ch in raw) < 3:
        return match.group(0)  # mostly letters: not a date
    year_digits = _digits(year)
    if len(year_digits) not in (2, 4):
        return match.group(0)
    return f"{_digits(month)}{sep}{_digits(day)}{sep}{year_digits}"


def _fix_named(match: re.Match[str]) -> str:
    day, year = match.group(3), match.group(5)
    if not any(ch.isdigit() for ch in day + year):
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{_digits(day)}{match.group(4)}{_digits(year)}"


def _fix_label(match: re.Match[str], label: str) -> str:
    found = match.group(0)
    if found.lower() == label:
        return found
    words = label.split()
    # keep the case style the page used: all capitals, or capitalised words
    if found.replace(" ", "").isupper():
        return label.upper()
    return " ".join(w if w == "of" else w.capitalize() for w in words)


def _fix_page_number(match: re.Match[str]) -> str:
    word, space, k, _of, n = match.groups()
    fixed = f"{word}{space}{_digits(k)}" + (f" of {_digits(n)}" if n else "")
    if not (k + (n or "")).translate(_TO_DIGIT).isdigit() or not any(c.isdigit() or c in "|]" for c in k + (n or "")):
        return match.group(0)  # "Page lo", "Page I": letters, not a number
    return fixed


def _fix_odd_date(match: re.Match[str]) -> str:
    label, month, first, day, second, year = match.groups()
    if first == second and first in "/.-":
        return match.group(0)  # a date as written ("03.04.2024" stays: its dots may mean day first)
    return f"{label}{month}/{day}/{year}"


def _fix_icd_letter(match: re.Match[str]) -> str:
    letter, misread, digit, rest = match.groups()
    return letter + {"S": "5", "O": "0", "o": "0"}.get(misread, "1") + digit + rest


def _fix_credential(match: re.Match[str]) -> str:
    before, first = match.group(1), match.group(2)
    return before + {"M": "M.D.", "Ph": "Ph.D."}.get(first, "D.O.")


def normalise_ocr(text: str) -> str:
    """OCR'd page text with dates, labels and credentials repaired, and a form's labels put back beside their
    values where OCR read them as two columns (:mod:`reportkit.ingest.formcolumns`)."""
    lines = []
    for line in text.split("\n"):
        if not line.strip():
            lines.append(line)
            continue
        line = _SPACED_ABBREV.sub(lambda m: "".join(g for g in m.groups() if g), line)
        for pattern, label in _BROKEN_LABELS:
            line = pattern.sub(functools.partial(_fix_label, label=label), line)
        line = _LABEL_QUOTE.sub(r"\1:", line)
        line = _GLUED_DOB.sub(r" \1", line)
        line = _LABEL_JUNK.sub(lambda m: ": " if m.group(1) == ";" else m.group(1) + " ", line)
        line = _LABEL_NO_COLON.sub(lambda m: m.group(1) + ": ", line)
        line = _DOB_MISREAD.sub("DOB", line)
        line = _SPLIT_NUMBER.sub(r"\1\2\3", line)
        line = _LABELLED_ODD_DATE.sub(_fix_odd_date, line)
        line = _NUMERIC_DATE.sub(_fix_numeric, line)
        line = _NAMED_DATE.sub(_fix_named, line)
        line = _PAGE_NUMBER.sub(_fix_page_number, line)
        if _DX_CONTEXT.search(line):  # a diagnosis line: codes, not amounts or times
            line = _ICD_Z_AS_2.sub(r"\1Z\2", _ICD_SEPARATOR.sub(r"\1.\2", line))
            line = _ICD_S_AS_DOLLAR.sub(r"S\1", _ICD_LETTER_AS_DIGIT.sub(_fix_icd_letter, line))
        line = _ICD_PARENTHESISED.sub(r"(\1.\2)", line)
        line = _CREDENTIAL_GLUED.sub(", ", line)
        line = _CREDENTIAL.sub(_fix_credential, line)
        line = _INITIAL.sub(r"\1.\2", line)
        line = _DR.sub("Dr.", line)
        line = _SIGNOFF.sub(r"\1,", line)
        lines.append(line)
    return pair_label_columns("\n".join(lines))

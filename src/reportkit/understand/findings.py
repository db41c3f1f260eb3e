"""Key passages quoted verbatim (IMPRESSION, ASSESSMENT, DIAGNOSES, PROCEDURE, PLAN, WORK STATUS,
RESTRICTIONS, and a letter's first sentences) and diagnoses with their ICD-10 codes as printed."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reportkit.models import Diagnosis, Finding
from reportkit.understand.people import NAME_WITH_CREDENTIALS
from reportkit.understand.prefilter import folded
from reportkit.understand.text import PageLines, fold, line_pattern, lines_with

_KEY_LABELS: list[tuple[str, re.Pattern[str]]] = [
    (label, re.compile(rf"^\s*(?:\d+\.\s*)?(?P<h>{pattern})\s*(?::|-|—|$)\s*(?P<rest>.*)$", re.I))
    for label, pattern in [
        ("IMPRESSION", r"impressions?|conclusions?"),
        ("ASSESSMENT", r"assessment(?:\s*(?:and|&|/)\s*plan)?|clinical\s+impression"),
        ("DIAGNOSES", r"(?:final\s+|discharge\s+|post-?operative\s+|admitting\s+|working\s+)?diagnos[ie]s"),
        ("PROCEDURE", r"(?:name\s+of\s+)?(?:procedures?|operations?)(?:\s+performed)?"),
        ("PLAN", r"plan(?:\s+of\s+care)?|recommendations?"),
        ("WORK STATUS", r"work\s+status|duty\s+status|work\s+capacity|return\s+to\s+work"),
        ("RESTRICTIONS", r"(?:work\s+)?restrictions?|limitations"),
    ]
]
_HEADING = re.compile(r"^\s*(?:\d+\.\s*)?[A-Z][A-Za-z /&()\-]{2,45}:\s*|^[A-Z][A-Z0-9 /&()\-,]{3,60}$")
_SIGNATURE = re.compile(
    r"(electronically\s+)?signed|signature|dictated|transcribed|^page\s+\d+\s+of|^(very\s+)?sincerely", re.I
)
_SIGNATURE_FOLDED = folded(_SIGNATURE)
MAX_FINDING_CHARS = 700

ICD10 = re.compile(r"(?P<code>[A-TV-Z](?<!\w[A-TV-Z])[0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)\b")
r"""An ICD-10 code: ``\b(?P<code>[A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)\b``, its leading word boundary
written as a look-behind after the first letter (no word character before it), so that the pattern starts
with a class and the regex engine skips ahead to the capitals (twice as fast over a page)."""
_DX_SECTION = re.compile(r"diagnos|assessment|impression", re.I)
_ICD_CONTEXT = re.compile(r"\(\s*(ICD-?10[:\s]*)?[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?\s*\)|ICD", re.I)
_SPINE_LEVEL = re.compile(r"^[CTLS]\d{1,2}$")


_LABEL_WORDS = (
    r"^\s*(?:\d+\.\s*)?(?:impression|conclusion|assessment|clinical|final|discharge|post|admitting|working|"
    r"diagnos|plan|recommendation|work|duty|return|restriction|limitation|procedure|operation|name)"
)
_LABEL_START = re.compile(_LABEL_WORDS, re.I)
"""The words a key label can start with: one test that rules out most lines before the six label patterns."""
_LABEL_START_LINES = line_pattern(_LABEL_WORDS, re.I)
"""The same test over a whole page."""


def _match_label(line: str) -> tuple[str, str] | None:
    if not _LABEL_START.match(line):
        return None
    for label, pattern in _KEY_LABELS:
        m = pattern.match(line)
        if m and (
            m.group("rest")
            or line.strip().rstrip(":").upper() == line.strip().rstrip(":")
            or line.rstrip().endswith(":")
        ):
            return label, m.group("rest")
    return None


_FOOTER = re.compile(r"^(page\s+\d{1,4}(\s*(of|/)\s*\d{1,4})?|-\s*\d{1,4}\s*-)$", re.I)


def _ends_passage(line: str) -> bool:
    """A signature block ("signed", "dictated", or a name with credentials alone on its line) or a page
    footer ("Page 2", "Page 2 of 3", "- 2 -")."""
    if _SIGNATURE_FOLDED.found(line) or _FOOTER.match(line.strip()):
        return True
    m = NAME_WITH_CREDENTIALS.match(line)
    return m is not None and len(line) - m.end() < 3


def _is_heading(line: str) -> bool:
    return (bool(_HEADING.match(line)) and not ICD10.match(line.strip())) or bool(_LAB_HEADER.match(line))


_LAB_HEAD = r"^\s*(?:test(?:\s+name)?|component|analyte|lab(?:oratory)?\s+test)\s+.*\bresults?\b"
_LAB_HEADER = re.compile(_LAB_HEAD, re.I)
_LAB_HEADER_LINES = line_pattern(_LAB_HEAD, re.I)
"""The same, over a whole page at once: most pages have no results table."""
"""The head of a table of laboratory results ("Test  Result  Flag  Reference range  Units")."""
_LAB_VALUE = (
    r"[<>≤≥]?\s?\d[\d.,]*(?:\s?%)?|negative|positive|non-?reactive|reactive|not\s+detected|detected|"
    r"trace|normal|abnormal|(?:A|B|AB|O)\s+(?:POS|NEG)(?:ITIVE|ATIVE)?"
)
_LAB_ROW = re.compile(
    rf"^\s*(?P<name>[A-Za-z][A-Za-z0-9 ,/()'+.-]{{0,40}}?)\s+(?P<value>{_LAB_VALUE})"
    r"(?:\s+(?P<flag>HH|LL|H|L|A|high|low|critical))?(?:\s+(?P<ref>.*?))?\s*$",
    re.I,
)
RESULT_SEPARATOR = "; "
"""Between the rows of a RESULTS finding: ``WBC 7.2 [4.0 - 11.0 x10^3/uL]; Glucose, fasting 112 H [70 - 99 mg/dL]``."""
MAX_RESULTS = 40


def _results(pl: PageLines) -> Finding | None:
    """A table of laboratory results, row by row: test, result, flag, reference range and units."""
    for i in lines_with(_LAB_HEADER_LINES, pl):
        rows = []
        for row in pl.lines[i + 1 : i + 1 + MAX_RESULTS]:
            m = _LAB_ROW.match(row)
            if m is None:
                break
            flag = f" {m.group('flag').upper()}" if m.group("flag") else ""
            ref = f" [{fold(m.group('ref'))}]" if m.group("ref") else ""
            rows.append(f"{fold(m.group('name'))} {fold(m.group('value'))}{flag}{ref}")
        if len(rows) >= 2:
            return Finding("RESULTS", RESULT_SEPARATOR.join(rows), pl.page)
    return None


_RESULT_ROW = re.compile(
    r"^(?P<name>.+?) (?P<value>\S+(?: (?:POS|NEG)\w*)?)(?: (?P<flag>HH|LL|H|L|A|HIGH|LOW|CRITICAL))?"
    r"(?: \[(?P<ref>.*)\])?$"
)


def result_rows(finding: Finding) -> list[tuple[str, str, str, str]]:
    """The rows of a RESULTS finding as (test, result, flag, reference range and units)."""
    out = []
    for row in finding.text.split(RESULT_SEPARATOR):
        m = _RESULT_ROW.match(row)
        if m:
            out.append((m.group("name"), m.group("value"), m.group("flag") or "", m.group("ref") or ""))
    return out


_SALUTATION = line_pattern(r"^\s*(?:dear\s+\S.*[,:]|to\s+whom\s+it\s+may\s+concern\s*[,:]?)\s*$", re.I)
_CLOSING = re.compile(r"^\s*(sincerely|yours|regards|respectfully|thank you|kind regards|cc\s*:|enclosures?)\b", re.I)
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bInc)(?<!\bNo)(?<!\bSt)(?<!\bvs)[.?!](?=\s+[A-Z(\"“]|\s*$)"
)
"""A sentence's end, not an initial ("Daniel R. Okafor") or a title ("Dr. Voss")."""
LETTER_CHARS = 300
"""How much of a letter's body its LETTER finding quotes: the first sentences, which say what it is about."""


def _letter(pl: PageLines) -> Finding | None:
    """A letter's first sentences, after its salutation ("Dear Dr. Voss:"), up to two sentences."""
    for i in lines_with(_SALUTATION, pl):
        body: list[str] = []
        for line in pl.lines[i + 1 :]:
            if _CLOSING.match(line) or _ends_passage(line) or (body and _is_heading(line)):
                break
            body.append(line)
            text = fold(" ".join(body))
            if len(_SENTENCE_END.findall(text)) >= 2 or len(text) >= LETTER_CHARS:
                break
        text = fold(" ".join(body))
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        text = text[: ends[1]] if len(ends) >= 2 else text
        text = re.sub(r"\s+\(?\d{1,2}[.)]$", "", text)  # a list's first number is not a sentence
        if text:
            return Finding("LETTER", text, pl.page)
    return None


def find_findings(pages: Sequence[PageLines]) -> list[Finding]:
    """Each key passage: its heading's label, its text verbatim (whitespace folded), the page it starts on;
    and a letter's first sentences (``LETTER``)."""
    found: list[Finding] = []
    letter = next((f for pl in pages[:2] if (f := _letter(pl)) is not None), None)
    if letter is not None:
        found.append(letter)
    found += [f for pl in pages if (f := _results(pl)) is not None]
    for pl in pages:
        lines = pl.lines
        after = 0  # lines before this are inside a passage already quoted
        for i in lines_with(_LABEL_START_LINES, pl):
            if i < after:
                continue
            matched = _match_label(lines[i])
            if not matched:
                continue
            label, rest = matched
            body = [rest] if rest.strip() else []
            j = i + 1
            while j < len(lines) and not _is_heading(lines[j]) and not _ends_passage(lines[j]):
                body.append(lines[j])
                j += 1
            text = fold(" ".join(body))
            if text:
                if len(text) > MAX_FINDING_CHARS:
                    text = text[: MAX_FINDING_CHARS - 1].rstrip() + "…"
                found.append(Finding(label, text, pl.page))
            after = j
    return found


def _code_text(line: str, codes: list[re.Match[str]], k: int) -> str:
    """The words that name a code: before it when it is in parentheses ("Low back pain (M54.50)"),
    else after it up to the next code ("M54.50 - Low back pain; M51.16 …"); the whole line for a lone code."""
    m = codes[k]
    start = codes[k - 1].end() if k else 0
    end = codes[k + 1].start() if k + 1 < len(codes) else len(line)
    if line[: m.start()].rstrip().endswith("("):
        text = line[start : m.start()]
    elif len(codes) == 1:
        text = line[: m.start()] + " " + line[m.end() :]
    else:
        text = line[m.end() : end]
    text = _LABEL_PREFIX.sub("", text.strip(" ;,"))
    text = re.sub(r"^\s*(?:\d+[.)]|[-•*])\s*", "", text)
    text = re.sub(r"\(\s*(ICD-?10[:\s]*)?\s*\)|ICD-?10\s*:?", "", text, flags=re.I)
    return fold(text.strip(" -–—:;,()"))


_LABEL_PREFIX = re.compile(r"^\s*[A-Za-z][A-Za-z /&]{2,40}:\s*")


def _in_dx_section(lines: Sequence[str], i: int) -> bool:
    """Whether line ``i`` is in a diagnosis, assessment or impression section: the nearest key label at or
    above it is one of those, with no other heading in between."""
    for line in reversed(lines[: i + 1]):
        label = _match_label(line)
        if label:
            return label[0] in ("DIAGNOSES", "ASSESSMENT", "IMPRESSION")
        if _is_heading(line) and not _DX_SECTION.search(line):
            return False
    return False


def find_diagnoses(pages: Sequence[PageLines]) -> list[Diagnosis]:
    """ICD-10 codes as printed, with the text of their line; codes without a dot only where context says so."""
    seen: set[str] = set()
    found: list[Diagnosis] = []
    for pl in pages:
        # only the lines with a code-shaped word (none on about half of all pages)
        for i in lines_with(ICD10, pl):
            line = pl.lines[i]
            codes = [
                m
                for m in ICD10.finditer(line)
                if not _SPINE_LEVEL.match(m.group("code"))
                and ("." in m.group("code") or _ICD_CONTEXT.search(line) or _in_dx_section(pl.lines, i))
            ]
            for k, m in enumerate(codes):
                code = m.group("code")
                if code in seen:
                    continue
                seen.add(code)
                found.append(Diagnosis(code, _code_text(line, codes, k), pl.page))
    return found

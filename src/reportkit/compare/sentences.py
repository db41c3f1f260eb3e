"""Page texts cut into sentences, each under the heading it falls under.

Lines are joined into a unit while they run to the page's full width (wrapped prose); a short line, a line
ending a sentence, a heading, a numbered item, a checkbox or a ``Label:`` starts or ends one. Units are split at
sentence ends (not after an initial, ``Dr.``, ``Mr.`` or a list number). The text is the page's own,
whitespace folded; nothing is added.

Left out: lines printed on three or more pages (letterheads, fax headers, a form's fine print; a running
header or footer that differs only in its numbers counts too) and unchecked boxes (``[ ] Full duty``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from reportkit.compare.model import Sentence
from reportkit.understand.text import fold  # whitespace folded: the only change a snippet's text undergoes

REPEATED = 3
"""A line on this many pages or more is boilerplate."""
EDGE = 3
"""Lines from the top and bottom of a page where running headers and footers are looked for."""
WRAPPED = 0.7
"""A line at least this share of the page's longest line is wrapped prose: the next line continues it."""

_UNCHECKED = re.compile(r"^\[\s?\]\s")
_CHECKED = re.compile(r"^\[[xX✓✔]\]\s")
_ITEM = re.compile(r"^(?:\(?\d{1,2}[.)]|[•▪◦*-])\s")
_LABEL = re.compile(r"^([A-Z][A-Za-z/&' -]{0,40}?)\s?:\s+(?=\S)")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[\[(\"“A-Z0-9])")
_NOT_AN_END = re.compile(
    r"(?:\b(?:Dr|Mr|Mrs|Ms|St|Jr|Sr|vs|No|Nos|approx|Inc|Ltd|Co|Fig|pp|p|Esq|Dept|e\.g|i\.e|cf|al)|\b[A-Z])$"
)
_LIST_NUMBER = re.compile(r"^\(?(?:\d{1,2}|[a-z])$")
_LEADING_NUMBER = re.compile(r"^\(?\d{1,2}[.)]\s+")
_DIGITS = re.compile(r"\d+")
_ENDS = re.compile(r"[.!?:][\"”)]?$")


def boilerplate(texts: Sequence[str]) -> frozenset[str]:
    """The lines (folded) printed on REPEATED pages or more, and the running headers and footers that differ
    only in their numbers (``P. 005/010``), as digit-masked keys (``#`` for each run of digits)."""
    exact: Counter[str] = Counter()
    edges: Counter[str] = Counter()
    for text in texts:
        lines = [fold(line) for line in text.splitlines() if line.strip()]
        exact.update(set(lines))
        edges.update({_masked(line) for line in lines[:EDGE] + lines[-EDGE:]})
    same = {line for line, n in exact.items() if n >= REPEATED and not _CHECKED.match(line) and not _heading(line)}
    masked = {key for key, n in edges.items() if n >= REPEATED and not _CHECKED.match(key)}
    return frozenset(same | masked)


def _masked(line: str) -> str:
    return "\x00" + _DIGITS.sub("#", line)


def _heading(line: str) -> str:
    """The heading a line is (``PLAN``, ``WORK STATUS``), or ''."""
    bare = line.rstrip(":").strip()
    letters = [c for c in bare if c.isalpha()]
    if not letters or len(bare) > 60 or bare.startswith("["):
        return ""
    if any(c.islower() for c in letters) or not re.search(r"[A-Z]{3}", bare):
        return ""
    if sum(c.isdigit() for c in bare) > 2:
        return ""
    return bare


def _label(line: str) -> str:
    m = _LABEL.match(line)
    return m.group(1).strip() if m else ""


def _is_section_label(label: str) -> bool:
    """An upper-case label (``DIAGNOSES: …``) opens a section; a mixed-case one (``Plan: …``) labels its line."""
    letters = [c for c in label if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def units(text: str, boiler: frozenset[str]) -> Iterator[tuple[str, str, str]]:
    """(section, label, text) for each run of lines that belong together on a page."""
    lines = [fold(line) for line in text.splitlines()]
    width = max((len(line) for line in lines), default=0)
    section, label = "", ""
    current: list[str] = []
    for line in lines:
        starts = not line or line in boiler or _masked(line) in boiler or _UNCHECKED.match(line)
        heading = "" if starts else _heading(line)
        named = "" if starts or heading else _label(line)
        if current and (starts or heading or named or _ITEM.match(line) or _CHECKED.match(line)):
            yield section, label, " ".join(current)
            current, label = [], ""
        if starts:
            continue
        if heading:
            section = heading
            continue
        if named:
            label = named
            if _is_section_label(named):
                section = named.upper()
        current.append(line)
        if len(line) < WRAPPED * width or _ENDS.search(line):
            yield section, label, " ".join(current)
            current, label = [], ""
    if current:
        yield section, label, " ".join(current)


def split(text: str) -> list[str]:
    """``text`` cut at its sentence ends, list numbers (``2.``) taken off the front; each piece verbatim."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        piece = text[start : m.end()].strip()
        before = text[start : m.start()].strip()
        last_word = before.split()[-1] if before.split() else ""
        if _LIST_NUMBER.match(before) or _NOT_AN_END.search(last_word):
            continue
        out.append(piece)
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in (_LEADING_NUMBER.sub("", p) for p in out) if re.search(r"[A-Za-z]{2}", s)]


def page_sentences(page: int, text: str, boiler: frozenset[str]) -> list[Sentence]:
    """Every sentence of a page (bundle ``page``), under its heading."""
    return [
        Sentence(page, section, label, sentence)
        for section, label, unit in units(text, boiler)
        for sentence in split(unit)
    ]

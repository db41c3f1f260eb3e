"""Checking each citation of a report against the record index: does the page exist, which document is it,
does the sentence's date and provider fit that document, and is a quoted passage on the cited page (or on
which page it is)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from reportkit import cite
from reportkit.citecheck.find import Citation
from reportkit.index.export import clip
from reportkit.models import Document, RecordIndex

OK = "ok"
NO_PAGE = "no such page"
QUOTE = "quote not on page"
DATE = "date differs"
PROVIDER = "provider differs"
UNVERIFIABLE = "unverifiable"
ORDER = (NO_PAGE, QUOTE, DATE, PROVIDER, UNVERIFIABLE, OK)
"""Verdicts, the gravest first: a row shows the gravest of its problems (all are in its detail)."""
QUOTE_MATCH = 0.8
"""How alike (0-1, word by word) a quote and a passage of the page must be: an OCR slip and a word added or
changed pass in a ten-word quote; another passage on the same subject does not."""

_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Row:
    citation: str
    pages: tuple[int, ...]
    """Bundle pages the citation names (those that exist)."""
    document: str
    """The cited document: ``D0011 imaging 2024-03-12 Arjun Mehta, MD`` (the first, when several)."""
    verdict: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"citation": self.citation, "pages": list(self.pages), "document": self.document,
                "verdict": self.verdict, "detail": self.detail}  # fmt: skip


@dataclass(frozen=True)
class BatesPages:
    """How Bates numbers and exhibit pages lead to bundle pages (from a packet's bates_map.json)."""

    by_number: Mapping[tuple[str, int], int]
    """(prefix, number) → bundle page."""
    exhibits: Mapping[str, tuple[str, int]]
    """Exhibit designation ("3") → (prefix, number of its first page)."""

    @classmethod
    def of(cls, bates: Mapping[int, str] | None, bates_map: Mapping[str, Any] | None) -> BatesPages | None:
        if bates is None:
            return None
        by_number = {}
        for page, label in bates.items():
            m = re.fullmatch(r"(.*?)(\d+)", label)
            if m:
                by_number[(m.group(1), int(m.group(2)))] = page
        exhibits = {}
        for e in (bates_map or {}).get("exhibits", []):
            m = re.fullmatch(r"(.*?)(\d+)", str(e.get("first", "")))
            if m:
                exhibits[str(e.get("designation") or e.get("label", "")).split()[-1]] = (m.group(1), int(m.group(2)))
        return cls(by_number, exhibits)


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower().replace("ﬁ", "fi"))


def quote_on(quote: str, text: str) -> bool:
    """Whether ``quote`` is on a page whose text is ``text``, word by word, allowing OCR slips."""
    want, have = _words(quote), _words(text)
    if not want:
        return True
    if " ".join(want) in " ".join(have):
        return True
    n = len(want)
    firsts = set(want[:3])
    for start in range(len(have)):
        if have[start] not in firsts:  # a passage begins with one of the quote's first words
            continue
        for size in (n - 1, n, n + 1):  # a word dropped or added by the writer or by OCR
            window = have[start : start + size]
            if SequenceMatcher(None, want, window, autojunk=False).ratio() >= QUOTE_MATCH:
                return True
    return False


def _surname(provider: str) -> str:
    name = provider.split(",")[0].strip().split()
    return name[-1] if name else ""


def _named(doc: Document) -> str:
    return " ".join(x for x in (doc.id, doc.doc_type, doc.date or "undated", doc.provider or "") if x)


def _pages(c: Citation, index: RecordIndex, mapping: BatesPages | None) -> tuple[list[int], list[str]]:
    """The bundle pages a citation names, and problems in finding them."""
    if c.kind == "pages":
        wanted = [p for a, b in c.spans for p in range(a, b + 1)]
        missing = [p for p in wanted if not 1 <= p <= index.page_count]
        if not missing:
            return wanted, []
        said = f"{NO_PAGE}: the records have {index.page_count} pages (no {cite.pages(missing[0], missing[-1])})"
        return [p for p in wanted if p not in missing], [said]
    if mapping is None:
        kind = "an exhibit" if c.kind == "exhibit" else "a Bates"
        return [], [f"{UNVERIFIABLE}: {kind} citation needs the packet's Bates map (--bates-map)"]
    if c.kind == "bates":
        numbers = [n for a, b in c.spans for n in range(a, b + 1)]
        pages = [mapping.by_number.get((c.prefix, n)) for n in numbers]
        if any(p is None for p in pages):
            return [p for p in pages if p], [f"{NO_PAGE}: {c.text} is not (all) in the Bates map"]
        return [p for p in pages if p], []
    assert c.exhibit is not None
    number, first, last = c.exhibit
    start = mapping.exhibits.get(str(number))
    if start is None:
        return [], [f"{NO_PAGE}: no exhibit {number} in the packet"]
    pages = [mapping.by_number.get((start[0], start[1] + k - 1)) for k in range(first, last + 1)]
    if any(p is None for p in pages):
        return [p for p in pages if p], [f"{NO_PAGE}: exhibit {number} has no page {last}"]
    return [p for p in pages if p], []


def check(
    citations: Sequence[Citation],
    index: RecordIndex,
    texts: Sequence[str] | None,
    mapping: BatesPages | None = None,
) -> list[Row]:
    """A row per citation; ``texts``: the bundle's page texts (None: quotes cannot be checked)."""
    surnames = {s for s in (_surname(d.provider) for d in index.documents if d.provider) if len(s) > 2}
    rows = []
    for c in citations:
        pages, problems = _pages(c, index, mapping)
        docs = [d for d in index.documents if any(d.first_page <= p <= d.last_page for p in pages)]
        if docs and c.dates:
            spans = [(d.date, d.last_date or d.end_date or d.date) for d in docs if d.date]
            if spans and not any(a and b and a <= when <= b for when in c.dates for a, b in spans):
                dated = ", ".join(sorted({d.date for d in docs if d.date}))
                problems.append(f"{DATE}: the sentence says {', '.join(c.dates)}; the cited record is dated {dated}")
        if docs:
            named = {s for s in surnames if re.search(rf"\b{re.escape(s)}\b", c.sentence)}
            theirs = {_surname(d.provider) for d in docs if d.provider}
            if named and theirs and not named & theirs:
                by = "; ".join(sorted({d.provider for d in docs if d.provider}))
                problems.append(
                    f"{PROVIDER}: the sentence names {', '.join(sorted(named))}; the cited record is by {by}"
                )
        for quote in c.quotes if pages else ():
            if texts is None:
                problems.append(f"{UNVERIFIABLE}: no page texts beside the index to check the quote (index again)")
                break
            if any(quote_on(quote, texts[p - 1]) for p in pages):
                continue
            elsewhere = [n for n, text in enumerate(texts, start=1) if quote_on(quote, text)]
            shown = ", ".join(map(str, elsewhere[:5])) + (" …" if len(elsewhere) > 5 else "")
            where = (
                f"found on {'p.' if len(elsewhere) == 1 else 'pp.'} {shown}"
                if elsewhere
                else "not found in the records"
            )
            problems.append(f"{QUOTE}: \u201c{clip(quote, 60)}\u201d {where}")
        verdict = min((p.split(":")[0] for p in problems), key=ORDER.index, default=OK)
        rows.append(Row(c.text, tuple(pages), _named(docs[0]) if docs else "", verdict, "; ".join(problems)))
    return rows

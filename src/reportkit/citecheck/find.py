"""Finding record citations in a report's text: page forms ("p. 12", "pp. 13–14", "page 7", "(p. 10-11)",
"pp. 4, 6-7"), Bates numbers ("OKAFOR0000123", "OKAFOR0000123–125") for the prefixes of a Bates map, and
exhibit pages ("Ex. 3 at 4"); each with the sentence it stands in, and what that sentence states: quotes and
dates. Pure functions of the text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

_DASH = r"\s*(?:-|–|—|to|through)\s*"
_PAGES = re.compile(
    rf"\b(?P<word>pp?\.|pages?|pgs?\.)\s*(?P<list>\d{{1,5}}(?:{_DASH}\d{{1,5}})?(?:\s*(?:,|and|&)\s*\d{{1,5}}"
    rf"(?:{_DASH}\d{{1,5}})?)*)",
    re.I,
)
_EXHIBIT = re.compile(
    rf"\bEx(?:h(?:ibit)?)?\.?\s*(?P<exhibit>\d{{1,4}})\s*(?:at|,\s*p(?:age|\.)?)\s*(?P<page>\d{{1,5}})"
    rf"(?:{_DASH}(?P<last>\d{{1,5}}))?",
    re.I,
)
_QUOTE = re.compile(r"[\"“]([^\"“”]{12,600})[\"”]")
_SENTENCE_END = re.compile(r"(?<!\b[A-Z]\.)(?<=[.!?])\s+(?=[A-Z(\"“])")
"""A sentence end: not after an initial ("Helen M. Castellano")."""
_NOT_OF_CARE = re.compile(r"\b(?:d\.?o\.?b|birth|born|d\.?o\.?i|injury|injured)\b\W*(?:on\W*)?$", re.I)
_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}  # fmt: skip
_DATES = re.compile(
    r"\b(?P<iso>\d{4}-\d{2}-\d{2})\b"
    r"|\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})\b"
    r"|\b(?P<mon>[A-Z][a-z]{2,8})\.? (?P<md>\d{1,2}),? (?P<my>\d{4})\b"
    r"|\b(?P<dd>\d{1,2}) (?P<dmon>[A-Z][a-z]{2,8}) (?P<dy>\d{4})\b"
)


@dataclass(frozen=True)
class Citation:
    text: str
    """The citation as the report writes it ("pp. 13–14")."""
    sentence: str
    kind: str
    """``pages``, ``bates`` or ``exhibit``."""
    spans: tuple[tuple[int, int], ...] = ()
    """Ranges of bundle pages (``pages``) or of Bates numbers without their prefix (``bates``)."""
    prefix: str = ""
    """The Bates prefix (``bates``)."""
    exhibit: tuple[int, int, int] | None = None
    """(exhibit, first page, last page) for ``exhibit``."""
    quotes: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()


_NOT_THE_RECORDS = re.compile(
    r"\b(?:table|figure|fig\.|grid|chapter|guides|edition|ed\.)\s*[\w.\-–]*[,;:]?\s*(?:at\s+)?$", re.I
)
"""What a page number right after it belongs to: a book's page (the AMA Guides' Table 17-4, p. 570), not the
record bundle's."""
_OWN_PAGE = re.compile(r"\s*of\s+\d{1,5}\b", re.I)
"""After "Page 3": "of 15", the report's own page footer, not a record page."""


def sentences(text: str) -> list[str]:
    """The text's sentences (paragraphs split at sentence ends; a list item or a Markdown table row is one on
    its own), whitespace tidied."""
    out = []
    for paragraph in re.split(r"\n\s*\n|\n(?=\s*[-•*\d]+[.)]?\s)|\n(?=\s*\|)", text):
        flat = " ".join(paragraph.split())
        out += [s for s in _SENTENCE_END.split(flat) if s]
    return out


def _slash_date(year: int, first: int, second: int) -> list[date]:
    """Month first, then day first: each reading that is a date."""
    out = []
    for month, day in ((first, second), (second, first)):
        try:
            out.append(date(year, month, day))
        except ValueError:
            continue
    return out


def dates_in(text: str) -> tuple[str, ...]:
    """ISO dates the text states (2024-03-12, March 12, 2024, 12 March 2024, and slash dates: 03/12/2024 is
    both 12 March and 3 December, as a report may write either order; 25/03/2024 is only 25 March)."""
    found = []
    for m in _DATES.finditer(text):
        if _NOT_OF_CARE.search(text[max(0, m.start() - 20) : m.start()]):
            continue  # a date of birth or of injury says nothing of when the cited record was made
        try:
            if m["iso"]:
                found.append(date.fromisoformat(m["iso"]))
            elif m["m"]:
                found += _slash_date(int(m["y"]), int(m["m"]), int(m["d"]))
            elif m["mon"] and _month(m["mon"]):
                found.append(date(int(m["my"]), _month(m["mon"]), int(m["md"])))
            elif m["dmon"] and _month(m["dmon"]):
                found.append(date(int(m["dy"]), _month(m["dmon"]), int(m["dd"])))
        except ValueError:
            continue
    return tuple(dict.fromkeys(d.isoformat() for d in found))


def _month(name: str) -> int:
    """1-12 for a month's name or its first three letters ("Mar", "March"); 0 for another word."""
    return next((n for full, n in _MONTHS.items() if full.startswith(name.lower()[:3]) and len(name) >= 3), 0)


def _page_spans(listed: str) -> tuple[tuple[int, int], ...]:
    out = []
    for part in re.split(r"\s*(?:,|and|&)\s*", listed):
        bounds = [int(n) for n in re.findall(r"\d+", part)]
        if not bounds:
            continue
        first, last = bounds[0], bounds[-1]
        if last < first and len(str(last)) < len(str(first)):  # "pp. 112-14": the last digits only
            last = int(str(first)[: len(str(first)) - len(str(last))] + str(last))
        out.append((first, max(first, last)))
    return tuple(out)


def find(text: str, prefixes: Sequence[str] = ()) -> list[Citation]:
    """Every citation in ``text``, in order. ``prefixes``: the Bates prefixes to look for (from a Bates map)."""
    bates = (
        re.compile(
            rf"\b(?P<prefix>{'|'.join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))})"
            rf"(?P<first>\d{{3,10}})(?:{_DASH}(?:(?P=prefix))?(?P<last>\d{{1,10}}))?\b"
        )
        if prefixes
        else None
    )
    out = []
    for sentence in sentences(text):
        quotes = tuple(" ".join(q.split()) for q in _QUOTE.findall(sentence))
        stated = dates_in(sentence)
        found: list[tuple[int, Citation]] = []
        taken: list[tuple[int, int]] = []
        for m in _EXHIBIT.finditer(sentence):
            last = int(m["last"] or m["page"])
            cited = Citation(m.group(0), sentence, "exhibit", exhibit=(int(m["exhibit"]), int(m["page"]), last),
                             quotes=quotes, dates=stated)  # fmt: skip
            found.append((m.start(), cited))
            taken.append(m.span())
        for m in _PAGES.finditer(sentence):
            if any(a <= m.start() < b for a, b in taken) or _NOT_THE_RECORDS.search(sentence[: m.start()]):
                continue
            if m["word"].lower().startswith("page") and _OWN_PAGE.match(sentence, m.end()):
                continue
            found.append((m.start(), Citation(m.group(0), sentence, "pages", _page_spans(m["list"]), quotes=quotes,
                                              dates=stated)))  # fmt: skip
        for m in bates.finditer(sentence) if bates else ():
            first = int(m["first"])
            tail = m["last"]
            last = (
                int(m["first"][: len(m["first"]) - len(tail)] + tail)
                if tail and len(tail) < len(m["first"])
                else (int(tail) if tail else first)
            )
            found.append((m.start(), Citation(m.group(0), sentence, "bates", ((first, max(first, last)),),
                                              m["prefix"], quotes=quotes, dates=stated)))  # fmt: skip
        out += [c for _, c in sorted(found, key=lambda f: f[0])]
    return out

"""The one place page citations are formatted.

``pages``/``page_range`` serve the record index. Drafts cite through a :class:`Citation` style, so that a
later step can switch every citation of a draft to Bates numbers by passing another style (for example a
:class:`MappedCitation` built from a packet's page → Bates label map) without touching the templates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


def pages(first: int, last: int) -> str:
    """``p. 4`` or ``pp. 4–6`` (1-based bundle pages)."""
    return f"p. {first}" if first == last else f"pp. {first}–{last}"


def page_runs(numbers: Sequence[int]) -> str:
    """Ascending page numbers as runs: ``3-4, 7``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def page_range(first: int, last: int) -> str:
    """``4`` or ``4-6``, for tables and CSV."""
    return str(first) if first == last else f"{first}-{last}"


class Citation(Protocol):
    """A citation style for drafts: ``ref`` is the bare reference, ``cite`` the parenthesised citation."""

    def ref(self, first: int, last: int) -> str: ...

    def cite(self, first: int, last: int) -> str: ...


@dataclass(frozen=True)
class PageCitation:
    """Bundle pages, in one style throughout: ``p. 12`` or ``pp. 12–14``, and ``(pp. 12–14)``."""

    def ref(self, first: int, last: int) -> str:
        return pages(first, last)

    def cite(self, first: int, last: int) -> str:
        return f"({self.ref(first, last)})"


@dataclass(frozen=True)
class MappedCitation:
    """Pages cited by a label per bundle page (e.g. Bates numbers ``OKAFOR-000012``); ``(A-B)`` for a range.
    Pages without a label fall back to ``fallback``."""

    labels: Mapping[int, str]
    fallback: PageCitation = field(default_factory=PageCitation)

    def ref(self, first: int, last: int) -> str:
        if first not in self.labels or last not in self.labels:
            return self.fallback.ref(first, last)
        a, b = self.labels[first], self.labels[last]
        return a if first == last else f"{a}-{b}"

    def cite(self, first: int, last: int) -> str:
        return f"({self.ref(first, last)})"


def bates(first: str, last: str) -> str:
    """``SMITH0000012`` or ``SMITH0000012-SMITH0000014``: a Bates range as legal teams write it (the same form
    :class:`MappedCitation` gives for Bates labels)."""
    return first if first == last else f"{first}-{last}"


def bates_pages(labels: Mapping[int, str], first: int, last: int) -> str | None:
    """The Bates range of bundle pages ``first``..``last`` from ``labels`` (bundle page → Bates number, from a
    packet's bates_map.json), or None when a page of the range was not produced."""
    if first not in labels or last not in labels:
        return None
    return bates(labels[first], labels[last])


_PAGE_REF = re.compile(r"\b(?:pp?\.|pages?)\s?(?P<first>\d{1,6})(?:\s?[–-]\s?(?P<last>\d{1,6}))?\b(?!\s*of\s+\d)")
"""A bundle page or range in a document's warning ("uncertain start at page 51", "(pp. 13–14)"); not "page 2 of
4", a document's own numbering."""


def bates_in_text(text: str, labels: Mapping[int, str] | None = None) -> str:
    """A document warning with its bundle pages cited as Bates numbers when ``labels`` (bundle page → Bates
    number) are given; a page they do not hold is left as it is. Never applied to record text."""
    if labels is None:
        return text

    def bates_of(m: re.Match[str]) -> str:
        first = int(m["first"])
        return bates_pages(labels, first, int(m["last"] or first)) or m.group(0)

    return _PAGE_REF.sub(bates_of, text)

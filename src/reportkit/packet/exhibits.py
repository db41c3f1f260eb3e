"""Planning a production: documents grouped into exhibits, exhibits labelled, pages given Bates numbers.

Pure: from a RecordIndex and settings to a :class:`Plan`; nothing is read or written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reportkit.errors import UsageError
from reportkit.models import Document, RecordIndex
from reportkit.packet.bates import BatesNumber

Grouping = Literal["source", "provider", "document"]
Numbering = Literal["number", "letter"]
GROUPINGS: tuple[str, ...] = ("source", "provider", "document")


@dataclass(frozen=True)
class PlannedPage:
    """One record page of the production, in packet order."""

    page: int
    """1-based bundle page (as in index.json)."""
    source: int
    """Index of its file in the index's ``sources``."""
    source_page: int
    """1-based page inside that file."""
    bates: BatesNumber
    document: str
    """Id of the index document the page belongs to."""
    exhibit: int
    """0-based position of its exhibit."""


@dataclass(frozen=True)
class Exhibit:
    """A group of documents produced together under one label."""

    label: str
    """As printed on the sticker and in the exhibit list (``Exhibit 1``, ``Plaintiff's Exhibit A``, ``C-1``)."""
    designation: str
    """The number or letter alone (``1``, ``A``)."""
    description: str
    documents: tuple[Document, ...]
    """Documents in packet order (the order received)."""
    first: BatesNumber
    last: BatesNumber
    page_count: int
    dates: tuple[str | None, str | None]
    """Earliest and latest document date (None when no document is dated)."""

    @property
    def bates_range(self) -> str:
        from reportkit import cite

        return cite.bates(str(self.first), str(self.last))


@dataclass(frozen=True)
class Plan:
    exhibits: tuple[Exhibit, ...]
    pages: tuple[PlannedPage, ...]
    """Every record page, in packet order, with its Bates number."""


def source_ranges(the_plan: Plan, source: int) -> list[tuple[BatesNumber, BatesNumber]]:
    """First and last Bates number of each run of consecutive numbers given to the pages of one input file
    (one run, unless ``--group-by provider`` spread the file over several exhibits)."""
    runs: list[list[BatesNumber]] = []
    for page in sorted((p for p in the_plan.pages if p.source == source), key=lambda p: p.bates.number):
        if runs and runs[-1][1].number == page.bates.number - 1:
            runs[-1][1] = page.bates
        else:
            runs.append([page.bates, page.bates])
    return [(a, b) for a, b in runs]


def letters(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA (spreadsheet style)."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def designation(position: int, numbering: Numbering, first: int = 1) -> str:
    """The number or letter of the exhibit at 0-based ``position``."""
    n = first + position
    return letters(n) if numbering == "letter" else str(n)


def check_label_format(template: str) -> str:
    if "{n}" not in template:
        raise UsageError(
            f"--exhibit-label {template!r} has no {{n}} where the number or letter goes.",
            hint='For example "Plaintiff\'s Exhibit {n}", "Ex. {n}" or "C-{n}".',
        )
    try:
        template.replace("{n}", "1").encode("cp1252")
    except UnicodeEncodeError:
        raise UsageError(
            f"--exhibit-label {template!r} holds characters the stamp font cannot print.",
            hint="Use Latin letters, digits and punctuation.",
        ) from None
    return template


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def group_documents(index: RecordIndex, by: Grouping) -> list[list[Document]]:
    """Documents in the order received (bundle order), grouped into exhibits.

    ``source``: one exhibit per input file. ``document``: one per index document. ``provider``: one per
    facility (the clinician when no facility is named; the input file when neither is), ordered by first
    appearance, each with its documents in the order received.
    """
    docs = sorted(index.documents, key=lambda d: d.first_page)
    groups: dict[str, list[Document]] = {}
    for doc in docs:
        if by == "document":
            key = doc.id
        elif by == "source":
            key = f"source:{doc.source}"
        else:
            name = doc.facility or doc.provider
            key = f"provider:{_norm(name)}" if name else f"source:{doc.source}"
        groups.setdefault(key, []).append(doc)
    return list(groups.values())


def _common(values: list[str | None]) -> str | None:
    counts: dict[str, tuple[int, str]] = {}
    for v in values:
        if v:
            n, first = counts.get(_norm(v), (0, v))
            counts[_norm(v)] = (n + 1, first)
    if not counts:
        return None
    return max(counts.values(), key=lambda c: c[0])[1]


def describe(docs: list[Document], by: Grouping) -> str:
    """A short description for the exhibit list: whose records, what kind."""
    if by == "document" or len(docs) == 1:
        doc = docs[0]
        kind = doc.doc_type.replace("_", " ").capitalize()
        who = ", ".join(x for x in (doc.provider, doc.facility) if x)
        text = f"{kind}: {who}" if who else kind
        if doc.duplicate_of:
            text += f" (duplicate of {doc.duplicate_of})"
        return text
    owner = _common([d.facility for d in docs]) or _common([d.provider for d in docs])
    return f"Records of {owner} ({len(docs)} documents)" if owner else f"Records ({len(docs)} documents)"


def date_span(docs: list[Document] | tuple[Document, ...]) -> tuple[str | None, str | None]:
    dated = sorted(d.date for d in docs if d.date)
    return (dated[0], dated[-1]) if dated else (None, None)


def plan(
    index: RecordIndex,
    *,
    prefix: str,
    start: int,
    digits: int,
    by: Grouping = "source",
    label_format: str = "Exhibit {n}",
    numbering: Numbering = "number",
    first_exhibit: int = 1,
) -> Plan:
    """Group, label and number: Bates numbers run consecutively over the pages in packet order."""
    pages_by_number = {p.page: p for p in index.pages}
    exhibits: list[Exhibit] = []
    planned: list[PlannedPage] = []
    number = start
    for position, docs in enumerate(group_documents(index, by)):
        first_number = number
        for doc in docs:
            for page_no in range(doc.first_page, doc.last_page + 1):
                page = pages_by_number[page_no]
                planned.append(
                    PlannedPage(
                        page_no, page.source, page.source_page, BatesNumber(prefix, number, digits), doc.id, position
                    )
                )
                number += 1
        mark = designation(position, numbering, first_exhibit)
        exhibits.append(
            Exhibit(
                label=label_format.replace("{n}", mark),
                designation=mark,
                description=describe(docs, by),
                documents=tuple(docs),
                first=BatesNumber(prefix, first_number, digits),
                last=BatesNumber(prefix, number - 1, digits),
                page_count=number - first_number,
                dates=date_span(docs),
            )
        )
    return Plan(tuple(exhibits), tuple(planned))

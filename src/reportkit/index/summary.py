"""What a run says about its index in a few lines — everything ``reportkit index`` prints and records in
run.json — without the index itself.

A re-run served from the result cache reads this (stored beside the outputs) instead of parsing a whole
index.json (~70 ms for 2,000 pages, a fifth of such a run).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from reportkit.models import PartRead, RecordIndex, Skipped, plain


@dataclass(frozen=True)
class IndexSummary:
    page_count: int
    sources: tuple[tuple[str, int], ...]
    """Each file's SHA-256 and page count, in input order."""
    documents: int
    """Documents that are not a copy of an earlier one."""
    duplicates: int
    gaps: int
    review_items: int
    """Warnings on documents (what index.md lists under "For review")."""
    earliest: tuple[str, str, int, int] | None
    """The first dated document: date, type, first and last page."""
    warnings: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    read_in_part: tuple[PartRead, ...] = ()
    """Files indexed only in part (damaged): the run exits 6, drafts say so, packet refuses a file cut short."""
    settings: dict[str, Any] = field(default_factory=dict)
    since: dict[str, Any] | None = None

    @classmethod
    def of(cls, index: RecordIndex) -> IndexSummary:
        copies = sum(1 for d in index.documents if d.duplicate_of)
        first = next((d for d in index.documents if d.date), None)
        return cls(
            page_count=index.page_count,
            sources=tuple((s.sha256, s.page_count) for s in index.sources),
            documents=len(index.documents) - copies,
            duplicates=copies,
            gaps=len(index.gaps),
            review_items=sum(len(d.warnings) for d in index.documents),
            earliest=(first.date, first.doc_type, first.first_page, first.last_page) if first and first.date else None,
            warnings=tuple(index.warnings),
            skipped=tuple(index.skipped),
            read_in_part=tuple(index.read_in_part),
            settings=dict(index.settings),
            since=index.since,
        )

    def to_json(self) -> bytes:
        return json.dumps(plain(self), ensure_ascii=False).encode("utf-8")  # settings keep their order

    @classmethod
    def from_json(cls, data: bytes) -> IndexSummary:
        raw = json.loads(data)
        earliest = raw["earliest"]
        return cls(
            page_count=int(raw["page_count"]),
            sources=tuple((str(sha), int(pages)) for sha, pages in raw["sources"]),
            documents=int(raw["documents"]),
            duplicates=int(raw["duplicates"]),
            gaps=int(raw["gaps"]),
            review_items=int(raw["review_items"]),
            earliest=(str(earliest[0]), str(earliest[1]), int(earliest[2]), int(earliest[3])) if earliest else None,
            warnings=tuple(raw["warnings"]),
            skipped=tuple(Skipped(**s) for s in raw["skipped"]),
            read_in_part=tuple(PartRead(**p) for p in raw.get("read_in_part", [])),
            settings=dict(raw["settings"]),
            since=raw["since"],
        )

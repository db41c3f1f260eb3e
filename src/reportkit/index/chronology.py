"""Chronological order and treatment gaps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportkit.models import CLINICAL_TYPES, Document, Gap


def chronological(documents: Sequence[Document]) -> list[Document]:
    """By date, undated documents last; ties in bundle order."""
    return sorted(documents, key=lambda d: (d.date is None, d.date or "", d.first_page))


def find_gaps(documents: Sequence[Document], gap_days: int) -> list[Gap]:
    """Stretches longer than ``gap_days`` without care between dated clinical documents (duplicates left out).
    A stretch starts at the latest date care reached so far: a document's ``last_date`` (a run of visits)
    counts, and so does a long document that covers the shorter ones dated inside it."""
    clinical = [d for d in chronological(documents) if d.date and d.doc_type in CLINICAL_TYPES and not d.duplicate_of]
    gaps: list[Gap] = []
    reached: Document | None = None
    for doc in clinical:
        assert doc.date
        if reached is not None:
            end = reached.end_date
            assert end
            days = (date.fromisoformat(doc.date) - date.fromisoformat(end)).days
            if days > gap_days:
                gaps.append(Gap(reached.id, doc.id, end, doc.date, days))
        if reached is None or (doc.end_date or "") >= (reached.end_date or ""):
            reached = doc
    return gaps

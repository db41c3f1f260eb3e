"""Chronological order and treatment gaps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from reportkit.models import CLINICAL_TYPES, Document, Gap


def chronological(documents: Sequence[Document]) -> list[Document]:
    """By date, undated documents last; ties in bundle order."""
    return sorted(documents, key=lambda d: (d.date is None, d.date or "", d.first_page))


def find_gaps(documents: Sequence[Document], gap_days: int) -> list[Gap]:
    """Stretches longer than ``gap_days`` between dated clinical documents (duplicates left out)."""
    clinical = [d for d in chronological(documents) if d.date and d.doc_type in CLINICAL_TYPES and not d.duplicate_of]
    gaps: list[Gap] = []
    for before, after in pairwise(clinical):
        assert before.date and after.date
        days = (date.fromisoformat(after.date) - date.fromisoformat(before.date)).days
        if days > gap_days:
            gaps.append(Gap(before.id, after.id, before.date, after.date, days))
    return gaps

"""Scoring a record index against ground-truth labels (the sample case's ``ground_truth.json``).

A predicted document counts for boundaries when its first and last page both match a labelled one; type,
date and provider are scored on the matched documents (provider: the labelled surname appears in the
provider field).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportkit.models import RecordIndex


@dataclass(frozen=True)
class Scores:
    labelled: int
    predicted: int
    matched: int
    doc_type: float
    date: float
    provider: float
    misses: list[str] = field(default_factory=list)

    @property
    def boundary_f1(self) -> float:
        if not self.labelled or not self.predicted:
            return 0.0
        precision, recall = self.matched / self.predicted, self.matched / self.labelled
        return 0.0 if not self.matched else 2 * precision * recall / (precision + recall)

    def lines(self) -> list[str]:
        return [
            f"documents: {self.labelled} labelled, {self.predicted} predicted, {self.matched} with exact boundaries",
            f"boundary F1 {self.boundary_f1:.3f}  doc_type {self.doc_type:.3f}  date {self.date:.3f}  "
            f"provider {self.provider:.3f}",
            *self.misses,
        ]


def score(index: RecordIndex, truth: dict[str, Any]) -> Scores:
    labelled = truth["documents"]
    predicted = {(d.first_page, d.last_page): d for d in index.documents}
    misses: list[str] = []
    matched = types = dates = providers = provider_total = 0
    for label in labelled:
        span = (label["first_page"], label["last_page"])
        doc = predicted.get(span)
        if doc is None:
            near = [d for d in index.documents if d.first_page <= span[1] and d.last_page >= span[0]]
            got = ", ".join(f"{d.first_page}-{d.last_page}" for d in sorted(near, key=lambda d: d.first_page))
            misses.append(f"boundary: labelled pages {span[0]}-{span[1]} ({label['doc_type']}), predicted {got}")
            continue
        matched += 1
        if doc.doc_type == label["doc_type"]:
            types += 1
        else:
            misses.append(f"type: pages {span[0]}-{span[1]} labelled {label['doc_type']}, predicted {doc.doc_type}")
        if doc.date == label["date"]:
            dates += 1
        else:
            misses.append(f"date: pages {span[0]}-{span[1]} labelled {label['date']}, predicted {doc.date}")
        surname = label.get("provider_surname")
        if surname:
            provider_total += 1
            if doc.provider and surname.lower() in doc.provider.lower():
                providers += 1
            else:
                misses.append(f"provider: pages {span[0]}-{span[1]} labelled {surname}, predicted {doc.provider}")
    return Scores(
        labelled=len(labelled),
        predicted=len(index.documents),
        matched=matched,
        doc_type=types / matched if matched else 0.0,
        date=dates / matched if matched else 0.0,
        provider=providers / provider_total if provider_total else 1.0,
        misses=misses,
    )

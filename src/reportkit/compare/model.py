"""The typed records the comparison passes between its stages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TOPICS: tuple[str, ...] = ("diagnoses", "causation", "work-status", "mmi", "impairment", "treatment")
"""The topics, in the order the table shows them."""
TOPIC_TITLES = {
    "diagnoses": "Diagnoses",
    "causation": "Causation",
    "work-status": "Work status and restrictions",
    "mmi": "Maximum medical improvement",
    "impairment": "Impairment rating",
    "treatment": "Recommended treatment",
}
TREATING = "treating"
IME = "IME"


@dataclass(frozen=True)
class Sentence:
    """One sentence of a page, as printed (whitespace folded to single spaces)."""

    page: int
    """1-based bundle page."""
    section: str
    """The heading it falls under (``ASSESSMENT``, ``PLAN``…), upper case; empty before the first one."""
    label: str
    """The label its line starts with (``Causation``, ``Work capacity``), when it has one."""
    text: str


@dataclass(frozen=True)
class Source:
    """Who recorded a sentence: a treating record, a prior IME in the bundle, or our IME (case.yaml)."""

    side: str
    """``treating`` or ``IME``."""
    who: str
    """Which one, for the table: ``treating``, ``prior IME (pp. 52–55)``, ``this IME (case.yaml)``."""
    document: str
    """The document id (``D0039``), or ``case.yaml``."""
    doc_type: str
    date: str | None
    provider: str


@dataclass(frozen=True)
class Row:
    """One verbatim snippet of one topic, with its citation."""

    topic: str
    side: str
    who: str
    document: str
    doc_type: str
    date: str | None
    provider: str
    page: int | None
    """Bundle page; None for our own answers (case.yaml)."""
    citation: str
    """``p. 54``, ``p. 54 (OKAFOR0000054)`` with a Bates map, or ``case.yaml questions[4].answer``."""
    text: str
    """The sentence, verbatim (whitespace folded): never a summary."""

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "side": self.side, "who": self.who, "document": self.document,
                "doc_type": self.doc_type, "date": self.date, "provider": self.provider, "page": self.page,
                "citation": self.citation, "text": self.text}  # fmt: skip


@dataclass(frozen=True)
class Flag:
    """A difference found by a mechanical rule between two sides' rows."""

    topic: str
    rule: str
    """Which rule raised it (``mmi-date``, ``lifting-limit``…); docs/compare.md lists them."""
    detail: str
    """What differs, naming the rows' citations (no words but the rule's and the rows' own)."""
    rows: tuple[int, int]
    """Positions in ``Comparison.rows`` of the two rows compared."""

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "rule": self.rule, "detail": self.detail, "rows": list(self.rows)}


@dataclass(frozen=True)
class Comparison:
    """The whole comparison: the rows by topic, the flags, and what was left out."""

    rows: tuple[Row, ...]
    flags: tuple[Flag, ...]
    imes: tuple[str, ...]
    """Each IME the table shows, as ``who: provider, date (document)``."""
    left_out: tuple[str, ...]
    """Documents not compared and why (a re-sent copy, another patient's record)."""
    topics: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"topics": list(self.topics), "imes": list(self.imes), "left_out": list(self.left_out),
                "rows": [r.to_dict() for r in self.rows], "flags": [f.to_dict() for f in self.flags]}  # fmt: skip

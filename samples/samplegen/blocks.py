"""Page content blocks and the document they make up (one encounter, with its ground-truth label)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .cast import Facility, Person


@dataclass(frozen=True)
class Family:
    regular: str
    bold: str
    italic: str


HELVETICA = Family("Helvetica", "Helvetica-Bold", "Helvetica-Oblique")
TIMES = Family("Times-Roman", "Times-Bold", "Times-Italic")
COURIER = Family("Courier", "Courier-Bold", "Courier-Oblique")
FAMILIES = {"helvetica": HELVETICA, "times": TIMES, "courier": COURIER}


@dataclass(frozen=True)
class Title:
    text: str
    sub: str = ""


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    label: str = ""  # bold run-in label, e.g. "CHIEF COMPLAINT:"


@dataclass(frozen=True)
class Fields:
    """A boxed label/value grid (the patient header block of most records)."""

    pairs: tuple[tuple[str, str], ...]
    cols: int = 2


@dataclass(frozen=True)
class Numbered:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width
    right: frozenset[int] = frozenset()  # right-aligned columns


@dataclass(frozen=True)
class Checks:
    items: tuple[tuple[bool, str], ...]


@dataclass(frozen=True)
class Lines:
    lines: tuple[str, ...]
    bold_first: bool = False


@dataclass(frozen=True)
class Stamp:
    """A rubber-stamp box floated at the right margin; does not push content down."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Space:
    height: float


@dataclass(frozen=True)
class Big:
    text: str
    size: float = 30


Block = Title | Heading | Para | Fields | Numbered | Bullets | Table | Checks | Lines | Stamp | Space | Big


@dataclass
class Doc:
    """One document (one encounter): its pages of blocks plus its ground-truth label."""

    key: str  # identity; a second rendering of the same key is a duplicate
    doc_type: str
    title: str
    date: dt.date | None
    date_role: str | None
    provider: Person | None
    facility: Facility
    icd10: tuple[str, ...]
    pages: list[list[Block]]
    family: Family = HELVETICA
    running: str | None = None  # small header repeated on pages 2..n
    page_numbers: str | None = None  # None, "of" ("Page 2 of 3") or "plain" ("Page 2")
    footer_note: str = ""
    omit: frozenset[int] = frozenset()  # logical page numbers missing from the bundle

    @property
    def rendered_pages(self) -> int:
        return len(self.pages) - len(self.omit)

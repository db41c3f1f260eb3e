#!/usr/bin/env python3
"""Deterministic generator for reportkit's synthetic sample IME case.

Writes ``samples/ime-case/records/*.pdf`` -- a bundle of medical records for an invented
work-injury claim, grouped by source the way records arrive for an Independent Medical
Examination -- and ``samples/ime-case/ground_truth.json``, one label per document cited by
bundle page (pages numbered 1..N across the files in sorted path order).

Everything is invented: patient, providers, facilities, claim, phone numbers (555-01xx) and
all clinical text. The output is byte-for-byte reproducible: reportlab's invariant mode, no
clock, no randomness.

Usage::

    python samples/generate.py                                    # regenerate samples/ime-case/
    python samples/generate.py --bench-pages 2000 --out big.pdf   # one large PDF for benchmarks

The benchmark PDF cycles through the same document builders with shifted dates and varied
synthetic names; it has no ground truth.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

SCHEMA = "reportkit/ground-truth@1"
HERE = Path(__file__).resolve().parent
DEFAULT_CASE_DIR = HERE / "ime-case"

DOC_TYPES = frozenset(
    {
        "progress_note", "consultation", "history_and_physical", "emergency", "operative_report",
        "procedure_note", "discharge_summary", "imaging", "lab_report", "pathology", "therapy",
        "work_status", "ime_report", "correspondence", "referral", "billing", "other",
    }
)  # fmt: skip
DATE_ROLES = frozenset({"service", "admission", "discharge", "procedure", "exam", "collection", "letter"})
ICD10 = re.compile(r"\b[A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}\b")

# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def mdy(d: dt.date) -> str:
    """03/14/2024"""
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def long(d: dt.date) -> str:
    """March 14, 2024"""
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def iso(d: dt.date) -> str:
    """2024-03-14"""
    return d.isoformat()


def dmy(d: dt.date) -> str:
    """14-Mar-2024"""
    return f"{d.day:02d}-{MONTHS[d.month - 1][:3]}-{d.year}"


def short(d: dt.date) -> str:
    """3/14/24"""
    return f"{d.month}/{d.day}/{d.year % 100:02d}"


def stamp_date(d: dt.date) -> str:
    """MAR 14 2024 (received stamps)"""
    return f"{MONTHS[d.month - 1][:3].upper()} {d.day:02d} {d.year}"


def age_on(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


# --------------------------------------------------------------------------------------------
# The cast
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    creds: str = ""

    @property
    def full(self) -> str:
        """Name as written with credentials: "Helen M. Castellano, MD"."""
        return f"{self.name}, {self.creds}" if self.creds else self.name

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


@dataclass(frozen=True)
class Patient:
    first: str
    middle: str
    last: str
    dob: dt.date

    @property
    def full(self) -> str:
        return f"{self.first} {self.middle}. {self.last}"

    @property
    def last_first(self) -> str:
        return f"{self.last}, {self.first} {self.middle}"

    @property
    def mr(self) -> str:
        return f"Mr. {self.last}"


@dataclass(frozen=True)
class Facility:
    name: str
    tagline: str
    street: str
    city: str
    phone: str
    fax: str
    style: str  # "center" | "left" | "banner"

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}"


HARBORVIEW = Facility(
    "Harborview Occupational Health",
    "Workplace Injury Care  |  DOT Exams  |  Return-to-Work",
    "2200 Pier Industrial Blvd, Suite 110",
    "Port Calder, WA 98399",
    "(360) 555-0121",
    "(360) 555-0122",
    "banner",
)
ST_BRENDAN = Facility(
    "St. Brendan Regional Medical Center",
    "A Community Teaching Hospital",
    "1400 Larkspur Avenue",
    "Port Calder, WA 98399",
    "(360) 555-0140",
    "(360) 555-0141",
    "center",
)
LAKESHORE = Facility(
    "Lakeshore Orthopedic & Spine Associates",
    "Spine Surgery  -  Interventional Spine  -  Sports Medicine",
    "88 Meridian Park Drive, Suite 300",
    "Port Calder, WA 98399",
    "(360) 555-0150",
    "(360) 555-0151",
    "left",
)
NORTHGATE = Facility(
    "Northgate Physical Therapy & Rehabilitation",
    "Outpatient Orthopedic and Work Rehabilitation",
    "517 North Gate Road",
    "Port Calder, WA 98398",
    "(360) 555-0160",
    "(360) 555-0161",
    "left",
)
KEYSTONE = Facility(
    "Keystone Mutual Casualty Company",
    "Workers' Compensation Claims",
    "PO Box 4410",
    "Olympia Falls, WA 98501",
    "(360) 555-0175",
    "(360) 555-0177",
    "left",
)
WHITCOMB = Facility(
    "Whitcomb & Farrow LLP",
    "Attorneys at Law  -  Workers' Compensation  -  Personal Injury",
    "901 Harbor Street, Suite 1200",
    "Port Calder, WA 98399",
    "(360) 555-0188",
    "(360) 555-0189",
    "center",
)
CRESTVIEW = Facility(
    "Crestview Independent Medical Evaluations",
    "Orthopaedic and Spine Evaluations",
    "44 Cedar Bluff Road, Suite B",
    "Olympia Falls, WA 98502",
    "(360) 555-0192",
    "(360) 555-0193",
    "center",
)
RIDGELINE = Facility(
    "Ridgeline Medical Evaluations",
    "",
    "3100 Summit Crest Way, Suite 210",
    "Port Calder, WA 98399",
    "(360) 555-0162",
    "(360) 555-0163",
    "center",
)
EMPLOYER = "Brightline Distribution, Inc."


@dataclass(frozen=True)
class Case:
    """Everything that varies between the sample case and the benchmark cycles."""

    shift: int  # days added to every date of the canonical timeline
    pt: Patient
    claim: str
    mrn_sb: str  # St. Brendan
    mrn_lo: str  # Lakeshore
    acct_ho: str  # Harborview
    acct_ng: str  # Northgate
    occ: Person
    occ_pa: Person
    ed: Person
    rad: Person
    surgeon: Person
    spine_pa: Person
    pain: Person
    therapist: Person
    pta: Person
    pathologist: Person
    anesth: Person
    prior_ime: Person
    examiner: Person
    adjuster: Person
    attorney: Person

    def d(self, canonical: str) -> dt.date:
        """A date of the canonical 2024 timeline, shifted for this case."""
        return dt.date.fromisoformat(canonical) + dt.timedelta(days=self.shift)

    @property
    def doi(self) -> dt.date:
        return self.d("2024-02-06")

    def age(self, on: dt.date) -> int:
        return age_on(self.pt.dob, on)


FIRST_NAMES = (
    "Andre", "Caleb", "Darius", "Emilio", "Felix", "Gavin", "Hector", "Isaac", "Jonah", "Kenji",
    "Luca", "Mateo", "Nolan", "Omar", "Pavel", "Quentin", "Rafael", "Soren", "Tobias", "Wendell",
)  # fmt: skip
PROVIDER_FIRST = (
    "Alicia", "Bernard", "Celeste", "Dmitri", "Elena", "Farid", "Grace", "Howard", "Ingrid",
    "Julian", "Katrin", "Leon", "Monique", "Nikhil", "Odette", "Preston", "Rosalind", "Stefan",
)  # fmt: skip
LAST_NAMES = (
    "Abernathy", "Bergstrom", "Calloway", "Delacroix", "Esterhazy", "Fairbanks", "Galloway",
    "Haddad", "Ingram", "Jablonski", "Kowalczyk", "Lindgren", "Marchetti", "Nakagawa", "Oduya",
    "Pemberton", "Quintero", "Rasmussen", "Szabo", "Thorne", "Umberger", "Valdivia", "Whitaker",
    "Yamamoto", "Zielinski",
)  # fmt: skip


def make_case(i: int) -> Case:
    """Case 0 is the committed sample; i > 0 gives benchmark variants (names, dates, numbers)."""
    canonical = Case(
        shift=0,
        pt=Patient("Daniel", "R", "Okafor", dt.date(1981, 9, 23)),
        claim="KMC-WC-24-0031857",
        mrn_sb="SB-0048213",
        mrn_lo="LOS-77120",
        acct_ho="HOH-220418",
        acct_ng="NPT-13094",
        occ=Person("Renee Albright", "DO"),
        occ_pa=Person("Trevor J. Lindqvist", "PA-C"),
        ed=Person("Nathaniel Osei", "MD"),
        rad=Person("Arjun Mehta", "MD"),
        surgeon=Person("Helen M. Castellano", "MD"),
        spine_pa=Person("Simone Achterberg", "PA-C"),
        pain=Person("Victor Han", "MD"),
        therapist=Person("Kendra Oyelaran", "PT, DPT"),
        pta=Person("Luis Ferreira", "PTA"),
        pathologist=Person("Beatrice L. Dunmore", "MD"),
        anesth=Person("Paul Jankowski", "MD"),
        prior_ime=Person("Gerald P. Huang", "MD"),
        examiner=Person("Lorraine S. Voss", "MD"),
        adjuster=Person("Angela R. Brunetti"),
        attorney=Person("Raymond T. Whitcomb", "Esq."),
    )
    if i == 0:
        return canonical

    def surname(slot: int) -> str:  # distinct within a case: 7 is invertible mod 25
        return LAST_NAMES[(i * 7 + slot) % len(LAST_NAMES)]

    def prov(slot: int, creds: str) -> Person:
        first = PROVIDER_FIRST[(i * 5 + slot) % len(PROVIDER_FIRST)]
        return Person(f"{first} {surname(slot)}", creds)

    dob = canonical.pt.dob - dt.timedelta(days=(i * 977) % 7300 - 3650)
    return Case(
        shift=(i * 47) % 730,
        pt=Patient(FIRST_NAMES[i % len(FIRST_NAMES)], chr(ord("A") + i % 26), surname(0), dob),
        claim=f"KMC-WC-24-{(31857 + i * 7919) % 10_000_000:07d}",
        mrn_sb=f"SB-{(48213 + i * 104_729) % 10_000_000:07d}",
        mrn_lo=f"LOS-{(77120 + i * 6007) % 100_000:05d}",
        acct_ho=f"HOH-{(220418 + i * 3301) % 1_000_000:06d}",
        acct_ng=f"NPT-{(13094 + i * 811) % 100_000:05d}",
        occ=prov(1, "DO"),
        occ_pa=prov(2, "PA-C"),
        ed=prov(3, "MD"),
        rad=prov(4, "MD"),
        surgeon=prov(5, "MD"),
        spine_pa=prov(6, "PA-C"),
        pain=prov(7, "MD"),
        therapist=prov(8, "PT, DPT"),
        pta=prov(9, "PTA"),
        pathologist=prov(10, "MD"),
        anesth=prov(11, "MD"),
        prior_ime=prov(12, "MD"),
        examiner=prov(13, "MD"),
        adjuster=prov(14, ""),
        attorney=prov(15, "Esq."),
    )


# --------------------------------------------------------------------------------------------
# Page content blocks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    regular: str
    bold: str
    italic: str


HELVETICA = Family("Helvetica", "Helvetica-Bold", "Helvetica-Oblique")
TIMES = Family("Times-Roman", "Times-Bold", "Times-Italic")
COURIER = Family("Courier", "Courier-Bold", "Courier-Oblique")


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


def fields(*pairs: tuple[str, str], cols: int = 2) -> Fields:
    return Fields(tuple(pairs), cols)


def numbered(*items: str) -> Numbered:
    return Numbered(tuple(items))


def bullets(*items: str) -> Bullets:
    return Bullets(tuple(items))


def lines(*text: str, bold_first: bool = False) -> Lines:
    return Lines(tuple(text), bold_first)


def checks(*items: tuple[bool, str]) -> Checks:
    return Checks(tuple(items))


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], right: Sequence[int] = ()
) -> Table:
    return Table(tuple(header), tuple(tuple(r) for r in rows), tuple(widths), frozenset(right))


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


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

PAGE_W, PAGE_H = letter
LEFT, RIGHT = 58.0, PAGE_W - 58.0
WIDTH = RIGHT - LEFT
TOP, BOTTOM = PAGE_H - 46.0, 62.0
GRAY = Color(0.55, 0.55, 0.55)
STAMP_RED = Color(0.72, 0.12, 0.12)
BANNER = Color(0.13, 0.27, 0.40)


class LayoutError(RuntimeError):
    """A page's content does not fit; split it across pages in the builder."""


def wrap(text: str, font: str, size: float, width: float, first_width: float | None = None) -> list[str]:
    out: list[str] = []
    cur = ""
    avail = width if first_width is None else first_width
    for word in text.split():
        trial = f"{cur} {word}" if cur else word
        if cur and stringWidth(trial, font, size) > avail:
            out.append(cur)
            cur, avail = word, width
        else:
            cur = trial
    if cur:
        out.append(cur)
    return out


class Writer:
    """Draws blocks top-down on one page and fails loudly instead of overflowing."""

    def __init__(self, canvas: Canvas, family: Family, where: str, log: list[str]) -> None:
        self.c = canvas
        self.f = family
        self.y = TOP
        self.where = where
        self.log = log

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            raise LayoutError(f"{self.where}: overflows by {BOTTOM - (self.y - height):.0f}pt")

    def text(self, x: float, y: float, s: str, font: str, size: float, align: str = "left") -> None:
        self.c.setFont(font, size)
        if align == "center":
            self.c.drawCentredString(x, y, s)
        elif align == "right":
            self.c.drawRightString(x, y, s)
        else:
            self.c.drawString(x, y, s)
        self.log.append(s)

    def rule(self, y: float, width: float = 0.6, color: Color = GRAY) -> None:
        self.c.setStrokeColor(color)
        self.c.setLineWidth(width)
        self.c.line(LEFT, y, RIGHT, y)
        self.c.setStrokeColor(black)

    # --- page furniture -----------------------------------------------------------------

    def letterhead(self, fac: Facility) -> None:
        contact = f"Phone {fac.phone}   Fax {fac.fax}"
        if fac.style == "banner":
            self.c.setFillColor(BANNER)
            self.c.rect(LEFT - 8, TOP - 26, WIDTH + 16, 30, stroke=0, fill=1)
            self.c.setFillColor(white)
            self.text(LEFT, TOP - 17, fac.name.upper(), "Helvetica-Bold", 14)
            self.text(RIGHT, TOP - 16, fac.tagline, "Helvetica", 7.5, "right")
            self.c.setFillColor(black)
            self.text(LEFT, TOP - 39, f"{fac.address}   |   {contact}", "Helvetica", 8.5)
            self.rule(TOP - 46)
            self.y = TOP - 58
        elif fac.style == "left":
            fam = TIMES if fac is LAKESHORE or fac is KEYSTONE else HELVETICA
            self.text(LEFT, TOP - 14, fac.name, fam.bold, 16)
            self.text(LEFT, TOP - 28, fac.tagline, fam.italic, 8.5)
            for n, s in enumerate((fac.street, fac.city, f"Tel {fac.phone}", f"Fax {fac.fax}")):
                self.text(RIGHT, TOP - 6 - 9.5 * n, s, "Helvetica", 7.8, "right")
            self.rule(TOP - 42, 1.2, black)
            self.y = TOP - 54
        else:
            mid = (LEFT + RIGHT) / 2
            self.text(mid, TOP - 14, fac.name, self.f.bold, 15, "center")
            y = TOP - 27
            if fac.tagline:
                self.text(mid, y, fac.tagline, self.f.italic, 8.5, "center")
                y -= 11
            self.text(mid, y, fac.address, self.f.regular, 8.5, "center")
            self.text(mid, y - 10.5, contact, self.f.regular, 8.5, "center")
            self.rule(y - 17)
            self.y = y - 29

    def running_header(self, s: str) -> None:
        self.text(LEFT, TOP - 8, s, self.f.italic, 8)
        self.rule(TOP - 13)
        self.y = TOP - 26

    # --- blocks -------------------------------------------------------------------------

    def block(self, b: Block) -> None:
        f = self.f
        if isinstance(b, Title):
            self.need(36 if b.sub else 24)
            mid = (LEFT + RIGHT) / 2
            self.y -= 14
            self.text(mid, self.y, b.text, f.bold, 13, "center")
            if b.sub:
                self.y -= 12
                self.text(mid, self.y, b.sub, f.italic, 9.5, "center")
            self.y -= 10
        elif isinstance(b, Heading):
            self.need(21)
            self.y -= 14
            self.text(LEFT, self.y, b.text, f.bold, 10)
            self.y -= 5
        elif isinstance(b, Para):
            self.para(b.text, b.label)
        elif isinstance(b, Fields):
            self.fields(b)
        elif isinstance(b, Numbered):
            for n, item in enumerate(b.items, 1):
                self.para(item, indent=20, marker=f"{n}.")
        elif isinstance(b, Bullets):
            for item in b.items:
                self.para(item, indent=20, marker="\u2022")
        elif isinstance(b, Checks):
            for on, item in b.items:
                self.para(item, indent=28, marker="[X]" if on else "[  ]")
        elif isinstance(b, Table):
            self.table(b)
        elif isinstance(b, Lines):
            self.need(12.2 * len(b.lines))
            for n, s in enumerate(b.lines):
                self.y -= 9.5
                self.text(LEFT, self.y, s, f.bold if (b.bold_first and n == 0) else f.regular, 9.5)
                self.y -= 2.7
        elif isinstance(b, Stamp):
            self.stamp(b)
        elif isinstance(b, Space):
            self.need(b.height)
            self.y -= b.height
        else:
            self.need(b.size + 10)
            self.y -= b.size
            self.text((LEFT + RIGHT) / 2, self.y, b.text, f.bold, b.size, "center")
            self.y -= 10

    def para(self, text: str, label: str = "", indent: float = 0, marker: str = "") -> None:
        size, leading = 9.5, 12.2
        x = LEFT + indent
        label_w = stringWidth(label + " ", self.f.bold, size) if label else 0.0
        rows = wrap(text, self.f.regular, size, RIGHT - x, RIGHT - x - label_w)
        self.need(leading * len(rows) + 3)
        for n, row in enumerate(rows):
            self.y -= size
            if n == 0 and marker:
                self.text(x - indent + 6, self.y, marker, self.f.regular, size)
            if n == 0 and label:
                self.text(x, self.y, label, self.f.bold, size)
                self.text(x + label_w, self.y, row, self.f.regular, size)
            else:
                self.text(x, self.y, row, self.f.regular, size)
            self.y -= leading - size
        self.y -= 3

    def fields(self, b: Fields) -> None:
        size, row_h = 8.8, 13.0
        nrows = -(-len(b.pairs) // b.cols)
        height = nrows * row_h + 8
        self.need(height + 6)
        top = self.y - 3
        self.c.setStrokeColor(GRAY)
        self.c.setLineWidth(0.6)
        self.c.rect(LEFT, top - height, WIDTH, height, stroke=1, fill=0)
        self.c.setStrokeColor(black)
        col_w = WIDTH / b.cols
        for n, (label, value) in enumerate(b.pairs):
            row, col = divmod(n, b.cols)
            x = LEFT + 6 + col * col_w
            y = top - 4 - row_h * row - size
            self.text(x, y, f"{label}:", self.f.bold, size)
            vx = x + stringWidth(f"{label}: ", self.f.bold, size)
            if vx + stringWidth(value, self.f.regular, size) > LEFT + (col + 1) * col_w - 4:
                raise LayoutError(f"{self.where}: field {label!r} too wide")
            self.text(vx, y, value, self.f.regular, size)
        self.y = top - height - 6

    def table(self, b: Table) -> None:
        size, row_h = 8.4, 11.6
        self.need(row_h * (len(b.rows) + 1) + 10)
        xs = [LEFT]
        for w in b.widths:
            xs.append(xs[-1] + w * WIDTH)

        def row(cells: Sequence[str], font: str) -> None:
            self.y -= row_h
            for n, cell in enumerate(cells):
                if stringWidth(cell, font, size) > xs[n + 1] - xs[n] - 4:
                    raise LayoutError(f"{self.where}: table cell {cell!r} too wide")
                if n in b.right:
                    self.text(xs[n + 1] - 3, self.y + 3, cell, font, size, "right")
                else:
                    self.text(xs[n] + 2, self.y + 3, cell, font, size)

        self.y -= 2
        row(b.header, self.f.bold)
        self.rule(self.y + 0.5, 0.8, black)
        for cells in b.rows:
            row(cells, self.f.regular)
        self.rule(self.y, 0.4)
        self.y -= 6

    def stamp(self, b: Stamp) -> None:
        size = 8.5
        w = max(stringWidth(s, "Helvetica-Bold", size) for s in b.lines) + 16
        h = len(b.lines) * 11 + 8
        x, top = RIGHT - w, self.y - 4
        self.c.setStrokeColor(STAMP_RED)
        self.c.setFillColor(STAMP_RED)
        self.c.setLineWidth(1.4)
        self.c.roundRect(x, top - h, w, h, 4, stroke=1, fill=0)
        for n, s in enumerate(b.lines):
            self.text(x + w / 2, top - 13 - 11 * n, s, "Helvetica-Bold", size, "center")
        self.c.setStrokeColor(black)
        self.c.setFillColor(black)


FaxLine = Callable[[int, int], str]  # (page in file, pages in file) -> header text


def render(canvas: Canvas, doc: Doc, fax: FaxLine | None, file_page: int, file_pages: int) -> list[str]:
    """Draw every page of ``doc`` present in the bundle; returns the document's text."""
    log: list[str] = []
    total = len(doc.pages)
    for number, blocks in enumerate(doc.pages, 1):
        if number in doc.omit:
            continue
        w = Writer(canvas, doc.family, f"{doc.title} ({doc.key}) page {number}", log)
        if fax is not None:
            canvas.setFont("Courier", 8)
            canvas.drawString(LEFT - 20, PAGE_H - 22, fax(file_page, file_pages))
            file_page += 1
        if number == 1:
            w.letterhead(doc.facility)
        elif doc.running:
            w.running_header(doc.running)
        for b in blocks:
            w.block(b)
        canvas.setFont("Helvetica", 7.5)
        if doc.footer_note:
            canvas.drawString(LEFT, 38, doc.footer_note)
        if doc.page_numbers == "of":
            canvas.drawRightString(RIGHT, 38, f"Page {number} of {total}")
        elif doc.page_numbers == "plain":
            canvas.drawRightString(RIGHT, 38, f"Page {number}")
        canvas.showPage()
    found = list(dict.fromkeys(ICD10.findall("\n".join(log))))
    if found != list(doc.icd10):
        raise AssertionError(f"{doc.key}: ICD-10 codes printed {found} != labelled {list(doc.icd10)}")
    return log


# --------------------------------------------------------------------------------------------
# Shared fragments
# --------------------------------------------------------------------------------------------


def running(fac: Facility, c: Case) -> str:
    return f"{fac.name} \u2014 {c.pt.last}, {c.pt.first} \u2014 DOB {mdy(c.pt.dob)}"


def signature(*text: str) -> list[Block]:
    return [Space(10), lines(*text, bold_first=True)]


def harbor_header(c: Case, dos: dt.date, who: Person) -> Fields:
    return fields(
        ("Patient", c.pt.last_first), ("DOB", mdy(c.pt.dob)),
        ("Account #", c.acct_ho), ("Date of Service", mdy(dos)),
        ("Employer", EMPLOYER), ("Date of Injury", mdy(c.doi)),
        ("Claim #", c.claim), ("Provider", who.full),
    )  # fmt: skip


def hospital_header(c: Case, *pairs: tuple[str, str]) -> Fields:
    return fields(("Patient", f"{c.pt.last.upper()}, {c.pt.first.upper()} {c.pt.middle}"), ("MRN", c.mrn_sb), *pairs)


def lakeshore_header(c: Case, dos: dt.date, who: Person, fmt: Callable[[dt.date], str] = mdy) -> Fields:
    return fields(
        ("Patient", c.pt.full), ("DOB", fmt(c.pt.dob)),
        ("MRN", c.mrn_lo), ("Date of Service", fmt(dos)),
        ("Provider", who.full), ("Claim #", c.claim),
    )  # fmt: skip


def printed_note(c: Case) -> str:
    return f"Printed: {mdy(c.d('2024-11-02'))} 09:31 by ROI-Medical Records    CONFIDENTIAL"


# --------------------------------------------------------------------------------------------
# 01 Harborview Occupational Health
# --------------------------------------------------------------------------------------------


def ho_initial(c: Case) -> Doc:
    dos, doi, who = c.d("2024-02-07"), c.doi, c.occ
    p1: list[Block] = [
        Title("INITIAL OCCUPATIONAL INJURY EVALUATION"),
        harbor_header(c, dos, who),
        Para(
            "Low back pain with an ache into the left buttock after a lifting incident at work yesterday.",
            "CHIEF COMPLAINT:",
        ),
        Heading("HISTORY OF PRESENT ILLNESS"),
        Para(
            f"{c.pt.mr} is a {c.age(dos)}-year-old right-hand-dominant order selector who has worked at "
            f"the {EMPLOYER} warehouse for six years. On {mdy(doi)} at about 10:30 he was building a "
            "mixed pallet and lifted a 40-lb case of bottled water from the bottom tier of a rack. As he "
            "turned to his left to set the case on the pallet jack he felt a sharp pull across the low "
            "back. He finished the pick, but the pain built over the next hour and his lead sent him to "
            "the St. Brendan emergency department, where lumbar radiographs showed no fracture. He was "
            "given ibuprofen and cyclobenzaprine and kept off work for the rest of the day."
        ),
        Para(
            "Today he rates the pain 7/10, worse with bending, with sitting longer than 20 minutes and "
            "with getting in and out of his truck. Since last night he notices an ache into the left "
            "buttock and the back of the left thigh that stops above the knee. No numbness, tingling or "
            "weakness. No bowel or bladder change. He reports no earlier back injury, claim or treatment "
            "for the low back."
        ),
        Para("Mild intermittent asthma, albuterol a few times a year. No surgeries.", "PAST MEDICAL HISTORY:"),
        Para(
            "Ibuprofen 600 mg three times daily with food; cyclobenzaprine 5 mg at bedtime; albuterol "
            "inhaler as needed.",
            "MEDICATIONS:",
        ),
        Para("No known drug allergies.", "ALLERGIES:"),
        Para(
            "Married, two school-age children. Never smoker. Alcohol two or three beers a week. Plays "
            "recreational softball in the summer.",
            "SOCIAL HISTORY:",
        ),
        Para(
            "Order selector, full time, ten-hour shifts; lifts cases of 10 to 50 lb repetitively and "
            "operates an electric pallet jack.",
            "JOB DESCRIPTION:",
        ),
    ]
    p2: list[Block] = [
        Heading("PHYSICAL EXAMINATION"),
        Para(
            "BP 134/86, pulse 78, height 5 ft 11 in, weight 204 lb. Alert, moving cautiously and in mild "
            "distress when changing position. Gait slow but not antalgic; heel and toe walking intact. "
            "Tenderness and spasm of the lumbar paraspinals, left more than right, from L3 to the "
            "sacrum. Flexion limited by pain to fingertips at mid-shin; extension 10 degrees. Seated "
            "straight-leg raise gives back pain only at 60 degrees on the left, negative on the right. "
            "Strength 5/5 throughout both lower extremities. Knee and ankle reflexes 2+ and symmetric. "
            "Sensation intact to light touch in the L3 through S1 dermatomes."
        ),
        Heading("ASSESSMENT"),
        numbered(
            "Strain of muscle, fascia and tendon of lower back, initial encounter (S39.012A)",
            "Low back pain, unspecified (M54.50)",
        ),
        Para(
            "The history and findings are consistent with the lifting and twisting event reported at "
            "work. No red-flag features today."
        ),
        Heading("PLAN"),
        numbered(
            "Continue ibuprofen 600 mg three times daily with food. Cyclobenzaprine 5 mg at bedtime "
            "only; warned about drowsiness and driving.",
            "Home exercise sheet for gentle lumbar mobility; ice or heat 20 minutes at a time.",
            "Physical therapy if not improving by the next visit.",
            "Modified duty per the separate work status report: no lifting over 10 lb.",
            "Return in two weeks, sooner for worsening leg pain, weakness, numbness or any bladder or bowel change.",
        ),
        *signature(who.full, "Occupational Medicine", f"Electronically signed {mdy(c.d('2024-02-08'))} 17:46"),
    ]
    return Doc(
        "ho-initial",
        "progress_note",
        "INITIAL OCCUPATIONAL INJURY EVALUATION",
        dos,
        "service",
        who,
        HARBORVIEW,
        ("S39.012A", "M54.50"),
        [p1, p2],
        running=running(HARBORVIEW, c),
        page_numbers="of",
    )


def ho_work_status(
    c: Case,
    visit: str,
    until: str,
    dx: tuple[str, str],
    who: Person,
    status: str,
    restrictions: Sequence[tuple[str, str]],
) -> Doc:
    dos = c.d(visit)
    page: list[Block] = [
        Title("WORK STATUS REPORT", "Workers' Compensation - Physician's Report of Work Ability"),
        fields(
            ("Employee", c.pt.full),
            ("DOB", mdy(c.pt.dob)),
            ("Employer", EMPLOYER),
            ("Claim #", c.claim),
            ("Date of Injury", long(c.doi)),
            ("Date of Visit", long(dos)),
        ),
        Para(f"{dx[1]} - {dx[0]}", "Diagnosis:"),
        Heading("WORK STATUS"),
        checks(
            (status == "full", "Full duty, no restrictions"),
            (
                status == "modified",
                f"Modified duty with the restrictions below from {mdy(dos)} through {mdy(c.d(until))}",
            ),
            (status == "off", "Off work (temporarily totally disabled)"),
        ),
        Heading("RESTRICTIONS"),
        table(("Activity", "Limit"), restrictions, (0.34, 0.66)),
        Para(
            "Restrictions apply at work and at home. If the employer cannot accommodate these "
            "restrictions the employee is to remain off work until the next visit."
        ),
        Para(f"{mdy(c.d(until))}", "Next appointment:"),
        *signature(f"{who.full}    Date signed: {mdy(dos)}", f"{HARBORVIEW.name}  |  {HARBORVIEW.phone}"),
        Space(16),
        Para("Distribution: Employer  /  Insurer  /  Employee  /  Chart"),
    ]
    return Doc(f"ho-ws-{visit}", "work_status", "WORK STATUS REPORT", dos, "service", who, HARBORVIEW, (dx[0],), [page])


EARLY_LIMITS = (
    ("Lifting / carrying", "10 lb maximum, occasional"),
    ("Pushing / pulling", "20 lb of force maximum"),
    ("Bending / stooping", "Occasional (up to 1/3 of shift)"),
    ("Twisting", "Avoid repetitive twisting at the waist"),
    ("Sitting / standing", "Change position as needed, at least every 30 minutes"),
    ("Ladders / climbing", "None"),
)
LATE_LIMITS = (
    ("Lifting / carrying", "25 lb maximum, occasional; 15 lb frequent"),
    ("Pushing / pulling", "40 lb of force maximum (powered pallet jack permitted)"),
    ("Bending / stooping", "Occasional"),
    ("Hours", "Up to 8 hours per day"),
    ("Ladders / climbing", "Step stool only"),
)


def ho_followup_pa(c: Case) -> Doc:
    dos, who = c.d("2024-02-21"), c.occ_pa
    page: list[Block] = [
        Title("PROGRESS NOTE"),
        harbor_header(c, dos, who),
        Heading("SUBJECTIVE"),
        Para(
            "Returns two weeks after a lifting injury to the low back. The back pain has eased to 6/10, "
            "but the leg symptoms have spread: pain now runs from the left buttock down the outside of "
            "the calf to the top of the foot, with intermittent tingling in the left great toe, worse "
            "after a shift and when sitting in the truck. Working modified duty (label printing and "
            "cycle counts). Taking ibuprofen regularly; stopped cyclobenzaprine because of drowsiness. "
            "No bladder or bowel change, no saddle numbness."
        ),
        Heading("OBJECTIVE"),
        Para(
            "BP 128/82, pulse 74. Shifts weight off the left leg when standing. Lumbar flexion to the "
            "knees. Straight-leg raise positive on the left at 45 degrees, reproducing calf pain; "
            "crossed straight-leg raise negative. Left great toe extension 5-/5, otherwise 5/5. "
            "Reflexes symmetric. Light touch slightly reduced over the dorsum of the left foot."
        ),
        Heading("ASSESSMENT"),
        numbered(
            "Radiculopathy, lumbar region (M54.16) - new left L5 pattern",
            "Strain of lower back, subsequent encounter (S39.012D)",
        ),
        Heading("PLAN"),
        numbered(
            "Physical therapy at Northgate PT, 2 times a week for 4 weeks: evaluate and treat, "
            "McKenzie approach, neural mobility, core stabilization.",
            "MRI lumbar spine without contrast ordered because of progressive radicular symptoms; "
            "prior authorization requested from Keystone Mutual.",
            "Methylprednisolone 4 mg dose pack; hold ibuprofen while taking it.",
            "Modified duty continues, 10 lb limit; see work status report.",
            "Follow up after the MRI or in 3 weeks. ED for weakness, numbness in the groin or bladder symptoms.",
        ),
        *signature(
            who.full,
            f"Supervising physician: {c.occ.full}",
            f"Electronically signed {mdy(dos)} 16:05; cosigned by {c.occ.full} {mdy(c.d('2024-02-23'))} 08:30",
        ),
    ]
    return Doc(
        "ho-2024-02-21",
        "progress_note",
        "PROGRESS NOTE",
        dos,
        "service",
        who,
        HARBORVIEW,
        ("M54.16", "S39.012D"),
        [page],
    )


def ho_followup_mri(c: Case) -> Doc:
    dos, who = c.d("2024-03-14"), c.occ
    page: list[Block] = [
        Title("PROGRESS NOTE"),
        harbor_header(c, dos, who),
        Heading("SUBJECTIVE"),
        Para(
            f"Follow-up to review the lumbar MRI done {mdy(c.d('2024-03-12'))}. Four physical therapy "
            "visits so far: the back pain is better (4/10) but the left leg pain is unchanged at 6/10 "
            "with numbness on the top of the foot. The steroid dose pack helped for a few days only. "
            "He is tolerating modified duty."
        ),
        Heading("OBJECTIVE"),
        Para(
            "Straight-leg raise positive on the left at 45 degrees. Left great toe extension 4+/5. "
            "Reduced light touch over the dorsum of the left foot and first web space. Reflexes "
            "symmetric."
        ),
        Para(
            "MRI lumbar spine: left paracentral L4-5 disc extrusion with inferior migration compressing "
            "the descending left L5 nerve root; mild to moderate central canal narrowing at L4-5.",
            "IMAGING REVIEWED:",
        ),
        Heading("ASSESSMENT"),
        numbered(
            "Intervertebral disc disorder with radiculopathy, lumbar region (M51.16), L4-5, left",
            "Radiculopathy, lumbar region (M54.16)",
        ),
        Heading("PLAN"),
        numbered(
            f"Referral to spine surgery: {c.surgeon.full}, {LAKESHORE.name} (letter sent today).",
            "Continue physical therapy; gabapentin 300 mg at bedtime, increase to 300 mg three "
            "times daily over a week as tolerated.",
            "Modified duty unchanged, 10 lb lifting limit.",
            "Return in 4 to 5 weeks.",
        ),
        *signature(who.full, f"Electronically signed {mdy(dos)} 18:22"),
    ]
    return Doc(
        "ho-2024-03-14", "progress_note", "PROGRESS NOTE", dos, "service", who, HARBORVIEW, ("M51.16", "M54.16"), [page]
    )


def ho_followup_post_esi(c: Case) -> Doc:
    dos, who = c.d("2024-04-17"), c.occ
    page: list[Block] = [
        Title("PROGRESS NOTE"),
        harbor_header(c, dos, who),
        Heading("SUBJECTIVE"),
        Para(
            f"Seen by {c.surgeon.full} on {mdy(c.d('2024-03-19'))}; had a left L5 transforaminal "
            f"epidural steroid injection with {c.pain.full} on {mdy(c.d('2024-04-02'))}. About half of "
            "the leg pain went away for ten days, then came back. Leg pain 5/10, numbness on the top of "
            "the left foot persists, and he has caught his left toes on the dock plate twice this "
            "week. Gabapentin 300 mg three times daily takes the edge off the night pain."
        ),
        Heading("OBJECTIVE"),
        Para(
            "Straight-leg raise positive on the left at 50 degrees. Left great toe extension 4/5, ankle "
            "dorsiflexion 5-/5. Reduced sensation in the left L5 distribution. Heel walking slightly "
            "weaker on the left."
        ),
        Heading("ASSESSMENT"),
        numbered(
            "Intervertebral disc disorder with radiculopathy, lumbar region (M51.16): L4-5 extrusion "
            "with persistent left L5 radiculopathy and mild weakness after injection."
        ),
        Heading("PLAN"),
        numbered(
            f"Keep the surgical follow-up with {c.surgeon.full} on {mdy(c.d('2024-04-23'))} to discuss decompression.",
            "Continue gabapentin and physical therapy home program.",
            "Modified duty unchanged, 10 lb lifting limit; employer continues to accommodate.",
            "Return in 4 weeks or after the surgical decision.",
        ),
        *signature(who.full, f"Electronically signed {mdy(c.d('2024-04-18'))} 07:15"),
    ]
    return Doc("ho-2024-04-17", "progress_note", "PROGRESS NOTE", dos, "service", who, HARBORVIEW, ("M51.16",), [page])


def ho_followup_postop(c: Case) -> Doc:
    dos, who = c.d("2024-07-30"), c.occ
    page: list[Block] = [
        Title("PROGRESS NOTE"),
        harbor_header(c, dos, who),
        Heading("SUBJECTIVE"),
        Para(
            f"Nine weeks after left L4-5 microdiscectomy by {c.surgeon.full} on "
            f"{mdy(c.d('2024-05-28'))}. The leg pain went away after surgery. Residual numbness at the "
            "tip of the left great toe. Low back ache 2-3/10 after standing an hour. Eleven postoperative "
            "physical therapy visits; lifting 25 lb in the clinic without leg symptoms. Off gabapentin."
        ),
        Heading("OBJECTIVE"),
        Para(
            "Well-healed midline incision. Lumbar flexion to the ankles with mild stiffness. "
            "Straight-leg raise negative bilaterally. Left great toe extension 5-/5. Slightly reduced "
            "light touch at the tip of the left great toe."
        ),
        Heading("ASSESSMENT"),
        numbered(
            "Encounter for other orthopedic aftercare (Z47.89), status post left L4-5 microdiscectomy",
            "Intervertebral disc disorder with radiculopathy, lumbar region (M51.16), improving",
        ),
        Heading("PLAN"),
        numbered(
            "Return to modified duty: 25 lb occasional, 8-hour shifts (work status report today).",
            "Complete the postoperative physical therapy course.",
            f"Surgical follow-up with {c.surgeon.full} as scheduled.",
            "Return in 6 weeks; anticipate discussion of maximum medical improvement.",
        ),
        *signature(who.full, f"Electronically signed {mdy(dos)} 17:02"),
    ]
    return Doc(
        "ho-2024-07-30", "progress_note", "PROGRESS NOTE", dos, "service", who, HARBORVIEW, ("Z47.89", "M51.16"), [page]
    )


def harborview_file(c: Case) -> list[Doc]:
    return [
        ho_initial(c),
        ho_work_status(c, "2024-02-07", "2024-02-21", ("S39.012A", "Lumbar strain"), c.occ, "modified", EARLY_LIMITS),
        ho_followup_pa(c),
        ho_work_status(
            c, "2024-02-21", "2024-03-14", ("M54.16", "Lumbar radiculopathy"), c.occ_pa, "modified", EARLY_LIMITS
        ),
        ho_followup_post_esi(c),  # filed out of order, ahead of the March visit
        ho_followup_mri(c),
        ho_followup_postop(c),
        ho_work_status(
            c,
            "2024-07-30",
            "2024-09-10",
            ("M51.16", "Lumbar disc disorder with radiculopathy, status post surgery"),
            c.occ,
            "modified",
            LATE_LIMITS,
        ),
    ]


# --------------------------------------------------------------------------------------------
# 02 St. Brendan Regional Medical Center
# --------------------------------------------------------------------------------------------


def sb_ed(c: Case) -> Doc:
    dos, who = c.doi, c.ed
    p1: list[Block] = [
        Title("EMERGENCY DEPARTMENT PHYSICIAN RECORD"),
        hospital_header(
            c,
            ("DOB", dmy(c.pt.dob)),
            ("Sex", "M"),
            ("Arrival", f"{dmy(dos)} 13:02"),
            ("Visit #", f"ED{dos:%y%m%d}0117"),
            ("Attending", who.full),
            ("Acuity", "ESI 4 - private vehicle"),
        ),
        Para("BP 142/90  HR 88  RR 16  Temp 98.4 F  SpO2 98% room air  Pain 8/10", "TRIAGE VITALS:"),
        Para("Back pain after lifting at work.", "CHIEF COMPLAINT:"),
        Heading("HISTORY OF PRESENT ILLNESS"),
        Para(
            f"{c.age(dos)}-year-old male warehouse worker who lifted a case of water weighing about 40 lb "
            "from a low shelf at 10:30 this morning and twisted to the left. Immediate sharp pain across "
            "the low back, now aching into the left buttock. Walked in. Denies fall, direct trauma, "
            "numbness, weakness, saddle anesthesia, urinary retention or incontinence, fever, weight "
            "loss, history of cancer or injection drug use. No prior back problems."
        ),
        Heading("REVIEW OF SYSTEMS"),
        Para("Ten systems reviewed and negative except as noted in the HPI."),
        Para("Mild intermittent asthma.", "PAST MEDICAL HISTORY:"),
        Para("Albuterol inhaler as needed.", "MEDICATIONS:"),
        Para("NKDA.", "ALLERGIES:"),
        Para("Nonsmoker, occasional alcohol, works as an order selector.", "SOCIAL:"),
    ]
    p2: list[Block] = [  # this page never reached the bundle (missing page 2 of 3)
        Heading("PHYSICAL EXAMINATION"),
        Para(
            "Uncomfortable but nontoxic. Paraspinal tenderness L3 to S1, worse on the left. No midline "
            "step-off. Strength, sensation and reflexes normal in both legs. Negative straight-leg raise."
        ),
    ]
    p3: list[Block] = [
        Heading("ED COURSE / MEDICAL DECISION MAKING"),
        Para(
            "Lumbar radiographs obtained given the mechanism and age; no fracture or listhesis on "
            "preliminary read. Ketorolac 30 mg IM at 13:40 with pain improving to 5/10. Ambulating "
            "steadily at discharge. No signs of cauda equina syndrome, infection or fracture. Suspect "
            "lumbar muscular strain; discussed expected course and return precautions."
        ),
        Heading("DIAGNOSES"),
        numbered(
            "Strain of muscle, fascia and tendon of lower back, initial encounter (S39.012A)",
            "Overexertion from strenuous movement or load, initial encounter (X50.0XXA)",
            "Activity, civilian done for income or pay (Y99.0)",
        ),
        Heading("DISPOSITION"),
        Para(f"Discharged home {dmy(dos)} 15:20, condition stable, ambulatory."),
        Para(
            "Ibuprofen 600 mg every 8 hours with food, #20. Cyclobenzaprine 5 mg at bedtime as needed, #10.",
            "PRESCRIPTIONS:",
        ),
        Para(
            f"Off work for the rest of {dmy(dos)}. Follow up with occupational health within 24 to 48 "
            "hours as directed by the employer.",
            "WORK:",
        ),
        Para(
            "Return for new weakness, numbness between the legs, loss of bladder or bowel control, fever "
            "or uncontrolled pain.",
            "RETURN PRECAUTIONS:",
        ),
        *signature(who.full, f"Electronically signed {dmy(c.d('2024-02-07'))} 02:14"),
    ]
    return Doc(
        "sb-ed",
        "emergency",
        "EMERGENCY DEPARTMENT PHYSICIAN RECORD",
        dos,
        "service",
        who,
        ST_BRENDAN,
        ("S39.012A", "X50.0XXA", "Y99.0"),
        [p1, p2, p3],
        running=running(ST_BRENDAN, c),
        page_numbers="of",
        footer_note=f"St. Brendan HIM release of information - printed {mdy(c.d('2024-10-28'))} 11:02",
        omit=frozenset({2}),
    )


def sb_xray(c: Case) -> Doc:
    dos, who = c.doi, c.rad
    page: list[Block] = [
        Title("RADIOLOGY REPORT", "Department of Diagnostic Imaging"),
        hospital_header(
            c,
            ("DOB", dmy(c.pt.dob)),
            ("Exam Date", f"{dmy(dos)} 13:55"),
            ("Accession", f"RX-{dos:%y%m%d}-3318"),
            ("Ordering", c.ed.full),
            ("Location", "Emergency Department"),
        ),
        Para("XR LUMBAR SPINE, 2-3 VIEWS", "EXAM:"),
        Para("Low back pain after a lifting injury at work.", "CLINICAL INDICATION:"),
        Para("AP, lateral and coned-down lateral L5-S1 views.", "TECHNIQUE:"),
        Para("None.", "COMPARISON:"),
        Heading("FINDINGS"),
        Para(
            "Five non-rib-bearing lumbar-type vertebral bodies. Vertebral body heights and alignment are "
            "maintained. Mild narrowing of the L4-5 disc space with small anterior osteophytes. The "
            "remaining disc spaces are preserved. No fracture, pars defect or spondylolisthesis. "
            "Sacroiliac joints unremarkable. Bowel gas pattern unremarkable."
        ),
        Heading("IMPRESSION"),
        numbered("No acute osseous abnormality of the lumbar spine.", "Mild L4-5 disc space narrowing."),
        *signature(who.full, f"Dictated {dmy(dos)} 14:21    Signed {dmy(dos)} 14:30"),
    ]
    return Doc("sb-xray", "imaging", "RADIOLOGY REPORT", dos, "exam", who, ST_BRENDAN, (), [page])


def sb_mri(c: Case) -> Doc:
    exam, who = c.d("2024-03-12"), c.rad
    p1: list[Block] = [
        Title("MRI LUMBAR SPINE WITHOUT CONTRAST", "Department of Diagnostic Imaging"),
        hospital_header(
            c,
            ("DOB", iso(c.pt.dob)),
            ("Exam Date", f"{iso(exam)} 18:40"),
            ("Accession", f"MR-{exam:%y%m%d}-0925"),
            ("Ordering", c.occ.full),
            ("Report Date", f"{iso(c.d('2024-03-13'))} 08:05"),
            ("Referring", HARBORVIEW.name),
        ),
        Para(
            f"Low back pain with left leg radicular pain since a work injury on {iso(c.doi)}; three weeks "
            "of conservative care without improvement.",
            "CLINICAL HISTORY:",
        ),
        Para("Sagittal T1, T2 and STIR; axial T1 and T2 from L1-2 through S1. 1.5 tesla.", "TECHNIQUE:"),
        Para(f"Lumbar radiographs {iso(c.doi)}.", "COMPARISON:"),
        Heading("FINDINGS"),
        Para(
            "Alignment is normal. Vertebral body heights are preserved without marrow edema. The conus "
            "terminates at L1 with normal signal. Paraspinal soft tissues are unremarkable."
        ),
        Para("No disc herniation, canal or foraminal stenosis.", "L1-2 and L2-3:"),
        Para("Minimal disc bulge. No stenosis.", "L3-4:"),
        Para(
            "Disc desiccation with mild loss of height. Left paracentral disc extrusion measuring 9 mm AP "
            "by 11 mm transverse by 14 mm craniocaudal, migrating 6 mm below the disc space, with a "
            "posterior annular fissure. The extrusion displaces and compresses the descending left L5 "
            "nerve root in the lateral recess. Mild to moderate central canal narrowing. Mild left "
            "foraminal narrowing; the right foramen is patent.",
            "L4-5:",
        ),
        Para("Mild disc desiccation and a small central protrusion without neural contact. Foramina patent.", "L5-S1:"),
    ]
    p2: list[Block] = [
        Heading("IMPRESSION"),
        numbered(
            "Left paracentral L4-5 disc extrusion with inferior migration, compressing the descending "
            "left L5 nerve root in the lateral recess. Correlate with left L5 radiculopathy.",
            "Mild to moderate central canal narrowing at L4-5.",
            "Mild degenerative disc disease at L4-5 and L5-S1 without other neural compression.",
        ),
        Para("Findings were telephoned to the ordering provider's office at 08:20 on the report date."),
        *signature(
            who.full, "Board Certified, Diagnostic Radiology", f"Electronically signed {iso(c.d('2024-03-13'))} 08:05"
        ),
    ]
    return Doc(
        "sb-mri",
        "imaging",
        "MRI LUMBAR SPINE WITHOUT CONTRAST",
        exam,
        "exam",
        who,
        ST_BRENDAN,
        (),
        [p1, p2],
        running=running(ST_BRENDAN, c),
        page_numbers="of",
    )


def sb_labs(c: Case) -> Doc:
    coll, who = c.d("2024-05-20"), c.surgeon
    rows = (
        ("WBC", "7.2", "", "4.0 - 11.0", "x10^3/uL"),
        ("Hemoglobin", "14.8", "", "13.5 - 17.5", "g/dL"),
        ("Hematocrit", "44.1", "", "40.0 - 52.0", "%"),
        ("Platelets", "248", "", "150 - 400", "x10^3/uL"),
        ("Sodium", "139", "", "135 - 145", "mmol/L"),
        ("Potassium", "4.2", "", "3.5 - 5.1", "mmol/L"),
        ("Chloride", "103", "", "98 - 107", "mmol/L"),
        ("CO2", "26", "", "22 - 29", "mmol/L"),
        ("BUN", "15", "", "7 - 20", "mg/dL"),
        ("Creatinine", "0.94", "", "0.70 - 1.30", "mg/dL"),
        ("eGFR", ">90", "", ">60", "mL/min/1.73m2"),
        ("Glucose, fasting", "112", "H", "70 - 99", "mg/dL"),
        ("Calcium", "9.4", "", "8.6 - 10.3", "mg/dL"),
        ("Hemoglobin A1c", "5.6", "", "< 5.7", "%"),
        ("Prothrombin time", "12.1", "", "11.0 - 13.5", "sec"),
        ("INR", "1.0", "", "0.9 - 1.1", ""),
        ("PTT", "29", "", "25 - 36", "sec"),
        ("ABO / Rh", "O POS", "", "", ""),
        ("Antibody screen", "Negative", "", "Negative", ""),
    )
    page: list[Block] = [
        Title("LABORATORY REPORT", "Pre-admission testing - Clinical Laboratory"),
        hospital_header(
            c,
            ("DOB", dmy(c.pt.dob)),
            ("Sex", "M"),
            ("Collected", f"{dmy(coll)} 07:42"),
            ("Received", f"{dmy(coll)} 08:15"),
            ("Reported", f"{dmy(c.d('2024-05-21'))} 06:58"),
            ("Accession", f"L{coll:%y%m%d}-0457"),
            ("Ordering", who.full),
            ("Specimen", "Blood, venous"),
        ),
        Para(
            "Z01.818 Encounter for other preprocedural examination; M51.16 Intervertebral disc "
            "disorder with radiculopathy, lumbar region",
            "Diagnosis:",
        ),
        table(("Test", "Result", "Flag", "Reference range", "Units"), rows, (0.3, 0.16, 0.08, 0.24, 0.22)),
        Para("H = above reference range. Fasting status reported by the patient: fasting since 22:00."),
        Para(
            f"Results verified electronically. Laboratory Director: {c.pathologist.full}. "
            f"{ST_BRENDAN.name} Clinical Laboratory, CLIA 50D0000000."
        ),
    ]
    return Doc(
        "sb-labs",
        "lab_report",
        "LABORATORY REPORT",
        coll,
        "collection",
        who,
        ST_BRENDAN,
        ("Z01.818", "M51.16"),
        [page],
        footer_note="Final report",
    )


def sb_hp(c: Case) -> Doc:
    adm, who = c.d("2024-05-28"), c.surgeon
    p1: list[Block] = [
        Title("HISTORY AND PHYSICAL"),
        hospital_header(
            c,
            ("DOB", mdy(c.pt.dob)),
            ("Admission Date", mdy(adm)),
            ("Attending", who.full),
            ("Service", "Orthopedic Spine"),
            ("Room", "4 West 412"),
        ),
        Para("Left leg pain and numbness.", "CHIEF COMPLAINT:"),
        Heading("HISTORY OF PRESENT ILLNESS"),
        Para(
            f"{c.pt.mr} is a {c.age(adm)}-year-old warehouse order selector injured lifting at work on "
            f"{mdy(c.doi)}. Back pain was followed within two weeks by left leg pain in an L5 "
            f"distribution. MRI on {mdy(c.d('2024-03-12'))} showed a left paracentral L4-5 disc extrusion "
            "compressing the descending left L5 root. He has had eight sessions of physical therapy, "
            f"anti-inflammatories, a methylprednisolone taper, gabapentin, and a left L5 transforaminal "
            f"epidural steroid injection on {mdy(c.d('2024-04-02'))} with only ten days of partial "
            "relief. He has persistent left leg pain 6/10, numbness of the dorsum of the foot and "
            "weakness of great toe extension. He presents for elective left L4-5 microdiscectomy."
        ),
        Para("Mild intermittent asthma, no hospitalizations or steroid bursts for asthma.", "PAST MEDICAL HISTORY:"),
        Para("None.", "PAST SURGICAL HISTORY:"),
        Para(
            "Gabapentin 300 mg three times daily; acetaminophen as needed; albuterol as needed. "
            "Ibuprofen stopped 7 days ago.",
            "MEDICATIONS:",
        ),
        Para("No known drug allergies. No latex allergy.", "ALLERGIES:"),
        Para("Married, lives with wife and two children. Never smoker; two or three beers a week.", "SOCIAL HISTORY:"),
        Para(
            "Father with type 2 diabetes; mother with hypertension. No anesthesia problems in the family.",
            "FAMILY HISTORY:",
        ),
        Para("No chest pain, shortness of breath, bleeding problems, fever or urinary symptoms.", "REVIEW OF SYSTEMS:"),
    ]
    p2: list[Block] = [
        Heading("PHYSICAL EXAMINATION"),
        Para(
            "BP 131/84, HR 70, RR 14, T 97.9 F, SpO2 99% on room air, weight 201 lb. Well appearing. "
            "Heart regular without murmur. Lungs clear, no wheezing. Abdomen soft. Lumbar range of motion "
            "limited by left leg pain. Straight-leg raise positive on the left at 40 degrees. Strength: "
            "left extensor hallucis longus 4/5, left ankle dorsiflexion 5-/5, otherwise 5/5. Decreased "
            "light touch over the dorsum of the left foot and first web space. Reflexes 2+ and symmetric "
            "at the knees and ankles. No clonus."
        ),
        Para(
            f"Pre-admission labs of {mdy(c.d('2024-05-20'))} reviewed: CBC, metabolic panel and "
            "coagulation studies normal apart from a fasting glucose of 112.",
            "DATA:",
        ),
        Heading("ASSESSMENT"),
        numbered(
            "Intervertebral disc disorder with radiculopathy, lumbar region (M51.16): left L4-5 "
            "extrusion with left L5 radiculopathy and motor deficit, failed conservative care.",
            "Mild intermittent asthma, uncomplicated (J45.20).",
        ),
        Heading("PLAN"),
        Para(
            "Left L4-5 hemilaminotomy and microdiscectomy today. Risks discussed, including infection, "
            "bleeding, dural tear and spinal fluid leak, nerve injury, persistent numbness or weakness, "
            "recurrent disc herniation (roughly 5 to 10 percent), and anesthetic risks. Alternatives "
            "including continued nonoperative care were reviewed. He wishes to proceed and the consent "
            "is signed. Albuterol available perioperatively. Overnight observation anticipated."
        ),
        *signature(who.full, f"Electronically signed by {who.full} on {mdy(adm)} 06:55"),
    ]
    return Doc(
        "sb-hp",
        "history_and_physical",
        "HISTORY AND PHYSICAL",
        adm,
        "admission",
        who,
        ST_BRENDAN,
        ("M51.16", "J45.20"),
        [p1, p2],
        running=running(ST_BRENDAN, c),
        page_numbers="of",
    )


def sb_operative(c: Case) -> Doc:
    dos, who = c.d("2024-05-28"), c.surgeon
    p1: list[Block] = [
        Title("OPERATIVE REPORT"),
        hospital_header(
            c,
            ("DOB", mdy(c.pt.dob)),
            ("Date of Surgery", long(dos)),
            ("Surgeon", who.full),
            ("Assistant", c.spine_pa.full),
            ("Anesthesiologist", c.anesth.full),
            ("Anesthesia", "General endotracheal"),
        ),
        Heading("PREOPERATIVE DIAGNOSIS"),
        Para("Left L4-5 disc extrusion with left L5 radiculopathy (M51.16)."),
        Heading("POSTOPERATIVE DIAGNOSIS"),
        Para("Left L4-5 disc extrusion with a caudally migrated fragment (M51.26) and left L5 radiculopathy (M51.16)."),
        Heading("PROCEDURES"),
        numbered(
            "Left L4-5 hemilaminotomy, medial facetectomy and microdiscectomy.",
            "Use of the operating microscope.",
            "Intraoperative fluoroscopy for level localization.",
        ),
        Para("25 mL.", "ESTIMATED BLOOD LOSS:"),
        Para("L4-5 disc material to pathology.", "SPECIMENS:"),
        Para("None.", "DRAINS:"),
        Para("None apparent.", "COMPLICATIONS:"),
        Heading("INDICATIONS"),
        Para(
            f"{c.pt.mr} has had left L5 radicular pain with weakness of great toe extension for more "
            "than three months after a lifting injury at work, with an MRI-confirmed left L4-5 extrusion "
            "and failure of therapy, medication and an epidural steroid injection. The risks, benefits "
            "and alternatives were reviewed in detail and he elected to proceed."
        ),
    ]
    p2: list[Block] = [
        Heading("DESCRIPTION OF PROCEDURE"),
        Para(
            "The patient was identified in the preoperative area and the left side was marked. He was "
            "brought to the operating room, general endotracheal anesthesia was induced, and 2 g of "
            "cefazolin was given before incision. He was turned prone onto a Wilson frame with all "
            "pressure points padded and the abdomen free. The lumbar region was clipped, prepped and "
            "draped in sterile fashion. A time-out confirmed the patient, procedure, side and level."
        ),
        Para(
            "A spinal needle was placed under lateral fluoroscopy and the L4-5 interspace was confirmed. "
            "A 3 cm midline incision was made and carried through the subcutaneous tissue to the "
            "lumbodorsal fascia, which was opened just left of the spinous processes. The paraspinal "
            "muscles were elevated subperiosteally from the L4 lamina and the L4-5 interlaminar space. "
            "A second fluoroscopic image with an instrument on the L4 lamina reconfirmed the level. A "
            "retractor was placed and the operating microscope brought into the field."
        ),
        Para(
            "A hemilaminotomy of the inferior L4 lamina was performed with a high-speed burr and "
            "completed with 2 and 3 mm Kerrison rongeurs, with a limited medial facetectomy to expose the "
            "lateral recess. The ligamentum flavum was detached and removed. The thecal sac and the "
            "descending left L5 root were identified; the root was displaced posteriorly and laterally "
            "and was markedly tented over a large fragment that had migrated caudally behind the L5 "
            "body. Epidural veins were controlled with bipolar cautery."
        ),
        Para(
            "The root was gently retracted medially. The free fragment, about 1.5 cm long, was teased "
            "out with a nerve hook and removed with a pituitary rongeur. The annular defect was "
            "identified and enlarged slightly, and loose degenerated nuclear material was removed from "
            "the disc space with pituitary rongeurs and a down-pushing curette. The disc space was "
            "irrigated. A ball-tipped probe passed freely along the L5 root into the foramen, and the "
            "root was slack and pulsatile. No further fragments were found above or below the disc space. "
            "There was no cerebrospinal fluid leak."
        ),
        Para(
            "Hemostasis was obtained with bipolar cautery and thrombin-soaked gelatin sponge, which was "
            "then removed. The wound was irrigated with saline. Methylprednisolone acetate 40 mg was "
            "placed on the root. Bupivacaine 0.25% with epinephrine, 10 mL, was infiltrated in the "
            "paraspinal muscles."
        ),
    ]
    p3: list[Block] = [
        Heading("DESCRIPTION OF PROCEDURE (continued)"),
        Para(
            "The fascia was closed with interrupted 0 absorbable sutures, the subcutaneous layer with "
            "2-0 absorbable sutures and the skin with a running 3-0 subcuticular suture and skin adhesive. "
            "A sterile dressing was applied. Sponge, needle and instrument counts were correct. The "
            "patient was turned supine, extubated in the operating room and taken to the recovery room "
            "in stable condition, moving both legs symmetrically."
        ),
        Heading("FINDINGS"),
        Para(
            "Large caudally migrated left L4-5 disc fragment compressing the descending left L5 nerve root, "
            "completely removed; root decompressed and freely mobile at the end of the case."
        ),
        Para(
            f"{c.spine_pa.full} assisted with exposure, retraction and closure. {who.full} was present "
            "and scrubbed for the entire procedure."
        ),
        *signature(
            who.full,
            "Orthopedic Spine Surgery",
            f"Dictated: {mdy(dos)} 11:42    Transcribed: {mdy(c.d('2024-05-29'))} 07:10",
            f"Electronically signed by {who.full} on {mdy(c.d('2024-06-03'))} 16:22",
        ),
    ]
    return Doc(
        "sb-op",
        "operative_report",
        "OPERATIVE REPORT",
        dos,
        "procedure",
        who,
        ST_BRENDAN,
        ("M51.16", "M51.26"),
        [p1, p2, p3],
        running=running(ST_BRENDAN, c),
        page_numbers="of",
    )


def sb_pathology(c: Case) -> Doc:
    coll, who = c.d("2024-05-28"), c.pathologist
    page: list[Block] = [
        Title("SURGICAL PATHOLOGY REPORT"),
        hospital_header(
            c,
            ("DOB", mdy(c.pt.dob)),
            ("Accession", f"S{coll:%y}-03177"),
            ("Collected", mdy(coll)),
            ("Received", f"{mdy(coll)} 14:10"),
            ("Reported", mdy(c.d("2024-05-30"))),
            ("Submitting", c.surgeon.full),
        ),
        Para("Intervertebral disc, L4-5 left, excision.", "SPECIMEN:"),
        Para("L4-5 herniated disc with left radiculopathy.", "CLINICAL INFORMATION:"),
        Heading("GROSS DESCRIPTION"),
        Para(
            "Received in formalin, labeled with the patient's name and 'L4-5 disc', are multiple fragments "
            "of rubbery white-tan fibrocartilaginous tissue aggregating 2.1 x 1.6 x 0.6 cm. The specimen "
            "is entirely submitted in one cassette."
        ),
        Heading("MICROSCOPIC DESCRIPTION"),
        Para(
            "Sections show fragments of degenerated fibrocartilage with chondrocyte clustering, myxoid "
            "change and focal granulation tissue at the edges. A small fragment of cartilaginous endplate "
            "is present. There is no acute inflammation, infection or neoplasm."
        ),
        Heading("DIAGNOSIS"),
        Para(
            "Intervertebral disc, L4-5, excision: degenerated fibrocartilage consistent with herniated "
            "disc material (M51.26). Negative for malignancy."
        ),
        *signature(
            who.full, "Anatomic and Clinical Pathology", f"Electronically signed {mdy(c.d('2024-05-30'))} 15:38"
        ),
    ]
    return Doc(
        "sb-path",
        "pathology",
        "SURGICAL PATHOLOGY REPORT",
        coll,
        "collection",
        who,
        ST_BRENDAN,
        ("M51.26",),
        [page],
        family=COURIER,
    )


def sb_discharge(c: Case) -> Doc:
    adm, dc, who = c.d("2024-05-28"), c.d("2024-05-30"), c.surgeon
    p1: list[Block] = [
        Title("DISCHARGE SUMMARY"),
        hospital_header(
            c,
            ("DOB", mdy(c.pt.dob)),
            ("Attending", who.full),
            ("Admission Date", mdy(adm)),
            ("Discharge Date", mdy(dc)),
            ("Disposition", "Home with spouse"),
            ("Length of Stay", "2 days"),
        ),
        Heading("ADMISSION DIAGNOSIS"),
        Para("Left L4-5 disc extrusion with left L5 radiculopathy (M51.16)."),
        Heading("DISCHARGE DIAGNOSES"),
        numbered(
            f"Left L4-5 disc extrusion with left L5 radiculopathy, status post microdiscectomy {mdy(adm)}.",
            "Retention of urine, unspecified (R33.9), postoperative, resolved.",
            "Mild intermittent asthma, uncomplicated (J45.20).",
        ),
        Heading("PROCEDURES"),
        Para(f"{mdy(adm)}: left L4-5 hemilaminotomy and microdiscectomy ({who.full})."),
        Heading("HOSPITAL COURSE"),
        Para(
            "The patient underwent an uncomplicated left L4-5 microdiscectomy. In the recovery room he "
            "reported that the left leg pain was gone, with residual numbness of the top of the foot. "
            "He was admitted to the orthopedic floor for observation with oral analgesia."
        ),
        Para(
            "On the evening of surgery he was unable to void. Bladder scan showed 720 mL and he was "
            "straight-catheterized. He again could not void and a Foley catheter was placed overnight. "
            "Tamsulosin 0.4 mg nightly was started. Perineal sensation and rectal tone were documented as "
            "normal, and the retention was attributed to anesthesia and opioid medication rather than "
            "neural compression."
        ),
    ]
    p2: list[Block] = [
        Heading("HOSPITAL COURSE (continued)"),
        Para(
            "On postoperative day 1 he walked the hallway with physical therapy and climbed a flight of "
            "stairs independently. Pain was controlled with oxycodone 5 mg as needed plus scheduled "
            "acetaminophen, and he needed only two doses of oxycodone on day 2. The Foley catheter was "
            "removed at 06:00 on postoperative day 2 and he voided spontaneously three times with a "
            "post-void residual of 60 mL. The dressing stayed dry. Strength of great toe extension "
            "improved to 4+/5. He had no wheezing and used albuterol once."
        ),
        Heading("CONDITION AT DISCHARGE"),
        Para(
            "Stable. Afebrile, voiding, tolerating a regular diet, ambulating independently. Incision "
            "clean, dry and intact. Left leg pain resolved; mild numbness dorsum of the left foot."
        ),
        Heading("DISCHARGE MEDICATIONS"),
        numbered(
            "Acetaminophen 1000 mg every 8 hours for 7 days, then as needed.",
            "Oxycodone 5 mg every 6 hours as needed for severe pain, #12, no refills.",
            "Docusate 100 mg twice daily while taking oxycodone.",
            "Tamsulosin 0.4 mg at bedtime for 7 days, then stop.",
            "Gabapentin 300 mg at bedtime for 2 weeks, then stop.",
            "Albuterol inhaler as needed (home medication).",
        ),
        Heading("ACTIVITY AND WOUND CARE"),
        Para(
            "Walk several times a day, increasing distance daily. No lifting over 10 lb, no repetitive "
            "bending or twisting, no driving while taking oxycodone. May shower after 48 hours; pat the "
            "incision dry; no tub baths or swimming until cleared. Physical therapy to start after the "
            "first postoperative visit."
        ),
    ]
    p3: list[Block] = [
        Heading("WORK"),
        Para(f"Off work until reassessed at the first postoperative visit on {mdy(c.d('2024-06-11'))}."),
        Heading("FOLLOW-UP"),
        numbered(
            f"{who.full}, {LAKESHORE.name}, {mdy(c.d('2024-06-11'))} at 10:15 ({LAKESHORE.phone}).",
            f"{c.occ.full}, {HARBORVIEW.name}, for workers' compensation follow-up.",
        ),
        Para(
            "Fever over 101 F, wound drainage or redness, new leg weakness, numbness in the groin or "
            "buttocks, or difficulty urinating.",
            "RETURN TO THE ED FOR:",
        ),
        Para(
            f"Surgical pathology ({mdy(c.d('2024-05-30'))}): degenerated fibrocartilage consistent with "
            "herniated disc; negative for malignancy.",
            "RESULTS AT DISCHARGE:",
        ),
        Para(f"{c.occ.full}, {HARBORVIEW.name}", "cc:"),
        *signature(
            who.full,
            f"Dictated {mdy(dc)} 12:05",
            f"Electronically signed by {who.full} on {mdy(c.d('2024-06-04'))} 09:18",
        ),
    ]
    return Doc(
        "sb-dc",
        "discharge_summary",
        "DISCHARGE SUMMARY",
        dc,
        "discharge",
        who,
        ST_BRENDAN,
        ("M51.16", "R33.9", "J45.20"),
        [p1, p2, p3],
        running=running(ST_BRENDAN, c),
        page_numbers="of",
    )


def money(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def sb_bill(c: Case) -> Doc:
    d0, d1, d2 = (mdy(c.d(x)) for x in ("2024-05-28", "2024-05-29", "2024-05-30"))
    items = (
        (d0, "0360", "63030", "OR SERVICES LAMINOTOMY/DISCECTOMY LUMBAR", 1, 1_845_000),
        (d0, "0360", "69990", "OPERATING MICROSCOPE", 1, 124_000),
        (d0, "0370", "00630", "ANESTHESIA SUPPLIES AND GASES", 1, 98_500),
        (d0, "0710", "", "RECOVERY ROOM PER 30 MIN", 3, 61_200),
        (d0, "0320", "76000", "FLUOROSCOPY UP TO 1 HOUR", 1, 71_800),
        (d0, "0278", "C1713", "HEMOSTATIC GELATIN SPONGE", 1, 18_650),
        (d0, "0272", "", "STERILE SUPPLY SPINE PACK", 1, 44_200),
        (d0, "0636", "J2001", "LIDOCAINE/BUPIVACAINE INJ", 2, 3_480),
        (d0, "0636", "J1020", "METHYLPREDNISOLONE ACETATE 20MG", 2, 6_220),
        (d0, "0636", "J0690", "CEFAZOLIN SODIUM 500MG", 4, 4_160),
        (d0, "0310", "88304", "SURGICAL PATHOLOGY LEVEL III", 1, 29_400),
        (d0, "0762", "G0378", "OBSERVATION PER HOUR", 22, 198_000),
        (d0, "0250", "", "PHARMACY - ORAL ANALGESICS", 6, 4_920),
        (d0, "0270", "A4353", "INTERMITTENT URINARY CATHETER", 1, 3_150),
        (d0, "0402", "51798", "BLADDER SCAN POST-VOID RESIDUAL", 2, 17_600),
        (d1, "0270", "A4338", "INDWELLING CATHETER FOLEY", 1, 8_740),
        (d1, "0250", "", "TAMSULOSIN 0.4 MG CAP", 2, 1_860),
        (d1, "0424", "97161", "PT EVALUATION LOW COMPLEXITY", 1, 31_500),
        (d1, "0762", "G0378", "OBSERVATION PER HOUR", 24, 216_000),
        (d1, "0250", "", "PHARMACY - ORAL ANALGESICS", 8, 6_560),
        (d2, "0762", "G0378", "OBSERVATION PER HOUR", 6, 54_000),
        (d2, "0402", "51798", "BLADDER SCAN POST-VOID RESIDUAL", 1, 8_800),
        (d2, "0250", "", "PHARMACY - DISCHARGE MEDS", 3, 2_940),
    )
    rows = [(d, rev, cpt, desc, str(n), money(cents)) for d, rev, cpt, desc, n, cents in items]
    total = sum(i[5] for i in items)
    adjusted = total * 38 // 100
    widths = (0.13, 0.07, 0.09, 0.5, 0.07, 0.14)
    head = ("Date", "Rev", "CPT", "Description", "Units", "Charges")
    p1: list[Block] = [
        Title("ITEMIZED STATEMENT", "Patient Financial Services"),
        fields(
            ("Patient", c.pt.full),
            ("Account #", f"{c.d('2024-05-28'):%y%m%d}-88312"),
            ("Statement Date", mdy(c.d("2024-06-14"))),
            ("Admit / Discharge", f"{d0} - {d2}"),
            ("Guarantor", "Keystone Mutual Casualty (WC)"),
            ("Claim #", c.claim),
            ("Patient Type", "Outpatient surgery / observation"),
            ("Attending", c.surgeon.full),
        ),
        Para("M51.16, R33.9, J45.20", "Diagnosis codes:"),
        table(head, rows[:16], widths, right=(4, 5)),
        Para("Continued on next page."),
    ]
    p2: list[Block] = [
        table(head, rows[16:], widths, right=(4, 5)),
        table(
            ("Summary", "Amount"),
            (
                ("Total charges", money(total)),
                ("Contractual adjustment - WC fee schedule", f"-{money(adjusted)}"),
                ("Payments received", "0.00"),
                ("Balance billed to workers' compensation carrier", money(total - adjusted)),
            ),
            (0.7, 0.3),
            right=(1,),
        ),
        Para(
            "This is a statement of charges, not a bill to the patient. Under workers' compensation law "
            "the patient may not be billed for services related to an accepted claim. Questions: Patient "
            f"Financial Services {ST_BRENDAN.phone}, Monday to Friday 8:00 to 4:30."
        ),
    ]
    return Doc(
        "sb-bill",
        "billing",
        "ITEMIZED STATEMENT",
        c.d("2024-05-28"),
        "service",
        None,
        ST_BRENDAN,
        ("M51.16", "R33.9", "J45.20"),
        [p1, p2],
        running=running(ST_BRENDAN, c),
        page_numbers="of",
    )


def st_brendan_file(c: Case, mri: Doc) -> list[Doc]:
    return [
        sb_ed(c),
        sb_xray(c),
        mri,
        sb_labs(c),
        sb_hp(c),
        sb_operative(c),
        sb_pathology(c),
        sb_discharge(c),
        sb_bill(c),
    ]


# --------------------------------------------------------------------------------------------
# 03 Lakeshore Orthopedic & Spine (including the incoming referral letter)
# --------------------------------------------------------------------------------------------


def lo_referral_letter(c: Case) -> Doc:
    when, who = c.d("2024-03-14"), c.occ
    page: list[Block] = [
        Lines((long(when),)),
        Stamp(("RECEIVED", stamp_date(c.d("2024-03-15")), "LAKESHORE ORTHO & SPINE")),
        Space(8),
        lines(c.surgeon.full, LAKESHORE.name, LAKESHORE.street, LAKESHORE.city),
        Space(8),
        lines(
            f"RE: Referral for spine surgery consultation - {c.pt.full}, DOB {mdy(c.pt.dob)}",
            f"Workers' compensation claim {c.claim}, Keystone Mutual Casualty; date of injury {mdy(c.doi)}",
        ),
        Space(6),
        Para(f"Dear Dr. {c.surgeon.surname}:"),
        Para(
            f"Thank you for seeing {c.pt.full}, a {c.age(when)}-year-old warehouse order selector who "
            f"injured his low back lifting a case of water at work on {mdy(c.doi)}. Within two weeks he "
            "developed left leg pain in an L5 pattern with numbness of the dorsum of the foot. Despite "
            "physical therapy, anti-inflammatories, a methylprednisolone taper and modified duty, the "
            "leg pain persists at 6/10 and he now has mild weakness of left great toe extension."
        ),
        Para(
            f"MRI of the lumbar spine at St. Brendan on {mdy(c.d('2024-03-12'))} shows a left "
            "paracentral L4-5 disc extrusion with inferior migration compressing the descending left L5 "
            "nerve root."
        ),
        Para(
            "Diagnoses: M51.26 - Other intervertebral disc displacement, lumbar region; M54.16 - "
            "Radiculopathy, lumbar region."
        ),
        Para(
            "I would appreciate your opinion on further management, including injection or surgical "
            "options. The carrier has authorized the consultation (authorization KM-4471). Copies of my "
            "notes, the ED record and the MRI report are enclosed. He remains on modified duty with a "
            "10 lb lifting limit."
        ),
        Para("Sincerely,"),
        *signature(who.full, f"Occupational Medicine, {HARBORVIEW.name}"),
        Space(6),
        Para("Enclosures: office notes, ED record, MRI report"),
    ]
    return Doc(
        "lo-referral",
        "referral",
        "Referral for spine surgery consultation",
        when,
        "letter",
        who,
        HARBORVIEW,
        ("M51.26", "M54.16"),
        [page],
    )


def lo_consult(c: Case) -> Doc:
    dos, who = c.d("2024-03-19"), c.surgeon
    p1: list[Block] = [
        Title("SPINE SURGERY CONSULTATION"),
        fields(
            ("Patient", c.pt.full),
            ("DOB", short(c.pt.dob)),
            ("MRN", c.mrn_lo),
            ("Date of Service", short(dos)),
            ("Referring", c.occ.full),
            ("Consultant", who.full),
        ),
        Para(
            "Left leg pain after a work injury; opinion on management of an L4-5 disc extrusion.",
            "REASON FOR CONSULTATION:",
        ),
        Heading("HISTORY OF PRESENT ILLNESS"),
        Para(
            f"{c.pt.mr} is a {c.age(dos)}-year-old right-handed warehouse order selector. On "
            f"{short(c.doi)} he lifted a 40-lb case from a low rack and twisted to set it down, with the "
            "immediate onset of low back pain. About ten days later pain began radiating down the "
            "posterolateral left thigh and lateral calf to the dorsum of the foot, with tingling of the "
            "great toe. Leg pain now outweighs back pain (leg 6/10, back 3/10). Sitting and driving "
            "aggravate it; lying on the right side helps. Physical therapy has helped the back but not "
            "the leg. No bowel or bladder symptoms. No prior back or leg symptoms."
        ),
        Heading("RECORDS REVIEWED"),
        Para(
            f"St. Brendan ED record and lumbar radiographs {short(c.doi)}; {HARBORVIEW.name} notes "
            f"{short(c.d('2024-02-07'))} through {short(c.d('2024-03-14'))}; Northgate physical therapy "
            f"evaluation; MRI lumbar spine {short(c.d('2024-03-12'))}, images personally reviewed."
        ),
        Para("Mild intermittent asthma. No surgeries. NKDA. Never smoker.", "PMH / PSH / ALLERGIES:"),
        Heading("PHYSICAL EXAMINATION"),
        Para(
            "Pleasant, well-developed man, height 71 in, weight 203 lb. Antalgic list to the right. "
            "Lumbar flexion to the knees with left leg pain. Straight-leg raise positive on the left at 40 "
            "degrees with reproduction of calf and foot pain; negative on the right. Left extensor "
            "hallucis longus 4+/5, tibialis anterior 5/5, gastrocnemius 5/5, hip abductors 5/5. Decreased "
            "light touch over the dorsum of the left foot. Reflexes 2+ at knees and ankles. No upper "
            "motor neuron signs. Hip range of motion full and painless."
        ),
    ]
    p2: list[Block] = [
        Heading("IMAGING"),
        Para(
            "MRI shows a left paracentral L4-5 extrusion migrating caudally into the left lateral recess "
            "with compression of the descending L5 root, matching his clinical picture. L5-S1 shows mild "
            "degeneration only."
        ),
        Heading("IMPRESSION"),
        numbered(
            "Left L4-5 disc extrusion with left L5 radiculopathy (M51.16).",
            "Radiculopathy, lumbar region (M54.16), with mild great toe extensor weakness.",
        ),
        Heading("PLAN"),
        Para(
            "We discussed the natural history: most disc extrusions of this kind improve over three to "
            "six months, and extruded fragments often regress. Given the mild motor deficit I would like "
            f"to try a left L5 transforaminal epidural steroid injection with {c.pain.full} and continue "
            "therapy and gabapentin. If the leg pain or weakness persists or worsens over the next four to "
            "six weeks, a left L4-5 microdiscectomy would be reasonable, and I outlined its risks and the "
            "expected recovery. He understands and agrees. Return in 4 to 5 weeks or sooner if weaker."
        ),
        Heading("WORK STATUS"),
        Para(
            "Modified duty as directed by occupational medicine; 10 lb lifting limit, no repetitive "
            "bending or twisting."
        ),
        Heading("CAUSATION"),
        Para(
            f"He had no prior lumbar complaints. Within reasonable medical probability the L4-5 extrusion "
            f"and left L5 radiculopathy were caused by the lifting event of {short(c.doi)}."
        ),
        *signature(
            who.full,
            "Orthopedic Spine Surgery",
            f"Electronically signed by {who.full} on {short(c.d('2024-03-22'))} 08:12",
        ),
    ]
    return Doc(
        "lo-consult",
        "consultation",
        "SPINE SURGERY CONSULTATION",
        dos,
        "service",
        who,
        LAKESHORE,
        ("M51.16", "M54.16"),
        [p1, p2],
        family=TIMES,
        running=running(LAKESHORE, c),
        page_numbers="of",
        footer_note=printed_note(c),
    )


def lo_esi(c: Case) -> Doc:
    dos, who = c.d("2024-04-02"), c.pain
    page: list[Block] = [
        Title("PROCEDURE NOTE", "Interventional Spine"),
        fields(
            ("Patient", c.pt.full),
            ("DOB", long(c.pt.dob)),
            ("MRN", c.mrn_lo),
            ("Date of Procedure", long(dos)),
            ("Proceduralist", who.full),
            ("Referring", c.surgeon.full),
        ),
        Para(
            "Left L5 transforaminal epidural steroid injection under fluoroscopic guidance (CPT 64483).", "PROCEDURE:"
        ),
        Para("Lumbar radiculopathy (M54.16); L4-5 disc extrusion with left L5 radiculopathy (M51.16).", "DIAGNOSIS:"),
        Heading("DESCRIPTION"),
        Para(
            "Risks including bleeding, infection, nerve injury, headache, elevated blood sugar and "
            "failure to relieve pain were discussed and written consent obtained. He was placed prone. The "
            "skin was prepped with chlorhexidine and draped. The left L5-S1 foramen was identified with an "
            "oblique fluoroscopic view and the skin anesthetized with 1% lidocaine. A 22-gauge 3.5-inch "
            "spinal needle was advanced to the subpedicular zone of the left L5 foramen. Aspiration was "
            "negative. Under live fluoroscopy 1 mL of iohexol 180 outlined the left L5 root and spread "
            "into the epidural space with no vascular uptake. Dexamethasone 10 mg with 1 mL of "
            "preservative-free 1% lidocaine was injected slowly. The needle was removed and a bandage "
            "applied."
        ),
        Para(
            "Pre-procedure leg pain 7/10; 15 minutes after the procedure 3/10. Strength unchanged. "
            "Fluoroscopy time 24 seconds. No complications. Discharged ambulatory with his wife.",
            "RESULT:",
        ),
        Para(
            "Pain diary for two weeks; resume physical therapy in 48 hours; follow up with "
            f"{c.surgeon.full} in three weeks.",
            "PLAN:",
        ),
        *signature(
            who.full,
            "Physical Medicine and Rehabilitation / Interventional Spine",
            f"Electronically signed by {who.full} on {long(c.d('2024-04-03'))} 07:40",
        ),
    ]
    return Doc(
        "lo-esi",
        "procedure_note",
        "PROCEDURE NOTE",
        dos,
        "procedure",
        who,
        LAKESHORE,
        ("M54.16", "M51.16"),
        [page],
        family=TIMES,
        footer_note=printed_note(c),
    )


def lo_visit(
    c: Case,
    key: str,
    visit: str,
    who: Person,
    title: str,
    body: list[Block],
    icd: tuple[str, ...],
    fmt: Callable[[dt.date], str] = mdy,
) -> Doc:
    dos = c.d(visit)
    page: list[Block] = [Title(title), lakeshore_header(c, dos, who, fmt), *body]
    return Doc(
        key,
        "progress_note",
        title,
        dos,
        "service",
        who,
        LAKESHORE,
        icd,
        [page],
        family=TIMES,
        footer_note=printed_note(c),
    )


def lo_followup_preop(c: Case) -> Doc:
    who = c.spine_pa
    body: list[Block] = [
        Heading("SUBJECTIVE"),
        Para(
            f"Follow-up after the left L5 transforaminal injection of {mdy(c.d('2024-04-02'))}: about 60% "
            "relief for ten days, then the leg pain returned (6/10). Numbness on the top of the left foot "
            "persists and he trips on his left toes at the end of a shift. Gabapentin helps sleep."
        ),
        Heading("OBJECTIVE"),
        Para(
            "Straight-leg raise positive on the left at 40 degrees. Left extensor hallucis longus 4/5, "
            "tibialis anterior 5-/5. Diminished sensation in the left L5 dermatome. Reflexes symmetric."
        ),
        Heading("ASSESSMENT"),
        Para(
            "Intervertebral disc disorder with radiculopathy, lumbar region (M51.16): left L4-5 extrusion "
            "with persistent left L5 radiculopathy and progressive weakness despite ten weeks of "
            "conservative treatment including an epidural injection."
        ),
        Heading("PLAN"),
        numbered(
            f"Seen together with {c.surgeon.full}. Recommend left L4-5 microdiscectomy. Risks, "
            "benefits and alternatives reviewed; he wishes to proceed.",
            "Surgical authorization request to Keystone Mutual today; pre-operative labs; hold "
            "anti-inflammatories 7 days before surgery.",
            "Work status: modified duty, 10 lb lifting limit, unchanged.",
        ),
        *signature(
            who.full,
            f"Supervising physician: {c.surgeon.full}",
            f"Electronically signed {mdy(c.d('2024-04-23'))} 15:48",
        ),
    ]
    return lo_visit(c, "lo-2024-04-23", "2024-04-23", who, "OFFICE VISIT - PROGRESS NOTE", body, ("M51.16",))


def lo_postop_1(c: Case) -> Doc:
    who = c.surgeon
    body: list[Block] = [
        Heading("SUBJECTIVE"),
        Para(
            f"Two weeks after left L4-5 microdiscectomy on {mdy(c.d('2024-05-28'))}. Leg pain resolved the "
            "day of surgery; numbness on the top of the foot is shrinking toward the great toe. Incisional "
            "soreness 2/10. Off oxycodone. Urinary retention in hospital has fully resolved."
        ),
        Heading("OBJECTIVE"),
        Para(
            "Incision healed, no drainage or erythema. Straight-leg raise negative. Left extensor hallucis "
            "longus 4+/5. Sensation mildly reduced over the dorsum of the foot."
        ),
        Heading("ASSESSMENT"),
        numbered(
            "Encounter for other orthopedic aftercare (Z47.89) after left L4-5 microdiscectomy.",
            "Intervertebral disc disorder with radiculopathy, lumbar region (M51.16), improving.",
        ),
        Heading("PLAN"),
        numbered(
            "Physical therapy 2 times weekly for 6 weeks (prescription given).",
            "Walking program; no lifting over 10 lb and no repetitive bending for 6 weeks.",
            f"Off work until {mdy(c.d('2024-07-08'))}, then sedentary duty; see work status form.",
            "Return in 6 weeks.",
        ),
        *signature(who.full, f"Electronically signed by {who.full} on {mdy(c.d('2024-06-12'))} 07:30"),
    ]
    return lo_visit(c, "lo-2024-06-11", "2024-06-11", who, "POSTOPERATIVE VISIT", body, ("Z47.89", "M51.16"))


def lo_work_status(c: Case) -> Doc:
    dos, who = c.d("2024-06-11"), c.surgeon
    page: list[Block] = [
        Title("WORK STATUS / RESTRICTIONS"),
        lakeshore_header(c, dos, who),
        Para("Z47.89, M51.16 - status post left L4-5 microdiscectomy", "Diagnosis:"),
        checks(
            (False, "Regular duty"),
            (
                True,
                f"Off work (temporary total disability) from {mdy(c.d('2024-05-28'))} through {mdy(c.d('2024-07-08'))}",
            ),
            (
                True,
                f"Sedentary duty from {mdy(c.d('2024-07-08'))} until the next visit: lift no more than "
                "10 lb, no repetitive bending or twisting, alternate sitting and standing at will",
            ),
        ),
        Para(mdy(c.d("2024-07-23")), "Next visit:"),
        *signature(f"{who.full}", f"Signed {mdy(dos)}"),
    ]
    return Doc(
        "lo-ws",
        "work_status",
        "WORK STATUS / RESTRICTIONS",
        dos,
        "service",
        who,
        LAKESHORE,
        ("Z47.89", "M51.16"),
        [page],
        family=TIMES,
        footer_note=printed_note(c),
    )


def lo_pt_referral(c: Case) -> Doc:
    dos, who = c.d("2024-06-11"), c.surgeon
    page: list[Block] = [
        Title("PHYSICAL THERAPY REFERRAL / PRESCRIPTION"),
        lakeshore_header(c, dos, who),
        fields(
            ("Refer to", NORTHGATE.name),
            ("Fax", NORTHGATE.fax),
            ("Surgery", f"Left L4-5 microdiscectomy {mdy(c.d('2024-05-28'))}"),
            ("Frequency", "2x/week x 6 weeks"),
            cols=2,
        ),
        Para(
            "Z47.89 Encounter for other orthopedic aftercare; M51.16 Intervertebral disc disorder with "
            "radiculopathy, lumbar region.",
            "Diagnosis:",
        ),
        Heading("ORDERS"),
        bullets(
            "Evaluate and treat.",
            "Lumbar stabilization and core strengthening; neural mobility for the left leg.",
            "Gait training and walking program; progress to work conditioning after 6 weeks.",
            "Modalities as indicated.",
        ),
        Heading("PRECAUTIONS"),
        Para(
            "Until 6 weeks after surgery: no lifting over 10 lb, no repetitive lumbar flexion or "
            "twisting, no manipulation of the lumbar spine."
        ),
        *signature(who.full, f"NPI on file    Date: {mdy(dos)}"),
    ]
    return Doc(
        "lo-pt-referral",
        "referral",
        "PHYSICAL THERAPY REFERRAL / PRESCRIPTION",
        dos,
        "service",
        who,
        LAKESHORE,
        ("Z47.89", "M51.16"),
        [page],
        family=TIMES,
        footer_note=printed_note(c),
    )


def lo_postop_2(c: Case) -> Doc:
    who = c.surgeon
    body: list[Block] = [
        Heading("SUBJECTIVE"),
        Para(
            "Eight weeks after surgery. Ten physical therapy visits. No leg pain. Mild numbness at the tip "
            "of the left great toe. Low back ache 2/10 after prolonged standing. Walking 3 miles a day."
        ),
        Heading("OBJECTIVE"),
        Para(
            "Incision well healed. Flexion to mid-shin, extension full. Straight-leg raise negative "
            "bilaterally. Left extensor hallucis longus 5-/5. Sensation slightly reduced at the left great toe."
        ),
        Heading("ASSESSMENT"),
        numbered(
            "Encounter for other orthopedic aftercare (Z47.89); doing well after left L4-5 microdiscectomy.",
            "Residual left L5 sensory change (M51.16).",
        ),
        Heading("PLAN"),
        numbered(
            "Continue physical therapy 4 more weeks, progressing to lifting and work simulation.",
            "May return to modified duty: 25 lb occasional lifting, 8-hour shifts.",
            "Return in 7 weeks.",
        ),
        *signature(who.full, f"Electronically signed by {who.full} on {mdy(c.d('2024-07-25'))} 12:02"),
    ]
    return lo_visit(c, "lo-2024-07-23", "2024-07-23", who, "FOLLOW-UP VISIT", body, ("Z47.89", "M51.16"))


def lo_final(c: Case) -> Doc:
    who = c.surgeon
    body: list[Block] = [
        Heading("SUBJECTIVE"),
        Para(
            f"Fifteen weeks after left L4-5 microdiscectomy. Completed physical therapy on "
            f"{mdy(c.d('2024-08-20'))}. Working modified duty. Intermittent numbness of the left great toe "
            "tip. Back ache 2/10 at the end of a shift, relieved by stretching. No leg pain."
        ),
        Heading("OBJECTIVE"),
        Para(
            "Full lumbar range of motion with mild end-range stiffness. Straight-leg raise negative. "
            "Strength 5/5 in both legs including great toe extension. Slightly reduced light touch at the "
            "tip of the left great toe. Reflexes symmetric."
        ),
        Heading("ASSESSMENT"),
        Para(
            "Intervertebral disc disorder with radiculopathy, lumbar region (M51.16), resolved "
            "radiculopathy with minor residual sensory change after microdiscectomy."
        ),
        Heading("PLAN"),
        numbered(
            "From a surgical standpoint he has reached maximum medical improvement as of today.",
            "Recommend a functional capacity evaluation to define permanent work restrictions; in the "
            "meantime 40 lb occasional lifting, 25 lb frequent.",
            "Continue the home exercise program. Return as needed.",
        ),
        *signature(who.full, f"Electronically signed by {who.full} on {mdy(c.d('2024-09-12'))} 17:20"),
    ]
    return lo_visit(c, "lo-2024-09-10", "2024-09-10", who, "FOLLOW-UP VISIT", body, ("M51.16",))


def lakeshore_file(c: Case) -> list[Doc]:
    return [
        lo_referral_letter(c),
        lo_consult(c),
        lo_esi(c),
        lo_followup_preop(c),
        lo_postop_1(c),
        lo_work_status(c),
        lo_pt_referral(c),
        lo_postop_2(c),
        lo_final(c),
    ]


# --------------------------------------------------------------------------------------------
# 04 Northgate Physical Therapy
# --------------------------------------------------------------------------------------------


def ng_header(c: Case, dos: dt.date, who: Person, referrer: Person, visit: str) -> Fields:
    return fields(
        ("Patient", c.pt.last_first), ("DOB", mdy(c.pt.dob)),
        ("Visit Date", iso(dos)), ("Visit #", visit),
        ("Therapist", who.full), ("Referring", referrer.full),
        ("Account", c.acct_ng), ("Payer", "Keystone Mutual (WC)"),
    )  # fmt: skip


def ng_eval(c: Case) -> Doc:
    dos, who = c.d("2024-02-26"), c.therapist
    p1: list[Block] = [
        Title("PHYSICAL THERAPY INITIAL EVALUATION"),
        ng_header(c, dos, who, c.occ_pa, "1"),
        Para(
            "M54.16 Radiculopathy, lumbar region; S39.012D Strain of lower back, subsequent encounter",
            "Treatment diagnosis:",
        ),
        Heading("SUBJECTIVE"),
        Para(
            f"Low back and left leg pain since lifting a case at work on {iso(c.doi)}. Back pain 5/10, left "
            "leg pain 6/10 to the lateral calf and top of the foot, tingling of the great toe. Worse with "
            "sitting over 20 minutes, bending and driving; better walking and lying on the right side. "
            "Sleep interrupted twice a night. Goal: return to full duty as an order selector and coach his "
            "son's softball team."
        ),
        Heading("OBJECTIVE"),
        table(
            ("Measure", "Finding"),
            (
                ("Posture", "Lateral shift to the right, reduced lumbar lordosis"),
                ("Lumbar flexion", "Fingertips to knees, increases leg pain"),
                ("Lumbar extension", "25% of normal, centralizes leg pain with repetition"),
                ("Straight-leg raise", "Left positive at 45 degrees; right negative at 80 degrees"),
                ("Slump test", "Positive left"),
                ("Strength", "Left EHL 5-/5; otherwise 5/5"),
                ("Sensation", "Diminished light touch dorsum left foot"),
                ("Oswestry Disability Index", "48% (severe disability)"),
            ),
            (0.32, 0.68),
        ),
    ]
    p2: list[Block] = [
        Heading("ASSESSMENT"),
        Para(
            "Presentation consistent with a left L5 radiculopathy with a directional preference for "
            "extension. Impairments in mobility, motor control and tolerance for sitting and lifting limit "
            "his work. Good rehabilitation potential."
        ),
        Heading("GOALS"),
        numbered(
            "2 weeks: centralize leg symptoms; sit 30 minutes.",
            "4 weeks: leg pain 2/10 or less; Oswestry below 30%; lift 20 lb floor to waist with good mechanics.",
            "8 weeks: return to full duty.",
        ),
        Heading("PLAN"),
        Para(
            "2 times per week for 4 weeks: repeated-movement program, neural mobility, core "
            "stabilization, manual therapy, body mechanics education, home exercise program. Treatment "
            "today: evaluation (97162), therapeutic exercise 15 minutes (97110)."
        ),
        *signature(who.full, f"Signed {iso(c.d('2024-02-27'))} 07:58"),
    ]
    return Doc(
        "ng-eval",
        "therapy",
        "PHYSICAL THERAPY INITIAL EVALUATION",
        dos,
        "service",
        who,
        NORTHGATE,
        ("M54.16", "S39.012D"),
        [p1, p2],
        running=running(NORTHGATE, c),
    )


def ng_daily(
    c: Case,
    visit_date: str,
    number: int,
    who: Person,
    referrer: Person,
    pain: str,
    treatment: Sequence[tuple[str, str, str]],
    response: str,
    plan: str,
) -> Doc:
    dos = c.d(visit_date)
    rows = [*treatment, ("", "Total timed minutes", str(sum(int(t[2]) for t in treatment)))]
    cosign: list[Block] = (
        [Para(f"Supervising PT: {c.therapist.full}, cosigned {iso(dos + dt.timedelta(days=1))}")]
        if who is c.pta
        else []
    )
    page: list[Block] = [
        Title("DAILY TREATMENT NOTE"),
        ng_header(c, dos, who, referrer, str(number)),
        Para(pain, "Subjective:"),
        table(("CPT", "Intervention", "Minutes"), rows, (0.14, 0.7, 0.16), right=(2,)),
        Para(response, "Response:"),
        Para(plan, "Plan:"),
        *signature(who.full, f"Signed {iso(dos)}"),
        *cosign,
    ]
    return Doc(f"ng-{visit_date}", "therapy", "DAILY TREATMENT NOTE", dos, "service", who, NORTHGATE, (), [page])


def ng_reeval(c: Case) -> Doc:
    dos, who = c.d("2024-06-18"), c.therapist
    page: list[Block] = [
        Title("PHYSICAL THERAPY RE-EVALUATION", "Postoperative - left L4-5 microdiscectomy"),
        ng_header(c, dos, who, c.surgeon, "9"),
        Para(
            "Z47.89 Encounter for other orthopedic aftercare; M51.16 Intervertebral disc disorder with "
            "radiculopathy, lumbar region",
            "Treatment diagnosis:",
        ),
        Para(
            f"Three weeks after microdiscectomy ({iso(c.d('2024-05-28'))}). Leg pain gone; numbness at the "
            "left great toe; incisional and low back soreness 3/10. Walking 20 minutes twice a day.",
            "Subjective:",
        ),
        Para(
            "Flexion to knees, extension 50%, guarded. Straight-leg raise negative. Left EHL 4+/5. "
            "Transversus abdominis activation poor. Oswestry 30% (moderate disability).",
            "Objective:",
        ),
        Para("Good early recovery. Deficits in trunk endurance, lumbar mobility and lifting tolerance.", "Assessment:"),
        Para(
            "2 times per week for 6 weeks within the surgeon's precautions (no lifting over 10 lb, no "
            "repetitive flexion until 6 weeks). Progress to work conditioning.",
            "Plan:",
        ),
        *signature(who.full, f"Signed {iso(dos)}"),
    ]
    return Doc(
        "ng-reeval",
        "therapy",
        "PHYSICAL THERAPY RE-EVALUATION",
        dos,
        "service",
        who,
        NORTHGATE,
        ("Z47.89", "M51.16"),
        [page],
    )


def ng_discharge(c: Case) -> Doc:
    dos, who = c.d("2024-08-20"), c.therapist
    p1: list[Block] = [
        Title("PHYSICAL THERAPY DISCHARGE SUMMARY"),
        ng_header(c, dos, who, c.surgeon, "20"),
        Para("Z47.89; M51.16", "Treatment diagnosis:"),
        Para(
            f"{iso(c.d('2024-06-18'))} to {iso(dos)}, 12 postoperative visits (8 preoperative visits "
            f"{iso(c.d('2024-02-26'))} to {iso(c.d('2024-03-28'))}).",
            "Episode of care:",
        ),
        Heading("OUTCOME MEASURES"),
        table(
            ("Measure", "Postop evaluation", "Discharge"),
            (
                ("Oswestry Disability Index", "30%", "12%"),
                ("Low back pain (0-10)", "3", "1-2"),
                ("Left EHL strength", "4+/5", "5/5"),
                ("Floor-to-waist lift", "not tested", "35 lb x 6 reps"),
                ("Waist-to-shoulder lift", "not tested", "25 lb x 6 reps"),
                ("Carry 50 feet", "not tested", "40 lb"),
                ("Sustained standing", "20 minutes", "60 minutes"),
            ),
            (0.4, 0.3, 0.3),
        ),
        Heading("GOALS"),
        numbered(
            "Independent home exercise program - met.",
            "Oswestry below 20% - met.",
            "Lift 50 lb floor to waist for job demands - partially met (35 lb).",
        ),
    ]
    p2: list[Block] = [
        Heading("ASSESSMENT"),
        Para(
            "Marked improvement in pain, mobility and function. Residual limits in heavy repetitive "
            "lifting relative to the order selector job demands (frequent lifting of 10 to 50 lb). "
            "Reports occasional numbness at the tip of the left great toe."
        ),
        Heading("RECOMMENDATIONS"),
        numbered(
            "Discharge to an independent home exercise program.",
            "Functional capacity evaluation if permanent restrictions are needed.",
            "Consider a work conditioning program for heavy lifting tolerance.",
        ),
        *signature(who.full, f"Signed {iso(c.d('2024-08-22'))} 18:10"),
    ]
    return Doc(
        "ng-discharge",
        "therapy",
        "PHYSICAL THERAPY DISCHARGE SUMMARY",
        dos,
        "service",
        who,
        NORTHGATE,
        ("Z47.89", "M51.16"),
        [p1, p2],
        running=running(NORTHGATE, c),
    )


def northgate_file(c: Case) -> list[Doc]:
    therex = ("97110", "Therapeutic exercise: extension progression, core activation", "23")
    neural = ("97112", "Neuromuscular re-education: neural glides, motor control", "15")
    manual = ("97140", "Manual therapy: lumbar mobilization, soft tissue", "10")
    lifting = ("97530", "Therapeutic activities: lifting and carrying mechanics", "15")
    pre, post = c.occ_pa, c.surgeon
    return [
        ng_eval(c),
        ng_daily(
            c,
            "2024-02-28",
            2,
            c.therapist,
            pre,
            "Leg pain 6/10; tried extensions at home, some relief.",
            (therex, manual),
            "Leg pain centralized to the buttock after repeated extension.",
            "Progress extension in lying; add neural glides.",
        ),
        ng_daily(
            c,
            "2024-03-07",
            4,
            c.therapist,
            pre,
            "Leg pain 6/10, back 3/10; flare after a long shift.",
            (therex, neural, manual),
            "Centralization less consistent than last week.",
            "Continue; update referring provider if no change by visit 6.",
        ),
        ng_daily(
            c,
            "2024-03-04",
            3,
            c.pta,
            pre,
            "Back better, leg pain unchanged, numbness top of foot.",
            (therex, neural),
            "Tolerated well; slump test still positive on the left.",
            "Continue plan of care per evaluating PT.",
        ),
        ng_reeval(c),
        ng_daily(
            c,
            "2024-06-25",
            10,
            c.pta,
            post,
            "Soreness 2/10, no leg pain.",
            (therex, neural),
            "Good transversus activation; walking 30 minutes.",
            "Continue within precautions.",
        ),
        ng_daily(
            c,
            "2024-07-02",
            11,
            c.therapist,
            post,
            "No leg pain; toe numbness unchanged.",
            (therex, lifting),
            "Lifted 15 lb box floor to waist x 10 with good mechanics.",
            "Progress load weekly.",
        ),
        ng_daily(
            c,
            "2024-07-09",
            12,
            c.therapist,
            post,
            "Back ache 2/10 after yard work.",
            (therex, lifting, manual),
            "Lifted 20 lb x 10; mild fatigue, no leg symptoms.",
            "Add carrying and pallet simulation.",
        ),
        ng_discharge(c),
    ]


# --------------------------------------------------------------------------------------------
# 05 Keystone Mutual claim file (faxed: every page carries a fax header line)
# --------------------------------------------------------------------------------------------


def fax_cover(c: Case, total_pages: int) -> Doc:
    sent = c.d("2024-11-04")
    page: list[Block] = [
        Big("FAX"),
        Title("FAX COVER SHEET", "Confidential facsimile transmission"),
        fields(
            ("Date", mdy(sent)),
            ("Pages", f"{total_pages} including cover"),
            ("To", c.examiner.full),
            ("From", c.adjuster.full),
            ("Company", RIDGELINE.name),
            ("Company", "Keystone Mutual Casualty"),
            ("Fax", RIDGELINE.fax),
            ("Fax", KEYSTONE.fax),
            ("Phone", RIDGELINE.phone),
            ("Phone", KEYSTONE.phone),
        ),
        Para(f"{c.pt.full} - claim {c.claim} - independent medical examination {mdy(c.d('2024-11-12'))}", "RE:"),
        Space(6),
        Para(
            "Enclosed: scheduling letter with our questions, a letter from applicant's counsel, the prior "
            "IME report and the lumbar MRI report. Medical records from the treating providers are being "
            "sent separately by our record retrieval vendor. Please call if any pages are missing or "
            "illegible."
        ),
        Space(24),
        Para(
            "CONFIDENTIALITY NOTICE: This facsimile contains protected health information that is "
            "privileged and confidential under state and federal law. It is intended only for the "
            "recipient named above. If you received it in error, notify the sender by telephone "
            "immediately and destroy all copies. Redisclosure is prohibited."
        ),
    ]
    return Doc("ks-fax-cover", "other", "FAX COVER SHEET", None, None, None, KEYSTONE, (), [page])


def ks_adjuster_letter(c: Case) -> Doc:
    when, who, exam = c.d("2024-10-21"), c.adjuster, c.d("2024-11-12")
    subject = "Request for Independent Medical Examination"
    p1: list[Block] = [
        Lines((long(when),)),
        Space(8),
        lines(c.examiner.full, RIDGELINE.name, RIDGELINE.street, RIDGELINE.city),
        Space(6),
        Lines((f"VIA FACSIMILE {RIDGELINE.fax}",)),
        Space(6),
        lines(
            f"RE: {subject}",
            f"Examinee: {c.pt.full}     DOB: {mdy(c.pt.dob)}",
            f"Claim No.: {c.claim}     Date of Injury: {long(c.doi)}",
            f"Employer: {EMPLOYER}",
            f"Examination: {long(exam)} at 9:30 a.m.",
            bold_first=True,
        ),
        Space(6),
        Para(f"Dear Dr. {c.examiner.surname}:"),
        Para(
            f"Keystone Mutual Casualty Company insures {EMPLOYER} for workers' compensation and asks you to "
            f"perform an independent medical examination of {c.pt.full} on {long(exam)}. The accepted "
            "body part is the lumbar spine. The claimant injured his low back lifting a case of water on "
            f"{long(c.doi)}, and underwent a left L4-5 microdiscectomy on {long(c.d('2024-05-28'))}."
        ),
        Para(
            f"{c.prior_ime.full} examined the claimant on {long(c.d('2024-09-24'))}. Applicant's counsel "
            f"has objected to that report, and Dr. {c.prior_ime.surname} is not available for a "
            "supplemental evaluation. Please do not contact the claimant's treating providers directly; "
            "direct any requests for additional records to me."
        ),
        Para(
            "The claimant has been told that no doctor-patient relationship will be formed. He may "
            "bring an observer. No interpreter is needed."
        ),
    ]
    p2: list[Block] = [
        Para("Please answer the following questions within reasonable medical probability:"),
        numbered(
            f"What diagnoses are related to the industrial injury of {long(c.doi)}?",
            "Is the L4-5 disc herniation, and the surgery of "
            f"{long(c.d('2024-05-28'))}, causally related to the work injury? Please address any "
            "pre-existing degenerative disease and apportionment.",
            "Has treatment to date been reasonable and necessary?",
            "Has the claimant reached maximum medical improvement? If so, as of what date?",
            "If at maximum medical improvement, provide a whole person impairment rating under the "
            "AMA Guides, Sixth Edition, identifying the tables used.",
            "What are the claimant's current work capacities? Can he return to his job of injury as an "
            "order selector (job description enclosed)? Specify any permanent restrictions.",
            "What further treatment, if any, is reasonable and necessary?",
        ),
        Para(
            "Please send your report within 30 days of the examination with your invoice. Thank you for "
            "your assistance."
        ),
        Para("Sincerely,"),
        *signature(
            who.full, "Senior Claims Adjuster, Workers' Compensation", f"Direct {KEYSTONE.phone}   Fax {KEYSTONE.fax}"
        ),
        Space(6),
        Para(f"{c.attorney.full}, {WHITCOMB.name}", "cc:"),
        Para("job description; prior IME report; letter of counsel; MRI report.", "Enclosures:"),
    ]
    return Doc(
        "ks-adjuster",
        "correspondence",
        subject,
        when,
        "letter",
        who,
        KEYSTONE,
        (),
        [p1, p2],
        family=TIMES,
        running=f"{c.examiner.full} - {long(when)} - Page 2 - Claim {c.claim}",
    )


def ks_attorney_letter(c: Case) -> Doc:
    when, who = c.d("2024-10-15"), c.attorney
    subject = "Objection to IME report; request for new examination"
    page: list[Block] = [
        Lines((long(when),)),
        Stamp(("RECEIVED", stamp_date(c.d("2024-10-17")), "KEYSTONE MUTUAL WC")),
        Space(6),
        lines("VIA FAX AND EMAIL", c.adjuster.full, KEYSTONE.name, KEYSTONE.tagline, KEYSTONE.street, KEYSTONE.city),
        Space(6),
        lines(
            f"RE: {subject}",
            f"Our client: {c.pt.full}",
            f"Claim No.: {c.claim}",
            f"Date of Injury: {mdy(c.doi)}",
            bold_first=True,
        ),
        Space(4),
        Para(f"Dear Ms. {c.adjuster.surname}:"),
        Para(
            f"This office represents {c.pt.full} in his workers' compensation claim. We have received the "
            f"report of {c.prior_ime.full} dated {long(c.d('2024-10-02'))} and object to it for these "
            "reasons:"
        ),
        numbered(
            "The report states that the radiculopathy has fully resolved, yet the treating surgeon and "
            "the physical therapist both document persistent numbness of the left great toe.",
            "It apportions 30 percent of the impairment to pre-existing degenerative disease although "
            "our client had no prior back complaints, treatment or lost time, and the injury-day "
            "radiographs show only mild narrowing at one level.",
            f"Dr. {c.prior_ime.surname} did not review the physical therapy discharge summary, which "
            "shows that our client cannot yet lift the 50 lb his job requires.",
            "The report does not identify the tables of the AMA Guides used for the rating.",
        ),
        Para(
            "We request a new examination by a board-certified spine specialist, and a copy of all records "
            "and correspondence sent to the examiner. Our client will attend any reasonably scheduled "
            "examination within 30 miles of his home. Please direct all communication to this office."
        ),
        Para("Very truly yours,"),
        *signature(who.full, WHITCOMB.name),
        Space(6),
        Para(f"{c.pt.full} (client)", "cc:"),
    ]
    return Doc("ks-attorney", "correspondence", subject, when, "letter", who, WHITCOMB, (), [page], family=TIMES)


def ks_prior_ime(c: Case) -> Doc:
    exam, who = c.d("2024-09-24"), c.prior_ime
    rec = [
        f"{long(c.doi)} - St. Brendan Regional Medical Center, emergency record ({c.ed.full}) and lumbar "
        f"radiographs ({c.rad.full}).",
        f"{long(c.d('2024-02-07'))} to {long(c.d('2024-07-30'))} - {HARBORVIEW.name}, office notes and work "
        f"status reports ({c.occ.full}; {c.occ_pa.full}).",
        f"{long(c.d('2024-03-12'))} - MRI lumbar spine, St. Brendan ({c.rad.full}).",
        f"{long(c.d('2024-03-19'))} to {long(c.d('2024-09-10'))} - {LAKESHORE.name}, consultation, "
        f"injection and follow-up notes ({c.surgeon.full}; {c.pain.full}; {c.spine_pa.full}).",
        f"{long(c.d('2024-05-28'))} - operative report, left L4-5 microdiscectomy ({c.surgeon.full}).",
        f"{long(c.d('2024-05-30'))} - discharge summary, St. Brendan ({c.surgeon.full}).",
        f"{long(c.d('2024-02-26'))} to {long(c.d('2024-07-09'))} - {NORTHGATE.name}, evaluation and daily notes.",
    ]
    p1: list[Block] = [
        Title("INDEPENDENT MEDICAL EXAMINATION"),
        fields(
            ("Examinee", c.pt.full),
            ("DOB", long(c.pt.dob)),
            ("Claim No.", c.claim),
            ("Date of Injury", long(c.doi)),
            ("Date of Examination", long(exam)),
            ("Date of Report", long(c.d("2024-10-02"))),
            ("Requested by", f"{c.adjuster.full}, Keystone"),
            ("Examiner", who.full),
            cols=2,
        ),
        Heading("INTRODUCTION AND STATEMENT OF INDEPENDENCE"),
        Para(
            f"At the request of Keystone Mutual Casualty Company I examined {c.pt.full} at my office on "
            f"{long(exam)}. Before the examination I explained that I was not his treating physician, that "
            "no doctor-patient relationship would be formed, and that a report would go to the requesting "
            "party. He understood and agreed to proceed. He came alone. No interpreter was needed. The "
            "history took 40 minutes, the examination 20 minutes and the record review 2.5 hours."
        ),
        Heading("RECORDS REVIEWED"),
        numbered(*rec),
    ]
    p2: list[Block] = [
        Heading("HISTORY"),
        Para(
            f"On {long(c.doi)} he lifted a case of bottled water from a low rack and twisted to place it "
            "on a pallet jack, with immediate low back pain. Left leg pain followed within two weeks. He "
            "was treated with medication, physical therapy and a transforaminal epidural injection, and on "
            f"{long(c.d('2024-05-28'))} underwent left L4-5 microdiscectomy, with resolution of the leg "
            "pain. He completed postoperative therapy and works modified duty with a 25 to 40 lb limit."
        ),
        Heading("CURRENT COMPLAINTS"),
        Para(
            "Low back ache 2/10 at the end of a shift; occasional numbness at the tip of the left great "
            "toe; no leg pain. Sleeps well. Not taking prescription medication."
        ),
        Heading("PAST, SOCIAL AND WORK HISTORY"),
        Para(
            "Mild asthma. No earlier back injury or claims. Never smoker. Order selector for six years; "
            "before that a delivery driver."
        ),
        Heading("PHYSICAL EXAMINATION"),
        Para(
            "Height 71 in, weight 205 lb. Normal gait, heel and toe walking. Healed 3 cm midline incision. "
            "Lumbar flexion 60 degrees, extension 20 degrees, lateral bending 20 degrees each side. "
            "Straight-leg raise negative seated and supine. Strength 5/5 throughout. Reflexes 2+ and "
            "symmetric. Light touch slightly reduced at the tip of the left great toe only. Waddell signs "
            "0 of 5. Effort was full and findings were consistent."
        ),
        Heading("DIAGNOSTIC STUDIES"),
        Para(
            "I reviewed the radiographs and MRI reports listed above; the MRI findings are summarized in the records."
        ),
    ]
    p3: list[Block] = [
        Heading("DIAGNOSES"),
        numbered(
            "Left L4-5 disc herniation with left L5 radiculopathy, status post microdiscectomy, "
            "radiculopathy resolved (M51.16).",
            "Lumbar strain, resolved (S39.012D).",
        ),
        Heading("DISCUSSION"),
        Para(
            f"Causation: the L4-5 herniation is, within reasonable medical probability, related to the "
            f"lifting event of {long(c.doi)}; the mechanism, timing and imaging are consistent."
        ),
        Para(
            "Apportionment: the MRI shows disc desiccation at L4-5 and L5-S1 and the injury-day radiograph "
            "shows L4-5 narrowing, indicating pre-existing degeneration. I apportion 70 percent of the "
            "impairment to the industrial injury and 30 percent to pre-existing degenerative disease."
        ),
        Para(
            f"Maximum medical improvement: reached on {long(c.d('2024-09-10'))}, the date of the surgeon's final visit."
        ),
        Para(
            "Impairment: AMA Guides, Sixth Edition. Lumbar spine regional grid, intervertebral disc "
            "herniation at a single level with medically documented findings, with surgery and resolved "
            "radiculopathy: class 1, default grade C, 7% whole person impairment. Functional history "
            "modifier 1 and physical examination modifier 1 give a net adjustment of 0. Final rating 7% "
            "whole person impairment, of which 5% is apportioned to the industrial injury."
        ),
        Para(
            "Work capacity: permanent restrictions of 50 lb occasional and 25 lb frequent lifting; he can "
            "return to his job of injury with these limits."
        ),
        Para(
            "Future care: home exercise and over-the-counter analgesics. No further surgery, injections "
            "or formal therapy are needed."
        ),
    ]
    p4: list[Block] = [
        Heading("ANSWERS TO QUESTIONS"),
        numbered(
            "Diagnoses: as listed above.",
            "Treatment, including the surgery, was reasonable, necessary and related to the injury.",
            f"Maximum medical improvement: {long(c.d('2024-09-10'))}.",
            "Impairment: 7% whole person, 5% after apportionment.",
            "Work: return to regular job with permanent restrictions as above.",
            "Future medical care: as above.",
        ),
        Heading("ATTESTATION"),
        Para(
            "I personally took the history, examined the examinee, reviewed the records listed and wrote "
            "this report. The opinions are my own, held within reasonable medical probability, and would "
            "change if new information became available. I have no financial interest in the outcome. I "
            "declare under penalty of perjury that the foregoing is true and correct."
        ),
        *signature(
            who.full,
            "Diplomate, American Board of Orthopaedic Surgery",
            f"Signed {long(c.d('2024-10-02'))} at Olympia Falls, Washington",
        ),
    ]
    return Doc(
        "ks-prior-ime",
        "ime_report",
        "INDEPENDENT MEDICAL EXAMINATION",
        exam,
        "exam",
        who,
        CRESTVIEW,
        ("M51.16", "S39.012D"),
        [p1, p2, p3, p4],
        family=TIMES,
        running=f"IME - {c.pt.full} - Claim {c.claim} - Examination {long(exam)}",
        page_numbers="of",
    )


def keystone_file(c: Case, mri: Doc) -> list[Doc]:
    docs = [ks_adjuster_letter(c), ks_attorney_letter(c), ks_prior_ime(c), mri]  # MRI re-sent: duplicate
    return [fax_cover(c, 1 + sum(d.rendered_pages for d in docs)), *docs]


def keystone_fax_line(c: Case) -> FaxLine:
    sent = mdy(c.d("2024-11-04"))

    def line(page: int, total: int) -> str:
        return (
            f"{sent} 14:07  FROM: KEYSTONE MUTUAL WC  FAX {KEYSTONE.fax}   TO: RIDGELINE MED EVAL  "
            f"P. {page:03d}/{total:03d}"
        )

    return line


# --------------------------------------------------------------------------------------------
# Bundle, ground truth, CLI
# --------------------------------------------------------------------------------------------


@dataclass
class RecordFile:
    name: str
    docs: list[Doc]
    fax: FaxLine | None = None
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = sum(d.rendered_pages for d in self.docs)


def build_bundle(c: Case) -> list[RecordFile]:
    mri = sb_mri(c)  # the same document object appears twice: the second copy is a duplicate
    return [
        RecordFile("01-harborview-occupational-health.pdf", harborview_file(c)),
        RecordFile("02-st-brendan-regional-medical-center.pdf", st_brendan_file(c, mri)),
        RecordFile("03-lakeshore-orthopedic-spine.pdf", lakeshore_file(c)),
        RecordFile("04-northgate-physical-therapy.pdf", northgate_file(c)),
        RecordFile("05-keystone-mutual-claim-file.pdf", keystone_file(c, mri), keystone_fax_line(c)),
    ]


def new_canvas(path: Path, title: str) -> Canvas:
    canvas = Canvas(str(path), pagesize=letter, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("reportkit synthetic sample (fictitious)")
    canvas.setCreator("reportkit samples/generate.py")
    return canvas


def render_file(canvas: Canvas, f: RecordFile) -> None:
    page = 1
    for doc in f.docs:
        render(canvas, doc, f.fax, page, f.pages)
        page += doc.rendered_pages


def label(doc: Doc, first: int, duplicate_of: int | None) -> dict[str, object]:
    assert doc.doc_type in DOC_TYPES, doc.doc_type
    assert doc.date_role is None or doc.date_role in DATE_ROLES, doc.date_role
    return {
        "first_page": first,
        "last_page": first + doc.rendered_pages - 1,
        "doc_type": doc.doc_type,
        "title": doc.title,
        "date": doc.date.isoformat() if doc.date else None,
        "date_role": doc.date_role,
        "provider": doc.provider.full if doc.provider else None,
        "provider_surname": doc.provider.surname if doc.provider else None,
        "facility": doc.facility.name,
        "icd10": list(doc.icd10),
        "missing_pages": sorted(doc.omit),
        "duplicate_of_first_page": duplicate_of,
    }


def write_case(out_dir: Path) -> dict[str, object]:
    """Write the sample bundle and its ground truth; returns the ground truth."""
    records = out_dir / "records"
    records.mkdir(parents=True, exist_ok=True)
    for stale in records.glob("*.pdf"):
        stale.unlink()
    bundle = sorted(build_bundle(make_case(0)), key=lambda f: f.name)
    documents: list[dict[str, object]] = []
    first_seen: dict[str, int] = {}
    page = 1
    for f in bundle:
        canvas = new_canvas(records / f.name, f"{f.name} (synthetic sample records)")
        render_file(canvas, f)
        canvas.save()
        for doc in f.docs:
            documents.append(label(doc, page, first_seen.get(doc.key)))
            first_seen.setdefault(doc.key, page)
            page += doc.rendered_pages
    truth: dict[str, object] = {
        "schema": SCHEMA,
        "files": [{"path": f"records/{f.name}", "pages": f.pages} for f in bundle],
        "documents": documents,
    }
    (out_dir / "ground_truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return truth


def write_bench(path: Path, min_pages: int) -> int:
    """One large PDF cycling the sample's builders with shifted dates and varied names."""
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = new_canvas(path, "reportkit benchmark bundle (synthetic)")
    pages, i = 0, 0
    while pages < min_pages:
        for f in build_bundle(make_case(i)):
            render_file(canvas, f)
            pages += f.pages
        i += 1
    canvas.save()
    return pages


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--bench-pages",
        type=int,
        metavar="N",
        help="write one synthetic PDF of at least N pages to --out (no ground truth)",
    )
    ap.add_argument("--out", type=Path, help="output: a .pdf with --bench-pages, else the case directory")
    args = ap.parse_args(argv)
    if args.bench_pages is not None:
        if args.out is None:
            ap.error("--bench-pages needs --out PATH.pdf")
        n = write_bench(args.out, args.bench_pages)
        print(f"wrote {args.out} ({n} pages)")
        return 0
    out_dir: Path = args.out or DEFAULT_CASE_DIR
    truth = write_case(out_dir)
    files = truth["files"]
    docs = truth["documents"]
    assert isinstance(files, list) and isinstance(docs, list)
    print(f"wrote {out_dir}: {len(files)} files, {sum(f['pages'] for f in files)} pages, {len(docs)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Drawing the content blocks on reportlab pages: letterheads, running headers, wrapping, fax lines, footers."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .blocks import (
    FAMILIES,
    Block,
    Bullets,
    Checks,
    Doc,
    Family,
    Fields,
    Heading,
    Lines,
    Numbered,
    Para,
    Space,
    Stamp,
    Table,
    Title,
)
from .cast import Facility

ICD10 = re.compile(r"\b[A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}\b")
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
            fam = FAMILIES[fac.font]
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

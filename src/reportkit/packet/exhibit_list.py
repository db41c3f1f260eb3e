"""The exhibit list (PDF and DOCX) and exhibit cover sheets. Same plan, same bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportkit.packet.exhibits import Exhibit

HEADERS = ("Exhibit", "Description", "Date(s)", "Bates range", "Pages")


def dates_text(dates: tuple[str | None, str | None]) -> str:
    first, last = dates
    if not first:
        return "undated"
    return first if first == last else f"{first} to {last}"


def rows(exhibits: Sequence[Exhibit]) -> list[list[str]]:
    """One row per exhibit: label, description, dates, Bates range, page count."""
    return [[e.label, e.description, dates_text(e.dates), e.bates_range, str(e.page_count)] for e in exhibits]


def _safe(text: str) -> str:
    """Text Helvetica (WinAnsi) can show; anything else becomes '?'."""
    return text.encode("cp1252", errors="replace").decode("cp1252")


def to_pdf(exhibits: Sequence[Exhibit], title: str) -> bytes:
    """The exhibit list as a letter-size PDF table (text-searchable, fixed metadata)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    body.fontSize, body.leading = 9, 11
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=54,
        rightMargin=54,
        topMargin=54,
        bottomMargin=54,
        title=title,
        author="reportkit",
        creator="reportkit",
        invariant=1,
    )
    data: list[list[object]] = [[Paragraph(f"<b>{h}</b>", body) for h in HEADERS]]
    for row in rows(exhibits):
        row[3] = row[3].replace("-", " - ", 1) if row[3].count("-") == 1 else row[3]  # let the range wrap
        data.append([Paragraph(escape(_safe(cell)), body) for cell in row])
    table = Table(data, colWidths=[72, 178, 78, 134, 42], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    story = [Paragraph(escape(_safe(title)), styles["Heading1"]), Spacer(0, 6), table]
    doc.build(story)
    return buffer.getvalue()


def cover_sheet(exhibit: Exhibit) -> bytes:
    """A one-page slip sheet: the exhibit label large, its description and Bates range below."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter, invariant=1)
    c.setTitle(_safe(exhibit.label))
    width, height = letter
    c.setFont("Helvetica-Bold", 36)
    c.drawCentredString(width / 2, height / 2 + 40, _safe(exhibit.label).upper())
    c.setFont("Helvetica", 12)
    c.drawCentredString(width / 2, height / 2, _safe(exhibit.description)[:90])
    c.drawCentredString(width / 2, height / 2 - 20, f"{exhibit.bates_range} ({exhibit.page_count} pages)")
    c.showPage()
    c.save()
    return buffer.getvalue()


def to_docx(exhibits: Sequence[Exhibit], title: str) -> bytes:
    """The exhibit list as a Word table; byte-identical for the same exhibits."""
    import docx
    from docx.shared import Pt

    from reportkit.index.export import normalise_zip

    document = docx.Document()
    props = document.core_properties
    props.author = props.last_modified_by = "reportkit"
    props.title = title
    props.created = props.modified = datetime(2000, 1, 1)
    props.revision = 1
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(title, level=1)
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    listed = [[*r[:2], r[2].replace(" to ", " to\n"), *r[3:]] for r in rows(exhibits)]  # a date never breaks
    for row in listed:
        cells = table.add_row().cells  # one row per exhibit: tens of rows, python-docx is fast enough
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    _fit(table, [list(r) for r in listed], document.sections[0])
    raw = io.BytesIO()
    document.save(raw)
    return normalise_zip(raw.getvalue())


def _fit(table: Any, listed: list[list[str]], section: Any) -> None:
    """Columns wide enough that no Bates number or word is broken (a range may break after its hyphen), the
    description the widest; the header row repeated on every page, rows never split across pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Twips

    from reportkit.index.wordml import fitted_widths

    usable = int((section.page_width - section.left_margin - section.right_margin) / 635)  # EMU → twips
    widths = fitted_widths(list(HEADERS), listed, HEADERS.index("Description"), usable)
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Twips(width)
        for cell in column.cells:
            cell.width = Twips(width)
    for n, row in enumerate(table.rows):
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if n == 0:
            props.append(OxmlElement("w:tblHeader"))

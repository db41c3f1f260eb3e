"""index.docx written directly: our WordprocessingML for the body, python-docx's default template for the rest.

Building the chronology through python-docx's object model costs a third of a second on a 2,000-page
bundle (importing it, parsing its template, re-serialising every part) for a document whose body is one
heading, one table and a list. Here the body is written as text and the template's other parts (styles,
numbering, settings) are copied as they are, so Word and LibreOffice see python-docx's familiar styles
("Heading 1", "Table Grid", "List Bullet"). Entry times are fixed: the same content gives the same bytes.
"""

from __future__ import annotations

import html
import importlib.util
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 15840, 12240, 864
"""Landscape US Letter and 0.6 inch margins, in twentieths of a point."""
NORMAL_SIZE = 18
"""Body text size in half-points (9 pt): a wide chronology table reads better small."""
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""Characters XML 1.0 forbids (and DEL, which Word shows as a box): dropped from every DOCX text."""


@dataclass(frozen=True)
class Body:
    """What the document says, in order: title, the case header (label, value), headline, the table
    (headers, rows as WordprocessingML, column widths in twentieths of a point), then paragraphs as (text,
    style id or None)."""

    title: str
    headline: str
    headers: list[str]
    rows_xml: str
    paragraphs: list[tuple[str, str | None]]
    case: list[tuple[str, str]] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)


def text_xml(text: str) -> str:
    """``text`` escaped for XML, without the characters XML 1.0 forbids."""
    return html.escape(XML_FORBIDDEN.sub("", text), quote=False)


def paragraph_xml(text: str, style: str | None = None, bold: bool = False) -> str:
    """A paragraph of ``text`` (a line break at each newline)."""
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    lines = "<w:br/>".join(f'<w:t xml:space="preserve">{text_xml(line)}</w:t>' for line in text.split("\n"))
    return f"<w:p>{props}<w:r>{run_props}{lines}</w:r></w:p>"


def cell_xml(text: str) -> str:
    """One table cell holding ``text``."""
    return f"<w:tc>{paragraph_xml(text)}</w:tc>"


def row_xml(cells: list[str]) -> str:
    """A table row that is never split across pages."""
    return "<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(cell_xml(c) for c in cells) + "</w:tr>"


TABLE_WIDTH = PAGE_WIDTH - 2 * MARGIN


CHAR = 100
"""About one character of the 9 pt body text, in twentieths of a point."""
CELL_PADDING = 340
SHORT_CELL = 10
"""A cell this short is kept on one line."""
"""A cell's left and right margins (Table Grid: 0.08 inch each) and a little air."""


_BREAKS = re.compile(r"\s+|(?<=\d-)(?=[A-Za-z])")


def _word_width(word: str) -> int:
    """The width of a word in the 9 pt body font (Calibri, or what stands in for it), generously: capitals
    wider than digits, digits than lower case."""
    return sum(150 if c.isupper() else 110 if c.isdigit() else 105 for c in word) + CELL_PADDING


def fitted_widths(headers: list[str], rows: list[list[str]], widest: int, table: int = TABLE_WIDTH) -> list[int]:
    """Column widths fitted to what the columns hold, in twentieths of a point, summing to the table: each
    at least as wide as its longest word (no word or number broken), as wide as its typical text where room
    allows, and column ``widest`` (the findings) taking the rest — the widest of all."""
    least, wanted = [], []
    for j, header in enumerate(headers):
        texts = [row[j] for row in rows if j < len(row)] or [""]
        # a Bates range may break after its hyphen (OKAFOR0000001-|OKAFOR0000009); a date or a word may not
        # each distinct cell and word measured once (a large index repeats most of them)
        distinct = set(texts)
        pieces = {w for t in (*distinct, header) for w in _BREAKS.split(t) if w}
        pieces.update(t for t in distinct if len(t) <= SHORT_CELL)  # "Exhibit 12", "p. 12" stay on one line
        longest = max(_word_width(w) for w in pieces)
        typical = sorted(max(map(len, t.split("\n"))) for t in texts)[int(0.8 * (len(texts) - 1))]
        least.append(min(longest, 36 * CHAR))
        wanted.append(max(least[-1], min(typical + 2, 20) * CHAR))
    others = sum(w for k, w in enumerate(wanted) if k != widest)
    room = table - others
    floor = max(least[widest], int(0.3 * table), int(1.3 * max(w for k, w in enumerate(wanted) if k != widest)))
    if room < floor:  # too little room: the others give up what they want beyond their least, in proportion
        spare = sum(w - m for k, (w, m) in enumerate(zip(wanted, least, strict=True)) if k != widest)
        cut = min(1.0, (floor - room) / spare) if spare else 0.0
        wanted = [
            w if k == widest else int(w - (w - m) * cut) for k, (w, m) in enumerate(zip(wanted, least, strict=True))
        ]
    widths = [w for w in wanted]
    widths[widest] = table - sum(w for k, w in enumerate(widths) if k != widest)
    return widths


@lru_cache(maxsize=1)
def _template() -> dict[str, bytes]:
    """The parts of python-docx's default template (found without importing python-docx)."""
    spec = importlib.util.find_spec("docx")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("python-docx is not installed: reinstall reportkit (pip install -e .)")
    path = Path(next(iter(spec.submodule_search_locations))) / "templates" / "default.docx"
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


_NORMAL = re.compile(rb'(<w:style\b[^>]*w:styleId="Normal"[^>]*>)(.*?)(</w:style>)', re.S)


def _styles(styles: bytes) -> bytes:
    """The template's styles with the Normal style at NORMAL_SIZE (unless it already sets a size)."""

    def sized(m: re.Match[bytes]) -> bytes:
        if b"<w:rPr" in m.group(2):
            return m.group(0)
        return m.group(1) + m.group(2) + f'<w:rPr><w:sz w:val="{NORMAL_SIZE}"/></w:rPr>'.encode() + m.group(3)

    return _NORMAL.sub(sized, styles, count=1)


def _document(template_document: bytes, body: Body) -> bytes:
    root = re.search(rb"<w:document\b[^>]*>", template_document)
    if root is None:
        raise RuntimeError("python-docx's template has no w:document element")
    widths = body.widths or [TABLE_WIDTH // max(1, len(body.headers))] * len(body.headers)
    header_cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr>{paragraph_xml(h, bold=True)}</w:tc>'
        for h, w in zip(body.headers, widths, strict=False)
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    table_start = (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="dxa" w:w="{sum(widths)}"/>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
        'w:noVBand="1" w:val="04A0"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header_cells}</w:tr>"
    )  # the header row repeats on every page; no row is split across two
    section = (
        f'<w:sectPr><w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}" w:orient="landscape"/>'
        f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" w:header="720" '
        'w:footer="720" w:gutter="0"/><w:cols w:space="720"/><w:docGrid w:linePitch="360"/></w:sectPr>'
    )
    head = [
        paragraph_xml(body.title, "Heading1"),
        *(_label_xml(label, value) for label, value in body.case),
        paragraph_xml(body.headline),
        table_start,
    ]
    tail = ["</w:tbl>", *(paragraph_xml(text, style) for text, style in body.paragraphs), section]
    xml = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    # encoded piece by piece and joined once: the table's rows are most of a large index's DOCX, copied once
    return b"".join(
        (
            xml.encode(),
            root.group(0),
            f"<w:body>{''.join(head)}".encode(),
            body.rows_xml.encode(),
            f"{''.join(tail)}</w:body></w:document>".encode(),
        )
    )


def _label_xml(label: str, value: str) -> str:
    """``Examinee: Daniel R. Okafor``, the label bold, for the case header."""
    return (
        f'<w:p><w:pPr><w:spacing w:after="0"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
        f'<w:t xml:space="preserve">{text_xml(label)}: </w:t></w:r>'
        f'<w:r><w:t xml:space="preserve">{text_xml(value)}</w:t></w:r></w:p>'
    )


def _core(title: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{text_xml(title)}</dc:title><dc:creator>reportkit</dc:creator>"
        "<cp:lastModifiedBy>reportkit</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def write(body: Body) -> bytes:
    """The DOCX bytes."""
    parts = dict(_template())
    parts["word/document.xml"] = _document(parts["word/document.xml"], body)
    parts["word/styles.xml"] = _styles(parts["word/styles.xml"])
    parts["docProps/core.xml"] = _core(body.title)
    return zip_bytes(parts)


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    """A ZIP (DOCX) of these parts, in this order, with fixed entry times: equal parts give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()

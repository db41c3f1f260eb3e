"""The draft's blocks (:mod:`reportkit.draft.markup`) as a Word document, and a Word document read back into
blocks (a physician's edits in Word)."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reportkit.draft import wordparts
from reportkit.errors import TemplateError

if TYPE_CHECKING:
    from reportkit.draft.reference import Reference
from reportkit.draft.markup import Block, Run

FIXED_DATE = datetime(2000, 1, 1)


def to_docx(blocks: list[Block], title: str, reference: Reference | None = None, *, running: str = "") -> bytes:
    """The blocks as a Word document; ``reference`` (a checked .docx, see ``reference.read_reference``) gives
    styles, margins, header and footer (letterhead). ``running``: a running header under the letterhead, and a
    "Page x of y" footer. List numbers hang in their own space, a signature block stays on one page.
    Byte-identical for the same blocks and reference."""
    import docx
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    from reportkit.index.export import normalise_zip

    if reference is not None:
        try:
            document = docx.Document(io.BytesIO(reference.data))
        except Exception as exc:  # python-docx raises several types on a damaged file
            raise TemplateError(
                f"{reference.path}: not a readable Word document.", hint="Save it again from Word as .docx."
            ) from exc
        body = document.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
    else:
        document = docx.Document()
        document.styles["Normal"].font.size = Pt(11)
    props = document.core_properties
    props.author = "reportkit"
    props.title = title
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.last_modified_by = "reportkit"
    props.revision = 1
    styles = {s.name for s in document.styles}
    placed: list[tuple[object, str]] = []
    for block in blocks:
        if block.kind == "table":
            placed.append((_docx_table(document, block, styles), block.part))
            continue
        if block.kind in ("h1", "h2", "h3"):
            level = int(block.kind[1])
            paragraph = (
                document.add_heading("", level=level) if f"Heading {level}" in styles else (document.add_paragraph())
            )
        elif block.kind == "li":
            paragraph = document.add_paragraph()
            hang = Pt(28 if block.list_kind == "ol" else 18)  # "10." and "100." never touch their text
            paragraph.paragraph_format.left_indent = hang
            paragraph.paragraph_format.first_line_indent = -hang
            marker = f"{block.number}." if block.list_kind == "ol" else "•"
            paragraph.add_run(f"{marker}\t")
            paragraph.paragraph_format.tab_stops.add_tab_stop(hang)
        else:
            paragraph = document.add_paragraph()
            if "sub" in block.css.split():
                paragraph.paragraph_format.left_indent = Pt(24)
            if "signature" in block.css.split():
                paragraph.paragraph_format.space_after = Pt(2)
                paragraph.paragraph_format.keep_together = True
                paragraph.paragraph_format.keep_with_next = True  # the block stays on one page
        for run in block.runs:
            parts = run.text.split("\n")
            for i, part in enumerate(parts):
                r = paragraph.add_run(part)
                r.bold = run.bold or None
                r.italic = run.italic or None
                if run.mark:
                    r.font.highlight_color = WD_COLOR_INDEX.YELLOW
                    r.bold = True
                if i < len(parts) - 1:
                    r.add_break()
        placed.append((paragraph._p, block.part))
    wordparts.enclose(placed)
    _last_signature_line(document)
    if running:
        _running(document, running)
    raw = io.BytesIO()
    document.save(raw)
    return normalise_zip(raw.getvalue())


TABLE_CELL_CHARS = 50
"""A column's share of a table's width: its typical cell (the 80th percentile of lengths, up to this many
characters), and never less than its longest word: short values stay narrow and unbroken, sentences take the
room."""


def _column_widths(document: Any, rows: list[list[str]], width: int) -> list[int]:
    """Column widths (EMU) across the text width of the first section, in proportion to what they hold."""
    section = document.sections[0]
    room = section.page_width - section.left_margin - section.right_margin
    weights = []
    for k in range(width):
        texts = [r[k] for r in rows if k < len(r)] or [""]
        lengths = sorted(len(t) for t in texts)
        longest_word = max((len(w) for t in texts for w in t.split()), default=1)
        weights.append(max(int(1.2 * longest_word) + 6, min(TABLE_CELL_CHARS, lengths[int(0.8 * (len(lengths) - 1))])))
    return [int(room * w / sum(weights)) for w in weights]


def _docx_table(document: Any, block: Block, styles: set[str]) -> Any:
    """A table (laboratory results, the comparison appendix): the header row bold and repeated, rows kept
    whole, 9 pt, each column as wide as its content asks."""
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    width = max(len(row) for row in block.rows)
    table = document.add_table(rows=0, cols=width)
    if "Table Grid" in styles:
        table.style = "Table Grid"
    table.autofit = False
    widths = _column_widths(document, block.rows, width)
    for column, w in zip(table.columns, widths, strict=True):
        column.width = w  # each row added takes its cells' widths from here
    for n, row in enumerate(block.rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row + [""] * (width - len(row)), strict=True):
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(9)
            run.bold = n == 0 or None
        props = table.rows[n]._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if n == 0:
            props.append(OxmlElement("w:tblHeader"))
    return table._tbl


def _last_signature_line(document: Any) -> None:
    """The signature block's last line does not keep with what follows (the "copy to" may go over)."""
    signature = [p for p in wordparts.paragraphs(document) if p.paragraph_format.keep_with_next]
    if signature:
        signature[-1].paragraph_format.keep_with_next = None


def _running(document: Any, text: str) -> None:
    """A running header line and a centred "Page x of y" footer in every section."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    for section in document.sections:
        header = section.header
        line = (
            header.paragraphs[0] if not "".join(p.text for p in header.paragraphs).strip() else header.add_paragraph()
        )
        line.text = ""
        run = line.add_run(text)
        run.font.size = Pt(8.5)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer = section.footer
        if "PAGE" in footer._element.xml:
            continue
        page = (
            footer.paragraphs[0] if not "".join(p.text for p in footer.paragraphs).strip() else footer.add_paragraph()
        )
        page.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for piece in ("Page ", "PAGE", " of ", "NUMPAGES"):
            if piece.isupper():
                _field(page, piece)
            else:
                page.add_run(piece).font.size = Pt(8.5)


def _free_paragraph(part: Any) -> Any:
    """The empty first paragraph of a header or footer, or a new one after a letterhead's text."""
    if not "".join(p.text for p in part.paragraphs).strip() and part.paragraphs:
        return part.paragraphs[0]
    return part.add_paragraph()


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice update when they lay the document out."""
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    field = OxmlElement("w:fldSimple")
    field.set(wordparts.q("instr"), instruction)
    run = paragraph.add_run("1")
    run.font.size = Pt(8.5)
    field.append(run._r)  # moved inside the field: its shown value until the document is laid out
    paragraph._p.append(field)


# --- a DOCX read back as blocks (the Markdown and HTML of a draft edited in Word) ------------------------

_MARKER = re.compile(r"^(?:(\d+)[.)]|•)\t")


def from_docx(data: bytes) -> list[Block]:
    """The paragraphs and tables of a DOCX as draft blocks: headings by style, list items by their marker,
    bold, italic and highlighted runs; the part each belongs to."""
    import docx
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run as DocxRun

    document = docx.Document(io.BytesIO(data))
    q = wordparts.q
    out: list[Block] = []
    for p in document.element.body.iter(q("p"), q("tbl")):
        if any(a.tag == q("tbl") for a in p.iterancestors()):
            continue  # read with its table
        if p.tag == q("tbl"):
            rows = [[" ".join(wordparts.text_of(tc).split()) for tc in tr.iter(q("tc"))] for tr in p.iter(q("tr"))]
            out.append(Block("table", rows=rows, part=wordparts.part_of(p)))
            continue
        paragraph = Paragraph(p, document._body)
        style = paragraph.style.name if paragraph.style is not None else ""
        heading = re.fullmatch(r"Heading ([1-3])", style or "")
        runs: list[Run] = []
        for r in p.iter(q("r")):
            text = "".join(
                (n.text or "") if n.tag == q("t") else "\t" if n.tag == q("tab") else "\n"
                for n in r.iter(q("t"), q("tab"), q("br"), q("cr"))
            )
            if not text:
                continue
            run = DocxRun(r, paragraph)
            runs.append(Run(text, bool(run.bold), bool(run.italic), run.font.highlight_color is not None))
        text = "".join(r.text for r in runs)
        if not text.strip():
            continue
        block = Block(f"h{heading.group(1)}" if heading else "p", part=wordparts.part_of(p))
        marker = _MARKER.match(text)
        if marker and not heading:
            block.kind, block.list_kind = "li", "ol" if marker.group(1) else "ul"
            block.number = int(marker.group(1) or 0)
            runs = _drop_prefix(runs, marker.end())
        block.runs = [Run(r.text.replace("\t", " "), r.bold, r.italic, r.mark) for r in runs]
        out.append(block)
    return out


def _drop_prefix(runs: list[Run], count: int) -> list[Run]:
    out = []
    for run in runs:
        if count >= len(run.text):
            count -= len(run.text)
            continue
        out.append(Run(run.text[count:], run.bold, run.italic, run.mark))
        count = 0
    return out

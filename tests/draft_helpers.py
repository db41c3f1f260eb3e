"""Helpers for the drafting tests: sample case copies, DOCX read-back, a hand-made hostile index."""

from __future__ import annotations

from pathlib import Path

import docx
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from conftest import ROOT
from reportkit.draft import wordparts
from reportkit.draft.pipeline import copy_case
from reportkit.index.export import to_json
from reportkit.models import Diagnosis, Document, Finding, RecordIndex, Source

IME_SAMPLE = ROOT / "samples" / "ime-case"
SECOND_SAMPLE = ROOT / "samples" / "second-opinion-case"


def sample_copy(which: Path, tmp_path: Path, name: str = "case") -> Path:
    return copy_case(which, tmp_path / name)


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph of a DOCX, read back with python-docx."""
    document = docx.Document(str(path))
    return [(p.style.name if p.style is not None else "", p.text) for p in wordparts.paragraphs(document)]


def docx_text(path: Path) -> str:
    return "\n".join(text for _, text in docx_paragraphs(path))


def headings(path: Path) -> list[str]:
    return [text for style, text in docx_paragraphs(path) if style.startswith("Heading")]


HOSTILE = "BP < 120 & HR 88 {{ 7*7 }} {% if x %}y{% endif %} <script>alert(1)</script> \x07bell \x1b[31m *star* #"


def hostile_index(path: Path) -> Path:
    """An index.json whose record text holds markup, template syntax and control characters."""
    docs = [
        Document(
            "D0001", 1, 2, "imaging", f"MRI {HOSTILE}", "2024-03-12", "exam", "Dr <Rad> & Co", "Imaging & Co",
            diagnoses=[Diagnosis("M51.16", f"Disc {HOSTILE}", 1)],
            findings=[Finding("IMPRESSION", HOSTILE, 1)],
            warnings=[f"date uncertain {HOSTILE}"],
        ),
        Document(
            "D0002", 3, 3, "work_status", None, "2024-03-20", "service", "Dr Occ", None,
            findings=[Finding("WORK STATUS", "Modified duty; no lifting > 10 lb & no bending", 3)],
        ),
    ]  # fmt: skip
    index = RecordIndex(sources=[Source("records/x.pdf", "a" * 64, 3, 1, 3)], page_count=3, pages=[], documents=docs)
    path.write_bytes(to_json(index))
    return path


def write_in_word(path: Path, part: str, *paragraphs: str) -> None:
    """Type ``paragraphs`` into a part of a DOCX draft as a physician does in Word: the placeholder paragraph
    selected and typed over (its first paragraph keeps its formatting), more paragraphs after it."""
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    sdt = dict(wordparts.controls(document.element.body))[part]
    content = sdt.find(wordparts.q("sdtContent"))
    first = Paragraph(content.find(wordparts.q("p")), document._body)
    for child in list(content):  # the other paragraphs and tables are selected and typed over too
        if child is not first._p:
            content.remove(child)
    for run in first.runs[1:]:
        run._r.getparent().remove(run._r)
    first.runs[0].text = paragraphs[0]
    first.runs[0].font.highlight_color = None
    first.runs[0].bold = None
    anchor = first
    for text in paragraphs[1:]:
        added = anchor.insert_paragraph_before(text)
        anchor._p.addnext(added._p)  # after, not before
        anchor = added
    document.save(str(path))


def delete_in_word(path: Path, part: str, heading: str | None = None) -> None:
    """Delete a part (and the heading above it) as a physician selecting it in Word and pressing Delete."""
    document = docx.Document(str(path))
    sdt = dict(wordparts.controls(document.element.body))[part]
    if heading is not None:
        before = sdt.getprevious()
        assert before is not None and wordparts.paragraph_text(before) == heading
        before.getparent().remove(before)
    sdt.getparent().remove(sdt)
    document.save(str(path))


def add_in_word(path: Path, text: str) -> None:
    """A paragraph the physician adds at the end, outside every part."""
    document = docx.Document(str(path))
    document.add_paragraph(text)
    document.save(str(path))


def pdf_with_lines(path: Path, *lines: str, left: float = 72) -> Path:
    """A one-page synthetic PDF holding ``lines``, one under another."""
    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for n, line in enumerate(lines):
        pdf.drawString(left, 720 - 18 * n, line)
    pdf.showPage()
    pdf.save()
    return path


def progress_note(path: Path, day: str = "09/17/2024") -> Path:
    """A one-page synthetic PROGRESS NOTE with a date of service."""
    return pdf_with_lines(
        path,
        "LAKESHORE ORTHOPEDIC & SPINE",
        "PROGRESS NOTE",
        f"Date of service: {day}",
        "Provider: Dana Whitfield, MD",
        "ASSESSMENT: Lumbar strain, improving.",
        "PLAN: Continue home exercise program.",
    )

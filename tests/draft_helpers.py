"""Helpers for the drafting tests: sample case copies, DOCX read-back, a hand-made hostile index."""

from __future__ import annotations

from pathlib import Path

import docx

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

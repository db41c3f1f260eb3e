"""Small text PDFs for tests: each page a list of lines, top-down, on the page size given (Letter by default).
Invariant output: the same pages give the same bytes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

Page = Sequence[str] | tuple[Sequence[str], tuple[float, float]]


def write(path: Path, pages: Sequence[Page]) -> Path:
    """``pages``: each a list of lines, or (lines, page size)."""
    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=True)
    for page in pages:
        lines, size = page if isinstance(page, tuple) else (page, letter)
        pdf.setPageSize(size)
        y = size[1] - 60
        for line in lines:
            pdf.drawString(50, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return path

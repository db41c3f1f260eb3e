"""The invisible text of an OCR'd page, line by line in reading order, as a one-page PDF.

Tesseract's own text-only PDF places each word by itself, block after block: text extraction and copy-paste
from it give list numbers apart from their text and lines broken inside words. This page holds one text
line per line read (see ``readingorder``), each word at its box on the line's baseline and stretched to the
box's width, drawn invisibly (text render mode 3) in Helvetica, which every PDF reader has. The page is the
size of the OCR image at its resolution; ``searchable.placement`` maps it onto the original page.

A page that was straightened before it was read is tilted on the original: each word is placed where it
lies on the tilted page, but upright. Text set at a slant is what text extraction reads worst (pdftotext cut
a third of the lines of a page tilted 1 degree inside words: "compon" / "ents"); upright words on a
stepping baseline come out whole and in order, and a highlight is off by under a point a word.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from reportkit.ingest.readingorder import Word, reading_lines

if TYPE_CHECKING:
    from reportkit.ingest.ocrpage import OcrPage

FONT = "Helvetica"
BASELINE = 0.22
"""Where the baseline sits in a line's box, as a share of its height from the bottom (below it: descenders)."""


def _encodable(text: str) -> str:
    """Text Helvetica's WinAnsi encoding can hold (anything else becomes '?', as a reader would show it)."""
    return text.encode("cp1252", "replace").decode("cp1252")


def _segments(words: Sequence[Word]) -> list[list[Word]]:
    """A line's words split where a gap is wider than a column gap: each stretch gets its own baseline (the
    two halves of a row may be lines of two columns, a little apart in height)."""
    height = sorted(w.bottom - w.top for w in words)[len(words) // 2]
    out = [[words[0]]]
    for word in words[1:]:
        if word.left - out[-1][-1].right > 2.5 * height:
            out.append([])
        out[-1].append(word)
    return out


Place = Callable[[float, float], tuple[float, float]]


def _tilt(degrees: float, width: float, height: float) -> Place:
    """Where a point of the straightened page lies on the page before it was turned ``degrees``
    counter-clockwise about its centre (PDF coordinates, y up)."""
    a = math.radians(-degrees)
    cos, sin = math.cos(a), math.sin(a)
    cx, cy = width / 2, height / 2

    def place(x: float, y: float) -> tuple[float, float]:
        return cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos

    return place


def _draw(pdf: Any, words: list[Word], scale: float, height: float, width_of: Any, place: Place) -> None:
    """One stretch of a line as invisible text: each word at its box (``place``d), stretched to the box's
    width."""
    top, bottom = min(w.top for w in words), max(w.bottom for w in words)
    box = (bottom - top) * scale
    size = max(box * (1 - BASELINE), 1.0)
    baseline = height - bottom * scale + box * BASELINE
    text = pdf.beginText()
    text.setTextRenderMode(3)
    text.setFont(FONT, size)
    for n, word in enumerate(words):
        last = n == len(words) - 1
        shown = _encodable(word.text) + ("" if last else " ")
        reach = (word.right if last else words[n + 1].left) - word.left
        natural = width_of(shown, FONT, size)
        text.setTextOrigin(*place(word.left * scale, baseline))
        text.setHorizScale(max(min(100.0 * reach * scale / natural, 1000.0), 1.0) if natural else 100.0)
        text.textOut(shown)
    pdf.drawText(text)


def page_pdf(words: Sequence[Word], image_size: tuple[int, int], dpi: float, skew: float = 0.0) -> bytes:
    """The text page for the words of an image of ``image_size`` pixels read at ``dpi``, straightened by
    ``skew`` degrees (counter-clockwise) before it was read."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    scale = 72.0 / (dpi or 300.0)
    width, height = image_size[0] * scale, image_size[1] * scale
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height), invariant=1, pageCompression=1)
    place = _tilt(skew, width, height)
    for line in reading_lines(words):
        for segment in _segments(line.words):
            _draw(pdf, segment, scale, height, stringWidth, place)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def reading_pdf(reading: OcrPage) -> bytes:
    """The text page of an OCR reading (:func:`page_pdf` of its words, image size, resolution and skew)."""
    words = [Word(*w) for w in reading.words]
    return page_pdf(words, reading.image_size, reading.dpi, reading.skew)

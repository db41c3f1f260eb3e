"""What OCR made of a page, and the version of that reading: the record the OCR cache stores and the rest of
the index reads (:mod:`reportkit.ingest.ocr` makes it; this module is below both it and the cache)."""

from __future__ import annotations

from dataclasses import dataclass

OCR_VERSION = 6
"""Bump when what OCR produces for a page changes, so old cache entries are not reused."""


@dataclass(frozen=True)
class OcrPage:
    """What OCR made of one page."""

    text: str
    confidence: float | None
    """Mean word confidence, 0-100 (None: nothing was read)."""
    rotation: int = 0
    """Quarter turns, in degrees clockwise, the page needed to be upright."""
    skew: float = 0.0
    """Degrees the page was straightened by (counter-clockwise)."""
    warning: str = ""
    """Why the page was not read, or read at a lower resolution: for a person (no record text)."""
    failed: bool = False
    words: tuple[tuple[str, float, float, float, float, float], ...] = ()
    """Each word read: text, left, top, right, bottom (image pixels, y down) and confidence; the searchable
    copy's text layer and ``questions`` read lines from them in reading order."""
    lines: tuple[tuple[str, float], ...] = ()
    """Each line as read, with its mean word confidence: what a field's warning is judged by."""
    image_size: tuple[int, int] = (0, 0)
    """Pixel size of the image that was read (after rotation)."""
    dpi: float = 0.0
    cached: bool = False
    only_text: bool = False
    """Not read: the page has a (short) text layer and nothing else to read (no image, next to no drawing)."""
    layer: bytes = b""
    """The searchable copy's text layer for this page (a one-page PDF), when the run makes a copy; made by the
    OCR worker beside its reading, never cached."""

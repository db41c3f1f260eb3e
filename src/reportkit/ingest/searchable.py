"""The searchable copy of a bundle: every input page as it was, with an invisible text layer on OCR'd pages.

Pages come in bundle order, so page N of the copy is bundle page N (the page every citation names). The text
layer is the page's words, line by line in reading order (see ``textlayer``: invisible text, ``3 Tr``),
placed over the original page: the reading is mapped back through the straightening, the quarter turn and
the page's own /Rotate and crop box, so that a search in any PDF reader highlights the right place. The
original pages are copied unchanged.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportkit.errors import OutputError
from reportkit.ingest import textlayer
from reportkit.ingest.readingorder import Word

if TYPE_CHECKING:
    from reportkit.ingest.bundle import Bundle
    from reportkit.ingest.ocr import OcrPage

FIXED_ID = b"reportkit-searchable"


def _unturn(transformation: Any, degrees: int, width: float, height: float) -> Any:
    """Map a frame turned ``degrees`` clockwise back onto the upright ``width`` x ``height`` frame."""
    degrees %= 360
    if degrees == 90:
        return transformation.rotate(90).translate(width, 0)
    if degrees == 180:
        return transformation.rotate(180).translate(width, height)
    if degrees == 270:
        return transformation.rotate(270).translate(0, height)
    return transformation


def placement(page: Any, overlay: Any, reading: OcrPage) -> Any:
    """The transformation from the text page's space to the original page's user space."""
    from pypdf import Transformation

    crop = page.cropbox
    x0, y0 = float(crop.left), float(crop.bottom)
    crop_w, crop_h = float(crop.width), float(crop.height)
    page_turn = int(page.rotation or 0) % 360
    shown_w, shown_h = (crop_h, crop_w) if page_turn in (90, 270) else (crop_w, crop_h)
    # the OCR frame: the shown page turned by reading.rotation (then straightened)
    ocr_w, ocr_h = (shown_h, shown_w) if reading.rotation in (90, 270) else (shown_w, shown_h)
    text_w, text_h = float(overlay.mediabox.width), float(overlay.mediabox.height)
    t = Transformation().scale(ocr_w / text_w, ocr_h / text_h)
    if reading.skew:
        t = t.translate(-ocr_w / 2, -ocr_h / 2).rotate(-reading.skew).translate(ocr_w / 2, ocr_h / 2)
    t = _unturn(t, reading.rotation, shown_w, shown_h)
    t = _unturn(t, page_turn, crop_w, crop_h)
    return t.translate(x0, y0)


def write_searchable(bundle: Bundle, out: Path, *, force: bool = False) -> Path:
    """Write the searchable copy of the bundle to ``out`` (atomically). Raises OutputError."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    if out.exists() and not force:
        raise OutputError(f"{out}: already exists.", hint="Use --force to replace it, or choose another name.")
    writer = PdfWriter()
    for number, source in enumerate(bundle.sources):
        try:
            reader = PdfReader(bundle.files[number], strict=False)
            if reader.is_encrypted:
                reader.decrypt(bundle.passwords[number] or "")
            pages = list(reader.pages)
        except Exception as exc:  # pypdf raises far more than PyPdfError on hostile files
            raise OutputError(
                f"{out}: the searchable copy could not be made: {source.path} cannot be copied.",
                hint="Index without --ocr-output, or ask the sender for a new copy of that file.",
                detail=f"{type(exc).__name__}: {exc}",
            ) from None
        for offset, original in enumerate(pages):
            added = writer.add_page(original)
            reading = bundle.ocr.get(source.first_page + offset)
            if reading is None or reading.failed or not reading.words:
                continue
            try:
                layer = textlayer.page_pdf([Word(*w) for w in reading.words], reading.image_size, reading.dpi)
                overlay = PdfReader(io.BytesIO(layer)).pages[0]
                added.merge_transformed_page(overlay, placement(added, overlay, reading), over=True, expand=False)
            except Exception as exc:
                raise OutputError(
                    f"{out}: the text layer of bundle page {source.first_page + offset} could not be added.",
                    detail=f"{type(exc).__name__}: {exc}",
                ) from None
    writer._ID = ArrayObject([ByteStringObject(FIXED_ID), ByteStringObject(FIXED_ID)])  # same inputs, same bytes
    buffer = io.BytesIO()
    writer.write(buffer)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(buffer.getvalue())
        os.replace(tmp, out)
    except OSError as exc:
        raise OutputError(f"{out}: cannot be written ({exc.strerror}).", hint="Check the folder and disk.") from None
    return out

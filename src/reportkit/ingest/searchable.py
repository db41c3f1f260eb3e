"""The searchable copy of a bundle: every input page as it was, with an invisible text layer on OCR'd pages.

Pages come in bundle order, so page N of the copy is bundle page N (the page every citation names). The text
layer is the page's words, line by line in reading order (see ``textlayer``: invisible text, ``3 Tr``),
placed over the original page as a form XObject: the reading is mapped back through the straightening, the
quarter turn and the page's own /Rotate and crop box, so that a search in any PDF reader highlights the right
place. The original pages are copied unchanged (pikepdf copies them; nothing of their content is parsed),
but for a page OCR found turned (upside down, sideways): its /Rotate is turned by as much, so that it shows
upright and its text extracts in reading order, as OCRmyPDF's ``--rotate-pages`` does.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportkit.errors import OutputError
from reportkit.ingest import textlayer

if TYPE_CHECKING:
    from reportkit.ingest.bundle import Bundle
    from reportkit.ingest.ocrpage import OcrPage

Matrix = tuple[float, float, float, float, float, float]
"""A PDF transformation (a b c d e f): a point (x, y) goes to (a x + c y + e, b x + d y + f)."""


def _then(m: Matrix, n: Matrix) -> Matrix:
    """``m`` followed by ``n``."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2,
    )  # fmt: skip


def _rotate(degrees: int) -> Matrix:
    """A counter-clockwise quarter turn (exact: no rounding of sines)."""
    cos, sin = {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}[degrees % 360]
    return (cos, sin, -sin, cos, 0.0, 0.0)


def _unturn(m: Matrix, degrees: int, width: float, height: float) -> Matrix:
    """Map a frame turned ``degrees`` clockwise back onto the upright ``width`` x ``height`` frame."""
    degrees %= 360
    shift = {90: (width, 0.0), 180: (width, height), 270: (0.0, height)}.get(degrees)
    if shift is None:
        return m
    return _then(_then(m, _rotate(degrees)), (1.0, 0.0, 0.0, 1.0, *shift))


def placement(
    crop: tuple[float, float, float, float], page_turn: int, text_size: tuple[float, float], reading: OcrPage
) -> Matrix:
    """The transformation from the text page's space (``text_size`` points) to the original page's user
    space, for a page of crop box ``crop`` (x0, y0, x1, y1) and /Rotate ``page_turn``. The text page is upright
    in the straightened frame; its words already lie where the straightening moved them from
    (``textlayer``), so only the quarter turns and the page's own frame are undone here."""
    x0, y0, x1, y1 = crop
    crop_w, crop_h = x1 - x0, y1 - y0
    page_turn %= 360
    shown_w, shown_h = (crop_h, crop_w) if page_turn in (90, 270) else (crop_w, crop_h)
    # the OCR frame: the shown page turned by reading.rotation
    ocr_w, ocr_h = (shown_h, shown_w) if reading.rotation in (90, 270) else (shown_w, shown_h)
    text_w, text_h = text_size
    m: Matrix = (ocr_w / text_w, 0.0, 0.0, ocr_h / text_h, 0.0, 0.0)
    m = _unturn(m, reading.rotation, shown_w, shown_h)
    m = _unturn(m, page_turn, crop_w, crop_h)
    return _then(m, (1.0, 0.0, 0.0, 1.0, x0, y0))


def _inherited(page: Any, key: str) -> Any:
    """A page attribute, looked up the page tree as PDF readers do (/Rotate, /CropBox, /MediaBox)."""
    node, depth = page, 0
    while node is not None and depth < 64:
        if key in node:
            return node[key]
        node, depth = node.get("/Parent"), depth + 1
    return None


def _box(value: Any) -> tuple[float, float, float, float]:
    """A PDF rectangle as (x0, y0, x1, y1), lower left first whichever corners it was written with."""
    x0, x1 = sorted((float(value[0]), float(value[2])))
    y0, y1 = sorted((float(value[1]), float(value[3])))
    return x0, y0, x1, y1


def _frame(page: Any) -> tuple[tuple[float, float, float, float], int]:
    """The part of a page a reader shows — its crop box within its media box (the whole media box when it
    has no crop box) — and its /Rotate."""
    media_box = _inherited(page, "/MediaBox")
    media = _box(media_box if media_box is not None else [0, 0, 612, 792])
    crop_box = _inherited(page, "/CropBox")
    if crop_box is None:
        return media, int(_inherited(page, "/Rotate") or 0)
    crop = _box(crop_box)
    shown = (max(crop[0], media[0]), max(crop[1], media[1]), min(crop[2], media[2]), min(crop[3], media[3]))
    if shown[2] <= shown[0] or shown[3] <= shown[1]:  # boxes that do not meet: readers show the crop box
        shown = crop
    return shown, int(_inherited(page, "/Rotate") or 0)


def _overlay(out: Any, page: Any, layer: bytes, reading: OcrPage) -> None:
    """Draw the one-page PDF ``layer`` over ``page`` (of ``out``) as a form XObject: the page's own content is
    kept as it is, inside q/Q, and nothing of it is parsed."""
    import pikepdf

    with pikepdf.open(io.BytesIO(layer)) as text_pdf:
        text_page = pikepdf.Page(text_pdf.pages[0])
        box = text_page.mediabox
        size = (float(box[2]) - float(box[0]), float(box[3]) - float(box[1]))
        form = out.copy_foreign(text_page.as_form_xobject())
    crop, turn = _frame(page.obj)
    existing = page.resources.get("/XObject") if "/Resources" in page.obj else None
    taken = set(existing.keys()) if isinstance(existing, pikepdf.Dictionary) else set()
    name = next(n for n in (f"/RkText{k}" for k in range(len(taken) + 1)) if n not in taken)  # not random
    page.add_resource(form, pikepdf.Name.XObject, name=pikepdf.Name(name))
    matrix = " ".join(f"{v:.6f}".rstrip("0").rstrip(".") or "0" for v in placement(crop, turn, size, reading))
    page.contents_add(pikepdf.Stream(out, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(out, f"\nQ\nq {matrix} cm {name} Do Q\n".encode()), prepend=False)
    if reading.rotation % 360:
        # shown upright, as it was read: text extraction then reads its lines in order (an upside-down page's
        # words came out last to first, a sideways page's bottom to top); the text stays where it was placed
        page.obj.Rotate = (turn + reading.rotation) % 360


FILES_PER_PASS = 128
"""Input files held open at once. The copy reads their pages' streams only when it is written, so each
stays open until then; past this many, the copy so far is written to memory and read back, and those files
are closed (a bundle of thousands of files would otherwise run out of file descriptors: 1,024 on Linux by
default, 256 on macOS)."""


def _settled(copy: Any, opened: list[Any]) -> Any:
    """The copy so far as a PDF of its own, in memory, with the files it was copied from closed."""
    import pikepdf

    buffer = io.BytesIO()
    copy.save(buffer)
    copy.close()
    for pdf in opened:
        pdf.close()
    opened.clear()
    return pikepdf.open(buffer)


def write_searchable(bundle: Bundle, out: Path, *, force: bool = False) -> Path:
    """Write the searchable copy of the bundle to ``out`` (atomically). Raises OutputError."""
    import pikepdf

    if out.exists() and not force:
        raise OutputError(f"{out}: already exists.", hint="Use --force to replace it, or choose another name.")
    copy = pikepdf.new()
    opened: list[Any] = []
    try:
        for number, source in enumerate(bundle.sources):
            if len(opened) >= FILES_PER_PASS:
                copy = _settled(copy, opened)
            try:
                pdf = pikepdf.open(bundle.files[number], password=bundle.passwords[number] or "")
                opened.append(pdf)
                first = len(copy.pages)
                copy.pages.extend(pdf.pages)
            except Exception as exc:  # a hostile file can raise more than pikepdf's own errors
                raise OutputError(
                    f"{out}: the searchable copy could not be made: {source.path} cannot be copied.",
                    hint="Index without --ocr-output, or ask the sender for a new copy of that file.",
                    detail=f"{type(exc).__name__}: {exc}",
                ) from None
            for offset in range(len(copy.pages) - first):
                reading = bundle.ocr.get(source.first_page + offset)
                if reading is None or reading.failed or not reading.words:
                    continue
                try:
                    # made by the OCR worker (not for a page found in the OCR cache without rendering)
                    layer = reading.layer or textlayer.reading_pdf(reading)
                    _overlay(copy, copy.pages[first + offset], layer, reading)
                except Exception as exc:
                    raise OutputError(
                        f"{out}: the text layer of bundle page {source.first_page + offset} could not be added.",
                        detail=f"{type(exc).__name__}: {exc}",
                    ) from None
        buffer = io.BytesIO()
        copy.save(buffer, deterministic_id=True)  # same inputs, same bytes
    finally:
        for pdf in opened:
            pdf.close()
    tmp = None
    try:
        out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(buffer.getvalue())
        os.replace(tmp, out)
    except OSError as exc:
        if tmp is not None:  # the records' text must not be left behind in a half-written copy
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise OutputError(f"{out}: cannot be written ({exc.strerror}).", hint="Check the folder and disk.") from None
    return out

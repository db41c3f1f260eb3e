"""The one wrapper around pikepdf (writing) and the pdfium text boxes used to keep stamps off text.

Stamps are written into the page content (not as annotations): the page's own content is wrapped in
``q … Q`` so whatever graphics state it leaves behind cannot move or hide the stamp, then a small content
stream draws the stamp through the display→user matrix (see :mod:`reportkit.packet.geometry`). Every stamped
page carries the key ``/ReportkitBates`` and the font resource ``/RkBates``; either marks a file as already
stamped. pikepdf's and pdfium's exceptions never leave this module (they become :class:`PdfWriteProblem`).
"""

from __future__ import annotations

import functools
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportkit.ingest.pdf import PdfProblem
from reportkit.packet.geometry import Matrix, Rect, rect

STAMP_KEY = "/ReportkitBates"
FONT_REGULAR = "/RkBates"
FONT_BOLD = "/RkBatesBold"
FIXED_DATE = "D:20000101000000Z"
"""Creation and modification date written into every output PDF: same inputs, same bytes."""


class PdfWriteProblem(PdfProblem):
    """A PDF that cannot be opened or written for stamping. ``problem`` is a short code; ``detail`` the
    library's words (the reading side's :class:`~reportkit.ingest.pdf.PdfProblem`, raised by the writer)."""


@dataclass(frozen=True)
class StampItem:
    """One piece of text to write on a page, in display coordinates."""

    text: str
    area: Rect
    """Display-space rectangle the text fills (baseline at a quarter of the height)."""
    font_size: float
    bold: bool = False
    frame: bool = False
    """Draw a thin frame around ``area`` (exhibit stickers)."""


@functools.lru_cache(maxsize=512)
def _char_width(char: str, bold: bool) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(char, "Helvetica-Bold" if bold else "Helvetica", 1000))


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    """Width of ``text`` in Helvetica (Bold) at ``font_size`` points (WinAnsi text; kerning is not used)."""
    safe = text.encode("cp1252", errors="replace").decode("cp1252")
    return sum(_char_width(c, bold) for c in safe) * font_size / 1000


def open_pdf(path: Path, passwords: Sequence[str] = ()) -> tuple[Any, str | None]:
    """Open a PDF with pikepdf (read-only use: it is never saved back to ``path``).

    Returns the document and the password that opened it (None when none was needed)."""
    import pikepdf

    last = ""
    for candidate in ["", *passwords]:
        try:
            return pikepdf.Pdf.open(path, password=candidate), candidate or None
        except pikepdf.PasswordError:
            last = "password"
            continue
        except Exception as exc:  # qpdf raises several types on damaged files
            raise PdfWriteProblem("damaged", f"{type(exc).__name__}: {exc}") from None
    raise PdfWriteProblem("wrong_password" if passwords and last else "encrypted")


class OpenedPdf:
    """An opened source PDF with its pages listed once: pikepdf's ``pdf.pages[i]`` walks the whole page list,
    so one lookup per page made stamping and copying a large file quadratic."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf
        self.pages: list[Any] = list(pdf.pages)
        root = pdf.Root
        names = root.get("/Names")
        self.plain = not (
            "/AcroForm" in root
            or "/OCProperties" in root
            or "/Dests" in root
            or (names is not None and "/Dests" in names)
        )
        """Nothing for pikepdf's page-copy helper to carry (form fields, layers, named destinations): its pages
        are copied one by one, in linear time (the helper looks every page up by number)."""


def rebuild_page_tree(pdf: Any, expected: int) -> Any | None:
    """A damaged page tree (a /Kids entry naming a missing object, say) that qpdf reads as fewer pages than
    pdfium, which then finds the pages by their /Type: the same document with its page objects, in file
    order, as the page list, reopened; None when that does not give ``expected`` pages either."""
    import pikepdf

    try:
        found = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == pikepdf.Name.Page]
        if len(found) != expected:
            return None
        tree = pdf.Root.Pages
        for page in found:
            page.Parent = tree
        tree.Kids = pikepdf.Array(found)
        tree.Count = len(found)
        buffer = io.BytesIO()
        pdf.save(buffer)
        rebuilt = pikepdf.Pdf.open(io.BytesIO(buffer.getvalue()))
    except Exception:  # a tree too damaged to mend: the caller says so
        return None
    return rebuilt if len(rebuilt.pages) == expected else None


def _inherited(page_obj: Any, key: str) -> Any:
    node = page_obj
    for _ in range(64):  # a /Parent loop in a hostile file must not hang us
        if node is None:
            return None
        value = node.get(key)
        if value is not None:
            return value
        node = node.get("/Parent")
    return None


def page_boxes(page: Any) -> tuple[Rect, Rect | None, float]:
    """(MediaBox, CropBox or None, /Rotate) of a page, following inheritance from the page tree."""
    obj = page.obj
    media_value = _inherited(obj, "/MediaBox")
    media = rect(list(media_value)) if media_value is not None else Rect(0, 0, 612, 792)
    crop_value = _inherited(obj, "/CropBox")
    crop = rect(list(crop_value)) if crop_value is not None else None
    rotate_value = _inherited(obj, "/Rotate")
    try:
        rotation = float(rotate_value) if rotate_value is not None else 0.0
    except (TypeError, ValueError):
        rotation = 0.0
    return media, crop, rotation


def has_stamps(pdf: Any) -> bool:
    """True when any page already carries a reportkit stamp (page key or stamp font resource)."""
    for page in pdf.pages:
        obj = page.obj
        if STAMP_KEY in obj:
            return True
        resources = _inherited(obj, "/Resources")
        fonts = resources.get("/Font") if resources is not None else None
        if fonts is not None and (FONT_REGULAR in fonts or FONT_BOLD in fonts):
            return True
    return False


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def stamp_content(matrix: Matrix, items: Sequence[StampItem]) -> bytes:
    """The content stream that closes the page's own ``q`` and draws the items in display coordinates."""
    parts = [f"Q q {' '.join(_num(v) for v in matrix)} cm /ReportkitStamp BMC"]
    for item in items:
        if item.frame:
            a = item.area
            parts.append(f"0 G 0.75 w {_num(a.x0)} {_num(a.y0)} {_num(a.width)} {_num(a.height)} re S")
        font = FONT_BOLD if item.bold else FONT_REGULAR
        width = text_width(item.text, item.font_size, item.bold)
        x = item.area.x0 + (item.area.width - width) / 2
        y = item.area.y0 + (item.area.height - item.font_size * 0.72) / 2
        parts.append(f"BT {font} {_num(item.font_size)} Tf 0 g 1 0 0 1 {_num(x)} {_num(y)} Tm")
        parts.append(_pdf_string(item.text).decode("latin-1") + " Tj ET")
    parts.append("EMC Q\n")
    return "\n".join(parts).encode("latin-1")


class Stamper:
    """Writes stamps into the pages of one opened source PDF (in memory; the file is never saved back)."""

    def __init__(self, source: OpenedPdf) -> None:
        import pikepdf

        pdf = source.pdf
        self.pdf = pdf
        self.pages = source.pages
        self._pikepdf = pikepdf
        self.fonts = {
            FONT_REGULAR: pdf.make_indirect(self._font("Helvetica")),
            FONT_BOLD: pdf.make_indirect(self._font("Helvetica-Bold")),
        }
        self.opening = pdf.make_stream(b"q\n")

    def _font(self, base: str) -> Any:
        pk = self._pikepdf
        return pk.Dictionary(
            Type=pk.Name.Font, Subtype=pk.Name.Type1, BaseFont=pk.Name("/" + base), Encoding=pk.Name.WinAnsiEncoding
        )

    def stamp(self, page_index: int, matrix: Matrix, items: Sequence[StampItem], bates: str) -> None:
        pk = self._pikepdf
        try:
            page = self.pages[page_index]
            obj = page.obj
            resources = _inherited(obj, "/Resources")
            if "/Resources" not in obj:
                # Inherited resources are copied onto the page so the stamp font does not leak to other pages.
                obj.Resources = pk.Dictionary(resources) if resources is not None else pk.Dictionary()
            resources = obj.Resources
            fonts = resources.get("/Font")
            if fonts is None:
                resources.Font = fonts = pk.Dictionary()
            for name, font in self.fonts.items():
                fonts[name] = font
            page.contents_add(self.opening, prepend=True)
            page.contents_add(self.pdf.make_stream(stamp_content(matrix, items)), prepend=False)
            obj[STAMP_KEY] = pk.String(bates)
            _strip_active_content(obj)
        except Exception as exc:
            raise PdfWriteProblem("damaged", f"{type(exc).__name__}: {exc}") from None


def _strip_active_content(obj: Any) -> None:
    """Drop page actions, JavaScript and file attachments (courts refuse them)."""
    if "/AA" in obj:
        del obj["/AA"]
    annots = obj.get("/Annots")
    if annots is None:
        return
    keep = []
    changed = False
    for annot in annots:
        subtype = str(annot.get("/Subtype", ""))
        action = annot.get("/A")
        js = action is not None and str(action.get("/S", "")) in ("/JavaScript", "/Launch")
        if subtype == "/FileAttachment" or js:
            changed = True
            continue
        keep.append(annot)
    if changed:
        import pikepdf

        obj.Annots = pikepdf.Array(keep)


@dataclass(frozen=True)
class Bookmark:
    """An outline entry: title, 0-based page index in the output file, children."""

    title: str
    page_index: int
    children: tuple[Bookmark, ...] = ()


class OutputPdf:
    """An output file being assembled from stamped pages and generated pages."""

    def __init__(self) -> None:
        import pikepdf

        self._pikepdf = pikepdf
        self.pdf = pikepdf.new()
        self.bookmarks: list[Bookmark] = []
        self.page_count = 0
        """Pages added so far (counted: ``len(pdf.pages)`` walks the page list)."""

    def _append(self, page: Any) -> None:
        """Append one page (of any document) at the end. ``Pdf._add_page`` is qpdf's own addPage, which takes
        constant time; pikepdf's ``pages.append`` looks the page list up again for every page."""
        add = getattr(self.pdf, "_add_page", None)
        if add is not None:
            add(page.obj, first=False)
        else:
            self.pdf.pages.append(page)

    def add_pages(self, source: OpenedPdf, indexes: Sequence[int]) -> None:
        """Append pages of ``source`` with what they depend on: form fields (so filled-in values keep showing
        and stay reachable from the AcroForm), optional-content layers (else hidden layers would show) and
        named destinations, through pikepdf's page-copy helper when the source has any (it looks every page
        up by number, so such a file takes time growing with the square of its pages), else page by page.
        The source's own bookmarks are not carried: the packet has its own."""
        try:
            if not source.plain and hasattr(self.pdf, "add_pages_from"):
                self.pdf.add_pages_from(source.pdf, list(indexes), outlines="ignore")
            else:
                for i in indexes:
                    self._append(source.pages[i])
        except Exception as exc:
            raise PdfWriteProblem("damaged", f"{type(exc).__name__}: {exc}") from None
        self.page_count += len(indexes)

    def add_generated(self, data: bytes) -> int:
        """Append every page of a generated PDF (exhibit list, cover sheet); returns the pages added."""
        src = self._pikepdf.Pdf.open(io.BytesIO(data))
        pages = list(src.pages)
        for page in pages:
            self._append(page)
        self.page_count += len(pages)
        return len(pages)

    def save(self, title: str, producer: str) -> bytes:
        """The file's bytes: bookmarks, fixed dates and a document ID derived from the content."""
        pk = self._pikepdf
        try:
            if self.bookmarks:
                pages = list(self.pdf.pages)  # listed once: a bookmark by page number looks the list up each time
                with self.pdf.open_outline() as outline:
                    outline.root.extend(self._outline_item(b, pages) for b in self.bookmarks)
                self.pdf.Root.PageMode = pk.Name.UseOutlines
            self.pdf.docinfo = self.pdf.make_indirect(
                pk.Dictionary(
                    Title=pk.String(title),
                    Producer=pk.String(producer),
                    Creator=pk.String(producer),
                    CreationDate=pk.String(FIXED_DATE),
                    ModDate=pk.String(FIXED_DATE),
                )
            )
            buffer = io.BytesIO()
            with warnings.catch_warnings():
                # A source whose form widgets its own AcroForm does not list: the pages are copied as they are.
                warnings.simplefilter("ignore", getattr(pk, "PageCopyWarning", UserWarning))
                self.pdf.save(
                    buffer,
                    deterministic_id=True,
                    compress_streams=True,
                    object_stream_mode=pk.ObjectStreamMode.generate,
                )
            return buffer.getvalue()
        except Exception as exc:
            raise PdfWriteProblem("write", f"{type(exc).__name__}: {exc}") from exc

    def _outline_item(self, mark: Bookmark, pages: list[Any]) -> Any:
        pk = self._pikepdf
        item = pk.OutlineItem(mark.title, pk.Array([pages[mark.page_index].obj, pk.Name.Fit]))
        item.children.extend(self._outline_item(c, pages) for c in mark.children)
        return item


TextBoxes = list[list[tuple[float, float, float, float]]]


def text_boxes(path: str, password: str | None, start: int, stop: int, band: float = 0.0) -> TextBoxes:
    """User-space rectangles (left, bottom, right, top) of the text on pages ``start``..``stop - 1`` (0-based),
    from pdfium's text runs; [] for a page it cannot read. With ``band`` > 0, only rectangles within ``band``
    points of an edge of the visible box (where stamps can go, whatever the rotation) are kept. Runs in a
    worker process (time and memory limits)."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path, password=password)
    except Exception as exc:
        raise PdfWriteProblem("damaged", f"{type(exc).__name__}: {exc}") from None
    out: TextBoxes = []
    try:
        for i in range(start, stop):
            boxes = []
            try:
                page = doc[i]
                textpage = page.get_textpage()
                mx0, my0, mx1, my1 = page.get_mediabox()
                cx0, cy0, cx1, cy1 = page.get_cropbox()
                x0, y0 = max(mx0, cx0) + band, max(my0, cy0) + band
                x1, y1 = min(mx1, cx1) - band, min(my1, cy1) - band
                for k in range(textpage.count_rects()):
                    left, bottom, right, top = textpage.get_rect(k)
                    r = (min(left, right), min(bottom, top), max(left, right), max(bottom, top))
                    if band > 0 and r[0] > x0 and r[1] > y0 and r[2] < x1 and r[3] < y1:
                        continue  # well inside the page: no stamp can reach it
                    boxes.append(r)
                if not boxes and textpage.count_chars() == 0 and band > 0:
                    boxes = ink_boxes(page, band)
                textpage.close()
                page.close()
            except Exception:  # an unreadable page has no known text; the stamp goes to its default place
                boxes = []
            out.append(boxes)
    finally:
        doc.close()
    return out


INK_SCALE = 0.5
"""Render scale (pixels per point) for finding ink on pages without text: 36 dpi."""
INK_CELL = 8
"""Cell size in pixels (16 pt at INK_SCALE); a cell with at least INK_MIN dark pixels counts as ink."""
INK_MIN = 4


def ink_boxes(page: Any, band: float) -> list[tuple[float, float, float, float]]:
    """User-space boxes of dark marks near the top and bottom of a page as the reader sees it (scanned
    writing on an image-only page, which has no text boxes), from a low-resolution render."""
    from reportkit.packet.geometry import display_to_user_rect

    try:
        image = page.render(scale=INK_SCALE, may_draw_forms=False).to_pil().convert("L")
    except Exception:
        return []
    dark = image.point(lambda v: 255 if v < 140 else 0)
    width, height = dark.size
    rows = min(height, int(band * INK_SCALE) + INK_CELL)
    bx0, by0, bx1, by1 = page.get_bbox()
    box = Rect(min(bx0, bx1), min(by0, by1), max(bx0, bx1), max(by0, by1))
    rotation = int(page.get_rotation()) % 360
    out = []
    for top in sorted({*range(0, rows, INK_CELL), *range(max(0, height - rows), height, INK_CELL)}):
        for left in range(0, width, INK_CELL):
            cell = dark.crop((left, top, min(left + INK_CELL, width), min(top + INK_CELL, height)))
            if cell.histogram()[255] >= INK_MIN:
                u0, u1 = left / INK_SCALE, min(left + INK_CELL, width) / INK_SCALE
                v1, v0 = (height - top) / INK_SCALE, (height - min(top + INK_CELL, height)) / INK_SCALE
                r = display_to_user_rect(Rect(u0, v0, u1, v1), box, rotation)
                out.append((r.x0, r.y0, r.x1, r.y1))
    return out

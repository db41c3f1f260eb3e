"""The one wrapper around pypdfium2 and pypdf. Their exceptions never leave this module.

pypdfium2 gives page text (several times faster than pypdf at equal accuracy); pypdf opens files that pdfium
refuses (it repairs damaged cross-reference tables) and reads a page that pdfium cannot. These functions run
inside worker processes (see :mod:`reportkit.ingest.workers`), where time and memory limits apply.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from reportkit.errors import PdfProblem as PdfProblem  # raised here; defined below the worker pool
from reportkit.ingest.forms import fill_blanks

PDFIUM_PASSWORD_ERROR = 4
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ufffd]")
HEARD_MESSAGES, HEARD_CHARS = 20, 300
"""The parsers' messages kept per thread (the latest), and the characters kept of each."""


class _Heard(logging.Handler):
    """Keeps what pypdf, pypdfium2 and pikepdf log (in this thread) instead of printing it: their messages can quote
    file bytes ("A circular bookmark reference...", "Advanced encoding /Win... not implemented"), so they
    reach the user only as --debug detail (see :func:`heard`)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.local = threading.local()

    def messages(self) -> deque[str]:
        if not hasattr(self.local, "messages"):
            self.local.messages = deque(maxlen=HEARD_MESSAGES)
        kept: deque[str] = self.local.messages
        return kept

    def emit(self, record: logging.LogRecord) -> None:
        with suppress(Exception):  # a message that cannot be formatted is not worth a failed page
            self.messages().append(f"{record.name}: {record.getMessage()}"[:HEARD_CHARS])


_HEARD = _Heard()
for _name in ("pypdf", "pypdfium2", "pikepdf"):
    _logger = logging.getLogger(_name)
    _logger.setLevel(logging.WARNING)
    _logger.addHandler(_HEARD)
    _logger.propagate = False  # never on to the root logger (or, without handlers, to stderr)


@contextmanager
def heard() -> Iterator[list[str]]:
    """What the PDF libraries log in this thread during the ``with`` block: the list is filled when the
    block ends. A :class:`PdfProblem` raised in the block carries the messages in its ``detail``."""
    kept = _HEARD.messages()
    kept.clear()
    messages: list[str] = []
    try:
        yield messages
    except PdfProblem as exc:
        exc.detail = "; ".join(filter(None, [exc.detail, *kept]))
        raise
    finally:
        messages.extend(dict.fromkeys(kept))  # each once, in order
        kept.clear()


@dataclass(frozen=True)
class FileInfo:
    """What opening a file told us."""

    page_count: int
    engine: str
    """``pdfium``, or ``pypdf`` for a file only pypdf could open."""
    password_index: int | None
    """Which of the given passwords opened it (None: no password needed)."""
    outline_pages: tuple[int, ...]
    """0-based indexes of pages that an outline (bookmark) entry points to."""
    page_sizes: tuple[tuple[int, int], ...] = ()
    """Each page's displayed size in points, rounded (empty: not known). A change of size between two pages
    is a sign that another document starts."""
    repaired: str | None = None
    """Where a damaged file's recovered pages are read from, when it had to be repaired (see ``recover``)."""


def clean_text(text: str) -> str:
    """Normalise extracted text: ``\\n`` line ends, no control characters (python-docx rejects them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _pdfium() -> Any:
    """pypdfium2, imported on first use: only worker processes load it."""
    import pypdfium2

    return pypdfium2


def _open_pdfium(path: str, password: str | None) -> Any:
    return _pdfium().PdfDocument(path, password=password)


def _open_pypdf(path: str, passwords: Sequence[str]) -> tuple[Any, int | None]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        password_index = None
        if reader.is_encrypted:
            password_index = _decrypt_pypdf(reader, passwords)
        return reader, password_index
    except PdfProblem:
        raise
    except Exception as exc:  # pypdf raises far more than PyPdfError on hostile files
        raise PdfProblem("damaged", f"{type(exc).__name__}: {exc}") from None


def _decrypt_pypdf(reader: Any, passwords: Sequence[str]) -> int | None:
    from pypdf.errors import DependencyError

    for i, candidate in enumerate(["", *passwords]):
        try:
            if reader.decrypt(candidate):
                return None if i == 0 else i - 1
        except DependencyError as exc:
            raise PdfProblem("damaged", f"DependencyError: {exc}") from None
    raise PdfProblem("wrong_password" if passwords else "encrypted")


def probe(path: str, passwords: Sequence[str]) -> FileInfo:
    """Open a file, find its page count, the password that works and the pages its outline points to."""
    pdfium = _pdfium()
    last_error = ""
    for i, candidate in enumerate([None, *passwords]):
        try:
            doc = _open_pdfium(path, candidate)
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) == PDFIUM_PASSWORD_ERROR:
                last_error = "password"
                continue
            last_error = f"PdfiumError: {exc}"
            break
        try:
            return FileInfo(
                page_count=len(doc),
                engine="pdfium",
                password_index=None if i == 0 else i - 1,
                outline_pages=_outline_pages(doc),
                page_sizes=_page_sizes(doc),
            )
        finally:
            doc.close()
    if last_error == "password":
        raise PdfProblem("wrong_password" if passwords else "encrypted")
    # pdfium refused the file: pypdf may still repair it.
    reader, password_index = _open_pypdf(path, passwords)
    try:
        count = len(reader.pages)
    except Exception as exc:
        raise PdfProblem("damaged", f"{last_error}; pypdf: {type(exc).__name__}: {exc}") from None
    if count == 0:
        raise PdfProblem("damaged", f"{last_error}; pypdf found no pages")
    return FileInfo(page_count=count, engine="pypdf", password_index=password_index, outline_pages=())


def _page_sizes(doc: Any) -> tuple[tuple[int, int], ...]:
    """Page sizes from the page tree (no page is loaded); () when pdfium cannot tell."""
    try:
        return tuple((round(w), round(h)) for w, h in (doc.get_page_size(i) for i in range(len(doc))))
    except Exception:  # a size is a hint: a file whose sizes cannot be read is still read
        return ()


def _outline_pages(doc: Any) -> tuple[int, ...]:
    pages: set[int] = set()
    try:
        for bookmark in doc.get_toc(max_depth=4):
            dest = bookmark.get_dest()
            if dest is not None:
                index = dest.get_index()
                if index is not None and 0 <= index < len(doc):
                    pages.add(int(index))
    except Exception:  # a damaged outline is no reason to refuse the file
        return ()
    return tuple(sorted(pages))


def extract(path: str, password: str | None, engine: str, start: int, stop: int) -> list[str]:
    """Text of pages ``start`` .. ``stop - 1`` (0-based). A page pdfium cannot read is read with pypdf."""
    reader: Any = None
    if engine == "pypdf":
        reader, _ = _open_pypdf(path, [password] if password else [])
        return [_pypdf_page_text(reader, i) for i in range(start, stop)]
    pdfium = _pdfium()
    doc = _open_for_reading(path, password)
    texts: list[str] = []
    try:
        for i in range(start, stop):
            try:
                page = doc[i]
                try:
                    textpage = page.get_textpage()
                    texts.append(clean_text(_page_text(textpage)))
                    textpage.close()
                finally:
                    page.close()
            except pdfium.PdfiumError:
                if reader is None:
                    reader, _ = _open_pypdf(path, [password] if password else [])
                texts.append(_pypdf_page_text(reader, i))
    except BaseException:
        close_kept_file()
        raise
    return texts


def scan_sizes(path: str, password: str | None, pages: Sequence[int]) -> dict[int, int]:
    """For each page (0-based), the bytes its images take as stored: a scan compresses less the more ink it
    holds, so this foretells which pages OCR will take longest on (0: no image, or none pdfium can size)."""
    if not pages:
        return {}
    raw = _pdfium().raw
    kept = _KEPT[0][1] if _KEPT and _KEPT[0][0] == (path, password) else None
    doc = kept or _open_pdfium(path, password)
    sizes: dict[int, int] = {}
    try:
        for index in pages:
            page = doc[index]
            try:
                images = page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=3)
                sizes[index] = sum(raw.FPDFImageObj_GetImageDataRaw(obj.raw, None, 0) for obj in images)
            finally:
                page.close()
    except Exception:  # only an order of work rides on this
        return {index: sizes.get(index, 0) for index in pages}
    finally:
        if kept is None:
            doc.close()
    return sizes


def _page_text(textpage: Any) -> str:
    """A page's text; on a page with labelled blanks ("Date: ____"), the values typed over them moved beside
    their labels by where they sit (:mod:`reportkit.ingest.forms`)."""
    text: str = textpage.get_text_range()
    if "___" in text and ":" in text and len(text) == textpage.count_chars():  # one character per character
        text = fill_blanks(text, textpage.get_charbox)
    return text


_KEPT: list[tuple[tuple[str, str | None], Any]] = []
"""The document the last run of pages came from, kept open in this worker: a file's pages arrive in several
runs, and opening a 2,000-page file again costs ~20 ms each time."""
_KEPT_USES = [0]
KEEP_FOR = 8
"""Runs a kept document serves before it is opened afresh: pdfium keeps every object it has parsed until the
document closes (measured: 31 MB more per worker after 5,000 pages kept open, 20 MB when reopened every run),
so a worker's memory stays flat on long files for ~20 ms every 2,000 pages."""


def _open_for_reading(path: str, password: str | None) -> Any:
    key = (path, password)
    if _KEPT and _KEPT[0][0] == key and _KEPT_USES[0] < KEEP_FOR:
        _KEPT_USES[0] += 1
        return _KEPT[0][1]
    close_kept_file()
    doc = _open_pdfium(path, password)
    _KEPT.append((key, doc))
    _KEPT_USES[0] = 1
    return doc


def close_kept_file() -> None:
    """Close the document kept open for a next run of pages (another file's run, or the reading is over):
    pdfium frees what it parsed."""
    while _KEPT:
        _, doc = _KEPT.pop()
        doc.close()


def _pypdf_page_text(reader: Any, index: int) -> str:
    try:
        return clean_text(reader.pages[index].extract_text() or "")
    except Exception:  # one unreadable page is an empty page, not a failed bundle
        return ""


@dataclass(frozen=True)
class TextLine:
    """One line of text on a page, with where it starts (PDF points from the left) and its baseline band."""

    left: float
    bottom: float
    top: float
    text: str


def layout_lines(path: str, max_pages: int = 50) -> list[list[TextLine]]:
    """Lines of each page (top to bottom) with their left edge, for reading letters whose layout matters
    (numbered questions with hanging indents). Raises PdfProblem when the file cannot be read."""
    pdfium = _pdfium()
    try:
        doc = _open_pdfium(path, None)
    except pdfium.PdfiumError as exc:
        problem = "encrypted" if "password" in str(exc).lower() else "damaged"
        raise PdfProblem(problem, str(exc)) from None
    pages: list[list[TextLine]] = []
    try:
        for i in range(min(len(doc), max_pages)):
            page = doc[i]
            textpage = page.get_textpage()
            try:
                boxes = []
                for r in range(textpage.count_rects()):
                    left, bottom, right, top = textpage.get_rect(r)
                    text = clean_text(textpage.get_text_bounded(left, bottom, right, top))
                    if text.strip():
                        boxes.append((left, bottom, top, text))
            finally:
                textpage.close()
                page.close()
            pages.append(_group_lines(boxes))
    except pdfium.PdfiumError as exc:
        raise PdfProblem("damaged", str(exc)) from None
    finally:
        doc.close()
    return pages


def _group_lines(boxes: list[tuple[float, float, float, str]]) -> list[TextLine]:
    """Text boxes on one baseline band joined left to right into a line."""
    lines: list[list[tuple[float, float, float, str]]] = []
    for box in sorted(boxes, key=lambda b: (-b[2], b[0])):
        middle = (box[1] + box[2]) / 2
        for line in lines:
            bottom, top = min(b[1] for b in line), max(b[2] for b in line)
            if bottom <= middle <= top:
                line.append(box)
                break
        else:
            lines.append([box])
    out = []
    for line in lines:
        line.sort(key=lambda b: b[0])
        text = " ".join(b[3].strip() for b in line)
        out.append(TextLine(line[0][0], min(b[1] for b in line), max(b[2] for b in line), " ".join(text.split())))
    out.sort(key=lambda t: -t.top)
    return out


@dataclass(frozen=True)
class Rendered:
    """A page rendered for OCR: grayscale pixels, at ``dpi``, as displayed (the page's /Rotate applied)."""

    image: Any
    """A PIL image (mode ``L``)."""
    dpi: float
    width_pt: float
    """Displayed page size in PDF points (after /Rotate)."""
    height_pt: float
    warning: str = ""
    """Set when the page was rendered below the asked resolution (a huge page)."""


class OnlyText(Exception):
    """The page's only ink is its text layer: no image and next to no drawing, so OCR could read nothing that
    the text layer does not already hold."""


MAX_DRAWN_PATHS = 10
"""A page with text, no image and at most this many drawn paths (rules, boxes, underlines) is not OCR'd for
being short: text drawn as outlines (a "print as curves" PDF) takes hundreds of paths."""


class RenderRefused(Exception):
    """A page that must not be rendered (too large to render safely). ``reason`` is for a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


MIN_SCAN_DPI = 150.0
"""A page that is one scanned image is OCR'd at the image's own resolution when it is at least this (a
200-dpi fax rendered at 300 dpi gives Tesseract 2.25 times the pixels and nothing more to read)."""


def _scan_dpi(scans: list[tuple[int, int, float, float]], width_pt: float, height_pt: float, dpi: float) -> float:
    """The resolution to render at: the scan's own when the page is one image covering it (between
    ``MIN_SCAN_DPI`` and ``dpi``), else ``dpi``. ``scans``: (pixel width, height, shown width, height in pt)."""
    page_area = max(width_pt * height_pt, 1.0)
    covering = [s for s in scans if s[2] * s[3] >= 0.85 * page_area]
    if len(covering) != 1 or sum(s[2] * s[3] for s in scans) > 1.2 * page_area:
        return dpi
    w, h, shown_w, shown_h = covering[0]
    own = max(w, h) / (max(shown_w, shown_h) / 72)
    return round(own) if MIN_SCAN_DPI <= own < dpi else dpi


def _only_text(page: Any) -> bool:
    raw = _pdfium().raw
    paths = 0
    for obj in page.get_objects(max_depth=3):
        if obj.type in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_SHADING):
            return False
        paths += obj.type == raw.FPDF_PAGEOBJ_PATH
        if paths > MAX_DRAWN_PATHS:
            return False
    return True


def render_page(
    path: str,
    password: str | None,
    index: int,
    dpi: float,
    max_pixels: int,
    max_image_pixels: int,
    scan_dpi: bool = True,
    unless_only_text: bool = False,
) -> Rendered:
    """Render page ``index`` (0-based) in grayscale at ``dpi``, for OCR.

    A page whose rendering would exceed ``max_pixels`` is rendered at a lower resolution (with a warning); a
    page holding an image of more than ``max_image_pixels`` pixels, or so large that even 70 dpi exceeds the
    budget, is refused: decoding it could exhaust memory. ``unless_only_text``: a page whose only ink is text
    (no image or shading, at most :data:`MAX_DRAWN_PATHS` paths) raises :class:`OnlyText` instead.
    """
    pdfium = _pdfium()
    doc = _open_pdfium(path, password)
    try:
        page = doc[index]
        try:
            width_pt, height_pt = page.get_size()
            if unless_only_text and _only_text(page):
                raise OnlyText
            scans = []
            for obj in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
                try:
                    w, h = obj.get_px_size()
                    left, bottom, right, top = obj.get_bounds()
                except Exception:
                    continue
                if w * h > max_image_pixels:
                    raise RenderRefused(
                        f"holds a {w:,} x {h:,}-pixel image, too large to OCR safely (limit "
                        f"{max_image_pixels / 1e6:.0f} megapixels); not read"
                    )
                scans.append((w, h, right - left, top - bottom))
            dpi = _scan_dpi(scans, width_pt, height_pt, dpi) if scan_dpi else dpi
            warning = ""
            pixels = (width_pt * dpi / 72) * (height_pt * dpi / 72)
            if pixels > max_pixels:
                fitted = dpi * (max_pixels / pixels) ** 0.5
                size = f"{width_pt / 72:.0f} x {height_pt / 72:.0f} inches"
                if fitted < 70:
                    raise RenderRefused(f"is {size}, too large to OCR; not read")
                warning = f"is {size}: OCR'd at {fitted:.0f} dpi instead of {dpi:.0f}"
                dpi = fitted
            bitmap = page.render(scale=dpi / 72, grayscale=True, limit_image_cache=True)
            image = bitmap.to_pil().convert("L")
            bitmap.close()
            return Rendered(image, dpi, width_pt, height_pt, warning)
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        raise PdfProblem("damaged", f"PdfiumError while rendering: {exc}") from None
    finally:
        doc.close()

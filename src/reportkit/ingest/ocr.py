"""OCR of pages without a usable text layer: render with pypdfium2, read with Tesseract.

Each page is one task on the worker pool (see :mod:`reportkit.workers`), read by Tesseract on one thread
(``OMP_THREAD_LIMIT=1``): pages run in parallel across cores, which is several times faster than Tesseract's
own threading on one page at a time. In a worker Tesseract is its library, kept loaded across pages
(:mod:`reportkit.ingest.tessapi`); elsewhere, or when the library cannot be used, the ``tesseract`` command
with the same settings (the same readings). Results are cached by the SHA-256 of the
rendered page (see :class:`reportkit.ingest.cache.OcrCache`), so a page is read once even when it comes back
inside another file.

Orientation: a page is read as rendered; when that reads poorly (low confidence) Tesseract's orientation
detection (``--psm 0``) is asked, and failing that the other three quarter turns are tried; the best reading
wins. Skew: the angle that makes text rows sharpest (a projection profile on a reduced copy) is found, and the
page is straightened before reading.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportkit.ingest.forms import fill_ocr_lines
from reportkit.ingest.levelling import straighten
from reportkit.ingest.ocrpage import OCR_VERSION, OcrPage
from reportkit.ingest.readingorder import Word
from reportkit.workers import die_with_parent

if TYPE_CHECKING:
    from reportkit.models import Document, Page

LOW_CONFIDENCE = 70.0
"""Mean word confidence (0-100) under which a page's reading is doubtful: fields from it carry a warning."""
RETRY_CONFIDENCE = 60.0
"""Under this confidence the page may be on its side or upside down: other orientations are tried."""
INSTALL_HINT = "install Tesseract to read them: sudo apt-get install tesseract-ocr tesseract-ocr-eng"


@dataclass(frozen=True)
class OcrSettings:
    """How pages are OCR'd. Only ``lang`` and ``dpi`` change what is read."""

    lang: str = "eng"
    dpi: int = 300
    """The rendering resolution; a page that is one scanned image is read at the scan's own resolution when
    that is lower (and at least 150 dpi), unless ``scan_dpi`` is off."""
    scan_dpi: bool = True
    timeout: float = 120.0
    """Seconds one tesseract run may take."""
    max_pixels: int = 40_000_000
    """Largest rendering; a larger page is rendered at a lower resolution (with a warning)."""
    max_image_pixels: int = 150_000_000
    """A page holding a bigger image is not rendered (decoding it could exhaust memory)."""
    cache_dir: str | None = None
    """Folder of the OCR cache, or None for no cache (always None for password-protected files)."""
    engine_version: str = ""
    """What ``tesseract --version`` said (workers then need not ask again); the library is used in its place
    only when it is this version."""


@dataclass(frozen=True)
class OcrEngine:
    """The Tesseract found on this machine."""

    path: str
    version: str
    langs: tuple[str, ...]


def find_tesseract() -> OcrEngine | None:
    """The ``tesseract`` command on PATH with its version and installed languages, or None."""
    exe = os.environ.get("REPORTKIT_TESSERACT") or shutil.which("tesseract")
    if not exe:
        return None
    try:
        stat = os.stat(exe)
    except OSError:
        return None
    key = (exe, stat.st_mtime_ns, stat.st_size)
    if key not in _ENGINES:
        _ENGINES[key] = _ask_tesseract(exe)
    return _ENGINES[key]


_ENGINES: dict[tuple[str, int, int], OcrEngine | None] = {}
"""What each ``tesseract`` binary said of itself in this process (asked once: a run asks for the cache key and
again for the OCR settings)."""


def _ask_tesseract(exe: str) -> OcrEngine | None:
    """Ask for the version and the languages at the same time (two processes, not one after the other)."""
    asks: list[subprocess.Popen[str]] = []
    answers: list[tuple[int, str, str]] = []
    try:
        for flag in ("--version", "--list-langs"):
            asks.append(subprocess.Popen([exe, flag], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for ask in asks:
            out, err = ask.communicate(timeout=30)
            answers.append((ask.returncode, out, err))
    except (OSError, subprocess.SubprocessError):
        for ask in asks:
            ask.kill()
            ask.communicate()
        return None
    (code, version_out, version_err), (_, langs_out, _) = answers
    if code != 0:
        return None
    first = (version_out or version_err).strip().splitlines()
    names = [ln.strip() for ln in langs_out.splitlines()[1:] if ln.strip() and " " not in ln.strip()]
    return OcrEngine(exe, first[0] if first else "tesseract", tuple(sorted(names)))


def missing_langs(engine: OcrEngine, lang: str) -> list[str]:
    """Languages of ``lang`` (``eng+deu``) that the engine lacks."""
    return [code for code in lang.split("+") if code and code not in engine.langs]


# --- tesseract ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    text: str
    confidence: float | None
    words: int
    boxes: tuple[tuple[str, float, float, float, float, float], ...]
    lines: tuple[tuple[str, float], ...]


class OcrFailed(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def _tesseract(image: Any, dpi: float, settings: OcrSettings, work: Path, psm: int = 3) -> _Reading:
    text, tsv = _run_tesseract(image, dpi, settings, work, psm)
    return _parsed(text, tsv)


def _run_tesseract(image: Any, dpi: float, settings: OcrSettings, work: Path, psm: int) -> tuple[str, str]:
    """What ``tesseract page out --dpi D --psm P -l L txt tsv`` writes: through the library kept loaded in
    this worker (:mod:`reportkit.ingest.tessapi`) when it can be, else by running the command."""
    from reportkit.ingest import tessapi
    from reportkit.workers import in_worker

    lang, timeout = settings.lang, settings.timeout
    version = settings.engine_version
    if in_worker() and not version and (engine := find_tesseract()) is not None:
        version = engine.version
    if in_worker() and version and tessapi.available(lang, version):
        try:
            return tessapi.recognise(image, dpi, lang, psm, timeout)
        except tessapi.RecogniseFailed as exc:
            if exc.timed_out:
                raise OcrFailed(f"OCR took longer than {timeout:g} s and was stopped") from None
            raise OcrFailed("tesseract could not read the page") from None
    exe = os.environ.get("REPORTKIT_TESSERACT") or shutil.which("tesseract") or "tesseract"
    src = work / ("page.pbm" if image.mode == "1" else "page.pgm")
    image.save(src)
    base = work / "out"
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    cmd = [exe, str(src), str(base), "--dpi", str(round(dpi)), "--psm", str(psm), "-l", lang]
    cmd += ["txt", "tsv"]
    try:
        run = subprocess.run(
            cmd,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
            preexec_fn=die_with_parent if os.name == "posix" else None,
        )
    except subprocess.TimeoutExpired:
        raise OcrFailed(f"OCR took longer than {timeout:g} s and was stopped") from None
    except OSError as exc:
        raise OcrFailed("the tesseract command could not be run", str(exc)) from None
    if run.returncode != 0:
        raise OcrFailed(
            f"tesseract stopped with exit code {run.returncode}", run.stderr.decode("utf-8", "replace")[-500:]
        )
    try:
        text = (base.with_suffix(".txt")).read_text(encoding="utf-8", errors="replace")
        tsv = (base.with_suffix(".tsv")).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise OcrFailed("tesseract wrote no output", str(exc)) from None
    return text, tsv


def _parsed(text: str, tsv: str) -> _Reading:
    confidences = []
    read: list[tuple[str, float, float, float, float, float]] = []
    lines: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    boxes: dict[tuple[str, str, str], list[Word]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        try:
            conf = float(row.get("conf") or -1)
            left, top = float(row.get("left") or 0), float(row.get("top") or 0)
            right, bottom = left + float(row.get("width") or 0), top + float(row.get("height") or 0)
        except ValueError:
            continue
        word = (row.get("text") or "").strip()
        if conf >= 0 and word:
            confidences.append(conf)
            key = (row.get("block_num") or "", row.get("par_num") or "", row.get("line_num") or "")
            lines.setdefault(key, []).append((word, conf))
            boxes.setdefault(key, []).append(Word(word, left, top, right, bottom))
            read.append((word, left, top, right, bottom, conf))
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    line_confs = tuple(
        (" ".join(w for w, _ in words), round(sum(c for _, c in words) / len(words), 1)) for words in lines.values()
    )
    text = _typed_values_placed(_tidy(text), list(boxes.values()))
    return _Reading(text, mean, len(confidences), tuple(read), line_confs)


def _typed_values_placed(text: str, lines: list[list[Word]]) -> str:
    """The OCR text with a form's values typed a little above their blanks moved beside their labels
    (:func:`reportkit.ingest.forms.fill_ocr_lines`); unchanged when a line to rewrite cannot be found in it."""
    edits = fill_ocr_lines(lines)
    if not edits:
        return text
    out = text.split("\n")
    gone: set[int] = set()
    at = 0
    for k in sorted(edits):
        wanted = " ".join(w.text for w in lines[k])
        found = next((j for j in range(at, len(out)) if " ".join(out[j].split()) == wanted), None)
        if found is None:
            return text
        new = edits[k]
        if new is None:
            gone.add(found)
        else:
            out[found] = new
        at = found + 1
    return "\n".join(line for j, line in enumerate(out) if j not in gone)


def _tidy(text: str) -> str:
    from reportkit.ingest.pdf import clean_text

    lines = [ln.rstrip() for ln in clean_text(text).replace("\f", "").split("\n")]
    return "\n".join(lines).strip("\n")


_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_ORIENT_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


def _osd_rotation(image: Any, dpi: float, timeout: float, work: Path) -> int | None:
    """Clockwise degrees that make the page upright per Tesseract's orientation detection (None: unsure)."""
    exe = os.environ.get("REPORTKIT_TESSERACT") or shutil.which("tesseract") or "tesseract"
    src = work / ("osd.pbm" if image.mode == "1" else "osd.pgm")
    image.save(src)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        run = subprocess.run(
            [exe, str(src), "stdout", "--dpi", str(round(dpi)), "--psm", "0", "-l", "osd"],
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
            preexec_fn=die_with_parent if os.name == "posix" else None,
        )
    except (subprocess.SubprocessError, OSError):
        return None
    out = run.stdout.decode("utf-8", "replace")
    rotate, conf = _ROTATE.search(out), _ORIENT_CONF.search(out)
    if run.returncode != 0 or not rotate or not conf or float(conf.group(1)) < 1.5:
        return None
    return int(rotate.group(1)) % 360


def _turn(image: Any, clockwise: int) -> Any:
    from PIL import Image

    if clockwise % 360 == 0:
        return image
    op = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    return image.transpose(op[clockwise % 360])


def _mostly_vertical(boxes: tuple[tuple[str, float, float, float, float, float], ...]) -> bool:
    """Most words of three letters or more are taller than wide: the page's lines run up or down it."""
    long = [(right - left, bottom - top) for text, left, top, right, bottom, _ in boxes if len(text) >= 3]
    return len(long) >= 5 and sum(1 for w, h in long if h > 1.5 * w) >= 0.6 * len(long)


def page_key(image: Any, settings: OcrSettings) -> str:
    """The cache key of a rendered page: a hash of its pixels and of what changes the reading."""
    digest = hashlib.sha256(f"ocr-v{OCR_VERSION}|{settings.lang}|{settings.dpi}|{image.size}|".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def read_image(image: Any, dpi: float, settings: OcrSettings) -> OcrPage:
    """OCR one page image: straighten it, read it, and when it reads poorly try it turned."""
    with tempfile.TemporaryDirectory(prefix="reportkit-ocr-") as tmp:  # mode 0700
        work = Path(tmp)
        straight, skew = straighten(image)
        best = _tesseract(straight, dpi, settings, work)
        best_turn, best_image, best_skew = 0, straight, skew
        if best.words >= 3 and _mostly_vertical(best.boxes):
            # Tesseract read the page's lines running up or down it: read it turned, so lines run across
            for turn in (90, 270):
                turned, angle = straighten(_turn(image, turn))
                reading = _tesseract(turned, dpi, settings, work)
                if not _mostly_vertical(reading.boxes) and (reading.confidence or 0) >= (best.confidence or 0) - 10:
                    best, best_turn, best_image, best_skew = reading, turn, turned, angle
                    break
        if best.words >= 3 and (best.confidence or 0) < RETRY_CONFIDENCE:
            osd = _osd_rotation(image, dpi, settings.timeout, work)
            # orientation detection sure the page is upright: it is just a poor page; unsure: try every turn
            turns = [90, 180, 270] if osd is None else [osd] if osd else []
            for turn in turns:
                turned, angle = straighten(_turn(image, turn))
                reading = _tesseract(turned, dpi, settings, work)
                if (reading.confidence or 0) > (best.confidence or 0) + 5:
                    best, best_turn, best_image, best_skew = reading, turn, turned, angle
                if (best.confidence or 0) >= RETRY_CONFIDENCE:
                    break
        return OcrPage(
            text=best.text,
            confidence=best.confidence,
            rotation=best_turn,
            skew=best_skew,
            words=best.boxes,
            lines=best.lines,
            image_size=tuple(best_image.size),
            dpi=dpi,
        )


def page_of_file(file_sha256: str, index: int, settings: OcrSettings) -> str:
    """The name under which a file's page remembers its page key (the same file needs no rendering again)."""
    sig = (f"{file_sha256}|{index}|{settings.lang}|{settings.dpi}|{settings.max_pixels}|{settings.max_image_pixels}"
           f"{'' if settings.scan_dpi else '|fixed-dpi'}")  # fmt: skip
    return hashlib.sha256(sig.encode()).hexdigest()


def cached_page(file_sha256: str, index: int, settings: OcrSettings) -> OcrPage | None:
    """The cached reading of a page of a file already OCR'd once, found without rendering it."""
    from reportkit.ingest.cache import OcrCache

    cache = OcrCache(Path(settings.cache_dir) if settings.cache_dir else None)
    key = cache.get_alias(page_of_file(file_sha256, index, settings))
    hit = cache.get(key) if key else None
    return OcrPage(**{**hit.__dict__, "cached": True}) if hit is not None else None


def ocr_page(
    path: str,
    password: str | None,
    index: int,
    settings: OcrSettings,
    file_sha256: str | None = None,
    has_text: bool = False,
    layer: bool = False,
) -> OcrPage:
    """Worker task: render page ``index`` (0-based) of a file and OCR it, through the cache. ``has_text``: the
    page has a text layer, too short to trust; when the page holds nothing else to read, it is not read
    (``OcrPage.only_text``). ``layer``: the page's text layer for the searchable copy is made here too
    (``OcrPage.layer``), beside the other pages' OCR instead of after all of it."""
    from reportkit.ingest.cache import OcrCache
    from reportkit.ingest.pdf import OnlyText, RenderRefused, render_page

    try:
        rendered = render_page(
            path,
            password,
            index,
            settings.dpi,
            settings.max_pixels,
            settings.max_image_pixels,
            settings.scan_dpi,
            unless_only_text=has_text,
        )
    except OnlyText:
        return OcrPage("", None, only_text=True)
    except RenderRefused as exc:
        return OcrPage("", None, warning=exc.reason, failed=True)
    cache = OcrCache(Path(settings.cache_dir) if settings.cache_dir else None)
    key = page_key(rendered.image, settings)
    if file_sha256:
        cache.put_alias(page_of_file(file_sha256, index, settings), key)
    hit = cache.get(key)
    if hit is not None:
        found = OcrPage(**{**hit.__dict__, "warning": rendered.warning or hit.warning, "cached": True})
        return with_layer(found) if layer else found
    try:
        result = read_image(rendered.image, rendered.dpi, settings)
    except OcrFailed as exc:
        return OcrPage("", None, warning=f"OCR failed: {exc.reason}", failed=True)
    if rendered.warning:
        result = OcrPage(**{**result.__dict__, "warning": rendered.warning})
    cache.put(key, result)
    return with_layer(result) if layer else result


def with_layer(reading: OcrPage) -> OcrPage:
    """The reading with its page's text layer (:func:`reportkit.ingest.textlayer.reading_pdf`), if it read words."""
    from dataclasses import replace

    from reportkit.ingest import textlayer

    if reading.failed or not reading.words:
        return reading
    return replace(reading, layer=textlayer.reading_pdf(reading))


# --- what the index says about OCR ------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.split()).lower()


def line_confidence(reading: OcrPage, snippet: str) -> float | None:
    """Confidence of the OCR line(s) an evidence snippet was taken from (None: no line matches)."""
    from reportkit.ingest.ocrfix import normalise_ocr

    wanted = _fold(snippet.rstrip("…"))[:60]
    if not wanted:
        return None
    found = [
        conf
        for text, conf in reading.lines
        if wanted in (line := _fold(normalise_ocr(text))) or (len(line) >= 8 and line in wanted)
    ]
    return min(found) if found else None


def flag_low_confidence(
    documents: list[Document], pages: list[Page], readings: dict[int, OcrPage] | None = None
) -> list[Document]:
    """Documents whose date, provider or facility came from a doubtful OCR reading get a warning saying so.

    Doubtful: the line the value was read from has a mean word confidence under :data:`LOW_CONFIDENCE` (or,
    when the line cannot be found, the page has)."""
    from dataclasses import replace

    out = []
    for doc in documents:
        notes = []
        for name in ("date", "provider", "facility"):
            evidence = doc.evidence.get(name)
            if evidence is None or not 1 <= evidence.page <= len(pages):
                continue
            page = pages[evidence.page - 1]
            if page.text_source != "ocr" or page.confidence is None:
                continue
            reading = (readings or {}).get(page.page)
            line = line_confidence(reading, evidence.snippet) if reading is not None else None
            confidence = line if line is not None else page.confidence
            if confidence < LOW_CONFIDENCE:
                notes.append(
                    f"{name} read by OCR from page {page.page} at {confidence:.0f}% confidence: "
                    "check it against the page"
                )
        out.append(replace(doc, warnings=[*doc.warnings, *notes]) if notes else doc)
    return out

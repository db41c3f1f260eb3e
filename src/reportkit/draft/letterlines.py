"""The lines of a referral letter, with their left edges: from its text layer, or by OCR when it is a scan
or a fax (same engine, cache and limits as ``index``), in reading order either way."""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportkit.errors import EncryptedError, InputError, MissingToolError

MAX_PAGES = 50
UNSURE_WORD = 60.0


@dataclass(frozen=True)
class Line:
    """A line of the letter: its left edge (any unit; larger is further right), text, whether a paragraph
    gap comes before it, and, for a line read by OCR, its mean word confidence (0-100)."""

    indent: float
    text: str
    gap_before: bool = False
    conf: float | None = None
    unsure: int = 0
    """Words OCR read with a confidence under ``UNSURE_WORD``."""


def _run(path: Path, tasks: list[Any], limits: Any) -> list[Any]:
    """Run worker tasks on the letter; the outcomes in order, or InputError/EncryptedError naming it."""
    from reportkit.workers import WorkerPool

    with WorkerPool(1, limits) as pool:
        outcomes = sorted(pool.map(tasks), key=lambda o: o.key)
    for outcome in outcomes:
        if outcome.problem == "encrypted":
            raise EncryptedError(f"{path}: the PDF is encrypted.", hint="Save an unencrypted copy.")
        if outcome.problem in ("timeout", "memory"):
            raise InputError(f"{path}: reading the PDF went over the {outcome.problem} limit.",
                             hint="Check the file, or type the questions in.", detail=outcome.detail)  # fmt: skip
        if not outcome.ok:
            raise InputError(f"{path}: not a readable PDF.", hint="Check the file.", detail=outcome.detail)
    return [o.value for o in outcomes]


def lines_from_pdf(path: Path, timeout: float = 60.0) -> tuple[list[Line], bool]:
    """Lines of a PDF letter (a vertical gap of more than 1.6 lines is a paragraph), and whether they were
    read by OCR (the PDF had no text)."""
    from reportkit.workers import Limits, Task

    if not path.is_file():
        raise InputError(f"{path}: not found.", hint="Check the path of the referral letter.")
    # A letter is an untrusted PDF like any record: it is read in a worker with a time and memory limit.
    (pages,) = _run(path, [Task(0, "layout", (str(path),))], Limits(timeout=timeout, memory_mb=1024))
    out: list[Line] = []
    for page in pages:
        out += _with_gaps([(tl.left, tl.top, tl.bottom, tl.text, None, 0) for tl in page], upwards=True)
    if any(line.text.strip() for line in out):
        return out, False
    return _ocr_lines(path, len(pages)), True


def _with_gaps(rows: Sequence[tuple[float, float, float, str, float | None, int]], *, upwards: bool) -> list[Line]:
    """(left, top, bottom, text, confidence, unsure words) rows of one page as Lines; ``upwards``: y grows up
    the page."""
    out = []
    previous = None
    for left, top, bottom, text, conf, unsure in rows:
        height = max(abs(top - bottom), 1.0)
        space = (previous[2] - top if upwards else top - previous[2]) if previous is not None else 0.0
        gap = previous is None or space > 0.6 * height + 4
        out.append(Line(left, text, gap, conf, unsure))
        previous = (left, top, bottom)
    return out


def _ocr_lines(path: Path, pages: int) -> list[Line]:
    from reportkit import api
    from reportkit.ingest.readingorder import Word, reading_lines
    from reportkit.workers import Limits, Task

    settings, why = api.ocr_settings()
    if settings is not None:  # a letter is a page or two: read at the full resolution, not the fax's own
        settings = dataclasses.replace(settings, scan_dpi=False)
    if settings is None:
        raise MissingToolError(f"{path}: the PDF has no text layer, so it must be read by OCR, but {why}.",
                               hint="Or type the questions into case.yaml.")  # fmt: skip
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    tasks = [Task(i, "ocr", (str(path), None, i, settings, sha)) for i in range(min(pages, MAX_PAGES))]
    readings = _run(path, tasks, Limits(timeout=settings.timeout * 4 + 30, memory_mb=2048))
    out: list[Line] = []
    for reading in readings:
        if reading.failed:
            raise InputError(f"{path}: a page could not be read by OCR ({reading.warning}).",
                             hint="Check the file, or type the questions in.")  # fmt: skip
        scale = 72.0 / (reading.dpi or 300.0)  # points, as for a text layer
        lines = reading_lines([Word(*w) for w in reading.words])
        rows = [(ln.left * scale, ln.top * scale, ln.bottom * scale, ocr_tidy(_without_specks(ln.words)), ln.conf,
                 sum(1 for w in ln.words if w.conf < UNSURE_WORD)) for ln in lines]  # fmt: skip
        out += _with_gaps(rows, upwards=False)
    return out


SPECK_WORD = 40.0
"""A speck-shaped "word" (see ``_speck_shaped``) read with less confidence than this inside a line is a
fax's speck."""


def _without_specks(words: Sequence[Any]) -> str:
    """A line's text without the specks OCR read as characters mid-line ("What injuries 1 did …"); a line's
    first two words (a list number, "Question 4:") are always kept."""
    kept = [w.text for i, w in enumerate(words) if i < 2 or w.conf >= SPECK_WORD or not _speck_shaped(w.text)]
    return " ".join(kept)


def _speck_shaped(text: str) -> bool:
    """A lone letter other than "a" or "I", or one or two characters with no letter: what a speck reads as
    ("to" and "of" are words, however unsure OCR was of them)."""
    return (len(text) == 1 and text not in "aAI&") or (len(text) <= 2 and not any(c.isalpha() for c in text))


_MARKER_WORD = re.compile(r"^\W?([A-Za-z]{5,10})\s*([\d|lI]{1,2})\s*(?=[:.)])")
_LEADING_SPECK = re.compile(r"^((?:\(?\d{1,2}[.):]|\([a-z]\))\s*)?[.,'`‘’_~-]+\s*(?=[A-Z(])")
_BRACE = re.compile(r"^[({\[|]{1,2}(?=[a-z]\))")
_STRAY_DOT = re.compile(r"\b([a-z]{2,})\.(?= [a-z])")
_GLUED_DOT = re.compile(r"(?<=\b[a-z]{2})\.(?=[a-z]{2,}\b)|(?<=[a-z]{3})\.(?=[a-z]{2,}\b)")
_ABBREVIATIONS = {"etc", "vs", "approx", "incl", "esp", "resp", "cf", "viz", "al", "ca"}


def ocr_tidy(text: str) -> str:
    """A line as OCR read it, without the specks a fax adds as dots, dashes and braces: ``6. .What`` →
    ``6. What``, ``as. an order`` → ``as an order`` (a dot between two lower-case words, after no
    abbreviation), ``of.injury`` → ``of injury``, ``({b)`` → ``(b)``, ``28,-2024`` → ``28, 2024``, ``l. What``
    → ``1. What``, and the word ``lf`` read for ``If``."""
    text = re.sub(r"^[lI|]([.)])(?=\s+[A-Z])", r"1\1", text)  # "l. What …": the first question's "1."
    word = _MARKER_WORD.match(text)
    if word and difflib.SequenceMatcher(None, word.group(1).lower(), "question").ratio() >= 0.7:
        number = re.sub(r"[|lI]", "1", word.group(2))
        text = f"Question {number}" + text[word.end(2) :]  # "uestion 2:", "Qucstion 3:", "Question |:"
    text = _BRACE.sub("(", text)
    text = re.sub(r"^\(([a-z]|[ivx]{1,4})[}\]|]", r"(\1)", text)
    text = _LEADING_SPECK.sub(lambda m: f"{m.group(1).rstrip()} " if m.group(1) else "", text)
    text = _STRAY_DOT.sub(lambda m: m.group(1) if m.group(1) not in _ABBREVIATIONS else m.group(0), text)
    text = _GLUED_DOT.sub(" ", text)
    text = re.sub(r",-(?=\d)", ", ", text)
    text = re.sub(r"([,;:])[.,]+(?=\s)", r"\1", text)
    return re.sub(r"\blf\b", "If", text)

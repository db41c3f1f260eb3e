"""Tesseract through its C library, kept loaded in a worker process across pages.

The ``tesseract`` command loads its language model afresh for every page (~0.1 CPU-second for English) and
reads the page from a file; a worker that OCRs many pages pays that once here, and hands the page's pixels
over in memory. What is read is the same: the same library, the same settings (page segmentation mode, the
``user_defined_dpi`` the command's ``--dpi`` sets, one thread), the same text and TSV, byte for byte (a test
compares the two on real pages). The command stays in use wherever this cannot be: outside reportkit's
worker processes, with ``REPORTKIT_TESSERACT`` naming a binary, when the library is not found or is another
version than the command, or when the process already runs OpenMP without a limit of one thread.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import time
from typing import Any

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
"""The header line the command writes before a page's TSV (the library gives the rows only)."""


class RecogniseFailed(Exception):
    """Recognition stopped: past its deadline (``timed_out``) or for a reason the library does not give."""

    def __init__(self, timed_out: bool) -> None:
        super().__init__("timed out" if timed_out else "failed")
        self.timed_out = timed_out


class _Library:
    """libtesseract's C functions used here, with their types."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        p, s, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
        self.lib = lib
        for name, restype, argtypes in (
            ("TessVersion", s, []),
            ("TessBaseAPICreate", p, []),
            ("TessBaseAPIInit3", i, [p, s, s]),
            ("TessBaseAPISetVariable", i, [p, s, s]),
            ("TessBaseAPISetPageSegMode", None, [p, i]),
            ("TessBaseAPISetImage", None, [p, s, i, i, i, i]),
            ("TessBaseAPIRecognize", i, [p, p]),
            ("TessBaseAPIGetUTF8Text", p, [p]),
            ("TessBaseAPIGetTsvText", p, [p, i]),
            ("TessBaseAPIClear", None, [p]),
            ("TessDeleteText", None, [p]),
            ("TessMonitorCreate", p, []),
            ("TessMonitorDelete", None, [p]),
            ("TessMonitorSetDeadlineMSecs", None, [p, i]),
        ):
            func = getattr(lib, name)
            func.restype, func.argtypes = restype, argtypes

    def version(self) -> str:
        return (self.lib.TessVersion() or b"").decode("ascii", "replace")

    def take_text(self, pointer: int | None) -> str:
        if not pointer:
            return ""
        try:
            return ctypes.string_at(pointer).decode("utf-8", "replace")
        finally:
            self.lib.TessDeleteText(pointer)


_STATE: dict[str, Any] = {"library": None, "tried": False, "handles": {}}
"""This process's library (loaded once, on first use) and one initialised handle per language."""


def _thread_limit_one() -> bool:
    """Whether OpenMP in this process will run Tesseract on one thread. The limit is read once, when libgomp
    is loaded: it is set before loading it; a libgomp already loaded (by anything) must already have it."""
    try:
        loaded = ctypes.CDLL(ctypes.util.find_library("gomp") or "libgomp.so.1", mode=os.RTLD_NOLOAD)
    except (OSError, AttributeError):
        os.environ["OMP_THREAD_LIMIT"] = "1"  # a worker process of ours: nothing else in it runs OpenMP
        return True
    limit = loaded.omp_get_thread_limit
    limit.restype = ctypes.c_int
    return bool(limit() == 1)


def _library(command_version: str) -> _Library | None:
    if _STATE["tried"]:
        return _STATE["library"]  # type: ignore[no-any-return]
    _STATE["tried"] = True
    if os.environ.get("REPORTKIT_TESSERACT") or not _thread_limit_one():
        return None
    names = [n for n in (ctypes.util.find_library("tesseract"), "libtesseract.so.5", "libtesseract.5.dylib") if n]
    for name in names:
        try:
            library = _Library(ctypes.CDLL(name))
        except (OSError, AttributeError):
            continue
        if library.version() and library.version() in command_version.split():
            _STATE["library"] = library
            return library
        return None  # another Tesseract than the command: its readings could differ
    return None


def _handle(library: _Library, lang: str) -> int | None:
    handles: dict[str, int | None] = _STATE["handles"]
    if lang not in handles:
        handle = library.lib.TessBaseAPICreate()
        if not handle or library.lib.TessBaseAPIInit3(handle, None, lang.encode()) != 0:
            handle = None  # a language it cannot load: the command will say what is wrong
        else:  # what the library says as it reads ("Detected 348 diacritics") would land on the terminal
            library.lib.TessBaseAPISetVariable(handle, b"debug_file", os.devnull.encode())
        handles[lang] = handle
    return handles[lang]


def available(lang: str, command_version: str) -> bool:
    """Whether pages in ``lang`` can be read through the library in this process."""
    library = _library(command_version)
    return library is not None and _handle(library, lang) is not None


def recognise(image: Any, dpi: float, lang: str, psm: int, timeout: float) -> tuple[str, str]:
    """The page's text and TSV (with the command's header line), as ``tesseract … txt tsv`` writes them.

    ``image``: a PIL image in mode ``1`` or ``L``. Call :func:`available` first."""
    library: _Library = _STATE["library"]
    lib = library.lib
    handle = _handle(library, lang)
    if image.mode == "1":  # rows of packed bits, 1 = white: what the library takes as a binary image
        lib.TessBaseAPISetImage(handle, image.tobytes(), image.width, image.height, 0, (image.width + 7) // 8)
    else:
        grey = image if image.mode == "L" else image.convert("L")
        lib.TessBaseAPISetImage(handle, grey.tobytes(), grey.width, grey.height, 1, grey.width)
    lib.TessBaseAPISetPageSegMode(handle, psm)
    lib.TessBaseAPISetVariable(handle, b"user_defined_dpi", str(round(dpi)).encode())
    monitor = lib.TessMonitorCreate()
    started = time.monotonic()
    try:
        lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(timeout * 1000)))
        if lib.TessBaseAPIRecognize(handle, monitor) != 0:
            raise RecogniseFailed(time.monotonic() - started >= timeout)
        text = library.take_text(lib.TessBaseAPIGetUTF8Text(handle))
        tsv = library.take_text(lib.TessBaseAPIGetTsvText(handle, 0))
    finally:
        lib.TessMonitorDelete(monitor)
        lib.TessBaseAPIClear(handle)
    return text, TSV_HEADER + tsv

"""Opening an input, and the pages that survive of a damaged one.

A file cut short (a download or an e-mail attachment that stopped, a scanner that ran out of room) has no
cross-reference table at its end: pdfium refuses it and pypdf finds no pages. qpdf (through pikepdf, which
the packets already use) rebuilds the table from the objects that are there, so the pages written before the
cut can still be read; what the cut took is missing (the pages at the end, or the contents of pages whose page
objects came before the cut: they read blank). Such a file is copied, repaired, into a private folder of the
run, read from there, and named with a warning, and the run exits 6. The input itself is never changed; a
repaired file's text layer is not cached (its copy is gone when the run ends). A file none of whose pages
decode (an encrypted file whose /Encrypt entry went with the cut: its pages are ciphertext) is not repaired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from reportkit.cite import page_runs
from reportkit.ingest.pdf import FileInfo, PdfProblem, heard, probe
from reportkit.models import PartRead


def probe_file(path: str, passwords: Sequence[str], repair_to: str | None = None) -> tuple[FileInfo, list[str]]:
    """Worker task: what opening the file tells (:func:`reportkit.ingest.pdf.probe`), and what the PDF
    libraries logged meanwhile (for --debug only). A damaged file is repaired into ``repair_to``, when given,
    and probed there (``FileInfo.repaired``)."""
    with heard() as messages:
        try:
            info = probe(path, passwords)
        except PdfProblem as exc:
            if exc.problem != "damaged" or repair_to is None or not _repaired(path, repair_to):
                raise
            info = replace(probe(repair_to, ()), repaired=repair_to)
    return info, messages


def _repaired(path: str, target: str) -> bool:
    """Whether qpdf recovered any page of the file (then written, repaired, to ``target``). An encrypted file
    is not repaired: its decrypted pages would be on disk."""
    import pikepdf

    if _mentions_encryption(path):  # its /Encrypt entry may be gone with the cut: its pages would be ciphertext
        return False
    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0 or pdf.is_encrypted or not any(_readable(page) for page in pdf.pages):
                return False  # no page whose contents decode: an encrypted file whose /Encrypt went, or debris
            pdf.save(target, deterministic_id=True)
    except Exception:  # pikepdf raises many kinds on hostile files: not recoverable, the file stays damaged
        return False
    return True


def _readable(page: Any) -> bool:
    """Whether the page's contents decode (a cut-off encrypted file's are ciphertext: they do not)."""
    import pikepdf

    contents = page.obj.get("/Contents")
    streams = [contents] if isinstance(contents, pikepdf.Stream) else list(contents or ())
    try:
        for stream in streams:
            stream.read_bytes()
    except Exception:  # what qpdf raises for a stream that does not decode
        return False
    return bool(streams)


def _mentions_encryption(path: str) -> bool:
    """Whether the file's bytes hold an /Encrypt key anywhere (read a megabyte at a time)."""
    tail = b""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                if b"/Encrypt" in tail + chunk:
                    return True
                tail = chunk[-8:]
    except OSError:
        return True  # unreadable: nothing to repair
    return False


def cut_short(name: str, sha256: str, pages: int, blank: list[int]) -> PartRead:
    """A repaired file, and what the run says of it: how many pages were read, and which of them read blank
    (bundle pages: their contents went with the cut, or they were blank)."""
    lost = f" (of them, {_ranges(blank)} read blank: their contents may be what the cut took)" if blank else ""
    reason = (
        f"{name} was damaged (cut short?) and was repaired: {pages} page(s) were read{lost}, and whatever the cut "
        "took is missing (pages at the end, or the contents of pages). Ask the sender for a new copy."
    )
    return PartRead(name, sha256, "cut_short", blank, reason)


def _ranges(numbers: list[int]) -> str:
    """Bundle pages as ranges: "pp. 8-17", "p. 4", "pp. 3, 8-9"."""
    return ("p. " if len(numbers) == 1 else "pp. ") + page_runs(numbers)


def damaged_pages(path: str) -> list[int]:
    """0-based pages of the file whose contents do not decode (bytes changed inside them: pdfium reads what it
    can of such a page, often nothing). [] when the file cannot be opened this way."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            return [
                i for i, page in enumerate(pdf.pages) if page.obj.get("/Contents") is not None and not _readable(page)
            ]
    except Exception:  # a file pikepdf cannot open: nothing more to say than the reading said
        return []


def pages_damaged(name: str, sha256: str, first: int, damaged: list[int], blank: list[int]) -> PartRead:
    """A file whose pages ``damaged`` (0-based; the file's first page is bundle page ``first``) do not decode,
    and what the run says of it; ``blank``: bundle pages that read blank."""
    pages = [first + i for i in damaged]
    lost = f"; {_ranges(blank)} read blank" if blank else ""
    reason = (
        f"{name} is damaged: the contents of {_ranges(pages)} do not decode: text may be missing from them{lost}. "
        "Ask the sender for a new copy."
    )
    return PartRead(name, sha256, "damaged_pages", pages, reason)

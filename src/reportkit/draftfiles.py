"""The files a drafts folder keeps about its drafts, and whether a report PDF is the current, complete one.

``draft`` writes ``.reportkit-drafts.json`` (the SHA-256 of each draft it wrote, the DOCX each PDF was made
from, what each draft was made from) and ``finalize`` writes ``final.json`` (the hashes of the signed DOCX
and PDF). Both ``draft`` and ``packet`` read them, so they live here, below both.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

STATE_NAME = ".reportkit-drafts.json"
FINAL_NAME = "final.json"
FINAL_SCHEMA = "reportkit/final@1"
PLACEHOLDER = "[TO COMPLETE:"
SAME_TEXT = 0.97
"""Share of a DOCX's words a PDF made from it holds (line ends, hyphens and page furniture aside)."""


def sha_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha_file(path: Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read."""
    try:
        return sha_bytes(path.read_bytes())
    except OSError:
        return None


def read_record(folder: Path) -> dict[str, dict[str, Any]]:
    """The state file of a drafts folder: ``files`` (name → SHA-256 reportkit wrote) and the per-file facts
    (``parts``, ``pdf_from``, ``made_from``, ``word_copy``); {} when missing or unreadable."""
    try:
        data = json.loads((folder / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}


def read_final(folder: Path) -> dict[str, Any] | None:
    """The finalize record of a drafts folder, or None (missing or unreadable)."""
    try:
        data = json.loads((folder / FINAL_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == FINAL_SCHEMA else None


def finalized(folder: Path, name: str) -> str | None:
    """The SHA-256 ``final.json`` records for the file ``name`` (a DOCX or PDF), or None."""
    final = read_final(folder)
    for key in ("docx", "pdf"):
        entry = final.get(key) if final else None
        if isinstance(entry, dict) and entry.get("name") == name and isinstance(entry.get("sha256"), str):
            return str(entry["sha256"])
    return None


def pdf_text(path: Path) -> str | None:
    """The text of a PDF (None when it cannot be read)."""
    from reportkit.ingest import pdf

    try:
        info = pdf.probe(str(path), [])
        return "\n".join(pdf.extract(str(path), None, info.engine, 0, info.page_count))
    except (pdf.PdfProblem, OSError):
        return None


def docx_text(path: Path) -> str | None:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception:  # python-docx raises several types on a damaged file
        return None
    body = document.element.body
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return "\n".join("".join(t.text or "" for t in p.iter(f"{ns}t")) for p in body.iter(f"{ns}p"))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def shared_words(docx: str, pdf: str) -> float:
    """Share of the DOCX's words (counted with repeats) that the PDF holds."""
    want = Counter(_words(docx))
    if not want:
        return 1.0
    return sum((want & Counter(_words(pdf))).values()) / sum(want.values())


def report_problems(pdf: Path) -> list[str]:
    """Why ``pdf`` is not the current, complete report (empty when it is): it holds placeholders, differs from
    the finalized version, or is older than / not made from the DOCX beside it."""
    problems: list[str] = []
    folder = pdf.parent
    docx = next((p for p in folder.glob("*") if p.stem == pdf.stem and p.suffix.lower() == ".docx"), None)
    text = pdf_text(pdf)
    pdf_sha = sha_file(pdf)
    if text is not None and PLACEHOLDER in text:
        count = text.count(PLACEHOLDER)
        problems.append(f"{pdf} still holds {count} placeholder(s) [TO COMPLETE: …].")
    final = finalized(folder, pdf.name)
    if final is not None and final != pdf_sha:
        problems.append(f"{pdf} is not the version recorded in {folder / FINAL_NAME} (changed after finalize).")
    if docx is None:
        return problems
    record = read_record(folder)
    made_from = record.get("pdf_from", {}).get(pdf.name)
    ours = record.get("files", {}).get(pdf.name) == pdf_sha
    if ours and made_from is not None:
        if made_from != sha_file(docx):
            problems.append(f"{pdf} was made from an earlier version of {docx.name}: the DOCX changed since.")
        return problems
    if docx.stat().st_mtime > pdf.stat().st_mtime + 2:
        problems.append(f"{pdf} is older than {docx.name}.")
        return problems
    words = docx_text(docx)
    if text is not None and words is not None and shared_words(words, text) < SAME_TEXT:
        problems.append(f"{pdf}: its text differs from {docx.name}.")
    return problems


def report_facts(pdf: Path) -> dict[str, Any]:
    """For a packet's manifest: the DOCX a report PDF was made from and whether it is the finalized one."""
    folder = pdf.parent
    facts: dict[str, Any] = {"finalized": finalized(folder, pdf.name) == sha_file(pdf)}
    final = read_final(folder) if facts["finalized"] else None
    docx = final.get("docx") if final else None
    if isinstance(docx, dict) and isinstance(docx.get("sha256"), str):
        facts["docx_sha256"] = docx["sha256"]
    return facts

"""A report's text, from a DOCX, a PDF (its text layer, or OCR for a scan, as ``questions`` reads a letter),
Markdown or plain text. Raises InputError naming the file when it cannot be read."""

from __future__ import annotations

import zipfile
from pathlib import Path

from reportkit.errors import InputError

KINDS = (".docx", ".pdf", ".md", ".markdown", ".txt")


def report_text(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"{path}: report not found.", hint="Check the path of the report.")
    kind = path.suffix.lower()
    if kind not in KINDS:
        raise InputError(f"{path}: not a report reportkit reads.", hint=f"Give a {', '.join(KINDS)} file.")
    if kind == ".docx":
        return _docx(path)
    if kind == ".pdf":
        from reportkit.draft.letterlines import lines_from_pdf

        lines, _ = lines_from_pdf(path)
        return "\n".join(("\n" if line.gap_before else "") + line.text for line in lines)
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text.", hint="Save it as UTF-8, or give the DOCX or PDF.") from None


def _docx(path: Path) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError):
        raise InputError(f"{path}: not a readable Word document.", hint="Open and save it again in Word.") from None
    from docx.oxml.ns import qn

    # every paragraph in document order: inside tables and content controls too (a draft keeps its parts in
    # content controls, which python-docx's ``paragraphs`` does not list)
    parts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))]
    return "\n\n".join(parts)

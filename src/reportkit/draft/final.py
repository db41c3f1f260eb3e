"""``reportkit finalize``: the signed version of a draft, made into a PDF and recorded by hash.

The physician signs in Word. ``finalize`` checks the DOCX as ``check --final`` does (no placeholders, no
items for review, current with case.yaml and the records), makes the PDF from that DOCX with LibreOffice, and
writes ``final.json`` beside them: the SHA-256 of the DOCX, of the PDF, of case.yaml and of each record file.
``packet`` then puts exactly that PDF first, ``verify CASE`` proves which version was produced, and ``draft``
refuses to re-draft over it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportkit.draft import render
from reportkit.draft.case import CASE_FILE, load_case
from reportkit.draft.check import Finding, check_case
from reportkit.draft.currency import record_shas
from reportkit.draft.pipeline import DRAFTS_DIR, DraftOptions
from reportkit.draft.writer import write_drafts
from reportkit.draftfiles import FINAL_NAME, FINAL_SCHEMA, read_final, sha_bytes, sha_file
from reportkit.errors import IndexFileError, InputError

ALWAYS_BLOCKING = ("placeholder", "draft-stale", "changed-after-final", "review-items", "internal-id")
"""Findings ``--despite-findings`` cannot pass over: a report with a gap, one out of date, or one still
holding the tool's working notes."""


@dataclass(frozen=True)
class FinalizeResult:
    findings: list[Finding]
    """What stopped it (empty when it finalized)."""
    written: list[Path] = field(default_factory=list)
    already: bool = False
    """The draft was finalized before and has not changed: nothing written."""
    record: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings


def finalize_case(
    case_dir: Path,
    *,
    out: Path | None = None,
    templates: Path | None = None,
    despite_findings: bool = False,
    force: bool = False,
) -> FinalizeResult:
    """Check CASE_DIR's Word draft, make its PDF and record both by hash (nothing is written when a
    finding stops it)."""
    case = load_case(case_dir)
    folder = out or case_dir / DRAFTS_DIR
    stem = render.OUTPUT_STEMS[case.kind]
    docx = folder / f"{stem}.docx"
    if not docx.is_file():
        raise InputError(f"{docx}: no Word draft to finalize.", hint=f"Run `reportkit draft {case_dir}` first.")
    previous = read_final(folder)
    if previous is not None and not verify_final(folder, previous):
        return FinalizeResult([], already=True, record=previous)
    result = check_case(case_dir, final=True, options=DraftOptions(templates=templates), out=out)
    if result.draft.source != str(docx):
        raise IndexFileError(f"{docx}: could not be read as a Word document.", hint="Save it again from Word.")
    blocking = [f for f in result.findings if f.rule in ALWAYS_BLOCKING or not despite_findings]
    if blocking:
        return FinalizeResult(blocking)
    render.require_soffice()
    data = docx.read_bytes()
    pdf = render.docx_to_pdf(data, docx.name)
    pdf_name = f"{stem}.pdf"
    docx_sha = sha_bytes(data)
    record: dict[str, Any] = {
        "schema": FINAL_SCHEMA,
        "kind": case.kind,
        "docx": {"name": docx.name, "sha256": docx_sha},
        "pdf": {"name": pdf_name, "sha256": sha_bytes(pdf), "pages": _pages(pdf)},
        "case_yaml_sha256": sha_file(case_dir / CASE_FILE),
        "records_sha256": record_shas(case_dir),
        "profile": result.profile,
        "findings_passed_over": [f"{f.rule}: {f.message}" for f in result.findings],
    }
    text = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    written = write_drafts(folder, {pdf_name: pdf, FINAL_NAME: text}, force=force,
                           facts={"pdf_from": {pdf_name: docx_sha}})  # fmt: skip
    return FinalizeResult([], written, record=record)


def _pages(pdf: bytes) -> int:
    import io

    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def verify_final(folder: Path, record: dict[str, Any] | None = None) -> list[str]:
    """What in ``folder`` differs from its ``final.json`` (empty: the DOCX and PDF are the finalized ones)."""
    record = record if record is not None else read_final(folder)
    if record is None:
        raise InputError(f"{folder / FINAL_NAME}: missing or not a reportkit finalize record.",
                         hint="Run `reportkit finalize CASE_DIR` first.")  # fmt: skip
    problems = []
    for key in ("docx", "pdf"):
        entry = record.get(key)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            problems.append(f"{folder / FINAL_NAME}: no {key} entry.")
            continue
        path = folder / Path(entry["name"]).name
        now = sha_file(path)
        if now is None:
            problems.append(f"missing: {path}")
        elif now != entry.get("sha256"):
            problems.append(f"changed since it was finalized: {path}")
    return problems

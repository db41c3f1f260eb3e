"""What a packet run checks before it stamps anything: the index and its patients, the output folder, the
report PDF; and how the input PDFs are opened for stamping."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportkit import cite
from reportkit.errors import (
    EncryptedError,
    InputError,
    OutputError,
    ReportkitError,
    ReportNotCurrentError,
    UsageError,
)
from reportkit.index.load import load_index
from reportkit.ingest.bundle import Progress
from reportkit.models import RecordIndex
from reportkit.packet import manifest, names
from reportkit.packet.options import TOOL, IndexRecords, PacketOptions
from reportkit.packet.pdf import (
    OpenedPdf,
    OutputPdf,
    PdfWriteProblem,
)


def packet_index(
    records: Sequence[Path],
    options: PacketOptions,
    index_records: IndexRecords,
    progress: Progress | None = None,
    case_index: Path | None = None,
    notes: list[str] | None = None,
) -> RecordIndex:
    """The record index: ``--index``, else the case's own index when it matches the records (so corrections
    made by hand there are kept, as ``draft`` keeps them), else a fresh one."""
    from reportkit.ingest.bundle import check_inputs, expand_inputs

    if options.index_file is None and case_index is not None and case_index.is_file():
        try:
            saved = load_index(case_index)
        except ReportkitError:
            saved = None
        files = check_inputs(records)
        if saved is not None and [s.sha256 for s in saved.sources] == [f.sha256 for f in files]:
            options = dataclasses.replace(options, index_file=case_index)
        elif notes is not None:
            notes.append(
                f"{case_index} does not match the records (or cannot be read): the records were indexed afresh "
                "for the packet. Run `reportkit draft` or `reportkit index` to bring it up to date."
            )
    if options.index_file is not None:
        index = load_index(options.index_file)
        files = check_inputs(records)
        if [s.sha256 for s in index.sources] != [f.sha256 for f in files]:
            raise InputError(
                f"{options.index_file}: this index was made from other files (or another order) than the inputs.",
                hint="Run `reportkit index` on the same inputs again, or leave out --index.",
            )
        _check_coverage(index, options.index_file)
        _refuse_damaged(index)
        # The files are read where they are now (the index may have been made from another folder).
        return names.renamed(index, [f.path.as_posix() for f in files])
    index, debug = index_records(records, options, progress)
    if index.skipped:
        problems = {s.problem for s in index.skipped}
        error = EncryptedError if problems <= {"encrypted", "wrong_password"} else InputError
        raise error(
            "A packet must hold every record, and these files could not be read: "
            + " ".join(s.reason for s in index.skipped),
            hint="Fix or remove them and run again (nothing was written).",
            detail="\n".join(debug),
        )
    _refuse_damaged(index)
    # the index names its files the same however they were typed; the packet reads them where they are
    return names.renamed(index, [p.as_posix() for p in expand_inputs(records)])


def _refuse_damaged(index: RecordIndex) -> None:
    """A packet's exhibits are the records as received, whole: a damaged file the index could read only in
    part (see :mod:`reportkit.ingest.recover`) is not stamped as if it were complete."""
    damaged = [part.reason for part in index.read_in_part if part.problem == "cut_short"]
    if damaged:
        raise InputError(
            "A packet must hold every record whole, and " + " ".join(damaged),
            hint="Replace the damaged file with a whole copy and run again (nothing was written).",
        )


def check_patients(index: RecordIndex) -> None:
    """Refuse to produce a document of another patient than the bundle's main one unless a reviewer confirmed
    it (``patient_confirmed: true`` in the overrides file): a misfiled record must not leave by mistake."""
    unconfirmed = sorted(index.misfiled(), key=lambda d: d.first_page)
    if not unconfirmed:
        return
    listed = ", ".join(f"{d.id} ({d.patient}, {cite.pages(d.first_page, d.last_page)})" for d in unconfirmed[:8])
    more = f" and {len(unconfirmed) - 8} more" if len(unconfirmed) > 8 else ""
    raise InputError(
        f"{len(unconfirmed)} document(s) name another patient than the bundle's main patient: {listed}{more}. "
        "A misfiled record is not produced without a reviewer's word.",
        hint="Check each: remove the file if it does not belong, or confirm it with an overrides entry "
        f"('- pages: {_range(unconfirmed[0])}' then 'patient_confirmed: true', one per document), run "
        "`reportkit index --overrides FILE`, and give that index to packet with --index. Nothing was written.",
    )


def _range(doc: Any) -> str:
    return str(doc.first_page) if doc.first_page == doc.last_page else f"{doc.first_page}-{doc.last_page}"


def _check_coverage(index: RecordIndex, path: Path) -> None:
    covered = sorted(p for d in index.documents for p in range(d.first_page, d.last_page + 1))
    if covered != list(range(1, index.page_count + 1)):
        raise InputError(
            f"{path}: its documents do not cover every page exactly once.",
            hint="Correct the first_page/last_page values, or run `reportkit index` again.",
        )


def check_out_dir(out_dir: Path, records: Sequence[Path], force: bool) -> None:
    target = out_dir.resolve()
    for item in records:
        src = item.resolve()
        if src.is_dir() and (target == src or src in target.parents):
            raise UsageError(
                f"{out_dir}: the packet folder is inside the input folder {item}.",
                hint="Choose an --out folder outside the records (its PDFs would be read as records next time).",
            )
        if target == src or target in src.parents:
            raise UsageError(
                f"{out_dir}: the packet folder holds the input {item}.",
                hint="Choose an --out folder of its own (--force replaces everything in it).",
            )
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder.", hint="Choose another --out folder.")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not force:
            raise OutputError(
                f"{out_dir}: the folder exists and is not empty.",
                hint="Use --force to replace an earlier packet, or choose another --out folder.",
            )
        if not _is_packet_manifest(out_dir / manifest.MANIFEST_NAME):
            raise OutputError(
                f"{out_dir}: not an earlier packet (no manifest.json that reportkit wrote), so --force will not "
                "replace its contents.",
                hint="Choose a new or empty --out folder.",
            )


def _is_packet_manifest(path: Path) -> bool:
    """Whether ``path`` is a packet manifest (its schema), not any file that happens to be called so: --force
    removes everything in a packet's folder."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("schema") == manifest.SCHEMA


def same_pages(pdf: Any, expected: int, path: Path) -> Any:
    """``pdf`` with the pages the index read (pdfium), mending a damaged page tree qpdf reads otherwise."""
    from reportkit.packet.pdf import rebuild_page_tree

    count = len(pdf.pages)
    if count == expected:
        return pdf
    rebuilt = rebuild_page_tree(pdf, expected)
    if rebuilt is not None:
        return rebuilt
    raise InputError(
        f"{path}: its page tree is damaged: the index read {expected} page(s) from it, the PDF writer finds "
        f"{count}, so its pages cannot be stamped and copied one for one.",
        hint="Re-save the file (open it and print to PDF) and run again. Nothing was written.",
    )


def write_problem(path: Path, exc: PdfWriteProblem) -> ReportkitError:
    if exc.problem in ("encrypted", "wrong_password"):
        return EncryptedError(
            f"{path}: the PDF is encrypted and no given password opens it.",
            hint="Give its password with --password-file FILE (one password per line).",
            detail=exc.detail,
        )
    return InputError(
        f"{path}: the PDF could not be stamped (damaged).", hint="Ask the sender for a new copy.", detail=exc.detail
    )


def page_count(data: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def check_report(path: Path, case_dir: Path | None) -> None:
    """Refuse a report PDF that is not the current, complete one (see ``draftfiles.report_problems``)."""
    from reportkit.draftfiles import report_problems

    problems = report_problems(path)
    if problems:
        where = f" {case_dir}" if case_dir is not None else " CASE_DIR"
        raise ReportNotCurrentError(
            " ".join(problems) + " Nothing was written.",
            hint=f"Finish the DOCX, then run `reportkit finalize{where}` (it makes the PDF from the DOCX; --force "
            "replaces a PDF you made yourself); or leave the report out with --no-report.",
        )


def report_notes(path: Path, index: RecordIndex) -> list[str]:
    """Warnings about a report that is current but not signed off, or signed off before records came."""
    from reportkit.draftfiles import read_final, report_facts

    if not report_facts(path)["finalized"]:
        return [f"{path.name} was not finalized (`reportkit finalize CASE_DIR` records the signed version); "
                "the manifest says so."]  # fmt: skip
    final = read_final(path.parent) or {}
    reviewed = set(final.get("records_sha256") or [])
    later = [s for s in index.sources if s.sha256 not in reviewed]
    if reviewed and later:
        return [f"{len(later)} record file(s) of this packet are not among those the finalized report reviewed: "
                "draft an addendum (`reportkit draft CASE_DIR --addendum`)."]  # fmt: skip
    return []


def read_report(path: Path, passwords: Sequence[str]) -> bytes:
    """The report PDF's bytes, decrypted if needed (it is copied unstamped)."""
    from reportkit.packet.pdf import open_pdf

    try:
        pdf, password = open_pdf(path, passwords)
    except PdfWriteProblem as exc:
        if exc.problem in ("encrypted", "wrong_password"):
            raise write_problem(path, exc) from None
        raise _unreadable_report(path, exc.detail) from None
    if password is None:
        data = path.read_bytes()
    else:
        out = OutputPdf()
        opened = OpenedPdf(pdf)
        out.add_pages(opened, range(len(opened.pages)))
        data = out.save("Report", TOOL)
    try:
        page_count(data)  # what the manifest records of it: a PDF that cannot give it is no report to copy
    except Exception as exc:  # pypdf's errors on a damaged file are of many kinds
        raise _unreadable_report(path, f"{type(exc).__name__}: {exc}") from None
    return data


def _unreadable_report(path: Path, detail: str) -> InputError:
    return InputError(
        f"{path}: the report PDF cannot be read (empty, not a PDF, or damaged). Nothing was written.",
        hint="Make it again (`reportkit finalize CASE_DIR`, or save it from Word as PDF), or leave the report out "
        "with --no-report.",
        detail=detail,
    )

"""Building a packet: index → plan → ledger check → placement → stamps → files → manifest, all or nothing.

The only module that knows the order of the packet stages. Everything is rendered in memory, written to a
temporary folder beside PACKET_DIR and renamed into place; the Bates ledger is updated only after that.
Inputs are opened read-only and never saved back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportkit.errors import (
    InputError,
    UsageError,
)
from reportkit.ingest.bundle import Progress
from reportkit.models import RecordIndex
from reportkit.packet import bates as bates_mod
from reportkit.packet import batesmap, exhibit_list, folder, ledger, manifest, names
from reportkit.packet import case as case_mod
from reportkit.packet.checks import (
    check_out_dir,
    check_patients,
    check_report,
    packet_index,
    page_count,
    read_report,
    report_notes,
    write_problem,
)
from reportkit.packet.exhibits import (
    Plan,
    plan,
)
from reportkit.packet.options import (  # PacketOptions, PacketResult and parse_size are part of this module's API
    TOOL,
    IndexRecords,
    PacketOptions,
    PacketResult,
    check_options,
    packet_settings,
    parse_size,
)
from reportkit.packet.pdf import (
    OutputPdf,
    PdfWriteProblem,
)
from reportkit.packet.stamping import Builder

__all__ = ["IndexRecords", "PacketOptions", "PacketResult", "make_packet", "parse_size", "stamp_pdf"]


def _fingerprint(index: RecordIndex, settings: dict[str, Any]) -> str:
    """The production's identity for the ledger: inputs and settings, without the start number."""
    data = {"inputs": [s.sha256 for s in index.sources], **{k: v for k, v in settings.items() if k != "start"}}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _render_outputs(
    options: PacketOptions,
    index: RecordIndex,
    the_plan: Plan,
    builder: Builder,
    report_path: Path | None,
    settings: dict[str, Any],
    first: Any,
    last: Any,
    case_header: dict[str, str] | None = None,
) -> dict[str, bytes]:
    """Every file of the packet, as bytes (manifest.json last)."""
    outputs: dict[str, bytes] = {}
    covers = (
        {i: exhibit_list.cover_sheet(e) for i, e in enumerate(the_plan.exhibits)} if options.sticker == "cover" else {}
    )
    list_title = f"Exhibit list: {first}-{last}"
    list_pdf = exhibit_list.to_pdf(the_plan.exhibits, list_title)
    outputs["exhibit-list.pdf"] = list_pdf
    outputs["exhibit-list.docx"] = exhibit_list.to_docx(the_plan.exhibits, list_title)
    report = read_report(report_path, options.passwords) if report_path else None
    per_exhibit = builder.exhibit_files(covers) if options.files != "combined" or options.max_size else {}
    estimates = {i: len(per_exhibit.get(f"exhibits/{e.first}.pdf", b"")) for i, e in enumerate(the_plan.exhibits)}
    if options.files in ("both", "combined"):
        outputs.update(builder.combined(report, list_pdf, covers, estimates))
    if options.files in ("both", "exhibits"):
        outputs.update(per_exhibit)
        if report is not None:
            outputs["report.pdf"] = report
    exhibit_files = (
        {i: f"exhibits/{e.first}.pdf" for i, e in enumerate(the_plan.exhibits)} if options.files != "combined" else {}
    )
    outputs["bates_map.json"] = batesmap.bates_map(index, the_plan, settings, exhibit_files, TOOL)
    if options.chronology:
        from reportkit.index import export

        lookup = {p.page: str(p.bates) for p in the_plan.pages}
        named = names.renamed(index, names.labels(index, the_plan, options.file_names))
        for name, data in export.render_cited(named, lookup, case_header).items():
            outputs[f"chronology/{name}"] = data
    inputs_record = [{"sha256": s.sha256, "pages": s.page_count, "role": "records"} for s in index.sources]
    if report is not None and report_path is not None:
        from reportkit.draftfiles import report_facts

        inputs_record.append(
            {"sha256": manifest.sha256_file(report_path), "pages": page_count(report), "role": "report",
             **report_facts(report_path)}
        )  # fmt: skip
    outputs[manifest.MANIFEST_NAME] = manifest.render(TOOL, settings, inputs_record, outputs)
    return outputs


def make_packet(
    inputs: Sequence[Path],
    out_dir: Path,
    options: PacketOptions | None = None,
    progress: Progress | None = None,
    *,
    index_records: IndexRecords,
) -> PacketResult:
    """Build a packet from record PDFs/folders or a case folder. See docs/packets.md for what is written.
    ``progress(stage, done, total)`` is called while the records are read (as for ``index``);
    ``index_records`` indexes them when no index is given (``reportkit.api.make_packet`` passes its own)."""
    options = options or PacketOptions()
    clock = time.perf_counter()
    check_options(options)
    resolved = case_mod.resolve(inputs)
    if options.prefix is not None and not options.prefix.strip():
        raise UsageError("--prefix is empty.", hint="Give a Bates prefix such as --prefix SMITH, or leave it out.")
    prefix = options.prefix or (case_mod.prefix_from_surname(resolved.surname) if resolved.surname else None)
    if not prefix:
        where = f" ({case_mod.why_no_surname(resolved.case_dir)})" if resolved.case_dir is not None else ""
        raise UsageError(
            f"No Bates prefix given{where}.",
            hint="Give one with --prefix, e.g. --prefix SMITH (usually the examinee's surname in capitals), or "
            "write the examinee's surname: in case.yaml in Latin letters.",
        )
    bates_mod.check_prefix(prefix)
    check_out_dir(out_dir, resolved.records, options.force)
    report_path = options.report or (resolved.report if options.include_report else None)
    if report_path is not None and not report_path.is_file():
        raise InputError(f"{report_path}: report not found.", hint="Check the --report path.")
    if report_path is not None:
        check_report(report_path, resolved.case_dir)

    notes: list[str] = []
    index = packet_index(resolved.records, options, index_records, progress, resolved.index, notes)
    if report_path is not None:
        notes += report_notes(report_path, index)
    check_patients(index)
    settings = packet_settings(options, prefix, 0)
    production = _fingerprint(index, settings)
    input_shas = tuple(s.sha256 for s in index.sources)  # what the ledger records the production's files by
    with contextlib.ExitStack() as held:
        ledger_path = None
        entries: list[ledger.Issued] = []
        if options.use_ledger:
            ledger_path = options.ledger_file or (resolved.case_dir / ledger.LEDGER_NAME if resolved.case_dir else None)
            if ledger_path is not None:
                held.enter_context(ledger.locked(ledger_path))  # one production at a time per ledger
                entries, recovered = ledger.recover(ledger_path)
                notes.extend(recovered)
                notes.extend(ledger.unfinished(entries, production))
        start = options.start if options.start is not None else ledger.next_start(entries, prefix, production)
        bates_mod.check_numbering(start, index.page_count, options.digits)
        if ledger_path is not None:
            ledger.check(entries, prefix, start, start + index.page_count - 1, production, ledger_path)
            notes.extend(ledger.produced_before(entries, input_shas, start))
        settings["start"] = start

        the_plan = plan(
            index,
            prefix=prefix,
            start=start,
            digits=options.digits,
            by=options.group_by,
            label_format=options.label_format,
            numbering=options.numbering,
            first_exhibit=options.first_exhibit,
        )
        first, last = the_plan.pages[0].bates, the_plan.pages[-1].bates
        title = options.title or f"Production {first}-{last}"
        builder = Builder(options, index, the_plan, title)
        builder.warnings.extend(notes)
        if report_path is None and resolved.case_dir is not None and options.include_report:
            drafts = resolved.case_dir / case_mod.DRAFTS
            if drafts.is_dir() and any(p.suffix.lower() in (".docx", ".pdf") for p in drafts.iterdir()):
                builder.warnings.append(
                    f"{drafts} holds no PDF report or letter that could go first (a DOCX must be saved as PDF, and "
                    "with several PDFs one must be named report or letter): the packet has no report. "
                    "Give one with --report FILE."
                )
        if ledger_path is None and options.use_ledger:
            builder.warnings.append(
                "No Bates ledger: numbers were not checked against earlier productions. Give --ledger FILE "
                "(or a case folder) to keep one."
            )
        builder.open_sources()
        builder.stamp()

        try:
            header = case_mod.read_header(resolved.case_dir)
            outputs = _render_outputs(options, index, the_plan, builder, report_path, settings, first, last, header)
        except PdfWriteProblem as exc:
            raise InputError(
                "A record could not be copied into the packet (a damaged or unusual PDF).",
                hint="Run again with --debug for the details; re-saving the record (print to PDF) usually helps.",
                detail=exc.detail,
            ) from None
        issued = ledger.Issued(
            prefix,
            start,
            start + index.page_count - 1,
            options.digits,
            production,
            input_shas,
            ledger.now(),
        )
        if ledger_path is not None:  # reserve, publish, confirm: a crash in between never frees the numbers
            entries = ledger.reserve(ledger_path, entries, issued)
        left = folder.write_folder(out_dir, outputs, options.force)
        if left is not None:
            builder.warnings.append(
                f"{left}: the earlier packet, replaced, could not be removed (it holds stamped records); remove it "
                "by hand (the next packet run here also tries)."
            )
        if ledger_path is not None:
            ledger.record(ledger_path, entries, issued)
        return PacketResult(
            out_dir=out_dir,
            written=sorted(outputs),
            plan=the_plan,
            index=index,
            report=report_path,
            ledger=ledger_path,
            manifest_sha256=manifest.sha256_bytes(outputs[manifest.MANIFEST_NAME]),
            seconds=time.perf_counter() - clock,
            warnings=builder.warnings,
        )


def stamp_pdf(
    src: Path,
    out: Path,
    *,
    prefix: str,
    start: int = 1,
    digits: int = 7,
    position: str = "lower-right",
    font_size: float = 10.0,
    margin: float = 18.0,
    passwords: Sequence[str] = (),
) -> tuple[list[str], list[str]]:
    """Stamp every page of one PDF with consecutive Bates numbers and write it to ``out`` (no index, no
    exhibits, no ledger). Returns the numbers page by page, and those whose stamp could not avoid text.
    Used by the benchmark and the property tests."""
    from reportkit.models import Document, Page, RecordIndex, Source
    from reportkit.packet.pdf import open_pdf

    bates_mod.check_prefix(prefix)
    try:
        pdf, _ = open_pdf(src, passwords)
    except PdfWriteProblem as exc:
        raise write_problem(src, exc) from None
    n = len(pdf.pages)
    pdf.close()
    index = RecordIndex(
        sources=[Source(str(src), manifest.sha256_file(src), n, 1, n)],
        page_count=n,
        pages=[Page(i + 1, 0, i + 1, "embedded", 0) for i in range(n)],
        documents=[Document("D0001", 1, n, "other", None, None, None, None, None)],
    )
    bates_mod.check_numbering(start, n, digits)
    the_plan = plan(index, prefix=prefix, start=start, digits=digits)
    options = PacketOptions(
        prefix=prefix,
        start=start,
        digits=digits,
        position=position,
        font_size=font_size,
        margin=margin,
        sticker="none",
        passwords=tuple(passwords),
    )
    check_options(options)
    builder = Builder(options, index, the_plan, "Bates-stamped")
    builder.open_sources()
    builder.stamp()
    output = OutputPdf()
    output.add_pages(builder.sources[0], range(n))
    data = output.save(f"{the_plan.pages[0].bates}-{the_plan.pages[-1].bates}", TOOL)
    folder.write_file(out, data)
    return [str(p.bates) for p in the_plan.pages], builder.crowded

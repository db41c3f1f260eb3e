"""Building a packet: index → plan → ledger check → placement → stamps → files → manifest, all or nothing.

The only module that knows the order of the packet stages. Everything is rendered in memory, written to a
temporary folder beside PACKET_DIR and renamed into place; the Bates ledger is updated only after that.
Inputs are opened read-only and never saved back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

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
from reportkit.packet import bates as bates_mod
from reportkit.packet import batesmap, exhibit_list, folder, geometry, ledger, manifest, names
from reportkit.packet import case as case_mod
from reportkit.packet.exhibits import (
    Grouping,
    Numbering,
    Plan,
    PlannedPage,
    check_label_format,
    plan,
)
from reportkit.packet.pdf import (
    Bookmark,
    OpenedPdf,
    OutputPdf,
    PdfWriteProblem,
    Stamper,
    StampItem,
    TextBoxes,
    text_width,
)
from reportkit.version import __version__

TOOL = f"reportkit {__version__}"
Sticker = Literal["stamp", "cover", "none"]
Files = Literal["both", "combined", "exhibits"]
STICKER_FONT = 11.0
IN_PROCESS_PAGES = 64
"""Up to this many pages, text boxes are read in this process rather than in worker processes."""
STICKER_ORDER = ("upper-right", "upper-left", "upper-center", "lower-left", "lower-center", "lower-right")
"""Where an exhibit sticker may go: the top of the page first (the Bates number holds the bottom)."""


@dataclass(frozen=True)
class PacketOptions:
    """Settings of one ``packet`` run. Everything but ``force``, ``passwords`` and the index options is
    recorded in manifest.json."""

    prefix: str | None = None
    """Bates prefix; None: the examinee's surname from case.yaml, in capitals."""
    start: int | None = None
    """First Bates number; None: the next free number in the ledger (1 for a new case)."""
    digits: int = 7
    position: str = "lower-right"
    """Where the Bates number goes (one of geometry.POSITIONS); other corners are tried when text is there."""
    font_size: float = 10.0
    margin: float = 18.0
    """Distance of the stamp from the visible page edge, in points."""
    group_by: Grouping = "source"
    label_format: str = "Exhibit {n}"
    numbering: Numbering = "number"
    first_exhibit: int = 1
    sticker: Sticker = "stamp"
    """``stamp``: the exhibit label on each exhibit's first page; ``cover``: a cover sheet before it."""
    files: Files = "both"
    """The combined packet, one file per exhibit, or both."""
    max_size: int | None = None
    """Split the combined packet at exhibit boundaries to keep each file under this many bytes."""
    report: Path | None = None
    """A report or letter PDF to put first (unstamped); None: the case's drafts/ report, if any."""
    include_report: bool = True
    chronology: bool = False
    """Also write a Bates-cited chronology (chronology/index.md, .csv, .docx)."""
    file_names: bool = False
    """Name the input files (file name only) in the chronology; else by exhibit and Bates range."""
    index_file: Path | None = None
    """Use this index.json (e.g. one corrected by hand) instead of indexing the inputs again."""
    ledger_file: Path | None = None
    """Bates ledger; None: bates-ledger.json in the case folder, if there is one."""
    use_ledger: bool = True
    title: str | None = None
    passwords: tuple[str, ...] = ()
    force: bool = False
    jobs: int | None = None
    use_cache: bool = True
    cache_dir: Path | None = None


@dataclass(frozen=True)
class PacketResult:
    out_dir: Path
    written: list[str]
    """Paths of the files written, relative to ``out_dir``."""
    plan: Plan
    index: RecordIndex
    report: Path | None
    """The report or letter put first, if any."""
    ledger: Path | None
    manifest_sha256: str
    seconds: float
    warnings: list[str] = field(default_factory=list)


def _settings(options: PacketOptions, prefix: str, start: int) -> dict[str, Any]:
    return {
        "prefix": prefix,
        "start": start,
        "digits": options.digits,
        "position": options.position,
        "font_size": options.font_size,
        "margin": options.margin,
        "group_by": options.group_by,
        "exhibit_label": options.label_format,
        "numbering": options.numbering,
        "first_exhibit": options.first_exhibit,
        "sticker": options.sticker,
        "files": options.files,
        "max_size": options.max_size,
        "chronology": options.chronology,
        "report_first": options.include_report,
        # recorded only when given, so earlier productions keep their ledger fingerprint
        **({"file_names": True} if options.file_names else {}),
    }


def _check_options(options: PacketOptions) -> None:
    if options.position not in geometry.POSITIONS:
        raise UsageError(f"--position must be one of {', '.join(geometry.POSITIONS)}.")
    if not 4 <= options.font_size <= 36:
        raise UsageError("--font-size must be 4 to 36 points.")
    if options.max_size is not None and options.max_size < 10_000:
        raise UsageError("--max-size must be at least 10KB.", hint="Courts' limits are usually 10MB to 75MB.")
    check_label_format(options.label_format)


def parse_size(text: str) -> int:
    """``25MB``, ``500KB``, ``1.5GB`` or bytes → bytes (MB = 1,000,000 bytes, as courts state limits)."""
    value = text.strip().upper().replace(" ", "")
    units = {"GB": 10**9, "MB": 10**6, "KB": 10**3, "B": 1}
    unit = next((u for u in units if value.endswith(u)), "")
    number, factor = (value[: -len(unit)], units[unit]) if unit else (value, 1)
    try:
        size = float(number)
    except ValueError:
        raise UsageError(f"--max-size {text!r} is not a size.", hint="Write it like 25MB or 500KB.") from None
    return int(size * factor)


def _fingerprint(index: RecordIndex, settings: dict[str, Any]) -> str:
    """The production's identity for the ledger: inputs and settings, without the start number."""
    data = {"inputs": [s.sha256 for s in index.sources], **{k: v for k, v in settings.items() if k != "start"}}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


IndexRecords = Callable[[Sequence[Path], "PacketOptions", "Progress | None"], tuple[RecordIndex, list[str]]]
"""Indexes the records for a packet: (the index, parser messages for --debug). The library API passes its
own (``reportkit.api``), so that this module needs nothing above it."""


def _index(
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
    # the index names its files the same however they were typed; the packet reads them where they are
    return names.renamed(index, [p.as_posix() for p in expand_inputs(records)])


def _check_patients(index: RecordIndex) -> None:
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


def _check_out_dir(out_dir: Path, records: Sequence[Path], force: bool) -> None:
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
        if not (out_dir / manifest.MANIFEST_NAME).is_file():
            raise OutputError(
                f"{out_dir}: not an earlier packet (no manifest.json), so --force will not replace its contents.",
                hint="Choose a new or empty --out folder.",
            )


def _doc_title(doc: Any, first: str, last: str) -> str:
    """A document's bookmark: ``2024-02-06 imaging, Arjun Mehta, MD (SMITH0000012)``."""
    from reportkit import cite

    who = doc.provider or doc.facility
    text = f"{doc.date or 'undated'} {doc.doc_type.replace('_', ' ')}" + (f", {who}" if who else "")
    return f"{text} ({cite.bates(first, last)})"


class _Builder:
    def __init__(self, options: PacketOptions, index: RecordIndex, the_plan: Plan, title: str) -> None:
        self.options = options
        self.index = index
        self.plan = the_plan
        self.title = title
        self.warnings: list[str] = []
        self.sources: list[OpenedPdf] = []
        self.passwords: list[str | None] = []
        self._by_exhibit: dict[int, list[PlannedPage]] = {}
        self.crowded: list[str] = []
        """Bates numbers whose stamp could not avoid text (every position had text)."""

    def open_sources(self) -> None:
        from reportkit.packet.pdf import has_stamps, open_pdf

        for source in self.index.sources:
            path = Path(source.path)
            try:
                pdf, password = open_pdf(path, self.options.passwords)
            except PdfWriteProblem as exc:
                raise _problem(path, exc) from None
            if has_stamps(pdf):
                raise InputError(
                    f"{path}: this file already carries reportkit Bates stamps; stamping it again would give its "
                    "pages two numbers.",
                    hint="Produce the original (unstamped) records, or cite the numbers already on this file.",
                )
            self.sources.append(OpenedPdf(_same_pages(pdf, source.page_count, path)))
            self.passwords.append(password)

    def stamp(self) -> None:
        from reportkit.packet.pdf import page_boxes

        opts = self.options
        first_pages = {e.first.number for e in self.plan.exhibits}
        exhibit_of = {p.bates.number: p.exhibit for p in self.plan.pages}
        stampers = [Stamper(source) for source in self.sources]
        boxes_by_source = self._text_boxes()
        crowded: list[str] = []
        for planned in self.plan.pages:
            page = self.sources[planned.source].pages[planned.source_page - 1]
            media, crop, rotate = page_boxes(page)
            box = geometry.visible_box(media, crop)
            rotation = geometry.normalise_rotation(rotate)
            text = [
                geometry.user_to_display(geometry.Rect(*r), box, rotation)
                for r in boxes_by_source[planned.source][planned.source_page - 1]
            ]
            label = str(planned.bates)
            size = (text_width(label, opts.font_size) + 4, opts.font_size * 1.4)
            spot = geometry.place(
                box, rotation, size, text, position=opts.position, margin=opts.margin, font_size=opts.font_size
            )
            if not spot.clear:
                crowded.append(label)
            items = [StampItem(label, spot.area, spot.font_size)]
            if opts.sticker == "stamp" and planned.bates.number in first_pages:
                exhibit = self.plan.exhibits[exhibit_of[planned.bates.number]]
                sticker_text = exhibit.label
                s_size = (text_width(sticker_text, STICKER_FONT, bold=True) + 12, STICKER_FONT * 2)
                where = "upper-right" if opts.position != "upper-right" else "upper-left"
                sticker = geometry.place(
                    box,
                    rotation,
                    s_size,
                    [*text, spot.area],
                    position=where,
                    margin=opts.margin,
                    font_size=STICKER_FONT,
                    order=STICKER_ORDER,
                )
                items.append(StampItem(sticker_text, sticker.area, sticker.font_size, bold=True, frame=True))
                if not sticker.clear:
                    crowded.append(f"{label} (exhibit label)")
            try:
                stampers[planned.source].stamp(
                    planned.source_page - 1, geometry.display_to_user(box, rotation), items, label
                )
            except PdfWriteProblem as exc:
                raise _problem(Path(self.index.sources[planned.source].path), exc) from None
        self.crowded = crowded
        if crowded:
            shown = ", ".join(crowded[:5]) + (f" and {len(crowded) - 5} more" if len(crowded) > 5 else "")
            self.warnings.append(
                f"{len(crowded)} stamp(s) could not avoid text (text in every corner): {shown}. Check those pages."
            )

    def _band(self) -> float:
        """How far from the page edge a stamp or sticker can reach (text further in is never in the way)."""
        return self.options.margin + max(self.options.font_size * 1.4, STICKER_FONT * 2) + 4

    def _text_boxes(self) -> dict[int, TextBoxes]:
        """Text rectangles of every page, read by pdfium in worker processes (both cores, with limits)."""
        from reportkit.workers import Limits, Task, WorkerPool

        out: dict[int, TextBoxes] = {i: [[] for _ in range(s.page_count)] for i, s in enumerate(self.index.sources)}
        if sum(s.page_count for s in self.index.sources) <= IN_PROCESS_PAGES:
            # Few pages: not worth starting processes (the index already read these files under limits).
            from reportkit.packet.pdf import text_boxes

            unread = 0
            for i, source in enumerate(self.index.sources):
                try:
                    out[i] = text_boxes(source.path, self.passwords[i], 0, source.page_count, self._band())
                except PdfWriteProblem:
                    unread += source.page_count
            self._warn_unread(unread)
            return out
        jobs = self.options.jobs or max(1, min(os.cpu_count() or 1, 8))
        tasks = []
        for i, source in enumerate(self.index.sources):
            chunk = max(32, -(-source.page_count // (jobs * 2)))
            for start in range(0, source.page_count, chunk):
                stop = min(start + chunk, source.page_count)
                tasks.append(
                    Task((i, start), "text_boxes", (source.path, self.passwords[i], start, stop, self._band()))
                )
        unread = 0
        with WorkerPool(jobs, Limits()) as pool:
            for outcome in pool.map(tasks):
                i, start = outcome.key
                if outcome.ok:
                    out[i][start : start + len(outcome.value)] = outcome.value
                else:  # a run pdfium cannot read keeps no text boxes: its stamps go to the asked-for position
                    _, _, s_start, s_stop, _ = next(t.args for t in tasks if t.key == outcome.key)
                    unread += s_stop - s_start
        self._warn_unread(unread)
        return out

    def _warn_unread(self, unread: int) -> None:
        if unread:
            self.warnings.append(
                f"The text of {unread} page(s) could not be read to keep stamps off it: their Bates numbers are at "
                "the asked-for position. Check those pages."
            )

    def _pages_of(self, exhibit_position: int) -> list[PlannedPage]:
        if not self._by_exhibit:
            for p in self.plan.pages:
                self._by_exhibit.setdefault(p.exhibit, []).append(p)
        return self._by_exhibit.get(exhibit_position, [])

    def _add_exhibit(self, out: OutputPdf, position: int, covers: dict[int, bytes]) -> Bookmark:
        exhibit = self.plan.exhibits[position]
        start = out.page_count
        if position in covers:
            out.add_generated(covers[position])
        doc_marks = []
        lookup = {p.page: str(p.bates) for p in self._pages_of(position)}
        offset = out.page_count
        for doc in exhibit.documents:
            doc_marks.append(Bookmark(_doc_title(doc, lookup[doc.first_page], lookup[doc.last_page]), offset))
            offset += doc.page_count
        run: list[int] = []
        run_source = -1
        for src, page in [*((p.source, p.source_page - 1) for p in self._pages_of(position)), (-1, -1)]:
            if src != run_source and run:
                out.add_pages(self.sources[run_source], run)  # one call per run of pages from one file
                run = []
            run_source = src
            run.append(page)
        title = f"{exhibit.label}: {exhibit.description} ({exhibit.bates_range})"
        return Bookmark(title, start, tuple(doc_marks))

    def exhibit_files(self, covers: dict[int, bytes]) -> dict[str, bytes]:
        files = {}
        for position, exhibit in enumerate(self.plan.exhibits):
            out = OutputPdf()
            out.bookmarks.append(self._add_exhibit(out, position, covers))
            data = out.save(f"{exhibit.label} ({exhibit.bates_range})", TOOL)
            name = f"exhibits/{exhibit.first}.pdf"
            files[name] = data
            if self.options.max_size and len(data) > self.options.max_size:
                self.warnings.append(
                    f"{name} is {len(data) / 1e6:.1f} MB, over --max-size: an exhibit is never split. "
                    "Group by document (--group-by document) for smaller exhibits."
                )
        return files

    def combined(
        self, report: bytes | None, list_pdf: bytes, covers: dict[int, bytes], estimates: dict[int, int]
    ) -> dict[str, bytes]:
        limit = self.options.max_size
        positions = list(range(len(self.plan.exhibits)))
        parts: list[list[int]] = []
        if limit is None:
            parts = [positions]
        else:
            head = (len(report) if report else 0) + len(list_pdf)
            current: list[int] = []
            used = head
            for pos in positions:
                size = estimates.get(pos, 0)
                if current and used + size > limit:
                    parts.append(current)
                    current, used = [], 0
                current.append(pos)
                used += size
            parts.append(current)
        files: list[bytes] = []
        i = 0
        while i < len(parts):
            data = self._part(parts[i], report if i == 0 else None, list_pdf if i == 0 else None, covers, i, len(parts))
            if limit is not None and len(data) > limit and len(parts[i]) > 1:
                # The estimate was short: move the last exhibit to the next part and try again.
                moved = parts[i].pop()
                if i + 1 < len(parts):
                    parts[i + 1].insert(0, moved)
                else:
                    parts.append([moved])
                continue
            if limit is not None and len(data) > limit:
                self.warnings.append(
                    f"part {i + 1} of the packet is {len(data) / 1e6:.1f} MB, over --max-size: it holds one exhibit "
                    "(exhibits are never split). Group by document (--group-by document) for smaller exhibits."
                )
            files.append(data)
            i += 1
        total = len(files)
        return {
            ("packet.pdf" if total == 1 else f"packet-{i + 1:02d}-of-{total:02d}.pdf"): data
            for i, data in enumerate(files)
        }

    def _part(
        self,
        positions: list[int],
        report: bytes | None,
        list_pdf: bytes | None,
        covers: dict[int, bytes],
        part: int,
        total: int,
    ) -> bytes:
        out = OutputPdf()
        if report is not None:
            out.bookmarks.append(Bookmark("Report", out.page_count))
            out.add_generated(report)
        if list_pdf is not None:
            out.bookmarks.append(Bookmark("Exhibit list", out.page_count))
            out.add_generated(list_pdf)
        for pos in positions:
            out.bookmarks.append(self._add_exhibit(out, pos, covers))
        suffix = f", part {part + 1} of {total}" if total > 1 else ""
        return out.save(f"{self.title}{suffix}", TOOL)


def _same_pages(pdf: Any, expected: int, path: Path) -> Any:
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


def _problem(path: Path, exc: PdfWriteProblem) -> ReportkitError:
    if exc.problem in ("encrypted", "wrong_password"):
        return EncryptedError(
            f"{path}: the PDF is encrypted and no given password opens it.",
            hint="Give its password with --password-file FILE (one password per line).",
            detail=exc.detail,
        )
    return InputError(
        f"{path}: the PDF could not be stamped (damaged).", hint="Ask the sender for a new copy.", detail=exc.detail
    )


def _page_count(data: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def _check_report(path: Path, case_dir: Path | None) -> None:
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


def _report_notes(path: Path, index: RecordIndex) -> list[str]:
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


def _read_report(path: Path, passwords: Sequence[str]) -> bytes:
    """The report PDF's bytes, decrypted if needed (it is copied unstamped)."""
    from reportkit.packet.pdf import open_pdf

    try:
        pdf, password = open_pdf(path, passwords)
    except PdfWriteProblem as exc:
        raise _problem(path, exc) from None
    if password is None:
        return path.read_bytes()
    out = OutputPdf()
    opened = OpenedPdf(pdf)
    out.add_pages(opened, range(len(opened.pages)))
    return out.save("Report", TOOL)


def _render_outputs(
    options: PacketOptions,
    index: RecordIndex,
    the_plan: Plan,
    builder: _Builder,
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
    report = _read_report(report_path, options.passwords) if report_path else None
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
            {"sha256": manifest.sha256_file(report_path), "pages": _page_count(report), "role": "report",
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
    """Build a packet from record PDFs/folders or a case folder. See the README for what is written.
    ``progress(stage, done, total)`` is called while the records are read (as for ``index``);
    ``index_records`` indexes them when no index is given (``reportkit.api.make_packet`` passes its own)."""
    options = options or PacketOptions()
    clock = time.perf_counter()
    _check_options(options)
    resolved = case_mod.resolve(inputs)
    if options.prefix is not None and not options.prefix.strip():
        raise UsageError("--prefix is empty.", hint="Give a Bates prefix such as --prefix SMITH, or leave it out.")
    prefix = options.prefix or (case_mod.prefix_from_surname(resolved.surname) if resolved.surname else None)
    if not prefix:
        where = f" ({case_mod.why_no_surname(resolved.case_dir)})" if resolved.case_dir is not None else ""
        raise UsageError(
            f"No Bates prefix given{where}.",
            hint="Give one with --prefix, e.g. --prefix SMITH (usually the examinee's surname in capitals).",
        )
    bates_mod.check_prefix(prefix)
    _check_out_dir(out_dir, resolved.records, options.force)
    report_path = options.report or (resolved.report if options.include_report else None)
    if report_path is not None and not report_path.is_file():
        raise InputError(f"{report_path}: report not found.", hint="Check the --report path.")
    if report_path is not None:
        _check_report(report_path, resolved.case_dir)

    notes: list[str] = []
    index = _index(resolved.records, options, index_records, progress, resolved.index, notes)
    if report_path is not None:
        notes += _report_notes(report_path, index)
    _check_patients(index)
    settings = _settings(options, prefix, 0)
    production = _fingerprint(index, settings)
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
        builder = _Builder(options, index, the_plan, title)
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
            tuple(s.sha256 for s in index.sources),
            ledger.now(),
        )
        if ledger_path is not None:  # reserve, publish, confirm: a crash in between never frees the numbers
            entries = ledger.reserve(ledger_path, entries, issued)
        folder.write_folder(out_dir, outputs, options.force)
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
        raise _problem(src, exc) from None
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
    _check_options(options)
    builder = _Builder(options, index, the_plan, "Bates-stamped")
    builder.open_sources()
    builder.stamp()
    output = OutputPdf()
    output.add_pages(builder.sources[0], range(n))
    data = output.save(f"{the_plan.pages[0].bates}-{the_plan.pages[-1].bates}", TOOL)
    folder.write_file(out, data)
    return [str(p.bates) for p in the_plan.pages], builder.crowded

"""The ``reportkit`` command: arguments in, one library call, messages and exit codes out.

Exit codes (also in the README): 0 done; 1 internal error (a bug; --debug shows the traceback); 2 usage error;
3 no input could be indexed, or an invalid case.yaml, overrides file or template; 4 encrypted input without a
working password; 5 outputs exist (use --force) or cannot be written; 6 outputs written but some input files
were skipped; 7 `check` or `verify` found problems; 8 a needed program (LibreOffice) is missing; 130 interrupted.
"""

import dataclasses
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from reportkit import api, cite
from reportkit.errors import ExitCode, InputError, ReportkitError, Terminated, UsageError, stop_on_sigterm
from reportkit.models import RecordIndex
from reportkit.understand.duplicates import DEFAULT_THRESHOLD
from reportkit.version import __version__

app = typer.Typer(
    name="reportkit",
    help="Turn medical record PDF bundles into page-cited record indexes and Bates-stamped packets. Runs offline; "
    "nothing leaves this machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _say(message: str) -> None:
    """A message on stderr, as plain text."""
    typer.echo(message, err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reportkit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """reportkit: record indexes for medical assessments (IMEs and second opinions)."""


def _stopped_by(exc: KeyboardInterrupt) -> str:
    return "stopped (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"


def _stop_code(exc: KeyboardInterrupt) -> ExitCode:
    return ExitCode.TERMINATED if isinstance(exc, Terminated) else ExitCode.INTERRUPTED


@contextmanager
def _reporting(debug: bool) -> Iterator[None]:
    """Turn library errors into a message and an exit code; tracebacks only with --debug."""
    try:
        yield
    except ReportkitError as exc:
        _say(f"error: {exc.message}")
        if exc.hint:
            _say(exc.hint)
        if debug and exc.detail:
            _say(f"debug: {exc.detail}")
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt as exc:
        _say(f"{_stopped_by(exc)}: no outputs were written.")
        raise typer.Exit(int(_stop_code(exc))) from None
    except typer.Exit:
        raise
    except Exception:
        if debug:
            traceback.print_exc()
        else:
            _say(
                "error: reportkit hit an internal error (a bug). Run again with --debug to see the "
                "traceback; please report it without attaching patient records."
            )
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


class _Bar:
    """A progress bar on stderr, only on a terminal and without --quiet.

    Redrawn when the work reports progress (at most ten times a second), not by a thread of its own: with no
    other thread running, the reading workers can be forked from this process instead of starting anew."""

    def __init__(self, enabled: bool) -> None:
        self.progress: Any = None
        self.tasks: dict[str, object] = {}
        self.started: dict[str, float] = {}
        self.drawn = 0.0
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
                auto_refresh=False,
            )

    def __enter__(self) -> "_Bar":
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress:
            self.progress.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.progress:
            return
        now = time.monotonic()
        if stage not in self.tasks:
            label = {"files": "Opening files", "ocr": "OCR of pages"}.get(stage, "Reading pages")
            self.tasks[stage] = self.progress.add_task(label, total=total, rate="")
            self.started[stage] = now
        redraw = done >= total or now - self.drawn >= 0.1
        spent = now - self.started[stage]
        rate = f"{done / spent:.2f} pages/s" if stage == "ocr" and done and spent > 0 else ""  # OCR is the long wait
        self.progress.update(self.tasks[stage], completed=done, total=total, refresh=redraw, rate=rate)
        if redraw:
            self.drawn = now


class OcrMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


@app.command()
def index(
    inputs: Annotated[
        list[Path], typer.Argument(help="PDF files and/or folders (a folder: every *.pdf below it, by path).")
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for index.json, .csv, .md, .docx, .html, search.sqlite and run.json."),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace outputs that already exist.")] = False,
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="Text file of passwords to try, one per line.")
    ] = None,
    gap_days: Annotated[int, typer.Option("--gap-days", min=1, help="List treatment gaps longer than this.")] = 30,
    overrides: Annotated[
        Path | None, typer.Option("--overrides", help="A reviewer's corrections (YAML): types, dates, splits...")
    ] = None,
    duplicate_threshold: Annotated[
        float,
        typer.Option(
            "--duplicate-threshold", min=0.01, max=1.0, help="Similarity (0-1) at which a document is a re-sent copy."
        ),
    ] = DEFAULT_THRESHOLD,
    explain: Annotated[
        list[str] | None,
        typer.Option("--explain", help="Print why document DOC_ID got its type and date (repeatable)."),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Processes reading PDFs [default: CPU count].")
    ] = None,
    file_timeout: Annotated[
        float, typer.Option("--file-timeout", min=1, help="Seconds a file may take to read before it is skipped.")
    ] = 300.0,
    max_memory: Annotated[
        int, typer.Option("--max-memory", min=256, help="MB one reading process may use before its file is skipped.")
    ] = 2048,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Read every file again; don't use the text cache.")
    ] = False,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Text cache folder [default: ~/.cache/reportkit].")
    ] = None,
    bates_map: Annotated[
        Path | None,
        typer.Option(
            "--bates-map",
            help="A packet's bates_map.json: index.md, .csv and .docx cite Bates numbers instead of pages.",
        ),
    ] = None,
    cite: Annotated[
        str | None,
        typer.Option("--cite", help="pages or bates [default: bates with --bates-map, else pages]."),
    ] = None,
    ocr: Annotated[
        OcrMode,
        typer.Option(
            "--ocr",
            case_sensitive=False,
            help="OCR pages with no usable text layer (auto), every page (always), or none (never).",
        ),
    ] = OcrMode.auto,
    ocr_lang: Annotated[str, typer.Option("--ocr-lang", help="Tesseract language(s), e.g. eng or eng+spa.")] = "eng",
    ocr_dpi: Annotated[
        int,
        typer.Option(
            "--ocr-dpi",
            min=100,
            max=600,
            help="Resolution pages are OCR'd at (a page that is one scan: its own, up to this).",
        ),
    ] = 300,
    ocr_timeout: Annotated[
        float, typer.Option("--ocr-timeout", min=1, help="Seconds OCR of one page may take before it is skipped.")
    ] = 120.0,
    ocr_output: Annotated[
        Path | None,
        typer.Option("--ocr-output", help="Also write a searchable copy of the bundle (invisible OCR text) here."),
    ] = None,
    since: Annotated[
        Path | None,
        typer.Option("--since", help="A previous index.json (or its folder): report new, changed and gone documents."),
    ] = None,
    link_base: Annotated[
        str | None,
        typer.Option(
            "--link-base",
            help="index.html links files as LINK_BASE/their name in the index (for a bundle that will move) "
            "[default: relative to --out].",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and parser messages.")] = False,
) -> None:
    """Index record PDFs: split into documents, type and date each, write a page-cited chronology."""
    with _reporting(debug):
        style = _choice("--cite", cite or ("bates" if bates_map else "pages"), ("pages", "bates"))
        if style == "bates" and bates_map is None:
            from reportkit.errors import UsageError

            raise UsageError(
                "--cite bates needs the packet's Bates map.", hint="Add --bates-map PACKET_DIR/bates_map.json."
            )
        options = api.IndexOptions(
            passwords=api.read_password_file(password_file) if password_file else (),
            gap_days=gap_days,
            duplicate_threshold=duplicate_threshold,
            overrides=overrides,
            file_timeout=file_timeout,
            max_memory_mb=max_memory,
            use_cache=not no_cache,
            cache_dir=cache_dir,
            force=force,
            bates_map=bates_map if style == "bates" else None,
            ocr=ocr.value,
            ocr_lang=ocr_lang,
            ocr_dpi=ocr_dpi,
            ocr_timeout=ocr_timeout,
            ocr_output=ocr_output,
            since=since,
            link_base=link_base,
        )
        if jobs:
            options = dataclasses.replace(options, jobs=jobs)
        with _Bar(enabled=not quiet and sys.stderr.isatty()) as bar:
            result = api.index_bundle(inputs, out, options, progress=bar)
        for skipped in result.skipped:
            _say(f"skipped: {skipped.reason}")
        for warning in result.summary.warnings:
            if warning.startswith("overrides line"):
                _say(f"warning: {warning}")
        for doc_id in explain or []:
            _explain(result.index, doc_id)
        for note in result.notes:
            _say(f"note: {note}")
        if result.summary.since is not None and not quiet:
            from reportkit.index.since import summary_line

            _say(f"Since {since}: {summary_line(result.summary.since)}.")
        if debug:
            for line in result.debug:
                _say(f"debug: {line}")
        if not quiet:
            _summary(result, out)
        raise typer.Exit(int(result.exit_code))


def _explain(ix: RecordIndex, doc_id: str) -> None:
    """Print a document's evidence and the reasons for its type and date (on stdout: it is the answer)."""
    try:
        doc = ix.document(doc_id.strip().upper())
    except KeyError:
        ids = sorted(d.id for d in ix.documents)
        raise UsageError(
            f"--explain {doc_id}: no such document (the index was written all the same).",
            hint=f"Ids run from {ids[0]} to {ids[-1]} (see index.md).",
        ) from None
    typer.echo(f"{doc.id}  {cite.pages(doc.first_page, doc.last_page)}  {doc.doc_type}  {doc.date or 'undated'}")
    for topic in ("boundary", "doc_type", "date", "provider"):
        for n, line in enumerate(doc.explain.get(topic, [])):
            typer.echo(f"  {topic + ':' if n == 0 else '':<10} {line}")
    if doc.overridden:
        typer.echo(f"  {'override:':<10} set by the reviewer: {', '.join(doc.overridden)}")
    if doc.duplicate_of:
        typer.echo(f"  {'copy:':<10} duplicate of {doc.duplicate_of} ({doc.duplicate_similarity:.0%} similar)")
    for warning in doc.warnings:
        typer.echo(f"  {'review:':<10} {warning}")


def _summary(result: api.IndexResult, out: Path) -> None:
    ix = result.summary
    dups = ix.duplicates
    _say(
        f"Indexed {ix.page_count} pages from {len(ix.sources)} file(s) into {ix.documents} documents"
        f"{f' and {dups} duplicate(s)' if dups else ''} in {result.seconds:.1f} s"
        f"{' (the whole result from the cache)' if result.from_cache else ''}.",
    )
    if ix.gaps:
        _say(f"Treatment gaps over {ix.settings.get('gap_days')} days: {ix.gaps}.")
    if ix.review_items:
        _say(f"{ix.review_items} item(s) for review: see 'For review' in {out / 'index.md'}.")
    if ix.earliest:
        when, doc_type, first, last = ix.earliest
        _say(f"Earliest: {when} {doc_type.replace('_', ' ')} ({cite.pages(first, last)}).")
    inside = [p for p in result.written if p.parent == out]
    _say(f"Wrote {', '.join(p.name for p in inside)} to {out}/")
    for other in result.written:
        if other not in inside:
            _say(f"Wrote the searchable copy to {other}")


# --- drafting -----------------------------------------------------------------------------------------------

Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks and parser messages.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]


@app.command()
def init(
    case_dir: Annotated[Path, typer.Argument(help="Folder to create (or an empty one).")],
    kind: Annotated[str, typer.Option("--kind", help="ime or second-opinion.")] = "ime",
    debug: Debug = False,
) -> None:
    """Create a case folder: a commented case.yaml for an IME or a second opinion, and records/."""
    from reportkit.draft import init_case

    with _reporting(debug):
        written = init_case(case_dir, kind)
        _say(f"Created {written[0]} and {written[1]}/. Fill in case.yaml, put the record PDFs in records/, then run "
             f"`reportkit draft {case_dir}`.")  # fmt: skip


@app.command()
def schema() -> None:
    """Print the JSON Schema of case.yaml, for editors that check YAML against a schema.

    Save it (reportkit schema > case.schema.json) and point your editor at it, e.g. with a first line
    `# yaml-language-server: $schema=case.schema.json` in case.yaml (VS Code YAML extension). Every field,
    its type and its description is listed; unknown fields are errors.
    """
    from reportkit.draft.case import json_schema

    typer.echo(json_schema(), nl=False)


@app.command()
def draft(
    case_dir: Annotated[Path, typer.Argument(help="Case folder holding case.yaml and records/.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Drafts folder [default: CASE_DIR/drafts].")] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", help="docx, md, html or pdf; repeat for several [default: docx, md, html]."),
    ] = None,
    templates: Annotated[
        Path | None, typer.Option("--templates", help="Folder of your own templates (see `templates export`).")
    ] = None,
    index_file: Annotated[
        Path | None, typer.Option("--index", help="Use this index.json instead of indexing CASE_DIR/records.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace drafts even if you edited them.")] = False,
    bates_map: Annotated[
        Path | None,
        typer.Option("--bates-map", help="A packet's bates_map.json: cite Bates numbers instead of pages."),
    ] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Processes reading PDFs.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Don't use the text cache.")] = False,
    addendum: Annotated[
        bool, typer.Option("--addendum", help="Draft only an addendum listing the records new since the report.")
    ] = False,
    since: Annotated[
        Path | None,
        typer.Option("--since", help="With --addendum: the index.json of the records the report reviewed."),
    ] = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Draft the IME report or second-opinion letter of a case folder, citing the record pages."""
    from reportkit.draft import DraftOptions, draft_case

    with _reporting(debug):
        named = [f.strip().lower() for item in formats or [] for f in item.split(",") if f.strip()]
        chosen = tuple(dict.fromkeys(named)) if named else DraftOptions().formats
        options = DraftOptions(out=out, formats=chosen, templates=templates, force=force, index=index_file,
                               jobs=jobs, use_cache=not no_cache, bates_map=bates_map, addendum=addendum,
                               since=since)  # fmt: skip
        if since is not None and not addendum:
            raise UsageError("--since goes with --addendum.", hint="Add --addendum, or leave out --since.")
        result = draft_case(case_dir, options)
        for warning in result.warnings:
            _say(f"warning: {warning}")
        if not quiet:
            what = {"ime": "IME report", "addendum": "addendum"}.get(result.kind, "second-opinion letter")
            how = {"reused": "existing index", "indexed": "new index", "given": "--index", "empty": "no records"}
            docs = f"{result.documents} {'new ' if addendum else ''}documents"
            _say(f"Drafted the {what} from {docs} ({how[result.index_how]}) "
                 f"in {result.seconds:.1f} s.")  # fmt: skip
            if result.readability is not None:
                _say(f"Readability: Flesch-Kincaid grade {result.readability:.1f} (aim for 8 or below).")
            if result.kept:
                more = ", …" if len(result.kept) > 6 else ""
                _say(f"Kept your Word text in {len(result.kept)} part(s) ({', '.join(result.kept[:6])}{more}); "
                     "reportkit's parts were brought up to date.")  # fmt: skip
            if result.placeholders:
                _say(f"{result.placeholders} placeholder(s) [TO COMPLETE: ...] left for you to write; "
                     f"`reportkit check {case_dir}` lists what is missing.")  # fmt: skip
            folder = result.written[0].parent if result.written else out
            _say(f"Wrote {', '.join(p.name for p in result.written)} to {folder}/")


@app.command()
def questions(
    referral: Annotated[Path, typer.Argument(help="Referral or instruction letter (PDF, or .txt).")],
    debug: Debug = False,
) -> None:
    """Print the numbered questions of a referral letter as YAML to paste into case.yaml (a scanned or faxed
    letter is read by OCR); exit 7 when the result does not check out against the letter."""
    from reportkit.draft.questions import read_questions, to_yaml

    with _reporting(debug):
        reading = read_questions(referral)
        how = " (read by OCR)" if reading.ocr else ""
        if not reading.questions:
            _say(
                f"No numbered questions found in {referral}{how} (1. / 1) / (a) / Q1: styles are recognised; a "
                "numbered list that asks nothing, such as a plan or a medication list, is not taken for questions)."
            )
            raise typer.Exit(int(ExitCode.INPUT))
        typer.echo(to_yaml(reading.questions), nl=False)
        for note in reading.notes:
            _say(f"note: {note}.")
        for problem in reading.problems:
            _say(f"problem: {problem}.")
        if reading.problems:
            _say(f"{len(reading.questions)} question(s) read from {referral}{how}, but they do not check out: "
                 "compare them with the letter, and correct them in case.yaml.")  # fmt: skip
            raise typer.Exit(int(ExitCode.FINDINGS))
        _say(f"{len(reading.questions)} question(s) found in {referral}{how}.")


@app.command()
def check(
    case_dir: Annotated[Path, typer.Argument(help="Case folder holding case.yaml.")],
    final: Annotated[bool, typer.Option("--final", help="Also fail on placeholders left in the draft.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Drafts folder [default: CASE_DIR/drafts].")] = None,
    templates: Annotated[Path | None, typer.Option("--templates", help="Your templates folder, if any.")] = None,
    debug: Debug = False,
) -> None:
    """Lint a case and its draft: unanswered questions, inconsistencies, missing sections, placeholders."""
    from reportkit.draft import DraftOptions
    from reportkit.draft.check import check_case

    with _reporting(debug):
        result = check_case(case_dir, final=final, options=DraftOptions(templates=templates), out=out)
        for finding in result.findings:
            typer.echo(f"FAIL {finding.rule}: {finding.message}" + (f"  [{finding.where}]" if finding.where else ""))
        summary = (f"{len(result.findings)} problem(s) in {case_dir} (profile {result.profile}; "
                   f"draft: {result.draft.source}).")  # fmt: skip
        if not final and result.placeholders:
            summary += f" {result.placeholders} placeholder(s) left (--final fails on them)."
        _say(summary)
        raise typer.Exit(int(ExitCode.FINDINGS if result.findings else ExitCode.OK))


templates_app = typer.Typer(
    help="Export the built-in draft templates, or check your own.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(templates_app, name="templates")


@templates_app.command("export")
def templates_export(
    folder: Annotated[Path, typer.Argument(help="Folder to copy the templates into.")],
    force: Annotated[bool, typer.Option("--force", help="Replace files that exist.")] = False,
    debug: Debug = False,
) -> None:
    """Copy the built-in templates (and a reference.docx for letterhead) to FOLDER, to start your own."""
    from reportkit.draft import export_templates

    with _reporting(debug):
        written = export_templates(folder, force=force)
        _say(f"Wrote {', '.join(p.name for p in written)} to {folder}/. Edit them, check them with "
             f"`reportkit templates check {folder}`, and draft with --templates {folder}.")  # fmt: skip


@templates_app.command("check")
def templates_check(
    folder: Annotated[Path | None, typer.Argument(help="Your templates folder [default: the built-ins].")] = None,
    debug: Debug = False,
) -> None:
    """Render templates against sample contexts: undefined names, unsafe access, syntax, markup."""
    from reportkit.draft.templatecheck import check_templates

    with _reporting(debug):
        reports = check_templates(folder)
        bad = 0
        for report in reports:
            if report.problems:
                bad += 1
                for problem in report.problems:
                    typer.echo(f"FAIL {report.name}: {problem}")
            else:
                typer.echo(f"ok   {report.name} (rendered with {report.checked} sample context(s))")
        raise typer.Exit(int(ExitCode.FINDINGS if bad else ExitCode.OK))


@app.command()
def packet(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="A case folder (holding records/, and optionally case.yaml and drafts/), or record PDFs and folders."
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Packet folder to write (new or empty; an earlier packet with --force).")
    ],
    prefix: Annotated[
        str | None,
        typer.Option("--prefix", help="Bates prefix [default: the examinee's surname from case.yaml, in capitals]."),
    ] = None,
    start: Annotated[
        int | None,
        typer.Option("--start", min=0, help="First Bates number [default: next free number in the ledger, or 1]."),
    ] = None,
    digits: Annotated[int, typer.Option("--digits", min=1, max=12, help="Zero-padded width of the number.")] = 7,
    position: Annotated[
        str,
        typer.Option(
            "--position",
            help="Where the Bates number goes: lower-right, lower-left, lower-center, upper-right, upper-left, "
            "upper-center (another is used when text is there).",
        ),
    ] = "lower-right",
    font_size: Annotated[float, typer.Option("--font-size", help="Bates number font size in points.")] = 10.0,
    group_by: Annotated[
        str, typer.Option("--group-by", help="One exhibit per: source (input file), provider, or document.")
    ] = "source",
    exhibit_label: Annotated[
        str,
        typer.Option(
            "--exhibit-label",
            help='Exhibit label, {n} is the number or letter: "Exhibit {n}", "Plaintiff\'s Exhibit {n}", '
            '"Ex. {n}", "C-{n}".',
        ),
    ] = "Exhibit {n}",
    letters: Annotated[bool, typer.Option("--letters", help="Label exhibits A, B, C… instead of 1, 2, 3….")] = False,
    first_exhibit: Annotated[
        int, typer.Option("--first-exhibit", min=1, help="Number (or letter position) of the first exhibit.")
    ] = 1,
    sticker: Annotated[
        str,
        typer.Option(
            "--sticker", help="Exhibit label: stamp (on the exhibit's first page), cover (a cover sheet), none."
        ),
    ] = "stamp",
    files: Annotated[
        str, typer.Option("--files", help="Write: both (combined packet and one file per exhibit), combined, exhibits.")
    ] = "both",
    max_size: Annotated[
        str | None,
        typer.Option("--max-size", help="Split the combined packet at exhibit boundaries under this size (25MB)."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Report or letter PDF to put first, unstamped [default: the case's drafts/]."),
    ] = None,
    no_report: Annotated[bool, typer.Option("--no-report", help="Leave out the case's drafted report.")] = False,
    chronology: Annotated[
        bool, typer.Option("--chronology", help="Also write a Bates-cited chronology to chronology/ in the packet.")
    ] = False,
    file_names: Annotated[
        bool,
        typer.Option("--file-names", help="Name record files (not folders) in the chronology [default: by exhibit]."),
    ] = False,
    index_file: Annotated[
        Path | None,
        typer.Option("--index", help="Use this index.json (e.g. corrected by hand) instead of indexing again."),
    ] = None,
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="Bates ledger file [default: bates-ledger.json in the case folder]."),
    ] = None,
    no_ledger: Annotated[
        bool, typer.Option("--no-ledger", help="Neither check nor record issued numbers (not recommended).")
    ] = False,
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="Text file of passwords to try, one per line.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the contents of an existing packet folder.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Don't use the text cache.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and warnings.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and parser messages.")] = False,
) -> None:
    """Build a dispute-ready packet: Bates-stamped exhibits, exhibit list, bookmarks, bates_map.json, manifest."""
    from reportkit.packet.build import PacketOptions, parse_size

    with _reporting(debug):
        options = PacketOptions(
            prefix=prefix,
            start=start,
            digits=digits,
            position=position,
            font_size=font_size,
            group_by=_choice("--group-by", group_by, ("source", "provider", "document")),  # type: ignore[arg-type]
            label_format=exhibit_label,
            numbering="letter" if letters else "number",
            first_exhibit=first_exhibit,
            sticker=_choice("--sticker", sticker, ("stamp", "cover", "none")),  # type: ignore[arg-type]
            files=_choice("--files", files, ("both", "combined", "exhibits")),  # type: ignore[arg-type]
            max_size=parse_size(max_size) if max_size else None,
            report=report,
            include_report=not no_report,
            chronology=chronology,
            file_names=file_names,
            index_file=index_file,
            ledger_file=ledger,
            use_ledger=not no_ledger,
            passwords=api.read_password_file(password_file) if password_file else (),
            force=force,
            use_cache=not no_cache,
        )
        with _Bar(enabled=not quiet and sys.stderr.isatty()) as bar:
            result = api.make_packet(inputs, out, options, progress=bar)
        for warning in result.warnings:
            _say(f"warning: {warning}")
        if not quiet:
            plan = result.plan
            first, last = plan.pages[0].bates, plan.pages[-1].bates
            _say(
                f"Stamped {len(plan.pages)} pages {first}-{last} in {len(plan.exhibits)} exhibit(s)"
                f"{' after the report' if result.report else ''} in {result.seconds:.1f} s."
            )
            if result.report:
                _say(f"Report first (not stamped): {result.report}.")
            if result.ledger:
                _say(f"Recorded the range in {result.ledger}.")
            _say(f"Wrote {len(result.written)} files to {out}/ (manifest.json SHA-256 {result.manifest_sha256}).")


def _choice(option: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        from reportkit.errors import UsageError

        raise UsageError(f"{option} must be one of: {', '.join(allowed)} (not {value!r}).")
    return value


@app.command()
def finalize(
    case_dir: Annotated[Path, typer.Argument(help="Case folder whose Word draft the physician signed.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Drafts folder [default: CASE_DIR/drafts].")] = None,
    templates: Annotated[Path | None, typer.Option("--templates", help="Your templates folder, if any.")] = None,
    despite_findings: Annotated[
        bool,
        typer.Option(
            "--despite-findings",
            help="Finalize although `check` finds problems (recorded in final.json); "
            "never with placeholders left or a draft out of date.",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a PDF in the drafts folder you made yourself.")
    ] = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Make the PDF of the signed Word draft and record both by SHA-256 (final.json) for packet and verify."""
    from reportkit.draft.final import finalize_case

    with _reporting(debug):
        result = finalize_case(case_dir, out=out, templates=templates, despite_findings=despite_findings,
                               force=force)  # fmt: skip
        for finding in result.findings:
            typer.echo(f"FAIL {finding.rule}: {finding.message}" + (f"  [{finding.where}]" if finding.where else ""))
        if not result.ok:
            _say(f"Not finalized: {len(result.findings)} problem(s); nothing was written.")
            raise typer.Exit(int(ExitCode.FINDINGS))
        if not quiet:
            docx, pdf = result.record["docx"], result.record["pdf"]
            if result.already:
                _say(f"Already finalized: {docx['name']} and {pdf['name']} are the recorded versions.")
            else:
                _say(f"Finalized {docx['name']} (SHA-256 {docx['sha256']}) as {pdf['name']}, {pdf['pages']} page(s) "
                     f"(SHA-256 {pdf['sha256']}); recorded in {result.written[-1]}.")  # fmt: skip


@app.command()
def verify(
    packet_dir: Annotated[
        Path, typer.Argument(help="A packet folder written by `reportkit packet`, or a finalized case folder.")
    ],
    inputs: Annotated[
        list[Path] | None,
        typer.Option("--inputs", help="Also check these record files/folders against the manifest's hashes."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Check a packet folder against its manifest.json, or a finalized case's report against its final.json:
    every changed, missing or extra file (exit 7 if any)."""
    with _reporting(debug):
        drafts = _finalized_drafts(packet_dir)
        if drafts is not None:
            _verify_final(drafts, quiet)
            return
        result = api.verify_packet(packet_dir, inputs or ())
        for name in result.changed:
            _say(f"changed: {name}")
        for name in result.missing:
            _say(f"missing: {name}")
        for name in result.extra:
            _say(f"extra: {name}")
        for name in result.inputs_unknown:
            _say(f"input not in the manifest (changed, or not part of this packet): {name}")
        if result.inputs_missing:
            _say(f"inputs in the manifest that none of the given files matches: {result.inputs_missing}")
        if not result.ok:
            _say(f"Packet {packet_dir} does NOT match its manifest.")
            raise typer.Exit(int(ExitCode.FINDINGS))
        if not quiet:
            extra = f" and {result.inputs_matched} input file(s)" if inputs else ""
            _say(f"OK: {result.checked} file(s){extra} match manifest.json (SHA-256 {result.manifest_sha256}).")


def _finalized_drafts(path: Path) -> Path | None:
    """The drafts folder holding final.json, when ``path`` is a case or drafts folder and not a packet."""
    from reportkit.draftfiles import FINAL_NAME

    if (path / "manifest.json").exists():
        return None
    for folder in (path, path / "drafts"):
        if (folder / FINAL_NAME).is_file():
            return folder
    if (path / "case.yaml").is_file() or path.name == "drafts":
        raise InputError(f"{path}: no {FINAL_NAME} — this case's report was not finalized.",
                         hint=f"Run `reportkit finalize {path}` first, or give a packet folder.")  # fmt: skip
    return None


def _verify_final(drafts: Path, quiet: bool) -> None:
    from reportkit.draft.final import verify_final
    from reportkit.draftfiles import FINAL_NAME, read_final

    problems = verify_final(drafts)
    for problem in problems:
        _say(problem)
    if problems:
        _say(f"The report in {drafts} is NOT the version recorded in {FINAL_NAME}.")
        raise typer.Exit(int(ExitCode.FINDINGS))
    if not quiet:
        record = read_final(drafts) or {}
        pdf = record.get("pdf", {})
        _say(f"OK: {record.get('docx', {}).get('name')} and {pdf.get('name')} are the finalized versions "
             f"(PDF SHA-256 {pdf.get('sha256')}).")  # fmt: skip


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words, a "phrase", a prefix* or AND/OR/NOT (SQLite FTS5 syntax).')],
    paths: Annotated[
        list[Path],
        typer.Argument(help="Index folders, case folders, batch --out folders, or folders holding several."),
    ],
    doc_type: Annotated[
        list[str] | None, typer.Option("--type", "-t", help="Only pages of this document type (repeatable).")
    ] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Only documents dated on/after YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Only documents dated on/before YYYY-MM-DD.")] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", help="Only documents whose provider contains this (any case).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Print at most this many hits.")] = 20,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the hits.")] = False,
    debug: Debug = False,
) -> None:
    """Find pages across indexed cases (search.sqlite beside index.json): case, document, page and a snippet."""
    with _reporting(debug):
        from reportkit.index.search import Filters

        filters = Filters(tuple(doc_type or ()), date_from, date_to, provider)
        hits = api.search(paths, query, filters, limit, warn=lambda m: _say(f"warning: {m}"))
        for hit in hits:
            where = "  ".join(
                part
                for part in (hit.document or "-", hit.doc_type or "", hit.date or "undated", hit.provider or "")
                if part
            )
            typer.echo(f"{hit.case}  p. {hit.page}  {where}")
            typer.echo(f"    {hit.snippet}")
        if not quiet:
            _say(f"{len(hits)} hit(s)." if hits else "No pages match.")


@app.command()
def review(
    target: Annotated[Path, typer.Argument(help="A case folder, an index folder (index --out) or its index.json.")],
    overrides: Annotated[
        Path | None,
        typer.Option(
            "--overrides", help="Where corrections go [default: CASE/overrides.yaml, or overrides.yaml by index.json]."
        ),
    ] = None,
    records_base: Annotated[
        Path | None,
        typer.Option("--records-base", help="The folder the index's file names start from, if not found."),
    ] = None,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 [default: any free].")] = 0,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Processes when indexing again.")] = None,
    debug: Debug = False,
) -> None:
    """Review the index in your browser: a local page (127.0.0.1 only) where corrections go to the overrides file."""
    with _reporting(debug):
        from reportkit.review.server import Review, Server
        from reportkit.review.target import open_target

        chosen = open_target(target, overrides, records_base)
        if jobs:
            chosen = dataclasses.replace(chosen, jobs=jobs)
        try:
            server = Server(Review(chosen), port)
        except OSError as exc:
            from reportkit.errors import UsageError

            raise UsageError(
                f"cannot listen on 127.0.0.1 port {port} ({exc.strerror}).", hint="Leave out --port, or choose another."
            ) from None
        _say(f"Reviewing {chosen.index_dir}; corrections go to {chosen.overrides}.")
        _say(f"Open {server.url} in your browser (this machine only). Stop with Ctrl-C.")
        try:
            server.serve()
        except KeyboardInterrupt:
            _say("Stopped. Every change made was saved.")


@app.command()
def batch(
    root: Annotated[
        Path, typer.Argument(help="Folder of case folders (case.yaml + records/) and/or bundles (folders of PDFs).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder: OUT/<case>/ and the batch summary.")],
    steps: Annotated[
        str, typer.Option("--steps", help="Comma-separated: index, draft, packet (index always runs).")
    ] = "index",
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Cases run at once [default: CPU count].")
    ] = None,
    formats: Annotated[
        str, typer.Option("--format", "-f", help="Draft formats, comma-separated: docx, md, html, pdf.")
    ] = "docx,md,html",
    case_timeout: Annotated[
        float, typer.Option("--case-timeout", min=1, help="Seconds one case may take before it is stopped.")
    ] = 1800.0,
    max_memory: Annotated[
        int, typer.Option("--max-memory", min=512, help="MB of address space one case's process may use.")
    ] = 4096,
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="Text file of passwords to try, one per line.")
    ] = None,
    ocr: Annotated[
        OcrMode,
        typer.Option("--ocr", case_sensitive=False, help="OCR pages with no text layer: auto, always or never."),
    ] = OcrMode.auto,
    executor: Annotated[str, typer.Option("--executor", help="local (process pool) or dask.")] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="dask scheduler address, e.g. tcp://HOST:8786.")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Don't use the text cache.")] = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Run index (and draft, packet) on every case folder under ROOT, in parallel; re-runs skip finished cases."""
    from reportkit.batch import BatchSettings, parse_steps, run_batch
    from reportkit.batch.task import CaseOutcome

    bar: Any = None  # a rich progress bar of cases, on a terminal only
    if not quiet and sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn("Cases"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       console=Console(stderr=True), transient=True)  # fmt: skip
        bar_task = bar.add_task("cases", total=None)

    def say(text: str) -> None:
        if bar is not None:
            bar.console.print(text, markup=False, highlight=False)
        else:
            _say(text)

    def progress(outcome: CaseOutcome, ran: bool, finished: int, total: int) -> None:
        if quiet:
            return
        if bar is not None:
            bar.update(bar_task, completed=finished, total=total)
        what = outcome.status if ran else f"{outcome.status} (unchanged, skipped)"
        line = f"[{finished}/{total}] {outcome.name}: {what}, {outcome.pages} pages, {outcome.documents} documents"
        if ran:
            line += f", {outcome.seconds:.1f} s"
        if ran and outcome.changes:
            line += f"; since the last run: {outcome.changes}"
        say(line)
        for problem in outcome.problems if ran else ():
            say(f"    {problem}")
        if debug and ran:
            for text in outcome.debug:
                say(f"debug: {text}")

    with _reporting(debug):
        settings = BatchSettings(
            steps=parse_steps(steps),
            draft_formats=tuple(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip())),
            passwords=api.read_password_file(password_file) if password_file else (),
            ocr=ocr.value,
            case_timeout=case_timeout,
            max_memory_mb=max_memory,
            use_cache=not no_cache,
        )
        _choice("--executor", executor, ("local", "dask"))
        try:
            if bar is not None:
                bar.start()
            try:
                result = run_batch(root, out, settings, jobs=jobs, executor=executor, scheduler=scheduler,
                                   report=progress)  # fmt: skip
            finally:
                if bar is not None:
                    bar.stop()
        except KeyboardInterrupt as exc:
            _say(f"{_stopped_by(exc)}: finished cases are kept; unfinished ones left no output and run on the next "
                 "run.")  # fmt: skip
            raise typer.Exit(int(_stop_code(exc))) from None
        if not quiet:
            _batch_table(result)
        raise typer.Exit(int(result.exit_code))


def _batch_table(result: Any) -> None:
    """The summary table on stdout: case, status, pages, documents, seconds, problems."""
    rows = [("case", "status", "pages", "documents", "seconds", "problems")]
    for o in result.outcomes:
        seconds = f"{o.seconds:.1f}" if o.name in result.ran else "skipped"
        rows.append((o.name, o.status, str(o.pages), str(o.documents), seconds, "; ".join(o.problems)[:200]))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5])
    counts = {s: sum(1 for o in result.outcomes if o.status == s) for s in ("done", "partial", "failed")}
    _say(f"{len(result.outcomes)} case(s): {counts['done']} done, {counts['partial']} partial, {counts['failed']} "
         f"failed; {len(result.ran)} run, {len(result.outcomes) - len(result.ran)} unchanged; {result.seconds:.1f} s. "
         f"Summary: {result.written[0]} and {result.written[1].name}.")  # fmt: skip


def main() -> None:
    """Console-script entry point."""
    stop_on_sigterm()
    app()

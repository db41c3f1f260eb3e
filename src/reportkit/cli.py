"""The ``reportkit`` command: arguments in, one library call, messages and exit codes out.

Exit codes (also in the README): 0 done; 1 internal error (a bug; --debug shows the traceback); 2 usage error;
3 no input could be indexed; 4 encrypted input without a working password; 5 outputs exist (use --force) or
cannot be written; 6 outputs written but some input files were skipped; 130 interrupted.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from reportkit import api, cite
from reportkit.errors import ExitCode, ReportkitError
from reportkit.version import __version__

app = typer.Typer(
    name="reportkit",
    help="Turn medical record PDF bundles into page-cited record indexes. Runs offline; nothing leaves this machine.",
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
    except KeyboardInterrupt:
        _say("interrupted: no outputs were written.")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
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
    """A progress bar on stderr, only on a terminal and without --quiet."""

    def __init__(self, enabled: bool) -> None:
        self.progress: Any = None
        self.tasks: dict[str, object] = {}
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )

    def __enter__(self) -> _Bar:
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress:
            self.progress.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.progress:
            return
        if stage not in self.tasks:
            label = {"files": "Opening files", "ocr": "OCR of pages"}.get(stage, "Reading pages")
            self.tasks[stage] = self.progress.add_task(label, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


class OcrMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


@app.command()
def index(
    inputs: Annotated[
        list[Path], typer.Argument(help="PDF files and/or folders (a folder: every *.pdf below it, by path).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for index.json, .csv, .md and .docx.")],
    force: Annotated[bool, typer.Option("--force", help="Replace outputs that already exist.")] = False,
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="Text file of passwords to try, one per line.")
    ] = None,
    gap_days: Annotated[int, typer.Option("--gap-days", min=1, help="List treatment gaps longer than this.")] = 30,
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
    ocr: Annotated[
        OcrMode,
        typer.Option(
            "--ocr",
            case_sensitive=False,
            help="OCR pages with no usable text layer (auto), every page (always), or none (never).",
        ),
    ] = OcrMode.auto,
    ocr_lang: Annotated[str, typer.Option("--ocr-lang", help="Tesseract language(s), e.g. eng or eng+spa.")] = "eng",
    ocr_dpi: Annotated[int, typer.Option("--ocr-dpi", min=100, max=600, help="Resolution pages are OCR'd at.")] = 300,
    ocr_timeout: Annotated[
        float, typer.Option("--ocr-timeout", min=1, help="Seconds OCR of one page may take before it is skipped.")
    ] = 120.0,
    ocr_output: Annotated[
        Path | None,
        typer.Option("--ocr-output", help="Also write a searchable copy of the bundle (invisible OCR text) here."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and parser messages.")] = False,
) -> None:
    """Index record PDFs: split into documents, type and date each, write a page-cited chronology."""
    with _reporting(debug):
        options = api.IndexOptions(
            passwords=api.read_password_file(password_file) if password_file else (),
            gap_days=gap_days,
            file_timeout=file_timeout,
            max_memory_mb=max_memory,
            use_cache=not no_cache,
            cache_dir=cache_dir,
            force=force,
            ocr=ocr.value,
            ocr_lang=ocr_lang,
            ocr_dpi=ocr_dpi,
            ocr_timeout=ocr_timeout,
            ocr_output=ocr_output,
            **({"jobs": jobs} if jobs else {}),
        )
        with _Bar(enabled=not quiet and sys.stderr.isatty()) as bar:
            result = api.index_bundle(inputs, out, options, progress=bar)
        for skipped in result.skipped:
            _say(f"skipped: {skipped.reason}")
        for note in result.notes:
            _say(f"note: {note}")
        if debug:
            for line in result.debug:
                _say(f"debug: {line}")
        if not quiet:
            _summary(result, out)
        raise typer.Exit(int(result.exit_code))


def _summary(result: api.IndexResult, out: Path) -> None:
    ix = result.index
    review = sum(len(d.warnings) for d in ix.documents)
    _say(
        f"Indexed {ix.page_count} pages from {len(ix.sources)} file(s) into {len(ix.documents)} documents "
        f"in {result.seconds:.1f} s.",
    )
    if ix.gaps:
        _say(f"Treatment gaps over {ix.settings.get('gap_days')} days: {len(ix.gaps)}.")
    if review:
        _say(f"{review} item(s) for review: see 'For review' in {out / 'index.md'}.")
    dated = [d for d in ix.documents if d.date]
    if dated:
        first = dated[0]
        _say(
            f"Earliest: {first.date} {first.doc_type.replace('_', ' ')} "
            f"({cite.pages(first.first_page, first.last_page)}).",
        )
    inside = [p for p in result.written if p.parent == out]
    _say(f"Wrote {', '.join(p.name for p in inside)} to {out}/")
    for other in result.written:
        if other not in inside:
            _say(f"Wrote the searchable copy to {other}")


def main() -> None:
    """Console-script entry point."""
    app()

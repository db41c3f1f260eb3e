"""`reportkit batch`."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from reportkit import api
from reportkit.commands.common import (
    Debug,
    OcrMode,
    Quiet,
    Today,
    as_of,
    choice,
    reporting,
    say,
    stop_code,
    stopped_by,
)


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
    today: Today = None,
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

    def tell(text: str) -> None:
        if bar is not None:
            bar.console.print(text, markup=False, highlight=False)
        else:
            say(text)

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
        tell(line)
        for problem in outcome.problems if ran else ():
            tell(f"    {problem}")
        if debug and ran:
            for text in outcome.debug:
                tell(f"debug: {text}")

    with reporting(debug):
        settings = BatchSettings(
            steps=parse_steps(steps),
            draft_formats=tuple(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip())),
            passwords=api.read_password_file(password_file) if password_file else (),
            ocr=ocr.value,
            case_timeout=case_timeout,
            max_memory_mb=max_memory,
            use_cache=not no_cache,
        )
        choice("--executor", executor, ("local", "dask"))
        try:
            if bar is not None:
                bar.start()
            try:
                result = run_batch(root, out, settings, jobs=jobs, executor=executor, scheduler=scheduler,
                                   report=progress, today=as_of(today))  # fmt: skip
            finally:
                if bar is not None:
                    bar.stop()
        except KeyboardInterrupt as exc:
            say(f"{stopped_by(exc)}: finished cases are kept; unfinished ones left no output and run on the next "
                 "run.")  # fmt: skip
            raise typer.Exit(int(stop_code(exc))) from None
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
    say(f"{len(result.outcomes)} case(s): {counts['done']} done, {counts['partial']} partial, {counts['failed']} "
         f"failed; {len(result.ran)} run, {len(result.outcomes) - len(result.ran)} unchanged; {result.seconds:.1f} s. "
         f"Summary: {result.written[0]} and {result.written[1].name}.")  # fmt: skip

"""What every command shares: the Typer app, messages on stderr, errors to exit codes, the progress bar."""

import contextlib
import datetime as dt
import os
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer

from reportkit.errors import ExitCode, ReportkitError, Terminated
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


def say(message: str) -> None:
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


def stopped_by(exc: KeyboardInterrupt) -> str:
    return "stopped (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"


def stop_code(exc: KeyboardInterrupt) -> ExitCode:
    return ExitCode.TERMINATED if isinstance(exc, Terminated) else ExitCode.INTERRUPTED


@contextmanager
def reporting(debug: bool) -> Iterator[None]:
    """Turn library errors into a message and an exit code; tracebacks only with --debug."""
    try:
        yield
    except ReportkitError as exc:
        say(f"error: {exc.message}")
        if exc.hint:
            say(exc.hint)
        if debug and exc.detail:
            say(f"debug: {exc.detail}")
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt as exc:
        say(f"{stopped_by(exc)}: no outputs were written.")
        raise typer.Exit(int(stop_code(exc))) from None
    except (typer.Exit, typer.BadParameter):  # an option checked in the command's body: a usage error (exit 2)
        raise
    except BrokenPipeError:  # `reportkit search ... | head`: the reader has what it wanted
        with contextlib.suppress(OSError, ValueError):  # nor a second error when Python flushes stdout at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(int(ExitCode.PIPE_CLOSED)) from None
    except Exception:
        if debug:
            traceback.print_exc()
        else:
            say(
                "error: reportkit hit an internal error (a bug). Run again with --debug to see the "
                "traceback; please report it without attaching patient records."
            )
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


class ProgressBar:
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

    def __enter__(self) -> "ProgressBar":
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


Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks and parser messages.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]


def choice(option: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        from reportkit.errors import UsageError

        raise UsageError(f"{option} must be one of: {', '.join(allowed)} (not {value!r}).")
    return value


Today = Annotated[
    str | None, typer.Option("--today", help="Count days left to deadlines as of YYYY-MM-DD [default: today].")
]


def as_of(value: str | None) -> dt.date:
    """The ``--today`` option's date (today when not given)."""
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date; write it as YYYY-MM-DD.", param_hint="--today") from None

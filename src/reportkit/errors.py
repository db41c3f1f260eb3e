"""Exit codes and the errors reportkit raises.

Every error carries an exit code and a message that says what went wrong and what to do. Messages name the
file the user gave but never quote record text or file bytes (parser messages go only to ``detail``, which the
CLI shows with ``--debug``).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``reportkit`` command (also documented in docs/exit-codes.md)."""

    OK = 0
    """Everything asked for was done."""
    INTERNAL = 1
    """A bug in reportkit: please report it (run again with --debug for the traceback)."""
    USAGE = 2
    """The command line was wrong (unknown option, missing argument)."""
    INPUT = 3
    """No input could be indexed: missing, empty, not a PDF, damaged beyond repair, or over a limit."""
    ENCRYPTED = 4
    """An input is encrypted and no working password was given (see --password-file)."""
    OUTPUT = 5
    """Outputs already exist (use --force) or cannot be written."""
    PARTIAL = 6
    """Outputs were written, but some input files were skipped (or a damaged one read only in part); each is
    named on stderr and in index.json."""
    FINDINGS = 7
    """A checking command found problems, each listed: `reportkit check` in the case or the draft,
    `reportkit verify` a changed, missing or extra file in the packet."""
    NO_TOOL = 8
    """A program reportkit needs for this output is not installed (LibreOffice for PDF drafts)."""
    REPORT_NOT_CURRENT = 9
    """`reportkit packet`: the report PDF to put first is not the current, complete one: it still holds
    placeholders, is older than or differs from its DOCX, or is not the version `finalize` recorded."""
    INTERRUPTED = 130
    """Stopped by Ctrl-C; no partial outputs were left."""
    PIPE_CLOSED = 141
    """What the command printed was no longer read (``reportkit search ... | head``): it stopped, as a command
    stopped by SIGPIPE does (128 + 13). Files it had written are whole; it wrote no more."""
    TERMINATED = 143
    """Stopped by SIGTERM (``kill``, a job scheduler's time limit); as with Ctrl-C, no partial outputs were
    left."""


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when the process gets SIGTERM (see :func:`stop_on_sigterm`): a kind of
    KeyboardInterrupt, so that every clean-up that Ctrl-C gets (workers stopped, temporaries removed) runs."""


def stop_on_sigterm() -> None:
    """Handle SIGTERM like Ctrl-C from now on (for the command line; a library leaves signals to its caller)."""
    import signal

    def _raise(signum: int, frame: object) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, _raise)


class ReportkitError(Exception):
    """An error with a user-facing message, a hint on what to do, and an exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class UsageError(ReportkitError):
    """An argument that names something that does not exist (e.g. --explain with an unknown document id)."""

    exit_code = ExitCode.USAGE


class InputError(ReportkitError):
    """No usable input (a path that does not exist, not a PDF, nothing to index)."""

    exit_code = ExitCode.INPUT


class EncryptedError(ReportkitError):
    """Every input that failed did so because it is encrypted and no working password was given."""

    exit_code = ExitCode.ENCRYPTED


class OutputError(ReportkitError):
    """Outputs exist already (and --force was not given), or the output folder cannot be written."""

    exit_code = ExitCode.OUTPUT


class IndexFileError(ReportkitError):
    """An index.json that cannot be read back (wrong schema, damaged JSON)."""

    exit_code = ExitCode.INPUT


class CaseError(ReportkitError):
    """A case.yaml that is missing or invalid (the message names each field and line)."""

    exit_code = ExitCode.INPUT


class TemplateError(ReportkitError):
    """A draft template that cannot be read, does not render, or reaches for what it may not."""

    exit_code = ExitCode.INPUT


class ReportNotCurrentError(ReportkitError):
    """The report PDF ``packet`` would put first is not the current, complete version of the report."""

    exit_code = ExitCode.REPORT_NOT_CURRENT


class MissingToolError(ReportkitError):
    """An external program (LibreOffice) needed for the asked-for output is not installed."""

    exit_code = ExitCode.NO_TOOL


def yaml_problem(exc: Exception) -> tuple[int | None, str]:
    """(1-based line, problem) of a PyYAML error, for messages that name the line; the line is None when
    PyYAML does not know it."""
    mark = getattr(exc, "problem_mark", None)
    return (mark.line + 1 if mark is not None else None), getattr(exc, "problem", None) or "not valid YAML"


class PdfProblem(Exception):
    """A file that cannot be read (raised by the PDF reader, :mod:`reportkit.ingest.pdf`; the worker pool
    reports it for the file). ``problem`` is a short code; ``detail`` holds the parser's own words."""

    def __init__(self, problem: str, detail: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.detail = detail

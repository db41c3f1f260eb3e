"""The ``reportkit`` command: arguments in, one library call, messages and exit codes out.

Exit codes (also in docs/exit-codes.md): 0 done; 1 internal error (a bug; --debug shows the traceback); 2 usage error;
3 no input could be indexed, or an invalid case.yaml, overrides file or template; 4 encrypted input without a
working password; 5 outputs exist (use --force) or cannot be written; 6 outputs written but some input files
were skipped; 7 `check` or `verify` found problems; 8 a needed program (LibreOffice) is missing; 130 interrupted.
"""

from reportkit.commands import batching, citing, comparing, drafting, indexing, packets, reviewing, tracking
from reportkit.commands.common import app
from reportkit.errors import stop_on_sigterm

# The commands in the order `reportkit --help` lists them: a case's path through the tool.
app.command()(indexing.index)
app.command()(drafting.init)
app.command()(indexing.schema)
app.command()(drafting.draft)
app.command()(drafting.questions)
app.command()(drafting.check)
app.add_typer(drafting.templates_app, name="templates")
app.command()(packets.packet)
app.command()(drafting.finalize)
app.command()(tracking.status)
app.command()(packets.verify)
app.command("cite-check")(citing.cite_check)
app.command()(comparing.compare)
app.command()(indexing.search)
app.command()(reviewing.review)
app.command()(batching.batch)

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    stop_on_sigterm()
    app()

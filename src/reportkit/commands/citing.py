"""`reportkit cite-check`."""

import json
from pathlib import Path
from typing import Annotated

import typer

from reportkit.commands.common import Debug, reporting, say
from reportkit.errors import ExitCode


def cite_check(
    report: Annotated[Path, typer.Argument(help="The report: a .docx, .pdf (text or scanned), .md or .txt file.")],
    index: Annotated[
        Path, typer.Option("--index", help="The record index: an index folder, its index.json, or a case folder.")
    ],
    bates_map: Annotated[
        Path | None,
        typer.Option(
            "--bates-map", help="A packet's bates_map.json (or folder), to check Bates and exhibit citations."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as a JSON list instead of a table.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the table to FILE.docx, FILE.md or FILE.csv.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --out file if it exists.")] = False,
    debug: Debug = False,
) -> None:
    """Check a report's record citations against the index: the page exists; its date, provider and quotes fit."""
    with reporting(debug):
        from reportkit.citecheck.run import cite_check as run
        from reportkit.citecheck.run import failing, summary, write
        from reportkit.publish import check_table_out

        if out is not None:
            check_table_out(out, force, (report,))  # a wrong --out (or one that exists) is said before any work
        rows = run(report, index, bates_map)
        if as_json:
            typer.echo(json.dumps([r.to_dict() for r in rows], indent=2, ensure_ascii=False))
        else:
            for r in rows:
                where = ", ".join(map(str, r.pages)) or "-"
                typer.echo(f"{r.verdict:<18} {r.citation:<22} pages {where:<10} {r.document}")
                if r.detail:
                    typer.echo(f"    {r.detail}")
        if out is not None:
            write(rows, out, report.name, force, (report,))
            say(f"wrote {out}")
        say(summary(rows))
        if failing(rows):
            raise typer.Exit(int(ExitCode.FINDINGS))

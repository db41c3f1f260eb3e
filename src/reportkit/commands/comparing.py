"""`reportkit compare`."""

import json
from pathlib import Path
from typing import Annotated

import typer

from reportkit.commands.common import Debug, reporting, say


def compare(
    where: Annotated[
        Path,
        typer.Argument(
            help="A case folder (its index, and our answers from case.yaml), an index folder or its index.json."
        ),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the table to FILE.docx, FILE.md or FILE.csv.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows and flags as JSON instead of lines.")] = False,
    bates_map: Annotated[
        Path | None,
        typer.Option("--bates-map", help="A packet's bates_map.json (or folder): citations add Bates numbers."),
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            "--topic",
            help="Only this topic (repeatable): diagnoses, causation, work-status, mmi, impairment, treatment.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --out file if it exists.")] = False,
    debug: Debug = False,
) -> None:
    """Per topic, what each treating record and each IME says, verbatim with its page, and where they differ."""
    with reporting(debug):
        from reportkit.compare.model import TOPICS
        from reportkit.compare.output import summary, to_lines, write
        from reportkit.compare.run import compare as run
        from reportkit.publish import check_table_out

        if out is not None:
            check_table_out(out, force)  # a wrong --out (or one that exists) is said before any work
        result = run(where, bates_map, tuple(topic) if topic else TOPICS)
        if as_json:
            typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        else:
            for line in to_lines(result):
                typer.echo(line)
        if out is not None:
            write(result, out, where.resolve().name, force)
            say(f"wrote {out}")
        say(summary(result))

"""`reportkit review`."""

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from reportkit.commands.common import Debug, reporting, say


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
    with reporting(debug):
        from reportkit.review.server import Review, Server
        from reportkit.review.target import open_target

        chosen = open_target(target, overrides, records_base)
        if jobs:
            chosen = dataclasses.replace(chosen, jobs=jobs)
        try:
            server = Server(Review(chosen), port, debug=debug)
        except OSError as exc:
            from reportkit.errors import UsageError

            raise UsageError(
                f"cannot listen on 127.0.0.1 port {port} ({exc.strerror}).", hint="Leave out --port, or choose another."
            ) from None
        say(f"Reviewing {chosen.index_dir}; corrections go to {chosen.overrides}.")
        say("Open this address in your browser (this machine only); stop with Ctrl-C:")
        typer.echo(server.url)  # on stdout, for a script to read
        try:
            server.serve()
        except KeyboardInterrupt:
            say("Stopped. Every change made was saved.")

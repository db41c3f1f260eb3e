"""`reportkit status`: a case's timeline and deadlines, or the next deadline of every case in a folder."""

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reportkit.commands.common import Debug, Today, as_of, reporting, say
from reportkit.errors import CaseError, InputError, ReportkitError, UsageError

if TYPE_CHECKING:
    from reportkit.draft.timeline import CaseStatus

CASE_FILE = "case.yaml"
Found = list[tuple[Path, "CaseStatus | None", str]]
"""Per case folder: its status, or None and the first line of why its case.yaml could not be read."""


def status(
    cases: Annotated[
        list[Path],
        typer.Argument(help="A case folder (its whole timeline), or folders of case folders (one line per case)."),
    ],
    today: Today = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the timeline and deadlines as JSON.")] = False,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Also write one row per case to FILE.csv (opens in Excel).")
    ] = None,
    debug: Debug = False,
) -> None:
    """The case timeline and the deadlines its jurisdiction fixes: due dates, days left, what is late."""
    from reportkit.draft.timeline import status as case_status

    on = as_of(today)
    with reporting(debug):
        if csv_out is not None and csv_out.suffix.lower() != ".csv":
            raise UsageError(f"{csv_out}: --csv must name a .csv file.")  # before any work
        folders = _case_folders(cases)
        found: Found = []
        for folder in folders:
            try:
                found.append((folder, case_status(folder, on), ""))
            except ReportkitError as exc:  # one broken case.yaml never hides the others
                if len(folders) == 1:
                    raise
                found.append((folder, None, " ".join(line.strip() for line in exc.message.splitlines())))
        found.sort(key=_urgency)
        if as_json:
            typer.echo(json.dumps([{"case": str(f), **(s.to_dict() if s else {"problem": p})} for f, s, p in found],
                                  indent=2, ensure_ascii=False))  # fmt: skip
        elif len(found) == 1 and found[0][1] is not None:
            _print_case(found[0][0], found[0][1])
        else:
            _print_table(found, on)
        if csv_out is not None:
            from reportkit.publish import replace_together

            csv_out.parent.mkdir(parents=True, exist_ok=True)
            replace_together(csv_out.parent, {csv_out.name: _csv(found)}, "the status table")
            say(f"wrote {csv_out}")
        late = sum(1 for _, s, _ in found if s for d in s.deadlines if d.state == "late")
        broken = sum(1 for _, s, _ in found if s is None)
        say(f"{len(found)} case(s) as of {on}: {late} deadline(s) late" + (f", {broken} case(s) unreadable" if broken
                                                                            else "") + ".")  # fmt: skip
        if broken:
            raise typer.Exit(int(CaseError.exit_code))


def _case_folders(paths: list[Path]) -> list[Path]:
    folders: list[Path] = []
    for path in paths:
        if path.is_file() and path.name == CASE_FILE:
            path = path.parent
        if (path / CASE_FILE).is_file():
            folders.append(path)
        elif path.is_dir():
            inner = sorted(p.parent for p in path.glob(f"*/{CASE_FILE}") if not p.parent.name.startswith("."))
            if not inner:
                raise InputError(f"{path}: no case.yaml in it or in the folders directly below it.",
                                 hint="Give a case folder, or the folder that holds case folders.")  # fmt: skip
            folders += inner
        else:
            raise InputError(f"{path}: not found.", hint="Give a case folder (it holds case.yaml).")
    return folders


def _print_case(folder: Path, s: "CaseStatus") -> None:
    typer.echo(f"{folder} (profile {s.profile}), as of {s.today}")
    typer.echo("\nTimeline")
    for e in s.events:
        typer.echo(f"  {e.date}  {e.label}")
    if not s.events:
        typer.echo("  (no dates in case.yaml yet)")
    typer.echo("\nDeadlines")
    for d in s.deadlines:
        typer.echo(f"  {d.state.upper():<9} {d.due or '-'!s:<10}  {d.what}: {d.describe()}")
        checked = f" (checked: {d.verified})" if d.verified else " (rule text not checked)"
        typer.echo(f"            {d.basis}; {d.rule}" + ("" if d.rule == "case.yaml" else checked))
    if not s.deadlines:
        typer.echo(f"  (none: the {s.profile} profile fixes none and case.yaml sets no timeline.report_due)")


def _urgency(row: tuple[Path, "CaseStatus | None", str]) -> tuple[int, str, str]:
    """The next due date first (late ones are the earliest), then cases with nothing open, by name."""
    nxt = row[1].next_due if row[1] else None
    return (0, str(nxt.due), row[0].name) if nxt else (1, "", row[0].name)


def _print_table(found: Found, on: dt.date) -> None:
    typer.echo(f"{'case':<24} {'next due':<10}  {'days left':>9}  what")
    for folder, s, problem in found:
        nxt = s.next_due if s else None
        if nxt is None:
            window = next((d for d in s.deadlines if d.state == "open"), None) if s else None
            quiet = f"nothing due; open until {window.due}: {window.what}" if window else "nothing due"
            typer.echo(f"{folder.name:<24} {'-':<10}  {'':>9}  {problem or quiet}")
            continue
        left = (nxt.due - on).days if nxt.due else 0
        typer.echo(f"{folder.name:<24} {nxt.due!s:<10}  {left:>9}  {nxt.what}" + (" (LATE)" if left < 0 else ""))


def _csv(found: Found) -> bytes:
    from reportkit.index.export import excel_csv

    rows = []
    for folder, s, problem in found:
        nxt = s.next_due if s else None
        left = (nxt.due - s.today).days if s and nxt and nxt.due else ""
        late = sum(1 for d in s.deadlines if d.state == "late") if s else ""
        rows.append([folder.name, s.profile if s else "", str(nxt.due) if nxt else "", left, nxt.what if nxt else "",
                     late, problem])  # fmt: skip
    return excel_csv(["case", "profile", "next_due", "days_left", "what", "late", "problem"], rows)

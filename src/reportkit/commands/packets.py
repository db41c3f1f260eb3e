"""`reportkit packet` and `verify`."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from reportkit import api
from reportkit.commands.common import ProgressBar, choice, reporting, say
from reportkit.errors import ExitCode, InputError


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

    with reporting(debug):
        options = PacketOptions(
            prefix=prefix,
            start=start,
            digits=digits,
            position=position,
            font_size=font_size,
            group_by=choice("--group-by", group_by, ("source", "provider", "document")),  # type: ignore[arg-type]
            label_format=exhibit_label,
            numbering="letter" if letters else "number",
            first_exhibit=first_exhibit,
            sticker=choice("--sticker", sticker, ("stamp", "cover", "none")),  # type: ignore[arg-type]
            files=choice("--files", files, ("both", "combined", "exhibits")),  # type: ignore[arg-type]
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
        with ProgressBar(enabled=not quiet and sys.stderr.isatty()) as bar:
            result = api.make_packet(inputs, out, options, progress=bar)
        for warning in result.warnings:
            say(f"warning: {warning}")
        if not quiet:
            plan = result.plan
            first, last = plan.pages[0].bates, plan.pages[-1].bates
            say(
                f"Stamped {len(plan.pages)} pages {first}-{last} in {len(plan.exhibits)} exhibit(s)"
                f"{' after the report' if result.report else ''} in {result.seconds:.1f} s."
            )
            if result.report:
                say(f"Report first (not stamped): {result.report}.")
            if result.ledger:
                say(f"Recorded the range in {result.ledger}.")
            say(f"Wrote {len(result.written)} files to {out}/ (manifest.json SHA-256 {result.manifest_sha256}).")


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
    with reporting(debug):
        drafts = _finalized_drafts(packet_dir)
        if drafts is not None:
            _verify_final(drafts, quiet)
            return
        result = api.verify_packet(packet_dir, inputs or ())
        for name in result.changed:
            say(f"changed: {name}")
        for name in result.missing:
            say(f"missing: {name}")
        for name in result.extra:
            say(f"extra: {name}")
        for name in result.inputs_unknown:
            say(f"input not in the manifest (changed, or not part of this packet): {name}")
        if result.inputs_missing:
            say(f"inputs in the manifest that none of the given files matches: {result.inputs_missing}")
        if not result.ok:
            say(f"Packet {packet_dir} does NOT match its manifest.")
            raise typer.Exit(int(ExitCode.FINDINGS))
        if not quiet:
            extra = f" and {result.inputs_matched} input file(s)" if inputs else ""
            say(f"OK: {result.checked} file(s){extra} match manifest.json (SHA-256 {result.manifest_sha256}).")


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
        say(problem)
    if problems:
        say(f"The report in {drafts} is NOT the version recorded in {FINAL_NAME}.")
        raise typer.Exit(int(ExitCode.FINDINGS))
    if not quiet:
        record = read_final(drafts) or {}
        pdf = record.get("pdf", {})
        say(f"OK: {record.get('docx', {}).get('name')} and {pdf.get('name')} are the finalized versions "
             f"(PDF SHA-256 {pdf.get('sha256')}).")  # fmt: skip

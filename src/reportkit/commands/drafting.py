"""`reportkit init`, `draft`, `questions`, `check`, `templates` and `finalize`."""

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from reportkit.commands.common import Debug, Quiet, reporting, say
from reportkit.errors import ExitCode, UsageError


def init(
    case_dir: Annotated[Path, typer.Argument(help="Folder to create (or an empty one).")],
    kind: Annotated[str, typer.Option("--kind", help="ime or second-opinion.")] = "ime",
    debug: Debug = False,
) -> None:
    """Create a case folder: a commented case.yaml for an IME or a second opinion, and records/."""
    from reportkit.draft import init_case

    with reporting(debug):
        written = init_case(case_dir, kind)
        say(f"Created {written[0]} and {written[1]}/. Fill in case.yaml, put the record PDFs in records/, then run "
             f"`reportkit draft {case_dir}`.")  # fmt: skip


def _comparison(case_dir: Path, bates_map: Path | None) -> Callable[[Path], dict[str, Any]]:
    """What `draft --compare` gives the draft: the comparison of the index it drafts from (compare is a later
    stage than draft, so the command passes it in)."""
    from reportkit.compare.output import appendix
    from reportkit.draft.case import CASE_FILE

    return functools.partial(appendix, case_file=case_dir / CASE_FILE, bates_map=bates_map)


def draft(
    case_dir: Annotated[Path, typer.Argument(help="Case folder holding case.yaml and records/.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Drafts folder [default: CASE_DIR/drafts].")] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", help="docx, md, html or pdf; repeat for several [default: docx, md, html]."),
    ] = None,
    templates: Annotated[
        Path | None, typer.Option("--templates", help="Folder of your own templates (see `templates export`).")
    ] = None,
    index_file: Annotated[
        Path | None, typer.Option("--index", help="Use this index.json instead of indexing CASE_DIR/records.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace drafts even if you edited them.")] = False,
    bates_map: Annotated[
        Path | None,
        typer.Option("--bates-map", help="A packet's bates_map.json: cite Bates numbers instead of pages."),
    ] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Processes reading PDFs.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Don't use the text cache.")] = False,
    password_file: Annotated[
        Path | None,
        typer.Option("--password-file", help="Text file of passwords to try on encrypted records, one per line."),
    ] = None,
    addendum: Annotated[
        bool, typer.Option("--addendum", help="Draft only an addendum listing the records new since the report.")
    ] = False,
    since: Annotated[
        Path | None,
        typer.Option("--since", help="With --addendum: the index.json of the records the report reviewed."),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare",
            help="Add the treating records compared with the IMEs (`reportkit compare`): the report's appendix, "
            "the letter's 'What your doctors wrote'.",
        ),
    ] = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Draft the IME report or second-opinion letter of a case folder, citing the record pages."""
    from reportkit.draft import DraftOptions, draft_case
    from reportkit.indexer.options import read_password_file

    with reporting(debug):
        named = [f.strip().lower() for item in formats or [] for f in item.split(",") if f.strip()]
        chosen = tuple(dict.fromkeys(named)) if named else DraftOptions().formats
        comparison = _comparison(case_dir, bates_map) if compare else None
        options = DraftOptions(out=out, formats=chosen, templates=templates, force=force, index=index_file,
                               jobs=jobs, use_cache=not no_cache, bates_map=bates_map, addendum=addendum,
                               since=since, comparison=comparison,
                               passwords=read_password_file(password_file) if password_file else ())  # fmt: skip
        if since is not None and not addendum:
            raise UsageError("--since goes with --addendum.", hint="Add --addendum, or leave out --since.")
        result = draft_case(case_dir, options)
        for warning in result.warnings:
            say(f"warning: {warning}")
        if not quiet:
            what = {"ime": "IME report", "addendum": "addendum"}.get(result.kind, "second-opinion letter")
            how = {"reused": "existing index", "indexed": "new index", "given": "--index", "empty": "no records"}
            docs = f"{result.documents} {'new ' if addendum else ''}documents"
            say(f"Drafted the {what} from {docs} ({how[result.index_how]}) "
                 f"in {result.seconds:.1f} s.")  # fmt: skip
            if result.readability is not None:
                say(f"Readability: Flesch-Kincaid grade {result.readability:.1f} (aim for 8 or below).")
            if result.kept:
                more = ", …" if len(result.kept) > 6 else ""
                say(f"Kept your Word text in {len(result.kept)} part(s) ({', '.join(result.kept[:6])}{more}); "
                     "reportkit's parts were brought up to date.")  # fmt: skip
            if result.placeholders:
                check = f"reportkit check {case_dir}" + (f" --out {out}" if out else "")  # where the drafts are
                say(f"{result.placeholders} placeholder(s) [TO COMPLETE: ...] left for you to write; "
                     f"`{check}` lists what is missing.")  # fmt: skip
            folder = result.written[0].parent if result.written else out
            say(f"Wrote {', '.join(p.name for p in result.written)} to {folder}/")
        if result.skipped:  # as `index`: written, but without some record files (each named above)
            raise typer.Exit(int(ExitCode.PARTIAL))


def questions(
    referral: Annotated[Path, typer.Argument(help="Referral or instruction letter (PDF, or .txt).")],
    debug: Debug = False,
) -> None:
    """Print the numbered questions of a referral letter as YAML to paste into case.yaml (a scanned or faxed
    letter is read by OCR); exit 7 when the result does not check out against the letter."""
    from reportkit.draft.questions import read_questions, to_yaml

    with reporting(debug):
        reading = read_questions(referral)
        how = " (read by OCR)" if reading.ocr else ""
        if not reading.questions:
            say(
                f"No numbered questions found in {referral}{how} (1. / 1) / (a) / Q1: styles are recognised; a "
                "numbered list that asks nothing, such as a plan or a medication list, is not taken for questions)."
            )
            raise typer.Exit(int(ExitCode.INPUT))
        typer.echo(to_yaml(reading.questions), nl=False)
        for note in reading.notes:
            say(f"note: {note}.")
        for problem in reading.problems:
            say(f"problem: {problem}.")
        if reading.problems:
            say(f"{len(reading.questions)} question(s) read from {referral}{how}, but they do not check out: "
                 "compare them with the letter, and correct them in case.yaml.")  # fmt: skip
            raise typer.Exit(int(ExitCode.FINDINGS))
        say(f"{len(reading.questions)} question(s) found in {referral}{how}.")


def check(
    case_dir: Annotated[Path, typer.Argument(help="Case folder holding case.yaml.")],
    final: Annotated[bool, typer.Option("--final", help="Also fail on placeholders left in the draft.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Drafts folder [default: CASE_DIR/drafts].")] = None,
    templates: Annotated[Path | None, typer.Option("--templates", help="Your templates folder, if any.")] = None,
    debug: Debug = False,
) -> None:
    """Lint a case and its draft: unanswered questions, inconsistencies, missing sections, placeholders."""
    from reportkit.draft import DraftOptions
    from reportkit.draft.check import check_case

    with reporting(debug):
        result = check_case(case_dir, final=final, options=DraftOptions(templates=templates), out=out,
                            citations=lambda draft: _citations(draft, case_dir))  # fmt: skip
        for finding in result.findings:
            typer.echo(f"FAIL {finding.rule}: {finding.message}" + (f"  [{finding.where}]" if finding.where else ""))
        summary = (f"{len(result.findings)} problem(s) in {case_dir} (profile {result.profile}; "
                   f"draft: {result.draft.source}).")  # fmt: skip
        if not final and result.placeholders:
            summary += f" {result.placeholders} placeholder(s) left (--final fails on them)."
        say(summary)
        raise typer.Exit(int(ExitCode.FINDINGS if result.findings else ExitCode.OK))


def _citations(draft: Path, case_dir: Path) -> list[str]:
    """The draft's record citations that do not check against the case's index (`reportkit cite-check`)."""
    from reportkit.citecheck.run import cite_check, failing
    from reportkit.draft.pipeline import INDEX_DIR

    if not (case_dir / INDEX_DIR / "index.json").is_file():
        return []
    return [f"{r.citation}: {r.detail}" for r in failing(cite_check(draft, case_dir))]


templates_app = typer.Typer(
    help="Export the built-in draft templates, or check your own.", no_args_is_help=True, rich_markup_mode=None
)


@templates_app.command("export")
def templates_export(
    folder: Annotated[Path, typer.Argument(help="Folder to copy the templates into.")],
    force: Annotated[bool, typer.Option("--force", help="Replace files that exist.")] = False,
    debug: Debug = False,
) -> None:
    """Copy the built-in templates (and a reference.docx for letterhead) to FOLDER, to start your own."""
    from reportkit.draft import export_templates

    with reporting(debug):
        written = export_templates(folder, force=force)
        say(f"Wrote {', '.join(p.name for p in written)} to {folder}/. Edit them, check them with "
             f"`reportkit templates check {folder}`, and draft with --templates {folder}.")  # fmt: skip


@templates_app.command("check")
def templates_check(
    folder: Annotated[Path | None, typer.Argument(help="Your templates folder [default: the built-ins].")] = None,
    debug: Debug = False,
) -> None:
    """Render templates against sample contexts: undefined names, unsafe access, syntax, markup."""
    from reportkit.draft.templatecheck import check_templates

    with reporting(debug):
        reports = check_templates(folder)
        bad = 0
        for report in reports:
            if report.problems:
                bad += 1
                for problem in report.problems:
                    typer.echo(f"FAIL {report.name}: {problem}")
            else:
                typer.echo(f"ok   {report.name} (rendered with {report.checked} sample context(s))")
        raise typer.Exit(int(ExitCode.FINDINGS if bad else ExitCode.OK))


def finalize(
    case_dir: Annotated[Path, typer.Argument(help="Case folder whose Word draft the physician signed.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Drafts folder [default: CASE_DIR/drafts].")] = None,
    templates: Annotated[Path | None, typer.Option("--templates", help="Your templates folder, if any.")] = None,
    despite_findings: Annotated[
        bool,
        typer.Option(
            "--despite-findings",
            help="Finalize although `check` finds problems (recorded in final.json); "
            "never with placeholders left or a draft out of date.",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a PDF in the drafts folder you made yourself.")
    ] = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Make the PDF of the signed Word draft and record both by SHA-256 (final.json) for packet and verify."""
    from reportkit.draft.final import finalize_case

    with reporting(debug):
        result = finalize_case(case_dir, out=out, templates=templates, despite_findings=despite_findings,
                               force=force)  # fmt: skip
        for finding in result.findings:
            typer.echo(f"FAIL {finding.rule}: {finding.message}" + (f"  [{finding.where}]" if finding.where else ""))
        if not result.ok:
            say(f"Not finalized: {len(result.findings)} problem(s); nothing was written.")
            raise typer.Exit(int(ExitCode.FINDINGS))
        if not quiet:
            docx, pdf = result.record["docx"], result.record["pdf"]
            if result.already:
                say(f"Already finalized: {docx['name']} and {pdf['name']} are the recorded versions.")
            else:
                say(f"Finalized {docx['name']} (SHA-256 {docx['sha256']}) as {pdf['name']}, {pdf['pages']} page(s) "
                     f"(SHA-256 {pdf['sha256']}); recorded in {result.written[-1]}.")  # fmt: skip

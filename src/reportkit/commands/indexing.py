"""`reportkit index`, `schema` and `search`."""

import dataclasses
import sys
from pathlib import Path
from typing import Annotated

import typer

from reportkit import api, cite
from reportkit.commands.common import Debug, OcrMode, ProgressBar, choice, reporting, say
from reportkit.errors import UsageError
from reportkit.models import RecordIndex
from reportkit.understand.duplicates import DEFAULT_THRESHOLD


def index(
    inputs: Annotated[
        list[Path], typer.Argument(help="PDF files and/or folders (a folder: every *.pdf below it, by path).")
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for index.json, .csv, .md, .docx, .html, search.sqlite and run.json."),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace outputs that already exist.")] = False,
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="Text file of passwords to try, one per line.")
    ] = None,
    gap_days: Annotated[int, typer.Option("--gap-days", min=1, help="List treatment gaps longer than this.")] = 30,
    overrides: Annotated[
        Path | None, typer.Option("--overrides", help="A reviewer's corrections (YAML): types, dates, splits...")
    ] = None,
    duplicate_threshold: Annotated[
        float,
        typer.Option(
            "--duplicate-threshold", min=0.01, max=1.0, help="Similarity (0-1) at which a document is a re-sent copy."
        ),
    ] = DEFAULT_THRESHOLD,
    explain: Annotated[
        list[str] | None,
        typer.Option("--explain", help="Print why document DOC_ID got its type and date (repeatable)."),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Processes reading PDFs [default: CPU count].")
    ] = None,
    file_timeout: Annotated[
        float, typer.Option("--file-timeout", min=1, help="Seconds a file may take to read before it is skipped.")
    ] = 300.0,
    max_memory: Annotated[
        int, typer.Option("--max-memory", min=256, help="MB one reading process may use before its file is skipped.")
    ] = 2048,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Read every file again; don't use the text cache.")
    ] = False,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Text cache folder [default: ~/.cache/reportkit].")
    ] = None,
    bates_map: Annotated[
        Path | None,
        typer.Option(
            "--bates-map",
            help="A packet's bates_map.json: index.md, .csv and .docx cite Bates numbers instead of pages.",
        ),
    ] = None,
    cite: Annotated[
        str | None,
        typer.Option("--cite", help="pages or bates [default: bates with --bates-map, else pages]."),
    ] = None,
    ocr: Annotated[
        OcrMode,
        typer.Option(
            "--ocr",
            case_sensitive=False,
            help="OCR pages with no usable text layer (auto), every page (always), or none (never).",
        ),
    ] = OcrMode.auto,
    ocr_lang: Annotated[str, typer.Option("--ocr-lang", help="Tesseract language(s), e.g. eng or eng+spa.")] = "eng",
    ocr_dpi: Annotated[
        int,
        typer.Option(
            "--ocr-dpi",
            min=100,
            max=600,
            help="Resolution pages are OCR'd at (a page that is one scan: its own, up to this).",
        ),
    ] = 300,
    ocr_timeout: Annotated[
        float, typer.Option("--ocr-timeout", min=1, help="Seconds OCR of one page may take before it is skipped.")
    ] = 120.0,
    ocr_output: Annotated[
        Path | None,
        typer.Option("--ocr-output", help="Also write a searchable copy of the bundle (invisible OCR text) here."),
    ] = None,
    since: Annotated[
        Path | None,
        typer.Option("--since", help="A previous index.json (or its folder): report new, changed and gone documents."),
    ] = None,
    link_base: Annotated[
        str | None,
        typer.Option(
            "--link-base",
            help="index.html links files as LINK_BASE/their name in the index, for a bundle that will move: a URL, "
            "or a folder (relative to the working folder) [default: the files' paths from --out].",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and parser messages.")] = False,
) -> None:
    """Index record PDFs: split into documents, type and date each, write a page-cited chronology."""
    with reporting(debug):
        style = choice("--cite", cite or ("bates" if bates_map else "pages"), ("pages", "bates"))
        if style == "bates" and bates_map is None:
            from reportkit.errors import UsageError

            raise UsageError(
                "--cite bates needs the packet's Bates map.", hint="Add --bates-map PACKET_DIR/bates_map.json."
            )
        options = api.IndexOptions(
            passwords=api.read_password_file(password_file) if password_file else (),
            gap_days=gap_days,
            duplicate_threshold=duplicate_threshold,
            overrides=overrides,
            file_timeout=file_timeout,
            max_memory_mb=max_memory,
            use_cache=not no_cache,
            cache_dir=cache_dir,
            force=force,
            bates_map=bates_map if style == "bates" else None,
            ocr=ocr.value,
            ocr_lang=ocr_lang,
            ocr_dpi=ocr_dpi,
            ocr_timeout=ocr_timeout,
            ocr_output=ocr_output,
            since=since,
            link_base=link_base,
        )
        if jobs:
            options = dataclasses.replace(options, jobs=jobs)
        with ProgressBar(enabled=not quiet and sys.stderr.isatty()) as bar:
            result = api.index_bundle(inputs, out, options, progress=bar)
        for skipped in result.skipped:
            say(f"skipped: {skipped.reason}")
        for warning in result.summary.warnings:
            if warning.startswith("overrides line"):
                say(f"warning: {warning}")
        for doc_id in explain or []:
            _explain(result.index, doc_id)
        for note in result.notes:
            say(f"note: {note}")
        if result.summary.since is not None and not quiet:
            from reportkit.index.since import summary_line

            say(f"Since {since}: {summary_line(result.summary.since)}.")
        if debug:
            for line in result.debug:
                say(f"debug: {line}")
        if not quiet:
            _summary(result, out)
        raise typer.Exit(int(result.exit_code))


def _explain(ix: RecordIndex, doc_id: str) -> None:
    """Print a document's evidence and the reasons for its type and date (on stdout: it is the answer)."""
    try:
        doc = ix.document(doc_id.strip().upper())
    except KeyError:
        ids = sorted(d.id for d in ix.documents)
        raise UsageError(
            f"--explain {doc_id}: no such document (the index was written all the same).",
            hint=f"Ids run from {ids[0]} to {ids[-1]} (see index.md).",
        ) from None
    typer.echo(f"{doc.id}  {cite.pages(doc.first_page, doc.last_page)}  {doc.doc_type}  {doc.date or 'undated'}")
    for topic in ("boundary", "doc_type", "date", "provider"):
        for n, line in enumerate(doc.explain.get(topic, [])):
            typer.echo(f"  {topic + ':' if n == 0 else '':<10} {line}")
    if doc.overridden:
        typer.echo(f"  {'override:':<10} set by the reviewer: {', '.join(doc.overridden)}")
    if doc.duplicate_of:
        typer.echo(f"  {'copy:':<10} duplicate of {doc.duplicate_of} ({doc.duplicate_similarity:.0%} similar)")
    for warning in doc.warnings:
        typer.echo(f"  {'review:':<10} {warning}")


def _summary(result: api.IndexResult, out: Path) -> None:
    ix = result.summary
    dups = ix.duplicates
    say(
        f"Indexed {ix.page_count} pages from {len(ix.sources)} file(s) into {ix.documents} documents"
        f"{f' and {dups} duplicate(s)' if dups else ''} in {result.seconds:.1f} s"
        f"{' (the whole result from the cache)' if result.from_cache else ''}.",
    )
    if ix.gaps:
        say(f"Treatment gaps over {ix.settings.get('gap_days')} days: {ix.gaps}.")
    if ix.review_items:
        say(
            f"{ix.review_items} item(s) for review: see 'For review' in {out / 'index.md'}, or open "
            f"{out / 'index.html'} (or `reportkit review`) for every row to check, most urgent first."
        )
    if ix.earliest:
        when, doc_type, first, last = ix.earliest
        say(f"Earliest: {when} {doc_type.replace('_', ' ')} ({cite.pages(first, last)}).")
    inside = [p for p in result.written if p.parent == out]
    say(f"Wrote {', '.join(p.name for p in inside)} to {out}/")
    for other in result.written:
        if other not in inside:
            say(f"Wrote the searchable copy to {other}")


# --- drafting -----------------------------------------------------------------------------------------------


def schema() -> None:
    """Print the JSON Schema of case.yaml, for editors that check YAML against a schema.

    Save it (reportkit schema > case.schema.json) and point your editor at it, e.g. with a first line
    `# yaml-language-server: $schema=case.schema.json` in case.yaml (VS Code YAML extension). Every field,
    its type and its description is listed; unknown fields are errors.
    """
    from reportkit.draft.case import json_schema

    typer.echo(json_schema(), nl=False)


def search(
    query: Annotated[str, typer.Argument(help='Words, a "phrase", a prefix* or AND/OR/NOT (SQLite FTS5 syntax).')],
    paths: Annotated[
        list[Path],
        typer.Argument(help="Index folders, case folders, batch --out folders, or folders holding several."),
    ],
    doc_type: Annotated[
        list[str] | None, typer.Option("--type", "-t", help="Only pages of this document type (repeatable).")
    ] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Only documents dated on/after YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Only documents dated on/before YYYY-MM-DD.")] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", help="Only documents whose provider contains this (any case).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Print at most this many hits.")] = 20,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the hits.")] = False,
    debug: Debug = False,
) -> None:
    """Find pages across indexed cases (search.sqlite beside index.json): case, document, page and a snippet."""
    with reporting(debug):
        from reportkit.index.search import Filters

        filters = Filters(tuple(doc_type or ()), date_from, date_to, provider)
        found = api.search(paths, query, filters, limit + 1, warn=lambda m: say(f"warning: {m}"))
        hits, more = found[:limit], len(found) > limit  # one more asked for, to tell whether any were left out
        for hit in hits:
            where = "  ".join(
                part
                for part in (hit.document or "-", hit.doc_type or "", hit.date or "undated", hit.provider or "")
                if part
            )
            typer.echo(f"{hit.case}  p. {hit.page}  {where}")
            typer.echo(f"    {hit.snippet}")
        if not quiet:
            shown = f"The first {len(hits)} hit(s); more pages match (raise --limit to see them)."
            say(shown if more else f"{len(hits)} hit(s)." if hits else "No pages match.")

"""Case folder → drafts: the order of the drafting stages, as plain functions the CLI calls.

>>> from reportkit.draft import draft_case
>>> result = draft_case(Path("samples/ime-case"))
>>> result.written
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from reportkit.cite import Citation, MappedCitation, PageCitation
from reportkit.cite import pages as cite_pages
from reportkit.draft import render, wordcopy
from reportkit.draft.case import CASE_FILE, ImeCase, SecondOpinionCase, load_case
from reportkit.draft.context import build_context
from reportkit.draft.profiles import load_profile
from reportkit.draft.readability import grade
from reportkit.draft.writer import private_folder, remove_folders, write_drafts
from reportkit.errors import IndexFileError, InputError, OutputError, TemplateError, UsageError
from reportkit.models import SCHEMA, RecordIndex
from reportkit.publish import clean_stale, interrupted, replace_together

RECORDS_DIR = "records"
INDEX_DIR = "index"
OVERRIDES_FILE = "overrides.yaml"
"""A reviewer's corrections to the case's index (``reportkit review`` writes them): applied whenever the case
is indexed."""
DRAFTS_DIR = "drafts"
DEFAULT_FORMATS = ("docx", "md", "html")


@dataclass(frozen=True)
class DraftOptions:
    out: Path | None = None
    """Folder for the drafts; None means CASE_DIR/drafts."""
    formats: tuple[str, ...] = DEFAULT_FORMATS
    templates: Path | None = None
    """A folder of user templates (missing ones come from the built-ins)."""
    force: bool = False
    """Replace drafts even if they were edited since reportkit wrote them (and, when the records changed, an
    index.json corrected by hand)."""
    index: Path | None = None
    """An index.json to use instead of indexing CASE_DIR/records."""
    citation: Citation = field(default_factory=PageCitation)
    bates_map: Path | None = None
    """A packet's bates_map.json (or packet folder): cite Bates numbers instead of pages."""
    jobs: int | None = None
    use_cache: bool = True
    addendum: bool = False
    """Draft only the addendum (IME cases): the records new or changed since ``since``, or since the case's
    index as it was before the records changed."""
    since: Path | None = None
    """The previous index.json (or its folder) the addendum compares with."""
    comparison: Callable[[Path], dict[str, Any]] | None = None
    """Given the index's place, the treating-vs-IME comparison for the draft's appendix (``comparison`` in the
    template context); the command layer passes it (``draft --compare``): draft does not import compare."""
    passwords: tuple[str, ...] = ()
    """Passwords to try on encrypted records (``--password-file``)."""


@dataclass(frozen=True)
class CaseIndex:
    index: RecordIndex
    how: str
    """``reused`` (CASE_DIR/index/index.json matched records/), ``indexed``, ``given`` (--index) or ``empty``."""
    warnings: list[str]


@dataclass(frozen=True)
class DraftResult:
    kind: str
    placeholders: int
    readability: float | None
    """Flesch-Kincaid grade of the letter's text (second opinions only)."""
    index_how: str
    documents: int
    seconds: float
    warnings: list[str]
    written: list[Path]
    kept: list[str] = field(default_factory=list)
    """The parts of the physician's Word draft whose text was kept (a re-draft around Word edits)."""
    skipped: int = 0
    """Record files the index could not read, or read only in part (each named in ``warnings``): the drafts
    leave them out, or hold what could be read of them."""


def _record_files(records: Path) -> list[Path]:
    if not records.is_dir():
        return []
    return sorted(p for p in records.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())


def empty_index() -> RecordIndex:
    return RecordIndex(sources=[], page_count=0, pages=[], documents=[], schema=SCHEMA)


def _index_place(case_dir: Path, options: DraftOptions, how: str) -> Path | None:
    """Where the index a draft uses was written (its folder or index.json), if anywhere."""
    if how == "given":
        return options.index
    return case_dir / INDEX_DIR if how in ("reused", "indexed") else None


def case_index(case_dir: Path, options: DraftOptions | None = None) -> CaseIndex:
    """The case's record index (given, reused or made), without the documents of another patient than the
    bundle's main one that no reviewer confirmed: a draft never cites a misfiled record (a warning names them)."""
    ci = _case_index(case_dir, options)
    held_out = ci.index.misfiled()
    if not held_out:
        return ci
    listed = ", ".join(f"{d.id} ({cite_pages(d.first_page, d.last_page)})" for d in held_out[:8])
    more = f" and {len(held_out) - 8} more" if len(held_out) > 8 else ""
    warning = (
        f"{len(held_out)} document(s) of another patient than the bundle's main one left out of the draft: "
        f"{listed}{more}. If they belong to this case, confirm them with 'patient_confirmed: true' in an "
        "overrides file and index again."
    )
    kept = [d for d in ci.index.documents if d not in held_out]
    return dataclasses.replace(
        ci, index=dataclasses.replace(ci.index, documents=kept), warnings=[*ci.warnings, warning]
    )


def _case_index(case_dir: Path, options: DraftOptions | None = None) -> CaseIndex:
    """The case's record index: CASE_DIR/index/index.json when it matches records/ (by SHA-256), else a new
    index of records/ written there. An empty or missing records/ gives an empty index and a warning."""
    from reportkit.api import IndexOptions, index_bundle, load_index

    options = options or DraftOptions()
    records = case_dir / RECORDS_DIR
    files = _record_files(records)
    if options.index is not None:
        given = load_index(options.index)
        indexed = {s.sha256 for s in given.sources}
        on_disk = {hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
        warnings = []
        if on_disk and not indexed & on_disk:
            warnings.append(
                f"{options.index}: none of its files is in {records} — is it the index of another case? "
                "The draft cites that index's pages."
            )
        elif on_disk != indexed:
            warnings.append(
                f"{options.index}: its files differ from those in {records} "
                f"({len(indexed - on_disk)} only in the index, {len(on_disk - indexed)} only in records/)."
            )
        return CaseIndex(given, "given", warnings)
    if not files:
        return CaseIndex(empty_index(), "empty", [f"{records}: no PDF records; the records-reviewed list is empty."])
    shas = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in files)
    index_dir = case_dir / INDEX_DIR
    clean_stale(index_dir, [_INDEX_STATE])  # left by a draft that was killed as it wrote it
    existing: RecordIndex | None = None
    if (index_dir / "index.json").is_file():
        try:
            existing = load_index(index_dir)
        except (InputError, IndexFileError):
            existing = None  # damaged or from another version: index again
        if existing is not None:
            known = sorted([s.sha256 for s in existing.sources] + [s.sha256 or "" for s in existing.skipped])
            corrected = existing.settings.get("overrides_sha256")
            locked = any(s.problem in ("encrypted", "wrong_password") for s in existing.skipped)
            if known == shas and corrected == _overrides_sha256(case_dir) and not (locked and options.passwords):
                return CaseIndex(existing, "reused", _skipped_warnings(existing))
        if not options.force and _hand_edited(index_dir):
            raise OutputError(
                f"{index_dir / 'index.json'}: the records changed, and this index was not written by `reportkit "
                "draft` or was corrected by hand since; not replaced.",
                hint=f"Move {index_dir} away (draft then indexes the records anew and keeps your edited drafts; "
                "re-apply any corrections to the new index). --force replaces the index too, but also starts the "
                "drafts again from case.yaml (your edited ones are set aside in previous/).",
            )
    kwargs: dict[str, object] = {"force": True, "use_cache": options.use_cache}
    if (case_dir / OVERRIDES_FILE).is_file():
        kwargs["overrides"] = case_dir / OVERRIDES_FILE
    from reportkit.packet.case import read_header

    kwargs["case_header"] = read_header(case_dir) or None  # index.html and index.docx name the examinee, claim
    if options.addendum and options.since is None and existing is not None:
        kwargs["since"] = index_dir / "index.json"  # the addendum lists what is new since this index
    if options.jobs:
        kwargs["jobs"] = options.jobs
    if options.passwords:
        kwargs["passwords"] = options.passwords
    unfinished = interrupted(index_dir) is not None
    result = index_bundle([records], index_dir, IndexOptions(**kwargs))  # type: ignore[arg-type]
    remember_index(index_dir)
    found = [f"{index_dir}: an index left unfinished by a stopped run was found and made again."] if unfinished else []
    return CaseIndex(result.index, "indexed", [*found, *_skipped_warnings(result.index)])


_INDEX_STATE = ".reportkit-index.sha256"
"""SHA-256 of the index.json `draft` wrote, to tell a hand-corrected index from its own."""


def _overrides_sha256(case_dir: Path) -> str | None:
    """SHA-256 of the case's overrides file, None without one (as index.json's settings record it)."""
    try:
        return hashlib.sha256((case_dir / OVERRIDES_FILE).read_bytes()).hexdigest()
    except OSError:
        return None


def remember_index(index_dir: Path) -> None:
    """Note index.json as reportkit's own (``draft`` and ``review``, which rebuild the case's index, call it)."""
    digest = hashlib.sha256((index_dir / "index.json").read_bytes()).hexdigest()
    with contextlib.suppress(OutputError):  # without it the next change of records asks for --force; nothing lost
        replace_together(index_dir, {_INDEX_STATE: (digest + "\n").encode("ascii")}, "the index's checksum")


def _hand_edited(index_dir: Path) -> bool:
    """index.json exists and is not byte-for-byte what `draft` last wrote there."""
    path = index_dir / "index.json"
    if not path.exists() or interrupted(index_dir) is not None:  # a stopped run's files are reportkit's own
        return False
    try:
        recorded = (index_dir / _INDEX_STATE).read_text(encoding="ascii").strip()
    except OSError:
        return True
    return recorded != hashlib.sha256(path.read_bytes()).hexdigest()


def _skipped_warnings(index: RecordIndex) -> list[str]:
    """The record files the drafts leave out or have only in part (a damaged one's recovered pages)."""
    return [f"not indexed: {s.reason}" for s in index.skipped] + [f"read in part: {w}" for w in _damaged(index)]


def _damaged(index: RecordIndex) -> list[str]:
    return [part.reason for part in index.read_in_part]


def render_case(
    case_dir: Path, options: DraftOptions | None = None
) -> tuple[ImeCase | SecondOpinionCase, render.Rendered, CaseIndex]:
    """Load, index and render without writing drafts."""
    options = options or DraftOptions()
    if options.templates is not None and not options.templates.is_dir():
        raise TemplateError(f"{options.templates}: not a folder of templates.",
                            hint="Run `reportkit templates export DIR` for a starting set.")  # fmt: skip
    case = load_case(case_dir)
    profile = load_profile(case.jurisdiction, case_dir)
    ci = case_index(case_dir, options)
    context = build_context(case, ci.index, profile, _citation(options, ci.index))
    at = _index_place(case_dir, options, ci.how)
    if options.comparison is not None and at is not None:
        context["comparison"] = options.comparison(at)
    return case, render.render(case.kind, context, options.templates), ci


def draft_case(case_dir: Path, options: DraftOptions | None = None) -> DraftResult:
    """Index (or reuse the index of) CASE_DIR/records and write the drafts in the asked-for formats."""
    options = options or DraftOptions()
    clock = time.perf_counter()
    if not case_dir.is_dir():
        raise InputError(f"{case_dir}: not a case folder.", hint="Run `reportkit init CASE_DIR` first.")
    render.check_formats(options.formats)
    if "pdf" in options.formats:
        render.require_soffice()  # before any work
    if options.addendum:
        return _draft_addendum(case_dir, options, clock)
    kind = load_case(case_dir).kind  # a finalized report is refused before anything is indexed or written
    wordcopy.refuse_finalized(options.out or case_dir / DRAFTS_DIR, f"{render.OUTPUT_STEMS[kind]}.docx")
    case, rendered, ci = render_case(case_dir, options)
    out = options.out or case_dir / DRAFTS_DIR
    made = _write(rendered, options, out, _made_from(case_dir, options, ci))
    readability = grade(made.text) if case.kind == "second-opinion" else None
    return DraftResult(
        kind=case.kind,
        placeholders=len(render.PLACEHOLDER_RE.findall(made.text)),
        readability=readability,
        index_how=ci.how,
        documents=len(ci.index.documents),
        seconds=time.perf_counter() - clock,
        warnings=[*ci.warnings, *made.notes],
        written=made.written,
        kept=made.kept,
        skipped=len(ci.index.skipped) + len(_damaged(ci.index)),
    )


@dataclass(frozen=True)
class _Written:
    written: list[Path]
    notes: list[str]
    kept: list[str]
    text: str
    """The draft's text as written (the Word copy's, when it carries the physician's edits)."""


def _write(rendered: render.Rendered, options: DraftOptions, out: Path, made_from: dict[str, Any]) -> _Written:
    """Make the drafts around the physician's Word copy (``wordcopy``) and write them, all or none; the
    physician's DOCX as it was goes to previous/ first."""
    made = wordcopy.make(rendered, options.formats, options.templates, out, force=options.force, made_from=made_from)
    if made.previous:
        replace_together(private_folder_of(out / wordcopy.PREVIOUS_DIR), made.previous, "the previous drafts")
    written = write_drafts(out, made.files, force=options.force, carried=made.carried, facts=made.facts)
    return _Written(written, made.notes, made.kept, made.text)


def private_folder_of(path: Path) -> Path:
    try:
        private_folder(path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the folder ({exc.strerror}).", hint="Choose another --out.") from None
    return path


def _made_from(case_dir: Path, options: DraftOptions, ci: CaseIndex) -> dict[str, Any]:
    """What a draft was made from, for `check` to tell when it is out of date: the SHA-256 of case.yaml, of
    the index.json used (when it is a file) and of each record file the index read."""
    place = _index_place(case_dir, options, ci.how)
    index_file = place / "index.json" if place is not None and place.is_dir() else place
    facts: dict[str, Any] = {
        "case_yaml": hashlib.sha256((case_dir / CASE_FILE).read_bytes()).hexdigest(),
        "records": sorted({s.sha256 for s in ci.index.sources} | {s.sha256 or "" for s in ci.index.skipped} - {""}),
    }
    if index_file is not None and index_file.is_file():
        facts["index_json"] = hashlib.sha256(index_file.read_bytes()).hexdigest()
    if options.bates_map is not None:  # check flags the page citations typed in Word; the path from drafts/
        out = (options.out or case_dir / DRAFTS_DIR).absolute()
        facts["bates_map"] = os.path.relpath(options.bates_map.absolute(), out)
    return facts


def _draft_addendum(case_dir: Path, options: DraftOptions, clock: float) -> DraftResult:
    """addendum.{docx,md,html}: the records new or changed since the previous index, cited."""
    from reportkit.api import load_previous
    from reportkit.draft.context import addendum_context
    from reportkit.index.search import stored_texts
    from reportkit.index.since import compare_since

    if options.templates is not None and not options.templates.is_dir():
        raise TemplateError(f"{options.templates}: not a folder of templates.",
                            hint="Run `reportkit templates export DIR` for a starting set.")  # fmt: skip
    case = load_case(case_dir)
    if not isinstance(case, ImeCase):
        raise UsageError(f"{case_dir}: --addendum drafts IME addenda only (this case is {case.kind}).")
    previous = load_previous(options.since) if options.since is not None else None
    profile = load_profile(case.jurisdiction, case_dir)
    ci = case_index(case_dir, options)
    index = ci.index
    if previous is not None:
        assert options.since is not None
        place = _index_place(case_dir, options, ci.how)
        index = compare_since(index, options.since, previous, stored_texts(place, index) if place else None)
    elif index.since is None:
        raise UsageError(
            f"{case_dir / INDEX_DIR / 'index.json'}: nothing to compare with — the index matches records/ and "
            "records no earlier index.",
            hint="Give the index of the records the report reviewed: --since PREVIOUS/index.json.",
        )
    citation = _citation(options, index)
    context = {**build_context(case, index, profile, citation), "addendum": addendum_context(index, citation)}
    rendered = render.render("addendum", context, options.templates)
    made = _write(rendered, options, options.out or case_dir / DRAFTS_DIR, _made_from(case_dir, options, ci))
    return DraftResult(
        kind="addendum",
        written=made.written,
        placeholders=len(render.PLACEHOLDER_RE.findall(made.text)),
        readability=None,
        index_how=ci.how,
        documents=len(context["addendum"]["records"]),
        seconds=time.perf_counter() - clock,
        warnings=[*ci.warnings, *made.notes],
        kept=made.kept,
        skipped=len(ci.index.skipped) + len(_damaged(ci.index)),
    )


def _scaffold(kind: str) -> str:
    return resources.files("reportkit").joinpath("draft", "scaffolds", f"{kind}.yaml").read_text(encoding="utf-8")


def init_case(case_dir: Path, kind: str) -> list[Path]:
    """Create CASE_DIR with a commented case.yaml for ``kind`` (mode 0600) and an empty records/ folder; the
    folders it creates are 0700. On a failure nothing is left: no temporary file, no empty folder it made."""
    if kind not in ("ime", "second-opinion"):
        raise UsageError(f"Unknown kind '{kind}'.", hint="Use --kind ime or --kind second-opinion.")
    target = case_dir / CASE_FILE
    if target.exists():
        raise OutputError(f"{target}: already exists; not replaced.", hint="Edit it, or choose another folder.")
    try:
        created = private_folder(case_dir / RECORDS_DIR)
    except OSError as exc:
        raise OutputError(f"{case_dir}: cannot create the case folder ({exc.strerror}).") from None
    try:
        replace_together(case_dir, {CASE_FILE: _scaffold(kind).encode("utf-8")}, "the case file")
    except OutputError:
        remove_folders(created)  # no half-made case folder
        raise
    return [target, case_dir / RECORDS_DIR]


def export_templates(out_dir: Path, force: bool = False) -> list[Path]:
    """Copy the built-in templates (and a reference.docx for letterhead and styles) to ``out_dir``."""
    from reportkit.draft.markupdocx import to_docx

    names = [*render.TEMPLATE_NAMES.values(), render.STYLE_NAME, "README.md"]
    files = {n: resources.files("reportkit").joinpath("templates", n).read_bytes() for n in names}
    files[render.REFERENCE_NAME] = to_docx([], "Letterhead and styles")
    clash = [n for n in files if (out_dir / n).exists()]
    if clash and not force:
        raise OutputError(f"{out_dir}: already holds {', '.join(clash)}.", hint="Use --force or another folder.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write the templates ({exc.strerror}).") from None
    replace_together(out_dir, files, "the templates")
    return [out_dir / n for n in files]


def copy_case(src: Path, dst: Path) -> Path:
    """A copy of a case folder without its index and drafts (for tests and trying things out)."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(INDEX_DIR, DRAFTS_DIR))
    return dst


def _citation(options: DraftOptions, index: RecordIndex) -> Citation:
    """Page citations, or Bates numbers from a packet's map (pages the packet did not produce keep ``p.``)."""
    if options.bates_map is None:
        return options.citation
    from reportkit.api import bates_labels, load_bates_map

    return MappedCitation(bates_labels(index, load_bates_map(options.bates_map), options.bates_map))

"""The library API: everything the command line does, as plain functions.

>>> from reportkit import index_bundle, IndexOptions
>>> result = index_bundle([Path("records/")], Path("out/"), IndexOptions())
>>> result.index.documents[0].doc_type
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportkit import models, publish
from reportkit.errors import EncryptedError, ExitCode, IndexFileError, InputError, OutputError
from reportkit.index import export, htmlpage
from reportkit.index.chronology import chronological, find_gaps
from reportkit.index.load import load_index as load_index  # part of the library API
from reportkit.index.summary import IndexSummary
from reportkit.ingest.bundle import Bundle, InputFile, Progress, check_inputs, read_bundle
from reportkit.ingest.cache import PageCache, ResultCache, default_cache_dir, private_root
from reportkit.locks import holding
from reportkit.models import SCHEMA, Patient, RecordIndex, Skipped
from reportkit.understand.duplicates import DEFAULT_THRESHOLD
from reportkit.version import __version__

# OCR, overrides and search are imported where they are used: a re-run served from the result cache (and a
# command that does not index) never needs them.
if TYPE_CHECKING:
    from reportkit.index import search as search_db
    from reportkit.ingest.ocr import OcrSettings
    from reportkit.models import Document
    from reportkit.overrides import Overrides
    from reportkit.packet.build import PacketOptions, PacketResult
    from reportkit.packet.manifest import Verification
    from reportkit.workers import WorkerPool

TOOL = f"reportkit {__version__}"
OCR_MODES = ("auto", "always", "never")


@dataclass(frozen=True)
class IndexOptions:
    """Settings of one ``index`` run. Only ``gap_days``, ``duplicate_threshold``, ``overrides`` and the ``ocr``
    settings change what index.json says."""

    passwords: tuple[str, ...] = ()
    """Passwords to try on encrypted inputs (in order)."""
    jobs: int = field(default_factory=lambda: max(1, min(os.cpu_count() or 1, 8)))
    """Worker processes that read PDFs."""
    file_timeout: float = 300.0
    """Seconds one reading task may take before its file is skipped."""
    max_memory_mb: int = 2048
    """Memory (address space) one reading process may use before its file is skipped."""
    use_cache: bool = True
    cache_dir: Path | None = None
    """Where extracted text is cached; None means the default (see reportkit.ingest.cache)."""
    gap_days: int = 30
    """Treatment gaps longer than this many days are listed."""
    duplicate_threshold: float = DEFAULT_THRESHOLD
    """A document at least this similar (Jaccard of word shingles, 0-1) to an earlier one is its duplicate."""
    overrides: Path | None = None
    """A reviewer's overrides file (YAML; see reportkit.overrides)."""
    force: bool = False
    """Replace existing outputs."""
    bates_map: Path | None = None
    """A packet's bates_map.json: index.md, .csv and .docx then cite Bates numbers (index.json is unchanged)."""
    names_from: Path | None = None
    """The folder the files are named from in the index (their ``sources[].path``) [default: the folder that
    holds every input]: to index again exactly the files an index names (``reportkit review`` does)."""
    link_base: str | None = None
    """Where index.html's links to the source files point: this URL or folder followed by each file's name in
    the index (for a bundle that will move). By default, relative to the output folder."""
    ocr: str = "auto"
    """``auto``: OCR pages without a usable text layer; ``always``: OCR every page; ``never``."""
    ocr_lang: str = "eng"
    """Tesseract language(s), e.g. ``eng`` or ``eng+spa``."""
    ocr_dpi: int = 300
    """Resolution pages are rendered at for OCR."""
    ocr_timeout: float = 120.0
    """Seconds one tesseract run on one page may take before the page is marked unread."""
    ocr_output: Path | None = None
    """Also write a searchable copy of the bundle (an invisible text layer on OCR'd pages) to this PDF."""
    since: Path | None = None
    """A previous index.json (or its folder): keep its ids for unchanged documents and record in index.json
    which documents are new, changed or gone (see reportkit.index.since)."""


@dataclass(frozen=True)
class IndexResult:
    summary: IndexSummary
    """Counts, warnings and skipped files: what the command line prints."""
    written: list[Path]
    cache_hits: int
    seconds: float
    debug: list[str]
    """Parser messages (may quote file bytes): show only with --debug."""
    from_cache: bool = False
    """The whole result came from the cache (inputs and settings unchanged)."""
    notes: list[str] = field(default_factory=list)
    """Things to tell the user once (e.g. that pages need OCR and how to install it)."""
    index_json: bytes = field(default=b"", repr=False)
    """The bytes of the index.json written."""
    built: RecordIndex | None = field(default=None, repr=False, compare=False)
    """The index, when this run built it (a run from the cache has only its bytes: see ``index``)."""

    @cached_property
    def index(self) -> RecordIndex:
        """The index written (read from ``index_json`` when first asked for, if the run came from the cache)."""
        return self.built if self.built is not None else RecordIndex.from_dict(json.loads(self.index_json))

    @property
    def skipped(self) -> list[Skipped]:
        return list(self.summary.skipped)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.PARTIAL if self.summary.skipped else ExitCode.OK


def read_password_file(path: Path) -> tuple[str, ...]:
    """Passwords, one per line (blank lines ignored; spaces inside a password kept)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: password file not found.", hint="Check the --password-file path.") from None
    except (OSError, UnicodeDecodeError):
        raise InputError(f"{path}: cannot read the password file.", hint="Save it as UTF-8 text.") from None
    passwords = tuple(line.rstrip("\r\n") for line in lines if line.strip())
    if not passwords:
        raise InputError(f"{path}: the password file is empty.", hint="Put one password per line.")
    return passwords


def build_index(
    inputs: Sequence[Path], options: IndexOptions | None = None, progress: Progress | None = None
) -> tuple[RecordIndex, Bundle, int]:
    """Read and understand the inputs; write nothing. Returns (index, bundle, cache hits)."""
    options = options or IndexOptions()
    overrides = _read_overrides(options)
    index, bundle, hits, _ = _build(check_inputs(inputs), options, overrides, None, progress, render=False)
    return index, bundle, hits


def _read_overrides(options: IndexOptions) -> Overrides | None:
    _check_threshold(options.duplicate_threshold)
    if not options.overrides:
        return None
    from reportkit.overrides import read_overrides

    return read_overrides(options.overrides)


def _check_threshold(value: float) -> None:
    if not 0.0 < value <= 1.0:
        raise InputError(
            f"duplicate threshold {value} is out of range.", hint="Give a similarity between 0 and 1, e.g. 0.85."
        )


def _cache_root(options: IndexOptions) -> Path | None:
    return private_root(options.cache_dir or default_cache_dir()) if options.use_cache else None


def _build(
    files: list[InputFile],
    options: IndexOptions,
    overrides: Overrides | None,
    previous: tuple[RecordIndex, str] | None,
    progress: Progress | None,
    render: bool = True,
) -> tuple[RecordIndex, Bundle, int, dict[str, bytes]]:
    """Read, analyse and (with ``render``) render: the index, the bundle it was made from, how many files'
    text came from the cache, and the output files' bytes."""
    # imported when needed: a run served from the result cache never loads them
    from reportkit.workers import Limits, WorkerPool, fewer_collections

    cache = PageCache(_cache_root(options))
    limits = Limits(timeout=options.file_timeout, memory_mb=options.max_memory_mb)
    preload = ("pypdfium2", "reportkit.ingest.bundle", "reportkit.understand.documents")
    with fewer_collections(), WorkerPool(options.jobs, limits, preload=preload, fork=True) as pool:
        pool.start()  # forked workers need nothing more; spawned ones start while this process finds Tesseract
        ocr_settings, ocr_note = _ocr_setup(options)
        from reportkit.understand.documents import build_documents

        bundle = read_bundle(
            files,
            passwords=options.passwords,
            pool=pool,
            cache=cache,
            progress=progress,
            ocr_mode=options.ocr,
            ocr_settings=ocr_settings,
            analyse=True,
        )
        if not bundle.sources:
            problems = {s.problem for s in bundle.skipped}
            reasons = [s.reason for s in bundle.skipped]
            # one file: one line; several: a line each, so that each file's problem can be read
            message = "Nothing could be indexed." + (
                "".join(f"\n  {r}" for r in reasons) if len(reasons) > 1 else "".join(f" {r}" for r in reasons)
            )
            error = EncryptedError if problems <= {"encrypted", "wrong_password"} and problems else InputError
            raise error(message, detail="\n".join(bundle.debug))
        documents, stale, patients = build_documents(
            bundle.texts,
            bundle.pages,
            bundle.sources,
            bundle.outline_starts,
            pool,
            overrides=overrides,
            duplicate_threshold=options.duplicate_threshold,
            known=bundle.analysed,
            sizes=bundle.sizes,
        )
        index = _assemble(documents, stale, bundle, options, overrides, ocr_note, patients)
        if previous is not None:
            from reportkit.index.since import compare_since

            assert options.since is not None
            index = compare_since(index, options.since, previous, bundle.texts, options.duplicate_threshold)
        pool.retire(keep=1)  # the other workers wind down while the outputs are written
        outputs = _render(index, bundle.texts, pool) if render else {}
    return index, bundle, cache.hits, outputs


def _assemble(
    documents: list[Document],
    stale: list[str],
    bundle: Bundle,
    options: IndexOptions,
    overrides: Overrides | None,
    ocr_note: str,
    patients: list[Patient] | None = None,
) -> RecordIndex:
    from reportkit.ingest.bundle import ocr_summary
    from reportkit.ingest.ocr import flag_low_confidence

    documents = flag_low_confidence(documents, bundle.pages, bundle.ocr)
    warnings = list(stale)
    no_text = sum(1 for p in bundle.pages if p.text_source == "none")
    if no_text:
        warnings.append(f"{no_text} of {len(bundle.pages)} pages have no text layer and need OCR")
    warnings.extend(ocr_summary(bundle, ocr_note))
    misfiled = models.misfiled(documents, list(patients or []))
    if misfiled:
        people = {d.patient for d in misfiled}
        warnings.append(
            f"{len(misfiled)} document(s) name {len(people)} patient(s) other than the bundle's main patient: check "
            "each before citing or producing it (see the documents' warnings); they are left out of the treatment "
            "gaps and of drafts, and packet refuses them, until a reviewer confirms them"
        )
    held_out = {d.id for d in misfiled}
    return RecordIndex(
        schema=SCHEMA,
        generator=TOOL,
        sources=bundle.sources,
        page_count=len(bundle.pages),
        pages=bundle.pages,
        documents=chronological(documents),
        gaps=find_gaps([d for d in documents if d.id not in held_out], options.gap_days),
        skipped=bundle.skipped,
        warnings=warnings,
        settings=_settings(options, overrides),
        patients=list(patients or []),
    )


PARALLEL_RENDER_PAGES = 300
"""From this many pages, index.md, .csv and .docx are rendered by a worker while this process writes
index.json and search.sqlite (a tenth of a 2,000-page run's time, otherwise spent one output after another)."""
_WORKER_OUTPUTS = ("index.csv", "index.md", "index.docx")


def _render(index: RecordIndex, texts: Sequence[str], pool: WorkerPool | None = None) -> dict[str, bytes]:
    """Every output file's bytes; the page texts go into search.sqlite (and with the outputs into the result
    cache). With ``pool`` (and a large index), a worker renders part of them meanwhile; whatever it fails to
    give is rendered here."""
    from reportkit.index import search as search_db
    from reportkit.workers import Outcome, Task

    shared = pool is not None and pool.jobs > 1 and index.page_count >= PARALLEL_RENDER_PAGES
    outcomes: Iterable[Outcome] = ()
    if pool is not None and shared:
        outcomes = pool.map([Task(0, "render", (index, _WORKER_OUTPUTS))])
    mine = [name for name in export.RENDERERS if not shared or name not in _WORKER_OUTPUTS]
    rendered = export.render_some(index, mine)
    rendered[search_db.FILE_NAME] = search_db.build(index, rendered["index.json"], texts)
    for outcome in outcomes:
        if outcome.ok:
            rendered.update(outcome.value)
    missing = [name for name in export.RENDERERS if name not in rendered]
    rendered.update(export.render_some(index, missing))
    rendered[htmlpage.FILE_NAME] = htmlpage.render(index)  # its links are put in when it is written
    return {name: rendered[name] for name in (*export.RENDERERS, htmlpage.FILE_NAME, search_db.FILE_NAME)}


def _settings(options: IndexOptions, overrides: Overrides | None) -> dict[str, object]:
    """The settings that change what the index says (recorded in index.json and in cache keys)."""
    settings: dict[str, object] = {
        "gap_days": options.gap_days,
        "duplicate_threshold": options.duplicate_threshold,
        "ocr": options.ocr,
    }
    if options.ocr != "never":
        settings.update(ocr_lang=options.ocr_lang, ocr_dpi=options.ocr_dpi)
    if overrides is not None:
        settings["overrides_sha256"] = overrides.sha256
    return settings


def _ocr_setup(options: IndexOptions) -> tuple[OcrSettings | None, str]:
    """OCR settings for this run (None when OCR is off or unavailable) and, if unavailable, why."""
    if options.ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}, not {options.ocr!r}")
    if options.ocr == "never":
        return None, ""
    from reportkit.ingest.ocr import INSTALL_HINT, OcrSettings, find_tesseract, missing_langs

    engine = find_tesseract()
    if engine is None:
        return None, f"Tesseract (OCR) is not installed: {INSTALL_HINT}"
    missing = missing_langs(engine, options.ocr_lang)
    if missing:
        packages = " ".join(f"tesseract-ocr-{code.lower().replace('_', '-')}" for code in missing)
        return None, (
            f"Tesseract has no language data for {', '.join(missing)} (--ocr-lang {options.ocr_lang}): "
            f"install it (sudo apt-get install {packages}) or choose another --ocr-lang"
        )
    root = _cache_root(options)
    return OcrSettings(
        lang=options.ocr_lang,
        dpi=options.ocr_dpi,
        timeout=options.ocr_timeout,
        cache_dir=str(root) if root else None,
    ), ""


def ocr_settings(options: IndexOptions | None = None) -> tuple[OcrSettings | None, str]:
    """The OCR settings ``index`` would use (engine, language, resolution, cache, limits), for reading a
    referral letter; None and why when OCR is unavailable."""
    return _ocr_setup(replace(options or IndexOptions(), ocr="auto"))


def _engine_key(options: IndexOptions) -> str:
    """What the result cache must know of the OCR engine: a run without Tesseract is not reused with it."""
    if options.ocr == "never":
        return ""
    from reportkit.ingest.ocr import find_tesseract

    engine = find_tesseract()
    return f"{engine.version}|{','.join(engine.langs)}" if engine else "none"


def index_bundle(
    inputs: Sequence[Path],
    out_dir: Path,
    options: IndexOptions | None = None,
    progress: Progress | None = None,
) -> IndexResult:
    """Index the inputs and write index.json, index.csv, index.md, index.docx, search.sqlite and run.json to
    ``out_dir``.

    Raises InputError / EncryptedError when nothing could be indexed and OutputError when outputs exist
    (without ``force``) or cannot be written. Files that could not be read are listed in ``index.skipped``.
    A re-run on unchanged inputs and settings reuses the whole result from the cache.
    """
    with holding(out_dir):
        return _index_locked(inputs, out_dir, options or IndexOptions(), progress)


def _index_locked(
    inputs: Sequence[Path], out_dir: Path, options: IndexOptions, progress: Progress | None
) -> IndexResult:
    from reportkit.index.search import FILE_NAME as SEARCH_FILE

    bates_data = load_bates_map(options.bates_map) if options.bates_map else None
    unfinished = publish.interrupted(out_dir) is not None
    publish.clean_stale(out_dir, (*export.OUTPUT_NAMES, SEARCH_FILE, "run.json"))
    replace = options.force or unfinished  # a stopped run's files are no one's result: replace them, and say so
    if not replace and (clash := export.existing_outputs(out_dir)):
        raise OutputError(
            f"{out_dir}: already holds {', '.join(clash)}.",
            hint="Use --force to replace them, or choose another --out folder.",
        )
    if options.ocr_output is not None and options.ocr_output.exists() and not options.force:
        raise OutputError(
            f"{options.ocr_output}: already exists.", hint="Use --force to replace it, or choose another name."
        )
    started = datetime.now(UTC)
    clock = time.perf_counter()
    overrides = _read_overrides(options)
    previous = load_previous(options.since) if options.since is not None else None
    files = check_inputs(inputs, options.names_from)
    results = ResultCache(_cache_root(options))
    key = None
    if results.root is not None and all(f.sha256 and not f.skipped for f in files):
        settings = _settings(options, overrides)  # the OCR engine is checked only if OCR took part
        if previous is not None and options.since is not None:
            settings["since_sha256"] = previous[1]
            settings["since_texts_sha256"] = _since_texts_sha256(options.since)
        key = results.key([(f.label, f.sha256 or "") for f in files], settings)
    # the searchable copy needs the OCR readings themselves: no whole-result reuse then
    outputs = results.get(key, lambda: _engine_key(options)) if key and options.ocr_output is None else None
    debug: list[str] = []
    hits = 0
    searchable: Path | None = None
    ocr_run: dict[str, int] = {}
    index: RecordIndex | None = None
    summary = _stored_summary(outputs, results)
    if outputs is not None and summary is not None:
        hits = len(summary.sources)
    else:
        index, bundle, hits, outputs = _build(files, options, overrides, previous, progress)
        summary = IndexSummary.of(index)
        debug = bundle.debug
        if bundle.ocr:
            readings = bundle.ocr.values()
            ocr_run = {
                "pages": len(bundle.ocr),
                "from_cache": sum(1 for r in readings if r.cached),
                "failed": sum(1 for r in readings if r.failed),
            }
        if options.ocr_output is not None:
            from reportkit.ingest.searchable import write_searchable

            searchable = write_searchable(bundle, options.ocr_output, force=options.force)
        if key and not bundle.encrypted and not index.skipped:
            stored = {**outputs, _SUMMARY: summary.to_json()}
            results.put(key, stored, engine=_engine_key(options) if bundle.ocr_wanted else None)
    if bates_data is not None and options.bates_map is not None:
        if index is None:
            index = RecordIndex.from_dict(json.loads(outputs["index.json"]))
        lookup = bates_labels(index, bates_data, options.bates_map)
        outputs = {**outputs, **export.render_cited(index, lookup), htmlpage.FILE_NAME: htmlpage.render(index, lookup)}
    if htmlpage.FILE_NAME not in outputs:  # a result stored before index.html was written
        index = index or RecordIndex.from_dict(json.loads(outputs["index.json"]))
        outputs = {**outputs, htmlpage.FILE_NAME: htmlpage.render(index)}
    names = [s.path for s in index.sources] if index is not None else [f.label for f in files if not f.skipped]
    outputs = {
        **outputs,
        htmlpage.FILE_NAME: htmlpage.link(outputs[htmlpage.FILE_NAME], _hrefs(files, names, out_dir, options)),
    }
    seconds = time.perf_counter() - clock
    run = export.run_record(
        {
            "tool": TOOL,
            "started": started.isoformat(timespec="seconds"),
            "seconds": round(seconds, 3),
            "inputs": [{"sha256": sha256, "pages": pages} for sha256, pages in summary.sources],
            "skipped": [{"sha256": s.sha256, "problem": s.problem} for s in summary.skipped],
            "cache": "result" if results.hit else f"text of {hits} file(s)" if hits else "none",
            "settings": summary.settings,
            "cite": "bates" if bates_data is not None else "pages",
            **({"ocr": ocr_run} if ocr_run else {}),
        }
    )
    written = export.write_files(out_dir, {**outputs, "run.json": run}, force=replace)
    if searchable is not None:
        written.append(searchable)
    notes = [w for w in summary.warnings if "need OCR and were not read" in w]
    if unfinished:
        notes.insert(0, f"{out_dir} held an index left unfinished by a run that was stopped; it was replaced.")
    return IndexResult(
        summary, written, hits, seconds, debug, results.hit, notes, index_json=outputs["index.json"], built=index
    )


def _hrefs(files: Sequence[InputFile], names: Sequence[str], out_dir: Path, options: IndexOptions) -> list[str]:
    """Where index.html links each source file: ``--link-base`` + its name, else its path from ``out_dir``."""
    if options.link_base:
        return htmlpage.based(names, options.link_base)
    paths = {f.label: f.path for f in files}
    return htmlpage.hrefs([paths.get(name, Path(name)) for name in names], out_dir)


def _since_texts_sha256(since: Path) -> str:
    """SHA-256 of the search.sqlite beside a --since index ("" without one): its page texts tell re-scanned
    copies from changed documents, so a result made with them is not reused without them, or with others."""
    import hashlib

    from reportkit.index.search import beside

    try:
        return hashlib.sha256(beside(since).read_bytes()).hexdigest()
    except OSError:
        return ""


_SUMMARY = "reportkit-summary.json"
"""Stored with a result in the cache: its :class:`IndexSummary` (a re-run then need not parse index.json)."""


def _stored_summary(outputs: dict[str, bytes] | None, results: ResultCache) -> IndexSummary | None:
    """The summary stored with a cached result (taken out of ``outputs``); None, and no hit, if unreadable."""
    if outputs is None:
        return None
    try:
        return IndexSummary.from_json(outputs.pop(_SUMMARY))
    except (KeyError, ValueError, TypeError, IndexError):
        results.hit = False
        return None


def load_previous(path: Path) -> tuple[RecordIndex, str]:
    """A previous index for ``--since`` (an index.json or its folder) and the SHA-256 of its file."""
    import hashlib

    index = load_index(path)
    file = path / "index.json" if path.is_dir() else path
    if not all(d.content_sha256 for d in index.documents):
        raise IndexFileError(
            f"{file}: it records no content hashes (written by an older reportkit).",
            hint="Index those records again with this version, then use that index.json with --since.",
        )
    return index, hashlib.sha256(file.read_bytes()).hexdigest()


def bates_labels(index: RecordIndex, bates_map: dict[str, Any], path: Path) -> dict[int, str]:
    """Bundle page -> Bates number for the pages of ``index`` that the packet's map (read from ``path``)
    produced, matched through each file's SHA-256. Raises IndexFileError when none match or the map is damaged."""
    try:
        lookup = dict(export.bates_lookup(index, bates_map))
    except (KeyError, TypeError, ValueError):
        raise IndexFileError(f"{path}: the Bates map is incomplete or damaged.") from None
    if not lookup:
        raise IndexFileError(
            f"{path}: none of the indexed pages is in this Bates map.",
            hint="Give the bates_map.json of a packet made from these records.",
        )
    return lookup


def load_bates_map(path: Path) -> dict[str, Any]:
    """A packet's bates_map.json (or the packet folder holding one)."""
    if path.is_dir():
        path = path / "bates_map.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexFileError(
            f"{path}: not found.", hint="Give the bates_map.json that `reportkit packet` wrote."
        ) from None
    except (OSError, ValueError):
        raise IndexFileError(f"{path}: not a readable bates_map.json.") from None
    from reportkit.packet.batesmap import SCHEMA

    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise IndexFileError(f"{path}: not a reportkit Bates map (schema {SCHEMA} expected).")
    return data


def make_packet(
    inputs: Sequence[Path], out_dir: Path, options: PacketOptions | None = None, progress: Progress | None = None
) -> PacketResult:
    """Build a dispute-ready packet (Bates-stamped exhibits, exhibit list, bates_map.json, manifest.json) from
    record PDFs/folders or a case folder. See :mod:`reportkit.packet.build`."""
    from reportkit.packet.build import make_packet as build

    return build(inputs, out_dir, options, progress, index_records=_packet_index)


def _packet_index(
    records: Sequence[Path], options: PacketOptions, progress: Progress | None
) -> tuple[RecordIndex, list[str]]:
    """The index a packet is made from, when it is given none: the records indexed as ``index`` does."""
    index_options = IndexOptions(passwords=options.passwords, use_cache=options.use_cache, cache_dir=options.cache_dir)
    if options.jobs:
        index_options = replace(index_options, jobs=options.jobs)
    index, bundle, _ = build_index(records, index_options, progress)
    return index, bundle.debug


def verify_packet(packet_dir: Path, inputs: Sequence[Path] = ()) -> Verification:
    """Recompute every SHA-256 of a packet folder against its manifest.json; with ``inputs``, check the record
    files too. The result lists changed, missing and extra files (``.ok`` when there are none)."""
    from reportkit.packet.manifest import verify

    return verify(packet_dir, inputs)


def search(
    paths: Sequence[Path],
    query: str,
    filters: search_db.Filters | None = None,
    limit: int = 20,
    warn: Callable[[str], None] | None = None,
) -> list[search_db.Hit]:
    """Pages matching ``query`` (FTS5: words, "a phrase", prefix*, AND/OR/NOT) in the search.sqlite of every
    index folder below ``paths``, best first. See :func:`reportkit.index.search.search`."""
    from reportkit.index import search as search_db

    return search_db.search(paths, query, filters, limit, warn)

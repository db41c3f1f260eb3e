"""The library API: everything the command line does, as plain functions.

>>> from reportkit import index_bundle, IndexOptions
>>> result = index_bundle([Path("records/")], Path("out/"), IndexOptions())
>>> result.index.documents[0].doc_type
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportkit import publish
from reportkit.errors import IndexFileError, OutputError
from reportkit.index import export, htmlpage
from reportkit.index.load import load_index as load_index  # part of the library API
from reportkit.index.summary import IndexSummary
from reportkit.indexer.build import build
from reportkit.indexer.options import OCR_MODES as OCR_MODES  # part of the library API, as the next four
from reportkit.indexer.options import TOOL as TOOL
from reportkit.indexer.options import IndexOptions as IndexOptions
from reportkit.indexer.options import IndexResult as IndexResult
from reportkit.indexer.options import cache_root, check_ocr_output, engine_key, index_settings, read_options_overrides
from reportkit.indexer.options import ocr_settings as ocr_settings
from reportkit.indexer.options import read_password_file as read_password_file
from reportkit.ingest.bundle import Bundle, InputFile, Progress, check_inputs
from reportkit.ingest.cache import ResultCache
from reportkit.locks import holding
from reportkit.models import RecordIndex

# OCR, overrides and search are imported where they are used: a re-run served from the result cache (and a
# command that does not index) never needs them.
if TYPE_CHECKING:
    from reportkit.index import search as search_db
    from reportkit.packet.build import PacketOptions, PacketResult
    from reportkit.packet.manifest import Verification


def build_index(
    inputs: Sequence[Path], options: IndexOptions | None = None, progress: Progress | None = None
) -> tuple[RecordIndex, Bundle, int]:
    """Read and understand the inputs; write nothing. Returns (index, bundle, cache hits)."""
    options = options or IndexOptions()
    overrides = read_options_overrides(options)
    index, bundle, hits, _ = build(check_inputs(inputs), options, overrides, None, progress, render=False)
    return index, bundle, hits


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
    if options.ocr_output is not None:
        check_ocr_output(options.ocr_output, inputs)
    if options.ocr_output is not None and options.ocr_output.exists() and not options.force:
        raise OutputError(
            f"{options.ocr_output}: already exists.", hint="Use --force to replace it, or choose another name."
        )
    started = datetime.now(UTC)
    clock = time.perf_counter()
    overrides = read_options_overrides(options)
    previous = load_previous(options.since) if options.since is not None else None
    files = check_inputs(inputs, options.names_from)
    results = ResultCache(cache_root(options))
    key = None
    if results.root is not None and all(f.sha256 and not f.skipped for f in files):
        settings = index_settings(options, overrides)  # the OCR engine is checked only if OCR took part
        if previous is not None and options.since is not None:
            settings["since_sha256"] = previous[1]
            settings["since_texts_sha256"] = _since_texts_sha256(options.since)
        key = results.key([(f.label, f.sha256 or "") for f in files], settings)
    # the searchable copy needs the OCR readings themselves: no whole-result reuse then
    outputs = results.get(key, lambda: engine_key(options)) if key and options.ocr_output is None else None
    debug: list[str] = []
    hits = 0
    searchable: Path | None = None
    ocr_run: dict[str, int] = {}
    index: RecordIndex | None = None
    summary = _stored_summary(outputs, results)
    if outputs is not None and summary is not None:
        hits = len(summary.sources)
    else:
        index, bundle, hits, outputs = build(files, options, overrides, previous, progress, scratch=out_dir)
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
            engine = engine_key(options) if bundle.ocr_wanted else None
            # the stored set is not kept under a name: its unlinked index.html goes once the linked one is made
            results.put(key, {**outputs, _SUMMARY: summary.to_json()}, engine=engine)
    if bates_data is not None and options.bates_map is not None:
        if index is None:
            index = RecordIndex.from_dict(json.loads(outputs["index.json"]))
        lookup = bates_labels(index, bates_data, options.bates_map)
        case = options.case_header
        cited = {**export.render_cited(index, lookup, case), htmlpage.FILE_NAME: htmlpage.render(index, lookup, case)}
        outputs = {**outputs, **cited}
    elif options.case_header or htmlpage.FILE_NAME not in outputs:  # a case's header; an older stored result
        index = index or RecordIndex.from_dict(json.loads(outputs["index.json"]))
        page = htmlpage.render(index, case=options.case_header)
        outputs = {**outputs, htmlpage.FILE_NAME: page, "index.docx": export.to_docx(index, None, options.case_header)}
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
    # said on the terminal too: pages left unread (OCR unavailable, --ocr never), a file read only in part
    unread = [w for w in summary.warnings if "need OCR and were not read" in w]  # (OCR unavailable: says why)
    notes = unread or [w for w in summary.warnings if w.endswith("and need OCR")]
    notes += [part.reason for part in summary.read_in_part]
    if searchable is not None and options.ocr == "never":
        notes.append(f"{searchable}: --ocr never: the copy holds no OCR text (its pages are as they came).")
    if unfinished:
        notes.insert(0, f"{out_dir} held an index left unfinished by a run that was stopped; it was replaced.")
    return IndexResult(
        summary, written, hits, seconds, debug, results.hit, notes, index_json=outputs["index.json"], built=index
    )


def _hrefs(files: Sequence[InputFile], names: Sequence[str], out_dir: Path, options: IndexOptions) -> list[str]:
    """Where index.html links each source file: ``--link-base`` + its name, else its path from ``out_dir``. A
    relative ``--link-base`` folder is taken from the working folder, as paths on the command line are (the
    page holds it relative to ``out_dir``, where the browser reads it from)."""
    if options.link_base:
        base = options.link_base
        if "://" not in base and not os.path.isabs(base):
            base = Path(os.path.relpath(os.path.abspath(base), os.path.abspath(out_dir))).as_posix()
        return htmlpage.based(names, base)
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

"""Reading, understanding and rendering a bundle: the index and its output files' bytes, written nowhere."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from reportkit import models
from reportkit.errors import EncryptedError, InputError
from reportkit.index import export, htmlpage
from reportkit.index.chronology import chronological, find_gaps

# OCR, overrides and search are imported where they are used: a re-run served from the result cache (and a
# command that does not index) never needs them.
from reportkit.indexer.options import TOOL, IndexOptions, cache_root, index_settings, ocr_setup
from reportkit.ingest.bundle import Bundle, InputFile, Progress, read_bundle
from reportkit.ingest.cache import PageCache
from reportkit.models import SCHEMA, Patient, RecordIndex

if TYPE_CHECKING:
    from reportkit.models import Document
    from reportkit.overrides import Overrides
    from reportkit.workers import Outcome, WorkerPool


def build(
    files: list[InputFile],
    options: IndexOptions,
    overrides: Overrides | None,
    previous: tuple[RecordIndex, str] | None,
    progress: Progress | None,
    render: bool = True,
    scratch: Path | None = None,
) -> tuple[RecordIndex, Bundle, int, dict[str, bytes]]:
    """Read, analyse and (with ``render``) render: the index, the bundle it was made from (without its page
    texts once rendered: they are in search.sqlite's bytes), how many files' text came from the cache, and
    the output files' bytes. ``scratch``: a private folder search.sqlite may be built in (see
    :func:`reportkit.index.search.build`)."""
    # imported when needed: a run served from the result cache never loads them
    from reportkit.workers import Limits, Task, WorkerPool, fewer_collections

    cache = PageCache(cache_root(options))
    limits = Limits(timeout=options.file_timeout, memory_mb=options.max_memory_mb)
    preload = ("pypdfium2", "reportkit.ingest.bundle", "reportkit.understand.documents")
    with fewer_collections(), WorkerPool(options.jobs, limits, preload=preload, fork=True) as pool:
        pool.start()  # forked workers need nothing more; spawned ones start while this process finds Tesseract
        ocr_settings, ocr_note = ocr_setup(options)
        from reportkit.understand.documents import build_documents

        with tempfile.TemporaryDirectory(prefix="reportkit-repaired-") as repair_dir:  # (mode 0700)
            bundle = read_bundle(
                files,
                passwords=options.passwords,
                pool=pool,
                cache=cache,
                progress=progress,
                ocr_mode=options.ocr,
                ocr_settings=ocr_settings,
                analyse=True,
                text_layers=options.ocr_output is not None,
                repair_dir=repair_dir,
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
        _share_texts(bundle)
        # the reading is over: each worker closes the file it kept open (what pdfium parsed of it goes) and
        # hands its free memory back before the documents' analysis (~5 MB a worker at 5,000 pages)
        list(pool.map([Task(k, f"{__name__}:release_reader", ()) for k in range(pool.jobs)]))
        documents, stale, patients = build_documents(
            bundle.texts,
            bundle.pages,
            bundle.sources,
            bundle.outline_starts,
            pool,
            overrides=overrides,
            duplicate_threshold=options.duplicate_threshold,
            known=bundle.take_analysed(),  # handed over: the pages' split signals go once documents are split
            sizes=bundle.sizes,
        )
        index = assemble(documents, stale, bundle, options, overrides, ocr_note, patients)
        if previous is not None:
            from reportkit.index.since import compare_since

            assert options.since is not None
            index = compare_since(index, options.since, previous, bundle.texts, options.duplicate_threshold)
        pool.retire(keep=1)  # the other workers wind down while the outputs are written
        release_free_memory()  # what the analysis freed: neither kept here nor copied into a forked worker
        outputs = render_outputs(index, bundle.texts, pool, scratch) if render else {}
    if render:
        bundle.texts = []  # in search.sqlite now: what is left to do never reads them (~20 MB at 10,000 pages)
    return index, bundle, cache.hits, outputs


def _share_texts(bundle: Bundle) -> None:
    """A page's text and its lines joined (what the analysis reads: the same string on most pages without a
    fax header) held once, not twice, from here to the end (~7 MB at 5,000 pages)."""
    for i, known in enumerate(bundle.analysed):
        if known is not None:
            joined = known[0].text
            if joined is not bundle.texts[i] and joined == bundle.texts[i]:
                bundle.texts[i] = joined


def assemble(
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
    warnings.extend(part.reason for part in bundle.read_in_part)
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
        read_in_part=bundle.read_in_part,
        warnings=warnings,
        settings=index_settings(options, overrides),
        patients=list(patients or []),
    )


PARALLEL_RENDER_PAGES = 300
"""From this many pages, index.md, .csv and .docx are rendered by a worker while this process writes
index.json and search.sqlite (otherwise they are rendered one after another)..."""
PARALLEL_RENDER_MAX_PAGES = 2500
"""...and below this many. The worker costs about what this process holds: forked once the index is built, it
shares its memory only until either process writes to a page, and CPython writes to most of them (reference
counts of every object read, new objects in the gaps freed ones left). Measured (2026-12-07, busy machine):
at 5,016 pages it added ~40 MB to the process tree's peak PSS and saved 0.0-0.2 s; at 2,052 pages, 10 MB."""
WORKER_OUTPUTS = ("index.csv", "index.md", "index.docx")


_FORKED_INDEX: RecordIndex | None = None
"""The index a render worker forked from this process renders (set only while the worker is forked)."""


def _start_render(index: RecordIndex, pool: WorkerPool) -> Iterable[Outcome]:
    """Have a worker render :data:`WORKER_OUTPUTS`. Where workers are forked, the reading workers go and a new
    one is forked now, holding the index: it shares what it can of the index's memory with this process
    (copy-on-write), and this process pickles nothing; elsewhere the index is sent."""
    from reportkit.workers import Task, can_fork

    global _FORKED_INDEX
    if not (pool.fork and can_fork()):
        return pool.map([Task(0, "render", (index, WORKER_OUTPUTS))])
    pool.retire(keep=0)
    _FORKED_INDEX = index
    try:
        return pool.map([Task(0, f"{__name__}:render_forked", (WORKER_OUTPUTS,))])  # forks the worker
    finally:
        _FORKED_INDEX = None


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; a no-op elsewhere). Memory
    Python frees goes back to the C heap, which keeps most of it resident: ~18 MB at 5,000 pages once the
    documents are built, which a worker forked then would share only until either process writes there."""
    if sys.platform.startswith("linux"):
        import ctypes

        with suppress(Exception):  # another C library (musl) may have no malloc_trim
            ctypes.CDLL(None).malloc_trim(0)


def release_reader() -> None:
    """Worker task, once the reading is over: the file kept open for a next run of pages closed, and the
    memory freed handed back (the worker goes on to analyse documents)."""
    from reportkit.ingest.pdf import close_kept_file

    close_kept_file()
    release_free_memory()


def render_forked(names: Sequence[str]) -> dict[str, bytes]:
    """Worker task: the named outputs of the index this worker was forked holding (see :func:`_start_render`)."""
    if _FORKED_INDEX is None:
        raise RuntimeError("this worker holds no index: it was not forked by render_outputs")
    return export.render_some(_FORKED_INDEX, names)


def render_outputs(
    index: RecordIndex, texts: Sequence[str], pool: WorkerPool | None = None, scratch: Path | None = None
) -> dict[str, bytes]:
    """Every output file's bytes; the page texts go into search.sqlite (built in ``scratch``, a private
    folder, when given), and with the outputs into the result cache. With ``pool`` (and a large index), a
    worker renders part of them meanwhile; whatever it fails to give is rendered here."""
    from reportkit.index import search as search_db

    shared = (
        pool is not None and pool.jobs > 1 and PARALLEL_RENDER_PAGES <= index.page_count < PARALLEL_RENDER_MAX_PAGES
    )
    outcomes: Iterable[Outcome] = ()
    if pool is not None and shared:
        outcomes = _start_render(index, pool)
    elif pool is not None:
        pool.retire(keep=0)  # no worker renders: the one kept for it goes now
    mine = [name for name in export.RENDERERS if not shared or name not in WORKER_OUTPUTS]
    rendered = export.render_some(index, mine)
    rendered[search_db.FILE_NAME] = search_db.build(index, rendered["index.json"], texts, scratch)
    for outcome in outcomes:
        if outcome.ok:
            rendered.update(outcome.value)
    if pool is not None and shared:
        pool.retire(keep=0)  # the render worker's memory goes now, not when the pool closes
    missing = [name for name in export.RENDERERS if name not in rendered]
    rendered.update(export.render_some(index, missing))
    rendered[htmlpage.FILE_NAME] = htmlpage.render(index)  # its links are put in when it is written
    return {name: rendered[name] for name in (*export.RENDERERS, htmlpage.FILE_NAME, search_db.FILE_NAME)}

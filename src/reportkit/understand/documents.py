"""From numbered pages to documents: split, then classify and extract each one.

Two pure steps that a worker process can run on part of a bundle — :func:`analyse_pages` (lines and split
signals of a run of pages) and :func:`analyse_documents` (type, date, people, findings of some documents) —
and :func:`build_documents`, which runs them, in parallel on the worker pool for large bundles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from reportkit.cite import page_runs, pages
from reportkit.models import Document, Evidence, Page, Patient, Source
from reportkit.overrides import Overrides, apply_boundaries, apply_fields
from reportkit.understand import confidence
from reportkit.understand.classify import classify
from reportkit.understand.dates import choose_date
from reportkit.understand.duplicates import (
    DEFAULT_THRESHOLD,
    Copy,
    CopyFinder,
    Shingles,
    find_rescans,
    letter_grams,
    shingles,
)
from reportkit.understand.findings import find_diagnoses, find_findings
from reportkit.understand.pagewords import PageWords
from reportkit.understand.patients import OTHER_PATIENT, PatientMark, birth_dates, compare, completed, group
from reportkit.understand.people import find_facility, find_provider
from reportkit.understand.spelling import respell_facilities
from reportkit.understand.split import START_THRESHOLD, Layout, PageSignals, signals, split_scored
from reportkit.understand.text import PageLines, page_lines, snippet
from reportkit.workers import Task, WorkerPool, guided_runs

PARALLEL_MIN_PAGES = 300
"""Below this many pages the analysis runs in this process (shipping pages to workers costs more)."""
PAGES_PER_TASK = 256
DOCUMENTS_PER_TASK = 120
MIN_DOCUMENTS_PER_TASK = 15


AnalysedPage = tuple[PageLines, PageSignals]
"""A page's lines and its split signals."""


@dataclass(frozen=True)
class DocSpec:
    """A document to analyse: its pages and what is known of them before analysis."""

    doc_id: str
    reasons: tuple[str, ...]
    pages: tuple[PageLines, ...]
    no_text: tuple[int, ...]
    """Its pages that have no text layer."""
    source: int
    title: tuple[str | None, str | None] | None = None
    """Its first page's title line and the type it names, as splitting found them (None: not known)."""
    start_score: float | None = None
    """How strongly its first page started it (None: a file's first page, an outline entry or a reviewer's
    split: certain)."""
    near_miss: tuple[int, float] | None = None
    """Its other page that came closest to starting a document, and that page's score (None: none came close)."""
    rescan: bool = False
    """Also fingerprint its letters, for finding re-scans (a bundle with OCR'd pages)."""
    birth_dates: frozenset[date] = frozenset()
    """The birth dates the bundle's pages give (any patient's): never a date of care, even where OCR misread
    the label ("Dos: 09/23/1981" for "DOB")."""


def analyse_page(page: int, text: str) -> AnalysedPage:
    """Lines and split signals of bundle page ``page``."""
    pl = page_lines(page, text)
    return pl, signals(pl)


def analyse_pages(first_page: int, texts: Sequence[str]) -> list[AnalysedPage]:
    """Lines and split signals of consecutive pages starting at bundle page ``first_page``."""
    return [analyse_page(first_page + offset, text) for offset, text in enumerate(texts)]


def missing_from_footers(pls: Sequence[PageLines]) -> list[int]:
    """Numbers a document's own "Page k of n" footers skip (or stop short of)."""
    marks = [pl.page_of for pl in pls if pl.page_of]
    if not marks or len({n for _, n in marks}) != 1:
        return []
    total = marks[0][1]
    seen = {k for k, _ in marks}
    return [k for k in range(1, total + 1) if k not in seen]


class Prints(NamedTuple):
    """A document's fingerprints for finding copies: word shingles, and (when asked) letter runs for re-scans."""

    words: Shingles
    letters: Shingles | None = None


Analysed = tuple[Document, Prints]
"""A document and its fingerprints (for duplicate detection)."""


def analyse_document(spec: DocSpec) -> Analysed:
    """One document's type, date, provider, facility, diagnoses and findings, with evidence, warnings and the
    reasons for its type and date (``explain``). Also returns its text's fingerprints for duplicate detection."""
    doc_pages = spec.pages
    first, last = doc_pages[0].page, doc_pages[-1].page
    kind = classify(doc_pages, spec.title)
    when = choose_date(doc_pages, kind.doc_type, spec.birth_dates)
    if kind.rule == "title:fax cover" and when.value:
        # a fax cover's only date is the fax date, which never dates a record
        when = replace(
            when,
            value=None,
            role=None,
            page=None,
            snippet="",
            warnings=(),
            rejected=(*when.rejected, f"{when.value}: date of a fax cover sheet"),
            last=None,
        )
    who = find_provider(doc_pages, kind.doc_type)
    if kind.rule == "title:fax cover":  # a cover sheet's sender (a clerk, a nurse) is nobody's author
        who = replace(who, value=None, page=None, snippet="", rule="", warnings=())
    where = find_facility(doc_pages)
    # pages without a text layer that were not OCR'd are not blank: the no-text warning below says what they are
    said = () if kind.rule == "blank pages" and spec.no_text else kind.warnings
    warnings: list[str] = [*said, *when.warnings, *who.warnings, *where.warnings]
    if kind.doc_type == "other":
        warnings = [w for w in warnings if w not in ("no date of care found", "provider not found")]
    if spec.no_text:
        warnings.append(f"page(s) {page_runs(spec.no_text)} have no text layer (scanned?): they need OCR")
    sure = {
        "boundary": confidence.boundary(
            spec.start_score, spec.near_miss[1] if spec.near_miss else None, START_THRESHOLD
        ),
        "doc_type": confidence.of_type(kind.rule),
        "date": confidence.of_date(when.rule, when.value, when.warnings),
        "provider": confidence.of_provider(who.rule, who.value, who.warnings),
        "facility": confidence.of_facility(where.rule, where.value),
    }
    warnings += confidence.boundary_warnings(first, spec.start_score, spec.near_miss, START_THRESHOLD)
    missing = missing_from_footers(doc_pages)
    if missing:
        warnings.append(f"missing page(s) {page_runs(missing)} per the document's 'Page x of y' footers")
    evidence = {"boundary": Evidence(first, "; ".join(spec.reasons), "split")}
    if kind.page is not None:
        evidence["doc_type"] = Evidence(kind.page, kind.snippet, kind.rule)
    if when.page is not None:
        evidence["date"] = Evidence(when.page, when.snippet, when.rule)
    if who.page is not None:
        evidence["provider"] = Evidence(who.page, who.snippet, who.rule)
    if where.page is not None:
        evidence["facility"] = Evidence(where.page, where.snippet, where.rule)
    explain = {
        "boundary": [
            f"starts at page {first}: {'; '.join(spec.reasons)}",
            *([confidence.near_miss_line(*spec.near_miss, START_THRESHOLD)] if spec.near_miss else []),
        ],
        "doc_type": [
            f"{kind.doc_type} by {kind.rule}" + (f" on page {kind.page}: {kind.snippet!r}" if kind.snippet else ""),
            *([f"body scores: {_scores(kind.scores)}"] if kind.scores else []),
            *(f"body feature {f}" for f in kind.features),
        ],
        "date": [
            (f"{when.value} ({when.role}) by {when.rule} on page {when.page}: {when.snippet!r}")
            if when.value
            else "no date of the right role found",
            *(f"set aside: {r}" for r in when.rejected),
        ],
    }
    if who.value:
        explain["provider"] = [f"{who.value} by {who.rule} on page {who.page}"]
    document = Document(
        id=spec.doc_id,
        first_page=first,
        last_page=last,
        doc_type=kind.doc_type,
        title=kind.title,
        date=when.value,
        date_role=when.role,
        provider=who.value,
        facility=where.value,
        diagnoses=find_diagnoses(doc_pages),
        findings=find_findings(doc_pages),
        missing_pages=missing,
        evidence=evidence,
        warnings=warnings,
        source=spec.source,
        explain=explain,
        content_sha256=content_hash(doc_pages),
        last_date=when.last,
        confidence=sure,
    )
    text = " ".join(pl.text for pl in doc_pages)
    return document, Prints(shingles(text), letter_grams(text) if spec.rescan else None)


def content_hash(doc_pages: Sequence[PageLines]) -> str:
    """SHA-256 of the pages' text with runs of whitespace folded to one space: the same document re-sent
    (re-scanned text aside) has the same hash whatever file or bundle position it arrives in."""
    text = " ".join(" ".join(pl.text.split()) for pl in doc_pages)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _scores(scores: dict[str, int]) -> str:
    return ", ".join(f"{t} {n}" for t, n in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])))


def analyse_documents(specs: Sequence[DocSpec]) -> list[Analysed]:
    return [analyse_document(spec) for spec in specs]


def _failed(spec: DocSpec, problem: str) -> Analysed:
    first, last = spec.pages[0].page, spec.pages[-1].page
    warning = f"this document could not be analysed ({problem}); read pages {first}-{last} yourself"
    return Document(
        spec.doc_id,
        first,
        last,
        "other",
        None,
        None,
        None,
        None,
        None,
        warnings=[warning],
        source=spec.source,
        content_sha256=content_hash(spec.pages),
    ), Prints(shingles(""))


def build_documents(
    texts: Sequence[str],
    pages: Sequence[Page],
    sources: Sequence[Source],
    outline_starts: set[int],
    pool: WorkerPool | None = None,
    overrides: Overrides | None = None,
    duplicate_threshold: float = DEFAULT_THRESHOLD,
    known: Sequence[AnalysedPage | None] | None = None,
    sizes: Sequence[tuple[int, int] | None] | None = None,
) -> Built:
    """Every page in exactly one document, in bundle order, with ids D0001, D0002, …

    ``known``: pages already analysed (by the workers that read them); the rest are analysed here. ``sizes``:
    each page's size in points, when known (a change of size is a sign of a new document). Applies a
    reviewer's overrides (boundaries before analysis, fields after) and marks re-sent copies. Returns the
    documents, a message for each override that matched nothing, and the patients the documents name."""
    parallel = pool is not None and pool.jobs > 1 and len(texts) >= PARALLEL_MIN_PAGES
    analysed = _analyse_missing(texts, known or [None] * len(texts), pool)
    del known  # (a list handed over is freed here: ``analysed`` holds the pages, and goes once they are split)
    pls = [pl for pl, _ in analysed]
    titles = [(sig.title, sig.title_type) for _, sig in analysed]
    layouts = [
        Layout(sizes[i] if sizes is not None and i < len(sizes) else None, page.text_source)
        for i, page in enumerate(pages)
    ]
    file_starts = {s.first_page for s in sources}
    words = PageWords(texts, scanned={page.page for page in pages if page.text_source == "ocr"})
    spans, scores = split_scored([sig for _, sig in analysed], file_starts, outline_starts, layouts, words)
    stale: list[str] = []
    if overrides is not None:
        spans, stale = apply_boundaries(spans, overrides, sources)
    page_marks = [sig.patient for _, sig in analysed]
    births = birth_dates(page_marks)
    scanned = [any(p.text_source == "ocr" for p in pages[first - 1 : last]) for first, last, _ in spans]
    rescans = any(scanned)  # a bundle with OCR'd pages: re-scans are looked for
    specs = [
        DocSpec(
            doc_id=f"D{n:04d}",
            reasons=reasons,
            pages=tuple(pls[first - 1 : last]),
            no_text=tuple(p.page for p in pages[first - 1 : last] if p.text_source == "none"),
            source=pages[first - 1].source,
            title=titles[first - 1],
            start_score=None if any(r.startswith("override") for r in reasons) else scores.get(first),
            near_miss=_near_miss(scores, first, last),
            rescan=rescans,
            birth_dates=births,
        )
        for n, (first, last, reasons) in enumerate(spans, start=1)
    ]
    del analysed, pls, titles  # the split signals (the specs hold the pages' lines)
    read = [document_mark(page_marks[first - 1 : last]) for first, last, _ in spans]
    marks = [mark for mark, _ in read]

    def same_patient(i: int, j: int) -> bool:  # a copy of a record is a record of the same patient
        return compare(marks[i], marks[j]) is not False

    finder = CopyFinder(duplicate_threshold, same_patient)
    if parallel and pool is not None:
        runs = dict(guided_runs(len(specs), pool.jobs, MIN_DOCUMENTS_PER_TASK, DOCUMENTS_PER_TASK))
        results: dict[int, list[Analysed]] = {}
        for outcome in pool.map([Task(start, "documents", (specs[start:stop],)) for start, stop in runs.items()]):
            start = outcome.key
            batch = specs[start : runs[start]]
            results[start] = outcome.value if outcome.ok else [_failed(s, outcome.problem) for s in batch]
            # the copies among the batches back so far, in bundle order, while the workers go on
            while (ready := results.get(finder.seen)) is not None:
                for doc, prints in ready:
                    finder.add(prints.words, doc.date)
        done = [item for start in sorted(results) for item in results[start]]
    else:
        done = analyse_documents(specs)
    for doc, prints in done[finder.seen :]:
        finder.add(prints.words, doc.date)
    copies = finder.copies
    if rescans:
        copied = {c.index for c in copies}
        grams = [None if i in copied else prints.letters for i, (_, prints) in enumerate(done)]
        dates = [doc.date for doc, _ in done]
        copies = copies + find_rescans(grams, dates, scanned, duplicate_threshold, same_patient)
    documents = _mark_duplicates([doc for doc, _ in done], copies)
    if rescans:  # a bundle with OCR'd pages: a letterhead OCR misread takes the bundle's spelling
        documents = respell_facilities(documents, [pages[first - 1].text_source == "ocr" for first, _, _ in spans])
    documents, patients = assign_patients(documents, page_marks, read)
    if overrides is not None:
        documents, more = apply_fields(documents, overrides, sources)
        stale += more
    return Built(documents, stale, patients)


class Built(NamedTuple):
    """What :func:`build_documents` gives: the documents, the overrides that matched nothing, the patients."""

    documents: list[Document]
    stale: list[str]
    patients: list[Patient]


def document_mark(marks: Sequence[PatientMark | None]) -> tuple[PatientMark | None, int | None]:
    """The patient a document names: its first page's mark completed by later pages that name the same person
    (a later page naming someone else is not merged). Returns the mark and the page index it was first read."""
    found: PatientMark | None = None
    where: int | None = None
    for i, mark in enumerate(marks):
        if where is None and mark is not None:
            where = i
        found = completed(found, mark)
    return found, where


def assign_patients(
    documents: list[Document],
    page_marks: Sequence[PatientMark | None],
    read: Sequence[tuple[PatientMark | None, int | None]] | None = None,
) -> tuple[list[Document], list[Patient]]:
    """Each document's patient, the bundle's patients, and a warning on every document of a patient who is not
    the bundle's main one (the most pages). ``read``: each document's :func:`document_mark`, when known."""
    marks = []
    first_read: dict[str, tuple[int, str]] = {}
    for k, doc in enumerate(documents):
        mark, offset = read[k] if read is not None else document_mark(page_marks[doc.first_page - 1 : doc.last_page])
        marks.append((doc.id, 0 if doc.duplicate_of else doc.page_count, mark))  # a re-sent copy adds no pages
        if mark is not None and offset is not None:
            first_read[doc.id] = (doc.first_page + offset, _mark_snippet(mark))
    people, of = group(marks)
    if not people:
        return documents, []
    main = max(range(len(people)), key=lambda k: (people[k].pages, -k))
    patients = []
    for k, person in enumerate(people):
        page, snip = first_read[person.documents[0]]
        patients.append(
            Patient(
                id=f"P{k + 1}",
                name=person.mark.name_text,
                date_of_birth=person.mark.dob_shown,
                documents=list(person.documents),
                pages=person.pages,
                main=k == main,
                evidence=Evidence(page, snip, "patient identity"),
            )
        )
    out = []
    for doc in documents:
        who = of.get(doc.id)
        if who is None:
            out.append(doc)
            continue
        warnings = doc.warnings
        if who != main:
            warnings = [
                *warnings,
                f"{OTHER_PATIENT} (P{who + 1}) than the bundle's main patient (P{main + 1}): a misfiled "
                "record? Check it before it is cited or produced",
            ]
        out.append(replace(doc, patient=f"P{who + 1}", warnings=warnings))
    return out, patients


def _mark_snippet(mark: PatientMark) -> str:
    parts = [p for p in (mark.name_text, mark.dob_shown and f"DOB {mark.dob_shown}") if p]
    parts += [f"{kind} {value}" for kind, value in mark.ids]
    return snippet("; ".join(parts))


NEAR_MISS = 1.5
"""A page inside a document whose start score came this close to the threshold may begin another one."""


def _near_miss(scores: dict[int, float], first: int, last: int) -> tuple[int, float] | None:
    inside = [(scores[p], p) for p in range(first + 1, last + 1) if p in scores]
    if not inside:
        return None
    score, page = max(inside)
    return (page, score) if score >= START_THRESHOLD - NEAR_MISS else None


def _analyse_missing(
    texts: Sequence[str], known: Sequence[AnalysedPage | None], pool: WorkerPool | None
) -> list[AnalysedPage]:
    """Every page's lines and split signals: ``known`` ones kept, the others worked out — on the worker pool
    when there are many (runs of consecutive pages per task)."""
    analysed = list(known)
    missing = [i for i, a in enumerate(analysed) if a is None]
    if pool is not None and pool.jobs > 1 and len(missing) >= PARALLEL_MIN_PAGES:
        runs: list[list[int]] = []
        for i in missing:
            if runs and runs[-1][-1] == i - 1 and len(runs[-1]) < PAGES_PER_TASK:
                runs[-1].append(i)
            else:
                runs.append([i])
        tasks = [Task(k, "pages", (run[0] + 1, [texts[i] for i in run])) for k, run in enumerate(runs)]
        for outcome in pool.map(tasks):
            run = runs[outcome.key]
            # a run of pages whose analysis failed is analysed as if it had no text
            parts = outcome.value if outcome.ok else analyse_pages(run[0] + 1, [""] * len(run))
            for i, part in zip(run, parts, strict=True):
                analysed[i] = part
    else:
        for i in missing:
            analysed[i] = analyse_page(i + 1, texts[i])
    return [a for a in analysed if a is not None]


def _mark_duplicates(docs: list[Document], copies: Sequence[Copy]) -> list[Document]:
    """A document whose text matches an earlier one's (Jaccard similarity of word shingles >= threshold) is
    a copy of that first copy: marked, kept, and left out of gaps and counts."""
    for copy in copies:
        doc, original = docs[copy.index], docs[copy.original]
        kind = "exact" if copy.similarity >= 1.0 else "near-exact"
        similar = "" if copy.similarity >= 1.0 else f", {copy.similarity:.0%} similar"
        if copy.rescan:
            kind, similar = "re-scanned", f", {copy.similarity:.0%} alike letter by letter"
        docs[copy.index] = replace(
            doc,
            duplicate_of=original.id,
            duplicate_similarity=copy.similarity,
            warnings=[*doc.warnings, f"{kind} duplicate of {original.id} ({cite_pages(original)}{similar})"],
        )
    return docs


def cite_pages(doc: Document) -> str:
    return pages(doc.first_page, doc.last_page)

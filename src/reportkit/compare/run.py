"""``compare(where)``: per topic, what each treating record and each IME says, verbatim and cited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from reportkit import cite
from reportkit.api import bates_labels, load_bates_map, load_index
from reportkit.citecheck.run import index_place
from reportkit.compare.flags import find_flags
from reportkit.compare.model import TOPICS, TREATING, Comparison, Row, Source
from reportkit.compare.sentences import boilerplate, page_sentences
from reportkit.compare.sides import case_rows, page_sources
from reportkit.compare.topics import narrative, topics_of
from reportkit.draft.case import CASE_FILE, load_case
from reportkit.errors import IndexFileError, UsageError
from reportkit.index.search import stored_texts


def record_rows(
    sources: Mapping[int, Source], texts: Sequence[str], bates: Mapping[int, str] | None = None
) -> list[Row]:
    """A row per topic of each sentence of the compared pages (``sources``: page → who recorded it; the same
    sentence once per document)."""
    boiler = boilerplate(texts)
    rows: list[Row] = []
    seen: set[tuple[str, str, str]] = set()
    for page in sorted(sources):
        source = sources[page]
        where = cite.pages(page, page) + (f" ({bates[page]})" if bates and page in bates else "")
        for sentence in page_sentences(page, texts[page - 1] if page <= len(texts) else "", boiler):
            if narrative(sentence):
                continue
            for topic in topics_of(sentence.text, sentence.section, sentence.label):
                if (key := (source.document, topic, sentence.text)) in seen:
                    continue
                seen.add(key)
                rows.append(Row(topic, source.side, source.who, source.document, source.doc_type, source.date,
                                source.provider, page, where, sentence.text))  # fmt: skip
    return rows


def ordered(rows: Sequence[Row], topics: Sequence[str]) -> list[Row]:
    """By topic, then the treating records by date (undated last), then each IME (prior ones, then ours)."""

    def key(r: Row) -> tuple[int, int, str, str, str, int]:
        side = 0 if r.side == TREATING else 1 if r.who.startswith("prior") else 2
        return (topics.index(r.topic), side, r.who if side else "", r.date or "9999", r.document, r.page or 0)

    return sorted((r for r in rows if r.topic in topics), key=key)


def compare(where: Path, bates_map: Path | None = None, topics: Sequence[str] = TOPICS) -> Comparison:
    """Compare the records of an index (a folder, its index.json, or a case folder: then our answers too)."""
    at = index_place(where)
    case_file = where / CASE_FILE if where.is_dir() and (where / CASE_FILE).is_file() else None
    if case_file is not None and at == where:
        raise IndexFileError(
            f"{where}: the case has no index yet.",
            hint=f"Run `reportkit draft {where}` or `reportkit index {where / 'records'} --out {where / 'index'}` "
            "first.",
        )
    return compare_index(at, case_file, bates_map, topics)


def compare_index(
    at: Path, case_file: Path | None = None, bates_map: Path | None = None, topics: Sequence[str] = TOPICS
) -> Comparison:
    """Compare the records of the index at ``at`` (a folder or its index.json) and, given ``case_file``, our
    answers in that case.yaml."""
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise UsageError(f"--topic {unknown[0]!r} is not one of: {', '.join(TOPICS)}.")
    chosen = tuple(t for t in TOPICS if t in topics)
    index = load_index(at)
    texts = stored_texts(at, index)
    if texts is None:
        raise IndexFileError(
            f"{at}: no page texts beside the index (search.sqlite is missing or was made from other files).",
            hint="Run `reportkit index` again with --force (`reportkit draft` for a case).",
        )
    labels = None
    if bates_map is not None:
        labels = bates_labels(index, load_bates_map(bates_map), bates_map)
    sources, imes, left_out = page_sources(index)
    rows = record_rows(sources, texts, labels)
    if case_file is not None:
        ours, who = case_rows(load_case(case_file))
        rows += ours
        imes = imes + ([who] if who else [])
    rows = ordered(rows, chosen)
    return Comparison(tuple(rows), tuple(find_flags(rows)), tuple(imes), tuple(left_out), chosen)

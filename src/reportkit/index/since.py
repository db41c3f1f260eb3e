"""What changed since a previous record index: new, changed and gone documents, by content hash.

Documents are matched on :attr:`~reportkit.models.Document.content_sha256` (their page texts, whitespace
folded). An unchanged document keeps its previous id wherever it now sits in the bundle; every other document
gets a fresh id after the previous index's highest (in bundle order), so ids never clash with, or reuse, an
earlier one. A document without a hash match is *changed* when it starts on the same page of a file with the
same name as a previous document that is no longer there (that one is then not listed as gone); otherwise it
is *new*. Previous documents whose hash is absent and that no changed document replaces are *gone*.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from reportkit.errors import IndexFileError
from reportkit.index.chronology import chronological
from reportkit.models import Document, Gap, RecordIndex
from reportkit.understand.duplicates import DEFAULT_THRESHOLD, MIN_SHINGLES, jaccard, shingles

_ID = re.compile(r"\bD(\d{4,})\b")


def _where(index: RecordIndex, doc: Document) -> tuple[str, int]:
    """(file name, page in that file) where the document starts."""
    name = PurePosixPath(index.sources[doc.source].path).name if doc.source < len(index.sources) else ""
    page = index.pages[doc.first_page - 1].source_page if 0 < doc.first_page <= len(index.pages) else 0
    return name, page


def _number(doc_id: str) -> int:
    match = _ID.fullmatch(doc_id)
    return int(match.group(1)) if match else 0


def compare(
    index: RecordIndex,
    previous: RecordIndex,
    previous_sha256: str,
    label: str = "",
    texts: Sequence[str] | None = None,
    previous_texts: Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> RecordIndex:
    """``index`` with ids carried over from ``previous`` and ``since`` filled in.

    With both bundles' page texts (``texts[i]`` is page ``i + 1``, and the same in ``previous_texts``), a
    document whose text differs only slightly from a previous one's (Jaccard similarity of word shingles at
    least ``threshold``) with the same type and date is a re-scanned or re-faxed copy: it keeps the previous
    id, counts as unchanged and is listed under ``rescanned``.

    Raises IndexFileError when the previous index records no content hashes (written by an older reportkit)."""
    if previous.documents and not all(d.content_sha256 for d in previous.documents):
        raise IndexFileError(
            f"{label or 'the previous index'}: it records no content hashes (written by an older reportkit).",
            hint="Index those records again with this version, then use that index.json with --since.",
        )
    by_hash: dict[str, list[Document]] = defaultdict(list)
    for doc in sorted(previous.documents, key=lambda d: d.first_page):
        by_hash[doc.content_sha256].append(doc)
    rename: dict[str, str] = {}
    unmatched: list[Document] = []
    for doc in sorted(index.documents, key=lambda d: d.first_page):
        same = by_hash.get(doc.content_sha256)
        if same:
            rename[doc.id] = same.pop(0).id
        else:
            unmatched.append(doc)
    left = [d for docs in by_hash.values() for d in docs]
    rescanned: list[dict[str, object]] = []
    if texts is not None and previous_texts is not None and unmatched and left:
        for doc, prior, similarity in _copies(unmatched, left, texts, previous_texts, threshold):
            rename[doc.id] = prior.id
            unmatched.remove(doc)
            left.remove(prior)
            rescanned.append({"id": prior.id, "similarity": similarity})
    left_at = {_where(previous, d): d for d in sorted(left, key=lambda d: d.first_page, reverse=True)}
    next_number = max((_number(d.id) for d in previous.documents), default=0) + 1
    new: list[str] = []
    changed: list[dict[str, str]] = []
    replaced: set[str] = set()
    for doc in unmatched:
        fresh = f"D{next_number:04d}"
        next_number += 1
        rename[doc.id] = fresh
        was = left_at.get(_where(index, doc))
        if was is not None and was.id not in replaced:
            replaced.add(was.id)
            changed.append({"id": fresh, "was": was.id})
        else:
            new.append(fresh)
    gone = [
        {"id": d.id, "first_page": d.first_page, "last_page": d.last_page, "doc_type": d.doc_type, "date": d.date}
        for d in sorted(left, key=lambda d: d.first_page)
        if d.id not in replaced
    ]

    def swap(text: str) -> str:
        return _ID.sub(lambda m: rename.get(m.group(0), m.group(0)), text)

    documents = [
        replace(
            d,
            id=rename[d.id],
            duplicate_of=rename.get(d.duplicate_of, d.duplicate_of) if d.duplicate_of else None,
            warnings=[swap(w) for w in d.warnings],
        )
        for d in index.documents
    ]
    gaps = [
        Gap(rename.get(g.after, g.after), rename.get(g.before, g.before), g.start, g.end, g.days) for g in index.gaps
    ]
    since = {
        "previous_sha256": previous_sha256,
        "unchanged": len(index.documents) - len(unmatched),
        "new": new,
        "changed": changed,
        "gone": gone,
        "rescanned": sorted(rescanned, key=lambda r: _number(str(r["id"]))),
    }
    return replace(index, documents=chronological(documents), gaps=gaps, since=since)


def compare_since(
    index: RecordIndex,
    since: Path,
    previous: tuple[RecordIndex, str],
    texts: Sequence[str] | None,
    threshold: float = DEFAULT_THRESHOLD,
) -> RecordIndex:
    """:func:`compare` with the index read from ``since`` (its folder or index.json; ``previous`` is that index
    and its file's SHA-256), and with its page texts when the search.sqlite beside it holds them."""
    from reportkit.index.search import stored_texts

    return compare(
        index,
        previous[0],
        previous[1],
        str(since),
        texts=texts,
        previous_texts=stored_texts(since, previous[0]),  # tells re-scanned copies from changes
        threshold=threshold,
    )


def _copies(
    unmatched: list[Document],
    left: list[Document],
    texts: Sequence[str],
    previous_texts: Sequence[str],
    threshold: float,
) -> list[tuple[Document, Document, float]]:
    """(new document, previous document, similarity) for each new document that is a re-scanned copy of one
    no longer matched: same type, same date, shingles at least ``threshold`` alike (the most alike first)."""

    def text(pages: Sequence[str], doc: Document) -> str:
        return " ".join(pages[doc.first_page - 1 : doc.last_page])

    new_sets = {d.id: shingles(text(texts, d)) for d in unmatched}
    old_sets = {d.id: shingles(text(previous_texts, d)) for d in left}
    alike = [
        (similarity, d.first_page, w.first_page, d, w)
        for d in unmatched
        for w in left
        if (d.doc_type, d.date) == (w.doc_type, w.date) and len(new_sets[d.id]) >= MIN_SHINGLES
        if (similarity := round(jaccard(new_sets[d.id], old_sets[w.id]), 3)) >= threshold
    ]
    found: list[tuple[Document, Document, float]] = []
    taken: set[str] = set()
    for similarity, _, _, doc, was in sorted(alike, key=lambda t: (-t[0], t[1], t[2])):
        if doc.id not in taken and was.id not in taken:
            taken |= {doc.id, was.id}
            found.append((doc, was, similarity))
    return found


def summary_line(since: dict[str, object]) -> str:
    """``1 new, 0 changed, 2 gone; 14 unchanged kept their ids`` (``, 2 of them re-scanned copies``)."""
    new, changed, gone, rescanned = (since.get(k) or [] for k in ("new", "changed", "gone", "rescanned"))
    assert isinstance(new, list) and isinstance(changed, list) and isinstance(gone, list)
    assert isinstance(rescanned, list)
    copies = f", {len(rescanned)} of them re-scanned copies" if rescanned else ""
    return (
        f"{len(new)} new, {len(changed)} changed, {len(gone)} gone document(s); "
        f"{since.get('unchanged', 0)} unchanged kept their ids{copies}"
    )

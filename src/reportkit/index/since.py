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
from dataclasses import replace
from pathlib import PurePosixPath

from reportkit.errors import IndexFileError
from reportkit.index.chronology import chronological
from reportkit.models import Document, Gap, RecordIndex

_ID = re.compile(r"\bD(\d{4,})\b")


def _where(index: RecordIndex, doc: Document) -> tuple[str, int]:
    """(file name, page in that file) where the document starts."""
    name = PurePosixPath(index.sources[doc.source].path).name if doc.source < len(index.sources) else ""
    page = index.pages[doc.first_page - 1].source_page if 0 < doc.first_page <= len(index.pages) else 0
    return name, page


def _number(doc_id: str) -> int:
    match = _ID.fullmatch(doc_id)
    return int(match.group(1)) if match else 0


def compare(index: RecordIndex, previous: RecordIndex, previous_sha256: str, label: str = "") -> RecordIndex:
    """``index`` with ids carried over from ``previous`` and ``since`` filled in.

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
    }
    return replace(index, documents=chronological(documents), gaps=gaps, since=since)


def summary_line(since: dict[str, object]) -> str:
    """``1 new, 0 changed, 2 gone; 14 unchanged kept their ids``."""
    new, changed, gone = (since.get(k) or [] for k in ("new", "changed", "gone"))
    assert isinstance(new, list) and isinstance(changed, list) and isinstance(gone, list)
    return (
        f"{len(new)} new, {len(changed)} changed, {len(gone)} gone document(s); "
        f"{since.get('unchanged', 0)} unchanged kept their ids"
    )

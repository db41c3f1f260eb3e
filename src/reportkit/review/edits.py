"""A change made on the review page, as entries of the overrides file (the format ``--overrides`` reads).

Each change becomes one or more entries appended to the file, each under a comment saying what it changes
(``# review: D0011 (pp. 13–14) date 2024-03-12 -> 2024-03-11``); the reviewer's own comments and entries are
kept as they are. Values are written as JSON strings, which YAML reads as they are (quotes, colons, ``#``).
The file is replaced in one step, and only when it reads back with the new entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from reportkit import cite
from reportkit.errors import InputError, UsageError
from reportkit.models import DOC_TYPES, Document, RecordIndex
from reportkit.overrides import NOT_A_DUPLICATE, read_overrides
from reportkit.publish import replace_together

EDITABLE = ("doc_type", "date", "provider", "facility", "title")
HEADER = (
    "# A reviewer's corrections to the record index. `reportkit review` adds an entry per change, each under a\n"
    "# comment saying what it changed; you may edit this file by hand too (see 'Overrides' in docs/review.md).\n"
    "documents:\n"
)


class EditError(UsageError):
    """A change the page sent that cannot be made (the message says why)."""


@dataclass(frozen=True)
class Change:
    doc: str
    first: int
    last: int
    fields: dict[str, str | None] = field(default_factory=dict)
    split_at: int | None = None
    merge_next: bool = False
    duplicate_of: str | None = None
    """A document id, or ``none`` (not a duplicate); None leaves it as it is."""
    confirm_patient: bool = False


def parse_change(payload: Any) -> Change:
    """The change a review page sent (JSON), checked for shape and values."""
    if not isinstance(payload, dict):
        raise EditError("a change must be a JSON object")
    try:
        doc, first, last = str(payload["doc"]), int(payload["first"]), int(payload["last"])
    except (KeyError, TypeError, ValueError):
        raise EditError("a change must name its document (doc, first, last)") from None
    raw = payload.get("fields") or {}
    if not isinstance(raw, dict) or set(raw) - set(EDITABLE):
        raise EditError(f"only {', '.join(EDITABLE)} can be changed")
    fields = {k: (str(v).strip() or None) if v is not None else None for k, v in raw.items()}
    if "doc_type" in fields and fields["doc_type"] not in DOC_TYPES:
        raise EditError(f"type {fields['doc_type']!r} is not one of: {', '.join(DOC_TYPES)}")
    if fields.get("date"):
        try:
            date.fromisoformat(str(fields["date"]))
        except ValueError:
            raise EditError(f"date {fields['date']!r} is not a date written as YYYY-MM-DD") from None
    split = payload.get("split_at")
    if split is not None and not (isinstance(split, int) and first < split <= last):
        raise EditError(f"a split must be at a page after {first} and no later than {last}")
    copy = payload.get("duplicate_of")
    if copy is not None and not isinstance(copy, str):
        raise EditError("duplicate_of must be a document id or 'none'")
    return Change(
        doc, first, last, fields, split, bool(payload.get("merge_next")), copy, bool(payload.get("confirm_patient"))
    )


def _quote(value: str | None) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Entry:
    """One entry of the overrides file, with the comment written above it."""

    comment: str
    pages: str
    body: dict[str, str]
    """Keys and their YAML values, as written."""
    sha: str

    def lines(self, indent: int) -> list[str]:
        pad = " " * indent
        out = [f"{pad}# review: {_one_line(self.comment)}", f"{pad}- pages: {self.pages}"]
        out += [f"{pad}  {key}: {value}" for key, value in self.body.items()]
        return [*out, f"{pad}  source_sha256: {self.sha}"]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def named(doc: Document) -> str:
    """How a comment names a document: by its pages, type and date (ids change when documents are split or
    merged; pages do not): ``pp. 13–14 (imaging, 2024-03-12)``."""
    return f"{cite.pages(doc.first_page, doc.last_page)} ({doc.doc_type.replace('_', ' ')}, {doc.date or 'undated'})"


def entries(change: Change, index: RecordIndex) -> list[Entry]:
    """The overrides entries for ``change`` against the index as it is (none when it changes nothing): a
    split or merge first, then the values, which go to the document the split or merge leaves at these pages
    (the first part of a split). Raises EditError when the document is not the one the page showed (the index
    changed meanwhile) or the change cannot be made."""
    docs = sorted(index.documents, key=lambda d: d.first_page)
    at = next((n for n, d in enumerate(docs) if d.id == change.doc), None)
    if at is None or (docs[at].first_page, docs[at].last_page) != (change.first, change.last):
        raise EditError(f"{change.doc} is no longer pages {cite.page_range(change.first, change.last)}; reload")
    if change.split_at is not None and change.merge_next:
        raise EditError("split or merge a document, not both in one change")
    doc = docs[at]
    name = named(doc)
    sha = index.sources[doc.source].sha256[:16]
    out: list[Entry] = []
    first, last = doc.first_page, doc.last_page
    if change.split_at is not None:
        out.append(Entry(f"{name}: page {change.split_at} starts another document", cite.page_range(first, last),
                         {"split_at": f"[{change.split_at}]"}, sha))  # fmt: skip
        last = change.split_at - 1
    if change.merge_next:
        if at + 1 >= len(docs):
            raise EditError(f"{doc.id} is the last document by page: nothing follows it to merge with")
        nxt = docs[at + 1]
        last = nxt.last_page
        out.append(Entry(f"{name} and {named(nxt)} are one document", cite.page_range(first, last), {"merge": "true"},
                         sha))  # fmt: skip
    pages = cite.page_range(first, last)
    changed = {k: change.fields[k] for k in EDITABLE if k in change.fields and change.fields[k] != getattr(doc, k)}
    if changed:
        said = "; ".join(f"{k} {_shown(getattr(doc, k))} -> {_shown(v)}" for k, v in changed.items())
        out.append(Entry(f"{name}: {said}", pages, {k: _quote(v) for k, v in changed.items()}, sha))
    if change.confirm_patient:
        said = f"{name} belongs to this case (another patient's name)"
        out.append(Entry(said, pages, {"patient_confirmed": "true"}, sha))
    if change.duplicate_of is not None:
        out += _duplicate(change.duplicate_of, doc, docs, name, pages, sha)
    return out


def _duplicate(copy_of: str, doc: Document, docs: list[Document], name: str, pages: str, sha: str) -> list[Entry]:
    if copy_of.lower() == NOT_A_DUPLICATE:
        if not doc.duplicate_of:
            return []
        first = next((d for d in docs if d.id == doc.duplicate_of), None)
        said = f"{name} is not a duplicate of {named(first) if first else doc.duplicate_of}"
        return [Entry(said, pages, {"duplicate_of": NOT_A_DUPLICATE}, sha)]
    original = next((d for d in docs if d.id == copy_of), None)
    if original is None or original.id == doc.id:
        raise EditError(f"{copy_of!r} is not another document of this index")
    if doc.duplicate_of == original.id:
        return []
    span = cite.page_range(original.first_page, original.last_page)
    return [Entry(f"{name} is a duplicate of {named(original)}", pages, {"duplicate_of": span}, sha)]


def _shown(value: str | None) -> str:
    return "(none)" if value is None else value


def append(path: Path, added: list[Entry]) -> None:
    """Add the entries to the overrides file (made when missing), in one step, checked by reading it back.
    Raises InputError when the file cannot take them (and leaves it as it was)."""
    if not added:
        return
    try:
        old = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        old = ""
    if old.strip():
        before = len(read_overrides(path).entries)
        fit = _fit(old)
        if fit is None:
            raise InputError(
                f"{path}: its 'documents:' list is not written one '- pages:' entry per line, so review cannot "
                "add to it.",
                hint="Write the list in block style (as docs/review.md shows), or move the file away to start anew.",
            )
        head, indent = old.rstrip("\n") + "\n" + fit[0], fit[1]
    else:
        before, head, indent = 0, HEADER, 2
    lines = [line for entry in added for line in entry.lines(indent)]
    replace_together(path.parent, {path.name: (head + "\n".join(lines) + "\n").encode("utf-8")}, "the overrides file")
    try:
        after = len(read_overrides(path).entries)
    except InputError:
        after = -1
    if after != before + len(added):  # never leave a file that reads otherwise than meant
        if old:
            replace_together(path.parent, {path.name: old.encode("utf-8")}, "the overrides file")
        else:
            path.unlink()
        raise InputError(f"{path}: the new entries did not read back as meant; the file was left as it was.")


def _fit(text: str) -> tuple[str, int] | None:
    """How entries can follow ``text``: what to add first and the column of the list's dashes; None when the
    list is not a block list ending the file (``documents: [...]``)."""
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:  # comments only
        return "documents:\n", 2
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if key.value == "documents":
            if isinstance(value, yaml.ScalarNode) and value.value == "":  # a bare "documents:"
                return "", 2
            if isinstance(value, yaml.SequenceNode) and not value.flow_style:
                return "", value.start_mark.column
    return None

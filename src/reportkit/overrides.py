"""A reviewer's corrections to the record index (``--overrides FILE``), read and applied deterministically.

The file is YAML. Each entry names a document by its page range as the index shows it, and either corrects
its fields, splits it, or merges a run of documents into one::

    documents:
      - pages: 12-14
        doc_type: imaging
        date: 2024-03-14
      - pages: 20-25
        split_at: [23]
      - pages: 30-33
        merge: true

Boundary entries (split, merge) are applied first, in file order, to the documents as reportkit split them;
field entries are then matched against the resulting documents. An entry that matches nothing — the records
changed since the reviewer wrote it — is reported, never silently dropped. ``source_sha256`` (a prefix of the
SHA-256 of the file the document starts in, as index.json lists it) guards an entry against a file that was
replaced by another with the same page numbers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

from reportkit import cite
from reportkit.errors import InputError, yaml_problem
from reportkit.models import DOC_TYPES, Document, Evidence, Source
from reportkit.understand.patients import OTHER_PATIENT

FIELDS = ("doc_type", "date", "date_role", "provider", "facility", "title")
"""Document fields a reviewer may set."""
_KEYS = {"pages", "split_at", "merge", "note", "source_sha256", "patient_confirmed", "duplicate_of", *FIELDS}
NOT_A_DUPLICATE = "none"
"""``duplicate_of: none``: the reviewer says the document is not a copy of another."""
_PAGES = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")
_ROLE = re.compile(r"^[a-z_]{2,24}$")

Span = tuple[int, int, tuple[str, ...]]
"""(first page, last page, reasons the document starts there)."""


@dataclass(frozen=True)
class Override:
    line: int
    """Line of the entry in the overrides file (for messages)."""
    first: int
    last: int
    split_at: tuple[int, ...] = ()
    merge: bool = False
    fields: dict[str, str | None] = field(default_factory=dict)
    note: str = ""
    source_sha256: str = ""
    patient_confirmed: bool = False
    """The reviewer confirms that this document of another patient than the bundle's main one belongs in the
    bundle (``packet`` refuses such a document otherwise)."""
    duplicate_of: tuple[int, int] | None = None
    """The pages of the document this one is a copy of; ``(0, 0)`` for ``none``: not a copy of any."""

    @property
    def where(self) -> str:
        return f"overrides line {self.line}"

    @property
    def pages(self) -> str:
        return f"{self.first}" if self.first == self.last else f"{self.first}-{self.last}"


@dataclass(frozen=True)
class Overrides:
    entries: tuple[Override, ...]
    sha256: str
    """SHA-256 of the file's bytes: part of the settings, so a changed file gives a new index."""

    @property
    def boundary(self) -> list[Override]:
        return [e for e in self.entries if e.split_at or e.merge]

    @property
    def fielded(self) -> list[Override]:
        return [e for e in self.entries if e.fields or e.patient_confirmed or e.duplicate_of]


def _problem(path: Path, line: int, message: str) -> InputError:
    return InputError(
        f"{path}, line {line}: {message}",
        hint="Fix the overrides file (see 'Overrides' in docs/review.md for its format).",
    )


def _entry_lines(text: str) -> list[tuple[int, dict[str, int]]]:
    """For each entry under ``documents:``, in order: its first line and the line of each of its keys."""
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "documents" and isinstance(value, yaml.SequenceNode):
            out = []
            for item in value.value:
                keys = {}
                if isinstance(item, yaml.MappingNode):
                    keys = {str(k.value): k.start_mark.line + 1 for k, _ in item.value}
                out.append((item.start_mark.line + 1, keys))
            return out
    return []


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() or None


def _parse_entry(path: Path, where: tuple[int, dict[str, int]], raw: Any) -> Override:
    line, key_lines = where

    def at(*keys: str) -> int:
        """The line of the first of ``keys`` the entry has (else the entry's own line)."""
        return next((key_lines[k] for k in keys if k in key_lines), line)

    if not isinstance(raw, dict):
        raise _problem(path, line, "each entry must be a mapping such as 'pages: 12-14'.")
    unknown = sorted(str(k) for k in raw if k not in _KEYS)
    if unknown:
        raise _problem(path, at(*unknown), f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}.")
    if "pages" not in raw:
        raise _problem(path, line, "the entry has no 'pages' (the document's page range, e.g. 12-14).")
    m = _PAGES.match(str(raw["pages"]))
    if not m:
        raise _problem(path, at("pages"), f"pages {raw['pages']!r} is not a page or range such as 12 or 12-14.")
    first = int(m.group(1))
    last = int(m.group(2) or first)
    if first < 1 or last < first:
        raise _problem(path, at("pages"), f"pages {raw['pages']!r}: the range must run forwards from page 1 or later.")
    split_raw = raw.get("split_at", [])
    split_list = split_raw if isinstance(split_raw, list) else [split_raw]
    try:
        split_at = tuple(sorted({int(p) for p in split_list}))
    except (TypeError, ValueError):
        raise _problem(path, at("split_at"), "split_at must be a page number or a list of page numbers.") from None
    if any(not first < p <= last for p in split_at):
        raise _problem(
            path, at("split_at"), f"split_at pages must lie after page {first} and no later than page {last}."
        )
    merge = raw.get("merge", False)
    if not isinstance(merge, bool):
        raise _problem(path, at("merge"), "merge must be true or false.")
    if merge and split_at:
        raise _problem(path, line, "an entry cannot both split and merge.")
    fields = {k: _text(raw[k]) for k in FIELDS if k in raw}
    confirmed = raw.get("patient_confirmed", False)
    if not isinstance(confirmed, bool):
        raise _problem(path, at("patient_confirmed"), "patient_confirmed must be true or false.")
    copy_of: tuple[int, int] | None = None
    if "duplicate_of" in raw:
        named = _text(raw["duplicate_of"])
        span = _PAGES.match(str(named)) if named else None
        if named is None or named.lower() == NOT_A_DUPLICATE:
            copy_of = (0, 0)
        elif span and 1 <= int(span.group(1)) <= int(span.group(2) or span.group(1)):
            copy_of = (int(span.group(1)), int(span.group(2) or span.group(1)))
        else:
            raise _problem(
                path,
                at("duplicate_of"),
                f"duplicate_of {named!r}: give the pages of the document it copies (e.g. 13-14), or none.",
            )
        if copy_of == (first, last):
            raise _problem(path, at("duplicate_of"), "a document cannot be a duplicate of itself.")
    if split_at and (fields or confirmed or copy_of):
        raise _problem(path, line, "a split entry cannot set fields; add an entry for each new document.")
    if not (split_at or merge or fields or confirmed or copy_of):
        raise _problem(
            path, line, "the entry changes nothing: set a field, patient_confirmed, duplicate_of, split_at or merge."
        )
    doc_type = fields.get("doc_type")
    if "doc_type" in fields and doc_type not in DOC_TYPES:
        raise _problem(path, at("doc_type"), f"doc_type {doc_type!r} is not one of: {', '.join(DOC_TYPES)}.")
    when = fields.get("date")
    if when is not None:
        try:
            fields["date"] = date.fromisoformat(when).isoformat()
        except ValueError:
            raise _problem(path, at("date"), f"date {when!r} is not a date written as YYYY-MM-DD.") from None
    role = fields.get("date_role")
    if role is not None and not _ROLE.match(role):
        raise _problem(
            path, at("date_role"), f"date_role {role!r} should be one word such as service, exam or discharge."
        )
    source = _text(raw.get("source_sha256")) or ""
    if source and not re.fullmatch(r"[0-9a-f]{8,64}", source.lower()):
        raise _problem(path, at("source_sha256"), "source_sha256 must be at least 8 hex digits of the file's SHA-256.")
    note = _text(raw.get("note")) or ""
    return Override(line, first, last, split_at, merge, fields, note, source.lower(), confirmed, copy_of)


def read_overrides(path: Path) -> Overrides:
    """Read and check an overrides file. Raises InputError naming the file and line of the first problem."""
    import yaml

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: overrides file not found.", hint="Check the --overrides path.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the overrides file ({exc.strerror}).") from None
    try:
        text = data.decode("utf-8-sig")
        raw = yaml.safe_load(text)
        lines = _entry_lines(text)
    except UnicodeDecodeError:
        raise InputError(f"{path}: the overrides file is not UTF-8 text.", hint="Save it as UTF-8.") from None
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        where = f", line {line}" if line else ""
        raise InputError(
            f"{path}{where}: {problem}.", hint="Check the indentation and the ':' after each key."
        ) from None
    if raw is None:
        raw = {"documents": []}
    if not isinstance(raw, dict) or set(raw) - {"documents"}:
        raise _problem(path, 1, "the file must hold one key, 'documents:', with a list of entries.")
    items = raw.get("documents") or []
    if not isinstance(items, list):
        raise _problem(path, 1, "'documents:' must be a list of entries, each starting with '- pages:'.")
    entries = tuple(_parse_entry(path, lines[i] if i < len(lines) else (1, {}), item) for i, item in enumerate(items))
    return Overrides(entries, hashlib.sha256(data).hexdigest())


def _source_ok(entry: Override, first_page: int, sources: Sequence[Source]) -> bool:
    if not entry.source_sha256:
        return True
    return any(s.first_page <= first_page <= s.last_page and s.sha256.startswith(entry.source_sha256) for s in sources)


def apply_boundaries(
    spans: Sequence[Span], overrides: Overrides, sources: Sequence[Source]
) -> tuple[list[Span], list[str]]:
    """Splits and merges, in file order. Returns the new spans and a message per entry that matched nothing."""
    out = list(spans)
    stale: list[str] = []
    for entry in overrides.boundary:
        starts = {s[0]: i for i, s in enumerate(out)}
        ends = {s[1]: i for i, s in enumerate(out)}
        i, j = starts.get(entry.first), ends.get(entry.last)
        if not _source_ok(entry, entry.first, sources):
            stale.append(_wrong_file(entry))
            continue
        if i is None or j is None:
            stale.append(_stale(entry, "no document"))
            continue
        reason = f"override ({entry.where})"
        if entry.merge:
            if i == j:
                stale.append(_stale(entry, "nothing to merge: one document"))
                continue
            out[i : j + 1] = [(entry.first, entry.last, (reason,))]
        else:
            if i != j:
                stale.append(_stale(entry, "no single document"))
                continue
            cuts = [entry.first, *entry.split_at, entry.last + 1]
            pieces = [(a, b - 1, out[i][2] if a == entry.first else (reason,)) for a, b in pairwise(cuts)]
            out[i : i + 1] = pieces
    return out, stale


def _wrong_file(entry: Override) -> str:
    return (
        f"{entry.where}: page {entry.first} is not in the file with SHA-256 {entry.source_sha256}… (the records "
        "changed or the file was replaced); the override was not applied. Check the index and update the file."
    )


def _stale(entry: Override, what: str) -> str:
    return (
        f"{entry.where}: {what} spans pages {entry.pages} (the records may have changed); the override was not "
        "applied. Check the index and update the overrides file."
    )


def apply_fields(
    documents: Sequence[Document], overrides: Overrides, sources: Sequence[Source]
) -> tuple[list[Document], list[str]]:
    """Set reviewer values on the documents they name. Returns the documents and messages for stale entries."""
    by_span = {(d.first_page, d.last_page): n for n, d in enumerate(documents)}
    out = list(documents)
    stale: list[str] = []
    for entry in overrides.fielded:
        n = by_span.get((entry.first, entry.last))
        if not _source_ok(entry, entry.first, sources):
            stale.append(_wrong_file(entry))
            continue
        if n is None:
            stale.append(_stale(entry, "no document"))
            continue
        doc = out[n]
        changes: dict[str, Any] = dict(entry.fields)
        if "date" in changes and "date_role" not in changes and changes["date"] is None:
            changes["date_role"] = None  # a cleared date has no role; a corrected one keeps the role it had
        evidence = dict(doc.evidence)
        for name in changes:
            evidence[name] = Evidence(doc.first_page, entry.note, f"override ({entry.where})")
        overridden = sorted({*doc.overridden, *changes, *(("patient",) if entry.patient_confirmed else ())})
        warnings = [w for w in doc.warnings if not _settled_by(w, changes)]
        if entry.patient_confirmed:
            warnings = [_confirmed(w, entry) if w.startswith(OTHER_PATIENT) else w for w in warnings]
            evidence["patient"] = Evidence(doc.first_page, entry.note, f"override ({entry.where})")
        if entry.duplicate_of is not None:
            copy = _copy_mark(entry, documents, by_span)
            if isinstance(copy, str):
                stale.append(copy)
            else:
                warnings = [w for w in warnings if "duplicate of " not in w] + copy[1]
                changes.update(duplicate_of=copy[0], duplicate_similarity=None)
                overridden = sorted({*overridden, "duplicate_of"})
        sure = {**doc.confidence, **dict.fromkeys(changes, 1.0)}  # what a reviewer set is certain
        out[n] = replace(doc, **changes, evidence=evidence, overridden=overridden, warnings=warnings, confidence=sure)
    return out, stale


def _copy_mark(
    entry: Override, documents: Sequence[Document], by_span: dict[tuple[int, int], int]
) -> tuple[str | None, list[str]] | str:
    """(duplicate_of, its warning) for a ``duplicate_of`` entry, or why it cannot be applied."""
    assert entry.duplicate_of is not None
    if entry.duplicate_of == (0, 0):
        return None, []
    m = by_span.get(entry.duplicate_of)
    if m is None:
        return (
            f"{entry.where}: duplicate_of names pages {cite.page_range(*entry.duplicate_of)}, which are not one "
            "document (the records may have changed); the override was not applied. Check the index and update "
            "the overrides file."
        )
    original = documents[m]
    where = cite.pages(original.first_page, original.last_page)
    return original.id, [f"duplicate of {original.id} ({where}), as a reviewer marked it ({entry.where})"]


def _confirmed(warning: str, entry: Override) -> str:
    who = warning[len(OTHER_PATIENT) :].split(":")[0].strip()  # "(P2) than the bundle's main patient (P1)"
    return f"reviewer confirmed ({entry.where}): this record of another patient {who} belongs in the bundle"


def _settled_by(warning: str, changes: dict[str, Any]) -> bool:
    """A warning the reviewer's value answers (e.g. 'no date of care found' once a date is given)."""
    topics = {
        "date": ("date",),
        "doc_type": ("type",),
        "provider": ("provider",),
        "facility": ("facility",),
    }
    return any(name in changes and any(t in warning.lower() for t in words) for name, words in topics.items())

"""Full-text search over indexed cases: ``search.sqlite`` beside index.json (SQLite FTS5, stdlib ``sqlite3``).

One row per bundle page: its document, type, date and provider (from index.json) and its text in an FTS5
table (``porter unicode61``: "radiating" finds "radiates"). A meta table records the SHA-256 of the
index.json the file was built from, so a search can tell a file that no longer matches its index.

The file holds record text: it is written like the other outputs (a private temporary file, mode 0600,
renamed into place). Deleting it removes it; ``reportkit index --force`` writes it again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportkit.errors import IndexFileError, InputError, OutputError, UsageError
from reportkit.models import DOC_TYPES, RecordIndex
from reportkit.publish import replace_together

FILE_NAME = "search.sqlite"
SCHEMA = "reportkit/search@1"
SNIPPET_TOKENS = 12

_TABLES = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE page(
    page INTEGER PRIMARY KEY,
    document TEXT,
    doc_type TEXT,
    date TEXT,
    provider TEXT,
    file TEXT NOT NULL,
    source_page INTEGER NOT NULL
);
CREATE VIRTUAL TABLE page_text USING fts5(text, tokenize='porter unicode61');
"""


def build(index: RecordIndex, index_json: bytes, texts: Sequence[str], scratch: Path | None = None) -> bytes:
    """The bytes of a search.sqlite for ``index`` (whose index.json bytes are ``index_json``); ``texts[i]`` is
    the text of bundle page ``i + 1``. Same inputs, same bytes.

    ``scratch``: a private folder (the output folder) to build the database in, as a temporary file named as
    the outputs' temporaries are (a stopped run's next run removes it): the database then takes the memory
    of its bytes once, not twice (an in-memory database and its serialized copy: 27 MB more at 10,000
    pages). The bytes are the same either way; a folder that cannot take the file (full, read-only) is not
    used."""
    if scratch is not None and scratch.is_dir():
        with contextlib.suppress(OSError, sqlite3.Error):
            return _built_in(scratch, index, index_json, texts)
    con = sqlite3.connect(":memory:")
    try:
        _fill(con, index, index_json, texts)
        return con.serialize()
    finally:
        con.close()


def _built_in(folder: Path, index: RecordIndex, index_json: bytes, texts: Sequence[str]) -> bytes:
    """:func:`build`'s bytes, the database made as a temporary file in ``folder`` (removed)."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{FILE_NAME}.", suffix=".tmp")
    os.close(fd)
    try:
        con = sqlite3.connect(name)
        try:
            con.execute("PRAGMA journal_mode=OFF")  # a scratch file: nothing to roll back to
            con.execute("PRAGMA synchronous=OFF")
            _fill(con, index, index_json, texts)
        finally:
            con.close()
        with open(name, "r+b") as fh:
            v = sqlite3.sqlite_version_info
            if fh.read(100)[96:100] != (v[0] * 1_000_000 + v[1] * 1000 + v[2]).to_bytes(4, "big"):
                raise sqlite3.DatabaseError("the header is not where the file format puts it")  # build in memory
            # the header as an in-memory database has it: no file change counter, no "valid for" counter and
            # no SQLite version number (offsets 24, 92 and 96 of the file format), so no library version shows
            fh.seek(24)
            fh.write(bytes(4))
            fh.seek(92)
            fh.write(bytes(8))
            fh.seek(0)
            return fh.read()
    finally:
        Path(name).unlink(missing_ok=True)


def _fill(con: sqlite3.Connection, index: RecordIndex, index_json: bytes, texts: Sequence[str]) -> None:
    """The tables of :func:`build`, filled and committed."""
    owner: dict[int, tuple[str | None, str | None, str | None, str | None]] = {}
    for doc in index.documents:
        for number in range(doc.first_page, doc.last_page + 1):
            owner.setdefault(number, (doc.id, doc.doc_type, doc.date, doc.provider))
    con.executescript(_TABLES)
    con.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("schema", SCHEMA),
            ("index_sha256", hashlib.sha256(index_json).hexdigest()),
            ("pages_of", _pages_of(index)),
        ],
    )
    rows = []
    for page in index.pages:
        doc_id, doc_type, when, provider = owner.get(page.page, (None, None, None, None))
        file = index.sources[page.source].path if page.source < len(index.sources) else ""
        rows.append((page.page, doc_id, doc_type, when, provider, file, page.source_page))
    con.executemany("INSERT INTO page VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    con.executemany(
        "INSERT INTO page_text(rowid, text) VALUES (?, ?)",
        [(p.page, texts[p.page - 1] if p.page - 1 < len(texts) else "") for p in index.pages],
    )
    con.execute("INSERT INTO page_text(page_text) VALUES ('optimize')")
    con.commit()


def _pages_of(index: RecordIndex) -> str:
    """What the page texts depend on: each file (SHA-256) and its bundle pages."""
    return json.dumps([[s.sha256, s.first_page, s.last_page] for s in index.sources])


def beside(where: Path) -> Path:
    """The search.sqlite of an index: ``where`` is its folder or its index.json."""
    return (where if where.is_dir() else where.parent) / FILE_NAME


def stored_texts(where: Path, index: RecordIndex) -> list[str] | None:
    """The page texts (page ``i + 1`` at ``i``) in the search.sqlite beside an index (``where``: its folder or
    its index.json), when it was made from ``index``'s files (None when there is none, it cannot be read, or
    it holds other files' pages)."""
    db = beside(where)
    if not db.is_file():
        return None
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'pages_of'").fetchone()
            if row is None or row[0] != _pages_of(index):
                return None
            stored = {int(n): str(t) for n, t in con.execute("SELECT rowid, text FROM page_text")}
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return [stored.get(number, "") for number in range(1, index.page_count + 1)]


def refresh(folder: Path) -> bool:
    """Bring a stale search.sqlite up to date with the folder's index.json when the indexed files are the
    same (a reviewer corrected index.json, or it was written with other settings): the page texts are kept,
    documents, types, dates and providers are read again. False when the texts no longer apply (other files)
    or the file cannot be read or replaced."""
    try:
        index_json = (folder / "index.json").read_bytes()
        index = RecordIndex.from_dict(json.loads(index_json))
    except (OSError, ValueError, KeyError, TypeError):
        return False
    texts = stored_texts(folder, index)
    if texts is None:
        return False
    try:
        replace_together(folder, {FILE_NAME: build(index, index_json, texts)}, "the search index")
    except OutputError:
        return False
    return True


@dataclass(frozen=True)
class Filters:
    """What a search keeps: document types (any of), a date range (ISO, inclusive; undated pages then drop
    out) and a provider (case-insensitive part of the name)."""

    doc_types: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    provider: str | None = None


@dataclass(frozen=True)
class Hit:
    """One page that matches: where it is and a snippet with the matched words in [brackets]."""

    case: str
    """The case's folder name (the folder above ``index/``, else the index folder itself)."""
    folder: Path
    """The index folder holding index.json and search.sqlite."""
    page: int
    """Bundle page."""
    document: str | None
    doc_type: str | None
    date: str | None
    provider: str | None
    file: str
    source_page: int
    snippet: str
    score: float
    """bm25 rank: lower is better (FTS5 ranks are negative)."""


def check_query(query: str) -> None:
    """Raise UsageError naming the problem when ``query`` is not valid FTS5 syntax."""
    if not query.strip():
        raise UsageError("the search query is empty.", hint='Give words, a "phrase" or a prefix*.')
    con = sqlite3.connect(":memory:")
    try:
        con.execute("CREATE VIRTUAL TABLE q USING fts5(text)")
        con.execute("SELECT rowid FROM q WHERE q MATCH ?", (query,)).fetchall()
    except sqlite3.OperationalError as exc:
        problem = str(exc).removeprefix("fts5: ")
        raise UsageError(
            f"the search query {query!r} is not valid ({problem}).",
            hint='Balance double quotes, put words with punctuation in quotes ("L4-5"), and give AND/OR/NOT '
            "a word on each side.",
        ) from None
    finally:
        con.close()


def check_filters(filters: Filters) -> None:
    for name, value in (("--from", filters.date_from), ("--to", filters.date_to)):
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise UsageError(f"{name} {value!r} is not a date.", hint="Give it as YYYY-MM-DD.") from None
    unknown = [t for t in filters.doc_types if t not in DOC_TYPES]
    if unknown:
        raise UsageError(f"--type {', '.join(unknown)}: no such document type.", hint=f"Types: {', '.join(DOC_TYPES)}.")


def find_databases(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Index folders below ``paths`` (an index folder, a case folder, a batch OUT folder, or any folder of
    those): (folders with a search.sqlite, folders with an index.json but no search.sqlite)."""
    found: set[Path] = set()
    missing: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: not found.", hint="Give an index folder, a case folder or a batch --out folder.")
        if path.is_file():
            path = path.parent
        for marker in (*path.rglob(FILE_NAME), *path.rglob("index.json")):
            relative = marker.relative_to(path).parts
            if any(part.startswith(".") for part in relative):
                continue  # batch work folders, temporary files
            (found if (marker.parent / FILE_NAME).is_file() else missing).add(marker.parent)
    return sorted(found), sorted(missing - found)


def case_name(folder: Path) -> str:
    folder = folder.resolve()
    return folder.parent.name if folder.name == "index" and folder.parent.name else folder.name


def _like(text: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


def search(
    paths: Sequence[Path],
    query: str,
    filters: Filters | None = None,
    limit: int = 20,
    warn: Callable[[str], None] | None = None,
) -> list[Hit]:
    """Pages matching ``query`` (FTS5 syntax: words, "a phrase", prefix*, AND/OR/NOT, NEAR) in every index
    folder below ``paths``, best bm25 rank first, at most ``limit``. Folders whose search.sqlite is missing or
    was built from another index.json are skipped and named through ``warn``; InputError when none is left."""
    filters = filters or Filters()
    check_query(query)
    check_filters(filters)
    say = warn or (lambda _message: None)
    found, missing = find_databases(paths)
    for folder in missing:
        say(f"{folder}: has index.json but no {FILE_NAME}; run `reportkit index ... --out {folder} --force` again.")
    usable = []
    for folder in found:
        if _is_current(folder):
            usable.append(folder)
        elif refresh(folder):
            say(f"{folder}: index.json changed since {FILE_NAME} was built; {FILE_NAME} was brought up to date.")
            usable.append(folder)
        else:
            say(
                f"{folder}: {FILE_NAME} was built from another index.json and cannot be brought up to date "
                "(skipped): "
                f"run `reportkit index ... --out {folder} --force` again to rebuild it."
            )
    if not usable:
        where = ", ".join(str(p) for p in paths)
        raise InputError(
            f"{where}: no usable search index found.",
            hint="Run `reportkit index RECORDS --out FOLDER` first (it writes search.sqlite beside index.json).",
        )
    hits: list[Hit] = []
    for folder in usable:
        hits.extend(_search_one(folder, query, filters, limit))
    hits.sort(key=lambda h: (h.score, h.case, str(h.folder), h.page))
    return hits[:limit]


def _is_current(folder: Path) -> bool:
    try:
        sha = hashlib.sha256((folder / "index.json").read_bytes()).hexdigest()
    except OSError:
        return False
    try:
        con = sqlite3.connect(f"{(folder / FILE_NAME).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'index_sha256'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == sha


def _search_one(folder: Path, query: str, filters: Filters, limit: int) -> list[Hit]:
    where = ["page_text MATCH ?"]
    args: list[object] = [query]
    if filters.doc_types:
        where.append(f"page.doc_type IN ({', '.join('?' for _ in filters.doc_types)})")
        args.extend(filters.doc_types)
    if filters.date_from:
        where.append("page.date >= ?")
        args.append(filters.date_from)
    if filters.date_to:
        where.append("page.date <= ?")
        args.append(filters.date_to)
    if filters.provider:
        where.append("page.provider LIKE ? ESCAPE '\\'")
        args.append(_like(filters.provider))
    sql = (
        f"SELECT page.page, document, doc_type, date, provider, file, source_page, "
        f"snippet(page_text, 0, '[', ']', '…', {SNIPPET_TOKENS}), bm25(page_text) AS score "
        f"FROM page_text JOIN page ON page.page = page_text.rowid WHERE {' AND '.join(where)} "
        f"ORDER BY score, page.page LIMIT ?"
    )
    args.append(limit)
    db = folder / FILE_NAME
    case = case_name(folder)
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = con.execute(sql, args).fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise IndexFileError(
            f"{db}: cannot be searched (damaged or not a reportkit search index).",
            hint=f"Delete it and run `reportkit index ... --out {folder} --force` again.",
            detail=str(exc),
        ) from None
    return [
        Hit(
            case=case,
            folder=folder,
            page=int(page),
            document=document,
            doc_type=doc_type,
            date=when,
            provider=provider,
            file=str(file),
            source_page=int(source_page),
            snippet=" ".join(str(snippet).split()),
            score=float(score),
        )
        for page, document, doc_type, when, provider, file, source_page, snippet, score in rows
    ]

"""The Bates ledger: every range issued for a case, so a number is never given to two pages.

A JSON file in the case folder (``bates-ledger.json``)::

    {"schema": "reportkit/bates-ledger@1",
     "issued": [{"prefix": "SMITH", "first": 1, "last": 57, "digits": 7, "production": "<sha256>",
                 "inputs": ["<sha256>", ...], "issued": "2026-11-28T18:00:00+00:00"}]}

``production`` is a fingerprint of the inputs and settings (not the start number): building the same packet
again reuses its own range instead of being refused, so a rebuild gives the same bytes. Inputs are named by
SHA-256 only. To withdraw a range that was never served, delete its entry by hand.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from reportkit.errors import OutputError, UsageError

SCHEMA = "reportkit/bates-ledger@1"
LEDGER_NAME = "bates-ledger.json"


@dataclass(frozen=True)
class Issued:
    prefix: str
    first: int
    last: int
    digits: int
    production: str
    inputs: tuple[str, ...]
    issued: str


def read(path: Path) -> list[Issued]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != SCHEMA:
            raise ValueError("schema")
        return [Issued(**{**e, "inputs": tuple(e.get("inputs", ()))}) for e in data["issued"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise UsageError(
            f"{path}: the Bates ledger cannot be read.",
            hint="Restore it from a backup; without it reportkit cannot tell which numbers were issued.",
        ) from None


def next_start(entries: list[Issued], prefix: str, production: str) -> int:
    """The start number for a production: its own earlier range, else the number after the highest issued."""
    for e in sorted(entries, key=lambda x: x.first):
        if e.prefix == prefix and e.production == production:
            return e.first
    return max((e.last + 1 for e in entries if e.prefix == prefix), default=1)


def check(entries: list[Issued], prefix: str, first: int, last: int, production: str, path: Path) -> None:
    """Refuse a range that overlaps one already issued with the same prefix (to another production, or to
    this one with other numbers: the same number would name two different pages)."""
    for e in entries:
        if e.prefix != prefix or (e.production == production and e.first == first):
            continue  # the same production with the same numbers: a rebuild
        if first <= e.last and e.first <= last:
            nxt = max(x.last for x in entries if x.prefix == prefix) + 1
            raise UsageError(
                f"Bates numbers {prefix}{first:0{e.digits}d}-{prefix}{last:0{e.digits}d} would reuse numbers "
                f"already issued ({prefix}{e.first:0{e.digits}d}-{prefix}{e.last:0{e.digits}d}, "
                f"recorded in {path}).",
                hint=f"Leave out --start to continue from {nxt}, or give --start {nxt} or higher.",
            )


def record(path: Path, entries: list[Issued], entry: Issued) -> None:
    """Add (or refresh) the production's entry and write the ledger atomically."""
    kept = [
        e
        for e in entries
        if not (e.prefix == entry.prefix and e.production == entry.production and e.first == entry.first)
    ]
    kept.append(entry)
    kept.sort(key=lambda e: (e.prefix, e.first))
    data = {"schema": SCHEMA, "issued": [asdict(e) | {"inputs": list(e.inputs)} for e in kept]}
    text = json.dumps(data, indent=2) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(
            f"{path}: the packet was written but the Bates ledger could not be updated ({exc.strerror}).",
            hint=f"Add the range {entry.prefix}{entry.first}-{entry.last} to the ledger by hand, or fix the "
            "permissions and build the packet again with --force.",
        ) from None


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold ``<ledger>.lock`` while a production is numbered and written, so two packets built at once for
    the same case cannot take the same numbers. Refuses (exit 5) when another run holds it."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    lock_path = path.with_name(path.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a")
    except OSError as exc:
        raise OutputError(f"{lock_path}: cannot create the ledger lock ({exc.strerror}).") from None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputError(
                f"{path}: another packet is being built with this Bates ledger.",
                hint="Wait for it to finish, then run again.",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

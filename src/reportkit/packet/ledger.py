"""The Bates ledger: every range issued for a case, so a number is never given to two pages.

A JSON file in the case folder (``bates-ledger.json``)::

    {"schema": "reportkit/bates-ledger@1",
     "issued": [{"prefix": "SMITH", "first": 1, "last": 57, "digits": 7, "production": "<sha256>",
                 "inputs": ["<sha256>", ...], "issued": "2026-11-28T18:00:00+00:00"}]}

``production`` is a fingerprint of the inputs and settings (not the start number): building the same packet
again reuses its own range instead of being refused, so a rebuild gives the same bytes. Inputs are named by
SHA-256 only. To withdraw a range that was never served, delete its entry by hand.

Crash safety: a production's range is written to the ledger as ``"state": "reserved"`` (on disk, synced)
before its packet folder becomes visible, and marked ``issued`` after. A run killed in between leaves the
range reserved: its numbers stay taken (never given to other pages), and the next packet says so. A ledger
update interrupted half-way leaves a ``.bates-ledger.json.*.tmp`` beside the ledger; the next run (holding the
lock) takes any range it holds into the ledger, then removes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from reportkit.errors import InputError, OutputError, UsageError
from reportkit.publish import file_in_the_way, sync_folder

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
    state: str = "issued"
    """``reserved`` (numbered, its packet not known to be written: a run that did not finish) or ``issued``."""


def read(path: Path) -> list[Issued]:
    if not path.exists():
        return []
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a Bates ledger.",
                         hint="Give --ledger the ledger's file, e.g. CASE/bates-ledger.json.")  # fmt: skip
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != SCHEMA:
            raise ValueError("schema")
        return [Issued(**{**e, "inputs": tuple(e.get("inputs", ()))}) for e in data["issued"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise InputError(
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


def reserve(path: Path, entries: list[Issued], entry: Issued) -> list[Issued]:
    """Record the production's range as reserved, on disk, before its packet is written; returns the ledger's
    entries now. Nothing is written to the packet folder when this fails."""
    reserved = replace(entry, state="reserved")
    try:
        return _write(path, entries, reserved)
    except OSError as exc:
        raise OutputError(
            f"{path}: the Bates ledger cannot be written ({exc.strerror}); no packet was written.",
            hint="Check free space and permissions of the case folder (or --ledger), then run again.",
        ) from None


def record(path: Path, entries: list[Issued], entry: Issued) -> None:
    """Add (or refresh) the production's entry as issued and write the ledger atomically."""
    try:
        _write(path, entries, replace(entry, state="issued"))
    except OSError as exc:
        raise OutputError(
            f"{path}: the packet was written but the Bates ledger could not mark its range issued "
            f"({exc.strerror}); the range stays reserved, so its numbers are not given again.",
            hint="Fix the space or permissions and build the packet again with --force to mark it issued.",
        ) from None


def _write(path: Path, entries: list[Issued], entry: Issued) -> list[Issued]:
    kept = [
        e
        for e in entries
        if not (e.prefix == entry.prefix and e.production == entry.production and e.first == entry.first)
    ]
    kept.append(entry)
    kept.sort(key=lambda e: (e.prefix, e.first))
    _save(path, kept)
    return kept


def _save(path: Path, entries: list[Issued]) -> None:
    """Write the ledger atomically and durably: a synced temporary file renamed over it, the folder synced."""
    data = {"schema": SCHEMA, "issued": [asdict(e) | {"inputs": list(e.inputs)} for e in entries]}
    text = json.dumps(data, indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    sync_folder(path.parent)


def recover(path: Path) -> tuple[list[Issued], list[str]]:
    """Read the ledger, first taking in what an interrupted update left beside it (held under the lock: no
    other run is writing). Returns its entries and what was found, for the run's warnings."""
    notes: list[str] = []
    leftovers = sorted(path.parent.glob(f".{path.name}.*.tmp")) if path.parent.is_dir() else []
    entries = read(path)
    taken = 0
    for leftover in leftovers:
        try:
            data = json.loads(leftover.read_text(encoding="utf-8"))
            found = [Issued(**{**e, "inputs": tuple(e.get("inputs", ()))}) for e in data["issued"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            found = []  # cut off while written: what it held was reserved before, in the ledger itself
        known = {(e.prefix, e.first, e.production) for e in entries}
        for e in found:
            if (e.prefix, e.first, e.production) not in known:
                entries.append(replace(e, state="reserved"))
                taken += 1
    if taken:
        entries.sort(key=lambda e: (e.prefix, e.first))
        try:
            _save(path, entries)
        except OSError as exc:
            raise OutputError(
                f"{path}: an interrupted ledger update left ranges beside the ledger, and they cannot be taken "
                f"into it ({exc.strerror}).",
                hint="Fix the space or permissions of the case folder, then run again.",
            ) from None
        notes.append(f"{path}: {taken} range(s) from an interrupted ledger update were taken into it (reserved)")
    for leftover in leftovers:
        with contextlib.suppress(OSError):
            leftover.unlink()
    return entries, notes


def unfinished(entries: list[Issued], production: str) -> list[str]:
    """Warnings for ranges another run reserved and did not mark issued."""
    return [
        f"the Bates ledger holds {e.prefix}{e.first:0{e.digits}d}-{e.prefix}{e.last:0{e.digits}d} reserved by a "
        f"packet build that did not finish ({e.issued}): those numbers stay taken. If no packet with them was "
        "served, its entry may be deleted from the ledger by hand"
        for e in entries
        if e.state == "reserved" and e.production != production
    ]


def produced_before(entries: list[Issued], inputs: tuple[str, ...], start: int) -> list[str]:
    """Warnings for earlier productions of the same records (the same files, by SHA-256) under other numbers: a
    second set of Bates numbers for pages already produced is usually a mistake (other settings, such as
    --chronology, make another production)."""
    return [
        f"these records were already produced as {e.prefix}{e.first:0{e.digits}d}-{e.prefix}{e.last:0{e.digits}d} "
        f"({e.issued}); this packet numbers them again from {start}. To make the earlier packet again, use the "
        "settings it was made with (its numbers are then reused)"
        for e in entries
        if sorted(e.inputs) == sorted(inputs) and e.first != start
    ]


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
    if (above := file_in_the_way(lock_path)) is not None:
        raise OutputError(f"{path}: {above} is a file, not a folder.", hint="Give --ledger a file in a folder.")
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

"""Publish a set of files into a folder so that a reader never takes a half-replaced set for a whole one.

Every file is written to a temporary name first (synced). When there is more than one, a marker
(``.reportkit-publishing``, listing each file's SHA-256) is written before the first rename and removed after
the last: a folder that still holds it was being written by a run that was stopped (``kill -9``, power loss),
and readers refuse it (:func:`interrupted`) until a run publishes there again.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from reportkit.errors import OutputError, UsageError

MARKER = ".reportkit-publishing"


def replace_together(out_dir: Path, files: dict[str, bytes], what: str) -> None:
    """Write every file to a temporary name in ``out_dir`` (synced), then rename them all into place: a
    failure leaves the old files, never a half-written one; a kill amid the renames leaves the marker."""
    temps: list[tuple[str, Path]] = []
    marker = out_dir / MARKER
    try:
        for name, data in files.items():
            fd, tmp_name = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp")
            temps.append((name, Path(tmp_name)))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        several = len(temps) > 1
        if several:
            listed = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
            _write_synced(marker, (json.dumps({"files": listed}, indent=2) + "\n").encode("ascii"))
            sync_folder(out_dir)
        for name, tmp in temps:
            os.replace(tmp, out_dir / name)
        if several:
            sync_folder(out_dir)
            marker.unlink()
        sync_folder(out_dir)
    except OSError as exc:
        raise OutputError(
            f"{out_dir}: cannot write {what} ({exc.strerror}).", hint="Check free space and permissions."
        ) from None
    finally:
        for _, tmp in temps:
            tmp.unlink(missing_ok=True)


def file_in_the_way(path: Path) -> Path | None:
    """The file that stands where ``path``'s folders would be: its nearest existing parent, when that is not a
    folder (``afile/out``: ``afile``). None when the folders can be made."""
    above = next((p for p in path.absolute().parents if p.exists()), None)
    return above if above is not None and not above.is_dir() else None


TABLE_KINDS = (".docx", ".md", ".markdown", ".csv")
"""What a command's ``--out`` table may be (``cite-check``, ``compare``)."""


def check_table_out(out: Path, force: bool = False, inputs: tuple[Path, ...] = ()) -> str:
    """``out``'s table kind (``.docx``, ``.md``, ``.csv``; ``.markdown`` is ``.md``), checked before any work
    is done: OutputError for a folder, for a place under a file, for one of the command's ``inputs`` (the
    report being checked is never replaced by its table), or for a file that exists unless ``force`` (a table
    the reader may have annotated is never replaced unasked); UsageError for another suffix."""
    if out.is_dir():
        raise OutputError(f"{out}: is a folder; --out names the table's file.", hint="Choose a file, e.g. table.md.")
    kind = out.suffix.lower()
    if kind not in TABLE_KINDS:
        raise UsageError(f"{out}: --out must end in .docx, .md or .csv.")
    if (above := file_in_the_way(out)) is not None:
        raise OutputError(f"{out}: {above} is a file, not a folder.", hint="Choose another --out file.")
    if out.exists() and not out.is_file():
        raise OutputError(f"{out}: exists and is not a file.", hint="Choose another --out file.")
    if out.exists() and any(_same(out, given) for given in inputs):
        raise OutputError(f"{out}: is the file being read; its table would replace it.",
                          hint="Choose another --out file.")  # fmt: skip
    if out.exists() and not force:
        raise OutputError(f"{out}: already exists.", hint="Use --force to replace it, or choose another --out file.")
    return ".md" if kind == ".markdown" else kind


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def write_table(
    out: Path, makers: Mapping[str, Callable[[], bytes]], what: str, force: bool = False, inputs: tuple[Path, ...] = ()
) -> None:
    """A command's ``--out`` table: ``makers`` maps each of ``.docx``, ``.md`` and ``.csv`` to what makes its
    bytes; ``out``'s suffix picks one. Written whole or not at all; an existing file only with ``force``, and
    never one of ``inputs``."""
    data = makers[check_table_out(out, force, inputs)]()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{out}: cannot make its folder ({exc.strerror}).", hint="Choose another --out file."
        ) from None
    replace_together(out.parent, {out.name: data}, what)


def interrupted(folder: Path) -> dict[str, str] | None:
    """The files (name → SHA-256) a stopped run was publishing into ``folder``, or None when it is whole."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="ascii"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def clean_stale(folder: Path, names: list[str] | tuple[str, ...]) -> None:
    """Remove the temporaries a stopped run left for ``names`` (they may hold record text). The marker stays
    until a run publishes the set again."""
    for name in names:
        for tmp in folder.glob(f".{glob.escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def sync_folder(folder: Path) -> None:
    """Make the renames and removals in ``folder`` durable (a no-op where folders cannot be synced)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

"""Writing a packet's files: the whole folder at once (written beside it, then swapped in: all or nothing) or
one file atomically, private to the user (files 0600, folders 0700: a packet holds records)."""

from __future__ import annotations

import glob
import os
import re
import shutil
import tempfile
from pathlib import Path

from reportkit.errors import OutputError

FILE_MODE = 0o600
FOLDER_MODE = 0o700
"""Modes of what a packet writes (it holds records, decrypted when they were encrypted): private to the user."""


def make_folders(folder: Path) -> None:
    """Create ``folder`` and any missing parents, each 0700 (existing folders are left as they are)."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    for path in reversed(missing):
        path.mkdir(mode=FOLDER_MODE)
        os.chmod(path, FOLDER_MODE)  # mkdir's mode is cut by the umask; this one must be exact


def _write_private(path: Path, data: bytes) -> None:
    """A new 0600 file holding ``data``, synced to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), FILE_MODE)
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())  # on disk before the folder is renamed into place


def _remove_stale(parent: Path, name: str) -> None:
    """Remove the work folders (``.NAME.PID.*.tmp``, ``.NAME.old-PID``) of packet runs that were killed: each
    names its run's process, and one whose process is gone is left over (it holds record text)."""
    for path in parent.glob(f".{glob.escape(name)}.*"):
        found = re.fullmatch(rf"\.{re.escape(name)}\.(?:(\d+)\..+\.tmp|old-(\d+))", path.name)
        if found and path.is_dir() and not path.is_symlink() and not _alive(int(found[1] or found[2])):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: alive
    return True


def write_folder(out_dir: Path, files: dict[str, bytes], force: bool) -> Path | None:
    """Write every file into a fresh folder beside ``out_dir`` and swap it in: all or nothing. Files are 0600
    and folders 0700; an ``out_dir`` that exists keeps its mode (it is the user's folder). Returns the earlier
    packet's folder when it could not be removed once replaced (it holds stamped records: say so), else None."""
    parent = out_dir.absolute().parent
    try:
        make_folders(parent)
        _remove_stale(parent, out_dir.name)
        tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out_dir.name}.{os.getpid()}.", suffix=".tmp"))  # 0700
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the packet folder ({exc.strerror}).") from None
    old: Path | None = None
    try:
        for name, data in files.items():
            path = tmp / name
            make_folders(path.parent)
            _write_private(path, data)
        if out_dir.is_dir():
            os.chmod(tmp, out_dir.stat().st_mode & 0o7777)
        if out_dir.exists():
            if not force and any(out_dir.iterdir()):
                raise OutputError(f"{out_dir}: the folder exists and is not empty.", hint="Use --force.")
            old = parent / f".{out_dir.name}.old-{os.getpid()}"
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
    except OSError as exc:
        if old is not None and not out_dir.exists():
            os.replace(old, out_dir)
            old = None
        raise OutputError(
            f"{out_dir}: cannot write the packet ({exc.strerror}).", hint="Check free space and permissions."
        ) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return old if old is not None and old.exists() else None


def write_file(path: Path, data: bytes) -> None:
    try:
        make_folders(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror}).") from None

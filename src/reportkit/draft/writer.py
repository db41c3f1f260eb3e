"""Writing drafts without ever overwriting the physician's edits.

Every draft reportkit writes is recorded by SHA-256 in ``.reportkit-drafts.json`` beside it. A later run
replaces a file only if it is still byte-for-byte what reportkit wrote (or with ``force``). All files of a
run are written to unique temporary names first (synced, removed on failure) and renamed into place together.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from reportkit.draftfiles import STATE_NAME, read_record, sha_bytes
from reportkit.errors import OutputError
from reportkit.publish import clean_stale, interrupted, replace_together


def read_state(out_dir: Path) -> dict[str, str]:
    files = read_record(out_dir).get("files", {})
    return {str(k): str(v) for k, v in files.items()}


def edited(out_dir: Path, names: list[str]) -> list[str]:
    """Names that exist in ``out_dir`` and are not what reportkit last wrote there."""
    state = read_state(out_dir)
    pending = interrupted(out_dir) or {}  # what a stopped run was writing is reportkit's too
    changed = []
    for name in names:
        path = out_dir / name
        if not path.exists():
            continue
        if not path.is_file():
            changed.append(name)
            continue
        if sha_bytes(path.read_bytes()) not in (state.get(name), pending.get(name)):
            changed.append(name)
    return changed


def private_folder(path: Path) -> list[Path]:
    """Create ``path`` and its missing parents, each mode 0700; folders that exist (the user's) are left as
    they are. Returns the folders created, outermost first."""
    missing = []
    while not path.exists() and not path.is_symlink() and path != path.parent:
        missing.append(path)
        path = path.parent
    created = []
    try:
        for folder in reversed(missing):
            folder.mkdir(mode=0o700)
            created.append(folder)
            os.chmod(folder, 0o700)  # mkdir's mode is reduced by the umask; only reportkit's own folders
    except OSError:
        remove_folders(created)
        raise
    return created


def remove_folders(created: list[Path]) -> None:
    """Remove folders ``private_folder`` created (innermost first), if they are still empty."""
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()


def write_drafts(
    out_dir: Path,
    files: dict[str, bytes],
    *,
    force: bool,
    carried: frozenset[str] = frozenset(),
    facts: dict[str, dict[str, Any]] | None = None,
) -> list[Path]:
    """Write ``files`` into ``out_dir`` all or none; refuse to replace edited files unless ``force`` or the
    file is ``carried`` (its new content carries the edits: a Word draft re-drafted around them). ``facts``:
    key → file name → what to remember of it in the state file (a value of None forgets it). Drafts are mode
    0600 (they hold record text), and a drafts folder reportkit creates is 0700."""
    try:
        private_folder(out_dir)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the drafts folder ({exc.strerror}).",
                          hint="Choose another --out folder.") from None  # fmt: skip
    blocked = [n for n in files if (out_dir / n).exists() and not (out_dir / n).is_file()]
    if blocked:
        raise OutputError(f"{out_dir}: {', '.join(blocked)} exists but is not a file.", hint="Move it away.")
    changed = [n for n in edited(out_dir, list(files)) if n not in carried]
    if changed and not force:
        raise OutputError(
            f"{out_dir}: {', '.join(changed)} changed since reportkit wrote it (edited by hand?); not replaced.",
            hint="Rename or move the edited file to keep it, or use --force to replace it, or choose --out.",
        )
    record = read_record(out_dir)
    record.setdefault("files", {}).update({name: sha_bytes(data) for name, data in files.items()})
    for key, values in (facts or {}).items():
        kept = record.setdefault(key, {})
        for name, value in values.items():
            if value is None:
                kept.pop(name, None)
            else:
                kept[name] = value
    text = json.dumps({k: dict(sorted(v.items())) for k, v in sorted(record.items()) if v}, indent=2, sort_keys=True)
    all_files = {**files, STATE_NAME: (text + "\n").encode()}
    clean_stale(out_dir, list(all_files))  # left by a draft that was killed while it wrote them
    replace_together(out_dir, all_files, "the drafts")
    return [out_dir / name for name in files]

"""One run at a time per output folder: an advisory lock (``flock``) on a file inside it, held for the run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from reportkit.errors import OutputError
from reportkit.publish import file_in_the_way

LOCK_NAME = ".reportkit.lock"
"""Inside the output folder while a run writes it (holds the run's process id); removed when the run ends."""


@contextmanager
def holding(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s lock for the whole run (the folder is made, 0700, if missing). Another run holding it:
    OutputError (exit 5) naming its process. A folder this run made and left empty is removed at the end."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    made = not folder.exists()
    path = folder / LOCK_NAME
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder.", hint="Choose another --out folder.")
    if (above := file_in_the_way(folder)) is not None:
        raise OutputError(f"{folder}: {above} is a file, not a folder.", hint="Choose another --out folder.")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as exc:
        raise OutputError(f"{folder}: cannot be written ({exc.strerror}).",
                          hint="Choose a folder you can write to, with free space.") from None  # fmt: skip
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(handle.fileno()).st_ino != os.stat(path).st_ino:  # the holder removed it as we opened it
                raise OSError
        except OSError:
            handle.seek(0)
            holder = handle.read().strip()
            raise OutputError(
                f"{folder}: another reportkit run{f' (process {holder})' if holder.isdigit() else ''} is writing "
                "to this folder.",
                hint="Wait for it to finish, or choose another --out folder.",
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            with suppress(OSError):
                path.unlink()
                if made:
                    folder.rmdir()  # only when empty: a failed run leaves no empty folder behind

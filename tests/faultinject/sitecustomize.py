"""Fault injection for tests/test_crash_points.py: a power cut at the Nth rename.

Put this folder on PYTHONPATH and set REPORTKIT_KILL_COUNTER to a file: every os.rename / os.replace in any
Python process of the run (workers too, however they were started) first appends one byte to it. With
REPORTKIT_KILL_AT=N, the call that makes the count N kills the whole process group with SIGKILL before it
renames anything, as a crash or power loss would; without it, the file just counts the renames.
"""

from __future__ import annotations

import os
import signal

_COUNTER = os.environ.get("REPORTKIT_KILL_COUNTER")
_AT = int(os.environ.get("REPORTKIT_KILL_AT", "0") or 0)


def _counted(real):  # type: ignore[no-untyped-def]
    def rename(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        fd = os.open(_COUNTER, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, b".")
            count = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if _AT and count >= _AT:
            os.killpg(0, signal.SIGKILL)
        return real(src, dst, *args, **kwargs)

    return rename


if _COUNTER:
    os.rename = _counted(os.rename)
    os.replace = _counted(os.replace)

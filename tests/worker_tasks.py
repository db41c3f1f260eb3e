"""Tasks for tests of the worker pool (run inside its worker processes)."""

from __future__ import annotations

import os
import time


def nap(value: int, seconds: float) -> int:
    time.sleep(seconds)
    return value


def die(value: int) -> int:
    os._exit(3)


def echo(value: str) -> str:
    return value


MARK = "as imported"
"""Changed by a test in its own process: a forked worker sees the change, a spawned one imports this anew."""


def mark(value: int) -> str:
    return MARK


def grab(megabytes: int) -> int:
    """Allocate (and touch) this many MiB."""
    block = bytearray(megabytes * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])
    return len(block)


def pid(value: int, seconds: float) -> int:
    """This worker's process id, after a nap (so that two at once go to two workers)."""
    time.sleep(seconds)
    return os.getpid()

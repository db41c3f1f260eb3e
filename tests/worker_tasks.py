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

"""Bates numbers: prefix + zero-padded number, one per produced page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportkit.errors import UsageError

PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,23}$")
"""Letters, digits, ``-`` and ``_``: safe in every file system, since files are named by their first number."""
MAX_DIGITS = 12


@dataclass(frozen=True, order=True)
class BatesNumber:
    """One page's Bates number, e.g. ``SMITH0000012``."""

    prefix: str
    number: int
    digits: int = 7

    def __str__(self) -> str:
        return f"{self.prefix}{self.number:0{self.digits}d}"


def check_prefix(prefix: str) -> str:
    """The prefix if it is safe in file names, else a UsageError saying what is allowed."""
    if not PREFIX_RE.match(prefix):
        raise UsageError(
            f"Bates prefix {prefix!r} cannot be used: packet files are named by their first Bates number, so "
            "the prefix may hold only letters, digits, '-' and '_' (1 to 24 characters, starting with a letter "
            "or digit).",
            hint="Choose another --prefix, e.g. SMITH or SMITH-J.",
        )
    return prefix


def check_numbering(start: int, pages: int, digits: int) -> None:
    """Refuse a start number or page count that would not fit in ``digits`` digits."""
    if not 1 <= digits <= MAX_DIGITS:
        raise UsageError(f"--digits must be 1 to {MAX_DIGITS}.", hint="The usual width is 7.")
    if start < 0:
        raise UsageError("--start must be 0 or more.")
    last = start + pages - 1
    if len(str(last)) > digits:
        raise UsageError(
            f"Bates numbers would run to {last}, more than {digits} digits.",
            hint="Give a lower --start." if digits >= MAX_DIGITS else "Give more --digits or a lower --start.",
        )


def numbers(prefix: str, start: int, count: int, digits: int) -> list[BatesNumber]:
    """``count`` consecutive numbers from ``start``."""
    return [BatesNumber(prefix, n, digits) for n in range(start, start + count)]

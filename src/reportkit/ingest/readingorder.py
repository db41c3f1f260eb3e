"""OCR'd words put back into lines in reading order.

Tesseract groups a page into blocks before it reads lines, and gives the blocks one after the other: a
column of list numbers ("1.", "2.") comes out apart from the text it numbers, a date at the right margin apart
from the line it sits on. Readers want lines. Here the words of a page are grouped into rows by their
vertical overlap and read left to right — except where the page really has two columns of running text (a
clear gutter through several consecutive rows, both sides wide), which are read one column after the other.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """An OCR'd word: its text, its box in image pixels (y grows downwards), its confidence (0-100)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    conf: float = 100.0


@dataclass(frozen=True)
class ReadLine:
    """A line as a reader reads it: its words left to right, and its box."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def left(self) -> float:
        return min(w.left for w in self.words)

    @property
    def right(self) -> float:
        return max(w.right for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def conf(self) -> float:
        return sum(w.conf for w in self.words) / len(self.words)


MIN_OVERLAP = 0.4
"""Share of the taller of a word's and a row's heights they must share for the word to sit on the row."""
COLUMN_ROWS = 4
"""Consecutive rows a gutter must run through to make two columns."""
COLUMN_SHARE = 0.25
"""Each column at least this share of the text's width (a column of list numbers is not a column)."""


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Shared height of two bands, as a share of the taller: a word as tall as several lines (a rule, a
    smudge read as a letter) shares little with any one of them."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared / max(a[1] - a[0], b[1] - b[0], 1.0)


def rows(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into rows (top to bottom), each row left to right."""
    out: list[tuple[list[float], list[Word]]] = []  # ([sum of tops, sum of bottoms], words)
    for word in sorted((w for w in words if w.text.strip()), key=lambda w: ((w.top + w.bottom) / 2, w.left)):
        band = (word.top, word.bottom)
        best = None
        for row in reversed(out[-4:]):  # rows are nearly sorted: only the last few can take the word
            n = len(row[1])
            if _overlap((row[0][0] / n, row[0][1] / n), band) >= MIN_OVERLAP:
                best = row
                break
        if best is None:
            out.append(([word.top, word.bottom], [word]))
        else:
            best[0][0] += word.top
            best[0][1] += word.bottom
            best[1].append(word)
    ordered = [_once(sorted(ws, key=lambda w: w.left)) for _, ws in out]
    return sorted(ordered, key=lambda ws: statistics.median((w.top + w.bottom) / 2 for w in ws))


def _once(row: list[Word]) -> list[Word]:
    """A row without the words read twice: a word lying mostly inside a neighbour's box whose text holds
    its own ("symptoms" and "ymp" over the same ink) is left out."""
    out: list[Word] = []
    for word in row:
        if out and _inside(word, out[-1]) and word.text.lower() in out[-1].text.lower():
            continue
        if out and _inside(out[-1], word) and out[-1].text.lower() in word.text.lower():
            out[-1] = word
            continue
        out.append(word)
    return out


def _inside(a: Word, b: Word) -> bool:
    """Most of ``a``'s width lies within ``b``'s."""
    shared = min(a.right, b.right) - max(a.left, b.left)
    return shared > 0.6 * max(a.right - a.left, 1.0)


def _gaps(row: list[Word], wide: float) -> list[tuple[float, float]]:
    """The horizontal gaps in a row wider than ``wide``."""
    return [(a.right, b.left) for a, b in itertools.pairwise(row) if b.left - a.right > wide]


def _gutter(block: list[list[Word]], left: float, right: float, wide: float) -> float | None:
    """An x that every row of ``block`` has a wide gap over, with wide text on both sides in most rows."""
    spans = [_gaps(row, wide) for row in block]
    if not all(spans):
        return None
    candidates = sorted({(a + b) / 2 for gaps in spans for a, b in gaps})
    width = right - left
    for x in candidates:
        if not all(any(a <= x <= b for a, b in gaps) for gaps in spans):
            continue
        both = sum(1 for row in block if row[0].left < x < row[-1].right)
        left_side = [max(w.right for w in row if w.right <= x) - row[0].left for row in block if row[0].left < x]
        right_side = [row[-1].right - min(w.left for w in row if w.left >= x) for row in block if row[-1].right > x]
        if (
            both >= 0.75 * len(block)
            and left_side
            and right_side
            and statistics.median(left_side) >= COLUMN_SHARE * width
            and statistics.median(right_side) >= COLUMN_SHARE * width
        ):
            return x
    return None


def reading_lines(words: Sequence[Word]) -> list[ReadLine]:
    """The page's lines in reading order (see the module docstring)."""
    grouped = rows(words)
    if not grouped:
        return []
    left = min(w.left for row in grouped for w in row)
    right = max(w.right for row in grouped for w in row)
    height = statistics.median(w.bottom - w.top for row in grouped for w in row)
    wide = 2.5 * height  # a gap between columns, not between words
    out: list[ReadLine] = []
    i = 0
    while i < len(grouped):
        j = i
        gutter = None
        while j < len(grouped):  # the longest run of rows from i that one gutter goes through
            found = _gutter(grouped[i : j + 1], left, right, wide)
            if found is None:
                break
            gutter, j = found, j + 1
        if gutter is not None and j - i >= COLUMN_ROWS:
            block, x = grouped[i:j], gutter
            for first in (True, False):
                out += [ReadLine(tuple(kept)) for row in block
                        if (kept := [w for w in row if (w.right <= x if first else w.left >= x)])]  # fmt: skip
            i = j
            continue
        out.append(ReadLine(tuple(grouped[i])))
        i += 1
    return out

"""Documents re-sent later in a bundle: exact copies, and near-exact ones (re-faxed, re-scanned, re-OCR'd).

Each document's text becomes a set of word shingles (runs of ``SHINGLE_WORDS`` words, hashed with a stable
hash so worker processes agree). Two documents are copies when the Jaccard similarity of their shingle sets
reaches the threshold. To avoid comparing every pair, candidates are the documents that share a sample of
shingles (those whose hash falls in a fixed residue class) with an earlier one.

Which copy counts as the original is decided by bundle order, never by date: the first copy in the bundle.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

SHINGLE_WORDS = 3
SAMPLE_MOD = 4
"""A shingle is in the sample when hash % SAMPLE_MOD == 0 (about a quarter of them)."""
MIN_SHINGLES = 12
"""Documents with fewer shingles (blank pages, one-line slips) are never called duplicates."""
DEFAULT_THRESHOLD = 0.85

_WORD = re.compile(r"[a-z0-9]+")
_CONFUSABLE = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "!": "l", "5": "s", "8": "b", "6": "b", "c": "e"})
"""Characters OCR and fax noise swap for each other, folded together so that such noise is no difference."""


def shingles(text: str) -> frozenset[int]:
    """The document's word shingles (case, punctuation and OCR look-alikes folded) as stable 32-bit hashes."""
    words = _WORD.findall(text.lower().replace("rn", "m").translate(_CONFUSABLE))
    if len(words) < SHINGLE_WORDS:
        return frozenset()
    return frozenset(
        zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8"))
        for i in range(len(words) - SHINGLE_WORDS + 1)
    )


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Copy:
    """Document ``index`` (position in bundle order) is a copy of ``original`` with this similarity."""

    index: int
    original: int
    similarity: float


def find_copies(sets: Sequence[frozenset[int]], threshold: float = DEFAULT_THRESHOLD) -> list[Copy]:
    """For each document that copies an earlier one, the most similar earlier original (itself not a copy)."""
    postings: dict[int, list[int]] = defaultdict(list)
    originals: set[int] = set()
    copies: list[Copy] = []
    for i, current in enumerate(sets):
        if len(current) < MIN_SHINGLES:
            continue
        sample = [h for h in current if h % SAMPLE_MOD == 0]
        shared: dict[int, int] = defaultdict(int)
        for h in sample:
            for j in postings.get(h, ()):
                shared[j] += 1
        best: Copy | None = None
        # A pair with Jaccard >= t shares at least t * |smaller| shingles; sampled counts are ~1/SAMPLE_MOD of
        # that, so a generous cut keeps every true pair and drops most others before the exact comparison.
        floor = max(1, int(threshold * len(sample) * 0.5))
        for j, count in sorted(shared.items()):
            if count < floor or j not in originals:
                continue
            similarity = jaccard(current, sets[j])
            if similarity >= threshold and (best is None or similarity > best.similarity):
                best = Copy(i, j, round(similarity, 3))
        if best is not None:
            copies.append(best)
            continue
        originals.add(i)
        for h in sample:
            postings[h].append(i)
    return copies

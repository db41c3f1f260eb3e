"""Documents re-sent later in a bundle: exact copies, and near-exact ones (re-faxed, re-scanned, re-OCR'd).

Each document's text becomes a set of word shingles (runs of ``SHINGLE_WORDS`` words, hashed with a stable
hash so worker processes agree). Two documents are copies when the Jaccard similarity of their shingle sets
reaches the threshold. To avoid comparing every pair, candidates are the documents that share a sample of
shingles (those whose hash falls in a fixed range) with an earlier one.

A re-scan (a page printed, faxed and OCR'd again) loses too many words to OCR noise, and its columns may be
read in another order, for word shingles to find it: where a bundle has OCR'd pages, documents are also
compared by their letters (:func:`letter_grams`), and a document with an OCR'd page that is alike enough by
letters to an earlier one is its re-scan.

Which copy counts as the original is decided by bundle order, never by date: the first copy in the bundle.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TypeAlias

SHINGLE_WORDS = 3
SAMPLE_BELOW = 1 << 28
"""A shingle is in the sample when its (30-bit) hash is below this (about a quarter of them): in a document's
ascending shingles the sample is the first part, found by a binary search."""
MIN_SHINGLES = 12
"""Documents with fewer shingles (blank pages, one-line slips) are never called duplicates."""
DEFAULT_THRESHOLD = 0.85
BOILERPLATE = 24
"""A sampled shingle seen in this many documents already is template text, not evidence of a copy."""
SLACK = 0.25
"""How far below the threshold a candidate's sampled overlap may fall and still be compared exactly."""

_WORD = re.compile(rb"[a-z0-9]+")
_CONFUSABLE = bytes.maketrans(b"01i|!586c", b"ollllsbbe")
"""Characters OCR and fax noise swap for each other, folded together so that such noise is no difference.
(Applied to the UTF-8 bytes: every byte of a non-ASCII character is above 127, so only ASCII changes.)"""


_LOW_BITS = ((1 << 30) - 1).__and__
"""A hash's low 30 bits: numbers below 2**30 are one internal digit, which makes the set operations on them
faster (and a collision inside one document is still very unlikely)."""


Shingles: TypeAlias = "array[int]"
"""A document's shingles: distinct 30-bit hashes in ascending order, four bytes each (a set of Python ints
takes ~90 bytes per shingle: a 2,000-page bundle's came to 36 MB, and grew with every page)."""


def shingles(text: str) -> array[int]:
    """The document's word shingles (case, punctuation and OCR look-alikes folded) as stable hashes: CRC-32 of
    each word, and the hash of each run of those numbers (the same in every process: ``hash()`` is salted
    per process for text, never for numbers)."""
    words = _WORD.findall(text.lower().encode("utf-8").replace(b"rn", b"m").translate(_CONFUSABLE))
    if len(words) < SHINGLE_WORDS:
        return array("I")
    h = list(map(zlib.crc32, words))
    return array("I", sorted(set(map(_LOW_BITS, map(hash, zip(h, h[1:], h[2:], strict=False))))))


RESCAN_LETTERS = 6
"""Letters per run in :func:`letter_grams`."""
RESCAN_SLACK = 0.25
"""A re-scan is compared by letters at the duplicate threshold less this (0.60 at the default 0.85). Measured on
real scans: a re-scan of an OCR'd history and physical, 0.70 alike by letters (0.34 by word shingles); the most
alike pair of different documents, two pages of one claim form, 0.41."""
_NOT_LETTER = re.compile(r"[^a-z]+")
_LOOK_ALIKE = str.maketrans("01i|!586ceyoutfjhbnm", "ollllsbbaaaaalllllnn")
"""OCR's look-alikes folded into one letter each: vowels with c and y; l with i, t, f, j and the strokes 1 | !;
b with h, 6 and 8; n with m (after "rn" is read as "m"); 0 as o and 5 as s. Other digits and all punctuation
and spaces are dropped."""


def letter_grams(text: str) -> array[int]:
    """A text's runs of ``RESCAN_LETTERS`` letters, look-alikes folded (see :data:`_LOOK_ALIKE`), hashed like
    :func:`shingles`: two OCR readings of one page share most of them, however many words each misread and in
    whatever order each read the columns."""
    letters = _NOT_LETTER.sub("", text.lower().replace("rn", "m").translate(_LOOK_ALIKE)).encode("ascii")
    n, crc = RESCAN_LETTERS, zlib.crc32
    return array("I", sorted({_LOW_BITS(crc(letters[i : i + n])) for i in range(len(letters) - n + 1)}))


def jaccard(a: Collection[int], b: Collection[int]) -> float:
    """Jaccard similarity of two sets of shingles (each without repeats)."""
    if not a or not b:
        return 0.0
    return _jaccard(a if isinstance(a, frozenset) else frozenset(a), b)


def _jaccard(a: frozenset[int], b: Collection[int]) -> float:
    common = len(a.intersection(b))
    return common / (len(a) + len(b) - common)


@dataclass(frozen=True)
class Copy:
    """Document ``index`` (position in bundle order) is a copy of ``original`` with this similarity."""

    index: int
    original: int
    similarity: float
    rescan: bool = False
    """Found by letters (:func:`letter_grams`): a re-scan."""


class CopyFinder:
    """Finds copies among documents given one at a time in bundle order (so that the search can run while
    later documents are still being analysed); :func:`find_copies` for a whole list at once.

    Identical shingle sets are matched by a dictionary. Otherwise candidates come from a sample of shingles
    (hash < SAMPLE_BELOW) posted per document; a shingle already posted by ``BOILERPLATE`` documents is
    template text (a clinic's headings, a disclaimer) and neither counts nor is posted again. A candidate
    whose share of the document's informative sample reaches ``threshold - SLACK``, and whose size allows the
    threshold, gets the exact Jaccard comparison. ``allowed(i, j)``, when given, must be true for document
    ``i`` to be a copy of ``j`` (positions in the order given): e.g. that they name no different patients."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, allowed: Callable[[int, int], bool] | None = None) -> None:
        self.threshold = threshold
        self.allowed = allowed
        self.copies: list[Copy] = []
        self._sets: list[array[int]] = []
        self._dates: list[str | None] = []
        self._postings: dict[int, list[int]] = defaultdict(list)
        self._exact: dict[tuple[bytes, str | None], int] = {}
        """The first original with each shingle set and date, by a digest of the set (the sets' bytes as keys
        held every shingle twice: ~5 MB at 5,000 pages)."""

    @property
    def seen(self) -> int:
        """How many documents have been given."""
        return len(self._sets)

    def add(self, current: Collection[int], date: str | None = None) -> Copy | None:
        """The next document's shingles (see :func:`shingles`) and date; returns the copy it is of an earlier
        one, if it is one. Two dated documents with different dates are never copies: a note carried forward
        to the next visit is a visit of its own, however alike its words."""
        if not isinstance(current, array):
            current = array("I", sorted(current))
        i = len(self._sets)
        self._sets.append(current)
        self._dates.append(date)
        copy = self._match(i, current, date)
        if copy is not None:
            self.copies.append(copy)
        return copy

    def _match(self, i: int, current: array[int], date: str | None) -> Copy | None:
        if len(current) < MIN_SHINGLES:
            return None
        exact = (hashlib.blake2b(current, digest_size=16).digest(), date)
        same = self._exact.get(exact)
        if same is not None and self._sets[same] == current:
            return Copy(i, same, 1.0)
        postings, threshold = self._postings, self.threshold
        sample = current[: bisect_left(current, SAMPLE_BELOW)]
        informative = [h for h in sample if len(postings.get(h, ())) < BOILERPLATE]
        shared = Counter(chain.from_iterable(postings.get(h, ()) for h in informative))
        best: Copy | None = None
        floor = (threshold - SLACK) * len(informative)
        dates = self._dates
        probe: frozenset[int] | None = None
        for j, count in sorted(shared.items()):
            other = self._sets[j]
            if count < floor or min(len(current), len(other)) < threshold * max(len(current), len(other)):
                continue
            if date and dates[j] and date != dates[j]:
                continue
            if self.allowed is not None and not self.allowed(i, j):
                continue
            if probe is None:  # built only for a candidate worth the exact comparison
                probe = frozenset(current)
            similarity = _jaccard(probe, other)
            if similarity >= threshold and (best is None or similarity > best.similarity):
                best = Copy(i, j, round(similarity, 3))
        if best is None:  # an original: later documents are compared with it
            self._exact[exact] = i
            for h in informative:
                postings[h].append(i)
        return best


def find_rescans(
    grams: Sequence[Collection[int] | None],
    dates: Sequence[str | None],
    scanned: Sequence[bool],
    threshold: float = DEFAULT_THRESHOLD,
    allowed: Callable[[int, int], bool] | None = None,
) -> list[Copy]:
    """Re-scans: for each document with an OCR'd page (``scanned``) that is at least ``threshold -
    RESCAN_SLACK`` alike by :func:`letter_grams` to an earlier document (or is such an earlier document of a
    later scanned one), that copy. ``grams`` None: the document is not compared (e.g. already a copy)."""

    def rescan_allowed(i: int, j: int) -> bool:
        return (scanned[i] or scanned[j]) and (allowed is None or allowed(i, j))

    finder = CopyFinder(threshold - RESCAN_SLACK, rescan_allowed)
    for current, date in zip(grams, dates, strict=True):
        finder.add(array("I") if current is None else current, date)
    return [Copy(c.index, c.original, c.similarity, rescan=True) for c in finder.copies]


def find_copies(sets: Sequence[Collection[int]], threshold: float = DEFAULT_THRESHOLD) -> list[Copy]:
    """For each document that copies an earlier one, the most similar earlier original (itself not a copy)."""
    finder = CopyFinder(threshold)
    for current in sets:
        finder.add(current)
    return finder.copies

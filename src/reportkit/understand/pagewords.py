"""What two pages' words have in common, for the split's undecided pages.

A page of a document shares words with the page before it: the patient's name, the headers, the subject.
A page that shares almost none starts something else, most often a record from another source that
carries no title the rules know (a handwritten note, a marketing fax, a payer's form). Measured on the
real-world bundles: of the page pairs where both pages hold 20 words or more, every pair sharing under an
eighth of the smaller page's words was a new document. It only tips a page the other signals leave
undecided (:func:`reportkit.understand.split.split_scored`), and the words are read only for those pages.

And where the current document's first two pages come again word for word (or its one page, where no OCR
read either), that is the document sent a second time (a file re-sent in a production): it starts a copy,
which the duplicate search then marks. So does a one-page document's page read again the other way (a
re-faxed image after the page's text, or the reverse) that holds nine tenths of its words or more.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

_WORD = re.compile(r"[a-z]{4,}")
"""A word that says something of the subject (shorter ones are mostly "the", "and", units and OCR debris)."""
MIN_WORDS = 20
"""Fewer distinct words than this on a page say too little to compare (a spill-over, a signature page)."""
FEW_SHARED = 0.12
"""Under this share of the smaller page's words in common, the pages are about different things."""
MIN_SAME_CHARS = 100
"""A page repeated word for word is the first page again only when it holds this much text."""
WORDS_POINTS = 1.5
"""What a page sharing almost no words with the page before adds to its start score, when the other signals
left it short of a start by no more than this."""
RESCAN_SHARED = 0.9
"""A one-page document's page read again the other way (scanned after its text, or the reverse) shares at
least this much of its words with it: a re-scan filed right after its original."""
SENT_AGAIN_POINTS = 5.0
"""What a page that repeats the current document's first page adds: a strong sign (a copy starts)."""


class PageWords:
    """Pages' words by bundle page number, read when first asked for (``texts[i]`` is page ``i + 1``)."""

    def __init__(self, texts: Sequence[str], scanned: Collection[int] = ()) -> None:
        self._texts = texts
        self._scanned = frozenset(scanned)
        """Bundle pages whose text OCR read."""
        self._words: dict[int, frozenset[str]] = {}

    def _of(self, page: int) -> frozenset[str]:
        words = self._words.get(page)
        if words is None:
            words = self._words[page] = frozenset(_WORD.findall(self._texts[page - 1].lower()))
        return words

    def shared(self, a: int, b: int) -> float | None:
        """The share of the smaller page's distinct words that the other page holds too (None: a page holds
        too few words to tell)."""
        first, second = self._of(a), self._of(b)
        smaller = min(len(first), len(second))
        if smaller < MIN_WORDS:
            return None
        return len(first & second) / smaller

    def few_shared(self, a: int, b: int) -> bool:
        """The two pages are about different things (see :data:`FEW_SHARED`)."""
        shared = self.shared(a, b)
        return shared is not None and shared < FEW_SHARED

    def same_text(self, a: int, b: int, least: int = MIN_SAME_CHARS) -> bool:
        """Pages ``a`` and ``b`` hold the same text, spacing aside, and at least ``least`` characters of it."""
        if not (0 < a <= len(self._texts) and 0 < b <= len(self._texts)):
            return False
        first, second = self._texts[a - 1], self._texts[b - 1]
        if len(first) < max(least, 1) or abs(len(first) - len(second)) > len(first) // 4:
            return False
        if first.split(None, 8)[:8] != second.split(None, 8)[:8]:  # (most pages differ at once)
            return False
        return first.split() == second.split()

    def _sent_again(self, first_page: int, page: int) -> bool:
        """Page ``page`` begins the current document (from ``first_page``) again, word for word: its first two
        pages repeat (its second may be a line or two), or, for a one-page document, its page repeats where
        neither was OCR'd. A scanned page repeated alone is not enough: the pages of a chart printed on one
        template read the same when OCR lost what was written on them."""
        if not self.same_text(first_page, page):
            return False
        if page == first_page + 1:
            return not {first_page, page} & self._scanned
        return self.same_text(first_page + 1, page + 1, least=1) and not self.same_text(first_page, first_page + 1)

    def _rescanned(self, first_page: int, page: int) -> bool:
        """Page ``page`` is a one-page document's page (``first_page``, just before it) read the other way: one
        of the two by OCR, the other from its text layer, and their words all but the same."""
        if page != first_page + 1 or (first_page in self._scanned) == (page in self._scanned):
            return False
        shared = self.shared(first_page, page)
        return shared is not None and shared >= RESCAN_SHARED

    def say(self, prev_page: int, first_page: int, page: int, short_by: float) -> tuple[float, str] | None:
        """What the words add to page ``page``'s start score, and why, when the other signals left it
        ``short_by`` points short of a start (``first_page``: the current document's first page)."""
        if short_by <= 0:
            return None
        if self._sent_again(first_page, page):
            return SENT_AGAIN_POINTS, f"the document's first page again: sent twice (+{SENT_AGAIN_POINTS:g})"
        if self._rescanned(first_page, page):
            return SENT_AGAIN_POINTS, f"the page before again, scanned once more (+{SENT_AGAIN_POINTS:g})"
        if short_by > WORDS_POINTS:
            return None
        if self.few_shared(prev_page, page):
            return WORDS_POINTS, f"the page shares almost no words with the page before (+{WORDS_POINTS:g})"
        if self.shared(prev_page, page) is None and first_page != prev_page and self.few_shared(first_page, page):
            # the page before is a spill-over (a line or two): the document's first page says what it is about
            return WORDS_POINTS, f"the page shares almost no words with the document's first page (+{WORDS_POINTS:g})"
        return None

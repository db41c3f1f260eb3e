"""A literal prefilter for regular expressions: skip the scan when the text cannot hold a match.

Most of the index's phrase rules cannot match unless some word of theirs is in the text ("reference range"
needs ``reference`` or ``ref``; ``\\b(epidural|facet)\\s+injection`` needs ``injection``). Testing a few
fixed strings with ``in`` is far faster than running the expression over a page of dense notes, and most
rules find none of their words on most pages. This is the prefilter regex engines such as RE2 and Hyperscan
use, built here from the expression's own parse tree (the ``re`` module's parser), so it cannot drift from
the pattern: the strings it requires are ones every match contains, and a pattern it cannot reason about
simply always runs. Results are the same as :meth:`re.Pattern.search` by construction.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from typing import Any

try:  # the parser behind re.compile (a private module; without it the prefilter stands aside)
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Pythons
    _sre = _c = None


Needles = tuple[tuple[tuple[str, ...], ...], ...]
"""Alternatives, each a conjunction of groups, each a choice of strings: a text can hold a match only when,
for some alternative, every group has one of its strings in the text."""

MAX_GROUPS = 2
"""Groups kept per alternative (the most selective): more cost more to test than they save."""


@dataclass(frozen=True)
class Prefiltered:
    """A compiled pattern with the strings any text it matches must contain."""

    pattern: re.Pattern[str]
    needles: Needles | None
    """None: no such strings are known, the pattern always runs."""

    def search(self, text: str) -> re.Match[str] | None:
        if self.needles is not None and not _may_match(self.needles, text):
            return None
        return self.pattern.search(text)


def _may_match(needles: Needles, text: str) -> bool:
    """Whether, for some alternative, every group has one of its strings in ``text`` (plain loops: this runs
    for every rule on every document, and generator expressions cost more than the tests they make)."""
    for alternative in needles:
        for group in alternative:
            for string in group:
                if string in text:
                    break
            else:  # a group without any of its strings: this alternative cannot match
                break
        else:
            return True
    return False


def prefiltered(pattern: re.Pattern[str]) -> Prefiltered:
    return Prefiltered(pattern, required_strings(pattern))


@dataclass(frozen=True)
class Alternatives:
    """Patterns searched one by one for the leftmost match of any of them, a tie going to the first: the match
    of ``pattern``, which joins them with ``|`` (at each position the joined pattern tries its alternatives in
    order, and the first position where one matches is the leftmost start of them all). Found faster: each
    alternative keeps its own prefilter, and the regex engine's scan for a literal prefix or a set of first
    characters, which the engine gives up for a pattern whose alternatives begin with groups. Each part runs
    as :func:`literal_led` writes it; ``pattern`` joins the sources as given."""

    parts: tuple[Prefiltered, ...]
    flags: int = 0
    sources: tuple[str, ...] = ()
    """The alternatives as given (``parts`` hold them as searched)."""

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The joined pattern (compiled when first asked for: the search never needs it)."""
        sources = self.sources or tuple(part.pattern.pattern for part in self.parts)
        return re.compile("|".join(f"(?:{source})" for source in sources), self.flags)

    def search(self, text: str) -> re.Match[str] | None:
        best: re.Match[str] | None = None
        for part in self.parts:
            m = part.search(text)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best


def alternatives(patterns: list[str], flags: int = 0) -> Alternatives:
    """:class:`Alternatives` of ``patterns`` (each a whole alternative: no ``|`` outside its parentheses, no
    reference to another's groups)."""
    parts = tuple(prefiltered(re.compile(literal_led(p, flags), flags)) for p in patterns)
    return Alternatives(parts, flags, tuple(patterns))


_WORD_RUN = re.compile(r"[A-Za-z0-9]+")
_QUANTIFIERS = ("?", "*", "+", "{")
"""What may follow a character or a group to repeat it (a slice of the source is tested against them)."""


def literal_led(source: str, flags: int = 0) -> str:
    """The same pattern with a leading word boundary moved behind the word it stands before:
    ``\\bviews?\\s+of`` becomes ``view(?<!\\wview)s?\\s+of``, and ``\\b(returns?|is\\s+back)`` becomes
    ``(return(?<!\\wreturn)s?|is(?<!\\wis)\\s+back)``. The regex engine scans for a pattern's literal prefix
    (or the set of its first characters) in C, many times faster than trying every position, but a pattern
    that opens with ``\\b`` has none (measured on dense notes: 65 ms → 2-5 ms a rule).

    The same matches, spans and groups: ``\\b`` before a word character means no word character just before
    it, and ``L(?<!\\wL)`` checks exactly that once ``L`` (letters and digits) has matched; before a group
    the boundary holds for whichever branch matches, so it goes into each branch. Anything else (a class, an
    escape, a group with a quantifier or a flag, verbose patterns) is left as it is."""
    if flags & re.VERBOSE or not source.startswith(r"\b"):
        return source
    rest = source[2:]
    if rest.startswith("("):
        opening = "(?:" if rest.startswith("(?:") else "" if rest.startswith("(?") else "("
        end = _closing(rest)
        if not opening or end is None or rest[end + 1 : end + 2] in _QUANTIFIERS:
            return source
        branches = top_level_split(rest[len(opening) : end])
        if branches is None:
            return source
        inner = "|".join(literal_led(r"\b" + branch, flags) for branch in branches)
        return f"{opening}{inner}){rest[end + 1 :]}"
    m = _WORD_RUN.match(rest)
    if m is None:
        return source
    run = m.group()
    if rest[m.end() : m.end() + 1] in _QUANTIFIERS:
        run = run[:-1]  # the quantifier applies to the last character
    if not run:
        return source
    return f"{run}(?<!\\w{run}){rest[len(run) :]}"


def _structure(source: str) -> list[tuple[int, str]]:
    """The parentheses and bars of a pattern with their positions, outside escapes and character classes."""
    out: list[tuple[int, str]] = []
    i, in_class = 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            i += 1
            if source[i : i + 1] == "^":
                i += 1
            if source[i : i + 1] == "]":  # a ] first in a class is a literal
                i += 1
            continue
        elif ch in "()|":
            out.append((i, ch))
        i += 1
    return out


def _closing(source: str) -> int | None:
    """Where the group that opens ``source`` closes (None: it does not)."""
    depth = 0
    for i, ch in _structure(source):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return None


def top_level_split(source: str) -> list[str] | None:
    """``source`` cut at its bars outside any group (None: its parentheses do not balance)."""
    parts, depth, start = [], 0, 0
    for i, ch in _structure(source):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0:
            parts.append(source[start:i])
            start = i + 1
    if depth:
        return None
    parts.append(source[start:])
    return parts


def required_strings(pattern: re.Pattern[str]) -> Needles | None:
    """What every match of ``pattern`` contains (see :data:`Needles`), or None when nothing is known."""
    if _sre is None or pattern.flags & (re.IGNORECASE | re.VERBOSE) or not isinstance(pattern.pattern, str):
        return None
    try:
        tree = _sre.parse(pattern.pattern, pattern.flags)
    except Exception:  # pragma: no cover - the pattern compiled, so it parses
        return None
    if tree.state.flags & re.IGNORECASE:  # an inline (?i)
        return None
    items = list(tree)
    if len(items) == 1 and items[0][0] is _c.BRANCH:
        alternatives = [_groups(list(branch)) for branch in items[0][1][1]]
    else:
        alternatives = [_groups(items)]
    if not all(alternatives):
        return None
    return tuple(
        tuple(tuple(sorted(g)) for g in sorted(groups, key=_selectivity)[:MAX_GROUPS]) for groups in alternatives
    )


def _groups(items: list[tuple[Any, Any]]) -> list[set[str]]:
    """Groups of strings a match of this sequence of parsed items holds (one string of each group)."""
    found: list[set[str]] = []
    run: list[str] = []

    def close() -> None:
        if run:
            found.append({"".join(run)})
            run.clear()

    for op, arg in items:
        if op is _c.LITERAL:
            run.append(chr(arg))
            continue
        close()
        if op is _c.SUBPATTERN:
            _group, add_flags, _del_flags, inner = arg
            if not add_flags & re.IGNORECASE:
                found += _groups(list(inner))
        elif op is _c.BRANCH:
            union = _of_branches(arg[1])
            if union:
                found.append(union)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, _high, inner = arg
            if low >= 1:
                found += _groups(list(inner))
        # anything else (classes, anchors, lookarounds, backreferences) requires no fixed string
    close()
    return found


def _of_branches(branches: list[Any]) -> set[str] | None:
    """Alternatives: a match holds the best group of whichever matched; unknown if any has none."""
    union: set[str] = set()
    for branch in branches:
        groups = _groups(list(branch))
        if not groups:
            return None
        union |= min(groups, key=_selectivity)
    return union


def _selectivity(group: AbstractSet[str]) -> tuple[int, int]:
    """Sort key, most selective first: the longer the group's shortest string (then the fewer strings)."""
    return (-min(len(x) for x in group), len(group))


@dataclass(frozen=True)
class Folded:
    """A case-insensitive pattern tested faster: an ASCII text is lower-cased and searched with the pattern
    compiled case-sensitively (about three times faster than ignoring case), any other text with the pattern
    itself. The same answers: the pattern's source is all lower case (no literal, class or escape that tells
    the cases apart, no inline flag turning case back on), and an ASCII text's only case variants are ASCII
    letters, which ``str.lower`` folds one for one (so ``ſ``, ``K`` or ``İ``, which case-insensitive matching
    also folds, never come up)."""

    pattern: re.Pattern[str]
    folded: re.Pattern[str]

    def found(self, text: str) -> bool:
        if text.isascii():
            return self.folded.search(text.lower()) is not None
        return self.pattern.search(text) is not None


_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]")


def folded(pattern: re.Pattern[str]) -> Folded:
    """:class:`Folded` of a case-insensitive pattern whose source is all lower case."""
    source = pattern.pattern
    if (
        not pattern.flags & re.IGNORECASE
        or not isinstance(source, str)
        or source != source.lower()
        or _INLINE_FLAGS.search(source)
    ):
        raise ValueError(f"not a lower-case, case-insensitive pattern without inline flags: {source!r}")
    return Folded(pattern, re.compile(source, pattern.flags & ~re.IGNORECASE))

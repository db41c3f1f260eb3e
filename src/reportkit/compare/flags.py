"""Differences found by mechanical rules, each explained by the rule that raised it.

Sides are compared in pairs: the treating records against each IME, and a prior IME against ours. A side's
position on a topic is its latest dated row that the rule can read (the treating side: the latest of all
treating providers). The rules (docs/compare.md lists them):

- ``mmi-state``: one side says MMI is not reached, the other that it is.
- ``mmi-date``: both say MMI is reached, on different dates (``as of today`` reads as the record's date).
- ``work-off-vs-full``: one side's latest work status is off work, the other's full duty without restrictions.
- ``lifting-limit``: the latest lifting limits (the highest lb figure of the sentence) differ.
- ``impairment-rating``: the percentages of whole person impairment the sides state have none in common.
- ``causation-not-related``: one side says not related (unrelated, not caused by), the other related.
- ``apportionment``: one side apportions a percentage to a pre-existing condition; the other's causation rows
  do not apportion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from reportkit.citecheck.find import dates_in
from reportkit.compare.model import IME, TREATING, Flag, Row

_I = re.IGNORECASE
_MMI_NOT = re.compile(
    r"\bnot\b[^.;]{0,30}\b(?:maximum medical improvement|MMI)\b|\bnot (?:yet )?(?:reached|at|achieved)\b|"
    r"\breached: false\b",
    _I,
)
_MMI_AT = re.compile(
    r"\b(?:reached|achieved|attained)\b|\bat (?:maximum medical improvement|MMI)\b|"
    r"(?:maximum medical improvement|MMI)\s*:\s*(?=[A-Z0-9])",
    _I,
)
_TODAY = re.compile(r"\b(?:as of )?today\b", _I)
_LB = re.compile(r"(\d+)\s*(?:lb|lbs|pounds)\b", _I)
_LIMIT = re.compile(r"\blift|\bcarry|\blimit|\bmaximum\b|\bno more than\b|\boccasional|\bfrequent|\brestrict", _I)
_NOT_A_LIMIT = re.compile(r"\bweigh|\bdemands?\b|\bjob requires\b|\bnot tested\b|\blifted\b", _I)
_OFF = re.compile(r"\boff work\b|\btemporar\w* total\w* disab|\bTTD\b", _I)
_FULL = re.compile(r"\b(?:full|regular) duty\b|\bno restrictions\b|\bwithout restrictions\b", _I)
_RESTRICTED = re.compile(r"\bmodified\b|\blight\b|\bsedentary\b|\bwith (?:\w+ )?restrictions\b|\blimit", _I)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent)", _I)
_WHOLE = re.compile(r"whole[- ]person|\bWPI\b|\bimpairment\b", _I)
_NOT_RELATED = re.compile(r"\bnot (?:causally )?related\b|\bunrelated\b|\bnot caused\b|\bno causal\b", _I)
_RELATED = re.compile(r"\brelated to\b|\bcaused by\b|\bconsistent with the\b", _I)
_APPORTION = re.compile(r"\bapportion", _I)


def _key(row: Row) -> tuple[str, int]:
    return (row.date or "", row.page or 0)


def _latest(rows: Sequence[tuple[int, Row]], read: Callable[[Row], object]) -> tuple[int, Row, object] | None:
    """The latest dated row that ``read`` gets a value from (undated rows only when no dated one has one)."""
    found = [(k, r, v) for k, r in rows if (v := read(r)) is not None]
    if not found:
        return None
    dated = [f for f in found if f[1].date] or found
    return max(dated, key=lambda f: _key(f[1]))


def _mmi(row: Row) -> tuple[bool, str | None] | None:
    """(reached, ISO date or None) as the sentence states it; None when it states neither."""
    text = row.text
    if _MMI_NOT.search(text):
        return (False, None)
    if not _MMI_AT.search(text):
        return None
    dates = dates_in(text)
    if dates:
        return (True, dates[0])
    return (True, row.date if _TODAY.search(text) else None)


def _lifting(row: Row) -> int | None:
    text = row.text
    if not _LIMIT.search(text) or _NOT_A_LIMIT.search(text):
        return None
    figures = [int(n) for n in _LB.findall(text)]
    return max(figures) if figures else None


def _work(row: Row) -> str | None:
    text = row.text
    if _OFF.search(text):
        return "off work"
    if _FULL.search(text) and not _RESTRICTED.search(text):
        return "full duty"
    return None


def _said(row: Row) -> str:
    by = f" {row.provider}" if row.provider else ""
    return f"{row.who}{by}, {row.date or 'undated'} ({row.citation})"


def _pairs(groups: dict[str, list[tuple[int, Row]]]) -> list[tuple[str, str]]:
    imes = [w for w in groups if w != TREATING]
    pairs = [(TREATING, w) for w in imes if TREATING in groups]
    prior = [w for w in imes if w.startswith("prior")]
    ours = [w for w in imes if not w.startswith("prior")]
    return pairs + [(p, o) for p in prior for o in ours]


def _mmi_flags(a: list[tuple[int, Row]], b: list[tuple[int, Row]]) -> list[Flag]:
    x, y = _latest(a, _mmi), _latest(b, _mmi)
    if x is None or y is None:
        return []
    (i, r, vx), (j, s, vy) = x, y
    assert isinstance(vx, tuple) and isinstance(vy, tuple)
    if vx[0] != vy[0]:
        said = {True: "reached", False: "not reached"}
        detail = f"MMI {said[vx[0]]}: {_said(r)}; MMI {said[vy[0]]}: {_said(s)}."
        return [Flag("mmi", "mmi-state", detail, (i, j))]
    if vx[0] and vx[1] and vy[1] and vx[1] != vy[1]:
        detail = f"MMI reached on {vx[1]}: {_said(r)}; on {vy[1]}: {_said(s)}."
        return [Flag("mmi", "mmi-date", detail, (i, j))]
    return []


def _work_flags(a: list[tuple[int, Row]], b: list[tuple[int, Row]]) -> list[Flag]:
    out = []
    x, y = _latest(a, _lifting), _latest(b, _lifting)
    if x and y and x[2] != y[2]:
        detail = f"lifting limit {x[2]} lb: {_said(x[1])}; {y[2]} lb: {_said(y[1])}."
        out.append(Flag("work-status", "lifting-limit", detail, (x[0], y[0])))
    x, y = _latest(a, _work), _latest(b, _work)
    if x and y and {x[2], y[2]} == {"off work", "full duty"}:
        detail = f"{x[2]}: {_said(x[1])}; {y[2]}: {_said(y[1])}."
        out.append(Flag("work-status", "work-off-vs-full", detail, (x[0], y[0])))
    return out


def _percents(rows: list[tuple[int, Row]]) -> tuple[set[float], int | None]:
    found: set[float] = set()
    first = None
    for k, r in rows:
        if _WHOLE.search(r.text) and (figures := {float(n) for n in _PERCENT.findall(r.text)}):
            found |= figures
            first = k if first is None else first
    return found, first


def _impairment_flags(a: list[tuple[int, Row]], b: list[tuple[int, Row]], rows: Sequence[Row]) -> list[Flag]:
    (pa, ia), (pb, ib) = _percents(a), _percents(b)
    if ia is None or ib is None or pa & pb:
        return []
    shown = [", ".join(f"{p:g}%" for p in sorted(s)) for s in (pa, pb)]
    detail = f"{shown[0]}: {_said(rows[ia])}; {shown[1]}: {_said(rows[ib])}."
    return [Flag("impairment", "impairment-rating", detail, (ia, ib))]


def _related(text: str) -> bool:
    return bool(_RELATED.search(text)) and not _NOT_RELATED.search(text)


def _first(rows: list[tuple[int, Row]], test: Callable[[str], bool]) -> int | None:
    return next((k for k, r in rows if test(r.text)), None)


def _causation_flags(a: list[tuple[int, Row]], b: list[tuple[int, Row]], rows: Sequence[Row]) -> list[Flag]:
    out = []
    for x, y in ((a, b), (b, a)):
        neg, pos = _first(x, lambda t: bool(_NOT_RELATED.search(t))), _first(y, _related)
        if neg is not None and pos is not None:
            detail = f"not related: {_said(rows[neg])}; related: {_said(rows[pos])}."
            out.append(Flag("causation", "causation-not-related", detail, (min(neg, pos), max(neg, pos))))
    for x, y in ((a, b), (b, a)):
        share = _first(x, lambda t: bool(_APPORTION.search(t) and _PERCENT.search(t)))
        if share is None or not y or _first(y, lambda t: bool(_APPORTION.search(t))) is not None:
            continue
        other = y[0][0]
        detail = (
            f"apportions a share to a pre-existing condition: {_said(rows[share])}; "
            f"none in the causation rows of {rows[other].who}."
        )
        out.append(Flag("causation", "apportionment", detail, (share, other)))
    return out


def find_flags(rows: Sequence[Row]) -> list[Flag]:
    """The differences between the sides' rows, treating records against each IME, a prior IME against ours."""
    flags: list[Flag] = []
    for topic, rule in (("mmi", _mmi_flags), ("work-status", _work_flags)):
        groups = _groups(rows, topic)
        for a, b in _pairs(groups):
            flags += rule(groups[a], groups[b])
    for topic, other in (("impairment", _impairment_flags), ("causation", _causation_flags)):
        groups = _groups(rows, topic)
        for a, b in _pairs(groups):
            flags += other(groups[a], groups[b], rows)
    return flags


def _groups(rows: Sequence[Row], topic: str) -> dict[str, list[tuple[int, Row]]]:
    groups: dict[str, list[tuple[int, Row]]] = {}
    for k, r in enumerate(rows):
        if r.topic == topic and (r.side == TREATING or r.side == IME):
            groups.setdefault(TREATING if r.side == TREATING else r.who, []).append((k, r))
    return groups

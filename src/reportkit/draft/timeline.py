"""A case's timeline and the deadlines its jurisdiction profile (and case.yaml) fix, as of a given day.

Every date comes from case.yaml; every rule from the profile, which names where the rule is. Nothing here
knows a holiday calendar: a deadline counted in business days, or moved off a closed day, skips weekends and
the holidays listed in case.yaml (``timeline.holidays``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from reportkit.draft.case import ImeCase, SecondOpinionCase, load_case
from reportkit.draft.profiles import EVENTS, Deadline, Profile, load_profile

State = Literal["waiting", "due", "late", "met", "met late", "open", "closed"]
"""waiting: the event it counts from has no date yet; due: open, not yet late; late: open after its due date;
met / met late: the event that meets it happened on or before / after the due date; open / closed: a time
limit on someone else (no event meets it: written questions may be put until …) before / after its date."""


@dataclass(frozen=True)
class Event:
    key: str
    label: str
    date: dt.date


@dataclass(frozen=True)
class DeadlineStatus:
    what: str
    basis: str
    """How the due date is counted, in words: '30 calendar days after the examination (2024-11-12)'."""
    rule: str
    verified: str
    start: str
    """The event it counts from, in words."""
    state: State
    due: dt.date | None = None
    met_on: dt.date | None = None
    days: int | None = None
    """due / open: days left; late / met late: days late; closed: days since; met: days early (all positive)."""

    @property
    def open(self) -> bool:
        return self.state in ("due", "late")

    def describe(self) -> str:
        if self.state == "waiting":
            return f"waiting for a date: {self.start}"
        days = f"{self.days} day{'' if self.days == 1 else 's'}"
        return {
            "due": f"due in {days}" if self.days else "due today",
            "late": f"late by {days}",
            "open": f"closes in {days}" if self.days else "closes today",
            "closed": f"closed {days} ago",
            "met": f"met on {self.met_on} ({days} early)" if self.days else f"met on {self.met_on} (on the day)",
            "met late": f"met on {self.met_on}, {days} late",
        }[self.state]

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "due": self.due.isoformat() if self.due else None,
            "state": self.state,
            "days": self.days,
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "basis": self.basis,
            "rule": self.rule,
            "verified": self.verified or None,
        }


@dataclass(frozen=True)
class CaseStatus:
    events: tuple[Event, ...]
    deadlines: tuple[DeadlineStatus, ...]
    today: dt.date
    profile: str

    @property
    def next_due(self) -> DeadlineStatus | None:
        """The open deadline that falls first (a late one before any still to come)."""
        open_ = [d for d in self.deadlines if d.open and d.due is not None]
        return min(open_, key=lambda d: (d.due, d.what), default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "profile": self.profile,
            "events": [{"event": e.key, "label": e.label, "date": e.date.isoformat()} for e in self.events],
            "deadlines": [d.to_dict() for d in self.deadlines],
        }


def events(case: ImeCase | SecondOpinionCase) -> dict[str, dt.date]:
    """The dates case.yaml holds, by event key (``profiles.EVENTS``)."""
    t = case.timeline
    found: dict[str, dt.date | None] = {
        "questions_received": t.questions_received,
        "records_received": t.records_received,
        "report_sent": t.report_sent,
        "addendum_requested": t.addendum_requested,
        "addendum_sent": t.addendum_sent,
        "pretrial_conference": t.pretrial_conference,
    }
    if isinstance(case, ImeCase):
        found |= {
            "injury": case.date_of_injury,
            "referral": case.referral_date,
            "exam": case.exam.date,
            "report_dated": case.report_date,
        }
    else:
        found["report_dated"] = case.letter_date
    return {key: date for key, date in found.items() if date is not None}


def closed(day: dt.date, holidays: frozenset[dt.date]) -> bool:
    return day.weekday() >= 5 or day in holidays


def due_date(start: dt.date, rule: Deadline, holidays: frozenset[dt.date]) -> dt.date:
    """``rule.days`` after ``start`` (before it when negative), in calendar or business days, then moved off a
    closed day when the rule says so: forward, or backward for a deadline counted back from its event."""
    step = dt.timedelta(days=1 if rule.days >= 0 else -1)
    if rule.count == "calendar":
        day = start + dt.timedelta(days=rule.days)
    else:
        day, left = start, abs(rule.days)
        while left:
            day += step
            left -= not closed(day, holidays)
    if rule.roll:
        while closed(day, holidays):
            day += step
    return day


_AFTER = {
    "injury": "the injury",
    "referral": "the referral",
    "questions_received": "the questions were received",
    "records_received": "the records were received",
    "exam": "the examination",
    "report_dated": "the report's date",
    "report_sent": "the report was sent",
    "addendum_requested": "the addendum was requested",
    "addendum_sent": "the addendum was sent",
    "pretrial_conference": "the pre-trial conference",
}
"""Each event as the end of '30 days after …'."""


def _basis(rule: Deadline, start: dt.date | None) -> str:
    unit = "business days" if rule.count == "business" else "days"
    side = "after" if rule.days >= 0 else "before"
    when = f" ({start.isoformat()})" if start else ""
    return f"{abs(rule.days)} {unit} {side} {_AFTER[rule.start]}{when}"


def _status(rule: Deadline, dates: dict[str, dt.date], today: dt.date, holidays: frozenset[dt.date]) -> DeadlineStatus:
    start = dates.get(rule.start)
    waiting = DeadlineStatus(rule.what, _basis(rule, start), rule.rule, rule.verified, EVENTS[rule.start], "waiting")
    if start is None:
        return waiting
    due = due_date(start, rule, holidays)
    if closed(due, holidays):  # only without roll: say so rather than move it by a rule the profile lacks
        waiting = replace(waiting, basis=waiting.basis + "; falls on a weekend or a listed holiday (the profile does "
                          "not move it: check the rule)")  # fmt: skip
    if rule.met_by is None:
        left = (due - today).days
        return replace(waiting, state="open" if left >= 0 else "closed", due=due, days=abs(left))
    return _judge(waiting, due, dates.get(rule.met_by), today)


def _judge(row: DeadlineStatus, due: dt.date, met_on: dt.date | None, today: dt.date) -> DeadlineStatus:
    if met_on is not None:
        late = (met_on - due).days
        return replace(row, state="met late" if late > 0 else "met", due=due, met_on=met_on, days=abs(late))
    left = (due - today).days
    return replace(row, state="due" if left >= 0 else "late", due=due, days=abs(left))


def case_status(case: ImeCase | SecondOpinionCase, profile: Profile, today: dt.date) -> CaseStatus:
    """The case's events in date order and each deadline's state on ``today``: the profile's, then the due
    dates case.yaml sets itself (``timeline.report_due``, ``timeline.addendum_due``)."""
    dates = events(case)
    holidays = frozenset(case.timeline.holidays)
    rows = [_status(rule, dates, today, holidays) for rule in profile.deadlines]
    for what, due, met_by in (
        ("Report due (requesting party's date)", case.timeline.report_due, "report_sent"),
        ("Addendum due (date set for it)", case.timeline.addendum_due, "addendum_sent"),
    ):
        if due is not None:
            row = DeadlineStatus(what, "the date case.yaml gives", "case.yaml", "case.yaml", "due date", "waiting")
            rows.append(_judge(row, due, dates.get(met_by), today))
    order = sorted(dates.items(), key=lambda kv: (kv[1], list(EVENTS).index(kv[0])))
    return CaseStatus(
        events=tuple(Event(key, EVENTS[key], date) for key, date in order),
        deadlines=tuple(rows),
        today=today,
        profile=profile.name,
    )


def status(case_dir: Path, today: dt.date) -> CaseStatus:
    """``case_status`` of the case folder's case.yaml under its jurisdiction profile."""
    case = load_case(case_dir)
    return case_status(case, load_profile(case.jurisdiction, case_dir), today)

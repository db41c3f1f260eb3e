"""Date formats used in the sample records, by the names the content's templates use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def mdy(d: dt.date) -> str:
    """03/14/2024"""
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def long(d: dt.date) -> str:
    """March 14, 2024"""
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def iso(d: dt.date) -> str:
    """2024-03-14"""
    return d.isoformat()


def dmy(d: dt.date) -> str:
    """14-Mar-2024"""
    return f"{d.day:02d}-{MONTHS[d.month - 1][:3]}-{d.year}"


def short(d: dt.date) -> str:
    """3/14/24"""
    return f"{d.month}/{d.day}/{d.year % 100:02d}"


def stamp(d: dt.date) -> str:
    """MAR 14 2024 (received stamps)"""
    return f"{MONTHS[d.month - 1][:3].upper()} {d.day:02d} {d.year}"


def yymmdd(d: dt.date) -> str:
    """240314 (accession and account numbers)"""
    return f"{d:%y%m%d}"


def yy(d: dt.date) -> str:
    """24"""
    return f"{d:%y}"


def age_on(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


FORMATS: dict[str, Callable[[dt.date], str]] = {
    "mdy": mdy, "long": long, "iso": iso, "dmy": dmy, "short": short, "stamp": stamp, "yymmdd": yymmdd, "yy": yy,
}  # fmt: skip

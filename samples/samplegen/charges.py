"""A bill's line items and sums: amounts are written 18,450.00 and summed in cents, never as floats."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import yamlfile as y

AMOUNT = re.compile(r"\d{1,3}(,\d{3})*\.\d\d")


def money(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def cents(value: object, where: str) -> int:
    amount = y.text(value, where)
    if not AMOUNT.fullmatch(amount):
        raise y.ContentError(f"{where}: an amount is written like 1,845.00, got {amount!r}")
    return int(amount.replace(",", "").replace(".", ""))


@dataclass(frozen=True)
class Charges:
    """``charges:`` of a document: items [date, rev, cpt, description, units, amount] and the contractual
    adjustment in percent. Templates ``{charges.total}``, ``{charges.adjustment}`` and ``{charges.balance}``
    print the sums; a ``charges: [first, last]`` block prints items first..last (from 1) as a table."""

    items: tuple[tuple[str, str, str, str, int, int], ...]  # date template, rev, cpt, description, units, cents
    adjustment_percent: int

    @property
    def total(self) -> int:
        return sum(item[5] for item in self.items)

    @property
    def adjustment(self) -> int:
        return self.total * self.adjustment_percent // 100

    def values(self) -> dict[str, str]:
        total, adjusted = self.total, self.adjustment
        return {
            "charges.total": money(total),
            "charges.adjustment": money(adjusted),
            "charges.balance": money(total - adjusted),
        }


def read_charges(raw: object, where: str) -> Charges:
    c = y.mapping(raw, where, ("items", "adjustment_percent"))
    items = []
    for n, item in enumerate(y.items(c["items"], f"{where}.items")):
        at = f"{where}.items[{n}]"
        row = y.items(item, at)
        if len(row) != 6:
            raise y.ContentError(f"{at}: an item is [date, rev, cpt, description, units, amount]")
        date, rev, cpt, desc = (y.text(v, f"{at}[{i}]") for i, v in enumerate(row[:4]))
        items.append((date, rev, cpt, desc, y.integer(row[4], f"{at}[4]"), cents(row[5], f"{at}[5]")))
    return Charges(tuple(items), y.integer(c["adjustment_percent"], f"{where}.adjustment_percent"))

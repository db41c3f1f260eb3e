"""The content's template mini-language: ``{key}`` or ``{key:format}`` inside any text.

- ``{pt.full}`` ``{pt.first}`` ``{pt.middle}`` ``{pt.last}`` ``{pt.last_first}`` ``{pt.mr}``: the patient
  ("Daniel R. Okafor", "Okafor, Daniel R", "Mr. Okafor"); ``{claim}`` ``{mrn_sb}`` ``{mrn_lo}`` ``{acct_ho}``
  ``{acct_ng}`` ``{employer}``.
- ``{surgeon}``: a person of cast.yaml by role, with credentials; ``{surgeon.surname}``, ``{surgeon.name}``.
- ``{harborview.name}`` (``.tagline .street .city .phone .fax .address``): a facility of cast.yaml.
- ``{2024-03-12:mdy}``: a date of the canonical 2024 timeline, shifted with the case; ``{doi:long}`` (the
  date of injury) and ``{dob:dmy}`` (the patient's birth date) likewise. A date always has a format: ``mdy``
  03/12/2024, ``long`` March 12, 2024, ``iso`` 2024-03-12, ``dmy`` 12-Mar-2024, ``short`` 3/12/24, ``stamp``
  MAR 12 2024, ``yymmdd`` 240312, ``yy`` 24.
- ``{age:2024-03-12}``: the patient's age in years on that date.
- Any text value may take ``:upper`` (``{pt.last:upper}`` OKAFOR).
- Set by the renderer where they apply: ``{file.pages}`` (pages in this record file), ``{fax.page}`` and
  ``{fax.pages}`` (in the fax line, three digits), ``{charges.total}`` ``{charges.adjustment}``
  ``{charges.balance}`` (a bill's sums).

Anything else in braces, or a lone brace, is an error naming the file, the place and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from .cast import Case, Cast
from .dates import FORMATS
from .yamlfile import ContentError

FIELD = re.compile(r"\{([^{}]*)\}")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


class Context:
    """The values one case gives the templates."""

    def __init__(self, cast: Cast, case: Case) -> None:
        self.case = case
        pt = case.pt
        values = {
            "pt.full": pt.full, "pt.first": pt.first, "pt.middle": pt.middle, "pt.last": pt.last,
            "pt.last_first": pt.last_first, "pt.mr": pt.mr, "employer": cast.employer, **case.numbers,
        }  # fmt: skip
        for role, person in case.people.items():
            values.update({role: person.full, f"{role}.surname": person.surname, f"{role}.name": person.name})
        for fid, fac in cast.facilities.items():
            for attr in ("name", "tagline", "street", "city", "phone", "fax", "address"):
                values[f"{fid}.{attr}"] = getattr(fac, attr)
        self.values = values

    def date(self, name: str, where: str) -> dt.date:
        if name == "dob":
            return self.case.pt.dob
        if name == "doi":
            return self.case.doi
        if ISO.fullmatch(name):
            try:
                return self.case.d(dt.date.fromisoformat(name))
            except ValueError:
                pass
        raise ContentError(f"{where}: unknown date {name!r} in template (dob, doi or YYYY-MM-DD)")

    def field(self, inner: str, where: str, extra: Mapping[str, str]) -> str:
        key, _, fmt = inner.partition(":")
        if key == "age":
            return str(self.case.age(self.date(fmt, where)))
        if key in ("dob", "doi") or ISO.fullmatch(key):
            if fmt not in FORMATS:
                raise ContentError(f"{where}: date {{{inner}}} needs a format, one of {', '.join(FORMATS)}")
            return FORMATS[fmt](self.date(key, where))
        value = extra.get(key, self.values.get(key))
        if value is None:
            raise ContentError(f"{where}: unknown template key {{{key}}}")
        if fmt == "upper":
            return value.upper()
        if fmt:
            raise ContentError(f"{where}: unknown format {fmt!r} in {{{inner}}} (text takes only :upper)")
        return value

    def resolve(self, text: str, where: str, extra: Mapping[str, str] | None = None) -> str:
        if "{" not in text and "}" not in text:
            return text
        more = extra or {}
        out = FIELD.sub(lambda m: self.field(m.group(1), where, more), text)
        if "{" in FIELD.sub("", text) or "}" in FIELD.sub("", text):
            raise ContentError(f"{where}: unmatched brace in {text!r}")
        return out

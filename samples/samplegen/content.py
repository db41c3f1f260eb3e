"""The record files' content (``content/records/*.yaml``) read, checked and resolved into documents for a case.

A record file has ``documents:`` (in filing order) and, for a faxed file, ``fax:`` (the header line of every
page). A document has its label (key, type, title, date, date_role, provider, facility, icd10; optional font,
running, page_numbers, footer, missing_pages) and ``pages:``, a list of pages, each a list of blocks. A
``{resend: KEY}`` entry files again a document of an earlier file (a duplicate). See samples/README.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import blocks as blk
from . import yamlfile as y
from .blocks import FAMILIES, Block, Doc
from .cast import CONTENT, Case, Cast
from .charges import Charges, money, read_charges
from .layout import FaxLine
from .template import Context

DOC_KEYS = ("key", "type", "title", "date", "date_role", "provider", "facility", "icd10", "pages")
DOC_OPTIONAL = ("font", "running", "page_numbers", "footer", "missing_pages", "charges")
BLOCKS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # kind: (required keys, optional keys)
    "title": (("title",), ("sub",)),
    "heading": (("heading",), ()),
    "para": (("para",), ("label",)),
    "fields": (("fields",), ("cols",)),
    "numbered": (("numbered",), ()),
    "bullets": (("bullets",), ()),
    "table": (("table", "widths"), ("right",)),
    "checks": (("checks",), ()),
    "lines": (("lines",), ("bold_first",)),
    "stamp": (("stamp",), ()),
    "space": (("space",), ()),
    "big": (("big",), ("size",)),
    "charges": (("charges", "header", "widths"), ("right",)),  # items of the document's charges, as a table
}


@dataclass
class RecordFile:
    name: str
    docs: list[Doc]
    fax: FaxLine | None = None
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = sum(d.rendered_pages for d in self.docs)


class Resolver:
    """Turns one file's raw YAML into blocks for one case; every error names the file and the place."""

    def __init__(self, ctx: Context, path: Path, extra: Mapping[str, str], charges: Charges | None = None) -> None:
        self.ctx, self.path, self.extra, self.charges = ctx, path, extra, charges

    def with_charges(self, charges: Charges) -> Resolver:
        return Resolver(self.ctx, self.path, {**self.extra, **charges.values()}, charges)

    def text(self, value: object, where: str) -> str:
        place = f"{self.path}: {where}"
        return self.ctx.resolve(y.text(value, place), place, self.extra)

    def texts(self, value: object, where: str) -> tuple[str, ...]:
        return tuple(self.text(v, f"{where}[{n}]") for n, v in enumerate(y.items(value, f"{self.path}: {where}")))

    def charge_rows(self, span: object, place: str) -> list[tuple[str, ...]]:
        items = self.charges.items if self.charges else ()
        first, last = (y.integer(n, f"{place}.charges") for n in y.items(span, f"{place}.charges"))
        if not items or not 1 <= first <= last <= len(items):
            raise y.ContentError(f"{place}.charges: [first, last] items of the document's charges: 1..{len(items)}")
        return [
            (self.ctx.resolve(d, place), rev, cpt, desc, str(units), money(amount))
            for d, rev, cpt, desc, units, amount in items[first - 1 : last]
        ]

    def block(self, raw: object, where: str) -> Block:
        place = f"{self.path}: {where}"
        kinds = [k for k in raw if k in BLOCKS] if isinstance(raw, Mapping) else []
        if len(kinds) != 1:
            raise y.ContentError(f"{place}: a block is a mapping with one of {', '.join(BLOCKS)}")
        kind = kinds[0]
        b = y.mapping(raw, f"{place} ({kind})", *BLOCKS[kind])
        at = f"{where}.{kind}"
        if kind == "title":
            return blk.Title(self.text(b["title"], at), self.text(b.get("sub", ""), f"{where}.sub"))
        if kind == "heading":
            return blk.Heading(self.text(b["heading"], at))
        if kind == "para":
            return blk.Para(self.text(b["para"], at), self.text(b.get("label", ""), f"{where}.label"))
        if kind == "fields":
            pairs = [self.texts(p, f"{at}[{n}]") for n, p in enumerate(y.items(b["fields"], f"{self.path}: {at}"))]
            if any(len(p) != 2 for p in pairs):
                raise y.ContentError(f"{self.path}: {at}: each field is [label, value]")
            return blk.Fields(tuple((p[0], p[1]) for p in pairs), y.integer(b.get("cols", 2), f"{place}.cols"))
        if kind in ("numbered", "bullets", "stamp"):
            items = self.texts(b[kind], at)
            return (
                blk.Numbered(items)
                if kind == "numbered"
                else blk.Bullets(items)
                if kind == "bullets"
                else blk.Stamp(items)
            )
        if kind in ("table", "charges"):
            if kind == "table":
                rows = [self.texts(r, f"{at}[{n}]") for n, r in enumerate(y.items(b["table"], f"{self.path}: {at}"))]
            else:
                rows = [self.texts(b["header"], f"{where}.header"), *self.charge_rows(b["charges"], place)]
            widths = tuple(y.number(w, f"{place}.widths") for w in y.items(b["widths"], f"{place}.widths"))
            if not rows or any(len(r) != len(widths) for r in rows):
                raise y.ContentError(f"{self.path}: {at}: a header row, then rows, each as wide as widths")
            right = frozenset(y.integer(n, f"{place}.right") for n in y.items(b.get("right", []), f"{place}.right"))
            return blk.Table(rows[0], tuple(rows[1:]), widths, right)
        if kind == "checks":
            checks = []
            for n, item in enumerate(y.items(b["checks"], f"{self.path}: {at}")):
                if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], bool)):
                    raise y.ContentError(f"{self.path}: {at}[{n}]: a check is [true or false, text]")
                checks.append((item[0], self.text(item[1], f"{at}[{n}]")))
            return blk.Checks(tuple(checks))
        if kind == "lines":
            bold = b.get("bold_first", False)
            if not isinstance(bold, bool):
                raise y.ContentError(f"{place}.bold_first: true or false")
            return blk.Lines(self.texts(b["lines"], at), bold)
        if kind == "space":
            return blk.Space(y.number(b["space"], f"{place}.space"))
        return blk.Big(self.text(b["big"], at), y.number(b.get("size", 30), f"{place}.size"))


def planned_pages(entry: object, built: Mapping[str, Doc]) -> int:
    """The pages an entry will add to its file (a malformed entry counts 0: building it reports the error)."""
    if not isinstance(entry, Mapping):
        return 0
    if "resend" in entry:
        again = built.get(str(entry["resend"]))
        return again.rendered_pages if again else 0
    pages, missing = entry.get("pages"), entry.get("missing_pages")
    return (len(pages) if isinstance(pages, list) else 0) - (len(missing) if isinstance(missing, list) else 0)


def build_doc(cast: Cast, r: Resolver, raw: object, where: str) -> Doc:
    if isinstance(raw, Mapping) and isinstance(raw.get("key"), str):
        where = f"{where} ({raw['key']})"  # name the document in every message
    place = f"{r.path}: {where}"
    d = y.mapping(raw, place, DOC_KEYS, DOC_OPTIONAL)
    key = y.text(d["key"], f"{place}.key")
    if "charges" in d:
        r = r.with_charges(read_charges(d["charges"], f"{place}.charges"))
    provider = None if d["provider"] is None else y.text(d["provider"], f"{place}.provider")
    if provider is not None and provider not in r.ctx.case.people:
        raise y.ContentError(f"{place}.provider: unknown role {provider!r} (the people of cast.yaml)")
    facility = y.text(d["facility"], f"{place}.facility")
    if facility not in cast.facilities:
        raise y.ContentError(f"{place}.facility: unknown facility {facility!r} (the facilities of cast.yaml)")
    font = y.text(d.get("font", "helvetica"), f"{place}.font")
    if font not in FAMILIES:
        raise y.ContentError(f"{place}.font: one of {', '.join(FAMILIES)}")
    pages = [
        [r.block(b, f"{where}.pages[{p}][{n}]") for n, b in enumerate(y.items(page, f"{place}.pages[{p}]"))]
        for p, page in enumerate(y.items(d["pages"], f"{place}.pages"))
    ]
    date: dt.date | None = None if d["date"] is None else r.ctx.case.d(y.date(d["date"], f"{place}.date"))
    numbers = d.get("page_numbers")
    if numbers not in (None, "of", "plain"):
        raise y.ContentError(f"{place}.page_numbers: of or plain")
    running = d.get("running")
    return Doc(
        key=key,
        doc_type=y.text(d["type"], f"{place}.type"),
        title=r.text(d["title"], f"{where}.title"),
        date=date,
        date_role=None if d["date_role"] is None else y.text(d["date_role"], f"{place}.date_role"),
        provider=None if provider is None else r.ctx.case.people[provider],
        facility=cast.facilities[facility],
        icd10=tuple(y.texts(d["icd10"], f"{place}.icd10")),
        pages=pages,
        family=FAMILIES[font],
        running=None if running is None else r.text(running, f"{where}.running"),
        page_numbers=numbers,
        footer_note=r.text(d.get("footer", ""), f"{where}.footer"),
        omit=frozenset(y.integer(n, f"{place}.missing_pages") for n in d.get("missing_pages") or []),
    )


def load_files(folder: Path = CONTENT / "records") -> list[tuple[Path, dict[str, Any]]]:
    """Every record file's YAML, checked at the top level, in file-name order."""
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise y.ContentError(f"{folder}: no record files (*.yaml)")
    return [(p, y.mapping(y.load(p), str(p), ("documents",), ("fax",))) for p in paths]


def build_bundle(cast: Cast, case: Case, files: list[tuple[Path, dict[str, Any]]]) -> list[RecordFile]:
    ctx = Context(cast, case)
    built: dict[str, Doc] = {}
    out: list[RecordFile] = []
    for path, top in files:
        entries = y.items(top["documents"], f"{path}: documents")
        pages = sum(planned_pages(e, built) for e in entries)  # {file.pages}, before the documents are drawn
        r = Resolver(ctx, path, {"file.pages": str(pages)})
        docs: list[Doc] = []
        for n, entry in enumerate(entries):
            where = f"documents[{n}]"
            if isinstance(entry, Mapping) and "resend" in entry:
                again = y.mapping(entry, f"{path}: {where}", ("resend",))["resend"]
                if again not in built:
                    raise y.ContentError(f"{path}: {where}: resend of unknown document {again!r}")
                docs.append(built[again])
                continue
            doc = build_doc(cast, r, entry, where)
            if doc.key in built:
                raise y.ContentError(f"{path}: {where}: key {doc.key!r} used twice (use resend: for a duplicate)")
            built[doc.key] = doc
            docs.append(doc)
        out.append(RecordFile(f"{path.stem}.pdf", docs, fax_line(r, top.get("fax"))))
    return out


def fax_line(r: Resolver, raw: object) -> FaxLine | None:
    if raw is None:
        return None
    template = y.text(raw, f"{r.path}: fax")
    r.text(template.replace("{fax.page}", "").replace("{fax.pages}", ""), "fax")  # fail now, not mid-render

    def line(page: int, total: int) -> str:
        return r.ctx.resolve(template, f"{r.path}: fax", {"fax.page": f"{page:03d}", "fax.pages": f"{total:03d}"})

    return line

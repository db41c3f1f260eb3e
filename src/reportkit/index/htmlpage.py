"""index.html: the record index as one self-contained page a reviewer opens from the disk.

The chronology is a table (sortable; filtered by type, provider, date range and "needs review"), under the
case header, followed by duplicates, missing pages, treatment gaps, documents of another patient, the review
list and the files. Every citation links to the source PDF at its page (``records/a.pdf#page=3``).

The page holds no more record text than index.md (clipped key findings, titles, names, warnings); all of it is
escaped, and a Content-Security-Policy lets only the page's own script run, so a note containing ``<script>``
stays text. Nothing is fetched: the CSS and the script are inline.

Links depend on where the page is written, so :func:`render` leaves a marker per source file and
:func:`link` puts the hrefs in at write time; the rendered page (with markers) can be cached with the other
outputs. Same index, same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from reportkit import cite
from reportkit.index.chronology import chronological
from reportkit.index.export import (
    BatesLookup,
    case_header,
    chronology_cells,
    headline,
    key_findings,
    review_items,
    since_items,
    summary,
)
from reportkit.models import Document, RecordIndex
from reportkit.understand.confidence import UNSURE, UNSURE_BOUNDARY
from reportkit.understand.patients import OTHER_PATIENT

FILE_NAME = "index.html"
FIELDS = {"doc_type": "type", "date": "date", "provider": "provider", "facility": "facility"}
"""Values whose confidence the page shows, with the word it uses for them."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKER = re.compile(rb"\x00(\d+)\x00")
"""A source file's href as :func:`render` leaves it: NUL, the source's number, NUL. Record text cannot hold
one (control characters are dropped from it), so :func:`link` replaces only markers."""


_TO_ESCAPE = re.compile(r"[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""What :func:`_t` changes: the characters ``html.escape`` replaces, and the control characters."""


def _t(text: object) -> str:
    """Record or tool text as HTML text or attribute value: escaped, without control characters (most values,
    nine in ten on a large index, hold nothing to change: one search, then as they are)."""
    value = str(text)
    if _TO_ESCAPE.search(value) is None:
        return value
    return html.escape(_CONTROL.sub("", value), quote=True)


def _asset(name: str) -> str:
    return resources.files("reportkit.index").joinpath("assets", name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Reason:
    """Why a row needs review, and how sure the value or boundary it is about is (0-1). ``rank`` orders them
    as index.md's review list does: another patient (0), a doubtful start (1), the rest (2)."""

    sure: float
    text: str
    rank: int = 2


def review_reasons(doc: Document) -> list[Reason]:
    """What makes ``doc`` need a look: another patient's name, a start or a value found with a confidence
    under :data:`UNSURE` (with the rule and page it came from, as ``--explain`` gives them), and warnings."""
    out = [Reason(0.0, w, 0) for w in doc.warnings if w.startswith(OTHER_PATIENT)]
    boundary = doc.confidence.get("boundary", 1.0)
    if boundary < UNSURE:  # where it starts, or a page inside that nearly started another (--explain says which)
        why = "; ".join(doc.explain.get("boundary", []))
        out.append(Reason(boundary, f"where it starts or ends {boundary:.0%} sure" + (f": {why}" if why else ""), 1))
    for name, word in FIELDS.items():
        sure = doc.confidence.get(name, 1.0)
        ev = doc.evidence.get(name)
        if ev is not None and sure < UNSURE:
            out.append(Reason(sure, f"{word} {sure:.0%} sure: found by {ev.rule} on page {ev.page}"))
    lowest = min([boundary, *(doc.confidence.get(n, 1.0) for n in FIELDS if n in doc.evidence)])
    said = (OTHER_PATIENT, UNSURE_BOUNDARY + " ") if boundary < UNSURE else (OTHER_PATIENT,)
    out += [Reason(lowest, w) for w in doc.warnings if not w.startswith(said)]
    return out


class _Pages:
    """Bundle page → link to its source file at its page, and Bates number when a map is given."""

    def __init__(self, index: RecordIndex, bates: BatesLookup | None) -> None:
        self.where = {p.page: (p.source, p.source_page) for p in index.pages}
        self.bates = bates

    def href(self, page: int) -> str:
        source, at = self.where.get(page, (0, page))
        return f"\x00{source}\x00#page={at}"

    def link(self, page: int, text: str | None = None) -> str:
        label = text or f"p. {page}"
        return f'<a href="{self.href(page)}">{_t(label)}</a>'

    def cite(self, first: int, last: int) -> str:
        """``pp. 4–6`` linking to page 4 (and ``6`` to page 6), Bates numbers beside when mapped."""
        out = (
            self.link(first, f"p. {first}")
            if first == last
            else (f"{self.link(first, f'pp. {first}')}–{self.link(last, str(last))}")
        )
        if self.bates is not None:
            stamped = cite.bates_pages(self.bates, first, last)
            out += f' <span class="bates">{_t(stamped or "not produced")}</span>'
        return out


def _row(n: int, doc: Document, pages: _Pages, bates: BatesLookup | None, misfiled: set[str]) -> str:
    cells = chronology_cells(doc, bates)  # the same date and type wording as index.md
    reasons = review_reasons(doc)
    sure = min((r.sure for r in reasons), default=1.0)
    rank = min((r.rank for r in reasons), default=3)
    found = key_findings(doc)
    cites = " ".join(pages.link(p) for p in sorted({f.page for f in found}))
    findings = _t(summary(doc)) + (f' <span class="cites">({cites})</span>' if cites else "")
    cite_cell = pages.cite(doc.first_page, doc.last_page)
    if doc.missing_pages:
        cite_cell += f"<br>missing page(s) {_t(', '.join(map(str, doc.missing_pages)))} of its numbering"
    why = "".join(f"<li>{_t(r.text)}</li>" for r in reasons)
    shown = {k: v for k, v in doc.confidence.items() if k == "boundary" or k in doc.evidence}
    title = f"confidence: {', '.join(f'{k} {v:.0%}' for k, v in shown.items())}" if shown else ""
    attrs = (
        f'id="{_t(doc.id)}" data-n="{n}" data-type="{_t(doc.doc_type)}" data-provider="{_t(doc.provider or "")}" '
        f'data-date="{_t(doc.date or "")}" data-review="{1 if reasons else 0}" data-rank="{rank}" '
        f'data-sure="{sure:.2f}" data-first="{doc.first_page}" data-last="{doc.last_page}" '
        f'data-facility="{_t(doc.facility or "")}" data-title="{_t(doc.title or "")}" '
        f'data-dup="{_t(doc.duplicate_of or "")}" data-other="{1 if doc.id in misfiled else 0}"'
    )
    return (
        f"<tr {attrs}{' class=review' if reasons else ''}>"
        f"<td>{_t(doc.id)}</td>"
        f'<td data-key="{_t(doc.date or "~")}">{_t(cells[1])}</td>'
        f"<td>{_t(cells[2])}</td>"
        f"<td>{_t(doc.title or '')}</td>"
        f"<td>{_t(cells[3])}</td>"
        f"<td>{_t(cells[4])}</td>"
        f'<td data-key="{doc.first_page:08d}">{cite_cell}</td>'
        f"<td>{findings}</td>"
        f'<td class="warn">{f"<ul>{why}</ul>" if why else ""}</td>'
        f'<td class="sure" data-key="{sure:.2f}" title="{_t(title)}">{"check" if rank == 0 else f"{sure:.0%}"}</td>'
        "</tr>"
    )


_HEADERS = ("#", "Date", "Type", "Title", "Provider", "Facility", "Pages", "Key findings", "Review", "Sure")


def _filters(docs: Sequence[Document]) -> str:
    types = sorted({d.doc_type for d in docs})
    providers = sorted({d.provider for d in docs if d.provider})

    def options(values: Sequence[str], everyone: str) -> str:
        return f'<option value="">{everyone}</option>' + "".join(
            f'<option value="{_t(v)}">{_t(v.replace("_", " "))}</option>' for v in values
        )

    return (
        '<form class="filters" role="search" onsubmit="return false">'
        f'<label>Type <select id="f-type">{options(types, "all types")}</select></label>'
        f'<label>Provider <select id="f-provider">{options(providers, "all providers")}</select></label>'
        '<label>From <input id="f-from" type="date"></label>'
        '<label>To <input id="f-to" type="date"></label>'
        '<label title="documents of another patient, then doubtful starts and ends, then the least sure values">'
        '<input id="f-review" type="checkbox"> needs review, most urgent first</label>'
        '<output id="shown"></output></form>'
    )


def _section(title: str, items: Sequence[str], anchor: str) -> list[str]:
    """A heading and a list of items (already HTML); nothing when there are none."""
    if not items:
        return []
    return [f'<h2 id="{anchor}">{_t(title)}</h2>', "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"]


def _sections(index: RecordIndex, pages: _Pages, bates: BatesLookup | None) -> list[str]:
    docs = chronological(index.documents)
    by_id = {d.id: d for d in docs}

    def ref(doc: Document) -> str:
        return f'<a href="#{_t(doc.id)}">{_t(doc.id)}</a> ({pages.cite(doc.first_page, doc.last_page)})'

    dups = []
    for d in docs:
        if d.duplicate_of:
            alike = d.duplicate_similarity or 1.0
            first = by_id.get(d.duplicate_of)
            other = ref(first) if first else _t(d.duplicate_of)
            dups.append(f"{ref(d)} repeats {other}{'' if alike >= 1.0 else f', {alike:.0%} alike'}")
    missing = [f"{ref(d)}: page(s) {_t(', '.join(map(str, d.missing_pages)))} of its numbering"
               for d in docs if d.missing_pages]  # fmt: skip

    def named(doc_id: str) -> str:
        return f'<a href="#{_t(doc_id)}">{_t(doc_id)}</a>' if doc_id in by_id else _t(doc_id)

    gaps = [f"{g.days} days from {_t(g.start)} ({named(g.after)}) to {_t(g.end)} ({named(g.before)})"
            for g in index.gaps]  # fmt: skip
    names = {p.id: p.name for p in index.patients}
    others = [f"{ref(d)}: {_t(d.patient or '')} {_t(names.get(d.patient or '') or '')}".rstrip()
              for d in index.misfiled()]  # fmt: skip
    out = _section("Duplicates", dups, "duplicates")
    out += _section("Missing pages", missing, "missing")
    out += _section("Treatment gaps", gaps, "gaps")
    out += _section("Documents of another patient", others, "other-patient")
    if index.since:
        out += _section("New since the previous index", [_t(x) for x in since_items(index, bates)], "since")
    review = [f"{ref(doc)}: {_t(warning)}" for doc, warning in review_items(index)]
    out += _section("For review", review + [_t(w) for w in index.warnings], "review")
    out += _section("Files not indexed", [_t(s.reason) for s in index.skipped], "skipped")
    files = "".join(
        f'<tr><td><a href="\x00{i}\x00">{_t(s.path)}</a></td><td>{s.page_count}</td>'
        f"<td>{_t(cite.page_range(s.first_page, s.last_page))}</td><td><code>{s.sha256[:16]}</code></td></tr>"
        for i, s in enumerate(index.sources)
    )
    out += [
        '<h2 id="files">Files</h2>',
        "<table><thead><tr><th>File</th><th>Pages</th><th>Bundle pages</th><th>SHA-256</th></tr></thead>"
        f"<tbody>{files}</tbody></table>",
    ]
    return out


def _json(value: object) -> str:
    """JSON that cannot end its script element: ``<``, ``>`` and ``&`` as \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def render(
    index: RecordIndex,
    bates: BatesLookup | None = None,
    case: Mapping[str, str] | None = None,
    *,
    script: str = "",
    data: object = None,
) -> bytes:
    """The page, with a marker where each source file's href goes (see :func:`link`). ``script``: more
    script for the page, and ``data`` for it (as JSON in ``<script type="application/json" id="rk-data">``):
    ``reportkit review`` adds its editing."""
    pages = _Pages(index, bates)
    docs = chronological(index.documents)
    code = _asset("page.js") + script
    header = "".join(f"<dt>{_t(k)}</dt><dd>{_t(v)}</dd>" for k, v in case_header(index, case))
    head_cells = "".join(f'<th scope="col"><button type="button">{h}</button></th>' for h in _HEADERS)
    misfiled = {d.id for d in index.misfiled()}
    # a row of bytes each, joined once with the rest: a large index's rows are most of the page, and as one
    # str (2 bytes a character from the first "…") then a copy with the rest then bytes they were held 4 times
    rows = [_row(n, d, pages, bates, misfiled).encode("utf-8") for n, d in enumerate(docs)] or [b""]
    policy = f"default-src 'none'; style-src 'unsafe-inline'; script-src '{_csp_hash(code)}'; connect-src 'self'"
    before = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        "<title>Record index</title>",
        f"<style>{_asset('page.css')}</style></head><body>",
        "<h1>Record index</h1>",
        f'<p class="headline">{_t(headline(index))}</p>',
        f'<dl class="case">{header}</dl>',
        _filters(docs),
        '<table id="chronology"><thead><tr>' + head_cells + "</tr></thead><tbody>",
    ]
    after = [
        "</tbody></table>",
        *_sections(index, pages, bates),
        *([f'<script type="application/json" id="rk-data">{_json(data)}</script>'] if data is not None else []),
        f"<script>{code}</script>",
        "</body></html>",
        "",
    ]
    return b"\n".join([*(p.encode("utf-8") for p in before), *rows, *(p.encode("utf-8") for p in after)])


def link(page: bytes, hrefs: Sequence[str]) -> bytes:
    """The page with each source marker replaced by its file's href (already URL-quoted)."""

    def one(match: re.Match[bytes]) -> bytes:
        i = int(match.group(1))
        return _t(hrefs[i] if i < len(hrefs) else "").encode("utf-8")

    return _MARKER.sub(one, page)


def hrefs(paths: Sequence[Path], out_dir: Path) -> list[str]:
    """Each source file's href from ``out_dir``, relative to it (``../records/a.pdf``), URL-quoted."""
    out = []
    for path in paths:
        try:
            rel = os.path.relpath(os.path.abspath(path), os.path.abspath(out_dir))
            out.append(quote(Path(rel).as_posix()))
        except ValueError:  # another drive (Windows): no relative path exists
            out.append(Path(os.path.abspath(path)).as_uri())
    return out


def based(names: Sequence[str], base: str) -> list[str]:
    """``--link-base BASE``: each file's name (its path in the index) after BASE, URL-quoted."""
    head = quote(base.rstrip("/"), safe=":/%?&=#~@!$'()*+,;")  # spaces encoded; a URL's own syntax kept
    return [head + "/" + quote(name) for name in names]

"""Writing a record index: index.json (the source of truth), index.csv, index.md and index.docx.

Everything is rendered to bytes first; the files then appear together by rename, so a failure never leaves
half-written outputs. Same index, same bytes: no timestamps inside (they go to run.json).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportkit import cite
from reportkit.errors import OutputError
from reportkit.index.chronology import chronological
from reportkit.models import Document, Finding, RecordIndex, field_values
from reportkit.publish import replace_together
from reportkit.understand.confidence import UNSURE_BOUNDARY
from reportkit.understand.patients import OTHER_PATIENT

if TYPE_CHECKING:  # the DOCX writer is imported when a DOCX is written (a cached re-run writes none)
    from reportkit.index import wordml

OUTPUT_NAMES = ("index.json", "index.csv", "index.md", "index.docx", "index.html")
"""What ``index`` writes besides search.sqlite and run.json (index.html by :mod:`reportkit.index.htmlpage`)."""
SUMMARY_LABELS = (
    "IMPRESSION", "ASSESSMENT", "DIAGNOSES", "PROCEDURE", "RESULTS", "WORK STATUS", "RESTRICTIONS", "PLAN",
    "LETTER",
)  # fmt: skip
SUMMARY_CHARS = 300


def _fields(value: object) -> dict[str, Any]:
    """A record's fields, in their order."""
    found = field_values(value)
    if found is None:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return found


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), default=_fields)
"""Python's C encoder (an indented dump falls back to the pure-Python one, 5x slower on a large index); it
asks ``_fields`` for the fields of each record, so no dict copy of the whole index is made first."""


def to_json(index: RecordIndex) -> bytes:
    """index.json bytes: one top-level key per line, and one source, page, document or gap per line inside
    its list; UTF-8, newline at the end; load → dump gives the same bytes."""
    # Encoded item by item and joined as bytes: one large str would take 2-4 bytes a character as soon as one
    # character is not ASCII, and be copied twice more on the way to bytes (~20 MB at 2,000 pages). The pieces
    # are joined once, at the end: a join per list would copy the index.json bytes twice more.
    parts: list[bytes] = []
    encode = _COMPACT.encode
    for key, value in index.top_level().items():
        parts += (b",\n  " if parts else b"{\n  ", encode(key).encode("utf-8"))
        if isinstance(value, list) and value:
            parts.append(b": [\n    ")
            for k, item in enumerate(value):
                if k:
                    parts.append(b",\n    ")
                parts.append(encode(item).encode("utf-8"))
            parts.append(b"\n  ]")
        else:
            parts += (b": ", encode(value).encode("utf-8"))
    parts.append(b"\n}\n")
    return b"".join(parts)


def summary(doc: Document, limit: int = SUMMARY_CHARS, leave_out: tuple[str, ...] = ()) -> str:
    """The document's key findings, verbatim, most telling first, cut at ``limit`` characters (without the
    labels in ``leave_out``: a draft shows a lab report's results as a table)."""
    text = " ".join(f"{f.label}: {f.text}" for f in key_findings(doc, leave_out))
    if not text and doc.diagnoses:
        text = "; ".join(f"{d.code or ''} {d.text}".strip() for d in doc.diagnoses[:3])
    return clip(text, limit)


def key_findings(doc: Document, leave_out: tuple[str, ...] = ()) -> list[Finding]:
    """The two findings :func:`summary` quotes: the most telling labels first, then by page."""
    kept = [f for f in doc.findings if f.label not in leave_out]
    return sorted(kept, key=lambda f: (SUMMARY_LABELS.index(f.label), f.page))[:2]


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a sentence end (when one falls in the last 40 %) or a
    word boundary, with "…": a quote never ends inside a word."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    sentence = max(head.rfind(". "), head.rfind("? "), head.rfind("; "))
    if sentence >= 0.6 * limit:
        return head[: sentence + 1] + " …"
    space = head.rfind(" ")
    cut = head[:space] if space >= 0.5 * limit else head
    return cut.rstrip(" ,;:-–") + "…"


BatesLookup = Mapping[int, str]
"""Bundle page → Bates number (from a packet's bates_map.json), for Bates citations."""


def cite_cell(doc: Document, bates: BatesLookup | None = None) -> str:
    """How a chronology row cites its pages: ``pp. 4–6``, or ``SMITH0000004-SMITH0000006`` with a Bates map
    (``pp. 4–6, not produced`` for pages the map does not hold)."""
    pages = cite.pages(doc.first_page, doc.last_page)
    if bates is None:
        return pages
    return cite.bates_pages(bates, doc.first_page, doc.last_page) or f"{pages}, not produced"


def chronology_cells(doc: Document, bates: BatesLookup | None = None) -> list[str]:
    """One chronology row, as index.md and index.docx show it: #, date (role unless a date of service), type,
    provider, facility, key findings, pages (or Bates numbers)."""
    date = doc.date or "undated"
    if doc.end_date != doc.date:
        date += f" to {doc.end_date}"
    if doc.date_role and doc.date_role != "service":
        date += f" ({doc.date_role})"
    kind = doc.doc_type.replace("_", " ")
    if doc.duplicate_of:
        similar = "" if (doc.duplicate_similarity or 1.0) >= 1.0 else f", {doc.duplicate_similarity:.0%} similar"
        kind += f", duplicate of {doc.duplicate_of}{similar}"
    if any(w.startswith(OTHER_PATIENT) for w in doc.warnings):
        kind += f", ANOTHER PATIENT ({doc.patient})"  # a misfiled record, seen in the row itself
    if doc.overridden:
        kind += f" [reviewer set: {', '.join(doc.overridden)}]"
    pages = cite_cell(doc, bates)
    if doc.missing_pages:
        pages += f"; missing page(s) {', '.join(map(str, doc.missing_pages))} of its numbering"
    return [doc.id, date, kind, doc.provider or "", doc.facility or "", summary(doc), pages]


def _row(doc: Document, index: RecordIndex, bates: BatesLookup | None = None) -> dict[str, str]:
    source = index.sources[doc.source].path if doc.source < len(index.sources) else ""
    cited = {} if bates is None else {"bates": cite.bates_pages(bates, doc.first_page, doc.last_page) or ""}
    return {
        "id": doc.id,
        "date": doc.date or "",
        "date_role": doc.date_role or "",
        "doc_type": doc.doc_type,
        "title": doc.title or "",
        "provider": doc.provider or "",
        "facility": doc.facility or "",
        "pages": cite.page_range(doc.first_page, doc.last_page),
        **cited,
        "first_page": str(doc.first_page),
        "last_page": str(doc.last_page),
        "page_count": str(doc.page_count),
        "source": source,
        "diagnoses": "; ".join(f"{d.code} {d.text}".strip() if d.code else d.text for d in doc.diagnoses),
        "findings": " | ".join(f"{f.label} ({_page_cited(f.page, bates)}): {f.text}" for f in doc.findings),
        "duplicate_of": doc.duplicate_of or "",
        "duplicate_similarity": "" if doc.duplicate_similarity is None else f"{doc.duplicate_similarity:.3f}",
        "overridden": " ".join(doc.overridden),
        "missing_pages": " ".join(str(p) for p in doc.missing_pages),
        "warnings": "; ".join(cite.bates_in_text(w, bates) for w in doc.warnings),
        "last_date": doc.last_date or "",
        "patient": _patient_cell(doc, index),
    }


def _page_cited(page: int, bates: BatesLookup | None) -> str:
    return (bates or {}).get(page) or f"p. {page}"


def _patient_cell(doc: Document, index: RecordIndex) -> str:
    """The document's patient id, marked when it is not the bundle's main patient ("P2 (another patient)")."""
    if not doc.patient:
        return ""
    main = {p.id for p in index.patients if p.main}
    return doc.patient if doc.patient in main else f"{doc.patient} (another patient)"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP's CSV-injection list)."""


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell that a spreadsheet shows as text: a leading ``'`` before a formula's first character."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def excel_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV that Excel opens right: UTF-8 with a byte-order mark (accents), CRLF line ends, and every text
    cell ``spreadsheet_safe`` (a cell starting with = + - @ would run as a formula)."""
    buffer = io.BytesIO()
    # encoded as it is written (a large index's table is not held as text, then as a copy with the BOM,
    # then as bytes); BytesIO hands over its buffer without a copy
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    text.write("\ufeff")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(c) if isinstance(c, str) else c for c in row])
    text.flush()
    data = buffer.getvalue()
    text.detach()
    return data


def to_csv(index: RecordIndex, bates: BatesLookup | None = None) -> bytes:
    """One row per document, chronological. With a Bates map, a ``bates`` column follows ``pages``."""
    fields = list(_row(index.documents[0], index, bates)) if index.documents else ["id"]
    rows = (_row(d, index, bates) for d in chronological(index.documents))  # made as they are written
    return excel_csv(fields, ([row[k] for k in fields] for row in rows))


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def review_items(index: RecordIndex) -> list[tuple[Document, str]]:
    """Each document warning with its document, least certain first: documents of another patient (a
    misfiled record is a privacy problem before it is an accuracy one), then doubtful boundaries by their
    confidence, then the other warnings, documents with the least sure values first (chronological order
    among equals)."""
    ranked: list[tuple[int, float, int, int, Document, str]] = []
    for n, doc in enumerate(chronological(index.documents)):
        lowest = min(doc.confidence.values(), default=1.0)
        for k, warning in enumerate(doc.warnings):
            if warning.startswith(OTHER_PATIENT):
                ranked.append((0, 0.0, n, k, doc, warning))
            elif warning.startswith(UNSURE_BOUNDARY + " "):
                ranked.append((1, doc.confidence.get("boundary", 1.0), n, k, doc, warning))
            else:
                ranked.append((2, lowest, n, k, doc, warning))
    return [(doc, warning) for *_, doc, warning in sorted(ranked, key=lambda r: r[:4])]


def review_lines(index: RecordIndex, bates: BatesLookup | None = None) -> list[str]:
    """A line per document warning (see :func:`review_items`): ``D0012 (pp. 4–6): warning``."""
    return [
        f"{doc.id} ({cite_cell(doc, bates)}): {cite.bates_in_text(warning, bates)}"
        for doc, warning in review_items(index)
    ]


def headline(index: RecordIndex) -> str:
    dups = sum(1 for d in index.documents if d.duplicate_of)
    misfiled = {d.id for d in index.misfiled()}  # another patient's record does not date this one's care
    dated = [d for d in index.documents if d.date and not d.duplicate_of and d.id not in misfiled]
    first = min(d.date or "" for d in dated) if dated else ""
    last = max(d.end_date or "" for d in dated) if dated else ""
    span = f", dated {first} to {last}" if dated else ""
    copies = f" (and {counted(dups, 're-sent duplicate')}, listed but not counted)" if dups else ""
    return (
        f"{counted(len(index.sources), 'file')}, {counted(index.page_count, 'page')}, "
        f"{counted(len(index.documents) - dups, 'document')}{copies}{span}."
    )


def counted(n: int, word: str) -> str:
    """``1 page``, ``2 pages``, ``0 documents``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def to_markdown(index: RecordIndex, bates: BatesLookup | None = None) -> bytes:
    """A readable chronology: one table row per document, then what needs review."""
    out = ["# Record index", "", headline(index), ""]
    out += [
        "## Chronology",
        "",
        f"| # | Date | Type | Provider | Facility | Key findings | {'Bates' if bates is not None else 'Pages'} |",
        "|---|---|---|---|---|---|---|",
    ]
    for doc in chronological(index.documents):
        out.append("| " + " | ".join(_md_cell(c) for c in chronology_cells(doc, bates)) + " |")
    out.append("")
    if index.gaps:
        out += ["## Treatment gaps", ""]
        out += [f"- {g.days} days from {g.start} ({g.after}) to {g.end} ({g.before})" for g in index.gaps]
        out.append("")
    out += _since_lines(index, bates)
    review = review_lines(index, bates) + list(index.warnings)
    if review:
        out += ["## For review", ""] + [f"- {_md_cell(line)}" for line in review] + [""]
    if index.skipped:
        out += ["## Files not indexed", ""] + [f"- {_md_cell(s.reason)}" for s in index.skipped] + [""]
    out += ["## Files", "", "| File | Pages | Bundle pages | SHA-256 |", "|---|---|---|---|"]
    for s in index.sources:
        out.append(
            f"| {_md_cell(s.path)} | {s.page_count} | {cite.page_range(s.first_page, s.last_page)} "
            f"| `{s.sha256[:16]}` |"
        )
    out.append("")
    return "\n".join(out).encode("utf-8")


def since_items(index: RecordIndex, bates: BatesLookup | None = None) -> list[str]:
    """One line per new, changed, re-scanned and gone document of an ``index --since`` run (none without it)."""
    if not index.since:
        return []
    changed = {c["id"]: c["was"] for c in index.since.get("changed", [])}
    rescanned = {r["id"]: r["similarity"] for r in index.since.get("rescanned", [])}
    lines = []
    for doc in chronological(index.documents):
        if doc.id in changed or doc.id in rescanned or doc.id in index.since.get("new", []):
            what = f"changed (was {changed[doc.id]})" if doc.id in changed else "new"
            if doc.id in rescanned:
                what = f"re-scanned copy of the previous one ({rescanned[doc.id]:.0%} alike)"
            kind = doc.doc_type.replace("_", " ")
            lines.append(f"{doc.id} {what}: {doc.date or 'undated'}, {kind}, {doc.provider or 'author not found'} "
                         f"({cite_cell(doc, bates)})")  # fmt: skip
    for gone in index.since.get("gone", []):
        kind = str(gone["doc_type"]).replace("_", " ")
        where = cite.pages(gone["first_page"], gone["last_page"])
        lines.append(f"{gone['id']} gone: {gone.get('date') or 'undated'}, {kind} (was {where} of the previous index)")
    return lines


def _since_lines(index: RecordIndex, bates: BatesLookup | None) -> list[str]:
    if not index.since:
        return []
    from reportkit.index.since import summary_line

    out = ["## New since the previous index", "", summary_line(index.since) + ".", ""]
    out += [f"- {_md_cell(line)}" for line in since_items(index, bates)]
    return out + ([""] if since_items(index, bates) else [])


def docx_content(
    index: RecordIndex, bates: BatesLookup | None = None, case: Mapping[str, str] | None = None
) -> wordml.Body:
    """What index.docx says: the chronology as a table, then gaps, what is new, and the review list."""
    from reportkit.index import wordml

    headers = [
        "#",
        "Date",
        "Document",
        "Provider",
        "Facility",
        "Key findings",
        "Bates" if bates is not None else "Pages",
    ]
    cells = []
    for doc in chronological(index.documents):
        row = chronology_cells(doc, bates)
        title = doc.title if doc.title and doc.title.lower() != doc.doc_type.replace("_", " ") else ""
        cells.append([*row[:2], f"{row[2]}\n{title}" if title else row[2], *row[3:]])  # type, then its title
    rows = "".join(wordml.row_xml(row) for row in cells)
    paragraphs: list[tuple[str, str | None]] = []
    if index.gaps:
        paragraphs.append(("Treatment gaps", "Heading2"))
        paragraphs += [
            (f"{g.days} days from {g.start} ({g.after}) to {g.end} ({g.before})", _BULLET) for g in index.gaps
        ]
    if index.since:
        from reportkit.index.since import summary_line

        paragraphs.append(("New since the previous index", "Heading2"))
        paragraphs.append((summary_line(index.since) + ".", None))
        paragraphs += [(line, _BULLET) for line in since_items(index, bates)]
    review = review_lines(index, bates) + list(index.warnings) + [s.reason for s in index.skipped]
    if review:
        paragraphs.append(("For review", "Heading2"))
        paragraphs += [(line, _BULLET) for line in review]
    widths = wordml.fitted_widths(headers, cells, headers.index("Key findings"))
    return wordml.Body("Record index", headline(index), headers, rows, paragraphs, case_header(index, case), widths)


def case_header(index: RecordIndex, case: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """The chronology's case header: whose records (case.yaml's examinee when known, else the bundle's main
    patient), date of birth, claim number, the date range, pages and documents."""
    case = case or {}
    main = next((p for p in index.patients if p.main), None)
    name = case.get("name") or (main.name if main else None)
    dob = case.get("dob") or (main.date_of_birth if main else None)
    misfiled = {d.id for d in index.misfiled()}  # another patient's record does not date this one's care
    dated = sorted(d.date for d in index.documents if d.date and not d.duplicate_of and d.id not in misfiled)
    out = [("Examinee", name or "not found in the records")]
    if dob:
        out.append(("Date of birth", dob))
    if case.get("claim_number"):
        out.append(("Claim number", case["claim_number"]))
    if dated:
        out.append(("Records dated", f"{dated[0]} to {dated[-1]}"))
    dups = sum(1 for d in index.documents if d.duplicate_of)
    out.append(
        (
            "Pages and documents",
            f"{counted(index.page_count, 'page')}, {counted(len(index.documents) - dups, 'document')}",
        )
    )
    return out


def to_docx(index: RecordIndex, bates: BatesLookup | None = None, case: Mapping[str, str] | None = None) -> bytes:
    """The chronology as a Word table (landscape) under a case header, then the review list. ``case``: name,
    dob, claim_number from case.yaml, when there is one. Byte-identical for the same index."""
    from reportkit.index import wordml

    return wordml.write(docx_content(index, bates, case))


_BULLET = "ListBullet"
"""Style ids (not names) of python-docx's default template: "List Bullet", "Heading 2"."""


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP (DOCX) with fixed entry times so equal content gives equal bytes."""
    from reportkit.index import wordml

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return wordml.zip_bytes({item.filename: src.read(item.filename) for item in src.infolist()})


RENDERERS: dict[str, Callable[[RecordIndex], bytes]] = {
    "index.json": to_json,
    "index.csv": to_csv,
    "index.md": to_markdown,
    "index.docx": to_docx,
}


def existing_outputs(out_dir: Path) -> list[str]:
    """The files of an index already in ``out_dir`` (all that ``index`` writes: search.sqlite and run.json
    too)."""
    return [name for name in (*OUTPUT_NAMES, "search.sqlite", "run.json") if (out_dir / name).exists()]


def write_files(out_dir: Path, files: dict[str, bytes], *, force: bool) -> list[Path]:
    """Write all files or none: each to a temporary name first, then renamed into place together."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{out_dir}: cannot create the output folder ({exc.strerror}).", hint="Choose another --out folder."
        ) from None
    blocked = [n for n in files if (out_dir / n).exists() and not (out_dir / n).is_file()]
    if blocked:
        raise OutputError(
            f"{out_dir}: {', '.join(blocked)} exists but is not a file.",
            hint="Move it away, or choose another --out folder.",
        )
    clash = [n for n in files if (out_dir / n).exists()]
    if clash and not force:
        raise OutputError(
            f"{out_dir}: already holds {', '.join(clash)}.",
            hint="Use --force to replace them, or choose another --out folder.",
        )
    replace_together(out_dir, files, "the outputs")
    return [out_dir / name for name in files]


def render_all(index: RecordIndex) -> dict[str, bytes]:
    return {name: render(index) for name, render in RENDERERS.items()}


def render_some(index: RecordIndex, names: Sequence[str]) -> dict[str, bytes]:
    """The named outputs (keys of :data:`RENDERERS`): a worker's share when they are rendered in parallel."""
    return {name: RENDERERS[name](index) for name in names}


def render_cited(index: RecordIndex, bates: BatesLookup, case: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """index.md, index.csv and index.docx citing Bates numbers instead of bundle pages."""
    return {
        "index.md": to_markdown(index, bates),
        "index.csv": to_csv(index, bates),
        "index.docx": to_docx(index, bates, case),
    }


def bates_lookup(index: RecordIndex, bates_map: Mapping[str, object]) -> dict[int, str]:
    """Bundle page of ``index`` → Bates number, matched through each page's file (SHA-256) and page in it,
    so the index and the packet need not list their files in the same order."""
    sources = bates_map.get("sources")
    pages = bates_map.get("pages")
    if not isinstance(sources, list) or not isinstance(pages, list):
        raise ValueError("not a bates map")
    sha_of = {int(s["source"]): str(s["sha256"]) for s in sources}
    by_file = {(sha_of[int(p["source"])], int(p["source_page"])): str(p["bates"]) for p in pages}
    out = {}
    for page in index.pages:
        key = (index.sources[page.source].sha256, page.source_page)
        if key in by_file:
            out[page.page] = by_file[key]
    return out


def run_record(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

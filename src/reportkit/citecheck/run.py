"""``cite_check(report, index)``: the report's citations, each checked (what the command prints)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportkit.api import bates_labels, load_bates_map, load_index
from reportkit.citecheck.find import find
from reportkit.citecheck.read import report_text
from reportkit.citecheck.verify import OK, BatesPages, Row, check
from reportkit.draft.pipeline import INDEX_DIR
from reportkit.index.export import excel_csv
from reportkit.index.search import stored_texts
from reportkit.publish import write_table

COLUMNS = ("citation", "pages", "document", "verdict", "detail")


def index_place(where: Path) -> Path:
    """An index folder, its index.json, or a case folder (its index/)."""
    if where.is_dir() and not (where / "index.json").is_file() and (where / INDEX_DIR / "index.json").is_file():
        return where / INDEX_DIR
    return where


def cite_check(report: Path, index_at: Path, bates_map: Path | None = None) -> list[Row]:
    index_at = index_place(index_at)
    index = load_index(index_at)
    data = load_bates_map(bates_map) if bates_map is not None else None
    lookup = bates_labels(index, data, bates_map) if data is not None and bates_map is not None else None
    mapping = BatesPages.of(lookup, data)
    prefixes = sorted({k[0] for k in mapping.by_number}) if mapping else []
    citations = find(report_text(report), prefixes)
    return check(citations, index, stored_texts(index_at, index), mapping)


def failing(rows: Sequence[Row]) -> list[Row]:
    return [r for r in rows if r.verdict != OK]


def to_markdown(rows: Sequence[Row], report: str) -> bytes:
    out = [
        f"# Citations checked: {report}",
        "",
        "| Citation | Pages | Document | Verdict | Detail |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [r.citation, ", ".join(map(str, r.pages)), r.document, r.verdict, r.detail]
        out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    out += ["", summary(rows), ""]
    return "\n".join(out).encode("utf-8")


def to_csv(rows: Sequence[Row]) -> bytes:
    return excel_csv(COLUMNS, ((r.citation, " ".join(map(str, r.pages)), r.document, r.verdict, r.detail)
                               for r in rows))  # fmt: skip


def summary(rows: Sequence[Row]) -> str:
    bad = failing(rows)
    if not rows:
        return "No record citations found."
    return f"{len(rows)} citation(s): {len(rows) - len(bad)} check, {len(bad)} do not."


def write(rows: Sequence[Row], out: Path, report: str, force: bool = False, inputs: tuple[Path, ...] = ()) -> None:
    """``out``: a .docx, .md or .csv file, written whole or not at all (an existing one only with ``force``,
    and never one of ``inputs``: the report checked)."""
    makers = {
        ".csv": lambda: to_csv(rows),
        ".md": lambda: to_markdown(rows, report),
        ".docx": lambda: _docx(rows, report),
    }
    write_table(out, makers, "the citation table", force, inputs)


def _docx(rows: Sequence[Row], report: str) -> bytes:
    from reportkit.index import wordml

    cells = [[r.citation, ", ".join(map(str, r.pages)), r.document, r.verdict, r.detail] for r in rows]
    headers = ["Citation", "Pages", "Document", "Verdict", "Detail"]
    body = "".join(wordml.row_xml(row) for row in cells)
    widths = wordml.fitted_widths(headers, cells, 4)
    return wordml.write(wordml.Body("Citations checked", f"{report}: {summary(rows)}", headers, body, [], [], widths))

"""The comparison as a Word document, Markdown or CSV (written atomically), and as lines for the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportkit.compare.model import TOPIC_TITLES, Comparison, Row
from reportkit.index.export import excel_csv
from reportkit.publish import write_table

COLUMNS = ("topic", "side", "who", "date", "provider", "document", "citation", "text")
HEADERS = ["Topic", "Who", "Date", "Provider", "Citation", "What the record says (verbatim)"]
NOT_RECORDED = "not recorded"
NEVER = (
    "Every snippet is the record's own sentence (whitespace folded), or our case.yaml's own words; nothing is "
    "summarised. A topic a side did not speak to shows 'not recorded'. Each difference names the rule that "
    "raised it (docs/compare.md)."
)
NEVER_IN_DRAFT = NEVER.replace(" (docs/compare.md)", ", a mechanical comparison of the rows' words and figures")


def _cells(r: Row) -> list[str]:
    return [TOPIC_TITLES[r.topic], r.who, r.date or "undated", r.provider, r.citation, r.text]


def _silent(c: Comparison, topic: str) -> list[str]:
    """The sides (treating, each IME) with no row on ``topic``."""
    said = {r.who for r in c.rows if r.topic == topic}
    return [who for who in ("treating", *(i.split(":")[0] for i in c.imes)) if who not in said]


def table(c: Comparison) -> list[list[str]]:
    """The table's rows: each topic's rows, and a 'not recorded' row for each side that said nothing of it."""
    out = []
    for topic in c.topics:
        out += [_cells(r) for r in c.rows if r.topic == topic]
        out += [[TOPIC_TITLES[topic], who, "", "", "", NOT_RECORDED] for who in _silent(c, topic)]
    return out


def summary(c: Comparison) -> str:
    counts = ", ".join(f"{TOPIC_TITLES[t].lower()} {sum(r.topic == t for r in c.rows)}" for t in c.topics)
    return f"{len(c.rows)} snippet(s) ({counts}); {len(c.flags)} difference(s) flagged."


def _flag_lines(c: Comparison) -> list[str]:
    return [f"{TOPIC_TITLES[f.topic]} [{f.rule}]: {f.detail}" for f in c.flags] or ["No difference flagged."]


def _preamble(c: Comparison) -> list[str]:
    lines = ["IMEs compared: " + ("; ".join(c.imes) if c.imes else "none (no IME in the records, no case.yaml)")]
    if c.left_out:
        lines.append("Left out: " + "; ".join(c.left_out))
    return lines


def to_lines(c: Comparison) -> list[str]:
    """What the command prints: per topic, a line per snippet."""
    out = _preamble(c)
    for topic in c.topics:
        out += ["", f"== {TOPIC_TITLES[topic]}"]
        out += [f"{r.who:<22} {r.date or 'undated':<10} {r.citation:<12} {r.text}" for r in c.rows if r.topic == topic]
        out += [f"{who:<22} {NOT_RECORDED}" for who in _silent(c, topic)]
    return [*out, "", "Differences:", *(f"  {line}" for line in _flag_lines(c))]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(c: Comparison, title: str) -> bytes:
    out = [f"# Treating records and IMEs compared: {title}", "", *_preamble(c), "", summary(c), ""]
    out += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    out += ["| " + " | ".join(_md(x) for x in cells) + " |" for cells in table(c)]
    out += ["", "## Differences", "", *(f"- {_md(line)}" for line in _flag_lines(c)), "", NEVER, ""]
    return "\n".join(out).encode("utf-8")


def to_csv(c: Comparison) -> bytes:
    return excel_csv(COLUMNS, ((r.topic, r.side, r.who, r.date or "", r.provider, r.document, r.citation, r.text)
                               for r in c.rows))  # fmt: skip


def to_docx(c: Comparison, title: str) -> bytes:
    from reportkit.index import wordml

    cells = table(c)
    body = "".join(wordml.row_xml(row) for row in cells)
    widths = wordml.fitted_widths(HEADERS, cells, 5)
    paragraphs: list[tuple[str, str | None]] = [(NEVER, None)]
    headline = "\n".join([*_preamble(c), summary(c), "Differences:", *(f"• {line}" for line in _flag_lines(c))])
    return wordml.write(wordml.Body(f"Treating records and IMEs compared: {title}", headline, HEADERS, body,
                                    paragraphs, [], widths))  # fmt: skip


def write(c: Comparison, out: Path, title: str, force: bool = False) -> None:
    """``out``: a .docx, .md or .csv file, written whole or not at all (an existing one only with ``force``)."""
    makers = {".csv": lambda: to_csv(c), ".md": lambda: to_markdown(c, title), ".docx": lambda: to_docx(c, title)}
    write_table(out, makers, "the comparison", force)


def appendix(at: Path, case_file: Path | None = None, bates_map: Path | None = None) -> dict[str, Any]:
    """The comparison as the draft's templates take it (``comparison`` in their context: templates/README.md),
    for ``reportkit draft --compare``: the index at ``at``, our answers from ``case_file``."""
    from reportkit.compare.run import compare_index

    c = compare_index(at, case_file, bates_map)
    topics = []
    for topic in c.topics:
        rows = [
            {"who": r.who, "side": r.side, "date": r.date or "undated", "provider": r.provider,
             "citation": r.citation, "text": r.text}
            for r in c.rows if r.topic == topic
        ]  # fmt: skip
        topics.append({"topic": topic, "title": TOPIC_TITLES[topic], "rows": rows, "not_recorded": _silent(c, topic)})
    flags = [f"{TOPIC_TITLES[f.topic]} [{f.rule}]: {f.detail}" for f in c.flags]
    return {
        "imes": list(c.imes), "left_out": list(c.left_out), "topics": topics, "flags": flags, "note": NEVER_IN_DRAFT
    }  # fmt: skip

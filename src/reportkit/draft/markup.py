"""The markup drafts are written in, and its outputs: Markdown and HTML here, DOCX in :mod:`.markupdocx`.

Templates render a small, escaped subset of HTML (autoescape is on, so record text can never become markup).
That one rendering is parsed back into blocks — headings, paragraphs, numbered and bulleted items, with
bold, italic and highlighted runs — and the blocks are written as DOCX (python-docx) and Markdown. The HTML
draft is the rendering itself inside a page shell. Parsing turns character references back into the exact
characters, so ``BP < 120 & HR`` in a record reads the same in all three outputs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from reportkit.errors import TemplateError
from reportkit.index.wordml import XML_FORBIDDEN

if TYPE_CHECKING:
    pass

BLOCK_TAGS = {"h1", "h2", "h3", "p", "li"}
TABLE_TAGS = {"table", "tr", "th", "td"}
CONTAINER_TAGS = {"ol", "ul", "section", "div", "header", "footer"}
INLINE_TAGS = {"strong", "b", "em", "i", "mark", "span"}
VOID_TAGS = {"br", "hr"}
ALLOWED = BLOCK_TAGS | CONTAINER_TAGS | INLINE_TAGS | VOID_TAGS | TABLE_TAGS
PART_NAME = re.compile(r"(tool|physician):[a-z][a-z0-9_.:-]{0,60}")
"""A marked part: who owns it (reportkit refreshes ``tool`` parts; ``physician`` parts keep what the physician
wrote in Word) and a name unique in the draft."""


def clean(text: str) -> str:
    """Text safe for every output: no control characters (python-docx and XML reject them)."""
    return XML_FORBIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    mark: bool = False
    """A placeholder: highlighted so the physician cannot miss it."""


@dataclass
class Block:
    kind: str
    """h1, h2, h3, p, or li."""
    runs: list[Run] = field(default_factory=list)
    list_kind: str = ""
    """For li: ``ol`` or ``ul``."""
    number: int = 0
    """For li in an ol: its number in that list."""
    css: str = ""
    """The class attribute (e.g. ``signature``, ``meta``)."""
    rows: list[list[str]] = field(default_factory=list)
    """For a table: its rows of cell texts, the first the header."""
    part: str = ""
    """The marked part of the draft the block belongs to (``tool:records``, ``physician:answer:2``; see
    ``wordparts``), from the ``data-part`` of the ``div`` or ``section`` around it; empty outside parts."""

    @property
    def text(self) -> str:
        if self.kind == "table":
            return "\n".join(" | ".join(row) for row in self.rows)
        return "".join(r.text for r in self.runs)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.lists: list[list[int | str]] = []  # [kind, counter]
        self.inline: list[str] = []
        self.problems: list[str] = []
        self.containers: list[str] = []  # the data-part of each open div/section ("" when none)
        self.table: Block | None = None  # a table being read; its current cell collects text
        self.cell: list[str] | None = None

    @property
    def part(self) -> str:
        return next((p for p in reversed(self.containers) if p), "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.problems.append(f"line {self.getpos()[0]}: <{tag}> is not supported in draft templates")
            return
        css = dict(attrs).get("class") or ""
        if tag in TABLE_TAGS:
            self._table_tag(tag, css)
            return
        if tag in ("div", "section"):
            self._open_part(dict(attrs).get("data-part") or "")
        elif tag in ("ol", "ul"):
            self.lists.append([tag, 0])
        elif tag in BLOCK_TAGS:
            self._close()
            block = Block(tag, css=css, part=self.part)
            if tag == "li":
                if not self.lists:
                    self.problems.append(f"line {self.getpos()[0]}: <li> outside <ol> or <ul>")
                    self.lists.append(["ul", 0])
                kind, count = self.lists[-1]
                block.list_kind = str(kind)
                self.lists[-1][1] = int(count) + 1
                block.number = int(count) + 1
            self.current = block
        elif tag in INLINE_TAGS:
            self.inline.append(tag)
        elif tag == "br":
            self._text("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def _open_part(self, part: str) -> None:
        if part:
            self._close()
            line = self.getpos()[0]
            if not PART_NAME.fullmatch(part):
                self.problems.append(f'line {line}: data-part="{part}" is not tool:NAME or physician:NAME')
            elif self.part:
                self.problems.append(f"line {line}: part {part} inside part {self.part} (parts do not nest)")
        self.containers.append(part)

    def _table_tag(self, tag: str, css: str) -> None:
        if tag == "table":
            self._close()
            self.table = Block("table", css=css, part=self.part)
        elif self.table is None:
            self.problems.append(f"line {self.getpos()[0]}: <{tag}> outside <table>")
        elif tag == "tr":
            self.table.rows.append([])
        else:
            if not self.table.rows:
                self.table.rows.append([])
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.table is not None and self.cell is not None:
            self.table.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
            return
        if tag == "table" and self.table is not None:
            if any(self.table.rows):
                self.blocks.append(self.table)
            self.table, self.cell = None, None
            return
        if tag in TABLE_TAGS:
            return
        if tag in ("div", "section"):
            if self.containers and self.containers[-1]:
                self._close()
            if self.containers:
                self.containers.pop()
        elif tag in ("ol", "ul"):
            self._close()
            if self.lists:
                self.lists.pop()
        elif tag in BLOCK_TAGS:
            self._close()
        elif tag in INLINE_TAGS and tag in self.inline:
            idx = len(self.inline) - 1 - self.inline[::-1].index(tag)
            del self.inline[idx]

    def handle_data(self, data: str) -> None:
        if self.table is not None:
            if self.cell is not None:
                self.cell.append(clean(data))
            return
        self._text(re.sub(r"\s+", " ", clean(data)))

    def _text(self, data: str) -> None:
        if self.current is None:
            if not data.strip():
                return
            self.current = Block("p", part=self.part)
        if not self.current.runs and data != "\n":
            data = data.lstrip()
        if not data:
            return
        run = Run(
            clean(data),
            bold=bool({"strong", "b"} & set(self.inline)),
            italic=bool({"em", "i"} & set(self.inline)),
            mark="mark" in self.inline,
        )
        runs = self.current.runs
        if runs and (runs[-1].bold, runs[-1].italic, runs[-1].mark) == (run.bold, run.italic, run.mark):
            runs[-1] = Run(runs[-1].text + run.text, run.bold, run.italic, run.mark)
        else:
            runs.append(run)

    def _close(self) -> None:
        if self.current is not None:
            runs = self.current.runs
            if runs:
                last = runs[-1]
                runs[-1] = Run(last.text.rstrip(" "), last.bold, last.italic, last.mark)
                if not runs[-1].text:
                    runs.pop()
            if runs:
                self.blocks.append(self.current)
            self.current = None


def parse(rendered: str, name: str = "template") -> list[Block]:
    """Blocks of a rendered template; unsupported tags raise TemplateError naming them."""
    parser = _Parser()
    parser.feed(rendered)
    parser.close()
    parser._close()
    seen: set[str] = set()
    for previous, block in zip([None, *parser.blocks], parser.blocks, strict=False):
        if block.part and (previous is None or previous.part != block.part):
            if block.part in seen:
                parser.problems.append(f"part {block.part} appears twice (each part is one stretch of the draft)")
            seen.add(block.part)
    if parser.problems:
        raise TemplateError(
            f"{name}: " + "; ".join(parser.problems[:5]) + ".",
            hint="Use only h1-h3, p, ol, ul, li, strong, em, mark, br, table, tr, th, td, section and div.",
        )
    return parser.blocks


# --- Markdown -------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#])")
_MD_BULLET = re.compile(r"^(\s*)([-+=])(\s|$)")
_MD_NUMBER = re.compile(r"^(\s*\d+)([.)])(\s|$)")


def _md_escape(text: str) -> str:
    """Markdown that reads back as ``text``: special characters and line-start list markers escaped."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    lines = [_MD_NUMBER.sub(r"\1\\\2\3", _MD_BULLET.sub(r"\1\\\2\3", line)) for line in text.split("\n")]
    return "\n".join(lines)


def _md_runs(runs: list[Run]) -> str:
    out = []
    for run in runs:
        text = _md_escape(run.text)
        core = text.strip()
        if not core:
            out.append(text)
            continue
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        if run.mark or run.bold:
            core = f"**{core}**"
        if run.italic:
            core = f"*{core}*"
        out.append(lead + core + trail)
    return "".join(out).replace("\n", "  \n")


def to_markdown(blocks: list[Block]) -> bytes:
    lines: list[str] = []
    previous = ""
    for block in blocks:
        body = _md_runs(block.runs)
        if block.kind in ("h1", "h2", "h3"):
            lines += ["", "#" * int(block.kind[1]) + " " + body, ""]
        elif block.kind == "table":
            cells = [[_md_escape(c) for c in row] for row in block.rows if row]
            width = max(len(row) for row in cells)
            cells = [row + [""] * (width - len(row)) for row in cells]
            lines += ["", "| " + " | ".join(cells[0]) + " |", "|" + "---|" * width]
            lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
            lines.append("")
        elif block.kind == "li":
            if previous != "li":
                lines.append("")
            marker = f"{block.number}." if block.list_kind == "ol" else "-"
            lines.append(f"{marker} {body}")
        else:
            lines += ["", body, ""]
        previous = block.kind
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return text.encode("utf-8")


# --- HTML -----------------------------------------------------------------------------------------------


def to_markup(blocks: list[Block]) -> str:
    """Blocks as the draft markup again (for the HTML of a draft edited in Word)."""
    out: list[str] = []
    open_list = ""
    for block in blocks:
        wanted = block.list_kind if block.kind == "li" else ""
        if wanted != open_list:
            if open_list:
                out.append(f"</{open_list}>")
            if wanted:
                out.append(f"<{wanted}>")
            open_list = wanted
        if block.kind == "table":
            cells = [
                "<tr>" + "".join(f"<td>{html.escape(c, quote=False)}</td>" for c in row) + "</tr>" for row in block.rows
            ]
            out.append('<table class="results">' + "".join(cells) + "</table>")
            continue
        body = "".join(_html_run(r) for r in block.runs)
        out.append(f"<{block.kind}>{body}</{block.kind}>")
    if open_list:
        out.append(f"</{open_list}>")
    return "\n".join(out) + "\n"


def _html_run(run: Run) -> str:
    text = html.escape(run.text, quote=False).replace("\n", "<br>")
    if run.mark:
        text = f'<mark class="placeholder">{text}</mark>'
    if run.bold and not run.mark:
        text = f"<strong>{text}</strong>"
    if run.italic:
        text = f"<em>{text}</em>"
    return text


def to_html(rendered: str, title: str, css: str) -> bytes:
    """The rendered template in a complete, self-contained page."""
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        f"{clean(rendered).strip()}\n</body>\n</html>\n"
    )
    return page.encode("utf-8")

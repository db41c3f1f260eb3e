"""The Word draft is the working copy: the files of a (re-)draft, made around the physician's DOCX.

The first draft of a case is rendered from case.yaml and the records. From then on the DOCX in the drafts
folder is the physician's: a re-draft (new records, a changed case.yaml) refreshes only the parts reportkit
owns and keeps every word the physician wrote (see ``wordparts``); the Markdown and HTML are read from that
DOCX, and the PDF is made from it by LibreOffice, never rendered over it. A finalized draft (``final.json``,
see ``final``) is not re-drafted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportkit.draft import markup, markupdocx, render, wordparts
from reportkit.draftfiles import FINAL_NAME, finalized, read_record
from reportkit.draftfiles import sha_bytes as sha
from reportkit.errors import OutputError
from reportkit.publish import interrupted

PREVIOUS_DIR = "previous"
"""Where the physician's DOCX as it was before a re-draft is kept, each copy under its own hash."""


def refuse_finalized(out_dir: Path, docx_name: str) -> None:
    """OutputError when ``final.json`` records ``docx_name``: a signed report is not re-drafted."""
    recorded = finalized(out_dir, docx_name)
    if recorded is None:
        return
    path = out_dir / docx_name
    now = sha(path.read_bytes()) if path.is_file() else None
    changed = "" if recorded == now else ", and the DOCX changed since" if now else ", and the DOCX is gone"
    raise OutputError(
        f"{out_dir / docx_name}: finalized (see {out_dir / FINAL_NAME}){changed}; re-drafting would change the "
        "report that was signed. Nothing was written.",
        hint="For records that came later, draft an addendum (--addendum). To reopen this draft, move "
        f"{FINAL_NAME} away first (your Word text is kept).",
    )


@dataclass
class Made:
    files: dict[str, bytes]
    facts: dict[str, dict[str, Any]]
    """What the state file remembers of them (see ``writer.write_drafts``)."""
    carried: frozenset[str] = frozenset()
    """The DOCX that carries the physician's Word edits (replaced although it was edited)."""
    previous: dict[str, bytes] = field(default_factory=dict)
    """The physician's DOCX as it was, to keep in previous/."""
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Labels of the physician parts whose Word text was kept."""
    text: str = ""
    """The draft's text, one block a line."""


def make(
    rendered: render.Rendered,
    formats: tuple[str, ...],
    templates: Path | None,
    out_dir: Path,
    *,
    force: bool,
    made_from: dict[str, Any],
) -> Made:
    """The draft files in ``formats`` (plus the DOCX whenever a PDF is asked, so the two belong together)."""
    stem, title = render.OUTPUT_STEMS[rendered.kind], render.TITLES[rendered.kind]
    docx_name = f"{stem}.docx"
    reference = render.reference_of(templates)
    fresh = markupdocx.to_docx(rendered.blocks, title, reference, running=rendered.running)
    record = read_record(out_dir)
    existing = out_dir / docx_name
    docx, word, made = fresh, False, Made({}, {})
    if existing.is_file():
        current = existing.read_bytes()  # a finalized report was refused before (``refuse_finalized``)
        carries = docx_name in record.get("word_copy", {})
        pure = sha(current) == record.get("files", {}).get(docx_name) and not carries
        # what a stopped draft was writing is reportkit's own, but it may have been a re-draft around Word text
        stopped = sha(current) == (interrupted(out_dir) or {}).get(docx_name)
        if not pure:
            if not stopped or carries:  # kept under its own hash: a later re-draft never overwrites it
                made.previous[f"{stem}-{sha(current)[:12]}.docx"] = current
                if force:
                    made.notes.append(f"{docx_name}: --force started again from case.yaml; your Word copy was set "
                                      f"aside as {PREVIOUS_DIR}/{stem}-{sha(current)[:12]}.docx.")  # fmt: skip
            if not force:
                if wordparts.has_parts(current):
                    merged = wordparts.merge(current, fresh, record.get("parts", {}).get(docx_name, {}), docx_name)
                    if merged.data != fresh:  # else it holds nothing of the physician's
                        docx, word = merged.data, True
                        made.notes.extend(merged.notes)
                        made.kept.extend(wordparts.label(p) for p in merged.kept)
                elif not stopped and wordparts.titled_only(current):
                    raise OutputError(
                        f"{out_dir}: {docx_name} was saved by an editor that keeps the titles of reportkit's "
                        "content controls but drops their tags (LibreOffice does), so reportkit can no longer "
                        "tell its parts from yours; not replaced.",
                        hint="Edit the draft in Word (its content controls survive), or copy your text into a "
                        "new draft; --force would start again from case.yaml (your file is kept in previous/).",
                    )
                elif not stopped:
                    raise OutputError(
                        f"{out_dir}: {docx_name} changed since reportkit wrote it, and holds none of the parts "
                        "reportkit marks (damaged, made by an older version, or from your own template without "
                        "data-part marks); not replaced.",
                        hint="Rename or move the edited file to keep it, or use --force to replace it, or choose "
                        "--out.",
                    )
    blocks = markupdocx.from_docx(docx) if word else rendered.blocks
    made.text = "\n".join(b.text for b in blocks)
    if word or {"docx", "pdf"} & set(formats):
        made.files[docx_name] = docx
    if "md" in formats:
        made.files[f"{stem}.md"] = markup.to_markdown(blocks)
    if "html" in formats:
        shown = markup.to_markup(blocks) if word else rendered.html
        made.files[f"{stem}.html"] = markup.to_html(shown, title, render.style(templates))
    if "pdf" in formats:
        made.files[f"{stem}.pdf"] = render.docx_to_pdf(docx, docx_name)
    if word or existing.is_file():
        made.carried = frozenset({docx_name})  # its edits are carried (or it was reportkit's own)
    if docx_name in made.files:
        made.facts = {
            "parts": {docx_name: wordparts.part_digests(fresh)},
            "word_copy": {docx_name: True if word else None},
            "made_from": {docx_name: made_from},
        }
        if f"{stem}.pdf" in made.files:
            made.facts["pdf_from"] = {f"{stem}.pdf": sha(docx)}
    if reference is not None and reference.warning:
        made.notes.append(reference.warning)
    return made

"""The marked parts of a Word draft: who owns each stretch, reading them back, and re-drafting around the
physician's edits.

A template marks stretches of a draft with ``<div data-part="tool:records">`` or
``<div data-part="physician:answer:2">``. In the DOCX each stretch becomes a block-level content control
(``w:sdt``) tagged ``reportkit:tool:records``: Word shows its title when the cursor is inside, a ``tool``
control's content is locked (reportkit fills it in from the records and case.yaml), a ``physician`` control
cannot be deleted by accident but its content is the physician's to write.

Re-drafting takes the physician's DOCX as the base and, part by part:

- a ``tool`` part gets reportkit's new content (new records, a changed case.yaml);
- a ``physician`` part whose text is still what reportkit last wrote there gets the new rendering (a
  case.yaml answer filled in since); one the physician changed in Word keeps every word of it;
- everything outside the parts (a paragraph the physician added, the letterhead, a signature image) stays.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TAG_PREFIX = "reportkit:"
TOOL = "tool"
PHYSICIAN = "physician"


def q(name: str) -> str:
    return f"{{{W_NS}}}{name}"


def owner(part: str) -> str:
    return part.split(":", 1)[0]


def label(part: str) -> str:
    """``physician:answer:2`` → ``Answer 2``; ``tool:records`` → ``Records``."""
    name = part.split(":", 1)[1]
    words = re.sub(r"[:._-]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def title(part: str) -> str:
    """The content control's title, which Word shows on its border."""
    if owner(part) == TOOL:
        return f"{label(part)} (reportkit fills this in)"
    return f"{label(part)} (yours: kept when re-drafted)"


def enclose(items: list[tuple[Any, str]]) -> None:
    """Put each run of consecutive body elements with the same part into one content control.
    ``items``: (a ``w:p`` element in the body, its part or "") in document order."""
    group: list[Any] = []
    current = ""
    for element, part in [*items, (None, "")]:
        if element is None or part != current:
            if current and group:
                _control(group, current)
            group, current = [], part
        if element is not None and part:
            group.append(element)


def _control(elements: list[Any], part: str) -> None:
    from docx.oxml import OxmlElement

    sdt, pr, content = OxmlElement("w:sdt"), OxmlElement("w:sdtPr"), OxmlElement("w:sdtContent")
    for name, value in (
        ("w:alias", title(part)),
        ("w:tag", TAG_PREFIX + part),
        ("w:lock", "sdtContentLocked" if owner(part) == TOOL else "sdtLocked"),
    ):
        child = OxmlElement(name)
        child.set(q("val"), value)
        pr.append(child)
    elements[0].addprevious(sdt)
    sdt.append(pr)
    sdt.append(content)
    for element in elements:
        content.append(element)  # moves it


def unwrapped(data: bytes) -> bytes:
    """The DOCX without reportkit's content controls (their content in place), for LibreOffice: 7.4 drops the
    character formatting (bold, highlight) of the first paragraph inside a block-level control."""
    from reportkit.index.export import normalise_zip

    document = _open(data)
    found = [sdt for _, sdt in controls(document.element.body)]
    if not found:
        return data
    for sdt in found:
        content = sdt.find(q("sdtContent"))
        for child in list(content if content is not None else []):
            sdt.addprevious(child)
        sdt.getparent().remove(sdt)
    raw = io.BytesIO()
    document.save(raw)
    return normalise_zip(raw.getvalue())


def tag_of(sdt: Any) -> str | None:
    """The part an ``w:sdt`` element marks (``tool:records``), or None for a control reportkit did not make."""
    tag = sdt.find(f"{q('sdtPr')}/{q('tag')}")
    value = tag.get(q("val")) if tag is not None else None
    if value and value.startswith(TAG_PREFIX):
        return str(value[len(TAG_PREFIX) :])
    return None


def part_of(element: Any) -> str:
    """The reportkit part an element lies in ("" outside every part)."""
    for ancestor in element.iterancestors(q("sdt")):
        part = tag_of(ancestor)
        if part is not None:
            return part
    return ""


def controls(body: Any) -> Iterator[tuple[str, Any]]:
    """(part, ``w:sdt`` element) of each reportkit content control, in document order."""
    for sdt in body.iter(q("sdt")):
        part = tag_of(sdt)
        if part is not None:
            yield part, sdt


def paragraphs(document: Any) -> list[Any]:
    """Every body paragraph of a python-docx Document in order, those inside content controls and tables too
    (``document.paragraphs`` gives only the top-level ones)."""
    from docx.text.paragraph import Paragraph

    return [Paragraph(p, document._body) for p in document.element.body.iter(q("p"))]


def paragraph_text(p: Any) -> str:
    """A ``w:p``'s text as Word shows it (tabs and breaks as whitespace, deleted text left out)."""
    out: list[str] = []
    for node in p.iter(q("t"), q("tab"), q("br"), q("cr"), q("delText")):
        if node.tag == q("t"):
            out.append(node.text or "")
        elif node.tag in (q("tab"),):
            out.append("\t")
        elif node.tag in (q("br"), q("cr")):
            out.append("\n")
    return "".join(out)


def text_of(element: Any) -> str:
    """The text of every paragraph in ``element``, one per line, whitespace folded, empty ones left out."""
    lines = (" ".join(paragraph_text(p).split()) for p in element.iter(q("p")))
    return "\n".join(line for line in lines if line)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _open(data: bytes) -> Any:
    import docx

    return docx.Document(io.BytesIO(data))


def part_texts(data: bytes) -> dict[str, str]:
    """Part → its text, for every reportkit part of a DOCX (the first, if Word copied a control)."""
    out: dict[str, str] = {}
    for part, sdt in controls(_open(data).element.body):
        out.setdefault(part, text_of(sdt))
    return out


def part_digests(data: bytes) -> dict[str, str]:
    return {part: digest(text) for part, text in part_texts(data).items()}


TITLE_ENDINGS = ("(reportkit fills this in)", "(yours: kept when re-drafted)")


def titled_only(data: bytes) -> bool:
    """Content controls with reportkit's titles but none of its tags: a DOCX saved by an editor that drops
    the tags (LibreOffice 7.4 keeps a control's title as ``w:alias`` and loses ``w:tag``)."""
    try:
        body = _open(data).element.body
    except Exception:  # python-docx raises several types on a damaged file
        return False
    aliases = [a.get(q("val")) or "" for a in body.iter(q("alias"))]
    return any(a.endswith(TITLE_ENDINGS) for a in aliases) and not any(True for _ in controls(body))


def has_parts(data: bytes) -> bool:
    try:
        return any(True for _ in controls(_open(data).element.body))
    except Exception:  # python-docx raises several types on a damaged file
        return False


@dataclass
class Merged:
    data: bytes
    kept: list[str] = field(default_factory=list)
    """Physician parts whose Word text was kept."""
    refreshed: list[str] = field(default_factory=list)
    """Parts given reportkit's new content."""
    notes: list[str] = field(default_factory=list)
    """What the user should know (a case.yaml change not used, a tool part edited in Word)."""


def merge(old: bytes, new: bytes, wrote: dict[str, str], name: str) -> Merged:
    """``old`` (the physician's DOCX) with reportkit's parts taken from ``new`` (a fresh rendering).
    ``wrote``: part → digest of the text reportkit last wrote there (empty when unknown: then every
    physician part that differs from the new rendering counts as the physician's). ``name`` is for notes."""
    from reportkit.index.export import normalise_zip

    base = _open(old)
    fresh = _open(new)
    mine: dict[str, Any] = {}
    copied: list[str] = []
    for part, sdt in controls(base.element.body):
        if part not in mine:
            mine[part] = sdt
        elif part not in copied:
            copied.append(part)
    result = Merged(b"")
    if copied:
        result.notes.append(f"{name}: {', '.join(label(p) for p in copied)}: Word holds two copies of this part; "
                            "the first was used.")  # fmt: skip
    theirs = list(controls(fresh.element.body))
    order = [part for part, _ in theirs]
    for position, (part, sdt) in enumerate(theirs):
        new_text = text_of(sdt)
        here = mine.get(part)
        if here is None:
            if part in wrote:  # in the last draft, so deleted in Word on purpose: it stays deleted
                if owner(part) == TOOL and digest(new_text) != wrote[part]:
                    result.notes.append(f"{name}: '{label(part)}' was deleted in Word and is not put back, though "
                                        "the records or case.yaml now give it other content.")  # fmt: skip
                continue
            if _insert(mine, order, position, sdt):
                result.refreshed.append(part)
            else:
                result.notes.append(f"{name}: has no place for the new part '{label(part)}'; add it in Word, or "
                                    "re-draft with --force (which discards your Word edits).")  # fmt: skip
            continue
        old_text = text_of(here)
        before = wrote.get(part)
        if owner(part) == TOOL:
            if before is not None and digest(old_text) != before:
                result.notes.append(f"{name}: '{label(part)}' was changed in Word, but reportkit fills it in "
                                    "from the records and case.yaml; replaced (the DOCX as it was is in "
                                    "previous/).")  # fmt: skip
            if old_text != new_text or (before is not None and digest(old_text) != before):
                _replace(here, sdt)
                result.refreshed.append(part)
            continue
        edited = digest(old_text) != before if before is not None else old_text != new_text
        if not edited:
            if old_text != new_text:
                _replace(here, sdt)
                result.refreshed.append(part)
            continue
        result.kept.append(part)
        if before is not None and digest(new_text) != before:
            result.notes.append(f"{name}: '{label(part)}' changed in case.yaml since the last draft, but you wrote "
                                "your own text there in Word; your Word text was kept (copy the change in by hand "
                                "if you want it).")  # fmt: skip
    for part, sdt in mine.items():
        if part in order:
            continue
        if owner(part) == TOOL:
            sdt.getparent().remove(sdt)
        else:
            result.notes.append(f"{name}: '{label(part)}' is no longer in case.yaml (a question removed?); kept as "
                                "you wrote it — delete it in Word if it should go.")  # fmt: skip
    raw = io.BytesIO()
    base.save(raw)
    result.data = normalise_zip(raw.getvalue())
    return result


def _replace(target: Any, source: Any) -> None:
    """``target``'s content becomes a copy of ``source``'s (its own properties, as Word saved them, stay)."""
    content = target.find(q("sdtContent"))
    for child in list(content):
        content.remove(child)
    for child in source.find(q("sdtContent")):
        content.append(copy.deepcopy(child))


def _insert(mine: dict[str, Any], order: list[str], position: int, sdt: Any) -> bool:
    """Place a copy of a new part after the nearest earlier part (or before the nearest later one)."""
    for earlier in reversed(order[:position]):
        if earlier in mine:
            mine[order[position]] = placed = copy.deepcopy(sdt)
            mine[earlier].addnext(placed)
            return True
    for later in order[position + 1 :]:
        if later in mine:
            mine[order[position]] = placed = copy.deepcopy(sdt)
            mine[later].addprevious(placed)
            return True
    return False

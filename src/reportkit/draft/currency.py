"""Is the draft on disk the current one? And what did the physician write in it?

``stale`` compares what a draft was made from (the state file's ``made_from``: case.yaml, the index.json and
the record files, by SHA-256) with the case folder now; a draft with no such record (made by hand, or by an
older version) is compared by modification time. ``changed_after_final`` tells a finalized draft that was
changed since. ``with_word_text`` gives the case as the physician's Word draft states it: the answers and
opinions typed in Word replace case.yaml's, so `check` judges the document that will be signed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from reportkit.draft import render, wordparts
from reportkit.draft.case import CASE_FILE, ImeCase, SecondOpinionCase
from reportkit.draft.statements import dates_in
from reportkit.draftfiles import FINAL_NAME, read_final, read_record, sha_file

RECORDS_DIR = "records"
INDEX_FILE = Path("index") / "index.json"


def record_shas(case_dir: Path) -> list[str]:
    records = case_dir / RECORDS_DIR
    if not records.is_dir():
        return []
    files = sorted(p for p in records.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
    return sorted({hashlib.sha256(p.read_bytes()).hexdigest() for p in files})


def stale(case_dir: Path, draft: Path) -> list[str]:
    """Why ``draft`` is older than what it should reflect (empty when it is current)."""
    made: Any = read_record(draft.parent).get("made_from", {}).get(draft.with_suffix(".docx").name)
    fix = f"run `reportkit draft {case_dir}` to bring reportkit's parts up to date (your Word text is kept)"
    if read_final(draft.parent) is not None:  # a signed report is not re-drafted
        fix = f"the report was finalized: draft an addendum for what changed (`reportkit draft {case_dir} --addendum`)"
    reasons: list[str] = []
    if isinstance(made, dict):
        if made.get("case_yaml") != sha_file(case_dir / CASE_FILE):
            reasons.append(f"{draft.name} was drafted before {CASE_FILE} last changed; {fix}.")
        index_now = sha_file(case_dir / INDEX_FILE)
        if "index_json" in made and index_now is not None and made["index_json"] != index_now:
            reasons.append(f"{draft.name} was drafted from an earlier record index than {INDEX_FILE}; {fix}.")
        on_disk = record_shas(case_dir)
        if on_disk and sorted(made.get("records", [])) != on_disk:
            reasons.append(f"the records in {RECORDS_DIR}/ changed since {draft.name} was drafted; {fix}.")
        return reasons
    when = draft.stat().st_mtime
    for source in (case_dir / CASE_FILE, case_dir / INDEX_FILE):
        if source.is_file() and source.stat().st_mtime > when + 1:
            reasons.append(f"{draft.name} is older than {source.relative_to(case_dir)}; {fix}.")
    return reasons


def changed_after_final(draft: Path) -> str | None:
    """A message when ``draft`` (a DOCX) was finalized and has changed since."""
    final = read_final(draft.parent)
    docx = final.get("docx") if final else None
    if not isinstance(docx, dict) or docx.get("name") != draft.name:
        return None
    if docx.get("sha256") != sha_file(draft):
        return (f"{draft.name} changed after it was finalized ({draft.parent / FINAL_NAME}); the signed version "
                "is no longer the one on disk: put the finalized DOCX back (drafts/previous/ may hold it), or move "
                f"{FINAL_NAME} away to finalize this version.")  # fmt: skip
    return None


def _written(text: str | None) -> str | None:
    """The physician's text of a part, or None while it still holds a placeholder."""
    if not text or render.PLACEHOLDER_RE.search(text):
        return None
    return text


def with_word_text(case: ImeCase | SecondOpinionCase, texts: dict[str, str]) -> ImeCase | SecondOpinionCase:
    """``case`` with the answers (and, for IME reports, the opinions) as the Word draft states them
    (``texts``: its parts, ``wordparts.part_texts``)."""
    answers = {part.split(":", 2)[2]: _written(text) for part, text in texts.items()
               if part.startswith("physician:answer:")}  # fmt: skip
    if isinstance(case, SecondOpinionCase):
        questions = [q.model_copy(update={"answer": answers[str(i + 1)]}) if str(i + 1) in answers else q
                     for i, q in enumerate(case.patient_questions)]  # fmt: skip
        return case.model_copy(update={"patient_questions": questions})
    updated = [q.model_copy(update={"answer": answers[render.partname(q.number)]})
               if render.partname(q.number) in answers else q for q in case.questions]  # fmt: skip
    dsc = case.discussion
    changes: dict[str, Any] = {}
    for name in ("causation", "past_treatment", "work_capacity", "treatment"):
        part = f"physician:discussion.{name}"
        if part in texts:
            changes[name] = _written(texts[part])
    if "physician:discussion.work_capacity" in texts:
        changes["restrictions"] = None  # one part holds both
    if "physician:discussion.causation" in texts:
        changes["apportionment"] = None
    if "physician:discussion.impairment" in texts:
        changes["impairment"] = dsc.impairment.model_copy(
            update={"comment": _written(texts["physician:discussion.impairment"])}
        )
    mmi_text = _written(texts.get("physician:discussion.mmi"))
    if mmi_text is not None:
        stated = dates_in(mmi_text)
        update: dict[str, Any] = {"comment": mmi_text}
        if len(stated) == 1:
            update["date"] = next(iter(stated))
        if re.search(r"\bnot (?:been |yet )?reached\b", mmi_text, re.I):
            update["reached"] = False
        changes["mmi"] = dsc.mmi.model_copy(update=update)
    written = {name: _written(texts[f"physician:{name}"]) for name in _WORD_FIELDS if f"physician:{name}" in texts}
    return case.model_copy(update={"questions": updated, "discussion": dsc.model_copy(update=changes), **written})


_WORD_FIELDS = ("history", "current_complaints", "examination", "diagnostic_studies", "instructions",
                "summary_of_conclusions", "range_of_opinion", "declaration")  # fmt: skip
"""case.yaml's own text fields that a DOCX part holds whole: what Word says replaces them too."""


_PAGE_CITE = re.compile(r"\b(pp?)\.\s*(\d+)(?:\s*[-–]\s*(\d+))?")


def page_citations(case_dir: Path, draft: Path, parts: dict[str, str] | None) -> list[str]:
    """In a draft that cites Bates numbers (``draft --bates-map``), the physician's own bundle-page citations
    ("(p. 36)"), each with the Bates number to write instead when the packet produced that page."""
    made: Any = read_record(draft.parent).get("made_from", {}).get(draft.with_suffix(".docx").name)
    if not isinstance(made, dict) or not made.get("bates_map"):
        return []
    if parts is not None:
        texts = {p: t for p, t in parts.items() if wordparts.owner(p) != "tool"}
    else:
        texts = {"physician:draft": draft.read_text(encoding="utf-8")}
    found = [(part, m) for part, text in texts.items() for m in _PAGE_CITE.finditer(text)]
    if not found:
        return []
    labels = _bates_labels(case_dir, draft.parent / made["bates_map"])
    out = []
    for part, m in found:
        first, last = int(m.group(2)), int(m.group(3) or m.group(2))
        instead = (f"write {labels[first]}" + (f"-{labels[last]}" if last != first else "")
                   if first in labels and last in labels else "that page is not in the packet")  # fmt: skip
        out.append(f"'{m.group(0)}' in {wordparts.label(part)} cites a bundle page, but the draft cites Bates "
                   f"numbers: {instead}.")  # fmt: skip
    return out


def _bates_labels(case_dir: Path, bates_map: Path) -> dict[int, str]:
    from reportkit import api
    from reportkit.errors import ReportkitError

    try:
        return api.bates_labels(api.load_index(case_dir / INDEX_FILE), api.load_bates_map(bates_map), bates_map)
    except ReportkitError:
        return {}


def deleted_parts(draft: Path, parts: dict[str, str] | None) -> list[str]:
    """The questions and answers reportkit wrote into a Word draft that are gone from it (deleted in Word):
    an answer without its question, or a question without a place for its answer."""
    if parts is None:
        return []
    wrote = read_record(draft.parent).get("parts", {}).get(draft.name, {})
    if not isinstance(wrote, dict) or not wrote:
        return []
    present = set(parts)
    gone = [p for p in wrote if p not in present and re.match(r"(tool:question|physician:answer):", p)]
    return [f"'{wordparts.label(p)}' was deleted in Word: "
            + ("the question no longer stands above its answer." if p.startswith("tool:") else
               "the question has no answer block; re-insert it, or draft again with --force.")
            for p in gone]  # fmt: skip

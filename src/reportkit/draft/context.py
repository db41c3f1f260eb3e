"""Case + record index → the template context: plain dicts, lists and strings, with every citation made
through one :class:`~reportkit.cite.Citation` style.

Nothing here invents clinical content. Record-derived text (types, dates, authors, verbatim findings) is
quoted with its pages; what the physician has not written stays empty and becomes a placeholder in the
template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from reportkit.cite import Citation, PageCitation
from reportkit.draft.case import ImeCase, Question, SecondOpinionCase
from reportkit.draft.markup import clean
from reportkit.draft.profiles import Profile
from reportkit.index.chronology import chronological
from reportkit.index.export import clip, summary
from reportkit.models import Document, RecordIndex
from reportkit.understand.findings import result_rows
from reportkit.version import __version__

SUMMARY_CHARS = 220
EVIDENCE_PER_QUESTION = 8

TYPE_LABELS = {
    "progress_note": "Progress note",
    "consultation": "Consultation",
    "history_and_physical": "History and physical",
    "emergency": "Emergency department record",
    "operative_report": "Operative report",
    "procedure_note": "Procedure note",
    "discharge_summary": "Discharge summary",
    "imaging": "Imaging report",
    "lab_report": "Laboratory report",
    "pathology": "Pathology report",
    "therapy": "Therapy note",
    "work_status": "Work status report",
    "ime_report": "Independent medical examination report",
    "correspondence": "Letter",
    "referral": "Referral",
    "billing": "Bill",
    "other": "Other document",
}

TOPICS: dict[str, re.Pattern[str]] = {
    "diagnosis": re.compile(r"diagnos", re.I),
    "causation": re.compile(
        r"caus|related to|relationship|aggravat|apportion|pre-?existing|mechanism|industrial|work injury", re.I
    ),
    "past_treatment": re.compile(
        r"treatment (to date|so far|received|provided)|reasonable and necessary|appropriate", re.I
    ),
    "mmi": re.compile(r"maximum medical improvement|\bMMI\b|plateau|stationary", re.I),
    "impairment": re.compile(r"impairment|rating|\bWPI\b|whole person|permanent disability", re.I),
    "work": re.compile(
        r"\bwork(?![- ](?:injury|injuries|related|accident|incident))|\bjob\b|duty|duties|restriction|capacit"
        r"|return to|employ",
        re.I,
    ),
    "future_treatment": re.compile(r"further treatment|future (medical )?(treatment|care)|further care|ongoing", re.I),
}
"""What a question is about, from its words (a question can be about several things)."""

PLAIN_LABELS = {
    "progress_note": "Doctor's visit note",
    "consultation": "Specialist visit",
    "history_and_physical": "Hospital admission note",
    "emergency": "Emergency visit",
    "operative_report": "Surgery report",
    "procedure_note": "Procedure report",
    "discharge_summary": "Hospital discharge summary",
    "imaging": "Scan or X-ray report",
    "lab_report": "Lab test results",
    "pathology": "Tissue test report",
    "therapy": "Therapy note",
    "work_status": "Work note",
    "ime_report": "Independent exam report",
    "correspondence": "Letter",
    "referral": "Referral",
    "billing": "Bill",
    "other": "Other paper",
}
"""Document types in plain words, for letters to patients."""

STUDY_TYPES = {"imaging", "lab_report", "pathology"}
TREATMENT_TYPES = {"operative_report", "procedure_note", "therapy", "consultation", "discharge_summary"}


def _doc_line(doc: Document, limit: int = SUMMARY_CHARS) -> str:
    """``2024-03-12 · Imaging report · Arjun Mehta, MD · St. Brendan`` (no summary)."""
    parts = [doc.date or "undated", TYPE_LABELS.get(doc.doc_type, doc.doc_type)]
    if doc.title and doc.title.lower() != parts[1].lower():
        parts[1] += f" ({doc.title})"
    if doc.provider:
        parts.append(doc.provider)
    if doc.facility:
        parts.append(doc.facility)
    return clean(", ".join(parts))


def record_item(doc: Document, number: int, citation: Citation) -> dict[str, Any]:
    return {
        "n": number,
        "id": doc.id,
        "date": doc.date or "",
        "date_role": doc.date_role or "",
        "author": clean(doc.provider or ""),
        "facility": clean(doc.facility or ""),
        "type": TYPE_LABELS.get(doc.doc_type, doc.doc_type),
        "plain_type": PLAIN_LABELS.get(doc.doc_type, doc.doc_type),
        "doc_type": doc.doc_type,
        "title": clean(doc.title or ""),
        "pages": citation.ref(doc.first_page, doc.last_page),
        "cite": citation.cite(doc.first_page, doc.last_page),
        "page_count": doc.page_count,
        "summary": clean(summary(doc, SUMMARY_CHARS, leave_out=("RESULTS",))),
        "results": lab_results(doc, citation.ref(doc.first_page, doc.last_page)),
        "line": _doc_line(doc),
        "duplicate_of": doc.duplicate_of or "",
    }


RESULT_ROWS = 12
"""At most this many results in a draft's table (flagged ones first); the rest are on the cited page."""


def lab_results(doc: Document, where: str = "") -> list[list[str]]:
    """A lab report's results as table rows (test, result, flag, reference range), flagged ones first;
    empty for other documents. More than ``RESULT_ROWS``: the first of them and a row saying how many more."""
    rows = [list(r) for f in doc.findings if f.label == "RESULTS" for r in result_rows(f)]
    rows.sort(key=lambda r: not r[2])
    if len(rows) > RESULT_ROWS:
        more = f"{len(rows) - RESULT_ROWS + 1} more results" + (f", {where}" if where else "")
        rows = [*rows[: RESULT_ROWS - 1], [more, "", "", ""]]
    return [clean_row(r) for r in rows]


def clean_row(row: list[str]) -> list[str]:
    return [clean(c) for c in row]


def _evidence(doc: Document, citation: Citation, labels: Iterable[str] = ()) -> dict[str, str]:
    """A record as evidence: what it is, the verbatim passages with the wanted labels, and its pages."""
    wanted = set(labels)
    quoted = [f for f in doc.findings if not wanted or f.label in wanted]
    text = _doc_line(doc)
    if quoted:
        snippet = " ".join(f"{f.label}: {f.text}" for f in quoted[:2])
        text += f" — {clip(snippet, SUMMARY_CHARS)}"
    elif doc.diagnoses and "DIAGNOSES" in (wanted or {"DIAGNOSES"}):
        text += " — " + "; ".join(f"{d.code + ' ' if d.code else ''}{d.text}" for d in doc.diagnoses[:3])
    return {"text": clean(text), "cite": citation.cite(doc.first_page, doc.last_page), "id": doc.id}


def question_topics(question: Question) -> list[str]:
    words = " ".join([question.text, *(p.text for p in question.parts)])
    return [name for name, pattern in TOPICS.items() if pattern.search(words)]


def evidence_for(topics: list[str], docs: list[Document], case: ImeCase, citation: Citation) -> list[dict[str, str]]:
    """The records that bear on a question about ``topics``, in date order, at most EVIDENCE_PER_QUESTION."""
    picked: dict[str, dict[str, str]] = {}
    facts: list[dict[str, str]] = []

    def add(doc: Document, labels: Iterable[str] = ()) -> None:
        if doc.id not in picked:
            picked[doc.id] = _evidence(doc, citation, labels)

    dated = [d for d in docs if d.date]
    for topic in topics:
        if topic == "diagnosis":
            for d in docs:
                if d.doc_type in STUDY_TYPES - {"lab_report"} or d.doc_type == "operative_report":
                    add(d, ("IMPRESSION", "DIAGNOSES"))
            for d in docs:
                if d.diagnoses and len(picked) < EVIDENCE_PER_QUESTION:
                    add(d, ("DIAGNOSES", "ASSESSMENT", "IMPRESSION"))
        elif topic == "causation":
            if case.date_of_injury:
                facts.append({"text": f"Date of injury (case.yaml): {case.date_of_injury.isoformat()}", "cite": ""})
            doi = case.date_of_injury.isoformat() if case.date_of_injury else None
            before = [d for d in dated if doi and d.date and d.date < doi and d.doc_type not in ("billing", "other")]
            for d in before[:3]:
                add(d)
            after = [d for d in dated if not doi or (d.date and d.date >= doi)]
            for d in [d for d in after if d.doc_type in ("emergency", "progress_note", "consultation")][:2]:
                add(d, ("ASSESSMENT", "IMPRESSION", "DIAGNOSES"))
            for d in docs:
                if d.doc_type == "imaging":
                    add(d, ("IMPRESSION",))
        elif topic == "past_treatment":
            for d in docs:
                if d.doc_type in ("operative_report", "procedure_note"):
                    add(d)
            therapy = [d for d in docs if d.doc_type == "therapy"]
            for d in therapy[:1] + therapy[-1:]:
                add(d)
        elif topic in ("mmi", "impairment"):
            for d in docs:
                if d.doc_type == "ime_report":
                    add(d)
            clinical = [d for d in dated if d.doc_type not in ("billing", "other", "correspondence")]
            for d in clinical[-2:]:
                add(d)
        elif topic == "work":
            for d in docs:
                if d.doc_type == "work_status" or any(f.label in ("WORK STATUS", "RESTRICTIONS") for f in d.findings):
                    add(d, ("WORK STATUS", "RESTRICTIONS"))
        elif topic == "future_treatment":
            planned = [d for d in dated if any(f.label == "PLAN" for f in d.findings)]
            for d in planned[-3:]:
                add(d, ("PLAN",))
    order = {d.id: i for i, d in enumerate(docs)}
    items = sorted(picked.values(), key=lambda e: order[e["id"]])
    if len(items) > EVIDENCE_PER_QUESTION:
        items = items[-EVIDENCE_PER_QUESTION:]  # the latest records weigh most
    return facts + items


_DOC_ID = re.compile(r"\bD\d{4,}\b(?:\s*\(pp?\.[^)]*\))?")


def _no_ids(text: str, by_id: dict[str, Document], citation: Citation) -> str:
    """``duplicate of D0011`` → ``duplicate of the record at p. 30-31``: index ids mean nothing to a reader."""

    def page(found: re.Match[str]) -> str:
        doc = by_id.get(found.group(0).split()[0].split("(")[0])
        return f"the record at {citation.ref(doc.first_page, doc.last_page)}" if doc else "another record"

    return _DOC_ID.sub(page, text)


def review_items(index: RecordIndex, citation: Citation) -> list[str]:
    """The index's warnings, for the physician to check before signing."""
    out = []
    by_id = {d.id: d for d in index.documents}
    for doc in chronological(index.documents):
        label = TYPE_LABELS.get(doc.doc_type, doc.doc_type) + (f", {doc.date}" if doc.date else "")
        where = f"{label} {citation.cite(doc.first_page, doc.last_page)}"
        for warning in doc.warnings:
            out.append(f"{where}: {_no_ids(warning, by_id, citation)}")
        if doc.duplicate_of and not any("duplicate" in w.lower() for w in doc.warnings):
            out.append(f"{where}: duplicate of {_no_ids(doc.duplicate_of, by_id, citation)}")
        if doc.missing_pages and not any("missing" in w.lower() for w in doc.warnings):
            out.append(
                f"{where}: pages missing from the document's own numbering: "
                + ", ".join(str(p) for p in doc.missing_pages)
            )
    for gap in index.gaps:
        out.append(f"No treatment recorded for {gap.days} days, {gap.start} to {gap.end}")
    out += list(index.warnings)
    out += [s.reason for s in index.skipped]
    return [clean(x) for x in out]


def _dump(model: Any) -> Any:
    data = model.model_dump(mode="json")
    return _clean_tree(data)


def _clean_tree(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {k: _clean_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_tree(v) for v in value]
    return value


def build_context(
    case: ImeCase | SecondOpinionCase,
    index: RecordIndex,
    profile: Profile,
    citation: Citation | None = None,
) -> dict[str, Any]:
    """Everything a template may use. Keys are documented in templates/README.md."""
    citation = citation or PageCitation()
    docs = [d for d in chronological(index.documents)]
    by_id = {d.id: d for d in index.documents}
    reviewed = [d for d in docs if not d.duplicate_of]
    records = [record_item(d, i, citation) for i, d in enumerate(reviewed, 1)]
    for j, other in enumerate(case.other_records, len(records) + 1):
        records.append(
            {
                "n": j, "id": "", "date": other.date.isoformat() if other.date else "",
                "date_role": "", "author": clean(other.author or ""), "facility": "",
                "type": clean(other.type), "plain_type": clean(other.type), "doc_type": "other", "title": "",
                "pages": clean(other.pages or ""),
                "cite": f"({clean(other.pages)})" if other.pages else "", "page_count": 0, "results": [],
                "summary": clean(other.summary or ""), "line": clean(other.type), "duplicate_of": "",
            }
        )  # fmt: skip
    studies = [record_item(d, 0, citation) for d in reviewed if d.doc_type in STUDY_TYPES]
    record_diagnoses: dict[str, dict[str, str]] = {}
    for d in reviewed:
        for dx in d.diagnoses:
            key = dx.code or dx.text.lower()
            if key not in record_diagnoses:
                record_diagnoses[key] = {
                    "code": dx.code or "",
                    "text": clean(dx.text),
                    "cite": citation.cite(dx.page, dx.page),
                    "date": d.date or "",
                }
    dated = [d.date for d in reviewed if d.date]
    context: dict[str, Any] = {
        "kind": case.kind,
        "case": _dump(case),
        "records": records,
        "studies": studies,
        "record_diagnoses": list(record_diagnoses.values()),
        "review": review_items(index, citation),
        "duplicates": [
            {**record_item(d, 0, citation), "duplicate_of": _no_ids(d.duplicate_of or "", by_id, citation)}
            for d in docs
            if d.duplicate_of
        ],
        "index": {
            "files": len(index.sources),
            "pages": index.page_count,
            "documents": len(index.documents),
            "first_date": min(dated) if dated else "",
            "last_date": max(dated) if dated else "",
        },
        "profile": profile.to_context(),
        "generator": f"reportkit {__version__}",
        "comparison": None,
    }
    if isinstance(case, ImeCase):
        questions = []
        for q, data in zip(case.questions, context["case"]["questions"], strict=True):
            topics = question_topics(q)
            questions.append({**data, "topics": topics, "evidence": evidence_for(topics, reviewed, case, citation)})
        context["questions"] = questions
    else:
        context["questions"] = context["case"]["patient_questions"]
    return context


def addendum_context(index: RecordIndex, citation: Citation | None = None) -> dict[str, Any]:
    """The ``addendum`` context key: the new and changed documents of an ``index --since`` comparison
    (``index.since``), chronological, as record items plus ``status`` (``new``/``changed``) and ``was``."""
    citation = citation or PageCitation()
    since = index.since or {}
    changed = {str(c["id"]): str(c["was"]) for c in since.get("changed", [])}
    wanted = {str(i) for i in since.get("new", [])} | set(changed)
    docs = [d for d in chronological(index.documents) if d.id in wanted]
    records = [
        {**record_item(d, n, citation), "status": "changed" if d.id in changed else "new", "was": changed.get(d.id, "")}
        for n, d in enumerate(docs, 1)
    ]
    return {
        "records": records,
        "pages": sum(d.page_count for d in docs),
        "new": len(wanted) - len(changed),
        "changed": len(changed),
        "gone": len(since.get("gone", [])),
    }

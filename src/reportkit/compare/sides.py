"""The two sides: which documents are treating records and which are IMEs, and our own position (case.yaml).

Treating: every clinical document (``models.CLINICAL_TYPES``, and referral letters) that is not an IME.
IME: each ``ime_report`` of the bundle (a prior IME), and ours — the case's answers — when the input is a
case folder. Left out: re-sent copies (the original is cited), another patient's records, and letters,
bills and cover sheets (correspondence, billing, other).
"""

from __future__ import annotations

from reportkit import cite
from reportkit.compare.model import IME, TREATING, Row, Source
from reportkit.compare.sentences import split
from reportkit.compare.topics import primary_topic, topics_of
from reportkit.draft.case import ImeCase, SecondOpinionCase
from reportkit.models import CLINICAL_TYPES, Document, RecordIndex, misfiled
from reportkit.understand.text import fold

TREATING_TYPES = (CLINICAL_TYPES - {"ime_report"}) | {"referral"}
OURS = "this IME (case.yaml)"
CASE_DOC = "case.yaml"


def _source(doc: Document) -> Source:
    side = IME if doc.doc_type == "ime_report" else TREATING
    who = f"prior IME ({cite.pages(doc.first_page, doc.last_page)})" if side == IME else TREATING
    return Source(side, who, doc.id, doc.doc_type, doc.date, doc.provider or "")


def page_sources(index: RecordIndex) -> tuple[dict[int, Source], list[str], list[str]]:
    """Bundle page → who recorded it (pages left out have none), each prior IME named, and what was left out."""
    other_patient = {d.id for d in misfiled(index.documents, index.patients)}
    by_page: dict[int, Source] = {}
    imes, left_out = [], []
    by_id = {d.id: d for d in index.documents}
    for doc in sorted(index.documents, key=lambda d: d.first_page):
        pages = cite.pages(doc.first_page, doc.last_page)
        if doc.duplicate_of:  # named by pages: a report must not carry the index's ids (check --final)
            first = by_id.get(doc.duplicate_of)
            original = cite.pages(first.first_page, first.last_page) if first else "an earlier record"
            left_out.append(f"{pages}: a re-sent copy of {original}; the original is cited")
            continue
        if doc.id in other_patient:
            left_out.append(f"{pages}: another patient's record")
            continue
        if doc.doc_type != "ime_report" and doc.doc_type not in TREATING_TYPES:
            continue
        source = _source(doc)
        if source.side == IME:
            imes.append(f"{source.who}: {doc.provider or 'provider not recorded'}, {doc.date or 'undated'} ({pages})")
        for page in range(doc.first_page, doc.last_page + 1):
            by_page[page] = source
    return by_page, imes, left_out


def _ours(case: ImeCase) -> Source:
    examiner = ", ".join(x for x in (case.examiner.name, case.examiner.credentials) if x)
    when = case.report_date or case.exam.date
    return Source(IME, OURS, CASE_DOC, "ime_report", when.isoformat() if when else None, examiner)


def _rows(source: Source, topics: tuple[str, ...], text: str, where: str) -> list[Row]:
    return [
        Row(topic, source.side, source.who, source.document, source.doc_type, source.date, source.provider, None,
            f"case.yaml {where}", text)
        for topic in topics
    ]  # fmt: skip


def _field(source: Source, fixed: str | None, text: str | None, where: str) -> list[Row]:
    """A free-text field, whole (an answer's "Yes." means nothing alone): in ``fixed`` (the field's topic)
    and the topics its sentences name."""
    said = fold(text or "")
    if not said:
        return []
    named = [t for sentence in split(said) for t in topics_of(sentence)]
    return _rows(source, tuple(dict.fromkeys(([fixed] if fixed else []) + named)), said, where)


def case_rows(case: ImeCase | SecondOpinionCase) -> tuple[list[Row], str | None]:
    """Our own position from case.yaml, as rows citing the field they come from (an IME case only), and how
    the table names our IME."""
    if not isinstance(case, ImeCase):
        return [], None
    me = _ours(case)
    rows: list[Row] = []
    for d in case.diagnoses:
        where = f"diagnoses ({d.code})" if d.code else "diagnoses"
        rows += _rows(me, ("diagnoses",), fold(d.text), where)
    for q in case.questions:
        asked = " ".join([q.text, *(p.text for p in q.parts)])
        rows += _field(me, primary_topic(asked), q.answer, f"question {q.number}, answer")
    talk = case.discussion
    rows += _field(me, "causation", talk.causation, "discussion.causation")
    rows += _field(me, "causation", talk.apportionment, "discussion.apportionment")
    mmi = talk.mmi
    if mmi.reached is not None or mmi.date is not None:
        said = [
            f"reached: {str(mmi.reached).lower()}" if mmi.reached is not None else "",
            f"date: {mmi.date}" if mmi.date else "",
        ]
        rows += _rows(me, ("mmi",), "; ".join(x for x in said if x), "discussion.mmi")
    rows += _field(me, "mmi", mmi.comment, "discussion.mmi.comment")
    imp = talk.impairment
    for name in ("rating", "tables", "comment"):
        rows += _field(me, "impairment", getattr(imp, name), f"discussion.impairment.{name}")
    rows += _field(me, "work-status", talk.work_capacity, "discussion.work_capacity")
    rows += _field(me, "work-status", talk.restrictions, "discussion.restrictions")
    rows += _field(me, "treatment", talk.treatment, "discussion.treatment")
    who = f"{OURS}: {me.provider}, {me.date or 'undated'}"
    return rows, who

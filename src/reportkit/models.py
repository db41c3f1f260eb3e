"""Typed records passed between the stages, and their JSON form (index.json).

Page numbers: ``page`` is 1-based and counts across the whole bundle in input order; it is what every
citation uses. ``source_page`` is the 1-based page inside one source file. 0-based indexes stay internal to
the ingest stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal

SCHEMA = "reportkit/record-index@1"

TextSource = Literal["embedded", "ocr", "none"]

DOC_TYPES: tuple[str, ...] = (
    "progress_note",
    "consultation",
    "history_and_physical",
    "emergency",
    "operative_report",
    "procedure_note",
    "discharge_summary",
    "imaging",
    "lab_report",
    "pathology",
    "therapy",
    "work_status",
    "ime_report",
    "correspondence",
    "referral",
    "billing",
    "other",
)
"""The document type vocabulary. ``other`` covers fax cover sheets, blank pages and anything unrecognised."""

CLINICAL_TYPES = frozenset(DOC_TYPES) - {"correspondence", "billing", "other", "referral"}
"""Types that record care; only these count for treatment gaps."""


_ATOMS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(value: Any) -> tuple[str, ...] | None:
    """The field names of a dataclass instance's class, in order (None: not a dataclass instance)."""
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.setdefault(kind, tuple(f.name for f in fields(value)))
    return names


def field_values(value: Any) -> dict[str, Any] | None:
    """A dataclass instance's fields and their values, in field order, one level deep (None: not a dataclass
    instance). The records here have slots, not a ``__dict__``: a record costs half the memory."""
    names = _field_names(value)
    return None if names is None else {name: getattr(value, name) for name in names}


def plain(value: Any) -> Any:
    """A dataclass tree as dicts and lists (what ``dataclasses.asdict`` gives, without its deep copies of every
    leaf value, which made writing a 2,000-page index.json take a second)."""
    if type(value) in _ATOMS:
        return value
    names = _field_names(value)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class Source:
    """One input PDF file, in input order."""

    path: str
    """The file's path from the folder holding every input (``records/a.pdf`` for a folder ``records`` named
    in any spelling), with forward slashes: the same files give the same index bytes however they were typed."""
    sha256: str
    """SHA-256 of the file's bytes."""
    page_count: int
    first_page: int
    """Bundle page number of the file's first page."""
    last_page: int


@dataclass(frozen=True, slots=True)
class PartRead:
    """An input file indexed only in part: a damaged file whose surviving pages were read (see
    :mod:`reportkit.ingest.recover`). No record text in ``reason``."""

    path: str
    sha256: str
    problem: str
    """``cut_short``: the file was repaired and what the cut took is missing; ``damaged_pages``: some pages'
    contents do not decode."""
    pages: list[int]
    """Bundle pages the damage shows on: those that read blank (``cut_short``), or whose contents do not decode
    (``damaged_pages``)."""
    reason: str
    """What the run says about it (the warning of the same words in ``RecordIndex.warnings``)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input file that could not be indexed, and why (no record text in ``reason``)."""

    path: str
    sha256: str | None
    problem: str
    """A short code: missing, empty, not_pdf, damaged, encrypted, wrong_password, timeout, memory, crashed."""
    reason: str
    """What went wrong and what to do, for a person."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the bundle."""

    page: int
    """1-based bundle page number."""
    source: int
    """Index of the page's file in ``sources``."""
    source_page: int
    """1-based page number inside that file."""
    text_source: TextSource
    """Where the text came from: the PDF's text layer, OCR (``chars`` 0: OCR found no text, a blank page), or
    none (an image-only page that was not, or could not be, OCR'd)."""
    chars: int
    """Number of non-whitespace characters of text found."""
    confidence: float | None = None
    """For OCR'd pages: Tesseract's mean word confidence, 0-100 (under 70: doubtful reading)."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where an extracted value was found: its page and a short verbatim snippet."""

    page: int
    snippet: str
    rule: str = ""
    """Which rule found it (e.g. ``label:date of service``), for review and --explain."""


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """A diagnosis as printed: the ICD-10 code if one is printed, and its text."""

    code: str | None
    text: str
    page: int


@dataclass(frozen=True, slots=True)
class Finding:
    """A key passage quoted verbatim (IMPRESSION, ASSESSMENT, DIAGNOSES, PLAN, WORK STATUS, RESTRICTIONS)."""

    label: str
    text: str
    page: int


@dataclass(frozen=True, slots=True)
class Document:
    """One report or encounter: a run of consecutive bundle pages."""

    id: str
    """Stable within one index: ``D`` + the document's position in bundle order (``D0001``)."""
    first_page: int
    last_page: int
    doc_type: str
    title: str | None
    date: str | None
    """ISO ``YYYY-MM-DD`` or None when no date of the right role was found."""
    date_role: str | None
    provider: str | None
    facility: str | None
    diagnoses: list[Diagnosis] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    duplicate_of: str | None = None
    """Id of the first copy in the bundle when this document is a re-sent copy (exact or near-exact)."""
    duplicate_similarity: float | None = None
    """Jaccard similarity (0-1) of this copy's word shingles to the first copy's; 1.0 for identical text."""
    missing_pages: list[int] = field(default_factory=list)
    """Numbers missing from the document's own "Page x of y" footers."""
    evidence: dict[str, Evidence] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    source: int = 0
    """Index in ``sources`` of the file the document starts in."""
    overridden: list[str] = field(default_factory=list)
    """Fields a reviewer set in the overrides file (``boundary``, ``doc_type``, ``date``, ``provider``...)."""
    explain: dict[str, list[str]] = field(default_factory=dict)
    """Why the document got its type and date: the rule that decided, and each candidate set aside and why."""
    content_sha256: str = ""
    """SHA-256 of the document's page texts, whitespace folded (how ``index --since`` tells documents apart);
    empty in an index written before reportkit recorded it."""
    last_date: str | None = None
    """When the document holds several dates of its ``date_role`` (a run of visits, a reviewer's merge): the
    latest, ``YYYY-MM-DD``; ``date`` is the first. Treatment gaps run from here."""
    patient: str | None = None
    """Id of the patient the document names (``P1``…, see ``RecordIndex.patients``); None when it names none."""
    confidence: dict[str, float] = field(default_factory=dict)
    """How sure each value is, 0 to 1 (``boundary``, ``doc_type``, ``date``, ``provider``, ``facility``): an
    ordering for review, from the rule that found the value; 1.0 for what a reviewer set."""

    @property
    def page_count(self) -> int:
        return self.last_page - self.first_page + 1

    @property
    def end_date(self) -> str | None:
        """The last date of care the document records: ``last_date`` when later than ``date``, else ``date``."""
        if self.date is None:
            return None
        return max(self.date, self.last_date or self.date)


@dataclass(frozen=True, slots=True)
class Patient:
    """A person the bundle's records are about, as the pages name them (name, date of birth, record numbers)."""

    id: str
    """``P1``, ``P2``… in order of first appearance."""
    name: str | None
    """As first printed (None: only a birth date or a record number was found)."""
    date_of_birth: str | None
    """``YYYY-MM-DD``, or as printed when the day and month could be either way round."""
    documents: list[str]
    """Ids of the documents that name this patient."""
    pages: int
    """How many pages those documents hold."""
    main: bool
    """The bundle's main patient (the most pages): the one the index is about. Documents of any other patient
    carry a warning: a misfiled record is a privacy problem before it is an accuracy one."""
    evidence: Evidence | None = None
    """Where the patient was first read."""


@dataclass(frozen=True, slots=True)
class Gap:
    """A stretch between two clinical documents longer than the gap threshold."""

    after: str
    """Id of the last document before the gap."""
    before: str
    """Id of the first document after the gap."""
    start: str
    end: str
    days: int


def misfiled(documents: list[Document], patients: list[Patient]) -> list[Document]:
    """Documents of another patient than the bundle's main one that no reviewer confirmed (overrides
    ``patient_confirmed: true``): never cited, counted in gaps or produced without a reviewer's word."""
    main = {p.id for p in patients if p.main}
    return [d for d in documents if d.patient and d.patient not in main and "patient" not in d.overridden]


_LEGACY_PART_READ = {
    " was damaged (cut short?) and was repaired": "cut_short",
    " is damaged: the contents of": "damaged_pages",
}
"""How an index.json written before ``read_in_part`` existed (reportkit of 2026-12-07) said a file was read
in part: in its warnings only."""


def _legacy(data: dict[str, Any]) -> list[PartRead]:
    """The files an older index.json read only in part, from its warnings (their pages are not known)."""
    found = []
    for warning in data.get("warnings", []):
        for source in data.get("sources", []):
            for words, problem in _LEGACY_PART_READ.items():
                if warning.startswith(source["path"] + words):
                    found.append(PartRead(source["path"], source["sha256"], problem, [], warning))
    return found


@dataclass(frozen=True, slots=True)
class RecordIndex:
    """The record index: what ``reportkit index`` writes as index.json, and what later steps read."""

    sources: list[Source]
    page_count: int
    pages: list[Page]
    documents: list[Document]
    gaps: list[Gap] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    read_in_part: list[PartRead] = field(default_factory=list)
    """Files indexed only in part (damaged); left out of index.json when there is none."""
    warnings: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    patients: list[Patient] = field(default_factory=list)
    """The people the documents name; ``Document.patient`` refers to them."""
    generator: str = ""
    schema: str = SCHEMA
    since: dict[str, Any] | None = None
    """With ``index --since``: what changed from the previous index (see :mod:`reportkit.index.since`).
    Left out of index.json when None."""

    def misfiled(self) -> list[Document]:
        """See :func:`misfiled`."""
        return misfiled(self.documents, self.patients)

    def document(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)

    def top_level(self) -> dict[str, Any]:
        """The fields in index.json's order (schema first; ``since`` and ``read_in_part`` only when set), values
        as they are."""
        ordered = {"schema": self.schema, "generator": self.generator}
        ordered.update((f.name, getattr(self, f.name)) for f in fields(self) if f.name not in ordered)
        if ordered["since"] is None:
            del ordered["since"]
        if not ordered["read_in_part"]:
            del ordered["read_in_part"]
        return ordered

    def to_dict(self) -> dict[str, Any]:
        return plain(self.top_level())  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecordIndex:
        docs = []
        for d in data["documents"]:
            d = dict(d)
            d["diagnoses"] = [Diagnosis(**x) for x in d.get("diagnoses", [])]
            d["findings"] = [Finding(**x) for x in d.get("findings", [])]
            d["evidence"] = {k: Evidence(**v) for k, v in d.get("evidence", {}).items()}
            docs.append(Document(**d))
        return cls(
            schema=data["schema"],
            generator=data.get("generator", ""),
            sources=[Source(**s) for s in data["sources"]],
            page_count=data["page_count"],
            pages=[Page(**p) for p in data["pages"]],
            documents=docs,
            gaps=[Gap(**g) for g in data.get("gaps", [])],
            skipped=[Skipped(**s) for s in data.get("skipped", [])],
            read_in_part=[PartRead(**p) for p in data["read_in_part"]] if "read_in_part" in data else _legacy(data),
            warnings=list(data.get("warnings", [])),
            settings=dict(data.get("settings", {})),
            patients=[
                Patient(**{**p, "evidence": Evidence(**p["evidence"]) if p.get("evidence") else None})
                for p in data.get("patients", [])
            ],
            since=dict(data["since"]) if isinstance(data.get("since"), dict) else None,
        )

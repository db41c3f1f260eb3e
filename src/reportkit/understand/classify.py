"""Document type from the title (strong) and the words of the body (weak)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportkit.understand.body import BodyType, body_type
from reportkit.understand.dates import candidates, find_dates
from reportkit.understand.patients import PATIENT_HEADER
from reportkit.understand.people import DOCUMENT_WORDS, FACILITY_WORDS, SIGNOFF, credentialed_name
from reportkit.understand.prefilter import folded
from reportkit.understand.text import PageLines, has_digit, snippet

# Title phrases: a match in a document's title region decides its type (first match in this order wins
# among equally early lines).
_TITLE_RULES: list[tuple[str, str]] = [
    (
        "legal_form",
        r"advance\s+(\w+\s+)?directive|living\s+will|power\s+of\s+attorney|\bPOLST\b|\bMOLST\b|"
        r"do\s+not\s+resuscitate|authori[sz]ation\s+(to|for)\s+(use|release|disclos)|\bHIPAA\b|"
        r"consent\s+(form|for|to)|patient\s+rights|notice\s+of\s+privacy|"
        r"new\s+patient\s+information|(new\s+)?patient\s+(information\s+(form|sheet)|intake|questionnaire|registration|"
        r"history\s+form)|"
        r"records\s+transmission|custodian\s+of\s+records|records?\s+custodian|certification\s+of\s+(medical\s+)?records|"
        r"intake\s+(form|questionnaire|paperwork)|questionnaire|registration\s+form|pain\s+diagram",
    ),
    ("fax_cover", r"\bfax\b.*\b(cover|transmittal)\b|\b(cover|transmittal)\s+sheet\b|^fax$"),
    (
        "chart_other",
        r"medication\s+administration\s+record|^MAR$|discharge\s+instructions|(physician|doctor)'?s?\s+orders|"
        r"order\s+sheet|after\s+visit\s+summary|patient\s+instructions",
    ),
    (
        "correspondence",
        r"request\s+for\s+(medical\s+)?records|(medical\s+)?records\s+request|determination\s+notice|"
        r"(prior\s+)?authori[sz]ation\s+(determination|approval|denial|notice)|notice\s+of\s+(approval|denial|"
        r"determination|adverse)|coordination\s+of\s+benefits|refill\s+request|prescription\s+refill",
    ),
    (
        "referral",
        r"referral|\brefer(red)?\s+(to|for)\b|consultation\s+request|request\s+for\s+(consult|"
        r"(prior\s+)?authori[sz]ation)|prescription\s+for\s+(physical|occupational)\s+therapy|"
        r"\b(therapy|rehab\w*|PT|OT|chiropractic)\s+(prescription|order|referral|request)\b",
    ),
    ("correspondence", r"^(request|notice|notification|confirmation)\s+(for|of)\s+(an?\s+)?(independent|ime|exam)"),
    ("ime_report", r"independent\s+medical|\bIME\b|\bQME\b|\bAME\b|medical[- ]legal|record\s+review\s+report"),
    (
        "therapy",
        r"(therapy|\bPT\b|\bOT\b|rehab\w*)\s+discharge|discharge\s+from\s+(physical\s+|occupational\s+)?therapy",
    ),
    ("discharge_summary", r"discharge\s+summary|discharge\s+report|summary\s+of\s+hospitali[sz]ation"),
    ("operative_report", r"operative\s+(report|note|record)|\bop\s+note\b|surgical\s+report|operation\s+report"),
    ("history_and_physical", r"history\s+(and|&)\s+physical|\bH\s*&\s*P\b|admission\s+(note|history)"),
    (
        "emergency",
        r"emergency\s+(department|room|physician|medicine)|\bED\s+(visit|note|record|report)\b|"
        r"\bER\s+(visit|note|record|report)\b|urgent\s+care|casualty\s+care|\bTCCC\b|trauma\s+(card|flow\s*sheet)|"
        r"\bEMS\b|ambulance|pre-?hospital|run\s+report",
    ),
    ("pathology", r"pathology|cytology|biopsy\s+report"),
    (
        "imaging",
        r"\bMRI\b|\bCT\b|x-?ray|radiograph|radiology|ultrasound|sonogram|imaging|\bEMG\b|"
        r"nerve\s+conduction|mammogra|\bPET\b|bone\s+scan|fluoroscop|DEXA",
    ),
    (
        "lab_report",
        r"laborator|\blab(oratory)?\s+(results?|report)|\bCBC\b|metabolic\s+panel|urinalysis|"
        r"chemistry|hematology|blood\s+work|specimen",
    ),
    (
        "procedure_note",
        r"procedure\s+(note|report|record)|injection|epidural|nerve\s+block|ablation|arthrocentesis|aspiration|"
        r"anesthesia\s+(record|note)|sedation\s+record",
    ),
    (
        "therapy",
        r"physical\s+therapy|occupational\s+therapy|\b(PT|OT)\s+(daily|progress|note|visit|evaluation|re-?eval)|"
        r"therapy\s+(note|visit|evaluation|progress|daily)|chiropract|rehabilitation\s+(note|progress)|"
        r"treatment\s+note|daily\s+(\w+\s+)?note",
    ),
    (
        "work_status",
        r"work\s+status|return\s+to\s+work|work\s+restrictions?|duty\s+status|work\s+capacity|"
        r"fitness\s+for\s+duty|ability\s+to\s+work|physician'?s?\s+report\s+of\s+work",
    ),
    (
        "billing",
        r"statement|invoice|itemi[sz]ed|\bbill(ing)?\b|\bcharges\b|explanation\s+of\s+benefits|"
        r"\bEOB\b|CMS-?1500|HCFA|UB-?04|ledger|account\s+summary|claim\s+fo[ar]m|superbill|remittance",
    ),
    ("consultation", r"consult(ation)?|new\s+patient\s+consult|second\s+opinion"),
    (
        "progress_note",
        r"progress\s+note|follow[- ]?up|office\s+(visit|note)|clinic\s+(note|visit)|\bSOAP\b|"
        r"established\s+patient|re-?evaluation|visit\s+note|\bvisit\b|post-?op(erative)?\s+(check|note)|"
        r"injury\s+evaluation|initial\s+(\w+\s+){0,2}evaluation|evaluation\s+and\s+management|new\s+patient|"
        r"(encounter|visit|patient|clinical)\s+summary|continuity\s+of\s+care|nursing\s+(notes?|flowsheet|assessment)|"
        r"nurses'?\s+notes",
    ),
    ("correspondence", r"letter|correspondence|memorandum|notice"),
]
_TITLE_PATTERNS = [(t, re.compile(p, re.I)) for t, p in _TITLE_RULES]

BODY_CHARS = 4000
"""How much of a document's text the body fallback reads (its first pages hold the signal)."""


@dataclass(frozen=True)
class TypeChoice:
    doc_type: str
    title: str | None
    page: int | None
    snippet: str
    rule: str
    warnings: tuple[str, ...]
    scores: dict[str, int]
    features: tuple[str, ...] = ()
    """Body features that matched (when the body decided), for --explain."""


@lru_cache(maxsize=1 << 14)
def title_type(line: str) -> str | None:
    """The type a title line names, or None. ``fax_cover`` for a fax cover sheet."""
    if len(line) > 80:
        return None
    for doc_type, pattern in _TITLE_PATTERNS:
        if pattern.search(line):
            return doc_type
    return None


@lru_cache(maxsize=1 << 14)
def looks_like_title(line: str) -> bool:
    """A heading line: short, mostly capitals or a known title phrase, not a label with a value."""
    words = line.split()
    if not 1 <= len(words) <= 10 or len(line) > 70:
        return False
    if re.search(r":\s*\S", line):  # "Patient: ..." is a label, not a title
        return False
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


_PHONE = re.compile(r"\(?\d{3}\)?[-.\s]\d{3}[-.\s]\d{4}")
_SALUTATION = re.compile(r"^dear\b", re.I)
_SUBJECT = re.compile(r"^(re|subject)\s*:\s*(?P<s>.+)$", re.I)


_FACILITY_FOLDED, _DOCUMENT_FOLDED = folded(FACILITY_WORDS), folded(DOCUMENT_WORDS)


@lru_cache(maxsize=1 << 14)
def is_letterhead(line: str) -> bool:
    """A facility's name (letterhead), which names no document: 'Valley Physical Therapy Associates'."""
    return _FACILITY_FOLDED.found(line) and not _DOCUMENT_FOLDED.found(line)


_BAND_TITLE = re.compile(
    r"(?<![A-Za-z])(?P<t>[A-Z][A-Z&/\-]+(?:[.,'’]?\s+[A-Z][A-Z&/\-]+){1,5})\s*[.,;:'’`_~|]{0,2}\s*$"
)
"""The section title a chart's running header ends with, in capitals (and specks OCR may read after its
words: "… MRN: LGH-2020-41177 NURSING NOTES.", "… EMERGENCY. DEPARTMENT NOTE")."""
_TITLE_SPECK = re.compile(r"[.,'’](?=\s)")
_TITLE_AFTER_ADDRESS = re.compile(
    r"(?:\b[A-Z]{2}\s+\d{5}(?:-\d{4})?|\b\d{3}[-.\s]\d{4})\s+(?P<t>[A-Z][A-Z&/\-]+(?:\s+[A-Z][A-Z&/\-]+){1,4})\s*$"
)
"""A title in capitals at the end of a letterhead's address or phone line: OCR reads a title set to the right
of the letterhead as the end of the letterhead's line ("P.O. Box 4100, Austin, TX 78701 DETERMINATION
NOTICE")."""
_BAND_VALUE = re.compile(r"(?<!\d)\d{1,2}/\d{1,2}/\d{2,4}(?!\d)|\b(?:dob|d\.o\.b|mrn)\b\W{0,3}\S*\d", re.I)
"""A date's shape, or a birth date's or record number's value, even one OCR misread into no date at all
("DOB: 05/17/4949", "DOB: 05/171949"): a patient band's line, never a title itself."""
_LABEL_VALUE = re.compile(r":\s*\S")
MIXED_CASE_TITLE_LINES = 4
"""How far down the page a short mixed-case line can still be the document's title."""


def find_title(pl: PageLines, top: int = 14) -> tuple[str | None, str | None]:
    """(title line, type it names) from the top of a page: a capitals heading or a known title phrase."""
    fallback: tuple[str | None, str | None] = (None, None)
    for n, line in enumerate(pl.top(top)):
        seen = _title_line(line)
        if seen is None:
            continue
        kind, band, caps, words, digits, named, labelled = seen
        if kind == "stamp":
            if band and n < 2:  # "Roe, Jane | DOB: … | MRN: … DISCHARGE SUMMARY"
                return band, title_type(band)
            continue  # a signature, a phone line or a date stamp is never a title
        if kind == "address":  # "…, TX 78701 DETERMINATION NOTICE": the title beside the letterhead
            return band, named
        # a short line in mixed case names a document only at the very top (lower, it is a table row or a
        # list item: "Comprehensive Metabolic Panel (CMP)" in a list of tests)
        short = words <= 6 and n < MIXED_CASE_TITLE_LINES
        shorter = words <= 3 and n < 8 and not digits
        if named and (caps or short or shorter) and not labelled:
            return line, named
        if fallback[0] is None and caps and words >= 2:
            fallback = (line, None)
    return fallback


@lru_cache(maxsize=1 << 14)
def _title_line(line: str) -> tuple[str, str | None, bool, int, bool, str | None, bool] | None:
    """What :func:`find_title` needs to know of one line, whatever its place on the page (running headers and
    letterheads repeat on every page): None for a line that is never a title (a letterhead, a section heading,
    a sentence); ("stamp", band title, …) for a signature, phone or date line (only a patient band's section
    title can name the document there); ("address", title, …) for an address or phone line that ends with a
    known title; else ("line", None, in capitals, words, has digits, type it names, has a label's value)."""
    if line.rstrip().endswith(":") or _SALUTATION.match(line):  # a section heading or a greeting, no title
        return None
    digits = has_digit(line)  # a phone number or a date has a digit: without one, neither is looked for
    tail = _TITLE_AFTER_ADDRESS.search(line) if digits else None
    if tail and (named := title_type(tail.group("t"))):
        return "address", tail.group("t"), True, len(tail.group("t").split()), False, named, False
    if is_letterhead(line):
        return None
    if credentialed_name(line) or (
        digits and (_PHONE.search(line) or find_dates(line, False) or _BAND_VALUE.search(line))
    ):
        band = _BAND_TITLE.search(line) if PATIENT_HEADER.search(line) else None
        title = _TITLE_SPECK.sub("", band.group("t")) if band else None
        named = title if title and title_type(title) else None
        return "stamp", named, False, 0, False, None, False
    if line.rstrip().endswith(".") and sum(w[:1].islower() for w in line.split()) >= 2:
        return None  # a sentence ("Dysphagia with possible aspiration.") is a section's value, not a title
    words = len(line.split())
    caps = looks_like_title(line)
    named = title_type(line) if caps or words <= 6 else None
    return "line", None, caps, words, digits, named, bool(_LABEL_VALUE.search(line))


def is_letter(pages: Sequence[PageLines]) -> bool:
    """A letter: a salutation ("Dear …") on the first page or a sign-off ("Sincerely,") anywhere."""
    return any(_SALUTATION.match(ln) for ln in pages[0].lines[:40]) or any(
        SIGNOFF.match(ln) for pl in pages for ln in pl.lines
    )


_ADVERTISEMENT = re.compile(
    r"unsolicited\s+fax|this\s+(is\s+an\s+)?advertisement|removed?\s+from\s+(our|this)\s+(fax|mailing)\s+list|"
    r"limited\s+time\s+offer|telephone\s+consumer\s+protection\s+act",
    re.I,
)
"""A marketing fax: never a record, whatever words it borrows."""
_ADVERTISEMENT_WORDS = ("unsolicited", "advertis", "fax list", "mailing list", "limited time", "consumer protection")
"""Words one of which every match of the pattern holds (a cheap test before it)."""
_CLAIM_FORM = re.compile(
    r"\bNUCC\b|\bNUBC\b|\bUB-?04\b|\bCMS-?1500\b|\bHCFA\b|\bFECA\b|insur\w*\s*'?s?\s+(name|policy|i\.?d|date)|"
    r"billing\s+provider|place\s+of\s+service|federal\s+tax\s+i\.?d|accept\s+assignment|type\s+of\s+bill|"
    r"claim\s+codes|patient\s+and\s+insured|insurance\s+plan\s+name",
    re.I,
)
CLAIM_FORM_FIELDS = 3
"""A page with this many different claim-form captions is a claim form, even when OCR lost its title."""
_GENERIC_PROCEDURE = re.compile(r"(\w+\s+)?procedure\s+(note|report|record)", re.I)
_SURGERY = re.compile(r"\b(surgery|operation|operative|surgical)\b", re.I)
OPERATIVE_BODY = 8
_GENERIC_PROGRESS = re.compile(r"progress\s+(note|report)|re-?evaluation|daily\s+note|follow[- ]?up", re.I)
THERAPY_BODY = 6
"""Body score from which a generically titled procedure report is an operative report."""


_THERAPY_HINT = re.compile(
    r"\b97\d{3}\b|\b9894\d\b|visits?\s*#?\s*\d+\s+of\s+\d+|^\s*((short|long)[- ]term\s+)?goals\s*:|\bHEP\b|"
    r"therapeutic\s+(exercise|activit)|manual\s+therapy|chiropractic\s+(adjust|manipul)",
    re.I | re.M,
)
_OPERATIVE_HINT = re.compile(r"operative|anesthe|blood\s+loss|\boperation\b|incision|\bdraped\b", re.I)
"""Cheap tests that a generically titled document could be overruled by its body (the full body reading is
the slow part of typing, and most progress notes and procedure notes are what their title says)."""


def _hints(pages: Sequence[PageLines], pattern: re.Pattern[str]) -> bool:
    return bool(pattern.search("\n".join(p.text for p in pages[:3])[:BODY_CHARS]))


def _body(pages: Sequence[PageLines]) -> BodyType:
    roles = frozenset(
        "surgery" if c.role == "procedure" and _SURGERY.search(c.label) else c.role
        for c in candidates(pages[:1])
        if c.header and c.line_no < 25
    )
    return body_type("\n".join(p.text for p in pages[:3])[:BODY_CHARS], roles)


def classify(pages: Sequence[PageLines], title_found: tuple[str | None, str | None] | None = None) -> TypeChoice:
    """Decide the type of a document from its first page's title and all its words. ``title_found``: what
    :func:`find_title` says of the first page, when already known."""
    first = pages[0]
    if sum(len(p.lines) for p in pages) == 0:
        return TypeChoice("other", None, first.page, "", "blank pages", ("blank page(s)",), {})
    title, by_title = title_found if title_found is not None else find_title(first)
    scores: dict[str, int] = {}
    if by_title in ("fax_cover", "legal_form", "chart_other"):
        rule = {
            "fax_cover": "title:fax cover",
            "legal_form": "title:form or legal document (not a clinical record)",
            "chart_other": "title:a chart's administrative record (orders, medication record, instructions)",
        }[by_title]
        return TypeChoice("other", title, first.page, snippet(title or ""), rule, (), scores)
    if by_title == "progress_note" and _GENERIC_PROGRESS.search(title or "") and _hints(pages, _THERAPY_HINT):
        # therapists and chiropractors title their visits "Progress Report" too: their conventions decide
        body = _body(pages)
        if body.doc_type == "therapy" and body.scores.get("therapy", 0) >= THERAPY_BODY:
            rule = "title:progress report with a therapy visit's content"
            return TypeChoice("therapy", title, first.page, snippet(title or ""), rule, (), body.scores, body.features)
    if (
        by_title == "procedure_note"
        and _GENERIC_PROCEDURE.fullmatch((title or "").strip())
        and _hints(pages, _OPERATIVE_HINT)
    ):
        # "Procedure report" titles operations too: the body's operative conventions decide.
        body = _body(pages)
        operative, procedure = body.scores.get("operative_report", 0), body.scores.get("procedure_note", 0)
        if body.doc_type == "operative_report" and operative >= OPERATIVE_BODY and operative - procedure >= 4:
            rule = "title:procedure report with an operative report's sections"
            return TypeChoice(
                "operative_report", title, first.page, snippet(title or ""), rule, (), body.scores, body.features
            )
    if by_title:
        return TypeChoice(by_title, title, first.page, snippet(title or ""), f"title:{by_title}", (), scores)
    head = "\n".join(p.text for p in pages[:2])
    low = head.lower()
    if any(w in low for w in _ADVERTISEMENT_WORDS) and _ADVERTISEMENT.search(head):
        return TypeChoice("other", title, first.page, snippet(title or first.lines[0]), "an advertisement", (), scores)
    claim_form = any(w in low for w in ("nucc", "insured", "ub-04", "cms-1500", "hcfa"))
    if claim_form and len({m.group(0).lower()[:6] for m in _CLAIM_FORM.finditer(head)}) >= CLAIM_FORM_FIELDS:
        rule = "a claim form's fields"
        return TypeChoice("billing", title, first.page, snippet(title or first.lines[0]), rule, (), scores)
    letter = is_letter(pages)
    subject = next((m.group("s") for ln in first.lines[:30] if ln[:1] in "RrSs" and (m := _SUBJECT.match(ln))), "")
    by_subject = title_type(subject) if subject and not letter else None
    if by_subject and by_subject not in ("fax_cover", "legal_form", "chart_other"):
        # a note that names its visit in a subject line ("RE: F/U visit - HTN mgmt")
        return TypeChoice(by_subject, subject, first.page, snippet(subject), f"subject line:{by_subject}", (), scores)
    if letter:
        subject = next((m.group("s") for ln in first.lines[:30] if (m := _SUBJECT.match(ln))), "")
        is_referral = title_type(subject) == "referral" if subject else False
        doc_type = "referral" if is_referral else "correspondence"
        return TypeChoice(
            doc_type,
            subject or title,
            first.page,
            snippet(subject or first.lines[0]),
            f"letter{' with a referral subject' if is_referral else ''}",
            (),
            scores,
        )
    # No title decides: the body's headings and phrases, if one type stands out.
    body = _body(pages)
    if body.doc_type:
        return TypeChoice(
            body.doc_type,
            title,
            first.page,
            snippet(title or first.lines[0]),
            body.rule,
            (f"type {body.doc_type} inferred from the text, no title found",),
            body.scores,
            body.features,
        )
    return TypeChoice(
        "other",
        title,
        first.page,
        snippet(title or first.lines[0] if first.lines else ""),
        "no signal",
        ("document type not recognised",),
        body.scores,
        body.features,
    )

"""Document type from the body when no title names it: the section headings and phrases each kind of record
is written with.

Clinical documents follow conventions that survive any letterhead or layout: an operative report has
pre- and postoperative diagnoses, anesthesia and estimated blood loss; a radiology report has technique,
comparison, findings and impression; a discharge summary has a hospital course; a SOAP note has subjective
and objective sections; a consultation gives its reason for consultation and thanks the referring doctor.
Each feature below is one such convention with a weight; a document scores the weights of the features it
shows (each counted once), and the best-scoring type wins when it clears a floor and a margin.

A heading is a phrase at the start of a line followed by a colon (``HOSPITAL COURSE:``), in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from reportkit.understand.prefilter import Alternatives, alternatives

# (doc_type, weight, pattern). "H:" marks a heading: the phrase opens a line and is followed by a colon.
_FEATURES: list[tuple[str, int, str]] = [
    # operative report
    ("operative_report", 6, r"H:pre-?\s?op(erative)?\s+diagnos[ie]s"),
    ("operative_report", 6, r"H:post-?\s?op(erative)?\s+diagnos[ie]s"),
    ("operative_report", 4, r"H:(estimated\s+)?blood\s+loss|\bEBL\s*:"),
    ("operative_report", 4, r"H:(title\s+of\s+)?(the\s+)?operations?(\s+performed)?"),
    ("operative_report", 3, r"H:(procedures?|operations?)\s+(performed|done)"),
    ("operative_report", 3, r"H:(description|details?)\s+of\s+(the\s+)?(procedures?|operations?)"),
    ("operative_report", 3, r"H:procedure\s+in\s+detail"),
    ("operative_report", 3, r"H:operative\s+(procedure|findings|technique|note|course)"),
    ("operative_report", 3, r"H:anesthesia|H:anesthetic|H:type\s+of\s+anesthesia"),
    ("operative_report", 2, r"H:(surgeon|assistants?|first\s+assistant|anesthesiologist)"),
    ("operative_report", 2, r"H:(drains?|fluids|complications|tourniquet\s+time|implants?)"),
    ("operative_report", 2, r"H:pre-?procedure\s+diagnos|H:post-?procedure\s+diagnos"),
    (
        "operative_report",
        2,
        r"prepped\s+and\s+draped|draped\s+in\s+(the\s+)?(usual|standard)\s+sterile|"
        r"taken\s+to\s+the\s+(operating|procedure)\s+room|tolerated\s+the\s+procedure",
    ),
    ("operative_report", 3, r"H:procedures?|H:name\s+of\s+(the\s+)?(procedure|operation)"),
    ("operative_report", 1, r"H:indications?(\s+for\s+(the\s+)?(procedure|operation|surgery))?|H:specimens?"),
    # procedure note: office and pain-management procedures, done under local anaesthetic
    (
        "procedure_note",
        7,
        r"(epidural|facet|medial\s+branch|trigger\s+point|joint|steroid|nerve\s+root|transforaminal|"
        r"sacroiliac|si\s+joint|bursa|subacromial|intra-?articular)\s+(steroid\s+)?(injections?|blocks?)|"
        r"radiofrequency\s+(ablation|neurotomy|rhizotomy)|\bnerve\s+block\b|arthrocentesis|"
        r"H:(procedure\s+note|injection)",
    ),
    (
        "procedure_note",
        2,
        r"\b(depo-?medrol|kenalog|triamcinolone|methylprednisolone|dexamethasone|bupivacaine|marcaine|"
        r"omnipaque|isovue)\b|\bneedle\b|under\s+fluoroscop|time-?out\s+was",
    ),
    # imaging (and electrodiagnostic studies, which the chronology files with imaging)
    ("imaging", 4, r"H:technique|H:comparisons?|H:(reason|indications?)\s+for\s+(the\s+)?(exam|study|examination)"),
    ("imaging", 3, r"H:exam(ination)?(?!\s+(findings|of\s+the))|H:study|^[ \t]*procedure\s*:\s*(mri|ct|x-?ray)"),
    ("imaging", 2, r"H:findings(?!\s+(at|of)\s+surgery)"),
    (
        "imaging",
        2,
        r"\b(sagittal|axial|coronal)\b|\bT[12][- ]weighted\b|\bwithout\s+(iv\s+)?contrast\b|"
        r"\bviews?\s+of\s+the\b|\bradiograph|\bultrasound\b|\bsonograph|\bmammogra|\bfluoroscop",
    ),
    (
        "imaging",
        2,
        r"nerve\s+conduction|\bneedle\s+emg\b|\bEMG\b|electromyograph|\blatenc(y|ies)\b|"
        r"\bamplitudes?\b|\bechocardiogra|ejection\s+fraction|\bwaveforms?\b|\bdoppler\b|\bvisuali[sz]ed\b",
    ),
    ("imaging", 1, r"\bno\s+acute\b|\bunremarkable\b|\bis\s+(seen|noted|identified)\b"),
    # discharge summary
    ("discharge_summary", 6, r"H:(hospital|clinical)\s+course"),
    (
        "discharge_summary",
        5,
        r"H:discharge\s+(diagnos[ie]s|medications?|instructions?|condition|disposition|plan|"
        r"summary|date|exam)|H:(date\s+of|condition\s+(on|at))\s+discharge",
    ),
    ("discharge_summary", 3, r"\bwas\s+discharged\b|\bdischarged\s+(home|to\s+)|\bat\s+the\s+time\s+of\s+discharge"),
    ("discharge_summary", 2, r"H:(final|principal)\s+diagnos|H:admission\s+date|H:length\s+of\s+stay"),
    # emergency
    ("emergency", 6, r"H:(ed|er|emergency\s+(department|room))\s+course|H:medical\s+decision\s+making|H:triage"),
    (
        "emergency",
        3,
        r"(presented|presents|came|brought|arrived)\s+(in\s+)?(to\s+)?(the\s+)?(emergency|er\b|ed\b)|"
        r"brought\s+in\s+by\s+(ambulance|ems|paramedics)|(by|via)\s+(ambulance|ems)\b|"
        r"(seen|evaluated)\s+in\s+the\s+(emergency|er\b|ed\b)",
    ),
    ("emergency", 2, r"H:disposition|\bdischarged\s+from\s+the\s+(emergency|er\b|ed\b)"),
    ("emergency", 1, r"\bemergency\s+(department|room)\b"),
    # consultation
    ("consultation", 6, r"H:reason\s+for\s+consult(ation)?|H:consult(ation)?\s+reason"),
    ("consultation", 3, r"H:reason\s+for\s+referral"),
    # referral (a request for care, not the visit that answers it)
    ("referral", 3, r"H:reason\s+for\s+referral"),
    (
        "referral",
        5,
        r"H:referr(ed|ing)\s+to|H:(requested|requesting)\s+(service|specialty|consult(ation)?)|H:specialty|"
        r"H:(type\s+of\s+)?(service|consult(ation)?)\s+requested|please\s+(evaluate|see)\s+and\s+treat|"
        r"H:urgency|H:consult(ation)?\s+request|(?<!thank you for )\bi\s+am\s+referring\b",
    ),
    (
        "consultation",
        4,
        r"thank\s+you\s+for\s+(allowing|asking|the\s+(kind\s+)?referral|the\s+opportunity|"
        r"referring|this\s+(interesting\s+)?(consult|referral))|asked\s+(by\s+[^.]{0,40}\s+)?to\s+(see|evaluate)|"
        r"\b(is|was|been|being)\s+(seen|evaluated)\s+in\s+consultation|referred\s+(to\s+(me|us)|by\s+dr)|"
        r"H:(referring|requesting)\s+(physician|provider|doctor)|for\s+(a\s+)?(consultation|second\s+opinion)",
    ),
    ("consultation", 2, r"\bconsult(ation|ed)\b"),
    # history and physical (admission)
    ("history_and_physical", 5, r"H:(admitting|admission)\s+diagnos[ie]s|H:reason\s+for\s+admission"),
    ("history_and_physical", 3, r"\b(will\s+be|is\s+being|to\s+be|was)\s+admitted\b|\badmit\s+(to|for)\b"),
    ("history_and_physical", 2, r"H:history\s+and\s+physical|\bH\s*&\s*P\b"),
    # progress note
    ("progress_note", 5, r"H:subjective"),
    ("progress_note", 4, r"H:objective"),
    ("progress_note", 4, r"H:(interval|interim)\s+(history|change)|H:reason\s+for\s+(visit|today'?s\s+visit)"),
    (
        "progress_note",
        3,
        r"\b(returns?|comes?\s+(back|in)|is\s+(back|here|seen))\s+(today\s+)?(for|to|in)\s+"
        r"(a\s+|his\s+|her\s+)?(follow|recheck|re-?evaluation|routine)|since\s+(the|his|her|my)\s+last\s+visit|"
        r"\bfollow[- ]?up\s+(visit|appointment|of\s+(his|her))|\bestablished\s+patient",
    ),
    ("progress_note", 1, r"H:assessment(\s+and\s+plan)?|H:a/p|H:plan"),
    # pathology
    ("pathology", 6, r"H:gross(\s+description)?|H:microscopic(\s+(description|examination))?"),
    (
        "pathology",
        4,
        r"H:final\s+(pathologic(al)?\s+)?diagnos|received\s+in\s+formalin|\bcassettes?\b|"
        r"specimens?\s+(is\s+|are\s+)?(received|submitted)|\bfrozen\s+section\b",
    ),
    # lab report
    ("lab_report", 5, r"reference\s+(range|interval)|\bref\.?\s+range\b"),
    ("lab_report", 2, r"\bmg/dl\b|\bmmol/l\b|\bg/dl\b|\bu/l\b|\bx\s?10\^?\d|\bmeq/l\b|\bng/ml\b"),
    ("lab_report", 2, r"H:(collected|collection\s+date|specimen\s+type|result(s)?|flag)"),
    # therapy
    (
        "therapy",
        5,
        r"(physical|occupational)\s+therapy\s+(evaluation|note|progress|daily|visit|plan)|"
        r"H:(short|long)[- ]term\s+goals|H:rehab(ilitation)?\s+potential|H:plan\s+of\s+care|"
        r"therapeutic\s+(exercise|activit)|manual\s+therapy|chiropractic\s+(adjustment|manipulation)",
    ),
    (
        "therapy",
        4,
        r"\b(97110|97112|97140|97530|97035|97014|97010|97116|97150|97750|9894[0-2]|9716[1-4])\b|"
        r"\bvisits?\s+#?\s?\d+\s+of\s+\d+\s+(authorized|approved|prescribed)",
    ),
    (
        "therapy",
        2,
        r"\bHEP\b|home\s+exercise\s+program|\bmodalities\b|\bvisit\s+#?\s?\d+\s+of\s+\d+|"
        r"H:(goals|treatment\s+diagnosis|prognosis|functional\s+(status|limitations))",
    ),
    # IME
    (
        "ime_report",
        6,
        r"independent\s+medical\s+(exam|evaluation)|H:(allowed|contested)\s+conditions?|"
        r"H:requesting\s+party|whole\s+person\s+impairment|ama\s+guides",
    ),
    (
        "ime_report",
        3,
        r"maximum\s+medical\s+improvement|\bapportionment\b|H:(records?\s+reviewed|"
        r"medical\s+records?\s+review)|H:questions?(\s+\d+)?|H:answers?(\s+\d+)?|H:causation",
    ),
    # work status
    (
        "work_status",
        5,
        r"H:work\s+status|H:(work\s+)?restrictions|return\s+to\s+(full|regular|modified)\s+duty|"
        r"\b(light|modified)\s+duty\b|\boff\s+work\s+(until|through|from)",
    ),
    # billing
    (
        "billing",
        5,
        r"amount\s+due|balance\s+(due|forward)|\bcpt\b|total\s+charges|patient\s+responsibility|"
        r"\bHCFA\b|CMS-?1500|\bUB-?04\b|explanation\s+of\s+benefits",
    ),
    ("billing", 2, r"\$\s?\d[\d,]*\.\d\d"),
]


def _compile(pattern: str) -> tuple[Alternatives | None, Alternatives | None]:
    """(heading part, phrase part) of a feature. "H:phrase" alternatives become one pattern run on the
    document's heading lines only (the phrase opening a line, then a colon or the line's end); the other
    alternatives run on the whole text."""
    heads, phrases = [], []
    for alt in _split_alternatives(pattern):
        m = re.fullmatch(r"H:(.*)", alt, re.S)
        if m:
            heads.append(r"^[ \t]*(?:" + m.group(1) + r")[ \t]*(?::|$)")
        else:
            phrases.append(alt)
    # Both run on lower-cased text with lower-cased patterns: the same as re.IGNORECASE, and faster.
    assert not re.search(r"\\[A-Z]", pattern), "upper-case escapes would change meaning when lower-cased"
    # Each alternative runs only when the text holds one of the words every match of it needs, and the
    # leftmost match of them is the joined pattern's (:mod:`.prefilter`).
    return (
        alternatives([h.lower() for h in heads], re.M) if heads else None,
        alternatives([p.lower() for p in phrases], re.M) if phrases else None,
    )


def heading_lines(text: str) -> str:
    """The lines that can be headings, cut after their first colon ("HOSPITAL COURSE: The patient…" ->
    "HOSPITAL COURSE:"): a short text the heading patterns search far faster than the whole document."""
    out = []
    for line in text.split("\n"):
        head, colon, _ = line.partition(":")
        if colon and len(head) <= 70:
            out.append(head + ":")
        elif len(line) <= 60:
            out.append(line)
    return "\n".join(out)


def _split_alternatives(pattern: str) -> list[str]:
    """Top-level alternatives of a pattern (| outside parentheses)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        if ch == "(" and (i == 0 or pattern[i - 1] != "\\"):
            depth += 1
        elif ch == ")" and pattern[i - 1] != "\\":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


FEATURES = [(doc_type, weight, *_compile(p)) for doc_type, weight, p in _FEATURES]

# The label of the date in a record's header names what kind of record it is: "Date of Surgery" heads an
# operative report, "Exam Date" an imaging report, "Discharge Date" a discharge summary.
_ROLE_FEATURES: dict[str, list[tuple[str, int]]] = {
    "surgery": [("operative_report", 4)],
    "procedure": [("operative_report", 2), ("procedure_note", 2)],
    "exam": [("imaging", 1)],
    "discharge": [("discharge_summary", 4)],
    "collection": [("lab_report", 2), ("pathology", 2)],
    "admission": [("history_and_physical", 4), ("discharge_summary", 1)],
    "referral": [("referral", 3)],
}

_CLINICAL = re.compile(
    r"\b(patient|history|diagnos[ie]s|exam(ination)?|medications?|symptoms?|pain|treatment|complains?|"
    r"reports?|denies|tenderness|assessment|plan|prescribed|mg|allerg(y|ies))\b",
    re.I,
)

FLOOR = 3
"""The least score that decides a type."""
MARGIN = 2
"""How far the best type must lead the next one; nearer than this, the higher-priority type below wins if it is
one of the two, else the note is typed from its general shape."""

# When two types score within MARGIN of each other, the more specific record wins.
_PRIORITY = [
    "ime_report",
    "pathology",
    "discharge_summary",
    "operative_report",
    "procedure_note",
    "lab_report",
    "imaging",
    "emergency",
    "therapy",
    "work_status",
    "billing",
    "referral",
    "consultation",
    "history_and_physical",
    "progress_note",
]

_WORKUP = re.compile(
    r"^[ \t]*(chief\s+complaint|history\s+of\s+present\s+illness|hpi|past\s+medical\s+history|pmh|"
    r"review\s+of\s+systems|ros|physical\s+exam(ination)?|family\s+history|social\s+history|allergies|"
    r"medications|impression|assessment|plan)[ \t]*(:|$)",
    re.I | re.M,
)
_EMBEDDED = ("lab_report", "imaging", "work_status", "billing")
"""Types whose features a visit note often quotes (results, studies, restrictions, charges)."""
_NEW_PATIENT = re.compile(r"^[ \t]*(family\s+history|social\s+history|review\s+of\s+systems)[ \t]*(:|$)", re.I | re.M)


@dataclass(frozen=True)
class BodyType:
    doc_type: str | None
    scores: dict[str, int]
    features: tuple[str, ...]
    """The features that matched, as ``type+weight: phrase`` for --explain."""
    rule: str


def body_type(text: str, header_roles: frozenset[str] = frozenset()) -> BodyType:
    """The type the body's headings and phrases (and the roles of its header's labelled dates) point to, or
    None when nothing stands out."""
    scores: dict[str, int] = {}
    matched: list[str] = []
    for role in sorted(header_roles):
        for doc_type, weight in _ROLE_FEATURES.get(role, []):
            scores[doc_type] = scores.get(doc_type, 0) + weight
            matched.append(f"{doc_type}+{weight}: {role} date labelled in the header")
    lower = text.lower()
    heads = heading_lines(lower)
    for doc_type, weight, head_pattern, phrase_pattern in FEATURES:
        m = (head_pattern.search(heads) if head_pattern else None) or (
            phrase_pattern.search(lower) if phrase_pattern else None
        )
        if m:
            scores[doc_type] = scores.get(doc_type, 0) + weight
            matched.append(f"{doc_type}+{weight}: {' '.join(m.group(0).split())[:40]}")
    sections = {m.group(1).lower() for m in _WORKUP.finditer(text)}
    if len(sections) >= 4:
        # A visit note (history, examination, assessment) quotes labs, imaging and work status in its
        # sections; those mentions do not make it a lab report, an imaging report or a work status form.
        for embedded in _EMBEDDED:
            if embedded in scores:
                scores[embedded] //= 2
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], _PRIORITY.index(kv[0])))
    visit = len(sections) >= 4
    if ranked and visit and ranked[0][0] in _EMBEDDED and ranked[0][1] < FLOOR + 2:
        ranked = []  # a quoted result in a visit note: the note's shape decides below
    if ranked and ranked[0][1] >= FLOOR:
        best, score = ranked[0]
        if len(ranked) == 1 or score - ranked[1][1] >= MARGIN:
            return BodyType(best, scores, tuple(matched), "body:headings")
        close = [t for t, s in ranked if score - s < MARGIN]
        winner = min(close, key=_PRIORITY.index)
        return BodyType(winner, scores, tuple(matched), "body:headings (close call)")
    # No kind-specific convention: a clinical note shaped like a visit.
    if len(sections) >= 3:
        new_patient = len({m.group(1).lower() for m in _NEW_PATIENT.finditer(text)}) >= 2
        doc_type = "consultation" if new_patient else "progress_note"
        why = "a full new-patient work-up" if new_patient else "a visit note's sections"
        return BodyType(doc_type, scores, tuple(matched), f"body:shape ({why})")
    # Clinical words but no convention at all: most such records in a bundle are visit notes.
    if _distinct_at_least(_CLINICAL.finditer(text), 4):
        return BodyType("progress_note", scores, tuple(matched), "body:clinical text (no type-specific sign)")
    return BodyType(None, scores, tuple(matched), "no signal")


def _distinct_at_least(matches: Iterator[re.Match[str]], count: int) -> bool:
    """Whether the matches hold ``count`` different words (case folded); stops reading at the ``count``th."""
    seen: set[str] = set()
    for m in matches:
        seen.add(m.group(1).lower())
        if len(seen) >= count:
            return True
    return False

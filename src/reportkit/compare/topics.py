"""Which topics a sentence speaks to: per-topic word patterns, and the heading or label it stands under.

A sentence under a history heading (HISTORY, SUBJECTIVE, RECORDS REVIEWED, CURRENT COMPLAINTS …) or an
attestation is left out: it reports what the patient or other records said, not the author's position.
"""

from __future__ import annotations

import re

from reportkit.compare.model import Sentence

_I = re.IGNORECASE
NARRATIVE = re.compile(
    r"HISTORY|SUBJECTIVE|COMPLAINT|REASON FOR|RECORDS REVIEWED|INDICATION|CLINICAL INFORMATION|REVIEW OF SYSTEMS|"
    r"MEDICATIONS|ALLERGIES|INTRODUCTION|ATTESTATION|JOB DESCRIPTION|PMH|\bRE\b|DESCRIPTION OF PROCEDURE|"
    r"HOSPITAL COURSE|GOALS|OUTCOME MEASURES",
    _I,
)
"""Headings and labels whose sentences are left out."""

ICD10 = re.compile(r"\b[A-TV-Z]\d[0-9AB](?:\.[0-9A-Z]{1,4})?\b(?![-/]\d)")
SIGNATURE = re.compile(
    r"\b(?:electronically |co-?)?signed\b|\bdictated\b|\btranscribed\b|^printed\b|^supervising\b|\bboard certified\b|"
    r"\bdiplomate\b|^DOB\b",
    _I,
)
NAME_LINE = re.compile(r"^(?:[A-Z][a-z]+\.? ){1,3}[A-Z][A-Za-z'-]+, (?:MD|DO|PA-C|PT|DPT|PTA|NP|RN|DC)(?:, \w+)?$")
"""Signature blocks, print stamps and name lines: no position of anyone's, left out."""
_LB = r"\d+\s*(?:lb|lbs|pounds)\b"
PATTERNS: dict[str, re.Pattern[str]] = {
    "causation": re.compile(
        r"causal|\bcaused by\b|more likely than not|reasonable (?:degree of )?medical (?:probability|certainty)|"
        r"\baggravat|pre-?\s?existing|\bapportion|\bnot related\b|\bunrelated\b|"
        r"\brelated to (?:the|his|her|this) (?:\w+ )?(?:injury|incident|event|accident|lifting)|"
        r"consistent with the (?:lifting|injury|mechanism|event|incident)|\bwork[- ]related\b",
        _I,
    ),
    "work-status": re.compile(
        r"\b(?:light|modified|sedentary|regular|full|restricted|transitional) duty\b|\boff work\b|"
        r"return(?:ed)? to (?:work|full|regular|modified|light|his job|her job|the job)|"
        r"\btemporar\w* (?:total|partial)\w* disab|\brestrictions?\b|\blifting limit|"
        rf"\blift(?:ing|s)?\b[^.;]{{0,30}}?{_LB}|{_LB}\s*(?:maximum|max|limit|occasional|frequent|lifting)|"
        r"\bwork (?:status|capacity|capacities|ability)\b|\bjob of injury\b|\bTTD\b",
        _I,
    ),
    "mmi": re.compile(r"maximum medical improvement|\bMMI\b|\bplateau|permanent and stationary|\bP&S\b", _I),
    "impairment": re.compile(
        r"whole[- ]person|\bWPI\b|AMA Guides|impairment rating|\bTable \d+-\d+|"
        r"\d+\s*(?:%|percent)\s+(?:whole|impairment)",
        _I,
    ),
    "treatment": re.compile(
        r"\brecommend|\brefer(?:ral|red)? (?:to|for)\b|further (?:treatment|care|surgery)|future (?:medical )?(?:care|"
        r"treatment)|\bfollow[- ]?up with\b|\bwork conditioning\b|functional capacity evaluation",
        _I,
    ),
}
SECTIONS: dict[str, re.Pattern[str]] = {
    "diagnoses": re.compile(r"DIAGNOS[EI]S|IMPRESSION", _I),
    "causation": re.compile(r"CAUSATION|APPORTION", _I),
    "work-status": re.compile(r"^WORK\b|RESTRICTION|WORK CAPACITY", _I),
    "mmi": re.compile(r"MAXIMUM MEDICAL IMPROVEMENT|^MMI$", _I),
    "impairment": re.compile(r"^IMPAIRMENT", _I),
    "treatment": re.compile(r"^PLAN\b|RECOMMENDATION|FUTURE (?:MEDICAL )?CARE|FOLLOW-?UP", _I),
}
"""A heading or label that puts each sentence under it in a topic (``PLAN`` → recommended treatment)."""
_DATE_ONLY = re.compile(r"^[A-Za-z /#]{0,30}:\s*[\d/.-]+$")


_CONTENT = re.compile(r"[.;)]$|^\[[xX]\]|\d")
_RESTRICTION_WORDS = re.compile(r"\b(?:avoid|none|only|occasional|no)\b", _I)


def narrative(sentence: Sentence) -> bool:
    """Whether the sentence is left out: under a history heading or label, or a signature or name line."""
    return bool(
        NARRATIVE.search(sentence.section)
        or NARRATIVE.search(sentence.label)
        or SIGNATURE.search(sentence.text)
        or NAME_LINE.match(sentence.text)
    )


def topics_of(text: str, section: str = "", label: str = "") -> tuple[str, ...]:
    """The topics a sentence speaks to. Treatment only when no other topic claims it (a plan's work status
    line is a work status row, not a treatment row)."""
    if _DATE_ONLY.match(text):
        return ()
    found = []
    # a heading counts for a sentence that reads as content (not a specialty line under a signature), and
    # not when the sentence's own label names another heading ("Diagnosis: …" on a work status form)
    content = bool(_CONTENT.search(text))

    def under(topic: str) -> bool:
        if label and any(SECTIONS[t].search(label) for t in SECTIONS if t != topic):
            return False
        if SECTIONS[topic].search(label):
            return True
        worded = topic == "work-status" and _RESTRICTION_WORDS.search(text)
        return bool(SECTIONS[topic].search(section)) and (content or bool(worded))

    if ICD10.search(text) or under("diagnoses"):
        found.append("diagnoses")
    for topic in ("causation", "work-status", "mmi", "impairment", "treatment"):
        if PATTERNS[topic].search(text) or under(topic):
            found.append(topic)
    if "treatment" in found and len(found) > 1 and not PATTERNS["treatment"].search(text):
        found.remove("treatment")
    return tuple(found)


def primary_topic(question: str) -> str | None:
    """The one topic a referral question asks about (its answer's topic): the first its words name of
    diagnoses, impairment, MMI, causation, work status and treatment."""
    if re.search(r"diagnos", question, _I):
        return "diagnoses"
    for topic in ("impairment", "mmi", "causation", "work-status", "treatment"):
        if PATTERNS[topic].search(question):
            return topic
    if re.search(r"\btreatment\b", question, _I) and re.search(r"further|future|recommend", question, _I):
        return "treatment"
    return None

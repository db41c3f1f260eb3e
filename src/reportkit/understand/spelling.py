"""A facility as the bundle spells it, where OCR misspelled it on a scanned document's letterhead.

The same clinic heads many documents of a bundle. OCR reads its letterhead a little differently on each scan
("ARBORVIEW OCCUPATIONAL HEALTH", "HARBORVIEW OCCUPA", "HARBORVIEW OCCUPATIONAL HEAL’ Workplace Injury
Care"), so a chronology sorted by facility scatters one clinic over several rows. A facility read from an
OCR'd page that is nearly the same as one the bundle gives on two other documents (or on a page with a real
text layer) takes that spelling; the reason goes into the document's explanation. Names that merely look
alike are left alone: the two must agree but for a few letters, or the OCR'd one must be the other with
debris after it, or the other cut short inside a word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from reportkit.models import Document

ALIKE = 0.85
"""How alike (difflib's ratio, letters and digits only, case folded) two spellings of one name must be."""
MIN_CHARS = 8
LONG = 20
"""Letters a name needs before a few letters' difference is taken for OCR's (St. Mary and St. Mark differ)."""


def _key(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalnum())


def _alike(a: str, b: str) -> bool:
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= ALIKE


def _same_name(read: str, known: str) -> bool:
    """``read`` (OCR'd) is ``known`` but for a few letters, or ``known`` followed by OCR debris, or ``known``
    cut short inside a word ("HARBORVIEW OCCUPA")."""
    a, b = _key(read), _key(known)
    if min(len(a), len(b)) < MIN_CHARS:
        return a == b
    if min(len(a), len(b)) >= LONG and _alike(a, b):  # (a letter apart in a short name may be another place)
        return True
    if len(a) > len(b):  # debris after the name ("… HEAL’ Workplace Injury Care")
        return len(b) >= 0.6 * len(a) and _alike(a[: len(b)], b)
    head = read.rstrip(" .,-’'")  # cut short inside one of the known name's words ("… OCCUPA" of "… OCCUPATIONAL")
    inside_a_word = known.casefold().startswith(head.casefold()) and known[len(head) : len(head) + 1].isalpha()
    return inside_a_word and len(a) >= 0.5 * len(b)


def respell_facilities(documents: Sequence[Document], scanned: Sequence[bool]) -> list[Document]:
    """``documents`` with each OCR'd one's facility (``scanned[i]``: its first page was read by OCR) spelled as
    the bundle spells it elsewhere: on a document with a text layer, or on two others."""
    counts = Counter(d.facility for d in documents if d.facility)
    trusted = {d.facility for d, s in zip(documents, scanned, strict=True) if d.facility and not s}
    known = [name for name in counts if name in trusted or counts[name] >= 2]
    out = []
    for doc, ocr in zip(documents, scanned, strict=True):
        read = doc.facility
        if ocr and read and read not in known:
            match = max(
                (name for name in known if _same_name(read, name)),
                key=lambda name: (name in trusted, counts[name], name),
                default=None,
            )
            if match is not None:
                why = f"facility {match!r}: as the bundle spells it elsewhere (OCR read {read!r})"
                doc = replace(
                    doc, facility=match, explain={**doc.explain, "facility": [*doc.explain.get("facility", []), why]}
                )
        out.append(doc)
    return out

"""From numbered pages to documents: split, then classify and extract each one."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from reportkit.models import Document, Evidence, Page, Source
from reportkit.understand.classify import classify
from reportkit.understand.dates import choose_date
from reportkit.understand.findings import find_diagnoses, find_findings
from reportkit.understand.people import find_facility, find_provider
from reportkit.understand.split import split
from reportkit.understand.text import PageLines, fold, page_lines


def _ranges(numbers: Sequence[int]) -> str:
    out: list[str] = []
    for n in numbers:
        if out and int(out[-1].split("-")[-1]) == n - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def missing_from_footers(pls: Sequence[PageLines]) -> list[int]:
    """Numbers a document's own "Page k of n" footers skip (or stop short of)."""
    marks = [pl.page_of for pl in pls if pl.page_of]
    if not marks or len({n for _, n in marks}) != 1:
        return []
    total = marks[0][1]
    seen = {k for k, _ in marks}
    return [k for k in range(1, total + 1) if k not in seen]


def build_documents(
    texts: Sequence[str], pages: Sequence[Page], sources: Sequence[Source], outline_starts: set[int]
) -> list[Document]:
    """Every page in exactly one document, in bundle order, with ids D0001, D0002, …"""
    pls = [page_lines(p.page, t) for p, t in zip(pages, texts, strict=True)]
    spans = split(pls, {s.first_page for s in sources}, outline_starts)
    docs: list[Document] = []
    fingerprints: dict[str, str] = {}
    for n, (first, last, reasons) in enumerate(spans, start=1):
        doc_pages = pls[first - 1 : last]
        doc_id = f"D{n:04d}"
        kind = classify(doc_pages)
        when = choose_date(doc_pages, kind.doc_type)
        if kind.rule == "title:fax cover" and when.value:
            # a fax cover's only date is the fax date, which never dates a record
            when = replace(when, value=None, role=None, page=None, snippet="", warnings=(),
                           rejected=(*when.rejected, f"{when.value}: date of a fax cover sheet"))
        who = find_provider(doc_pages, kind.doc_type)
        where = find_facility(doc_pages[0])
        warnings: list[str] = [*kind.warnings, *when.warnings, *who.warnings, *where.warnings]
        if kind.doc_type == "other":
            warnings = [w for w in warnings if w not in ("no date of care found", "provider not found")]
        no_text = [p.page for p in pages[first - 1 : last] if p.text_source == "none"]
        if no_text:
            warnings.append(f"page(s) {_ranges(no_text)} have no text layer (scanned?): they need OCR")
        missing = missing_from_footers(doc_pages)
        if missing:
            warnings.append(f"missing page(s) {_ranges(missing)} per the document's 'Page x of y' footers")
        evidence = {"boundary": Evidence(first, "; ".join(reasons), "split")}
        if kind.page is not None:
            evidence["doc_type"] = Evidence(kind.page, kind.snippet, kind.rule)
        if when.page is not None:
            evidence["date"] = Evidence(when.page, when.snippet, when.rule)
        if who.page is not None:
            evidence["provider"] = Evidence(who.page, who.snippet, who.rule)
        if where.page is not None:
            evidence["facility"] = Evidence(where.page, where.snippet, where.rule)
        body = fold(" ".join(pl.text for pl in doc_pages)).lower()
        duplicate_of = None
        if len(body) >= 40:
            fingerprint = hashlib.sha256(body.encode("utf-8")).hexdigest()
            duplicate_of = fingerprints.setdefault(fingerprint, doc_id)
            if duplicate_of == doc_id:
                duplicate_of = None
            else:
                warnings.append(f"exact duplicate of {duplicate_of}")
        docs.append(
            Document(
                id=doc_id,
                first_page=first,
                last_page=last,
                doc_type=kind.doc_type,
                title=kind.title,
                date=when.value,
                date_role=when.role,
                provider=who.value,
                facility=where.value,
                diagnoses=find_diagnoses(doc_pages),
                findings=find_findings(doc_pages),
                duplicate_of=duplicate_of,
                missing_pages=missing,
                evidence=evidence,
                warnings=warnings,
                source=pages[first - 1].source,
            )
        )
    return docs

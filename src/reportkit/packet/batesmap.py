"""bates_map.json: what a packet's Bates numbers stand for — every page, document, source file and exhibit.

Drafting and ``index --bates-map`` read it back (``api.load_bates_map``) to cite Bates numbers.
"""

from __future__ import annotations

import json
from typing import Any

from reportkit.models import RecordIndex
from reportkit.packet.exhibits import Plan, source_ranges

SCHEMA = "reportkit/bates-map@1"


def bates_map(
    index: RecordIndex, the_plan: Plan, settings: dict[str, Any], files: dict[int, str], generator: str
) -> bytes:
    """bates_map.json: every page, document, source file and exhibit with its Bates numbers; ``files``: the
    exhibit files by exhibit, ``generator``: the tool and version that made the packet."""
    by_page = {p.page: p for p in the_plan.pages}
    exhibits_of = {d.id: e.label for e in the_plan.exhibits for d in e.documents}
    docs = []
    for doc in sorted(index.documents, key=lambda d: by_page[d.first_page].bates.number):
        first, last = by_page[doc.first_page].bates, by_page[doc.last_page].bates
        docs.append(
            {
                "id": doc.id,
                "first": str(first),
                "last": str(last),
                "pages": doc.page_count,
                "bundle_pages": [doc.first_page, doc.last_page],
                "exhibit": exhibits_of[doc.id],
                "doc_type": doc.doc_type,
                "date": doc.date,
            }
        )
    sources = [
        {
            "source": i,
            "sha256": source.sha256,
            "pages": source.page_count,
            "ranges": [
                {"first": str(a), "last": str(b), "pages": b.number - a.number + 1}
                for a, b in source_ranges(the_plan, i)
            ],
        }
        for i, source in enumerate(index.sources)
    ]
    data = {
        "schema": SCHEMA,
        "generator": generator,
        "prefix": settings["prefix"],
        "digits": settings["digits"],
        "first": str(the_plan.pages[0].bates),
        "last": str(the_plan.pages[-1].bates),
        "page_count": len(the_plan.pages),
        "exhibits": [
            {
                "label": e.label,
                "designation": e.designation,
                "description": e.description,
                "first": str(e.first),
                "last": str(e.last),
                "pages": e.page_count,
                "dates": list(e.dates),
                "documents": [d.id for d in e.documents],
                "file": files.get(i),
            }
            for i, e in enumerate(the_plan.exhibits)
        ],
        "documents": docs,
        "sources": sources,
        "pages": [
            {
                "bates": str(p.bates),
                "page": p.page,
                "source": p.source,
                "source_page": p.source_page,
                "document": p.document,
            }
            for p in the_plan.pages
        ],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

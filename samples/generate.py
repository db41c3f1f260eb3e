#!/usr/bin/env python3
"""Deterministic generator for reportkit's synthetic sample IME case.

Writes ``samples/ime-case/records/*.pdf`` -- a bundle of medical records for an invented
work-injury claim, grouped by source the way records arrive for an Independent Medical
Examination -- and ``samples/ime-case/ground_truth.json``, one label per document cited by
bundle page (pages numbered 1..N across the files in sorted path order).

Everything is invented: patient, providers, facilities, claim, phone numbers (555-01xx) and
all clinical text. The output is byte-for-byte reproducible: reportlab's invariant mode, no
clock, no randomness.

Usage::

    python samples/generate.py                                    # regenerate samples/ime-case/
    python samples/generate.py --bench-pages 2000 --out big.pdf   # one large PDF for benchmarks
    python samples/generate.py --content DIR --out CASE_DIR       # from a copy of the content

The content -- the cast, the facilities and every document's text, fields and tables, with
their dates -- is data: ``samples/content/cast.yaml`` and ``samples/content/records/*.yaml`` (one
per record file). ``samplegen/`` beside this script is the small renderer that reads it.

The benchmark PDF cycles through the same documents with shifted dates and varied synthetic
names; it has no ground truth.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from samplegen.blocks import Doc
from samplegen.cast import CONTENT, load_cast, make_case
from samplegen.content import RecordFile, build_bundle, load_files
from samplegen.layout import render
from samplegen.yamlfile import ContentError

SCHEMA = "reportkit/ground-truth@1"
HERE = Path(__file__).resolve().parent
DEFAULT_CASE_DIR = HERE / "ime-case"

DOC_TYPES = frozenset(
    {
        "progress_note", "consultation", "history_and_physical", "emergency", "operative_report",
        "procedure_note", "discharge_summary", "imaging", "lab_report", "pathology", "therapy",
        "work_status", "ime_report", "correspondence", "referral", "billing", "other",
    }
)  # fmt: skip
DATE_ROLES = frozenset({"service", "admission", "discharge", "procedure", "exam", "collection", "letter"})


def render_file(canvas: Canvas, f: RecordFile) -> None:
    page = 1
    for doc in f.docs:
        render(canvas, doc, f.fax, page, f.pages)
        page += doc.rendered_pages


def new_canvas(path: Path, title: str) -> Canvas:
    canvas = Canvas(str(path), pagesize=letter, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("reportkit synthetic sample (fictitious)")
    canvas.setCreator("reportkit samples/generate.py")
    return canvas


def label(doc: Doc, first: int, duplicate_of: int | None) -> dict[str, object]:
    assert doc.doc_type in DOC_TYPES, doc.doc_type
    assert doc.date_role is None or doc.date_role in DATE_ROLES, doc.date_role
    return {
        "first_page": first,
        "last_page": first + doc.rendered_pages - 1,
        "doc_type": doc.doc_type,
        "title": doc.title,
        "date": doc.date.isoformat() if doc.date else None,
        "date_role": doc.date_role,
        "provider": doc.provider.full if doc.provider else None,
        "provider_surname": doc.provider.surname if doc.provider else None,
        "facility": doc.facility.name,
        "icd10": list(doc.icd10),
        "missing_pages": sorted(doc.omit),
        "duplicate_of_first_page": duplicate_of,
    }


def write_case(out_dir: Path, content: Path = CONTENT) -> dict[str, object]:
    """Write the sample bundle and its ground truth; returns the ground truth. Nothing is written when the
    content has an error (every document is resolved before the first file is touched)."""
    cast, files = load_cast(content / "cast.yaml"), load_files(content / "records")
    bundle = sorted(build_bundle(cast, make_case(cast, 0), files), key=lambda f: f.name)
    records = out_dir / "records"
    records.mkdir(parents=True, exist_ok=True)
    for stale in records.glob("*.pdf"):
        stale.unlink()
    documents: list[dict[str, object]] = []
    first_seen: dict[str, int] = {}
    page = 1
    for f in bundle:
        canvas = new_canvas(records / f.name, f"{f.name} (synthetic sample records)")
        render_file(canvas, f)
        canvas.save()
        for doc in f.docs:
            documents.append(label(doc, page, first_seen.get(doc.key)))
            first_seen.setdefault(doc.key, page)
            page += doc.rendered_pages
    truth: dict[str, object] = {
        "schema": SCHEMA,
        "files": [{"path": f"records/{f.name}", "pages": f.pages} for f in bundle],
        "documents": documents,
    }
    (out_dir / "ground_truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return truth


def write_bench(path: Path, min_pages: int, content: Path = CONTENT) -> int:
    """One large PDF cycling the sample's documents with shifted dates and varied names."""
    cast, files = load_cast(content / "cast.yaml"), load_files(content / "records")
    build_bundle(cast, make_case(cast, 0), files)  # content errors before the file is created
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = new_canvas(path, "reportkit benchmark bundle (synthetic)")
    pages, i = 0, 0
    while pages < min_pages:
        for f in build_bundle(cast, make_case(cast, i), files):
            render_file(canvas, f)
            pages += f.pages
        i += 1
    canvas.save()
    return pages


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--bench-pages",
        type=int,
        metavar="N",
        help="write one synthetic PDF of at least N pages to --out (no ground truth)",
    )
    ap.add_argument("--out", type=Path, help="output: a .pdf with --bench-pages, else the case directory")
    ap.add_argument("--content", type=Path, default=CONTENT, help="the content folder (default: %(default)s)")
    args = ap.parse_args(argv)
    try:
        return run(ap, args)
    except ContentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def run(ap: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.bench_pages is not None:
        if args.out is None:
            ap.error("--bench-pages needs --out PATH.pdf")
        n = write_bench(args.out, args.bench_pages, args.content)
        print(f"wrote {args.out} ({n} pages)")
        return 0
    out_dir: Path = args.out or DEFAULT_CASE_DIR
    truth = write_case(out_dir, args.content)
    files = truth["files"]
    docs = truth["documents"]
    assert isinstance(files, list) and isinstance(docs, list)
    print(f"wrote {out_dir}: {len(files)} files, {sum(f['pages'] for f in files)} pages, {len(docs)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())

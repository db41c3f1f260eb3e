"""Accuracy harness: build labelled bundles and score `reportkit index` on them.

    python bench/eval_index.py [--bundles 4] [--docs 24] [--split tune|held-out|both] [--seed 1]
                               [--sources mtsamples,ccda,synthea,own] [--misses 15] [--json FILE]

Notes (bench/notes.py) come from MTSamples, HL7 C-CDA examples and Synthea in ../shared/corpus/text (read
at run time, never copied here) and from bench/own_notes.py (synthetic, all 17 types); without
../shared only ``own`` is used. bench/bundles.py lays them out as providers' PDFs in many layouts and keeps
the truth. Notes are split by hash and layouts by number: "tune" may be developed against; "held-out" is
the figure to trust. Scoring is reportkit.evaluate.score, as is. Prints boundary F1, doc_type, date and
provider accuracy per split, per source and per doc_type, the doc_type confusions and the misses.
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bundles import HELD_OUT_LAYOUTS, TUNE_LAYOUTS, build_bundle, layout
from notes import SOURCES, Note, available_sources, load_notes

SPLITS = ("tune", "held-out")
TARGETS = {"boundary_f1": 0.97, "doc_type": 0.90, "date": 0.95, "provider": 0.90}


class Tally:
    """Per-document outcomes summed over bundles: exact boundaries, then type/date/provider when matched."""

    def __init__(self) -> None:
        self.n = self.matched = self.types = self.dates = self.providers = self.provider_n = 0

    def add(self, matched: bool, type_ok: bool, date_ok: bool, provider_ok: bool | None) -> None:
        self.n += 1
        if not matched:
            return
        self.matched += 1
        self.types += type_ok
        self.dates += date_ok
        if provider_ok is not None:
            self.provider_n += 1
            self.providers += provider_ok

    def figures(self) -> dict[str, Any]:
        m = self.matched or 1
        return {
            "documents": self.n,
            "boundary_recall": round(self.matched / (self.n or 1), 3),
            "doc_type": round(self.types / m, 3),
            "date": round(self.dates / m, 3),
            "provider": round(self.providers / self.provider_n, 3) if self.provider_n else None,
        }


def run_split(
    split: str,
    sources: list[str] | None = None,
    bundles: int = 4,
    docs: int = 24,
    seed: int = 1,
    tmpdir: Path | None = None,
    notes: list[Note] | None = None,
    merged: bool = False,
    misfiled: int = 0,
    real: bool = False,
) -> dict[str, Any]:
    """Build ``bundles`` bundles of ``docs`` documents from the split's notes and layouts, index and score
    them. Returns the figures (overall, per source, per doc_type), the confusions and all misses."""
    from reportkit import IndexOptions, index_bundle
    from reportkit.evaluate import score

    sources = sources or available_sources()
    pool = [
        n for n in (notes if notes is not None else load_notes(sources)) if n.split == split and n.source in sources
    ]
    layouts = HELD_OUT_LAYOUTS if split == "held-out" else TUNE_LAYOUTS
    if tmpdir is None:
        with tempfile.TemporaryDirectory(prefix="reportkit-eval-") as tmp:
            return run_split(split, sources, bundles, docs, seed, Path(tmp), pool, merged, misfiled, real)
    overall = {"labelled": 0, "predicted": 0, "matched": 0}
    total, by_source, by_type, by_layout = Tally(), dict[str, Tally](), dict[str, Tally](), dict[int, Tally]()
    confusions: Counter[str] = Counter()
    misses: list[str] = []
    pages = 0
    mixed = flagged = strangers = rescans = rescans_found = 0
    for b in range(bundles):
        folder = tmpdir / split / f"bundle-{b}"
        folder.mkdir(parents=True)
        seed_b = seed * 1000 + b + (500 if split == "held-out" else 0)
        truth = build_bundle(folder, pool, layouts, docs, seed=seed_b, merged=merged, misfiled=misfiled, real=real)
        pages += truth["page_count"]
        result = index_bundle([folder], tmpdir / split / f"out-{b}", IndexOptions(use_cache=False, jobs=1))
        whole = score(result.index, truth)
        overall["labelled"] += whole.labelled
        overall["predicted"] += whole.predicted
        overall["matched"] += whole.matched
        spans = {(d.first_page, d.last_page): d for d in result.index.documents}
        for label in truth["documents"]:
            one = score(result.index, {"documents": [label]})
            matched = one.matched == 1
            ok = (matched and one.doc_type == 1.0, matched and one.date == 1.0)
            prov_ok = (matched and one.provider == 1.0) if label["provider_surname"] else None
            for tally in (
                total,
                by_source.setdefault(label["source"], Tally()),
                by_type.setdefault(label["doc_type"], Tally()),
                by_layout.setdefault(label["layout"], Tally()),
            ):
                tally.add(matched, ok[0], ok[1], prov_ok)
            if matched and not ok[0]:
                got = spans[(label["first_page"], label["last_page"])].doc_type
                confusions[f"{label['doc_type']} → {got}"] += 1
            where = f"[bundle {b}, {label['source']}, layout {label['layout']}, note {label['note']}]"
            misses += [f"{m} {where}" for m in one.misses]
        extra = [
            d
            for d in result.index.documents
            if not any(t["first_page"] == d.first_page and t["last_page"] == d.last_page for t in truth["documents"])
            and not any(t["first_page"] <= d.first_page and d.last_page <= t["last_page"] for t in truth["documents"])
        ]
        misses += [
            f"boundary: predicted {d.first_page}-{d.last_page} spans labelled documents [bundle {b}]" for d in extra
        ]
        whose = {p: t.get("patient") for t in truth["documents"] for p in range(t["first_page"], t["last_page"] + 1)}
        for d in result.index.documents:
            if len({whose.get(p) for p in range(d.first_page, d.last_page + 1)} - {None}) > 1:
                mixed += 1
                misses.append(f"patients: predicted {d.first_page}-{d.last_page} holds two patients [bundle {b}]")
        others = {  # a fax cover names no patient: only the misfiled records themselves are counted
            t["first_page"]: t for t in truth["documents"] if t.get("patient") == "B" and t["source"] != "fax_cover"
        }
        for d in result.index.documents:
            if d.first_page in others:
                if any(w.startswith("names another patient") for w in d.warnings):
                    flagged += 1
                else:
                    t = others[d.first_page]
                    misses.append(f"misfiled: pages {d.first_page}-{d.last_page} (another patient's) not flagged "
                                  f"[bundle {b}, layout {t['layout']}: {describe(t['layout'])}]")  # fmt: skip
        strangers += len(others)
        starting = {d.first_page: d for d in result.index.documents}
        for t in truth["documents"]:
            if "duplicate_of_first" in t:
                rescans += 1
                copy, original = starting.get(t["first_page"]), starting.get(t["duplicate_of_first"])
                if copy is not None and original is not None and copy.duplicate_of == original.id:
                    rescans_found += 1
                else:
                    misses.append(f"rescan: pages {t['first_page']}-{t['last_page']} (a copy of the document at "
                                  f"page {t['duplicate_of_first']}) not marked [bundle {b}]")  # fmt: skip
    precision = overall["matched"] / (overall["predicted"] or 1)
    recall = overall["matched"] / (overall["labelled"] or 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    figures = {"boundary_f1": round(f1, 3), **total.figures(), "predicted": overall["predicted"], "pages": pages}
    figures["mixed_patient_docs"] = mixed
    if strangers:
        figures["misfiled_flagged"] = f"{flagged}/{strangers}"
    if rescans:
        figures["rescans_marked"] = f"{rescans_found}/{rescans}"
    return {
        "split": split,
        "sources": sources,
        "bundles": bundles,
        "docs": docs,
        "seed": seed,
        "overall": figures,
        "by_source": {k: v.figures() for k, v in sorted(by_source.items())},
        "by_doc_type": {k: v.figures() for k, v in sorted(by_type.items())},
        "by_layout": {k: {**v.figures(), "layout": describe(k)} for k, v in sorted(by_layout.items())},
        "confusions": dict(confusions.most_common()),
        "misses": misses,
    }


def describe(number: int) -> str:
    """A layout's features in a few words, to see what the misses have in common."""
    lay = layout(number)
    parts = [
        ["no letterhead", "letterhead", "logo line", "one-line letterhead"][lay.letterhead],
        ["inline patient block", "labelled patient lines", "two-column patient block", "no patient block"][
            lay.patient_block
        ],
        ["title as written", "title upper", "no title", "title case"][lay.title],
        "mixed date formats" if lay.date_style < 0 else f"date format {lay.date_style}",
        ["no footer", "Page x of y", "Page x", "x of y top right"][lay.footer],
        ["e-signed later", "dictated/transcribed", "name only", "signed + later date"][lay.signature],
        ["First M. Last, CRED", "Last, First CRED", "Dr. First Last", "FIRST LAST, C.R.E.D."][lay.provider_form],
        f"label {lay.provider_label!r}" if lay.provider_label else "no provider label",
    ]
    if lay.fax:
        parts.append(f"fax header {lay.fax}" + (" + cover" if lay.cover_sheet else ""))
    if lay.running_header:
        parts.append("running header")
    return ", ".join(parts)


def _row(name: str, f: dict[str, Any]) -> str:
    prov = "-" if f["provider"] is None else f"{f['provider']:.3f}"
    return (
        f"  {name:<22} {f['documents']:>5}  {f['boundary_recall']:>6.3f}  {f['doc_type']:>6.3f}  {f['date']:>6.3f}  "
        f"{prov:>6}"
    )


def report(fig: dict[str, Any], n_misses: int) -> None:
    o = fig["overall"]
    print(
        f"\n== {fig['split']}: {fig['bundles']} bundles, {o['documents']} documents, {o['pages']} pages, "
        f"sources {','.join(fig['sources'])}"
    )
    print(
        f"  boundary F1 {o['boundary_f1']:.3f}  doc_type {o['doc_type']:.3f}  date {o['date']:.3f}  "
        f"provider {o['provider']:.3f}   ({o['predicted']} predicted)"
        f"  mixed-patient docs {o['mixed_patient_docs']}"
        + (f"  misfiled flagged {o['misfiled_flagged']}" if "misfiled_flagged" in o else "")
        + (f"  re-scans marked {o['rescans_marked']}" if "rescans_marked" in o else "")
    )
    print(
        f"  {'':<22} {'docs':>5}  {'bound.':>6}  {'type':>6}  {'date':>6}  {'prov.':>6}"
        "   (bound. = exact-boundary recall)"
    )
    for k, v in fig["by_source"].items():
        print(_row(f"source {k}", v))
    for k, v in fig["by_doc_type"].items():
        print(_row(k, v))
    for k, v in fig["by_layout"].items():
        print(_row(f"layout {k}", v), "  ", v["layout"])
    if fig["confusions"]:
        print("  doc_type confusions (labelled → predicted):")
        for k, v in fig["confusions"].items():
            print(f"    {k} {v}")
    misses = fig["misses"]
    print(f"  misses ({len(misses)}):")
    for m in misses[:n_misses]:
        print("   ", m)
    if len(misses) > n_misses:
        print(f"    … {len(misses) - n_misses} more")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--bundles", type=int, default=4, help="bundles per split")
    parser.add_argument("--docs", type=int, default=24, help="documents per bundle")
    parser.add_argument("--split", choices=[*SPLITS, "both"], default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--sources", default=None, help="comma-separated, of " + ",".join(SOURCES) + " (default: all available)"
    )
    parser.add_argument("--misses", type=int, default=15, help="misses to print per split")
    parser.add_argument("--json", type=Path, default=None, help="write the figures (and all misses) here")
    parser.add_argument("--merged", action="store_true", help="one PDF per bundle, as a production arrives")
    parser.add_argument("--misfiled", type=int, default=0, help="documents of another patient per bundle")
    parser.add_argument(
        "--real-classes",
        action="store_true",
        help="add real bundles' classes: chart bands, spill-over pages, exhibit stamps (with --merged), a re-scan",
    )
    args = parser.parse_args(argv)
    available = available_sources()
    sources = args.sources.split(",") if args.sources else available
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        parser.error(f"unknown source {', '.join(unknown)}; choose from {','.join(SOURCES)}")
    missing = [s for s in sources if s not in available]
    if missing:
        print(f"needs ../shared/corpus/text for {', '.join(missing)}; not found", file=sys.stderr)
        return 3
    notes = load_notes(sources)
    results = {}
    for split in SPLITS if args.split == "both" else [args.split]:
        fig = run_split(
            split,
            sources,
            args.bundles,
            args.docs,
            args.seed,
            None,
            notes,
            args.merged,
            args.misfiled,
            args.real_classes,
        )
        report(fig, args.misses)
        results[split] = fig
    if args.json:
        tmp = args.json.with_name(args.json.name + ".tmp")
        tmp.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

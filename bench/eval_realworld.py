"""Accuracy on real-world bundles: score `reportkit index` against ../shared/corpus/realworld's truth.

    python bench/eval_realworld.py [--corpus DIR] [--only NAME] [--misses] [--fax [--seed N] [--cache-dir DIR]]

Same figures as the corpus's own score.py (its field rules are loaded from there at run time, never copied):
start precision/recall/F1, exact documents, doc_type/date/provider/facility on the predicted document that
holds each true document's first page, duplicates found; plus what score.py cannot count yet, documents that
mix two patients, from the patient labels below (which source file is whose record: opaque letters, no names).
Misses are printed by class: merged (a predicted document holds the starts of several true ones; "patients"
when they are different people's), split (a true document cut in several), and per field.
``--fax``: each bundle is first made a fax (samples/make_fax_copy.py: every page an image, 200 dpi, 1-bit, up
to 2 degrees of skew, specks) and the index reads it by OCR: how the index holds up when the same records
arrive as a scanned production, as most real ones do. The fax copies live in a temporary folder and are
deleted with it; ``--cache-dir`` keeps the OCR of their pages for the next run. ``--seed`` draws another fax
of each bundle (other skews and specks): a rule that only fits one draw's misreads shows up there.
The corpus is read in place and never copied; without it this script says so and exits 3.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "realworld"
sys.path.insert(0, str(ROOT / "samples"))

from make_fax_copy import fax_file  # noqa: E402

PATIENT_OF_FILE = {
    # B1: a records request, a hospital chart fax, another patient's lab report, its cardiology letter and its
    # re-scan, a third patient's note, a fourth patient's procedure note
    "F19": "a", "F22": "b", "F13": "c", "F13R": "c", "F14": "c", "F23": "d", "F11": "e",
    # B2: vitals, two imaging patients, payer notices of three members, a claim, an EOB
    "F04": "f", "F01": "g", "F02": "h", "F03": "h", "F15": "a", "F16": "i", "F24": "j", "F27": "k",
    # B3: one H&P scanned twice, a lab's sample patient, three clinic patients (one twice), a therapy client, a card
    "F09": "l", "F10": "l", "F12": "m", "F05": "n", "F07": "n", "F06": "o", "F08": "p", "F34": "q", "F32": "r",
    # B4: an urgent-care cover, one member's payer letter and pharmacy request, two EOB patients, a claim
    "F21": "s", "F18": "t", "F17": "t", "F25": "u", "F26": "v", "F30": "w",
}  # fmt: skip
"""Whose records each source file holds (files of no patient — blank forms, a marketing fax — are absent)."""


def load_score(corpus: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("realworld_score", corpus / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def evaluate(
    corpus: Path, only: str | None = None, fax: bool = False, cache_dir: Path | None = None, seed: str = ""
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Index every bundle of the truth (or its fax copy) and score it. Returns the figures and the misses by
    class."""
    from reportkit import IndexOptions, index_bundle

    rules = load_score(corpus)
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    t: dict[str, int] = defaultdict(int)
    misses: dict[str, list[str]] = defaultdict(list)
    for name, bundle in sorted(truth["bundles"].items()):
        if only and name != only:
            continue
        with tempfile.TemporaryDirectory(prefix="reportkit-realworld-") as out:
            source = corpus / bundle["path"]
            if fax:
                source = fax_file(source, Path(out) / source.name, random.Random(name + seed))
            options = IndexOptions(use_cache=cache_dir is not None, cache_dir=cache_dir)
            result = index_bundle([source], Path(out) / "index", options)
            predicted = json.loads(json.dumps(result.index.to_dict()))["documents"]
        true_docs = bundle["docs"]
        starts = {d["first_page"] for d in predicted}
        true_starts = {d["start"] for d in true_docs}
        t["pred"] += len(starts)
        t["true"] += len(true_starts)
        t["hit"] += len(starts & true_starts)
        patient_of = {
            p: PATIENT_OF_FILE[d["file"]]
            for d in true_docs
            if d.get("file") in PATIENT_OF_FILE
            for p in range(d["start"], d["end"] + 1)
        }
        for d in true_docs:
            t["docs"] += 1
            held = next(p for p in predicted if p["first_page"] <= d["start"] <= p["last_page"])
            where = f"{name} p{d['start']}"
            exact = held["first_page"] == d["start"] and held["last_page"] == d["end"]
            t["exact"] += exact
            if not exact:
                merged = held["first_page"] != d["start"] or held["last_page"] > d["end"]
                kind = "merged" if merged else "split"
                misses[kind].append(
                    f"{where}: got pp.{held['first_page']}-{held['last_page']}, want pp.{d['start']}-{d['end']}"
                )
            checks = {
                "type": held["doc_type"] in [d["type"], *d.get("alt_types", [])],
                "date": held["date"] == d["date"] or held["date"] in d.get("alt_dates", []),
                "provider": rules.prov_ok(held["provider"], d),
                "facility": rules.fac_ok(held["facility"], d),
            }
            got = {"type": "doc_type", "date": "date", "provider": "provider", "facility": "facility"}
            want = {"type": "type", "date": "date", "provider": "provider", "facility": "facility"}
            for field, ok in checks.items():
                t[field] += ok
                if not ok:
                    misses[field].append(f"{where}: got {held[got[field]]!r}, want {d.get(want[field])!r}")
            if not d.get("duplicate_of_start") and held["first_page"] == d["start"] and held.get("duplicate_of"):
                t["false_dups"] += 1
                misses["duplicate"].append(f"{where}: marked a copy of {held['duplicate_of']}, is no copy")
            if d.get("duplicate_of_start"):
                t["dups"] += 1
                found = held["first_page"] == d["start"] and held.get("duplicate_of")
                t["dups_found"] += bool(found)
                if not found:
                    misses["duplicate"].append(f"{where}: copy of p{d['duplicate_of_start']} not marked")
        for p in predicted:
            people = {patient_of[q] for q in range(p["first_page"], p["last_page"] + 1) if q in patient_of}
            if len(people) > 1:
                t["mixed"] += 1
                misses["patients"].append(f"{name} pp.{p['first_page']}-{p['last_page']}: {len(people)} patients")
    precision = t["hit"] / t["pred"] if t["pred"] else 0.0
    recall = t["hit"] / t["true"] if t["true"] else 0.0
    n = t["docs"] or 1
    figures = {
        "start_p": round(precision, 3),
        "start_r": round(recall, 3),
        "start_f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "exact_docs": round(t["exact"] / n, 3),
        "type_acc": round(t["type"] / n, 3),
        "date_acc": round(t["date"] / n, 3),
        "provider_acc": round(t["provider"] / n, 3),
        "facility_acc": round(t["facility"] / n, 3),
        "dup_recall": round(t["dups_found"] / t["dups"], 3) if t["dups"] else None,
        "false_dups": t["false_dups"],
        "mixed_patient_docs": t["mixed"],
        "documents": t["docs"],
    }
    return figures, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--only", help="one bundle, e.g. B2_spine_claim")
    parser.add_argument("--misses", action="store_true", help="print every miss, by class")
    parser.add_argument("--fax", action="store_true", help="index a fax-like copy of each bundle, by OCR")
    parser.add_argument("--cache-dir", type=Path, help="with --fax: keep the pages' OCR here between runs")
    parser.add_argument("--seed", default="", help="with --fax: another draw of the fax copies")
    args = parser.parse_args(argv)
    if not (args.corpus / "truth.json").is_file() or not (args.corpus / "score.py").is_file():
        where = "truth.json and score.py; it lives in ../shared/corpus/realworld"
        print(f"no real-world corpus at {args.corpus} ({where})", file=sys.stderr)
        return 3
    names = set(json.loads((args.corpus / "truth.json").read_text(encoding="utf-8"))["bundles"])
    if args.only and args.only not in names:
        print(f"no bundle {args.only!r}; the corpus has {', '.join(sorted(names))}", file=sys.stderr)
        return 3
    figures, misses = evaluate(args.corpus, args.only, args.fax, args.cache_dir, args.seed)
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    print("misses by class: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(misses.items())))
    if args.misses:
        for kind, lines in sorted(misses.items()):
            print(f"\n{kind}:")
            for line in lines:
                print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

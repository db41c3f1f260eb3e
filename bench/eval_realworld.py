"""Accuracy on real-world bundles: score `reportkit index` against ../shared/corpus/realworld's truth.

    python bench/eval_realworld.py [--corpus DIR] [--only NAME] [--misses] [--fax [--cache-dir DIR]]
                                   [--shuffle N] [--seed S]

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
``--shuffle N``: instead of the four bundles, N bundles of 6-12 of the 36 source files each, drawn and ordered
at random (``--seed`` draws others), scored against each file's own truth: the same records beside other
neighbours, the nearest this corpus comes to the bundles kept aside for judging. A file is now and then sent
twice, and a re-scan counts as a copy when both are drawn.
The corpus is read in place and never copied (shuffled bundles are written to a temporary folder); without it
this script says so and exits 3.
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


Bundle = tuple[str, Path, list[dict[str, Any]]]
"""A bundle to score: its name, its PDF, and its true documents."""


def corpus_bundles(corpus: Path, only: str | None = None) -> list[Bundle]:
    """The corpus's own bundles, as truth.json gives them."""
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    return [
        (name, corpus / bundle["path"], bundle["docs"])
        for name, bundle in sorted(truth["bundles"].items())
        if not only or name == only
    ]


def file_truths(corpus: Path) -> dict[str, tuple[Path, list[dict[str, Any]]]]:
    """Each source file and its true documents as the file stands alone (truth_files.json); a file that has
    no entry there (the re-scan F13R) takes its documents from the bundle that holds it."""
    files = json.loads((corpus / "truth_files.json").read_text(encoding="utf-8"))["bundles"]
    found: dict[str, tuple[Path, list[dict[str, Any]]]] = {
        fid: (corpus / entry["path"], [dict(d, duplicate_of_start=None) for d in entry["docs"]])
        for fid, entry in files.items()
    }
    for bundle in json.loads((corpus / "truth.json").read_text(encoding="utf-8"))["bundles"].values():
        for fid in sorted({d["file"] for d in bundle["docs"]} - set(found)):
            docs = [d for d in bundle["docs"] if d["file"] == fid]
            before = min(d["start"] for d in docs) - 1
            paths = sorted((corpus / "files").glob(f"{fid}_*.pdf"))
            if len(paths) == 1:
                shifted = [dict(d, start=d["start"] - before, end=d["end"] - before) for d in docs]
                found[fid] = (paths[0], [dict(d, duplicate_of_start=None) for d in shifted])
    return found


def copies_of(corpus: Path) -> dict[str, str]:
    """Which source file is a copy of which other (a re-scan, the same note scanned twice), read from the
    bundles' truth: a document marked a duplicate of one that came from another file."""
    pairs: dict[str, str] = {}
    for bundle in json.loads((corpus / "truth.json").read_text(encoding="utf-8"))["bundles"].values():
        for d in bundle["docs"]:
            if d.get("duplicate_of_start"):
                original = next(o for o in bundle["docs"] if o["start"] <= d["duplicate_of_start"] <= o["end"])
                if original["file"] != d["file"]:
                    pairs[d["file"]] = original["file"]
                    pairs[original["file"]] = d["file"]
    return pairs


def shuffled_bundles(corpus: Path, count: int, seed: str, folder: Path) -> list[Bundle]:
    """``count`` bundles, each 6-12 of the corpus's source files drawn at random and put in a random order
    (now and then one of them sent twice), written into ``folder``: the same records with other neighbours,
    which is what a bundle kept aside changes. The truth is each file's own, shifted to where it lands."""
    from pypdf import PdfReader, PdfWriter

    files = file_truths(corpus)
    pairs = copies_of(corpus)
    made: list[Bundle] = []
    for number in range(1, count + 1):
        rng = random.Random(f"shuffle-{seed}-{number}")
        chosen = rng.sample(sorted(files), rng.randint(6, 12))
        singles = [fid for fid in chosen if len(files[fid][1]) == 1]
        if singles and rng.random() < 0.4:
            chosen.insert(rng.randint(chosen.index(singles[0]) + 1, len(chosen)), singles[0])
        writer = PdfWriter()
        docs: list[dict[str, Any]] = []
        first_doc: dict[str, int] = {}
        pages = 0
        for fid in chosen:
            path, file_docs = files[fid]
            original = first_doc.get(fid) or first_doc.get(pairs.get(fid, ""))
            for d in file_docs:
                shifted = dict(d, start=d["start"] + pages, end=d["end"] + pages, file=fid)
                if original and len(file_docs) == 1:
                    shifted["duplicate_of_start"] = original
                docs.append(shifted)
            first_doc.setdefault(fid, file_docs[0]["start"] + pages)
            writer.append(str(path))
            pages += len(PdfReader(str(path)).pages)
        name = f"S{seed}-{number:02d}" if seed else f"S-{number:02d}"  # (the default draw is no seed "0")
        target = folder / f"{name}.pdf"
        with target.open("wb") as handle:
            writer.write(handle)
        made.append((name, target, docs))
    return made


def evaluate(
    corpus: Path, bundles: list[Bundle], fax: bool = False, cache_dir: Path | None = None, seed: str = ""
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Index every bundle (or its fax copy) and score it against its truth. Returns the figures and the misses
    by class."""
    from reportkit import IndexOptions, index_bundle

    rules = load_score(corpus)
    t: dict[str, int] = defaultdict(int)
    misses: dict[str, list[str]] = defaultdict(list)
    for name, source, true_docs in bundles:
        with tempfile.TemporaryDirectory(prefix="reportkit-realworld-") as out:
            if fax:
                source = fax_file(source, Path(out) / source.name, random.Random(name + seed))
            options = IndexOptions(use_cache=cache_dir is not None, cache_dir=cache_dir)
            result = index_bundle([source], Path(out) / "index", options)
            predicted = json.loads(json.dumps(result.index.to_dict()))["documents"]
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
            where = f"{name} p{d['start']}" + (f" ({d['file']})" if d.get("file") else "")
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
    parser.add_argument("--seed", default="", help="another draw of the fax copies or of the shuffled bundles")
    parser.add_argument(
        "--shuffle", type=int, metavar="N", help="score N bundles made of the source files in random orders instead"
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "truth.json").is_file() or not (args.corpus / "score.py").is_file():
        where = "truth.json and score.py; it lives in ../shared/corpus/realworld"
        print(f"no real-world corpus at {args.corpus} ({where})", file=sys.stderr)
        return 3
    names = set(json.loads((args.corpus / "truth.json").read_text(encoding="utf-8"))["bundles"])
    if args.only and args.shuffle:
        print("--only names one of the corpus's bundles; --shuffle scores other bundles", file=sys.stderr)
        return 2
    if args.only and args.only not in names:
        print(f"no bundle {args.only!r}; the corpus has {', '.join(sorted(names))}", file=sys.stderr)
        return 3
    with tempfile.TemporaryDirectory(prefix="reportkit-shuffled-") as folder:
        if args.shuffle:
            bundles = shuffled_bundles(args.corpus, args.shuffle, args.seed, Path(folder))
        else:
            bundles = corpus_bundles(args.corpus, args.only)
        figures, misses = evaluate(args.corpus, bundles, args.fax, args.cache_dir, args.seed)
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

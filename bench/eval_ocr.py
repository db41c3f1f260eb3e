"""Accuracy of OCR: the fax-like copy of the sample case against the born-digital one, and real scans.

    python bench/eval_ocr.py [--cache-dir DIR] [--no-turn]

1. Makes the fax-like image-only copy of the sample case (samples/make_fax_copy.py: 200 dpi, 1-bit, ±2° skew,
   speckles; two pages sideways and one upside down unless --no-turn), indexes it and the born-digital
   bundle, and prints both scores against samples/ime-case/ground_truth.json (target: boundary F1 and date
   accuracy within 0.05 of the born-digital bundle).
2. From ../shared/corpus/pdf/ocrmypdf-resources (skipped when absent): character accuracy of linn.pdf
   against linn.txt (1 - edit distance / length, whitespace folded), the four rotations of cardinal.pdf
   (each page's confidence, turn applied, and whether its text matches the upright page's), ccitt.pdf
   (a CCITT G4 fax page) and skew.pdf.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))

from make_fax_copy import make_copy  # noqa: E402
from reportkit.api import IndexOptions, build_index  # noqa: E402
from reportkit.evaluate import score  # noqa: E402

RESOURCES = ROOT.parent / "shared" / "corpus" / "pdf" / "ocrmypdf-resources"


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def char_accuracy(got: str, truth: str) -> float:
    got, truth = fold(got), fold(truth)
    return max(0.0, 1 - edit_distance(got, truth) / len(truth))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache-dir", type=Path, default=None, help="OCR cache (default: none, OCR everything)")
    parser.add_argument("--no-turn", action="store_true")
    parser.add_argument("--max-skew", type=float, default=2.0, help="fax copy skew, degrees (default 2)")
    parser.add_argument("--noise", type=float, default=1.0, help="fax copy specks and dropouts, times the default")
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    options = IndexOptions(use_cache=args.cache_dir is not None, cache_dir=args.cache_dir)
    truth = json.loads((ROOT / "samples" / "ime-case" / "ground_truth.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        fax = Path(tmp) / "fax"
        make_copy(fax, turn=not args.no_turn, max_skew=args.max_skew, noise=args.noise)
        born, _, _ = build_index([ROOT / "samples" / "ime-case" / "records"], options)
        faxed, bundle, _ = build_index([fax], options)
    for label, index in (("born-digital", born), ("fax copy    ", faxed)):
        s = score(index, truth)
        print(
            f"{label}: boundary F1 {s.boundary_f1:.3f}  date {s.date:.3f}  type {s.doc_type:.3f}  "
            f"provider {s.provider:.3f}"
        )
    for line in score(faxed, truth).misses:
        print("   ", line)
    confidences = [p.confidence for p in faxed.pages if p.confidence is not None]
    print(
        f"fax copy: {sum(p.text_source == 'ocr' for p in faxed.pages)}/{faxed.page_count} pages OCR'd, "
        f"mean confidence {sum(confidences) / max(1, len(confidences)):.1f}, "
        f"turned: {sorted((n, r.rotation) for n, r in bundle.ocr.items() if r.rotation)}"
    )

    if args.skip_corpus:
        return
    if not RESOURCES.is_dir():
        print("real scans: ../shared/corpus absent, skipped")
        return
    ix, b, _ = build_index([RESOURCES / "linn.pdf"], options)
    accuracy = char_accuracy(b.texts[0], (RESOURCES / "linn.txt").read_text(encoding="utf-8"))
    print(f"linn.pdf vs linn.txt: character accuracy {accuracy:.3f} (confidence {ix.pages[0].confidence})")
    ix, b, _ = build_index([RESOURCES / "cardinal.pdf"], options)
    upright = fold(b.texts[0])
    for n, page in enumerate(ix.pages, 1):
        same = 1 - edit_distance(fold(b.texts[n - 1]), upright) / max(1, len(upright))
        print(
            f"cardinal.pdf page {n}: turned {b.ocr[n].rotation:3d}°, confidence {page.confidence}, "
            f"text agrees with page 1: {same:.3f}"
        )
    for name in ("ccitt.pdf", "skew.pdf"):
        ix, b, _ = build_index([RESOURCES / name], options)
        print(
            f"{name}: {ix.pages[0].text_source}, {ix.pages[0].chars} chars, confidence {ix.pages[0].confidence},"
            f" skew corrected {b.ocr[1].skew}°"
        )


if __name__ == "__main__":
    main()

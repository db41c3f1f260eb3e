"""OCR side by side: `reportkit index --ocr-output` against `ocrmypdf --force-ocr` on the same scanned file.

    python bench/vs_ocrmypdf.py [--pages 14] [--rounds 3] [--jobs N] [--ocrmypdf PATH] [--sample] [--deskew]

The scan: 14 pages of dense clinical notes (bench/dense.py, MTSamples reports) made fax-like with
samples/make_fax_copy.py (200 dpi, 1-bit, up to 2 degrees of skew, specks): what a faxed bundle is. Without
../shared/corpus (or with ``--sample``) the sample case's pages are used instead, and the output says so.

Rounds alternate the two programs (a slow spell of a shared machine hits both); each prints its wall and CPU
seconds (all processes); the summary gives medians, their ratio, seconds and CPU seconds per page, the size
of each searchable PDF, and how well each PDF's text layer (read back with pdftotext) holds the born-digital
text: word recall (words found, as a multiset) and pair recall (adjacent word pairs found: words in reading
order). reportkit also writes its index; OCRmyPDF only the PDF. ``--deskew`` has OCRmyPDF straighten each page before
reading it, as reportkit does (without it OCRmyPDF reads tilted fax pages as they are, faster and worse).

OCRmyPDF is not a dependency of reportkit: install it in an environment of its own, e.g.
``python3 -m venv /tmp/ocrv && /tmp/ocrv/bin/pip install ocrmypdf`` (it needs Ghostscript:
``apt-get install ghostscript``), then pass ``--ocrmypdf /tmp/ocrv/bin/ocrmypdf``. Target (issue 16):
reportkit <= 0.8x OCRmyPDF's wall time at no lower word recall; <= 0.75 s a page on 2 cores.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_index import installed_env, tree_peak  # noqa: E402
from dense import available, make_dense  # noqa: E402
from make_fax_copy import RECORDS, fax_file  # noqa: E402

_WORD = re.compile(r"[a-z0-9]+")


def born_digital(work: Path, pages: int, sample: bool) -> tuple[Path, str]:
    """A born-digital PDF of ``pages`` pages and what it is."""
    from pypdf import PdfReader, PdfWriter

    if not sample and available() is None:
        dense = work / "dense.pdf"
        make_dense(dense, pages)
        what = "dense clinical notes (MTSamples reports)"
        sources = [dense]
    else:
        what = "the sample case's records" + ("" if sample else f" ({available()})")
        sources = sorted(RECORDS.glob("*.pdf"))
    writer = PdfWriter()
    for path in sources:
        for page in PdfReader(path).pages:
            if len(writer.pages) < pages:
                writer.add_page(page)
    out = work / "born.pdf"
    with out.open("wb") as fh:
        writer.write(fh)
    return out, what


def words(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return _WORD.findall(text.lower())


def recall(got: list[str], truth: list[str]) -> tuple[float, float]:
    """Word recall and adjacent-pair recall of ``got`` against ``truth`` (multisets)."""
    found = sum((Counter(got) & Counter(truth)).values()) / max(1, len(truth))
    pairs_got, pairs_truth = Counter(itertools.pairwise(got)), Counter(itertools.pairwise(truth))
    in_order = sum((pairs_got & pairs_truth).values()) / max(1, sum(pairs_truth.values()))
    return found, in_order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=14)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--ocrmypdf", default=shutil.which("ocrmypdf"), help="the ocrmypdf command")
    parser.add_argument("--sample", action="store_true", help="fax the sample case, not dense notes")
    parser.add_argument(
        "--deskew", action="store_true", help="OCRmyPDF straightens pages too (--deskew), as reportkit does"
    )
    args = parser.parse_args()
    for tool in ("tesseract", "pdftotext"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed: apt-get install tesseract-ocr tesseract-ocr-eng poppler-utils")
    if not args.ocrmypdf:
        print("ocrmypdf not found: reportkit alone is timed (see this script's docstring to install it)")
    with tempfile.TemporaryDirectory(prefix="reportkit-vs-") as tmp:
        work = Path(tmp)
        born, what = born_digital(work, args.pages, args.sample)
        scan = fax_file(born, work / "scan.pdf", random.Random(4))
        from pypdf import PdfReader

        pages = len(PdfReader(scan).pages)
        truth = words(born)
        print(f"scan: {pages} pages of {what}, 200 dpi 1-bit fax-like; {args.jobs} job(s) each")
        env = installed_env(work)
        reportkit = [sys.executable, "-m", "reportkit", "index", str(scan), "--ocr", "auto", "--no-cache", "-q"]
        reportkit += ["-j", str(args.jobs), "--force", "--out", str(work / "index"), "--ocr-output"]
        ours, theirs = work / "reportkit.pdf", work / "ocrmypdf.pdf"
        ocrmypdf = [str(args.ocrmypdf), "--force-ocr", "-j", str(args.jobs), "--output-type", "pdf", "-q"]
        ocrmypdf += ["--deskew"] if args.deskew else []
        ocrmypdf += [str(scan), str(theirs)]
        tree_peak([*reportkit, str(ours)], env)  # compiles reportkit's bytecode; not counted
        rk, om = [], []
        for n in range(1, args.rounds + 1):
            rk.append(tree_peak([*reportkit, str(ours)], env))
            line = f"round {n}: reportkit {rk[-1].seconds:5.2f} s ({rk[-1].cpu:5.2f} CPU s)"
            if args.ocrmypdf:
                om.append(tree_peak(ocrmypdf))
                line += f"   ocrmypdf {om[-1].seconds:5.2f} s ({om[-1].cpu:5.2f} CPU s)"
                line += f"   ratio {rk[-1].seconds / om[-1].seconds:.2f}"
            print(line)
        heads = ("wall s", "CPU s", "s/page", "CPU/page", "PDF KB", "words", "pairs")
        print("\n" + " " * 10 + "".join(f"{h:>9}" for h in heads))
        for name, runs, pdf in (("reportkit", rk, ours), ("ocrmypdf", om, theirs)):
            if not runs:
                continue
            wall, cpu = statistics.median(r.seconds for r in runs), statistics.median(r.cpu for r in runs)
            found, in_order = recall(words(pdf), truth)
            print(
                f"{name:10}{wall:9.2f}{cpu:9.2f}{wall / pages:9.2f}{cpu / pages:9.2f}"
                f"{pdf.stat().st_size / 1024:9.0f}{found:9.3f}{in_order:9.3f}"
            )
        print(f"(medians of {args.rounds} alternating rounds; words, pairs: recall of the born-digital text)")
        if om:
            ratio = statistics.median(r.seconds for r in rk) / statistics.median(r.seconds for r in om)
            cpu_ratio = statistics.median(r.cpu for r in rk) / statistics.median(r.cpu for r in om)
            print(f"reportkit / ocrmypdf: wall {ratio:.2f}x, CPU {cpu_ratio:.2f}x (target <= 0.8x wall)")


if __name__ == "__main__":
    main()

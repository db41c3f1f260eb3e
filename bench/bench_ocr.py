"""Speed of OCR in `reportkit index`: seconds per page on this machine's cores.

    python bench/bench_ocr.py [--pages 12] [--jobs N] [--threads-compare]

Makes a fax-like image-only copy of the sample case (samples/make_fax_copy.py: 200 dpi, 1-bit, skewed,
speckled), keeps its first N pages, and times `reportkit index --ocr auto --ocr-dpi 300 --no-cache` on it
end to end (rendering, tesseract, analysis, outputs; a scan is read at its own 200 dpi, --ocr-dpi being the
most), then a re-run with a warm OCR cache. ``--threads-compare`` also times tesseract on one page with its
default threading against OMP_THREAD_LIMIT=1. OCRmyPDF side by side: bench/vs_ocrmypdf.py. Target
(issue 16): <= 0.75 s/page on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))

from make_fax_copy import make_copy  # noqa: E402

CPU = [0.0]
"""CPU seconds (user + system, all child processes) of the last :func:`run`."""


def run(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """Run a command; return its wall-clock seconds (and leave its CPU seconds in CPU[0])."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, env=env, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[0] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 6):
        raise SystemExit(f"{cmd[0]} failed ({done.returncode}): {done.stderr.decode()[-800:]}")
    return seconds


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def one_file(pages_dir: Path, limit: int, target: Path) -> int:
    """Join the first ``limit`` pages of the fax copy into one PDF; returns the page count."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for path in sorted(pages_dir.glob("*.pdf")):
        for page in PdfReader(path).pages:
            if len(writer.pages) < limit:
                writer.add_page(page)
    with target.open("wb") as fh:
        writer.write(fh)
    return len(writer.pages)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads-compare", action="store_true")
    args = parser.parse_args()
    if not shutil.which("tesseract"):
        raise SystemExit("tesseract is not installed: sudo apt-get install tesseract-ocr tesseract-ocr-eng")
    reportkit = str(Path(sys.executable).with_name("reportkit"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_copy(work / "fax", pages=max(1, -(-args.pages // 5)))
        bundle = work / "fax.pdf"
        pages = one_file(work / "fax", args.pages, bundle)
        print(f"{pages} image-only pages (200 dpi 1-bit fax copy), {args.jobs} job(s); {load()}")
        base = [reportkit, "index", str(bundle), "--ocr", "auto", "--ocr-dpi", "300", "-j", str(args.jobs), "-q"]
        cold = run([*base, "--no-cache", "--out", str(work / "o1")])
        cpu = CPU[0]
        print(f"reportkit index, no cache:  {cold:6.1f} s  = {cold / pages:.2f} s/page  (target <= 0.75)")
        print(
            f"  CPU {cpu:.1f} s = {cpu / pages:.2f} CPU s/page: on {args.jobs} idle core(s) "
            f"{cpu / pages / args.jobs:.2f} s/page; {load()}"
        )
        run([*base, "--cache-dir", str(work / "cache"), "--out", str(work / "o2")])
        warm = run(
            [*base, "--cache-dir", str(work / "cache"), "--out", str(work / "o3"), "--ocr-output", str(work / "s.pdf")]
        )
        print(f"re-run, OCR cache warm:     {warm:6.1f} s  = {warm / pages:.2f} s/page")
        if args.threads_compare:
            import pypdfium2

            image = pypdfium2.PdfDocument(bundle)[0].render(scale=300 / 72, grayscale=True).to_pil()
            png = work / "page.png"
            image.save(png, dpi=(300, 300))
            for label, extra in (("default threading", {}), ("OMP_THREAD_LIMIT=1", {"OMP_THREAD_LIMIT": "1"})):
                env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"} | extra
                seconds = run(["tesseract", str(png), str(work / "t"), "--psm", "3", "txt"], env=env)
                print(f"tesseract, one page alone, {label}: {seconds:.2f} s ({CPU[0]:.2f} CPU s)")


if __name__ == "__main__":
    main()

"""Batch throughput: cases per minute with 1 and 2 workers, and a resumed run's time as % of the first.

    python bench/bench_batch.py --cases 50 --pages 100

Makes CASES synthetic case folders (the sample IME case.yaml and one ``samples/generate.py --bench-pages
PAGES`` bundle each), then runs ``reportkit batch ROOT --out OUT --no-cache --jobs N`` (index only unless
--steps) for each N in --workers into a fresh OUT, and once more into the last OUT (every case unchanged:
the resume check). The text cache is off so every case is really read. Figures are wall-clock on this machine,
which may be busy: run it more than once.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _make_cases(root: Path, cases: int, pages: int, work: Path) -> int:
    bundle = work / f"bench-{pages}.pdf"
    if not bundle.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "samples" / "generate.py"), "--bench-pages", str(pages), "--out", str(bundle)],
            check=True,
            capture_output=True,
        )
    for i in range(cases):
        case = root / f"case-{i:03d}"
        (case / "records").mkdir(parents=True)
        shutil.copy2(ROOT / "samples" / "ime-case" / "case.yaml", case / "case.yaml")
        shutil.copy2(bundle, case / "records" / "bundle.pdf")
    import pypdf

    return len(pypdf.PdfReader(bundle).pages)


def _run(root: Path, out: Path, jobs: int, steps: str, scheduler: str = "") -> tuple[float, int]:
    clock = time.perf_counter()
    executor = ["--executor", "dask", "--scheduler", scheduler] if scheduler else ["--jobs", str(jobs)]
    proc = subprocess.run(
        [sys.executable, "-m", "reportkit", "batch", str(root), "--out", str(out), "--no-cache", "--quiet",
         "--steps", steps, *executor],
        capture_output=True,
        text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - clock
    if proc.returncode != 0:
        raise SystemExit(f"batch failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    ran = sum(1 for c in json.loads((out / "batch-run.json").read_text())["cases"] if c["action"] == "ran")
    return seconds, ran


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--cases", type=int, default=50)
    ap.add_argument("--pages", type=int, default=100, help="pages per case (at least)")
    ap.add_argument("--workers", default="1,2", help="comma-separated --jobs values to try")
    ap.add_argument("--steps", default="index")
    ap.add_argument("--dask", action="store_true", help="also run through a dask LocalCluster of 2 workers")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        work = Path(tmp)
        pages = _make_cases(work / "cases", args.cases, args.pages, work)
        print(f"{args.cases} cases of {pages} pages, steps {args.steps}, text cache off")
        first = 0.0
        out = work / "out"
        for jobs in (int(j) for j in args.workers.split(",")):
            out = work / f"out-{jobs}"
            first, ran = _run(work / "cases", out, jobs, args.steps)
            rate = args.cases / first * 60
            print(f"  --jobs {jobs}: {first:6.1f} s for {ran} cases = {rate:5.1f} cases/min, "
                  f"{args.cases * pages / first:6.1f} pages/s")  # fmt: skip
        resumed, ran = _run(work / "cases", out, 1, args.steps)
        share = resumed / first
        print(f"  resumed (nothing changed): {resumed:5.2f} s, {ran} cases run = {share:.1%} of the first run")
        if args.dask:
            import dask
            import distributed

            # the per-case task starts PDF reader processes: dask's worker processes must not be daemonic
            with (
                dask.config.set({"distributed.worker.daemon": False}),
                distributed.LocalCluster(
                    n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
                ) as cluster,
            ):
                seconds, ran = _run(work / "cases", work / "out-dask", 0, args.steps, cluster.scheduler_address)
            print(f"  dask LocalCluster, 2 workers: {seconds:6.1f} s for {ran} cases = "
                  f"{args.cases / seconds * 60:5.1f} cases/min")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Two versions of reportkit side by side: CPU and wall time of `reportkit index` on the same bundle, in
alternating runs (this 2-core machine's speed drifts from minute to minute, so only alternation is fair).

    python bench/ab_index.py --base-src OTHER/src [--pdf FILE | --pages 2000] [--rounds 7]

OTHER/src: the ``src`` folder of another checkout (``git worktree add /tmp/base HEAD~5`` gives one); this
checkout's installed reportkit is the other side. Prints the medians and the change in per cent; it is how a
change's cost is measured against the 10 % budget the index issues set.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(env: dict[str, str], pdf: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its workers) of one cold `reportkit index`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [sys.executable, "-m", "reportkit", "index", str(pdf), "--out", str(out), "--no-cache", "-q", "--force"]
    subprocess.run(command, env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--base-src", type=Path, required=True, help="the other version's src folder")
    parser.add_argument("--pdf", type=Path, help="the bundle (default: a generated born-digital one)")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    if not (args.base_src / "reportkit").is_dir():
        print(f"{args.base_src}: no reportkit package there (give a checkout's src folder)", file=sys.stderr)
        return 3
    work = Path(tempfile.mkdtemp(prefix="reportkit-ab-"))
    pdf = args.pdf
    if pdf is None:
        pdf = work / "bundle.pdf"
        generate = [sys.executable, str(ROOT / "samples" / "generate.py"), "--bench-pages", str(args.pages)]
        subprocess.run([*generate, "--out", str(pdf)], check=True, stdout=subprocess.DEVNULL)
    new = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # run as installed: compiled
    base = {**new, "PYTHONPATH": str(args.base_src.resolve())}
    runs: dict[str, list[tuple[float, float]]] = {"base": [], "this": []}
    run(base, pdf, work / "out"), run(new, pdf, work / "out")  # compile and warm both
    for _ in range(args.rounds):
        runs["base"].append(run(base, pdf, work / "out"))
        runs["this"].append(run(new, pdf, work / "out"))
    medians = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
    for name, (wall, cpu) in medians.items():
        print(f"{name:>5}: wall {wall:.2f} s, CPU {cpu:.2f} s (median of {args.rounds})")
    (bw, bc), (tw, tc) = medians["base"], medians["this"]
    print(f"change: CPU {100 * (tc / bc - 1):+.1f} %, wall {100 * (tw / bw - 1):+.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())

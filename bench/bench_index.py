"""Speed and memory of `reportkit index` on a large born-digital bundle, against pdftotext and raw pypdf.

    python bench/bench_index.py [--pages 2000] [--repeat 3] [--keep DIR] [--dense]

Generates a synthetic bundle with samples/generate.py (``--dense``: a bundle of dense clinical notes,
MTSamples reports, from bench/dense.py; skipped with the reason when ../shared/corpus is absent), then
prints, from runs on the same file (rounds that alternate the programs; medians, and each round's ratio):
pages/s of `reportkit index` end to end (cold, no cache), of `pdftotext` (poppler-utils) and of raw pypdf
extraction, their ratios, peak memory of the whole process tree (main process plus reading workers), how
peak memory moves as pages double, and the time of a re-run served from the text cache. Targets: end to end
<= 1.6x pdftotext's time (issue 16; dense notes <= 2.0x); peak <= 250 MB and flat as pages grow (5,000
pages: ``--pages 5000``); cached re-run <= 10 % of the first run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import psutil

ROOT = Path(__file__).resolve().parent.parent


def installed_env(work: Path) -> dict[str, str]:
    """The environment for the timed commands: Python's bytecode cache on, in ``work`` (not the source tree).

    An installed reportkit runs from compiled bytecode (pip compiles it; an editable install writes it on the
    first run). A machine that sets PYTHONDONTWRITEBYTECODE — this project's does — otherwise makes every run
    compile reportkit's sources again (~0.05 s per command)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


class Run(NamedTuple):
    seconds: float
    peak_mb: float
    """Peak of the summed RSS of the process and all its children (memory a forked child shares with its
    parent is counted in both)."""
    cpu: float
    """CPU seconds (user + system) of the process and every child it waited for."""
    pss_mb: float = 0.0
    """Peak of the summed PSS (each shared page divided among the processes sharing it): the process tree's
    own memory."""


def _sizes(procs: list[psutil.Process]) -> tuple[int, int]:
    rss = pss = 0
    for p in procs:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss, pss


def tree_peak(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command; return its wall time, peak memory and CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = peak_pss = 0
    while proc.poll() is None:
        try:
            rss, pss = _sizes([proc, *proc.children(recursive=True)])
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        except psutil.Error:
            pass
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 6):
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.read().decode()[-500:]}")  # type: ignore[union-attr]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Run(seconds, peak / 1e6, cpu, peak_pss / 1e6)


def make_bundle(pages: int, path: Path, dense: bool = False) -> None:
    if dense:
        from dense import make_dense

        make_dense(path, pages)
        return
    subprocess.run(
        [sys.executable, str(ROOT / "samples" / "generate.py"), "--bench-pages", str(pages), "--out", str(path)],
        check=True,
    )


def reportkit_cmd(pdf: Path, out: Path, cache: Path, no_cache: bool) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "reportkit",
        "index",
        str(pdf),
        "--out",
        str(out),
        "--force",
        "-q",
        "--cache-dir",
        str(cache),
    ]
    return cmd + (["--no-cache"] if no_cache else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="keep the generated bundle and outputs here")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the timed runs (medians are reported)")
    parser.add_argument("--dense", action="store_true", help="dense clinical notes (MTSamples) instead")
    args = parser.parse_args()
    if args.dense:
        sys.path.insert(0, str(ROOT / "bench"))
        from dense import available

        if (reason := available()) is not None:
            print(f"dense bundle skipped: {reason}")
            return
    work = args.keep or Path(tempfile.mkdtemp(prefix="reportkit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    half, full = work / f"bundle-{args.pages // 2}.pdf", work / f"bundle-{args.pages}.pdf"
    make_bundle(args.pages // 2, half, args.dense)
    make_bundle(args.pages, full, args.dense)
    from pypdf import PdfReader

    n_pages = len(PdfReader(full).pages)
    print(f"bundle: {n_pages} pages, {full.stat().st_size / 1e6:.1f} MB ({full})")

    cache = work / "cache"
    env = installed_env(work)
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        print("PYTHONDONTWRITEBYTECODE is set here: reportkit runs with its bytecode cached in the work folder")
    m_half = tree_peak(reportkit_cmd(half, work / "out-half", cache, no_cache=True), env)  # also compiles
    has_pdftotext = shutil.which("pdftotext") is not None
    if not has_pdftotext:
        print("pdftotext not found (apt-get install poppler-utils): ratio to it not measured")
    # Rounds alternate the programs, so that a slow spell of a shared machine hits both; medians are reported.
    cold: list[Run] = []
    ptt: list[Run] = []
    fill: list[float] = []
    cached: list[Run] = []
    for _ in range(args.repeat):
        cold.append(tree_peak(reportkit_cmd(full, work / "out", cache, no_cache=True), env))
        if has_pdftotext:
            ptt.append(tree_peak(["pdftotext", str(full), str(work / "pdftotext.txt")]))
        shutil.rmtree(cache, ignore_errors=True)
        fill.append(tree_peak(reportkit_cmd(full, work / "out", cache, no_cache=False), env).seconds)
        cached.append(tree_peak(reportkit_cmd(full, work / "out", cache, no_cache=False), env))

    def median(runs: list[Run]) -> Run:
        return Run(*(statistics.median(r[k] for r in runs) for k in range(3)))

    rk = median(cold)
    rows = [("reportkit index (cold, no cache)", rk, max(r.peak_mb for r in cold))]
    if ptt:
        rows.append(("pdftotext", median(ptt), max(r.peak_mb for r in ptt)))
    code = "import sys; from pypdf import PdfReader; r = PdfReader(sys.argv[1]); [p.extract_text() for p in r.pages]"
    pypdf = tree_peak([sys.executable, "-c", code, str(full)])
    rows.append(("raw pypdf extract_text", pypdf, pypdf.peak_mb))
    t_fill = statistics.median(fill)
    t_cached, m_cached = statistics.median(r.seconds for r in cached), max(r.peak_mb for r in cached)

    print(f"\n{'what':36} {'seconds':>8} {'pages/s':>8} {'CPU s':>8} {'peak MB':>8}")
    for name, run, peak in rows:
        print(f"{name:36} {run.seconds:8.2f} {n_pages / run.seconds:8.0f} {run.cpu:8.2f} {peak:8.0f}")
    print(f"(median of {args.repeat} alternating rounds; raw pypdf: one run; CPU: all processes, both cores)")
    if ptt:
        pt = median(ptt)
        each = ", ".join(f"{a.seconds / b.seconds:.2f}" for a, b in zip(cold, ptt, strict=True))
        target = 2.0 if args.dense else 1.6
        print(f"\nreportkit / pdftotext time: {rk.seconds / pt.seconds:.2f}x (target <= {target}x; each round: {each})")
        print(f"reportkit / pdftotext CPU time: {rk.cpu / pt.cpu:.2f}x (pdftotext uses one core, reportkit both)")
    print(f"reportkit / raw pypdf time: {rk.seconds / pypdf.seconds:.2f}x")
    print(
        f"peak memory (RSS summed) at {args.pages // 2} pages: {m_half.peak_mb:.0f} MB; at {n_pages}: "
        f"{max(r.peak_mb for r in cold):.0f} MB (target <= 250 MB, flat); PSS summed: {m_half.pss_mb:.0f} MB, "
        f"{max(r.pss_mb for r in cold):.0f} MB"
    )
    print(
        f"re-run from the cache: {t_cached:.2f} s = {100 * t_cached / t_fill:.0f} % of the run that "
        f"filled it ({t_fill:.2f} s; target <= 10 %), peak {m_cached:.0f} MB"
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Speed and memory of `reportkit index` on a large born-digital bundle, against pdftotext and raw pypdf.

    python bench/bench_index.py [--pages 2000] [--repeat 3] [--keep DIR]

Generates a synthetic bundle with samples/generate.py, then prints, from runs on the same file (rounds that
alternate the programs; medians, and each round's ratio): pages/s of
`reportkit index` end to end (cold, no cache), of `pdftotext` (poppler-utils) and of raw pypdf extraction,
their ratios, peak memory of the whole process tree (main process plus reading workers), how peak memory
moves as pages double, and the time of a re-run served from the text cache. Targets (issue 2): end to end
<= 2.5x pdftotext's time; peak <= 300 MB and flat as pages grow; cached re-run <= 10 % of the first run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def tree_peak(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command; return (seconds, peak MB of the summed RSS of it and all its children)."""
    start = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    while proc.poll() is None:
        try:
            procs = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 6):
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.read().decode()[-500:]}")  # type: ignore[union-attr]
    return seconds, peak / 1e6


def make_bundle(pages: int, path: Path) -> None:
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
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="reportkit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    half, full = work / f"bundle-{args.pages // 2}.pdf", work / f"bundle-{args.pages}.pdf"
    make_bundle(args.pages // 2, half)
    make_bundle(args.pages, full)
    from pypdf import PdfReader

    n_pages = len(PdfReader(full).pages)
    print(f"bundle: {n_pages} pages, {full.stat().st_size / 1e6:.1f} MB ({full})")

    cache = work / "cache"
    env = installed_env(work)
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        print("PYTHONDONTWRITEBYTECODE is set here: reportkit runs with its bytecode cached in the work folder")
    _, m_half = tree_peak(reportkit_cmd(half, work / "out-half", cache, no_cache=True), env)  # also compiles
    has_pdftotext = shutil.which("pdftotext") is not None
    if not has_pdftotext:
        print("pdftotext not found (apt-get install poppler-utils): ratio to it not measured")
    # Rounds alternate the programs, so that a slow spell of a shared machine hits both; medians are reported.
    cold: list[tuple[float, float]] = []
    ptt: list[tuple[float, float]] = []
    fill: list[float] = []
    cached: list[tuple[float, float]] = []
    for _ in range(args.repeat):
        cold.append(tree_peak(reportkit_cmd(full, work / "out", cache, no_cache=True), env))
        if has_pdftotext:
            ptt.append(tree_peak(["pdftotext", str(full), str(work / "pdftotext.txt")]))
        shutil.rmtree(cache, ignore_errors=True)
        fill.append(tree_peak(reportkit_cmd(full, work / "out", cache, no_cache=False), env)[0])
        cached.append(tree_peak(reportkit_cmd(full, work / "out", cache, no_cache=False), env))
    t_rk, m_rk = statistics.median(t for t, _ in cold), max(m for _, m in cold)
    rows = [("reportkit index (cold, no cache)", t_rk, m_rk)]
    t_ptt = 0.0
    if ptt:
        t_ptt = statistics.median(t for t, _ in ptt)
        rows.append(("pdftotext", t_ptt, max(m for _, m in ptt)))
    code = "import sys; from pypdf import PdfReader; r = PdfReader(sys.argv[1]); [p.extract_text() for p in r.pages]"
    t_pypdf, m_pypdf = tree_peak([sys.executable, "-c", code, str(full)])
    rows.append(("raw pypdf extract_text", t_pypdf, m_pypdf))
    t_fill = statistics.median(fill)
    t_cached, m_cached = statistics.median(t for t, _ in cached), max(m for _, m in cached)

    print(f"\n{'what':36} {'seconds':>8} {'pages/s':>8} {'peak MB':>8}")
    for name, seconds, peak in rows:
        print(f"{name:36} {seconds:8.2f} {n_pages / seconds:8.0f} {peak:8.0f}")
    print(f"(median of {args.repeat} alternating rounds; raw pypdf: one run)")
    if t_ptt:
        each = ", ".join(f"{a / b:.2f}" for (a, _), (b, _) in zip(cold, ptt, strict=True))
        print(f"\nreportkit / pdftotext time: {t_rk / t_ptt:.2f}x (target <= 2.5x; each round: {each})")
    print(f"reportkit / raw pypdf time: {t_rk / t_pypdf:.2f}x")
    print(
        f"peak memory at {args.pages // 2} pages: {m_half:.0f} MB; at {n_pages}: {m_rk:.0f} MB (target <= 300 MB, flat)"
    )
    print(
        f"re-run from the cache: {t_cached:.2f} s = {100 * t_cached / t_fill:.0f} % of the run that "
        f"filled it ({t_fill:.2f} s; target <= 10 %), peak {m_cached:.0f} MB"
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

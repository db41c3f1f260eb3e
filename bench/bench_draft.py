"""Draft timings on the sample cases: prints a table of seconds per step (not a test).

python bench/bench_draft.py            # IME and second-opinion samples, every format
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> float:
    """Seconds for one `reportkit` command run as a user runs it (a fresh process)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "reportkit", *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = ["--no-cache"]
        for name in ("ime-case", "second-opinion-case"):
            case = Path(tmp) / name
            shutil.copytree(ROOT / "samples" / name, case, ignore=shutil.ignore_patterns("index", "drafts"))
            cold = run("draft", str(case), *cache)
            rows.append((f"{name}: draft docx+md+html, records indexed (cold, --no-cache)", cold))
            rows.append((f"{name}: draft again, index reused", run("draft", str(case))))
            docx_only = run("draft", str(case), "-f", "docx", "--out", f"{tmp}/{name}-docx")
            rows.append((f"{name}: draft docx only, index reused", docx_only))
            if shutil.which("soffice"):
                pdf = run("draft", str(case), "-f", "pdf", "--out", f"{tmp}/{name}-pdf")
                rows.append((f"{name}: draft pdf (LibreOffice headless)", pdf))
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "reportkit", "check", str(case)], capture_output=True)
            rows.append((f"{name}: check", time.perf_counter() - start))
        letter = ROOT / "samples/ime-case/referral-letter.pdf"
        rows.append(("questions referral-letter.pdf", run("questions", str(letter))))
        rows.append(("templates check (built-ins)", run("templates", "check")))
    width = max(len(r[0]) for r in rows)
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

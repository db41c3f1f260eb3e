"""How `reportkit questions` reads faxes of a referral letter: the sample letter faxed with several seeds and
noise levels, each reading compared with the born-digital letter's, question by question.

    python bench/eval_questions.py [--seeds 8] [--noise 1.0 1.6]

Prints, per fax, the exit code, whether the questions and their numbering are all there, how many
questions are letter-for-letter the same and the lowest similarity of a question's text; then a summary.
A reading that exits 0 must have every question: one that does not is counted as a quiet failure.
"""

from __future__ import annotations

import argparse
import difflib
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))

from make_fax_copy import REFERRAL, fax_file  # noqa: E402


def read(path: Path, cache: Path) -> tuple[int, list[tuple[str, str]]]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}  # each run reads by OCR, not from your cache
    done = subprocess.run([sys.executable, "-m", "reportkit", "questions", str(path)], capture_output=True,
                          text=True, env=env)  # fmt: skip
    found = yaml.safe_load(done.stdout)["questions"] if done.stdout.startswith("questions:") else []
    flat = []
    for q in found:
        flat.append((str(q["number"]), q["text"]))
        flat += [(f"{q['number']}{p['number']}", p["text"]) for p in q.get("parts", [])]
    return done.returncode, flat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--noise", type=float, nargs="+", default=[1.0, 1.6])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _, want = read(REFERRAL, work / "cache")
        whole = flagged = quiet = exact = 0
        lowest = 1.0
        for noise in args.noise:
            for seed in range(1, args.seeds + 1):
                fax = fax_file(REFERRAL, work / f"fax-{seed}-{noise}.pdf", random.Random(seed), noise=noise)
                code, got = read(fax, work / "cache")
                same_numbers = [n for n, _ in got] == [n for n, _ in want]
                pairs = zip(want, got, strict=False)
                ratios = [difflib.SequenceMatcher(None, a, b).ratio() for (_, a), (_, b) in pairs]
                alike = sum(1 for r in ratios if r == 1.0) if same_numbers else 0
                worst = min(ratios) if same_numbers and ratios else 0.0
                whole_list = "yes" if same_numbers else "no"
                print(f"noise {noise:.1f} seed {seed}: exit {code}, all {len(want)} items in order: {whole_list}, "
                      f"identical {alike}, lowest similarity {worst:.3f}")  # fmt: skip
                if code == 0 and same_numbers:
                    whole += 1
                    exact += alike
                    lowest = min(lowest, worst)
                elif code == 0:
                    quiet += 1
                else:
                    flagged += 1
        total = args.seeds * len(args.noise)
        print(f"\n{total} faxes: {whole} whole (exit 0, every question in order), {flagged} flagged (exit "
              f"3 or 7), {quiet} quiet failures; in the whole ones {exact} of "
              f"{whole * len(want)} items letter for letter, lowest similarity {lowest:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()

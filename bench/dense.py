"""A bundle of dense, distinct clinical notes for the speed benches: real transcribed reports, one after another.

    python bench/dense.py OUT.pdf [--pages 2100] [--seed 1]

Every MTSamples report of ../shared/corpus/text/mtsamples-dev.csv (read at run time, never copied into the
repository) becomes one document: a letterhead, a patient line with a date of service, the report's title
and its full text, in 10-point type on US Letter; documents follow one another until the bundle has the
pages asked for (the reports are taken in a seeded random order; with more pages than the reports fill, the
order starts again under other patients). These pages hold several times the words of the sample case's
template notes, which is what the index's per-word rules meet in real records.

:func:`available` says whether the corpus is here; benches skip the dense runs with that reason when not.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from notes import MTSAMPLES, load_mtsamples

FONT, SIZE, LEADING = "Helvetica", 10.0, 12.5
MARGIN = 54.0
PRACTICES = (
    "Riverside Internal Medicine", "Summit Orthopaedic Associates", "Bayview Neurology Clinic",
    "Cedar Valley Hospital", "Northpoint Imaging Center", "Mercy Family Practice",
)  # fmt: skip
SURNAMES = ("Alvarez", "Brennan", "Chowdhury", "Dubois", "Eriksen", "Fitzgerald", "Garza", "Haddad")
GIVEN = ("Maria", "Thomas", "Aisha", "Pierre", "Ingrid", "Sean", "Lucia", "Omar")


def available() -> str | None:
    """None when the dense bundle can be made; else the reason it cannot."""
    return None if MTSAMPLES.is_file() else f"{MTSAMPLES} is absent (the shared corpus is not here)"


def make_dense(out: Path, pages: int = 2100, seed: int = 1) -> int:
    """Write the dense bundle to ``out``; returns its page count (at least ``pages``, ending on a whole note)."""
    notes = load_mtsamples()
    if not notes:
        raise SystemExit(f"no reports read from {MTSAMPLES}")
    rng = random.Random(seed)
    pdf = canvas.Canvas(str(out), pagesize=letter, invariant=True, pageCompression=1)
    width, height = letter
    done, round_no = 0, 0
    while done < pages:
        order = list(range(len(notes)))
        rng.shuffle(order)
        for k in order:
            if done >= pages:
                break
            patient = f"{GIVEN[(k + round_no) % len(GIVEN)]} {SURNAMES[(k * 7 + round_no) % len(SURNAMES)]}"
            seen = date(2019, 1, 1) + timedelta(days=rng.randrange(1500))
            head = [
                PRACTICES[k % len(PRACTICES)],
                f"Patient: {patient}    Date of service: {seen:%m/%d/%Y}",
                "",
            ]
            body: list[str] = []
            for para in notes[k].body.split("\n"):
                body += simpleSplit(para.strip(), FONT, SIZE, width - 2 * MARGIN) or [""]
            lines = head + body
            y = height - MARGIN
            done += 1
            for line in lines:
                if y < MARGIN:
                    pdf.showPage()
                    done += 1
                    y = height - MARGIN
                pdf.setFont(FONT, SIZE)
                pdf.drawString(MARGIN, y, line)
                y -= LEADING
            pdf.showPage()
        round_no += 1
    pdf.save()
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=2100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    reason = available()
    if reason:
        raise SystemExit(f"cannot make the dense bundle: {reason}")
    print(f"{make_dense(args.out, args.pages, args.seed)} pages -> {args.out}")


if __name__ == "__main__":
    main()

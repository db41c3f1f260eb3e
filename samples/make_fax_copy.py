"""Make a fax-like, image-only copy of the sample case: what a scanned or faxed bundle looks like.

Every page of ``samples/ime-case/records/*.pdf`` is rasterised at 200 dpi, turned by a small random skew
(up to ±2°), reduced to 1-bit black and white, sprinkled with noise (black specks and white dropouts) and
written back as an image-only PDF (CCITT G4, as faxes are). With ``--turn`` two pages come out sideways
and one upside down, as pages of real bundles do. Nothing is left of the text layer: only OCR can read it.

    python samples/make_fax_copy.py OUT_DIR [--pages N] [--turn] [--seed 4]
    python samples/make_fax_copy.py --referral    # samples/ime-case/referral-letter-fax.pdf

The copy of the records is deterministic (seeded) and is not committed: it is made when needed
(bench/eval_ocr.py, tests). The faxed referral letter is committed beside the letter it was made from, for
trying `reportkit questions` on a fax.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path

import pypdfium2
from PIL import Image

CASE = Path(__file__).resolve().parent / "ime-case"
RECORDS = CASE / "records"
REFERRAL = CASE / "referral-letter.pdf"
REFERRAL_FAX = CASE / "referral-letter-fax.pdf"
DPI = 200
TURNS = {3: 90, 21: 180, 40: 270}
"""Bundle page (1-based, across the sample's files) → clockwise turn applied with ``--turn``."""


def fax_page(
    image: Image.Image, rng: random.Random, turn: int = 0, max_skew: float = 2.0, noise: float = 1.0
) -> Image.Image:
    """One page made fax-like: skewed (up to ``max_skew`` degrees), 1-bit, speckled (``noise`` scales the
    number of specks and dropouts)."""
    angle = rng.uniform(-max_skew, max_skew)
    gray = image.convert("L").rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    bw = gray.point(lambda v: 255 if v > 150 else 0).convert("1")
    pixels = bw.load()
    assert pixels is not None
    width, height = bw.size
    for _ in range(int(width * height * noise / 1500)):  # black specks
        pixels[rng.randrange(width), rng.randrange(height)] = 0
    for _ in range(int(width * height * noise / 400)):  # white dropouts (some fall on ink)
        pixels[rng.randrange(width), rng.randrange(height)] = 255
    if turn:
        bw = bw.rotate(-turn, expand=True)
    return bw


def fax_file(source: Path, target: Path, rng: random.Random, *, max_skew: float = 2.0, noise: float = 1.0) -> Path:
    """An image-only, fax-like copy of one PDF."""
    doc = pypdfium2.PdfDocument(source)
    images = []
    for index in range(len(doc)):
        page = doc[index]
        images.append(fax_page(page.render(scale=DPI / 72, grayscale=True).to_pil(), rng, 0, max_skew, noise))
        page.close()
    doc.close()
    _save(images, target)
    return target


def _save(images: list[Image.Image], target: Path) -> None:
    images[0].save(
        target, save_all=True, append_images=images[1:], resolution=DPI, title="fax copy", creationDate=None,
        modDate=None,
    )  # fmt: skip


def make_copy(
    out_dir: Path,
    *,
    pages: int | None = None,
    turn: bool = False,
    seed: int = 4,
    max_skew: float = 2.0,
    noise: float = 1.0,
) -> list[Path]:
    """Write a fax-like copy of each sample file to ``out_dir``; ``pages`` keeps only the first N per file."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    bundle_page = 0
    for source in sorted(RECORDS.glob("*.pdf")):
        doc = pypdfium2.PdfDocument(source)
        images = []
        for index in range(len(doc)):
            bundle_page += 1
            if pages is not None and index >= pages:
                continue
            page = doc[index]
            image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            images.append(fax_page(image, rng, TURNS.get(bundle_page, 0) if turn else 0, max_skew, noise))
            page.close()
        doc.close()
        target = out_dir / source.name
        _save(images, target)
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, nargs="?")
    parser.add_argument(
        "--referral", action="store_true", help=f"write {REFERRAL_FAX.name} (beside the letter, or in OUT_DIR)"
    )
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages of each file")
    parser.add_argument("--turn", action="store_true", help="turn three pages sideways / upside down")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--max-skew", type=float, default=2.0, help="degrees (default 2)")
    parser.add_argument("--noise", type=float, default=1.0, help="specks and dropouts, times the default")
    args = parser.parse_args(argv)
    if args.referral:  # beside the letter, or in OUT_DIR when one is given
        target = args.out_dir / REFERRAL_FAX.name if args.out_dir else REFERRAL_FAX
        if args.out_dir:
            args.out_dir.mkdir(parents=True, exist_ok=True)
        print(fax_file(REFERRAL, target, random.Random(args.seed), max_skew=args.max_skew, noise=args.noise))
        return
    if args.out_dir is None:
        parser.error("give OUT_DIR, or --referral")
    copies = make_copy(
        args.out_dir, pages=args.pages, turn=args.turn, seed=args.seed, max_skew=args.max_skew, noise=args.noise
    )
    for path in copies:
        print(path)


if __name__ == "__main__":
    main()

"""Which pages go to OCR, and in what order. A page with a text layer too short to trust is OCR'd only when it
holds something else to read: an image, a shading, or text drawn as outlines. A short page of text and nothing
else (a report's last line spilling onto a page of its own) keeps its text layer and costs no OCR. A tesseract
that records each run shows which pages went to it (each run fails, so a page read by it says so in the
index). Scanned pages go to OCR most ink first."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from conftest import fake_tesseract
from reportkit.cli import app
from reportkit.errors import ExitCode

NOTE = "Patient seen today for follow-up of low back pain; improving with therapy, continue home exercises."


def bundle(path: Path, tmp_path: Path) -> Path:
    """Four pages: a note, its last word alone on a page, the same short line beside a logo image, and the
    same short line beside a signature drawn as 300 little paths (text as outlines looks like this)."""
    logo = tmp_path / "logo.png"
    Image.new("L", (120, 60), 90).save(logo)
    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    pdf.drawString(72, 700, NOTE)
    pdf.showPage()
    pdf.drawString(72, 700, "contact.")
    pdf.showPage()
    pdf.drawString(72, 700, "contact.")
    pdf.drawImage(str(logo), 72, 600, 120, 60)
    pdf.showPage()
    pdf.drawString(72, 700, "contact.")
    for k in range(300):
        pdf.line(72 + k, 600, 73 + k, 602 + k % 7)
    pdf.showPage()
    pdf.save()
    return path


def recording_tesseract(tmp_path: Path) -> dict[str, str]:
    return fake_tesseract(tmp_path, f'echo run >> "{tmp_path}/runs"; exit 1')


def test_a_short_page_of_text_alone_keeps_its_text_layer_and_is_not_ocrd(tmp_path: Path) -> None:
    pdf = bundle(tmp_path / "records.pdf", tmp_path)
    env = recording_tesseract(tmp_path)
    result = CliRunner().invoke(app, ["index", str(pdf), "--no-cache", "--out", str(tmp_path / "o")], env=env)
    assert result.exit_code == ExitCode.OK, result.output
    index = json.loads((tmp_path / "o" / "index.json").read_text())
    pages = {p["page"]: p for p in index["pages"]}
    assert pages[1]["text_source"] == "embedded"
    assert pages[2]["text_source"] == "embedded" and pages[2]["chars"] == len("contact.")
    failed = [w for w in index["warnings"] if "OCR failed" in w]
    # the logo page and the outlined page went to OCR (and, this tesseract failing, say so); page 2 did not
    assert sorted(w.split(" page ")[1].split(":")[0] for w in failed) == ["3", "4"]
    assert (tmp_path / "runs").read_text().split() == ["run", "run"]
    said = [w for d in index["documents"] for w in d["warnings"] if "no text layer" in w]
    assert said == ["page(s) 3-4 have no text layer (scanned?): they need OCR"]  # not page 2
    assert "2 of 4 pages have no text layer and need OCR" in index["warnings"]


def test_ocr_always_still_reads_a_short_page_of_text(tmp_path: Path) -> None:
    pdf = bundle(tmp_path / "records.pdf", tmp_path)
    env = recording_tesseract(tmp_path)
    args = ["index", str(pdf), "--ocr", "always", "--no-cache", "--out", str(tmp_path / "o")]
    assert CliRunner().invoke(app, args, env=env).exit_code == ExitCode.OK
    assert len((tmp_path / "runs").read_text().split()) == 4


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract (apt-get install tesseract-ocr)")
def test_the_scanned_pages_with_the_most_ink_are_ocrd_first(tmp_path: Path) -> None:
    """Workers that start on the longest pages end together; a scan's stored size foretells its ink."""
    from PIL import ImageDraw, ImageFont

    font = ImageFont.load_default(size=28)
    pages = []
    for name, lines in (("Alpha", 1), ("Bravo", 24), ("Charlie", 8)):
        image = Image.new("L", (1700, 2200), 255)
        draw = ImageDraw.Draw(image)
        for k in range(lines):
            draw.text((150, 150 + 70 * k), f"{name} note line {k}: pain improving with therapy", fill=0, font=font)
        pages.append(image.convert("1"))
    scan = tmp_path / "scan.pdf"
    pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=200)
    script = tmp_path / "tesseract"
    real = shutil.which("tesseract")
    script.write_text(  # the real tesseract, noting the first word it read of each page
        f'#!/bin/sh\n"{real}" "$@" || exit $?\ncase "$1" in -*) exit 0;; esac\n'
        f'awk \'NF {{print $1; exit}}\' "$2.txt" >> "{tmp_path}/order"\n'
    )
    script.chmod(0o755)
    env = {"REPORTKIT_TESSERACT": str(script)}
    args = ["index", str(scan), "--no-cache", "-j", "1", "--out", str(tmp_path / "o")]
    assert CliRunner().invoke(app, args, env=env).exit_code == ExitCode.OK
    assert (tmp_path / "order").read_text().split() == ["Bravo", "Charlie", "Alpha"]

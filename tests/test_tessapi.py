"""Tesseract through its library in the workers (ingest/tessapi.py): the same readings as the command, byte for
byte, on real fax pages; its deadline; the one-thread rule; and that an index run reads its scans through it.
Skipped, with the reason, without Tesseract or its library."""

from __future__ import annotations

import ctypes.util
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest

from conftest import ROOT, SAMPLE_CASE
from reportkit.ingest.ocr import find_tesseract

sys.path.insert(0, str(ROOT / "samples"))
from make_fax_copy import fax_page

ENGINE = find_tesseract()
LIBRARY = ctypes.util.find_library("tesseract")
pytestmark = pytest.mark.skipif(
    ENGINE is None or "eng" not in ENGINE.langs or LIBRARY is None,
    reason="needs Tesseract with English and its library (apt-get install tesseract-ocr tesseract-ocr-eng)",
)
RECORD = SAMPLE_CASE / "records" / "01-harborview-occupational-health.pdf"


def fax_pages(tmp_path: Path, count: int = 2) -> list[Path]:
    """Fax-like renderings of the sample's first pages: one saved as read in 1 bit, one levelled in grey."""
    rng = random.Random(11)
    doc = pypdfium2.PdfDocument(RECORD)
    paths = []
    for i in range(count):
        image = fax_page(doc[i].render(scale=200 / 72, grayscale=True).to_pil(), rng, 0)
        image = image.convert("1") if i % 2 == 0 else image.convert("L").rotate(1.0, fillcolor=255)
        path = tmp_path / (f"p{i}.pbm" if image.mode == "1" else f"p{i}.pgm")
        image.save(path)
        paths.append(path)
    doc.close()
    return paths


def in_fresh_python(code: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``code`` (which prints JSON) in a new interpreter: loading the library and OpenMP into pytest's own
    process would change it for the tests after this one. Nothing may be said on stderr: the library's own
    messages (its debug lines, its leak report at exit) would reach the user's terminal."""
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env or dict(os.environ), check=True
    )
    assert run.stderr == ""
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


LIBRARY_READS = """
import json, sys
from PIL import Image
from reportkit.ingest import tessapi
out = {{"available": tessapi.available("eng", {version!r})}}
out["pages"] = [tessapi.recognise(Image.open(p), 200, "eng", 3, 60.0) for p in {paths!r}]
try:
    tessapi.recognise(Image.open({paths!r}[0]), 200, "eng", 3, 0.001)
    out["deadline"] = "none"
except tessapi.RecogniseFailed as exc:
    out["deadline"] = "timed out" if exc.timed_out else "failed"
print(json.dumps(out))
"""


def test_the_library_reads_a_page_as_the_command_does_byte_for_byte(tmp_path: Path) -> None:
    assert ENGINE is not None
    paths = fax_pages(tmp_path)
    got = in_fresh_python(LIBRARY_READS.format(version=ENGINE.version, paths=[str(p) for p in paths]))
    assert got["available"] is True
    pages = got["pages"]
    assert isinstance(pages, list) and len(pages) == len(paths)
    for path, (text, tsv) in zip(paths, pages, strict=True):
        base = tmp_path / f"cli-{path.stem}"
        command = [ENGINE.path, str(path), str(base), "--dpi", "200", "--psm", "3", "-l", "eng", "txt", "tsv"]
        subprocess.run(command, capture_output=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        assert len(text.split()) > 50  # a real page of words, not two empty strings
        assert text.rstrip("\f") == base.with_suffix(".txt").read_text().rstrip("\f")
        assert tsv == base.with_suffix(".tsv").read_text()
    assert got["deadline"] == "timed out"


def test_a_process_whose_openmp_has_no_one_thread_limit_uses_the_command() -> None:
    assert ENGINE is not None and LIBRARY is not None
    code = (
        f"import ctypes, json; ctypes.CDLL({LIBRARY!r})\n"  # OpenMP loaded before reportkit could limit it
        f"from reportkit.ingest import tessapi; print(json.dumps(tessapi.available('eng', {ENGINE.version!r})))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    assert in_fresh_python(code, env) is False
    env["OMP_THREAD_LIMIT"] = "1"
    assert in_fresh_python(code, env) is True


def test_another_version_of_the_library_than_the_command_is_not_used() -> None:
    code = "import json; from reportkit.ingest import tessapi; print(json.dumps(tessapi.available('eng', '0.0.1')))"
    assert in_fresh_python(code) is False


def test_an_index_reads_its_scans_through_the_library_with_the_commands_results(tmp_path: Path) -> None:
    assert ENGINE is not None
    from PIL import Image

    images = [Image.open(p).convert("L") for p in fax_pages(tmp_path)]
    scan = tmp_path / "scan.pdf"
    images[0].save(scan, save_all=True, append_images=images[1:], resolution=200)
    # a tesseract on PATH that notes each run, then runs the real one
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "tesseract").write_text(f'#!/bin/sh\necho "$*" >> "{tmp_path}/runs"\nexec "{ENGINE.path}" "$@"\n')
    (shim / "tesseract").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("REPORTKIT_TESSERACT", "OMP_THREAD_LIMIT")}
    env["PATH"] = f"{shim}{os.pathsep}{env.get('PATH', '')}"
    base = [sys.executable, "-m", "reportkit", "index", str(scan), "--no-cache", "-q", "-j", "2"]
    run = subprocess.run([*base, "--out", str(tmp_path / "library")], env=env, check=True, capture_output=True)
    assert run.stderr == b""  # -q, and the library's own messages kept off the terminal
    asked = (tmp_path / "runs").read_text().split("\n")
    assert asked and all(line in ("--version", "--list-langs", "") for line in asked)  # no page went to it
    # the command itself (REPORTKIT_TESSERACT names a binary: the library is not used)
    env["REPORTKIT_TESSERACT"] = str(shim / "tesseract")
    subprocess.run([*base, "--out", str(tmp_path / "command")], env=env, check=True, capture_output=True)
    reads = [line for line in (tmp_path / "runs").read_text().split("\n") if line.endswith("txt tsv")]
    assert len(reads) == len(images)
    library, command = (json.loads((tmp_path / d / "index.json").read_text()) for d in ("library", "command"))
    assert [p["text_source"] for p in library["pages"]] == ["ocr"] * len(images)
    assert library["pages"] == command["pages"] and library["documents"] == command["documents"]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs the tesseract command")
def test_the_command_alone_is_used_outside_a_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A program calling reportkit's OCR in its own process keeps its process as it was: no library loaded,
    no OpenMP setting changed."""
    from PIL import Image

    from reportkit.ingest import ocr, tessapi

    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    path = fax_pages(tmp_path, 1)[0]
    reading = ocr.read_image(Image.open(path).convert("L"), 200, ocr.OcrSettings(engine_version="x"))
    assert reading.words and tessapi._STATE["tried"] is False and "OMP_THREAD_LIMIT" not in os.environ

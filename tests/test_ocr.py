"""OCR of image-only pages: real Tesseract runs on small image-only PDFs (skipped, with the reason, when Tesseract
is not installed), the page-hash cache, orientation, the searchable copy, bad input, and the OCR-noise repairs."""

from __future__ import annotations

import difflib
import io
import itertools
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from conftest import ROOT, SAMPLE_CASE, copy_of, fake_tesseract
from reportkit.api import IndexOptions, build_index, index_bundle
from reportkit.cli import app
from reportkit.errors import ExitCode
from reportkit.ingest.ocr import find_tesseract, flag_low_confidence
from reportkit.ingest.ocrfix import normalise_ocr
from reportkit.ingest.ocrpage import OCR_VERSION, OcrPage
from reportkit.ingest.textquality import needs_ocr, readable_share
from reportkit.models import Document, Evidence, Page

sys.path.insert(0, str(ROOT / "samples"))
from make_fax_copy import fax_page

ENGINE = find_tesseract()
needs_tesseract = pytest.mark.skipif(
    ENGINE is None or "eng" not in ENGINE.langs,
    reason="needs Tesseract with English (apt-get install tesseract-ocr tesseract-ocr-eng)",
)
runner = CliRunner()
HARBORVIEW = SAMPLE_CASE / "records" / "01-harborview-occupational-health.pdf"


def run(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["index", *map(str, args)], env=env)
    return result.exit_code, result.output


def image_pdf(images: list[Image.Image], path: Path, dpi: int = 200) -> Path:
    images[0].save(path, save_all=True, append_images=images[1:], resolution=dpi)
    return path


def fax_of(source: Path, pages: range, target: Path, turns: dict[int, int] | None = None) -> Path:
    """An image-only, fax-like copy of some pages of ``source`` (``turns``: page index → clockwise degrees)."""
    import random

    rng = random.Random(7)
    doc = pypdfium2.PdfDocument(source)
    images = [
        fax_page(doc[i].render(scale=200 / 72, grayscale=True).to_pil(), rng, (turns or {}).get(i, 0)) for i in pages
    ]
    doc.close()
    return image_pdf(images, target)


def first_pages(source: Path, count: int, target: Path) -> Path:
    writer = PdfWriter()
    for page in PdfReader(source).pages[:count]:
        writer.add_page(page)
    with target.open("wb") as fh:
        writer.write(fh)
    return target


def ink_under_text(pdf: Path, index: int) -> float:
    """Share of a page's text-layer characters that sit on ink in the page's own image: about 1 when the
    invisible text is placed over the words it was read from, far lower when it is misplaced or mirrored."""
    import ctypes

    doc = pypdfium2.PdfDocument(pdf)
    page = doc[index]
    image = page.render(scale=2, grayscale=True).to_pil().convert("L")
    text = page.get_textpage()
    count = text.count_chars()

    def to_pixel(x: float, y: float) -> tuple[int, int]:  # page space → bitmap (page /Rotate and boxes applied)
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pypdfium2.raw.FPDF_PageToDevice(page.raw, 0, 0, image.width, image.height, 0, x, y, dx, dy)
        return dx.value, dy.value

    on_ink = total = 0
    for i in range(0, count, max(1, count // 300)):
        if not text.get_text_range(i, 1).strip():
            continue
        left, bottom, right, top = text.get_charbox(i)
        (x1, y1), (x2, y2) = to_pixel(left, bottom), to_pixel(right, top)
        box = (min(x1, x2), min(y1, y2), max(x1, x2) + 1, max(y1, y2) + 1)
        total += 1
        on_ink += min(image.crop(box).tobytes(), default=255) < 128
    doc.close()
    return on_ink / total if total else 0.0


# --- no Tesseract needed ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("noisy", "clean"),
    [
        ("DOB:-04/12/1978", "DOB: 04/12/1978"),
        ("Date of Service: O4/l2/2O24", "Date of Service: 04/12/2024"),
        ("DOB;04/12/1978", "DOB: 04/12/1978"),
        ("seen 04 /12/ 19 78 in clinic", "seen 04/12/1978 in clinic"),
        ("DOB 09/23/1 981", "DOB 09/23/1981"),
        ("Dateof Service: 3/4/2024", "Date of Service: 3/4/2024"),
        ("DATE OFSERVICE: 3/4/2024", "DATE OF SERVICE: 3/4/2024"),
        ("D OB: 1/2/1990", "DOB: 1/2/1990"),
        ("March l4, 2O24", "March 14, 2024"),
        ("John Smith, M.0.", "John Smith, M.D."),
        ("Jane Roe M. D.", "Jane Roe M.D."),
        ("Ordering: Helen M: Castellano, MD", "Ordering: Helen M. Castellano, MD"),
        ("Dear Dr: Castellano:", "Dear Dr. Castellano:"),
        ("Sincerely;", "Sincerely,"),
        ("Page 1 of |", "Page 1 of 1"),
        ("Date of Surgery: 1 1/24/2022", "Date of Surgery: 11/24/2022"),
        ("Exhibit 16 Page | ,", "Exhibit 16 Page 1 ,"),
    ],
)
def test_ocr_noise_is_repaired(noisy: str, clean: str) -> None:
    assert normalise_ocr(noisy) == clean


@pytest.mark.parametrize(
    "prose",
    [
        "I/O ratio 3",
        "BP 120/80, HR 72",
        "Total: 10.5 mg",
        "Lifting 10 lb",
        "Page l/3",
        "Page I of II",
        "Visit 1 1/24/2022",
    ],
)
def test_ocr_repairs_leave_other_text_alone(prose: str) -> None:
    assert normalise_ocr(prose) == prose


def test_repaired_noise_gives_the_date_and_provider() -> None:
    from reportkit.understand.dates import candidates, choose_date
    from reportkit.understand.people import find_provider
    from reportkit.understand.text import page_lines

    noisy = (
        "PROGRESS NOTE\nPatient: Ann Lee DOB:-O4/l2/1978\nDateof Service; O3/l4/2O24\nSincerely;\nRenee Albright, D.0."
    )
    page = page_lines(1, normalise_ocr(noisy))
    found = {(c.value.isoformat(), c.role) for c in candidates([page])}
    assert ("2024-03-14", "service") in found
    assert ("1978-04-12", "excluded") in found
    assert choose_date([page], "progress_note").value == "2024-03-14"
    assert find_provider([page], "progress_note").value == "Renee Albright, D.O."
    # without the repairs the rules find neither
    raw = page_lines(1, noisy)
    assert choose_date([raw], "progress_note").value is None


def test_garbage_text_layers_need_ocr_real_text_does_not() -> None:
    real = "Date of Service: 03/14/2024\nPatient presents with low back pain after lifting at work. BP 120/80."
    assert not needs_ocr(real, 10)
    assert readable_share(real) > 0.9
    garbage = "ÿþ §¶ ¤¤¦ ¬ºª ÆÐ Þß ¦¦¦ ¤ ¶§ ÷× ¢£ ¥ ©® ¯° ±² ³´ µ· ¸¹"
    assert needs_ocr(garbage, 10)
    assert needs_ocr("3 .", 10)  # (nearly) empty
    assert needs_ocr("xq zzkw qrtp fgh vbnm xcvb", 10)  # letters without words
    assert not needs_ocr("حبيبي يا نور العين", 10)  # real text in another alphabet
    assert not needs_ocr("Пациент жалуется на боль в спине", 10)
    assert not needs_ocr("El paciente refiere dolor lumbar desde el accidente de trabajo.", 10)


def test_low_confidence_fields_carry_a_warning() -> None:
    pages = [Page(1, 0, 1, "ocr", 500, 55.0), Page(2, 0, 2, "ocr", 500, 93.0), Page(3, 0, 3, "embedded", 500)]
    docs = [
        Document(
            "D0001",
            1,
            1,
            "progress_note",
            None,
            "2024-03-14",
            "service",
            "A B, MD",
            None,
            evidence={"date": Evidence(1, "Date of Service"), "provider": Evidence(1, "A B, MD")},
        ),
        Document(
            "D0002",
            2,
            3,
            "progress_note",
            None,
            "2024-03-15",
            "service",
            None,
            None,
            evidence={"date": Evidence(2, "x"), "facility": Evidence(3, "y")},
        ),
    ]
    flagged = flag_low_confidence(docs, pages)
    assert [w for w in flagged[0].warnings if "confidence" in w] == [
        "date read by OCR from page 1 at 55% confidence: check it against the page",
        "provider read by OCR from page 1 at 55% confidence: check it against the page",
    ]
    assert flagged[1].warnings == []
    # with the lines as read, the line a value came from decides: a clean page with a smudged date line
    readings = {
        1: OcrPage("", 55.0, lines=(("Date of Service", 91.0), ("A B, MD", 48.5))),
        2: OcrPage("", 93.0, lines=(("x", 41.0), ("Other line", 95.0))),
    }
    flagged = flag_low_confidence(docs, pages, readings)
    assert [w for w in flagged[0].warnings if "confidence" in w] == [
        "provider read by OCR from page 1 at 48% confidence: check it against the page"
    ]
    assert flagged[1].warnings == ["date read by OCR from page 2 at 41% confidence: check it against the page"]


def test_without_tesseract_index_runs_and_says_once_how_to_install(tmp_path: Path) -> None:
    env = {"REPORTKIT_TESSERACT": str(tmp_path / "no-such-tesseract")}
    code, out = run(
        copy_of("ccitt.pdf", tmp_path), copy_of("UD_sample.pdf", tmp_path), "--out", tmp_path / "o", env=env
    )
    assert code == ExitCode.OK
    assert out.count("apt-get install tesseract-ocr") == 1
    index = json.loads((tmp_path / "o" / "index.json").read_text())
    assert [p["text_source"] for p in index["pages"]] == ["none", "embedded", "embedded", "embedded"]
    assert any("1 page(s) need OCR and were not read" in w and "apt-get" in w for w in index["warnings"])


def test_ocr_never_does_not_look_for_tesseract(tmp_path: Path) -> None:
    env = {"REPORTKIT_TESSERACT": str(tmp_path / "no-such-tesseract")}
    code, out = run(copy_of("ccitt.pdf", tmp_path), "--ocr", "never", "--out", tmp_path / "o", env=env)
    assert code == ExitCode.OK and "apt-get" not in out
    assert "note: 1 of 1 pages have no text layer and need OCR" in out  # said on the terminal, not only in files
    # the scan was not read: its document says it needs OCR, and does not call its pages blank
    import json

    (doc,) = json.loads((tmp_path / "o" / "index.json").read_text(encoding="utf-8"))["documents"]
    assert any("need OCR" in w for w in doc["warnings"]) and "blank page(s)" not in doc["warnings"], doc["warnings"]


def test_a_page_whose_ocr_hangs_is_marked_and_the_bundle_goes_on(tmp_path: Path) -> None:
    env = fake_tesseract(tmp_path, "sleep 30")
    code, out = run(
        copy_of("ccitt.pdf", tmp_path),
        copy_of("UD_sample.pdf", tmp_path),
        "--ocr-timeout",
        "1",
        "--no-cache",
        "--out",
        tmp_path / "o",
        env=env,
    )
    assert code == ExitCode.OK and "Traceback" not in out
    index = json.loads((tmp_path / "o" / "index.json").read_text())
    assert index["page_count"] == 4
    assert index["pages"][0]["text_source"] == "none"
    assert any(
        w.endswith("ccitt.pdf page 1: OCR failed: OCR took longer than 1 s and was stopped") for w in index["warnings"]
    )


def test_a_page_whose_ocr_fails_is_marked(tmp_path: Path) -> None:
    env = fake_tesseract(tmp_path, "echo 'Error in pixReadStream' >&2; exit 1")
    code, _ = run(copy_of("ccitt.pdf", tmp_path), "--no-cache", "--out", tmp_path / "o", env=env)
    assert code == ExitCode.OK
    index = json.loads((tmp_path / "o" / "index.json").read_text())
    assert index["pages"][0]["text_source"] == "none"
    assert any(
        w.endswith("ccitt.pdf page 1: OCR failed: tesseract stopped with exit code 1") for w in index["warnings"]
    )


def test_missing_language_pack_is_a_clear_message(tmp_path: Path) -> None:
    env = fake_tesseract(tmp_path, "exit 1")
    code, out = run(copy_of("ccitt.pdf", tmp_path), "--ocr-lang", "deu", "--out", tmp_path / "o", env=env)
    assert code == ExitCode.OK
    assert "Tesseract has no language data for deu" in out and "tesseract-ocr-deu" in out


@pytest.mark.parametrize("lang", ["eng;rm -rf x", "", "eng+", "+eng", "eng deu"])
def test_an_ocr_lang_that_is_no_list_of_languages_is_a_usage_error(tmp_path: Path, lang: str) -> None:
    code, out = run(copy_of("ccitt.pdf", tmp_path), "--ocr-lang", lang, "--out", tmp_path / "o")
    assert code == ExitCode.USAGE and "is not a list of Tesseract languages" in out and "apt-get" not in out
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("lang", ["eng", "eng+spa", "chi_sim", "script/Latin"])
def test_tesseract_language_codes_are_taken(lang: str) -> None:
    from reportkit.indexer.options import check_ocr_lang

    check_ocr_lang(lang)  # raises on a refused value


@needs_tesseract
def test_a_blank_scanned_page_gets_no_made_up_confidence(tmp_path: Path) -> None:
    blank = image_pdf([Image.new("1", (1700, 2200), 1)], tmp_path / "blank.pdf")
    code, out = run(blank, "--out", tmp_path / "o", "--no-cache")
    assert code == ExitCode.OK, out
    warnings = json.loads((tmp_path / "o" / "index.json").read_text(encoding="utf-8"))["warnings"]
    (line,) = [w for w in warnings if "read by OCR" in w]
    assert line.startswith("1 page(s) read by OCR; 1 with no text found") and "confidence" not in line, line


def test_searchable_copy_is_refused_over_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "searchable.pdf"
    target.write_bytes(b"keep")
    code, out = run(copy_of("UD_sample.pdf", tmp_path), "--ocr-output", target, "--out", tmp_path / "o")
    assert code == ExitCode.OUTPUT and "already exists" in out
    assert target.read_bytes() == b"keep"


def test_searchable_copy_never_replaces_an_input_nor_lands_among_them(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    source = copy_of("UD_sample.pdf", records)
    kept = source.read_bytes()
    (tmp_path / "link.pdf").symlink_to(source)
    os.link(source, tmp_path / "hard.pdf")
    for args in (
        (source, "--ocr-output", source),  # the input itself, --force or not
        (records, "--ocr-output", source),
        (records, "--ocr-output", tmp_path / "link.pdf"),  # a link to the input
        (records, "--ocr-output", tmp_path / "hard.pdf"),  # a hard link to a file of the input folder
        (records, "--ocr-output", records / "searchable.pdf"),  # inside the input folder
        (records, "--ocr-output", records / "sub" / "searchable.pdf"),
    ):
        code, out = run(*args, "--out", tmp_path / "o", "--force")
        assert code == ExitCode.USAGE, out
        said = ("names the input", "inside the input", "a link to the input")
        assert "--ocr-output" in out and any(s in out for s in said)
    assert source.read_bytes() == kept and sorted(p.name for p in records.iterdir()) == ["UD_sample.pdf"]
    assert not (tmp_path / "o").exists()  # refused before any work
    code, out = run(source, "--ocr-output", tmp_path / "s.pdf", "--ocr", "never", "--out", tmp_path / "never")
    assert code == ExitCode.OK and "--ocr never: the copy holds no OCR text" in out  # said, not left to be found
    for folder in (tmp_path, ""):  # a folder (or nothing) where the file's name goes
        code, out = run(source, "--ocr-output", folder, "--out", tmp_path / "o", "--force")
        assert code == ExitCode.USAGE and "--ocr-output is a folder" in out, out


@needs_tesseract
def test_an_upper_case_language_code_is_told_so_once(tmp_path: Path) -> None:
    code, out = run(copy_of("ccitt.pdf", tmp_path), "--ocr-lang", "ENG", "--out", tmp_path / "o", "--no-cache")
    assert code == ExitCode.OK and "its codes are lower case (--ocr-lang eng)" in out and "apt-get" not in out
    assert [line for line in out.splitlines() if line.startswith("note:")] == [
        line for line in out.splitlines() if "were not read" in line
    ]  # one note: why the pages were not read (not also that they need OCR)


@needs_tesseract
def test_a_searchable_copy_that_cannot_be_written_leaves_no_part_of_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reportkit.ingest.searchable as searchable

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(searchable.os, "replace", refuse)
    target = tmp_path / "copies" / "searchable.pdf"
    code, out = run(copy_of("ccitt.pdf", tmp_path), "--ocr-output", target, "--out", tmp_path / "o", "--no-cache")
    assert code == ExitCode.OUTPUT and "cannot be written (No space left on device)" in out, out
    assert list(target.parent.iterdir()) == []  # no .searchable.pdf.*.tmp with the records' text in it
    assert oct(target.parent.stat().st_mode & 0o777) == "0o700"  # a folder it made is private


# --- real Tesseract ---------------------------------------------------------------------------------------


@needs_tesseract
def test_fax_page_is_read_by_ocr(tmp_path: Path) -> None:
    code, out = run(copy_of("ccitt.pdf", tmp_path), "--out", tmp_path / "o", "--no-cache")
    assert code == ExitCode.OK, out
    index = json.loads((tmp_path / "o" / "index.json").read_text())
    page = index["pages"][0]
    assert page["text_source"] == "ocr" and page["chars"] > 2500
    assert page["confidence"] > 85
    assert not any("need OCR" in w for w in index["warnings"])
    assert any("1 page(s) read by OCR" in w for w in index["warnings"])


@pytest.fixture(scope="module")
def fax_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Four pages of a sample file, born-digital and as a fax (page 2 upside down), both indexed."""
    if ENGINE is None or "eng" not in ENGINE.langs:
        pytest.skip("needs Tesseract with English (apt-get install tesseract-ocr tesseract-ocr-eng)")
    tmp = tmp_path_factory.mktemp("fax")
    born = first_pages(HARBORVIEW, 4, tmp / "born.pdf")
    fax = fax_of(HARBORVIEW, range(4), tmp / "fax.pdf", turns={1: 180})
    cache = tmp / "cache"
    options = IndexOptions(cache_dir=cache, ocr_output=tmp / "searchable.pdf")
    born_index, _, _ = build_index([born], IndexOptions(use_cache=False))
    result = index_bundle([fax], tmp / "out", options)
    return {"born": born_index, "fax": result.index, "tmp": tmp, "cache": cache, "fax_pdf": fax}


def test_fax_copy_indexes_like_the_born_digital_pages(fax_run: dict[str, object]) -> None:
    born, fax = fax_run["born"], fax_run["fax"]
    assert [p.text_source for p in fax.pages] == ["ocr"] * 4  # type: ignore[attr-defined]

    def rows(index: object) -> list[tuple[object, ...]]:
        return [(d.first_page, d.last_page, d.doc_type, d.date, d.provider) for d in index.documents]  # type: ignore[attr-defined]

    assert rows(fax) == rows(born)
    assert all(p.confidence and p.confidence > 80 for p in fax.pages)  # type: ignore[attr-defined]


def test_a_fax_copy_filed_after_its_original_is_marked_its_copy(fax_run: dict[str, object]) -> None:
    """OCR text against embedded text: the faxed pages (OCR'd, from the cache) are copies of the born-digital
    ones before them, by words or, where OCR misread too many, by letters."""
    tmp = fax_run["tmp"]
    assert isinstance(tmp, Path)
    options = IndexOptions(cache_dir=fax_run["cache"])  # type: ignore[arg-type]
    index = index_bundle([tmp / "born.pdf", tmp / "fax.pdf"], tmp / "both", options).index
    born = sorted((d for d in index.documents if d.source == 0), key=lambda d: d.first_page)
    faxed = sorted((d for d in index.documents if d.source == 1), key=lambda d: d.first_page)
    assert len(born) == len(faxed) >= 2
    assert [d.duplicate_of for d in born] == [None] * len(born)
    assert [d.duplicate_of for d in faxed] == [d.id for d in born]


def test_upside_down_and_skewed_pages_are_read_and_placed(fax_run: dict[str, object]) -> None:
    searchable = fax_run["tmp"] / "searchable.pdf"  # type: ignore[operator]
    doc = pypdfium2.PdfDocument(searchable)
    assert len(doc) == 4
    for index in range(4):
        page = doc[index]
        text = page.get_textpage()
        found = text.search("harborview", match_case=False)
        hit = found.get_next()
        assert hit is not None, f"page {index + 1} of the searchable copy has no text layer"
        _left, bottom, _right, top = text.get_charbox(hit[0])
        # the letterhead is at the top of an upright page, at the bottom of the page that was faxed upside down
        if index == 1:
            assert top < 200
        else:
            assert bottom > 650
        assert [o.type for o in page.get_objects()].count(pypdfium2.raw.FPDF_PAGEOBJ_IMAGE) == 1
    doc.close()
    for index in range(4):
        assert ink_under_text(searchable, index) > 0.9


def test_a_page_faxed_upside_down_shows_upright_in_the_searchable_copy_and_reads_in_order(
    fax_run: dict[str, object],
) -> None:
    searchable = fax_run["tmp"] / "searchable.pdf"  # type: ignore[operator]
    born = fax_run["tmp"] / "born.pdf"  # type: ignore[operator]
    copy = PdfReader(searchable)
    assert [page.get("/Rotate", 0) for page in copy.pages] == [0, 180, 0, 0]  # turned back for showing
    for reader in ("pdftotext", "pdfium"):  # both read the turned page's lines first to last, like the original's
        got = _page_words(searchable, 1, reader)
        want = _page_words(born, 1, reader)
        first, last = want[:12], want[-12:]
        assert difflib.SequenceMatcher(None, got[:40], first, autojunk=False).find_longest_match().size >= 8
        assert difflib.SequenceMatcher(None, got[-40:], last, autojunk=False).find_longest_match().size >= 8


def _page_words(pdf: Path, index: int, reader: str) -> list[str]:
    if reader == "pdftotext":
        args = ["pdftotext", "-f", str(index + 1), "-l", str(index + 1), str(pdf), "-"]
        text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    else:
        doc = pypdfium2.PdfDocument(pdf)
        text = doc[index].get_textpage().get_text_range()
        doc.close()
    return re.findall(r"[a-z0-9]+", text.lower())


SENTENCES = [
    "The patient reports persistent lumbar pain radiating into the right posterior thigh since the lifting injury.",
    "Examination demonstrates paraspinal tenderness, restricted flexion and a negative straight leg raise bilaterally.",
    "Magnetic resonance imaging showed a broad-based disc protrusion at the fourth lumbar level without compression.",
    "Physical therapy was recommended three times weekly, with modified duty and no lifting over twenty pounds.",
]


def _words(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.findall(r"[a-z0-9]+", text.lower())


def _pdfium_words(pdf: Path) -> list[str]:
    doc = pypdfium2.PdfDocument(pdf)
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (apt-get install poppler-utils)")
def test_searchable_copy_of_a_tilted_page_extracts_whole_words_in_order(tmp_path: Path) -> None:
    """A page of long lines scanned 2 degrees askew. Its text layer must come out as whole words (text set at
    the page's slant came out of pdftotext cut inside words where the lines drift: "compon" / "ents"), in
    order (pdfium: Chrome's viewer; pdftotext breaks a drifting line into pieces but keeps their words), and
    still over the words' ink (a layer set level would be a line off at the ends of long lines)."""
    if ENGINE is None or "eng" not in ENGINE.langs:
        pytest.skip("needs Tesseract with English (apt-get install tesseract-ocr tesseract-ocr-eng)")
    page = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=28)
    lines = [SENTENCES[k % 4] for k in range(24)]
    for n, line in enumerate(lines):
        draw.text((110, 150 + n * 70), line, fill=0, font=font)
    tilted = page.rotate(2.0, resample=Image.Resampling.BILINEAR, fillcolor=255).point(lambda v: 255 if v > 150 else 0)
    scan = image_pdf([tilted.convert("1")], tmp_path / "tilted.pdf")
    copy = tmp_path / "copy.pdf"
    index_bundle([scan], tmp_path / "out", IndexOptions(use_cache=False, ocr_output=copy))
    truth = re.findall(r"[a-z0-9]+", " ".join(lines).lower())
    long_words = Counter(w for w in truth if len(w) >= 7)
    pairs = Counter(itertools.pairwise(truth))

    def whole(words: list[str]) -> float:
        return sum((Counter(words) & long_words).values()) / sum(long_words.values())

    def in_order(words: list[str]) -> float:
        return sum((Counter(itertools.pairwise(words)) & pairs).values()) / sum(pairs.values())

    assert whole(_words(copy)) >= 0.95  # measured: 0.98 (0.66 when set at the slant)
    assert whole(_pdfium_words(copy)) >= 0.95
    assert in_order(_pdfium_words(copy)) >= 0.95  # measured: 0.97
    assert in_order(_words(copy)) >= 0.6  # measured: 0.70 (0.50 at the slant)
    assert ink_under_text(copy, 0) >= 0.9  # measured: 0.98 (0.24 set level)


@pytest.mark.skipif(os.name != "posix", reason="file descriptor limits are POSIX")
def test_searchable_copy_of_more_files_than_descriptors(tmp_path: Path) -> None:
    """A bundle of more files than the process may hold open still gets its searchable copy, every page in
    order (the copy used to keep every input open until it was written)."""
    from reportlab.pdfgen import canvas

    records = tmp_path / "records"
    records.mkdir()
    for n in range(260):
        pdf = canvas.Canvas(str(records / f"{n:03d}.pdf"), invariant=1)
        pdf.drawString(72, 720, f"Progress note {n:03d}: seen today for low back pain, improving.")
        pdf.save()
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (200, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))\n"
        "from reportkit.api import IndexOptions, index_bundle\n"
        "index_bundle([Path(sys.argv[1])], Path(sys.argv[2]),"
        " IndexOptions(ocr='never', use_cache=False, jobs=1, ocr_output=Path(sys.argv[3])))\n"
    )
    copy = tmp_path / "copy.pdf"
    done = subprocess.run(
        [sys.executable, "-c", script, str(records), str(tmp_path / "out"), str(copy)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    doc = pypdfium2.PdfDocument(copy)
    assert len(doc) == 260
    assert [f"{n:03d}" in doc[n].get_textpage().get_text_range() for n in (0, 127, 128, 259)] == [True] * 4
    doc.close()


def test_searchable_copy_is_deterministic(fax_run: dict[str, object]) -> None:
    tmp: Path = fax_run["tmp"]  # type: ignore[assignment]
    again = tmp / "again.pdf"
    index_bundle([fax_run["fax_pdf"]], tmp / "out2", IndexOptions(cache_dir=fax_run["cache"], ocr_output=again))  # type: ignore[list-item,arg-type]
    assert again.read_bytes() == (tmp / "searchable.pdf").read_bytes()


def test_the_ocr_task_makes_the_text_layer_and_the_cache_keeps_none(fax_run: dict[str, object], tmp_path: Path) -> None:
    """The searchable copy's text layer is made beside the reading (the copy above was written from those);
    the cache stores the reading alone, and a page found there gets the same layer."""
    import gzip

    from reportkit.ingest.ocr import OcrSettings, ocr_page

    settings = OcrSettings(cache_dir=str(tmp_path / "cache"))
    fax = str(fax_run["fax_pdf"])
    reading = ocr_page(fax, None, 0, settings, None, False, True)
    assert reading.layer.startswith(b"%PDF") and not reading.cached
    stored = list((tmp_path / "cache").rglob("*.json.gz"))
    assert stored and all(b'"layer"' not in gzip.decompress(path.read_bytes()) for path in stored)
    again = ocr_page(fax, None, 0, settings, None, False, True)
    assert again.cached and again.layer == reading.layer
    assert not ocr_page(fax, None, 0, settings).layer  # no copy asked for: no layer made


def test_a_page_is_ocrd_once_even_inside_another_file(fax_run: dict[str, object]) -> None:
    tmp: Path = fax_run["tmp"]  # type: ignore[assignment]
    cache: Path = fax_run["cache"]  # type: ignore[assignment]
    entries = sorted((cache / f"ocr-v{OCR_VERSION}").rglob("*.json.gz"))
    assert len(entries) == 4
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    run_record = json.loads((tmp / "out" / "run.json").read_text())
    assert run_record["ocr"] == {"pages": 4, "from_cache": 0, "failed": 0}
    # the same scanned pages, re-sent inside another file with a new first page
    writer = PdfWriter()
    writer.add_page(PdfReader(copy_of("trivial.pdf", tmp)).pages[0])  # a blank page: quick to OCR
    for page in PdfReader(fax_run["fax_pdf"]).pages[2:]:  # type: ignore[arg-type]
        writer.add_page(page)
    resent = tmp / "resent.pdf"
    with resent.open("wb") as fh:
        writer.write(fh)
    _, bundle, _ = build_index([resent], IndexOptions(cache_dir=cache))
    assert [bundle.ocr[n].cached for n in (1, 2, 3)] == [False, True, True]
    assert len(sorted((cache / f"ocr-v{OCR_VERSION}").rglob("*.json.gz"))) == 5
    # the same file again: its pages are found by the file's hash, without even rendering them (no OCR tasks)
    stages: list[str] = []
    index, bundle, _ = build_index(
        [fax_run["fax_pdf"]],  # type: ignore[list-item]
        IndexOptions(cache_dir=cache),
        progress=lambda stage, done, total: stages.append(stage),
    )
    assert "ocr" not in stages
    assert [p.text_source for p in index.pages] == ["ocr"] * 4
    assert all(bundle.ocr[n].cached for n in (1, 2, 3, 4))
    assert index.to_dict()["pages"] == fax_run["fax"].to_dict()["pages"]  # type: ignore[attr-defined]


def test_pages_of_encrypted_files_are_never_cached(fax_run: dict[str, object], tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_page(PdfReader(copy_of("ccitt.pdf", tmp_path)).pages[0])
    writer.encrypt("s3cret", algorithm="AES-256")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    cache = tmp_path / "cache"
    index, _bundle, _ = build_index([locked], IndexOptions(cache_dir=cache, passwords=("s3cret",)))
    assert index.pages[0].text_source == "ocr"
    assert not (cache / f"ocr-v{OCR_VERSION}").exists()


@needs_tesseract
def test_a_garbage_text_layer_is_replaced_by_ocr(tmp_path: Path) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (1700, 600), 255)
    font = ImageFont.load_default(size=48)
    ImageDraw.Draw(image).multiline_text(
        (80, 80), "PROGRESS NOTE\nDate of Service: 03/14/2024\nPatient seen for low back pain.", fill=0, font=font
    )
    path = tmp_path / "garbage.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(612, 792), invariant=1)
    pdf.drawImage(ImageReader(image), 0, 792 - 216, 612, 216)
    text = pdf.beginText(72, 300)
    text.setTextRenderMode(3)  # invisible: a text layer that is only noise
    text.textLine("ÿþ §¶ ¤¤¦ ¬ºª ÆÐ Þß ¦¦¦ ¤ ¶§ ÷× ¢£ ¥ ©® ¯° ±² ³´ µ· ¸¹ ¦¦ ¤ ¶§ ÷×")
    pdf.drawText(text)
    pdf.save()
    index, bundle, _ = build_index([path], IndexOptions(use_cache=False))
    assert index.pages[0].text_source == "ocr"
    assert "Date of Service: 03/14/2024" in bundle.texts[0]
    assert index.documents[0].date == "2024-03-14"
    never, _, _ = build_index([path], IndexOptions(use_cache=False, ocr="never"))
    assert never.pages[0].text_source == "embedded"


def _huge_image_pdf(path: Path, side: int) -> Path:
    """A one-page PDF holding a ``side`` x ``side`` 1-bit white image (compressed, it is small on disk)."""
    squeeze = zlib.compressobj(9)
    row = b"\xff" * ((side + 7) // 8)
    data = bytearray()
    for _ in range(side // 64):
        data += squeeze.compress(row * 64)
    data += squeeze.compress(row * (side % 64)) + squeeze.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im0 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data)) + bytes(data) + b"\nendstream",
        b"<< /Length 32 >>\nstream\nq 612 0 0 792 0 0 cm /Im0 Do Q  \nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


@needs_tesseract
def test_huge_pages_and_images_are_downscaled_or_skipped_with_a_warning(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    big = tmp_path / "big-page.pdf"
    pdf = canvas.Canvas(str(big), pagesize=(30 * 72, 30 * 72), invariant=1)
    pdf.setFont("Helvetica", 96)
    pdf.drawString(144, 1800, "Site plan")
    for k in range(40):  # the plan's drawing: a page with more than its short text to read
        pdf.line(144 + 40 * k, 144, 144 + 40 * k, 1600)
    pdf.showPage()
    pdf.save()
    huge = _huge_image_pdf(tmp_path / "huge-image.pdf", 35_000)
    index, _, _ = build_index([big, huge, copy_of("UD_sample.pdf", tmp_path)], IndexOptions(use_cache=False))
    assert index.page_count == 5 and not index.skipped
    assert any("big-page.pdf page 1: is 30 x 30 inches: OCR'd at" in w for w in index.warnings)
    assert any(
        "huge-image.pdf page 1: holds a 35,000 x 35,000-pixel image, too large to OCR" in w for w in index.warnings
    )
    assert index.pages[1].text_source == "none"


# --- real scans from the shared corpus ---------------------------------------------------------------------


@needs_tesseract
@pytest.mark.corpus
def test_real_scan_linn_character_accuracy(corpus: Path) -> None:
    import difflib

    resources = corpus / "pdf" / "ocrmypdf-resources"
    _, bundle, _ = build_index([resources / "linn.pdf"], IndexOptions(use_cache=False))
    got = " ".join(bundle.texts[0].split())
    truth = " ".join((resources / "linn.txt").read_text(encoding="utf-8").split())
    assert difflib.SequenceMatcher(None, got, truth, autojunk=False).ratio() > 0.95


@needs_tesseract
@pytest.mark.corpus
def test_real_scan_at_four_rotations_all_read(corpus: Path, tmp_path: Path) -> None:
    import difflib

    from reportkit.ingest.searchable import write_searchable

    _, bundle, _ = build_index(
        [corpus / "pdf" / "ocrmypdf-resources" / "cardinal.pdf"], IndexOptions(use_cache=False, ocr_dpi=200)
    )
    searchable = write_searchable(bundle, tmp_path / "cardinal-searchable.pdf")
    texts = bundle.texts
    upright = " ".join(texts[0].split())
    assert len(upright) > 500
    for text in texts[1:]:
        assert difflib.SequenceMatcher(None, " ".join(text.split()), upright, autojunk=False).ratio() > 0.9
    for index in range(4):  # each page's text layer lies on its words, whichever way the scan was turned
        assert ink_under_text(searchable, index) > 0.9


def test_worker_environment_limits_tesseract_to_one_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = fake_tesseract(tmp_path, 'printf "%s" "$OMP_THREAD_LIMIT" > "$(dirname "$0")/omp"; exit 1')
    monkeypatch.setenv("REPORTKIT_TESSERACT", env["REPORTKIT_TESSERACT"])
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    build_index([copy_of("ccitt.pdf", tmp_path)], IndexOptions(use_cache=False, jobs=1))
    assert (tmp_path / "omp").read_text() == "1"


@needs_tesseract
def test_ocr_always_reads_pages_that_have_a_text_layer(tmp_path: Path) -> None:
    page = first_pages(HARBORVIEW, 1, tmp_path / "one.pdf")
    embedded, _, _ = build_index([page], IndexOptions(use_cache=False, ocr="never"))
    auto, _, _ = build_index([page], IndexOptions(use_cache=False))
    always, _, _ = build_index([page], IndexOptions(use_cache=False, ocr="always"))
    assert embedded.pages[0].text_source == auto.pages[0].text_source == "embedded"
    assert always.pages[0].text_source == "ocr" and always.pages[0].confidence
    assert always.settings["ocr"] == "always"
    assert [(d.doc_type, d.date) for d in always.documents] == [(d.doc_type, d.date) for d in embedded.documents]


def test_ctrl_c_during_ocr_leaves_no_tesseract_running(tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    env = {**os.environ, **fake_tesseract(tmp_path, "exec sleep 60"), "PYTHONUNBUFFERED": "1"}
    out_dir = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reportkit",
            "index",
            str(copy_of("ccitt.pdf", tmp_path)),
            "--out",
            str(out_dir),
            "--no-cache",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )

    def running() -> list[str]:
        ps = subprocess.run(["ps", "-eo", "pgid,args"], capture_output=True, text=True, check=True).stdout
        return [ln for ln in ps.splitlines() if ln.split(None, 1)[0] == str(proc.pid) and "<defunct>" not in ln]

    deadline = time.monotonic() + 30
    while not any("sleep 60" in ln for ln in running()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert any("sleep 60" in ln for ln in running()), "the (fake) tesseract never started"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert "Traceback" not in err
    assert not out_dir.exists() or not any(out_dir.iterdir())
    time.sleep(0.5)
    assert not running()


def test_text_layer_follows_page_rotation_crop_and_offset_boxes(fax_run: dict[str, object], tmp_path: Path) -> None:
    from pypdf.generic import RectangleObject

    from reportkit.ingest.searchable import write_searchable

    writer = PdfWriter()
    pages = PdfReader(fax_run["fax_pdf"]).pages  # type: ignore[arg-type]
    turned = writer.add_page(pages[0])
    turned.rotate(90)
    cropped = writer.add_page(pages[2])
    cropped.rotate(270)
    cropped.cropbox = RectangleObject([20, 30, 600, 780])
    shifted = writer.add_page(pages[3])
    shifted.mediabox = RectangleObject([-50, -40, 562, 752])
    overhanging = writer.add_page(pages[1])  # a crop box wider than the page: readers show the page
    overhanging.cropbox = RectangleObject([-100, -100, 800, 1000])
    odd = tmp_path / "odd-boxes.pdf"
    with odd.open("wb") as fh:
        writer.write(fh)
    index, bundle, _ = build_index([odd], IndexOptions(cache_dir=fax_run["cache"]))  # type: ignore[arg-type]
    assert [p.text_source for p in index.pages] == ["ocr"] * 4
    searchable = write_searchable(bundle, tmp_path / "odd-searchable.pdf")
    for i in range(4):
        assert ink_under_text(searchable, i) > 0.9


def test_a_stored_result_is_reused_with_another_ocr_engine_only_if_no_page_wanted_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OCR engine is asked about (a subprocess) only for a stored result that OCR took part in."""
    opts = IndexOptions(cache_dir=tmp_path / "cache", force=True)
    digital, scanned = [copy_of("UD_sample.pdf", tmp_path)], [copy_of("ccitt.pdf", tmp_path)]
    monkeypatch.setenv("REPORTKIT_TESSERACT", str(tmp_path / "no-such-tesseract"))
    assert not index_bundle(digital, tmp_path / "a", opts).from_cache
    unread = index_bundle(scanned, tmp_path / "b", opts)
    assert [p.text_source for p in unread.index.pages] == ["none"]

    failing = fake_tesseract(tmp_path, "exit 1")["REPORTKIT_TESSERACT"]
    monkeypatch.setenv("REPORTKIT_TESSERACT", failing)  # now there is an engine (one that fails)
    assert index_bundle(digital, tmp_path / "a", opts).from_cache
    tried = index_bundle(scanned, tmp_path / "b", opts)
    assert not tried.from_cache
    assert any("OCR failed: tesseract stopped with exit code 1" in w for w in tried.index.warnings)
    assert index_bundle(scanned, tmp_path / "b", opts).from_cache  # the same engine again


def test_a_scanned_form_typed_over_its_blanks_is_read_in_page_order(tmp_path: Path) -> None:
    """A scan has no text layer order to undo: Tesseract reads words where they sit, and a value typed a little
    above its blank (a line of its own for Tesseract: the underline is no text, the blank a wide gap after its
    label) is moved beside its label by the words' boxes, so the form is dated by its labelled visit."""
    if ENGINE is None or "eng" not in ENGINE.langs:
        pytest.skip("needs Tesseract with English (apt-get install tesseract-ocr tesseract-ocr-eng)")
    from test_real_bundles import _typed_over_form

    form = tmp_path / "form.pdf"
    _typed_over_form(form, [(104, 712, "2/8/26"), (216, 703, "Ferreira, Lucia T"), (372, 698, "6/14/80")])
    scan = fax_of(form, range(1), tmp_path / "scan.pdf")
    index = index_bundle([scan], tmp_path / "out", IndexOptions(use_cache=False)).index
    assert [p.text_source for p in index.pages] == ["ocr"]
    doc = index.documents[0]
    assert doc.date == "2026-02-08"
    assert doc.evidence["date"].snippet.startswith("Date: 2/8/26")  # read beside its label, not on its own


def test_a_scanned_page_is_rendered_at_its_own_resolution(fax_run: dict[str, object], tmp_path: Path) -> None:
    """A 200-dpi fax page is read at 200 dpi, not blown up to the 300-dpi default (issue 16); a page that is
    not one scan, and a scan above the default, use the default; `--ocr-dpi` is the most it is read at."""
    from reportkit.ingest.pdf import _scan_dpi, render_page

    fax = str(fax_run["fax_pdf"])
    assert render_page(fax, None, 0, 300, 40_000_000, 150_000_000).dpi == 200
    assert render_page(fax, None, 0, 300, 40_000_000, 150_000_000, scan_dpi=False).dpi == 300
    assert render_page(fax, None, 0, 150, 40_000_000, 150_000_000).dpi == 150
    letter = (612.0, 792.0)
    assert _scan_dpi([(1700, 2200, 612.0, 792.0)], *letter, 300) == 200
    assert _scan_dpi([(2550, 3300, 612.0, 792.0)], *letter, 300) == 300  # a 300-dpi scan
    assert _scan_dpi([(850, 1100, 612.0, 792.0)], *letter, 300) == 300  # 100 dpi: too coarse to read as is
    assert _scan_dpi([(1700, 2200, 306.0, 396.0)], *letter, 300) == 300  # a picture on a page, not a scan
    assert _scan_dpi([], *letter, 300) == 300
    readings = fax_run["fax"].pages  # type: ignore[attr-defined]
    assert all(p.text_source == "ocr" for p in readings)

"""Bates stamps, read back from the stamped PDF: on every page, inside the visible box, upright for the reader,
in the corner asked for when it is free, never on text, unique and consecutive. A Hypothesis property over page
sizes, box origins, CropBoxes and rotations, and the hostile real files named in the issue."""

from __future__ import annotations

import math
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit.packet import geometry
from reportkit.packet.build import stamp_pdf

CORNERS = ("lower-right", "lower-left", "upper-right", "upper-left")


@st.composite
def page_specs(draw: st.DrawFn) -> dict[str, object]:
    x0, y0 = draw(st.integers(-900, 900)), draw(st.integers(-900, 900))
    w, h = draw(st.integers(100, 1700)), draw(st.integers(100, 1700))
    crop = None
    if draw(st.booleans()):
        # insets as fractions; negative ones push the CropBox past the MediaBox (it is then clipped)
        f = st.floats(-0.2, 0.3, allow_nan=False)
        cl, cb, cr, ct = draw(f), draw(f), draw(f), draw(f)
        crop = [x0 + cl * w, y0 + cb * h, x0 + w - cr * w, y0 + h - ct * h]
    return {
        "media": [x0, y0, x0 + w, y0 + h],
        "crop": crop,
        "rotate": draw(st.sampled_from([0, 90, 180, 270, -90, 450])),
        "filled": draw(st.sets(st.sampled_from(CORNERS), max_size=4)),
    }


def _filler(box: geometry.Rect, rotation: int, corner: str) -> bytes:
    """Lines of text filling the reader's ``corner`` (both the normal and the close-to-edge stamp slots)."""
    page_w, page_h = geometry.display_size(box, rotation)
    matrix = " ".join(f"{v:.3f}" for v in geometry.display_to_user(box, rotation))
    vertical, _, horizontal = corner.partition("-")
    lines = []
    for k in range(5):
        v = 3 + 7 * k if vertical == "lower" else page_h - 9 - 7 * k
        u = 2 if horizontal == "left" else max(2, page_w - 130)
        lines.append(f"BT /F1 7 Tf 1 0 0 1 {u:.2f} {v:.2f} Tm (OCCUPIED OCCUPIED OCCUPIED) Tj ET")
    return f"q {matrix} cm {' '.join(lines)} Q\n".encode()


def make_pdf(specs: list[dict[str, object]], path: Path) -> None:
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for spec in specs:
        media = spec["media"]
        pdf.add_blank_page(page_size=(100, 100))
        page = pdf.pages[-1]
        page.obj.MediaBox = pikepdf.Array(media)
        if spec["crop"] is not None:
            page.obj.CropBox = pikepdf.Array(spec["crop"])
        page.obj.Rotate = spec["rotate"]
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        box = geometry.visible_box(geometry.rect(media), geometry.rect(spec["crop"]) if spec["crop"] else None)
        rotation = geometry.normalise_rotation(float(spec["rotate"]))  # type: ignore[arg-type]
        content = b"".join(_filler(box, rotation, c) for c in sorted(spec["filled"]))  # type: ignore[attr-defined]
        page.obj.Contents = pdf.make_stream(content)
    pdf.save(path)


def _boxes(textpage: object, start: int, count: int) -> list[geometry.Rect]:
    return [geometry.rect(textpage.get_charbox(start + i)) for i in range(count)]  # type: ignore[attr-defined]


def check_stamped(original: Path, stamped: Path, numbers: list[str], crowded: list[str], corner_check: bool) -> None:
    """Every promise about the stamps, read back with pdfium (an independent reader)."""
    doc = pdfium.PdfDocument(str(stamped))
    src = pikepdf.Pdf.open(original)
    assert len(doc) == len(numbers) == len(src.pages)
    assert len(set(numbers)) == len(numbers)
    assert [int(n[-7:]) for n in numbers] == list(range(int(numbers[0][-7:]), int(numbers[0][-7:]) + len(numbers)))
    for i, number in enumerate(numbers):
        page = doc[i]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        assert text.count(number) == 1, (i, number, text)
        at = text.index(number)
        # pdfium's char indexes follow get_text_range for text without generated spaces at the start
        found = textpage.search(number, match_case=True, match_whole_word=False)
        hit = found.get_next()
        assert hit is not None
        chars = _boxes(textpage, hit[0], hit[1])
        media = geometry.rect(page.get_mediabox())
        crop = geometry.rect(page.get_cropbox())
        visible = geometry.visible_box(media, crop)
        for ch in chars:
            assert visible.contains(ch, tolerance=0.5), (i, ch, visible)
        # upright for the reader: the text turns with /Rotate (pdfium reports angles clockwise)
        rotation = page.get_rotation()
        angle = math.degrees(pdfium_c.FPDFText_GetCharAngle(textpage, hit[0]))
        assert round(angle) % 360 == (360 - rotation) % 360, (i, angle, rotation)
        # never on text: no filler character touches a stamp character, unless every corner was full
        fillers = [
            geometry.rect(textpage.get_charbox(k))
            for k in range(textpage.count_chars())
            if not (hit[0] <= k < hit[0] + hit[1]) and text[k : k + 1].strip()
        ]
        overlap = any(c.intersects(f) for c in chars for f in fillers if f.width > 0)
        if number not in crowded:
            assert not overlap, (i, number)
        if corner_check and not fillers:
            # the reader's lower-right: render (pdfium applies /Rotate and the CropBox) and find the ink
            bitmap = page.render(scale=1).to_pil().convert("L")
            width, height = bitmap.size
            ink = bitmap.point(lambda v: 255 if v < 200 else 0).getbbox()
            assert ink is not None, (i, number)
            assert ink[2] >= width - 30 and ink[3] >= height - 30, (i, ink, bitmap.size)
        assert at >= 0
        textpage.close()
        page.close()
    doc.close()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(page_specs(), min_size=1, max_size=5), start=st.integers(0, 9_999_000))
def test_stamps_are_visible_upright_unique_consecutive_and_off_text(
    tmp_path: Path, specs: list[dict[str, object]], start: int
) -> None:
    src, out = tmp_path / "in.pdf", tmp_path / "out.pdf"
    make_pdf(specs, src)
    before = src.read_bytes()
    numbers, crowded = stamp_pdf(src, out, prefix="PROP", start=start)
    assert src.read_bytes() == before  # inputs are never modified
    assert numbers[0] == f"PROP{start:07d}"
    # a page with room and a free corner is never crowded
    for spec, number in zip(specs, numbers, strict=True):
        media = geometry.rect(spec["media"])  # type: ignore[arg-type]
        box = geometry.visible_box(media, geometry.rect(spec["crop"]) if spec["crop"] else None)  # type: ignore[arg-type]
        w, h = geometry.display_size(box, geometry.normalise_rotation(float(spec["rotate"])))  # type: ignore[arg-type]
        if w >= 300 and h >= 200 and len(spec["filled"]) < 4:  # type: ignore[arg-type]
            assert number not in crowded, (spec, number)
    check_stamped(src, out, numbers, crowded, corner_check=True)


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    [
        "ocrmypdf-resources/cardinal.pdf",
        "pdfplumber-tests/nics-background-checks-2015-11-rotated.pdf",
        "pypdf-resources/indirect-rotation.pdf",
    ],
)
def test_hostile_boxes_and_rotations_from_the_corpus(corpus: Path, tmp_path: Path, name: str) -> None:
    src = corpus / "pdf" / name
    out = tmp_path / "out.pdf"
    numbers, crowded = stamp_pdf(src, out, prefix="ODD", start=1)
    check_stamped(src, out, numbers, crowded, corner_check=False)


def test_geometry_round_trip_and_slot_inside_box() -> None:
    box = geometry.Rect(-50, 100, 250, 500)
    for rotation in (0, 90, 180, 270):
        r = geometry.Rect(10, 120, 40, 130)
        back = geometry.display_to_user_rect(geometry.user_to_display(r, box, rotation), box, rotation)
        assert back == pytest.approx(r)
        spot = geometry.place(box, rotation, (80, 14), [])
        w, h = geometry.display_size(box, rotation)
        assert spot.position == "lower-right"
        assert spot.area.x1 == pytest.approx(w - 18) and spot.area.y0 == pytest.approx(18)
        assert geometry.Rect(0, 0, w, h).contains(spot.area)


def test_stamp_shrinks_on_a_tiny_page_and_stays_inside() -> None:
    box = geometry.Rect(0, 0, 60, 40)
    spot = geometry.place(box, 0, (80, 14), [], font_size=10)
    assert spot.font_size < 10
    assert geometry.Rect(0, 0, 60, 40).contains(spot.area)


@pytest.mark.parametrize("rotate", [0, 90, 180])
def test_stamp_avoids_scanned_writing_on_an_image_only_page(tmp_path: Path, rotate: int) -> None:
    from PIL import Image, ImageDraw
    from reportlab.pdfgen import canvas

    # A "scan": a full-page image, black marks along the whole bottom edge except the left third (no text
    # layer), and in the upper-right corner.
    scan = Image.new("L", (612, 792), 255)
    draw = ImageDraw.Draw(scan)
    draw.rectangle((204, 792 - 60, 612, 792), fill=0)  # bottom band, x 204..612 (user space y 0..60)
    draw.rectangle((400, 0, 612, 60), fill=0)  # top-right
    image_path = tmp_path / "scan.png"
    scan.save(image_path)
    src = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(src), pagesize=(612, 792), invariant=1)
    c.drawImage(str(image_path), 0, 0, 612, 792)
    c.showPage()
    c.save()
    if rotate:
        pdf = pikepdf.Pdf.open(src, allow_overwriting_input=True)
        pdf.pages[0].obj.Rotate = rotate
        pdf.save(src)
    out = tmp_path / "out.pdf"
    numbers, crowded = stamp_pdf(src, out, prefix="SCAN")
    assert crowded == []
    doc = pdfium.PdfDocument(str(out))
    textpage = doc[0].get_textpage()
    hit = textpage.search(numbers[0], match_case=True).get_next()
    assert hit is not None
    ink = [geometry.Rect(204, 0, 612, 60), geometry.Rect(400, 732, 612, 792)]
    for ch in _boxes(textpage, hit[0], hit[1]):
        assert not any(ch.intersects(block) for block in ink), (ch, rotate)


@pytest.mark.corpus
def test_every_corpus_pdf_is_stamped_right_or_refused_clearly(corpus: Path, tmp_path: Path) -> None:
    from reportkit.errors import ReportkitError

    stamped = refused = 0
    for src in sorted((corpus / "pdf").rglob("*.pdf")):
        out = tmp_path / "out.pdf"
        try:
            numbers, crowded = stamp_pdf(src, out, prefix="CORPUSQ")
        except ReportkitError as exc:
            assert exc.exit_code in (3, 4), (src, exc.message)
            refused += 1
            continue
        check_stamped(src, out, numbers, crowded, corner_check=False)
        stamped += 1
    assert stamped > 80 and refused < 20


def test_position_digits_and_start_options(tmp_path: Path) -> None:
    src, out = tmp_path / "in.pdf", tmp_path / "out.pdf"
    make_pdf([{"media": [0, 0, 612, 792], "crop": None, "rotate": 0, "filled": set()}] * 2, src)
    numbers, _ = stamp_pdf(src, out, prefix="DOE-J", start=999, digits=9, position="upper-left", font_size=14)
    assert numbers == ["DOE-J000000999", "DOE-J000001000"]
    doc = pdfium.PdfDocument(str(out))
    textpage = doc[1].get_textpage()
    hit = textpage.search("DOE-J000001000", match_case=True).get_next()
    assert hit is not None
    box = geometry.rect(textpage.get_charbox(hit[0]))
    assert box.x0 < 40 and box.y1 > 792 - 40  # the reader's upper-left
    assert box.height > 8  # 14 pt digits, not the 10 pt default


def test_fallback_order_when_the_asked_corner_has_text() -> None:
    box = geometry.Rect(0, 0, 612, 792)
    lower_right_text = [geometry.Rect(450, 5, 610, 45)]
    spot = geometry.place(box, 0, (80, 14), lower_right_text)
    assert spot.position == "lower-left" and spot.clear
    everything = [geometry.Rect(0, 0, 612, 792)]
    spot = geometry.place(box, 0, (80, 14), everything)
    assert not spot.clear and spot.position == "lower-right"

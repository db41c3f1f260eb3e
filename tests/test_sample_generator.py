"""The sample generator reads its case from samples/content/*.yaml: an edit to a note changes that note's PDF
and nothing else, and a mistake in the content (an unknown template key, a missing or unknown field, a bad
date format or amount) stops it with a message naming the file and the key, before anything is written.
(That the content renders to the committed sample byte for byte is test_sample_case's first test.)"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, SAMPLE_CASE

sys.path.insert(0, str(ROOT / "samples"))
import generate
from samplegen.cast import load_cast, make_case
from samplegen.template import Context
from samplegen.yamlfile import ContentError

CONTENT = ROOT / "samples" / "content"
HARBORVIEW = "records/01-harborview-occupational-health.yaml"
ST_BRENDAN = "records/02-st-brendan-regional-medical-center.yaml"
NORTHGATE = "records/04-northgate-physical-therapy.yaml"
KEYSTONE = "records/05-keystone-mutual-claim-file.yaml"


def edited(tmp_path: Path, file: str, old: str, new: str) -> Path:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    path = content / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return content


def test_an_edited_note_changes_its_pdf_only(tmp_path: Path) -> None:
    old = "Lifted 15 lb box floor to waist x 10 with good mechanics."
    content = edited(tmp_path, NORTHGATE, old, "Lifted 18 lb crate floor to waist x 12 with good mechanics.")
    generate.write_case(tmp_path / "case", content)
    for pdf in sorted((SAMPLE_CASE / "records").glob("*.pdf")):
        made = (tmp_path / "case" / "records" / pdf.name).read_bytes()
        assert (made == pdf.read_bytes()) is (not pdf.name.startswith("04-")), pdf.name
    text = "\n".join(
        p.extract_text() for p in PdfReader(tmp_path / "case/records/04-northgate-physical-therapy.pdf").pages
    )
    assert "Lifted 18 lb crate" in text and "Lifted 15 lb box" not in text
    truth = (tmp_path / "case" / "ground_truth.json").read_text()
    assert truth == (SAMPLE_CASE / "ground_truth.json").read_text()  # same labels: only the words changed


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (HARBORVIEW, "{pt.mr} is a", "{pt.mister} is a", "unknown template key {pt.mister}"),
        (HARBORVIEW, "{2024-02-08:mdy} 17:46", "{2024-02-08} 17:46", "needs a format"),
        (HARBORVIEW, "On {doi:mdy} at", "On {doi:ymd} at", "needs a format"),
        (HARBORVIEW, "{age:2024-02-07}", "{age:2024-02-30}", "unknown date '2024-02-30'"),
        (HARBORVIEW, "{pt.last_first}", "{pt.last_first:lower}", "unknown format 'lower'"),
        (HARBORVIEW, "{pt.last_first}", "{pt.last_first", "unmatched brace"),
        (ST_BRENDAN, "  title: ITEMIZED STATEMENT\n", "", "(sb-bill): missing title"),
        (ST_BRENDAN, "  page_numbers: of\n", "  page_number: of\n", "unknown key page_number"),
        (HARBORVIEW, "label: 'CHIEF COMPLAINT:'", "lable: 'CHIEF COMPLAINT:'", "unknown key lable"),
        (HARBORVIEW, "  provider: occ\n", "  provider: doctor\n", "unknown role 'doctor'"),
        (ST_BRENDAN, "'18,450.00'", "'18450'", "amount is written like 1,845.00"),
        (ST_BRENDAN, "charges: [17, 23]", "charges: [17, 24]", "items of the document's charges: 1..23"),
        (KEYSTONE, "resend: sb-mri", "resend: sb-mra", "resend of unknown document 'sb-mra'"),
        (KEYSTONE, "P. {fax.page}", "P. {fax.sheet}", "unknown template key {fax.sheet}"),
        ("cast.yaml", "    style: banner\n", "    style: banner\n    colour: blue\n", "unknown key colour"),
    ],
)
def test_a_content_mistake_names_the_file_and_the_key(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    content = edited(tmp_path, file, old, new)
    with pytest.raises(ContentError) as err:
        generate.write_case(tmp_path / "case", content)
    assert str(content / file) in str(err.value) and message in str(err.value)
    assert not (tmp_path / "case").exists()  # checked before anything is written


def test_the_command_reports_a_content_mistake_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = edited(tmp_path, HARBORVIEW, "{pt.mr} is a", "{pt.mister} is a")
    assert generate.main(["--content", str(content), "--bench-pages", "10", "--out", str(tmp_path / "b.pdf")]) == 2
    assert "unknown template key {pt.mister}" in capsys.readouterr().err
    assert not (tmp_path / "b.pdf").exists()


def test_templates_shift_with_the_case() -> None:
    cast = load_cast(CONTENT / "cast.yaml")
    sample, variant = Context(cast, make_case(cast, 0)), Context(cast, make_case(cast, 3))
    text = "{pt.last:upper} {doi:long} {2024-03-12:mdy} age {age:2024-03-12} {surgeon.surname} {harborview.fax}"
    assert sample.resolve(text, "t") == "OKAFOR February 6, 2024 03/12/2024 age 42 Castellano (360) 555-0122"
    assert variant.resolve(text, "t") != sample.resolve(text, "t")
    assert variant.resolve("{harborview.fax}", "t") == "(360) 555-0122"  # facilities do not vary

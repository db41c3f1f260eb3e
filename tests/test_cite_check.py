"""`reportkit cite-check` (issue 17, part 1): a report with planted wrong citations, wrong quotes, a Bates and an
exhibit citation, as Markdown, DOCX and a scanned PDF, checked against the sample case's index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import textpdf
from conftest import SAMPLE_CASE
from reportkit import IndexOptions, index_bundle
from reportkit.citecheck.find import dates_in, find
from reportkit.citecheck.verify import quote_on
from reportkit.cli import app

runner = CliRunner()

REPORT = [
    # (sentence, the verdict it must get)
    ('The MRI of 2024-03-12 (pp. 13–14) showed "a left paracentral L4-5 disc extrusion with inferior migration".',
     "ok"),
    ("Dr. Mehta read the lumbar radiographs on February 6, 2024 (p. 12).", "ok"),
    ("The emergency physician saw him on 2024-02-09 (pp. 10-11).", "date differs"),
    ("Dr. Castellano's consultation (p. 12) found weakness.", "provider differs"),
    ("He was later seen again (page 99).", "no such page"),
    ('The operative report says "the nerve root was decompressed and free at the end of the case" (p. 18).',
     "quote not on page"),
    ('The MRI report reads "Left paracentral L4-5 disc extrusion with inferior migration" (p. 12).',
     "quote not on page"),
]  # fmt: skip


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cc") / "index"
    index_bundle([SAMPLE_CASE / "records"], out, IndexOptions(ocr="never"))
    return out


def _markdown(path: Path, lines: list[str]) -> Path:
    path.write_text("# Independent medical examination\n\n" + "\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_citation_forms_quotes_and_dates_are_found() -> None:
    text = (
        "See p. 12 and pp. 13–14; page 7, (p. 10-11), pp. 4, 6-7 and pp. 112-14. Bates OKAFOR0000123–125 and "
        "OKAFOR0000009. Ex. 3 at 4 too. He said \u201cthe pain is better today than last week\u201d on March 12, "
        "2024 (p. 5)."
    )
    found = find(text, ["OKAFOR"])
    forms = [(c.kind, c.text) for c in found]
    assert ("pages", "p. 12") in forms and ("pages", "pp. 13–14") in forms and ("pages", "page 7") in forms
    spans = {c.text: c.spans for c in found}
    assert spans["pp. 4, 6-7"] == ((4, 4), (6, 7)) and spans["pp. 112-14"] == ((112, 114),)
    assert spans["OKAFOR0000123–125"] == ((123, 125),) and spans["OKAFOR0000009"] == ((9, 9),)
    exhibit = next(c for c in found if c.kind == "exhibit")
    assert exhibit.exhibit == (3, 4, 4) and not any(c.kind == "pages" and c.text == "4" for c in found)
    last = found[-1]
    assert last.quotes == ("the pain is better today than last week",) and last.dates == ("2024-03-12",)
    assert dates_in("on 03/14/2024, 2024-01-02 and 5 June 2023") == ("2024-03-14", "2024-01-02", "2023-06-05")
    assert dates_in("Referral for Daniel Okafor, DOB 09/23/1981, injured on 2024-02-06, seen 2024-03-14") == (
        "2024-03-14",
    )
    # slash dates in either order: a day-first 25/03/2024 is 25 March; an ambiguous one is both readings
    assert dates_in("seen on 25/03/2024") == ("2024-03-25",)
    assert dates_in("seen on 04/03/2024") == ("2024-04-03", "2024-03-04")
    assert dates_in("seen on 03/03/2024 and 13/13/2024") == ("2024-03-03",)
    # a page of a book (the AMA Guides' tables and figures) is not a page of the records
    guides = find("Rated with Table 17-4, p. 570, and Figure 17-2, page 563, of the Guides, 6th ed., p. 12 (p. 36).")
    assert [c.text for c in guides] == ["p. 36"]
    assert find("no citations here, only 12 pages of notes") == []
    # the report's own page footer (a PDF report's text holds it) is no record page; "p. 3 of the MRI" is one
    footers = find("The MRI was normal (p. 13). Page 1 of 15 IME report Page 2 of 15. See p. 3 of the MRI.")
    assert [c.text for c in footers] == ["p. 13", "p. 3"]


def test_a_quote_matches_despite_ocr_slips_but_not_a_different_passage() -> None:
    page = "IMPRESSION: 1. Left paracentral L4-5 disc extrusion with inferior rnigration, compressing the nerve root."
    assert quote_on("left paracentral L4-5 disc extrusion with inferior migration", page)
    assert quote_on("a left paracentral L4-5 disc extrusion with inferior migration", page)  # a word added
    assert not quote_on("right foraminal L5-S1 disc protrusion without any migration", page)


def test_planted_errors_get_their_verdicts_and_the_exit_code_says_so(index_dir: Path, tmp_path: Path) -> None:
    report = _markdown(tmp_path / "report.md", [s for s, _ in REPORT])
    result = runner.invoke(app, ["cite-check", str(report), "--index", str(index_dir), "--json"])
    assert result.exit_code == 7, result.output
    rows = json.loads(result.stdout)
    assert [r["verdict"] for r in rows] == [v for _, v in REPORT]
    assert {"citation", "pages", "verdict", "detail", "document"} <= set(rows[0])
    assert rows[0]["pages"] == [13, 14] and rows[0]["document"].startswith("D0011 imaging 2024-03-12")
    assert "found on pp. " in rows[6]["detail"] and "14" in rows[6]["detail"]  # in the records, on other pages
    assert "not found in the records" in rows[5]["detail"]
    assert "dated 2024-02-06" in rows[2]["detail"] and "Castellano" in rows[3]["detail"]
    good = _markdown(tmp_path / "good.md", [s for s, v in REPORT if v == "ok"])
    checked = runner.invoke(app, ["cite-check", str(good), "--index", str(index_dir)])
    assert checked.exit_code == 0 and "2 citation(s): 2 check, 0 do not." in checked.output


def test_a_word_report_and_a_scanned_pdf_of_it_are_read(index_dir: Path, tmp_path: Path) -> None:
    import docx
    import pypdfium2 as pdfium

    from reportkit.ingest.ocr import find_tesseract

    document = docx.Document()
    for sentence, _ in REPORT:
        document.add_paragraph(sentence)
    document.save(str(tmp_path / "report.docx"))
    result = runner.invoke(app, ["cite-check", str(tmp_path / "report.docx"), "--index", str(index_dir), "--json"])
    assert [r["verdict"] for r in json.loads(result.stdout)] == [v for _, v in REPORT]
    if find_tesseract() is None:
        pytest.skip("Tesseract is not installed (sudo apt-get install tesseract-ocr tesseract-ocr-eng)")
    text = textpdf.write(tmp_path / "text.pdf", [[s.replace("\u2013", "-") for s, _ in REPORT]])
    image = pdfium.PdfDocument(str(text))[0].render(scale=300 / 72).to_pil().convert("L")
    image.save(tmp_path / "scanned.pdf", resolution=300)  # an image only: read by OCR
    result = runner.invoke(app, ["cite-check", str(tmp_path / "scanned.pdf"), "--index", str(index_dir), "--json"])
    verdicts = [r["verdict"] for r in json.loads(result.stdout)]
    assert verdicts[2:6] == ["date differs", "provider differs", "no such page", "quote not on page"], verdicts


def test_bates_and_exhibit_citations_need_and_use_the_packets_map(index_dir: Path, tmp_path: Path) -> None:
    packet = tmp_path / "packet"
    made = runner.invoke(app, ["packet", str(SAMPLE_CASE / "records"), "--out", str(packet), "--prefix", "OKAFOR",
                               "--no-ledger"])  # fmt: skip
    assert made.exit_code == 0, made.output
    report = _markdown(tmp_path / "r.md", ["The x-ray (OKAFOR0000012) was normal.", "Ex. 2 at 3 is the x-ray.",
                                           "And OKAFOR0000999 is not there."])  # fmt: skip
    bare = runner.invoke(app, ["cite-check", str(report), "--index", str(index_dir), "--json"])
    assert [r["verdict"] for r in json.loads(bare.stdout)] == ["unverifiable"]  # no map: the exhibit cannot be read
    mapped = runner.invoke(
        app, ["cite-check", str(report), "--index", str(index_dir), "--bates-map", str(packet), "--json"]
    )
    rows = json.loads(mapped.stdout)
    assert [(r["verdict"], r["pages"]) for r in rows] == [("ok", [12]), ("ok", [12]), ("no such page", [])]


def test_the_table_is_written_as_docx_markdown_or_csv_and_bad_input_is_named(index_dir: Path, tmp_path: Path) -> None:
    import docx

    report = _markdown(tmp_path / "report.md", [s for s, _ in REPORT])
    for name in ("t.md", "t.csv", "t.docx"):
        result = runner.invoke(
            app, ["cite-check", str(report), "--index", str(index_dir), "--out", str(tmp_path / name)]
        )
        assert result.exit_code == 7 and (tmp_path / name).is_file()
    assert "| pp. 10-11 | 10, 11 |" in (tmp_path / "t.md").read_text(encoding="utf-8")
    # a table that exists (the reader may have annotated it) is replaced only with --force; a folder never
    (tmp_path / "t.md").write_text("my notes", encoding="utf-8")
    kept = runner.invoke(app, ["cite-check", str(report), "--index", str(index_dir), "--out", str(tmp_path / "t.md")])
    assert kept.exit_code == 5 and "already exists" in kept.output and "Traceback" not in kept.output
    assert (tmp_path / "t.md").read_text(encoding="utf-8") == "my notes"
    (tmp_path / "folder.md").mkdir()
    for force in ([], ["--force"]):
        blocked = runner.invoke(
            app, ["cite-check", str(report), "--index", str(index_dir), "--out", str(tmp_path / "folder.md"), *force]
        )
        assert blocked.exit_code == 5 and "is a folder" in blocked.output
    # a folder without a suffix is named as a folder; a place under a file, and the report itself, are refused
    # before any work (the report is never replaced by its own table, even with --force)
    (tmp_path / "plain").mkdir()
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    for out, said in (("plain", "is a folder"), ("afile/t.md", "is a file, not a folder"),
                      ("report.md", "is the file being read")):  # fmt: skip
        refused = runner.invoke(
            app, ["cite-check", str(report), "--index", str(index_dir), "--out", str(tmp_path / out), "--force"]
        )
        assert refused.exit_code == 5 and said in " ".join(refused.output.split()), (out, refused.output)
        assert "Traceback" not in refused.output
    assert REPORT[0][0] in report.read_text(encoding="utf-8")
    replaced = runner.invoke(
        app, ["cite-check", str(report), "--index", str(index_dir), "--out", str(tmp_path / "t.md"), "--force"]
    )
    assert replaced.exit_code == 7 and "| pp. 10-11 | 10, 11 |" in (tmp_path / "t.md").read_text(encoding="utf-8")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig").splitlines()[
        0
    ] == "citation,pages,document,verdict,detail"
    table = docx.Document(str(tmp_path / "t.docx")).tables[0]
    assert [c.text for c in table.rows[0].cells][:4] == ["Citation", "Pages", "Document", "Verdict"]
    assert len(table.rows) == len(REPORT) + 1
    missing = runner.invoke(app, ["cite-check", str(tmp_path / "none.docx"), "--index", str(index_dir)])
    assert missing.exit_code == 3 and "report not found" in missing.output and "Traceback" not in missing.output
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    broken = runner.invoke(app, ["cite-check", str(tmp_path / "bad.docx"), "--index", str(index_dir)])
    assert broken.exit_code == 3 and "not a readable Word document" in broken.output


def test_every_citation_of_our_own_draft_checks(tmp_path: Path) -> None:
    import shutil

    case = tmp_path / "case"
    shutil.copytree(SAMPLE_CASE, case, ignore=shutil.ignore_patterns("index", "drafts"))
    assert runner.invoke(app, ["draft", str(case), "-q"]).exit_code == 0
    for draft in ("ime-report.docx", "ime-report.md"):
        result = runner.invoke(app, ["cite-check", str(case / "drafts" / draft), "--index", str(case), "--json"])
        rows = json.loads(result.stdout)
        assert result.exit_code == 0 and len(rows) > 50, [r for r in rows if r["verdict"] != "ok"][:3]


def test_check_fails_on_a_citation_of_the_draft_that_does_not_check(tmp_path: Path) -> None:
    import shutil

    import docx

    case = tmp_path / "case"
    shutil.copytree(SAMPLE_CASE, case, ignore=shutil.ignore_patterns("index", "drafts"))
    assert runner.invoke(app, ["draft", str(case), "-q"]).exit_code == 0
    before = runner.invoke(app, ["check", str(case)])
    assert "FAIL citation" not in before.output
    path = case / "drafts" / "ime-report.docx"
    document = docx.Document(str(path))
    document.add_paragraph("He was seen again by Dr. Castellano on 2024-02-06 (p. 12) and later (p. 99).")
    document.save(str(path))
    after = runner.invoke(app, ["check", str(case)])
    failed = [line for line in after.output.splitlines() if line.startswith("FAIL citation")]
    assert after.exit_code == 7 and len(failed) == 2, after.output
    assert "p. 12: provider differs" in failed[0] and "p. 99: no such page" in failed[1]

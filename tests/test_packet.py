"""`reportkit packet` and `reportkit verify` as a paralegal meets them, on the synthetic sample case and the
bad inputs the issue lists. Everything is read back from the files: PDF text with pdfium, bookmarks with pypdf,
the exhibit list with python-docx."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pypdf
import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from conftest import SAMPLE_CASE, copy_of
from reportkit.cli import app

runner = CliRunner()
RECORDS = SAMPLE_CASE / "records"


def run(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def page_texts(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        doc.close()


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def sample_packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    before = tree_hashes(RECORDS)
    out = tmp_path_factory.mktemp("sample") / "packet"
    code, output = run("packet", RECORDS, "--out", out, "--prefix", "SMITH", "--no-ledger", "--chronology")
    assert code == 0, output
    assert "Stamped 57 pages SMITH0000001-SMITH0000057 in 5 exhibit(s)" in output
    assert tree_hashes(RECORDS) == before  # inputs are never modified
    return out


def test_outputs_and_bates_map(sample_packet: Path) -> None:
    names = set(tree_hashes(sample_packet))
    assert {
        "packet.pdf",
        "exhibit-list.pdf",
        "exhibit-list.docx",
        "bates_map.json",
        "manifest.json",
        "chronology/index.md",
        "chronology/index.csv",
        "chronology/index.docx",
    } <= names
    assert sorted(n for n in names if n.startswith("exhibits/")) == [
        f"exhibits/SMITH{n:07d}.pdf" for n in (1, 10, 27, 37, 48)
    ]
    bmap = json.loads((sample_packet / "bates_map.json").read_text())
    assert (bmap["first"], bmap["last"], bmap["page_count"]) == ("SMITH0000001", "SMITH0000057", 57)
    assert [p["bates"] for p in bmap["pages"]] == [f"SMITH{n:07d}" for n in range(1, 58)]
    assert len(bmap["documents"]) == 40 and len(bmap["sources"]) == 5
    for source in bmap["sources"]:
        assert sum(r["pages"] for r in source["ranges"]) == source["pages"]
    d1 = next(d for d in bmap["documents"] if d["id"] == "D0001")
    assert (d1["first"], d1["last"], d1["pages"]) == ("SMITH0000001", "SMITH0000002", 2)


def test_every_record_page_carries_its_number_once(sample_packet: Path) -> None:
    texts = page_texts(sample_packet / "packet.pdf")
    list_pages = len(page_texts(sample_packet / "exhibit-list.pdf"))
    records = texts[list_pages:]
    assert len(records) == 57
    for n, text in enumerate(records, start=1):
        assert text.count(f"SMITH{n:07d}") == 1, n
        assert text.count("SMITH00") == 1  # one number per page, no double stamp


def test_exhibit_list_ranges_match_the_stamped_pages(sample_packet: Path) -> None:
    table = docx.Document(str(sample_packet / "exhibit-list.docx")).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Exhibit", "Description", "Date(s)", "Bates range", "Pages"]
    assert len(rows) == 6
    pdf_list = "\n".join(page_texts(sample_packet / "exhibit-list.pdf"))
    for label, description, _dates, bates_range, pages in rows[1:]:
        first, last = bates_range.split("-")
        texts = page_texts(sample_packet / "exhibits" / f"{first}.pdf")
        assert len(texts) == int(pages)
        assert first in texts[0] and last in texts[-1]
        assert label in texts[0]  # the exhibit sticker on its first page
        assert all(label not in t for t in texts[1:])  # and only there
        assert first in pdf_list and label in pdf_list
        assert description.startswith("Records of")


def test_bookmarks_per_exhibit_and_document(sample_packet: Path) -> None:
    reader = pypdf.PdfReader(sample_packet / "packet.pdf")
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[0] == "Exhibit list"
    assert [t.split(":")[0] for t in titles[1:]] == [f"Exhibit {n}" for n in range(1, 6)]
    children = [item for item in outline if isinstance(item, list)]
    assert sum(len(c) for c in children) == 40
    first_doc = children[0][0]
    assert first_doc.title.endswith("(SMITH0000001-SMITH0000002)")
    page = reader.get_destination_page_number(first_doc)
    assert "SMITH0000001" in reader.pages[page].extract_text()


def test_same_inputs_same_bytes(sample_packet: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    code, output = run("packet", RECORDS, "--out", again, "--prefix", "SMITH", "--no-ledger", "--chronology")
    assert code == 0, output
    assert tree_hashes(again) == tree_hashes(sample_packet)
    info = pypdf.PdfReader(again / "packet.pdf").metadata
    assert info is not None and info["/CreationDate"] == "D:20000101000000Z"


def test_manifest_lists_every_output_and_no_input_names(sample_packet: Path) -> None:
    manifest = json.loads((sample_packet / "manifest.json").read_text())
    listed = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    on_disk = tree_hashes(sample_packet)
    on_disk.pop("manifest.json")
    assert listed == on_disk
    inputs = sorted(i["sha256"] for i in manifest["inputs"])
    assert inputs == sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in RECORDS.glob("*.pdf"))
    assert manifest["settings"]["prefix"] == "SMITH" and manifest["tool"].startswith("reportkit ")
    for name in ("manifest.json", "bates_map.json"):
        text = (sample_packet / name).read_text()
        for record in RECORDS.glob("*.pdf"):
            assert record.stem not in text  # file names can carry patient names


def test_verify_catches_one_byte_change_removed_and_added_files(sample_packet: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(sample_packet, copy)
    code, output = run("verify", copy, "--inputs", RECORDS)
    assert code == 0, output
    assert "OK:" in output and "5 input file(s)" in output

    target = copy / "exhibits" / "SMITH0000010.pdf"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    (copy / "bates_map.json").unlink()
    (copy / "exhibits" / "extra.pdf").write_bytes(b"%PDF-1.4\n")
    code, output = run("verify", copy)
    assert code == 7
    assert "changed: exhibits/SMITH0000010.pdf" in output
    assert "missing: bates_map.json" in output
    assert "extra: exhibits/extra.pdf" in output


def test_verify_reports_an_input_that_changed(sample_packet: Path, tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    victim = sorted(records.glob("*.pdf"))[0]
    victim.write_bytes(victim.read_bytes() + b"\n%")
    code, output = run("verify", sample_packet, "--inputs", records)
    assert code == 7
    assert f"input not in the manifest (changed, or not part of this packet): {victim.as_posix()}" in output
    code, output = run("verify", sample_packet, "--inputs", tmp_path / "typo.pdf")  # no such file: not a finding
    assert code == 3 and "typo.pdf: not found" in " ".join(output.split()) and "Traceback" not in output


def test_stamped_file_is_refused(sample_packet: Path, tmp_path: Path) -> None:
    stamped = tmp_path / "stamped.pdf"
    shutil.copy(sample_packet / "exhibits" / "SMITH0000001.pdf", stamped)
    code, output = run("packet", stamped, "--out", tmp_path / "p", "--prefix", "X", "--no-ledger")
    assert code == 3
    assert "already carries reportkit Bates stamps" in output
    assert not (tmp_path / "p").exists()


def test_index_cites_bates_numbers_from_a_bates_map(sample_packet: Path, tmp_path: Path) -> None:
    code, output = run("index", RECORDS, "--out", tmp_path / "ix", "--bates-map", sample_packet / "bates_map.json")
    assert code == 0, output
    md = (tmp_path / "ix" / "index.md").read_text()
    assert "| Bates |" in md and "| SMITH0000001-SMITH0000002 |" in md
    csv_text = (tmp_path / "ix" / "index.csv").read_text(encoding="utf-8-sig")
    assert "bates" in csv_text.splitlines()[0].split(",")
    table = docx.Document(str(tmp_path / "ix" / "index.docx")).tables[0]
    assert table.rows[0].cells[-1].text == "Bates"
    assert "SMITH0000012" in [r.cells[-1].text for r in table.rows]
    page = (tmp_path / "ix" / "index.html").read_text(encoding="utf-8")  # the Bates number beside each page link
    assert '#page=1">pp. 1</a>–<a href=' in page and '<span class="bates">SMITH0000001-SMITH0000002</span>' in page
    # the packet's own chronology says the same, naming the files by exhibit and Bates range (not by name)
    packet_md = (sample_packet / "chronology" / "index.md").read_text()
    assert packet_md.split("## Files")[0] == md.split("## Files")[0]
    assert "| Exhibit 1: SMITH0000001-SMITH0000009 | 9 | 1-9 |" in packet_md
    assert not any(record.stem in packet_md for record in RECORDS.glob("*.pdf"))
    # index.json stays the page-cited source of truth
    assert "SMITH" not in (tmp_path / "ix" / "index.json").read_text()
    code, output = run("index", RECORDS, "--out", tmp_path / "iy", "--cite", "bates")
    assert code == 2 and "--bates-map" in output


def _pdf(path: Path, lines: list[str]) -> Path:
    c = canvas.Canvas(str(path), invariant=1)
    for line in lines:
        c.drawString(72, 700, line)
        c.showPage()
    c.save()
    return path


def _case(tmp_path: Path, n_records: int = 2) -> Path:
    case = tmp_path / "case"
    (case / "records").mkdir(parents=True)
    for src in sorted(RECORDS.glob("*.pdf"))[:n_records]:
        shutil.copy(src, case / "records" / src.name)
    (case / "case.yaml").write_text("examinee:\n  name: Daniel R. O'Kafor\n  dob: 1981-09-23\n")
    (case / "drafts").mkdir()
    _pdf(case / "drafts" / "ime-report.pdf", ["INDEPENDENT MEDICAL EXAMINATION REPORT", "Page two of the report"])
    return case


def test_case_folder_prefix_report_first_and_ledger(tmp_path: Path) -> None:
    case = _case(tmp_path)
    out = tmp_path / "p1"
    code, output = run("packet", case, "--out", out)
    assert code == 0, output
    assert "OKAFOR0000001" in output and "after the report" in output
    texts = page_texts(out / "packet.pdf")
    assert "INDEPENDENT MEDICAL EXAMINATION REPORT" in texts[0]
    assert "OKAFOR" not in texts[0] + texts[1]  # the report is not stamped
    reader = pypdf.PdfReader(out / "packet.pdf")
    assert [i.title for i in reader.outline if not isinstance(i, list)][:2] == ["Report", "Exhibit list"]
    ledger = json.loads((case / "bates-ledger.json").read_text())
    assert [(e["prefix"], e["first"], e["last"]) for e in ledger["issued"]] == [("OKAFOR", 1, 26)]

    # the same production again: same numbers, same bytes
    code, output = run("packet", case, "--out", out, "--force")
    assert code == 0, output
    assert json.loads((case / "bates-ledger.json").read_text())["issued"][0]["first"] == 1
    assert "already produced" not in output

    # more records: a new production continues after the numbers already issued
    shutil.copy(sorted(RECORDS.glob("*.pdf"))[2], case / "records")
    code, output = run("packet", case, "--out", tmp_path / "p2")
    assert code == 0, output
    assert "OKAFOR0000027-OKAFOR0000062" in output

    # the same production with other numbers is refused too (a number would name two pages)
    code, output = run("packet", case, "--out", tmp_path / "p4", "--start", "30")
    assert code == 2 and "would reuse numbers" in output

    # and a start number that would reuse issued numbers is refused
    code, output = run("packet", case, "--out", tmp_path / "p3", "--start", "20", "--group-by", "document")
    assert code == 2
    assert "would reuse numbers" in output and "--start 63" in output
    assert not (tmp_path / "p3").exists()

    # the same records under other settings are another production: numbered anew, and said so
    code, output = run("packet", case, "--out", tmp_path / "again", "--chronology")
    flat = " ".join(output.split())
    assert code == 0 and "these records were already produced as OKAFOR0000027-OKAFOR0000062" in flat, output
    assert "use the settings it was made with" in flat and "OKAFOR0000001-OKAFOR0000026" not in flat


def test_case_yaml_without_a_usable_name(tmp_path: Path) -> None:
    case = _case(tmp_path, n_records=1)
    (case / "case.yaml").write_text("examinee: [unclosed\n")
    code, output = run("packet", case, "--out", tmp_path / "p")
    assert code == 2 and "could not be read as YAML" in output and "--prefix" in output
    (case / "case.yaml").write_text("claim: 123\n")
    code, output = run("packet", case, "--out", tmp_path / "p")
    assert code == 2 and "names no examinee" in output
    (case / "case.yaml").write_text("examinee:\n  name: Νίκος Παπαδόπουλος\n", encoding="utf-8")
    code, output = run("packet", case, "--out", tmp_path / "p")
    flat = " ".join(output.split())
    assert code == 2 and "has no Latin letters or digits for a Bates prefix" in flat and "surname:" in flat
    code, output = run("packet", case, "--out", tmp_path / "p", "--prefix", "DOE")
    assert code == 0, output


def test_no_prefix_and_bad_prefix(tmp_path: Path) -> None:
    pdf = copy_of("UD_sample.pdf", tmp_path)
    code, output = run("packet", pdf, "--out", tmp_path / "p")
    assert code == 2 and "No Bates prefix given" in output and "--prefix" in output
    code, output = run("packet", pdf, "--out", tmp_path / "p", "--prefix", "SMITH/../J")
    assert code == 2 and "cannot be used" in output
    assert not (tmp_path / "p").exists()


def test_existing_output_folder_needs_force(tmp_path: Path) -> None:
    pdf = copy_of("UD_sample.pdf", tmp_path)
    out = tmp_path / "p"
    assert run("packet", pdf, "--out", out, "--prefix", "UD", "--no-ledger")[0] == 0
    (out / "old.txt").write_text("old")
    code, output = run("packet", pdf, "--out", out, "--prefix", "UD", "--no-ledger")
    assert code == 5 and "--force" in output
    assert (out / "old.txt").exists()
    code, output = run("packet", pdf, "--out", out, "--prefix", "UD", "--no-ledger", "--force")
    assert code == 0, output
    assert not (out / "old.txt").exists()  # replaced entirely: verify sees no stale files
    assert run("verify", out)[0] == 0
    # --force never empties a folder that is not an earlier packet, nor one holding the inputs
    other = tmp_path / "documents"
    other.mkdir()
    (other / "keep.txt").write_text("keep")
    code, output = run("packet", pdf, "--out", other, "--prefix", "UD", "--no-ledger", "--force")
    assert code == 5 and "not an earlier packet" in output
    # nor one that merely holds a file called manifest.json (another program's, or a damaged one)
    for manifest in ('{"name": "my-app"}', "garbage"):
        (other / "manifest.json").write_text(manifest)
        code, output = run("packet", pdf, "--out", other, "--prefix", "UD", "--no-ledger", "--force")
        assert code == 5 and "not an earlier packet" in output and (other / "keep.txt").exists(), manifest
    code, output = run("packet", pdf, "--out", tmp_path, "--prefix", "UD", "--no-ledger", "--force")
    assert code == 2 and "holds the input" in output
    assert (other / "keep.txt").exists() and pdf.exists()


def test_encrypted_input_needs_its_password(tmp_path: Path) -> None:
    pdf = copy_of("password-example.pdf", tmp_path)
    code, output = run("packet", pdf, "--out", tmp_path / "p", "--prefix", "PW", "--no-ledger")
    assert code == 4 and "--password-file" in output
    pw = tmp_path / "pw.txt"
    pw.write_text("test\n")
    code, output = run("packet", pdf, "--out", tmp_path / "p", "--prefix", "PW", "--no-ledger", "--password-file", pw)
    assert code == 0, output
    assert not pypdf.PdfReader(tmp_path / "p" / "packet.pdf").is_encrypted
    assert "PW0000004" in page_texts(tmp_path / "p" / "packet.pdf")[-1]  # 4 pages after the exhibit list


def test_max_size_splits_at_exhibit_boundaries(tmp_path: Path) -> None:
    out = tmp_path / "p"
    code, output = run(
        "packet", RECORDS, "--out", out, "--prefix", "SZ", "--no-ledger", "--group-by", "document",
        "--max-size", "40KB", "--files", "combined",
    )  # fmt: skip
    assert code == 0, output
    parts = sorted(out.glob("packet-*.pdf"))
    assert len(parts) > 1
    assert not (out / "packet.pdf").exists() and not (out / "exhibits").exists()
    numbers = []
    list_pages = len(page_texts(out / "exhibit-list.pdf"))
    for k, part in enumerate(parts):
        texts = page_texts(part)[list_pages if k == 0 else 0 :]
        found = [t[t.index("SZ00") : t.index("SZ00") + 9] for t in texts if "SZ00" in t]
        if part.stat().st_size > 40_000:
            assert "over --max-size" in output
        numbers += found
        # each part starts at an exhibit boundary: its first record page opens an exhibit (sticker)
        first_record = next(t for t in texts if "SZ00" in t)
        assert "Exhibit " in first_record
    assert numbers == [f"SZ{n:07d}" for n in range(1, 58)]


def test_letters_party_prefix_and_cover_sheets(tmp_path: Path) -> None:
    out = tmp_path / "p"
    code, output = run(
        "packet", RECORDS, "--out", out, "--prefix", "SMITH", "--no-ledger", "--letters",
        "--exhibit-label", "Plaintiff's Exhibit {n}", "--sticker", "cover", "--group-by", "provider",
    )  # fmt: skip
    assert code == 0, output
    rows = [[c.text for c in r.cells] for r in docx.Document(str(out / "exhibit-list.docx")).tables[0].rows]
    assert [r[0] for r in rows[1:4]] == ["Plaintiff's Exhibit A", "Plaintiff's Exhibit B", "Plaintiff's Exhibit C"]
    texts = page_texts(out / "exhibits" / "SMITH0000001.pdf")
    assert "PLAINTIFF'S EXHIBIT A" in texts[0] and "SMITH00" not in texts[0].split("\n")[0]
    assert texts[0].count("SMITH0000001") == 1  # the cover sheet quotes the range; it carries no number itself
    assert "SMITH0000001" in texts[1]


def test_exhibit_list_docx_opens_in_libreoffice(sample_packet: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui); .ci/run installs it")
    subprocess.run(
        [
            soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "txt:Text",
            "--outdir", str(tmp_path / "lo"), str(sample_packet / "exhibit-list.docx"),
        ],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = (tmp_path / "lo" / "exhibit-list.txt").read_text(encoding="utf-8", errors="replace")
    assert "Exhibit list" in text and "SMITH0000048-SMITH0000057" in text
    # laid out on the page, no cell breaks inside a Bates number, a date or a word
    subprocess.run(
        [
            soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "pdf",
            "--outdir", str(tmp_path / "pdf"), str(sample_packet / "exhibit-list.docx"),
        ],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    from pypdf import PdfReader

    laid = "\n".join(page.extract_text() or "" for page in PdfReader(str(tmp_path / "pdf" / "exhibit-list.pdf")).pages)
    lines = laid.splitlines()
    for number in (f"SMITH{n:07d}" for n in (1, 9, 10, 26, 27, 36, 37, 47, 48, 57)):
        assert any(number in line for line in lines), number
    assert all(re.search(r"\b\d{4}-\d{2}-$", line) is None for line in lines)  # no date broken after its month
    assert not any(line.rstrip().endswith("Exhibit") for line in lines)  # "Exhibit 3" stays on one line


def test_one_damaged_file_stops_the_packet_and_every_problem_is_named(tmp_path: Path) -> None:
    good = copy_of("UD_sample.pdf", tmp_path)
    bad = copy_of("invalid.pdf", tmp_path)
    empty = copy_of("empty.pdf", tmp_path)
    code, output = run("packet", good, bad, empty, "--out", tmp_path / "p", "--prefix", "UD", "--no-ledger")
    assert code == 3
    assert "A packet must hold every record" in output
    assert "invalid.pdf: the PDF is damaged" in output and "empty.pdf: the file is empty" in output
    assert "Traceback" not in output
    assert not (tmp_path / "p").exists()


def test_hand_corrected_index_is_used_and_a_foreign_one_refused(sample_packet: Path, tmp_path: Path) -> None:
    code, output = run("index", RECORDS, "--out", tmp_path / "ix")
    assert code == 0, output
    data = json.loads((tmp_path / "ix" / "index.json").read_text())
    doc = next(d for d in data["documents"] if d["id"] == "D0001")
    doc["provider"] = "Corrected Provider, MD"
    (tmp_path / "ix" / "index.json").write_text(json.dumps(data))
    out = tmp_path / "p"
    code, output = run(
        "packet", RECORDS, "--out", out, "--prefix", "SMITH", "--no-ledger", "--index", tmp_path / "ix" / "index.json"
    )
    assert code == 0, output
    outline = pypdf.PdfReader(out / "packet.pdf").outline
    assert any("Corrected Provider, MD" in child.title for item in outline if isinstance(item, list) for child in item)
    code, output = run(
        "packet", copy_of("UD_sample.pdf", tmp_path), "--out", tmp_path / "q", "--prefix", "UD", "--no-ledger",
        "--index", tmp_path / "ix" / "index.json",
    )  # fmt: skip
    assert code == 3 and "made from other files" in output


def test_verify_needs_a_manifest(tmp_path: Path) -> None:
    code, output = run("verify", tmp_path)
    assert code == 3 and "manifest.json: not found" in output


def test_drafts_without_a_pdf_report_warn(tmp_path: Path) -> None:
    case = _case(tmp_path, n_records=1)
    (case / "drafts" / "ime-report.pdf").unlink()
    (case / "drafts" / "ime-report.docx").write_bytes(b"PK")
    code, output = run("packet", case, "--out", tmp_path / "p")
    assert code == 0, output
    assert "holds no PDF report" in output and "--report FILE" in output
    assert "after the report" not in output


def test_worker_path_gives_the_same_packet(
    sample_packet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large bundles read text boxes in worker processes; the result must not depend on which path ran."""
    import reportkit.packet.stamping as stamping

    monkeypatch.setattr(stamping, "IN_PROCESS_PAGES", 0)
    out = tmp_path / "w"
    code, output = run("packet", RECORDS, "--out", out, "--prefix", "SMITH", "--no-ledger", "--chronology")
    assert code == 0, output
    assert tree_hashes(out) == tree_hashes(sample_packet)


def test_files_exhibits_only_with_the_report_beside_them(tmp_path: Path) -> None:
    case = _case(tmp_path, n_records=2)
    out = tmp_path / "p"
    code, output = run("packet", case, "--out", out, "--files", "exhibits", "--group-by", "document")
    assert code == 0, output
    names = set(tree_hashes(out))
    assert "packet.pdf" not in names and "report.pdf" in names
    bmap = json.loads((out / "bates_map.json").read_text())
    assert all(e["file"] == f"exhibits/{e['first']}.pdf" and e["file"] in names for e in bmap["exhibits"])
    assert "INDEPENDENT MEDICAL EXAMINATION REPORT" in page_texts(out / "report.pdf")[0]


def test_a_second_packet_on_the_same_ledger_waits_its_turn(tmp_path: Path) -> None:
    import fcntl

    case = _case(tmp_path, n_records=1)
    with (case / "bates-ledger.json.lock").open("a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        code, output = run("packet", case, "--out", tmp_path / "p")
    assert code == 5 and "another packet is being built" in output
    assert not (tmp_path / "p").exists()
    assert run("packet", case, "--out", tmp_path / "p")[0] == 0


def test_case_index_is_reused_when_it_matches_the_records(tmp_path: Path) -> None:
    """As `draft` does: corrections made by hand in CASE_DIR/index/index.json are kept."""
    case = _case(tmp_path, n_records=2)
    assert run("index", case / "records", "--out", case / "index")[0] == 0
    data = json.loads((case / "index" / "index.json").read_text())
    data["documents"][0]["provider"] = "Hand-Corrected, MD"
    (case / "index" / "index.json").write_text(json.dumps(data))
    code, output = run("packet", case, "--out", tmp_path / "p")
    assert code == 0, output
    titles = [c.title for i in pypdf.PdfReader(tmp_path / "p" / "packet.pdf").outline if isinstance(i, list) for c in i]
    assert any("Hand-Corrected, MD" in t for t in titles)
    # records changed: the stale index is not used, and the user is told
    shutil.copy(sorted(RECORDS.glob("*.pdf"))[2], case / "records")
    code, output = run("packet", case, "--out", tmp_path / "q")
    assert code == 0, output
    assert "does not match the records" in output
    titles = [c.title for i in pypdf.PdfReader(tmp_path / "q" / "packet.pdf").outline if isinstance(i, list) for c in i]
    assert not any("Hand-Corrected" in t for t in titles)


def test_pages_whose_text_cannot_be_read_are_named_in_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reportkit.packet.pdf as packet_pdf

    def unreadable(*args: object) -> list[object]:
        raise packet_pdf.PdfWriteProblem("damaged", "test")

    monkeypatch.setattr(packet_pdf, "text_boxes", unreadable)
    code, output = run(
        "packet", copy_of("UD_sample.pdf", tmp_path), "--out", tmp_path / "p", "--prefix", "UD", "--no-ledger"
    )
    assert code == 0, output
    assert "The text of 3 page(s) could not be read" in output


def test_draft_cites_bates_numbers_from_a_bates_map(sample_packet: Path, tmp_path: Path) -> None:
    from draft_helpers import docx_text, sample_copy

    case = sample_copy(SAMPLE_CASE, tmp_path)
    code, output = run("draft", case, "--format", "docx", "--bates-map", sample_packet / "bates_map.json", "-q")
    assert code == 0, output
    text = docx_text(case / "drafts" / "ime-report.docx")
    assert "(SMITH0000001-SMITH0000002)" in text  # the first records-reviewed item, pages 1-2
    assert "(pp. 1–2)" not in text
    # without the map, the same draft cites pages
    plain = sample_copy(SAMPLE_CASE, tmp_path, "plain")
    assert run("draft", plain, "--format", "docx", "-q")[0] == 0
    plain_text = docx_text(plain / "drafts" / "ime-report.docx")
    assert "SMITH0000001" not in plain_text and "(pp. 1–2)" in plain_text
    code, output = run("draft", plain, "--format", "docx", "--force", "--bates-map", tmp_path / "none.json")
    assert code == 3 and "none.json: not found" in output


_KILLED_AT = """
import os, signal, sys
from reportkit.packet import ledger
from reportkit.cli import main
where = sys.argv.pop(1)
real = getattr(ledger, where)

def killed(*args, **kwargs):
    if where == "_save":  # killed while the ledger's temporary file is written, before it is renamed
        import tempfile
        fd, _ = tempfile.mkstemp(dir=args[0].parent, prefix="." + args[0].name + ".", suffix=".tmp")
        os.write(fd, b'{"schema": "reportkit/bates-ledger@1", "iss')
    os.kill(os.getpid(), signal.SIGKILL)

setattr(ledger, where, killed)
sys.argv[0] = "reportkit"
main()
"""


@pytest.mark.parametrize("where", ["record", "_save"])
def test_a_packet_killed_before_its_ledger_is_updated_never_frees_its_numbers(tmp_path: Path, where: str) -> None:
    """SIGKILL after the packet folder is in place but before its range is marked issued ("record"), or while
    the ledger is being written ("_save": the reservation itself, then nothing is published): the next packet
    of other records never reuses the numbers of a packet that may exist, and says what it found."""
    import sys

    case = _case(tmp_path, n_records=1)
    script = tmp_path / "killed.py"
    script.write_text(_KILLED_AT)
    first = tmp_path / "p1"
    done = subprocess.run(
        [sys.executable, str(script), where, "packet", str(case), "--out", str(first)], capture_output=True
    )
    assert done.returncode == -9
    ledger_file = case / "bates-ledger.json"
    if where == "record":  # the packet was published: its range is in the ledger, reserved
        assert (first / "packet.pdf").is_file()
        entries = json.loads(ledger_file.read_text())["issued"]
        assert [(e["first"], e["state"]) for e in entries] == [(1, "reserved")]
        served = entries[0]["last"]
    else:  # killed writing the reservation: nothing published, a cut-off temporary file beside the ledger
        assert not first.exists() and not ledger_file.exists()
        assert list(case.glob(".bates-ledger.json.*.tmp"))
        served = 0
    shutil.copy(sorted(RECORDS.glob("*.pdf"))[2], case / "records")  # other records: another production
    code, output = run("packet", case, "--out", tmp_path / "p2")
    assert code == 0, output
    entries = json.loads(ledger_file.read_text())["issued"]
    assert entries[-1]["first"] == served + 1 and entries[-1]["state"] == "issued"
    assert not list(case.glob(".bates-ledger.json.*.tmp"))
    if where == "record":
        assert "reserved by a packet build that did not finish" in " ".join(output.split())
        # the interrupted production built again takes its own reserved numbers and marks them issued
        (case / "records" / sorted(RECORDS.glob("*.pdf"))[2].name).unlink()
        assert run("packet", case, "--out", first, "--force")[0] == 0
        assert [e["state"] for e in json.loads(ledger_file.read_text())["issued"]] == ["issued", "issued"]


def test_a_damaged_or_empty_report_pdf_is_named_before_anything_is_written(tmp_path: Path) -> None:
    source = sorted(RECORDS.glob("*.pdf"))[0].read_bytes()
    for name, data in (("truncated.pdf", source[:5000]), ("empty.pdf", b""), ("notes.pdf", b"not a pdf")):
        report = tmp_path / name
        report.write_bytes(data)
        out = tmp_path / f"p-{name}"
        code, output = run("packet", RECORDS, "--out", out, "--prefix", "REP", "--no-ledger", "--report", report)
        flat = " ".join(output.split())
        assert code == 3 and "the report PDF cannot be read" in flat and "--no-report" in flat, (name, output)
        assert "Traceback" not in output and "internal error" not in output and not out.exists()


def test_an_earlier_packet_that_cannot_be_removed_once_replaced_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reportkit.packet.folder as folder

    pdf = copy_of("UD_sample.pdf", tmp_path)
    out = tmp_path / "p"
    assert run("packet", pdf, "--out", out, "--prefix", "UD", "--no-ledger")[0] == 0
    rmtree = shutil.rmtree

    def stuck(path: object, *args: object, **kwargs: object) -> None:  # an immutable folder, say
        if ".old-" not in str(path):
            rmtree(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(folder.shutil, "rmtree", stuck)
    code, output = run("packet", pdf, "--out", out, "--prefix", "UD", "--no-ledger", "--force")
    left = [p for p in tmp_path.iterdir() if ".old-" in p.name]
    assert code == 0 and len(left) == 1, output
    assert f"{left[0]}: the earlier packet, replaced, could not be removed" in " ".join(output.split())
    assert run("verify", out)[0] == 0  # the new packet is whole

"""Every bad input gets a clear message naming the file, a documented exit code, no traceback, and the rest
of the bundle is still indexed. Uses real PDFs copied from the shared corpus (tests/data/corpus/README.md)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import copy_of
from hostile import balloon_pdf, slow_pdf
from reportkit import cite
from reportkit.cli import app
from reportkit.errors import ExitCode
from reportkit.models import RecordIndex

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, ["index", *map(str, args)])
    return result.exit_code, result.output


def good(tmp_path: Path) -> Path:
    return copy_of("UD_sample.pdf", tmp_path)


def assert_clean_message(output: str) -> None:
    assert "Traceback" not in output
    assert "Levin" not in output  # no record text (the sample's patient name) in messages


def test_not_a_pdf_is_named_with_what_it_looks_like(tmp_path: Path) -> None:
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    code, out = run(fake, "--out", tmp_path / "out")
    assert code == ExitCode.INPUT
    assert "scan.pdf: not a PDF (it looks like a PNG image)" in out
    assert not (tmp_path / "out" / "index.json").exists()
    assert_clean_message(out)
    page = tmp_path / "saved-web-page.pdf"
    page.write_bytes(b"<!DOCTYPE html><html><body>portal</body></html>")
    code, out = run(page, "--out", tmp_path / "out")
    assert code == ExitCode.INPUT and "saved-web-page.pdf: not a PDF (it looks like an HTML or XML file)" in out


def test_empty_file(tmp_path: Path) -> None:
    code, out = run(copy_of("empty.pdf", tmp_path), "--out", tmp_path / "out")
    assert code == ExitCode.INPUT
    assert "empty.pdf: the file is empty (0 bytes)" in out


def test_missing_file_and_folder_without_pdfs(tmp_path: Path) -> None:
    code, out = run(tmp_path / "nope.pdf", "--out", tmp_path / "out")
    assert code == ExitCode.INPUT and "nope.pdf: file not found" in out
    (tmp_path / "empty-folder").mkdir()
    code, out = run(tmp_path / "empty-folder", "--out", tmp_path / "out")
    assert code == ExitCode.INPUT and "holds no PDF files" in out


def test_a_folder_without_pdfs_or_a_broken_link_beside_good_records_is_named_and_the_rest_indexed(
    tmp_path: Path,
) -> None:
    import json
    import os

    (tmp_path / "empty-folder").mkdir()
    records = tmp_path / "records"
    records.mkdir()
    good(records)
    (records / "moved.pdf").symlink_to(tmp_path / "gone.pdf")  # a link whose file is gone
    os.mkfifo(records / "pipe.pdf")  # never opened (it would wait for a writer)
    code, out = run(tmp_path / "empty-folder", records, "--out", tmp_path / "out")
    flat = " ".join(out.split())
    assert code == ExitCode.PARTIAL, out
    assert "empty-folder: the folder holds no PDF files" in flat and "records/moved.pdf: file not found" in flat
    assert "records/pipe.pdf: not a file" in flat
    index = json.loads((tmp_path / "out" / "index.json").read_text(encoding="utf-8"))
    assert [s["path"] for s in index["sources"]] == ["records/UD_sample.pdf"]
    assert sorted(s["path"] for s in index["skipped"]) == ["empty-folder", "records/moved.pdf", "records/pipe.pdf"]


def test_damaged_pdf_is_skipped_and_a_cut_short_one_gives_the_pages_that_survive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from pypdf import PdfReader

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the repaired copy goes, and must go from
    broken = copy_of("invalid.pdf", tmp_path)
    source = Path(__file__).parent / "data/corpus/UD_sample.pdf"
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    kept = truncated.read_bytes()
    code, out = run(broken, truncated, good(tmp_path), "--out", tmp_path / "out", "--cache-dir", tmp_path / "c")
    assert code == ExitCode.PARTIAL
    assert "invalid.pdf: the PDF is damaged and could not be repaired" in out
    assert "note: truncated.pdf was damaged (cut short?) and was repaired: " in out
    assert "whatever the cut took is missing" in out
    cut = tmp_path / "cut-born-digital.pdf"  # page objects first, contents after: the cut empties the last ones
    source_bytes = (
        Path(__file__).parent.parent / "samples/ime-case/records/02-st-brendan-regional-medical-center.pdf"
    ).read_bytes()
    cut.write_bytes(source_bytes[: len(source_bytes) // 2])
    code, said = run(cut, "--out", tmp_path / "cut", "--no-cache", "--ocr", "never")
    assert code == ExitCode.PARTIAL and "pp. 8-17 read blank: their contents may be what the cut took" in said
    (part,) = json.loads((tmp_path / "cut" / "index.json").read_text())["read_in_part"]  # typed, for later steps
    assert part["problem"] == "cut_short" and part["pages"] == list(range(8, 18)) and part["reason"] in said
    assert part["sha256"] == hashlib.sha256(cut.read_bytes()).hexdigest()
    older = json.loads((tmp_path / "cut" / "index.json").read_text())
    del older["read_in_part"]  # an index.json written before the list existed: its warnings still tell
    (legacy,) = RecordIndex.from_dict(older).read_in_part
    assert (legacy.problem, legacy.sha256, legacy.reason) == ("cut_short", part["sha256"], part["reason"])
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    pages = {s["path"].rsplit("/", 1)[-1]: s["page_count"] for s in index["sources"]}
    assert 0 < pages["truncated.pdf"] <= len(PdfReader(source).pages) == pages["UD_sample.pdf"]
    assert any("truncated.pdf was damaged" in w for w in index["warnings"])
    assert [(p["path"].rsplit("/", 1)[-1], p["problem"]) for p in index["read_in_part"]] == [
        ("truncated.pdf", "cut_short")
    ]
    assert [s["problem"] for s in index["skipped"]] == ["damaged"]
    assert truncated.read_bytes() == kept and not list(scratch.iterdir())  # input unchanged, no copy left
    assert_clean_message(out)
    again, out = run(truncated, "--out", tmp_path / "again", "--cache-dir", tmp_path / "c")
    assert again == ExitCode.PARTIAL and "truncated.pdf was damaged" in out  # and so on every run


def test_encrypted_without_password_names_the_file_and_the_option(tmp_path: Path) -> None:
    code, out = run(copy_of("password-example.pdf", tmp_path), "--out", tmp_path / "out")
    assert code == ExitCode.ENCRYPTED
    assert "password-example.pdf: the PDF is encrypted" in out
    assert "--password-file" in out


@pytest.mark.parametrize(
    ("name", "password"),
    [("password-example.pdf", "test"), ("r6-user-password.pdf", "asdfzxcv"), ("r4-aes-user-password.pdf", "asdfzxcv")],
)
def test_password_file_opens_encrypted_pdfs(tmp_path: Path, name: str, password: str) -> None:
    pw = tmp_path / "passwords.txt"
    pw.write_text(f"wrong-one\n{password}\n")
    code, out = run(copy_of(name, tmp_path), "--password-file", pw, "--out", tmp_path / "out")
    assert code == ExitCode.OK, out
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    assert index["page_count"] >= 1
    assert any(p["text_source"] == "embedded" for p in index["pages"])
    assert password not in (tmp_path / "out" / "run.json").read_text()


def test_wrong_password(tmp_path: Path) -> None:
    pw = tmp_path / "passwords.txt"
    pw.write_text("qwerty\n")
    code, out = run(copy_of("password-example.pdf", tmp_path), "--password-file", pw, "--out", tmp_path / "o")
    assert code == ExitCode.ENCRYPTED
    assert "none of the passwords" in out


def test_missing_or_empty_password_file(tmp_path: Path) -> None:
    code, out = run(good(tmp_path), "--password-file", tmp_path / "nope.txt", "--out", tmp_path / "o")
    assert code == ExitCode.INPUT and "password file not found" in out
    (tmp_path / "blank.txt").write_text("\n\n")
    code, out = run(good(tmp_path), "--password-file", tmp_path / "blank.txt", "--out", tmp_path / "o")
    assert code == ExitCode.INPUT and "password file is empty" in out


def test_image_only_page_is_flagged_for_ocr_not_silently_empty(tmp_path: Path) -> None:
    code, _ = run(copy_of("ccitt.pdf", tmp_path), "--ocr", "never", "--out", tmp_path / "out")
    assert code == ExitCode.OK
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    assert [p["text_source"] for p in index["pages"]] == ["none"]
    assert any("need OCR" in w for w in index["warnings"])
    assert any("need OCR" in w for w in index["documents"][0]["warnings"])
    assert "need OCR" in (tmp_path / "out" / "index.md").read_text()


@pytest.mark.slow
def test_a_file_that_hangs_is_stopped_and_the_rest_indexed(tmp_path: Path) -> None:
    slow = slow_pdf(tmp_path / "slow.pdf")
    code, out = run(slow, good(tmp_path), "--file-timeout", "1", "--max-memory", "8000", "--out", tmp_path / "o")
    assert code == ExitCode.PARTIAL
    assert "slow.pdf: reading took longer than 1 s" in out
    index = json.loads((tmp_path / "o" / "index.json").read_text())
    assert index["page_count"] == 3
    assert index["skipped"][0]["problem"] == "timeout"


@pytest.mark.slow
def test_a_file_that_balloons_is_stopped_and_the_rest_indexed(tmp_path: Path) -> None:
    bomb = balloon_pdf(tmp_path / "bomb.pdf", megabytes=900)
    code, out = run(bomb, good(tmp_path), "--max-memory", "400", "--out", tmp_path / "o")
    assert code == ExitCode.PARTIAL
    assert "bomb.pdf: " in out and "400 MB" in out
    index = json.loads((tmp_path / "o" / "index.json").read_text())
    assert index["page_count"] == 3
    assert index["skipped"][0]["problem"] in ("memory", "crashed")


def test_existing_outputs_are_kept_without_force(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "index.md").write_text("physician's edited copy")
    code, out = run(good(tmp_path), "--out", out_dir)
    assert code == ExitCode.OUTPUT and "--force" in out
    assert (out_dir / "index.md").read_text() == "physician's edited copy"
    assert not (out_dir / "index.json").exists()
    code, _ = run(good(tmp_path), "--out", out_dir, "--force")
    assert code == ExitCode.OK
    assert (out_dir / "index.md").read_text().startswith("# Record index")


def test_outputs_appear_together_or_not_at_all(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    (out_dir / "index.docx").mkdir(parents=True)  # something in the way of the last output
    code, out = run(good(tmp_path), "--out", out_dir, "--force")
    assert code == ExitCode.OUTPUT
    assert "index.docx exists but is not a file" in out
    assert sorted(p.name for p in out_dir.iterdir()) == ["index.docx"]  # nothing half-written, no temp files


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    files = [good(tmp_path), copy_of("password-example.pdf", tmp_path), copy_of("invalid.pdf", tmp_path)]
    before = {f: (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns) for f in files}
    run(*files, "--out", tmp_path / "out")
    assert {f: (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns) for f in files} == before


def test_debug_shows_the_parser_detail_and_plain_mode_does_not(tmp_path: Path) -> None:
    broken = copy_of("invalid.pdf", tmp_path)
    _, plain = run(broken, "--out", tmp_path / "a")
    _, debug = run(broken, "--out", tmp_path / "b", "--debug")
    assert "debug:" not in plain
    assert "debug:" in debug


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["index", str(good(tmp_path))]).exit_code == 2  # no --out
    assert runner.invoke(app, ["index", "--out", str(tmp_path), "--gap-days", "0", "x.pdf"]).exit_code == 2


@pytest.mark.slow
def test_ctrl_c_leaves_no_outputs_and_no_workers(tmp_path: Path) -> None:
    slow = slow_pdf(tmp_path / "slow.pdf")
    out_dir = tmp_path / "out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reportkit",
            "index",
            str(slow),
            "--out",
            str(out_dir),
            "--no-cache",
            "--max-memory",
            "8000",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert "interrupted" in err and "Traceback" not in err
    assert not out_dir.exists() or not any(out_dir.iterdir())
    time.sleep(0.5)
    ps = subprocess.run(["ps", "-eo", "pgid,args"], capture_output=True, text=True, check=True).stdout
    # Nothing of the run is still alive (an exited, unreaped process shows as <defunct>: it runs nothing).
    alive = [ln for ln in ps.splitlines() if ln.split(None, 1)[0] == str(proc.pid) and "<defunct>" not in ln]
    assert not alive


def test_when_nothing_can_be_indexed_each_file_gets_a_line_of_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(b"")
    (folder / "b.pdf").write_bytes(b"plain text, not a PDF")
    code, out = run(folder, "--out", tmp_path / "out")
    assert code == ExitCode.INPUT
    lines = out.splitlines()
    assert any(ln.strip().endswith("a.pdf: the file is empty (0 bytes). Ask the sender again.") for ln in lines)
    assert any(ln.strip().endswith("b.pdf: not a PDF. Convert it to PDF first, or leave it out.") for ln in lines)
    assert not (tmp_path / "out").exists()
    assert_clean_message(out)


def test_an_out_folder_that_is_a_file_or_lies_under_one_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    for out, said in (("afile", "afile: exists and is not a folder"), ("afile/out", "is a file, not a folder")):
        code, output = run(good(tmp_path), "--out", tmp_path / out)
        assert code == ExitCode.OUTPUT and said in " ".join(output.split()), output
        assert_clean_message(output)
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "mine"


def test_an_out_folder_holding_any_file_index_writes_needs_force(tmp_path: Path) -> None:
    from reportkit.index.search import FILE_NAME

    for name in (FILE_NAME, "run.json"):
        out = tmp_path / name.replace(".", "-")
        out.mkdir()
        (out / name).write_text("mine", encoding="utf-8")
        code, output = run(good(tmp_path), "--out", out)
        assert code == ExitCode.OUTPUT and f"already holds {name}" in output and "--force" in output, output
        assert (out / name).read_text(encoding="utf-8") == "mine"


def _case_with_a_cut_short_record(tmp_path: Path) -> tuple[Path, Path]:
    import shutil

    from conftest import SAMPLE_CASE

    case = tmp_path / "case"
    shutil.copytree(SAMPLE_CASE, case)
    record = case / "records" / "02-st-brendan-regional-medical-center.pdf"
    record.write_bytes(record.read_bytes()[: record.stat().st_size // 2])
    return case, record


def test_a_packet_refuses_a_record_the_index_could_read_only_in_part(tmp_path: Path) -> None:
    case, record = _case_with_a_cut_short_record(tmp_path)
    kept = record.read_bytes()
    result = runner.invoke(app, ["packet", str(case), "--out", str(tmp_path / "packet"), "--prefix", "OK"])
    assert result.exit_code == ExitCode.INPUT, result.output
    assert "must hold every record whole" in result.output and "02-st-brendan" in result.output
    assert not (tmp_path / "packet").exists() and record.read_bytes() == kept


def test_a_draft_from_a_record_read_only_in_part_says_so_and_exits_6(tmp_path: Path) -> None:
    case, _ = _case_with_a_cut_short_record(tmp_path)
    result = runner.invoke(app, ["draft", str(case)])
    assert result.exit_code == ExitCode.PARTIAL, result.output
    assert "read in part: records/02-st-brendan-regional-medical-center.pdf was damaged" in result.output
    assert (case / "drafts" / "ime-report.docx").is_file()


def test_a_cut_short_encrypted_pdf_is_not_repaired_into_ciphertext(tmp_path: Path) -> None:
    import pikepdf

    whole = tmp_path / "whole.pdf"
    with pikepdf.open(copy_of("UD_sample.pdf", tmp_path)) as pdf:
        pdf.save(whole, encryption=pikepdf.Encryption(owner="o", user="u", aes=True, R=6))
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])  # its /Encrypt is in the cut-off trailer
    code, out = run(cut, "--out", tmp_path / "out", "--no-cache")
    assert code == ExitCode.INPUT and "cut.pdf: the PDF is damaged and could not be repaired" in out


def test_pages_whose_contents_do_not_decode_are_named_and_the_run_exits_6(tmp_path: Path) -> None:
    import random

    source = Path(__file__).parent.parent / "samples/ime-case/records/02-st-brendan-regional-medical-center.pdf"
    data = bytearray(source.read_bytes())
    rng = random.Random(3)
    for _ in range(40):  # bytes changed inside the pages' compressed contents
        data[rng.randrange(len(data) // 4, len(data))] ^= 0xFF
    flipped = tmp_path / "flipped.pdf"
    flipped.write_bytes(bytes(data))
    code, out = run(flipped, "--out", tmp_path / "out", "--no-cache", "--ocr", "never")
    assert code == ExitCode.PARTIAL, out
    assert "note: flipped.pdf is damaged: the contents of pp. " in out and "read blank" in out
    (part,) = json.loads((tmp_path / "out" / "index.json").read_text())["read_in_part"]
    assert part["problem"] == "damaged_pages" and part["pages"] and f"{cite.page_runs(part['pages'])} do not" in out
    assert_clean_message(out)
    code, out = run(good(tmp_path), "--out", tmp_path / "whole", "--no-cache")
    assert code == ExitCode.OK and "damaged" not in out  # a whole file says nothing of the kind
    assert "read_in_part" not in json.loads((tmp_path / "whole" / "index.json").read_text())  # left out: none

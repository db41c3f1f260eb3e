"""The command line as a user meets it: help for every command, every command in the docs, the real
console script, and the DOCX opened by a real office suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from conftest import ROOT, copy_of
from reportkit.cli import app
from reportkit.errors import ExitCode

runner = CliRunner()


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def _topic_pages() -> str:
    """The README and every docs page but the generated reference: where a user reads what a command does."""
    pages = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "cli.md")]
    return "\n".join(p.read_text(encoding="utf-8") for p in pages)


def test_every_command_has_help_and_is_in_the_docs() -> None:
    docs = _topic_pages()
    for name in _commands():
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0
        assert len(result.output) > 200, name
        assert f"reportkit {name}" in docs, f"no topic page shows `reportkit {name}`"


def test_every_exit_code_is_documented() -> None:
    page = (ROOT / "docs" / "exit-codes.md").read_text(encoding="utf-8")
    for code in ExitCode:
        assert f"| {int(code)} |" in page, f"exit code {int(code)} ({code.name}) missing from docs/exit-codes.md"


def test_real_console_script_and_module_entry(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "reportkit", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("reportkit ")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reportkit",
            "index",
            str(copy_of("UD_sample.pdf", tmp_path)),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Indexed 3 pages from 1 file(s) into 1 documents" in result.stderr
    assert "\x1b[" not in result.stderr  # no progress bar or colour when not a terminal


def test_progress_bar_on_a_terminal_draws_without_a_thread_and_gives_the_same_index(tmp_path: Path) -> None:
    """On a terminal the bar is drawn as the pages are read (no refresh thread, so the workers can be forked);
    the index is the same as without a terminal."""
    import os
    import threading

    from reportkit.commands.common import ProgressBar as _Bar

    before = threading.active_count()
    with _Bar(True) as bar:
        for done in range(0, 101, 10):
            bar("pages", done, 100)
        assert threading.active_count() == before
        assert bar.progress.tasks[0].completed == 100
        bar.started["ocr"] = 0.0  # OCR shows its pace: pages per second since it started
        bar.tasks["ocr"] = bar.progress.add_task("OCR of pages", total=10, rate="")
        bar("ocr", 4, 10)
        assert bar.progress.tasks[1].fields["rate"].endswith(" pages/s")
        bar("pages", 100, 100)
        assert bar.progress.tasks[0].fields["rate"] == ""

    records = ROOT / "samples" / "ime-case" / "records"
    cmd = [sys.executable, "-m", "reportkit", "index", str(records), "--no-cache"]
    plain = subprocess.run([*cmd, "--out", str(tmp_path / "plain")], capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    main, other = os.openpty()
    with subprocess.Popen([*cmd, "--out", str(tmp_path / "tty")], stdout=other, stderr=other) as proc:
        os.close(other)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal's other end closed
                break
            if not chunk:
                break
            shown += chunk
    os.close(main)
    assert proc.returncode == 0, shown.decode(errors="replace")[-2000:]
    assert b"Reading pages" in shown and b"\x1b[" in shown
    assert (tmp_path / "tty" / "index.json").read_bytes() == (tmp_path / "plain" / "index.json").read_bytes()


def test_index_docx_opens_in_libreoffice(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui); .ci/run installs it")
    result = runner.invoke(app, ["index", str(copy_of("UD_sample.pdf", tmp_path)), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            "txt:Text",
            "--outdir",
            str(tmp_path / "lo"),
            str(tmp_path / "o" / "index.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = (tmp_path / "lo" / "index.txt").read_text(encoding="utf-8", errors="replace")
    assert "Record index" in text
    assert "2009-03-26 (discharge)" in text
    assert "pp. 1–3" in text


def test_the_documented_overrides_example_applies_to_the_sample_case(tmp_path: Path) -> None:
    import re

    from reportkit import IndexOptions, index_bundle

    page = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(# overrides\.yaml.*?)```", page, re.S)
    assert example, "the overrides example in docs/review.md is gone"
    path = tmp_path / "overrides.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    records = ROOT / "samples" / "ime-case" / "records"
    index = index_bundle([records], tmp_path / "out", IndexOptions(overrides=path)).index
    assert not [w for w in index.warnings if w.startswith("overrides")], index.warnings
    mri = next(d for d in index.documents if d.first_page == 13)
    assert (mri.date, mri.overridden) == ("2024-03-11", ["date", "doc_type", "facility", "provider"])
    assert any(d.first_page == 24 and d.last_page == 24 for d in index.documents)
    merged = next(d for d in index.documents if d.first_page == 42 and d.last_page == 45)
    # four weekly therapy visits merged: the document runs from the first to the last, and the 14 days from
    # its last visit to the next record are no treatment gap (from its first visit they would be 35)
    assert (merged.date, merged.last_date) == ("2024-06-18", "2024-07-09")
    assert index.gaps == []

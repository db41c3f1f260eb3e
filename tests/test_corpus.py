"""The whole real-world corpus in one bundle: hostile, encrypted, scanned, huge-page and odd files side by side.
Nothing crashes, each unreadable file is named, and every readable page lands in exactly one document.
Skips when ../shared/corpus is absent (a fresh clone)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reportkit.cli import app
from reportkit.errors import ExitCode


def test_every_corpus_pdf_at_once(corpus: Path, tmp_path: Path) -> None:
    passwords = tmp_path / "passwords.txt"
    passwords.write_text("asdfzxcv\ntest\nopenpassword\npassword\n")  # the corpus README's passwords
    result = CliRunner().invoke(
        app,
        [
            "index",
            str(corpus / "pdf"),
            "--out",
            str(tmp_path / "out"),
            "--password-file",
            str(passwords),
            "--no-cache",
            "--file-timeout",
            "120",
            # OCR of the corpus's ~100 scanned pages takes minutes: bench/eval_ocr.py and tests/test_ocr.py
            # cover OCR of its scans; here the point is reading every file side by side
            "--ocr",
            "never",
        ],
    )
    assert result.exit_code == ExitCode.PARTIAL, result.output
    assert "Traceback" not in result.output
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    skipped = {Path(s["path"]).name: s["problem"] for s in index["skipped"]}
    assert skipped == {"empty.pdf": "empty", "invalid.pdf": "damaged"}  # every encrypted file opened
    pages = sorted(p for d in index["documents"] for p in range(d["first_page"], d["last_page"] + 1))
    assert pages == list(range(1, index["page_count"] + 1))
    assert len(index["sources"]) == len(list((corpus / "pdf").rglob("*.pdf"))) - 2
    by_name = {Path(s["path"]).name: i for i, s in enumerate(index["sources"])}
    ud = [d for d in index["documents"] if d["source"] == by_name["UD_sample.pdf"]]
    assert [(d["doc_type"], d["date"], d["date_role"]) for d in ud] == [
        ("discharge_summary", "2009-03-26", "discharge")
    ]
    mcbee = [d for d in index["documents"] if d["source"] == by_name["McBee_L1_20151116_Embedded.pdf"]]
    assert {d["doc_type"] for d in mcbee} == {"other"}

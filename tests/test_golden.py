"""The sample case's index.json, byte for byte, against a reviewed copy (tests/data/golden/).

Any change to what reportkit extracts from the sample shows up here as a readable diff. When a change is
intended, review the diff and update the copy:

    REPORTKIT_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from conftest import DATA, ROOT
from reportkit import IndexOptions, index_bundle

GOLDEN = DATA / "golden" / "sample-index.json"


def _fields(data: dict[str, object]) -> list[str]:
    """One line per document field, so a diff names the document and field that changed."""
    lines = []
    for doc in data["documents"]:  # type: ignore[attr-defined]
        for key, value in doc.items():
            lines.append(f"{doc['id']} {key}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}")
    for key in ("gaps", "warnings", "settings", "sources", "skipped"):
        lines.append(f"{key}: {json.dumps(data[key], ensure_ascii=False, sort_keys=True)}")
    return lines


def test_sample_index_matches_the_reviewed_golden_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # relative input paths, as the README's command gives them
    index_bundle([Path("samples/ime-case/records")], tmp_path, IndexOptions(use_cache=False))
    produced = (tmp_path / "index.json").read_bytes()
    if os.environ.get("REPORTKIT_UPDATE_GOLDEN"):
        GOLDEN.write_bytes(produced)
    expected = GOLDEN.read_bytes()
    if produced != expected:
        diff = difflib.unified_diff(
            _fields(json.loads(expected)), _fields(json.loads(produced)), "golden", "produced", lineterm="", n=0
        )
        pytest.fail("index.json differs from the golden copy:\n" + "\n".join(list(diff)[:80]))

"""The bundled sample case: the committed files are what the generator makes, and the index of its records
agrees with the ground-truth labels (boundaries, types, dates, providers, facilities, codes, missing pages,
duplicates)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE_CASE
from reportkit import IndexOptions, index_bundle
from reportkit.evaluate import score
from reportkit.models import RecordIndex
from reportkit.understand.dates import find_dates

TRUTH = json.loads((SAMPLE_CASE / "ground_truth.json").read_text())


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> RecordIndex:
    out = tmp_path_factory.mktemp("sample-index")
    return index_bundle([SAMPLE_CASE / "records"], out, IndexOptions(use_cache=False)).index


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_committed_sample_is_what_the_generator_makes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "samples" / "generate.py"), "--out", str(tmp_path / "case")],
        check=True,
        capture_output=True,
    )
    # only the generator's files: `reportkit draft samples/ime-case` (README) adds index/ and drafts/ beside them
    committed = {k: v for k, v in _digest(SAMPLE_CASE).items() if k.startswith("records/") or k == "ground_truth.json"}
    assert _digest(tmp_path / "case") == committed


def test_sample_meets_its_brief() -> None:
    docs = TRUTH["documents"]
    assert len(TRUTH["files"]) >= 3
    assert sum(f["pages"] for f in TRUTH["files"]) >= 40
    assert len(docs) >= 12 and len({d["doc_type"] for d in docs}) >= 8


def test_index_agrees_with_ground_truth(sample_index: RecordIndex) -> None:
    scores = score(sample_index, TRUTH)
    report = "\n".join(scores.lines())
    assert scores.boundary_f1 == 1.0, report
    assert scores.doc_type == 1.0, report
    assert scores.date == 1.0, report
    assert scores.provider == 1.0, report


def test_facilities_codes_missing_pages_and_duplicates(sample_index: RecordIndex) -> None:
    by_first = {d.first_page: d for d in sample_index.documents}
    for label in TRUTH["documents"]:
        doc = by_first[label["first_page"]]
        where = f"pages {label['first_page']}-{label['last_page']}"
        assert (doc.facility or "").lower() == (label["facility"] or "").lower(), where
        assert {d.code for d in doc.diagnoses} == set(label["icd10"]), where
        assert doc.missing_pages == label["missing_pages"], where
        dup = label["duplicate_of_first_page"]
        assert (doc.duplicate_of == by_first[dup].id) if dup else doc.duplicate_of is None, where


def test_every_value_cites_a_page_inside_its_document(sample_index: RecordIndex) -> None:
    for doc in sample_index.documents:
        assert doc.first_page <= doc.last_page
        for key, ev in doc.evidence.items():
            assert doc.first_page <= ev.page <= doc.last_page, (doc.id, key)
            assert ev.snippet, (doc.id, key)
        for item in [*doc.findings, *doc.diagnoses]:
            assert doc.first_page <= item.page <= doc.last_page, doc.id
        if doc.date:  # the date's snippet is the verbatim line that holds it
            assert doc.date in [d.isoformat() for _, _, d in find_dates(doc.evidence["date"].snippet)], doc.id


def test_fax_header_dates_never_date_a_document(sample_index: RecordIndex) -> None:
    fax_date = "2024-11-04"  # the transmission date on every page of the claim file
    assert all(d.date != fax_date for d in sample_index.documents)


def test_chronology_is_sorted_and_page_cited(sample_index: RecordIndex) -> None:
    dated = [d.date for d in sample_index.documents if d.date]
    assert dated == sorted(dated)
    undated = [i for i, d in enumerate(sample_index.documents) if not d.date]
    assert all(i >= len(dated) for i in undated)

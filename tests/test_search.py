"""`reportkit search`: search.sqlite written by `index` (also from the result cache), phrase and prefix
queries, filters, several cases at once, stale and missing indexes, malformed queries."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SAMPLE_CASE, copy_of
from reportkit.api import IndexOptions, index_bundle, search
from reportkit.cli import app
from reportkit.errors import InputError, UsageError
from reportkit.index.search import FILE_NAME, Filters

SECOND = ROOT / "samples" / "second-opinion-case"
runner = CliRunner()


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUT/ime/index and OUT/so/index, as a batch run lays them out."""
    out = tmp_path_factory.mktemp("search")
    cache = tmp_path_factory.mktemp("search-cache")
    index_bundle([SAMPLE_CASE / "records"], out / "ime" / "index", IndexOptions(cache_dir=cache))
    index_bundle([SECOND / "records"], out / "so" / "index", IndexOptions(cache_dir=cache))
    return out


def _doc_of(folder: Path, page: int) -> dict[str, object]:
    index = json.loads((folder / "index.json").read_text())
    return next(d for d in index["documents"] if d["first_page"] <= page <= d["last_page"])


def test_index_writes_a_private_search_file_built_from_its_index(cases: Path) -> None:
    folder = cases / "ime" / "index"
    db = folder / FILE_NAME
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    con = sqlite3.connect(db)
    try:
        (sha,) = con.execute("SELECT value FROM meta WHERE key = 'index_sha256'").fetchone()
        (pages,) = con.execute("SELECT count(*) FROM page_text").fetchone()
    finally:
        con.close()
    assert sha == hashlib.sha256((folder / "index.json").read_bytes()).hexdigest()
    assert pages == json.loads((folder / "index.json").read_text())["page_count"] == 57


def test_the_search_file_is_the_same_built_in_memory_or_in_the_output_folder(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """index builds search.sqlite as a temporary file in its output folder (half the memory of an in-memory
    database, and removed after); the bytes are those of one built in memory, which is also what a folder
    that cannot take the file falls back to."""
    import tempfile

    from reportkit.index import search as search_db
    from reportkit.index.load import load_index

    folder = cases / "ime" / "index"
    index, index_json = load_index(folder), (folder / "index.json").read_bytes()
    texts = search_db.stored_texts(folder, index)
    assert texts is not None
    in_memory = search_db.build(index, index_json, texts)
    scratch = tmp_path / "out"
    scratch.mkdir()
    assert search_db.build(index, index_json, texts, scratch) == in_memory
    assert list(scratch.iterdir()) == []
    assert (folder / FILE_NAME).read_bytes() == in_memory  # what index wrote
    assert in_memory[24:28] == bytes(4) and in_memory[92:100] == bytes(8)  # no library version in the bytes

    def no_room(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    # a library that writes its header otherwise than the offsets patched: built in memory instead
    opened: list[str] = []
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (1, 2, 3))
    monkeypatch.setattr(sqlite3, "connect", lambda name, *a: opened.append(name) or connect(name, *a))
    assert search_db.build(index, index_json, texts, scratch) == in_memory and opened[-1] == ":memory:"
    assert list(scratch.iterdir()) == []
    monkeypatch.setattr(tempfile, "mkstemp", no_room)
    assert search_db.build(index, index_json, texts, scratch) == in_memory


def test_phrase_query_finds_the_right_pages(cases: Path) -> None:
    folder = cases / "ime" / "index"
    hits = search([folder], '"lumbar MRI"')
    assert sorted(h.page for h in hits) == [7, 48]
    seven = next(h for h in hits if h.page == 7)
    doc = _doc_of(folder, 7)
    assert (seven.document, seven.doc_type, seven.date) == (doc["id"], "progress_note", "2024-03-14")
    assert seven.case == "ime" and "[lumbar MRI]" in seven.snippet
    # without quotes both words anywhere on the page: more pages (the MRI reports say "MRI LUMBAR SPINE")
    assert {7, 48} < {h.page for h in search([folder], "lumbar MRI", limit=100)}


def test_prefix_query_matches_word_starts(cases: Path) -> None:
    folder = cases / "ime" / "index"
    assert search([folder], "radic") == []
    hits = search([folder], "radic*", limit=100)
    assert {18, 29, 54} <= {h.page for h in hits}
    assert all("[radic" in h.snippet.lower() for h in hits)


def test_filters_narrow_the_hits(cases: Path) -> None:
    folder = cases / "ime" / "index"
    everything = search([folder], "MRI", limit=100)
    imaging = search([folder], "MRI", Filters(doc_types=("imaging",)), limit=100)
    assert imaging and {h.doc_type for h in imaging} == {"imaging"} and len(imaging) < len(everything)
    spring = search([folder], "MRI", Filters(date_from="2024-03-01", date_to="2024-03-31"), limit=100)
    assert spring and len(spring) < len(everything)
    assert all(h.date is not None and "2024-03-01" <= h.date <= "2024-03-31" for h in spring)
    mehta = search([folder], "MRI", Filters(provider="mehta"), limit=100)
    assert mehta and all("Mehta" in (h.provider or "") for h in mehta) and len(mehta) < len(everything)
    assert len(search([folder], "MRI", limit=2)) == 2


def test_one_search_covers_several_cases(cases: Path) -> None:
    hits = search([cases], "MRI", limit=200)
    assert {h.case for h in hits} == {"ime", "so"}
    both = search([cases / "ime", cases / "so" / "index"], "MRI", limit=200)
    assert [(h.case, h.page) for h in both] == [(h.case, h.page) for h in hits]


def test_malformed_query_is_a_usage_error_without_traceback(cases: Path) -> None:
    for query in ('"lumbar MRI', "MRI AND", "AND"):
        with pytest.raises(UsageError):
            search([cases], query)
        result = runner.invoke(app, ["search", query, str(cases)])
        assert result.exit_code == 2, result.output
        assert "is not valid" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["search", "MRI", str(cases), "--from", "March"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    result = runner.invoke(app, ["search", "MRI", str(cases), "--type", "xray"])
    assert result.exit_code == 2 and "no such document type" in result.output


def test_cli_prints_case_document_page_and_snippet(cases: Path) -> None:
    result = runner.invoke(app, ["search", '"lumbar MRI"', str(cases), "--type", "progress_note"])
    assert result.exit_code == 0, result.output
    doc = _doc_of(cases / "ime" / "index", 7)
    assert f"ime  p. 7  {doc['id']}  progress_note  2024-03-14" in result.output
    assert "[lumbar MRI]" in result.output and "1 hit(s)." in result.output
    # --limit cuts the list: the count says more match, rather than passing the cut for all there is
    cut = runner.invoke(app, ["search", "lumbar", str(cases), "-n", "1"])
    assert cut.output.count("  p. ") == 1 and "The first 1 hit(s); more pages match" in cut.output, cut.output
    whole = runner.invoke(app, ["search", '"lumbar MRI"', str(cases), "--type", "progress_note", "-n", "1"])
    assert "1 hit(s)." in whole.output and "more pages match" not in whole.output


def test_no_index_says_to_run_index(tmp_path: Path) -> None:
    result = runner.invoke(app, ["search", "MRI", str(tmp_path)])
    assert result.exit_code == 3 and "reportkit index" in result.output
    result = runner.invoke(app, ["search", "MRI", str(tmp_path / "absent")])
    assert result.exit_code == 3 and "not found" in result.output


def test_stale_search_file_of_other_files_is_skipped_then_rebuilt_by_index(cases: Path, tmp_path: Path) -> None:
    folder = tmp_path / "case" / "index"
    shutil.copytree(cases / "so" / "index", folder)
    shutil.copy2(cases / "ime" / "index" / "index.json", folder / "index.json")  # another case's index now
    before = (folder / FILE_NAME).read_bytes()
    warnings: list[str] = []
    with pytest.raises(InputError):
        search([folder], "MRI", warn=warnings.append)
    assert "built from another index.json" in warnings[0] and (folder / FILE_NAME).read_bytes() == before
    result = runner.invoke(app, ["search", "MRI", str(tmp_path), str(cases / "ime")])
    assert result.exit_code == 0 and "built from another index.json" in result.output
    index_bundle([SECOND / "records"], folder, IndexOptions(force=True, gap_days=90, use_cache=False))
    assert {h.case for h in search([folder], "MRI", limit=100)} == {"case"}


def test_corrected_index_json_refreshes_the_search_file(cases: Path, tmp_path: Path) -> None:
    folder = tmp_path / "case" / "index"
    shutil.copytree(cases / "ime" / "index", folder)
    index = json.loads((folder / "index.json").read_text())
    doc = next(d for d in index["documents"] if d["first_page"] <= 7 <= d["last_page"])
    doc["doc_type"] = "consultation"  # a reviewer's correction
    (folder / "index.json").write_text(json.dumps(index, indent=2))
    warnings: list[str] = []
    hits = search([folder], '"lumbar MRI"', Filters(doc_types=("consultation",)), warn=warnings.append)
    assert [h.page for h in hits] == [7] and "brought up to date" in warnings[0]
    assert stat.S_IMODE((folder / FILE_NAME).stat().st_mode) == 0o600
    warnings.clear()
    assert sorted(h.page for h in search([folder], '"lumbar MRI"', warn=warnings.append)) == [7, 48]
    assert warnings == []  # up to date now: nothing to say


def test_search_file_comes_back_from_the_result_cache(tmp_path: Path) -> None:
    options = IndexOptions(cache_dir=tmp_path / "cache")
    first = index_bundle([SECOND / "records"], tmp_path / "a", options)
    again = index_bundle([SECOND / "records"], tmp_path / "b", options)
    assert again.from_cache and not first.from_cache
    assert stat.S_IMODE((tmp_path / "b" / FILE_NAME).stat().st_mode) == 0o600
    found = [(h.page, h.snippet) for h in search([tmp_path / "a"], "knee", limit=50)]
    assert found and [(h.page, h.snippet) for h in search([tmp_path / "b"], "knee", limit=50)] == found
    assert (tmp_path / "a" / "index.json").read_bytes() == (tmp_path / "b" / "index.json").read_bytes()


def test_index_folder_without_search_file_is_named(cases: Path, tmp_path: Path) -> None:
    shutil.copytree(cases / "so" / "index", tmp_path / "old" / "index")
    (tmp_path / "old" / "index" / FILE_NAME).unlink()
    result = runner.invoke(app, ["search", "MRI", str(tmp_path)])
    assert result.exit_code == 3 and "no search.sqlite" in result.output


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract (apt-get install tesseract-ocr)")
def test_ocr_text_of_a_scanned_page_is_searchable(tmp_path: Path) -> None:
    scan = copy_of("ccitt.pdf", tmp_path)  # a fax page without a text layer
    index_bundle([scan], tmp_path / "out", IndexOptions(use_cache=False))
    assert json.loads((tmp_path / "out" / "index.json").read_text())["pages"][0]["text_source"] == "ocr"
    hits = search([tmp_path / "out"], '"multi-track tape recorder"')
    assert [(h.page, Path(h.file).name, h.source_page) for h in hits] == [(1, "ccitt.pdf", 1)]


def test_output_piped_into_a_reader_that_stops_ends_quietly(cases: Path) -> None:
    """`reportkit search ... | head -1`: the reader closes the pipe; the command stops with exit 141 (as one
    stopped by SIGPIPE) and says nothing, not "internal error"."""
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "reportkit", "search", "lumbar", str(cases), "-n", "100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # closed before the command prints anything
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(60) == 141 and err == "", err

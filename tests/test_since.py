"""`index --since`, `draft --addendum` and batch re-runs: records that arrive after the report."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from conftest import ROOT
from draft_helpers import pdf_with_lines, progress_note
from reportkit import api
from reportkit.batch import BatchSettings, run_batch
from reportkit.cli import app
from reportkit.draft import wordparts
from reportkit.draft.pipeline import copy_case

IME = ROOT / "samples" / "ime-case"
SECOND = ROOT / "samples" / "second-opinion-case"
REMOVED = "04-northgate-physical-therapy.pdf"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A: the sample IME records; B: a copy with one file removed and a new progress note, indexed --since A."""
    tmp = tmp_path_factory.mktemp("since")
    code, _ = _run("index", IME / "records", "--out", tmp / "A", "-q")
    assert code == 0
    records = tmp / "records"
    shutil.copytree(IME / "records", records)
    (records / REMOVED).unlink()
    progress_note(records / "06-late-progress-note.pdf")
    code, output = _run("index", records, "--out", tmp / "B", "--since", tmp / "A")
    assert code == 0, output
    assert "1 new, 0 changed," in output
    return tmp / "A", tmp / "B", records


def test_since_keeps_ids_and_lists_new_and_gone(indexed: tuple[Path, Path, Path]) -> None:
    a_dir, b_dir, _ = indexed
    a, b = api.load_index(a_dir), api.load_index(b_dir)
    assert a.since is None and b.since is not None
    by_hash: dict[str, set[str]] = {}
    for d in a.documents:
        by_hash.setdefault(d.content_sha256, set()).add(d.id)  # exact re-sent copies share a hash
    assert all(d.content_sha256 for d in a.documents + b.documents)
    unchanged = [d for d in b.documents if d.content_sha256 in by_hash]
    assert len(unchanged) > 20 and all(d.id in by_hash[d.content_sha256] for d in unchanged)
    highest = max(int(d.id[1:]) for d in a.documents)
    new = [d for d in b.documents if d.content_sha256 not in by_hash]
    assert [d.id for d in new] == [f"D{highest + 1:04d}"] == b.since["new"]
    assert new[0].doc_type == "progress_note" and new[0].date == "2024-09-17"
    assert len({d.id for d in b.documents}) == len(b.documents)
    removed = a.sources.index(next(s for s in a.sources if s.path.endswith(REMOVED)))
    gone_expected = sorted(d.id for d in a.documents if d.source == removed)
    assert gone_expected and sorted(g["id"] for g in b.since["gone"]) == gone_expected
    assert b.since["changed"] == []
    assert b.since["previous_sha256"] == api.load_previous(a_dir)[1]
    # references use the final ids
    ids = {d.id for d in b.documents}
    assert all(d.duplicate_of in ids for d in b.documents if d.duplicate_of)
    assert all(g.after in ids and g.before in ids for g in b.gaps)
    md = (b_dir / "index.md").read_text(encoding="utf-8")
    assert "## New since the previous index" in md and f"D{highest + 1:04d} new: 2024-09-17" in md
    assert "## New since" not in (a_dir / "index.md").read_text(encoding="utf-8")
    assert "New since the previous index" in [p.text for p in docx.Document(str(b_dir / "index.docx")).paragraphs]


def test_since_changed_document_same_file_and_page(tmp_path: Path) -> None:
    """A file replaced by a different one of the same name: its document is changed, not new + gone."""
    first = tmp_path / "r1"
    first.mkdir()
    progress_note(first / "note.pdf", "09/17/2024")
    assert _run("index", first, "-o", tmp_path / "A", "-q")[0] == 0
    second = tmp_path / "r2"
    second.mkdir()
    progress_note(second / "note.pdf", "09/18/2024")
    code, output = _run("index", second, "-o", tmp_path / "B", "--since", tmp_path / "A" / "index.json", "-q")
    assert code == 0, output
    old, since = api.load_index(tmp_path / "A"), api.load_index(tmp_path / "B").since
    assert since is not None
    assert since["changed"] == [{"id": "D0002", "was": old.documents[0].id}]
    assert since["new"] == [] and since["gone"] == []


def test_bad_since_exits_3(tmp_path: Path, indexed: tuple[Path, Path, Path]) -> None:
    _, _, records = indexed
    (tmp_path / "not-index.json").write_text('{"hello": 1}', encoding="utf-8")
    old = json.loads((indexed[0] / "index.json").read_text(encoding="utf-8"))
    for doc in old["documents"]:
        del doc["content_sha256"]  # as an index written before content hashes
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    for bad in (tmp_path / "missing", tmp_path / "not-index.json", tmp_path / "old.json"):
        code, output = _run("index", records, "-o", tmp_path / "out", "--since", bad)
        assert code == 3, output
        assert str(bad) in output and "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_without_since_index_json_has_no_since_key(indexed: tuple[Path, Path, Path]) -> None:
    a_dir, _, _ = indexed
    assert "since" not in json.loads((a_dir / "index.json").read_text(encoding="utf-8"))


def test_draft_addendum_lists_only_new_document(tmp_path: Path) -> None:
    case = copy_case(IME, tmp_path / "case")
    code, output = _run("draft", case, "-q")
    assert code == 0, output
    previous = tmp_path / "previous.json"
    shutil.copy2(case / "index" / "index.json", previous)
    report = (case / "drafts" / "ime-report.docx").read_bytes()
    progress_note(case / "records" / "06-late-progress-note.pdf")
    code, output = _run("draft", case, "--addendum")
    assert code == 0, output
    assert "from 1 new documents" in output
    assert (case / "drafts" / "ime-report.docx").read_bytes() == report  # the report is left alone
    paragraphs = [p.text for p in wordparts.paragraphs(docx.Document(str(case / "drafts" / "addendum.docx")))]
    listed = paragraphs[paragraphs.index("Additional records reviewed") + 2 : paragraphs.index("Comments")]
    pages = api.load_index(case / "index").page_count
    assert len(listed) == 1 and "2024-09-17" in listed[0] and "Progress note" in listed[0]
    assert f"(p. {pages})" in listed[0]
    assert any("[TO COMPLETE: your comments" in p for p in paragraphs)
    # the same addendum with an explicit --since
    code, output = _run("draft", case, "--addendum", "--since", previous, "-o", tmp_path / "explicit", "-q")
    assert code == 0, output
    assert (tmp_path / "explicit" / "addendum.md").read_bytes() == (case / "drafts" / "addendum.md").read_bytes()
    # an edited addendum is not replaced
    (case / "drafts" / "addendum.md").write_text("edited\n", encoding="utf-8")
    code, output = _run("draft", case, "--addendum", "--format", "md")
    assert code == 5 and "addendum.md" in output


def test_draft_addendum_needs_something_to_compare(tmp_path: Path) -> None:
    case = copy_case(IME, tmp_path / "case")
    assert _run("draft", case, "-q")[0] == 0
    code, output = _run("draft", case, "--addendum")
    assert code == 2 and "--since" in output
    code, output = _run("draft", case, "--addendum", "--since", tmp_path / "nope.json")
    assert code == 3 and "nope.json" in output
    assert not (case / "drafts" / "addendum.docx").exists()


def test_batch_rerun_reports_new_document(tmp_path: Path) -> None:
    root, out = tmp_path / "cases", tmp_path / "out"
    case = root / "knee"
    case.mkdir(parents=True)
    shutil.copy2(SECOND / "case.yaml", case / "case.yaml")
    shutil.copytree(SECOND / "records", case / "records")
    first = run_batch(root, out, BatchSettings(), jobs=1)
    assert first.outcomes[0].status == "done" and first.outcomes[0].changes == ""
    before = api.load_index(out / "knee" / "index")
    progress_note(case / "records" / "09-late.pdf")
    second = run_batch(root, out, BatchSettings(), jobs=1)
    assert second.outcomes[0].changes == "1 new, 0 changed, 0 gone"
    after = api.load_index(out / "knee" / "index")
    assert after.since is not None and len(after.since["new"]) == 1
    assert {d.id for d in before.documents} <= {d.id for d in after.documents}
    with (out / "batch-summary.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["changes"] == "1 new, 0 changed, 0 gone"


_BODY = [
    "HISTORY: The patient returns for follow-up of low back pain after a lifting injury at work.",
    "She reports pain radiating into the left buttock, worse with prolonged sitting and bending.",
    "EXAMINATION: Tenderness over the left lumbar paraspinal muscles; straight leg raise negative.",
    "Strength is five of five in both lower extremities; sensation intact to light touch.",
    "ASSESSMENT: Lumbar strain, improving with therapy; no radicular deficit found today.",
    "PLAN: Continue the home exercise program and physical therapy twice a week for four weeks.",
]


def long_note(path: Path, body: list[str], day: str = "09/17/2024") -> Path:
    lines = ["LAKESHORE ORTHOPEDIC & SPINE", "PROGRESS NOTE", f"Date of service: {day}",
             "Provider: Dana Whitfield, MD", *body]  # fmt: skip
    return pdf_with_lines(path, *lines, left=54)


def test_a_rescanned_copy_keeps_its_id_and_is_not_a_change(tmp_path: Path) -> None:
    """The same note sent again as a new scan (a word read differently): unchanged, listed as re-scanned; a
    note whose date differs is a change however alike its words; without the previous page texts
    (search.sqlite), a re-scan cannot be told from a change."""
    for name in ("r1", "r2", "r3"):
        (tmp_path / name).mkdir()
    long_note(tmp_path / "r1" / "note.pdf", _BODY)
    rescan = [line.replace("buttock", "buttocK").replace("twice", "tvvice") for line in _BODY]
    long_note(tmp_path / "r2" / "note.pdf", rescan)
    long_note(tmp_path / "r3" / "note.pdf", _BODY, day="09/24/2024")
    assert _run("index", tmp_path / "r1", "-o", tmp_path / "A", "-q")[0] == 0
    old = api.load_index(tmp_path / "A").documents[0].id

    code, output = _run("index", tmp_path / "r2", "-o", tmp_path / "B", "--since", tmp_path / "A")
    assert code == 0, output
    since = api.load_index(tmp_path / "B").since
    assert since is not None
    assert (since["new"], since["changed"], since["gone"], since["unchanged"]) == ([], [], [], 1)
    assert [r["id"] for r in since["rescanned"]] == [old] and 0.85 <= since["rescanned"][0]["similarity"] < 1
    assert api.load_index(tmp_path / "B").documents[0].id == old
    assert "1 unchanged kept their ids, 1 of them re-scanned copies" in output
    assert f"{old} re-scanned copy of the previous one (" in (tmp_path / "B" / "index.md").read_text()

    assert _run("index", tmp_path / "r3", "-o", tmp_path / "C", "--since", tmp_path / "A", "-q")[0] == 0
    since = api.load_index(tmp_path / "C").since
    assert since is not None and since["rescanned"] == [] and len(since["changed"]) == 1

    (tmp_path / "A" / "search.sqlite").unlink()
    assert _run("index", tmp_path / "r2", "-o", tmp_path / "D", "--since", tmp_path / "A", "-q")[0] == 0
    since = api.load_index(tmp_path / "D").since
    assert since is not None and since["rescanned"] == [] and len(since["changed"]) == 1


def test_an_addendum_does_not_list_a_rescanned_record(tmp_path: Path) -> None:
    """draft --addendum --since PREVIOUS (a folder with its search.sqlite): a record sent again as a new scan
    is no additional record; the one really new is."""
    case = copy_case(IME, tmp_path / "case")
    long_note(case / "records" / "07-note.pdf", _BODY)
    code, output = _run("draft", case, "-q")
    assert code == 0, output
    shutil.copytree(case / "index", tmp_path / "previous")
    rescan = [line.replace("buttock", "buttocK").replace("twice", "tvvice") for line in _BODY]
    long_note(case / "records" / "07-note.pdf", rescan)
    progress_note(case / "records" / "08-late-progress-note.pdf", "10/01/2024")
    code, output = _run("draft", case, "--addendum", "--since", tmp_path / "previous", "-q")
    assert code == 0, output
    paragraphs = [p.text for p in wordparts.paragraphs(docx.Document(str(case / "drafts" / "addendum.docx")))]
    listed = paragraphs[paragraphs.index("Additional records reviewed") + 2 : paragraphs.index("Comments")]
    assert len(listed) == 1 and "2024-10-01" in listed[0], listed

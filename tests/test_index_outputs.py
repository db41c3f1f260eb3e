"""index.json round-trips; CSV, Markdown and DOCX say the same thing; same inputs give the same bytes;
the text cache makes a re-run cheap and --no-cache turns it off."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import CORPUS_COPIES, ROOT, copy_of, office_pdf
from reportkit import IndexOptions, index_bundle, load_index
from reportkit.cli import app
from reportkit.index import export
from reportkit.index.summary import IndexSummary
from reportkit.ingest.pdf import FileInfo
from reportkit.models import Diagnosis, Document, Evidence, Finding, Page, RecordIndex, Source

runner = CliRunner()

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    first = draw(st.integers(1, 50))
    return Document(
        id=f"D{draw(st.integers(1, 9999)):04d}",
        first_page=first,
        last_page=first + draw(st.integers(0, 5)),
        doc_type=draw(st.sampled_from(["imaging", "other", "billing"])),
        title=draw(st.none() | text),
        date=draw(st.none() | st.dates().map(lambda d: d.isoformat())),
        date_role=draw(st.none() | st.sampled_from(["service", "exam"])),
        provider=draw(st.none() | text),
        facility=draw(st.none() | text),
        diagnoses=draw(st.lists(st.builds(Diagnosis, st.none() | text, text, st.integers(1, 9)), max_size=2)),
        findings=draw(st.lists(st.builds(Finding, st.just("PLAN"), text, st.integers(1, 9)), max_size=2)),
        duplicate_of=draw(st.none() | st.just("D0001")),
        duplicate_similarity=draw(st.none() | st.floats(0.5, 1.0)),
        overridden=draw(st.lists(st.sampled_from(["date", "doc_type"]), max_size=2, unique=True)),
        explain=draw(st.dictionaries(st.sampled_from(["date", "doc_type"]), st.lists(text, max_size=2), max_size=2)),
        missing_pages=draw(st.lists(st.integers(1, 9), max_size=2)),
        evidence=draw(
            st.dictionaries(
                st.sampled_from(["date", "provider"]), st.builds(Evidence, st.integers(1, 9), text, text), max_size=2
            )
        ),
        warnings=draw(st.lists(text, max_size=2)),
        last_date=draw(st.none() | st.dates().map(lambda d: d.isoformat())),
    )


@settings(max_examples=60)
@given(st.lists(documents(), max_size=4))
def test_index_json_round_trips_byte_for_byte(docs: list[Document]) -> None:
    index = RecordIndex(
        sources=[Source("a.pdf", "0" * 64, 2, 1, 2)],
        page_count=2,
        pages=[Page(1, 0, 1, "embedded", 10), Page(2, 0, 2, "none", 0)],
        documents=docs,
    )
    data = export.to_json(index)
    assert json.loads(data) == index.to_dict()
    # records are written field by field in their declared order (the encoder reads them directly)
    assert [list(d) for d in json.loads(data)["documents"]] == [[f.name for f in fields(Document)]] * len(docs)
    again = RecordIndex.from_dict(json.loads(data))
    assert again == index
    assert export.to_json(again) == data


def test_outputs_agree_and_cite_pages(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = index_bundle([copy_of("UD_sample.pdf", tmp_path)], out, IndexOptions(use_cache=False))
    index = load_index(out)
    assert index == result.index
    doc = index.documents[0]
    assert (doc.first_page, doc.last_page, doc.doc_type, doc.date, doc.date_role) == (
        1,
        3,
        "discharge_summary",
        "2009-03-26",
        "discharge",
    )
    assert doc.evidence["date"].page == 1 and "03/26/2009" in doc.evidence["date"].snippet

    rows = list(csv.DictReader(io.StringIO((out / "index.csv").read_bytes().decode("utf-8-sig"))))
    assert [(r["id"], r["date"], r["doc_type"], r["pages"]) for r in rows] == [
        (doc.id, "2009-03-26", "discharge_summary", "1-3")
    ]

    md = (out / "index.md").read_text()
    assert f"| {doc.id} | 2009-03-26 (discharge) | discharge summary |" in md
    assert "pp. 1–3" in md

    table = docx.Document(str(out / "index.docx")).tables[0]
    cells = [c.text for c in table.rows[1].cells]
    assert cells[0] == doc.id and cells[1] == "2009-03-26 (discharge)" and cells[-1] == "pp. 1–3"
    assert [c.text for c in table.rows[0].cells][:2] == ["#", "Date"]


def test_index_docx_is_a_landscape_word_document_in_python_docx_styles(tmp_path: Path) -> None:
    """index.docx is written directly (not through python-docx's object model): read back, it has the layout
    and the named styles a user of the template expects."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches, Pt

    out = tmp_path / "out"
    index_bundle([copy_of("UD_sample.pdf", tmp_path)], out, IndexOptions(use_cache=False))
    document = docx.Document(str(out / "index.docx"))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    assert section.left_margin == Inches(0.6) and section.top_margin == Inches(0.6)
    assert document.styles["Normal"].font.size == Pt(9)
    styles = [p.style.name for p in document.paragraphs]
    assert styles[0] == "Heading 1" and "Heading 2" in styles and "List Bullet" in styles
    table = document.tables[0]
    assert table.style is not None and table.style.name == "Table Grid"
    assert all(cell.paragraphs[0].runs[0].bold for cell in table.rows[0].cells)
    assert document.core_properties.title == "Record index" and document.core_properties.author == "reportkit"


def test_same_inputs_give_byte_identical_outputs(tmp_path: Path) -> None:
    inputs = [copy_of("UD_sample.pdf", tmp_path), copy_of("McBee_L1_20151116_Embedded.pdf", tmp_path)]
    index_bundle(inputs, tmp_path / "a", IndexOptions(use_cache=False))
    index_bundle(inputs, tmp_path / "b", IndexOptions(use_cache=True, cache_dir=tmp_path / "c"))
    index_bundle(inputs, tmp_path / "c2", IndexOptions(use_cache=True, cache_dir=tmp_path / "c"))  # from cache
    for name in export.OUTPUT_NAMES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "c2" / name).read_bytes(), name
    run = json.loads((tmp_path / "a" / "run.json").read_text())
    assert "started" in run and all("path" not in i for i in run["inputs"])  # inputs by hash only


def test_outputs_do_not_depend_on_how_the_input_paths_were_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative path, an absolute one and another working folder give the same bytes (issue 15, item 12)."""
    import shutil

    from conftest import SAMPLE_CASE

    case = tmp_path / "case"
    shutil.copytree(SAMPLE_CASE / "records", case / "records")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    index_bundle([Path("case/records")], tmp_path / "a", IndexOptions(use_cache=False))
    monkeypatch.chdir(tmp_path / "elsewhere")
    index_bundle([case / "records"], tmp_path / "b", IndexOptions(use_cache=False))
    monkeypatch.chdir(case / "records")
    index_bundle([Path(".")], tmp_path / "c", IndexOptions(use_cache=True, cache_dir=tmp_path / "cache"))
    index_bundle([Path("./")], tmp_path / "d", IndexOptions(use_cache=True, cache_dir=tmp_path / "cache"))
    for name in (*export.OUTPUT_NAMES, "search.sqlite"):
        first = (tmp_path / "a" / name).read_bytes()
        assert all((tmp_path / o / name).read_bytes() == first for o in "bcd"), name
    sources = load_index(tmp_path / "a").sources
    assert sources[0].path == "records/01-harborview-occupational-health.pdf"
    # files named one by one, from two folders: each keeps the folder that tells them apart
    monkeypatch.chdir(tmp_path)
    index_bundle(
        [Path("case/records/01-harborview-occupational-health.pdf"), tmp_path / "a" / "index.json"],
        tmp_path / "e",
        IndexOptions(use_cache=False),
    )
    index = load_index(tmp_path / "e")
    assert [s.path for s in index.sources] == ["case/records/01-harborview-occupational-health.pdf"]
    assert [s.path for s in index.skipped] == ["a/index.json"]


def test_cache_is_used_on_a_rerun_and_no_cache_turns_it_off(tmp_path: Path) -> None:
    pdf = copy_of("UD_sample.pdf", tmp_path)
    options = IndexOptions(cache_dir=tmp_path / "cache")
    assert index_bundle([pdf], tmp_path / "1", options).cache_hits == 0
    assert index_bundle([pdf], tmp_path / "2", options).cache_hits == 1
    assert (
        index_bundle([pdf], tmp_path / "3", IndexOptions(use_cache=False, cache_dir=tmp_path / "cache")).cache_hits == 0
    )
    cached = list((tmp_path / "cache").rglob("*.json.gz"))
    assert len(cached) == 1 and cached[0].name.startswith(
        json.loads((tmp_path / "1/index.json").read_text())["sources"][0]["sha256"]
    )


def test_folders_expand_sorted_and_pages_number_across_files(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    (folder / "b").mkdir(parents=True)
    (folder / "b" / "2.PDF").write_bytes((CORPUS_COPIES / "UD_sample.pdf").read_bytes())
    (folder / "a.pdf").write_bytes((CORPUS_COPIES / "pdflatex-outline.pdf").read_bytes())
    (folder / "notes.txt").write_text("not a pdf, not picked up")
    result = runner.invoke(app, ["index", str(folder), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    index = load_index(tmp_path / "out")
    assert [Path(s.path).name for s in index.sources] == ["a.pdf", "2.PDF"]
    first, second = index.sources
    assert (first.first_page, second.first_page, second.last_page) == (1, first.page_count + 1, index.page_count)
    assert [p.page for p in index.pages] == list(range(1, index.page_count + 1))
    covered = sorted(p for d in index.documents for p in range(d.first_page, d.last_page + 1))
    assert covered == list(range(1, index.page_count + 1))  # every page in exactly one document
    assert all(d.first_page >= second.first_page or d.last_page <= first.last_page for d in index.documents)


def test_outline_entries_start_documents(tmp_path: Path) -> None:
    result = index_bundle([copy_of("pdflatex-outline.pdf", tmp_path)], tmp_path / "o", IndexOptions())
    starts = [d.first_page for d in sorted(result.index.documents, key=lambda d: d.first_page)]
    assert len(starts) > 1
    assert any("outline" in d.evidence["boundary"].snippet for d in result.index.documents)


def test_parallel_analysis_gives_the_same_documents_as_serial(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import ROOT
    from reportkit.ingest.bundle import read_bundle
    from reportkit.understand.documents import PARALLEL_MIN_PAGES, build_documents
    from reportkit.workers import Limits, WorkerPool

    big = tmp_path / "big.pdf"
    subprocess.run(
        [sys.executable, str(ROOT / "samples" / "generate.py"), "--bench-pages", "400", "--out", str(big)],
        check=True,
        capture_output=True,
    )
    sample = ROOT / "samples" / "ime-case" / "records" / "01-harborview-occupational-health.pdf"
    with WorkerPool(2, Limits()) as pool:
        bundle = read_bundle([sample, big], pool=pool)
        assert len(bundle.texts) >= PARALLEL_MIN_PAGES
        parallel, _, _ = build_documents(bundle.texts, bundle.pages, bundle.sources, bundle.outline_starts, pool)
        # the reading workers' own page analyses (numbered across both files) give the same documents again
        read_and_analysed = read_bundle([sample, big], pool=pool, analyse=True)
        assert read_and_analysed.texts == bundle.texts
        assert all(a is not None for a in read_and_analysed.analysed)
        fused, _, _ = build_documents(
            bundle.texts, bundle.pages, bundle.sources, bundle.outline_starts, pool, known=read_and_analysed.analysed
        )
    serial, _, _ = build_documents(bundle.texts, bundle.pages, bundle.sources, bundle.outline_starts, None)
    assert parallel == serial
    assert fused == serial
    assert len(parallel) > 100


def test_page_analyses_are_renumbered_when_a_file_before_them_drops_out() -> None:
    """The workers number pages as if every opened file will be read; when an earlier file then fails, the
    pages after it move up, and so must the page numbers inside their analyses."""
    from conftest import ROOT
    from reportkit.ingest.bundle import Bundle, _add_source, _FileState, read_bundle
    from reportkit.understand.documents import analyse_pages
    from reportkit.workers import Limits, WorkerPool

    records = sorted((ROOT / "samples" / "ime-case" / "records").glob("*.pdf"))[:2]
    with WorkerPool(2, Limits()) as pool:
        bundle = read_bundle(records, pool=pool, analyse=True)
    first, second = bundle.sources
    texts = bundle.texts[second.first_page - 1 :]
    state = _FileState(
        bundle.files[1],
        second.sha256,
        second.path,
        info=FileInfo(second.page_count, "pdfium", None, ()),
        texts=list(texts),
        analysed=bundle.analysed[second.first_page - 1 :],
        first_page=second.first_page,
    )
    alone = Bundle()
    _add_source(alone, second.path, state, texts)  # as if the first file had failed: now pages 1..n
    assert second.first_page == first.page_count + 1 > 1
    assert alone.analysed == analyse_pages(1, texts)
    assert [pl.page for pl, _ in alone.analysed if pl] == list(range(1, second.page_count + 1))
    # the analyses are handed over to the document analysis whole, and the bundle holds them no longer
    held = alone.analysed
    assert alone.take_analysed() is held and alone.analysed == []


def test_docx_keeps_clinical_symbols_and_drops_control_characters() -> None:
    doc = Document(
        "D0001",
        1,
        1,
        "progress_note",
        None,
        "2024-03-14",
        "service",
        "A <B> & C, MD",
        None,
        findings=[Finding("ASSESSMENT", "BP < 120 & HR > 60\x0b ok\x7f", 1)],
    )
    index = RecordIndex(
        sources=[Source("a.pdf", "0" * 64, 1, 1, 1)],
        page_count=1,
        pages=[Page(1, 0, 1, "embedded", 10)],
        documents=[doc],
    )
    table = docx.Document(io.BytesIO(export.to_docx(index))).tables[0]
    cells = [c.text for c in table.rows[1].cells]
    assert cells[3] == "A <B> & C, MD"
    assert cells[5] == "ASSESSMENT: BP < 120 & HR > 60 ok"


def test_whole_result_is_reused_only_while_inputs_settings_and_files_are_unchanged(tmp_path: Path) -> None:
    pdf = copy_of("UD_sample.pdf", tmp_path)
    opts = IndexOptions(cache_dir=tmp_path / "cache", force=True)
    stale = tmp_path / "cache" / "results-v1" / "ab" / "ab12.zip"  # an earlier version's result (record text)
    (tmp_path / "cache").mkdir(mode=0o700)  # as reportkit made it
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    first = index_bundle([pdf], tmp_path / "a", opts)
    assert not stale.parent.parent.exists() and list((tmp_path / "cache").glob("results-v*/*/*.zip"))
    again = index_bundle([pdf], tmp_path / "b", opts)
    assert (first.from_cache, again.from_cache) == (False, True)
    for name in export.OUTPUT_NAMES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    # the stored summary stands in for the index (not parsed unless asked for), and says the same
    assert again.built is None and "index" not in vars(again)
    assert again.summary == first.summary == IndexSummary.of(first.index)
    assert again.index == first.index
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted(p.name for p in (tmp_path / "a").iterdir())
    assert json.loads((tmp_path / "b" / "run.json").read_text())["cache"] == "result"
    settings = [json.loads((tmp_path / d / "run.json").read_text())["settings"] for d in ("a", "b")]
    assert list(settings[0].items()) == list(settings[1].items())  # same keys, same order
    assert not index_bundle([pdf], tmp_path / "c", IndexOptions(cache_dir=tmp_path / "cache", gap_days=10)).from_cache
    other = copy_of("McBee_L1_20151116_Embedded.pdf", tmp_path)
    pdf.write_bytes(other.read_bytes())  # same name, new content
    changed = index_bundle([pdf], tmp_path / "d", opts)
    assert not changed.from_cache and changed.index.documents[0].doc_type == "other"


def test_runs_with_skipped_or_encrypted_files_are_not_reused(tmp_path: Path) -> None:
    opts = IndexOptions(cache_dir=tmp_path / "cache", force=True, passwords=("test",))
    inputs = [copy_of("UD_sample.pdf", tmp_path), copy_of("invalid.pdf", tmp_path)]
    index_bundle(inputs, tmp_path / "a", opts)
    assert not index_bundle(inputs, tmp_path / "a", opts).from_cache
    encrypted = [copy_of("password-example.pdf", tmp_path)]
    index_bundle(encrypted, tmp_path / "b", opts)
    assert not index_bundle(encrypted, tmp_path / "b", opts).from_cache
    assert not list((tmp_path / "cache").rglob("*.zip"))


@pytest.mark.parametrize("other_thread", [False, True], ids=["forked", "spawned"])
def test_worker_processes_do_not_rerun_the_callers_script(tmp_path: Path, other_thread: bool) -> None:
    """Spawned workers normally import the parent's main script again; ours only run reportkit's own tasks,
    so a user's script (its top-level code here leaves a mark per run) runs once, and workers start faster.
    (Forked workers never import it; with another thread running in the script, workers are spawned.)"""
    import subprocess
    import sys

    from conftest import ROOT

    marks = tmp_path / "marks.txt"
    script = tmp_path / "my_script.py"
    script.write_text(
        "import threading\n"
        "from pathlib import Path\n"
        "import reportkit\n"
        "from reportkit.workers import can_fork\n"
        f"with open({str(marks)!r}, 'a') as f:\n"
        "    f.write('ran\\n')\n"
        "if __name__ == '__main__':\n"
        "    stop = threading.Event()\n"
        f"    if {other_thread!r}:\n"
        "        threading.Thread(target=stop.wait, daemon=True).start()\n"
        f"    records = Path({str(ROOT / 'samples' / 'ime-case' / 'records')!r})\n"
        f"    options = reportkit.IndexOptions(jobs=2, use_cache=False, ocr='never')\n"
        "    forks = can_fork()\n"
        f"    result = reportkit.index_bundle([records], Path({str(tmp_path / 'out')!r}), options)\n"
        "    stop.set()\n"
        "    print(len(result.index.documents), forks)\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    count, forks = done.stdout.split()
    assert int(count) > 10 and forks == str(not other_thread)
    assert marks.read_text(encoding="utf-8") == "ran\n"


def test_a_stored_result_with_an_unreadable_summary_is_not_reused(tmp_path: Path) -> None:
    import zipfile

    pdf = copy_of("UD_sample.pdf", tmp_path)
    opts = IndexOptions(cache_dir=tmp_path / "cache", force=True)
    first = index_bundle([pdf], tmp_path / "a", opts)
    (stored,) = (tmp_path / "cache").rglob("results-*/*/*.zip")
    with zipfile.ZipFile(stored) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert set(members) == {*export.OUTPUT_NAMES, "search.sqlite", "reportkit-summary.json"}
    members["reportkit-summary.json"] = b"{not json"
    with zipfile.ZipFile(stored, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    again = index_bundle([pdf], tmp_path / "b", opts)
    assert not again.from_cache and again.summary == first.summary
    assert not (tmp_path / "b" / "reportkit-summary.json").exists()
    assert index_bundle([pdf], tmp_path / "c", opts).from_cache  # stored anew


@pytest.mark.parametrize("fork", [False, True])
def test_outputs_rendered_by_a_worker_are_the_bytes_rendered_here(monkeypatch: pytest.MonkeyPatch, fork: bool) -> None:
    """A large index's index.md, .csv and .docx come from a worker while this process writes index.json and
    search.sqlite: the same bytes as rendering all here; a worker that fails to give them changes nothing.
    Where workers are forked, the render worker is forked holding the index: no task carries it."""
    from conftest import ROOT
    from reportkit.index import export
    from reportkit.indexer import build as built  # where the index is built and rendered
    from reportkit.ingest.bundle import check_inputs
    from reportkit.models import RecordIndex
    from reportkit.workers import Limits, Task, WorkerPool, can_fork

    if fork and not can_fork():
        pytest.skip("workers cannot be forked here")

    records = check_inputs(sorted((ROOT / "samples" / "ime-case" / "records").glob("*.pdf")))
    index, bundle, _, _ = built.build(records, IndexOptions(use_cache=False), None, None, None, render=False)
    here = built.render_outputs(index, bundle.texts)
    monkeypatch.setattr(built, "PARALLEL_RENDER_PAGES", 1)
    rendered_here: list[str] = []
    render_some = export.render_some

    def recorded(index: object, names: list[str]) -> dict[str, bytes]:
        rendered_here.extend(names)  # in this process only: a worker's calls stay in the worker
        return render_some(index, names)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "render_some", recorded)
    with WorkerPool(2, Limits(), fork=fork) as pool:
        sent: list[object] = []
        pool_map = pool.map

        def recorded_map(tasks: list[Task]) -> object:
            sent.extend(arg for task in tasks for arg in task.args)
            return pool_map(tasks)

        monkeypatch.setattr(pool, "map", recorded_map)
        shared = built.render_outputs(index, bundle.texts, pool)
        assert any(isinstance(arg, RecordIndex) for arg in sent) is not fork
        assert rendered_here == ["index.json"]
        # the worker is asked for an output it does not know: its task fails, and this process renders its share
        monkeypatch.setattr(built, "WORKER_OUTPUTS", (*built.WORKER_OUTPUTS, "index.unknown"))
        fallen_back = built.render_outputs(index, bundle.texts, pool)
        assert rendered_here[1:] == ["index.json", *built.WORKER_OUTPUTS[:3]]
        # from PARALLEL_RENDER_MAX_PAGES, no worker: all is rendered here
        monkeypatch.setattr(built, "PARALLEL_RENDER_MAX_PAGES", 2)
        sent.clear()
        alone = built.render_outputs(index, bundle.texts, pool)
        assert rendered_here[5:] == list(export.RENDERERS) and not sent
    assert list(shared) == list(here) == [*export.RENDERERS, "index.html", "search.sqlite"]
    assert shared == here
    assert fallen_back == alone == here


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_quoted_as_text(start: str) -> None:
    """OWASP's list: a cell starting with TAB or CR is a formula to some spreadsheets too (issue 15, item 13)."""
    from reportkit.index.export import spreadsheet_safe

    assert spreadsheet_safe(start + "cmd|' /C calc'!A0") == "'" + start + "cmd|' /C calc'!A0"
    assert spreadsheet_safe("Dr. Chen " + start) == "Dr. Chen " + start


def test_a_shared_cache_folder_keeps_its_mode_and_the_cache_goes_private_inside(tmp_path: Path) -> None:
    """``--cache-dir /tmp``-like folder (1777): never chmod'ed; the cache is a 0700 subfolder of this user's."""
    import os
    import stat

    shared, new = tmp_path / "shared", tmp_path / "new" / "cache"
    shared.mkdir()
    shared.chmod(0o1777)
    for root in (shared, new):
        index_bundle([copy_of("UD_sample.pdf", tmp_path)], tmp_path / f"out-{root.name}", IndexOptions(cache_dir=root))
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    private = shared / f"reportkit-{os.getuid()}"
    assert stat.S_IMODE(private.stat().st_mode) == 0o700 and any(private.rglob("*.json.gz"))
    assert stat.S_IMODE(new.stat().st_mode) == 0o700 and any(new.rglob("*.json.gz"))  # made by reportkit
    folders = [p for p in new.rglob("*") if p.is_dir()]
    assert folders and all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in folders)  # and every folder in it


def test_chronology_docx_has_a_case_header_fitted_columns_and_a_header_row_on_every_page(tmp_path: Path) -> None:
    """The sample's index.docx, laid out by LibreOffice: the case header on top, the column heads repeated on
    every page, rows whole, the key-findings column the widest (issue 14)."""

    from docx.oxml.ns import qn
    from pypdf import PdfReader

    out = tmp_path / "out"
    index_bundle([ROOT / "samples" / "ime-case" / "records"], out, IndexOptions(use_cache=False))
    document = docx.Document(str(out / "index.docx"))
    table = document.tables[0]
    heads = [c.text for c in table.rows[0].cells]
    assert heads == ["#", "Date", "Document", "Provider", "Facility", "Key findings", "Pages"]
    widths = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert widths.index(max(widths)) == heads.index("Key findings")
    assert table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert all(row._tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for row in table.rows)
    assert "progress note\nINITIAL OCCUPATIONAL INJURY EVALUATION" in [c.text for r in table.rows for c in r.cells]
    pdf = office_pdf(out / "index.docx", tmp_path)
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
    assert len(pages) >= 3
    assert "Examinee: Okafor, Daniel R Date of birth: 1981-09-23 Records dated: 2024-02-06 to 2024-10-21" in pages[0]
    assert "Pages and documents: 57 pages, 39 documents" in pages[0]
    assert all("# Date Document Provider Facility Key findings Pages" in page for page in pages if "D00" in page)


def test_the_headline_counts_in_words_and_leaves_out_duplicates_when_there_are_none(tmp_path: Path) -> None:
    import dataclasses

    from reportkit.index.export import headline

    index = index_bundle([ROOT / "samples" / "ime-case" / "records"], tmp_path / "o", IndexOptions(ocr="never")).index
    assert headline(index).startswith("5 files, 57 pages, 39 documents (and 1 re-sent duplicate, listed but not")
    one = dataclasses.replace(
        index,
        sources=[Source("a.pdf", "0" * 64, 1, 1, 1)],
        page_count=1,
        documents=[dataclasses.replace(index.documents[0], first_page=1, last_page=1, duplicate_of=None)],
    )
    assert headline(one).startswith("1 file, 1 page, 1 document, dated ")

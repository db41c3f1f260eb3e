"""The accuracy harness (bench/eval_index.py): its truth must be right, and reportkit must meet the targets.

The first tests check the instrument: a bundle built from our own synthetic notes in held-out layouts has
labels that cover its pages exactly, PDFs with the page count the labels say, and every labelled date and
provider actually printed on the labelled pages. The last test scores `reportkit index` on a small held-out
bundle against the accuracy targets of the issue (it fails until the extraction rules reach them).
"""

from __future__ import annotations

import itertools
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, SHARED_CORPUS
from reportkit.models import DOC_TYPES

sys.path.insert(0, str(ROOT / "bench"))

from bundles import FEATURES, HELD_OUT_LAYOUTS, TUNE_LAYOUTS, all_renderings, build_bundle, layout
from eval_index import TARGETS, run_split
from notes import Note
from own_notes import GENERATORS, own_notes


@pytest.fixture(scope="module")
def notes() -> list[Note]:
    return own_notes(per_type=60)


def page_texts(files: list[str]) -> list[str]:
    texts = []
    for f in files:
        texts += [page.extract_text() or "" for page in PdfReader(f).pages]
    return texts


def test_own_notes_cover_every_type_in_both_splits_with_many_distinct_notes(notes: list[Note]) -> None:
    assert set(GENERATORS) == set(DOC_TYPES)
    per = Counter((n.doc_type, n.split) for n in notes)
    for t in DOC_TYPES:
        assert per[(t, "tune")] >= 10 and per[(t, "held-out")] >= 5, t
    assert len({n.key for n in notes}) == len(notes) == 60 * len(DOC_TYPES)
    assert all(n.titles for n in notes if n.doc_type != "correspondence")


def test_layout_splits_are_disjoint_and_varied() -> None:
    assert not set(TUNE_LAYOUTS) & set(HELD_OUT_LAYOUTS)
    held = [layout(n) for n in HELD_OUT_LAYOUTS]
    assert all(lay.split == "held-out" for lay in held)
    assert len({(lay.letterhead, lay.patient_block, lay.footer, lay.signature, lay.fax > 0) for lay in held}) >= 8
    assert layout(7) == layout(7)
    # both splits see every value of every feature (held-out layouts are new combinations, not easier ones)
    for feature, values in FEATURES.items():
        for split in (TUNE_LAYOUTS, HELD_OUT_LAYOUTS):
            assert {getattr(layout(n), feature) for n in split} == set(values), feature


def test_bundle_truth_is_self_consistent(notes: list[Note], tmp_path: Path) -> None:
    pool = [n for n in notes if n.split == "held-out"]
    truth = build_bundle(tmp_path, pool, HELD_OUT_LAYOUTS, 20, seed=3)
    docs = truth["documents"]
    # pages 1..N, each in exactly one document, in order
    assert docs[0]["first_page"] == 1
    for a, b in itertools.pairwise(docs):
        assert a["first_page"] <= a["last_page"] and b["first_page"] == a["last_page"] + 1
    texts = page_texts(truth["files"])
    assert len(texts) == truth["page_count"] == docs[-1]["last_page"]
    assert sum(d["source"] != "fax_cover" for d in docs) == 20
    assert {d["layout"] for d in docs} <= set(HELD_OUT_LAYOUTS)
    for d in docs:
        pages = " ".join(texts[d["first_page"] - 1 : d["last_page"]])
        flat = " ".join(pages.split())
        assert d["doc_type"] in DOC_TYPES
        if d["date"] is not None:
            assert any(r in flat for r in all_renderings(d["date"])), d
        else:
            assert d["doc_type"] == "other"
        if d["provider_surname"]:
            assert d["provider_surname"].lower() in flat.lower(), d
        if d["source"] == "fax_cover":
            assert d["first_page"] == d["last_page"] and "FAX COVER SHEET" in pages
    # the same seed gives the same bundle, byte for byte
    again = tmp_path / "again"
    again.mkdir()
    truth2 = build_bundle(again, pool, HELD_OUT_LAYOUTS, 20, seed=3)
    assert truth2["documents"] == docs
    assert [Path(f).read_bytes() for f in truth2["files"]] == [Path(f).read_bytes() for f in truth["files"]]


def test_dates_on_the_page_are_not_only_the_labelled_one(notes: list[Note], tmp_path: Path) -> None:
    """The bundles must test date choice: signatures, fax headers, DOB and follow-ups carry other dates."""
    truth = build_bundle(tmp_path, [n for n in notes if n.split == "held-out"], HELD_OUT_LAYOUTS, 20, seed=3)
    text = " ".join(page_texts(truth["files"]))
    assert "Electronically signed" in text or "Transcribed:" in text or "Signed:" in text
    assert "DOB" in text or "Date of Birth" in text


def test_reportkit_index_meets_the_accuracy_targets_on_held_out_bundles(tmp_path: Path) -> None:
    """The issue's targets on text and layouts the rules were not developed against."""
    sources = ["own"]
    if (SHARED_CORPUS / "text" / "mtsamples-dev.csv").is_file():
        sources.append("mtsamples")
    fig = run_split("held-out", sources, bundles=4, docs=24, seed=1, tmpdir=tmp_path)
    o = fig["overall"]
    summary = (
        f"held-out {sources}: boundary F1 {o['boundary_f1']}, doc_type {o['doc_type']}, date {o['date']}, "
        f"provider {o['provider']}; first misses: {fig['misses'][:8]}"
    )
    assert o["documents"] >= 96
    assert o["boundary_f1"] >= TARGETS["boundary_f1"], summary
    assert o["doc_type"] >= TARGETS["doc_type"], summary
    assert o["date"] >= TARGETS["date"], summary
    assert o["provider"] >= TARGETS["provider"], summary


def test_a_merged_production_with_a_misfiled_record_is_split_and_flagged(notes: list[Note], tmp_path: Path) -> None:
    """The harness's production mode: one PDF of every provider's records (no file boundaries to lean on)
    with another patient's document filed among them; reportkit keeps the two patients apart and flags it."""
    from reportkit import IndexOptions, index_bundle
    from reportkit.evaluate import score

    pool = [n for n in notes if n.split == "held-out"]
    named = [n for n in HELD_OUT_LAYOUTS if layout(n).patient_block != 3]  # layouts that print the patient
    (tmp_path / "b").mkdir()
    truth = build_bundle(tmp_path / "b", pool, named, 14, seed=11, merged=True, misfiled=1)
    assert len(truth["files"]) == 1 and len(PdfReader(truth["files"][0]).pages) == truth["page_count"]
    stranger = [t for t in truth["documents"] if t["patient"] == "B" and t["source"] != "fax_cover"]
    assert len(stranger) == 1
    index = index_bundle(
        [Path(f) for f in truth["files"]], tmp_path / "out", IndexOptions(use_cache=False, jobs=1, ocr="never")
    ).index
    whose = {p: t["patient"] for t in truth["documents"] for p in range(t["first_page"], t["last_page"] + 1)}
    for doc in index.documents:  # no document holds pages of both patients
        assert len({whose[p] for p in range(doc.first_page, doc.last_page + 1)}) == 1, doc.id
    flagged = next(d for d in index.documents if d.first_page == stranger[0]["first_page"])
    assert any(w.startswith("names another patient") for w in flagged.warnings)
    assert score(index, truth).matched >= len(truth["documents"]) - 1


def test_the_real_world_classes_are_generated_and_indexed(notes: list[Note], tmp_path: Path) -> None:
    """The harness's real-world classes (``--real-classes``): a chart's running band carrying each section's
    title, spill-over pages, exhibit stamps in a production, a payer's letter, a form typed over its blanks and
    a fax-like re-scan are all in the bundle; the index splits them like the labels, dates the form by its
    visit (not the birth date typed beside it), and (with Tesseract) marks the re-scan as the copy it is."""
    from reportkit import IndexOptions, index_bundle
    from reportkit.evaluate import score
    from reportkit.ingest.ocr import find_tesseract

    pool = [n for n in notes if n.split == "held-out"]
    for seed in itertools.count(21):  # the first bundle (in seed order) with a hospital's chart in it
        folder = tmp_path / f"b{seed}"
        folder.mkdir()
        truth = build_bundle(folder, pool, HELD_OUT_LAYOUTS, 16, seed=seed, merged=True, real=True)
        texts = page_texts(truth["files"])
        if any(" | MRN: " in t.split("\n")[0] or " | MRN: " in t[:400] for t in texts):
            break
    rescan = next(t for t in truth["documents"] if "duplicate_of_first" in t)
    assert not texts[rescan["first_page"] - 1].strip()  # image only: nothing to read without OCR
    assert any(len([ln for ln in t.split("\n") if ln.strip()]) <= 4 for t in texts)  # a spill-over page
    covers = [t for t in truth["documents"] if t["source"] == "fax_cover"]
    stamp = re.compile(r"Exhibit (\d+) Page \d+|^\d+ of \d+: (\d+)F: ", re.M)  # a stamp, or an SSA header
    exhibits = {m.group(1) or m.group(2) for t in texts if (m := stamp.search(t))}
    unstamped = len(covers) + 3  # fax covers; the payer's letter, the form and the re-scan come from elsewhere
    assert len(exhibits) == len(truth["documents"]) - unstamped  # one per document
    engine = find_tesseract()
    ocr = "auto" if engine is not None and "eng" in engine.langs else "never"
    index = index_bundle([Path(f) for f in truth["files"]], tmp_path / "out", IndexOptions(use_cache=False, ocr=ocr))
    index = index.index
    result = score(index, truth)
    assert result.matched >= len(truth["documents"]) - 1, result.misses
    starting = {d.first_page: d for d in index.documents}
    for kind in ("correspondence", "work_status"):  # the payer's letter and the typed-over form
        label = next(t for t in truth["documents"] if t["source"] == kind)
        got = starting[label["first_page"]]
        assert (got.doc_type, got.date) == (kind, label["date"]), got
        assert (label["provider_surname"] or "-") in (got.provider or "-"), got
    if ocr == "auto":
        assert starting[rescan["first_page"]].duplicate_of == starting[rescan["duplicate_of_first"]].id


REALWORLD = SHARED_CORPUS / "realworld"


@pytest.mark.skipif(not (REALWORLD / "truth_files.json").is_file(), reason="needs ../shared/corpus/realworld")
def test_shuffled_real_world_bundles_have_truth_that_covers_their_pages(tmp_path: Path) -> None:
    from eval_realworld import copies_of, shuffled_bundles

    made = shuffled_bundles(REALWORLD, 4, "t", tmp_path)
    assert len(made) == 4 and len({name for name, _, _ in made}) == 4
    pairs = copies_of(REALWORLD)
    assert pairs.get("F13R") == "F13" and pairs.get("F13") == "F13R"
    for _, pdf, docs in made:
        pages = len(PdfReader(pdf).pages)
        covered = [p for d in docs for p in range(d["start"], d["end"] + 1)]
        assert covered == list(range(1, pages + 1))  # each page in one document, in order
        starts = {d["start"] for d in docs}
        for d in docs:
            if d["duplicate_of_start"]:
                assert d["duplicate_of_start"] in starts and d["duplicate_of_start"] < d["start"]
    # the same seed draws the same bundles, another seed others
    (tmp_path / "again").mkdir()
    assert shuffled_bundles(REALWORLD, 1, "t", tmp_path / "again")[0][2] == made[0][2]
    assert shuffled_bundles(REALWORLD, 1, "u", tmp_path / "again")[0][2] != made[0][2]

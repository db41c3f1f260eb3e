"""The review loop and bundle-level findings: near-duplicates, reviewer overrides, --explain."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from conftest import SAMPLE_CASE
from reportkit import IndexOptions, index_bundle
from reportkit.cli import app
from reportkit.errors import InputError
from reportkit.models import RecordIndex
from reportkit.overrides import read_overrides
from reportkit.understand.duplicates import find_copies, jaccard, shingles

RECORDS = SAMPLE_CASE / "records"
runner = CliRunner()

NOTE = (
    "The patient returns for follow-up of low back pain radiating into the left leg after lifting a crate at "
    "work. She reports the pain is six out of ten, worse with sitting and better with walking. Straight leg "
    "raise is positive on the left at forty degrees. Strength is five out of five except the left extensor "
    "hallucis longus which is four out of five. Reflexes are symmetric. Assessment lumbar radiculopathy. "
    "Plan continue physical therapy twice weekly, gabapentin at night, and return in four weeks."
)


def _noisy(text: str, rate: float, seed: int) -> str:
    """What re-faxing and OCR do to a text: look-alike characters swapped (o/0, l/1, e/c, m/rn...) at ten
    times ``rate``, and other letters lost at ``rate``."""
    rng = random.Random(seed)
    swaps = {"o": "0", "l": "1", "e": "c", "i": "l", "s": "5", "m": "rn"}
    out = []
    for c in text:
        roll = rng.random()
        if c in swaps and roll < rate * 10:
            out.append(swaps[c])
        elif c.isalpha() and roll < rate:
            continue
        else:
            out.append(c)
    return "".join(out)


def test_a_refaxed_copy_is_a_near_duplicate_and_an_unrelated_note_is_not() -> None:
    original = shingles(NOTE)
    copy = shingles(_noisy(NOTE, 0.005, seed=3))
    other = shingles(NOTE.replace("low back", "neck").replace("left leg", "right arm").replace("lifting", "pulling"))
    unrelated = shingles("Screening colonoscopy to the cecum with good preparation. " * 3 + "No polyps were seen.")
    similarity = jaccard(original, copy)
    assert 0.5 < similarity < 1.0
    copies = find_copies([original, unrelated, copy], threshold=similarity - 0.01)
    assert [(c.index, c.original) for c in copies] == [(2, 0)]
    assert copies[0].similarity == pytest.approx(similarity, abs=1e-3)
    # the threshold is a real setting: above the pair's similarity, no copy
    assert find_copies([original, unrelated, copy], threshold=similarity + 0.01) == []
    # the same visit re-dictated with different findings is a different document at the default threshold
    assert find_copies([original, other]) == []
    # identical text is an exact copy
    assert find_copies([original, unrelated, original])[0].similarity == 1.0


def test_shingles_are_kept_compact_and_give_the_same_copies_as_sets() -> None:
    """Four bytes a shingle, distinct and in order (identical texts give identical bytes); the copy search
    answers the same whether it is given these or plain sets of the same numbers."""
    texts = [NOTE, "Screening colonoscopy to the cecum. " * 4, _noisy(NOTE, 0.005, seed=3), NOTE]
    compact = [shingles(t) for t in texts]
    assert all(s.itemsize == 4 and list(s) == sorted(set(s)) for s in compact)
    assert compact[0].tobytes() == compact[3].tobytes()
    as_sets = [set(s) for s in compact]
    assert find_copies(compact, 0.5) == find_copies(as_sets, 0.5)
    assert [(c.index, c.original, c.similarity) for c in find_copies(compact, 0.5)][-1] == (3, 0, 1.0)
    assert jaccard(compact[0], compact[2]) == jaccard(as_sets[0], as_sets[2]) > 0.5


def test_exact_copies_are_found_by_digest_and_confirmed_shingle_by_shingle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Identical shingle sets are looked up by a digest; a digest two different sets share (forced here) does
    not make them copies: the sets themselves are compared."""
    from reportkit.understand import duplicates

    class Collides:
        def __init__(self, data: object, digest_size: int = 16) -> None:
            self.size = digest_size

        def digest(self) -> bytes:
            return b"\0" * self.size

    note = shingles(NOTE)
    unrelated = shingles(
        "Screening colonoscopy to the cecum with good preparation. The terminal ileum was intubated and looked "
        "normal. No polyps, masses or diverticula were seen. Retroflexion showed small internal hemorrhoids."
    )
    assert [(c.index, c.original, c.similarity) for c in find_copies([note, unrelated, note])] == [(2, 0, 1.0)]
    monkeypatch.setattr(duplicates, "hashlib", type("H", (), {"blake2b": Collides}))
    assert find_copies([note, unrelated]) == []
    assert [(c.index, c.original, c.similarity) for c in find_copies([note, unrelated, note])] == [(2, 0, 1.0)]


def test_a_copy_of_a_copy_points_at_the_first_copy() -> None:
    a = shingles(NOTE)
    copies = find_copies([a, a, a])
    assert [(c.index, c.original) for c in copies] == [(1, 0), (2, 0)]


def _render(path: Path, pages: list[list[str]]) -> None:
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for lines in pages:
        y = 740
        for line in lines:
            c.drawString(54, y, line)
            y -= 14
        c.showPage()
    c.save()


def _visit(date: str, body: str, fax: str = "") -> list[str]:
    words = body.split()
    lines = [" ".join(words[i : i + 14]) for i in range(0, len(words), 14)]
    return [
        *([fax] if fax else []),
        "Northfield Orthopedic Associates",
        "PROGRESS NOTE",
        f"Date of Service: {date}",
        "Patient: Jane Q Sample   DOB: 01/02/1970",
        "",
        *lines,
        "",
        "Alan R. Whitfield, MD",
    ]


def test_near_duplicate_documents_are_marked_kept_and_left_out_of_gaps(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    second = NOTE.replace("six out of ten", "four out of ten").replace("twice weekly", "once weekly")
    _render(records / "a.pdf", [_visit("03/01/2024", NOTE), _visit("05/20/2024", second)])
    # the first visit re-sent months later through a fax machine that mangled a few characters
    fax = "09/30/2024 11:02 FROM: ATTORNEY OFFICE FAX (555) 010-2000 P. 001/001"
    _render(records / "b.pdf", [_visit("03/01/2024", _noisy(NOTE, 0.005, seed=5), fax)])
    index = index_bundle([records], tmp_path / "out", IndexOptions(use_cache=False, gap_days=30)).index
    by_page = {d.first_page: d for d in index.documents}
    copy = by_page[3]
    assert copy.duplicate_of == by_page[1].id
    assert copy.duplicate_similarity is not None and 0.85 <= copy.duplicate_similarity < 1.0
    assert any("near-exact duplicate" in w for w in copy.warnings)
    assert by_page[2].duplicate_of is None
    assert len(index.documents) == 3  # kept in the index
    # the one gap runs between the two distinct visits, not to or from the copy
    assert [(g.start, g.end) for g in index.gaps] == [("2024-03-01", "2024-05-20")]
    # a stricter threshold turns the near-copy into a document of its own
    strict = index_bundle([records], tmp_path / "strict", IndexOptions(use_cache=False, duplicate_threshold=0.999))
    assert all(d.duplicate_of is None for d in strict.index.documents)
    assert strict.index.settings["duplicate_threshold"] == 0.999


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> RecordIndex:
    return index_bundle([RECORDS], tmp_path_factory.mktemp("plain"), IndexOptions(use_cache=False)).index


def _doc_at(index: RecordIndex, first_page: int):  # type: ignore[no-untyped-def]
    return next(d for d in index.documents if d.first_page == first_page)


def test_overrides_correct_fields_split_and_merge(tmp_path: Path, sample: RecordIndex) -> None:
    two_page = next(d for d in sample.documents if d.page_count >= 3 and d.doc_type == "discharge_summary")
    pair = sorted(sample.documents, key=lambda d: d.first_page)
    merge_a, merge_b = next((a, b) for a, b in itertools.pairwise(pair) if a.doc_type == b.doc_type == "therapy")
    target = next(d for d in sample.documents if d.doc_type == "imaging")
    sha = sample.sources[target.source].sha256[:12]
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(
        "# reviewer corrections\n"
        "documents:\n"
        f"  - pages: {target.first_page}-{target.last_page}\n"
        "    doc_type: procedure_note\n"
        "    date: 2023-12-31\n"
        "    provider: Dr. Reviewer Fixed\n"
        f"    source_sha256: {sha}\n"
        "    note: stamp on the back of the page\n"
        f"  - pages: {two_page.first_page}-{two_page.last_page}\n"
        f"    split_at: [{two_page.first_page + 1}]\n"
        f"  - pages: {merge_a.first_page}-{merge_b.last_page}\n"
        "    merge: true\n"
        "    title: Therapy visits, combined\n"
        "  - pages: 900-901\n"
        "    doc_type: billing\n",
        encoding="utf-8",
    )
    result = index_bundle([RECORDS], tmp_path / "out", IndexOptions(use_cache=False, overrides=overrides))
    index = result.index
    fixed = _doc_at(index, target.first_page)
    assert (fixed.doc_type, fixed.date, fixed.provider) == ("procedure_note", "2023-12-31", "Dr. Reviewer Fixed")
    assert fixed.overridden == ["date", "doc_type", "provider"] and fixed.date_role == target.date_role
    assert fixed.evidence["doc_type"].rule == "override (overrides line 3)"
    assert fixed.evidence["doc_type"].snippet == "stamp on the back of the page"
    # split: two documents where there was one, the second starting at the page the reviewer gave
    head, tail = _doc_at(index, two_page.first_page), _doc_at(index, two_page.first_page + 1)
    assert head.last_page == two_page.first_page and tail.last_page == two_page.last_page
    assert "boundary" in tail.explain and "override" in tail.explain["boundary"][0]
    # merge: one document over both, with the reviewer's title
    merged = _doc_at(index, merge_a.first_page)
    assert merged.last_page == merge_b.last_page and merged.title == "Therapy visits, combined"
    assert len(index.documents) == len(sample.documents)  # +1 split, -1 merge
    # every page still in exactly one document
    covered = sorted(p for d in index.documents for p in range(d.first_page, d.last_page + 1))
    assert covered == list(range(1, index.page_count + 1))
    # the entry for pages that do not exist is reported, not dropped
    assert any(w.startswith("overrides line 14") and "900-901" in w for w in index.warnings)
    # deterministic, and the overrides file is part of the settings (a changed file is a new index)
    index_bundle([RECORDS], tmp_path / "again", IndexOptions(overrides=overrides))
    assert (tmp_path / "out" / "index.json").read_bytes() == (tmp_path / "again" / "index.json").read_bytes()
    assert index.settings["overrides_sha256"] == read_overrides(overrides).sha256
    overrides.write_text(overrides.read_text().replace("2023-12-31", "2023-12-30"), encoding="utf-8")
    changed = index_bundle([RECORDS], tmp_path / "changed", IndexOptions(overrides=overrides))
    assert not changed.from_cache and _doc_at(changed.index, target.first_page).date == "2023-12-30"
    assert index_bundle([RECORDS], tmp_path / "changed2", IndexOptions(overrides=overrides)).from_cache


def test_an_override_for_a_replaced_file_is_reported(tmp_path: Path, sample: RecordIndex) -> None:
    doc = sample.documents[0]
    overrides = tmp_path / "o.yaml"
    overrides.write_text(
        f"documents:\n  - pages: {doc.first_page}-{doc.last_page}\n    doc_type: other\n"
        "    source_sha256: 00000000deadbeef\n"
    )
    index = index_bundle([RECORDS], tmp_path / "out", IndexOptions(use_cache=False, overrides=overrides)).index
    assert _doc_at(index, doc.first_page).doc_type == doc.doc_type
    assert any(w.startswith("overrides line 2") and "not in the file with SHA-256" in w for w in index.warnings)


def test_a_reviewer_marks_a_duplicate_and_a_document_that_is_not_one(tmp_path: Path, sample: RecordIndex) -> None:
    copy = next(d for d in sample.documents if d.duplicate_of)
    original = sample.document(copy.duplicate_of or "")
    other = next(d for d in sample.documents if not d.duplicate_of and d.doc_type == "therapy")
    single = next(d for d in sample.documents if d.page_count == 1 and d not in (copy, other))
    overrides = tmp_path / "o.yaml"
    overrides.write_text(
        "documents:\n"
        f"  - pages: {copy.first_page}-{copy.last_page}\n    duplicate_of: none\n"
        f"  - pages: {other.first_page}-{other.last_page}\n"
        f"    duplicate_of: {original.first_page}-{original.last_page}\n"
        f"  - pages: {single.first_page}\n    duplicate_of: 900-901\n",
        encoding="utf-8",
    )
    index = index_bundle([RECORDS], tmp_path / "out", IndexOptions(use_cache=False, overrides=overrides)).index
    kept = _doc_at(index, copy.first_page)
    assert kept.duplicate_of is None and kept.duplicate_similarity is None and "duplicate_of" in kept.overridden
    assert not any("duplicate of" in w for w in kept.warnings)
    marked = _doc_at(index, other.first_page)
    assert marked.duplicate_of == _doc_at(index, original.first_page).id and "duplicate_of" in marked.overridden
    assert any("as a reviewer marked it (overrides line 4)" in w for w in marked.warnings)
    assert any(w.startswith("overrides line 6") and "900-901" in w for w in index.warnings)
    md = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    assert f"duplicate of {marked.duplicate_of}" in md


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("documents:\n  - pages: 3\n    duplicate_of: D0003\n", 3, "give the pages of the document it copies"),
        ("documents:\n  - pages: 3-4\n    duplicate_of: 3-4\n", 3, "duplicate of itself"),
        ("documents:\n  - pages: 3\n    doc_typ: imaging\n", 3, "unknown key(s) doc_typ"),
        ("documents:\n  - pages: 3\n    doc_type: xray\n", 3, "doc_type 'xray' is not one of"),
        ("documents:\n  - pages: 3\n  - pages: 5-4\n    doc_type: other\n", 2, "changes nothing"),
        ("documents:\n  - pages: 7-9\n    doc_type: other\n  - pages: 5-4\n    doc_type: other\n", 4, "forwards"),
        ("documents:\n  - pages: 3\n    date: 14/03/2024\n", 3, "YYYY-MM-DD"),
        ("documents:\n  - pages: 3-6\n    split_at: [9]\n", 3, "split_at pages must lie"),
        ("documents:\n  - pages: 3-6\n    split_at: [4]\n    doc_type: other\n", 2, "cannot set fields"),
        ("documents:\n  - pages: [3\n", 3, "expected ',' or ']'"),
        ("pages: 3\n", 1, "one key, 'documents:'"),
    ],
)
def test_bad_overrides_files_name_the_line_and_the_problem(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        read_overrides(path)
    assert caught.value.message.startswith(f"{path}, line {line}: ")
    assert words in caught.value.message


def test_cli_overrides_errors_and_explain(tmp_path: Path, sample: RecordIndex) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"documents:\n  - pages: 3\n    colour: red\n")
    result = runner.invoke(app, ["index", str(RECORDS), "--out", str(tmp_path / "x"), "--overrides", str(bad)])
    assert result.exit_code == 3
    assert "bad.yaml, line 3: unknown key(s) colour" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "x").exists()  # nothing half-written
    missing = runner.invoke(app, ["index", str(RECORDS), "--out", str(tmp_path / "y"), "--overrides", "nope.yaml"])
    assert missing.exit_code == 3 and "overrides file not found" in missing.stderr

    stale = tmp_path / "stale.yaml"
    stale.write_text("documents:\n  - pages: 400\n    doc_type: other\n")
    doc = next(d for d in sample.documents if d.doc_type == "imaging" and d.date)
    out = tmp_path / "z"
    args = ["index", str(RECORDS), "--out", str(out), "--overrides", str(stale), "--explain", doc.id.lower()]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "warning: overrides line 2: no document spans pages 400" in result.stderr
    assert result.stdout.startswith(f"{doc.id}  ")
    assert f"date:      {doc.date} ({doc.date_role}) by label:" in result.stdout
    assert "doc_type:  imaging by title:imaging" in result.stdout
    written = json.loads((out / "index.json").read_text())
    assert any("400" in w for w in written["warnings"])
    unknown = runner.invoke(app, ["index", str(RECORDS), "--out", str(out), "--force", "--explain", "D9999"])
    assert unknown.exit_code == 2 and "--explain D9999: no such document" in unknown.stderr
    ids = sorted(d.id for d in sample.documents)
    assert f"Ids run from {ids[0]} to {ids[-1]}" in unknown.stderr and "was written" in unknown.stderr


def test_explain_lists_the_dates_set_aside(sample: RecordIndex) -> None:
    # a note whose page carries a DOB, a date of injury and a later signature date besides its date of service
    doc = next(d for d in sample.documents if any("DOB" in line for line in d.explain.get("date", [])))
    lines = doc.explain["date"]
    assert lines[0].startswith(f"{doc.date} ({doc.date_role}) by label:")
    assert any(line.startswith("set aside:") and "DOB (not a date of care)" in line for line in lines)


def test_notes_alike_but_for_their_dates_are_separate_visits() -> None:
    """A note carried forward to the next visit (same words, another date of service) is a visit of its own;
    the same note re-sent (same date) is a copy; an undated copy still matches."""
    from reportkit.understand.duplicates import CopyFinder

    note = shingles(NOTE)
    carried = CopyFinder()
    assert carried.add(note, "2024-03-01") is None and carried.add(note, "2024-03-08") is None
    resent = CopyFinder()
    resent.add(note, "2024-03-01")
    assert resent.add(note, "2024-03-01") == resent.copies[0]
    assert resent.add(shingles(_noisy(NOTE, 0.002, seed=5)), None) is not None

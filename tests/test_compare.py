"""`reportkit compare` (issue 17, part 2): the sample case's treating records against the prior IME in the bundle
(Gerald P. Huang, MD, pp. 52-55) and our own answers in case.yaml, every snippet verbatim from its cited page."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import textpdf
from conftest import SAMPLE_CASE, office_pdf
from reportkit import IndexOptions, index_bundle
from reportkit.cli import app
from reportkit.compare.model import Comparison
from reportkit.compare.run import compare
from reportkit.compare.sentences import split
from reportkit.index.load import load_index
from reportkit.index.search import stored_texts
from reportkit.understand.text import fold

runner = CliRunner()


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample case (case.yaml and records) with its index, as `reportkit draft` leaves it."""
    where = tmp_path_factory.mktemp("cmp") / "ime-case"
    where.mkdir()
    shutil.copy(SAMPLE_CASE / "case.yaml", where / "case.yaml")
    shutil.copytree(SAMPLE_CASE / "records", where / "records")
    index_bundle([where / "records"], where / "index", IndexOptions(ocr="never"))
    return where


@pytest.fixture(scope="module")
def result(case: Path) -> Comparison:
    return compare(case)


def _flags(c: Comparison) -> set[tuple[str, str, str]]:
    return {(f.rule, c.rows[f.rows[0]].citation, c.rows[f.rows[1]].citation) for f in c.flags}


def test_the_sample_cases_disagreements_are_flagged_with_their_citations(result: Comparison) -> None:
    assert result.imes == (
        "prior IME (pp. 52–55): Gerald P. Huang, MD, 2024-09-24 (pp. 52–55)",
        "this IME (case.yaml): Lorraine S. Voss, MD, 2024-11-12",
    )
    assert _flags(result) == {
        # MMI: the surgeon on 2024-09-10 "as of today" and the prior IME say 2024-09-10; our answer says 2024-10-15
        ("mmi-date", "p. 36", "case.yaml question 4, answer"),
        ("mmi-date", "p. 55", "case.yaml question 4, answer"),
        # lifting: the surgeon's latest 40 lb occasional (p. 36) against the prior IME's 50 lb (p. 54)
        ("lifting-limit", "p. 36", "p. 54"),
        # the prior IME apportions 30 % to pre-existing disease; neither the treating records nor we do
        ("apportionment", "p. 54", "p. 2"),
        ("apportionment", "p. 54", "case.yaml question 1, answer"),
    }
    lifting = next(f for f in result.flags if f.rule == "lifting-limit")
    assert "40 lb" in lifting.detail and "50 lb" in lifting.detail and "Helen M. Castellano, MD" in lifting.detail
    share = next(f for f in result.flags if f.rule == "apportionment")
    assert "30 percent to pre-existing" in result.rows[share.rows[0]].text


def test_each_topic_shows_what_each_side_recorded(result: Comparison) -> None:
    said = {(r.topic, r.who, r.citation, r.text) for r in result.rows}
    treating, prior, ours = "treating", "prior IME (pp. 52–55)", "this IME (case.yaml)"
    expected = [
        ("mmi", treating, "p. 36", "From a surgical standpoint he has reached maximum medical improvement as of "
                                   "today."),
        ("mmi", prior, "p. 54", "Maximum medical improvement: reached on September 10, 2024, the date of the surgeon's "
                                "final visit."),
        ("mmi", ours, "case.yaml question 4, answer", "Yes. He reached maximum medical improvement on 2024-10-15."),
        ("mmi", ours, "case.yaml discussion.mmi", "reached: true; date: 2024-10-15"),
        ("causation", treating, "p. 29", "Within reasonable medical probability the L4-5 extrusion and left L5 "
                                         "radiculopathy were caused by the lifting event of 2/6/24."),
        ("causation", prior, "p. 54", "I apportion 70 percent of the impairment to the industrial injury and 30 "
                                      "percent to pre-existing degenerative disease."),
        ("impairment", prior, "p. 54", "Final rating 7% whole person impairment, of which 5% is apportioned to the "
                                       "industrial injury."),
        ("work-status", treating, "p. 9", "[X] Modified duty with the restrictions below from 07/30/2024 through "
                                          "09/10/2024"),
        ("work-status", prior, "p. 54", "Work capacity: permanent restrictions of 50 lb occasional and 25 lb frequent "
                                        "lifting; he can return to his job of injury with these limits."),
        ("treatment", treating, "p. 31", "Recommend left L4-5 microdiscectomy."),
        ("treatment", prior, "p. 54", "No further surgery, injections or formal therapy are needed."),
        ("diagnoses", treating, "p. 29", "Left L4-5 disc extrusion with left L5 radiculopathy (M51.16)."),
        ("diagnoses", ours, "case.yaml diagnoses (M51.16)", "Lumbar disc herniation with radiculopathy, L4-5, status "
                                                            "post left L4-5 microdiscectomy"),
    ]  # fmt: skip
    missing = [e for e in expected if e not in said]
    assert not missing, missing
    # no treating provider rated impairment: the table says so instead of inventing a row
    assert not [r for r in result.rows if r.topic == "impairment" and r.side == "treating"]
    from reportkit.compare.output import table

    assert ["Impairment rating", "treating", "", "", "", "not recorded"] in table(result)


def test_every_snippet_is_verbatim_on_its_cited_page(case: Path, result: Comparison) -> None:
    """The 'never invent' promise, over every row: a record's snippet is on its cited page (whitespace folded
    only); one of ours is in case.yaml's own words."""
    index = load_index(case / "index")
    texts = stored_texts(case / "index", index)
    assert texts is not None
    yaml_text = fold((case / "case.yaml").read_text(encoding="utf-8"))
    assert len(result.rows) > 100
    for row in result.rows:
        if row.page is None:
            assert row.document == "case.yaml"
            assert row.text in yaml_text or row.text == "reached: true; date: 2024-10-15", row
        else:
            assert row.citation == f"p. {row.page}"
            assert row.text in fold(texts[row.page - 1]), row
            doc = next(d for d in index.documents if d.first_page <= row.page <= d.last_page)
            assert (row.document, row.date, row.provider) == (doc.id, doc.date, doc.provider or "")


def test_history_boilerplate_unchecked_boxes_and_duplicates_are_left_out(result: Comparison) -> None:
    texts = [r.text for r in result.rows]
    assert not [t for t in texts if t.startswith("[ ]")]  # "[ ] Full duty, no restrictions" was not ticked
    assert not [t for t in texts if "Restrictions apply at work and at home" in t]  # a form's fine print
    assert not [t for t in texts if "works modified duty with a 25 to 40 lb limit" in t]  # the IME's history
    assert not [t for t in texts if "FROM: KEYSTONE MUTUAL" in t or t.startswith("Printed:")]
    # the MRI re-sent as pp. 56-57 is cited at its original, pp. 13-14
    assert not [r for r in result.rows if r.page in (56, 57)]
    assert any(r.page == 14 and "disc extrusion with inferior migration" in r.text for r in result.rows)
    assert result.left_out == ("pp. 56–57: a re-sent copy of pp. 13–14; the original is cited",)
    # letters are not treating records: counsel's objection (p. 51) and the insurer's questions (pp. 49-50)
    assert not [r for r in result.rows if r.page in (48, 49, 50, 51)]


def test_another_patients_record_is_never_compared(case: Path, tmp_path: Path) -> None:
    """A reviewer's index that marks the surgeon's note of 2024-09-10 (p. 36) as another patient's: its rows,
    and the flags they raised, are gone."""
    copy = tmp_path / "case"
    shutil.copytree(case, copy)
    data = json.loads((copy / "index" / "index.json").read_text(encoding="utf-8"))
    data["patients"] = [
        {"id": "P1", "name": "Okafor, Daniel R", "date_of_birth": "1981-09-23", "documents": [], "pages": 56,
         "main": True, "evidence": None},
        {"id": "P2", "name": "Someone Else", "date_of_birth": None, "documents": ["D0026"], "pages": 1,
         "main": False, "evidence": None},
    ]  # fmt: skip
    for doc in data["documents"]:
        doc["patient"] = "P2" if doc["id"] == "D0026" else "P1"
    (copy / "index" / "index.json").write_text(json.dumps(data), encoding="utf-8")
    c = compare(copy)
    assert not [r for r in c.rows if r.page == 36]
    assert "p. 36: another patient's record" in c.left_out
    assert ("lifting-limit", "p. 36", "p. 54") not in _flags(c) and ("mmi-date", "p. 36", "case.yaml question 4, "
                                                                      "answer") not in _flags(c)  # fmt: skip


def test_each_rule_on_a_small_bundle(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    textpdf.write(records / "a-clinic.pdf", [[
        "LAKEVIEW FAMILY MEDICINE", "PROGRESS NOTE", "Patient: Rivera, Ana DOB: 04/02/1975",
        "Date of Service: 03/05/2024", "Provider: Paul Grant, MD",
        "ASSESSMENT", "Cervical strain (S16.1XXA).",
        "The neck strain is not related to the work incident of 01/10/2024.",
        "Impairment rating: 10% whole person impairment.",
        "PLAN", "She is not at maximum medical improvement.", "Off work until the next visit.",
        "WORK STATUS", "[ ] Full duty", "[X] Off work", "Paul Grant, MD",
    ]])  # fmt: skip
    textpdf.write(records / "b-ime.pdf", [[
        "INDEPENDENT MEDICAL EXAMINATION", "Examinee: Ana Rivera DOB: 04/02/1975",
        "Date of Examination: April 20, 2024", "Examiner: Mara Quill, MD",
        "HISTORY", "She was told she is not at maximum medical improvement and is off work.",
        "DISCUSSION", "The cervical strain is causally related to the work incident of 01/10/2024.",
        "She reached maximum medical improvement on April 20, 2024.",
        "Impairment: 5% whole person impairment, AMA Guides, Sixth Edition.",
        "She may return to full duty without restrictions.", "Mara Quill, MD",
    ]])  # fmt: skip
    index_bundle([records], tmp_path / "index", IndexOptions(ocr="never"))
    c = compare(tmp_path / "index")
    assert c.imes == ("prior IME (p. 2): Mara Quill, MD, 2024-04-20 (p. 2)",)
    assert {(f.rule, f.topic) for f in c.flags} == {
        ("mmi-state", "mmi"), ("work-off-vs-full", "work-status"), ("impairment-rating", "impairment"),
        ("causation-not-related", "causation"),
    }  # fmt: skip
    rated = next(f for f in c.flags if f.rule == "impairment-rating")
    assert rated.detail.startswith("10%: treating Paul Grant, MD, 2024-03-05 (p. 1); 5%: prior IME (p. 2)")
    assert not [r for r in c.rows if "She was told" in r.text]  # the IME's history is no position of the IME's
    assert [r.text for r in c.rows if r.topic == "work-status" and r.side == "treating"] == [
        "Off work until the next visit.", "[X] Off work"]  # fmt: skip
    only = compare(tmp_path / "index", topics=("mmi",))
    assert {r.topic for r in only.rows} == {"mmi"} and [f.rule for f in only.flags] == ["mmi-state"]


def test_sentences_are_cut_at_their_ends_only() -> None:
    assert split("Seen by Helen M. Castellano, MD on 03/19/2024. Dr. Han injected. 2. Return in 4 weeks.") == [
        "Seen by Helen M. Castellano, MD on 03/19/2024.", "Dr. Han injected.", "Return in 4 weeks."]  # fmt: skip
    assert split("MMI on September 10, 2024. He works.") == ["MMI on September 10, 2024.", "He works."]
    # cite-check reads each row of the appendix's Markdown table as a sentence of its own, initials included
    from reportkit.citecheck.find import sentences

    rows = "| treating | 2024-05-30 | Helen M. Castellano, MD | p. 22 |\n| IME | 2024-09-24 | Gerald P. Huang | p. 54 |"
    assert sentences(rows) == rows.split("\n")


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


def test_outputs_read_back_and_are_deterministic(case: Path, tmp_path: Path) -> None:
    import docx

    before = _digest(case)
    for name in ("c.md", "c.csv", "c.docx"):
        first = runner.invoke(app, ["compare", str(case), "--out", str(tmp_path / name)])
        assert first.exit_code == 0, first.output
        data = (tmp_path / name).read_bytes()
        kept = runner.invoke(app, ["compare", str(case), "--out", str(tmp_path / name)])
        assert kept.exit_code == 5 and "already exists" in kept.output and "--force" in kept.output, name
        again = runner.invoke(app, ["compare", str(case), "--out", str(tmp_path / name), "--force"])
        assert again.exit_code == 0 and (tmp_path / name).read_bytes() == data, name
    assert _digest(case) == before  # the inputs are never touched
    assert "difference(s) flagged" in first.stderr
    md = (tmp_path / "c.md").read_text(encoding="utf-8")
    assert "| Maximum medical improvement | treating | 2024-09-10 | Helen M. Castellano, MD | p. 36 | From a " \
           "surgical standpoint he has reached maximum medical improvement as of today. |" in md  # fmt: skip
    assert "[mmi-date]: MMI reached on 2024-09-10: treating Helen M. Castellano, MD, 2024-09-10 (p. 36); on " \
           "2024-10-15: this IME (case.yaml)" in md  # fmt: skip
    rows = list(csv.DictReader(io.StringIO((tmp_path / "c.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0].keys() == {"topic", "side", "who", "date", "provider", "document", "citation", "text"}
    assert {"topic": "impairment", "who": "prior IME (pp. 52–55)", "citation": "p. 55",
            "text": "Impairment: 7% whole person, 5% after apportionment."}.items() <= next(
        r for r in rows if r["citation"] == "p. 55" and r["topic"] == "impairment").items()  # fmt: skip
    document = docx.Document(str(tmp_path / "c.docx"))
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert cells[0] == ["Topic", "Who", "Date", "Provider", "Citation", "What the record says (verbatim)"]
    assert ["Causation", "prior IME (pp. 52–55)", "2024-09-24", "Gerald P. Huang, MD", "p. 54",
            "I apportion 70 percent of the impairment to the industrial injury and 30 percent to pre-existing "
            "degenerative disease."] in cells  # fmt: skip
    paragraphs = [p.text for p in document.paragraphs]
    assert "\n• Work status and restrictions [lifting-limit]: lifting limit 40 lb" in paragraphs[1]  # above the table
    pdf = office_pdf(tmp_path / "c.docx", tmp_path)
    from pypdf import PdfReader

    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages)
    assert "Treating records and IMEs compared" in text and "From a surgical standpoint he has reached" in text


def test_json_and_bates_citations(case: Path, tmp_path: Path) -> None:
    shown = runner.invoke(app, ["compare", str(case), "--json", "--topic", "mmi"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["topics"] == ["mmi"] and len(data["flags"]) == 2
    assert {"topic", "side", "who", "document", "doc_type", "date", "provider", "page", "citation", "text"} == set(
        data["rows"][0])  # fmt: skip
    packet = tmp_path / "packet"
    made = runner.invoke(app, ["packet", str(case / "records"), "--out", str(packet), "--prefix", "OKAFOR",
                               "--no-ledger"])  # fmt: skip
    assert made.exit_code == 0, made.output
    mapped = compare(case, bates_map=packet, topics=("mmi",))
    assert "p. 36 (OKAFOR0000036)" in [r.citation for r in mapped.rows]


def test_bad_input_is_named_without_a_traceback(case: Path, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["compare", str(tmp_path / "nowhere")])
    assert missing.exit_code == 3 and "nowhere" in missing.stderr and "Traceback" not in missing.output
    bare = tmp_path / "bare"
    shutil.copytree(case / "index", bare)
    (bare / "search.sqlite").unlink()
    no_texts = runner.invoke(app, ["compare", str(bare)])
    assert no_texts.exit_code == 3 and "search.sqlite" in no_texts.stderr
    unindexed = tmp_path / "unindexed"
    unindexed.mkdir()
    shutil.copy(case / "case.yaml", unindexed / "case.yaml")
    assert runner.invoke(app, ["compare", str(unindexed)]).exit_code == 3
    (tmp_path / "broken").mkdir()
    shutil.copytree(case / "index", tmp_path / "broken" / "index")
    (tmp_path / "broken" / "case.yaml").write_text("kind: ime\nexaminee: [\n", encoding="utf-8")
    broken = runner.invoke(app, ["compare", str(tmp_path / "broken")])
    assert broken.exit_code == 3 and "case.yaml" in broken.stderr
    assert runner.invoke(app, ["compare", str(case), "--topic", "prognosis"]).exit_code == 2
    wrong = runner.invoke(app, ["compare", str(case), "--out", str(tmp_path / "c.txt")])
    assert wrong.exit_code == 2 and not (tmp_path / "c.txt").exists()


def test_draft_compare_adds_the_appendix_and_the_letters_section(case: Path, tmp_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn

    from draft_helpers import docx_text
    from reportkit.draft import wordparts

    copy = tmp_path / "ime"
    shutil.copytree(case, copy)
    plain = runner.invoke(app, ["draft", str(copy), "-f", "docx", "-f", "md"])
    assert plain.exit_code == 0, plain.output
    assert "Appendix: the treating records and the IMEs compared" not in (copy / "drafts" / "ime-report.md").read_text()
    made = runner.invoke(app, ["draft", str(copy), "-f", "docx", "-f", "md", "--compare", "--force"])
    assert made.exit_code == 0, made.output
    report = docx.Document(str(copy / "drafts" / "ime-report.docx"))
    headings = [p.text for p in report.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "Appendix: the treating records and the IMEs compared" in headings
    rows = [[wordparts.text_of(tc) for tc in tr.iter(qn("w:tc"))] for tr in report.element.body.iter(qn("w:tr"))]
    assert ["treating", "2024-09-10", "Helen M. Castellano, MD", "p. 36",
            "From a surgical standpoint he has reached maximum medical improvement as of today."] in rows  # fmt: skip
    # each column as wide as it needs: the sentences' column takes the room, a date is not broken
    row = next(tr for tr in report.element.body.iter(qn("w:tr")) if "p. 36" in wordparts.text_of(tr))
    widths = [int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w"))) for tc in row.iter(qn("w:tc"))]
    assert widths[4] > 2 * widths[1] and widths[3] > 0.7 * widths[1], widths  # "Citation" unbroken too
    text = docx_text(copy / "drafts" / "ime-report.docx")
    assert "Maximum medical improvement [mmi-date]: MMI reached on 2024-09-10: treating Helen M. Castellano" in text
    # our own draft's citations, the appendix's included, all check against the index (in Word and Markdown)
    checked = runner.invoke(app, ["check", str(copy)])
    assert "citation" not in checked.output, checked.output
    (copy / "drafts" / "ime-report.docx").unlink()
    checked = runner.invoke(app, ["check", str(copy)])
    assert "| p. 36 |" in (copy / "drafts" / "ime-report.md").read_text() and "citation" not in checked.output

    letter = tmp_path / "so"
    shutil.copytree(SAMPLE_CASE.parent / "second-opinion-case", letter)
    said = runner.invoke(app, ["draft", str(letter), "-f", "md", "--compare"])
    assert said.exit_code == 0, said.output
    md = (letter / "drafts" / "second-opinion-letter.md").read_text(encoding="utf-8")
    section = md.split("## What your doctors wrote", 1)[1].split("\n## ", 1)[0]
    assert "(p. 3)" in section and "Physical therapy twice a week for 6 weeks" in section

"""The Word draft is the working copy: re-drafting around the physician's edits, check reading them back,
finalize, and packet refusing a report that is not the current one (issue 14, part 1)."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from draft_helpers import (
    IME_SAMPLE,
    SECOND_SAMPLE,
    add_in_word,
    delete_in_word,
    pdf_with_lines,
    progress_note,
    sample_copy,
    write_in_word,
)
from reportkit.cli import app
from reportkit.draft import render, wordparts
from reportkit.draft.markup import parse
from reportkit.draft.markupdocx import from_docx, to_docx
from reportkit.errors import ExitCode, TemplateError

runner = CliRunner()
ANSWER_2 = "The L4-5 herniation is more likely than not caused by the lifting event of February 6, 2024."
HISTORY = "He lifted a 40-pound case from a low pallet, felt a pop, and had left leg pain within the hour."


def _run(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def _parts(path: Path) -> dict[str, str]:
    return wordparts.part_texts(path.read_bytes())


def _needs_soffice() -> None:
    if render.soffice() is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui); .ci/run installs it")


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages)


@pytest.fixture()
def edited(tmp_path: Path) -> Path:
    """The sample IME case drafted, then edited in Word: answer 2 and the history typed, a paragraph added."""
    case = sample_copy(IME_SAMPLE, tmp_path)
    assert _run("draft", case, "-q")[0] == 0
    report = case / "drafts" / "ime-report.docx"
    write_in_word(report, "physician:answer:2", ANSWER_2, "Apportionment: none is warranted.")
    write_in_word(report, "physician:history", HISTORY)
    add_in_word(report, "Addendum note typed by the examiner outside every part.")
    return case


def test_redraft_after_new_records_keeps_every_word_of_the_physician(edited: Path) -> None:
    report = edited / "drafts" / "ime-report.docx"
    before = report.read_bytes()
    records_before = _parts(report)["tool:records"]
    progress_note(edited / "records" / "06-late-progress-note.pdf", "10/30/2024")
    code, output = _run("draft", edited)  # no --force: the Word edits are carried, not thrown away
    assert code == 0, output
    assert "Kept your Word text in 2 part(s) (History, Answer 2)" in output
    parts = _parts(report)
    # reportkit's part has the new record...
    assert "2024-10-30" in parts["tool:records"] and "2024-10-30" not in records_before
    assert parts["tool:records"].count("\n") == records_before.count("\n") + 1
    # ...and every word the physician wrote is still there, in its place
    assert parts["physician:answer:2"] == f"{ANSWER_2}\nApportionment: none is warranted."
    assert parts["physician:history"] == HISTORY
    text = [p.text for p in wordparts.paragraphs(docx.Document(str(report)))]
    assert text[-1] == "Addendum note typed by the examiner outside every part."
    # the Markdown and HTML are read from the Word copy, not re-rendered over it
    md = (edited / "drafts" / "ime-report.md").read_text(encoding="utf-8")
    assert ANSWER_2 in md and "2024-10-30" in md and "outside every part" in md
    assert ANSWER_2 in (edited / "drafts" / "ime-report.html").read_text(encoding="utf-8")
    # the physician's DOCX as it was is kept
    kept = edited / "drafts" / "previous" / f"ime-report-{hashlib.sha256(before).hexdigest()[:12]}.docx"
    assert kept.read_bytes() == before
    # a second re-draft with nothing new changes nothing
    assert _run("draft", edited, "-q")[0] == 0
    assert _parts(report) == parts


def test_case_yaml_changes_reach_unedited_parts_only(edited: Path) -> None:
    case_yaml = edited / "case.yaml"
    text = case_yaml.read_text(encoding="utf-8")
    question = "  text: Has treatment to date been reasonable and necessary?\n"
    text = text.replace(f"{question}  answer:\n", f"{question}  answer: Yes, all of it.\n")
    text = text.replace("history: |\n  Mr. Okafor reports", "history: |\n  Per the claimant, Mr. Okafor reports")
    case_yaml.write_text(text, encoding="utf-8")
    code, output = _run("draft", edited)
    assert code == 0, output
    parts = _parts(edited / "drafts" / "ime-report.docx")
    assert parts["physician:answer:3"] == "Yes, all of it."  # not edited in Word: takes case.yaml's
    assert parts["physician:history"] == HISTORY  # edited in Word: Word wins, and the user is told
    assert "'History' changed in case.yaml since the last draft, but you wrote your own text there" in output


def test_a_tool_part_edited_in_word_is_refreshed_and_one_deleted_stays_deleted(edited: Path) -> None:
    report = edited / "drafts" / "ime-report.docx"
    write_in_word(report, "tool:records", "I reviewed whatever I liked.")
    delete_in_word(report, "tool:review", heading="Items for review")
    code, output = _run("draft", edited)
    assert code == 0, output
    parts = _parts(report)
    assert (
        "whatever I liked" not in parts["tool:records"]
        and "I reviewed the following 39 records" in parts["tool:records"]
    )
    assert "'Records' was changed in Word, but reportkit fills it in" in output
    assert "tool:review" not in parts
    assert "Items for review" not in [p.text for p in wordparts.paragraphs(docx.Document(str(report)))]


def test_force_starts_again_from_case_yaml_and_sets_the_word_copy_aside_for_good(edited: Path) -> None:
    code, output = _run("draft", edited, "--force")
    assert code == 0 and "your Word copy was set aside as previous/ime-report-" in output
    parts = _parts(edited / "drafts" / "ime-report.docx")
    assert parts["physician:answer:2"] == "[TO COMPLETE: answer to question 2]"
    add_in_word(edited / "drafts" / "ime-report.docx", "A new start.")
    assert _run("draft", edited, "-q")[0] == 0  # a later re-draft keeps its own copy beside the first
    kept = sorted((edited / "drafts" / "previous").glob("ime-report-*.docx"))
    assert len(kept) == 2
    assert any(ANSWER_2 in _parts(k).get("physician:answer:2", "") for k in kept)


def test_an_edited_docx_without_parts_is_not_replaced(tmp_path: Path) -> None:
    case = sample_copy(IME_SAMPLE, tmp_path)
    assert _run("draft", case, "-q")[0] == 0
    report = case / "drafts" / "ime-report.docx"
    report.write_bytes(to_docx(parse("<p>My own report, typed from scratch.</p>"), "t"))
    code, output = _run("draft", case)
    assert code == ExitCode.OUTPUT and "holds none of the parts reportkit marks" in output
    assert wordparts.paragraph_text(docx.Document(str(report)).paragraphs[0]._p) == "My own report, typed from scratch."


def test_check_reads_answers_and_opinions_typed_in_word(edited: Path) -> None:
    report = edited / "drafts" / "ime-report.docx"
    write_in_word(report, "physician:answer:4", "Yes, he reached maximum medical improvement on 2024-12-01.")
    code, output = _run("check", edited)
    assert code == ExitCode.FINDINGS
    assert "Question 2 has no answer" not in output  # answered in Word
    assert "MMI date 2024-10-15 in the discussion, but question 4's answer gives 2024-12-01" in output
    assert "ime-report.docx (questions.3.answer, as written in Word)" in output
    # written consistently in Word: the finding goes
    write_in_word(report, "physician:answer:4", "Yes, on 2024-10-15.")
    assert "inconsistent-mmi" not in _run("check", edited)[1]


def test_check_says_when_the_draft_is_older_than_case_yaml_index_or_records(tmp_path: Path) -> None:
    case = sample_copy(IME_SAMPLE, tmp_path)
    assert _run("draft", case, "-q")[0] == 0
    assert "draft-stale" not in _run("check", case)[1]
    with (case / "case.yaml").open("a", encoding="utf-8") as fh:
        fh.write("# a comment is a change too\n")
    output = _run("check", case)[1]
    assert "FAIL draft-stale: ime-report.docx was drafted before case.yaml last changed" in output
    assert _run("draft", case, "-q")[0] == 0
    progress_note(case / "records" / "06-late-progress-note.pdf")
    output = _run("check", case)[1]
    assert "the records in records/ changed since ime-report.docx was drafted" in output
    assert _run("draft", case, "-q")[0] == 0
    assert "draft-stale" not in _run("check", case)[1]
    # a draft reportkit has no record of is compared by date
    (case / "drafts" / ".reportkit-drafts.json").unlink()
    later = (case / "drafts" / "ime-report.docx").stat().st_mtime + 60
    os.utime(case / "case.yaml", (later, later))
    assert "ime-report.docx is older than case.yaml" in _run("check", case)[1]


def test_pdf_is_made_from_the_physicians_docx(edited: Path) -> None:
    _needs_soffice()
    code, output = _run("draft", edited, "-f", "pdf")
    assert code == 0, output
    text = _pdf_text(edited / "drafts" / "ime-report.pdf")
    assert ANSWER_2 in text and HISTORY in text and "outside every part" in text
    assert "answer to question 2]" not in text
    from pypdf import PdfReader

    pages = PdfReader(str(edited / "drafts" / "ime-report.pdf")).pages
    for number, page in enumerate(pages, 1):  # the running header and "Page x of y" on every page
        shown = " ".join((page.extract_text() or "").split())
        assert shown.startswith("Daniel R. Okafor · Claim KMC-WC-24-0031857 · Confidential"), shown[:80]
        assert shown.endswith(f"Page {number} of {len(pages)}")


def test_the_addendum_converts_with_its_header_and_footer(tmp_path: Path) -> None:
    _needs_soffice()
    case = sample_copy(IME_SAMPLE, tmp_path)
    assert _run("draft", case, "-q")[0] == 0
    progress_note(case / "records" / "06-late-progress-note.pdf", "10/30/2024")
    code, output = _run("draft", case, "--addendum", "-f", "pdf")
    assert code == 0, output
    from pypdf import PdfReader

    pages = PdfReader(str(case / "drafts" / "addendum.pdf")).pages
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pages)
    assert text.startswith("Daniel R. Okafor · Claim KMC-WC-24-0031857 · Confidential")
    assert "Additional records reviewed" in text and "2024-10-30" in text and f"Page 1 of {len(pages)}" in text


def _fill_every_placeholder(case: Path) -> None:
    """What a physician does before signing: every gap written in Word, the dates set in case.yaml, the
    index's review list resolved and deleted."""
    case_yaml = case / "case.yaml"
    case_yaml.write_text(case_yaml.read_text(encoding="utf-8").replace("report_date:\n", "report_date: 2024-11-20\n"),
                         encoding="utf-8")  # fmt: skip
    assert _run("draft", case, "-q")[0] == 0
    report = case / "drafts" / "ime-report.docx"
    for part, text in _parts(report).items():
        if part.startswith("physician:") and "[TO COMPLETE:" in text:
            write_in_word(report, part, f"Written by the examiner for {wordparts.label(part)}.")
    delete_in_word(report, "tool:review", heading="Items for review")


def test_finalize_records_the_signed_version_and_packet_and_verify_hold_to_it(tmp_path: Path) -> None:
    _needs_soffice()
    case = sample_copy(IME_SAMPLE, tmp_path)
    assert _run("draft", case, "-q")[0] == 0
    code, output = _run("finalize", case)
    assert code == ExitCode.FINDINGS and "Placeholder left: [TO COMPLETE: date of report] (reportkit fills" in output
    assert "nothing was written" in output and not (case / "drafts" / "final.json").exists()
    _fill_every_placeholder(case)
    code, output = _run("finalize", case)
    assert code == 0, output
    drafts = case / "drafts"
    final = json.loads((drafts / "final.json").read_text(encoding="utf-8"))
    assert final["docx"]["sha256"] == hashlib.sha256((drafts / "ime-report.docx").read_bytes()).hexdigest()
    assert final["pdf"]["sha256"] == hashlib.sha256((drafts / "ime-report.pdf").read_bytes()).hexdigest()
    text = _pdf_text(drafts / "ime-report.pdf")
    assert "Written by the examiner for Answer 2." in text and "[TO COMPLETE" not in text
    assert "Items for review" not in text
    assert _run("finalize", case)[1].startswith("Already finalized")
    assert _run("verify", case)[0] == 0
    code, output = _run("packet", case, "-o", tmp_path / "packet", "-q")
    assert code == 0, output
    manifest = json.loads((tmp_path / "packet" / "manifest.json").read_text(encoding="utf-8"))
    report = [i for i in manifest["inputs"] if i["role"] == "report"]
    assert report == [{"sha256": final["pdf"]["sha256"], "pages": final["pdf"]["pages"], "role": "report",
                       "finalized": True, "docx_sha256": final["docx"]["sha256"]}]  # fmt: skip
    # the signed report cannot be re-drafted over, and a refused draft touches nothing: the addendum it
    # points to still finds what is new
    index_before = (case / "index" / "index.json").read_bytes()
    progress_note(case / "records" / "06-late-progress-note.pdf", "11/30/2024")
    code, output = _run("draft", case)
    assert code == ExitCode.OUTPUT and "finalized" in output and "Nothing was written" in output
    assert (case / "index" / "index.json").read_bytes() == index_before
    assert "draft an addendum" in _run("check", case)[1]
    code, output = _run("packet", case, "-o", tmp_path / "packet-later", "-q")
    assert code == 0 and "not among those the finalized report reviewed" in output
    code, output = _run("draft", case, "--addendum", "-q")
    assert code == 0, output
    add_in_word(drafts / "ime-report.docx", "A sentence added after signing.")
    code, output = _run("draft", case)
    assert code == ExitCode.OUTPUT and "and the DOCX changed since" in output
    code, output = _run("verify", case)
    assert code == ExitCode.FINDINGS and "changed since it was finalized" in output
    code, output = _run("packet", case, "-o", tmp_path / "packet2")
    assert code == ExitCode.REPORT_NOT_CURRENT
    assert "was made from an earlier version of ime-report.docx" in output
    assert not (tmp_path / "packet2").exists()
    assert "changed-after-final" in _run("check", case)[1]


def test_packet_refuses_a_report_with_placeholders_or_older_than_its_docx(tmp_path: Path) -> None:
    case = sample_copy(IME_SAMPLE, tmp_path)
    drafts = case / "drafts"
    drafts.mkdir()
    pdf_with_lines(
        drafts / "ime-report.pdf", "Independent Medical Examination Report", "Signature: [TO COMPLETE: signature]"
    )
    code, output = _run("packet", case, "-o", tmp_path / "p1")
    assert code == ExitCode.REPORT_NOT_CURRENT and "still holds 1 placeholder(s)" in output
    assert "Traceback" not in output and not (tmp_path / "p1").exists()
    pdf_with_lines(drafts / "ime-report.pdf", "Independent Medical Examination Report", "Signed.")
    (drafts / "ime-report.docx").write_bytes(to_docx(parse("<p>Independent Medical Examination Report</p>"), "t"))
    later = (drafts / "ime-report.pdf").stat().st_mtime + 60
    os.utime(drafts / "ime-report.docx", (later, later))
    code, output = _run("packet", case, "-o", tmp_path / "p2")
    assert code == ExitCode.REPORT_NOT_CURRENT and "ime-report.pdf is older than ime-report.docx" in output
    # a PDF saved from a DOCX that says something else
    os.utime(drafts / "ime-report.pdf", (later + 60, later + 60))
    (drafts / "ime-report.docx").write_bytes(to_docx(parse("<p>A quite different report about knees.</p>"), "t"))
    os.utime(drafts / "ime-report.docx", (later, later))
    code, output = _run("packet", case, "-o", tmp_path / "p3")
    assert code == ExitCode.REPORT_NOT_CURRENT and "its text differs from ime-report.docx" in output
    # --no-report builds the packet without it
    assert _run("packet", case, "-o", tmp_path / "p4", "--no-report", "-q")[0] == 0


def test_second_opinion_letter_round_trip(tmp_path: Path) -> None:
    case = sample_copy(SECOND_SAMPLE, tmp_path)
    assert _run("draft", case, "-q")[0] == 0
    letter_docx = case / "drafts" / "second-opinion-letter.docx"
    write_in_word(letter_docx, "physician:answer:2", "No. It does not stop arthritis.")
    assert "The patient's question 2 has no answer" not in _run("check", case)[1]
    assert _run("draft", case, "-q")[0] == 0
    assert _parts(letter_docx)["physician:answer:2"] == "No. It does not stop arthritis."


# --- the parts themselves ------------------------------------------------------------------------------


def _doc(*answers: str) -> bytes:
    body = "".join(f'<div data-part="physician:answer:{i}"><p>{a}</p></div>' for i, a in enumerate(answers, 1))
    return to_docx(parse(f'<div data-part="tool:records"><p>records</p></div>{body}<p>end</p>'), "t")


def test_parts_are_content_controls_word_shows_and_locks() -> None:
    document = docx.Document(io.BytesIO(_doc("one")))
    found = dict(wordparts.controls(document.element.body))
    assert list(found) == ["tool:records", "physician:answer:1"]
    locks = {
        p: s.find(f"{wordparts.q('sdtPr')}/{wordparts.q('lock')}").get(wordparts.q("val")) for p, s in found.items()
    }
    assert locks == {"tool:records": "sdtContentLocked", "physician:answer:1": "sdtLocked"}
    titles = [s.find(f"{wordparts.q('sdtPr')}/{wordparts.q('alias')}").get(wordparts.q("val")) for s in found.values()]
    assert titles == ["Records (reportkit fills this in)", "Answer 1 (yours: kept when re-drafted)"]
    blocks = from_docx(_doc("one"))
    assert [(b.text, b.part) for b in blocks] == [("records", "tool:records"), ("one", "physician:answer:1"),
                                                  ("end", "")]  # fmt: skip


def test_merge_places_a_new_question_after_the_one_before_it() -> None:
    old = _doc("one", "two")
    wrote = wordparts.part_digests(old)
    merged = wordparts.merge(old, _doc("one", "two", "three"), wrote, "r.docx")
    assert list(wordparts.part_texts(merged.data)) == ["tool:records", "physician:answer:1", "physician:answer:2",
                                                       "physician:answer:3"]  # fmt: skip
    gone = wordparts.merge(old, _doc("one"), wrote, "r.docx")
    assert "physician:answer:2" in wordparts.part_texts(gone.data)  # the physician's words are never dropped
    assert any("'Answer 2' is no longer in case.yaml" in n for n in gone.notes)


def test_merge_without_a_record_of_what_reportkit_wrote_keeps_what_differs() -> None:
    old = _doc("typed by the physician")
    merged = wordparts.merge(old, _doc("from case.yaml"), {}, "r.docx")
    assert wordparts.part_texts(merged.data)["physician:answer:1"] == "typed by the physician"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<div data-part="tool:a"><div data-part="tool:b"><p>x</p></div></div>', "parts do not nest"),
        ('<div data-part="tool:a"><p>x</p></div><p>y</p><div data-part="tool:a"><p>z</p></div>', "appears twice"),
        ('<div data-part="mine:a"><p>x</p></div>', "is not tool:NAME or physician:NAME"),
    ],
)
def test_bad_part_marks_fail_clearly(markup: str, expected: str) -> None:
    with pytest.raises(TemplateError, match=expected):
        parse(markup)


def test_check_flags_page_citations_typed_into_a_bates_cited_draft(tmp_path: Path) -> None:
    case = sample_copy(IME_SAMPLE, tmp_path)
    assert _run("packet", case, "-o", tmp_path / "packet", "--no-report", "-q")[0] == 0
    assert _run("draft", case, "--bates-map", tmp_path / "packet" / "bates_map.json", "-q")[0] == 0
    report = case / "drafts" / "ime-report.docx"
    assert "page-citation" not in _run("check", case)[1]  # reportkit's own citations are Bates numbers
    write_in_word(report, "physician:answer:3", "Therapy was appropriate (p. 36), and so was surgery (pp. 18–20).")
    output = _run("check", case)[1]
    assert "'p. 36' in Answer 3 cites a bundle page, but the draft cites Bates numbers: write OKAFOR0000036" in output
    assert "write OKAFOR0000018-OKAFOR0000020" in output


def test_a_docx_saved_by_libreoffice_is_named_not_merged_blindly(edited: Path, tmp_path: Path) -> None:
    """LibreOffice keeps the content controls' titles but drops their tags: reportkit says so."""
    _needs_soffice()
    import subprocess

    report = edited / "drafts" / "ime-report.docx"
    subprocess.run(
        [str(render.soffice()), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "docx",
         "--outdir", str(tmp_path / "saved"), str(report)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    saved = (tmp_path / "saved" / "ime-report.docx").read_bytes()
    if wordparts.has_parts(saved):
        pytest.skip("this LibreOffice keeps the content controls' tags")
    report.write_bytes(saved)
    code, output = _run("draft", edited)
    assert code == ExitCode.OUTPUT and "drops their tags (LibreOffice does)" in output
    assert report.read_bytes() == saved


def test_verify_on_a_case_that_was_not_finalized(tmp_path: Path) -> None:
    case = sample_copy(IME_SAMPLE, tmp_path)
    code, output = _run("verify", case)
    assert code == ExitCode.INPUT and "was not finalized" in output and "reportkit finalize" in output


def test_check_says_when_a_question_or_an_answer_block_was_deleted_in_word(edited: Path) -> None:
    report = edited / "drafts" / "ime-report.docx"
    delete_in_word(report, "tool:question:4")
    delete_in_word(report, "physician:answer:6")
    output = _run("check", edited)[1]
    assert (
        "FAIL part-deleted: 'Question 4' was deleted in Word: the question no longer stands above its answer." in output
    )
    assert "FAIL part-deleted: 'Answer 6' was deleted in Word" in output

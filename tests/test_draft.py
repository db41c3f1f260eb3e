"""`reportkit draft`: the sample cases draft out of the box; DOCX read back with python-docx; escaping,
determinism, edit protection, templates, bad input."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from typer.testing import CliRunner

from draft_helpers import (
    HOSTILE,
    IME_SAMPLE,
    SECOND_SAMPLE,
    docx_paragraphs,
    docx_text,
    headings,
    hostile_index,
    sample_copy,
)
from reportkit.cli import app
from reportkit.draft import DraftOptions, draft_case, export_templates, wordparts
from reportkit.draft import render as render_mod
from reportkit.draft.case import parse_case
from reportkit.draft.readability import grade
from reportkit.draft.writer import STATE_NAME
from reportkit.errors import CaseError, ExitCode, OutputError, TemplateError, UsageError

runner = CliRunner()

IME_HEADINGS = [
    "Independent Medical Examination Report",
    "Identifying data",
    "Referral and questions",
    "Statement of independence",
    "Records reviewed",
    "History",
    "Current complaints",
    "Examination",
    "Diagnostic studies",
    "Diagnoses",
    "Discussion",
]


@pytest.fixture(scope="module")
def ime_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    case = sample_copy(IME_SAMPLE, tmp_path_factory.mktemp("ime"))
    result = draft_case(case)
    assert result.index_how == "indexed" and result.documents == 40
    return case


# --- the IME sample -------------------------------------------------------------------------------------


def test_ime_sample_docx_sections_in_order(ime_draft: Path) -> None:
    found = headings(ime_draft / "drafts" / "ime-report.docx")
    positions = [found.index(h) for h in IME_HEADINGS]
    assert positions == sorted(positions)
    later = ["Answers to the questions", "Items for review", "Attestation"]
    assert [found.index(h) for h in later] == sorted(found.index(h) for h in later)
    assert found.index("Discussion") < found.index("Answers to the questions")


def test_ime_questions_verbatim_in_order_with_one_answer_block_each(ime_draft: Path) -> None:
    case = parse_case((ime_draft / "case.yaml").read_text())
    found = headings(ime_draft / "drafts" / "ime-report.docx")
    blocks = [h for h in found if h.startswith("Question ")]
    assert blocks == [f"Question {q.number}" for q in case.questions]  # type: ignore[union-attr]
    text = docx_text(ime_draft / "drafts" / "ime-report.docx")
    last = -1
    for q in case.questions:  # type: ignore[union-attr]
        at = text.index(q.text, text.index(f"Question {q.number}\n"))
        assert at > last
        last = at
    # the physician's answer to question 4 is there, and unanswered questions carry a placeholder
    assert "Yes. He reached maximum medical improvement on 2024-10-15." in text
    assert "[TO COMPLETE: answer to question 2]" in text


def test_ime_answers_prefilled_with_cited_records(ime_draft: Path) -> None:
    text = docx_text(ime_draft / "drafts" / "ime-report.docx")
    answers = text[text.index("Answers to the questions") : text.index("Items for review")]
    work = answers[answers.index("Question 6\n") : answers.index("Question 7\n")]
    # the work-capacity question cites the work status reports, with pages
    assert "Work status report" in work
    assert re.search(r"Work status report.*\(p\. 3\)", work)
    assert "(pp. 52–55)" in work  # the prior IME's restrictions
    causation = answers[answers.index("Question 2\n") : answers.index("Question 3\n")]
    assert "Date of injury (case.yaml): 2024-02-06" in causation
    assert "MRI LUMBAR SPINE" in causation and "(pp. 13–14)" in causation
    assert "WORK STATUS:" not in causation  # "work injury" is about causation, not work capacity
    diagnosis = answers[answers.index("Question 1\n") : answers.index("Question 2\n")]
    assert "Operative report" in diagnosis and "(pp. 18–20)" in diagnosis


def test_ime_records_reviewed_numbered_with_pages(ime_draft: Path) -> None:
    paragraphs = docx_paragraphs(ime_draft / "drafts" / "ime-report.docx")
    texts = [t for _, t in paragraphs]
    start, end = texts.index("Records reviewed"), texts.index("History")
    items = [t for t in texts[start:end] if re.match(r"^\d+\.\t", t)]
    assert len(items) == 39  # 40 documents, one an exact duplicate
    assert [int(t.split(".")[0]) for t in items] == list(range(1, 40))
    assert all(re.search(r", pp?\. \d+(–\d+)?\.", t) for t in items)
    assert any(t.startswith("11.\t2024-03-12, Arjun Mehta, MD") and "pp. 13–14" in t for t in items)
    assert "Duplicate copies not listed again: pp. 56–57 (copy of the record at pp. 13–14)." in texts[start:end]


def test_ime_review_section_lists_index_warnings(ime_draft: Path) -> None:
    text = docx_text(ime_draft / "drafts" / "ime-report.docx")
    review = text[text.index("Items for review") : text.index("Attestation")]
    assert "Emergency department record, 2024-02-06 (pp. 10–11): missing page(s) 2" in review
    assert "Imaging report, 2024-03-12 (pp. 56–57): exact duplicate of the record at pp. 13–14\n" in review
    assert not re.search(r"\bD\d{4}\b", text)  # the index's ids mean nothing to a reader


def test_placeholders_are_highlighted_in_docx(ime_draft: Path) -> None:
    import docx

    document = docx.Document(str(ime_draft / "drafts" / "ime-report.docx"))
    marked = [r for p in wordparts.paragraphs(document) for r in p.runs if r.text.startswith("[TO COMPLETE:")]
    assert marked and all(r.font.highlight_color is not None for r in marked)
    assert "[TO COMPLETE: current complaints]" in [r.text for r in marked]


def test_all_three_formats_agree(ime_draft: Path) -> None:
    md = (ime_draft / "drafts" / "ime-report.md").read_text()
    html = (ime_draft / "drafts" / "ime-report.html").read_text()
    assert md.startswith("# Independent Medical Examination Report\n")
    assert "## Answers to the questions" in md and "### Question 7" in md
    assert html.startswith("<!DOCTYPE html>") and "<h3>Question 7</h3>" in html
    assert "Northgate Physical Therapy \\& Rehabilitation" in md
    assert "Northgate Physical Therapy &amp; Rehabilitation" in html


def test_redraft_reuses_index_and_is_byte_identical(ime_draft: Path, tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in (ime_draft / "drafts").iterdir() if p.name != STATE_NAME}
    result = draft_case(ime_draft, DraftOptions(out=tmp_path / "again"))
    assert result.index_how == "reused"
    again = {p.name: p.read_bytes() for p in (tmp_path / "again").iterdir() if p.name != STATE_NAME}
    assert again == first


# --- the second-opinion sample --------------------------------------------------------------------------

LETTER_HEADINGS = [
    "Your second opinion",
    "What I think",
    "Why you asked for a second opinion",
    "What I reviewed",
    "What I found",
    "Your options",
    "Next steps",
    "Questions to ask your doctor",
    "Limits of this opinion",
    "Words used in this letter",
]


def test_second_opinion_sample_letter(tmp_path: Path) -> None:
    case = sample_copy(SECOND_SAMPLE, tmp_path)
    result = runner.invoke(app, ["draft", str(case)])
    assert result.exit_code == 0, result.output
    assert "Readability: Flesch-Kincaid grade" in result.output
    path = case / "drafts" / "second-opinion-letter.docx"
    found = [h for h in headings(path) if h in LETTER_HEADINGS]
    assert found == LETTER_HEADINGS
    text = docx_text(path)
    # conclusion first: the physician's conclusion comes before the reasons and the records
    assert text.index("I do not think you need the knee operation now") < text.index("What I reviewed")
    assert "Dear Ms. Estrada," in text  # the salutation case.yaml gives, not the full name
    # no page citations in the patient's text: they go to the appendix for the referring doctor
    letter, appendix = text.split("For Owen T. Farrell, MD: the records reviewed")
    assert "Scan or X-ray report by Priya Raman, MD\n" in letter and not re.search(r"\(pp?\. \d", letter)
    assert "2025-08-14, Imaging report (MRI RIGHT KNEE WITHOUT CONTRAST), Priya Raman, MD" in appendix
    assert "p. 1." in appendix
    assert "Copy to: Owen T. Farrell, MD" in text
    assert "Do I really need the knee operation Dr. Farrell talked about?" in text


def _fixed_text(template: str) -> str:
    """A template's own words: Jinja tags, comments, expressions and HTML tags removed."""
    text = re.sub(r"\{#.*?#\}", " ", template, flags=re.S)
    text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<(h\d|li|p)[^>]*>", "\n", text)
    return re.sub(r"<[^>]+>", " ", text)


def test_builtin_letter_text_reads_at_grade_8_or_below() -> None:
    template = (Path(render_mod.__file__).parent.parent / "templates" / "second-opinion-letter.html.j2").read_text()
    fixed = _fixed_text(template)
    assert len(fixed.split()) > 100  # the measure covers real text
    assert grade(fixed) <= 8.0


def test_readability_grade_orders_plain_and_technical_text() -> None:
    plain = "I read your notes. Your knee has a small tear. Rest helps. You can walk."
    technical = (
        "Degenerative horizontal tear of the posterior horn of the medial meniscus with moderate chondral "
        "thinning of the medial compartment and marginal osteophytosis, consistent with osteoarthritis."
    )
    assert grade(plain) < 3 < 14 < grade(technical)


# --- escaping and hostile text --------------------------------------------------------------------------


def _hostile_case(tmp_path: Path) -> Path:
    case = sample_copy(IME_SAMPLE, tmp_path)
    shutil.rmtree(case / "records")
    text = (case / "case.yaml").read_text()
    text = text.replace("current_complaints:\n", f"current_complaints: {json.dumps(HOSTILE)}\n")
    (case / "case.yaml").write_text(text)
    hostile_index(tmp_path / "index.json")
    return case


def test_hostile_text_renders_literally_in_docx_md_and_html(tmp_path: Path) -> None:
    case = _hostile_case(tmp_path)
    draft_case(case, DraftOptions(index=tmp_path / "index.json"))
    text = docx_text(case / "drafts" / "ime-report.docx")
    literal = HOSTILE.replace("\x07", "").replace("\x1b", "")
    assert literal in text  # from case.yaml (current complaints) and from the record index (findings)
    assert text.count("BP < 120 & HR 88 {{ 7*7 }}") >= 3
    assert "49" not in text.split("BP < 120")[1][:40]  # the template syntax was not evaluated
    assert "Dr <Rad> & Co" in text
    assert "\x07" not in text and "\x1b" not in text
    html = (case / "drafts" / "ime-report.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = (case / "drafts" / "ime-report.md").read_text()
    assert "BP \\< 120 \\& HR 88" in md and "\\*star\\*" in md and "<script>" not in md


# --- bad input ------------------------------------------------------------------------------------------


def test_case_yaml_errors_name_field_and_line(tmp_path: Path) -> None:
    bad = (
        "kind: ime\n"
        "examinee:\n"
        "  dob: 02/06/1981\n"
        "requesting_party:\n"
        "  role: neighbour\n"
        "  name: X\n"
        "examiner: {name: Dr}\n"
        "exam_date: 2024-01-01\n"
    )
    with pytest.raises(CaseError) as err:
        parse_case(bad, "case.yaml")
    message = err.value.message
    assert "line 2: examinee.name: Field required" in message
    assert "line 3: examinee.dob:" in message and "YYYY-MM-DD" in message
    assert "line 5: requesting_party.role:" in message
    assert "line 8: exam_date: unknown field" in message
    (tmp_path / "case.yaml").write_text(bad)
    result = runner.invoke(app, ["draft", str(tmp_path)])
    assert result.exit_code == ExitCode.INPUT
    assert "examinee.name" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kind: report\n", "kind must be 'ime' or 'second-opinion'"),
        ("kind: ime\n  bad indent: [\n", "line "),
        ("- just a list\n", "expected a mapping"),
        ("examinee: {name: X}\n", "kind: is missing (write `kind: ime`"),
        (
            "kind: ime\nexaminee: {name: X}\nrequesting_party: {role: insurer, name: Y}\nexaminer: {name: Dr}\n"
            "questions:\n- {number: '1', text: 'Is it?'}\n- {number: '1', text: 'Was it?'}\n",
            "line 5: questions: Value error, question number 1 is used twice",
        ),
    ],
)
def test_case_yaml_other_errors(text: str, expected: str) -> None:
    with pytest.raises(CaseError) as err:
        parse_case(text, "case.yaml")
    assert expected in err.value.message


def test_missing_case_folder_and_case_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["draft", str(tmp_path / "nope")])
    assert result.exit_code == ExitCode.INPUT and "not a case folder" in result.output
    result = runner.invoke(app, ["draft", str(tmp_path)])
    assert result.exit_code == ExitCode.INPUT and "case.yaml: not found" in result.output


def test_empty_records_folder_drafts_with_a_warning(tmp_path: Path) -> None:
    case = tmp_path / "c"
    assert runner.invoke(app, ["init", str(case), "--kind", "ime"]).exit_code == 0
    result = runner.invoke(app, ["draft", str(case)])
    assert result.exit_code == 0, result.output
    assert "no PDF records" in result.output
    text = docx_text(case / "drafts" / "ime-report.docx")
    assert "[TO COMPLETE: no records were supplied" in text


def test_init_both_kinds_draft_at_once_and_never_overwrite(tmp_path: Path) -> None:
    for kind in ("ime", "second-opinion"):
        case = tmp_path / kind
        assert runner.invoke(app, ["init", str(case), "--kind", kind]).exit_code == 0
        assert (case / "records").is_dir()
        assert "#" in (case / "case.yaml").read_text()  # commented
        assert runner.invoke(app, ["draft", str(case), "-q"]).exit_code == 0
        again = runner.invoke(app, ["init", str(case), "--kind", kind])
        assert again.exit_code == ExitCode.OUTPUT and "already exists" in again.output
    assert runner.invoke(app, ["init", str(tmp_path / "x"), "--kind", "letter"]).exit_code == ExitCode.USAGE


def test_edited_draft_is_never_overwritten_without_force(tmp_path: Path) -> None:
    case = _hostile_case(tmp_path)
    options = DraftOptions(index=tmp_path / "index.json")
    draft_case(case, options)
    draft_case(case, options)  # unchanged drafts are replaced silently
    md = case / "drafts" / "ime-report.md"
    md.write_text(md.read_text() + "\nMy own paragraph.\n")
    before = {p.name: p.read_bytes() for p in (case / "drafts").iterdir()}
    with pytest.raises(OutputError) as err:
        draft_case(case, options)
    assert "ime-report.md" in err.value.message and "ime-report.docx" not in err.value.message
    assert {p.name: p.read_bytes() for p in (case / "drafts").iterdir()} == before  # nothing half-written
    result = runner.invoke(app, ["draft", str(case), "--index", str(tmp_path / "index.json")])
    assert result.exit_code == ExitCode.OUTPUT and "--force" in result.output
    draft_case(case, DraftOptions(index=tmp_path / "index.json", force=True))
    assert "My own paragraph." not in md.read_text()


def test_a_file_reportkit_did_not_write_is_not_replaced(tmp_path: Path) -> None:
    case = _hostile_case(tmp_path)
    (case / "drafts").mkdir()
    (case / "drafts" / "ime-report.docx").write_bytes(b"the physician's own file")
    with pytest.raises(OutputError):
        draft_case(case, DraftOptions(index=tmp_path / "index.json"))
    assert (case / "drafts" / "ime-report.docx").read_bytes() == b"the physician's own file"


def test_unknown_format_and_missing_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = _hostile_case(tmp_path)
    result = runner.invoke(app, ["draft", str(case), "-f", "rtf"])
    assert result.exit_code == ExitCode.USAGE and "not a draft format: rtf" in result.output
    with pytest.raises(UsageError, match="none given"):  # the same check as batch's: no format at all is none
        draft_case(case, DraftOptions(formats=()))
    monkeypatch.setattr(render_mod, "soffice", lambda: None)
    result = runner.invoke(app, ["draft", str(case), "-f", "pdf", "--index", str(tmp_path / "index.json")])
    assert result.exit_code == ExitCode.NO_TOOL
    assert "LibreOffice" in result.output and "libreoffice-writer-nogui" in result.output
    assert not (case / "drafts").exists()  # refused before any work


# --- templates ------------------------------------------------------------------------------------------


def test_every_builtin_template_renders_in_every_sample_context() -> None:
    from reportkit.draft.templatecheck import check_templates

    reports = check_templates(None)
    assert [r.name for r in reports] == list(render_mod.TEMPLATE_NAMES.values())
    assert all(not r.problems and r.checked >= 4 for r in reports)
    result = runner.invoke(app, ["templates", "check"])
    assert result.exit_code == 0 and result.output.count("ok ") == len(render_mod.TEMPLATE_NAMES)


def test_user_templates_letterhead_and_house_style(tmp_path: Path) -> None:
    import docx

    folder = tmp_path / "tpl"
    assert runner.invoke(app, ["templates", "export", str(folder)]).exit_code == 0
    template = folder / "ime-report.html.j2"
    template.write_text(template.read_text().replace("<h2>History</h2>", "<h2>History of the present claim</h2>"))
    reference = docx.Document(str(folder / "reference.docx"))
    reference.sections[0].header.paragraphs[0].text = "RIDGELINE MEDICAL EVALUATIONS - LETTERHEAD"
    reference.save(str(folder / "reference.docx"))
    assert runner.invoke(app, ["templates", "check", str(folder)]).exit_code == 0
    case = _hostile_case(tmp_path)
    draft_case(case, DraftOptions(index=tmp_path / "index.json", templates=folder))
    out = docx.Document(str(case / "drafts" / "ime-report.docx"))
    assert out.sections[0].header.paragraphs[0].text == "RIDGELINE MEDICAL EVALUATIONS - LETTERHEAD"
    assert "History of the present claim" in [p.text for p in wordparts.paragraphs(out)]
    with pytest.raises(OutputError):
        export_templates(folder)  # never over the user's templates without --force


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{{ case.__class__.__mro__ }}", "reaches for something templates may not use"),
        ("{{ ''.__class__.__subclasses__() }}", "reaches for something templates may not use"),
        ("{{ lipsum.__globals__ }}", "reaches for something templates may not use"),
        ("{{ case.examinee.nmae }}", "undefined name"),
        ("{% for x in records %}", "line 1"),
        ("<img src=x><p>x</p>", "<img> is not supported"),
        ("<td>x</td>", "<td> outside <table>"),
    ],
)
def test_bad_user_templates_fail_clearly(tmp_path: Path, body: str, expected: str) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "ime-report.html.j2").write_text(body)
    case = _hostile_case(tmp_path)
    with pytest.raises(TemplateError) as err:
        draft_case(case, DraftOptions(index=tmp_path / "index.json", templates=folder))
    assert expected in err.value.message
    assert str(folder / "ime-report.html.j2") in err.value.message
    result = runner.invoke(app, ["templates", "check", str(folder)])
    assert result.exit_code == ExitCode.FINDINGS and "FAIL ime-report.html.j2" in result.output


def test_templates_check_on_a_folder_without_templates(tmp_path: Path) -> None:
    result = runner.invoke(app, ["templates", "check", str(tmp_path)])
    assert result.exit_code == ExitCode.INPUT and "holds neither" in result.output


# --- schema, PDF ----------------------------------------------------------------------------------------


def test_schema_describes_both_kinds() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    defs = schema["$defs"]
    assert {"ImeCase", "SecondOpinionCase", "Question"} <= set(defs)
    assert "questions" in defs["ImeCase"]["properties"]
    assert defs["ImeCase"]["additionalProperties"] is False


def test_pdf_draft_with_libreoffice(tmp_path: Path) -> None:
    if render_mod.soffice() is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui); .ci/run installs it")
    from pypdf import PdfReader

    case = sample_copy(SECOND_SAMPLE, tmp_path)
    result = runner.invoke(app, ["draft", str(case), "-f", "pdf", "-f", "docx"])
    assert result.exit_code == 0, result.output
    pdf = case / "drafts" / "second-opinion-letter.pdf"
    reader = PdfReader(str(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Your second opinion" in text and "What I think" in text
    assert "Scan or X-ray report by Priya Raman, MD" in " ".join(text.split())
    # the running header and the "Page x of y" footer on every page, and y is the page count
    count = len(reader.pages)
    for number, page in enumerate(reader.pages, 1):
        shown = " ".join((page.extract_text() or "").split())
        assert shown.startswith("Maria L. Estrada · Confidential") and shown.endswith(f"Page {number} of {count}")
    assert reader.metadata is not None and reader.metadata.get("/CreationDate") == "D:20000101000000Z"
    first = pdf.read_bytes()
    assert runner.invoke(app, ["draft", str(case), "-f", "pdf", "--out", str(tmp_path / "b")]).exit_code == 0
    assert (tmp_path / "b" / "second-opinion-letter.pdf").read_bytes() == first


def test_templates_check_finds_names_in_branches_no_sample_reaches(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "ime-report.html.j2").write_text("<p>{{ case.examinee.name }}</p>{% if false %}{{ refferal }}{% endif %}")
    result = runner.invoke(app, ["templates", "check", str(folder)])
    assert result.exit_code == ExitCode.FINDINGS
    assert "unknown name(s): refferal" in result.output


def test_template_cannot_change_the_context(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "ime-report.html.j2").write_text("{{ records.append(1) }}")
    case = _hostile_case(tmp_path)
    with pytest.raises(TemplateError) as err:
        draft_case(case, DraftOptions(index=tmp_path / "index.json", templates=folder))
    assert "may not use" in err.value.message


def test_hostile_text_in_a_real_record_pdf_survives_index_and_draft(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen.canvas import Canvas

    case = tmp_path / "case"
    assert runner.invoke(app, ["init", str(case), "--kind", "ime"]).exit_code == 0
    canvas = Canvas(str(case / "records" / "mri.pdf"), pagesize=letter, invariant=1)
    y = 720
    for line in (
        "Sound Imaging Associates",
        "MRI LUMBAR SPINE WITHOUT CONTRAST",
        "Exam Date: 03/12/2024",
        "FINDINGS: Disc extrusion at L4-5.",
        "IMPRESSION: BP < 120 & HR 88; {{ 7*7 }} {% raw %} <b>not bold</b>",
        "Electronically signed by Arjun Mehta, MD on 03/12/2024",
    ):
        canvas.drawString(72, y, line)
        y -= 16
    canvas.showPage()
    canvas.save()
    result = runner.invoke(app, ["draft", str(case), "--no-cache"])
    assert result.exit_code == 0, result.output
    text = docx_text(case / "drafts" / "ime-report.docx")
    assert "IMPRESSION: BP < 120 & HR 88; {{ 7*7 }} {% raw %} <b>not bold</b>" in text


def test_damaged_case_index_is_rebuilt_and_formats_may_be_comma_separated(tmp_path: Path) -> None:
    case = sample_copy(SECOND_SAMPLE, tmp_path)
    (case / "index").mkdir()
    (case / "index" / "index.json").write_text("{ not json")
    result = runner.invoke(app, ["draft", str(case), "--format", "md,html", "--no-cache"])
    assert result.exit_code == ExitCode.OUTPUT and "corrected by hand" in result.output  # maybe a broken edit
    result = runner.invoke(app, ["draft", str(case), "--format", "md,html", "--no-cache", "--force"])
    assert result.exit_code == 0, result.output
    assert "(new index)" in result.output
    assert sorted(p.name for p in (case / "drafts").iterdir()) == [
        STATE_NAME,
        "second-opinion-letter.html",
        "second-opinion-letter.md",
    ]
    assert json.loads((case / "index" / "index.json").read_text())["schema"] == "reportkit/record-index@1"


def test_case_index_reused_reindexed_and_hand_corrections_kept(tmp_path: Path) -> None:
    case = sample_copy(SECOND_SAMPLE, tmp_path)
    assert draft_case(case, DraftOptions(use_cache=False)).index_how == "indexed"
    index_json = case / "index" / "index.json"
    data = json.loads(index_json.read_text())
    data["documents"][0]["provider"] = "Priya Raman, MD (corrected)"
    index_json.write_text(json.dumps(data, indent=2) + "\n")
    # records unchanged: the corrected index is used
    result = draft_case(case, DraftOptions(force=True))
    assert result.index_how == "reused"
    assert "Priya Raman, MD (corrected)" in docx_text(case / "drafts" / "second-opinion-letter.docx")
    # records changed: the corrected index is not thrown away without --force
    shutil.copy(case / "records" / "03-westbrook-physical-therapy.pdf", case / "records" / "04-copy.pdf")
    with pytest.raises(OutputError) as err:
        draft_case(case, DraftOptions(force=False))
    assert "corrected by hand" in err.value.message
    assert "(corrected)" in index_json.read_text()
    assert draft_case(case, DraftOptions(force=True, use_cache=False)).index_how == "indexed"
    # an index reportkit wrote itself is simply replaced when the records change
    (case / "records" / "04-copy.pdf").unlink()
    assert draft_case(case, DraftOptions(force=False)).index_how == "indexed"


def test_an_index_of_another_case_is_flagged(tmp_path: Path) -> None:
    from reportkit import IndexOptions, index_bundle

    other = index_bundle([SECOND_SAMPLE / "records"], tmp_path / "other-index", IndexOptions(use_cache=False))
    case = sample_copy(IME_SAMPLE, tmp_path)
    result = draft_case(case, DraftOptions(index=tmp_path / "other-index" / "index.json", formats=("md",)))
    assert result.index_how == "given" and result.documents == len(other.index.documents)
    assert any("is it the index of another case?" in w for w in result.warnings)
    own = index_bundle([case / "records"], tmp_path / "own-index", IndexOptions(use_cache=False))
    again = draft_case(case, DraftOptions(index=tmp_path / "own-index" / "index.json", formats=("md",), force=True))
    assert not [w for w in again.warnings if "index" in w] and own.index.documents


def test_lab_results_are_a_small_table_not_flattened_text(ime_draft: Path) -> None:
    document = docx.Document(str(ime_draft / "drafts" / "ime-report.docx"))
    labs = [t for t in document.element.body.iter(qn("w:tbl"))]
    assert len(labs) == 1
    rows = [[wordparts.text_of(tc) for tc in tr.iter(qn("w:tc"))] for tr in labs[0].iter(qn("w:tr"))]
    assert rows[0] == ["Test", "Result", "Flag", "Reference range"]
    assert rows[1] == ["Glucose, fasting", "112", "H", "70 - 99 mg/dL"]  # the flagged result first
    assert rows[-1][0] == "8 more results, p. 15" and len(rows) == 13
    item = next(t for _, t in docx_paragraphs(ime_draft / "drafts" / "ime-report.docx") if "Laboratory report" in t)
    assert "WBC 7.2" not in item and "RESULTS" not in item  # not flattened into the records list
    md = (ime_draft / "drafts" / "ime-report.md").read_text(encoding="utf-8")
    assert (
        "| Test | Result | Flag | Reference range |\n|---|---|---|---|\n| Glucose, fasting | 112 | H | 70 - 99 mg/dL |"
        in md
    )


def test_an_encrypted_record_is_read_with_draft_password_file(tmp_path: Path) -> None:
    from conftest import copy_of

    case = sample_copy(SECOND_SAMPLE, tmp_path)
    copy_of("password-example.pdf", case / "records")
    first = runner.invoke(app, ["draft", str(case), "-f", "md"])
    assert first.exit_code == ExitCode.PARTIAL and "--password-file" in first.output, first.output
    skipped = json.loads((case / "index" / "index.json").read_text())["skipped"]
    assert [s["problem"] for s in skipped] == ["encrypted"]
    (tmp_path / "pw.txt").write_text("test\n")
    again = runner.invoke(app, ["draft", str(case), "-f", "md", "--password-file", str(tmp_path / "pw.txt")])
    assert again.exit_code == 0, again.output
    index = json.loads((case / "index" / "index.json").read_text())
    assert index["skipped"] == [] and "records/password-example.pdf" in [s["path"] for s in index["sources"]]
    # drafts written elsewhere: the advice to check names that folder
    elsewhere = runner.invoke(app, ["draft", str(case), "-f", "md", "--out", str(tmp_path / "out")])
    assert f"`reportkit check {case} --out {tmp_path / 'out'}` lists what is missing" in elsewhere.output

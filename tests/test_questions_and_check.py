"""`reportkit questions` (numbered questions out of a referral letter) and `reportkit check` (lint)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import ROOT, copy_of
from draft_helpers import IME_SAMPLE, SECOND_SAMPLE, hostile_index, sample_copy
from reportkit.cli import app
from reportkit.draft import DraftOptions, draft_case, wordparts
from reportkit.draft.check import check_case
from reportkit.draft.questions import extract, lines_from_text
from reportkit.draft.statements import dates_in, stance, weights
from reportkit.errors import ExitCode

runner = CliRunner()


# --- questions ------------------------------------------------------------------------------------------


def test_sample_referral_letter_questions() -> None:
    result = runner.invoke(app, ["questions", str(IME_SAMPLE / "referral-letter.pdf")])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    questions = data["questions"]
    assert [q["number"] for q in questions] == ["1", "2", "3", "4", "5", "6", "7"]
    assert questions[1]["text"].startswith("Is the L4-5 disc herniation, and the left L4-5 microdiscectomy")
    assert questions[1]["text"].endswith("Please explain the mechanism you rely on.")  # ran over three lines
    assert [p["number"] for p in questions[1]["parts"]] == ["a", "b"]
    assert questions[6]["text"] == "What further treatment, if any, is reasonable and necessary?"
    assert "Please send your report" not in result.stdout  # the closing line is not a question
    assert "medical records (57 pages)" not in result.stdout  # nor the numbered enclosures


def test_sample_case_questions_match_the_letter() -> None:
    """The sample case.yaml holds the letter's questions verbatim (as `reportkit questions` prints them)."""
    letter = yaml.safe_load(runner.invoke(app, ["questions", str(IME_SAMPLE / "referral-letter.pdf")]).stdout)
    case = yaml.safe_load((IME_SAMPLE / "case.yaml").read_text())
    assert [(q["number"], q["text"]) for q in case["questions"]] == [
        (q["number"], q["text"]) for q in letter["questions"]
    ]


def test_referral_generator_reproduces_committed_files(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "samples" / "generate_cases.py"), "--out", str(tmp_path)], check=True)
    assert (tmp_path / "ime-case" / "referral-letter.pdf").read_bytes() == (
        IME_SAMPLE / "referral-letter.pdf"
    ).read_bytes()
    for made in sorted((tmp_path / "second-opinion-case" / "records").iterdir()):
        assert made.read_bytes() == (SECOND_SAMPLE / "records" / made.name).read_bytes()


STYLES = {
    "paren": "Please answer:\n1) Is the injury work related?\n2) What is the\n   diagnosis?\n\nThank you.\n",
    "q-colon": "Q1: What is the diagnosis?\nQ2: Has the claimant reached MMI? If so,\nwhen?\nQ3: Restrictions?\n",
    "question-word": "Question 1. What caused it?\nQuestion 2 - Is he fit for work?\nSincerely,\n",
    "bracketed": "(1) Diagnosis?\n(2) Prognosis?\nEnclosures: (3) file\n",
    "letters": "Dear Doctor,\n(a) What is the diagnosis?\n(b) Is treatment needed?\n(c) Is she\nfit to work?\n",
}
EXPECTED = {
    "paren": [("1", "Is the injury work related?"), ("2", "What is the diagnosis?")],
    "q-colon": [
        ("1", "What is the diagnosis?"),
        ("2", "Has the claimant reached MMI? If so, when?"),
        ("3", "Restrictions?"),
    ],
    "question-word": [("1", "What caused it?"), ("2", "Is he fit for work?")],
    "bracketed": [("1", "Diagnosis?"), ("2", "Prognosis?")],
    "letters": [("a", "What is the diagnosis?"), ("b", "Is treatment needed?"), ("c", "Is she fit to work?")],
}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_numbering_styles(style: str) -> None:
    found = extract(lines_from_text(STYLES[style]))
    assert [(q.number, q.text) for q in found] == EXPECTED[style]


def test_sub_questions_and_numbers_out_of_sequence() -> None:
    text = (
        "Our client was born on 3. May.\n"
        "1. What is the diagnosis?\n"
        "   (a) Is it permanent?\n"
        "   (b) Is surgery\n"
        "       indicated?\n"
        "3. This is not question 2.\n"
        "2. Restrictions?\n"
    )
    found = extract(lines_from_text(text))
    assert [q.number for q in found] == ["1", "2"]
    assert [(p.number, p.text) for p in found[0].parts] == [("a", "Is it permanent?"), ("b", "Is surgery indicated?")]
    assert found[1].text == "Restrictions?"


def test_a_plan_is_not_a_list_of_questions_but_a_list_of_topics_asked_for_is() -> None:
    plan = (
        "ASSESSMENT AND PLAN\n"
        "1. Continue physical therapy 3x/week for 4 weeks.\n"
        "2. Ibuprofen 600 mg by mouth as needed.\n"
        "3. Follow up in 4 weeks; return sooner if worse.\n"
    )
    assert extract(lines_from_text(plan)) == []
    topics = "Please address the following:\n1. Diagnosis\n2. Causation\n3. Maximum medical improvement\n"
    assert [q.text for q in extract(lines_from_text(topics))] == [
        "Diagnosis",
        "Causation",
        "Maximum medical improvement",
    ]
    mixed = "1. Describe the mechanism of injury.\n2. Current restrictions\n3. Is surgery indicated?\n"
    assert [q.number for q in extract(lines_from_text(mixed))] == ["1", "2", "3"]


def test_questions_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["questions", str(tmp_path / "missing.pdf")])
    assert result.exit_code == ExitCode.INPUT and "not found" in result.output
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 garbage")
    result = runner.invoke(app, ["questions", str(tmp_path / "bad.pdf")])
    assert result.exit_code == ExitCode.INPUT and "Traceback" not in result.output
    result = runner.invoke(app, ["questions", str(copy_of("r4-aes-user-password.pdf", tmp_path))])
    assert result.exit_code == ExitCode.ENCRYPTED and "encrypted" in result.output
    (tmp_path / "none.txt").write_text("Dear Doctor, please see the patient.\n")
    result = runner.invoke(app, ["questions", str(tmp_path / "none.txt")])
    assert result.exit_code == ExitCode.INPUT and "No numbered questions" in result.output
    (tmp_path / "note.txt").write_text("PLAN\n1. Continue home exercises.\n2. Follow up in 6 weeks.\n")
    result = runner.invoke(app, ["questions", str(tmp_path / "note.txt")])
    assert result.exit_code == ExitCode.INPUT and "a plan or a medication list" in result.output


def test_a_question_numbered_far_past_the_last_one_read_is_a_problem_but_a_list_of_records_is_not(
    tmp_path: Path,
) -> None:
    questions = (
        "Dear Doctor,\nPlease answer the following:\n1) What is the diagnosis?\n2) Is the injury work related?\n"
        "3) What treatment is reasonable?\n   a) Physical therapy?\n   b) Surgery?\n"
    )
    (tmp_path / "letter.txt").write_text(questions + "10) Is she at maximum medical improvement?\n\nSincerely,\n")
    result = runner.invoke(app, ["questions", str(tmp_path / "letter.txt")])
    assert result.exit_code == ExitCode.FINDINGS and "goes on to 10" in " ".join(result.output.split()), result.output
    records = "Enclosed records:\n" + "".join(f"{n}. Office note of Dr. Lee, {n} pages\n" for n in range(8, 13))
    (tmp_path / "enclosed.txt").write_text(questions + "\n" + records + "\nSincerely,\n")
    result = runner.invoke(app, ["questions", str(tmp_path / "enclosed.txt")])
    assert result.exit_code == 0 and "goes on to" not in result.output, result.output


# --- check ----------------------------------------------------------------------------------------------


def _case(tmp_path: Path, edit: dict[str, str] | None = None) -> Path:
    """The IME sample with a hand-made index (fast), case.yaml text replaced as given."""
    case = sample_copy(IME_SAMPLE, tmp_path)
    text = (case / "case.yaml").read_text()
    for old, new in (edit or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    (case / "case.yaml").write_text(text)
    hostile_index(tmp_path / "index.json")
    return case


def _rules(case: Path, tmp_path: Path, final: bool = False) -> list[str]:
    result = check_case(case, final=final, options=DraftOptions(index=tmp_path / "index.json"))
    return [f.rule for f in result.findings]


def test_sample_check_lists_unanswered_questions_with_lines(tmp_path: Path) -> None:
    case = sample_copy(IME_SAMPLE, tmp_path)
    hostile_index(tmp_path / "index.json")
    result = runner.invoke(app, ["check", str(case)])  # no draft yet: a fresh rendering is checked
    assert result.exit_code == ExitCode.FINDINGS
    lines = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert lines == [
        f"FAIL unanswered: Question {n} has no answer.  [case.yaml line {line} (questions.{n - 1}.answer)]"
        for n, line in ((2, 53), (3, 56), (5, 63), (6, 67), (7, 70))
    ]
    assert "placeholder(s) left" in result.output


def test_final_check_fails_on_placeholders_in_the_written_draft(tmp_path: Path) -> None:
    case = _case(tmp_path)
    draft_case(case, DraftOptions(index=tmp_path / "index.json"))
    rules = _rules(case, tmp_path, final=True)
    assert "placeholder" in rules
    assert rules.count("placeholder") >= 10


def test_inconsistent_mmi_causation_and_restrictions(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        {
            "answer: Yes. He reached maximum medical improvement on 2024-10-15.": (
                "answer: Yes, as of September 10, 2024."
            ),
            "  causation:\n": "  causation: The herniation was caused by the lifting injury.\n",
            "  restrictions:\n": "  restrictions: No lifting over 35 lb.\n",
        },
    )
    text = (case / "case.yaml").read_text()
    text = text.replace(
        "    spine? Please explain the mechanism you rely on.\n",
        "    spine? Please explain the mechanism you rely on.\n",
    )
    lines = text.splitlines()
    # answer question 2 (causation) the other way, and question 6 (work) with another limit
    q2 = lines.index("  - number: b") + 2
    lines[q2] = "  answer: It is not related to the work injury."
    q6 = next(i for i, line in enumerate(lines) if line.startswith("  text: What are the claimant's current work"))
    lines[q6 + 2] = "  answer: He can lift up to 50 lb."
    (case / "case.yaml").write_text("\n".join(lines) + "\n")
    result = check_case(case, options=DraftOptions(index=tmp_path / "index.json"))
    by_rule = {f.rule: f for f in result.findings}
    assert "2024-10-15" in by_rule["inconsistent-mmi"].message and "2024-09-10" in by_rule["inconsistent-mmi"].message
    assert "question 2" in by_rule["inconsistent-causation"].message
    restrictions = by_rule["inconsistent-restrictions"].message
    assert "35lb" in restrictions and "50lb" in restrictions
    assert by_rule["inconsistent-mmi"].where.startswith("case.yaml line ")


def test_consistent_answers_raise_nothing(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        {
            "  causation:\n": "  causation: The herniation was caused by the lifting injury.\n",
            "  restrictions:\n": "  restrictions: No lifting over 35 lb.\n",
        },
    )
    rules = _rules(case, tmp_path)
    assert not {"inconsistent-mmi", "inconsistent-causation", "inconsistent-restrictions"} & set(rules)


def test_a_date_of_care_before_the_date_of_birth_is_a_finding(tmp_path: Path) -> None:
    assert "date-before-birth" not in _rules(_case(tmp_path / "as-is"), tmp_path / "as-is")
    case = _case(tmp_path, {"  dob: 1981-09-23\n": "  dob: 2024-09-23\n"})  # a year typed wrong
    result = check_case(case, options=DraftOptions(index=tmp_path / "index.json"))
    said = [f.message for f in result.findings if f.rule == "date-before-birth"]
    assert "The date of injury 2024-02-06 is before the examinee's date of birth 2024-09-23." in said, said


def test_rating_without_edition_and_record_without_pages(tmp_path: Path) -> None:
    case = _case(
        tmp_path,
        {
            "    rating:\n": "    rating: 10% whole person impairment\n    system: AMA Guides\n",
            "  prognosis:\n": ("  prognosis:\nother_records:\n- type: MRI films viewed\n  date: 2024-03-12\n"),
        },
    )
    findings = check_case(case, options=DraftOptions(index=tmp_path / "index.json")).findings
    messages = [(f.rule, f.message) for f in findings]
    assert ("rating-edition", "Impairment rating '10% whole person impairment' without its edition.") in messages
    # once in case.yaml, once in the draft's records list
    assert ("record-pages", "Record reviewed 'MRI films viewed' has no pages or reference.") in messages
    assert ("record-pages", "Records reviewed item 3 has no pages.") in messages


def test_records_item_without_pages_in_an_edited_draft(tmp_path: Path) -> None:
    case = _case(tmp_path)
    draft_case(case, DraftOptions(index=tmp_path / "index.json", formats=("md",)))
    md = case / "drafts" / "ime-report.md"
    text = md.read_text()
    text = text.replace("## History", "3. 2024-04-01, a record the physician added by hand.\n\n## History", 1)
    md.write_text(text)
    findings = check_case(case, options=DraftOptions(index=tmp_path / "index.json")).findings
    assert [f.message for f in findings if f.rule == "record-pages"] == ["Records reviewed item 3 has no pages."]


def test_uk_cpr35_profile_adds_sections_and_statements(tmp_path: Path) -> None:
    case = _case(tmp_path, {"jurisdiction: generic": "jurisdiction: uk-cpr35"})
    draft_case(case, DraftOptions(index=tmp_path / "index.json", formats=("md",)))
    md = (case / "drafts" / "ime-report.md").read_text()
    for heading in ("## The expert", "## Instructions", "## Summary of conclusions", "## Range of opinion",
                    "## Declaration", "## Statement of truth"):  # fmt: skip
        assert heading in md
    assert "I understand that my duty is to help the court" in md
    rules = _rules(case, tmp_path)
    assert rules.count("required-field") == 3  # qualifications, instructions, summary of conclusions
    assert "missing-section" not in rules and "missing-statement" not in rules
    # a physician who deletes the statement of truth from the draft is told
    md_path = case / "drafts" / "ime-report.md"
    md_path.write_text(md.split("## Statement of truth")[0])
    rules = _rules(case, tmp_path)
    assert "missing-statement" in rules and "missing-section" in rules


def test_generic_profile_finds_a_removed_section(tmp_path: Path) -> None:
    case = _case(tmp_path)
    draft_case(case, DraftOptions(index=tmp_path / "index.json", formats=("md",)))
    md = case / "drafts" / "ime-report.md"
    md.write_text(md.read_text().replace("## Statement of independence", "## Independence"))
    result = check_case(case, options=DraftOptions(index=tmp_path / "index.json"))
    assert [f.message for f in result.findings if f.rule == "missing-section"] == [
        "generic profile: the draft has no 'Statement of independence' section."
    ]


def test_unknown_profile_is_a_case_error(tmp_path: Path) -> None:
    case = _case(tmp_path, {"jurisdiction: generic": "jurisdiction: atlantis"})
    result = runner.invoke(app, ["check", str(case)])
    assert result.exit_code == ExitCode.INPUT and "atlantis" in result.output and "uk-cpr35" in result.output


def test_second_opinion_check(tmp_path: Path) -> None:
    case = sample_copy(SECOND_SAMPLE, tmp_path)
    hostile_index(tmp_path / "index.json")
    result = check_case(case, options=DraftOptions(index=tmp_path / "index.json"))
    assert [f.rule for f in result.findings] == ["unanswered", "unanswered"]
    assert result.findings[0].where.startswith("case.yaml line 16")


def test_helpers() -> None:
    assert {d.isoformat() for d in dates_in("on 2024-10-15, 9/10/2024 and March 3, 2024")} == {
        "2024-10-15", "2024-09-10", "2024-03-03",
    }  # fmt: skip
    assert stance("The herniation was caused by the injury.") == "related"
    assert stance("It is not causally related to work.") == "not related"
    assert stance("It is more likely than not that the herniation is related to the injury.") == "related"
    assert stance("On a more probable than not basis, it is causally related to the work injury.") == "related"
    assert stance("More likely than not, it is not related to work.") == "not related"
    assert stance("See above.") is None
    assert weights("lift 20 lb occasionally, 10 lbs frequently") == {"20lb", "10lbs"}


def test_second_opinion_letter_that_reads_too_hard_is_flagged(tmp_path: Path) -> None:
    case = sample_copy(SECOND_SAMPLE, tmp_path)
    hostile_index(tmp_path / "index.json")
    text = (case / "case.yaml").read_text()
    hard = (
        "  findings: The magnetic resonance imaging demonstrates a degenerative horizontal cleavage tear of the "
        "posterior horn of the medial meniscus with concomitant tricompartmental chondromalacia, and "
        "arthroscopic partial meniscectomy confers no demonstrable long-term functional advantage relative to "
        "structured physiotherapeutic rehabilitation in degenerative presentations of this morphology.\n"
    )
    (case / "case.yaml").write_text(text.replace("  findings:\n", hard))
    findings = check_case(case, options=DraftOptions(index=tmp_path / "index.json")).findings
    # one hard paragraph in a plain letter: the letter's average passes, the paragraph does not
    assert [f.rule for f in findings] == ["unanswered", "unanswered", "readability"]
    assert findings[-1].message.startswith("A paragraph under 'What I found' reads at grade")
    (case / "case.yaml").write_text(
        text.replace("  findings:\n", hard).replace(
            "  conclusion: |\n", "  conclusion: |\n" + hard.replace("  findings: ", "    ") * 3
        )
    )
    findings = check_case(case, options=DraftOptions(index=tmp_path / "index.json")).findings
    assert "readability" in [f.rule for f in findings]


def test_an_answer_written_in_the_draft_itself_counts(tmp_path: Path) -> None:
    """The physician may answer in Word rather than in case.yaml: check reads the edited DOCX."""
    import docx

    case = _case(tmp_path)
    draft_case(case, DraftOptions(index=tmp_path / "index.json", formats=("docx",)))
    path = case / "drafts" / "ime-report.docx"
    document = docx.Document(str(path))
    for paragraph in wordparts.paragraphs(document):
        if paragraph.text == "[TO COMPLETE: answer to question 3]":
            for run in paragraph.runs:
                run.text = ""
            paragraph.runs[0].text = "Yes, all treatment to date was reasonable and necessary."
    document.save(str(path))
    findings = check_case(case, options=DraftOptions(index=tmp_path / "index.json")).findings
    unanswered = [f.message for f in findings if f.rule == "unanswered"]
    assert not any(m.startswith("Question 3 has no answer.") for m in unanswered)
    assert "Question 2 has no answer. Write it in the DOCX." in unanswered and len(unanswered) == 4
    assert next(f.where for f in findings if f.rule == "unanswered").endswith("ime-report.docx, Answer 2")


def test_check_flags_example_text_left_from_init(tmp_path: Path) -> None:
    from reportkit.draft import init_case
    from reportkit.draft.check import check_case

    case = tmp_path / "new"
    init_case(case, "ime")
    flagged = {f.where.split("(")[-1].rstrip(")") for f in check_case(case).findings if f.rule == "example-value"}
    assert {"examinee.name", "examiner.name", "requesting_party.name", "questions.0.text"} <= flagged
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text.replace("Examinee's full name", "Daniel R. Okafor"), encoding="utf-8")
    flagged = {f.where.split("(")[-1].rstrip(")") for f in check_case(case).findings if f.rule == "example-value"}
    assert "examinee.name" not in flagged and "examiner.name" in flagged

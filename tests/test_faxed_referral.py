"""Faxed and scanned referral letters (issue 14, part 2): `questions` reads them by OCR, in reading order,
checks its own result, and the searchable copy's text layer reads in lines."""

from __future__ import annotations

import difflib
import random
import shutil
import sys
from pathlib import Path

import pypdfium2
import pytest
import yaml
from typer.testing import CliRunner

from conftest import ROOT
from reportkit.cli import app
from reportkit.draft.letterlines import ocr_tidy
from reportkit.draft.questions import extract, lines_from_text
from reportkit.errors import ExitCode
from reportkit.ingest.readingorder import Word, reading_lines

sys.path.insert(0, str(ROOT / "samples"))
from make_fax_copy import REFERRAL, REFERRAL_FAX, fax_file

runner = CliRunner()
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")


def _questions(path: Path) -> tuple[int, list[dict[str, object]], str]:
    result = runner.invoke(app, ["questions", str(path)])
    found = yaml.safe_load(result.stdout)["questions"] if result.stdout.startswith("questions:") else []
    return result.exit_code, found, result.output


def _flat(questions: list[dict[str, object]]) -> list[tuple[str, str]]:
    out = []
    for q in questions:
        out.append((str(q["number"]), str(q["text"])))
        out += [(f"{q['number']}{p['number']}", str(p["text"])) for p in q.get("parts", [])]  # type: ignore[attr-defined]
    return out


@pytest.fixture(scope="module")
def born_digital() -> list[tuple[str, str]]:
    code, found, output = _questions(REFERRAL)
    assert code == 0, output
    return _flat(found)


@needs_tesseract
def test_the_sample_faxed_referral_comes_back_question_for_question(
    born_digital: list[tuple[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # read by OCR now, not from an earlier run's cache
    code, found, output = _questions(REFERRAL_FAX)
    assert code == 0, output
    assert "(read by OCR)" in output
    assert _flat(found) == born_digital


@needs_tesseract
@pytest.mark.parametrize("seed", [2, 5, 8])
def test_other_faxes_of_the_letter_come_back_whole_or_are_flagged(
    born_digital: list[tuple[str, str]], seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the fax's noise does, the result is never a quiet jumble: every question back, in order,
    nearly letter for letter, or exit 7 saying what does not check out."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fax = fax_file(REFERRAL, tmp_path / "fax.pdf", random.Random(seed), noise=1.3)
    code, found, output = _questions(fax)
    if code == ExitCode.FINDINGS:
        assert "problem:" in output and "do not check out" in output
        return
    assert code == 0, output
    got = _flat(found)
    assert [n for n, _ in got] == [n for n, _ in born_digital]
    for (_, want), (_, text) in zip(born_digital, got, strict=True):
        assert difflib.SequenceMatcher(None, want, text).ratio() > 0.95, (want, text)


@needs_tesseract
def test_the_searchable_copy_reads_in_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    copy = tmp_path / "referral-searchable.pdf"
    result = runner.invoke(app, ["index", str(REFERRAL_FAX), "-o", str(tmp_path / "idx"), "--ocr-output", str(copy)])
    assert result.exit_code == 0, result.output
    doc = pypdfium2.PdfDocument(copy)
    textpage = doc[0].get_textpage()
    lines = [" ".join(line.split()) for line in textpage.get_text_range().splitlines()]
    doc.close()
    # a list number and its text on one line, as in the letter (Tesseract's own layer put the numbers apart)
    assert any(line.startswith("3. Has treatment to date been reasonable and necessary?") for line in lines), lines
    assert any(line.startswith("7. What further treatment") for line in lines)
    assert "Examinee: Daniel R. Okafor DOB: 09/23/1981" in " ".join(lines)
    code, found, output = _questions(copy)
    assert code == 0 and len(found) == 7, output


def test_a_jumble_never_exits_0(tmp_path: Path) -> None:
    apart = tmp_path / "apart.txt"  # numbers apart from their text, as a text layer out of reading order gives
    apart.write_text(
        "Please answer the following questions:\n1.\n2.\n3.\n\nWhat diagnoses are related to the injury?\n"
        "Is the herniation related to the injury?\nHas treatment been reasonable?\n",
        encoding="utf-8",
    )
    code, _, output = _questions(apart)
    assert code in (ExitCode.FINDINGS, ExitCode.INPUT), output
    stops = tmp_path / "stops.txt"  # a number lost where nothing shows where its question begins
    stops.write_text(
        "Please answer the following questions:\n1. What diagnoses are related to the injury?\n"
        "2. Is the herniation related to the injury, and if so how\nand why, in your opinion\n"
        "4. What restrictions apply?\n5. Is further treatment needed?\nSincerely,\n",
        encoding="utf-8",
    )
    code, found, output = _questions(stops)
    assert code == ExitCode.FINDINGS, output
    assert "the numbering stops at question 2, but the letter goes on to 4, 5" in output
    assert len(found) == 2  # printed anyway, to correct by hand


def test_a_number_ocr_dropped_is_mended_from_where_the_next_question_begins() -> None:
    letter = (
        "Please answer the following questions:\n"
        "1. What diagnoses are related to the injury?\n"
        "2. Has treatment to date been reasonable and necessary?\n"
        "    Has the claimant reached maximum medical improvement? If so, as of what date?\n"
        "4. What restrictions apply?\n"
    )
    found = extract(lines_from_text(letter))
    assert [(q.number, q.text, q.inferred) for q in found] == [
        ("1", "What diagnoses are related to the injury?", False),
        ("2", "Has treatment to date been reasonable and necessary?", False),
        ("3", "Has the claimant reached maximum medical improvement? If so, as of what date?", True),
        ("4", "What restrictions apply?", False),
    ]
    whole = "Please answer:\n1. Is it related?\n2. Is it\n    permanent?\n3. Are there restrictions?\n"
    assert [q.text for q in extract(lines_from_text(whole))][1] == "Is it permanent?"  # nothing to mend


def test_items_completing_a_request_are_questions_but_a_plan_is_not() -> None:
    letter = (
        "Dear Dr. Voss:\nWe request an examination addressing:\n"
        "1. The diagnosis of the lumbar spine condition.\n2. The causal relationship to the injury.\n"
        "3. Work restrictions, if any.\nSincerely,\n"
    )
    assert [q.text for q in extract(lines_from_text(letter))] == [
        "The diagnosis of the lumbar spine condition.",
        "The causal relationship to the injury.",
        "Work restrictions, if any.",
    ]
    for note in ("ASSESSMENT AND PLAN:\n", "Plan:\n", "Medications including:\n"):
        assert extract(lines_from_text(note + "1. Continue physical therapy.\n2. Ibuprofen 600 mg.\n")) == []


def test_ocr_specks_are_tidied_but_words_are_not() -> None:
    assert ocr_tidy("6. .What are the capacities?") == "6. What are the capacities?"
    assert ocr_tidy("2.. Is the herniation") == "2. Is the herniation"
    assert ocr_tidy("({b) Did the work injury") == "(b) Did the work injury"
    assert ocr_tidy("his job of injury as. an order of.injury") == "his job of injury as an order of injury"
    assert ocr_tidy("lf so, on May 28,-2024") == "If so, on May 28, 2024"
    assert ocr_tidy("l. What diagnoses") == "1. What diagnoses" and ocr_tidy("I. e. a") == "I. e. a"
    assert ocr_tidy("uestion |: What injuries") == "Question 1: What injuries"
    assert ocr_tidy("Qucstion 12. Is it") == "Question 12. Is it" and ocr_tidy("Suite 300. The") == "Suite 300. The"
    assert ocr_tidy("e.g. a thing, approx. a week, pre-existing") == "e.g. a thing, approx. a week, pre-existing"


# --- reading order ---------------------------------------------------------------------------------------


def _words(*rows: tuple[float, str]) -> list[Word]:
    """Words on rows: (top, "text at x=..; text at x=..") — each item ``x:word``."""
    out = []
    for top, items in rows:
        for item in items.split():
            x, text = item.split(":")
            out.append(Word(text, float(x), top, float(x) + 10 * len(text), top + 20))
    return out


def test_list_numbers_join_their_text_and_a_tall_smudge_joins_no_row() -> None:
    words = _words((100, "80:1. 120:What 180:diagnoses?"), (130, "80:2. 120:Is 160:it 200:related?"))
    words.append(Word("|", 40, 90, 44, 170))  # a rule as tall as both lines
    lines = [line.text for line in reading_lines(words)]
    assert "1. What diagnoses?" in lines and "2. Is it related?" in lines


def test_two_columns_of_running_text_are_read_one_after_the_other() -> None:
    left, right = "50:left{i} 130:words{i} 210:here{i} 290:too{i}", "420:right{i} 510:words{i} 600:there{i} 680:too{i}"
    rows = [(100 + 30 * i, f"{left} {right}".format(i=i)) for i in range(6)]
    lines = [line.text for line in reading_lines(_words(*rows))]
    assert lines[:6] == [f"left{i} words{i} here{i} too{i}" for i in range(6)]
    assert lines[6:] == [f"right{i} words{i} there{i} too{i}" for i in range(6)]
    short = [line.text for line in reading_lines(_words(*rows[:2]))]  # two rows: a row of a form, not columns
    assert short == [f"left{i} words{i} here{i} too{i} right{i} words{i} there{i} too{i}" for i in range(2)]


def _letter(path: Path, lines: list[tuple[float, str]]) -> Path:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    pdf.setFont("Times-Roman", 11)
    y = 740.0
    for x, text in lines:
        y -= 8 if not text else 15
        if text:
            pdf.drawString(x, y, text)
    pdf.showPage()
    pdf.save()
    return path


SOLICITOR = [
    (72, "NORTHWIND LEGAL LLP"), (380, "Our ref: NW/4471/JS"), (72, ""), (72, "3 March 2025"), (72, ""),
    (72, "Dear Dr Shah,"),
    (72, "We act for the claimant and instruct you to prepare a report. Please address the following:"), (72, ""),
    (72, "Question 1: What injuries did the claimant sustain in the accident of 14 June 2024?"),
    (72, "Question 2: Are her current symptoms attributable to the accident, or to a"),
    (140, "pre-existing degenerative condition of the cervical spine?"),
    (72, "Question 3: What is her prognosis, and when will she return to her former level of function?"),
    (72, "Question 4: What further treatment do you recommend, and at what cost?"),
    (72, ""), (72, "Yours sincerely,"), (72, "J. Stanton"),
]  # fmt: skip


@needs_tesseract
@pytest.mark.parametrize("seed", [1, 3])
def test_a_faxed_letter_of_another_style_comes_back_whole_or_flagged(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'Question N:' labels, a reference at the right margin, a hanging indent: another firm's letter."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    original = _letter(tmp_path / "letter.pdf", SOLICITOR)
    code, want, output = _questions(original)
    assert code == 0 and len(want) == 4, output
    code, got, output = _questions(fax_file(original, tmp_path / "fax.pdf", random.Random(seed)))
    if code == ExitCode.FINDINGS:
        assert "problem:" in output
        return
    assert code == 0, output
    assert [q["number"] for q in got] == ["1", "2", "3", "4"]
    for a, b in zip(want, got, strict=True):
        assert difflib.SequenceMatcher(None, str(a["text"]), str(b["text"])).ratio() > 0.93, (a, b)


def test_the_referral_fax_goes_to_the_folder_given(tmp_path: Path) -> None:
    from make_fax_copy import main

    before = REFERRAL_FAX.stat().st_mtime_ns
    main([str(tmp_path / "faxes"), "--referral"])
    assert (tmp_path / "faxes" / REFERRAL_FAX.name).is_file()
    assert REFERRAL_FAX.stat().st_mtime_ns == before  # the committed copy beside the letter is left alone

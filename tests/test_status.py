"""`reportkit status`: the case timeline, the deadlines a profile and case.yaml fix, days left, what is late."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reportkit.draft.profiles import Deadline
from reportkit.draft.timeline import due_date, status

ROOT = Path(__file__).resolve().parents[1]
IME = ROOT / "samples" / "ime-case"
D = dt.date

PROFILE = """\
name: test-rules
title: Deadlines for a test
deadlines:
  - what: Report served
    from: exam
    days: 30
    met_by: report_sent
    rule: Test rule 1
    verified: read in the test
  - what: Addendum served
    from: addendum_requested
    days: 60
    met_by: addendum_sent
    rule: Test rule 2
  - what: Written questions may be put
    from: report_sent
    days: 28
    rule: Test rule 4
  - what: Report served before the conference
    from: pretrial_conference
    days: -90
    roll: true
    met_by: report_sent
    rule: Test rule 3
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportkit", *args], capture_output=True, text=True, timeout=120)


def _case(tmp_path: Path, timeline: str = "", profile: str = PROFILE, name: str = "case") -> Path:
    """A copy of the sample case's case.yaml under the test profile, its timeline replaced by ``timeline``."""
    folder = tmp_path / name
    folder.mkdir(parents=True)
    text = (IME / "case.yaml").read_text(encoding="utf-8")
    head, rest = text.split("\ntimeline:\n", 1)
    rest = rest[rest.index("\n\n") :]  # the sample's own timeline block ends at a blank line
    text = head.replace("jurisdiction: generic", "jurisdiction: rules.yaml") + "\ntimeline:\n" + timeline + rest
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    (folder / "rules.yaml").write_text(profile, encoding="utf-8")
    return folder


def _rule(days: int, count: str = "calendar", roll: bool = False) -> Deadline:
    return Deadline("x", "exam", days, "report_sent", "r", count=count, roll=roll)  # type: ignore[arg-type]


def test_every_event_can_start_a_deadline() -> None:
    from reportkit.draft.profiles import EVENTS
    from reportkit.draft.timeline import _AFTER

    assert set(_AFTER) == set(EVENTS)


def test_due_dates_count_calendar_and_business_days_and_move_off_closed_days() -> None:
    none: frozenset[dt.date] = frozenset()
    assert due_date(D(2024, 11, 12), _rule(30), none) == D(2024, 12, 12)
    # Friday + 3 business days: Wednesday; with Monday a holiday, Thursday
    assert due_date(D(2024, 11, 8), _rule(3, "business"), none) == D(2024, 11, 13)
    assert due_date(D(2024, 11, 8), _rule(3, "business"), frozenset({D(2024, 11, 11)})) == D(2024, 11, 14)
    # a Saturday due date: kept without roll, the Monday with it (or the Tuesday when Monday is a holiday)
    assert due_date(D(2024, 11, 12), _rule(32), none) == D(2024, 12, 14)
    assert due_date(D(2024, 11, 12), _rule(32, roll=True), none) == D(2024, 12, 16)
    assert due_date(D(2024, 11, 12), _rule(32, roll=True), frozenset({D(2024, 12, 16)})) == D(2024, 12, 17)
    # counted back from an event: 90 days before Saturday 2025-03-08 is a Sunday; rolled back to the Friday
    assert due_date(D(2025, 3, 8), _rule(-90), none) == D(2024, 12, 8)
    assert due_date(D(2025, 3, 8), _rule(-90, roll=True), none) == D(2024, 12, 6)
    assert due_date(D(2024, 11, 13), _rule(-3, "business"), none) == D(2024, 11, 8)


def test_each_deadline_is_waiting_due_late_or_met(tmp_path: Path) -> None:
    case = _case(tmp_path, "  report_due: 2024-12-02\n  addendum_requested: 2025-01-06\n")
    s = status(case, D(2024, 12, 5))
    rows = {d.what: d for d in s.deadlines}
    report = rows["Report served"]  # exam 2024-11-12 + 30
    assert (report.state, report.due, report.days) == ("due", D(2024, 12, 12), 7)
    assert report.verified == "read in the test" and report.basis == "30 days after the examination (2024-11-12)"
    saturday = status(_case(tmp_path, "  holidays: [2024-12-12]\n", name="holiday"), D(2024, 12, 5)).deadlines[0]
    assert saturday.due == D(2024, 12, 12) and "listed holiday (the profile does not move it" in saturday.basis
    assert rows["Report served before the conference"].state == "waiting"  # no pre-trial conference date
    assert "pre-trial conference" in rows["Report served before the conference"].describe()
    own = rows["Report due (requesting party's date)"]
    assert (own.state, own.days) == ("late", 3)
    assert s.next_due is own  # the late one comes first
    # an addendum asked for in the future still counts from its date; the timeline is in date order
    assert rows["Addendum served"].due == D(2025, 3, 7)
    assert [e.key for e in s.events] == ["injury", "referral", "exam", "addendum_requested"]

    done = _case(tmp_path, "  report_sent: 2024-12-20\n  pretrial_conference: 2025-03-08\n", name="done")
    rows = {d.what: d for d in status(done, D(2025, 6, 1)).deadlines}
    assert (rows["Report served"].state, rows["Report served"].days) == ("met late", 8)
    conference = rows["Report served before the conference"]
    # served 2024-12-20; due 90 days before Saturday 2025-03-08 (a Sunday), rolled back to Friday 2024-12-06
    assert (conference.state, conference.due, conference.days) == ("met late", D(2024, 12, 6), 14)
    assert status(done, D(2025, 6, 1)).next_due is None
    # a time limit on someone else (no met_by): open until its date, then closed, never late
    questions = rows["Written questions may be put"]
    assert (questions.state, questions.due, questions.days) == ("closed", D(2025, 1, 17), 135)
    early = {d.what: d for d in status(done, D(2025, 1, 10)).deadlines}["Written questions may be put"]
    assert (early.state, early.days, early.describe()) == ("open", 7, "closes in 7 days")


def test_status_command_prints_the_timeline_and_what_is_late(tmp_path: Path) -> None:
    case = tmp_path / "ime"
    shutil.copytree(IME, case, ignore=shutil.ignore_patterns("records"))

    result = _run("status", str(case), "--today", "2024-12-20")

    assert result.returncode == 0, result.stderr
    assert "2024-11-04  records received" in result.stdout
    assert "LATE      2024-12-12  Report due (requesting party's date): late by 8 days" in result.stdout
    assert "1 deadline(s) late" in result.stderr
    data = json.loads(_run("status", str(case), "--today", "2024-12-01", "--json").stdout)
    assert data[0]["deadlines"][0] | {"basis": ""} == {
        "what": "Report due (requesting party's date)", "due": "2024-12-12", "state": "due", "days": 11,
        "met_on": None, "basis": "", "rule": "case.yaml", "verified": "case.yaml",
    }  # fmt: skip
    assert [e["event"] for e in data[0]["events"]][:2] == ["injury", "referral"]


def test_status_of_a_folder_of_cases_lists_the_next_deadline_of_each_and_a_broken_one(tmp_path: Path) -> None:
    root = tmp_path / "cases"
    _case(root, "  report_due: 2024-12-30\n", name="b-later")
    _case(root, "  report_sent: 2024-12-01\n", name="a-done")
    _case(root, "  report_sent:\n", name="c-late").joinpath("case.yaml").write_text(
        (root / "c-late" / "case.yaml").read_text(encoding="utf-8").replace("  date: 2024-11-12", "  date: 2024-11-05"),
        encoding="utf-8",
    )
    broken = _case(root, "", name="d-broken")
    (broken / "case.yaml").write_text("kind: ime\nexaminee: [unclosed\n", encoding="utf-8")
    (root / "not-a-case").mkdir()
    out = tmp_path / "status.csv"

    result = _run("status", str(root), "--today", "2024-12-20", "--csv", str(out))

    assert result.returncode == 3, result.stderr  # the broken case.yaml; the others are still listed
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["case", "next", "due"]
    names = [line.split()[0] for line in lines[1:]]
    assert names == ["c-late", "b-later", "a-done", "d-broken"]  # by next due date; none open last
    assert "(LATE)" in lines[1] and "-15" in lines[1]  # examined 2024-11-05: due 2024-12-05
    assert "case.yaml" in lines[4]
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["case"]: r for r in csv.DictReader(fh)}
    assert rows["b-later"]["next_due"] == "2024-12-12" and rows["b-later"]["days_left"] == "-8"
    assert rows["b-later"]["late"] == "1"  # the report (2024-12-12); its own 2024-12-30 date is still open
    assert rows["a-done"]["next_due"] == "" and rows["a-done"]["late"] == "0"
    assert rows["d-broken"]["problem"] and rows["d-broken"]["profile"] == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("    from: exam\n", "    from: exams\n"),
        ("    days: 30\n", "    days: thirty\n"),
        ("    rule: Test rule 1\n", "    rule: Test rule 1\n    cout: business\n"),
        ("    rule: Test rule 1\n", ""),
    ],
)
def test_a_profile_deadline_that_does_not_parse_is_named(tmp_path: Path, change: str, message: str) -> None:
    case = _case(tmp_path, profile=PROFILE.replace(change, message, 1))

    result = _run("status", str(case))

    assert result.returncode == 3
    assert "rules.yaml: deadline 1:" in result.stderr and "Traceback" not in result.stderr


def test_a_date_that_is_not_a_date_is_a_usage_error(tmp_path: Path) -> None:
    result = _run("status", str(_case(tmp_path)), "--today", "12/20/2024")
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr
    wrong = _run("status", str(tmp_path / "case"), "--csv", str(tmp_path / "table.xlsx"))
    assert wrong.returncode == 2 and ".csv" in wrong.stderr and not (tmp_path / "table.xlsx").exists()


def test_the_uk_profile_gives_the_time_for_written_questions(tmp_path: Path) -> None:
    case = _case(tmp_path, "  report_sent: 2024-12-09\n")
    text = (case / "case.yaml").read_text(encoding="utf-8")
    text = text.replace("jurisdiction: rules.yaml", "jurisdiction: uk-cpr35")
    (case / "case.yaml").write_text(text, encoding="utf-8")

    rows = {d.what: d for d in status(case, D(2024, 12, 20)).deadlines}

    questions = rows["Written questions to the expert may be put"]
    assert (questions.state, questions.due, questions.days) == ("open", D(2025, 1, 6), 17)  # CPR 35.6: 28 days
    assert "CPR 35.6" in questions.rule and questions.verified


def test_the_ontario_profile_counts_back_from_the_pre_trial_conference(tmp_path: Path) -> None:
    case = _case(tmp_path, "  pretrial_conference: 2025-06-02\n")
    text = (case / "case.yaml").read_text(encoding="utf-8").replace("rules.yaml", "ontario-r53")
    (case / "case.yaml").write_text(text, encoding="utf-8")

    (served,) = status(case, D(2025, 3, 10)).deadlines

    assert (served.state, served.due, served.days) == ("late", D(2025, 3, 4), 6)  # 90 days before 2025-06-02
    assert "r. 53.03(1)" in served.rule and served.basis.startswith("90 days before the pre-trial conference")


def test_a_date_that_does_not_exist_in_case_yaml_is_named_with_its_line(tmp_path: Path) -> None:
    case = _case(tmp_path, "  report_sent: 2024-02-30\n")
    line = (case / "case.yaml").read_text(encoding="utf-8").splitlines().index("  report_sent: 2024-02-30") + 1

    result = _run("status", str(case))

    assert result.returncode == 3, result.stderr
    assert f"case.yaml: line {line}: a date that does not exist" in result.stderr and "Traceback" not in result.stderr

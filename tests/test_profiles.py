"""Every built-in jurisdiction profile: a case that fills what it asks passes `check`, and each of its rules
(a required field, heading or wording) fails on its own when that one thing is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from draft_helpers import IME_SAMPLE, hostile_index, sample_copy
from reportkit.draft import DraftOptions, draft_case
from reportkit.draft.check import check_case
from reportkit.draft.profiles import builtin_names, load_profile

PROFILE_RULES = ("required-field", "missing-section", "missing-statement")
IME_PROFILES = [n for n in builtin_names() if load_profile(n).required_fields.get("ime")]


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *path, leaf = dotted.split(".")
    for part in path:
        if data.get(part) is None:
            data[part] = {}
        data = data[part]
    data[leaf] = value


def _filled(dotted: str) -> Any:
    if dotted == "declaration":
        return "I declare under penalty of perjury that this is a test. Signed in the County of Alameda."
    if dotted == "services":
        return [{"name": "Ana Reyes", "qualifications": "RN", "service": "took the vital signs"}]
    return True if dotted.endswith(".reached") else f"Written by the examiner for {dotted}."


def _case(tmp_path: Path, name: str, blank: str | None = None) -> Path:
    """The IME sample under profile ``name``, every field it requires filled (but ``blank``, left empty)."""
    case = sample_copy(IME_SAMPLE, tmp_path, name="case-" + (blank or "full").replace(".", "-"))
    data = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    data["jurisdiction"] = name
    for dotted in load_profile(name).required_fields["ime"]:
        here: Any = data
        for part in dotted.split("."):
            here = here.get(part) if isinstance(here, dict) else None
        if here in (None, "", []):
            _set(data, dotted, _filled(dotted))
    if blank is not None:
        _set(data, blank, [] if isinstance(data.get(blank), list) else None)  # a list field: empty
    (case / "case.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return case


def _findings(case: Path, index: Path, edit: tuple[str, str] | None = None) -> list[tuple[str, str]]:
    draft_case(case, DraftOptions(index=index, formats=("md",)))
    md = case / "drafts" / "ime-report.md"
    if edit is not None:
        text = md.read_text(encoding="utf-8")
        assert edit[0] in text, edit[0]
        md.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    result = check_case(case, options=DraftOptions(index=index))
    return [(f.rule, f.message) for f in result.findings if f.rule in PROFILE_RULES]


@pytest.fixture
def index(tmp_path: Path) -> Path:
    return hostile_index(tmp_path / "index.json")


@pytest.mark.parametrize("name", IME_PROFILES)
def test_a_case_that_fills_what_the_profile_asks_passes(tmp_path: Path, index: Path, name: str) -> None:
    assert _findings(_case(tmp_path, name), index) == []


@pytest.mark.parametrize(
    ("name", "field"), [(n, f) for n in IME_PROFILES for f in load_profile(n).required_fields["ime"]]
)
def test_each_required_field_left_empty_fails(tmp_path: Path, index: Path, name: str, field: str) -> None:
    if field in ("examiner.name", "examinee.name"):
        pytest.skip("case.yaml itself requires it: an empty one is a case.yaml error, tested elsewhere")
    found = _findings(_case(tmp_path, name, blank=field), index)
    assert found[0] == ("required-field", f"{name} profile: '{field}' must be filled in.")
    assert {rule for rule, _ in found[1:]} <= {"missing-statement"}  # a field that holds required wording


@pytest.mark.parametrize(
    ("name", "heading"), [(n, h) for n in IME_PROFILES for h in load_profile(n).required_headings["ime"]]
)
def test_each_required_heading_removed_fails(tmp_path: Path, index: Path, name: str, heading: str) -> None:
    case = _case(tmp_path, name)
    draft_case(case, DraftOptions(index=index, formats=("md",)))
    text = (case / "drafts" / "ime-report.md").read_text(encoding="utf-8")
    marker = next(m for m in (f"\n## {heading}\n", f"\n### {heading}\n") if m in text)
    found = _findings(case, index, (marker, marker.replace(heading, heading + " (renamed)")))
    assert ("missing-section", f"{name} profile: the draft has no '{heading}' section.") in found
    assert {rule for rule, _ in found} <= {"missing-section", "missing-statement"}  # a statement's own heading


@pytest.mark.parametrize(("name", "phrase"), [(n, t) for n in IME_PROFILES for t in load_profile(n).required_text])
def test_each_required_wording_removed_fails(tmp_path: Path, index: Path, name: str, phrase: str) -> None:
    found = _findings(_case(tmp_path, name), index, (phrase, "Words of the examiner's own."))
    assert ("missing-statement", f'{name} profile: required wording missing: "{phrase[:70]}…"') in found
    assert {rule for rule, _ in found} == {"missing-statement"}


def test_the_california_declaration_is_the_physicians_to_write(tmp_path: Path, index: Path) -> None:
    case = _case(tmp_path, "california-qme", blank="declaration")
    draft_case(case, DraftOptions(index=index, formats=("md",)))
    assert "Labor Code § 4628(j)" in (case / "drafts" / "ime-report.md").read_text(encoding="utf-8")  # its gap

    result = check_case(case, final=True, options=DraftOptions(index=index))

    messages = [f.message for f in result.findings]
    assert any("'declaration' must be filled in" in m for m in messages), messages
    assert any("I declare under penalty of perjury" in m for m in messages), messages


def test_the_declaration_written_in_word_is_kept_and_checks(tmp_path: Path, index: Path) -> None:
    from draft_helpers import docx_text, write_in_word

    case = _case(tmp_path, "california-qme", blank="declaration")
    draft_case(case, DraftOptions(index=index, formats=("docx",)))
    docx = case / "drafts" / "ime-report.docx"
    write_in_word(docx, "physician:declaration", "I declare under penalty of perjury that this is a test, Marin.")

    found = [(f.rule, f.message) for f in check_case(case, options=DraftOptions(index=index)).findings]

    assert not [f for f in found if f[0] in PROFILE_RULES and ("'declaration'" in f[1] or "perjury" in f[1])], found
    draft_case(case, DraftOptions(index=index, formats=("docx",)))  # drafted again: the Word text stays
    assert "test, Marin." in docx_text(docx)

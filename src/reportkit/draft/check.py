"""``reportkit check``: lint a case and its draft like a test suite.

Each rule returns findings; any finding makes the command exit non-zero (ExitCode.FINDINGS). The draft
checked is the DOCX in the drafts folder when there is one (the physician edits it), else the Markdown,
else a fresh rendering of case.yaml and the records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportkit.draft import currency, render, wordparts
from reportkit.draft.case import ImeCase, SecondOpinionCase, load_case
from reportkit.draft.context import question_topics
from reportkit.draft.pipeline import DRAFTS_DIR, DraftOptions, render_case
from reportkit.draft.profiles import Profile, load_profile
from reportkit.draft.statements import EDITION, RATING, dates_in, stance, weights


@dataclass(frozen=True)
class Finding:
    rule: str
    """A short code: unanswered, placeholder, inconsistent-mmi, inconsistent-causation, …"""
    message: str
    where: str = ""


@dataclass(frozen=True)
class DraftText:
    source: str
    """The file read (or ``rendered``)."""
    lines: list[tuple[bool, str]]
    """(is a heading, text) for each paragraph, in order."""

    @property
    def text(self) -> str:
        return "\n".join(t for _, t in self.lines)

    @property
    def headings(self) -> list[str]:
        return [t for h, t in self.lines if h]

    def section(self, heading: str) -> list[str]:
        """Paragraphs under ``heading`` up to the next heading."""
        out: list[str] = []
        inside = False
        for is_heading, text in self.lines:
            if is_heading:
                if inside:
                    break
                inside = _norm(text) == _norm(heading)
            elif inside:
                out.append(text)
        return out


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]
    draft: DraftText
    profile: str
    placeholders: int

    @property
    def ok(self) -> bool:
        return not self.findings


def read_draft(path: Path) -> DraftText:
    """Text and headings of a DOCX or Markdown draft."""
    if path.suffix.lower() == ".docx":
        import docx

        document = docx.Document(str(path))
        found = wordparts.paragraphs(document)
        return DraftText(str(path), [(p.style is not None and p.style.name.startswith("Heading"), p.text)
                                     for p in found])  # fmt: skip
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            heading = re.match(r"^#{1,6}\s+(.*)$", line)
            text = heading.group(1) if heading else line
            lines.append((bool(heading), re.sub(r"\\(.)", r"\1", text).strip()))
    return DraftText(str(path), lines)


def _draft(case_dir: Path, kind: str, options: DraftOptions, out: Path | None) -> DraftText:
    folder = out or case_dir / DRAFTS_DIR
    stem = render.OUTPUT_STEMS[kind]
    for suffix in (".docx", ".md"):
        path = folder / f"{stem}{suffix}"
        if path.is_file():
            try:
                return read_draft(path)
            except Exception:  # python-docx raises several types on a damaged file
                continue
    _, rendered, _ = render_case(case_dir, options)
    lines = [(b.kind in ("h1", "h2", "h3"), f"{b.number}. {b.text}" if b.list_kind == "ol" else b.text)
             for b in rendered.blocks]  # fmt: skip
    return DraftText(RENDERED, lines)


RENDERED = "rendered from case.yaml (no draft written yet)"


_INTERNAL_ID = re.compile(r"\bD\d{4,}\b")
"""A record index's document id (D0009): meaningless to a reader of the report."""


def _letter_prose(draft: DraftText) -> list[tuple[str, str]]:
    """(heading, paragraph) of the letter's prose: not headings, list items or the "Copy to:" line, nor the
    appendix for the referring doctor ("For Dr. …: the records reviewed")."""
    out, heading, appendix = [], "", False
    for is_heading, text in draft.lines:
        if is_heading:
            heading, appendix = text, text.startswith("For ") and "records reviewed" in text
        elif not appendix and not _LIST_ITEM.match(text) and not text.startswith("Copy to:"):
            out.append((heading, text))
    return out


def _final_findings(draft: DraftText, placeholders: list[str], parts: dict[str, str] | None) -> list[Finding]:
    """What a report must not hold when it is signed: placeholders, the index's review list, internal ids."""
    owners: dict[str, str] = {}
    if parts is not None:
        for part, text in parts.items():
            for found in render.PLACEHOLDER_RE.findall(text):
                owners.setdefault(found, wordparts.owner(part))
    out = []
    for text in dict.fromkeys(placeholders):  # in the order of the draft
        if (
            text.startswith("[TO COMPLETE: answer to question ")
            or text == "[TO COMPLETE: your answer to this question]"
        ):
            continue  # reported as an unanswered question already
        fix = {"tool": " (reportkit fills this in: set it in case.yaml, then run `reportkit draft` again)",
               "physician": " (write it in the DOCX)"}.get(owners.get(text, ""), "")  # fmt: skip
        out.append(Finding("placeholder", f"Placeholder left: {text}{fix}", draft.source))
    if any(_norm(h) == "items for review" for h in draft.headings):
        out.append(Finding("review-items", "The draft still holds the index's 'Items for review' section; resolve "
                           "the points and delete the section before the report is final.", draft.source))  # fmt: skip
    ids = sorted(set(_INTERNAL_ID.findall(draft.text)))
    if ids:
        out.append(Finding("internal-id", f"Record index ids ({', '.join(ids[:5])}) appear in the draft; cite the "
                           "record by date, type and page instead.", draft.source))  # fmt: skip
    return out


def _in_word(finding: Finding, written: Any, case: Any, source: str) -> Finding | None:
    """A finding on a value the Word draft states differently from case.yaml points at the draft."""
    if case is written or not finding.where or _get(case, finding.where) == _get(written, finding.where):
        return None
    return Finding(finding.rule, finding.message, f"{source} ({finding.where}, as written in Word)")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _get(case: Any, dotted: str) -> Any:
    value = case
    for part in dotted.split("."):
        if part.isdigit() and isinstance(value, list):
            value = value[int(part)] if int(part) < len(value) else None
        else:
            value = getattr(value, part, None)
    return value


def check_ime(case: ImeCase, profile: Profile) -> list[Finding]:
    out: list[Finding] = []
    for i, q in enumerate(case.questions):
        if _blank(q.answer):
            out.append(Finding("unanswered", f"Question {q.number} has no answer.", f"questions.{i}.answer"))
    if not case.questions:
        out.append(Finding("no-questions", "The case has no questions from the referral.", "questions"))
    dsc = case.discussion
    # MMI: the date in the discussion and the dates in answers to MMI questions
    for i, q in enumerate(case.questions):
        if "mmi" not in question_topics(q) or not q.answer:
            continue
        stated = dates_in(q.answer or "")
        if dsc.mmi.date and stated and dsc.mmi.date not in stated:
            out.append(Finding(
                "inconsistent-mmi",
                f"MMI date {dsc.mmi.date.isoformat()} in the discussion, but question {q.number}'s answer gives "
                + ", ".join(sorted(d.isoformat() for d in stated)) + ".",
                f"questions.{i}.answer",
            ))  # fmt: skip
        if dsc.mmi.reached is False and re.search(r"\b(has|have|had) reached\b", q.answer or "", re.I):
            out.append(Finding("inconsistent-mmi", f"The discussion says MMI is not reached; question {q.number}'s "
                               "answer says it is.", f"questions.{i}.answer"))  # fmt: skip
    # Causation: the stance in the discussion and in answers to causation questions
    discussion_stance = stance(dsc.causation)
    for i, q in enumerate(case.questions):
        if "causation" in question_topics(q) and discussion_stance:
            answer_stance = stance(q.answer)
            if answer_stance and answer_stance != discussion_stance:
                out.append(Finding(
                    "inconsistent-causation",
                    f"The discussion says the condition is {discussion_stance}; question {q.number}'s answer says "
                    f"{answer_stance}.",
                    f"questions.{i}.answer",
                ))  # fmt: skip
    # Restrictions: weight limits in the discussion and in answers to work questions
    limits = weights(dsc.restrictions) | weights(dsc.work_capacity)
    for i, q in enumerate(case.questions):
        if "work" in question_topics(q) and limits:
            answered = weights(q.answer)
            if answered and answered != limits:
                out.append(Finding(
                    "inconsistent-restrictions",
                    f"Restrictions in the discussion ({', '.join(sorted(limits))}) differ from question "
                    f"{q.number}'s answer ({', '.join(sorted(answered))}).",
                    f"questions.{i}.answer",
                ))  # fmt: skip
    # Impairment: a rating names its system and edition
    imp = dsc.impairment
    if imp.rating and (_blank(imp.system) or _blank(imp.edition)):
        missing = " and ".join(n for n, v in (("system", imp.system), ("edition", imp.edition)) if _blank(v))
        out.append(Finding("rating-edition", f"Impairment rating '{imp.rating}' without its {missing}.",
                           "discussion.impairment"))  # fmt: skip
    texts = [("discussion.impairment.comment", imp.comment)] + [(f"questions.{i}.answer", q.answer)
                                                                 for i, q in enumerate(case.questions)]  # fmt: skip
    for where, text in texts:
        if text and RATING.search(text) and not EDITION.search(text) and _blank(imp.edition):
            out.append(Finding("rating-edition", "An impairment rating is given without the edition of the "
                               "rating system (e.g. AMA Guides, 6th edition).", where))  # fmt: skip
    out += _dates_after_birth(case)
    out += _other_records(case)
    return out


def _dates_after_birth(case: ImeCase) -> list[Finding]:
    """The case's dates of care against the examinee's date of birth: one before it is a typing slip (a day and
    month swapped, a wrong year) that the report would print."""
    born = case.examinee.dob
    if born is None:
        return []
    dates = [
        ("date_of_injury", "date of injury", case.date_of_injury),
        ("exam.date", "exam date", case.exam.date),
        ("referral_date", "referral date", case.referral_date),
        ("report_date", "report date", case.report_date),
    ]
    return [
        Finding(
            "date-before-birth",
            f"The {what} {when.isoformat()} is before the examinee's date of birth {born.isoformat()}.",
            where,
        )
        for where, what, when in dates
        if when is not None and when < born
    ]


def _other_records(case: ImeCase | SecondOpinionCase) -> list[Finding]:
    return [
        Finding("record-pages", f"Record reviewed '{other.type}' has no pages or reference.", f"other_records.{i}")
        for i, other in enumerate(case.other_records)
        if _blank(other.pages)
    ]


def check_second_opinion(case: SecondOpinionCase) -> list[Finding]:
    out = []
    for i, q in enumerate(case.patient_questions):
        if _blank(q.answer):
            out.append(Finding("unanswered", f"The patient's question {i + 1} has no answer.",
                               f"patient_questions.{i}.answer"))  # fmt: skip
    if not case.patient_questions and _blank(case.concerns):
        out.append(Finding("no-questions", "The patient's questions or concerns are missing.", "patient_questions"))
    return out + _other_records(case)


READABLE_GRADE = 8.0
PARAGRAPH_WORDS = 12
"""A paragraph this long or longer is graded on its own (shorter ones give unsteady grades)."""
PLACEHOLDER_TEXT = render.PLACEHOLDER_RE
_LIST_ITEM = re.compile(r"^\s*(\d+)[.)]\s")
_PAGES = re.compile(r"\bpp?\.\s*\d|\b[A-Z][A-Z0-9]*[-_ ]?\d{3,}\b")
"""A page citation (p. 12, pp. 12-14) or a Bates-style label (OKAFOR-000123)."""


def _leaves(data: Any, path: str = "") -> dict[str, str]:
    """Dotted path -> text of every non-empty string in a YAML document (list items by 0-based index)."""
    items: Any = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else None
    if items is None:
        return {path: data.strip()} if isinstance(data, str) and data.strip() else {}
    out: dict[str, str] = {}
    for key, value in items:
        out.update(_leaves(value, f"{path}.{key}" if path else str(key)))
    return out


def _example_values(case_dir: Path, kind: str) -> list[Finding]:
    """Fields still holding the example text that `reportkit init` wrote ("Examinee's full name")."""
    import yaml

    from reportkit.draft.case import CASE_FILE
    from reportkit.draft.pipeline import _scaffold

    try:
        written = _leaves(yaml.safe_load((case_dir / CASE_FILE).read_text(encoding="utf-8")))
        example = _leaves(yaml.safe_load(_scaffold(kind)))
    except (OSError, yaml.YAMLError):
        return []
    keep = {"kind", "jurisdiction"}
    return [
        Finding("example-value", f"'{path}' still holds the example text from `reportkit init` ({text[:40]!r}).", path)
        for path, text in written.items()
        # short values (a question number, "insurer") are choices a real case shares with the example
        if example.get(path) == text and path.split(".")[0] not in keep and " " in text and len(text) >= 8
    ]


def _locate(finding: Finding, case_dir: Path) -> Finding:
    """``questions.1.answer`` → ``case.yaml line 40 (questions.1.answer)``."""
    import yaml

    from reportkit.draft.case import CASE_FILE, _line_of

    try:
        node = yaml.compose((case_dir / CASE_FILE).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return finding
    loc: list[Any] = [int(p) if p.isdigit() else p for p in finding.where.split(".")]
    line = _line_of(node, loc)
    where = f"{CASE_FILE} line {line} ({finding.where})" if line else finding.where
    return Finding(finding.rule, finding.message, where)


def _answered_in_draft(draft: DraftText, number: str) -> bool:
    """The physician wrote the answer in the draft itself: text after "Answer:" that is not a placeholder."""
    lines = draft.section(f"Question {number}")
    if "Answer:" not in lines:
        return False
    after = lines[lines.index("Answer:") + 1 :]
    return any(line.strip() and not render.PLACEHOLDER_RE.search(line) for line in after)


def _in_docx(finding: Finding, source: str, docx: Path | None) -> Finding | None:
    """An unanswered question of a Word draft is found in the DOCX, where the answer is to be written."""
    if docx is None or finding.rule != "unanswered":
        return None
    number = re.search(r"question (\w+)", finding.message, re.I)
    where = f"{source}, Answer {number.group(1)}" if number else source
    return Finding(finding.rule, finding.message + " Write it in the DOCX.", where)


def _question_of(finding: Finding, case: ImeCase) -> str:
    index = int(finding.where.split(".")[1])
    return case.questions[index].number


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


CitationCheck = Callable[[Path], list[str]]
"""Checks a draft file's record citations against the case's index: a message per citation that does not
check (``reportkit.citecheck``, a later stage, is passed in by the command)."""


def check_case(
    case_dir: Path,
    *,
    final: bool = False,
    options: DraftOptions | None = None,
    out: Path | None = None,
    citations: CitationCheck | None = None,
) -> CheckResult:
    """Lint CASE_DIR's case.yaml and its draft against the case's jurisdiction profile; with ``citations``,
    every record citation of the draft must check too."""
    options = options or DraftOptions()
    written = load_case(case_dir)
    case = written
    profile = load_profile(case.jurisdiction, case_dir)
    draft = _draft(case_dir, written.kind, options, out)
    docx = Path(draft.source) if draft.source.lower().endswith(".docx") else None
    parts = wordparts.part_texts(docx.read_bytes()) if docx is not None else None  # read once
    if parts is not None:
        case = currency.with_word_text(written, parts)  # the Word draft is the working copy
    findings = check_ime(case, profile) if isinstance(case, ImeCase) else check_second_opinion(case)
    for dotted in profile.required_fields.get(case.kind, ()):
        if _blank(_get(case, dotted)):
            findings.append(Finding("required-field", f"{profile.name} profile: '{dotted}' must be filled in.", dotted))
    findings += _example_values(case_dir, case.kind)
    if isinstance(case, ImeCase):
        answered = {q.number for q in case.questions if _answered_in_draft(draft, q.number)}
        findings = [f for f in findings if not (f.rule == "unanswered" and _question_of(f, case) in answered)]
    findings = [_in_docx(f, draft.source, docx) or _in_word(f, written, case, draft.source) or _locate(f, case_dir)
                for f in findings]  # fmt: skip
    if draft.source != RENDERED:
        path = Path(draft.source)
        findings += [Finding("part-deleted", m, draft.source) for m in currency.deleted_parts(path, parts)]
        findings += [Finding("draft-stale", reason, draft.source) for reason in currency.stale(case_dir, path)]
        findings += [Finding("page-citation", m, draft.source) for m in currency.page_citations(case_dir, path, parts)]
        if citations is not None:
            findings += [Finding("citation", m, draft.source) for m in citations(path)]
        after = currency.changed_after_final(path)
        if after:
            findings.append(Finding("changed-after-final", after, draft.source))
    headings = {_norm(h) for h in draft.headings}
    for heading in profile.required_headings.get(case.kind, ()):
        if _norm(heading) not in headings:
            findings.append(Finding("missing-section", f"{profile.name} profile: the draft has no '{heading}' "
                                    "section.", draft.source))  # fmt: skip
    body = _norm(draft.text)
    for phrase in profile.required_text:
        if _norm(phrase) not in body:
            findings.append(Finding("missing-statement", f"{profile.name} profile: required wording missing: "
                                    f"\"{phrase[:70]}…\"", draft.source))  # fmt: skip
    placeholders = render.PLACEHOLDER_RE.findall(draft.text)
    appendix = [h for h in draft.headings if h.startswith("For ") and h.endswith("the records reviewed")]
    heading = "Records reviewed" if isinstance(case, ImeCase) else (appendix[0] if appendix else "")
    for line in draft.section(heading) if heading else []:
        item = _LIST_ITEM.match(line)
        if item and not _PAGES.search(line):
            findings.append(Finding("record-pages", f"Records reviewed item {item.group(1)} has no pages.",
                                    draft.source))  # fmt: skip
    if case.kind == "second-opinion":
        from reportkit.draft.readability import grade

        prose = _letter_prose(draft)
        level = grade(PLACEHOLDER_TEXT.sub(" ", "\n".join(t for _, t in prose)))
        if level > READABLE_GRADE:
            findings.append(Finding("readability", f"The letter reads at grade {level:.1f} (Flesch-Kincaid); "
                                    f"aim for {READABLE_GRADE:.0f} or below: shorter sentences, plainer words.",
                                    draft.source))  # fmt: skip
        for heading, text in prose:  # one hard paragraph hides in a plain letter's average
            plain = PLACEHOLDER_TEXT.sub(" ", text)
            if len(plain.split()) >= PARAGRAPH_WORDS and (para := grade(plain)) > READABLE_GRADE:
                start = " ".join(plain.split()[:6])
                findings.append(Finding("readability", f"A paragraph under '{heading}' reads at grade {para:.1f} "
                                        f"(\"{start} …\"); aim for {READABLE_GRADE:.0f} or below.",
                                        draft.source))  # fmt: skip
    if final:
        findings += _final_findings(draft, placeholders, parts)
    return CheckResult(findings, draft, profile.name, len(placeholders))

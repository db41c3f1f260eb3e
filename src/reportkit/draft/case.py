"""case.yaml: what the physician knows about the case and writes, validated with messages that name the
field and its line.

Two kinds share one file format: ``kind: ime`` (a report to a requesting party that answers numbered
questions) and ``kind: second-opinion`` (a plain-language letter to the patient). Everything the physician
writes is optional here: the draft shows a visible placeholder for what is missing, and ``reportkit check``
lists what is still to do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from reportkit.errors import CaseError, yaml_problem

CASE_FILE = "case.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, coerce_numbers_to_str=True)


Text = str | None
"""Free text the physician writes; blank lines separate paragraphs."""


class Person(_Model):
    """The examinee (IME) or the patient (second opinion)."""

    name: str
    dob: dt.date | None = Field(None, description="Date of birth, YYYY-MM-DD.")
    occupation: str | None = None
    salutation: str | None = Field(
        None, description="How a letter greets them: 'Ms. Estrada' gives 'Dear Ms. Estrada,' (default: the name)."
    )


class Examiner(_Model):
    """The physician who signs the report or letter."""

    name: str
    credentials: str | None = Field(None, description="e.g. MD, FRCS; board certifications.")
    specialty: str | None = None
    licence: str | None = Field(None, description="Licence or registration number and where it was issued.")
    address: str | None = None
    qualifications: Text = Field(None, description="Qualifications and experience (CPR Part 35 asks for them).")


class RequestingParty(_Model):
    """Who asked for the IME."""

    role: Literal["insurer", "employer", "attorney", "court", "other"]
    name: str = Field(description="The person who sent the referral.")
    organisation: str | None = None
    contact: str | None = Field(None, description="Address, telephone or e-mail.")
    reference: str | None = Field(None, description="Their file reference.")


class Exam(_Model):
    """When and where the examinee was seen."""

    date: dt.date | None = None
    place: str | None = None
    present: str | None = Field(None, description="Who else was in the room (observer, chaperone).")
    interpreter: str | None = Field(None, description="Interpreter's name and language, or 'none'.")


class SubQuestion(_Model):
    number: str = Field(description="As printed: a, b, ii …")
    text: str


class Question(_Model):
    """One numbered question of the referral, verbatim, and the physician's answer."""

    number: str = Field(description="As printed in the referral: 1, 2, Q3 …")
    text: str = Field(description="The question, verbatim.")
    parts: list[SubQuestion] = Field(default_factory=list, description="Sub-questions (a), (b) …")
    answer: Text = Field(None, description="The physician's answer (left empty: a placeholder is drafted).")


class Diagnosis(_Model):
    text: str
    code: str | None = Field(None, description="ICD-10 code.")


class Mmi(_Model):
    """Maximum medical improvement."""

    reached: bool | None = None
    date: dt.date | None = None
    comment: Text = None


class Impairment(_Model):
    """An impairment rating always names its system and edition (e.g. AMA Guides, 6th edition)."""

    rating: str | None = Field(None, description="e.g. '10% whole person impairment'.")
    system: str | None = Field(None, description="e.g. 'AMA Guides to the Evaluation of Permanent Impairment'.")
    edition: str | None = Field(None, description="e.g. '6th'.")
    tables: str | None = Field(None, description="Tables and grids used.")
    comment: Text = None


class Discussion(_Model):
    """The physician's opinions."""

    causation: Text = None
    apportionment: Text = None
    past_treatment: Text = Field(None, description="Appropriateness of treatment so far.")
    mmi: Mmi = Mmi()
    impairment: Impairment = Impairment()
    work_capacity: Text = None
    restrictions: Text = None
    treatment: Text = Field(None, description="Future treatment.")
    prognosis: Text = None


class Service(_Model):
    """Someone other than the signing physician who did work for the report (California: Labor Code § 4628)."""

    name: str
    qualifications: str | None = Field(None, description="e.g. 'RN', 'certified medical assistant'.")
    service: str | None = Field(None, description="What they did: history outline, a test, record summaries …")


class OtherRecord(_Model):
    """A record reviewed that is not in records/ (films viewed, a document seen on paper)."""

    date: dt.date | None = None
    author: str | None = None
    type: str
    pages: str | None = Field(None, description="Where it can be found (pages or a reference); required.")
    summary: str | None = None


class Timeline(_Model):
    """The case's dates beyond the referral, the examination and the report date: what happened when, and
    dates a deadline counts from or to. ``reportkit status`` prints them with the deadlines they fix."""

    questions_received: dt.date | None = Field(None, description="The numbered questions arrived.")
    records_received: dt.date | None = Field(None, description="The record bundle arrived (the last part of it).")
    report_due: dt.date | None = Field(None, description="A due date the requesting party set (their letter's).")
    report_sent: dt.date | None = Field(None, description="The report (or letter) was sent or served.")
    addendum_requested: dt.date | None = Field(None, description="A supplemental report or addendum was asked for.")
    addendum_due: dt.date | None = Field(None, description="A due date set for the addendum.")
    addendum_sent: dt.date | None = None
    pretrial_conference: dt.date | None = Field(
        None, description="Ontario: the pre-trial conference; service deadlines count back from it."
    )
    holidays: list[dt.date] = Field(
        default_factory=list,
        description="Public holidays of the court or agency: a deadline counted in business days, or moved off a "
        "day the office is closed, skips them (weekends are always skipped; reportkit knows no holiday calendar).",
    )


def _empty_mapping(value: Any) -> Any:
    """``timeline:`` with nothing under it is an empty block, not an error."""
    return {} if value is None else value


class ImeCase(_Model):
    """An Independent Medical Examination: the report answers the requesting party's numbered questions."""

    kind: Literal["ime"]
    case_number: str | None = None
    claim_number: str | None = None
    examinee: Person
    requesting_party: RequestingParty
    referral_date: dt.date | None = None
    date_of_injury: dt.date | None = None
    exam: Exam = Exam()
    jurisdiction: str = Field("generic", description="Profile checked by `reportkit check`: generic, uk-cpr35 …")
    report_date: dt.date | None = Field(None, description="Date printed on the report (none: a placeholder).")
    timeline: Annotated[Timeline, BeforeValidator(_empty_mapping)] = Timeline()
    questions: list[Question] = Field(default_factory=list)
    examiner: Examiner
    services: list[Service] = Field(
        default_factory=list,
        description="Everyone who performed services for the report and what they did (California: LC § 4628).",
    )
    instructions: Text = Field(None, description="Substance of the instructions received (CPR Part 35).")
    summary_of_conclusions: Text = None
    history: Text = Field(None, description="Mechanism of injury, course, past medical, social and work history.")
    current_complaints: Text = None
    examination: Text = Field(None, description="Physical examination, positive and negative findings, effort.")
    diagnostic_studies: Text = Field(None, description="Your comments on the studies (the records' are drafted).")
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    discussion: Discussion = Discussion()
    range_of_opinion: Text = Field(None, description="Where opinions differ and why (CPR Part 35).")
    declaration: Text = Field(
        None, description="A declaration the jurisdiction prescribes, in its words (California: LC § 4628(j))."
    )
    other_records: list[OtherRecord] = Field(default_factory=list)

    @field_validator("questions")
    @classmethod
    def _numbers_once(cls, questions: list[Question]) -> list[Question]:
        """Each question's number once: the report answers each under its number."""
        seen: set[str] = set()
        for q in questions:
            if q.number in seen:
                raise ValueError(f"question number {q.number} is used twice; number each question once")
            seen.add(q.number)
        return questions


class PatientQuestion(_Model):
    """One of the patient's questions, in their words, and the physician's answer."""

    text: str
    answer: Text = None


class TreatingPhysician(_Model):
    name: str
    specialty: str | None = None
    address: str | None = None


class Option(_Model):
    """A treatment option with its benefits and risks, in plain words."""

    name: str
    benefits: Text = None
    risks: Text = None


class Term(_Model):
    term: str
    meaning: str


class Letter(_Model):
    """What the physician writes in a second-opinion letter."""

    conclusion: Text = Field(None, description="What I think and what I recommend, in two or three sentences.")
    findings: Text = Field(None, description="The diagnosis explained; where you agree or differ, and why.")
    options: list[Option] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    questions_for_doctor: list[str] = Field(default_factory=list)
    urgent_care: Text = Field(None, description="Which symptoms mean the patient should seek urgent care.")
    glossary: list[Term] = Field(default_factory=list)


class SecondOpinionCase(_Model):
    """A second opinion: a letter to the patient, copied to the treating physician."""

    kind: Literal["second-opinion"]
    case_number: str | None = None
    patient: Person
    patient_questions: list[PatientQuestion] = Field(default_factory=list)
    concerns: Text = Field(None, description="The patient's concerns, in their words.")
    treating_physician: TreatingPhysician
    current_diagnosis: str | None = None
    current_treatment_plan: Text = None
    examiner: Examiner
    jurisdiction: str = "generic"
    letter_date: dt.date | None = None
    timeline: Annotated[Timeline, BeforeValidator(_empty_mapping)] = Timeline()
    records_not_available: Text = Field(None, description="Records asked for but not received.")
    letter: Letter = Letter()
    other_records: list[OtherRecord] = Field(default_factory=list)

    @field_validator("patient_questions", mode="before")
    @classmethod
    def _plain_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"text": v} if isinstance(v, str) else v for v in value]
        return value


Case = Annotated[ImeCase | SecondOpinionCase, Field(discriminator="kind")]
_ADAPTER: TypeAdapter[ImeCase | SecondOpinionCase] = TypeAdapter(Case)


def json_schema() -> str:
    """The JSON Schema of case.yaml (for editors: yaml-language-server, VS Code, PyCharm)."""
    schema = _ADAPTER.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "reportkit case.yaml"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def parse_case(text: str, name: str = CASE_FILE) -> ImeCase | SecondOpinionCase:
    """Validate case.yaml text. Raises CaseError listing every problem with its field and line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except ValueError as exc:  # YAML reads 2024-02-30 as a date and fails to make it
        if isinstance(exc, yaml.YAMLError):
            raise _syntax_error(exc, name) from None
        line = _impossible_date_line(text)
        where = f" line {line}" if line else ""
        raise CaseError(
            f"{name}:{where}: a date that does not exist (a 30 February, a month 13).",
            hint="Write the real date as YYYY-MM-DD.",
        ) from None
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, name) from None
    if not isinstance(data, dict):
        raise CaseError(f"{name}: expected a mapping of fields (kind: ime …).", hint="Run `reportkit init` for one.")
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        problems = [_describe(err, node, data) for err in exc.errors()]
        raise CaseError(
            f"{name}: {len(problems)} problem(s):\n" + "\n".join(f"  {p}" for p in problems),
            hint="Fix the fields named above; `reportkit schema` prints every field and its type.",
        ) from None


def _syntax_error(exc: yaml.YAMLError, name: str) -> CaseError:
    line, problem = yaml_problem(exc)
    where = f" line {line}" if line else ""
    return CaseError(f"{name}:{where}: {problem}.", hint="Fix the YAML syntax (indentation, a missing colon or quote).")


_DATE_LIKE = re.compile(r"(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])")


def _impossible_date_line(text: str) -> int | None:
    """The first line holding a YYYY-MM-DD that is no date."""
    for n, line in enumerate(text.splitlines(), 1):
        for m in _DATE_LIKE.finditer(line.split("#", 1)[0]):
            try:
                dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return n
    return None


def load_case(path: Path) -> ImeCase | SecondOpinionCase:
    """Read and validate ``path`` (a case.yaml, or a case folder holding one)."""
    if path.is_dir():
        path = path / CASE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseError(f"{path}: not found.", hint="Run `reportkit init CASE_DIR` to create one.") from None
    except (OSError, UnicodeDecodeError):
        raise CaseError(f"{path}: cannot be read.", hint="Save it as UTF-8 text.") from None
    return parse_case(text, str(path))


def _describe(err: Any, root: yaml.Node | None, data: dict[str, Any]) -> str:
    loc = list(err["loc"])
    if loc and loc[0] in ("ime", "second-opinion"):
        loc = loc[1:]  # the discriminated union's tag
    field = ".".join(str(x) for x in loc) or "(top level)"
    line = _line_of(root, loc)
    where = f"line {line}: " if line else ""
    message = err["msg"]
    if err["type"] in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        message += " (write dates as YYYY-MM-DD)"
    elif err["type"] == "extra_forbidden":
        message = "unknown field (misspelt?)"
    elif err["type"] == "union_tag_invalid":
        message = "kind must be 'ime' or 'second-opinion'"
    elif err["type"] == "union_tag_not_found":
        message = "kind: is missing (write `kind: ime` or `kind: second-opinion` first)"
    return f"{where}{field}: {message}"


def _line_of(node: yaml.Node | None, loc: list[Any]) -> int | None:
    """1-based line of the deepest YAML node on the path ``loc`` (the field, or the mapping missing it)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                    child, line = v, k.start_mark.line + 1  # a field's line is its key's
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line

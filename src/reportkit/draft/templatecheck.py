"""``reportkit templates check DIR``: render a user's templates against real contexts before a case needs them.

Each template is rendered twice per kind: against a case with everything filled in, and against a case with
only the required fields (so both branches of every ``if`` run), each with a small record index. Undefined
names, sandbox violations, syntax errors and unsupported markup are reported with the template's name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reportkit.cite import PageCitation
from reportkit.draft import markupdocx, render
from reportkit.draft.case import ImeCase, SecondOpinionCase, parse_case
from reportkit.draft.context import addendum_context, build_context
from reportkit.draft.profiles import builtin_names, load_profile
from reportkit.errors import ReportkitError, TemplateError
from reportkit.models import Diagnosis, Document, Finding, RecordIndex, Source

_FILLED_IME = """
kind: ime
case_number: C-1
claim_number: CL-1
examinee: {name: Alex Example, dob: 1980-01-02, occupation: Clerk}
requesting_party: {role: insurer, name: R. Sender, organisation: Example Insurance, contact: x, reference: REF}
referral_date: 2024-05-01
date_of_injury: 2024-01-15
exam: {date: 2024-06-01, place: Clinic, present: nobody, interpreter: none}
report_date: 2024-06-10
questions:
  - {number: "1", text: "What is the diagnosis?", answer: "Lumbar strain."}
  - number: "2"
    text: "Is it related to work? Any restrictions?"
    parts: [{number: a, text: "Apportion."}]
    answer: "Yes."
examiner: {name: Dr Example, credentials: MD, specialty: PM&R, licence: L1, address: Street, qualifications: Q}
services: [{name: A Nurse, qualifications: RN, service: Vital signs}]
instructions: Instructed by letter.
summary_of_conclusions: Summary.
history: "History one.\\n\\nHistory two."
current_complaints: Pain.
examination: Normal.
diagnostic_studies: Reviewed.
diagnoses: [{code: S39.012A, text: Lumbar strain}]
discussion:
  causation: Related.
  apportionment: None.
  past_treatment: Reasonable.
  mmi: {reached: true, date: 2024-06-01, comment: Plateau.}
  impairment: {rating: 5% whole person, system: AMA Guides, edition: 6th, tables: Table 17-4, comment: c}
  work_capacity: Full.
  restrictions: None.
  treatment: None.
  prognosis: Good.
range_of_opinion: Narrow.
other_records: [{date: 2024-02-01, author: A, type: Films, pages: CD, summary: s}]
"""

_FILLED_SECOND = """
kind: second-opinion
case_number: S-1
patient: {name: Sam Example, dob: 1970-03-04, occupation: Teacher}
patient_questions: [{text: "Do I need surgery?", answer: "Not now."}]
concerns: Worried.
treating_physician: {name: Dr Treat, specialty: Ortho, address: Street}
current_diagnosis: a torn meniscus
current_treatment_plan: surgery
examiner: {name: Dr Second, credentials: MD, specialty: Sports, address: Street}
letter_date: 2025-01-01
records_not_available: X-rays.
letter:
  conclusion: Therapy first.
  findings: Findings.
  options: [{name: Therapy, benefits: b, risks: r}]
  next_steps: [Go to therapy.]
  questions_for_doctor: ["Can I wait?"]
  urgent_care: If the knee locks.
  glossary: [{term: Meniscus, meaning: A pad in the knee.}]
other_records: [{type: Letter, pages: "1"}]
"""

_MINIMAL = {
    "ime": """
kind: ime
examinee: {name: Alex Example}
requesting_party: {role: attorney, name: R. Sender}
examiner: {name: Dr Example}
""",
    "second-opinion": """
kind: second-opinion
patient: {name: Sam Example}
treating_physician: {name: Dr Treat}
examiner: {name: Dr Second}
""",
}


def demo_index() -> RecordIndex:
    """Three documents, one a duplicate with a warning, to exercise every loop of a template."""
    docs = [
        Document("D0001", 1, 2, "imaging", "MRI <L-spine> & more", "2024-02-01", "exam", "Dr Rad", "Imaging Co",
                 diagnoses=[Diagnosis("M51.16", "Disc disorder", 1)],
                 findings=[Finding("IMPRESSION", "Disc {{ extrusion }}", 1)]),
        Document("D0002", 3, 3, "work_status", None, "2024-03-01", "service", "Dr Occ", None,
                 findings=[Finding("WORK STATUS", "Modified duty", 3)], warnings=["date uncertain"]),
        Document("D0003", 4, 5, "imaging", "MRI", "2024-02-01", "exam", "Dr Rad", None, duplicate_of="D0001"),
    ]  # fmt: skip
    source = Source("records/a.pdf", "0" * 64, 5, 1, 5)
    return RecordIndex(sources=[source], page_count=5, pages=[], documents=docs)


def demo_contexts(kind: str) -> list[tuple[str, dict[str, Any]]]:
    """(label, context) pairs a template of ``kind`` must render: filled and minimal, under every profile."""
    base = "ime" if kind == "addendum" else kind
    filled = _FILLED_IME if base == "ime" else _FILLED_SECOND
    cases: list[tuple[str, ImeCase | SecondOpinionCase]] = [
        ("filled case", parse_case(filled, "demo")),
        ("minimal case", parse_case(_MINIMAL[base], "demo")),
    ]
    index = demo_index()
    if kind == "addendum":
        index = replace(index, since={"new": ["D0002", "D0003"], "changed": [{"id": "D0001", "was": "D0004"}],
                                      "gone": [{"id": "D0005"}]})  # fmt: skip
    out = []
    for profile_name in builtin_names():
        profile = load_profile(profile_name)
        for label, case in cases:
            out.append(
                (
                    f"{label}, {profile_name} profile",
                    _with_addendum(kind, build_context(case, index, profile, PageCitation()), index),
                )
            )
        out.append(
            (
                f"no records, {profile_name} profile",
                _with_addendum(kind, build_context(cases[0][1], _empty(), profile), _empty()),
            )
        )
    return out


def _with_addendum(kind: str, context: dict[str, Any], index: RecordIndex) -> dict[str, Any]:
    return {**context, "addendum": addendum_context(index)} if kind == "addendum" else context


def _empty() -> RecordIndex:
    return RecordIndex(sources=[], page_count=0, pages=[], documents=[])


def _unknown_names(kind: str, folder: Path | None, known: set[str]) -> list[str]:
    """Top-level names a template uses that the context does not have, even in branches no sample reaches."""
    import jinja2
    from jinja2 import meta

    env = render.environment(folder)
    name = render.TEMPLATE_NAMES[kind]
    try:
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        used = meta.find_undeclared_variables(env.parse(source))
    except jinja2.TemplateError:
        return []  # syntax errors are reported by rendering, with their line
    unknown = sorted(used - known - set(env.globals))
    return [f"{render.template_label(kind, folder)}: unknown name(s): {', '.join(unknown)}."] if unknown else []


def _check_reference(folder: Path) -> list[TemplateReport]:
    """reference.docx: within the limits, readable; its external links (left out of drafts) are reported."""
    try:
        reference = render.reference_of(folder)
        if reference is None:
            return []
        markupdocx.to_docx([], "check", reference)
    except ReportkitError as exc:
        return [TemplateReport(render.REFERENCE_NAME, [exc.message], 1)]
    return [TemplateReport(render.REFERENCE_NAME, [reference.warning] if reference.warning else [], 1)]


@dataclass(frozen=True)
class TemplateReport:
    name: str
    problems: list[str]
    checked: int
    """Contexts rendered."""


def check_templates(folder: Path | None) -> list[TemplateReport]:
    """Check the drafting templates in ``folder`` (None: the built-ins)."""
    if folder is not None and not folder.is_dir():
        raise TemplateError(f"{folder}: not a folder.", hint="Point at a folder made by `reportkit templates export`.")
    reports = []
    for kind, name in render.TEMPLATE_NAMES.items():
        if folder is not None and not (folder / name).is_file():
            continue
        problems: list[str] = []
        contexts = demo_contexts(kind)
        problems += _unknown_names(kind, folder, set(contexts[0][1]))
        for label, context in contexts:
            try:
                rendered = render.render(kind, context, folder)
                markupdocx.to_docx(rendered.blocks, "check")
            except ReportkitError as exc:
                problems.append(f"{exc.message} [{label}]")
                break  # the first failure says enough; later contexts would repeat it
        reports.append(TemplateReport(name, problems, len(contexts)))
    if folder is not None:
        if not reports:
            raise TemplateError(
                f"{folder}: holds neither {' nor '.join(render.TEMPLATE_NAMES.values())}.",
                hint="Template files must keep the built-in names.",
            )
        reports += _check_reference(folder)
    return reports

"""Unit tests of the line rules: fax headers, "Page x of y", dates and their roles, providers, findings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reportkit.models import Document
from reportkit.understand.classify import classify, find_title
from reportkit.understand.dates import choose_date, find_dates, label_role
from reportkit.understand.documents import missing_from_footers
from reportkit.understand.findings import find_diagnoses, find_findings
from reportkit.understand.people import find_facility, find_provider
from reportkit.understand.text import is_fax_header, page_lines


def pl(text: str, page: int = 1):  # type: ignore[no-untyped-def]
    return page_lines(page, text)


@pytest.mark.parametrize(
    "line",
    [
        "03/22/2024 14:07  FROM: Valley Ortho  FAX (555) 010-4400   TO: Claims  P. 003/018",
        "MAR-22-2024 14:07 FROM:VALLEY ORTHO 5550104400 TO:5550109999 P.3/18",
        "Received Fax : Mar 22 2024 02:07PM Fax Station : CLAIMS p. 3",
    ],
)
def test_fax_transmission_headers_are_recognised(line: str) -> None:
    assert is_fax_header(line)


@pytest.mark.parametrize(
    "line",
    ["Fax: (555) 010-4400", "Phone (555) 010-4401", "Date of Service: 03/14/2024", "Patient was seen at 10:30"],
)
def test_letterhead_and_body_lines_are_not_fax_headers(line: str) -> None:
    assert not is_fax_header(line)


def test_fax_header_is_dropped_and_its_page_count_is_not_the_documents() -> None:
    page = pl("03/22/2024 14:07 FROM: Valley Ortho FAX (555) 010-4400 Page 3 of 18\nPROGRESS NOTE\nPage 1 of 2")
    assert page.fax_header
    assert page.lines == ("PROGRESS NOTE", "Page 1 of 2")
    assert page.page_of == (1, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/14/2024", date(2024, 3, 14)),
        ("3/14/24", date(2024, 3, 14)),
        ("March 14, 2024", date(2024, 3, 14)),
        ("Mar. 14 2024", date(2024, 3, 14)),
        ("2024-03-14", date(2024, 3, 14)),
        ("14-Mar-2024", date(2024, 3, 14)),
        ("14 March 2024", date(2024, 3, 14)),
        ("03-14-2024", date(2024, 3, 14)),
        ("DOB 4/12/78", date(1978, 4, 12)),
    ],
)
def test_date_formats(text: str, expected: date) -> None:
    assert [d for _, _, d in find_dates(text)] == [expected]


def test_impossible_dates_and_plain_numbers_are_not_dates() -> None:
    assert find_dates("02/30/2024 31/31/2024 BP 120/80 L4-5 MRN 2024-0001") == ()


def test_a_date_that_reads_only_day_first_is_read_so() -> None:
    assert [d for _, _, d in find_dates("Recorded: 23/11/2025, seen 15/01/2025")] == [
        date(2025, 11, 23),
        date(2025, 1, 15),
    ]
    assert find_dates("03/11/2024")[0][2] == date(2024, 3, 11)  # alone: month first
    assert find_dates("03/11/2024", day_first=True)[0][2] == date(2024, 11, 3)
    assert find_dates("email - 16Dec23")[0][2] == date(2023, 12, 16)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2069, 12, 31)))
def test_every_format_round_trips(value: date) -> None:
    month = value.strftime("%B")
    for text in (
        value.strftime("%m/%d/%Y"),
        value.isoformat(),
        f"{month} {value.day}, {value.year}",
        f"{value.day}-{value.strftime('%b')}-{value.year}",
        f"{value.day} {month} {value.year}",
        f"{value.strftime('%b')} {value.day}, {value.year}",
        f"{value.strftime('%b').upper()} {value.day:02d} {value.year}",
        f"{value.month}/{value.day}/{value.strftime('%y')}" if 1970 <= value.year < 2070 else value.isoformat(),
        f"{value.month}-{value.day}-{value.year}",
    ):
        assert [d for _, _, d in find_dates(f"Date of Service: {text}.")] == [value], text


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Date of Service:", "service"),
        ("DOS:", "service"),
        ("Visit Date:", "service"),
        ("Exam Date:", "exam"),
        ("Date of Surgery:", "procedure"),
        ("Collected:", "collection"),
        ("Admission Date:", "admission"),
        ("Discharge Date:", "discharge"),
        ("DOB:", "excluded"),
        ("Date of Birth:", "excluded"),
        ("Printed:", "excluded"),
        ("Faxed on", "excluded"),
        ("Received", "excluded"),
        ("Electronically signed by Alan Whitfield, MD on", "excluded"),
        ("Date of Injury:", "excluded"),
        ("Reported:", "excluded"),
        ("Date:", "date"),
        ("", None),
    ],
)
def test_date_label_roles(label: str, role: str | None) -> None:
    assert label_role(label) == role


NOTE = """Valley Orthopedics
123 Main Street, Springfield
PROGRESS NOTE
Patient: Jordan Rivera   DOB: 04/12/1978   MRN: 55123
Date of Service: 03/14/2024
Date of Injury: 01/15/2024
ASSESSMENT: Lumbar radiculopathy (M54.16), improving.
PLAN: Continue PT 2x/week. Recheck on 04/11/2024.
Electronically signed by Priya Natarajan, MD on 03/19/2024 08:12
Printed: 11/02/2024"""


def test_service_date_wins_over_dob_injury_signature_and_printed_dates() -> None:
    choice = choose_date([pl(NOTE)], "progress_note")
    assert (choice.value, choice.role) == ("2024-03-14", "service")
    assert "Date of Service" in choice.snippet
    assert any("1978-04-12" in r for r in choice.rejected)


def test_imaging_is_dated_by_exam_date_not_report_date() -> None:
    text = "MRI LUMBAR SPINE\nReport Date: 02/03/2024\nExam Date: 02/01/2024\nIMPRESSION: Disc protrusion L4-5."
    choice = choose_date([pl(text)], "imaging")
    assert (choice.value, choice.role) == ("2024-02-01", "exam")


def test_labs_by_collection_and_discharge_summary_by_discharge() -> None:
    lab = "LABORATORY REPORT\nCollected: 03/01/2024 07:10\nReported: 03/02/2024"
    assert choose_date([pl(lab)], "lab_report").value == "2024-03-01"
    dc = "DISCHARGE SUMMARY\nAdmission Date: 03/14/2024\nDischarge Date: 03/16/2024"
    assert (choose_date([pl(dc)], "discharge_summary").value, choose_date([pl(dc)], "discharge_summary").role) == (
        "2024-03-16",
        "discharge",
    )


def test_letter_dated_by_its_date_line_not_a_date_mentioned_in_it() -> None:
    letter = (
        "Smith & Jones LLP\nApril 2, 2024\nRECEIVED\nAPR 05 2024\nRe: Jordan Rivera, DOB 04/12/1978\n"
        "Dear Dr. Lee,\nYour report dated March 1, 2024 was reviewed."
    )
    choice = choose_date([pl(letter)], "correspondence")
    assert (choice.value, choice.role) == ("2024-04-02", "letter")


def test_unlabelled_date_in_a_line_is_a_fallback_with_a_warning() -> None:
    choice = choose_date([pl("OFFICE NOTE\nBack pain worse since 3/14/24 per patient")], "progress_note")
    assert choice.value == "2024-03-14"
    assert choice.warnings


def test_bill_is_dated_by_its_first_line_item_not_the_statement_date() -> None:
    bill = (
        "ITEMIZED STATEMENT\nStatement Date: 06/14/2024\nDate CPT Description Charges\n"
        "05/29/2024 97161 PT EVALUATION 315.00\n05/28/2024 63030 DISCECTOMY 18,450.00"
    )
    choice = choose_date([pl(bill)], "billing")
    assert (choice.value, choice.role) == ("2024-05-28", "service")


def test_prose_mentions_do_not_outrank_the_header_date() -> None:
    note = "OFFICE VISIT\nDate of Service: 06/11/2024\nTwo weeks after the surgery of 05/28/2024 he is better."
    assert choose_date([pl(note)], "operative_report").value == "2024-06-11"


def test_no_date_of_care_gives_a_warning_not_a_guess() -> None:
    choice = choose_date([pl("PROGRESS NOTE\nDOB: 04/12/1978\nPrinted: 11/02/2024")], "progress_note")
    assert choice.value is None
    assert "no date of care found" in choice.warnings


def test_provider_from_signature_with_credentials_not_the_referring_doctor() -> None:
    text = "Referring Physician: Helen Ward, MD\n" + NOTE
    found = find_provider([pl(text)])
    assert found.value == "Priya Natarajan, MD"
    assert found.rule.startswith("label:")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Therapist: Dana Kim, PT, DPT", "Dana Kim, PT, DPT"),
        ("Attending Physician: Samuel Ortiz, DO", "Samuel Ortiz, DO"),
        ("Interpreted by: Marcus J. Bell, MD", "Marcus J. Bell, MD"),
        ("Provider: Ana Lopez-Garcia, PA-C", "Ana Lopez-Garcia, PA-C"),
    ],
)
def test_provider_labels(line: str, expected: str) -> None:
    assert find_provider([pl(f"Header\n{line}")]).value == expected


def test_letter_author_is_the_signer_after_sincerely() -> None:
    text = "Dear Dr. Lee:\nPlease find enclosed.\ncc: Helen Ward, MD\nSincerely,\nMaria Chen, Esq."
    assert find_provider([pl(text)]).value == "Maria Chen, Esq."


def test_facility_from_letterhead_and_title() -> None:
    page = pl(NOTE)
    assert find_facility(page).value == "Valley Orthopedics"
    assert find_title(page) == ("PROGRESS NOTE", "progress_note")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # OCR ran the address column into the name line: the name, without the city, state and ZIP code
        ("° ° ° 88 Meridian Park Drive, Suite 300\nLakeshore Orthopedic & Spine Associates aaa Calder, WA 98399\n"
         "Spine Surgery - Interventional Spine - Sports Medicine", "Lakeshore Orthopedic & Spine Associates"),
        ("Valley Health Imaging Center Springfield, IL 62701\nTel (217) 555-0100", "Valley Health Imaging Center"),
        # a tagline of services is no name: nothing rather than noise
        ("° ° °\nSpine Surgery - Interventional Spine - Sports Medicine\nTel (360) 555-0150", None),
        # a tagline that names a kind of organisation is still a name
        ("Primary Care - Pediatrics - Family Medicine Clinic\nTel (360) 555-0150",
         "Primary Care - Pediatrics - Family Medicine Clinic"),
    ],
)  # fmt: skip
def test_a_letterhead_read_by_ocr_gives_its_name_not_its_address_or_tagline(head: str, expected: str | None) -> None:
    page = pl(head + "\n\nSPINE SURGERY CONSULTATION\nPatient: Jane Roe DOB: 9/23/81\nHistory of present illness.")
    assert find_facility(page).value == expected


def test_findings_are_verbatim_with_their_page() -> None:
    found = find_findings([pl(NOTE, page=7)])
    assert [(f.label, f.page) for f in found] == [("ASSESSMENT", 7), ("PLAN", 7)]
    assert found[0].text == "Lumbar radiculopathy (M54.16), improving."


def test_diagnoses_keep_codes_as_printed_and_skip_spine_levels() -> None:
    text = "DIAGNOSES:\n1. Lumbar disc herniation with radiculopathy (M51.16)\n2. M54.50 - Low back pain\nL4 L5 T12"
    found = find_diagnoses([pl(text, page=3)])
    assert [(d.code, d.page) for d in found] == [("M51.16", 3), ("M54.50", 3)]
    assert found[0].text == "Lumbar disc herniation with radiculopathy"
    assert found[1].text == "Low back pain"


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("OPERATIVE REPORT", "operative_report"),
        ("DISCHARGE SUMMARY", "discharge_summary"),
        ("MRI LUMBAR SPINE WITHOUT CONTRAST", "imaging"),
        ("PHYSICAL THERAPY DAILY NOTE", "therapy"),
        ("WORK STATUS REPORT", "work_status"),
        ("EMERGENCY DEPARTMENT RECORD", "emergency"),
        ("HISTORY AND PHYSICAL", "history_and_physical"),
        ("ITEMIZED STATEMENT", "billing"),
        ("LUMBAR EPIDURAL STEROID INJECTION PROCEDURE NOTE", "procedure_note"),
        ("SPINE SURGERY CONSULTATION", "consultation"),
        ("INDEPENDENT MEDICAL EXAMINATION", "ime_report"),
        ("COMPREHENSIVE METABOLIC PANEL", "lab_report"),
    ],
)
def test_titles_decide_the_type(title: str, doc_type: str) -> None:
    assert classify([pl(f"Mercy General Hospital\n{title}\nPatient: J. Rivera")]).doc_type == doc_type


def test_fax_cover_and_legal_forms_are_other() -> None:
    assert classify([pl("FAX COVER SHEET\nTo: Claims\nPages: 12")]).doc_type == "other"
    assert classify([pl("Universal Advance Digital Directive\nPart 1")]).doc_type == "other"


def test_section_heading_is_not_a_title() -> None:
    assert find_title(pl("2 | Page\nFOLLOW UP:\n1. Call the clinic.")) == (None, None)


@pytest.mark.parametrize(
    ("footer", "expected"),
    [
        ("Page 2 of 4", (2, 4)),
        ("page 2 of 4", (2, 4)),
        ("Page 12/15", (12, 15)),
        ("PAGE 3 OF 3", (3, 3)),
        ("Printed 03/22/2024   Page 1 of 2", (1, 2)),
        ("Homepage 2 of 4 options", None),
        ("See page 4 for details", None),
    ],
)
def test_page_x_of_y_footers(footer: str, expected: tuple[int, int] | None) -> None:
    page = page_lines(7, f"PROGRESS NOTE\nSome text of the visit.\n{footer}")
    assert page.page_of == expected


@pytest.mark.parametrize(
    ("footers", "missing"),
    [
        (["Page 1 of 4", "Page 2 of 4", "Page 4 of 4"], [3]),  # a page skipped
        (["Page 1 of 4", "Page 2 of 4"], [3, 4]),  # the count ends early
        (["Page 2 of 3", "Page 3 of 3"], [1]),  # the first page lost
        (["Page 1 of 2", "Page 2 of 2"], []),
        (["", ""], []),  # no footers: nothing can be said
        (["Page 1 of 2", "Page 1 of 3"], []),  # footers that disagree are not trusted
    ],
)
def test_missing_pages_from_footers(footers: list[str], missing: list[int]) -> None:
    pages = [page_lines(n, f"OPERATIVE REPORT\nText.\n{f}") for n, f in enumerate(footers, start=1)]
    assert missing_from_footers(pages) == missing


# --- type from the body, when no title names it -------------------------------------------------------------

_HEADER = "Riverside Medical Center\nPatient: Sam Sample   DOB: 01/02/1970\n"


@pytest.mark.parametrize(
    ("body", "doc_type"),
    [
        (
            "PREOPERATIVE DIAGNOSIS:\nTorn meniscus.\nPOSTOPERATIVE DIAGNOSIS:\nSame.\nANESTHESIA:\nGeneral.\n"
            "ESTIMATED BLOOD LOSS:\nMinimal.",
            "operative_report",
        ),
        (
            "Date of Procedure: 03/14/2024\nPROCEDURE:\nRight L5-S1 transforaminal epidural steroid injection.\n"
            "Needle advanced under fluoroscopic guidance. Depo-Medrol 80 mg injected.",
            "procedure_note",
        ),
        (
            "EXAM:\nMRI lumbar spine.\nTECHNIQUE:\nSagittal T1 and T2.\nFINDINGS:\nDisc bulge.\nIMPRESSION:\nBulge.",
            "imaging",
        ),
        ("HOSPITAL COURSE:\nAdmitted and treated.\nDISCHARGE MEDICATIONS:\nIbuprofen.\n", "discharge_summary"),
        (
            "SUBJECTIVE:\nBack pain better.\nOBJECTIVE:\nTender L4.\nASSESSMENT:\nStrain.\nPLAN:\nContinue.",
            "progress_note",
        ),
        (
            "REASON FOR CONSULTATION:\nNeck pain.\nThank you for the referral of this pleasant man.\n"
            "HISTORY OF PRESENT ILLNESS:\nPain since a fall.",
            "consultation",
        ),
        ("GROSS DESCRIPTION:\nReceived in formalin, a tan fragment.\nMICROSCOPIC DESCRIPTION:\nNo tumor.", "pathology"),
        (
            "Date of Referral: 03/14/2024\nReferred to: Physical Therapy\nReason for referral:\nLow back pain.\n"
            "Please evaluate and treat.",
            "referral",
        ),
        (
            "Visit #6 of 12 authorized.\nSUBJECTIVE:\nSore.\nTREATMENT:\nManual therapy 97140 x 2 units, "
            "therapeutic exercise 97110.\nHEP reviewed.",
            "therapy",
        ),
        (
            "The patient is seen for knee pain after a fall. History of diabetes. Medications reviewed. "
            "Exam shows tenderness. Diagnosis: sprain. Plan: ice.",
            "progress_note",
        ),
    ],
)
def test_untitled_documents_are_typed_by_their_conventions(body: str, doc_type: str) -> None:
    choice = classify([page_lines(1, _HEADER + body)])
    assert choice.doc_type == doc_type, (choice.rule, choice.scores)
    assert choice.rule.startswith("body")


def test_a_visit_note_quoting_labs_and_imaging_stays_a_visit_note() -> None:
    body = (
        "CHIEF COMPLAINT:\nFatigue.\nHISTORY OF PRESENT ILLNESS:\nTired for weeks.\nPAST MEDICAL HISTORY:\nNone.\n"
        "PHYSICAL EXAMINATION:\nPale.\nLABS:\nHemoglobin 9.1 g/dL (reference range 12-16), sodium 139 mmol/L.\n"
        "ASSESSMENT:\nAnemia.\nPLAN:\nIron."
    )
    assert classify([page_lines(1, _HEADER + body)]).doc_type in ("progress_note", "consultation")


@pytest.mark.parametrize(
    ("title", "body", "doc_type"),
    [
        (
            "PROCEDURE REPORT",
            "PREOPERATIVE DIAGNOSIS:\nX.\nPOSTOPERATIVE DIAGNOSIS:\nX.\nANESTHESIA:\nGeneral.\n"
            "ESTIMATED BLOOD LOSS:\n50 mL.\nThe patient was prepped and draped in the usual sterile fashion.",
            "operative_report",
        ),
        (
            "PROCEDURE REPORT",
            "Trigger point injections x4. Needle placed, methylprednisolone 40 mg injected.",
            "procedure_note",
        ),
        (
            "Progress Report / Re-Evaluation",
            "Visit #12 of 24 authorized.\nGOALS:\nLift 20 lb.\n"
            "Therapeutic exercise 97110, manual therapy 97140.\nHEP updated.",
            "therapy",
        ),
        ("PHYSICAL THERAPY PRESCRIPTION", "Refer to: Physical therapy. Evaluate and treat.", "referral"),
        ("HEALTH INSURANCE CLAIM FORM", "DOS CPT Charge\n03/14/2024 99213 $150.00", "billing"),
        ("New Patient Information", "Where is your pain? Rate your pain (0-10):", "other"),
        ("AUTHORIZATION FOR RELEASE OF PROTECTED HEALTH INFORMATION", "I authorize the release.", "other"),
    ],
)
def test_generic_titles_and_forms(title: str, body: str, doc_type: str) -> None:
    assert classify([page_lines(1, f"Riverside Medical Center\n{title}\n{body}")]).doc_type == doc_type


@pytest.mark.parametrize(
    "line",
    [
        "Apr-24-2023 09:41A Mercy Regional Health 5550104400 page 6 of 8",
        "MAR-24-2023 09:41 XYZ CLINIC +15550104400 T-123 P.002/008 F-456",
    ],
)
def test_fax_headers_without_the_word_fax(line: str) -> None:
    assert is_fax_header(line)
    page = page_lines(3, f"{line}\nPROGRESS NOTE\nText.")
    assert page.page_of is None and page.lines[0] == "PROGRESS NOTE"


@pytest.mark.parametrize("line", ["Printed 03/22/2024 10:15 Page 1 of 2", "Appointment 10:30, call (555) 010-4400"])
def test_print_stamps_and_phone_lines_are_not_fax_headers(line: str) -> None:
    assert not is_fax_header(line)


def test_a_referral_is_dated_by_its_referral_date_and_a_note_is_not() -> None:
    text = "Date of Referral: 03/02/2024\nPatient: Sam Sample DOB: 01/02/1970\nReason for referral: pain.\n"
    assert choose_date([page_lines(1, text)], "referral").value == "2024-03-02"
    note = "Date of Service: 03/14/2024\nReferral date: 03/02/2024\nSeen for pain."
    assert choose_date([page_lines(1, note)], "progress_note").value == "2024-03-14"


@pytest.mark.parametrize("footer", ["Page 1", "Page 2 of 3", "- 2 -"])
def test_a_page_footer_ends_a_finding(footer: str) -> None:
    found = find_findings([page_lines(1, f"PT NOTE\nPLAN:\nContinue exercises twice weekly.\n{footer}")])
    assert [(f.label, f.text) for f in found] == [("PLAN", "Continue exercises twice weekly.")]


_LINE_SOURCES = [
    r"^\s*(?:\d+\.\s*)?(?:impression|plan|work)",
    r"\b[A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?\b",
    r"signed\s+by|^sincerely[,.]?$",
    r"\d\s?[/.-]\s?\d",
]
_line_text = st.text(st.sampled_from(list("aAbIiMmPpLlnosSy 1234567890./-,:\t\u00a0")), min_size=1, max_size=30)


@given(st.lists(_line_text, min_size=1, max_size=12), st.sampled_from(_LINE_SOURCES))
@example(["1", "/2"], _LINE_SOURCES[3])  # a date's separator at the start of the next line
@example(["3.", "Plan: rest"], _LINE_SOURCES[0])  # a numbered label whose words are on the next line
@example(["signed", "by Dr. Roe"], _LINE_SOURCES[2])
def test_a_whole_page_search_finds_the_lines_a_line_by_line_search_finds(lines: list[str], source: str) -> None:
    """The page-at-once gate (lines_with over line_pattern) picks exactly the lines the one-line pattern
    matches: whitespace never carries a match from one line into the next."""
    import re

    from reportkit.understand.text import PageLines, line_pattern, lines_with

    kept = tuple(ln.strip() for ln in lines if ln.strip())
    pl = PageLines(1, kept, False, None)
    one_line = re.compile(source, re.I)
    assert lines_with(line_pattern(source, re.I), pl) == [i for i, ln in enumerate(kept) if one_line.search(ln)]


def test_a_line_pattern_refuses_what_could_cross_a_line_end() -> None:
    from reportkit.understand.text import line_pattern

    for source in (r"[\s,]+x", r"a[^,]b"):
        with pytest.raises(ValueError):
            line_pattern(source)


def _dated(doc_id: str, first: str, last: str | None = None) -> Document:
    return Document(doc_id, 1, 1, "progress_note", None, first, "service", None, None, last_date=last)


def test_treatment_gaps_run_from_the_last_date_care_reached() -> None:
    from reportkit.index.chronology import find_gaps

    run = _dated("D0001", "2024-01-05", "2024-03-01")  # weekly visits, January to March
    inside = _dated("D0002", "2024-01-20")  # a consult dated inside that run
    later = _dated("D0003", "2024-03-20")
    assert find_gaps([run, inside, later], 30) == []
    # without the run's last date, the consult's date would start a 60-day gap
    assert [g.days for g in find_gaps([replace(run, last_date=None), inside, later], 30)] == [60]
    far = _dated("D0004", "2024-06-01")
    (gap,) = find_gaps([run, inside, later, far], 30)
    assert (gap.after, gap.before, gap.start, gap.end, gap.days) == ("D0003", "D0004", "2024-03-20", "2024-06-01", 73)


def test_a_document_with_several_service_dates_keeps_the_first_and_the_last() -> None:
    pages = [
        page_lines(1, "PHYSICAL THERAPY DAILY NOTE\nDate of Service: 06/18/2024\nTolerated exercises."),
        page_lines(2, "PHYSICAL THERAPY DAILY NOTE\nDate of Service: 07/09/2024\nHome program reviewed."),
    ]
    chosen = choose_date(pages, "therapy")
    assert (chosen.value, chosen.last) == ("2024-06-18", "2024-07-09")
    assert choose_date(pages[:1], "therapy").last is None

"""The index on OCR'd pages: the slips OCR makes in the marks that split a bundle must not split or merge it.

Seen when real bundles were read as fax copies (``bench/eval_realworld.py --fax``): a fax header's sender read
with specks ("LAKEVIEW. GENERAL HOSP {555)"), a header OCR cut in two lines, a running header's title with a
full stop after it, a birth date with a digit misread, a page counter run into its "of" ("Page lof 5"), and a
label's colon read as a quote mark. Every page here is made up.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from reportkit.ingest.ocrfix import normalise_ocr
from reportkit.understand.classify import find_title
from reportkit.understand.patients import read_mark
from reportkit.understand.split import signals, split
from reportkit.understand.text import fax_sender, is_fax_header, page_lines, same_sender

BODY = "Narrative text of the record continues on this page without any heading of its own at all."


def spans_of(texts: Sequence[str]) -> list[tuple[int, int]]:
    sigs = [signals(page_lines(i + 1, normalise_ocr(t))) for i, t in enumerate(texts)]
    return [(a, b) for a, b, _ in split(sigs, {1}, set())]


def fax(sender: str, counter: str) -> str:
    return f"03/02/2025 09:41AM FROM: {sender} (555) 210-4400 TO: (555) 730-1188 {counter}\n{BODY}"


@pytest.mark.parametrize(
    ("header", "sender"),
    [
        ("FROM: LAKEVIEW. GENERAL HOSP {555) 210-4400 TO: (555) 730-1188 P.05/", "LAKEVIEW GENERAL HOSP"),
        ("FROM: LAKEVIEW GENERAL HOSP (555} 210-4400 TO:", "LAKEVIEW GENERAL HOSP"),
        ("FROM: LAKEVIEW GENERAL HOSP (555} 210-4400 EXT 12 TO:", "LAKEVIEW GENERAL HOSP"),  # ends at the number
        ("FROM? LAKEVIEW GENERAL HOSP (555) 210-4400 TO:", "LAKEVIEW GENERAL HOSP"),
        ("FROM: LAKEVIEW GENERAL HOSP. (555) 210-C400 TO:", "LAKEVIEW GENERAL HOSP"),
        ("FROM: LAKEVIEW GENERAL HOSP’ (555) 210-4400 TO:", "LAKEVIEW GENERAL HOSP"),
        ("FROM: ST. ANNE MEDICAL CTR. TO: (555) 730-1188", "ST. ANNE MEDICAL CTR."),
        ("FROM: NOLAN & PRICE, P.C. TO: (555) 730-1188", "NOLAN & PRICE, P.C."),
        ("FROM: (555) 441-8800 DR OYELARAN INTERNAL MED TO: (555) 730-1188", "DR OYELARAN INTERNAL MED"),
    ],
)
def test_a_fax_senders_name_is_read_without_ocrs_specks(header: str, sender: str) -> None:
    assert fax_sender(header) == sender


def test_one_sender_as_ocr_reads_it_but_not_another() -> None:
    assert same_sender("LAKEVIEW GENERAL HOSP", "LAKEVIEW, GENERAL HOSP")
    assert same_sender("LAKEVIEW GENERAL HOSP", "LAKEVIEW GENERAL HOSF")  # a letter misread
    assert same_sender("LAKEVIEW GENERAL", "LAKEVIEW GENERAL HOSP")  # the header cut short
    assert not same_sender("LAKEVIEW GENERAL HOSP", "LAKEVIEW ORTHOPEDICS")
    assert not same_sender("SUMMIT ORTHO", "SUMMIT PAIN")  # short words must match exactly
    assert not same_sender("LAKEVIEW", "LAKEVIEW GENERAL HOSP")  # one word is not enough to call it cut


def test_one_fax_transmission_read_with_specks_stays_one_document() -> None:
    pages = [
        fax("LAKEVIEW GENERAL HOSP", "P.01/04"),
        fax("LAKEVIEW. GENERAL HOSP {", "P.02/04"),
        fax("LAKEVIEW GENERAL HOSP", "P.03/"),  # the counter's total lost: no change of transmission
        fax("LAKEVIEW, GENERAL HOSP", "P.04/04"),
    ]
    assert spans_of(pages) == [(1, 4)]
    other = [fax("LAKEVIEW GENERAL HOSP", "P.01/02"), fax("NORTHGATE IMAGING CENTER", "P.02/02")]
    assert spans_of(other) == [(1, 1), (2, 2)]  # another sender is still another transmission


def test_a_fax_header_ocr_cut_in_two_is_still_a_fax_header() -> None:
    assert is_fax_header("03/02/2025 09:41AM _ FROM: LAKEVIEW GENERAL HOSP")
    assert is_fax_header("3/2/25 9:41 am From: Dr Oyelaran")
    assert not is_fax_header("03/02/2025 09:41 from home, wife reports he slept well")
    header = "03/02/2025 09:41AM _ FROM: LAKEVIEW GENERAL HOSP"
    pl = page_lines(1, header + "\nHalvorsen, Peter J. | DOB: 05/17/1949\n" + BODY)
    assert pl.fax_header and pl.fax_sender == "LAKEVIEW GENERAL HOSP" and pl.lines[0].startswith("Halvorsen")


BAND = "Halvorsen, Peter J. | DOB: {dob} | MRN: LGH-2020-41177 {title}"


def chart_page(title: str, dob: str = "05/17/1949") -> str:
    return BAND.format(dob=dob, title=title) + "\n" + BODY


def test_a_running_headers_title_is_read_through_ocrs_slips() -> None:
    for page in (chart_page("NURSING NOTES."), chart_page("NURSING NOTES", dob="05/17/4949")):
        assert find_title(page_lines(1, page)) == ("NURSING NOTES", "progress_note")
    speck = chart_page("EMERGENCY. DEPARTMENT NOTE")
    assert find_title(page_lines(1, speck)) == ("EMERGENCY DEPARTMENT NOTE", "emergency")
    pages = [chart_page("NURSING NOTES"), chart_page("NURSING NOTES."), chart_page("NURSING NOTES", dob="05/17/4949")]
    assert spans_of(pages) == [(1, 3)]
    for dob in ("05/171949", "05/17/1949"):  # a separator OCR dropped: the band's line is still no title
        assert find_title(page_lines(1, chart_page("NURSING NOTES", dob=dob))) == ("NURSING NOTES", "progress_note")
    assert spans_of([chart_page("NURSING NOTES"), chart_page("RADIOLOGY REPORT.")]) == [(1, 1), (2, 2)]


@pytest.mark.parametrize(
    ("ocr", "fixed"),
    [
        ("SEE THE NEXT PAGES Page lof 5", "SEE THE NEXT PAGES Page 1 of 5"),
        ("Page 2of 5", "Page 2 of 5"),
        ("Page 3 0f 5", "Page 3 of 5"),
        ("Page lOf5", "Page 1 of 5"),
        ("Page lo", "Page lo"),  # letters, not a number
        ("see page 4 of the report", "see page 4 of the report"),
        ("Date: 3/4/25 Patient’ Oyelaran, Ada T DOB' 5/17/61", "Date: 3/4/25 Patient: Oyelaran, Ada T DOB: 5/17/61"),
        ("PATIENT’ OYELARAN, ADA", "PATIENT: OYELARAN, ADA"),
        ("Patient’ Name: Oyelaran", "Patient’ Name: Oyelaran"),  # a quote before a label's own name stays
        ("Patients’ Rights", "Patients’ Rights"),
        ("Patient' s", "Patient' s"),
        ("Ada T__-x-r~BDOB: 5/17/61", "Ada T__-x-r~B DOB: 5/17/61"),
        ("ADOBE: 5", "ADOBE: 5"),
        ("Dr. Lee Collection Date: 03:02.2025 08:15", "Dr. Lee Collection Date: 03/02/2025 08:15"),
        ("HALVORSEN, PETER J. 0OB: 05.17:'1949", "HALVORSEN, PETER J. DOB: 05/17/1949"),
        ("Date: 03.04.2024", "Date: 03.04.2024"),  # one separator throughout: as written (may be day first)
        ("at 08:15.2026 units", "at 08:15.2026 units"),  # no label: not a date
        ("Diagnosis: disc disorder - M51:16", "Diagnosis: disc disorder - M51.16"),
        ("Diagnosis: 201.818 Preprocedural exam; M51-16 Disc", "Diagnosis: Z01.818 Preprocedural exam; M51.16 Disc"),
        ("Diagnosis codes: M51.16, 247.89", "Diagnosis codes: M51.16, Z47.89"),
        ("DIAGNOSES: Lumbar strain $39.012A - WORK STATUS", "DIAGNOSES: Lumbar strain S39.012A - WORK STATUS"),
        ("Diagnosis: copay $39.01 due", "Diagnosis: copay $39.01 due"),  # an amount: two decimals
        ("DIAGNOSIS: L4-5 disc extrusion (MS1.16).", "DIAGNOSIS: L4-5 disc extrusion (M51.16)."),
        ("Disc disorder, lumbar region (M51-16), resolved", "Disc disorder, lumbar region (M51.16), resolved"),
        ("Renee Albright,DO and Jo Lee,MD", "Renee Albright, DO and Jo Lee, MD"),
        ("MS1 and OS2.5 units", "MS1 and OS2.5 units"),  # no diagnosis on the line
        ("Total charges 247.89 diagnosis related group", "Total charges 247.89 diagnosis related group"),  # an amount
        ("Seen at 10:30, M51-16 noted", "Seen at 10:30, M51-16 noted"),  # no diagnosis on the line: left as read
    ],
)
def test_ocr_slips_in_page_counters_and_labels_are_undone(ocr: str, fixed: str) -> None:
    assert normalise_ocr(ocr) == fixed


def test_a_typed_over_form_line_read_by_ocr_still_names_the_patient() -> None:
    line = "Date: 3/4/25 _ Patient’ Oyelaran, Ada T__-x-r~BDOB: 5/17/61"
    found = read_mark(page_lines(1, normalise_ocr(line) + "\n" + BODY))
    assert found is not None and found.name == ("ada", "oyelaran") and found.dob and (1961, 5, 17) in found.dob


def test_a_page_counter_ocr_ran_into_its_of_starts_a_document() -> None:
    statement = "EXPLANATION OF BENEFITS\n" + BODY
    pages = [statement + "\nPage 1 of 2", BODY + "\nPage 2of 2", statement + "\nCLAIM DETAILS FOLLOW Page lof 3"]
    assert spans_of(pages) == [(1, 2), (3, 3)]


def test_a_chart_headers_title_that_ocr_read_as_its_own_line_keeps_the_chart_together() -> None:
    def lab(collected: str, title_apart: bool) -> str:
        band = BAND.format(dob="05/17/1949", title="")
        head = f"{band.strip()}\nLABORATORY RESULTS" if title_apart else band + "LABORATORY RESULTS"
        return f"{head}\nBASIC METABOLIC PANEL Collected: {collected} 06:00\n{BODY}"

    pages = [lab("01/29/2025", False), lab("01/30/2025", True), lab("01/31/2025", False)]
    assert spans_of(pages) == [(1, 3)]  # the next day's panel of the same chart
    dropped = lab("02/01/2025", False).replace("05/17/1949", "05/171949")  # OCR lost a separator of the band
    assert spans_of([lab("01/31/2025", False), dropped]) == [(1, 2)]
    clinic = "LAKEVIEW GENERAL HOSPITAL LABORATORY SERVICES"
    letterheads = [f"{clinic}\nCollected: 01/29/2025\n{BODY}", f"{clinic} LABORATORY\nCollected: 02/11/2025\n{BODY}"]
    assert spans_of(letterheads) == [(1, 1), (2, 2)]  # a letterhead is not a chart's header: a new date splits


FORM_COLUMNS = """PATIENT INFORMATION
Patient Name:
Date of Birth:
Phone:

Member ID:
OYELARAN, ADA T.
08/02/1961
(555) 480-1234
LKV-900-12-4471
DIAGNOSIS
Primary Dx:
Date of injury/Onset:

S83.241A Tear of medial meniscus, right knee

01/09/2025 (a fall at work)
"""


def test_a_forms_labels_and_values_read_as_two_columns_are_paired_again() -> None:
    text = normalise_ocr(FORM_COLUMNS)
    assert "Patient Name: OYELARAN, ADA T.\nDate of Birth: 08/02/1961\nPhone: (555) 480-1234" in text
    assert "Member ID: LKV-900-12-4471" in text
    assert "Primary Dx: S83.241A Tear of medial meniscus, right knee" in text
    assert "Date of injury/Onset: 01/09/2025 (a fall at work)" in text
    found = read_mark(page_lines(1, text))
    assert found is not None and found.name == ("ada", "oyelaran") and (1961, 8, 2) in (found.dob or ())


def test_values_ocr_read_before_their_labels_are_paired_with_them() -> None:
    report = (
        "VITALS RECORD\n\nPatient Information\n\nAda Oyelaran\nPID-20417\nAugust 2, 1961\n\n"
        "Patient Name:\nPatient ID:\nDate of Birth:\n\nAge: 40 years\n\nGender: Female\n"
    )
    text = normalise_ocr(report)
    assert "Patient Information\n\nPatient Name: Ada Oyelaran\nPatient ID: PID-20417\nDate of Birth: August 2" in text
    found = read_mark(page_lines(1, text))
    assert found is not None and found.name == ("ada", "oyelaran") and (1961, 8, 2) in (found.dob or ())


@pytest.mark.parametrize(
    "text",
    [
        # two labels: the lines above a blank form's labels are its heading and text, not values
        "Seen by Dr. Roe\n03/04/2025\nPatient Name:\nDate of Birth:\n",
        # a sentence above the labels is no value
        "Ada Oyelaran\nPID-20417\nSeen on August 2, 1961.\nPatient Name:\nPatient ID:\nDate of Birth:\n",
        # a letterhead's address and phone lines above a blank form's labels are no values
        "NORTHGATE ORTHOPEDICS\n412 Harbor Road\nCalder, WA 98399\nTel (555) 201-3300\n\nPatient Name:\nAddress:\n"
        "Phone:\n",
        # the values do not fit: the date label would get an id
        "Ada Oyelaran\nAugust 2, 1961\nPID-20417\nPatient Name:\nPatient ID:\nDate of Birth:\n",
    ],
)
def test_lines_before_labels_that_do_not_prove_a_pairing_are_left_as_read(text: str) -> None:
    assert normalise_ocr(text) == text


def test_a_title_ocr_read_between_the_label_and_value_columns_goes_before_the_pairs() -> None:
    labels = "TO:\nFAX:\nDATE:\nPATIENT:\n"
    cover = labels + "RECORDS TRANSMISSION\nDr. Ada Oyelaran\n(555) 730-1188\nMarch 2, 2025\nHALVORSEN, PETER J.\n"
    text = normalise_ocr(cover)
    assert text.startswith("RECORDS TRANSMISSION\nTO: Dr. Ada Oyelaran\nFAX: (555) 730-1188\nDATE: March 2, 2025\n")
    assert "PATIENT: HALVORSEN, PETER J." in text


@pytest.mark.parametrize(
    "text",
    [
        # a field left blank: the values no longer line up with the labels (the birth date would be a phone)
        "Patient Name:\nDate of Birth:\nPhone:\nOYELARAN, ADA T.\n(555) 480-1234\nLKV-117\n",
        # the first value fits, the others do not: shifted by a blank field, not paired
        "Date of Birth:\nDate of Visit:\nPhone:\n08/02/1961\n(555) 480-1234\n09/19/2025\n",
        # the values are labelled lines of their own, not these labels' values
        "Patient Name:\nDate of Birth:\nAge: 40 years\nDate of Visit: September 19, 2025\n",
        # nothing proves the pairing: no label asks for a date or a phone number
        "Assessment:\nPlan:\nKnee pain, improving.\nContinue therapy.\n",
        # one label alone is a heading over its text
        "Date of Birth:\n08/02/1961\n",
    ],
)
def test_label_columns_that_do_not_prove_their_pairing_are_left_as_read(text: str) -> None:
    assert normalise_ocr(text) == text


def test_a_title_ocr_ran_into_the_letterheads_address_line_is_still_the_title() -> None:
    page = (
        "LAKEVIEW HEALTH PLAN\nUtilization Management Department\n"
        "P.O. Box 4100, Austin, TX 78701 DETERMINATION NOTICE\nMember Name: OYELARAN, ADA T.\n" + BODY
    )
    assert find_title(page_lines(1, page)) == ("DETERMINATION NOTICE", "correspondence")
    phone = "LAKEVIEW ORTHOPEDICS\n1200 River Road\nTel (555) 210-4400 OPERATIVE REPORT\n" + BODY
    assert find_title(page_lines(1, phone)) == ("OPERATIVE REPORT", "operative_report")
    # capitals after an address that name no kind of document are no title
    street = "LAKEVIEW ORTHOPEDICS\n1200 River Road, Austin, TX 78701 SUITE B\n" + BODY
    assert find_title(page_lines(1, street))[1] is None


def test_a_birth_date_ocr_labelled_as_a_date_of_service_never_dates_a_document() -> None:
    from reportkit.models import Page, Source
    from reportkit.understand.documents import build_documents

    visit = "PROGRESS NOTE\nPatient: Halvorsen, Peter J {} 09/23/1981\nDate of Service: {}\n" + BODY
    texts = [visit.format("DOB:", "02/07/2024"), visit.format("Dos:", "02/21/2024")]  # OCR read DOB as "Dos"
    pages = [Page(i + 1, 0, i + 1, "ocr", len(t)) for i, t in enumerate(texts)]
    docs, _, _ = build_documents(texts, pages, [Source("b.pdf", "0" * 64, 2, 1, 2)], set(), None)
    assert [(d.first_page, d.date) for d in docs] == [(1, "2024-02-07"), (2, "2024-02-21")]
    assert any("1981-09-23" in r and "birth date the bundle gives" in r for r in docs[1].explain["date"])


def test_a_letterhead_then_a_patient_band_that_share_only_a_last_number_is_no_title_change() -> None:
    from reportkit.understand.split import band_change

    letterhead = "lakeview physical therapy & rehabilitation austin, tx #"
    band = "lakeview physical therapy & rehabilitation — halvorsen, peter — dob #/#/#"
    assert band_change(letterhead, band) is None  # page two's running header, not a new section
    chart = "halvorsen, peter j. | dob: #/#/# | mrn: lgh-#-# "
    assert band_change(chart + "nursing notes", chart + "radiology report") is True


@pytest.mark.parametrize(
    ("top", "facility"),
    [
        # the address column OCR ran into the name line, the city's capital misread
        (
            "Lakeview Physical Therapy & Rehabilitation port Austin, TX 78701\nOutpatient Care",
            "Lakeview Physical Therapy & Rehabilitation",
        ),
        ("Lakeview Mutual Casualty Company Austin, TX 78701\nClaims Department", "Lakeview Mutual Casualty Company"),
        # the street line under a letterhead OCR could not read is no facility
        (". . . 88 Meridian Park Drive, Suite 30 Austin\nTel (555) 210-4400", None),
        # OCR's reading of a handwritten page's first line: no organisation's name
        ("wrnla txu Jun Kelso\nnoted", None),
        ("Wrnla txu (Jun Kelso\nnoted", None),
        ("Notes } ' aRbeQ Tolvan\nnoted", None),
        ('Harnla "Tiwks" Orbe Qualm\nnoted', None),
        # a family name's particle may open an organisation's name; a labelled value ends at a bar
        ("van Buren Pediatrics\nOutpatient Care", "van Buren Pediatrics"),
        ("Facility: Lakeview Health | Physicians\nnoted", "Lakeview Health"),
        # specks before a letterhead do not make it debris
        ("[ j Lakeview Physical Therapy & Rehab\nOutpatient Care", "Lakeview Physical Therapy & Rehab"),
    ],
)
def test_an_ocr_read_letterhead_gives_the_organisation_not_its_address(top: str, facility: str | None) -> None:
    from reportkit.understand.people import find_facility

    assert find_facility(page_lines(1, top + "\n" + BODY)).value == facility


def test_a_newborns_records_keep_their_date_on_the_day_of_birth() -> None:
    from reportkit.models import Page, Source
    from reportkit.understand.documents import build_documents

    chart = "NEONATAL ADMISSION NOTE\nPatient: Baby Boy Halvorsen DOB: 03/01/2024\nDate of Admission: 03/01/2024\n"
    delivery = "DELIVERY NOTE\nPatient: Ada Halvorsen DOB: 05/17/1990\nDate of Service: 03/01/2024\n"
    texts = [chart + BODY, delivery + BODY]
    pages = [Page(i + 1, 0, i + 1, "embedded", len(t)) for i, t in enumerate(texts)]
    docs, _, _ = build_documents(texts, pages, [Source("b.pdf", "0" * 64, 2, 1, 2)], set(), None)
    assert [d.date for d in docs][1] == "2024-03-01"  # the mother's delivery is dated the baby's birthday


def test_an_eobs_box_captions_read_as_a_column_are_paired_with_their_values() -> None:
    captions = "Group\nEMPLOYEE\nPATIENT\nEMPLOYER\nCLAIM NO.\n"
    eob = captions + "PETER J HALVORSEN\nSELF\nLAKEVIEW SCHOOLS\nL-58045-018\nMAIL TO:\n"
    text = normalise_ocr(eob)
    assert "EMPLOYEE: PETER J HALVORSEN\nPATIENT: SELF\nEMPLOYER: LAKEVIEW SCHOOLS\nCLAIM NO.: L-58045-018" in text
    found = read_mark(page_lines(1, text))
    assert found is not None and found.name == ("halvorsen", "peter")


@pytest.mark.parametrize(
    "text",
    [
        "EMPLOYEE\nPATIENT\nEMPLOYER\n40 years\nFemale\nLAKEVIEW SCHOOLS\n",  # a person's box without a name
        "EMPLOYEE\nPATIENT\nEMPLOYER\nPETER J HALVORSEN\n40 years\nLAKEVIEW SCHOOLS\n",  # one person's box not
        "EMPLOYEE\nPATIENT\nEMPLOYER\nSELF\nSELF\nLAKEVIEW SCHOOLS\n",  # no name at all
        "EMPLOYEE\nEMPLOYER\nPETER J HALVORSEN\nLAKEVIEW SCHOOLS\n",  # two captions: too few to tell a grid
        "EMPLOYEE\nPATIENT\nEMPLOYER\nPETER J HALVORSEN\nSELF\n",  # a value missing
    ],
)
def test_box_captions_that_do_not_prove_their_pairing_are_left_as_read(text: str) -> None:
    assert normalise_ocr(text) == text


def test_a_facility_ocr_misread_takes_the_spelling_the_bundle_gives_elsewhere() -> None:
    from reportkit.models import Page, Source
    from reportkit.understand.documents import build_documents

    def note(letterhead: str, day: int) -> str:
        patient = "Patient: Halvorsen, Peter J DOB: 05/17/1949"
        return f"{letterhead}\nPROGRESS NOTE\n{patient}\nDate of Service: 03/{day:02d}/2025\n{BODY}"

    heads = [
        "HARBORVIEW OCCUPATIONAL HEALTH",
        "HARBORVIEW OCCUPATIONAL HEALTH",
        "ARBORVIEW OCCUPATIONAL HEALTH",  # a letter lost
        "HARBORVIEW OCCUPA",  # cut short inside a word
        "HARBORVIEW OCCUPATIONAL HEAL’ Workplace Injury Care",  # debris after it
        "ST. MARY HOSPITAL",  # short: another place, not a misreading of St. Mark
        "ST. MARK HOSPITAL",
        "ST. MARK HOSPITAL",
    ]
    texts = [note(h, i + 1) for i, h in enumerate(heads)]
    pages = [Page(i + 1, 0, i + 1, "ocr", len(t)) for i, t in enumerate(texts)]
    docs, _, _ = build_documents(texts, pages, [Source("b.pdf", "0" * 64, len(texts), 1, len(texts))], set(), None)
    got = [d.facility for d in docs]
    assert got[:5] == ["HARBORVIEW OCCUPATIONAL HEALTH"] * 5 and got[5:] == heads[5:], got
    assert any("as the bundle spells it elsewhere" in r for r in docs[2].explain["facility"])

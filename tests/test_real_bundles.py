"""The failure classes seen on real-world bundles (payer faxes, chart dumps, forms, scans, several patients),
each reproduced on generated pages: a regression test per class, from a fresh clone (no corpus needed).

1. a change of patient ends a document          5. a short last page joins the document before
2. start signals on OCR'd (noisy) text          6. page counts: "Page k of N", fax counters and senders
3. section titles in a running header band       7. a change of page size or of scanned/text
4. a production's exhibit stamps                 8. a re-scan found as a near duplicate once split right
9. pages cut from a longer record, pages about something else, a file sent twice (seen when the real files
   were put together in other orders: ``bench/eval_realworld.py --shuffle``)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen import canvas

import textpdf
from reportkit.models import Page, Source
from reportkit.understand.documents import build_documents
from reportkit.understand.pagewords import PageWords
from reportkit.understand.patients import compare, names_match, read_mark
from reportkit.understand.split import Layout, band_change, signals, split
from reportkit.understand.text import fill_form_line, page_lines


def spans_of(texts: Sequence[str], layouts: Sequence[Layout] | None = None) -> list[tuple[int, int]]:
    sigs = [signals(page_lines(i + 1, t)) for i, t in enumerate(texts)]
    scanned = {i + 1 for i, layout in enumerate(layouts or ()) if layout.text_source == "ocr"}
    return [(a, b) for a, b, _ in split(sigs, {1}, set(), layouts, PageWords(texts, scanned))]


def mark(text: str):  # type: ignore[no-untyped-def]
    return read_mark(page_lines(1, text))


# -- patient identity ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "dob"),
    [
        ("Patient Name: DELACROIX, THOMAS R.\nDate of Birth: 09/22/1971", ("delacroix", "thomas"), (1971, 9, 22)),
        ("Roe, Jane A. | DOB: 11/04/1955 | MRN: LGH-2020-41177 DISCHARGE SUMMARY", ("jane", "roe"), None),
        ("Member: LINDQVIST, OSKAR J. | ID: LKV-900-12-4471 | DOB: 05/19/1988", ("lindqvist", "oskar"), (1988, 5, 19)),
        ("Clinic\nKimberly Lawrence 24/05/1977\nSummary", ("kimberly", "lawrence"), (1977, 5, 24)),
        ("Patient Name: Sarah Smith Ordering Physician: Alex Johnson, MD", ("sarah", "smith"), None),
        ("RE: Patient: FERNANDEZ, LUCIA M. (DOB 03/28/1992)", ("fernandez", "lucia"), (1992, 3, 28)),
        ("Date of Visit: 2/8/26 Patient: Lucia Ferreira DOB: 6/14/80", ("ferreira", "lucia"), (1980, 6, 14)),
    ],
)
def test_a_page_names_its_patient(text: str, name: tuple[str, ...], dob: tuple[int, int, int] | None) -> None:
    found = mark(text)
    assert found is not None and found.name == name
    if dob is not None:
        assert found.dob is not None and dob in found.dob


def test_names_of_other_people_are_not_the_patient() -> None:
    assert mark("Doctor Name: Cheryl Blankenship\nInsured's Name: John Roe") is None
    assert mark("Practice Name: ________________") is None


def test_patients_compare_by_name_birth_date_and_record_number() -> None:
    roe = mark("Patient: Jane Roe DOB: 03/11/1944")
    assert compare(roe, mark("Name: Jane Roe\nDOB: 1944-03-11")) is True
    assert compare(roe, mark("Name: Jane Roe\nDOB: 11/03/1944")) is True  # day-first: both readings kept
    assert compare(roe, mark("Patient: John Smith DOB: 07/04/1962")) is False
    assert compare(roe, mark("Patient: Jane Roe DOB: 03/17/1944")) is True  # one OCR'd digit, names agree
    assert compare(roe, mark("Patient: Mary Poe DOB: 03/17/1944")) is False
    assert compare(mark("MRN: A-1001"), mark("MRN: A-2002")) is False
    assert compare(roe, None) is None
    assert names_match(("frances", "martin", "susan"), ("susan",))
    assert names_match(("anderson", "danny"), ("andersen", "danny"))  # OCR-tolerant
    assert not names_match(("anderson", "danny"), ("danny", "wallace"))


def test_a_form_line_typed_over_pairs_values_with_labels() -> None:
    line = "Date: ________ Patient: ______________ DOB: ________ 2/8/26 Ferreira, Lucia T 6/14/80"
    assert fill_form_line(line) == "Date: 2/8/26 Patient: Ferreira, Lucia T DOB: 6/14/80"
    assert fill_form_line("Signature: ________ Date: ______") == "Signature: ________ Date: ______"
    found = mark(line)
    assert found is not None and (1980, 6, 14) in (found.dob or ())


def _typed_over_form(path: Path, values: Sequence[tuple[float, float, str]], above: str | None = None) -> None:
    """A printed form (labels and blanks) with values typed over its blanks afterwards, each at (x, y): the
    values are drawn first, so a text layer gives them before the labels, a value typed high on a line of its
    own."""
    pdf = canvas.Canvas(str(path), pagesize=letter)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(72, 740, "LAKESIDE FAMILY MEDICINE")
    pdf.setFont("Courier", 11)
    for x, y, value in values:
        pdf.drawString(x, y, value)
    pdf.setFont("Helvetica", 10)
    if above:
        pdf.drawString(72, 713, above)
    pdf.drawString(72, 700, "Date: ____________   Patient: ______________________   DOB: ____________")
    pdf.drawString(72, 670, "OFFICE VISIT. Chief complaint: follow-up of hypertension and knee pain.")
    pdf.drawString(72, 655, "Assessment: hypertension, controlled. Plan: continue lisinopril 10 mg daily.")
    pdf.drawString(72, 620, "Electronically signed by: Rajesh Patel, MD")
    pdf.save()


def test_values_typed_over_a_forms_blanks_go_to_their_labels_by_position(tmp_path: Path) -> None:
    from reportkit import IndexOptions, index_bundle
    from reportkit.ingest.pdf import extract

    form = tmp_path / "form.pdf"
    # the date typed high (the text layer puts it on the line above), the name on the line, the birth date low
    _typed_over_form(form, [(104, 712, "2/8/26"), (216, 703, "Ferreira, Lucia T"), (372, 698, "6/14/80")])
    text = extract(str(form), None, "pdfium", 0, 1)[0]
    assert "Date: 2/8/26 Patient: Ferreira, Lucia T DOB: 6/14/80" in text
    index = index_bundle([form], tmp_path / "out", IndexOptions(use_cache=False)).index
    assert index.documents[0].date == "2026-02-08"  # not the birth date, 1980
    assert [(p.name, p.date_of_birth) for p in index.patients] == [("Ferreira, Lucia T", "1980-06-14")]


def test_a_line_of_text_above_a_blank_stays_where_it_is(tmp_path: Path) -> None:
    from reportkit.ingest.pdf import extract

    form = tmp_path / "form.pdf"
    _typed_over_form(form, [], above="Reason for visit: follow-up of hypertension, knee pain and diabetes")
    text = extract(str(form), None, "pdfium", 0, 1)[0]
    assert "Reason for visit: follow-up of hypertension, knee pain and diabetes" in text
    assert "Date: ____________ Patient: ______________________ DOB: ____________" in text


def test_ocr_words_typed_above_a_blank_go_beside_its_label_and_a_line_of_text_stays() -> None:
    from reportkit.ingest.forms import fill_ocr_lines
    from reportkit.ingest.readingorder import Word

    def line(y: float, *words: tuple[str, float]) -> list[Word]:  # each word at x, 10 px per character
        return [Word(t, x, y, x + 10 * len(t), y + 20) for t, x in words]

    labels = line(100, ("Date:", 0), ("DOB:", 400))  # blanks: wide gaps after the labels (no text to OCR)
    typed = line(76, ("2/8/26", 70), ("6/14/80", 460))
    assert fill_ocr_lines([typed, labels]) == {0: None, 1: "Date: 2/8/26 DOB: 6/14/80"}
    prose = line(76, ("Reason", 0), ("for", 70), ("visit", 110), ("follow-up", 170), ("of", 270), ("knee", 300))
    assert fill_ocr_lines([prose, labels]) == {}
    far = line(20, ("2/8/26", 70))  # three lines up: not typed into this blank
    assert fill_ocr_lines([far, labels]) == {}


# -- 1. a change of patient ends a document ------------------------------------------------------------------

NOTICE = """KEEL HEALTH PLANS
Utilization Management Department
PRIOR AUTHORIZATION
DETERMINATION NOTICE
Date of Determination: {when}
MEMBER INFORMATION
Member Name: {name}
Member ID: {mid}
Date of Birth: {dob}
DETERMINATION: APPROVED
Notes: authorization valid for 60 days from the date of determination and for the service listed only."""


def test_a_change_of_patient_ends_a_document_even_under_the_same_title() -> None:
    one = NOTICE.format(when="January 30, 2026", name="ROE, JANE", mid="PHP-1", dob="09/22/1971")
    two = NOTICE.format(when="January 30, 2026", name="POE, MARK", mid="PHP-2", dob="12/03/1985")
    assert spans_of([one, two]) == [(1, 1), (2, 2)]


def test_the_same_patient_on_the_next_page_of_a_chart_is_no_start() -> None:
    page = (
        "Roe, Jane | DOB: 01/02/1950 | MRN: 555-1 NURSING NOTES\nDATE/TIME: 01/30/2026 {t}\n"
        "Resting comfortably, vitals stable, pain controlled with oral medication."
    )
    assert spans_of([page.format(t="02:00"), page.format(t="06:00"), page.format(t="11:00")]) == [(1, 3)]


# -- 2. OCR'd text ---------------------------------------------------------------------------------------------


def test_start_signals_work_on_noisy_ocr_text() -> None:
    # "Patient Narne" misread; the birth date and the name still differ from the page before
    first = "Patient Name: Susan Martin\nDOB: 08/03/1951\nChief complaint: knee pain, stable on current medication."
    second = "Patient Narne : Danny Anderson\nD.O.B: 29/02/1944\nAssesment: hypertension rernains controlled."
    third = "Patient Narne : Danny Andersen\nD.O.B: 29/02/1944\nRecommendations: continue current regimen."
    assert spans_of([first, second, third]) == [(1, 1), (2, 3)]


# -- 3. section titles in the running header band -------------------------------------------------------------

BAND = "Roe, Jane | DOB: 01/02/1950 | MRN: RCH-55 {title}\n{body}"


def test_a_running_header_whose_section_title_changes_starts_a_document() -> None:
    body = "Line of charted text that continues the record of this admission at some length."
    pages = [
        BAND.format(title="EMERGENCY DEPARTMENT NOTE", body=body),
        BAND.format(title="EMERGENCY DEPARTMENT NOTE", body=body.replace("continues", "goes on with")),
        BAND.format(title="MEDICATION ADMINISTRATION RECORD", body="01/29 20:00 Morphine 4mg IV Pain 7/10 Given"),
        BAND.format(title="MEDICATION ADMINISTRATION RECORD", body="01/30 06:00 Insulin 4 units SQ Per scale"),
        BAND.format(title="DISCHARGE INSTRUCTIONS", body=body),
    ]
    assert spans_of(pages) == [(1, 2), (3, 4), (5, 5)]
    band = "roe, jane | dob: #/#/# | mrn: rch-# "
    assert band_change(band + "discharge summary", band + "operative report") is True
    assert band_change(band + "discharge summary", band + "discharge summary") is False
    # a letterhead, then a running header that adds the patient: no section title changed
    assert (
        band_change("northfield orthopedic associates | # oak ave", "northfield orthopedic associates - roe - dob #")
        is None
    )


def test_a_new_date_under_the_same_running_header_holds_a_panel_run_together() -> None:
    lab = (
        "Roe, Jane | DOB: 01/02/1950 | MRN: RCH-55 LABORATORY RESULTS\nBASIC METABOLIC PANEL — Collected: {d}\n"
        "Glucose 142 H mg/dL 70-100 Final\nSodium 141 mEq/L 136-145 Final"
    )
    assert spans_of([lab.format(d="01/29/2026"), lab.format(d="01/30/2026"), lab.format(d="02/01/2026")]) == [(1, 3)]


# -- 4. exhibit stamps ---------------------------------------------------------------------------------------


def test_exhibit_stamps_of_a_production_split_and_hold() -> None:
    text = (
        "{k} of {n}: {ex}: Office Treatment Records\n"
        "The claimant was seen for follow-up of low back pain with no change in the plan of care."
    )
    pages = [
        text.format(k=1, n=2, ex="3F"),
        text.format(k=2, n=2, ex="3F"),
        text.format(k=1, n=1, ex="4F"),
    ]
    assert spans_of(pages) == [(1, 2), (3, 3)]
    # an exhibit sent twice: its page numbers start again, so does a document
    stamped = (
        "Exhibit 16 Page {k}\nCORRESPONDENCE\nPatient: Jane Roe\nWe enclose the requested records of the claimant."
    )
    assert spans_of([stamped.format(k=1), stamped.format(k=2), stamped.format(k=1)]) == [(1, 2), (3, 3)]


# -- 5. a short last page ------------------------------------------------------------------------------------


def test_a_short_spill_over_page_joins_the_document_before() -> None:
    note = (
        "PROGRESS NOTE\nPatient: Jane Roe DOB: 01/02/1950\nDate of Service: 03/04/2025\n"
        "Assessment: stable low back pain, continue home program and follow up in four weeks."
    )
    assert spans_of([note, "Department: Internal Medicine\nHospital: Central Medical Center"]) == [(1, 2)]
    assert spans_of([note, "DNR/DNI (MOLST on file)"]) == [(1, 2)]


# -- 6. page counts ------------------------------------------------------------------------------------------


def test_page_counts_finish_and_restart_documents() -> None:
    body = "Narrative text of the report continues here with findings and discussion of the case."
    eob = ["EXPLANATION OF BENEFITS\n" + body + "\nPage: 1 of 2", "Dear Provider,\n" + body + "\nPage: 2 of 2"]
    card = body + "\nPage 1 of 2"
    excerpt = "Patient Name\n" + body + "\nPrinted: 3/02/2019 09:12 EST Page 16 of 42"
    assert spans_of([*eob, card]) == [(1, 2), (3, 3)]
    assert spans_of([card.replace("1 of 2", "2 of 2"), excerpt]) == [(1, 1), (2, 2)]  # another numbering


def test_fax_counters_and_senders_start_transmissions() -> None:
    def fax(sender: str, k: int, n: int) -> str:
        return (
            f"02/07/2026 16:22PM FROM: {sender} (555) 661-0000 TO: (555) 867-5309 P.{k:02d}/{n:02d}\n"
            "Narrative text of the record continues on this page without any heading of its own at all."
        )

    pages = [
        fax("RIVERSIDE HOSP", 1, 2),
        fax("RIVERSIDE HOSP", 2, 2),
        fax("SUMMIT ORTHO", 1, 2),
        fax("SUMMIT ORTHO", 2, 2),
    ]
    assert spans_of(pages) == [(1, 2), (3, 4)]
    pl = page_lines(1, pages[2])
    assert pl.fax_sender == "SUMMIT ORTHO" and pl.fax_counter == (1, 2) and "FROM" not in pl.text


# -- 7. layout ------------------------------------------------------------------------------------------------


def test_a_change_of_page_size_or_of_scan_starts_a_document() -> None:
    text = "Narrative text of the record continues on this page without any heading of its own at all."
    same = [Layout((612, 792), "embedded"), Layout((612, 792), "embedded")]
    other = [Layout((612, 792), "embedded"), Layout((320, 316), "ocr")]
    assert spans_of([text, text], same) == [(1, 2)]
    assert spans_of([text, text], other) == [(1, 1), (2, 2)]
    scanner_wobble = [Layout((1206, 1588), "ocr"), Layout((1218, 1584), "ocr")]
    assert spans_of([text, text], scanner_wobble) == [(1, 2)]


# -- 9. other neighbours ---------------------------------------------------------------------------------------

NOTE = (
    "PROGRESS NOTE\nPatient: Jane Roe DOB: 01/02/1950\nDate of Service: 03/04/2025\n"
    "Assessment: stable chronic low back pain with intermittent radicular symptoms into the left leg; "
    "continue the home exercise program, naproxen as needed, and follow up in four weeks."
)
EXCERPT = (
    "NORTHGATE CARE\nPatient Name: Jane Roe\nHospital course: admitted through the emergency department "
    "with community acquired pneumonia, treated with intravenous ceftriaxone and azithromycin, oxygen weaned "
    "to room air by the third hospital day.\nPrinted: 3/02/2019 09:12 EST Page {k} of 42"
)


def test_pages_cut_from_a_longer_record_start_a_document_after_an_unnumbered_one() -> None:
    scanned_after_text = [Layout((612, 792), "embedded"), Layout((612, 792), "ocr"), Layout((612, 792), "ocr")]
    excerpt = [EXCERPT.format(k=16), EXCERPT.format(k=17).replace("admitted", "discharged")]
    assert spans_of([NOTE, *excerpt], scanned_after_text) == [(1, 1), (2, 3)]
    # a document whose first page carries no footer still holds its "Page 2 of 3" and "Page 3 of 3"
    first = NOTE.replace("PROGRESS NOTE", "NORTHGATE CARE")
    rest = [EXCERPT.replace(" of 42", " of 3").format(k=k) for k in (2, 3)]
    assert spans_of([first, *rest], scanned_after_text) == [(1, 3)]
    # nor does "Page 3 of 5" start one when OCR lost the footer of page 2: the document holds page 1 of 5
    numbered = [EXCERPT.replace(" of 42", " of 5").format(k=k) for k in (1, 2, 3)]
    numbered[1] = numbered[1].replace("Page 2 of 5", "")
    resized = [Layout((612, 792), "ocr"), Layout((612, 792), "ocr"), Layout((595, 842), "ocr")]
    assert spans_of(numbered, resized) == [(1, 3)]


MARKETING = (
    "TIRED OF FILING CABINETS?\nSwitch your practice to cloud software today. Scheduling, billing, "
    "reminders and secure messaging in one subscription. Call our sales team for a free demonstration "
    "this month and receive three months without charge. Limited offer for new customers only."
)


def test_a_page_that_shares_almost_no_words_with_the_page_before_starts_a_document() -> None:
    letter_ = (
        "DETERMINATION NOTICE\nRe: Prior authorization request for lumbar magnetic resonance imaging.\n"
        "Dear Provider, after review of the submitted clinical documentation the requested imaging service "
        "is approved for the dates listed. Please retain this notice with the member's medical record.\n"
        "Utilization Management Department"
    )
    assert spans_of([letter_, MARKETING]) == [(1, 1), (2, 2)]
    # the same heading over a page that goes on with the letter's words is no start
    more = (
        "TIRED OF FILING CABINETS?\nThe requested imaging service is approved; please retain this notice "
        "with the member's medical record. Prior authorization review of submitted clinical documentation "
        "for lumbar magnetic resonance imaging by the Utilization Management Department, dates listed."
    )
    assert spans_of([letter_, more]) == [(1, 2)]
    # the words only tip a page the other signals leave undecided: a short spill-over still joins
    spill = "Utilization Management Department, Member Services"
    assert spans_of([letter_, spill]) == [(1, 2)]
    # after such a spill-over, the document's first page says what the document is about
    assert spans_of([letter_, spill, MARKETING]) == [(1, 2), (3, 3)]
    assert spans_of([letter_, spill, more]) == [(1, 3)]


def test_a_letter_opens_after_a_page_that_greets_someone_else() -> None:
    payer = (
        "Claims for this member are processed under the benefits of the health plan; please send the "
        "information requested, with the claim number, to the department named above within the days stated."
    )
    explanation = "Dear Provider,\nYour claim has been reviewed. " + payer
    letter_ = "LAKEVIEW MUTUAL HEALTH\nMember Relations Office\nDear Billing Department,\nOther coverage? " + payer
    assert spans_of([explanation, letter_]) == [(1, 1), (2, 2)]
    # the same greeting on the next page is a run of one form letter, not a letter opening
    again = letter_.replace("Dear Billing Department,", "Dear Provider:")  # OCR read the comma a colon
    assert spans_of([explanation, again]) == [(1, 2)]
    assert signals(page_lines(2, letter_)).title_type is None  # a greeting is no title ("billing")


def test_a_file_sent_twice_in_a_row_is_two_documents_and_the_second_a_copy() -> None:
    vitals = (
        "VITALS RECORD\nPatient: Jane Roe Patient ID: PID-20417 DOB: 1950-01-02\n"
        "Date: 2025-09-19 Blood pressure 128/82 Pulse 72 Temperature 36.8 Respiratory rate 14 SpO2 98%"
    )
    trend = "Trend: stable, no fever. Reviewed by the nurse on duty."  # a second page of a line or two
    assert spans_of([vitals, trend]) == [(1, 2)]
    texts = [vitals, trend, vitals, trend]
    pages = [Page(i + 1, 0, i + 1, "embedded", len(t)) for i, t in enumerate(texts)]
    docs, _, _ = build_documents(texts, pages, [Source("b.pdf", "0" * 64, 4, 1, 4)], set(), None)
    assert [(d.first_page, d.last_page) for d in docs] == [(1, 2), (3, 4)]
    assert docs[1].duplicate_of == docs[0].id
    # a page like the first but for its readings is the next reading, not the document again
    later = vitals.replace("128/82", "134/88").replace("Pulse 72", "Pulse 80")
    assert PageWords([vitals, later]).same_text(1, 2) is False
    # a chart's pages printed on one template read the same when OCR lost the writing on them: one document
    template = "DAILY TREATMENT FLOWSHEET\nPatient: Jane Roe MRN 00412\nDate Exercise Sets Reps Initials\n" + "_" * 60
    assert spans_of([template] * 4, [Layout((612, 792), "ocr")] * 4) == [(1, 4)]
    # a born-digital page sent twice is a copy; a one-page document sent twice by a scan cannot be told from that
    alone = vitals + "\n" + trend
    assert spans_of([alone, alone]) == [(1, 1), (2, 2)]
    assert spans_of([alone, alone], [Layout((612, 792), "ocr")] * 2) == [(1, 2)]
    assert spans_of([vitals, trend, vitals, trend.replace("stable", "higher")]) == [(1, 4)]  # not sent again


# -- 8. near duplicates once split right ---------------------------------------------------------------------

LAB = """GRANITE PEAK REFERENCE LABORATORY
LABORATORY REPORT - COMPLETE BLOOD COUNT (CBC) WITH DIFFERENTIAL
Patient: {name} DOB: {dob}
Ordering Physician: Dr. Nora Whitfield, DO Collection Date: 01/27/2026 08:15
WBC {wbc} H x10^3/uL 4.5 - 11.0 Final
RBC 4.52 x10^6/uL 3.80 - 5.10 Final
Hemoglobin 13.1 g/dL 12.0 - 16.0 Final
Hematocrit 39.2 % 36.0 - 46.0 Final
Platelet Count 245 x10^3/uL 150 - 400 Final
COMMENT: WBC and absolute neutrophil count mildly elevated. Clinical correlation recommended.
Reviewed & Released by: James T. Fujimori, MD, PhD - Laboratory Director"""


def test_a_rescan_between_other_patients_records_is_found_as_a_copy() -> None:
    original = LAB.format(name="ABERNATHY, HELENA A.", dob="04/15/1958", wbc="11.8")
    other = (
        "PROGRESS NOTE\nPatient: Lucia Ferreira DOB: 06/14/1980\nDate of Service: 02/08/2026\n"
        "Seen today for follow-up of hypertension; increase lisinopril."
    )
    rescan = original.replace("x10^3", "x10%3").replace("WBC and", "WE8C and").replace("13.1", "13.l")
    texts = [original, other, rescan]
    pages = [Page(i + 1, 0, i + 1, "ocr" if i == 2 else "embedded", len(t)) for i, t in enumerate(texts)]
    sources = [Source("bundle.pdf", "0" * 64, 3, 1, 3)]
    layouts = [(612, 792), (612, 792), (612, 792)]
    docs, _, patients = build_documents(texts, pages, sources, set(), None, sizes=layouts)
    assert [(d.first_page, d.last_page) for d in docs] == [(1, 1), (2, 2), (3, 3)]
    assert docs[2].duplicate_of == docs[0].id
    assert docs[0].patient == docs[2].patient != docs[1].patient
    assert len(patients) == 2 and sum(p.main for p in patients) == 1


def test_a_rescan_filed_right_after_its_original_is_its_own_document_and_a_copy() -> None:
    original = LAB.format(name="ABERNATHY, HELENA A.", dob="04/15/1958", wbc="11.8")
    rescan = original.replace("x10^3", "x10%3").replace("WBC and", "WE8C and").replace("13.1", "13.l")
    texts = [original, rescan]
    pages = [Page(1, 0, 1, "embedded", len(original)), Page(2, 0, 2, "ocr", len(rescan))]
    docs, _, _ = build_documents(texts, pages, [Source("b.pdf", "0" * 64, 2, 1, 2)], set(), None)
    assert [(d.first_page, d.last_page) for d in docs] == [(1, 1), (2, 2)]
    assert docs[1].duplicate_of == docs[0].id
    # a second page read the same way as the first stays the document's page, however alike
    same_way = [Page(1, 0, 1, "ocr", len(original)), Page(2, 0, 2, "ocr", len(rescan))]
    docs, _, _ = build_documents(texts, same_way, [Source("b.pdf", "0" * 64, 2, 1, 2)], set(), None)
    assert [(d.first_page, d.last_page) for d in docs] == [(1, 2)]


HP = """HISTORY AND PHYSICAL
Patient Name: {name}          Financial Number: 448120
Date of Birth: {dob}          Patient Location: 4 West
Chief Complaint
Shortness of breath and generalized fatigue for two weeks.
History of Present Illness
The patient is a 64-year-old man with hypertension, heart failure with preserved ejection fraction, pulmonary
hypertension and permanent atrial fibrillation on apixaban, with a history of gastrointestinal bleeding and
anemia, who presents with two weeks of generalized fatigue, worsening dyspnea with minimal exertion and diffuse
joint pains. He denies fevers, chills, chest pain and palpitations. He ran out of apixaban a few weeks ago.
Past Medical History
Arthritis; congestive heart failure; chronic kidney disease; chronic venous insufficiency; glaucoma; gout.
Assessment and Plan
Acute on chronic diastolic heart failure: intravenous furosemide, daily weights, strict intake and output.
Atrial fibrillation: resume apixaban, rate control with metoprolol. Anemia: iron studies, transfuse below 7."""


def _reocr(text: str, seed: int) -> str:
    """What printing, faxing and OCR'ing a page again does: look-alike letters misread (e/c, o/a, l/i/1, h/b,
    m/rn, t/f) in one word out of four or so, a letter lost now and then, and the two-column patient block read
    column by column instead of line by line."""
    import random

    rng = random.Random(seed)
    swaps = {"e": "c", "o": "a", "l": "i", "i": "l", "h": "b", "m": "rn", "t": "f", "s": "5", "y": "v"}
    lines = text.split("\n")
    left = [ln.split("          ")[0] for ln in lines[1:3]]
    right = [ln.split("          ")[1] for ln in lines[1:3]]
    lines = [lines[0], *left, *right, *lines[3:]]
    out = []
    for c in "\n".join(lines):
        roll = rng.random()
        if c in swaps and roll < 0.09:
            out.append(swaps[c])
        elif c.isalpha() and roll < 0.012:
            continue
        else:
            out.append(c)
    return "".join(out)


def _copies(texts: Sequence[str], sources: Sequence[str]) -> list[tuple[int, str | None, list[str]]]:
    pages = [Page(i + 1, 0, i + 1, source, len(t)) for i, (t, source) in enumerate(zip(texts, sources, strict=True))]
    docs, _, _ = build_documents(texts, pages, [Source("b.pdf", "0" * 64, len(texts), 1, len(texts))], set(), None)
    assert len(docs) == len(texts)
    return [(d.first_page, d.duplicate_of, d.warnings) for d in docs]


def test_a_rescan_whose_ocr_misread_many_words_is_found_by_its_letters() -> None:
    from reportkit.understand.duplicates import DEFAULT_THRESHOLD, jaccard, letter_grams, shingles

    original = HP.format(name="Walter Brennan", dob="03/02/1961")
    rescan = _reocr(original, seed=7)
    other = (
        "PROGRESS NOTE\nPatient: Lucia Ferreira DOB: 06/14/1980\nDate of Service: 02/08/2026\n"
        "Seen today for follow-up of hypertension; blood pressure well controlled; continue lisinopril."
    )
    words = jaccard(shingles(original), shingles(rescan))
    letters = jaccard(letter_grams(original), letter_grams(rescan))
    assert words < DEFAULT_THRESHOLD - 0.25 < letters  # word shingles alone miss it
    found = _copies([original, other, rescan], ["embedded", "embedded", "ocr"])
    assert [dup for _, dup, _ in found] == [None, None, "D0001"]
    assert any("re-scanned duplicate of D0001" in w and "letter by letter" in w for w in found[2][2])
    # the same pages, none of them OCR'd: text layers that differ this much are different documents
    assert [dup for _, dup, _ in _copies([original, other, rescan], ["embedded"] * 3)] == [None, None, None]


def test_a_record_of_another_patient_is_never_a_copy() -> None:
    first = HP.format(name="Walter Brennan", dob="03/02/1961")
    second = HP.format(name="Harold Finch", dob="11/23/1949")  # the same template and words, another patient
    between = (
        "PROGRESS NOTE\nPatient: Lucia Ferreira DOB: 06/14/1980\nDate of Service: 02/08/2026\n"
        "Seen today for follow-up of hypertension; blood pressure well controlled; continue lisinopril."
    )
    for sources in (["embedded"] * 3, ["ocr"] * 3):
        assert [dup for _, dup, _ in _copies([first, between, second], sources)] == [None, None, None]
        assert [dup for _, dup, _ in _copies([first, between, first], sources)] == [None, None, "D0001"]


# -- end to end: a generated multi-patient bundle ----------------------------------------------------------


def _bundle(path: Path) -> None:
    """Three patients' records in one file: a two-page chart excerpt of the main patient, a misfiled lab
    report of another patient on A4, the main patient's letter."""
    band = "Okafor, Daniel R. | DOB: 09/23/1981 | MRN: LOS-77120 {t}"
    lab = [
        "REGIONAL LABORATORY",
        "LABORATORY REPORT",
        "Patient: POE, MARK DOB: 12/03/1975",
        "Collected: 03/02/2024",
        "WBC 7.1 x10^3/uL Final",
        "Reviewed by: Ann Lee, MD",
    ]
    letter_page = [
        "LAKESHORE ORTHOPEDIC",
        "Patient: Daniel R. Okafor DOB: 09/23/1981",
        "Dear Adjuster,",
        "I saw Mr. Okafor on 03/05/2024 for low back pain.",
        "Sincerely,",
        "Helen Castellano, MD",
    ]
    textpdf.write(
        path,
        [
            [band.format(t="EMERGENCY DEPARTMENT NOTE"), "Date of Service: 03/01/2024", "CHIEF COMPLAINT: back pain."],
            [band.format(t="EMERGENCY DEPARTMENT NOTE"), "Assessment: lumbar strain.", "Page 2"],
            (lab, A4),
            letter_page,
        ],
    )


def test_a_bundle_of_several_patients_is_indexed_with_its_patients(tmp_path: Path) -> None:
    from reportkit import IndexOptions, index_bundle

    source = tmp_path / "records" / "bundle.pdf"
    source.parent.mkdir()
    _bundle(source)
    result = index_bundle([source], tmp_path / "out", IndexOptions(use_cache=False, jobs=1, ocr="never"))
    data = json.loads((tmp_path / "out" / "index.json").read_text(encoding="utf-8"))
    spans = sorted((d["first_page"], d["last_page"]) for d in data["documents"])
    assert spans == [(1, 2), (3, 3), (4, 4)]
    by_page = {d["first_page"]: d for d in data["documents"]}
    main = [p for p in data["patients"] if p["main"]]
    assert len(data["patients"]) == 2 and len(main) == 1
    assert main[0]["date_of_birth"] == "1981-09-23" and main[0]["pages"] == 3
    assert by_page[1]["patient"] == by_page[4]["patient"] == main[0]["id"] != by_page[3]["patient"]
    assert any(w.startswith("names another patient") for w in by_page[3]["warnings"])
    assert not any(w.startswith("names another patient") for w in by_page[1]["warnings"])
    assert any("other than the bundle's main patient" in w for w in data["warnings"])
    chronology = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    marked = [ln for ln in chronology.splitlines() if "ANOTHER PATIENT" in ln and ln.startswith("| D")]
    assert len(marked) == 1 and "| p. 3 |" in marked[0]  # the misfiled row says so itself
    review = chronology.split("## For review", 1)[1]
    assert review.strip().splitlines()[0].startswith("- D") and "names another patient" in review.splitlines()[2]
    assert result.index.patients[0].evidence is not None
    import csv

    rows = list(csv.DictReader((tmp_path / "out" / "index.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert sorted(r["patient"].endswith("(another patient)") for r in rows) == [False, False, True]


def test_packet_refuses_another_patients_record_until_a_reviewer_confirms_it(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reportkit import IndexOptions, index_bundle
    from reportkit.cli import app

    records = tmp_path / "records"
    records.mkdir()
    _bundle(records / "bundle.pdf")
    runner = CliRunner()
    refused = runner.invoke(app, ["packet", str(records), "--out", str(tmp_path / "packet"), "--prefix", "OKAFOR",
                                  "--no-ledger"])  # fmt: skip
    assert refused.exit_code == 3, refused.output
    assert "name another patient" in refused.output and "p. 3" in refused.output
    assert "POE" not in refused.output  # no record text in messages
    assert not (tmp_path / "packet").exists()

    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("documents:\n  - pages: 3\n    patient_confirmed: true\n", encoding="utf-8")
    options = IndexOptions(use_cache=False, jobs=1, ocr="never", overrides=overrides)
    confirmed = index_bundle([records], tmp_path / "index", options)
    doc = next(d for d in confirmed.index.documents if d.first_page == 3)
    assert "patient" in doc.overridden
    assert not any(w.startswith("names another patient") for w in doc.warnings)
    assert any(w.startswith("reviewer confirmed (overrides line 2)") for w in doc.warnings)
    made = runner.invoke(app, ["packet", str(records), "--out", str(tmp_path / "packet"), "--prefix", "OKAFOR",
                               "--no-ledger", "--index", str(tmp_path / "index" / "index.json")])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert (tmp_path / "packet" / "manifest.json").is_file() or any((tmp_path / "packet").iterdir())


def test_patient_confirmed_must_be_true_or_false(tmp_path: Path) -> None:
    from reportkit.errors import InputError
    from reportkit.overrides import read_overrides

    path = tmp_path / "o.yaml"
    path.write_text("documents:\n  - pages: 3\n    patient_confirmed: maybe\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3: patient_confirmed must be true or false"):
        read_overrides(path)


# -- dates on forms, letters and day-first documents (the companion issue's classes 1 and 3) ---------------


def _date(text: str, doc_type: str = "progress_note") -> str | None:
    from reportkit.understand.dates import choose_date

    return choose_date([page_lines(1, text)], doc_type).value


def test_a_document_that_writes_dates_day_first_is_read_day_first() -> None:
    note = "Patient Summary\nName: Danny Anderson\nDOB: 29/02/1944\nRecorded Date: 03/11/2024\nPrinted 22/04/2025"
    assert _date(note) == "2024-11-03"
    us = "Office visit\nDOB: 02/28/1944\nDate of Service: 03/11/2024"
    assert _date(us) == "2024-03-11"
    spanish = "Consulta externa\nFecha de servicio: 03/11/2024\nPaciente: Ana Ruiz"
    assert _date(spanish) == "2024-11-03"
    mixed = "Visit\nDate of Service: 03/11/2024\nLab drawn 25/10/2024 and 10/25/2024"
    from reportkit.understand.dates import choose_date

    assert any(
        "both day first and month first" in w for w in choose_date([page_lines(1, mixed)], "progress_note").warnings
    )


def test_dates_that_are_not_care_do_not_date_a_document() -> None:
    refill = (
        "PRESCRIPTION REFILL REQUEST\nDate/Time: 02/10/2026 09:17 AM\nPlease respond. Patient last seen: 10/28/2025."
    )
    assert _date(refill, "correspondence") == "2026-02-10"
    offer = "TIRED OF FILING CABINETS?\nSign up by March 15, 2026 and get 3 months free"
    assert _date(offer, "other") is None
    guide = "Sample claim form guide\nReferences: 1. CMS forms. Accessed 02-01-2021."
    assert _date(guide, "billing") is None
    letter = "BLUE RIVER HEALTH\nFax Date: 02/06/2026\nDear Billing Department,\nClaim DOS: 01/15/2026 pending."
    assert _date(letter, "correspondence") == "2026-02-06"


# -- types of forms, letters and chart pages (the companion issue's class 8) ------------------------------


@pytest.mark.parametrize(
    ("text", "doc_type"),
    [
        ("LAKESIDE ORTHOPEDIC CLINIC\nREQUEST FOR MEDICAL RECORDS\nPatient Name: Roe, Jane", "correspondence"),
        ("KEEL HEALTH PLANS\nPRIOR AUTHORIZATION\nDETERMINATION NOTICE\nMember: Roe, Jane", "correspondence"),
        ("MAPLE RIDGE PHARMACY\nPRESCRIPTION REFILL REQUEST\nPatient Name: Roe, Jane", "correspondence"),
        ("LAKEVIEW GENERAL HOSPITAL\nMEDICAL RECORDS TRANSMISSION\nPAGES: 40", "other"),
        ("Roe, Jane | DOB: 01/02/1950\nMEDICATION ADMINISTRATION RECORD\n01/29 20:00 Morphine", "other"),
        ("DISCHARGE INSTRUCTIONS\nYou had surgery to remove your appendix.", "other"),
        ("NURSING NOTES\nDATE/TIME: 01/30/2026 02:00 NURSE: T. Obi, RN", "progress_note"),
        ("ANESTHESIA RECORD — PAGE 1\nANESTHESIOLOGIST: Dr. Pat Hwang, MD", "procedure_note"),
        (
            "Clinic\nKimberly Lawrence 24/05/1977\nSierra Valley Medical Institute\nPatient Summary\nVitals",
            "progress_note",
        ),
        ("TACTICAL COMBAT CASUALTY CARE (TCCC) CARD\nNAME: Roe", "emergency"),
        ("t\nHEALTH INSURANCE CLAIM FOAM\nREAD BACK OF FORM", "billing"),
        ("TIRED OF FILING CABINETS?\nThis advertisement complies with the Telephone Consumer Protection Act", "other"),
        (
            "RAJESH PATEL, MD - INTERNAL MEDICINE\nRE: F/U visit - HTN mgmt, DM control\nPt seen today for f/u.",
            "progress_note",
        ),
    ],
)
def test_forms_letters_and_chart_pages_get_the_nearest_type(text: str, doc_type: str) -> None:
    from reportkit.understand.classify import classify

    assert classify([page_lines(1, text)]).doc_type == doc_type


# -- who wrote it (the companion issue's classes 4 and 5) ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "doc_type", "provider"),
    [
        ("MEDICAL RECORDS TRANSMISSION\nTO: Silver Birch Family Medicine — Dr. Nora Whitfield, DO\nPAGES: 40",
         "other", None),
        ("PRIOR AUTHORIZATION\nATTN: Dr. Nora Whitfield, DO\nRequested by: Dr. Nora Whitfield, DO — NPI 987\n"
         "Reviewed by: Dr. Howard P. Gaines, MD, MBA — Medical Director", "correspondence", "Howard P. Gaines, MD"),
        ("ANESTHESIA RECORD — PAGE 1\nANESTHESIOLOGIST: Dr. Patricia Hwang, MD\nCRNA: Michael Torres, CRNA",
         "procedure_note", "Dr. Patricia Hwang, MD"),
        ("DISCHARGE INSTRUCTIONS\nPatient Signature: ____ Date: 02/01/2026\nWitness: S. Martinez, RN", "other", None),
        ("EXPLANATION OF BENEFITS\nHOUSE CALL MD INC\n1171 S ROBERTSON BLVD", "billing", None),
        ("Patient Summary\nDoctor Information\nDoctor Name:\nCheryl\nBlankenship\nDoctor Unique ID:", "progress_note",
         "Cheryl Blankenship"),
        ("H & P\nThe patient was discussed with Dr. Persad. Plan: diurese.", "history_and_physical", None),
    ],
)  # fmt: skip
def test_the_author_is_not_the_addressee_the_requester_a_witness_or_a_company(
    text: str, doc_type: str, provider: str | None
) -> None:
    from reportkit.understand.people import find_provider

    assert find_provider([page_lines(1, text)], doc_type).value == provider


def test_a_fax_cover_has_no_author() -> None:
    cover = "FAX COVER SHEET\nTO: Dr. Nora Whitfield, DO\nFROM: Meadowbrook Urgent Care\nSENDER: Kira Johannsen, RN"
    pages = [Page(1, 0, 1, "embedded", len(cover))]
    docs, _, _ = build_documents([cover], pages, [Source("f.pdf", "0" * 64, 1, 1, 1)], set(), None)
    assert docs[0].doc_type == "other" and docs[0].provider is None


# -- how sure: confidence per value, least certain first under For review ------------------------------------


def test_each_value_has_a_confidence_and_doubtful_boundaries_are_listed_first() -> None:
    from reportkit.index.export import review_lines
    from reportkit.models import RecordIndex

    strong = (
        "PROGRESS NOTE\nPatient: Jane Roe DOB: 01/02/1950\nDate of Service: 03/04/2025\nProvider: Ann Lee, MD\n"
        "Assessment: stable.\nPlan: continue the home program and return in four weeks."
    )
    weak = (
        "Re: the claim\nDear Sir,\nThe narrative of this letter goes on about the case at some length, as letters "
        "do, and asks for nothing more than a reply by return of post."
    )
    texts = [strong, weak]
    pages = [Page(i + 1, 0, i + 1, "embedded", len(t)) for i, t in enumerate(texts)]
    docs, _, patients = build_documents(texts, pages, [Source("f.pdf", "0" * 64, 2, 1, 2)], set(), None)
    assert [(d.first_page, d.last_page) for d in docs] == [(1, 1), (2, 2)]
    first, second = docs
    assert set(first.confidence) == {"boundary", "doc_type", "date", "provider", "facility"}
    assert first.confidence["boundary"] == 1.0  # the bundle's first page
    assert first.confidence["date"] > 0.8 and first.confidence["provider"] > 0.8
    assert second.confidence["boundary"] < 0.8 and second.confidence["date"] == 0.0
    assert any(w.startswith("uncertain start at page 2") for w in second.warnings)
    index = RecordIndex(sources=[], page_count=2, pages=pages, documents=docs, patients=patients)
    review = review_lines(index)
    assert "uncertain start at page 2" in review[0]


def test_a_value_the_reviewer_set_is_certain(tmp_path: Path) -> None:
    from reportkit.overrides import apply_fields, read_overrides

    note = "PROGRESS NOTE\nPatient: Jane Roe\nSeen today."
    pages = [Page(1, 0, 1, "embedded", len(note))]
    sources = [Source("f.pdf", "0" * 64, 1, 1, 1)]
    docs, _, _ = build_documents([note], pages, sources, set(), None)
    assert docs[0].confidence["date"] == 0.0
    path = tmp_path / "o.yaml"
    path.write_text("documents:\n  - pages: 1\n    date: 2025-03-04\n", encoding="utf-8")
    fixed, stale = apply_fields(docs, read_overrides(path), sources)
    assert not stale and fixed[0].confidence["date"] == 1.0 and fixed[0].date == "2025-03-04"


def test_a_bill_is_dated_by_its_service_lines_not_its_receipt_or_references() -> None:
    eob = (
        "EXPLANATION OF BENEFITS\nRECEIPT DATE: 11/26/24\n"
        "JOY N FRASIER 19568019B 11/13/24 99310 1 154.24 154.24 0.00 38.56 113.37\n"
        "JOY N FRASIER 19564832B 10/11/24 99310 1 154.24 154.24 0.00 38.56 113.37"
    )
    assert _date(eob, "billing") == "2024-10-11"
    guide = (
        "Sample CMS-1500 Claim Form\nReferences: 1. Centers for Medicare. CMS forms. Accessed\n02-01-2021. 2. Billing"
    )
    assert _date(guide, "billing") is None


# -- a garbage text layer is OCR'd again (the companion issue's class 7) ------------------------------------


def test_a_failed_ocr_layer_is_taken_for_garbage_and_a_real_one_is_not() -> None:
    from reportkit.ingest.textquality import garbled_share, needs_ocr

    junk = (
        "HEALTH INSURANCE CLAIM FOAM Afl!FllfOlt!O BY HAT~N.. \\.INFCJIA ct.>Jt4 co.une NUCQ CQCI ~ rr A l'9lll'I "
        "lrt lllrn READ BACK Of FORM BEFORE COMPlETNG l SON NG 1H IS F0ff.4. 13 1 NSUAED'S 00 AUTHOAIZB) PERSOl'S "
        "1~ PA..-IS'r.S a; AIJT.11CAl2ED PERSCNS 9~~ TURE I autho1ze tie release a any mooieal or otier lnfO'malon"
    )
    real = (
        "PROGRESS NOTE Patient: Jane Roe DOB: 01/02/1950 MRN: LGH-2020-41177 Date of Service: 03/04/2025. "
        "Assessment: L4-5 disc extrusion (M51.16), BP 128/82, SpO2 98%, WBC 11.8 x10^3/uL; plan PT 2x/week."
    )
    assert garbled_share(junk) >= 0.15 > garbled_share(real)
    assert needs_ocr(junk, 10) and not needs_ocr(real, 10)


def test_a_claim_form_whose_title_ocr_lost_is_billing() -> None:
    from reportkit.understand.classify import classify

    form = "pea\n@ OTHER UNSUREDS POLICY OR GROUP NUMBER\n100. CLAIM CODES (Designated by NUCC)\nPATIENT AND INSURED"
    assert classify([page_lines(1, form)]).doc_type == "billing"


def test_a_draft_never_cites_another_patients_record_nor_counts_it_in_gaps(tmp_path: Path) -> None:
    from draft_helpers import IME_SAMPLE, docx_text, sample_copy
    from reportkit.draft.pipeline import DraftOptions, draft_case

    case = sample_copy(IME_SAMPLE, tmp_path)
    _bundle(case / "records" / "99-misfiled.pdf")  # the examinee's chart pages, a letter and another patient's lab
    result = draft_case(case, DraftOptions(formats=("docx",)))
    assert any("another patient than the bundle's main one left out of the draft" in w for w in result.warnings)
    assert not any("POE" in w for w in result.warnings)  # named by id and pages, never by the patient's name
    text = docx_text(next(p for p in result.written if p.suffix == ".docx"))
    assert "REGIONAL LABORATORY" not in text and "Okafor" in text
    index = json.loads((case / "index" / "index.json").read_text(encoding="utf-8"))
    stranger = next(d for d in index["documents"] if d["facility"] == "REGIONAL LABORATORY")
    assert all(stranger["id"] not in (g["after"], g["before"]) for g in index["gaps"])
    assert any("left out of the treatment gaps" in w for w in index["warnings"])


def test_confirming_every_misfiled_record_clears_the_bundle_warning(tmp_path: Path) -> None:
    from reportkit import IndexOptions, index_bundle

    records = tmp_path / "records"
    records.mkdir()
    _bundle(records / "bundle.pdf")
    overrides = tmp_path / "o.yaml"
    overrides.write_text("documents:\n  - pages: 3\n    patient_confirmed: true\n    note: same claim\n", "utf-8")
    index = index_bundle([records], tmp_path / "i", IndexOptions(use_cache=False, ocr="never", overrides=overrides))
    assert not index.index.misfiled()
    assert not any("other than the bundle's main patient" in w for w in index.index.warnings)
    doc = next(d for d in index.index.documents if d.first_page == 3)
    assert (
        doc.evidence["patient"].rule == "override (overrides line 2)"
        and doc.evidence["patient"].snippet == "same claim"
    )

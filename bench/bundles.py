"""Labelled bundles for the accuracy harness: notes (bench/notes.py) laid out as the PDFs a records request
brings back, with the truth for every document.

A bundle is one patient's records from several providers, one PDF per provider, each provider's documents in
date order (records arrive grouped by provider). Every provider's file has its own layout: letterhead,
patient block, date labels and formats, title, running header, fax header, page footer, provider form,
signature; some files start with a fax cover sheet (its own ``other`` document) and some documents end with
a blank page (which belongs to the document before it, as the README says).

Layouts are numbered; ``layout(n)`` is fixed by its number. Numbers 3, 7, 11, ... (n % 4 == 3) are held out.

``real=True`` adds what real bundles have and tidy ones do not (each from its own random stream, so bundles
without it are as before): a hospital's chart pages under a running patient band that carries the section's
title ("ROE, JANE | DOB: … | MRN: …    NURSING NOTES"); documents whose last two lines spill onto a page of
their own; in a production (``merged``), exhibit stamps ("Exhibit 12 Page 2") or a disability file's exhibit
headers ("2 of 3: 12F: Office Treatment Records"); and a re-scan, an image-only,
fax-like copy of an earlier document filed at the end (found only by OCR; the truth says whose copy it is).
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from notes import Note

N_LAYOUTS = 40
TUNE_LAYOUTS = [n for n in range(N_LAYOUTS) if n % 4 != 3]
HELD_OUT_LAYOUTS = [n for n in range(N_LAYOUTS) if n % 4 == 3]

DATE_FORMATS = (
    "{d:%m/%d/%Y}",  # 03/14/2024
    "{d:%B} {d.day}, {d.year}",  # March 14, 2024
    "{d:%Y-%m-%d}",  # 2024-03-14
    "{d.day:02d}-{d:%b}-{d.year}",  # 14-Mar-2024
    "{d.month}/{d.day}/{d:%y}",  # 3/14/24
    "{d.day} {d:%B} {d.year}",  # 14 March 2024
    "{d:%b} {d.day}, {d.year}",  # Mar 14, 2024
)


def date_text(d: date, style: int) -> str:
    return DATE_FORMATS[style % len(DATE_FORMATS)].format(d=d)


def all_renderings(iso: str) -> list[str]:
    d = date.fromisoformat(iso)
    return [date_text(d, s) for s in range(len(DATE_FORMATS))]


# The chronology date's labels by type (the README's convention); "" means the date stands alone (letters).
DATE_LABELS: dict[str, list[str]] = {
    "discharge_summary": ["Discharge Date:", "Date of Discharge:", "DISCHARGE DATE:"],
    "history_and_physical": ["Admission Date:", "Date of Admission:", "Date of Service:", "ADMIT DATE:"],
    "imaging": ["Exam Date:", "Date of Exam:", "Study Date:", "DATE OF SERVICE:", "Exam Performed:"],
    "lab_report": ["Collected:", "Collection Date:", "Date Collected:", "Specimen Collected:"],
    "pathology": ["Collected:", "Date Collected:", "Date of Procedure:", "Procedure Date:"],
    "operative_report": ["Date of Surgery:", "Date of Procedure:", "Surgery Date:", "DATE OF OPERATION:"],
    "procedure_note": ["Date of Procedure:", "Procedure Date:", "DOS:", "Date of Service:"],
    "correspondence": ["", "Date:"],
    "referral": ["Referral Date:", "Date:", "Date of Referral:"],
    "ime_report": ["Date of Examination:", "Exam Date:", "Date of Evaluation:", "Date of Exam:"],
    "billing": ["Date of Service:", "DOS:", "Service Date:"],
}
SERVICE_LABELS = ["Date of Service:", "DOS:", "Visit Date:", "Encounter Date:", "Date of Visit:", "Exam Date:"]
GENERIC_TITLES = {
    "discharge_summary": ["DISCHARGE SUMMARY", "Discharge Summary", "HOSPITAL DISCHARGE SUMMARY"],
    "emergency": ["EMERGENCY DEPARTMENT REPORT", "ED Physician Note", "EMERGENCY ROOM RECORD"],
    "imaging": ["RADIOLOGY REPORT", "Diagnostic Imaging Report", "IMAGING REPORT"],
    "pathology": ["SURGICAL PATHOLOGY REPORT", "Pathology Report"],
    "correspondence": [],
    "ime_report": ["INDEPENDENT MEDICAL EVALUATION", "Independent Medical Examination Report"],
    "progress_note": ["PROGRESS NOTE", "Office Visit", "FOLLOW-UP VISIT", "Clinic Note"],
    "therapy": ["PHYSICAL MEDICINE AND REHABILITATION NOTE", "Rehabilitation Progress Note"],
    "consultation": ["CONSULTATION", "Consultation Report", "NEW PATIENT CONSULTATION"],
    "history_and_physical": ["HISTORY AND PHYSICAL", "Admission History & Physical", "H&P"],
    "operative_report": ["OPERATIVE REPORT", "Operative Note"],
    "procedure_note": ["PROCEDURE NOTE", "Procedure Report"],
    "referral": ["REFERRAL", "Referral Note", "Request for Consultation"],
}
FIRST = [
    "Alan",
    "Maria",
    "Grace",
    "Omar",
    "Lena",
    "Victor",
    "Priya",
    "Tomas",
    "Helen",
    "Kwame",
    "Irene",
    "Joel",
    "Nadia",
    "Samuel",
    "Ruth",
    "Dmitri",
    "Aiko",
    "Felix",
    "Yara",
    "Colin",
    "Marisol",
    "Bernard",
]
LAST = [
    "Whitfield",
    "Okonkwo",
    "Brandt",
    "Castillo",
    "Nakamura",
    "Lindqvist",
    "Abernathy",
    "Petrov",
    "Moreau",
    "Haddad",
    "Oyelaran",
    "Sorensen",
    "Delgado",
    "Fitzgerald",
    "Achebe",
    "Kowalski",
    "Tanaka",
    "Murray",
    "Vance",
    "Romero",
    "Ellison",
    "Baptiste",
]
ANY = {"billing", "other", "correspondence"}
# practice → (types it writes, credentials of its clinicians, facility names)
PRACTICES: dict[str, tuple[set[str], list[str], list[str]]] = {
    "hospital": (
        {"emergency", "history_and_physical", "operative_report", "discharge_summary", "consultation", "imaging",
         "lab_report", "pathology", "procedure_note", "progress_note"} | ANY,
        ["MD", "DO", "MD, FACS", "M.D."],
        ["Riverside Medical Center", "St. Agnes Hospital", "Mercy Regional Health", "St. Brendan Regional Hospital"],
    ),
    "orthopaedics": (
        {"progress_note", "consultation", "operative_report", "procedure_note", "work_status", "referral", "imaging"}
        | ANY,
        ["MD", "DO", "PA-C", "NP", "MD, FACS"],
        ["Northfield Orthopedic Associates", "Westbrook Spine & Sports", "Eastside Surgical Group"],
    ),
    "pain": (
        {"progress_note", "consultation", "procedure_note", "referral", "work_status"} | ANY,
        ["MD", "DO", "NP"],
        ["Harbor Pain Institute", "Pinecrest Neurology", "Summit Interventional Pain"],
    ),
    "occupational": (
        {"progress_note", "work_status", "referral", "consultation", "lab_report"} | ANY,
        ["MD", "DO", "PA-C", "NP"],
        ["Granite State Occupational Health", "Cedar Valley Clinic", "Summit Internal Medicine"],
    ),
    "therapy": (
        {"therapy", "progress_note"} | ANY,
        ["PT, DPT", "DC", "PT", "OTR/L"],
        ["Bayside Physical Therapy", "Keystone Chiropractic Center", "Motion Rehab & Sports Therapy"],
    ),
    "imaging": ({"imaging"} | ANY, ["MD", "DO"], ["Lakeview Imaging Center", "Open MRI of Dayton"]),
    "laboratory": ({"lab_report", "pathology"} | ANY, ["MD", "DO"], ["Clearwater Diagnostic Laboratory"]),
    "ime": (
        {"ime_report", "correspondence", "referral"} | ANY,
        ["MD", "DO", "MD, FACS"],
        ["Crestview Independent Medical Evaluations", "Northfield Orthopedic Associates"],
    ),
}  # fmt: skip
CITIES = ["Springfield, IL 62704", "Dayton, OH 45402", "Fresno, CA 93721", "Albany, NY 12207", "Tulsa, OK 74103"]


@dataclass(frozen=True)
class Layout:
    number: int
    letterhead: int  # 0 none, 1 name + address + phone lines, 2 logo-like line, 3 one line with bars
    patient_block: int  # 0 inline, 1 labelled lines, 2 two-column block, 3 none
    date_style: int  # index into DATE_FORMATS; -1 mixed per document
    label_pick: int  # which of the type's date labels this practice uses
    title: int  # 0 as the note has it, 1 upper case, 2 absent, 3 title case
    running_header: bool
    fax: int  # 0 none, 1-3 fax header styles on every page
    footer: int  # 0 none, 1 "Page x of y", 2 "Page x", 3 "x of y" at top right
    signature: int  # 0 e-signed later, 1 dictated/transcribed, 2 name alone, 3 signed + date later
    provider_form: int  # 0 "Jane A. Roe, MD", 1 "Roe, Jane MD", 2 "Dr. Jane Roe", 3 "JANE ROE, D.O."
    provider_label: str  # "" none, or "Provider:", "Attending:", ...
    font: str
    size: int
    cover_sheet: bool
    blank_rate: float
    extra_dates: bool  # date of injury / next appointment lines in the header

    @property
    def split(self) -> str:
        return "held-out" if self.number % 4 == 3 else "tune"


# Each feature's values, weighted by repetition. Within each split the values are dealt out in shuffled
# rounds, so both splits see every value about as often (the held-out figure is not on easier layouts)
# while the combinations differ.
FEATURES: dict[str, list[Any]] = {
    "letterhead": [0, 1, 1, 2, 3],
    "patient_block": [0, 1, 2, 3],
    "date_style": [-1, 0, 1, 2, 3, 4, 5, 6],
    "label_pick": [0, 1, 2, 3, 4, 5],
    "title": [0, 0, 1, 2, 3],
    "running_header": [False, False, True],
    "fax": [0, 0, 1, 2, 3],
    "footer": [0, 1, 1, 2, 3],
    "signature": [0, 1, 2, 3],
    "provider_form": [0, 1, 2, 3],
    "provider_label": ["", "", "Provider:", "Attending:", "Physician:", "Rendering Provider:"],
    "font": ["Helvetica", "Times-Roman", "Courier"],
    "size": [9, 10, 10, 11],
    "blank_rate": [0.0, 0.0, 0.15],
    "extra_dates": [False, True],
}


def layout(number: int) -> Layout:
    held = number % 4 == 3
    members = HELD_OUT_LAYOUTS if held else TUNE_LAYOUTS
    i = members.index(number) if number in members else number

    def pick(feature: str) -> Any:
        values = list(FEATURES[feature])
        rnd, pos = divmod(i, len(values))
        random.Random(f"{feature}-{held}-{rnd}").shuffle(values)
        return values[pos]

    picked = {f: pick(f) for f in FEATURES}
    cover = picked["fax"] > 0 and random.Random(f"layout-{number}").random() < 0.6
    return Layout(number=number, cover_sheet=cover, **picked)


@dataclass(frozen=True)
class Clinician:
    first: str
    middle: str
    last: str
    credential: str

    def written(self, form: int) -> str:
        cred = self.credential
        return [
            f"{self.first} {self.middle}. {self.last}, {cred}",
            f"{self.last}, {self.first} {cred.replace(',', '')}",
            f"Dr. {self.first} {self.last}",
            f"{self.first.upper()} {self.last.upper()}, {cred.replace('MD', 'M.D.').replace('DO', 'D.O.')}",
        ][form % 4]


@dataclass(frozen=True)
class Provider:
    """One practice or facility: one PDF in the bundle, one layout, one or more clinicians."""

    facility: str
    address: str
    layout: Layout
    practice: str
    clinicians: tuple[Clinician, ...]
    stranger: bool = False
    """A practice whose records are of another patient (misfiled into the bundle)."""


@dataclass
class Planned:
    note: Note
    provider: Provider
    clinician: Clinician
    when: date  # the chronology date
    style: int  # date format
    pages: list[list[str]] = field(default_factory=list)
    blank_after: bool = False


def _fill(text: str, p: Planned, patient: str, doi: date, r: random.Random) -> str:
    def fmt(d: date) -> str:
        return date_text(d, p.style)

    return (
        text.replace("@@PATIENT@@", patient)
        .replace("@@DOI@@", fmt(doi))
        .replace("@@PRIOR@@", fmt(p.when - timedelta(days=r.randint(10, 60))))
        .replace("@@NEXT@@", fmt(p.when + timedelta(days=r.randint(14, 42))))
        .replace("@@SERVICE@@", fmt(p.when))
        .replace("@@PROVIDER@@", p.clinician.written(p.provider.layout.provider_form))
    )


def _title(p: Planned, r: random.Random) -> str | None:
    lay = p.provider.layout
    titles = list(p.note.titles) or GENERIC_TITLES.get(p.note.doc_type, [])
    if lay.title == 2 or not titles:
        return None
    t = r.choice(titles)
    return t.upper() if lay.title == 1 else t.title() if lay.title == 3 else t


def plan_lines(p: Planned, patient: tuple[str, date], doi: date, r: random.Random) -> list[str]:
    name, dob = patient
    lay, prov, kind = p.provider.layout, p.provider, p.note.doc_type
    who = p.clinician.written(lay.provider_form)
    d = lambda x: date_text(x, p.style)  # noqa: E731
    sex = "MF"[zlib.crc32(name.encode()) % 2]
    mrn = f"{zlib.crc32((prov.facility + name).encode()) % 900000 + 100000}"  # one per patient and facility
    lines: list[str] = []
    if lay.letterhead == 1:
        lines += [prov.facility, prov.address, f"Tel (555) 010-{r.randint(1000, 9999)}   Fax (555) 010-4400", ""]
    elif lay.letterhead == 2:
        lines += [f"*** {prov.facility.upper()} ***", "Excellence in patient care since 1987", ""]
    elif lay.letterhead == 3:
        lines += [f"{prov.facility} | {prov.address} | (555) 010-{r.randint(1000, 9999)}", ""]
    title = _title(p, r)
    labels = DATE_LABELS.get(kind, SERVICE_LABELS)
    label = labels[lay.label_pick % len(labels)]
    when = d(p.when)
    letter_like = kind == "correspondence"
    if letter_like:
        lines += [
            f"{label} {when}".strip(),
            "",
            r.choice(["Keystone Mutual Casualty", "Whitcomb & Farrow LLP", "Law Offices of Dana Pruitt"]),
            "Claims Department",
            "",
        ]
        lines += [f"RE: {name}   DOB: {d(dob)}   Claim No. WC-{r.randint(100000, 999999)}"]
        if title:
            lines += [title]
        lines += [""]
    else:
        if title:
            lines += [title, ""]
        date_line = f"{label} {when}"
        if kind == "discharge_summary" and r.random() < 0.6:
            adm = p.when - timedelta(days=r.randint(1, 6))
            date_line = f"Admission Date: {d(adm)}    {label} {when}"
        elif kind == "lab_report":
            reported = d(p.when + timedelta(days=1))
            date_line = f"{label} {when} 07:{r.randint(10, 59)}    Received: {when}    Reported: {reported}"
        elif kind == "pathology":
            received, signed = d(p.when + timedelta(days=1)), d(p.when + timedelta(days=r.randint(2, 4)))
            date_line = f"{label} {when}    Received: {received}    Signed out: {signed}"
        elif kind == "billing":
            date_line = f"Statement Date: {d(p.when + timedelta(days=r.randint(20, 60)))}    {label} {when}"
        elif kind == "ime_report" and r.random() < 0.5:
            lines.insert(
                len(lines) - (2 if title else 0), f"Report Date: {d(p.when + timedelta(days=r.randint(5, 20)))}"
            )
        elif kind == "other":
            date_line = ""
        prov_line = f"{lay.provider_label} {who}" if lay.provider_label and kind not in ("billing", "other") else ""
        if lay.patient_block == 0:
            lines += [f"Patient: {name}    DOB: {d(dob)}    MRN: {mrn}"]
            lines += [x for x in (date_line, prov_line) if x]
        elif lay.patient_block == 1:
            lines += [f"Name: {name}", f"Date of Birth: {d(dob)}", f"Account #: {mrn}"]
            lines += [x for x in (date_line, prov_line) if x]
        elif lay.patient_block == 2:
            lines += [f"Patient Name: {name:<28}  {date_line}", f"DOB: {d(dob):<37}  Sex: {sex}"]
            lines += [f"MRN: {mrn:<37}  {prov_line}".rstrip()]
        else:
            lines += [x for x in (date_line, prov_line) if x]
        if lay.extra_dates and kind not in ("other", "billing"):
            lines += [f"Date of Injury: {d(doi)}"]
        lines += [""]
    if letter_like:
        lines.append(r.choice(["Dear Sir or Madam:", "Dear Counsel:", "To Whom It May Concern:"]))
    body = _fill(p.note.body, p, name, doi, r)
    if letter_like:
        body = "\n".join(x for x in body.split("\n") if not x.startswith("Dear "))
    lines += body.split("\n")
    lines.append("")
    if lay.extra_dates and kind not in ("billing", "other", "correspondence", "referral"):
        lines.append(f"Next appointment: {d(p.when + timedelta(days=r.randint(14, 42)))}")
    if kind == "other":
        return lines
    if kind == "billing":
        lines.append(f"Billing provider: {prov.facility}")
        return lines
    later = p.when + timedelta(days=r.randint(1, 12))
    if letter_like:
        lines += ["Sincerely,", "", who]
    elif lay.signature == 0:
        lines.append(f"Electronically signed by {who} on {d(later)} {r.randint(7, 18)}:{r.randint(10, 59)}")
    elif lay.signature == 1:
        lines += [who, f"Dictated: {when}   Transcribed: {d(later)}   Job #{r.randint(10000, 99999)}"]
    elif lay.signature == 2:
        lines += ["", who]
    else:
        lines += ["Signed: ______________________", f"{who}    Date: {d(later)}"]
    return lines


def paginate(lines: list[str], lay: Layout) -> list[list[str]]:
    wrapped: list[str] = []
    for line in lines:
        wrapped += simpleSplit(line, lay.font, lay.size, 500) or [""]
    per_page = int(640 / (lay.size + 3))
    return [wrapped[i : i + per_page] for i in range(0, len(wrapped), per_page)] or [[]]


def fax_line(lay: Layout, sent: date, n: int, total: int, sender: str) -> str:
    if lay.fax == 1:
        return f"{date_text(sent, 0)} 14:07  FROM: {sender}  FAX (555) 010-4400   P. {n:03d}/{total:03d}"
    if lay.fax == 2:
        return f"{sent:%b-%d-%Y} 09:41A   {sender}   5550104400   page {n} of {total}"
    return f"Received: {date_text(sent, 6)} 4:12PM   From: (555) 010-4400   To: Records Dept   Pg {n}/{total}"


def cover_lines(sent: date, sender: str, total: int) -> list[str]:
    return [
        "FAX COVER SHEET",
        "",
        f"Date: {date_text(sent, 0)}",
        "To: Law Office / Records Department",
        "Fax: (555) 010-9900",
        f"From: {sender} - Health Information Management",
        "Phone: (555) 010-4400",
        f"Pages (including cover): {total}",
        "Re: Requested medical records",
        "",
        "CONFIDENTIALITY NOTICE: This facsimile contains protected health information. If you are not the intended",
        "recipient, notify the sender immediately and destroy all copies.",
    ]


def chart_band(patient: tuple[str, date], prov: Provider, d: Planned) -> str:
    """A chart's running band: the patient, and the section's title (what the document is)."""
    mrn = f"{zlib.crc32((prov.facility + patient[0]).encode()) % 900000 + 100000}"
    title = (d.note.titles[0] if d.note.titles else d.note.doc_type.replace("_", " ")).upper()
    return f"{patient[0].upper()} | DOB: {date_text(patient[1], d.style)} | MRN: {mrn}    {title}"


def _exhibit_title(d: Planned) -> str:
    return {"lab_report": "Laboratory Results", "imaging": "Radiology Reports", "billing": "Billing Records"}.get(
        d.note.doc_type, "Office Treatment Records"
    )


def render_file(
    path: Path,
    docs: list[Planned],
    patient: tuple[str, date],
    prov: Provider,
    sent: date,
    band: bool = False,
    exhibit: int | None = None,
    ssa: bool = False,
) -> int:
    """Write one provider's PDF; returns its page count. A cover sheet (if any) is the first page. ``band``:
    every page under a chart's running band (:func:`chart_band`); ``exhibit``: the first document's exhibit
    number, each page stamped "Exhibit n Page k" (``ssa``: headed as a disability file's electronic folder
    heads them, "2 of 3: 7F: Office Treatment Records")."""
    lay = prov.layout
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    total = sum(len(d.pages) + d.blank_after for d in docs) + lay.cover_sheet
    n = 0

    def start(font: str = lay.font) -> None:
        c.setFont(font, lay.size)
        if lay.fax:
            c.drawString(36, 772, fax_line(lay, sent, n, total, prov.facility))

    if lay.cover_sheet:
        n += 1
        start("Helvetica")
        y = 730
        for line in cover_lines(sent, prov.facility, total):
            c.drawString(54, y, line)
            y -= 16
        c.showPage()
    for number, d in enumerate(docs, start=exhibit or 0):
        for k, page in enumerate(d.pages, start=1):
            n += 1
            start()
            if band:
                c.drawString(54, 758, chart_band(patient, prov, d))
            if exhibit is not None and ssa:
                c.drawString(36, 784, f"{k} of {len(d.pages)}: {number}F: {_exhibit_title(d)}")
            elif exhibit is not None:
                c.drawString(54, 16, f"Exhibit {number} Page {k}")
            y = 745
            if k > 1 and lay.running_header:
                c.drawString(54, y, f"{prov.facility} - {patient[0]} - DOB {date_text(patient[1], d.style)}")
                y -= 2 * (lay.size + 3)
            if lay.footer == 3:
                c.drawRightString(560, 745, f"{k} of {len(d.pages)}")
            for line in page:
                c.drawString(54, y, line)
                y -= lay.size + 3
            if lay.footer == 1:
                c.drawString(480, 30, f"Page {k} of {len(d.pages)}")
            elif lay.footer == 2:
                c.drawString(500, 30, f"Page {k}")
            c.showPage()
        if d.blank_after:
            n += 1
            start()
            c.showPage()
    c.save()
    return n


def build_bundle(
    out: Path,
    notes: list[Note],
    layouts: list[int],
    n_docs: int,
    seed: int,
    merged: bool = False,
    misfiled: int = 0,
    real: bool = False,
) -> dict[str, Any]:
    """Write one bundle's PDFs into ``out``; return its truth (``{"files": [...], "documents": [...]}``).

    ``merged``: one PDF of all the providers' files, as a records production arrives (no file boundaries to
    lean on). ``misfiled``: that many documents of another patient, from a practice of their own, filed among
    the examinee's (each truth document says whose it is: ``patient`` "A" or "B"). ``real``: the real-world
    classes (see the module's notes); a re-scan's truth has ``duplicate_of_first`` (its original's first
    page)."""
    r = random.Random(seed)
    patient = (f"{r.choice(FIRST)} {r.choice(LAST)}", date(1950 + r.randint(0, 50), r.randint(1, 12), r.randint(1, 28)))
    o = random.Random(seed + 7919)  # its own stream: bundles without misfiled records stay as they were
    other = (f"{o.choice(FIRST)} {o.choice(LAST)}", date(1950 + o.randint(0, 50), o.randint(1, 12), o.randint(1, 28)))
    start = date(2019, 1, 1) + timedelta(days=r.randint(0, 1500))
    doi = start - timedelta(days=r.randint(0, 5))
    by_source: dict[str, list[Note]] = {}
    for note in notes:
        by_source.setdefault(note.source, []).append(note)
    weights = {"own": 4, "mtsamples": 3, "synthea": 1, "ccda": 1}
    sources = sorted(by_source)
    providers: list[Provider] = []
    max_providers = max(2, min(8, n_docs // 3))

    def provider_for(doc_type: str) -> Provider:
        """A practice that writes this type: an existing one mostly, a new one while the bundle has few."""
        fits = [p for p in providers if doc_type in PRACTICES[p.practice][0]]
        if fits and (len(providers) >= max_providers or r.random() < 0.75):
            return r.choice(fits)
        practice = r.choice([k for k, v in PRACTICES.items() if doc_type in v[0]])
        _, credentials, facilities = PRACTICES[practice]
        team = r.randint(2, 3) if practice == "hospital" else r.randint(1, 2)
        clinicians = tuple(
            Clinician(r.choice(FIRST), chr(65 + r.randint(0, 25)), r.choice(LAST), r.choice(credentials))
            for _ in range(team)
        )
        prov = Provider(
            r.choice(facilities),
            f"{r.randint(100, 9999)} {r.choice(['Main St', 'Oak Ave', 'Park Blvd'])}, {r.choice(CITIES)}",
            layout(r.choice(layouts)),
            practice,
            clinicians,
        )
        providers.append(prov)
        return prov

    used: set[str] = set()
    planned: list[Planned] = []
    while len(planned) < n_docs + misfiled:
        source = r.choices(sources, [weights.get(s, 1) for s in sources])[0]
        if source == "own":  # every type equally often
            kind = r.choice(sorted({n.doc_type for n in by_source[source]}))
            note = r.choice([n for n in by_source[source] if n.doc_type == kind])
        else:
            note = r.choice(by_source[source])
        if note.key in used:
            continue
        used.add(note.key)
        stranger = len(planned) >= n_docs  # the misfiled ones come last, from a practice of their own
        if stranger:
            practice = r.choice([k for k, v in PRACTICES.items() if note.doc_type in v[0]])
            _, credentials, facilities = PRACTICES[practice]
            clinicians = (
                Clinician(r.choice(FIRST), chr(65 + r.randint(0, 25)), r.choice(LAST), r.choice(credentials)),
            )
            where = f"{r.randint(100, 9999)} {r.choice(['Main St', 'Oak Ave'])}, {r.choice(CITIES)}"
            prov = Provider(r.choice(facilities), where, layout(r.choice(layouts)), practice, clinicians, True)
            providers.append(prov)
        else:
            prov = provider_for(note.doc_type)
        style = prov.layout.date_style if prov.layout.date_style >= 0 else r.randrange(len(DATE_FORMATS))
        p = Planned(note, prov, r.choice(prov.clinicians), start + timedelta(days=r.randint(0, 700)), style)
        p.pages = paginate(plan_lines(p, other if stranger else patient, doi, r), prov.layout)
        p.blank_after = r.random() < prov.layout.blank_rate
        planned.append(p)
    h = random.Random(seed + 104729)  # the real-world classes' own stream
    if real:
        for p in planned:
            if len(p.pages[-1]) > 4 and h.random() < 0.3:  # the last two lines spill onto a page of their own
                p.pages[-1], tail = p.pages[-1][:-2], p.pages[-1][-2:]
                p.pages.append(tail)
    truth: list[dict[str, Any]] = []
    files: list[str] = []
    page = 1
    order = [p for p in providers if not p.stranger]
    for prov in (p for p in providers if p.stranger):  # each misfiled record somewhere among the others
        order.insert(r.randint(0, len(order)), prov)
    exhibit, ssa = 1, h.random() < 0.5  # exhibit stamps, or a disability file's exhibit headers
    placed: list[tuple[Planned, str, int, dict[str, Any]]] = []  # document, its file, first page in it, truth
    for i, prov in enumerate(order):
        docs = sorted((p for p in planned if p.provider is prov), key=lambda p: p.when)
        if not docs:
            continue
        sent = docs[-1].when + timedelta(days=r.randint(30, 200))
        path = out / f"{i + 1:02d}-{prov.facility.lower().replace(' ', '-').replace('.', '')}.pdf"
        band = real and prov.practice == "hospital"
        stamps = exhibit if real and merged else None
        render_file(path, docs, other if prov.stranger else patient, prov, sent, band, stamps, ssa)
        exhibit += len(docs)
        files.append(str(path))
        in_file = int(prov.layout.cover_sheet)
        if prov.layout.cover_sheet:
            truth.append(_label(page, page, "other", None, None, "fax_cover", prov.layout.number, "fax-cover"))
            truth[-1]["patient"] = "B" if prov.stranger else "A"
            page += 1
        for d in docs:
            last = page + len(d.pages) - 1 + d.blank_after
            surname = None if d.note.doc_type in ("billing", "other") else d.clinician.last
            truth.append(
                _label(
                    page,
                    last,
                    d.note.doc_type,
                    d.when.isoformat(),
                    surname,
                    d.note.source,
                    prov.layout.number,
                    d.note.key[:10],
                )
            )
            if d.note.doc_type == "other":
                truth[-1]["date"] = None
            truth[-1]["patient"] = "B" if prov.stranger else "A"
            placed.append((d, str(path), in_file, truth[-1]))
            in_file += len(d.pages) + d.blank_after
            page = last + 1
    if real:  # a payer's letter and a form typed over its blanks, from senders of their own
        for name, kind, render in (("97-payer-letter", "correspondence", _payer_letter),
                                   ("98-work-status-form", "work_status", _typed_form)):  # fmt: skip
            path = out / f"{name}.pdf"  # named to come after the practices' files, in this order
            when = start + timedelta(days=h.randint(0, 700))
            signer = render(path, patient, when, h)
            files.append(str(path))
            truth.append(_label(page, page, kind, when.isoformat(), signer, kind, -1, kind))
            truth[-1]["patient"] = "A"
            page += 1
        short = [x for x in placed[1:] if x[3]["patient"] == "A" and len(x[0].pages) <= 2 and not x[0].blank_after]
        if short:
            d, source, first, original = h.choice(short)
            rescan = out / "99-resent-copy.pdf"
            _rescan(Path(source), range(first, first + len(d.pages)), rescan, h.randrange(1 << 30))
            files.append(str(rescan))
            truth.append({**original, "first_page": page, "last_page": page + len(d.pages) - 1, "source": "rescan"})
            truth[-1]["duplicate_of_first"] = original["first_page"]
            page += len(d.pages)
    if merged and len(files) > 1:
        files = [_merge(files, out / "production.pdf")]
    return {"files": files, "documents": truth, "page_count": page - 1}


PAYERS = ["Summit Health Plan", "BlueRidge Health Insurance", "Heartland Mutual Health Plan"]


def _payer_letter(path: Path, patient: tuple[str, date], when: date, h: random.Random) -> str | None:
    """A health plan's prior-authorisation letter to the member: from the payer (its letterhead, its medical
    director signing, or its department); the requesting doctor and the member are not its author. Returns the
    signer's surname (None: a department signs)."""
    payer, style = h.choice(PAYERS), h.randrange(len(DATE_FORMATS))
    requester = f"Dr. {h.choice(FIRST)} {h.choice(LAST)}"
    director = (h.choice(FIRST), h.choice(LAST)) if h.random() < 0.6 else None
    decision = h.choice(["APPROVED", "DENIED"])
    lines = [
        payer.upper(),
        f"Utilization Management | PO Box {h.randint(1000, 9999)} | {h.choice(CITIES)}",
        "",
        date_text(when, style),
        "",
        patient[0],
        f"{h.randint(100, 9999)} {h.choice(['Elm St', 'Lake Rd', 'Hill Ave'])}, {h.choice(CITIES)}",
        "",
        "RE: Prior Authorization Determination",
        f"Member: {patient[0]}   Member ID: XG{h.randint(10000000, 99999999)}   Date of Birth: "
        f"{date_text(patient[1], style)}",
        "Requested service: " + h.choice(["MRI lumbar spine without contrast (CPT 72148)", "Physical therapy"]),
        f"Requesting provider: {requester}",
        "",
        f"Dear {patient[0]}:",
        f"We have reviewed the request for the service above. The request has been {decision}.",
        "This decision was based on the clinical information received and the plan's medical policy.",
        "You or your provider may appeal within 180 days of this notice.",
        "",
        "Sincerely,",
        "",
        f"{director[0]} {director[1]}, MD, Medical Director" if director else "Utilization Management Department",
    ]
    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    pdf.setFont("Helvetica", 10)
    y = 740
    for line in lines:
        pdf.drawString(64, y, line)
        y -= 14
    pdf.save()
    return director[1] if director else None


def _typed_form(path: Path, patient: tuple[str, date], when: date, h: random.Random) -> str:
    """A clinic's work status form printed with blanks, the values typed over them afterwards: drawn first,
    some a little high (the text layer then gives them on a line above the labels), some low. Returns the
    signing clinician's surname."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    doctor = (h.choice(FIRST), h.choice(LAST))
    style = h.choice([0, 4])  # all-digit dates, as typed into forms
    nxt = when + timedelta(days=h.randint(14, 42))
    rows = [
        [("Date of Visit:", date_text(when, style), 12), ("Patient:", patient[0], 22),
         ("DOB:", date_text(patient[1], style), 12)],
        [("Diagnosis:", "Lumbar strain (S39.012A)", 40)],
        [("Next Visit:", date_text(nxt, style), 12), ("Restrictions:", "No lifting over 15 lb", 30)],
        [("Physician:", f"{doctor[0]} {doctor[1]}, MD", 30)],
    ]  # fmt: skip
    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(64, 740, h.choice(["CEDAR VALLEY CLINIC", "GRANITE STATE OCCUPATIONAL HEALTH"]))
    pdf.drawString(64, 722, "WORK STATUS REPORT")
    typed: list[tuple[float, float, str]] = []
    printed: list[tuple[float, float, str]] = []
    y = 690.0
    for row in rows:
        x = 64.0
        for label, value, width in row:
            blank = "_" * width
            printed.append((x, y, f"{label} {blank}"))
            start = x + stringWidth(f"{label} ", "Helvetica", 10)
            typed.append((start + 3, y + h.choice([0.5, 2.0, 12.0, -1.0]), value))
            x = start + stringWidth(blank + "   ", "Helvetica", 10)
        y -= 30
    pdf.setFont("Courier", 10)
    for x, y, value in typed:
        pdf.drawString(x, y, value)
    pdf.setFont("Helvetica", 10)
    for x, y, text in printed:
        pdf.drawString(x, y, text)
    pdf.drawString(64, y - 10, "Work status: [X] Modified duty   [ ] Full duty   [ ] No work")
    pdf.save()
    return doctor[1]


def _rescan(source: Path, pages: range, out: Path, seed: int) -> None:
    """An image-only, fax-like copy of some pages of a PDF (samples/make_fax_copy.py's look: skewed, 1-bit,
    speckled): a document printed and sent again, which only OCR can read."""
    import sys

    import pypdfium2

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "samples"))
    from make_fax_copy import DPI, fax_page

    rng = random.Random(seed)
    doc = pypdfium2.PdfDocument(source)
    images = [fax_page(doc[i].render(scale=DPI / 72, grayscale=True).to_pil(), rng, max_skew=1.0) for i in pages]
    doc.close()
    images[0].save(out, save_all=True, append_images=images[1:], resolution=DPI)


def _merge(parts: list[str], path: Path) -> str:
    """One PDF of the parts, in order; the parts are removed."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(part)
    with path.open("wb") as fh:
        writer.write(fh)
    for part in parts:
        Path(part).unlink()
    return str(path)


def _label(
    first: int, last: int, doc_type: str, when: str | None, surname: str | None, source: str, layout_no: int, note: str
) -> dict[str, Any]:
    return {
        "first_page": first,
        "last_page": last,
        "doc_type": doc_type,
        "date": when,
        "provider_surname": surname,
        "source": source,
        "layout": layout_no,
        "note": note,
    }

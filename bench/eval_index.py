"""Accuracy harness: build labelled bundles from real clinical text and score `reportkit index` on them.

    python bench/eval_index.py [--bundles 6] [--docs 24] [--split tune|held-out|both] [--misses 15]

Notes come from ../shared/corpus/text/mtsamples-dev.csv (real transcribed reports with category labels; they
stay in ../shared and in a temporary folder, never in this repository). Each bundle puts ~24 notes, each
given a synthetic patient, provider, facility and date, into PDFs laid out in one of several styles
(letterheads, patient blocks, date labels and formats, titles present or absent, running headers, fax
headers, "Page x of y" or none, signatures dated later), grouped by provider as records arrive.

Notes are split by their hash and layouts by number: the "tune" split uses notes and layouts the rules may
be developed against; "held-out" uses the others, and is the figure to trust. Prints boundary F1, doc_type,
date and provider accuracy per split, and the misses.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
MTSAMPLES = ROOT.parent / "shared" / "corpus" / "text" / "mtsamples-dev.csv"

# MTSamples document-type labels, most specific first → reportkit doc_type.
TYPE_OF_LABEL = [
    ("Discharge Summary", "discharge_summary"),
    ("Emergency Room Reports", "emergency"),
    ("Radiology", "imaging"),
    ("Lab Medicine - Pathology", "pathology"),
    ("Letters", "correspondence"),
    ("IME-QME-Work Comp etc.", "ime_report"),
    ("SOAP / Chart / Progress Notes", "progress_note"),
    ("Office Notes", "progress_note"),
    ("Physical Medicine - Rehab", "therapy"),
    ("Consult - History and Phy.", "consultation"),
    ("Surgery", "operative_report"),
]
TITLES = {
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
    "operative_report": ["OPERATIVE REPORT", "Operative Note", "PROCEDURE REPORT"],
}
DATE_LABELS = {
    "discharge_summary": ["Discharge Date:", "Date of Discharge:"],
    "imaging": ["Exam Date:", "Date of Exam:", "Study Date:"],
    "pathology": ["Collected:", "Date Collected:"],
    "operative_report": ["Date of Surgery:", "Date of Procedure:", "Surgery Date:"],
    "correspondence": [""],
}
SERVICE_LABELS = ["Date of Service:", "DOS:", "Visit Date:", "Encounter Date:", "Date of Visit:"]
ROLE_OF_TYPE = {
    "discharge_summary": "discharge",
    "imaging": "exam",
    "pathology": "collection",
    "operative_report": "procedure",
    "correspondence": "letter",
}
CREDENTIALS = ["MD", "DO", "MD, FACS", "PA-C", "NP", "M.D."]
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
]
FACILITIES = [
    "Riverside Medical Center",
    "Northfield Orthopedic Associates",
    "Lakeview Imaging Center",
    "St. Agnes Hospital",
    "Summit Internal Medicine",
    "Cedar Valley Clinic",
    "Harbor Pain Institute",
    "Mercy Regional Health",
    "Eastside Surgical Group",
    "Pinecrest Neurology",
]


def date_text(d: date, style: int) -> str:
    return [
        f"{d:%m/%d/%Y}",
        f"{d:%B} {d.day}, {d.year}",
        d.isoformat(),
        f"{d.day:02d}-{d:%b}-{d.year}",
        f"{d.month}/{d.day}/{d:%y}",
    ][style % 5]


def restore_lines(text: str) -> str:
    """MTSamples replaced line breaks with commas: put them back before headings."""
    text = re.sub(r",\s*(?=[A-Z][A-Z0-9 /&()\-]{2,60}:)", "\n", text)
    text = re.sub(r":\s*,\s*", ":\n", text)
    return re.sub(r"\.,(?=\S)", ".\n", text)


@dataclass
class Note:
    sha: str
    doc_type: str
    text: str


def load_notes() -> list[Note]:
    notes = []
    with MTSAMPLES.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            labels = row["categories"].split("|")
            doc_type = next((t for label, t in TYPE_OF_LABEL if label in labels), None)
            if doc_type is None or not 300 <= len(row["transcription"]) <= 7000:
                continue
            name = (row["sample_names"] + " " + row["description"]).lower()
            if doc_type == "consultation" and re.search(r"h&p|history and physical|admission", name):
                doc_type = "history_and_physical"
            notes.append(Note(row["text_sha1"], doc_type, restore_lines(row["transcription"])))
    return notes


@dataclass
class Layout:
    number: int
    letterhead: bool
    patient_block: bool
    title: bool
    page_of: bool
    running_header: bool
    fax: bool
    signature_later: bool
    date_style: int
    font: str


LAYOUTS = [  # 0-3 tune, 4-6 held out
    Layout(0, True, True, True, True, True, False, True, 0, "Helvetica"),
    Layout(1, True, True, False, False, False, True, True, 1, "Times-Roman"),
    Layout(2, False, True, True, False, True, False, False, 2, "Courier"),
    Layout(3, True, False, True, True, False, True, True, 3, "Helvetica"),
    Layout(4, True, True, False, True, True, True, True, 4, "Times-Roman"),
    Layout(5, False, False, True, False, False, False, True, 0, "Helvetica"),
    Layout(6, True, True, True, False, False, True, False, 1, "Courier"),
]
TUNE_LAYOUTS, HELD_OUT_LAYOUTS = LAYOUTS[:4], LAYOUTS[4:]


@dataclass
class Planned:
    note: Note
    provider: str
    surname: str
    facility: str
    when: date
    layout: Layout
    title: str | None
    pages: list[list[str]] = field(default_factory=list)


def plan_lines(p: Planned, patient: tuple[str, date], rng: random.Random) -> list[str]:
    name, dob = patient
    lay = p.layout
    lines: list[str] = []
    if lay.letterhead:
        lines += [
            p.facility,
            f"{rng.randint(100, 9999)} {rng.choice(['Main St', 'Oak Ave', 'Park Blvd'])}, "
            f"Springfield  Tel (555) 010-{rng.randint(1000, 9999)}",
            "",
        ]
    if p.title:
        lines += [p.title, ""]
    label = rng.choice(DATE_LABELS.get(p.note.doc_type, SERVICE_LABELS))
    when = date_text(p.when, lay.date_style + rng.randint(0, 1))
    if p.note.doc_type == "correspondence":
        lines += [when, ""]
    if lay.patient_block:
        lines += [f"Patient: {name}    DOB: {date_text(dob, lay.date_style)}    MRN: {rng.randint(10000, 99999)}"]
        if label:
            lines += [f"{label} {when}    Provider: {p.provider}"]
    elif label:
        lines += [f"{label} {when}", f"RE: {name}"]
    lines.append("")
    if p.note.doc_type == "correspondence":
        lines.append("Dear Colleague:")
    lines += p.note.text.split("\n")
    lines.append("")
    if p.note.doc_type == "correspondence":
        lines += ["Sincerely,", p.provider]
    elif lay.signature_later:
        signed = p.when + timedelta(days=rng.randint(1, 9))
        lines.append(f"Electronically signed by {p.provider} on {date_text(signed, lay.date_style)} 09:14")
    else:
        lines.append(p.provider)
    return lines


def paginate(lines: list[str], font: str) -> list[list[str]]:
    wrapped: list[str] = []
    for line in lines:
        wrapped += simpleSplit(line, font, 10, 500) or [""]
    return [wrapped[i : i + 52] for i in range(0, len(wrapped), 52)] or [[]]


def render_file(path: Path, docs: list[Planned], patient: tuple[str, date], fax_from: str) -> None:
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    total = sum(len(d.pages) for d in docs)
    n = 0
    for d in docs:
        for k, page in enumerate(d.pages, start=1):
            n += 1
            c.setFont(d.layout.font, 10)
            if d.layout.fax:
                c.drawString(
                    36,
                    770,
                    f"{date_text(d.when + timedelta(days=200), 0)} 14:07  FROM: {fax_from}  "
                    f"FAX (555) 010-4400   P. {n:03d}/{total:03d}",
                )
            y = 740
            if k > 1 and d.layout.running_header:
                c.drawString(54, y, f"{d.facility} - {patient[0]} - DOB {date_text(patient[1], 0)}")
                y -= 24
            for line in page:
                c.drawString(54, y, line)
                y -= 13
            if d.layout.page_of:
                c.drawString(480, 30, f"Page {k} of {len(d.pages)}")
            c.showPage()
    c.save()


def build_bundle(out: Path, notes: list[Note], layouts: list[Layout], n_docs: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    patient = (f"{rng.choice(FIRST)} {rng.choice(LAST)}", date(1950 + rng.randint(0, 50), rng.randint(1, 12), 14))
    picked = rng.sample(notes, n_docs)
    start = date(2020, 1, 1) + timedelta(days=rng.randint(0, 900))
    providers = []
    for _ in range(4):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        providers.append(
            (
                f"{first} {chr(65 + rng.randint(0, 25))}. {last}, {rng.choice(CREDENTIALS)}",
                last,
                rng.choice(FACILITIES),
                rng.choice(layouts),
            )
        )
    planned = []
    for note in picked:
        provider, surname, facility, layout = rng.choice(providers)
        titles = TITLES.get(note.doc_type) or [None]
        title = rng.choice(titles) if layout.title else None
        p = Planned(note, provider, surname, facility, start + timedelta(days=rng.randint(0, 700)), layout, title)
        p.pages = paginate(plan_lines(p, patient, rng), layout.font)
        planned.append(p)
    groups: dict[str, list[Planned]] = {}
    for p in planned:  # grouped by provider as records arrive, each group in date order
        groups.setdefault(p.provider, []).append(p)
    truth_docs = []
    page = 1
    files = []
    for i, (_, docs) in enumerate(sorted(groups.items())):
        docs.sort(key=lambda d: d.when)
        path = out / f"{i + 1:02d}-records.pdf"
        render_file(path, docs, patient, docs[0].facility)
        files.append(path)
        for d in docs:
            truth_docs.append(
                {
                    "first_page": page,
                    "last_page": page + len(d.pages) - 1,
                    "doc_type": d.note.doc_type,
                    "date": d.when.isoformat(),
                    "provider_surname": d.surname,
                    "note": d.note.sha[:10],
                    "layout": d.layout.number,
                }
            )
            page += len(d.pages)
    return {"files": [str(f) for f in files], "documents": truth_docs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundles", type=int, default=6, help="bundles per split")
    parser.add_argument("--docs", type=int, default=24, help="documents per bundle")
    parser.add_argument("--split", choices=["tune", "held-out", "both"], default="both")
    parser.add_argument("--misses", type=int, default=15, help="misses to print per split")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not MTSAMPLES.exists():
        sys.exit(f"needs {MTSAMPLES} (the shared corpus); not found")
    from reportkit import IndexOptions, index_bundle
    from reportkit.evaluate import score

    notes = load_notes()
    tune_notes = [n for n in notes if n.sha[0] in "0123456789"]
    held_notes = [n for n in notes if n.sha[0] not in "0123456789"]
    splits = {"tune": (tune_notes, TUNE_LAYOUTS), "held-out": (held_notes, HELD_OUT_LAYOUTS)}
    wanted = list(splits) if args.split == "both" else [args.split]
    summary = {}
    with tempfile.TemporaryDirectory(prefix="reportkit-eval-") as tmp:
        for name in wanted:
            pool, layouts = splits[name]
            totals = {"labelled": 0, "predicted": 0, "matched": 0, "types": 0.0, "dates": 0.0, "providers": 0.0}
            misses: list[str] = []
            for b in range(args.bundles):
                folder = Path(tmp) / name / f"bundle-{b}"
                folder.mkdir(parents=True)
                truth = build_bundle(folder, pool, layouts, args.docs, seed=args.seed * 1000 + b)
                result = index_bundle([folder], Path(tmp) / name / f"out-{b}", IndexOptions(use_cache=False))
                s = score(result.index, truth)
                totals["labelled"] += s.labelled
                totals["predicted"] += s.predicted
                totals["matched"] += s.matched
                totals["types"] += s.doc_type * s.matched
                totals["dates"] += s.date * s.matched
                totals["providers"] += s.provider * s.matched
                misses += [f"bundle {b}: {m}" for m in s.misses]
            matched = totals["matched"] or 1
            precision, recall = totals["matched"] / (totals["predicted"] or 1), totals["matched"] / totals["labelled"]
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            figures = {
                "boundary_f1": round(f1, 3),
                "doc_type": round(totals["types"] / matched, 3),
                "date": round(totals["dates"] / matched, 3),
                "provider": round(totals["providers"] / matched, 3),
                "documents": totals["labelled"],
            }
            summary[name] = figures
            print(f"\n{name}: {args.bundles} bundles, {totals['labelled']} documents")
            print("  " + "  ".join(f"{k} {v}" for k, v in figures.items() if k != "documents"))
            for m in misses[: args.misses]:
                print("   ", m)
            if len(misses) > args.misses:
                print(f"    … {len(misses) - args.misses} more")
    print("\n" + json.dumps(summary))


if __name__ == "__main__":
    main()

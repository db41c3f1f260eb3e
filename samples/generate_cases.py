"""Deterministic generator for the drafting samples (all synthetic; see samples/README.md).

Writes:
- ``ime-case/referral-letter.pdf``: the insurer's IME referral with numbered questions (one running over
  several lines, one with sub-questions (a) and (b)) for ``reportkit questions``;
- ``second-opinion-case/records/*.pdf``: a small record set for the second-opinion sample.

The IME case's record PDFs are made by ``generate.py`` and are not touched here. reportlab's invariant
mode, no clock, no randomness: two runs give byte-identical files.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

HERE = Path(__file__).resolve().parent
WIDTH, HEIGHT = letter
LEFT, RIGHT, TOP = 72.0, 72.0, 72.0

# (kind, text): kind is "para", "head" (bold), "q" (numbered question), "sub" (lettered sub-question), "gap"
Item = tuple[str, str]


class Writer:
    def __init__(self, path: Path, title: str) -> None:
        self.canvas = Canvas(str(path), pagesize=letter, invariant=1, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("reportkit synthetic sample (fictitious)")
        self.canvas.setCreator("reportkit samples/generate_cases.py")
        self.y = HEIGHT - TOP
        self.page = 1

    def need(self, height: float) -> None:
        if self.y - height < 72:
            self.canvas.setFont("Helvetica", 8)
            self.canvas.drawCentredString(WIDTH / 2, 40, f"Page {self.page}")
            self.canvas.showPage()
            self.page += 1
            self.y = HEIGHT - TOP

    def lines(self, text: str, x: float, font: str = "Helvetica", size: float = 10.5, width: float = 0) -> None:
        width = width or WIDTH - RIGHT - x
        for line in simpleSplit(text, font, size, width):
            self.need(size * 1.35)
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, self.y, line)
            self.y -= size * 1.35

    def item(self, kind: str, text: str, label: str = "") -> None:
        if kind == "gap":
            self.y -= 8
        elif kind == "head":
            self.lines(text, LEFT, "Helvetica-Bold", 11)
        elif kind == "q":
            self.need(14)
            self.canvas.setFont("Helvetica", 10.5)
            self.canvas.drawString(LEFT + 6, self.y, label)
            self.lines(text, LEFT + 24)
            self.y -= 3
        elif kind == "sub":
            self.need(14)
            self.canvas.setFont("Helvetica", 10.5)
            self.canvas.drawString(LEFT + 24, self.y, label)
            self.lines(text, LEFT + 42)
            self.y -= 2
        else:
            self.lines(text, LEFT)
            self.y -= 5

    def letterhead(self, name: str, *lines: str) -> None:
        self.canvas.setFont("Helvetica-Bold", 14)
        self.canvas.drawString(LEFT, self.y, name)
        self.y -= 16
        for line in lines:
            self.canvas.setFont("Helvetica", 9)
            self.canvas.drawString(LEFT, self.y, line)
            self.y -= 11
        self.canvas.line(LEFT, self.y, WIDTH - RIGHT, self.y)
        self.y -= 22

    def close(self) -> None:
        self.canvas.setFont("Helvetica", 8)
        self.canvas.drawCentredString(WIDTH / 2, 40, f"Page {self.page}")
        self.canvas.showPage()
        self.canvas.save()


REFERRAL_QUESTIONS = (
    ("q", "1.", "What diagnoses are related to the industrial injury of February 6, 2024?"),
    (
        "q",
        "2.",
        "Is the L4-5 disc herniation, and the left L4-5 microdiscectomy of May 28, 2024, causally related "
        "to the work injury of February 6, 2024, or to a pre-existing degenerative condition of the lumbar "
        "spine? Please explain the mechanism you rely on.",
    ),
    ("sub", "(a)", "If pre-existing degenerative disease contributed, please apportion causation."),
    ("sub", "(b)", "Did the work injury aggravate a pre-existing condition, and if so, temporarily or permanently?"),
    ("q", "3.", "Has treatment to date been reasonable and necessary?"),
    ("q", "4.", "Has the claimant reached maximum medical improvement? If so, as of what date?"),
    (
        "q",
        "5.",
        "If at maximum medical improvement, provide a whole person impairment rating under the AMA Guides, "
        "Sixth Edition, identifying the tables used.",
    ),
    (
        "q",
        "6.",
        "What are the claimant's current work capacities? Can he return to his job of injury as an order "
        "selector? Specify any permanent restrictions.",
    ),
    ("q", "7.", "What further treatment, if any, is reasonable and necessary?"),
)


def referral_letter(path: Path) -> None:
    w = Writer(path, "Request for Independent Medical Examination")
    w.letterhead(
        "Keystone Mutual Casualty Company",
        "Workers' Compensation Claims  |  1400 Harbor Point Drive, Tacoma, WA 98402",
        "Telephone (360) 555-0175  |  Fax (360) 555-0177",
    )
    for kind, text in (
        ("para", "October 21, 2024"),
        ("para", "Lorraine S. Voss, MD\nRidgeline Medical Evaluations"),
        ("head", "RE: Request for Independent Medical Examination"),
        ("para", "Examinee: Daniel R. Okafor    DOB: 09/23/1981    Claim No.: KMC-WC-24-0031857"),
        ("para", "Date of Injury: February 6, 2024    Examination: November 12, 2024 at 9:30 a.m."),
        ("gap", ""),
        ("para", "Dear Dr. Voss:"),
        (
            "para",
            "Keystone Mutual Casualty Company asks you to perform an independent medical examination of "
            "Daniel R. Okafor. The accepted body part is the lumbar spine. The claimant reports that he injured "
            "his low back lifting a case of bottled water at work. The medical records are enclosed.",
        ),
        (
            "para",
            "The claimant has been told that no doctor-patient relationship will be formed. He may bring an "
            "observer. No interpreter is needed.",
        ),
        ("para", "Please answer the following questions within reasonable medical probability:"),
    ):
        for chunk in text.split("\n"):
            w.item(kind, chunk)
    for kind, label, text in REFERRAL_QUESTIONS:
        w.item(kind, text, label)
    w.item("gap", "")
    w.item("para", "Please send your report within 30 days of the examination, with your invoice.")
    w.item("para", "Sincerely,")
    w.item("gap", "")
    w.item("para", "Angela R. Brunetti")
    w.item("para", "Senior Claims Adjuster, Workers' Compensation")
    w.item("para", "Enclosures: 1. medical records (57 pages); 2. job description.")
    w.close()


CLINIC = ("Cedar Valley Orthopaedics", "220 Linden Avenue, Olympia, WA 98501  |  (360) 555-0142")
IMAGING = ("Sound Imaging Associates", "95 Capitol Way, Olympia, WA 98501  |  (360) 555-0166")
THERAPY = ("Westbrook Physical Therapy", "17 Mill Road, Lacey, WA 98503  |  (360) 555-0190")
PATIENT = "Maria L. Estrada"
DOB = "04/02/1968"


def record(path: Path, facility: tuple[str, str], title: str, items: Sequence[tuple[str, str]]) -> None:
    w = Writer(path, title)
    w.letterhead(*facility)
    w.item("head", title)
    w.item("para", f"Patient: {PATIENT}    DOB: {DOB}")
    for kind, text in items:
        w.item(kind, text)
    w.close()


def second_opinion_records(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [
        folder / "01-sound-imaging-mri-right-knee.pdf",
        folder / "02-cedar-valley-orthopaedics-consult.pdf",
        folder / "03-westbrook-physical-therapy.pdf",
    ]
    record(
        files[0],
        IMAGING,
        "MRI RIGHT KNEE WITHOUT CONTRAST",
        [
            ("para", "Exam Date: 08/14/2025    Ordering Physician: Owen T. Farrell, MD"),
            ("para", "CLINICAL HISTORY: Right knee pain for 4 months, worse on stairs. No injury recalled."),
            (
                "para",
                "FINDINGS: Horizontal degenerative tear of the posterior horn of the medial meniscus. Moderate "
                "thinning of the cartilage of the medial compartment with small osteophytes. Small joint "
                "effusion. Ligaments intact.",
            ),
            (
                "para",
                "IMPRESSION: Degenerative horizontal tear of the posterior horn of the medial meniscus. "
                "Moderate medial compartment osteoarthritis.",
            ),
            ("para", "Electronically signed by Priya Raman, MD on 08/14/2025"),
        ],
    )
    record(
        files[1],
        CLINIC,
        "ORTHOPAEDIC CONSULTATION",
        [
            ("para", "Date of Service: 08/28/2025    Provider: Owen T. Farrell, MD"),
            (
                "para",
                "HISTORY: 57-year-old bookkeeper with right knee pain for 4 months, worse on stairs and after "
                "sitting. No locking. Walks 2 miles a day with pain. Has not had physical therapy.",
            ),
            ("para", "EXAM: Medial joint line tenderness. Small effusion. Range of motion 0-125 degrees."),
            (
                "para",
                "ASSESSMENT: M23.221 Derangement of posterior horn of medial meniscus due to old tear, right "
                "knee. M17.11 Unilateral primary osteoarthritis, right knee.",
            ),
            (
                "para",
                "PLAN: Discussed right knee arthroscopy with partial medial meniscectomy. Patient wishes to "
                "think about it and may seek a second opinion. Start physical therapy in the meantime.",
            ),
        ],
    )
    record(
        files[2],
        THERAPY,
        "PHYSICAL THERAPY INITIAL EVALUATION",
        [
            ("para", "Date of Service: 09/09/2025    Therapist: Hannah Lindqvist, PT, DPT"),
            ("para", "Referred by Owen T. Farrell, MD for right knee pain."),
            ("para", "ASSESSMENT: Quadriceps weakness 4/5, pain 5/10 on stairs. Good candidate for strengthening."),
            ("para", "PLAN: Physical therapy twice a week for 6 weeks; home exercise program."),
        ],
    )
    return files


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, default=HERE, help="samples folder to write into")
    args = ap.parse_args(argv)
    (args.out / "ime-case").mkdir(parents=True, exist_ok=True)
    referral_letter(args.out / "ime-case" / "referral-letter.pdf")
    second_opinion_records(args.out / "second-opinion-case" / "records")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

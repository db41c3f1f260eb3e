"""Synthetic notes of all 17 document types, as found in personal-injury and workers' compensation IME
bundles: orthopaedic, spine, pain, PT, chiropractic, radiology, labs, work status forms, bills, letters,
referrals. Entirely made up here from phrase banks; no real patient, no copied text.

``own_notes(per_type, seed)`` gives ``per_type`` distinct notes of each type. Only the body is made here
(sections and wording); the letterhead, title line, patient block, labelled dates, provider and signature
are the layout's job (bench/bundles.py). Titles the note would carry go in ``Note.titles``.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from notes import Note, sha1

R = random.Random

REGIONS = {
    "lumbar": dict(
        part="low back",
        spine="lumbar spine",
        dx=[
            ("M54.50", "Low back pain, unspecified"),
            ("M54.16", "Radiculopathy, lumbar region"),
            ("M51.16", "Intervertebral disc disorder with radiculopathy, lumbar region"),
            ("S33.5XXA", "Sprain of ligaments of lumbar spine, initial encounter"),
            ("M51.26", "Other intervertebral disc displacement, lumbar region"),
        ],
        levels=["L3-L4", "L4-L5", "L5-S1"],
        exam=[
            "Tenderness over the lower lumbar paraspinals, right greater than left.",
            "Straight leg raise positive on the {side} at 45 degrees, negative on the contralateral side.",
            "Lumbar flexion limited to 40 degrees with pain at end range; extension 10 degrees.",
            "Strength 5/5 in bilateral lower extremities except EHL 4+/5 on the {side}.",
            "Reflexes 2+ and symmetric at the patellae, 1+ at the {side} Achilles.",
            "Sensation diminished to light touch over the {side} L5 dermatome.",
            "Gait is antalgic; able to heel and toe walk with difficulty.",
        ],
    ),
    "cervical": dict(
        part="neck",
        spine="cervical spine",
        dx=[
            ("M54.2", "Cervicalgia"),
            ("S13.4XXA", "Sprain of ligaments of cervical spine, initial encounter"),
            ("M50.121", "Cervical disc disorder at C4-C5 level with radiculopathy"),
            ("M54.12", "Radiculopathy, cervical region"),
            ("S16.1XXA", "Strain of muscle, fascia and tendon at neck level, initial encounter"),
        ],
        levels=["C4-C5", "C5-C6", "C6-C7"],
        exam=[
            "Cervical rotation 50 degrees to the {side}, 65 degrees to the other side, with pain.",
            "Spurling's test reproduces radiating pain into the {side} arm.",
            "Trapezius spasm and tenderness bilaterally, worse on the {side}.",
            "Grip strength reduced on the {side}; biceps and triceps 5/5.",
            "Sensation decreased over the {side} C6 distribution.",
        ],
    ),
    "shoulder": dict(
        part="shoulder",
        spine="shoulder",
        dx=[
            ("M75.101", "Unspecified rotator cuff tear or rupture of right shoulder, not specified as traumatic"),
            ("S43.421A", "Sprain of right rotator cuff capsule, initial encounter"),
            ("M25.511", "Pain in right shoulder"),
            ("M75.41", "Impingement syndrome of right shoulder"),
        ],
        levels=["supraspinatus", "infraspinatus", "labrum"],
        exam=[
            "Forward flexion 120 degrees actively, 160 passively.",
            "Positive Neer and Hawkins impingement signs on the {side}.",
            "Empty can test weak and painful on the {side}.",
            "Tender over the greater tuberosity and the AC joint.",
        ],
    ),
    "knee": dict(
        part="knee",
        spine="knee",
        dx=[
            ("S83.241A", "Other tear of medial meniscus, current injury, right knee, initial encounter"),
            ("M25.561", "Pain in right knee"),
            ("S83.511A", "Sprain of anterior cruciate ligament of right knee, initial encounter"),
            ("M17.11", "Unilateral primary osteoarthritis, right knee"),
        ],
        levels=["medial meniscus", "lateral meniscus", "ACL"],
        exam=[
            "Small effusion of the {side} knee; range of motion 0 to 115 degrees.",
            "Medial joint line tenderness; McMurray's test positive.",
            "Lachman 1+ with a firm endpoint; posterior drawer negative.",
            "Quadriceps atrophy noted on the {side}.",
        ],
    ),
    "wrist": dict(
        part="wrist",
        spine="wrist",
        dx=[
            ("G56.01", "Carpal tunnel syndrome, right upper limb"),
            ("S63.501A", "Unspecified sprain of right wrist, initial encounter"),
            ("M25.531", "Pain in right wrist"),
        ],
        levels=["median nerve", "TFCC", "scapholunate ligament"],
        exam=[
            "Tinel's and Phalen's signs positive on the {side}.",
            "Decreased two-point discrimination in the thumb, index and long fingers.",
            "Tender over the dorsal wrist; grip 30 lb on the {side} versus 65 lb.",
        ],
    ),
}
MECHANISMS = [
    "lifting a 60-pound box from the floor at work",
    "a rear-end motor vehicle collision while stopped at a light",
    "a slip and fall on a wet floor in the warehouse",
    "a fall from a ladder of about six feet",
    "pulling a pallet jack that jammed",
    "a T-bone collision on the driver's side",
    "repetitive overhead work on the assembly line",
    "catching a falling patient while working as a nurse's aide",
    "twisting while carrying drywall on a job site",
]
MEDS = [
    "ibuprofen 800 mg three times daily with food",
    "cyclobenzaprine 10 mg at bedtime",
    "naproxen 500 mg twice daily",
    "gabapentin 300 mg three times daily",
    "tramadol 50 mg every 6 hours as needed",
    "meloxicam 15 mg daily",
    "methylprednisolone dose pack",
    "acetaminophen 500 mg as needed",
    "lidocaine 5% patch, 12 hours on and 12 hours off",
    "tizanidine 4 mg at bedtime",
]
JOBS = [
    "warehouse associate",
    "delivery driver",
    "certified nursing assistant",
    "carpenter",
    "retail stocker",
    "school bus driver",
    "machine operator",
    "line cook",
    "electrician",
    "home health aide",
]
SIDES = ["right", "left"]
PAIN = ["3/10", "4/10", "5/10", "6/10", "7/10", "8/10"]
HEAD = {  # heading variants for common sections
    "cc": ["CHIEF COMPLAINT:", "Chief Complaint:", "CC:", "REASON FOR VISIT:"],
    "hpi": ["HISTORY OF PRESENT ILLNESS:", "HPI:", "History of Present Illness:", "HISTORY:"],
    "subj": ["SUBJECTIVE:", "Subjective:", "S:", "INTERVAL HISTORY:"],
    "exam": ["PHYSICAL EXAMINATION:", "EXAM:", "Physical Exam:", "OBJECTIVE:", "O:"],
    "assess": ["ASSESSMENT:", "IMPRESSION:", "Assessment:", "DIAGNOSES:", "A:"],
    "plan": ["PLAN:", "Plan:", "P:", "RECOMMENDATIONS:", "TREATMENT PLAN:"],
    "meds": ["MEDICATIONS:", "Current Medications:", "MEDS:"],
    "pmh": ["PAST MEDICAL HISTORY:", "PMH:", "Past Medical History:"],
    "social": ["SOCIAL HISTORY:", "Social History:", "SOCIAL/OCCUPATIONAL HISTORY:"],
    "allergies": ["ALLERGIES:", "Allergies:", "DRUG ALLERGIES:"],
    "vitals": ["VITAL SIGNS:", "Vitals:", "VS:"],
}


class Ctx:
    """One patient story for one note: region, side, mechanism, job, diagnoses."""

    def __init__(self, rng: R) -> None:
        self.rng = rng
        self.region_name = rng.choice(list(REGIONS))
        self.region = REGIONS[self.region_name]
        self.side = rng.choice(SIDES)
        self.mech = rng.choice(MECHANISMS)
        self.job = rng.choice(JOBS)
        self.age = rng.randint(24, 63)
        self.sex = rng.choice(["male", "female"])
        dx: list[tuple[str, str]] = self.region["dx"]  # type: ignore[assignment]
        self.dx = rng.sample(dx, rng.randint(1, min(3, len(dx))))
        levels: list[str] = self.region["levels"]  # type: ignore[assignment]
        self.level = rng.choice(levels)

    def h(self, key: str) -> str:
        return self.rng.choice(HEAD[key])

    def part(self) -> str:
        return str(self.region["part"])

    def exam(self, k: int = 3) -> list[str]:
        lines: list[str] = self.region["exam"]  # type: ignore[assignment]
        return [s.format(side=self.side) for s in self.rng.sample(lines, min(k, len(lines)))]

    def dx_lines(self, codes: bool | None = None) -> list[str]:
        codes = self.rng.random() < 0.7 if codes is None else codes
        return [f"{i}. {text}" + (f" ({code})" if codes else "") for i, (code, text) in enumerate(self.dx, 1)]

    def meds(self) -> str:
        return "; ".join(self.rng.sample(MEDS, self.rng.randint(1, 3)))

    def vitals(self) -> str:
        r = self.rng
        return (
            f"BP {r.randint(108, 152)}/{r.randint(64, 94)}, HR {r.randint(58, 98)}, RR {r.randint(12, 18)}, "
            f"Temp {r.choice(['97.8', '98.2', '98.6', '99.0'])} F, Wt {r.randint(120, 260)} lb"
        )

    def pain(self) -> str:
        return self.rng.choice(PAIN)


def hpi(c: Ctx) -> str:
    r = c.rng
    opener = r.choice(
        [
            f"@@PATIENT@@ is a {c.age}-year-old {c.sex} {c.job} who injured the {c.part()} on @@DOI@@ while {c.mech}.",
            f"This {c.age}-year-old {c.sex} reports {c.part()} pain since a work injury on @@DOI@@, "
            f"sustained in {c.mech}.",
            f"Patient is a {c.age} y/o {c.sex} seen for {c.part()} pain. Date of injury: @@DOI@@. Mechanism: {c.mech}.",
        ]
    )
    more = r.sample(
        [
            f"Pain is rated {c.pain()} and is worse with sitting, bending and lifting.",
            f"Pain radiates to the {c.side} {'leg' if c.region_name == 'lumbar' else 'arm'} with numbness.",
            "Denies bowel or bladder dysfunction, fevers or weight loss.",
            "Has tried rest, ice and over-the-counter anti-inflammatories with little relief.",
            "Sleep is interrupted two to three times a night by pain.",
            "Has been off work since the injury; employer cannot accommodate restrictions.",
            "Completed six sessions of physical therapy with partial improvement.",
        ],
        r.randint(2, 4),
    )
    return " ".join([opener, *more])


def _join(parts: list[tuple[str, list[str] | str]]) -> str:
    out = []
    for head, body in parts:
        text = body if isinstance(body, str) else "\n".join(body)
        out.append(f"{head}\n{text}" if head else text)
    return "\n\n".join(out)


def visit_sections(c: Ctx, new: bool) -> list[tuple[str, list[str] | str]]:
    r = c.rng
    parts: list[tuple[str, list[str] | str]] = [(c.h("cc"), f"{c.side.capitalize()} {c.part()} pain.")]
    if new:
        parts.append((c.h("hpi"), hpi(c)))
        parts += r.sample(
            [
                (c.h("pmh"), r.choice(["Hypertension. Type 2 diabetes.", "None.", "Asthma.", "Hyperlipidemia."])),
                (c.h("meds"), c.meds()),
                (c.h("allergies"), r.choice(["NKDA.", "Penicillin (rash).", "Sulfa.", "No known drug allergies."])),
                (c.h("social"), f"Works as a {c.job}. {r.choice(['Never smoker.', 'Smokes 1/2 ppd.', 'Quit 2015.'])}"),
            ],
            r.randint(2, 4),
        )
    else:
        parts.append(
            (
                c.h("subj"),
                f"Returns for follow-up of {c.part()} pain. Pain {c.pain()}, "
                + r.choice(["somewhat better since the last visit.", "unchanged.", "worse after returning to work."])
                + r.choice(
                    [" Attending physical therapy twice weekly.", " Medications help partially.", "", " No new injury."]
                ),
            )
        )
    if r.random() < 0.6:
        parts.append((c.h("vitals"), c.vitals()))
    parts.append((c.h("exam"), c.exam(r.randint(2, 4))))
    if r.random() < 0.4:
        parts.append(
            (
                r.choice(["IMAGING:", "DIAGNOSTIC STUDIES:", "Studies reviewed:"]),
                f"MRI of the {c.region['spine']} dated @@PRIOR@@ shows "
                + r.choice([f"a disc protrusion at {c.level}.", f"findings at the {c.level}.", "no acute fracture."]),
            )
        )
    parts.append((c.h("assess"), c.dx_lines()))
    plan = r.sample(
        [
            f"Continue {c.meds()}.",
            "Physical therapy 2-3 times a week for 4 weeks.",
            "Referral to pain management for "
            + ("an epidural steroid injection." if c.region_name in ("lumbar", "cervical") else "an injection."),
            f"MRI of the {c.region['spine']} without contrast.",
            "Home exercise program reviewed.",
            "Modified duty: no lifting over 15 lb, no repetitive bending.",
            "Remain off work until the next visit.",
            "Return to clinic on @@NEXT@@.",
            "Follow up in 4 weeks.",
        ],
        r.randint(2, 4),
    )
    parts.append((c.h("plan"), plan))
    return parts


def progress_note(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    kind = r.choice(["ortho", "chiro", "pain", "pcp"])
    titles = {
        "ortho": ["PROGRESS NOTE", "Orthopedic Follow-up Visit", "OFFICE VISIT", "FOLLOW-UP VISIT"],
        "chiro": ["CHIROPRACTIC PROGRESS NOTE", "Chiropractic Daily Note", "CHIROPRACTIC TREATMENT NOTE"],
        "pain": ["PAIN MANAGEMENT FOLLOW-UP", "Pain Management Progress Note", "Established Patient Visit"],
        "pcp": ["Office Visit", "CLINIC NOTE", "Progress Note"],
    }[kind]
    if kind == "chiro":
        body = _join(
            [
                ("S:", f"Patient reports {c.part()} pain {c.pain()}, stiffness in the morning."),
                ("O:", [*c.exam(2), f"Subluxation/segmental dysfunction noted at {c.level}."]),
                ("A:", c.dx_lines()),
                (
                    "P:",
                    [
                        "Chiropractic manipulative treatment, spinal, 3-4 regions (98941).",
                        "Electrical stimulation, unattended (97014). Hot packs (97010).",
                        f"Treatment frequency: {r.choice(['3x/week x 4 weeks', '2x/week x 6 weeks'])}.",
                    ],
                ),
            ]
        )
    elif r.random() < 0.3:  # SOAP without headings beyond letters
        body = _join(
            [
                ("", f"{c.age}-year-old {c.sex} returns for {c.part()} pain after {c.mech} on @@DOI@@."),
                ("", f"Pain {c.pain()}. " + " ".join(c.exam(2))),
                ("Impression:", c.dx_lines(False)),
                ("Plan:", [f"Continue {c.meds()}.", "Return in 3 weeks or on @@NEXT@@."]),
            ]
        )
    else:
        body = _join(visit_sections(c, new=False))
    return titles, body


def consultation(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    spec = r.choice(["Orthopedic Spine", "Neurosurgery", "Pain Medicine", "Physical Medicine and Rehabilitation"])
    titles = ["CONSULTATION", f"{spec.upper()} CONSULTATION", "New Patient Consultation", "CONSULTATION REPORT"]
    parts = visit_sections(c, new=True)
    parts.insert(
        0,
        (
            r.choice(["REASON FOR CONSULTATION:", "Reason for Referral:", "REFERRING PHYSICIAN:"]),
            f"Evaluation of {c.part()} pain, referred by Dr. {r.choice(['Hale', 'Ostrowski', 'Ng', 'Ferris'])}.",
        ),
    )
    if r.random() < 0.5:
        parts.append(("", "Thank you for this kind referral. I will keep you informed of the patient's progress."))
    return titles, _join(parts)


def history_and_physical(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    titles = ["HISTORY AND PHYSICAL", "Admission History & Physical", "H&P", "ADMISSION HISTORY AND PHYSICAL"]
    parts = visit_sections(c, new=True)
    parts.insert(
        2,
        (
            "REVIEW OF SYSTEMS:",
            "Negative except as noted in the HPI. "
            + r.choice(["No chest pain or shortness of breath.", "No fevers or chills.", "Denies dysuria."]),
        ),
    )
    parts.insert(
        3, ("FAMILY HISTORY:", r.choice(["Noncontributory.", "Father with coronary disease.", "Mother with diabetes."]))
    )
    parts.append(
        (
            "DISPOSITION:",
            r.choice(
                [
                    "Admit to orthopaedic surgery.",
                    "Admit for surgery in the morning.",
                    "Admit to the medical floor for pain control.",
                ]
            ),
        )
    )
    return titles, _join(parts)


def emergency(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    titles = ["EMERGENCY DEPARTMENT REPORT", "ED Physician Note", "EMERGENCY ROOM RECORD", "Emergency Department Visit"]
    arrival = r.choice(
        [
            "Arrived by ambulance on a backboard with a cervical collar.",
            "Walk-in with a coworker.",
            "Brought by private vehicle.",
        ]
    )
    parts: list[tuple[str, list[str] | str]] = [
        (r.choice(["TRIAGE:", "Time seen: 14:32", "ARRIVAL:"]), arrival),
        (c.h("cc"), f"{c.part().capitalize()} pain after {c.mech}."),
        (c.h("hpi"), hpi(c).replace("@@DOI@@", r.choice(["today", "earlier today", "this morning"]))),
        (c.h("vitals"), c.vitals()),
        (c.h("exam"), c.exam(3)),
        (
            "ED COURSE:",
            f"Given {r.choice(['ketorolac 30 mg IM', 'ibuprofen 600 mg PO', 'morphine 4 mg IV'])}. "
            f"X-rays of the {c.region['spine']} negative for fracture.",
        ),
        (r.choice(["DIAGNOSIS:", "FINAL DIAGNOSIS:", "CLINICAL IMPRESSION:"]), c.dx_lines()),
        (
            "DISPOSITION:",
            r.choice(["Discharged home in stable condition.", "Discharged to home with work note."])
            + " Follow up with occupational medicine in 2-3 days.",
        ),
    ]
    return titles, _join(parts)


def operative_report(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    procs = {
        "lumbar": [
            f"{c.level} microdiscectomy, {c.side}",
            f"{c.level} laminectomy and posterolateral fusion",
            f"Transforaminal lumbar interbody fusion, {c.level}",
        ],
        "cervical": [f"Anterior cervical discectomy and fusion, {c.level}", f"Cervical disc arthroplasty, {c.level}"],
        "shoulder": [
            f"{c.side.capitalize()} shoulder arthroscopy with rotator cuff repair and subacromial decompression"
        ],
        "knee": [
            f"{c.side.capitalize()} knee arthroscopy with partial medial meniscectomy",
            f"{c.side.capitalize()} ACL reconstruction with patellar tendon autograft",
        ],
        "wrist": [f"{c.side.capitalize()} open carpal tunnel release"],
    }[c.region_name]
    proc = r.choice(procs)
    titles = ["OPERATIVE REPORT", "Operative Note", "OPERATIVE REPORT - SURGERY", "Brief Operative Note"]
    parts: list[tuple[str, list[str] | str]] = [
        (r.choice(["PREOPERATIVE DIAGNOSIS:", "Pre-op Diagnosis:"]), c.dx_lines()),
        (r.choice(["POSTOPERATIVE DIAGNOSIS:", "Post-op Diagnosis:"]), r.choice(["Same.", "Same as above."])),
        (r.choice(["PROCEDURE PERFORMED:", "PROCEDURE:", "OPERATION:"]), proc + "."),
        ("ASSISTANT:", r.choice(["None.", "Kyle Brenner, PA-C.", "Resident physician."])),
        ("ANESTHESIA:", r.choice(["General endotracheal.", "General with interscalene block.", "MAC with local."])),
        ("ESTIMATED BLOOD LOSS:", r.choice(["50 mL.", "Minimal.", "150 mL.", "25 mL."])),
        ("COMPLICATIONS:", "None."),
        (
            "INDICATIONS:",
            f"The patient has {c.part()} symptoms since a work injury on @@DOI@@ that failed "
            "conservative care including therapy and injections. Risks, benefits and alternatives "
            "were discussed and consent was signed.",
        ),
        (
            r.choice(["DESCRIPTION OF PROCEDURE:", "PROCEDURE IN DETAIL:", "OPERATIVE FINDINGS AND TECHNIQUE:"]),
            " ".join(
                r.sample(
                    [
                        "The patient was brought to the operating room and placed under anesthesia.",
                        "A time-out was performed confirming the patient, site and procedure.",
                        "The operative site was prepped and draped in the usual sterile fashion.",
                        f"Fluoroscopy confirmed the {c.level} level."
                        if c.region_name in ("lumbar", "cervical")
                        else "Standard portals were established.",
                        "Hemostasis was obtained and the wound irrigated.",
                        "The incision was closed in layers and a sterile dressing applied.",
                        "The patient tolerated the procedure well and went to recovery in stable condition.",
                    ],
                    r.randint(4, 7),
                )
            ),
        ),
        ("SPECIMENS:", r.choice(["None.", "Disc material to pathology.", "Meniscal fragments to pathology."])),
    ]
    return titles, _join(parts)


def procedure_note(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    proc = r.choice(
        [
            f"{c.side.capitalize()} {c.level if c.region_name in ('lumbar', 'cervical') else 'L5-S1'} transforaminal "
            "epidural steroid injection under fluoroscopy",
            "Interlaminar epidural steroid injection, "
            + (c.level if c.region_name in ("lumbar", "cervical") else "L4-L5"),
            f"Bilateral medial branch blocks, {r.choice(['L3-L4 and L4-L5', 'C5-C6 and C6-C7'])}",
            f"{c.side.capitalize()} shoulder subacromial corticosteroid injection",
            "Trigger point injections x4, trapezius and paraspinals",
            f"{c.side.capitalize()} knee aspiration and injection",
            "Radiofrequency ablation of medial branch nerves",
            "Nerve conduction study and EMG of the upper extremities",
        ]
    )
    titles = ["PROCEDURE NOTE", "Procedure Report", "PAIN MANAGEMENT PROCEDURE NOTE", "Interventional Procedure Note"]
    parts: list[tuple[str, list[str] | str]] = [
        (r.choice(["PROCEDURE:", "Procedure Performed:"]), proc + "."),
        (r.choice(["INDICATION:", "Indications:", "DIAGNOSIS:"]), c.dx_lines()),
        (
            "CONSENT:",
            "Risks including infection, bleeding, nerve injury and headache were explained; written consent obtained.",
        ),
        (
            r.choice(["MEDICATIONS:", "Injectate:"]),
            r.choice(
                [
                    "Triamcinolone 80 mg with 2 mL 1% lidocaine.",
                    "Dexamethasone 10 mg with 1 mL 0.25% bupivacaine.",
                    "Methylprednisolone 40 mg.",
                ]
            ),
        ),
        (
            r.choice(["TECHNIQUE:", "DESCRIPTION:"]),
            "Prepped with chlorhexidine and draped sterile. "
            + r.choice(
                [
                    "Needle advanced under fluoroscopic guidance; contrast confirmed spread without vascular uptake.",
                    "Landmark-guided approach; negative aspiration before injection.",
                ]
            ),
        ),
        ("PRE/POST PAIN SCORE:", f"{c.pain()} / {r.choice(['0/10', '1/10', '2/10'])}"),
        ("COMPLICATIONS:", "None. Tolerated well."),
        (c.h("plan"), ["Pain diary for 2 weeks.", "Follow up in clinic on @@NEXT@@."]),
    ]
    return titles, _join(parts)


def discharge_summary(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    titles = ["DISCHARGE SUMMARY", "Discharge Summary", "HOSPITAL DISCHARGE SUMMARY", "Discharge Summary Report"]
    parts: list[tuple[str, list[str] | str]] = [
        (r.choice(["ADMITTING DIAGNOSIS:", "Admission Diagnosis:"]), c.dx_lines(False)[:1]),
        (r.choice(["DISCHARGE DIAGNOSES:", "Final Diagnoses:", "DISCHARGE DIAGNOSIS:"]), c.dx_lines()),
        (
            r.choice(["PROCEDURES:", "Procedures Performed:", "OPERATIONS:"]),
            f"Surgery on the {c.part()} on @@PRIOR@@." if r.random() < 0.5 else "None.",
        ),
        (
            r.choice(["HOSPITAL COURSE:", "Brief Hospital Course:", "COURSE IN HOSPITAL:"]),
            " ".join(
                r.sample(
                    [
                        f"The patient was admitted for management of {c.part()} pain after {c.mech}.",
                        "Pain was controlled with oral medications by the second day.",
                        "Physical therapy worked with the patient on mobility and stairs.",
                        "There were no complications during the stay.",
                        "Foley catheter removed on day 1 and the patient voided without difficulty.",
                    ],
                    r.randint(3, 5),
                )
            ),
        ),
        (r.choice(["CONDITION ON DISCHARGE:", "Discharge Condition:"]), r.choice(["Stable.", "Good.", "Improved."])),
        (r.choice(["DISCHARGE MEDICATIONS:", "Discharge Medications:"]), c.meds()),
        (
            r.choice(["DISPOSITION:", "Discharged to:"]),
            r.choice(["Home with family.", "Home with home health PT.", "Skilled nursing facility."]),
        ),
        (
            r.choice(["FOLLOW-UP:", "Follow up:", "DISCHARGE INSTRUCTIONS:"]),
            "Clinic appointment on @@NEXT@@. No driving while on narcotics. Call for fever over 101 F.",
        ),
    ]
    return titles, _join(parts)


def imaging(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    mod = r.choice(["MRI", "X-RAY", "CT"])
    part = str(c.region["spine"]).upper()
    exam = {"MRI": f"MRI {part} WITHOUT CONTRAST", "X-RAY": f"{part}, 3 VIEWS", "CT": f"CT {part} WITHOUT CONTRAST"}[
        mod
    ]
    titles = [exam, "RADIOLOGY REPORT", "Diagnostic Imaging Report", "IMAGING REPORT", f"{mod} Report"]
    findings = {
        "lumbar": [
            f"At {c.level} there is a {r.choice(['broad-based', 'right paracentral', 'left foraminal'])} disc "
            f"protrusion measuring {r.randint(3, 7)} mm with {r.choice(['mild', 'moderate'])} foraminal narrowing.",
            "Vertebral body heights are maintained. No fracture.",
            "Conus terminates at L1 and is normal.",
            "Mild facet arthropathy at L4-L5 and L5-S1.",
        ],
        "cervical": [
            f"At {c.level} there is a disc osteophyte complex with mild canal stenosis.",
            "Straightening of the normal cervical lordosis, which may reflect muscle spasm.",
            "The cord is normal in signal and caliber.",
            "No prevertebral soft tissue swelling.",
        ],
        "shoulder": [
            "Full-thickness tear of the supraspinatus tendon with 1 cm retraction.",
            "Moderate AC joint arthrosis with a downsloping acromion.",
            "Small joint effusion.",
            "The biceps tendon is in the groove.",
        ],
        "knee": [
            "Oblique tear of the posterior horn of the medial meniscus extending to the inferior surface.",
            "The cruciate ligaments are intact.",
            "Moderate joint effusion.",
            "Bone bruise of the lateral femoral condyle.",
        ],
        "wrist": [
            "No fracture or dislocation.",
            "Mild degenerative change at the first CMC joint.",
            "Soft tissues are unremarkable.",
        ],
    }[c.region_name]
    parts: list[tuple[str, list[str] | str]] = [
        (r.choice(["EXAM:", "EXAMINATION:", "PROCEDURE:"]), exam),
        (
            r.choice(["CLINICAL HISTORY:", "HISTORY:", "INDICATION:"]),
            f"{c.part().capitalize()} pain after work injury. "
            + r.choice(["Radiculopathy.", "Rule out disc herniation.", "Rule out internal derangement.", ""]),
        ),
        ("COMPARISON:", r.choice(["None.", "Radiographs dated @@PRIOR@@.", "No prior studies available."])),
        (
            "TECHNIQUE:",
            r.choice(
                [
                    "Multiplanar multisequence MR imaging without contrast.",
                    "AP, lateral and oblique views.",
                    "Axial images with sagittal and coronal reformats.",
                ]
            ),
        ),
        ("FINDINGS:", r.sample(findings, r.randint(2, len(findings)))),
        (
            r.choice(["IMPRESSION:", "Impression:", "CONCLUSION:"]),
            [f"{i}. {s}" for i, s in enumerate(r.sample(findings, r.randint(1, 2)), 1)],
        ),
    ]
    return titles, _join(parts)


def lab_report(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    panels = {
        "CBC": [
            ("WBC", "4.0-11.0", "K/uL", (3.5, 12)),
            ("HGB", "12.0-16.0", "g/dL", (10, 17)),
            ("HCT", "36-46", "%", (33, 49)),
            ("PLT", "150-400", "K/uL", (140, 420)),
        ],
        "BASIC METABOLIC PANEL": [
            ("Sodium", "135-145", "mmol/L", (132, 146)),
            ("Potassium", "3.5-5.1", "mmol/L", (3.3, 5.4)),
            ("Creatinine", "0.6-1.2", "mg/dL", (0.5, 1.5)),
            ("Glucose", "70-99", "mg/dL", (75, 160)),
        ],
        "URINE DRUG SCREEN": [],
        "COAGULATION": [("PT", "11.0-13.5", "sec", (10.5, 14)), ("INR", "0.8-1.1", "", (0.8, 1.3))],
        "INFLAMMATORY MARKERS": [("ESR", "0-20", "mm/hr", (2, 40)), ("CRP", "0.0-0.9", "mg/dL", (0.1, 2.5))],
    }
    chosen = r.sample(list(panels), r.randint(1, 3))
    titles = ["LABORATORY REPORT", "Lab Results", "CUMULATIVE LAB REPORT", "Clinical Laboratory Report"]
    lines = [r.choice(["Test   Result   Flag   Reference Range   Units", "TEST NAME          RESULT     REF RANGE"])]
    for panel in chosen:
        lines.append(panel)
        if not panels[panel]:
            lines += [
                f"  {d}   {r.choice(['Negative', 'Negative', 'Positive'])}   Negative"
                for d in ["Opiates", "Benzodiazepines", "THC", "Cocaine", "Amphetamines"]
            ]
        for name, ref, unit, (lo, hi) in panels[panel]:
            value = round(r.uniform(lo, hi), 1)
            low, high = (float(x) for x in ref.split("-"))
            flag = "H" if value > high else "L" if value < low else ""
            lines.append(f"  {name}   {value}   {flag}   {ref}   {unit}")
    parts: list[tuple[str, list[str] | str]] = [
        (r.choice(["Specimen:", "SPECIMEN TYPE:"]), r.choice(["Whole blood", "Serum", "Urine", "Plasma"])),
        (r.choice(["Ordering Physician:", "Ordered by:"]), "@@PROVIDER@@"),
        ("", lines),
        (
            "",
            r.choice(
                [
                    "Results verified by medical technologist.",
                    "Performed at the main laboratory.",
                    "** End of report **",
                ]
            ),
        ),
    ]
    return titles, _join(parts)


def pathology(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    spec, dx = {
        "lumbar": (
            f"Intervertebral disc material, {c.level}",
            "Degenerated fibrocartilage consistent with disc material.",
        ),
        "cervical": (f"Intervertebral disc, {c.level}", "Degenerated fibrocartilage consistent with disc material."),
        "knee": (f"Medial meniscus, {c.side} knee", "Fibrocartilage with degenerative tearing."),
        "shoulder": (f"Synovium and bursa, {c.side} shoulder", "Chronic synovitis and bursitis."),
        "wrist": (f"Transverse carpal ligament, {c.side}", "Dense fibrous tissue with focal myxoid change."),
    }[c.region_name]
    titles = ["SURGICAL PATHOLOGY REPORT", "Pathology Report", "SURGICAL PATHOLOGY", "Pathology Consultation Report"]
    parts: list[tuple[str, list[str] | str]] = [
        ("SPECIMEN:", f"A. {spec}"),
        ("CLINICAL HISTORY:", f"{c.part().capitalize()} pain; surgery on the same date."),
        (
            r.choice(["GROSS DESCRIPTION:", "GROSS:"]),
            f"Received in formalin labeled with the patient's name are multiple "
            f"fragments of tan-white tissue measuring {r.randint(1, 4)}.{r.randint(0, 9)} x "
            f"{r.randint(1, 3)}.{r.randint(0, 9)} "
            "cm in aggregate. Entirely submitted in one cassette.",
        ),
        (
            r.choice(["MICROSCOPIC DESCRIPTION:", "MICROSCOPIC:"]),
            r.choice(
                [
                    "Fibrocartilage with degenerative changes.",
                    "Fragments of fibrocartilage with myxoid degeneration.",
                    "Dense fibrous tissue with chronic inflammation.",
                ]
            ),
        ),
        (
            r.choice(["FINAL DIAGNOSIS:", "DIAGNOSIS:"]),
            dx + r.choice([" Negative for malignancy.", " No malignancy identified.", ""]),
        ),
    ]
    return titles, _join(parts)


def therapy(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    kind = r.choice(["eval", "daily", "reeval", "discharge", "ot"])
    titles = {
        "eval": ["PHYSICAL THERAPY INITIAL EVALUATION", "PT Evaluation", "Physical Therapy Evaluation"],
        "daily": ["DAILY TREATMENT NOTE", "PT Daily Note", "Physical Therapy Treatment Note"],
        "reeval": ["PHYSICAL THERAPY RE-EVALUATION", "Progress Report / Re-evaluation"],
        "discharge": ["PHYSICAL THERAPY DISCHARGE SUMMARY", "PT Discharge Note"],
        "ot": ["OCCUPATIONAL THERAPY NOTE", "Hand Therapy Progress Note"],
    }[kind]
    visit = r.randint(2, 24)
    parts: list[tuple[str, list[str] | str]] = [
        (
            "",
            f"Visit #{visit} of {visit + r.randint(0, 12)} authorized. Referring physician: Dr. "
            f"{r.choice(['Hale', 'Ostrowski', 'Ng', 'Ferris', 'Quinn'])}. Date of injury: @@DOI@@.",
        ),
        (
            r.choice(["SUBJECTIVE:", "S:", "Patient Report:"]),
            f"Pain {c.pain()}. "
            + r.choice(
                ["Able to sit 30 minutes now.", "Sore after the last session.", "Sleeping better.", "Flare-up at work."]
            ),
        ),
        (r.choice(["OBJECTIVE:", "O:", "Measurements:"]), c.exam(2)),
        (
            r.choice(["TREATMENT:", "Interventions:", "Treatment Provided:"]),
            r.sample(
                [
                    "Therapeutic exercise 97110 x 2 units",
                    "Manual therapy 97140 x 1 unit",
                    "Neuromuscular re-education 97112 x 1 unit",
                    "Ultrasound 97035",
                    "Moist heat 97010",
                    "Therapeutic activities 97530 x 1 unit",
                    "Dry needling",
                ],
                r.randint(2, 4),
            ),
        ),
        (
            r.choice(["ASSESSMENT:", "A:"]),
            r.choice(
                [
                    "Progressing toward goals.",
                    "Slow progress; limited by pain.",
                    "Goals partially met.",
                    "Plateaued; consider discharge.",
                ]
            ),
        ),
        (
            r.choice(["PLAN:", "P:"]),
            r.choice(
                [
                    "Continue plan of care 2x/week.",
                    "Discharge to home exercise program.",
                    "Re-evaluate in 4 weeks.",
                    "Next visit @@NEXT@@.",
                ]
            ),
        ),
    ]
    if kind in ("eval", "reeval"):
        parts.insert(
            3,
            (
                "GOALS:",
                [
                    "1. Independent with home exercise program in 2 weeks.",
                    f"2. Lift {r.randint(20, 50)} lb floor to waist in 6 weeks.",
                    "3. Sit 60 minutes without increased pain.",
                ],
            ),
        )
    return titles, _join(parts)


def work_status(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    titles = [
        "WORK STATUS REPORT",
        "Work Status / Restrictions",
        "ATTENDING PHYSICIAN'S WORK STATUS REPORT",
        "Return to Work Form",
        "PHYSICIAN'S REPORT OF WORK ABILITY",
    ]
    status = r.choice(
        [
            "[X] Modified duty   [ ] Full duty   [ ] No work",
            "[ ] Modified duty   [ ] Full duty   [X] No work",
            "[ ] Modified duty   [X] Full duty   [ ] No work",
            "Status: MODIFIED DUTY",
            "Status: TOTALLY TEMPORARILY DISABLED",
        ]
    )
    parts: list[tuple[str, list[str] | str]] = [
        (
            r.choice(["Employer:", "EMPLOYER:"]),
            r.choice(
                [
                    "Tri-County Logistics",
                    "Maple Grove Schools",
                    "Summit Builders LLC",
                    "Brightway Home Care",
                    "Redline Manufacturing",
                ]
            ),
        ),
        (r.choice(["Claim #:", "Claim Number:"]), f"WC-{r.randint(100000, 999999)}"),
        (r.choice(["Date of Injury:", "DOI:"]), "@@DOI@@"),
        (r.choice(["Diagnosis:", "DIAGNOSIS:"]), c.dx_lines(True)),
        (r.choice(["WORK STATUS:", "Work Status:"]), status),
        (
            r.choice(["RESTRICTIONS:", "Restrictions:"]),
            r.sample(
                [
                    f"No lifting over {r.choice([10, 15, 20, 25])} lb.",
                    "No repetitive bending or twisting.",
                    "No overhead work with the right arm.",
                    "Sit/stand as needed.",
                    "No climbing ladders.",
                    f"Limit to {r.choice([4, 6])} hours per day.",
                ],
                r.randint(1, 4),
            ),
        ),
        ("", "These restrictions are in effect until the next appointment on @@NEXT@@."),
        ("", r.choice(["Maximum medical improvement: [ ] Yes  [X] No", "MMI not reached.", ""])),
    ]
    return titles, _join(parts)


def ime_report(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    titles = [
        "INDEPENDENT MEDICAL EXAMINATION",
        "Independent Medical Evaluation Report",
        "IME REPORT",
        "INDEPENDENT MEDICAL EXAMINATION REPORT",
    ]
    parts: list[tuple[str, list[str] | str]] = [
        ("", f"Claim No.: {r.choice(['KM', 'WC', 'PI'])}-{r.randint(10000, 99999)}    Date of Injury: @@DOI@@"),
        (
            "",
            "At your request I performed an independent medical examination of the claimant. The claimant was "
            "advised that no doctor-patient relationship exists.",
        ),
        (
            r.choice(["RECORDS REVIEWED:", "Medical Records Reviewed:"]),
            [
                "- Emergency department record dated @@DOI@@.",
                f"- MRI of the {c.region['spine']} dated @@PRIOR@@.",
                "- Physical therapy notes, 14 visits.",
                f"- Office notes of Dr. {r.choice(['Hale', 'Ostrowski', 'Ng', 'Ferris'])}.",
            ],
        ),
        (r.choice(["HISTORY:", "HISTORY OF INJURY:"]), hpi(c)),
        (
            r.choice(["EXAMINATION:", "PHYSICAL EXAMINATION:"]),
            [
                *c.exam(3),
                r.choice(["Waddell signs 0/5.", "Waddell signs 3/5.", "Inconsistent effort on grip testing."]),
            ],
        ),
        (r.choice(["DIAGNOSES:", "Diagnosis:"]), c.dx_lines()),
        (
            r.choice(["DISCUSSION AND ANSWERS TO QUESTIONS:", "RESPONSES TO SPECIFIC QUESTIONS:"]),
            [
                "1. Causation: Within reasonable medical probability, the "
                + r.choice(
                    [
                        "condition is causally related to the work injury.",
                        "current complaints are degenerative and not caused by the injury.",
                    ]
                ),
                "2. Treatment to date has been " + r.choice(["reasonable and necessary.", "excessive after 12 weeks."]),
                "3. Maximum medical improvement: " + r.choice(["reached.", "not yet reached; expected in 3 months."]),
                "4. Work capacity: " + r.choice(["full duty.", "light duty, lifting to 20 lb.", "sedentary."]),
                f"5. Impairment rating: {r.randint(0, 12)}% whole person per the AMA Guides, 6th edition.",
            ],
        ),
        ("", "I declare under penalty of perjury that the foregoing is true and correct."),
    ]
    return titles, _join(parts)


def correspondence(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    kind = r.choice(["attorney", "adjuster", "narrative", "records"])
    body = {
        "attorney": (
            ["Re: Request for narrative report", "LETTER OF REPRESENTATION", ""],
            [
                "Dear Doctor:",
                "Please be advised that this office represents @@PATIENT@@ for injuries sustained "
                "on @@DOI@@. Please forward a complete copy of all medical records and itemized billing. A signed "
                "HIPAA authorization is enclosed.",
                "Thank you for your prompt attention to this matter.",
            ],
        ),
        "adjuster": (
            ["Re: Claim status", "Request for Independent Medical Examination", ""],
            [
                "Dear Claimant:",
                "An independent medical examination has been scheduled on @@NEXT@@ at 10:00 a.m. "
                "Please bring photo identification and a list of your current medications.",
                "Failure to attend may result in suspension of benefits.",
            ],
        ),
        "narrative": (
            ["Re: Narrative report", "", "To Whom It May Concern"],
            [
                "Dear Counsel:",
                f"I have treated @@PATIENT@@ since the injury of @@DOI@@ for {c.part()} pain. " + hpi(c),
                "Diagnoses:",
                *c.dx_lines(),
                "Within a reasonable degree of medical certainty, the "
                "injuries are causally related to the accident. Future care will likely include "
                + r.choice(["injections.", "surgery.", "ongoing therapy."]),
                "Please do not hesitate to contact my office.",
            ],
        ),
        "records": (
            ["Re: Medical records request", ""],
            [
                "Dear Records Custodian:",
                "Enclosed please find a subpoena duces tecum for all records of the "
                "above patient from @@DOI@@ to the present.",
                "Kindly respond within 15 days.",
            ],
        ),
    }[kind]
    titles = [t for t in body[0] if t]
    extra = r.sample(
        [
            f"Our file number is {r.choice(['PI', 'WC', 'MVA'])}-{r.randint(1000, 99999)}.",
            "Please direct any questions to the undersigned.",
            f"A copy of this letter has been sent to {r.choice(['the claimant', 'counsel', 'the adjuster'])}.",
            "We appreciate your cooperation.",
            f"Enclosures: {r.randint(1, 5)}",
        ],
        r.randint(1, 3),
    )
    return titles, "\n\n".join([*body[1], *extra])


def referral(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    to = r.choice(
        [
            "Physical Therapy",
            "Pain Management",
            "Orthopedic Spine Surgery",
            "Neurology (EMG/NCS)",
            "Chiropractic",
            "Psychology (pain coping)",
        ]
    )
    titles = [
        "REFERRAL",
        f"Referral to {to}",
        "PHYSICAL THERAPY PRESCRIPTION" if to == "Physical Therapy" else "REFERRAL FORM",
        "Request for Consultation",
    ]
    parts: list[tuple[str, list[str] | str]] = [
        (r.choice(["Refer to:", "REFERRED TO:", "Specialty:"]), to),
        (r.choice(["Reason for referral:", "REASON:", "Diagnosis:"]), c.dx_lines()),
        (
            r.choice(["Request:", "Orders:"]),
            r.choice(
                [
                    "Evaluate and treat.",
                    "Consult and treat as indicated.",
                    "3x/week for 4 weeks; ROM, strengthening, modalities."
                    if to in ("Physical Therapy", "Chiropractic")
                    else "Please see at the earliest available appointment.",
                    "Consider epidural steroid injection."
                    if to == "Pain Management"
                    else "Opinion on surgical options."
                    if to.startswith("Ortho")
                    else "Please advise.",
                ]
            ),
        ),
        (r.choice(["Urgency:", "Priority:"]), r.choice(["Routine", "Urgent", "Within 2 weeks"])),
        (r.choice(["Authorization #:", "Auth:"]), f"{r.randint(1000000, 9999999)}"),
        ("", "Date of injury: @@DOI@@. Please send notes to the referring office."),
    ]
    return titles, _join(parts)


def billing(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    titles = [
        "ITEMIZED STATEMENT",
        "HEALTH INSURANCE CLAIM FORM",
        "Statement of Account",
        "PATIENT LEDGER",
        "CMS-1500 CLAIM SUMMARY",
    ]
    codes = r.sample(
        [
            ("99204", "Office visit, new, level 4", 325),
            ("99213", "Office visit, est, level 3", 145),
            ("97110", "Therapeutic exercise, 15 min", 62),
            ("72148", "MRI lumbar spine w/o contrast", 1450),
            ("64483", "Transforaminal ESI, lumbar", 1180),
            ("98941", "Chiropractic manipulation 3-4 regions", 68),
            ("J1030", "Methylprednisolone 40 mg", 18),
            ("97140", "Manual therapy, 15 min", 58),
        ],
        r.randint(2, 4),
    )
    rows = [
        r.choice(
            [
                "DOS        CPT     Description                          Units   Charge",
                "Date of Svc   Code   Description   Qty   Amount",
            ]
        )
    ]
    total = 0
    for cpt, desc, fee in codes:
        units = r.randint(1, 2)
        total += fee * units
        rows.append(f"@@SERVICE@@   {cpt}   {desc}   {units}   ${fee * units:,.2f}")
    paid = round(total * r.uniform(0, 0.6), 2)
    parts: list[tuple[str, list[str] | str]] = [
        (r.choice(["Account #:", "Acct No:"]), f"{r.randint(100000, 999999)}"),
        (
            r.choice(["Insurance:", "Payer:"]),
            r.choice(
                [
                    "Keystone Mutual Casualty",
                    "State Workers Comp Fund",
                    "Blue Ridge Auto Insurance (PIP)",
                    "Self-pay / Letter of protection",
                ]
            ),
        ),
        (r.choice(["Diagnosis codes:", "ICD-10:"]), ", ".join(code for code, _ in c.dx)),
        ("", rows),
        (
            "",
            [
                f"Total charges: ${total:,.2f}",
                f"Payments/adjustments: -${paid:,.2f}",
                f"Balance due: ${total - paid:,.2f}",
            ],
        ),
        (
            "",
            r.choice(
                ["Please remit within 30 days.", "Tax ID 12-3456789", "Questions? Call billing at (555) 010-7788."]
            ),
        ),
    ]
    return titles, _join(parts)


def other(c: Ctx) -> tuple[list[str], str]:
    r = c.rng
    kind = r.choice(["auth", "intake", "certification", "pharmacy"])
    if kind == "auth":
        return ["AUTHORIZATION FOR RELEASE OF PROTECTED HEALTH INFORMATION", "HIPAA Authorization"], _join(
            [
                ("", "I authorize the release of my complete medical record, including billing, to the party below."),
                ("Purpose:", r.choice(["Legal", "Insurance claim", "Continuity of care"])),
                ("", "This authorization expires one year from the date signed. I may revoke it in writing."),
                ("", "Signature of patient: ______________________"),
            ]
        )
    if kind == "intake":
        return ["PATIENT INTAKE QUESTIONNAIRE", "New Patient Information"], _join(
            [
                ("Where is your pain?", f"{c.side} {c.part()}"),
                ("Rate your pain (0-10):", c.pain().split("/")[0]),
                ("How did the injury happen?", c.mech),
                ("Occupation:", c.job),
                ("Emergency contact:", r.choice(["spouse", "sister", "friend"])),
            ]
        )
    if kind == "certification":
        return ["CERTIFICATION OF MEDICAL RECORDS", "Custodian of Records Affidavit"], _join(
            [
                (
                    "",
                    "I, the duly authorized custodian of records, certify that the attached records are true and "
                    f"complete copies, consisting of {r.randint(4, 60)} pages, kept in the regular course of business.",
                ),
                ("", "Subscribed and sworn before me, Notary Public."),
            ]
        )
    return ["PHARMACY PRESCRIPTION HISTORY", "Medication Fill History"], _join(
        [
            ("", [f"{m}   Qty {r.choice([30, 60, 90])}   Refills {r.randint(0, 3)}" for m in r.sample(MEDS, 3)]),
            ("", "Report generated for the requesting party."),
        ]
    )


GENERATORS: dict[str, Callable[[Ctx], tuple[list[str], str]]] = {
    "progress_note": progress_note,
    "consultation": consultation,
    "history_and_physical": history_and_physical,
    "emergency": emergency,
    "operative_report": operative_report,
    "procedure_note": procedure_note,
    "discharge_summary": discharge_summary,
    "imaging": imaging,
    "lab_report": lab_report,
    "pathology": pathology,
    "therapy": therapy,
    "work_status": work_status,
    "ime_report": ime_report,
    "correspondence": correspondence,
    "referral": referral,
    "billing": billing,
    "other": other,
}


def own_notes(per_type: int = 60, seed: int = 0) -> list[Note]:
    """``per_type`` distinct synthetic notes of each of the 17 types (same seed, same notes)."""
    notes: list[Note] = []
    for doc_type, make in GENERATORS.items():
        rng = random.Random(f"{seed}-{doc_type}")
        seen: set[str] = set()
        for _ in range(per_type * 3):
            titles, body = make(Ctx(rng))
            key = sha1(doc_type + body)
            if key in seen:
                continue
            seen.add(key)
            notes.append(Note(key, "own", doc_type, body, tuple(titles)))
            if len(seen) == per_type:
                break
    return notes

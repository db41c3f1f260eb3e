"""Notes for the accuracy harness: one typed body of text each, from four sources.

- ``mtsamples``: real transcribed reports (../shared/corpus/text/mtsamples-dev.csv); read at run time, never
  copied into the repository.
- ``ccda``: HL7 C-CDA R2.1 example documents (CC0); the narrative ``<text>`` of each section under its title.
- ``synthea``: Synthea's synthetic longitudinal notes (Apache-2.0): one primary-care encounter note per visit.
- ``own``: entirely synthetic notes from bench/own_notes.py, all 17 document types.

Every note belongs to one split, "tune" or "held-out", fixed by the hash of its text (C-CDA: of each
section), so the held-out figures are on text the rules were never developed against. Bodies may carry the
placeholders ``@@PATIENT@@``, ``@@DOI@@`` (date of injury), ``@@PRIOR@@`` (a date before the service date),
``@@NEXT@@`` (next appointment) and ``@@SERVICE@@`` (the chronology date); the bundle builder fills them in.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_TEXT = ROOT.parent / "shared" / "corpus" / "text"
MTSAMPLES = CORPUS_TEXT / "mtsamples-dev.csv"
CCDA = CORPUS_TEXT / "hl7-ccda" / "Documents"
SYNTHEA = CORPUS_TEXT / "synthea-notes"
SOURCES = ("mtsamples", "ccda", "synthea", "own")


@dataclass(frozen=True)
class Note:
    key: str  # stable id: the SHA-1 of the body (C-CDA: of the chosen sections)
    source: str
    doc_type: str
    body: str
    titles: tuple[str, ...] = ()  # titles this note would carry; empty: the layout picks a generic one

    @property
    def split(self) -> str:
        return split_of(self.key)


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def split_of(key: str) -> str:
    """Digits tune, letters held out (10/16 vs 6/16 of the notes)."""
    return "tune" if key[0] in "0123456789" else "held-out"


def available_sources() -> list[str]:
    found = {"mtsamples": MTSAMPLES.is_file(), "ccda": CCDA.is_dir(), "synthea": SYNTHEA.is_dir(), "own": True}
    return [s for s in SOURCES if found[s]]


# --- MTSamples -------------------------------------------------------------------------------------------

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


def restore_lines(text: str) -> str:
    """MTSamples replaced line breaks with commas: put them back before headings."""
    text = re.sub(r",\s*(?=[A-Z][A-Z0-9 /&()\-]{2,60}:)", "\n", text)
    text = re.sub(r":\s*,\s*", ":\n", text)
    return re.sub(r"\.,(?=\S)", ".\n", text)


def load_mtsamples() -> list[Note]:
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
            if doc_type == "operative_report" and re.search(r"injection|epidural|block|colonoscopy|endoscopy", name):
                doc_type = "procedure_note"
            notes.append(Note(row["text_sha1"], "mtsamples", doc_type, restore_lines(row["transcription"])))
    return notes


# --- HL7 C-CDA ---------------------------------------------------------------------------------------------

CCDA_TYPES = {
    "Consultation Note": "consultation",
    "Diagnostic Imaging Report": "imaging",
    "Discharge Summary": "discharge_summary",
    "History and Physical": "history_and_physical",
    "Operative Note": "operative_report",
    "Procedure Note": "procedure_note",
    "Progress Note": "progress_note",
    "Referral Note": "referral",
    "Transfer Summary": "discharge_summary",  # a hospital summary at transfer: course, discharge diagnoses
}  # CCD and Care Plan are summaries of a whole record, not one encounter: skipped
V3 = "{urn:hl7-org:v3}"


def _narrative(elem: ET.Element) -> list[str]:
    """The lines a reader sees in a C-CDA narrative block: paragraphs, list items, table rows."""
    lines: list[str] = []
    tag = elem.tag.removeprefix(V3)
    if tag == "tr":
        cells = [" ".join("".join(c.itertext()).split()) for c in elem if c.tag.removeprefix(V3) in ("td", "th")]
        return ["   ".join(c for c in cells if c)]
    if tag in ("paragraph", "item", "caption") and not any(c.tag.removeprefix(V3) in ("list", "table") for c in elem):
        text = " ".join("".join(elem.itertext()).split())
        return [("- " if tag == "item" else "") + text] if text else []
    if elem.text and elem.text.strip() and tag == "text":
        lines.append(" ".join(elem.text.split()))
    for child in elem:
        lines += _narrative(child)
        if child.tail and child.tail.strip() and tag in ("text", "td", "paragraph"):
            lines.append(" ".join(child.tail.split()))
    return lines


def ccda_sections() -> list[tuple[str, str, str]]:
    """(doc_type, section title, narrative) for every C-CDA example section with text."""
    out = []
    for folder in sorted(CCDA.iterdir()):
        doc_type = CCDA_TYPES.get(folder.name)
        if doc_type is None:
            continue
        for xml in sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".xml"):
            root = ET.parse(xml).getroot()
            for section in root.iter(f"{V3}section"):
                title = (section.findtext(f"{V3}title") or "").strip()
                text = section.find(f"{V3}text")
                if text is None or not title:
                    continue
                lines = [line for line in _narrative(text) if line.strip()]
                if lines:
                    out.append((doc_type, title.upper(), "\n".join(lines)))
    return out


def load_ccda(seed: int = 0, variants: int = 12) -> list[Note]:
    """Each example's sections are split by hash; a note is a random subset (kept in order) of one split's
    sections of one document type, so tune and held-out notes never share a section."""
    by_key: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for doc_type, title, text in ccda_sections():
        by_key.setdefault((doc_type, split_of(sha1(title + text))), []).append((title, text))
    notes = {}
    rng = random.Random(seed)
    for (doc_type, split), sections in sorted(by_key.items()):
        for _ in range(variants):
            k = rng.randint(min(3, len(sections)), len(sections))
            chosen = sorted(rng.sample(range(len(sections)), k))
            body = "\n\n".join(f"{sections[i][0]}:\n{sections[i][1]}" for i in chosen)
            # the key keeps the split of its sections: re-hash until the first hex digit agrees
            key = sha1(body)
            while split_of(key) != split:
                key = sha1(key)
            notes[key] = Note(key, "ccda", doc_type, body)
    return list(notes.values())


# --- Synthea -----------------------------------------------------------------------------------------------

VISIT_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\s*$", re.M)
SYNTHEA_NAME = re.compile(r"^(?:[^\W\d_]+ ){0,2}[^\W\d_]+\d+[ \t]*\n?", re.M)  # "María Elena653" alone


def load_synthea() -> list[Note]:
    """Synthea files are many dated primary-care encounters (chief complaint, HPI, social history,
    allergies, medications, assessment and plan) one after another: each visit is a progress note. Its
    own date line is dropped (the bundle gives each note a date); generated names like ``Alex454``
    become the bundle's patient."""
    notes = {}
    for path in sorted(SYNTHEA.glob("*.txt")):
        parts = VISIT_DATE.split(path.read_text(encoding="utf-8"))
        for part in parts:
            body = SYNTHEA_NAME.sub("@@PATIENT@@", part.strip())
            body = re.sub(r"^#+ ", "", body, flags=re.M)
            body = re.sub(r"\n{3,}", "\n\n", body)
            if len(body) < 200:
                continue
            key = sha1(body)
            notes[key] = Note(key, "synthea", "progress_note", body)
    return list(notes.values())


def load_notes(sources: list[str], seed: int = 0) -> list[Note]:
    from own_notes import own_notes

    loaders = {"mtsamples": load_mtsamples, "ccda": lambda: load_ccda(seed), "synthea": load_synthea}
    notes: list[Note] = []
    for source in sources:
        notes += own_notes(per_type=60, seed=seed) if source == "own" else loaders[source]()
    return notes

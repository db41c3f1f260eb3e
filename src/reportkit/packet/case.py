"""What ``packet`` takes from a case folder. The one place that knows the case-folder layout.

A case folder is a folder holding ``records/`` (the record PDFs), optionally ``case.yaml`` (read for the
examinee's surname only), ``index/index.json`` (the record index ``draft`` keeps, with any corrections made by
hand; used when its files' SHA-256 match the records) and ``drafts/`` (the drafted report or letter, put
first in the packet: ``ime-report.pdf`` or ``second-opinion-letter.pdf`` as ``draft --format pdf`` writes). This is
deliberately small, so it can follow the drafting command's layout when the two are merged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportkit.errors import InputError
from reportkit.publish import interrupted

RECORDS = "records"
DRAFTS = "drafts"
INDEX = "index"
CASE_FILE = "case.yaml"
PERSON_KEYS = ("examinee", "patient", "claimant")
REPORT_WORDS = ("report", "letter", "opinion", "ime")


@dataclass(frozen=True)
class CaseInputs:
    """The inputs of a packet once any case folder is resolved."""

    records: tuple[Path, ...]
    """Record PDFs and/or folders, in the order given."""
    case_dir: Path | None
    """The case folder (given, or the parent of a ``records`` folder given alone)."""
    surname: str | None
    """The examinee's surname from case.yaml, for the default Bates prefix."""
    report: Path | None
    """The drafted report or letter PDF to put first (``drafts/*.pdf``), if there is one."""
    index: Path | None = None
    """The case's record index (``index/index.json``, written by ``draft``), used when it matches the records."""


def is_case_dir(path: Path) -> bool:
    return path.is_dir() and (path / RECORDS).is_dir()


def resolve(inputs: Sequence[Path]) -> CaseInputs:
    """A single case folder becomes its records/ plus what case.yaml and drafts/ hold; anything else is
    taken as record PDFs and folders. A single folder named ``records`` makes its parent the case folder."""
    if len(inputs) == 1 and is_case_dir(inputs[0]):
        folder = inputs[0]
        return CaseInputs(
            (folder / RECORDS,), folder, read_surname(folder), find_report(folder), folder / INDEX / "index.json"
        )
    case_dir: Path | None = None
    if len(inputs) == 1 and inputs[0].is_dir() and inputs[0].name == RECORDS:
        case_dir = inputs[0].resolve().parent
    surname = read_surname(case_dir) if case_dir else None
    return CaseInputs(tuple(inputs), case_dir, surname, None)


def read_surname(case_dir: Path) -> str | None:
    """The examinee's surname from ``case.yaml`` (``examinee: {name: …}``, ``patient:`` or ``claimant:``;
    ``surname``/``last_name`` keys win over the last word of ``name``). None when absent or unreadable."""
    path = case_dir / CASE_FILE
    if not path.is_file():
        return None
    import yaml

    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(data, dict):
        return None
    for key in PERSON_KEYS:
        person = data.get(key)
        if isinstance(person, str):
            person = {"name": person}
        if not isinstance(person, dict):
            continue
        for field in ("surname", "last_name", "family_name"):
            if isinstance(person.get(field), str) and person[field].strip():
                return str(person[field]).strip()
        name = person.get("name")
        if isinstance(name, str) and name.strip():
            return surname_of(name)
    return None


_SUFFIXES = {"JR", "SR", "II", "III", "IV", "ESQ", "MD", "PHD"}
"""What may follow a surname ("Daniel Okafor III", "Okafor, Jr.") and is not one."""


def surname_of(name: str) -> str | None:
    """The surname in a person's name as case.yaml writes it: ``Smith, John`` → ``Smith``; ``Daniel Okafor
    III``, ``Daniel Okafor, Jr.`` → ``Okafor`` (a generational or degree suffix is not the surname)."""
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) > 1 and all(_is_suffix(w) for p in parts[1:] for w in p.split()):
        parts = [parts[0]]  # "Daniel Okafor, Jr.": the comma sets off the suffix
    if len(parts) > 1:  # "Smith, John"
        words = [w for w in parts[0].split() if not _is_suffix(w)]
        return words[-1] if words else None
    words = parts[0].split() if parts else []
    while len(words) > 1 and _is_suffix(words[-1]):
        words.pop()
    return words[-1] if words else None


def _is_suffix(word: str) -> bool:
    return word.upper().replace(".", "") in _SUFFIXES


def read_header(case_dir: Path | None) -> dict[str, str]:
    """The examinee's name and date of birth and the claim number from ``case.yaml``, for the chronology's
    case header ({} when there is no readable case.yaml)."""
    if case_dir is None or not (case_dir / CASE_FILE).is_file():
        return {}
    import yaml

    try:
        data: Any = yaml.safe_load((case_dir / CASE_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    person: dict[str, Any] = next((data[k] for k in PERSON_KEYS if isinstance(data.get(k), dict)), {})
    found = {"name": person.get("name"), "dob": person.get("dob"), "claim_number": data.get("claim_number")}
    return {k: str(v) for k, v in found.items() if v not in (None, "")}


_NOT_DECOMPOSED = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Æ": "AE", "æ": "ae",
                                  "Œ": "OE", "œ": "oe", "ß": "ss", "Þ": "TH", "þ": "th", "Ħ": "H", "ħ": "h",
                                  "ı": "i"})  # fmt: skip
"""Latin letters Unicode does not decompose into a base letter and a mark (NFKD keeps ``Ł`` whole)."""


def prefix_from_surname(surname: str) -> str:
    """``O'Brien-Day`` → ``OBRIEN-DAY``: capitals, letters, digits and hyphens only."""
    import unicodedata

    spelt = surname.translate(_NOT_DECOMPOSED)
    ascii_name = unicodedata.normalize("NFKD", spelt).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9-]", "", ascii_name.upper()).strip("-")[:24]


def find_report(case_dir: Path) -> Path | None:
    """The drafted report or letter in ``drafts/``: a PDF whose name says report/letter/opinion/IME, else the
    only PDF there. None when there is none (or several and none named so)."""
    drafts = case_dir / DRAFTS
    if not drafts.is_dir():
        return None
    if interrupted(drafts) is not None:
        raise InputError(
            f"{drafts}: a `reportkit draft` writing this folder was stopped before it finished; its files may "
            "not belong together.",
            hint="Run `reportkit draft` on the case again, then the packet.",
        )
    pdfs = sorted(p for p in drafts.iterdir() if p.is_file() and p.suffix.lower() == ".pdf")
    named = [p for p in pdfs if any(w in p.stem.lower() for w in REPORT_WORDS)]
    if named:
        return named[0]
    return pdfs[0] if len(pdfs) == 1 else None


def why_no_surname(case_dir: Path) -> str:
    """Why ``read_surname`` found nothing, for the error message."""
    path = case_dir / CASE_FILE
    if not path.is_file():
        return f"no {path}"
    import yaml

    try:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return f"{path} could not be read as YAML"
    surname = read_surname(case_dir)
    if surname:
        return f"the examinee's surname in {path} has no Latin letters or digits for a Bates prefix"
    return f"{path} names no examinee ({', '.join(PERSON_KEYS)}: with a name)"

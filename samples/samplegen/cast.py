"""The cast of the sample case: patient, people, facilities, claim numbers (from ``content/cast.yaml``).

Case 0 is the committed sample. Benchmark variants (``make_case(i)``, i > 0) shift every date and vary the
names and numbers by fixed arithmetic, so they are as deterministic as the sample.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import yamlfile as y
from .dates import age_on

CONTENT = Path(__file__).resolve().parent.parent / "content"
STYLES = ("center", "left", "banner")
FONTS = ("helvetica", "times", "courier")
NUMBERS = ("claim", "mrn_sb", "mrn_lo", "acct_ho", "acct_ng")


@dataclass(frozen=True)
class Person:
    name: str
    creds: str = ""

    @property
    def full(self) -> str:
        """Name as written with credentials: "Helen M. Castellano, MD"."""
        return f"{self.name}, {self.creds}" if self.creds else self.name

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


@dataclass(frozen=True)
class Patient:
    first: str
    middle: str
    last: str
    dob: dt.date

    @property
    def full(self) -> str:
        return f"{self.first} {self.middle}. {self.last}"

    @property
    def last_first(self) -> str:
        return f"{self.last}, {self.first} {self.middle}"

    @property
    def mr(self) -> str:
        return f"Mr. {self.last}"


@dataclass(frozen=True)
class Facility:
    name: str
    tagline: str
    street: str
    city: str
    phone: str
    fax: str
    style: str  # "center" | "left" | "banner"
    font: str = "helvetica"  # the letterhead's font family in the "left" style

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}"


@dataclass(frozen=True)
class Cast:
    """What every variant shares: the employer, the facilities, the canonical people and the bench names."""

    employer: str
    facilities: dict[str, Facility]
    patient: Patient
    numbers: dict[str, str]
    people: dict[str, Person]
    first_names: tuple[str, ...]
    provider_first: tuple[str, ...]
    last_names: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """Everything that varies between the sample case and the benchmark cycles."""

    shift: int  # days added to every date of the canonical timeline
    pt: Patient
    numbers: dict[str, str]  # claim, mrn_sb (St. Brendan), mrn_lo (Lakeshore), acct_ho, acct_ng
    people: dict[str, Person]  # by role: occ, surgeon, therapist, ...

    def d(self, canonical: dt.date) -> dt.date:
        """A date of the canonical 2024 timeline, shifted for this case."""
        return canonical + dt.timedelta(days=self.shift)

    @property
    def doi(self) -> dt.date:
        return self.d(dt.date(2024, 2, 6))

    def age(self, on: dt.date) -> int:
        return age_on(self.pt.dob, on)


def load_cast(path: Path = CONTENT / "cast.yaml") -> Cast:
    top = y.mapping(y.load(path), str(path), ("employer", "patient", "numbers", "people", "facilities", "bench_names"))
    facilities: dict[str, Facility] = {}
    for fid, raw in y.table(top["facilities"], f"{path}: facilities").items():
        where = f"{path}: facilities.{fid}"
        f = y.mapping(raw, where, ("name", "tagline", "street", "city", "phone", "fax", "style"), ("font",))
        fac = Facility(**{k: y.text(v, f"{where}.{k}") for k, v in f.items()})
        if fac.style not in STYLES or fac.font not in FONTS:
            raise y.ContentError(f"{where}: style must be one of {STYLES}, font one of {FONTS}")
        facilities[str(fid)] = fac
    pt = y.mapping(top["patient"], f"{path}: patient", ("first", "middle", "last", "dob"))
    first, middle, last = (y.text(pt[k], f"{path}: patient.{k}") for k in ("first", "middle", "last"))
    patient = Patient(first, middle, last, y.date(pt["dob"], f"{path}: patient.dob"))
    numbers = y.mapping(top["numbers"], f"{path}: numbers", NUMBERS)
    numbers = {k: y.text(v, f"{path}: numbers.{k}") for k, v in numbers.items()}
    people: dict[str, Person] = {}
    for role, raw in y.table(top["people"], f"{path}: people").items():
        where = f"{path}: people.{role}"
        p = y.mapping(raw, where, ("name",), ("creds",))
        people[str(role)] = Person(y.text(p["name"], f"{where}.name"), y.text(p.get("creds", ""), f"{where}.creds"))
    names = y.mapping(top["bench_names"], f"{path}: bench_names", ("first_names", "provider_first", "last_names"))
    first_names, provider_first, last_names = (
        tuple(y.texts(names[k], f"{path}: bench_names.{k}")) for k in ("first_names", "provider_first", "last_names")
    )
    employer = y.text(top["employer"], f"{path}: employer")
    return Cast(employer, facilities, patient, numbers, people, first_names, provider_first, last_names)


def make_case(cast: Cast, i: int) -> Case:
    """Case 0 is the committed sample; i > 0 gives benchmark variants (names, dates, numbers)."""
    if i == 0:
        return Case(0, cast.patient, cast.numbers, cast.people)
    last_names = cast.last_names

    def surname(slot: int) -> str:  # distinct within a case: 7 is invertible mod 25
        return last_names[(i * 7 + slot) % len(last_names)]

    def prov(slot: int, creds: str) -> Person:
        first = cast.provider_first[(i * 5 + slot) % len(cast.provider_first)]
        return Person(f"{first} {surname(slot)}", creds)

    dob = cast.patient.dob - dt.timedelta(days=(i * 977) % 7300 - 3650)
    pt = Patient(cast.first_names[i % len(cast.first_names)], chr(ord("A") + i % 26), surname(0), dob)
    numbers = {
        "claim": f"KMC-WC-24-{(31857 + i * 7919) % 10_000_000:07d}",
        "mrn_sb": f"SB-{(48213 + i * 104_729) % 10_000_000:07d}",
        "mrn_lo": f"LOS-{(77120 + i * 6007) % 100_000:05d}",
        "acct_ho": f"HOH-{(220418 + i * 3301) % 1_000_000:06d}",
        "acct_ng": f"NPT-{(13094 + i * 811) % 100_000:05d}",
    }
    # Each role keeps its credentials; the slot (its place in cast.yaml's people) picks the name.
    people = {role: prov(slot, p.creds) for slot, (role, p) in enumerate(cast.people.items(), 1)}
    return Case((i * 47) % 730, pt, numbers, people)

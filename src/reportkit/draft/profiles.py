"""Jurisdiction profiles: what a report must contain where it will be read.

A profile is a small YAML file: the headings a draft must have, case fields that must be filled, extra
sections the template adds, and fixed statements (a statement of truth, a declaration) printed before the
signature. Built-in profiles live in ``reportkit/profiles/``; ``jurisdiction: my-profile.yaml`` in case.yaml
loads one from the case folder (and from nowhere else: not through ``..``, an absolute path or a link).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from reportkit.errors import CaseError


@dataclass(frozen=True)
class Statement:
    heading: str
    paragraphs: tuple[str, ...]


EVENTS: dict[str, str] = {
    "injury": "date of injury",
    "referral": "referral",
    "questions_received": "questions received",
    "records_received": "records received",
    "exam": "examination",
    "report_dated": "report dated",
    "report_sent": "report sent",
    "addendum_requested": "addendum requested",
    "addendum_sent": "addendum sent",
    "pretrial_conference": "pre-trial conference",
}
"""The case events a deadline counts from or is met by (``reportkit.draft.timeline`` reads them from case.yaml)."""


@dataclass(frozen=True)
class Deadline:
    """A date the rules fix: ``days`` after the ``start`` event (before it, when negative), met by ``met_by``.
    Without ``met_by`` it is a time limit on someone else (written questions may be put until …): it closes
    on its date and is never late."""

    what: str
    start: str
    days: int
    met_by: str | None
    rule: str
    """Where the rule is: the regulation or rule number and, after a semicolon, what it says in short."""
    count: Literal["calendar", "business"] = "calendar"
    roll: bool = False
    """A due date on a weekend or a listed holiday moves to the next business day (the one before, counted back)."""
    verified: str = ""
    """Where the rule's text was read (empty: not checked against the text; ``status`` says so)."""


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    description: str
    required_headings: dict[str, tuple[str, ...]]
    """Per kind (ime, second-opinion): headings the draft must contain."""
    required_fields: dict[str, tuple[str, ...]]
    """Per kind: dotted case.yaml fields that must be filled in."""
    sections: tuple[str, ...] = ()
    """Extra sections the built-in IME template adds (summary_of_conclusions, instructions, …)."""
    statements: tuple[Statement, ...] = ()
    required_text: tuple[str, ...] = field(default=())
    """Phrases the final report must contain verbatim (whitespace-insensitive)."""
    deadlines: tuple[Deadline, ...] = ()
    source: str = ""

    def to_context(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "sections": list(self.sections),
            "statements": [{"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in self.statements],
        }


def builtin_names() -> list[str]:
    root = resources.files("reportkit").joinpath("profiles")
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def load_profile(name: str, case_dir: Path | None = None) -> Profile:
    """A built-in profile by name, or a ``.yaml`` file inside the case folder (after resolving links)."""
    if name.endswith((".yaml", ".yml")):
        path = _in_case(name, case_dir or Path())
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            raise CaseError(
                f"{path}: jurisdiction profile not found.", hint="Check `jurisdiction:` in case.yaml."
            ) from None
        return _parse(text, str(path))
    if name not in builtin_names():
        raise CaseError(
            f"case.yaml: jurisdiction '{name}' is not a known profile.",
            hint=f"Use one of: {', '.join(builtin_names())}, or a profile .yaml file in the case folder.",
        )
    text = resources.files("reportkit").joinpath("profiles", f"{name}.yaml").read_text(encoding="utf-8")
    return _parse(text, name)


def _in_case(name: str, case_dir: Path) -> Path:
    """``case_dir/name`` if it stays inside the case folder (no absolute path, ``..`` or link out of it)."""
    relative = Path(name)
    path = case_dir / relative
    if relative.is_absolute() or ".." in relative.parts or not path.resolve().is_relative_to(case_dir.resolve()):
        raise CaseError(
            f"{case_dir / 'case.yaml'}: jurisdiction '{name}' is outside the case folder; not read.",
            hint=f"Use a built-in profile ({', '.join(builtin_names())}) or a profile .yaml file inside the case "
            f"folder {case_dir} (named without '..' or an absolute path, and not a link out of the folder).",
        )
    return path


def _parse(text: str, source: str) -> Profile:
    try:
        data = yaml.safe_load(text)
        return Profile(
            name=str(data["name"]),
            title=str(data.get("title", data["name"])),
            description=str(data.get("description", "")),
            required_headings={k: tuple(v) for k, v in (data.get("required_headings") or {}).items()},
            required_fields={k: tuple(v) for k, v in (data.get("required_fields") or {}).items()},
            sections=tuple(data.get("sections") or ()),
            statements=tuple(
                Statement(str(s["heading"]), tuple(str(p) for p in s["paragraphs"]))
                for s in data.get("statements") or ()
            ),
            required_text=tuple(str(t) for t in data.get("required_text") or ()),
            deadlines=tuple(_deadline(d, i, source) for i, d in enumerate(data.get("deadlines") or (), 1)),
            source=source,
        )
    except (yaml.YAMLError, KeyError, TypeError, AttributeError, ValueError) as exc:
        raise CaseError(f"{source}: not a valid jurisdiction profile.", detail=repr(exc)) from None


def _deadline(data: dict[str, Any], n: int, source: str) -> Deadline:
    unknown = set(data) - {"what", "from", "days", "met_by", "rule", "count", "roll", "verified"}
    missing = [key for key in ("what", "from", "days", "rule") if key not in data]
    problem = f"unknown key(s) {', '.join(sorted(unknown))}" if unknown else ""
    if not problem and missing:
        problem = f"missing {', '.join(missing)}"
    for key in ("from", "met_by"):
        if not problem and data.get(key) not in EVENTS and (key == "from" or data.get(key) is not None):
            problem = f"{key}: '{data.get(key)}' is not an event ({', '.join(EVENTS)})"
    if not problem and data.get("count", "calendar") not in ("calendar", "business"):
        problem = "count: must be 'calendar' or 'business'"
    if not problem and (not isinstance(data.get("days"), int) or isinstance(data.get("days"), bool)):
        problem = "days: a whole number of days (negative: before the event)"
    if problem:
        raise CaseError(
            f"{source}: deadline {n}: {problem}.",
            hint="A deadline has what, from, days and rule (met_by, count, roll and verified are optional).",
        )
    return Deadline(
        what=str(data["what"]),
        start=str(data["from"]),
        days=int(data["days"]),
        met_by=str(data["met_by"]) if data.get("met_by") is not None else None,
        rule=str(data["rule"]),
        count=data.get("count", "calendar"),
        roll=bool(data.get("roll", False)),
        verified=str(data.get("verified") or ""),
    )

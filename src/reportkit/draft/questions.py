"""Numbered questions out of a referral or instruction letter, as YAML ready for case.yaml.

Numbering styles: ``1.``, ``1)``, ``(1)``, ``Q1:``/``Question 1:``, and sub-questions ``(a)``, ``a)``,
``(ii)``; questions that run over several lines. Top-level numbers must run 1, 2, 3 … so that numbered lists
elsewhere in the letter (enclosures, addresses) are not taken for questions. A question ends at a line back
at the body margin after a finished sentence, at a closing line (``Please send …``, ``Sincerely``), or at
the next question. A numbered list counts only when most of its items ask something ("?", "What …",
"Please describe …") or the letter asks for answers ("Please address the following:"): a plan or a
medication list in a clinical note is not a list of questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportkit.errors import EncryptedError, InputError

_TOP = (
    re.compile(r"^(?:Q|Question)\s*(\d{1,2})\s*[:.)\-–]\s*(.*)$", re.I),
    re.compile(r"^(\d{1,2})[.)](?:\s+(.*)|$)"),
    re.compile(r"^\((\d{1,2})\)\s*(.*)$"),
)
_SUB = (
    re.compile(r"^\(([a-z]|[ivx]{1,4})\)\s*(.*)$"),
    re.compile(r"^([a-z])[.)]\s+(.*)$"),
)
_CLOSING = re.compile(
    r"^(please (send|provide|forward|submit|contact|call|let us|include|return|invoice|bill"
    r"|note that (the|your) (report|invoice))"
    r"|thank you|sincerely|yours (sincerely|faithfully|truly)|kind regards|regards|respectfully|we look forward"
    r"|if you (have|need|require)|enclosures?\b|cc\s*:|encl\.)",
    re.I,
)
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")
_NOISE = re.compile(r"^(page \d+( of \d+)?|-\s*\d+\s*-|\d+)$", re.I)


@dataclass(frozen=True)
class Line:
    """A line of the letter: its left edge (any unit; larger is further right), text, and whether a
    paragraph gap comes before it."""

    indent: float
    text: str
    gap_before: bool = False


@dataclass
class Extracted:
    number: str
    text: str
    parts: list[Extracted] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"number": self.number, "text": self.text}
        if self.parts:
            data["parts"] = [{"number": p.number, "text": p.text} for p in self.parts]
        return data


def _finished(text: str) -> bool:
    return text.rstrip().endswith(("?", ".", ":", ";", ")", '"', "”"))


def _next_sub(previous: str | None, candidate: str) -> bool:
    if previous is None:
        return candidate in ("a", "i")
    if previous in _ROMAN and candidate in _ROMAN and _ROMAN.index(candidate) == _ROMAN.index(previous) + 1:
        return True
    return len(previous) == 1 and len(candidate) == 1 and ord(candidate) == ord(previous) + 1


def extract(lines: list[Line]) -> list[Extracted]:
    """The numbered questions in ``lines`` (see the module docstring for the rules)."""
    questions: list[Extracted] = []
    current: Extracted | None = None  # the question or part collecting text
    marker_indent = 0.0
    open_ = False
    letters_top = False
    for line in lines:
        text = " ".join(line.text.split())
        if not text or _NOISE.match(text):
            continue
        top = next((m for p in _TOP if (m := p.match(text))), None)
        if top and not letters_top:
            number = int(top.group(1))
            if number == len(questions) + 1:
                current = Extracted(str(number), (top.group(2) or "").strip())
                questions.append(current)
                marker_indent, open_ = line.indent, True
                continue
        sub = next((m for p in _SUB if (m := p.match(text))), None)
        if sub:
            label = sub.group(1).lower()
            if letters_top or not questions:
                previous = questions[-1].number if questions else None
                if _next_sub(previous, label) and (questions or label == "a"):
                    letters_top = True
                    current = Extracted(label, sub.group(2).strip())
                    questions.append(current)
                    marker_indent, open_ = line.indent, True
                    continue
            elif open_ or (questions and questions[-1].parts):
                owner = questions[-1]
                previous = owner.parts[-1].number if owner.parts else None
                if _next_sub(previous, label):
                    current = Extracted(label, sub.group(2).strip())
                    owner.parts.append(current)
                    open_ = True
                    continue
        if current is None or not open_:
            continue
        if _CLOSING.match(text):
            open_ = False
            continue
        indented = line.indent > marker_indent + 2
        unfinished = not _finished(current.text) or not current.text
        if (not line.gap_before and (indented or unfinished)) or (line.gap_before and unfinished and text[0].islower()):
            current.text = f"{current.text} {text}".strip()
        else:
            open_ = False
    for q in questions:
        q.text = _tidy(q.text)
        for p in q.parts:
            p.text = _tidy(p.text)
    found = [q for q in questions if q.text or q.parts]
    return found if _asks(found, lines) else []


_ASKING = re.compile(
    r"^(is|are|was|were|do|does|did|has|have|had|can|could|would|should|will|may|might|what|which|when|where|"
    r"who|whom|whose|why|how|to what (extent|degree)|in your (opinion|view)|please|kindly|provide|describe|"
    r"comment|explain|identify|indicate|state|list|outline|detail|give|assess|address|advise|determine|opine|"
    r"summari[sz]e|clarify|confirm|estimate|specify|rate)\b",
    re.I,
)
_ASKED_FOR = re.compile(
    r"\bquestions?\b|\bplease (answer|address|respond|comment|provide|opine)\b|\baddress the following\b|"
    r"\bthe following (issues|points|matters|topics)\b|\bkindly (answer|address)\b|\bspecifically address\b",
    re.I,
)


def _asks(found: list[Extracted], lines: list[Line]) -> bool:
    """Whether a numbered list reads as questions: most items ask something ("?", "What …", "Please
    describe …"), or the letter asks for answers ("Please address the following:") — not a plan, a
    medication list or a list of enclosures."""
    if not found:
        return False
    asking = sum(1 for q in found if any("?" in t or _ASKING.match(t) for t in (q.text, *(p.text for p in q.parts))))
    return 2 * asking >= len(found) or any(_ASKED_FOR.search(line.text) for line in lines)


def _tidy(text: str) -> str:
    return re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(text.split()))


def lines_from_text(text: str) -> list[Line]:
    """Plain text: indentation from leading spaces, blank lines as paragraph gaps."""
    out: list[Line] = []
    gap = False
    for raw in text.replace("\t", "    ").splitlines():
        if not raw.strip():
            gap = True
            continue
        out.append(Line(float(len(raw) - len(raw.lstrip(" "))), raw.strip(), gap))
        gap = False
    return out


def lines_from_pdf(path: Path, timeout: float = 60.0) -> list[Line]:
    """Lines of a PDF letter with their left edges; a vertical gap of more than 1.6 lines is a paragraph."""
    from reportkit.workers import Limits, Task, WorkerPool

    if not path.is_file():
        raise InputError(f"{path}: not found.", hint="Check the path of the referral letter.")
    # A letter is an untrusted PDF like any record: it is read in a worker with a time and memory limit.
    with WorkerPool(1, Limits(timeout=timeout, memory_mb=1024)) as pool:
        outcome = next(iter(pool.map([Task(0, "layout", (str(path),))])))
    if outcome.problem == "encrypted":
        raise EncryptedError(f"{path}: the PDF is encrypted.", hint="Save an unencrypted copy.")
    if outcome.problem in ("timeout", "memory"):
        raise InputError(f"{path}: reading the PDF went over the {outcome.problem} limit.",
                         hint="Check the file, or type the questions in.", detail=outcome.detail)  # fmt: skip
    if not outcome.ok:
        raise InputError(f"{path}: not a readable PDF.", hint="Check the file.", detail=outcome.detail)
    pages: list[list[Any]] = outcome.value
    out: list[Line] = []
    for page in pages:
        previous = None
        for tl in page:
            height = max(tl.top - tl.bottom, 1.0)
            gap = previous is None or (previous.bottom - tl.top) > 0.6 * height + 4
            out.append(Line(tl.left, tl.text, gap))
            previous = tl
    return out


def extract_from(path: Path) -> list[Extracted]:
    """Questions from a PDF, or a .txt/.md file."""
    if path.suffix.lower() in (".txt", ".md"):
        try:
            return extract(lines_from_text(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            raise InputError(f"{path}: cannot be read as UTF-8 text.") from None
    lines = lines_from_pdf(path)
    if not any(line.text.strip() for line in lines):
        raise InputError(f"{path}: the PDF has no text layer.", hint="OCR it first, or type the questions in.")
    return extract(lines)


def to_yaml(questions: list[Extracted]) -> str:
    """``questions:`` YAML to paste into case.yaml."""
    body = yaml.safe_dump(
        {"questions": [q.as_dict() for q in questions]}, sort_keys=False, allow_unicode=True, width=100
    )
    return body

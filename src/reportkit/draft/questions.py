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

import yaml

from reportkit.draft.letterlines import Line
from reportkit.errors import InputError

_TOP = (
    re.compile(r"^(?:Q|Question)\s*(\d{1,2})\s*[:.)\-–]\s*(.*)$", re.I),
    re.compile(r"^(\d{1,2})\s?[.):][.,:]?(?:\s+(.*)|$)"),  # "7..", "7 ." and "7:" as OCR reads "7."
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


@dataclass
class Extracted:
    number: str
    text: str
    parts: list[Extracted] = field(default_factory=list)
    conf: float | None = None
    """The lowest OCR confidence of its lines (None: read from a text layer)."""
    breaks: list[int] = field(default_factory=list)
    """Where in ``text`` a new line of the letter began (for mending a number OCR did not read)."""
    inferred: bool = False
    """Its number was not read: it was told from the line after the previous question."""
    unsure: int = 0
    """Words of its lines OCR was unsure of."""

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"number": self.number, "text": self.text}
        if self.parts:
            data["parts"] = [{"number": p.number, "text": p.text} for p in self.parts]
        return data


def _mend(questions: list[Extracted], current: Extracted) -> bool:
    """The next question's number was not read (a fax drops a "4."): when the item collecting text has a
    line that starts a new sentence after a finished one, the first such line begins the missing question."""
    for at in current.breaks:
        head, tail = current.text[:at].rstrip(), current.text[at:].strip()
        if head.endswith(("?", ".")) and tail[:1].isupper():
            current.text = head
            rest = [b - at for b in current.breaks if b > at]
            current.breaks = [b for b in current.breaks if b < at]
            questions.append(Extracted(str(len(questions) + 1), tail, conf=current.conf, breaks=rest, inferred=True))
            return True
    return False


def _mend_first(questions: list[Extracted], waiting: list[Line]) -> None:
    """Question 2 came first: when the lines after the letter's request ("… the following questions:") ask
    something, they are question 1, whose number OCR did not read."""
    text = " ".join(" ".join(line.text.split()) for line in waiting[:6])
    if waiting and len(waiting) <= 6 and (_ASKING.match(text) or "?" in text):
        conf = min((line.conf for line in waiting if line.conf is not None), default=None)
        questions.append(Extracted("1", text, conf=conf, inferred=True))


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
    intro = previous_text = ""
    waiting: list[Line] = []
    for line in lines:
        text = " ".join(line.text.split())
        if not text or _NOISE.match(text):
            continue
        top = next((m for p in _TOP if (m := p.match(text))), None)
        if not questions:
            intro, previous_text = previous_text, text
            if text.endswith(":") and not top:
                waiting = []  # the request the list completes: question 1 starts after it
            elif not top:
                waiting.append(line)
        if top and not letters_top:
            number = int(top.group(1))
            if number == 2 and not questions and waiting:
                _mend_first(questions, waiting)  # OCR lost the "1.": question 1 is what follows the request
            while len(questions) + 2 <= number <= len(questions) + 3 and current is not None and open_:
                if not _mend(questions, current):  # OCR lost the number before: its text ran into the one before
                    break
                current = questions[-1]
            if number == len(questions) + 1:
                current = Extracted(str(number), (top.group(2) or "").strip(), conf=line.conf, unsure=line.unsure)
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
                    current = Extracted(label, sub.group(2).strip(), conf=line.conf, unsure=line.unsure)
                    questions.append(current)
                    marker_indent, open_ = line.indent, True
                    continue
            elif open_ or (questions and questions[-1].parts):
                owner = questions[-1]
                previous = owner.parts[-1].number if owner.parts else None
                if _next_sub(previous, label):
                    current = Extracted(label, sub.group(2).strip(), conf=line.conf, unsure=line.unsure)
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
            if current.text:
                current.breaks.append(len(current.text) + 1)
            current.text = f"{current.text} {text}".strip()
            current.unsure += line.unsure
            if line.conf is not None:
                current.conf = min(current.conf if current.conf is not None else 100.0, line.conf)
        else:
            open_ = False
    for q in questions:
        q.text = _tidy(q.text)
        for p in q.parts:
            p.text = _tidy(p.text)
    found = [q for q in questions if q.text or q.parts]
    return found if _asks(found, lines, intro) else []


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


def _asks(found: list[Extracted], lines: list[Line], intro: str) -> bool:
    """Whether a numbered list reads as questions: most items ask something ("?", "What …", "Please
    describe …"), the letter asks for answers ("Please address the following:"), or the line before the list
    is a request it completes ("We request an examination addressing:") — not a plan, a medication list or a
    list of enclosures."""
    if not found:
        return False
    asking = sum(1 for q in found if any("?" in t or _ASKING.match(t) for t in (q.text, *(p.text for p in q.parts))))
    if 2 * asking >= len(found) or any(_ASKED_FOR.search(line.text) for line in lines):
        return True
    return bool(intro.endswith(":") and not intro.isupper() and _REQUEST.search(intro))


_REQUEST = re.compile(
    r"\b(request(s|ed|ing)?|ask(s|ed|ing)?|would like|require[sd]?|address(es|ing)?|comment(s|ing)?( on)?|"
    r"opine|opinion|advise|report(ing)? on|consider(ing)?|cover(s|ing)?|(should|must|please|to) include|"
    r"evaluat(e|es|ing)|assess(es|ing)?)\b",
    re.I,
)
"""A request the list completes ("We request an examination addressing:", "Please comment on:"); a note's
"PLAN:" or "Medications:" asks nothing."""


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


@dataclass(frozen=True)
class Reading:
    """What ``read_questions`` made of a letter."""

    questions: list[Extracted]
    ocr: bool
    """The letter had no text and was read by OCR."""
    problems: list[str]
    """Why the result is not to be trusted as it stands (numbering broken, an item that is not a sentence)."""
    notes: list[str]
    """Worth a look: a question OCR read with low confidence, a number OCR did not read."""


def read_questions(path: Path) -> Reading:
    """Questions from a PDF (its text layer, or OCR when it has none), or a .txt/.md file, checked."""
    from reportkit.draft.letterlines import lines_from_pdf

    if path.suffix.lower() in (".txt", ".md"):
        try:
            lines, ocr = lines_from_text(path.read_text(encoding="utf-8")), False
        except (OSError, UnicodeDecodeError):
            raise InputError(f"{path}: cannot be read as UTF-8 text.") from None
    else:
        lines, ocr = lines_from_pdf(path)
    found = extract(lines)
    problems, notes = review(found, lines)
    return Reading(found, ocr, problems, notes)


def extract_from(path: Path) -> list[Extracted]:
    """The questions of ``read_questions`` without its checks."""
    return read_questions(path).questions


LOW_CONFIDENCE = 70.0
"""Under this OCR confidence a question's words are worth comparing with the letter."""
_RUN_IN = re.compile(
    r"\s(?:\S{1,10}\s?)?\d{1,2}[.):]\s+"
    r"(?:What|Which|Is|Are|Was|Were|Has|Have|Had|Do|Does|Did|Can|Could|Would|Should|Please|If|When|How)\b"
)
"""Another question inside an item's text ("… necessary? 4. Has the claimant …", "… spine? uestion 2: Are …")."""
_LOOSE_MARKER = re.compile(r"^\W{0,2}(?:[A-Za-z]{1,10}\s?)?(\d{1,2})\s?[.):]\s+[A-Z]")
"""A line that may begin a numbered question however OCR spelt its label ("Qucstion 3: What …", "4. Is …")."""
_ASKS = re.compile(
    r"\?|^\W{0,2}(?:[A-Za-z]{1,10}\s?)?\d{1,2}\s?[.):]\s+(?:What|Which|Is|Are|Was|Were|Has|Have|Had|Do|Does|Did|"
    r"Can|Could|Would|Should|Please|If|When|How)\b"
)
"""A numbered line that asks (a question mark, or a question's first word): numbered far past the last question
read, it is one the reading missed, not an item of a list of records."""
_RUN_IN_PART = re.compile(r"\s\(?[b-h][)}\]]\s+[A-Z]")
_MARKER_ONLY = re.compile(r"^(?:\(?\d{1,2}[.)]|\(?[a-z][.)])$")


def review(found: list[Extracted], lines: list[Line]) -> tuple[list[str], list[str]]:
    """Check a result against the letter: numbering that goes on past the last question read, numbers apart
    from their text, items that are not sentences or hold two questions; and note low OCR confidence."""
    from reportkit.ingest.textquality import readable_share

    problems: list[str] = []
    notes: list[str] = []
    texts = [" ".join(line.text.split()) for line in lines]
    marked = [(int(m.group(1)), t) for t in texts if (m := _LOOSE_MARKER.match(t))]
    markers = sorted({n for n, _ in marked})
    asked = {n for n, t in marked if n > len(found) + 3 and _ASKS.search(t)}  # "10) Is she at MMI?" after 3
    if found and found[0].number.isalpha():
        if len([n for n in markers if n > 1]) >= 2:
            problems.append(f"the letter numbers its questions {', '.join(map(str, markers[:8]))}, but they could "
                            "not be read in order: a number may be misread")  # fmt: skip
    elif later := [n for n in markers if len(found) < n <= len(found) + 3 or n in asked]:
        problems.append(f"the numbering stops at question {len(found)}, but the letter goes on to "
                        f"{', '.join(map(str, later))}: a number may be misread")  # fmt: skip
    if sum(1 for t in texts if _MARKER_ONLY.match(t)) >= 2:
        problems.append("list numbers stand on lines of their own, apart from their text (a text layer out of "
                        "reading order?)")  # fmt: skip
    for q in found:
        for label, text in ((q.number, q.text), *((f"{q.number}({p.number})", p.text) for p in q.parts)):
            if not text and label == q.number and q.parts:
                continue
            if not text or readable_share(text) < 0.8:
                problems.append(f"question {label} does not read as a sentence (OCR garble?)")
            elif _RUN_IN.search(text) or _RUN_IN_PART.search(text):
                problems.append(f"question {label} holds another numbered question or part (two run together?)")
        if q.inferred:
            after = f"question {int(q.number) - 1}" if q.number != "1" else "the letter's request"
            notes.append(f"question {q.number}: its number was not read; it was taken as the line(s) after {after} "
                         "— check where it begins and ends")  # fmt: skip
        lowest = min((c for c in (q.conf, *(p.conf for p in q.parts)) if c is not None), default=None)
        unsure = q.unsure + sum(p.unsure for p in q.parts)
        if (lowest is not None and lowest < LOW_CONFIDENCE) or unsure:
            level = f"{lowest:.0f}%" if lowest is not None else "unknown"
            notes.append(f"question {q.number}: OCR was unsure of {unsure} word(s) (lowest line confidence "
                         f"{level}); compare its words with the letter")  # fmt: skip
    return problems, notes


def to_yaml(questions: list[Extracted]) -> str:
    """``questions:`` YAML to paste into case.yaml."""
    body = yaml.safe_dump(
        {"questions": [q.as_dict() for q in questions]}, sort_keys=False, allow_unicode=True, width=100
    )
    return body

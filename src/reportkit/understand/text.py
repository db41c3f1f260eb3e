"""Line-level helpers shared by the understanding stages: fax headers, "Page x of y", snippets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportkit.understand.prefilter import top_level_split

_FAX_WORD = re.compile(r"\bfax\b|\bfrom\b.*\bto\b", re.I)
_FAX_TIME_OR_PAGE = re.compile(r"\d{1,2}:\d{2}|\bP(?:age|G)?\.?\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\b", re.I)
_FAX_STAMP = re.compile(
    r"\d{1,2}:\d{2}|\bP(?:age|G)?\.?\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\b|\b\d{3}[-.)\s]+\d{3}[-.\s]\d{4}\b|"
    r"\b\d{10}\b|\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b|\b[A-Z][a-z]{2}[- ]\d{1,2}[- ,]+\d{4}\b|\b[A-Z]{3}-\d{2}-\d{4}\b",
    re.I,
)
_PAGE_OF = re.compile(r"\bpage\s*:?\s*(\d{1,4})\s*(?:of|/)\s*(\d{1,4})\b", re.I)
_PAGE_WORD = re.compile("page", re.I)
"""What every match of :data:`_PAGE_OF` holds: a cheap test before it (most lines have no "page")."""
_BARE_OF = re.compile(r"(?<![\w/.-])(\d{1,3})\s+of\s+(\d{1,3})\s*$", re.I)
_SPACES = re.compile(r"\s+")
_PAGE_ALONE = re.compile(r"^(?:page\s+(\d{1,3})|-\s*(\d{1,3})\s*-)$", re.I)


_STAMP_FROM = re.compile(
    r"[\W_]{0,3}\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}[\W_]{1,4}\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]?\.?)?[\W_]{1,4}"
    r"(?:FROM\b|[Ff]rom\s*:)"
)
"""A fax machine's date, time and FROM opening a line (in capitals, or with a colon: not a note's "from home")."""
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M?\b)?", re.I)
_PHONE_NUMBER = re.compile(r"\b\d{3}[-.)\s]+\d{3}[-.\s]\d{4}\b|(?<![\d/])\+?1?\d{10}\b")
_TRANSMISSION_PAGE = re.compile(r"\b(?:P(?:age|G)?\.?|#)\s*\d{1,4}\s*(?:/|of)\s*\d{1,4}\b", re.I)


def is_fax_header(line: str) -> bool:
    """A fax transmission header line (sender, number, time, transmission page): not part of the record.

    Either it says so (FAX, FROM … TO) next to a time or page counter, or it carries all three marks a fax
    machine stamps: a time, a phone number and a transmission page counter ("09:41A … 5550104400 page 6 of 8"),
    or it opens with the machine's date and time and then FROM (what OCR kept of a header whose other half
    it read as another line: "03/02/2025 09:41AM _ FROM: LAKEVIEW GENERAL HOSP").
    """
    if _FAX_WORD.search(line) and _FAX_TIME_OR_PAGE.search(line) and len(_FAX_STAMP.findall(line)) >= 2:
        return True
    if _STAMP_FROM.match(line):
        return True
    return bool(_TIME.search(line) and _PHONE_NUMBER.search(line) and _TRANSMISSION_PAGE.search(line))


@dataclass(frozen=True)
class PageLines:
    """A page's text as lines, without the fax transmission header at its top."""

    page: int
    lines: tuple[str, ...]
    fax_header: bool
    page_of: tuple[int, int] | None
    """The page's own "Page x of y" (not the fax transmission's), if printed."""
    page_no: int | None = None
    """The page's own number when printed alone on a line ("Page 2", "- 2 -"), without a count."""
    fax_sender: str | None = None
    """The sending machine's name or number from the removed fax header ("LAKEVIEW GENERAL HOSP"), folded to
    capitals: kept as page metadata (a change of sender ends a document; the sender may name the facility)."""
    fax_counter: tuple[int, int | None] | None = None
    """The fax transmission's page counter ("P.03/40" -> (3, 40); "PAGE 2" -> (2, None))."""

    @property
    def text(self) -> str:
        """The lines joined by newlines; worked out once (document analysis asks for it several times). A
        page that crossed between processes has it from the start, and splits its lines from it."""
        joined: str | None = self.__dict__.get("_text")
        if joined is None:
            joined = "\n".join(self.lines)
            object.__setattr__(self, "_text", joined)
        return joined

    def __getstate__(self) -> dict[str, object]:
        """Pages cross between processes as one string each, not a string per line: the main process holds
        every page's lines until the documents are built (at 5,000 pages, 20 MB as lines)."""
        state = dict(self.__dict__)
        joined = state.pop("_text", None)
        if "lines" in state:  # (else the lines were never split from the text it came with)
            lines = state.pop("lines")
            joined = "\n".join(lines) if lines else None  # None: no lines at all
        state["lines"] = joined
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        state = dict(state)
        joined = state.pop("lines")
        if isinstance(joined, tuple):  # the lines themselves (as a page was pickled before)
            state["lines"] = joined
        elif joined is None:
            state["lines"] = ()
            state["_text"] = ""
        else:
            state["_text"] = joined  # the lines are split from it when first asked for
        self.__dict__.update(state)

    def __getattr__(self, name: str) -> object:
        if name == "lines" and "_text" in self.__dict__:
            lines = tuple(self.__dict__["_text"].split("\n"))
            object.__setattr__(self, "lines", lines)
            return lines
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def top(self, n: int = 15) -> tuple[str, ...]:
        return self.lines[:n]


_BLANK = re.compile(r"(?P<label>[A-Za-z][A-Za-z .#/']{0,30}?)\s*:\s*_{3,}")
_FILLED_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
_DATE_LABEL = re.compile(r"date|d\.?o\.?b|birth|dos\b", re.I)


def fill_form_line(line: str) -> str:
    """A form line whose blanks were filled in after the printed labels ("Date: ____ Patient: ____ DOB: ____
    2/8/26 Ferreira, Lucia T 6/14/80", as a text layer gives a typed-over form) rewritten with each value
    beside its label ("Date: 2/8/26 Patient: Ferreira, Lucia T DOB: 6/14/80"). Dates go to the labels that
    ask for a date, in order; the rest to the others. A line it cannot pair up is returned as it is."""
    if "___" not in line:
        return line
    blanks = list(_BLANK.finditer(line))
    if not blanks or line[blanks[-1].end() :].strip(" _") == "":
        return line
    tail = line[blanks[-1].end() :].strip(" _")
    if "_" in tail or ":" in tail:
        return line
    labels = [b.group("label").strip() for b in blanks]
    dates = _FILLED_DATE.findall(tail)
    texts = [t.strip(" ,") for t in _FILLED_DATE.split(tail) if t.strip(" ,")]
    wants_date = [bool(_DATE_LABEL.search(lab)) for lab in labels]
    if sum(wants_date) != len(dates) or len(labels) - sum(wants_date) != len(texts):
        return line
    dates.reverse()
    texts.reverse()
    values = [dates.pop() if wants else texts.pop() for wants in wants_date]
    head = line[: blanks[0].start()]
    return (head + " ".join(f"{lab}: {val}" for lab, val in zip(labels, values, strict=True))).strip()


def page_lines(page: int, text: str) -> PageLines:
    """Split a page into non-empty stripped lines; drop fax headers among the first three lines; pair the
    values typed into a form's blanks with their labels (:func:`fill_form_line`)."""
    lines = [ln for raw in text.split("\n") if (ln := raw.strip())]
    if "___" in text:
        lines = [fill_form_line(ln) for ln in lines]
    fax = False
    kept: list[str] = []
    sender: str | None = None
    counter: tuple[int, int | None] | None = None
    for i, line in enumerate(lines):
        if (i < 3 or i >= len(lines) - 1) and is_fax_header(line):
            fax = True
            if sender is None:
                sender = fax_sender(line)
            if counter is None:
                counter = fax_counter(line)
            continue
        kept.append(line)
    page_of = None
    for line in reversed(kept):
        match = _PAGE_OF.search(line) if _PAGE_WORD.search(line) else None
        if match:
            k, n = int(match.group(1)), int(match.group(2))
            if 1 <= k <= n <= 500:
                page_of = (k, n)
                break
    if page_of is None:  # "… 2 of 3" ending the first or last lines, without the word "page"
        for line in (*kept[:2], *kept[-2:]):
            match = _BARE_OF.search(line) if " of " in line else None
            if match:
                k, n = int(match.group(1)), int(match.group(2))
                if 1 <= k <= n <= 500:
                    page_of = (k, n)
                    break
    page_no = None
    if page_of is None:
        for line in (*kept[-3:], *kept[:2]):
            bare = _PAGE_ALONE.match(line)
            if bare:
                page_no = int(bare.group(1) or bare.group(2))
                break
    return PageLines(page, tuple(kept), fax, page_of, page_no, sender, counter)


_FAX_FROM = re.compile(r"\bfrom\s*:?\s*(?P<s>.+?)(?=\s+to\b|\s+P(?:age|G)?\.?\s*\d|$)", re.I)
_FAX_COUNTER = re.compile(r"\b(?:P(?:age|G)?\.?|#)\s*(\d{1,4})(?:\s*(?:/|of)\s*(\d{1,4}))?\b", re.I)
_PHONE_OR_TIME = re.compile(
    r"\(?\d{3}\)?[-.\s]*\d{3}[-.\s]\d{4}|\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M?)?|[\d/.-]{6,}", re.I
)


def fax_sender(line: str) -> str | None:
    """The sender a fax header names after FROM (capitals): "FROM: (555) 441-8800 DR PATEL INTERNAL MED TO: …"
    -> "DR PATEL INTERNAL MED"; None when it names no one (a number only). The name ends where a number
    begins, as OCR reads a phone number ("HOSP (555} 210-C400"); marks with no letter (OCR's specks: "{",
    "?") are dropped, and so is punctuation at a word's ends, but an abbreviation's full stop ("ST.", "INC.") and a
    comma between words."""
    m = _FAX_FROM.search(line)
    if not m:
        return None
    words: list[str] = []
    for word in _PHONE_OR_TIME.sub(" ", m.group("s")).split():
        if any(c.isdigit() for c in word):
            if words:
                break
            continue
        marks = _WORD_END if len(word.strip(_WORD_END)) > 3 else _WORD_END.replace(".", "")
        word = word.lstrip(marks + ",").rstrip(marks)
        if word == "&" or any(c.isalpha() for c in word):
            words.append(word)
    name = " ".join(words).strip(" -:,")
    return name.upper() if sum(c.isalpha() for c in name) >= 3 else None


_WORD_END = ".;:?!'’‘\"“”`{}()[]|~-_»«"
"""What OCR leaves at the ends of a fax header's words (a comma after a word is kept: "SMITH, JONES")."""


def same_sender(a: str, b: str) -> bool:
    """Two fax headers' senders are one sender, as OCR reads them: the same words, but for a letter misread
    in a long word, or a header that OCR cut short ("LAKEVIEW GENERAL" of "LAKEVIEW GENERAL HOSP")."""
    x, y = _sender_words(a), _sender_words(b)
    if x == y:
        return True
    short, long_ = sorted((x, y), key=len)
    if len(short) >= 2 and long_[: len(short)] == short:
        return True
    return len(x) == len(y) and all(u == v or (len(u) >= 4 and one_apart(u, v)) for u, v in zip(x, y, strict=True))


def _sender_words(name: str) -> list[str]:
    return ["".join(c for c in word if c.isalnum()) for word in name.upper().split() if any(c.isalnum() for c in word)]


def one_apart(a: str, b: str) -> bool:
    """One character changed, added or dropped (an OCR misreading); or none."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def fax_counter(line: str) -> tuple[int, int | None] | None:
    """The transmission page counter of a fax header ("P.01/40", "PAGE 2/003", "Page 6 of 8")."""
    found = None
    for m in _FAX_COUNTER.finditer(line):
        found = m  # the counter is the header's last one ("08:41AM … P.01/03")
    if found is None:
        return None
    k = int(found.group(1))
    n = int(found.group(2)) if found.group(2) else None
    return (k, n) if k >= 1 and (n is None or k <= n) else None


def line_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``source`` (a pattern written for one line) for searching a page's lines at once, joined by newlines:
    its ``\\s`` never crosses a line end and its ``^``/``$`` are line starts and ends, so it matches inside a
    line exactly where the one-line pattern would."""
    if "[\\s" in source or "[^" in source or flags & re.S:
        raise ValueError(f"a whitespace or negated class, or DOTALL, could cross a line end: {source}")
    return re.compile(source.replace(r"\s", r"[^\S\n]"), flags | re.M)


def lines_with(pattern: re.Pattern[str], pl: PageLines) -> list[int]:
    """Indexes of the page's lines where ``pattern`` (a :func:`line_pattern`, or one that never matches a line
    end) matches, found with one search over the whole page."""
    led = _newline_led(pattern)
    text = pl.text if led is None else "\n" + pl.text
    found: list[int] = []
    line = last = 0
    for m in (pattern if led is None else led).finditer(text):
        line += text.count("\n", last, m.start())  # counted on from the match before, not from the top
        last = m.start()
        if not found or found[-1] != line:
            found.append(line)
    return found


_NEWLINE_LED: dict[re.Pattern[str], re.Pattern[str] | None] = {}


def _newline_led(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A line pattern that opens with ``^`` (and has no other alternative, no look-behind), written to match
    the newline before its line instead, for a search of the page's text with a newline put in front: the
    regex engine then skips from newline to newline in C, where ``^`` has it try every character (3-5x faster
    over a page of prose). Its matches start where the pattern's lines do, one character earlier in that
    text, which counts the same newlines before them. None when the pattern is not of that form."""
    if pattern not in _NEWLINE_LED:
        source = pattern.pattern
        plain = (
            isinstance(source, str)
            and pattern.flags & re.M
            and not pattern.flags & re.X
            and source.startswith("^")
            and "(?<" not in source
            and len(top_level_split(source) or ()) == 1
        )
        _NEWLINE_LED[pattern] = re.compile("\n" + source[1:], pattern.flags) if plain else None
    return _NEWLINE_LED[pattern]


_ASCII_DIGIT = re.compile("[0-9]")


def has_digit(line: str) -> bool:
    """``any(c.isdigit() for c in line)``, found faster: in an ASCII line the only digits are 0-9."""
    if line.isascii():
        return _ASCII_DIGIT.search(line) is not None
    return any(c.isdigit() for c in line)


def snippet(line: str, limit: int = 120) -> str:
    """A short verbatim snippet: whitespace folded, cut at ``limit`` characters."""
    line = _SPACES.sub(" ", line).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def fold(text: str) -> str:
    return _SPACES.sub(" ", text).strip()

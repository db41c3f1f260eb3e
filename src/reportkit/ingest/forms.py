"""Values typed into a form's blanks, put back beside their labels by where they sit on the page.

A form filled in on a computer after it was printed (or typed over in a PDF editor) has its labels and blanks
in one text object and the typed values in another: a text layer then gives the values wherever the program
wrote them — at the end of the line ("Date: ____ DOB: ____ 2/8/26 6/14/80"), or on a line of their own above
it, because they sit a little higher than the underline. Read in that order, the date of birth can become the
date of care. Here each value goes to the blank it is written over, found from the characters' boxes: a run
of words that starts over the blank's width, on the blank's line or just above it (values are typed on the
underline, or a little over it), nearest first. The page's text then reads "Date: 2/8/26 DOB: 6/14/80".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportkit.ingest.readingorder import Word

Box = tuple[float, float, float, float]
"""left, bottom, right, top in PDF points (y grows upwards)."""
CharBox = Callable[[int, bool], Box]
"""The box of character ``i``: tight around its glyph, or (``loose``) its font's full height at its baseline,
the same for every character of one font and size on one line (pdfium's ``get_charbox``)."""

_BLANK = re.compile(r"(?P<label>[A-Za-z][A-Za-z .#/'()-]{0,40}?)\s*:\s*(?P<blank>_{3,})")
_BLANK_HINT = re.compile(r":\s*___")
"""What every labelled blank holds, found in one quick scan: the blank pattern tries a label at every letter of
a page (0.14 s on 117 dense pages with underlines, one of which has a labelled blank)."""
_WORD = re.compile(r"[^\s_]+")
LINE = 1.6
"""A line's height in heights of a capital letter (for a font that does not give its own height)."""
ABOVE = 1.6
"""How far above a blank's baseline, in its line heights, a value may sit and still be written in it (a value
typed a little high is put on a line of its own by the text layer)."""
BELOW = 0.3
"""How far below it (a value typed a little low)."""
MAX_BLANKS = 60
"""A page with more blanks is a blank form or a ruled table, not worth pairing."""


@dataclass(frozen=True)
class _Blank:
    label_start: int
    start: int
    end: int
    box: Box


def fill_blanks(text: str, charbox: CharBox) -> str:
    """``text`` (a page's text, one character per character of the page, in pdfium's order) with each run of
    words written over a labelled blank moved into that blank (``charbox``: see :data:`CharBox`).
    Text without such words comes back unchanged."""
    if not _BLANK_HINT.search(text):  # a page with underlines but no labelled blank (a signature line)
        return text
    blanks = [_blank(m, charbox) for m in _BLANK.finditer(text)]
    if not blanks or len(blanks) > MAX_BLANKS:
        return text
    filled: dict[int, list[tuple[int, int]]] = {}
    for start, end, box in _phrases(text, blanks, charbox):
        best = _nearest(blanks, box)
        if best is not None:
            filled.setdefault(best, []).append((start, end))
    if not filled:
        return text
    edits: list[tuple[int, int, str]] = []
    for k, phrases in filled.items():
        edits.append((blanks[k].start, blanks[k].end, " ".join(text[s:e] for s, e in phrases)))
        edits.extend((s, e, "") for s, e in phrases)
    out = text
    for start, end, replacement in sorted(edits, reverse=True):
        out = out[:start] + replacement + out[end:]
    return out


def _phrases(text: str, blanks: Sequence[_Blank], charbox: CharBox) -> list[tuple[int, int, Box]]:
    """Runs of words outside the labels and blanks (a typed value: "Ferreira, Lucia T"), each with its span in
    the text and its box: words on one line, one after the other with at most two spaces' gap."""
    out: list[tuple[int, int, Box]] = []
    for m in _WORD.finditer(text):
        if m.group().endswith(":") or _inside_any(m.start(), m.end(), blanks):
            continue
        left, bottom, _, top = charbox(m.start(), False)
        right = charbox(m.end() - 1, False)[2]
        if out:
            start, end, (p_left, p_bottom, p_right, p_top) = out[-1]
            height = max(p_top - p_bottom, 1.0)
            joined = text[end : m.start()].strip(" ") == "" and not _inside_any(end, m.start(), blanks)
            if joined and abs(bottom - p_bottom) < height / 2 and 0 <= left - p_right <= 2 * height:
                out[-1] = (start, m.end(), (p_left, min(bottom, p_bottom), right, max(top, p_top)))
                continue
        out.append((m.start(), m.end(), (left, bottom, right, top)))
    return out


def _inside_any(start: int, end: int, blanks: Sequence[_Blank]) -> bool:
    """Whether the span overlaps a label and its blank."""
    return any(start < b.end and b.label_start < end for b in blanks)


def _blank(m: re.Match[str], charbox: CharBox) -> _Blank:
    """A labelled blank: the underline's box (its line's height from the label), and where its label starts —
    the words before the colon on the label's own baseline and font, not a value typed just before it."""
    start, end = m.span("blank")
    left, bottom, _, _ = charbox(start, False)
    right = charbox(end - 1, False)[2]
    words = list(_WORD.finditer(m.string, m.start("label"), m.end("label")))
    label_start = words[-1].start()
    base = charbox(label_start, True)
    for word in reversed(words[:-1][-3:]):
        box = charbox(word.start(), True)
        if abs(box[1] - base[1]) > 0.5 or abs(box[3] - base[3]) > 0.5:
            break  # another baseline or font: a value typed before the label
        label_start = word.start()
    height = base[3] - base[1]  # the font's height: about a line's
    if height <= 0:  # a font without metrics: from the glyph's own height
        cap = charbox(words[-1].start(), False)
        height = max(LINE * (cap[3] - cap[1]), 1.0)
    return _Blank(label_start, start, end, (left, bottom, right, bottom + height))


def _nearest(blanks: Sequence[_Blank], phrase: Box) -> int | None:
    """The blank a phrase is written in: it starts over the blank's width, on its line or just above (or a
    little below) its baseline — a phrase above the line must also end about where the blank ends (a line of
    text above a blank is no value); the nearest such blank."""
    x, p_bottom, p_right, p_top = phrase
    y = (p_bottom + p_top) / 2
    best: tuple[float, int] | None = None
    for k, blank in enumerate(blanks):
        left, bottom, right, top = blank.box
        height = top - bottom
        if not left - height <= x <= right - height / 2:
            continue
        if not bottom - BELOW * height <= y <= bottom + ABOVE * height:
            continue
        if y > top and p_right > right + height:
            continue
        distance = abs(y - (bottom + height / 3))
        if best is None or distance < best[0]:
            best = (distance, k)
    return None if best is None else best[1]


# --- OCR'd forms -------------------------------------------------------------------------------------------

_GAP = 3.0
"""A label whose next word on its line is this many line heights away (or that ends the line) has a blank."""


def fill_ocr_lines(lines: Sequence[Sequence[Word]]) -> dict[int, str | None]:
    """For an OCR'd page's lines (each its words, left to right, top to bottom), the lines to rewrite: a line
    that holds only values typed a little above the blanks of the next line (the underline itself is not text
    to OCR, so a blank shows as a wide gap after a label: "Date:      Patient:") is moved into those gaps.
    Returns line index → its new text (None: the line is gone, its words moved)."""
    out: dict[int, str | None] = {}
    for k in range(1, len(lines)):
        above, line = lines[k - 1], lines[k]
        if k - 1 in out or not above or not line:
            continue
        gaps = _ocr_gaps(line)
        if not gaps:
            continue
        height = max(w.bottom - w.top for w in line)
        if not 0 < line[0].bottom - above[-1].bottom <= ABOVE * height:
            continue  # not just above the labels' line
        placed: dict[int, list[str]] = {}
        for phrase in _ocr_phrases(above, height):
            left, right = phrase[0].left, phrase[-1].right
            into = next((i for i, (start, end) in gaps.items() if start - height <= left <= end - height / 2), None)
            if into is None or right > gaps[into][1] + height:
                break  # a word of the line above is no typed value: it is a line of text
            placed.setdefault(into, []).extend(w.text for w in phrase)
        else:
            words = [w.text for w in line]
            for i in sorted(placed, reverse=True):
                words[i + 1 : i + 1] = placed[i]
            out[k - 1], out[k] = None, " ".join(words)
    return out


def _ocr_gaps(line: Sequence[Word]) -> dict[int, tuple[float, float]]:
    """Blanks on a line: word index of a label ("Date:") → the span of empty page after it."""
    gaps = {}
    for i, word in enumerate(line):
        if not word.text.endswith(":"):
            continue
        height = word.bottom - word.top
        end = line[i + 1].left if i + 1 < len(line) else word.right + 40 * height
        if end - word.right >= _GAP * height:
            gaps[i] = (word.right, end)
    return gaps


def _ocr_phrases(words: Sequence[Word], height: float) -> list[list[Word]]:
    """Runs of words with at most two spaces' gap (about a line height) between them."""
    runs: list[list[Word]] = []
    for word in words:
        if runs and word.left - runs[-1][-1].right <= height:
            runs[-1].append(word)
        else:
            runs.append([word])
    return runs

"""The literal prefilter skips a regex only when no match is possible: same answers as the pattern itself."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reportkit.understand.body import FEATURES, body_type, heading_lines
from reportkit.understand.prefilter import alternatives, folded, literal_led, prefiltered, required_strings
from reportkit.understand.text import has_digit

PHRASES = [p for _, _, h, q in FEATURES for p in (h, q) if p is not None]
WORDS = [
    "prepped", "and", "draped", "reference", "range", "ub-04", "ub", "04", "cms-1500", "$12.50", "epidural",
    "steroid", "injection", "blood", "loss:", "ebl:", "hospital", "course:", "brought", "in", "by", "ambulance",
    "returns", "today", "for", "follow", "up", "h&p", "h", "&", "p", "emg", "needle", "the", "er", "ed", "\n",
    "subjective:", "97110", "visit", "3", "of", "12", "authorized", "mg/dl", "x10^3",
]  # fmt: skip


def test_required_strings_are_what_every_match_holds() -> None:
    assert required_strings(re.compile(r"reference\s+(range|interval)")) == ((("reference",), ("interval", "range")),)
    alternatives = required_strings(re.compile(r"(?:amount\s+due)|(?:\bcpt\b)"))
    assert alternatives == ((("amount",), ("due",)), (("cpt",),))
    # nothing is required of an optional part, of a class, or of an alternative that may be empty
    assert required_strings(re.compile(r"(abc)?\d+")) is None
    assert required_strings(re.compile(r"x|(?:abc|)")) is None
    assert required_strings(re.compile(r"[abc]+")) is None
    # a pattern that ignores case is not prefiltered (its needles would have to be folded too)
    assert required_strings(re.compile("abc", re.I)) is None
    assert required_strings(re.compile("(?i)abc")) is None


def test_a_text_without_the_needles_is_not_scanned() -> None:
    pattern = prefiltered(re.compile(r"reference\s+(range|interval)"))
    assert pattern.search("normal values vary") is None
    assert pattern.search("see the reference   interval below") is not None
    assert pattern.search("reference only") is None  # needles present, the pattern itself still decides


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30), st.sampled_from(range(len(PHRASES))))
def test_same_answer_as_the_pattern(words: list[str], k: int) -> None:
    text = " ".join(words)
    phrase = PHRASES[k]
    got, want = phrase.search(text), phrase.pattern.search(text)
    assert (got and got.span()) == (want and want.span())


def test_body_type_unchanged_on_note_like_text() -> None:
    """Every feature (heading and phrase) scored with and without the prefilter, on texts that hold them."""
    text = (
        "PREOPERATIVE DIAGNOSIS: lumbar stenosis\nESTIMATED BLOOD LOSS: 50 mL\nThe patient was prepped and "
        "draped in the usual sterile fashion.\nFINDINGS: no acute fracture. Reference range 3-5 mg/dl.\n"
        "Brought in by ambulance. Returns today for follow-up. Balance due $40.00 on the UB-04."
    )
    result = body_type(text)
    lower = text.lower()
    want = {}
    for doc_type, weight, head, phrase in FEATURES:
        hit = (head.pattern.search(heading_lines(lower)) if head else None) or (
            phrase.pattern.search(lower) if phrase else None
        )
        if hit:
            want[doc_type] = want.get(doc_type, 0) + weight
    assert len(want) >= 6
    assert result.scores == want


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from(range(len(PHRASES))))
def test_never_skips_a_text_that_matches(data: st.DataObject, k: int) -> None:
    """Texts made to match each rule (hypothesis writes them from the pattern itself) are always scanned."""
    phrase = PHRASES[k]
    text = data.draw(st.from_regex(phrase.pattern, fullmatch=True))
    if phrase.pattern.search(text):  # (a lookaround can refuse what the generator wrote)
        assert phrase.search(text) is not None


POOL = ["a", "ab", "b+", "ba", r"\bab", "a(?=b)", "(?<=b)a", "^b", "b$", r"a\s+b", "(a|b)b"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(POOL), min_size=2, max_size=4), st.text(alphabet="ab \n", max_size=12))
def test_alternatives_find_the_joined_patterns_match(parts: list[str], text: str) -> None:
    """The leftmost match of any part, a tie to the first part: what the parts joined with | find."""
    found = alternatives(parts, re.M)
    got, want = found.search(text), found.pattern.search(text)
    assert (got and (got.span(), got.group(0))) == (want and (want.span(), want.group(0)))


def test_alternatives_leftmost_then_first() -> None:
    assert alternatives(["b+", "a"]).search("xab").group(0) == "a"  # type: ignore[union-attr]
    assert alternatives(["ab", "a"]).search("abc").group(0) == "ab"  # type: ignore[union-attr]
    assert alternatives(["a", "ab"]).search("abc").group(0) == "a"  # type: ignore[union-attr]


MULTI = [p for p in PHRASES if len(p.parts) >= 2]


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from(range(len(MULTI))))
def test_a_text_matching_two_alternatives_of_a_rule_gets_the_joined_patterns_match(data: st.DataObject, k: int) -> None:
    phrase = MULTI[k]
    i, j = data.draw(st.lists(st.sampled_from(range(len(phrase.parts))), min_size=2, max_size=2, unique=True))
    pieces = [data.draw(st.from_regex(phrase.parts[n].pattern, fullmatch=True)) for n in (i, j)]
    text = data.draw(st.sampled_from([" ", "\n", ""])).join(pieces)
    got, want = phrase.search(text), phrase.pattern.search(text)
    assert (got and (got.span(), got.group(0))) == (want and (want.span(), want.group(0)))


FOLD_WORDS = [
    "Valley", "PHYSICAL", "therapy", "Associates", "P.C.", "pc", "Inc.", "LLC", "report", "Note", "X-Ray", "x ray",
    "ſurgical", "Kelvin", "\u212aelvin", "\u0130nstitute", "hospital", "HOSPİTAL", "Lab", "laborator", "ies", "-",
    "Centre", "\u00e9", "Mutual", "casualty", "ortho", "pedics", "orthopaedics", "rehabilitation", "law", ",", ".",
    "MRI", "ct", "scan", "dept", "department of", "group", "Partners", "urgent care", "spine", "\t", "ST.",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(FOLD_WORDS), max_size=12), st.sampled_from([" ", "", "  "]), st.booleans())
def test_folded_search_same_answer_as_the_pattern(words: list[str], sep: str, document: bool) -> None:
    """Lower-casing an ASCII line and matching case-sensitively finds a match exactly when the
    case-insensitive pattern does (non-ASCII lines take the pattern itself)."""
    from reportkit.understand.people import DOCUMENT_WORDS, FACILITY_WORDS

    pattern = DOCUMENT_WORDS if document else FACILITY_WORDS
    text = sep.join(words)
    assert folded(pattern).found(text) == (pattern.search(text) is not None)


def test_folded_refuses_what_lower_casing_would_change() -> None:
    for source, flags in [(r"abc", 0), (r"\Sabc", re.I), (r"ABC", re.I), (r"(?-i:abc)", re.I), (r"(?i)abc", re.I)]:
        with pytest.raises(ValueError):
            folded(re.compile(source, flags))
    assert folded(re.compile(r"(?:ab|c)(?<![x])\bd", re.I)).found("AB D") is False
    assert folded(re.compile(r"(?:ab|c)\s+\bd", re.I)).found("xAB D")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ 09:-.\u00b2\u0663\u00e9\uff15\t"), max_size=20))
def test_has_digit_is_any_isdigit(line: str) -> None:
    """The ASCII shortcut for "has a digit" agrees with str.isdigit (superscripts and other scripts' digits
    take the slow path)."""

    assert has_digit(line) == any(c.isdigit() for c in line)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Page", "PAGE", "pAge", "pa ge", "p\u0101ge", ":", "2", "of", "/", "3", " ", "x"]), max_size=12
    )
)
def test_page_word_is_in_every_page_of_match(words: list[str]) -> None:
    from reportkit.understand.text import _PAGE_OF, _PAGE_WORD

    line = " ".join(words)
    assert _PAGE_WORD.search(line) or not _PAGE_OF.search(line)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("M5A4.1 0xZ_U-\n(é"), max_size=24))
def test_icd10_pattern_same_matches_as_the_word_boundary_form(text: str) -> None:
    from reportkit.understand.findings import ICD10

    plain = re.compile(r"\b(?P<code>[A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)\b")
    assert [m.span("code") for m in ICD10.finditer(text)] == [m.span("code") for m in plain.finditer(text)]
    fast, slow = ICD10.match(text), plain.match(text)
    assert (fast and fast.span()) == (slow and slow.span())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("Mar 12, 2024/-.()555\u0663\u00b2\u0669Oct\t:x"), max_size=30))
def test_no_phone_or_date_without_a_digit(line: str) -> None:
    """find_title looks for a phone number or a date only on a line with a digit: neither can match without."""
    from reportkit.understand.classify import _PHONE
    from reportkit.understand.dates import find_dates

    if not has_digit(line):
        assert _PHONE.search(line) is None
        assert find_dates(line, False) == ()


SIGNAL_WORDS = ["Patient:", "Name :", "PT:", "MRN", "D.O.B", "dob", "Date of Birth", "FAX", "Cover", "Sheet",
                "transmittal", "(continued)", "Progress Note - continued", "cont'd", "continued from", "x", "the",
                "\n", "\n", " ", "page 2"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(SIGNAL_WORDS), max_size=20), st.sampled_from(range(3)))
def test_page_signal_searches_only_lines_with_a_needle(words: list[str], k: int) -> None:
    """The split signals search only the lines holding one of a pattern's words: the same answer as searching
    every line (so the words are in every match, and no line that holds one is skipped)."""
    from reportkit.understand import split

    pattern, needles = [
        (split._PATIENT_BLOCK, split._PATIENT_NEEDLES),
        (split._FAX_COVER, ("cover", "transmittal")),
        (split._CONTINUED, ("cont",)),
    ][k]
    lines = [ln.strip() for ln in " ".join(words).split("\n")]
    want = any(pattern.search(ln.lower()) for ln in lines)
    assert split._on_any(pattern, lines, needles) == want


PASSAGE_WORDS = ["Electronically", "SIGNED", "signed", "Signature", "dictated", "TRANSCRIBED", "Page", "2", "of",
                 "Very", "Sincerely", "\u017figned", "\u0130", "Dr", "DR.", "dr", "Dr.", "Jane", "Roe", "D", "r.",
                 "\t", ":", "x"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PASSAGE_WORDS), max_size=10), st.sampled_from([" ", "", "  "]))
def test_passage_end_and_dr_name_shortcuts(words: list[str], sep: str) -> None:
    """A passage's signature words, folded, are found exactly where the case-insensitive pattern finds them;
    a "Dr. Name" match always holds "Dr" (find_provider looks only at lines that do)."""
    from reportkit.understand.findings import _SIGNATURE, _SIGNATURE_FOLDED
    from reportkit.understand.people import DR_NAME

    line = sep.join(words)
    assert _SIGNATURE_FOLDED.found(line) == (_SIGNATURE.search(line) is not None)
    assert "Dr" in line or DR_NAME.search(line) is None


def test_literal_led_moves_the_boundary_behind_the_word() -> None:
    assert literal_led(r"\bviews?\s+of") == r"view(?<!\wview)s?\s+of"  # the quantified letter stays after
    assert literal_led(r"\bab{2}") == r"a(?<!\wa)b{2}"
    assert literal_led(r"\b(returns?|is\s+back)\b") == r"(return(?<!\wreturn)s?|is(?<!\wis)\s+back)\b"
    assert literal_led(r"\b((?:a|b)c)") == r"((?:a(?<!\wa)|b(?<!\wb))c)"
    assert literal_led(r"\b(a|)x") == r"(a(?<!\wa)|\b)x"  # an empty branch keeps its boundary
    # what it cannot move: a class, an escape, a quantified or flagged group, a verbose pattern
    for source in (r"\b[a-z]+", r"\b\d+", r"\b(a|b)?c", r"\b(a|b){2}", r"\b(?i:abc)", r"\b(?P<x>a)", r"x\bab"):
        assert literal_led(source) == source
    assert literal_led(r"\bab", re.VERBOSE) == r"\bab"


LED = [
    r"\bab", r"\ba_b", r"\bab\b", r"\ba?b", r"\bab*", r"\b(ab|b)", r"\b(?:a|ba)b", r"\b(a(b|a)|b)a",
    r"\b(a|[ab])", r"\b1a", r"\b(é|a)b", r"\bab|ba", r"\b(a|b)(?=a)", r"\bab{2,}",
]  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.sampled_from(LED), st.text(alphabet="ab1_é \n-", max_size=14), st.sampled_from([0, re.I, re.A, re.M]))
def test_literal_led_finds_what_the_pattern_finds(source: str, text: str, flags: int) -> None:
    """Same match, span and groups, with word characters of every kind (digits, _, é) around the word."""
    want = re.compile(source, flags)
    got = re.compile(literal_led(source, flags), flags)
    assert [(m.span(), m.groups()) for m in got.finditer(text)] == [(m.span(), m.groups()) for m in want.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*WORDS, "_", "é", "x", "is", "seen", "views", "of", "ref.", "u/l"]), max_size=30))
def test_body_rules_as_searched_find_what_they_say(words: list[str]) -> None:
    """Each body rule's alternatives as searched (boundaries moved) against the sources they were written as."""
    text = "".join(words[:1]) + "".join(w if k % 3 else " " + w for k, w in enumerate(words[1:]))
    for phrase in PHRASES:
        for source, part in zip(phrase.sources, phrase.parts, strict=True):
            want = re.compile(source, phrase.flags).search(text)
            got = part.pattern.search(text)
            assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups()))


DATE_ALPHABET = st.sampled_from([*"0123456789/.- ", "19", "20", "2024", "12", "\u0663", "ab", "Mar", "\n"])


DATE_SHAPED = st.one_of(
    st.from_regex(r"[0-9/.\- a]{0,3}\d{1,3}\s?[/.-]\s?\d{1,3}\s?[/.-]\s?\d{2,5}[0-9/.\- a]{0,3}", fullmatch=True),
    st.from_regex(r"[0-9/.\- a]{0,2}(19|20|1|2)\d{1,3}-\d{1,3}-\d{1,3}[0-9/.\- a]{0,2}", fullmatch=True),
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(DATE_ALPHABET, max_size=16), DATE_SHAPED, st.booleans())
@example([], "/1999-03-04 /2020-1-2 5/2024-03-04 .3/4/24 -3/4/24 13/4/24", True)
def test_date_patterns_as_searched_find_what_they_were_written_to(pieces: list[str], shaped: str, both: bool) -> None:
    """The date hint and the all-digit date patterns, their leading digit or look-behind moved for speed,
    against the patterns as written: the same lines hinted, the same matches and groups."""
    from reportkit.understand import dates

    line = "".join(pieces) + (shaped if both else "")
    written = re.compile(dates._DATE_HINT_AS_WRITTEN)
    assert (dates._DATE_HINT.search(line) is None) == (written.search(line) is None)
    for source, searched in zip(dates._DIGIT_DATES_AS_WRITTEN, dates._DATE_PATTERNS, strict=False):
        want = [(m.span(), m.groupdict()) for m in re.compile(source).finditer(line)]
        assert [(m.span(), m.groupdict()) for m in searched.finditer(line)] == want


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["Date", "DOB", ":", " ", "\n", "\t", "_", "___", "x.", "(", "é"]), max_size=14))
def test_a_labelled_blank_always_holds_the_blank_hint(pieces: list[str]) -> None:
    """fill_blanks looks for labelled blanks only on a page where the quick hint finds ":" then "___"."""
    from reportkit.ingest import forms

    text = "".join(pieces)
    if forms._BLANK.search(text):
        assert forms._BLANK_HINT.search(text)


LINE_WORDS = ["Dear Dr. Roe,", "IMPRESSION:", "1. Assessment", "Test  Result  Flag", "to whom it may concern",
              "plan", "x", " ", "\t", "é", "", "Component result", "-", ":"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(LINE_WORDS), max_size=4), max_size=8))
def test_lines_with_a_line_start_pattern_finds_the_lines_a_plain_search_finds(rows: list[list[str]]) -> None:
    """The findings' line-start patterns run as newline-led searches (:func:`text._newline_led`): the same
    lines as searching the page's text with the pattern itself."""
    from reportkit.understand import findings, text

    pl = text.PageLines(1, tuple(" ".join(row) for row in rows), False, None)
    for pattern in (findings._LABEL_START_LINES, findings._SALUTATION, findings._LAB_HEADER_LINES):
        assert text._newline_led(pattern) is not None
        want = sorted({pl.text.count("\n", 0, m.start()) for m in pattern.finditer(pl.text)})
        assert text.lines_with(pattern, pl) == want


def test_newline_led_only_for_one_line_start_alternative() -> None:
    from reportkit.understand import text

    for source, flags in ((r"^ab|cd", re.M), (r"ab", re.M), (r"^ab", 0), (r"^(?<=x)ab", re.M), (r"^a", re.M | re.X)):
        assert text._newline_led(re.compile(source, flags)) is None
    assert text._newline_led(re.compile(r"^(a|b)[|]", re.M)) is not None

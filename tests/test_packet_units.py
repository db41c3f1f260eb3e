"""Pure parts of the packet: Bates formatting, exhibit letters, sizes, the ledger's arithmetic, citations."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportkit import cite
from reportkit.errors import ExitCode, ReportkitError
from reportkit.packet import ledger
from reportkit.packet.bates import BatesNumber, check_numbering, check_prefix
from reportkit.packet.build import parse_size
from reportkit.packet.case import prefix_from_surname
from reportkit.packet.exhibits import letters


@given(prefix=st.from_regex(r"[A-Z][A-Z0-9_-]{0,10}", fullmatch=True), number=st.integers(0, 10**7 - 1))
def test_bates_numbers_are_fixed_width_and_sort_like_their_numbers(prefix: str, number: int) -> None:
    text = str(BatesNumber(prefix, number, 7))
    assert len(text) == len(prefix) + 7 and text.startswith(prefix) and int(text[len(prefix) :]) == number
    if number:
        assert str(BatesNumber(prefix, number - 1, 7)) < text


@given(st.integers(1, 20_000))
def test_exhibit_letters_count_like_a_spreadsheet(n: int) -> None:
    mark = letters(n)
    assert mark.isalpha() and mark.isupper()
    value = 0
    for ch in mark:
        value = value * 26 + (ord(ch) - ord("A") + 1)
    assert value == n
    assert (letters(1), letters(26), letters(27), letters(52), letters(703)) == ("A", "Z", "AA", "AZ", "AAA")


@pytest.mark.parametrize("bad", ["", "SMITH/J", "../X", "A B", "SMITH:1", "-X", "Ø", "X" * 25, "CON\x00"])
def test_unsafe_prefixes_are_refused(bad: str) -> None:
    with pytest.raises(ReportkitError) as info:
        check_prefix(bad)
    assert info.value.exit_code == ExitCode.USAGE


def test_numbers_must_fit_their_digits() -> None:
    check_numbering(9_999_901, 99, 7)
    with pytest.raises(ReportkitError, match="more than 7 digits") as short:
        check_numbering(9_999_901, 100, 7)
    assert short.value.hint is not None and "more --digits" in short.value.hint
    from reportkit.packet.bates import MAX_DIGITS

    with pytest.raises(ReportkitError) as widest:  # at the widest, more digits is no advice
        check_numbering(10**MAX_DIGITS - 5, 10, MAX_DIGITS)
    assert widest.value.hint == "Give a lower --start."


def test_sizes_and_surnames() -> None:
    assert parse_size("25MB") == 25_000_000 and parse_size("1.5 gb") == 1_500_000_000
    assert parse_size("500KB") == 500_000 and parse_size("123") == 123
    from reportkit.packet.options import size_text

    assert [size_text(n) for n in (25_300_000, 812_400, 900)] == ["25.3 MB", "812 KB", "900 bytes"]
    for bad in ("big", "nanMB", "infKB", "1e400MB", "-5MB"):  # float() reads the middle three
        with pytest.raises(ReportkitError, match="is not a size"):
            parse_size(bad)
    assert prefix_from_surname("O'Brien-Day") == "OBRIEN-DAY"
    assert prefix_from_surname("Müller") == "MULLER"
    assert prefix_from_surname("Łukasz-Østergård") == "LUKASZ-OSTERGARD"  # letters NFKD keeps whole


@pytest.mark.parametrize(
    ("name", "surname"),
    [("Daniel Okafor", "Okafor"), ("Daniel Okafor III", "Okafor"), ("Daniel Okafor, Jr.", "Okafor"),
     ("Maria O'Brien-Smith Jr.", "O'Brien-Smith"), ("Smith, John", "Smith"), ("Smith Jr., John", "Smith"),
     ("Minh Do", "Do"), ("Cher", "Cher")],
)  # fmt: skip
def test_the_surname_of_a_name_leaves_out_its_suffix(name: str, surname: str) -> None:
    from reportkit.packet.case import surname_of

    assert surname_of(name) == surname


def test_bates_citations() -> None:
    assert cite.bates("SMITH0000012", "SMITH0000014") == "SMITH0000012-SMITH0000014"
    assert cite.bates("SMITH0000012", "SMITH0000012") == "SMITH0000012"
    lookup = {4: "S0000010", 5: "S0000011"}
    assert cite.bates_pages(lookup, 4, 5) == "S0000010-S0000011"
    assert cite.bates_pages(lookup, 4, 6) is None  # a page that was not produced
    # the drafts' citation style gives the same form from the same labels
    assert cite.MappedCitation(lookup).cite(4, 5) == "(S0000010-S0000011)"


def test_ledger_next_start_and_overlap(tmp_path: Path) -> None:
    path = tmp_path / "bates-ledger.json"
    entries = [ledger.Issued("S", 1, 50, 7, "prodA", (), "t"), ledger.Issued("S", 51, 80, 7, "prodB", (), "t")]
    assert ledger.next_start(entries, "S", "prodC") == 81
    assert ledger.next_start(entries, "S", "prodA") == 1  # a rebuild reuses its own range
    assert ledger.next_start(entries, "T", "prodC") == 1  # another prefix starts afresh
    ledger.check(entries, "S", 81, 90, "prodC", path)
    ledger.check(entries, "S", 1, 50, "prodA", path)
    with pytest.raises(ReportkitError, match="would reuse numbers"):
        ledger.check(entries, "S", 80, 90, "prodC", path)
    ledger.record(path, entries, ledger.Issued("S", 81, 90, 7, "prodC", ("abc",), "t"))
    assert [(e.first, e.last) for e in ledger.read(path)] == [(1, 50), (51, 80), (81, 90)]
    path.write_text("{not json")
    with pytest.raises(ReportkitError, match="cannot be read") as damaged:
        ledger.read(path)
    assert damaged.value.exit_code == ExitCode.INPUT  # a damaged file, not a wrong command line
    with pytest.raises(ReportkitError, match="is a folder, not a Bates ledger") as folder:
        ledger.read(path.parent)
    assert folder.value.exit_code == ExitCode.INPUT
    with pytest.raises(ReportkitError, match="is a file, not a folder") as under, ledger.locked(path / "ledger.json"):
        pass
    assert under.value.exit_code == ExitCode.OUTPUT


@pytest.mark.parametrize(
    "wrong",
    [{"files": "bogus"}, {"group_by": "bogus"}, {"sticker": "bogus"}, {"numbering": "roman"}, {"first_exhibit": 0},
     {"first_exhibit": -3, "numbering": "letter"}],
)  # fmt: skip
def test_a_library_callers_packet_options_are_checked_before_any_work(tmp_path: Path, wrong: dict[str, object]) -> None:
    from reportkit import make_packet
    from reportkit.packet.build import PacketOptions

    out = tmp_path / "p"
    with pytest.raises(ReportkitError) as raised:
        make_packet([tmp_path / "none.pdf"], out, PacketOptions(prefix="LIB", use_ledger=False, **wrong))  # type: ignore[arg-type]
    assert raised.value.exit_code == ExitCode.USAGE and str(next(iter(wrong))) in raised.value.message
    assert not out.exists()


def test_a_warnings_bundle_pages_are_cited_by_bates_but_a_documents_own_numbering_is_not() -> None:
    from reportkit.cite import bates_in_text as cited_text

    bates = {n: f"OK{n + 499:07d}" for n in range(1, 58)}
    said = "uncertain start at page 51 (confidence 77%); exact duplicate of D0011 (pp. 13–14); page 2 of 4; p. 99"
    assert cited_text(said, bates) == (
        "uncertain start at OK0000550 (confidence 77%); exact duplicate of D0011 (OK0000512-OK0000513); "
        "page 2 of 4; p. 99"  # a page the packet did not produce keeps its bundle number
    )
    assert cited_text(said, None) == said

"""Seeded mutations of small PDFs, for tests/test_fuzz.py.

Each case is one seed PDF with one to three mutations applied, chosen by ``random.Random`` from the run's seed
and the case number alone: the same (seed, case) is the same bytes on every machine. The synthetic seeds carry
:data:`MARKER` in their page text, content streams and metadata, so that a message quoting file bytes is seen.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MARKER = "QZXV7MARK"
"""Planted in the synthetic seeds' text and streams; it must never appear in a message without --debug."""

ROOT = Path(__file__).resolve().parent.parent
SEED_FILES = (
    ROOT / "samples/second-opinion-case/records/01-sound-imaging-mri-right-knee.pdf",
    ROOT / "samples/second-opinion-case/records/03-westbrook-physical-therapy.pdf",
    ROOT / "samples/ime-case/referral-letter.pdf",
    ROOT / "tests/data/corpus/trivial.pdf",
    ROOT / "tests/data/corpus/pdflatex-outline.pdf",
    ROOT / "tests/data/corpus/r4-aes-user-password.pdf",
)
PASSWORD = "asdfzxcv"
"""The user password of r4-aes-user-password.pdf."""
RECORD_WORDS = ("Estrada", "Okafor")
"""Patient names in the sample records' text: record text, never in a message."""


def pdf_bytes(objects: list[bytes], info: int | None = None, root: bool = True) -> bytes:
    """A PDF of ``objects`` (object 1 is the catalog) with a classic cross-reference table; without ``root``,
    the trailer does not say which object the catalog is."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    extra = (" /Root 1 0 R" if root else "") + (f" /Info {info} 0 R" if info else "")
    out += f"trailer\n<< /Size {len(objects) + 1}{extra} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(content: bytes, compress: bool) -> bytes:
    data, extra = (zlib.compress(content), b" /Filter /FlateDecode") if compress else (content, b"")
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def marked_pdf(circular_outline: bool = False, root: bool = True, encoding: str = "WinAnsiEncoding") -> bytes:
    """Two pages of text holding :data:`MARKER` (page 1's stream plain, page 2's compressed), an outline of
    two entries (with ``circular_outline``, the second entry's /Next points back to the first) and an /Info
    title holding the marker. Without ``root`` the trailer lacks /Root: pdfium refuses the file, pypdf finds
    the catalog (and says so). ``encoding`` is the font's /Encoding name."""
    text = [
        f"BT /F1 12 Tf 72 700 Td ({MARKER} progress note, page {n}. Patient seen for follow-up.) Tj ET".encode()
        for n in (1, 2)
    ]
    after_second = b"/Next 9 0 R " if circular_outline else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Outlines 8 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        *(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R " % n
            + b"/Resources << /Font << /F1 7 0 R >> >> >>"
            for n in (5, 6)
        ),
        _stream(text[0], compress=False),
        _stream(text[1], compress=True),
        f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /{encoding} >>".encode(),
        b"<< /Type /Outlines /First 9 0 R /Last 10 0 R /Count 2 >>",
        f"<< /Title ({MARKER} one) /Parent 8 0 R /Next 10 0 R /Dest [3 0 R /Fit] >>".encode(),
        f"<< /Title ({MARKER} two) /Parent 8 0 R /Prev 9 0 R ".encode() + after_second + b"/Dest [4 0 R /Fit] >>",
        f"<< /Title ({MARKER} title) /Producer (reportkit tests) >>".encode(),
    ]
    return pdf_bytes(objects, info=11, root=root)


Mutation = Callable[[bytes, random.Random], bytes]


def _span(data: bytes, rng: random.Random, most: int = 512) -> tuple[int, int]:
    start = rng.randrange(len(data))
    return start, min(len(data), start + rng.randint(1, most))


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 4, 16, 64))):
        pos = rng.randrange(len(out))
        out[pos] = out[pos] ^ (1 << rng.randrange(8)) if rng.random() < 0.7 else rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(16, max(17, len(data)))]


def duplicate_chunk(data: bytes, rng: random.Random) -> bytes:
    start, stop = _span(data, rng)
    at = rng.randrange(len(data))
    return data[:at] + data[start:stop] * rng.choice((1, 1, 2, 8)) + data[at:]


def remove_chunk(data: bytes, rng: random.Random) -> bytes:
    start, stop = _span(data, rng)
    return data[:start] + data[stop:]


def _replace_one(data: bytes, rng: random.Random, pattern: bytes, make: Callable[[re.Match[bytes]], bytes]) -> bytes:
    found = list(re.finditer(pattern, data))
    if not found:
        return flip_bytes(data, rng)
    match = rng.choice(found)
    return data[: match.start()] + make(match) + data[match.end() :]


def damage_xref(data: bytes, rng: random.Random) -> bytes:
    """A wrong startxref, a damaged table entry, a missing keyword or trailer, or a wrong /Size or /Prev."""
    choice = rng.randrange(5)
    if choice == 0:
        wrong = str(rng.choice((0, 1, rng.randrange(len(data)), 10**12))).encode()
        return _replace_one(data, rng, rb"startxref\s+(\d+)", lambda m: b"startxref\n" + wrong)
    if choice == 1:
        return _replace_one(data, rng, rb"\d{10} \d{5} [nf]", lambda m: b"%010d 00000 n" % rng.randrange(10**10))
    if choice == 2:
        return _replace_one(data, rng, rb"\bxref\b|\btrailer\b|/Root|/XRef|/W\b", lambda m: b"")
    if choice == 3:
        size = str(rng.choice((0, 1, 2, 100000, -3))).encode()
        return _replace_one(data, rng, rb"/Size \d+", lambda m: b"/Size " + size)
    return _replace_one(data, rng, rb"/(Prev|Index|W) ", lambda m: b"/Prev 0 /Index [0 999999999] ")


def swap_object_numbers(data: bytes, rng: random.Random) -> bytes:
    headers = list(re.finditer(rb"(\d+) (\d+) obj", data))
    if len(headers) < 2:
        return flip_bytes(data, rng)
    a, b = sorted(rng.sample(headers, 2), key=lambda m: m.start())
    return (
        data[: a.start(1)] + b.group(1) + data[a.end(1) : b.start(1)] + a.group(1) + data[b.end(1) :]
    )  # the other offsets now point a few bytes off too


def retarget_reference(data: bytes, rng: random.Random) -> bytes:
    """A reference to another object (page tree and outline cycles), a missing one, or a wrong generation."""
    target = rng.choice((b"1", b"2", b"3", b"4", b"0", b"99999", b"2147483648"))
    generation = rng.choice((b"0", b"0", b"65535", b"7"))
    return _replace_one(data, rng, rb"\d+ \d+ R", lambda m: target + b" " + generation + b" R")


def lie_about_length(data: bytes, rng: random.Random) -> bytes:
    def lie(match: re.Match[bytes]) -> bytes:
        n = int(match.group(1))
        wrong = rng.choice((0, max(0, n - 1), n + 1, n * 2, n // 2, 10**9, -5, 2**64))
        return b"/Length " + (b"2 0 R" if rng.random() < 0.1 else str(wrong).encode())

    return _replace_one(data, rng, rb"/Length (\d+)", lie)


HOSTILE_TEXT = (
    b"Date of service: 02/31/2024",
    b"DOS: 00/00/0000 DOB: 13/13/1313",
    b"Visit 12/31/9999 and 01/01/0001",
    b"Page 0 of 0",
    b"Page 99999999999999999999 of 1",
    b"Page 3 of 2 Page 2 of 3",
    b"\\377\\376\\000\\001\\033 RE: Signed on",
    b"ICD-10: M51.16 " * 2000,
    b"Patient: " + b"A" * 5000,
    b"_____ Date: ____ Name: ______ :",
    b"OPERATIVE REPORT DISCHARGE SUMMARY RE: RE: RE:",
    b"\\(unbalanced",
    b"",
)


def hostile_text(data: bytes, rng: random.Random) -> bytes:
    """A string drawn on a page (in an uncompressed content stream) replaced by odd text: impossible dates,
    page footers that lie, control characters, one very long word (the stream's /Length is then wrong)."""
    text = rng.choice(HOSTILE_TEXT)
    return _replace_one(data, rng, rb"\((?:[^()\\]|\\.)*\) ?Tj", lambda m: b"(" + text + b") Tj")


HOSTILE_TOKENS = (
    b"[" * 5000,
    b"<<" * 3000,
    b"(" * 2000,
    b"/" + b"A" * 20000,
    b"99999999999999999999999 0 R",
    b"stream\r\n",
    b"endstream endobj",
    b"%%EOF\n",
    b"trailer << /Root 999 0 R /Size 3 >>",
    b"xref\n0 1\n0000000000 65535 f \n",
    b"1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj",
    b"<< /Type /Pages /Kids [2 0 R 2 0 R] /Count 999999999 >>",
    b"\x00" * 64,
    b"-1.#INF 1e309 nan",
)


def insert_garbage(data: bytes, rng: random.Random) -> bytes:
    junk = rng.choice(HOSTILE_TOKENS) if rng.random() < 0.5 else rng.randbytes(rng.randint(1, 200))
    at = rng.randrange(len(data))
    return data[:at] + junk + data[at:]


MUTATIONS: dict[str, Mutation] = {
    "flip": flip_bytes,
    "truncate": truncate,
    "duplicate": duplicate_chunk,
    "remove": remove_chunk,
    "xref": damage_xref,
    "swap": swap_object_numbers,
    "reference": retarget_reference,
    "length": lie_about_length,
    "garbage": insert_garbage,
    "text": hostile_text,
}


@dataclass(frozen=True)
class Case:
    number: int
    seed_name: str
    mutations: tuple[str, ...]
    data: bytes

    @property
    def name(self) -> str:
        """A file name that says which case this is (it shows in the messages)."""
        return f"case{self.number:05d}.pdf"

    def describe(self, seed: int) -> str:
        return (
            f"fuzz case {self.number} (REPORTKIT_FUZZ_SEED={seed}): {self.seed_name} with "
            f"{' + '.join(self.mutations)}; rerun with REPORTKIT_FUZZ_SEED={seed} REPORTKIT_FUZZ_ONLY={self.number}"
        )


def seeds() -> dict[str, bytes]:
    """The unmutated seed PDFs by name: the synthetic marked ones and small real files."""
    named = {"marked.pdf": marked_pdf(), "circular-outline.pdf": marked_pdf(circular_outline=True)}
    named.update((path.name, path.read_bytes()) for path in SEED_FILES)
    return named


def make_case(seed: int, number: int, originals: dict[str, bytes]) -> Case:
    """Case ``number`` of the run with ``seed``: it depends on these two alone."""
    rng = random.Random(f"{seed}:{number}")
    seed_name = rng.choice(sorted(originals))
    data = originals[seed_name]
    names = tuple(rng.choice(sorted(MUTATIONS)) for _ in range(rng.choice((1, 1, 2, 3))))
    for name in names:
        data = MUTATIONS[name](data, rng) or b"%PDF-"
    if not data.startswith(b"%PDF-") and rng.random() < 0.9:
        data = b"%PDF-1.7\n" + data  # mostly past the first look, so that the parsers see it
    return Case(number, seed_name, names, data)

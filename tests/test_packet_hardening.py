"""Issue 15 hardening of `reportkit packet` and `reportkit verify`: each test reproduces an attack or a defect
(file names leaking into a packet, outputs depending on how paths were typed, hostile manifests, damaged page
trees, loose file modes, quadratic page lookups) and checks the fix."""

from __future__ import annotations

import sys
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

from conftest import ROOT
from fuzzing import pdf_bytes
from reportkit.cli import app

sys.path.insert(0, str(ROOT / "bench"))
from bench_packet import shared_stream_pdf

runner = CliRunner()


def run(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


class _CountingPages:
    """Stands in for ``Pdf.pages``, counting lookups by page number (each walks pikepdf's whole page list)."""

    lookups = 0

    def __init__(self, real: object) -> None:
        self._real = real

    def __getitem__(self, key: object) -> object:
        if isinstance(key, int):
            _CountingPages.lookups += 1
        return self._real[key]  # type: ignore[index]

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)

    def __len__(self) -> int:
        return len(self._real)  # type: ignore[arg-type]

    def __iter__(self) -> object:
        return iter(self._real)  # type: ignore[call-overload]


def _lookups(tmp_path: Path, pages: int, monkeypatch: pytest.MonkeyPatch) -> int:
    src = shared_stream_pdf(tmp_path / f"shared-{pages}.pdf", pages)
    real = pikepdf.Pdf.pages
    with monkeypatch.context() as patch:
        patch.setattr(pikepdf.Pdf, "pages", property(lambda pdf: _CountingPages(real.__get__(pdf))))
        _CountingPages.lookups = 0
        code, output = run("packet", src, "--out", tmp_path / f"p{pages}", "--prefix", "S", "--no-ledger", "-q")
        assert code == 0, output
    return _CountingPages.lookups


def test_page_lookups_do_not_grow_with_the_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15 item 14: pages sharing one content stream took 8 s at 4,000 pages and 30 s at 8,000, because
    stamping and copying looked every page up by number (pikepdf walks its page list for each lookup). The
    number of such lookups must not grow with the page count (the bench script measures the seconds)."""
    assert _lookups(tmp_path, 20, monkeypatch) == _lookups(tmp_path, 40, monkeypatch)


def _damaged_tree_pdf(path: Path, kids: bytes) -> Path:
    """One page of text whose page tree's /Kids is ``kids``: pdfium (the index) finds the page by its /Type,
    qpdf and pypdf read the tree and find none."""
    content = b"BT /F1 12 Tf 72 700 Td (Progress note, page tree damaged) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids " + kids + b" /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(pdf_bytes(objects))
    return path


@pytest.mark.parametrize("kids", [b"[9 0 R]", b"3 0 R"])
def test_a_damaged_page_tree_the_index_reads_is_produced(tmp_path: Path, kids: bytes) -> None:
    """Issue 15 item 13: the index (pdfium) reads one page; the packet writer read none and refused with "has 0
    pages, the index says 1". The packet now finds the page as pdfium does, and stamps it."""
    import pypdfium2 as pdfium

    src = _damaged_tree_pdf(tmp_path / "damaged.pdf", kids)
    before = src.read_bytes()
    assert len(pikepdf.open(src).pages) == 0 and len(pdfium.PdfDocument(str(src))) == 1
    out = tmp_path / "p"
    code, output = run("packet", src, "--out", out, "--prefix", "DT", "--no-ledger")
    assert code == 0, output
    doc = pdfium.PdfDocument(str(out / "exhibits" / "DT0000001.pdf"))
    text = doc[0].get_textpage().get_text_range()
    assert len(doc) == 1 and "DT0000001" in text and "page tree damaged" in text
    assert src.read_bytes() == before


def test_a_page_tree_that_cannot_be_mended_is_named_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportkit.packet.pdf as packet_pdf

    monkeypatch.setattr(packet_pdf, "rebuild_page_tree", lambda pdf, expected: None)
    src = _damaged_tree_pdf(tmp_path / "damaged.pdf", b"[9 0 R]")
    code, output = run("packet", src, "--out", tmp_path / "p", "--prefix", "DT", "--no-ledger")
    assert code == 3, output
    flat = " ".join(output.split())
    assert "damaged.pdf: its page tree is damaged" in flat and "print to PDF" in flat
    assert "Traceback" not in output and not (tmp_path / "p").exists()


def _modes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mode & 0o777 for p in sorted(folder.rglob("*"))}


def test_packet_files_are_private_and_a_given_folder_keeps_its_mode(tmp_path: Path) -> None:
    """Issue 15 item 7: a packet (decrypted records) was written in a 0755 folder with 0644 files. Every file
    is 0600 and every folder reportkit creates 0700, whatever the umask; a folder the user made is not chmod'ed."""
    import os

    src = shared_stream_pdf(tmp_path / "records.pdf", 3)
    old = os.umask(0o022)
    try:
        out = tmp_path / "new" / "deeper" / "packet"
        code, output = run("packet", src, "--out", out, "--prefix", "M", "--no-ledger", "--chronology")
        assert code == 0, output
        given = tmp_path / "given"
        given.mkdir(mode=0o750)
        code, output = run("packet", src, "--out", given, "--prefix", "M", "--no-ledger")
        assert code == 0, output
    finally:
        os.umask(old)
    modes = _modes(out)
    assert {n for n, m in modes.items() if (out / n).is_dir()} == {"exhibits", "chronology"}
    assert all(m == (0o700 if (out / n).is_dir() else 0o600) for n, m in modes.items()), modes
    for folder in (out, out.parent, out.parent.parent):
        assert folder.stat().st_mode & 0o777 == 0o700
    assert given.stat().st_mode & 0o777 == 0o750
    assert all(m in (0o600, 0o700) for m in _modes(given).values())


MARKS = ("ZEBULON", "WYVERNCASE")
"""A patient's name in a record's file name and in its folder's: neither may reach the packet."""


def _named_records(tmp_path: Path) -> Path:
    from conftest import SAMPLE_CASE

    folder = tmp_path / "WYVERNCASE" / "records"
    folder.mkdir(parents=True)
    for n, src in enumerate(sorted((SAMPLE_CASE / "records").glob("*.pdf"))[:2], start=1):
        (folder / f"ZEBULON Quixote {n}.pdf").write_bytes(src.read_bytes())
    return folder


def _everything_readable(path: Path) -> bytes:
    """A file's bytes with its compressed parts opened: PDF streams and object streams, DOCX members."""
    import io
    import zipfile

    data = path.read_bytes()
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:
            buffer = io.BytesIO()
            pdf.save(buffer, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
            return buffer.getvalue()
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            return b"".join(z.read(n) for n in z.namelist())
    return data


def _leaks(folder: Path) -> list[str]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = _everything_readable(path)
        for mark in MARKS:
            if mark.encode() in data or mark.encode("utf-16-be") in data:
                found.append(f"{path.relative_to(folder)}: {mark}")
    return found


def test_no_input_name_or_folder_reaches_the_packet(tmp_path: Path) -> None:
    """Issue 15 item 8: `packet --chronology` wrote the input paths (a patient's name, often) into
    chronology/. Every output (PDF bytes and metadata, DOCX, CSV, JSON) names inputs by exhibit and Bates range;
    even a warning kept in the index that names the file. --file-names names files, without their folder."""
    import json

    records = _named_records(tmp_path)
    index_dir = tmp_path / "ix"
    assert run("index", records, "--out", index_dir)[0] == 0
    index_json = index_dir / "index.json"
    data = json.loads(index_json.read_text())
    first = data["sources"][0]["path"]
    data["warnings"].append(f"{first} page 1: OCR could not read part of the page")  # as ingest words it
    index_json.write_text(json.dumps(data))
    out = tmp_path / "p"
    code, output = run(
        "packet", records, "--out", out, "--prefix", "Q", "--no-ledger", "--chronology", "--sticker", "cover",
        "--index", index_json,
    )  # fmt: skip
    assert code == 0, output
    assert _leaks(out) == []
    md = (out / "chronology" / "index.md").read_text()
    assert "| Exhibit 1: Q0000001-Q0000009 |" in md and "Exhibit 1: Q0000001-Q0000009 page 1: OCR" in md
    named = tmp_path / "named"
    code, output = run(
        "packet", records, "--out", named, "--prefix", "Q", "--no-ledger", "--chronology", "--file-names",
        "--index", index_json,
    )  # fmt: skip
    assert code == 0, output
    assert _leaks(named) == [f"chronology/{n}: ZEBULON" for n in ("index.csv", "index.docx", "index.md")]
    assert "ZEBULON Quixote 1.pdf page 1: OCR" in (named / "chronology" / "index.md").read_text()
    assert json.loads((named / "manifest.json").read_text())["settings"]["file_names"] is True


@pytest.mark.parametrize("extra", [[], ["--file-names"]])
def test_same_packet_whatever_the_cwd_and_path_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str]
) -> None:
    """Issue 15 item 12: the packet (its chronology, and so its manifest, whose hash goes into a cover letter)
    must not depend on whether the inputs were typed absolute or relative, or from which folder."""
    import hashlib

    records = _named_records(tmp_path)
    files = sorted(records.glob("*.pdf"))
    options = ["--prefix", "Q", "--no-ledger", "--chronology", *extra]
    monkeypatch.chdir(tmp_path)
    assert run("packet", *[f.resolve() for f in files], "--out", tmp_path / "a", *options)[0] == 0
    monkeypatch.chdir(records)
    assert run("packet", *[f"./../records/{f.name}" for f in files], "--out", "../b", *options)[0] == 0

    def hashes(folder: Path) -> dict[str, str]:
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    assert hashes(tmp_path / "a") == hashes(records / ".." / "b")


@pytest.fixture(scope="module")
def small_packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("verify")
    src = shared_stream_pdf(folder / "records.pdf", 2)
    code, output = run("packet", src, "--out", folder / "packet", "--prefix", "V", "--no-ledger")
    assert code == 0, output
    return folder / "packet"


def _with_manifest(small_packet: Path, tmp_path: Path, edit: object) -> Path:
    import json
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(small_packet, copy)
    manifest = copy / "manifest.json"
    if isinstance(edit, bytes):
        manifest.write_bytes(edit)
    else:
        data = json.loads(manifest.read_text())
        edit(data)  # type: ignore[operator]
        manifest.write_text(json.dumps(data))
    return copy


def _set(key: str, value: object) -> object:
    def edit(data: dict[str, object]) -> None:
        outputs = data["outputs"]
        assert isinstance(outputs, list)
        if key == "entry":
            outputs[0] = value
        else:
            outputs[0][key] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (b'{"schema": "reportkit/packet-manifest@1", "outputs": [{"path": "packet.pdf", "sha', "not JSON"),
        (b"\xff\xfe not text", "not JSON"),
        (_set("entry", 7), "entry 1 of outputs is not an object"),
        (_set("sha256", None), "entry 1 of outputs has no sha256"),
        (_set("path", 12), "entry 1 of outputs has no path"),
        (_set("sha256", "abc"), "entry 1 of outputs has no sha256"),
        (lambda d: d.update(inputs=[5]), "entry 1 of inputs is not an object"),
        (lambda d: d.update(inputs={"sha256": "x"}), "inputs is not a list"),
        (_set("path", "../moved.pdf"), "outside the packet folder"),
        (_set("path", "/etc/hostname"), "outside the packet folder"),
        (_set("path", "exhibits/../../x.pdf"), "outside the packet folder"),
    ],
)
def test_verify_refuses_a_malformed_manifest(small_packet: Path, tmp_path: Path, edit: object, said: str) -> None:
    """Issue 15 item 10: a number where an entry should be, an entry without sha256, wrong types, truncated or
    not JSON was an internal error (exit 1); a path leading out of the packet folder was followed and passed.
    Each is an input error (exit 3) naming the manifest and what is wrong."""
    copy = _with_manifest(small_packet, tmp_path, edit)
    code, output = run("verify", copy, "--inputs", tmp_path)
    flat = " ".join(output.split())
    assert code == 3, output
    assert f"{copy / 'manifest.json'}:" in flat and said in flat and "Traceback" not in output


def test_verify_never_follows_a_link_out_of_the_packet(small_packet: Path, tmp_path: Path) -> None:
    """A packet file replaced by a symbolic link (to a copy of the right bytes outside the packet) is a finding:
    reportkit never writes links, so the packet does not hold the file it lists."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(small_packet, copy)
    outside = tmp_path / "elsewhere.pdf"
    shutil.move(copy / "packet.pdf", outside)
    (copy / "packet.pdf").symlink_to(outside)
    moved = tmp_path / "exhibits-elsewhere"
    shutil.move(copy / "exhibits", moved)
    (copy / "exhibits").symlink_to(moved, target_is_directory=True)
    code, output = run("verify", copy)
    assert code == 7, output
    assert "changed: packet.pdf" in output and "changed: exhibits/V0000001.pdf" in output

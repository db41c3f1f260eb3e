"""What a user's templates folder, reference.docx and case.yaml may reach (issue 15, items 5, 6, 11, 13):
templates load only their own folder and the built-ins and stop at limits; a reference.docx is unpacked
within limits and loses its external links; a jurisdiction profile comes from the built-ins or the case
folder; drafts and a new case are written whole or not at all, private to the user."""

from __future__ import annotations

import errno
import io
import os
import re
import resource
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from draft_helpers import IME_SAMPLE, hostile_index, sample_copy
from reportkit.cli import app
from reportkit.draft import DraftOptions, draft_case, export_templates
from reportkit.draft import render as render_mod
from reportkit.errors import CaseError, ExitCode, OutputError, TemplateError

runner = CliRunner()
SECRET = "SECRET-OUTSIDE-THE-TEMPLATES-FOLDER"


def _case(tmp_path: Path) -> tuple[Path, Path]:
    """The IME sample without records, and a hand-made index.json beside it (fast)."""
    case = sample_copy(IME_SAMPLE, tmp_path)
    shutil.rmtree(case / "records")
    return case, hostile_index(tmp_path / "index.json")


def _templates(tmp_path: Path, body: str, others: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / "ime-report.html.j2").write_text(body)
    for name, text in (others or {}).items():
        (folder / name).write_text(text)
    return folder


def _no_secret(text: str) -> None:
    assert SECRET not in text


# --- item 5: what templates may load --------------------------------------------------------------------


def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.html.j2"
    secret.write_text(f"<p>{SECRET}</p>")
    return secret


@pytest.mark.parametrize(
    "load",
    [
        "{% include '" + "{secret}" + "' %}",  # an absolute path
        "{% include '../secret.html.j2' %}",  # out of the folder
        "{% include 'sub/../../secret.html.j2' %}",
        "{% import '../secret.html.j2' as s %}<p>x</p>",
        "{% extends '../secret.html.j2' %}",
        "{% include 'link.html.j2' %}",  # a symlink in the folder pointing out of it
        "{% include '/etc/hostname' %}",
    ],
)
def test_a_template_cannot_load_files_outside_its_folder(tmp_path: Path, load: str) -> None:
    secret = _outside(tmp_path)
    folder = _templates(tmp_path, "<p>start</p>" + load.replace("{secret}", str(secret)))
    (folder / "sub").mkdir()
    (folder / "link.html.j2").symlink_to(secret)
    case, index = _case(tmp_path)
    with pytest.raises(TemplateError) as err:
        draft_case(case, DraftOptions(index=index, templates=folder))
    assert str(folder / "ime-report.html.j2") in err.value.message
    assert "templates may load only" in err.value.message and str(folder) in err.value.message
    _no_secret(str(err.value) + err.value.detail)
    assert not (case / "drafts").exists()
    result = runner.invoke(app, ["templates", "check", str(folder)])
    assert result.exit_code == ExitCode.FINDINGS, result.output
    assert "FAIL ime-report.html.j2" in result.output and "templates may load only" in result.output
    _no_secret(result.output)


def test_the_main_template_itself_may_not_be_a_link_out_of_the_folder(tmp_path: Path) -> None:
    secret = _outside(tmp_path)
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "ime-report.html.j2").symlink_to(secret)
    (folder / "style.css").symlink_to(secret)
    case, index = _case(tmp_path)
    with pytest.raises(TemplateError) as err:
        draft_case(case, DraftOptions(index=index, templates=folder))
    assert "templates may load only" in err.value.message
    _no_secret(str(err.value))


def test_a_stylesheet_linked_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    secret = _outside(tmp_path)
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "style.css").symlink_to(secret)
    case, index = _case(tmp_path)
    with pytest.raises(TemplateError) as err:
        draft_case(case, DraftOptions(index=index, templates=folder, formats=("html",)))
    assert str(folder / "style.css") in err.value.message and "templates may load only" in err.value.message
    assert not (case / "drafts").exists()


def test_templates_may_load_their_own_folder_and_the_builtins(tmp_path: Path) -> None:
    folder = _templates(
        tmp_path,
        "{% import 'macros.html.j2' as m %}{% include 'part.html.j2' %}<p>{{ m.shout('hello') }}</p>"
        "{% include 'sub/inner.html.j2' %}",
        {"part.html.j2": "<p>from the part</p>", "macros.html.j2": "{% macro shout(x) %}{{ x|upper }}{% endmacro %}"},
    )
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.html.j2").write_text("<p>inner</p>")
    (folder / "addendum.html.j2").write_text("{% extends 'ime-report.html.j2' %}")  # the built-in's name
    case, index = _case(tmp_path)
    draft_case(case, DraftOptions(index=index, templates=folder, formats=("md",)))
    text = (case / "drafts" / "ime-report.md").read_text()
    assert "from the part" in text and "HELLO" in text and "inner" in text
    result = runner.invoke(app, ["templates", "check", str(folder)])
    assert "FAIL ime-report.html.j2" not in result.output, result.output


# --- item 5: limits ------------------------------------------------------------------------------------

RUNAWAY = {
    "nested loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "a huge string": "<p>{{ 'x' * 10**11 }}</p>",
    "a recursive macro": "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}<p>{{ m(0) }}</p>",
    "a huge number": "<p>{{ 10**5000 }}</p>",
    "a huge string method": "<p>{{ 'x'.ljust(10**11) }}</p>",
    "a huge filter": "<p>{{ 'x'|center(10**11) }}</p>",
    "doubling": "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}<p>{{ ns.s|length }}</p>",
    "endless output": "{% for i in range(100000) %}{% for j in range(100000) %}<p>row</p>{% endfor %}{% endfor %}",
    "a wide format": "<p>{{ '%999999999999d' % 1 }}</p>",
    "a long list printed": "{% set big = 'x' * 1000000 %}<p>{{ {'a': [big] * 10000}|xmlattr }}</p>",
    "a long list joined": "{% set big = 'x' * 1000000 %}<p>{{ ([big] * 100000)|map('string')|join }}</p>",
}


def _limited() -> None:
    """In the child: at most 3 GB of memory, so a template that blows up fails there, not the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


def _reportkit(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "reportkit", *args],
        capture_output=True, text=True, env=env, timeout=120, preexec_fn=_limited,
    )  # fmt: skip


@pytest.mark.parametrize("what", list(RUNAWAY))
def test_a_runaway_template_stops_at_a_limit_with_a_clear_error(tmp_path: Path, what: str) -> None:
    folder = _templates(tmp_path, RUNAWAY[what])
    result = _reportkit("templates", "check", str(folder))
    assert result.returncode == ExitCode.FINDINGS, result.stderr[-2000:]
    assert "FAIL ime-report.html.j2" in result.stdout and "limit" in result.stdout, result.stdout
    assert "MemoryError" not in result.stdout  # stopped by a check before the value was made, not by luck
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("what", ["nested loops", "a recursive macro"])
def test_draft_with_a_runaway_template_fails_cleanly(tmp_path: Path, what: str) -> None:
    folder = _templates(tmp_path, RUNAWAY[what])
    case, index = _case(tmp_path)
    result = _reportkit("draft", str(case), "--index", str(index), "--templates", str(folder))
    assert result.returncode == ExitCode.INPUT, result.stderr[-2000:]
    assert f"{folder / 'ime-report.html.j2'}" in result.stderr and "limit" in result.stderr
    assert "Traceback" not in result.stderr and not (case / "drafts").exists()


def test_the_builtin_templates_stay_well_inside_the_limits(tmp_path: Path) -> None:
    """A big index (2,000 documents) drafts with the built-in templates."""
    from reportkit.index.export import to_json
    from reportkit.models import Document, Finding, RecordIndex, Source

    docs = [
        Document(f"D{i:04d}", i, i, "office_visit", f"Visit {i}", f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}",
                 "service", f"Dr {i % 50}", "Clinic", findings=[Finding("ASSESSMENT", "Low back pain.", i)])
        for i in range(1, 2001)
    ]  # fmt: skip
    index = RecordIndex(sources=[Source("records/x.pdf", "a" * 64, 2000, 1, 2000)], page_count=2000, pages=[],
                        documents=docs)  # fmt: skip
    case = sample_copy(IME_SAMPLE, tmp_path)
    shutil.rmtree(case / "records")
    (tmp_path / "index.json").write_bytes(to_json(index))
    result = draft_case(case, DraftOptions(index=tmp_path / "index.json", formats=("md",)))
    assert result.documents == 2000 and "Visit 2000" in (case / "drafts" / "ime-report.md").read_text()


# --- item 6: reference.docx ----------------------------------------------------------------------------

EVIL = "http://evil.example/track"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EXTERNAL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
EMPTY_RELS = b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'


def _zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def _add_rel(rels: bytes, rel_id: str, kind: str, target: str, external: bool = True) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="{rel_id}" Type="{EXTERNAL}{kind}" Target="{target}"{mode}/>'
    return rels.replace(b"</Relationships>", rel.encode() + b"</Relationships>")


def _hostile_reference(folder: Path) -> Path:
    """The exported reference.docx with a letterhead header holding an external hyperlink and a linked
    (fetched) picture, and settings attaching a remote template."""
    import docx

    path = folder / render_mod.REFERENCE_NAME
    document = docx.Document(str(path))
    document.sections[0].header.paragraphs[0].text = "LETTERHEAD OF THE PRACTICE"
    document.save(str(path))
    members = _zip_members(path.read_bytes())
    header = next(n for n in members if re.fullmatch(r"word/header\d*\.xml", n))
    header_rels = header.replace("word/", "word/_rels/") + ".rels"
    rels = members.get(header_rels, EMPTY_RELS)
    rels = _add_rel(rels, "rIdEvil1", "hyperlink", EVIL + "/link")
    rels = _add_rel(rels, "rIdEvil2", "image", EVIL + "/pixel.png")
    members[header_rels] = rels
    link = (f'<w:hyperlink r:id="rIdEvil1" xmlns:r="{R_NS}"><w:r><w:t>practice site</w:t></w:r></w:hyperlink>'
            f'<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" style="width:1pt;height:1pt">'
            f'<v:imagedata r:id="rIdEvil2" xmlns:r="{R_NS}"/></v:shape></w:pict></w:r></w:p>')  # fmt: skip
    members[header] = members[header].replace(b"</w:p>", link.encode(), 1)
    settings_rels = "word/_rels/settings.xml.rels"
    members[settings_rels] = _add_rel(
        members.get(settings_rels, EMPTY_RELS),
        "rIdEvil3", "attachedTemplate", EVIL + "/template.dotm",
    )  # fmt: skip
    attached = f'<w:attachedTemplate r:id="rIdEvil3" xmlns:r="{R_NS}"/>'
    members["word/settings.xml"] = re.sub(
        rb"(<w:settings[^>]*>)", rb"\1" + attached.encode(), members["word/settings.xml"]
    )
    members["word/_rels/document.xml.rels"] = _add_rel(
        members["word/_rels/document.xml.rels"], "rIdEvil4", "hyperlink", EVIL + "/doc"
    )
    path.unlink()
    _write_zip(path, members)
    return path


def test_external_links_of_a_reference_docx_are_dropped_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    export_templates(folder)
    reference = _hostile_reference(folder)
    before = reference.read_bytes()
    case, index = _case(tmp_path)
    result = draft_case(case, DraftOptions(index=index, templates=folder, formats=("docx",)))
    out = case / "drafts" / "ime-report.docx"
    members = _zip_members(out.read_bytes())
    assert not [n for n, data in members.items() if b"evil.example" in data]
    assert not [n for n, data in members.items() if b'TargetMode="External"' in data]
    assert not [n for n, data in members.items() if re.search(rb'r:(id|link|embed)="rIdEvil', data)]
    assert [w for w in result.warnings if str(reference) in w and "4 external link" in w], result.warnings
    assert reference.read_bytes() == before  # the user's file is left as it was
    import docx

    assert docx.Document(str(out)).sections[0].header.paragraphs[0].text.startswith("LETTERHEAD OF THE PRACTICE")
    if render_mod.soffice() is not None:
        pdf = render_mod.docx_to_pdf(out.read_bytes(), "ime-report.docx")
        assert pdf.startswith(b"%PDF")
    check = runner.invoke(app, ["templates", "check", str(folder)])
    assert "4 external link" in check.output, check.output


def _bomb(path: Path, size: int) -> None:
    members = _zip_members(path.read_bytes())
    members["word/media/padding.bin"] = b"\0" * size
    path.unlink()
    _write_zip(path, members)


@pytest.fixture
def exported(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "tpl"
    export_templates(folder)
    yield folder


def test_a_zip_bomb_reference_docx_is_refused_before_unpacking(exported: Path, tmp_path: Path) -> None:
    reference = exported / render_mod.REFERENCE_NAME
    _bomb(reference, 300 * 1024 * 1024)  # 300 MB of zeros in a 300 kB file
    assert reference.stat().st_size < 1024 * 1024
    case, index = _case(tmp_path)
    with pytest.raises(TemplateError) as err:
        draft_case(case, DraftOptions(index=index, templates=exported, formats=("docx",)))
    assert str(reference) in err.value.message and "compressed" in err.value.message
    assert not (case / "drafts").exists()
    check = runner.invoke(app, ["templates", "check", str(exported)])
    assert check.exit_code == ExitCode.FINDINGS and "FAIL reference.docx" in check.output


@pytest.mark.parametrize(
    ("limit", "value", "members", "expected"),
    [
        ("MAX_MEMBERS", 20, {f"customXml/item{i}.xml": b"<a/>" for i in range(40)}, "over the limit of 20"),
        (
            "MAX_MEMBER_BYTES",
            100_000,
            {"word/media/logo.bin": os.urandom(200_000)},
            "over the limit of 0.1 MB per file",
        ),
        (
            "MAX_TOTAL_BYTES",
            150_000,
            {f"word/media/l{i}.bin": os.urandom(60_000) for i in range(3)},
            "over the limit of 0.15 MB",
        ),
    ],
)
def test_reference_docx_limits(
    exported: Path, monkeypatch: pytest.MonkeyPatch, limit: str, value: int, members: dict[str, bytes], expected: str
) -> None:
    from reportkit.draft import reference as reference_mod

    monkeypatch.setattr(reference_mod, limit, value)
    path = exported / render_mod.REFERENCE_NAME
    both = {**_zip_members(path.read_bytes()), **members}
    path.unlink()
    _write_zip(path, both)
    with pytest.raises(TemplateError) as err:
        reference_mod.read_reference(path)
    assert str(path) in err.value.message and expected in err.value.message, err.value.message


# --- item 11: jurisdiction profiles --------------------------------------------------------------------

PROFILE = "name: {name}\nstatements:\n  - heading: Oath\n    paragraphs: ['" + SECRET + "']\n"


@pytest.mark.parametrize("where", ["parent", "absolute", "link"])
def test_a_jurisdiction_profile_outside_the_case_folder_is_refused(tmp_path: Path, where: str) -> None:
    case, index = _case(tmp_path)
    outside = tmp_path / "outside.yaml"
    outside.write_text(PROFILE.format(name="outside"))
    value = {"parent": "../outside.yaml", "absolute": str(outside), "link": "mine.yaml"}[where]
    (case / "mine.yaml").symlink_to(outside)
    text = (case / "case.yaml").read_text().replace("jurisdiction: generic", f"jurisdiction: {value}")
    (case / "case.yaml").write_text(text)
    with pytest.raises(CaseError) as err:
        draft_case(case, DraftOptions(index=index))
    message = err.value.message + err.value.hint
    assert "jurisdiction" in message and "case folder" in message and "uk-cpr35" in message, message
    _no_secret(str(err.value))
    assert not (case / "drafts").exists()
    result = runner.invoke(app, ["check", str(case)])
    assert result.exit_code == ExitCode.INPUT and "jurisdiction" in result.output
    _no_secret(result.output)


def test_a_jurisdiction_profile_in_the_case_folder_is_used(tmp_path: Path) -> None:
    case, index = _case(tmp_path)
    (case / "profiles").mkdir()
    (case / "profiles" / "firm.yaml").write_text(PROFILE.format(name="firm").replace(SECRET, "The oath of the firm."))
    text = (case / "case.yaml").read_text().replace("jurisdiction: generic", "jurisdiction: profiles/firm.yaml")
    (case / "case.yaml").write_text(text)
    draft_case(case, DraftOptions(index=index, formats=("md",)))
    assert "The oath of the firm." in (case / "drafts" / "ime-report.md").read_text()


# --- item 13: a full disk, file modes ------------------------------------------------------------------


class _Full(io.RawIOBase):
    """A file on a full disk: created, but every write fails with ENOSPC."""

    def __init__(self, inner: io.IOBase) -> None:
        self.inner = inner

    def write(self, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.inner.fileno()

    def close(self) -> None:
        self.inner.close()
        super().close()


def _fill_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on every file opened for writing (by path or descriptor) is on a full disk."""
    real_open = io.open

    def opener(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        handle = real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]
        return _Full(handle) if set(mode) & set("wax+") else handle

    monkeypatch.setattr(io, "open", opener)


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


def test_init_on_a_full_disk_leaves_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "case"
    _fill_disk(monkeypatch)
    result = runner.invoke(app, ["init", str(case), "--kind", "ime"])
    monkeypatch.undo()
    assert result.exit_code == ExitCode.OUTPUT, result.output
    assert "cannot" in result.output and str(case) in result.output and "Traceback" not in result.output
    assert _temporaries(tmp_path) == [] and not case.exists()  # no half-made case folder either


def test_drafting_on_a_full_disk_keeps_the_old_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case, index = _case(tmp_path)
    draft_case(case, DraftOptions(index=index))
    drafts = case / "drafts"
    before = {p.name: p.read_bytes() for p in drafts.iterdir()}
    text = (case / "case.yaml").read_text().replace("current_complaints:", 'current_complaints: "Worse now."', 1)
    (case / "case.yaml").write_text(text)
    _fill_disk(monkeypatch)
    with pytest.raises(OutputError) as err:
        draft_case(case, DraftOptions(index=index))
    monkeypatch.undo()
    assert err.value.exit_code == ExitCode.OUTPUT and str(drafts) in err.value.message
    assert {p.name: p.read_bytes() for p in drafts.iterdir()} == before
    assert _temporaries(case) == []


def test_export_templates_on_a_full_disk_leaves_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill_disk(monkeypatch)
    with pytest.raises(OutputError):
        export_templates(tmp_path / "tpl")
    monkeypatch.undo()
    assert _temporaries(tmp_path) == []


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_drafts_and_a_new_case_are_private(tmp_path: Path) -> None:
    case = tmp_path / "new" / "case"
    assert runner.invoke(app, ["init", str(case), "--kind", "ime"]).exit_code == 0
    assert _mode(case / "case.yaml") == 0o600
    assert _mode(case) == 0o700 and _mode(case / "records") == 0o700 and _mode(tmp_path / "new") == 0o700
    sample, index = _case(tmp_path)
    out = tmp_path / "out" / "drafts"
    draft_case(sample, DraftOptions(index=index, out=out))
    assert _mode(out) == 0o700 and _mode(out.parent) == 0o700
    assert {p.name: _mode(p) for p in out.iterdir()} == {p.name: 0o600 for p in out.iterdir()}
    given = tmp_path / "given"
    given.mkdir(mode=0o755)
    given.chmod(0o755)
    draft_case(sample, DraftOptions(index=index, out=given))
    assert _mode(given) == 0o755  # a folder the user gave is never chmod'ed
    assert all(_mode(p) == 0o600 for p in given.iterdir())

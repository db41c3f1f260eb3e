"""Shared fixtures. The text cache goes to a temporary folder, never the user's home."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CORPUS_COPIES = DATA / "corpus"
SAMPLE_CASE = ROOT / "samples" / "ime-case"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    old = os.environ.get("REPORTKIT_CACHE_DIR")
    os.environ["REPORTKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("REPORTKIT_CACHE_DIR", None)
    else:
        os.environ["REPORTKIT_CACHE_DIR"] = old


@pytest.fixture
def corpus() -> Path:
    """The shared real-world corpus; tests using it skip on a fresh clone without ../shared."""
    if not (SHARED_CORPUS / "pdf").is_dir():
        pytest.skip("needs ../shared/corpus (real-world PDFs), absent here")
    return SHARED_CORPUS


def copy_of(name: str, tmp_path: Path) -> Path:
    """A writable copy of a test PDF (tests never touch the originals)."""
    target = tmp_path / name
    target.write_bytes((CORPUS_COPIES / name).read_bytes())
    return target


def office_pdf(document: Path, tmp_path: Path) -> Path:
    """``document`` converted to PDF by LibreOffice headless (a profile of its own under ``tmp_path``): proof that
    an office suite opens it. Skips when LibreOffice is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui); .ci/run installs it")
    out = tmp_path / "pdf"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf", "--outdir",
         str(out), str(document)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out / (document.stem + ".pdf")


def fake_tesseract(tmp_path: Path, body: str) -> dict[str, str]:
    """The environment for a ``tesseract`` that says it is 5.3.0 with English and runs the shell ``body`` for a
    page (``REPORTKIT_TESSERACT`` names it, so the command, never the library, is used)."""
    script = tmp_path / "tesseract"
    script.write_text(
        "#!/bin/sh\n"
        'case "$1" in --version) echo "tesseract 5.3.0";; --list-langs) printf "List of languages\\neng\\nosd\\n";; '
        f"*) {body};; esac\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"REPORTKIT_TESSERACT": str(script)}

"""Faults from outside: signals to the command, kills at every step that publishes outputs. After each, a
re-run succeeds and no half state is visible."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle that takes the indexer a few seconds (long enough to be stopped while its workers read)."""
    path = tmp_path_factory.mktemp("big") / "bundle.pdf"
    subprocess.run(
        [sys.executable, str(ROOT / "samples" / "generate.py"), "--bench-pages", "3000", "--out", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def _index(bundle: Path, out: Path, cache: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "reportkit", "index", str(bundle), "--out", str(out), "--cache-dir", str(cache)]
    return subprocess.Popen(
        [*command, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=out.parent
    )


def _workers_of(process: subprocess.Popen[str], timeout: float = 30) -> list[int]:
    """The command's worker processes, once it has started them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        if workers:
            time.sleep(0.3)  # while they read
            return _children(process.pid)
        time.sleep(0.02)
    raise AssertionError("the command started no workers")


def _gone(pids: list[int], timeout: float = 10) -> Iterator[int]:
    deadline = time.monotonic() + timeout
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    for p in pids:
        if _alive(p):
            os.kill(p, signal.SIGKILL)
            yield p


def _stopped(big: Path, tmp_path: Path, sig: signal.Signals) -> tuple[int, str, list[int]]:
    """Start an index of the big bundle, send ``sig`` while its workers read: (exit code, stderr, workers that
    outlived it)."""
    run = _index(big, tmp_path / "out", tmp_path / "cache", "--no-cache")
    workers = _workers_of(run)
    run.send_signal(sig)
    _, stderr = run.communicate(timeout=60)
    return run.returncode, stderr, list(_gone(workers))


@LINUX
def test_sigterm_stops_an_index_like_ctrl_c(big: Path, tmp_path: Path) -> None:
    """A scheduler's ``kill``: workers stopped, nothing written, exit 143, a message, no traceback."""
    code, stderr, left = _stopped(big, tmp_path, signal.SIGTERM)
    assert code == 143, stderr
    assert "stopped (SIGTERM)" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert not left, "workers outlived the command"


@LINUX
def test_kill_9_of_an_index_takes_its_workers_with_it(big: Path, tmp_path: Path) -> None:
    assert not _stopped(big, tmp_path, signal.SIGKILL)[2], "workers outlived the command"


@LINUX
def test_a_second_index_into_a_folder_being_written_exits_5_and_mixes_nothing(big: Path, tmp_path: Path) -> None:
    """Two ``index --force`` runs into one folder (issue 15, item 2): the second one refuses, naming the first."""
    import json

    out = tmp_path / "out"
    small = ROOT / "samples" / "ime-case" / "records"
    first = _index(big, out, tmp_path / "cache", "--no-cache", "--force")
    _workers_of(first)
    second = subprocess.run(
        [sys.executable, "-m", "reportkit", "index", str(small), "--out", str(out), "--force", "--no-cache"],
        capture_output=True,
        text=True,
    )
    _, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    assert second.returncode == 5, second.stderr
    assert f"another reportkit run (process {first.pid})" in second.stderr
    sources = json.loads((out / "index.json").read_text())["sources"]
    assert [s["page_count"] for s in sources] == [3021]
    assert not (out / ".reportkit.lock").exists()


def test_an_index_that_fails_leaves_no_output_folder(tmp_path: Path) -> None:
    from reportkit import IndexOptions, index_bundle
    from reportkit.errors import InputError

    with pytest.raises(InputError):
        index_bundle([tmp_path / "missing.pdf"], tmp_path / "new" / "out", IndexOptions(use_cache=False))
    assert not (tmp_path / "new" / "out").exists()


def test_a_cache_entry_cut_off_by_a_full_disk_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC while a cache entry is written (issue 15, item 13): no ``.tmp`` stays, the entry is not there,
    and the run goes on (a cache that cannot be written only costs time)."""
    import errno

    from reportkit.ingest import cache as cache_module
    from reportkit.ingest.pdf import FileInfo

    class Full:
        def __init__(self, fd: int, *args: object) -> None:
            self.fd = fd

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            os.close(self.fd)

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_module.os, "fdopen", Full)
    pages = cache_module.PageCache(tmp_path / "cache")
    pages.put("ab" * 32, FileInfo(1, "pdfium", None, ()), ["text"])
    results = cache_module.ResultCache(tmp_path / "cache")  # written straight to its file, as the text is
    results.put("cd" * 32, {"index.json": b"{}\n", "index.md": b"# Record index\n"}, None)
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert pages.get("ab" * 32) is None
    assert results.get("cd" * 32, lambda: "") is None

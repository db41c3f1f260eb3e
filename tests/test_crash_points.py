"""A power cut at every rename (issue 15): `index`, `draft`, `packet` and `batch` run as real processes and
are killed (SIGKILL of the whole process group, workers included) just before their Nth rename, for every N.
After each kill, no half state is visible to a reader, and a plain re-run succeeds with the outputs of a run
that was never stopped; a packet's Bates numbers are never given to two ranges.

The kill comes from tests/faultinject/sitecustomize.py, loaded by every Python process of the run.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import SAMPLE_CASE
from draft_helpers import progress_note
from reportkit import load_index
from reportkit.errors import ReportkitError
from reportkit.publish import MARKER

HOOK = Path(__file__).parent / "faultinject"
OUTPUTS = ("index.json", "index.csv", "index.md", "index.docx", "search.sqlite")


def run(args: list[str], root: Path, kill_at: int = 0) -> tuple[int, int]:
    """(exit status, renames made) of ``reportkit ARGS`` killed before rename ``kill_at`` (0: never)."""
    counter = root / "renames"
    counter.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HOOK), os.environ.get("PYTHONPATH")])),
        "REPORTKIT_KILL_COUNTER": str(counter),
        "REPORTKIT_KILL_AT": str(kill_at),
        "REPORTKIT_CACHE_DIR": str(root / "cache"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "reportkit", *args], env=env, cwd=root, capture_output=True, start_new_session=True
    )
    count = counter.stat().st_size if counter.exists() else 0
    return done.returncode, count


def fresh(root: Path) -> Path:
    """A working folder holding a copy of the sample case (records, case.yaml) and nothing else."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    case = root / "case"
    shutil.copytree(SAMPLE_CASE, case, ignore=shutil.ignore_patterns("index", "drafts", "*.json", ".*"))
    return case


def every_crash(
    tmp_path: Path,
    args: list[str],
    check_after_kill: Callable[[Path], None],
    check_after_rerun: Callable[[Path], None],
    prepare: Callable[[Path], object] = fresh,
) -> int:
    """Run once to count the renames, then kill before each of them; returns how many crash points were tried."""
    root = tmp_path / "clean"
    prepare(root)
    status, total = run(args, root)
    assert status == 0 and total > 0
    for n in range(1, total + 1):
        root = tmp_path / f"kill-{n}"
        prepare(root)
        status, _ = run(args, root, kill_at=n)
        assert status == -9, f"rename {n} of {total}: the run was not killed (exit {status})"
        check_after_kill(root)
        status, _ = run(args, root)
        assert status == 0, f"killed before rename {n} of {total}: the re-run failed (exit {status})"
        check_after_rerun(root)
        shutil.rmtree(root)
    return total


def same_outputs(folder: Path, reference: Path) -> None:
    for name in OUTPUTS:
        assert (folder / name).read_bytes() == (reference / name).read_bytes(), name
    left = [p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name in (MARKER, ".reportkit.lock")]
    assert not left, left


def whole_or_refused(folder: Path, reference: Path) -> None:
    """What a reader sees of an index folder: nothing, the finished index, or a refusal naming the folder."""
    if not (folder / "index.json").exists():
        return
    try:
        index = load_index(folder)
    except ReportkitError as exc:
        assert "stopped before it finished" in exc.message and str(folder) in exc.message
        return
    assert index == load_index(reference)
    assert all((folder / name).read_bytes() == (reference / name).read_bytes() for name in OUTPUTS)


def test_index_killed_at_every_rename(tmp_path: Path) -> None:
    args = ["index", "case/records", "--out", "out", "--quiet"]
    ref = tmp_path / "clean" / "out"

    def rerun_ok(root: Path) -> None:
        same_outputs(root / "out", ref)

    tried = every_crash(tmp_path, args, lambda root: whole_or_refused(root / "out", ref), rerun_ok)
    assert tried >= 8  # the cache's entries and the six outputs


def test_draft_killed_at_every_rename(tmp_path: Path) -> None:
    """The re-run is the same command, without --force: what a stopped draft left is never taken for a hand
    edit (it used to say "changed since reportkit wrote it (edited by hand?)")."""
    args = ["draft", "case", "--quiet"]
    ref = tmp_path / "clean" / "case"

    def after_kill(root: Path) -> None:
        whole_or_refused(root / "case" / "index", ref / "index")

    def rerun_ok(root: Path) -> None:
        same_outputs(root / "case" / "index", ref / "index")
        for draft in (ref / "drafts").iterdir():
            assert (root / "case" / "drafts" / draft.name).read_bytes() == draft.read_bytes(), draft.name
        assert not (root / "case" / "drafts" / MARKER).exists()

    every_crash(tmp_path, args, after_kill, rerun_ok)


def _ranges(case: Path) -> list[tuple[int, int, str]]:
    data = json.loads((case / "bates-ledger.json").read_text())
    entries = data["issued"] if isinstance(data, dict) else data
    return sorted((int(e["first"]), int(e["last"]), str(e.get("state", "issued"))) for e in entries)


def test_packet_killed_at_every_rename(tmp_path: Path) -> None:
    """After each kill: the packet folder is absent or verifies; the re-run (--force, as a packet that exists
    needs) verifies, holds the numbers of an unstopped run, and no two ledger ranges share a number."""
    args = ["packet", "case", "--out", "packet", "--force", "--quiet"]
    ref = tmp_path / "clean"

    def after_kill(root: Path) -> None:
        if (root / "packet").exists():
            assert run(["verify", "packet"], root)[0] == 0

    def rerun_ok(root: Path) -> None:
        assert run(["verify", "packet"], root)[0] == 0
        assert (root / "packet" / "bates_map.json").read_bytes() == (ref / "packet" / "bates_map.json").read_bytes()
        ranges = _ranges(root / "case")
        assert all(a[1] < b[0] for a, b in itertools.pairwise(ranges)), ranges
        assert not [p.name for p in root.iterdir() if p.name.startswith(".packet.")]  # killed runs' work folders

    every_crash(tmp_path, args, after_kill, rerun_ok)


def test_batch_killed_at_every_rename(tmp_path: Path) -> None:
    """Two cases in parallel workers: after each kill and a plain re-run, both cases hold the index of an
    unstopped run and no work folder is left."""
    args = ["batch", "cases", "--out", "out", "--jobs", "2", "--quiet"]

    def setup(root: Path) -> None:
        (root / "cases").mkdir()
        shutil.move(root / "case", root / "cases" / "a")
        (root / "cases" / "b").mkdir()
        # files of its own: two workers writing the same cache entries would race, and the count of renames
        # (the crash points) would change from run to run
        progress_note(root / "cases" / "b" / "01-note.pdf", "09/17/2024")
        progress_note(root / "cases" / "b" / "02-note.pdf", "10/01/2024")

    ref = tmp_path / "clean" / "out"

    def after_kill(root: Path) -> None:
        for case in ("a", "b"):
            whole_or_refused(root / "out" / case / "index", ref / case / "index")

    def rerun_ok(root: Path) -> None:
        for case in ("a", "b"):
            same_outputs(root / "out" / case / "index", ref / case / "index")
        assert not list((root / "out" / ".work").iterdir()) if (root / "out" / ".work").exists() else True

    def cases(root: Path) -> None:
        fresh(root)
        setup(root)

    every_crash(tmp_path, args, after_kill, rerun_ok, cases)

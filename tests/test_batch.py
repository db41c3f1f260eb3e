"""`reportkit batch`: many cases at once, failures isolated, resumable, killed workers leave nothing half-done."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from conftest import CORPUS_COPIES, ROOT
from reportkit.batch import BatchSettings, CaseSpec, find_cases, parse_steps, run_batch
from reportkit.batch.task import TEST_HOOK, inputs_sha256
from reportkit.cli import app
from reportkit.draft import wordparts
from reportkit.errors import UsageError

IME = ROOT / "samples" / "ime-case"
SECOND = ROOT / "samples" / "second-opinion-case"


def _case(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True)
    shutil.copy2(src / "case.yaml", dst / "case.yaml")
    shutil.copytree(src / "records", dst / "records")
    return dst


def _opinion_and_bundle(root: Path) -> Path:
    """A second-opinion case and a bare bundle of one consult."""
    _case(SECOND, root / "opinion")
    (root / "bundle").mkdir()
    shutil.copy2(SECOND / "records" / "02-cedar-valley-orthopaedics-consult.pdf", root / "bundle" / "consult.pdf")
    return root


def _bad_root(root: Path) -> Path:
    """Good cases (IME, second opinion, a bare bundle), a mixed case, and three broken ones."""
    _case(IME, root / "ime")
    _case(SECOND, root / "opinion")
    (root / "bundle").mkdir()
    shutil.copy2(SECOND / "records" / "01-sound-imaging-mri-right-knee.pdf", root / "bundle" / "mri.pdf")
    corrupt = _case(SECOND, root / "corrupt")
    shutil.rmtree(corrupt / "records")
    (corrupt / "records").mkdir()
    shutil.copy2(CORPUS_COPIES / "invalid.pdf", corrupt / "records" / "scan.pdf")
    mixed = _case(SECOND, root / "mixed")
    shutil.copy2(CORPUS_COPIES / "invalid.pdf", mixed / "records" / "zz-broken.pdf")
    locked = _case(SECOND, root / "locked")
    shutil.rmtree(locked / "records")
    (locked / "records").mkdir()
    shutil.copy2(CORPUS_COPIES / "r6-user-password.pdf", locked / "records" / "secret.pdf")
    badyaml = _case(SECOND, root / "badyaml")
    (badyaml / "case.yaml").write_text("kind: second-opinion\npatient: [unclosed\n", encoding="utf-8")
    return root


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    } | {p.relative_to(folder).as_posix() + "/": "" for p in folder.rglob("*") if p.is_dir()}


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reportkit", "batch", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def _summary(out: Path) -> dict[str, dict[str, object]]:
    data = json.loads((out / "batch-summary.json").read_text())
    return {c["case"]: c for c in data["cases"]}


def _actions(out: Path) -> list[str]:
    return [c["action"] for c in json.loads((out / "batch-run.json").read_text())["cases"]]


def test_good_cases_finish_bad_ones_are_listed_and_a_rerun_does_nothing(tmp_path: Path) -> None:
    root = _bad_root(tmp_path / "cases")
    out = tmp_path / "out"
    before = _snapshot(root)

    first = _cli(str(root), "--out", str(out), "--jobs", "2")

    assert first.returncode == 6, first.stderr
    cases = _summary(out)
    assert sorted(cases) == ["badyaml", "bundle", "corrupt", "ime", "locked", "mixed", "opinion"]
    assert {n: c["status"] for n, c in cases.items()} == {
        "badyaml": "failed",
        "bundle": "done",
        "corrupt": "failed",
        "ime": "done",
        "locked": "failed",
        "mixed": "partial",
        "opinion": "done",
    }
    assert cases["ime"]["pages"] == 57 and cases["opinion"]["pages"] == 3 and cases["bundle"]["pages"] == 1
    assert cases["bundle"]["kind"] == "bundle"
    # made private, as docs/privacy.md says: the folders 0700, the files that name records 0600
    import stat

    modes = {
        p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode)
        for p in (out, out / "ime", out / ".work", out / "ime" / "batch-state.json", out / "batch-summary.json")
    }
    assert modes == {".": 0o700, "ime": 0o700, ".work": 0o700, "ime/batch-state.json": 0o600,
                     "batch-summary.json": 0o600}, modes  # fmt: skip
    # each case's next deadline (the sample's report_due) with days left as of the run's day; none for a bundle
    as_of = dt.date.fromisoformat(json.loads((out / "batch-summary.json").read_text())["as_of"])
    assert cases["ime"]["next_due"] == {"date": "2024-12-12", "what": "Report due (requesting party's date)",
                                        "days_left": (dt.date(2024, 12, 12) - as_of).days}  # fmt: skip
    assert cases["bundle"]["next_due"] is None and cases["badyaml"]["next_due"] is None
    assert "damaged" in str(cases["corrupt"]["problems"]) and "records/scan.pdf" in str(cases["corrupt"]["problems"])
    assert "encrypted" in str(cases["locked"]["problems"]) and "--password-file" in str(cases["locked"]["problems"])
    assert "case.yaml" in str(cases["badyaml"]["problems"]) and "line" in str(cases["badyaml"]["problems"])
    assert cases["badyaml"]["steps"] == []  # a broken case.yaml stops the case before any work
    assert "zz-broken.pdf" in str(cases["mixed"]["problems"]) and cases["mixed"]["pages"] == 3
    assert str(tmp_path) not in (out / "batch-summary.json").read_text()  # paths relative to ROOT
    # outputs: each good case's index in OUT/<case>/index; nothing in the case folders, nothing half-done
    assert json.loads((out / "ime" / "index" / "index.json").read_text())["page_count"] == 57
    assert (out / "mixed" / "index" / "index.md").is_file()
    assert not (out / "corrupt" / "index").exists()
    assert _snapshot(root) == before
    assert not any((out / ".work").iterdir())
    # progress: one line per case on stderr (not a terminal: no escape codes); the table on stdout
    assert sum(1 for line in first.stderr.splitlines() if line.startswith("[")) == 7
    assert "\x1b[" not in first.stderr + first.stdout
    assert first.stdout.splitlines()[0].split() == ["case", "status", "pages", "documents", "seconds", "problems"]
    with (out / "batch-summary.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["case"], r["status"]) for r in rows] == sorted((n, str(c["status"])) for n, c in cases.items())
    run = (out / "batch-run.json").read_text()
    assert "ime" not in run.replace("time", "") and "opinion" not in run  # the run record names inputs by hash
    assert _actions(out) == ["ran"] * 7

    summary = (out / "batch-summary.json").read_bytes()
    state = (out / "ime" / "batch-state.json").stat()
    second = _cli(str(root), "--out", str(out))
    assert second.returncode == 6
    assert _actions(out) == ["unchanged"] * 7
    assert (out / "batch-summary.json").read_bytes() == summary  # same inputs, byte-identical summary
    assert (out / "ime" / "batch-state.json").stat().st_ino == state.st_ino  # not rewritten

    with (root / "opinion" / "case.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n# reviewed again\n")
    third = _cli(str(root), "--out", str(out))
    assert third.returncode == 6
    ran = {c["inputs_sha256"] for c in json.loads((out / "batch-run.json").read_text())["cases"]
           if c["action"] == "ran"}  # fmt: skip
    assert ran == {inputs_sha256(CaseSpec("opinion", root / "opinion", "case"))}
    assert (out / "ime" / "batch-state.json").stat().st_ino == state.st_ino


def test_draft_and_packet_write_only_under_out(tmp_path: Path) -> None:
    root = tmp_path / "cases"
    _case(SECOND, root / "opinion")
    before = _snapshot(root)
    out = tmp_path / "out"

    result = run_batch(root, out, BatchSettings(steps=parse_steps("packet,draft")), jobs=1)

    assert result.exit_code == 0, result.outcomes
    assert result.outcomes[0].steps == ("index", "draft", "packet")
    letter = out / "opinion" / "drafts" / "second-opinion-letter.docx"
    text = "\n".join(p.text for p in wordparts.paragraphs(docx.Document(str(letter))))
    assert "Dear Ms. Estrada" in text and "I read 3 records" in text and "p. 2." in text
    manifest = json.loads((out / "opinion" / "packet" / "manifest.json").read_text())
    assert manifest["settings"]["start"] == 1
    assert (out / "opinion" / "packet" / "packet.pdf").read_bytes().startswith(b"%PDF")
    assert _snapshot(root) == before  # no index/, drafts/ or Bates ledger in the case folder


def test_a_killed_worker_leaves_no_partial_case_and_the_case_is_retried(tmp_path: Path) -> None:
    root = _opinion_and_bundle(tmp_path / "cases")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportkit", "batch", str(root), "--out", str(out), "--jobs", "2"],
        env={**os.environ, TEST_HOOK: "opinion:60"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    marker: list[Path] = []
    while not marker and time.monotonic() < deadline:
        marker = list((out / ".work").glob("*/partial.txt")) if (out / ".work").is_dir() else []
        time.sleep(0.1)
    assert marker, "the case never started"
    os.kill(int(marker[0].read_text()), signal.SIGKILL)
    _, stderr = proc.communicate(timeout=120)

    assert proc.returncode == 6, stderr
    cases = _summary(out)
    assert cases["opinion"]["status"] == "failed" and "died" in str(cases["opinion"]["problems"])
    assert cases["bundle"]["status"] == "done"
    assert not (out / "opinion").exists()  # nothing half-written
    assert not any((out / ".work").iterdir())

    again = _cli(str(root), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert _summary(out)["opinion"]["status"] == "done"
    assert sorted(_actions(out)) == ["ran", "unchanged"]


def test_a_case_over_its_time_limit_is_stopped_and_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "cases"
    _case(SECOND, root / "opinion")
    out = tmp_path / "out"
    monkeypatch.setenv(TEST_HOOK, "opinion:30")
    clock = time.monotonic()
    result = run_batch(root, out, BatchSettings(case_timeout=2), jobs=1)
    assert time.monotonic() - clock < 25
    assert result.exit_code == 6
    assert "stopped after 2 s" in result.outcomes[0].problems[0] and result.outcomes[0].seconds == 2
    assert not (out / "opinion").exists()
    monkeypatch.delenv(TEST_HOOK)
    assert run_batch(root, out, BatchSettings(case_timeout=60), jobs=1).outcomes[0].status == "done"


def test_usage_and_output_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    root = tmp_path / "cases"
    _case(SECOND, root / "opinion")
    assert runner.invoke(app, ["batch", str(root / "opinion"), "--out", str(tmp_path / "o")]).exit_code == 2
    assert runner.invoke(app, ["batch", str(root), "--out", str(root / "out")]).exit_code == 2
    assert runner.invoke(app, ["batch", str(root), "--out", str(tmp_path / "o"), "--steps", "zip"]).exit_code == 2
    assert runner.invoke(app, ["batch", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]).exit_code == 3
    # an option checked only as the run starts is still said before any case runs, as a usage error
    for wrong, said in ((["--steps", "index,draft", "--format", "docx,foo"], "not a draft format: foo"),
                        (["--today", "2024-13-01"], "is not a date")):  # fmt: skip
        result = runner.invoke(app, ["batch", str(root), "--out", str(tmp_path / "o"), *wrong])
        assert result.exit_code == 2 and said in " ".join(result.output.split()), result.output
    # a case folder named like the batch's own files would clash with them: said before any work
    (root / "batch-summary.json").mkdir()
    result = runner.invoke(app, ["batch", str(root), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "may not be named batch-summary.json" in " ".join(result.output.split())
    (root / "batch-summary.json").rmdir()
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["batch", str(root), "--out", str(busy)])
    assert result.exit_code == 5 and "not a batch output folder" in result.output
    assert (busy / "notes.txt").read_text() == "mine"
    assert not (tmp_path / "o").exists()


def test_steps_and_case_discovery(tmp_path: Path) -> None:
    assert parse_steps("packet") == ("index", "packet")
    assert parse_steps(" draft , index ") == ("index", "draft")
    with pytest.raises(UsageError):
        parse_steps("index,ocr")
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "records").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "loose.pdf").write_bytes(b"%PDF-1.4")
    assert [(c.name, c.kind) for c in find_cases(tmp_path)] == [("a", "case"), ("b", "bundle")]


def test_settings_that_change_outputs_change_the_fingerprint() -> None:
    base = BatchSettings()
    assert base.fingerprint() == BatchSettings(case_timeout=5, max_memory_mb=1024, use_cache=False).fingerprint()
    assert base.fingerprint() != BatchSettings(steps=("index", "draft")).fingerprint()
    assert base.fingerprint() != BatchSettings(passwords=("x",)).fingerprint()
    assert base.fingerprint() != BatchSettings(ocr="never").fingerprint()


_ON_DASK = """
import json, sys
from pathlib import Path
import dask, distributed
from reportkit.batch import BatchSettings, run_batch
# the per-case task starts PDF reader processes: dask's worker processes must not be daemonic
with (
    dask.config.set({"distributed.worker.daemon": False}),
    distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster,
):
    result = run_batch(Path(sys.argv[1]), Path(sys.argv[2]), BatchSettings(), executor="dask",
                       scheduler=cluster.scheduler_address)
print(json.dumps([result.exit_code, [[o.name, o.status, list(o.problems)] for o in result.outcomes]]))
"""


@pytest.mark.slow
def test_dask_executor_runs_the_same_cases(tmp_path: Path) -> None:
    """In a process of its own: dask leaves threads running in the process that used it (which would keep
    the worker pools of later tests from forking)."""
    pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install .[dask])")
    root = _opinion_and_bundle(tmp_path / "cases")
    corrupt = root / "corrupt"
    corrupt.mkdir()
    shutil.copy2(CORPUS_COPIES / "invalid.pdf", corrupt / "scan.pdf")
    out = tmp_path / "out"
    ran = subprocess.run([sys.executable, "-c", _ON_DASK, str(root), str(out)], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr[-3000:]
    exit_code, outcomes = json.loads(ran.stdout.strip().splitlines()[-1])
    assert exit_code == 6
    assert {name: status for name, status, _ in outcomes} == {"bundle": "done", "corrupt": "failed", "opinion": "done"}
    assert "damaged" in outcomes[1][2][0]
    assert json.loads((out / "opinion" / "index" / "index.json").read_text())["page_count"] == 3
    local = run_batch(root, out, BatchSettings(), jobs=1)  # the local executor sees the dask results as its own
    assert local.ran == frozenset()


def test_ctrl_c_keeps_finished_cases_and_leaves_no_partial_one(tmp_path: Path) -> None:
    root = _opinion_and_bundle(tmp_path / "cases")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportkit", "batch", str(root), "--out", str(out), "--jobs", "2"],
        env={**os.environ, TEST_HOOK: "opinion:60"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
        (out / ".work").is_dir() and list((out / ".work").glob("*/partial.txt")) and (out / "bundle").is_dir()
    ):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert (out / "bundle" / "batch-state.json").is_file()
    assert not (out / "opinion").exists()
    assert not any((out / ".work").iterdir())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE stands in for a full disk")
def test_a_case_that_failed_for_want_of_space_runs_again_once_there_is_space(tmp_path: Path) -> None:
    """A failure of the environment, not of the input (issue 15, item 4): not remembered as failed."""
    import resource

    def small_files() -> None:  # files over 6 kB cannot be written (EFBIG), as on a disk that fills up
        resource.setrlimit(resource.RLIMIT_FSIZE, (6000, 6000))

    root, out = tmp_path / "cases", tmp_path / "out"
    _case(SECOND, root / "opinion")
    command = [sys.executable, "-m", "reportkit", "batch", str(root), "--out", str(out), "--no-cache"]
    full = subprocess.run(command, capture_output=True, text=True, preexec_fn=small_files)
    assert full.returncode == 6 and _summary(out)["opinion"]["status"] == "failed", full.stderr
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert _actions(out) == ["ran"] and _summary(out)["opinion"]["status"] == "done"


def test_a_case_with_a_record_cut_short_is_partial_and_gets_no_packet(tmp_path: Path) -> None:
    case = _case(IME, tmp_path / "cases" / "cut")
    record = case / "records" / "02-st-brendan-regional-medical-center.pdf"  # cut: its last 10 pages read blank
    record.write_bytes(record.read_bytes()[: record.stat().st_size // 2])
    out = tmp_path / "out"
    done = _cli(str(tmp_path / "cases"), "--out", str(out), "--jobs", "1", "--steps", "index,draft,packet")
    assert done.returncode == 6, done.stderr
    (cut,) = _summary(out).values()
    problems = " ".join(map(str, cut["problems"]))
    assert cut["status"] == "partial" and "read in part: " in problems and "was damaged (cut short?)" in problems
    assert "packet not built: a packet must hold every record, whole" in problems

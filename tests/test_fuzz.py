"""Fuzzing: mutated PDFs (tests/fuzzing.py) are read or skipped cleanly, never crash a run or leak bytes.

Every case goes through the reading stage in worker processes (``read_bundle`` on one shared pool, as the
index does); every 5th also through ``index_bundle`` (outputs complete or absent); every 10th also through the
real command line, a third of those with OCR of the pages without text. A failure names the seed and case
number: ``REPORTKIT_FUZZ_SEED=S REPORTKIT_FUZZ_ONLY=N`` runs case N of seed S alone; ``REPORTKIT_FUZZ_CASES=3000``
runs more cases.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from fuzzing import MARKER, PASSWORD, RECORD_WORDS, Case, make_case, marked_pdf, seeds
from reportkit.api import IndexOptions, index_bundle
from reportkit.errors import EncryptedError, ExitCode, InputError
from reportkit.index.export import OUTPUT_NAMES
from reportkit.ingest.bundle import read_bundle
from reportkit.workers import Limits, WorkerPool

SEED = int(os.environ.get("REPORTKIT_FUZZ_SEED", "15"))
CASES = int(os.environ.get("REPORTKIT_FUZZ_CASES", "300"))
ONLY = os.environ.get("REPORTKIT_FUZZ_ONLY")
API_EVERY, CLI_EVERY, OCR_EVERY = 5, 10, 30
PROBLEMS = {"not_pdf", "empty", "damaged", "encrypted", "wrong_password", "timeout", "memory", "crashed"}
INDEX_EXITS = {ExitCode.OK, ExitCode.INPUT, ExitCode.ENCRYPTED, ExitCode.OUTPUT, ExitCode.PARTIAL}
ALL_OUTPUTS = (*OUTPUT_NAMES, "search.sqlite", "run.json")
CLI_PREFIXES = ("skipped: ", "error: ", "warning: ", "note: ", "  ")
"""How every line reportkit writes to stderr with --quiet starts (``  `` continues a list of files)."""
LIMITS = Limits(timeout=30, memory_mb=1024)
SRC = Path(__file__).resolve().parent.parent / "src"


def numbers(every: int = 1) -> list[int]:
    if ONLY is not None:
        return [int(ONLY)] if int(ONLY) % every == 0 else []
    return list(range(0, CASES, every))


def cases(every: int = 1) -> Iterator[Case]:
    originals = seeds()
    for number in numbers(every):
        yield make_case(SEED, number, originals)


def passwords(case: Case) -> tuple[str, ...]:
    return (PASSWORD,) if case.number % 2 else ()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leaks(text: str) -> list[str]:
    """Record text or planted file bytes found in a message."""
    return [word for word in (MARKER, *RECORD_WORDS) if word in text]


def report(failures: list[str]) -> str:
    """The failed cases, the first of each kind of failure first (a long run finds many alike)."""
    kinds: dict[str, str] = {}
    for failure in failures:
        kinds.setdefault(re.sub(r"[0-9]+", "N", failure.split("REPORTKIT_FUZZ_ONLY=")[-1]), failure)
    shown = [*kinds.values(), *(f for f in failures if f not in kinds.values())]
    return f"{len(failures)} case(s) failed, {len(kinds)} kind(s) of failure:\n" + "\n".join(shown[:40])


def read_problems(path: Path, case: Case, pool: WorkerPool) -> list[str]:
    """What is wrong with reading one mutated file on the pool (empty: nothing)."""
    try:
        bundle = read_bundle([path], passwords=passwords(case), pool=pool, ocr_mode="never")
    except Exception as exc:
        return [f"read_bundle raised {type(exc).__name__}"]
    wrong = []
    if len(bundle.sources) + len(bundle.skipped) != 1:
        wrong.append(f"{len(bundle.sources)} sources and {len(bundle.skipped)} skipped for one file")
    for skipped in bundle.skipped:
        if skipped.problem not in PROBLEMS or not skipped.reason.startswith(path.name):
            wrong.append(f"skipped as {skipped.problem!r}: {skipped.reason!r}")
        wrong.extend(f"reason quotes {word!r}" for word in leaks(skipped.reason))
    for source in bundle.sources:
        if source.page_count < 1 or len(bundle.texts) != source.page_count:
            wrong.append(f"{source.page_count} pages but {len(bundle.texts)} texts")
    return wrong


@contextmanager
def as_on_the_command_line() -> Iterator[None]:
    """No logging handlers (pytest's would catch what the libraries log) and warnings shown, not raised
    (pytest's filter), as in a ``reportkit`` process: what would reach its stderr reaches forked workers'."""
    root = logging.getLogger()
    handlers = root.handlers[:]
    root.handlers.clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            yield
    finally:
        root.handlers[:] = handlers


def test_mutated_pdfs_are_read_or_skipped_cleanly(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    failures = []
    preload = ("pypdfium2", "reportkit.ingest.bundle")
    # the workers (forked again after a crash or a timeout) write to the captured stderr
    with as_on_the_command_line(), WorkerPool(2, LIMITS, preload=preload, fork=True) as pool:
        for case in cases():
            path = tmp_path / case.name
            path.write_bytes(case.data)
            wrong = read_problems(path, case, pool)
            err = capfd.readouterr().err
            if err:
                wrong.append(f"stderr: {err[:300]!r}")
            if sha(path) != hashlib.sha256(case.data).hexdigest():
                wrong.append("the input was changed")
            if wrong:
                failures.append(f"{case.describe(SEED)}: {'; '.join(wrong)}")
            path.unlink()
    assert not failures, report(failures)


def index_problems(case: Case, tmp_path: Path) -> list[str]:
    """Index one mutated file (every other case beside an intact one) through the library API."""
    path = tmp_path / case.name
    path.write_bytes(case.data)
    companion = case.number % (2 * API_EVERY) == 0
    inputs = [path]
    if companion:
        inputs.append(tmp_path / "intact.pdf")
        inputs[1].write_bytes(marked_pdf())
    out = tmp_path / f"out-{case.number}"
    options = IndexOptions(passwords=passwords(case), jobs=1, ocr="never", use_cache=False, file_timeout=30)
    try:
        result = index_bundle(inputs, out, options)
    except (InputError, EncryptedError) as exc:
        wrong = [f"nothing indexed beside an intact file: {exc.message!r}"] if companion else []
        if out.exists() and any(out.iterdir()):
            wrong.append(f"outputs left after {type(exc).__name__}: {sorted(p.name for p in out.iterdir())}")
        return wrong + [f"message quotes {word!r}" for word in leaks(exc.message)]
    except Exception as exc:
        return [f"index_bundle raised {type(exc).__name__}"]
    wrong = []
    if sorted(p.name for p in out.iterdir()) != sorted(ALL_OUTPUTS):
        wrong.append(f"outputs: {sorted(p.name for p in out.iterdir())}")
    repaired = [part.reason for part in result.summary.read_in_part]  # read in part
    if result.exit_code != (ExitCode.PARTIAL if result.skipped or repaired else ExitCode.OK):
        wrong.append(f"exit code {result.exit_code} with {len(result.skipped)} skipped")
    wrong.extend(f"warning quotes {word!r}" for w in repaired for word in leaks(w))
    if sha(path) != hashlib.sha256(case.data).hexdigest():
        wrong.append("the input was changed")
    return wrong


def test_mutated_pdfs_index_completely_or_not_at_all(tmp_path: Path) -> None:
    failures = []
    for case in cases(API_EVERY):
        wrong = index_problems(case, tmp_path)
        if wrong:
            failures.append(f"{case.describe(SEED)}: {'; '.join(wrong)}")
    assert not failures, report(failures)


def reportkit(args: list[str]) -> subprocess.CompletedProcess[str]:
    """The real command line, in a process of its own (its stderr is not pytest's)."""
    command = [sys.executable, "-m", "reportkit", *args]
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, errors="replace")


def foreign_lines(stderr: str) -> list[str]:
    """Lines on stderr that reportkit (run with --quiet) did not write."""
    return [line for line in stderr.splitlines() if not line.startswith(CLI_PREFIXES)]


def run_cli(case: Case, tmp_path: Path) -> list[str]:
    """Index one mutated file with the real command line; what is wrong with what it did."""
    path = tmp_path / case.name
    path.write_bytes(case.data)
    out = tmp_path / f"cli-{case.number}"
    command = ["index", str(path), "--out", str(out), "--quiet", "--no-cache"]
    command += ["--jobs", "1", "--file-timeout", "30", "--max-memory", "1024"]
    # a third of them OCR their pages without text (rendered: another way into the damaged file), cheaply
    command += ["--ocr", "auto", "--ocr-dpi", "100"] if case.number % OCR_EVERY == 0 else ["--ocr", "never"]
    if passwords(case):
        (tmp_path / "passwords.txt").write_text(f"{PASSWORD}\n")
        command += ["--password-file", str(tmp_path / "passwords.txt")]
    done = reportkit(command)
    wrong = []
    if done.returncode not in INDEX_EXITS:
        wrong.append(f"exit code {done.returncode}")
    if "Traceback" in done.stderr:
        wrong.append("a traceback on stderr")
    if strange := foreign_lines(done.stderr):
        wrong.append(f"stderr lines not from reportkit: {strange[:3]!r}")
    wrong.extend(f"stderr quotes {word!r}" for word in leaks(done.stderr + done.stdout))
    written = sorted(p.name for p in out.iterdir()) if out.exists() else []
    complete = sorted(ALL_OUTPUTS) if done.returncode in (ExitCode.OK, ExitCode.PARTIAL) else []
    if written != complete:
        wrong.append(f"exit code {done.returncode} but outputs {written}")
    if sha(path) != hashlib.sha256(case.data).hexdigest():
        wrong.append("the input was changed")
    return [f"{case.describe(SEED)}: {'; '.join(wrong)}"] if wrong else []


def test_mutated_pdfs_through_the_command_line(tmp_path: Path) -> None:
    chosen = list(cases(CLI_EVERY))
    with ThreadPoolExecutor(2) as runner:  # one process each: two at a time keep both cores busy
        failures = [f for found in runner.map(lambda c: run_cli(c, tmp_path), chosen) for f in found]
    assert not failures, report(failures)


def index_quietly(pdf: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return reportkit(["index", str(pdf), "--out", str(out), "--quiet", "--no-cache", "--ocr", "never", *extra])


def test_pdfium_messages_reach_stderr_only_with_debug(tmp_path: Path) -> None:
    pdf = tmp_path / "circular.pdf"
    pdf.write_bytes(marked_pdf(circular_outline=True))  # the outline's second entry's /Next is the first
    plain = index_quietly(pdf, tmp_path / "plain")
    assert plain.returncode == ExitCode.OK, plain.stderr
    assert plain.stderr == ""  # pypdfium2 logs "A circular bookmark reference was detected ..."
    debug = index_quietly(pdf, tmp_path / "debug", "--debug")
    assert debug.returncode == ExitCode.OK
    assert not foreign_lines(debug.stderr.replace("debug: ", "  "))
    assert any("circular bookmark reference" in line for line in debug.stderr.splitlines())


def test_pypdf_messages_reach_stderr_only_with_debug(tmp_path: Path) -> None:
    # no /Root in the trailer: pdfium refuses the file, pypdf finds the catalog itself and reads it, and logs
    # (an error) that the font's encoding, named after the marker, is not implemented
    pdf = tmp_path / "rootless.pdf"
    pdf.write_bytes(marked_pdf(root=False, encoding=f"{MARKER}Encoding"))
    plain = index_quietly(pdf, tmp_path / "plain")
    assert plain.returncode == ExitCode.OK, plain.stderr
    assert plain.stderr == ""
    assert (tmp_path / "plain" / "index.json").read_text().count('"text_source": "embedded"') == 2
    debug = index_quietly(pdf, tmp_path / "debug", "--debug")
    lines = debug.stderr.splitlines()
    assert any("Advanced encoding" in line and MARKER in line for line in lines if line.startswith("debug: "))
    assert any('Cannot find "/Root"' in line for line in lines if line.startswith("debug: "))

"""A batch run: find the cases under ROOT, skip those already done, run the others on an executor (a local
process pool with per-case time and memory limits, or a dask.distributed cluster), write the summary.

Resume rule: OUT/<case>/batch-state.json (written last, then the case folder is renamed into place) records
the SHA-256 of the case's inputs and of the settings. A case whose inputs and settings are unchanged is not
run again; its earlier result is reported. Failures that are not the input's fault (a killed worker, a time
or memory limit, a bug) leave no state, so the next run tries those cases again.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from reportkit.batch.task import (
    CASE_FILE,
    RECORDS,
    STEPS,
    WORK_DIR,
    BatchSettings,
    CaseOutcome,
    CaseSpec,
    case_key,
    inputs_sha256,
    outcome_from_state,
    read_state,
    run_case,
)
from reportkit.errors import ExitCode, InputError, OutputError, UsageError
from reportkit.version import __version__

SUMMARY_JSON = "batch-summary.json"
SUMMARY_CSV = "batch-summary.csv"
RUN_RECORD = "batch-run.json"
MARKER = ".reportkit-batch"
LOCK = ".batch.lock"
SUMMARY_SCHEMA = "reportkit/batch-summary@1"

Report = Callable[[CaseOutcome, bool, int, int], None]
"""``report(outcome, ran, finished, total)``: called once per case as it finishes (or is skipped)."""


@dataclass(frozen=True)
class BatchResult:
    outcomes: list[CaseOutcome]
    """One per case, in case-name order."""
    ran: frozenset[str]
    """Names of the cases run this time (the others were unchanged and skipped)."""
    seconds: float
    written: list[Path]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if all(o.status == "done" for o in self.outcomes) else ExitCode.PARTIAL


def parse_steps(text: str) -> tuple[str, ...]:
    """``index,draft,packet`` → the steps in run order; ``index`` is always run (the others use its index)."""
    named = [s.strip().lower() for s in text.split(",") if s.strip()]
    unknown = [s for s in named if s not in STEPS]
    if unknown or not named:
        raise UsageError(f"--steps {text!r}: unknown step(s) {', '.join(unknown) or '(none)'}.",
                         hint=f"Use a comma-separated list of {', '.join(STEPS)}.")  # fmt: skip
    return tuple(s for s in STEPS if s in named or s == "index")


def find_cases(root: Path) -> list[CaseSpec]:
    """Every folder directly under ROOT (hidden ones excepted), by name: a case folder when it holds case.yaml
    or records/, else a bare bundle (its PDFs are indexed)."""
    if not root.is_dir():
        raise InputError(f"{root}: not a folder.", hint="Give the folder that holds the case folders.")
    if (root / CASE_FILE).is_file() or (root / RECORDS).is_dir():
        raise UsageError(f"{root} is itself a case folder.",
                         hint="Give the folder that holds the case folders (or use `reportkit draft`).")  # fmt: skip
    cases = []
    for child in sorted(root.iterdir(), key=lambda p: p.name):
        if child.name.startswith(".") or not child.is_dir():
            continue
        if child.name in (SUMMARY_JSON, SUMMARY_CSV, RUN_RECORD):
            raise UsageError(
                f"{child}: a case folder may not be named {child.name} (the batch writes OUT/{child.name}).",
                hint="Rename the folder, then run again.",
            )
        is_case = (child / CASE_FILE).is_file() or (child / RECORDS).is_dir()
        cases.append(CaseSpec(child.name, child, "case" if is_case else "bundle"))
    if not cases:
        raise InputError(
            f"{root}: holds no case folders.",
            hint="Put each case (case.yaml + records/) or bundle (a folder of PDFs) in its own folder.",
        )
    return cases


def _check_out(root: Path, out: Path) -> None:
    r, o = root.resolve(), out.resolve()
    if o == r or r in o.parents or o in r.parents:
        raise UsageError(f"{out}: the output folder must be outside {root} (and not hold it).",
                         hint="Choose an --out folder of its own.")  # fmt: skip
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder.", hint="Choose another --out folder.")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise OutputError(f"{out}: the folder is not empty and is not a batch output folder.",
                          hint="Choose a new or empty --out folder (or the one an earlier batch wrote).")  # fmt: skip


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    import fcntl

    with (out / LOCK).open("a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputError(f"{out}: another batch is writing to this folder.",
                              hint="Wait for it to finish, or choose another --out folder.") from None  # fmt: skip
        yield


def _clear_work(out: Path, name: str | None = None) -> None:
    """Remove work folders left by killed cases (all of them, or those of one case)."""
    work = out / WORK_DIR
    if not work.is_dir():
        return
    for item in work.iterdir():
        if name is None or item.name.startswith(case_key(name) + "-"):
            shutil.rmtree(item, ignore_errors=True)


def _check_formats(settings: BatchSettings) -> None:
    """The draft formats, checked before any case runs (each case would index, then fail at its draft)."""
    if "draft" not in settings.steps:
        return
    from reportkit.draft.render import check_formats

    check_formats(settings.draft_formats)


def run_batch(
    root: Path,
    out: Path,
    settings: BatchSettings,
    *,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    report: Report | None = None,
    today: date | None = None,
) -> BatchResult:
    """Run every case under ``root`` into ``out`` (see the module docstring for the resume rule). The summary
    gives each case's next deadline and its days left as of ``today`` (default: the day of the run)."""
    started = datetime.now(UTC)
    clock = time.perf_counter()
    cases = find_cases(root)
    _check_out(root, out)
    _check_formats(settings)
    try:
        from reportkit.draft.writer import private_folder

        private_folder(out)  # made 0700 (one that exists is the user's, left as it is)
        (out / MARKER).touch(mode=0o600)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder ({exc.strerror}).") from None
    jobs = max(1, jobs or os.cpu_count() or 1)
    with _locked(out):
        _clear_work(out)
        fingerprint = settings.fingerprint()
        outcomes: dict[str, CaseOutcome] = {}
        todo: list[CaseSpec] = []
        total = len(cases)
        for spec in cases:
            state = read_state(out / spec.name)
            if (
                state is not None
                and state.get("settings_sha256") == fingerprint
                and state.get("inputs_sha256") == inputs_sha256(spec)
            ):
                outcomes[spec.name] = outcome_from_state(spec, state)
                if report:
                    report(outcomes[spec.name], False, len(outcomes), total)
            else:
                todo.append(spec)
        try:
            if executor == "dask":
                results = _run_dask(todo, out, settings, scheduler)
            else:
                results = _run_local(todo, out, settings, jobs)
            for outcome in results:
                if not outcome.remember:
                    _clear_work(out, outcome.name)
                outcomes[outcome.name] = outcome
                if report:
                    report(outcome, True, len(outcomes), total)
        finally:
            _clear_work(out)
        ordered = [outcomes[c.name] for c in cases]
        seconds = time.perf_counter() - clock
        ran = frozenset(c.name for c in todo)
        today = today or date.today()
        due = {c.name: next_due(c, today) for c in cases}
        written = _write_summary(out, ordered, ran, settings, started, seconds, executor, jobs, (today, due))
    return BatchResult(ordered, ran, seconds, written)


def _run_local(todo: Sequence[CaseSpec], out: Path, settings: BatchSettings, jobs: int) -> Iterator[CaseOutcome]:
    from reportkit.workers import Limits, Task, WorkerPool

    if not todo:
        return
    by_name = {c.name: c for c in todo}
    limits = Limits(timeout=settings.case_timeout, memory_mb=settings.max_memory_mb)
    with WorkerPool(min(jobs, len(todo)), limits, daemon=False) as pool:
        tasks = [Task(c.name, "batch_case", (c, out, settings)) for c in todo]
        for result in pool.map(tasks):
            if result.ok:
                yield result.value
                continue
            spec = by_name[result.key]
            why = {
                "timeout": f"stopped after {settings.case_timeout:g} s (--case-timeout)",
                "memory": f"over the memory limit of {settings.max_memory_mb} MB (--max-memory)",
                "crashed": "its worker process died (killed, or out of memory)",
            }.get(result.problem, f"failed in its worker ({result.problem})")
            took = settings.case_timeout if result.problem == "timeout" else 0.0  # (a died worker's time: unknown)
            yield CaseOutcome(spec.name, spec.kind, "failed", inputs_sha256(spec), problems=(why,), remember=False,
                              debug=(result.detail,), seconds=took)  # fmt: skip


def _run_dask(
    todo: Sequence[CaseSpec], out: Path, settings: BatchSettings, scheduler: str | None
) -> Iterator[CaseOutcome]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError("--executor dask needs dask.distributed.",
                         hint='Install it with: pip install "reportkit[dask]".') from None  # fmt: skip
    if not scheduler:
        raise UsageError("--executor dask needs --scheduler tcp://HOST:8786.")
    if not todo:
        return
    try:
        client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call,unused-ignore]
    except OSError as exc:
        raise UsageError(f"--scheduler {scheduler}: cannot reach the dask scheduler ({exc}).",
                         hint="Start one with `dask scheduler` (see docs/batch.md).") from None  # fmt: skip
    with client:
        futures = {}
        for spec in todo:
            future = client.submit(run_case, spec, out.resolve(), settings, pure=False,
                                   key=f"reportkit-case-{case_key(spec.name)}-{os.urandom(4).hex()}")  # fmt: skip
            futures[future] = spec
        for future in as_completed(list(futures)):  # type: ignore[no-untyped-call,unused-ignore]
            spec = futures[future]
            try:
                value = future.result()
            except Exception as exc:  # a worker that died, a lost connection
                yield CaseOutcome(spec.name, spec.kind, "failed", inputs_sha256(spec),
                                  problems=(f"its dask task failed ({type(exc).__name__})",), remember=False,
                                  debug=(repr(exc),))  # fmt: skip
                continue
            yield replace(value, name=spec.name)


NextDue = tuple[str, str, int] | None
"""A case's first open deadline: its due date, what is due, days left (negative: late); None when none is open."""


def next_due(spec: CaseSpec, today: date) -> NextDue:
    """The first open deadline of a case folder's case.yaml (``reportkit status``); None for a bundle or a case
    whose case.yaml cannot be read (its problems are the case's own)."""
    from reportkit.draft.timeline import status
    from reportkit.errors import ReportkitError

    if spec.kind != "case" or not (spec.path / CASE_FILE).is_file():
        return None
    try:
        first = status(spec.path, today).next_due
    except ReportkitError:
        return None
    if first is None or first.due is None:
        return None
    return first.due.isoformat(), first.what, (first.due - today).days


def summary_rows(outcomes: Sequence[CaseOutcome], due: dict[str, NextDue] | None = None) -> list[dict[str, object]]:
    due = due or {}
    return [
        {
            "case": o.name,
            "kind": o.kind,
            "status": o.status,
            "pages": o.pages,
            "documents": o.documents,
            "steps": list(o.steps),
            "problems": list(o.problems),
            "inputs_sha256": o.inputs_sha256,
            "changes": o.changes,
            "next_due": dict(zip(("date", "what", "days_left"), nd, strict=True)) if (nd := due.get(o.name)) else None,
        }
        for o in outcomes
    ]


def _write_summary(
    out: Path,
    outcomes: Sequence[CaseOutcome],
    ran: frozenset[str],
    settings: BatchSettings,
    started: datetime,
    seconds: float,
    executor: str,
    jobs: int,
    deadlines: tuple[date, dict[str, NextDue]],
) -> list[Path]:
    from reportkit.index.export import excel_csv
    from reportkit.publish import replace_together

    counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("done", "partial", "failed")}
    today, due = deadlines
    summary = {
        "schema": SUMMARY_SCHEMA,
        "generator": f"reportkit {__version__}",
        "steps": list(settings.steps),
        "settings_sha256": settings.fingerprint(),
        "counts": counts,
        "as_of": today.isoformat(),
        "cases": summary_rows(outcomes, due),
    }
    header = ["case", "kind", "status", "pages", "documents", "steps", "problems", "inputs_sha256", "changes",
              "next_due", "due_for", "days_left"]  # fmt: skip
    cells = [[o.name, o.kind, o.status, o.pages, o.documents, " ".join(o.steps), "; ".join(o.problems),
              o.inputs_sha256, o.changes, *(due.get(o.name) or ("", "", ""))] for o in outcomes]  # fmt: skip
    run = {
        "tool": f"reportkit {__version__}",
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
        "executor": executor,
        "jobs": jobs,
        "cases": [
            {
                "inputs_sha256": o.inputs_sha256,
                "action": "ran" if o.name in ran else "unchanged",
                "status": o.status,
                "seconds": o.seconds,
            }
            for o in outcomes
        ],
    }
    files = {
        SUMMARY_JSON: (json.dumps(summary, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        SUMMARY_CSV: excel_csv(header, cells),
        RUN_RECORD: (json.dumps(run, indent=2) + "\n").encode("utf-8"),
    }
    replace_together(out, files, "the batch summary")
    return [out / name for name in files]

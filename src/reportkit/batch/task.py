"""One batch case: its steps (index, draft, packet) run into a private work folder under OUT, then the folder
is renamed into place as OUT/<case>. A plain top-level function over paths and a frozen settings dataclass, so
any executor (the local process pool, a dask worker) can run it.

Nothing is ever written into the case folder: the index goes to the work folder, ``draft`` is given that
index (so it never writes CASE_DIR/index) and an output folder, and ``packet`` is given the index, an output
folder, no ledger (so it never writes CASE_DIR/bates-ledger.json) and no report.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from reportkit.errors import OutputError, ReportkitError
from reportkit.version import __version__

STEPS = ("index", "draft", "packet")
STATE_FILE = "batch-state.json"
STATE_SCHEMA = "reportkit/batch-case@1"
WORK_DIR = ".work"
"""Under OUT: each running case builds its outputs in a folder here."""
CASE_FILE = "case.yaml"
RECORDS = "records"
TEST_HOOK = "REPORTKIT_BATCH_TEST_SLEEP"
"""For tests only: ``CASE:SECONDS`` makes that case write a partial file and its pid, then sleep."""

Kind = Literal["case", "bundle"]
Status = Literal["done", "partial", "failed"]


@dataclass(frozen=True)
class CaseSpec:
    """One case of a batch: a case folder (case.yaml + records/) or a bare bundle (a folder of PDFs)."""

    name: str
    """The folder's name, also the name of its output folder OUT/<name>."""
    path: Path
    kind: Kind


@dataclass(frozen=True)
class BatchSettings:
    """Settings of a batch run. Those in :meth:`fingerprint` decide whether a finished case is done again."""

    steps: tuple[str, ...] = ("index",)
    draft_formats: tuple[str, ...] = ("docx", "md", "html")
    passwords: tuple[str, ...] = ()
    ocr: str = "auto"
    """OCR of pages without a text layer: auto, always or never (as ``index --ocr``)."""
    case_timeout: float = 1800.0
    """Seconds one case may take (local executor) before its worker is killed."""
    max_memory_mb: int = 4096
    """Address space of one case's process (local executor), in MiB."""
    file_timeout: float = 300.0
    """Seconds one PDF may take to read inside a case (its reader process is killed after)."""
    use_cache: bool = True
    cache_dir: Path | None = None

    def fingerprint(self) -> str:
        """SHA-256 of what changes a case's outputs (not limits, cache or the number of workers)."""
        data = {
            "version": __version__,
            "steps": list(self.steps),
            "draft_formats": list(self.draft_formats) if "draft" in self.steps else [],
            "ocr": self.ocr,
            "passwords": hashlib.sha256("\n".join(self.passwords).encode()).hexdigest() if self.passwords else "",
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class CaseOutcome:
    """What one case gave. ``remember`` is False for failures that are not the input's fault (a killed or
    crashed worker, a time or memory limit, a bug): those cases are tried again on the next run."""

    name: str
    kind: Kind
    status: Status
    inputs_sha256: str
    pages: int = 0
    documents: int = 0
    problems: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    """The steps that completed."""
    seconds: float = 0.0
    remember: bool = True
    debug: tuple[str, ...] = field(default=(), compare=False)
    """Parser messages and tracebacks, for --debug only."""
    changes: str = ""
    """When the case was done again over an earlier OUT/<case>/index: ``1 new, 0 changed, 2 gone document(s)``."""


def input_files(spec: CaseSpec) -> list[Path]:
    """The files a case's steps read: case.yaml and the PDFs below records/ (a bundle: every PDF below it)."""
    base = spec.path / RECORDS if spec.kind == "case" else spec.path
    files = sorted(p for p in base.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()) if base.is_dir() else []
    if spec.kind == "case" and (spec.path / CASE_FILE).is_file():
        files.insert(0, spec.path / CASE_FILE)
    return files


def inputs_sha256(spec: CaseSpec) -> str:
    """SHA-256 over each input file's path (relative to the case folder) and content hash."""
    digest = hashlib.sha256(spec.kind.encode())
    for path in input_files(spec):
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        digest.update(f"\n{path.relative_to(spec.path).as_posix()}\0{h.hexdigest()}".encode())
    return digest.hexdigest()


def case_key(name: str) -> str:
    """The case's name as a hash, for work-folder names and logs."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


def _clean(message: str, root: Path) -> str:
    """A message with the batch root removed from paths, so the summary is the same wherever ROOT is."""
    for prefix in (str(root.resolve()) + os.sep, str(root) + os.sep):
        message = message.replace(prefix, "")
    return message


def _test_hook(spec: CaseSpec, work: Path) -> None:
    hook = os.environ.get(TEST_HOOK, "")
    name, _, seconds = hook.rpartition(":")
    if hook and name == spec.name:
        (work / "partial.txt").write_text(f"{os.getpid()}\n", encoding="ascii")
        time.sleep(float(seconds))


def run_case(spec: CaseSpec, out_root: Path, settings: BatchSettings) -> CaseOutcome:
    """Run the settings' steps on one case into OUT/<name>; never raises for a bad case (the outcome says why).

    Outputs are built in OUT/.work/<key>-<random>/ and renamed to OUT/<name> only when the case has finished
    (with batch-state.json written last), so a killed run leaves no partial case folder."""
    clock = time.perf_counter()
    sha = inputs_sha256(spec)
    if multiprocessing.current_process().daemon:
        return CaseOutcome(
            spec.name, spec.kind, "failed", sha,
            problems=("this worker process is daemonic and cannot start the PDF readers: start dask workers "
                      "with DASK_DISTRIBUTED__WORKER__DAEMON=False",),
            remember=False,
        )  # fmt: skip
    work = out_root / WORK_DIR / f"{case_key(spec.name)}-{uuid.uuid4().hex[:12]}"
    (out_root / WORK_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)  # (cases running at once may both make it)
    work.mkdir(mode=0o700)
    os.chmod(work, 0o700)  # whatever the umask, as OUT/<case> after the rename: it holds record text
    try:
        _test_hook(spec, work)
        outcome = _steps(spec, work, settings, sha, _previous_index(out_root / spec.name))
        outcome = CaseOutcome(**{**outcome.__dict__, "seconds": round(time.perf_counter() - clock, 3)})
        if outcome.remember:
            _write_state(work, outcome, settings)
            _swap_in(work, out_root / spec.name)
        return outcome
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _previous_index(case_out: Path) -> Path | None:
    """OUT/<case>/index/index.json of an earlier run, when it can be compared with (has content hashes)."""
    from reportkit.api import load_index

    path = case_out / "index" / "index.json"
    if not path.is_file():
        return None
    try:
        previous = load_index(path)
    except ReportkitError:
        return None  # damaged: the case is indexed afresh
    return path if all(d.content_sha256 for d in previous.documents) else None


def _steps(spec: CaseSpec, work: Path, settings: BatchSettings, sha: str, previous: Path | None = None) -> CaseOutcome:
    import traceback

    from reportkit import api

    root = spec.path.parent
    problems: list[str] = []
    done: list[str] = []
    debug: list[str] = []
    pages = documents = 0
    changes = ""
    status: Status = "done"
    remember = True
    step = "case.yaml"
    try:
        if spec.kind == "case" and ((spec.path / CASE_FILE).exists() or len(settings.steps) > 1):
            from reportkit.draft.case import load_case

            load_case(spec.path)  # a broken case.yaml fails the case before any work
        step = "index"
        inputs = [spec.path / RECORDS] if spec.kind == "case" else [spec.path]
        index_options = api.IndexOptions(
            passwords=settings.passwords,
            jobs=1,
            file_timeout=settings.file_timeout,
            max_memory_mb=min(settings.max_memory_mb, 2048),
            use_cache=settings.use_cache,
            cache_dir=settings.cache_dir,
            ocr=settings.ocr,
            since=previous,
        )
        result = api.index_bundle(inputs, work / "index", index_options)
        debug.extend(result.debug)
        summary = result.summary
        pages = summary.page_count
        documents = summary.documents
        if summary.since is not None:
            changes = ", ".join(f"{len(summary.since.get(k) or [])} {k}" for k in ("new", "changed", "gone"))
        done.append("index")
        if summary.skipped or summary.read_in_part:  # a file left out, or damaged and read in part
            status = "partial"
            problems.extend(f"not indexed: {s.reason}" for s in summary.skipped)
            problems.extend(f"read in part: {part.reason}" for part in summary.read_in_part)
        index_json = work / "index" / "index.json"
        if spec.kind == "case" and "draft" in settings.steps:
            step = "draft"
            from reportkit.draft import DraftOptions, draft_case

            draft_case(
                spec.path,
                DraftOptions(
                    out=work / "drafts",
                    formats=settings.draft_formats,
                    index=index_json,
                    jobs=1,
                    use_cache=settings.use_cache,
                ),
            )
            done.append("draft")
        if spec.kind == "case" and "packet" in settings.steps:
            step = "packet"
            if summary.skipped or any(part.problem == "cut_short" for part in summary.read_in_part):
                problems.append("packet not built: a packet must hold every record, whole")
            else:
                from reportkit.api import make_packet
                from reportkit.packet.build import PacketOptions

                packet = make_packet(
                    [spec.path / RECORDS],
                    work / "packet",
                    PacketOptions(
                        index_file=index_json,
                        use_ledger=False,
                        include_report=False,
                        passwords=settings.passwords,
                        jobs=1,
                        use_cache=settings.use_cache,
                        cache_dir=settings.cache_dir,
                    ),
                )
                problems.extend(f"packet: {w}" for w in packet.warnings)
                done.append("packet")
    except ReportkitError as exc:
        status = "failed"
        problems.append(f"{step}: {exc}")
        if exc.detail:
            debug.append(exc.detail)
        # outputs that cannot be written (a full disk, a folder made read-only) say nothing of the input: the
        # case runs again next time instead of being remembered as failed
        remember = not isinstance(exc, OutputError)
    except MemoryError:
        return CaseOutcome(spec.name, spec.kind, "failed", sha, problems=(f"{step}: over the memory limit",),
                           remember=False)  # fmt: skip
    except Exception as exc:
        return CaseOutcome(
            spec.name, spec.kind, "failed", sha,
            problems=(f"{step}: internal error (a bug; run again with --debug): {type(exc).__name__}",),
            remember=False, debug=(traceback.format_exc(),),
        )  # fmt: skip
    return CaseOutcome(
        spec.name,
        spec.kind,
        status,
        sha,
        pages=pages,
        documents=documents,
        problems=tuple(_clean(p, root) for p in problems),
        steps=tuple(done),
        debug=tuple(debug),
        changes=changes,
        remember=remember,
    )


def state_record(outcome: CaseOutcome, settings: BatchSettings) -> dict[str, object]:
    return {
        "schema": STATE_SCHEMA,
        "case": outcome.name,
        "kind": outcome.kind,
        "status": outcome.status,
        "inputs_sha256": outcome.inputs_sha256,
        "settings_sha256": settings.fingerprint(),
        "pages": outcome.pages,
        "documents": outcome.documents,
        "steps": list(outcome.steps),
        "problems": list(outcome.problems),
        "changes": outcome.changes,
    }


def _write_state(work: Path, outcome: CaseOutcome, settings: BatchSettings) -> None:
    data = (json.dumps(state_record(outcome, settings), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    tmp = work / f".{STATE_FILE}.tmp"
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, work / STATE_FILE)


def _swap_in(work: Path, target: Path) -> None:
    """Rename the finished work folder to OUT/<name>, moving an earlier one aside first (then deleting it)."""
    old: Path | None = None
    if target.exists() or target.is_symlink():
        old = work.parent / f"{work.name}.old"
        os.replace(target, old)
    os.replace(work, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_state(case_out: Path) -> dict[str, object] | None:
    """OUT/<name>/batch-state.json, or None when missing or unreadable (the case is then done again)."""
    try:
        data = json.loads((case_out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == STATE_SCHEMA else None


def outcome_from_state(spec: CaseSpec, state: dict[str, object]) -> CaseOutcome:
    status = state.get("status")
    problems = state.get("problems")
    steps = state.get("steps")
    return CaseOutcome(
        spec.name,
        spec.kind,
        status if status in ("done", "partial", "failed") else "failed",
        str(state.get("inputs_sha256", "")),
        pages=int(state.get("pages", 0)),  # type: ignore[call-overload]
        documents=int(state.get("documents", 0)),  # type: ignore[call-overload]
        problems=tuple(str(p) for p in problems) if isinstance(problems, list) else (),
        steps=tuple(str(s) for s in steps) if isinstance(steps, list) else (),
        changes=str(state.get("changes", "")),
    )


__all__ = [
    "STEPS",
    "BatchSettings",
    "CaseOutcome",
    "CaseSpec",
    "case_key",
    "input_files",
    "inputs_sha256",
    "read_state",
    "run_case",
]

"""A small process pool that can stop a task: per-task time limit, per-worker memory limit.

It runs the stages that touch untrusted content: reading PDFs, and the text analysis of large bundles (so that
both use every core). Hostile PDFs can make a parser loop, recurse or balloon. Each task runs in a worker
process whose address space is capped (``RLIMIT_AS``); a task that runs past its time limit has its worker
killed and replaced, and a worker that dies takes only its own task with it. Results come back in completion
order.
"""

from __future__ import annotations

import faulthandler
import gc
import importlib
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

GC_THRESHOLDS = (20_000, 20, 20)
"""Allocations between collections of the youngest objects, and so on (Python's default is 700, 10, 10)."""


def guided_runs(total: int, jobs: int, smallest: int, largest: int) -> list[tuple[int, int]]:
    """``[start, stop)`` runs covering ``range(total)``, each about a third of what is left per worker (between
    ``smallest`` and ``largest``): large runs first, small ones last, so that the workers finish together
    instead of one waiting for the other's last large run."""
    runs: list[tuple[int, int]] = []
    start = 0
    while start < total:
        size = max(smallest, min(largest, -(-(total - start) // (max(1, jobs) * 3))))
        runs.append((start, min(total, start + size)))
        start += size
    return runs


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often for a while (restored after): for stages that build many small objects."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass(frozen=True)
class Limits:
    """Limits for reading one file (each task of it)."""

    timeout: float = 300.0
    """Seconds one task (opening a file, or reading a run of its pages) may take."""
    memory_mb: int = 2048
    """Address space a worker process may take on beyond what it has at its start, in MiB."""


@dataclass(frozen=True)
class Task:
    key: Any
    func: str
    """A name in :data:`TASKS` (or ``module:function`` of a module the workers can import)."""
    args: tuple[Any, ...]
    timeout: float | None = None
    """Seconds this task may take; None means the pool's ``Limits.timeout``."""


@dataclass(frozen=True)
class Outcome:
    key: Any
    value: Any = None
    problem: str = ""
    """Empty on success; else damaged, encrypted, wrong_password, timeout, memory or crashed."""
    detail: str = ""
    """The parser's own words, for --debug only (they can quote file bytes)."""

    @property
    def ok(self) -> bool:
        return not self.problem


TASKS: dict[str, str] = {
    "probe": "reportkit.ingest.recover:probe_file",
    "read": "reportkit.understand.reading:read_and_analyse",
    "layout": "reportkit.ingest.pdf:layout_lines",
    "ocr": "reportkit.ingest.ocr:ocr_page",
    "pages": "reportkit.understand.documents:analyse_pages",
    "documents": "reportkit.understand.documents:analyse_documents",
    "render": "reportkit.index.export:render_some",
    "text_boxes": "reportkit.packet.pdf:text_boxes",
    "batch_case": "reportkit.batch.task:run_case",
}
"""Task name → ``module:function``, imported in the worker on first use."""


def _resolve(name: str, cache: dict[str, Callable[..., Any]]) -> Callable[..., Any]:
    """The function of a task name in :data:`TASKS`, or of a ``module:function`` name itself."""
    if name not in cache:
        module, func = TASKS.get(name, name).split(":")
        cache[name] = getattr(importlib.import_module(module), func)
    return cache[name]


def _address_space() -> int:
    """Bytes of address space this process has now (0 where /proc does not tell)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at what the worker has at its start plus ``memory_mb`` (a forked worker starts
    with its parent's, a spawned one with a bare interpreter's)."""
    try:
        import resource

        limit = _address_space() + memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):  # not on this platform: time limits still apply
        pass


def _import_all(modules: tuple[str, ...]) -> None:
    for module in modules:
        with suppress(Exception):  # a module that fails to load fails its tasks, with their messages
            importlib.import_module(module)


def can_fork() -> bool:
    """Whether a worker can be forked from this process safely: on Linux (macOS's system libraries are not
    fork-safe; Windows has no fork), with no other thread running — a thread (a progress bar's, say) could
    hold a lock at the moment of the fork that the worker would then wait on forever. Threads that a library
    started outside Python count too (the kernel's count, as Python 3.12 checks before warning)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1 and _os_threads() == 1


def _os_threads() -> int:
    """Threads of this process, as the kernel counts them (1 where /proc does not say)."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Threads:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 1


def die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies (Linux's parent-death signal; elsewhere a no-op):
    a worker or a program it runs must not live on, blocked, after a ``kill -9`` of the command."""
    if not sys.platform.startswith("linux"):
        return
    with suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


_IN_WORKER: list[bool] = [False]


def in_worker() -> bool:
    """Whether this process is one of a pool's workers (they run only reportkit's tasks: a task may keep
    state there, such as a loaded OCR engine, that would not belong in a program calling the library)."""
    return _IN_WORKER[0]


def _worker_main(conn: Connection, memory_mb: int, preload: tuple[str, ...] = (), parent: int = 0) -> None:
    _IN_WORKER[0] = True
    die_with_parent()
    if parent and os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and SIGTERM and ends the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker would inherit the parent's handler
    # A hostile file can make the PDF library abort (allocation refused under the memory limit): the parent
    # reports that file as crashed; a traceback dump inherited from the parent (pytest's) would only be noise.
    faulthandler.disable()
    _limit_memory(memory_mb)
    from reportkit.errors import PdfProblem

    _import_all(preload)  # while the parent gets its first tasks ready

    # Tasks build many small objects and few reference cycles: collect garbage less often (~5 % of the time).
    gc.set_threshold(*GC_THRESHOLDS)

    funcs: dict[str, Callable[..., Any]] = {}
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        key, func, args = message
        try:
            conn.send((key, _resolve(func, funcs)(*args), "", ""))
        except PdfProblem as exc:
            conn.send((key, None, exc.problem, exc.detail))
        except MemoryError:
            conn.send((key, None, "memory", "MemoryError"))
        except Exception as exc:
            conn.send((key, None, "damaged", f"{type(exc).__name__}: {exc}"))


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start a worker without re-running the parent's main script in it.

    A spawned process first imports the parent's ``__main__`` (to find functions defined there). Workers only
    run :data:`TASKS`, so that import is wasted — the ``reportkit`` console script's imports the whole CLI,
    ~0.2 s per worker — and a library user's unguarded script would even run again in every worker."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    spec, path = main.__dict__.get("__spec__"), main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__spec__ = spec
        if path is not None:
            main.__file__ = path


@contextmanager
def _parent_objects_frozen() -> Iterator[None]:
    """Fork with this process's objects out of the worker's garbage collections (its memory pages then stay
    shared with the parent longer, and its collections have less to walk)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection


class WorkerPool:
    """Runs tasks on up to ``jobs`` worker processes, started when first needed."""

    def __init__(
        self, jobs: int, limits: Limits, *, daemon: bool = True, preload: tuple[str, ...] = (), fork: bool = False
    ) -> None:
        self.jobs = max(1, jobs)
        self.limits = limits
        self.preload = preload
        """Modules each worker imports as soon as it starts, before its first task arrives."""
        self.daemon = daemon
        """False for tasks that start their own worker processes (a batch case indexes with its own pool)."""
        self.fork = fork
        """Fork workers from this process when that is safe (see :func:`can_fork`): a worker then needs no new
        interpreter and no imports (~0.3 CPU-s each); the preload modules are imported here first."""
        self._idle: list[_Worker] = []
        self._retired: list[_Worker] = []
        """Told to stop (see ``retire``), not yet waited for."""
        self._count = 0

    def __enter__(self) -> WorkerPool:
        return self

    def start(self) -> None:
        """Start every worker now, before the first tasks: a spawned worker's start-up (a new interpreter
        importing the readers) then overlaps the caller's own work."""
        while self._count < self.jobs:
            self._idle.append(self._spawn())

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _spawn(self) -> _Worker:
        if self.fork and can_fork():
            _import_all(self.preload)  # once, here: every forked worker has them
            ctx: Any = mp.get_context("fork")
            preload: tuple[str, ...] = ()
            starting = _parent_objects_frozen()
        else:
            ctx, preload, starting = mp.get_context("spawn"), self.preload, _main_module_hidden()
        parent_conn, child_conn = ctx.Pipe()
        process = ctx.Process(
            target=_worker_main,
            args=(child_conn, self.limits.memory_mb, preload, os.getpid()),
            daemon=self.daemon,
            name="reportkit-reader" if self.daemon else "reportkit-case",
        )
        with starting:
            process.start()
        child_conn.close()
        self._count += 1
        return _Worker(process, parent_conn)

    def _kill(self, worker: _Worker) -> None:
        self._count -= 1
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """Run the tasks; return an iterator of one outcome each, in completion order.

        The first tasks are sent before this returns (the caller can do other work while they run, then
        iterate); idle workers get their next task before the caller sees an outcome, so they keep working
        while the caller handles it."""
        pending = deque(tasks)
        busy: dict[Connection, tuple[_Worker, Task, float]] = {}
        self._dispatch(pending, busy)
        return self._outcomes(pending, busy)

    def _dispatch(self, pending: deque[Task], busy: dict[Connection, tuple[_Worker, Task, float]]) -> None:
        while pending and (self._idle or self._count < self.jobs):
            worker = self._idle.pop() if self._idle else self._spawn()
            task = pending.popleft()
            worker.conn.send((task.key, task.func, task.args))
            limit = task.timeout or self.limits.timeout
            busy[worker.conn] = (worker, task, time.monotonic() + limit)

    def _outcomes(self, pending: deque[Task], busy: dict[Connection, tuple[_Worker, Task, float]]) -> Iterator[Outcome]:
        try:
            while busy:
                next_deadline = min(deadline for _, _, deadline in busy.values())
                ready = wait(list(busy), timeout=max(0.0, next_deadline - time.monotonic()))
                outcomes: list[Outcome] = []
                for conn in ready:
                    assert isinstance(conn, Connection)
                    worker, task, _ = busy.pop(conn)
                    try:
                        key, value, problem, detail = conn.recv()
                    except (EOFError, OSError):
                        code = worker.process.exitcode
                        self._kill(worker)
                        outcomes.append(Outcome(task.key, problem="crashed", detail=f"worker exit code {code}"))
                        continue
                    self._idle.append(worker)
                    outcomes.append(Outcome(key, value, problem, detail))
                now = time.monotonic()
                for conn, (worker, task, deadline) in list(busy.items()):
                    if deadline <= now:
                        del busy[conn]
                        self._kill(worker)
                        limit = task.timeout or self.limits.timeout
                        outcomes.append(Outcome(task.key, problem="timeout", detail=f"over {limit:g} s"))
                self._dispatch(pending, busy)
                yield from outcomes
        finally:
            for worker, _, _ in busy.values():  # an interrupted run: stop what is still running
                self._kill(worker)

    def retire(self, keep: int) -> None:
        """Let idle workers beyond ``keep`` go now (their memory with them), without waiting for them."""
        while len(self._idle) > keep:
            worker = self._idle.pop()
            with suppress(OSError):
                worker.conn.send(None)
            self._retired.append(worker)
            self._count -= 1

    def close(self) -> None:
        self.retire(keep=0)  # all told first, so that they wind down together
        for worker in self._retired:
            worker.process.join(2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(2)
            worker.conn.close()
        self._retired.clear()
        self._count = 0

"""The worker pool: every task gets exactly one outcome, whatever happens to the tasks around it: a worker
killed for a task that overran, or one that died, takes only that task with it."""

from __future__ import annotations

import sys
import threading

import pytest

import worker_tasks
from reportkit.workers import Limits, Task, WorkerPool, can_fork

BOTH = pytest.mark.parametrize("fork", [False, True], ids=["spawned", "forked"])


def _run(tasks: list[Task], jobs: int = 2, fork: bool = False) -> dict[int, tuple[object, str]]:
    if fork and sys.platform.startswith("linux"):
        assert can_fork(), f"a thread left running by another test: {threading.enumerate()}"
    with WorkerPool(jobs, Limits(timeout=20), fork=fork) as pool:
        return {o.key: (o.value, o.problem) for o in pool.map(tasks)}


@BOTH
def test_every_task_runs_once_and_comes_back_with_its_own_value(fork: bool) -> None:
    outcomes = _run([Task(i, "worker_tasks:nap", (i * 10, 0.01 * (i % 3))) for i in range(12)], fork=fork)
    assert outcomes == {i: (i * 10, "") for i in range(12)}


@BOTH
def test_large_tasks_and_results_pass_both_ways(fork: bool) -> None:
    """Megabytes each way (the analysis ships pages out and documents back)."""
    blob = "x" * 3_000_000
    outcomes = _run([Task(i, "worker_tasks:echo", (blob + str(i),)) for i in range(6)], fork=fork)
    assert outcomes == {i: (blob + str(i), "") for i in range(6)}


@BOTH
def test_a_task_that_overruns_is_stopped_and_the_others_still_run(fork: bool) -> None:
    tasks = [Task(0, "worker_tasks:nap", (0, 30), timeout=1.0)]
    tasks += [Task(i, "worker_tasks:nap", (i, 0.3)) for i in range(1, 8)]
    outcomes = _run(tasks, fork=fork)
    assert outcomes[0] == (None, "timeout")
    assert {k: v for k, v in outcomes.items() if k} == {i: (i, "") for i in range(1, 8)}


@BOTH
def test_a_worker_that_dies_fails_only_its_own_task(fork: bool) -> None:
    tasks = [Task(0, "worker_tasks:nap", (0, 0.2)), Task(1, "worker_tasks:die", (1,))]
    tasks += [Task(i, "worker_tasks:nap", (i, 0.05)) for i in range(2, 9)]
    outcomes = _run(tasks, fork=fork)
    assert outcomes[1] == (None, "crashed")
    assert {k: v for k, v in outcomes.items() if k != 1} == {i: (i, "") for i in range(9) if i != 1}


def test_one_worker_runs_them_all_in_order_of_completion() -> None:
    outcomes = _run([Task(i, "worker_tasks:nap", (i, 0.0)) for i in range(5)], jobs=1)
    assert outcomes == {i: (i, "") for i in range(5)}


def test_retired_workers_end_and_the_pool_still_runs_tasks() -> None:
    import time

    with WorkerPool(2, Limits(timeout=20)) as pool:
        pool.start()
        retiring = [w.process for w in pool._idle[1:]]
        pool.retire(keep=1)
        deadline = time.monotonic() + 10
        while any(p.is_alive() for p in retiring) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert retiring and not any(p.is_alive() for p in retiring)
        outcomes = {o.key: o.value for o in pool.map([Task(i, "worker_tasks:nap", (i, 0.0)) for i in range(4)])}
    assert outcomes == {i: i for i in range(4)}


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(worker_tasks, "MARK", "changed by the parent")
    return worker_tasks.MARK


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_workers_are_forked_with_the_preloaded_modules_when_no_other_thread_runs(marked: str) -> None:
    sys.modules.pop("worker_tasks_preload", None)
    assert can_fork(), threading.enumerate()
    with WorkerPool(2, Limits(timeout=20), fork=True, preload=("worker_tasks_preload",)) as pool:
        pool.start()
        assert "worker_tasks_preload" in sys.modules  # imported once, here, before the fork
        outcomes = [o.value for o in pool.map([Task(i, "worker_tasks:mark", (i,)) for i in range(4)])]
    assert outcomes == [marked] * 4


def test_workers_start_anew_while_another_thread_runs(marked: str) -> None:
    """A thread could hold a lock at the moment of a fork, and the forked worker would wait on it forever."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
        with WorkerPool(1, Limits(timeout=20), fork=True) as pool:
            outcomes = [o.value for o in pool.map([Task(0, "worker_tasks:mark", (0,))])]
    finally:
        stop.set()
        other.join()
    assert outcomes == ["as imported"]  # spawned: the module was imported anew


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="address-space limits are set on Linux")
@BOTH
def test_the_memory_limit_counts_from_the_workers_start_even_under_a_large_parent(fork: bool) -> None:
    """A forked worker starts with its parent's address space (here 600 MiB more than usual): the limit is
    what it may add, so a task within it still runs and one beyond it is stopped."""
    ballast = bytearray(600 * 1024 * 1024)
    tasks = [Task(0, "worker_tasks:grab", (100,)), Task(1, "worker_tasks:grab", (900,))]
    with WorkerPool(1, Limits(timeout=60, memory_mb=400), fork=fork) as pool:
        outcomes = {o.key: (o.value, o.problem) for o in pool.map(tasks)}
    del ballast
    assert outcomes == {0: (100 * 1024 * 1024, ""), 1: (None, "memory")}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's thread count is read from /proc")
def test_a_thread_started_outside_threading_also_keeps_workers_from_forking() -> None:
    """A library's own thread (here one started below the threading module) is invisible to
    threading.active_count(), and is as dangerous at a fork."""
    import _thread
    import time

    release = _thread.allocate_lock()
    release.acquire()
    finished = _thread.allocate_lock()
    finished.acquire()

    def hold() -> None:
        release.acquire()
        finished.release()

    _thread.start_new_thread(hold, ())
    try:
        deadline = time.monotonic() + 5
        while can_fork() and time.monotonic() < deadline:  # until the kernel lists the new thread
            time.sleep(0.01)
        assert threading.active_count() == 1
        assert not can_fork()
    finally:
        release.release()
        finished.acquire(timeout=5)
    deadline = time.monotonic() + 5
    while not can_fork() and time.monotonic() < deadline:  # until the thread has ended
        time.sleep(0.01)
    assert can_fork()


_ORPHAN_SCRIPT = """
import sys, time
sys.path.insert(0, {tests!r})
from reportkit.workers import Limits, Task, WorkerPool
pool = WorkerPool(2, Limits(timeout=120), fork={fork!r})
pids = [o.value for o in pool.map([Task(i, "worker_tasks:pid", (i, 0.5)) for i in range(2)])]
outcomes = pool.map([Task(9, "worker_tasks:nap", (9, 120))])  # one worker busy, the other idle
print(*pids, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie nobody has reaped yet counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
@BOTH
def test_workers_end_when_their_parent_is_killed(fork: bool, tmp_path: object) -> None:
    """``kill -9`` of the command: its workers, busy or idle, must not live on with nobody to answer."""
    import os
    import signal
    import subprocess
    import time
    from pathlib import Path

    script = _ORPHAN_SCRIPT.format(tests=str(Path(__file__).parent), fork=fork)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(set(pids)) == 2 and all(_alive(p) for p in pids)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in pids if _alive(p)]
    for p in left:  # do not leave them behind either way
        os.kill(p, signal.SIGKILL)
    assert not left, f"workers {left} outlived their parent"

"""The worker pool: every task gets exactly one outcome, whatever happens to the tasks around it: a worker
killed for a task that overran, or one that died, takes only that task with it."""

from __future__ import annotations

from reportkit.workers import Limits, Task, WorkerPool


def _run(tasks: list[Task], jobs: int = 2) -> dict[int, tuple[object, str]]:
    with WorkerPool(jobs, Limits(timeout=20)) as pool:
        return {o.key: (o.value, o.problem) for o in pool.map(tasks)}


def test_every_task_runs_once_and_comes_back_with_its_own_value() -> None:
    outcomes = _run([Task(i, "worker_tasks:nap", (i * 10, 0.01 * (i % 3))) for i in range(12)])
    assert outcomes == {i: (i * 10, "") for i in range(12)}


def test_large_tasks_and_results_pass_both_ways() -> None:
    """Megabytes each way (the analysis ships pages out and documents back)."""
    blob = "x" * 3_000_000
    outcomes = _run([Task(i, "worker_tasks:echo", (blob + str(i),)) for i in range(6)])
    assert outcomes == {i: (blob + str(i), "") for i in range(6)}


def test_a_task_that_overruns_is_stopped_and_the_others_still_run() -> None:
    tasks = [Task(0, "worker_tasks:nap", (0, 30), timeout=1.0)]
    tasks += [Task(i, "worker_tasks:nap", (i, 0.3)) for i in range(1, 8)]
    outcomes = _run(tasks)
    assert outcomes[0] == (None, "timeout")
    assert {k: v for k, v in outcomes.items() if k} == {i: (i, "") for i in range(1, 8)}


def test_a_worker_that_dies_fails_only_its_own_task() -> None:
    tasks = [Task(0, "worker_tasks:nap", (0, 0.2)), Task(1, "worker_tasks:die", (1,))]
    tasks += [Task(i, "worker_tasks:nap", (i, 0.05)) for i in range(2, 9)]
    outcomes = _run(tasks)
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

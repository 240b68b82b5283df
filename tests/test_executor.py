"""The query child's life (kg.store.executor): recycled after ``max_jobs`` jobs by a successor forked and started
ahead, so no job waits for a start but the first, one after a kill, and one after a successor died."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from forked import in_forked_process, reaches
from kg.store import QueryRequest as Job
from kg.store.executor import SPARE_AT, Executor

ASK = Job('ASK { <http://x/a> <http://x/p> "1" }', form="ASK")


@pytest.fixture()
def store() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("1")))
    return store


def killed(pid: int) -> None:
    """SIGKILL ``pid`` and wait until it is dead (a zombie, left for the executor to reap)."""
    os.kill(pid, signal.SIGKILL)
    for _ in range(1000):
        stat = Path(f"/proc/{pid}/stat")
        if not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return
        time.sleep(0.005)


def alive(pid: int) -> bool:
    """Not reaped yet (a zombie counts: it still holds a process slot)."""
    return os.path.exists(f"/proc/{pid}")


def test_a_worn_child_is_replaced_by_a_successor_already_started(store: ox.Store) -> None:
    executor = Executor(store, isolate=False, max_jobs=10)
    forks: list[int] = []  # the job count at which each child was forked
    fork = executor._fork

    def counted():
        forks.append(sum(1 for _ in jobs))
        return fork()

    executor._fork = counted  # type: ignore[method-assign]
    jobs: list[int | None] = []
    for _ in range(35):
        assert executor.run(ASK, timeout=10).body
        jobs.append(executor.child_pid)
        if executor._spare is not None:  # jobs slower than a start (in a burst the old child serves on, see below)
            assert executor._spare.said_ready(10)
    children = list(dict.fromkeys(jobs))
    assert len(children) == 4 and [jobs.count(pid) for pid in children] == [10, 10, 10, 5]
    # the first child was forked by the first job; each successor while its predecessor still served
    assert forks == [0] + [n * 10 + int(SPARE_AT * 10) - 1 for n in range(3)]
    assert all(not alive(pid) for pid in children[:2])  # retired children are reaped as jobs go on
    executor.close()
    assert not any(alive(pid) for pid in children)


def test_in_a_burst_the_worn_child_serves_on_until_its_successor_is_ready(store: ox.Store) -> None:
    executor = Executor(store, isolate=False, max_jobs=10)
    pids = [executor.run(ASK, timeout=10) and executor.child_pid for _ in range(60)]
    counts = [pids.count(pid) for pid in dict.fromkeys(pids)]
    assert len(counts) >= 3 and all(10 <= n <= 20 for n in counts[:-1])  # never past twice max_jobs
    executor.close()


def test_a_successor_that_died_is_forked_again_and_no_job_fails(store: ox.Store) -> None:
    executor = Executor(store, isolate=False, max_jobs=10)
    for _ in range(int(SPARE_AT * 10)):
        executor.run(ASK, timeout=10)
    first = executor.child_pid
    assert executor._spare is not None
    spare = executor._spare.pid
    killed(spare)
    pids = []
    for _ in range(15):
        assert executor.run(ASK, timeout=10).body  # the worn child serves on while another successor starts
        pids.append(executor.child_pid)
    assert pids[0] == first and spare not in pids and len(set(pids)) >= 2
    executor.close()


def test_after_a_child_died_the_next_job_gets_a_fresh_one(store: ox.Store) -> None:
    executor = Executor(store, isolate=False, max_jobs=10)
    executor.run(ASK, timeout=10)
    first = executor.child_pid
    assert first is not None
    killed(first)  # between jobs (the kernel's OOM killer): the next job gets a fresh child, not an error
    assert executor.run(ASK, timeout=10).body and executor.child_pid not in (None, first)
    executor.close()


def test_a_child_started_ahead_serves_the_first_job(store: ox.Store) -> None:
    executor = Executor(store, isolate=False, max_jobs=10)
    executor.prestart()
    assert executor.child_pid is None and executor._spare is not None
    started = executor._spare.pid
    executor._fork = None  # type: ignore[assignment]  # a second fork would fail this test
    assert executor.run(ASK, timeout=10).body and executor.child_pid == started
    executor.prestart()  # a process with a child starts no other
    assert executor._spare is None
    executor.close()


def test_each_gunicorn_worker_confines_itself_and_forks_its_query_child_as_it_boots() -> None:
    """kg.web.server's post_worker_init hook, on the app gunicorn loaded, run in a forked process as in a worker
    (never in this one: it would lose the network): the worker enters a network namespace of its own, can connect
    nowhere, and its first child is forked."""
    import socket
    from types import SimpleNamespace

    from kg.config import Settings
    from kg.store.sandbox import network_confined, sandbox_available
    from kg.web import create_app
    from kg.web.deps import STORE
    from kg.web.server import boot_worker, gunicorn_options

    assert gunicorn_options(Settings())["post_worker_init"] is boot_worker
    app = create_app(Settings())
    served = app.extensions[STORE]
    assert served.query_child_pids == []

    def boot() -> dict:
        boot_worker(SimpleNamespace(wsgi=app, log=None))
        pids = served.query_child_pids + [e._spare.pid for e in served._pool._all if e._spare is not None]
        report = {"confined": network_confined(), "reached": reaches(port), "children": [alive(p) for p in pids]}
        served.stop_query_children()
        return report

    with socket.create_server(("127.0.0.1", 0)) as listener:  # reachable from here, not from a confined worker
        port = listener.getsockname()[1]
        report = in_forked_process(boot)
    assert report["children"] == [True]
    if sandbox_available()[0]:
        assert report == {"confined": True, "reached": False, "children": [True]}
    assert not network_confined()  # this process was never confined

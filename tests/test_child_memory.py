"""What forked processes keep to themselves: a query child gives back what a heavy query left it holding
(kg.store.trim), measured from outside on a real child over a real on-disk store, with the rule that decides when it
looks; and a collection in a forked process leaves the master's objects shared (kg.web.server)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.store.trim as trim
from kg.store import QueryRequest as Job
from kg.store.disk import DiskStore
from kg.store.executor import Executor

ASK = Job('ASK { ?s ?p "1" }', form="ASK")
#: 490,000 distinct strings of ~70 bytes counted: ~50 MiB of the engine's memory while it runs, 0.7 s.
VALUES = " ".join(str(i) for i in range(700))
HEAVY = Job(f"""SELECT (COUNT(DISTINCT ?k) AS ?n) WHERE {{ VALUES ?a {{ {VALUES} }} VALUES ?b {{ {VALUES} }}
  BIND(CONCAT(STR(?a), "-", STR(?b), "-and-some-padding-to-make-every-key-longer") AS ?k) }}""", form="SELECT")


def private_mib(pid: int) -> float:
    """Private dirty memory of ``pid``: what it allocated and what it copied of its parent's pages."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Private_Dirty:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no Private_Dirty")


@pytest.fixture()
def disk(tmp_path: Path) -> DiskStore:
    store = ox.Store(str(tmp_path / "store"))
    store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("1")))
    store.flush()
    del store
    return DiskStore(tmp_path / "store")


@pytest.mark.parametrize("keeps", [False, True], ids=["trims", "keeps (the control)"])
def test_a_child_gives_back_what_a_heavy_query_left(disk: DiskStore, keeps: bool,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """After the heavy query the child is back near its size (its handle dropped and reopened for the next query);
    with the limit out of reach it keeps ~45 MiB more — what the test would see if trimming did nothing."""
    # before the child forks: it inherits the module
    monkeypatch.setattr(trim, "MOST_KEPT", 1 << 40 if keeps else 8 << 20)
    executor = Executor(disk, isolate=False)
    try:
        assert executor.run(ASK, timeout=30).body.endswith(b"true}")
        pid = executor.child_pid
        assert pid is not None
        before = private_mib(pid)
        answer = executor.run(HEAVY, timeout=60)
        assert b'"490000"' in answer.body
        time.sleep(0.2)  # the child gives memory back once idle for IDLE_SECONDS
        grown = private_mib(pid) - before
        assert executor.child_pid == pid  # the same child: memory given back, not a new process
        if keeps:
            assert grown > 24, f"the heavy query left only {grown:.0f} MiB: it no longer tests anything"
        else:
            assert grown < 8, f"the child kept {grown:.0f} MiB after the heavy query"
        assert executor.run(ASK, timeout=30).body.endswith(b"true}")  # the handle, dropped, opens again
    finally:
        executor.close()


def test_light_queries_are_not_followed_by_a_look(monkeypatch: pytest.MonkeyPatch) -> None:
    looks: list[int] = []
    sizes = iter([0] + [1 << 40] * 10)  # at start, then always grown

    def measured() -> int:
        looks.append(1)
        return next(sizes)

    monkeypatch.setattr(trim, "private_bytes", measured)
    monkeypatch.setattr(trim, "give_back_memory", lambda: None)
    dropped: list[int] = []
    trimmer = trim.Trimmer(lambda: dropped.append(1))
    assert [trimmer.after_job(0.001) for _ in range(trim.CHECK_EVERY - 1)] == [False] * (trim.CHECK_EVERY - 1)
    assert trimmer.after_job(0.001) is True  # every CHECK_EVERY-th query is looked after too
    assert len(looks) == 1 and not dropped  # only the size at start: the look waits for the child to be idle
    assert trimmer.when_idle() is True and len(dropped) == 1 and not trimmer.due
    assert trimmer.after_job(trim.HEAVY_SECONDS) is True
    assert trimmer.when_idle() is False  # the baseline moved to what it held after giving back
    assert len(dropped) == 1 and trimmer.trims == 1


def test_a_child_that_did_not_grow_keeps_its_handle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trim, "private_bytes", lambda: 100 << 20)
    dropped: list[int] = []
    trimmer = trim.Trimmer(lambda: dropped.append(1))
    assert trimmer.after_job(5.0) is True and trimmer.when_idle() is False
    assert not dropped and trimmer.trims == 0 and not trimmer.due


FORKED = """
import gc, os, sys
from kg.web.server import keep_shared_after_fork
class Thing:
    def __init__(self, n):
        self.n, self.parts = n, [str(n)]
made_before = [Thing(i) for i in range(300_000)]  # ~80 MiB of objects the collector tracks
if sys.argv[1] == "frozen":
    keep_shared_after_fork()
pid = os.fork()
if pid == 0:
    gc.collect()  # what a worker's or a query child's collector does sooner or later
    with open("/proc/self/smaps_rollup") as rollup:
        print(sum(int(line.split()[1]) for line in rollup if line.startswith("Private_Dirty:")) // 1024)
    sys.stdout.flush()
    os._exit(0)
os.waitpid(pid, 0)
"""


@pytest.mark.parametrize("mode", ["frozen", "as before"])
def test_objects_made_before_the_fork_stay_shared_after_a_collection(mode: str) -> None:
    """kg.web.server.keep_shared_after_fork (called in the master before gunicorn forks): a collection in a forked
    process no longer copies the pages of every object the master made (the control, unfrozen, copies ~40 MiB)."""
    done = subprocess.run([sys.executable, "-c", FORKED, mode], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    private_mib = int(done.stdout.strip())
    if mode == "frozen":
        assert private_mib < 12, f"the forked process copied {private_mib} MiB"
    else:
        assert private_mib > 30, f"the control copied only {private_mib} MiB: it no longer tests anything"

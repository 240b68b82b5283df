"""Measuring tools: interleaved latency samples, fixed-duration throughput at a concurrency, process-tree memory.

A *client factory* returns a fresh callable per thread (an HTTP client owns a requests.Session); the callable runs
one request of an item and raises on failure. Every loop is bounded by a time budget and a request count.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import threading
import time
import typing as t
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

Call = t.Callable[[], None]
ClientFactory = t.Callable[[], Call]


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``samples``; NaN when empty.

    >>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)
    (5, 10)
    """
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


@dataclass
class Latency:
    """Latency samples in seconds for one (item, target) pair."""

    samples: list[float] = field(default_factory=list)
    errors: int = 0
    last_error: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)


def interleaved_latency(calls: dict[str, Call], *, budget: float = 2.0, min_rounds: int = 5,
                        max_rounds: int = 300, warmup: int = 2) -> dict[str, Latency]:
    """Time ``calls`` one after the other in rounds (rotating the order) until ``budget`` s per target is spent.

    Interleaving means background load (other engineers' tests) hits every target alike.
    """
    names = list(calls)
    for name in names:
        for _ in range(warmup):
            try:
                calls[name]()
            except Exception:  # noqa: BLE001 - counted in the timed rounds
                break
    results = {name: Latency() for name in names}
    deadline = time.perf_counter() + budget * len(names)
    for round_no in range(max_rounds):
        if round_no >= min_rounds and time.perf_counter() > deadline:
            break
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            try:
                calls[name]()
            except Exception as exc:  # noqa: BLE001 - reported, not fatal
                results[name].errors += 1
                results[name].last_error = f"{type(exc).__name__}: {exc}"[:200]
                continue
            results[name].samples.append(time.perf_counter() - started)
    return results


@dataclass
class Throughput:
    """Completed requests per second at a concurrency over a fixed duration."""

    completed: int
    errors: int
    seconds: float
    concurrency: int
    last_error: str = ""

    @property
    def rate(self) -> float:
        return self.completed / self.seconds if self.seconds else float("nan")


def throughput(factory: ClientFactory, *, concurrency: int = 8, duration: float = 5.0,
               max_requests: int = 100_000) -> Throughput:
    """Run ``concurrency`` threads, each with its own client, for ``duration`` s (or ``max_requests`` in all)."""
    lock = threading.Lock()
    state = {"started": 0, "completed": 0, "errors": 0, "last_error": ""}
    ready = threading.Barrier(concurrency + 1)
    go = threading.Event()
    deadline_box: list[float] = []

    def worker() -> None:
        call = factory()
        with contextlib.suppress(Exception):  # warm the connection outside the timed window; the loop counts failures
            call()
        ready.wait(timeout=600)
        go.wait(timeout=600)
        deadline = deadline_box[0]
        while time.perf_counter() < deadline:
            with lock:
                if state["started"] >= max_requests:
                    return
                state["started"] += 1
            try:
                call()
            except Exception as exc:  # noqa: BLE001 - counted
                with lock:
                    state["errors"] += 1
                    state["last_error"] = f"{type(exc).__name__}: {exc}"[:200]
                continue
            with lock:
                state["completed"] += 1

    with ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(worker) for _ in range(concurrency)]
        ready.wait(timeout=600)
        started = time.perf_counter()
        deadline_box.append(started + duration)
        go.set()
        for future in futures:
            future.result(timeout=duration + 600)
        elapsed = time.perf_counter() - started
    return Throughput(state["completed"], state["errors"], elapsed, concurrency, state["last_error"])


# --- memory of a process tree, from /proc ------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(x) for x in handle.read().split()]
    except OSError:
        return []


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (gunicorn master, workers, their query children)."""
    seen, todo = [], [root]
    while todo and len(seen) < 1000:
        pid = todo.pop()
        seen.append(pid)
        todo.extend(_children(pid))
    return seen


def rss_bytes(pid: int) -> int:
    """Resident set size of one process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def pss_bytes(pid: int) -> int:
    """Proportional set size (shared pages split between sharers), so a sum over a tree counts them once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class MemorySampler:
    """Samples the summed RSS (every ``interval`` s) and PSS of a process tree; keeps peaks.

    PSS comes from ``smaps_rollup``, which walks every page table of a process under its memory-map lock: a busy
    process's ``mmap``/``madvise`` wait for it (a 1.9 GB kg worker served half its page rate while being read every
    2 s). With ``pss_in_windows`` PSS is read only inside :meth:`pss_window` (a load run of its own) and by
    :meth:`sample`; otherwise every 4th tick. RSS (``statm``: counters, no walk) is read every tick.
    """

    def __init__(self, root: int, interval: float = 0.2, *, pss_in_windows: bool = False) -> None:
        self.root = root
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_processes = 0
        self.pss_in_windows = pss_in_windows
        self._window = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            self.sample(with_pss=self._window.is_set() if self.pss_in_windows else tick % 4 == 0)
            tick += 1
            self._stop.wait(self.interval)

    def sample(self, *, with_pss: bool = True) -> None:
        pids = process_tree(self.root)
        self.peak_processes = max(self.peak_processes, len(pids))
        self.peak_rss = max(self.peak_rss, sum(rss_bytes(p) for p in pids))
        if with_pss:
            self.peak_pss = max(self.peak_pss, sum(pss_bytes(p) for p in pids))

    @contextlib.contextmanager
    def pss_window(self) -> t.Iterator[None]:
        """PSS sampled every tick while the block runs (the load whose peak is wanted), and once at its end."""
        self._window.set()
        try:
            yield
        finally:
            self._window.clear()
            self.sample()

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def fresh_process_rss(path: Path, *, timeout: float = 1800) -> int:
    """Peak RSS of a fresh Python process that imports pyoxigraph and bulk-loads ``path`` (the in-process footprint,
    the local limit's memory)."""
    code = ("import resource, sys, pyoxigraph as ox; s = ox.Store(); "
            "s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=timeout)
    return int(done.stdout.strip() or 0)

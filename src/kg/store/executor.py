"""Run user queries in a forked child process, so a query past its time limit can really be stopped.

pyoxigraph cannot cancel a running query and ignores signals while it runs (reference/engines.md), so the
only way to stop one is to kill the process running it. Each serving process (a gunicorn worker, or the
Flask test client's process) forks ONE persistent child (kg.store.child), on its first job or as a gunicorn worker
boots (:meth:`Executor.prestart`), that shares the loaded store copy-on-write, receives jobs over a pipe, runs them,
serialises the result to bytes and sends them back. The parent waits at most ``timeout`` seconds; past that it
SIGKILLs the child, raises :class:`QueryTimeout` (503), and forks a fresh child on the next job. The parent's store
is never touched by user queries but streaming ones in a confined worker (kg.store.embedded). The child dies with
its parent (``PR_SET_PDEATHSIG``), so no query outlives the worker that asked for it.

The child is recycled after ``max_jobs`` jobs so memory it accumulates is returned to the system. Its successor
is forked once the child has done :data:`SPARE_AT` of them, and takes over when it says it is ready: the sandbox and
opening an on-disk store happen while the old child still serves. A start cost the job that found the child worn
out 20-45 ms at 1 M quads (every 500th query); now the fork alone, 3-8 ms, falls on one job. A job waits for a start
only when there is no ready child at all (the first job, after a kill), or when the old child has done twice
``max_jobs`` while its successor is still not ready.

An on-disk (RocksDB) store must not be used through a handle opened in another process, so the executor can
be given a callable instead of a store: the child calls it to get a handle of its own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import tempfile
import threading
import typing as t
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection

from kg.errors import KgError, QueryError, QueryTimeout, StoreUnavailable
from kg.store import QueryRequest, QueryResponse
from kg.store.child import READY, Confinement, StoreSource, child_main
from kg.store.sandbox import sandbox_available

log = logging.getLogger(__name__)

#: Share of ``max_jobs`` after which a child's successor is forked in the background.
SPARE_AT = 0.9


class QueryMemoryExceeded(StoreUnavailable):
    """The query needed more memory than a query child may use: 503 (a smaller query, or later, may pass)."""


class QueryTooDeep(QueryError):
    """The engine's stack overflowed on the query's nesting: 400."""


@dataclass(eq=False)
class _Child:
    """One forked query child: its PID, the parent's end of its pipe, the file its stderr goes to."""

    pid: int
    conn: Connection
    stderr: t.IO[bytes]
    jobs: int = 0
    ready: bool = False
    dead: bool = False

    def said_ready(self, wait: float = 0.0) -> bool:
        """Whether it has said :data:`READY` (waiting up to ``wait`` s for it); False while it starts, or when it
        died first (then ``dead``)."""
        if not self.ready and not self.dead:
            try:
                if self.conn.poll(wait):
                    self.ready = self.conn.recv() == READY
                    self.dead = not self.ready
            except (EOFError, OSError):
                self.dead = True
        return self.ready

    def exited(self) -> bool:
        """Whether it has exited (then reaped here); a child can die between jobs (the kernel's OOM killer)."""
        try:
            return os.waitpid(self.pid, os.WNOHANG) != (0, 0)
        except ChildProcessError:
            return True


class Executor:
    """One persistent query child per process; :meth:`run` sends a job and waits at most ``timeout`` s.

    ``isolate`` None means: isolate when this machine allows it (kg.store.sandbox), else warn and run without;
    True requires it (StoreUnavailable when the OS cannot), False never isolates (an allow-listed SERVICE needs
    the network).
    """

    def __init__(self, store: StoreSource, *, max_jobs: int = 500, isolate: bool | None = None,
                 memory_limit: int | None = None) -> None:
        self._store = store
        self._max_jobs = max_jobs
        self._isolate = isolate
        self._memory_limit = memory_limit
        self._owner = os.getpid()
        self._lock = threading.Lock()
        self._child: _Child | None = None
        self._spare: _Child | None = None
        self._retired: list[int] = []
        self._last: _Child | None = None  # the last child retired: its stderr tells why it died

    @property
    def child_pid(self) -> int | None:
        """PID of the current child (None before the first job or after a kill)."""
        return self._child.pid if self._child is not None else None

    def _forget_inherited(self) -> None:
        """After a fork (gunicorn worker from the preloaded master), the old children are not ours: drop them."""
        if os.getpid() != self._owner:
            for child in (self._child, self._spare):
                if child is not None:
                    with contextlib.suppress(OSError):
                        child.conn.close()
            self._child = self._spare = None
            self._retired = []
            self._owner = os.getpid()
            self._lock = threading.Lock()

    def _confinement(self, stderr: t.IO[bytes]) -> Confinement:
        isolate = self._isolate
        if isolate is not False:
            available, why = sandbox_available()
            if not available and isolate:
                raise StoreUnavailable(f"the query sandbox is required but this machine cannot isolate it: {why}")
            if not available:
                log.warning("query children run WITHOUT network isolation: %s", why)
            isolate = available
        return Confinement(bool(isolate), self._memory_limit, stderr.fileno())

    def last_words(self) -> str:
        """What the current (or last) child wrote to stderr before it died (the engine's abort message)."""
        child = self._child or self._last
        if child is None:
            return ""
        child.stderr.seek(0)
        return child.stderr.read(65536).decode("utf-8", "replace")

    def _fork(self) -> _Child:
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the last reference to its child
        confinement = self._confinement(stderr)
        parent_end, child_end = Pipe(duplex=True)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            parent_end.close()
            child_main(child_end, self._store, parent, confinement)
        child_end.close()
        return _Child(pid, parent_end, stderr)

    def _retire(self, child: _Child | None) -> None:
        """SIGKILL ``child``; it is reaped later, off the request's path (safe to call with None)."""
        if child is None:
            return
        with contextlib.suppress(OSError):
            child.conn.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)
        self._retired.append(child.pid)
        self._last = child

    def _reap(self, block: bool = False) -> None:
        for pid in list(self._retired):
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, 0 if block else os.WNOHANG)[0] == 0:
                    continue
            self._retired.remove(pid)

    def reap_retired(self) -> None:
        """Reap children killed earlier, unless a job holds this executor now (then the job does): for callers off
        its path, such as a streaming query answered in this process (kg.store.embedded)."""
        if self._retired and self._lock.acquire(blocking=False):
            try:
                self._reap()
            finally:
                self._lock.release()

    def _current(self, timeout: float) -> _Child:
        """The child to give the next job: a worn-out one serves on until its spare is ready, for at most twice
        ``max_jobs``; then, or when there is no child, a job waits for a start. A child or spare that has exited (a
        spare's death included) is dropped first; run() forks another spare."""
        if self._child is not None and self._child.exited():
            self._stop()
        if self._spare is not None and self._spare.exited():
            self._retire(self._spare)
            self._spare = None
        child, spare = self._child, self._spare
        if child is not None and child.jobs < self._max_jobs:
            return child
        if child is not None and child.jobs < 2 * self._max_jobs and (spare is None or not spare.said_ready()):
            return child  # its successor is still starting: the old child serves a little longer
        self._stop()
        self._spare = None
        if spare is None or not spare.said_ready(timeout):
            self._retire(spare)
            spare = self._fork()
            if not spare.said_ready(timeout):
                self._retire(spare)
                raise self._death_cause()
        self._child = spare
        return spare

    def _stop(self) -> None:
        """Kill the current child (a time-out or a broken pipe): the next job gets a fresh one."""
        self._retire(self._child)
        self._child = None

    def run(self, job: QueryRequest, *, timeout: float) -> QueryResponse:
        """Run ``job`` in the child; past ``timeout`` seconds kill it and raise :class:`QueryTimeout`.

        :raises QueryTimeout: the time limit fired (503); the next call starts a fresh child.
        :raises QueryError: the query is malformed (400).
        :raises StoreUnavailable: the child died unexpectedly (503).
        """
        self._forget_inherited()
        with self._lock:
            self._reap()
            child = self._current(timeout)
            child.jobs += 1
            if child.jobs >= SPARE_AT * self._max_jobs and self._spare is None:
                # forked here, not in a thread of its own: a child dies with the thread that forked it (PDEATHSIG)
                self._spare = self._fork()
            try:
                child.conn.send(job)
                ready = child.conn.poll(timeout)
            except OSError:
                self._stop()
                raise StoreUnavailable("the query engine stopped unexpectedly; please retry") from None
            if not ready:
                self._stop()
                raise QueryTimeout(f"the query ran longer than the time limit of {timeout:g} s and was stopped")
            try:
                reply = child.conn.recv()
            except (EOFError, OSError):
                self._stop()
                raise self._death_cause() from None
        if reply[0] == "ok":
            return reply[1]
        _, status, message = reply
        error = {400: QueryError, 503: StoreUnavailable}.get(status, KgError)
        raise error(message)

    def prestart(self) -> None:
        """Fork this process's first child now (a worker at boot): the first job then finds it ready."""
        self._forget_inherited()
        with self._lock:
            if self._child is None and self._spare is None:
                self._spare = self._fork()

    def _death_cause(self) -> KgError:
        """Why the child died mid-query, from its last words: memory limit (503), stack overflow (400), else 503."""
        words = self.last_words()
        if "memory allocation" in words or "MemoryError" in words:
            limit = f" of {self._memory_limit // 2**20} MB" if self._memory_limit else ""
            return QueryMemoryExceeded(f"the query needed more memory than the limit{limit} per query and was stopped")
        if "overflowed its stack" in words or "stack overflow" in words:
            return QueryTooDeep("the query is nested too deeply for the engine")
        return StoreUnavailable("the query engine stopped unexpectedly; please retry")

    def close(self) -> None:
        """Stop the children, if this process started them."""
        if os.getpid() == self._owner:
            with self._lock:
                self._stop()
                self._retire(self._spare)
                self._spare = None
                self._reap(block=True)

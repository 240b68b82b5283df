"""A few query children per serving process, so that concurrent user queries (one per server thread) each get one.

A query borrows an idle :class:`kg.store.executor.Executor` (forking a new child while fewer than ``size`` exist) and
gives it back when its answer is in. How many queries may run at once across the whole server is decided above
the store (kg.sparql.admission); ``size`` only caps the children one process keeps. After a fork (gunicorn
workers from the preloaded master) the pool starts empty in the new process.
"""

from __future__ import annotations

import os
import threading

from kg.store import QueryRequest, QueryResponse
from kg.store.child import StoreSource
from kg.store.executor import Executor


class ExecutorPool:
    """Up to ``size`` executors (query children) for this process, created on demand and reused."""

    def __init__(self, store: StoreSource, *, size: int, isolate: bool | None, memory_limit: int | None) -> None:
        self._store = store
        self._size = max(1, size)
        self._isolate = isolate
        self._memory_limit = memory_limit
        self._reset()

    def _reset(self) -> None:
        """A new process owns no children of its parent's: start over (the inherited ones are the parent's)."""
        self._owner = os.getpid()
        self._idle: list[Executor] = []
        self._all: list[Executor] = []
        self._available = threading.Condition()

    def _borrow(self) -> Executor:
        if os.getpid() != self._owner:
            self._reset()
        with self._available:
            while not self._idle and len(self._all) >= self._size:
                self._available.wait()
            if self._idle:
                return self._idle.pop()
            executor = Executor(self._store, isolate=self._isolate, memory_limit=self._memory_limit)
            self._all.append(executor)
            return executor

    def _give_back(self, executor: Executor) -> None:
        with self._available:
            self._idle.append(executor)
            self._available.notify()

    def run(self, job: QueryRequest, *, timeout: float) -> QueryResponse:
        """Run ``job`` in one of this process's query children (see :meth:`Executor.run` for the errors)."""
        executor = self._borrow()
        try:
            return executor.run(job, timeout=timeout)
        finally:
            self._give_back(executor)

    def reap(self) -> None:
        """Reap the children killed earlier (a time-out's) that no job has reaped yet, without waiting for a job."""
        if os.getpid() == self._owner:
            for executor in list(self._all):
                executor.reap_retired()

    def prestart(self) -> None:
        """Fork one query child now; it confines itself and opens the store while this process goes on (kg.web.server
        calls it as each worker boots)."""
        executor = self._borrow()
        try:
            executor.prestart()
        finally:
            self._give_back(executor)

    @property
    def child_pids(self) -> list[int]:
        """The PIDs of this process's live query children."""
        return [e.child_pid for e in self._all if e.child_pid is not None]

    def close(self) -> None:
        """Stop every child this process started."""
        if os.getpid() != self._owner:
            return
        with self._available:
            for executor in self._all:
                executor.close()

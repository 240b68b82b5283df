"""Run user queries in a forked child process, so a query past its time limit can really be stopped.

pyoxigraph cannot cancel a running query and ignores signals while it runs (reference/engines.md), so the
only way to stop one is to kill the process running it. Each serving process (a gunicorn worker, or the
Flask test client's process) lazily forks ONE persistent child that shares the loaded store copy-on-write,
receives jobs over a pipe, runs them, serialises the result to bytes and sends them back. The parent waits
at most ``timeout`` seconds; past that it SIGKILLs and reaps the child, raises :class:`QueryTimeout` (503), and
forks a fresh child on the next job. The parent's store is never touched by user queries. The child is
recycled after ``max_jobs`` jobs so memory it accumulates is returned to the system, and it dies with its
parent (``PR_SET_PDEATHSIG``), so no query outlives the worker that asked for it.

An on-disk (RocksDB) store must not be used through a handle opened in another process, so the executor can
be given a callable instead of a store: the child calls it on each job to get a handle of its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import tempfile
import threading
import typing as t
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.errors import KgError, QueryError, QueryTimeout, StoreUnavailable
from kg.store import QueryRequest, QueryResponse
from kg.store.results import write_result
from kg.store.sandbox import isolate_network, limit_memory, sandbox_available

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
#: How much less CPU priority a query child has than the server that forked it.
QUERY_NICENESS = 10
_RESET_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGCHLD", "SIGTTIN",
                  "SIGTTOU", "SIGALRM", "SIGABRT")


#: A store, or a callable that returns this process's handle to it (on-disk stores open one per process).
StoreSource = ox.Store | t.Callable[[], ox.Store]


def resolve_store(source: StoreSource) -> ox.Store:
    """The store to query in this process (calls ``source`` unless it is a store already)."""
    return source if isinstance(source, ox.Store) else source()


def _named(uri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(uri)
    except ValueError:
        raise QueryError(f"invalid graph IRI {uri!r}") from None


def query_options(job: QueryRequest) -> dict[str, t.Any]:
    """pyoxigraph ``Store.query`` keywords for the job's dataset (protocol graphs > FROM > union default)."""
    options: dict[str, t.Any] = {"base_iri": job.base_iri or None}
    if job.default_graph_uris or job.named_graph_uris:
        options["default_graph"] = [_named(u) for u in job.default_graph_uris]
        options["named_graphs"] = [_named(u) for u in job.named_graph_uris]
    elif not job.has_dataset_clause:
        options["use_default_graph_as_union"] = True
    return options


def syntax_message(exc: SyntaxError, *, limit: int = 240) -> str:
    """pyoxigraph's message ("error at 2:9: expected one of ...") shortened for an HTTP answer.

    >>> syntax_message(SyntaxError("error at 1:5: expected one of " + "x, " * 200))[:40]
    'SPARQL syntax error at 1:5: expected one'
    >>> syntax_message(SyntaxError("error at 1:5: expected one of " + "x, " * 200))[-3:]
    ', …'
    """
    text = " ".join(str(exc).split())
    text = text if text.startswith("error at") else f"error: {text}"
    return "SPARQL syntax " + (text if len(text) <= limit else text[:limit].rstrip() + " …")


def run_job(store: ox.Store, job: QueryRequest) -> QueryResponse:
    """Run ``job`` on ``store`` in this process and serialise the result (stopping at ``max_rows``).

    :raises QueryError: syntax error (message with line:column) or an evaluation error.
    """
    try:
        result = store.query(job.query, **query_options(job))
        return write_result(result, job.media_type, job.max_rows, job.form, job.max_bytes)
    except SyntaxError as exc:
        raise QueryError(syntax_message(exc)) from None
    except OSError as exc:
        raise StoreUnavailable(f"the query failed while reading or calling out: {exc}") from None
    except KgError:
        raise
    except Exception as exc:  # an engine error about this query, not a bug of ours
        raise QueryError(f"the query could not be evaluated: {exc}") from None


def _child_main(conn: Connection, store: StoreSource, parent: int, confinement: Confinement) -> t.NoReturn:
    """The child's loop: receive a QueryRequest, answer ("ok", QueryResponse) or ("error", status, message)."""
    for name in _RESET_SIGNALS:
        with contextlib.suppress(AttributeError, OSError, ValueError):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)
    try:
        if confinement.stderr is not None:
            os.dup2(confinement.stderr, 2)  # the engine's last words (abort messages) for the parent to read
        if confinement.isolate:
            isolate_network()  # no interface but a loopback that is down: no connection can leave
        if confinement.memory_limit:
            limit_memory(confinement.memory_limit)
        os.nice(QUERY_NICENESS)  # pages and cheap requests get the CPU before a user's long query
    except BaseException:
        os._exit(3)  # never serve a query unconfined when confinement was asked for
    try:
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                os._exit(0)
            try:
                reply: tuple[t.Any, ...] = ("ok", run_job(resolve_store(store), job))
            except KgError as exc:
                reply = ("error", exc.status, str(exc))
            conn.send(reply)
    except BaseException:  # never let the child fall back into the server's code
        os._exit(1)
    os._exit(0)


@dataclass(frozen=True)
class Confinement:
    """How a query child is confined (kg.store.sandbox): its own network namespace, an address-space limit."""

    isolate: bool = True
    #: Bytes of address space a child may add to what it inherits (None: no limit).
    memory_limit: int | None = None
    #: File descriptor the child's stderr goes to (set by the executor).
    stderr: int | None = None


class QueryMemoryExceeded(StoreUnavailable):
    """The query needed more memory than a query child may use: 503 (a smaller query, or later, may pass)."""


class QueryTooDeep(QueryError):
    """The engine's stack overflowed on the query's nesting: 400."""


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
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the executor
        self._lock = threading.Lock()
        self._owner = os.getpid()
        self._pid: int | None = None
        self._conn: Connection | None = None
        self._jobs = 0

    @property
    def child_pid(self) -> int | None:
        """PID of the current child (None before the first job or after a kill)."""
        return self._pid

    def _forget_inherited(self) -> None:
        """After a fork (gunicorn worker from the preloaded master), the old child is not ours: drop it."""
        if os.getpid() != self._owner:
            if self._conn is not None:
                with contextlib.suppress(OSError):
                    self._conn.close()
            self._pid, self._conn, self._jobs = None, None, 0
            self._owner = os.getpid()
            self._lock = threading.Lock()

    def _confinement(self) -> Confinement:
        isolate = self._isolate
        if isolate is not False:
            available, why = sandbox_available()
            if not available and isolate:
                raise StoreUnavailable(f"the query sandbox is required but this machine cannot isolate it: {why}")
            if not available:
                log.warning("query children run WITHOUT network isolation: %s", why)
            isolate = available
        self._stderr.seek(0)
        self._stderr.truncate()
        return Confinement(bool(isolate), self._memory_limit, self._stderr.fileno())

    def last_words(self) -> str:
        """What the last child wrote to stderr before it died (the engine's abort message)."""
        self._stderr.seek(0)
        return self._stderr.read(65536).decode("utf-8", "replace")

    def _start(self) -> None:
        confinement = self._confinement()
        parent_end, child_end = Pipe(duplex=True)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            parent_end.close()
            _child_main(child_end, self._store, parent, confinement)
        child_end.close()
        self._pid, self._conn, self._jobs = pid, parent_end, 0

    def _stop(self) -> None:
        """SIGKILL and reap the child, close the pipe (safe to call when there is none)."""
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
        self._pid, self._conn = None, None

    def run(self, job: QueryRequest, *, timeout: float) -> QueryResponse:
        """Run ``job`` in the child; past ``timeout`` seconds kill it and raise :class:`QueryTimeout`.

        :raises QueryTimeout: the time limit fired (503); the next call starts a fresh child.
        :raises QueryError: the query is malformed (400).
        :raises StoreUnavailable: the child died unexpectedly (503).
        """
        self._forget_inherited()
        with self._lock:
            if self._pid is None or self._jobs >= self._max_jobs:
                self._stop()
                self._start()
            assert self._conn is not None
            self._jobs += 1
            try:
                self._conn.send(job)
                ready = self._conn.poll(timeout)
            except OSError:
                self._stop()
                raise StoreUnavailable("the query engine stopped unexpectedly; please retry") from None
            if not ready:
                self._stop()
                raise QueryTimeout(f"the query ran longer than the time limit of {timeout:g} s and was stopped")
            try:
                reply = self._conn.recv()
            except (EOFError, OSError):
                self._stop()
                raise self._death_cause() from None
        if reply[0] == "ok":
            return reply[1]
        _, status, message = reply
        error = {400: QueryError, 503: StoreUnavailable}.get(status, KgError)
        raise error(message)

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
        """Stop the child, if this process started it."""
        if os.getpid() == self._owner:
            with self._lock:
                self._stop()

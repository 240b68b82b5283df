"""The query child's side: confine this process, then run the jobs the parent sends over a pipe (kg.store.executor).

Also what runs a job in any process (:func:`run_job`): the embedded store's own queries use it directly.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time
import typing as t
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.errors import KgError, QueryError, StoreUnavailable
from kg.store import QueryRequest, QueryResponse
from kg.store.native import FORMATS as NATIVE_FORMATS
from kg.store.native import write_natively
from kg.store.results import PastDeadline, write_result
from kg.store.sandbox import isolate_network, limit_memory
from kg.store.trim import IDLE_SECONDS, Trimmer

#: What a child sends once, when it is confined and holds its store: it may be given jobs.
READY = ("ready",)
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


def run_job(store: ox.Store, job: QueryRequest, deadline: float | None = None) -> QueryResponse:
    """Run ``job`` on ``store`` in this process and serialise the result (stopping at ``max_rows``, and at the
    monotonic ``deadline`` if given: :class:`kg.store.results.PastDeadline`).

    :raises QueryError: syntax error (message with line:column) or an evaluation error.
    """
    try:
        if deadline is not None and job.bounded is not None and job.media_type in NATIVE_FORMATS:
            text, most = job.bounded  # at most NATIVE_ROWS + 1 rows: the engine writes them within the deadline
            with contextlib.suppress(SyntaxError):  # the query as sent says what is wrong with it, if anything
                answer = write_natively(store.query(text, **query_options(job)), job.media_type, most, job.max_bytes)
                if answer is not None:
                    return answer
        result = store.query(job.query, **query_options(job))
        return write_result(result, job.media_type, job.max_rows, job.form, job.max_bytes, deadline)
    except PastDeadline:
        raise
    except SyntaxError as exc:
        raise QueryError(syntax_message(exc)) from None
    except OSError as exc:
        raise StoreUnavailable(f"the query failed while reading or calling out: {exc}") from None
    except KgError:
        raise
    except Exception as exc:  # an engine error about this query, not a bug of ours
        raise QueryError(f"the query could not be evaluated: {exc}") from None


def child_main(conn: Connection, store: StoreSource, parent: int, confinement: Confinement) -> t.NoReturn:
    """The child's loop: confine itself, open the store, say :data:`READY`, then receive a QueryRequest and answer
    ("ok", QueryResponse) or ("error", status, message), until the pipe closes."""
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
        resolve_store(store)  # an on-disk store's handle opened now (13 ms at 1 M quads), not on the first job
        trimmer = Trimmer(None if isinstance(store, ox.Store) else getattr(store, "close", None))
        conn.send(READY)
    except BaseException:
        os._exit(1)
    try:
        while True:
            if trimmer.due and not conn.poll(IDLE_SECONDS):  # idle: give back what the last queries left
                trimmer.when_idle()
            try:
                job = conn.recv()
            except (EOFError, OSError):
                os._exit(0)
            started = time.monotonic()
            try:
                reply: tuple[t.Any, ...] = ("ok", run_job(resolve_store(store), job))
            except KgError as exc:
                reply = ("error", exc.status, str(exc))
            conn.send(reply)
            del reply  # the answer's memory is free before the trimmer looks
            trimmer.after_job(time.monotonic() - started)
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

"""Run the app under gunicorn: threaded workers, the store loaded once in the master and shared by fork.

``preload_app`` creates the app (and loads the store, and the shared query slots) in the master before the workers
fork. Each worker serves ``threads`` requests at once (gunicorn's ``gthread``): a slow client or a query waiting
for its child holds a thread, not a process, and pages are served while queries run. Query children are forked
on demand per worker (kg.store.pool) and enforce the per-query time limit; gunicorn's worker ``timeout`` is only
a heartbeat. Logs (errors and access) go to stderr.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import select
import typing as t

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

from kg.config import Settings
from kg.errors import KgError
from kg.web.accesslog import AccessLogger
from kg.web.deps import STORE

#: Workers are recycled after this many requests (with jitter), a cheap guard against slow leaks.
MAX_REQUESTS = 20_000
#: Longest request line gunicorn accepts (its maximum): a GET query longer than this must be POSTed.
MAX_REQUEST_LINE = 8190
#: How long a worker thread that has just answered on a kept-alive connection waits for that connection's next
#: request before handing the connection back to the worker's poller (gunicorn's own path).
NEXT_REQUEST_WAIT_MS = 2


class KgWorker(ThreadWorker):
    """gunicorn's threaded worker, serving a kept-alive connection's next request in the thread that answered the
    last one when it comes at once, and answering an over-long request line with what to do about it.

    gunicorn hands a kept-alive connection back to the worker's main thread after each answer: the thread pool
    reports done through a pipe, the main thread registers the socket with its poller, wakes on the next request and
    submits it to the pool again. That round of two thread hand-offs cost more than the whole answer of a small
    query (a constant answer at one connection: p50 0.23 ms, 0.10 ms served in place). The thread stays only while
    the worker has no more connections than threads (none waits for a thread meanwhile) and at most
    ``NEXT_REQUEST_WAIT_MS`` for the next request; otherwise, and for a client that pauses, gunicorn's path is taken.
    """

    def handle(self, conn: t.Any) -> t.Any:
        keep = super().handle(conn)
        while keep is True and self.next_request_waiting(conn):
            keep = super().handle(conn)
        return keep

    def next_request_waiting(self, conn: t.Any) -> bool:
        """Whether ``conn``'s next request is here (or comes within the wait) and this thread may serve it."""
        if not self.alive or self.nr_conns > self.cfg.threads:
            return False
        if conn.parser.unreader.buf.getvalue():
            return True  # read ahead with the last request: the socket will not look readable for it
        # one poll(2), not gunicorn's TConn.wait_for_data: that one answers True for good once a connection's first
        # data came (its data_ready flag), and builds an epoll selector per call
        poller = select.poll()
        poller.register(conn.sock, select.POLLIN)
        return bool(poller.poll(NEXT_REQUEST_WAIT_MS))

    def handle_error(self, req: t.Any, client: t.Any, addr: t.Any, exc: BaseException) -> None:
        if isinstance(exc, LimitRequestLine):
            self.log.warning("request line over %d bytes from %s", MAX_REQUEST_LINE, (addr or ("",))[0])
            message = (f"The request line is longer than {MAX_REQUEST_LINE} bytes. Send long queries with POST "
                       "(application/sparql-query, or a form with query=), which accepts the whole query length "
                       "limit.")
            with contextlib.suppress(Exception):
                util.write_error(client, 414, "URI Too Long", message)
            return
        super().handle_error(req, client, addr, exc)


class KgApplication(BaseApplication):
    """gunicorn over a ready Flask app (no config file, no command line parsing)."""

    def __init__(self, app: t.Any, options: dict[str, t.Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> t.Any:
        return self.application


def gunicorn_options(settings: Settings) -> dict[str, t.Any]:
    """The gunicorn settings for ``settings``.

    >>> gunicorn_options(Settings(port=8080, workers=3))["bind"]
    ['127.0.0.1:8080']
    """
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return {
        "bind": [f"{host}:{settings.port}"],
        "workers": settings.workers,
        "worker_class": "kg.web.server.KgWorker",
        "threads": settings.threads,
        "preload_app": True,
        "timeout": int(settings.query_timeout) + 30,
        "limit_request_line": MAX_REQUEST_LINE,
        "keepalive": 5,
        "graceful_timeout": 5,
        "max_requests": MAX_REQUESTS,
        "max_requests_jitter": MAX_REQUESTS // 10,
        "errorlog": "-",
        "accesslog": "/dev/stderr",
        "logger_class": AccessLogger,
        "loglevel": "info",
        "proc_name": "kg-serve",
        "post_worker_init": boot_worker,
    }


def boot_worker(worker: t.Any) -> None:
    """gunicorn's ``post_worker_init``, while the worker has no other thread: confine its network like a query
    child's (an embedded store's: then streaming queries run in the worker, kg.store.embedded), then fork its first
    query child, from the worker's main thread, which lives as long as the worker: a worker's first query then finds
    it ready instead of waiting 35-50 ms at 1 M quads for its start."""
    store = getattr(worker.wsgi, "extensions", {}).get(STORE)
    confine = getattr(store, "confine", None)
    if confine is not None:
        confine()
    prestart = getattr(store, "prestart", None)
    if prestart is not None:
        try:
            prestart()
        except (KgError, OSError) as err:  # the first query starts one, and says why it cannot
            worker.log.warning("no query child at boot: %s", err)


def check_public_safety(settings: Settings) -> str | None:
    """Why this configuration must not serve the public, or None.

    A server on a non-loopback address answers the internet: its query children must be unable to open
    connections (kg.store.sandbox), unless an operator allow-listed SERVICE endpoints or uses an external store.
    """
    from kg.store.sandbox import sandbox_available

    loopback = settings.host in ("127.0.0.1", "localhost", "::1") or settings.host.startswith("127.")
    if loopback or settings.store_url or settings.service_allowlist or settings.sandbox == "off":
        return None
    available, why = sandbox_available()
    return None if available else f"query children cannot be put in a network namespace here ({why})"


def serve(settings: Settings, *, allocator: str = "system") -> None:
    """Load the store, create the app in this (master) process and run gunicorn until stopped; ``allocator`` is
    the malloc in effect (kg.allocator): glibc's is tuned here, the others need no tuning.

    :raises SystemExit: a public address without the OS sandbox (see :func:`check_public_safety`).
    """
    from kg.web import create_app

    problem = check_public_safety(settings)
    if problem:
        raise SystemExit(f"kg serve: refusing to listen on {settings.host}: {problem}. Run as root or enable "
                         "unprivileged user namespaces, or set --host 127.0.0.1 behind a proxy you trust.")

    if allocator == "system":
        limit_malloc_arenas()
    app = create_app(settings)
    keep_shared_after_fork()
    KgApplication(app, gunicorn_options(settings)).run()


def keep_shared_after_fork() -> None:
    """Move every object made so far (modules, the app, the warm-up's tables) out of the cyclic collector's reach:
    a collection in a worker or query child writes to the header of every object it visits, which copies the page
    holding it, so each forked process ended up with a private copy of most of the master's heap."""
    gc.collect()
    gc.freeze()


#: glibc's mallopt parameter for the number of malloc arenas.
_M_ARENA_MAX = -8


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas before any thread starts: by default each thread may get an arena of its own
    (up to 8 per core), and a worker's 16 threads would each keep freed memory in theirs."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, arenas)

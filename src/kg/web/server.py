"""Run the app under gunicorn: sync workers, the store loaded once in the master and shared by fork.

``preload_app`` creates the app (and loads the store) in the master before the workers fork, so N workers
cost one copy of the data (copy-on-write). Each worker forks its own query child lazily (kg.store.executor),
which enforces the per-query time limit; gunicorn's own worker ``timeout`` is only a backstop above it.
Logs (errors and access) go to stderr.
"""

from __future__ import annotations

import typing as t

from gunicorn.app.base import BaseApplication

from kg.config import Settings

#: Workers are recycled after this many requests (with jitter), a cheap guard against slow leaks.
MAX_REQUESTS = 20_000


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
        "worker_class": "sync",
        "preload_app": True,
        "timeout": int(settings.query_timeout) + 30,
        "graceful_timeout": 5,
        "max_requests": MAX_REQUESTS,
        "max_requests_jitter": MAX_REQUESTS // 10,
        "errorlog": "-",
        "accesslog": "/dev/stderr",
        "loglevel": "info",
        "proc_name": "kg-serve",
    }


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


def serve(settings: Settings) -> None:
    """Load the store, create the app in this (master) process and run gunicorn until stopped.

    :raises SystemExit: a public address without the OS sandbox (see :func:`check_public_safety`).
    """
    from kg.web import create_app

    problem = check_public_safety(settings)
    if problem:
        raise SystemExit(f"kg serve: refusing to listen on {settings.host}: {problem}. Run as root or enable "
                         "unprivileged user namespaces, or set --host 127.0.0.1 behind a proxy you trust.")

    app = create_app(settings)
    KgApplication(app, gunicorn_options(settings)).run()

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


def serve(settings: Settings) -> None:
    """Load the store, create the app in this (master) process and run gunicorn until stopped."""
    from kg.web import create_app

    app = create_app(settings)
    KgApplication(app, gunicorn_options(settings)).run()

"""The web layer: a Flask app factory over a store, thin blueprints, errors mapped to statuses.

The store is opened when the app is created: under gunicorn that happens in the master (``preload_app``), so the
workers share the loaded data copy-on-write. Blueprints reach it, the settings and the reader's language through
kg.web.deps. A blueprint that fails to import fails start-up: there is no partial site.
"""

from __future__ import annotations

import logging

from flask import Flask

from kg.config import Settings
from kg.errors import KgError
from kg.publish import served_files
from kg.store import Store, open_store
from kg.views.warm import warm
from kg.web import answers, catalog, deps, pages, protocol, reconcile, site, sparql, ui
from kg.web.errors import register_error_handlers
from kg.web.security import add_security_headers

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """Build the app over ``store`` (default: the configured store of the published data, or of ``--data`` files)."""
    settings = settings or Settings.from_env()
    if store is None:
        store = open_store(settings, () if settings.store_url else served_files(settings))
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    deps.init_app(app, settings, store)
    try:
        warm(store)  # before gunicorn forks the workers: they all start with the derived tables built
    except KgError as exc:  # the store is down: each table is built on first use instead, once it answers
        log.warning("derived data not prepared at start-up: %s", exc)
    register_error_handlers(app)
    app.after_request(add_security_headers)
    for blueprint in (sparql.bp, ui.bp, site.bp, pages.bp, catalog.bp, reconcile.bp):
        app.register_blueprint(blueprint)
    # programs' queries are answered before Flask runs; a repeat of any kept answer before either
    app.wsgi_app = protocol.Endpoint(app.wsgi_app, settings, store, app.extensions[deps.ADMISSION])  # type: ignore[method-assign]
    # the budget is the server's: each worker process keeps its share
    answers.install(app, store, max_bytes=settings.response_cache_mb * 2**20 // max(1, settings.workers),
                    max_query_length=settings.max_query_length, body_timeout=settings.body_timeout)
    return app

"""The Flask app factory: open the store once, register the blueprints, map errors to statuses.

The store is opened when the app is created: under gunicorn that happens in the master (``preload_app``), so
the workers share the loaded data copy-on-write. Views reach it with :func:`get_store` / :func:`get_settings`.
"""

from __future__ import annotations

import importlib
import logging

from flask import Flask, current_app

from kg.config import Settings
from kg.store import Store, open_store
from kg.web.errors import register_error_handlers

log = logging.getLogger(__name__)

#: Blueprints written elsewhere; registered when their module imports.
OPTIONAL_BLUEPRINTS = ("kg.web.ui", "kg.web.pages")


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """Build the app over ``store`` (default: :func:`kg.store.open_store` of ``settings``)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["kg.settings"] = settings
    app.extensions["kg.store"] = store if store is not None else open_store(settings)
    register_error_handlers(app)

    from kg.web import catalog, reconcile, sparql

    app.register_blueprint(sparql.bp)
    app.register_blueprint(catalog.bp)
    app.register_blueprint(reconcile.bp)
    for name in OPTIONAL_BLUEPRINTS:
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # another team's module missing or broken: serve the rest
            log.warning("blueprint %s not available: %s", name, exc)
            continue
        app.register_blueprint(module.bp)
    return app


def get_store() -> Store:
    """The store of the current app."""
    return current_app.extensions["kg.store"]


def get_settings() -> Settings:
    """The settings of the current app."""
    return current_app.extensions["kg.settings"]

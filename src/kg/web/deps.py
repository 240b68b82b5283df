"""What a request needs, decided once per app or per request: the settings, the store, the publication, the
reader's language. Blueprints ask here and nowhere else (the habit of prez's ``dependencies.py``).

The language is picked by one rule for every route (kg.i18n.pick_language: ``?lang=``, then the cookie, then
Accept-Language); an explicit ``?lang=`` is remembered in a cookie on the response.
"""

from __future__ import annotations

import typing as t
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import NotFound

from kg.config import Settings
from kg.i18n import COOKIE, LANGUAGES, pick_language, translations
from kg.publish import Publication, publish
from kg.sparql.admission import Admission
from kg.store import Store

#: app.extensions keys.
SETTINGS, STORE, PUBLICATION, ADMISSION = "kg.settings", "kg.store", "kg.publication", "kg.admission"


def get_settings() -> Settings:
    """The settings of the current app."""
    return current_app.extensions[SETTINGS]


def get_store() -> Store:
    """The store of the current app."""
    return current_app.extensions[STORE]


def query_slot() -> t.ContextManager[None]:
    """Hold one of the server's query slots for this request's client while a user query runs (kg.sparql.admission)."""
    admission: Admission = current_app.extensions[ADMISSION]
    return admission.slot(request.remote_addr or "")


def get_publication() -> Publication:
    """The published files for the app's base (made when the app is created).

    :raises NotFound: the server serves a user's ``--data`` files, which are not published here.
    """
    publication = current_app.extensions.get(PUBLICATION)
    if publication is None:
        raise NotFound("this server serves user-supplied files (kg serve --data): it publishes no downloads")
    return publication


def reader_language() -> str:
    """The language of this request, chosen once."""
    if "lang" not in g:
        g.lang = pick_language(request.args.get("lang"), request.cookies.get(COOKIE),
                               [(tag, q) for tag, q in request.accept_languages])
    return g.lang


def remember_language(response: Response) -> Response:
    """Keep an explicit ``?lang=`` choice in a cookie; pages vary on the language inputs."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def page_context() -> dict[str, object]:
    """What base.html needs on every page: the language, its strings and the links to switch it."""
    lang = reader_language()
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return {
        "lang": lang,
        "t": translations(lang),
        "lang_links": {code: request.path + "?" + urlencode({**args, "lang": code}) for code in LANGUAGES},
        "search_text": request.args.get("q", "") if request.endpoint == "pages.search" else "",
        "alternates": [],
    }


def init_app(app: Flask, settings: Settings, store: Store) -> None:
    """Attach the settings and the store to ``app``; install the language cookie and the pages' context."""
    app.extensions[SETTINGS] = settings
    app.extensions[STORE] = store
    # published once, before the workers fork: no request waits for it
    app.extensions[PUBLICATION] = None if settings.data_files else publish(settings)
    # made before gunicorn forks the workers (the app is preloaded), so they all share the slots
    app.extensions[ADMISSION] = Admission(settings.query_slots, settings.query_slots_per_client,
                                          wait=settings.admission_wait)
    app.after_request(remember_language)
    app.context_processor(page_context)

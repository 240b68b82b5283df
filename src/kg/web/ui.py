"""Blueprint ``ui``: the query page at /sparql in a browser — YASGUI served from the installed node_modules (never a
CDN), and a plain HTML form with server-rendered results, so the page works without JavaScript too.

The /sparql view calls :func:`render_query_page` when the negotiated type is text/html; kg.views.query_page prepares
everything the template prints.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory

from kg.i18n import LANGUAGES
from kg.views.query_page import build_query_page
from kg.web.deps import get_settings, get_store, query_slot, reader_language
from kg.web.protocol import query_base

log = logging.getLogger(__name__)

_HERE = Path(__file__).resolve().parent

bp = Blueprint("ui", __name__, template_folder=str(_HERE / "templates"), static_folder=str(_HERE / "static" / "ui"),
               static_url_path="/static/ui")

#: The npm package (see package.json) and the files of its build/ folder the page needs.
YASGUI_PACKAGE = "@zazuko/yasgui"
YASGUI_FILES = frozenset({"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"})


def yasgui_dir_for(node_modules: Path) -> Path | None:
    """YASGUI's build folder under ``node_modules``, or None when it is not installed."""
    build = node_modules / YASGUI_PACKAGE / "build"
    if (build / "yasgui.min.js").is_file() and (build / "yasgui.min.css").is_file():
        return build
    return None


def yasgui_dir() -> Path | None:
    """The app's YASGUI build folder; warns once when `npm ci` has not been run (the page then shows the form)."""
    node_modules = get_settings().node_modules
    build = yasgui_dir_for(node_modules)
    if build is None and not current_app.extensions.get("kg.ui.warned"):
        current_app.extensions["kg.ui.warned"] = True
        log.warning("YASGUI not found under %s (run scripts/setup): /sparql falls back to the plain form", node_modules)
    return build


@bp.route("/static/yasgui/<path:filename>")
def yasgui_asset(filename: str) -> Response:
    """Serve YASGUI's built JS/CSS from node_modules, so the page loads nothing from another host."""
    build = yasgui_dir()
    if build is None or filename not in YASGUI_FILES:
        abort(404)
    return send_from_directory(build, filename, max_age=86400)


def render_query_page(query: str | None) -> Response:
    """The HTML answer of /sparql in the site's frame: the editor page, plus the results of ``query`` when one was
    sent (or of the example named by ``?example=``, the no-JavaScript way to open one)."""
    lang = reader_language()
    settings = get_settings()
    page = build_query_page(get_store(), settings, query, lang, endpoint=request.path,
                            base_iri=query_base(settings), admit=query_slot, example=request.args.get("example"))
    # the endpoint reads the POST body itself: a chosen language travels in the form's action URL
    lang_param = request.args.get("lang") in LANGUAGES
    action = request.path + ("?" + urlencode({"lang": lang}) if lang_param else "")
    html = render_template(
        "ui/sparql.html",
        labels=page.labels,
        prefixes=page.prefixes,
        examples=page.examples,
        groups=page.groups,
        chosen=page.chosen,
        query=page.query,
        action=action,
        example_action=request.path,
        lang_param=lang_param,
        table=page.table,
        error=page.error,
        yasgui=yasgui_dir() is not None,
        config=page.config,
    )
    response = Response(html, status=page.status, mimetype="text/html")
    response.vary.add("Accept")
    return response

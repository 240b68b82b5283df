"""Errors → responses: a short text/plain answer (the status and a message, never a stack trace), or — when the client
asks for HTML, as browsers do — the site's styled error page in the reader's language, with the same status.

kg.errors exceptions carry their status (400/403/413/503); werkzeug's HTTP errors keep theirs (and headers
such as Allow); anything else is a bug of ours: it is logged with its traceback and answered with a generic 500.
The format is chosen by kg.negotiate: HTML only when the Accept header names it (API clients and ``*/*`` get text).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from kg.errors import KgError
from kg.formats import HTML
from kg.i18n import translations
from kg.negotiate import pick
from kg.web.deps import reader_language

PLAIN = "text/plain"
#: The UI strings of each status's heading and explanation (others: a general one).
ERROR_TEXTS = {404: ("not_found", "not_found_text"), 400: ("error_400", "error_400_text")}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A short plain-text error response that is never cached."""
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    return _finish(response, headers)


def _finish(response: Response, headers: dict[str, str] | None) -> Response:
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def wants_html() -> bool:
    """Whether this request's client asked for HTML by name (a browser); ``*/*`` and API clients get text."""
    return pick(request.headers.get("Accept"), [PLAIN, HTML], PLAIN) == HTML


def render_error(status: int, message: str, suggestion: str = "", headers: dict[str, str] | None = None) -> Response:
    """The site's error page (pages/error.html): heading and explanation in the reader's language and the other one,
    the technical message, and for a 404 a search prefilled with ``suggestion``."""
    lang = reader_language()
    other = "en" if lang == "zh" else "zh"
    heading, text = ERROR_TEXTS.get(status, ("error_other", "error_400_text" if status < 500 else ""))
    mine, theirs = translations(lang), translations(other)
    html = render_template("pages/error.html", status=status, message=message, suggestion=suggestion,
                           heading=mine[heading], text=mine.get(text, ""), other_lang=other,
                           other_heading=theirs[heading], other_text=theirs.get(text, ""), search=status == 404)
    return _finish(Response(html, status=status, mimetype="text/html"), headers)


def error_page(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The styled error page when the client wants HTML, else the plain-text answer."""
    if request.method != "HEAD" and wants_html():
        try:
            suggestion = request.path.rstrip("/").rsplit("/", 1)[-1] if status == 404 else ""
            return render_error(status, message, suggestion, headers)
        except Exception:  # noqa: BLE001 - the page itself failed: the plain answer still says what happened
            current_app.logger.exception("the error page for %s failed", status)
    return error_response(status, message, headers)


def handle_kg_error(error: KgError) -> Response:
    if error.status >= 500:
        current_app.logger.warning("%s: %s", type(error).__name__, error)
    return error_page(error.status, str(error) or type(error).__name__, error.headers())


def handle_http_exception(error: HTTPException) -> Response:
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}
    return error_page(error.code or 500, f"{error.code} {error.name}: {error.description}", headers)


def handle_unexpected(error: Exception) -> Response:
    current_app.logger.exception("unhandled error: %s", error)
    return error_response(500, "500 Internal Server Error: an unexpected error occurred; it has been logged")


def register_error_handlers(app: Flask) -> None:
    """Install the three handlers on ``app``."""
    app.register_error_handler(KgError, handle_kg_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)

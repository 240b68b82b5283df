"""Errors → short text/plain responses: the status and a message, never a stack trace.

kg.errors exceptions carry their status (400/403/413/503); werkzeug's HTTP errors keep theirs (and headers
such as Allow); anything else is a bug of ours: it is logged with its traceback and answered with a generic 500.
"""

from __future__ import annotations

from flask import Flask, Response, current_app
from werkzeug.exceptions import HTTPException

from kg.errors import KgError


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A short plain-text error response that is never cached."""
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_kg_error(error: KgError) -> Response:
    if error.status >= 500:
        current_app.logger.warning("%s: %s", type(error).__name__, error)
    return error_response(error.status, str(error) or type(error).__name__, error.headers())


def handle_http_exception(error: HTTPException) -> Response:
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}
    return error_response(error.code or 500, f"{error.code} {error.name}: {error.description}", headers)


def handle_unexpected(error: Exception) -> Response:
    current_app.logger.exception("unhandled error: %s", error)
    return error_response(500, "500 Internal Server Error: an unexpected error occurred; it has been logged")


def register_error_handlers(app: Flask) -> None:
    """Install the three handlers on ``app``."""
    app.register_error_handler(KgError, handle_kg_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)

"""The constant-response limit: a WSGI app that reads the request and answers the same small SPARQL JSON result.

bench/peers.py runs it under gunicorn with the options and the worker class ``kg serve`` uses (kg.web.server.KgWorker,
the same count of workers and threads, preload, max-requests, access log to stderr), so it measures what the server
itself costs per request before any of kg's work. Not part of the test suite.
"""

from __future__ import annotations

import typing as t

BODY = b'{"head":{},"boolean":true}'
HEADERS = [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(BODY)))]


def app(environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> list[bytes]:
    """Read the body (a POSTed query, like the one sent to kg), answer ``{"boolean": true}``."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    start_response("200 OK", HEADERS)
    return [BODY]

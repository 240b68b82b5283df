"""The SPARQL 1.1 Protocol endpoint at /sparql: what browsers get, and every error (updates are refused).

Programs' queries are answered before Flask runs (kg.web.protocol), which decodes every GET, HEAD and POST and hands
on here what it does not answer, decoded (``DECODED``) or failed (``FAILED``): without a query, the Service
Description (or the query UI for browsers); a query from a client asking for HTML, the query page with its results;
a failure, raised here so that the app's error handlers answer it. Every response carries CORS headers.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from kg.formats import HTML, TURTLE, content_type
from kg.negotiate import negotiate
from kg.sparql.service_description import describe_service, serialize_description
from kg.web.caching import cached, etag_of, not_modified
from kg.web.deps import get_settings, get_store
from kg.web.errors import error_response
from kg.web.protocol import CORS_HEADERS, DECODED, FAILED, FORM, SPARQL_QUERY, Decoded, Unsupported
from kg.web.ui import render_query_page

bp = Blueprint("sparql", __name__)

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
}


def _endpoint_url() -> str:
    """The endpoint's public URL (``--public-url``; never taken from the Host header)."""
    return get_settings().public_base + "sparql"


def _service_description(format_param: str | None) -> Response:
    media_type = negotiate("graph", request.headers.get("Accept"), format_param)
    if media_type == HTML:
        return render_query_page(None)
    if media_type is None:
        media_type = TURTLE  # the description is always available; Turtle is its default
    store = get_store()
    endpoint = _endpoint_url()
    etag = etag_of("sd", store.data_version(), endpoint, media_type)
    if (response := not_modified(etag)) is not None:
        return response
    body = serialize_description(describe_service(store, endpoint), media_type)
    return cached(Response(body, content_type=content_type(media_type)), etag)


def handle_query() -> Response:
    """The /sparql view for what kg.web.protocol hands on (see the module docstring)."""
    if request.method == "OPTIONS":
        preflight = Response(status=204, headers=PREFLIGHT_HEADERS)
        del preflight.headers["Content-Type"]
        return preflight
    if request.method not in ("GET", "HEAD", "POST"):
        return error_response(405, f"405 Method Not Allowed: use {ALLOWED_METHODS}", {"Allow": ALLOWED_METHODS})
    failed = request.environ.get(FAILED)
    if isinstance(failed, Unsupported):
        given = str(failed) or "none"
        return error_response(415, f"415 Unsupported Media Type: POST needs Content-Type {FORM} or {SPARQL_QUERY} "
                                   f"(got {given})")
    if failed is not None:
        raise failed
    decoded: Decoded = request.environ[DECODED]
    if decoded.query is None:
        return _service_description(decoded.last("format"))
    return render_query_page(decoded.query)  # the page runs it through the same checks and shows errors as a page


_METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]
bp.add_url_rule("/sparql", "query", handle_query, methods=_METHODS, provide_automatic_options=False)
bp.add_url_rule("/sparql/", "query_slash", handle_query, methods=_METHODS, provide_automatic_options=False)


@bp.after_request
def add_cors_headers(response: Response) -> Response:
    """CORS on every /sparql response, errors included: the endpoint is public and read-only."""
    for name, value in CORS_HEADERS.items():
        response.headers[name] = value
    return response

"""The SPARQL 1.1 Protocol endpoint at /sparql (query operation only; updates are refused).

Decoding follows the Protocol: GET ``?query=``, POST ``application/x-www-form-urlencoded`` and POST
``application/sparql-query``, with ``default-graph-uri`` / ``named-graph-uri`` (URL or form). Parameters are
decoded strictly as UTF-8 (werkzeug would silently replace bad bytes). Without a query, GET answers the
Service Description (or the query UI for browsers). Every response carries CORS headers; results carry an
ETag from the data version and the request, so ``If-None-Match`` answers 304 without running anything.
When the row limit cuts a result, ``X-SPARQL-Truncated: true`` and ``X-SPARQL-Row-Limit: N`` say so.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from flask import Blueprint, Response, request

from kg.errors import QueryError, QueryRefused
from kg.formats import HTML, TURTLE, content_type
from kg.negotiate import negotiate
from kg.sparql.request import prepare_query
from kg.sparql.service_description import describe_service, serialize_description
from kg.web.body import query_body_limit, read_body
from kg.web.caching import cached, etag_of, not_modified
from kg.web.deps import get_settings, get_store, query_slot
from kg.web.errors import error_response
from kg.web.ui import render_query_page

bp = Blueprint("sparql", __name__)

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, X-SPARQL-Truncated, X-SPARQL-Row-Limit, X-SPARQL-Byte-Limit, Retry-After",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
}


def parse_params(raw: bytes) -> dict[str, list[str]]:
    """Decode a query string or form body strictly (UTF-8, at most 64 fields); QueryError otherwise.

    >>> parse_params(b"query=ASK%20%7B%7D&default-graph-uri=a&default-graph-uri=b")["default-graph-uri"]
    ['a', 'b']
    >>> parse_params(b"query=%FF")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: the request parameters are not valid UTF-8
    """
    try:
        return parse_qs(raw.decode("utf-8"), keep_blank_values=True, errors="strict", max_num_fields=64)
    except UnicodeDecodeError:
        raise QueryError("the request parameters are not valid UTF-8") from None
    except ValueError:
        raise QueryError("too many request parameters") from None


def _decode_utf8(body: bytes) -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise QueryError(f"unsupported charset {charset!r}: SPARQL requests must be UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise QueryError("the request body is not valid UTF-8") from None


def decode_request(max_query_length: int, body_timeout: float) -> tuple[str | None, dict[str, list[str]]]:
    """The query text (None when absent) and all protocol parameters (URL and form merged).

    :raises QueryError: several queries, bad encoding. :raises QueryRefused: any update request.
    :raises QueryTooLong: body over the limit. Unsupported POST content types raise a 415 via ``Unsupported``.
    """
    params = parse_params(request.query_string)
    queries = list(params.get("query", []))
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == SPARQL_UPDATE:
            raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only")
        if mimetype not in (FORM, SPARQL_QUERY):
            raise Unsupported(mimetype)
        body = read_body(request.environ, query_body_limit(max_query_length), body_timeout)
        if mimetype == FORM:
            _decode_utf8(body)
            form = parse_params(body)
            for name, values in form.items():
                params.setdefault(name, []).extend(values)
            queries += form.get("query", [])
        else:
            queries.append(_decode_utf8(body))
    if "update" in params or any(name.startswith("using-") for name in params):
        raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only")
    if len(queries) > 1:
        raise QueryError("more than one query in the request")
    return (queries[0] if queries else None), params


class Unsupported(Exception):
    """A POST whose Content-Type the Protocol does not allow (415)."""


def _endpoint_url() -> str:
    """The endpoint's public URL (``--public-url``; never taken from the Host header)."""
    return get_settings().public_base + "sparql"


def _query_base() -> str:
    """What relative IRIs in a query resolve against: the endpoint's canonical IRI, so ``<id/org/neusoft>`` names
    the data's own IRI whatever address the server answers on."""
    return get_settings().base + "sparql"


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
    """The /sparql view (see the module docstring)."""
    if request.method == "OPTIONS":
        preflight = Response(status=204, headers=PREFLIGHT_HEADERS)
        del preflight.headers["Content-Type"]
        return preflight
    if request.method not in ("GET", "HEAD", "POST"):
        return error_response(405, f"405 Method Not Allowed: use {ALLOWED_METHODS}", {"Allow": ALLOWED_METHODS})
    settings = get_settings()
    try:
        query, params = decode_request(settings.max_query_length, settings.body_timeout)
    except Unsupported as exc:
        given = str(exc) or "none"
        return error_response(415, f"415 Unsupported Media Type: POST needs Content-Type {FORM} or {SPARQL_QUERY} "
                                   f"(got {given})")
    format_param = (params.get("format") or [None])[-1]
    if query is None:
        if request.method == "POST":
            raise QueryError("missing query: send it as the 'query' parameter or as an application/sparql-query body")
        return _service_description(format_param)
    if negotiate("solutions", request.headers.get("Accept"), format_param) == HTML:
        return render_query_page(query)  # the page runs it through the same checks and shows errors as a page
    store = get_store()
    accept = request.headers.get("Accept")
    default_graphs, named_graphs = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    # the request as sent decides the answer (the data never changes while served); a repeat of the same request
    # bytes is replayed before the app runs (kg.web.answers)
    etag = etag_of(store.data_version(), query, tuple(default_graphs), tuple(named_graphs), accept, format_param,
                   settings.max_rows, settings.max_bytes)
    if (response := not_modified(etag)) is not None:
        return response
    prepared = prepare_query(query, settings, store=store, accept=accept, format_param=format_param,
                             default_graphs=default_graphs, named_graphs=named_graphs, base_iri=_query_base())
    with query_slot():
        result = store.execute(prepared)
    response = Response(result.body, content_type=content_type(result.media_type))
    if result.truncated:
        response.headers["X-SPARQL-Truncated"] = "true"
        response.headers["X-SPARQL-Row-Limit"] = str(settings.max_rows)
        response.headers["X-SPARQL-Byte-Limit"] = str(settings.max_bytes)
    return cached(response, etag)


_METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]
bp.add_url_rule("/sparql", "query", handle_query, methods=_METHODS, provide_automatic_options=False)
bp.add_url_rule("/sparql/", "query_slash", handle_query, methods=_METHODS, provide_automatic_options=False)


@bp.after_request
def add_cors_headers(response: Response) -> Response:
    """CORS on every /sparql response, errors included: the endpoint is public and read-only."""
    for name, value in CORS_HEADERS.items():
        response.headers[name] = value
    return response

"""The SPARQL 1.1 Protocol endpoint at /sparql (query operation only; updates are refused).

Decoding follows the Protocol: GET ``?query=``, POST ``application/x-www-form-urlencoded`` and POST
``application/sparql-query``, with ``default-graph-uri`` / ``named-graph-uri`` (URL or form). Parameters are
decoded strictly as UTF-8 (werkzeug would silently replace bad bytes). Without a query, GET answers the
Service Description (or the query UI for browsers). Every response carries CORS headers; results carry an
ETag from the data version and the request, so ``If-None-Match`` answers 304 without running anything.
When the row limit cuts a result, ``X-SPARQL-Truncated: true`` and ``X-SPARQL-Row-Limit: N`` say so.
"""

from __future__ import annotations

import hashlib
import html
from urllib.parse import parse_qs

from flask import Blueprint, Response, request, url_for

from kg import negotiate
from kg.errors import QueryError, QueryRefused, QueryTooLong
from kg.sparql.guard import check_query
from kg.sparql.service_description import describe_service, serialize_description
from kg.store import QueryRequest
from kg.web import get_settings, get_store
from kg.web.errors import error_response

bp = Blueprint("sparql", __name__)

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
#: Form encoding can triple the query's size (and UTF-8 percent-encoded triples it again).
BODY_FACTOR = 9
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, X-SPARQL-Truncated, X-SPARQL-Row-Limit",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
}


RDFLIB_DEFAULT_GRAPH = "urn:x-rdflib:default"


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


def _read_body(limit: int) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise QueryTooLong(f"request body too large (limit {limit} bytes)")
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise QueryTooLong(f"request body too large (limit {limit} bytes)")
    return body


def _decode_utf8(body: bytes) -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise QueryError(f"unsupported charset {charset!r}: SPARQL requests must be UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise QueryError("the request body is not valid UTF-8") from None


def decode_request(max_query_length: int) -> tuple[str | None, dict[str, list[str]]]:
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
        body = _read_body(max_query_length * BODY_FACTOR + 4096)
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
    query = queries[0] if queries else None
    if query is not None and len(query.encode("utf-8")) > max_query_length:
        raise QueryTooLong(f"query too long: the limit is {max_query_length} bytes")
    return query, params


class Unsupported(Exception):
    """A POST whose Content-Type the Protocol does not allow (415)."""


def _html_page(query: str | None) -> Response:
    """The query UI (kg.web.ui), or a minimal form while that module is missing."""
    try:
        from kg.web.ui import render_sparql_html
    except ImportError:
        text = html.escape(query or "")
        page = (
            "<!doctype html><meta charset=utf-8><title>SPARQL</title><h1>SPARQL endpoint</h1>"
            f"<form method=get><textarea name=query rows=12 cols=80>{text}</textarea>"
            "<p><button>Run</button></form>"
        )
        return Response(page, mimetype="text/html")
    return render_sparql_html(get_store(), query)


def _etag(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:32]


def _cached(response: Response, etag: str) -> Response:
    settings = get_settings()
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={settings.cache_max_age}"
    response.vary.add("Accept")
    return response


def _not_modified(etag: str) -> Response | None:
    if request.if_none_match and request.if_none_match.contains(etag):
        return _cached(Response(status=304), etag)
    return None


def _not_acceptable(kind: str) -> Response:
    offered = ", ".join([*negotiate.RESULT_FORMATS[kind], negotiate.HTML])
    return error_response(406, f"406 Not Acceptable: this result can be served as {offered}")


def _endpoint_url() -> str:
    return url_for("sparql.query", _external=True)


def _service_description(format_param: str | None) -> Response:
    media_type = negotiate.negotiate("graph", request.headers.get("Accept"), format_param)
    if media_type == negotiate.HTML:
        return _html_page(None)
    if media_type is None:
        media_type = negotiate.TURTLE  # the description is always available; Turtle is its default
    store = get_store()
    endpoint = _endpoint_url()
    etag = _etag("sd", store.data_version(), endpoint, media_type)
    if (response := _not_modified(etag)) is not None:
        return response
    body = serialize_description(describe_service(store, endpoint), media_type)
    return _cached(Response(body, content_type=negotiate.content_type(media_type)), etag)


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
        query, params = decode_request(settings.max_query_length)
    except Unsupported as exc:
        given = str(exc) or "none"
        return error_response(415, f"415 Unsupported Media Type: POST needs Content-Type {FORM} or {SPARQL_QUERY} "
                                   f"(got {given})")
    format_param = (params.get("format") or [None])[-1]
    if query is None:
        if request.method == "POST":
            raise QueryError("missing query: send it as the 'query' parameter or as an application/sparql-query body")
        return _service_description(format_param)
    if negotiate.negotiate("solutions", request.headers.get("Accept"), format_param) == negotiate.HTML:
        return _html_page(query)  # the UI runs it through the store's guard and shows errors as a page
    if not query.strip():
        raise QueryError("empty query")
    store = get_store()
    info = check_query(query, allowlist=settings.service_allowlist, base=_endpoint_url())
    kind = negotiate.kind_of(info.form)
    media_type = negotiate.negotiate(kind, request.headers.get("Accept"), format_param)
    if media_type is None:
        return _not_acceptable(kind)
    # rdflib's Dataset/SPARQLStore sends its placeholder IRI for "the default graph": treat it as no dataset given.
    default_graphs = [g for g in params.get("default-graph-uri", []) if g != RDFLIB_DEFAULT_GRAPH]
    named_graphs = params.get("named-graph-uri", [])
    etag = _etag(store.data_version(), query, default_graphs, named_graphs, media_type, settings.max_rows)
    if (response := _not_modified(etag)) is not None:
        return response
    result = store.execute(QueryRequest(
        query=query,
        default_graph_uris=default_graphs,
        named_graph_uris=named_graphs,
        media_type=media_type,
        base_iri=_endpoint_url(),
    ))
    response = Response(result.body, content_type=negotiate.content_type(result.media_type))
    if result.truncated:
        response.headers["X-SPARQL-Truncated"] = "true"
        response.headers["X-SPARQL-Row-Limit"] = str(settings.max_rows)
    return _cached(response, etag)


_METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]
bp.add_url_rule("/sparql", "query", handle_query, methods=_METHODS, provide_automatic_options=False)
bp.add_url_rule("/sparql/", "query_slash", handle_query, methods=_METHODS, provide_automatic_options=False)


@bp.after_request
def add_cors_headers(response: Response) -> Response:
    """CORS on every /sparql response, errors included: the endpoint is public and read-only."""
    for name, value in CORS_HEADERS.items():
        response.headers[name] = value
    return response

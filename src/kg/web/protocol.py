"""The SPARQL 1.1 Protocol's query operation for programs: plain WSGI in front of Flask.

Decoding follows the Protocol: GET ``?query=``, POST ``application/x-www-form-urlencoded`` and POST
``application/sparql-query``, with ``default-graph-uri`` / ``named-graph-uri`` (URL or form). Parameters are
decoded strictly as UTF-8 (werkzeug would silently replace bad bytes). A program's query is decoded, checked, run
and answered here, without Flask's request context, routing and response objects: on the built-in graph they took
0.2 ms of a small query's 1.04 ms at one connection, and 1,565 against 2,100 req/s at eight. Answers carry an ETag
from the data version and the request (``If-None-Match`` answers 304 without running anything), CORS and the
security headers; when the row limit cuts a result, ``X-SPARQL-Truncated: true`` and ``X-SPARQL-Row-Limit: N`` say
so.

Everything else goes on to the Flask view (kg.web.sparql) with what was decided here in the environ: a browser's
request (the query page, the service description) with the decoded request (:data:`DECODED`), a failure with the
error to raise (:data:`FAILED`). So a request is decoded once, a query runs once, and pages and errors are rendered
in one place.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from urllib.parse import parse_qs

from werkzeug.http import HTTP_STATUS_CODES, parse_etags, parse_options_header

from kg.config import Settings
from kg.errors import QueryError, QueryRefused
from kg.formats import HTML, content_type
from kg.negotiate import negotiate
from kg.sparql.admission import Admission
from kg.sparql.request import prepare_query
from kg.store import Store
from kg.web.answers import STORABLE
from kg.web.body import query_body_limit, read_body
from kg.web.caching import cache_headers, etag_of
from kg.web.security import SECURITY_HEADERS

Environ = dict[str, t.Any]
StartResponse = t.Callable[..., t.Any]

#: The endpoint's paths.
PATHS = frozenset({"/sparql", "/sparql/"})
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, X-SPARQL-Truncated, X-SPARQL-Row-Limit, X-SPARQL-Byte-Limit, Retry-After",
}
#: The environ keys handing a request on to the Flask view: the decoded request, or the error to raise.
DECODED, FAILED = "kg.sparql.decoded", "kg.sparql.failed"
#: The headers of every answer given here beside its own (CORS, security).
_SHARED = tuple(CORS_HEADERS.items()) + tuple(SECURITY_HEADERS.items())


class Unsupported(Exception):
    """A POST whose Content-Type the Protocol does not allow (415)."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded request: the query text (None when absent) and all protocol parameters (URL and form merged)."""

    query: str | None
    params: dict[str, list[str]]

    def last(self, name: str) -> str | None:
        """The parameter's last value, or None."""
        values = self.params.get(name)
        return values[-1] if values else None


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


def _decode_utf8(body: bytes, options: dict[str, str]) -> str:
    charset = options.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise QueryError(f"unsupported charset {charset!r}: SPARQL requests must be UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise QueryError("the request body is not valid UTF-8") from None


def decode(environ: Environ, max_query_length: int, body_timeout: float) -> Decoded:
    """The request's query and parameters.

    :raises QueryError: several queries, bad encoding, a POST without a query. :raises QueryRefused: any update
        request. :raises QueryTooLong: body over the limit. :raises Unsupported: a POST's Content-Type (415).
    """
    params = parse_params(environ.get("QUERY_STRING", "").encode("latin-1"))
    queries = list(params.get("query", []))
    if environ.get("REQUEST_METHOD") == "POST":
        mimetype, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
        mimetype = mimetype.lower()
        if mimetype == SPARQL_UPDATE:
            raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only")
        if mimetype not in (FORM, SPARQL_QUERY):
            raise Unsupported(mimetype)
        body = read_body(environ, query_body_limit(max_query_length), body_timeout)
        text = _decode_utf8(body, options)
        if mimetype == FORM:
            form = parse_params(body)
            for name, values in form.items():
                params.setdefault(name, []).extend(values)
            queries += form.get("query", [])
        else:
            queries.append(text)
    if "update" in params or any(name.startswith("using-") for name in params):
        raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only")
    if len(queries) > 1:
        raise QueryError("more than one query in the request")
    if not queries and environ.get("REQUEST_METHOD") == "POST":
        raise QueryError("missing query: send it as the 'query' parameter or as an application/sparql-query body")
    return Decoded(queries[0] if queries else None, params)


def query_base(settings: Settings) -> str:
    """What relative IRIs in a query resolve against: the endpoint's canonical IRI, so ``<id/org/neusoft>`` names
    the data's own IRI whatever address the server answers on."""
    return settings.base + "sparql"


Answer = tuple[str, list[tuple[str, str]], bytes]


class Endpoint:
    """WSGI middleware over the Flask app: answer programs' queries at :data:`PATHS` (see the module docstring)."""

    def __init__(self, app: t.Callable[[Environ, StartResponse], t.Iterable[bytes]], settings: Settings,
                 store: Store, admission: Admission) -> None:
        self.app, self.settings, self.store, self.admission = app, settings, store, admission

    def __call__(self, environ: Environ, start_response: StartResponse) -> t.Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") not in PATHS or method not in ("GET", "HEAD", "POST"):
            return self.app(environ, start_response)
        try:
            decoded = decode(environ, self.settings.max_query_length, self.settings.body_timeout)
            environ[DECODED] = decoded
            answer = self.answer(environ, decoded)
        except Exception as exc:  # noqa: BLE001 - rendered by the Flask view's error handlers, logged there if a bug
            environ[FAILED] = exc
            return self.app(environ, start_response)
        if answer is None:
            return self.app(environ, start_response)
        status, headers, body = answer
        environ[STORABLE] = status.startswith("200 ")
        start_response(status, headers)
        return [] if method == "HEAD" else [body]

    def answer(self, environ: Environ, decoded: Decoded) -> Answer | None:
        """The answer to a program's query; None for what the Flask view answers (no query: the service
        description; HTML wanted: the query page)."""
        query, format_param = decoded.query, decoded.last("format")
        accept = environ.get("HTTP_ACCEPT")
        if query is None or negotiate("solutions", accept, format_param) == HTML:
            return None
        settings, store = self.settings, self.store
        default_graphs = decoded.params.get("default-graph-uri", [])
        named_graphs = decoded.params.get("named-graph-uri", [])
        # the request as sent decides the answer (the data never changes while served)
        etag = etag_of(store.data_version(), query, tuple(default_graphs), tuple(named_graphs), accept, format_param,
                       settings.max_rows, settings.max_bytes)
        headers = cache_headers(etag, settings.cache_max_age)
        given = environ.get("HTTP_IF_NONE_MATCH")
        if given and parse_etags(given).contains(etag):
            return f"304 {HTTP_STATUS_CODES[304]}", [*headers, *_SHARED], b""
        prepared = prepare_query(query, settings, store=store, accept=accept, format_param=format_param,
                                 default_graphs=default_graphs, named_graphs=named_graphs,
                                 base_iri=query_base(settings))
        with self.admission.slot(environ.get("REMOTE_ADDR") or ""):
            result = store.execute(prepared)
        own = [("Content-Type", content_type(result.media_type)), ("Content-Length", str(len(result.body)))]
        if result.truncated:
            own += [("X-SPARQL-Truncated", "true"), ("X-SPARQL-Row-Limit", str(settings.max_rows)),
                    ("X-SPARQL-Byte-Limit", str(settings.max_bytes))]
        return f"200 {HTTP_STATUS_CODES[200]}", [*own, *headers, *_SHARED], result.body

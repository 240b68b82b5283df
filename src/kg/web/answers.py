"""Complete answers kept per worker process and replayed before the app runs: status, headers and body.

The served data never changes while a data version holds, so an answer whose view is a pure function of the
request is exact for every later request with the same inputs: method (HEAD as GET), path, query string, the POSTed
body and its type, the headers answers vary on (:data:`KEYED_HEADERS`) and the data version. A repeat costs a
dictionary lookup instead of Flask's routing, the view, the query child and serialisation.

Which answers are kept is decided here, by two rules: the view is one of :data:`STORED_ENDPOINTS`, and the response
says nothing against it (status 200, no ``Set-Cookie``, ``Cache-Control`` without ``no-store``/``private``, a
``Vary`` naming only keyed headers, a body in memory). Conditional and range requests pass through (the views answer
304 themselves). Bodies POSTed to the endpoint are read here, once, with the endpoint's size and time limits
(kg.web.body). The store is bounded in bytes, least recently used out first (kg.web.cache).
"""

from __future__ import annotations

import sys
import typing as t
from dataclasses import dataclass

from flask import Flask, Response, request

from kg.errors import KgError
from kg.store import Store
from kg.web.body import query_body_limit, read_ahead
from kg.web.cache import ResponseCache

Environ = dict[str, t.Any]
StartResponse = t.Callable[..., t.Any]

#: Views whose answer depends only on the request and the data version.
STORED_ENDPOINTS = frozenset({
    "sparql.query", "sparql.query_slash", "pages.home", "pages.guide_linking", "pages.search", "pages.class_page",
    "pages.ontology", "pages.entity", "site.observations", "site.observations_csv", "catalog.void_description",
    "reconcile.suggest_entity", "reconcile.suggest_type", "reconcile.suggest_property",
    "reconcile.propose_properties", "reconcile.preview",
})
#: Paths whose POST is a read (a SPARQL query), keyed on its body.
POST_READS = frozenset({"/sparql", "/sparql/"})
#: POSTed bodies kept in a key at most this long; longer ones pass through.
MAX_KEYED_BODY = 64 * 1024
#: Request headers in every key: all that any kept answer varies on.
KEYED_HEADERS = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_COOKIE", "CONTENT_TYPE")
#: The same headers as a ``Vary`` names them: an answer varying on any other is not kept.
_VARY_OK = frozenset(name.removeprefix("HTTP_").replace("_", "-").lower() for name in KEYED_HEADERS)
#: Requests that ask for part of an answer, or a comparison: answered by the app.
PASS_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
                "HTTP_RANGE", "HTTP_AUTHORIZATION")
#: The environ flag a view's response sets when it may be kept.
STORABLE = "kg.answer.storable"
#: Headers whose value is each answer's own; every other (name, value) pair repeats across answers and is kept once.
OWN_HEADERS = frozenset({"etag", "content-length", "last-modified"})
#: Most distinct header pairs kept once (each a few hundred bytes at most); others are kept with their answer.
SHARED_PAIRS = 512


@dataclass(frozen=True, slots=True)
class Answer:
    """A complete response: what :class:`ResponseCache` keeps."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class AnswerCache:
    """WSGI middleware over the Flask app: replay kept answers, keep new ones (see the module docstring)."""

    def __init__(self, app: t.Callable[[Environ, StartResponse], t.Iterable[bytes]], store: Store, *,
                 max_bytes: int, body_limit: int, body_timeout: float) -> None:
        self.app, self.store = app, store
        self.answers: ResponseCache[Answer] = ResponseCache(max_bytes)
        self._pairs: dict[tuple[str, str], tuple[str, str]] = {}
        self.body_limit, self.body_timeout = body_limit, body_timeout

    def key(self, environ: Environ) -> tuple[object, ...] | None:
        """The request's inputs, or None when it is not answered from here."""
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        body: bytes | None = b""
        if method == "POST":
            length = environ.get("CONTENT_LENGTH") or ""
            if path not in POST_READS or not length.isdigit() or int(length) > MAX_KEYED_BODY:
                return None
            body = read_ahead(environ, self.body_limit, self.body_timeout)
            if body is None:
                return None
        elif method not in ("GET", "HEAD"):
            return None
        if any(name in environ for name in PASS_HEADERS):
            return None
        try:
            version = self.store.data_version()
        except KgError:
            return None
        return (version, method == "POST", path, environ.get("QUERY_STRING", ""), body,
                *(environ.get(name) for name in KEYED_HEADERS))

    def __call__(self, environ: Environ, start_response: StartResponse) -> t.Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        answer = self.answers.get(key)
        if answer is not None:
            start_response(answer.status, list(answer.headers))
            return [] if environ["REQUEST_METHOD"] == "HEAD" else [answer.body]
        seen: list[t.Any] = []

        def remember(status: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> t.Any:
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        chunks = self.app(environ, remember)
        if not environ.get(STORABLE) or environ["REQUEST_METHOD"] == "HEAD":
            return chunks
        try:
            body = b"".join(chunks)  # in memory already: the view's response is not streamed
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        if seen and keepable(*seen):
            headers, own = self.shared(seen[1])
            answer = Answer(sys.intern(seen[0]), headers, body)
            self.answers.put(key, answer, sys.getsizeof(answer) + sys.getsizeof(headers) + own + sys.getsizeof(body))
        return [body]

    def shared(self, headers: list[tuple[str, str]]) -> tuple[tuple[tuple[str, str], ...], int]:
        """``headers`` with each repeating pair replaced by its one kept copy, and the bytes of the pairs that are
        the answer's own (a small answer's dozen header pairs took more memory than its body and key together)."""
        kept, own = [], 0
        for pair in headers:
            found = self._pairs.get(pair)
            if found is None and pair[0].lower() not in OWN_HEADERS and len(self._pairs) < SHARED_PAIRS:
                found = self._pairs.setdefault(pair, pair)
            if found is None:  # footprint(pair), without its generic walk
                own += sys.getsizeof(pair) + sys.getsizeof(pair[0]) + sys.getsizeof(pair[1])
            kept.append(found or pair)
        return tuple(kept), own


def keepable(status: str, headers: list[tuple[str, str]]) -> bool:
    """Whether a response may be replayed to everyone sending the same inputs.

    >>> keepable("200 OK", [("Vary", "Accept, Cookie"), ("Cache-Control", "public, max-age=300")])
    True
    >>> keepable("200 OK", [("Set-Cookie", "lang=en")]), keepable("503 SERVICE UNAVAILABLE", [])
    (False, False)
    >>> keepable("200 OK", [("Vary", "Accept-Encoding")])  # not in the key: a replay could be the wrong encoding
    False
    """
    if not status.startswith("200 "):
        return False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if lowered == "cache-control" and ("no-store" in value or "private" in value):
            return False
        if lowered == "vary" and not {v.strip().lower() for v in value.split(",")} <= _VARY_OK:
            return False
    return True


def mark_storable(response: Response) -> Response:
    """After a view: flag answers of :data:`STORED_ENDPOINTS` whose body is in memory, for :class:`AnswerCache`."""
    if request.endpoint in STORED_ENDPOINTS and not response.direct_passthrough and not response.is_streamed:
        request.environ[STORABLE] = True
    return response


def install(app: Flask, store: Store, *, max_bytes: int, max_query_length: int, body_timeout: float) -> AnswerCache:
    """Put an :class:`AnswerCache` in front of ``app``'s WSGI callable (test clients go through it too)."""
    app.after_request(mark_storable)
    cache = AnswerCache(app.wsgi_app, store, max_bytes=max_bytes, body_limit=query_body_limit(max_query_length),
                        body_timeout=body_timeout)
    app.wsgi_app = cache  # type: ignore[method-assign]
    return cache

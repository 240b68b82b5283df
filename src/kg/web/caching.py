"""Conditional requests and CORS for the read-only answers: every RDF document and every query result.

An answer's ETag is a hash of everything it is derived from (the data version, the request's inputs, the media
type), computed before the answer is: ``If-None-Match`` with a matching tag answers 304 without running anything.
RDF documents (entity IRIs in every format, the ontology, VoID, named graphs) carry CORS headers so browser
tools on other origins can read them, with the ETag and Link headers exposed.
"""

from __future__ import annotations

import hashlib
import typing as t

from flask import Response, request

from kg.formats import content_type
from kg.web.deps import get_settings, get_store

#: CORS on RDF documents: readable from any origin, with the headers a client needs to revalidate and navigate.
RDF_CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, Vary",
}


def etag_of(*parts: object) -> str:
    """A strong validator for an answer derived from ``parts``.

    >>> etag_of("v1", "/id/x", "text/turtle") == etag_of("v1", "/id/x", "text/turtle") != etag_of("v2", "/id/x")
    True
    """
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:32]


def cache_headers(etag: str, max_age: int) -> list[tuple[str, str]]:
    """What makes an answer cacheable: the ETag, a public Cache-Control for ``max_age`` seconds, and Vary: Accept.

    >>> cache_headers("abc", 300)
    [('ETag', '"abc"'), ('Cache-Control', 'public, max-age=300'), ('Vary', 'Accept')]
    """
    return [("ETag", f'"{etag}"'), ("Cache-Control", f"public, max-age={max_age}"), ("Vary", "Accept")]


def cached(response: Response, etag: str) -> Response:
    """:func:`cache_headers` on a Flask response (its Vary merged with the one it has)."""
    for name, value in cache_headers(etag, get_settings().cache_max_age):
        if name == "Vary":
            response.vary.add(value)
        else:
            response.headers[name] = value
    return response


def not_modified(etag: str) -> Response | None:
    """A 304 when the request's ``If-None-Match`` names ``etag`` (or is ``*``), else None."""
    if request.if_none_match and request.if_none_match.contains(etag):
        response = Response(status=304)
        del response.headers["Content-Type"]  # a 304 has no body (and so it does not vary like a page)
        return cached(response, etag)
    return None


def rdf_document(media_type: str, produce: t.Callable[[], bytes], *key: object,
                 links: str | None = None) -> Response:
    """An RDF document for this request's path: ETag from the data version, the base, the path, ``media_type`` and
    ``key``; 304 on a match (``produce`` is not called); CORS; ``links`` as the Link header."""
    store = get_store()
    etag = etag_of(store.data_version(), store.base, request.path, media_type, *key)
    response = not_modified(etag)
    if response is None:
        response = cached(Response(produce(), content_type=content_type(media_type)), etag)
    for name, value in RDF_CORS_HEADERS.items():
        response.headers[name] = value
    if links:
        response.headers["Link"] = links
    return response

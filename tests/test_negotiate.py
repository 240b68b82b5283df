"""Content negotiation tables: Accept header / format parameter → media type, per result kind."""

from __future__ import annotations

import pytest

from kg import negotiate as n

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SPARQLWRAPPER_JSON = "application/sparql-results+json,application/json,text/javascript,application/javascript"


@pytest.mark.parametrize(("kind", "accept", "fmt", "expected"), [
    ("solutions", None, None, n.JSON),
    ("solutions", "", None, n.JSON),
    ("solutions", "*/*", None, n.JSON),
    ("solutions", SPARQLWRAPPER_JSON, None, n.JSON),
    ("solutions", "application/sparql-results+xml", None, n.XML),
    ("solutions", "application/xml", None, n.XML),
    ("solutions", "text/csv", None, n.CSV),
    ("solutions", "text/tab-separated-values", None, n.TSV),
    ("solutions", "text/csv;q=0.5, text/tab-separated-values", None, n.TSV),
    ("solutions", "text/*", None, n.CSV),
    ("solutions", "application/json;q=0.1, text/csv;q=0.2", None, n.CSV),
    ("solutions", "application/sparql-results+json;q=0, */*;q=0.1", None, n.XML),
    ("solutions", BROWSER, None, n.HTML),
    ("solutions", "image/png", None, None),
    ("solutions", "text/turtle", None, None),
    ("solutions", "garbage", None, None),
    ("solutions", None, "csv", n.CSV),
    ("solutions", "text/csv", "json", n.JSON),
    ("solutions", None, "application/sparql-results+xml", n.XML),
    ("solutions", None, "turtle", None),
    ("boolean", None, None, n.JSON),
    ("boolean", "*/*", None, n.JSON),
    ("boolean", "text/*", None, None),
    ("boolean", "text/csv", None, n.CSV),
    ("boolean", "application/sparql-results+xml", None, n.XML),
    ("boolean", None, "tsv", n.TSV),
    ("graph", None, None, n.TURTLE),
    ("graph", "*/*", None, n.TURTLE),
    ("graph", "application/rdf+xml", None, n.RDFXML),
    ("graph", "application/n-triples", None, n.NTRIPLES),
    ("graph", "text/plain", None, n.NTRIPLES),
    ("graph", "application/ld+json", None, n.JSONLD),
    ("graph", "application/json", None, n.JSONLD),
    ("graph", "application/n-quads", None, n.NQUADS),
    ("graph", "application/turtle,text/turtle", None, n.TURTLE),
    ("graph", "application/rdf+xml;q=0.9, text/turtle;q=0.3", None, n.RDFXML),
    ("graph", BROWSER, None, n.HTML),
    ("graph", "application/sparql-results+json", None, None),
    ("graph", None, "ttl", n.TURTLE),
    ("graph", None, "nt", n.NTRIPLES),
    ("graph", None, "nq", n.NQUADS),
    ("graph", None, "json-ld", n.JSONLD),
    ("graph", None, "rdfxml", n.RDFXML),
    ("graph", None, "xml", n.RDFXML),
    ("graph", None, "text/turtle", n.TURTLE),
    ("graph", None, "csv", None),
])
def test_negotiate(kind: str, accept: str | None, fmt: str | None, expected: str | None) -> None:
    assert n.negotiate(kind, accept, fmt) == expected


@pytest.mark.parametrize(("header", "expected"), [
    ("text/html", [("text", "html", 1.0)]),
    ("text/html;q=0.5;level=1", [("text", "html", 0.5)]),
    ("a/b;q=2", [("a", "b", 1.0)]),
    ("a/b;q=x", [("a", "b", 0.0)]),
    ("nonsense, , /x, y/", []),
])
def test_parse_accept(header: str, expected: list[tuple[str, str, float]]) -> None:
    assert [(r.type, r.subtype, r.q) for r in n.parse_accept(header)] == expected


def test_every_format_has_a_content_type() -> None:
    for types in n.RESULT_FORMATS.values():
        for media_type in types:
            assert n.content_type(media_type).startswith(media_type)

"""Content negotiation tables: Accept header / format parameter → media type, per result kind."""

from __future__ import annotations

import pytest

from kg import formats as f
from kg import negotiate as n
from kg.formats import RDF_FORMATS, RESULT_FORMATS, content_type

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SPARQLWRAPPER_JSON = "application/sparql-results+json,application/json,text/javascript,application/javascript"


@pytest.mark.parametrize(("kind", "accept", "fmt", "expected"), [
    ("solutions", None, None, f.JSON),
    ("solutions", "", None, f.JSON),
    ("solutions", "*/*", None, f.JSON),
    ("solutions", SPARQLWRAPPER_JSON, None, f.JSON),
    ("solutions", "application/sparql-results+xml", None, f.XML),
    ("solutions", "application/xml", None, f.XML),
    ("solutions", "text/csv", None, f.CSV),
    ("solutions", "text/tab-separated-values", None, f.TSV),
    ("solutions", "text/csv;q=0.5, text/tab-separated-values", None, f.TSV),
    ("solutions", "text/*", None, f.CSV),
    ("solutions", "application/json;q=0.1, text/csv;q=0.2", None, f.CSV),
    ("solutions", "application/sparql-results+json;q=0, */*;q=0.1", None, f.XML),
    ("solutions", BROWSER, None, f.HTML),
    ("solutions", "image/png", None, None),
    ("solutions", "text/turtle", None, None),
    ("solutions", "garbage", None, None),
    ("solutions", None, "csv", f.CSV),
    ("solutions", "text/csv", "json", f.JSON),
    ("solutions", None, "application/sparql-results+xml", f.XML),
    ("solutions", None, "turtle", None),
    ("boolean", None, None, f.JSON),
    ("boolean", "*/*", None, f.JSON),
    ("boolean", "text/*", None, None),
    ("boolean", "text/csv", None, f.CSV),
    ("boolean", "application/sparql-results+xml", None, f.XML),
    ("boolean", None, "tsv", f.TSV),
    ("graph", None, None, f.TURTLE),
    ("graph", "*/*", None, f.TURTLE),
    ("graph", "application/rdf+xml", None, f.RDFXML),
    ("graph", "application/n-triples", None, f.NTRIPLES),
    ("graph", "text/plain", None, f.NTRIPLES),
    ("graph", "application/ld+json", None, f.JSONLD),
    ("graph", "application/json", None, f.JSONLD),
    ("graph", "application/n-quads", None, f.NQUADS),
    ("graph", "application/turtle,text/turtle", None, f.TURTLE),
    ("graph", "application/rdf+xml;q=0.9, text/turtle;q=0.3", None, f.RDFXML),
    ("graph", BROWSER, None, f.HTML),
    ("graph", "application/sparql-results+json", None, None),
    ("graph", None, "ttl", f.TURTLE),
    ("graph", None, "nt", f.NTRIPLES),
    ("graph", None, "nq", f.NQUADS),
    ("graph", None, "json-ld", f.JSONLD),
    ("graph", None, "rdfxml", f.RDFXML),
    ("graph", None, "xml", f.RDFXML),
    ("graph", None, "text/turtle", f.TURTLE),
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
    for fmt in (*RESULT_FORMATS, *RDF_FORMATS):
        assert content_type(fmt.media_type).startswith(fmt.media_type)

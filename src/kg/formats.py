"""The one table of formats: every media type the service reads or writes, with everything said about it.

A :class:`Format` names its media type, the pyoxigraph format that parses and writes it, the ``format=`` names and
other media types clients use for it, its file suffix (entity IRIs, dumps), its W3C format IRI (service description)
and its EU file-type code (DCAT-AP). Content negotiation (kg.negotiate), the result writers, the service
description, entity dereferencing, downloads and the catalog all read this table; nothing else lists media types.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

HTML = "text/html"
JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
NQUADS = "application/n-quads"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"
N3 = "text/n3"
TRIG = "application/trig"

W3C_FORMATS = "http://www.w3.org/ns/formats/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


@dataclass(frozen=True)
class Format:
    """One serialisation: ``kind`` is "results" (SELECT/ASK) or "graph" (RDF)."""

    media_type: str
    label: str
    kind: str
    #: ``format=`` parameter values that ask for it.
    names: tuple[str, ...] = ()
    #: Other media types clients send for it.
    aliases: tuple[str, ...] = ()
    suffix: str = ""
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    w3c: str = ""
    eu_file_type: str = ""

    @property
    def is_text(self) -> bool:
        """Sent with ``; charset=utf-8`` (the JSON and XML types carry their encoding themselves)."""
        return self.media_type.startswith("text/") or self.media_type in (NTRIPLES, NQUADS)


#: Result formats of SELECT and ASK, in server preference order (the first is the default).
RESULT_FORMATS: tuple[Format, ...] = (
    Format(JSON, "SPARQL JSON", "results", ("json",), ("application/json",), ".srj", results=ox.QueryResultsFormat.JSON,
           w3c=W3C_FORMATS + "SPARQL_Results_JSON"),
    Format(XML, "SPARQL XML", "results", ("xml",), ("application/xml", "text/xml"), ".srx",
           results=ox.QueryResultsFormat.XML, w3c=W3C_FORMATS + "SPARQL_Results_XML"),
    Format(CSV, "CSV", "results", ("csv",), (), ".csv", results=ox.QueryResultsFormat.CSV,
           w3c=W3C_FORMATS + "SPARQL_Results_CSV", eu_file_type="CSV"),
    Format(TSV, "TSV", "results", ("tsv",), ("text/plain",), ".tsv", results=ox.QueryResultsFormat.TSV,
           w3c=W3C_FORMATS + "SPARQL_Results_TSV", eu_file_type="TSV"),
)

#: RDF formats, in server preference order: for CONSTRUCT/DESCRIBE, entity IRIs and the catalog.
RDF_FORMATS: tuple[Format, ...] = (
    Format(TURTLE, "Turtle", "graph", ("turtle", "ttl"), ("application/x-turtle", "application/turtle"), ".ttl",
           rdf=ox.RdfFormat.TURTLE, w3c=W3C_FORMATS + "Turtle", eu_file_type="RDF_TURTLE"),
    Format(JSONLD, "JSON-LD", "graph", ("jsonld", "json-ld", "json"), ("application/json",), ".jsonld",
           rdf=ox.RdfFormat.JSON_LD, w3c=W3C_FORMATS + "JSON-LD", eu_file_type="JSON_LD"),
    Format(NTRIPLES, "N-Triples", "graph", ("ntriples", "nt"), ("text/plain", "text/n-triples"), ".nt",
           rdf=ox.RdfFormat.N_TRIPLES, w3c=W3C_FORMATS + "N-Triples", eu_file_type="RDF_N_TRIPLES"),
    Format(RDFXML, "RDF/XML", "graph", ("rdfxml", "rdf", "xml"), ("application/xml", "text/xml"), ".rdf",
           rdf=ox.RdfFormat.RDF_XML, w3c=W3C_FORMATS + "RDF_XML", eu_file_type="RDF_XML"),
    Format(NQUADS, "N-Quads", "graph", ("nquads", "nq"), ("text/n-quads", "text/x-nquads"), ".nq",
           rdf=ox.RdfFormat.N_QUADS, w3c=W3C_FORMATS + "N-Quads", eu_file_type="RDF_N_QUADS"),
    Format(N3, "N3", "graph", ("n3",), ("text/rdf+n3",), ".n3", rdf=ox.RdfFormat.N3, w3c=W3C_FORMATS + "N3"),
    Format(TRIG, "TriG", "graph", ("trig",), ("application/x-trig",), ".trig", rdf=ox.RdfFormat.TRIG,
           w3c=W3C_FORMATS + "TriG", eu_file_type="RDF_TRIG"),
)

#: The HTML page (entity pages, the query page): offered only to clients that name it.
HTML_PAGE = Format(HTML, "HTML", "page", ("html",), ("application/xhtml+xml",), ".html")

#: Other files the service publishes (downloads).
FILE_FORMATS: tuple[Format, ...] = (
    Format("text/csv", "CSV", "file", suffix=".csv", eu_file_type="CSV"),
    Format("application/csvm+json", "CSVW metadata", "file", suffix=".json", eu_file_type="JSON"),
)

BY_MEDIA_TYPE: dict[str, Format] = {f.media_type: f for f in (*RESULT_FORMATS, *RDF_FORMATS)}
#: Entity IRIs and user files: file suffix → RDF format.
RDF_BY_SUFFIX: dict[str, Format] = {f.suffix: f for f in RDF_FORMATS}
#: Suffixes of user data files that are read but never served (``kg serve --data``).
READ_SUFFIXES: dict[str, ox.RdfFormat] = {".json": ox.RdfFormat.JSON_LD, ".owl": ox.RdfFormat.RDF_XML,
                                          ".xml": ox.RdfFormat.RDF_XML}


def formats_of(kind: str) -> tuple[Format, ...]:
    """The formats a result of ``kind`` ("solutions", "boolean" or "graph") can be written in."""
    return RDF_FORMATS if kind == "graph" else RESULT_FORMATS


def rdf_format_for(path: Path) -> ox.RdfFormat:
    """The parser for an RDF file, chosen by its extension.

    :raises ValueError: an unknown extension.

    >>> rdf_format_for(Path("x.trig"))
    <RdfFormat TriG>
    """
    suffix = path.suffix.lower()
    if suffix in RDF_BY_SUFFIX:
        return RDF_BY_SUFFIX[suffix].rdf  # type: ignore[return-value]
    if suffix in READ_SUFFIXES:
        return READ_SUFFIXES[suffix]
    raise ValueError(f"unknown RDF file extension {path.suffix!r} ({path})")


def content_type(media_type: str) -> str:
    """The Content-Type header value for a media type.

    >>> content_type("text/turtle")
    'text/turtle; charset=utf-8'
    >>> content_type("application/sparql-results+json")
    'application/sparql-results+json'
    """
    known = BY_MEDIA_TYPE.get(media_type)
    text = known.is_text if known else media_type == HTML or media_type.startswith("text/")
    return f"{media_type}; charset=utf-8" if text else media_type


def rdf_prefixes(fmt: ox.RdfFormat, prefixes: dict[str, str]) -> dict[str, str] | None:
    """The prefixes to write in ``fmt`` (None for formats without prefix declarations); names pyoxigraph accepts."""
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.N3, ox.RdfFormat.TRIG):
        return {k: v for k, v in prefixes.items() if k.replace("-", "").isalnum()}
    return None


def serialize_triples(triples: list[ox.Triple], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in ``fmt``, with ``prefixes`` where the format declares them (N-Quads/TriG: the default graph)."""
    chosen = rdf_prefixes(fmt, prefixes or {})
    if chosen:
        return ox.serialize(triples, format=fmt, prefixes=chosen) or b""
    return ox.serialize(triples, format=fmt) or b""


#: Formats whose documents keep graph names (a document's quads are written as they are).
QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)


def jsonld_context(prefixes: dict[str, str]) -> dict[str, str]:
    """The published JSON-LD context (``/downloads/context.jsonld``): the project's prefixes, Chinese by default.

    >>> jsonld_context({"dkg": "https://w3id.org/dalian-kg/def/ontology#"})["@language"]
    'zh'
    """
    return {**prefixes, "@language": "zh"}


def compact_jsonld(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """Triples as JSON-LD compacted with the published context (one node object per subject; rdflib compacts)."""
    from rdflib import Graph

    graph = Graph()
    ordered = sorted(set(triples), key=str)
    graph.parse(data=ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")
    return graph.serialize(format="json-ld", context=jsonld_context(prefixes), auto_compact=True).encode("utf-8")


def serialize_document(quads: Iterable[ox.Quad], fmt: ox.RdfFormat, prefixes: dict[str, str]) -> bytes:
    """An RDF document (an entity's description, a named graph, a dump) in ``fmt``: N-Quads and TriG keep the graph
    names, the other formats get the distinct triples; JSON-LD is compacted with :func:`jsonld_context`."""
    quads = list(quads)
    if fmt in QUAD_FORMATS:
        chosen = rdf_prefixes(fmt, prefixes)
        return (ox.serialize(quads, format=fmt, prefixes=chosen) if chosen else ox.serialize(quads, format=fmt)) or b""
    triples = list(dict.fromkeys(q.triple for q in quads))
    if fmt == ox.RdfFormat.JSON_LD:
        return compact_jsonld(triples, prefixes)
    return serialize_triples(triples, fmt, prefixes)

"""The SPARQL 1.1 Service Description of the endpoint (served at GET /sparql without a query).

It says what a client can rely on: SPARQL 1.1 Query only (no Update), the result formats (W3C format IRIs),
the union default graph, the full-text extension (``dkgtext:query``, kg.sparql.textquery) as an
``sd:propertyFeature``, the named graphs with their sizes, and where the VoID description lives.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.formats import BY_MEDIA_TYPE, RDF_FORMATS, RESULT_FORMATS, TURTLE, serialize_triples
from kg.namespaces import SD, VOID
from kg.queries import query
from kg.sparql.textquery import TEXT_NAMESPACE
from kg.store import Store

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
TEXT_FEATURE = ("Full-text search of names (rdfs:label, skos:prefLabel, skos:altLabel, schema:name, dct:title) in "
                'Chinese, English and pinyin: ?s dkgtext:query "text" or (?s ?score) dkgtext:query ("text" limit), '
                "answered from an n-gram index; see the README, section The SPARQL endpoint.")
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SD}{name}")


def _void(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{VOID}{name}")


def describe_service(store: Store, endpoint: str) -> list[ox.Triple]:
    """The service description triples for ``endpoint`` (the /sparql URL) over ``store``."""
    service, dataset, default_graph = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")
    void = ox.NamedNode(endpoint.removesuffix("sparql") + ".well-known/void")  # where this service serves it
    text_search = ox.NamedNode(store.base + TEXT_NAMESPACE + "query")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("propertyFeature"), text_search),
        ox.Triple(text_search, RDF_TYPE, _sd("Feature")),
        ox.Triple(text_search, RDFS_COMMENT, ox.Literal(TEXT_FEATURE, language="en")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, RDFS_SEE_ALSO, void),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(default_graph, RDFS_SEE_ALSO, void),
        ox.Triple(void, RDF_TYPE, _void("Dataset")),
        ox.Triple(void, _void("sparqlEndpoint"), ox.NamedNode(endpoint)),
    ]
    triples += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(f.w3c)) for f in (*RESULT_FORMATS, *RDF_FORMATS)]
    for i, row in enumerate(store.select(query("sd_graph_sizes", store.base))):
        named, graph = ox.BlankNode(f"ng{i}"), ox.BlankNode(f"g{i}")
        size = int(row["triples"].value)
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), row["g"]),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, _void("triples"), ox.Literal(str(size), datatype=ox.NamedNode(XSD_INTEGER))),
        ]
    return triples


def serialize_description(triples: list[ox.Triple], media_type: str) -> bytes:
    """The description in a negotiated graph media type (Turtle when the type is not an RDF one)."""
    known = BY_MEDIA_TYPE.get(media_type)
    fmt = known.rdf if known is not None and known.rdf is not None else BY_MEDIA_TYPE[TURTLE].rdf
    return serialize_triples(triples, fmt, {"sd": str(SD), "void": str(VOID)})

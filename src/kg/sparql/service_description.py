"""The SPARQL 1.1 Service Description of the endpoint (served at GET /sparql without a query).

It says what a client can rely on: SPARQL 1.1 Query only (no Update), the result formats (W3C format IRIs),
the union default graph, the named graphs with their sizes, and where the VoID description lives.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg import negotiate
from kg.namespaces import SD, VOID
from kg.queries import query
from kg.store import Store
from kg.store.results import GRAPH_FORMATS

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
FORMATS = "http://www.w3.org/ns/formats/"

#: Media type served → W3C format IRI (https://www.w3.org/ns/formats/).
FORMAT_IRIS: dict[str, str] = {
    negotiate.JSON: FORMATS + "SPARQL_Results_JSON",
    negotiate.XML: FORMATS + "SPARQL_Results_XML",
    negotiate.CSV: FORMATS + "SPARQL_Results_CSV",
    negotiate.TSV: FORMATS + "SPARQL_Results_TSV",
    negotiate.TURTLE: FORMATS + "Turtle",
    negotiate.NTRIPLES: FORMATS + "N-Triples",
    negotiate.NQUADS: FORMATS + "N-Quads",
    negotiate.JSONLD: FORMATS + "JSON-LD",
    negotiate.RDFXML: FORMATS + "RDF_XML",
}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SD}{name}")


def _void(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{VOID}{name}")


def describe_service(store: Store, endpoint: str) -> list[ox.Triple]:
    """The service description triples for ``endpoint`` (the /sparql URL) over ``store``."""
    service, dataset, default_graph = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")
    void = ox.NamedNode(store.base + ".well-known/void")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, RDFS_SEE_ALSO, void),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(default_graph, RDFS_SEE_ALSO, void),
        ox.Triple(void, RDF_TYPE, _void("Dataset")),
        ox.Triple(void, _void("sparqlEndpoint"), ox.NamedNode(endpoint)),
    ]
    triples += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(iri)) for iri in FORMAT_IRIS.values()]
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
    fmt = GRAPH_FORMATS.get(media_type, ox.RdfFormat.TURTLE)
    prefixes = {"sd": str(SD), "void": str(VOID)} if fmt == ox.RdfFormat.TURTLE else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes) if prefixes else ox.serialize(triples, format=fmt)

"""An IRI's RDF description as served when a client asks for RDF instead of the page (any format of kg.formats)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.formats import BY_MEDIA_TYPE, serialize_document
from kg.namespaces import prefixes_for
from kg.queries import query
from kg.store import Store


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """The description served for an IRI: outgoing triples with blank-node closure, incoming links, labels."""
    triples = store.construct(query("entity_describe", store.base), {"s": ox.NamedNode(iri)})
    return list(dict.fromkeys(triples))


def graph_triples(store: Store, graph_iri: str) -> list[ox.Triple]:
    """Every triple of one named graph (the ontology and the catalog are served whole)."""
    return store.construct(query("graph_triples", store.base), {"g": ox.NamedNode(graph_iri)})


def serialise(triples: list[ox.Triple], media_type: str, base: str) -> bytes:
    """Triples in the RDF format of ``media_type``, with the project's prefixes where the format has them, JSON-LD
    compacted with the published context (``/downloads/context.jsonld``); N-Quads and TriG in the default graph."""
    return serialise_quads([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples],
                           media_type, base)


def serialise_quads(quads: list[ox.Quad], media_type: str, base: str) -> bytes:
    """Quads in the RDF format of ``media_type``: graph names kept in N-Quads and TriG (see :func:`serialise`)."""
    fmt = BY_MEDIA_TYPE[media_type].rdf
    assert fmt is not None, media_type
    return serialize_document(quads, fmt, prefixes_for(base))

"""IRI → RDF description, and the negotiation between HTML and the RDF formats (Accept q-values, file suffixes)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import prefixes_for
from kg.negotiate import pick
from kg.queries import query
from kg.store import Store


@dataclass(frozen=True)
class RdfFormat:
    """A serialisation offered for entity IRIs."""

    media_type: str
    suffix: str
    name: str
    ox_format: ox.RdfFormat


#: The RDF formats every entity IRI is served in (N-Quads/TriG: the triples go in the default graph).
RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("text/turtle", ".ttl", "Turtle", ox.RdfFormat.TURTLE),
    RdfFormat("application/ld+json", ".jsonld", "JSON-LD", ox.RdfFormat.JSON_LD),
    RdfFormat("application/n-triples", ".nt", "N-Triples", ox.RdfFormat.N_TRIPLES),
    RdfFormat("application/rdf+xml", ".rdf", "RDF/XML", ox.RdfFormat.RDF_XML),
    RdfFormat("text/n3", ".n3", "N3", ox.RdfFormat.N3),
    RdfFormat("application/n-quads", ".nq", "N-Quads", ox.RdfFormat.N_QUADS),
    RdfFormat("application/trig", ".trig", "TriG", ox.RdfFormat.TRIG),
)
HTML = "text/html"
BY_SUFFIX = {f.suffix: f for f in RDF_FORMATS}
BY_MEDIA_TYPE = {f.media_type: f for f in RDF_FORMATS}
#: Other names clients use for the same formats.
ALIASES = {"application/x-turtle": "text/turtle", "application/json": "application/ld+json",
           "text/plain": "application/n-triples", "application/xml": "application/rdf+xml",
           "application/xhtml+xml": HTML,
           "text/rdf+n3": "text/n3", "text/x-nquads": "application/n-quads"}


def pick_media_type(accept: str | None) -> str:
    """HTML or one of the RDF media types, whichever the Accept header prefers; HTML by default and on ``*/*``.

    kg.negotiate.pick does the work, as for /sparql: HTML counts only when named, and ties go to RDF_FORMATS order
    then HTML (changed: ``text/turtle;q=0.9, text/html;q=0.9`` used to get HTML here but Turtle from /sparql).

    >>> pick_media_type("application/rdf+xml;q=0.9, text/turtle")
    'text/turtle'
    >>> pick_media_type("text/html;q=0.1, application/ld+json;q=0.2")
    'application/ld+json'
    >>> pick_media_type("*/*")
    'text/html'
    >>> pick_media_type("text/turtle;q=0.9, text/html;q=0.9")
    'text/turtle'
    >>> pick_media_type("text/n3")
    'text/n3'
    """
    return pick(accept, [f.media_type for f in RDF_FORMATS] + [HTML], HTML, ALIASES, any_type=False)


def split_suffix(path: str) -> tuple[str, RdfFormat | None]:
    """A path without its RDF file suffix, and the format the suffix asks for.

    >>> split_suffix("id/org/neusoft.ttl")[0]
    'id/org/neusoft'
    """
    for suffix, fmt in BY_SUFFIX.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], fmt
    return path, None


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """The description served for an IRI: outgoing triples with blank-node closure, incoming links, labels."""
    triples = store.construct(query("entity_describe", store.base), {"s": ox.NamedNode(iri)})
    return list(dict.fromkeys(triples))


def graph_triples(store: Store, graph_iri: str) -> list[ox.Triple]:
    """Every triple of one named graph (the ontology is served whole)."""
    return store.construct(query("graph_triples", store.base), {"g": ox.NamedNode(graph_iri)})


def serialise(triples: list[ox.Triple], fmt: RdfFormat, base: str) -> bytes:
    """Triples in ``fmt``, with the project's prefixes where the format has them."""
    if fmt.ox_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.N3, ox.RdfFormat.TRIG):
        prefixes = {k: v for k, v in prefixes_for(base).items() if k.replace("-", "").isalnum()}
        return ox.serialize(triples, format=fmt.ox_format, prefixes=prefixes)
    return ox.serialize(triples, format=fmt.ox_format)

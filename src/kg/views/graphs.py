"""Named-graph IRIs (``/data/asserted``, ``/data/inferred``, ``/data/ontology``, ``/data/links``, ``/data/catalog``)
as served: for RDF, the graph's content in its named graph plus its catalog description in the default graph
(quad formats keep the two apart; triple formats merge them); for people, a page saying what the graph holds, its
triple count and where to get its data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.formats import RDF_FORMATS
from kg.queries import query
from kg.store import Store
from kg.store.memo import memo
from kg.views.labels import Label, choose_label

DCT_DESCRIPTION = "http://purl.org/dc/terms/description"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
#: The published downloads that hold each graph (graph names kept in N-Quads), by the graph's path.
DUMPS_HOLDING = {
    "data/inferred": ("dalian-kg-inferred.nq",),
    "data/catalog": ("void.ttl",),
}
DEFAULT_DUMPS = ("dalian-kg.nq", "dalian-kg-inferred.nq")


@dataclass
class GraphPage:
    """What the page of a named graph shows."""

    iri: str
    path: str
    title: Label
    description: Label | None
    triples: int
    #: The graph itself in each RDF format (its IRI with a suffix): (format name, href).
    formats: list[tuple[str, str]] = field(default_factory=list)
    #: Published downloads that contain the graph: (file name, href).
    dumps: list[tuple[str, str]] = field(default_factory=list)
    #: The query page with a query listing the graph's triples.
    query_href: str = ""


def graph_sizes(store: Store) -> dict[str, int]:
    """Triples per named graph of the store (once per data version)."""
    return memo(store, "graph_sizes", lambda s: {
        row["g"].value: int(row["triples"].value) for row in s.select(query("sd_graph_sizes", s.base))})


def is_named_graph(store: Store, iri: str) -> bool:
    """Whether ``iri`` names a graph of the store."""
    return iri in graph_sizes(store)


def graph_document(store: Store, iri: str) -> list[ox.Quad]:
    """The RDF served at a graph's IRI: its description in the default graph, its content in the graph."""
    node = ox.NamedNode(iri)
    description = store.construct(query("graph_description", store.base), {"g": node})
    content = store.construct(query("graph_triples", store.base), {"g": node})
    return ([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in description]
            + [ox.Quad(t.subject, t.predicate, t.object, node) for t in content])


def build_graph_page(store: Store, iri: str, lang: str, *, published: bool) -> GraphPage:
    """The page of the named graph ``iri`` in ``lang``; ``published``: the server has downloads to link to."""
    node = ox.NamedNode(iri)
    described = store.construct(query("graph_description", store.base), {"g": node})
    texts: dict[str, dict[str, str]] = {RDFS_LABEL: {}, DCT_DESCRIPTION: {}}
    for triple in described:
        if triple.predicate.value in texts and isinstance(triple.object, ox.Literal):
            texts[triple.predicate.value][triple.object.language or ""] = triple.object.value
    path = iri[len(store.base):] if iri.startswith(store.base) else iri
    local = "/" + path
    dumps = DUMPS_HOLDING.get(path, DEFAULT_DUMPS) if published else ()
    listing = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} LIMIT 100"
    return GraphPage(
        iri=iri, path=local,
        title=choose_label(texts[RDFS_LABEL], lang, path),
        description=choose_label(texts[DCT_DESCRIPTION], lang, "") if texts[DCT_DESCRIPTION] else None,
        triples=graph_sizes(store).get(iri, 0),
        formats=[(f.label, local + f.suffix) for f in RDF_FORMATS],
        dumps=[(name, "/downloads/" + name) for name in dumps],
        query_href="/sparql?" + urlencode({"query": listing}),
    )

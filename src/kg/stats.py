"""``kg stats``: what is in the graph, counted from the built store."""

from __future__ import annotations

from kg.config import Settings
from kg.namespaces import (
    CANONICAL_BASE,
    GRAPH_ASSERTED,
    GRAPH_INFERRED,
    GRAPH_LINKS,
    GRAPH_ONTOLOGY,
    compact,
    prefixes_for,
    sparql_prologue,
)

_GRAPH_SIZES = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"""

_ENTITIES_PER_CLASS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?class } FILTER(?g != <%(ontology)s>)
  FILTER(STRSTARTS(STR(?s), STR(dkg:)) = false)
} GROUP BY ?class ORDER BY DESC(?n) ?class"""

_OBSERVATIONS_PER_ORG = """
SELECT ?org (SAMPLE(?label) AS ?name) (COUNT(DISTINCT ?obs) AS ?n) WHERE {
  ?obs a qb:Observation ; dkg:responsibleOrganization ?org .
  OPTIONAL { ?org rdfs:label ?label FILTER(LANG(?label) = "en") }
} GROUP BY ?org ORDER BY DESC(?n)"""


def collect_stats(settings: Settings) -> dict[str, list[tuple[str, int]]]:
    """Counts by named graph, by class and by responsible organisation."""
    from kg.store.embedded import EmbeddedStore

    store = EmbeddedStore.open(settings)
    prologue = sparql_prologue(store.base)
    names = {GRAPH_ASSERTED: "asserted", GRAPH_INFERRED: "inferred", GRAPH_LINKS: "links", GRAPH_ONTOLOGY: "ontology",
             CANONICAL_BASE + "data/catalog": "catalog"}
    names = {store.base + iri.split("/dalian-kg/", 1)[1]: name for iri, name in names.items()}
    graphs = [(names.get(r["g"].value, r["g"].value), int(r["n"].value)) for r in store.select(_GRAPH_SIZES)]
    ontology_graph = store.base + "data/ontology"
    classes = [
        (compact(r["class"].value, prefixes_for(store.base)) or r["class"].value, int(r["n"].value))
        for r in store.select(prologue + _ENTITIES_PER_CLASS % {"ontology": ontology_graph})
    ]
    per_org = [
        (r["name"].value if "name" in r else r["org"].value, int(r["n"].value))
        for r in store.select(prologue + _OBSERVATIONS_PER_ORG)
    ]
    return {
        "triples per graph": sorted(graphs),
        "entities per class": classes,
        "observations per organisation": per_org,
    }


def format_stats(settings: Settings) -> str:
    """The counts as aligned text tables."""
    lines: list[str] = []
    for title, rows in collect_stats(settings).items():
        lines.append(title)
        width = max((len(name) for name, _ in rows), default=0)
        lines.extend(f"  {name.ljust(width)}  {count:>7}" for name, count in rows)
        if title == "triples per graph":
            lines.append(f"  {'total'.ljust(width)}  {sum(count for _, count in rows):>7}")
    return "\n".join(lines)

"""The fixed query mix of issues 3 and 6, as SPARQL text, plus the entity pages the page benchmarks fetch.

Parameters that depend on the data (the indicator with the most observations) are chosen once per dataset with a
cheap in-process query, so the mix works on the real graph alone and on any generated size. This is benchmark
code, not the app: IRIs are written into the text from ``ox.NamedNode`` (N-Triples syntax, escaped).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import CANONICAL_BASE

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX dkg: <https://w3id.org/dalian-kg/def/ontology#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
"""

#: A typical entity (a real organisation that synthetic data does not point at) and a hub that it does.
ENTITY = CANONICAL_BASE + "id/org/neusoft-institute"
HUB = CANONICAL_BASE + "id/org/dalian-health-commission"
OBSERVATION = CANONICAL_BASE + "id/obs/life-expectancy-2025"
LABEL_TEXT = "养老"

#: Entity pages by name → path under the served base (HTML).
PAGES = {
    "entity page": "id/org/neusoft-institute",
    "observation page": "id/obs/life-expectancy-2025",
    "hub page": "id/org/dalian-health-commission",
}

TOP_INDICATOR = PREFIXES + """SELECT ?ind (COUNT(*) AS ?n) WHERE { ?obs dkg:indicator ?ind } GROUP BY ?ind
ORDER BY DESC(?n) ?ind LIMIT 1"""


@dataclass(frozen=True)
class Query:
    """One query of the mix: a short name, the SPARQL text, and what it exercises."""

    name: str
    text: str
    what: str
    #: The same question for engines without the endpoint's extensions (in-process pyoxigraph, Virtuoso direct).
    local: str = ""


def top_indicator(store: ox.Store) -> str:
    """The indicator with the most observations in ``store`` (ties: the smallest IRI)."""
    for row in store.query(TOP_INDICATOR, use_default_graph_as_union=True):
        return row["ind"].value
    raise ValueError("the data has no observations")


def query_mix(indicator: str) -> list[Query]:
    """The fixed mix: entity lookup, selective join, aggregation, label search, class-hierarchy path."""
    ind, entity = ox.NamedNode(indicator), ox.NamedNode(ENTITY)
    return [
        Query("entity query", PREFIXES + f"SELECT ?p ?o WHERE {{ {entity} ?p ?o }}",
              "all outgoing triples of one organisation"),
        Query("selective join", PREFIXES + f"""SELECT ?obs ?period ?begin ?value WHERE {{
  ?obs dkg:indicator {ind} ; sdmx-dimension:refPeriod ?period ; sdmx-measure:obsValue ?value .
  OPTIONAL {{ ?period time:hasBeginning/time:inXSDDate ?begin }}
}} ORDER BY ?begin ?obs""", "observations of the largest indicator ordered by period"),
        Query("aggregation", PREFIXES + """SELECT ?ind (COUNT(?obs) AS ?n) (AVG(?v) AS ?mean) WHERE {
  ?obs dkg:indicator ?ind ; sdmx-measure:obsValue ?v
} GROUP BY ?ind ORDER BY DESC(?n)""", "GROUP BY indicator over every observation"),
        Query("label search", PREFIXES + f"""SELECT ?s ?label WHERE {{
  ?s rdfs:label ?label FILTER(CONTAINS(?label, "{LABEL_TEXT}"))
}} LIMIT 100""", "FILTER CONTAINS over every label"),
        Query("class path", PREFIXES + """SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {
  ?x rdf:type/rdfs:subClassOf* qb:Observation
}""", "instances of qb:Observation and its subclasses via rdf:type/rdfs:subClassOf*"),
    ]


def run_in_process(store: ox.Store, text: str) -> int:
    """Run ``text`` on ``store`` and consume every row (what a local caller gets); returns the row count."""
    result = store.query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return 1
    return sum(1 for _ in result)


def text_search() -> Query:
    """The label search through the endpoint's full-text extension (``dkgtext:query``, kg.sparql.textquery): the
    same rows as "label search", found in the text index; engines without the extension run the FILTER CONTAINS."""
    contains = f'?s rdfs:label ?label FILTER(CONTAINS(?label, "{LABEL_TEXT}"))'
    return Query("text search", PREFIXES + f"""PREFIX dkgtext: <{CANONICAL_BASE}def/text#>
SELECT ?s ?label WHERE {{ ?s dkgtext:query ("{LABEL_TEXT}" 100) . {contains} }} LIMIT 100""",
                 "dkgtext:query from the text index, joined with the labels",
                 local=PREFIXES + f"SELECT ?s ?label WHERE {{ {contains} }} LIMIT 100")

"""The items bench/peers.py sends to every server: small queries, big queries, full-text search, pages, limits.

Parameters that depend on the data (the busiest organisation, the largest indicator, a sample of entities to rotate
through so that a response cache cannot answer the throughput runs) are picked once per dataset from the
in-process pyoxigraph store. IRIs are written into the SPARQL text from ``ox.NamedNode`` (N-Triples syntax).
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox
import requests
from mix import ENTITY, PREFIXES, query_mix, top_indicator
from peers_report import consume
from wrk import HTML, JSON, TURTLE

from kg.namespaces import CANONICAL_BASE

#: Organisations ordered by how many observations point at them (the first is the hub).
HUBS = PREFIXES + """SELECT ?org (COUNT(*) AS ?n) WHERE { ?obs dkg:responsibleOrganization ?org }
GROUP BY ?org ORDER BY DESC(?n) ?org LIMIT 20"""
#: The place containing the most things (Dalian at 1 M: 437 ``dkg:contains``), more than a page lists.
WIDEST_PLACE = PREFIXES + """SELECT ?place (COUNT(*) AS ?n) WHERE { ?place dkg:contains ?x }
GROUP BY ?place ORDER BY DESC(?n) ?place LIMIT 1"""
LABELLED = """SELECT DISTINCT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(isIRI(?s)) }"""
ROTATION = 200
SD = "http://www.w3.org/ns/sparql-service-description#"


@dataclass
class Item:
    """One thing to time: a query (``text``, with ``variants`` for the throughput rotation) or a page (``path``)."""

    name: str
    kind: str  # small | big | text | page
    accept: str
    text: str = ""
    variants: list[str] = field(default_factory=list)
    path: str = ""
    what: str = ""
    rows: int | None = None  # in-process answer size (rows, or triples for DESCRIBE)


def sample_entities(store: ox.Store, n: int = ROTATION) -> list[str]:
    """``n`` labelled IRIs (real and synthetic), the same for every run on the same data."""
    subjects = sorted(row["s"].value for row in store.query(LABELLED, use_default_graph_as_union=True))
    return random.Random(15).sample(subjects, min(n, len(subjects)))


def count_in_process(store: ox.Store, text: str) -> int:
    result = store.query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return 1
    return sum(1 for _ in result)


def _lookup(iri: str) -> str:
    return f"SELECT ?p ?o WHERE {{ {ox.NamedNode(iri)} ?p ?o }}"


def _hub(iri: str) -> str:
    return f"SELECT ?s ?p WHERE {{ ?s ?p {ox.NamedNode(iri)} }} LIMIT 50"


def _describe(iri: str) -> str:
    return f"DESCRIBE {ox.NamedNode(iri)}"


def build_items(store: ox.Store, *, text_query: str | None = None) -> tuple[list[Item], dict]:
    """Every item of the run and the parameters chosen (hub, indicator, rotation size)."""
    hubs = [row["org"].value for row in store.query(HUBS, use_default_graph_as_union=True)]
    if not hubs:
        raise ValueError("the data has no dkg:responsibleOrganization")
    entities = sample_entities(store)
    indicator = top_indicator(store)
    big = {q.name: q for q in query_mix(indicator)}
    items = [
        Item("ASK {}", "small", JSON, "ASK {}", ["ASK {}"], what="the empty ASK: pure per-request overhead"),
        Item("entity lookup", "small", JSON, _lookup(ENTITY), [_lookup(e) for e in entities],
             what="all outgoing triples of one organisation (throughput: rotating over 200 entities)"),
        Item("DESCRIBE", "small", TURTLE, _describe(ENTITY), [_describe(e) for e in entities],
             what="DESCRIBE of one organisation as Turtle (throughput: rotating over 200 entities)"),
        Item("hub lookup", "small", JSON, _hub(hubs[0]), [_hub(h) for h in hubs],
             what="50 inbound links of the busiest organisation (throughput: rotating over the 20 busiest)"),
        Item("2-hop join", "big", JSON, big["selective join"].text,
             what="observations of the largest indicator with value and period start (obs → period → date)"),
        Item("aggregation", "big", JSON, big["aggregation"].text, what=big["aggregation"].what),
        Item("label search", "big", JSON, big["label search"].text, what=big["label search"].what),
        Item("class path", "big", JSON, big["class path"].text, what=big["class path"].what),
    ]
    if text_query:
        items.append(Item("full-text search", "text", JSON, text_query, [text_query],
                           what="label search through kg's full-text extension (--text-query)"))
    for item in items:
        item.rows = count_in_process(store, item.text) if item.kind != "text" else None
    hub_path = hubs[0].removeprefix(CANONICAL_BASE)
    pages = {
        "home": "",
        "hub entity": hub_path,
        "ordinary entity": ENTITY.removeprefix(CANONICAL_BASE),
        "place": next(iter(store.query(WIDEST_PLACE, use_default_graph_as_union=True)))["place"].value.removeprefix(
            CANONICAL_BASE),
        "article": "id/article/health",
        "class": "class?" + urlencode({"iri": CANONICAL_BASE + "def/ontology#GovernmentAgency"}),
        "search": "search?" + urlencode({"q": "养老"}),
    }
    items += [Item(f"{name} page", "page", HTML, path=path, what="/" + path) for name, path in pages.items()]
    return items, {"hub": hubs[0], "indicator": indicator, "rotation": len(entities), "hubs": len(hubs)}


def answer_size(url: str, item: Item) -> str:
    """One request outside the timing: the rows (DESCRIBE: triples; pages: KiB of HTML) a server answers."""
    try:
        if item.kind == "page":
            response = requests.get(url, headers={"Accept": item.accept}, timeout=300)
        else:
            response = requests.post(url, data={"query": item.text}, headers={"Accept": item.accept}, timeout=300)
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        if item.kind == "page":
            return f"{len(response.content) // 1024} KiB"
        if item.accept == TURTLE:
            return str(sum(1 for _ in ox.parse(response.content, format=ox.RdfFormat.TURTLE)))
        body = response.json()
        return "1" if "boolean" in body else str(len(body["results"]["bindings"]))
    except Exception as exc:  # noqa: BLE001 - reported in the table
        return type(exc).__name__


def text_extension(endpoint: str) -> list[str]:
    """Extension functions / property features a service description advertises (none: no full-text search)."""
    response = requests.get(endpoint, headers={"Accept": "text/turtle"}, timeout=30)
    if not response.ok:
        return []
    graph = ox.parse(response.content, format=ox.RdfFormat.TURTLE, base_iri=endpoint)
    keys = {SD + k for k in ("extensionFunction", "extensionAggregate", "propertyFeature", "languageExtension")}
    return sorted({t.object.value for t in graph if t.predicate.value in keys})


def in_process(store: ox.Store, text: str, budget: float) -> dict:
    """p50/p99 (ms) of ``store.query`` with every row consumed, in this process (the local limit)."""
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    for _ in range(2):
        consume(store.query(text, use_default_graph_as_union=True))
    while len(samples) < 5 or (time.perf_counter() < deadline and len(samples) < 5000):
        started = time.perf_counter()
        consume(store.query(text, use_default_graph_as_union=True))
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50": statistics.median(samples), "p99": samples[min(len(samples) - 1, int(len(samples) * 0.99))],
            "requests": len(samples)}

"""Every SPARQL query of the app (src/kg/queries/*.rq) parses, and returns rows on the project's graph.

The queries are run with the bindings their callers give them (the header comment says "Bound: ?x"), on the
embedded store of the built-in graph, so a query that stops matching the data fails here, not on a page.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.queries import QUERIES, query, with_values
from stores import embedded_store

#: Sample bindings for the queries that need them (IRIs under the served base are filled in per store).
BINDINGS = {
    "s": "id/org/neusoft", "article": "id/article/health", "class": "http://www.w3.org/ns/org#Organization",
    "g": "data/ontology", "obs": "id/obs/", "base": None, "type": "https://w3id.org/dalian-kg/def/ontology#GovernmentAgency",
    "p": "http://www.w3.org/2000/01/rdf-schema#label", "v": "东软集团",
    "indicator": "def/indicator/cockpit-domain-controller-supplier-rank", "lo": "0000", "hi": "g",
}
#: Variables bound to plain literals.
LITERALS = {"v", "lo", "hi"}
#: Queries whose rows depend on a VALUES block filled by the caller.
VALUES_QUERIES = {"entity_page": "s", "labels_of": "s"}
#: Queries that answer a boolean or a graph rather than rows.
NOT_ROWS = {"entity_exists", "entity_describe", "graph_triples", "graph_description", "entity_named_graphs"}


#: Queries run on another graph than the store's (pySHACL's validation report): parsed only.
#: hub_inbound finds nothing here (no IRI of the built-in graph has 1,000 observation links): tests/test_hubs.py runs
#: it on data with hubs. text_unnamed finds nothing here either (no blank node of the built-in graph has a name):
#: tests/test_name_filter.py runs it on data where one has.
ELSEWHERE = {"shacl_violations", "hub_inbound", "text_unnamed"}


@pytest.fixture(scope="module")
def store():
    opened = embedded_store(Settings.from_env())
    yield opened
    opened.close()


def bindings_for(name: str, text: str, base: str) -> dict[str, ox.NamedNode | ox.Literal]:
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    header = "".join(line for line in text.splitlines() if line.startswith("#"))
    for variable, value in BINDINGS.items():
        if not re.search(rf"\?{variable}\b", header) or variable in VALUES_QUERIES.values() and name in VALUES_QUERIES:
            continue
        if value is None:
            out[variable] = ox.Literal(base)
        elif variable in LITERALS:
            out[variable] = ox.Literal(value)
        else:
            value = value.replace("https://w3id.org/dalian-kg/", base)
            out[variable] = ox.NamedNode(value if value.startswith("http") else base + value)
    return out


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_app_query_parses_and_answers(store, name: str) -> None:
    # two queries take prefixes from their caller (kg.publish.dumps, kg.publish.catalog): declare them as they do
    own = {"kgid": store.base + "id/", "kgdata": store.base + "data/", "dkg": store.base + "def/ontology#"}
    text = "".join(f"PREFIX {n}: <{i}>\n" for n, i in own.items()) + query(name, store.base)
    ox.Store().query(text.replace("VALUES ?obs { }", "VALUES ?obs { <urn:x> }")
                     .replace("VALUES ?s { }", "VALUES ?s { <urn:x> }"))  # SyntaxError if it does not parse
    if name in ELSEWHERE:
        return
    if name in VALUES_QUERIES:
        variable = VALUES_QUERIES[name]
        while f"VALUES ?{variable} {{ }}" in text:  # entity_page has one block per sub-select
            text = with_values(text, variable, [ox.NamedNode(store.base + "id/org/neusoft")])
    bound = bindings_for(name, QUERIES[name], store.base)
    if name in NOT_ROWS:
        answer = store.ask(text, bound) if text.lstrip("# \n").find("ASK") >= 0 and "CONSTRUCT" not in text \
            else store.construct(text, bound)
        assert answer, f"{name} found nothing on the project's graph"
        return
    rows = store.select(text, bound)
    assert rows, f"{name} returned no rows on the project's graph with {bound}"

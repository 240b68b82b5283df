"""Comunica (@comunica/query-sparql from the repository's node_modules) as a client: every example query through
the endpoint as a SPARQL source, on every backend, and queries over the Turtle dump as a file source (downloaded
over loopback), each answer compared with the local store's. One Node process per batch.

Skipped when Comunica is missing, failed instead with KG_REQUIRE_CLIENTS=1.
"""

from __future__ import annotations

import re
from collections import Counter

import pyoxigraph as ox
import pytest

import test_queries as examples
from clients import comunica, require_comunica
from kg.namespaces import CANONICAL_BASE

#: Examples whose answer the Turtle dump of everything (with inferences) gives as the endpoint does: no GRAPH,
#: no DESCRIBE, nothing from the catalog graph (dumps hold the data, not its description).
FILE_EXAMPLES = ["minimum-living-standards", "ai-alliance-members", "located-in-dalian", "life-expectancy-above-80",
                 "alliance-graph", "organizations-by-type", "money-by-agency"]


@pytest.fixture(scope="module", autouse=True)
def _comunica() -> None:
    require_comunica()


def norm(term: dict | None, base: str) -> object:
    """A Comunica term (RDF/JS) as the plain comparable value tests/test_queries.py uses."""
    if term is None:
        return None
    if term["termType"] == "NamedNode":
        return examples.norm_iri(term["value"], base)
    if term["termType"] == "BlankNode":
        return "_:"
    return examples.norm_literal(term["value"], term["datatype"], term["language"])


def answer(result: dict, base: str) -> object:
    assert "error" not in result, result["error"]
    if "boolean" in result:
        return result["boolean"]
    if "quads" in result:
        return {tuple(norm(term, base) for term in quad[:3]) for quad in result["quads"]}
    return result["bindings"]


def rows(result: dict, variables: list[str], base: str) -> Counter:
    return Counter(tuple(norm(binding.get(v), base) for v in variables) for binding in answer(result, base))


def compare(result: dict, name: str, base: str, canonical_store: ox.Store) -> None:
    local = examples.local_answer(canonical_store, name)
    if isinstance(local, Counter):
        variables = [v.value for v in examples.run(canonical_store, name).variables]
        assert rows(result, variables, base) == local, name
    else:
        assert answer(result, base) == local, name


def test_every_example_through_the_endpoint(server: str, canonical_store: ox.Store) -> None:
    names = [path.stem for path in examples.local_queries()]
    source = [{"type": "sparql", "value": server + "sparql"}]
    results = comunica([{"sources": source, "query": examples.query_text(name)} for name in names])
    for name, result in zip(names, results, strict=True):
        if re.search(r"^\s*DESCRIBE\b", examples.query_text(name), re.M | re.I):
            # DESCRIBE is implementation-defined: every triple returned is the graph's, the outgoing ones are there
            local = examples.local_answer(canonical_store, name)
            assert {t for t in local if not t[0].startswith("_:")} <= answer(result, CANONICAL_BASE), name
            continue
        compare(result, name, CANONICAL_BASE, canonical_store)


def test_examples_over_the_turtle_dump_as_a_file(embedded_server: str, canonical_store: ox.Store) -> None:
    dump = [{"type": "file", "value": embedded_server + "downloads/dalian-kg-inferred.ttl"}]
    jobs = [{"sources": dump, "query": examples.query_text(name)} for name in FILE_EXAMPLES]
    for name, result in zip(FILE_EXAMPLES, comunica(jobs), strict=True):
        compare(result, name, CANONICAL_BASE, canonical_store)

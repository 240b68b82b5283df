"""Links out are backed by evidence: every link is on the allow-list, with the match property its status allows."""

from __future__ import annotations

import csv

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from kg.config import REPO_ROOT
from kg.namespaces import CANONICAL_BASE

LINK_PREDICATES = {OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch, RDFS.seeAlso}
PREFIXES = {"owl:sameAs": OWL.sameAs, "skos:exactMatch": SKOS.exactMatch, "skos:closeMatch": SKOS.closeMatch,
            "rdfs:seeAlso": RDFS.seeAlso}
#: Which statuses (linking.md legend) allow which link predicate.
ALLOWED = {
    OWL.sameAs: {"CONFIRMED"},
    SKOS.exactMatch: {"CONFIRMED"},
    SKOS.closeMatch: {"CONFIRMED", "DERIVED", "CONFIRMED-BRAND"},
    RDFS.seeAlso: {"CONFIRMED", "DERIVED"},
}


@pytest.fixture(scope="module")
def allowlist() -> dict[tuple, dict[str, str]]:
    with open(REPO_ROOT / "data" / "links-allowlist.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {(URIRef(CANONICAL_BASE + r["subject"]), PREFIXES[r["predicate"]], URIRef(r["object"])): r for r in rows}


@pytest.fixture(scope="module")
def links() -> Graph:
    return Graph().parse(REPO_ROOT / "data" / "links.ttl", format="turtle")


def test_every_link_is_on_the_allowlist_with_a_status_that_allows_its_predicate(links, allowlist):
    found = [(s, p, o) for s, p, o in links if p in LINK_PREDICATES]
    assert found, "the linkset is empty"
    for triple in found:
        assert triple in allowlist, f"link without evidence: {triple}"
        row = allowlist[triple]
        assert row["status"] in ALLOWED[triple[1]], f"{row['status']} does not allow {triple[1]}: {triple}"
        assert row["evidence"].strip()


def test_every_allowlisted_link_is_published(links, allowlist):
    assert set(allowlist) <= set(links)


def test_no_wikidata_links_outside_the_linkset():
    """The core data must not smuggle in links: they belong in data/links.ttl only."""
    from kg.config import Settings
    from kg.graph.load import source_files
    from kg.namespaces import GRAPH_ASSERTED

    for path in source_files(Settings.from_env())[GRAPH_ASSERTED]:
        graph = Graph().parse(path, format="turtle")
        bad = [(s, p, o) for s, p, o in graph if p in LINK_PREDICATES and str(o).startswith("http://www.wikidata.org/")]
        assert bad == [], f"{path.name} links to Wikidata outside the linkset: {bad}"


def test_links_point_at_things_the_graph_has(links):
    from kg.config import Settings
    from kg.graph.load import source_files
    from kg.namespaces import GRAPH_ASSERTED

    data = Graph()
    for path in source_files(Settings.from_env())[GRAPH_ASSERTED]:
        data.parse(path, format="turtle")
    subjects = {s for s, p, _ in links if p in LINK_PREDICATES}
    missing = [s for s in subjects if (s, None, None) not in data]
    assert missing == []

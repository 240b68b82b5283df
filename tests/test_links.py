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


def _core() -> Graph:
    """Everything but the links graph: the ontology and code lists, and the asserted data."""
    from kg.config import Settings
    from kg.graph.load import source_files
    from kg.namespaces import GRAPH_ASSERTED, GRAPH_ONTOLOGY

    files = source_files(Settings.from_env())
    data = Graph()
    for path in files[GRAPH_ONTOLOGY] + files[GRAPH_ASSERTED]:
        data.parse(path, format="turtle")
    return data


def test_links_point_at_things_the_graph_has(links):
    data = _core()
    subjects = {s for s, p, _ in links if p in LINK_PREDICATES}
    assert any(str(s).startswith(CANONICAL_BASE + "def/unit/") for s in subjects)  # the units' links are here too
    missing = [s for s in subjects if (s, None, None) not in data]
    assert missing == []


MATCH_PREDICATES = LINK_PREDICATES | {SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch}


def test_no_links_out_outside_the_linkset():
    """Outside data/links only links to vocabularies vendored in the graph itself (COFOG, ontology/cofog.ttl) may be:
    a match to QUDT, the EU currency table, Wikidata or anything else on the web is a link, with its evidence row."""
    data = _core()
    outside = [(s, p, o) for s, p, o in data if p in MATCH_PREDICATES and isinstance(o, URIRef)
               and not str(o).startswith(CANONICAL_BASE) and (o, None, None) not in data]
    assert outside == []


def test_the_codes_stay_when_the_linkset_is_dropped():
    """A division's code, its code list and the list's edition are facts of the graph, not links: without data/links
    each division still has its plain code and a code concept of a named, dated list (issue 13)."""
    from rdflib.namespace import RDF

    dkg = CANONICAL_BASE + "def/ontology#"
    data = _core()
    divisions = set(data.subjects(RDF.type, URIRef(dkg + "AdministrativeDivision")))
    assert len(divisions) >= 8
    for division in divisions:
        code = data.value(division, URIRef(dkg + "divisionCode"))
        assert code is not None and data.value(code, SKOS.notation) == data.value(division, SKOS.notation), division
        assert data.value(data.value(code, SKOS.inScheme), SKOS.prefLabel) is not None, division
    dalian_list = data.value(URIRef(CANONICAL_BASE + "def/division-code/210200"), SKOS.inScheme)
    assert str(data.value(dalian_list, OWL.versionInfo)) == "2023"

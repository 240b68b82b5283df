"""The graph holds every fact of the page, each verbatim-quoted, correctly normalised and consistent."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.checks.validate import shacl_problems
from kg.checks.values import check_quotes, check_values
from kg.config import Settings
from kg.graph.articles import load_articles
from kg.graph.build import reasoned_dataset
from kg.graph.load import union_graph
from kg.graph.reason import inconsistencies
from kg.namespaces import DKG, GRAPH_ASSERTED, GRAPH_INFERRED, QB


@pytest.fixture(scope="module")
def dataset():
    return reasoned_dataset(Settings.from_env())


@pytest.fixture(scope="module")
def everything(dataset) -> Graph:
    return union_graph(dataset)


def test_every_quote_is_verbatim_in_its_article(everything):
    assert list(check_quotes(everything, load_articles(Settings().articles_dir))) == []


def test_every_value_matches_the_normaliser(everything):
    assert list(check_values(everything)) == []


def test_shacl_shapes_hold(everything):
    shapes = Graph().parse(Settings.from_env().root / "ontology" / "shapes.ttl", format="turtle")
    assert shacl_problems(everything, shapes) == []


def test_owl_rl_closure_is_consistent(dataset):
    inferred = dataset.graph(URIRef(GRAPH_INFERRED))
    asserted = dataset.graph(URIRef(GRAPH_ASSERTED))
    assert inconsistencies(inferred, asserted) == []
    assert len(inferred) > 0


def test_observation_keys_are_unique(everything):
    """Data Cube IC-12: no two observations share indicator, kind, area and period."""
    seen: dict[tuple, URIRef] = {}
    for obs in everything.subjects(RDF.type, QB.Observation):
        key = tuple(
            everything.value(obs, p)
            for p in (DKG.indicator, DKG.valueKind, URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refArea"),
                      URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refPeriod"))
        )
        assert key not in seen, f"{obs} duplicates {seen[key]}"
        seen[key] = obs


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.mark.parametrize("slug", [s for s in load_articles(Settings().articles_dir) if s != "lead"])
def test_every_printed_number_is_encoded(everything, slug):
    """Each Arabic number of an article appears in some verbatim value or evidence quote of that article.

    Numbers that are names or dates rather than facts (the "12+X" service name, "2021至2024年" …) are covered
    by the quotes of the facts they qualify; a number that is in no quote at all was left out of the graph.
    """
    article = load_articles(Settings().articles_dir)[slug]
    source = URIRef(article.iri)
    covered = " ".join(
        str(q) for node in everything.subjects(URIRef("http://www.w3.org/ns/prov#wasQuotedFrom"), source)
        for q in everything.objects(node, DKG.quote)
    )
    verbatims = " ".join(
        str(v) for node in everything.subjects(URIRef("http://www.w3.org/ns/prov#wasQuotedFrom"), source)
        for v in everything.objects(node, DKG.verbatimValue)
    )
    missing = [n for n in _NUMBER.findall(article.text) if n not in covered]
    assert missing == [], f"numbers of {slug} in no quote: {missing}"
    assert verbatims, f"{slug} has no observations"

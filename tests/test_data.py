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


# ---------------------------------------------------------------- interpretation marks (issue 11): said iff not printed

SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
INTERPRETATION = "https://w3id.org/dalian-kg/def/interpretation/"
#: How the text prints each period in the sentence of a figure; 2021–2025 is also given by an article that frames
#: itself as the 14th Five-Year Plan ("十四五", "五年来").
PRINTED_AS = {
    "2020": (), "2021-2025": ("十四五", "五年来"), "2021-2024": ("2021 至 2024 年",), "2023-onward": ("2023",),
    "2024": ("2024年",), "2025": ("2025", "期末"), "2025-H1": ("2025年上半年",),
    "2020-2025-05": ("2020年-2025年1-5月",),
}


def _sentence(text: str, quote: str) -> str:
    start = text.index(quote)
    begin = text.rfind("。", 0, start) + 1
    end = text.find("。", start + len(quote))
    return text[begin:end if end >= 0 else len(text)]


def _clause(text: str, quote: str) -> str:
    """The quote widened to the punctuation around it (，、；。), so 每人每月 of one figure is not read as another's."""
    start = text.index(quote)
    begin = max(text.rfind(mark, 0, start) for mark in "，；。") + 1
    ends = [i for i in (text.find(mark, start + len(quote)) for mark in "，；。") if i >= 0]
    return text[begin:min(ends) if ends else len(text)]


def _reasons(everything, obs) -> set[str]:
    return {str(r).removeprefix(INTERPRETATION) for r in everything.objects(obs, DKG.interpretation)}


def test_a_period_is_marked_exactly_when_the_text_does_not_print_it(everything):
    articles = {URIRef(a.iri): a.text for a in load_articles(Settings().articles_dir).values()}
    checked = 0
    for obs in everything.subjects(RDF.type, QB.Observation):
        period = str(everything.value(obs, URIRef(SDMX_DIMENSION + "refPeriod"))).rsplit("/", 1)[-1]
        text = articles[everything.value(obs, URIRef("http://www.w3.org/ns/prov#wasQuotedFrom"))]
        sentence = _sentence(text, str(everything.value(obs, DKG.quote)))
        frame = text if period == "2021-2025" else sentence
        printed = any(marker in frame for marker in PRINTED_AS[period])
        marked = bool(_reasons(everything, obs) & {"period-plan-start", "period-plan-end", "period-vague"})
        assert printed != marked, f"{obs} ({period}): printed={printed} in {sentence!r}, marked={marked}"
        checked += 1
    assert checked == 141


def test_a_unit_the_text_does_not_print_is_marked(everything):
    """A standard per person per month: its clause prints 每人每月, or the unit is marked as implied."""
    per_month = URIRef("https://w3id.org/dalian-kg/def/unit/cny-per-person-per-month")
    articles = {URIRef(a.iri): a.text for a in load_articles(Settings().articles_dir).values()}
    implied = []
    for obs in everything.subjects(URIRef("http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"), per_month):
        text = articles[everything.value(obs, URIRef("http://www.w3.org/ns/prov#wasQuotedFrom"))]
        printed = "每人每月" in _clause(text, str(everything.value(obs, DKG.quote)))
        assert printed != ("unit-implied" in _reasons(everything, obs)), obs
        if not printed:
            implied.append(str(everything.value(obs, DKG.verbatimValue)))
    # 失业保险金标准分别上调至1785元、1890元: the only standards the page gives without 每人每月
    assert sorted(implied) == ["1785元", "1890元"]

"""The identifier list at the top of an entity page: a code of one of the graph's code lists is named by its list
("Shanghai Stock Exchange stock code 600718", "NBS statistical division code (2023) 210200"), once, however many
rows say it (the plain code, the code concept, the inferred adms:identifier)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.store import Store
from kg.views.entity import build_entity_page
from kg.views.identifiers import code_in_list, identifiers

BASE = "http://h/"
ADMS = "http://www.w3.org/ns/adms#identifier"
ORG_IDENTIFIER = "http://www.w3.org/ns/org#identifier"
NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


def row(p: str, o: ox.NamedNode | ox.Literal) -> dict:
    return {"p": ox.NamedNode(p), "o": o}


LABELS = {
    BASE + "def/sse-stock-code": {"zh": "上海证券交易所股票代码", "en": "Shanghai Stock Exchange stock code"},
    BASE + "def/division-code": {"zh": "统计用区划代码（2023年）", "en": "NBS statistical division code (2023)"},
    ORG_IDENTIFIER: {"zh": "标识符", "en": "identifier"},
    NOTATION: {"zh": "代码", "en": "notation"},
}


@pytest.mark.parametrize(("lang", "scheme"), [("en", "Shanghai Stock Exchange stock code"),
                                              ("zh", "上海证券交易所股票代码")])
def test_a_stock_code_is_named_by_its_list_in_the_readers_language(lang: str, scheme: str) -> None:
    rows = [row(ORG_IDENTIFIER, ox.Literal("600718")), row(ADMS, ox.NamedNode(BASE + "def/sse-stock-code/600718"))]
    found, used = identifiers(rows, BASE, LABELS, lang)
    assert [(i.scheme, i.code) for i in found] == [(scheme, "600718")]
    assert used == {(ORG_IDENTIFIER, str(ox.Literal("600718"))), (ADMS, BASE + "def/sse-stock-code/600718")}


def test_a_division_code_is_one_identifier_after_wikidata_whatever_the_row_order() -> None:
    code = ox.NamedNode(BASE + "def/division-code/210200")
    rows = [row(NOTATION, ox.Literal("210200")), row(BASE + "def/ontology#divisionCode", code), row(ADMS, code),
            row(SAME_AS, ox.NamedNode("http://www.wikidata.org/entity/Q74881"))]
    for ordered in (rows, rows[::-1]):
        found, _ = identifiers(ordered, BASE, LABELS, "en")
        assert [(i.scheme, i.code, i.match) for i in found] == [
            ("Wikidata", "Q74881", "same_as"), ("NBS statistical division code (2023)", "210200", "")]


def test_only_codes_of_a_code_list_count() -> None:
    assert code_in_list(BASE + "def/division-code/210200", BASE) == (BASE + "def/division-code", "210200")
    assert code_in_list(BASE + "def/division-code", BASE) is None
    assert code_in_list(BASE + "id/org/neusoft", BASE) is None
    found, used = identifiers([row(ADMS, ox.NamedNode(BASE + "id/org/neusoft"))], BASE, LABELS, "en")
    assert found == [] and used == set()


def test_the_pages_of_neusoft_and_dalian(project_store: Store) -> None:
    base = project_store.base
    neusoft = build_entity_page(project_store, base + "id/org/neusoft", "en")
    assert ("Shanghai Stock Exchange stock code", "600718") in {(i.scheme, i.code) for i in neusoft.identifiers}
    assert not any(g.prop.iri.endswith("adms#identifier") for g in neusoft.statements.asserted)
    dalian = build_entity_page(project_store, base + "id/division/210200", "zh")
    codes = [(i.scheme, i.code) for i in dalian.identifiers]
    assert codes.count(("统计用区划代码（2023年）", "210200")) == 1 and len({c for _, c in codes}) == len(codes)
    china = build_entity_page(project_store, base + "id/place/china", "en")
    assert ("ISO 3166-1 alpha-2 country code", "CN") in {(i.scheme, i.code) for i in china.identifiers}

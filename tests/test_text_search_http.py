"""The full-text extension over HTTP (``dkgtext:query``, kg.sparql.textquery), on the embedded store and on Virtuoso:
it finds names in Chinese, English and pinyin, scores and limits, joins with the rest of the query, agrees with
``FILTER CONTAINS`` (which keeps working), refuses a malformed use with a 400, and nothing in the searched text can
change the query; the query page and the service description know it."""

from __future__ import annotations

import pytest
import requests

from kg.namespaces import CANONICAL_BASE
from listener import Listener

JSON = "application/sparql-results+json"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


NEUSOFT = CANONICAL_BASE + "id/org/neusoft"
PROLOGUE = (f"PREFIX dkgtext: <{CANONICAL_BASE}def/text#>\nPREFIX rdfs: <{RDFS}>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")


def ask(server: str, body: str, **params: str) -> requests.Response:
    return requests.post(server + "sparql", data={"query": PROLOGUE + body, **params},
                         headers={"Accept": JSON}, timeout=60)


def rows(server: str, body: str) -> list[dict[str, str]]:
    response = ask(server, body)
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


@pytest.mark.parametrize("text", ["东软", "Neusoft", "NEUSOFT", "dongruan"])
def test_names_in_chinese_english_and_pinyin(server: str, text: str) -> None:
    found = rows(server, f'SELECT ?s ?score WHERE {{ (?s ?score) dkgtext:query "{text}" }} ORDER BY DESC(?score) ?s')
    assert found[0]["s"] == NEUSOFT
    assert float(found[0]["score"]) == 1.0
    assert all(0 < float(r["score"]) <= 1 for r in found)


def test_limit_score_and_a_join(server: str) -> None:
    found = rows(server, 'SELECT ?s ?score ?label WHERE { (?s ?score) dkgtext:query ("东软" 3) . '
                         '?s rdfs:label ?label FILTER(LANG(?label) = "en") } ORDER BY DESC(?score)')
    assert len({r["s"] for r in found}) == 3
    assert found[0]["s"] == NEUSOFT and found[0]["label"]
    only_iris = rows(server, 'SELECT * WHERE { ?s dkgtext:query ("neusoft" 1) }')
    assert only_iris == [{"s": NEUSOFT}]


def test_no_hit_is_an_empty_answer(server: str) -> None:
    assert rows(server, 'SELECT ?s WHERE { ?s dkgtext:query "没有这样的名字xyz" }') == []
    assert rows(server, 'SELECT ?s ?l WHERE { ?s dkgtext:query "没有这样的名字xyz" . ?s rdfs:label ?l }') == []
    response = ask(server, 'SELECT * WHERE { (?s ?score) dkgtext:query "没有这样的名字xyz" }')
    assert response.status_code == 200 and set(response.json()["head"]["vars"]) == {"s", "score"}


def test_filter_contains_still_works_and_agrees(server: str) -> None:
    contains = {r["s"] for r in rows(server, 'SELECT DISTINCT ?s WHERE { ?s rdfs:label|skos:prefLabel|skos:altLabel ?l '
                                             'FILTER(isIRI(?s) && CONTAINS(LCASE(?l), "东软")) }')}
    extension = {r["s"] for r in rows(server, 'SELECT ?s WHERE { ?s dkgtext:query ("东软" 10000) }')}
    assert NEUSOFT in contains
    assert contains <= extension


@pytest.mark.parametrize(("body", "message"), [
    ('SELECT * { ?s dkgtext:query "x" ; rdfs:label ?l }', "triple of its own"),
    ("SELECT * { ?s dkgtext:query ?x }", "must be a string or a list"),
    ('SELECT * { ?s dkgtext:query ("x" 0) }', "from 1 to"),
    ('SELECT * { <http://x/> dkgtext:query "x" }', "must be a variable"),
])
def test_a_malformed_use_is_a_400(server: str, body: str, message: str) -> None:
    response = ask(server, body)
    assert response.status_code == 400 and message in response.text


@pytest.fixture(scope="module")
def listener():
    opened = Listener()
    yield opened
    opened.close()


def test_nothing_in_the_text_escapes_the_string(server: str, listener: Listener) -> None:
    target = f"http://127.0.0.1:{listener.port}/sparql"
    for needle in [f"\\\"}} SERVICE <{target}> {{ ?a ?b ?c }} #", f"\\u0022 }} SERVICE <{target}> {{ \\u0022",
                   "'} ; DROP ALL ; INSERT DATA { <a> <b> <c> } #", "}}}{{{ ) ( . ; , <> ^^ @en",
                   f"{{ ?s ?p ?o }} UNION {{ SERVICE <{target}> {{}} }}"]:
        found = rows(server, f'SELECT ?s WHERE {{ ?s dkgtext:query "{needle}" }}')
        assert found == [], needle
    assert listener.connections == 0
    assert rows(server, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }')[0]["n"] != "0"  # nothing dropped


def test_the_query_page_runs_it(server: str) -> None:
    query = PROLOGUE + 'SELECT ?s WHERE { ?s dkgtext:query ("东软" 5) }'
    page = requests.get(server + "sparql", params={"query": query}, headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and "/id/org/neusoft" in page.text
    editor = requests.get(server + "sparql", headers={"Accept": "text/html"}, timeout=60).text
    assert f"{CANONICAL_BASE}def/text#" in editor  # the editor's prefix map knows dkgtext:


def test_the_service_description_lists_the_feature(server: str) -> None:
    description = requests.get(server + "sparql", headers={"Accept": "application/n-triples"}, timeout=60).text
    assert (f"<http://www.w3.org/ns/sparql-service-description#propertyFeature> <{CANONICAL_BASE}def/text#query>"
            in description)


@pytest.mark.parametrize(("text", "expected"), [("东软", "id/org/neusoft"), ("dongruan", "id/org/neusoft"),
                                                ("Neusoft", "id/org/neusoft")])
def test_search_page_uses_the_index(server: str, text: str, expected: str) -> None:
    page = requests.get(server + "search", params={"q": text}, timeout=60).text
    assert f'href="/{expected}"' in page

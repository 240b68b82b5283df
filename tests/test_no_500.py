"""No input gives a 500: generated paths, parameters, headers and bodies on every route (Hypothesis, through the
real app over the built-in graph; the malformed-transfer cases over real HTTP are in tests/test_availability.py)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.config import Settings
from kg.store import Store
from kg.web import create_app

NASTY = st.sampled_from(['"', "<", ">", "{", "}", "\\", "`", "^", "|", "%", "%zz", "%00", "\x00", " ", "\n", "..",
                         "/", "?", "#", "&", "=", "'", "\u202e", "😀", "東", ":", ";", "\r\n", "\ufffd", "a" * 300])
TEXT = st.one_of(st.text(max_size=40), st.lists(NASTY, max_size=6).map("".join))
ROUTES = st.sampled_from(["/", "/search", "/class", "/sparql", "/reconcile", "/downloads/", "/.well-known/void",
                          "/def/ontology", "/id/", "/def/", "/data/", "/downloads/", "/static/pages/", "/nothing/"])
PARAMS = st.sampled_from(["q", "iri", "query", "format", "default-graph-uri", "named-graph-uri", "queries",
                          "extend", "lang", "sort", "page", "highlight", "callback", "id", "ids"])
ACCEPT = st.sampled_from([None, "*/*", "text/html", "text/turtle", "application/json", "text/csv", "x/y;q=2",
                          "text/html;q=abc", ",,,", "application/sparql-results+json;q=0", "\u00e9/\u00e9"])
METHOD = st.sampled_from(["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE"])
QUERIES = st.sampled_from(["ASK {}", "SELECT * { ?s ?p ?o } LIMIT 1", "SELEKT", "", "DESCRIBE <x>", "ASK { <a b> }",
                           "SELECT * { ?s ?p '\\u0000' }", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
                           'SELECT (STRDT("1", <x:y>) AS ?x) {}', "ASK { " + "{" * 70 + "}" * 70 + " }"])


@pytest.fixture(scope="module")
def app(project_store: Store) -> Flask:
    return create_app(Settings.from_env(), project_store)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ROUTES, TEXT, st.dictionaries(PARAMS, st.one_of(TEXT, QUERIES), max_size=3), ACCEPT, METHOD,
       st.one_of(st.none(), st.binary(max_size=200), QUERIES.map(str.encode)),
       st.sampled_from([None, "application/x-www-form-urlencoded", "application/sparql-query", "text/plain",
                        "application/sparql-query; charset=latin-1", "multipart/form-data"]))
def test_no_request_gives_a_500(app: Flask, route: str, tail: str, params: dict[str, str], accept: str | None,
                                method: str, body: bytes | None, content_type: str | None) -> None:
    path = route + (quote(tail, safe="/:@") if route.endswith("/") else "")
    path = "/" + path.lstrip("/")  # "//x" would be read by the test client as a host, not sent as a path
    headers = {"Accept": accept} if accept else {}
    if content_type:
        headers["Content-Type"] = content_type
    with app.test_client() as client:
        response = client.open(path, method=method, query_string=params, data=body, headers=headers)
    assert response.status_code < 500 or response.status_code == 503, (method, path, params, response.status_code,
                                                                      response.get_data()[:300])

"""Programs' queries are answered in front of Flask (kg.web.protocol); browsers' requests and every error go on to
the Flask view, decoded once, and a query that fails runs once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from kg.web import create_app

JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    app = create_app()
    yield app
    app.extensions["kg.store"].close()


@pytest.fixture
def counted(app: Flask) -> Iterator[dict[str, int]]:
    """How often Flask dispatched a request, and the store ran a user's query, during the test."""
    counts = {"flask": 0, "execute": 0}
    store = app.extensions["kg.store"]
    execute = store.execute

    def counting(request: object) -> object:
        counts["execute"] += 1
        return execute(request)

    def seen() -> None:
        counts["flask"] += 1

    app.before_request_funcs.setdefault(None, []).append(seen)
    store.execute = counting
    yield counts
    app.before_request_funcs[None].remove(seen)
    del store.execute


def test_a_programs_query_is_answered_without_flask(app: Flask, counted: dict[str, int]) -> None:
    res = app.test_client().post("/sparql", data={"query": "ASK { ?s ?p ?o } # 1"}, headers={"Accept": JSON})
    assert res.status_code == 200 and res.get_json()["boolean"] is True
    assert counted == {"flask": 0, "execute": 1}
    for name in ("ETag", "Cache-Control", "Access-Control-Allow-Origin", "Content-Security-Policy",
                 "X-Content-Type-Options"):
        assert res.headers.get(name), name
    assert res.headers["Vary"] == "Accept" and res.headers["Content-Length"] == str(len(res.get_data()))
    again = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o } # 1"},
                                  headers={"Accept": JSON, "If-None-Match": res.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data() and counted == {"flask": 0, "execute": 1}
    head = app.test_client().head("/sparql", query_string={"query": "ASK { ?s ?p ?o } # 2"}, headers={"Accept": JSON})
    assert head.status_code == 200 and not head.get_data() and int(head.headers["Content-Length"]) > 0


def test_browsers_and_the_service_description_go_to_flask(app: Flask, counted: dict[str, int]) -> None:
    client = app.test_client()
    page = client.post("/sparql", data={"query": "ASK { ?s ?p ?o } # 3"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html" and counted["flask"] == 1
    description = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert description.status_code == 200 and b"sd:Service" in description.get_data() and counted["flask"] == 2


def test_a_failed_query_runs_once_and_flask_answers_the_error(app: Flask, counted: dict[str, int]) -> None:
    client = app.test_client()
    res = client.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o } ORDER BY ("}, headers={"Accept": JSON})
    assert res.status_code == 400 and b"syntax" in res.get_data().lower()
    assert counted == {"flask": 1, "execute": 1}
    assert res.headers["Access-Control-Allow-Origin"] == "*" and res.headers["Cache-Control"] == "no-store"
    html = client.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o } ORDER BY (# 4"},
                       headers={"Accept": f"{JSON}, text/html;q=0.5"})
    assert html.status_code == 400 and html.mimetype == "text/html" and counted["execute"] == 2
    refused = client.post("/sparql", data={"update": "CLEAR ALL"})
    wrong = client.post("/sparql", data=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert (refused.status_code, wrong.status_code) == (403, 415) and counted["execute"] == 2

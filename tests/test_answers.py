"""Complete answers replayed before the app runs (kg.web.answers): exact, keyed on every input, never for answers that
must not be shared, bounded; and through real gunicorn, the same bytes as the first answer."""

from __future__ import annotations

import contextlib
import typing as t
from pathlib import Path

import pytest
import requests

from kg.config import Settings
from kg.i18n import COOKIE
from kg.store import Store
from kg.web import create_app, pages
from kg.web.answers import AnswerCache
from observations import write_observations
from server import running_server

ENTITY = "/id/org/neusoft"
QUERY = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3"
SPARQL_QUERY = "application/sparql-query"


@pytest.fixture()
def app(project_store: Store) -> t.Any:
    return create_app(Settings(), store=project_store)


@pytest.fixture()
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The IRIs the entity view built a page for, in order (a replayed answer builds none)."""
    calls: list[str] = []
    real = pages.build_entity_page

    def counting(store: Store, iri: str, *args: t.Any, **kwargs: t.Any) -> t.Any:
        calls.append(iri)
        return real(store, iri, *args, **kwargs)

    monkeypatch.setattr(pages, "build_entity_page", counting)
    return calls


@contextlib.contextmanager
def observations_app(tmp_path: Path, n: int = 50, **settings: t.Any) -> t.Iterator[tuple[t.Any, Store]]:
    """An app over ``n`` observation-shaped subjects (3 triples each), and its store, closed at the end."""
    data = write_observations(tmp_path / "obs.nt", n=n)
    app = create_app(Settings(data_files=(str(data),), cache_dir=tmp_path, **settings))
    store = app.extensions["kg.store"]
    try:
        yield app, store
    finally:
        store.close()


def answer_cache(app: t.Any) -> AnswerCache:
    assert isinstance(app.wsgi_app, AnswerCache)
    return app.wsgi_app


def test_a_page_is_built_once_and_replayed_byte_for_byte(app: t.Any, built: list[str]) -> None:
    client = app.test_client()
    first = client.get(ENTITY, headers={"Accept": "text/html"})
    again = client.get(ENTITY, headers={"Accept": "text/html"})
    assert first.status_code == again.status_code == 200 and len(built) == 1
    assert again.get_data() == first.get_data() and list(again.headers) == list(first.headers)
    head = client.head(ENTITY, headers={"Accept": "text/html"})
    assert head.status_code == 200 and head.get_data() == b"" and len(built) == 1
    assert head.headers["Content-Length"] == first.headers["Content-Length"]


@pytest.mark.parametrize(("headers", "cookie"), [
    ({"Accept": "text/html", "Accept-Language": "en"}, None),
    ({"Accept": "text/html"}, "en"),
    ({"Accept": "text/turtle"}, None),
])
def test_every_input_the_answer_varies_on_is_in_the_key(app: t.Any, built: list[str], headers: dict,
                                                        cookie: str | None) -> None:
    client = app.test_client()
    plain = client.get(ENTITY, headers={"Accept": "text/html", "Accept-Language": "zh"})
    if cookie:
        client.set_cookie(COOKIE, cookie)
    other = client.get(ENTITY, headers=headers)
    assert plain.status_code == other.status_code == 200 and plain.get_data() != other.get_data()
    client.delete_cookie(COOKIE)
    assert client.get(ENTITY + "?page=1", headers={"Accept": "text/html"}).status_code == 200
    assert len(built) == 2 + (headers["Accept"] == "text/html")


def test_answers_that_must_not_be_shared_are_not_kept(app: t.Any, built: list[str]) -> None:
    client = app.test_client()
    for _ in range(2):  # ?lang= sets a cookie: the answer is that reader's
        assert "Set-Cookie" in client.get(ENTITY + "?lang=en", headers={"Accept": "text/html"}).headers
    assert len(built) == 2
    for _ in range(2):  # an error is answered anew
        assert client.get("/id/org/no-such-thing", headers={"Accept": "text/html"}).status_code == 404
    assert len(built) == 4
    cached = len(answer_cache(app).answers)
    client.post("/sparql", data="INSERT DATA { <a:b> <a:c> <a:d> }", content_type="application/sparql-update")
    client.get("/downloads/")  # a listing of files: not in the stored views
    assert len(answer_cache(app).answers) == cached


def test_a_conditional_request_reaches_the_view(app: t.Any) -> None:
    client = app.test_client()
    first = client.get("/sparql", query_string={"query": QUERY}, headers={"Accept": "text/csv"})
    etag = first.headers["ETag"]
    assert client.get("/sparql", query_string={"query": QUERY},
                      headers={"Accept": "text/csv", "If-None-Match": etag}).status_code == 304


def test_a_repeated_posted_query_runs_once(tmp_path: Path) -> None:
    with observations_app(tmp_path) as (app, store):
        client = app.test_client()
        first = client.post("/sparql", data={"query": QUERY}, headers={"Accept": "text/csv"})
        assert first.status_code == 200 and store.query_child_pids
        store.stop_query_children()
        again = client.post("/sparql", data={"query": QUERY}, headers={"Accept": "text/csv"})
        assert again.get_data() == first.get_data() and store.query_child_pids == []  # nothing ran
        other = client.post("/sparql", data={"query": QUERY.replace("3", "2")}, headers={"Accept": "text/csv"})
        assert other.get_data() != first.get_data() and store.query_child_pids  # another body, another answer
        store.stop_query_children()
        raw = client.post("/sparql", data=QUERY, headers={"Accept": "text/csv"}, content_type=SPARQL_QUERY)
        assert raw.get_data() == first.get_data() and store.query_child_pids  # another content type: run
        long = QUERY + " #" + "x" * 70_000  # a body too long to key on passes through, and is answered
        assert client.post("/sparql", data={"query": long}, headers={"Accept": "text/csv"}).status_code == 200


def test_with_no_memory_for_answers_every_request_runs(tmp_path: Path) -> None:
    with observations_app(tmp_path, response_cache_mb=0) as (app, store):
        client = app.test_client()
        first = client.post("/sparql", data={"query": QUERY}, headers={"Accept": "text/csv"})
        store.stop_query_children()
        again = client.post("/sparql", data={"query": QUERY}, headers={"Accept": "text/csv"})
        assert again.get_data() == first.get_data() and store.query_child_pids  # run again
        assert len(answer_cache(app).answers) == 0


def test_the_store_is_bounded_in_bytes(tmp_path: Path) -> None:
    with observations_app(tmp_path, n=200, response_cache_mb=1) as (app, _):
        client = app.test_client()
        for i in range(400):  # 400 answers of 4-8 KiB each: over 2 MiB asked, 1 MiB kept at most
            query = {"query": f"SELECT ?s ?o WHERE {{ ?s ?p ?o }} LIMIT {100 + i}"}
            assert client.get("/sparql", query_string=query, headers={"Accept": "text/csv"}).status_code == 200
        answers = answer_cache(app).answers
        assert 0 < len(answers) < 400 and answers.size <= 2**20


def test_through_gunicorn_a_repeat_is_the_same_answer() -> None:
    with running_server("--data", "tests/data/protocol.trig") as base:
        session = requests.Session()
        answers = [session.post(base + "sparql", data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"},
                                headers={"Accept": "application/sparql-results+json"}, timeout=10) for _ in range(5)]
        assert {a.status_code for a in answers} == {200}
        assert len({a.content for a in answers}) == 1 and len({a.headers["ETag"] for a in answers}) == 1
        head = session.head(base + "sparql", params={"query": "ASK {}"}, timeout=10)
        get = session.get(base + "sparql", params={"query": "ASK {}"}, timeout=10)
        again = session.head(base + "sparql", params={"query": "ASK {}"}, timeout=10)
        assert head.status_code == get.status_code == again.status_code == 200 and again.content == b""
        assert again.headers["Content-Length"] == str(len(get.content))

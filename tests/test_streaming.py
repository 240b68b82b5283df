"""Streaming queries (kg.sparql.streaming) run in a serving process that is confined from the network, stopped between
rows at a deadline; everything else, and a stream past its deadline, goes to the query child; the answers agree."""

from __future__ import annotations

import json
import socket
import typing as t
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.store.embedded as embedded
from forked import in_forked_process, reaches
from kg.config import Settings
from kg.sparql.guard import check_query
from kg.sparql.request import prepare_query
from kg.sparql.streaming import MAX_OFFSET, is_streaming
from kg.store import QueryRequest, QueryResponse
from kg.store.sandbox import network_confined, sandbox_available
from observations import write_observations
from stores import embedded_store

P = "PREFIX ex: <http://example.org/> "
STREAMING = [
    "ASK {}",
    "ASK WHERE { ?s ?p ?o }",
    "ask { ?s a ?o . }",
    P + "SELECT ?p ?o WHERE { ex:s1 ?p ?o }",
    P + "SELECT * { ?s ex:value 12 } LIMIT 5",
    P + "SELECT ?s WHERE { ?s ex:label 'x'@en } OFFSET 3 LIMIT 2",
    P + 'SELECT ?s WHERE { ?s ex:v "1"^^<http://www.w3.org/2001/XMLSchema#integer> }',
    P + "SELECT ?s { ?s ?p -1.5e3 }",
    P + "SELECT ?s { ?s ?p true }",
    "BASE <http://example.org/> SELECT ?s ?p WHERE { ?s ?p <s1> } LIMIT 50",
    P + "DESCRIBE ex:s1 <http://example.org/s2>",
    f"SELECT * {{ ?s ?p ?o }} OFFSET {MAX_OFFSET}",
]
NOT_STREAMING = [
    "SELECT ?x WHERE { ?x ?p ?x }",  # a repeated variable: every quad read before the first row
    "SELECT ?x WHERE { ?x ?p $x }",
    f"SELECT * {{ ?s ?p ?o }} OFFSET {MAX_OFFSET + 1}",
    "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",
    "SELECT REDUCED ?p WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = 1) }",
    "SELECT ?s WHERE { ?s ?p ?o . ?o ?q ?r }",
    "SELECT ?s WHERE { ?s ?p ?o ; ?q ?r }",
    "SELECT ?s WHERE { ?s ?p ?o , ?r }",
    "SELECT ?s WHERE { ?s <http://x/a>/<http://x/b> ?o }",
    "SELECT ?s WHERE { ?s ^<http://x/a> ?o }",
    "SELECT ?s WHERE { ?s <http://x/a>* ?o }",
    "SELECT ?s WHERE { ?s ?p [] }",
    "SELECT ?s WHERE { _:b ?p ?s }",
    "SELECT ?s WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } }",
    "SELECT ?s WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } }",
    "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?s FROM <http://x/g> WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <http://x/a> }",
    "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }",
    "SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT ?s WHERE { ?s ?p ?o BIND(1 AS ?x) }",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT ?x",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 LIMIT 2",
    "SELECT ?s WHERE { << ?s ?p ?o >> ?q ?r }",
    "SELECT ?s WHERE { 'x' ?p ?s }",
    "SELECT ?s WHERE { ?s 'x' ?o }",
    "SELECT ?s WHERE { ?s ?p 'x'^ <http://x/> }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DESCRIBE ?s WHERE { ?s ?p ?o }",
    "DESCRIBE *",
    "DESCRIBE " + " ".join(f"<http://x/{i}>" for i in range(17)),
    "ASK { ?s ?p ?o } LIMIT 1",
    "PREFIX dkgtext: <https://w3id.org/dalian-kg/def/text#> SELECT ?s { ?s dkgtext:query ('x' 10) }",
]


@pytest.mark.parametrize("query", STREAMING)
def test_streaming_queries_are_recognised(query: str) -> None:
    assert is_streaming(check_query(query))


@pytest.mark.parametrize("query", NOT_STREAMING)
def test_everything_else_is_not_streaming(query: str) -> None:
    try:
        info = check_query(query, extensions=frozenset({"https://w3id.org/dalian-kg/def/text#query"}))
    except Exception:  # the guard refuses it (SERVICE): it never runs at all
        return
    assert not is_streaming(info)


def test_the_request_says_so_only_for_a_limited_run(tmp_path: Path) -> None:
    settings = Settings()
    assert prepare_query("ASK {}", settings).streaming
    assert not prepare_query("ASK {}", settings, local=True).streaming  # the CLI runs everything in-process anyway
    assert not prepare_query("SELECT DISTINCT ?p { ?s ?p ?o }", settings).streaming


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = write_observations(tmp_path_factory.mktemp("streaming") / "obs.nt", 2000)
    return Settings(data_files=(str(data),), max_rows=100_000)


@pytest.fixture()
def confined(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process taken for a confined worker (the confinement itself is tested on a real forked process below
    and on a running server in tests/test_streaming_server.py)."""
    monkeypatch.setattr(embedded, "network_confined", lambda: True)
    yield


def execute(settings: Settings, query: str, accept: str = "application/sparql-results+json",
            change: t.Callable[[QueryRequest], QueryRequest] = lambda request: request,
            ) -> tuple[QueryResponse, list[int]]:
    """The response to ``query`` (its prepared request passed through ``change``) from a store's execute, and the
    query children the store had then (read before it is closed)."""
    store = embedded_store(settings)
    try:
        response = store.execute(change(prepare_query(query, settings, accept=accept)))
        return response, store.query_child_pids
    finally:
        store.close()


def answers(settings: Settings, query: str, accept: str) -> tuple[bytes, list[int]]:
    """The answer of ``query`` through the store's execute, and the query children it left."""
    response, children = execute(settings, query, accept)
    return response.body, children


QUERIES = [
    ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 700", "application/sparql-results+json"),
    ("SELECT ?s ?o WHERE { ?s <http://example.org/value> ?o }", "text/csv"),
    ("ASK { ?s <http://example.org/value> ?o }", "application/sparql-results+xml"),
    ("DESCRIBE <http://example.org/obs/1>", "application/n-triples"),
]


@pytest.mark.parametrize(("query", "accept"), QUERIES)
def test_a_confined_worker_answers_streaming_queries_itself_as_the_child_would(
        settings: Settings, query: str, accept: str, monkeypatch: pytest.MonkeyPatch) -> None:
    by_child, children = answers(settings, query, accept)
    assert children  # not confined: the child ran it
    monkeypatch.setattr(embedded, "network_confined", lambda: True)
    here, children = answers(settings, query, accept)
    assert children == [] and here == by_child  # no child was needed, and the bytes are the same


def test_a_stream_past_its_deadline_is_run_again_by_the_child(settings: Settings, confined: None,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "STREAMING_SECONDS", 0.0)  # the deadline has passed at the first row
    body, children = answers(settings, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 700", "text/csv")  # written by rows
    assert children and body.count(b"\r\n") == 701


NATIVE = [  # (query, format): answers pyoxigraph writes itself in a confined worker
    ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 700", "application/sparql-results+json"),
    ("SELECT * WHERE { ?s ?p ?o } OFFSET 5", "application/sparql-results+xml"),
    ("SELECT ?o ?s { ?s ?p ?o }\n# a comment at the end", "text/tab-separated-values"),
]


@pytest.mark.parametrize(("query", "accept"), NATIVE)
def test_pyoxigraph_writes_streaming_answers_itself_and_they_are_the_row_writers(
        settings: Settings, query: str, accept: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.store.child as child
    from kg.store.native import FORMATS

    by_rows, _ = answers(settings, query, accept)  # not confined: the child, which writes row by row
    monkeypatch.setattr(embedded, "network_confined", lambda: True)
    monkeypatch.setattr(child, "write_result", lambda *a, **k: pytest.fail("written row by row"))
    response, _ = execute(settings, query, accept)
    parse = lambda body: sorted(tuple(map(str, row)) for row in ox.parse_query_results(body, format=FORMATS[accept]))  # noqa: E731
    expected = parse(by_rows)
    assert len(expected) > 500 and (response.row_count, response.truncated) == (len(expected), False)
    assert parse(response.body) == expected


@pytest.mark.parametrize(("query", "limits"), [
    ("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {"max_rows": 10}),  # the engine gives 11 rows: one too many
    ("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {"max_bytes": 5000}),
    ("SELECT ?s ?x WHERE { ?s ?p ?o }", {"max_rows": 10}),  # ?x is never bound: rows cannot be counted
])
def test_over_its_limits_a_native_answer_is_cut_by_the_row_writer(settings: Settings, confined: None, query: str,
                                                                   limits: dict[str, int]) -> None:
    response, children = execute(replace(settings, **limits), query)
    rows = json.loads(response.body)["results"]["bindings"]
    assert response.truncated and len(rows) == response.row_count > 0 and children == []
    assert len(rows) == 10 if "max_rows" in limits else len(response.body) <= 5000


def test_other_queries_go_to_the_child_even_in_a_confined_worker(settings: Settings, confined: None) -> None:
    body, children = answers(settings, "SELECT DISTINCT ?p WHERE { ?s ?p ?o }", "text/csv")
    assert children and body.startswith(b"p\r\n")


def test_a_worker_that_is_not_confined_never_answers_them_itself(settings: Settings) -> None:
    assert not network_confined()
    _, children = answers(settings, "ASK {}", "application/sparql-results+json")
    assert children


@pytest.mark.skipif(not sandbox_available()[0], reason="no network namespaces here")
def test_the_confinement_is_real_and_streaming_queries_then_run_in_the_worker(settings: Settings) -> None:
    """A forked process confined as a worker boots: it reaches no socket of this host and answers a streaming query
    without a child (SERVICE stays impossible for the child as before: tests/test_sandbox*)."""
    from kg.store.sandbox import confine_serving_process

    def worker() -> dict:
        confine_serving_process()
        body, children = answers(settings, "ASK { ?s ?p ?o }", "application/sparql-results+json")
        return {"reached": reaches(port), "children": children, "body": body.decode()}

    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        report = in_forked_process(worker)
    assert report == {"reached": False, "children": [], "body": '{"head":{},"boolean":true}'}


def test_streaming_answers_keep_the_row_limit(settings: Settings, confined: None) -> None:
    response, children = execute(replace(settings, max_rows=10), "SELECT * { ?s ?p ?o }", "text/csv")
    assert response.truncated and response.row_count == 10 and children == []


def test_a_bounded_query_the_engine_cannot_read_falls_back_to_the_query_as_sent(settings: Settings,
                                                                                confined: None) -> None:
    response, children = execute(settings, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3",
                                 change=lambda request: replace(request, bounded=("SELECT ?s WHERE {", 3)))
    assert len(json.loads(response.body)["results"]["bindings"]) == 3 and children == []

"""The query child is confined by the operating system: no connection leaves it even when the guard is bypassed,
its memory is bounded, and the cause of a child's death is told (memory 503, nesting 400). Real processes,
a loopback listener counting connections; set KG_REQUIRE_SANDBOX=1 to fail instead of skip without the sandbox."""

from __future__ import annotations

import os
import resource
import time

import pyoxigraph as ox
import pytest

from kg.errors import KgError
from kg.store import QueryRequest as Job
from kg.store.executor import Executor, QueryMemoryExceeded
from kg.store.sandbox import sandbox_available
from listener import Listener  # tests/ is on sys.path (conftest)


def require_sandbox() -> None:
    available, why = sandbox_available()
    if available:
        return
    if os.environ.get("KG_REQUIRE_SANDBOX"):
        pytest.fail(f"the query sandbox is unavailable but KG_REQUIRE_SANDBOX is set: {why}")
    pytest.skip(f"the query sandbox is unavailable here: {why}")




@pytest.fixture()
def store() -> ox.Store:
    data = ox.Store()
    data.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("1")))
    return data


def test_the_sandbox_is_available_here() -> None:
    require_sandbox()
    assert sandbox_available() == (True, "")


@pytest.mark.parametrize("query", [
    "SELECT * {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
    "SELECT * {{ SERVICE SILENT <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
    "SELECT * {{ SERVICESILENT<http://127.0.0.1:{port}/x>{{ ?s ?p ?o }} }}",
])
def test_a_query_that_bypasses_the_guard_makes_no_connection(store, query: str) -> None:
    """The executor is called directly, with no guard in front: only the namespace stands in the way."""
    require_sandbox()
    listener = Listener()
    executor = Executor(store, isolate=True)
    try:
        started = time.monotonic()
        try:
            response = executor.run(Job(query=query.format(port=listener.port)), timeout=10)
            assert b'"bindings":[{}]' in response.body or b"bindings" in response.body  # SILENT: one empty row
        except KgError as error:
            assert error.status in (400, 503), error
        assert time.monotonic() - started < 5
        assert listener.settled() == 0
    finally:
        executor.close()
        listener.close()


def test_without_isolation_the_same_query_does_connect(store) -> None:
    """The control: the listener does see the engine's request when the child is not confined."""
    listener = Listener()
    executor = Executor(store, isolate=False)
    try:
        query = f"SELECT * {{ SERVICE SILENT <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
        executor.run(Job(query=query), timeout=10)
        assert listener.wait_for(1) >= 1
    finally:
        executor.close()
        listener.close()


def test_a_memory_bomb_is_stopped_at_the_limit_and_the_next_query_works(store) -> None:
    budget = 256 * 2**20
    executor = Executor(store, isolate=False, memory_limit=budget)
    bomb = ("SELECT (STRLEN(?s9) AS ?n) WHERE { BIND(REPLACE('x', 'x', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx') AS ?s0) "
            + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}, ?s{i}, ?s{i}, ?s{i}, ?s{i}, ?s{i}, ?s{i}) AS ?s{i + 1})"
                       for i in range(9)) + " }")
    parent_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        started = time.monotonic()
        with pytest.raises(QueryMemoryExceeded, match="256 MB"):
            executor.run(Job(query=bomb), timeout=30)
        assert time.monotonic() - started < 20
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - parent_rss < 64 * 1024  # KiB: parent unaffected
        assert b"true" in executor.run(Job(query="ASK {}"), timeout=10).body
    finally:
        executor.close()


def test_over_http_a_memory_bomb_gets_503_and_the_server_goes_on() -> None:
    import requests

    from server import running_server

    bomb = ("SELECT (STRLEN(?s9) AS ?n) WHERE { BIND(REPLACE('x', 'x', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx') AS ?s0) "
            + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}, ?s{i}, ?s{i}, ?s{i}, ?s{i}, ?s{i}, ?s{i}) AS ?s{i + 1})"
                       for i in range(9)) + " }")
    with running_server(env={"KG_QUERY_MEMORY_MB": "256"}) as base:
        answer = requests.post(base + "sparql", data={"query": bomb}, timeout=60)
        assert answer.status_code == 503 and "256 MB" in answer.text, answer.text
        assert requests.get(base + "sparql", params={"query": "ASK {}"}, timeout=30).json()["boolean"] is True

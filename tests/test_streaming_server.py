"""On a running ``kg serve``: each worker is in a network namespace of its own (not the master's), answers streaming
queries itself and hands the others to its query child — seen from outside by the child's recycling after
``max_jobs`` (500) jobs, which only the others cause."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests

from kg.store.sandbox import sandbox_available
from processes import children, master_of
from server import free_port, running_server

pytestmark = pytest.mark.skipif(not sandbox_available()[0], reason="no network namespaces here")

JSON = {"Accept": "application/sparql-results+json"}


def netns(pid: int) -> str:
    return os.readlink(f"/proc/{pid}/ns/net")


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, int]]:
    """The built-in graph, one worker; yields the base URL and the master's PID."""
    port = free_port()
    with running_server("--workers", "1", port=port) as url:
        yield url, master_of(port)


def test_the_worker_is_confined_and_runs_streaming_queries_itself(served: tuple[str, int]) -> None:
    url, master = served
    [worker] = children(master)
    assert netns(worker) != netns(master)
    with requests.Session() as session:
        def ask(query: str, n: int) -> None:
            for i in range(n):
                response = session.post(url + "sparql", data={"query": f"{query}\n# {i}"}, headers=JSON, timeout=30)
                assert response.status_code == 200, response.text

        ask("ASK {}", 1)
        before = children(worker)  # the query child forked at boot (and no spare yet)
        assert before and all(netns(child) != netns(master) for child in before)
        ask("SELECT ?p ?o WHERE { <https://w3id.org/dalian-kg/id/org/neusoft> ?p ?o }", 300)
        ask("ASK { ?s ?p ?o }", 300)
        assert children(worker) == before  # 600 streaming queries: the child did none of them
        ask("SELECT DISTINCT ?p WHERE { <https://w3id.org/dalian-kg/id/org/neusoft> ?p ?o }", 600)
        assert not set(children(worker)) & set(before)  # 600 others: the child was worn out and replaced

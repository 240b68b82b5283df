"""Repeated queries are answered from the per-process cache of complete answers: no query child runs again."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from kg.config import Settings
from kg.web import create_app
from observations import write_observations


def test_a_repeated_query_is_answered_without_running_it_again(tmp_path: Path) -> None:
    settings = Settings(data_files=(str(write_observations(tmp_path / "obs.nt", n=50)),), cache_dir=tmp_path)
    app = create_app(settings)
    store = app.extensions["kg.store"]
    client = app.test_client()
    query = {"query": "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3"}
    try:
        first = client.get("/sparql", query_string=query, headers={"Accept": "text/csv"})
        assert first.status_code == 200 and store.query_child_pids
        store.stop_query_children()
        again = client.get("/sparql", query_string=query, headers={"Accept": "text/csv"})
        assert again.get_data() == first.get_data() and store.query_child_pids == []  # nothing ran
        other = client.get("/sparql", query_string=query, headers={"Accept": "application/sparql-results+json"})
        assert other.status_code == 200 and store.query_child_pids  # another format is another answer
    finally:
        store.close()


def test_the_cache_is_bounded() -> None:
    from kg.store import QueryResponse
    from kg.web.cache import ResponseCache, footprint

    cache = ResponseCache(10_000)
    for i in range(200):
        cache.put(("v", i), QueryResponse(b"x" * 100, "text/csv", "SELECT"))
    assert 0 < len(cache) < 200 and cache.size <= 10_000
    assert cache.get(("v", 0)) is None and cache.get(("v", 199)) is not None
    big = QueryResponse(b"x" * 1_300, "text/csv", "SELECT")
    assert footprint(big) > 10_000 // 8
    cache.put(("v", "big"), big)  # over an eighth: not kept
    assert cache.get(("v", "big")) is None


def test_the_budget_is_the_memory_the_answers_take(tmp_path: Path) -> None:
    """Small answers through the app (an ``ASK`` each, with the endpoint's dozen headers): the memory the kept answers
    take (traced) stays within the budget, and fills most of it. Counted by bodies and keys alone, such answers held
    5.5 times the budget."""
    budget_mb = 1
    settings = Settings(data_files=(str(write_observations(tmp_path / "obs.nt", n=20)),), cache_dir=tmp_path,
                        response_cache_mb=budget_mb, workers=1)
    app = create_app(settings)
    client = app.test_client()
    ask = {"Accept": "application/sparql-results+json"}
    try:
        for i in range(100):  # the first answers build what every later one shares (the app's own memory)
            client.post("/sparql", data={"query": f"ASK {{}} # warm {i}"}, headers=ask)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for i in range(3_000):
            assert client.post("/sparql", data={"query": f"ASK {{}} # {i}"}, headers=ask).status_code == 200
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        answers = app.wsgi_app.answers  # type: ignore[attr-defined]
        assert 0 < len(answers) < 3_000 and answers.size <= budget_mb * 2**20
        assert 0.5 * budget_mb * 2**20 <= held <= 1.1 * budget_mb * 2**20, held
    finally:
        app.extensions["kg.store"].close()

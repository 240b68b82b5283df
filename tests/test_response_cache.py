"""Repeated queries are answered from the per-process cache of complete answers: no query child runs again."""

from __future__ import annotations

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


def test_the_cache_is_bounded(tmp_path: Path) -> None:
    from kg.store import QueryResponse
    from kg.web.cache import ResponseCache

    cache = ResponseCache(1000)
    for i in range(50):
        cache.put(("v", i), QueryResponse(b"x" * 100, "text/csv", "SELECT"))
    assert len(cache) == 9  # 101 bytes each: the body and the key
    assert cache.get(("v", 0)) is None and cache.get(("v", 49)) is not None
    cache.put(("v", "big"), QueryResponse(b"x" * 200, "text/csv", "SELECT"))  # over an eighth: not kept
    assert cache.get(("v", "big")) is None

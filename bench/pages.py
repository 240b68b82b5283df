"""Time the entity pages per page type (p50 / p99 in ms) through the Flask test client. Not part of the tests.

    .venv/bin/python bench/pages.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict

import pyoxigraph as ox

from kg.config import Settings
from kg.queries import query
from kg.store.embedded import EmbeddedStore
from kg.web import create_app


def page_type(path: str) -> str:
    """A page's type for grouping: /id/org, /id/obs, /def/indicator …"""
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:2])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    store = EmbeddedStore.open(Settings())
    client = create_app(Settings(), store=store).test_client()
    rows = store.select(query("entity_subjects", store.base), {"base": ox.Literal(store.base)})
    paths = ["/" + r["s"].value[len(store.base):] for r in rows if "#" not in r["s"].value]
    paths = [p for p in paths if p != "/"]
    extra = {"home": "/", "search": "/search?q=东软", "ontology": "/def/ontology",
             "class": "/class?iri=http%3A%2F%2Fwww.w3.org%2Fns%2Forg%23Organization"}
    timings: dict[str, list[float]] = defaultdict(list)
    for path in paths + list(extra.values()):
        client.get(path)  # warm up (label cache, search index)
    for _ in range(args.rounds):
        for path in paths:
            for accept, kind in (("text/html", "html"), ("text/turtle", "ttl")):
                start = time.perf_counter()
                response = client.get(path, headers={"Accept": accept})
                timings[f"{page_type(path)} {kind}"].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, path
        for name, path in extra.items():
            start = time.perf_counter()
            client.get(path)
            timings[name].append((time.perf_counter() - start) * 1000)
    print(f"{'page type':32} {'n':>5} {'p50 ms':>8} {'p99 ms':>8}")
    for name in sorted(timings):
        values = timings[name]
        print(f"{name:32} {len(values):5d} {statistics.median(values):8.1f} {percentile(values, 0.99):8.1f}")


if __name__ == "__main__":
    main()

"""Client factories for the benchmark targets: HTTP (one requests.Session per thread) and in-process pyoxigraph.

Every call checks the status and reads the whole body, so a failed or cut answer is an error, not a fast sample.
"""

from __future__ import annotations

import pyoxigraph as ox
import requests
from measure import Call, ClientFactory
from mix import run_in_process

JSON = "application/sparql-results+json"
HTML = "text/html"


def _checked(response: requests.Response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:160]}")


def http_sparql(endpoint: str, query: str, *, timeout: float = 120.0) -> ClientFactory:
    """GET ``endpoint?query=…`` asking for SPARQL JSON results."""

    def factory() -> Call:
        session = requests.Session()
        params, headers = {"query": query}, {"Accept": JSON}

        def call() -> None:
            response = session.get(endpoint, params=params, headers=headers, timeout=timeout)
            _checked(response)
            _ = response.content

        return call

    return factory


def http_get(url: str, *, accept: str = HTML, timeout: float = 120.0) -> ClientFactory:
    """GET a page (or the static file used as the constant-response ceiling)."""

    def factory() -> Call:
        session = requests.Session()
        headers = {"Accept": accept}

        def call() -> None:
            response = session.get(url, headers=headers, timeout=timeout)
            _checked(response)
            _ = response.content

        return call

    return factory


def in_process_query(store: ox.Store, query: str) -> ClientFactory:
    """The same query on a pyoxigraph store in this process, every row consumed (the local limit)."""

    def factory() -> Call:
        return lambda: (run_in_process(store, query), None)[1]

    return factory


def in_process_page(app, path: str) -> ClientFactory:
    """The page rendered by the Flask app in this process (no HTTP, no gunicorn), over the in-process store."""

    def factory() -> Call:
        client = app.test_client()

        def call() -> None:
            response = client.get("/" + path, headers={"Accept": HTML})
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}")
            _ = response.data

        return call

    return factory

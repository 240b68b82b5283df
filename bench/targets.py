"""Client factories for the benchmark targets: HTTP (one requests.Session per thread) and in-process pyoxigraph.

Every call checks the status and reads the whole body, so a failed or cut answer is an error, not a fast sample.
Every call is a new request to kg's answer cache (kg.web.answers replays identical requests): a query ends with a
comment of its own, a page has a parameter of its own (``kgbench=N``); neither changes the answer.
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox
import requests
from measure import Call, ClientFactory
from mix import run_in_process

JSON = "application/sparql-results+json"
HTML = "text/html"
#: Numbers the requests of a run, so that none repeats another.
_SERIAL = itertools.count()


def _checked(response: requests.Response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:160]}")


def http_sparql(endpoint: str, query: str, *, timeout: float = 120.0) -> ClientFactory:
    """GET ``endpoint?query=…`` asking for SPARQL JSON results."""

    def factory() -> Call:
        session = requests.Session()
        headers = {"Accept": JSON}

        def call() -> None:
            params = {"query": f"{query}\n# kgbench {next(_SERIAL)}"}
            response = session.get(endpoint, params=params, headers=headers, timeout=timeout)
            _checked(response)
            _ = response.content

        return call

    return factory


def http_get(url: str, *, accept: str = HTML, timeout: float = 120.0, unique: bool = True) -> ClientFactory:
    """GET a page, each time with a parameter of its own unless not ``unique`` (the constant-response ceiling)."""
    separator = "&" if "?" in url else "?"

    def factory() -> Call:
        session = requests.Session()
        headers = {"Accept": accept}

        def call() -> None:
            target = f"{url}{separator}kgbench={next(_SERIAL)}" if unique else url
            response = session.get(target, headers=headers, timeout=timeout)
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

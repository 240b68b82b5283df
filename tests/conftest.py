"""Shared fixtures. Servers started here listen on 127.0.0.1 and are stopped by PID."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store import Store

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # so test modules can `from server import running_server`

from server import running_server  # noqa: E402
from stores import embedded_store  # noqa: E402
from virtuoso import virtuoso_server  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    """Everything the session publishes (servers on random ports publish for their own base) goes to a temporary
    folder, removed at the end: tests leave nothing in the repository's cache but the reusable build."""
    if "KG_PUBLISH_DIR" not in os.environ:
        os.environ["KG_PUBLISH_DIR"] = tempfile.mkdtemp(prefix="kg-published-")
        config.stash[_PUBLISHED] = os.environ["KG_PUBLISH_DIR"]


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_PUBLISHED, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


_PUBLISHED = pytest.StashKey[str]()

#: The W3C SPARQL 1.1 Protocol test data, vendored with its licence (tests/data/w3c/sparql11-protocol/LICENSE.md).
W3C_DIR = TESTS / "data" / "w3c" / "sparql11-protocol"
W3C_DATASET = W3C_DIR / "dataset.trig"


#: The backends the HTTP suites run against: pyoxigraph in the server, and a real Virtuoso behind `--store`.
BACKENDS = ["embedded", pytest.param("virtuoso", marks=pytest.mark.virtuoso)]


@contextlib.contextmanager
def serving(backend: str) -> Iterator[str]:
    """`kg serve` on the built-in graph over ``backend``; yields its base URL (ending in '/')."""
    if backend == "embedded":
        with running_server() as base_url:
            yield base_url
        return
    with virtuoso_server(load=True) as virtuoso, running_server("--store", virtuoso.url) as base_url:
        yield base_url


@pytest.fixture(scope="session", params=BACKENDS)
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    """Base URL of one `kg serve` on the built-in graph, per backend, shared by the session."""
    with serving(request.param) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def project_store() -> Iterator[Store]:
    """The built-in graph in an embedded memory store (the default settings), shared by the session."""
    store = embedded_store()
    yield store
    store.close()


@pytest.fixture(scope="session")
def canonical_store():
    """The reasoned built-in graph under the canonical base in a plain pyoxigraph store (the example queries'
    expected answers, tests/test_queries.py), shared by the client tests."""
    import pyoxigraph as ox

    from kg.config import Settings
    from kg.graph.build import build_dataset

    store = ox.Store()
    store.bulk_load(build_dataset(Settings.from_env()).read_bytes(), ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="session")
def embedded_server() -> Iterator[str]:
    """`kg serve` on the embedded store only (for tests of embedded-only behaviour, e.g. the browser UI)."""
    with serving("embedded") as base_url:
        yield base_url


@pytest.fixture(scope="session", params=BACKENDS)
def w3c_server(request: pytest.FixtureRequest) -> Iterator[str]:
    """Base URL of `kg serve` on the W3C SPARQL 1.1 Protocol test dataset, per backend."""
    if request.param == "embedded":
        with running_server("--data", str(W3C_DATASET)) as base_url:
            yield base_url
        return
    with virtuoso_server(load=False) as virtuoso:
        virtuoso.load_graph(data=W3C_DATASET)
        with running_server("--store", virtuoso.url) as base_url:
            yield base_url

"""Shared fixtures. Servers started here listen on 127.0.0.1 and are stopped by PID."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # so test modules can `from server import running_server`

from kg.config import SHARED_DIR  # noqa: E402
from server import running_server  # noqa: E402

W3C_DATASET = SHARED_DIR / "w3c" / "sparql11-protocol" / "dataset.trig"


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """Base URL (ending in '/') of one `kg serve` on the built-in graph, shared by the session."""
    with running_server() as base_url:
        yield base_url


@pytest.fixture(scope="session")
def w3c_server() -> Iterator[str]:
    """Base URL of `kg serve` on the W3C SPARQL 1.1 Protocol test dataset."""
    with running_server("--data", str(W3C_DATASET)) as base_url:
        yield base_url

"""The stores tests run against, opened as the app opens them (kg.publish.served_files + kg.store.open_store)."""

from __future__ import annotations

from collections import Counter

from kg.config import Settings
from kg.publish import served_files
from kg.store import Store, open_store


def embedded_store(settings: Settings | None = None) -> Store:
    """An embedded store of the built-in graph, or of ``settings.data_files`` (the remote URL ignored)."""
    settings = (settings or Settings.from_env()).but(store_url="")
    return open_store(settings, served_files(settings))


def bag(rows: list[dict]) -> Counter:
    """Rows as a multiset (ORDER BY between literals of different languages is implementation-defined)."""
    return Counter(tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows)

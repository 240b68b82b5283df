"""Hubs: the IRIs thousands of observations point at, with the few other links to each, read once per data version.

An entity page lists the links pointing at its entity, except the observations' own (they have their own table).
For a hub (a period or an area of bulk statistics) finding those few means reading every observation link to it on
every request; this table (kg.queries hub_inbound) is read once, before the workers fork (kg.views.warm), and the
page query then skips that part for a hub (kg.views.entity).
"""

from __future__ import annotations

import logging

from kg.errors import KgError
from kg.queries import query
from kg.store import Row, Store
from kg.store.memo import memo

log = logging.getLogger(__name__)


def hub_inbound(store: Store) -> dict[str, list[Row]]:
    """Hub IRI → its other inbound links as the page query's "in" rows (``p``, ``x``, ``inferred``, ``isobs``),
    in a fixed order; empty when the store cannot answer (the pages then read the links themselves)."""
    def read(s: Store) -> dict[str, list[Row]]:
        try:
            rows = s.select(query("hub_inbound", s.base))
        except KgError as err:  # a store that refuses or times out: no shortcut, the pages stay correct
            log.warning("hub table not read (%s): hub pages read their links themselves", err)
            return {}
        table: dict[str, list[Row]] = {}
        for row in rows:
            links = table.setdefault(row["s"].value, [])
            if "x" in row:
                links.append({key: row[key] for key in ("p", "x", "inferred", "isobs") if key in row})
        return table
    return memo(store, "hub-inbound", read)

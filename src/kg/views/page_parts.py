"""Which parts of an entity's page query (kg.queries entity_page) can have rows for an entity, from a table of the
IRIs each optional part can have rows for, read once per data version (kg.queries entity_part_holders: 4,490 IRIs at
1 M quads, 0.46 s on pyoxigraph, 0.19 s on Virtuoso). A store that compiles each query (Virtuoso) spends 1-12 ms on a
part that has no rows (the observations part alone 12 ms at 1 M quads), so a page asks only for the others, in one
round trip. Without the table (the store refused or timed out, or it may be cut short) a page asks for every part.

A second table names the properties of which an entity has more values than a page lists (kg.queries
entity_wide_properties): the page reads at most that many of each (part "wide") instead of all (Dalian's 437
``dkg:contains``: 23.5 ms a page at 1 M quads, most of it reading and building values the page does not show).
"""

from __future__ import annotations

import logging

from kg.errors import KgError
from kg.queries import query
from kg.store import Store
from kg.store.memo import memo
from kg.views.statements import MAX_VALUES, OBSERVATION_LINKS

log = logging.getLogger(__name__)

#: The parts every page asks for: outgoing triples, inbound counts and (but for a hub) inbound links; "wide" is
#: written once per wide property of the entity (kg.views.entity.page_query), and left out when it has none.
ALWAYS = frozenset({"out", "count", "wide"})
#: The parts asked for only for the IRIs the table names.
OPTIONAL = frozenset({"ev", "via", "quote", "obs"})
#: Rows of the table read at most; with as many, it may be cut short (a remote store's own row cap: Virtuoso's
#: ResultSetMaxRows is 100,000 in scripts/virtuoso.sh) and is not used.
MOST_HOLDERS = 50_000

Holders = dict[str, frozenset[str]]
#: Subject → its properties with more values than a page lists → how many distinct values.
Wide = dict[str, dict[str, int]]


def part_holders(store: Store) -> Holders | None:
    """Optional part → the IRIs it can have rows for, per data version; None when the store did not give it whole."""
    def read(s: Store) -> Holders | None:
        try:
            rows = s.select(query("entity_part_holders", s.base), limit=MOST_HOLDERS)
        except KgError as err:  # a store that refuses or times out: every part is asked for, the pages stay right
            log.warning("entity part table not read (%s): pages ask for every part", err)
            return None
        if len(rows) >= MOST_HOLDERS:
            log.warning("entity part table has %d rows or more: pages ask for every part", MOST_HOLDERS)
            return None
        table: dict[str, set[str]] = {part: set() for part in OPTIONAL}
        for row in rows:
            table[row["part"].value].add(row["s"].value)
        return {part: frozenset(iris) for part, iris in table.items()}
    return memo(store, "entity-part-holders", read)


def page_parts(store: Store, iri: str, *, hub: bool) -> set[str]:
    """The parts of ``iri``'s page query to ask for; "in" never for a hub (kg.views.hubs holds its links). An
    observation's own row (the "obs" part) is not in the table: kg.views.entity asks for it once the page shows
    the entity is one."""
    holders = part_holders(store)
    optional = OPTIONAL if holders is None else {part for part in OPTIONAL if iri in holders[part]}
    return set(ALWAYS) | (set() if hub else {"in"}) | optional


def wide_properties(store: Store) -> Wide | None:
    """Subject → property → number of values, for the properties of which the subject has more values than a page
    lists, per data version; None when the store did not give the table whole (pages then read every value)."""
    def read(s: Store) -> Wide | None:
        try:
            rows = s.select(query("entity_wide_properties", s.base), limit=MOST_HOLDERS)
        except KgError as err:
            log.warning("table of wide properties not read (%s): pages read every value", err)
            return None
        if len(rows) >= MOST_HOLDERS:
            log.warning("table of wide properties has %d rows or more: pages read every value", MOST_HOLDERS)
            return None
        table: Wide = {}
        unread = {s.base + "def/ontology#" + name for name in OBSERVATION_LINKS}  # the page query reads none of these
        for row in rows:
            if int(row["n"].value) > MAX_VALUES and row["p"].value not in unread:
                table.setdefault(row["s"].value, {})[row["p"].value] = int(row["n"].value)
        return table
    return memo(store, "entity-wide-properties", read)

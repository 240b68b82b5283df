"""Which parts of an entity's page query (kg.queries entity_page) can have rows for an entity, from a table of the
IRIs each optional part can have rows for, read once per data version (kg.queries entity_part_holders: 4,500 IRIs at
1 M quads, 0.1 s on Virtuoso). A store that compiles each query (Virtuoso) spends 2-12 ms on a part that has no rows
(the observations part alone 12 ms at 1 M quads), so a page asks only for the others, in one round trip.
"""

from __future__ import annotations

from kg.queries import query
from kg.store import Store
from kg.store.memo import memo

#: The parts every page asks for: outgoing triples, inbound counts and (but for a hub) inbound links.
ALWAYS = frozenset({"out", "count"})
#: The parts asked for only for the IRIs the table names.
OPTIONAL = frozenset({"ev", "via", "quote", "obs"})


def part_holders(store: Store) -> dict[str, frozenset[str]]:
    """Optional part → the IRIs it can have rows for, per data version."""
    def read(s: Store) -> dict[str, frozenset[str]]:
        table: dict[str, set[str]] = {part: set() for part in OPTIONAL}
        for row in s.select(query("entity_part_holders", s.base)):
            table[row["part"].value].add(row["s"].value)
        return {part: frozenset(iris) for part, iris in table.items()}
    return memo(store, "entity-part-holders", read)


def page_parts(store: Store, iri: str, *, hub: bool) -> set[str]:
    """The parts of ``iri``'s page query to ask for; "in" never for a hub (kg.views.hubs holds its links). An
    observation's own row (the "obs" part) is not in the table: kg.views.entity asks for it once the page shows
    the entity is one."""
    holders = part_holders(store)
    return set(ALWAYS) | (set() if hub else {"in"}) | {part for part in OPTIONAL if iri in holders[part]}

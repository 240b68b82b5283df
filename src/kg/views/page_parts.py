"""An entity page's first round trip (kg.queries entity_links): the entity's outgoing triples, its inbound counts and
one page of inbound links, the observations on the page, and a row for each part of the page query
(kg.queries entity_page) that hangs on one triple. The page query then asks only for the parts that have rows, and
for the observations listed: a store that compiles each query (Virtuoso) spends 2-12 ms on a part that has no rows
(the observations part alone 12 ms at 1 M quads), and most entities need no second round trip at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.queries import only_parts, query, with_values
from kg.store import Row, Store

#: The parts of entity_links (the others are flags naming a part of entity_page that has rows).
OUT, COUNT, INBOUND, OBSERVATIONS = "out", "count", "in", "obs"
#: entity_page's parts that one of entity_links' flag rows opens.
FLAGGED = frozenset({"ev", "via", "quote"})


@dataclass(frozen=True)
class Links:
    """What entity_links said about one entity."""

    out: list[Row]  # its outgoing triples, one row per named graph holding one (?p ?o ?g)
    counts: dict[str, int]  # inbound property → subjects pointing here by it (rdf:subject/object left out)
    inbound: list[Row]  # one page (and one more row) of the "in" rows: ?p ?x ?inferred ?isobs
    observations: list[ox.NamedNode]  # one page (and one more) of the observations concerning it (blank ones left
    #                                   out: another query cannot name them)
    flags: frozenset[str]  # parts of entity_page that have rows

    def page_parts(self) -> set[str]:
        """The parts of entity_page to ask for (none: no second round trip)."""
        return set(self.flags) | ({OBSERVATIONS} if self.observations else set())


def entity_links(store: Store, iri: str, *, named_graphs: bool, inbound_page: tuple[int, int] | None,
                 observation_page: tuple[int, int]) -> Links:
    """Ask entity_links for ``iri`` (one round trip; a remote store sends its parts at once). The pages are (LIMIT,
    OFFSET), ``inbound_page`` None to leave the inbound links out (a hub's are in kg.views.hubs); without
    ``named_graphs`` (a user's files in the default graph) the outgoing triples are read from it."""
    text = query("entity_links", store.base)
    if inbound_page is None:
        text = only_parts(text, {OUT, COUNT})  # COUNT's part also holds the flags and the observations
    else:
        text = text.replace("LIMIT 101 OFFSET 0", "LIMIT {} OFFSET {}".format(*map(int, inbound_page)))
    text = text.replace("LIMIT 51 OFFSET 0", "LIMIT {} OFFSET {}".format(*map(int, observation_page)))
    if not named_graphs:
        text = text.replace("GRAPH ?g { ?s ?p ?o }", "?s ?p ?o")
    while "VALUES ?s { }" in text:
        text = with_values(text, "s", [ox.NamedNode(iri)])
    parts: dict[str, list[Row]] = {}
    for row in store.select_union(text):
        parts.setdefault(row["part"].value, []).append(row)
    return Links(parts.get(OUT, []),
                 {row["p"].value: int(row["n"].value) for row in parts.get(COUNT, [])},
                 parts.get(INBOUND, []),
                 [row["obs"] for row in parts.get(OBSERVATIONS, []) if isinstance(row["obs"], ox.NamedNode)],
                 frozenset(parts) & FLAGGED)

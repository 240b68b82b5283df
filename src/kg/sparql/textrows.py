"""Every name and asserted type of every IRI of a store, the rows the text index is built from (kg.sparql.textindex).

A remote store caps the rows of one answer (Virtuoso here at 100,000): the rows are then read in parts, ranges of the
IRIs' MD5, deterministic without ORDER BY (which Virtuoso caps too).
"""

from __future__ import annotations

import logging

import pyoxigraph as ox

from kg.queries import query
from kg.store import Row, Store

#: Rows read per query from a store that caps the rows of one answer (Virtuoso here at 100,000), and the most rows
#: one part may return before it is split. Each part is a scan (1 M triples: about 1 s), so parts are as large as
#: the cap allows.
PAGE, MOST_ROWS = 75_000, 95_000
log = logging.getLogger(__name__)

Name = tuple[str, str, str]  # (IRI, name, language)
#: The properties whose literals are names, the keys of the index (written out in text_labels.rq, its count and
#: text_unnamed.rq; tests/test_name_filter.py checks that they agree).
NAME_PROPERTIES = frozenset({
    "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel", "http://schema.org/name", "http://purl.org/dc/terms/title",
})


def label_rows(store: Store) -> list[Name]:
    """Every name of every IRI of ``store`` (kg/queries/text_labels.rq)."""
    return [(r["s"].value, r["label"].value, getattr(r["label"], "language", None) or "")
            for r in read_all(store, "text_labels")]


def names_unindexed(store: Store) -> bool:
    """Whether something other than an IRI has a name in ``store``, or a name is not a literal
    (kg/queries/text_unnamed.rq): the index then lacks names that a query can see."""
    return bool(store.select(query("text_unnamed", store.base)))


def type_rows(store: Store) -> list[tuple[str, str]]:
    """The asserted types of every IRI of ``store`` (kg/queries/text_types.rq)."""
    return [(r["s"].value, r["type"].value) for r in read_all(store, "text_types")]


def read_all(store: Store, name: str) -> list[Row]:
    """Every row of the app query ``name`` (with its ``name_count``): in one query when the store answers it whole;
    from a store that cut the answer short (a remote store caps the rows of an answer, Virtuoso here at 100,000) in
    parts of about :data:`PAGE` rows — ranges of the IRIs' MD5, deterministic without ORDER BY (which Virtuoso caps
    too) — a part split again if it returns more than :data:`MOST_ROWS`."""
    count = store.select(query(name + "_count", store.base))
    expected = int(count[0]["n"].value) if count else 0
    rows = _part(store, name, 0, 0x10000, None)
    if len(rows) >= expected:
        return rows
    parts = max(1, -(-expected // PAGE))
    bounds = [i * 0x10000 // parts for i in range(parts)] + [0x10000]
    rows = [row for low, high in zip(bounds, bounds[1:], strict=False)
            for row in _part(store, name, low, high, MOST_ROWS)]
    if len(rows) < expected:
        log.warning("the text index read %d of %d rows of %s: does the store cap an answer below %d rows?",
                    len(rows), expected, name, MOST_ROWS + 1)
    return rows


def _part(store: Store, name: str, low: int, high: int, most: int | None) -> list[Row]:
    """The rows of the IRIs whose MD5 starts in [low, high) (four hex digits), split while over ``most`` rows."""
    def hex4(n: int) -> ox.Literal:
        return ox.Literal("g" if n >= 0x10000 else f"{n:04x}")  # "g" sorts after every hex digit

    limit = None if most is None else most + 1
    rows = store.select(query(name, store.base), {"lo": hex4(low), "hi": hex4(high)}, limit=limit)
    if most is not None and len(rows) > most and high - low > 1:
        middle = (low + high) // 2
        return _part(store, name, low, middle, most) + _part(store, name, middle, high, most)
    return rows

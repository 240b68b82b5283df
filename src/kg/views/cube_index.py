"""The data browser's index: every observation's dimensions in memory, read once per data version (kg.store.memo),
with the observations of each dimension value as a set, so a filtered selection is an intersection of sets and a
facet's counts one pass over the selection — no query per request, at any size.
"""

from __future__ import annotations

import typing as t
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

from kg.queries import query
from kg.store import Store
from kg.store.memo import memo
from kg.views.collate import collation_key
from kg.views.labels import Labels

#: The browser's dimensions, as its URL parameters name them, in the order of the filter form.
DIMENSIONS = ("indicator", "policy-area", "agency", "area", "period", "kind")


@dataclass(frozen=True, slots=True)
class Observation:
    """One observation's IRIs and texts (``""`` when absent); ``areas`` are its indicator's policy areas."""

    iri: str
    indicator: str
    kind: str
    area: str
    period: str
    value: str
    unit: str
    agency: str
    qualifier: str
    printed: str
    start: str
    areas: tuple[str, ...] = ()

    def values(self, dimension: str) -> tuple[str, ...]:
        """The observation's values of one browser dimension."""
        if dimension == "policy-area":
            return self.areas
        value = getattr(self, dimension)
        return (value,) if value else ()


@dataclass
class CubeIndex:
    """The observations, the observations of each dimension value, and the policy areas' tree."""

    rows: list[Observation]
    postings: dict[str, dict[str, frozenset[int]]]
    broader: dict[str, str] = field(default_factory=dict)
    starts: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    #: Facet counts over every observation (the unfiltered case, the most common one).
    totals: dict[str, Counter] = field(default_factory=dict)

    def select(self, filters: dict[str, str], *, leave_out: str = "") -> frozenset[int] | range:
        """The positions of the observations matching every filter (but ``leave_out``'s)."""
        chosen = [self.postings[d].get(v, frozenset()) for d, v in filters.items() if d != leave_out]
        if not chosen:
            return range(len(self.rows))
        chosen.sort(key=len)
        found = chosen[0]
        for other in chosen[1:]:
            found = found & other
        return found

    def counts(self, dimension: str, filters: dict[str, str]) -> Counter:
        """How many observations each value of ``dimension`` has among those matching the other filters."""
        if not any(d != dimension for d in filters):
            return self.totals[dimension]
        selection = self.select(filters, leave_out=dimension)
        column = self.columns[dimension]
        counter: Counter = Counter()
        if selection:
            picked = itemgetter(*selection)(column) if len(selection) > 1 else (column[next(iter(selection))],)
            counter.update(chain.from_iterable(picked) if dimension == "policy-area" else picked)
        counter.pop("", None)
        return counter

    @property
    def columns(self) -> dict[str, list]:
        cached = self.__dict__.get("_columns")
        if cached is None:
            cached = {d: [r.areas if d == "policy-area" else getattr(r, d) for r in self.rows] for d in DIMENSIONS}
            self.__dict__["_columns"] = cached
        return cached


def index_for(store: Store) -> CubeIndex:
    """The store's index for its current data version, built on first use."""
    return memo(store, "cube-index", build_index)


def build_index(store: Store) -> CubeIndex:
    """Read every observation (one query), its indicator's policy areas and the units' notations."""
    areas: dict[str, list[str]] = {}
    broader: dict[str, str] = {}
    for row in store.select(query("cube_policy_areas", store.base)):
        found = areas.setdefault(row["indicator"].value, [])
        if row["area"].value not in found:
            found.append(row["area"].value)
        if "broader" in row:
            broader.setdefault(row["area"].value, row["broader"].value)
    seen: set[str] = set()
    rows: list[Observation] = []
    intern: dict[str, str] = {}

    def text(row: dict, key: str) -> str:
        term = row.get(key)
        return intern.setdefault(term.value, term.value) if term is not None else ""

    for row in store.select(query("cube_observations", store.base)):
        iri = row["observation"].value
        if iri in seen:
            continue  # a second agency or unit: the first one stands for the observation
        seen.add(iri)
        indicator = text(row, "indicator")
        rows.append(Observation(iri, indicator, text(row, "kind"), text(row, "area"), text(row, "period"),
                                row["value"].value, text(row, "unit"), text(row, "agency"), text(row, "qualifier"),
                                text(row, "printed"), text(row, "start"), tuple(areas.get(indicator, ()))))
    postings: dict[str, dict[str, set[int]]] = {d: {} for d in DIMENSIONS}
    for position, observation in enumerate(rows):
        for dimension in DIMENSIONS:
            for value in observation.values(dimension):
                postings[dimension].setdefault(value, set()).add(position)
    frozen = {d: {v: frozenset(p) for v, p in values.items()} for d, values in postings.items()}
    units = {row["unit"].value: row["notation"].value for row in store.select(query("cube_units", store.base))}
    index = CubeIndex(rows, frozen, broader, {r.period: r.start for r in rows}, units)
    index.totals = {d: Counter({v: len(p) for v, p in frozen[d].items()}) for d in DIMENSIONS}
    return index


def label_text(labels: Labels, iri: str, lang: str) -> str:
    """An option's name: its label in ``lang``, else in the other language, else the IRI."""
    texts = labels.get(iri, {})
    other = "en" if lang == "zh" else "zh"
    return texts.get(lang) or texts.get(other) or iri


@dataclass
class Order:
    """The table's order: each observation's rank, and the positions in that order."""

    ranks: list[int]
    sequence: list[int]


def order_for(store: Store) -> Order:
    """The table's order (cube_view.rq's ORDER BY: indicator, area, period start, period, kind, observation — IRIs,
    so the rows stay in place when the reader switches language), once per data version."""

    def compute(store: Store) -> Order:
        rows = index_for(store).rows
        sequence = sorted(range(len(rows)), key=lambda p: (rows[p].indicator, rows[p].area, rows[p].start,
                                                           rows[p].period, rows[p].kind, rows[p].iri))
        ranks = [0] * len(rows)
        for rank, position in enumerate(sequence):
            ranks[position] = rank
        return Order(ranks, sequence)

    return memo(store, "cube-order", compute)


def ordered(selection: frozenset[int] | range, order: Order) -> list[int]:
    """The selected positions in table order (a large selection read off the whole order, a small one sorted)."""
    if isinstance(selection, range):
        return order.sequence
    if len(selection) * 8 > len(order.sequence):
        return [p for p in order.sequence if p in selection]
    return sorted(selection, key=order.ranks.__getitem__)


def option_key(labels: Labels, lang: str) -> t.Callable[[str], tuple]:
    """Sort key of a filter's options: by label, pinyin order in Chinese."""
    return lambda iri: collation_key(label_text(labels, iri, lang))

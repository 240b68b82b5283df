"""An entity page reads at most the values it lists of each property (kg.views.page_parts.wide_properties, part "wide"
of kg.queries entity_page) and says how many there are in all: Dalian's page read all 437 of its ``dkg:contains``
at 1 M quads to list 100. Over a small dataset of its own (one entity with 250 values of a property, another with
100, another with 101), in the embedded store, over Virtuoso, and through a running server."""

from __future__ import annotations

import collections
import urllib.request
from pathlib import Path

import pytest

from kg.config import Settings
from kg.errors import QueryTimeout
from kg.namespaces import CANONICAL_BASE as B
from kg.queries import query
from kg.store import Store
from kg.views import page_parts
from kg.views.entity import build_entity_page, page_query
from kg.views.statements import MAX_VALUES
from server import running_server
from stores import embedded_store
from virtuoso import virtuoso_server

RELATED, CONTAINS = "http://www.w3.org/2004/02/skos/core#related", B + "def/ontology#contains"


def write_data(path: Path) -> Path:
    """``id/test/wide``: 250 ``skos:related`` (asserted; 50 of them inferred too) and 150 ``dkg:contains`` (only
    inferred); ``id/test/hundred``: 100 related (and 120 ``dkg:responsibleFor``), ``id/test/hundred-one``: 101;
    every one with labels."""
    def labelled(iri: str, name: str) -> str:
        return f'<{iri}> <http://www.w3.org/2000/01/rdf-schema#label> "{name}"@en , "{name}（中）"@zh .\n'

    asserted, inferred = [], []
    for name, count in (("wide", 250), ("hundred", 100), ("hundred-one", 101)):
        asserted.append(labelled(f"{B}id/test/{name}", name))
        asserted += [f"<{B}id/test/{name}> <{RELATED}> <{B}id/test/r/{i}> .\n" for i in range(count)]
    asserted += [labelled(f"{B}id/test/r/{i}", f"related {i:03d}") for i in range(250)]
    asserted += [labelled(f"{B}id/test/c/{i}", f"contained {i:03d}") for i in range(150)]
    inferred += [f"<{B}id/test/wide> <{CONTAINS}> <{B}id/test/c/{i}> .\n" for i in range(150)]
    # links to observations, which the page query never reads (the observation table lists them): not "wide"
    inferred += [f"<{B}id/test/hundred> <{B}def/ontology#responsibleFor> <{B}id/test/o/{i}> .\n" for i in range(120)]
    inferred += [f"<{B}id/test/wide> <{RELATED}> <{B}id/test/r/{i}> .\n" for i in range(50)]
    path.write_text(f"<{B}data/test> {{\n{''.join(asserted)}}}\n<{B}data/inferred> {{\n{''.join(inferred)}}}\n",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_data(tmp_path_factory.mktemp("wide") / "wide.trig")


@pytest.fixture(scope="module")
def store(data: Path) -> Store:
    return embedded_store(Settings.from_env(data_files=(str(data),)))


def groups(store: Store, name: str) -> dict[tuple[str, bool], tuple[int, list[str]]]:
    """(property, inferred group) → (the group's total, the IRIs it lists) on ``id/test/<name>``'s page."""
    built = build_entity_page(store, store.base + f"id/test/{name}", "en")
    assert built is not None
    return {(g.prop.iri, inferred): (g.total, [s.link.iri for s in g.statements if s.link])
            for inferred, table in ((False, built.statements.asserted), (True, built.statements.inferred))
            for g in table}


def check_pages(store: Store) -> None:
    base, contains = store.base, store.base + "def/ontology#contains"
    assert page_parts.wide_properties(store) == {base + "id/test/wide": {RELATED: 250, contains: 150},
                                                 base + "id/test/hundred-one": {RELATED: 101}}
    wide = groups(store, "wide")
    total, listed = wide[(RELATED, False)]
    assert total == 250 and len(listed) == MAX_VALUES == len(set(listed))
    assert set(listed) <= {f"{base}id/test/r/{i}" for i in range(250)}
    assert (RELATED, True) not in wide  # the 50 also inferred are asserted all the same: no value marked wrongly
    total, listed = wide[(contains, True)]
    assert total == 150 and len(listed) == MAX_VALUES and set(listed) <= {f"{base}id/test/c/{i}" for i in range(150)}
    assert groups(store, "hundred-one")[(RELATED, False)][0] == 101
    total, listed = groups(store, "hundred")[(RELATED, False)]
    assert total == 100 and sorted(listed) == sorted(f"{base}id/test/r/{i}" for i in range(100))


class Recording:
    """The real store, keeping the rows its page queries gave."""

    def __init__(self, store: Store) -> None:
        self._store, self.base, self.rows = store, store.base, []

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def select_union(self, text):
        rows = self._store.select_union(text)
        self.rows += rows
        return rows


def test_a_page_reads_at_most_a_page_of_each_wide_property_and_says_how_many(store: Store) -> None:
    check_pages(store)
    recording = Recording(store)
    groups(recording, "wide")
    read = collections.Counter(row["p"].value for row in recording.rows if "p" in row)
    assert read[store.base + "def/ontology#contains"] == MAX_VALUES and read[RELATED] <= MAX_VALUES + 50


def test_the_page_query_reads_no_more_values_than_it_lists(store: Store) -> None:
    """The rows the page query gives per property (one per value and graph): 100 of the 250, 100 of the 150 (the
    control: without the wide properties the same query reads them all)."""
    iri = store.base + "id/test/wide"
    wide = page_parts.wide_properties(store)[iri]
    parts = page_parts.page_parts(store, iri, hub=False)
    assert "wide" in parts

    def values(text: str) -> dict[str, int]:
        rows = store.select_union(text)
        return collections.Counter(row["p"].value for row in rows if row["part"].value in ("out", "wide")
                                   and row["p"].value in wide)

    contains = store.base + "def/ontology#contains"
    limited = page_query(store.base, iri, 1, parts=parts, wide=wide)
    assert limited.count('BIND("wide" AS ?part)') == 2
    read = values(limited)  # 100 values of each; of related, up to 50 of them in two graphs
    assert read[contains] == MAX_VALUES and MAX_VALUES <= read[RELATED] <= MAX_VALUES + 50
    assert values(page_query(store.base, iri, 1, parts=parts - {"wide"})) == {RELATED: 300, contains: 150}
    alone = page_query(store.base, iri, 1, parts={"wide"}, wide=wide)  # the part alone, as a remote store sends it
    assert values(alone) == read and 'BIND("out" AS ?part)' not in alone
    hundred = store.base + "id/test/hundred"
    assert 'BIND("wide" AS ?part)' not in page_query(
        store.base, hundred, 1, parts=page_parts.page_parts(store, hundred, hub=False),
        wide=page_parts.wide_properties(store).get(hundred, {}))
    # the numbers in the two queries are the page's
    assert "LIMIT 100 }" in query("entity_page") and "> 100)" in query("entity_wide_properties") and MAX_VALUES == 100


class NoWideTable:
    """The real store, but the table of wide properties fails (the store refused it or timed out)."""

    def __init__(self, store: Store) -> None:
        self._store, self.base = store, store.base

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def select(self, text, bindings=None, **kwargs):
        if text == query("entity_wide_properties", self.base):
            raise QueryTimeout("the store gave up")
        return self._store.select(text, bindings, **kwargs)


def test_without_the_table_a_page_reads_every_value_and_shows_the_same_totals(store: Store) -> None:
    failing = NoWideTable(store)
    assert page_parts.wide_properties(failing) is None
    for name in ("wide", "hundred", "hundred-one"):
        fallback, limited = groups(failing, name), groups(store, name)
        assert {k: v[0] for k, v in fallback.items()} == {k: v[0] for k, v in limited.items()}, name
        assert all(len(fallback[k][1]) == len(limited[k][1]) for k in limited), name


@pytest.mark.virtuoso
def test_over_virtuoso_the_same_table_and_pages(data: Path) -> None:
    from kg.store.remote import RemoteStore

    with virtuoso_server(load=False) as virtuoso:
        virtuoso.load_graph(data=data)
        check_pages(RemoteStore(Settings(store_url=virtuoso.url)))


def test_a_running_server_lists_a_page_of_values_and_the_total(data: Path) -> None:
    with running_server("--data", str(data)) as base_url:
        request = urllib.request.Request(base_url + "id/test/wide", headers={"Accept": "text/html",
                                                                          "Accept-Language": "en"})
        with urllib.request.urlopen(request, timeout=30) as response:
            page = response.read().decode("utf-8")
    assert "250 in all" in page and "150 in all" in page
    assert sum(f'/id/test/r/{i}"' in page for i in range(250)) == MAX_VALUES


def test_a_store_without_named_graphs_reads_a_page_of_values_too(data: Path, tmp_path: Path) -> None:
    """A user's files in the default graph (``kg serve --data x.ttl``): the same table, the parts without GRAPH."""
    import pyoxigraph as ox

    flat = tmp_path / "wide.nt"
    dataset = ox.Dataset(ox.parse(path=str(data), format=ox.RdfFormat.TRIG))
    flat.write_text("".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in dataset), encoding="utf-8")
    store = embedded_store(Settings.from_env(data_files=(str(flat),)))
    contains = store.base + "def/ontology#contains"
    assert page_parts.wide_properties(store)[store.base + "id/test/wide"] == {RELATED: 250, contains: 150}
    recording = Recording(store)
    wide = groups(recording, "wide")
    assert wide[(RELATED, False)][0] == 250 and len(wide[(RELATED, False)][1]) == MAX_VALUES
    assert wide[(contains, False)][0] == 150 and len(wide[(contains, False)][1]) == MAX_VALUES
    read = collections.Counter(row["p"].value for row in recording.rows if "p" in row)
    assert read[RELATED] == MAX_VALUES and read[contains] == MAX_VALUES

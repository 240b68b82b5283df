"""Hub pages (kg.views.hubs): an IRI that thousands of observations point at gets the same page, inbound links
included and paged alike, from the per-version table as from the page query's own scan of its links."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import Settings
from kg.queries import query
from kg.views import entity as entity_views
from kg.views.entity import build_entity_page
from kg.views.hubs import hub_inbound
from stores import embedded_store

BASE = "https://w3id.org/dalian-kg/"
QB = "http://purl.org/linked-data/cube#"
PERIOD = BASE + "id/period/2099"
OTHER_PERIOD = BASE + "id/period/2098"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def write_hub_data(path: Path, observations: int = 1200, others: int = 130) -> Path:
    """``observations`` observations of one period (a hub), ``others`` events pointing at it (more than one page of
    inbound links), and a second period with only 10 observations (not a hub)."""
    lines = [f'<{PERIOD}> <{RDFS_LABEL}> "2099年"@zh , "2099"@en .',
             f'<{OTHER_PERIOD}> <{RDFS_LABEL}> "2098年"@zh , "2098"@en .']
    for i in range(observations):
        obs = f"<{BASE}id/obs/hub-{i}>"
        period = PERIOD if i >= 10 else OTHER_PERIOD
        lines += [f"{obs} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{QB}Observation> .",
                  f"{obs} <http://purl.org/linked-data/sdmx/2009/dimension#refPeriod> <{period}> ."]
    for i in range(others):
        event = f"<{BASE}id/event/hub-event-{i:03d}>"
        lines += [f'{event} <{RDFS_LABEL}> "活动 {i}"@zh , "event {i}"@en .',
                  f"{event} <http://purl.org/dc/terms/temporal> <{PERIOD}> ."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    data = write_hub_data(tmp_path_factory.mktemp("hubs") / "hub.ttl")
    cache = tmp_path_factory.mktemp("cache")
    opened = embedded_store(Settings.from_env(data_files=(data,), store_mode="memory", cache_dir=cache))
    yield opened
    opened.close()


def test_the_hub_table_holds_the_hubs_and_their_other_links(store) -> None:
    table = hub_inbound(store)
    assert set(table) == {PERIOD}  # 1,190 observations; the other period has 10
    assert len(table[PERIOD]) == 130
    assert {row["p"].value for row in table[PERIOD]} == {"http://purl.org/dc/terms/temporal"}


def inbound_of(page) -> list[tuple[str, str, int, bool]]:
    """Each inbound statement shown (property, linked entity) and each group's total, as the page shows them."""
    return [(group.prop.iri, statement.link.iri, group.total, group.at_least)
            for group in page.statements.inbound for statement in group.statements if statement.link]


def pages_of(store) -> list:
    return [build_entity_page(store, PERIOD, "en", page=number) for number in (1, 2)]


def test_a_hub_page_is_the_same_with_and_without_the_table(store, monkeypatch) -> None:
    """Pages 1 and 2 show 100 and 30 of the 130 links, each once, with the same totals and pager, whether the links
    come from the table or from the page query's scan (whose order is the engine's: the pages hold the same set)."""
    with_table = pages_of(store)
    monkeypatch.setattr(entity_views, "hub_inbound", lambda s: {})  # the page query reads the links itself
    scanned = pages_of(store)
    for pages in (with_table, scanned):
        shown = [inbound_of(page) for page in pages]
        assert [len(links) for links in shown] == [100, 30]
        assert len({link for links in shown for link in links}) == 130
        # 130 shown in all; a lower bound, since the page counts at most 1,001 links in all and 1,190 observations
        # point here too
        assert {(p, total, at_least) for links in shown for p, _, total, at_least in links} == {
            ("http://purl.org/dc/terms/temporal", 130, True)}
    assert {link for page in with_table for link in inbound_of(page)} == {
        link for page in scanned for link in inbound_of(page)}
    assert [page.pager for page in with_table] == [page.pager for page in scanned]
    assert [len(page.observations) for page in with_table] == [len(page.observations) for page in scanned]


def _not_in(text: str) -> set[str]:
    """The properties of the "in" part's FILTER(?p NOT IN (…)) of a query (the first after its pattern)."""
    inside = text.split("?x ?p ?s .", 1)[1].split("FILTER(?p NOT IN (", 1)[1].split("))", 1)[0]
    return {name.strip() for name in inside.split(",")}


def test_the_table_leaves_out_the_same_links_as_the_page_query() -> None:
    """hub_inbound.rq repeats the page query's list of the links the "in" part leaves out: they must not drift."""
    assert _not_in(query("hub_inbound", BASE)) == _not_in(query("entity_page", BASE))
    assert len(_not_in(query("entity_page", BASE))) == 14

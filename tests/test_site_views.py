"""View-models of the site pages (issue 12) on the project's graph: home, query page, data browser, charts, listings.

The data browser's claims are checked against the store itself: its SPARQL link reproduces its table (same rows, same
order, page by page), its CSV is the same selection, its counts are the observations that match.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.config import Settings
from kg.errors import BadParameter
from kg.i18n import EXAMPLE_GROUPS
from kg.store import Store
from kg.views.collate import collation_key
from kg.views.cube import PAGE_SIZE, build_cube_page, csv_rows, parse_filters, view_query
from kg.views.cube_chart import build_cube_chart, text_width
from kg.views.cube_index import index_for
from kg.views.examples import group_examples, load_examples
from kg.views.home import build_home_view
from kg.views.listings import build_class_page, build_ontology_meta
from kg.views.query_page import build_query_page
from kg.views.search import build_search_page

DKG = "def/ontology#"


@pytest.fixture(scope="module")
def store(project_store: Store) -> Store:
    return project_store


@pytest.fixture(scope="module")
def examples(store: Store):
    return load_examples(Settings().examples_dir, store.base)


def void_figures(store: Store) -> dict[str, int]:
    """What the dataset's VoID description says, read here without the app's queries."""
    text = """PREFIX void: <http://rdfs.org/ns/void#>
    SELECT ?class ?n WHERE {
      { GRAPH ?g { <DATASET> void:triples ?n BIND(<urn:triples> AS ?class) } }
      UNION { GRAPH ?g { <DATASET> void:classPartition [ void:class ?class ; void:entities ?n ] } }
    }"""
    rows = store.select(text.replace("DATASET", store.base + "data/dalian-kg"))
    return {row["class"].value: int(row["n"].value) for row in rows}


# ---------------------------------------------------------------- home


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_figures_agree_with_void(store: Store, examples, lang: str) -> None:
    view = build_home_view(store, lang, examples)
    void = void_figures(store)
    shown = {c.key: int(c.value.replace(",", "")) for c in view.counts}
    assert view.counts_from_void
    assert shown["triples"] == void["urn:triples"]
    assert shown["observations"] == void["http://purl.org/linked-data/cube#Observation"]
    assert shown["organisations"] == void["http://www.w3.org/ns/org#Organization"]
    assert shown["indicators"] == void[store.base + DKG + "Indicator"]
    assert [c.key for c in view.counts].count("triples") == 1
    # the note names the graphs the figure counts, and their sizes add up to it (no triple is in two of them)
    for graph in ("data/ontology", "data/asserted", "data/inferred", "data/links"):
        assert graph in view.triples_note
    assert "data/catalog" not in view.triples_note


def test_home_source_is_the_page_its_articles_and_reporters(store: Store, examples) -> None:
    view = build_home_view(store, "en", examples)
    source = view.source
    assert source is not None and source.page.href == "/id/page/livelihood-14fyp"
    assert source.newspaper is not None and source.newspaper.href == "/id/org/dalian-news-media-group"
    assert [a.link.href.rsplit("/", 1)[-1] for a in source.articles] == [
        "lead", "health", "neusoft", "civil-affairs", "education", "human-resources", "medical-insurance",
        "ai-alliance"]
    assert len(source.reporters) == 6 and all(a.reporters for a in source.articles[1:])
    assert source.date == "" and source.issue == ""  # not in the graph: the page says so rather than inventing them


def test_home_entry_points_by_policy_area(store: Store, examples) -> None:
    view = build_home_view(store, "zh", examples)
    by_key = {a.link.href.rsplit("/", 1)[-1]: a for a in view.areas}
    assert {"health", "education", "social-protection", "employment"} <= set(by_key)
    protection = by_key["social-protection"]
    assert {c.link.href.rsplit("/", 1)[-1] for c in protection.children} >= {"social-assistance", "elderly-care"}
    assert protection.observations >= max(c.observations for c in protection.children)
    assert by_key["health"].browse_href == "/data/observations?policy-area=def%2Fpolicy-area%2Fhealth"
    labels = [a.link.label.text for a in view.areas]
    assert labels == sorted(labels, key=collation_key)  # pinyin order


def test_home_examples_one_per_kind_of_question(store: Store, examples) -> None:
    entries = build_home_view(store, "en", examples).examples
    assert len(entries) == len({e.note for e in entries}) >= 5
    assert all(e.href.startswith("/sparql?query=") for e in entries)
    assert not any("SERVICE" in e.href for e in entries)


def test_home_agencies_in_pinyin_order(store: Store, examples) -> None:
    agencies = build_home_view(store, "zh", examples).agencies
    assert len(agencies) >= 6
    assert [a.label.text for a in agencies] == sorted((a.label.text for a in agencies), key=collation_key)


# ---------------------------------------------------------------- query page


def test_every_example_has_a_known_group_and_federated_ones_say_so(examples) -> None:
    assert all(e.group in EXAMPLE_GROUPS for e in examples), [e.slug for e in examples if e.group not in EXAMPLE_GROUPS]
    groups = group_examples(examples, "zh")
    assert [g.key for g in groups] == [k for k in EXAMPLE_GROUPS if any(e.group == k for e in examples)]
    federated = [e for e in examples if e.federated]
    assert len(federated) >= 2 and all(e.group == "federation" for e in federated)


def test_query_page_groups_examples_and_names_what_federation_needs(store: Store) -> None:
    settings = Settings()
    page = build_query_page(store, settings, None, "en", endpoint="/sparql", base_iri=store.base + "sparql")
    assert len(page.groups) >= 6 and page.table is None
    federated = [o for g in page.groups for o in g.options if o.federated]
    assert federated and all("--allow-service " + o.federated in o.note and not o.allowed for o in federated)
    allowed = settings.but(service_allowlist=(federated[0].federated,))
    page = build_query_page(store, allowed, None, "zh", endpoint="/sparql", base_iri=store.base + "sparql")
    option = next(o for g in page.groups for o in g.options if o.slug == federated[0].slug)
    assert option.allowed and "已允许" in option.note


def test_query_page_opens_an_example_by_name_and_runs_it(store: Store) -> None:
    page = build_query_page(store, Settings(), None, "zh", endpoint="/sparql", base_iri=store.base + "sparql",
                            example="agency-labels")
    assert page.chosen is not None and page.chosen.slug == "agency-labels"
    assert "GovernmentAgency" in page.query and page.table is not None and page.table.rows
    # an example's own ?query= link (the home page's) shows which example it is
    linked = build_query_page(store, Settings(), page.query, "en", endpoint="/sparql", base_iri=store.base + "sparql")
    assert linked.chosen is not None and linked.chosen.slug == "agency-labels"


# ---------------------------------------------------------------- data browser


def sparql_rows(store: Store, text: str) -> list[list[str]]:
    return [[row[c].value if c in row else "" for c in ("observation", "indicator", "area", "period", "kind")]
            for row in store.select(text)]


@pytest.mark.parametrize(("lang", "args", "page"), [
    ("zh", {}, 1), ("en", {}, 2), ("zh", {"policy-area": "def/policy-area/social-protection"}, 1),
    ("en", {"kind": "def/value-kind/reached", "area": "id/division/210200"}, 1),
    ("zh", {"agency": "id/org/dalian-civil-affairs-bureau", "period": "id/period/2025"}, 1),
])
def test_the_sparql_link_reproduces_the_table(store: Store, lang: str, args: dict[str, str], page: int) -> None:
    filters = parse_filters(args, store)
    view = build_cube_page(store, filters, lang, page)
    assert view.rows, args
    table = [[r.link.iri, r.indicator.iri, r.area.iri, r.period.iri, r.kind.iri] for r in view.rows]
    assert sparql_rows(store, view.sparql) == table
    # and without paging, the query gives the whole selection: the CSV's rows, in the same order
    whole = sparql_rows(store, view_query(store, filters, lang))
    assert len(whole) == view.total
    csv = csv_rows(store, filters, lang)
    assert [[r[0], r[1], r[3], r[5], r[7]] for r in csv[1:]] == whole
    assert view.sparql_href.startswith("/sparql?query=")


def test_filters_select_what_they_say(store: Store) -> None:
    index = index_for(store)
    everything = build_cube_page(store, {}, "zh")
    assert everything.total == len(index.rows) == void_figures(store)["http://purl.org/linked-data/cube#Observation"]
    assert everything.pages == -(-everything.total // PAGE_SIZE) and len(everything.rows) == PAGE_SIZE
    reached = build_cube_page(store, parse_filters({"kind": "def/value-kind/reached"}, store), "zh")
    assert 0 < reached.total < everything.total
    assert {r.kind.iri for r in reached.rows} == {store.base + "def/value-kind/reached"}
    # a broader policy area holds its narrower areas' observations
    protection = build_cube_page(store, parse_filters({"policy-area": "def/policy-area/social-protection"}, store),
                                 "zh").total
    assistance = build_cube_page(store, parse_filters({"policy-area": "def/policy-area/social-assistance"}, store),
                                 "zh").total
    assert protection > assistance > 0
    # each facet counts the observations the other filters leave
    kinds = next(f for f in reached.facets if f.name == "kind")
    assert sum(o.count for o in kinds.options) == everything.total
    assert next(o for o in kinds.options if o.selected).count == reached.total


def test_unknown_filter_values_are_refused(store: Store) -> None:
    with pytest.raises(BadParameter):
        parse_filters({"kind": "def/value-kind/nothing"}, store)
    with pytest.raises(BadParameter):
        parse_filters({"indicator": "<script>"}, store)


def test_units_are_in_the_readers_language(store: Store) -> None:
    args = parse_filters({"indicator": "def/indicator/life-expectancy"}, store)
    assert build_cube_page(store, args, "zh", 1).rows[0].display == "82.45岁"
    assert build_cube_page(store, args, "en", 1).rows[0].display == "82.45 years of age"
    rate = parse_filters({"indicator": "def/indicator/infant-mortality-rate"}, store)
    assert build_cube_page(store, rate, "en").rows[0].display == "2.11‰"


def test_charts_hold_one_indicator_area_and_unit_per_panel_in_time_order(store: Store) -> None:
    for lang, args in (("zh", {}), ("en", {"policy-area": "def/policy-area/social-assistance"}),
                       ("en", {"agency": "id/org/dalian-health-commission"})):
        view = build_cube_page(store, parse_filters(args, store), lang)
        chart = build_cube_chart(view.rows)
        assert chart is not None and chart.panels
        for panel in chart.panels:
            rows = [r for r in view.rows
                    if (r.indicator.iri, r.area.iri, r.unit) == (panel.indicator, panel.area, panel.unit)]
            assert {r.indicator.iri for r in rows} == {panel.indicator} and len(rows) == len(panel.bars)
            assert rows[0].area.label.text in panel.subtitle
            for bar in panel.bars:
                assert any(r.period.label.text in bar.label and r.kind.label.text in bar.label for r in rows)
                assert bar.text_x + 4 + text_width(bar.value_text) <= panel.width
            starts = [next(r.start for r in rows if r.period.label.text in b.label) for b in panel.bars]
            assert starts == sorted(starts)
    minimum = parse_filters({"indicator": "def/indicator/urban-minimum-living-standard"}, store)
    bars = build_cube_chart(build_cube_page(store, minimum, "en").rows).panels[0].bars
    assert [b.css for b in bars] == ["bar-baseline", "bar-reached"] and bars[0].width < bars[1].width
    assert Decimal(bars[1].value_text.split()[0]) == Decimal("972")


# ---------------------------------------------------------------- listings


def test_ontology_version_and_licence_from_the_graph(store: Store) -> None:
    meta = build_ontology_meta(store, "en")
    assert meta.version == "1.0.0" and meta.version_iri.endswith("def/ontology/1.0.0")
    assert meta.licence is not None and meta.licence.href == "https://creativecommons.org/licenses/by/4.0/"
    assert meta.licence.label.text == "CC BY 4.0" and meta.title.startswith("Dalian")


def test_class_page_in_pinyin_order_with_its_place_in_the_ontology(store: Store) -> None:
    page = build_class_page(store, "http://www.w3.org/ns/org#Organization", "zh")
    assert page is not None and page.meta is not None and page.term is not None
    names = [m.link.label.text for m in page.members]
    assert names == sorted(names, key=collation_key)
    assert {c.short for c in page.subclasses} >= {"org:FormalOrganization", "org:OrganizationalUnit"}
    indicator = build_class_page(store, store.base + DKG + "Indicator", "en")
    assert indicator is not None and any(p.short == "dkg:indicator" for p in indicator.properties)


def test_search_puts_exact_names_first_then_pinyin_order(store: Store) -> None:
    assert build_search_page(store, "东软", "zh")[0].entries[0].href == "/id/org/neusoft"
    checked = 0
    for group in build_search_page(store, "大连市", "zh"):
        starting = [k.label.text for k in group.entries if k.label.text.startswith("大连市")]
        if len(starting) >= 3:
            assert starting == sorted(starting, key=collation_key), starting
            checked += 1
    assert checked

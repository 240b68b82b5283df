"""Entity view-models built from the real store (no HTTP): what the pages will show."""

from __future__ import annotations

import pytest

from kg.config import Settings
from kg.graph.articles import load_articles
from kg.store import Store
from kg.views.article import build_article_view, paragraph_spans
from kg.views.charts import build_chart
from kg.views.entity import build_entity_page
from kg.views.labels import choose_label, quote_anchor
from kg.views.listings import build_class_members, build_ontology_terms
from kg.views.search import index_for


@pytest.fixture(scope="module")
def store(project_store: Store) -> Store:
    return project_store


def test_label_falls_back_visibly():
    assert choose_label({"zh": "东软集团", "en": "Neusoft"}, "en", "x").text == "Neusoft"
    label = choose_label({"zh": "东软集团"}, "en", "x")
    assert (label.text, label.lang, label.fallback) == ("东软集团", "zh", True)
    assert not choose_label({"zh": "东软集团"}, "zh", "x").fallback


def test_neusoft_page_in_both_languages(store):
    iri = store.base + "id/org/neusoft"
    zh = build_entity_page(store, iri, "zh")
    en = build_entity_page(store, iri, "en")
    assert zh.title.text == "东软集团" and zh.title.lang == "zh"
    assert en.title.lang == "en" and not en.title.fallback
    assert any(t.link.href.startswith("/class?iri=") for t in zh.types)
    assert zh.facts and all(g.prop.href for g in zh.facts)
    assert zh.evidence, "Neusoft's facts carry quotes"
    assert all(e.href.startswith("/id/article/") and "highlight=" in e.href for e in zh.evidence)


def test_inferred_facts_are_flagged(store):
    page = build_entity_page(store, store.base + "id/org/dalian-health-commission", "en")
    inferred_types = [t.link.iri for t in page.types if t.inferred]
    assert "http://www.w3.org/ns/org#Organization" in inferred_types
    asserted = [t.link.iri for t in page.types if not t.inferred]
    assert store.base + "def/ontology#GovernmentAgency" in asserted


def test_agency_observations_and_chart(store):
    page = build_entity_page(store, store.base + "id/org/dalian-health-commission", "zh")
    assert page.observations
    row = page.observations[0]
    assert row.indicator.href.startswith("/def/indicator/") and row.value and row.source_href
    chart = build_chart(page.observations)
    assert chart is not None and chart.groups
    assert all(bar.width > 0 for group in chart.groups for bar in group.bars)


def test_slope_text_reads_like_the_article(store):
    """"由750元提高至972元": a baseline → reached slope somewhere in the graph."""
    rows = []
    for iri in ("id/org/dalian-civil-affairs-bureau", "id/org/dalian-hrss-bureau",
                "id/org/dalian-medical-insurance-bureau", "id/org/dalian-education-bureau",
                "id/org/dalian-health-commission"):
        rows += build_entity_page(store, store.base + iri, "zh").observations
    chart = build_chart(rows)
    assert chart is not None
    assert any("→" in group.slope for group in chart.groups)


def test_observation_page(store):
    obs = store.select("SELECT ?o WHERE { ?o a <http://purl.org/linked-data/cube#Observation> } LIMIT 1")[0]["o"]
    page = build_entity_page(store, obs.value, "zh")
    assert page.is_observation and page.observation is not None
    o = page.observation
    assert o.value and o.period and o.kind and o.quote and o.source_href


def test_article_view_marks_every_quote(store):
    article = load_articles(Settings().articles_dir)["health"]
    view = build_article_view(store, store.base + "id/article/health", "zh", "")
    found = [f for f in view.facts if f.found]
    assert found, "the health article has encoded facts"
    anchors = {a for para in view.paragraphs for seg in para for a in seg.anchors}
    assert {f.anchor for f in found} <= anchors
    assert "".join(seg.text for para in view.paragraphs for seg in para) == article.text
    assert len(view.paragraphs) > 3


def test_article_highlight(store):
    first = build_article_view(store, store.base + "id/article/health", "zh", "")
    anchor = next(f.anchor for f in first.facts if f.found)
    view = build_article_view(store, store.base + "id/article/health", "zh", anchor)
    assert any(seg.current for para in view.paragraphs for seg in para)


def test_observation_quote_anchor_matches_article(store):
    """The link from an observation's quote lands on a mark of the article page."""
    page = build_entity_page(store, store.base + "id/org/dalian-health-commission", "zh")
    row = next(o for o in page.observations if o.source_href)
    slug = row.source_href.split("?")[0].rsplit("/", 1)[-1]
    view = build_article_view(store, store.base + f"id/article/{slug}", "zh", "")
    assert quote_anchor(row.link.iri) in {f.anchor for f in view.facts if f.found}


def test_paragraphs_cover_the_text():
    article = load_articles(Settings().articles_dir)["health"]
    spans = paragraph_spans(article.body)
    assert spans[0][0] == 0 and spans[-1][1] == len(article.text)


def test_search_finds_chinese_english_and_pinyin(store):
    index = index_for(store)
    neusoft = store.base + "id/org/neusoft"
    for text in ("东软", "neusoft", "NEUSOFT", "dongruan"):
        assert neusoft in [e.iri for e in index.find(text)], text


def test_ontology_and_class_pages(store):
    classes, properties = build_ontology_terms(store, "en")
    agency = next(c for c in classes if c.iri.endswith("#GovernmentAgency"))
    assert agency.depth > 0 and agency.definition_en
    assert any(p.domains or p.ranges for p in properties)
    members = build_class_members(store, store.base + "def/ontology#GovernmentAgency", "zh")
    assert any(m.link.href == "/id/org/dalian-health-commission" for m in members)


def test_charts_never_mix_areas_and_label_every_bar_with_its_period(store):
    """Every chart series is one indicator in one area; every bar names its period (the SVG's data)."""
    checked = 0
    for path in ("id/org/dalian-health-commission", "id/org/dalian-civil-affairs-bureau", "id/org/neusoft",
                 "def/indicator/life-expectancy", "id/division/210200"):
        page = build_entity_page(store, store.base + path, "en")
        chart = build_chart(page.observations)
        if chart is None:
            continue
        rows = {(r.indicator.label.text, r.kind): r for r in page.observations}
        for group in chart.groups:
            series = [r for r in page.observations if group.title.startswith(r.indicator.label.text)]
            areas = {r.area.iri for r in series if r.area is not None and group.title.endswith(r.area.label.text)}
            assert len(areas) <= 1, (path, group.title, areas)
            for bar in group.bars:
                assert any(r.period and r.period in bar.text for r in series), (path, bar.text)
            checked += 1
        assert rows
    assert checked >= 3


def test_a_parent_indicator_shows_its_sub_indicators_figures(store):
    """最低生活保障标准 has no observations of its own: its page shows the urban and rural series together."""
    page = build_entity_page(store, store.base + "def/indicator/minimum-living-standard", "en")
    indicators = {row.indicator.iri.rsplit("/", 1)[-1] for row in page.observations}
    assert {"urban-minimum-living-standard", "rural-minimum-living-standard"} <= indicators
    chart = build_chart(page.observations)
    assert chart is not None and len(chart.groups) >= 2

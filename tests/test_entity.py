"""Entity view-models built from the real store (no HTTP): what the pages show, and how many store calls they take."""

from __future__ import annotations

import re
import time

import pytest

from kg.config import Settings
from kg.graph.articles import load_articles
from kg.store import Store
from kg.views.article import build_article_view, paragraph_spans
from kg.views.charts import build_chart
from kg.views.entity import build_entity_page
from kg.views.labels import choose_label, quote_anchor
from kg.views.listings import build_class_members, build_ontology_terms
from kg.views.search import find_entities
from kg.views.units import Unit, format_value
from stores import bag


@pytest.fixture(scope="module")
def store(project_store: Store) -> Store:
    return project_store


class CountingStore:
    """The real store, counting the calls that go to it (a page's round trips)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.base = store.base
        self.calls: list[str] = []

    def select(self, text, bindings=None, **kwargs):
        self.calls.append(text)
        return self._store.select(text, bindings, **kwargs)

    def select_union(self, text):
        self.calls.append(text)
        return self._store.select_union(text)

    def ask(self, text, bindings=None):
        self.calls.append(text)
        return self._store.ask(text, bindings)

    def construct(self, text, bindings=None):
        self.calls.append(text)
        return self._store.construct(text, bindings)

    def data_version(self) -> str:
        return self._store.data_version()


def page(store, path: str, lang: str = "en", **options):
    built = build_entity_page(store, store.base + path, lang, **options)
    assert built is not None, path
    return built


def groups(statements) -> dict[str, list]:
    return {g.prop.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]: g.statements for g in statements}


def test_label_falls_back_visibly():
    assert choose_label({"zh": "东软集团", "en": "Neusoft"}, "en", "x").text == "Neusoft"
    label = choose_label({"zh": "东软集团"}, "en", "x")
    assert (label.text, label.lang, label.fallback) == ("东软集团", "zh", True)
    assert not choose_label({"zh": "东软集团"}, "zh", "x").fallback


def test_neusoft_header_in_both_languages(store):
    zh, en = page(store, "id/org/neusoft", "zh"), page(store, "id/org/neusoft", "en")
    assert (zh.title.text, zh.other_title.text) == ("东软集团", "Neusoft Corporation")
    assert (en.title.text, en.other_title.text) == ("Neusoft Corporation", "东软集团")
    assert en.description is not None and en.description.text
    assert all(t.href.startswith("/class?iri=") for t in zh.types) and zh.types
    schemes = {(i.scheme, i.code, i.match) for i in en.identifiers}
    assert ("Wikidata", "Q1579888", "close_match") in schemes and ("ROR", "02zc84r97", "close_match") in schemes
    assert any(i.code == "600718" for i in en.identifiers)
    assert "Neusoft" in en.aliases


def test_statements_carry_their_sources_and_fold_inverses(store):
    en = page(store, "id/org/neusoft")
    asserted = groups(en.statements.asserted)
    assert "produces" in asserted and all(s.sources for s in asserted["produces"])
    for s in asserted["produces"]:
        assert all(src.href.startswith("/id/article/neusoft?highlight=") for src in s.sources)
    # org:subOrganizationOf is asserted on the subsidiaries' side: shown once, as Neusoft's, with its sentence
    assert "hasSubOrganization" in asserted and all(s.inverse and s.sources for s in asserted["hasSubOrganization"])
    assert "subOrganizationOf" not in groups(en.statements.inbound)
    # customers are inferred (a property chain), collapsed apart, each with the product line that reaches it
    customers = groups(en.statements.inferred)["customer"]
    assert {q.name for s in customers for q in s.qualifiers} >= {"product_line", "segment"}
    cockpit = next(s for s in asserted["produces"] if s.link.iri.endswith("smart-cockpit"))
    supplied = next(q for q in cockpit.qualifiers if q.name == "supplied_to")
    assert {v.iri.rsplit("/", 1)[-1] for v in supplied.values} == {"geely", "hongqi", "chery"}


def test_interpretation_is_marked(store):
    en = page(store, "id/org/dalian-civil-affairs-bureau")
    unit_of = groups(en.statements.asserted)["unitOf"]
    assert unit_of and unit_of[0].interpreted and unit_of[0].sources[0].interpretations
    assert any(o.interpretations for o in en.observations)


def test_inferred_facts_are_apart(store):
    en = page(store, "id/org/dalian-health-commission")
    assert all(s.inferred for g in en.statements.inferred for s in g.statements)
    assert not any(s.inferred for g in en.statements.asserted for s in g.statements)
    assert all(not t.iri.endswith("org#Organization") for t in en.types), "types shown are the asserted ones"


def test_key_figures_of_an_agency(store):
    en = page(store, "id/org/dalian-civil-affairs-bureau")
    assert 1 <= len(en.figures) <= 6
    urban = next(f for f in en.figures if f.indicator.iri.endswith("urban-minimum-living-standard"))
    assert (urban.before, urban.value, urban.before_period, urban.period) == \
        ("750", "972 yuan per person per month", "2020", "2025")
    zh = page(store, "id/org/dalian-civil-affairs-bureau", "zh")
    urban = next(f for f in zh.figures if f.indicator.iri.endswith("urban-minimum-living-standard"))
    assert urban.value == "972元/人·月"


#: What an English page must never print (issue 12): Chinese unit words, singular units after other numbers.
NOT_ENGLISH = re.compile(r"百分比|名次|\b(?!1 )[\d,.]+ (year|organisation|count|person|model)(?![\w-])")


@pytest.mark.parametrize("path", ["id/org/neusoft", "id/org/dalian-civil-affairs-bureau",
                                  "id/org/dalian-health-commission", "id/org/dalian-hrss-bureau",
                                  "id/org/dalian-education-bureau", "id/article/neusoft"])
def test_values_read_in_english(store, path):
    en = page(store, path)
    for row in en.observations:
        assert not NOT_ENGLISH.search(row.value), (path, row.value)
        assert not re.search(r"[\u4e00-\u9fff]", row.value), (path, row.value)
        assert row.period and row.kind and row.area is not None, (path, row.link.iri)


def test_value_formatting():
    percent = Unit("u", {"zh": "百分比", "en": "percent"}, "%", ("%",))
    rank = Unit("r", {"zh": "名次", "en": "rank"}, "rank", ("第",))
    per_month = Unit("m", {"zh": "元/人·月", "en": "yuan per person per month"}, "CNY/person/month", ("元",))
    per_100k = Unit("k", {"zh": "每十万", "en": "per 100,000"}, "1/100000", ("/10万",))
    from decimal import Decimal
    assert format_value(Decimal("14.58"), percent, "en") == format_value(Decimal("14.58"), percent, "zh") == "14.58%"
    assert (format_value(Decimal(1), rank, "en"), format_value(Decimal(1), rank, "zh")) == ("No. 1", "第1")
    assert format_value(Decimal(972), per_month, "zh") == "972元/人·月"
    assert format_value(Decimal(972), per_month, "en") == "972 yuan per person per month"
    assert format_value(Decimal("5.95"), per_100k, "zh") == "5.95/10万"
    assert format_value(Decimal("441000000"), Unit("c", {"zh": "元", "en": "yuan (CNY)"}), "en", "more than") == \
        "more than 441 million yuan"


def test_life_expectancy_page(store):
    en = page(store, "def/indicator/life-expectancy")
    assert en.description is not None and "newborn" in en.description.text
    codes = {(i.scheme, i.code) for i in en.identifiers}
    assert ("Wikidata", "Q188419") in codes and ("World Bank WDI", "SP.DYN.LE00.IN") in codes
    assert [(f.value, f.period) for f in en.figures] == [("82.45 years of age", "2025")]
    row = en.observations[0]
    assert row.area.label.text == "Dalian" and row.quote and row.source_href


def test_charts_never_mix_areas_and_label_every_bar(store):
    """Each panel is one indicator in one area, bars in time order with period and area; another area's value is a
    reference line that names its area (the physicians: Dalian 4.0 against China's planning standard 3.2)."""
    checked = references = 0
    for path in ("id/org/dalian-health-commission", "id/org/dalian-civil-affairs-bureau", "id/org/neusoft",
                 "def/indicator/practising-physicians-per-1000", "id/division/210200", "id/org/dalian-hrss-bureau"):
        for lang in ("en", "zh"):
            built = page(store, path, lang)
            chart = build_chart(built.observations)
            if chart is None:
                continue
            rows = {r.link.iri: r for r in built.observations}
            for panel in chart.panels:
                assert {b.area for b in panel.bars} == {panel.area}, (path, panel.title)
                assert all(b.period and b.period in b.text for b in panel.bars), (path, panel.title)
                series = [r for r in chart.rows if r.indicator.label.text == panel.indicator]
                assert len({r.unit for r in series}) == 1
                for ref in panel.references:
                    assert ref.area and ref.area != panel.area and ref.area in " ".join(ref.lines)
                    assert ref.period in " ".join(ref.lines)
                    references += 1
                checked += 1
            assert rows
    assert checked >= 6 and references >= 1
    physicians = build_chart(page(store, "def/indicator/practising-physicians-per-1000").observations)
    panel = physicians.panels[0]
    assert [b.area for b in panel.bars] == ["Dalian"] and [r.area for r in panel.references] == ["China"]


def test_bars_run_in_time_order(store):
    chart = build_chart(page(store, "id/org/dalian-civil-affairs-bureau").observations)
    for panel in chart.panels:
        years = [int(b.period[:4]) for b in panel.bars if b.period[:4].isdigit()]
        assert years == sorted(years), panel.title


def test_a_parent_indicator_shows_its_sub_indicators_figures(store):
    """最低生活保障标准 has no observations of its own: its page shows the urban and rural series together."""
    built = page(store, "def/indicator/minimum-living-standard")
    indicators = {row.indicator.iri.rsplit("/", 1)[-1] for row in built.observations}
    assert {"urban-minimum-living-standard", "rural-minimum-living-standard"} <= indicators
    assert built.chart is not None and len(built.chart.panels) >= 2
    widths = {b.text: b.width for p in built.chart.panels for b in p.bars}
    assert len(set(widths.values())) == len(widths), "one scale for both series: 540 < 750 < 805 < 972"


def test_observation_page(store):
    obs = store.select("SELECT ?o WHERE { ?o a <http://purl.org/linked-data/cube#Observation> } LIMIT 1")[0]["o"]
    built = build_entity_page(store, obs.value, "zh")
    assert built.is_observation and built.observation is not None
    o = built.observation
    assert o.value and o.period and o.kind and o.quote and o.source_href


def test_article_page_byline_and_links_back_to_statements(store):
    built = page(store, "id/article/neusoft")
    article = built.article
    assert article is not None and article.authors and article.publisher and article.page
    evidence = [f for f in article.facts if f.kind == "evidence" and f.found]
    assert evidence and all("#" in f.target.href for f in evidence)
    # each span's target is a statement anchor on its subject's page
    for fact in evidence[:8]:
        path, anchor = fact.target.href.split("#")
        target = page(store, path.lstrip("/"))
        anchors = {s.anchor for gs in (target.statements.asserted, target.statements.inferred,
                                       target.statements.inbound) for g in gs for s in g.statements}
        assert anchor in anchors, (fact.quote, fact.target.href)


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
    first = page(store, "id/article/health", "zh").article
    anchor = next(f.anchor for f in first.facts if f.found)
    view = page(store, "id/article/health", "zh", highlight=anchor).article
    current = [seg for para in view.paragraphs for seg in para if seg.current]
    assert current and all(anchor in {f.anchor for f in view.facts} for _ in current)


def test_observation_quote_anchor_matches_article(store):
    """The link from an observation's quote lands on a mark of the article page."""
    built = page(store, "id/org/dalian-health-commission", "zh")
    row = next(o for o in built.observations if o.source_href)
    slug = row.source_href.split("?")[0].rsplit("/", 1)[-1]
    view = build_article_view(store, store.base + f"id/article/{slug}", "zh", "")
    assert quote_anchor(row.link.iri) in {f.anchor for f in view.facts if f.found}


def test_one_round_trip_per_page(store):
    """An entity page asks the store once: the page query (the per-data-version tables, labels included, are warm);
    an observation's page twice (its own row)."""
    counting = CountingStore(store)
    paths = ("id/org/neusoft", "id/org/dalian-civil-affairs-bureau", "def/indicator/life-expectancy",
             "id/article/health", "id/obs/life-expectancy-2025", "id/period/2025", "id/org/neusoft-institute")
    for path in paths:
        page(counting, path)  # warms the per-data-version tables (labels, units, inverses, article texts)
    trips = []
    for path in paths:
        counting.calls.clear()
        built = page(counting, path)
        trips.append(len(counting.calls))
        assert len(counting.calls) == (2 if built.is_observation else 1), path
    assert set(trips) == {1, 2}


def test_pages_are_fast_on_the_real_graph(store):
    """Building the view-model on the real graph takes milliseconds (5-15 ms; the HTTP timings at 1 M triples are
    bench/pages_http.py's). CPU time of this process, the best of seven: the shared machine's load does not count."""
    for path in ("id/org/neusoft", "id/org/dalian-civil-affairs-bureau", "def/indicator/life-expectancy",
                 "id/article/health"):
        page(store, path)
        samples = []
        for _ in range(7):
            start = time.process_time()
            page(store, path)
            samples.append(time.process_time() - start)
        assert min(samples) < 0.1, (path, samples)


def test_hub_pages_are_paged(store):
    first = page(store, "id/period/2025")
    assert len(first.observations) == 50 and first.pager.has_next and not first.pager.has_previous
    second = page(store, "id/period/2025", page=2)
    assert second.pager.has_previous
    assert not {o.link.iri for o in first.observations} & {o.link.iri for o in second.observations}


def test_paragraphs_cover_the_text():
    article = load_articles(Settings().articles_dir)["health"]
    spans = paragraph_spans(article.body)
    assert spans[0][0] == 0 and spans[-1][1] == len(article.text)


def test_search_finds_chinese_english_and_pinyin_first(store):
    neusoft = store.base + "id/org/neusoft"
    for text in ("东软", "neusoft", "Neusoft", "NEUSOFT", "dongruan", "dong ruan"):
        found = [e.iri for e in find_entities(store, text)]
        assert found[0] == neusoft, (text, found[:3])
    assert all(e.local for e in find_entities(store, "a"))


def test_ontology_and_class_pages(store):
    classes, properties = build_ontology_terms(store, "en")
    agency = next(c for c in classes if c.iri.endswith("#GovernmentAgency"))
    assert agency.depth > 0 and agency.definition_en
    assert any(p.domains or p.ranges for p in properties)
    members = build_class_members(store, store.base + "def/ontology#GovernmentAgency", "zh")
    assert any(m.link.href == "/id/org/dalian-health-commission" for m in members)


def test_key_figures_never_set_areas_against_each_other(store):
    """Dalian's 4.0 physicians per 1,000 is one card; China's planning standard is a labelled reference on it."""
    figures = page(store, "def/indicator/practising-physicians-per-1000").figures
    assert len(figures) == 1 and figures[0].area.label.text == "Dalian"
    assert figures[0].references and figures[0].references[0].startswith("China · 2025 · target")


def test_long_value_lists_are_cut_and_counted(store):
    """A property with more values than a page lists shows the first ones and says how many there are."""
    from kg.views import statements

    built = page(store, "id/division/210200")
    longest = max((g for gs in (built.statements.asserted, built.statements.inferred) for g in gs),
                  key=lambda g: g.total)
    assert len(longest.statements) <= statements.MAX_VALUES and longest.total >= len(longest.statements)


def assert_parts_answer_like_the_whole(store: Store, text: str, parts: int) -> tuple[list[str], list]:
    """kg.queries.union_parts cuts ``text`` at its top-level UNION into ``parts`` queries (a remote store runs them
    apart): together they answer the whole's rows. Returns the parts and the whole's rows."""
    from kg.queries import union_parts

    cut = union_parts(text)
    assert len(cut) == parts
    whole = store.select(text)
    assert bag([row for part in cut for row in store.select(part)]) == bag(whole)
    return cut, whole


@pytest.mark.parametrize("path", ["id/org/neusoft", "id/article/health", "id/period/2025",
                                  "def/indicator/life-expectancy", "id/obs/life-expectancy-2025"])
def test_the_page_query_splits_into_parts_that_answer_like_the_whole(store: Store, path: str) -> None:
    from kg.views.entity import page_query

    _, whole = assert_parts_answer_like_the_whole(store, page_query(store.base, store.base + path, 1), 7)
    assert whole


def test_a_page_asks_for_every_part_that_has_rows(store: Store) -> None:
    """For every subject of the graph, the page query's parts that have rows are among those kg.views.page_parts
    asks for (an observation's own row apart: the page asks for it once it sees the type), and each optional part is
    left out for some subject, so a page built from the parts asked for is the page built from all of them."""
    from kg.views.entity import QB_OBSERVATION, page_query
    from kg.views.page_parts import OPTIONAL, page_parts

    subjects = [row["s"].value for row in store.select("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }")]
    observations = {row["s"].value for row in store.select(f"SELECT ?s WHERE {{ ?s a <{QB_OBSERVATION}> }}")}
    assert len(subjects) > 500 and observations
    left_out = {part: 0 for part in OPTIONAL}
    for iri in subjects:
        asked = page_parts(store, iri, hub=False)
        with_rows = {row["part"].value for row in store.select(page_query(store.base, iri, 1, parts=OPTIONAL))}
        assert with_rows - asked <= ({"obs"} if iri in observations else set()), iri
        for part in OPTIONAL - asked:
            left_out[part] += 1
    assert all(left_out.values()), left_out


class NoPartTable(CountingStore):
    """The real store, but the table of part holders fails (refused, timed out) or is cut short."""

    def __init__(self, store: Store, *, cut: bool) -> None:
        super().__init__(store)
        self.cut = cut

    def select(self, text, bindings=None, **kwargs):
        from kg.errors import QueryTimeout
        from kg.queries import query

        if text == query("entity_part_holders", self.base) and not self.cut:
            raise QueryTimeout("the store gave up")
        return super().select(text, bindings, **kwargs)


@pytest.mark.parametrize("cut", [False, True])
def test_without_the_part_table_a_page_asks_for_every_part(store: Store, monkeypatch, cut: bool) -> None:
    """When the store fails to give the table whole (an error, or as many rows as the cap), every part is asked for
    and the pages are the same."""
    from kg.views import page_parts

    if cut:
        monkeypatch.setattr(page_parts, "MOST_HOLDERS", 10)
    failing = NoPartTable(store, cut=cut)
    for path in ("id/org/neusoft", "id/article/health", "def/indicator/life-expectancy", "id/org/neusoft-institute"):
        failing.calls.clear()
        built = page(failing, path)
        asked = [c for c in failing.calls if 'AS ?part)' in c and "entity_part_holders" not in c]
        assert all(f'BIND("{part}" AS ?part)' in asked[-1] for part in page_parts.OPTIONAL), path
        assert summary_of(built) == summary_of(page(store, path)), path


def summary_of(built) -> tuple:
    return (built.title, [(g.prop.iri, g.total, [s.link.iri if s.link else s.text for s in g.statements])
                          for gs in (built.statements.asserted, built.statements.inferred) for g in gs],
            [(o.link.iri, o.value) for o in built.observations], len(built.article.facts) if built.article else 0)


def test_the_part_table_follows_the_same_observation_links_as_the_page_query() -> None:
    """entity_part_holders.rq repeats the "obs" part's list of an observation's own properties: they must not
    drift."""
    from kg.queries import query

    in_filter = query("entity_page").split("FILTER(?link IN (", 1)[1].split("))", 1)[0]
    in_values = query("entity_part_holders").split("VALUES ?link {", 1)[1].split("}", 1)[0]
    assert {t.strip() for t in in_filter.split(",")} == set(in_values.split()) and len(in_values.split()) == 11


def test_the_ontology_terms_query_splits_into_parts_that_answer_like_the_whole(store: Store) -> None:
    """The class and ontology pages' terms query is sent in its two parts to a remote store (Virtuoso refused it
    whole on some starts, its cost estimate over its limit)."""
    from kg.queries import query

    parts, whole = assert_parts_answer_like_the_whole(store, query("ontology_terms", store.base), 2)
    assert all("UNION" not in part for part in parts) and len(whole) > 1000


@pytest.mark.parametrize("path", ["id/org/dalian-education-bureau", "id/program/dengfeng-plan"])
def test_the_page_query_reads_no_links_to_observations(store, path):
    """An agency's page lists its observations in their table; its query's outgoing part skips the links to them
    (dkg:responsibleFor, dkg:measuredBy: 539 rows for a synthetic organisation at 1 M triples, shown nowhere), which
    the store does hold, and the page still shows the observations and its other statements."""
    from kg.queries import query
    from kg.views.entity import page_query
    from kg.views.statements import OBSERVATION_LINKS

    iri, dkg = store.base + path, store.base + "def/ontology#"
    links = {dkg + name for name in OBSERVATION_LINKS}
    held = store.select(f"SELECT ?p WHERE {{ <{iri}> ?p ?o }}")
    assert links & {row["p"].value for row in held}, "the control: the entity has links to observations"
    rows = store.select_union(page_query(store.base, iri, 1))
    out = {row["p"].value for row in rows if row["part"].value == "out"}
    assert out and not out & links
    built = page(store, path)
    assert built.observations and built.statements
    # the query's filter names the same links statements hides, from one list
    text = query("entity_page", store.base)
    assert re.search(r"FILTER\(\?p NOT IN \(" + ", ".join(f"dkg:{n}" for n in OBSERVATION_LINKS) + r"\)\)", text)

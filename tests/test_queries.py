"""The example queries in queries/*.rq: headers, prefixes, and an answer for each one worked out from the text.

Every expected answer below was read off data/articles/*.txt by hand (the comment next to it quotes the
sentence), not copied from a query run. Where the graph disagrees with the text the test is marked
``xfail(strict=True)`` with the mismatch as its reason: the graph is what has to change, and the strict marker
turns into a failure as soon as it does, so the marker is removed with the fix.

Queries are written against the canonical base; :func:`query_text` moves them to the base of the store they run
on. Answers are compared after normalising terms: project IRIs by their path after the base, other IRIs as they
are, numbers as :class:`~decimal.Decimal`, language-tagged literals as (text, lang), booleans as bool.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery

from kg.config import Settings
from kg.graph.articles import load_articles
from kg.graph.build import build_dataset
from kg.namespaces import CANONICAL_BASE, prefixes_for

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC_TYPES = {XSD + name for name in (
    "decimal", "integer", "int", "long", "short", "byte", "double", "float", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
)}


def all_queries() -> list[Path]:
    return sorted(QUERIES.glob("*.rq"))


def is_federated(path: Path) -> bool:
    return path.name.startswith("federation-")


def local_queries() -> list[Path]:
    return [path for path in all_queries() if not is_federated(path)]


def query_text(name: str, base: str = CANONICAL_BASE) -> str:
    """The query file's text with the canonical base moved to ``base``."""
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8").replace(CANONICAL_BASE, base)


# ---------------------------------------------------------------- term normalisation


def norm_iri(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base) else iri


def norm_literal(value: str, datatype: str | None, lang: str | None) -> object:
    if lang:
        return (value, lang.lower())
    if datatype in NUMERIC_TYPES:
        return Decimal(value)
    if datatype == XSD + "boolean":
        return value in ("true", "1")
    return value


def norm_ox(term: object, base: str) -> object:
    """A pyoxigraph term as a plain comparable value."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return norm_iri(term.value, base)
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Literal):
        return norm_literal(term.value, term.datatype.value if term.datatype else None, term.language)
    raise TypeError(term)


def norm_json(term: dict | None, base: str) -> object:
    """A term of SPARQL 1.1 Query Results JSON as a plain comparable value."""
    if term is None:
        return None
    if term["type"] == "uri":
        return norm_iri(term["value"], base)
    if term["type"] == "bnode":
        return "_:"
    lang = term.get("xml:lang")
    datatype = term.get("datatype") or (None if lang else XSD + "string")
    return norm_literal(term["value"], datatype, lang)


def norm_rdflib(term: object, base: str) -> object:
    if isinstance(term, URIRef):
        return norm_iri(str(term), base)
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, Literal):
        return norm_literal(str(term), str(term.datatype) if term.datatype else None, term.language)
    raise TypeError(term)


# ---------------------------------------------------------------- running queries locally


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """The reasoned built-in graph under the canonical base, in an in-memory pyoxigraph store."""
    settings = Settings.from_env(base_iri=CANONICAL_BASE)
    loaded = ox.Store()
    loaded.bulk_load(build_dataset(settings).read_bytes(), ox.RdfFormat.N_QUADS)
    return loaded


def run(store: ox.Store, name: str) -> object:
    return store.query(query_text(name), use_default_graph_as_union=True)


def select(store: ox.Store, name: str) -> list[tuple]:
    """Rows of a SELECT query in order, each a tuple in projection order."""
    solutions = run(store, name)
    assert isinstance(solutions, ox.QuerySolutions), f"{name} is not a SELECT query"
    names = [variable.value for variable in solutions.variables]
    return [tuple(norm_ox(solution[n], CANONICAL_BASE) for n in names) for solution in solutions]


def triples(store: ox.Store, name: str) -> set[tuple]:
    result = run(store, name)
    assert isinstance(result, ox.QueryTriples), f"{name} is not a graph query"
    return {tuple(norm_ox(term, CANONICAL_BASE) for term in (t.subject, t.predicate, t.object)) for t in result}


def zh(text: str) -> tuple[str, str]:
    return (text, "zh")


def en(text: str) -> tuple[str, str]:
    return (text, "en")


D = Decimal
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ORG = "http://www.w3.org/ns/org#"
DKG = "def/ontology#"


# ---------------------------------------------------------------- files: headers, prefixes, syntax

HEADER = (re.compile(r"# title@zh: \S.*"), re.compile(r"# title@en: \S.*"), re.compile(r"# description: \S.*"))


def test_there_are_enough_examples() -> None:
    assert len(local_queries()) >= 22
    assert len([path for path in all_queries() if is_federated(path)]) >= 2


@pytest.mark.parametrize("path", all_queries(), ids=lambda p: p.stem)
def test_header_lines(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    for line, pattern in zip(lines[:3], HEADER, strict=True):
        assert pattern.fullmatch(line), f"{path.name}: {line!r} does not match {pattern.pattern!r}"
    assert re.match(r"# description: [A-Z]", lines[2]), "the description line is an English sentence"


@pytest.mark.parametrize("path", all_queries(), ids=lambda p: p.stem)
def test_federation_marker(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    has_service = re.search(r"\bSERVICE\b", "\n".join(line for line in text.splitlines() if not line.startswith("#")))
    if is_federated(path):
        assert f"# federated: {WIKIDATA_SPARQL}" in header
        assert has_service and WIKIDATA_SPARQL in text
    else:
        assert not has_service, f"{path.name} calls a SERVICE but is not named federation-*.rq"
        assert not any(line.startswith("# federated:") for line in header)


@pytest.mark.parametrize("path", all_queries(), ids=lambda p: p.stem)
def test_prefixes_are_the_projects(path: Path) -> None:
    expected = prefixes_for(CANONICAL_BASE)
    declared = re.findall(r"^PREFIX\s+([\w-]*):\s*<([^>]*)>", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert declared, f"{path.name} declares no prefixes"
    for name, iri in declared:
        assert expected.get(name) == iri, f"{path.name}: PREFIX {name}: <{iri}> is not namespaces.prefixes_for()"


@pytest.mark.parametrize("path", all_queries(), ids=lambda p: p.stem)
def test_parses(path: Path) -> None:
    parseQuery(path.read_text(encoding="utf-8"))


def test_every_local_query_has_a_test() -> None:
    """Each queries/NAME.rq has a test_NAME (dashes as underscores) below with its answer from the text."""
    untested = [p.name for p in local_queries() if not callable(globals().get("test_" + p.stem.replace("-", "_")))]
    assert not untested


# ---------------------------------------------------------------- answers, from the text



def test_minimum_living_standards(store: ox.Store) -> None:
    # 城市居民最低生活保障标准由每人每月750元提高至972元，农村居民最低生活保障标准由每人每月540元提高至805元
    rows = {(indicator, start, end, increase) for indicator, _label, start, end, increase
            in select(store, "minimum-living-standards")}
    assert rows == {
        ("def/indicator/urban-minimum-living-standard", D(750), D(972), D(222)),
        ("def/indicator/rural-minimum-living-standard", D(540), D(805), D(265)),
    }


def test_health_indicators(store: ox.Store) -> None:
    # Every figure of the health article (01-health.txt), as printed, with the period it refers to:
    # 十四五 unless the text dates it (2024年实现全域覆盖——拥有国家卫生城市1个、卫生县3个、卫生乡镇6个;
    # “十四五”期末，每千人口婴幼儿托位数将达4.5个 is the end year 2025).
    p = "id/period/2021-2025"
    expected = {
        ("82.45岁", D("82.45"), p), ("2.11‰", D("2.11"), p), ("2.56‰", D("2.56"), p), ("5.95/10万", D("5.95"), p),
        ("5亿元", D(500000000), p), ("三年", D(3), p), ("逾三十年", D(30), p),
        ("1个", D(1), "id/period/2024"), ("3个", D(3), "id/period/2024"), ("6个", D(6), "id/period/2024"),
        ("6.91张", D("6.91"), p), ("4.0名", D(4), p), ("3.2名", D("3.2"), p),
        ("16个", D(16), p), ("31个", D(31), p), ("107个", D(107), p), ("184个", D(184), p),
        ("15 个", D(15), p), ("4.5个", D("4.5"), "id/period/2025"), ("19家", D(19), p),
    }
    rows = select(store, "health-indicators")
    got = Counter((printed[0], value, period) for _i, _l, value, printed, _kind, period in rows)
    assert got == Counter(expected)
    life = [row for row in rows if row[0] == "def/indicator/life-expectancy"]
    assert [(value, kind) for _i, _l, value, _p, kind, _per in life] == [(D("82.45"), "def/value-kind/reached")]


AI_ALLIANCE_MEMBERS = {
    # 大连东软信息学院与华南理工大学、西安电子科技大学、厦门大学、北京航空航天大学、哈尔滨工业大学、
    # 大连理工大学、深圳市易星标技术有限公司等同列其中 (the alliance 由70所高校与企业强强联合)
    ("id/org/neusoft-institute", zh("大连东软信息学院")),
    ("id/org/south-china-university-of-technology", zh("华南理工大学")),
    ("id/org/xidian-university", zh("西安电子科技大学")),
    ("id/org/xiamen-university", zh("厦门大学")),
    ("id/org/beihang-university", zh("北京航空航天大学")),
    ("id/org/harbin-institute-of-technology", zh("哈尔滨工业大学")),
    ("id/org/dlut", zh("大连理工大学")),
    ("id/org/shenzhen-yixingbiao-technology", zh("深圳市易星标技术有限公司")),
}


def test_ai_alliance_members(store: ox.Store) -> None:
    assert set(select(store, "ai-alliance-members")) == AI_ALLIANCE_MEMBERS


def test_agency_programs(store: ox.Store) -> None:
    # 实施医学重点专科“登峰计划” (卫健委); 实施“技能大连”行动 / 高校毕业生“万岗计划” / 连续举办“春风行动” /
    # 实施全民参保计划 (人社部门); 实施美育浸润行动 (教育局).
    rows = {(agency, program) for agency, _a, program, _p in select(store, "agency-programs")}
    assert rows == {
        ("id/org/dalian-health-commission", "id/program/dengfeng-plan"),
        ("id/org/dalian-hrss-bureau", "id/program/skilled-dalian"),
        ("id/org/dalian-hrss-bureau", "id/program/ten-thousand-jobs-plan"),
        ("id/org/dalian-hrss-bureau", "id/program/spring-breeze-campaign"),
        ("id/org/dalian-hrss-bureau", "id/program/universal-social-insurance-enrolment-plan"),
        ("id/org/dalian-education-bureau", "id/program/aesthetic-education-immersion"),
    }


def test_neusoft_market_share(store: ox.Store) -> None:
    # 高工智能汽车研究院最新发布《…供应商份额榜单（2020年-2025年1-5月）》显示，东软集团以14.58%的市场份额稳居行业第一
    assert select(store, "neusoft-market-share") == [
        (D("14.58"), D(1), "id/org/gaogong-intelligent-vehicle-institute", zh("高工智能汽车研究院"),
         "id/period/2020-2025-05"),
    ]


def test_reporters_articles(store: ox.Store) -> None:
    # The byline of each article (记者赖莹 …); 唐东丽 wrote two, the lead has no byline.
    rows = {(name[0], headline[0]) for _r, name, _a, headline in select(store, "reporters-articles")}
    assert rows == {
        ("赖莹", "人均预期寿命达82.45岁"),
        ("卢真珍", "东软以科技硬实力领跑智能汽车互联赛道"),
        ("唐东丽", "聚焦民生，民政事业高质量发展"),
        ("唐东丽", "年均城镇新增就业13万人"),
        ("栾光煜", "立德树人结硕果教育强市谱新篇"),
        ("仰山", "织密保障网提升获得感"),
        ("孙霞", "教育部AI实验教学数字化联盟成立"),
    }


def test_largest_growth(store: ox.Store) -> None:
    # Every “由X提高至/增加到Y” in the text: 城市低保 750→972, 农村低保 540→805, 孤儿养育 2340→2916 and
    # 1605→2644 (集中/散居), 社会组织 4770→5359 家, 企业退休人员基本养老金 223→264 元.
    pairs = [(D(750), D(972)), (D(540), D(805)), (D(2340), D(2916)), (D(1605), D(2644)),
             (D(4770), D(5359)), (D(223), D(264))]
    by_growth = sorted(pairs, key=lambda p: (p[1] - p[0]) / p[0], reverse=True)
    expected = [(b, r, ((r - b) / b * 100).quantize(D("0.01"))) for b, r in by_growth]
    rows = select(store, "largest-growth")
    assert [(b, r, g.quantize(D("0.01"))) for _i, _l, b, r, g in rows] == expected
    assert expected[0][2] == D("64.74")  # 散居孤儿养育标准 1605→2644


LOCATED_IN_DALIAN = {
    # places: 瓦房店市和旅顺口区 (counties of the city), 金普新区, 高新区; 金州区 is in the design contract
    ("id/division/210281", "place"), ("id/division/210212", "place"), ("id/division/210213", "place"),
    ("id/place/jinpu-new-area", "place"), ("id/place/dalian-high-tech-zone", "place"),
    # organisations: 大连市委、市政府; the city's 人社局、教育局、卫健委、民政局、医保局 and 大连市科技局 (and its
    # 高新处); 大连新闻传媒集团; 大连理工大学; 大连东软信息学院; 大连市第八中学; 金普新区市域产教联合体;
    # 大连作为东软的核心研发基地之一.
    ("id/org/dalian-government", "organization"), ("id/org/dalian-party-committee", "organization"),
    ("id/org/dalian-hrss-bureau", "organization"), ("id/org/dalian-education-bureau", "organization"),
    ("id/org/dalian-health-commission", "organization"), ("id/org/dalian-civil-affairs-bureau", "organization"),
    ("id/org/dalian-medical-insurance-bureau", "organization"), ("id/org/dalian-science-bureau", "organization"),
    ("id/org/dalian-science-bureau-high-tech-division", "organization"),
    ("id/org/dalian-news-media-group", "organization"), ("id/org/dlut", "organization"),
    ("id/org/neusoft-institute", "organization"), ("id/org/dalian-no-8-middle-school", "organization"),
    ("id/org/jinpu-new-area-industry-education-consortium", "organization"),
    ("id/org/neusoft-dalian-rd-base", "organization"),
}


def test_located_in_dalian(store: ox.Store) -> None:
    assert {(thing, kind) for thing, _name, kind in select(store, "located-in-dalian")} == LOCATED_IN_DALIAN


def test_observations_per_agency(store: ox.Store) -> None:
    # Figures counted in each article by hand. 卫健委: 20 in 01-health; 民政局: 33 in 03-civil-affairs;
    # 人社局: 16 in 05-human-resources; 医保局: 17 in 06-medical-insurance; 科技局: 1000万元/500万元/5000万元
    # in 02-neusoft; 教育局: 39 in 04-education minus the three about 大连理工大学's own disciplines
    # (4个学科进入ESI前1‰, 工程学…前万分之一), which are the university's.
    rows = select(store, "observations-per-agency")
    assert {(agency, count) for agency, _name, count in rows} == {
        ("id/org/dalian-education-bureau", D(36)), ("id/org/dalian-civil-affairs-bureau", D(33)),
        ("id/org/dalian-health-commission", D(20)), ("id/org/dalian-medical-insurance-bureau", D(17)),
        ("id/org/dalian-hrss-bureau", D(16)), ("id/org/dalian-science-bureau", D(3)),
    }
    assert [count for _a, _n, count in rows] == sorted((count for _a, _n, count in rows), reverse=True)


def test_money_by_agency(store: ox.Store) -> None:
    # Sums of money in plain yuan (standards per person per month excluded):
    # 民政局 4.25亿元 + 8.8亿元 + 超4.41亿元 + 1053万元; 人社局 10.8亿元; 卫健委 5亿元;
    # 医保局 4.09亿元 + 2439.27万元; 科技局 1000万元 + 500万元 + 5000万元.
    rows = select(store, "money-by-agency")
    expected = {
        "id/org/dalian-civil-affairs-bureau": (D("4.25e8") + D("8.8e8") + D("4.41e8") + D("1053e4"), 4),
        "id/org/dalian-hrss-bureau": (D("10.8e8"), 1),
        "id/org/dalian-health-commission": (D("5e8"), 1),
        "id/org/dalian-medical-insurance-bureau": (D("4.09e8") + D("2439.27e4"), 2),
        "id/org/dalian-science-bureau": (D("1000e4") + D("500e4") + D("5000e4"), 3),
    }
    assert {org: (total, int(n)) for org, total, n in rows} == expected
    assert rows[0][0] == "id/org/dalian-civil-affairs-bureau" and rows[0][1] == D(1756530000)


def test_cumulative_totals(store: ox.Store) -> None:
    # 2021 至 2024 年累计向困难群众提供医疗救助124.31万人次; 门诊共济保障机制自2023年实施以来，累计享受待遇
    # 5585.89万人次; “比价神器”2023年上线以来累计使用1519.5万次; 智能监管系统2023 年上线以来累计完成事前提醒
    # 832.2万次，事中拦截82.01万次.
    rows = [(period, value, printed[0]) for period, _i, _l, value, printed in select(store, "cumulative-totals")]
    assert rows == [
        ("id/period/2021-2024", D(1243100), "124.31万人次"),
        ("id/period/2023-onward", D(55858900), "5585.89万人次"),
        ("id/period/2023-onward", D(15195000), "1519.5万次"),
        ("id/period/2023-onward", D(8322000), "832.2万次"),
        ("id/period/2023-onward", D(820100), "82.01万次"),
    ]


def test_plan_targets(store: ox.Store) -> None:
    # “十四五”期末，每千人口婴幼儿托位数将达4.5个; 执业医师数4.0名，超过国家3.2名规划标准.
    rows = {(indicator, value, printed[0], period) for indicator, _l, value, printed, period
            in select(store, "plan-targets")}
    assert rows == {
        ("def/indicator/childcare-places-per-1000", D("4.5"), "4.5个", "id/period/2025"),
        ("def/indicator/practising-physicians-per-1000", D("3.2"), "3.2名", "id/period/2021-2025"),
    }


def test_dalian_awards(store: ox.Store) -> None:
    # 入选国家公立医院改革与高质量发展示范城市; 连续三年获评省医改成效突出地区; 蝉联“国家卫生城市”;
    # 承担基础教育综合改革实验区、国家义务教育教学改革实验区; 青少年校园足球高水平综合改革试点区;
    # 东北唯一医保基金即时结算改革试点城市; 被列为“全国医保反欺诈大数据应用试点城市”和
    # “全国医保基金智能监管改革试点城市”. Titles and pilots are designations; the two honours are not.
    rows = {(award, designation) for award, _name, designation in select(store, "dalian-awards")}
    assert rows == {
        ("id/award/national-public-hospital-reform-demonstration-city", True),
        ("id/award/provincial-outstanding-medical-reform-area", False),
        ("id/award/national-health-city", False),
        ("id/award/basic-education-comprehensive-reform-experimental-zone", True),
        ("id/award/national-compulsory-education-teaching-reform-experimental-zone", True),
        ("id/award/youth-campus-football-reform-pilot-zone", True),
        ("id/award/medical-insurance-fund-instant-settlement-reform-pilot-city", True),
        ("id/award/national-medical-insurance-anti-fraud-big-data-pilot-city", True),
        ("id/award/national-medical-insurance-fund-smart-supervision-reform-pilot-city", True),
    }


def test_people_posts(store: ox.Store) -> None:
    # 东软汽车电子研究院院长李春林; 大连市科技局高新处副处长侯志芳; 习近平总书记; six bylines 大连新闻传媒集团记者…
    media = "id/org/dalian-news-media-group"
    rows = {(name[0], title[0], organization) for _p, name, title, organization, _o in select(store, "people-posts")}
    assert rows == {
        ("李春林", "院长", "id/org/neusoft-automotive-electronics-institute"),
        ("侯志芳", "副处长", "id/org/dalian-science-bureau-high-tech-division"),
        ("习近平", "总书记", "id/org/cpc-central-committee"),
        ("赖莹", "记者", media), ("卢真珍", "记者", media), ("唐东丽", "记者", media),
        ("栾光煜", "记者", media), ("仰山", "记者", media), ("孙霞", "记者", media),
    }


def test_neusoft_customers(store: ox.Store) -> None:
    # 产品主要供应国内的头部品牌，如吉利、长城、红旗、奇瑞等，以及奥迪、沃尔沃、保时捷等国际车企
    rows = {name[0] for _c, name, _en in select(store, "neusoft-customers")}
    assert rows == {"吉利", "长城", "红旗", "奇瑞", "奥迪", "沃尔沃", "保时捷"}


def test_more_than_figures(store: ox.Store) -> None:
    # Every figure printed with 超/逾/余/多/以上 on the page (以上 after 本科及/四级 qualifies a degree or a
    # level, not the figure; 近 is "nearly" and 不低于 "at least").
    expected = Counter({
        "逾三十年": "health", "20余家": "neusoft", "130余款": "neusoft", "50余家": "neusoft",
        "30余万人次": "civil-affairs", "150万余人次": "civil-affairs", "85周岁以上": "civil-affairs",
        "200多万人次": "civil-affairs", "超4.41亿元": "civil-affairs", "超1700个": "civil-affairs",
        "300余个": "civil-affairs", "千余件": "civil-affairs",
        "63万余人次": "human-resources", "超30%": "human-resources", "60余万人": "human-resources",
        "95%以上": "medical-insurance", "6万余人次": "medical-insurance", "超50%": "medical-insurance",
        "2000 余个": "medical-insurance", "200余所": "ai-alliance", "400余位": "ai-alliance",
    }.items())
    rows = select(store, "more-than-figures")
    assert Counter((printed[0], article.removeprefix("id/article/")) for _o, _v, printed, article in rows) == expected


def test_figure_source_sentence(store: ox.Store) -> None:
    # 居民健康水平实现历史性突破，人均预期寿命达82.45岁 — in the article headlined 人均预期寿命达82.45岁
    rows = select(store, "figure-source-sentence")
    assert [(value, quote, article, headline) for _o, value, quote, article, headline in rows] == [
        (D("82.45"), zh("人均预期寿命达82.45岁"), "id/article/health", zh("人均预期寿命达82.45岁")),
    ]
    health = load_articles(Settings().articles_dir)["health"]
    assert rows[0][2][0] in health.text


ORGANIZATIONS_BY_TYPE = {
    # lead: 大连市委、市政府, 市人社局、教育局、卫健委、民政局、医保局; health: 省政府; neusoft: 东软集团及旗下子公司,
    # 高工智能汽车研究院, 吉利/红旗/奇瑞/长城/奥迪/沃尔沃/保时捷, 东软汽车电子研究院, 大连市科技局高新处, 核心研发基地,
    # 全球产品研发和交付网络; education: 习近平总书记 (中共中央), 大连市第八中学, 国际中体联、大体联, 金普新区市域产教
    # 联合体, 大连理工大学; ai-alliance: 教育部, 电子信息教指委, 《…》共同体, the alliance and its members;
    # bylines: 大连新闻传媒集团.
    (f"{ORG}FormalOrganization", "id/org/fisu"), (f"{ORG}FormalOrganization", "id/org/isf"),
    (f"{ORG}FormalOrganization", "id/org/liaoning-government"),
    (f"{ORG}Organization", "id/org/neusoft-global-rd-delivery-network"),
    (f"{ORG}Organization", "id/org/neusoft-subsidiaries"),
    (f"{ORG}OrganizationalUnit", "id/org/dalian-science-bureau-high-tech-division"),
    (f"{ORG}OrganizationalUnit", "id/org/neusoft-dalian-rd-base"),
    (f"{DKG}Alliance", "id/org/ai-lab-alliance"),
    (f"{DKG}Alliance", "id/org/jinpu-new-area-industry-education-consortium"),
    (f"{DKG}CityGovernment", "id/org/dalian-government"),
    (f"{DKG}Committee", "id/org/ee-teaching-advisory-committee"),
    (f"{DKG}Community", "id/org/lab-teaching-digital-evaluation-community"),
    *((f"{DKG}Company", f"id/org/{key}") for key in (
        "audi", "chery", "geely", "great-wall-motor", "hongqi", "neusoft", "porsche",
        "shenzhen-yixingbiao-technology", "volvo-cars")),
    *((f"{DKG}GovernmentAgency", f"id/org/{key}") for key in (
        "dalian-civil-affairs-bureau", "dalian-education-bureau", "dalian-health-commission", "dalian-hrss-bureau",
        "dalian-medical-insurance-bureau", "dalian-science-bureau")),
    (f"{DKG}MediaOrganization", "id/org/dalian-news-media-group"),
    (f"{DKG}Ministry", "id/org/ministry-of-education"),
    (f"{DKG}PartyCommittee", "id/org/cpc-central-committee"),
    (f"{DKG}PartyCommittee", "id/org/dalian-party-committee"),
    (f"{DKG}ResearchInstitute", "id/org/gaogong-intelligent-vehicle-institute"),
    (f"{DKG}ResearchInstitute", "id/org/neusoft-automotive-electronics-institute"),
    (f"{DKG}School", "id/org/dalian-no-8-middle-school"),
    *((f"{DKG}University", f"id/org/{key}") for key in (
        "beihang-university", "dlut", "harbin-institute-of-technology", "neusoft-institute",
        "south-china-university-of-technology", "xiamen-university", "xidian-university")),
}


def test_organizations_by_type(store: ox.Store) -> None:
    rows = select(store, "organizations-by-type")
    assert {(kind, organization) for kind, organization, _name in rows} == ORGANIZATIONS_BY_TYPE
    assert len(rows) == len(ORGANIZATIONS_BY_TYPE), "one most specific type per organisation"


def test_agency_labels(store: ox.Store) -> None:
    # The full names of the agencies the page abbreviates (市卫健委, 市人社局, …); English names must exist.
    rows = select(store, "agency-labels")
    assert {(agency, name) for agency, name, _en in rows} == {
        ("id/org/dalian-health-commission", zh("大连市卫生健康委员会")),
        ("id/org/dalian-education-bureau", zh("大连市教育局")),
        ("id/org/dalian-civil-affairs-bureau", zh("大连市民政局")),
        ("id/org/dalian-hrss-bureau", zh("大连市人力资源和社会保障局")),
        ("id/org/dalian-medical-insurance-bureau", zh("大连市医疗保障局")),
        ("id/org/dalian-science-bureau", zh("大连市科学技术局")),
    }
    assert all(isinstance(name_en, tuple) and name_en[1] == "en" and name_en[0].startswith("Dalian")
               for _a, _zh, name_en in rows)


def test_datacube_slice_2024(store: ox.Store) -> None:
    # The only figures the page dates to 2024: 2024年实现全域覆盖——拥有国家卫生城市1个、卫生县3个、卫生乡镇6个
    rows = select(store, "datacube-slice-2024")
    assert [(value, printed[0]) for _o, _i, _l, value, printed in rows] == [
        (D(1), "1个"), (D(3), "3个"), (D(6), "6个"),
    ]


def test_alliance_graph(store: ox.Store) -> None:
    # 在电子信息教指委和《实验教学数字化及个性化评价体系》共同体的联合发起下 …; 大连东软信息学院作为发起单位之一
    graph = triples(store, "alliance-graph")
    alliance = "id/org/ai-lab-alliance"
    assert (alliance, RDF_TYPE, f"{DKG}Alliance") in graph
    assert (alliance, RDFS_LABEL, zh("AI实验教学数字化联盟（电子信息类）")) in graph
    for member, name in AI_ALLIANCE_MEMBERS:
        assert (alliance, f"{ORG}hasMember", member) in graph
        assert (member, RDFS_LABEL, name) in graph
    for initiator in ("id/org/ee-teaching-advisory-committee", "id/org/lab-teaching-digital-evaluation-community",
                      "id/org/neusoft-institute"):
        assert (alliance, f"{DKG}initiatedBy", initiator) in graph


def test_life_expectancy_above_80(store: ox.Store) -> None:
    # 人均预期寿命达82.45岁
    assert bool(run(store, "life-expectancy-above-80")) is True


def test_describe_neusoft(store: ox.Store) -> None:
    # 东软集团 … 产品主要供应 … 吉利、长城、红旗、奇瑞等，以及奥迪、沃尔沃、保时捷; 智能座舱、智能通讯（T-BOX）
    graph = triples(store, "describe-neusoft")
    neusoft = "id/org/neusoft"
    assert (neusoft, RDFS_LABEL, zh("东软集团")) in graph
    assert (neusoft, RDF_TYPE, f"{DKG}Company") in graph
    for customer in ("geely", "great-wall-motor", "hongqi", "chery", "audi", "volvo-cars", "porsche"):
        assert (neusoft, f"{DKG}customer", f"id/org/{customer}") in graph
    assert (neusoft, f"{DKG}produces", "id/product/smart-cockpit") in graph
    assert {s for s, _p, _o in graph} == {neusoft}


# ---------------------------------------------------------------- the same answers through HTTP


def http_answer(base_url: str, name: str) -> object:
    """Run an example on the served endpoint; results normalised against the server's own base."""
    text = query_text(name, base_url)
    form = parseQuery(text)[1].name
    graph_query = form in ("ConstructQuery", "DescribeQuery")
    accept = "text/turtle" if graph_query else "application/sparql-results+json"
    response = requests.post(base_url + "sparql", data={"query": text}, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, f"{name}: {response.status_code} {response.text[:500]}"
    if graph_query:
        graph = Graph().parse(data=response.text, format="turtle", publicID=base_url)
        return {tuple(norm_rdflib(term, base_url) for term in triple) for triple in graph}
    document = json.loads(response.text)
    if "boolean" in document:
        return document["boolean"]
    names = document["head"]["vars"]
    return Counter(tuple(norm_json(binding.get(n), base_url) for n in names)
                   for binding in document["results"]["bindings"])


def local_answer(store: ox.Store, name: str) -> object:
    result = run(store, name)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        return triples(store, name)
    return Counter(select(store, name))


@pytest.mark.parametrize("path", local_queries(), ids=lambda p: p.stem)
def test_http_answer_matches_local(server: str, store: ox.Store, path: Path) -> None:
    remote, local = http_answer(server, path.stem), local_answer(store, path.stem)
    if re.search(r"^\s*DESCRIBE\b", path.read_text(encoding="utf-8"), re.M | re.I):
        # DESCRIBE is implementation-defined (SPARQL 1.1 §16.4): pyoxigraph returns the outgoing description,
        # Virtuoso adds incoming triples; every engine must include the outgoing one.
        assert {t for t in local if not t[0].startswith("_:")} <= set(remote)
        return
    assert remote == local


@pytest.mark.parametrize("path", [p for p in all_queries() if is_federated(p)], ids=lambda p: p.stem)
def test_public_endpoint_refuses_federated_examples(server: str, path: Path) -> None:
    # The default service allow-list is empty: the query is refused before any outbound call is made.
    text = query_text(path.stem, server)
    response = requests.post(server + "sparql", data={"query": text},
                             headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert response.status_code == 403


# ---------------------------------------------------------------- the "link your data" guide's recipes (/guide/linking)


def test_link_division_codes(store: ox.Store) -> None:
    # The division codes and Wikidata items of data/links-allowlist.csv (code lists pairing code, name and Q-id);
    # 110000 (Beijing) is on the user's list but not in the graph: no row.
    assert select(store, "link-division-codes") == [
        ("210200", "id/division/210200", zh("大连市"), en("Dalian"), "http://www.wikidata.org/entity/Q74881"),
        ("210212", "id/division/210212", zh("旅顺口区"), en("Lüshunkou District"),
         "http://www.wikidata.org/entity/Q623329"),
        ("210281", "id/division/210281", zh("瓦房店市"), en("Wafangdian"), "http://www.wikidata.org/entity/Q616048"),
        ("640100", "id/division/640100", zh("银川市"), en("Yinchuan"), "http://www.wikidata.org/entity/Q211243"),
    ]


def test_link_figures_by_code(store: ox.Store) -> None:
    # 联盟在银川举行成立仪式 … 4 位院士、23位电子信息教指委委员、400余位院校领导和骨干教师，200余所高校
    rows = select(store, "link-figures-by-code")
    assert {(code, value, unit, kind) for code, _i, value, unit, kind, _p in rows} == {
        ("640100", D(4), "def/unit/person", "def/value-kind/count"),
        ("640100", D(23), "def/unit/person", "def/value-kind/count"),
        ("640100", D(400), "def/unit/person", "def/value-kind/count"),
        ("640100", D(200), "def/unit/organisation", "def/value-kind/count"),
    }
    assert {period for *_rest, period in rows} == {"id/period/2025"}


def test_link_external_ids(store: ox.Store) -> None:
    # data/links.ttl with its evidence rows: Dalian and DUT are the same things as their Wikidata/ROR records, Neusoft
    # only close (东软公司 vs 东软集团), GeoNames' Dalian is a city, not the division (seeAlso).
    sws, ror, wd = "https://sws.geonames.org/", "https://ror.org/", "http://www.wikidata.org/entity/"
    owl, skos = "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2004/02/skos/core#"
    assert set(select(store, "link-external-ids")) == {
        (f"{ror}023hj5876", "id/org/dlut", zh("大连理工大学"), f"{owl}sameAs"),
        (f"{ror}02zc84r97", "id/org/neusoft", zh("东软集团"), f"{skos}closeMatch"),
        (f"{sws}1814087/", "id/division/210200", zh("大连市"), "http://www.w3.org/2000/01/rdf-schema#seeAlso"),
        (f"{wd}Q1477368", "id/org/dlut", zh("大连理工大学"), f"{owl}sameAs"),
        (f"{wd}Q1579888", "id/org/neusoft", zh("东软集团"), f"{skos}closeMatch"),
        (f"{wd}Q74881", "id/division/210200", zh("大连市"), f"{owl}sameAs"),
    }

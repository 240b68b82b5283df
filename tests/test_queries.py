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
    settings = Settings.from_env()
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
    assert len(local_queries()) >= 55
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


#: The kinds of question issue 11 names; the cookbook (docs/cookbook.md) has at least one example of each.
QUESTION_KINDS = {
    "values-at-a-time", "change-between-baseline-and-reached", "which-rose-more", "agency-programmes",
    "members-and-roles", "customers-by-product-line", "when-started", "source-sentence", "text-only",
}


def group_of(path: Path) -> str | None:
    found = re.search(r"^# group: ([a-z][a-z-]*)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    return found.group(1) if found else None


def test_every_query_names_its_kind_of_question() -> None:
    assert [p.name for p in all_queries() if group_of(p) is None] == []
    assert {group_of(p) for p in local_queries()} >= QUESTION_KINDS


def test_the_cookbook_page_lists_every_example() -> None:
    cookbook = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    assert [p.name for p in local_queries() if f"queries/{p.name}" not in cookbook] == []


def _iris_of(node: object, found: set[URIRef]) -> None:
    """Every IRI in a SPARQL algebra tree, property paths included."""
    from rdflib.paths import Path as PropertyPath

    if isinstance(node, URIRef):
        found.add(node)
    elif isinstance(node, PropertyPath):
        for attribute in ("args", "path", "arg"):
            if hasattr(node, attribute):
                _iris_of(getattr(node, attribute), found)
    elif isinstance(node, dict):
        for value in node.values():
            _iris_of(value, found)
    elif isinstance(node, list | tuple | set):
        for value in node:
            _iris_of(value, found)


def test_the_examples_use_every_class_and_property_of_the_ontology() -> None:
    """Each class and property declared in ontology/dalian-kg.ttl (but the deprecated ones) occurs in some local
    example, and each local example has a test with its answer (test_every_local_query_has_a_test)."""
    from rdflib.namespace import OWL, RDF, RDFS
    from rdflib.plugins.sparql.algebra import translateQuery

    ontology = Graph().parse(ROOT / "ontology" / "dalian-kg.ttl", format="turtle")
    qb = "http://purl.org/linked-data/cube#"
    kinds = [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property, RDFS.Class,
             URIRef(qb + "DimensionProperty"), URIRef(qb + "AttributeProperty"), URIRef(qb + "MeasureProperty")]
    terms = {s for kind in kinds for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    terms -= set(ontology.subjects(OWL.deprecated, Literal(True)))
    assert len(terms) > 150
    used: set[URIRef] = set()
    for path in local_queries():
        _iris_of(translateQuery(parseQuery(path.read_text(encoding="utf-8"))).algebra, used)
    assert sorted(terms - used) == []


def test_every_local_query_has_a_test() -> None:
    """Each queries/NAME.rq has a test_NAME (dashes as underscores) below with its answer from the text."""
    untested = [p.name for p in local_queries() if not callable(globals().get("test_" + p.stem.replace("-", "_")))]
    assert not untested


# ---------------------------------------------------------------- answers, from the text



def test_minimum_living_standards(store: ox.Store) -> None:
    # 五年来…城市居民最低生活保障标准由每人每月750元提高至972元，农村居民最低生活保障标准由每人每月540元提高至805元:
    # the "from" value is the level before the plan (2020), the "to" value the level at its end (2025).
    rows = {(indicator, start, start_period, end, end_period, increase)
            for indicator, _label, start, start_period, end, end_period, increase
            in select(store, "minimum-living-standards")}
    assert rows == {
        ("def/indicator/urban-minimum-living-standard", D(750), "id/period/2020", D(972), "id/period/2025", D(222)),
        ("def/indicator/rural-minimum-living-standard", D(540), "id/period/2020", D(805), "id/period/2025", D(265)),
    }


def test_health_indicators(store: ox.Store) -> None:
    # Every figure of the health article (01-health.txt), as printed, with the period it refers to. The article
    # speaks of the 14th Five-Year Plan (“十四五”期间): levels it gives without a year (人均预期寿命达82.45岁,
    # 总数达到31个, 超过国家3.2名规划标准, 布局15个…) are the plan's end, 2025; what happened over the plan (获中央
    # 财政5亿元支持, 新增…16个, 新增…107个) is 2021–2025; 2024年实现全域覆盖——拥有国家卫生城市1个、卫生县3个、
    # 卫生乡镇6个 is 2024; “十四五”期末…将达4.5个 is 2025.
    p, end = "id/period/2021-2025", "id/period/2025"
    expected = {
        ("82.45岁", D("82.45"), end), ("2.11‰", D("2.11"), end), ("2.56‰", D("2.56"), end),
        ("5.95/10万", D("5.95"), end), ("5亿元", D(500000000), p), ("三年", D(3), end), ("逾三十年", D(30), end),
        ("1个", D(1), "id/period/2024"), ("3个", D(3), "id/period/2024"), ("6个", D(6), "id/period/2024"),
        ("6.91张", D("6.91"), end), ("4.0名", D(4), end), ("3.2名", D("3.2"), end),
        ("16个", D(16), p), ("31个", D(31), end), ("107个", D(107), p), ("184个", D(184), end),
        ("15 个", D(15), end), ("4.5个", D("4.5"), end), ("19家", D(19), end),
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
    # “十四五”期末，每千人口婴幼儿托位数将达4.5个; 执业医师数4.0名，超过国家3.2名规划标准; 布局 15 个县域医疗卫生
    # 次中心，2024年，首批项目已启动 (15 laid out, the first batch started): all three are for the plan's end, 2025.
    rows = {(indicator, value, printed[0], period) for indicator, _l, value, printed, period
            in select(store, "plan-targets")}
    assert rows == {
        ("def/indicator/childcare-places-per-1000", D("4.5"), "4.5个", "id/period/2025"),
        ("def/indicator/practising-physicians-per-1000", D("3.2"), "3.2名", "id/period/2025"),
        ("def/indicator/county-medical-sub-centres", D(15), "15 个", "id/period/2025"),
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
    # 东软智能座舱产品已搭载于吉利、红旗、奇瑞等…; (T-BOX) 产品主要供应国内的头部品牌，如吉利、长城、红旗、奇瑞等，以及
    # 奥迪、沃尔沃、保时捷等国际车企: seven car makers in all, each once.
    rows = select(store, "neusoft-customers")
    assert {customer for customer, _zh, _en in rows} == {
        f"id/org/{key}" for key in ("geely", "great-wall-motor", "hongqi", "chery", "audi", "volvo-cars", "porsche")}
    assert len(rows) == 7


def test_more_than_figures(store: ox.Store) -> None:
    # Every figure printed with 超/逾/余/多 on the page (近 is "nearly"; 不低于 and a trailing 以上 mean "at least":
    # 85周岁以上 and 95%以上 include 85 and 95; 以上 after 本科及/四级 qualifies a degree or a level, not the figure).
    expected = Counter({
        "逾三十年": "health", "20余家": "neusoft", "130余款": "neusoft", "50余家": "neusoft",
        "30余万人次": "civil-affairs", "150万余人次": "civil-affairs",
        "200多万人次": "civil-affairs", "超4.41亿元": "civil-affairs", "超1700个": "civil-affairs",
        "300余个": "civil-affairs", "千余件": "civil-affairs",
        "63万余人次": "human-resources", "超30%": "human-resources", "60余万人": "human-resources",
        "6万余人次": "medical-insurance", "超50%": "medical-insurance",
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
    # bylines: 大连新闻传媒集团. Not on the page: the agencies of the graph's code lists (ontology/identifiers.ttl), the
    # National Bureau of Statistics and the Shanghai Stock Exchange.
    (f"{ORG}FormalOrganization", "id/org/fisu"), (f"{ORG}FormalOrganization", "id/org/isf"),
    (f"{ORG}FormalOrganization", "id/org/liaoning-government"),
    (f"{ORG}FormalOrganization", "id/org/national-bureau-of-statistics"),
    (f"{ORG}FormalOrganization", "id/org/shanghai-stock-exchange"),
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
    # the two bodies that launched it (联合发起) and the member that was one of its 发起单位 are different roles
    initiators = {o for s, p, o in graph if s == alliance and p == f"{DKG}initiatedBy"}
    assert initiators == {"id/org/ee-teaching-advisory-committee", "id/org/lab-teaching-digital-evaluation-community"}
    assert {o for s, p, o in graph if s == alliance and p == f"{DKG}hasInitiatingUnit"} == {"id/org/neusoft-institute"}


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


# ---------------------------------------------------------------- the cookbook (issue 11): one query per kind of
# question Each expected answer below is worked out from the article text and the modelling rules of docs/design.md
# ("Modelling rules"), quoted in the comment; none is copied from a query run.

P = "id/period/"


def test_value_at_a_time(store: ox.Store) -> None:
    # 城市居民最低生活保障标准由每人每月750元提高至972元 (五年来): 750 is the level before the plan (2020), 972 at its
    # end (2025); both per person per month, as printed (每人每月).
    assert select(store, "value-at-a-time") == [
        (D(2020), D(750), en("yuan per person per month"), "def/value-kind/baseline"),
        (D(2025), D(972), en("yuan per person per month"), "def/value-kind/reached"),
    ]


def test_which_rose_more(store: ox.Store) -> None:
    # urban 750→972 (+222, 29.6 %), rural 540→805 (+265, 49.07 %): the rural standard rose more, in both measures.
    assert select(store, "which-rose-more") == [
        ("def/indicator/rural-minimum-living-standard", D(265), D("49.07")),
        ("def/indicator/urban-minimum-living-standard", D(222), D("29.6")),
    ]


HR_EMPLOYMENT = {
    # 就业方面: 就业优先政策 (就业优先战略), 实施“技能大连”行动, 高校毕业生“万岗计划”, 连续举办“春风行动”、就业援助月,
    # 零就业家庭保持动态清零, 推行“屏易近人”直播带岗、“导游式”就业服务, 大连市就业“务联网”; and the lead's 就业保障.
    "employment-first-strategy", "skilled-dalian", "ten-thousand-jobs-plan", "spring-breeze-campaign",
    "employment-assistance-month", "zero-employment-households-clearance", "livestream-job-matching",
    "tour-guide-style-employment-service", "dalian-employment-service-network",
}


def test_agency_employment_programmes(store: ox.Store) -> None:
    # The social-insurance half of the article (社会保障方面: 全民参保计划, pensions, pooling) is another area.
    rows = {programme for programme, _name in select(store, "agency-employment-programmes")}
    assert rows == {f"id/program/{key}" for key in HR_EMPLOYMENT} | {"id/initiative/lead-employment-security"}
    assert "id/program/universal-social-insurance-enrolment-plan" not in rows


def test_agency_programmes_by_broader_area(store: ox.Store) -> None:
    # 市民政局: 基本民生保障 (低保 ×2, 特困人员供养, 救助认定办法, 儿童福利院, 孤儿养育, 残疾人两项补贴, 精神障碍社区
    # 康复), 基本社会服务 (“1+N”网络, 家庭养老床位, “12+X”服务, 老年助餐, 高龄津贴, 毕业生入职养老机构补助), 脱贫攻坚
    # 和乡村振兴项目, and the lead's 社会救助 and 社会服务; not the social-organisation and charity work (招商引资, 社
    # 区发展基金, 微慈善).
    rows = dict(select(store, "agency-programmes-by-broader-area"))
    programmes = {
        "urban-minimum-living-security", "rural-minimum-living-security", "extreme-poverty-support",
        "basic-living-assistance-rules", "dalian-childrens-welfare-institute-project", "orphan-care-allowance",
        "disability-two-subsidies", "community-mental-health-rehabilitation", "home-community-elderly-care-network",
        "family-elderly-care-beds", "home-elderly-care-services-12-plus-x", "elderly-meal-assistance",
        "old-age-allowance",
        "elderly-care-graduate-employment-subsidy", "civil-affairs-poverty-alleviation-rural-revitalisation-projects",
    }
    assert set(rows) == {f"id/program/{key}" for key in programmes} | {
        "id/initiative/lead-social-assistance", "id/initiative/lead-social-services"}
    # only the areas under social protection are reported: the graduates' subsidy is also employment, not shown
    assert rows["id/program/elderly-care-graduate-employment-subsidy"] == "elderly-care"
    assert rows["id/initiative/lead-social-services"] == "social-protection"


def test_alliance_roles(store: ox.Store) -> None:
    # 在电子信息教指委和…共同体的联合发起下 (both bodies of 教育部); 大连东软信息学院作为发起单位之一; 该联盟由70所高
    # 校与企业强强联合，大连东软信息学院与华南理工大学…深圳市易星标技术有限公司等同列其中; 秉持“共创、共建、共享、共长
    # ”的理念.
    rows = select(store, "alliance-roles")
    moe = "id/org/ministry-of-education"
    by_role: dict[str, set] = {}
    for organization, role, kind, parent, slogan in rows:
        by_role.setdefault(role, set()).add((organization, kind.removeprefix(DKG), parent))
        assert slogan == zh("共创、共建、共享、共长")
    assert by_role["initiator"] == {("id/org/ee-teaching-advisory-committee", "Committee", moe),
                                    ("id/org/lab-teaching-digital-evaluation-community", "Community", moe)}
    assert by_role["initiating unit"] == {("id/org/neusoft-institute", "University", None)}
    assert by_role["founding member"] == {("id/org/neusoft-institute", "University", None)}
    members = {organization for organization, _kind, _p in by_role["member"]}
    assert members == {iri for iri, _name in AI_ALLIANCE_MEMBERS}
    assert {kind for _o, kind, _p in by_role["member"]} == {"University", "Company"}


DOMESTIC, INTERNATIONAL = "def/market-segment/domestic-head-brand", "def/market-segment/international-car-maker"


def test_customers_by_product_line(store: ox.Store) -> None:
    # 东软智能座舱产品已搭载于吉利、红旗、奇瑞等20余家车企; (智能通讯 T-BOX) 产品主要供应国内的头部品牌，如吉利、长城、
    # 红旗、奇瑞等，以及奥迪、沃尔沃、保时捷等国际车企.
    cockpit, tbox = "id/product/smart-cockpit", "id/product/smart-communication-t-box"
    rows = {(line, customer.removeprefix("id/org/"), segment) for line, customer, segment, _name
            in select(store, "customers-by-product-line")}
    assert rows == {
        (cockpit, "geely", DOMESTIC), (cockpit, "hongqi", DOMESTIC), (cockpit, "chery", DOMESTIC),
        (tbox, "geely", DOMESTIC), (tbox, "great-wall-motor", DOMESTIC), (tbox, "hongqi", DOMESTIC),
        (tbox, "chery", DOMESTIC), (tbox, "audi", INTERNATIONAL), (tbox, "volvo-cars", INTERNATIONAL),
        (tbox, "porsche", INTERNATIONAL),
    }


def test_car_makers_and_neusoft_products(store: ox.Store) -> None:
    # 吉利、红旗、奇瑞 are named for both lines, 长城 and the three international makers only for T-BOX.
    rows = {(maker.removeprefix("id/org/"), int(n)) for maker, n in select(store, "car-makers-and-neusoft-products")}
    assert rows == {("geely", 2), ("hongqi", 2), ("chery", 2), ("great-wall-motor", 1), ("audi", 1),
                    ("volvo-cars", 1), ("porsche", 1)}


def test_when_initiatives_started(store: ox.Store) -> None:
    # “十四五”期间 (2021) for the livelihood actions and the health reform; the opinions (2020-2030年); 2024年，首批项目
    # 已启动 (the sub-centres); 自2023年实施以来 / 2023年上线以来 (three in the medical-insurance article); 近年来…相继
    # 出台了多项政策: a period the text does not give, so inferred.
    rows = {(initiative, str(start), inferred)
            for initiative, start, inferred in select(store, "when-initiatives-started")}
    assert rows == {
        ("id/initiative/lead-livelihood-actions", "2021-01-01", False),
        ("id/reform/health-deepening-medical-and-health-system-reform", "2021-01-01", False),
        ("id/policy/health-medical-reform-implementation-opinions-2020-2030", "2020-01-01", False),
        ("id/project/health-county-medical-sub-centres", "2024-01-01", False),
        ("id/program/outpatient-mutual-aid-mechanism", "2023-01-01", False),
        ("id/program/drug-price-comparison-tool", "2023-01-01", False),
        ("id/program/smart-medical-insurance-supervision-system", "2023-01-01", False),
        ("id/policy/dalian-sci-tech-support-policies", "2021-01-01", True),
    }


def test_relation_source_sentence(store: ox.Store) -> None:
    # 三是重点群体就业有力支持，高校毕业生“万岗计划”打造… — in the human-resources article (市人社局：)
    rows = select(store, "relation-source-sentence")
    assert rows == [(zh("高校毕业生“万岗计划”"), "id/article/human-resources")]
    assert rows[0][0][0] in load_articles(Settings().articles_dir)["human-resources"].text


def test_text_only_figures(store: ox.Store) -> None:
    # The medical-insurance figures with a printed period or over the plan as a flow: 每年…6万余人次, 2021 至 2024 年
    # 累计 124.31万人次, 自2023年实施以来 5585.89万人次 and 超50%, 2025年上半年 4.09亿元 and 2439.27万元, 2023年上线以
    # 来 1519.5万次, 832.2万次, 82.01万次. The levels the article gives for the plan without a year (95%以上, 3159种,
    # 219种, 875种, 139类, 近千家, 2000 余个, 15分钟) are dated 2025 by the graph, not by the page, and drop out.
    rows = {(printed[0], period.removeprefix(P)) for printed, period in select(store, "text-only-figures")}
    assert rows == {
        ("6万余人次", "2021-2025"), ("124.31万人次", "2021-2024"), ("5585.89万人次", "2023-onward"),
        ("超50%", "2023-onward"), ("4.09亿元", "2025-H1"), ("2439.27万元", "2025-H1"), ("1519.5万次", "2023-onward"),
        ("832.2万次", "2023-onward"), ("82.01万次", "2023-onward"),
    }


def test_what_the_graph_adds(store: ox.Store) -> None:
    # The Neusoft article dates almost nothing: 一直是国内供应商的No.1, 目前…已搭载于…20余家车企的130余款车型, 据悉…
    # 百万台年产能, 近年来…最高给予1000万元/500万元, 一次性给予5000万元, 连续两年“揭榜”, 带动了…50余家企业 — each a
    # vague time made a period; the policies' own 近年来; and 大连市科技局 read as a unit of the city government. Only
    # the list's (2020年-2025年1-5月) share and rank are dated by the page.
    rows = select(store, "what-the-graph-adds")
    vague = [quote[0] for _n, quote, reason, _b, _note in rows if reason == "def/interpretation/period-vague"]
    needles = ("No.1", "20余家车企", "130余款", "百万台", "1000万元", "500万元", "5000万元", "连续两年", "50余家",
               "多项政策")
    assert len(vague) == len(needles)
    assert all(any(needle in quote for quote in vague) for needle in needles)
    assert all(broader == "def/interpretation/period" for _n, _q, reason, broader, _note in rows
               if reason == "def/interpretation/period-vague")
    others = {(quote[0], reason) for _n, quote, reason, _b, _note in rows
              if reason != "def/interpretation/period-vague"}
    assert others == {("大连市科技局", "def/interpretation/implied-relation")}
    assert all(note for _n, _q, _r, _b, note in rows)


def test_cube_structure(store: ox.Store) -> None:
    # Four dimensions in order (indicator, value kind, area, period), one measure, the unit required and three optional
    # attributes; the coded ones name their code list. The data set is the page's, published by the media group.
    sd, sm, sa = ("http://purl.org/linked-data/sdmx/2009/" + k for k in ("dimension#", "measure#", "attribute#"))
    rows = select(store, "cube-structure")
    assert {(role, prop, order, required, codes) for role, prop, order, required, codes, _p, _s in rows} == {
        ("dimension", f"{DKG}indicator", D(1), None, "def/indicator"),
        ("dimension", f"{DKG}valueKind", D(2), None, "def/value-kind"),
        ("dimension", f"{sd}refArea", D(3), None, None),
        ("dimension", f"{sd}refPeriod", D(4), None, None),
        ("measure", f"{sm}obsValue", None, None, None),
        ("attribute", f"{sa}unitMeasure", None, True, None),
        ("attribute", f"{DKG}qualifier", None, False, "def/qualifier"),
        ("attribute", f"{DKG}measures", None, False, None),
        ("attribute", f"{DKG}interpretation", None, False, "def/interpretation"),
    }
    assert {(p, s) for *_x, p, s in rows} == {("id/org/dalian-news-media-group", "id/page/livelihood-14fyp")}


def test_code_lists(store: ox.Store) -> None:
    # Eight value kinds, three qualifiers; four top interpretation reasons (the period one with three narrower: seven);
    # nine top policy areas (social protection with five narrower: fourteen); two customer segments.
    rows = {(scheme.removeprefix("def/"), int(top), int(typed)) for scheme, top, typed in select(store, "code-lists")}
    # Four division levels (country, province, prefecture, county), all top; seven statistical division codes, the two
    # provinces' (辽宁省 210000, 宁夏 640000) at the top.
    assert rows == {("value-kind", 8, 8), ("qualifier", 3, 3), ("interpretation", 4, 7), ("policy-area", 9, 14),
                    ("market-segment", 2, 2), ("division-level", 4, 4), ("division-code", 2, 7)}


def test_counted_units(store: ox.Store) -> None:
    # Counted by hand in the articles, by the measure word after each number (all the page's counts of things):
    # 人/名/位: 26.7万人 13万人 60余万人 103万人 28万名 2365名 4 位 23位 400余位; 人次: 30余万 150万余 200多万 10万
    # 63万余 6万余 124.31万 5585.89万; 个: 1 3 6 16 31 107 184 15 (health) 120 37 274 超1700 300余 (civil affairs)
    # 1.5万 5.6万 47 1.3万 41 12 4 (education) 18 572 137 (HR) 2000余 (medical insurance); 项 14; 件 千余; 类 139;
    # 种 3159 219 875; 场 100; 款 130余; 张 7000 (beds; 6.91张 is per 1,000); 支 108 (teams) and 144 (funds);
    # 所 60 143 47 70 47 501 138 5 10 (education) 70 200余 (alliance); 家 19 20余 50余 4770 5359 12689 41 近千.
    rows: dict[str, tuple[set[str], int]] = {}
    for unit, word, n in select(store, "counted-units"):
        rows.setdefault(unit.removeprefix("def/unit/"), (set(), int(n)))[0].add(word)
    assert rows == {
        "person": ({"人", "名", "位"}, 9), "person-time": ({"人次"}, 8), "count": ({"个"}, 24), "item": ({"项"}, 1),
        "case": ({"件"}, 1), "category": ({"类"}, 1), "variety": ({"种"}, 3), "session": ({"场"}, 1),
        "model": ({"款"}, 1), "bed": ({"张"}, 1), "team": ({"支"}, 1), "fund": ({"支"}, 1), "institution": ({"所"}, 11),
        "organisation": ({"家"}, 8),
    }


def test_at_least_figures(store: ox.Store) -> None:
    # 高龄津贴扩面发放至85周岁以上; 基本医保参保率稳定在95%以上; 每天综合体育活动时间不低于2小时.
    assert {(printed[0], value) for printed, value in select(store, "at-least-figures")} == {
        ("85周岁以上", D(85)), ("95%以上", D(95)), ("不低于2小时", D(2))}


def test_policy_areas_and_cofog(store: ox.Store) -> None:
    # COFOG (data/reference/cofog.csv): 10 Social protection, 10.1 Sickness and disability, 10.2 Old age, 10.4 Family
    # and children, 10.7 Social exclusion n.e.c., 04 Economic affairs, 04.1 General economic, commercial and labour
    # affairs, 04.8 R&D Economic affairs, 07 Health, 08.1 Recreational and sporting services, 09 Education.
    rows = {area.removeprefix("def/policy-area/"): (match, code, int(n)) for area, match, code, _label, n
            in select(store, "policy-areas-and-cofog")}
    assert rows == {
        "social-protection": ("close", "10", 5), "social-insurance": (None, None, 0),
        "social-assistance": ("close", "10.7", 0), "elderly-care": ("close", "10.2", 0),
        "children-and-families": ("close", "10.4", 0), "disability": ("broad", "10.1", 0),
        "employment": ("broad", "04.1", 0), "health": ("close", "07", 0), "medical-insurance": ("broad", "07", 0),
        "education": ("close", "09", 0), "science-and-technology": ("close", "04.8", 0), "sport": ("close", "08.1", 0),
        "community-and-charity": (None, None, 0), "economic-development": ("broad", "04", 0),
    }


def test_divisions(store: ox.Store) -> None:
    # 统计用区划代码 (2023): 辽宁省 210000 > 大连市 210200 (地级) > 旅顺口区 210212, 金州区 210213,
    # 瓦房店市 210281 (县级); 宁夏 640000 > 银川市 640100 (地级). Each code's broader code is its parent's.
    rows = {(parent.removeprefix("id/division/"), division.removeprefix("id/division/"),
             level.removeprefix("def/division-level/"), code, broader)
            for parent, division, level, code, broader in select(store, "divisions")}
    assert rows == {
        ("210000", "210200", "prefecture", "210200", "210000"), ("210200", "210212", "county", "210212", "210200"),
        ("210200", "210213", "county", "210213", "210200"), ("210200", "210281", "county", "210281", "210200"),
        ("640000", "640100", "prefecture", "640100", "640000"),
    }


def test_neusoft_structure(store: ox.Store) -> None:
    # 东软集团及旗下子公司; 大连作为东软的核心研发基地之一; 东软以…为中心的全球产品研发和交付网络; 东软汽车电子研究院
    # 院长李春林. The stock code 600718 is Neusoft's on the Shanghai exchange (not on the page).
    rows = {(code, link, part.removeprefix("id/org/"), institute, post, holder)
            for code, link, part, institute, post, holder in select(store, "neusoft-structure")}
    assert rows == {
        ("600718", "unit", "neusoft-automotive-electronics-institute", True,
         "id/post/neusoft-automotive-electronics-institute-president", "id/person/li-chunlin"),
        ("600718", "unit", "neusoft-dalian-rd-base", False, None, None),
        ("600718", "sub-organization", "neusoft-subsidiaries", False, None, None),
        ("600718", "sub-organization", "neusoft-global-rd-delivery-network", False, None, None),
    }


def test_city_government(store: ox.Store) -> None:
    # 大连市委、市政府从群众最关心…的民生问题着手; 市人社局、教育局、卫健委、民政局、医保局等部门; 大连市科技局.
    rows = select(store, "city-government")
    agencies = {unit for organization, _t, unit in rows if organization == "id/org/dalian-government"}
    assert agencies == {f"id/org/dalian-{key}" for key in (
        "hrss-bureau", "education-bureau", "health-commission", "civil-affairs-bureau", "medical-insurance-bureau",
        "science-bureau")}
    assert {(o, t.removeprefix(DKG)) for o, t, _u in rows} == {("id/org/dalian-government", "CityGovernment"),
                                                                 ("id/org/dalian-party-committee", "PartyCommittee")}
    assert [u for o, _t, u in rows if o == "id/org/dalian-party-committee"] == [None]


def test_articles_of_the_page(store: ox.Store) -> None:
    # The header lines of data/articles/*.txt: headline, kicker (or subheadline), and whom each article is about.
    rows = select(store, "articles-of-the-page")
    ai_headline, ai_kicker = "教育部AI实验教学数字化联盟成立", "大连东软信息学院作为发起单位之一被授牌"
    got = {(a.removeprefix("id/article/"), h[0], k[0] if k else None, (about or "").removeprefix("id/org/"))
           for a, h, k, about, _f, _l, _p in rows}
    assert got == {
        ("lead", "这些民生行动，让幸福成色更足", "教育、医疗、就业保障……", "dalian-government"),
        ("lead", "这些民生行动，让幸福成色更足", "教育、医疗、就业保障……", "dalian-party-committee"),
        ("health", "人均预期寿命达82.45岁", "市卫健委：", "dalian-health-commission"),
        ("neusoft", "东软以科技硬实力领跑智能汽车互联赛道", "政企同心绘就创新蓝图", "neusoft"),
        ("civil-affairs", "聚焦民生，民政事业高质量发展", "市民政局：", "dalian-civil-affairs-bureau"),
        ("education", "立德树人结硕果教育强市谱新篇", "市教育局：", "dalian-education-bureau"),
        ("human-resources", "年均城镇新增就业13万人", "市人社局：", "dalian-hrss-bureau"),
        ("medical-insurance", "织密保障网提升获得感", "市医保局:", "dalian-medical-insurance-bureau"),
        ("ai-alliance", ai_headline, ai_kicker, "ai-lab-alliance"),
        ("ai-alliance", ai_headline, ai_kicker, "neusoft-institute"),
    }
    files = {f for _a, _h, _k, _ab, f, _l, _p in rows}
    assert files == {f"data/articles/{path.name}" for path in (ROOT / "data" / "articles").glob("*.txt")}
    assert {(lang, p) for *_x, lang, p in rows} == {("zh", "id/org/dalian-news-media-group")}


def test_where_mentioned(store: ox.Store) -> None:
    # 大连理工大学4个学科进入ESI前 1‰ (education); …哈尔滨工业大学、大连理工大学… (ai-alliance); 东软集团 is named only
    # in its own article (大连东软信息学院 is another organisation).
    assert set(select(store, "where-mentioned")) == {
        ("id/org/dlut", "id/article/education"), ("id/org/dlut", "id/article/ai-alliance"),
        ("id/org/neusoft", "id/article/neusoft"),
    }


def test_events_venues_and_dates(store: ox.Store) -> None:
    # 在银川举行成立仪式 (近日: 2025, inferred); 举办大连国际老龄产业博览会 (民政局); 国际中体联、大体联世界杯相继落户
    # 大连; 2024年，瓦房店市和旅顺口区…基本达到国家“紧密型”标准; 2024年实现全域覆盖 (国家卫生城市); “连超”校园组赛事;
    # 全国青少年校园足球联赛 (no place or time given).
    rows = {(e.removeprefix("id/event/"), (v or "").removeprefix("id/division/"), (of or "").split("/")[-1],
             (p or "").removeprefix(P), (org or "").removeprefix("id/org/"))
            for e, v, of, p, org in select(store, "events-venues-and-dates")}
    assert rows == {
        ("ai-lab-alliance-founding-ceremony", "640100", "ai-lab-alliance", "2025", ""),
        ("dalian-international-ageing-industry-expo", "210200", "", "", "dalian-civil-affairs-bureau"),
        ("isf-world-cup", "210200", "", "", "isf"),
        ("fisu-world-cup", "210200", "", "", "fisu"),
        ("health-close-knit-standard-reached-2024", "210281", "national-close-knit-county-medical-community-standard",
         "2024", ""),
        ("health-close-knit-standard-reached-2024", "210212", "national-close-knit-county-medical-community-standard",
         "2024", ""),
        ("health-national-health-city-full-coverage-2024", "210200", "national-health-city", "2024", ""),
        ("lianchao-campus-league", "210200", "", "", ""),
        ("national-youth-campus-football-league", "", "", "", ""),
    }


def test_awards_given(store: ox.Store) -> None:
    # 连续三年获评省医改成效突出地区，获省政府通报表彰; 大连市第八中学荣获全国青少年校园足球联赛高中组总决赛冠军.
    assert set(select(store, "awards-given")) == {
        ("id/award/provincial-outstanding-medical-reform-area", "id/org/liaoning-government", "id/division/210200"),
        ("id/award/national-youth-campus-football-league-high-school-champion", None,
         "id/org/dalian-no-8-middle-school"),
    }


def test_neusoft_products(store: ox.Store) -> None:
    # 中控大屏、电子后视镜、后座娱乐、副驾娱乐等，都属于智能座舱的一部分; 多代智能通讯（4G、5G/V2X BOX）and 5G T-BOX.
    assert {(line, int(n)) for line, n in select(store, "neusoft-products")} == {
        ("id/product/smart-cockpit", 4), ("id/product/smart-communication-t-box", 3)}


def test_policies_and_support(store: ox.Store) -> None:
    # 在科技政策引导扶持下…东软集团就是其中典型代表; 高新区的“高新二十条”以及车联网专项政策也为东软的发展提供了多方面
    # 支持; 落实《中共大连市委 大连市人民政府关于…实施意见（2020-2030年）》精神，实施医学重点专科“登峰计划” (卫健委);
    # 东软集团连续两年“揭榜”; 大连作为东软的核心研发基地之一…为…全球产品研发和交付网络提供强大动力.
    opinions = "id/policy/health-medical-reform-implementation-opinions-2020-2030"
    assert set(select(store, "policies-and-support")) == {
        ("id/policy/dalian-sci-tech-support-policies", "supports Neusoft", "id/org/neusoft"),
        ("id/policy/high-tech-zone-twenty-measures", "supports Neusoft", "id/org/neusoft"),
        ("id/policy/high-tech-zone-connected-vehicle-policy", "supports Neusoft", "id/org/neusoft"),
        ("id/policy/high-tech-zone-twenty-measures", "applies in", "id/place/dalian-high-tech-zone"),
        ("id/policy/high-tech-zone-connected-vehicle-policy", "applies in", "id/place/dalian-high-tech-zone"),
        (opinions, "implemented by", "id/org/dalian-health-commission"),
        (opinions, "issued by", "id/org/dalian-party-committee"),
        (opinions, "issued by", "id/org/dalian-government"),
        (opinions, "informed", "id/program/dengfeng-plan"),
        ("id/program/dalian-jiebang-guashuai-sci-tech-projects", "associated with", "id/org/neusoft"),
        ("id/org/neusoft-dalian-rd-base", "supports", "id/org/neusoft-global-rd-delivery-network"),
    }


def test_figures_about_an_initiative(store: ox.Store) -> None:
    # “比价神器”，2023年上线以来累计使用1519.5万次; 全链条智能监管系统，2023 年上线以来累计完成事前提醒832.2万次，
    # 事中拦截82.01万次.
    tool, system = "id/program/drug-price-comparison-tool", "id/program/smart-medical-insurance-supervision-system"
    assert select(store, "figures-about-an-initiative") == [
        (tool, zh("1519.5万次"), D(15195000), P + "2023-onward"),
        (system, zh("832.2万次"), D(8322000), P + "2023-onward"),
        (system, zh("82.01万次"), D(820100), P + "2023-onward"),
    ]


def test_programme_figures(store: ox.Store) -> None:
    # 高校毕业生“万岗计划”打造“我爱大连·就选大连”校园服务品牌，吸引28万名毕业生留连来连 (市人社局).
    assert select(store, "programme-figures") == [
        ("id/org/dalian-hrss-bureau", zh("我爱大连·就选大连校园服务品牌"), zh("28万名"))]


def test_agency_credited_figures(store: ox.Store) -> None:
    # 最高给予1000万元, 最高给予500万元 (upper limits), 一次性给予5000万元 (an amount in force) — 市科技局's policies.
    kind = "def/value-kind/"
    assert select(store, "agency-credited-figures") == [
        (zh("5000万元"), D(50000000), kind + "reached"), (zh("1000万元"), D(10000000), kind + "maximum"),
        (zh("500万元"), D(5000000), kind + "maximum")]


def test_ranking_list(store: ox.Store) -> None:
    # 高工智能汽车研究院最新发布《15-20万区间自主品牌乘用车前装座舱域控制器供应商份额榜单（2020年-2025年1-5月）》显示，
    # 东软集团以14.58%的市场份额稳居行业第一.
    name = "15-20万区间自主品牌乘用车前装座舱域控制器供应商份额榜单（2020年-2025年1-5月）"
    rows = select(store, "ranking-list")
    assert {(n[0], pub, period, printed[0]) for n, pub, period, printed in rows} == {
        (name, "id/org/gaogong-intelligent-vehicle-institute", P + "2020-2025-05", "14.58%"),
        (name, "id/org/gaogong-intelligent-vehicle-institute", P + "2020-2025-05", "第一"),
    }


def test_goals(store: ox.Store) -> None:
    # 推动实现共同富裕，共建共享幸福大连 (lead); 为“幸福大连”建设筑牢健康根基 (health reform).
    assert set(select(store, "goals")) == {
        ("id/initiative/lead-livelihood-actions", "def/goal/common-prosperity"),
        ("id/initiative/lead-livelihood-actions", "def/goal/happy-dalian"),
        ("id/reform/health-deepening-medical-and-health-system-reform", "def/goal/happy-dalian"),
    }


def test_hr_reforms_and_campaigns(store: ox.Store) -> None:
    # 深化制度改革，实现企业职工基本养老保险全国统筹，失业、工伤保险省级统筹。实施渐进式延迟法定退休年龄改革;
    # 连续举办“春风行动”、就业援助月等专项活动.
    rows = {(k.removeprefix(DKG), i.removeprefix("id/program/")) for k, i in select(store, "hr-reforms-and-campaigns")}
    assert rows == {
        ("Reform", "enterprise-employee-pension-national-pooling"),
        ("Reform", "unemployment-insurance-provincial-pooling"),
        ("Reform", "work-injury-insurance-provincial-pooling"), ("Reform", "gradual-statutory-retirement-age-reform"),
        ("Campaign", "spring-breeze-campaign"), ("Campaign", "employment-assistance-month"),
    }


def test_civil_affairs_policies_and_projects(store: ox.Store) -> None:
    # 基本生活救助认定办法及实施细则; 高校毕业生入职养老机构补助政策; 新建大连市儿童福利院项目.
    assert {(k.removeprefix(DKG), i.removeprefix("id/program/"))
            for k, i in select(store, "civil-affairs-policies-and-projects")} == {
        ("Policy", "basic-living-assistance-rules"), ("Policy", "elderly-care-graduate-employment-subsidy"),
        ("Project", "dalian-childrens-welfare-institute-project"),
    }


def test_people_on_the_page(store: ox.Store) -> None:
    # Six bylines (赖莹, 卢真珍, 唐东丽, 栾光煜, 仰山, 孙霞), 李春林, 侯志芳 and 习近平.
    rows = {(name[0], pinyin[0] if pinyin else None) for _p, name, pinyin in select(store, "people-on-the-page")}
    assert rows == {("赖莹", "Lai Ying"), ("卢真珍", "Lu Zhenzhen"), ("唐东丽", "Tang Dongli"),
                    ("栾光煜", "Luan Guangyu"), ("仰山", "Yang Shan"), ("孙霞", "Sun Xia"), ("李春林", "Li Chunlin"),
                    ("侯志芳", "Hou Zhifang"), ("习近平", None)}


def test_find_by_short_name(store: ox.Store) -> None:
    # The short forms people type, and the official full names: 大连市医疗保障局, 大连市人力资源和社会保障局, the system
    # named in full (事前提醒、事中拦截、事后审核全链条智能监管系统), 大连高新技术产业园区.
    assert select(store, "find-by-short-name") == [
        ("全链条智能监管系统", "id/program/smart-medical-insurance-supervision-system",
         zh("事前提醒、事中拦截、事后审核全链条智能监管系统")),
        ("大连市医保局", "id/org/dalian-medical-insurance-bureau", zh("大连市医疗保障局")),
        ("市人社局", "id/org/dalian-hrss-bureau", zh("大连市人力资源和社会保障局")),
        ("高新区", "id/place/dalian-high-tech-zone", zh("大连高新技术产业园区")),
    ]


def test_prov_trail(store: ox.Store) -> None:
    # 大连东软信息学院作为发起单位之一 (ai-alliance); 人均预期寿命达82.45岁 (health, 市卫健委).
    assert select(store, "prov-trail") == [
        ("figure", "id/article/health", zh("人均预期寿命达82.45岁"), "id/org/dalian-health-commission"),
        ("relation", "id/article/ai-alliance", zh("大连东软信息学院作为发起单位之一"), None),
    ]


def test_text_only_relations(store: ox.Store) -> None:
    # The HR article names seventeen initiatives of the bureau (就业方面 nine, 社会保障方面 eight: 全民参保计划, 连续
    # 提高养老金, 全国统筹, 失业/工伤省级统筹, 延迟退休改革, 丧葬补助金制度, 社保基金风险防控体系); the lead's 就业保
    # 障 is paired with 市人社局 by the graph, not by the page, and drops out.
    rows = select(store, "text-only-relations")
    social_insurance = {"universal-social-insurance-enrolment-plan", "enterprise-retiree-basic-pension-increase",
                        "enterprise-employee-pension-national-pooling", "unemployment-insurance-provincial-pooling",
                        "work-injury-insurance-provincial-pooling", "gradual-statutory-retirement-age-reform",
                        "residents-pension-funeral-subsidy", "social-security-fund-risk-control-system"}
    assert {i for i, _a in rows} == {f"id/program/{k}" for k in HR_EMPLOYMENT | social_insurance}
    assert {a for _i, a in rows} == {"id/article/human-resources"}


def test_periods(store: ox.Store) -> None:
    # The periods the page gives or the rules assign: 2020 (six “由…提高至/增加到” baselines: 城市/农村低保, 两项孤儿
    # 养育标准, 社会组织, 养老金), the ranking window (2), 2020-2030 (the opinions, no figure), 2021 至 2024 年 (1),
    # 2023年…以来 (5), 2024年 (3), 2025年上半年 (2); the 141 figures less these nineteen are 2021–2025 (thirty-five
    # flows over the plan counted by hand: 3 health, 13 civil affairs, 12 education, 5 HR, 1 medical insurance and the
    # Neusoft rank 一直) and 2025 (the other 87 levels).
    rows = {period.removeprefix(P): (str(begin), str(end) if end else None, int(n))
            for period, begin, end, n in select(store, "periods")}
    assert rows == {
        "2020": ("2020-01-01", "2020-12-31", 6), "2020-2025-05": ("2020-01-01", "2025-05-31", 2),
        "2020-2030": ("2020-01-01", "2030-12-31", 0), "2021-2024": ("2021-01-01", "2024-12-31", 1),
        "2021-2025": ("2021-01-01", "2025-12-31", 35), "2023-onward": ("2023-01-01", None, 5),
        "2024": ("2024-01-01", "2024-12-31", 3), "2025": ("2025-01-01", "2025-12-31", 87),
        "2025-H1": ("2025-01-01", "2025-06-30", 2),
    }


# ---------------------------------------------------------------- the same answers through HTTP


def http_answer(base_url: str, name: str) -> object:
    """Run an example, as written, on the endpoint served at ``base_url`` (its data keeps the canonical IRIs)."""
    text = query_text(name)
    form = parseQuery(text)[1].name
    graph_query = form in ("ConstructQuery", "DescribeQuery")
    accept = "text/turtle" if graph_query else "application/sparql-results+json"
    response = requests.post(base_url + "sparql", data={"query": text}, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, f"{name}: {response.status_code} {response.text[:500]}"
    if graph_query:
        graph = Graph().parse(data=response.text, format="turtle", publicID=CANONICAL_BASE)
        return {tuple(norm_rdflib(term, CANONICAL_BASE) for term in triple) for triple in graph}
    document = json.loads(response.text)
    if "boolean" in document:
        return document["boolean"]
    names = document["head"]["vars"]
    return Counter(tuple(norm_json(binding.get(n), CANONICAL_BASE) for n in names)
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
    text = query_text(path.stem)
    response = requests.post(server + "sparql", data={"query": text},
                             headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert response.status_code == 403


# ---------------------------------------------------------------- the "link your data" guide's recipes (/guide/linking)


LIST = "def/division-code"


def test_link_division_codes(store: ox.Store) -> None:
    # data/reference/codes.csv: 大连市 210200 (地级, in 辽宁省 210000), 旅顺口区 210212 and 瓦房店市 210281 (县级, in
    # 大连市), 银川市 640100 (地级, in 宁夏 640000), all in the statistical division codes of 2023; their Wikidata items
    # are those of data/links-allowlist.csv. 110000 (Beijing) is on the user's list but not in the graph: no row.
    wd = "http://www.wikidata.org/entity/"
    assert select(store, "link-division-codes") == [
        ("210200", "id/division/210200", zh("大连市"), en("Dalian"), "prefecture", "210000", LIST, "2023",
         wd + "Q74881"),
        ("210212", "id/division/210212", zh("旅顺口区"), en("Lüshunkou District"), "county", "210200", LIST, "2023",
         wd + "Q623329"),
        ("210281", "id/division/210281", zh("瓦房店市"), en("Wafangdian"), "county", "210200", LIST, "2023",
         wd + "Q616048"),
        ("640100", "id/division/640100", zh("银川市"), en("Yinchuan"), "prefecture", "640000", LIST, "2023",
         wd + "Q211243"),
    ]


def test_link_figures_by_code(store: ox.Store) -> None:
    # 联盟在银川举行成立仪式 … 4 位院士、23位电子信息教指委委员、400余位院校领导和骨干教师，200余所高校; nothing for
    # 110000 (北京), which the graph does not have.
    rows = select(store, "link-figures-by-code")
    # numbers of people and of institutions (所高校) present: stocks, so levels reached (docs/design.md, value kinds)
    assert {(code, name, value, unit, kind) for code, name, _i, value, unit, kind, _p in rows} == {
        ("640100", "银川", D(4), "def/unit/person", "def/value-kind/reached"),
        ("640100", "银川", D(23), "def/unit/person", "def/value-kind/reached"),
        ("640100", "银川", D(400), "def/unit/person", "def/value-kind/reached"),
        ("640100", "银川", D(200), "def/unit/institution", "def/value-kind/reached"),
    }
    assert {period for *_rest, period in rows} == {"id/period/2025"}


def test_link_wikidata_division_codes(store: ox.Store) -> None:
    # The rows of the query's VALUES, matched by hand: 21 is 辽宁省 210000 cut to a province's two digits, 2102 大连市
    # 210200 cut to a prefecture's four, 210281 瓦房店市 in full (a county), 6401 银川市 640100, 640000 宁夏 in the
    # six-digit form; 11 (Beijing) matches no division. Each item is the one data/links.ttl has as owl:sameAs.
    wd, level = "http://www.wikidata.org/entity/", "def/division-level/"
    assert select(store, "link-wikidata-division-codes") == [
        (wd + "Q43934", "21", "id/division/210000", "210000", level + "province", True),
        (wd + "Q74881", "2102", "id/division/210200", "210200", level + "prefecture", True),
        (wd + "Q616048", "210281", "id/division/210281", "210281", level + "county", True),
        (wd + "Q57448", "640000", "id/division/640000", "640000", level + "province", True),
        (wd + "Q211243", "6401", "id/division/640100", "640100", level + "prefecture", True),
    ]


def test_link_codes_and_lists(store: ox.Store) -> None:
    # data/reference/codes.csv: 600718 is Neusoft's code on the Shanghai Stock Exchange (the list's publisher and the
    # identifier's schema agency); 210281 瓦房店市 in the National Bureau of Statistics' list; CN China in ISO 3166-1,
    # whose publisher the graph does not name.
    assert select(store, "link-codes-and-lists") == [
        ("210281", "id/division/210281", LIST, "id/org/national-bureau-of-statistics", None),
        ("600718", "id/org/neusoft", "def/sse-stock-code", "id/org/shanghai-stock-exchange",
         en("Shanghai Stock Exchange")),
        ("CN", "id/place/china", "def/country-code", None, None),
    ]


def test_federation_division_codes_joins_a_standin_for_wikidata(store: ox.Store) -> None:
    """The federated recipe with its SERVICE answered by a stand-in (the tests have no internet): P442 values as the
    snapshot linking.md §1a cites pairs them with Q-ids (centers.json keys 21, 2102, 210281, 210212, 210213, 64, 6401),
    six-digit forms (640000, 210200, as P442 sometimes holds) and an item with a county code the graph does not have."""
    wd, wdt = "http://www.wikidata.org/entity/", "http://www.wikidata.org/prop/direct/P442"
    standin = ox.NamedNode("urn:x-wikidata-standin")
    pairs = [("Q43934", "21"), ("Q74881", "2102"), ("Q74881", "210200"), ("Q616048", "210281"), ("Q623329", "210212"),
             ("Q1362024", "210213"), ("Q57448", "64"), ("Q57448", "640000"), ("Q211243", "6401"), ("Q11720", "2101")]
    copy = ox.Store()
    copy.extend(store.quads_for_pattern(None, None, None, None))
    copy.extend(ox.Quad(ox.NamedNode(wd + q), ox.NamedNode(wdt), ox.Literal(code), standin) for q, code in pairs)
    text = query_text("federation-division-codes").replace(f"SERVICE <{WIKIDATA_SPARQL}>", f"GRAPH <{standin.value}>")
    solutions = copy.query(text, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    rows = [tuple(norm_ox(s[n], CANONICAL_BASE) for n in names) for s in solutions]
    # every division of the list found by the form its stand-in item holds, 宁夏 by both; each is data/links.ttl's item
    assert rows == [
        ("id/division/210000", "210000", "21", wd + "Q43934", True),
        ("id/division/210200", "210200", "2102", wd + "Q74881", True),
        ("id/division/210200", "210200", "210200", wd + "Q74881", True),
        ("id/division/210212", "210212", "210212", wd + "Q623329", True),
        ("id/division/210213", "210213", "210213", wd + "Q1362024", True),
        ("id/division/210281", "210281", "210281", wd + "Q616048", True),
        ("id/division/640000", "640000", "64", wd + "Q57448", True),
        ("id/division/640000", "640000", "640000", wd + "Q57448", True),
        ("id/division/640100", "640100", "6401", wd + "Q211243", True),
    ]


def _with_values(name: str, old: str, new: str) -> str:
    """An example with its VALUES rows replaced, as a user puts their own rows in (the old rows must be there)."""
    text = query_text(name)
    assert old in text, f"{name} no longer has {old!r}"
    return text.replace(old, new)


def _rows(store: ox.Store, text: str) -> list[tuple]:
    solutions = store.query(text, use_default_graph_as_union=True)
    names = [variable.value for variable in solutions.variables]
    return [tuple(norm_ox(solution[n], CANONICAL_BASE) for n in names) for solution in solutions]


CSV_ROWS = '("640100" "银川") ("110000" "北京")'


def test_a_csv_row_keyed_by_dalians_plain_code_gets_dalians_figures(store: ox.Store) -> None:
    """The issue's join (docs/cookbook.md §10): a CSV row ("210200", a value of the user's) in VALUES, joined on the
    plain skos:notation of the code concept, returns every figure the graph has about Dalian (found here without
    the code, by the division's IRI), each once, beside the user's column."""
    rows = _rows(store, _with_values("link-figures-by-code", CSV_ROWS, '("210200" "my value")'))
    direct = store.query("""
        PREFIX dkg: <https://w3id.org/dalian-kg/def/ontology#>
        PREFIX qb: <http://purl.org/linked-data/cube#>
        PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
        PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
        PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
        SELECT ?indicator ?value ?unit ?kind ?period WHERE {
          ?observation a qb:Observation ; sdmx-dimension:refArea <https://w3id.org/dalian-kg/id/division/210200> ;
            dkg:indicator ?indicator ; sdmx-measure:obsValue ?value ; sdmx-attribute:unitMeasure ?unit ;
            dkg:valueKind ?kind ; sdmx-dimension:refPeriod ?period .
        }""", use_default_graph_as_union=True)
    expected = Counter(tuple(norm_ox(s[n], CANONICAL_BASE) for n in ("indicator", "value", "unit", "kind", "period"))
                       for s in direct)
    assert sum(expected.values()) >= 50  # most of the page's figures are Dalian's
    assert {(code, name) for code, name, *_ in rows} == {("210200", "my value")}
    assert Counter(tuple(row[2:]) for row in rows) == expected
    life = {row[3] for row in rows if row[2] == "def/indicator/life-expectancy"}
    assert D("82.45") in life  # 人均预期寿命达到82.45岁 (figure-source-sentence.rq)


def test_the_typed_code_literal_joins_nothing(store: ox.Store) -> None:
    """Why the plain notation is the join key: "210200"^^dkg:GBT2260 (the typed literal the graph used to carry)
    is a different term from "210200", so the same recipe finds nothing with it."""
    typed = '"210200"^^<https://w3id.org/dalian-kg/def/ontology#GBT2260>'
    assert _rows(store, _with_values("link-figures-by-code", CSV_ROWS, f'({typed} "my value")')) == []
    codes = 'VALUES ?code { "210200" "210281" "210212" "640100" "110000" }'
    assert _rows(store, _with_values("link-division-codes", codes, f"VALUES ?code {{ {typed} }}")) == []
    assert _rows(store, _with_values("link-division-codes", codes, 'VALUES ?code { "210200" }'))  # the plain one does


WIKIDATA_ROWS = ('(wd:Q43934 "21") (wd:Q74881 "2102") (wd:Q616048 "210281") (wd:Q211243 "6401") (wd:Q57448 "640000") '
                 '(wd:Q956 "11")')


@pytest.mark.parametrize(("p442", "division"), [
    ("2102", "210200"),  # Dalian as P442 holds it, cut to a prefecture's four digits
    ("210200", "210200"),  # the six-digit form P442 sometimes holds
    ("21", "210000"),  # a province's two digits: Liaoning only, not every division whose code starts with 21
    ("210281", "210281"),  # a county: all six digits
    ("2101", None),  # Shenyang: in the list, not in the graph
    ("21020", None),  # no level keeps five digits
])
def test_a_wikidata_p442_value_joins_in_either_form(store: ox.Store, p442: str, division: str | None) -> None:
    """link-wikidata-division-codes.rq with one row a Wikidata export would give (an item and its P442 value)."""
    rows = _rows(store, _with_values("link-wikidata-division-codes", WIKIDATA_ROWS, f'(wd:Q74881 "{p442}")'))
    assert [(row[1], row[3]) for row in rows] == ([(p442, division)] if division else [])


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

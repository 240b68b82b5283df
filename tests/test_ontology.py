"""The ontology, code lists and SHACL shapes parse, reason cleanly under OWL 2 RL and catch bad data."""

from __future__ import annotations

import functools
from pathlib import Path

import owlrl
import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "dalian-kg.ttl"
CODELISTS = ROOT / "ontology" / "codelists.ttl"
IDENTIFIERS = ROOT / "ontology" / "identifiers.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"

BASE = "https://w3id.org/dalian-kg/"
DKG = Namespace(BASE + "def/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
QB = Namespace("http://purl.org/linked-data/cube#")
SH = Namespace("http://www.w3.org/ns/shacl#")
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # where owlrl writes inconsistencies

PREFIXES = f"""
@base <{BASE}> .
@prefix dkg: <{DKG}> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <http://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#> .
"""

# A small, complete slice of the graph: one article, one observation, one evidence node and what they point to.
VALID_DATA = (
    PREFIXES
    + """
<id/org/dalian-government> a dkg:CityGovernment ;
    rdfs:label "大连市人民政府"@zh , "Dalian Municipal People's Government"@en ;
    skos:prefLabel "大连市人民政府"@zh , "Dalian Municipal People's Government"@en .
<id/org/dalian-health-commission> a dkg:GovernmentAgency ; org:unitOf <id/org/dalian-government> ;
    rdfs:label "大连市卫生健康委员会"@zh , "Dalian Municipal Health Commission"@en ;
    skos:prefLabel "大连市卫生健康委员会"@zh , "Dalian Municipal Health Commission"@en ;
    skos:altLabel "市卫健委"@zh .
<id/org/dalian-news-media-group> a dkg:MediaOrganization ;
    rdfs:label "大连新闻传媒集团"@zh , "Dalian News Media Group"@en ;
    skos:prefLabel "大连新闻传媒集团"@zh , "Dalian News Media Group"@en .
<id/page/livelihood-14fyp> a dkg:NewspaperPage ; rdfs:label "民生版"@zh , "Livelihood page"@en ;
    skos:prefLabel "民生版"@zh , "Livelihood page"@en .
<id/person/lai-ying> a schema:Person ; rdfs:label "赖莹"@zh , "Lai Ying"@en ; skos:prefLabel "赖莹"@zh , "Lai Ying"@en .
<id/article/health> a schema:NewsArticle ; rdfs:label "健康报道"@zh , "Health article"@en ;
    skos:prefLabel "健康报道"@zh , "Health article"@en ;
    schema:headline "健康大连"@zh ; schema:publisher <id/org/dalian-news-media-group> ;
    schema:isPartOf <id/page/livelihood-14fyp> ; schema:author <id/person/lai-ying> ;
    dkg:sourceFile "data/articles/01-health.txt" .
<id/place/china> a dkg:Country ; skos:notation "CN" ; dkg:divisionCode <def/country-code/CN> ;
    dkg:divisionLevel <def/division-level/country> ;
    rdfs:label "中国"@zh , "China"@en ; skos:prefLabel "中国"@zh , "China"@en .
<id/division/210000> a dkg:AdministrativeDivision ; skos:notation "210000" ;
    dkg:divisionCode <def/division-code/210000> ; dkg:divisionLevel <def/division-level/province> ;
    dkg:partOfDivision <id/place/china> ;
    rdfs:label "辽宁省"@zh , "Liaoning"@en ; skos:prefLabel "辽宁省"@zh , "Liaoning"@en .
<id/division/210200> a dkg:AdministrativeDivision ; skos:notation "210200" ; dkg:partOfDivision <id/division/210000> ;
    dkg:divisionCode <def/division-code/210200> ; dkg:divisionLevel <def/division-level/prefecture> ;
    rdfs:label "大连市"@zh , "Dalian"@en ; skos:prefLabel "大连市"@zh , "Dalian"@en .
<id/period/2025> a dkg:Period ; rdfs:label "2025年"@zh , "2025"@en ; skos:prefLabel "2025年"@zh , "2025"@en ;
    time:hasBeginning [ time:inXSDDate "2025-01-01"^^xsd:date ] ;
    time:hasEnd [ time:inXSDDate "2025-12-31"^^xsd:date ] .
<data/livelihood-14fyp> a qb:DataSet ; qb:structure <def/dsd/livelihood> .
<def/indicator/life-expectancy> a dkg:Indicator , skos:Concept ; skos:inScheme <def/indicator> ;
    dkg:policyArea <def/policy-area/health> ;
    rdfs:label "人均预期寿命"@zh , "Life expectancy"@en ; skos:prefLabel "人均预期寿命"@zh , "Life expectancy"@en ;
    skos:definition "人均预期寿命。"@zh , "Life expectancy at birth."@en .
<id/obs/life-expectancy-2025> a qb:Observation ;
    qb:dataSet <data/livelihood-14fyp> ;
    dkg:indicator <def/indicator/life-expectancy> ;
    dkg:valueKind <def/value-kind/reached> ;
    sdmx-dimension:refArea <id/division/210200> ;
    sdmx-dimension:refPeriod <id/period/2025> ;
    sdmx-measure:obsValue "82.45"^^xsd:decimal ;
    sdmx-attribute:unitMeasure <def/unit/year-of-age> ;
    dkg:verbatimValue "82.45岁"@zh ;
    dkg:responsibleOrganization <id/org/dalian-health-commission> ;
    dkg:interpretation <def/interpretation/period-plan-end> ;
    prov:wasQuotedFrom <id/article/health> ;
    dkg:quote "人均预期寿命达82.45岁"@zh ;
    rdfs:label "人均预期寿命（2025年，达到值）"@zh , "Life expectancy (reached, 2025)"@en .
[] a dkg:Evidence ;
    rdf:subject <id/org/dalian-health-commission> ; rdf:predicate org:unitOf ; rdf:object <id/org/dalian-government> ;
    prov:wasQuotedFrom <id/article/health> ; dkg:quote "市卫健委"@zh .
"""
)


def _parse(*paths: Path, data: str | None = None) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    if data is not None:
        graph.parse(data=data, format="turtle")
    return graph


def _closure(graph: Graph) -> Graph:
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return _parse(ONTOLOGY, CODELISTS, IDENTIFIERS)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _parse(SHAPES)


@functools.cache
def _closed(data: str) -> Graph:
    """Ontology + code lists + ``data`` with its OWL 2 RL closure, cached because each closure takes seconds."""
    return _closure(_parse(ONTOLOGY, CODELISTS, IDENTIFIERS, data=data))


def _validate(data: str, shapes: Graph) -> tuple[bool, str]:
    graph = _closed(data)
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=False)
    return bool(conforms), str(text)


def test_files_parse(vocab: Graph, shapes: Graph) -> None:
    assert (URIRef(BASE + "def/ontology"), RDF.type, OWL.Ontology) in vocab
    assert (URIRef(BASE + "def/dsd/livelihood"), RDF.type, QB.DataStructureDefinition) in vocab
    assert len(shapes) > 100


def test_owl_rl_closure_is_consistent(vocab: Graph) -> None:
    closed = _closed("")
    assert set(closed.subjects(RDF.type, OWL.Nothing)) == set()
    assert [str(m) for m in closed.objects(None, ERR.error)] == []
    assert len(closed) > len(vocab)


def _dkg_terms(graph: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDFS.Datatype)
    return {s for kind in kinds for s in graph.subjects(RDF.type, kind) if str(s).startswith(str(DKG))}


def _langs(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return sorted(o.language or "" for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def test_every_dkg_term_is_labelled_and_defined_in_zh_and_en(vocab: Graph) -> None:
    terms = _dkg_terms(vocab)
    assert len(terms) > 60
    for term in terms:
        assert _langs(vocab, term, RDFS.label) == ["en", "zh"], term
        assert _langs(vocab, term, SKOS.definition) == ["en", "zh"], term


def test_every_dkg_term_used_in_the_vocabulary_is_declared(vocab: Graph) -> None:
    used = {t for triple in vocab for t in triple if isinstance(t, URIRef) and str(t).startswith(str(DKG))}
    assert used - _dkg_terms(vocab) == set()


def test_every_dkg_class_is_targeted_by_a_shape(vocab: Graph, shapes: Graph) -> None:
    classes = {s for s in vocab.subjects(RDF.type, OWL.Class) if str(s).startswith(str(DKG))}
    assert classes - set(shapes.objects(None, SH.targetClass)) == set()


def test_every_shape_has_an_english_message(shapes: Graph) -> None:
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.path, None))
    assert named
    assert [s for s in named if not list(shapes.objects(s, SH.message))] == []


def test_code_lists_are_complete(vocab: Graph) -> None:
    def keys(scheme: str) -> set[str]:
        prefix = BASE + f"def/{scheme}/"
        return {str(c)[len(prefix) :] for c in vocab.subjects(SKOS.inScheme, URIRef(BASE + f"def/{scheme}"))}

    assert {"cny", "percent", "per-mille", "per-100000", "year-of-age", "person-time", "rank", "unit-per-year"} <= keys(
        "unit"
    )
    # a count's unit is what is counted: one unit per measure word the page prints (支 twice: teams and funds)
    counted = {"count": "个", "item": "项", "case": "件", "category": "类", "variety": "种", "session": "场",
               "model": "款", "bed": "张", "team": "支", "fund": "支", "institution": "所", "organisation": "家"}
    assert set(counted) <= keys("unit")
    for key, word in counted.items():
        assert {str(w) for w in vocab.objects(URIRef(BASE + f"def/unit/{key}"), DKG.writtenAs)} == {word}, key
    assert len(keys("unit")) == 34
    # the closed list of value kinds: eight, and the three that said what the unit says are deprecated, outside it
    assert keys("value-kind") == {
        "rank", "target", "maximum", "baseline", "increase", "annual-average", "cumulative", "reached",
    }  # fmt: skip
    for old in ("count", "share", "amount"):
        assert (URIRef(BASE + f"def/value-kind/{old}"), OWL.deprecated, Literal(True)) in vocab
    assert keys("qualifier") == {"more-than", "nearly", "at-least"}
    assert keys("interpretation") == {
        "period", "period-plan-start", "period-plan-end", "period-vague", "unit-implied", "kind-reading",
        "implied-relation",
    }  # fmt: skip
    assert len(keys("topic")) == 7
    written = {str(w) for w in vocab.objects(URIRef(BASE + "def/unit/year-of-age"), DKG.writtenAs)}
    assert written == {"岁", "周岁"}
    # the units' matches to QUDT and the EU currency table are links out: in the links graph, not here (test_links)
    assert not list(vocab.objects(URIRef(BASE + "def/unit/percent"), SKOS.exactMatch))
    assert keys("division-level") == {"country", "province", "prefecture", "county"}
    assert keys("division-code") == {"210000", "210200", "210212", "210213", "210281", "640000", "640100"}
    assert keys("country-code") == {"CN", "DE", "US", "JP", "MY"}
    assert keys("sse-stock-code") == {"600718"}


# Three organisations of different kinds, a membership and a chain of divisions.
REASONING_DATA = (
    PREFIXES
    + """
<id/org/a> a dkg:GovernmentAgency .
<id/org/c> a dkg:Company ; org:memberOf <id/org/alliance> .
<id/org/u> a dkg:University ; dkg:initiatorOf <id/org/alliance> .
<id/division/1> dkg:partOfDivision <id/division/2> .
<id/division/2> dkg:partOfDivision <id/division/3> .
<id/org/c> dkg:locatedIn <id/division/1> .
"""
)


@pytest.fixture(scope="module")
def reasoned() -> Graph:
    return _closed(REASONING_DATA)


def _id(key: str) -> URIRef:
    return URIRef(BASE + "id/" + key)


def test_every_kind_of_organisation_is_an_org_organization(reasoned: Graph) -> None:
    rows = reasoned.query("SELECT ?x WHERE { ?x a org:Organization }", initNs={"org": ORG})
    found = {row[0] for row in rows}
    assert {_id("org/a"), _id("org/c"), _id("org/u"), _id("org/alliance")} <= found


def test_inverse_and_sub_properties_are_inferred(reasoned: Graph) -> None:
    alliance = _id("org/alliance")
    assert (alliance, ORG.hasMember, _id("org/c")) in reasoned
    # an initiator is not a member by inference (the alliance's co-initiating committee is not one)
    assert (alliance, ORG.hasMember, _id("org/u")) not in reasoned
    assert (alliance, DKG.initiatedBy, _id("org/u")) in reasoned


def test_located_in_is_transitive_across_divisions(reasoned: Graph) -> None:
    assert (_id("division/1"), DKG.locatedIn, _id("division/3")) in reasoned
    assert (_id("org/c"), DKG.locatedIn, _id("division/3")) in reasoned
    assert (_id("division/3"), DKG.contains, _id("org/c")) in reasoned
    assert (_id("division/2"), RDF.type, DKG.AdministrativeDivision) in reasoned


def test_reasoning_over_data_stays_consistent(reasoned: Graph) -> None:
    assert set(reasoned.subjects(RDF.type, OWL.Nothing)) == set()
    assert list(reasoned.objects(None, ERR.error)) == []


def test_vocabulary_conforms_to_the_shapes(shapes: Graph) -> None:
    conforms, text = _validate("", shapes)
    assert conforms, text


def test_valid_data_conforms(shapes: Graph) -> None:
    conforms, text = _validate(VALID_DATA, shapes)
    assert conforms, text


def test_missing_english_label_does_not_conform(shapes: Graph) -> None:
    data = VALID_DATA.replace(', "Dalian News Media Group"@en', "")
    conforms, text = _validate(data, shapes)
    assert not conforms
    assert "dalian-news-media-group" in text


def test_duplicate_chinese_label_does_not_conform(shapes: Graph) -> None:
    data = VALID_DATA.replace('rdfs:label "辽宁省"@zh', 'rdfs:label "辽宁省"@zh , "辽宁"@zh')
    conforms, text = _validate(data, shapes)
    assert not conforms
    assert "210000" in text


def test_observation_without_unit_does_not_conform(shapes: Graph) -> None:
    data = VALID_DATA.replace("sdmx-attribute:unitMeasure <def/unit/year-of-age> ;", "")
    conforms, text = _validate(data, shapes)
    assert not conforms
    assert "unitMeasure" in text


def test_observation_with_a_mistyped_code_does_not_conform(shapes: Graph) -> None:
    data = VALID_DATA.replace("<def/value-kind/reached>", "<def/value-kind/reachd>")
    conforms, text = _validate(data, shapes)
    assert not conforms
    assert "value-kind" in text


def test_evidence_without_quote_does_not_conform(shapes: Graph) -> None:
    data = VALID_DATA.replace('dkg:quote "市卫健委"@zh', 'rdfs:comment "no quote"')
    conforms, text = _validate(data, shapes)
    assert not conforms
    assert "dkg:quote" in text or "quote" in text


def test_article_without_author_does_not_conform(shapes: Graph) -> None:
    data = VALID_DATA.replace("schema:author <id/person/lai-ying> ;", "")
    conforms, _ = _validate(data, shapes)
    assert not conforms
    lead = data.replace("id/article/health", "id/article/lead")
    conforms, text = _validate(lead, shapes)
    assert conforms, text


# ---------------------------------------------------------------- the modelling rules of issue 11, each broken once
# One data set holding a valid slice plus one violation per rule, validated once (each closure takes seconds); every
# violation must be reported on its own focus node with the rule's message, so a rule that stops working fails here.

BROKEN_DATA = VALID_DATA + """
<id/initiative/i> a dkg:Initiative ; rdfs:label "甲"@zh , "I"@en ; skos:prefLabel "甲"@zh , "I"@en ;
    dkg:policyArea <def/policy-area/health> ; prov:wasQuotedFrom <id/article/health> ; dkg:quote "健康"@zh .
<id/obs/share> a qb:Observation ; qb:dataSet <data/livelihood-14fyp> ; dkg:indicator <def/indicator/life-expectancy> ;
    dkg:valueKind <def/value-kind/share> ; sdmx-dimension:refArea <id/division/210000> ;
    sdmx-dimension:refPeriod <id/period/2025> ; sdmx-measure:obsValue "1"^^xsd:decimal ;
    sdmx-attribute:unitMeasure <def/unit/percent> ; dkg:verbatimValue "1%"@zh ;
    dkg:responsibleOrganization <id/org/dalian-health-commission> ; prov:wasQuotedFrom <id/article/health> ;
    dkg:quote "健康"@zh ; rdfs:label "份额"@zh , "share"@en .
<id/obs/late-baseline> a qb:Observation ; qb:dataSet <data/livelihood-14fyp> ;
    dkg:indicator <def/indicator/life-expectancy> ; dkg:valueKind <def/value-kind/baseline> ;
    sdmx-dimension:refArea <id/division/210200> ; sdmx-dimension:refPeriod <id/period/2025> ;
    sdmx-measure:obsValue "80"^^xsd:decimal ; sdmx-attribute:unitMeasure <def/unit/year-of-age> ;
    dkg:verbatimValue "80岁"@zh ; dkg:responsibleOrganization <id/org/dalian-health-commission> ;
    dkg:measures <id/division/210200> ;
    prov:wasQuotedFrom <id/article/health> ; dkg:quote "健康"@zh ; rdfs:label "基期"@zh , "baseline"@en .
<id/org/quoted> a dkg:Company ; rdfs:label "“东软”"@zh , "Neusoft"@en ; skos:prefLabel "“东软”"@zh , "Neusoft"@en .
<id/org/two-names> a dkg:Company ; rdfs:label "东软"@zh , "Neusoft"@en ; skos:prefLabel "东软集团"@zh , "Neusoft"@en .
<id/program/no-area> a dkg:Program ; rdfs:label "乙"@zh , "P"@en ; skos:prefLabel "乙"@zh , "P"@en ;
    prov:wasQuotedFrom <id/article/health> ; dkg:quote "健康"@zh .
<id/program/start-date> a dkg:Program ; rdfs:label "丙"@zh , "Q"@en ; skos:prefLabel "丙"@zh , "Q"@en ;
    dkg:policyArea <def/policy-area/health> ; <http://schema.org/startDate> "2023"^^xsd:gYear ;
    prov:wasQuotedFrom <id/article/health> ; dkg:quote "健康"@zh .
<id/product/p> a dkg:Product ; rdfs:label "丁"@zh , "D"@en ; skos:prefLabel "丁"@zh , "D"@en ;
    dkg:suppliedTo <id/org/dalian-news-media-group> ; prov:wasQuotedFrom <id/article/health> ; dkg:quote "健康"@zh .
<id/org/dalian-government> dkg:runs <id/initiative/i> .
<id/division/210000> dkg:topic <def/topic/health> .
[] a dkg:Evidence ; rdf:subject <id/org/dalian-government> ; rdf:predicate dkg:runs ; rdf:object <id/initiative/i> ;
    dct:temporal <id/period/2025> ; prov:wasQuotedFrom <id/article/health> ; dkg:quote "健康"@zh .
[] a dkg:Evidence ; rdf:subject <id/org/dalian-government> ; rdf:predicate dkg:produces ; rdf:object <id/product/p> ;
    prov:wasQuotedFrom <id/article/health> ; dkg:quote "健康"@zh .
<id/division/210281> a dkg:AdministrativeDivision ; skos:notation "210281" ;
    dkg:divisionCode <def/division-code/210212> ; dkg:divisionLevel <def/division-level/prefecture> ;
    dkg:partOfDivision <id/division/210000> ;
    rdfs:label "瓦房店市"@zh , "Wafangdian"@en ; skos:prefLabel "瓦房店市"@zh , "Wafangdian"@en .
<id/division/640100> a dkg:AdministrativeDivision ; skos:notation "640100"^^dkg:GBT2260 ;
    rdfs:label "银川市"@zh , "Yinchuan"@en ; skos:prefLabel "银川市"@zh , "Yinchuan"@en .
<id/org/listed> a dkg:Company ; org:identifier "000001" ; rdfs:label "上市公司"@zh , "Listed"@en ;
    skos:prefLabel "上市公司"@zh , "Listed"@en .
<id/org/half-listed> a dkg:Company ; org:identifier "600718" ;
    <http://www.w3.org/ns/adms#identifier> <id/identifier/x> ;
    rdfs:label "半上市公司"@zh , "Half listed"@en ; skos:prefLabel "半上市公司"@zh , "Half listed"@en .
<id/identifier/x> a <http://www.w3.org/ns/adms#Identifier> ; skos:notation "600718" .
<def/division-code/999999> a dkg:DivisionCode ; skos:notation "999998" ; skos:inScheme <def/division-code> .
"""

BROKEN = [
    # (focus node, words of the message that must be reported for it)
    ("id/obs/share", "Rule value-kinds"),
    ("id/obs/late-baseline", "Rule time: a baseline is dated before the change"),
    ("id/obs/late-baseline", "Rule measures"),
    ("id/org/quoted", "Rule names: no typographic"),
    ("id/org/two-names", "Rule names: rdfs:label is the same as skos:prefLabel"),
    ("id/program/no-area", "Rule policy areas"),
    ("id/program/start-date", "Rule time: use dct:temporal"),
    ("id/product/p", "Rule evidence: https://w3id.org/dalian-kg/id/product/p"),
    ("def/ontology", "Rule deprecated: https://w3id.org/dalian-kg/def/ontology#topic"),
    # codes (issue 13): a code concept whose notation is not the division's, a parent whose code is not the broader
    # one, a level the code contradicts; a typed notation with no code concept, level or parent; identifiers
    # without a scheme; a code concept whose IRI is not its code
    ("id/division/210281", "Rule codes: the division's plain skos:notation and the notation of its code concept"),
    ("id/division/210281", "Rule codes: the code of the division's parent"),
    ("id/division/210281", "Rule codes: the division's level"),
    ("id/division/640100", "Rule codes: a division has exactly one skos:notation, a plain string"),
    ("id/division/640100", "Rule codes: a division has exactly one dkg:divisionCode"),
    ("id/division/640100", "Rule codes: a division has exactly one dkg:divisionLevel"),
    ("id/division/640100", "Rule codes: every division but a country is part of a division"),
    ("id/org/listed", "Rule codes: org:identifier 000001 has no scheme"),
    ("id/org/half-listed", "Rule codes: org:identifier 600718 has no scheme"),
    ("id/identifier/x", "Rule codes: an identifier is in exactly one code list"),
    ("def/division-code/999999", "Rule codes: the IRI of a division code ends in /999998"),
]


@functools.cache
def _broken_report() -> str:
    conforms, text = _validate(BROKEN_DATA, pyshacl_shapes())
    assert not conforms
    return text


@functools.cache
def pyshacl_shapes() -> Graph:
    return _parse(SHAPES)


def _reported(focus: str, words: str) -> bool:
    """Whether the report has a result on ``focus`` whose message contains ``words``."""
    for block in _broken_report().split("Constraint Violation")[1:]:
        if f"Focus Node: <{BASE}{focus}>" in block and words in block:
            return True
    return False


@pytest.mark.parametrize(("focus", "words"), BROKEN, ids=[f"{f}:{w[:30]}" for f, w in BROKEN])
def test_each_modelling_rule_catches_its_violation(focus: str, words: str) -> None:
    assert _reported(focus, words), _broken_report()[:3000]


def test_time_only_on_an_evidence_node_and_evidence_of_nothing_are_caught() -> None:
    report = _broken_report()
    assert "Rule time: no time only on an evidence node" in report
    assert "Rule evidence: an evidence node reifies a statement of the graph" in report


def test_the_valid_slice_is_not_reported() -> None:
    blocks = _broken_report().split("Constraint Violation")[1:]
    for focus in ("id/obs/life-expectancy-2025", "id/org/dalian-health-commission", "def/indicator/life-expectancy",
                  "id/division/210200", "id/division/210000", "id/place/china", "def/division-code/210200"):
        assert not any(f"Focus Node: <{BASE}{focus}>" in block for block in blocks)


# ---------------------------------------------------------------- relations: one asserted direction, inverses declared


def _inverse_pairs(vocab: Graph) -> list[tuple[URIRef, URIRef]]:
    return list(vocab.subject_objects(OWL.inverseOf))


def test_each_inverse_pair_is_written_once(vocab: Graph) -> None:
    pairs = _inverse_pairs(vocab)
    assert len(pairs) >= 25
    canonical = {p for p, _ in pairs}
    assert [q for _, q in pairs if q in canonical] == []


def test_every_dkg_relation_between_things_has_an_inverse(vocab: Graph) -> None:
    """Code-list values (indicator, kind, unit, qualifier, area, segment, interpretation, division level) are looked
    up, not walked; a division's code has an inverse (dkg:divisionCodeOf), a code being an identifier of one thing."""
    coded = {DKG.indicator, DKG.valueKind, DKG.qualifier, DKG.policyArea, DKG.marketSegment, DKG.interpretation,
             DKG.topic, DKG.divisionLevel}
    with_inverse = {t for pair in _inverse_pairs(vocab) for t in pair}
    relations = {p for p in vocab.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(str(DKG))}
    deprecated = set(vocab.subjects(OWL.deprecated, Literal(True)))
    assert relations - coded - deprecated - with_inverse == set()


def test_check_directions_flags_the_inferred_direction(vocab: Graph) -> None:
    from kg.checks.values import check_directions

    data = Graph().parse(data=PREFIXES + """
<id/program/p> dkg:runBy <id/org/a> .
<id/org/b> dkg:runs <id/program/q> .
[] a dkg:Evidence ; rdf:subject <id/award/x> ; rdf:predicate dkg:receivedBy ; rdf:object <id/org/b> .
""", format="turtle")
    problems = list(check_directions(data, vocab))
    assert len(problems) == 2
    assert "id/program/p" in problems[0] and str(DKG.runs) in problems[0]
    assert "receivedBy" in problems[1]


def test_cofog_is_vendored_as_skos_exactly() -> None:
    import csv

    with open(ROOT / "data" / "reference" / "cofog.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    graph = _parse(ROOT / "ontology" / "cofog.ttl")
    assert len(rows) == 79
    for row in rows:
        concept = URIRef("http://linked.data.gov.au/def/cofog/" + row["code"].replace(".", ""))
        assert str(graph.value(concept, SKOS.notation)) == row["code"]
        assert graph.value(concept, SKOS.prefLabel) == Literal(row["label_en"], lang="en")
        parent = graph.value(concept, SKOS.broader)
        assert (str(parent).rsplit("/", 1)[-1] if parent else "") == row["parent"].replace(".", "")


def test_policy_areas_are_aligned_with_cofog(vocab: Graph) -> None:
    cofog = _parse(ROOT / "ontology" / "cofog.ttl")
    area = URIRef(BASE + "def/policy-area")
    areas = set(vocab.subjects(SKOS.inScheme, area))
    assert {BASE + "def/policy-area/" + k for k in ("employment", "social-assistance", "elderly-care", "health",
                                                  "education", "medical-insurance", "science-and-technology")} <= {
        str(a) for a in areas}
    matches = [(a, m) for a in areas for p in (SKOS.closeMatch, SKOS.broadMatch) for m in vocab.objects(a, p)]
    assert len(matches) >= 10
    assert all((m, SKOS.inScheme, URIRef("http://linked.data.gov.au/def/cofog")) in cofog for _, m in matches)
    # the clear matches, from the COFOG labels: health 07 Health, education 09 Education, elderly care 10.2 Old age
    expect = {"health": "07", "education": "09", "elderly-care": "102", "social-assistance": "107"}
    for key, code in expect.items():
        assert (URIRef(BASE + "def/policy-area/" + key), SKOS.closeMatch,
                URIRef("http://linked.data.gov.au/def/cofog/" + code)) in vocab


# W3C Data Cube integrity constraints (https://www.w3.org/TR/vocab-data-cube/#wf-rules), run on the closure, which
# does the spec's normalisation (qb:dimension etc. ⊑ qb:componentProperty). IC-17, IC-20 and IC-21 concern
# qb:measureType cubes and hierarchical code lists, which this project does not use.
INTEGRITY_CONSTRAINTS = {
    "IC-1": """ASK { { ?obs a qb:Observation . FILTER NOT EXISTS { ?obs qb:dataSet ?d } }
                 UNION { ?obs a qb:Observation ; qb:dataSet ?d1 , ?d2 . FILTER (?d1 != ?d2) } }""",
    "IC-2": """ASK { { ?ds a qb:DataSet .
                   FILTER NOT EXISTS { ?ds qb:structure ?dsd . ?dsd a qb:DataStructureDefinition } }
                 UNION { ?ds a qb:DataSet ; qb:structure ?s1 , ?s2 . FILTER (?s1 != ?s2) } }""",
    "IC-3": """ASK { ?dsd a qb:DataStructureDefinition .
                 FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty [ a qb:MeasureProperty ] ] } }""",
    "IC-4": "ASK { ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?dim rdfs:range [] } }",
    "IC-5": "ASK { ?dim a qb:DimensionProperty ; rdfs:range skos:Concept . FILTER NOT EXISTS { ?dim qb:codeList [] } }",
    "IC-6": """ASK { ?dsd qb:component ?spec . ?spec qb:componentRequired false ; qb:componentProperty ?c .
                 FILTER NOT EXISTS { ?c a qb:AttributeProperty } }""",
    "IC-7": "ASK { ?key a qb:SliceKey . FILTER NOT EXISTS { [ a qb:DataStructureDefinition ] qb:sliceKey ?key } }",
    "IC-8": """ASK { ?key a qb:SliceKey ; qb:componentProperty ?p . ?dsd qb:sliceKey ?key .
                 FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty ?p ] } }""",
    "IC-9": """ASK { { ?s a qb:Slice . FILTER NOT EXISTS { ?s qb:sliceStructure ?k } }
                 UNION { ?s a qb:Slice ; qb:sliceStructure ?k1 , ?k2 . FILTER (?k1 != ?k2) } }""",
    "IC-10": "ASK { ?s qb:sliceStructure [ qb:componentProperty ?dim ] . FILTER NOT EXISTS { ?s ?dim [] } }",
    "IC-11": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
                  ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?obs ?dim [] } }""",
    "IC-12": """ASK { FILTER (?allEqual) {
                  SELECT (MIN(?equal) AS ?allEqual) WHERE {
                    ?o1 qb:dataSet ?ds . ?o2 qb:dataSet ?ds . FILTER (?o1 != ?o2)
                    ?ds qb:structure/qb:component/qb:componentProperty ?dim . ?dim a qb:DimensionProperty .
                    ?o1 ?dim ?v1 . ?o2 ?dim ?v2 . BIND (?v1 = ?v2 AS ?equal)
                  } GROUP BY ?o1 ?o2 } }""",
    "IC-13": """ASK { ?obs qb:dataSet/qb:structure/qb:component ?c .
                  ?c qb:componentRequired true ; qb:componentProperty ?attr . FILTER NOT EXISTS { ?obs ?attr [] } }""",
    "IC-14": """ASK { ?obs qb:dataSet/qb:structure ?dsd .
                  FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
                  ?dsd qb:component/qb:componentProperty ?m . ?m a qb:MeasureProperty .
                  FILTER NOT EXISTS { ?obs ?m [] } }""",
    "IC-15": """ASK { ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?m .
                  ?dsd qb:component/qb:componentProperty qb:measureType . FILTER NOT EXISTS { ?obs ?m [] } }""",
    "IC-16": """ASK { ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?m ; ?other [] .
                  ?dsd qb:component/qb:componentProperty qb:measureType ; qb:component/qb:componentProperty ?other .
                  ?other a qb:MeasureProperty . FILTER (?other != ?m) }""",
    "IC-18": "ASK { ?ds qb:slice ?s . ?s qb:observation ?obs . FILTER NOT EXISTS { ?obs qb:dataSet ?ds } }",
    "IC-19": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
                  ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:ConceptScheme . ?obs ?dim ?v .
                  FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list } }""",
}


def _violated_constraints(data: str) -> list[str]:
    graph = _closed(data)
    ns = {"qb": QB, "rdfs": RDFS, "skos": SKOS}
    return [name for name, ask in INTEGRITY_CONSTRAINTS.items() if graph.query(ask, initNs=ns).askAnswer]


def test_data_cube_integrity_constraints_hold() -> None:
    assert _violated_constraints(VALID_DATA) == []


def test_data_cube_integrity_constraints_catch_duplicates_and_foreign_codes() -> None:
    duplicate = VALID_DATA + (
        "<id/obs/copy> a qb:Observation ; qb:dataSet <data/livelihood-14fyp> ;"
        " dkg:indicator <def/indicator/life-expectancy> ; dkg:valueKind <def/value-kind/reached> ;"
        " sdmx-dimension:refArea <id/division/210200> ; sdmx-dimension:refPeriod <id/period/2025> ."
    )
    assert "IC-12" in _violated_constraints(duplicate)
    foreign = VALID_DATA.replace("<def/value-kind/reached>", "<def/value-kind/reachd>")
    assert "IC-19" in _violated_constraints(foreign)


# ---------------------------------------------------------------- codes and identifiers (issue 13)


def _code_rows() -> list[dict[str, str]]:
    import csv

    with open(ROOT / "data" / "reference" / "codes.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_code_lists_are_vendored_from_the_reference_rows_exactly() -> None:
    """ontology/identifiers.ttl holds exactly the codes of data/reference/codes.csv, each in its list, with its parent's
    code as skos:broader and the name of its row in its definition; every row has a source row to check it by."""
    graph = _parse(IDENTIFIERS)
    rows = _code_rows()
    assert len(rows) == 13
    concepts = {c for c in graph.subjects(SKOS.inScheme, None)}
    assert len(concepts) == len(rows)
    for row in rows:
        concept = URIRef(f"{BASE}def/{row['scheme']}/{row['code']}")
        assert concept in concepts, row
        assert graph.value(concept, SKOS.inScheme) == URIRef(f"{BASE}def/{row['scheme']}")
        assert [str(n) for n in graph.objects(concept, SKOS.notation)] == [row["code"]]
        parent = graph.value(concept, SKOS.broader)
        assert (str(parent).rsplit("/", 1)[-1] if parent else "") == row["parent"], row
        assert row["name_zh"] in str(graph.value(concept, SKOS.definition)), row
        assert row["source"] and row["source_row"], row
    assert str(graph.value(URIRef(BASE + "def/division-code"), OWL.versionInfo)) == "2023"


def test_every_division_carries_its_code_level_and_parent() -> None:
    """data/triples.ttl: each division's plain notation, code concept, level and parent are those of its row."""
    data = _parse(ROOT / "data" / "triples.ttl")
    rows = _code_rows()
    by_code = {row["code"]: row for row in rows if row["scheme"] != "sse-stock-code"}
    divisions = set(data.subjects(RDF.type, DKG.AdministrativeDivision))
    assert len(divisions) == len(by_code)
    for division in divisions:
        [notation] = list(data.objects(division, SKOS.notation))
        assert notation.datatype is None and notation.language is None, division  # a plain string
        row = by_code[str(notation)]
        assert data.value(division, DKG.divisionCode) == URIRef(f"{BASE}def/{row['scheme']}/{row['code']}")
        assert data.value(division, DKG.divisionLevel) == URIRef(f"{BASE}def/division-level/{row['level']}")
        parent = data.value(division, DKG.partOfDivision)
        parent_code = str(data.value(parent, SKOS.notation)) if parent is not None else ""
        assert parent_code == (row["parent"] or ("CN" if row["level"] == "province" else "")), division


def test_the_stock_code_has_its_scheme() -> None:
    data = _parse(ROOT / "data" / "triples.ttl", IDENTIFIERS)
    adms = Namespace("http://www.w3.org/ns/adms#")
    neusoft = URIRef(BASE + "id/org/neusoft")
    [identifier] = list(data.objects(neusoft, adms.identifier))
    assert str(data.value(identifier, SKOS.notation)) == str(data.value(neusoft, ORG.identifier)) == "600718"
    assert data.value(identifier, SKOS.inScheme) == URIRef(BASE + "def/sse-stock-code")
    assert data.value(identifier, URIRef("http://purl.org/dc/terms/creator")) == URIRef(
        BASE + "id/org/shanghai-stock-exchange")

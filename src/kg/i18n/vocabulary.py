"""Labels for standard terms the ontology does not declare (used when the graph has none)."""

from __future__ import annotations

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_OWL = "http://www.w3.org/2002/07/owl#"
_DCT = "http://purl.org/dc/terms/"
#: Labels for standard terms the ontology does not declare (used when the graph has none).
VOCABULARY_LABELS: dict[str, dict[str, str]] = {
    _RDF + "type": {"zh": "类型", "en": "type"},
    _RDF + "subject": {"zh": "主语", "en": "subject"},
    _RDF + "predicate": {"zh": "谓语", "en": "predicate"},
    _RDF + "object": {"zh": "宾语", "en": "object"},
    _RDFS + "label": {"zh": "名称", "en": "label"},
    _RDFS + "comment": {"zh": "说明", "en": "comment"},
    _RDFS + "seeAlso": {"zh": "参见", "en": "see also"},
    _RDFS + "subClassOf": {"zh": "上位类", "en": "subclass of"},
    _RDFS + "subPropertyOf": {"zh": "上位属性", "en": "subproperty of"},
    _RDFS + "domain": {"zh": "定义域", "en": "domain"},
    _RDFS + "range": {"zh": "值域", "en": "range"},
    _RDFS + "isDefinedBy": {"zh": "定义于", "en": "is defined by"},
    _SKOS + "prefLabel": {"zh": "首选名称", "en": "preferred label"},
    _SKOS + "altLabel": {"zh": "别名", "en": "also known as"},
    _SKOS + "notation": {"zh": "代码", "en": "notation"},
    _SKOS + "definition": {"zh": "定义", "en": "definition"},
    _SKOS + "inScheme": {"zh": "所属体系", "en": "in scheme"},
    _SKOS + "broader": {"zh": "上位概念", "en": "broader"},
    _SKOS + "narrower": {"zh": "下位概念", "en": "narrower"},
    _SKOS + "exactMatch": {"zh": "完全匹配", "en": "exact match"},
    _SKOS + "closeMatch": {"zh": "近似匹配", "en": "close match"},
    _SKOS + "hasTopConcept": {"zh": "顶层概念", "en": "has top concept"},
    _OWL + "sameAs": {"zh": "等同于", "en": "same as"},
    _OWL + "inverseOf": {"zh": "逆属性", "en": "inverse of"},
    _DCT + "title": {"zh": "标题", "en": "title"},
    _DCT + "description": {"zh": "描述", "en": "description"},
    _DCT + "source": {"zh": "来源", "en": "source"},
    _DCT + "license": {"zh": "许可", "en": "license"},
}

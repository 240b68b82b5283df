"""The named graphs described in the catalog: what each holds, how many triples, where its data is.

Each graph IRI (``data/ontology``, ``data/asserted``, ``data/inferred``, ``data/links``, ``data/catalog``) is a
``void:Dataset`` with a title and a description in Chinese and English, its triple count (computed from the data)
and a ``void:dataDump``: the graph IRI itself in N-Quads, which the server answers with the graph's content (in its
named graph) and this description (in the default graph). The four data graphs are ``void:subset`` of the dataset;
the catalog graph describes the dataset and is not part of it.
"""

from __future__ import annotations

import pyoxigraph as ox

VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")

#: Path under the base → (title zh, title en, description zh, description en).
NAMED_GRAPHS: dict[str, tuple[str, str, str, str]] = {
    "data/ontology": (
        "本体与代码表", "Ontology and code lists",
        "本体（类、属性及其定义）、指标、单位、数值类型等 SKOS 代码表，以及 Data Cube 结构定义。",
        "The ontology (classes, properties and their definitions), the SKOS code lists of indicators, units and "
        "value kinds, and the Data Cube structure definition."),
    "data/asserted": (
        "断言的事实", "Asserted facts",
        "从报道中编码的事实：机构、人物、地点、举措、统计观测，以及每个事实的原文出处。",
        "The facts encoded from the articles: organisations, people, places, initiatives, statistical observations, "
        "and the source sentence of each fact."),
    "data/inferred": (
        "推理所得的三元组", "Inferred triples",
        "OWL 2 RL 推理（owlrl）在本体与断言事实上新得到的三元组；查询时用 GRAPH <…/data/asserted> 可排除它们。",
        "The triples OWL 2 RL reasoning (owlrl) adds to the ontology and the asserted facts; query "
        "GRAPH <…/data/asserted> to leave them out."),
    "data/links": (
        "外部链接", "Links to other datasets",
        "指向 Wikidata、ROR、GeoNames 等的链接，以及行政区划代码；每条链接都有证据（data/links-allowlist.csv）。",
        "Links to Wikidata, ROR, GeoNames and others, and the division codes; every link has its evidence "
        "(data/links-allowlist.csv)."),
    "data/catalog": (
        "数据目录（DCAT 与 VoID）", "Catalogue (DCAT and VoID)",
        "数据集、命名图、下载文件与 SPARQL 服务的描述（DCAT-AP 3 与 VoID），统计数字由数据计算得出。",
        "The description of the dataset, its named graphs, downloads and SPARQL service (DCAT-AP 3 and VoID), with "
        "counts computed from the data."),
}
#: Graphs whose size the catalog states elsewhere (the linkset's) or cannot state (its own).
COUNTED_ELSEWHERE = ("data/links", "data/catalog")


def describe_graphs(store: ox.Store, base: str, graph: ox.NamedNode) -> list[ox.Quad]:
    """The catalog's description of every named graph of :data:`NAMED_GRAPHS` the store holds (quads in ``graph``)."""
    present = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)} | {graph.value}
    dataset = ox.NamedNode(base + "data/dalian-kg")
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(s, ox.NamedNode(p), o, graph))

    for path, (title_zh, title_en, text_zh, text_en) in NAMED_GRAPHS.items():
        node = ox.NamedNode(base + path)
        if node.value not in present:
            continue
        add(node, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
        for predicate in (RDFS_LABEL, DCT + "title"):
            add(node, predicate, ox.Literal(title_zh, language="zh"))
            add(node, predicate, ox.Literal(title_en, language="en"))
        add(node, DCT + "description", ox.Literal(text_zh, language="zh"))
        add(node, DCT + "description", ox.Literal(text_en, language="en"))
        add(node, VOID + "dataDump", ox.NamedNode(node.value + ".nq"))
        if path == "data/catalog":
            continue
        add(node, DCT + "isPartOf", dataset)
        if path != "data/links":  # catalog.ttl already lists the linkset
            add(dataset, VOID + "subset", node)
        if path not in COUNTED_ELSEWHERE:
            size = sum(1 for _ in store.quads_for_pattern(None, None, None, node))
            add(node, VOID + "triples", ox.Literal(str(size), datatype=XSD_INTEGER))
    return quads

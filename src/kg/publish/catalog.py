"""The dataset described for catalogue harvesters: DCAT 3 and VoID, with every count computed from the data.

The hand-written part (titles, licence, coverage) is ``data/catalog.ttl``; this module adds the statistics,
class and property partitions, example resources, vocabularies, the SPARQL service and the distributions.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.formats import BY_MEDIA_TYPE, EU_FILE_TYPE, FILE_FORMATS
from kg.namespaces import rebase_bytes
from kg.publish.graphs import describe_graphs
from kg.queries import query as app_query

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
IANA = "https://www.iana.org/assignments/media-types/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Example resources a harvester can start from (paths under the base).
EXAMPLES = ("id/org/neusoft", "id/division/210200", "id/article/civil-affairs", "def/ontology")



def _count(store: ox.Store, query: str, graph_filter: list[ox.NamedNode]) -> int:
    rows = list(store.query(query, default_graph=graph_filter))
    return int(rows[0]["n"].value) if rows else 0


#: EU file-type authority table entries for the published media types (DCAT-AP's dct:format), from kg.formats.
FILE_TYPES = {f.media_type: f.eu_file_type for f in (*BY_MEDIA_TYPE.values(), *FILE_FORMATS) if f.eu_file_type}
SPDX = "http://spdx.org/rdf/terms#"


def _linkset_statements(store: ox.Store, quads: list[ox.Quad], links: ox.NamedNode) -> list[tuple]:
    """Each target's linkset (a void:subset of the links graph in data/catalog.ttl) with its link count and link
    predicates, found by the void:uriSpace of its void:objectsTarget."""
    subset, target, space = (ox.NamedNode(VOID + name) for name in ("subset", "objectsTarget", "uriSpace"))
    targets = {q.subject: q.object for q in quads if q.predicate == target}
    spaces = {q.subject: q.object.value for q in quads if q.predicate == space}
    linksets = [q.object for q in quads if q.subject == links and q.predicate == subset]
    rows = list(store.query(app_query("void_links"), default_graph=[links]))
    statements: list[tuple] = []
    for linkset in linksets:
        uri_space = spaces.get(targets.get(linkset))
        mine = [row["p"] for row in rows if uri_space and row["o"].value.startswith(uri_space)]
        statements.append((linkset, VOID + "triples", ox.Literal(str(len(mine)), datatype=XSD_INTEGER)))
        statements += [(linkset, VOID + "linkPredicate", p) for p in sorted(set(mine), key=lambda p: p.value)]
    return statements


def build_catalog(
    store: ox.Store, catalog_file: Path, *, base: str, sizes: dict[str, int], media_types: dict[str, str],
    checksums: dict[str, str] | None = None, triples: dict[str, int] | None = None,
    titles: dict[str, tuple[str, str]] | None = None,
) -> list[ox.Quad]:
    """The catalog graph ``{base}data/catalog`` for the data in ``store`` (which must not contain it yet).

    ``titles``: the per-indicator CSV files with their indicator's name (zh, en).
    """
    graph = ox.NamedNode(base + "data/catalog")
    graphs = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    quads = [
        ox.Quad(q.subject, q.predicate, q.object, graph)
        for q in ox.parse(rebase_bytes(catalog_file.read_bytes(), base), format=ox.RdfFormat.TURTLE,
                          base_iri=base)
    ]
    dataset = ox.NamedNode(base + "data/dalian-kg")

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        quads.append(ox.Quad(s, ox.NamedNode(p), o, graph))

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=XSD_INTEGER)

    stats = app_query("void_statistics")
    row = next(iter(store.query(stats, default_graph=graphs, prefixes={"kgid": base + "id/"})))
    for name in ("triples", "entities", "classes", "properties", "distinctSubjects", "distinctObjects"):
        add(dataset, VOID + name, integer(int(row[name].value)))
    add(dataset, VOID + "uriSpace", ox.Literal(base + "id/"))
    add(dataset, VOID + "sparqlEndpoint", ox.NamedNode(base + "sparql"))
    add(dataset, VOID + "rootResource", ox.NamedNode(base + "id/page/livelihood-14fyp"))
    for path in EXAMPLES:
        add(dataset, VOID + "exampleResource", ox.NamedNode(base + path))

    partitions = app_query("void_partitions")
    for solution in store.query(partitions, default_graph=graphs):
        part = ox.BlankNode()
        if solution["class"] is not None:
            add(dataset, VOID + "classPartition", part)
            add(part, VOID + "class", solution["class"])
            add(part, VOID + "entities", integer(int(solution["n"].value)))
        else:
            add(dataset, VOID + "propertyPartition", part)
            add(part, VOID + "property", solution["property"])
            add(part, VOID + "triples", integer(int(solution["n"].value)))

    for vocabulary in sorted(_vocabularies(store, graphs, base)):
        add(dataset, VOID + "vocabulary", ox.NamedNode(vocabulary))

    links = ox.NamedNode(base + "data/links")
    link_rows = store.query(app_query("void_link_predicates"), default_graph=[links])
    total_links = 0
    for solution in link_rows:
        add(links, VOID + "linkPredicate", solution["p"])
        total_links += int(solution["n"].value)
    add(links, VOID + "triples", integer(total_links))
    for statement in _linkset_statements(store, quads, links):
        add(*statement)

    cube = ox.NamedNode(base + "data/livelihood-14fyp")
    observations = _count(store, app_query("void_observation_count"), graphs)
    add(cube, VOID + "entities", integer(observations))

    service = ox.NamedNode(base + "sparql")
    add(service, str(RDF_TYPE.value), ox.NamedNode(DCAT + "DataService"))
    add(service, str(RDFS_LABEL.value), ox.Literal("SPARQL 1.1 查询服务", language="zh"))
    add(service, str(RDFS_LABEL.value), ox.Literal("SPARQL 1.1 query service", language="en"))
    add(service, DCT + "title", ox.Literal("SPARQL 1.1 查询服务", language="zh"))
    add(service, DCT + "title", ox.Literal("SPARQL 1.1 query service", language="en"))
    add(service, DCAT + "endpointURL", service)
    add(service, DCAT + "endpointDescription", service)
    add(service, DCAT + "servesDataset", dataset)
    add(service, DCT + "conformsTo", ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/"))
    add(dataset, DCAT + "accessService", service)

    for name, size in sizes.items():
        distribution = ox.NamedNode(f"{base}data/dalian-kg/distribution/{name}")
        download = ox.NamedNode(f"{base}downloads/{name}")
        media_type = media_types[name].split(";")[0]
        inferred = "-inferred" in name
        add(dataset, DCAT + "distribution", distribution)
        add(distribution, str(RDF_TYPE.value), ox.NamedNode(DCAT + "Distribution"))
        add(distribution, DCAT + "downloadURL", download)
        add(distribution, DCAT + "accessURL", download)
        add(distribution, DCAT + "mediaType", ox.NamedNode(IANA + media_type))
        add(ox.NamedNode(IANA + media_type), str(RDF_TYPE.value), ox.NamedNode(DCT + "MediaType"))
        if media_type in FILE_TYPES:
            file_type = ox.NamedNode(EU_FILE_TYPE + FILE_TYPES[media_type])
            add(distribution, DCT + "format", file_type)
            add(file_type, str(RDF_TYPE.value), ox.NamedNode(DCT + "MediaTypeOrExtent"))
        add(distribution, DCAT + "byteSize", integer(size))
        if checksums and name in checksums:
            checksum = ox.BlankNode()
            add(distribution, SPDX + "checksum", checksum)
            add(checksum, str(RDF_TYPE.value), ox.NamedNode(SPDX + "Checksum"))
            add(checksum, SPDX + "algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256"))
            add(checksum, SPDX + "checksumValue", ox.Literal(checksums[name],
                                                              datatype=ox.NamedNode(XSD + "hexBinary")))
        if triples and name in triples:
            add(distribution, VOID + "triples", integer(triples[name]))
        add(distribution, DCT + "license", ox.NamedNode("https://creativecommons.org/licenses/by/4.0/"))
        zh, en = _distribution_titles(name, inferred, (titles or {}).get(name))
        add(distribution, DCT + "description", ox.Literal(f"{zh}：{name}，{media_type}。", language="zh"))
        add(distribution, DCT + "description", ox.Literal(f"{en}: {name}, {media_type}.", language="en"))
        add(distribution, DCT + "title", ox.Literal(zh, language="zh"))
        add(distribution, DCT + "title", ox.Literal(en, language="en"))
        add(distribution, str(RDFS_LABEL.value), ox.Literal(zh, language="zh"))
        add(distribution, str(RDFS_LABEL.value), ox.Literal(en, language="en"))
        if name.endswith(".csv"):
            add(distribution, DCT + "conformsTo", ox.NamedNode("http://www.w3.org/ns/csvw"))
            metadata = "csv-metadata.json" if titles and name in titles else f"{name}-metadata.json"
            add(distribution, DCAT + "describedBy", ox.NamedNode(f"{base}downloads/{metadata}"))
        else:
            add(dataset, VOID + "dataDump", download)
    return quads + describe_graphs(store, base, graph)


def _distribution_titles(name: str, inferred: bool, indicator: tuple[str, str] | None) -> tuple[str, str]:
    if indicator:
        return f"指标“{indicator[0]}”的观测数据（CSV）", f"Observations of “{indicator[1]}” (CSV)"
    if name.endswith(".csv"):
        return "观测数据表（CSV，含 CSVW 元数据）", "Observations as tidy CSV (with CSVW metadata)"
    fmt = name.rsplit(".", 1)[1].upper()
    if inferred:
        return f"全部三元组含推理结果（{fmt}）", f"All triples with OWL 2 RL inferences ({fmt})"
    return f"断言三元组（{fmt}）", f"Asserted triples ({fmt})"


def _vocabularies(store: ox.Store, graphs: list[ox.NamedNode], base: str) -> set[str]:
    """Namespaces of every predicate and class used (the part up to the last '#' or '/')."""
    terms = store.query(app_query("void_terms_used"), default_graph=graphs)
    namespaces = set()
    for solution in terms:
        iri = solution["t"].value
        cut = max(iri.rfind("#"), iri.rfind("/"))
        namespaces.add(iri[: cut + 1])
    return {ns for ns in namespaces if not ns.startswith(base) or ns.endswith("#")}

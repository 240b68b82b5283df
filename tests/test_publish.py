"""What a data-catalogue harvester, a spreadsheet user and a dump downloader get is complete and consistent."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF, VOID

from kg.config import Settings
from kg.publish import DUMPS, publish
from kg.publish.tables import CSV_COLUMNS

BASE = "http://kg.test/"
QB_OBS = "http://purl.org/linked-data/cube#Observation"


@pytest.fixture(scope="module")
def publication():
    return publish(Settings.from_env(canonical_base=BASE))  # the data moved to another base at build time


@pytest.fixture(scope="module")
def store(publication) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(publication.path("dataset.nq")), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def catalog(publication) -> Graph:
    return Graph().parse(publication.path("void.ttl"), format="turtle")


def _graph_sizes(store: ox.Store) -> dict[str, int]:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows}


@pytest.mark.parametrize("name", list(DUMPS))
def test_every_dump_parses_and_has_the_right_triples(publication, store, name):
    fmt = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "jsonld": "json-ld"}[name.rsplit(".", 1)[1]]
    parsed = Dataset() if fmt == "nquads" else Graph()
    parsed.parse(publication.path(name), format=fmt)
    sizes = _graph_sizes(store)
    inferred = sizes[BASE + "data/inferred"] if "-inferred" in name else 0
    expected = sum(n for g, n in sizes.items() if g not in (BASE + "data/inferred", BASE + "data/catalog")) + inferred
    if fmt == "nquads":
        assert len(list(parsed.quads((None, None, None, None)))) == expected  # one quad per graph a triple is in
    else:
        assert 0 < len(parsed) <= expected  # a triple asserted in two graphs counts once
        assert len(parsed) >= expected * 0.95
    neusoft = URIRef(BASE + "id/org/neusoft")
    assert any(parsed.quads((neusoft, None, None, None))) if fmt == "nquads" else (neusoft, None, None) in parsed


def test_catalog_lists_every_dump_with_its_real_size_and_media_type(publication, catalog):
    distributions = list(catalog.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == len(DUMPS) + 1 + len(publication.indicator_files())  # + the CSVs
    for distribution in distributions:
        url = str(catalog.value(distribution, DCAT.downloadURL))
        name = url.rsplit("/", 1)[1]
        assert url == f"{BASE}downloads/{name}"
        assert int(catalog.value(distribution, DCAT.byteSize)) == publication.path(name).stat().st_size
        media = str(catalog.value(distribution, DCAT.mediaType))
        assert media == "https://www.iana.org/assignments/media-types/" + publication.media_type(name).split(";")[0]


def test_void_counts_are_computed_from_the_data(store, catalog):
    dataset = URIRef(BASE + "data/dalian-kg")
    sizes = _graph_sizes(store)
    total = sum(n for g, n in sizes.items() if g != BASE + "data/catalog")
    assert int(catalog.value(dataset, VOID.triples)) == total
    observations = len(list(store.query(f"SELECT DISTINCT ?o WHERE {{ GRAPH ?g {{ ?o a <{QB_OBS}> }} }}")))
    cube = URIRef(BASE + "data/livelihood-14fyp")
    assert int(catalog.value(cube, VOID.entities)) == observations > 100
    partitions = {catalog.value(p, VOID["class"]): int(catalog.value(p, VOID.entities))
                  for p in catalog.objects(dataset, VOID.classPartition)}
    assert partitions[URIRef(QB_OBS)] == observations
    assert catalog.value(dataset, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    assert (URIRef(BASE + "data/links"), RDF.type, VOID.Linkset) in catalog
    assert (None, VOID.linkPredicate, URIRef("http://www.w3.org/2002/07/owl#sameAs")) in catalog
    assert catalog.value(dataset, VOID.uriSpace) == Literal(BASE + "id/")


def test_each_link_target_has_its_linkset_and_every_link_is_counted_in_one(store, catalog):
    """VoID: one void:Linkset per target dataset, each with the links whose object is in the target's uriSpace and
    their predicates; together they hold every link out of the links graph (an undeclared target fails here)."""
    links = URIRef(BASE + "data/links")
    outward = [(row["p"].value, row["o"].value) for row in store.query(
        f"SELECT ?p ?o WHERE {{ GRAPH <{links}> {{ ?s ?p ?o FILTER(isIRI(?o) && !STRSTARTS(STR(?o), '{BASE}')) }} }}")]
    assert len(outward) > 20
    linksets = list(catalog.objects(links, VOID.subset))
    counted = 0
    for linkset in linksets:
        assert (linkset, RDF.type, VOID.Linkset) in catalog
        space = str(catalog.value(catalog.value(linkset, VOID.objectsTarget), VOID.uriSpace))
        mine = [(p, o) for p, o in outward if o.startswith(space)]
        assert mine, f"{linkset} links to nothing"
        assert int(catalog.value(linkset, VOID.triples)) == len(mine)
        assert {str(p) for p in catalog.objects(linkset, VOID.linkPredicate)} == {p for p, _ in mine}
        counted += len(mine)
    assert counted == len(outward), "a link whose target has no linkset in data/catalog.ttl"
    targets = {str(catalog.value(linkset, VOID.objectsTarget)) for linkset in linksets}
    assert {"https://www.wikidata.org/", "https://ror.org/", "http://qudt.org/"} <= targets


def test_every_ontology_file_is_in_the_ontology_graph_of_the_dumps(store, catalog):
    """ontology/*.ttl (but the shapes) are loaded into data/ontology and published: the code lists of identifiers
    (ontology/identifiers.ttl) beside the ontology, the other code lists and COFOG; VoID names their vocabularies."""
    from kg.graph.load import source_files
    from kg.namespaces import GRAPH_ONTOLOGY

    files = {path.name for path in source_files(Settings.from_env())[GRAPH_ONTOLOGY]}
    assert files == {"dalian-kg.ttl", "codelists.ttl", "cofog.ttl", "identifiers.ttl"}
    skos = "http://www.w3.org/2004/02/skos/core#"
    one_of_each = {"dalian-kg.ttl": ("def/ontology", "http://www.w3.org/2002/07/owl#Ontology"),
                   "codelists.ttl": ("def/division-level", skos + "ConceptScheme"),
                   "cofog.ttl": ("http://linked.data.gov.au/def/cofog/107", skos + "Concept"),
                   "identifiers.ttl": ("def/division-code", skos + "ConceptScheme")}
    for name, (subject, cls) in one_of_each.items():
        iri = subject if subject.startswith("http") else BASE + subject
        assert store.query(f"ASK {{ GRAPH <{BASE}data/ontology> {{ <{iri}> a <{cls}> }} }}"), name
    assert store.query(f"""ASK {{ GRAPH <{BASE}data/ontology> {{
        <{BASE}def/sse-stock-code/600718> a <http://www.w3.org/ns/adms#Identifier> }} }}""")
    vocabularies = set(catalog.objects(URIRef(BASE + "data/dalian-kg"), VOID.vocabulary))
    assert URIRef("http://www.w3.org/ns/adms#") in vocabularies


def test_csv_has_one_row_per_observation_with_the_graph_values(publication, store):
    with open(publication.path("observations.csv"), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [name for name, *_ in CSV_COLUMNS]
    values = {
        row["o"].value: Decimal(row["v"].value)
        for row in store.query(
            "SELECT ?o ?v WHERE { GRAPH ?g { ?o <http://purl.org/linked-data/sdmx/2009/measure#obsValue> ?v } }"
        )
    }
    assert len(rows) == len(values)
    for row in rows:
        assert Decimal(row["value"]) == values[row["observation"]]
        assert row["quote"] and row["indicator_zh"] and row["indicator_en"] and row["unit"]
    by_iri = {row["observation"]: row for row in rows}
    life = next(row for iri, row in by_iri.items() if row["indicator"].endswith("/def/indicator/life-expectancy"))
    assert life["value"] == "82.45" and life["verbatim"] == "82.45岁" and life["area_zh"] == "大连市"


def test_csvw_metadata_describes_the_csv(publication):
    meta = json.loads(publication.path("observations.csv-metadata.json").read_text(encoding="utf-8"))
    assert meta["url"] == "observations.csv"
    columns = [c for c in meta["tableSchema"]["columns"] if not c.get("virtual")]
    assert [c["name"] for c in columns] == [name for name, *_ in CSV_COLUMNS]
    assert all(c["titles"]["zh"] and c["titles"]["en"] for c in columns)


def test_jsonld_dump_uses_the_published_context(publication):
    context = json.loads(publication.path("context.jsonld").read_text(encoding="utf-8"))["@context"]
    dump = json.loads(publication.path("dalian-kg.jsonld").read_text(encoding="utf-8"))
    assert dump["@context"]["dkg"] == context["dkg"] == BASE + "def/ontology#"

"""The CSV for spreadsheets: the columns people join on, CSVW metadata that csvw's ``csvw2json`` (the csv2json of the
``csvw`` package) turns into the graph's own observations, and a CSV per indicator listed in the catalog."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from kg.config import Settings
from kg.graph.normalise import normalise
from kg.publish import publish
from kg.publish.tables import CSV_COLUMNS, INDICATOR_METADATA

BASE = "http://kg.test/"
QB = "http://purl.org/linked-data/cube#"
SKOS_NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
CSVW2JSON = Path(sys.executable).with_name("csvw2json")


@pytest.fixture(scope="module")
def publication():
    return publish(Settings.from_env(canonical_base=BASE))


@pytest.fixture(scope="module")
def store(publication) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(publication.path("dataset.nq")), format=ox.RdfFormat.N_QUADS)
    return store


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def objects(store: ox.Store, subject: str, predicate: str) -> set[str]:
    pattern = store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None)
    return {quad.object.value for quad in pattern}


def test_columns_people_join_on(publication, store) -> None:
    rows = read_rows(publication.path("observations.csv"))
    assert list(rows[0]) == [column.name for column in CSV_COLUMNS]
    for name in ("area_code", "area_zh", "area_en", "area_wikidata", "indicator_code", "indicator_zh", "indicator_en",
                 "period_start", "period_end", "unit_printed", "unit_code", "kind_code"):
        assert name in rows[0], name
    for row in rows:
        area = row["area"]
        six_digits = {code for code in objects(store, area, SKOS_NOTATION) if code.isdigit() and len(code) == 6}
        assert row["area_code"] == " | ".join(sorted(six_digits)), area  # GB/T 2260, a plain string
        items = {iri.rsplit("/", 1)[1] for iri in objects(store, area, OWL_SAME_AS) if "wikidata.org/entity/Q" in iri}
        assert row["area_wikidata"] == " | ".join(sorted(items)), area
        assert row["indicator"] == BASE + "def/indicator/" + row["indicator_code"]
        assert row["unit_code"] in objects(store, row["unit"], SKOS_NOTATION)
        assert row["kind_code"] in objects(store, row["kind"], SKOS_NOTATION)
        assert row["unit_printed"] == normalise(row["verbatim"]).unit_word, row["verbatim"]  # 万/亿 in the value
        assert row["period_start"] and (not row["period_end"] or row["period_start"] <= row["period_end"])
    dalian = [row for row in rows if row["area"] == BASE + "id/division/210200"]
    assert dalian and {(r["area_code"], r["area_zh"], r["area_en"], r["area_wikidata"]) for r in dalian} == {
        ("210200", "大连市", "Dalian", "Q74881")}
    life = next(row for row in rows if row["indicator_code"] == "life-expectancy")
    assert (life["value"], life["unit_printed"], life["kind_code"]) == ("82.45", "岁", "reached")


def csvw2json(metadata: Path) -> dict:
    """Run the csvw package's converter (its command line, as a user would) on a metadata file."""
    result = subprocess.run([str(CSVW2JSON), str(metadata)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def expand(name: str) -> str:
    """A property name of csv2json output as an IRI (prefixed names are the CSVW initial context's)."""
    from csvw.metadata import NAMESPACES

    prefix, _, local = name.partition(":")
    return NAMESPACES[prefix] + local if prefix in NAMESPACES and not local.startswith("//") else name


#: Properties csv2json writes as IRIs (the columns with a valueUrl, and the virtual columns).
IRI_VALUED = {column.prop for column in CSV_COLUMNS if column.value} | {"rdf:type", "qb:dataSet"}


def described(document: dict) -> dict[str, set[tuple[str, object]]]:
    """Observation IRI → (property IRI, value) pairs from csv2json output (IRIs as str, numbers as Decimal)."""
    found: dict[str, set[tuple[str, object]]] = {}
    for table in document["tables"]:
        for row in table["row"]:
            for thing in row["describes"]:
                pairs = found.setdefault(thing["@id"], set())
                for key, values in thing.items():
                    if key == "@id":
                        continue
                    for value in values if isinstance(values, list) else [values]:
                        if isinstance(value, float | int):
                            value = Decimal(str(value))
                        elif isinstance(value, str) and value.startswith("qb:"):
                            value = QB + value[3:]
                        pairs.add((expand(key), value))
    return found


def graph_pairs(store: ox.Store, observation: str, properties: set[str]) -> set[tuple[str, object]]:
    pairs = set()
    for quad in store.quads_for_pattern(ox.NamedNode(observation), None, None, None):
        if quad.predicate.value not in properties:
            continue
        value = quad.object
        pairs.add((quad.predicate.value, Decimal(value.value) if isinstance(value, ox.Literal)
                   and value.datatype.value.endswith("#decimal") else value.value))
    return pairs


def test_csv2json_gives_back_the_graphs_observations(publication, store) -> None:
    found = described(csvw2json(publication.path("observations.csv-metadata.json")))
    observations = {q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode(str(RDF.type)), ox.NamedNode(QB + "Observation"), None)}
    assert set(found) == observations, "every @id is an observation IRI, unmangled"
    properties = {p for pairs in found.values() for p, _ in pairs}
    assert len(properties) >= 12
    for observation, pairs in found.items():
        assert pairs == graph_pairs(store, observation, properties), observation


def test_a_csv_per_indicator_with_its_csvw_metadata(publication) -> None:
    rows = read_rows(publication.path("observations.csv"))
    files = publication.indicator_files()
    assert {f"indicator-{row['indicator_code']}.csv" for row in rows} == set(files)
    seen = []
    for name in files:
        part = read_rows(publication.path(name))
        assert {row["indicator_code"] for row in part} == {name.removeprefix("indicator-").removesuffix(".csv")}
        seen += part
    assert sorted(seen, key=lambda r: r["observation"]) == rows
    group = json.loads(publication.path(INDICATOR_METADATA).read_text(encoding="utf-8"))
    assert sorted(table["url"] for table in group["tables"]) == files
    found = described(csvw2json(publication.path(INDICATOR_METADATA)))
    assert set(found) == {row["observation"] for row in rows}


def test_each_indicator_csv_is_a_catalogued_distribution(publication) -> None:
    catalog = Graph().parse(publication.path("void.ttl"), format="turtle")
    dataset = URIRef(BASE + "data/dalian-kg")
    for name in publication.indicator_files():
        distribution = URIRef(f"{BASE}data/dalian-kg/distribution/{name}")
        assert (dataset, DCAT.distribution, distribution) in catalog
        assert catalog.value(distribution, DCAT.downloadURL) == URIRef(BASE + "downloads/" + name)
        described_by = URIRef(str(DCAT) + "describedBy")
        assert catalog.value(distribution, described_by) == URIRef(BASE + "downloads/" + INDICATOR_METADATA)
        assert int(catalog.value(distribution, DCAT.byteSize)) == publication.path(name).stat().st_size
        assert catalog.value(distribution, DCTERMS["format"]) is not None
        assert {t.language for t in catalog.objects(distribution, DCTERMS.title)} == {"zh", "en"}

"""The catalog validates against the official DCAT-AP 3.0.0 SHACL shapes (vendored in tests/data/dcat-ap-3.0.0,
CC BY 4.0, © European Union), run as the standard says: pySHACL with RDFS inference, on the catalog graph alone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyshacl
import pytest
import rdflib

from kg.config import Settings
from kg.publish.dumps import DUMPS, publish

SHAPES = Path(__file__).resolve().parent / "data" / "dcat-ap-3.0.0"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


@pytest.fixture(scope="module")
def catalog() -> rdflib.Graph:
    return rdflib.Graph().parse(publish(Settings.from_env()).path("void.ttl"), format="turtle")


def violations(data: rdflib.Graph, shapes_file: str) -> list[str]:
    shapes = rdflib.Graph().parse(SHAPES / shapes_file, format="turtle")
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="rdfs")
    return [] if conforms else [line for line in text.splitlines() if "Message" in line or "Focus" in line]


@pytest.mark.parametrize("shapes_file", ["dcat-ap-SHACL.ttl", "range.ttl"])
def test_the_catalog_conforms_to_dcat_ap_3(catalog: rdflib.Graph, shapes_file: str) -> None:
    assert violations(catalog, shapes_file) == []


def test_the_validator_finds_the_known_bad_example() -> None:
    """The check can fail: the shapes' own bad example gives violations with the same call."""
    bad = rdflib.Graph().parse(SHAPES / "check-catalog-bad.ttl", format="turtle")
    assert violations(bad, "dcat-ap-SHACL.ttl")


def test_every_distribution_has_size_checksum_format_and_triple_count(catalog: rdflib.Graph) -> None:
    publication = publish(Settings.from_env())

    for distribution in catalog.subjects(rdflib.RDF.type, DCAT.Distribution):
        name = str(distribution).rsplit("/", 1)[-1]
        path = publication.path(name)
        assert int(catalog.value(distribution, DCAT.byteSize)) == path.stat().st_size
        checksum = catalog.value(distribution, SPDX.checksum)
        assert str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(path.read_bytes()).hexdigest()
        assert catalog.value(distribution, rdflib.URIRef("http://purl.org/dc/terms/format")) is not None
        if name in DUMPS:
            fmt = "nquads" if name.endswith(".nq") else {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[
                name.rsplit(".", 1)[1]]
            if fmt == "nquads":
                count = sum(1 for _ in rdflib.Dataset().parse(path, format=fmt).quads((None, None, None, None)))
            else:
                count = len(rdflib.Graph().parse(path, format=fmt))
            assert int(catalog.value(distribution, VOID.triples)) == count, name

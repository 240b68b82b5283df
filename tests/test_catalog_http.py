"""Downloads and the dataset description over HTTP, on every backend."""

from __future__ import annotations

import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF, VOID

from kg.namespaces import CANONICAL_BASE
from kg.publish.dumps import DUMPS, Publication


def test_well_known_void_describes_the_dataset(server):
    response = requests.get(server + ".well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    graph = Graph().parse(data=response.text, format="turtle")
    dataset = URIRef(CANONICAL_BASE + "data/dalian-kg")
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert int(graph.value(dataset, VOID.triples)) > 10_000
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(CANONICAL_BASE + "sparql")
    names = {str(graph.value(d, DCAT.downloadURL)).rsplit("/", 1)[1] for d in graph.objects(dataset, DCAT.distribution)}
    assert {*DUMPS, "observations.csv"} <= names
    assert all(name.startswith("indicator-") and name.endswith(".csv") for name in names - {*DUMPS, "observations.csv"})
    assert len(names) > len(DUMPS) + 100, "a CSV per indicator"


def test_well_known_void_sends_browsers_to_the_dataset_page(server):
    response = requests.get(server + ".well-known/void", headers={"Accept": "text/html"}, timeout=30,
                            allow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"] == "/data/dalian-kg"  # relative: never built from the Host header


def test_every_distribution_downloads_with_its_media_type_and_size(server):
    graph = Graph().parse(data=requests.get(server + ".well-known/void", timeout=30).text, format="turtle")
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        url = str(graph.value(distribution, DCAT.downloadURL))  # canonical: served at the same path here
        assert url.startswith(CANONICAL_BASE + "downloads/")
        response = requests.get(server + url.removeprefix(CANONICAL_BASE), timeout=60)
        assert response.status_code == 200, url
        name = url.rsplit("/", 1)[1]
        assert response.headers["Content-Type"].split(";")[0] == Publication.media_type(name).split(";")[0]
        assert len(response.content) == int(graph.value(distribution, DCAT.byteSize)), url


def test_downloads_page_and_unknown_file(server):
    page = requests.get(server + "downloads/", timeout=30)
    assert page.status_code == 200 and "observations.csv" in page.text
    assert requests.get(server + "downloads/..%2Fpyproject.toml", timeout=30).status_code == 404
    assert requests.get(server + "downloads/nothing.ttl", timeout=30).status_code == 404

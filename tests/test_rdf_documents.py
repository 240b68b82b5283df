"""RDF documents over real HTTP, on every backend: CORS, ETag and 304 on every RDF response (entity IRIs in every
format, the ontology, VoID, named graphs), JSON-LD compacted with the published context, and named-graph IRIs that
dereference to a page and to their content with their description."""

from __future__ import annotations

import json
import re
from collections import Counter

import pyoxigraph as ox
import pytest
import requests

from kg.formats import RDF_FORMATS
from kg.namespaces import CANONICAL_BASE

DOCUMENTS = ["id/org/neusoft", "def/indicator/life-expectancy", "def/ontology", ".well-known/void", "data/links"]
GRAPHS = ["data/ontology", "data/asserted", "data/inferred", "data/links", "data/catalog"]
VOID = "http://rdfs.org/ns/void#"


def _triples(data: bytes, fmt: ox.RdfFormat) -> Counter:
    """The triples of a document, blank nodes as ``_:`` (labels differ between serialisations)."""
    def term(t: object) -> object:
        return "_:" if isinstance(t, ox.BlankNode) else t
    return Counter((term(q.subject), q.predicate, term(q.object)) for q in ox.parse(data, format=fmt))


def _get(url: str, accept: str, **headers: str) -> requests.Response:
    return requests.get(url, headers={"Accept": accept, **headers}, timeout=60)


@pytest.mark.parametrize("path", DOCUMENTS)
def test_every_rdf_response_has_cors_an_etag_and_answers_304(server: str, path: str) -> None:
    tags = set()
    for fmt in RDF_FORMATS:
        response = _get(server + path, fmt.media_type)
        assert response.status_code == 200, (path, fmt.media_type)
        assert response.headers["Content-Type"].split(";")[0] == fmt.media_type
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
        assert "Accept" in response.headers["Vary"]
        etag = response.headers["ETag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag), etag
        tags.add(etag)
        again = _get(server + path, fmt.media_type, **{"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", (path, fmt.media_type)
        assert again.headers["ETag"] == etag and again.headers["Access-Control-Allow-Origin"] == "*"
        assert _get(server + path, fmt.media_type, **{"If-None-Match": '"other"'}).status_code == 200
    assert len(tags) == len(RDF_FORMATS), "each format has its own validator"


def test_suffix_urls_carry_the_same_headers(server: str) -> None:
    for fmt in RDF_FORMATS:
        response = requests.get(server + "id/org/neusoft" + fmt.suffix, timeout=60)
        assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
        assert _get(server + "id/org/neusoft" + fmt.suffix, "*/*",
                    **{"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_entity_jsonld_is_compacted_with_the_published_context(server: str) -> None:
    published = requests.get(server + "downloads/context.jsonld", timeout=30).json()["@context"]
    for path in ("id/org/neusoft", "id/division/210200", "def/indicator/life-expectancy"):
        document = _get(server + path, "application/ld+json").json()
        assert document["@context"] == published, path
        nodes = document.get("@graph", [document])
        ids = [node["@id"] for node in nodes if "@id" in node]
        assert len(ids) == len(set(ids)), f"{path}: one node object per subject"
        assert not [key for node in nodes for key in node if key.startswith("http")], "properties are compacted"
        as_jsonld = _triples(json.dumps(document).encode(), ox.RdfFormat.JSON_LD)
        as_ntriples = _triples(_get(server + path, "application/n-triples").content, ox.RdfFormat.N_TRIPLES)
        assert as_jsonld == as_ntriples, path


def _count(server: str, query: str) -> int:
    response = requests.post(server + "sparql", data={"query": query},
                             headers={"Accept": "application/sparql-results+json"}, timeout=60)
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("path", GRAPHS)
def test_named_graph_iris_dereference(server: str, path: str) -> None:
    iri, url = CANONICAL_BASE + path, server + path  # a canonical IRI, served at its path here
    size = _count(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
    assert size > 0
    page = _get(url + "?lang=en", "text/html")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert f"{size:,}" in page.text, "the page states the graph's triple count"
    assert 'href="/data/' in page.text and f"{path}.nq" in page.text
    quads = list(ox.parse(_get(url, "application/n-quads").content, format=ox.RdfFormat.N_QUADS))
    content = [q for q in quads if q.graph_name == ox.NamedNode(iri)]
    description = {q.triple for q in quads if q.graph_name == ox.DefaultGraph()}
    assert len(content) == size, "the graph's content, in its named graph"
    node = ox.NamedNode(iri)
    assert ox.Triple(node, ox.NamedNode(VOID + "dataDump"), ox.NamedNode(iri + ".nq")) in description
    titles = {t.object.language for t in description if t.subject == node
              and t.predicate.value == "http://purl.org/dc/terms/title"}
    assert titles == {"zh", "en"}
    if path not in ("data/links", "data/catalog"):
        triples = [t for t in description if t.subject == node and t.predicate.value == VOID + "triples"]
        assert [int(t.object.value) for t in triples] == [size]
    merged = set(_triples(_get(url, "text/turtle").content, ox.RdfFormat.TURTLE))
    assert merged == set(_triples(ox.serialize({q.triple for q in quads}, format=ox.RdfFormat.N_TRIPLES),
                                  ox.RdfFormat.N_TRIPLES)), "triple formats merge content and description"

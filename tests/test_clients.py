"""Entity IRIs in N3, N-Quads and TriG over real HTTP: each parses with rdflib and carries the entity's label."""

from __future__ import annotations

import pytest
import rdflib
import requests
from rdflib.namespace import RDFS

from kg.namespaces import CANONICAL_BASE

FORMATS = {"text/n3": "n3", "application/n-quads": "nquads", "application/trig": "trig"}


@pytest.mark.parametrize("media_type", FORMATS)
def test_entity_in_n3_nquads_trig(embedded_server: str, media_type: str) -> None:
    iri = CANONICAL_BASE + "id/org/neusoft"  # served at its path on this server
    response = requests.get(embedded_server + "id/org/neusoft", headers={"Accept": media_type}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    graph = rdflib.Dataset() if media_type != "text/n3" else rdflib.Graph()
    graph.parse(data=response.content, format=FORMATS[media_type])
    labels = [o for s, p, o, *_ in (graph.quads() if isinstance(graph, rdflib.Dataset) else graph)
              if s == rdflib.URIRef(iri) and p == RDFS.label]
    assert labels, response.text[:500]


def test_rdflib_dataset_over_sparqlstore(embedded_server: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    endpoint = embedded_server.rstrip("/") + "/sparql"
    query = f"SELECT ?l WHERE {{ <{CANONICAL_BASE}id/org/neusoft> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    for graph in (rdflib.Graph(store=SPARQLStore(endpoint)), rdflib.Dataset(store=SPARQLStore(endpoint))):
        assert len(list(graph.query(query))) > 0, type(graph)

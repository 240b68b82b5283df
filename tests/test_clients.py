"""Entity IRIs in N3, N-Quads and TriG over real HTTP: each parses with rdflib and carries the entity's label."""

from __future__ import annotations

import pytest
import rdflib
import requests
from rdflib.namespace import RDFS

FORMATS = {"text/n3": "n3", "application/n-quads": "nquads", "application/trig": "trig"}


@pytest.mark.parametrize("media_type", FORMATS)
def test_entity_in_n3_nquads_trig(embedded_server: str, media_type: str) -> None:
    iri = embedded_server.rstrip("/") + "/id/org/neusoft"
    response = requests.get(iri, headers={"Accept": media_type}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    graph = rdflib.Dataset() if media_type != "text/n3" else rdflib.Graph()
    graph.parse(data=response.content, format=FORMATS[media_type])
    labels = [o for s, p, o, *_ in (graph.quads() if isinstance(graph, rdflib.Dataset) else graph)
              if s == rdflib.URIRef(iri) and p == RDFS.label]
    assert labels, response.text[:500]

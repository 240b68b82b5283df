"""Apache Jena (Debian's libapache-jena-java) as a client: ``riot`` reads every dump and the dereferenced IRIs in each
RDF format, Jena's own HTTP client dereferences IRIs by content negotiation, and ``rsparql`` queries the running
endpoint (SELECT, ASK, CONSTRUCT) with the answers the local store gives. One JVM per batch (start-up is slow).

Skipped when Jena is missing, failed instead with KG_REQUIRE_CLIENTS=1 (tests/clients.py says how Jena is run).
"""

from __future__ import annotations

import concurrent.futures
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from rdflib.namespace import DCAT, RDF, VOID

import test_queries as examples
from clients import jena, require_jena, riot_counts
from kg.formats import RDF_FORMATS
from kg.namespaces import CANONICAL_BASE

#: IRIs dereferenced in every format: a hub organisation, a division, an indicator, an observation, an article,
#: the ontology, VoID and a named graph.
IRIS = ["id/org/neusoft", "id/division/210200", "def/indicator/life-expectancy",
        "id/obs/aesthetic-education-featured-schools-count-2021-2025", "id/article/health", "def/ontology",
        ".well-known/void", "data/links"]
#: The file name Jena reads a served document as, by the Content-Type the server sent (riot picks its parser by it).
SUFFIX_FOR = {f.media_type: f.suffix for f in RDF_FORMATS}
QUAD_SUFFIXES = (".nq", ".trig")


@pytest.fixture(scope="module", autouse=True)
def _jena() -> None:
    require_jena()


def _expected_size(document: bytes) -> int:
    """Triples in an N-Quads document as pyoxigraph reads it (each quad once, graphs kept)."""
    return len(list(ox.parse(document, format=ox.RdfFormat.N_QUADS)))


def test_riot_reads_every_dump_with_the_counts_the_catalog_states(embedded_server: str, tmp_path: Path) -> None:
    catalog = Graph().parse(data=requests.get(embedded_server + ".well-known/void", timeout=60).text,
                            format="turtle")
    stated = {}
    for distribution in catalog.subjects(RDF.type, DCAT.Distribution):
        name = str(catalog.value(distribution, DCAT.downloadURL)).rsplit("/", 1)[1]
        if catalog.value(distribution, VOID.triples) is not None:
            stated[name] = int(catalog.value(distribution, VOID.triples))
    assert len(stated) == 8, stated
    for name in [*stated, "dataset.nq", "void.ttl", "context.jsonld"]:
        (tmp_path / name).write_bytes(requests.get(embedded_server + "downloads/" + name, timeout=60).content)
    rdf = sorted(name for name in stated if not name.endswith(".jsonld")) + ["dataset.nq", "void.ttl"]
    jsonld = sorted(name for name in stated if name.endswith(".jsonld")) + ["context.jsonld"]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        counts_rdf = pool.submit(riot_counts, *(tmp_path / n for n in rdf))
        counts_jsonld = pool.submit(riot_counts, *(tmp_path / n for n in jsonld), syntax="jsonld10")
        counts = {**counts_rdf.result(), **counts_jsonld.result()}
    assert {name: counts[name] for name in stated} == stated
    assert counts["dataset.nq"] == _expected_size((tmp_path / "dataset.nq").read_bytes())
    assert counts["void.ttl"] == len(list(ox.parse(path=str(tmp_path / "void.ttl"), format=ox.RdfFormat.TURTLE)))
    assert counts["context.jsonld"] == 0


def test_riot_reads_every_iri_in_every_format(embedded_server: str, tmp_path: Path) -> None:
    """Each IRI asked for each RDF media type: riot parses what came back, as the Content-Type says, with the same
    number of triples as the N-Quads variant (quads for N-Quads and TriG, distinct triples for the others)."""
    expected: dict[str, int] = {}
    rdf, jsonld = [], []
    for index, path in enumerate(IRIS):
        nquads = requests.get(embedded_server + path, headers={"Accept": "application/n-quads"}, timeout=60).content
        quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
        for fmt in RDF_FORMATS:
            response = requests.get(embedded_server + path, headers={"Accept": fmt.media_type}, timeout=60)
            assert response.status_code == 200, (path, fmt.media_type)
            suffix = SUFFIX_FOR[response.headers["Content-Type"].split(";")[0]]
            name = f"{index}{suffix}"
            (tmp_path / name).write_bytes(response.content)
            expected[name] = len(quads) if suffix in QUAD_SUFFIXES else len({q.triple for q in quads})
            (jsonld if suffix == ".jsonld" else rdf).append(tmp_path / name)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        counts_rdf = pool.submit(riot_counts, *rdf)
        counts_jsonld = pool.submit(riot_counts, *jsonld, syntax="jsonld10")
        counts = {**counts_rdf.result(), **counts_jsonld.result()}
    assert counts == expected


def test_jena_dereferences_iris_with_its_own_content_negotiation(embedded_server: str) -> None:
    """Jena's HTTP client loads each IRI (its Accept header, and each suffix variant) as a named graph of a local
    query. JSON-LD is left out: Debian's Jena reads it only with a JSON-P provider Debian does not ship."""
    sources = {embedded_server + path: path for path in IRIS}
    sources |= {embedded_server + "id/org/neusoft" + f.suffix: "id/org/neusoft" for f in RDF_FORMATS
                if f.suffix != ".jsonld"}
    query = ("SELECT ?g (COUNT(*) AS ?n) " + " ".join(f"FROM NAMED <{iri}>" for iri in sources)
             + " WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    result = jena("arq.sparql", "--results=json", query)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = {b["g"]["value"]: int(b["n"]["value"]) for b in json.loads(result.stdout)["results"]["bindings"]}
    expected = {}
    for iri, path in sources.items():
        ntriples = requests.get(embedded_server + path, headers={"Accept": "application/n-triples"}, timeout=60)
        expected[iri] = len(set(ox.parse(ntriples.content, format=ox.RdfFormat.N_TRIPLES)))
    assert counts == expected


# ---------------------------------------------------------------- rsparql against the endpoint

#: One example query of each form: SELECT, ASK, CONSTRUCT.
RSPARQL_EXAMPLES = ["minimum-living-standards", "life-expectancy-above-80", "alliance-graph"]


def _rsparql(server: str, name: str) -> object:
    text = examples.query_text(name)
    graph_query = name == "alliance-graph"
    result = jena("arq.rsparql", "--service", server + "sparql", "--results=" + ("nt" if graph_query else "json"),
                  "--post" if name == "life-expectancy-above-80" else "--quiet", text)
    assert result.returncode == 0, (name, result.stderr[-3000:])
    if graph_query:
        graph = Graph().parse(data=result.stdout, format="nt")
        return {tuple(examples.norm_rdflib(term, CANONICAL_BASE) for term in triple) for triple in graph}
    document = json.loads(result.stdout)
    if "boolean" in document:
        return document["boolean"]
    names = document["head"]["vars"]
    bindings = document["results"]["bindings"]
    return Counter(tuple(examples.norm_json(b.get(n), CANONICAL_BASE) for n in names) for b in bindings)


def test_rsparql_select_ask_construct(server: str, canonical_store: ox.Store) -> None:
    with concurrent.futures.ThreadPoolExecutor(len(RSPARQL_EXAMPLES)) as pool:
        answers = dict(zip(RSPARQL_EXAMPLES, pool.map(lambda name: _rsparql(server, name), RSPARQL_EXAMPLES),
                           strict=True))
    for name in RSPARQL_EXAMPLES:
        assert answers[name] == examples.local_answer(canonical_store, name), name
    assert answers["life-expectancy-above-80"] is True

"""The /sparql endpoint over real HTTP (`kg serve --data tests/data/protocol.trig`): every method × format with
SPARQLWrapper and rdflib as clients, every negative case, caching, CORS, HEAD/OPTIONS, the service description."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TSV, URLENCODED, XML, SPARQLWrapper

from kg.namespaces import CANONICAL_BASE
from server import running_server

DATA = Path(__file__).parent / "data" / "protocol.trig"
SELECT = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
          "SELECT ?s ?label { ?s rdfs:label ?label } ORDER BY ?label")
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
N_TRIPLES_IN_UNION = 13  # every triple of protocol.trig (default + both named graphs)
RDF_PARSERS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
               "application/rdf+xml": "xml", "application/n-quads": "nquads", "text/n3": "n3",
               "application/trig": "trig"}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running_server("--data", str(DATA)) as url:
        yield url


@pytest.fixture(scope="module")
def endpoint(base: str) -> str:
    return base + "sparql"


def wrapper(endpoint: str, query: str, fmt: str, method: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method != "GET":
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED if method == "POST-form" else POSTDIRECTLY)
    return client


METHODS = ["GET", "POST-form", "POST-direct"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_select_with_sparqlwrapper(endpoint: str, fmt: str, method: str) -> None:
    result = wrapper(endpoint, SELECT, fmt, method).query()
    data = result.convert()
    if fmt == JSON:
        labels = [b["label"]["value"] for b in data["results"]["bindings"]]
        assert "东软集团" in labels and {"label": {"type": "literal", "value": "Dalian", "xml:lang": "en"},
                                       "s": {"type": "uri", "value": "http://example.org/t/dalian"}} in \
            data["results"]["bindings"]
    elif fmt == XML:
        labels = [node.firstChild.data for node in data.getElementsByTagName("literal")]
        assert "大连理工大学" in labels
    else:
        text = data.decode("utf-8")
        assert "大连" in text and len(text.strip().splitlines()) == 6
        assert text.splitlines()[0] == ("s,label" if fmt == CSV else "?s\t?label")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML])
@pytest.mark.parametrize(("query", "expected"), [("ASK { ?s a <http://example.org/t/City> }", True),
                                                  ("ASK { ?s a <http://example.org/t/Nothing> }", False)])
def test_ask_with_sparqlwrapper(endpoint: str, fmt: str, method: str, query: str, expected: bool) -> None:
    data = wrapper(endpoint, query, fmt, method).query().convert()
    if fmt == JSON:
        assert data["boolean"] is expected
    else:
        assert data.getElementsByTagName("boolean")[0].firstChild.data == str(expected).lower()


def send(endpoint: str, method: str, query: str, **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if method == "GET":
        return requests.get(endpoint, params={"query": query, **kwargs.pop("params", {})}, headers=headers,
                            timeout=30, **kwargs)
    if method == "POST-form":
        return requests.post(endpoint, data={"query": query, **kwargs.pop("params", {})}, headers=headers,
                             timeout=30, **kwargs)
    return requests.post(endpoint, data=query.encode(), params=kwargs.pop("params", {}),
                         headers={"Content-Type": "application/sparql-query", **headers}, timeout=30, **kwargs)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("media_type", list(RDF_PARSERS))
def test_construct_in_every_rdf_format(endpoint: str, media_type: str, method: str) -> None:
    response = send(endpoint, method, CONSTRUCT, headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == media_type
    if media_type in ("application/n-quads", "application/trig"):  # the triples, in the default graph
        dataset = rdflib.Dataset()
        dataset.parse(data=response.content, format=RDF_PARSERS[media_type])
        graph = dataset.default_graph
    else:
        graph = rdflib.Graph().parse(data=response.content, format=RDF_PARSERS[media_type])
    assert len(graph) == N_TRIPLES_IN_UNION
    assert rdflib.Literal("东软集团", lang="zh") in set(graph.objects())


@pytest.mark.parametrize(("fmt", "media_type"), [("ttl", "text/turtle"), ("nt", "application/n-triples"),
                                                 ("jsonld", "application/ld+json"), ("rdfxml", "application/rdf+xml")])
def test_describe_with_format_parameter(endpoint: str, fmt: str, media_type: str) -> None:
    response = send(endpoint, "GET", "DESCRIBE <http://example.org/t/dlut>", params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    graph = rdflib.Graph().parse(data=response.content, format=RDF_PARSERS[media_type])
    assert (rdflib.URIRef("http://example.org/t/dlut"), None, None) in graph


def test_select_format_parameter_overrides_accept(endpoint: str) -> None:
    response = send(endpoint, "GET", SELECT, params={"format": "csv"}, headers={"Accept": "application/json"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_tsv_escapes_tabs_and_newlines(endpoint: str) -> None:
    response = send(endpoint, "GET", "SELECT ?o { <http://example.org/t/neusoft> <http://example.org/t/note> ?o }",
                    headers={"Accept": "text/tab-separated-values"})
    assert response.text == '?o\n"a, \\"quoted\\"\\ttab\\nnewline"\n'


def test_default_graph_is_the_union(endpoint: str) -> None:
    data = send(endpoint, "GET", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").json()
    assert data["results"]["bindings"][0]["n"]["value"] == str(N_TRIPLES_IN_UNION)


@pytest.mark.parametrize("method", METHODS)
def test_protocol_dataset(endpoint: str, method: str) -> None:
    one = {"default-graph-uri": "http://example.org/g/one"}
    data = send(endpoint, method, "SELECT ?s { ?s a ?type }", params=one).json()
    assert [b["s"]["value"] for b in data["results"]["bindings"]] == ["http://example.org/t/neusoft"]
    named = {"named-graph-uri": "http://example.org/g/two"}
    data = send(endpoint, method, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }", params=named).json()
    assert [b["g"]["value"] for b in data["results"]["bindings"]] == ["http://example.org/g/two"]
    data = send(endpoint, method, "SELECT * { ?s ?p ?o }", params=named).json()
    assert data["results"]["bindings"] == []  # only named graphs given: the default graph is empty


def test_from_clause_wins_over_union(endpoint: str) -> None:
    data = send(endpoint, "GET", "SELECT ?s FROM <http://example.org/g/two> { ?s a ?t }").json()
    assert [b["s"]["value"] for b in data["results"]["bindings"]] == ["http://example.org/t/dlut"]


def count(endpoint: str) -> int:
    return int(send(endpoint, "GET", COUNT).json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(("method", "url_params", "kwargs", "status", "message"), [
    ("GET", "?query=ASK%7B%7D&query=ASK%7B%7D", {}, 400, "more than one query"),
    ("POST", "?query=ASK%7B%7D", {"data": {"query": "ASK {}"}}, 400, "more than one query"),
    ("POST", "", {"data": {"default-graph-uri": "http://x/"}}, 400, "missing query"),
    ("POST", "", {"data": b"", "headers": {"Content-Type": "application/sparql-query"}}, 400, "empty query"),
    ("GET", "?query=", {}, 400, "empty query"),
    ("GET", "?query=SELECT%20*%20%7B%0A%20%20%3Fs%20%3Fp%20%7D", {}, 400, "error at 2:"),
    ("GET", "?query=%FF", {}, 400, "UTF-8"),
    ("POST", "", {"data": b"query=%FF%FE", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
     400, "UTF-8"),
    ("POST", "", {"data": b"ASK \xff{}", "headers": {"Content-Type": "application/sparql-query"}}, 400, "UTF-8"),
    ("POST", "", {"data": "ASK {}".encode("utf-16"),
                  "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"}}, 400, "charset"),
    ("POST", "", {"data": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415, "text/plain"),
    ("POST", "", {"data": b"ASK {}"}, 415, "got none"),
    ("POST", "", {"data": b"query=ASK+%7B%7D"}, 415, "Content-Type"),
    ("PUT", "?query=ASK%7B%7D", {}, 405, "Method Not Allowed"),
    ("DELETE", "", {}, 405, "Method Not Allowed"),
    ("PATCH", "", {}, 405, "Method Not Allowed"),
    ("GET", "?query=SELECT%20*%20%7B%7D", {"headers": {"Accept": "image/png"}}, 406, "text/csv"),
    ("GET", "?query=CONSTRUCT%20%7B%7D%20%7B%7D", {"headers": {"Accept": "text/csv"}}, 406, "text/turtle"),
    ("GET", "?query=ASK%7B%7D&format=pdf", {}, 406, "Not Acceptable"),
    ("GET", "?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", {}, 400, "invalid graph IRI"),
    ("GET", "?query=SELECT%20*%20%7B%20SERVICE%20%3Chttp://evil.example/s%3E%20%7B%7D%20%7D", {}, 403,
     "SERVICE <http://evil.example/s> is not allowed"),
    ("GET", "?query=%7B%20%3Fs%20%3Fp%20%3Fo%20%7D", {}, 400, "not a SPARQL query"),
])
def test_bad_requests(endpoint: str, method: str, url_params: str, kwargs: dict, status: int, message: str) -> None:
    response = requests.request(method, endpoint + url_params, timeout=30, **kwargs)
    assert response.status_code == status, response.text
    assert message in response.text
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert len(response.text) < 600 and "Traceback" not in response.text
    if status == 405:
        assert response.headers["Allow"] == "GET, HEAD, POST, OPTIONS"


UPDATE = "INSERT DATA { <http://example.org/x> <http://example.org/y> <http://example.org/z> }"


@pytest.mark.parametrize(("method", "url_params", "kwargs", "status"), [
    ("POST", "", {"data": {"update": UPDATE}}, 403),
    ("POST", "", {"data": UPDATE.encode(), "headers": {"Content-Type": "application/sparql-update"}}, 403),
    ("GET", "?update=CLEAR%20ALL", {}, 403),
    ("POST", "", {"data": {"update": "CLEAR ALL"}}, 403),
    ("POST", "", {"data": {"update": ["CLEAR NAMED", "CLEAR DEFAULT"]}}, 403),
    ("POST", "", {"data": {"query": UPDATE}}, 403),
    ("GET", "?query=DROP%20ALL", {}, 403),
    ("GET", "?query=LOAD%20%3Chttp://127.0.0.1:9/x.ttl%3E", {}, 403),
    ("POST", "", {"data": b"SELECT * {} ; CLEAR ALL", "headers": {"Content-Type": "application/sparql-query"}}, 403),
])
def test_updates_are_refused_and_change_nothing(endpoint: str, method: str, url_params: str, kwargs: dict,
                                                status: int) -> None:
    before = count(endpoint)
    response = requests.request(method, endpoint + url_params, timeout=30, **kwargs)
    assert response.status_code == status, response.text
    assert "read-only" in response.text or "not accepted" in response.text
    assert count(endpoint) == before == N_TRIPLES_IN_UNION


def test_no_500_on_garbage(endpoint: str) -> None:
    nasty = ["\x00", "SELECT * { ?s ?p \x00 }", "'''", "<", "SELECT * { ?s ?p ?o } LIMIT 99999999999999999999999",
             "SELECT (1/0 AS ?x) {}", 'SELECT * { ?s ?p "\\uD800" }', "ASK {" * 500 + "}" * 500,
             "SELECT * WHERE { ?s ?p ?o FILTER(REGEX(?o, '(((')) }", "PREFIX : <x> ASK { :a :b :c }"]
    for query in nasty:
        for method in METHODS:
            response = send(endpoint, method, query)
            assert response.status_code < 500, (query, response.status_code, response.text)
    for accept in ["", ",,,;q=;", "*/*;q=abc", "x" * 5000, "text/html;q=0"]:
        response = send(endpoint, "GET", "ASK {}", headers={"Accept": accept})
        assert response.status_code in (200, 406), (accept, response.status_code)


def test_caching_headers_and_304(endpoint: str) -> None:
    first = send(endpoint, "GET", SELECT)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert "Accept" in first.headers["Vary"]
    again = send(endpoint, "GET", SELECT, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    other_type = send(endpoint, "GET", SELECT, headers={"Accept": "text/csv"})
    assert other_type.headers["ETag"] != etag
    other_dataset = send(endpoint, "GET", SELECT, params={"default-graph-uri": "http://example.org/g/one"})
    assert other_dataset.headers["ETag"] != etag


def test_head_has_headers_and_no_body(endpoint: str) -> None:
    get = send(endpoint, "GET", SELECT)
    head = requests.head(endpoint, params={"query": SELECT}, timeout=30)
    assert head.status_code == 200 and head.content == b""
    for name in ("Content-Type", "ETag", "Cache-Control", "Content-Length", "Access-Control-Allow-Origin"):
        assert head.headers[name] == get.headers[name]


def test_cors_preflight(endpoint: str) -> None:
    response = requests.options(endpoint, headers={"Origin": "http://elsewhere.example",
                                                   "Access-Control-Request-Method": "POST"}, timeout=30)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type, Accept"
    assert int(response.headers["Access-Control-Max-Age"]) > 0


SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.mark.parametrize(("accept", "parser"), [("text/turtle", "turtle"), ("application/rdf+xml", "xml"),
                                                ("application/n-triples", "nt"), (None, "turtle")])
def test_service_description(endpoint: str, accept: str | None, parser: str) -> None:
    response = requests.get(endpoint, headers={"Accept": accept} if accept else {}, timeout=30)
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format=parser)
    service = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert graph.value(service, SD.endpoint) == rdflib.URIRef(endpoint)
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = {str(o) for o in graph.objects(service, SD.resultFormat)}
    w3c = "http://www.w3.org/ns/formats/"
    assert formats == {w3c + name for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                                               "SPARQL_Results_TSV", "Turtle", "N-Triples", "N-Quads", "JSON-LD",
                                               "RDF_XML", "N3", "TriG")}
    dataset = graph.value(service, SD.defaultDataset)
    assert graph.value(dataset, SD.defaultGraph) is not None
    assert (dataset, rdflib.RDFS.seeAlso, rdflib.URIRef(endpoint.removesuffix("sparql") + ".well-known/void")) in graph
    names = {str(graph.value(ng, SD.name)) for ng in graph.objects(dataset, SD.namedGraph)}
    assert names == {"http://example.org/g/one", "http://example.org/g/two"}


@pytest.mark.parametrize("query", [None, SELECT])
def test_browsers_get_html(endpoint: str, query: str | None) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = requests.get(endpoint, params={"query": query} if query else {}, headers={"Accept": accept},
                            timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html" in response.text.lower() or "<form" in response.text.lower()


def test_json_is_valid_utf8(endpoint: str) -> None:
    response = send(endpoint, "GET", SELECT)
    assert "大连" in json.dumps(response.json(), ensure_ascii=False)


def test_builtin_graph_has_the_design_named_graphs(server: str) -> None:
    response = requests.get(server + "sparql", headers={"Accept": "text/turtle"}, timeout=30)
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    names = {str(name) for name in graph.objects(None, SD.name)}
    assert {CANONICAL_BASE + "data/" + g for g in ("asserted", "inferred", "links", "ontology")} <= names

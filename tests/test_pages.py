"""Entity pages over HTTP (Flask test client on create_app): wiring, status codes, negotiation, escaping."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from kg.config import Settings
from kg.formats import RDF_FORMATS
from kg.queries import query
from kg.store import Store
from kg.web import create_app
from stores import embedded_store

RDFLIB_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
                  "application/rdf+xml": "xml", "text/n3": "n3", "application/n-quads": "nquads",
                  "application/trig": "trig"}


@pytest.fixture(scope="module")
def store(project_store: Store) -> Store:
    return project_store


@pytest.fixture(scope="module")
def client(store):
    app = create_app(Settings(), store=store)
    app.config["TESTING"] = True
    return app.test_client()


def subjects(store) -> list[str]:
    rows = store.select(query("entity_subjects", store.base), {"base": ox.Literal(store.base)})
    # the entity routes serve id/, def/ and data/; other IRIs (the base itself, /sparql) belong to other pages
    return [r["s"].value for r in rows if r["s"].value[len(store.base):].startswith(("id/", "def/", "data/"))]


def own_triples(store, iri: str) -> int:
    rows = store.select("SELECT ?s (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?s",
                     {"s": ox.NamedNode(iri)})
    return int(rows[0]["n"].value)


NT_FORMAT = next(f for f in RDF_FORMATS if f.media_type == "application/n-triples")


def test_every_entity_answers_in_html_and_rdf(store, client):
    iris = subjects(store)
    assert len(iris) > 100
    for index, iri in enumerate(iris):
        path = "/" + iri[len(store.base):]
        if "#" in path:
            continue  # hash terms are described by their document (def/ontology)
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, path
        assert response.headers["Vary"].startswith("Accept")
        # every entity in N-Triples (cheap to parse); every format for every 25th entity and a hub
        formats = RDF_FORMATS if (index % 25 == 0 or path == "/id/org/neusoft") else [NT_FORMAT]
        for fmt in formats:
            response = client.get(path, headers={"Accept": fmt.media_type})
            assert response.status_code == 200, (path, fmt.media_type)
            assert response.mimetype == fmt.media_type
            graph = rdflib.Graph().parse(data=response.data, format=RDFLIB_FORMATS[fmt.media_type])
            assert len(set(graph.predicate_objects(rdflib.URIRef(iri)))) == own_triples(store, iri), (path, fmt)


def test_suffixes_and_link_headers(client):
    for fmt in RDF_FORMATS:
        response = client.get("/id/org/neusoft" + fmt.suffix)
        assert response.status_code == 200 and response.mimetype == fmt.media_type
    response = client.get("/id/org/neusoft")
    assert response.mimetype == "text/html"
    link = response.headers["Link"]
    for fmt in RDF_FORMATS:
        assert f'</id/org/neusoft{fmt.suffix}>; rel="alternate"; type="{fmt.media_type}"' in link


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.9", "text/turtle"),
    ("text/turtle;q=0.2, application/ld+json", "application/ld+json"),
    ("text/html;q=0.1, application/n-triples;q=0.8", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("*/*", "text/html"),
])
def test_q_values(client, accept, expected):
    assert client.get("/id/org/neusoft", headers={"Accept": accept}).mimetype == expected


def test_unknown_iri_is_404(client):
    response = client.get("/id/org/no-such-thing")
    assert response.status_code == 404 and b'name="q"' in response.data
    response = client.get("/id/org/no-such-thing", headers={"Accept": "text/turtle"})
    assert response.status_code == 404 and response.mimetype == "text/plain"
    assert client.get("/id/org/no-such-thing.ttl").status_code == 404


def test_ontology_document(client):
    html = client.get("/def/ontology").get_data(as_text=True)
    assert 'id="GovernmentAgency"' in html
    response = client.get("/def/ontology", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert (None, rdflib.RDF.type, rdflib.OWL.Ontology) in graph


def test_pages_render(client):
    organization = "/class?iri=http%3A%2F%2Fwww.w3.org%2Fns%2Forg%23Organization"
    for path in ("/", "/search?q=东软", "/search?q=dongruan", organization, organization + "&sort=facts&page=2",
                 "/id/article/health"):
        assert client.get(path).status_code == 200, path
    assert "/id/org/neusoft" in client.get("/search?q=dongruan").get_data(as_text=True)


def test_language_switch(client):
    zh = client.get("/id/org/neusoft?lang=zh").get_data(as_text=True)
    en = client.get("/id/org/neusoft?lang=en").get_data(as_text=True)
    assert '<html lang="zh">' in zh and "东软集团" in zh
    assert '<html lang="en">' in en and "Neusoft" in en
    english = client.get("/id/org/neusoft", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)


def test_article_highlight(client):
    html = client.get("/id/article/health").get_data(as_text=True)
    assert html.count("<mark") > 3
    anchor = html.split('<mark id="', 1)[1].split('"', 1)[0]
    highlighted = client.get(f"/id/article/health?highlight={anchor}").get_data(as_text=True)
    assert f'<mark id="{anchor}" class="current" aria-current="true">' in highlighted


def test_labels_are_escaped(tmp_path):
    settings = Settings(data_files=("tests/data/xss.ttl",))
    store = embedded_store(settings)
    client = create_app(settings, store=store).test_client()
    for lang in ("en", "zh"):
        html = client.get(f"/id/org/evil?lang={lang}").get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>not bold" not in html
        assert 'href="javascript:' not in html
    html = client.get("/id/org/evil?lang=en").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in html
    assert "&lt;script&gt;" in client.get("/search?q=script").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/class?iri=x", "/class?iri=%22%3C", "/id/a%20b", '/id/a"b', "/id/a<b", "/id/a{b",
                                  "/id/a%5Cb", "/id/a%60b", "/id/a%5Eb", "/id/a%7Cb", "/def/a%25b", "/data/a%20b.ttl"])
def test_text_that_cannot_be_an_iri_is_a_4xx_not_a_500(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code in (400, 404), (path, response.status_code)
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code in (400, 404), (path, turtle.status_code)

"""The /sparql HTML page (kg.web.ui): local assets only, prefixes and examples shown, the no-JavaScript form
runs a query and renders an escaped table, errors are readable.

Runs the real app (kg.web.create_app) over a real embedded store loaded with a small test graph; the example
queries come from a temporary folder (Settings.examples_dir).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kg.config import Settings
from kg.namespaces import prefixes_for
from kg.store import Store
from kg.views.examples import parse_example
from kg.web import create_app, ui
from stores import embedded_store

EXAMPLES = {
    "01-companies.rq": "# title@zh: 企业及其名称\n# title@en: Companies and their names\n"
    "# description: every dkg:Company with its labels\n"
    "PREFIX dkg: <{base}def/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?org ?label WHERE {{ ?org a dkg:Company ; rdfs:label ?label }} ORDER BY ?org ?label\n",
    "02-plain-title.rq": "#title: Everything\nSELECT * WHERE {{ ?s ?p ?o }} LIMIT 5\n",
}

DATA = """
@prefix dkg: <{base}def/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
<{base}id/org/neusoft> a dkg:Company ; rdfs:label "东软集团"@zh, "Neusoft"@en .
<{base}id/org/evil> a dkg:Company ; rdfs:label "<script>alert(1)</script>"@en .
<{base}id/obs/life-expectancy-2025> sdmx-measure:obsValue "82.45"^^xsd:decimal ;
    rdfs:seeAlso <http://www.wikidata.org/entity/Q74881> .
"""


def write_data(folder: Path, base: str) -> Path:
    """The test graph under ``base`` (``--data`` files are served as they are, not rebased)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ui.ttl"
    path.write_text(DATA.format(base=base), encoding="utf-8")
    return path


def write_examples(folder: Path, base: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in EXAMPLES.items():
        (folder / name).write_text(text.format(base=base), encoding="utf-8")
    return folder


def settings_for(tmp: Path, base: str, **settings: object) -> Settings:
    return Settings(data_files=(str(write_data(tmp / "data", base)),), canonical_base=base, cache_dir=tmp / "cache",
                    **settings)


def make_app(settings: Settings, store: Store, queries_dir: Path, node_modules: Path | None = None) -> Flask:
    """The real app (endpoint + ui blueprint) over ``store``, with example queries from ``queries_dir``."""
    settings = settings.but(examples_dir=queries_dir, **({"node_modules": node_modules} if node_modules else {}))
    return create_app(settings, store)


BASE = "http://localhost/"
HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return settings_for(tmp_path_factory.mktemp("ui"), BASE)


@pytest.fixture(scope="module")
def store(settings: Settings) -> Iterator[Store]:
    store = embedded_store(settings)
    yield store
    store.close()


@pytest.fixture()
def app(settings: Settings, store: Store, tmp_path: Path) -> Flask:
    return make_app(settings, store, write_examples(tmp_path / "queries", BASE))


@pytest.fixture()
def client(app: Flask):
    return app.test_client()


def _asset_urls(html: str) -> list[str]:
    return re.findall(r"<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", html)


def test_page_uses_local_assets_and_lists_prefixes_and_examples(client) -> None:
    res = client.get("/sparql", headers=HTML)
    assert res.status_code == 200
    assert res.mimetype == "text/html"
    html = res.get_data(as_text=True)
    urls = _asset_urls(html)
    assert urls, "the page loads its stylesheet"
    assert not [u for u in urls if u.startswith(("http://", "https://", "//"))], urls
    assert ui.yasgui_dir_for(Settings().node_modules) is not None, "scripts/setup installs YASGUI (npm ci)"
    assert "/static/yasgui/yasgui.min.js" in urls and "/static/yasgui/yasgui.min.css" in urls
    for name, iri in prefixes_for(BASE).items():
        assert f"PREFIX {name}: &lt;{iri}&gt;" in html
    assert "企业及其名称" in html and "Companies and their names" in html and "Everything" in html
    assert '<form id="kg-plain-form" class="kg-plain-form" method="post" action="/sparql">' in html
    assert "<textarea" in html and 'type="submit"' in html
    assert "?query=" in html  # examples are plain links too


def test_local_assets_are_served(client) -> None:
    res = client.get("/static/ui/sparql.js")
    assert res.status_code == 200
    assert b"Yasgui" in res.data
    assert client.get("/static/ui/sparql.css").status_code == 200
    assert ui.yasgui_dir_for(Settings().node_modules) is not None, "scripts/setup installs YASGUI (npm ci)"
    js = client.get("/static/yasgui/yasgui.min.js")
    assert js.status_code == 200 and len(js.data) > 100_000
    assert client.get("/static/yasgui/yasgui.min.css").status_code == 200
    assert client.get("/static/yasgui/../package.json").status_code == 404
    assert client.get("/static/yasgui/yasgui.esm.js").status_code == 404


def test_page_works_without_node_modules(settings: Settings, store: Store, tmp_path: Path, caplog) -> None:
    app = make_app(settings, store, write_examples(tmp_path / "q", BASE), node_modules=tmp_path / "missing")
    with caplog.at_level("WARNING", logger="kg.web.ui"):
        res = app.test_client().get("/sparql", headers=HTML)
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "yasgui.min.js" not in html and "kg-plain-form" in html
    assert "YASGUI not found" in caplog.text
    assert app.test_client().get("/static/yasgui/yasgui.min.js").status_code == 404


def test_posted_form_renders_an_html_table_with_links(client) -> None:
    query = EXAMPLES["01-companies.rq"].format(base=BASE)
    res = client.post("/sparql", data={"query": query}, headers=HTML)
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert '<table class="kg-table">' in html
    assert '<th scope="col">?org</th>' in html
    assert f'<a href="/id/org/neusoft" title="{BASE}id/org/neusoft" class="kg-entity">orgs:neusoft</a>' in html
    assert '<span class="kg-value" lang="zh">东软集团</span><span class="kg-langtag">@zh</span>' in html
    assert "3 " in html  # row count


def test_literal_with_markup_is_escaped(client) -> None:
    query = "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    html = client.post("/sparql", data={"query": query}, headers=HTML).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_get_with_query_shows_datatypes_and_other_iris(client) -> None:
    query = "SELECT ?v ?x WHERE { ?o <http://purl.org/linked-data/sdmx/2009/measure#obsValue> ?v ; ?p ?x }"
    html = client.get("/sparql", query_string={"query": query, "lang": "en"}, headers=HTML).get_data(as_text=True)
    assert '<span class="kg-value">82.45</span><span class="kg-datatype">^^xsd:decimal</span>' in html
    assert '<a href="http://www.wikidata.org/entity/Q74881" title="http://www.wikidata.org/entity/Q74881">' in html
    assert "Results" in html and '<html lang="en">' in html


def test_ask_and_construct(client) -> None:
    html = client.post("/sparql?lang=en", data={"query": "ASK { ?s ?p ?o }"}, headers=HTML)
    html = html.get_data(as_text=True)
    assert '<p class="kg-boolean">true</p>' in html
    assert '<form id="kg-plain-form" class="kg-plain-form" method="post" action="/sparql?lang=en">' in html
    construct = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }"
    html = client.post("/sparql", data={"query": construct}, headers=HTML).get_data(as_text=True)
    assert '<th scope="col">?subject</th>' in html and "dkg:Company" in html


def test_syntax_error_is_a_readable_400(app: Flask) -> None:
    # rendered by render_query_page itself (the endpoint may answer a bad query before it gets here)
    with app.test_request_context("/sparql?lang=zh", method="POST", headers=HTML):
        res = ui.render_query_page("SELEKT nothing")
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert 'class="kg-error" role="alert"' in html and "查询出错" in html
    assert "SELEKT nothing" in html  # the query stays in the form to be fixed


def test_truncated_notice(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, BASE, max_rows=1)
    store = embedded_store(settings)
    try:
        app = make_app(settings, store, write_examples(tmp_path / "q", BASE))
        res = app.test_client().post("/sparql?lang=en", data={"query": "SELECT * { ?s ?p ?o }"}, headers=HTML)
        assert 'class="kg-truncated"' in res.get_data(as_text=True)
    finally:
        store.close()


def test_language_from_accept_language(client) -> None:
    en = client.get("/sparql", headers={**HTML, "Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    zh = client.get("/sparql", headers={**HTML, "Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert "Run query" in en and "运行查询" in zh


def test_repository_examples_parse() -> None:
    folder = Settings().examples_dir
    files = sorted(folder.glob("*.rq"))
    assert len(files) >= 10, folder
    for path in files:
        example = parse_example(path)
        assert example.title_zh and example.title_en and example.query.strip(), path


def test_the_query_page_follows_the_language_cookie(client) -> None:
    """After ?lang=en on any page sets the cookie, /sparql answers in English too (one language picker)."""
    client.get("/?lang=en")
    page = client.get("/sparql", headers={"Accept": "text/html", "Accept-Language": "zh"})
    assert '<html lang="en"' in page.get_data(as_text=True)

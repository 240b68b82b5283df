"""The site pages over HTTP (Flask test client on create_app, the project's graph): the query page in the site's frame,
the home page, the data browser and its CSV, errors as pages for browsers and as text for clients, the favicon, the
ontology and class pages, and the policy that no page runs an inline script."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from kg.config import Settings
from kg.store import Store
from kg.web import create_app

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGES = ["/", "/sparql", "/data/observations", "/def/ontology", "/search?q=%E4%B8%9C%E8%BD%AF",
         "/class?iri=http%3A%2F%2Fwww.w3.org%2Fns%2Forg%23Organization", "/no/such/page"]


@pytest.fixture(scope="module")
def app(project_store: Store):
    app = create_app(Settings(), store=project_store)
    app.config["TESTING"] = True
    return app


@pytest.fixture()
def client(app):
    """A client of its own per test: a ?lang= link followed in one test sets a cookie the next must not see."""
    return app.test_client()


def page(client, path: str, lang: str = "zh", status: int = 200, **headers: str) -> str:
    response = client.get(path, headers={**HTML, "Accept-Language": lang, **headers})
    assert response.status_code == status, (path, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_every_site_page_has_the_frame_one_h1_and_no_inline_script(client, path: str) -> None:
    html = page(client, path, status=404 if "no/such" in path else 200)
    assert html.count("<h1") == 1
    assert 'href="/data/observations"' in html and 'href="/sparql"' in html and 'hreflang="en"' in html
    assert '<link rel="icon"' in html
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script
    response = client.get(path, headers=HTML)
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_query_page_in_the_site_frame_with_grouped_examples(client) -> None:
    html = page(client, "/sparql", "en")
    assert '<html lang="en">' in html and "Run query" in html
    groups = re.findall(r'<optgroup label="([^"]+)">', html)
    assert len(groups) >= 6 and "Federated queries (the operator must allow them)" in groups
    assert "(operator must allow)" in html and "--allow-service https://query.wikidata.org/sparql" in html
    # the editor comes before the catalogue of examples, which is folded
    assert html.index('id="yasgui"') < html.index('<details id="kg-examples"')
    zh = page(client, "/sparql", "zh")
    assert '<html lang="zh">' in zh and "运行查询" in zh and "联邦查询（需运营方允许）" in zh


def test_query_page_opens_a_chosen_example_without_javascript(client) -> None:
    html = page(client, "/sparql?example=agency-labels", "en")
    assert '<option value="agency-labels" selected>' in html
    assert 'id="kg-results"' in html and "GovernmentAgency" in html
    config = re.search(r'<script type="application/json" id="kg-sparql-config">(.*?)</script>', html, re.S)[1]
    assert '"query": "# title@zh' in config or '"query":"# title@zh' in config


def test_a_query_link_still_opens_with_its_query(client) -> None:
    html = page(client, "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D")
    assert 'class="kg-boolean"' in html


def test_home_page(client) -> None:
    html = page(client, "/", "en")
    assert "Dalian News Media Group" in html and "not recorded in the graph" in html
    assert "void:triples" in html and "data/inferred" in html
    assert "/data/observations?policy-area=def%2Fpolicy-area%2Fhealth" in html
    hrefs = re.findall(r'href="(/sparql\?query=[^"]+)"', html)
    assert len(hrefs) >= 5
    for href in hrefs:  # every example link answers with rows, no error
        answer = page(client, href.replace("&amp;", "&"), "en")
        assert 'class="kg-error"' not in answer and ('<tbody>' in answer or 'kg-boolean' in answer), href


def test_data_browser_filters_table_csv_and_sparql(client) -> None:
    html = page(client, "/data/observations?kind=def/value-kind/baseline&area=id/division/210200", "en")
    assert '<option value="def/value-kind/baseline" selected>' in html
    rows = re.findall(r'<tr>\s*<td data-label="Indicator">', html)
    assert rows and "baseline" in html
    csv_href = re.search(r'id="cube-csv" href="([^"]+)"', html)[1].replace("&amp;", "&")
    response = client.get(csv_href)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0][:3] == ["observation", "indicator", "indicatorLabel"] and len(table) - 1 == len(rows)
    assert all(r[7].endswith("def/value-kind/baseline") for r in table[1:])
    sparql_href = re.search(r'id="cube-sparql" href="([^"]+)"', html)[1].replace("&amp;", "&")
    text = parse_qs(urlsplit(sparql_href).query)["query"][0]
    assert "VALUES ?kind" in text and "VALUES ?area" in text
    assert not [line for line in text.splitlines() if line.lstrip().startswith("#?")]
    assert text.startswith("# /data/observations?")
    answer = client.post("/sparql", data={"query": text}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    assert [r[0] for r in csv.reader(io.StringIO(answer.get_data(as_text=True)))][1:] == [r[0] for r in table[1:]]


def test_data_browser_pages_and_refuses_unknown_values(client) -> None:
    first = page(client, "/data/observations")
    assert 'rel="next"' in first and "/data/observations?page=2" in first
    assert 'rel="prev"' in page(client, "/data/observations?page=2")
    bad = client.get("/data/observations?indicator=def/indicator/nothing", headers=HTML)
    assert bad.status_code == 400 and bad.mimetype == "text/html" and "请求有误" in bad.get_data(as_text=True)
    plain = client.get("/data/observations?indicator=def/indicator/nothing")
    assert plain.status_code == 400 and plain.mimetype == "text/plain"


@pytest.mark.parametrize(("path", "status"), [("/no/such/page", 404), ("/downloads/nothing", 404),
                                              ("/data/observations?kind=x", 400)])
def test_errors_are_pages_for_browsers_and_text_for_clients(client, path: str, status: int) -> None:
    for lang, heading in (("zh", {404: "未找到", 400: "请求有误"}), ("en", {404: "Not found", 400: "Bad request"})):
        html = page(client, path, lang, status=status)
        assert f"<h1>{heading[status]}</h1>" in html and f"HTTP {status}" in html
        assert ("Not found" in html) and ("未找到" in html) if status == 404 else True  # both languages
    for accept in (None, "*/*", "application/json", "text/turtle", "application/sparql-results+json"):
        response = client.get(path, headers={"Accept": accept} if accept else {})
        assert response.status_code == status and response.mimetype == "text/plain", accept
    assert client.head(path, headers=HTML).status_code == status


def test_sparql_errors_stay_text_for_protocol_clients(client) -> None:
    response = client.get("/sparql?query=SELEKT", headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400 and response.mimetype == "text/plain"


def test_favicon(client) -> None:
    for path in ("/favicon.ico", "/static/pages/favicon.svg"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_ontology_and_class_pages_have_contents_version_and_licence(client) -> None:
    for path in ("/def/ontology", "/class?iri=http%3A%2F%2Fwww.w3.org%2Fns%2Forg%23Organization"):
        for lang, words in (("zh", ("目录", "版本", "许可")), ("en", ("Contents", "Version", "Licence"))):
            html = page(client, path, lang)
            assert all(w in html for w in words), (path, lang)
            assert "1.0.0" in html and 'rel="license"' in html and "CC BY 4.0" in html
            anchors = re.findall(r'<nav class="toc".*?</nav>', html, re.S)[0]
            for target in re.findall(r'href="#([^"]+)"', anchors):
                assert f'id="{target}"' in html, (path, target)

"""The "link your data" guide (/guide/linking): a bilingual page linked from every page, showing the recipes of
queries/ (link-*.rq and the federation examples) under the served base; its reconciliation example answers; the
code-list recipe runs over the exported dump with Apache Jena as the guide says."""

from __future__ import annotations

import html
import json

import pytest
import requests

import test_queries as examples
from clients import jena, require_jena
from kg.config import Settings
from kg.namespaces import CANONICAL_BASE
from kg.publish import publish
from kg.web.pages import GUIDE_RECONCILE_EXAMPLE

RECIPES = sorted(p.stem for p in examples.QUERIES.glob("*.rq") if p.stem.startswith(("link-", "federation-")))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_guide_page_shows_every_recipe(embedded_server: str, lang: str) -> None:
    page = requests.get(embedded_server + f"guide/linking?lang={lang}", timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = html.unescape(page.text)
    assert len(RECIPES) >= 5
    for name in RECIPES:
        assert f"queries/{name}.rq" in text
        assert examples.query_text(name).strip() in text, name
    for needed in ("owl:sameAs", "skos:closeMatch", "rdfs:seeAlso", "GB/T 2260", "ROR", "GeoNames", "600718",
                   embedded_server + "reconcile", "/downloads/dalian-kg-inferred.ttl"):
        assert needed in text, needed
    assert ("连接方法" if lang == "zh" else "Join recipes") in text


def test_every_page_links_to_the_guide(embedded_server: str) -> None:
    for path in ("", "id/org/neusoft", "downloads/"):
        page = requests.get(embedded_server + path, headers={"Accept": "text/html"}, timeout=30)
        if "<nav" in page.text:
            assert 'href="/guide/linking"' in page.text, path


def test_the_guides_reconciliation_example(embedded_server: str) -> None:
    queries = {"q0": {"query": GUIDE_RECONCILE_EXAMPLE}}
    response = requests.post(embedded_server + "reconcile", data={"queries": json.dumps(queries)}, timeout=30)
    candidates = response.json()["q0"]["result"]
    assert candidates[0]["id"].endswith("id/org/dlut") and candidates[0]["match"], candidates[:2]


def test_the_code_list_recipe_over_the_exported_dump_with_jena(canonical_store) -> None:
    """`sparql --data dalian-kg-inferred.ttl --query link-division-codes.rq`, on kg export's canonical files."""
    require_jena()
    dump = publish(Settings.from_env()).path("dalian-kg-inferred.ttl")
    query = examples.QUERIES / "link-division-codes.rq"
    result = jena("arq.sparql", "--data", str(dump), "--query", str(query), "--results=json")
    assert result.returncode == 0, result.stderr[-2000:]
    document = json.loads(result.stdout)
    names = document["head"]["vars"]
    rows = [tuple(examples.norm_json(b.get(n), CANONICAL_BASE) for n in names) for b in document["results"]["bindings"]]
    assert rows == examples.select(canonical_store, "link-division-codes")

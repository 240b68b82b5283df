"""/sparql in a real headless chromium against a real `kg serve` (the session's ``server`` fixture, built-in
graph): YASGUI runs queries against the page's own endpoint, links entity IRIs to themselves and loads nothing
from another host; with JavaScript off the plain form does the same job. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import pytest

from browser import block_other_hosts, chromium_page, screenshot  # tests/ is on sys.path (conftest)
from kg.config import Settings
from kg.namespaces import CANONICAL_BASE
from kg.web.ui import yasgui_dir_for

pytestmark = pytest.mark.browser

XSS = "<script>alert(1)</script>"


def org_query(base: str) -> str:
    """Organisations with their labels, plus one literal with markup (must show as text, never run)."""
    return (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?org ?label ?markup WHERE {\n"
        "  ?org rdfs:label ?label .\n"
        f'  FILTER(STRSTARTS(STR(?org), "{base}id/org/"))\n'
        f"  BIND('{XSS}' AS ?markup)\n"
        "} ORDER BY ?org LIMIT 20\n"
    )


def test_yasgui_runs_queries_against_its_own_endpoint(server: str) -> None:
    assert yasgui_dir_for(Settings().node_modules) is not None, "scripts/setup installs YASGUI (npm ci)"
    with chromium_page() as page:
        blocked = block_other_hosts(page, server.rstrip("/"))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "sparql")
        page.wait_for_function("() => window.yasgui && window.yasgui.getTab()")
        assert page.is_hidden("#kg-plain-form")
        tab = "window.yasgui.getTab()"
        assert page.evaluate(f"() => {tab}.getEndpoint()") == server + "sparql"

        # an example query from queries/*.rq, chosen in the page's select, runs without an error
        examples = page.evaluate("() => JSON.parse(document.getElementById('kg-sparql-config').textContent).examples")
        if examples:
            page.select_option("#kg-example-select", examples[0]["slug"])
            assert page.evaluate(f"() => {tab}.getQuery()") == examples[0]["query"]
            page.evaluate(f"() => {tab}.query()")
            page.wait_for_selector(".yasr .yasr_response_chip:not(.empty)")
            assert page.locator(".yasr .errorResult").count() == 0, page.locator(".yasr").inner_text()

        page.evaluate(f"q => {{ {tab}.setQuery(q); return {tab}.query(); }}", org_query(CANONICAL_BASE))
        page.wait_for_selector(".yasr table tbody tr a.iri")
        assert page.locator(".yasr table tbody tr").count() >= 3
        link = page.locator('.yasr a.iri[href^="/id/org/"]').first  # canonical IRIs, served at their path here
        iri = link.get_attribute("href")
        assert link.get_attribute("target") == "_self"
        assert page.locator(".yasr .yasr_downloadIcon").count() == 1
        assert XSS in page.locator(".yasr table").inner_text()  # shown as text
        screenshot(page, "sparql-yasgui")
        assert errors == [], errors

        # the entity link opens the entity's page, at the IRI itself, in this window
        link.click()
        page.wait_for_url(server + iri.lstrip("/"))
        assert len(page.context.pages) == 1
        assert blocked == [], blocked


def test_plain_form_without_javascript(server: str) -> None:
    with chromium_page(javascript=False, locale="en-GB") as page:
        blocked = block_other_hosts(page, server.rstrip("/"))
        page.goto(server + "sparql")
        assert page.is_visible("#kg-plain-form")
        assert page.locator("html").get_attribute("lang") == "en"
        page.fill("#kg-query", org_query(CANONICAL_BASE))
        page.click("#kg-plain-form button[type=submit]")
        page.wait_for_selector("table.kg-table")
        assert page.locator("table.kg-table tbody tr").count() >= 3
        href = page.locator("table.kg-table a.kg-entity").first.get_attribute("href")
        assert href is not None and href.startswith("/id/org/")
        assert XSS in page.locator("table.kg-table").inner_text()
        screenshot(page, "sparql-no-js")

        # without JavaScript the grouped selector opens an example (a GET form) and runs it
        page.goto(server + "sparql?lang=en")
        page.select_option("#kg-example-select", "agency-labels")
        page.click("#kg-example-form button[type=submit]")
        page.wait_for_selector("#kg-results, .kg-error")
        assert page.locator(".kg-error").count() == 0, page.locator(".kg-error").inner_text()
        assert page.locator("#kg-example-select").input_value() == "agency-labels"
        # and the catalogue of examples (folded under the editor) is plain links that run the query
        page.click("#kg-examples summary")
        page.click("a.kg-example >> nth=0")
        page.wait_for_selector("#kg-results, .kg-error")
        assert page.locator(".kg-error").count() == 0, page.locator(".kg-error").inner_text()
        assert blocked == [], blocked


def test_home_page_example_links_open_with_their_query_and_results(server: str) -> None:
    """Each example link on the home page opens the editor with that query, runs it, and shows rows, no error."""
    assert yasgui_dir_for(Settings().node_modules) is not None, "scripts/setup installs YASGUI (npm ci)"
    with chromium_page() as page:
        blocked = block_other_hosts(page, server.rstrip("/"))
        page.goto(server)
        hrefs = [a.get_attribute("href") for a in page.locator("a[href^='/sparql?query=']").all()]
        assert hrefs, "the home page offers example queries"
        for href in hrefs:
            page.goto(server.rstrip("/") + href)
            page.wait_for_function("() => window.yasgui && window.yasgui.getTab()")
            wanted = page.evaluate("() => JSON.parse(document.getElementById('kg-sparql-config').textContent).query")
            assert page.evaluate("() => window.yasgui.getTab().getQuery()") == wanted
            page.wait_for_selector(".yasr .yasr_response_chip:not(.empty)")
            assert page.locator(".yasr .errorResult").count() == 0, (href, page.locator(".yasr").inner_text())
            assert page.locator(".yasr table tbody tr").count() >= 1, (href, page.locator(".yasr").inner_text())
        screenshot(page, "sparql-from-home-link")
        assert blocked == [], blocked

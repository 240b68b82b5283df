"""The site pages in a real browser (Debian's chromium through Playwright) at 1280 and 390 px, in Chinese and English:
home → example link → results; the data browser's filter → table → CSV download; no horizontal overflow at 390 px;
axe-core (from node_modules, no network) finds no WCAG 2 A/AA violation on our own markup.

Screenshots go to test-artifacts/site-*.png; the measured page heights to test-artifacts/site-heights.json.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import quote

import pytest

from browser import ARTIFACTS, block_other_hosts, chromium_page, screenshot
from kg.config import Settings

pytestmark = pytest.mark.browser

VIEWPORTS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
LOCALES = {"zh": "zh-CN", "en": "en-GB"}
#: One page of each type the issue names (the query page with its editor running).
PAGE_TYPES = {
    "home": "", "query": "sparql", "cube": "data/observations?policy-area=def/policy-area/social-protection",
    "ontology": "def/ontology", "class": "class?iri=" + quote("http://www.w3.org/ns/org#Organization", safe=""),
    "search": "search?q=" + quote("东软"), "404": "no/such/page",
}
AXE = Settings().node_modules / "axe-core" / "axe.min.js"
HEIGHTS = ARTIFACTS / "site-heights.json"


@pytest.fixture(scope="module")
def server(embedded_server: str) -> str:
    """`kg serve` on the embedded store (the pages are the same on every backend: the HTTP suites test that)."""
    return embedded_server


def record_height(name: str, height: int, width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    known = json.loads(HEIGHTS.read_text()) if HEIGHTS.exists() else {}
    known[name] = {"height": height, "scrollWidth": width}
    HEIGHTS.write_text(json.dumps(known, indent=1, sort_keys=True))


@pytest.mark.parametrize(("lang", "size"), [("zh", "1280"), ("en", "390"), ("en", "1280"), ("zh", "390")])
def test_home_example_link_shows_results(server: str, lang: str, size: str) -> None:
    with chromium_page(locale=LOCALES[lang]) as page:
        page.set_viewport_size(VIEWPORTS[size])
        blocked = block_other_hosts(page, server.rstrip("/"))
        page.goto(server)
        assert page.locator("html").get_attribute("lang") == lang
        link = page.locator("section a[href^='/sparql?query=']").first
        title = link.inner_text()
        link.click()
        page.wait_for_url("**/sparql?query=**")
        page.wait_for_selector(".yasr table tbody tr")
        assert page.locator(".yasr .errorResult").count() == 0
        assert page.locator("h1").inner_text() in ("SPARQL 查询", "SPARQL query")
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]
        screenshot(page, f"site-example-{lang}-{size}")
        assert title and not blocked


@pytest.mark.parametrize(("lang", "size"), [("zh", "1280"), ("en", "390")])
def test_cube_filter_table_and_csv(server: str, lang: str, size: str) -> None:
    with chromium_page(javascript=False, locale=LOCALES[lang], accept_downloads=True) as page:
        page.set_viewport_size(VIEWPORTS[size])
        blocked = block_other_hosts(page, server.rstrip("/"))
        page.goto(server)
        page.click("header nav.main a[href='/data/observations']")
        page.wait_for_url("**/data/observations")
        page.select_option("#f-policy-area", "def/policy-area/social-assistance")
        page.select_option("#f-kind", "def/value-kind/reached")
        page.click("form.cube-filters button[type=submit]")
        page.wait_for_url("**policy-area=**")
        rows = page.locator("#cube-table tbody tr")
        assert rows.count() >= 1
        assert page.locator("svg.panel").count() >= 1
        total = int(page.locator("#results-h strong").inner_text().replace(",", ""))
        assert total == rows.count()
        screenshot(page, f"site-cube-{lang}-{size}")
        with page.expect_download() as info:
            page.click("#cube-csv")
        text = Path(info.value.path()).read_text(encoding="utf-8")
        table = list(csv.reader(io.StringIO(text)))
        assert table[0][0] == "observation" and len(table) - 1 == total
        assert all(r[7].endswith("/def/value-kind/reached") for r in table[1:])
        sparql = page.locator("#cube-sparql").get_attribute("href")
        assert sparql.startswith("/sparql?query=")
        assert not blocked


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_no_horizontal_overflow_at_390(server: str, name: str, lang: str) -> None:
    with chromium_page(javascript=name == "query", locale=LOCALES[lang]) as page:
        page.set_viewport_size(VIEWPORTS["390"])
        page.goto(server + PAGE_TYPES[name])
        if name == "query":
            page.wait_for_function("() => window.yasgui && window.yasgui.getTab()")
        width = page.evaluate("document.documentElement.scrollWidth")
        height = page.evaluate("document.documentElement.scrollHeight")
        record_height(f"{name}-{lang}-390", height, width)
        screenshot(page, f"site-{name}-{lang}-390")
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
            const r = e.getBoundingClientRect(); return r.width > 0 && r.right > 391 && !e.closest('.scroll, .yasr');
        }).slice(0, 5).map(e => e.tagName + '.' + e.className)""")
        assert width <= 390, (name, lang, width, wide)
        assert not broken_headings(page), (name, lang, broken_headings(page))


def broken_headings(page) -> list[str]:
    """Table headings and captions of a few characters drawn on more than two lines (one character per line)."""
    return page.evaluate("""() => [...document.querySelectorAll('th, caption')].filter(e => {
        const text = e.innerText.trim();
        if (text.length < 2 || text.length > 6 || !e.getClientRects().length) return false;
        const range = document.createRange();
        range.selectNodeContents(e);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        return lines.size > 2;
    }).map(e => e.innerText)""")


def test_short_headings_never_wrap_per_character_on_a_phone(server: str) -> None:
    """An agency page (its property tables) at 390 px: captions and headings such as 属性 and 限定 stay whole."""
    with chromium_page(javascript=False) as page:
        page.set_viewport_size(VIEWPORTS["390"])
        for path in ("id/org/dalian-health-commission", "id/org/neusoft"):
            page.goto(server + path)
            assert not broken_headings(page), (path, broken_headings(page))


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_accessibility_axe(server: str, name: str) -> None:
    """axe-core's WCAG 2.0/2.1 A and AA rules on each page type (YASGUI's own editor markup left out)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: scripts/setup installs it (npm ci)")
    with chromium_page(javascript=True, locale="zh-CN") as page:
        page.goto(server + PAGE_TYPES[name])
        if name == "query":
            page.wait_for_function("() => window.yasgui && window.yasgui.getTab()")
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")  # evaluated, not injected: the CSP stays as it is
        result = page.evaluate("""() => axe.run({exclude: [['#yasgui']]},
            {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
        problems = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert problems == [], problems
        assert page.locator("h1").count() == 1
        assert page.locator("html").get_attribute("lang") in ("zh", "en")

"""The entity pages in a real browser (headless Debian chromium): search → entity → language → source sentence.

Screenshots go to test-artifacts/pages-*.png for a human look.
"""

from __future__ import annotations

import pytest

from browser import block_other_hosts, chromium_page, screenshot

pytestmark = pytest.mark.browser


def test_home_search_entity_language_and_source(server):
    with chromium_page(javascript=False) as page:
        blocked = block_other_hosts(page, server.rstrip("/"))
        page.goto(server)
        assert page.locator("h1").first.is_visible()
        screenshot(page, "pages-home")

        page.fill("header form.search input[name=q]", "东软")
        page.click("header form.search button")
        page.wait_for_url("**/search?**")
        screenshot(page, "pages-search")
        page.click("a[href='/id/org/neusoft']")
        page.wait_for_url(server + "id/org/neusoft")
        assert page.locator("h1").inner_text().startswith("东软")
        screenshot(page, "pages-neusoft-zh")

        page.click("nav.lang a[hreflang=en]")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Neusoft" in page.locator("h1").inner_text()
        screenshot(page, "pages-neusoft-en")

        source = page.locator("a[href*='?highlight=']:visible").first
        source.click()
        page.wait_for_load_state()
        mark = page.locator("mark.current").first
        assert mark.is_visible()
        screenshot(page, "pages-article-highlight", full_page=False)
        assert not blocked


def test_agency_chart_is_inline_svg(server):
    with chromium_page(javascript=False, locale="en-GB") as page:
        page.goto(server + "id/org/dalian-civil-affairs-bureau")
        svg = page.locator("figure.chart svg").first
        assert svg.is_visible() and svg.get_attribute("role") == "img"
        assert "2020" in page.locator("figure.chart desc").first.text_content()
        assert page.locator("table.observations tbody tr").count() > 0
        screenshot(page, "pages-agency-chart")
        svg.screenshot(path=str(screenshot(page, "pages-chart", full_page=False)))


def test_phone_layout(server):
    with chromium_page(javascript=False) as page:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(server + "id/org/dalian-health-commission")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400
        screenshot(page, "pages-phone")

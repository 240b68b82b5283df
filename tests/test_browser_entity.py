"""Entity and article pages in a real browser (Debian's chromium, one for the module), at 1280 and 390 px, zh and en:
search → entity → statement → source sentence → article; no horizontal overflow on a phone; chart text legible;
an accessibility check (one h1, lang, labelled SVG, heading order, contrast of the site's colours, form labels, link
names, unique ids). Screenshots go to test-artifacts/entity-*.png.
"""

from __future__ import annotations

import pytest

from browser import block_other_hosts, chromium_page, screenshot

pytestmark = pytest.mark.browser

PAGES = {"neusoft": "id/org/neusoft", "civil-affairs": "id/org/dalian-civil-affairs-bureau",
         "life-expectancy": "def/indicator/life-expectancy", "article": "id/article/neusoft",
         "physicians": "def/indicator/practising-physicians-per-1000", "observation": "id/obs/life-expectancy-2025"}

#: The accessibility checks, run in the page; returns a list of problems (empty when clean).
A11Y = r"""() => {
  const problems = [];
  const lang = document.documentElement.getAttribute('lang');
  if (!lang) problems.push('html has no lang');
  const h1 = document.querySelectorAll('h1');
  if (h1.length !== 1) problems.push(`${h1.length} h1 elements`);
  let last = 0;
  for (const h of document.querySelectorAll('h1,h2,h3,h4,h5,h6')) {
    const level = +h.tagName[1];
    if (last && level > last + 1)
      problems.push(`heading ${h.tagName} "${h.textContent.trim().slice(0, 40)}" after h${last}`);
    last = level;
  }
  for (const svg of document.querySelectorAll('svg')) {
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const text = ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
    if (svg.getAttribute('role') !== 'img' || !text) problems.push('svg without role=img and a label');
  }
  for (const input of document.querySelectorAll('input, select, textarea')) {
    if (input.type === 'hidden') continue;
    const labelled = (input.id && document.querySelector(`label[for="${input.id}"]`)) || input.closest('label')
      || input.getAttribute('aria-label') || input.getAttribute('aria-labelledby');
    if (!labelled) problems.push(`form field ${input.name || input.id} without a label`);
  }
  for (const a of document.querySelectorAll('a[href]')) {
    if (!(a.textContent.trim() || a.getAttribute('aria-label') || a.querySelector('img[alt]')))
      problems.push(`link without a name: ${a.getAttribute('href')}`);
  }
  const seen = new Set();
  for (const el of document.querySelectorAll('[id]')) {
    if (seen.has(el.id)) problems.push(`duplicate id ${el.id}`);
    seen.add(el.id);
  }
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push('img without alt');
  // contrast (WCAG AA) of every visible text against the first opaque background behind it
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const channel = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const checked = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || checked.has(el) || !walker.currentNode.textContent.trim()) continue;
    checked.add(el);
    if (el.closest('svg') || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('.visually-hidden, .skip')) continue;
    const fg = rgb(style.color).slice(0, 3), bg = background(el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && +style.fontWeight >= 700);
    if (ratio < (large ? 3 : 4.5))
      problems.push(`contrast ${ratio.toFixed(2)} for "${el.textContent.trim().slice(0, 30)}"`);
  }
  return problems;
}"""

#: Horizontal overflow and the smallest rendered chart text, in px.
LAYOUT = r"""() => {
  const sizes = [...document.querySelectorAll('svg text')].map(t => {
    const svg = t.ownerSVGElement, box = svg.viewBox.baseVal;
    return parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width / box.width;
  });
  return {scroll: document.documentElement.scrollWidth, width: window.innerWidth,
          height: document.documentElement.scrollHeight, minText: sizes.length ? Math.min(...sizes) : null};
}"""


@pytest.fixture(scope="module")
def browser_page():
    with chromium_page(javascript=False) as page:
        yield page


@pytest.mark.parametrize(("lang", "width"), [("zh", 1280), ("en", 1280), ("zh", 390), ("en", 390)])
def test_search_entity_statement_source_article(server, browser_page, lang, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    blocked = block_other_hosts(page, server.rstrip("/"))
    page.goto(f"{server}?lang={lang}")
    page.fill("header form.search input[name=q]", "东软" if lang == "zh" else "Neusoft")
    page.click("header form.search button")
    page.wait_for_url("**/search?**")
    page.click("a[href='/id/org/neusoft']")
    page.wait_for_url(server + "id/org/neusoft")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text().startswith("东软集团" if lang == "zh" else "Neusoft")
    assert page.locator(".identifiers a[href*='wikidata.org']").count() >= 1
    if width == 1280:
        screenshot(page, f"entity-neusoft-{lang}-1280")
    statement = page.locator("section.statements li.statement:has(details.sources)").first
    statement.locator("details.sources > summary").click()
    source = statement.locator("details.sources blockquote a").first
    quote = source.inner_text().strip("“”")
    source.click()
    page.wait_for_url("**/id/article/**")
    mark = page.locator("mark.current").first
    assert mark.is_visible() and mark.locator("a").inner_text() in quote
    screenshot(page, f"entity-article-highlight-{lang}-{width}", full_page=False)
    byline = page.locator("p.byline").inner_text()
    assert ("赖" in byline or "Lu" in byline or "卢" in byline) and page.locator("p.byline a").count() >= 2
    # every marked span links back to a statement (an anchor on its subject's page) or to an observation's page
    hrefs = page.eval_on_selector_all("mark a", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(h.startswith(("/id/", "/def/")) for h in hrefs)
    target = next(h for h in hrefs if "#" in h)
    page.goto(server + target.lstrip("/"))
    assert page.locator(f"[id='{target.split('#')[1]}']").count() == 1
    assert not blocked


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phone_layout_and_chart_text(server, browser_page, lang):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    for name, path in PAGES.items():
        page.goto(f"{server}{path}?lang={lang}")
        layout = page.evaluate(LAYOUT)
        assert layout["scroll"] <= layout["width"], (name, lang, layout)
        if layout["minText"] is not None:
            assert layout["minText"] >= 11, (name, lang, layout)
        if name in ("neusoft", "civil-affairs", "life-expectancy", "article"):
            screenshot(page, f"entity-{name}-{lang}-390")


def test_accessibility_of_entity_and_article_pages(server, browser_page):
    page = browser_page
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for lang in ("zh", "en"):
            for name, path in PAGES.items():
                page.goto(f"{server}{path}?lang={lang}")
                page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
                problems = page.evaluate(A11Y)
                assert problems == [], (name, lang, width, problems[:5])


def test_english_pages_print_no_chinese_units(server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    for path in ("id/org/neusoft", "id/org/dalian-civil-affairs-bureau", "id/org/dalian-health-commission"):
        page.goto(f"{server}{path}?lang=en")
        cells = page.eval_on_selector_all("table.observations td.value, .card-value, svg text",
                                          "els => els.map(e => e.textContent)")
        text = " ".join(cells)
        for bad in ("百分比", "名次", " 2 year ", " 50 organisation ", " 130 count", "台"):
            assert bad not in f" {text} ", (path, bad)
    page.goto(f"{server}id/org/dalian-civil-affairs-bureau?lang=en")
    screenshot(page, "entity-civil-affairs-en-1280")
    page.goto(f"{server}def/indicator/life-expectancy?lang=en")
    screenshot(page, "entity-life-expectancy-en-1280")

"""Drive Debian's /usr/bin/chromium headless through Playwright, for the browser tests (mark ``browser``).

Playwright's own browser downloads are never used (no internet): the system chromium is launched directly,
with networking features that would phone home switched off and a fresh profile per launch.
Usage::

    from browser import chromium_page, screenshot
    with chromium_page() as page:
        page.goto(url)
        screenshot(page, "sparql-page")
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Screenshots go here (git-ignored), so a failing run can be looked at afterwards.
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing(reason: str) -> None:
    """Skip the calling test, or fail it when KG_REQUIRE_BROWSER is set (CI: a missing piece is an error)."""
    if os.environ.get("KG_REQUIRE_BROWSER"):
        pytest.fail(reason + " and KG_REQUIRE_BROWSER is set")
    pytest.skip(reason)


def require_chromium() -> None:
    """Skip (or fail, see :func:`missing`) when chromium or Playwright is absent (`scripts/setup --test`)."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not installed (run scripts/setup --test)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("playwright not installed (run scripts/setup --test)")


@contextlib.contextmanager
def chromium_page(*, javascript: bool = True, locale: str = "zh-CN", **context_options: object) -> Iterator:
    """A Playwright page in a fresh headless chromium; everything is closed and the profile removed afterwards."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    try:
        with sync_playwright() as pw:
            # a fresh --user-data-dir: Playwright passes it itself for a persistent context
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                java_script_enabled=javascript,
                locale=locale,
                viewport={"width": 1280, "height": 900},
                **context_options,
            )
            try:
                page = context.pages[0] if context.pages else context.new_page()
                page.set_default_timeout(20_000)
                yield page
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG of the page as test-artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def block_other_hosts(page, allowed_origin: str) -> list[str]:
    """Abort every request not to ``allowed_origin``; returns the list of blocked URLs (to assert it stays empty)."""
    blocked: list[str] = []

    def route(r) -> None:
        url = r.request.url
        if url.startswith(allowed_origin) or url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    return blocked

"""The real site, as built by the generator, works and is accessible in a browser.

Every HTML page is opened once in headless Chromium (see browser_harness);
each test then asserts one kind of problem is absent, so a failure names the
kind, the page and the element.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from browser_harness import first_page_matching, format_problems, inspect_site, take_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


# Hosts that a GDPR-clean public site must never make the visitor's browser contact.
THIRD_PARTY_MARKERS = ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "unpkg.com")

# <link rel> values that name a URL without the browser fetching it.
_NON_FETCHING_RELS = {"canonical", "alternate", "license", "author", "me", "help"}


class _AbsoluteResourceFinder(HTMLParser):
    """Collects absolute URLs in attributes that make the browser fetch something.

    `<a href>` is left out: a link is fetched only when a person follows it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            return
        rels = set((attributes.get("rel") or "").lower().split())
        if tag == "link" and rels and rels <= _NON_FETCHING_RELS:
            return
        for name in ("src", "href", "data", "poster", "srcset"):
            value = (attributes.get(name) or "").strip().lower()
            if value.startswith(("http://", "https://", "//")):
                self.found.append(f"<{tag} {name}={attributes[name]!r}>")


@pytest.fixture(scope="module")
def site_report(built_site, built_site_url, browser_context, axe_script):
    return inspect_site(browser_context, built_site_url, built_site, axe_script)


def test_no_page_has_console_errors(site_report):
    problems = site_report.console_errors()
    assert not problems, format_problems("JavaScript errors", problems)


def test_no_request_fails(site_report):
    problems = site_report.failed_requests()
    assert not problems, format_problems("failed requests", problems)


def test_no_broken_local_links(site_report):
    problems = site_report.broken_links()
    assert not problems, format_problems("broken links", problems)


def test_no_missing_images_or_resources(site_report):
    problems = site_report.broken_resources()
    assert not problems, format_problems("missing images/resources", problems)


def test_no_request_to_third_party_hosts(site_report):
    problems = site_report.external_requests()
    assert not problems, format_problems("requests to other hosts", problems)


def test_no_accessibility_violations(site_report):
    problems = site_report.axe_violations()
    assert not problems, format_problems("axe WCAG 2.1 A/AA violations", problems)


def test_html_names_no_third_party_resource(built_site):
    """Static twin of the browser check: also covers pages' lazy or conditional loads."""
    problems = []
    for html in sorted(built_site.rglob("*.html")):
        text = html.read_text(encoding="utf-8")
        for marker in THIRD_PARTY_MARKERS:
            if marker in text:
                problems.append(f"{html.relative_to(built_site)}: mentions {marker}")
        finder = _AbsoluteResourceFinder()
        finder.feed(text)
        problems.extend(f"{html.relative_to(built_site)}: {found}" for found in finder.found)
    assert not problems, format_problems("third-party resources in HTML", problems)


def test_screenshots_of_home_and_objective_page(built_site, built_site_url, browser_context, screenshot_dir):
    objective = first_page_matching(built_site, "piano/2021/obiettivi/1/", "/obiettivi/")
    home = take_screenshot(browser_context, built_site_url, "", screenshot_dir / "home.png")
    page = take_screenshot(
        browser_context, built_site_url, objective, screenshot_dir / "obiettivo-strategico.png"
    )
    for shot in (home, page):
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot

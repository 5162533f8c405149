"""Look at a built static site through a real browser and report what is wrong.

The harness opens every HTML page of a site served on 127.0.0.1 and gathers,
per page: JavaScript errors, requests that failed, requests to any other host
(blocked, so a test never reaches the internet and a GDPR-relevant third-party
request is caught), local links and resources that do not resolve, and the
axe-core WCAG 2.1 A/AA violations. Every finding is kept as readable text so
that a failing test says exactly which page, element and rule is at fault.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

# The WCAG levels the body must meet (Legge 4/2004 -> EN 301 549 -> WCAG 2.1 AA).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Directories of a MkDocs/Material build that hold assets, not pages.
NON_PAGE_DIRS = ("assets/", "search/")

# Gathers every URL the page points to or loads through CSS, resolved to
# absolute URLs by the browser itself (same rules a visitor gets).
_COLLECT_REFERENCES_JS = """
() => {
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  const resources = [];
  for (const img of document.querySelectorAll('img')) {
    const src = img.currentSrc || img.getAttribute('src');
    if (src) resources.push(new URL(src, document.baseURI).href);
  }
  for (const obj of document.querySelectorAll('object[data]')) resources.push(obj.data);
  for (const el of document.querySelectorAll('script[src]')) resources.push(el.src);
  for (const el of document.querySelectorAll('link[href]')) {
    const rel = (el.getAttribute('rel') || '').toLowerCase();
    if (/(^|\\s)(stylesheet|icon|preload|manifest)(\\s|$)/.test(rel)) resources.push(el.href);
  }
  const walk = (rules, base) => {
    for (const rule of rules) {
      if (rule.cssRules) walk(rule.cssRules, base);
      for (const m of rule.cssText.matchAll(/url\\(\\s*(['"]?)([^'")]+)\\1\\s*\\)/g)) {
        try { resources.push(new URL(m[2], base).href); } catch (e) { /* not a URL */ }
      }
    }
  };
  for (const sheet of document.styleSheets) {
    let rules;
    try { rules = sheet.cssRules; } catch (e) { continue; }
    walk(rules, sheet.href || document.baseURI);
  }
  return {links, resources};
}
"""

_AXE_RUN_JS = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({
      target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(', '),
      html: n.html,
      summary: n.failureSummary,
    })),
  }));
}
"""


@dataclass
class AxeViolation:
    """One axe rule broken on one page, with every offending element."""

    rule: str
    impact: str | None
    help: str
    help_url: str
    nodes: list[dict]

    def describe(self) -> str:
        lines = [f"[{self.impact}] {self.rule}: {self.help} ({self.help_url})"]
        for node in self.nodes:
            summary = " ".join((node.get("summary") or "").split())
            html = " ".join(node.get("html", "").split())
            if len(html) > 160:
                html = html[:157] + "..."
            lines.append(f"    at {node['target']}: {html}")
            if summary:
                lines.append(f"       {summary}")
        return "\n".join(lines)


@dataclass
class PageReport:
    """Everything found on one page; empty lists mean the page is clean."""

    path: str
    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    broken_resources: list[str] = field(default_factory=list)
    axe_violations: list[AxeViolation] = field(default_factory=list)

    @property
    def axe_rule_ids(self) -> set[str]:
        return {v.rule for v in self.axe_violations}


@dataclass
class SiteReport:
    """The reports of every page visited, with one finder per kind of problem.

    Each finder returns lines "page: problem", ready to be the message of a
    failing assertion.
    """

    base_url: str
    pages: list[PageReport]

    def page(self, path: str) -> PageReport:
        for report in self.pages:
            if report.path == path:
                return report
        raise KeyError(f"page {path!r} was not inspected; inspected: {[p.path for p in self.pages]}")

    def _lines(self, attribute: str) -> list[str]:
        return [
            f"/{report.path}: {item}" for report in self.pages for item in getattr(report, attribute)
        ]

    def console_errors(self) -> list[str]:
        return self._lines("console_errors")

    def failed_requests(self) -> list[str]:
        return self._lines("failed_requests")

    def external_requests(self) -> list[str]:
        return self._lines("external_requests")

    def broken_links(self) -> list[str]:
        return self._lines("broken_links")

    def broken_resources(self) -> list[str]:
        return self._lines("broken_resources")

    def axe_violations(self) -> list[str]:
        return [
            f"/{report.path}: {violation.describe()}"
            for report in self.pages
            for violation in report.axe_violations
        ]

    def all_problems(self) -> list[str]:
        return (
            self.console_errors()
            + self.failed_requests()
            + self.external_requests()
            + self.broken_links()
            + self.broken_resources()
            + self.axe_violations()
        )


def format_problems(title: str, problems: list[str]) -> str:
    """Assertion message: a count, then one problem per line."""
    return f"{title}: {len(problems)}\n" + "\n".join(problems)


def site_pages(site_dir: Path) -> list[str]:
    """URL paths (relative to the site root) of every HTML page on disk.

    Read from the files rather than by following links, so that a page that
    nothing links to is still checked. `404.html` is left out: it is served
    for missing pages, its relative links only work from the site root.
    """
    site_dir = Path(site_dir)
    paths = []
    for html in site_dir.rglob("*.html"):
        rel = html.relative_to(site_dir).as_posix()
        if rel == "404.html" or rel.startswith(NON_PAGE_DIRS):
            continue
        paths.append(rel[: -len("index.html")] if html.name == "index.html" else rel)
    return sorted(paths)


class UrlChecker:
    """HTTP status of local URLs, each asked once per site (links repeat a lot)."""

    def __init__(self) -> None:
        self._status: dict[str, int | str] = {}

    def status(self, url: str) -> int | str:
        if url not in self._status:
            request = urllib.request.Request(url, method="HEAD")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    self._status[url] = response.status
            except urllib.error.HTTPError as error:
                self._status[url] = error.code
            except urllib.error.URLError as error:
                self._status[url] = str(error.reason)
        return self._status[url]


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.netloc


def _strip_fragment(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


class SiteInspector:
    """Visits pages of one site in a single browser tab and reports each.

    One tab for the whole crawl: opening a tab costs more than loading a
    page, and the CI machine has 2 cores. Event handlers write into the
    report of the page being visited.

    All requests are routed: those to the site's own origin go through,
    anything else is recorded and aborted (the test machine has no internet,
    and the published site must not contact third parties anyway).
    """

    def __init__(self, context, base_url: str, axe_script: Path | None) -> None:
        self.base_url = base_url
        self.axe_script = axe_script
        self.checker = UrlChecker()
        self._origin = _origin(base_url)
        self._blocked: set[str] = set()
        self._report = PageReport(path="", url=base_url)
        self._page = context.new_page()
        self._page.route("**/*", self._on_route)
        self._page.on("console", self._on_console)
        self._page.on("pageerror", self._on_page_error)
        self._page.on("requestfailed", self._on_request_failed)
        self._page.on("response", self._on_response)

    def close(self) -> None:
        self._page.close()

    def __enter__(self) -> SiteInspector:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- browser events -----------------------------------------------------

    def _on_route(self, route) -> None:
        url = route.request.url
        if _origin(url)[0] in ("http", "https") and _origin(url) != self._origin:
            self._blocked.add(url)
            self._report.external_requests.append(f"{route.request.resource_type} {url}")
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        # A failed load is reported (with its URL) as a failed or external
        # request; the browser's generic console line would only repeat it.
        if message.text.startswith("Failed to load resource"):
            return
        location = message.location or {}
        where = location.get("url", "")
        if where:
            where = f" ({where}:{location.get('lineNumber', 0) + 1})"
        self._report.console_errors.append(f"console error: {message.text}{where}")

    def _on_page_error(self, error) -> None:
        self._report.console_errors.append(f"uncaught exception: {error}")

    def _on_request_failed(self, request) -> None:
        if request.url not in self._blocked:
            self._report.failed_requests.append(f"{request.failure} {request.url}")

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self._report.failed_requests.append(f"HTTP {response.status} {response.url}")

    # -- one page -----------------------------------------------------------

    def inspect(self, path: str) -> PageReport:
        """Open `path` (relative to the site root) and collect every problem on it."""
        url = urllib.parse.urljoin(self.base_url, path)
        report = self._report = PageReport(path=path, url=url)
        page = self._page

        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            status = response.status if response else "no response"
            report.failed_requests.append(f"page itself: {status} {url}")
        # Web fonts load after `load`; wait for them so a missing font file
        # shows up as a failed request instead of escaping the check.
        page.evaluate("() => document.fonts.ready.then(() => true)")
        # The theme's search worker fetches its index and language files
        # after `load`. Let them finish here: otherwise opening the next page
        # aborts them (net::ERR_ABORTED), reported as a failure of that page.
        page.wait_for_load_state("networkidle")

        references = page.evaluate(_COLLECT_REFERENCES_JS)
        for link in dict.fromkeys(references["links"]):
            if _origin(link) != self._origin:
                continue  # mailto:, external sites: not ours to fetch
            status = self.checker.status(_strip_fragment(link))
            if status != 200:
                report.broken_links.append(f"link {link} -> {status}")
        for resource in dict.fromkeys(references["resources"]):
            if _origin(resource)[0] not in ("http", "https"):
                continue  # data: URIs are inline
            if _origin(resource) != self._origin:
                if resource not in self._blocked:
                    report.external_requests.append(f"referenced {resource}")
                continue
            status = self.checker.status(_strip_fragment(resource))
            if status != 200:
                report.broken_resources.append(f"resource {resource} -> {status}")

        if self.axe_script is not None:
            page.add_script_tag(path=str(self.axe_script))
            for violation in page.evaluate(_AXE_RUN_JS, AXE_TAGS):
                report.axe_violations.append(
                    AxeViolation(
                        rule=violation["id"],
                        impact=violation["impact"],
                        help=violation["help"],
                        help_url=violation["helpUrl"],
                        nodes=violation["nodes"],
                    )
                )
        return report


def inspect_site(
    context,
    base_url: str,
    site_dir: Path,
    axe_script: Path | None,
    paths: list[str] | None = None,
) -> SiteReport:
    """Inspect every page of a built site (or the given `paths`) in one browser tab."""
    paths = site_pages(site_dir) if paths is None else paths
    if not paths:
        raise AssertionError(f"no HTML page found under {site_dir}")
    with SiteInspector(context, base_url, axe_script) as inspector:
        return SiteReport(base_url=base_url, pages=[inspector.inspect(path) for path in paths])


def take_screenshot(context, base_url: str, path: str, destination: Path) -> Path:
    """Full-page PNG of one page, once its web fonts have loaded, for a person to look at."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    page = context.new_page()
    try:
        page.route(
            "**/*",
            lambda route: route.continue_()
            if _origin(route.request.url) == _origin(base_url)
            else route.abort("blockedbyclient"),
        )
        page.goto(urllib.parse.urljoin(base_url, path), wait_until="load")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.screenshot(path=str(destination), full_page=True)
    finally:
        page.close()
    return destination


def first_page_matching(site_dir: Path, preferred: str, fragment: str) -> str:
    """`preferred` if the site has it, else the first page whose path contains `fragment`."""
    pages = site_pages(site_dir)
    if preferred in pages:
        return preferred
    for page in pages:
        if fragment in page:
            return page
    raise AssertionError(f"no page {preferred!r} nor any page containing {fragment!r} in {site_dir}")

"""Citizens read the answer on a phone and on a desktop (issue 10, "phone first").

Every page of the real built site is opened in headless Chromium at 390×844
(a phone) and at 1280×900 (a desktop). Per page and width the browser
measures:

- whether the page scrolls sideways (document wider than the window);
- every table cell in a "Grado…" or "Stato" column: does it lie inside the
  window, and is none of it hidden by a scrolling box around the table (no
  sideways scroll, of the page or of the table, needed to read the answer)?
- every chart: the smallest text it draws, scaled to the size the chart is
  shown at, in CSS px (must be ≥ 11);
- at 390 px, axe-core's WCAG 2.1 A/AA violations (the 1280 px run is in
  test_site_in_browser.py).

Screenshots of home, a strategic objective and the Relazione at both widths
go to the build's screenshot folder, for a person to look at.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser_harness import (
    _AXE_RUN_JS,
    AXE_TAGS,
    _origin,
    first_page_matching,
    format_problems,
    site_pages,
    take_screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LARGHEZZE = {"telefono": (390, 844), "desktop": (1280, 900)}
#: Smallest chart text a reader can read at arm's length, in CSS px.
TESTO_MINIMO_PX = 11
#: Sub-pixel tolerance of layout measurements.
TOLLERANZA = 1

_MISURA_JS = """
async () => {
  const out = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
               cells: [], charts: []};
  for (const table of document.querySelectorAll('article table')) {
    const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
    const cols = heads.map((h, i) => [h, i]).filter(([h]) => /^(grado|stato)/i.test(h));
    if (!cols.length) continue;
    for (const tr of table.querySelectorAll('tbody tr')) {
      const tds = tr.querySelectorAll('td');
      for (const [h, i] of cols) {
        const td = tds[i];
        if (!td) continue;
        const r = td.getBoundingClientRect();
        // The visible part: clipped by every scrolling or overflow-hidden box around it.
        let left = r.left, right = r.right;
        for (let el = td.parentElement; el && el !== document.body; el = el.parentElement) {
          const ox = getComputedStyle(el).overflowX;
          if (ox === 'visible') continue;
          const b = el.getBoundingClientRect();
          left = Math.max(left, b.left);
          right = Math.min(right, b.right);
        }
        const clipped = (right - left) < r.width - 1;
        out.cells.push({col: h, row: (tds[0] ? tds[0].textContent.trim() : '').slice(0, 40),
                        left: r.left + window.scrollX, right: r.right + window.scrollX, width: r.width, clipped});
      }
    }
  }
  const fontSizes = (svg) => [...svg.querySelectorAll('text')].map(t => {
    const own = t.style.fontSize || t.getAttribute('font-size') || '';
    const m = /([0-9.]+)/.exec(own);
    return m ? parseFloat(m[1]) : NaN;
  }).filter(x => !isNaN(x));
  const viewWidth = (svg) => {
    const vb = svg.viewBox && svg.viewBox.baseVal;
    if (vb && vb.width) return vb.width;
    return parseFloat(svg.getAttribute('width'));
  };
  for (const img of document.querySelectorAll('article img')) {
    const src = img.currentSrc || img.src;
    if (!/\\.svg(\\?|#|$)/.test(src)) continue;
    // Charts are loading="lazy": load them now (a lazy image below the fold never would).
    if (!img.complete) {
      img.loading = 'eager';
      await Promise.race([new Promise(ok => { img.onload = img.onerror = ok; }), new Promise(ok => setTimeout(ok, 5000))]);
    }
    const text = await (await fetch(src)).text();
    const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    const sizes = fontSizes(svg);
    const shown = img.getBoundingClientRect().width;
    if (!sizes.length || !shown) continue;
    out.charts.push({src: src.split('/').slice(-3).join('/'), min: Math.min(...sizes) * shown / viewWidth(svg)});
  }
  for (const svg of document.querySelectorAll('article svg:not(.pf-stato-icona)')) {
    const sizes = fontSizes(svg);
    const shown = svg.getBoundingClientRect().width;
    if (!sizes.length || !shown) continue;
    out.charts.push({src: 'inline svg', min: Math.min(...sizes) * shown / viewWidth(svg)});
  }
  return out;
}
"""


@dataclass
class Misure:
    """What one width showed, page by page; each list holds readable problems."""

    larghezza: int
    scorre: list[str] = field(default_factory=list)
    celle_fuori: list[str] = field(default_factory=list)
    celle_viste: int = 0
    testo_piccolo: list[str] = field(default_factory=list)
    grafici_visti: int = 0
    axe: list[str] = field(default_factory=list)


def _misura(chromium_browser, base_url: str, pagine: list[str], larghezza: int, altezza: int, axe_script: Path | None) -> Misure:
    context = chromium_browser.new_context(
        locale="it-IT", viewport={"width": larghezza, "height": altezza}, service_workers="block"
    )
    out = Misure(larghezza)
    try:
        page = context.new_page()
        page.route(
            "**/*",
            lambda route: route.continue_()
            if _origin(route.request.url) == _origin(base_url)
            else route.abort("blockedbyclient"),
        )
        for path in pagine:
            page.goto(urllib.parse.urljoin(base_url, path), wait_until="load")
            page.evaluate("() => document.fonts.ready.then(() => true)")
            m = page.evaluate(_MISURA_JS)
            if m["scrollWidth"] > m["innerWidth"] + TOLLERANZA:
                out.scorre.append(f"/{path}: larga {m['scrollWidth']} px in una finestra di {m['innerWidth']} px")
            for c in m["cells"]:
                out.celle_viste += 1
                if c["clipped"] or c["left"] < -TOLLERANZA or c["right"] > m["innerWidth"] + TOLLERANZA:
                    out.celle_fuori.append(
                        f"/{path}: «{c['col']}» di «{c['row']}» da {c['left']:.0f} a {c['right']:.0f} px"
                        + (" (tagliata: serve scorrere la tabella)" if c["clipped"] else "")
                    )
            for g in m["charts"]:
                out.grafici_visti += 1
                if g["min"] < TESTO_MINIMO_PX:
                    out.testo_piccolo.append(f"/{path}: {g['src']}: testo di {g['min']:.1f} px")
            if axe_script is not None:
                page.add_script_tag(path=str(axe_script))
                for v in page.evaluate(_AXE_RUN_JS, AXE_TAGS):
                    targets = "; ".join(n["target"] for n in v["nodes"][:3])
                    out.axe.append(f"/{path}: [{v['impact']}] {v['id']}: {v['help']} ({targets})")
        page.close()
    finally:
        context.close()
    return out


@pytest.fixture(scope="module")
def misure(chromium_browser, built_site, built_site_url, axe_script) -> dict[str, Misure]:
    pagine = site_pages(built_site)
    return {
        nome: _misura(chromium_browser, built_site_url, pagine, w, h, axe_script if nome == "telefono" else None)
        for nome, (w, h) in LARGHEZZE.items()
    }


@pytest.mark.parametrize("larghezza", list(LARGHEZZE))
def test_no_page_scrolls_sideways(misure, larghezza):
    problemi = misure[larghezza].scorre
    assert not problemi, format_problems(f"pagine più larghe della finestra a {LARGHEZZE[larghezza][0]} px", problemi)


@pytest.mark.parametrize("larghezza", list(LARGHEZZE))
def test_every_grade_and_status_cell_is_inside_the_window(misure, larghezza):
    m = misure[larghezza]
    assert m.celle_viste > 100, "the site should have many results tables"
    assert not m.celle_fuori, format_problems(f"celle di grado o stato fuori dalla finestra a {m.larghezza} px", m.celle_fuori)


@pytest.mark.parametrize("larghezza", list(LARGHEZZE))
def test_chart_text_is_at_least_11_css_px_as_drawn(misure, larghezza):
    m = misure[larghezza]
    assert m.grafici_visti > 10, "the site should show many charts"
    assert not m.testo_piccolo, format_problems(f"grafici con testo sotto {TESTO_MINIMO_PX} px a {m.larghezza} px", m.testo_piccolo)


def test_no_accessibility_violations_on_a_phone(misure):
    problemi = misure["telefono"].axe
    assert not problemi, format_problems("violazioni WCAG 2.1 A/AA (axe) a 390 px", problemi)


def _screenshot(chromium_browser, base_url: str, path: str, larghezza: int, altezza: int, destinazione: Path) -> Path:
    context = chromium_browser.new_context(locale="it-IT", viewport={"width": larghezza, "height": altezza}, service_workers="block")
    try:
        return take_screenshot(context, base_url, path, destinazione)
    finally:
        context.close()


def test_screenshots_of_home_objective_and_relazione_at_both_widths(chromium_browser, built_site, built_site_url, screenshot_dir):
    pagine = {
        "home": "",
        "obiettivo-strategico": first_page_matching(built_site, "piano/2021/obiettivi/1/", "/obiettivi/"),
        "relazione": first_page_matching(built_site, "relazione/2021/", "relazione/2"),
    }
    for nome, path in pagine.items():
        for w, h in LARGHEZZE.values():
            shot = _screenshot(chromium_browser, built_site_url, path, w, h, screenshot_dir / f"{nome}-{w}.png")
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot

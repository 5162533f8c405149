"""The site frame (mkdocs.yml + overrides + assets) renders what every page needs.

Static checks of the built HTML and CSS, on a small site built with the
repository's frame; the browser checks of the same frame are in
test_harness.py (clean variant) and test_site_in_browser.py.
"""

from __future__ import annotations

import re

import pytest
from frame_site import build_frame_site

BANNER_TEXT = (
    "i valori mostrati sono illustrativi e non sono risultati ufficiali dell'ente."
)

PAGES = {
    "index.md": "# Performance\n\nPagina iniziale.\n",
    "dati.md": "---\naggiornato: 31 dicembre 2021\n---\n\n# Dati\n\nTesto.\n",
    "ostile.md": '---\naggiornato: "<script>alert(1)</script>"\n---\n\n# Ostile\n',
}


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    return build_frame_site(tmp_path_factory.mktemp("esempio"), PAGES, esempio=True)


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    return build_frame_site(tmp_path_factory.mktemp("reale"), PAGES, esempio=False)


def _html(site, path="index.html"):
    return (site / path).read_text(encoding="utf-8")


def _squash(text):
    return " ".join(text.split())


def test_example_banner_on_every_page_when_esempio(example_site):
    for path in ("index.html", "dati/index.html", "accessibilita/index.html"):
        html = _squash(_html(example_site, path))
        assert '<p class="pf-esempio" role="note"> <strong>Dati di esempio:</strong> ' + BANNER_TEXT in html, path


def test_no_banner_without_esempio(real_site):
    html = _html(real_site)
    assert "Dati di esempio" not in html
    assert "md-banner" not in html


def test_data_date_line_from_front_matter(real_site):
    assert "Ultimo aggiornamento dei dati: 31 dicembre 2021" in _squash(_html(real_site, "dati/index.html"))


def test_no_data_date_line_without_front_matter(real_site):
    assert "Ultimo aggiornamento" not in _html(real_site)


def test_data_date_is_escaped(real_site):
    html = _html(real_site, "ostile/index.html")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_footer_links_statement_legal_notes_and_licence(real_site):
    html = _html(real_site, "dati/index.html")
    assert '<a href="../accessibilita/">Dichiarazione di accessibilità</a>' in html
    assert '<a href="../note-legali/">Note legali e privacy</a>' in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/deed.it" rel="license"' in html


def test_pages_are_declared_italian(real_site):
    assert '<html lang="it"' in _html(real_site)


def test_no_google_fonts_or_cdn(real_site):
    for html_file in real_site.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        for host in ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr"):
            assert host not in html, f"{html_file}: {host}"


def test_no_made_with_material_link(real_site):
    assert "squidfunk" not in _html(real_site)


def test_every_font_face_file_is_shipped(real_site):
    css_dir = real_site / "assets" / "css"
    css = (css_dir / "site.css").read_text(encoding="utf-8")
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert len(urls) == 8  # latin + latin-ext x (400, 400 italic, 600, 700)
    for url in urls:
        assert (css_dir / url).resolve().is_file(), url


def test_font_licence_is_shipped(real_site):
    assert "SIL OPEN FONT LICENSE Version 1.1" in (real_site / "assets" / "fonts" / "OFL.txt").read_text(
        encoding="utf-8"
    )


def test_site_uses_titillium_web(real_site):
    css = (real_site / "assets" / "css" / "site.css").read_text(encoding="utf-8")
    assert '--md-text-font: "Titillium Web";' in css
    assert 'href="assets/css/site.css"' in _html(real_site)

"""The browser harness finds real defects and stays quiet on a clean site.

Proves the checks in test_site_in_browser.py can fail: a small site built
with the repository's frame gets one deliberate defect per page, and each
defect must be reported on its page, while a clean variant reports nothing.
"""

from __future__ import annotations

import pytest
from browser_harness import first_page_matching, inspect_site, site_pages, take_screenshot
from frame_site import build_frame_site

pytestmark = pytest.mark.browser


CLEAN_PAGES = {
    "index.md": (
        "# Piano della Performance\n\n"
        "Vedi l'[obiettivo strategico 1](piano/2021/obiettivi/1/index.md).\n\n"
        "| Obiettivo | Grado di raggiungimento |\n"
        "|---|---|\n"
        "| Sostenere le imprese | 87,5% (raggiunto) |\n"
    ),
    "piano/2021/obiettivi/1/index.md": (
        "---\naggiornato: 31 dicembre 2021\n---\n\n"
        "# Obiettivo strategico 1\n\n"
        '<img src="../../../../assets/prova.svg" alt="Grafico di prova">\n\n'
        "Torna alla [pagina iniziale](../../../../index.md).\n"
    ),
    "assets/prova.svg": (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<rect width="40" height="20" fill="#0066cc"/></svg>\n'
    ),
}

# One defect per page; raw HTML, because MkDocs' strict mode already rejects
# broken Markdown links and the harness must catch what slips past it.
FAULTY_PAGES = {
    **CLEAN_PAGES,
    "immagine-senza-alt.md": '# Immagine senza alt\n\n<img src="../assets/prova.svg">\n',
    "link-rotto.md": '# Link rotto\n\nVedi <a href="../pagina-che-non-esiste/">questa pagina</a>.\n',
    "immagine-mancante.md": (
        '# Immagine mancante\n\n<img src="../assets/non-esiste.svg" alt="Grafico mancante">\n'
    ),
    "errore-script.md": '# Errore script\n\n<script>throw new Error("errore di prova");</script>\n',
    "risorsa-esterna.md": (
        '# Risorsa esterna\n\n<img src="https://example.org/logo.png" alt="Logo esterno">\n'
    ),
}


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory):
    return build_frame_site(tmp_path_factory.mktemp("clean"), CLEAN_PAGES, esempio=True)


@pytest.fixture(scope="module")
def faulty_site(tmp_path_factory):
    return build_frame_site(tmp_path_factory.mktemp("faulty"), FAULTY_PAGES)


@pytest.fixture(scope="module")
def clean_report(clean_site, serve_directory, browser_context, axe_script):
    return inspect_site(browser_context, serve_directory(clean_site), clean_site, axe_script)


@pytest.fixture(scope="module")
def faulty_report(faulty_site, serve_directory, browser_context, axe_script):
    return inspect_site(browser_context, serve_directory(faulty_site), faulty_site, axe_script)


def test_clean_site_has_no_findings(clean_report):
    assert clean_report.all_problems() == []


def test_clean_site_inspects_every_page(clean_report):
    assert [page.path for page in clean_report.pages] == [
        "",
        "accessibilita/",
        "note-legali/",
        "piano/2021/obiettivi/1/",
    ]


def test_site_pages_leave_out_404_and_search(clean_site):
    assert (clean_site / "404.html").is_file()
    assert all(not path.startswith(("404", "search/", "assets/")) for path in site_pages(clean_site))


def test_image_without_alt_is_reported_by_axe(faulty_report):
    assert "image-alt" in faulty_report.page("immagine-senza-alt/").axe_rule_ids


def test_axe_finding_names_the_element(faulty_report):
    described = "\n".join(faulty_report.axe_violations())
    assert "/immagine-senza-alt/: [critical] image-alt" in described
    assert "prova.svg" in described


def test_broken_link_is_reported(faulty_report):
    assert faulty_report.page("link-rotto/").broken_links == [
        f"link {faulty_report.base_url}pagina-che-non-esiste/ -> 404"
    ]


def test_missing_image_is_reported(faulty_report):
    assert faulty_report.page("immagine-mancante/").broken_resources == [
        f"resource {faulty_report.base_url}assets/non-esiste.svg -> 404"
    ]


def test_uncaught_script_error_is_reported(faulty_report):
    errors = faulty_report.page("errore-script/").console_errors
    assert any("errore di prova" in error for error in errors), errors


def test_request_to_another_host_is_blocked_and_reported(faulty_report):
    external = faulty_report.page("risorsa-esterna/").external_requests
    assert "image https://example.org/logo.png" in external


def test_defects_stay_on_their_own_pages(faulty_report):
    assert faulty_report.page("").axe_violations == []
    assert faulty_report.page("").broken_links == []
    assert faulty_report.page("").external_requests == []


def test_screenshot_is_a_png(clean_site, serve_directory, browser_context, tmp_path):
    shot = take_screenshot(
        browser_context, serve_directory(clean_site), "", tmp_path / "home.png"
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_objective_page_falls_back_to_first_obiettivi_path(clean_site):
    assert first_page_matching(clean_site, "piano/2099/obiettivi/1/", "/obiettivi/") == (
        "piano/2021/obiettivi/1/"
    )

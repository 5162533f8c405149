"""The build pipeline, end to end: real validator, real charts, real MkDocs.

Each test assembles a project root in a temporary folder: the repository's
site frame (mkdocs.yml, overrides/, docs/, hooks.py) plus the data of a
fixture (``tests/fixtures/*``) or the shipped data (plan/, measurements/).
Built HTML is read with :mod:`html.parser`, as a crawler would.
"""

from __future__ import annotations

import hashlib
import html.parser
import io
import os
import posixpath
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator import build as B

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
FRAME = ("mkdocs.yml", "overrides", "docs", "hooks.py")
DATA = ("plan", "measurements", "premi")
MKDOCS = Path(sys.executable).with_name("mkdocs")

SEZIONI = [
    "Sistema di misurazione e valutazione della Performance",
    "Piano della Performance",
    "Relazione sulla Performance",
    "Ammontare complessivo dei premi",
    "Dati relativi ai premi",
]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def progetto(dest: Path, dati: Path) -> Path:
    """A project root: the repository's site frame plus ``dati``'s data folders."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in FRAME:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)
    for name in DATA:
        if (dati / name).is_dir():
            shutil.copytree(dati / name, dest / name)
    return dest


def cli_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(root), *args],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
        check=False,
    )


def build_quiet(root: Path, **kw) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    rc = B.build(root, out=out, err=err, **kw)
    return rc, out.getvalue(), err.getvalue()


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class _Html(html.parser.HTMLParser):
    """Links (href, text), images (src, alt), tag/attribute list, ids, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.images: list[tuple[str, str]] = []
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.ids: set[str] = set()
        self.tables = 0
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._a: list[list[str]] = []
        self._href: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a":
            self._a.append([])
            self._href.append(a.get("href") or "")
        elif tag == "img":
            self.images.append((a.get("src") or "", a.get("alt") or ""))
        elif tag == "table":
            self.tables += 1
        elif tag == "script":
            self._in_script = True
            self.scripts.append(a.get("src") or "")

    def handle_endtag(self, tag):
        if tag == "a" and self._a:
            text = " ".join("".join(self._a.pop()).split())
            self.links.append((self._href.pop(), text))
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)
            return
        self.text.append(data)
        for buf in self._a:
            buf.append(data)


def leggi(path: Path) -> _Html:
    p = _Html()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def risolvi(site: Path, pagina: Path, href: str) -> Path | None:
    """The file a relative link on ``pagina`` points to (None for external links)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    base = pagina.parent.relative_to(site).as_posix()
    rel = posixpath.normpath(posixpath.join(base, unquote(parts.path))) if parts.path else pagina.relative_to(site).as_posix()
    target = site / rel
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target


# --------------------------------------------------------------------------
# Built projects, shared by the read-only tests
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    root = progetto(tmp_path_factory.mktemp("fixture") / "p", FIXTURES / "progetto")
    proc = cli_build(root, "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory) -> Path:
    if not (REPO / "measurements").is_dir() or not any((REPO / "measurements").glob("*.yml")):
        pytest.skip("no shipped measurements yet")
    root = progetto(tmp_path_factory.mktemp("shipped") / "p", REPO)
    proc = cli_build(root, "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


@pytest.fixture(scope="module")
def injected_site(tmp_path_factory) -> Path:
    root = progetto(tmp_path_factory.mktemp("iniezione") / "p", FIXTURES / "iniezione")
    proc = cli_build(root, "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


def _load(root: Path):
    from generator.validate import load_project

    return load_project(root)


# --------------------------------------------------------------------------
# What citizens and crawlers get
# --------------------------------------------------------------------------


def _check_objectives_and_actions(root: Path) -> None:
    site = root / "site"
    progetto_ = _load(root)
    for anno, piano in progetto_.piani.items():
        for obiettivo in [*piano.obiettivi_strategici(), *piano.obiettivi_operativi()]:
            page = site / "piano" / str(anno) / "obiettivi" / obiettivo.codice / "index.html"
            assert page.is_file(), page
            html_ = leggi(page)
            assert html_.tables >= 1, page
            charts = [(s, a) for s, a in html_.images if s.endswith(".svg")]
            assert charts, f"no chart on {page}"
            for src, alt in charts:
                assert alt.strip(), (page, src)
                target = risolvi(site, page, src)
                assert target is not None and target.is_file(), (page, src)
        for o in piano.obiettivi_operativi():
            page = site / "piano" / str(anno) / "obiettivi" / o.codice / "index.html"
            html_ = leggi(page)
            srcs = {s for s, _ in html_.images}
            for a in o.azioni:
                assert f"azione-{a.codice}" in html_.ids, (page, a.codice)
                assert f"azione-{a.codice}.svg" in srcs, (page, a.codice)


def test_fixture_every_objective_and_action_has_a_chart_with_alt_and_a_table(fixture_site):
    _check_objectives_and_actions(fixture_site)


def test_shipped_every_objective_and_action_has_a_chart_with_alt_and_a_table(shipped_site):
    _check_objectives_and_actions(shipped_site)


def _five_links_from_home(root: Path) -> None:
    site = root / "site"
    home = site / "index.html"
    performance = [h for h, t in leggi(home).links if t == "Performance"]
    assert performance, "no link with text 'Performance' on the home page"
    # Every link so named leads to the landing page (none is an in-page anchor).
    landing = risolvi(site, home, performance[0])
    assert {risolvi(site, home, h) for h in performance} == {landing}
    assert landing == site / "performance" / "index.html"
    links = leggi(landing).links
    for testo in SEZIONI:
        hrefs = [h for h, t in links if t == testo]
        assert hrefs, f"no link {testo!r} under Performance"
        target = risolvi(site, landing, hrefs[0])
        assert target is not None and target.is_file(), (testo, hrefs[0])
    # The home page's own content and menu carry them too.
    home_texts = {t for _, t in leggi(home).links}
    assert set(SEZIONI) <= home_texts


def test_fixture_five_performance_links_reachable_from_home(fixture_site):
    _five_links_from_home(fixture_site)


def test_shipped_five_performance_links_reachable_from_home(shipped_site):
    _five_links_from_home(shipped_site)


def test_open_data_is_published_with_the_site(fixture_site):
    site = fixture_site / "site"
    for name in ("performance.json", "datapackage.json", "azioni.csv", "performance.schema.json"):
        assert (site / "opendata" / "2021" / name).is_file()
    page = site / "dati-aperti" / "index.html"
    targets = [risolvi(site, page, h) for h, _ in leggi(page).links if "opendata/" in h]
    assert targets and all(t is not None and t.is_file() for t in targets)


def test_build_date_is_the_latest_measurement_not_the_clock(fixture_site):
    # MkDocs stamps the build date into sitemap.xml.gz's gzip header (and into
    # each <lastmod> when site_url is set): SOURCE_DATE_EPOCH makes it the data's.
    raw = (fixture_site / "site" / "sitemap.xml.gz").read_bytes()
    mtime = int.from_bytes(raw[4:8], "little")
    assert mtime == B.data_epoch(__import__("datetime").date(2021, 12, 31))


def test_example_banner_is_on_when_a_measurement_says_esempio(fixture_site):
    text = (fixture_site / "site" / "index.html").read_text(encoding="utf-8")
    assert "pf-esempio" in text


def test_hand_written_pages_are_in_the_site_and_nav(fixture_site):
    site = fixture_site / "site"
    assert (site / "guida" / "index.html").is_file()
    assert (site / "accessibilita" / "index.html").is_file()
    texts = {t for _, t in leggi(site / "index.html").links}
    assert "Guida per il personale" in texts or any(t.startswith("Guida") for t in texts)


# --------------------------------------------------------------------------
# Untrusted data
# --------------------------------------------------------------------------


def test_injected_markup_stays_text(injected_site):
    site = injected_site / "site"
    pages_ = sorted(site.rglob("*.html"))
    assert pages_
    for page in pages_:
        parsed = leggi(page)
        for script in parsed.scripts:
            assert "alert" not in script, page
        for tag, attrs in parsed.tags:
            assert tag not in ("iframe", "u"), (page, tag)
            assert not (tag == "img" and dict(attrs).get("src") == "x"), page
            for name, value in attrs:
                assert not name.lower().startswith("on"), (page, tag, name)
                if name in ("href", "src", "action", "formaction"):
                    assert not (value or "").strip().lower().startswith("javascript:"), (page, tag, value)
    page = site / "piano" / "2021" / "obiettivi" / "1.1" / "index.html"
    text = "".join(leggi(page).text)
    assert "{{ 7*7 }}" in text
    assert "49" not in text
    assert "[x](javascript:alert(1))" in text
    assert "<script>alert(1)</script>" in "".join(leggi(site / "piano" / "2021" / "obiettivi" / "1" / "index.html").text)


def test_injected_markup_stays_text_in_the_search_index(injected_site):
    text = (injected_site / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "<script" not in text
    assert "<iframe" not in text


# --------------------------------------------------------------------------
# Safety of the build itself
# --------------------------------------------------------------------------


def test_validation_errors_stop_the_build_touching_nothing(tmp_path):
    root = progetto(tmp_path / "p", FIXTURES / "progetto")
    plan = root / "plan" / "2021.yml"
    plan.write_text(plan.read_text(encoding="utf-8").replace('peso: "30%"', 'peso: "35%"', 1), encoding="utf-8")
    proc = cli_build(root)
    assert proc.returncode == 1
    assert "plan/2021.yml:" in proc.stderr and "errore" in proc.stderr
    assert not (root / "site").exists()
    assert not (root / "build").exists()


def test_unknown_key_in_premi_stops_the_build_with_its_position(tmp_path):
    root = progetto(tmp_path / "p", FIXTURES / "progetto")
    premi = root / "premi" / "2021.yml"
    premi.write_text(premi.read_text(encoding="utf-8").replace("destinatari: 38", "destinatari: 38\n    bonus: 3"), encoding="utf-8")
    rc, _, err = build_quiet(root)
    assert rc == 1
    assert "premi/2021.yml:" in err and "bonus" in err
    assert not (root / "site").exists()


def test_more_recipients_than_staff_in_premi_is_an_error(tmp_path):
    root = progetto(tmp_path / "p", FIXTURES / "progetto")
    premi = root / "premi" / "2021.yml"
    premi.write_text(premi.read_text(encoding="utf-8").replace("destinatari: 38", "destinatari: 41"), encoding="utf-8")
    rc, _, err = build_quiet(root)
    assert rc == 1
    assert "i destinatari (41) sono più dei dipendenti della categoria (40)" in err


def test_warnings_are_printed_but_do_not_fail_the_build(fixture_site):
    # the fixture's action 1.2.2 has no responsabile: a warning only
    proc = cli_build(fixture_site, "--strict")
    assert proc.returncode == 0, proc.stderr
    assert "avviso: l'azione «1.2.2» non indica il responsabile" in proc.stderr


def test_stage_timings_are_printed(fixture_site):
    proc = cli_build(fixture_site)
    for fase in ("caricamento", "validazione", "punteggi", "pagine", "grafici", "mkdocs"):
        assert fase in proc.stdout


def test_generated_page_colliding_with_a_hand_written_one_is_an_error(tmp_path):
    root = progetto(tmp_path / "p", FIXTURES / "progetto")
    (root / "docs" / "performance").mkdir()
    (root / "docs" / "performance" / "smvp.md").write_text("# Scritta a mano\n", encoding="utf-8")
    rc, _, err = build_quiet(root)
    assert rc == 1
    assert "«performance/smvp.md»" in err and "«docs/performance/smvp.md»" in err
    assert not (root / "site").exists()


def test_failed_validation_after_a_good_build_leaves_the_site_byte_identical(tmp_path):
    root = progetto(tmp_path / "p", FIXTURES / "progetto")
    assert build_quiet(root)[0] == 0
    before = hashes(root / "site")
    (root / "measurements" / "2021-12-31.yml").write_text("piano: 2021\ndata: [rotto\n", encoding="utf-8")
    rc, _, err = build_quiet(root)
    assert rc == 1
    assert "measurements/2021-12-31.yml" in err
    assert hashes(root / "site") == before


def test_failed_mkdocs_build_leaves_the_site_byte_identical(tmp_path):
    root = progetto(tmp_path / "p", FIXTURES / "progetto")
    assert build_quiet(root)[0] == 0
    before = hashes(root / "site")
    (root / "docs" / "rotta.md").write_text("# Rotta\n\n[link](non-esiste.md)\n", encoding="utf-8")
    rc, _, err = build_quiet(root, strict=True)
    assert rc == 1, err
    assert hashes(root / "site") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".site-")]


def test_rebuilds_are_byte_identical_across_folders(tmp_path):
    a = progetto(tmp_path / "a", FIXTURES / "progetto")
    b = progetto(tmp_path / "b", FIXTURES / "progetto")
    assert build_quiet(a, jobs=1)[0] == 0
    assert build_quiet(b, jobs=2)[0] == 0
    ha, hb = hashes(a / "site"), hashes(b / "site")
    assert ha.keys() == hb.keys()
    assert [k for k in ha if ha[k] != hb[k]] == []


def test_second_build_rewrites_no_staging_file(fixture_site):
    staging = fixture_site / "build" / "docs"
    before = {p: p.stat().st_mtime_ns for p in staging.rglob("*") if p.is_file()}
    rc, out, _ = build_quiet(fixture_site)
    assert rc == 0
    after = {p: p.stat().st_mtime_ns for p in staging.rglob("*") if p.is_file()}
    assert after == before
    assert "(0 file aggiornati, 0 rimossi" in out


def test_stale_generated_files_are_removed_from_staging(fixture_site):
    stray = fixture_site / "build" / "docs" / "piano" / "2021" / "vecchia.md"
    stray.write_text("# vecchia\n", encoding="utf-8")
    assert build_quiet(fixture_site)[0] == 0
    assert not stray.exists()
    assert not (fixture_site / "site" / "piano" / "2021" / "vecchia").exists()


# --------------------------------------------------------------------------
# Plain MkDocs (staff previews) through the hook
# --------------------------------------------------------------------------


def test_plain_mkdocs_build_generates_the_data_pages(tmp_path):
    root = progetto(tmp_path / "p", FIXTURES / "progetto")
    proc = subprocess.run(
        [str(MKDOCS), "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(root / "anteprima")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (root / "anteprima" / "piano" / "2021" / "obiettivi" / "1.1" / "index.html").is_file()
    assert (root / "anteprima" / "piano" / "2021" / "obiettivi" / "1.1" / "azioni.svg").is_file()


def test_plain_mkdocs_build_shows_the_italian_report_on_invalid_data(tmp_path):
    root = progetto(tmp_path / "p", FIXTURES / "progetto")
    plan = root / "plan" / "2021.yml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("responsabile: staff", "responsabile: stafff"), encoding="utf-8")
    proc = subprocess.run(
        [str(MKDOCS), "build", "-f", str(root / "mkdocs.yml"), "-d", str(root / "anteprima")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "responsabile «stafff» non presente in `strutture`" in proc.stderr
    assert "plan/2021.yml:" in proc.stderr


def test_hook_does_nothing_when_the_build_already_prepared(tmp_path):
    from mkdocs.config import load_config

    from generator.mkdocs_hooks import on_config

    root = progetto(tmp_path / "p", FIXTURES / "progetto")
    config = load_config(config_file=str(root / "mkdocs.yml"))
    config["extra"][B.PREPARED_KEY] = True
    assert on_config(config) is config
    assert not (root / "build").exists()


def test_under_mkdocs_serve_the_hook_draws_charts_in_its_own_process(tmp_path):
    import multiprocessing

    from mkdocs.config import load_config

    from generator import mkdocs_hooks

    root = progetto(tmp_path / "p", FIXTURES / "progetto")
    mkdocs_hooks.on_startup("serve", False)
    try:
        assert mkdocs_hooks._Serve.workers is not None and mkdocs_hooks._Serve.workers.processes == 0
        mkdocs_hooks.on_config(load_config(config_file=str(root / "mkdocs.yml")))
        assert list((root / ".cache" / "charts").glob("*.svg"))  # drawn here, no worker processes
        assert multiprocessing.active_children() == []
    finally:
        mkdocs_hooks.on_startup("build", False)
    assert mkdocs_hooks._Serve.workers is None


def test_commit_links_point_to_the_repository_github_actions_is_building():
    from generator.build import repo_url_of

    env = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "ente/performance"}
    assert repo_url_of({"extra": {}}, env) == "https://github.com/ente/performance"
    assert repo_url_of({"extra": {"repository": "https://git.example.org/x/y"}}, env) == "https://git.example.org/x/y"
    assert repo_url_of({"extra": {}}, {}) is None


def test_each_measured_value_links_to_the_commit_that_set_it(tmp_path):
    root = progetto(tmp_path / "repo", REPO)
    git = ["git", "-c", "user.name=Ufficio", "-c", "user.email=ufficio@example.org", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "piano e rilevazioni"], check=True)
    misura = root / "measurements" / "2021-12-31.yml"
    misura.write_text(misura.read_text(encoding="utf-8").replace('"1.1.2": {valore: 412', '"1.1.2": {valore: 413'), encoding="utf-8")
    subprocess.run([*git, "commit", "-q", "-am", "aggiorna 1.1.2"], check=True)
    first, second = subprocess.run([*git, "log", "--format=%H", "--reverse"], capture_output=True, text=True, check=True).stdout.split()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env |= {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "ente/performance"}
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(root)], capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    page = (root / "site" / "piano" / "2021" / "obiettivi" / "1.1" / "index.html").read_text(encoding="utf-8")
    azione = page[page.index('id="azione-1.1.2"'):]
    assert f"https://github.com/ente/performance/commit/{second}" in azione
    assert f"https://github.com/ente/performance/commit/{first}" in page

"""Publication dates from git, and the five-year archive (D.Lgs. 33/2013, art. 8).

Every obligation page says when it was published and last updated: the
first and latest commit that changed the files it shows, never the build's
date. Plan years past the five-year window move to "Archivio".
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import git, write

from generator import opendata, provenance, pubblicazione, score
from generator.render import pages, urls
from generator.validate import load_project

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "progetto"


def _copia(root: Path, rel: str, sostituzioni: dict[str, str] | None = None, dest: str | None = None) -> None:
    text = (FIXTURE / rel).read_text(encoding="utf-8")
    for a, b in (sostituzioni or {}).items():
        text = text.replace(a, b)
    write(root, dest or rel, text)


def _commit(root: Path, message: str, date: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)


def repo_con_date(root: Path) -> Path:
    """plan 2021 published 20 Jan 2021 and amended 2 May 2022; a monitoraggio
    committed 5 Jul 2021, the consuntivo 25 Jan 2022, the premi 10 Apr 2022."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    _copia(root, "plan/2021.yml")
    _commit(root, "piano 2021", "2021-01-20T10:00:00+01:00")
    _copia(root, "measurements/2021-06-30.yml")
    _commit(root, "monitoraggio", "2021-07-05T23:30:00+02:00")  # 21:30 UTC: still 5 July
    _copia(root, "measurements/2021-12-31.yml")
    _commit(root, "consuntivo", "2022-01-25T09:00:00+01:00")
    _copia(root, "premi/2021.yml")
    _commit(root, "premi", "2022-04-10T09:00:00+02:00")
    _copia(root, "plan/2021.yml", {"Piano della Performance 2021": "Piano della Performance 2021 (aggiornato)"})
    _commit(root, "piano 2021: titolo", "2022-05-02T09:00:00+02:00")
    return root


ATTESE = {
    urls.SMVP: ("2021-01-20", "2022-05-02"),
    urls.PIANI: ("2021-01-20", "2022-05-02"),
    urls.piano(2021): ("2021-01-20", "2022-05-02"),
    urls.RELAZIONI: ("2021-07-05", "2022-01-25"),
    urls.relazione(2021): ("2021-07-05", "2022-01-25"),
    urls.PREMI: ("2022-04-10", "2022-04-10"),
    urls.DATI_PREMI: ("2022-04-10", "2022-04-10"),
}


def _pub(root: Path) -> tuple[object, pubblicazione.Pubblicazione]:
    progetto = load_project(root)
    return progetto, pubblicazione.calcola(root, progetto, provenance.storia(root))


def test_each_obligation_page_is_dated_by_the_commits_of_what_it_shows(tmp_path):
    _, pub = _pub(repo_con_date(tmp_path))
    got = {p: (d.pubblicato.isoformat(), d.aggiornato.isoformat()) for p, d in pub.date.items()}
    assert got == ATTESE


def test_pages_carry_the_dates_in_words_and_iso_in_their_front_matter(tmp_path):
    progetto, pub = _pub(repo_con_date(tmp_path))
    sito = pages.render_site(progetto, pubblicazione=pub)
    front = sito.pagine[urls.piano(2021)].split("---")[1]
    assert 'pubblicato: "20 gennaio 2021"' in front
    assert 'data_pubblicazione: "2021-01-20"' in front
    assert 'modificato: "2 maggio 2022"' in front
    assert 'data_modifica: "2022-05-02"' in front
    assert "pubblicato" not in sito.pagine[urls.PIRA].split("---")[1]  # not an obligation of art. 10/20


def test_open_data_has_the_same_dates(tmp_path):
    progetto, pub = _pub(repo_con_date(tmp_path))
    doc = opendata.performance(score.valuta_progetto(progetto)[2021], pub.anno(2021))
    assert doc["pubblicazione"] == {
        "piano": {"pubblicato": "2021-01-20", "aggiornato": "2022-05-02"},
        "relazione": {"pubblicato": "2021-07-05", "aggiornato": "2022-01-25"},
        "archivio": False,
    }


def test_an_uncommitted_file_has_no_date_and_outside_git_there_are_none(tmp_path):
    root = repo_con_date(tmp_path / "r")
    _copia(root, "premi/2021.yml", dest="premi/2020.yml", sostituzioni={"anno: 2021": "anno: 2020"})
    _, pub = _pub(root)
    assert pub.date[urls.PREMI].pubblicato == dt.date(2022, 4, 10)  # premi/2020.yml is not committed yet
    fuori = tmp_path / "fuori"
    for rel in ("plan/2021.yml", "measurements/2021-06-30.yml"):
        _copia(fuori, rel)
    _, pub = _pub(fuori)
    assert pub.date == {} and pub.archivio == {}


def test_a_shallow_clone_does_not_claim_a_publication_date_it_cannot_know(tmp_path):
    root = repo_con_date(tmp_path / "r")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", root.as_uri(), str(clone))
    storia = provenance.storia(clone)
    assert "plan/2021.yml" not in storia.primo
    assert storia.ultimo["plan/2021.yml"] == dt.date(2022, 5, 2)


# -- archive ---------------------------------------------------------------------

VECCHIO = {"2021": "2015", "2022": "2016", "2023": "2017"}


def repo_con_archivio(root: Path) -> Path:
    """Plan 2015 (published Jan 2015) with its results (Jan 2016); plan 2021
    published 20 Jan 2022, so the latest data date is past 2015's window
    (1 Jan 2017 – 31 Dec 2021)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    _copia(root, "plan/2021.yml", VECCHIO, dest="plan/2015.yml")
    _commit(root, "piano 2015", "2015-01-20T10:00:00+01:00")
    _copia(root, "measurements/2021-12-31.yml", VECCHIO, dest="measurements/2015-12-31.yml")
    _commit(root, "consuntivo 2015", "2016-01-20T10:00:00+01:00")
    _copia(root, "plan/2021.yml")
    _commit(root, "piano 2021", "2022-01-20T10:00:00+01:00")
    return root


def test_the_five_year_window_runs_to_the_end_of_the_fifth_year_after_publication():
    assert pubblicazione.fine_obbligo(dt.date(2021, 1, 29)) == dt.date(2026, 12, 31)
    assert pubblicazione.fine_obbligo(dt.date(2016, 12, 31)) == dt.date(2021, 12, 31)


def test_a_year_past_the_window_is_archived_relative_to_the_latest_data_not_the_clock(tmp_path):
    _, pub = _pub(repo_con_archivio(tmp_path))
    assert pub.oggi == dt.date(2022, 1, 20)
    assert pub.archivio == {2015: dt.date(2021, 12, 31)}


def test_an_archived_year_is_listed_under_archivio_and_left_out_of_home_and_nav(tmp_path):
    progetto, pub = _pub(repo_con_archivio(tmp_path))
    sito = pages.render_site(progetto, pubblicazione=pub)
    archivio = sito.pagine[urls.ARCHIVIO]
    assert "## Anni in archivio" in archivio and "| 2015 |" in archivio.split("## Anni correnti")[0]
    assert "| 2021 |" in archivio.split("## Anni correnti")[1]
    assert "art. 8" in archivio and "1° gennaio" in archivio
    home = sito.pagine[urls.HOME]
    assert "2015" not in home  # without the archive, its results would be the home summary
    nav = repr(sito.nav)
    assert "Piano 2015" not in nav and "Relazione 2015" not in nav and "Piano 2021" in nav
    assert urls.ARCHIVIO in nav
    piani = sito.pagine[urls.PIANI]
    assert "2015/index.md" not in piani and "2021/index.md" in piani
    assert "Gli anni 2015 hanno superato" in piani and "(../performance/archivio.md)" in piani


def test_an_archived_year_keeps_its_pages_at_their_urls_labelled(tmp_path):
    progetto, pub = _pub(repo_con_archivio(tmp_path))
    sito = pages.render_site(progetto, pubblicazione=pub)
    for path in (urls.piano(2015), urls.relazione(2015), urls.obiettivo(2015, "1")):
        assert path in sito.pagine
    assert "Documento in archivio" in sito.pagine[urls.piano(2015)].split("---")[1]
    assert "Documento in archivio" not in sito.pagine[urls.piano(2021)]


def test_without_the_archive_the_old_year_would_be_the_home_summary(tmp_path):
    progetto, _ = _pub(repo_con_archivio(tmp_path))
    assert "piano 2015" in pages.render_site(progetto).pagine[urls.HOME]


# -- the real site -----------------------------------------------------------------


def _build(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(root)],
        capture_output=True, text=True, check=False, cwd=REPO,
        env={**{k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "TZ")}, **env},
    )


def _date_html(site: Path) -> dict[str, tuple[str, ...]]:
    out = {}
    for path in ATTESE:
        page = path[: -len("index.md")] if path.endswith("index.md") else path[: -len(".md")] + "/"
        text = (site / page / "index.html").read_text(encoding="utf-8")
        out[path] = tuple(
            re.findall(r'<time datetime="([\d-]+)">', text) + re.findall(r'<meta name="dcterms\.(?:issued|modified)" content="([\d-]+)">', text)
        )
    return out


@pytest.mark.slow
def test_built_pages_show_the_commit_dates_whatever_the_day_and_time_zone_of_the_build(tmp_path):
    from test_build import progetto as frame

    root = repo_con_date(frame(tmp_path / "p", tmp_path / "nessun-dato"))  # the site frame, untracked
    run = _build(root, SOURCE_DATE_EPOCH="1767225600", TZ="Pacific/Kiritimati")  # 1 Jan 2026, UTC+14
    assert run.returncode == 0, run.stderr
    primo = _date_html(root / "site")
    run = _build(root, SOURCE_DATE_EPOCH="1790000000", TZ="America/Adak")  # Sep 2026, UTC-10
    assert run.returncode == 0, run.stderr
    assert _date_html(root / "site") == primo
    assert primo == {p: (a, b, a, b) for p, (a, b) in ATTESE.items()}
    oggi = {dt.date.today().isoformat(), dt.datetime.now(dt.UTC).date().isoformat()}
    assert not oggi & {d for ds in primo.values() for d in ds}


@pytest.mark.slow
def test_built_site_keeps_an_archived_year_at_its_urls_and_lists_it_under_archivio(tmp_path):
    from test_build import progetto as frame

    root = repo_con_archivio(frame(tmp_path / "p", tmp_path / "nessun-dato"))
    run = _build(root)
    assert run.returncode == 0, run.stderr
    site = root / "site"
    piano = (site / "piano" / "2015" / "index.html").read_text(encoding="utf-8")
    assert '<p class="pf-archivio" role="note"><strong>Archivio.</strong> Documento in archivio' in piano
    assert (site / "relazione" / "2015" / "index.html").is_file()
    assert (site / "piano" / "2015" / "obiettivi" / "1" / "index.html").is_file()
    archivio = (site / "performance" / "archivio" / "index.html").read_text(encoding="utf-8")
    assert "Anni in archivio" in archivio and "../../piano/2015/" in archivio
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="piano/2015/"' not in home and 'href="piano/2021/"' in home

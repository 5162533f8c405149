"""Provenance of values: real git repositories, positions from the real validator."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from gitrepo import git, write

from generator import provenance
from generator.diagnostics import Pos
from generator.provenance import collect, commit_url
from generator.validate import load_project

PLAN = """\
ente: Ente di prova
titolo: Piano della Performance 2021-2023
anno: 2021
triennio: [2021, 2022, 2023]
strutture:
  sg: Segretario Generale
prospettive:
  - id: p1
    nome: Prospettiva uno
    obiettivi_strategici:
      - codice: "1"
        titolo: Strategico uno
        indicatore: ponderazione
        target: {2021: "80%"}
        obiettivi_operativi:
          - codice: "1.1"
            titolo: Operativo uno
            peso: "100%"
            indicatore: ponderazione
            azioni:
              - codice: "1.1.1"
                titolo: Azione uno
                peso: "50%"
                indicatore: numero di iniziative
                tipo: numero
                target: 3
                responsabile: sg
              - codice: "1.1.2"
                titolo: Azione due
                peso: "50%"
                indicatore: numero di soggetti
                tipo: numero
                target: 400
                responsabile: sg
"""

MISURE = """\
piano: 2021
data: 2021-06-30
tipo: monitoraggio
esempio: true
valori:
  "1.1.1": 1
  "1.1.2": {valore: 300, nota: "fonte: registro"}
"""

PRIMA = "2021-07-01T10:00:00+02:00"
DOPO = "2022-01-10T23:30:00-05:00"  # 11 January in UTC


def commit(repo: Path, message: str, date: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str, str]:
    """Two commits: the plan and a measurement, then a changed measured value."""
    root = tmp_path / "ente"
    root.mkdir()
    git(root, "init", "-q")
    write(root, "plan/2021.yml", PLAN)
    write(root, "measurements/2021-06-30.yml", MISURE)
    first = commit(root, "piano e monitoraggio", PRIMA)
    write(root, "measurements/2021-06-30.yml", MISURE.replace('"1.1.1": 1', '"1.1.1": 2'))
    second = commit(root, "corretto il valore di 1.1.1\n\ndettagli", DOPO)
    return root, first, second


def test_value_changed_in_second_commit_maps_to_that_commit(repo):
    root, _, second = repo
    progetto = load_project(root)
    misura = progetto.rilevazioni[0].valori["1.1.1"]
    m = collect(root, "https://github.com/ente/performance").di(misura, "valore")
    assert m is not None
    assert m.sha == second and m.short == second[:7]
    assert m.data == dt.date(2022, 1, 11)  # committer date, in UTC
    assert m.autore == "Prova" and m.messaggio == "corretto il valore di 1.1.1"
    assert m.url == f"https://github.com/ente/performance/commit/{second}"


def test_untouched_values_map_to_the_first_commit(repo):
    root, first, _ = repo
    progetto = load_project(root)
    prov = collect(root, None)
    azione = next(a for a in progetto.piani[2021].azioni() if a.codice == "1.1.1")
    target = prov.di(azione, "target")
    assert target is not None and target.sha == first and target.data == dt.date(2021, 7, 1)
    assert target.url is None
    altro = prov.di(progetto.rilevazioni[0].valori["1.1.2"], "valore")
    assert altro is not None and altro.sha == first


def test_uncommitted_line_has_no_provenance(repo):
    root, first, _ = repo
    write(root, "measurements/2021-06-30.yml", MISURE.replace('"1.1.1": 1', '"1.1.1": 3'))
    progetto = load_project(root)
    prov = collect(root)
    assert prov.di(progetto.rilevazioni[0].valori["1.1.1"], "valore") is None
    assert prov.di(progetto.rilevazioni[0].valori["1.1.2"], "valore").sha == first


def test_outside_a_git_repository_every_lookup_is_none(tmp_path, monkeypatch):
    write(tmp_path, "plan/2021.yml", PLAN)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # never find an enclosing repository
    prov = collect(tmp_path, "https://github.com/ente/performance")
    assert prov.get(Pos("plan/2021.yml", 1, 1)) is None
    assert prov.get(None) is None


def test_one_git_process_per_yaml_file(repo, monkeypatch):
    root, _, _ = repo
    write(root, "measurements/2021-12-31.yml", MISURE.replace("2021-06-30", "2021-12-31").replace("monitoraggio", "consuntivo"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "consuntivo", date=DOPO)
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(cmd, *args, **kwargs):
        calls.append(list(cmd))
        return real_run(cmd, *args, **kwargs)

    monkeypatch.setattr(provenance.subprocess, "run", counting_run)
    prov = collect(root)
    for line in range(1, 8):  # lookups never start git
        prov.get(Pos("measurements/2021-06-30.yml", line, 1))
    blamed = Counter(cmd[-1] for cmd in calls if "blame" in cmd)
    assert blamed == {"plan/2021.yml": 1, "measurements/2021-06-30.yml": 1, "measurements/2021-12-31.yml": 1}
    others = [cmd for cmd in calls if "blame" not in cmd]
    assert len(others) <= 1 and all("rev-parse" in cmd for cmd in others)
    assert all(cmd[cmd.index("blame") :][-2] == "--" for cmd in calls if "blame" in cmd)


def test_shallow_clone_gives_no_provenance_to_the_cut_commit(repo, tmp_path):
    root, _, _second = repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", root.as_uri(), str(clone))
    progetto = load_project(clone)
    prov = collect(clone)
    # Only one commit is known: it may not be where the value last changed.
    assert prov.di(progetto.rilevazioni[0].valori["1.1.1"], "valore") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/ente/performance", "https://github.com/ente/performance/commit/abc"),
        ("https://gitlab.example.org/gruppo/sotto/progetto.git/", "https://gitlab.example.org/gruppo/sotto/progetto/commit/abc"),
        ("git@github.com:ente/performance.git", None),
        ("http://github.com/ente/performance", None),
        ("https://utente:segreto@github.com/ente/performance", None),
        ("https://github.com", None),
        (None, None),
    ],
)
def test_commit_url_only_for_https_repository_urls(url, expected):
    assert commit_url(url, "abc") == expected


def _blamed(monkeypatch) -> list[str]:
    """Record the files git blame is started for."""
    calls: list[str] = []
    real_run = subprocess.run

    def counting_run(cmd, *args, **kwargs):
        if "blame" in cmd:
            calls.append(cmd[-1])
        return real_run(cmd, *args, **kwargs)

    monkeypatch.setattr(provenance.subprocess, "run", counting_run)
    return calls


def test_with_a_cache_only_files_touched_by_a_new_commit_are_blamed_again(repo, tmp_path, monkeypatch):
    root, _, _ = repo
    cache = tmp_path / "blame"
    first = collect(root, cache_dir=cache)
    write(root, "measurements/2021-06-30.yml", MISURE.replace('"1.1.1": 1', '"1.1.1": 5'))
    third = commit(root, "terzo valore", DOPO)
    blamed = _blamed(monkeypatch)
    again = collect(root, cache_dir=cache)
    assert blamed == ["measurements/2021-06-30.yml"]
    assert again.righe["plan/2021.yml"] == first.righe["plan/2021.yml"]
    progetto = load_project(root)
    assert again.di(progetto.rilevazioni[0].valori["1.1.1"], "valore").sha == third


def test_cached_provenance_equals_a_fresh_blame(repo, tmp_path):
    root, _, _ = repo
    cache = tmp_path / "blame"
    collect(root, cache_dir=cache)
    assert collect(root, cache_dir=cache) == collect(root)

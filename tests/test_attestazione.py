"""The OIV's self-check: the five Performance rows of ANAC's attestation grid.

Scores as the grid has them (pubblicazione 0|2, completezza, aggiornamento,
formato aperto 0-3), a note for every score below the maximum, written as a
spreadsheet that a spreadsheet library reads back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from factories import azione, piano_di_azioni, progetto, rilevazione
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import load_workbook

from generator import attestazione as A
from generator.model import Atto, Misura, Relazione, Scostamento, Validazione
from generator.pubblicazione import VUOTA, Date, Pubblicazione
from generator.render import urls

REPO = Path(__file__).resolve().parent.parent
MAGGIO_2022 = dt.date(2022, 5, 31)


def spedito(tmp_path: Path) -> Path:
    """The shipped data (plan, measurements, premi) in a folder of its own."""
    for sub in ("plan", "measurements", "premi"):
        shutil.copytree(REPO / sub, tmp_path / sub)
    return tmp_path


def attestazione(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "attestazione", "--root", str(root), *args],
        capture_output=True, text=True, cwd=REPO, check=False,
    )


def riga(righe: list[A.Riga], obbligo: str) -> A.Riga:
    return next(r for r in righe if r.obbligo == obbligo)


def _in_range(valori) -> bool:
    pub, compl, agg, formato = valori
    return pub in (0, 2) and all(0 <= v <= 3 for v in (compl, agg, formato))


# -- the spreadsheet -----------------------------------------------------------------


def test_xlsx_on_the_shipped_data_reads_back_one_row_per_obligation(tmp_path, run_cli):
    out = tmp_path / "griglia.xlsx"
    run = run_cli("attestazione", "--root", str(spedito(tmp_path / "dati")), "--data", "2022-05-31", "--out", str(out))
    assert run.returncode == 0, run.stderr
    ws = load_workbook(out).active
    righe = list(ws.iter_rows(values_only=True))
    assert righe[0] == A.INTESTAZIONE
    assert [r[1] for r in righe[1:]] == [o for o, _, _ in A.OBBLIGHI]
    assert all(_in_range(r[5:9]) for r in righe[1:])
    relazione = righe[3]
    assert relazione[4] == 2021 and relazione[6] < 3 and "Relazione 2021 non ancora validata dall'OIV" in relazione[9]


def test_ods_on_the_shipped_data_reads_back_one_row_per_obligation(tmp_path, run_cli):
    out = tmp_path / "griglia.ods"
    run = run_cli("attestazione", "--root", str(spedito(tmp_path / "dati")), "--data", "2022-05-31", "--out", str(out))
    assert run.returncode == 0, run.stderr
    table = load_ods(str(out)).spreadsheet.getElementsByType(Table)[0]
    righe = [
        ["".join(str(p) for p in c.getElementsByType(P)) for c in r.getElementsByType(TableCell)]
        for r in table.getElementsByType(TableRow)
    ]
    assert tuple(righe[0]) == A.INTESTAZIONE
    assert [r[1] for r in righe[1:]] == [o for o, _, _ in A.OBBLIGHI]
    assert all(_in_range([int(v) for v in r[5:9]]) for r in righe[1:])


@pytest.mark.parametrize("nome", ["griglia.xlsx", "griglia.ods"])
def test_the_same_data_give_the_same_spreadsheet_bytes(tmp_path, nome):
    dati = spedito(tmp_path / "dati")
    for out in ("a", "b"):
        (tmp_path / out).mkdir()
        run = attestazione(dati, "--data", "2022-05-31", "--out", str(tmp_path / out / nome))
        assert run.returncode == 0, run.stderr
    assert (tmp_path / "a" / nome).read_bytes() == (tmp_path / "b" / nome).read_bytes()


def test_an_unknown_format_is_refused_before_anything_is_written(tmp_path, run_cli):
    run = run_cli("attestazione", "--root", str(spedito(tmp_path / "dati")), "--out", str(tmp_path / "griglia.csv"))
    assert run.returncode == 2 and "xlsx" in run.stderr
    assert not (tmp_path / "griglia.csv").exists()


def test_every_score_below_its_maximum_has_a_note(tmp_path):
    from generator.validate import load_project

    root = spedito(tmp_path)
    righe, _ = A.calcola(root, load_project(root), data=MAGGIO_2022)
    for r in righe:
        sotto = (r.pubblicazione, r.completezza, r.aggiornamento, r.formato) != tuple(A.MASSIMI.values())
        assert bool(r.note) == sotto, r


# -- the rules -------------------------------------------------------------------------


def _pubblicazione(**date: tuple[str, str]) -> Pubblicazione:
    return Pubblicazione({p: Date(dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for p, (a, b) in date.items()}, {}, None)


def _tutto_a_target() -> tuple:
    a1, a2 = azione("1.1.1", target=3, peso=50), azione("1.1.2", target=10, peso=50)
    return piano_di_azioni(a1, a2), a1, a2


def test_removing_the_consuntivo_lowers_the_relazione_completeness_with_its_note(tmp_path):
    piano, _, _ = _tutto_a_target()
    con = progetto([piano], [rilevazione("2021-06-30", {"1.1.1": 3, "1.1.2": 10}), rilevazione("2021-12-31", {"1.1.1": 3, "1.1.2": 10})])
    senza = dataclasses.replace(con, rilevazioni=con.rilevazioni[:1])
    prima = riga(A.attesta(con, VUOTA, MAGGIO_2022), "Relazione sulla Performance")
    dopo = riga(A.attesta(senza, VUOTA, MAGGIO_2022), "Relazione sulla Performance")
    assert dopo.completezza == prima.completezza - 2
    assert "consuntivo 2021 assente: la Relazione mostra solo i monitoraggi" in dopo.note
    assert "consuntivo 2021 assente: la Relazione mostra solo i monitoraggi" not in prima.note


def test_the_consuntivo_still_missing_after_30_june_makes_the_relazione_late(tmp_path):
    piano, _, _ = _tutto_a_target()
    p = progetto([piano], [rilevazione("2021-06-30", {"1.1.1": 3, "1.1.2": 10})])
    r = riga(A.attesta(p, VUOTA, dt.date(2022, 7, 1)), "Relazione sulla Performance")
    assert r.aggiornamento == 0 and "scadenza del 30 giugno 2022 superata senza consuntivo" in r.note


def test_an_unexplained_shortfall_lowers_the_relazione_completeness_with_its_note(tmp_path):
    piano, _, _ = _tutto_a_target()
    pieno = progetto([piano], [rilevazione("2021-12-31", {"1.1.1": 3, "1.1.2": 10})])
    sotto = progetto([piano], [rilevazione("2021-12-31", {"1.1.1": 1, "1.1.2": 10})])
    prima = riga(A.attesta(pieno, VUOTA, MAGGIO_2022), "Relazione sulla Performance")
    dopo = riga(A.attesta(sotto, VUOTA, MAGGIO_2022), "Relazione sulla Performance")
    assert not [n for n in prima.note if "scostament" in n]
    assert dopo.completezza == prima.completezza - 1
    assert "1 scostamento non motivato (1.1.1)" in dopo.note


def test_an_explained_shortfall_is_not_counted():
    piano, _, _ = _tutto_a_target()
    m = Misura("1.1.1", Decimal(1), scostamento=Scostamento("interna", "personale ridotto per sei mesi"))
    p = progetto([piano], [rilevazione("2021-12-31", {"1.1.1": m, "1.1.2": 10})])
    r = riga(A.attesta(p, VUOTA, MAGGIO_2022), "Relazione sulla Performance")
    assert not [n for n in r.note if "scostament" in n]


def _con_relazione(p, validazione: str | None):
    """The project with its 2021 Relazione approved, and validated on ``validazione``."""
    rel = Relazione(
        2021,
        stato="validata" if validazione else "approvata",
        approvazione=Atto(dt.date(2022, 6, 10), "Delibera di Giunta n. 45"),
        validazione=Validazione(dt.date.fromisoformat(validazione), "https://example.org/validazione-2021.pdf") if validazione else None,
    )
    return dataclasses.replace(p, relazioni={2021: rel})


def test_a_relazione_validated_by_30_june_is_complete_and_on_time(tmp_path):
    piano, _, _ = _tutto_a_target()
    p = progetto([piano], [rilevazione("2021-12-31", {"1.1.1": 3, "1.1.2": 10})])
    r = riga(A.attesta(_con_relazione(p, "2022-06-28"), VUOTA, dt.date(2022, 7, 15)), "Relazione sulla Performance")
    assert (r.pubblicazione, r.completezza, r.aggiornamento, r.formato) == (2, 3, 3, 3) and r.note == ()


def test_a_relazione_validated_after_30_june_is_late(tmp_path):
    piano, _, _ = _tutto_a_target()
    p = progetto([piano], [rilevazione("2021-12-31", {"1.1.1": 3, "1.1.2": 10})])
    r = riga(A.attesta(_con_relazione(p, "2022-07-12"), VUOTA, dt.date(2022, 7, 15)), "Relazione sulla Performance")
    assert r.aggiornamento == 2 and "Relazione 2021 validata il 12 luglio 2022, dopo la scadenza del 30 giugno 2022" in r.note


def test_a_relazione_not_validated_after_30_june_is_late_and_incomplete(tmp_path):
    piano, _, _ = _tutto_a_target()
    p = progetto([piano], [rilevazione("2021-12-31", {"1.1.1": 3, "1.1.2": 10})])
    r = riga(A.attesta(_con_relazione(p, None), VUOTA, dt.date(2022, 7, 15)), "Relazione sulla Performance")
    assert r.completezza == 2 and r.aggiornamento == 1
    assert "Relazione 2021 non ancora validata dall'OIV" in r.note


def test_a_piano_published_after_31_january_is_late(tmp_path):
    piano, _, _ = _tutto_a_target()
    p = progetto([piano], [])
    puntuale = riga(A.attesta(p, _pubblicazione(**{urls.piano(2021): ("2021-01-29", "2021-03-01")}), MAGGIO_2022.replace(year=2021)), "Piano della Performance")
    tardi = riga(A.attesta(p, _pubblicazione(**{urls.piano(2021): ("2021-02-15", "2021-03-01")}), MAGGIO_2022.replace(year=2021)), "Piano della Performance")
    assert puntuale.aggiornamento == 3
    assert tardi.aggiornamento == 2 and "Piano 2021 pubblicato il 15 febbraio 2021, dopo la scadenza del 31 gennaio 2021" in tardi.note


def test_a_missing_piano_or_premi_scores_zero_with_its_note(tmp_path):
    piano, _, _ = _tutto_a_target()
    righe = A.attesta(progetto([piano], []), VUOTA, MAGGIO_2022)
    assert riga(righe, "Piano della Performance").note == ("Piano 2022 non pubblicato",)
    premi = riga(righe, "Ammontare complessivo dei premi")
    assert (premi.pubblicazione, premi.completezza, premi.aggiornamento, premi.formato) == (0, 0, 0, 0)
    assert premi.note == ("dati premi 2021 assenti",)


def test_an_smvp_not_changed_for_over_a_year_scores_lower_on_timeliness(tmp_path):
    piano, _, _ = _tutto_a_target()
    p = progetto([piano], [rilevazione("2021-12-31", {"1.1.1": 3, "1.1.2": 10})])
    r = riga(A.attesta(p, _pubblicazione(**{urls.SMVP: ("2021-01-20", "2021-01-20")}), dt.date(2022, 5, 31)), "Sistema di misurazione e valutazione della Performance")
    assert r.aggiornamento == 1 and "più di un anno prima" in r.note[0]


# -- the same check in validate --strict and in the pull-request summary ------------------


def test_validate_strict_prints_the_grid_notes_as_warnings(tmp_path, run_cli):
    run = run_cli("validate", "--strict", "--root", str(spedito(tmp_path)), cwd=REPO)
    assert "avviso: attestazione OIV, «Relazione sulla Performance»" in run.stdout
    assert "avviso: attestazione OIV" not in run_cli("validate", "--root", str(spedito(tmp_path / "b"))).stdout


def test_pull_request_summary_has_one_line_per_obligation(tmp_path, run_cli):
    from gitrepo import git

    root = spedito(tmp_path)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "dati", date="2022-05-02T10:00:00+02:00")
    run = run_cli("diff", "HEAD", "--root", str(root), cwd=REPO)
    assert run.returncode == 0, run.stderr
    sezione = run.stdout.split("### Attestazione OIV")[1]
    assert "al 2 maggio 2022" in sezione.splitlines()[0]
    righe = [line for line in sezione.splitlines() if line.startswith("- **")]
    assert [line.split("**")[1] for line in righe] == [o for o, _, _ in A.OBBLIGHI]
    assert "Relazione 2021 non ancora validata dall'OIV" in righe[2]

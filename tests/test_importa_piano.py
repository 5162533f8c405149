"""`importa-piano`: the seed's Cruscotto spreadsheet becomes the shipped plan.

The spreadsheet is built here from the seed's table (tests/fixtures/
cruscotto_2021.py: every value in the seed's own form, perspective and
objective cells merged, the header block repeated per perspective with the
seed's spelling variations, a title row and a signature below) and imported
with the real command; the result must validate and equal plan/2021.yml in
everything that decides a score.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cruscotto import scrivi_ods, scrivi_xlsx, tabella

from generator.cli import main
from generator.model import Piano
from generator.validate import load_project

REPO = Path(__file__).resolve().parent.parent


def _piano(root: Path, anno: int = 2021) -> Piano:
    return load_project(root).piani[anno]


def _sostanza(p: Piano) -> list[tuple]:
    """What decides a score: codes, weights, targets, thresholds, verso, tipo, PIRA, structure."""
    out: list[tuple] = [("triennio", p.triennio, p.metodo)]
    for pr in p.prospettive:
        out.append(("prospettiva", pr.nome, tuple(s.codice for s in pr.obiettivi_strategici)))
        for s in pr.obiettivi_strategici:
            out.append(("strategico", s.codice, dict(s.target)))
            for o in s.obiettivi_operativi:
                out.append(("operativo", o.codice, o.peso))
                for a in o.azioni:
                    out.append(("azione", a.codice, a.peso, a.tipo, a.verso, a.target, a.soglia_80, a.soglia_60, a.pira, bool(a.responsabile)))
    return out


@pytest.fixture
def progetto(tmp_path: Path) -> Path:
    root = tmp_path / "ente"
    (root / "plan").mkdir(parents=True)
    return root


@pytest.fixture(scope="module")
def piano_consegnato(tmp_path_factory) -> Piano:
    root = tmp_path_factory.mktemp("consegnato")
    shutil.copytree(REPO / "plan", root / "plan")
    return _piano(root)


def _importa(root: Path, file: Path, *extra: str) -> int:
    return main(["importa-piano", str(file), "--root", str(root), "--ente", "Camera di Commercio di Sondrio", *extra])


def test_seed_cruscotto_xlsx_imports_into_the_shipped_plan(progetto: Path, tmp_path: Path, piano_consegnato: Piano, capsys):
    xlsx = scrivi_xlsx(tmp_path / "cruscotto.xlsx")
    assert _importa(progetto, xlsx) == 0, capsys.readouterr()
    importato = _piano(progetto)
    assert _sostanza(importato) == _sostanza(piano_consegnato)
    assert [a.unita for a in importato.azioni() if a.unita] == ["gg", "gg", "gg", "gg", "ore", "€"]


def test_seed_cruscotto_ods_imports_into_the_shipped_plan(progetto: Path, tmp_path: Path, piano_consegnato: Piano, capsys):
    ods = scrivi_ods(tmp_path / "cruscotto.ods")
    assert _importa(progetto, ods) == 0, capsys.readouterr()
    assert _sostanza(_piano(progetto)) == _sostanza(piano_consegnato)


def test_import_writes_the_house_format(progetto: Path, tmp_path: Path):
    _importa(progetto, scrivi_xlsx(tmp_path / "cruscotto.xlsx"))
    text = (progetto / "plan" / "2021.yml").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schemas/plan.schema.json"
    assert '- codice: "1.1.1"' in text and '- codice: "1"  # B6: codice scritto come numero' in text
    # every interpreted cell says where it was and how it was written
    assert 'target: "15%"  # P11: nel foglio «+15%»' in text
    assert "soglia_80: 4.5  # Q32: nel foglio «4,5»" in text
    assert "target: 95  # P67: nel foglio «95 €» (formato valuta)" in text
    assert "target: 28  # P34: nel foglio «28 gg»" in text
    assert "verso: decrescente  # ricavato dall'ordine delle soglie: più basso è meglio" in text


def test_spelling_variants_of_one_unit_become_one_entry_with_a_comment(progetto: Path, tmp_path: Path):
    _importa(progetto, scrivi_xlsx(tmp_path / "cruscotto.xlsx"))
    piano = _piano(progetto)
    assert piano.strutture["uo-registro-imprese"] == 'U.O. "Registro Imprese"'
    assert piano.strutture["uo-progetti-incentivazione-sostegno"] == 'U.O. "Progetti incentivazione e sostegno"'
    assert piano.strutture["sg"] == "Segretario Generale"
    assert {a.codice for a in piano.azioni() if a.responsabile == ("uo-registro-imprese",)} == {"1.3.3", "3.2.1", "3.2.2", "3.3.3", "3.4.2"}
    text = (progetto / "plan" / "2021.yml").read_text(encoding="utf-8")
    assert 'uo-registro-imprese: U.O. "Registro Imprese"  # nel foglio anche: Uo "Registro Imprese"' in text


def _con(rows, **cells: object):
    """The table with some cells changed: key "T12" style (column letter + row)."""
    from openpyxl.utils import column_index_from_string

    rows = [list(r) for r in rows]
    for ref, value in cells.items():
        col = "".join(ch for ch in ref if ch.isalpha())
        row = int("".join(ch for ch in ref if ch.isdigit()))
        rows[row - 1][column_index_from_string(col) - 1] = value
    return rows


def test_unreadable_cells_are_each_reported_at_their_cell_and_nothing_is_written(progetto: Path, tmp_path: Path, capsys):
    rows, merges = tabella()
    rows = _con(rows, P7="tre", N8="sessanta", S9="forse", L11="1.x", Q12="25%")
    xlsx = scrivi_xlsx(tmp_path / "rotto.xlsx", rows, merges)
    assert _importa(progetto, xlsx) == 1
    err = capsys.readouterr().out
    for cell, what in (("P7", "«tre»"), ("N8", "«sessanta»"), ("S9", "«forse»"), ("L11", "«1.x»"), ("Q12", "percentuale")):
        assert f"rotto.xlsx:Cruscotto!{cell}: errore:" in err, err
        line = next(x for x in err.splitlines() if f"Cruscotto!{cell}:" in x)
        assert what in line, line
    assert "5 errori" in err and "suggerimento:" in err
    assert "nessun file scritto" in err
    assert not (progetto / "plan" / "2021.yml").exists()


def test_columns_are_found_by_header_text_not_position(progetto: Path, tmp_path: Path, piano_consegnato: Piano, capsys):
    rows, merges = tabella()
    # swap the PIRA and Responsabile columns and shout the headers
    rows = [r[:18] + [r[19], r[18]] for r in rows]
    rows = [[x.upper() if isinstance(x, str) and x.lower().startswith(("pira", "responsabile")) else x for x in r] for r in rows]
    assert _importa(progetto, scrivi_xlsx(tmp_path / "scambiato.xlsx", rows, merges)) == 0, capsys.readouterr()
    assert _sostanza(_piano(progetto)) == _sostanza(piano_consegnato)


def test_an_existing_plan_is_not_overwritten_without_sovrascrivi(progetto: Path, tmp_path: Path, capsys):
    (progetto / "plan" / "2021.yml").write_text("# mio\n", encoding="utf-8")
    assert _importa(progetto, scrivi_xlsx(tmp_path / "c.xlsx")) == 1
    assert "il file esiste già" in capsys.readouterr().out
    assert (progetto / "plan" / "2021.yml").read_text(encoding="utf-8") == "# mio\n"
    assert _importa(progetto, scrivi_xlsx(tmp_path / "c.xlsx"), "--sovrascrivi") == 0


def test_a_file_that_is_not_a_spreadsheet_is_an_error_not_a_traceback(progetto: Path, tmp_path: Path, capsys):
    bad = tmp_path / "finto.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert _importa(progetto, bad) == 1
    out = capsys.readouterr().out
    assert "non si legge come foglio di calcolo" in out and "Traceback" not in out


def test_ods_unreadable_cells_are_reported_at_their_cell(progetto: Path, tmp_path: Path, capsys):
    rows, merges = tabella()
    rows = _con(rows, P7="tre", T8="")
    ods = scrivi_ods(tmp_path / "rotto.ods", rows, merges)
    assert _importa(progetto, ods) == 1
    out = capsys.readouterr().out
    assert "rotto.ods:Cruscotto!P7: errore:" in out and "«tre»" in out
    assert not (progetto / "plan" / "2021.yml").exists()

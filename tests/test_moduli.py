"""`moduli` -> the units fill their forms -> `importa-rilevazione`.

The forms are real .xlsx files written by the command; here every unit's
form is filled programmatically with the values of a hand-written
measurement file (the shipped measurements/2021-06-30.yml and
2021-12-31.yml), the way a spreadsheet stores what people type (a
percentage as 0.45 in a percent cell, a date as a date). The imported file
must validate and score exactly as the hand-written one.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.cli import main
from generator.model import Misura, Piano, Rilevazione
from generator.score import valuta
from generator.validate import check_project, load_project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def consegnato():
    return load_project(REPO)


@pytest.fixture
def progetto(tmp_path: Path) -> Path:
    root = tmp_path / "ente"
    shutil.copytree(REPO / "plan", root / "plan")
    (root / "measurements").mkdir()
    return root


def _colonne(ws) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[3] if c.value}


def compila(path: Path, piano: Piano, misure: dict[str, Misura], extra: dict[str, dict[str, str]] | None = None) -> set[str]:
    """Fill one form as a head of unit would; returns the codes answered."""
    wb = load_workbook(path)
    ws = wb["Valori"]
    col = _colonne(ws)
    tipi = {a.codice: a.tipo for a in piano.azioni()}
    done: set[str] = set()
    for row in ws.iter_rows(min_row=4):
        code = row[col["Codice"] - 1].value
        m = misure.get(code)
        if m is None:
            continue
        done.add(code)
        r = row[0].row

        def put(header: str, value, r: int = r) -> None:
            ws.cell(row=r, column=col[header], value=value)

        if m.numeratore is not None:
            put("Numeratore", float(m.numeratore))
            put("Denominatore", float(m.denominatore))
        elif tipi[code] in ("percentuale", "qualitativo"):
            put("Valore", float(m.valore / 100))  # typed "45%" into a percent cell
        elif tipi[code] == "data":
            put("Valore", m.valore)
        elif tipi[code] == "si_no":
            put("Valore", "si" if m.valore else "no")
        else:
            put("Valore", float(m.valore) if m.valore != int(m.valore) else int(m.valore))
        if m.nota:
            put("Nota", m.nota)
        for header, text in (extra or {}).get(code, {}).items():
            put(header, text)
    wb.save(path)
    return done


def _moduli(root: Path, data: str, tipo: str) -> list[Path]:
    assert main(["moduli", "--root", str(root), "--data", data, "--tipo", tipo, "--out", str(root / "moduli")]) == 0
    return sorted((root / "moduli").glob("*.xlsx"))


def _punteggi(piano: Piano, ril: Rilevazione) -> list:
    ris = valuta(piano, ril)
    return [(e.codice, e.grado, e.copertura if hasattr(e, "copertura") else None) for e in (*ris.azioni(), *ris.operativi(), *ris.strategici())] + [ris.grado]


def _valori(ril: Rilevazione) -> dict:
    return {c: (m.valore, m.numeratore, m.denominatore, m.nota) for c, m in ril.valori.items()}


def test_every_unit_gets_one_form_with_its_actions(progetto: Path, consegnato):
    files = _moduli(progetto, "2021-06-30", "monitoraggio")
    piano = consegnato.piani[2021]
    assert len(files) == len({r for a in piano.azioni() for r in a.responsabile}) + 1  # + actions without a unit
    codes = []
    for f in files:
        ws = load_workbook(f)["Valori"]
        codes += [row[0].value for row in ws.iter_rows(min_row=4) if row[0].value]
    assert sorted(codes) == sorted(a.codice for a in piano.azioni() for _ in (a.responsabile or ("",)))


def test_forms_lock_everything_but_the_answers_and_offer_choices(progetto: Path):
    files = _moduli(progetto, "2021-12-31", "consuntivo")
    wb = load_workbook(next(f for f in files if f.name.endswith("-sg.xlsx")))
    assert wb.sheetnames[0] == "Istruzioni" and "Come compilare" in [c.value for c in wb["Istruzioni"]["A"]]
    ws = wb["Valori"]
    col = _colonne(ws)
    assert ws.protection.sheet and wb["Istruzioni"].protection.sheet
    assert wb["_meta"].sheet_state == "hidden"
    assert ws.cell(row=4, column=col["Codice"]).protection.locked
    assert ws.cell(row=4, column=col["Target"]).protection.locked
    assert not ws.cell(row=4, column=col["Valore"]).protection.locked
    assert not ws.cell(row=4, column=col["Scostamento: causa"]).protection.locked
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert '"esterna,interna,indicatore"' in lists
    # a deadline's value is a date cell
    row_151 = next(r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=1).value == "1.5.1")
    value_cell = ws.cell(row=row_151, column=col["Valore"])
    assert value_cell.number_format == "DD/MM/YYYY"
    assert any(dv.type == "date" and value_cell.coordinate in dv.sqref for dv in ws.data_validations.dataValidation)


def test_filled_forms_import_into_a_file_that_scores_as_the_hand_written_one(progetto: Path, consegnato, capsys):
    piano = consegnato.piani[2021]
    mano = next(r for r in consegnato.rilevazioni if r.data == dt.date(2021, 6, 30))
    files = _moduli(progetto, "2021-06-30", "monitoraggio")
    answered: set[str] = set()
    for f in files:
        # an action of two units would be answered in one form only
        answered |= compila(f, piano, {c: m for c, m in mano.valori.items() if c not in answered})
    assert main(["importa-rilevazione", "--root", str(progetto), *map(str, files)]) == 0, capsys.readouterr()
    importato = load_project(progetto).rilevazioni[0]
    assert (importato.data, importato.tipo) == (mano.data, mano.tipo)
    assert _valori(importato) == _valori(mano)
    assert _punteggi(piano, importato) == _punteggi(piano, mano)


def test_the_same_action_answered_in_two_forms_is_an_error_naming_both(progetto: Path, consegnato, capsys):
    piano = consegnato.piani[2021]
    files = _moduli(progetto, "2021-06-30", "monitoraggio")
    copia = progetto / "moduli" / "copia-sg.xlsx"
    sg = next(f for f in files if f.name.endswith("-sg.xlsx"))
    shutil.copy(sg, copia)
    valore = {"1.2.1": Misura("1.2.1", Decimal(7))}
    compila(sg, piano, valore)
    compila(copia, piano, valore)
    assert main(["importa-rilevazione", "--root", str(progetto), str(sg), str(copia)]) == 1
    out = capsys.readouterr().out
    assert f"{sg.name}:Valori!J" in out and "copia-sg.xlsx:Valori!J" in out and "«1.2.1» ha un valore in due moduli" in out
    assert not (progetto / "measurements" / "2021-06-30.yml").exists()


def test_existing_values_are_kept_unless_sovrascrivi(progetto: Path, consegnato, capsys):
    piano = consegnato.piani[2021]
    (progetto / "measurements" / "2021-06-30.yml").write_text(
        'piano: 2021\ndata: 2021-06-30\ntipo: monitoraggio\nvalori:\n  "1.2.1": 5  # dal controllo di gestione\n', encoding="utf-8"
    )
    sg = next(f for f in _moduli(progetto, "2021-06-30", "monitoraggio") if f.name.endswith("-sg.xlsx"))
    compila(sg, piano, {"1.2.1": Misura("1.2.1", Decimal(7)), "2.1.1": Misura("2.1.1", Decimal(3))})
    assert main(["importa-rilevazione", "--root", str(progetto), str(sg)]) == 0
    assert "ha già un valore" in capsys.readouterr().out
    text = (progetto / "measurements" / "2021-06-30.yml").read_text(encoding="utf-8")
    assert '"1.2.1": 5  # dal controllo di gestione' in text and '"2.1.1": 3' in text
    assert main(["importa-rilevazione", "--root", str(progetto), str(sg), "--sovrascrivi"]) == 0
    valori = load_project(progetto).rilevazioni[0].valori
    assert valori["1.2.1"].valore == 7


def test_unreadable_answers_are_reported_at_their_cell_and_nothing_is_written(progetto: Path, capsys):
    sg = next(f for f in _moduli(progetto, "2021-06-30", "monitoraggio") if f.name.endswith("-sg.xlsx"))
    wb = load_workbook(sg)
    ws = wb["Valori"]
    col = _colonne(ws)
    rows = {ws.cell(row=r, column=1).value: r for r in range(4, ws.max_row + 1)}
    ws.cell(row=rows["1.2.1"], column=col["Valore"], value="sette")
    ws.cell(row=rows["1.5.1"], column=col["Valore"], value="presto")
    ws.cell(row=rows["2.1.1"], column=col["Numeratore"], value=3)
    wb.save(sg)
    assert main(["importa-rilevazione", "--root", str(progetto), str(sg)]) == 1
    out = capsys.readouterr().out
    for code, header in (("1.2.1", "Valore"), ("1.5.1", "Valore"), ("2.1.1", "Denominatore")):
        cell = ws.cell(row=rows[code], column=col[header]).coordinate
        assert f"{sg.name}:Valori!{cell}: errore:" in out, out
    assert "nessun file scritto" in out
    assert not (progetto / "measurements" / "2021-06-30.yml").exists()


def test_consuntivo_forms_carry_source_and_shortfall_explanation(progetto: Path, consegnato, capsys):
    piano = consegnato.piani[2021]
    mano = next(r for r in consegnato.rilevazioni if r.data == dt.date(2021, 12, 31))
    ris = valuta(piano, mano)
    sotto = [e.codice for e in ris.azioni() if e.grado is not None and e.grado < 100]
    extra = {c: {"Scostamento: causa": "esterna", "Scostamento: descrizione": "calo della domanda", "Fonte del dato": "gestionale"} for c in sotto}
    files = _moduli(progetto, "2021-12-31", "consuntivo")
    answered: set[str] = set()
    for f in files:
        answered |= compila(f, piano, {c: m for c, m in mano.valori.items() if c not in answered}, extra)
    assert main(["importa-rilevazione", "--root", str(progetto), *map(str, files)]) == 0, capsys.readouterr()
    importato = load_project(progetto).rilevazioni[0]
    assert _punteggi(piano, importato) == _punteggi(piano, mano)
    # every shortfall is explained, and only shortfalls are
    assert not [d for d in check_project(progetto).diagnostics if "scostamento" in d.message]
    spiegati = {c for c, m in importato.valori.items() if m.scostamento is not None}
    assert spiegati == set(sotto)
    assert importato.valori[sotto[0]].scostamento.causa == "esterna"


def test_plan_text_that_looks_like_a_formula_stays_text_in_the_forms(progetto: Path):
    plan = progetto / "plan" / "2021.yml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("titolo: Progetti attivati", 'titolo: "=HYPERLINK(\\"http://x.invalid\\")"', 1), encoding="utf-8")
    sg = next(f for f in _moduli(progetto, "2021-06-30", "monitoraggio") if f.name.endswith("-uo-scuola-lavoro.xlsx"))
    ws = load_workbook(sg)["Valori"]
    cell = next(row[1] for row in ws.iter_rows(min_row=4) if row[0].value == "1.1.1")
    assert cell.value == '=HYPERLINK("http://x.invalid")'
    assert cell.data_type == "s"

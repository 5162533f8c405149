"""Open data: shape, schemas, determinism, and an independent re-computation.

The re-computation (``Riferimento`` below) is a separate, deliberately plain
scorer written from the contract's text. It reads only the published JSON
(numbers parsed as exact decimals) and never calls :mod:`generator.score`,
so a bug in the scorer cannot hide itself by being used to check itself.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import random
import shutil
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import factories as f
import jsonschema
import pytest

from generator.cli import main
from generator.model import Misura, Progetto, Rilevazione
from generator.opendata import (
    FIELDS,
    FILE_DATAPACKAGE,
    FILE_JSON,
    FILE_SCHEMA,
    SCHEMA_JSON,
    export_files,
    write_changed,
)

ROOT = Path(__file__).parents[1]
DIR = "opendata/2021"
#: Built once: ``jsonschema.validate`` checks the schema against the
#: metaschema at every call, twice the cost of the validation itself (~30
#: documents here); test_json_schema_is_a_valid_draft_2020_12_schema checks it.
JSON_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA_JSON)


def progetto_fattorie() -> Progetto:
    """Every KPI kind, a ratio, a deadline not done yet, an unmeasured action, two rilevazioni."""
    piano = f.piano_esempio()
    giugno = f.rilevazione(
        "2021-06-30",
        {
            "1.1.1": 1,
            "1.2.1": Misura("1.2.1", Decimal("41.5"), "rapporto", Decimal(83), Decimal(200)),
            "1.2.2": None,  # deadline passed, not done: 0 in a monitoraggio after the deadline
            "2.1.3": Misura("2.1.3", Decimal(50), 'giudizio "parziale", da rivedere'),
        },
        tipo="monitoraggio",
        esempio=False,
    )
    dicembre = f.rilevazione(
        "2021-12-31",
        {
            "1.1.1": 3,
            "1.1.2": 360,
            "1.2.1": Decimal("47.25"),
            "1.2.2": "2021-06-10",
            "2.1.1": 27,
            "2.1.2": True,
            "2.1.3": Misura("2.1.3", Decimal(80), "piano attuato in parte"),
            # 3.1.1 not measured
        },
        tipo="consuntivo",
    )
    return f.progetto([piano], [dicembre, giugno])


def progetto_spedito() -> Progetto:
    try:
        from generator.validate import load_project
    except ImportError:  # pragma: no cover - only while validate.py is being written
        pytest.skip("generator.validate non esiste ancora: i dati spediti non si possono caricare")
    return load_project(ROOT)


def _doc(progetto: Progetto) -> dict:
    return json.loads(export_files(progetto)[f"{DIR}/{FILE_JSON}"], parse_float=Decimal)


# --------------------------------------------------------------------------
# Reference scorer (independent of generator.score)
# --------------------------------------------------------------------------


def _asse(v, tipo: str) -> Fraction:
    if tipo == "data":
        return Fraction(dt.date.fromisoformat(v).toordinal())
    return Fraction(str(v))


def rif_grado_azione(a: dict, valore, ril_data: str, ril_tipo: str, metodo: str) -> Fraction | None:
    tipo = a["tipo"]
    if valore is None:  # only a deadline not met yet
        if ril_tipo == "consuntivo":
            return Fraction(0)
        return None if ril_data < a["target"] else Fraction(0)
    if tipo == "si_no":
        return Fraction(100) if valore is True else Fraction(0)
    if tipo == "qualitativo":
        return min(Fraction(100), max(Fraction(0), Fraction(str(valore))))
    segno = 1 if a["verso"] == "crescente" else -1
    x = segno * _asse(valore, tipo)
    soglie = [
        (segno * _asse(a[k], tipo), Fraction(g))
        for k, g in (("target", 100), ("soglia_80", 80), ("soglia_60", 60))
        if a[k] is not None
    ]
    if metodo == "fasce":
        for s, g in soglie:
            if x >= s:
                return g
        return Fraction(0)
    if x >= soglie[0][0]:
        return Fraction(100)
    for i in range(len(soglie) - 1):
        alto, g_alto = soglie[i]
        basso, g_basso = soglie[i + 1]
        if basso <= x < alto:
            return g_basso + (g_alto - g_basso) * (x - basso) / (alto - basso)
    return Fraction(0)


def rif_media_pesata(coppie):
    pesi = sum(p for p, _ in coppie)
    misurati = [(p, g) for p, g in coppie if g is not None]
    peso_misurato = sum(p for p, _ in misurati)
    grado = sum(p * g for p, g in misurati) / peso_misurato if misurati else None
    return grado, 100 * peso_misurato / pesi


def rif_media(gradi):
    gradi = [g for g in gradi if g is not None]
    return sum(gradi) / len(gradi) if gradi else None


def _pubblicato(x: Fraction | None):
    """The contract's open-data rounding: half-even to 2 decimals."""
    return None if x is None else round(x, 2)


def _letto(v):
    return None if v is None else Fraction(str(v))


def verifica_ricalcolo(doc: dict) -> int:
    """Recompute every grado in ``doc`` and compare; return how many were checked."""
    controllati = 0
    metodo = doc["metodo"]
    tutti_strategici = []
    for p in doc["prospettive"]:
        gradi_p = []
        for s in (s for s in doc["obiettivi_strategici"] if s["prospettiva"] == p["id"]):
            coppie_s = []
            coperture_s = []
            for o in s["obiettivi_operativi"]:
                coppie_o = []
                for a in o["azioni"]:
                    for r in a["rilevazioni"]:
                        atteso = rif_grado_azione(a, r["valore"], r["data"], r["tipo"], metodo)
                        assert _letto(r["grado"]) == _pubblicato(atteso), (a["codice"], r)
                        controllati += 1
                    ultima = [r for r in a["rilevazioni"] if r["data"] == doc["rilevazione"]]
                    g = (
                        rif_grado_azione(a, ultima[0]["valore"], doc["rilevazione"], doc["tipo_rilevazione"], metodo)
                        if ultima
                        else None
                    )
                    assert _letto(a["grado"]) == _pubblicato(g), a["codice"]
                    assert a["valore"] == (ultima[0]["valore"] if ultima else None), a["codice"]
                    coppie_o.append((Fraction(str(a["peso"])), g))
                g_o, c_o = rif_media_pesata(coppie_o)
                assert (_letto(o["grado"]), _letto(o["copertura"])) == (_pubblicato(g_o), _pubblicato(c_o)), o["codice"]
                coppie_s.append((Fraction(str(o["peso"])), g_o))
                coperture_s.append((Fraction(str(o["peso"])), c_o))
                controllati += 1
            g_s, _ = rif_media_pesata(coppie_s)
            # spec "Roll-up": Σ peso·copertura / Σ peso over all operational objectives.
            c_s = sum(p_ * c for p_, c in coperture_s) / sum(p_ for p_, _ in coperture_s)
            assert (_letto(s["grado"]), _letto(s["copertura"])) == (_pubblicato(g_s), _pubblicato(c_s)), s["codice"]
            target = _letto(s["target"])
            assert s["raggiunto"] == (None if g_s is None or target is None else g_s >= target), s["codice"]
            gradi_p.append(g_s)
            controllati += 1
        assert _letto(p["grado"]) == _pubblicato(rif_media(gradi_p)), p["id"]
        tutti_strategici.extend(gradi_p)
    assert _letto(doc["grado"]) == _pubblicato(rif_media(tutti_strategici))
    return controllati


# --------------------------------------------------------------------------
# performance.json
# --------------------------------------------------------------------------


def test_json_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA_JSON)


def test_json_validates_against_its_own_schema():
    files = export_files(progetto_fattorie())
    schema = json.loads(files[f"{DIR}/{FILE_SCHEMA}"])
    jsonschema.validate(json.loads(files[f"{DIR}/{FILE_JSON}"]), schema, cls=jsonschema.Draft202012Validator)


def test_shipped_json_validates_against_its_own_schema():
    doc = json.loads(export_files(progetto_spedito())[f"{DIR}/{FILE_JSON}"])
    JSON_VALIDATOR.validate(doc)


def test_schema_rejects_a_deadline_target_written_as_a_number():
    doc = json.loads(export_files(progetto_fattorie())[f"{DIR}/{FILE_JSON}"])
    a = doc["obiettivi_strategici"][0]["obiettivi_operativi"][1]["azioni"][1]
    assert a["tipo"] == "data"
    a["target"] = 31
    with pytest.raises(jsonschema.ValidationError):
        JSON_VALIDATOR.validate(doc)


def test_json_top_level_describes_the_latest_rilevazione():
    doc = _doc(progetto_fattorie())
    assert (doc["anno"], doc["rilevazione"], doc["tipo_rilevazione"], doc["esempio"]) == (
        2021, "2021-12-31", "consuntivo", True,
    )


def test_every_action_has_tipo_and_resolved_verso():
    doc = _doc(progetto_fattorie())
    azioni = [a for s in doc["obiettivi_strategici"] for o in s["obiettivi_operativi"] for a in o["azioni"]]
    assert {(a["codice"], a["tipo"], a["verso"]) for a in azioni if a["codice"] in ("1.2.2", "2.1.1")} == {
        ("1.2.2", "data", "decrescente"),
        ("2.1.1", "numero", "decrescente"),
    }


def _azione(doc, codice):
    for s in doc["obiettivi_strategici"]:
        for o in s["obiettivi_operativi"]:
            for a in o["azioni"]:
                if a["codice"] == codice:
                    return a
    raise KeyError(codice)


def test_action_history_is_oldest_first_with_the_latest_included():
    a = _azione(_doc(progetto_fattorie()), "1.1.1")
    assert [(r["data"], r["valore"], r["grado"]) for r in a["rilevazioni"]] == [
        ("2021-06-30", 1, 60),
        ("2021-12-31", 3, 100),
    ]


def test_deadline_not_done_counts_as_a_history_row_with_null_value():
    a = _azione(_doc(progetto_fattorie()), "1.2.2")
    assert a["rilevazioni"][0] == {
        "data": "2021-06-30", "tipo": "monitoraggio", "esempio": False, "valore": None,
        "numeratore": None, "denominatore": None, "grado": 0, "nota": None,
        "fonte": None, "evidenza": None, "scostamento": None,
    }


def test_history_leaves_out_rilevazioni_without_a_value():
    a = _azione(_doc(progetto_fattorie()), "1.1.2")
    assert [r["data"] for r in a["rilevazioni"]] == ["2021-12-31"]


def test_unmeasured_action_has_null_value_and_grado():
    a = _azione(_doc(progetto_fattorie()), "3.1.1")
    assert (a["valore"], a["grado"], a["stato"], a["rilevazioni"]) == (None, None, "non misurato", [])


def test_values_are_published_by_kind():
    doc = _doc(progetto_fattorie())
    assert _azione(doc, "1.2.2")["valore"] == "2021-06-10"
    assert _azione(doc, "1.2.2")["target"] == "2021-05-31"
    assert _azione(doc, "2.1.2")["valore"] is True
    assert _azione(doc, "2.1.2")["target"] is True
    assert _azione(doc, "2.1.3")["valore"] == 80
    assert _azione(doc, "1.2.1")["valore"] == Decimal("47.25")


def test_ratio_keeps_numerator_and_denominator_in_the_history():
    r = _azione(_doc(progetto_fattorie()), "1.2.1")["rilevazioni"][0]
    assert (r["valore"], r["numeratore"], r["denominatore"]) == (Decimal("41.5"), 83, 200)


def test_responsabile_is_a_list():
    doc = _doc(progetto_fattorie())
    assert _azione(doc, "1.2.1")["responsabile"] == ["sg", "uo"]
    assert _azione(doc, "2.1.1")["responsabile"] == []


def test_integral_numbers_have_no_decimal_point():
    text = export_files(progetto_fattorie())[f"{DIR}/{FILE_JSON}"].decode()
    assert '"peso": 50,' in text and '"grado": 100,' in text and ".0," not in text


def test_strategic_copertura_of_a_partly_measured_objective_follows_the_contract():
    """spec "Roll-up": 1.1 (peso 10%, half its actions measured) and 1.2 (peso 90%,
    fully measured) publish strategic copertura 95, not 100."""
    piano = f.piano(
        [
            f.prospettiva(
                "p1",
                [
                    f.strategico(
                        "1",
                        [
                            f.operativo("1.1", [f.azione("1.1.1", target=1, peso=50), f.azione("1.1.2", target=1, peso=50)], peso=10),
                            f.operativo("1.2", [f.azione("1.2.1", target=1)], peso=90),
                        ],
                    )
                ],
            )
        ]
    )
    doc = json.loads(export_files(f.progetto([piano], [f.rilevazione("2021-12-31", {"1.1.1": 1, "1.2.1": 1})]))[f"{DIR}/{FILE_JSON}"])
    s = doc["obiettivi_strategici"][0]
    assert [o["copertura"] for o in s["obiettivi_operativi"]] == [50, 100]
    assert s["copertura"] == 95
    assert doc["prospettive"][0]["copertura"] == doc["copertura"] == 95  # perspective and ente: plain mean


def test_grado_is_rounded_half_even_to_two_decimals():
    # 15.625·100 + 84.375·80 = 8312.5 -> 83.125 exactly, published as 83.12.
    piano = f.piano_di_azioni(
        f.azione("1.1.1", target=10, soglia_80=8, peso="15.625"),
        f.azione("1.1.2", target=10, soglia_80=8, peso="84.375"),
    )
    prog = f.progetto([piano], [f.rilevazione("2021-12-31", {"1.1.1": 10, "1.1.2": 8})])
    assert _doc(prog)["obiettivi_strategici"][0]["obiettivi_operativi"][0]["grado"] == Decimal("83.12")


def test_plan_without_rilevazioni_exports_an_unscored_plan():
    files = export_files(f.progetto([f.piano_esempio()], []))
    doc = json.loads(files[f"{DIR}/{FILE_JSON}"])
    JSON_VALIDATOR.validate(doc)
    assert (doc["rilevazione"], doc["grado"], doc["stato"]) == (None, None, "non misurato")


def test_json_is_utf8_with_literal_accents_indent_2_and_trailing_newline():
    data = export_files(progetto_spedito())[f"{DIR}/{FILE_JSON}"]
    text = data.decode("utf-8")
    assert "Competitività" in text and "\\u" not in text
    assert text.endswith("}\n") and text.startswith('{\n  "anno": 2021,')


def test_json_text_matches_the_standard_encoder_layout():
    data = export_files(progetto_fattorie())[f"{DIR}/{FILE_JSON}"]
    assert data.decode() == json.dumps(json.loads(data), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------
# Independent re-computation
# --------------------------------------------------------------------------


@pytest.mark.parametrize("metodo", ["fasce", "lineare"])
def test_independent_recomputation_agrees_on_the_factory_project(metodo):
    prog = progetto_fattorie()
    prog = f.progetto([f.piano_esempio(metodo=metodo)], prog.rilevazioni)
    assert verifica_ricalcolo(_doc(prog)) > 15


def test_independent_recomputation_agrees_on_the_shipped_measurements():
    assert verifica_ricalcolo(_doc(progetto_spedito())) > 50


def _valore_casuale(rnd: random.Random, a):
    """A value of the right kind, often on or near a threshold."""
    if a.tipo == "si_no":
        return rnd.choice([True, False])
    if a.tipo == "qualitativo":
        return Decimal(rnd.randint(0, 100))
    soglie = [s for s in (a.target, a.soglia_80, a.soglia_60) if s is not None]
    base = rnd.choice(soglie)
    if a.tipo == "data":
        if rnd.random() < 0.15:
            return None
        return base + dt.timedelta(days=rnd.randint(-40, 40))
    scarto = Decimal(rnd.randint(-300, 300)) / Decimal(rnd.choice([1, 4, 100]))
    return base + rnd.choice([Decimal(0), scarto, scarto / 7])


def _rilevazioni_casuali(rnd: random.Random, piano) -> list[Rilevazione]:
    out = []
    date = sorted(rnd.sample(range(1, 365), rnd.randint(1, 3)))
    for i, giorno in enumerate(date):
        data = dt.date(piano.anno, 1, 1) + dt.timedelta(days=giorno)
        valori = {}
        for a in piano.azioni():
            if rnd.random() < 0.8:
                valori[a.codice] = Misura(a.codice, _valore_casuale(rnd, a))
        tipo = "consuntivo" if i == len(date) - 1 and rnd.random() < 0.5 else "monitoraggio"
        out.append(Rilevazione(piano=piano.anno, data=data, tipo=tipo, esempio=True, valori=valori))
    return out


@pytest.mark.parametrize("seme", range(25))
def test_independent_recomputation_agrees_on_random_measurements(seme):
    """Odd seeds use the shipped plan, even seeds the factory plan; values hug the thresholds."""
    rnd = random.Random(seme)
    base = progetto_spedito().piani[2021] if seme % 2 else f.piano_esempio()
    piano = dataclasses.replace(base, metodo=rnd.choice(["fasce", "lineare"]))
    prog = f.progetto([piano], _rilevazioni_casuali(rnd, piano))
    data = export_files(prog)[f"{DIR}/{FILE_JSON}"]
    JSON_VALIDATOR.validate(json.loads(data))
    assert verifica_ricalcolo(json.loads(data, parse_float=Decimal)) > 0


# --------------------------------------------------------------------------
# CSV and the Data Package
# --------------------------------------------------------------------------


def _scritti(tmp_path: Path, progetto: Progetto) -> Path:
    write_changed(export_files(progetto), tmp_path)
    return tmp_path / DIR


def test_every_csv_column_is_declared_in_the_datapackage(tmp_path):
    cartella = _scritti(tmp_path, progetto_fattorie())
    pkg = json.loads((cartella / FILE_DATAPACKAGE).read_text())
    for risorsa in (r for r in pkg["resources"] if r["path"].endswith(".csv")):
        with open(cartella / risorsa["path"], newline="", encoding="utf-8") as fh:
            intestazione = next(csv.reader(fh))
        assert intestazione == [c["name"] for c in risorsa["schema"]["fields"]], risorsa["path"]


def test_every_csv_file_has_a_resource():
    files = export_files(progetto_fattorie())
    pkg = json.loads(files[f"{DIR}/{FILE_DATAPACKAGE}"])
    csv_files = {p.rsplit("/", 1)[1] for p in files if p.endswith(".csv")}
    assert csv_files == {r["path"] for r in pkg["resources"] if r["path"].endswith(".csv")}
    assert csv_files == {f"{n}.csv" for n in FIELDS}


@pytest.mark.parametrize("quale", ["fattorie", "spedito"])
def test_frictionless_validates_the_data_package(tmp_path, quale):
    from frictionless import validate

    prog = progetto_fattorie() if quale == "fattorie" else progetto_spedito()
    report = validate(str(_scritti(tmp_path, prog) / FILE_DATAPACKAGE))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def _parse_per_tipo(tipo: str, cella: str):
    if cella == "":
        return None
    if tipo == "data":
        return dt.date.fromisoformat(cella)
    if tipo == "si_no":
        assert cella in ("true", "false")
        return cella == "true"
    return Decimal(cella)


def test_mixed_value_columns_parse_by_the_actions_tipo(tmp_path):
    cartella = _scritti(tmp_path, progetto_fattorie())
    tipi = {}
    with open(cartella / "azioni.csv", newline="", encoding="utf-8") as fh:
        for riga in csv.DictReader(fh):
            tipi[riga["codice"]] = riga["tipo"]
            for campo in ("target", "soglia_80", "soglia_60", "valore"):
                _parse_per_tipo(riga["tipo"], riga[campo])
    with open(cartella / "rilevazioni.csv", newline="", encoding="utf-8") as fh:
        for riga in csv.DictReader(fh):
            _parse_per_tipo(tipi[riga["azione"]], riga["valore"])


def test_csv_is_rfc4180_with_crlf_and_quotes_doubled():
    data = export_files(progetto_fattorie())[f"{DIR}/rilevazioni.csv"]
    testo = data.decode("utf-8")
    assert testo.endswith("\r\n") and "\n" not in testo.replace("\r\n", "")
    assert '"giudizio ""parziale"", da rivedere"' in testo
    rows = list(csv.reader(io.StringIO(testo, newline="")))
    nota = rows[0].index("nota")
    assert [r[nota] for r in rows if r[1] == "2.1.3" and r[2] == "2021-06-30"] == ['giudizio "parziale", da rivedere']


def test_csv_uses_the_decimal_point():
    testo = export_files(progetto_fattorie())[f"{DIR}/azioni.csv"].decode()
    assert ",47.25," in testo


def test_csv_rows_match_the_json():
    files = export_files(progetto_fattorie())
    doc = json.loads(files[f"{DIR}/{FILE_JSON}"], parse_float=Decimal)
    rows = list(csv.DictReader(io.StringIO(files[f"{DIR}/obiettivi_strategici.csv"].decode(), newline="")))
    assert [(r["codice"], r["grado"], r["raggiunto"]) for r in rows] == [
        (s["codice"], "" if s["grado"] is None else str(s["grado"]),
         {True: "true", False: "false", None: ""}[s["raggiunto"]])
        for s in doc["obiettivi_strategici"]
    ]


def test_datapackage_is_licensed_cc_by_4():
    pkg = json.loads(export_files(progetto_fattorie())[f"{DIR}/{FILE_DATAPACKAGE}"])
    assert pkg["licenses"] == [
        {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
         "title": "Creative Commons Attribution 4.0"}
    ]


def test_datapackage_lists_the_json_as_a_resource():
    pkg = json.loads(export_files(progetto_fattorie())[f"{DIR}/{FILE_DATAPACKAGE}"])
    assert any(r["path"] == FILE_JSON and r["format"] == "json" for r in pkg["resources"])


# --------------------------------------------------------------------------
# Determinism and writing
# --------------------------------------------------------------------------


def test_export_is_byte_identical_across_two_runs():
    assert export_files(progetto_fattorie()) == export_files(progetto_fattorie())


def test_shipped_export_is_byte_identical_across_two_loads():
    assert export_files(progetto_spedito()) == export_files(progetto_spedito())


def test_export_command_output_does_not_depend_on_the_hash_seed(tmp_path):
    progetto_spedito()
    uscite = []
    for seme in ("1", "2"):
        out = tmp_path / f"out{seme}"
        subprocess.run(
            [sys.executable, "-m", "generator", "export", "--root", str(ROOT), "--out", str(out)],
            check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seme},
        )
        uscite.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert uscite[0] == uscite[1] and uscite[0]


def test_export_files_are_under_opendata_by_year():
    assert sorted(export_files(progetto_fattorie())) == sorted(
        f"{DIR}/{n}"
        for n in ("performance.json", "performance.schema.json", "datapackage.json", "prospettive.csv",
                  "obiettivi_strategici.csv", "obiettivi_operativi.csv", "azioni.csv", "rilevazioni.csv")
    )


def test_writing_again_leaves_unchanged_files_untouched(tmp_path):
    files = export_files(progetto_fattorie())
    write_changed(files, tmp_path)
    prima = {p: (tmp_path / p).stat().st_ino for p in files}
    modificati = dict(files)
    modificati[f"{DIR}/azioni.csv"] = b"cambiato\r\n"
    assert write_changed(modificati, tmp_path) == [f"{DIR}/azioni.csv"]
    dopo = {p: (tmp_path / p).stat().st_ino for p in files}
    assert {p for p in files if prima[p] != dopo[p]} == {f"{DIR}/azioni.csv"}
    assert (tmp_path / DIR / "azioni.csv").read_bytes() == b"cambiato\r\n"


def test_writing_leaves_no_temporary_directory(tmp_path):
    write_changed(export_files(progetto_fattorie()), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["opendata"]


def test_writing_refuses_a_path_outside_the_output(tmp_path):
    with pytest.raises(ValueError):
        write_changed({"../fuori.txt": b"x"}, tmp_path / "out")


# --------------------------------------------------------------------------
# The export command
# --------------------------------------------------------------------------


def _copia_progetto(dest: Path) -> Path:
    for cartella in ("plan", "measurements"):
        shutil.copytree(ROOT / cartella, dest / cartella)
    return dest


def test_export_command_writes_the_open_data(tmp_path, capsys):
    progetto_spedito()  # skips if the validator is not there yet
    root = _copia_progetto(tmp_path / "repo")
    assert main(["export", "--root", str(root), "--out", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / DIR / FILE_JSON).is_file()
    assert "scritto" in capsys.readouterr().out


def test_export_command_reports_nothing_changed_on_a_second_run(tmp_path, capsys):
    progetto_spedito()
    root = _copia_progetto(tmp_path / "repo")
    main(["export", "--root", str(root), "--out", str(tmp_path / "site")])
    capsys.readouterr()
    assert main(["export", "--root", str(root), "--out", str(tmp_path / "site")]) == 0
    assert "nessun file cambiato" in capsys.readouterr().out


def test_export_command_exits_1_with_diagnostics_on_invalid_yaml(tmp_path, capsys):
    progetto_spedito()
    root = _copia_progetto(tmp_path / "repo")
    misura = root / "measurements" / "2021-12-31.yml"
    misura.write_text(misura.read_text(encoding="utf-8") + '  "99.9.9": 3\n', encoding="utf-8")
    assert main(["export", "--root", str(root), "--out", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err
    assert "measurements/2021-12-31.yml:" in err and "99.9.9" in err
    assert not (tmp_path / "site").exists()

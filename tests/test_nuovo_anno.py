"""`nuovo-anno`: next year's plan from the latest one, and a year's first measurement.

The staff member who starts next year's plan runs one command; the new file
validates, keeps the strategic objectives with the targets the old plan set
for the new year, marks everything else "da rivedere", and a monitoraggio
for the new year then builds into a site that shows both years.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator.cli import main
from generator.validate import check_project, load_project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def progetto(tmp_path: Path) -> Path:
    root = tmp_path / "ente"
    for name in ("plan", "measurements"):
        shutil.copytree(REPO / name, root / name)
    return root


def test_new_plan_keeps_strategic_objectives_with_their_targets_for_the_new_year(progetto: Path):
    assert main(["nuovo-anno", "2022", "--root", str(progetto)]) == 0
    progetto_ok = load_project(progetto)
    vecchio, nuovo = progetto_ok.piani[2021], progetto_ok.piani[2022]
    assert nuovo.triennio == (2022, 2023, 2024)
    assert [(s.codice, s.target[2022]) for s in nuovo.obiettivi_strategici()] == [(s.codice, s.target[2022]) for s in vecchio.obiettivi_strategici()]
    assert [a.codice for a in nuovo.azioni()] == [a.codice for a in vecchio.azioni()]
    assert dict(nuovo.strutture) == dict(vecchio.strutture)


def test_operational_objectives_and_actions_are_marked_da_rivedere(progetto: Path):
    main(["nuovo-anno", "2022", "--root", str(progetto)])
    text = (progetto / "plan" / "2022.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/plan.schema.json\n")
    data = YAML(typ="safe").load(text)
    n_codes = sum(1 + len(o["azioni"]) for p in data["prospettive"] for s in p["obiettivi_strategici"] for o in s["obiettivi_operativi"])
    marked = [line for line in text.splitlines() if "codice:" in line and "# da rivedere" in line]
    assert len(marked) == n_codes
    # last year's transcription notes are not carried over
    assert "slittat" not in text


def test_an_existing_plan_is_never_overwritten(progetto: Path, capsys):
    (progetto / "plan" / "2022.yml").write_text("# già scritto\n", encoding="utf-8")
    assert main(["nuovo-anno", "2022", "--root", str(progetto)]) == 1
    assert "esiste già" in capsys.readouterr().err
    assert (progetto / "plan" / "2022.yml").read_text(encoding="utf-8") == "# già scritto\n"


def test_a_measurement_whose_plan_is_missing_still_reports_its_other_errors(progetto: Path):
    (progetto / "measurements" / "2022-06-30.yml").write_text(
        "piano: 2022\n"
        "data: 2021-06-30\n"
        "tipo: monitoraggio\n"
        "valori:\n"
        '  "1.1.1": {numeratore: 3, denominatore: 0}\n'
        '  "5.3.1": {esito: 80%}\n',
        encoding="utf-8",
    )
    errors = [(d.pos.line, d.message) for d in check_project(progetto).errors if d.pos.file == "measurements/2022-06-30.yml"]
    assert sorted(line for line, _ in errors) == [1, 2, 2, 5, 6], errors
    messages = " | ".join(m for _, m in errors)
    assert "nessun piano per l'anno 2022" in messages
    assert "fuori dall'anno del piano 2022" in messages
    assert "denominatore dell'azione «1.1.1» è zero" in messages
    assert "manca la «nota»" in messages


@pytest.mark.slow
def test_new_year_and_its_monitoraggio_build_a_site_with_both_years(progetto: Path):
    for name in ("mkdocs.yml", "overrides", "docs", "hooks.py"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, progetto / name)
    assert main(["nuovo-anno", "2022", "--root", str(progetto)]) == 0
    (progetto / "measurements" / "2022-06-30.yml").write_text(
        "# yaml-language-server: $schema=../schemas/measurement.schema.json\n"
        "piano: 2022\ndata: 2022-06-30\ntipo: monitoraggio\nvalori:\n"
        '  "1.1.1": 2\n  "1.1.2": 180\n  "3.1.1": 27\n',
        encoding="utf-8",
    )
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(progetto)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = progetto / "site"
    for anno in (2021, 2022):
        page = (site / "piano" / str(anno) / "index.html").read_text(encoding="utf-8")
        assert f"{anno}-{anno + 2}" in page
    relazione_2022 = (site / "relazione" / "2022" / "index.html").read_text(encoding="utf-8")
    assert "30 giugno 2022" in relazione_2022
    relazioni = (site / "relazione" / "index.html").read_text(encoding="utf-8")
    assert "2021/" in relazioni and "2022/" in relazioni
    # the 2022 plan's page links last year's in the navigation
    assert 'href="../2021/"' in (site / "piano" / "2022" / "index.html").read_text(encoding="utf-8")

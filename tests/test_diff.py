"""``python -m generator diff``: real git repositories, real YAML, real scoring.

Each test builds a small repository with its own plan (no dependence on
the project's data), commits revisions, and reads the Markdown the CLI
prints. Expected grades are computed by hand from the contract's ``fasce``
rules in the comments, never by calling the scoring module.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gitrepo import git, write

from generator.cli import main
from generator.diff import md

PLAN = """\
ente: Ente di prova
titolo: Piano della Performance 2021-2023
anno: 2021
triennio: [2021, 2022, 2023]
metodo: fasce
strutture:
  sg: Segretario Generale
  uo: U.O. Prova
prospettive:
  - id: p1
    nome: Prospettiva uno
    obiettivi_strategici:
      - codice: "1"
        titolo: Strategico uno
        indicatore: ponderazione
        target: {2021: "80%", 2022: "80%", 2023: "80%"}
        obiettivi_operativi:
          - codice: "1.1"
            titolo: Operativo uno
            peso: "55%"
            indicatore: ponderazione
            azioni:
              - codice: "1.1.1"
                titolo: Azione uno
                peso: "50%"
                indicatore: numero di iniziative
                tipo: numero
                target: 3
                soglia_80: 2
                soglia_60: 1
                pira: false
                responsabile: sg
              - codice: "1.1.2"
                titolo: Azione due
                peso: "50%"
                indicatore: quota di imprese raggiunte
                tipo: percentuale
                target: "50%"
                soglia_80: "40%"
                pira: true
                responsabile: [sg, uo]
          - codice: "1.2"
            titolo: Operativo due
            peso: "45%"
            indicatore: ponderazione
            azioni:
              - codice: "1.2.1"
                titolo: Regolamento adottato
                peso: "100%"
                indicatore: adozione del regolamento
                tipo: si_no
                target: si
                pira: false
                responsabile: uo
  - id: p2
    nome: Prospettiva due
    obiettivi_strategici:
      - codice: "2"
        titolo: Strategico due
        indicatore: ponderazione
        target: {2021: "90%"}
        obiettivi_operativi:
          - codice: "2.1"
            titolo: Operativo tre
            peso: "100%"
            indicatore: ponderazione
            azioni:
              - codice: "2.1.1"
                titolo: Sito rinnovato
                peso: "100%"
                indicatore: data di pubblicazione
                tipo: data
                target: 2021-05-31
                soglia_80: 2021-06-30
                pira: false
                responsabile: sg
"""

MISURE = """\
piano: 2021
data: 2021-06-30
tipo: monitoraggio
esempio: true
valori:
  "1.1.1": 0
  "1.1.2": {valore: 45%, nota: "fonte: registro"}
  "1.2.1": si
  "2.1.1": 2021-06-15
"""
# Hand-computed grades of MISURE (fasce):
#   1.1.1: 0 < soglia_60 1          -> 0
#   1.1.2: 45 >= soglia_80 40       -> 80
#   1.2.1: si                       -> 100
#   2.1.1: 15 June, after the target 31 May, before soglia_80 30 June -> 80
#   1.1 = (50*0 + 50*80)/100 = 40;  1.2 = 100
#   1   = (55*40 + 45*100)/100 = 22 + 45 = 67  (< target 80: parzialmente raggiunto)
#   2   = 80;  ente = (67 + 80)/2 = 73.5


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose first commit holds PLAN and MISURE."""
    root = tmp_path / "ente"
    root.mkdir()
    git(root, "init", "-q")
    write(root, "plan/2021.yml", PLAN)
    write(root, "measurements/2021-06-30.yml", MISURE)
    commit(root, "piano e monitoraggio")
    return root


def run_diff(repo: Path, *revs: str, capsys) -> tuple[int, str]:
    code = main(["diff", *revs, "--root", str(repo)])
    return code, capsys.readouterr().out


def table_rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("|")]


def test_changed_measured_value_shows_grado_before_and_after_for_action_and_objectives(repo, capsys):
    write(repo, "measurements/2021-06-30.yml", MISURE.replace('"1.1.1": 0', '"1.1.1": 2'))
    commit(repo, "aggiornato 1.1.1")
    code, out = run_diff(repo, "HEAD~1", "HEAD", capsys=capsys)
    assert code == 0
    # After: 1.1.1 = 2 >= soglia_80 -> 80; 1.1 = (50*80 + 50*80)/100 = 80;
    # 1 = (55*80 + 45*100)/100 = 44 + 45 = 89 (>= 80: raggiunto); ente = (89 + 80)/2 = 84.5
    rows = table_rows(out)
    assert "| Azione 1.1.1 «Azione uno» | valore | 0 | 2 |" in rows
    assert "| Azione 1.1.1 «Azione uno» | 0,0% | 80,0% |" in rows
    assert "| Obiettivo operativo 1.1 «Operativo uno» | 40,0% | 80,0% |" in rows
    assert (
        "| Obiettivo strategico 1 «Strategico uno» | 67,0%, parzialmente raggiunto (target 80%) "
        "| 89,0%, raggiunto (target 80%) |"
    ) in rows
    assert "| Prospettiva p1 «Prospettiva uno» | 67,0% | 89,0% |" in rows
    assert "| Ente | 73,5% | 84,5% |" in rows
    # Unchanged levels are not listed.
    assert not any("1.2" in r or "Strategico due" in r or "Azione due" in r for r in rows)
    assert "**1 modifica: 1 valore misurato**" in out
    assert "### Rilevazione del 30 giugno 2021 (monitoraggio, piano 2021)" in out


def test_pure_reformat_shows_no_substantive_change(repo, capsys):
    reformatted = (
        PLAN.replace("ente: Ente di prova", "# commento aggiunto\nente: 'Ente di prova'  # ente")
        .replace('peso: "50%"', "peso: 50")
        .replace('target: "50%"', "target: 50  # percentuale")
        .replace("titolo: Azione uno", 'titolo: "Azione uno"')
        .replace(
            '              - codice: "1.1.1"\n                titolo: "Azione uno"\n',
            '              - titolo: "Azione uno"\n                codice: "1.1.1"\n',
        )
        .replace('target: {2021: "90%"}', "target:\n          2021: 90%")
    )
    assert reformatted.count("peso: 50\n") == 2 and '- titolo: "Azione uno"' in reformatted
    measurements = (
        MISURE.replace('"1.1.2": {valore: 45%, nota: "fonte: registro"}', '"1.1.2":\n    nota: \'fonte: registro\'\n    valore: 45')
        .replace('"1.1.1": 0', '"1.1.1": 0.0  # nessuna iniziativa')
    )
    write(repo, "plan/2021.yml", reformatted)
    write(repo, "measurements/2021-06-30.yml", measurements)
    commit(repo, "solo forma")
    assert git(repo, "diff", "--stat", "HEAD~1", "HEAD").strip()  # the text did change
    code, out = run_diff(repo, "HEAD~1", "HEAD", capsys=capsys)
    assert code == 0
    assert "nessuna modifica sostanziale" in out
    assert not table_rows(out)


def test_added_and_removed_actions_and_changed_target_and_weight_are_listed(repo, capsys):
    plan = (
        PLAN.replace(
            '                peso: "50%"\n                indicatore: numero di iniziative\n                tipo: numero\n                target: 3',
            '                peso: "30%"\n                indicatore: numero di iniziative\n                tipo: numero\n                target: 4',
        )
        .replace(
            "                responsabile: [sg, uo]\n",
            "                responsabile: [sg, uo]\n"
            '              - codice: "1.1.3"\n                titolo: Azione nuova\n                peso: "20%"\n'
            "                indicatore: eventi\n                tipo: numero\n                target: 5\n"
            "                pira: false\n                responsabile: sg\n",
        )
        .replace('codice: "1.2.1"\n                titolo: Regolamento adottato', 'codice: "1.2.2"\n                titolo: Regolamento sostituito')
    )
    write(repo, "plan/2021.yml", plan)
    write(repo, "measurements/2021-06-30.yml", MISURE.replace('  "1.2.1": si\n', ""))
    commit(repo, "nuove azioni")
    code, out = run_diff(repo, "HEAD~1", "HEAD", capsys=capsys)
    assert code == 0
    rows = table_rows(out)
    assert "| Azione 1.1.1 «Azione uno» | peso | 50% | 30% |" in rows
    assert "| Azione 1.1.1 «Azione uno» | target | 3 | 4 |" in rows
    assert "| Azione 1.1.3 «Azione nuova» | aggiunta | — | peso 20%, target 5 |" in rows
    assert "| Azione 1.2.2 «Regolamento sostituito» | aggiunta | — | peso 100%, target sì |" in rows
    assert "| Azione 1.2.1 «Regolamento adottato» | rimossa | peso 100%, target sì | — |" in rows
    assert "| Azione 1.2.1 «Regolamento adottato» | valore | sì | — |" in rows
    summary = re.search(r"^\*\*(.*)\*\*$", out, re.M).group(1)
    assert summary == "6 modifiche: 2 azioni aggiunte, 1 azione rimossa, 1 target, 1 peso, 1 valore misurato"


def test_title_with_html_and_pipe_is_escaped(repo, capsys):
    write(repo, "plan/2021.yml", PLAN.replace("titolo: Azione uno", "titolo: '<script>alert(1)</script> | a_b *c* [x](y) `z`'"))
    code, out = run_diff(repo, "HEAD", capsys=capsys)
    assert code == 0
    assert "<script>" not in out
    expected = r"&lt;script&gt;alert\(1\)&lt;/script&gt; &#124; a\_b \*c\* \[x\]\(y\) \`z\`"
    assert md("<script>alert(1)</script> | a_b *c* [x](y) `z`") == expected
    assert f"| Azione 1.1.1 «{expected}» | titolo | «Azione uno» | «{expected}» |" in table_rows(out)
    for row in table_rows(out):  # every row keeps its four cells
        assert len(re.findall(r"(?<!\\)\|", row)) == 5, row


def test_head_defaults_to_the_working_tree(repo, capsys):
    write(repo, "measurements/2021-06-30.yml", MISURE.replace('"1.1.1": 0', '"1.1.1": 3'))  # not committed
    code, out = run_diff(repo, "HEAD", capsys=capsys)
    assert code == 0
    assert "e la copia di lavoro." in out
    assert "| Azione 1.1.1 «Azione uno» | valore | 0 | 3 |" in table_rows(out)
    assert git(repo, "status", "--porcelain").strip() == "M measurements/2021-06-30.yml"  # tree untouched


def test_revision_without_measurements_folder_shows_the_measurement_as_added(tmp_path, capsys):
    root = tmp_path / "ente"
    root.mkdir()
    git(root, "init", "-q")
    write(root, "plan/2021.yml", PLAN)
    commit(root, "solo piano")
    write(root, "measurements/2021-06-30.yml", MISURE)
    commit(root, "monitoraggio")
    code, out = run_diff(root, "HEAD~1", "HEAD", capsys=capsys)
    assert code == 0
    rows = table_rows(out)
    assert "**1 modifica: 1 rilevazione aggiunta**" in out
    assert "| Rilevazione | aggiunta | — | monitoraggio, 4 valori |" in rows
    assert "| Azione 1.1.2 «Azione due» | 45%; nota: «fonte: registro» | 80,0% |" in rows
    assert not any(r.startswith("| Azione 1.1.2 «Azione due» | — |") for r in rows)  # not repeated below
    assert "| Ente | — | 73,5% |" in rows


def test_invalid_head_is_reported_at_the_top_with_exit_code_1(repo, capsys):
    write(repo, "plan/2021.yml", PLAN.replace('peso: "45%"', 'peso: "40%"'))
    code, out = run_diff(repo, "HEAD", capsys=capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "## Modifiche al piano e alle rilevazioni"
    assert "**Errore: la versione proposta (la copia di lavoro) non supera la validazione (1 errore).**" in out
    # The error quotes the offending line of the working tree file.
    assert "plan/2021.yml:" in out and "sommano a 95%" in out
    assert 'codice: "1"' in out


def test_unknown_revision_exits_with_code_2(repo, capsys):
    assert main(["diff", "nessuna-revisione", "--root", str(repo)]) == 2
    assert "nessuna-revisione" in capsys.readouterr().err


def test_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["diff", "--help"])
    assert "esempio:\n  python -m generator diff origin/main HEAD" in capsys.readouterr().out

"""The validator's behaviour beyond single messages: exit codes, formats, API.

The per-mistake messages are pinned by the golden corpus
(``test_validate_corpus.py``); here are the rules around them: warnings do
not fail unless ``--strict``, GitHub annotations, nothing executed from YAML,
all problems reported at once, the shipped data being clean, and the Python
API other modules use.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis_profiles import examples
from test_validate_corpus import CORPUS, REPO

from generator import validate, values
from generator.diagnostics import Diagnostic, Pos, ValidationFailed, format_github, format_text, print_report
from generator.model import Progetto

VALID = CORPUS / "_valid"


def copy_case(case: str, tmp_path: Path) -> Path:
    root = tmp_path / case
    shutil.copytree(CORPUS / case, root, ignore=shutil.ignore_patterns("expected.txt"))
    return root


# -- command line -----------------------------------------------------------------


def test_missing_responsabile_is_only_a_warning(run_cli):
    result = run_cli("validate", "--root", str(CORPUS / "warning-missing-responsabile"))
    assert result.returncode == 0
    assert "avviso: l'azione «1.1.2» non indica il responsabile" in result.stdout
    assert result.stdout.endswith("0 errori, 1 avviso\n")


def test_strict_turns_the_missing_responsabile_warning_into_an_error(run_cli):
    result = run_cli("validate", "--root", str(CORPUS / "warning-missing-responsabile"), "--strict")
    assert result.returncode == 1
    assert "plan/2021.yml:32:25: errore: l'azione «1.1.2» non indica il responsabile" in result.stdout
    # the only other lines are the attestation grid's notes, which stay warnings
    assert re.search(r"\n1 errore, \d+ avvisi\n$", result.stdout)
    assert "avviso: l'azione" not in result.stdout


def test_clean_project_exits_zero_even_with_strict(run_cli):
    result = run_cli("validate", "--root", str(VALID), "--strict")
    assert result.returncode == 0
    # --strict adds the attestation grid's notes, as warnings that never fail the check
    assert [line for line in result.stdout.splitlines() if ": avviso: " in line or ": errore: " in line] == [
        line for line in result.stdout.splitlines() if ": avviso: attestazione OIV, " in line
    ]
    assert "errore" not in result.stdout.replace("0 errori", "")


def test_github_format_writes_one_annotation_per_problem(run_cli):
    result = run_cli("validate", "--root", str(CORPUS / "multi-error"), "--format", "github")
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert len(lines) == 6
    assert all(line.startswith("::error file=") for line in lines)
    assert lines[2] == (
        "::error file=plan/2021.yml,line=13,col=17,title=Errore di validazione::"
        "i pesi degli obiettivi operativi di «1» sommano a 110%25 (60%25 + 50%25), "
        "devono sommare esattamente a 100%25"
        "%0Asuggerimento: correggi i pesi degli obiettivi operativi di «1»: c'è 10%25 di troppo"
    )


def test_github_format_marks_warnings_as_warnings(run_cli):
    result = run_cli("validate", "--root", str(CORPUS / "warning-missing-responsabile"), "--format", "github")
    assert result.returncode == 0
    assert result.stdout.startswith("::warning file=plan/2021.yml,line=32,col=25,title=Avviso di validazione::")


def test_python_object_tag_is_reported_and_never_executed(tmp_path: Path, run_cli):
    root = copy_case("python-object-tag", tmp_path)
    result = run_cli("validate", "--root", str(root), cwd=root)
    assert result.returncode == 1
    assert "etichetta YAML «!!python/object/apply:os.system» non ammessa" in result.stdout
    assert not (root / "corpus-pwned-marker").exists()
    assert not (REPO / "corpus-pwned-marker").exists()


def test_multi_error_reports_every_problem_sorted_by_file_and_line():
    esito = validate.check_project(CORPUS / "multi-error")
    positions = [(d.pos.file, d.pos.line) for d in sorted(esito.diagnostics, key=lambda d: (d.pos.file, d.pos.line))]
    text = (CORPUS / "multi-error" / "expected.txt").read_text(encoding="utf-8")
    reported = [line.split(": ")[0].rsplit(":", 1)[0] for line in text.splitlines() if ": errore: " in line]
    assert len(esito.errors) == 6
    assert reported == [f"{file}:{line}" for file, line in positions]
    assert text.endswith("6 errori, 0 avvisi\n")


def test_measurements_are_checked_even_when_the_plan_has_semantic_errors():
    esito = validate.check_project(CORPUS / "multi-error")
    assert {d.pos.file for d in esito.errors} == {"plan/2021.yml", "measurements/2021-06-30.yml"}


# -- shipped data -----------------------------------------------------------------


@pytest.mark.skipif(
    not (REPO / "plan" / "2021.yml").exists(),
    reason="plan/2021.yml (the shipped plan) is not transcribed yet",
)
def test_shipped_data_validates_cleanly(run_cli):
    result = run_cli("validate", "--root", str(REPO))
    assert result.returncode == 0, result.stdout
    assert " errore: " not in result.stdout


# -- Python API ---------------------------------------------------------------------


def test_check_project_returns_the_model_of_a_clean_project():
    esito = validate.check_project(VALID)
    assert esito.diagnostics == []
    assert isinstance(esito.progetto, Progetto)
    assert [a.codice for a in esito.progetto.piani[2021].azioni()] == ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.2.2", "1.2.3"]


def test_check_project_returns_no_model_when_there_are_errors():
    esito = validate.check_project(CORPUS / "zero-denominator")
    assert esito.progetto is None
    assert [d.message for d in esito.errors] == ["il denominatore dell'azione «1.2.1» è zero: il rapporto non si può calcolare"]


def test_load_project_raises_with_every_diagnostic():
    with pytest.raises(ValidationFailed) as info:
        validate.load_project(CORPUS / "multi-error")
    assert len(info.value.diagnostics) == 6


def test_load_project_strict_raises_on_warnings_only():
    assert validate.load_project(CORPUS / "warning-missing-responsabile").piani[2021].anno == 2021
    with pytest.raises(ValidationFailed):
        validate.load_project(CORPUS / "warning-missing-responsabile", strict=True)


def test_model_values_are_interpreted_by_kpi_type():
    progetto = validate.load_project(VALID)
    azioni = {a.codice: a for a in progetto.piani[2021].azioni()}
    misure = progetto.rilevazioni[0].valori
    assert azioni["1.1.2"].verso == "decrescente" and not azioni["1.1.2"].verso_esplicito
    assert str(azioni["1.2.2"].target) == "2021-06-30"
    assert azioni["1.2.3"].target is True
    assert misure["1.2.1"].valore == Decimal(75)
    assert misure["1.1.3"].valore == Decimal(80)


def test_model_objects_carry_source_positions():
    progetto = validate.load_project(VALID)
    azione = next(progetto.piani[2021].azioni())
    assert azione.pos["target"] == Pos("plan/2021.yml", 27, 25)
    assert progetto.rilevazioni[0].valori["1.1.2"].pos["nota"] == Pos("measurements/2021-06-30.yml", 7, 31)


def test_month_deadline_is_the_last_day_of_the_month():
    assert str(values.month_deadline("Febbraio", 2024)) == "2024-02-29"
    assert values.month_deadline("giugnio", 2021) is None


def test_interpret_reads_italian_percent_and_yes():
    assert values.interpret("percentuale", "4,5 %", 2021, "target") == Decimal("4.5")
    assert values.interpret("si_no", "sì", 2021, "target") is True


def test_print_report_text_quotes_the_line_with_a_caret(tmp_path: Path):
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "2021.yml").write_text("a: 1\nbb: due\n", encoding="utf-8")
    out = io.StringIO()
    diag = Diagnostic(Pos("plan/2021.yml", 2, 5), "messaggio", "consiglio")
    print_report([diag], tmp_path, "text", out)
    assert out.getvalue() == (
        "plan/2021.yml:2:5: errore: messaggio\n"
        "  2 | bb: due\n"
        "    |     ^\n"
        "suggerimento: consiglio\n"
        "\n"
        "1 errore, 0 avvisi\n"
    )


def test_format_text_shows_a_tab_as_an_arrow_in_its_column():
    text = format_text([Diagnostic(Pos("f.yml", 1, 3), "tab")], lambda f, n: "a:\tb")
    assert "  1 | a:→b\n    |   ^\n" in text


def test_format_github_escapes_newlines_commas_and_colons_in_properties():
    text = format_github([Diagnostic(Pos("a,b:c.yml", 1, 2), "x\ny", "z", "avviso")])
    assert text == "::warning file=a%2Cb%3Ac.yml,line=1,col=2,title=Avviso di validazione::x%0Ay%0Asuggerimento: z\n"


# -- messages outside the corpus ------------------------------------------------------


def project_with_measurement(tmp_path: Path, text: str) -> Path:
    root = copy_case("_valid", tmp_path)
    (root / "measurements" / "2021-06-30.yml").write_text(text, encoding="utf-8")
    return root


def test_quoted_year_and_date_suggest_removing_the_quotes(tmp_path: Path):
    root = project_with_measurement(tmp_path, 'piano: "2021"\ndata: "2021-06-30"\ntipo: monitoraggio\nvalori: {}\n')
    hints = [d.hint for d in validate.check_project(root).diagnostics]
    assert hints == ["togli le virgolette: `piano: 2021`", "togli le virgolette: `data: 2021-06-30`"]


def test_file_that_is_a_list_is_reported_at_its_start(tmp_path: Path):
    root = project_with_measurement(tmp_path, "- piano: 2021\n")
    [diag] = validate.check_project(root).diagnostics
    assert (str(diag.pos), diag.message) == (
        "measurements/2021-06-30.yml:1:1",
        "il file deve contenere un gruppo di campi «nome: valore», trovato un elenco",
    )


def test_unknown_code_gets_a_close_code_as_suggestion(tmp_path: Path):
    root = project_with_measurement(tmp_path, 'piano: 2021\ndata: 2021-06-30\ntipo: monitoraggio\nvalori:\n  "1.2.4": 3\n')
    [diag] = validate.check_project(root).diagnostics
    assert diag.hint == "forse intendevi «1.2.3»? I codici delle azioni sono elencati nel file plan/2021.yml"


def test_unknown_strategic_objective_in_a_small_plan_is_matched_against_every_code(tmp_path: Path):
    root = project_with_measurement(tmp_path, 'piano: 2021\ndata: 2021-06-30\ntipo: monitoraggio\nvalori:\n  "7.1.1": 3\n')
    [diag] = validate.check_project(root).diagnostics
    assert diag.hint == "forse intendevi «1.1.1»? I codici delle azioni sono elencati nel file plan/2021.yml"


# -- any edit of a valid project gets a positioned answer, never a traceback ---------

_BASE = {rel: (VALID / rel).read_text(encoding="utf-8") for rel in ("plan/2021.yml", "measurements/2021-06-30.yml")}
_SNIPPETS = ["", " ", "\t", ":", ": ", "- ", '"', "'", "[", "]", "{", "}", ",", "#", "0", "-1", "1.10", "null",
             "si", "true", "2021-13-01", "giugno", "%", "50%", "&a", "*a", "!!str ", "<<: ", "\n", "é"]


@st.composite
def edited_project(draw):
    rel = draw(st.sampled_from(sorted(_BASE)))
    lines = _BASE[rel].split("\n")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[draw(st.integers(0, len(lines) - 1))])
        else:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(_SNIPPETS)) + lines[i][at:]
    return {**_BASE, rel: "\n".join(lines)}


@settings(max_examples=examples(150), deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(files=edited_project())
def test_any_edit_gets_positioned_italian_diagnostics_not_a_crash(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        esito = validate.check_project(root)
        out = io.StringIO()
        print_report(esito.diagnostics, root, "text", out)
    assert (esito.progetto is None) == bool(esito.errors)
    for d in esito.diagnostics:
        assert d.pos.file in files and 1 <= d.pos.line <= files[d.pos.file].count("\n") + 1
        assert d.message and d.hint
        assert "lettore YAML" not in d.message, d.message


def test_validate_also_reports_errors_in_the_optional_premi_data(tmp_path, run_cli):
    for folder in ("plan", "measurements"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    (tmp_path / "premi").mkdir()
    (tmp_path / "premi" / "2021.yml").write_text("anno: 2021\nstanziato: 1000\nimporto: 5\n", encoding="utf-8")
    run = run_cli("validate", "--root", str(tmp_path))
    assert run.returncode == 1
    assert "premi/2021.yml:3:1: errore: chiave sconosciuta «importo»" in run.stdout


def test_a_negative_premi_amount_is_reported_in_italian(tmp_path, run_cli):
    (tmp_path / "premi").mkdir()
    (tmp_path / "premi" / "2021.yml").write_text("anno: 2021\nstanziato: 1000\ndistribuito: -5\n", encoding="utf-8")
    run = run_cli("validate", "--root", str(tmp_path))
    assert "premi/2021.yml:3:14: errore: «distribuito» deve essere maggiore o uguale a 0, trovato «-5»" in run.stdout


# -- SMVP settings (issue 10: one status scale, defined in the plan) -------------------


def _con_smvp(tmp_path: Path, righe: str) -> Path:
    root = copy_case("_valid", tmp_path)
    piano = root / "plan" / "2021.yml"
    testo = piano.read_text(encoding="utf-8")
    piano.write_text(testo.replace("\nprospettive:", f"\nsmvp:\n{righe}prospettive:", 1), encoding="utf-8")
    return root


def test_smvp_settings_default_to_a_60_percent_floor_and_no_targets_for_perspectives_and_ente():
    smvp = validate.check_project(VALID).progetto.piani[2021].smvp
    assert (smvp.soglia_parziale, smvp.target_prospettive, smvp.target_ente) == (60, None, None)


def test_smvp_settings_are_read_from_the_plan(tmp_path: Path):
    root = _con_smvp(tmp_path, "  soglia_parziale: 50%\n  target_ente: 80%\n")
    esito = validate.check_project(root)
    assert esito.diagnostics == []
    smvp = esito.progetto.piani[2021].smvp
    assert (smvp.soglia_parziale, smvp.target_prospettive, smvp.target_ente) == (50, None, 80)


def test_smvp_floor_above_100_is_an_error_at_its_line(tmp_path: Path):
    root = _con_smvp(tmp_path, "  soglia_parziale: 160%\n")
    errori = validate.check_project(root).errors
    assert [d.message for d in errori] == ["«soglia_parziale» deve essere tra 0% e 100%, trovato 160%"]
    riga = (root / "plan" / "2021.yml").read_text(encoding="utf-8").splitlines()[errori[0].pos.line - 1]
    assert "soglia_parziale" in riga


def test_smvp_unknown_key_is_an_error(tmp_path: Path):
    root = _con_smvp(tmp_path, "  soglia_parzial: 50%\n")
    assert validate.check_project(root).errors


def test_a_control_character_written_as_an_escape_is_refused_at_its_text(tmp_path: Path):
    # the reader refuses the raw character; "\u008f" makes it only once parsed, and the PDF cannot print it
    root = copy_case("_valid", tmp_path)
    plan = root / "plan" / "2021.yml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("titolo: Progetti attivati", 'titolo: "Progetti \\u008fattivati"', 1), encoding="utf-8")
    checked = validate.check_project(root)
    assert checked.progetto is None
    assert [(str(d.pos), d.message) for d in checked.errors] == [
        ("plan/2021.yml:23:25", "«titolo»: il testo contiene un carattere di controllo invisibile (U+008F), scritto con una sequenza «\\…»")
    ]

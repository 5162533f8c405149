"""Item 6: what the generator prints is safe for the terminal and the CI log
that show it, and what it publishes is safe for the spreadsheet that opens it."""

from __future__ import annotations

from conftest import Scratch

MISURE = "measurements/2021-12-31.yml"


def _inject(scratch: Scratch) -> None:
    # a numeric action given a text with a newline, a workflow command and an escape sequence
    scratch.sostituisci(MISURE, '"1.1.1": 4 ', '"1.1.1": "4\\n::error file=x::finto\\e[31m" ')


def test_text_report_cannot_start_a_workflow_command_nor_emit_escapes(scratch: Scratch) -> None:
    _inject(scratch)
    esito = scratch.esegui("validate")
    assert esito.rc == 1
    assert not any(line.startswith("::") for line in esito.out.splitlines())
    assert "\x1b" not in esito.out
    assert "«4⟨U+000A⟩::error file=x::finto⟨U+001B⟩[31m»" in esito.out


def test_build_report_in_ci_log_is_neutralised_too(scratch: Scratch) -> None:
    _inject(scratch)
    esito = scratch.esegui("build")
    assert esito.rc == 1
    assert not any(line.startswith("::") for line in esito.testo.splitlines())
    assert "\x1b" not in esito.testo


def test_github_format_keeps_user_text_inside_one_annotation(scratch: Scratch) -> None:
    _inject(scratch)
    esito = scratch.esegui("validate", "--format", "github")
    lines = esito.out.splitlines()
    assert all(line.startswith(("::error ", "::warning ")) for line in lines)
    assert "\x1b" not in esito.out


def test_bidirectional_control_in_a_title_is_a_warning(scratch: Scratch) -> None:
    scratch.sostituisci("plan/2021.yml", "titolo: Progetti attivati", "titolo: \"Progetti \u202eattivati\"")
    esito = scratch.esegui("validate")
    assert esito.rc == 0
    assert "avviso: carattere invisibile di direzione del testo U+202E" in esito.out
    assert "\u202e" not in esito.out


def test_csv_cells_never_start_a_formula_but_json_keeps_the_text(scratch: Scratch) -> None:
    scratch.sostituisci("plan/2021.yml", "titolo: Progetti attivati", 'titolo: "=HYPERLINK(\\"http://x\\";\\"clic\\")"')
    esito = scratch.esegui("export", "--out", str(scratch.root / "od"))
    assert esito.rc == 0, esito.testo
    csv = (scratch.root / "od/opendata/2021/azioni.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in csv
    assert ',=HYPERLINK' not in csv and ',"=HYPERLINK' not in csv
    json = (scratch.root / "od/opendata/2021/performance.json").read_text(encoding="utf-8")
    assert '"=HYPERLINK(\\"http://x\\";\\"clic\\")"' in json

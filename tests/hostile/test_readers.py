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
    result = scratch.run("validate")
    assert result.rc == 1
    assert not any(line.startswith("::") for line in result.out.splitlines())
    assert "\x1b" not in result.out
    assert "«4⟨U+000A⟩::error file=x::finto⟨U+001B⟩[31m»" in result.out


def test_build_report_in_ci_log_is_neutralised_too(scratch: Scratch) -> None:
    _inject(scratch)
    result = scratch.run("build")
    assert result.rc == 1
    assert not any(line.startswith("::") for line in result.text.splitlines())
    assert "\x1b" not in result.text


def test_github_format_keeps_user_text_inside_one_annotation(scratch: Scratch) -> None:
    _inject(scratch)
    result = scratch.run("validate", "--format", "github")
    lines = result.out.splitlines()
    assert all(line.startswith(("::error ", "::warning ")) for line in lines)
    assert "\x1b" not in result.out


def test_bidirectional_control_in_a_title_is_a_warning(scratch: Scratch) -> None:
    scratch.sostituisci("plan/2021.yml", "titolo: Progetti attivati", "titolo: \"Progetti \u202eattivati\"")
    result = scratch.run("validate")
    assert result.rc == 0
    assert "avviso: carattere invisibile di direzione del testo U+202E" in result.out
    assert "\u202e" not in result.out


def test_csv_cells_never_start_a_formula_but_json_keeps_the_text(scratch: Scratch) -> None:
    scratch.sostituisci("plan/2021.yml", "titolo: Progetti attivati", 'titolo: "=HYPERLINK(\\"http://x\\";\\"clic\\")"')
    result = scratch.run("export", "--out", str(scratch.root / "od"))
    assert result.rc == 0, result.text
    csv = (scratch.root / "od/opendata/2021/azioni.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in csv
    assert ',=HYPERLINK' not in csv and ',"=HYPERLINK' not in csv
    json = (scratch.root / "od/opendata/2021/performance.json").read_text(encoding="utf-8")
    assert '"=HYPERLINK(\\"http://x\\";\\"clic\\")"' in json

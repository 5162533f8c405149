"""Item 1, one gate: what would hang or crash a later command is refused by
``validate`` with a positioned Italian message (exit 1), and ``build`` stops
on the same message, within seconds, touching nothing outside the root."""

from __future__ import annotations

import pytest
from conftest import Scratch

MISURE = "measurements/2021-12-31.yml"
PIANO = "plan/2021.yml"
VALORE = '"1.1.1": 4 '


def _refused(scratch: Scratch, message: str, command: str = "validate") -> str:
    result = scratch.run(command)
    assert result.rc == 1, result.text
    assert message in result.text
    assert "Traceback" not in result.text
    assert result.outside == []
    return result.text


@pytest.mark.parametrize("command", ["validate", "build"])
def test_huge_exponent_is_refused_before_any_exact_arithmetic(scratch: Scratch, command: str) -> None:
    scratch.sostituisci(MISURE, VALORE, '"1.1.1": 1e999999999 ')
    text = _refused(scratch, f"{MISURE}:22:12: errore: numero troppo grande: al massimo 15 cifre prima della virgola, trovato «1e999999999»", command)
    assert "build interrotta" in text or command == "validate"


def test_value_of_1e26_is_refused(scratch: Scratch) -> None:
    scratch.sostituisci(MISURE, VALORE, '"1.1.1": 1e26 ')
    _refused(scratch, "numero troppo grande")


def test_too_many_decimals_are_refused(scratch: Scratch) -> None:
    scratch.sostituisci(MISURE, VALORE, '"1.1.1": 4.1234567 ')
    _refused(scratch, "troppe cifre decimali: al massimo 6, trovato «4.1234567»")


def test_integer_beyond_pythons_digit_limit_is_refused_and_quoted_short(scratch: Scratch) -> None:
    scratch.sostituisci(MISURE, VALORE, f'"1.1.1": {"9" * 5000} ')
    text = _refused(scratch, "numero troppo grande")
    assert "(5000 caratteri)" in text
    assert max(len(line) for line in text.splitlines()) < 400


def test_percentage_text_beyond_the_limits_is_refused(scratch: Scratch) -> None:
    scratch.sostituisci(MISURE, 'valore: "12%"', 'valore: "99999999999999999999%"')
    _refused(scratch, "numero troppo grande")


def test_code_with_trailing_newline_is_refused(scratch: Scratch) -> None:
    scratch.sostituisci(PIANO, 'codice: "1.1.1"', 'codice: "1.1.1\\n"')
    _refused(scratch, f"{PIANO}:64:25: errore: codice non valido «1.1.1⟨U+000A⟩»")


def test_unit_id_naming_a_generated_page_is_refused(scratch: Scratch) -> None:
    scratch.sostituisci(PIANO, "  sg: Segretario", "  index: Segretario")
    _refused(scratch, f"{PIANO}:36:3: errore: l'identificativo «index» è riservato: il sito usa già la pagina strutture/index")


def test_form_feed_in_a_comment_is_a_positioned_error(scratch: Scratch) -> None:
    scratch.sostituisci(MISURE, "# sopra il target (3)", "# sopra \f il target (3)")
    text = _refused(scratch, f"{MISURE}:22:29: errore: carattere di controllo invisibile U+000C (salto pagina)")
    assert "\f" not in text


@pytest.mark.parametrize("levels", [1000, 50_000])
def test_deep_nesting_is_refused_without_recursion(scratch: Scratch, levels: int) -> None:
    scratch.sostituisci(MISURE, VALORE, '"1.1.1": ' + "[" * levels + "]" * levels + " ")
    _refused(scratch, f"{MISURE}:22:42: errore: struttura annidata troppo in profondità (più di 32 livelli)")


def test_ratio_with_astronomic_parts_is_refused(scratch: Scratch) -> None:
    scratch.sostituisci(
        MISURE,
        '"1.1.2": {valore: 412, nota: "fonte: registro presenze agli eventi"}',
        '"1.1.2": {numeratore: "1e400000", denominatore: "1e-400000"}',
    )
    text = _refused(scratch, f"{MISURE}:23:25: errore: numero troppo grande: al massimo 15 cifre prima della virgola, trovato «1E+400000»")
    assert "troppe cifre decimali" in text


def test_ratio_too_large_once_divided_is_refused(scratch: Scratch) -> None:
    scratch.sostituisci(MISURE, '"1.1.2": {valore: 412, nota: "fonte: registro presenze agli eventi"}', '"1.1.2": {numeratore: 999999999999999, denominatore: 0.000001}')
    _refused(scratch, "il rapporto numeratore/denominatore dell'azione «1.1.2» è troppo grande")


def test_completion_date_after_the_measurement_is_refused(scratch: Scratch) -> None:
    scratch.sostituisci(MISURE, 'valore: 2021-06-22', 'valore: 9999-12-31')
    _refused(scratch, f"{MISURE}:59:13: errore: l'azione «1.5.1» risulta completata il 9999-12-31, dopo la data della rilevazione (2021-12-31)")

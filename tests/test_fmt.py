"""Italian formatting of the site (generator.render.fmt, Babel it_IT)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from generator.render import fmt

NBSP = "\u00a0"


def test_grado_has_one_decimal_and_italian_comma():
    assert fmt.grado(Decimal("87.5")) == "87,5%"


def test_grado_keeps_the_decimal_for_whole_numbers():
    assert fmt.grado(Decimal(100)) == "100,0%"
    assert fmt.grado(0) == "0,0%"


def test_grado_rounds_half_up():
    assert fmt.grado(Decimal("87.25")) == "87,3%"
    assert fmt.grado(Decimal("87.35")) == "87,4%"
    assert fmt.grado(Decimal("87.2499")) == "87,2%"


def test_grado_of_a_repeating_decimal():
    assert fmt.grado(Decimal(200) / Decimal(3)) == "66,7%"


def test_grado_of_none_is_a_dash():
    assert fmt.grado(None) == "—"


def test_grado_never_shows_negative_zero():
    assert fmt.grado(Decimal("-0.01")) == "0,0%"


def test_percentuale_is_shown_as_written():
    assert fmt.percentuale(Decimal("50")) == "50%"
    assert fmt.percentuale(Decimal("12.50")) == "12,5%"
    assert fmt.percentuale(Decimal("45.31")) == "45,31%"


def test_numero_groups_thousands_with_a_dot():
    assert fmt.numero(1234) == "1.234"
    assert fmt.numero(Decimal("1234567")) == "1.234.567"


def test_numero_keeps_written_decimals_without_padding():
    assert fmt.numero(Decimal("4.5")) == "4,5"
    assert fmt.numero(Decimal("4.50")) == "4,5"
    assert fmt.numero(Decimal("3")) == "3"


def test_numero_caps_decimals_of_computed_ratios():
    assert fmt.numero(Decimal(100) / Decimal(3)) == "33,33"


def test_numero_with_fixed_decimals():
    assert fmt.numero(Decimal("2.5"), 2) == "2,50"


def test_numero_refuses_booleans():
    with pytest.raises(TypeError):
        fmt.numero(True)  # type: ignore[arg-type]


def test_euro_without_cents_when_whole():
    assert fmt.euro(95) == f"95{NBSP}€"
    assert fmt.euro(Decimal("150000")) == f"150.000{NBSP}€"


def test_euro_with_cents_when_needed():
    assert fmt.euro(Decimal("1234.5")) == f"1.234,50{NBSP}€"


def test_data_in_words():
    assert fmt.data(dt.date(2021, 6, 30)) == "30 giugno 2021"
    assert fmt.data(dt.date(2021, 3, 1)) == "1 marzo 2021"


def test_mese():
    assert fmt.mese(dt.date(2021, 12, 31)) == "dicembre 2021"


@pytest.mark.parametrize(
    ("v", "tipo", "unita", "atteso"),
    [
        (Decimal("412"), "numero", "gg", f"412{NBSP}gg"),
        (Decimal("95000"), "numero", "€", f"95.000{NBSP}€"),
        (Decimal("28"), "percentuale", None, "28%"),
        (Decimal("80"), "qualitativo", None, "80%"),
        (dt.date(2021, 5, 31), "data", None, "31 maggio 2021"),
        (True, "si_no", None, "sì"),
        (False, "si_no", None, "no"),
        (None, "numero", None, "—"),
    ],
)
def test_valore_by_kpi_type(v, tipo, unita, atteso):
    assert fmt.valore(v, tipo, unita) == atteso

"""Everything a person reads (generator.presentation): Italian numbers and
dates (Babel it_IT), escaping, status words/shapes/colours; one formatter for
the site and the pull-request summary."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from generator import diff, presentation as fmt
from generator.model import Azione, Misura
from generator.render import pages

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


def test_percentuale_esatta_keeps_every_digit_for_messages():
    assert fmt.percentuale_esatta(Decimal("33.3333")) == "33,3333%"
    assert fmt.percentuale_esatta(Decimal("100")) == "100%"


def test_misura_shows_a_ratio_with_its_terms():
    assert fmt.misura(Decimal(100) / 3, "percentuale", numeratore=Decimal(1), denominatore=Decimal(3)) == "33,33% (1 su 3)"


def test_misura_of_a_deadline_not_met_yet():
    assert fmt.misura(None, "data") == "non ancora realizzata"


# --------------------------------------------------------------------------
# One formatter: the site and the pull-request summary print the same strings
# --------------------------------------------------------------------------



@functools.cache
def _filtro_sito(nome: str):
    """The Jinja2 filter the site's templates print numbers with (one renderer, built once)."""
    return pages.environment().filters[nome]


@pytest.mark.parametrize(("v", "atteso"), [(Decimal("87.25"), "87,3%"), (Decimal(100) / 3, "33,3%"), (Decimal(100), "100,0%")])
def test_diff_and_site_print_the_same_grado(v, atteso):
    assert diff.fmt_grado(v) == _filtro_sito("grado")(v) == atteso


@settings(deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=4))
def test_diff_and_site_agree_on_every_grado(v):
    assert diff.fmt_grado(v) == _filtro_sito("grado")(v)


def _azione(tipo: str, unita: str | None = None) -> Azione:
    return Azione("1.1.1", "Azione", Decimal(100), "indicatore", tipo, "crescente", Decimal(50), None, None, unita, False, ())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("tipo", "unita", "misura", "atteso"),
    [
        ("percentuale", None, Misura("1.1.1", Decimal(100) / 3, numeratore=Decimal(1), denominatore=Decimal(3)), "33,33% (1 su 3)"),
        ("numero", "gg", Misura("1.1.1", Decimal("412")), f"412{NBSP}gg"),
        ("numero", "€", Misura("1.1.1", Decimal("1234.5")), f"1.234,50{NBSP}€"),
        ("qualitativo", None, Misura("1.1.1", Decimal(80), nota="in parte"), "esito 80%"),
        ("data", None, Misura("1.1.1", None), "non ancora realizzata"),
    ],
)
def test_diff_and_site_print_the_same_measured_value(tipo, unita, misura, atteso):
    a = _azione(tipo, unita)
    risultato = pages.S.RisultatoAzione(azione=a, misura=misura, grado=None)
    # Both outputs are Markdown: the same text, escaped the same way.
    assert pages.misurato(risultato) == atteso
    assert diff.fmt_misura(misura, a) == fmt.md(atteso)


def test_gfm_escaping_adds_github_math_and_strikethrough_to_the_site_rules():
    assert fmt.md_gfm("$x$ ~~y~~ <b>") == r"\$x\$ \~\~y\~\~ &lt;b&gt;"
    assert fmt.md("$x$ ~y") == "$x$ ~y"


# --------------------------------------------------------------------------
# Statuses: word + shape + colour, readable and colour-blind safe
# --------------------------------------------------------------------------

OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#FFFFFF"}


def test_every_status_of_the_scorer_has_a_look():
    from generator.score import STATI as PAROLE

    assert set(PAROLE) <= set(fmt.STATI)


@pytest.mark.parametrize("stato", list(fmt.STATI))
def test_status_outline_contrasts_at_least_3_to_1_and_its_text_4_5_to_1(stato):
    a = fmt.STATI[stato]
    assert fmt.contrasto(a.bordo) >= 3
    assert fmt.contrasto(a.testo) >= 4.5


@pytest.mark.parametrize("stato", list(fmt.STATI))
def test_status_fill_is_an_okabe_ito_colour(stato):
    assert fmt.STATI[stato].colore.upper() in OKABE_ITO


def test_statuses_differ_in_shape_and_icon_not_only_in_colour():
    assert len({a.forma for a in fmt.STATI.values()}) == len(fmt.STATI)
    assert len({a.icona for a in fmt.STATI.values()}) == len(fmt.STATI)


def test_a_plan_field_has_one_name_in_the_pull_request_summary_and_in_the_relazione():
    assert fmt.nome_campo("soglia_80") == "soglia 80%"
    assert fmt.nome_campo("soglia_80", articolo=True) == "la soglia 80%"
    assert fmt.nome_campo("unita", articolo=True) == "l'unità di misura"
    assert fmt.nome_campo("indicatore") == "indicatore"

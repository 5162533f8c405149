"""Scoring: a worked example table of value -> grado, then the roll-ups.

The table is the contract (spec "Scoring") written out case by case; every
row names the behaviour it pins down.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import factories as f
import pytest
from hypothesis import given, strategies as st

from generator.model import Smvp
from generator.score import (
    STATI,
    RisultatoAzione,
    grado_azione,
    stato,
    stato_obiettivo,
    storico,
    ultima,
    valuta,
)

NUMERO = dict(tipo="numero", target=3, soglia_80=2, soglia_60=1)
DECRESCENTE = dict(tipo="numero", target=26, soglia_80=28, soglia_60=29, verso="decrescente", unita="gg")
PERCENTUALE = dict(tipo="percentuale", target=20, soglia_80=15, soglia_60=10)
DATA = dict(tipo="data", target="2021-05-31", soglia_80="2021-06-30", soglia_60="2021-07-31")
SENZA_60 = dict(tipo="numero", target=3, soglia_80=2)
SENZA_80 = dict(tipo="numero", target=100, soglia_60=50)
SOLO_TARGET = dict(tipo="numero", target=10)
TARGET_UGUALE_80 = dict(tipo="numero", target=3, soglia_80=3, soglia_60=1)

# (id, action, value, method, expected grado)
TABELLA = [
    # numero, crescente
    ("numero-fasce-oltre-target", NUMERO, 4, "fasce", 100),
    ("numero-fasce-sul-target", NUMERO, 3, "fasce", 100),
    ("numero-fasce-tra-80-e-target", NUMERO, "2.5", "fasce", 80),
    ("numero-fasce-sulla-soglia-80", NUMERO, 2, "fasce", 80),
    ("numero-fasce-tra-60-e-80", NUMERO, "1.5", "fasce", 60),
    ("numero-fasce-sulla-soglia-60", NUMERO, 1, "fasce", 60),
    ("numero-fasce-sotto-soglia-60", NUMERO, "0.99", "fasce", 0),
    ("numero-lineare-oltre-target", NUMERO, 4, "lineare", 100),
    ("numero-lineare-sul-target", NUMERO, 3, "lineare", 100),
    ("numero-lineare-tra-80-e-target", NUMERO, "2.5", "lineare", 90),
    ("numero-lineare-un-quarto-tra-80-e-target", NUMERO, "2.25", "lineare", 85),
    ("numero-lineare-sulla-soglia-80", NUMERO, 2, "lineare", 80),
    ("numero-lineare-tra-60-e-80", NUMERO, "1.5", "lineare", 70),
    ("numero-lineare-sulla-soglia-60", NUMERO, 1, "lineare", 60),
    ("numero-lineare-sotto-soglia-60", NUMERO, "0.5", "lineare", 0),
    # numero, decrescente (lower is better: every comparison mirrored)
    ("decrescente-fasce-meglio-del-target", DECRESCENTE, 20, "fasce", 100),
    ("decrescente-fasce-sul-target", DECRESCENTE, 26, "fasce", 100),
    ("decrescente-fasce-tra-target-e-80", DECRESCENTE, 27, "fasce", 80),
    ("decrescente-fasce-sulla-soglia-80", DECRESCENTE, 28, "fasce", 80),
    ("decrescente-fasce-tra-80-e-60", DECRESCENTE, "28.5", "fasce", 60),
    ("decrescente-fasce-sulla-soglia-60", DECRESCENTE, 29, "fasce", 60),
    ("decrescente-fasce-oltre-soglia-60", DECRESCENTE, 30, "fasce", 0),
    ("decrescente-lineare-tra-target-e-80", DECRESCENTE, 27, "lineare", 90),
    ("decrescente-lineare-tra-80-e-60", DECRESCENTE, "28.5", "lineare", 70),
    ("decrescente-lineare-sulla-soglia-60", DECRESCENTE, 29, "lineare", 60),
    ("decrescente-lineare-oltre-soglia-60", DECRESCENTE, "29.5", "lineare", 0),
    # percentuale (percentage points)
    ("percentuale-fasce-tra-80-e-target", PERCENTUALE, "17.5", "fasce", 80),
    ("percentuale-lineare-tra-80-e-target", PERCENTUALE, "17.5", "lineare", 90),
    ("percentuale-lineare-tra-60-e-80", PERCENTUALE, "12.5", "lineare", 70),
    ("percentuale-fasce-sul-target", PERCENTUALE, 20, "fasce", 100),
    # data: earlier is better; the deadline day itself meets the deadline
    ("data-fasce-prima-della-scadenza", DATA, "2021-05-10", "fasce", 100),
    ("data-fasce-il-giorno-della-scadenza", DATA, "2021-05-31", "fasce", 100),
    ("data-fasce-il-giorno-dopo-la-scadenza", DATA, "2021-06-01", "fasce", 80),
    ("data-fasce-sulla-soglia-80", DATA, "2021-06-30", "fasce", 80),
    ("data-fasce-tra-80-e-60", DATA, "2021-07-01", "fasce", 60),
    ("data-fasce-sulla-soglia-60", DATA, "2021-07-31", "fasce", 60),
    ("data-fasce-dopo-soglia-60", DATA, "2021-08-01", "fasce", 0),
    ("data-lineare-il-giorno-della-scadenza", DATA, "2021-05-31", "lineare", 100),
    ("data-lineare-a-meta-tra-target-e-80", DATA, "2021-06-15", "lineare", 90),
    ("data-lineare-sulla-soglia-80", DATA, "2021-06-30", "lineare", 80),
    ("data-lineare-dopo-soglia-60", DATA, "2021-08-01", "lineare", 0),
    # missing thresholds are skipped
    ("senza-soglia-60-fasce-sulla-soglia-80", SENZA_60, 2, "fasce", 80),
    ("senza-soglia-60-fasce-sotto-soglia-80", SENZA_60, "1.9", "fasce", 0),
    ("senza-soglia-60-lineare-sotto-soglia-80", SENZA_60, "1.9", "lineare", 0),
    ("senza-soglia-60-lineare-tra-80-e-target", SENZA_60, "2.5", "lineare", 90),
    ("senza-soglia-80-fasce-tra-60-e-target", SENZA_80, 75, "fasce", 60),
    ("senza-soglia-80-lineare-tra-60-e-target", SENZA_80, 75, "lineare", 80),
    ("solo-target-fasce-sotto", SOLO_TARGET, "9.99", "fasce", 0),
    ("solo-target-fasce-sul-target", SOLO_TARGET, 10, "fasce", 100),
    ("solo-target-lineare-sotto", SOLO_TARGET, 9, "lineare", 0),
    ("solo-target-lineare-sul-target", SOLO_TARGET, 10, "lineare", 100),
    # a target equal to soglia_80: reaching it is 100, below falls to the next band
    ("target-uguale-soglia-80-fasce-sul-target", TARGET_UGUALE_80, 3, "fasce", 100),
    ("target-uguale-soglia-80-fasce-sotto", TARGET_UGUALE_80, 2, "fasce", 60),
    ("target-uguale-soglia-80-lineare-sul-target", TARGET_UGUALE_80, 3, "lineare", 100),
    ("target-uguale-soglia-80-lineare-tra-60-e-80", TARGET_UGUALE_80, 2, "lineare", 70),
    # si_no and qualitativo do not depend on the method
    ("si_no-si", dict(tipo="si_no"), True, "fasce", 100),
    ("si_no-no", dict(tipo="si_no"), False, "fasce", 0),
    ("si_no-si-lineare", dict(tipo="si_no"), True, "lineare", 100),
    ("qualitativo-esito", dict(tipo="qualitativo"), 80, "fasce", 80),
    ("qualitativo-esito-decimale", dict(tipo="qualitativo"), "72.5", "lineare", "72.5"),
    ("qualitativo-esito-zero", dict(tipo="qualitativo"), 0, "fasce", 0),
    ("qualitativo-esito-oltre-100-limitato", dict(tipo="qualitativo"), 120, "fasce", 100),
    ("qualitativo-esito-negativo-limitato", dict(tipo="qualitativo"), -5, "fasce", 0),
]


@pytest.mark.parametrize(
    ("azione", "valore", "metodo", "atteso"),
    [pytest.param(a, v, m, e, id=i) for i, a, v, m, e in TABELLA],
)
def test_worked_example(azione, valore, metodo, atteso):
    a = f.azione(**azione)
    ril = f.rilevazione("2021-12-31", {a.codice: valore})
    grado = grado_azione(a, ril.valori[a.codice], metodo, ril)
    assert grado == Decimal(str(atteso))


def test_step_grado_is_an_exact_integral_decimal():
    a = f.azione(**NUMERO)
    ril = f.rilevazione("2021-12-31", {a.codice: 2})
    assert str(grado_azione(a, ril.valori[a.codice], "fasce", ril)) == "80"


def test_linear_repeating_decimal_is_rounded_only_at_the_34th_digit():
    # 16 July is 15 of the 31 days between soglia_60 (31 July) and soglia_80
    # (30 June): 60 + 20 * 15/31 = 2160/31.
    a = f.azione(**DATA)
    ril = f.rilevazione("2021-12-31", {a.codice: "2021-07-16"})
    grado = grado_azione(a, ril.valori[a.codice], "lineare", ril)
    assert abs(Fraction(grado) - Fraction(2160, 31)) < Fraction(1, 10**31)
    assert len(grado.as_tuple().digits) == 34


NON_FATTO = dict(tipo="data", target="2021-05-31", soglia_80="2021-06-30", soglia_60="2021-07-31")


def _grado_non_fatto(data: str, tipo: str):
    a = f.azione(**NON_FATTO)
    ril = f.rilevazione(data, {a.codice: None}, tipo=tipo)
    return grado_azione(a, ril.valori[a.codice], "fasce", ril)


def test_deadline_not_done_in_monitoraggio_before_the_deadline_is_not_scored():
    assert _grado_non_fatto("2021-05-30", "monitoraggio") is None


def test_deadline_not_done_in_monitoraggio_on_the_deadline_day_scores_zero():
    assert _grado_non_fatto("2021-05-31", "monitoraggio") == 0


def test_deadline_not_done_in_monitoraggio_after_the_deadline_scores_zero():
    assert _grado_non_fatto("2021-06-30", "monitoraggio") == 0


def test_deadline_not_done_in_consuntivo_scores_zero():
    assert _grado_non_fatto("2021-12-31", "consuntivo") == 0


def test_deadline_not_done_in_an_early_consuntivo_still_scores_zero():
    assert _grado_non_fatto("2021-03-31", "consuntivo") == 0


def test_action_without_a_value_is_not_scored():
    a = f.azione(**NUMERO)
    ril = f.rilevazione("2021-12-31", {})
    assert grado_azione(a, None, "fasce", ril) is None


def test_missing_value_for_a_non_deadline_kpi_is_rejected():
    a = f.azione(**NUMERO)
    ril = f.rilevazione("2021-12-31", {a.codice: None})
    with pytest.raises(ValueError, match=r"1\.1\.1"):
        grado_azione(a, ril.valori[a.codice], "fasce", ril)


# --------------------------------------------------------------------------
# Roll-ups
# --------------------------------------------------------------------------


def _due_azioni(peso_a, peso_b, metodo="fasce"):
    return f.piano_di_azioni(
        f.azione("1.1.1", target=10, soglia_80=8, soglia_60=6, peso=peso_a),
        f.azione("1.1.2", target=10, soglia_80=8, soglia_60=6, peso=peso_b),
        metodo=metodo,
    )


def test_operational_grado_is_the_weighted_mean_of_its_actions():
    piano = _due_azioni(70, 30)
    r = valuta(piano, f.rilevazione("2021-12-31", {"1.1.1": 10, "1.1.2": 0}))
    assert r.operativo("1.1").grado == 70


def test_operational_coverage_is_full_when_every_action_is_scored():
    piano = _due_azioni(70, 30)
    r = valuta(piano, f.rilevazione("2021-12-31", {"1.1.1": 10, "1.1.2": 0}))
    assert r.operativo("1.1").copertura == 100


def test_unscored_action_is_left_out_of_the_mean_not_counted_as_zero():
    piano = _due_azioni(60, 40)
    r = valuta(piano, f.rilevazione("2021-12-31", {"1.1.1": 8}))
    assert r.operativo("1.1").grado == 80


def test_unscored_action_lowers_the_coverage_by_its_weight():
    piano = _due_azioni(60, 40)
    r = valuta(piano, f.rilevazione("2021-12-31", {"1.1.1": 8}))
    assert r.operativo("1.1").copertura == 60


def test_objective_with_no_scored_action_has_no_grado_and_zero_coverage():
    piano = _due_azioni(60, 40)
    r = valuta(piano, f.rilevazione("2021-12-31", {}))
    o = r.operativo("1.1")
    assert (o.grado, o.copertura) == (None, 0)


def _piano_strategico(target=80):
    return f.piano(
        [
            f.prospettiva(
                "p1",
                [
                    f.strategico(
                        "1",
                        [
                            f.operativo("1.1", [f.azione("1.1.1", target=10, soglia_80=8, soglia_60=6)], peso=25),
                            f.operativo("1.2", [f.azione("1.2.1", target=10, soglia_80=8, soglia_60=6)], peso=75),
                        ],
                        target=target,
                    )
                ],
            )
        ]
    )


def test_strategic_grado_is_weighted_by_the_operational_objectives_peso():
    r = valuta(_piano_strategico(), f.rilevazione("2021-12-31", {"1.1.1": 10, "1.2.1": 6}))
    assert r.strategico("1").grado == Decimal("70")  # (25*100 + 75*60) / 100


def test_strategic_coverage_is_weighted_by_the_operational_objectives_peso():
    r = valuta(_piano_strategico(), f.rilevazione("2021-12-31", {"1.1.1": 10}))
    assert r.strategico("1").copertura == 25


def test_strategic_coverage_carries_partial_operational_coverage():
    piano = f.piano(
        [
            f.prospettiva(
                "p1",
                [
                    f.strategico(
                        "1",
                        [
                            f.operativo(
                                "1.1",
                                [f.azione("1.1.1", target=1, peso=50), f.azione("1.1.2", target=1, peso=50)],
                                peso=40,
                            ),
                            f.operativo("1.2", [f.azione("1.2.1", target=1)], peso=60),
                        ],
                    )
                ],
            )
        ]
    )
    r = valuta(piano, f.rilevazione("2021-12-31", {"1.1.1": 1}))
    # Σ peso·copertura over all operational objectives: 1.1 half measured (40 × 50), 1.2 not at all.
    assert r.strategico("1").copertura == 20


def test_strategic_copertura_follows_the_contract_example():
    """spec "Roll-up": 1.1 (peso 10%, copertura 50) and 1.2 (peso 90%, copertura 100) → 95, not 100."""
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
    r = valuta(piano, f.rilevazione("2021-12-31", {"1.1.1": 1, "1.2.1": 1}))
    assert (r.operativo("1.1").copertura, r.operativo("1.2").copertura, r.strategico("1").copertura) == (50, 100, 95)


def test_strategic_objective_on_its_target_is_raggiunto():
    r = valuta(_piano_strategico(target=80), f.rilevazione("2021-12-31", {"1.1.1": 8, "1.2.1": 8}))
    assert (r.strategico("1").grado, r.strategico("1").raggiunto) == (80, True)


def test_strategic_objective_below_its_target_is_not_raggiunto():
    r = valuta(_piano_strategico(target=80), f.rilevazione("2021-12-31", {"1.1.1": 10, "1.2.1": 6}))
    assert r.strategico("1").raggiunto is False


def test_strategic_target_is_the_plans_year():
    r = valuta(_piano_strategico(target=75), f.rilevazione("2021-12-31", {"1.1.1": 10}))
    assert r.strategico("1").target == Decimal("75")


def test_raggiunto_is_unknown_without_a_target_for_the_year():
    r = valuta(_piano_strategico(target=None), f.rilevazione("2021-12-31", {"1.1.1": 10}))
    assert r.strategico("1").raggiunto is None


def test_raggiunto_is_unknown_when_nothing_is_scored():
    r = valuta(_piano_strategico(), f.rilevazione("2021-12-31", {}))
    assert r.strategico("1").raggiunto is None


def _piano_tre_strategici():
    def s(codice, p):
        return f.strategico(codice, [f.operativo(f"{codice}.1", [f.azione(f"{codice}.1.1", target=10, soglia_80=8, soglia_60=6)])], prospettiva=p)

    return f.piano(
        [
            f.prospettiva("p1", [s("1", "p1")]),
            f.prospettiva("p2", [s("2", "p2"), s("3", "p2"), s("4", "p2")]),
        ]
    )


def test_perspective_grado_is_the_plain_mean_of_its_strategic_objectives():
    r = valuta(_piano_tre_strategici(), f.rilevazione("2021-12-31", {"2.1.1": 10, "3.1.1": 6, "4.1.1": 8}))
    assert r.prospettiva("p2").grado == 80


def test_perspective_mean_leaves_out_unscored_strategic_objectives():
    r = valuta(_piano_tre_strategici(), f.rilevazione("2021-12-31", {"2.1.1": 10, "3.1.1": 6}))
    assert r.prospettiva("p2").grado == 80


def test_perspective_coverage_is_the_plain_mean_of_strategic_coverage():
    r = valuta(_piano_tre_strategici(), f.rilevazione("2021-12-31", {"2.1.1": 10, "3.1.1": 6}))
    assert abs(Fraction(r.prospettiva("p2").copertura) - Fraction(200, 3)) < Fraction(1, 10**30)


def test_ente_grado_is_the_mean_of_all_strategic_objectives_not_of_perspectives():
    r = valuta(_piano_tre_strategici(), f.rilevazione("2021-12-31", {"1.1.1": 10, "2.1.1": 6, "3.1.1": 6, "4.1.1": 8}))
    assert r.grado == 75  # (100 + 60 + 60 + 80) / 4, not (100 + 200/3) / 2


def test_ente_has_no_grado_when_nothing_is_scored():
    r = valuta(_piano_tre_strategici(), f.rilevazione("2021-12-31", {}))
    assert (r.grado, r.copertura) == (None, 0)


def test_roll_up_is_exact_when_weights_do_not_divide_evenly():
    piano = f.piano_di_azioni(
        f.azione("1.1.1", target=10, soglia_80=8, soglia_60=6, peso=30),
        f.azione("1.1.2", target=10, soglia_80=8, soglia_60=6, peso=50),
        f.azione("1.1.3", target=10, soglia_80=8, soglia_60=6, peso=20),
    )
    r = valuta(piano, f.rilevazione("2021-12-31", {"1.1.1": 10, "1.1.2": 6}))
    assert Fraction(r.operativo("1.1").grado) - Fraction(3000 + 3000, 80) == 0  # 75 exactly


# --------------------------------------------------------------------------
# Lookups, history, stato
# --------------------------------------------------------------------------


def test_lookup_by_code_finds_the_action():
    piano = f.piano_esempio()
    r = valuta(piano, f.rilevazione("2021-12-31", {"2.1.1": 27}))
    assert r.azione("2.1.1").grado == 80


def test_lookup_of_an_unknown_code_raises_key_error():
    r = valuta(f.piano_esempio(), f.rilevazione("2021-12-31", {}))
    with pytest.raises(KeyError):
        r.azione("9.9.9")


def test_iteration_follows_plan_order():
    r = valuta(f.piano_esempio(), f.rilevazione("2021-12-31", {}))
    assert [a.codice for a in r.azioni()] == [a.codice for a in f.piano_esempio().azioni()]


def test_storico_lists_every_rilevazione_of_the_plan_oldest_first():
    piano = f.piano_esempio()
    prog = f.progetto(
        [piano],
        [
            f.rilevazione("2021-12-31", {"1.1.1": 3}),
            f.rilevazione("2021-06-30", {"1.1.1": 1}),
            f.rilevazione("2022-06-30", {}, anno=2022),
        ],
    )
    assert [r.rilevazione.data.isoformat() for r in storico(prog, 2021)] == ["2021-06-30", "2021-12-31"]


def test_ultima_is_none_before_the_first_rilevazione():
    assert ultima(f.progetto([f.piano_esempio()], []), 2021) is None


def _esito_azione(grado):
    return RisultatoAzione(azione=f.azione(), misura=None, grado=None if grado is None else Decimal(grado))


@pytest.mark.parametrize(
    ("grado", "atteso"),
    [(100, "raggiunto"), (80, "parzialmente raggiunto"), ("0.5", "parzialmente raggiunto"), (0, "non raggiunto"),
     (None, "non misurato")],
)
def test_stato_of_an_action_follows_its_grado(grado, atteso):
    assert stato(_esito_azione(grado)) == atteso


def test_stato_of_a_strategic_objective_on_target_is_raggiunto_below_100():
    r = valuta(_piano_strategico(target=80), f.rilevazione("2021-12-31", {"1.1.1": 8, "1.2.1": 8}))
    assert r.strategico("1").stato == "raggiunto"


def test_stato_of_a_strategic_objective_below_target_is_parzialmente_raggiunto():
    r = valuta(_piano_strategico(target=80), f.rilevazione("2021-12-31", {"1.1.1": 10, "1.2.1": 6}))
    assert r.strategico("1").stato == "parzialmente raggiunto"


def test_the_ente_has_no_status_without_a_target_only_its_grado():
    r = valuta(_piano_tre_strategici(), f.rilevazione("2021-12-31", {"1.1.1": 8, "2.1.1": 10}))
    assert (r.grado, r.stato) == (90, None)
    assert [p.stato for p in r.prospettive] == [None, None]


def test_the_ente_with_a_target_follows_the_objective_rule():
    piano = replace(_piano_tre_strategici(), smvp=Smvp(target_ente=Decimal(90), target_prospettive=Decimal(85)))
    r = valuta(piano, f.rilevazione("2021-12-31", {"1.1.1": 8, "2.1.1": 10}))
    assert (r.grado, r.target, r.stato) == (90, 90, "raggiunto")
    assert [(p.grado, p.stato) for p in r.prospettive] == [(80, "parzialmente raggiunto"), (100, "raggiunto")]


def test_an_objective_below_the_floor_is_non_raggiunto():
    r = valuta(_piano_strategico(target=80), f.rilevazione("2021-12-31", {"1.1.1": 0, "1.2.1": 6}))
    assert (r.strategico("1").grado, r.strategico("1").stato) == (45, "non raggiunto")  # 25*0 + 75*60


def test_the_floor_comes_from_the_plan():
    piano = replace(_piano_strategico(target=80), smvp=Smvp(soglia_parziale=Decimal(40)))
    r = valuta(piano, f.rilevazione("2021-12-31", {"1.1.1": 0, "1.2.1": 6}))
    assert r.strategico("1").stato == "parzialmente raggiunto"


def test_an_operational_objective_is_judged_on_its_strategic_objectives_target():
    """Objective 7 "raggiunto" at 86,0% and its only 7.1 "parzialmente" at 86,0% no more."""
    r = valuta(_piano_strategico(target=80), f.rilevazione("2021-12-31", {"1.1.1": 8, "1.2.1": 8}))
    assert [(o.grado, o.target, o.stato) for o in r.strategico("1").operativi] == [(80, 80, "raggiunto"), (80, 80, "raggiunto")]


def test_an_open_deadline_in_a_monitoraggio_is_in_corso():
    a = f.azione("1.1.1", tipo="data", target="2021-11-30")
    r = valuta(f.piano_di_azioni(a), f.rilevazione("2021-06-30", {"1.1.1": None}))
    assert r.azione("1.1.1").stato == "in corso"


def test_stati_lists_every_state_once():
    assert sorted(STATI) == sorted(set(STATI)) and len(STATI) == 5


@given(
    grado=st.decimals(min_value=0, max_value=100, places=3),
    target=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=1)),
    soglia=st.decimals(min_value=0, max_value=100, places=0),
)
def test_status_words_are_a_function_of_grado_target_and_floor(grado, target, soglia):
    parola = stato_obiettivo(grado, target, soglia)
    if target is None:
        assert parola is None
    elif grado >= target:
        assert parola == "raggiunto"
    else:
        assert parola == ("parzialmente raggiunto" if grado >= soglia else "non raggiunto")

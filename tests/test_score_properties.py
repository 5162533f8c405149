"""Scoring properties that must hold for every input, checked with hypothesis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factories as f
from hypothesis import given, settings, strategies as st
from hypothesis_profiles import examples

from generator.score import grado_azione, valuta

METODI = st.sampled_from(["fasce", "lineare"])
NUMERI = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
GIORNI = st.integers(min_value=0, max_value=730)
BASE = dt.date(2021, 1, 1)


@st.composite
def soglie_numeriche(draw, distinte=False):
    """(verso, target, soglia_80, soglia_60) in a valid order, some maybe missing."""
    valori = sorted(draw(st.lists(NUMERI, min_size=3, max_size=3, unique=distinte)))
    verso = draw(st.sampled_from(["crescente", "decrescente"]))
    basso, medio, alto = valori
    target, s80, s60 = (alto, medio, basso) if verso == "crescente" else (basso, medio, alto)
    if not distinte:
        s80 = draw(st.sampled_from([s80, None]))
        s60 = draw(st.sampled_from([s60, None]))
    return verso, target, s80, s60


@st.composite
def soglie_date(draw, distinte=False):
    giorni = sorted(draw(st.lists(GIORNI, min_size=3, max_size=3, unique=distinte)))
    target, s80, s60 = (BASE + dt.timedelta(days=g) for g in giorni)  # earlier is better
    if not distinte:
        s80 = draw(st.sampled_from([s80, None]))
        s60 = draw(st.sampled_from([s60, None]))
    return "decrescente", target, s80, s60


def _grado(tipo, soglie, valore, metodo, data="2021-12-31", tipo_ril="consuntivo"):
    verso, target, s80, s60 = soglie
    a = f.azione(tipo=tipo, verso=verso, target=target, soglia_80=s80, soglia_60=s60)
    ril = f.rilevazione(data, {a.codice: valore}, tipo=tipo_ril)
    return grado_azione(a, ril.valori[a.codice], metodo, ril)


def _data(giorni):
    return BASE + dt.timedelta(days=giorni)


@given(soglie_numeriche(), NUMERI, METODI)
def test_numeric_grado_is_between_0_and_100(soglie, valore, metodo):
    assert 0 <= _grado("numero", soglie, valore, metodo) <= 100


@given(soglie_date(), GIORNI, METODI)
def test_deadline_grado_is_between_0_and_100(soglie, giorni, metodo):
    assert 0 <= _grado("data", soglie, _data(giorni), metodo) <= 100


@given(soglie_date(), GIORNI, st.sampled_from(["monitoraggio", "consuntivo"]), METODI)
def test_deadline_not_done_is_0_or_not_scored(soglie, giorni, tipo_ril, metodo):
    assert _grado("data", soglie, None, metodo, data=_data(giorni), tipo_ril=tipo_ril) in (0, None)


@given(st.decimals(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False), METODI)
def test_qualitative_grado_is_between_0_and_100(esito, metodo):
    assert 0 <= _grado("qualitativo", (None, None, None, None), esito, metodo) <= 100


@given(soglie_numeriche(), NUMERI, NUMERI, METODI)
def test_numeric_grado_is_monotone_in_the_kpis_direction(soglie, v1, v2, metodo):
    peggiore, migliore = sorted([v1, v2]) if soglie[0] == "crescente" else sorted([v1, v2], reverse=True)
    assert _grado("numero", soglie, peggiore, metodo) <= _grado("numero", soglie, migliore, metodo)


@given(soglie_date(), GIORNI, GIORNI, METODI)
def test_deadline_grado_never_improves_by_finishing_later(soglie, g1, g2, metodo):
    prima, dopo = sorted([g1, g2])
    assert _grado("data", soglie, _data(dopo), metodo) <= _grado("data", soglie, _data(prima), metodo)


@given(soglie_numeriche(distinte=True), METODI)
def test_numeric_thresholds_score_exactly_100_80_60(soglie, metodo):
    _, target, s80, s60 = soglie
    assert [_grado("numero", soglie, v, metodo) for v in (target, s80, s60)] == [100, 80, 60]


@given(soglie_date(distinte=True), METODI)
def test_deadline_thresholds_score_exactly_100_80_60(soglie, metodo):
    _, target, s80, s60 = soglie
    assert [_grado("data", soglie, v, metodo) for v in (target, s80, s60)] == [100, 80, 60]


# --------------------------------------------------------------------------
# Roll-ups
# --------------------------------------------------------------------------

PESI = st.integers(min_value=1, max_value=100)
#: None = the rilevazione gives the action no value.
VALORI = st.one_of(st.none(), st.integers(min_value=0, max_value=12))


@st.composite
def obiettivo_misurato(draw, min_azioni=1):
    """(actions, values): an operational objective's actions with their measures."""
    n = draw(st.integers(min_value=min_azioni, max_value=6))
    azioni = [
        f.azione(f"1.1.{i + 1}", target=10, soglia_80=draw(st.sampled_from([8, None])), soglia_60=6,
                 peso=draw(PESI))
        for i in range(n)
    ]
    valori = {a.codice: v for a in azioni if (v := draw(VALORI)) is not None}
    return azioni, valori


def _figli_entro(genitore, figli):
    gradi = [g for g in figli if g is not None]
    if not gradi:
        return genitore is None
    return min(gradi) <= genitore <= max(gradi)


@given(obiettivo_misurato(), METODI)
def test_operational_grado_lies_between_its_actions_min_and_max(dati, metodo):
    azioni, valori = dati
    r = valuta(f.piano_di_azioni(*azioni, metodo=metodo), f.rilevazione("2021-12-31", valori))
    o = r.operativo("1.1")
    assert _figli_entro(o.grado, [a.grado for a in o.azioni])


@given(obiettivo_misurato(), METODI)
def test_coverage_is_between_0_and_100(dati, metodo):
    azioni, valori = dati
    r = valuta(f.piano_di_azioni(*azioni, metodo=metodo), f.rilevazione("2021-12-31", valori))
    assert 0 <= r.operativo("1.1").copertura <= 100


@given(obiettivo_misurato(min_azioni=2), st.randoms(use_true_random=False), METODI)
def test_operational_grado_does_not_depend_on_the_actions_order(dati, rnd, metodo):
    azioni, valori = dati
    mescolate = list(azioni)
    rnd.shuffle(mescolate)
    ril = f.rilevazione("2021-12-31", valori)
    a = valuta(f.piano_di_azioni(*azioni, metodo=metodo), ril).operativo("1.1")
    b = valuta(f.piano_di_azioni(*mescolate, metodo=metodo), ril).operativo("1.1")
    assert (a.grado, a.copertura) == (b.grado, b.copertura)


@st.composite
def piano_misurato(draw):
    """A plan of 1–2 perspectives × 1–3 strategic × 1–3 operational × 1–3 actions, with values."""
    valori = {}
    prospettive = []
    n_s = 0
    for p in range(draw(st.integers(1, 2))):
        strategici = []
        for _ in range(draw(st.integers(1, 3))):
            n_s += 1
            operativi = []
            for o in range(draw(st.integers(1, 3))):
                azioni = []
                for a in range(draw(st.integers(1, 3))):
                    codice = f"{n_s}.{o + 1}.{a + 1}"
                    azioni.append(f.azione(codice, target=10, soglia_80=8, soglia_60=6, peso=draw(PESI)))
                    v = draw(VALORI)
                    if v is not None:
                        valori[codice] = v
                operativi.append(f.operativo(f"{n_s}.{o + 1}", azioni, peso=draw(PESI)))
            strategici.append(f.strategico(str(n_s), operativi, prospettiva=f"p{p}"))
        prospettive.append(f.prospettiva(f"p{p}", strategici))
    return f.piano(prospettive, metodo=draw(METODI)), valori


@settings(max_examples=examples(60))
@given(piano_misurato())
def test_every_parent_lies_between_its_childrens_min_and_max(dati):
    piano, valori = dati
    r = valuta(piano, f.rilevazione("2021-12-31", valori))
    for s in r.strategici():
        assert _figli_entro(s.grado, [o.grado for o in s.operativi])
    for p in r.prospettive:
        assert _figli_entro(p.grado, [s.grado for s in p.strategici])
    assert _figli_entro(r.grado, [s.grado for s in r.strategici()])


@settings(max_examples=examples(60))
@given(piano_misurato(), st.randoms(use_true_random=False))
def test_strategic_grado_does_not_depend_on_the_operational_objectives_order(dati, rnd):
    piano, valori = dati
    ril = f.rilevazione("2021-12-31", valori)
    prima = valuta(piano, ril)
    s0 = next(piano.obiettivi_strategici())
    operativi = list(s0.obiettivi_operativi)
    rnd.shuffle(operativi)
    mescolato = f.piano(
        [f.prospettiva("p0", [f.strategico(s0.codice, operativi, prospettiva="p0")])], metodo=piano.metodo
    )
    dopo = valuta(mescolato, ril).strategico(s0.codice)
    s = prima.strategico(s0.codice)
    assert (s.grado, s.copertura) == (dopo.grado, dopo.copertura)


@settings(max_examples=examples(60))
@given(piano_misurato())
def test_every_grado_is_between_0_and_100_or_none(dati):
    piano, valori = dati
    r = valuta(piano, f.rilevazione("2021-12-31", valori))
    gradi = [r.grado, *(p.grado for p in r.prospettive), *(s.grado for s in r.strategici()),
             *(o.grado for o in r.operativi()), *(a.grado for a in r.azioni())]
    assert all(g is None or Decimal(0) <= g <= 100 for g in gradi)

"""Scoring: from measured values to "grado di raggiungimento" (0–100 points).

Pure functions over the validated model (:mod:`generator.model`): no I/O, no
formatting, no rounding. They implement the public contract
(``spec/data-and-scoring.md``, section "Scoring") and nothing else, so the
site, the open data and the tests all agree on one number.

Exactness
    Every intermediate number is a :class:`fractions.Fraction` (exact rational
    arithmetic): weighted means divide by sums like 30 or means by 3, and a
    decimal type would have to round there, and a rounded child could later
    flip a parent's display rounding or a ``grado >= target`` comparison.
    The :class:`~decimal.Decimal` values exposed in the results are *exact*
    whenever the number has a finite decimal expansion (all step scores and
    every mean whose weights sum to 100); a repeating decimal (e.g. 200/3) is
    rounded half-even at the 34th significant digit, far beyond any display.
    Comparisons (``raggiunto``) always use the exact value.

Result types (consumed by the site renderer and by :mod:`generator.opendata`)
    :class:`RisultatoAzione`, :class:`RisultatoOperativo`, :class:`RisultatoStrategico`,
    :class:`RisultatoProspettiva` and :class:`Risultati` (the whole plan on one
    rilevazione), produced by :func:`valuta`; :func:`valuta_progetto` scores
    every plan on every rilevazione once (the build's one scored result,
    :class:`Anno`). Each result carries its status (:func:`stato_obiettivo`,
    :func:`stato_azione`): the one status scale of the site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from itertools import pairwise
from typing import Literal, TypeVar, overload

from .model import (
    Azione,
    Metodo,
    Misura,
    ObiettivoOperativo,
    ObiettivoStrategico,
    Piano,
    Progetto,
    Prospettiva,
    Rilevazione,
    Valore,
    Verso,
)

#: Significant digits kept when a repeating decimal must be cut (decimal128).
PRECISIONE = 34

CENTO = Fraction(100)

Stato = Literal["raggiunto", "parzialmente raggiunto", "non raggiunto", "in corso", "non misurato"]
#: Every :data:`Stato`, best first (legends and charts list them in this order).
STATI: tuple[Stato, ...] = ("raggiunto", "parzialmente raggiunto", "non raggiunto", "in corso", "non misurato")


# --------------------------------------------------------------------------
# Exact numbers
# --------------------------------------------------------------------------


@overload
def _decimale(x: Fraction) -> Decimal: ...
@overload
def _decimale(x: Fraction | None) -> Decimal | None: ...
def _decimale(x: Fraction | None) -> Decimal | None:
    """Exact Decimal for a terminating fraction, else rounded at PRECISIONE digits."""
    if x is None:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISIONE
        ctx.rounding = ROUND_HALF_EVEN
        return Decimal(x.numerator) / Decimal(x.denominator)


def _numero(v: Valore, codice: str) -> Fraction:
    """A number or a date as a point on one axis (dates by day ordinal)."""
    if isinstance(v, bool):
        raise ValueError(f"azione {codice}: valore sì/no dove serve un numero o una data")
    if isinstance(v, dt.date):
        return Fraction(v.toordinal())
    if isinstance(v, (Decimal, int)):
        return Fraction(v)
    raise ValueError(f"azione {codice}: valore di tipo inatteso {type(v).__name__}")


def _chiave(v: Valore, verso: Verso, codice: str) -> Fraction:
    """Map a value so that "higher is better" holds: decrescente mirrors the axis."""
    n = _numero(v, codice)
    return n if verso == "crescente" else -n


# --------------------------------------------------------------------------
# One action
# --------------------------------------------------------------------------


def _band_points(azione: Azione) -> list[tuple[Fraction, Fraction]]:
    """(threshold on the "higher is better" axis, grado there), target first.

    Missing thresholds are skipped, as the contract says.
    """
    punti = []
    for soglia, grado in ((azione.target, 100), (azione.soglia_80, 80), (azione.soglia_60, 60)):
        if soglia is not None:
            punti.append((_chiave(soglia, azione.verso, azione.codice), Fraction(grado)))
    return punti


def _fasce(x: Fraction, punti: Sequence[tuple[Fraction, Fraction]]) -> Fraction:
    """Step method: the grado of the best threshold reached, else 0."""
    for soglia, grado in punti:
        if x >= soglia:
            return grado
    return Fraction(0)


def _lineare(x: Fraction, punti: Sequence[tuple[Fraction, Fraction]]) -> Fraction:
    """Linear method: interpolate between consecutive given thresholds.

    At or beyond the target: 100. Between two given thresholds (a missing one
    is skipped, so with target and soglia_60 only the segment runs from 60 to
    100): linear. Below the lowest given threshold: 0. A zero-length segment
    (target equal to soglia_80) is never entered, so no division by zero.
    """
    if not punti:
        return Fraction(0)
    if x >= punti[0][0]:
        return punti[0][1]
    for (alto, g_alto), (basso, g_basso) in pairwise(punti):
        # Here x < alto (the previous comparison failed), so alto > basso below.
        if x >= basso:
            return g_basso + (g_alto - g_basso) * (x - basso) / (alto - basso)
    return Fraction(0)


def _grado_esatto(
    azione: Azione, misura: Misura | None, metodo: Metodo, rilevazione: Rilevazione
) -> Fraction | None:
    if misura is None:
        return None  # non misurato
    v = misura.valore
    if v is None:
        # Only a deadline not met yet has no value.
        if azione.tipo != "data":
            raise ValueError(f"azione {azione.codice}: valore mancante per un indicatore di tipo {azione.tipo}")
        if rilevazione.tipo == "consuntivo":
            return Fraction(0)
        target = azione.target
        if isinstance(target, dt.date) and rilevazione.data < target:
            return None  # still in time: an interim measurement cannot judge it
        return Fraction(0)
    if azione.tipo == "si_no":
        if not isinstance(v, bool):
            raise ValueError(f"azione {azione.codice}: serve sì/no")
        atteso = azione.target if isinstance(azione.target, bool) else True
        return CENTO if v == atteso else Fraction(0)
    if azione.tipo == "qualitativo":
        esito = _numero(v, azione.codice)
        return min(max(esito, Fraction(0)), CENTO)
    if azione.tipo == "data" and not isinstance(v, dt.date):
        raise ValueError(f"azione {azione.codice}: serve una data di completamento")
    x = _chiave(v, azione.verso, azione.codice)
    punti = _band_points(azione)
    return _lineare(x, punti) if metodo == "lineare" else _fasce(x, punti)


def grado_azione(
    azione: Azione, misura: Misura | None, metodo: Metodo, rilevazione: Rilevazione
) -> Decimal | None:
    """Grado (0–100) of one action on one rilevazione, or None if not scored.

    - ``numero`` / ``percentuale`` / ``data``: compared with target, soglia_80
      and soglia_60 by ``metodo`` (``fasce``: 100/80/60/0 steps; ``lineare``:
      interpolated), in the action's ``verso`` (decrescente mirrors every
      comparison; dates compare by day, earlier is better). A value exactly on
      a threshold earns that threshold's grado.
    - ``si_no``: 100 if the answer is the target's (sì), else 0.
    - ``qualitativo``: the evaluator's ``esito``, clamped to 0–100.
    - deadline not met (``valore`` None): 0 in a consuntivo; in a monitoraggio
      None (not scored) while the rilevazione is before the target date, 0 on
      or after it.
    - no :class:`Misura` at all: None ("non misurato").
    """
    return _decimale(_grado_esatto(azione, misura, metodo, rilevazione))


# --------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RisultatoAzione:
    """One action on one rilevazione.

    ``misura`` is None when the rilevazione gives the action no value; it is
    present with ``valore`` None for a deadline not met yet (then ``grado`` is
    None in a monitoraggio before the deadline: "non misurato", not failed).
    """

    azione: Azione
    misura: Misura | None
    grado: Decimal | None

    @property
    def codice(self) -> str:
        return self.azione.codice

    @property
    def stato(self) -> Stato:
        """The action's band in words (see :func:`stato_azione`)."""
        return stato_azione(self.grado, self.misura)


@dataclass(frozen=True, slots=True)
class RisultatoOperativo:
    """An operational objective: ``grado`` = Σ peso·grado / Σ peso over its
    scored actions; ``copertura`` = Σ peso scored / Σ peso all × 100.

    ``target`` is its strategic objective's target for the year (the plan
    gives operational objectives none of their own), so an operational
    objective and its strategic objective at the same grado read the same.
    """

    obiettivo: ObiettivoOperativo
    grado: Decimal | None
    copertura: Decimal
    azioni: tuple[RisultatoAzione, ...]
    target: Decimal | None = None
    stato: Stato | None = None

    @property
    def codice(self) -> str:
        return self.obiettivo.codice


@dataclass(frozen=True, slots=True)
class RisultatoStrategico:
    """A strategic objective: weighted mean of its operational objectives.

    ``target`` is the objective's target for the plan's year (None if the
    plan gives none); ``raggiunto`` is ``grado >= target`` (compared exactly),
    None when either is missing. ``copertura`` is the share of its weight
    measured all the way down: Σ peso·copertura / Σ peso over all its
    operational objectives.
    """

    obiettivo: ObiettivoStrategico
    grado: Decimal | None
    copertura: Decimal
    target: Decimal | None
    raggiunto: bool | None
    operativi: tuple[RisultatoOperativo, ...]
    stato: Stato | None = None

    @property
    def codice(self) -> str:
        return self.obiettivo.codice


@dataclass(frozen=True, slots=True)
class RisultatoProspettiva:
    """A perspective: plain mean of its strategic objectives' grado (those
    with one); ``copertura`` = plain mean of their coverage. ``target`` and
    ``stato`` only when the plan sets ``smvp.target_prospettive``."""

    prospettiva: Prospettiva
    grado: Decimal | None
    copertura: Decimal
    strategici: tuple[RisultatoStrategico, ...]
    target: Decimal | None = None
    stato: Stato | None = None

    @property
    def id(self) -> str:
        return self.prospettiva.id


_E = TypeVar("_E", "RisultatoAzione", "RisultatoOperativo", "RisultatoStrategico", "RisultatoProspettiva")


@dataclass(frozen=True, slots=True)
class Risultati:
    """The whole plan scored on one rilevazione.

    ``grado`` is the ente's: plain mean of every strategic objective's grado
    (those with one); ``copertura`` the plain mean of their coverage.
    Lookups raise KeyError for an unknown code; iterations follow plan order.
    """

    piano: Piano
    rilevazione: Rilevazione
    grado: Decimal | None
    copertura: Decimal
    prospettive: tuple[RisultatoProspettiva, ...]
    #: The ente's target (``smvp.target_ente``) and status; None without one.
    target: Decimal | None = None
    stato: Stato | None = None
    #: code -> result, built once: pages look up every action on every
    #: measurement, and a scan per lookup made rendering quadratic.
    _indice: dict[str, Risultato] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        indice: dict[str, Risultato] = {}
        for p in self.prospettive:
            indice["p:" + p.id] = p
        figli: Iterator[RisultatoStrategico | RisultatoOperativo | RisultatoAzione]
        for figli in (self.strategici(), self.operativi(), self.azioni()):
            for e in figli:
                indice[e.codice] = e
        object.__setattr__(self, "_indice", indice)

    def strategici(self) -> Iterator[RisultatoStrategico]:
        for p in self.prospettive:
            yield from p.strategici

    def operativi(self) -> Iterator[RisultatoOperativo]:
        for s in self.strategici():
            yield from s.operativi

    def azioni(self) -> Iterator[RisultatoAzione]:
        for o in self.operativi():
            yield from o.azioni

    def prospettiva(self, id: str) -> RisultatoProspettiva:
        return self._cerca("p:" + id, RisultatoProspettiva, "prospettiva")

    def strategico(self, codice: str) -> RisultatoStrategico:
        return self._cerca(codice, RisultatoStrategico, "obiettivo strategico")

    def operativo(self, codice: str) -> RisultatoOperativo:
        return self._cerca(codice, RisultatoOperativo, "obiettivo operativo")

    def azione(self, codice: str) -> RisultatoAzione:
        return self._cerca(codice, RisultatoAzione, "azione")

    def _cerca(self, chiave: str, tipo: type[_E], cosa: str) -> _E:
        found = self._indice.get(chiave)
        if not isinstance(found, tipo):
            raise KeyError(f"{cosa} {chiave.removeprefix('p:')!r} non trovata nei risultati")
        return found


Risultato = RisultatoAzione | RisultatoOperativo | RisultatoStrategico | RisultatoProspettiva | Risultati


def stato_obiettivo(grado: Fraction | Decimal | None, target: Fraction | Decimal | None, soglia_parziale: Fraction | Decimal) -> Stato | None:
    """The status of an objective (operational, strategic), a perspective or the ente.

    One rule for every level that has a target (the SMVP page states it):

    - "non misurato": no grado (nothing below it has a score yet);
    - None: no target, so no status: the grado is shown alone;
    - "raggiunto": grado ≥ target (exact values, never rounded ones);
    - "parzialmente raggiunto": below target, grado ≥ ``soglia_parziale``
      (the plan's ``smvp.soglia_parziale``, default 60);
    - "non raggiunto": below the floor.

    A function of (grado, target, floor) alone: the same grado and target at
    the same level can never get two different words.
    """
    if grado is None:
        return "non misurato"
    if target is None:
        return None
    if Fraction(grado) >= Fraction(target):
        return "raggiunto"
    return "parzialmente raggiunto" if Fraction(grado) >= Fraction(soglia_parziale) else "non raggiunto"


def stato_azione(grado: Decimal | None, misura: Misura | None) -> Stato:
    """The status of an action, from its band (the threshold it reached).

    - "raggiunto": target reached (grado 100);
    - "parzialmente raggiunto": a threshold reached, not the target (grado
      above 0: 80 or 60 by steps, in between with the linear method, or a
      partial qualitative esito);
    - "non raggiunto": no threshold reached (grado 0);
    - "in corso": a deadline still open in a monitoraggio (not scored);
    - "non misurato": no value in this rilevazione.
    """
    if grado is None:
        return "in corso" if misura is not None and misura.valore is None else "non misurato"
    if grado >= 100:
        return "raggiunto"
    return "parzialmente raggiunto" if grado > 0 else "non raggiunto"


def stato(risultato: Risultato) -> Stato | None:
    """The status of any result, as stored on it (see :func:`stato_obiettivo`
    and :func:`stato_azione` for the rules)."""
    return risultato.stato


# --------------------------------------------------------------------------
# Roll-up
# --------------------------------------------------------------------------


def _media_ponderata(
    figli: Iterable[tuple[Fraction, Fraction | None]],
) -> tuple[Fraction | None, Fraction]:
    """(Σ peso·grado / Σ peso over scored children, coverage 0–100).

    Unscored children are left out of the mean and lower the coverage; they
    are never counted as 0.
    """
    figli = list(figli)
    totale = sum((p for p, _ in figli), Fraction(0))
    misurati = [(p, g) for p, g in figli if g is not None]
    peso_misurato = sum((p for p, _ in misurati), Fraction(0))
    if not misurati:
        grado = None
    elif peso_misurato > 0:
        grado = sum((p * g for p, g in misurati), Fraction(0)) / peso_misurato
    else:  # only zero-weight children scored: no weight to go by, plain mean
        grado = sum((g for _, g in misurati), Fraction(0)) / len(misurati)
    if totale > 0:
        copertura = CENTO * peso_misurato / totale
    else:
        copertura = CENTO * len(misurati) / len(figli) if figli else Fraction(0)
    return grado, copertura


def _copertura_ponderata(figli: Sequence[tuple[Fraction, Fraction]]) -> Fraction:
    """Σ peso·copertura / Σ peso over *all* children (the contract's strategic
    coverage): an operational objective half measured counts as half covered."""
    totale = sum((p for p, _ in figli), Fraction(0))
    if totale > 0:
        return sum((p * c for p, c in figli), Fraction(0)) / totale
    return sum((c for _, c in figli), Fraction(0)) / len(figli) if figli else Fraction(0)


def _media(figli: Sequence[tuple[Fraction | None, Fraction]]) -> tuple[Fraction | None, Fraction]:
    """Plain mean of (grado, copertura) pairs: grado over those with one."""
    gradi = [g for g, _ in figli if g is not None]
    grado = sum(gradi, Fraction(0)) / len(gradi) if gradi else None
    copertura = sum((c for _, c in figli), Fraction(0)) / len(figli) if figli else Fraction(0)
    return grado, copertura


def _valuta_operativo(
    obiettivo: ObiettivoOperativo, piano: Piano, rilevazione: Rilevazione, target: Decimal | None
) -> tuple[RisultatoOperativo, Fraction | None, Fraction]:
    metodo = piano.metodo
    risultati = []
    figli = []
    for a in obiettivo.azioni:
        misura = rilevazione.valori.get(a.codice)
        g = _grado_esatto(a, misura, metodo, rilevazione)
        risultati.append(RisultatoAzione(azione=a, misura=misura, grado=_decimale(g)))
        figli.append((Fraction(a.peso), g))
    grado, copertura = _media_ponderata(figli)
    risultato = RisultatoOperativo(
        obiettivo=obiettivo,
        grado=_decimale(grado),
        copertura=_decimale(copertura),
        azioni=tuple(risultati),
        target=target,
        stato=stato_obiettivo(grado, target, piano.smvp.soglia_parziale),
    )
    return risultato, grado, copertura


def _valuta_strategico(
    obiettivo: ObiettivoStrategico, piano: Piano, rilevazione: Rilevazione
) -> tuple[RisultatoStrategico, Fraction | None, Fraction]:
    risultati: list[RisultatoOperativo] = []
    figli = []
    coperture = []
    target = obiettivo.target.get(piano.anno)
    for o in obiettivo.obiettivi_operativi:
        figlio, g, c = _valuta_operativo(o, piano, rilevazione, target)
        risultati.append(figlio)
        figli.append((Fraction(o.peso), g))
        coperture.append((Fraction(o.peso), c))
    grado, _ = _media_ponderata(figli)
    copertura = _copertura_ponderata(coperture)
    raggiunto = None if grado is None or target is None else grado >= Fraction(target)
    risultato = RisultatoStrategico(
        obiettivo=obiettivo,
        grado=_decimale(grado),
        copertura=_decimale(copertura),
        target=target,
        raggiunto=raggiunto,
        operativi=tuple(risultati),
        stato=stato_obiettivo(grado, target, piano.smvp.soglia_parziale),
    )
    return risultato, grado, copertura


def valuta(piano: Piano, rilevazione: Rilevazione) -> Risultati:
    """Score the whole plan on one rilevazione (any rilevazione: the caller
    picks one of this plan's)."""
    prospettive = []
    tutti: list[tuple[Fraction | None, Fraction]] = []
    for p in piano.prospettive:
        risultati = []
        figli = []
        for s in p.obiettivi_strategici:
            risultato, g, c = _valuta_strategico(s, piano, rilevazione)
            risultati.append(risultato)
            figli.append((g, c))
        tutti.extend(figli)
        grado, copertura = _media(figli)
        target_p = piano.smvp.target_prospettive
        prospettive.append(
            RisultatoProspettiva(
                prospettiva=p,
                grado=_decimale(grado),
                copertura=_decimale(copertura),
                strategici=tuple(risultati),
                target=target_p,
                stato=stato_obiettivo(grado, target_p, piano.smvp.soglia_parziale),
            )
        )
    grado, copertura = _media(tutti)
    target_e = piano.smvp.target_ente
    return Risultati(
        piano=piano,
        rilevazione=rilevazione,
        grado=_decimale(grado),
        copertura=_decimale(copertura),
        prospettive=tuple(prospettive),
        target=target_e,
        stato=stato_obiettivo(grado, target_e, piano.smvp.soglia_parziale),
    )


@dataclass(frozen=True)
class Anno:
    """One plan year scored on each of its rilevazioni (oldest first).

    The one scored result of a build: pages, charts, open data and ``diff``
    read it, nobody scores again (:func:`valuta_progetto` makes it).
    """

    piano: Piano
    storico: tuple[Risultati, ...]

    @property
    def anno(self) -> int:
        return self.piano.anno

    @property
    def ultima(self) -> Risultati | None:
        return self.storico[-1] if self.storico else None

    @property
    def precedenti(self) -> tuple[Risultati, ...]:
        return self.storico[:-1]

    def corrente(self) -> Risultati:
        """The latest results; before the first rilevazione, the plan with nothing scored."""
        if self.storico:
            return self.storico[-1]
        vuota = Rilevazione(
            piano=self.piano.anno, data=dt.date(self.piano.anno, 1, 1), tipo="monitoraggio", esempio=False, valori={}
        )
        return valuta(self.piano, vuota)

    def alla(self, data: dt.date) -> Risultati | None:
        """The results on the rilevazione of ``data``, if the year has one."""
        return next((r for r in self.storico if r.rilevazione.data == data), None)

    def storia_azione(self, codice: str) -> list[tuple[Rilevazione, RisultatoAzione]]:
        return [(r.rilevazione, r.azione(codice)) for r in self.storico]

    def storia_operativo(self, codice: str) -> list[tuple[Rilevazione, RisultatoOperativo]]:
        return [(r.rilevazione, r.operativo(codice)) for r in self.storico]

    def storia_strategico(self, codice: str) -> list[tuple[Rilevazione, RisultatoStrategico]]:
        return [(r.rilevazione, r.strategico(codice)) for r in self.storico]


def storico(progetto: Progetto, anno: int) -> tuple[Risultati, ...]:
    """The plan of ``anno`` scored on each of its rilevazioni, oldest first."""
    piano = progetto.piani[anno]
    rilevazioni = sorted(progetto.rilevazioni_di(anno), key=lambda r: r.data)
    return tuple(valuta(piano, r) for r in rilevazioni)


def valuta_progetto(progetto: Progetto) -> dict[int, Anno]:
    """Every plan scored on each of its rilevazioni: the build's one scoring step."""
    return {anno: Anno(piano, storico(progetto, anno)) for anno, piano in sorted(progetto.piani.items())}


def ultima(progetto: Progetto, anno: int) -> Risultati | None:
    """The plan of ``anno`` on its latest rilevazione; None before the first."""
    risultati = storico(progetto, anno)
    return risultati[-1] if risultati else None

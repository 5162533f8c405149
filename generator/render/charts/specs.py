"""What a chart shows: the spec dataclasses, the status words and the text alternative.

Charts take plain frozen *spec* dataclasses, never model or score objects:
a spec is hashable content (the chart cache is keyed on its ``repr``) and
picklable (worker processes draw it), and the page renderer stays the only
place that knows the domain model. Grade and status come *from the scorer*
(a ``score.Risultato*``'s ``grado`` and ``stato``): charts never re-derive a status from
thresholds, so a chart, its alt text and the table next to it always agree.

Status words, shapes and colours are :mod:`generator.presentation`'s, as
everywhere on the site; numbers and dates are formatted there too.

Everything here is pure and cheap (no matplotlib): the pages compute alt
texts for every chart, drawn or cached.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from babel.dates import format_date

from ... import presentation
from ...presentation import STATI, AspettoStato

#: A KPI value: number or percentage points (Decimal/int/float), a deadline
#: (date), yes/no (bool) — or None when there is no value.
Valore = float | int | Decimal | bool | dt.date | None
Numero = float | int | Decimal


# --------------------------------------------------------------------------
# Specs (the public input) and the result
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Soglie:
    """Target and thresholds of one action, as in the plan (any may be None)."""

    target: Valore = None
    soglia_80: Valore = None
    soglia_60: Valore = None


@dataclass(frozen=True)
class BulletSpec:
    """One action: its value against its target and thresholds.

    ``grado`` and ``stato`` are the scorer's (``RisultatoAzione.grado`` and
    ``.stato``); the chart shows them as given.
    """

    key: str
    titolo: str
    tipo: str  # numero | percentuale | data | si_no | qualitativo
    verso: str  # crescente | decrescente
    valore: Valore
    soglie: Soglie
    grado: Numero | None
    stato: str
    unita: str | None = None


@dataclass(frozen=True)
class BarItem:
    """One child (action, objective) with the scorer's grado (0–100) and stato.

    ``target`` (optional) is the item's own target, shown next to its
    status. It is separate from ``BarSpec.target`` because operational
    objectives have no target of their own and must not be judged against
    their parent's.
    """

    codice: str
    etichetta: str
    grado: Numero | None
    stato: str
    peso: Numero | None = None
    target: Numero | None = None


@dataclass(frozen=True)
class BarSpec:
    """Children's grado as horizontal bars, with an optional target line."""

    key: str
    titolo: str
    items: tuple[BarItem, ...]
    target: Numero | None = None


@dataclass(frozen=True)
class TrendPoint:
    data: dt.date
    grado: Numero | None


@dataclass(frozen=True)
class TrendSpec:
    """Grado over measurement dates, with an optional target line.

    ``stato`` is the scorer's status of the last scored point, shown with
    the target.
    """

    key: str
    titolo: str
    punti: tuple[TrendPoint, ...]
    target: Numero | None = None
    stato: str | None = None


ChartSpec = BulletSpec | BarSpec | TrendSpec


@dataclass(frozen=True)
class Chart:
    """A rendered chart: standalone SVG bytes and its Italian text alternative."""

    key: str
    svg: bytes
    alt: str

    def inline(self) -> str:
        """The SVG without the XML declaration, ready to inline in HTML."""
        text = self.svg.decode("utf-8")
        if text.startswith("<?xml"):
            text = text[text.index("?>") + 2 :].lstrip()
        return text


# --------------------------------------------------------------------------
# Status words (the scorer's) and what describes a missing value
# --------------------------------------------------------------------------

RAGGIUNTO = "raggiunto"
PARZIALE = "parzialmente raggiunto"
NON_RAGGIUNTO = "non raggiunto"
NON_MISURATO = "non misurato"
#: Not a status: what a deadline's missing value is called.
NON_REALIZZATO = "non ancora realizzato"


def status_style(stato: str) -> AspettoStato:
    """How a status word is shown (word, shape, colours): :data:`generator.presentation.STATI`,
    the same as in tables and cards. An unknown word is shown as "non misurato"."""
    return STATI.get(stato, STATI[NON_MISURATO])


# --------------------------------------------------------------------------
# Italian formatting: the site's rules (generator.presentation), plus the
# compact dates that fit a chart axis
# --------------------------------------------------------------------------


def _dec(value: Numero) -> Decimal:
    """Exact decimal of a number; floats go through repr so 87.45 stays 87.45."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def fmt_grado(value: Numero) -> str:
    """A computed grado: always one decimal, '87,5%' (site rule)."""
    return presentation.grado(_dec(value))


def fmt_percent(value: Numero) -> str:
    """A written percentage (peso, target, axis tick): '50%', '12,5%'."""
    return presentation.percentuale(_dec(value))


def fmt_date_short(value: dt.date, with_year: bool = True) -> str:
    """'30 giu 2021' or '30 giu': month names, short enough for an axis."""
    return str(format_date(value, "d MMM y" if with_year else "d MMM", locale=presentation.LOCALE))


def fmt_value(value: Valore, tipo: str, unita: str | None, *, long: bool = False, with_year: bool = True) -> str:
    """A KPI value as the site writes it (dates short on axes, long in text)."""
    if value is None:
        return "nessun valore"
    if isinstance(value, dt.date):
        return presentation.data(value) if long else fmt_date_short(value, with_year)
    if tipo == "si_no" or isinstance(value, bool):
        return presentation.si_no(bool(value))
    return presentation.valore(_dec(value), tipo, unita)


def thresholds(soglie: Soglie) -> list[tuple[Valore, int, str]]:
    """(value, grade there, name) of the thresholds the plan gives, best first."""
    out: list[tuple[Valore, int, str]] = []
    for value, grade, name in (
        (soglie.target, 100, "target"),
        (soglie.soglia_80, 80, "soglia 80%"),
        (soglie.soglia_60, 60, "soglia 60%"),
    ):
        if value is not None and not isinstance(value, bool):
            out.append((value, grade, name))
    return out


def verso(spec: BulletSpec) -> str:
    """The KPI's direction; a deadline is always "earlier is better" (data contract)."""
    return "decrescente" if spec.tipo == "data" else spec.verso


def target_status(grado: Numero | None, target: Numero | None, stato: str | None) -> str | None:
    """The status word shown next to a target: the scorer's, never re-derived here."""
    if grado is None:
        return NON_MISURATO
    if target is None:
        return None
    return stato


def missing_value(tipo: str) -> str:
    """What a missing value is called: a deadline is not yet met, a number not measured."""
    return NON_REALIZZATO if tipo == "data" else NON_MISURATO


# --------------------------------------------------------------------------
# Text alternatives
# --------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Collapse whitespace, drop characters XML 1.0 cannot carry."""
    text = _XML_INVALID.sub("", text)
    return " ".join(text.split())


def same_year(dates: Iterable[dt.date]) -> bool:
    return len({d.year for d in dates}) <= 1


def bar_label(item: BarItem) -> str:
    """'1.1 Capitale Umano (peso 10%)': what names a bar, in chart and alt text."""
    label = clean(f"{item.codice} {item.etichetta}")
    if item.peso is not None:
        label += f" (peso {fmt_percent(item.peso)})"
    return label


def last_scored(spec: TrendSpec) -> TrendPoint | None:
    scored = [p for p in spec.punti if p.grado is not None]
    return max(scored, key=lambda p: p.data) if scored else None


def _bullet_alt(spec: BulletSpec) -> str:
    titolo = clean(spec.titolo)
    if spec.tipo == "si_no":
        value = NON_MISURATO if spec.valore is None else ("sì" if spec.valore else "no")
        return f"Indicatore «{titolo}» (sì/no): valore {value}, atteso sì. Esito: {spec.stato}."
    show = functools.partial(fmt_value, tipo=spec.tipo, unita=spec.unita, long=True)
    if spec.valore is None:
        bits = [f"valore: {missing_value(spec.tipo)}"]
    elif spec.tipo == "data":
        bits = [f"realizzato il {show(spec.valore)}"]
    elif spec.tipo == "qualitativo":
        bits = [f"esito {show(spec.valore)}"]
    else:
        bits = [f"valore {show(spec.valore)}"]
    for threshold, _, name in thresholds(spec.soglie):
        label = "scadenza" if (spec.tipo == "data" and name == "target") else name
        bits.append(f"{label} {show(threshold)}")
    sentence = f"Indicatore «{titolo}»: " + ", ".join(bits)
    if spec.tipo == "data":
        sentence += " (prima è meglio)"
    elif spec.verso == "decrescente":
        sentence += " (valori più bassi sono migliori)"
    if spec.grado is not None:
        sentence += f". Grado di raggiungimento {fmt_grado(spec.grado)}"
    return sentence + f". Esito: {spec.stato}."


def _bar_alt(spec: BarSpec) -> str:
    rows = []
    for item in spec.items:
        value = NON_MISURATO if item.grado is None else fmt_grado(item.grado)
        row = f"{bar_label(item)}: {value}"
        status = target_status(item.grado, item.target, item.stato) if item.grado is not None else None
        if status and item.target is not None:
            row += f", {status} (target {fmt_percent(item.target)})"
        rows.append(row)
    text = f"Grado di raggiungimento, «{clean(spec.titolo)}»: " + ("; ".join(rows) or "nessun elemento") + "."
    if spec.target is not None:
        text += f" Linea di riferimento: target {fmt_percent(spec.target)}."
    return text


def _trend_alt(spec: TrendSpec) -> str:
    rows = [f"{presentation.data(p.data)}: {NON_MISURATO if p.grado is None else fmt_grado(p.grado)}" for p in spec.punti]
    text = f"Andamento del grado di raggiungimento, «{clean(spec.titolo)}»: " + ("; ".join(rows) or "nessuna rilevazione") + "."
    if spec.target is not None:
        text += f" Target {fmt_percent(spec.target)}."
        last = last_scored(spec)
        if last is not None:
            text += f" Ultimo valore: {target_status(last.grado, spec.target, spec.stato)}."
    return text


def alt_text(spec: ChartSpec) -> str:
    """What the chart shows and its key numbers, in Italian (no matplotlib)."""
    if isinstance(spec, BulletSpec):
        return _bullet_alt(spec)
    if isinstance(spec, BarSpec):
        return _bar_alt(spec)
    if isinstance(spec, TrendSpec):
        return _trend_alt(spec)
    raise TypeError(f"not a chart spec: {type(spec).__name__}")

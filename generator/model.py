"""The validated domain model: typed, frozen, and every field knows its source.

These objects are produced only by :mod:`generator.validate` and are the
single input of scoring and rendering. Values are already interpreted by
KPI type (percentages as ``Decimal`` percentage points, deadlines as
``date``, yes/no as ``bool``), so downstream code never parses text again.

``pos`` maps a field name to where its value is written (``""`` is the
object itself): every later check or message can point at the YAML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from .diagnostics import Pos

Tipo = Literal["numero", "percentuale", "data", "si_no", "qualitativo"]
Verso = Literal["crescente", "decrescente"]
Metodo = Literal["fasce", "lineare"]
TipoRilevazione = Literal["monitoraggio", "consuntivo"]

#: A KPI value once interpreted: number/percentage points, deadline, yes/no.
Valore = Decimal | dt.date | bool

TIPI: tuple[Tipo, ...] = ("numero", "percentuale", "data", "si_no", "qualitativo")


def _pos() -> Mapping[str, Pos]:
    return field(default_factory=dict, compare=False, repr=False)  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Azione:
    codice: str
    titolo: str
    peso: Decimal
    indicatore: str
    tipo: Tipo
    verso: Verso  # as resolved (explicit, inferred from the thresholds, or default)
    target: Valore | None  # None only for qualitativo
    soglia_80: Valore | None
    soglia_60: Valore | None
    unita: str | None
    pira: bool
    responsabile: tuple[str, ...]  # ids of Piano.strutture; empty = "non indicato"
    descrizione: str | None = None
    nota: str | None = None
    verso_esplicito: bool = False
    pos: Mapping[str, Pos] = _pos()


@dataclass(frozen=True, slots=True)
class ObiettivoOperativo:
    codice: str
    titolo: str
    peso: Decimal
    indicatore: str
    azioni: tuple[Azione, ...]
    descrizione: str | None = None
    pos: Mapping[str, Pos] = _pos()


@dataclass(frozen=True, slots=True)
class ObiettivoStrategico:
    codice: str
    titolo: str
    indicatore: str
    target: Mapping[int, Decimal]  # year -> percentage points
    obiettivi_operativi: tuple[ObiettivoOperativo, ...]
    prospettiva: str  # Prospettiva.id
    descrizione: str | None = None
    pos: Mapping[str, Pos] = _pos()


@dataclass(frozen=True, slots=True)
class Prospettiva:
    id: str
    nome: str
    obiettivi_strategici: tuple[ObiettivoStrategico, ...]
    descrizione: str | None = None
    pos: Mapping[str, Pos] = _pos()


@dataclass(frozen=True, slots=True)
class Piano:
    ente: str
    titolo: str
    anno: int
    triennio: tuple[int, ...]
    metodo: Metodo
    strutture: Mapping[str, str]
    prospettive: tuple[Prospettiva, ...]
    file: str = ""
    pos: Mapping[str, Pos] = _pos()

    def obiettivi_strategici(self) -> Iterator[ObiettivoStrategico]:
        for p in self.prospettive:
            yield from p.obiettivi_strategici

    def obiettivi_operativi(self) -> Iterator[ObiettivoOperativo]:
        for s in self.obiettivi_strategici():
            yield from s.obiettivi_operativi

    def azioni(self) -> Iterator[Azione]:
        for o in self.obiettivi_operativi():
            yield from o.azioni


@dataclass(frozen=True, slots=True)
class Misura:
    """One measured value of one action in one rilevazione.

    ``valore`` is the value *as scored*: a ratio's resulting percentage (or
    quotient for ``numero``), the ``esito`` for ``qualitativo``, a ``bool``
    for ``si_no``, ``None`` for a deadline not yet met.
    """

    codice: str
    valore: Valore | None
    nota: str | None = None
    numeratore: Decimal | None = None
    denominatore: Decimal | None = None
    pos: Mapping[str, Pos] = _pos()


@dataclass(frozen=True, slots=True)
class Rilevazione:
    piano: int
    data: dt.date
    tipo: TipoRilevazione
    esempio: bool
    valori: Mapping[str, Misura]
    file: str = ""
    pos: Mapping[str, Pos] = _pos()


@dataclass(frozen=True, slots=True)
class Progetto:
    """Everything under one ``--root``: plans by year, measurements by date."""

    piani: Mapping[int, Piano]
    rilevazioni: tuple[Rilevazione, ...]  # sorted by date

    def rilevazioni_di(self, anno: int) -> tuple[Rilevazione, ...]:
        return tuple(r for r in self.rilevazioni if r.piano == anno)

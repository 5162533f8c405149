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
from .premi import Premi

Tipo = Literal["numero", "percentuale", "data", "si_no", "qualitativo"]
Verso = Literal["crescente", "decrescente"]
Metodo = Literal["fasce", "lineare"]
TipoRilevazione = Literal["monitoraggio", "consuntivo"]
Causa = Literal["esterna", "interna", "indicatore"]
StatoRelazione = Literal["bozza", "approvata", "validata"]

#: A KPI value once interpreted: number/percentage points, deadline, yes/no.
Valore = Decimal | dt.date | bool

TIPI: tuple[Tipo, ...] = ("numero", "percentuale", "data", "si_no", "qualitativo")


def _pos() -> Mapping[str, Pos]:
    return field(default_factory=dict, compare=False, repr=False)


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
class Atto:
    """An act of the body: the plan's adoption, the Relazione's approval."""

    data: dt.date
    atto: str
    pos: Mapping[str, Pos] = _pos()


@dataclass(frozen=True, slots=True)
class Variazione:
    """A change to the plan approved during the year (D.Lgs. 150/2009, art. 6)."""

    data: dt.date
    atto: str
    descrizione: str
    pos: Mapping[str, Pos] = _pos()


@dataclass(frozen=True, slots=True)
class Smvp:
    """The plan's rules for naming a grado in words (``smvp:`` in the YAML).

    ``soglia_parziale``: from this grado an objective short of its target is
    "parzialmente raggiunto" (default 60); ``target_prospettive`` and
    ``target_ente``: targets that give perspectives and the ente a status
    (without them, the grado alone is shown).
    """

    soglia_parziale: Decimal = Decimal(60)
    target_prospettive: Decimal | None = None
    target_ente: Decimal | None = None
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
    smvp: Smvp = Smvp()
    pos: Mapping[str, Pos] = _pos()
    adozione: Atto | None = None
    variazioni: tuple[Variazione, ...] = ()  # sorted by date

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
class Scostamento:
    """Why a result is below target (D.Lgs. 150/2009, art. 10); never changes a score."""

    causa: Causa
    descrizione: str
    azione_correttiva: str | None = None
    pos: Mapping[str, Pos] = _pos()


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
    fonte: str | None = None  # where the figure comes from
    evidenza: str | None = None  # a document an auditor can open (https URL or site path)
    scostamento: Scostamento | None = None


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
class Validazione:
    """The OIV's validation of a Relazione: date and the validation document."""

    data: dt.date
    documento: str  # https URL or a path relative to the site
    pos: Mapping[str, Pos] = _pos()


@dataclass(frozen=True, slots=True)
class Risorsa:
    """Money for one strategic objective in the Relazione's year, euros."""

    obiettivo: str  # ObiettivoStrategico.codice
    stanziato: Decimal
    impiegato: Decimal | None = None
    nota: str | None = None
    pos: Mapping[str, Pos] = _pos()


@dataclass(frozen=True, slots=True)
class PersonaleGenere:
    categoria: str
    donne: int
    uomini: int


@dataclass(frozen=True, slots=True)
class IndicatoreGenere:
    nome: str
    donne: Decimal
    uomini: Decimal
    unita: str | None = None


@dataclass(frozen=True, slots=True)
class SpesaGenere:
    voce: str
    classificazione: Literal["neutrale", "sensibile", "diretta"]
    importo: Decimal


@dataclass(frozen=True, slots=True)
class Genere:
    """Gender figures of the year (pari opportunità, bilancio di genere)."""

    personale: tuple[PersonaleGenere, ...] = ()
    indicatori: tuple[IndicatoreGenere, ...] = ()
    spese: tuple[SpesaGenere, ...] = ()
    nota: str | None = None


#: The narrative sections staff write as Markdown, ``relazione/<anno>/<nome>.md``.
TESTI_RELAZIONE: tuple[str, ...] = ("presentazione", "contesto", "risorse", "pari-opportunita", "processo")


@dataclass(frozen=True, slots=True)
class Relazione:
    """One year's Relazione sulla Performance: its state and the staff's extras.

    Without ``relazione/<anno>/`` it is a ``bozza`` with nothing else
    (:meth:`Progetto.relazione`). ``testi`` maps a name of
    :data:`TESTI_RELAZIONE` to the staff's Markdown (untrusted: render it
    with :func:`generator.relazione.markdown_sicuro`); a missing file is a
    missing key. The words for the state are :func:`generator.relazione.testo_stato`.
    """

    anno: int
    stato: StatoRelazione = "bozza"
    approvazione: Atto | None = None
    validazione: Validazione | None = None
    risorse: tuple[Risorsa, ...] = ()
    genere: Genere | None = None
    testi: Mapping[str, str] = field(default_factory=dict)
    file: str | None = None  # relazione/<anno>/relazione.yml when present
    pos: Mapping[str, Pos] = _pos()

    @property
    def validata(self) -> bool:
        return self.stato == "validata"


@dataclass(frozen=True, slots=True)
class CambioPiano:
    """A target, weight or threshold changed in git after the plan's adoption.

    ``prima`` and ``dopo`` are the values as interpreted (a weight or a
    strategic target in percentage points, an action's target or threshold
    by its KPI type; None where the field was absent). ``variazione`` is the
    recorded variazione that covers it (the latest on or before the commit
    date), None when none does: the validator warns. ``pos`` is where the
    field is written now (its object's line if the field is gone).
    """

    codice: str
    campo: str  # "target" | "peso" | "soglia_80" | "soglia_60" | "target <anno>"
    prima: Valore | None
    dopo: Valore | None
    data: dt.date  # committer date (UTC) of the commit that made the change
    commit: str  # full sha
    variazione: Variazione | None
    pos: Pos | None = field(default=None, compare=False, repr=False)
    tipo: Tipo = "percentuale"  # how to show prima/dopo (the action's tipo; percentuale for pesi and strategic targets)
    unita: str | None = None


@dataclass(frozen=True, slots=True)
class Progetto:
    """Everything under one ``--root``: plans by year, measurements by date,
    the Relazione's extras by year."""

    piani: Mapping[int, Piano]
    rilevazioni: tuple[Rilevazione, ...]  # sorted by date
    relazioni: Mapping[int, Relazione] = field(default_factory=dict)
    #: Per plan year, the changes made in git after adoption (oldest first).
    cambi: Mapping[int, tuple[CambioPiano, ...]] = field(default_factory=dict)
    #: Optional bonus data (``premi/<anno>.yml``) by year.
    premi: Mapping[int, Premi] = field(default_factory=dict)

    def rilevazioni_di(self, anno: int) -> tuple[Rilevazione, ...]:
        return tuple(r for r in self.rilevazioni if r.piano == anno)

    def relazione(self, anno: int) -> Relazione:
        """The Relazione of ``anno``: the recorded one, else a bozza with no extras."""
        return self.relazioni.get(anno) or Relazione(anno)

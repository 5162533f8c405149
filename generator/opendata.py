"""Open data: the plan and its scores as JSON, CSV and a Frictionless Data Package.

For each plan year ``<anno>`` the export holds, under ``opendata/<anno>/``:

- ``performance.json`` — the contract's shape (spec "Open data"), scored on
  the plan's latest rilevazione, with each action's history;
- ``performance.schema.json`` — its JSON Schema (:data:`SCHEMA_JSON`);
- ``prospettive.csv``, ``obiettivi_strategici.csv``,
  ``obiettivi_operativi.csv``, ``azioni.csv`` — one file per level, the same
  rows as the JSON; ``rilevazioni.csv`` — every measured value of every
  action (action × rilevazione);
- ``datapackage.json`` — a Frictionless Data Package describing all of them,
  with a Table Schema for every CSV column, under CC BY 4.0.

Number conventions (documented in the schemas, so that reusers need not
guess): percentages are in percentage points (``87.5`` means 87,5%);
``grado`` and ``copertura`` are the exact scores rounded half-even to 2
decimals (the site shows 1 decimal); every other number — weights,
targets, thresholds, measured values — is published exactly as held, with
no trailing zeros. CSV files use the decimal point (they are machine
readable: the Italian comma is for the site only), UTF-8, RFC 4180 (comma,
double quotes when needed, CRLF line ends). A CSV text cell starting with
``= + - @``, TAB or CR is written with a leading apostrophe, so that a
spreadsheet shows it instead of running it as a formula; the JSON keeps the
exact text (see :func:`testo_csv`).

Everything here is pure (:func:`export_files` returns bytes) and
deterministic (plan order, no clock, no randomness), so the site build can
include the files and a rebuild gives identical bytes; :func:`scrivi`
writes them to disk for the ``export`` command.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path, PurePosixPath
from typing import TypedDict

from .model import Causa, Metodo, Misura, Piano, Progetto, Rilevazione, Tipo, TipoRilevazione, Valore, Verso
from .score import STATI, Anno, RisultatoAzione, Stato, valuta_progetto

FOLDER = "opendata"
FILE_JSON = "performance.json"
FILE_SCHEMA = "performance.schema.json"
FILE_DATAPACKAGE = "datapackage.json"

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}

#: Decimals kept for ``grado`` and ``copertura`` in the open data.
DECIMALI_GRADO = 2
_QUANTO = Decimal(1).scaleb(-DECIMALI_GRADO)

TIPI = ["numero", "percentuale", "data", "si_no", "qualitativo"]
VERSI = ["crescente", "decrescente"]
TIPI_RILEVAZIONE = ["monitoraggio", "consuntivo"]


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------


def _exact(d: Decimal) -> Decimal:
    """Same number, canonical form: integral without exponent, no trailing zeros."""
    if d == d.to_integral_value():
        return Decimal(int(d))
    return d.normalize()


def _points(d: Decimal | None) -> Decimal | None:
    """A score for publication: rounded half-even to DECIMALI_GRADO decimals."""
    if d is None:
        return None
    return _exact(d.quantize(_QUANTO, rounding=ROUND_HALF_EVEN))


def _valore(v: Valore | None) -> JsonValore:
    """A KPI value for JSON: number, ISO date, boolean or null."""
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, dt.date):
        return v.isoformat()
    return _exact(Decimal(v))


#: A KPI value in the open data: number, ISO date, boolean or null.
JsonValore = Decimal | str | bool | None


def _number_text(d: Decimal) -> str:
    d = _exact(d)
    return str(d) if d == d.to_integral_value() else format(d, "f")


# --------------------------------------------------------------------------
# JSON text: exact decimals (the json module would go through float)
# --------------------------------------------------------------------------


def _json(obj: object, level: int = 0) -> str:
    """``json.dumps(obj, indent=2, ensure_ascii=False)``, but Decimal as an exact number."""
    if obj is None:
        return "null"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if isinstance(obj, Decimal):
        return _number_text(obj)
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)
    rientro = "  " * (level + 1)
    chiusura = "  " * level
    if isinstance(obj, Mapping):
        if not obj:
            return "{}"
        voci = (f"{rientro}{json.dumps(str(k), ensure_ascii=False)}: {_json(v, level + 1)}" for k, v in obj.items())
        return "{\n" + ",\n".join(voci) + "\n" + chiusura + "}"
    if isinstance(obj, (list, tuple)):
        if not obj:
            return "[]"
        return "[\n" + ",\n".join(f"{rientro}{_json(v, level + 1)}" for v in obj) + "\n" + chiusura + "]"
    raise TypeError(f"valore non esportabile in JSON: {type(obj).__name__}")


def json_bytes(obj: object) -> bytes:
    return (_json(obj) + "\n").encode("utf-8")


# --------------------------------------------------------------------------
# performance.json
# --------------------------------------------------------------------------
# The record's shape, for the code that reads it back (CSV rows, the data
# package); what each field means is said once, in SCHEMA_JSON below.


class ScostamentoJson(TypedDict):
    causa: Causa
    descrizione: str
    azione_correttiva: str | None


class SpiegazioneJson(TypedDict):
    fonte: str | None
    evidenza: str | None
    scostamento: ScostamentoJson | None


class RilevazioneJson(SpiegazioneJson):
    data: str
    tipo: TipoRilevazione
    esempio: bool
    valore: JsonValore
    numeratore: Decimal | None
    denominatore: Decimal | None
    grado: Decimal | None
    nota: str | None


class AzioneJson(SpiegazioneJson):
    codice: str
    titolo: str
    indicatore: str
    peso: Decimal
    tipo: Tipo
    verso: Verso
    target: JsonValore
    soglia_80: JsonValore
    soglia_60: JsonValore
    unita: str | None
    pira: bool
    responsabile: list[str]
    valore: JsonValore
    grado: Decimal | None
    stato: Stato
    nota: str | None
    rilevazioni: list[RilevazioneJson]


class OperativoJson(TypedDict):
    codice: str
    titolo: str
    indicatore: str | None
    peso: Decimal
    grado: Decimal | None
    copertura: Decimal | None
    stato: Stato | None
    azioni: list[AzioneJson]


class StrategicoJson(TypedDict):
    codice: str
    titolo: str
    indicatore: str | None
    prospettiva: str
    target: Decimal | None
    grado: Decimal | None
    copertura: Decimal | None
    raggiunto: bool | None
    stato: Stato | None
    obiettivi_operativi: list[OperativoJson]


class ProspettivaJson(TypedDict):
    id: str
    nome: str
    grado: Decimal | None
    copertura: Decimal | None
    stato: Stato | None


class PerformanceJson(TypedDict):
    anno: int
    ente: str
    titolo: str
    rilevazione: str | None
    tipo_rilevazione: TipoRilevazione | None
    esempio: bool
    metodo: Metodo
    pubblicazione: Mapping[str, object]
    grado: Decimal | None
    copertura: Decimal | None
    stato: Stato | None
    strutture: dict[str, str]
    prospettive: list[ProspettivaJson]
    obiettivi_strategici: list[StrategicoJson]


def _riga_rilevazione(e: RisultatoAzione, ril: Rilevazione) -> RilevazioneJson:
    misura = e.misura
    assert misura is not None
    return {
        "data": ril.data.isoformat(),
        "tipo": ril.tipo,
        "esempio": ril.esempio,
        "valore": _valore(misura.valore),
        "numeratore": None if misura.numeratore is None else _exact(misura.numeratore),
        "denominatore": None if misura.denominatore is None else _exact(misura.denominatore),
        "grado": _points(e.grado),
        "nota": misura.nota,
        **_spiegazione(misura),
    }


def _spiegazione(misura: Misura | None) -> SpiegazioneJson:
    """Where a value comes from and why it falls short (data contract, optional keys)."""
    sc = misura.scostamento if misura is not None else None
    return {
        "fonte": misura.fonte if misura is not None else None,
        "evidenza": misura.evidenza if misura is not None else None,
        "scostamento": None if sc is None else {"causa": sc.causa, "descrizione": sc.descrizione, "azione_correttiva": sc.azione_correttiva},
    }


def _azione(e: RisultatoAzione, anno: Anno) -> AzioneJson:
    a = e.azione
    return {
        "codice": a.codice,
        "titolo": a.titolo,
        "indicatore": a.indicatore,
        "peso": _exact(a.peso),
        "tipo": a.tipo,
        "verso": a.verso,
        "target": _valore(a.target),
        "soglia_80": _valore(a.soglia_80),
        "soglia_60": _valore(a.soglia_60),
        "unita": a.unita,
        "pira": a.pira,
        "responsabile": list(a.responsabile),
        "valore": None if e.misura is None else _valore(e.misura.valore),
        "grado": _points(e.grado),
        "stato": e.stato,
        "nota": None if e.misura is None else e.misura.nota,
        **_spiegazione(e.misura),
        "rilevazioni": [_riga_rilevazione(x, r) for r, x in anno.storia_azione(a.codice) if x.misura is not None],
    }


def _pubblicazione_vuota() -> dict[str, object]:
    return {
        "piano": {"pubblicato": None, "aggiornato": None},
        "relazione": {"pubblicato": None, "aggiornato": None},
        "archivio": False,
    }


def performance(anno: Anno, pubblicazione: Mapping[str, object] | None = None) -> PerformanceJson:
    """The ``performance.json`` tree (numbers as Decimal) for one scored plan year.

    ``pubblicazione``: the year's publication dates and archive state
    (:meth:`generator.pubblicazione.Pubblicazione.anno`); unknown without git.
    """
    piano = anno.piano
    ultima = anno.ultima.rilevazione if anno.ultima is not None else None
    ris = anno.corrente()
    return {
        "anno": piano.anno,
        "ente": piano.ente,
        "titolo": piano.titolo,
        "rilevazione": None if ultima is None else ultima.data.isoformat(),
        "tipo_rilevazione": None if ultima is None else ultima.tipo,
        "esempio": False if ultima is None else ultima.esempio,
        "metodo": piano.metodo,
        "pubblicazione": dict(pubblicazione) if pubblicazione is not None else _pubblicazione_vuota(),
        "grado": _points(ris.grado),
        "copertura": _points(ris.copertura),
        "stato": ris.stato,
        "strutture": dict(piano.strutture),
        "prospettive": [
            {"id": p.id, "nome": p.prospettiva.nome, "grado": _points(p.grado), "copertura": _points(p.copertura), "stato": p.stato}
            for p in ris.prospettive
        ],
        "obiettivi_strategici": [
            {
                "codice": s.codice,
                "titolo": s.obiettivo.titolo,
                "indicatore": s.obiettivo.indicatore,
                "prospettiva": s.obiettivo.prospettiva,
                "target": None if s.target is None else _exact(s.target),
                "grado": _points(s.grado),
                "copertura": _points(s.copertura),
                "raggiunto": s.raggiunto,
                "stato": s.stato,
                "obiettivi_operativi": [
                    {
                        "codice": o.codice,
                        "titolo": o.obiettivo.titolo,
                        "indicatore": o.obiettivo.indicatore,
                        "peso": _exact(o.obiettivo.peso),
                        "grado": _points(o.grado),
                        "copertura": _points(o.copertura),
                        "stato": o.stato,
                        "azioni": [_azione(e, anno) for e in o.azioni],
                    }
                    for o in s.operativi
                ],
            }
            for s in ris.strategici()
        ],
    }


# --------------------------------------------------------------------------
# JSON Schema of performance.json
# --------------------------------------------------------------------------

_DATA = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
_NUMERO = {"type": "number"}
_PUNTI = {"type": "number", "minimum": 0, "maximum": 100}
_GRADO = {
    "type": ["number", "null"],
    "minimum": 0,
    "maximum": 100,
    "description": (
        "Grado di raggiungimento in punti percentuali (0-100), arrotondato a 2 decimali "
        "(metà al pari) dal valore esatto; null se non valutato."
    ),
}
_COPERTURA = {
    "type": "number",
    "minimum": 0,
    "maximum": 100,
    "description": "Quota (in punti percentuali, 2 decimali) del peso dei sotto-obiettivi che hanno un grado.",
}
_STATO = {
    "enum": [*STATI, None],
    "description": "Esito in parole, secondo la regola pubblicata sul sito; null dove il piano non dà un target (solo il grado).",
}
_TESTO_O_NULL = {"type": ["string", "null"]}


def _date_documento(nome: str) -> dict[str, object]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["pubblicato", "aggiornato"],
        "properties": {
            "pubblicato": {"anyOf": [_DATA, {"type": "null"}], "description": f"Data del primo commit che ha pubblicato {nome}; null se non ancora registrato."},
            "aggiornato": {"anyOf": [_DATA, {"type": "null"}], "description": f"Data dell'ultimo commit che ha modificato {nome}; null se non ancora registrato."},
        },
    }


_PUBBLICAZIONE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["piano", "relazione", "archivio"],
    "description": "Date di pubblicazione e di ultimo aggiornamento (dalla storia del repository, non dalla data di generazione del sito).",
    "properties": {
        "piano": _date_documento("il Piano"),
        "relazione": _date_documento("i dati della Relazione"),
        "archivio": {
            "type": "boolean",
            "description": "true se l'anno ha superato i cinque anni di pubblicazione obbligatoria (D.Lgs. 33/2013, art. 8) ed è in archivio.",
        },
    },
}


def _nullable(schema: object) -> dict[str, object]:
    return {"anyOf": [schema, {"type": "null"}]}


_VALORE_QUALSIASI = {"anyOf": [_NUMERO, _DATA, {"type": "boolean"}, {"type": "null"}]}


def _valori_per_tipo(tipo: str) -> dict[str, object]:
    """(target, soglia, valore) schemas for one KPI type."""
    if tipo == "data":  # a deadline not met yet has no value, even in a history row
        return {"target": _DATA, "soglia": _nullable(_DATA), "valore": _nullable(_DATA)}
    if tipo == "si_no":
        return {"target": {"type": "boolean"}, "soglia": {"type": "null"}, "valore": {"type": "boolean"}}
    if tipo == "qualitativo":
        return {"target": {"type": "null"}, "soglia": {"type": "null"}, "valore": _PUNTI}
    return {"target": _NUMERO, "soglia": _nullable(_NUMERO), "valore": _NUMERO}


_SCOSTAMENTO = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "required": ["causa", "descrizione", "azione_correttiva"],
    "properties": {
        "causa": {"enum": ["esterna", "interna", "indicatore"], "description": "esterna (fuori dal controllo dell'ente), interna (organizzazione, risorse, tempi dell'ente), indicatore (indicatore o target non adeguati)."},
        "descrizione": {"type": "string", "description": "La spiegazione dello scostamento."},
        "azione_correttiva": {**_TESTO_O_NULL, "description": "Che cosa fa l'ente per recuperare, se indicato."},
    },
    "description": "Perché il valore è sotto il target (D.Lgs. 150/2009, art. 10); null se non indicato.",
}
_SPIEGAZIONE = {
    "fonte": {**_TESTO_O_NULL, "description": "Da dove viene il dato, se indicato."},
    "evidenza": {**_TESTO_O_NULL, "description": "Documento che attesta il dato (indirizzo https o percorso nel sito), se indicato."},
    "scostamento": _SCOSTAMENTO,
}

_RIGA_RILEVAZIONE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["data", "tipo", "esempio", "valore", "numeratore", "denominatore", "grado", "nota", "fonte", "evidenza", "scostamento"],
    "properties": {
        "data": {**_DATA, "description": "Data della rilevazione."},
        "tipo": {"enum": TIPI_RILEVAZIONE},
        "esempio": {"type": "boolean", "description": "true se la rilevazione contiene dati illustrativi."},
        "valore": {**_VALORE_QUALSIASI, "description": "Valore come valutato (vedi «valore» dell'azione)."},
        "numeratore": {"type": ["number", "null"], "description": "Per un valore dato come rapporto."},
        "denominatore": {"type": ["number", "null"], "description": "Per un valore dato come rapporto."},
        "grado": _GRADO,
        "nota": _TESTO_O_NULL,
        **_SPIEGAZIONE,
    },
}

_AZIONE = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "codice", "titolo", "indicatore", "peso", "tipo", "verso", "target", "soglia_80", "soglia_60", "unita",
        "pira", "responsabile", "valore", "grado", "stato", "nota", "fonte", "evidenza", "scostamento", "rilevazioni",
    ],
    "properties": {
        "codice": {"type": "string"},
        "titolo": {"type": "string"},
        "indicatore": {"type": "string", "description": "Indicatore (KPI) con cui si misura l'azione."},
        "peso": {**_PUNTI, "description": "Peso dell'azione nell'obiettivo operativo, in punti percentuali."},
        "tipo": {"enum": TIPI, "description": "Tipo di indicatore: determina il tipo di target, soglie e valori."},
        "verso": {"enum": VERSI, "description": "crescente: più alto è meglio; decrescente: più basso (o prima) è meglio."},
        "target": {**_VALORE_QUALSIASI, "description": "Numero (punti percentuali per «percentuale»), data ISO per «data», true per «si_no», null per «qualitativo»."},
        "soglia_80": {**_VALORE_QUALSIASI, "description": "Valore che vale 80; null se non prevista."},
        "soglia_60": {**_VALORE_QUALSIASI, "description": "Valore che vale 60; null se non prevista."},
        "unita": {**_TESTO_O_NULL, "description": "Unità di misura (gg, ore, €), se indicata."},
        "pira": {"type": "boolean", "description": "true se l'indicatore fa parte del PIRA (Piano degli indicatori e dei risultati attesi di bilancio)."},
        "responsabile": {"type": "array", "items": {"type": "string"}, "description": "Identificativi delle strutture responsabili (vedi «strutture»); vuoto se non indicato."},
        "valore": {**_VALORE_QUALSIASI, "description": "Valore nell'ultima rilevazione, come valutato: per un rapporto la percentuale risultante, per «qualitativo» l'esito, per «si_no» un booleano, per una scadenza non ancora rispettata (o un'azione non misurata) null."},
        "grado": _GRADO,
        "stato": _STATO,
        "nota": {**_TESTO_O_NULL, "description": "Nota del valore nell'ultima rilevazione."},
        **_SPIEGAZIONE,
        "rilevazioni": {"type": "array", "items": _RIGA_RILEVAZIONE, "description": "Una riga per ogni rilevazione che dà un valore all'azione, dalla più vecchia; l'ultima inclusa."},
    },
    "allOf": [
        {
            "if": {"properties": {"tipo": {"const": t}}},
            "then": {
                "properties": {
                    "target": s["target"],
                    "soglia_80": s["soglia"],
                    "soglia_60": s["soglia"],
                    "valore": _nullable(s["valore"]),  # null also when not measured
                    "rilevazioni": {"items": {"properties": {"valore": s["valore"]}}},
                }
            },
        }
        for t, s in ((t, _valori_per_tipo(t)) for t in TIPI)
    ],
}

_OPERATIVO = {
    "type": "object",
    "additionalProperties": False,
    "required": ["codice", "titolo", "indicatore", "peso", "grado", "copertura", "stato", "azioni"],
    "properties": {
        "codice": {"type": "string"},
        "titolo": {"type": "string"},
        "indicatore": {"type": "string"},
        "peso": {**_PUNTI, "description": "Peso nell'obiettivo strategico, in punti percentuali."},
        "grado": {**_GRADO, "description": "Media delle azioni valutate pesata con il loro peso (2 decimali); null se nessuna è valutata."},
        "copertura": _COPERTURA,
        "stato": _STATO,
        "azioni": {"type": "array", "items": _AZIONE},
    },
}

_STRATEGICO = {
    "type": "object",
    "additionalProperties": False,
    "required": ["codice", "titolo", "indicatore", "prospettiva", "target", "grado", "copertura", "raggiunto", "stato", "obiettivi_operativi"],
    "properties": {
        "codice": {"type": "string"},
        "titolo": {"type": "string"},
        "indicatore": {"type": "string"},
        "prospettiva": {"type": "string", "description": "id della prospettiva."},
        "target": {"type": ["number", "null"], "minimum": 0, "maximum": 100, "description": "Target dell'anno del piano, in punti percentuali."},
        "grado": {**_GRADO, "description": "Media degli obiettivi operativi valutati pesata con il loro peso (2 decimali); null se nessuno è valutato."},
        "copertura": _COPERTURA,
        "raggiunto": {"type": ["boolean", "null"], "description": "grado ≥ target, confrontati sui valori esatti; null senza grado o senza target."},
        "stato": _STATO,
        "obiettivi_operativi": {"type": "array", "items": _OPERATIVO},
    },
}

SCHEMA_JSON: dict[str, object] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Performance: piano, rilevazioni e grado di raggiungimento",
    "description": (
        "Il Piano della Performance di un anno con i risultati dell'ultima rilevazione e la storia di ogni azione. "
        "Numeri in punti percentuali (87.5 = 87,5%). «grado» e «copertura» sono arrotondati a 2 decimali "
        "(metà al pari) dal valore esatto; pesi, target, soglie e valori sono pubblicati esatti. "
        "Date in formato ISO (AAAA-MM-GG). Licenza CC BY 4.0."
    ),
    "type": "object",
    "additionalProperties": False,
    "required": [
        "anno", "ente", "titolo", "rilevazione", "tipo_rilevazione", "esempio", "metodo", "grado", "copertura", "stato",
        "strutture", "prospettive", "obiettivi_strategici", "pubblicazione",
    ],
    "properties": {
        "anno": {"type": "integer", "description": "Anno del piano."},
        "ente": {"type": "string"},
        "titolo": {"type": "string"},
        "rilevazione": {**_nullable(_DATA), "description": "Data dell'ultima rilevazione, su cui sono calcolati i gradi; null prima della prima."},
        "tipo_rilevazione": {"enum": [*TIPI_RILEVAZIONE, None]},
        "esempio": {"type": "boolean", "description": "true se l'ultima rilevazione contiene dati illustrativi, non reali."},
        "metodo": {"enum": ["fasce", "lineare"], "description": "Metodo di calcolo del grado delle azioni: fasce (100/80/60/0) o lineare (interpolato tra le soglie)."},
        "grado": {**_GRADO, "description": "Grado dell'ente: media semplice dei gradi degli obiettivi strategici valutati (2 decimali)."},
        "copertura": {**_COPERTURA, "description": "Copertura dell'ente: media semplice della copertura degli obiettivi strategici (punti percentuali, 2 decimali)."},
        "stato": _STATO,
        "pubblicazione": _PUBBLICAZIONE,
        "strutture": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Strutture responsabili: identificativo -> nome."},
        "prospettive": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "nome", "grado", "copertura", "stato"],
                "properties": {
                    "id": {"type": "string"},
                    "nome": {"type": "string"},
                    "grado": {**_GRADO, "description": "Media semplice dei gradi dei suoi obiettivi strategici valutati (2 decimali)."},
                    "copertura": {**_COPERTURA, "description": "Media semplice della copertura dei suoi obiettivi strategici (punti percentuali, 2 decimali)."},
                    "stato": _STATO,
                },
            },
        },
        "obiettivi_strategici": {"type": "array", "items": _STRATEGICO},
    },
}


# --------------------------------------------------------------------------
# CSV: one file per level, rows taken from the JSON tree
# --------------------------------------------------------------------------


def _field(name: str, tipo: str, titolo: str, descrizione: str = "", **vincoli: object) -> dict[str, object]:
    f: dict[str, object] = {"name": name, "type": tipo, "title": titolo}
    if descrizione:
        f["description"] = descrizione
    if tipo == "date":
        f["format"] = "default"
    if tipo == "boolean":
        f["trueValues"] = ["true"]
        f["falseValues"] = ["false"]
    if vincoli:
        f["constraints"] = vincoli
    return f


_PUNTI_CSV = dict(minimum=0, maximum=100)
_DESCR_GRADO = "Punti percentuali 0-100, 2 decimali (metà al pari), punto decimale; vuoto se non valutato."
_DESCR_VALORE = (
    "Secondo «tipo»: numero col punto decimale (punti percentuali per «percentuale»), data AAAA-MM-GG per «data», "
    "true/false per «si_no»; vuoto se assente."
)

_ANNO = _field("anno", "integer", "Anno del piano", required=True)
_RIL = _field("rilevazione", "date", "Data della rilevazione su cui è calcolato il grado")
_STATO_CSV = _field("stato", "string", "Esito in parole", "Regola pubblicata sul sito; vuoto dove il piano non dà un target.", enum=list(STATI))

#: Where a value comes from and why it falls short (the JSON's fonte, evidenza, scostamento).
_CAMPI_SPIEGAZIONE = [
    _field("fonte", "string", "Fonte del dato"),
    _field("evidenza", "string", "Evidenza", "Documento che attesta il dato: indirizzo https o percorso nel sito."),
    _field("scostamento_causa", "string", "Causa dello scostamento", "esterna, interna o indicatore (indicatore o target non adeguati); vuoto se non indicata.", enum=["esterna", "interna", "indicatore"]),
    _field("scostamento_descrizione", "string", "Descrizione dello scostamento", "Perché il valore è sotto il target (D.Lgs. 150/2009, art. 10)."),
    _field("scostamento_azione_correttiva", "string", "Azione correttiva"),
]

FIELDS: dict[str, list[dict[str, object]]] = {
    "prospettive": [
        _ANNO,
        _RIL,
        _field("id", "string", "Identificativo della prospettiva", required=True, unique=True),
        _field("nome", "string", "Nome della prospettiva", required=True),
        _field("grado", "number", "Grado di raggiungimento", "Media semplice degli obiettivi strategici valutati. " + _DESCR_GRADO, **_PUNTI_CSV),
        _field("copertura", "number", "Copertura", "Media semplice della copertura degli obiettivi strategici (punti percentuali, 2 decimali).", required=True, **_PUNTI_CSV),
        _STATO_CSV,
    ],
    "obiettivi_strategici": [
        _ANNO,
        _RIL,
        _field("prospettiva", "string", "Prospettiva", "id della prospettiva.", required=True),
        _field("codice", "string", "Codice dell'obiettivo strategico", required=True, unique=True),
        _field("titolo", "string", "Titolo", required=True),
        _field("indicatore", "string", "Indicatore"),
        _field("target", "number", "Target dell'anno", "Punti percentuali; vuoto se non indicato.", **_PUNTI_CSV),
        _field("grado", "number", "Grado di raggiungimento", "Media pesata degli obiettivi operativi valutati. " + _DESCR_GRADO, **_PUNTI_CSV),
        _field("copertura", "number", "Copertura", "Quota del peso misurata fino alle azioni: Σ peso·copertura / Σ peso su tutti gli obiettivi operativi (punti percentuali, 2 decimali).", required=True, **_PUNTI_CSV),
        _field("raggiunto", "boolean", "Target raggiunto", "grado ≥ target sui valori esatti; vuoto senza grado o senza target."),
        _STATO_CSV,
    ],
    "obiettivi_operativi": [
        _ANNO,
        _RIL,
        _field("obiettivo_strategico", "string", "Obiettivo strategico", "Codice dell'obiettivo strategico.", required=True),
        _field("codice", "string", "Codice dell'obiettivo operativo", required=True, unique=True),
        _field("titolo", "string", "Titolo", required=True),
        _field("indicatore", "string", "Indicatore"),
        _field("peso", "number", "Peso nell'obiettivo strategico", "Punti percentuali.", required=True, **_PUNTI_CSV),
        _field("grado", "number", "Grado di raggiungimento", "Media pesata delle azioni valutate. " + _DESCR_GRADO, **_PUNTI_CSV),
        _field("copertura", "number", "Copertura", "Quota del peso delle azioni che ha un grado (punti percentuali, 2 decimali).", required=True, **_PUNTI_CSV),
        _STATO_CSV,
    ],
    "azioni": [
        _ANNO,
        _RIL,
        _field("prospettiva", "string", "Prospettiva", "id della prospettiva.", required=True),
        _field("obiettivo_strategico", "string", "Obiettivo strategico", "Codice.", required=True),
        _field("obiettivo_operativo", "string", "Obiettivo operativo", "Codice.", required=True),
        _field("codice", "string", "Codice dell'azione", required=True, unique=True),
        _field("titolo", "string", "Titolo", required=True),
        _field("indicatore", "string", "Indicatore (KPI)"),
        _field("peso", "number", "Peso nell'obiettivo operativo", "Punti percentuali.", required=True, **_PUNTI_CSV),
        _field("tipo", "string", "Tipo di indicatore", required=True, enum=TIPI),
        _field("verso", "string", "Verso", "crescente: più alto è meglio; decrescente: più basso (o prima) è meglio.", required=True, enum=VERSI),
        _field("target", "any", "Target", _DESCR_VALORE),
        _field("soglia_80", "any", "Soglia 80%", "Valore che vale 80. " + _DESCR_VALORE),
        _field("soglia_60", "any", "Soglia 60%", "Valore che vale 60. " + _DESCR_VALORE),
        _field("unita", "string", "Unità di misura"),
        _field("pira", "boolean", "Indicatore PIRA", required=True),
        _field("responsabile", "string", "Strutture responsabili", "Identificativi separati da «; »; vuoto se non indicato."),
        _field("responsabile_nome", "string", "Strutture responsabili (nomi)", "Nomi separati da «; »."),
        _field("valore", "any", "Valore nell'ultima rilevazione", "Come valutato (rapporto: la percentuale; qualitativo: l'esito). " + _DESCR_VALORE),
        _field("grado", "number", "Grado di raggiungimento", _DESCR_GRADO, **_PUNTI_CSV),
        _STATO_CSV,
        _field("nota", "string", "Nota del valore"),
        *_CAMPI_SPIEGAZIONE,
    ],
    "rilevazioni": [
        _ANNO,
        _field("azione", "string", "Codice dell'azione", required=True),
        _field("data", "date", "Data della rilevazione", required=True),
        _field("tipo", "string", "Tipo di rilevazione", required=True, enum=TIPI_RILEVAZIONE),
        _field("esempio", "boolean", "Dati di esempio", "true se la rilevazione contiene dati illustrativi.", required=True),
        _field("valore", "any", "Valore", "Come valutato; vuoto per una scadenza non ancora rispettata. " + _DESCR_VALORE),
        _field("numeratore", "number", "Numeratore", "Per un valore dato come rapporto."),
        _field("denominatore", "number", "Denominatore", "Per un valore dato come rapporto."),
        _field("grado", "number", "Grado di raggiungimento", _DESCR_GRADO, **_PUNTI_CSV),
        _field("nota", "string", "Nota"),
        *_CAMPI_SPIEGAZIONE,
    ],
}

#: CSV resources in publication order: name -> (title, description, primary key, foreign keys).
CSV_RESOURCES: dict[str, tuple[str, str, list[str], list[dict[str, object]]]] = {
    "prospettive": ("Prospettive", "Grado di ogni prospettiva nell'ultima rilevazione.", ["id"], []),
    "obiettivi_strategici": (
        "Obiettivi strategici",
        "Target dell'anno, grado, copertura e raggiungimento di ogni obiettivo strategico nell'ultima rilevazione.",
        ["codice"],
        [{"fields": "prospettiva", "reference": {"resource": "prospettive", "fields": "id"}}],
    ),
    "obiettivi_operativi": (
        "Obiettivi operativi",
        "Peso, grado e copertura di ogni obiettivo operativo nell'ultima rilevazione.",
        ["codice"],
        [{"fields": "obiettivo_strategico", "reference": {"resource": "obiettivi_strategici", "fields": "codice"}}],
    ),
    "azioni": (
        "Azioni",
        "Ogni azione del piano con indicatore, target, soglie, valore e grado nell'ultima rilevazione.",
        ["codice"],
        [{"fields": "obiettivo_operativo", "reference": {"resource": "obiettivi_operativi", "fields": "codice"}}],
    ),
    "rilevazioni": (
        "Rilevazioni",
        "Storia dei valori: una riga per azione e rilevazione che le dà un valore, dalla più vecchia.",
        ["azione", "data"],
        [{"fields": "azione", "reference": {"resource": "azioni", "fields": "codice"}}],
    ),
}


def _csv_cell(v: object) -> str:
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, Decimal):
        return _number_text(v)
    return csv_text(str(v))


#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula: one starting with
    ``= + - @``, TAB or CR gets a leading apostrophe (``'=1+1``), which
    spreadsheets show as text. Numbers are never text cells, so ``-5`` is
    untouched; ``performance.json`` keeps the exact text."""
    return "'" + text if text.startswith(_FORMULA) else text


def _csv_rows(doc: PerformanceJson, strutture: Mapping[str, str]) -> dict[str, list[dict[str, object]]]:
    """CSV rows per resource, read off the JSON tree (so both say the same)."""
    base = {"anno": doc["anno"], "rilevazione": doc["rilevazione"]}
    rows: dict[str, list[dict[str, object]]] = {k: [] for k in CSV_RESOURCES}
    for p in doc["prospettive"]:
        rows["prospettive"].append({**base, **p})
    for s in doc["obiettivi_strategici"]:
        rows["obiettivi_strategici"].append({**base, **s})
        for o in s["obiettivi_operativi"]:
            rows["obiettivi_operativi"].append({**base, "obiettivo_strategico": s["codice"], **o})
            for a in o["azioni"]:
                rows["azioni"].append(
                    {
                        **base,
                        "prospettiva": s["prospettiva"],
                        "obiettivo_strategico": s["codice"],
                        "obiettivo_operativo": o["codice"],
                        **a,
                        "responsabile": "; ".join(a["responsabile"]),
                        "responsabile_nome": "; ".join(strutture.get(r, r) for r in a["responsabile"]),
                    }
                )
                rows["azioni"][-1].update(_flat_scostamento(a["scostamento"]))
                for r in a["rilevazioni"]:
                    rows["rilevazioni"].append({"anno": doc["anno"], "azione": a["codice"], **r, **_flat_scostamento(r["scostamento"])})
    return rows


def _flat_scostamento(scostamento: Mapping[str, object] | None) -> dict[str, object]:
    """The JSON's nested scostamento as three CSV columns."""
    sc = scostamento or {}
    return {f"scostamento_{k}": sc.get(k) for k in ("causa", "descrizione", "azione_correttiva")}


def _csv_bytes(campi: list[dict[str, object]], rows: Iterable[Mapping[str, object]]) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    names = [str(c["name"]) for c in campi]
    w.writerow(names)
    for r in rows:
        w.writerow([_csv_cell(r.get(n)) for n in names])
    return buf.getvalue().encode("utf-8")


def csv_files(doc: PerformanceJson, strutture: Mapping[str, str]) -> dict[str, bytes]:
    rows = _csv_rows(doc, strutture)
    return {f"{nome}.csv": _csv_bytes(FIELDS[nome], rows[nome]) for nome in CSV_RESOURCES}


# --------------------------------------------------------------------------
# datapackage.json
# --------------------------------------------------------------------------


def datapackage(piano: Piano, doc: PerformanceJson) -> dict[str, object]:
    """The Frictionless Data Package descriptor for one plan year.

    Profile ``data-package`` (not ``tabular-data-package``): the JSON file is
    a resource too and is not a table; every CSV resource is a
    ``tabular-data-resource`` with its Table Schema. The JSON Schema file is
    named in the JSON resource's description, not listed as a resource:
    Frictionless would read a ``*.schema.json`` path as a Table Schema.
    No ``created`` stamp
    (it would come from the clock and break byte-identical rebuilds).
    """
    risorse: list[dict[str, object]] = [
        {
            "name": "performance",
            "path": FILE_JSON,
            "profile": "data-resource",
            "title": "Piano e risultati (JSON)",
            "description": (
                "Tutto il piano con il grado dell'ultima rilevazione e la storia di ogni azione; "
                f"struttura descritta dal JSON Schema {FILE_SCHEMA}."
            ),
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
        },
    ]
    for nome, (titolo, descrizione, chiave, esterne) in CSV_RESOURCES.items():
        schema: dict[str, object] = {"fields": FIELDS[nome], "missingValues": [""], "primaryKey": chiave}
        if esterne:
            schema["foreignKeys"] = [dict(fk) for fk in esterne]
        risorse.append(
            {
                "name": nome,
                "path": f"{nome}.csv",
                "profile": "tabular-data-resource",
                "title": titolo,
                "description": descrizione,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True},
                "schema": schema,
            }
        )
    esempio = " Contiene dati di esempio, non rilevazioni reali." if doc["esempio"] else ""
    rilevazione = f"ultima rilevazione: {doc['rilevazione']} ({doc['tipo_rilevazione']})" if doc["rilevazione"] else "nessuna rilevazione"
    return {
        "profile": "data-package",
        "name": f"performance-{piano.anno}",
        "title": f"{piano.titolo} — {piano.ente}",
        "description": (
            f"Obiettivi, indicatori, target e grado di raggiungimento del {piano.titolo} ({rilevazione}). "
            "Numeri in punti percentuali col punto decimale; gradi e coperture arrotondati a 2 decimali "
            f"(metà al pari); date AAAA-MM-GG; CSV in UTF-8, RFC 4180.{esempio}"
        ),
        "keywords": ["performance", "piano della performance", "relazione sulla performance", "PIAO", "trasparenza"],
        "licenses": [dict(LICENSE)],
        "resources": risorse,
    }


# --------------------------------------------------------------------------
# All files
# --------------------------------------------------------------------------


def year_files(anno: Anno, pubblicazione: Mapping[str, object] | None = None) -> dict[str, bytes]:
    """The open-data files of one scored plan year, by file name."""
    piano = anno.piano
    doc = performance(anno, pubblicazione)
    files = {FILE_JSON: json_bytes(doc), FILE_SCHEMA: json_bytes(SCHEMA_JSON)}
    files.update(csv_files(doc, piano.strutture))
    files[FILE_DATAPACKAGE] = json_bytes(datapackage(piano, doc))
    return files


def export_files(progetto: Progetto, anni: Mapping[int, Anno] | None = None) -> dict[str, bytes]:
    """Every open-data file of every plan: relative path -> content (pure).

    ``anni`` are the build's scores (:func:`generator.score.valuta_progetto`);
    without them the project is scored here (the ``export`` command).
    """
    anni = anni if anni is not None else valuta_progetto(progetto)
    out: dict[str, bytes] = {}
    for anno in sorted(progetto.piani):
        for nome, data in year_files(anni[anno]).items():
            out[f"{FOLDER}/{anno}/{nome}"] = data
    return dict(sorted(out.items()))


def _safe_path(rel: str) -> PurePosixPath:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        raise ValueError(f"percorso non valido per l'esportazione: {rel!r}")
    return p


def write_changed(files: Mapping[str, bytes], out: Path) -> list[str]:
    """Write ``files`` under ``out``; return the paths whose content changed.

    Unchanged files are not touched (their mtime stays, so rsync and caches
    see no change). Changed files are written to a temporary directory inside
    ``out`` first, then moved into place with :func:`os.replace` (atomic per
    file on one filesystem): a reader never sees a half-written file, and a
    failure while writing leaves the old files in place. Files that are no
    longer produced are left alone.
    """
    out.mkdir(parents=True, exist_ok=True)
    changed = []
    for rel, data in sorted(files.items()):
        dest = out / _safe_path(rel)
        try:
            if dest.read_bytes() == data:
                continue
        except OSError:
            pass
        changed.append(rel)
    if not changed:
        return []
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
    try:
        for rel in changed:
            t = tmp / _safe_path(rel)
            t.parent.mkdir(parents=True, exist_ok=True)
            t.write_bytes(files[rel])
        for rel in changed:
            dest = out / _safe_path(rel)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / _safe_path(rel), dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return changed

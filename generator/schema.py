"""Pydantic models of the YAML files' *shape*: keys, basic types, enums.

They are the one source of truth for two things: the structural checks of
:mod:`generator.validate` (their errors are mapped back to file:line:col),
and the JSON Schema in ``schemas/`` that editors use for autocompletion
(``python -m generator schema`` regenerates it; a test keeps it in sync).

Value checks that depend on other fields (a target's form depends on the
KPI ``tipo``, deadlines on the plan's year, weights on their siblings) are
semantic and live in :mod:`generator.validate`, where positions are at hand.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

CODE_RE = re.compile(r"^[1-9][0-9]*(\.[1-9][0-9]*)*$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PERCENT_RE = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*%\s*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _text(value: Any) -> str:
    # Titles like `2021` or `4.0` arrive as numbers: accept their text.
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        if isinstance(value, bool):
            hint = 'racchiudi il testo tra virgolette doppie: `{campo}: "…"`'
        elif value is None:
            hint = "scrivi il testo dopo i due punti, sulla stessa riga: `{campo}: …`"
        else:
            hint = "scrivi il testo sulla stessa riga, dopo i due punti: `{campo}: …` (tra virgolette doppie se contiene «: » o inizia con «-», «[» o «{»)"
        raise PydanticCustomError("testo", "deve essere un testo, trovato {found}", {"found": describe(value), "hint": hint})
    text = str(value)
    if not text.strip():
        raise PydanticCustomError("testo_vuoto", "il testo è vuoto", {"hint": "scrivi il testo tra le virgolette, oppure togli la riga se il campo è facoltativo"})
    return text


def _code(value: Any) -> str:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        read = (format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)).replace(".", ",")
        as_number = f"il numero {read}" if read != str(value) else "un numero"
        raise PydanticCustomError(
            "codice_non_quotato",
            "il codice {found} è scritto senza virgolette: YAML lo legge come {number}",
            {"found": str(value), "number": as_number, "hint": f'scrivi il codice tra virgolette doppie: `codice: "{value}"`'},
        )
    if not isinstance(value, str) or not CODE_RE.match(value):
        raise PydanticCustomError(
            "codice",
            "codice non valido {found}",
            {"found": describe(value), "hint": 'un codice è fatto di numeri (senza zeri iniziali) separati da punti, tra virgolette: ad esempio `codice: "1.2.3"`'},
        )
    return value


def parse_percent(value: Any) -> Decimal | None:
    """``"50%"``, ``"4,5 %"``, ``50`` or ``4.5`` -> percentage points; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, str):
        m = PERCENT_RE.match(value)
        if m:
            return Decimal(m.group(1).replace(",", "."))
    return None


def _percent(value: Any) -> Decimal:
    parsed = parse_percent(value)
    if parsed is None:
        raise PydanticCustomError(
            "percentuale",
            "deve essere una percentuale, trovato {found}",
            {"found": describe(value), "hint": "scrivi la percentuale in cifre, ad esempio `{campo}: 60%`"},
        )
    return parsed


def _responsabile(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise PydanticCustomError(
        "responsabile",
        "deve essere l'identificativo di una struttura o un elenco di identificativi, trovato {found}",
        {"found": describe(value), "hint": "scrivi ad esempio `responsabile: sg` o `responsabile: [sg, uo-mediazione]`"},
    )


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        raise PydanticCustomError(
            "valore_scalare",
            "deve essere un singolo valore, trovato {found}",
            {"found": describe(value), "hint": "scrivi un numero, una percentuale, una data o un testo"},
        )
    return value


def describe(value: Any) -> str:
    """How a found value is quoted in messages."""
    if value is None:
        return "un valore vuoto"
    if isinstance(value, bool):
        return "«true»" if value else "«false»"
    if isinstance(value, dict):
        return "un gruppo di campi"
    if isinstance(value, list):
        return "un elenco"
    if isinstance(value, dt.date):
        return f"«{value.isoformat()}»"
    return f"«{value}»"


_SCALAR_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "number"}, {"type": "string"}, {"type": "boolean"}, {"type": "null"}]
}
_PERCENT_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": r"^\s*[+-]?\d+([.,]\d+)?\s*%\s*$"},
        {"type": "number"},
    ],
    "description": "percentuale, ad esempio \"50%\" oppure 50 (punti percentuali)",
}

Testo = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": "string", "minLength": 1})]
Codice = Annotated[
    str,
    BeforeValidator(_code),
    WithJsonSchema({"type": "string", "pattern": CODE_RE.pattern, "description": "codice tra virgolette, es. \"1.2\""}),
]
Percentuale = Annotated[Decimal, BeforeValidator(_percent), WithJsonSchema(_PERCENT_SCHEMA)]
Identificativo = Annotated[str, Field(pattern=ID_RE.pattern)]
Scalare = Annotated[Any, BeforeValidator(_scalar), WithJsonSchema(_SCALAR_SCHEMA)]
Responsabile = Annotated[
    tuple[str, ...],
    BeforeValidator(_responsabile),
    WithJsonSchema(
        {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
    ),
]
Data = Annotated[dt.date, WithJsonSchema({"type": "string", "format": "date"})]


class AzioneYaml(_Strict):
    """An action (``azione``): the unit that is measured and scored."""

    codice: Codice
    titolo: Testo
    descrizione: Testo | None = None
    peso: Percentuale
    indicatore: Testo
    tipo: Literal["numero", "percentuale", "data", "si_no", "qualitativo"]
    unita: Testo | None = None
    verso: Literal["crescente", "decrescente"] | None = None
    target: Scalare = None
    soglia_80: Scalare = None
    soglia_60: Scalare = None
    pira: bool = False
    responsabile: Responsabile | None = None
    nota: Testo | None = None


class OperativoYaml(_Strict):
    codice: Codice
    titolo: Testo
    descrizione: Testo | None = None
    peso: Percentuale
    indicatore: Testo = "ponderazione"
    azioni: list[AzioneYaml] = Field(min_length=1)


class StrategicoYaml(_Strict):
    codice: Codice
    titolo: Testo
    descrizione: Testo | None = None
    indicatore: Testo = "ponderazione"
    target: dict[Annotated[int, Field(strict=False)], Percentuale]
    obiettivi_operativi: list[OperativoYaml] = Field(min_length=1)


class ProspettivaYaml(_Strict):
    id: Identificativo
    nome: Testo
    descrizione: Testo | None = None
    obiettivi_strategici: list[StrategicoYaml] = Field(min_length=1)


class PianoYaml(_Strict):
    """A plan file, ``plan/<anno>.yml``."""

    model_config = ConfigDict(title="Piano della Performance")

    ente: Testo
    titolo: Testo
    anno: int
    triennio: list[int] = Field(min_length=1)
    metodo: Literal["fasce", "lineare"] = "fasce"
    strutture: dict[Identificativo, Testo] = Field(default_factory=dict)
    prospettive: list[ProspettivaYaml] = Field(min_length=1)


class MisuraYaml(_Strict):
    """A measured value written in full: with a note, a ratio or an ``esito``."""

    valore: Scalare = None
    nota: Testo | None = None
    numeratore: Annotated[Decimal, Field(strict=False)] | None = None
    denominatore: Annotated[Decimal, Field(strict=False)] | None = None
    esito: Percentuale | None = None


def _misura_kind(value: Any) -> str:
    return "dettaglio" if isinstance(value, dict) else "semplice"


ValoreMisurato = Annotated[
    Annotated[MisuraYaml, Tag("dettaglio")] | Annotated[Scalare, Tag("semplice")],
    Discriminator(_misura_kind),
]


class RilevazioneYaml(_Strict):
    """A measurement file, ``measurements/<data>.yml``."""

    model_config = ConfigDict(title="Rilevazione della Performance")

    piano: int
    data: Data
    tipo: Literal["monitoraggio", "consuntivo"]
    esempio: bool = False
    valori: dict[str, ValoreMisurato]


SCHEMAS: dict[str, type[BaseModel]] = {
    "plan.schema.json": PianoYaml,
    "measurement.schema.json": RilevazioneYaml,
}


def json_schema_text(model: type[BaseModel]) -> str:
    """The JSON Schema file content for ``model`` (stable, pretty-printed)."""
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

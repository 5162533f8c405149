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
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    JsonValue,
    Tag,
    WithJsonSchema,
)
from pydantic.fields import ComputedFieldInfo, FieldInfo
from pydantic_core import PydanticCustomError

from .limiti import CONTROLLO, cita, problema_numero

#: Patterns are matched in full (``fullmatch``): ``$`` would accept a
#: trailing newline ("1.1.1\n"). The ``^…$`` form is kept for the JSON Schema.
CODE_RE = re.compile(r"^[1-9][0-9]*(\.[1-9][0-9]*)*$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PERCENT_RE = re.compile(r"\s*([+-]?\d+(?:[.,]\d+)?)\s*%\s*")


_TITLES = {"id": "Identificativo", "pira": "PIRA", "unita": "Unità di misura", "soglia_80": "Soglia 80%", "soglia_60": "Soglia 60%"}


def _title(name: str, _info: FieldInfo | ComputedFieldInfo) -> str:
    """Field titles shown by editors: Italian sentence case, not "Obiettivi Operativi"."""
    return _TITLES.get(name) or name.replace("_", " ").capitalize()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, field_title_generator=_title)


def _text(value: object) -> str:
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
    controllo = CONTROLLO.search(text)
    if controllo is not None:
        # only an escape between double quotes gets here ("\u008f"): the reader refuses the raw character
        raise PydanticCustomError(
            "testo_controllo",
            "il testo contiene un carattere di controllo invisibile (U+{codice}), scritto con una sequenza «\\…»",
            {"codice": f"{ord(controllo.group()):04X}", "hint": "togli la sequenza che inizia con la barra rovesciata «\\» (ad esempio «\\u008f»): il carattere non si vede e non si può stampare"},
        )
    return text


def _code(value: object) -> str:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        read = (format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)).replace(".", ",")
        as_number = f"il numero {read}" if read != str(value) else "un numero"
        raise PydanticCustomError(
            "codice_non_quotato",
            "il codice {found} è scritto senza virgolette: YAML lo legge come {number}",
            {"found": str(value), "number": as_number, "hint": f'scrivi il codice tra virgolette doppie: `codice: "{value}"`'},
        )
    if not isinstance(value, str) or not CODE_RE.fullmatch(value):
        raise PydanticCustomError(
            "codice",
            "codice non valido {found}",
            {"found": describe(value), "hint": 'un codice è fatto di numeri (senza zeri iniziali) separati da punti, tra virgolette: ad esempio `codice: "1.2.3"`'},
        )
    return value


def parse_percent(value: object) -> Decimal | None:
    """``"50%"``, ``"4,5 %"``, ``50`` or ``4.5`` -> percentage points; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, str):
        m = PERCENT_RE.fullmatch(value)
        if m:
            return Decimal(m.group(1).replace(",", "."))
    return None


def _percent(value: object) -> Decimal:
    parsed = parse_percent(value)
    if parsed is None:
        raise PydanticCustomError(
            "percentuale",
            "deve essere una percentuale, trovato {found}",
            {"found": describe(value), "hint": "scrivi la percentuale in cifre, ad esempio `{campo}: 60%`"},
        )
    return entro_limiti(parsed)


def entro_limiti(value: Decimal) -> Decimal:
    """``value``, if within :mod:`generator.limiti` (the gate every number passes)."""
    problema = problema_numero(value)
    if problema is not None:
        raise PydanticCustomError("fuori_limiti", "{problem}, trovato {found}", {"problem": problema[0], "found": describe(value), "hint": problema[1]})
    return value


def _responsabile(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise PydanticCustomError(
        "responsabile",
        "deve essere l'identificativo di una struttura o un elenco di identificativi, trovato {found}",
        {"found": describe(value), "hint": "scrivi ad esempio `responsabile: sg` o `responsabile: [sg, uo-mediazione]`"},
    )


def _scalar(value: object) -> object:
    if isinstance(value, (list, dict)):
        raise PydanticCustomError(
            "valore_scalare",
            "deve essere un singolo valore, trovato {found}",
            {"found": describe(value), "hint": "scrivi un numero, una percentuale, una data o un testo"},
        )
    return value


def describe(value: object) -> str:
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
    if isinstance(value, Decimal) and value.is_finite() and problema_numero(value):
        value = format(value, "")  # 1E+999999999 as written, never expanded to its digits
    return f"«{cita(str(value))}»"


_SCALAR_SCHEMA: dict[str, JsonValue] = {
    "anyOf": [{"type": "number"}, {"type": "string"}, {"type": "boolean"}, {"type": "null"}]
}
_PERCENT_SCHEMA: dict[str, JsonValue] = {
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
# Any: pydantic must take the scalar as it is (a strict union would refuse or
# convert some); the validator's own checks say what is wrong with it.
Scalare = Annotated[Any, BeforeValidator(_scalar), WithJsonSchema(_SCALAR_SCHEMA)]
Responsabile = Annotated[
    tuple[str, ...],
    BeforeValidator(_responsabile),
    WithJsonSchema(
        {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
    ),
]
Data = Annotated[dt.date, WithJsonSchema({"type": "string", "format": "date"})]


def _about(title: str, description: str) -> ConfigDict:
    """Italian title and description of a model in the JSON Schema.

    Editors show them while staff type, so they are written for staff; the
    explicit description also keeps the (English, developer-facing) class
    docstring out of the schema.
    """
    return ConfigDict(title=title, json_schema_extra={"description": description})


def _f(description: str, **kwargs: Any) -> Any:
    """A field with an Italian description for the JSON Schema.

    ``Any`` as :func:`pydantic.Field` itself: its result is assigned as the
    default of fields of every type, and its keywords are Field's own.
    """
    return Field(description=description, **kwargs)


_PESO = "Scritto come percentuale (\"50%\") o in punti percentuali (50)."
_SOGLIA = (
    "Valore che dà un grado di raggiungimento {p} (facoltativo). Stessa forma del target; "
    "target e soglie devono andare nello stesso verso."
)


class AzioneYaml(_Strict):
    """An action (``azione``): the unit that is measured and scored."""

    model_config = _about(
        "Azione",
        "Un'azione dell'obiettivo operativo, con il suo indicatore (KPI), il target e le soglie: "
        "è ciò che si misura nelle rilevazioni.",
    )

    codice: Codice = _f('Codice tra virgolette che continua quello dell\'obiettivo operativo, ad esempio "1.1.1".')
    titolo: Testo = _f("Titolo dell'azione, come compare sul sito.")
    descrizione: Testo | None = _f("Testo facoltativo che spiega l'azione.", default=None)
    peso: Percentuale = _f("Peso dell'azione nel suo obiettivo operativo: i pesi delle azioni dello stesso obiettivo sommano a 100%. " + _PESO)
    indicatore: Testo = _f("Che cosa si misura (KPI), ad esempio «numero di iniziative attivate entro il 30 giugno».")
    tipo: Literal["numero", "percentuale", "data", "si_no", "qualitativo"] = _f(
        "Tipo di indicatore: numero; percentuale; data (una scadenza: prima è meglio); "
        "si_no (fatto o non fatto); qualitativo (giudizio del valutatore, senza target)."
    )
    unita: Testo | None = _f("Unità di misura, solo per il tipo numero: ad esempio gg, ore, €.", default=None)
    verso: Literal["crescente", "decrescente"] | None = _f(
        "crescente: più alto è meglio; decrescente: più basso è meglio. Si può omettere: "
        "è ricavato dalle soglie (senza soglie vale crescente; una data è sempre decrescente).",
        default=None,
    )
    target: Scalare = _f(
        "Valore atteso (grado 100%). numero: 3; percentuale: 45%; data: 2021-06-30 oppure un mese "
        "(giugno = ultimo giorno del mese); si_no: si. Le azioni qualitative non hanno target.",
        default=None,
    )
    soglia_80: Scalare = _f(_SOGLIA.format(p="dell'80%"), default=None)
    soglia_60: Scalare = _f(_SOGLIA.format(p="del 60%"), default=None)
    pira: bool = _f(
        "true se l'azione è nel PIRA (Piano degli indicatori e dei risultati attesi di bilancio), "
        "altrimenti false (predefinito).",
        default=False,
    )
    responsabile: Responsabile | None = _f(
        "Identificativo della struttura responsabile, tra quelli elencati in `strutture` "
        "(ad esempio uo-mediazione), o un elenco: [sg, uo-mediazione]. Se manca, il sito mostra «non indicato».",
        default=None,
    )
    nota: Testo | None = _f("Nota facoltativa mostrata con l'azione (ad esempio: soglie non previste dal piano).", default=None)


class OperativoYaml(_Strict):
    model_config = _about("Obiettivo operativo", "Un obiettivo operativo dell'obiettivo strategico, con le sue azioni pesate.")

    codice: Codice = _f('Codice tra virgolette che continua quello dell\'obiettivo strategico, ad esempio "1.1".')
    titolo: Testo = _f("Titolo dell'obiettivo operativo, come compare sul sito.")
    descrizione: Testo | None = _f("Testo facoltativo che spiega l'obiettivo.", default=None)
    peso: Percentuale = _f(
        "Peso nel suo obiettivo strategico: i pesi degli obiettivi operativi dello stesso obiettivo strategico sommano a 100%. " + _PESO
    )
    indicatore: Testo = _f("Indicatore dell'obiettivo; predefinito «ponderazione» (media pesata delle sue azioni).", default="ponderazione")
    azioni: list[AzioneYaml] = _f("Le azioni dell'obiettivo operativo (almeno una).", min_length=1)


class StrategicoYaml(_Strict):
    model_config = _about("Obiettivo strategico", "Un obiettivo strategico della prospettiva, con il target per ogni anno del triennio.")

    codice: Codice = _f('Codice dell\'obiettivo strategico tra virgolette: un numero semplice, ad esempio "1".')
    titolo: Testo = _f("Titolo dell'obiettivo strategico, come compare sul sito.")
    descrizione: Testo | None = _f("Testo facoltativo che spiega l'obiettivo.", default=None)
    indicatore: Testo = _f(
        "Indicatore dell'obiettivo; predefinito «ponderazione» (media pesata dei suoi obiettivi operativi).",
        default="ponderazione",
    )
    target: dict[Annotated[int, Field(strict=False)], Percentuale] = _f(
        "Grado di raggiungimento atteso per ogni anno del triennio, ad esempio {2021: 80%, 2022: 80%, 2023: 80%}. "
        "L'anno del piano è obbligatorio.",
        json_schema_extra={"propertyNames": {"pattern": r"^[0-9]{4}$"}},
    )
    obiettivi_operativi: list[OperativoYaml] = _f("Gli obiettivi operativi (almeno uno); i loro pesi sommano a 100%.", min_length=1)


class ProspettivaYaml(_Strict):
    model_config = _about("Prospettiva", "Un'area strategica del piano, ad esempio «Sviluppo del tessuto economico locale».")

    id: Identificativo = _f("Identificativo breve, usato negli indirizzi del sito: minuscole, cifre e trattini (ad esempio tessuto-economico).")
    nome: Testo = _f("Nome della prospettiva, come compare sul sito.")
    descrizione: Testo | None = _f("Testo facoltativo che spiega la prospettiva.", default=None)
    obiettivi_strategici: list[StrategicoYaml] = _f("Gli obiettivi strategici della prospettiva (almeno uno).", min_length=1)


class AdozioneYaml(_Strict):
    model_config = _about("Adozione del piano", "L'atto con cui l'ente ha adottato il piano: data e atto.")

    data: Data = _f("Data dell'atto di adozione, ad esempio 2021-01-29.")
    atto: Testo = _f("L'atto, ad esempio «Delibera di Giunta n. 5».")


class VariazioneYaml(_Strict):
    model_config = _about(
        "Variazione del piano",
        "Una modifica degli obiettivi approvata durante l'anno (D.Lgs. 150/2009, art. 6): data, atto e che cosa cambia.",
    )

    data: Data = _f("Data dell'atto che approva la variazione, ad esempio 2021-07-15.")
    atto: Testo = _f("L'atto, ad esempio «Delibera di Giunta n. 60».")
    descrizione: Testo = _f("Che cosa cambia e perché, ad esempio «target dell'azione 1.4.1 ridotto a 120 per la fine dell'obbligatorietà della mediazione».")


class SmvpYaml(_Strict):
    model_config = _about(
        "Regole di valutazione (SMVP)",
        "Come il grado diventa uno stato in parole («raggiunto», «parzialmente raggiunto», «non raggiunto»). "
        "Tutte le chiavi sono facoltative: i valori predefiniti sono spiegati sulla pagina del Sistema di "
        "misurazione e valutazione della Performance.",
    )

    soglia_parziale: Percentuale = _f(
        "Grado da cui un obiettivo che non arriva al suo target è «parzialmente raggiunto»; sotto è «non raggiunto». "
        "Predefinito 60%.",
        default=Decimal(60),
    )
    target_prospettive: Percentuale | None = _f(
        "Target delle prospettive: se indicato, ogni prospettiva ha uno stato (raggiunto se il suo grado arriva al target); "
        "altrimenti solo il grado.",
        default=None,
    )
    target_ente: Percentuale | None = _f(
        "Target del grado complessivo dell'ente: se indicato, l'ente ha uno stato; altrimenti solo il grado.",
        default=None,
    )


class PianoYaml(_Strict):
    """A plan file, ``plan/<anno>.yml``."""

    model_config = _about(
        "Piano della Performance",
        "Il piano di un anno (file plan/<anno>.yml): ente, triennio, strutture responsabili e l'albero "
        "prospettive → obiettivi strategici → obiettivi operativi → azioni.",
    )

    ente: Testo = _f("Nome dell'ente, ad esempio «Camera di Commercio di Sondrio».")
    titolo: Testo = _f("Titolo del documento, ad esempio «Piano della Performance 2021-2023».")
    anno: int = _f("Anno del piano: uguale al nome del file (plan/2021.yml → 2021).")
    triennio: list[int] = _f("Gli anni coperti dal piano, compreso l'anno del piano, ad esempio [2021, 2022, 2023].", min_length=1)
    metodo: Literal["fasce", "lineare"] = _f(
        "Calcolo del grado di un'azione: fasce (100, 80, 60 o 0 secondo target e soglie; predefinito) "
        "oppure lineare (proporzionale tra una soglia e l'altra).",
        default="fasce",
    )
    strutture: dict[Identificativo, Testo] = _f(
        "Le strutture responsabili: identificativo (minuscole, cifre, trattini) → nome, ad esempio "
        "uo-mediazione: U.O. \"Mediazione\". Le azioni vi fanno riferimento con `responsabile`.",
        default_factory=dict,
    )
    smvp: SmvpYaml = _f(
        "Regole facoltative del Sistema di misurazione e valutazione: da quale grado un obiettivo è "
        "«parzialmente raggiunto» (predefinito 60%) e gli eventuali target di prospettive ed ente.",
        default_factory=SmvpYaml,
    )
    prospettive: list[ProspettivaYaml] = _f("Le prospettive del piano, ciascuna con i suoi obiettivi strategici.", min_length=1)
    adozione: AdozioneYaml | None = _f(
        "Facoltativo: l'atto di adozione del piano, ad esempio {data: 2021-01-29, atto: \"Delibera di Giunta n. 5\"}. "
        "Da questa data ogni modifica di target, pesi o soglie deve corrispondere a una variazione.",
        default=None,
    )
    variazioni: list[VariazioneYaml] = _f(
        "Facoltativo: le variazioni approvate durante l'anno, in ordine di data, ciascuna con data, atto e descrizione.",
        default_factory=list,
    )


class ScostamentoYaml(_Strict):
    model_config = _about(
        "Scostamento",
        "Perché il risultato è sotto il target (D.Lgs. 150/2009, art. 10): la causa, la spiegazione e, se c'è, l'azione correttiva.",
    )

    causa: Literal["esterna", "interna", "indicatore"] = _f(
        "esterna (fattori fuori dal controllo dell'ente); interna (organizzazione, risorse, tempi dell'ente); "
        "indicatore (indicatore o target scelti male)."
    )
    descrizione: Testo = _f("La spiegazione dello scostamento, in parole semplici, ad esempio «calo delle istanze dopo la fine dell'obbligatorietà».")
    azione_correttiva: Testo | None = _f("Facoltativo: che cosa fa l'ente per recuperare, ad esempio «campagna informativa presso le associazioni».", default=None)


class MisuraYaml(_Strict):
    """A measured value written in full: with a note, a ratio or an ``esito``."""

    model_config = _about(
        "Valore con dettagli",
        "Un valore con nota, un rapporto numeratore/denominatore, oppure il giudizio (esito) di un'azione qualitativa.",
    )

    valore: Scalare = _f("Il valore misurato; per una scadenza non ancora raggiunta: null (con una nota).", default=None)
    nota: Testo | None = _f("Fonte o spiegazione del valore; obbligatoria insieme a esito.", default=None)
    numeratore: Annotated[Decimal, Field(strict=False), AfterValidator(entro_limiti)] | None = _f(
        "Numeratore di un rapporto: il valore è numeratore/denominatore (in percentuale per il tipo percentuale).", default=None
    )
    denominatore: Annotated[Decimal, Field(strict=False), AfterValidator(entro_limiti)] | None = _f("Denominatore del rapporto: diverso da zero.", default=None)
    esito: Percentuale | None = _f("Giudizio di un'azione qualitativa, da 0% a 100%; richiede una nota.", default=None)
    fonte: Testo | None = _f("Da dove viene il dato, ad esempio «gestionale ConciliaCamera, estrazione del 10/01/2022».", default=None)
    evidenza: Testo | None = _f(
        "Un documento che il valutatore (OIV) può aprire: un indirizzo https://… o un percorso nel sito.", default=None
    )
    scostamento: ScostamentoYaml | None = _f(
        "Nel consuntivo, per un'azione sotto il target: causa (esterna, interna, indicatore), descrizione e, "
        "facoltativa, azione_correttiva.",
        default=None,
    )


def _misura_kind(value: object) -> str:
    return "dettaglio" if isinstance(value, dict) else "semplice"


ValoreMisurato = Annotated[
    Annotated[MisuraYaml, Tag("dettaglio")] | Annotated[Scalare, Tag("semplice")],
    Discriminator(_misura_kind),
]


class RilevazioneYaml(_Strict):
    """A measurement file, ``measurements/<data>.yml``."""

    model_config = _about(
        "Rilevazione della Performance",
        "I valori misurati delle azioni a una data (file measurements/<data>.yml): un monitoraggio o il consuntivo.",
    )

    piano: int = _f("Anno del piano a cui si riferiscono i valori, ad esempio 2021.")
    data: Data = _f("Data della rilevazione, uguale al nome del file, ad esempio 2021-06-30.")
    tipo: Literal["monitoraggio", "consuntivo"] = _f("monitoraggio (verifica intermedia) o consuntivo (risultato finale dell'anno).")
    esempio: bool = _f("true se i dati sono illustrativi: il sito lo segnala con un avviso ben visibile.", default=False)
    valori: dict[str, ValoreMisurato] = _f(
        'Un valore per codice d\'azione, tra virgolette: "1.1.1": 3 · "1.3.1": 45% · "1.5.1": 2021-06-10 (data di completamento) · '
        '"2.1.2": {numeratore: 30, denominatore: 150} · "5.3.1": {esito: 80%, nota: "…"} · "6.1.1": {valore: null, nota: "…"}.',
        json_schema_extra={"propertyNames": {"pattern": CODE_RE.pattern}},
    )


Importo = Annotated[Decimal, Field(strict=False, ge=0), AfterValidator(entro_limiti), WithJsonSchema({"type": "number", "minimum": 0, "description": "euro, ad esempio 120000 o 1250.50"})]
Conteggio = Annotated[int, Field(ge=0)]


class ApprovazioneYaml(_Strict):
    model_config = _about("Approvazione della Relazione", "L'atto con cui la Giunta ha approvato la Relazione: data e atto.")

    data: Data = _f("Data dell'atto di approvazione, ad esempio 2022-06-20 (entro il 30 giugno).")
    atto: Testo = _f("L'atto, ad esempio «Delibera di Giunta n. 45».")


class ValidazioneYaml(_Strict):
    model_config = _about("Validazione dell'OIV", "La validazione della Relazione da parte dell'OIV: data e documento.")

    data: Data = _f("Data del documento di validazione dell'OIV, ad esempio 2022-06-28.")
    documento: Testo = _f("Il documento di validazione: un indirizzo https://… oppure un percorso relativo nel sito.")


class RisorsaYaml(_Strict):
    model_config = _about("Risorse di un obiettivo strategico", "Risorse finanziarie stanziate e impiegate per un obiettivo strategico, in euro.")

    obiettivo: Codice = _f('Codice dell\'obiettivo strategico tra virgolette, ad esempio "1".')
    stanziato: Importo = _f("Euro stanziati per l'obiettivo nell'anno.")
    impiegato: Importo | None = _f("Euro effettivamente impiegati (impegnati) nell'anno.", default=None)
    nota: Testo | None = _f("Facoltativa: una nota sulle risorse, ad esempio la fonte contabile.", default=None)


class PersonaleYaml(_Strict):
    model_config = _about("Personale per genere", "Il personale in servizio di una categoria, per genere, al 31 dicembre.")

    categoria: Testo = _f("Categoria di personale, ad esempio «Dirigenti» o «Personale non dirigente».")
    donne: Conteggio = _f("Numero di donne in servizio nella categoria.")
    uomini: Conteggio = _f("Numero di uomini in servizio nella categoria.")


class IndicatoreGenereYaml(_Strict):
    model_config = _about("Indicatore di genere", "Un indicatore misurato separatamente per donne e uomini.")

    nome: Testo = _f("Che cosa si misura, ad esempio «ore di formazione pro capite».")
    donne: Annotated[Decimal, Field(strict=False)] = _f("Valore per le donne.")
    uomini: Annotated[Decimal, Field(strict=False)] = _f("Valore per gli uomini.")
    unita: Testo | None = _f("Facoltativa: unità di misura, ad esempio ore, %, €.", default=None)


class SpesaGenereYaml(_Strict):
    model_config = _about("Spesa nel bilancio di genere", "Una voce di spesa classificata secondo il suo impatto di genere.")

    voce: Testo = _f("La voce di spesa, ad esempio «formazione del personale».")
    classificazione: Literal["neutrale", "sensibile", "diretta"] = _f(
        "neutrale (nessun impatto di genere); sensibile (impatto diverso su donne e uomini); "
        "diretta (destinata a ridurre le disuguaglianze di genere)."
    )
    importo: Importo = _f("Euro impegnati nell'anno per la voce.")


class GenereYaml(_Strict):
    model_config = _about("Pari opportunità e bilancio di genere", "Dati di genere dell'anno: personale, indicatori, spese.")

    personale: list[PersonaleYaml] = _f("Il personale per categoria e genere.", default_factory=list)
    indicatori: list[IndicatoreGenereYaml] = _f("Altri indicatori per genere (formazione, lavoro agile, retribuzioni…).", default_factory=list)
    spese: list[SpesaGenereYaml] = _f("Le spese classificate per impatto di genere (bilancio di genere).", default_factory=list)
    nota: Testo | None = _f("Facoltativa: fonte o spiegazione dei dati.", default=None)


class RelazioneYaml(_Strict):
    """Structured extras of one year's Relazione, ``relazione/<anno>/relazione.yml``."""

    model_config = _about(
        "Relazione sulla Performance",
        "Dati della Relazione di un anno (file relazione/<anno>/relazione.yml): stato del documento, "
        "risorse per obiettivo strategico, dati di genere.",
    )

    anno: int = _f("Anno della Relazione: uguale al nome della cartella (relazione/2021/ → 2021) e all'anno del piano.")
    stato: Literal["bozza", "approvata", "validata"] = _f(
        "bozza (predefinito); approvata (dalla Giunta: serve approvazione); validata (dall'OIV: servono approvazione e validazione).",
        default="bozza",
    )
    approvazione: ApprovazioneYaml | None = _f("Data e atto di approvazione della Giunta; obbligatoria per approvata e validata.", default=None)
    validazione: ValidazioneYaml | None = _f("Data e documento della validazione dell'OIV; obbligatoria per validata.", default=None)
    risorse: list[RisorsaYaml] = _f(
        'Risorse per obiettivo strategico, in euro: ad esempio - {obiettivo: "1", stanziato: 120000, impiegato: 98000}.',
        default_factory=list,
    )
    genere: GenereYaml | None = _f("Dati per la sezione «Pari opportunità e bilancio di genere».", default=None)


#: Smallest group of recipients whose bonus amounts may be published (see
#: generator.premi): below it, figures identify individuals' pay.
MINIMO_DESTINATARI = 3



class CategoriaPremiYaml(_Strict):
    model_config = _about(
        "Categoria di personale",
        "I premi di una categoria di personale, in forma aggregata. Se i destinatari sono meno del minimo "
        "(minimo_destinatari, predefinito 3) il sito non pubblica gli importi della categoria.",
    )

    nome: Testo = _f("Nome della categoria, ad esempio «Dirigenti» o «Personale non dirigente».")
    dipendenti: Conteggio | None = _f("Personale in servizio nella categoria.", default=None)
    destinatari: Conteggio | None = _f(
        "Quanti hanno ricevuto un premio. Sotto il minimo (predefinito 3) gli importi non sono pubblicati.", default=None
    )
    stanziato: Importo | None = _f("Euro destinati ai premi della categoria.", default=None)
    distribuito: Importo | None = _f("Euro effettivamente distribuiti alla categoria.", default=None)
    premio_minimo: Importo | None = _f("Il premio più basso assegnato nella categoria (differenziazione dei premi).", default=None)
    premio_massimo: Importo | None = _f("Il premio più alto assegnato nella categoria (differenziazione dei premi).", default=None)
    nota: Testo | None = _f("Nota facoltativa mostrata sotto la tabella.", default=None)


class PremiYaml(_Strict):
    """A bonus file, ``premi/<anno>.yml`` (D.Lgs. 33/2013, art. 20)."""

    model_config = _about(
        "Premi (D.Lgs. 33/2013, art. 20)",
        "L'ammontare dei premi collegati alla performance di un anno (file premi/<anno>.yml) e la loro "
        "distribuzione per categoria di personale, solo in forma aggregata.",
    )

    anno: int = _f("Anno a cui si riferiscono i premi: uguale al nome del file (premi/2021.yml → 2021).")
    esempio: bool = _f("true se i dati sono illustrativi: il sito lo segnala con un avviso ben visibile.", default=False)
    stanziato: Importo = _f("Euro destinati ai premi collegati alla performance (il fondo).")
    distribuito: Importo | None = _f("Euro effettivamente distribuiti; si omette finché i premi non sono pagati.", default=None)
    nota: Testo | None = _f("Nota facoltativa, ad esempio «Importi lordi».", default=None)
    minimo_destinatari: Annotated[int, Field(ge=MINIMO_DESTINATARI)] = _f(
        "Sotto quanti destinatari gli importi di una categoria non si pubblicano, per tutela della riservatezza "
        "(predefinito 3; si può solo alzare).",
        default=MINIMO_DESTINATARI,
    )
    categorie: list[CategoriaPremiYaml] = _f("Facoltativo: i dati per categoria di personale.", default_factory=list)


SCHEMAS: dict[str, type[BaseModel]] = {
    "plan.schema.json": PianoYaml,
    "measurement.schema.json": RilevazioneYaml,
    "relazione.schema.json": RelazioneYaml,
    "premi.schema.json": PremiYaml,
}


def json_schema_text(model: type[BaseModel]) -> str:
    """The JSON Schema file content for ``model`` (stable, pretty-printed)."""
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

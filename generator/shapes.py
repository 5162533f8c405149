"""Shape errors in Italian: pydantic's :class:`ValidationError` -> positioned diagnostics.

The models of :mod:`generator.schema` check each file's shape (unknown or
missing keys, types, enums, bounds). Their errors name a data path
(``("prospettive", 0, "obiettivi_strategici", 1, "peso")``);
:func:`shape_diagnostics` turns each into a :class:`Diagnostic` at the
user's line and column, in words a staff member reads ("manca il campo
obbligatorio «peso» nell'azione «1.1.2»"), with a hint ("forse intendevi
…?", an example of the right form). Every input checked against a model
(plan, measurements, premi, the Relazione's data file) goes through it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from . import schema as S
from .diagnostics import Diagnostic, close_match, did_you_mean
from .source import Document, Loc

_TYPE_NAMES = {
    "bool_type": ("true (sì) o false (no)", "scrivi `{f}: true` per sì oppure `{f}: false` per no (qui «si» e «no» non valgono)"),
    "int_type": ("un numero intero", "scrivi ad esempio `{f}: 2021`"),
    "int_parsing": ("un numero intero", "scrivi ad esempio `{f}: 2021`"),
    "int_from_float": ("un numero intero", "togli i decimali"),
    "string_type": ("un testo", "scrivi il testo dopo i due punti"),
    "date_type": ("una data AAAA-MM-GG", "scrivi ad esempio `{f}: 2021-06-30`"),
    "date_from_datetime_parsing": ("una data AAAA-MM-GG", "scrivi ad esempio `{f}: 2021-06-30`"),
    "list_type": ("un elenco", "scrivi gli elementi su righe che iniziano con «- »"),
    "tuple_type": ("un elenco", "scrivi gli elementi su righe che iniziano con «- »"),
    "dict_type": ("un gruppo di campi «nome: valore»", "scrivi i campi su righe rientrate sotto `{f}:`"),
    "model_type": ("un gruppo di campi «nome: valore»", "scrivi i campi su righe rientrate"),
    "model_attributes_type": ("un gruppo di campi «nome: valore»", "scrivi i campi su righe rientrate"),
    "decimal_type": ("un numero", "scrivi ad esempio `{f}: 30`"),
    "decimal_parsing": ("un numero", "scrivi ad esempio `{f}: 30`"),
}

_EXAMPLES = {
    "codice": '"1.1"',
    "titolo": "Capitale umano",
    "peso": "50%",
    "indicatore": "numero di iniziative attivate",
    "tipo": "numero",
    "target": "3",
    "ente": "Camera di Commercio di …",
    "anno": "2021",
    "triennio": "[2021, 2022, 2023]",
    "piano": "2021",
    "data": "2021-06-30",
    "id": "tessuto-economico",
    "nome": "Sviluppo del tessuto economico locale",
}


def _unquoted_would_do(kind: str, value: object) -> bool:
    """Would this quoted text be right without its quotes?"""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if kind.startswith("int"):
        return text.lstrip("+-").isdigit()
    if kind.startswith("date"):
        return len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit()
    if kind.startswith("bool"):
        return text in ("true", "false")
    if kind.startswith("decimal"):
        return text.replace(".", "", 1).lstrip("+-").isdigit()
    return False


def _clean_loc(loc: tuple[int | str, ...]) -> Loc:
    # Drop pydantic's union tags and "[key]" markers: our index uses data paths.
    return tuple(p for p in loc if p not in ("dettaglio", "semplice", "[key]"))


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Allowed keys of the mapping at ``loc`` (for "did you mean" hints)."""
    current: type[BaseModel] | None = model
    skip_key = False
    for part in loc:
        if isinstance(part, int):
            continue
        if skip_key:  # a key of a dict field (a year, a code): stay on its value type
            skip_key = False
            continue
        if current is None:
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            return []
        skip_key = getattr(info.annotation, "__origin__", None) is dict
        current = _model_in(info.annotation)
    return list(current.model_fields) if current is not None else []


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The BaseModel inside ``list[X]`` / ``X | None`` / ``dict[...]`` annotations."""
    stack: list[object] = [annotation]
    while stack:
        a = stack.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            return a
        stack.extend(getattr(a, "__args__", ()))
        origin = getattr(a, "__origin__", None)
        if origin is not None and hasattr(a, "__metadata__"):
            stack.append(origin)
    return None


_OWNERS = {
    "azioni": "nell'azione",
    "obiettivi_operativi": "nell'obiettivo operativo",
    "obiettivi_strategici": "nell'obiettivo strategico",
    "prospettive": "nella prospettiva",
}


def _owner(doc: Document, loc: Loc) -> str:
    """" nell'azione «1.1.2»": which object a message is about, in a long file."""
    if len(loc) < 2 or not isinstance(loc[-1], int) or loc[-2] not in _OWNERS:
        return ""
    node: Any = doc.data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return ""
    name = node.get("codice", node.get("id")) if isinstance(node, dict) else None
    return f" {_OWNERS[str(loc[-2])]} «{name}»" if isinstance(name, str) else ""


def shape_diagnostics(err: ValidationError, doc: Document, model: type[BaseModel]) -> list[Diagnostic]:
    """Every error of ``err`` (``model`` checking ``doc``) as a positioned Italian diagnostic, in pydantic's order."""
    out: list[Diagnostic] = []
    for e in err.errors(include_url=False):
        loc = _clean_loc(e["loc"])
        kind = e["type"]
        names = [p for p in loc if isinstance(p, str)]
        f = names[-1] if names else "valore"
        ctx = e.get("ctx") or {}
        found = S.describe(e.get("input"))
        # what the message is about: «peso», but «target» del 2023 and the
        # value of «1.1.1» rather than «2023» and «1.1.1» alone
        subject = f"«{f}»"
        if len(names) >= 2 and names[-2] == "target" and f.isdigit():
            subject = f"«target» del {f}"
        elif len(names) == 2 and names[0] == "valori" and kind != "extra_forbidden":
            subject = f"il valore di «{f}»"
        if kind == "missing":
            example = _EXAMPLES.get(f, "…")
            out.append(
                Diagnostic(
                    doc.pos(loc[:-1]),
                    f"manca il campo obbligatorio «{f}»{_owner(doc, loc[:-1])}",
                    f"aggiungi `{f}: {example}` insieme agli altri campi",
                )
            )
        elif kind == "extra_forbidden":
            allowed = _fields_at(model, loc[:-1])
            guess = close_match(f, allowed) or close_match(f.lower(), allowed)
            hint = (
                did_you_mean(guess) + "I nomi dei campi si scrivono in minuscolo, come nella guida"
                if guess
                else ("i campi ammessi qui sono: " + ", ".join(allowed) if allowed else "togli il campo")
            )
            out.append(Diagnostic(doc.key_pos(loc), f"chiave sconosciuta «{f}»{_owner(doc, loc[:-1])}", hint))
        elif kind == "literal_error":
            options = [o.strip().strip("'") for o in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
            guess = close_match(str(e.get("input")).lower(), options) if isinstance(e.get("input"), str) else None
            hint = did_you_mean(guess)
            hint += "Valori ammessi: " + ", ".join(options)
            out.append(Diagnostic(doc.pos(loc), f"valore non ammesso {found} per «{f}»", hint))
        elif kind == "too_short":
            out.append(Diagnostic(doc.pos(loc), f"l'elenco «{f}» è vuoto", "aggiungi almeno un elemento"))
        elif kind == "string_pattern_mismatch":
            out.append(
                Diagnostic(
                    doc.key_pos(loc) if loc and loc[0] == "strutture" else doc.pos(loc),
                    f"identificativo non valido {found}",
                    "usa solo lettere minuscole, cifre e trattini, ad esempio `uo-mediazione`",
                )
            )
        elif kind in _TYPE_NAMES:
            what, hint = _TYPE_NAMES[kind]
            hint = hint.format(f=f)
            if loc in doc.quoted and _unquoted_would_do(kind, e.get("input")):
                # "2021" or "2021-06-30" in quotes is text, not a number or a date
                hint = f"togli le virgolette: `{f}: {e.get('input')}`"
                found = f"il testo \"{e.get('input')}\" tra virgolette"
            out.append(Diagnostic(doc.pos(loc), f"{subject} deve essere {what}, trovato {found}", hint))
        elif "hint" in ctx or kind in ("testo", "testo_vuoto", "percentuale", "valore_scalare", "responsabile"):
            msg = e["msg"]
            if msg.startswith("deve") or msg.startswith("il testo"):
                msg = f"{subject} {msg}" if msg.startswith("deve") else f"{subject}: {msg}"
            hint = str(ctx.get("hint", f"scrivi un valore per «{f}»")).replace("{campo}", f)
            out.append(Diagnostic(doc.pos(loc), msg, hint))
        elif kind in _BOUNDS:
            relation, key = _BOUNDS[kind]
            limit = str(ctx.get(key, "")).replace(".", ",")
            out.append(
                Diagnostic(doc.pos(loc), f"{subject} deve essere {relation} {limit}, trovato {found}", f"correggi il valore: {relation} {limit}")
            )
        else:
            out.append(Diagnostic(doc.pos(loc), f"{subject} non è valido ({e['msg']})", "controlla il valore"))
    return out


#: pydantic's numeric bound errors -> (Italian relation, ctx key of the limit)
_BOUNDS = {
    "greater_than_equal": ("maggiore o uguale a", "ge"),
    "greater_than": ("maggiore di", "gt"),
    "less_than_equal": ("minore o uguale a", "le"),
    "less_than": ("minore di", "lt"),
}

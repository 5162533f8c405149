"""Reading one typed value from YAML: a number, a percentage, a date or a yes/no.

A KPI's ``tipo`` says how its target, thresholds and measured values are
written; :func:`interpret` is the one reader of that, used by the plan's
checks, the measurements' checks and the plan-change detector
(:mod:`generator.variazioni`), so a value means the same everywhere. It
returns what is wrong as a :class:`Problema` (message and hint, in Italian)
instead of raising: the caller knows where the value was written and adds
the position.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from . import schema as S
from .diagnostics import close_match, did_you_mean
from .limiti import problema_numero
from .model import Valore

MESI = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"]


@dataclass(frozen=True)
class Problema:
    message: str
    hint: str


def month_deadline(name: str, anno: int) -> dt.date | None:
    """``"maggio"`` -> 31 May of ``anno`` (a deadline is the month's last day)."""
    key = name.strip().lower()
    if key in MESI:
        month = MESI.index(key) + 1
        return dt.date(anno, month, calendar.monthrange(anno, month)[1])
    return None


def interpret(tipo: str, raw: object, anno: int, campo: str, deadline_names: bool = True) -> Valore | Problema:
    """Read ``raw`` as a value of KPI type ``tipo``, or say what is wrong."""
    found = S.describe(raw)
    if tipo == "numero":
        if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
            return Decimal(raw)
        hint = f"scrivi solo il numero, ad esempio `{campo}: 28`"
        if isinstance(raw, str) and raw.strip() and raw.strip()[0].isdigit():
            hint += "; l'unità di misura va nel campo `unita` (ad esempio `unita: gg`)"
            if "," in raw:
                hint += "; per i decimali usa il punto: `4.5`"
        return Problema(f"«{campo}» deve essere un numero, trovato {found}", hint)
    if tipo == "percentuale":
        value = S.parse_percent(raw)
        limite = problema_numero(value) if value is not None else None
        if limite is not None:
            return Problema(f"«{campo}»: {limite[0]}, trovato {found}", limite[1])
        if value is not None:
            return value
        return Problema(f"«{campo}» deve essere una percentuale, trovato {found}", f"scrivi ad esempio `{campo}: 45%`")
    if tipo == "data":
        if isinstance(raw, dt.date):
            return raw
        if deadline_names and isinstance(raw, str):
            deadline = month_deadline(raw, anno)
            if deadline is not None:
                return deadline
        if not deadline_names:
            return Problema(
                f"«{campo}» deve essere una data AAAA-MM-GG, trovato {found}",
                f"scrivi ad esempio `{campo}: {anno}-06-10`",
            )
        guess = close_match(raw.strip().lower(), MESI) if isinstance(raw, str) else None
        hint = did_you_mean(guess)
        hint += f"Scrivi una data, ad esempio `{campo}: {anno}-06-30`, oppure il nome del mese, ad esempio `{campo}: giugno` (= 30 giugno {anno})"
        return Problema(f"«{campo}» deve essere una data (AAAA-MM-GG) o il nome di un mese, trovato {found}", hint)
    if tipo == "si_no":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("si", "sì", "no"):
            return raw.strip().lower() != "no"
        return Problema(f"«{campo}» deve essere «si» o «no», trovato {found}", f"scrivi `{campo}: si` oppure `{campo}: no`")
    return Problema(f"«{campo}» non è previsto per un indicatore {tipo}", "togli il campo")

"""The forms people type in a plan's cells, read into typed values.

"80%" (text) or 0.8 shown as a percentage, "+15%", "4,5", "28 gg",
"20 ore", "95 €" or 95 with a currency format, "maggio", "qualitativa",
"si"/"no", a date. Each reading says what it had to interpret, so the
YAML it ends up in can say so in a comment.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from .grid import Cell, norm

ValueKind = Literal["percentuale", "numero", "mese", "data", "qualitativa", "si_no"]

MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"]

#: unit words as typed -> the plan's `unita`
UNITS = {
    "gg": "gg", "gg.": "gg", "giorni": "gg", "giorno": "gg", "g": "gg",
    "ore": "ore", "ora": "ore", "h": "ore",
    "€": "€", "euro": "€", "eur": "€",
}

_NUM = r"[+-]?\d+(?:[.,]\d+)?|[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"
_VALUE_RE = re.compile(rf"^\s*(?P<num>{_NUM})\s*(?P<unit>%|gg\.?|giorni|giorno|ore|ora|h|€|euro|eur)?\s*$", re.IGNORECASE)
_EURO_FIRST_RE = re.compile(rf"^\s*(?:€|euro|eur)\s*(?P<num>{_NUM})\s*$", re.IGNORECASE)
_INSIDE_RE = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>%)?")
_DATE_RE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def normalize(text: str) -> str:
    """Header and name matching: case, accents, spacing, line breaks and dots don't matter."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch)).lower()
    t = re.sub(r"[.\u00a0]", " ", t)
    return " ".join(t.split())


@dataclass(frozen=True, slots=True)
class Reading:
    """A cell read as a value of one kind; ``nota`` says what was interpreted."""

    kind: ValueKind
    value: Decimal | str | dt.date | bool | None
    unita: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why a cell could not be read, and how to write it."""

    message: str
    hint: str


def parse_decimal(text: str) -> Decimal | None:
    """"4,5" / "4.5" / "1.250,5" -> Decimal; else None."""
    t = text.strip().replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", t):
        t = t.replace(".", "").replace(",", ".")
    else:
        t = t.replace(",", ".")
    try:
        return norm(Decimal(t))
    except InvalidOperation:
        return None


def read_value(cell: Cell, anno: int) -> Reading | Unreadable:
    """A target or threshold cell (``anno``: the plan's year, for month names)."""
    v = cell.value
    if cell.kind == "percentuale":
        return Reading("percentuale", v)
    if cell.kind == "valuta":
        return Reading("numero", v, "€", f"nel foglio «{cell.text}» (formato valuta)")
    if cell.kind == "numero":
        return Reading("numero", v)
    if cell.kind == "data":
        return Reading("data", v)
    if cell.kind == "booleano":
        return Reading("si_no", v)
    text = str(v)
    key = normalize(text)
    if key in ("qualitativa", "qualitativo", "valutazione qualitativa"):
        return Reading("qualitativa", None, comment=f"nel foglio «{text.strip()}»")
    if key in MONTHS:
        return Reading("mese", key, comment=None if text.strip() == key else f"nel foglio «{text.strip()}»")
    if key in ("si", "no"):
        return Reading("si_no", key == "si")
    m = _DATE_RE.match(text)
    if m:
        try:
            return Reading("data", dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))), comment=f"nel foglio «{text.strip()}»")
        except ValueError:
            pass
    m = _VALUE_RE.match(text) or _EURO_FIRST_RE.match(text)
    if m:
        num = parse_decimal(m.group("num"))
        unit = (m.groupdict().get("unit") or ("€" if _EURO_FIRST_RE.match(text) else "")).lower()
        if num is not None:
            shown = text.strip()
            interpreted = shown.startswith("+") or "," in shown or bool(unit and unit != "%") or shown != shown.replace(" ", "")
            comment = f"nel foglio «{shown}»" if interpreted else None
            if unit == "%":
                return Reading("percentuale", abs(num) if shown.startswith("+") else num, comment=comment)
            return Reading("numero", num, UNITS.get(unit) if unit else None, comment)
    numbers = list(_INSIDE_RE.finditer(text))
    if len(numbers) == 1:
        m2 = numbers[0]
        num = parse_decimal(m2.group("num"))
        if num is not None:
            kind: ValueKind = "percentuale" if m2.group("unit") else "numero"
            return Reading(kind, num, comment=f"nel foglio «{text.strip()}»: letto {num}{'%' if m2.group('unit') else ''}")
    return Unreadable(
        f"non si legge come valore: «{text.strip()}»",
        f"scrivi un numero (`3`, `4,5`, `28 gg`), una percentuale (`80%`), il nome di un mese (`giugno` = 30 giugno {anno}) "
        "oppure «qualitativa»",
    )


def read_peso(cell: Cell) -> Reading | Unreadable:
    """A weight: 0.5 with a % format, "50%", 50 (percentage points), or 0.5 as a fraction."""
    v = cell.value
    if cell.kind == "percentuale":
        return Reading("percentuale", v)
    if cell.kind == "numero" and isinstance(v, Decimal):
        if 0 < v <= 1:
            return Reading("percentuale", norm(v * 100), comment=f"nel foglio «{cell.text}», letto come frazione: {norm(v * 100)}%")
        return Reading("percentuale", v, comment=f"nel foglio «{cell.text}», letto in punti percentuali")
    if cell.kind == "testo":
        m = _VALUE_RE.match(str(v))
        if m and (m.group("unit") in (None, "%")):
            num = parse_decimal(m.group("num"))
            if num is not None:
                return Reading("percentuale", num)
    return Unreadable(f"il peso deve essere una percentuale, trovato «{cell.text.strip()}»", "scrivi ad esempio `50%`")


def read_pira(cell: Cell | None) -> bool | Unreadable:
    """PIRA flag: "si"/"sì"/"x"/VERO -> true; empty/"no"/FALSO -> false."""
    if cell is None:
        return False
    if cell.kind == "booleano":
        return bool(cell.value)
    key = normalize(cell.text)
    if key in ("si", "x", "s", "vero", "1", "yes", "✓", "✔"):
        return True
    if key in ("no", "", "falso", "0", "-"):
        return False
    return Unreadable(f"la colonna PIRA vale «si» o resta vuota, trovato «{cell.text.strip()}»", "scrivi `si` per gli indicatori PIRA e lascia vuota la cella per gli altri")


def read_codice(cell: Cell) -> str | Unreadable:
    """A code as text: "1.1.1", or a number typed as code (1 -> "1", 1.2 -> "1.2")."""
    v = cell.value
    text = format(v, "f") if cell.kind == "numero" and isinstance(v, Decimal) else cell.text.strip().rstrip(".")
    if re.fullmatch(r"[1-9][0-9]*(\.[1-9][0-9]*)*", text):
        return text
    return Unreadable(f"codice non valido «{cell.text.strip()}»", "i codici sono numeri separati da punti, ad esempio `1`, `1.2`, `1.2.3`")

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

from .grid import Cella, norm

Genere = Literal["percentuale", "numero", "mese", "data", "qualitativa", "si_no"]

MESI = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"]

#: unit words as typed -> the plan's `unita`
UNITA = {
    "gg": "gg", "gg.": "gg", "giorni": "gg", "giorno": "gg", "g": "gg",
    "ore": "ore", "ora": "ore", "h": "ore",
    "€": "€", "euro": "€", "eur": "€",
}

_NUM = r"[+-]?\d+(?:[.,]\d+)?|[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"
_VALORE_RE = re.compile(rf"^\s*(?P<num>{_NUM})\s*(?P<unit>%|gg\.?|giorni|giorno|ore|ora|h|€|euro|eur)?\s*$", re.IGNORECASE)
_EURO_PRIMA_RE = re.compile(rf"^\s*(?:€|euro|eur)\s*(?P<num>{_NUM})\s*$", re.IGNORECASE)
_DENTRO_RE = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>%)?")
_DATA_RE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def normalizza(testo: str) -> str:
    """Header and name matching: case, accents, spacing, line breaks and dots don't matter."""
    t = unicodedata.normalize("NFKD", testo)
    t = "".join(ch for ch in t if not unicodedata.combining(ch)).lower()
    t = re.sub(r"[.\u00a0]", " ", t)
    return " ".join(t.split())


@dataclass(frozen=True, slots=True)
class Lettura:
    """A cell read as a value of one kind; ``nota`` says what was interpreted."""

    genere: Genere
    valore: Decimal | str | dt.date | bool | None
    unita: str | None = None
    nota: str | None = None


@dataclass(frozen=True, slots=True)
class Illeggibile:
    """Why a cell could not be read, and how to write it."""

    messaggio: str
    suggerimento: str


def decimale(testo: str) -> Decimal | None:
    """"4,5" / "4.5" / "1.250,5" -> Decimal; else None."""
    t = testo.strip().replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", t):
        t = t.replace(".", "").replace(",", ".")
    else:
        t = t.replace(",", ".")
    try:
        return norm(Decimal(t))
    except InvalidOperation:
        return None


def leggi_valore(cella: Cella, anno: int) -> Lettura | Illeggibile:
    """A target or threshold cell (``anno``: the plan's year, for month names)."""
    v = cella.valore
    if cella.tipo == "percentuale":
        return Lettura("percentuale", v)
    if cella.tipo == "valuta":
        return Lettura("numero", v, "€", f"nel foglio «{cella.testo}» (formato valuta)")
    if cella.tipo == "numero":
        return Lettura("numero", v)
    if cella.tipo == "data":
        return Lettura("data", v)
    if cella.tipo == "booleano":
        return Lettura("si_no", v)
    testo = str(v)
    chiave = normalizza(testo)
    if chiave in ("qualitativa", "qualitativo", "valutazione qualitativa"):
        return Lettura("qualitativa", None, nota=f"nel foglio «{testo.strip()}»")
    if chiave in MESI:
        return Lettura("mese", chiave, nota=None if testo.strip() == chiave else f"nel foglio «{testo.strip()}»")
    if chiave in ("si", "no"):
        return Lettura("si_no", chiave == "si")
    m = _DATA_RE.match(testo)
    if m:
        try:
            return Lettura("data", dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))), nota=f"nel foglio «{testo.strip()}»")
        except ValueError:
            pass
    m = _VALORE_RE.match(testo) or _EURO_PRIMA_RE.match(testo)
    if m:
        num = decimale(m.group("num"))
        unit = (m.groupdict().get("unit") or ("€" if _EURO_PRIMA_RE.match(testo) else "")).lower()
        if num is not None:
            shown = testo.strip()
            interpreted = shown.startswith("+") or "," in shown or bool(unit and unit != "%") or shown != shown.replace(" ", "")
            nota = f"nel foglio «{shown}»" if interpreted else None
            if unit == "%":
                return Lettura("percentuale", abs(num) if shown.startswith("+") else num, nota=nota)
            return Lettura("numero", num, UNITA.get(unit) if unit else None, nota)
    numeri = list(_DENTRO_RE.finditer(testo))
    if len(numeri) == 1:
        m2 = numeri[0]
        num = decimale(m2.group("num"))
        if num is not None:
            genere: Genere = "percentuale" if m2.group("unit") else "numero"
            return Lettura(genere, num, nota=f"nel foglio «{testo.strip()}»: letto {num}{'%' if m2.group('unit') else ''}")
    return Illeggibile(
        f"non si legge come valore: «{testo.strip()}»",
        f"scrivi un numero (`3`, `4,5`, `28 gg`), una percentuale (`80%`), il nome di un mese (`giugno` = 30 giugno {anno}) "
        "oppure «qualitativa»",
    )


def leggi_peso(cella: Cella) -> Lettura | Illeggibile:
    """A weight: 0.5 with a % format, "50%", 50 (percentage points), or 0.5 as a fraction."""
    v = cella.valore
    if cella.tipo == "percentuale":
        return Lettura("percentuale", v)
    if cella.tipo == "numero" and isinstance(v, Decimal):
        if 0 < v <= 1:
            return Lettura("percentuale", norm(v * 100), nota=f"nel foglio «{cella.testo}», letto come frazione: {norm(v * 100)}%")
        return Lettura("percentuale", v, nota=f"nel foglio «{cella.testo}», letto in punti percentuali")
    if cella.tipo == "testo":
        m = _VALORE_RE.match(str(v))
        if m and (m.group("unit") in (None, "%")):
            num = decimale(m.group("num"))
            if num is not None:
                return Lettura("percentuale", num)
    return Illeggibile(f"il peso deve essere una percentuale, trovato «{cella.testo.strip()}»", "scrivi ad esempio `50%`")


def leggi_pira(cella: Cella | None) -> bool | Illeggibile:
    """PIRA flag: "si"/"sì"/"x"/VERO -> true; empty/"no"/FALSO -> false."""
    if cella is None:
        return False
    if cella.tipo == "booleano":
        return bool(cella.valore)
    chiave = normalizza(cella.testo)
    if chiave in ("si", "x", "s", "vero", "1", "yes", "✓", "✔"):
        return True
    if chiave in ("no", "", "falso", "0", "-"):
        return False
    return Illeggibile(f"la colonna PIRA vale «si» o resta vuota, trovato «{cella.testo.strip()}»", "scrivi `si` per gli indicatori PIRA e lascia vuota la cella per gli altri")


def codice(cella: Cella) -> str | Illeggibile:
    """A code as text: "1.1.1", or a number typed as code (1 -> "1", 1.2 -> "1.2")."""
    v = cella.valore
    testo = format(v, "f") if cella.tipo == "numero" and isinstance(v, Decimal) else cella.testo.strip().rstrip(".")
    if re.fullmatch(r"[1-9][0-9]*(\.[1-9][0-9]*)*", testo):
        return testo
    return Illeggibile(f"codice non valido «{cella.testo.strip()}»", "i codici sono numeri separati da punti, ad esempio `1`, `1.2`, `1.2.3`")

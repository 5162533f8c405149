"""Italian formatting of every number, date and value shown on the site.

One module so that the whole site speaks with one voice (Babel's CLDR data
for ``it_IT``: "1.234", "87,5%", "30 giugno 2021") and tests can pin the
rules down. Every function returns plain text: escaping for Markdown/HTML is
the page renderer's job.

Rules (also explained to citizens on the SMVP page):

- A *computed* percentage (grado, copertura) always has one decimal:
  "87,5%", "100,0%", "0,0%" — the contract's display precision, the same
  width in every table cell, and no false impression that 99,96% is 100%.
- A percentage *written by staff* (peso, target, soglie, a measured
  percentage) is shown as written, without padding: "50%", "12,5%".
- Rounding for display is half-up on the exact value (87,25 → "87,3"),
  what a reader checking by hand expects; comparisons (e.g. "raggiunto")
  are never made on rounded numbers.
- Money: no cents when there are none ("95 €"), else two decimals
  ("1.234,50 €"); a no-break space keeps the sign next to the number.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "it_IT"
NBSP = "\u00a0"
#: Most decimals shown for a value that has no fixed display precision.
MAX_DECIMALI = 2

__all__ = [
    "data",
    "data_breve",
    "euro",
    "grado",
    "mese",
    "numero",
    "percentuale",
    "valore",
]


def _dec(x: Decimal | int | float) -> Decimal:
    if isinstance(x, bool):
        raise TypeError("a yes/no value is not a number")
    if isinstance(x, float):
        return Decimal(repr(x))
    return Decimal(x)


def numero(x: Decimal | int, decimali: int | None = None) -> str:
    """A number as written in Italian: "1.234", "4,5".

    With ``decimali`` the value is rounded half-up to that many decimals and
    always shows them; without, it is rounded half-up to at most
    :data:`MAX_DECIMALI` decimals and trailing zeros are dropped, so a
    staff-written "4.5" stays "4,5" and a ratio's 33.3333… shows "33,33".
    """
    d = _dec(x)
    if decimali is not None:
        d = d.quantize(Decimal(1).scaleb(-decimali), rounding=ROUND_HALF_UP)
        pattern = "#,##0" + ("." + "0" * decimali if decimali else "")
    else:
        d = d.quantize(Decimal(1).scaleb(-MAX_DECIMALI), rounding=ROUND_HALF_UP)
        pattern = "#,##0." + "#" * MAX_DECIMALI
    if d == 0:
        d = abs(d)  # never "-0,0"
    return _babel_decimal(str(d), pattern)


@functools.lru_cache(maxsize=65536)
def _babel_decimal(text: str, pattern: str) -> str:
    """Babel's formatting of an already-rounded number, memoised.

    Babel re-parses the pattern and looks up the locale's symbols on every
    call (about half of the time spent rendering pages); a site repeats the
    same few hundred values (gradi, pesi, targets) thousands of times. The
    key is the quantized value's canonical text, so 80 and 80.0 stay apart.
    """
    return format_decimal(Decimal(text), format=pattern, locale=LOCALE)


def grado(x: Decimal | int | None) -> str:
    """A computed percentage (grado, copertura): always one decimal, "87,5%".

    ``None`` (not scored) is "—": callers usually say "non misurato" instead.
    """
    if x is None:
        return "—"
    return numero(x, 1) + "%"


def percentuale(x: Decimal | int) -> str:
    """A percentage written by staff (peso, target): "50%", "12,5%"."""
    return numero(x) + "%"


def euro(x: Decimal | int) -> str:
    """Money: "95 €", "1.234,50 €" (no-break space before the sign)."""
    d = _dec(x)
    if d == d.to_integral_value():
        return numero(d, 0) + NBSP + "€"
    return numero(d, 2) + NBSP + "€"


@functools.lru_cache(maxsize=4096)
def data(d: dt.date) -> str:
    """A date in words: "30 giugno 2021" (memoised: pages repeat a few dates)."""
    return format_date(d, format="long", locale=LOCALE)


def data_breve(d: dt.date) -> str:
    """A compact date for chart axes and narrow table cells: "30/06/2021"."""
    return format_date(d, format="dd/MM/y", locale=LOCALE)


def mese(d: dt.date) -> str:
    """Month and year: "giugno 2021"."""
    return format_date(d, format="MMMM y", locale=LOCALE)


def si_no(v: bool) -> str:
    return "sì" if v else "no"


def valore(v: Decimal | dt.date | bool | None, tipo: str, unita: str | None = None) -> str:
    """A KPI value (target, threshold or measured value) by its ``tipo``.

    ``numero`` keeps its unit ("412 gg", "95 €"); ``percentuale`` and
    ``qualitativo`` (the evaluator's esito) are percentages; ``data`` a date
    in words; ``si_no`` "sì"/"no". ``None`` is "—".
    """
    if v is None:
        return "—"
    if isinstance(v, bool):
        return si_no(v)
    if isinstance(v, dt.date):
        return data(v)
    if tipo in ("percentuale", "qualitativo"):
        return percentuale(v)
    if unita:
        if unita.strip() == "€":
            return euro(v)
        return numero(v) + NBSP + unita
    return numero(v)

"""The limits of what ``validate`` accepts, in one place.

Every command after ``validate`` (build, diff, export, the importers) works
with exact arithmetic: :mod:`generator.score` turns values into
:class:`fractions.Fraction`, open data rounds with :mod:`decimal` at 28
significant digits. Both are exact and fast *for the numbers a plan holds*
(counts, days, percentages, euros) and unbounded otherwise: ``1e999999999``
becomes an integer of a billion digits. So the gate refuses, with a
positioned message, anything beyond limits no real plan comes near:

- a number has at most :data:`CIFRE_INTERE` digits before the decimal point
  (under a million billion: more than any public budget in euros) and at
  most :data:`DECIMALI` decimals (a millionth); 15 + 6 digits fit the
  28-digit decimal context with room for sums and ratios;
- a file nests at most :data:`PROFONDITA` levels (a plan needs 10);
- numbers are read only after their text length is checked, so no literal
  reaches ``int()`` beyond Python's 4,300-digit limit;
- no text holds a control character (:data:`CONTROLLO`): the reader refuses
  one in the file, the schema one written as an escape (``"\\u008f"``).
"""

from __future__ import annotations

import re
from decimal import Decimal

CIFRE_INTERE = 15
DECIMALI = 6
PROFONDITA = 32
#: C0 and C1 controls but TAB, LF, CR and NEL, plus the two non-characters:
#: what YAML refuses to read, and what no page, PDF or terminal can show.
CONTROLLO = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
#: How much of a long value a message quotes.
CITAZIONE = 60


def decimali(value: Decimal) -> int:
    """Decimals that matter in ``value`` (``1.50`` has 1), without normalising.

    ``Decimal.normalize`` rounds to the context's precision, so a 5,000-digit
    literal would be counted wrong; the digit tuple is read instead.
    """
    _sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    zeri = 0
    for d in reversed(digits):
        if d != 0 or zeri >= -exponent:
            break
        zeri += 1
    return -exponent - zeri


def problema_numero(value: Decimal | int) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) if ``value`` is beyond the limits, else None."""
    if isinstance(value, int):
        value = Decimal(value)
    if not value.is_finite():
        return ("non è un numero finito", "scrivi un numero in cifre, ad esempio `28`")
    if value != 0 and value.adjusted() >= CIFRE_INTERE:
        return (
            f"numero troppo grande: al massimo {CIFRE_INTERE} cifre prima della virgola",
            "controlla il numero: i valori sono conteggi, percentuali o importi (un esponente come `1e30` non è ammesso)",
        )
    if decimali(value) > DECIMALI:
        return (
            f"troppe cifre decimali: al massimo {DECIMALI}",
            f"arrotonda il valore a {DECIMALI} decimali al massimo",
        )
    return None


def cita(text: str, limite: int = CITAZIONE) -> str:
    """``text`` cut to ``limite`` characters for a message (with how long it was)."""
    if len(text) <= limite:
        return text
    return f"{text[: limite - 1]}… ({len(text)} caratteri)"

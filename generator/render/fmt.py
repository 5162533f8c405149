"""Deprecated alias of :mod:`generator.presentation` (numbers, dates, money).

Kept only until every caller imports :mod:`generator.presentation`, the one
module for everything a person reads.
"""

from __future__ import annotations

from ..presentation import (
    LOCALE,
    MAX_DECIMALI,
    NBSP,
    data,
    data_breve,
    euro,
    grado,
    mese,
    misura,
    numero,
    percentuale,
    si_no,
    valore,
)

__all__ = [
    "LOCALE",
    "MAX_DECIMALI",
    "NBSP",
    "data",
    "data_breve",
    "euro",
    "grado",
    "mese",
    "misura",
    "numero",
    "percentuale",
    "si_no",
    "valore",
]

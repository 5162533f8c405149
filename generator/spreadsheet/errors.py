"""Errors found in a spreadsheet, named by cell: ``FILE:Sheet!E12`` (the sheet's own name).

Spreadsheet users know cells by their A1 name, not by line and column, so
these are reported in that form, quoting the cell's content, in Italian,
with a suggestion — and all of them together, like the YAML validator does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["errore", "avviso"]


def cell_name(riga: int, colonna: int) -> str:
    """1-based row and column -> ``E12``."""
    # openpyxl (it loads numpy) costs ~190 ms CPU to import; only a spreadsheet's errors need it
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(colonna)}{riga}"


@dataclass(frozen=True, slots=True)
class CellError:
    """One problem at one cell (``riga``/``colonna`` 0 for the whole sheet or file)."""

    file: str
    foglio: str
    riga: int
    colonna: int
    message: str
    hint: str = ""
    content: str | None = None
    severity: Severity = "errore"

    @property
    def is_error(self) -> bool:
        return self.severity == "errore"

    @property
    def where(self) -> str:
        if not self.foglio:
            return self.file
        if not self.riga:
            return f"{self.file}:{self.foglio}"
        return f"{self.file}:{self.foglio}!{cell_name(self.riga, self.colonna)}"

    def sort_key(self) -> tuple[str, str, int, int, str]:
        return (self.file, self.foglio, self.riga, self.colonna, self.message)


class ImportFailed(Exception):
    """Raised after collecting every problem; nothing has been written."""

    def __init__(self, errori: list[CellError]):
        super().__init__(f"{sum(e.is_error for e in errori)} errori")
        self.errors = errori


def _one_line(testo: str) -> str:
    # One line, bounded: a cell can hold a whole paragraph.
    testo = testo.replace("\r", " ").replace("\n", "⏎").replace("\t", "→")
    return testo if len(testo) <= 120 else testo[:119] + "…"


def format_report(errori: Iterable[CellError]) -> str:
    """The report printed by the import commands (same shape as the validator's)."""
    items = sorted(errori, key=CellError.sort_key)
    out: list[str] = []
    for e in items:
        out.append(f"{e.where}: {e.severity}: {e.message}")
        if e.content is not None and e.riga:
            out.append(f"  {cell_name(e.riga, e.colonna)} | {_one_line(e.content)}")
        if e.hint:
            out.append(f"suggerimento: {e.hint}")
        out.append("")
    n_err = sum(e.is_error for e in items)
    n_avv = len(items) - n_err
    if not items:
        out.append("nessun problema trovato")
    else:
        out.append(("1 errore" if n_err == 1 else f"{n_err} errori") + ", " + ("1 avviso" if n_avv == 1 else f"{n_avv} avvisi"))
    return "\n".join(out) + "\n"

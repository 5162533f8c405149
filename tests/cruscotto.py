"""Builds the seed's "Cruscotto" as a real spreadsheet (.xlsx with openpyxl, .ods with odfpy).

Layout as the body keeps it: a title row, then per perspective a three-row
header block (groups, column names, years / threshold levels), then the
rows, with perspective and objective cells merged over their rows. Each
block spells its headers a little differently, as the seed does ("Cod.",
"soglie", "PIRA Az." with a line break, "Obiettivi Operativi", "Pira").
Values are stored the way a spreadsheet stores what people type: "80%" as
0.8 with a percent format, whole numbers as numbers, codes "1" and "1.1" as
numbers, "95 €" as 95 with a currency format; everything else ("+15%",
"4,5", "28 gg", "maggio", "qualitativa") as the text typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from fixtures.cruscotto_2021 import BLOCCHI

N_COL = 20
#: (row 1, row 2, row 3) header variants, one per block
_VARIANTI = [
    {"cod": "cod.", "sogl": "Soglie", "pira": "PIRA\nAz.", "oo": "Obiettivi operativi", "livelli": True},
    {"cod": "cod.", "sogl": "Soglie", "pira": "PIRA Az.", "oo": "Obiettivi operativi", "livelli": True},
    {"cod": "Cod.", "sogl": "soglie", "pira": "PIRA  Az.", "oo": "Obiettivi  operativi", "livelli": True},
    {"cod": "cod.", "sogl": "Soglie", "pira": "Pira", "oo": "Obiettivi Operativi", "livelli": False},
]


def intestazione(v: dict) -> list[list[object]]:
    r1: list[object] = ["Prospettiva", "Obiettivi strategici", None, None, None, None, None, v["oo"], None, None, None, "Azioni"] + [None] * 8
    r2: list[object] = [None, v["cod"], "descrizione", "kpi", "Target", None, None, "cod.", "titolo /\ndescrizione", "peso", "kpi",
                        "cod.", "titolo / descrizione", "Peso", "kpi", "target", v["sogl"], None, v["pira"], "Responsabile"]
    r3: list[object] = [None] * 4 + [2021, 2022, 2023] + [None] * 9 + (["80%", "60%"] if v["livelli"] else [None, None]) + [None, None]
    return [r1, r2, r3]


#: header merges relative to the block's first row: (row, col1, row, col2), 0-based rows, 1-based cols
HEADER_MERGES = [(0, 1, 2, 1), (0, 2, 0, 7), (0, 8, 0, 11), (0, 12, 0, 20), (1, 5, 1, 7), (1, 17, 1, 18)]


def tabella() -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    """All rows (1-based row i = list index i-1) and merged ranges of the Cruscotto sheet."""
    rows: list[list[object]] = [["Piano della Performance 2021-2023 — Cruscotto"] + [None] * (N_COL - 1), [None] * N_COL]
    merges = [(1, 1, 1, N_COL)]
    for blocco, v in zip(BLOCCHI, _VARIANTI, strict=True):
        start = len(rows) + 1
        rows.extend(intestazione(v))
        merges += [(start + a, b, start + c, d) for a, b, c, d in HEADER_MERGES]
        first = len(rows) + 1
        for r in blocco:
            rows.append([x if x != "" else None for x in r])
        last = len(rows)
        merges += _merge_down(rows, first, last)
        rows.append([None] * N_COL)  # blank row between blocks
    rows += [[None] * N_COL, ["IL SEGRETARIO GENERALE"] + [None] * (N_COL - 1), ["(Marco Bonat)"] + [None] * (N_COL - 1)]
    return rows, merges


def _merge_down(rows: list[list[object]], first: int, last: int) -> list[tuple[int, int, int, int]]:
    """Merge each perspective / strategic / operational cell down over its rows."""
    out = []
    for key_col, cols in ((1, [1]), (2, list(range(2, 8))), (8, list(range(8, 12)))):
        starts = [r for r in range(first, last + 1) if rows[r - 1][key_col - 1] not in (None, "")]
        for i, s in enumerate(starts):
            e = (starts[i + 1] - 1) if i + 1 < len(starts) else last
            if key_col > 1:
                # an objective ends where its parent's next one starts
                parent_col = 2 if key_col == 8 else 1
                nxt = [r for r in range(s + 1, e + 1) if rows[r - 1][parent_col - 1] not in (None, "")]
                if nxt:
                    e = nxt[0] - 1
            if e > s:
                out += [(s, c, e, c) for c in cols]
    return out


_PCT = re.compile(r"^\d+%$")
_INT = re.compile(r"^\d+$")
_NUM_CODE = re.compile(r"^\d+(\.\d+)?$")


def forma(valore: object, colonna: int) -> tuple[object, str | None]:
    """The value a spreadsheet stores for what was typed, and its number format."""
    if not isinstance(valore, str):
        return valore, None
    if colonna in (2, 8) and _NUM_CODE.match(valore):
        return (int(valore) if "." not in valore else float(valore)), None
    if _PCT.match(valore):
        return int(valore[:-1]) / 100, "0%"
    if _INT.match(valore) and colonna not in (12,):
        return int(valore), None
    m = re.match(r"^(\d+) €$", valore)
    if m:
        return int(m.group(1)), '#,##0 "€"'
    return valore, None


def scrivi_xlsx(path: Path, rows: Sequence[Sequence[object]] | None = None, merges=None, foglio: str = "Cruscotto") -> Path:
    from openpyxl import Workbook

    if rows is None:
        rows, merges = tabella()
    wb = Workbook()
    ws = wb.active
    ws.title = foglio
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row, start=1):
            if v is None:
                continue
            value, fmt = forma(v, j)
            cell = ws.cell(row=i, column=j, value=value)
            if fmt:
                cell.number_format = fmt
    for r1, c1, r2, c2 in merges or []:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    wb.save(path)
    return path


def scrivi_ods(path: Path, rows: Sequence[Sequence[object]] | None = None, merges=None, foglio: str = "Cruscotto") -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    if rows is None:
        rows, merges = tabella()
    spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in merges or []}
    covered = {(r, c) for r1, c1, r2, c2 in merges or [] for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1)}
    doc = OpenDocumentSpreadsheet()
    table = Table(name=foglio)
    for i, row in enumerate(rows, start=1):
        tr = TableRow()
        for j in range(1, N_COL + 1):
            v = row[j - 1] if j - 1 < len(row) else None
            if (i, j) in covered:
                tr.addElement(CoveredTableCell())
                continue
            attrs: dict[str, object] = {}
            if (i, j) in spans:
                attrs["numberrowsspanned"] = spans[(i, j)][0]
                attrs["numbercolumnsspanned"] = spans[(i, j)][1]
            if v is None:
                tr.addElement(TableCell(**attrs))
                continue
            value, fmt = forma(v, j)
            if isinstance(value, str):
                cell = TableCell(valuetype="string", **attrs)
                for line in value.split("\n"):
                    cell.addElement(P(text=line))
            elif fmt == "0%":
                cell = TableCell(valuetype="percentage", value=value, **attrs)
                cell.addElement(P(text=v))
            elif fmt:
                cell = TableCell(valuetype="currency", currency="EUR", value=value, **attrs)
                cell.addElement(P(text=v))
            else:
                cell = TableCell(valuetype="float", value=value, **attrs)
                cell.addElement(P(text=str(v)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path

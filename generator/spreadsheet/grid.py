"""One neutral view of a sheet, read from .xlsx (openpyxl) or .ods (odfpy).

Why these readers: the import must know *how* a number was shown — 0.5
with a percent format is "50%", 95 with a currency format is "95 €" — and
which cells are merged (a perspective or objective written once over many
rows). openpyxl gives number formats and merged ranges for .xlsx; odfpy
gives OpenDocument's typed cells (``office:value-type`` percentage,
currency, date) and spans for .ods. python-calamine is faster but returns
bare floats (the percent format is lost), so it cannot tell 0.5 from 50%.
Both readers parse XML through defusedxml (no entity expansion attacks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from .errori import ErroreCella, ImportazioneFallita

Tipo = Literal["testo", "numero", "percentuale", "valuta", "data", "booleano"]

#: A spreadsheet bigger than this is not a plan (and could exhaust memory).
MAX_BYTES = 20 * 1024 * 1024
MAX_CELLE = 200_000


@dataclass(frozen=True, slots=True)
class Cella:
    """A non-empty cell: its value and how the spreadsheet showed it."""

    valore: str | Decimal | dt.date | bool
    tipo: Tipo

    @property
    def testo(self) -> str:
        """The cell as a person reads it (for messages)."""
        v = self.valore
        if self.tipo == "percentuale" and isinstance(v, Decimal):
            return f"{_dec(v)}%"
        if self.tipo == "valuta" and isinstance(v, Decimal):
            return f"{_dec(v)} €"
        if isinstance(v, bool):
            return "VERO" if v else "FALSO"
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, Decimal):
            return _dec(v)
        return v


def _dec(d: Decimal) -> str:
    return format(norm(d), "f")


def norm(d: Decimal) -> Decimal:
    """``15.00`` -> ``15``, ``4.50`` -> ``4.5``: the decimal as a person writes it."""
    return d.to_integral_value() if d == d.to_integral_value() else d.normalize()


def numero(x: float | int) -> Decimal:
    """A spreadsheet float as the decimal a person typed (0.15 -> 0.15, not 0.1499…)."""
    if isinstance(x, int):
        return Decimal(x)
    return norm(Decimal(repr(x)))


@dataclass
class Foglio:
    """A sheet: non-empty cells by (row, column), 1-based, and merged ranges."""

    file: str
    nome: str
    celle: dict[tuple[int, int], Cella] = field(default_factory=dict)
    #: merged ranges (top row, left col, bottom row, right col)
    unioni: list[tuple[int, int, int, int]] = field(default_factory=list)
    _origine: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.indicizza()

    def indicizza(self) -> None:
        self._origine = {}
        for r1, c1, r2, c2 in self.unioni:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        self._origine[(r, c)] = (r1, c1)

    @property
    def max_riga(self) -> int:
        return max((r for r, _ in self.celle), default=0)

    @property
    def max_colonna(self) -> int:
        return max((c for _, c in self.celle), default=0)

    def cella(self, riga: int, colonna: int) -> Cella | None:
        """The cell's value; a cell covered by a merge shows the merge's value."""
        return self.celle.get(self._origine.get((riga, colonna), (riga, colonna)))

    def origine(self, riga: int, colonna: int) -> tuple[int, int]:
        """Where a covered cell's value really is (for error messages)."""
        return self._origine.get((riga, colonna), (riga, colonna))

    def unione_di(self, riga: int, colonna: int) -> tuple[int, int, int, int] | None:
        r, c = self.origine(riga, colonna)
        for u in self.unioni:
            if u[0] == r and u[1] == c:
                return u
        return None


# --------------------------------------------------------------------------
# readers


def leggi(path: Path, display: str) -> list[Foglio]:
    """Every sheet of an .xlsx/.xlsm or .ods file; unreadable files raise ImportazioneFallita."""
    suffix = path.suffix.lower()
    def fail(msg: str, hint: str) -> ImportazioneFallita:
        return ImportazioneFallita([ErroreCella(display, "", 0, 0, msg, hint)])

    if suffix not in (".xlsx", ".xlsm", ".ods"):
        raise fail(
            f"formato non riconosciuto «{path.suffix or path.name}»",
            "salva il foglio di calcolo come .xlsx (Excel) o .ods (LibreOffice/OpenOffice)",
        )
    try:
        size = path.stat().st_size
    except OSError:
        raise fail("il file non esiste o non si può leggere", "controlla il nome e la cartella del file") from None
    if size > MAX_BYTES:
        raise fail(f"il file è troppo grande ({size // 1024 // 1024} MB)", "un piano sta in pochi kB: controlla di aver scelto il file giusto")
    try:
        return _leggi_ods(path, display) if suffix == ".ods" else _leggi_xlsx(path, display)
    except ImportazioneFallita:
        raise
    except Exception as err:
        raise fail(
            f"il file non si legge come foglio di calcolo ({type(err).__name__})",
            "aprilo con Excel o LibreOffice e salvalo di nuovo come .xlsx o .ods",
        ) from None


def _tipo_xlsx(value: object, fmt: str, is_date: bool) -> Tipo:
    if isinstance(value, bool):
        return "booleano"
    if isinstance(value, (dt.date, dt.datetime)):
        return "data"
    if isinstance(value, (int, float)):
        if "%" in fmt:
            return "percentuale"
        if "€" in fmt or "EUR" in fmt.upper():
            return "valuta"
        return "numero"
    return "testo"


def _leggi_xlsx(path: Path, display: str) -> list[Foglio]:
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True, read_only=False)
    fogli = []
    for ws in wb.worksheets:
        f = Foglio(display, ws.title)
        n = 0
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None or (isinstance(v, str) and not v.strip()):
                    continue
                n += 1
                if n > MAX_CELLE:
                    raise ImportazioneFallita([ErroreCella(display, ws.title, 0, 0, f"il foglio ha più di {MAX_CELLE} celle piene", "controlla di aver scelto il file giusto")])
                tipo = _tipo_xlsx(v, c.number_format or "", c.is_date)
                f.celle[(c.row, c.column)] = Cella(_valore(v, tipo), tipo)
        f.unioni = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        f.indicizza()
        fogli.append(f)
    wb.close()
    return fogli


def _valore(v: object, tipo: Tipo) -> str | Decimal | dt.date | bool:
    if tipo == "booleano":
        return bool(v)
    if tipo == "data":
        return v.date() if isinstance(v, dt.datetime) else v  # type: ignore[return-value]
    if tipo in ("numero", "valuta"):
        return numero(v)  # type: ignore[arg-type]
    if tipo == "percentuale":
        return norm(numero(v) * 100)  # type: ignore[arg-type]
    return str(v)


def _leggi_ods(path: Path, display: str) -> list[Foglio]:
    from odf.namespaces import OFFICENS, TABLENS
    from odf.opendocument import load
    from odf.table import Table

    doc = load(str(path))
    fogli = []
    for table in doc.spreadsheet.getElementsByType(Table):
        f = Foglio(display, str(table.getAttrNS(TABLENS, "name") or ""))
        riga = 0
        n = 0
        for row in _figli(table, TABLENS, ("table-row",), ("table-header-rows", "table-rows", "table-row-group")):
            rip_r = int(row.getAttrNS(TABLENS, "number-rows-repeated") or 1)
            celle_riga: list[tuple[int, Cella | None, int, int]] = []
            col = 0
            for cell in row.childNodes:
                if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                    continue
                rip_c = int(cell.getAttrNS(TABLENS, "number-columns-repeated") or 1)
                cella = _cella_ods(cell, OFFICENS) if cell.qname[1] == "table-cell" else None
                span_c = int(cell.getAttrNS(TABLENS, "number-columns-spanned") or 1)
                span_r = int(cell.getAttrNS(TABLENS, "number-rows-spanned") or 1)
                if cella is None:
                    col += rip_c
                    if span_c > 1 or span_r > 1:
                        celle_riga.append((col - rip_c + 1, None, span_r, span_c))
                    continue
                for k in range(rip_c):
                    celle_riga.append((col + 1 + k, cella, span_r, span_c))
                col += rip_c
            if not any(c is not None for _, c, _, _ in celle_riga):
                riga += rip_r  # blank (possibly repeated thousands of times): no cells to store
                continue
            for _ in range(min(rip_r, 1000)):
                riga += 1
                for colonna, cella, span_r, span_c in celle_riga:
                    if cella is not None:
                        n += 1
                        if n > MAX_CELLE:
                            raise ImportazioneFallita([ErroreCella(display, f.nome, 0, 0, f"il foglio ha più di {MAX_CELLE} celle piene", "controlla di aver scelto il file giusto")])
                        f.celle[(riga, colonna)] = cella
                    if span_r > 1 or span_c > 1:
                        f.unioni.append((riga, colonna, riga + span_r - 1, colonna + span_c - 1))
        f.indicizza()
        fogli.append(f)
    return fogli


def _figli(node: Any, ns: str, wanted: tuple[str, ...], groups: tuple[str, ...]) -> Iterator[Any]:
    for child in node.childNodes:
        if getattr(child, "qname", None) is None:
            continue
        if child.qname[0] == ns and child.qname[1] in wanted:
            yield child
        elif child.qname[0] == ns and child.qname[1] in groups:
            yield from _figli(child, ns, wanted, groups)


def _testo_ods(cell: Any) -> str:
    from odf.text import P

    parts = []
    for p in cell.getElementsByType(P):
        parts.append(_plain(p))
    return "\n".join(parts)


def _plain(node: Any) -> str:
    out = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            out.append(str(child.data))
        elif getattr(child, "qname", (None, None))[1] == "s":
            from odf.namespaces import TEXTNS

            out.append(" " * int(child.getAttrNS(TEXTNS, "c") or 1))
        elif getattr(child, "qname", (None, None))[1] == "tab":
            out.append("\t")
        elif getattr(child, "qname", (None, None))[1] == "line-break":
            out.append("\n")
        else:
            out.append(_plain(child))
    return "".join(out)


def _cella_ods(cell: Any, OFFICENS: str) -> Cella | None:
    kind = cell.getAttrNS(OFFICENS, "value-type")
    if kind in ("float", "percentage", "currency"):
        raw = cell.getAttrNS(OFFICENS, "value")
        d = norm(Decimal(raw))
        if kind == "percentage":
            return Cella(norm(d * 100), "percentuale")
        return Cella(d, "valuta" if kind == "currency" else "numero")
    if kind == "date":
        raw = cell.getAttrNS(OFFICENS, "date-value") or ""
        return Cella(dt.date.fromisoformat(raw[:10]), "data")
    if kind == "boolean":
        return Cella((cell.getAttrNS(OFFICENS, "boolean-value") or "") == "true", "booleano")
    text = _testo_ods(cell)
    if not text.strip():
        return None
    return Cella(text, "testo")

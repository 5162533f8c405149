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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal, Protocol

from .errors import CellError, ImportFailed

CellKind = Literal["testo", "numero", "percentuale", "valuta", "data", "booleano"]

#: A spreadsheet bigger than this is not a plan (and could exhaust memory).
MAX_BYTES = 20 * 1024 * 1024
MAX_CELLS = 200_000


@dataclass(frozen=True, slots=True)
class Cell:
    """A non-empty cell: its value and how the spreadsheet showed it."""

    value: str | Decimal | dt.date | bool
    kind: CellKind

    @property
    def text(self) -> str:
        """The cell as a person reads it (for messages)."""
        v = self.value
        if self.kind == "percentuale" and isinstance(v, Decimal):
            return f"{_dec(v)}%"
        if self.kind == "valuta" and isinstance(v, Decimal):
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


def from_float(x: float | int) -> Decimal:
    """A spreadsheet float as the decimal a person typed (0.15 -> 0.15, not 0.1499…)."""
    if isinstance(x, int):
        return Decimal(x)
    return norm(Decimal(repr(x)))


@dataclass
class Sheet:
    """A sheet: non-empty cells by (row, column), 1-based, and merged ranges."""

    file: str
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    #: merged ranges (top row, left col, bottom row, right col)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    _origin: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index_merges()

    def index_merges(self) -> None:
        self._origin = {}
        for r1, c1, r2, c2 in self.merges:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        self._origin[(r, c)] = (r1, c1)

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def max_column(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def cell(self, row_no: int, col_no: int) -> Cell | None:
        """The cell's value; a cell covered by a merge shows the merge's value."""
        return self.cells.get(self._origin.get((row_no, col_no), (row_no, col_no)))

    def origin(self, row_no: int, col_no: int) -> tuple[int, int]:
        """Where a covered cell's value really is (for error messages)."""
        return self._origin.get((row_no, col_no), (row_no, col_no))

    def merge_at(self, row_no: int, col_no: int) -> tuple[int, int, int, int] | None:
        r, c = self.origin(row_no, col_no)
        for u in self.merges:
            if u[0] == r and u[1] == c:
                return u
        return None


# --------------------------------------------------------------------------
# readers


def read_sheets(path: Path, display: str) -> list[Sheet]:
    """Every sheet of an .xlsx/.xlsm or .ods file; unreadable files raise ImportFailed."""
    suffix = path.suffix.lower()
    def fail(msg: str, hint: str) -> ImportFailed:
        return ImportFailed([CellError(display, "", 0, 0, msg, hint)])

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
        return _read_ods(path, display) if suffix == ".ods" else _read_xlsx(path, display)
    except ImportFailed:
        raise
    except Exception as err:
        raise fail(
            f"il file non si legge come foglio di calcolo ({type(err).__name__})",
            "aprilo con Excel o LibreOffice e salvalo di nuovo come .xlsx o .ods",
        ) from None


def _xlsx_kind(value: object, fmt: str, is_date: bool) -> CellKind:
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


def _read_xlsx(path: Path, display: str) -> list[Sheet]:
    # openpyxl (it loads numpy) costs ~190 ms CPU to import: only reading a .xlsx needs it
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True, read_only=False)
    sheets = []
    for ws in wb.worksheets:
        f = Sheet(display, ws.title)
        n = 0
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None or (isinstance(v, str) and not v.strip()):
                    continue
                n += 1
                if n > MAX_CELLS:
                    raise ImportFailed([CellError(display, ws.title, 0, 0, f"il foglio ha più di {MAX_CELLS} celle piene", "controlla di aver scelto il file giusto")])
                kind = _xlsx_kind(v, c.number_format or "", c.is_date)
                f.cells[(c.row, c.column)] = Cell(_xlsx_value(v, kind), kind)
        f.merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        f.index_merges()
        sheets.append(f)
    wb.close()
    return sheets


def _xlsx_value(v: object, kind: CellKind) -> str | Decimal | dt.date | bool:
    if kind == "booleano":
        return bool(v)
    if kind == "data":
        return v.date() if isinstance(v, dt.datetime) else v  # type: ignore[return-value]
    if kind in ("numero", "valuta"):
        return from_float(v)  # type: ignore[arg-type]
    if kind == "percentuale":
        return norm(from_float(v) * 100)  # type: ignore[arg-type]
    return str(v)


def _read_ods(path: Path, display: str) -> list[Sheet]:
    # odfpy costs ~30 ms CPU to import: only reading a .ods needs it
    from odf.namespaces import OFFICENS, TABLENS
    from odf.opendocument import load
    from odf.table import Table

    doc = load(str(path))
    sheets = []
    for table in doc.spreadsheet.getElementsByType(Table):
        f = Sheet(display, str(table.getAttrNS(TABLENS, "name") or ""))
        row_no = 0
        n = 0
        for row in _children(table, TABLENS, ("table-row",), ("table-header-rows", "table-rows", "table-row-group")):
            rip_r = int(row.getAttrNS(TABLENS, "number-rows-repeated") or 1)
            row_cells: list[tuple[int, Cell | None, int, int]] = []
            col = 0
            for cell in row.childNodes:
                if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                    continue
                rip_c = int(cell.getAttrNS(TABLENS, "number-columns-repeated") or 1)
                parsed = _ods_cell(cell, OFFICENS) if cell.qname[1] == "table-cell" else None
                span_c = int(cell.getAttrNS(TABLENS, "number-columns-spanned") or 1)
                span_r = int(cell.getAttrNS(TABLENS, "number-rows-spanned") or 1)
                if parsed is None:
                    col += rip_c
                    if span_c > 1 or span_r > 1:
                        row_cells.append((col - rip_c + 1, None, span_r, span_c))
                    continue
                for k in range(rip_c):
                    row_cells.append((col + 1 + k, parsed, span_r, span_c))
                col += rip_c
            if not any(c is not None for _, c, _, _ in row_cells):
                row_no += rip_r  # blank (possibly repeated thousands of times): no cells to store
                continue
            for _ in range(min(rip_r, 1000)):
                row_no += 1
                for col_no, parsed, span_r, span_c in row_cells:
                    if parsed is not None:
                        n += 1
                        if n > MAX_CELLS:
                            raise ImportFailed([CellError(display, f.name, 0, 0, f"il foglio ha più di {MAX_CELLS} celle piene", "controlla di aver scelto il file giusto")])
                        f.cells[(row_no, col_no)] = parsed
                    if span_r > 1 or span_c > 1:
                        f.merges.append((row_no, col_no, row_no + span_r - 1, col_no + span_c - 1))
        f.index_merges()
        sheets.append(f)
    return sheets


class _OdfNode(Protocol):
    """The members of an odfpy element (or text node) this reader uses: odfpy
    has no type hints, so its objects arrive untyped and are read through this."""

    qname: tuple[str, str]
    nodeType: int
    TEXT_NODE: int
    data: str  # text nodes only

    @property
    def childNodes(self) -> Sequence[_OdfNode]: ...

    def getAttrNS(self, namespace: str, localpart: str) -> str | None: ...

    def getElementsByType(self, element: object) -> Sequence[_OdfNode]: ...


def _children(node: _OdfNode, ns: str, wanted: tuple[str, ...], groups: tuple[str, ...]) -> Iterator[_OdfNode]:
    for child in node.childNodes:
        if getattr(child, "qname", None) is None:
            continue
        if child.qname[0] == ns and child.qname[1] in wanted:
            yield child
        elif child.qname[0] == ns and child.qname[1] in groups:
            yield from _children(child, ns, wanted, groups)


def _ods_text(cell: _OdfNode) -> str:
    # odfpy: see _read_ods (only reading a .ods needs it)
    from odf.text import P

    parts = []
    for p in cell.getElementsByType(P):
        parts.append(_plain(p))
    return "\n".join(parts)


def _plain(node: _OdfNode) -> str:
    out = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            out.append(str(child.data))
        elif getattr(child, "qname", (None, None))[1] == "s":
            # odfpy: see _leggi_ods (only reading a .ods needs it)
            # odfpy: see _read_ods (only reading a .ods needs it)
            from odf.namespaces import TEXTNS

            out.append(" " * int(child.getAttrNS(TEXTNS, "c") or 1))
        elif getattr(child, "qname", (None, None))[1] == "tab":
            out.append("\t")
        elif getattr(child, "qname", (None, None))[1] == "line-break":
            out.append("\n")
        else:
            out.append(_plain(child))
    return "".join(out)


def _ods_cell(cell: _OdfNode, OFFICENS: str) -> Cell | None:
    kind = cell.getAttrNS(OFFICENS, "value-type")
    if kind in ("float", "percentage", "currency"):
        raw = cell.getAttrNS(OFFICENS, "value")
        if raw is None:  # a number cell without its number: the file is damaged
            raise TypeError("office:value missing")
        d = norm(Decimal(raw))
        if kind == "percentage":
            return Cell(norm(d * 100), "percentuale")
        return Cell(d, "valuta" if kind == "currency" else "numero")
    if kind == "date":
        raw = cell.getAttrNS(OFFICENS, "date-value") or ""
        return Cell(dt.date.fromisoformat(raw[:10]), "data")
    if kind == "boolean":
        return Cell((cell.getAttrNS(OFFICENS, "boolean-value") or "") == "true", "booleano")
    text = _ods_text(cell)
    if not text.strip():
        return None
    return Cell(text, "testo")

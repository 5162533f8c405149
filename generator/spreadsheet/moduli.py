"""``moduli``: one spreadsheet per responsible unit to collect a measurement.

Heads of units send their figures back in a spreadsheet and never open a
YAML file. Each form lists the unit's actions (code, title, indicator,
unit, target, thresholds, last value) and has input cells only where an
answer goes: the value (or numeratore / denominatore for a ratio), a note,
the source, a link to the evidence and, in a consuntivo, why the target was
missed (``scostamento``: causa, descrizione, azione correttiva — see the
data contract). Choices are drop-down lists (si/no, causa), deadlines are
date cells, and everything else is locked (sheet protection), so the form
comes back in the shape :mod:`.rilevazione` reads.

A hidden sheet ``_meta`` records plan year, date, type and unit, so the
import never has to guess them from the file name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .. import presentation as fmt
from ..model import Azione, Piano, Progetto
from ..validate import load_project

FORMAT = "performance-moduli/1"
VALUES_SHEET = "Valori"
META_SHEET = "_meta"
SENZA_RESPONSABILE = "senza-responsabile"
CAUSE = ("esterna", "interna", "indicatore")

#: (key, header) of the Valori sheet, in order; input columns are marked
COLUMNS: list[tuple[str, str, bool]] = [
    ("codice", "Codice", False),
    ("titolo", "Azione", False),
    ("indicatore", "Indicatore", False),
    ("tipo", "Tipo", False),
    ("unita", "Unità", False),
    ("target", "Target", False),
    ("soglia_80", "Soglia 80%", False),
    ("soglia_60", "Soglia 60%", False),
    ("ultimo", "Ultimo valore", False),
    ("valore", "Valore", True),
    ("numeratore", "Numeratore", True),
    ("denominatore", "Denominatore", True),
    ("nota", "Nota", True),
    ("fonte", "Fonte del dato", True),
    ("evidenza", "Evidenza (link a un documento)", True),
]
CONSUNTIVO_COLUMNS: list[tuple[str, str, bool]] = [
    ("causa", "Scostamento: causa", True),
    ("descrizione", "Scostamento: descrizione", True),
    ("azione_correttiva", "Scostamento: azione correttiva", True),
]
HEADER_ROW = 3

_TIPO_LABELS = {
    "numero": "numero",
    "percentuale": "percentuale",
    "data": "data di completamento",
    "si_no": "si / no",
    "qualitativo": "qualitativo: giudizio da 0% a 100%",
}


@dataclass(frozen=True)
class Modulo:
    struttura: str  # id, or SENZA_RESPONSABILE
    nome: str
    azioni: tuple[Azione, ...]


# openpyxl has no type hints: its objects are read through the few members
# the forms use.


class _Cell(Protocol):
    data_type: str
    number_format: str
    alignment: object
    font: object
    fill: object
    protection: object

    @property
    def coordinate(self) -> str: ...


class _Dimension(Protocol):
    width: float


class _SheetProtection(Protocol):
    sheet: bool
    formatColumns: bool


class _Worksheet(Protocol):
    title: str
    sheet_state: str
    freeze_panes: object

    @property
    def column_dimensions(self) -> Mapping[str, _Dimension]: ...

    @property
    def protection(self) -> _SheetProtection: ...

    def cell(self, row: int, column: int, value: object = None) -> _Cell: ...

    def __getitem__(self, key: str) -> _Cell: ...

    def add_data_validation(self, validation: object) -> None: ...


class _Validation(Protocol):
    def add(self, ref: str) -> None: ...


def write_text(ws: _Worksheet, row: int, column: int, value: object) -> _Cell:
    """Write a cell whose text comes from the data: never a formula.

    openpyxl stores a string starting with «=» as a formula; a title in the
    plan is untrusted text and must stay text (no formula injection).
    """
    c = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        c.data_type = "s"
    return c


def moduli_of(piano: Piano) -> list[Modulo]:
    """One form per unit with actions (an action with two units is in both), plus one for unassigned actions."""
    per: dict[str, list[Azione]] = {}
    senza: list[Azione] = []
    for a in piano.azioni():
        if not a.responsabile:
            senza.append(a)
        for r in a.responsabile:
            per.setdefault(r, []).append(a)
    out = [Modulo(sid, piano.strutture.get(sid, sid), tuple(per[sid])) for sid in piano.strutture if sid in per]
    if senza:
        out.append(Modulo(SENZA_RESPONSABILE, "Azioni senza struttura responsabile", tuple(senza)))
    return out


def _latest_values(progetto: Progetto, anno: int, data: dt.date) -> dict[str, str]:
    """Each action's last value before ``data``, as shown on the site ("45%", "30 giugno 2021")."""
    out: dict[str, str] = {}
    azioni = {a.codice: a for a in progetto.piani[anno].azioni()}
    for ril in progetto.rilevazioni_di(anno):
        if ril.data >= data:
            continue
        for code, m in ril.valori.items():
            a = azioni.get(code)
            if a is None:
                continue
            shown = fmt.misura(m.valore, a.tipo, a.unita, numeratore=m.numeratore, denominatore=m.denominatore)
            out[code] = f"{shown} al {fmt.data(ril.data)}"
    return out


def _write_instructions(ws: _Worksheet, m: Modulo, piano: Piano, data: dt.date, tipo: str) -> None:
    # openpyxl (it loads numpy) costs ~190 ms CPU to import; only `moduli` writes forms
    from openpyxl.styles import Alignment, Font

    lines = [
        (f"{piano.ente} — Piano della Performance {piano.anno}", True),
        (f"Rilevazione al {fmt.data(data)} ({tipo})", True),
        (f"Struttura: {m.nome}", True),
        ("", False),
        ("Come compilare", True),
        (f"1. Apri il foglio «{VALUES_SHEET}»: c'è una riga per ogni azione di cui la struttura è responsabile.", False),
        ("2. Scrivi il valore misurato nella colonna «Valore» (celle gialle). Le altre celle sono bloccate: non servono modifiche.", False),
        ("   - numero: solo il numero (l'unità di misura è già indicata);", False),
        ("   - percentuale: ad esempio 45% (oppure, per un rapporto, numeratore e denominatore e lascia vuoto «Valore»);", False),
        ("   - data: il giorno in cui l'azione è stata completata; se non è ancora completata lascia vuoto «Valore» e spiega nella «Nota»;", False),
        ("   - si / no: scegli dall'elenco;", False),
        ("   - qualitativo: il giudizio da 0% a 100% in «Valore», con la motivazione (obbligatoria) nella «Nota».", False),
        ("3. «Fonte del dato»: da dove viene il numero (ad esempio: gestionale, estrazione del 10/01). «Evidenza»: un link a un documento verificabile.", False),
        ("4. Se un'azione non è ancora misurabile, lascia la riga vuota: risulterà «non misurata».", False),
    ]
    if tipo == "consuntivo":
        lines += [
            ("5. Se il risultato è sotto il target, spiega lo scostamento (obbligatorio a consuntivo, D.Lgs. 150/2009 art. 10):", False),
            ("   - causa: «esterna» (fuori dal controllo dell'ente), «interna» (organizzazione, risorse) o «indicatore» (indicatore o target scelti male);", False),
            ("   - descrizione: che cosa è successo; azione correttiva: che cosa si farà (facoltativa).", False),
        ]
    lines += [
        ("", False),
        ("Rimanda il file compilato al controllo di gestione senza cambiarne il nome né la struttura:", False),
        ("sarà importato con `python -m generator importa-rilevazione`, che segnala ogni cella da correggere (ad esempio «Valori!J5»).", False),
    ]
    ws.column_dimensions["A"].width = 120
    for i, (line, bold) in enumerate(lines, start=1):
        c = write_text(ws, i, 1, line)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            c.font = Font(bold=True, size=12 if i > 3 else 14)
    ws.protection.sheet = True


def _soglia(a: Azione, key: str) -> str:
    v = getattr(a, key)
    if a.tipo == "qualitativo":
        return "valutazione qualitativa" if key == "target" else ""
    return "" if v is None else fmt.valore(v, a.tipo, a.unita)


def _write_values(ws: _Worksheet, m: Modulo, data: dt.date, tipo: str, latest: dict[str, str]) -> None:
    # openpyxl (it loads numpy) costs ~190 ms CPU to import; only `moduli` writes forms
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    grey = PatternFill("solid", fgColor="EEEEEE")
    yellow = PatternFill("solid", fgColor="FFF2CC")
    cols = COLUMNS + (CONSUNTIVO_COLUMNS if tipo == "consuntivo" else [])
    idx = {k: i for i, (k, _, _) in enumerate(cols, start=1)}
    write_text(ws, 1, 1, f"Rilevazione al {fmt.data(data)} ({tipo}) — {m.nome}").font = Font(bold=True, size=13)
    for i, (_, header, editable) in enumerate(cols, start=1):
        c = ws.cell(row=HEADER_ROW, column=i, value=header)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        c.fill = yellow if editable else grey
        ws.column_dimensions[get_column_letter(i)].width = {"titolo": 40, "indicatore": 40, "nota": 40, "descrizione": 40, "azione_correttiva": 40}.get(cols[i - 1][0], 16)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=idx["valore"])

    def dv(**kw: str) -> _Validation:
        v: _Validation = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle="Valore non valido", **kw)
        ws.add_data_validation(v)
        return v

    si_no = dv(type="list", formula1='"si,no"', error="Scegli «si» o «no» dall'elenco.")
    date = dv(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", error="Scrivi una data, ad esempio 30/06/2022.")
    numbers = dv(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15", error="Scrivi un numero.")
    esiti = dv(type="decimal", operator="between", formula1="0", formula2="1", error="Scrivi un giudizio da 0% a 100%.")
    denominators = dv(type="decimal", operator="notEqual", formula1="0", error="Il denominatore non può essere zero.")
    cause = dv(type="list", formula1='"' + ",".join(CAUSE) + '"', error="Scegli la causa dall'elenco: esterna, interna o indicatore.")

    for r, a in enumerate(m.azioni, start=HEADER_ROW + 1):
        fixed = {
            "codice": a.codice,
            "titolo": a.titolo,
            "indicatore": a.indicatore,
            "tipo": _TIPO_LABELS[a.tipo],
            "unita": a.unita or ("%" if a.tipo in ("percentuale", "qualitativo") else ""),
            "target": _soglia(a, "target"),
            "soglia_80": _soglia(a, "soglia_80"),
            "soglia_60": _soglia(a, "soglia_60"),
            "ultimo": latest.get(a.codice, ""),
        }
        for k, v in fixed.items():
            c = write_text(ws, r, idx[k], v)
            c.alignment = Alignment(wrap_text=True, vertical="top")
            c.number_format = "@"
        to_fill = ["valore", "nota", "fonte", "evidenza"]
        if a.tipo in ("numero", "percentuale"):
            to_fill += ["numeratore", "denominatore"]
        if tipo == "consuntivo":
            to_fill += ["causa", "descrizione", "azione_correttiva"]
        for k in to_fill:
            c = ws.cell(row=r, column=idx[k])
            c.protection = Protection(locked=False)
            c.fill = yellow
            c.alignment = Alignment(wrap_text=True, vertical="top")
        ref = ws.cell(row=r, column=idx["valore"]).coordinate
        cell = ws[ref]
        if a.tipo == "si_no":
            si_no.add(ref)
        elif a.tipo == "data":
            date.add(ref)
            cell.number_format = "DD/MM/YYYY"
        elif a.tipo == "qualitativo":
            esiti.add(ref)
            cell.number_format = "0%"
        elif a.tipo == "percentuale":
            numbers.add(ref)
            cell.number_format = "0.0%"
        else:
            numbers.add(ref)
        if a.tipo in ("numero", "percentuale"):
            numbers.add(ws.cell(row=r, column=idx["numeratore"]).coordinate)
            denominators.add(ws.cell(row=r, column=idx["denominatore"]).coordinate)
        for k in ("nota", "fonte", "evidenza", "descrizione", "azione_correttiva"):
            if k in idx:
                ws.cell(row=r, column=idx[k]).number_format = "@"
        if tipo == "consuntivo":
            cause.add(ws.cell(row=r, column=idx["causa"]).coordinate)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widening a column to read is fine


def _write_meta(ws: _Worksheet, m: Modulo, piano: Piano, data: dt.date, tipo: str) -> None:
    for i, (k, v) in enumerate((("formato", FORMAT), ("piano", piano.anno), ("data", data.isoformat()), ("tipo", tipo), ("struttura", m.struttura), ("nome", m.nome)), start=1):
        ws.cell(row=i, column=1, value=k)
        write_text(ws, i, 2, v).number_format = "@"
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def write_modulo(path: Path, m: Modulo, piano: Piano, data: dt.date, tipo: str, latest: dict[str, str]) -> None:
    # openpyxl (it loads numpy) costs ~190 ms CPU to import; only `moduli` writes forms
    from openpyxl import Workbook

    wb = Workbook()
    ist = wb.active
    ist.title = "Istruzioni"
    _write_instructions(ist, m, piano, data, tipo)
    _write_values(wb.create_sheet(VALUES_SHEET), m, data, tipo, latest)
    _write_meta(wb.create_sheet(META_SHEET), m, piano, data, tipo)
    # Same inputs -> same bytes: the document's dates are the measurement's.
    stamp = dt.datetime.combine(data, dt.time())
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "performance trasparente"
    wb.properties.lastModifiedBy = None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)


class ModuliError(Exception):
    pass


def write_moduli(root: Path, data: dt.date, tipo: str, out: Path | None) -> list[Path]:
    """Write every unit's form; raise ValidationFailed (data errors) or ModuliError."""
    progetto = load_project(root)
    piano = progetto.piani.get(data.year)
    if piano is None:
        available = ", ".join(str(a) for a in progetto.piani) or "nessuno"
        raise ModuliError(
            f"nessun piano per l'anno {data.year} (la data {data.isoformat()} è del {data.year}); piani disponibili: {available}\n"
            f"suggerimento: crea il piano con `python -m generator nuovo-anno {data.year}`"
        )
    dest = out if out is not None else root / "moduli" / data.isoformat()
    latest = _latest_values(progetto, piano.anno, data)
    written = []
    for m in moduli_of(piano):
        path = dest / f"rilevazione-{data.isoformat()}-{m.struttura}.xlsx"
        write_modulo(path, m, piano, data, tipo, latest)
        written.append(path)
    return written


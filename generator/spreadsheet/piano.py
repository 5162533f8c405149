"""``importa-piano``: a plan's "Cruscotto" spreadsheet -> ``plan/<anno>.yml``.

The layout is the one many bodies keep their plan in (the seed's table):
a header block naming the groups *Prospettiva*, *Obiettivi strategici*
(cod., descrizione, kpi, Target per year), *Obiettivi operativi* (cod.,
titolo, peso, kpi) and *Azioni* (cod., titolo, Peso, kpi, target, Soglie
80% / 60%, PIRA, Responsabile), then one row per action. Columns are found
by their header text (case, accents, spacing and line breaks don't matter),
never by position; the header block may repeat (one per perspective), a
title may sit above it, rows may be blank, and perspective / objective
cells may be merged over their rows or written only on their first row.

Every cell that cannot be read becomes an :class:`~.errors.CellError`;
all are collected, and nothing is written unless there are none and the
result passes the project's validator.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

from ..diagnostics import Diagnostic, format_text, line_reader
from ..runtime import write_atomic
from ..source import SourceError, load
from ..validate import check_project
from .errors import CellError, ImportFailed, cell_name, format_report
from .grid import Cell, Sheet, read_sheets
from .values import Reading, Unreadable, normalize, read_codice, read_peso, read_pira, read_value
from .yamlout import CommentedMap, CommentedSeq, dump, num, pct, q

SCHEMA_LINE = "yaml-language-server: $schema=../schemas/plan.schema.json"

#: well-known abbreviations of responsible units -> full name
ABBREVIATIONS = {"sg": "Segretario Generale", "dg": "Direttore Generale"}

_STOP = {"di", "del", "della", "dei", "degli", "delle", "e", "ed", "per", "la", "il", "lo", "le", "gli", "l"}


# --------------------------------------------------------------------------
# header block


@dataclass
class Columns:
    """Where each field is, for one header block."""

    prospettiva: int
    header_row: int
    first_data_row: int
    s: dict[str, int] = field(default_factory=dict)  # codice, titolo, indicatore
    s_target: dict[int, int] = field(default_factory=dict)  # year -> column
    o: dict[str, int] = field(default_factory=dict)  # codice, titolo, peso, indicatore
    a: dict[str, int] = field(default_factory=dict)  # codice, titolo, peso, indicatore, target, soglia_80, soglia_60, pira, responsabile


def _text(f: Sheet, r: int, c: int) -> str:
    cell = f.cell(r, c)
    return normalize(cell.text) if cell is not None else ""


def _header_column(f: Sheet, r: int) -> int | None:
    """The column of «Prospettiva» if row ``r`` starts a header block."""
    testi = {c: _text(f, r, c) for c in range(1, f.max_column + 1)}
    persp = [c for c, t in testi.items() if t in ("prospettiva", "prospettive", "area strategica")]
    if persp and any("strateg" in t for t in testi.values()):
        return persp[0]
    return None


def _year_of(cell: Cell | None) -> int | None:
    if cell is None:
        return None
    t = cell.text.strip()
    if re.fullmatch(r"20\d\d", t):
        return int(t)
    return None


def _soglia_of(cell: Cell | None) -> str | None:
    if cell is None:
        return None
    t = normalize(cell.text).replace(" ", "")
    for n in ("80", "60"):
        if t in (f"{n}%", f"soglia{n}%", f"soglia{n}", f"0,{n[0]}", f"0{n[0]}"):
            return f"soglia_{n}"
    return None


def _label(t: str) -> str | None:
    if t.startswith("cod"):
        return "codice"
    if "titolo" in t or "descrizione" in t or t in ("obiettivo", "azione", "denominazione"):
        return "titolo"
    if t.startswith("kpi") or "indicatore" in t:
        return "indicatore"
    if t.startswith("peso") or t == "ponderazione":
        return "peso"
    if t.startswith("target"):
        return "target"
    if t.startswith("sogli"):
        return "soglia"
    if t.startswith("pira"):
        return "pira"
    if "responsabil" in t or t.startswith("struttur"):
        return "responsabile"
    return None


def _header(f: Sheet, r: int, cp: int, file: str, errors: list[CellError]) -> Columns:
    gruppi: list[tuple[str, int]] = []
    for c in range(1, f.max_column + 1):
        if f.origin(r, c)[1] != c:
            continue  # covered by a horizontal merge: same group
        t = _text(f, r, c)
        if "strateg" in t:
            gruppi.append(("s", c))
        elif "operativ" in t:
            gruppi.append(("o", c))
        elif "azion" in t:
            gruppi.append(("a", c))
    col = Columns(prospettiva=cp, header_row=r, first_data_row=r + 2)
    sub = r + 1
    # A third header row holds years under Target and 80% / 60% under Soglie.
    terza = r + 2
    ha_terza = any(_year_of(f.cell(terza, c)) or _soglia_of(f.cell(terza, c)) for c in range(1, f.max_column + 1))
    if ha_terza or not any(f.cell(terza, c) for c in range(1, f.max_column + 1)):
        col.first_data_row = r + 3
    for i, (g, start) in enumerate(gruppi):
        end = gruppi[i + 1][1] - 1 if i + 1 < len(gruppi) else f.max_column
        dest = {"s": col.s, "o": col.o, "a": col.a}[g]
        soglie_senza_nome: list[int] = []
        for c in range(start, end + 1):
            t = _text(f, sub, c)
            lab = _label(t)
            if lab is None:
                continue
            if lab == "target" and g == "s":
                anno = _year_of(f.cell(terza, c)) or (int(m.group(0)) if (m := re.search(r"20\d\d", t)) else None)
                if anno is None:
                    errors.append(CellError(file, f.name, terza, c, "manca l'anno sotto «Target» degli obiettivi strategici", "scrivi l'anno (ad esempio 2021) nella riga sotto «Target», una colonna per anno", None))
                    continue
                col.s_target[anno] = c
            elif lab == "soglia":
                which = _soglia_of(f.cell(terza, c)) or ("soglia_80" if "80" in t else "soglia_60" if "60" in t else None)
                if which is None:
                    soglie_senza_nome.append(c)
                else:
                    dest[which] = c
            elif lab not in dest:
                dest[lab] = c
        for which, c in zip(("soglia_80", "soglia_60"), soglie_senza_nome[:2], strict=False):
            dest.setdefault(which, c)
    for g, nome, dest, needed in (
        ("s", "Obiettivi strategici", col.s, ("codice", "titolo")),
        ("o", "Obiettivi operativi", col.o, ("codice", "titolo", "peso")),
        ("a", "Azioni", col.a, ("codice", "titolo", "peso", "indicatore", "target")),
    ):
        if not any(gg == g for gg, _ in gruppi):
            errors.append(CellError(file, f.name, r, cp, f"manca il gruppo di colonne «{nome}» nell'intestazione", f"scrivi «{nome}» sopra le sue colonne, nella stessa riga di «Prospettiva»"))
            continue
        for k in needed:
            if k not in dest:
                errors.append(
                    CellError(file, f.name, sub, next(c for gg, c in gruppi if gg == g), f"nel gruppo «{nome}» manca la colonna «{k}»",
                                f"scrivi l'intestazione «{'cod.' if k == 'codice' else k}» sopra la colonna, nella riga {sub}")
                )
    if not col.s_target and any(gg == "s" for gg, _ in gruppi):
        errors.append(CellError(file, f.name, sub, gruppi[0][1], "mancano le colonne «Target» per anno degli obiettivi strategici", "scrivi «Target» e sotto gli anni del triennio (2021, 2022, 2023)"))
    return col


# --------------------------------------------------------------------------
# rows


@dataclass
class Pos:
    riga: int
    colonna: int

    def __str__(self) -> str:
        return cell_name(self.riga, self.colonna)


@dataclass
class Azione:
    codice: str
    pos: Pos
    data: dict[str, object] = field(default_factory=dict)
    note: dict[str, str] = field(default_factory=dict)  # field -> YAML comment
    nota: list[str] = field(default_factory=list)  # the plan's `nota`


@dataclass
class Operativo:
    codice: str
    titolo: str
    peso: Decimal | None
    indicatore: str | None
    pos: Pos
    note: dict[str, str] = field(default_factory=dict)
    azioni: list[Azione] = field(default_factory=list)


@dataclass
class Strategico:
    codice: str
    titolo: str
    indicatore: str | None
    target: dict[int, Decimal]
    pos: Pos
    note: dict[str, str] = field(default_factory=dict)
    operativi: list[Operativo] = field(default_factory=list)


@dataclass
class Prospettiva:
    nome: str
    pos: Pos
    strategici: list[Strategico] = field(default_factory=list)


@dataclass
class SheetReader:
    file: str
    sheet: Sheet
    anno: int | None
    errors: list[CellError] = field(default_factory=list)
    prospettive: list[Prospettiva] = field(default_factory=list)
    strutture: dict[str, list[tuple[str, Pos]]] = field(default_factory=dict)  # key -> spellings
    anni: list[int] = field(default_factory=list)
    titolo: str | None = None

    def error(self, r: int, c: int, msg: str, hint: str = "", severity: str = "errore") -> None:
        r, c = self.sheet.origin(r, c)
        cell = self.sheet.cells.get((r, c))
        self.errors.append(CellError(self.file, self.sheet.name, r, c, msg, hint, cell.text if cell else None, severity))  # type: ignore[arg-type]

    def cell(self, r: int, c: int | None) -> Cell | None:
        return self.sheet.cell(r, c) if c else None

    def text(self, r: int, c: int | None) -> str | None:
        cell = self.cell(r, c)
        if cell is None:
            return None
        t = " ".join(cell.text.split())
        return t or None

    # -- the sheet ---------------------------------------------------------

    def read(self) -> None:
        f = self.sheet
        r = 1
        col: Columns | None = None
        p_cur: Prospettiva | None = None
        s_cur: Strategico | None = None
        o_cur: Operativo | None = None
        seen: dict[str, Pos] = {}
        while r <= f.max_row:
            cp = _header_column(f, r)
            if cp is not None:
                col = _header(f, r, cp, self.file, self.errors)
                for anno in col.s_target:
                    if anno not in self.anni:
                        self.anni.append(anno)
                r = col.first_data_row
                continue
            if col is None:
                if self.titolo is None:
                    self.titolo = next((" ".join(c.text.split()) for (rr, _), c in sorted(f.cells.items()) if rr == r and c.kind == "testo"), None)
                r += 1
                continue
            codes = {g: self.cell(r, d.get("codice")) for g, d in (("s", col.s), ("o", col.o), ("a", col.a))}
            if not any(codes.values()):
                if any(self.cell(r, c) for k, c in col.a.items() if k in ("titolo", "peso", "target", "indicatore")):
                    self.error(r, col.a["codice"], "manca il codice dell'azione", "scrivi il codice (ad esempio `1.1.1`) nella colonna «cod.» delle azioni")
                r += 1
                continue
            # perspective
            nome = self.text(r, col.prospettiva)
            if nome and (p_cur is None or normalize(nome) != normalize(p_cur.nome)):
                p_cur = next((p for p in self.prospettive if normalize(p.nome) == normalize(nome)), None)
                if p_cur is None:
                    p_cur = Prospettiva(nome, Pos(*f.origin(r, col.prospettiva)))
                    self.prospettive.append(p_cur)
            if p_cur is None:
                self.error(r, col.prospettiva, "manca la prospettiva della riga", "scrivi il nome della prospettiva nella colonna «Prospettiva» (o unisci le celle della prospettiva)")
                r += 1
                continue
            # strategic objective
            if codes["s"] is not None:
                cod = self._codice(r, col.s["codice"], codes["s"])
                if cod and (s_cur is None or cod != s_cur.codice):
                    if cod in seen:
                        self.error(r, col.s["codice"], f"il codice «{cod}» compare già nella cella {seen[cod]}", "ogni obiettivo ha un codice diverso: correggi uno dei due")
                    else:
                        s_cur = self._strategico(r, col, cod)
                        seen[cod] = s_cur.pos
                        p_cur.strategici.append(s_cur)
                        o_cur = None
            if s_cur is None:
                self.error(r, col.s.get("codice", 1), "manca l'obiettivo strategico della riga", "scrivi il codice dell'obiettivo strategico nella colonna «cod.» degli obiettivi strategici")
                r += 1
                continue
            if codes["o"] is not None:
                cod = self._codice(r, col.o["codice"], codes["o"])
                if cod and (o_cur is None or cod != o_cur.codice):
                    if cod in seen:
                        self.error(r, col.o["codice"], f"il codice «{cod}» compare già nella cella {seen[cod]}", "ogni obiettivo ha un codice diverso: correggi uno dei due")
                    else:
                        o_cur = self._operativo(r, col, cod)
                        seen[cod] = o_cur.pos
                        s_cur.operativi.append(o_cur)
            if codes["a"] is not None:
                if o_cur is None:
                    self.error(r, col.o["codice"], "manca l'obiettivo operativo della riga", "scrivi il codice dell'obiettivo operativo nella colonna «cod.» degli obiettivi operativi")
                else:
                    cod = self._codice(r, col.a["codice"], codes["a"])
                    if cod:
                        if cod in seen:
                            self.error(r, col.a["codice"], f"il codice «{cod}» compare già nella cella {seen[cod]}", "ogni azione ha un codice diverso: correggi uno dei due")
                        else:
                            a = self._azione(r, col, cod)
                            seen[cod] = a.pos
                            o_cur.azioni.append(a)
            r += 1
        if not self.prospettive and not self.errors:
            self.errors.append(
                CellError(self.file, f.name, 0, 0, "il foglio non contiene la tabella del piano",
                            "la tabella ha una riga d'intestazione con «Prospettiva», «Obiettivi strategici», «Obiettivi operativi» e «Azioni»; "
                            "se è in un altro foglio indicalo con --foglio")
            )

    def _codice(self, r: int, c: int, cell: Cell) -> str | None:
        got = read_codice(cell)
        if isinstance(got, Unreadable):
            self.error(r, c, got.message, got.hint)
            return None
        return got

    def _strategico(self, r: int, col: Columns, cod: str) -> Strategico:
        titolo = self.text(r, col.s.get("titolo"))
        if titolo is None:
            self.error(r, col.s["titolo"], f"manca la descrizione dell'obiettivo strategico «{cod}»", "scrivi la descrizione nella colonna «descrizione»")
        s = Strategico(cod, titolo or "", self.text(r, col.s.get("indicatore")), {}, Pos(*self.sheet.origin(r, col.s["codice"])))
        if isinstance(self.cell(r, col.s["codice"]), Cell) and self.cell(r, col.s["codice"]).kind == "numero":  # type: ignore[union-attr]
            s.note["codice"] = f"{s.pos}: codice scritto come numero"
        for anno, c in sorted(col.s_target.items()):
            cell = self.cell(r, c)
            if cell is None:
                self.error(r, c, f"manca il target {anno} dell'obiettivo strategico «{cod}»", "scrivi il target in percentuale, ad esempio `80%`")
                continue
            got = read_value(cell, anno)
            if isinstance(got, Reading) and got.kind in ("percentuale", "numero") and isinstance(got.value, Decimal):
                s.target[anno] = got.value
                if got.kind == "numero":
                    s.note[f"target{anno}"] = f"{cell_name(*self.sheet.origin(r, c))}: «{cell.text}» letto come {num(got.value)}%"
            else:
                self.error(r, c, f"il target {anno} dell'obiettivo strategico «{cod}» deve essere una percentuale, trovato «{cell.text.strip()}»", "scrivi ad esempio `80%`")
        return s

    def _operativo(self, r: int, col: Columns, cod: str) -> Operativo:
        titolo = self.text(r, col.o.get("titolo"))
        if titolo is None:
            self.error(r, col.o["titolo"], f"manca il titolo dell'obiettivo operativo «{cod}»", "scrivi il titolo nella colonna «titolo / descrizione»")
        o = Operativo(cod, titolo or "", None, self.text(r, col.o.get("indicatore")), Pos(*self.sheet.origin(r, col.o["codice"])))
        if self.cell(r, col.o["codice"]).kind == "numero":  # type: ignore[union-attr]
            o.note["codice"] = f"{o.pos}: codice scritto come numero"
        o.peso = self._peso(r, col.o["peso"], f"dell'obiettivo operativo «{cod}»", o.note)
        return o

    def _peso(self, r: int, c: int, di: str, note: dict[str, str]) -> Decimal | None:
        cell = self.cell(r, c)
        if cell is None:
            self.error(r, c, f"manca il peso {di}", "scrivi il peso in percentuale, ad esempio `50%`")
            return None
        got = read_peso(cell)
        if isinstance(got, Unreadable):
            self.error(r, c, got.message, got.hint)
            return None
        if got.comment:
            note["peso"] = f"{cell_name(*self.sheet.origin(r, c))}: {got.comment}"
        return got.value  # type: ignore[return-value]

    def _azione(self, r: int, col: Columns, cod: str) -> Azione:
        a = Azione(cod, Pos(*self.sheet.origin(r, col.a["codice"])))
        A = col.a
        titolo = self.text(r, A.get("titolo"))
        if titolo is None:
            self.error(r, A["titolo"], f"manca il titolo dell'azione «{cod}»", "scrivi il titolo nella colonna «titolo / descrizione» delle azioni")
        a.data["titolo"] = titolo or ""
        peso = self._peso(r, A["peso"], f"dell'azione «{cod}»", a.note)
        a.data["peso"] = peso
        indicatore = self.text(r, A.get("indicatore"))
        if indicatore is None:
            self.error(r, A["indicatore"], f"manca l'indicatore (kpi) dell'azione «{cod}»", "scrivi l'indicatore nella colonna «kpi»")
        a.data["indicatore"] = indicatore or ""
        readings: dict[str, tuple[Reading, Cell, int]] = {}
        in_words: dict[str, str] = {}
        for k in ("target", "soglia_80", "soglia_60"):
            c = A.get(k)
            cell = self.cell(r, c)
            if cell is None or c is None:
                continue
            got = read_value(cell, self.anno or dt.date.today().year)
            if isinstance(got, Unreadable):
                if k == "target":
                    self.error(r, c, f"target dell'azione «{cod}»: {got.message}", got.hint)
                else:
                    # A threshold described in words ("frequenza minima prevista"):
                    # kept in the action's note, the threshold is left out.
                    in_words[k] = cell.text.strip()
                    self.error(r, c, f"{k.replace('_', ' ')}% dell'azione «{cod}» descritta a parole («{cell.text.strip()}»): la soglia è omessa e il testo va nella nota", "se la soglia ha un valore, scrivilo in cifre (ad esempio `80%`)", "avviso")
                continue
            readings[k] = (got, cell, c)
        self._tipo(r, a, readings, in_words, A["target"])
        pira = read_pira(self.cell(r, A.get("pira")))
        if isinstance(pira, Unreadable):
            self.error(r, A["pira"], pira.message, pira.hint)
            pira = False
        a.data["pira"] = pira
        resp = self.text(r, A.get("responsabile"))
        if resp:
            key = _struttura_key(resp)
            self.strutture.setdefault(key, []).append((resp, Pos(*self.sheet.origin(r, A["responsabile"]))))
            a.data["responsabile"] = key
        elif "responsabile" in A:
            a.note["responsabile"] = f"{cell_name(r, A['responsabile'])}: responsabile non indicato nel foglio"
        return a

    def _tipo(self, r: int, a: Azione, readings: dict[str, tuple[Reading, Cell, int]], in_words: dict[str, str], col_target: int) -> None:
        cod = a.codice
        for k, t in in_words.items():
            a.nota.append(f"{k.replace('_', ' ')}%: «{t}» (valore non indicato nel piano)")
        qual = [k for k, (lt, _, _) in readings.items() if lt.kind == "qualitativa"]
        if qual:
            a.data["tipo"] = "qualitativo"
            scritti = ", ".join(f"{k.replace('_', ' ')} «{cell.text.strip()}»" for k, (_, cell, _) in readings.items())
            a.note["tipo"] = f"nel foglio: {scritti}: valutazione qualitativa"
            a.nota.append(f"nel piano: {scritti}; valutazione qualitativa del valutatore")
            return
        if "target" not in readings:
            if not any(e.riga == r and "target" in e.message for e in self.errors):
                self.error(r, col_target, f"manca il target dell'azione «{cod}»", "scrivi il target (un numero, una percentuale, un mese) oppure «qualitativa»")
            return
        generi = {k: ("data" if lt.kind == "mese" else lt.kind) for k, (lt, _, _) in readings.items()}
        base = generi["target"]
        ok = True
        for k, g in generi.items():
            if g != base:
                _, cell, c = readings[k]
                nomi = {"percentuale": "una percentuale", "numero": "un numero", "data": "una data o un mese", "si_no": "si/no"}
                self.error(r, c, f"{k.replace('_', ' ')} dell'azione «{cod}» è {nomi.get(g, g)} ma il target è {nomi.get(base, base)}", "scrivi target e soglie nella stessa forma (tutti percentuali, tutti numeri o tutti mesi)")
                ok = False
        if not ok:
            return
        tipo = {"percentuale": "percentuale", "numero": "numero", "data": "data", "si_no": "si_no"}[base]
        a.data["tipo"] = tipo
        unita = {lt.unita for lt, _, _ in readings.values() if lt.unita}
        if len(unita) > 1:
            _, cell, c = next(x for x in readings.values() if x[0].unita)
            self.error(r, c, f"target e soglie dell'azione «{cod}» hanno unità diverse ({', '.join(sorted(unita))})", "usa la stessa unità di misura in tutte le celle")
        elif unita:
            a.data["unita"] = unita.pop()
        for k, (lt, cell, c) in readings.items():
            a.data[k] = lt.value
            if lt.comment:
                a.note[k] = f"{cell_name(*self.sheet.origin(r, c))}: {lt.comment}"
            elif cell.kind == "data":
                a.note[k] = f"{cell_name(*self.sheet.origin(r, c))}: data nel foglio"
        if tipo in ("numero", "percentuale"):
            vals = [(k, readings[k][0].value, readings[k][2]) for k in ("target", "soglia_80", "soglia_60") if k in readings]
            nums = [v for _, v, _ in vals]
            if len(nums) >= 2:
                down = all(x <= y for x, y in pairwise(nums)) and nums[0] < nums[-1]  # type: ignore[operator]
                up = all(x >= y for x, y in pairwise(nums))  # type: ignore[operator]
                if down:
                    a.data["verso"] = "decrescente"
                    a.note["verso"] = "ricavato dall'ordine delle soglie: più basso è meglio"
                elif not up:
                    k, _, c = vals[-1]
                    self.error(r, c, f"target e soglie dell'azione «{cod}» non sono in ordine ({', '.join(str(num(v)) for v in nums)})",  # type: ignore[arg-type]
                                "se più alto è meglio: target ≥ soglia 80% ≥ soglia 60%; se più basso è meglio: target ≤ soglia 80% ≤ soglia 60%")



def _struttura_key(nome: str) -> str:
    """Spelling variants of one unit share a key: «U.O. "Registro Imprese"» = «Uo "Registro Imprese"»."""
    t = normalize(nome)
    t = re.sub(r"[\"'“”«»,;:()]", " ", t)
    words = t.split()
    if words[:2] == ["u", "o"]:
        words = ["uo"] + words[2:]
    return " ".join(w for w in words if w not in _STOP)


def _slug(text: str, limit: int = 40) -> str:
    t = normalize(text)
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    if len(t) > limit:
        t = t[:limit].rsplit("-", 1)[0]
    return t or "x"


# --------------------------------------------------------------------------
# output


def _strutture_yaml(strutture: dict[str, list[tuple[str, Pos]]]) -> tuple[CommentedMap, dict[str, str]]:
    """``strutture`` (id -> name, with a comment listing spelling variants) and key -> id."""
    reg = CommentedMap()
    ids: dict[str, str] = {}
    for key, spellings in strutture.items():
        nomi = Counter(s for s, _ in spellings)
        primo = {s: i for i, (s, _) in reversed(list(enumerate(spellings)))}
        # The house spelling (U.O. "…") wins, then the most frequent, then the first.
        nome = max(nomi, key=lambda s: (s.startswith("U.O. "), nomi[s], -primo[s]))
        id_ = _slug(key)
        if id_ in ABBREVIATIONS and nome.strip().lower() == id_:
            nome = ABBREVIATIONS[id_]
        elif len(nome) > 1 and nome[0] == nome[-1] == '"':
            nome = nome[1:-1]
        base, n = id_, 2
        while id_ in reg:
            id_, n = f"{base}-{n}", n + 1
        ids[key] = id_
        reg[id_] = nome
        varianti = sorted(set(nomi) - {nome})
        if nome not in nomi:
            reg.yaml_add_eol_comment("nel foglio " + " / ".join(f"«{v}»" for v in varianti), id_)
        elif varianti:
            reg.yaml_add_eol_comment("nel foglio anche: " + " / ".join(varianti) + " (" + ", ".join(str(p) for s, p in spellings if s != nome) + ")", id_)
    return reg, ids


def _yaml_value(tipo: str, v: object) -> object:
    if tipo == "percentuale" and isinstance(v, Decimal):
        return pct(v)
    if isinstance(v, Decimal):
        return num(v)
    if isinstance(v, bool):
        return "si" if v else "no"
    return v


def build_plan(reader: SheetReader, ente: str, anno: int, fonte: str) -> CommentedMap:
    reg, ids = _strutture_yaml(reader.strutture)
    anni = sorted(reader.anni)
    root = CommentedMap()
    root["ente"] = ente
    root["titolo"] = reader.titolo or f"Piano della Performance {anni[0]}-{anni[-1]}"
    root["anno"] = anno
    tri = CommentedSeq(anni)
    tri.fa.set_flow_style()
    root["triennio"] = tri
    root["metodo"] = "fasce"
    root["strutture"] = reg
    root.yaml_set_comment_before_after_key("strutture", before="\nStrutture responsabili (ricavate dalla colonna «Responsabile»)")
    persps = CommentedSeq()
    used: set[str] = set()
    for p in reader.prospettive:
        pm = CommentedMap()
        pid = _slug(p.nome)
        base, n = pid, 2
        while pid in used:
            pid, n = f"{base}-{n}", n + 1
        used.add(pid)
        pm["id"] = pid
        pm["nome"] = p.nome
        pm.yaml_add_eol_comment(f"cella {p.pos}", "nome")
        ss = CommentedSeq()
        for s in p.strategici:
            sm = CommentedMap()
            sm["codice"] = q(s.codice)
            sm["titolo"] = s.titolo
            if s.indicatore:
                sm["indicatore"] = s.indicatore
            tgt = CommentedMap((y, pct(v)) for y, v in sorted(s.target.items()))
            tgt.fa.set_flow_style()
            sm["target"] = tgt
            _add_comments(sm, s.note, {"codice": "codice", **{f"target{y}": "target" for y in s.target}})
            oo = CommentedSeq()
            for o in s.operativi:
                om = CommentedMap()
                om["codice"] = q(o.codice)
                om["titolo"] = o.titolo
                if o.peso is not None:
                    om["peso"] = pct(o.peso)
                if o.indicatore:
                    om["indicatore"] = o.indicatore
                _add_comments(om, o.note, {})
                aa = CommentedSeq()
                for a in o.azioni:
                    am = CommentedMap()
                    am["codice"] = q(a.codice)
                    am["titolo"] = a.data["titolo"]
                    if a.data.get("peso") is not None:
                        am["peso"] = pct(a.data["peso"])  # type: ignore[arg-type]
                    am["indicatore"] = a.data["indicatore"]
                    tipo = str(a.data.get("tipo", "numero"))
                    am["tipo"] = tipo
                    if "unita" in a.data:
                        am["unita"] = a.data["unita"]
                    if "verso" in a.data:
                        am["verso"] = a.data["verso"]
                    if tipo != "qualitativo":
                        for k in ("target", "soglia_80", "soglia_60"):
                            if k in a.data:
                                am[k] = _yaml_value(tipo, a.data[k])
                    am["pira"] = bool(a.data.get("pira"))
                    if a.data.get("responsabile"):
                        am["responsabile"] = ids[str(a.data["responsabile"])]
                    if a.nota:
                        am["nota"] = "; ".join(a.nota)
                    _add_comments(am, a.note, {})
                    if "responsabile" in a.note and "responsabile" not in am:
                        am.yaml_add_eol_comment(a.note["responsabile"], "pira")
                    aa.append(am)
                om["azioni"] = aa
                oo.append(om)
            sm["obiettivi_operativi"] = oo
            ss.append(sm)
        pm["obiettivi_strategici"] = ss
        persps.append(pm)
    root["prospettive"] = persps
    root.yaml_set_comment_before_after_key("prospettive", before="")
    root.yaml_set_start_comment(
        f"{SCHEMA_LINE}\n\n"
        f"Importato da {fonte} con `python -m generator importa-piano`.\n"
        "I commenti accanto ai valori indicano la cella del foglio e come è stata\n"
        "interpretata: controllali prima di proporre il piano."
    )
    return root


def _add_comments(m: CommentedMap, note: dict[str, str], alias: dict[str, str]) -> None:
    grouped: dict[str, list[str]] = {}
    for k, text in note.items():
        key = alias.get(k, k)
        if key in m:
            grouped.setdefault(key, []).append(text)
    for key, texts in grouped.items():
        m.yaml_add_eol_comment("; ".join(texts), key)


# --------------------------------------------------------------------------
# command


@dataclass
class ImportResult:
    text: str
    warnings: list[CellError]
    diagnostics: list[Diagnostic]  # the validator's (warnings only, since it succeeded)


def _pick_sheet(sheets: list[Sheet], nome: str | None, display: str) -> Sheet:
    if nome is not None:
        for f in sheets:
            if normalize(f.name) == normalize(nome):
                return f
        elenco = ", ".join(f"«{f.name}»" for f in sheets)
        raise ImportFailed([CellError(display, "", 0, 0, f"il foglio «{nome}» non esiste", f"i fogli del file sono: {elenco}")])
    for f in sheets:
        if any(_header_column(f, r) for r in range(1, min(f.max_row, 50) + 1)):
            return f
    raise ImportFailed([
        CellError(display, "", 0, 0, "nessun foglio contiene la tabella del piano (una riga con «Prospettiva» e «Obiettivi strategici»)",
                    "indica il foglio con --foglio NOME, e controlla che l'intestazione abbia «Prospettiva», «Obiettivi strategici», «Obiettivi operativi», «Azioni»")
    ])


def import_plan(path: Path, display: str, *, sheet: str | None, anno: int | None, ente: str | None) -> ImportResult:
    """Read the spreadsheet and build the plan's YAML; raise ImportFailed with every error."""
    sheets = read_sheets(path, display)
    f = _pick_sheet(sheets, sheet, display)
    reader = SheetReader(display, f, anno)
    # Month names need the plan's year before reading: a first pass finds it.
    if anno is None:
        for r in range(1, f.max_row + 1):
            cp = _header_column(f, r)
            if cp is not None:
                years = sorted(_header(f, r, cp, display, []).s_target)
                reader.anno = years[0] if years else None
                break
    reader.read()
    errors = [e for e in reader.errors if e.is_error]
    warnings = [e for e in reader.errors if not e.is_error]
    anno_piano = anno or (min(reader.anni) if reader.anni else None)
    if anno_piano is None and not errors:
        errors.append(CellError(display, f.name, 0, 0, "non trovo l'anno del piano", "indica l'anno con --anno 2021"))
    elif anno_piano is not None and reader.anni and anno_piano not in reader.anni:
        errors.append(CellError(display, f.name, 0, 0, f"l'anno {anno_piano} non è tra gli anni dei target ({', '.join(map(str, sorted(reader.anni)))})", "indica con --anno uno degli anni delle colonne «Target»"))
    if ente is None and not errors:
        errors.append(CellError(display, "", 0, 0, "non so il nome dell'ente", 'indicalo con --ente "Camera di Commercio di …" (se esiste già un piano, è preso da lì)'))
    if errors:
        raise ImportFailed(errors + warnings)
    assert anno_piano is not None and ente is not None
    text = dump(build_plan(reader, ente, anno_piano, f"{path.name}, foglio «{f.name}»,"))
    # The one gate: the result must pass the project's validator.
    with tempfile.TemporaryDirectory(prefix="importa-piano-") as tmp:
        (Path(tmp) / "plan").mkdir()
        (Path(tmp) / "plan" / f"{anno_piano}.yml").write_text(text, encoding="utf-8")
        checked = check_project(Path(tmp))
        if checked.errors:
            report = format_text(checked.diagnostics, line_reader(Path(tmp)))
            raise ImportFailed(warnings + [
                CellError(display, f.name, 0, 0, "il piano letto dal foglio non supera la validazione:\n" + report.replace(f"plan/{anno_piano}.yml", f"(piano importato) plan/{anno_piano}.yml"),
                            "correggi nel foglio le celle indicate dai commenti dei valori citati")
            ])
    return ImportResult(text, warnings, [d for d in checked.diagnostics])


def default_ente(root: Path) -> str | None:
    """The body's name from the latest plan already in ``plan/``, if any."""
    for p in sorted((root / "plan").glob("*.yml"), reverse=True):
        try:
            data = load(p, p.name).data
        except SourceError:
            continue
        ente = data.get("ente") if isinstance(data, dict) else None
        if isinstance(ente, str):
            return ente
    return None


def run(root: Path, file: Path, *, sheet: str | None, anno: int | None, out: Path | None, ente: str | None, overwrite: bool) -> tuple[int, str]:
    """The command: returns (exit code, report)."""
    display = file.as_posix()
    try:
        result = import_plan(file, display, sheet=sheet, anno=anno, ente=ente or default_ente(root))
    except ImportFailed as err:
        return 1, format_report(err.errors) + "nessun file scritto\n"
    anno_piano = int(re.search(r"^anno: (\d+)$", result.text, re.M).group(1))  # type: ignore[union-attr]
    dest = out if out is not None else root / "plan" / f"{anno_piano}.yml"
    if dest.exists() and not overwrite:
        return 1, format_report(result.warnings + [CellError(dest.as_posix(), "", 0, 0, "il file esiste già", "scegli un altro nome con --out, oppure aggiungi --sovrascrivi")]) + "nessun file scritto\n"
    write_atomic(dest, result.text.encode("utf-8"))
    report = format_report(result.warnings) if result.warnings else ""
    return 0, report + f"scritto {dest.as_posix()}\n"

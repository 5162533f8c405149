"""Self-check in ANAC's attestation grid: the five "Performance" rows, scored as the OIV does.

Every spring the OIV (Organismo indipendente di valutazione) fills ANAC's grid,
one row per transparency obligation, by looking at the site. The data for
the Performance rows are all in this repository, so the same check runs
before the OIV does: ``python -m generator attestazione`` writes the rows
as a spreadsheet, ``validate --strict`` prints every score below the maximum
as a warning, and the pull-request summary (``diff``) has one line per
obligation. One function, :func:`attesta`, scores; everything else formats.

Scores, as in the grid: *pubblicazione* 0 or 2; *completezza del contenuto*,
*aggiornamento* and *formato aperto* 0–3 (an obligation not published scores
0 everywhere). Every score below its maximum has a note saying why. The
rules (also a table in the README and in the staff guide,
``docs/guida/trasparenza.md``), at the attestation date *D* of year *Y*:

- **SMVP**: published if there is a plan; complete with a worked example
  from a measurement (else 2); up to date if changed in the year before *D*
  (else 1).
- **Piano della Performance** of *Y* (of *Y*−1 until 31 January): complete
  (3) minus 1 if actions have no responsible unit, minus 1 without the act of
  adoption (``adozione``); on time (3) if first published by 31 January,
  else 2.
- **Relazione sulla Performance** of *Y*−1: complete (3) minus 2 without the
  consuntivo, minus 1 if not validated by the OIV (``relazione/<anno>/
  relazione.yml``, ``stato: validata``), minus 1 if shortfalls are not
  explained (a value below target without ``scostamento``); on time (3) if
  validated by 30 June of *Y*, 2 if validated later, 1 if the deadline has
  passed without validation, 0 also without the consuntivo.
- **Ammontare complessivo dei premi** and **Dati relativi ai premi** of
  *Y*−1 (``premi/<anno>.yml``): complete (3) minus 2 without the amount paid
  or without the per-category table, minus 1 without the minimum and
  maximum bonus; example data (``esempio: true``) score 0. Paid bonuses
  have no fixed deadline: published means up to date. The open format is
  2: the bonus figures are a web page, not a data file.

The date *D* defaults to the latest data date (as for the archive), never
the clock, so the same commit gives the same grid.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from . import presentation as pres, provenance, pubblicazione, score as S
from .diagnostics import Diagnostic, Pos
from .model import Progetto, Rilevazione
from .pubblicazione import Pubblicazione
from .render import urls
from .runtime import write_atomic

#: The obligations of the grid's "Performance" section, in its order and words.
OBBLIGHI = (
    ("Sistema di misurazione e valutazione della Performance", "Par. 1, delib. CiVIT n. 104/2010", urls.SMVP),
    ("Piano della Performance", "Art. 10, c. 8, lett. b), d.lgs. n. 33/2013", urls.PIANI),
    ("Relazione sulla Performance", "Art. 10, c. 8, lett. b), d.lgs. n. 33/2013", urls.RELAZIONI),
    ("Ammontare complessivo dei premi", "Art. 20, c. 1, d.lgs. n. 33/2013", urls.PREMI),
    ("Dati relativi ai premi", "Art. 20, c. 2, d.lgs. n. 33/2013", urls.DATI_PREMI),
)
MASSIMI = {"pubblicazione": 2, "completezza": 3, "aggiornamento": 3, "formato": 3}
INTESTAZIONE = (
    "Sezione",
    "Obbligo",
    "Riferimento normativo",
    "Pagina",
    "Anno",
    "Pubblicazione (0-2)",
    "Completezza del contenuto (0-3)",
    "Aggiornamento (0-3)",
    "Formato aperto (0-3)",
    "Note",
)


@dataclass(frozen=True)
class Riga:
    """One row of the grid: the obligation, the year looked at, four scores and the notes."""

    obbligo: str
    riferimento: str
    pagina: str
    anno: int | None
    pubblicazione: int
    completezza: int
    aggiornamento: int
    formato: int
    note: tuple[str, ...] = ()
    #: Where a note points (for validate's warnings).
    file: str = ""

    def cells(self, base_url: str = "") -> tuple[str | int, ...]:
        return (
            "Performance", self.obbligo, self.riferimento, base_url + urls.output_dir(self.pagina, True) + "/", self.anno or "",
            self.pubblicazione, self.completezza, self.aggiornamento, self.formato, "; ".join(self.note),
        )

    def riassunto(self) -> str:
        """``pubblicazione 2/2 · completezza 2/3 · …`` (the pull-request summary's line)."""
        return " · ".join(f"{k} {getattr(self, k)}/{m}" for k, m in MASSIMI.items())


@dataclass
class _Punti:
    """Scores being worked out: start at the maximum, every lowering says why."""

    completezza: int = 3
    aggiornamento: int = 3
    formato: int = 3
    note: list[str] = field(default_factory=list)

    def meno(self, voce: str, di: int, nota: str) -> None:
        setattr(self, voce, max(0, getattr(self, voce) - di))
        self.note.append(nota)

    def a(self, voce: str, valore: int, nota: str) -> None:
        if valore < getattr(self, voce):
            setattr(self, voce, valore)
        self.note.append(nota)

    def riga(self, i: int, anno: int | None, file: str) -> Riga:
        obbligo, rif, pagina = OBBLIGHI[i]
        return Riga(obbligo, rif, pagina, anno, 2, self.completezza, self.aggiornamento, self.formato, tuple(self.note), file)


def _assente(i: int, anno: int | None, nota: str, file: str) -> Riga:
    obbligo, rif, pagina = OBBLIGHI[i]
    return Riga(obbligo, rif, pagina, anno, 0, 0, 0, 0, (nota,), file)


# --------------------------------------------------------------------------
# Shortfalls (the data contract's ``scostamento`` on measured values)
# --------------------------------------------------------------------------


def scostamenti_non_motivati(progetto: Progetto, ril: Rilevazione) -> list[str]:
    """Codes of actions below target (grado < 100) whose value has no ``scostamento``."""
    ris = S.valuta(progetto.piani[ril.piano], ril)
    out = []
    for s in ris.strategici():
        for o in s.operativi:
            for e in o.azioni:
                if e.grado is not None and e.grado < 100 and e.misura is not None and e.misura.scostamento is None:
                    out.append(e.azione.codice)
    return out


# --------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------


def riferimento_predefinito(pub: Pubblicazione, progetto: Progetto) -> dt.date:
    """The attestation date when none is given: the latest data date (never the clock)."""
    if pub.oggi is not None:
        return pub.oggi
    date = [r.data for r in progetto.rilevazioni]
    return max(date) if date else dt.date(max(progetto.piani, default=1970), 1, 1)


def _smvp(progetto: Progetto, pub: Pubblicazione, data: dt.date) -> Riga:
    if not progetto.piani:
        return _assente(0, None, "nessun piano: il Sistema di misurazione non è pubblicato", "plan")
    p = _Punti()
    if not progetto.rilevazioni:
        p.meno("completezza", 1, "esempio di calcolo assente: nessuna rilevazione")
    d = pub.date.get(urls.SMVP)
    if d is None or d.aggiornato is None:
        p.a("aggiornamento", 0, "data di aggiornamento non registrata: i file del piano non sono ancora nel repository")
    elif d.aggiornato < data - dt.timedelta(days=366):
        p.a("aggiornamento", 1, f"ultimo aggiornamento il {pres.data(d.aggiornato)}, più di un anno prima del {pres.data(data)}")
    return p.riga(0, None, progetto.piani[max(progetto.piani)].file)


def _piano(progetto: Progetto, pub: Pubblicazione, data: dt.date) -> Riga:
    anno = data.year if data > dt.date(data.year, 1, 31) else data.year - 1
    piano = progetto.piani.get(anno)
    if piano is None:
        return _assente(1, anno, f"Piano {anno} non pubblicato", f"plan/{anno}.yml")
    p = _Punti()
    senza = [a.codice for a in piano.azioni() if not a.responsabile]
    if senza:
        p.meno("completezza", 1, f"{_n(len(senza), 'azione', 'azioni')} senza struttura responsabile")
    if piano.adozione is None:
        p.meno("completezza", 1, f"atto di adozione del Piano {anno} non indicato (`adozione`)")
    scadenza = dt.date(anno, 1, 31)
    d = pub.date.get(urls.piano(anno))
    if d is None or d.pubblicato is None:
        p.a("aggiornamento", 0, f"data di pubblicazione del Piano {anno} non registrata: il file non è ancora nel repository")
    elif d.pubblicato > scadenza:
        p.a("aggiornamento", 2, f"Piano {anno} pubblicato il {pres.data(d.pubblicato)}, dopo la scadenza del {pres.data(scadenza)}")
    return p.riga(1, anno, piano.file)


def _relazione(progetto: Progetto, pub: Pubblicazione, data: dt.date) -> Riga:
    anno = data.year - 1
    if anno not in progetto.piani:
        return _assente(2, anno, f"Relazione {anno} non pubblicata: manca il Piano {anno}", f"plan/{anno}.yml")
    rilevazioni = progetto.rilevazioni_di(anno)
    if not rilevazioni:
        return _assente(2, anno, f"Relazione {anno} non pubblicata: nessuna rilevazione del {anno}", progetto.piani[anno].file)
    p = _Punti()
    consuntivo = next((r for r in reversed(rilevazioni) if r.tipo == "consuntivo"), None)
    scadenza = dt.date(anno + 1, 6, 30)
    relazione = progetto.relazione(anno)
    validata_il = relazione.validazione.data if relazione.validata and relazione.validazione is not None else None
    if consuntivo is None:
        p.meno("completezza", 2, f"consuntivo {anno} assente: la Relazione mostra solo i monitoraggi")
    if not relazione.validata:
        p.meno("completezza", 1, f"Relazione {anno} non ancora validata dall'OIV")
    ultima = consuntivo or rilevazioni[-1]
    non_motivati = scostamenti_non_motivati(progetto, ultima)
    if non_motivati:
        p.meno("completezza", 1, f"{_n(len(non_motivati), 'scostamento non motivato', 'scostamenti non motivati')} ({', '.join(non_motivati[:5])}{', …' if len(non_motivati) > 5 else ''})")
    if validata_il is not None and validata_il > scadenza:
        p.a("aggiornamento", 2, f"Relazione {anno} validata il {pres.data(validata_il)}, dopo la scadenza del {pres.data(scadenza)}")
    elif data > scadenza and consuntivo is None:
        p.a("aggiornamento", 0, f"scadenza del {pres.data(scadenza)} superata senza consuntivo")
    elif data > scadenza and not relazione.validata:
        p.a("aggiornamento", 1, f"scadenza del {pres.data(scadenza)} superata senza validazione dell'OIV")
    return p.riga(2, anno, relazione.file or ultima.file)


def _premi(i: int, progetto: Progetto, data: dt.date) -> Riga:
    anno = data.year - 1
    premi = progetto.premi.get(anno)
    if premi is None:
        return _assente(i, anno, f"dati premi {anno} assenti", f"premi/{anno}.yml")
    p = _Punti()
    if premi.esempio:
        p.a("completezza", 0, f"dati premi {anno} di esempio (`esempio: true`), non ufficiali")
    if i == 3 and premi.distribuito is None:
        p.meno("completezza", 2, f"importo distribuito {anno} non indicato")
    if i == 4 and not premi.categorie:
        p.meno("completezza", 2, f"distribuzione dei premi {anno} per categoria assente")
    elif i == 4 and all(c.premio_minimo is None and c.premio_massimo is None for c in premi.categorie):
        p.meno("completezza", 1, f"differenziazione dei premi {anno} (premio minimo e massimo) non indicata")
    p.a("formato", 2, "i dati sui premi sono una pagina web, non un file di dati aperti (JSON/CSV)")
    return p.riga(i, anno, premi.file)


def attesta(progetto: Progetto, pub: Pubblicazione, data: dt.date | None = None) -> list[Riga]:
    """The five Performance rows of ANAC's grid at ``data`` (default: the latest data date)."""
    data = data or riferimento_predefinito(pub, progetto)
    return [
        _smvp(progetto, pub, data),
        _piano(progetto, pub, data),
        _relazione(progetto, pub, data),
        _premi(3, progetto, data),
        _premi(4, progetto, data),
    ]


def _n(n: int, singolare: str, plurale: str) -> str:
    return f"{n} {singolare if n == 1 else plurale}"


# --------------------------------------------------------------------------
# Outputs: spreadsheet, validate warnings, pull-request lines
# --------------------------------------------------------------------------


def xlsx(righe: Sequence[Riga], data: dt.date, base_url: str = "") -> bytes:
    """The grid as an Excel workbook (openpyxl), with fixed document dates."""
    # openpyxl (it loads numpy) costs ~190 ms CPU to import: only a grid written as .xlsx needs it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Performance"
    ws.append(INTESTAZIONE)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in righe:
        ws.append(r.cells(base_url))
    for col, width in zip("ABCDEFGHIJ", (14, 40, 34, 40, 8, 14, 16, 14, 14, 90), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    quando = dt.datetime(data.year, data.month, data.day)
    wb.properties.created = wb.properties.modified = quando
    wb.properties.creator = "performance-trasparente"
    out = io.BytesIO()
    wb.save(out)
    return _reproducible_zip(out.getvalue(), data)


_ISTANTE = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?")


def _reproducible_zip(data: bytes, quando: dt.date) -> bytes:
    """The same spreadsheet with every timestamp set to ``quando``: same rows, same bytes.

    Both writers stamp the zip entries (and openpyxl the document's
    "modified" property) with the clock; the attestation date stands in.
    """
    stamp = (quando.year, quando.month, quando.day, 0, 0, 0)
    testo_data = quando.isoformat().encode() + b"T00:00:00Z"
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            contenuto = src.read(info.filename)
            if info.filename in ("docProps/core.xml", "meta.xml"):
                contenuto = _ISTANTE.sub(testo_data, contenuto)
            nuovo = zipfile.ZipInfo(info.filename, date_time=stamp)
            nuovo.compress_type = info.compress_type  # ODF wants "mimetype" first and stored
            nuovo.external_attr = 0o644 << 16
            dst.writestr(nuovo, contenuto)
    return out.getvalue()


def ods(righe: Sequence[Riga], data: dt.date, base_url: str = "") -> bytes:
    """The grid as an OpenDocument spreadsheet (odfpy)."""
    # odfpy costs ~30 ms CPU to import: only a grid written as .ods needs it
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Performance")
    for valori in [INTESTAZIONE, *(r.cells(base_url) for r in righe)]:
        tr = TableRow()
        for v in valori:
            if isinstance(v, int) and not isinstance(v, bool):
                cell = TableCell(valuetype="float", value=v)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(v)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    return _reproducible_zip(out.getvalue(), data)


def avvisi(righe: Iterable[Riga]) -> list[Diagnostic]:
    """Every score below its maximum as a warning (``validate --strict``)."""
    out = []
    for r in righe:
        if not r.note:
            continue
        out.append(
            Diagnostic(
                Pos(r.file or "plan", 1, 1),
                f"attestazione OIV, «{r.obbligo}»{f' {r.anno}' if r.anno else ''}: {r.riassunto()} — {'; '.join(r.note)}",
                "vedi la guida «Trasparenza: date e attestazione» (python -m generator attestazione scrive la griglia)",
                "avviso",
            )
        )
    return out


def righe_markdown(righe: Iterable[Riga], esc: Callable[[str], str]) -> list[str]:
    """One Markdown line per obligation, for the pull-request summary (``esc`` escapes text)."""
    out = []
    for r in righe:
        note = f" — {esc('; '.join(r.note))}" if r.note else ""
        anno = f" {r.anno}" if r.anno else ""
        out.append(f"- **{esc(r.obbligo)}**{anno}: {r.riassunto()}{note}")
    return out


def calcola(root: Path, progetto: Progetto, rev: str | None = None, data: dt.date | None = None) -> tuple[list[Riga], dt.date]:
    """Dates from git (at ``rev``, default HEAD), then the rows: for validate, diff and the command."""
    pub = pubblicazione.calcola(root, progetto, provenance.storia(root, rev=rev))
    data = data or riferimento_predefinito(pub, progetto)
    return attesta(progetto, pub, data), data


FORMATI = (".xlsx", ".ods")


def _site_url(root: Path) -> str:
    """``site_url`` of mkdocs.yml (the links in the grid), or "/" when unknown."""
    try:
        # MkDocs costs ~50 ms CPU to import: read only when no --sito is given
        from mkdocs.config import load_config

        url = load_config(config_file=str(Path(root) / "mkdocs.yml")).get("site_url") or ""
    except Exception:
        url = ""
    return url if url.endswith("/") else (url + "/" if url else "/")


def refused_format(out: Path | None) -> str | None:
    """Why the grid cannot be written to ``out`` (a format not offered), or None.

    Asked before anything is computed, so nothing is written in vain.
    """
    if out is not None and out.suffix.lower() not in FORMATI:
        return f"errore: formato non previsto «{out.suffix or out.name}»: scrivi la griglia in un file .xlsx (Excel) o .ods (OpenDocument)\n"
    return None


def run(root: Path, progetto: Progetto, *, data: dt.date | None, out: Path | None, sito: str | None, stdout: IO[str]) -> int:
    """``attestazione`` command on a validated project: score, print the rows, write the grid."""
    righe, quando = calcola(root, progetto, data=data)
    stdout.write(f"Griglia di attestazione, sezione Performance, al {pres.data(quando)}:\n")
    for r in righe:
        stdout.write(f"- {r.obbligo}{f' {r.anno}' if r.anno else ''}: {r.riassunto()}\n")
        for n in r.note:
            stdout.write(f"    · {n}\n")
    if out is not None:
        base = sito if sito is not None else _site_url(root)
        contenuto = xlsx(righe, quando, base) if out.suffix.lower() == ".xlsx" else ods(righe, quando, base)
        write_atomic(out, contenuto)
        stdout.write(f"scritta {out}\n")
    return 0


__all__ = ["INTESTAZIONE", "MASSIMI", "OBBLIGHI", "Riga", "attesta", "avvisi", "calcola", "ods", "righe_markdown", "xlsx"]


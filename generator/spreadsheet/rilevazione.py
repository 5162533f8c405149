"""``importa-rilevazione``: the units' filled forms -> ``measurements/<data>.yml``.

Reads every form written by :mod:`.moduli` (columns found by their header
text), turns each answered row into the measurement file's value form for
the action's ``tipo`` (a number, ``"45%"``, a date, a ratio, ``{esito, nota}``
…, with ``nota``, ``fonte``, ``evidenza`` and, in a consuntivo,
``scostamento``), and merges them into the measurement file:

- the same action answered in two files is an error naming both cells;
- a value already in the file is kept unless ``--sovrascrivi``;
- every unreadable cell is an error at its cell (``FILE:Valori!J5``);
- the result must pass the validator (its messages are mapped back to the
  cell the value came from), otherwise nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .. import presentation as fmt
from ..diagnostics import ValidationFailed, format_text, line_reader
from ..model import Azione, Piano
from ..runtime import write_atomic
from ..validate import check_project, load_project
from .errors import CellError, ImportFailed, cell_name, format_report
from .grid import Cell, Sheet, read_sheets
from .moduli import CAUSE, FORMAT, META_SHEET, VALUES_SHEET
from .values import Unreadable, normalize, parse_decimal, read_value
from .yamlout import CommentedMap, dump, load_round_trip, num, pct, q

SCHEMA_LINE = "yaml-language-server: $schema=../schemas/measurement.schema.json"

_HEADERS = {
    "codice": "codice",
    "valore": "valore",
    "numeratore": "numeratore",
    "denominatore": "denominatore",
    "nota": "nota",
    "fonte del dato": "fonte",
    "fonte": "fonte",
    "evidenza (link a un documento)": "evidenza",
    "evidenza": "evidenza",
    "scostamento: causa": "causa",
    "scostamento: descrizione": "descrizione",
    "scostamento: azione correttiva": "azione_correttiva",
}


@dataclass
class Answer:
    """One answered row: the YAML value and where each part came from."""

    codice: str
    file: str
    row: int
    value_column: int
    yaml: object  # the value as it goes into the YAML (a scalar or a flow mapping)
    cells: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.file}:{VALUES_SHEET}!{cell_name(self.row, self.value_column)}"


@dataclass
class Modulo:
    file: str
    piano: int
    data: dt.date
    tipo: str
    struttura: str
    answers: list[Answer]


def _read_meta(sheets: dict[str, Sheet], display: str) -> dict[str, str]:
    f = sheets.get(META_SHEET)
    if f is None or f.cell(1, 2) is None or f.cell(1, 2).text != FORMAT:  # type: ignore[union-attr]
        raise ImportFailed([
            CellError(display, "", 0, 0, "il file non è un modulo di rilevazione (manca il foglio nascosto «_meta»)",
                        "usa i moduli scritti da `python -m generator moduli` e rimandali senza cambiarne la struttura")
        ])
    out = {}
    for r in range(1, f.max_row + 1):
        k, v = f.cell(r, 1), f.cell(r, 2)
        if k is not None and v is not None:
            out[k.text] = v.text
    return out


def _text(c: Cell | None) -> str | None:
    if c is None:
        return None
    t = c.text.strip()
    return t or None


def read_modulo(path: Path, display: str, piani: dict[int, Piano], errors: list[CellError]) -> Modulo | None:
    sheets = {f.name: f for f in read_sheets(path, display)}
    meta = _read_meta(sheets, display)
    try:
        anno, data, tipo = int(meta["piano"]), dt.date.fromisoformat(meta["data"]), meta["tipo"]
    except (KeyError, ValueError):
        errors.append(CellError(display, META_SHEET, 0, 0, "il foglio «_meta» del modulo è stato alterato", "scarica di nuovo il modulo con `python -m generator moduli`"))
        return None
    piano = piani.get(anno)
    if piano is None:
        errors.append(CellError(display, "", 0, 0, f"il modulo è per il piano {anno}, che non c'è in plan/", f"crea il piano con `python -m generator nuovo-anno {anno}`"))
        return None
    f = sheets.get(VALUES_SHEET)
    if f is None:
        errors.append(CellError(display, "", 0, 0, f"manca il foglio «{VALUES_SHEET}»", "rimanda il modulo senza rinominare o cancellare i fogli"))
        return None
    header_row, cols = 0, {}
    for r in range(1, min(f.max_row, 20) + 1):
        found = {_HEADERS[normalize(c.text)]: col for (rr, col), c in f.cells.items() if rr == r and normalize(c.text) in _HEADERS}
        if "codice" in found and "valore" in found:
            header_row, cols = r, found
            break
    if not header_row:
        errors.append(CellError(display, VALUES_SHEET, 0, 0, "non trovo le colonne «Codice» e «Valore»", "rimanda il modulo senza cambiare le intestazioni"))
        return None
    azioni = {a.codice: a for a in piano.azioni()}
    answers = []
    for r in range(header_row + 1, f.max_row + 1):
        cod_cell = f.cell(r, cols["codice"])
        if cod_cell is None:
            continue
        code = cod_cell.text.strip()
        a = azioni.get(code)
        if a is None:
            errors.append(CellError(display, VALUES_SHEET, r, cols["codice"], f"il codice «{code}» non è un'azione del piano {anno}", "non modificare la colonna «Codice»", code))
            continue
        got = _read_row(f, r, cols, a, data, tipo, display, errors)
        if got is not None:
            answers.append(Answer(code, display, r, cols["valore"], got))
    return Modulo(display, anno, data, tipo, meta.get("struttura", ""), answers)


def _read_row(f: Sheet, r: int, cols: dict[str, int], a: Azione, data: dt.date, tipo: str, file: str, errors: list[CellError]) -> object:
    """The YAML value of one row, or None when the row is not answered (or has errors)."""
    def cell(k: str) -> Cell | None:
        return f.cell(r, cols[k]) if k in cols else None

    def err(k: str, msg: str, hint: str) -> None:
        c = cell(k)
        errors.append(CellError(file, VALUES_SHEET, r, cols[k], msg, hint, c.text if c else None))

    before = len(errors)
    texts = {k: _text(cell(k)) for k in ("nota", "fonte", "evidenza", "causa", "descrizione", "azione_correttiva")}
    v_cell, n_cell, d_cell = cell("valore"), cell("numeratore"), cell("denominatore")
    if v_cell is None and n_cell is None and d_cell is None and not any(texts.values()):
        return None
    out = CommentedMap()
    value: object = None
    if n_cell is not None or d_cell is not None:
        if a.tipo not in ("numero", "percentuale"):
            err("numeratore", f"un rapporto numeratore/denominatore non vale per l'azione «{a.codice}», di tipo {a.tipo}", "scrivi il valore nella colonna «Valore»")
        for k, c in (("numeratore", n_cell), ("denominatore", d_cell)):
            if c is None:
                err(k, f"manca il {k} dell'azione «{a.codice}»: un rapporto ha numeratore e denominatore", f"scrivi il {k}, oppure togli il rapporto e scrivi il valore")
                continue
            n = c.value if c.kind == "numero" else parse_decimal(c.text) if c.kind == "testo" else None
            if not isinstance(n, Decimal):
                err(k, f"il {k} dell'azione «{a.codice}» deve essere un numero, trovato «{c.text}»", "scrivi solo il numero, ad esempio 30")
            else:
                out[k] = num(n)
        if v_cell is not None:
            err("valore", "scrivi o il valore o numeratore e denominatore, non entrambi", "svuota la cella «Valore»: è calcolato dal rapporto")
    elif v_cell is not None:
        value = _cell_value(v_cell, a, data.year)
        if isinstance(value, Unreadable):
            err("valore", f"azione «{a.codice}»: {value.message}", value.hint)
            value = None
    elif a.tipo == "data":
        if not texts["nota"]:
            err("valore", f"manca la data di completamento dell'azione «{a.codice}»", "scrivi la data; se l'azione non è completata, lascia vuoto il valore e spiegalo nella «Nota»")
    elif a.tipo != "qualitativo":
        err("valore", f"manca il valore dell'azione «{a.codice}» (la riga ha una nota o una fonte)", "scrivi il valore, oppure svuota la riga se l'azione non è ancora misurata")
    if len(errors) > before:
        return None
    if a.tipo == "qualitativo":
        if value is not None:
            out["esito"] = value
        else:
            err("valore", f"manca il giudizio (da 0% a 100%) dell'azione qualitativa «{a.codice}»", "scrivi il giudizio, ad esempio 80%, e motivalo nella «Nota»")
            return None
    elif "numeratore" not in out:
        out["valore"] = value
    for k in ("nota", "fonte", "evidenza"):
        text = texts[k]
        if text:
            out[k] = q(text)
    if any(texts[k] for k in ("causa", "descrizione", "azione_correttiva")):
        causa = (texts["causa"] or "").lower()
        if causa not in CAUSE:
            err("causa" if "causa" in cols else "descrizione", f"la causa dello scostamento dell'azione «{a.codice}» deve essere {', '.join(CAUSE)}, trovato «{texts['causa'] or ''}»", "scegli la causa dall'elenco")
            return None
        sc = CommentedMap()
        sc["causa"] = causa
        if texts["descrizione"]:
            sc["descrizione"] = q(texts["descrizione"])
        if texts["azione_correttiva"]:
            sc["azione_correttiva"] = q(texts["azione_correttiva"])
        out["scostamento"] = sc
    if list(out) == ["valore"]:
        return out["valore"]
    out.fa.set_flow_style()
    return out


def _cell_value(c: Cell, a: Azione, anno: int) -> str | Decimal | dt.date | bool | int | float | Unreadable:
    if a.tipo == "data":
        if c.kind == "data":
            return c.value
        m = re.match(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$", c.text)
        if m:
            try:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                pass
        return Unreadable(f"serve la data di completamento, trovato «{c.text}»", f"scrivi la data, ad esempio 30/06/{anno}")
    if a.tipo == "si_no":
        t = normalize(c.text)
        if c.kind == "booleano" or t in ("si", "no"):
            return "si" if (c.value is True or t == "si") else "no"
        return Unreadable(f"serve «si» o «no», trovato «{c.text}»", "scegli dall'elenco «si» o «no»")
    got = read_value(c, anno)
    if isinstance(got, Unreadable):
        return got
    if a.tipo in ("percentuale", "qualitativo"):
        if got.kind in ("percentuale", "numero") and isinstance(got.value, Decimal):
            return pct(got.value)
        return Unreadable(f"serve una percentuale, trovato «{c.text}»", "scrivi ad esempio 45%")
    if got.kind == "numero" and isinstance(got.value, Decimal):
        if got.unita and a.unita and got.unita != a.unita:
            return Unreadable(f"l'unità «{got.unita}» non è quella dell'indicatore («{a.unita}»)", f"scrivi il valore in {a.unita}")
        return num(got.value)
    return Unreadable(f"serve un numero, trovato «{c.text}»", "scrivi solo il numero, ad esempio 28")


# --------------------------------------------------------------------------
# merge and write


def import_moduli(root: Path, files: list[Path], overwrite: bool) -> tuple[Path, str, list[CellError]]:
    """Read, merge, validate; return (destination, text, warnings) or raise ImportFailed."""
    progetto = load_project(root)
    errors: list[CellError] = []
    moduli: list[Modulo] = []
    for path in files:
        display = path.name
        try:
            m = read_modulo(path, display, dict(progetto.piani), errors)
        except ImportFailed as err:
            errors += err.errors
            continue
        if m is not None:
            moduli.append(m)
    if not moduli and not errors:
        errors.append(CellError("", "", 0, 0, "nessun modulo da importare", "indica i file .xlsx compilati dalle strutture"))
    keys = {(m.piano, m.data, m.tipo) for m in moduli}
    if len(keys) > 1:
        listing = "; ".join(f"{m.file}: {m.tipo} al {m.data.isoformat()} (piano {m.piano})" for m in moduli)
        errors.append(CellError("", "", 0, 0, f"i moduli sono di rilevazioni diverse ({listing})", "importa insieme solo i moduli della stessa rilevazione"))
    seen: dict[str, Answer] = {}
    for m in moduli:
        for answer in m.answers:
            if answer.codice in seen:
                first = seen[answer.codice]
                errors.append(CellError(answer.file, VALUES_SHEET, answer.row, answer.value_column,
                                          f"l'azione «{answer.codice}» ha un valore in due moduli: qui e in {first.where}",
                                          "l'azione è di più strutture: tenete il valore in un solo modulo e svuotate la riga nell'altro"))
            else:
                seen[answer.codice] = answer
    if errors:
        raise ImportFailed(errors)
    piano_anno, data, tipo = keys.pop()
    dest = root / "measurements" / f"{data.isoformat()}.yml"
    warnings: list[CellError] = []
    piano = progetto.piani[piano_anno]
    order = {a.codice: i for i, a in enumerate(piano.azioni())}
    if dest.exists():
        doc = load_round_trip(dest.read_text(encoding="utf-8"))
        if not isinstance(doc, CommentedMap):
            raise ImportFailed([CellError(dest.relative_to(root).as_posix(), "", 0, 0, "il file esistente non è una rilevazione", "correggilo o spostalo prima di importare")])
        if str(doc.get("tipo")) != tipo:
            raise ImportFailed([CellError(dest.relative_to(root).as_posix(), "", 0, 0, f"il file esistente è un {doc.get('tipo')}, i moduli sono di un {tipo}", "controlla la data e il tipo dei moduli")])
        valori = doc.get("valori")
        if valori is None:
            valori = doc["valori"] = CommentedMap()
    else:
        doc = CommentedMap()
        doc["piano"] = piano_anno
        doc["data"] = data
        doc["tipo"] = tipo
        valori = doc["valori"] = CommentedMap()
        doc.yaml_set_start_comment(f"{SCHEMA_LINE}\n\n{tipo.capitalize()} al {fmt.data(data)}: valori importati dai moduli delle strutture\ncon `python -m generator importa-rilevazione`.")
    for code in sorted(seen, key=lambda c: order.get(c, 10**9)):
        answer = seen[code]
        if code in valori and not overwrite:
            warnings.append(CellError(answer.file, VALUES_SHEET, answer.row, answer.value_column,
                                      f"l'azione «{code}» ha già un valore in {dest.relative_to(root).as_posix()}: è mantenuto quello del file",
                                      "per sostituirlo con quello del modulo aggiungi --sovrascrivi", None, "avviso"))
            continue
        key = next((k for k in valori if str(k) == code), None)
        if key is not None:
            valori[key] = answer.yaml
        else:
            valori[q(code)] = answer.yaml
        valori.yaml_add_eol_comment(f"{answer.file}, {VALUES_SHEET}!{cell_name(answer.row, answer.value_column)}", key if key is not None else code)
    text = dump(doc)
    _validate(root, dest, text, seen)
    return dest, text, warnings


def _validate(root: Path, dest: Path, text: str, seen: dict[str, Answer]) -> None:
    """The one gate; the validator's messages are pointed back at the form's cell."""
    rel = dest.relative_to(root).as_posix()
    with tempfile.TemporaryDirectory(prefix="importa-rilevazione-") as tmp:
        t = Path(tmp)
        shutil.copytree(root / "plan", t / "plan")
        (t / "measurements").mkdir()
        for p in (root / "measurements").glob("*.y*ml"):
            if p.name != dest.name:
                shutil.copy2(p, t / "measurements" / p.name)
        (t / rel).write_text(text, encoding="utf-8")
        checked = check_project(t)
    errors = [d for d in checked.diagnostics if d.pos.file == rel and d.is_error]
    if not errors:
        return
    lines = text.splitlines()
    out = []
    for d in errors:
        code = None
        for i in range(min(d.pos.line, len(lines)) - 1, -1, -1):
            m = re.match(r'^\s*"([0-9.]+)":', lines[i])
            if m:
                code = m.group(1)
                break
        answer = seen.get(code or "")
        if answer is not None:
            out.append(CellError(answer.file, VALUES_SHEET, answer.row, answer.value_column, d.message, d.hint.replace("`", "")))
        else:
            out.append(CellError(rel, "", 0, 0, f"riga {d.pos.line}: {d.message}", d.hint))
    raise ImportFailed(out)


def run(root: Path, files: list[Path], overwrite: bool) -> tuple[int, str]:
    try:
        dest, text, warnings = import_moduli(root, files, overwrite)
    except ValidationFailed as err:
        return 1, format_text(err.diagnostics, line_reader(root)) + "correggi prima i file del progetto; nessun file scritto\n"
    except ImportFailed as err:
        return 1, format_report(err.errors) + "nessun file scritto\n"
    write_atomic(dest, text.encode("utf-8"))
    return 0, (format_report(warnings) if warnings else "") + f"scritto {dest.relative_to(root).as_posix()}\n"

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
from typing import Any

from .. import presentation as fmt
from ..model import Azione, Piano
from ..runtime import write_atomic
from .errori import ErroreCella, ImportazioneFallita, formatta, nome_cella
from .grid import Cella, Foglio, leggi
from .moduli import CAUSE, FOGLIO_META, FOGLIO_VALORI, FORMATO
from .valori import Illeggibile, decimale, leggi_valore, normalizza
from .yamlout import CommentedMap, carica, dump, num, pct, q

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
class Risposta:
    """One answered row: the YAML value and where each part came from."""

    codice: str
    file: str
    riga: int
    colonna_valore: int
    yaml: Any
    celle: dict[str, str] = field(default_factory=dict)

    @property
    def dove(self) -> str:
        return f"{self.file}:{FOGLIO_VALORI}!{nome_cella(self.riga, self.colonna_valore)}"


@dataclass
class Modulo:
    file: str
    piano: int
    data: dt.date
    tipo: str
    struttura: str
    risposte: list[Risposta]


def _meta(fogli: dict[str, Foglio], display: str) -> dict[str, str]:
    f = fogli.get(FOGLIO_META)
    if f is None or f.cella(1, 2) is None or f.cella(1, 2).testo != FORMATO:  # type: ignore[union-attr]
        raise ImportazioneFallita([
            ErroreCella(display, "", 0, 0, "il file non è un modulo di rilevazione (manca il foglio nascosto «_meta»)",
                        "usa i moduli scritti da `python -m generator moduli` e rimandali senza cambiarne la struttura")
        ])
    out = {}
    for r in range(1, f.max_riga + 1):
        k, v = f.cella(r, 1), f.cella(r, 2)
        if k is not None and v is not None:
            out[k.testo] = v.testo
    return out


def _testo(c: Cella | None) -> str | None:
    if c is None:
        return None
    t = c.testo.strip()
    return t or None


def leggi_modulo(path: Path, display: str, piani: dict[int, Piano], errori: list[ErroreCella]) -> Modulo | None:
    fogli = {f.nome: f for f in leggi(path, display)}
    meta = _meta(fogli, display)
    try:
        anno, data, tipo = int(meta["piano"]), dt.date.fromisoformat(meta["data"]), meta["tipo"]
    except (KeyError, ValueError):
        errori.append(ErroreCella(display, FOGLIO_META, 0, 0, "il foglio «_meta» del modulo è stato alterato", "scarica di nuovo il modulo con `python -m generator moduli`"))
        return None
    piano = piani.get(anno)
    if piano is None:
        errori.append(ErroreCella(display, "", 0, 0, f"il modulo è per il piano {anno}, che non c'è in plan/", f"crea il piano con `python -m generator nuovo-anno {anno}`"))
        return None
    f = fogli.get(FOGLIO_VALORI)
    if f is None:
        errori.append(ErroreCella(display, "", 0, 0, f"manca il foglio «{FOGLIO_VALORI}»", "rimanda il modulo senza rinominare o cancellare i fogli"))
        return None
    header_row, cols = 0, {}
    for r in range(1, min(f.max_riga, 20) + 1):
        found = {_HEADERS[normalizza(c.testo)]: col for (rr, col), c in f.celle.items() if rr == r and normalizza(c.testo) in _HEADERS}
        if "codice" in found and "valore" in found:
            header_row, cols = r, found
            break
    if not header_row:
        errori.append(ErroreCella(display, FOGLIO_VALORI, 0, 0, "non trovo le colonne «Codice» e «Valore»", "rimanda il modulo senza cambiare le intestazioni"))
        return None
    azioni = {a.codice: a for a in piano.azioni()}
    risposte = []
    for r in range(header_row + 1, f.max_riga + 1):
        cod_cell = f.cella(r, cols["codice"])
        if cod_cell is None:
            continue
        code = cod_cell.testo.strip()
        a = azioni.get(code)
        if a is None:
            errori.append(ErroreCella(display, FOGLIO_VALORI, r, cols["codice"], f"il codice «{code}» non è un'azione del piano {anno}", "non modificare la colonna «Codice»", code))
            continue
        got = _riga(f, r, cols, a, data, tipo, display, errori)
        if got is not None:
            risposte.append(Risposta(code, display, r, cols["valore"], got))
    return Modulo(display, anno, data, tipo, meta.get("struttura", ""), risposte)


def _riga(f: Foglio, r: int, cols: dict[str, int], a: Azione, data: dt.date, tipo: str, file: str, errori: list[ErroreCella]) -> Any:
    """The YAML value of one row, or None when the row is not answered (or has errors)."""
    def cell(k: str) -> Cella | None:
        return f.cella(r, cols[k]) if k in cols else None

    def err(k: str, msg: str, hint: str) -> None:
        c = cell(k)
        errori.append(ErroreCella(file, FOGLIO_VALORI, r, cols[k], msg, hint, c.testo if c else None))

    before = len(errori)
    testi = {k: _testo(cell(k)) for k in ("nota", "fonte", "evidenza", "causa", "descrizione", "azione_correttiva")}
    v_cell, n_cell, d_cell = cell("valore"), cell("numeratore"), cell("denominatore")
    if v_cell is None and n_cell is None and d_cell is None and not any(testi.values()):
        return None
    out = CommentedMap()
    value: Any = None
    if n_cell is not None or d_cell is not None:
        if a.tipo not in ("numero", "percentuale"):
            err("numeratore", f"un rapporto numeratore/denominatore non vale per l'azione «{a.codice}», di tipo {a.tipo}", "scrivi il valore nella colonna «Valore»")
        for k, c in (("numeratore", n_cell), ("denominatore", d_cell)):
            if c is None:
                err(k, f"manca il {k} dell'azione «{a.codice}»: un rapporto ha numeratore e denominatore", f"scrivi il {k}, oppure togli il rapporto e scrivi il valore")
                continue
            n = c.valore if c.tipo == "numero" else decimale(c.testo) if c.tipo == "testo" else None
            if not isinstance(n, Decimal):
                err(k, f"il {k} dell'azione «{a.codice}» deve essere un numero, trovato «{c.testo}»", "scrivi solo il numero, ad esempio 30")
            else:
                out[k] = num(n)
        if v_cell is not None:
            err("valore", "scrivi o il valore o numeratore e denominatore, non entrambi", "svuota la cella «Valore»: è calcolato dal rapporto")
    elif v_cell is not None:
        value = _valore(v_cell, a, data.year)
        if isinstance(value, Illeggibile):
            err("valore", f"azione «{a.codice}»: {value.messaggio}", value.suggerimento)
            value = None
    elif a.tipo == "data":
        if not testi["nota"]:
            err("valore", f"manca la data di completamento dell'azione «{a.codice}»", "scrivi la data; se l'azione non è completata, lascia vuoto il valore e spiegalo nella «Nota»")
    elif a.tipo != "qualitativo":
        err("valore", f"manca il valore dell'azione «{a.codice}» (la riga ha una nota o una fonte)", "scrivi il valore, oppure svuota la riga se l'azione non è ancora misurata")
    if len(errori) > before:
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
        text = testi[k]
        if text:
            out[k] = q(text)
    if any(testi[k] for k in ("causa", "descrizione", "azione_correttiva")):
        causa = (testi["causa"] or "").lower()
        if causa not in CAUSE:
            err("causa" if "causa" in cols else "descrizione", f"la causa dello scostamento dell'azione «{a.codice}» deve essere {', '.join(CAUSE)}, trovato «{testi['causa'] or ''}»", "scegli la causa dall'elenco")
            return None
        sc = CommentedMap()
        sc["causa"] = causa
        if testi["descrizione"]:
            sc["descrizione"] = q(testi["descrizione"])
        if testi["azione_correttiva"]:
            sc["azione_correttiva"] = q(testi["azione_correttiva"])
        out["scostamento"] = sc
    if list(out) == ["valore"]:
        return out["valore"]
    out.fa.set_flow_style()
    return out


def _valore(c: Cella, a: Azione, anno: int) -> Any:
    if a.tipo == "data":
        if c.tipo == "data":
            return c.valore
        m = re.match(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$", c.testo)
        if m:
            try:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                pass
        return Illeggibile(f"serve la data di completamento, trovato «{c.testo}»", f"scrivi la data, ad esempio 30/06/{anno}")
    if a.tipo == "si_no":
        t = normalizza(c.testo)
        if c.tipo == "booleano" or t in ("si", "no"):
            return "si" if (c.valore is True or t == "si") else "no"
        return Illeggibile(f"serve «si» o «no», trovato «{c.testo}»", "scegli dall'elenco «si» o «no»")
    got = leggi_valore(c, anno)
    if isinstance(got, Illeggibile):
        return got
    if a.tipo in ("percentuale", "qualitativo"):
        if got.genere in ("percentuale", "numero") and isinstance(got.valore, Decimal):
            return pct(got.valore)
        return Illeggibile(f"serve una percentuale, trovato «{c.testo}»", "scrivi ad esempio 45%")
    if got.genere == "numero" and isinstance(got.valore, Decimal):
        if got.unita and a.unita and got.unita != a.unita:
            return Illeggibile(f"l'unità «{got.unita}» non è quella dell'indicatore («{a.unita}»)", f"scrivi il valore in {a.unita}")
        return num(got.valore)
    return Illeggibile(f"serve un numero, trovato «{c.testo}»", "scrivi solo il numero, ad esempio 28")


# --------------------------------------------------------------------------
# merge and write


def importa(root: Path, files: list[Path], sovrascrivi: bool) -> tuple[Path, str, list[ErroreCella]]:
    """Read, merge, validate; return (destination, text, warnings) or raise ImportazioneFallita."""
    from ..validate import load_project

    progetto = load_project(root)
    errori: list[ErroreCella] = []
    moduli: list[Modulo] = []
    for path in files:
        display = path.name
        try:
            m = leggi_modulo(path, display, dict(progetto.piani), errori)
        except ImportazioneFallita as err:
            errori += err.errori
            continue
        if m is not None:
            moduli.append(m)
    if not moduli and not errori:
        errori.append(ErroreCella("", "", 0, 0, "nessun modulo da importare", "indica i file .xlsx compilati dalle strutture"))
    chiavi = {(m.piano, m.data, m.tipo) for m in moduli}
    if len(chiavi) > 1:
        elenco = "; ".join(f"{m.file}: {m.tipo} al {m.data.isoformat()} (piano {m.piano})" for m in moduli)
        errori.append(ErroreCella("", "", 0, 0, f"i moduli sono di rilevazioni diverse ({elenco})", "importa insieme solo i moduli della stessa rilevazione"))
    seen: dict[str, Risposta] = {}
    for m in moduli:
        for risp in m.risposte:
            if risp.codice in seen:
                prima = seen[risp.codice]
                errori.append(ErroreCella(risp.file, FOGLIO_VALORI, risp.riga, risp.colonna_valore,
                                          f"l'azione «{risp.codice}» ha un valore in due moduli: qui e in {prima.dove}",
                                          "l'azione è di più strutture: tenete il valore in un solo modulo e svuotate la riga nell'altro"))
            else:
                seen[risp.codice] = risp
    if errori:
        raise ImportazioneFallita(errori)
    piano_anno, data, tipo = chiavi.pop()
    dest = root / "measurements" / f"{data.isoformat()}.yml"
    avvisi: list[ErroreCella] = []
    piano = progetto.piani[piano_anno]
    ordine = {a.codice: i for i, a in enumerate(piano.azioni())}
    if dest.exists():
        doc = carica(dest.read_text(encoding="utf-8"))
        if not isinstance(doc, CommentedMap):
            raise ImportazioneFallita([ErroreCella(dest.relative_to(root).as_posix(), "", 0, 0, "il file esistente non è una rilevazione", "correggilo o spostalo prima di importare")])
        if str(doc.get("tipo")) != tipo:
            raise ImportazioneFallita([ErroreCella(dest.relative_to(root).as_posix(), "", 0, 0, f"il file esistente è un {doc.get('tipo')}, i moduli sono di un {tipo}", "controlla la data e il tipo dei moduli")])
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
    for code in sorted(seen, key=lambda c: ordine.get(c, 10**9)):
        risp = seen[code]
        if code in valori and not sovrascrivi:
            avvisi.append(ErroreCella(risp.file, FOGLIO_VALORI, risp.riga, risp.colonna_valore,
                                      f"l'azione «{code}» ha già un valore in {dest.relative_to(root).as_posix()}: è mantenuto quello del file",
                                      "per sostituirlo con quello del modulo aggiungi --sovrascrivi", None, "avviso"))
            continue
        key = next((k for k in valori if str(k) == code), None)
        if key is not None:
            valori[key] = risp.yaml
        else:
            valori[q(code)] = risp.yaml
        valori.yaml_add_eol_comment(f"{risp.file}, {FOGLIO_VALORI}!{nome_cella(risp.riga, risp.colonna_valore)}", key if key is not None else code)
    testo = dump(doc)
    _valida(root, dest, testo, seen)
    return dest, testo, avvisi


def _valida(root: Path, dest: Path, testo: str, seen: dict[str, Risposta]) -> None:
    """The one gate; the validator's messages are pointed back at the form's cell."""
    from ..validate import check_project

    rel = dest.relative_to(root).as_posix()
    with tempfile.TemporaryDirectory(prefix="importa-rilevazione-") as tmp:
        t = Path(tmp)
        shutil.copytree(root / "plan", t / "plan")
        (t / "measurements").mkdir()
        for p in (root / "measurements").glob("*.y*ml"):
            if p.name != dest.name:
                shutil.copy2(p, t / "measurements" / p.name)
        (t / rel).write_text(testo, encoding="utf-8")
        checked = check_project(t)
    errors = [d for d in checked.diagnostics if d.pos.file == rel and d.is_error]
    if not errors:
        return
    lines = testo.splitlines()
    out = []
    for d in errors:
        code = None
        for i in range(min(d.pos.line, len(lines)) - 1, -1, -1):
            m = re.match(r'^\s*"([0-9.]+)":', lines[i])
            if m:
                code = m.group(1)
                break
        risp = seen.get(code or "")
        if risp is not None:
            out.append(ErroreCella(risp.file, FOGLIO_VALORI, risp.riga, risp.colonna_valore, d.message, d.hint.replace("`", "")))
        else:
            out.append(ErroreCella(rel, "", 0, 0, f"riga {d.pos.line}: {d.message}", d.hint))
    raise ImportazioneFallita(out)


def esegui(root: Path, files: list[Path], sovrascrivi: bool) -> tuple[int, str]:
    from ..diagnostics import ValidationFailed, format_text
    from ..validate import line_reader

    try:
        dest, testo, avvisi = importa(root, files, sovrascrivi)
    except ValidationFailed as err:
        return 1, format_text(err.diagnostics, line_reader(root)) + "correggi prima i file del progetto; nessun file scritto\n"
    except ImportazioneFallita as err:
        return 1, formatta(err.errori) + "nessun file scritto\n"
    write_atomic(dest, testo.encode("utf-8"))
    return 0, (formatta(avvisi) if avvisi else "") + f"scritto {dest.relative_to(root).as_posix()}\n"

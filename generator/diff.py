"""``diff``: what a change to plan/ and measurements/ does, in words staff read.

A pull request shows a YAML text diff; staff need the *meaning*: which
target moved, which measured value changed, and what that does to the
"grado di raggiungimento" of the action, its objectives and the ente. So
this module compares two validated :class:`~generator.model.Progetto`
values — never the text — which is why a pure reformat (comments, quoting,
key order, ``"50%"`` vs ``50``, list order) yields "nessuna modifica
sostanziale".

Flow: :func:`materialise` extracts a git revision's plan/ and measurements/
into a temporary directory with one ``git archive`` call (the working tree is
never touched); :func:`generator.validate.check_project` validates each
side; :func:`compare` builds the comparison (objects matched by code,
measurements by date, both sides scored once with :func:`generator.score.valuta_progetto`);
:func:`markdown` renders it for ``$GITHUB_STEP_SUMMARY``. Every string from
YAML is escaped there (:func:`md`), as GitHub renders the summary.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, TypeVar

from . import attestazione, presentation as pres, provenance, pubblicazione, score
from .diagnostics import format_text, line_reader
from .model import Azione, Misura, ObiettivoOperativo, ObiettivoStrategico, Piano, Progetto, Rilevazione, Valore
from .presentation import md_gfm, nome_campo
from .validate import CheckResult, check_project

#: How many validation errors the summary quotes (the full list is the validate step's job).
MAX_ERRORS = 5
#: Folders whose files make up a project (see the data contract).
FOLDERS = ("plan", "measurements", "premi")
NO_CHANGE = "nessuna modifica sostanziale"

# --------------------------------------------------------------------------
# Text and values: the site's formatters (generator.presentation), escaped
# for GitHub's Markdown
# --------------------------------------------------------------------------

md = md_gfm


def fmt_grado(v: Decimal | None) -> str:
    """A grado as the site prints it (one decimal, half-up): ``"87,3%"``."""
    if v is None:
        return "non misurato"
    return md_gfm(pres.grado(v))


def fmt_pct(v: Decimal) -> str:
    return md_gfm(pres.percentuale(v))


def fmt_valore(v: Valore | None, azione: Azione) -> str:
    """A target, threshold or measured value as the site shows it."""
    return md_gfm(pres.valore(v, azione.tipo, azione.unita))


def fmt_misura(m: Misura, azione: Azione) -> str:
    """A measured value as the site shows it: "20% (30 su 150)"."""
    return md_gfm(pres.misura(m.valore, azione.tipo, azione.unita, numeratore=m.numeratore, denominatore=m.denominatore))


def fmt_testo(v: str | None) -> str:
    return "—" if v is None else f"«{md(v)}»"


def _plural(n: int, singolare: str, plurale: str) -> str:
    return f"{n} {singolare if n == 1 else plurale}"


def natural(codice: str) -> tuple[int, ...]:
    """Sort key so that "1.10" follows "1.9" (codes are validated digits and dots)."""
    return tuple(int(p) if p.isdigit() else 0 for p in codice.split("."))


def _same(a: object, b: object) -> bool:
    """Equal in value *and* kind (``Decimal(1) == True`` must not hide a change)."""
    return type(a) is type(b) and a == b


# --------------------------------------------------------------------------
# Comparison result
# --------------------------------------------------------------------------

#: Change categories, in the order the one-line summary lists them.
CATEGORIES: dict[str, tuple[str, str]] = {
    "piano+": ("piano aggiunto", "piani aggiunti"),
    "piano-": ("piano rimosso", "piani rimossi"),
    "rilevazione+": ("rilevazione aggiunta", "rilevazioni aggiunte"),
    "rilevazione-": ("rilevazione rimossa", "rilevazioni rimosse"),
    "prospettiva+": ("prospettiva aggiunta", "prospettive aggiunte"),
    "prospettiva-": ("prospettiva rimossa", "prospettive rimosse"),
    "obiettivo+": ("obiettivo aggiunto", "obiettivi aggiunti"),
    "obiettivo-": ("obiettivo rimosso", "obiettivi rimossi"),
    "azione+": ("azione aggiunta", "azioni aggiunte"),
    "azione-": ("azione rimossa", "azioni rimosse"),
    "target": ("target", "target"),
    "soglia": ("soglia", "soglie"),
    "peso": ("peso", "pesi"),
    "valore": ("valore misurato", "valori misurati"),
    "nota": ("nota", "note"),
    "titolo": ("titolo", "titoli"),
    "indicatore": ("indicatore", "indicatori"),
    "tipo": ("tipo di indicatore", "tipi di indicatore"),
    "verso": ("verso", "versi"),
    "unita": ("unità di misura", "unità di misura"),
    "pira": ("indicazione PIRA", "indicazioni PIRA"),
    "responsabile": ("responsabile", "responsabili"),
    "struttura": ("struttura", "strutture"),
    "metodo": ("metodo di calcolo", "metodi di calcolo"),
    "descrizione": ("descrizione", "descrizioni"),
    "rilevazione": ("dato di rilevazione", "dati di rilevazione"),
    "altro": ("altra modifica", "altre modifiche"),
}


@dataclass(frozen=True, slots=True)
class Row:
    """One table row; every cell is already Markdown-safe."""

    elemento: str
    campo: str
    prima: str
    dopo: str


@dataclass
class Section:
    """One plan (by year) or one measurement (by date)."""

    titolo: str
    modifiche: list[Row] = field(default_factory=list)
    #: Extra rows shown but not counted (the values of a new measurement).
    dettagli: list[Row] = field(default_factory=list)
    titolo_dettagli: str = ""
    gradi: list[Row] = field(default_factory=list)


@dataclass
class Comparison:
    sezioni: list[Section] = field(default_factory=list)
    conteggio: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.conteggio.values())

    def summary(self) -> str:
        """One line: ``"3 modifiche: 1 target, 2 valori misurati"``."""
        if not self.total:
            return NO_CHANGE
        parti = [_plural(self.conteggio[c], *CATEGORIES[c]) for c in CATEGORIES if self.conteggio[c]]
        return f"{_plural(self.total, 'modifica', 'modifiche')}: {', '.join(parti)}"

    def _add(self, sezione: Section, categoria: str, riga: Row) -> None:
        sezione.modifiche.append(riga)
        self.conteggio[categoria] += 1


# --------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------

_AZIONE_FIELDS = (
    "titolo", "peso", "indicatore", "tipo", "verso", "target", "soglia_80", "soglia_60",
    "unita", "pira", "responsabile", "descrizione", "nota",
)  # fmt: skip
_OPERATIVO_FIELDS = ("titolo", "peso", "indicatore", "descrizione")
_STRATEGICO_FIELDS = ("titolo", "indicatore", "prospettiva", "descrizione")  # target: per year, below

_FIELD_CATEGORY = {
    "titolo": "titolo", "nome": "titolo", "peso": "peso", "indicatore": "indicatore", "tipo": "tipo",
    "verso": "verso", "target": "target", "soglia_80": "soglia", "soglia_60": "soglia", "unita": "unita",
    "pira": "pira", "responsabile": "responsabile", "descrizione": "descrizione", "nota": "nota",
    "metodo": "metodo",
}  # fmt: skip

def _label_azione(a: Azione) -> str:
    return f"Azione {md(a.codice)} «{md(a.titolo)}»"


def _label_operativo(o: ObiettivoOperativo) -> str:
    return f"Obiettivo operativo {md(o.codice)} «{md(o.titolo)}»"


def _label_strategico(s: ObiettivoStrategico) -> str:
    return f"Obiettivo strategico {md(s.codice)} «{md(s.titolo)}»"


def _responsabili(ids: tuple[str, ...], piano: Piano) -> str:
    if not ids:
        return "non indicato"
    return ", ".join(md(piano.strutture.get(i, i)) for i in ids)


def _format_field(nome: str, valore: object, oggetto: object, piano: Piano) -> str:
    """One field of a plan object (read with getattr) as the summary shows it."""
    if nome in ("target", "soglia_80", "soglia_60") and isinstance(oggetto, Azione) and (valore is None or isinstance(valore, (Decimal, dt.date, bool))):
        return fmt_valore(valore, oggetto)
    if nome == "peso" and isinstance(valore, Decimal):
        return fmt_pct(valore)
    if nome == "pira":
        return "sì" if valore else "no"
    if nome == "responsabile" and isinstance(valore, tuple):
        return _responsabili(valore, piano)
    if valore is None:
        return "—"
    if nome in ("tipo", "verso", "metodo", "unita", "prospettiva"):
        return md(valore)
    return fmt_testo(str(valore))


def _compare_fields(
    c: Comparison, sez: Section, etichetta: str, campi: Iterable[str], prima: object, dopo: object, pb: Piano, ph: Piano
) -> None:
    for nome in campi:
        vp, vd = getattr(prima, nome), getattr(dopo, nome)
        if _same(vp, vd):
            continue
        riga = Row(
            etichetta, nome_campo(nome), _format_field(nome, vp, prima, pb), _format_field(nome, vd, dopo, ph)
        )
        c._add(sez, _FIELD_CATEGORY.get(nome, "altro"), riga)


def _summary_azione(a: Azione) -> str:
    parti = [f"peso {fmt_pct(a.peso)}"]
    if a.target is not None:
        parti.append(f"target {fmt_valore(a.target, a)}")
    return ", ".join(parti)


def _summary_operativo(o: ObiettivoOperativo) -> str:
    return f"peso {fmt_pct(o.peso)}, {_plural(len(o.azioni), 'azione', 'azioni')}"


def _summary_strategico(s: ObiettivoStrategico) -> str:
    n_az = sum(len(o.azioni) for o in s.obiettivi_operativi)
    return (
        f"{_plural(len(s.obiettivi_operativi), 'obiettivo operativo', 'obiettivi operativi')}, "
        f"{_plural(n_az, 'azione', 'azioni')}"
    )


def _summary_piano(p: Piano) -> str:
    return (
        f"{_plural(len(list(p.obiettivi_strategici())), 'obiettivo strategico', 'obiettivi strategici')}, "
        f"{_plural(len(list(p.obiettivi_operativi())), 'obiettivo operativo', 'obiettivi operativi')}, "
        f"{_plural(len(list(p.azioni())), 'azione', 'azioni')}"
    )


def _parent(codice: str) -> str | None:
    return codice.rsplit(".", 1)[0] if "." in codice else None


#: One level of the plan's tree, compared by code.
_Livello = TypeVar("_Livello", ObiettivoStrategico, ObiettivoOperativo, Azione)


def _compare_level(
    c: Comparison,
    sez: Section,
    prima: Mapping[str, _Livello],
    dopo: Mapping[str, _Livello],
    padri_aggiunti: set[str],
    padri_rimossi: set[str],
    etichetta: Callable[[_Livello], str],
    riassunto: Callable[[_Livello], str],
    genere: str,  # "azione" | "obiettivo"
    compare: Callable[[str, _Livello, _Livello], None],
) -> tuple[set[str], set[str]]:
    """Added, removed and changed objects of one level, matched by code.

    Children of an added (removed) parent are not listed again: the parent's
    row says how many it has. Returns the added and removed codes.
    """
    aggiunti = set(dopo) - set(prima)
    rimossi = set(prima) - set(dopo)
    f = genere == "azione"
    for codice in sorted(set(prima) | set(dopo), key=natural):
        if codice in aggiunti:
            if _parent(codice) not in padri_aggiunti:
                c._add(sez, f"{genere}+", Row(etichetta(dopo[codice]), "aggiunta" if f else "aggiunto", "—", riassunto(dopo[codice])))
        elif codice in rimossi:
            if _parent(codice) not in padri_rimossi:
                c._add(sez, f"{genere}-", Row(etichetta(prima[codice]), "rimossa" if f else "rimosso", riassunto(prima[codice]), "—"))
        else:
            compare(codice, prima[codice], dopo[codice])
    return aggiunti, rimossi


def _compare_piano(c: Comparison, pb: Piano, ph: Piano) -> Section:
    sez = Section(f"Piano {ph.anno}")
    et_piano = f"Piano {ph.anno}"
    for nome in ("ente", "titolo", "triennio", "metodo"):
        vp, vd = getattr(pb, nome), getattr(ph, nome)
        if not _same(vp, vd):
            fmt = (lambda v: ", ".join(str(a) for a in v)) if nome == "triennio" else (md if nome == "metodo" else fmt_testo)
            c._add(sez, _FIELD_CATEGORY.get(nome, "altro"), Row(et_piano, nome, fmt(vp), fmt(vd)))
    for sid in sorted(set(pb.strutture) | set(ph.strutture)):
        vp, vd = pb.strutture.get(sid), ph.strutture.get(sid)
        if vp != vd:
            riga = Row(f"Struttura {md(sid)}", "nome", fmt_testo(vp), fmt_testo(vd))
            c._add(sez, "struttura", riga)

    pros_b = {p.id: p for p in pb.prospettive}
    pros_h = {p.id: p for p in ph.prospettive}
    for pid in sorted(set(pros_b) | set(pros_h)):
        et = f"Prospettiva {md(pid)}"
        if pid not in pros_b:
            c._add(sez, "prospettiva+", Row(f"{et} «{md(pros_h[pid].nome)}»", "aggiunta", "—", _plural(len(pros_h[pid].obiettivi_strategici), "obiettivo strategico", "obiettivi strategici")))
        elif pid not in pros_h:
            c._add(sez, "prospettiva-", Row(f"{et} «{md(pros_b[pid].nome)}»", "rimossa", _plural(len(pros_b[pid].obiettivi_strategici), "obiettivo strategico", "obiettivi strategici"), "—"))
        else:
            _compare_fields(c, sez, et, ("nome", "descrizione"), pros_b[pid], pros_h[pid], pb, ph)

    def strategico(codice: str, sb: ObiettivoStrategico, sh: ObiettivoStrategico) -> None:
        et = _label_strategico(sh)
        _compare_fields(c, sez, et, _STRATEGICO_FIELDS, sb, sh, pb, ph)
        for anno in sorted(set(sb.target) | set(sh.target)):
            vp, vd = sb.target.get(anno), sh.target.get(anno)
            if not _same(vp, vd):
                c._add(sez, "target", Row(et, f"target {anno}", "—" if vp is None else fmt_pct(vp), "—" if vd is None else fmt_pct(vd)))

    def operativo(codice: str, ob: ObiettivoOperativo, oh: ObiettivoOperativo) -> None:
        _compare_fields(c, sez, _label_operativo(oh), _OPERATIVO_FIELDS, ob, oh, pb, ph)

    def azione(codice: str, ab: Azione, ah: Azione) -> None:
        _compare_fields(c, sez, _label_azione(ah), _AZIONE_FIELDS, ab, ah, pb, ph)

    s_agg, s_rim = _compare_level(
        c, sez,
        {s.codice: s for s in pb.obiettivi_strategici()}, {s.codice: s for s in ph.obiettivi_strategici()},
        set(), set(), _label_strategico, _summary_strategico, "obiettivo", strategico,
    )  # fmt: skip
    o_agg, o_rim = _compare_level(
        c, sez,
        {o.codice: o for o in pb.obiettivi_operativi()}, {o.codice: o for o in ph.obiettivi_operativi()},
        s_agg, s_rim, _label_operativo, _summary_operativo, "obiettivo", operativo,
    )  # fmt: skip
    _compare_level(
        c, sez,
        {a.codice: a for a in pb.azioni()}, {a.codice: a for a in ph.azioni()},
        o_agg, o_rim, _label_azione, _summary_azione, "azione", azione,
    )  # fmt: skip
    return sez


# --------------------------------------------------------------------------
# Measurements and their scores
# --------------------------------------------------------------------------


def _rilevazione_title(r: Rilevazione) -> str:
    return f"Rilevazione del {pres.data(r.data)} ({r.tipo}, piano {r.piano})"


def _with_nota(testo: str, m: Misura) -> str:
    return f"{testo}; nota: {fmt_testo(m.nota)}" if m.nota else testo


def _azioni(p: Progetto, r: Rilevazione) -> dict[str, Azione]:
    piano = p.piani.get(r.piano)
    return {a.codice: a for a in piano.azioni()} if piano else {}


def _compare_values(c: Comparison, sez: Section, rb: Rilevazione, rh: Rilevazione, ab: dict[str, Azione], ah: dict[str, Azione]) -> None:
    for nome, cat in (("tipo", "rilevazione"), ("esempio", "rilevazione"), ("piano", "rilevazione")):
        vp, vd = getattr(rb, nome), getattr(rh, nome)
        if not _same(vp, vd):
            fmt = pres.si_no if nome == "esempio" else str
            campo = "dati di esempio" if nome == "esempio" else nome
            c._add(sez, cat, Row("Rilevazione", campo, fmt(vp), fmt(vd)))
    for codice in sorted(set(rb.valori) | set(rh.valori), key=natural):
        mb, mh = rb.valori.get(codice), rh.valori.get(codice)
        azione_h = ah.get(codice) or ab[codice]
        azione_b = ab.get(codice) or azione_h
        et = _label_azione(azione_h)
        if mb is None and mh is not None:
            c._add(sez, "valore", Row(et, "valore", "—", _with_nota(fmt_misura(mh, azione_h), mh)))
        elif mh is None and mb is not None:
            c._add(sez, "valore", Row(et, "valore", _with_nota(fmt_misura(mb, azione_b), mb), "—"))
        elif mb is not None and mh is not None:
            vb, vh = fmt_misura(mb, azione_b), fmt_misura(mh, azione_h)
            changed = not (
                _same(mb.valore, mh.valore) and _same(mb.numeratore, mh.numeratore) and _same(mb.denominatore, mh.denominatore)
            )
            if changed or vb != vh:  # vb != vh: same number, new unit or tipo
                # The notes travel with the value: they usually say why it moved.
                c._add(sez, "valore", Row(et, "valore", _with_nota(vb, mb), _with_nota(vh, mh)))
            elif mb.nota != mh.nota:
                c._add(sez, "nota", Row(et, "nota", fmt_testo(mb.nota), fmt_testo(mh.nota)))


@dataclass(frozen=True, slots=True)
class _Score:
    etichetta: str
    grado: Decimal | None
    testo: str


def _scores(anni: Mapping[int, score.Anno], r: Rilevazione | None) -> dict[tuple[int, tuple[int, ...], str], _Score]:
    """Every scored level of one measurement, keyed for a stable order:
    actions, operational objectives, strategic objectives, perspectives, ente."""
    ris = None if r is None or r.piano not in anni else anni[r.piano].alla(r.data)
    if ris is None:
        return {}
    out: dict[tuple[int, tuple[int, ...], str], _Score] = {}
    for a in ris.azioni():
        out[(0, natural(a.codice), a.codice)] = _Score(_label_azione(a.azione), a.grado, fmt_grado(a.grado))
    for o in ris.operativi():
        out[(1, natural(o.codice), o.codice)] = _Score(_label_operativo(o.obiettivo), o.grado, fmt_grado(o.grado))
    for s in ris.strategici():
        testo = fmt_grado(s.grado)
        if s.grado is not None:
            testo += f", {s.stato}"
            if s.target is not None:
                testo += f" (target {fmt_pct(s.target)})"
        out[(2, natural(s.codice), s.codice)] = _Score(_label_strategico(s.obiettivo), s.grado, testo)
    for pr in ris.prospettive:
        out[(3, (), pr.id)] = _Score(f"Prospettiva {md(pr.id)} «{md(pr.prospettiva.nome)}»", pr.grado, fmt_grado(pr.grado))
    out[(4, (), "")] = _Score("Ente", ris.grado, fmt_grado(ris.grado))
    return out


def _compare_gradi(
    sez: Section,
    pb: Mapping[int, score.Anno],
    rb: Rilevazione | None,
    ph: Mapping[int, score.Anno],
    rh: Rilevazione | None,
    azioni: bool = True,
) -> None:
    prima, dopo = _scores(pb, rb), _scores(ph, rh)
    for chiave in sorted(set(prima) | set(dopo)):
        if not azioni and chiave[0] == 0:
            continue
        a, b = prima.get(chiave), dopo.get(chiave)
        if a is not None and b is not None and _same(a.grado, b.grado) and a.testo == b.testo:
            continue
        riga = b if b is not None else a
        assert riga is not None  # the key comes from one of the two
        etichetta = riga.etichetta
        sez.gradi.append(Row(etichetta, "grado", a.testo if a else "—", b.testo if b else "—"))


def compare(base: Progetto, head: Progetto) -> Comparison:
    """Compare two validated projects: plans by year, measurements by date."""
    c = Comparison()
    # Each side scored once (score.valuta_progetto), as the build does.
    punti_b, punti_h = score.valuta_progetto(base), score.valuta_progetto(head)
    for anno in sorted(set(base.piani) | set(head.piani)):
        pb, ph = base.piani.get(anno), head.piani.get(anno)
        if pb is None:
            assert ph is not None  # the year is in one of the two
            sez = Section(f"Piano {anno}")
            c._add(sez, "piano+", Row(f"Piano {anno} «{md(ph.titolo)}»", "aggiunto", "—", _summary_piano(ph)))
        elif ph is None:
            sez = Section(f"Piano {anno}")
            c._add(sez, "piano-", Row(f"Piano {anno} «{md(pb.titolo)}»", "rimosso", _summary_piano(pb), "—"))
        else:
            sez = _compare_piano(c, pb, ph)
        if sez.modifiche:
            c.sezioni.append(sez)

    ril_b = {r.data: r for r in base.rilevazioni}
    ril_h = {r.data: r for r in head.rilevazioni}
    for data in sorted(set(ril_b) | set(ril_h)):
        rb, rh = ril_b.get(data), ril_h.get(data)
        esistente = rh if rh is not None else rb
        assert esistente is not None  # the date comes from one of the two
        sez = Section(_rilevazione_title(esistente))
        if rb is None:
            assert rh is not None
            az = _azioni(head, rh)
            c._add(sez, "rilevazione+", Row("Rilevazione", "aggiunta", "—", f"{rh.tipo}, {_plural(len(rh.valori), 'valore', 'valori')}"))
            sez.titolo_dettagli = "Valori della nuova rilevazione"
            punti = _scores(punti_h, rh)
            for codice in sorted(rh.valori, key=natural):
                m = rh.valori[codice]
                grado = punti[(0, natural(codice), codice)].testo
                sez.dettagli.append(Row(_label_azione(az[codice]), "valore", _with_nota(fmt_misura(m, az[codice]), m), grado))
        elif rh is None:
            c._add(sez, "rilevazione-", Row("Rilevazione", "rimossa", f"{rb.tipo}, {_plural(len(rb.valori), 'valore', 'valori')}", "—"))
        else:
            _compare_values(c, sez, rb, rh, _azioni(base, rb), _azioni(head, rh))
        if rh is not None:
            # A plan change (target, weight, method) moves the scores of unchanged values too.
            # A new measurement's action grades are already in its table of values.
            _compare_gradi(sez, punti_b, rb, punti_h, rh, azioni=rb is not None)
        if sez.modifiche or sez.gradi:
            c.sezioni.append(sez)
    return c


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------

TITLE = "## Modifiche al piano e alle rilevazioni"


def _table(intestazione: tuple[str, ...], righe: Iterable[tuple[str, ...]]) -> list[str]:
    out = ["| " + " | ".join(intestazione) + " |", "|" + "---|" * len(intestazione)]
    out += ["| " + " | ".join(r) + " |" for r in righe]
    return out


def markdown(c: Comparison, confronto: str) -> str:
    """The comparison as Markdown; ``confronto`` names the two sides (already safe)."""
    out = [TITLE, "", confronto, "", f"**{c.summary()}**", ""]
    for sez in c.sezioni:
        out += [f"### {sez.titolo}", ""]
        if sez.modifiche:
            out += _table(("Elemento", "Modifica", "Prima", "Dopo"), ((r.elemento, r.campo, r.prima, r.dopo) for r in sez.modifiche))
            out.append("")
        if sez.dettagli:
            out += [f"{sez.titolo_dettagli}:", ""]
            out += _table(("Azione", "Valore", "Grado"), ((r.elemento, r.prima, r.dopo) for r in sez.dettagli))
            out.append("")
        if sez.gradi:
            out += ["Effetto sul grado di raggiungimento:", ""]
            out += _table(("Livello", "Prima", "Dopo"), ((r.elemento, r.prima, r.dopo) for r in sez.gradi))
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _fence(text: str) -> str:
    """A code fence longer than any backtick run in ``text`` (it quotes YAML lines)."""
    run = longest = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def markdown_errors(lato: str, checked: CheckResult, cartella: Path) -> str:
    """Validation failure of one side: the error count and the first errors, quoted."""
    errori = checked.errors
    primi = errori[:MAX_ERRORS]
    testo = format_text(primi, line_reader(cartella)).rstrip("\n")
    testo = testo.rsplit("\n", 1)[0].rstrip("\n")  # drop format_text's count of the shown subset
    fence = _fence(testo)
    intro = f"**Errore: {lato} non supera la validazione ({_plural(len(errori), 'errore', 'errori')}).**"
    if len(errori) > len(primi):
        intro += f" Ecco i primi {len(primi)}; l'elenco completo è nel passo di validazione."
    return "\n".join([intro, "", f"{fence}text", testo, fence, ""])


# --------------------------------------------------------------------------
# Git revisions
# --------------------------------------------------------------------------


class GitError(Exception):
    """A revision cannot be read (not a git checkout, unknown revision, git missing)."""


def git_env() -> dict[str, str]:
    """Read-only git: no optional locks (CI and other engineers may run git at the same time)."""
    return {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}


def materialise(root: Path, rev: str, dest: Path) -> str | None:
    """Write ``rev``'s plan/ and measurements/ files (relative to ``root``) under ``dest``.

    One ``git archive`` call of the revision's tree under ``root``; only the
    regular files directly inside plan/ and measurements/ are written (a
    folder missing in that revision is simply absent). Returns the commit id
    (from the archive's header), or None for a tree.
    """
    if rev.startswith("-"):
        raise GitError(f"revisione non valida: {rev!r}")
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", "archive", "--format=tar", rev],
            cwd=root,
            env=git_env(),
            capture_output=True,
            check=False,
        )
    except OSError as err:
        raise GitError(f"impossibile eseguire git: {err}") from err
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"impossibile leggere la revisione {rev!r}: {msg}")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout), mode="r:") as tar:
        for member in tar:
            parts = member.name.split("/")
            relazione = member.isreg() and len(parts) == 3 and parts[0] == "relazione" and parts[1].isdigit() and parts[2] == "relazione.yml"
            if relazione:  # the Relazione's state, read by the attestation lines
                (dest / parts[0] / parts[1]).mkdir(parents=True, exist_ok=True)
                data = tar.extractfile(member)
                assert data is not None
                (dest / member.name).write_bytes(data.read())
                continue
            if not member.isreg() or len(parts) != 2 or parts[0] not in FOLDERS or parts[1] in ("", ".", ".."):
                continue
            data = tar.extractfile(member)
            assert data is not None
            (dest / parts[0]).mkdir(parents=True, exist_ok=True)
            (dest / parts[0] / parts[1]).write_bytes(data.read())
        comment = tar.pax_headers.get("comment")
    return comment if comment and len(comment) in (40, 64) else None


@dataclass
class _Side:
    descrizione: str  # Markdown-safe
    cartella: Path
    checked: CheckResult


def _check(cartella: Path) -> CheckResult:
    """Validate one side; a side with no YAML at all is an empty project, not an
    error, so that the pull request adding the first plan gets a summary too."""
    if not any(p.suffix in (".yml", ".yaml") for c in FOLDERS if (cartella / c).is_dir() for p in (cartella / c).iterdir()):
        return CheckResult(Progetto(piani={}, rilevazioni=()), [])
    return check_project(cartella)


def _side(root: Path, rev: str | None, tmp: Path, nome: str) -> _Side:
    if rev is None:
        return _Side("la copia di lavoro", root, _check(root))
    cartella = tmp / nome
    cartella.mkdir()
    sha = materialise(root, rev, cartella)
    descr = md(rev) + (f" ({sha[:7]})" if sha and not sha.startswith(rev) else "")
    return _Side(descr, cartella, _check(cartella))


def run_diff(root: Path, base: str, head: str | None, out: IO[str]) -> int:
    """``diff`` command: Markdown to ``out``; 1 if the proposed version does not validate.

    A broken *base* is reported but does not fail the command: a pull request
    that repairs a broken main must be able to pass.

    Raises :class:`GitError` when a revision cannot be read.
    """
    with tempfile.TemporaryDirectory(prefix="diff-") as t:
        tmp = Path(t)
        lb = _side(root, base, tmp, "base")
        lh = _side(root, head, tmp, "head")
        intestazione = f"Confronto tra {lb.descrizione} e {lh.descrizione}."
        falliti = [
            (f"la versione proposta ({lh.descrizione})", lh),
            (f"la versione di partenza ({lb.descrizione})", lb),
        ]
        blocchi = [markdown_errors(nome, lato.checked, lato.cartella) for nome, lato in falliti if lato.checked.progetto is None]
        if blocchi:
            out.write("\n".join([TITLE, "", intestazione, "", *blocchi]).rstrip("\n") + "\n")
            return 1 if lh.checked.progetto is None else 0
        assert lb.checked.progetto is not None and lh.checked.progetto is not None
        out.write(markdown(compare(lb.checked.progetto, lh.checked.progetto), intestazione))
        out.write(markdown_attestazione(root, lh.cartella, lh.checked.progetto, head))
        return 0


def markdown_attestazione(root: Path, cartella: Path, progetto: Progetto, rev: str | None) -> str:
    """The OIV's grid for the proposed version: one line per Performance obligation.

    Dates come from the history of ``rev`` (the working tree: HEAD's), read
    in ``root``; the files from ``cartella``.
    """
    if not progetto.piani:
        return ""
    pub = pubblicazione.calcola(cartella, progetto, provenance.storia(root, rev=rev))
    data = attestazione.riferimento_predefinito(pub, progetto)
    righe = attestazione.attesta(progetto, pub, data)
    testa = [
        "",
        f"### Attestazione OIV (griglia ANAC, sezione Performance, al {pres.data(data)})",
        "",
    ]
    return "\n".join(testa + attestazione.righe_markdown(righe, md)) + "\n"


__all__ = [
    "NO_CHANGE",
    "Comparison",
    "GitError",
    "Row",
    "Section",
    "compare",
    "markdown",
    "materialise",
    "md",
    "run_diff",
]

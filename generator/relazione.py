"""The Relazione sulla Performance's own inputs: ``relazione/<anno>/``.

D.Lgs. 150/2009 art. 10 asks for more than score tables: a presentation for
citizens, the context, resources and efficiency, equal opportunities and the
gender budget, the drafting process, and the document's state (approved by
the Giunta, validated by the OIV: without validation no bonus may be paid).
Scores come from the plan and the measurements; everything else is written
by staff, per year, in an optional folder (CONTRACTS.md)::

    relazione/2021/relazione.yml      # state, resources, gender figures (schemas/relazione.schema.json)
    relazione/2021/presentazione.md   # narrative sections, untrusted Markdown
    relazione/2021/contesto.md
    relazione/2021/risorse.md
    relazione/2021/pari-opportunita.md
    relazione/2021/processo.md

This module checks that folder like the plan is checked (positioned Italian
messages through the validator's callback), builds the frozen
:class:`~generator.model.Relazione`, and names the document's state in
words (:func:`testo_stato`): the site, the PDF cover and the OIV's
attestation all call it, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from . import presentation as fmt, schema as S
from .diagnostics import Diagnostic, Pos, close_match, did_you_mean
from .links import link_sicuro
from .model import (
    TESTI_RELAZIONE,
    Atto,
    Genere,
    IndicatoreGenere,
    PersonaleGenere,
    Piano,
    Relazione,
    Risorsa,
    SpesaGenere,
    Validazione,
)
from .render.testo import link_non_sicuri  # the renderer's own rule for links
from .shapes import shape_diagnostics
from .source import SourceError, load, read_text

CARTELLA = "relazione"
FILE_DATI = "relazione.yml"
#: Largest narrative file read (a Relazione section is a few pages of text).
MAX_TESTO = 200_000

#: The state's words, exactly as CONTRACTS.md fixes them (site, PDF, attestation).
BOZZA = "Bozza, non ancora validata dall'OIV"


def testo_stato(rel: Relazione) -> str:
    """The document's state in the words the site, the PDF cover and the OIV use.

    - ``bozza``: "Bozza, non ancora validata dall'OIV";
    - ``approvata``: "Approvata dalla Giunta (Delibera di Giunta n. 45, 20 giugno 2022)";
    - ``validata``: "Validata dall'OIV il 28 giugno 2022".
    """
    if rel.stato == "validata" and rel.validazione is not None:
        return f"Validata dall'OIV il {fmt.data(rel.validazione.data)}"
    if rel.stato == "approvata" and rel.approvazione is not None:
        return f"Approvata dalla Giunta ({rel.approvazione.atto}, {fmt.data(rel.approvazione.data)})"
    return BOZZA


def sotto_target(grado: Decimal | None) -> bool:
    """The one rule for a shortfall that needs a scostamento: scored, below 100.

    The validator warns on it (consuntivo), the Relazione explains it; both call this.
    """
    return grado is not None and grado < 100


def nota_stato(rel: Relazione) -> str | None:
    """What the state still lacks, said next to it ("non ancora validata dall'OIV")."""
    if rel.stato == "approvata":
        return "Non ancora validata dall'OIV: fino alla validazione non possono essere erogati i premi."
    if rel.stato == "bozza":
        return "La Relazione non è ancora stata approvata dalla Giunta né validata dall'OIV."
    return None


# --------------------------------------------------------------------------
# Loading and checking
# --------------------------------------------------------------------------

Add = Callable[[Diagnostic], None]


def carica_relazioni(root: Path, piani: Mapping[int, Piano], add: Add) -> dict[int, Relazione]:
    """Every ``relazione/<anno>/`` under ``root`` by year; problems go to ``add``.

    A year with an error is left out (the checker then returns no project
    at all, so nothing half-checked is ever published).
    """
    base = root / CARTELLA
    if not base.is_dir():
        return {}
    out: dict[int, Relazione] = {}
    for cartella in sorted(p for p in base.iterdir() if p.is_dir()):
        display = cartella.relative_to(root).as_posix()
        if _fuori(root, cartella):
            add(Diagnostic(Pos(display, 1, 1), "la cartella è un collegamento fuori dal repository: non viene letta", "sostituisci il collegamento con la cartella vera"))
            continue
        if not (cartella.name.isdigit() and len(cartella.name) == 4):
            add(Diagnostic(Pos(display, 1, 1), f"la cartella «{display}» non è di un anno", f"le cartelle della Relazione si chiamano come l'anno, ad esempio `{CARTELLA}/2021/`", "avviso"))
            continue
        rel = _anno(root, cartella, int(cartella.name), piani, add)
        if rel is not None:
            out[rel.anno] = rel
    return out


def _anno(root: Path, cartella: Path, anno: int, piani: Mapping[int, Piano], add: Add) -> Relazione | None:
    errori = [0]

    def err(d: Diagnostic) -> None:
        if d.is_error:
            errori[0] += 1
        add(d)

    testi = _testi(root, cartella, err)
    dati = cartella / FILE_DATI
    rel = Relazione(anno, testi=testi)
    if dati.is_file():
        got = _dati(root, dati, anno, piani.get(anno), err)
        if got is not None:
            rel = Relazione(
                anno=anno, stato=got.stato, approvazione=got.approvazione, validazione=got.validazione,
                risorse=got.risorse, genere=got.genere, testi=testi, file=got.file, pos=got.pos,
            )
    if anno not in piani and (testi or dati.is_file()):
        pos = rel.pos.get("anno") if rel.pos else None
        err(Diagnostic(pos or Pos(cartella.relative_to(root).as_posix(), 1, 1), f"c'è la Relazione {anno} ma non il piano dell'anno (manca plan/{anno}.yml)", "controlla il nome della cartella, o aggiungi il piano"))
    return None if errori[0] else rel


def _fuori(root: Path, path: Path) -> bool:
    """A link that leads outside the repository: never read (CONTRACTS: untrusted input)."""
    try:
        return not path.resolve().is_relative_to(root.resolve())
    except OSError:
        return True


def _testi(root: Path, cartella: Path, add: Add) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(p for p in cartella.iterdir() if p.is_file()):
        display = path.relative_to(root).as_posix()
        if path.name.startswith("."):
            continue
        if _fuori(root, path):
            add(Diagnostic(Pos(display, 1, 1), "il file è un collegamento a un file fuori dal repository: non viene letto", "sostituisci il collegamento con il file vero"))
            continue
        if path.name == FILE_DATI:
            continue
        if path.suffix in (".yml", ".yaml"):
            add(Diagnostic(Pos(display, 1, 1), f"file sconosciuto «{path.name}»: i dati della Relazione vanno in `{FILE_DATI}`", f"rinomina il file in `{FILE_DATI}`", "avviso"))
            continue
        if path.suffix != ".md":
            continue
        if path.stem not in TESTI_RELAZIONE:
            guess = close_match(path.stem, TESTI_RELAZIONE)
            hint = did_you_mean(f"{guess}.md" if guess else None)
            hint += "I testi della Relazione sono: " + ", ".join(f"{t}.md" for t in TESTI_RELAZIONE)
            add(Diagnostic(Pos(display, 1, 1), f"il testo «{path.name}» non corrisponde a nessuna sezione della Relazione", hint, "avviso"))
            continue
        if path.stat().st_size > MAX_TESTO:
            add(Diagnostic(Pos(display, 1, 1), f"il testo è troppo lungo ({path.stat().st_size} byte, al massimo {MAX_TESTO})", "accorcia il testo: una sezione della Relazione è di poche pagine"))
            continue
        try:
            text = read_text(path, display)
        except SourceError as e:
            for d in e.diagnostics:
                add(d)
            continue
        for riga, colonna, url in link_non_sicuri(text):
            add(
                Diagnostic(
                    Pos(display, riga, colonna),
                    f"collegamento non ammesso «{url}»: sul sito comparirà solo il testo del collegamento",
                    "i collegamenti devono iniziare con https:// (o http://) oppure essere percorsi del sito, ad esempio `../../piano/2021/`",
                    "avviso",
                )
            )
        if text.strip():
            out[path.stem] = text
    return out


def _dati(root: Path, path: Path, anno: int, piano: Piano | None, add: Add) -> Relazione | None:
    display = path.relative_to(root).as_posix()
    try:
        doc = load(path, display)
    except SourceError as e:
        for d in e.diagnostics:
            add(d)
        return None
    if not isinstance(doc.data, dict):
        add(Diagnostic(doc.pos(()), f"il file deve contenere un gruppo di campi «nome: valore», trovato {S.describe(doc.data)}", "il file inizia con `anno:` e `stato:`: vedi la guida"))
        return None
    try:
        y = S.RelazioneYaml.model_validate(doc.data)
    except ValidationError as e:
        for d in shape_diagnostics(e, doc, S.RelazioneYaml):
            add(d)
        return None
    n = [0]

    def error(pos: Pos, msg: str, hint: str) -> None:
        n[0] += 1
        add(Diagnostic(pos, msg, hint))

    def warn(pos: Pos, msg: str, hint: str) -> None:
        add(Diagnostic(pos, msg, hint, "avviso"))

    P = doc.pos
    if y.anno != anno:
        error(P(("anno",)), f"la cartella è «{CARTELLA}/{anno}» ma la Relazione è dell'anno {y.anno}", f"correggi `anno: {anno}` o sposta il file nella cartella `{CARTELLA}/{y.anno}/`")
    if y.stato in ("approvata", "validata") and y.approvazione is None:
        error(P(("stato",)), f"la Relazione è «{y.stato}» ma manca l'approvazione della Giunta", 'aggiungi `approvazione: {data: 2022-06-20, atto: "Delibera di Giunta n. 45"}`')
    if y.stato == "validata" and y.validazione is None:
        error(P(("stato",)), "la Relazione è «validata» ma manca la validazione dell'OIV", 'aggiungi `validazione: {data: 2022-06-28, documento: "https://…/validazione-oiv.pdf"}`')
    if y.stato != "validata" and y.validazione is not None:
        warn(P(("validazione",)), f"c'è la validazione dell'OIV ma lo stato è «{y.stato}»", "scrivi `stato: validata`, oppure togli `validazione` se l'OIV non ha ancora validato")
    if y.validazione is not None and not link_sicuro(y.validazione.documento):
        error(P(("validazione", "documento")), f"«documento» deve essere un indirizzo https:// o un percorso nel sito, trovato {S.describe(y.validazione.documento)}", 'scrivi ad esempio `documento: "https://www.ente.it/oiv/validazione-2021.pdf"`')
    if y.approvazione is not None and y.validazione is not None and y.validazione.data < y.approvazione.data:
        error(P(("validazione", "data")), "l'OIV valida la Relazione dopo l'approvazione della Giunta: la data di validazione è precedente", "controlla le due date")
    if y.approvazione is not None and y.approvazione.data.year <= anno:
        warn(P(("approvazione", "data")), f"la Relazione {anno} risulta approvata nel {y.approvazione.data.year}: si approva dopo la fine dell'anno", "controlla la data (la Relazione si approva entro il 30 giugno dell'anno successivo)")
    strategici = {s.codice: s for s in piano.obiettivi_strategici()} if piano is not None else {}
    visti: dict[str, Pos] = {}
    risorse = []
    for i, r in enumerate(y.risorse):
        loc = ("risorse", i)
        pos = P(loc + ("obiettivo",))
        if r.obiettivo in visti:
            error(pos, f"risorse dell'obiettivo «{r.obiettivo}» ripetute (già alla riga {visti[r.obiettivo].line})", "una riga per obiettivo strategico: somma gli importi")
        visti.setdefault(r.obiettivo, pos)
        if piano is not None and r.obiettivo not in strategici:
            guess = close_match(r.obiettivo, strategici)
            hint = did_you_mean(guess)
            error(pos, f"«{r.obiettivo}» non è un obiettivo strategico del piano {anno}", hint + "gli obiettivi strategici sono: " + ", ".join(strategici))
        if r.impiegato is not None and r.impiegato > r.stanziato:
            warn(P(loc + ("impiegato",)), f"per l'obiettivo «{r.obiettivo}» l'impiegato supera lo stanziato", "controlla i due importi")
        risorse.append(Risorsa(r.obiettivo, r.stanziato, r.impiegato, r.nota, pos=doc.field_positions(loc, r.model_fields_set)))
    if n[0]:
        return None
    genere = None
    if y.genere is not None:
        g = y.genere
        genere = Genere(
            personale=tuple(PersonaleGenere(p.categoria, p.donne, p.uomini) for p in g.personale),
            indicatori=tuple(IndicatoreGenere(i.nome, i.donne, i.uomini, i.unita) for i in g.indicatori),
            spese=tuple(SpesaGenere(s.voce, s.classificazione, s.importo) for s in g.spese),
            nota=g.nota,
        )
    return Relazione(
        anno=y.anno,
        stato=y.stato,
        approvazione=Atto(y.approvazione.data, y.approvazione.atto, pos=doc.field_positions(("approvazione",), y.approvazione.model_fields_set)) if y.approvazione else None,
        validazione=Validazione(y.validazione.data, y.validazione.documento, pos=doc.field_positions(("validazione",), y.validazione.model_fields_set)) if y.validazione else None,
        risorse=tuple(risorse),
        genere=genere,
        file=display,
        pos=doc.field_positions((), y.model_fields_set),
    )


def utilizzo(r: Risorsa) -> Decimal | None:
    """Share of the allocated money actually used, percentage points (None without both)."""
    if r.impiegato is None or not r.stanziato:
        return None
    return r.impiegato * 100 / r.stanziato


__all__ = ["BOZZA", "CARTELLA", "carica_relazioni", "nota_stato", "sotto_target", "testo_stato", "utilizzo"]

"""The plan's rules: what a ``plan/<anno>.yml`` must satisfy beyond its shape.

Its shape (keys, types, enums) is :mod:`generator.schema`'s and
:mod:`generator.shapes`'s; here are the rules that depend on more than one
value: the codes (unique, each continuing its parent's), the weights
(summing to 100%), targets and thresholds read by the KPI's ``tipo``
(:mod:`generator.values`) and in one direction (``verso``), responsibles
named among the plan's units, the dates of adoption and changes. The
result is the frozen :class:`~generator.model.Piano`, returned even with
errors so the measurements are still checked against its codes and types
(with any error, :func:`generator.validate.check_project` returns no model).
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

from . import schema as S
from .diagnostics import Collector, Pos, close_match, did_you_mean
from .model import (
    Atto,
    Azione,
    ObiettivoOperativo,
    ObiettivoStrategico,
    Piano,
    Prospettiva,
    Smvp,
    Valore,
    Variazione,
    Verso,
)
from .presentation import percentuale_esatta as fmt_pct
from .source import Document, Loc
from .values import Problema, interpret

HUNDRED = Decimal(100)
# Percentages in messages keep every digit the user wrote (presentation.percentuale_esatta).
#: Unit ids that would name a generated page (``strutture/index.md`` lists the
#: units; MkDocs also reads ``README`` as a folder's index).
STRUTTURE_RISERVATE = frozenset({"index", "readme"})


def check_piano(out: Collector, doc: Document, y: S.PianoYaml) -> Piano:
    """The plan of ``doc`` (already of the right shape, ``y``), its problems added to ``out``."""
    return _PlanChecks(out).piano(doc, y)


class _PlanChecks:
    def __init__(self, out: Collector) -> None:
        self.out = out

    def piano(self, doc: Document, y: S.PianoYaml) -> Piano:
        P = doc.pos
        stem = Path(doc.path).stem
        if stem != str(y.anno):
            self.out.error(P(("anno",)), f"il file si chiama «{Path(doc.path).name}» ma il piano è dell'anno {y.anno}", f"rinomina il file in `plan/{y.anno}.yml` o correggi `anno`")
        if y.anno not in y.triennio:
            self.out.error(P(("triennio",)), f"il triennio {y.triennio} non comprende l'anno del piano {y.anno}", f"scrivi ad esempio `triennio: [{y.anno}, {y.anno + 1}, {y.anno + 2}]`")
        self._strutture_riservate(doc, y)
        seen: dict[str, Pos] = {}
        seen_persp: dict[str, Pos] = {}
        prospettive: list[Prospettiva] = []
        for ip, p in enumerate(y.prospettive):
            ploc: Loc = ("prospettive", ip)
            if p.id in seen_persp:
                self.out.error(P(ploc + ("id",)), f"prospettiva «{p.id}» ripetuta (già alla riga {seen_persp[p.id].line})", "usa un identificativo diverso")
            seen_persp.setdefault(p.id, P(ploc + ("id",)))
            strategici = []
            for js, s in enumerate(p.obiettivi_strategici):
                sloc = ploc + ("obiettivi_strategici", js)
                strategici.append(self._strategico(doc, y, s, sloc, p.id, seen))
            prospettive.append(
                Prospettiva(p.id, p.nome, tuple(strategici), p.descrizione, pos=doc.field_positions(ploc, p.model_fields_set))
            )
        for chiave in ("soglia_parziale", "target_prospettive", "target_ente"):
            v = getattr(y.smvp, chiave)
            if v is not None and not (0 <= v <= HUNDRED):
                self.out.error(P(("smvp", chiave)), f"«{chiave}» deve essere tra 0% e 100%, trovato {fmt_pct(v)}", f"scrivi ad esempio `{chiave}: 60%`")
        smvp = Smvp(
            soglia_parziale=y.smvp.soglia_parziale,
            target_prospettive=y.smvp.target_prospettive,
            target_ente=y.smvp.target_ente,
            pos=doc.field_positions(("smvp",), y.smvp.model_fields_set) if "smvp" in y.model_fields_set else {},
        )
        # Returned even with errors: the measurements are still checked against
        # its codes and types, so one run reports everything. (With any error
        # check_project returns no model, so this plan is never published.)
        return Piano(
            ente=y.ente,
            titolo=y.titolo,
            anno=y.anno,
            triennio=tuple(y.triennio),
            metodo=y.metodo,
            strutture=dict(y.strutture),
            prospettive=tuple(prospettive),
            file=doc.path,
            smvp=smvp,
            pos=doc.field_positions((), y.model_fields_set),
            adozione=self._adozione(doc, y),
            variazioni=self._variazioni(doc, y),
        )

    def _adozione(self, doc: Document, y: S.PianoYaml) -> Atto | None:
        a = y.adozione
        if a is None:
            return None
        if a.data.year > y.anno:
            self.out.warn(doc.pos(("adozione", "data")), f"il piano {y.anno} risulta adottato nel {a.data.year}, dopo l'inizio del suo anno", "controlla la data dell'atto di adozione")
        return Atto(a.data, a.atto, pos=doc.field_positions(("adozione",), a.model_fields_set))

    def _variazioni(self, doc: Document, y: S.PianoYaml) -> tuple[Variazione, ...]:
        out = []
        for i, v in enumerate(y.variazioni):
            loc: Loc = ("variazioni", i)
            if y.adozione is not None and v.data < y.adozione.data:
                self.out.error(
                    doc.pos(loc + ("data",)),
                    f"la variazione del {v.data.isoformat()} è precedente all'adozione del piano ({y.adozione.data.isoformat()})",
                    "una variazione modifica il piano già adottato: correggi la data della variazione o quella dell'adozione",
                )
            out.append(Variazione(v.data, v.atto, v.descrizione, pos=doc.field_positions(loc, v.model_fields_set)))
        return tuple(sorted(out, key=lambda v: v.data))

    def _strutture_riservate(self, doc: Document, y: S.PianoYaml) -> None:
        """A unit's page is ``strutture/<id>.md``: ids that name a generated page are refused."""
        for sid in y.strutture:
            if sid in STRUTTURE_RISERVATE:
                self.out.error(
                    doc.key_pos(("strutture", sid)),
                    f"l'identificativo «{sid}» è riservato: il sito usa già la pagina strutture/{sid}",
                    f"scegli un altro identificativo, ad esempio `{sid}-1`, e aggiorna i `responsabile` che lo usano",
                )

    def _code(self, doc: Document, loc: Loc, code: str, parent: str | None, what: str, seen: dict[str, Pos]) -> None:
        pos = doc.pos(loc + ("codice",))
        if code in seen:
            self.out.error(pos, f"codice «{code}» ripetuto (già usato alla riga {seen[code].line})", f"ogni obiettivo e ogni azione ha un codice diverso: correggi questo o quello alla riga {seen[code].line}")
        else:
            seen[code] = pos
        if parent is not None and (not code.startswith(parent + ".") or code.count(".") != parent.count(".") + 1):
            self.out.error(
                pos,
                f"il codice «{code}» di {what} non continua quello del livello superiore «{parent}»",
                f"dentro «{parent}» i codici sono `\"{parent}.1\"`, `\"{parent}.2\"`, …: correggi il codice, o sposta l'elemento sotto il livello giusto",
            )
        if parent is None and "." in code:
            self.out.error(pos, f"il codice «{code}» di un obiettivo strategico deve essere un numero semplice", 'scrivi ad esempio `codice: "1"`')

    def _weights(self, doc: Document, loc: Loc, parent: str, children: list[tuple[Decimal, Loc]], what: str) -> None:
        for peso, cloc in children:
            if peso == 0:
                self.out.error(doc.pos(cloc + ("peso",)), "il peso è zero: un elemento con peso 0% non conta nel calcolo", "dagli un peso positivo (e riduci gli altri perché la somma resti 100%), oppure togli l'elemento")
            elif peso < 0:
                self.out.error(doc.pos(cloc + ("peso",)), f"il peso non può essere negativo, trovato {fmt_pct(peso)}", "scrivi un peso positivo, ad esempio `peso: 10%`, e riduci gli altri perché la somma resti 100%")
            elif peso > HUNDRED:
                self.out.error(doc.pos(cloc + ("peso",)), f"il peso non può superare 100%, trovato {fmt_pct(peso)}", "i pesi sono percentuali tra 0 e 100")
        total = sum((p for p, _ in children), Decimal(0))
        if total != HUNDRED:
            diff = HUNDRED - total
            verb = f"mancano {fmt_pct(diff)}" if diff > 0 else f"c'è {fmt_pct(-diff)} di troppo"
            addends = " + ".join(fmt_pct(p) for p, _ in children)
            self.out.error(
                doc.pos(loc + ("codice",)),
                f"i pesi {what} di «{parent}» sommano a {fmt_pct(total)} ({addends}), devono sommare esattamente a 100%",
                f"correggi i pesi {what} di «{parent}»: {verb}",
            )

    def _strategico(self, doc: Document, y: S.PianoYaml, s: S.StrategicoYaml, loc: Loc, persp: str, seen: dict[str, Pos]) -> ObiettivoStrategico:
        self._code(doc, loc, s.codice, None, "un obiettivo strategico", seen)
        for year, value in s.target.items():
            tloc = loc + ("target", str(year))
            if year not in y.triennio:
                self.out.error(doc.key_pos(tloc), f"target per l'anno {year}, fuori dal triennio {y.triennio}", "togli l'anno o correggi il triennio")
            if not (0 <= value <= HUNDRED):
                self.out.error(doc.pos(tloc), f"il target deve essere tra 0% e 100%, trovato {fmt_pct(value)}", "scrivi ad esempio `80%`")
        if y.anno not in s.target:
            self.out.error(doc.pos(loc + ("target",)), f"manca il target dell'obiettivo «{s.codice}» per l'anno del piano {y.anno}", f"aggiungi `{y.anno}: 80%` sotto `target`")
        operativi = []
        for k, o in enumerate(s.obiettivi_operativi):
            oloc = loc + ("obiettivi_operativi", k)
            operativi.append(self._operativo(doc, y, o, oloc, s.codice, seen))
        self._weights(doc, loc, s.codice, [(o.peso, loc + ("obiettivi_operativi", k)) for k, o in enumerate(s.obiettivi_operativi)], "degli obiettivi operativi")
        return ObiettivoStrategico(
            codice=s.codice,
            titolo=s.titolo,
            indicatore=s.indicatore,
            target=dict(sorted(s.target.items())),
            obiettivi_operativi=tuple(operativi),
            prospettiva=persp,
            descrizione=s.descrizione,
            pos=doc.field_positions(loc, s.model_fields_set),
        )

    def _operativo(self, doc: Document, y: S.PianoYaml, o: S.OperativoYaml, loc: Loc, parent: str, seen: dict[str, Pos]) -> ObiettivoOperativo:
        self._code(doc, loc, o.codice, parent, "un obiettivo operativo", seen)
        azioni = [self._azione(doc, y, a, loc + ("azioni", k), o.codice, seen) for k, a in enumerate(o.azioni)]
        self._weights(doc, loc, o.codice, [(a.peso, loc + ("azioni", k)) for k, a in enumerate(o.azioni)], "delle azioni")
        return ObiettivoOperativo(
            codice=o.codice,
            titolo=o.titolo,
            peso=o.peso,
            indicatore=o.indicatore,
            azioni=tuple(azioni),
            descrizione=o.descrizione,
            pos=doc.field_positions(loc, o.model_fields_set),
        )

    def _azione(self, doc: Document, y: S.PianoYaml, a: S.AzioneYaml, loc: Loc, parent: str, seen: dict[str, Pos]) -> Azione:
        self._code(doc, loc, a.codice, parent, "un'azione", seen)

        def P(name: str) -> Pos:
            return doc.pos(loc + (name,))

        values: dict[str, Valore | None] = {}
        for name in ("target", "soglia_80", "soglia_60"):
            raw = getattr(a, name)
            if raw is None:
                values[name] = None
                continue
            if a.tipo == "qualitativo":
                self.out.error(P(name), f"un'azione qualitativa non ha «{name}»: è valutata con un giudizio (esito)", "togli il campo; descrivi l'atteso in `nota`")
                values[name] = None
                continue
            if a.tipo == "si_no" and name != "target":
                self.out.error(P(name), f"un'azione si/no non ha «{name}»", "togli il campo")
                values[name] = None
                continue
            got = interpret(a.tipo, raw, y.anno, name)
            if isinstance(got, Problema):
                self.out.error(P(name), got.message, got.hint)
                values[name] = None
            else:
                values[name] = got
        if a.tipo == "si_no":
            if values["target"] is None and a.target is None:
                values["target"] = True
            elif values["target"] is False:
                self.out.error(P("target"), "il target di un'azione si/no è «si»", "scrivi `target: si`")
        elif a.tipo != "qualitativo" and a.target is None:
            self.out.error(doc.pos(loc), f"manca il target dell'azione «{a.codice}»", "aggiungi ad esempio `target: 3`")
        if a.unita is not None and a.tipo != "numero":
            self.out.warn(P("unita"), f"l'unità di misura vale solo per gli indicatori di tipo numero (qui: {a.tipo})", "togli `unita`")
        verso = self._verso(doc, loc, a, values)
        resp: tuple[str, ...] = a.responsabile or ()
        if not resp:
            self.out.warn(doc.pos(loc + ("codice",)), f"l'azione «{a.codice}» non indica il responsabile", "aggiungi `responsabile: <id>` (un identificativo di `strutture`); sul sito comparirà «non indicato»")
        for r in resp:
            if r not in y.strutture:
                guess = close_match(r, y.strutture)
                hint = did_you_mean(guess)
                hint += "Usa uno degli identificativi elencati sotto `strutture:` all'inizio del piano, o aggiungi lì la nuova struttura"
                self.out.error(P("responsabile"), f"responsabile «{r}» non presente in `strutture`", hint)
        return Azione(
            codice=a.codice,
            titolo=a.titolo,
            peso=a.peso,
            indicatore=a.indicatore,
            tipo=a.tipo,
            verso=verso,
            target=values["target"],
            soglia_80=values["soglia_80"],
            soglia_60=values["soglia_60"],
            unita=a.unita,
            pira=a.pira,
            responsabile=resp,
            descrizione=a.descrizione,
            nota=a.nota,
            verso_esplicito=a.verso is not None,
            pos=doc.field_positions(loc, a.model_fields_set),
        )

    def _verso(self, doc: Document, loc: Loc, a: S.AzioneYaml, values: dict[str, Valore | None]) -> Verso:
        """Resolve the KPI direction: explicit, revealed by the thresholds, or default."""
        chain = [(n, values[n]) for n in ("target", "soglia_80", "soglia_60") if values[n] is not None and not isinstance(values[n], bool)]
        up = down = False
        for (_n1, v1), (_n2, v2) in itertools.pairwise(chain):
            if v1 > v2:  # type: ignore[operator]  # one action's values share its tipo: all numbers or all dates
                up = True
            elif v1 < v2:  # type: ignore[operator]  # as above
                down = True
        pos = doc.pos(loc + ("soglia_80",)) if a.soglia_80 is not None else doc.pos(loc + ("soglia_60",))
        written = ", ".join(f"{n} {S.describe(getattr(a, n))}" for n, _ in chain)
        if up and down:
            self.out.error(
                pos,
                f"le soglie non sono in ordine ({written}): devono scendere tutte o salire tutte a partire dal target",
                "se più alto è meglio: target ≥ soglia_80 ≥ soglia_60; se più basso è meglio: target ≤ soglia_80 ≤ soglia_60",
            )
            return a.verso or "crescente"
        if a.tipo == "data":
            if a.verso == "crescente":
                self.out.error(doc.pos(loc + ("verso",)), "una scadenza (tipo data) ha sempre verso decrescente: prima è meglio", "togli `verso` (oppure scrivi `verso: decrescente`)")
            elif up:
                self.out.error(pos, f"per una scadenza le soglie devono essere date successive al target, prima è meglio ({written})", "scrivi nel target la data più vicina e nelle soglie date più lontane")
            return "decrescente"
        inferred: Verso | None = "decrescente" if down else "crescente" if up else None
        if a.verso and inferred and a.verso != inferred:
            meaning = "più basso è meglio" if inferred == "decrescente" else "più alto è meglio"
            order = "target ≥ soglia_80 ≥ soglia_60" if a.verso == "crescente" else "target ≤ soglia_80 ≤ soglia_60"
            self.out.error(
                doc.pos(loc + ("verso",)),
                f"`verso: {a.verso}` contraddice le soglie ({written}), che indicano un verso {inferred} ({meaning})",
                f"se {meaning} scrivi `verso: {inferred}` (o togli `verso`: è ricavato dalle soglie); "
                f"altrimenti correggi le soglie: con verso {a.verso} {order}",
            )
        return a.verso or inferred or "crescente"

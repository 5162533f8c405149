"""The measurements' rules: what a ``measurements/<data>.yml`` must satisfy beyond its shape.

Each value is read by its action's ``tipo`` (:mod:`generator.values`) and
checked against the plan of its year: codes of actions (objectives are
computed, never measured), ratios, qualitative judgements with their note,
completion dates not after the measurement, safe ``evidenza`` links
(:mod:`generator.links`), and the consuntivo's rule on explaining a
shortfall (``scostamento``). Without the plan, the checks that do not need
it still run, so one run reports everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from . import schema as S, score
from .diagnostics import Collector, Pos, close_match, did_you_mean
from .limiti import CIFRE_INTERE
from .links import link_sicuro
from .model import Azione, Misura, Piano, Rilevazione, Scostamento
from .presentation import grado as grado_testo, percentuale_esatta as fmt_pct
from .relazione import sotto_target
from .source import Document, Loc
from .values import Problema, interpret

HUNDRED = Decimal(100)
# In messages a grado prints as on the site ("80,0%"); other percentages keep
# every digit the user wrote (presentation.percentuale_esatta).


class MeasurementChecker:
    """Checks measurement files one by one, adding their problems to one collector.

    One per validation run: the budget of "did you mean" code look-ups is
    the run's, not each file's.
    """

    def __init__(self, out: Collector) -> None:
        self.out = out
        #: fuzzy look-ups over many codes cost ~80 ms each at 15,000 actions: a
        #: file of wrong codes (say, last year's) must not take minutes to report
        self.suggestions_left = 100

    def _suggest_code(self, code: str, codes: Mapping[str, object]) -> str | None:
        """A close action code for a typo, looked for among its neighbours.

        Typos keep the first segment far more often than not ("1.1.12" for
        "1.1.2"), so only codes of the same strategic objective are compared,
        which keeps each look-up to a few hundred candidates.
        """
        if self.suggestions_left <= 0:
            return None
        self.suggestions_left -= 1
        head = code.split(".", 1)[0] + "."
        candidates = [c for c in codes if c.startswith(head)]
        if not candidates and len(codes) <= 1000:
            candidates = list(codes)
        return close_match(code, candidates)

    def check_rilevazione(self, doc: Document, y: S.RilevazioneYaml, piani: Mapping[int, Piano], plan_known: bool) -> Rilevazione | None:
        """The measurements of ``doc`` (already of the right shape, ``y``) against their plan in ``piani``.

        None if the file has errors (all of them added to the collector).
        ``plan_known``: some plan file exists, so a missing year is worth
        an error (without any, "no plan found" was said once already).
        """
        before = self.out.n_errors
        P = doc.pos
        stem = Path(doc.path).stem
        if stem != y.data.isoformat():
            self.out.error(P(("data",)), f"il file si chiama «{Path(doc.path).name}» ma la data della rilevazione è {y.data.isoformat()}", f"rinomina il file in `measurements/{y.data.isoformat()}.yml` o correggi `data`")
        piano = piani.get(y.piano)
        if piano is None:
            if plan_known and f"plan/{y.piano}.yml" not in self.out.files_with_errors:
                avail = ", ".join(str(k) for k in piani) or "nessuno"
                self.out.error(P(("piano",)), f"nessun piano per l'anno {y.piano} (manca il file plan/{y.piano}.yml)", f"i piani disponibili sono: {avail}; correggi `piano`, oppure crea il piano con `python -m generator nuovo-anno {y.piano}`")
            # Without the plan the codes cannot be checked, but everything
            # else in the file can: report it now, not one error at a time.
            if y.data.year != y.piano:
                self.out.error(P(("data",)), f"la data {y.data.isoformat()} è fuori dall'anno del piano {y.piano}", f"correggi `data` (una rilevazione del piano {y.piano} ha una data del {y.piano}), oppure `piano` se i valori sono di un altro piano")
            for code, raw in y.valori.items():
                self._misura_senza_piano(doc, ("valori", code), code, raw)
            return None
        if y.data.year != piano.anno:
            self.out.error(P(("data",)), f"la data {y.data.isoformat()} è fuori dall'anno del piano {piano.anno}", f"correggi `data` (una rilevazione del piano {piano.anno} ha una data del {piano.anno}), oppure `piano` se i valori sono di un altro piano")
        azioni = {a.codice: a for a in piano.azioni()}
        others = {o.codice for o in piano.obiettivi_operativi()} | {s.codice for s in piano.obiettivi_strategici()}
        valori: dict[str, Misura] = {}
        for code, raw in y.valori.items():
            loc: Loc = ("valori", code)
            azione = azioni.get(code)
            if azione is None:
                if code in others:
                    self.out.error(doc.key_pos(loc), f"«{code}» è un obiettivo: si misurano solo le azioni, il grado degli obiettivi è calcolato", "togli la riga e scrivi invece i valori delle sue azioni")
                else:
                    guess = self._suggest_code(code, azioni)
                    hint = did_you_mean(guess)
                    hint += f"I codici delle azioni sono elencati nel file {piano.file}"
                    self.out.error(doc.key_pos(loc), f"il codice «{code}» non è un'azione del piano {piano.anno}", hint)
                continue
            misura = self._misura(doc, loc, azione, raw, piano.anno, y.data)
            if misura is not None:
                valori[code] = misura
        if self.out.n_errors > before:
            return None
        ril = Rilevazione(
            piano=y.piano,
            data=y.data,
            tipo=y.tipo,
            esempio=y.esempio,
            valori=valori,
            file=doc.path,
            pos=doc.field_positions((), y.model_fields_set),
        )
        self._scostamenti(ril, azioni, piano)
        return ril

    def _scostamenti(self, ril: Rilevazione, azioni: dict[str, Azione], piano: Piano) -> None:
        """A shortfall in a consuntivo must be explained; a reached target must not be.

        The contract's rule (data-and-scoring.md, optional keys): in a
        consuntivo an action scored below 100 without ``scostamento`` is a
        warning (an error under ``--strict``), the Relazione shows it as
        "scostamento non motivato"; ``scostamento`` on an action that
        reached its target is a warning. Nothing here changes a score.
        """
        for code, m in ril.valori.items():
            grado = score.grado_azione(azioni[code], m, piano.metodo, ril)
            if grado is None:
                continue
            if sotto_target(grado) and m.scostamento is None and ril.tipo == "consuntivo":
                self.out.warn(
                    m.pos.get("valore") or m.pos[""],
                    f"l'azione «{code}» è sotto il target (grado {grado_testo(grado)}) ma lo scostamento non è motivato",
                    f'spiega lo scostamento scrivendo il valore nella forma estesa, ad esempio `"{code}": {{{_primo(azioni[code])}, '
                    'scostamento: {causa: interna, descrizione: "…"}}` (causa: esterna, interna o indicatore); '
                    "finché manca, la Relazione mostra «scostamento non motivato»",
                )
            elif not sotto_target(grado) and m.scostamento is not None:
                self.out.warn(
                    m.scostamento.pos.get("") or m.pos[""],
                    f"l'azione «{code}» ha raggiunto il target: lo «scostamento» non serve",
                    "togli `scostamento` (si spiega solo un risultato sotto il target)",
                )

    def _misura_senza_piano(self, doc: Document, loc: Loc, code: str, raw: object) -> None:
        """The checks of one value that do not depend on the action's plan entry."""
        if not isinstance(raw, S.MisuraYaml):
            return
        def P(name: str) -> Pos:
            return doc.pos((*loc, name))

        if raw.esito is not None:
            if not raw.nota:
                self.out.error(doc.pos(loc), f"manca la «nota»: il giudizio «esito» dell'azione «{code}» va motivato", f'aggiungi la motivazione, ad esempio `"{code}": {{esito: {fmt_pct(raw.esito)}, nota: "piano attuato in parte"}}`')
            if not (0 <= raw.esito <= HUNDRED):
                self.out.error(P("esito"), f"l'esito deve essere tra 0% e 100%, trovato {fmt_pct(raw.esito)}", "scrivi ad esempio `esito: 80%`")
        if raw.numeratore is not None or raw.denominatore is not None:
            if raw.numeratore is None or raw.denominatore is None:
                missing = "numeratore" if raw.numeratore is None else "denominatore"
                self.out.error(doc.pos(loc), f"manca il «{missing}»: un rapporto ha sia numeratore sia denominatore", f"aggiungi il {missing}, ad esempio `{{numeratore: 30, denominatore: 40}}`; oppure scrivi solo il valore calcolato")
            elif raw.denominatore == 0:
                self.out.error(P("denominatore"), f"il denominatore dell'azione «{code}» è zero: il rapporto non si può calcolare", "correggi il denominatore, o togli la riga se il dato non è ancora disponibile")
            if raw.valore is not None:
                self.out.error(P("valore"), "scrivi o il valore o il rapporto numeratore/denominatore, non entrambi", "togli `valore`: è calcolato dal rapporto")

    def _misura(self, doc: Document, loc: Loc, a: Azione, raw: object, anno: int, rilevata: dt.date) -> Misura | None:
        """A measured value with its optional extras (fonte, evidenza, scostamento)."""
        m = self._misura_valore(doc, loc, a, raw, anno, rilevata)
        if m is None or not isinstance(raw, S.MisuraYaml):
            return m
        if raw.evidenza is not None and not link_sicuro(raw.evidenza):
            self.out.error(
                doc.pos(loc + ("evidenza",)),
                f"«evidenza» deve essere un indirizzo https:// o un percorso nel sito, trovato {S.describe(raw.evidenza)}",
                'scrivi ad esempio `evidenza: "https://www.ente.it/documenti/report-2021.pdf"`',
            )
            return None
        scost = None
        if raw.scostamento is not None:
            sc = raw.scostamento
            scost = Scostamento(sc.causa, sc.descrizione, sc.azione_correttiva, pos=doc.field_positions(loc + ("scostamento",), sc.model_fields_set))
        return replace(m, fonte=raw.fonte, evidenza=raw.evidenza, scostamento=scost)

    def _misura_valore(self, doc: Document, loc: Loc, a: Azione, raw: object, anno: int, rilevata: dt.date) -> Misura | None:
        detail = raw if isinstance(raw, S.MisuraYaml) else S.MisuraYaml(valore=raw) if raw is not None else S.MisuraYaml()
        vloc = loc + ("valore",) if isinstance(raw, S.MisuraYaml) else loc

        def P(name: str) -> Pos:
            return doc.pos(loc + (name,))

        pos = doc.field_positions(loc, detail.model_fields_set) if isinstance(raw, S.MisuraYaml) else {"": doc.pos(loc), "valore": doc.pos(loc)}
        ok = True
        if a.tipo == "qualitativo":
            if detail.esito is None:
                found = S.describe(detail.valore) if detail.valore is not None or isinstance(raw, S.MisuraYaml) else "un valore vuoto"
                self.out.error(
                    doc.pos(vloc),
                    f"l'azione «{a.codice}» è qualitativa: serve il giudizio «esito» con una «nota», trovato {found}",
                    f'scrivi ad esempio `"{a.codice}": {{esito: 80%, nota: "piano attuato in parte"}}`',
                )
                return None
            if not detail.nota:
                self.out.error(
                    doc.pos(loc),
                    f"manca la «nota»: il giudizio dell'azione qualitativa «{a.codice}» va motivato",
                    f'aggiungi la motivazione, ad esempio `"{a.codice}": {{esito: {fmt_pct(detail.esito)}, nota: "piano attuato in parte"}}`',
                )
                ok = False
            if not (0 <= detail.esito <= HUNDRED):
                self.out.error(P("esito"), f"l'esito deve essere tra 0% e 100%, trovato {fmt_pct(detail.esito)}", "scrivi ad esempio `esito: 80%`")
                ok = False
            if detail.valore is not None or detail.numeratore is not None:
                self.out.error(doc.pos(loc), "per un'azione qualitativa si scrive solo «esito» e «nota»", "togli `valore`/`numeratore`/`denominatore`")
                ok = False
            return Misura(a.codice, detail.esito, detail.nota, pos=pos) if ok else None
        if detail.esito is not None:
            self.out.error(
                P("esito"),
                f"«esito» vale solo per le azioni qualitative; l'azione «{a.codice}» è di tipo {a.tipo}",
                f'scrivi il valore misurato al posto del giudizio: `"{a.codice}": {{valore: …, nota: "…"}}`, oppure solo `"{a.codice}": …`',
            )
            return None
        if detail.numeratore is not None or detail.denominatore is not None:
            if a.tipo not in ("percentuale", "numero"):
                example = {"data": f"{anno}-06-10", "si_no": "si"}.get(a.tipo, "…")
                self.out.error(
                    doc.pos(loc),
                    f"un rapporto numeratore/denominatore non vale per l'azione «{a.codice}», di tipo {a.tipo}",
                    f'scrivi direttamente il valore, ad esempio `"{a.codice}": {example}`',
                )
                return None
            if detail.numeratore is None or detail.denominatore is None:
                missing = "numeratore" if detail.numeratore is None else "denominatore"
                self.out.error(
                    doc.pos(loc),
                    f"manca il «{missing}»: un rapporto ha sia numeratore sia denominatore",
                    f"aggiungi il {missing}, ad esempio `{{numeratore: 30, denominatore: 40}}`; oppure scrivi solo il valore calcolato",
                )
                return None
            if detail.valore is not None:
                self.out.error(P("valore"), "scrivi o il valore o il rapporto numeratore/denominatore, non entrambi", "togli `valore`: è calcolato dal rapporto")
                return None
            if detail.denominatore == 0:
                self.out.error(P("denominatore"), f"il denominatore dell'azione «{a.codice}» è zero: il rapporto non si può calcolare", "correggi il denominatore, o togli la riga se il dato non è ancora disponibile")
                return None
            ratio = detail.numeratore / detail.denominatore
            value = ratio * HUNDRED if a.tipo == "percentuale" else ratio
            if value.adjusted() >= CIFRE_INTERE:
                self.out.error(
                    doc.pos(loc),
                    f"il rapporto numeratore/denominatore dell'azione «{a.codice}» è troppo grande (più di {CIFRE_INTERE} cifre)",
                    "controlla numeratore e denominatore: forse sono scambiati, o il denominatore ha troppi zeri dopo la virgola",
                )
                return None
            return Misura(a.codice, value, detail.nota, detail.numeratore, detail.denominatore, pos=pos)
        if detail.valore is None:
            if a.tipo == "data":
                return Misura(a.codice, None, detail.nota, pos=pos)
            self.out.error(doc.pos(vloc), f"manca il valore misurato dell'azione «{a.codice}»", "scrivi il valore, oppure togli la riga se l'azione non è ancora misurata")
            return None
        got = interpret(a.tipo, detail.valore, anno, "valore", deadline_names=False)
        if isinstance(got, Problema):
            hint = got.hint.replace("`valore: ", f'`"{a.codice}": ')
            if a.tipo == "data":
                hint = (
                    f'scrivi la data in cui l\'azione è stata completata, ad esempio `"{a.codice}": {anno}-06-10`; '
                    f'se non è ancora completata: `"{a.codice}": {{valore: null, nota: "…"}}`'
                )
            self.out.error(doc.pos(vloc), got.message.replace("«valore»", f"il valore dell'azione «{a.codice}» ({a.tipo})"), hint)
            return None
        if isinstance(got, dt.date) and got > rilevata:
            self.out.error(
                doc.pos(vloc),
                f"l'azione «{a.codice}» risulta completata il {got.isoformat()}, dopo la data della rilevazione ({rilevata.isoformat()})",
                f"una rilevazione riporta solo ciò che è già avvenuto: correggi la data, oppure, se l'azione non è ancora completata, "
                f'scrivi `"{a.codice}": {{valore: null, nota: "…"}}`',
            )
            return None
        return Misura(a.codice, got, detail.nota, pos=pos)


def _primo(a: Azione) -> str:
    """The first key of a value's mapping form for ``a`` (for hints)."""
    return "esito: …, nota: \"…\"" if a.tipo == "qualitativo" else "valore: …"

"""Bonus data (*premi*): the model, and what may be published without identifying anyone.

D.Lgs. 33/2013, art. 20 asks every body to publish, under "Performance",
the *Ammontare complessivo dei premi* (how much was set aside for
performance bonuses and how much was actually paid) and the *Dati relativi
ai premi* (how bonuses were distributed among staff categories, in
aggregate, and how differentiated they were). The numbers come from the
personnel office, not from the plan, so they live in their own optional
file per year, checked by :mod:`generator.validate` like the plan (shape:
``schema.PremiYaml``, JSON Schema ``schemas/premi.schema.json``)::

    # yaml-language-server: $schema=../schemas/premi.schema.json
    anno: 2021
    stanziato: 150000          # euro destinati alla premialità (fondo)
    distribuito: 142300        # euro effettivamente distribuiti
    nota: "Importi lordi, al netto degli oneri a carico dell'ente."
    minimo_destinatari: 3      # facoltativo: predefinito 3, si può solo alzare
    categorie:                 # facoltativo: dati per categoria di personale
      - nome: Personale non dirigente
        dipendenti: 40         # personale in servizio nella categoria
        destinatari: 38        # quanti hanno ricevuto un premio
        stanziato: 120000
        distribuito: 113200
        premio_minimo: 1800    # facoltativi: differenziazione dei premi
        premio_massimo: 4100

**Confidentiality** (the privacy authority's guidance on transparency: no
published figure may reveal one person's pay). A category with fewer than
``minimo_destinatari`` recipients (1 or 2 by default) publishes its head
counts but none of its amounts: not the minimum or maximum bonus (with two
recipients, they *are* the two bonuses), not the average, and not the
category's total paid or allotted (dividing it by the head count gives the
average, and with one recipient the bonus itself). Hiding one category is
not enough when the year's total is published (it must be): the missing
amount would be the total minus the other categories. So the totals of the
next smallest categories are hidden as well ("complementary suppression")
until the hidden categories together have at least ``minimo_destinatari``
recipients: what a reader can then work out is the average over a group
that large, which identifies no one. A category whose head count is not
given is treated as small: nothing guarantees it is not.

:func:`pubblicabili` applies the rule once; pages and every other output
only ever see its result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .diagnostics import Pos

CARTELLA = "premi"
MINIMO_DESTINATARI = 3

def non_pubblicato(minimo: int) -> str:
    """What the pages say in place of a hidden figure."""
    return f"dato non pubblicato per tutela della riservatezza (meno di {minimo} destinatari)"


@dataclass(frozen=True, slots=True)
class Categoria:
    nome: str
    dipendenti: int | None
    destinatari: int | None
    stanziato: Decimal | None
    distribuito: Decimal | None
    premio_minimo: Decimal | None
    premio_massimo: Decimal | None
    nota: str | None
    pos: Mapping[str, Pos] = field(default_factory=dict, compare=False, repr=False)

    @property
    def quota_destinatari(self) -> Decimal | None:
        """Share of the category's staff who received a bonus, in points (0–100)."""
        if self.destinatari is None or not self.dipendenti:
            return None
        return Decimal(self.destinatari) * 100 / self.dipendenti


@dataclass(frozen=True, slots=True)
class Premi:
    anno: int
    stanziato: Decimal
    distribuito: Decimal | None
    nota: str | None
    categorie: tuple[Categoria, ...]
    file: str = ""
    esempio: bool = False
    minimo_destinatari: int = MINIMO_DESTINATARI
    pos: Mapping[str, Pos] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class CategoriaPubblica:
    """One category as it may be published: hidden amounts are None.

    ``riservata``: the category itself is too small (every amount hidden);
    ``complementare``: its totals are hidden so that a small category's
    cannot be worked out by difference (its minimum and maximum stay).
    """

    nome: str
    dipendenti: int | None
    destinatari: int | None
    quota_destinatari: Decimal | None
    stanziato: Decimal | None
    distribuito: Decimal | None
    premio_medio: Decimal | None
    premio_minimo: Decimal | None
    premio_massimo: Decimal | None
    nota: str | None
    riservata: bool = False
    complementare: bool = False

    @property
    def nascosti(self) -> bool:
        return self.riservata or self.complementare


def piccola(c: Categoria, minimo: int) -> bool:
    """Too few recipients to publish any amount (unknown counts as too few).

    A category nobody received a bonus in (0 recipients) has nothing to hide.
    """
    if c.destinatari is None:
        return any(v is not None for v in (c.stanziato, c.distribuito, c.premio_minimo, c.premio_massimo))
    return 0 < c.destinatari < minimo


def complementari(premi: Premi) -> tuple[int, ...]:
    """Indexes of the categories whose totals are hidden to protect a small one.

    The smallest published categories (by recipients, then by position)
    join the hidden ones until the hidden group has at least the minimum
    number of recipients, or there is nothing left to hide.
    """
    m = premi.minimo_destinatari
    piccole = [i for i, c in enumerate(premi.categorie) if piccola(c, m)]
    if not piccole:
        return ()
    gruppo = sum(premi.categorie[i].destinatari or 0 for i in piccole)
    altre = sorted(
        (c.destinatari or 0, i)
        for i, c in enumerate(premi.categorie)
        if i not in piccole and (c.stanziato is not None or c.distribuito is not None)
    )
    out: list[int] = []
    for n, i in altre:
        if gruppo >= m:
            break  # what subtraction gives is now an average over enough people
        out.append(i)
        gruppo += n
    return tuple(sorted(out))


def pubblicabili(premi: Premi) -> tuple[CategoriaPubblica, ...]:
    """Every category with the figures that may be published (the one place the rule is applied)."""
    m = premi.minimo_destinatari
    extra = set(complementari(premi))
    out = []
    for i, c in enumerate(premi.categorie):
        riservata = piccola(c, m)
        totali = not riservata and i not in extra
        medio = c.distribuito / c.destinatari if totali and c.distribuito is not None and c.destinatari else None
        out.append(
            CategoriaPubblica(
                nome=c.nome,
                dipendenti=c.dipendenti,
                destinatari=c.destinatari,
                quota_destinatari=c.quota_destinatari,
                stanziato=c.stanziato if totali else None,
                distribuito=c.distribuito if totali else None,
                premio_medio=medio,
                premio_minimo=None if riservata else c.premio_minimo,
                premio_massimo=None if riservata else c.premio_massimo,
                nota=c.nota,
                riservata=riservata,
                complementare=i in extra,
            )
        )
    return tuple(out)


def avvisi_riservatezza(premi: Premi) -> list[tuple[int, str, str]]:
    """(category index, message, hint) for each category whose figures will be hidden."""
    m = premi.minimo_destinatari
    out = []
    for i, c in enumerate(premi.categorie):
        if piccola(c, m):
            quanti = "non indica i destinatari" if c.destinatari is None else f"ha {c.destinatari} destinatari, meno di {m}"
            out.append((
                i,
                f"la categoria «{c.nome}» {quanti}: il sito non pubblicherà i suoi importi (stanziato, distribuito, "
                "premio medio, minimo e massimo), perché con così pochi destinatari rivelerebbero il premio di ciascuno",
                "è corretto così se la categoria è davvero così piccola (tutela della riservatezza); per pubblicare dati "
                "aggregati unisci la categoria a un'altra, ad esempio «Dirigenti e posizioni organizzative»"
                + ("; altrimenti indica `destinatari`" if c.destinatari is None else ""),
            ))
    for i in complementari(premi):
        c = premi.categorie[i]
        out.append((
            i,
            f"il sito non pubblicherà lo stanziato, il distribuito e il premio medio della categoria «{c.nome}»: "
            "dal totale dell'anno meno questi importi si ricaverebbero quelli di una categoria con meno di "
            f"{m} destinatari (il premio minimo e massimo restano pubblicati)",
            "è corretto così (tutela della riservatezza); per evitarlo unisci la categoria piccola a un'altra",
        ))
    return sorted(out)


__all__ = [
    "CARTELLA",
    "MINIMO_DESTINATARI",
    "Categoria",
    "CategoriaPubblica",
    "Premi",
    "avvisi_riservatezza",
    "complementari",
    "non_pubblicato",
    "piccola",
    "pubblicabili",
]

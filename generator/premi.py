"""Bonus data (*premi*) for the transparency pages, from ``premi/<anno>.yml``.

D.Lgs. 33/2013, art. 20 asks every body to publish, under "Performance",
the *Ammontare complessivo dei premi* (how much was set aside for
performance bonuses and how much was actually paid) and the *Dati relativi
ai premi* (how bonuses were distributed among staff categories, in
aggregate, and how differentiated they were). The numbers come from the
personnel office, not from the plan, so they live in their own optional
file per year::

    # premi/2021.yml
    anno: 2021
    stanziato: 150000          # euro destinati alla premialità (fondo)
    distribuito: 142300        # euro effettivamente distribuiti
    nota: "Importi lordi, al netto degli oneri a carico dell'ente."
    categorie:                 # facoltativo: dati per categoria di personale
      - nome: Dirigenti
        dipendenti: 2          # personale in servizio nella categoria
        destinatari: 2         # quanti hanno ricevuto un premio
        stanziato: 30000
        distribuito: 29100
        premio_minimo: 14000   # facoltativi: differenziazione dei premi
        premio_massimo: 15100
      - nome: Personale non dirigente
        dipendenti: 40
        destinatari: 38
        stanziato: 120000
        distribuito: 113200

Amounts are euro (numbers, decimals allowed); counts are whole numbers.
The file is checked like the plan (same positions and Italian messages):
unknown keys, wrong types, negative amounts, more recipients than staff,
a year that does not match the file name.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .diagnostics import Diagnostic, Pos, ValidationFailed
from .source import SourceError, load

CARTELLA = "premi"

Importo = Annotated[Decimal, Field(strict=False, ge=0)]
Conteggio = Annotated[int, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class CategoriaYaml(_Strict):
    nome: str = Field(min_length=1)
    dipendenti: Conteggio | None = None
    destinatari: Conteggio | None = None
    stanziato: Importo | None = None
    distribuito: Importo | None = None
    premio_minimo: Importo | None = None
    premio_massimo: Importo | None = None
    nota: str | None = None


class PremiYaml(_Strict):
    """A bonus file, ``premi/<anno>.yml``."""

    model_config = ConfigDict(title="Premi (D.Lgs. 33/2013, art. 20)")
    anno: int
    stanziato: Importo
    distribuito: Importo | None = None
    nota: str | None = None
    categorie: list[CategoriaYaml] = Field(default_factory=list)


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

    @property
    def premio_medio(self) -> Decimal | None:
        """Average bonus per recipient (what art. 20 calls the *entità media*)."""
        if self.distribuito is None or not self.destinatari:
            return None
        return self.distribuito / self.destinatari

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
    file: str


def _shape(err: ValidationError, doc: Any) -> list[Diagnostic]:
    from .validate import shape_diagnostics  # the validator's Italian mapping of pydantic errors

    return shape_diagnostics(err, doc, PremiYaml)


def load_premi(root: Path) -> tuple[dict[int, Premi], list[Diagnostic]]:
    """Every ``premi/<anno>.yml`` under ``root`` by year, and the warnings.

    Raises :class:`ValidationFailed` with every problem found (positioned)
    when there is at least one error. No folder means no data: the pages
    then say that the figures have not been published.
    """
    base = root / CARTELLA
    if not base.is_dir():
        return {}, []
    diags: list[Diagnostic] = []
    out: dict[int, Premi] = {}
    for path in sorted(p for p in base.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file()):
        display = path.relative_to(root).as_posix()
        try:
            doc = load(path, display)
        except SourceError as err:
            diags.extend(err.diagnostics)
            continue
        if not isinstance(doc.data, dict):
            diags.append(Diagnostic(doc.pos(()), "il file deve contenere un gruppo di campi «nome: valore»", "il file inizia con `anno:`"))
            continue
        try:
            y = PremiYaml.model_validate(doc.data)
        except ValidationError as err:
            diags.extend(_shape(err, doc))
            continue
        before = len(diags)
        if path.stem != str(y.anno):
            diags.append(Diagnostic(doc.pos(("anno",)), f"il file si chiama «{path.name}» ma i premi sono dell'anno {y.anno}", f"rinomina il file in `premi/{y.anno}.yml` o correggi `anno`"))
        if y.distribuito is not None and y.distribuito > y.stanziato:
            diags.append(Diagnostic(doc.pos(("distribuito",)), "l'importo distribuito supera quello stanziato", "controlla i due importi", "avviso"))
        for i, c in enumerate(y.categorie):
            loc = ("categorie", i)
            if c.destinatari is not None and c.dipendenti is not None and c.destinatari > c.dipendenti:
                diags.append(Diagnostic(doc.pos(loc + ("destinatari",)), f"i destinatari ({c.destinatari}) sono più dei dipendenti della categoria ({c.dipendenti})", "controlla i due numeri"))
            if c.premio_minimo is not None and c.premio_massimo is not None and c.premio_minimo > c.premio_massimo:
                diags.append(Diagnostic(doc.pos(loc + ("premio_minimo",)), "il premio minimo supera il premio massimo", "scambia i due valori"))
        if y.anno in out:
            diags.append(Diagnostic(doc.pos(("anno",)), f"esistono già i premi dell'anno {y.anno} ({out[y.anno].file})", "un solo file per anno"))
        if any(d.is_error for d in diags[before:]):
            continue
        out[y.anno] = Premi(
            anno=y.anno,
            stanziato=y.stanziato,
            distribuito=y.distribuito,
            nota=y.nota,
            categorie=tuple(
                Categoria(c.nome, c.dipendenti, c.destinatari, c.stanziato, c.distribuito, c.premio_minimo, c.premio_massimo, c.nota)
                for c in y.categorie
            ),
            file=display,
        )
    if any(d.is_error for d in diags):
        raise ValidationFailed(diags)
    return dict(sorted(out.items())), diags


__all__ = ["Categoria", "Pos", "Premi", "PremiYaml", "load_premi"]

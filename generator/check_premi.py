"""The bonus data's rules: what a ``premi/<anno>.yml`` must satisfy beyond its shape.

Its shape is ``schema.PremiYaml`` (JSON Schema ``schemas/premi.schema.json``);
here are the rules between values (recipients within head counts, minimum
within maximum bonus, the file named by its year) and the build of the
frozen :class:`~generator.premi.Premi`. What may be published of it is
:mod:`generator.premi`'s rule.
"""

from __future__ import annotations

from pathlib import Path

from . import schema as S
from .diagnostics import Collector
from .premi import Categoria, Premi, avvisi_riservatezza
from .source import Document, Loc


def check_premi(out: Collector, doc: Document, y: S.PremiYaml) -> Premi | None:
    """The bonus data of ``doc`` (already of the right shape, ``y``), or None if it has errors.

    Its problems, and the confidentiality warnings at each category's line
    (:func:`generator.premi.avvisi_riservatezza`), are added to ``out``.
    """
    before = out.n_errors
    P = doc.pos
    name = Path(doc.path).name
    if Path(doc.path).stem != str(y.anno):
        out.error(P(("anno",)), f"il file si chiama «{name}» ma i premi sono dell'anno {y.anno}", f"rinomina il file in `premi/{y.anno}.yml` o correggi `anno`")
    if y.distribuito is not None and y.distribuito > y.stanziato:
        out.warn(P(("distribuito",)), "l'importo distribuito supera quello stanziato", "controlla i due importi")
    for i, c in enumerate(y.categorie):
        loc: Loc = ("categorie", i)
        if c.destinatari is not None and c.dipendenti is not None and c.destinatari > c.dipendenti:
            out.error(P(loc + ("destinatari",)), f"i destinatari ({c.destinatari}) sono più dei dipendenti della categoria ({c.dipendenti})", "controlla i due numeri")
        if c.premio_minimo is not None and c.premio_massimo is not None and c.premio_minimo > c.premio_massimo:
            out.error(P(loc + ("premio_minimo",)), "il premio minimo supera il premio massimo", "scambia i due valori")
    if out.n_errors > before:
        return None
    premi = Premi(
        anno=y.anno,
        stanziato=y.stanziato,
        distribuito=y.distribuito,
        nota=y.nota,
        categorie=tuple(
            Categoria(
                c.nome, c.dipendenti, c.destinatari, c.stanziato, c.distribuito, c.premio_minimo, c.premio_massimo, c.nota,
                pos=doc.field_positions(("categorie", i), c.model_fields_set),
            )
            for i, c in enumerate(y.categorie)
        ),
        file=doc.path,
        esempio=y.esempio,
        minimo_destinatari=y.minimo_destinatari,
        pos=doc.field_positions((), y.model_fields_set),
    )
    for i, message, hint in avvisi_riservatezza(premi):
        out.warn(P(("categorie", i)), message, hint)
    return premi

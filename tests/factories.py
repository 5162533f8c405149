"""Small builders of validated model objects for the scoring and open-data tests.

They accept the short forms a test wants to write (``3``, ``"45.5"``,
``"2021-06-30"``) and produce the typed values the validator would
(``Decimal``, ``date``), so the tests can run without YAML or the validator.
Defaults describe a tiny, valid plan: weights that sum to 100, one
perspective, year 2021.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from generator.model import (
    Azione,
    Misura,
    ObiettivoOperativo,
    ObiettivoStrategico,
    Piano,
    Progetto,
    Prospettiva,
    Rilevazione,
    Smvp,
)

ANNO = 2021


def valore(v):
    """Short form -> model value: bool stays, ISO string -> date, number -> Decimal."""
    if v is None or isinstance(v, (bool, dt.date, Decimal)):
        return v
    if isinstance(v, str) and len(v) == 10 and v[4] == "-":
        return dt.date.fromisoformat(v)
    return Decimal(str(v))


def azione(
    codice: str = "1.1.1",
    *,
    tipo: str = "numero",
    target=3,
    soglia_80=None,
    soglia_60=None,
    verso: str | None = None,
    peso=100,
    titolo: str | None = None,
    unita: str | None = None,
    pira: bool = False,
    responsabile: tuple[str, ...] = ("sg",),
) -> Azione:
    if verso is None:
        verso = "decrescente" if tipo == "data" else "crescente"
    if tipo == "si_no" and target == 3:
        target = True
    if tipo == "qualitativo":
        target = None
    return Azione(
        codice=codice,
        titolo=titolo or f"Azione {codice}",
        peso=Decimal(str(peso)),
        indicatore=f"indicatore dell'azione {codice}",
        tipo=tipo,  # type: ignore[arg-type]
        verso=verso,  # type: ignore[arg-type]
        target=valore(target),
        soglia_80=valore(soglia_80),
        soglia_60=valore(soglia_60),
        unita=unita,
        pira=pira,
        responsabile=tuple(responsabile),
    )


def operativo(codice: str = "1.1", azioni: Iterable[Azione] = (), *, peso=100) -> ObiettivoOperativo:
    azioni = tuple(azioni) or (azione(f"{codice}.1"),)
    return ObiettivoOperativo(
        codice=codice,
        titolo=f"Obiettivo operativo {codice}",
        peso=Decimal(str(peso)),
        indicatore="ponderazione",
        azioni=azioni,
    )


def strategico(
    codice: str = "1",
    operativi: Iterable[ObiettivoOperativo] = (),
    *,
    target=80,
    prospettiva: str = "p1",
) -> ObiettivoStrategico:
    operativi = tuple(operativi) or (operativo(f"{codice}.1"),)
    targets = {} if target is None else {ANNO: Decimal(str(target)), ANNO + 1: Decimal(str(target))}
    return ObiettivoStrategico(
        codice=codice,
        titolo=f"Obiettivo strategico {codice}",
        indicatore="ponderazione",
        target=targets,
        obiettivi_operativi=operativi,
        prospettiva=prospettiva,
    )


def prospettiva(id: str = "p1", strategici: Iterable[ObiettivoStrategico] = ()) -> Prospettiva:
    strategici = tuple(strategici) or (strategico(prospettiva=id),)
    return Prospettiva(id=id, nome=f"Prospettiva {id}", obiettivi_strategici=strategici)


def piano(prospettive: Iterable[Prospettiva] = (), *, metodo: str = "fasce", anno: int = ANNO, smvp: Smvp | None = None) -> Piano:
    prospettive = tuple(prospettive) or (prospettiva(),)
    return Piano(
        smvp=smvp or Smvp(),
        ente="Ente di prova",
        titolo=f"Piano della Performance {anno}-{anno + 2}",
        anno=anno,
        triennio=(anno, anno + 1, anno + 2),
        metodo=metodo,  # type: ignore[arg-type]
        strutture={"sg": "Segretario Generale", "uo": 'U.O. "Prova"'},
        prospettive=prospettive,
    )


def piano_di_azioni(*azioni: Azione, metodo: str = "fasce") -> Piano:
    """A plan whose only operational objective holds the given actions."""
    return piano([prospettiva("p1", [strategico("1", [operativo("1.1", azioni)])])], metodo=metodo)


def misura(codice: str, v, nota: str | None = None) -> Misura:
    return Misura(codice=codice, valore=valore(v), nota=nota)


def rilevazione(data="2021-12-31", valori: dict | None = None, *, tipo: str | None = None, esempio=True, anno=ANNO):
    data = valore(data)
    if tipo is None:
        tipo = "consuntivo" if (data.month, data.day) == (12, 31) else "monitoraggio"
    misure = {}
    for codice, v in (valori or {}).items():
        misure[codice] = v if isinstance(v, Misura) else misura(codice, v)
    return Rilevazione(piano=anno, data=data, tipo=tipo, esempio=esempio, valori=misure)  # type: ignore[arg-type]


def progetto(piani: Iterable[Piano], rilevazioni: Iterable[Rilevazione]) -> Progetto:
    return Progetto(
        piani={p.anno: p for p in piani},
        rilevazioni=tuple(sorted(rilevazioni, key=lambda r: (r.data, r.piano))),
    )


def piano_esempio(metodo: str = "fasce") -> Piano:
    """A plan with every kind of KPI, two perspectives, uneven weights."""
    return piano(
        [
            prospettiva(
                "tessuto-economico",
                [
                    strategico(
                        "1",
                        [
                            operativo(
                                "1.1",
                                [
                                    azione("1.1.1", target=3, soglia_80=2, soglia_60=1, peso=50),
                                    azione("1.1.2", target=400, soglia_80=350, soglia_60=250, peso=50),
                                ],
                                peso=40,
                            ),
                            operativo(
                                "1.2",
                                [
                                    azione(
                                        "1.2.1", tipo="percentuale", target=55, soglia_80=45, soglia_60=40,
                                        peso=60, responsabile=("sg", "uo"), pira=True,
                                    ),
                                    azione(
                                        "1.2.2", tipo="data", target="2021-05-31", soglia_80="2021-06-30",
                                        soglia_60="2021-07-31", peso=40,
                                    ),
                                ],
                                peso=60,
                            ),
                        ],
                        target=80,
                        prospettiva="tessuto-economico",
                    ),
                ],
            ),
            prospettiva(
                "efficienza",
                [
                    strategico(
                        "2",
                        [
                            operativo(
                                "2.1",
                                [
                                    azione("2.1.1", tipo="numero", target=26, soglia_80=28, soglia_60=29,
                                           verso="decrescente", peso=30, unita="gg", responsabile=()),
                                    azione("2.1.2", tipo="si_no", peso=30),
                                    azione("2.1.3", tipo="qualitativo", peso=40),
                                ],
                                peso=100,
                            ),
                        ],
                        target=90,
                        prospettiva="efficienza",
                    ),
                    strategico(
                        "3",
                        [operativo("3.1", [azione("3.1.1", target=10, peso=100)], peso=100)],
                        target=None,
                        prospettiva="efficienza",
                    ),
                ],
            ),
        ],
        metodo=metodo,
    )

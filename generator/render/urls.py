"""The site's URL scheme: where every generated page and chart lives.

Paths are relative to the docs directory (what MkDocs calls ``src_uri``).
Every page about one thing is an ``index.md`` in its own folder, so its URL
is the folder (``/piano/2021/obiettivi/1.1/``) with or without ``use_directory_urls``
and its charts sit next to it::

    index.md                          Home
    performance/index.md              Performance (landing of the five sub-sections)
    performance/smvp.md               Sistema di misurazione e valutazione della Performance
    performance/premi.md              Ammontare complessivo dei premi
    performance/dati-premi.md         Dati relativi ai premi
    performance/archivio.md           Archivio (anni oltre i cinque di pubblicazione obbligatoria)
    performance/pira.md               Indicatori di bilancio (PIRA)
    piano/index.md                    Piano della Performance (every year)
    piano/<anno>/index.md             the plan of one year: the whole tree
    piano/<anno>/obiettivi/<codice>/index.md
                                      one strategic ("1") or operational ("1.1")
                                      objective, with its results; actions are
                                      sections of their operational objective
                                      (``#azione-1.1.1``)
    relazione/index.md                Relazione sulla Performance (every year)
    relazione/<anno>/index.md         the results of one year
    piano/<anno>/piano-della-performance-<anno>.pdf
    relazione/<anno>/relazione-sulla-performance-<anno>.pdf
                                      the PDF editions (generator.render.pdf)
    strutture/index.md                responsible units
    strutture/<id>.md                 one unit: its actions and results
    dati-aperti.md                    downloads
    opendata/<anno>/…                 the open-data files
    grafici/<anno>/…                  charts of whole-plan pages (home, relazione)

Codes and ids are validated (digits and dots; lowercase letters, digits and
dashes), so they are safe in paths; :func:`_segment` re-checks anyway.
"""

from __future__ import annotations

import functools
import posixpath
import re

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")

HOME = "index.md"
PERFORMANCE = "performance/index.md"
SMVP = "performance/smvp.md"
PREMI = "performance/premi.md"
DATI_PREMI = "performance/dati-premi.md"
ARCHIVIO = "performance/archivio.md"
PIRA = "performance/pira.md"
PIANI = "piano/index.md"
RELAZIONI = "relazione/index.md"
STRUTTURE = "strutture/index.md"
DATI_APERTI = "dati-aperti.md"


def _segment(value: object) -> str:
    text = str(value)
    if not _SAFE.match(text) or ".." in text:
        raise ValueError(f"unsafe path segment {text!r}")
    return text


def piano(anno: int) -> str:
    return f"piano/{_segment(anno)}/index.md"


def obiettivo(anno: int, codice: str) -> str:
    return f"piano/{_segment(anno)}/obiettivi/{_segment(codice)}/index.md"


def ancora_azione(codice: str) -> str:
    return "azione-" + _segment(codice)


def azione(anno: int, codice: str) -> tuple[str, str]:
    """(page, anchor) of an action: a section of its operational objective."""
    operativo = codice.rsplit(".", 1)[0]
    return obiettivo(anno, operativo), ancora_azione(codice)


def relazione(anno: int) -> str:
    return f"relazione/{_segment(anno)}/index.md"


def pdf_piano(anno: int) -> str:
    """The Piano's PDF edition, next to the plan's page."""
    return f"piano/{_segment(anno)}/piano-della-performance-{_segment(anno)}.pdf"


def pdf_relazione(anno: int) -> str:
    """The Relazione's PDF edition, next to its page."""
    return f"relazione/{_segment(anno)}/relazione-sulla-performance-{_segment(anno)}.pdf"


def struttura(id: str) -> str:
    return f"strutture/{_segment(id)}.md"


def grafico(pagina: str, nome: str) -> str:
    """A chart next to its page (``piano/2021/obiettivi/1.1/azioni.svg``)."""
    return posixpath.join(posixpath.dirname(pagina), _segment(nome) + ".svg")


def grafico_anno(anno: int, nome: str) -> str:
    """A chart shared by several whole-plan pages (home, relazione)."""
    return f"grafici/{_segment(anno)}/{_segment(nome)}.svg"


def opendata(anno: int, nome: str) -> str:
    return f"opendata/{_segment(anno)}/{nome}"


def link(da: str, a: str, ancora: str | None = None) -> str:
    """Relative Markdown link from page ``da`` to docs file ``a`` (MkDocs resolves .md)."""
    rel = _relpath(a, posixpath.dirname(da) or ".")
    return rel + (f"#{ancora}" if ancora else "")


@functools.lru_cache(maxsize=65536)
def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath``, memoised: a page links the same few targets many times."""
    return posixpath.relpath(path, start)


def output_dir(pagina: str, use_directory_urls: bool) -> str:
    """The folder a page's HTML ends up in (what relative URLs in raw HTML resolve against)."""
    base = posixpath.dirname(pagina)
    if not use_directory_urls or posixpath.basename(pagina) in ("index.md", "README.md"):
        return base
    return posixpath.join(base, posixpath.splitext(posixpath.basename(pagina))[0])


def src(pagina: str, file: str, use_directory_urls: bool) -> str:
    """URL of ``file`` for an ``<img src>`` in raw HTML on ``pagina`` (not rewritten by MkDocs)."""
    return _relpath(file, output_dir(pagina, use_directory_urls) or ".")

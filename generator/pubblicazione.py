"""When each transparency obligation was published and last updated, and the five-year archive.

The attestation grid scores every obligation on *timeliness*, so each of the
five "Performance" pages (and each year's Piano and Relazione) says when it
was published and when it last changed. Both dates come from git, never from
the clock: "Pubblicato il" is the date of the first commit that added any of
the input files the page shows, "Ultimo aggiornamento" the date of the latest
commit that changed one of them (committer dates, UTC). A file not committed
yet has no date; outside git no page has dates. Two builds of the same commit
therefore print the same dates on any day, in any time zone.

Which files a page shows (:func:`file_pagine`):

| page | input files |
|---|---|
| SMVP, Piano della Performance (landing) | every ``plan/*.yml`` |
| Piano <anno> | ``plan/<anno>.yml`` |
| Relazione sulla Performance (landing) | every measurement file and ``relazione/**`` |
| Relazione <anno> | the year's measurement files and ``relazione/<anno>/**`` |
| Ammontare complessivo / Dati relativi ai premi | every ``premi/*.yml`` |

**Archive** (D.Lgs. 33/2013, art. 8, c. 3): data stay published for five
years from 1 January of the year after their publication. A plan year whose
Piano and Relazione were (last) published in year *Y* stays "current" until
31 December of *Y* + 5; from 1 January of *Y* + 6 it moves to the archive.
"Today" is the date of the latest data (the latest input commit or
measurement date), never the clock, so the same commit always builds the same
site. Archived years keep their pages at the same URLs; they are only left
out of the home page's summary and of the navigation's year lists, and
listed on the "Archivio" page instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .model import Progetto
from .provenance import Storia
from .render import urls

#: Folder of the per-year Relazione files (see the data contract).
RELAZIONE = "relazione"
#: Years data stay published, from 1 January of the year after publication.
ANNI_OBBLIGO = 5


@dataclass(frozen=True, slots=True)
class Date:
    """Publication ("Pubblicato il") and latest update ("Ultimo aggiornamento") of one page."""

    pubblicato: dt.date | None
    aggiornato: dt.date | None

    def json(self) -> dict[str, str | None]:
        return {
            "pubblicato": None if self.pubblicato is None else self.pubblicato.isoformat(),
            "aggiornato": None if self.aggiornato is None else self.aggiornato.isoformat(),
        }


NESSUNA = Date(None, None)


def date_di(storia: Storia, files: Iterable[str]) -> Date:
    """First and latest commit among ``files`` (files without history are ignored)."""
    primi = [p for f in files if (p := storia.primo.get(f)) is not None]
    ultimi = [u for f in files if (u := storia.ultimo.get(f)) is not None]
    return Date(min(primi, default=None), max(ultimi, default=None))


def file_relazione(root: Path, anno: int | None = None) -> list[str]:
    """Files under ``relazione/`` (or ``relazione/<anno>/``), repository-relative."""
    base = root / RELAZIONE / ("" if anno is None else str(anno))
    if not base.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in base.rglob("*") if p.is_file() and not p.name.startswith("."))


def file_pagine(root: Path, progetto: Progetto) -> dict[str, list[str]]:
    """Docs path of each obligation page -> the input files it shows."""
    piani = sorted(p.file for p in progetto.piani.values())
    misure = sorted(r.file for r in progetto.rilevazioni)
    premi = sorted(p.file for p in progetto.premi.values())
    out = {
        urls.SMVP: piani,
        urls.PIANI: piani,
        urls.RELAZIONI: misure + file_relazione(root),
        urls.PREMI: premi,
        urls.DATI_PREMI: premi,
    }
    for anno, piano in progetto.piani.items():
        out[urls.piano(anno)] = [piano.file]
        out[urls.relazione(anno)] = sorted(r.file for r in progetto.rilevazioni_di(anno)) + file_relazione(root, anno)
    return out


def date_pagine(root: Path, progetto: Progetto, storia: Storia) -> dict[str, Date]:
    """Every obligation page's dates (pages whose files have no history get none)."""
    return {path: d for path, files in file_pagine(root, progetto).items() if (d := date_di(storia, files)) != NESSUNA}


def riferimento(progetto: Progetto, storia: Storia) -> dt.date | None:
    """The "today" of the archive rule: the latest data date (commit or measurement), never the clock."""
    candidati = [*storia.ultimo.values(), *(r.data for r in progetto.rilevazioni)]
    return max(candidati, default=None)


def fine_obbligo(pubblicato: dt.date) -> dt.date:
    """Last day a document published on ``pubblicato`` must stay among the current ones."""
    return dt.date(pubblicato.year + 1 + ANNI_OBBLIGO - 1, 12, 31)


def pubblicazione_anno(date: Mapping[str, Date], anno: int) -> dt.date | None:
    """When a plan year was (last) published: the later of its Piano's and Relazione's publication."""
    quando = [d.pubblicato for p in (urls.piano(anno), urls.relazione(anno)) if (d := date.get(p)) is not None and d.pubblicato]
    return max(quando, default=None)


def archiviati(progetto: Progetto, date: Mapping[str, Date], oggi: dt.date | None) -> dict[int, dt.date]:
    """Plan years past the five-year window -> the last day of their window."""
    if oggi is None:
        return {}
    out = {}
    for anno in sorted(progetto.piani):
        pubblicato = pubblicazione_anno(date, anno)
        if pubblicato is not None and oggi > fine_obbligo(pubblicato):
            out[anno] = fine_obbligo(pubblicato)
    return out


@dataclass(frozen=True)
class Pubblicazione:
    """Everything the pages and open data need: each page's dates and the archive."""

    date: Mapping[str, Date]
    archivio: Mapping[int, dt.date]  # archived year -> end of its five-year window
    oggi: dt.date | None  # the reference date of the archive rule

    def anno(self, anno: int) -> dict[str, object]:
        """The ``pubblicazione`` block of a year's ``performance.json``."""
        return {
            "piano": self.date.get(urls.piano(anno), NESSUNA).json(),
            "relazione": self.date.get(urls.relazione(anno), NESSUNA).json(),
            "archivio": anno in self.archivio,
        }


VUOTA = Pubblicazione({}, {}, None)


def calcola(root: Path, progetto: Progetto, storia: Storia) -> Pubblicazione:
    date = date_pagine(root, progetto, storia)
    oggi = riferimento(progetto, storia)
    return Pubblicazione(date, archiviati(progetto, date, oggi), oggi)


__all__ = [
    "ANNI_OBBLIGO",
    "VUOTA",
    "Date",
    "Pubblicazione",
    "archiviati",
    "calcola",
    "date_di",
    "date_pagine",
    "file_pagine",
    "fine_obbligo",
    "riferimento",
]

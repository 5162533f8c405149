"""The transparency site's pages: scored plan -> page jobs -> Markdown files.

Pure and in memory. :func:`site_jobs` takes the validated project, its
scores and the optional extras (bonus data, provenance, open-data files)
and returns every generated page as a :class:`PageJob`: its path, the exact
data its template receives, and which template renders it; plus the
navigation built from the data. :class:`Renderer` turns a job into the
page's text, a pure function of the job (the environment's filters and
globals are code). Charts are specs inside the jobs (drawn later by
:mod:`generator.render.charts`). Nothing is written here and nothing here
knows about earlier builds: :mod:`generator.incremental` decides which jobs
run, :mod:`generator.build` where their output goes.

Because a job holds everything its template may read, a template can only
show what is in the job: the data a page is built from is passed in full
(the objects the template reads, or a narrower view made for it, never a
handle to read more, like the whole provenance or a closure).

Safety: every page is a Jinja2 template (``templates/``) rendered with the
data passed as *values*; the environment's ``finalize`` hook escapes every
printed value for Markdown and HTML (:mod:`generator.presentation`), so a
template cannot forget to, and a ``{{ }}`` inside a title is just text.
Trusted fragments (links, figures) are built here from escaped parts and
marked :class:`~generator.presentation.Md`.

The URL scheme is in :mod:`generator.render.urls`.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Protocol, TypeAlias
from urllib.parse import quote

import jinja2

from .. import presentation as pres, score as S
from ..cache import VerifiedBytecodeCache
from ..model import (
    Azione,
    CambioPiano,
    ObiettivoOperativo,
    ObiettivoStrategico,
    Progetto,
    Relazione,
    Rilevazione,
    TipoRilevazione,
    Valore,
)
from ..premi import Premi, non_pubblicato, pubblicabili
from ..presentation import Md, attr, finalize, html_text, md, md_block
from ..provenance import Modifica, Provenienza
from ..pubblicazione import ANNI_OBBLIGO, VUOTA, Pubblicazione, fine_obbligo, pubblicazione_anno
from ..relazione import nota_stato, sotto_target as _regola_sotto_target, testo_stato, utilizzo
from ..variazioni import nome_campo
from . import charts as C, urls
from .testo import markdown_sicuro

TEMPLATES = Path(__file__).parent / "templates"

#: The link texts the regulators' crawler looks for (D.Lgs. 33/2013 annex),
#: under a link whose text is exactly "Performance". Do not reword.
PERFORMANCE = "Performance"
ARCHIVIO = "Archivio"
SEZIONI = (
    ("Sistema di misurazione e valutazione della Performance", urls.SMVP),
    ("Piano della Performance", urls.PIANI),
    ("Relazione sulla Performance", urls.RELAZIONI),
    ("Ammontare complessivo dei premi", urls.PREMI),
    ("Dati relativi ai premi", urls.DATI_PREMI),
)

TIPO_TESTO = {
    "numero": "numero",
    "percentuale": "percentuale",
    "data": "scadenza (data)",
    "si_no": "sì/no",
    "qualitativo": "qualitativo (giudizio del valutatore)",
}
VERSO_TESTO = {"crescente": "più alto è meglio", "decrescente": "più basso è meglio"}
TIPO_RILEVAZIONE = {"monitoraggio": "monitoraggio", "consuntivo": "consuntivo"}


# --------------------------------------------------------------------------
# Page jobs and their renderer
# --------------------------------------------------------------------------


#: One plan year with its scores (made once per build by :func:`generator.score.valuta_progetto`).
Anno = S.Anno

#: MkDocs ``nav`` entries: a page path, or {title: path or a list of entries}.
NavEntry: TypeAlias = "str | dict[str, str | list[NavEntry]]"


@dataclass(frozen=True)
class Figure:
    """A chart a page shows: its spec (the key is the SVG's docs-relative path),
    its caption, and its ``src`` relative to the page's output folder.

    The HTML (:func:`figura`) and the alt text are made when the page is
    rendered: both are functions of these fields.
    """

    spec: C.ChartSpec
    didascalia: str
    src: str

    @property
    def alt(self) -> str:
        return C.alt_text(self.spec)


@dataclass(frozen=True)
class PageJob:
    """One generated page: where it goes, what its template receives, how to render it.

    ``context`` is everything the template ``template`` can read (besides
    the environment's filters and globals, which are code); ``meta`` is the
    front matter, in order; ``figures`` the charts the page shows. Rendering
    is a pure function of these fields (:meth:`Renderer.render`), so their
    fingerprint (:mod:`generator.incremental`) tells whether the page can
    have changed.
    """

    path: str
    template: str
    context: Mapping[str, object]
    meta: tuple[tuple[str, str], ...] = ()
    figures: tuple[Figure, ...] = ()

    @property
    def charts(self) -> tuple[str, ...]:
        """The docs-relative paths of the page's charts."""
        return tuple(f.spec.key for f in self.figures)


@dataclass(frozen=True)
class SiteJobs:
    """Every generated page as a job, the data-driven navigation and site-wide facts.

    ``aggiornato``: the latest measurement date (the date of the data, never
    the build's); ``esempio``: some measurement is example data.
    """

    jobs: tuple[PageJob, ...]
    nav: list[NavEntry]
    esempio: bool
    aggiornato: dt.date | None

    def figures(self, jobs: Iterable[PageJob] | None = None) -> dict[str, Figure]:
        """The charts of ``jobs`` (default: all), by docs-relative path."""
        out: dict[str, Figure] = {}
        for job in self.jobs if jobs is None else jobs:
            for f in job.figures:
                out.setdefault(f.spec.key, f)
        return out


@dataclass
class Sito:
    """Everything generated, rendered, in memory (:func:`render_site`).

    ``pagine``: docs-relative path -> Markdown; ``grafici``: docs-relative
    SVG path -> spec; ``alt``: the alt text of each chart, as pages show it.
    """

    pagine: dict[str, str] = field(default_factory=dict)
    grafici: dict[str, C.ChartSpec] = field(default_factory=dict)
    alt: dict[str, str] = field(default_factory=dict)
    nav: list[NavEntry] = field(default_factory=list)
    esempio: bool = False
    aggiornato: dt.date | None = None


def environment(cache_dir: Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment every page is rendered in: templates, filters, globals.

    ``cache_dir`` keeps the compiled templates between runs (compiling them
    is a fixed cost per process, most of a small rebuild; the cache is
    verified by digest, see :mod:`generator.cache`).
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=False,  # escaping is Markdown-aware: see finalize
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=VerifiedBytecodeCache(cache_dir) if cache_dir is not None else None,
    )
    env.filters.update(
        grado=pres.grado,
        perc=pres.percentuale,
        data=pres.data,
        numero=pres.numero,
        euro=pres.euro,
        mese=pres.mese,
        blocco=md_block,
        kb=kb,
    )
    env.globals.update(
        valore=valore,
        misurato=misurato,
        verso=verso,
        responsabili=responsabili,
        stato=stato,
        stato_azione=stato_azione,
        target_azione=target_azione,
        mancati=mancati,
        note_sotto_target=note_sotto_target,
        legenda_obiettivi=pres.legenda_obiettivi,
        legenda_azioni=pres.legenda_azioni,
        stato_vuoto=pres.badge("non misurato"),
        badge=pres.badge,
        raggiunto=raggiunto,
        targets=targets,
        descr_rilevazione=descr_rilevazione,
        tipo_testo=TIPO_TESTO,
        sezioni=SEZIONI,
        urls=urls,
        PERFORMANCE=PERFORMANCE,
        punti_misurati=punti_misurati,
        spiegazione=spiegazione,
        link_esterno=_link_esterno,
        si_no=pres.si_no,
        pubblicabili=pubblicabili,
        non_pubblicato=non_pubblicato,
        pubblicato=pubblicato,
        figura=figura,
    )
    return env


class Renderer:
    """Renders page jobs: one Jinja2 environment, reused for every page."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.env = environment(cache_dir)

    def render(self, job: PageJob) -> str:
        """The page's Markdown: front matter, then the template's output."""
        body = self.env.get_template(job.template).render(**job.context)
        front = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in job.meta)
        return f"{_FENCE}{front}{_FENCE}\n{body.strip()}\n"


_FENCE = "---\n"


def read_front_matter(page: str) -> tuple[dict[str, object], str]:
    """(front matter, body) of a page :meth:`Renderer.render` wrote.

    The inverse of its writer, kept next to it: one ``key: <JSON>`` line per
    field (JSON is also YAML, which is how MkDocs reads it). The PDF edition
    reads the titles back this way, without a second YAML parser.
    """
    if not page.startswith(_FENCE) or (end := page.find("\n" + _FENCE, len(_FENCE) - 1)) < 0:
        return {}, page
    meta: dict[str, object] = {}
    for line in page[len(_FENCE) : end + 1].splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            meta[key] = json.loads(value)
    return meta, page[end + 1 + len(_FENCE) :]


# --------------------------------------------------------------------------
# Small view helpers (plain text out; templates escape it)
# --------------------------------------------------------------------------


def valore(v: Valore | None, azione: Azione) -> str:
    """A target, threshold or value of ``azione``, formatted by its KPI type."""
    return pres.valore(v, azione.tipo, azione.unita)


def misurato(risultato: S.RisultatoAzione) -> str:
    """The measured value as shown (one formatter with ``diff``: :func:`pres.misura`)."""
    m = risultato.misura
    if m is None:
        return "non misurato"
    a = risultato.azione
    return pres.misura(m.valore, a.tipo, a.unita, numeratore=m.numeratore, denominatore=m.denominatore)


def verso(azione: Azione) -> str:
    if azione.tipo == "data":
        return "prima è meglio (scadenza)"
    if azione.tipo in ("si_no", "qualitativo"):
        return "—"
    return VERSO_TESTO[azione.verso]


def responsabili(azione: Azione, strutture: Mapping[str, str]) -> str:
    """The action's units by name (``strutture``: the plan's id -> name)."""
    if not azione.responsabile:
        return "non indicato"
    return "; ".join(strutture.get(r, r) for r in azione.responsabile)


def stato(risultato: S.Risultato) -> Md:
    """The result's status as shape + colour + word (:func:`pres.badge`)."""
    return pres.badge(risultato.stato)


def stato_azione(risultato: S.RisultatoAzione) -> Md:
    """An action's status; a deadline still open reads "in corso"."""
    return pres.badge(risultato.stato)


def target_azione(azione: Azione) -> str:
    """An action's target for a table's "Target" column."""
    if azione.target is None:
        return "giudizio del valutatore"
    return valore(azione.target, azione)


def mancati(r: S.Risultati) -> list[S.RisultatoStrategico]:
    """The strategic objectives that fell short of their target (worst first)."""
    corti = [s for s in r.strategici() if s.stato in ("parzialmente raggiunto", "non raggiunto")]
    return sorted(corti, key=lambda s: (s.grado if s.grado is not None else Decimal(-1), S_natural(s.codice)))


def S_natural(codice: str) -> tuple[int, ...]:
    return tuple(int(p) for p in codice.split(".") if p.isdigit())


def note_sotto_target(s: S.RisultatoStrategico) -> list[S.RisultatoAzione]:
    """The actions of ``s`` below their target that carry a note (why)."""
    return [e for o in s.operativi for e in o.azioni if e.grado is not None and e.grado < 100 and e.misura is not None and e.misura.nota]


def raggiunto(risultato: S.RisultatoStrategico) -> str:
    if risultato.raggiunto is None:
        return "—"
    return "sì" if risultato.raggiunto else "no"


def targets(obiettivo: ObiettivoStrategico) -> str:
    return ", ".join(f"{pres.percentuale(v)} nel {anno}" for anno, v in obiettivo.target.items())


class Datata(Protocol):
    """A rilevazione as pages name it: :class:`Rilevazione` or :class:`RilevazioneView`."""

    @property
    def data(self) -> dt.date: ...

    @property
    def tipo(self) -> TipoRilevazione: ...


@dataclass(frozen=True, slots=True)
class RilevazioneView:
    """A rilevazione without its values: what a page that names it (date, kind) receives.

    A page about one objective lists the year's rilevazioni; given the whole
    :class:`Rilevazione` it would receive every action's value, and any edit
    of any value would change its fingerprint.
    """

    data: dt.date
    tipo: TipoRilevazione

    @classmethod
    def of(cls, r: Rilevazione) -> RilevazioneView:
        return cls(r.data, r.tipo)


def descr_rilevazione(r: Datata) -> str:
    return f"{TIPO_RILEVAZIONE[r.tipo]} del {pres.data(r.data)}"


def _url(u: str) -> str:
    """A URL safe inside a Markdown link destination (no spaces, parentheses, angle brackets)."""
    return quote(u, safe=":/?#[]@!$&'*+,;=%~").replace("(", "%28").replace(")", "%29")


def kb(n: int) -> str:
    """A file size in kB, Italian style ("1,5\u00a0kB")."""
    return pres.numero(Decimal(n) / 1024, 1) + "\u00a0kB"


def modifica(prov: Provenienza | None, oggetto: object, campo: str = "") -> Modifica | None:
    """The commit that last changed ``campo`` of a model object (else its own line), or None.

    ``campo="*"`` takes the latest change among all the object's lines (a
    measured value written as several keys). Resolved here, so the page's
    job holds the commit, never the whole provenance.
    """
    if prov is None:
        return None
    posizioni = getattr(oggetto, "pos", {}) or {}
    return prov.recente(posizioni.values()) if campo == "*" else prov.get(posizioni.get(campo) or posizioni.get(""))


def pubblicato(m: Modifica | None) -> Md:
    """" — dato pubblicato il 3 marzo 2021" (a link to the change when the repository is known), or nothing."""
    if m is None:
        return Md("")
    testo = md(f"dato pubblicato il {pres.data(m.data)}")
    if m.url:
        # The commit is the link's target, never its words.
        return Md(f" — [{testo}]({_url(m.url)})")
    return Md(f" — {testo}")


def _titolo_html(text: str) -> str:
    """A title for contexts the theme prints without escaping (nav, <title>, header)."""
    return html.escape(" ".join(str(text).split()), quote=True)


# --------------------------------------------------------------------------
# Chart specs (charts never see the model)
# --------------------------------------------------------------------------


def _chart_thresholds(a: Azione) -> C.Soglie:
    return C.Soglie(target=a.target, soglia_80=a.soglia_80, soglia_60=a.soglia_60)


def _stato_grafico(e: S.RisultatoOperativo | S.RisultatoStrategico) -> str:
    """A bar's status. Every validated objective has its year's target, so a
    status; without one (never on a validated plan) the band rule names it."""
    return e.stato if e.stato is not None else S.stato_azione(e.grado, None)


def spec_azione(key: str, e: S.RisultatoAzione) -> C.BulletSpec:
    a = e.azione
    v = None if e.misura is None else e.misura.valore
    return C.BulletSpec(
        key=key,
        titolo=f"{a.codice} {a.titolo}",
        tipo=a.tipo,
        verso=a.verso,
        valore=v,
        soglie=_chart_thresholds(a),
        unita=a.unita,
        grado=e.grado,
        stato=e.stato,
    )


def spec_operativo(key: str, e: S.RisultatoOperativo) -> C.BarSpec:
    return C.BarSpec(
        key=key,
        titolo=f"{e.codice} {e.obiettivo.titolo}: azioni",
        items=tuple(C.BarItem(a.codice, a.azione.titolo, a.grado, a.stato, peso=a.azione.peso) for a in e.azioni),
    )


def spec_strategico(key: str, e: S.RisultatoStrategico) -> C.BarSpec:
    return C.BarSpec(
        key=key,
        titolo=f"{e.codice} {e.obiettivo.titolo}: obiettivi operativi",
        items=tuple(C.BarItem(o.codice, o.obiettivo.titolo, o.grado, _stato_grafico(o), peso=o.obiettivo.peso) for o in e.operativi),
        target=e.target,
    )


def spec_ente(key: str, r: S.Risultati) -> C.BarSpec:
    targets_ = {s.target for s in r.strategici()}
    comune = next(iter(targets_)) if len(targets_) == 1 else None
    return C.BarSpec(
        key=key,
        titolo=f"Obiettivi strategici, {descr_rilevazione(r.rilevazione)}",
        items=tuple(C.BarItem(s.codice, s.obiettivo.titolo, s.grado, _stato_grafico(s), target=s.target) for s in r.strategici()),
        target=comune,
    )


def spec_andamento(
    key: str,
    titolo: str,
    punti: Iterable[tuple[Datata, Decimal | None]],
    target: Decimal | None = None,
    stato: str | None = None,
) -> C.TrendSpec:
    return C.TrendSpec(
        key=key,
        titolo=titolo,
        punti=tuple(C.TrendPoint(r.data, g) for r, g in punti),
        target=target,
        stato=stato,
    )


def punti_misurati(punti: Sequence[tuple[Datata, Decimal | None]]) -> int:
    return sum(1 for _, g in punti if g is not None)


@dataclass(frozen=True)
class Pagina:
    """The page being built, as its template sees it: relative links from its location."""

    path: str
    use_directory_urls: bool = True

    def url(self, a: str, ancora: str | None = None) -> Md:
        return Md(_url(urls.link(self.path, a, ancora)))

    def link(self, testo: object, a: str, ancora: str | None = None) -> Md:
        return Md(f"[{md(testo)}]({self.url(a, ancora)})")

    def link_azione(self, anno: int, azione: Azione, testo: object | None = None) -> Md:
        pagina, ancora = urls.azione(anno, azione.codice)
        return self.link(testo if testo is not None else f"{azione.codice} {azione.titolo}", pagina, ancora)

    def link_obiettivo(self, anno: int, obiettivo: ObiettivoStrategico | ObiettivoOperativo, testo: object | None = None) -> Md:
        return self.link(testo if testo is not None else f"{obiettivo.codice} {obiettivo.titolo}", urls.obiettivo(anno, obiettivo.codice))

    def link_file(self, testo: object, file: str) -> Md:
        return self.link(testo, file)


class _Figures:
    """The charts of one page being built, in the order it shows them."""

    def __init__(self, p: Pagina) -> None:
        self.p = p
        self.figures: list[Figure] = []

    def figura(self, spec: C.ChartSpec, didascalia: str) -> Figure:
        """Record ``spec`` (its key is the SVG path) and return the figure for the template.

        MkDocs does not rewrite raw HTML, so the ``src`` is made relative to
        the page's *output* folder here.
        """
        f = Figure(spec, didascalia, urls.src(self.p.path, spec.key, self.p.use_directory_urls))
        self.figures.append(f)
        return f


def figura(f: Figure) -> Md:
    """A chart as the page's HTML figure (template global).

    Raw HTML because the alt text must be HTML-escaped exactly once.
    """
    return Md(
        f'<figure class="pf-grafico">\n'
        f'<img src="{attr(_url(f.src))}" alt="{attr(f.alt)}" loading="lazy">\n'
        f"<figcaption>{html_text(f.didascalia)}</figcaption>\n"
        f"</figure>"
    )


class _SiteBuilder:
    """Makes the site's page jobs from the scored project (nothing is rendered here)."""

    def __init__(
        self,
        progetto: Progetto,
        anni: Mapping[int, Anno],
        *,
        premi: Mapping[int, Premi],
        provenienza: Provenienza | None,
        opendata: Mapping[str, bytes],
        use_directory_urls: bool,
        pubblicazione: Pubblicazione | None = None,
    ) -> None:
        self.progetto = progetto
        self.anni = dict(sorted(anni.items()))
        self.premi = premi
        self.provenienza = provenienza
        self.pub: Pubblicazione = pubblicazione if pubblicazione is not None else VUOTA
        self.opendata = opendata
        self.use_directory_urls = use_directory_urls
        self.jobs: dict[str, PageJob] = {}
        date = [r.data for r in progetto.rilevazioni]
        self.aggiornato_sito = max(date) if date else None
        self.esempio = any(r.esempio for r in progetto.rilevazioni)
        self._viste: dict[tuple[int, dt.date], RilevazioneView] = {}

    # -- jobs ----------------------------------------------------------------

    def aggiornato(self, anno: int | None = None) -> dt.date | None:
        if anno is not None and anno in self.anni:
            ultima = self.anni[anno].ultima  # a year without measurements has no data date
            return ultima.rilevazione.data if ultima is not None else None
        return self.aggiornato_sito

    def pagina(self, path: str) -> Pagina:
        return Pagina(path, self.use_directory_urls)

    def job(
        self,
        path: str,
        template: str,
        titolo: str,
        *,
        anno_dati: int | None = None,
        descrizione: str | None = None,
        figure: _Figures | None = None,
        **ctx: object,
    ) -> None:
        """Add the page at ``path``: ``template`` will receive ``ctx`` plus the
        page (``P``), its title, the body's name (``ente``) and ``esempio``.
        ``anno_dati``: the plan year whose latest data date the page shows."""
        if path in self.jobs:
            raise ValueError(f"two generated pages with the same path: {path}")
        p = figure.p if figure is not None else self.pagina(path)
        meta: list[tuple[str, str]] = [("title", _titolo_html(titolo))]
        quando = self.aggiornato(anno_dati)
        if quando is not None:
            meta.append(("aggiornato", pres.data(quando)))
        if descrizione:
            meta.append(("description", _titolo_html(descrizione)))
        meta += self._meta_pubblicazione(path)
        context: dict[str, object] = {"P": p, "titolo": titolo, "esempio": self.esempio, "ente": self._ente(), **ctx}
        self.jobs[path] = PageJob(path, template, context, tuple(meta), tuple(figure.figures) if figure is not None else ())

    def _ente(self) -> str:
        if not self.anni:
            return ""
        return self.anni[max(self.anni)].piano.ente

    def vista(self, anno: int, r: Rilevazione) -> RilevazioneView:
        """The rilevazione ``r`` as objective pages receive it (one object per build)."""
        chiave = (anno, r.data)
        v = self._viste.get(chiave)
        if v is None:
            v = self._viste[chiave] = RilevazioneView.of(r)
        return v

    # -- the site ----------------------------------------------------------

    def run(self) -> SiteJobs:
        self.home()
        self.performance()
        self.smvp()
        self.piani()
        for a in self.anni.values():
            self.piano(a)
        self.relazioni()
        for a in self.anni.values():
            self.relazione(a)
        self.premi_pagine()
        self.archivio()
        self.pira()
        self.strutture()
        self.dati_aperti()
        return SiteJobs(tuple(self.jobs.values()), self.nav(), self.esempio, self.aggiornato_sito)

    def _ultimo_anno(self) -> Anno | None:
        """The latest plan year that has a measurement, else the latest plan."""
        correnti = [a for a in self.anni.values() if a.anno not in self.pub.archivio]
        con = [a for a in correnti if a.ultima is not None]
        if con:
            return con[-1]
        return correnti[-1] if correnti else None

    @staticmethod
    def _grafici_anno(f: _Figures, a: Anno) -> dict[str, Figure]:
        """The whole-plan charts (home, relazione): strategic objectives and trend."""
        out: dict[str, Figure] = {}
        r = a.ultima
        if r is None:
            return out
        out["strategici"] = f.figura(
            spec_ente(urls.grafico_anno(a.anno, "strategici"), r),
            f"Grado di raggiungimento degli obiettivi strategici del piano {a.anno} ({descr_rilevazione(r.rilevazione)}).",
        )
        punti = [(x.rilevazione, x.grado) for x in a.storico]
        if punti_misurati(punti) >= 2:
            out["andamento"] = f.figura(
                spec_andamento(urls.grafico_anno(a.anno, "andamento"), f"Ente, piano {a.anno}", punti),
                f"Andamento del grado di raggiungimento complessivo dell'ente nelle rilevazioni del {a.anno}.",
            )
        return out

    def home(self) -> None:
        a = self._ultimo_anno()
        f = _Figures(self.pagina(urls.HOME))
        grafici = self._grafici_anno(f, a) if a is not None else {}
        self.job(
            urls.HOME,
            "home.md.j2",
            "Piano e Relazione sulla Performance",
            figure=f,
            anno_dati=a.anno if a else None,
            descrizione=f"Piano e Relazione sulla Performance — {self._ente()}: obiettivi, indicatori, target, risultati e dati aperti.",
            a=a,
            grafici=grafici,
        )

    def performance(self) -> None:
        self.job(urls.PERFORMANCE, "performance.md.j2", PERFORMANCE, anni=tuple(self.anni))

    def smvp(self) -> None:
        a = self._ultimo_anno()
        esempio = _esempio_smvp(a) if a is not None else None
        self.job(
            urls.SMVP,
            "smvp.md.j2",
            "Sistema di misurazione e valutazione della Performance",
            anno_dati=a.anno if a else None,
            a=a,
            es=esempio,
            metodi_anni={anno: x.piano.metodo for anno, x in self.anni.items()},
            motivo=motivo,
            pesata=pesata,
            pesata_copertura=pesata_copertura,
        )

    def piani(self) -> None:
        self.job(urls.PIANI, "piani.md.j2", "Piano della Performance", anni=self.anni, archivio=self.pub.archivio)

    def piano(self, a: Anno) -> None:
        titoli = {anno: x.piano.titolo for anno, x in self.anni.items()}
        self.job(urls.piano(a.anno), "piano.md.j2", f"{a.piano.titolo} (anno {a.anno})", anno_dati=a.anno, a=a, titoli=titoli)
        for s in a.piano.obiettivi_strategici():
            self.strategico(a, s)
            for o in s.obiettivi_operativi:
                self.operativo(a, s, o)

    @staticmethod
    def _andamento(
        f: _Figures,
        key: str,
        nome: str,
        storia: Sequence[tuple[Datata, S.Risultato]],
        anno: int,
        *,
        target: Decimal | None = None,
        stato: str | None = None,
    ) -> Figure | None:
        """The trend chart of one item over a year's measurements, if ≥2 are scored."""
        punti = [(r, e.grado) for r, e in storia]
        if punti_misurati(punti) < 2:
            return None
        return f.figura(
            spec_andamento(key, nome, punti, target=target, stato=stato),
            f"Andamento del grado di raggiungimento di «{nome}» nelle rilevazioni del {anno}.",
        )

    def strategico(self, a: Anno, s: ObiettivoStrategico) -> None:
        path = urls.obiettivo(a.anno, s.codice)
        f = _Figures(self.pagina(path))
        storia = [(self.vista(a.anno, r), e) for r, e in a.storia_strategico(s.codice)]
        grafici: dict[str, Figure] = {}
        ultimo = storia[-1][1] if storia else None
        if ultimo is not None:
            grafici["operativi"] = f.figura(
                spec_strategico(urls.grafico(path, "operativi"), ultimo),
                f"Grado di raggiungimento degli obiettivi operativi di «{s.codice} {s.titolo}» ({descr_rilevazione(storia[-1][0])}), con il target dell'obiettivo strategico.",
            )
            andamento = self._andamento(
                f, urls.grafico(path, "andamento"), f"{s.codice} {s.titolo}", storia, a.anno,
                target=ultimo.target, stato=ultimo.stato if ultimo.grado is not None else None,
            )
            if andamento is not None:
                grafici["andamento"] = andamento
        prospettiva = next(p_ for p_ in a.piano.prospettive if p_.id == s.prospettiva)
        self.job(
            path,
            "strategico.md.j2",
            f"Obiettivo strategico {s.codice} — {s.titolo}",
            figure=f,
            anno_dati=a.anno,
            anno=a.anno,
            titolo_piano=a.piano.titolo,
            soglia_parziale=a.piano.smvp.soglia_parziale,
            s=s,
            prospettiva=prospettiva.nome,
            storia=storia,
            ultimo=ultimo,
            operativi={o.codice: o for o in ultimo.operativi} if ultimo is not None else {},
            grafici=grafici,
            modifica_target=modifica(self.provenienza, s, "target"),
        )

    def operativo(self, a: Anno, s: ObiettivoStrategico, o: ObiettivoOperativo) -> None:
        path = urls.obiettivo(a.anno, o.codice)
        f = _Figures(self.pagina(path))
        storia = [(self.vista(a.anno, r), e) for r, e in a.storia_operativo(o.codice)]
        grafici: dict[str, Figure] = {}
        ultimo = storia[-1][1] if storia else None
        if ultimo is not None:
            grafici["azioni"] = f.figura(
                spec_operativo(urls.grafico(path, "azioni"), ultimo),
                f"Grado di raggiungimento delle azioni di «{o.codice} {o.titolo}» ({descr_rilevazione(storia[-1][0])}), con il loro peso.",
            )
            andamento = self._andamento(f, urls.grafico(path, "andamento"), f"{o.codice} {o.titolo}", storia, a.anno)
            if andamento is not None:
                grafici["andamento"] = andamento
        azioni = []
        for az in o.azioni:
            st = [(self.vista(a.anno, r), e) for r, e in a.storia_azione(az.codice)]
            g: dict[str, Figure] = {}
            ultima_misura = None
            if st:
                r_last, e_last = st[-1]
                ultima_misura = e_last.misura
                g["bullet"] = f.figura(
                    spec_azione(urls.grafico(path, f"azione-{az.codice}"), e_last),
                    f"Valore misurato di «{az.codice} {az.titolo}» rispetto a target e soglie ({descr_rilevazione(r_last)}).",
                )
                andamento = self._andamento(f, urls.grafico(path, f"azione-{az.codice}-andamento"), f"{az.codice} {az.titolo}", st, a.anno)
                if andamento is not None:
                    g["andamento"] = andamento
            azioni.append({
                "azione": az,
                "storia": st,
                "ultimo": st[-1][1] if st else None,
                "grafici": g,
                "ancora": Md(urls.ancora_azione(az.codice)),
                "modifica_target": modifica(self.provenienza, az, "target"),
                "modifica_valore": modifica(self.provenienza, ultima_misura, "*") if ultima_misura is not None else None,
            })
        self.job(
            path,
            "operativo.md.j2",
            f"Obiettivo operativo {o.codice} — {o.titolo}",
            figure=f,
            anno_dati=a.anno,
            anno=a.anno,
            titolo_piano=a.piano.titolo,
            strutture=a.piano.strutture,
            s=s,
            o=o,
            storia=storia,
            ultimo=ultimo,
            grafici=grafici,
            azioni=azioni,
        )

    def relazioni(self) -> None:
        stati = {anno: testo_stato(self.progetto.relazione(anno)) for anno in self.anni}
        self.job(urls.RELAZIONI, "relazioni.md.j2", "Relazione sulla Performance", stati=stati, anni=self.anni, archivio=self.pub.archivio)

    def relazione(self, a: Anno) -> None:
        path = urls.relazione(a.anno)
        f = _Figures(self.pagina(path))
        grafici = self._grafici_anno(f, a)
        self.job(
            path, "relazione.md.j2", f"Relazione sulla Performance {a.anno}",
            figure=f, anno_dati=a.anno, a=a, grafici=grafici,
            rel=sezioni_relazione(self.progetto, a, f.p),
        )

    def premi_pagine(self) -> None:
        self.job(urls.PREMI, "premi.md.j2", "Ammontare complessivo dei premi", premi=self.premi, anni=tuple(self.anni))
        self.job(urls.DATI_PREMI, "dati-premi.md.j2", "Dati relativi ai premi", premi=self.premi)

    def pira(self) -> None:
        righe = {
            a.anno: [(az, a.ultima.azione(az.codice) if a.ultima else None) for az in a.piano.azioni() if az.pira]
            for a in reversed(self.anni.values())
        }
        self.job(urls.PIRA, "pira.md.j2", "Piano degli indicatori e dei risultati attesi di bilancio (PIRA)", righe=righe)

    def _strutture(self) -> dict[str, str]:
        """Every unit id -> name; the latest plan's name wins."""
        out: dict[str, str] = {}
        for a in self.anni.values():
            out.update(a.piano.strutture)
        return dict(sorted(out.items(), key=lambda kv: kv[1].casefold()))

    def strutture(self) -> None:
        registro = self._strutture()
        per_struttura: dict[str, dict[int, list[tuple[Azione, S.RisultatoAzione | None]]]] = {k: {} for k in registro}
        senza: dict[int, list[tuple[Azione, S.RisultatoAzione | None]]] = {}
        for a in reversed(self.anni.values()):
            for az in a.piano.azioni():
                riga = (az, a.ultima.azione(az.codice) if a.ultima else None)
                if not az.responsabile:
                    senza.setdefault(a.anno, []).append(riga)
                for r in az.responsabile:
                    per_struttura.setdefault(r, {}).setdefault(a.anno, []).append(riga)
        conteggi = {id_: sum(len(righe) for righe in per_anno.values()) for id_, per_anno in per_struttura.items()}
        self.job(
            urls.STRUTTURE, "strutture.md.j2", "Strutture responsabili",
            registro=registro, conteggi=conteggi, senza=senza,
        )
        ultime = {a.anno: descr_rilevazione(a.ultima.rilevazione) if a.ultima else None for a in self.anni.values()}
        for id_, nome in registro.items():
            righe = per_struttura.get(id_, {})
            self.job(
                urls.struttura(id_), "struttura.md.j2", nome,
                id=id_, nome=nome, righe=righe, ultime={anno: ultime[anno] for anno in righe},
            )

    def dati_aperti(self) -> None:
        per_anno: dict[int, list[tuple[str, str, int]]] = {}
        pacchetti: dict[int, object] = {}
        for path, data in self.opendata.items():
            parts = path.split("/")
            if len(parts) != 3 or not parts[1].isdigit():
                continue
            anno = int(parts[1])
            per_anno.setdefault(anno, []).append((parts[2], path, len(data)))
            if parts[2] == "datapackage.json":
                pacchetti[anno] = json.loads(data)
        ordine = list(DESCRIZIONE_FILE)
        for files in per_anno.values():
            files.sort(key=lambda f: (ordine.index(f[0]) if f[0] in ordine else len(ordine), f[0]))
        self.job(
            urls.DATI_APERTI,
            "dati-aperti.md.j2",
            "Dati aperti",
            per_anno=dict(sorted(per_anno.items(), reverse=True)),
            pacchetti=pacchetti,
            descr_file=DESCRIZIONE_FILE,
        )

    # -- publication dates and archive (D.Lgs. 33/2013, art. 8) ---------------

    def _meta_pubblicazione(self, path: str) -> list[tuple[str, str]]:
        """Front matter for the site frame (overrides/main.html): the page's
        publication dates, in words and ISO (for <meta>), and the archive label."""
        out: list[tuple[str, str]] = []
        d = self.pub.date.get(path)
        if d is not None and d.pubblicato is not None:
            out += [("pubblicato", pres.data(d.pubblicato)), ("data_pubblicazione", d.pubblicato.isoformat())]
        if d is not None and d.aggiornato is not None:
            out += [("modificato", pres.data(d.aggiornato)), ("data_modifica", d.aggiornato.isoformat())]
        anno = next((a for a in self.pub.archivio if path in (urls.piano(a), urls.relazione(a))), None)
        if anno is not None:
            out.append((
                "archivio",
                f"Documento in archivio: il periodo di pubblicazione obbligatoria di cinque anni "
                f"(D.Lgs. 33/2013, art. 8) è terminato il {pres.data(self.pub.archivio[anno])}.",
            ))
        return out

    def archivio(self) -> None:
        """The "Archivio" page: plan years past the five-year window, with the rule."""
        righe = []
        for anno in sorted(self.anni, reverse=True):
            quando = pubblicazione_anno(self.pub.date, anno)
            righe.append((self.anni[anno], quando, fine_obbligo(quando) if quando else None, anno in self.pub.archivio))
        self.job(
            urls.ARCHIVIO, "archivio.md.j2", ARCHIVIO,
            righe=righe, oggi=self.pub.oggi, anni_obbligo=ANNI_OBBLIGO, giorno=dt.timedelta(days=1),
        )

    # -- navigation ----------------------------------------------------------

    def nav(self) -> list[NavEntry]:
        """The data-driven navigation (build.py adds the hand-written pages).

        The "Performance" section carries the five sub-sections with the
        exact texts of the law's annex, so crawlers find them in the menu
        as well as on the landing page.
        """
        T = _titolo_html
        # One entry per year, never per objective or unit: Material writes the
        # navigation into every page, so entries that grow with the plan make
        # every page grow with it (quadratic site size). Objective and unit
        # pages are reached from the plan tree and the units' index.
        correnti = [a for a in reversed(self.anni.values()) if a.anno not in self.pub.archivio]
        piani: list[NavEntry] = [urls.PIANI]
        piani += [{T(f"Piano {a.anno}"): urls.piano(a.anno)} for a in correnti]
        relazioni: list[NavEntry] = [urls.RELAZIONI]
        relazioni += [{T(f"Relazione {a.anno}"): urls.relazione(a.anno)} for a in correnti]
        return [
            {"Home": urls.HOME},
            {
                PERFORMANCE: [
                    urls.PERFORMANCE,
                    {SEZIONI[0][0]: SEZIONI[0][1]},
                    {SEZIONI[1][0]: piani},
                    {SEZIONI[2][0]: relazioni},
                    {SEZIONI[3][0]: SEZIONI[3][1]},
                    {SEZIONI[4][0]: SEZIONI[4][1]},
                    {"Indicatori di bilancio (PIRA)": urls.PIRA},
                    {"Strutture responsabili": urls.STRUTTURE},
                    {ARCHIVIO: urls.ARCHIVIO},
                ]
            },
            {"Dati aperti": urls.DATI_APERTI},
        ]


DESCRIZIONE_FILE = {
    "performance.json": "Tutto il piano con i risultati dell'ultima rilevazione e la storia di ogni azione (JSON).",
    "performance.schema.json": "Lo schema (JSON Schema) che descrive performance.json campo per campo.",
    "datapackage.json": "Il pacchetto dati (Frictionless Data Package): elenco dei file CSV, colonne, tipi, licenza.",
    "prospettive.csv": "Una riga per prospettiva, con il grado di raggiungimento.",
    "obiettivi_strategici.csv": "Una riga per obiettivo strategico: target, grado, copertura, raggiunto.",
    "obiettivi_operativi.csv": "Una riga per obiettivo operativo: peso, grado, copertura.",
    "azioni.csv": "Una riga per azione: indicatore, target, soglie, valore, grado, responsabile.",
    "rilevazioni.csv": "Una riga per ogni valore misurato di ogni azione in ogni rilevazione.",
}


# --------------------------------------------------------------------------
# Relazione: the sections the law asks for (D.Lgs. 150/2009 art. 10)
# --------------------------------------------------------------------------

#: The Relazione's sections, in the order of the Funzione Pubblica guidelines:
#: (anchor, heading). Each is an h2 with this anchor (PDF bookmarks, links).
SEZIONI_RELAZIONE = (
    ("presentazione", "Presentazione e sintesi per i cittadini"),
    ("contesto", "Contesto"),
    ("risultati", "Risultati"),
    ("risorse", "Risorse, efficienza ed economicità"),
    ("pari-opportunita", "Pari opportunità e bilancio di genere"),
    ("processo", "Processo di redazione"),
    ("allegato-oiv", "Allegato per l'OIV"),
)
NON_REDATTA = "Sezione non ancora redatta."
NON_MOTIVATO = "scostamento non motivato"
#: Causes of a shortfall, in the Scostamenti section's order: (key, group heading, in a sentence).
CAUSE = (
    ("esterna", "Cause esterne", "causa esterna"),
    ("interna", "Cause interne", "causa interna"),
    ("indicatore", "Indicatore o target non adeguati", "indicatore o target non adeguato"),
)
CLASSI_SPESA = {"neutrale": "neutrale", "sensibile": "sensibile al genere", "diretta": "diretta a ridurre le disuguaglianze"}
TOTALI_SPESA = {"neutrale": "neutrali", "sensibile": "sensibili al genere", "diretta": "dirette a ridurre le disuguaglianze"}


def sotto_target(e: S.RisultatoAzione) -> bool:
    """Scored below 100: the contract's "shortfall" that needs a scostamento."""
    return _regola_sotto_target(e.grado)


def spiegazione(e: S.RisultatoAzione, rilevazione: Datata | None) -> str:
    """Why an action is below target, in one line; "" when it is not below target
    (or there is no rilevazione).

    "causa esterna: calo delle istanze …" when explained; in a consuntivo an
    unexplained shortfall is "scostamento non motivato" (the contract's
    words); in a monitoraggio an explanation is not yet required.
    """
    if rilevazione is None or not sotto_target(e):
        return ""
    sc = e.misura.scostamento if e.misura is not None else None
    if sc is None:
        return NON_MOTIVATO if rilevazione.tipo == "consuntivo" else "spiegazione non ancora richiesta (monitoraggio)"
    testo = f"{dict((k, f) for k, _, f in CAUSE)[sc.causa]}: {sc.descrizione}"
    if sc.azione_correttiva:
        testo += f" — azione correttiva: {sc.azione_correttiva}"
    return testo


def _link_esterno(p: Pagina, testo: str, url: str) -> Md:
    """A staff-given link (evidence, validation document): absolute as is,
    relative from the site root; refused ones never get here (validate)."""
    if "://" in url:
        return Md(f"[{md(testo)}]({_url(url)})")
    return p.link(testo, url.lstrip("/"))


def _evidenza(p: Pagina, e: S.RisultatoAzione) -> Md:
    """The link to the document backing a measured value, or "—"."""
    if e.misura is not None and e.misura.evidenza:
        return _link_esterno(p, "documento", e.misura.evidenza)
    return Md("—")


def _valore_prima(c: CambioPiano) -> str:
    return pres.valore(c.prima, c.tipo, c.unita) if c.prima is not None else "—"


def _valore_dopo(c: CambioPiano) -> str:
    return pres.valore(c.dopo, c.tipo, c.unita) if c.dopo is not None else "—"


def sezioni_relazione(progetto: Progetto, a: Anno, p: Pagina) -> dict[str, object]:
    """What the Relazione's sections show besides the score tables.

    Data and module-level functions only (no closures): the page's job is
    fingerprinted from it (see :mod:`generator.fingerprint`).
    """
    rel = progetto.relazione(a.anno)
    r = a.ultima
    ril = r.rilevazione if r is not None else None
    strategici = {s.codice: s for s in r.strategici()} if r is not None else {}
    scarti = [e for e in r.azioni()] if r is not None else []
    scarti = [e for e in scarti if sotto_target(e)]
    per_causa: list[tuple[str, list[S.RisultatoAzione]]] = []
    for chiave, titolo, _ in CAUSE:
        gruppo = [e for e in scarti if e.misura is not None and e.misura.scostamento is not None and e.misura.scostamento.causa == chiave]
        if gruppo:
            per_causa.append((titolo, gruppo))
    non_motivati = [e for e in scarti if e.misura is None or e.misura.scostamento is None]
    risorse = [
        {
            "obiettivo": next((s for s in a.piano.obiettivi_strategici() if s.codice == x.obiettivo), None),
            "risorsa": x,
            "utilizzo": utilizzo(x),
            "risultato": strategici.get(x.obiettivo),
        }
        for x in rel.risorse
    ]
    tot_stanziato = sum((x.stanziato for x in rel.risorse), Decimal(0))
    impiegati = [x.impiegato for x in rel.risorse if x.impiegato is not None]
    tot_impiegato = sum(impiegati, Decimal(0)) if len(impiegati) == len(rel.risorse) else None
    spese: dict[str, Decimal] = {}
    if rel.genere is not None:
        for sp in rel.genere.spese:
            spese[sp.classificazione] = spese.get(sp.classificazione, Decimal(0)) + sp.importo
    return {
        "r": rel,
        "sezioni": SEZIONI_RELAZIONE,
        "h": [_titolo_ancora(nome, ancora) for ancora, nome in SEZIONI_RELAZIONE],
        "titolo": _titolo_ancora,
        "sotto": {s.codice: [e for o in s.operativi for e in o.azioni if sotto_target(e)] for s in strategici.values()} if ril is not None else {},
        "stato": testo_stato(rel),
        "nota_stato": nota_stato(rel),
        "validazione": _link_esterno(p, "documento di validazione dell'OIV", rel.validazione.documento) if rel.validazione else None,
        "testi": {k: markdown_sicuro(v) for k, v in rel.testi.items()},
        "non_redatta": NON_REDATTA,
        "rilevazione": ril,
        "scarti": scarti,
        "per_causa": per_causa,
        "non_motivati": non_motivati,
        "spiegazione": functools.partial(spiegazione, rilevazione=ril),
        "raggiunti": sum(1 for s in strategici.values() if s.raggiunto),
        "cambi": progetto.cambi.get(a.anno, ()),
        "risorse": risorse,
        "tot_stanziato": tot_stanziato,
        "tot_impiegato": tot_impiegato,
        "utilizzo_totale": tot_impiegato * 100 / tot_stanziato if tot_impiegato is not None and tot_stanziato else None,
        "spese": [(TOTALI_SPESA[k], spese[k]) for k in CLASSI_SPESA if k in spese],
        "tappe": _tappe(a, rel),
        "classi_spesa": CLASSI_SPESA,
        "evidenza": functools.partial(_evidenza, p),
        "valore_cambio": _valore_prima,
        "valore_cambio_dopo": _valore_dopo,
        "nome_campo": nome_campo,
    }


def _tappe(a: Anno, rel: Relazione) -> list[tuple[dt.date, str]]:
    """The recorded steps of the year, by date: adoption, variazioni, measurements, approval."""
    out: list[tuple[dt.date, str]] = []
    if a.piano.adozione is not None:
        out.append((a.piano.adozione.data, f"adozione del piano ({a.piano.adozione.atto})"))
    out += [(v.data, f"variazione del piano ({v.atto})") for v in a.piano.variazioni]
    out += [(x.rilevazione.data, TIPO_RILEVAZIONE[x.rilevazione.tipo]) for x in a.storico]
    if rel.approvazione is not None:
        out.append((rel.approvazione.data, f"approvazione della Relazione ({rel.approvazione.atto})"))
    return sorted(out, key=lambda t: t[0])


def _titolo_ancora(nome: str, ancora: str) -> Md:
    """A heading's text with its fixed anchor: "Contesto {#contesto}" (attr_list)."""
    return Md(f"{md(nome)} {{#{ancora}}}")


# --------------------------------------------------------------------------
# SMVP worked example
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class EsempioSmvp:
    anno: Anno
    rilevazione: Rilevazione
    strategico: S.RisultatoStrategico
    operativo: S.RisultatoOperativo


def _esempio_smvp(a: Anno) -> EsempioSmvp | None:
    """An operational objective with ≥2 actions to show the roll-up on real numbers.

    Preference: every action scored and their gradi differ (the mean is
    visible), then every action scored, then at least one scored.
    """
    r = a.ultima
    if r is None:
        return None
    candidati = [(s, o) for s in r.strategici() for o in s.operativi if len(o.azioni) >= 2]

    def tutti(o: S.RisultatoOperativo) -> bool:
        return all(e.grado is not None for e in o.azioni)

    for scelta in (
        lambda o: tutti(o) and len({e.grado for e in o.azioni}) > 1,
        tutti,
        lambda o: any(e.grado is not None for e in o.azioni),
    ):
        for s, o in candidati:
            if scelta(o):
                return EsempioSmvp(a, r.rilevazione, s, o)
    return None


def motivo(e: S.RisultatoAzione, metodo: str) -> str:
    """Why an action got its grado, in words ("3 ≥ target 3 → 100,0%")."""
    a = e.azione
    m = e.misura
    if m is None:
        return "nessun valore in questa rilevazione: non misurata, esclusa dalla media"
    if e.grado is None:
        return "scadenza non ancora arrivata: non valutata in questo monitoraggio, esclusa dalla media"
    g = pres.grado(e.grado)
    if m.valore is None:
        return f"scadenza non rispettata (attività non completata) → {g}"
    if a.tipo == "si_no":
        return f"risposta «{pres.si_no(bool(m.valore))}» → {g}"
    if a.tipo == "qualitativo":
        return f"giudizio del valutatore (risultato) → {g}"
    v = valore(m.valore, a)
    meglio = "≤" if a.verso == "decrescente" else "≥"
    peggio = ">" if a.verso == "decrescente" else "<"
    soglie = [(n, s, gr) for n, s, gr in (("target", a.target, 100), ("soglia 80%", a.soglia_80, 80), ("soglia 60%", a.soglia_60, 60)) if s is not None]
    if a.tipo == "data":
        meglio, peggio = "entro", "dopo"
    for nome, s, gr in soglie:
        if e.grado == gr:
            return f"{v} {meglio} {nome} ({valore(s, a)}) → {g}"
    if e.grado == 0 and soglie:
        nome, s, _ = soglie[-1]
        return f"{v} {peggio} {nome} ({valore(s, a)}), la soglia più bassa → {g}"
    if metodo == "lineare":
        return f"{v}: tra due soglie, interpolazione lineare → {g}"
    return f"{v} → {g}"


def pesata(o: S.RisultatoOperativo) -> str:
    """The weighted mean written out: "(50% × 100,0% + 50% × 80,0%) / (50% + 50%) = 90,0%"."""
    misurate = [e for e in o.azioni if e.grado is not None]
    if not misurate:
        return "nessuna azione misurata: grado non calcolabile"
    num = " + ".join(f"{pres.percentuale(e.azione.peso)} × {pres.grado(e.grado)}" for e in misurate)
    den = " + ".join(pres.percentuale(e.azione.peso) for e in misurate)
    return f"({num}) / ({den}) = {pres.grado(o.grado)}"


def pesata_copertura(s: S.RisultatoStrategico) -> str:
    """The strategic coverage written out: "(10% × 50,0% + 90% × 100,0%) / (10% + 90%) = 95,0%"."""
    num = " + ".join(f"{pres.percentuale(o.obiettivo.peso)} × {pres.grado(o.copertura)}" for o in s.operativi)
    den = " + ".join(pres.percentuale(o.obiettivo.peso) for o in s.operativi)
    return f"({num}) / ({den}) = {pres.grado(s.copertura)}"


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------


def anni(progetto: Progetto) -> dict[int, Anno]:
    """Score every plan on each of its rilevazioni (:func:`generator.score.valuta_progetto`)."""
    return S.valuta_progetto(progetto)


def site_jobs(
    progetto: Progetto,
    anni_: Mapping[int, Anno] | None = None,
    *,
    premi: Mapping[int, Premi] | None = None,
    provenienza: Provenienza | None = None,
    opendata: Mapping[str, bytes] | None = None,
    use_directory_urls: bool = True,
    pubblicazione: Pubblicazione | None = None,
) -> SiteJobs:
    """Every generated page as a job (nothing rendered), and the navigation."""
    return _SiteBuilder(
        progetto,
        anni_ if anni_ is not None else anni(progetto),
        premi=premi if premi is not None else progetto.premi,
        provenienza=provenienza,
        opendata=opendata or {},
        use_directory_urls=use_directory_urls,
        pubblicazione=pubblicazione,
    ).run()


def render_site(
    progetto: Progetto,
    anni_: Mapping[int, Anno] | None = None,
    *,
    premi: Mapping[int, Premi] | None = None,
    provenienza: Provenienza | None = None,
    opendata: Mapping[str, bytes] | None = None,
    use_directory_urls: bool = True,
    pubblicazione: Pubblicazione | None = None,
    cache_dir: Path | None = None,
) -> Sito:
    """Every generated page rendered (Markdown text) and every chart spec, in memory.

    All of :func:`site_jobs`, each rendered; the build renders only the jobs
    :mod:`generator.incremental` says have changed.
    """
    sj = site_jobs(
        progetto, anni_, premi=premi, provenienza=provenienza, opendata=opendata,
        use_directory_urls=use_directory_urls, pubblicazione=pubblicazione,
    )
    renderer = Renderer(cache_dir)
    figures = sj.figures()
    return Sito(
        pagine={job.path: renderer.render(job) for job in sj.jobs},
        grafici={k: f.spec for k, f in figures.items()},
        alt={k: f.alt for k, f in figures.items()},
        nav=sj.nav,
        esempio=sj.esempio,
        aggiornato=sj.aggiornato,
    )


__all__ = [
    "PERFORMANCE",
    "SEZIONI",
    "Anno",
    "Figure",
    "NavEntry",
    "PageJob",
    "Pagina",
    "Renderer",
    "RilevazioneView",
    "SiteJobs",
    "Sito",
    "anni",
    "environment",
    "render_site",
    "site_jobs",
]

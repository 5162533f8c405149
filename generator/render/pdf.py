"""The PDF edition of the Piano and of the Relazione, made from the site's own pages.

The law has the Relazione adopted and uploaded as a document (at most 15 MB
to the Portale della Performance), and the Piano is published as one too.
Rather than a second rendering of the same data (which would drift from the
site), each PDF is the *same generated Markdown pages* the site shows:

- **Piano** ``piano/<anno>/piano-della-performance-<anno>.pdf``: the plan's
  page (the whole tree: every operational objective and action with its
  weight, indicator and target), then every strategic objective's page, in
  plan order. The operational objectives' pages are left out: they add a
  bullet chart and a trend per action, which tripled the pages and the time
  to lay them out (seed: 115 pages, 21 s, against 30 pages, 7 s) without
  adding to what the Piano must state;
- **Relazione** ``relazione/<anno>/relazione-sulla-performance-<anno>.pdf``:
  the Relazione's page, whatever sections it has.

Each page goes through Python-Markdown with the extensions ``mkdocs.yml``
uses (:data:`ESTENSIONI`), its ids are prefixed so they stay unique in one
document, links to pages of the same document become links inside the PDF
(other site links are kept as text: the PDF does not know where the site is
published), and a cover (ente, title, year, state) comes first. WeasyPrint
lays it out with a print stylesheet (``templates/pdf.css``) as a tagged
PDF/UA-1 file.

Why WeasyPrint rather than Typst (which has a Python binding and tagged
output too): WeasyPrint takes the HTML the site's Markdown already becomes,
with CSS paged media for page numbers, repeated table headers and
bookmarks from h1/h2, and draws the site's SVG charts as vectors with the
``alt`` of their ``<img>``. Typst would need every page written a second
time in Typst markup, two renderings of one content. The cost is system
libraries (Pango, from Debian: ``make system-deps``).

Safety: the pages are the generator's, whose untrusted text is already
escaped; the cover's text is set as element text (escaped on output).
WeasyPrint fetches nothing by itself: :class:`_Risorse` serves only the
files the build hands it (charts, fonts) and refuses every other URL, so no
network request is made and nothing outside the repository is read.

Reproducible: the date in the metadata is the data's (the latest
measurement), the file identifier is a digest of the content, and
WeasyPrint's font subsets are named from their content; same inputs, same
bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import io
import logging
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..relazione import BOZZA
from . import urls

#: Python-Markdown extensions, as in ``mkdocs.yml`` (a test keeps them equal);
#: ``toc`` without the permalink "¶", which has no use on paper.
ESTENSIONI: tuple[str, ...] = ("tables", "generator.render.tabelle", "attr_list", "md_in_html", "admonition", "def_list", "toc")
CONFIG_ESTENSIONI: dict[str, dict[str, Any]] = {"toc": {"permalink": False}}

#: The print stylesheet (fonts, cover, page numbers, tables).
CSS_STAMPA = Path(__file__).parent / "templates" / "pdf.css"
#: The URL scheme of the only resources WeasyPrint may load (see _Risorse).
SCHEMA = "risorsa"
#: PDF/UA-1: tagged (structure tree, /Lang, alt text), for screen readers.
VARIANTE = "pdf/ua-1"
LINGUA = "it-IT"
#: The Portale della Performance takes documents up to this size.
LIMITE_BYTE = 15 * 1024 * 1024

#: Class of what only the site shows (the link to the PDF itself).
SOLO_SITO = "pf-solo-sito"

#: The Relazione's state before approval and validation (generator.relazione's words).
STATO_BOZZA = BOZZA

_TIPI_MIME = {".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".png": "image/png"}
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_SCHEMA_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Documento:
    """One PDF: which pages, in which order, and what its cover says."""

    percorso: str  # docs-relative path of the PDF
    tipo: str  # "Piano della Performance" / "Relazione sulla Performance"
    ente: str
    anno: int
    pagine: tuple[str, ...]  # docs-relative Markdown pages, in reading order
    stato: str | None = None  # the document's state, on the cover
    data: dt.date | None = None  # the data's date (metadata), never the clock's


def documenti(progetto: Any, aggiornato: dt.date | None) -> list[Documento]:
    """The PDFs of every plan year: its Piano and its Relazione.

    The Relazione's cover states its state in the words the site uses
    (:func:`generator.relazione.testo_stato`); the Piano's, its adoption
    when the plan records one.
    """
    from ..presentation import data
    from ..relazione import testo_stato

    out: list[Documento] = []
    for anno in sorted(progetto.piani):
        piano = progetto.piani[anno]
        pagine = [urls.piano(anno)]
        pagine.extend(urls.obiettivo(anno, s.codice) for s in piano.obiettivi_strategici())
        adozione = getattr(piano, "adozione", None)
        stato_piano = f"Adottato con {adozione.atto} del {data(adozione.data)}" if adozione is not None else None
        out.append(Documento(urls.pdf_piano(anno), "Piano della Performance", piano.ente, anno, tuple(pagine), stato_piano, aggiornato))
        stato = testo_stato(progetto.relazione(anno))
        out.append(
            Documento(urls.pdf_relazione(anno), "Relazione sulla Performance", piano.ente, anno, (urls.relazione(anno),), stato, aggiornato)
        )
    return out


# --------------------------------------------------------------------------
# Markdown pages -> one HTML document
# --------------------------------------------------------------------------


def _front_matter(testo: str) -> tuple[dict[str, Any], str]:
    """(front matter, body) of a generated page; the front matter parsed safely."""
    m = _FRONT_MATTER.match(testo)
    if not m:
        return {}, testo
    from ruamel.yaml import YAML

    dati = YAML(typ="safe", pure=True).load(m.group(1))
    return (dati if isinstance(dati, dict) else {}), testo[m.end() :]


def _markdown(testo: str) -> str:
    import markdown  # type: ignore[import-untyped]  # Python-Markdown ships no type hints

    return str(markdown.markdown(testo, extensions=list(ESTENSIONI), extension_configs=CONFIG_ESTENSIONI, output_format="html"))


def _frammento(html: str) -> ET.Element:
    """The HTML as an element tree (a ``<body>``), parsed as browsers parse it."""
    import tinyhtml5

    radice = tinyhtml5.parse(f"<!DOCTYPE html><html><head></head><body>{html}</body></html>", namespace_html_elements=False)
    body = radice.find("body")
    if not isinstance(body, ET.Element):
        raise PdfError("la pagina non è HTML valido")
    return body


def _prefisso(i: int) -> str:
    return f"p{i}"


@dataclass
class _Contesto:
    """Where a page sits in the document: what its links and images resolve to."""

    indice: dict[str, int]  # page path -> position in the document
    use_directory_urls: bool
    risorse: set[str]  # docs-relative resources the pages reference


def _riscrivi(body: ET.Element, pagina: str, i: int, ctx: _Contesto) -> None:
    """Make one page's tree fit the document: ids, links and image sources."""
    p = _prefisso(i)
    cartella = posixpath.dirname(pagina)
    for par in list(body.iter()):
        for c in list(par):
            if SOLO_SITO in (c.get("class") or "").split():
                par.remove(c)
    for el in body.iter():
        if "id" in el.attrib:
            el.set("id", f"{p}-{el.get('id')}")
    for a in list(body.iter("a")):
        nuovo = _link(a.get("href", ""), cartella, p, ctx)
        if nuovo is None:
            _togli_link(a)
        else:
            a.set("href", nuovo)
    for img in body.iter("img"):
        src = img.get("src", "")
        img.attrib.pop("loading", None)
        if _SCHEMA_URL.match(src) or src.startswith("/"):
            img.set("src", "about:blank")  # never fetched: _Risorse refuses it
            continue
        base = urls.output_dir(pagina, ctx.use_directory_urls)
        rel = posixpath.normpath(posixpath.join(base, unquote(urlsplit(src).path)))
        if rel.startswith(("..", "/")):
            img.set("src", "about:blank")  # outside the site: refused too
            continue
        ctx.risorse.add(rel)
        img.set("src", f"{SCHEMA}:{rel}")


def _link(href: str, cartella: str, p: str, ctx: _Contesto) -> str | None:
    """Where a link points in the PDF; None to keep only its text."""
    if href.startswith("#"):
        return f"#{p}-{href[1:]}" if len(href) > 1 else None
    if _SCHEMA_URL.match(href):
        return href if href.split(":", 1)[0].lower() in ("http", "https", "mailto") else None
    parti = urlsplit(href)
    if not parti.path or parti.path.startswith("/"):
        return None
    dest = posixpath.normpath(posixpath.join(cartella, unquote(parti.path)))
    j = ctx.indice.get(dest)
    if j is None:
        return None
    return f"#{_prefisso(j)}-{parti.fragment}" if parti.fragment else f"#{_prefisso(j)}"


def _togli_link(a: ET.Element) -> None:
    """Make ``<a>`` a ``<span>`` with the same content (text kept, no link)."""
    a.tag = "span"
    for k in list(a.attrib):
        del a.attrib[k]
    a.set("class", "pf-link-sito")


def _el(tag: str, testo: str | None = None, **attrib: str) -> ET.Element:
    e = ET.Element(tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrib.items()})
    e.text = testo
    return e


def _data_it(d: dt.date) -> str:
    from ..presentation import data

    return data(d)


def html_documento(doc: Documento, pagine: Mapping[str, str], *, use_directory_urls: bool = True) -> tuple[str, list[str]]:
    """The whole document as HTML, and the docs-relative resources it uses.

    ``pagine``: page path -> generated Markdown (a missing page is skipped).
    """
    presenti = [p for p in doc.pagine if p in pagine]
    ctx = _Contesto({p: i for i, p in enumerate(presenti)}, use_directory_urls, set())
    titoli: list[str] = []
    sezioni: list[ET.Element] = []
    for i, path in enumerate(presenti):
        meta, corpo = _front_matter(pagine[path])
        titoli.append(str(meta.get("title") or ""))
        body = _frammento(_markdown(corpo))
        _riscrivi(body, path, i, ctx)
        sezione = _el("section", None, id=_prefisso(i), class_="pf-pagina")
        sezione.text = body.text
        sezione.extend(list(body))
        sezioni.append(sezione)
    titolo = titoli[0] if titoli and titoli[0] else f"{doc.tipo} {doc.anno}"

    html = _el("html", None, lang=LINGUA)
    head = ET.SubElement(html, "head")
    head.append(_el("meta", None, charset="utf-8"))
    head.append(_el("title", titolo))
    head.append(_el("meta", None, name="author", content=doc.ente))
    head.append(_el("meta", None, name="description", content=f"{doc.tipo} {doc.anno} — {doc.ente}"))
    head.append(_el("meta", None, name="generator", content="Performance trasparente"))
    if doc.data is not None:
        iso = doc.data.isoformat()
        head.append(_el("meta", None, name="dcterms.created", content=iso))
        head.append(_el("meta", None, name="dcterms.modified", content=iso))
    body = ET.SubElement(html, "body")
    body.append(_copertina(doc, titolo))
    body.extend(sezioni)
    testo = "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html")
    return testo, sorted(ctx.risorse)


def _copertina(doc: Documento, titolo: str) -> ET.Element:
    """The cover: ente, title, year, state; plain text (escaped on output)."""
    c = _el("section", None, class_="pf-copertina")
    c.append(_el("p", doc.ente, class_="pf-ente"))
    c.append(_el("p", titolo, class_="pf-titolo"))
    c.append(_el("p", f"Anno {doc.anno}", class_="pf-anno"))
    if doc.stato:
        c.append(_el("p", doc.stato, class_="pf-stato"))
    nota = "Edizione PDF generata dalle stesse fonti del sito «Performance» dell'ente"
    if doc.data is not None:
        nota += f"; dati aggiornati al {_data_it(doc.data)}"
    c.append(_el("p", nota + ".", class_="pf-nota"))
    return c


# --------------------------------------------------------------------------
# HTML -> PDF
# --------------------------------------------------------------------------


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _Risorse(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped: its base class is Any
        """Serves ``risorsa:<docs path>`` from the files the build gave; refuses the rest.

        WeasyPrint would otherwise open any ``file:`` or ``http:`` URL a page
        or an SVG names; here nothing but these bytes is ever read.
        """

        def __init__(self, leggi: Callable[[str], bytes | None]):
            super().__init__(allowed_protocols=[SCHEMA], allow_redirects=False, timeout=1)
            self._leggi = leggi

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith(f"{SCHEMA}:"):
                raise ValueError(f"risorsa esterna non ammessa nel PDF: {url[:200]}")
            rel = url[len(SCHEMA) + 1 :]
            if posixpath.normpath(rel) != rel or rel.startswith(("/", "..")):
                raise ValueError(f"percorso non ammesso nel PDF: {rel[:200]}")
            data = self._leggi(rel)
            if data is None:
                raise ValueError(f"file non trovato tra quelli del sito: {rel[:200]}")
            tipo = _TIPI_MIME.get(posixpath.splitext(rel)[1].lower(), "application/octet-stream")
            return URLFetcherResponse(url, body=data, headers={"Content-Type": tipo})

    return _Risorse


def css_stampa() -> str:
    return CSS_STAMPA.read_text(encoding="utf-8")


def versione() -> str:
    """What the PDF bytes depend on besides the inputs: this code, CSS, WeasyPrint."""
    h = hashlib.sha256()
    h.update(Path(__file__).read_bytes() + b"\0" + CSS_STAMPA.read_bytes() + b"\0")
    for dist in ("weasyprint", "pydyf", "fonttools", "markdown", "tinyhtml5"):
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist}=?\0".encode())
    return h.hexdigest()


class PdfError(Exception):
    """The PDF could not be made (in Italian)."""


def _carica_weasyprint() -> None:
    """Import WeasyPrint, or say in Italian which system packages are missing."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as e:
        raise PdfError(
            "WeasyPrint non trova le librerie di sistema di cui ha bisogno (Pango): "
            "esegui `make system-deps` (oppure `sudo apt-get install libpango-1.0-0 "
            f"libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core`). Dettaglio: {e}"
        ) from None


def rendi(html: str, leggi: Callable[[str], bytes | None]) -> bytes:
    """Lay out ``html`` with the print stylesheet into a tagged PDF/UA-1 file.

    ``leggi(docs path)`` returns a resource's bytes (None if unknown): the
    only way WeasyPrint reads anything.
    """
    _carica_weasyprint()
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher_class()(leggi)
    fonts = FontConfiguration()
    stile = CSS(string=css_stampa(), url_fetcher=fetcher, font_config=fonts)
    documento = HTML(string=html, url_fetcher=fetcher, media_type="print")
    out = io.BytesIO()
    with _avvisi_weasyprint() as avvisi:
        documento.write_pdf(
            out,
            stylesheets=[stile],
            font_config=fonts,
            pdf_variant=VARIANTE,
            pdf_identifier=True,  # a digest of the content: stable, no random id
            uncompressed_pdf=False,
        )
    if avvisi:
        raise PdfError("; ".join(sorted(set(avvisi)))[:2000])
    return out.getvalue()


class _Raccolta(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messaggi: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messaggi.append(record.getMessage())


class _avvisi_weasyprint:
    """Collect WeasyPrint's warnings (a refused or missing resource, an image
    without alt text): a PDF that silently lacks a chart is a wrong PDF."""

    def __enter__(self) -> list[str]:
        self._log = logging.getLogger("weasyprint")
        self._h = _Raccolta()
        self._prop = self._log.propagate
        self._log.addHandler(self._h)
        self._log.propagate = False
        return self._h.messaggi

    def __exit__(self, *exc: object) -> None:
        self._log.removeHandler(self._h)
        self._log.propagate = self._prop


# --------------------------------------------------------------------------
# The build stage: every document, from a content-addressed cache when possible
# --------------------------------------------------------------------------


def chiave(html: str, risorse: Iterable[tuple[str, bytes | None]], codice: str) -> str:
    """Content address of one PDF: its HTML, the bytes of what it loads, the code."""
    h = hashlib.sha256(f"{codice}\0".encode() + html.encode() + b"\0")
    for rel, data in risorse:
        h.update(rel.encode() + b"\0" + (hashlib.sha256(data).digest() if data is not None else b"-") + b"\0")
    return h.hexdigest()


def genera(
    docs: Iterable[Documento],
    pagina: Callable[[str], str | None],
    leggi: Callable[[str], bytes | None],
    cache_dir: Path,
    *,
    use_directory_urls: bool = True,
    jobs: int | None = None,
) -> tuple[dict[str, bytes], set[str]]:
    """Every document's PDF bytes (docs path -> bytes), and the cache files used.

    A document whose HTML and resources are unchanged comes from
    ``cache_dir`` (``<key>.pdf``): WeasyPrint runs only when something in it
    changed (the fonts and the CSS are resources too). The documents to lay
    out are shared among up to ``jobs`` processes (default: one per CPU).
    """
    from ..runtime import write_atomic

    codice = versione()
    fonti_css = sorted(set(re.findall(rf"{SCHEMA}:([^\"')\s]+)", css_stampa())))
    out: dict[str, bytes] = {}
    usati: set[str] = set()
    da_fare: list[tuple[Documento, str, Path]] = []
    for doc in docs:
        testi = {p: t for p in doc.pagine if (t := pagina(p)) is not None}
        if not testi:
            continue
        html, risorse = html_documento(doc, testi, use_directory_urls=use_directory_urls)
        k = chiave(html, ((r, leggi(r)) for r in [*risorse, *fonti_css]), codice)
        file = Path(cache_dir) / f"{k}.pdf"
        usati.add(file.name)
        try:
            out[doc.percorso] = file.read_bytes()
        except OSError:
            da_fare.append((doc, html, file))
    for (doc, _, file), rendered in zip(da_fare, _rendi_tutti([(d.percorso, h) for d, h, _ in da_fare], leggi, jobs), strict=True):
        if isinstance(rendered, str):
            raise PdfError(f"{doc.percorso}: {rendered}")
        if len(rendered) > LIMITE_BYTE:
            raise PdfError(
                f"{doc.percorso}: il PDF pesa {len(rendered) / 1048576:.1f} MB, oltre i 15 MB che il Portale della Performance accetta"
            )
        write_atomic(file, rendered)
        out[doc.percorso] = rendered
    return out, usati


#: What a forked worker may read ("leggi"), set before forking (inherited, never pickled).
_LAVORO: dict[str, Callable[[str], bytes | None]] = {}


def _rendi_uno(html: str) -> bytes | str:
    """In a worker: the PDF, or the Italian reason it could not be made."""
    try:
        return rendi(html, _LAVORO["leggi"])
    except PdfError as e:
        return str(e)


def _rendi_tutti(lavori: list[tuple[str, str]], leggi: Callable[[str], bytes | None], jobs: int | None) -> list[bytes | str]:
    """Lay out several documents, in parallel when there are several and CPUs to spare.

    Workers are forked (``leggi`` and the loaded libraries are inherited,
    not pickled).
    """
    import multiprocessing
    import os

    n = min(len(lavori), jobs or os.cpu_count() or 1)
    _LAVORO["leggi"] = leggi
    try:
        if n <= 1 or not _fork_sicuro() or "fork" not in multiprocessing.get_all_start_methods():
            return [_rendi_uno(html) for _, html in lavori]
        _carica_weasyprint()  # loaded once, before forking

        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_rendi_uno, [html for _, html in lavori]))
    finally:
        _LAVORO.clear()


def _fork_sicuro() -> bool:
    """Whether this process may fork: no thread but the main one and the
    chart pool's own helpers (a process pool's manager and queue feeder,
    which hold no lock a PDF worker uses). Forking beside other threads
    (``mkdocs serve``'s server) could leave the child deadlocked."""
    import threading
    from concurrent.futures.process import _ExecutorManagerThread

    for t in threading.enumerate():
        if t is threading.main_thread() or isinstance(t, _ExecutorManagerThread) or t.name == "QueueFeederThread":
            continue
        return False
    return True


def pulisci(cache_dir: Path, usati: set[str]) -> None:
    """Remove the cached PDFs this build did not use (each is megabytes)."""
    for f in Path(cache_dir).glob("*.pdf"):
        if f.name not in usati:
            f.unlink(missing_ok=True)


__all__ = [
    "CSS_STAMPA",
    "ESTENSIONI",
    "LIMITE_BYTE",
    "STATO_BOZZA",
    "Documento",
    "PdfError",
    "documenti",
    "genera",
    "html_documento",
    "pulisci",
    "rendi",
]

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
uses (:data:`MARKDOWN_EXTENSIONS`), its ids are prefixed so they stay unique in one
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
import multiprocessing
import os
import posixpath
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import _ExecutorManagerThread
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown  # type: ignore[import-untyped]  # Python-Markdown ships no type hints
import tinyhtml5

from .. import presentation
from ..model import Progetto
from ..relazione import BOZZA, testo_stato
from ..runtime import write_atomic
from . import urls
from .pages import read_front_matter

#: Python-Markdown extensions, as in ``mkdocs.yml`` (a test keeps them equal);
#: ``toc`` without the permalink "¶", which has no use on paper.
MARKDOWN_EXTENSIONS: tuple[str, ...] = ("tables", "generator.render.tabelle", "attr_list", "md_in_html", "admonition", "def_list", "toc")
EXTENSION_CONFIGS: dict[str, dict[str, object]] = {"toc": {"permalink": False}}

#: The print stylesheet (fonts, cover, page numbers, tables).
PRINT_CSS = Path(__file__).parent / "templates" / "pdf.css"
#: The URL scheme of the only resources WeasyPrint may load (see _Risorse).
RESOURCE_SCHEME = "risorsa"
#: PDF/UA-1: tagged (structure tree, /Lang, alt text), for screen readers.
PDF_VARIANT = "pdf/ua-1"
LANGUAGE = "it-IT"
#: The Portale della Performance takes documents up to this size.
MAX_BYTES = 15 * 1024 * 1024

#: Class of what only the site shows (the link to the PDF itself).
SITE_ONLY_CLASS = "pf-solo-sito"

#: The Relazione's state before approval and validation (generator.relazione's words).
STATO_BOZZA = BOZZA

_MIME_TYPES = {".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".png": "image/png"}
_SCHEMA_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PdfDocument:
    """One PDF: which pages, in which order, and what its cover says."""

    path: str  # docs-relative path of the PDF
    tipo: str  # "Piano della Performance" / "Relazione sulla Performance"
    ente: str
    anno: int
    pages: tuple[str, ...]  # docs-relative Markdown pages, in reading order
    stato: str | None = None  # the document's state, on the cover
    data: dt.date | None = None  # the data's date (metadata), never the clock's


def pdf_documents(progetto: Progetto, aggiornato: dt.date | None) -> list[PdfDocument]:
    """The PDFs of every plan year: its Piano and its Relazione.

    The Relazione's cover states its state in the words the site uses
    (:func:`generator.relazione.testo_stato`); the Piano's, its adoption
    when the plan records one.
    """
    out: list[PdfDocument] = []
    for anno in sorted(progetto.piani):
        piano = progetto.piani[anno]
        pages = [urls.piano(anno)]
        pages.extend(urls.obiettivo(anno, s.codice) for s in piano.obiettivi_strategici())
        adozione = getattr(piano, "adozione", None)
        stato_piano = f"Adottato con {adozione.atto} del {_italian_date(adozione.data)}" if adozione is not None else None
        out.append(PdfDocument(urls.pdf_piano(anno), "Piano della Performance", piano.ente, anno, tuple(pages), stato_piano, aggiornato))
        stato = testo_stato(progetto.relazione(anno))
        out.append(
            PdfDocument(urls.pdf_relazione(anno), "Relazione sulla Performance", piano.ente, anno, (urls.relazione(anno),), stato, aggiornato)
        )
    return out


# --------------------------------------------------------------------------
# Markdown pages -> one HTML document
# --------------------------------------------------------------------------


def _markdown(text: str) -> str:
    return str(markdown.markdown(text, extensions=list(MARKDOWN_EXTENSIONS), extension_configs=EXTENSION_CONFIGS, output_format="html"))


def _fragment(html: str) -> ET.Element:
    """The HTML as an element tree (a ``<body>``), parsed as browsers parse it."""
    radice = tinyhtml5.parse(f"<!DOCTYPE html><html><head></head><body>{html}</body></html>", namespace_html_elements=False)
    body = radice.find("body")
    if not isinstance(body, ET.Element):
        raise PdfError("la pagina non è HTML valido")
    return body


def _prefix(i: int) -> str:
    return f"p{i}"


@dataclass
class _Context:
    """Where a page sits in the document: what its links and images resolve to."""

    indice: dict[str, int]  # page path -> position in the document
    use_directory_urls: bool
    resources: set[str]  # docs-relative resources the pages reference


def _rewrite(body: ET.Element, page: str, i: int, ctx: _Context) -> None:
    """Make one page's tree fit the document: ids, links and image sources."""
    p = _prefix(i)
    cartella = posixpath.dirname(page)
    for par in list(body.iter()):
        for c in list(par):
            if SITE_ONLY_CLASS in (c.get("class") or "").split():
                par.remove(c)
    for el in body.iter():
        if "id" in el.attrib:
            el.set("id", f"{p}-{el.get('id')}")
    for a in list(body.iter("a")):
        nuovo = _link(a.get("href", ""), cartella, p, ctx)
        if nuovo is None:
            _drop_link(a)
        else:
            a.set("href", nuovo)
    for img in body.iter("img"):
        src = img.get("src", "")
        img.attrib.pop("loading", None)
        if _SCHEMA_URL.match(src) or src.startswith("/"):
            img.set("src", "about:blank")  # never fetched: _Risorse refuses it
            continue
        base = urls.output_dir(page, ctx.use_directory_urls)
        rel = posixpath.normpath(posixpath.join(base, unquote(urlsplit(src).path)))
        if rel.startswith(("..", "/")):
            img.set("src", "about:blank")  # outside the site: refused too
            continue
        ctx.resources.add(rel)
        img.set("src", f"{RESOURCE_SCHEME}:{rel}")


def _link(href: str, cartella: str, p: str, ctx: _Context) -> str | None:
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
    return f"#{_prefix(j)}-{parti.fragment}" if parti.fragment else f"#{_prefix(j)}"


def _drop_link(a: ET.Element) -> None:
    """Make ``<a>`` a ``<span>`` with the same content (text kept, no link)."""
    a.tag = "span"
    for k in list(a.attrib):
        del a.attrib[k]
    a.set("class", "pf-link-sito")


def _el(tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    e = ET.Element(tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrib.items()})
    e.text = text
    return e


def _italian_date(d: dt.date) -> str:
    return presentation.data(d)


def document_html(doc: PdfDocument, pages: Mapping[str, str], *, use_directory_urls: bool = True) -> tuple[str, list[str]]:
    """The whole document as HTML, and the docs-relative resources it uses.

    ``pagine``: page path -> generated Markdown (a missing page is skipped).
    """
    presenti = [p for p in doc.pages if p in pages]
    ctx = _Context({p: i for i, p in enumerate(presenti)}, use_directory_urls, set())
    titoli: list[str] = []
    sezioni: list[ET.Element] = []
    for i, path in enumerate(presenti):
        meta, corpo = read_front_matter(pages[path])
        titoli.append(str(meta.get("title") or ""))
        body = _fragment(_markdown(corpo))
        _rewrite(body, path, i, ctx)
        sezione = _el("section", None, id=_prefix(i), class_="pf-pagina")
        sezione.text = body.text
        sezione.extend(list(body))
        sezioni.append(sezione)
    titolo = titoli[0] if titoli and titoli[0] else f"{doc.tipo} {doc.anno}"

    html = _el("html", None, lang=LANGUAGE)
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
    body.append(_cover(doc, titolo))
    body.extend(sezioni)
    text = "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html")
    return text, sorted(ctx.resources)


def _cover(doc: PdfDocument, titolo: str) -> ET.Element:
    """The cover: ente, title, year, state; plain text (escaped on output)."""
    c = _el("section", None, class_="pf-copertina")
    c.append(_el("p", doc.ente, class_="pf-ente"))
    c.append(_el("p", titolo, class_="pf-titolo"))
    c.append(_el("p", f"Anno {doc.anno}", class_="pf-anno"))
    if doc.stato:
        c.append(_el("p", doc.stato, class_="pf-stato"))
    nota = "Edizione PDF generata dalle stesse fonti del sito «Performance» dell'ente"
    if doc.data is not None:
        nota += f"; dati aggiornati al {_italian_date(doc.data)}"
    c.append(_el("p", nota + ".", class_="pf-nota"))
    return c


# --------------------------------------------------------------------------
# HTML -> PDF
# --------------------------------------------------------------------------


def _fetcher_class() -> type:
    # WeasyPrint costs ~320 ms CPU to import and needs Pango: loaded only to lay out a PDF
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _Risorse(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped: its base class is Any
        """Serves ``risorsa:<docs path>`` from the files the build gave; refuses the rest.

        WeasyPrint would otherwise open any ``file:`` or ``http:`` URL a page
        or an SVG names; here nothing but these bytes is ever read.
        """

        def __init__(self, read: Callable[[str], bytes | None]):
            super().__init__(allowed_protocols=[RESOURCE_SCHEME], allow_redirects=False, timeout=1)
            self._leggi = read

        def fetch(self, url: str, headers: object = None) -> object:
            if not url.startswith(f"{RESOURCE_SCHEME}:"):
                raise ValueError(f"risorsa esterna non ammessa nel PDF: {url[:200]}")
            rel = url[len(RESOURCE_SCHEME) + 1 :]
            if posixpath.normpath(rel) != rel or rel.startswith(("/", "..")):
                raise ValueError(f"percorso non ammesso nel PDF: {rel[:200]}")
            data = self._leggi(rel)
            if data is None:
                raise ValueError(f"file non trovato tra quelli del sito: {rel[:200]}")
            tipo = _MIME_TYPES.get(posixpath.splitext(rel)[1].lower(), "application/octet-stream")
            return URLFetcherResponse(url, body=data, headers={"Content-Type": tipo})

    return _Risorse


def print_css() -> str:
    return PRINT_CSS.read_text(encoding="utf-8")


def version() -> str:
    """What the PDF bytes depend on besides the inputs: this code, CSS, WeasyPrint."""
    h = hashlib.sha256()
    h.update(Path(__file__).read_bytes() + b"\0" + PRINT_CSS.read_bytes() + b"\0")
    for dist in ("weasyprint", "pydyf", "fonttools", "markdown", "tinyhtml5"):
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist}=?\0".encode())
    return h.hexdigest()


class PdfError(Exception):
    """The PDF could not be made (in Italian)."""


def _load_weasyprint() -> None:
    """Import WeasyPrint, or say in Italian which system packages are missing."""
    try:
        # WeasyPrint costs ~320 ms CPU to import and needs Pango: loaded only to lay out a PDF
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as e:
        raise PdfError(
            "WeasyPrint non trova le librerie di sistema di cui ha bisogno (Pango): "
            "esegui `make system-deps` (oppure `sudo apt-get install libpango-1.0-0 "
            f"libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core`). Dettaglio: {e}"
        ) from None


def render_pdf(html: str, read: Callable[[str], bytes | None]) -> bytes:
    """Lay out ``html`` with the print stylesheet into a tagged PDF/UA-1 file.

    ``leggi(docs path)`` returns a resource's bytes (None if unknown): the
    only way WeasyPrint reads anything.
    """
    _load_weasyprint()
    # WeasyPrint costs ~320 ms CPU to import and needs Pango: loaded only to lay out a PDF
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher_class()(read)
    fonts = FontConfiguration()
    stile = CSS(string=print_css(), url_fetcher=fetcher, font_config=fonts)
    documento = HTML(string=html, url_fetcher=fetcher, media_type="print")
    out = io.BytesIO()
    with _weasyprint_warnings() as avvisi:
        documento.write_pdf(
            out,
            stylesheets=[stile],
            font_config=fonts,
            pdf_variant=PDF_VARIANT,
            pdf_identifier=True,  # a digest of the content: stable, no random id
            uncompressed_pdf=False,
        )
    if avvisi:
        raise PdfError("; ".join(sorted(set(avvisi)))[:2000])
    return out.getvalue()


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messaggi: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messaggi.append(record.getMessage())


class _weasyprint_warnings:
    """Collect WeasyPrint's warnings (a refused or missing resource, an image
    without alt text): a PDF that silently lacks a chart is a wrong PDF."""

    def __enter__(self) -> list[str]:
        self._log = logging.getLogger("weasyprint")
        self._h = _Collector()
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


def cache_key(html: str, resources: Iterable[tuple[str, bytes | None]], code_version: str) -> str:
    """Content address of one PDF: its HTML, the bytes of what it loads, the code."""
    h = hashlib.sha256(f"{code_version}\0".encode() + html.encode() + b"\0")
    for rel, data in resources:
        h.update(rel.encode() + b"\0" + (hashlib.sha256(data).digest() if data is not None else b"-") + b"\0")
    return h.hexdigest()


def generate(
    docs: Iterable[PdfDocument],
    page: Callable[[str], str | None],
    read: Callable[[str], bytes | None],
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
    code_version = version()
    css_sources = sorted(set(re.findall(rf"{RESOURCE_SCHEME}:([^\"')\s]+)", print_css())))
    out: dict[str, bytes] = {}
    used: set[str] = set()
    todo: list[tuple[PdfDocument, str, Path]] = []
    for doc in docs:
        texts = {p: t for p in doc.pages if (t := page(p)) is not None}
        if not texts:
            continue
        html, resources = document_html(doc, texts, use_directory_urls=use_directory_urls)
        k = cache_key(html, ((r, read(r)) for r in [*resources, *css_sources]), code_version)
        file = Path(cache_dir) / f"{k}.pdf"
        used.add(file.name)
        try:
            out[doc.path] = file.read_bytes()
        except OSError:
            todo.append((doc, html, file))
    for (doc, _, file), rendered in zip(todo, _render_all([(d.path, h) for d, h, _ in todo], read, jobs), strict=True):
        if isinstance(rendered, str):
            raise PdfError(f"{doc.path}: {rendered}")
        if len(rendered) > MAX_BYTES:
            raise PdfError(
                f"{doc.path}: il PDF pesa {len(rendered) / 1048576:.1f} MB, oltre i 15 MB che il Portale della Performance accetta"
            )
        write_atomic(file, rendered)
        out[doc.path] = rendered
    return out, used


#: What a forked worker may read ("leggi"), set before forking (inherited, never pickled).
_JOB_READER: dict[str, Callable[[str], bytes | None]] = {}


def _render_one(html: str) -> bytes | str:
    """In a worker: the PDF, or the Italian reason it could not be made."""
    try:
        return render_pdf(html, _JOB_READER["leggi"])
    except PdfError as e:
        return str(e)


def _render_all(jobs_list: list[tuple[str, str]], read: Callable[[str], bytes | None], jobs: int | None) -> list[bytes | str]:
    """Lay out several documents, in parallel when there are several and CPUs to spare.

    Workers are forked (``leggi`` and the loaded libraries are inherited,
    not pickled).
    """
    n = min(len(jobs_list), jobs or os.cpu_count() or 1)
    _JOB_READER["leggi"] = read
    try:
        if n <= 1 or not _fork_is_safe() or "fork" not in multiprocessing.get_all_start_methods():
            return [_render_one(html) for _, html in jobs_list]
        _load_weasyprint()  # loaded once, before forking
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_render_one, [html for _, html in jobs_list]))
    finally:
        _JOB_READER.clear()


def _fork_is_safe() -> bool:
    """Whether this process may fork: no thread but the main one and the
    chart pool's own helpers (a process pool's manager and queue feeder,
    which hold no lock a PDF worker uses). Forking beside other threads
    (``mkdocs serve``'s server) could leave the child deadlocked."""
    for t in threading.enumerate():
        if t is threading.main_thread() or isinstance(t, _ExecutorManagerThread) or t.name == "QueueFeederThread":
            continue
        return False
    return True


def prune_cache(cache_dir: Path, used: set[str]) -> None:
    """Remove the cached PDFs this build did not use (each is megabytes)."""
    for f in Path(cache_dir).glob("*.pdf"):
        if f.name not in used:
            f.unlink(missing_ok=True)


__all__ = [
    "MARKDOWN_EXTENSIONS",
    "MAX_BYTES",
    "PRINT_CSS",
    "STATO_BOZZA",
    "PdfDocument",
    "PdfError",
    "document_html",
    "generate",
    "pdf_documents",
    "prune_cache",
    "render_pdf",
]

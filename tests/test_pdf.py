"""The PDF edition of the Piano and the Relazione, opened with a PDF library (pypdf).

The shipped data is built twice from nothing, each time laying the PDFs out
afresh (no shared PDF cache): the PDFs must be the same bytes, tagged
(structure tree, ``/Lang`` it-IT, alt text on the charts), with title and
author, every font embedded, one bookmark per h1/h2 of the pages they are
made of, the site's numbers in their text, and under 15 MB.
"""

from __future__ import annotations

import html.parser
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject
from test_build import FIXTURES, REPO, progetto

from generator import build as B
from generator.render import pdf as P, urls
from generator.validate import check_project

pytestmark = pytest.mark.slow

ANNO = 2021


def _build_fresco(root: Path) -> None:
    """``generator build`` with the PDFs laid out afresh (no shared PDF cache)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", B.CACHE_PDF_ENV)}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(root), "--strict"],
        capture_output=True, text=True, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def siti(tmp_path_factory) -> tuple[Path, Path]:
    """The shipped data built from nothing in two folders."""
    a = progetto(tmp_path_factory.mktemp("pdf-a") / "p", REPO)
    b = progetto(tmp_path_factory.mktemp("pdf-b") / "p", REPO)
    _build_fresco(a)
    _build_fresco(b)
    return a, b


@pytest.fixture(scope="module")
def sito(siti) -> Path:
    return siti[0]


def _pdf(root: Path, rel: str) -> Path:
    return root / "site" / rel


def _reader(root: Path, rel: str) -> PdfReader:
    return PdfReader(_pdf(root, rel))


DOCUMENTI = [urls.pdf_piano(ANNO), urls.pdf_relazione(ANNO)]


class _Titoli(html.parser.HTMLParser):
    """h1/h2 texts inside the page's article (Material's permalink ¶ left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.titoli: list[tuple[int, str]] = []
        self._in: int | None = None
        self._skip = 0
        self._testo: list[str] = []
        self._article = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article":
            self._article += 1
        if self._article and tag in ("h1", "h2"):
            self._in, self._testo = int(tag[1]), []
        if self._in is not None and tag == "a" and "headerlink" in (a.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self._article -= 1
        if tag == "a" and self._skip:
            self._skip -= 1
        if self._in is not None and tag == f"h{self._in}":
            self.titoli.append((self._in, " ".join("".join(self._testo).split())))
            self._in = None

    def handle_data(self, data):
        if self._in is not None and not self._skip:
            self._testo.append(data)


def _titoli_pagina(root: Path, pagina_md: str) -> list[tuple[int, str]]:
    html_file = root / "site" / pagina_md.removesuffix("index.md") / "index.html"
    p = _Titoli()
    p.feed(html_file.read_text(encoding="utf-8"))
    return p.titoli


def _segnalibri(voci: list[Any], reader: PdfReader, livello: int = 1) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for v in voci:
        if isinstance(v, list):
            out.extend(_segnalibri(v, reader, livello + 1))
        else:
            out.append((livello, " ".join(str(v.title).split())))
    return out


def _testo(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _risolvi(o: Any) -> Any:
    return o.get_object() if isinstance(o, IndirectObject) else o


def _font(reader: PdfReader) -> dict[str, DictionaryObject]:
    """Every font of every page, also those inside form XObjects (the SVG charts)."""
    trovati: dict[str, DictionaryObject] = {}
    visti: set[int] = set()

    def risorse(res: Any) -> None:
        res = _risolvi(res)
        if not isinstance(res, DictionaryObject) or id(res) in visti:
            return
        visti.add(id(res))
        for rif in _risolvi(res.get("/Font", DictionaryObject())).values():
            f = _risolvi(rif)
            trovati[str(f.get("/BaseFont"))] = f
        for rif in _risolvi(res.get("/XObject", DictionaryObject())).values():
            x = _risolvi(rif)
            if "/Resources" in x:
                risorse(x["/Resources"])
        for rif in _risolvi(res.get("/Pattern", DictionaryObject())).values():
            pat = _risolvi(rif)
            if "/Resources" in pat:
                risorse(pat["/Resources"])

    for page in reader.pages:
        risorse(page.get("/Resources", DictionaryObject()))
    return trovati


def _struttura(reader: PdfReader) -> list[DictionaryObject]:
    """Every structure element under /StructTreeRoot."""
    out: list[DictionaryObject] = []
    pila = [_risolvi(reader.trailer["/Root"]["/StructTreeRoot"])]
    while pila:
        el = pila.pop()
        kids = _risolvi(el.get("/K"))
        if kids is None:
            continue
        for rif in kids if isinstance(kids, list) else [kids]:
            k = _risolvi(rif)
            if isinstance(k, DictionaryObject) and "/S" in k:  # a structure element (not a marked-content id)
                out.append(k)
                pila.append(k)
    return out


# --------------------------------------------------------------------------
# Built with the site, linked from its pages
# --------------------------------------------------------------------------


@pytest.mark.parametrize("pagina, documento", [
    (urls.piano(ANNO), urls.pdf_piano(ANNO)),
    (urls.relazione(ANNO), urls.pdf_relazione(ANNO)),
    (urls.PERFORMANCE, urls.pdf_piano(ANNO)),
    (urls.PERFORMANCE, urls.pdf_relazione(ANNO)),
])
def test_pdfs_are_published_and_linked_from_their_pages_and_the_performance_section(sito, pagina, documento):
    html_file = sito / "site" / pagina.removesuffix("index.md") / "index.html"
    hrefs = re.findall(r'href="([^"]+\.pdf)"', html_file.read_text(encoding="utf-8"))
    risolti = {(html_file.parent / h).resolve() for h in hrefs}
    assert _pdf(sito, documento).resolve() in risolti
    assert _pdf(sito, documento).read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("rel", DOCUMENTI)
def test_pdf_is_tagged_with_a_structure_tree(sito, rel):
    root = _reader(sito, rel).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] is True or str(root["/MarkInfo"]["/Marked"]) == "True"
    tipi = {str(e.get("/S")) for e in _struttura(_reader(sito, rel))}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/P"} <= tipi


@pytest.mark.parametrize("rel", DOCUMENTI)
def test_pdf_language_is_italian(sito, rel):
    assert str(_reader(sito, rel).trailer["/Root"]["/Lang"]) == "it-IT"


@pytest.mark.parametrize("pagina, rel", [(urls.piano(ANNO), urls.pdf_piano(ANNO)), (urls.relazione(ANNO), urls.pdf_relazione(ANNO))])
def test_pdf_title_is_the_page_title_and_author_is_the_ente(sito, pagina, rel):
    meta = _reader(sito, rel).metadata
    ente = check_project(sito).progetto.piani[ANNO].ente
    assert meta.title == _titoli_pagina(sito, pagina)[0][1]
    assert meta.author == ente
    # The XMP packet says the same (PDF/UA asks for dc:title there).
    xmp = _reader(sito, rel).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert meta.title in xmp and "pdfuaid:part" in xmp


@pytest.mark.parametrize("rel", DOCUMENTI)
def test_every_font_is_embedded(sito, rel):
    font = _font(_reader(sito, rel))
    assert any("Titillium" in nome for nome in font), sorted(font)
    for nome, f in font.items():
        desc = f
        if f.get("/Subtype") == "/Type0":
            desc = _risolvi(f["/DescendantFonts"][0])
        descrittore = _risolvi(desc["/FontDescriptor"])
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descrittore), f"{nome} non incorporato"


def test_one_bookmark_per_section_of_the_relazione(sito):
    reader = _reader(sito, urls.pdf_relazione(ANNO))
    attesi = _titoli_pagina(sito, urls.relazione(ANNO))
    assert len(attesi) > 2
    assert _segnalibri(reader.outline, reader) == attesi


def test_one_bookmark_per_section_of_every_page_of_the_piano(sito):
    reader = _reader(sito, urls.pdf_piano(ANNO))
    piano = check_project(sito).progetto.piani[ANNO]
    pagine = [urls.piano(ANNO), *(urls.obiettivo(ANNO, s.codice) for s in piano.obiettivi_strategici())]
    attesi = [t for p in pagine for t in _titoli_pagina(sito, p)]
    assert _segnalibri(reader.outline, reader) == attesi


@pytest.mark.parametrize("rel", DOCUMENTI)
def test_text_has_every_strategic_objective_code(sito, rel):
    testo = " ".join(_testo(_reader(sito, rel)).split())
    for s in check_project(sito).progetto.piani[ANNO].obiettivi_strategici():
        assert re.search(rf"(?<![\d.]){re.escape(s.codice)} {re.escape(s.titolo)}", testo) or (
            f"Obiettivo strategico {s.codice} — {s.titolo}" in testo
        ), s.codice


def test_relazione_text_has_the_ente_grade_as_the_site_prints_it(sito):
    pagina = (sito / "site" / "relazione" / str(ANNO) / "index.html").read_text(encoding="utf-8")
    m = re.search(r"Grado di raggiungimento complessivo dell&#39;ente: <strong>([^<]+)</strong>|"
                  r"Grado di raggiungimento complessivo dell'ente: <strong>([^<]+)</strong>", pagina)
    assert m, "la pagina della Relazione non mostra il grado dell'ente"
    grado = m.group(1) or m.group(2)
    testo = " ".join(_testo(_reader(sito, urls.pdf_relazione(ANNO))).split())
    assert f"Grado di raggiungimento complessivo dell'ente: {grado}" in testo


def test_cover_shows_ente_title_year_and_draft_state(sito):
    reader = _reader(sito, urls.pdf_relazione(ANNO))
    copertina = " ".join((reader.pages[0].extract_text() or "").split())
    ente = check_project(sito).progetto.piani[ANNO].ente
    for parte in (ente, f"Relazione sulla Performance {ANNO}", f"Anno {ANNO}", P.STATO_BOZZA):
        assert parte in copertina


def test_pages_after_the_cover_are_numbered(sito):
    reader = _reader(sito, urls.pdf_piano(ANNO))
    n = len(reader.pages)
    assert n > 3
    assert "Pagina" not in (reader.pages[0].extract_text() or "")
    for i in (1, n - 1):
        assert f"Pagina {i + 1} di {n}" in (reader.pages[i].extract_text() or "")


def test_table_header_rows_repeat_after_a_page_break(sito):
    """The Relazione's per-objective tables span pages: their header row is printed on each."""
    reader = _reader(sito, urls.pdf_relazione(ANNO))
    intestazione = "Obiettivo operativo / azione"
    pagina_md = (sito / "build" / "docs" / urls.relazione(ANNO)).read_text(encoding="utf-8")
    tabelle = pagina_md.count(f"| {intestazione} |")
    stampate = sum((p.extract_text() or "").count(intestazione) for p in reader.pages)
    assert tabelle > 0 and stampate > tabelle


@pytest.mark.parametrize("rel", DOCUMENTI)
def test_charts_are_vector_figures_with_their_alt_text(sito, rel):
    reader = _reader(sito, rel)
    figure = [e for e in _struttura(reader) if str(e.get("/S")) == "/Figure"]
    assert figure and all(str(e.get("/Alt", "")).startswith(("Grado di raggiungimento", "Andamento")) for e in figure)
    for page in reader.pages:
        for x in _risolvi(_risolvi(page.get("/Resources", DictionaryObject())).get("/XObject", DictionaryObject())).values():
            assert _risolvi(x).get("/Subtype") == "/Form"  # drawn, not a bitmap


def test_two_builds_give_identical_pdfs(siti):
    a, b = siti
    for rel in DOCUMENTI:
        assert _pdf(a, rel).read_bytes() == _pdf(b, rel).read_bytes(), rel


@pytest.mark.parametrize("rel", DOCUMENTI)
def test_pdf_is_under_15_mb(sito, rel):
    assert _pdf(sito, rel).stat().st_size < P.MAX_BYTES


def test_hostile_text_is_printed_as_text_on_the_cover(tmp_path):
    root = progetto(tmp_path / "p", FIXTURES / "iniezione")
    _build_fresco(root)
    ente = check_project(root).progetto.piani[min(check_project(root).progetto.piani)].ente
    anno = min(check_project(root).progetto.piani)
    reader = PdfReader(_pdf(root, urls.pdf_relazione(anno)))
    assert ente in " ".join((reader.pages[0].extract_text() or "").split())


# --------------------------------------------------------------------------
# Rendering on its own: nothing is fetched that the build did not hand over
# --------------------------------------------------------------------------


def _documento(pagine: tuple[str, ...] = ("piano/2021/index.md",)) -> P.PdfDocument:
    return P.PdfDocument("piano/2021/x.pdf", "Piano della Performance", "Ente", 2021, pagine)


def test_markdown_extensions_are_those_of_mkdocs_yml():
    from ruamel.yaml import YAML

    conf = YAML(typ="safe", pure=True).load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    nomi = [e if isinstance(e, str) else next(iter(e)) for e in conf["markdown_extensions"]]
    assert tuple(nomi) == P.MARKDOWN_EXTENSIONS


def test_links_between_pages_of_the_document_stay_inside_it():
    pagine = {
        "piano/2021/index.md": "# Piano\n\n[vai a 1](obiettivi/1/index.md#risultati) e [sito](../../dati-aperti.md)\n",
        "piano/2021/obiettivi/1/index.md": "# Uno\n\n## Risultati\n",
    }
    html, _ = P.document_html(_documento(tuple(pagine)), pagine)
    assert 'href="#p1-risultati"' in html and 'id="p1-risultati"' in html
    assert "dati-aperti" not in html and ">sito</span>" in html


def test_only_resources_under_the_site_are_asked_for_and_others_are_refused():
    chiesti: list[str] = []

    def leggi(rel: str) -> bytes | None:
        chiesti.append(rel)
        return (REPO / "docs" / rel).read_bytes() if rel.startswith("assets/fonts/") else None

    pagina = (
        '# Titolo\n\n<img src="http://example.invalid/x.png" alt="a">\n\n'
        '<img src="file:///etc/passwd" alt="b">\n\n<img src="../../../../../etc/passwd" alt="c">\n'
    )
    html, risorse = P.document_html(_documento(), {"piano/2021/index.md": pagina})
    assert "example.invalid" not in html and "file:" not in html
    with pytest.raises(P.PdfError):
        P.render_pdf(html, leggi)
    assert chiesti and all(c.startswith("assets/fonts/") or ".." in c or c in risorse for c in chiesti)
    assert not any(c.startswith("/") for c in chiesti)


def test_a_page_only_for_the_site_is_left_out_of_the_pdf():
    pagina = "# T\n\nScarica il PDF.\n{: .pf-solo-sito }\n\nResto.\n"
    html, _ = P.document_html(_documento(), {"piano/2021/index.md": pagina})
    assert "Scarica il PDF" not in html and "Resto." in html


def test_poppler_renders_the_cover_with_ink_on_it(sito, tmp_path):
    """A second, independent reader (poppler's pdftoppm) draws the PDF."""
    from PIL import Image

    out = tmp_path / "copertina"
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", "-singlefile",
         str(_pdf(sito, urls.pdf_relazione(ANNO))), str(out)],
        check=True, capture_output=True,
    )
    img = Image.open(out.with_suffix(".png")).convert("L")
    assert img.size[1] > img.size[0]  # A4 portrait
    assert img.getextrema()[0] < 100  # dark text and the bar on a white page


def test_cover_states_a_validated_relazione_in_the_sites_words(tmp_path):
    """The cover's state is generator.relazione.testo_stato, as on the page."""
    import shutil

    from generator.relazione import testo_stato

    root = progetto(tmp_path / "p", REPO)
    shutil.copytree(REPO / "relazione", root / "relazione")
    yml = root / "relazione" / str(ANNO) / "relazione.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace(
            "stato: bozza\n",
            'stato: validata\napprovazione: {data: 2022-06-20, atto: "Delibera di Giunta n. 45"}\n'
            'validazione: {data: 2022-06-28, documento: "https://example.org/validazione-oiv-2021.pdf"}\n',
        ),
        encoding="utf-8",
    )
    prog = check_project(root).progetto
    assert prog is not None
    rel = next(d for d in P.pdf_documents(prog, None) if d.path == urls.pdf_relazione(ANNO))
    assert rel.stato == testo_stato(prog.relazione(ANNO)) == "Validata dall'OIV il 28 giugno 2022"
    html, _ = P.document_html(rel, {urls.relazione(ANNO): "# Relazione\n"})
    assert "Validata dall'OIV il 28 giugno 2022" in html and P.STATO_BOZZA not in html

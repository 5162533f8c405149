"""Generated pages: escaping, structure, and golden Markdown of the fixture project.

The golden files in ``tests/golden/pages/`` are the exact Markdown the
generator writes for ``tests/fixtures/progetto``. After a deliberate change
to the pages, rewrite them with::

    .venv/bin/pytest tests/test_pages.py --update-golden

and read the diff before committing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html.parser
import posixpath
import re
from decimal import Decimal
from pathlib import Path

import jinja2
import markdown
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis_profiles import examples

from generator import opendata
from generator.diagnostics import Pos
from generator.presentation import Md, UnformattedValue, finalize, md, md_block
from generator.provenance import Modifica, Provenienza
from generator.render import pages, urls
from generator.validate import load_project

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "progetto"
INIEZIONE = REPO / "tests" / "fixtures" / "iniezione"
GOLDEN = REPO / "tests" / "golden" / "pages"

#: The Markdown extensions of the site (mkdocs.yml), so escaping is tested
#: against the parser that will really read the pages.
EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "def_list", "toc"]

GOLDEN_PAGES = {
    "home.md": urls.HOME,
    "performance.md": urls.PERFORMANCE,
    "smvp.md": urls.SMVP,
    "strategico-1.md": "piano/2021/obiettivi/1/index.md",
    "operativo-1.1.md": "piano/2021/obiettivi/1.1/index.md",
    "relazione-2021.md": "relazione/2021/index.md",
    "struttura-uo-registro.md": "strutture/uo-registro.md",
    "premi.md": urls.PREMI,
    "dati-premi.md": urls.DATI_PREMI,
}


def _sito(root: Path, **kw) -> pages.Sito:
    progetto = load_project(root)
    return pages.render_site(progetto, opendata=opendata.export_files(progetto), **kw)


@pytest.fixture(scope="module")
def sito() -> pages.Sito:
    return _sito(FIXTURE)


@pytest.fixture(scope="module")
def sito_iniezione() -> pages.Sito:
    return _sito(INIEZIONE)


# --------------------------------------------------------------------------
# HTML inspection helpers
# --------------------------------------------------------------------------


class _Tree(html.parser.HTMLParser):
    """Tags (with attributes) and text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(fragment: str) -> _Tree:
    t = _Tree()
    t.feed(fragment)
    t.close()
    return t


def _render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def _normal(text: str) -> str:
    """What md() promises to keep: the text, control characters dropped, line
    breaks and runs of ASCII spaces collapsed, ends trimmed."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    text = re.sub(r"[ \t\n\r\u0085\u2028\u2029]+", " ", text)
    return text.strip()


# --------------------------------------------------------------------------
# Escaping
# --------------------------------------------------------------------------

ATTACCHI = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![img](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "Titolo {: onclick=\"alert(1)\" }",
    "Titolo { #id .classe }",
    "# titolo",
    "Titolo ##",
    "- elenco",
    "+ elenco",
    "* elenco",
    "1. elenco",
    "12) elenco",
    "> citazione",
    "=== ",
    ": definizione",
    "!!! warning \"x\"",
    "*enfasi* _enfasi_ **forte** __forte__",
    "`codice` ``codice``",
    "a | b | c",
    "&lt;script&gt; &amp; &#60;",
    "<http://example.org>",
    "<!-- commento -->",
    "[TOC]",
    "riga uno\nriga due\n\n    quattro spazi",
    "fine con due spazi  ",
    "\\[x\\](y)",
    "{{ 7*7 }} {% raw %} {# c #}",
]


@pytest.mark.parametrize("testo", ATTACCHI)
def test_untrusted_text_renders_as_the_same_text_in_a_paragraph(testo):
    tree = _parse(_render(md(testo)))
    assert [t for t, _ in tree.tags] == ["p"]
    assert "".join(tree.text).strip() == _normal(testo)


@pytest.mark.parametrize("testo", ATTACCHI)
def test_untrusted_text_renders_as_the_same_text_in_a_table_cell(testo):
    tabella = f"| A | B |\n| --- | --- |\n| {md(testo)} | fine |\n"
    tree = _parse(_render(tabella))
    celle = [t for t, _ in tree.tags if t == "td"]
    assert len(celle) == 2
    assert {t for t, _ in tree.tags} <= {"table", "thead", "tbody", "tr", "th", "td"}
    assert _normal(testo) in "".join(tree.text)


@pytest.mark.parametrize("testo", ATTACCHI)
def test_untrusted_text_renders_as_the_same_text_in_a_heading(testo):
    tree = _parse(_render(f"## {md(testo)}"))
    assert [t for t, _ in tree.tags] == ["h2"]
    assert dict(tree.tags[0][1]).keys() <= {"id"}
    assert "".join(tree.text).strip() == _normal(testo)


@pytest.mark.parametrize("testo", ATTACCHI)
def test_untrusted_text_in_a_link_stays_link_text(testo):
    p = pages.Pagina("index.md")
    tree = _parse(_render(f"- {p.link(testo, 'performance/index.md')}"))
    assert [t for t, _ in tree.tags] == ["ul", "li", "a"]
    assert tree.tags[2][1] == {"href": "performance/index.md"}
    assert "".join(tree.text).strip() == _normal(testo)


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60))
def test_any_text_renders_as_itself(testo):
    """Whatever staff write, the paragraph shows exactly that text (spaces collapsed)."""
    escaped = md(testo)
    if not _normal(testo):
        assert escaped == ""
        return
    tree = _parse(_render(escaped))
    assert [t for t, _ in tree.tags] == ["p"]
    assert "".join(tree.text).strip() == _normal(testo)


def test_md_block_keeps_paragraphs_and_escapes_each():
    out = md_block("# uno\n\n- due\nancora due")
    tree = _parse(_render(out))
    assert [t for t, _ in tree.tags] == ["p", "p"]
    assert "".join(tree.text).split("\n") == ["# uno", "- due ancora due"]


def test_trusted_markdown_is_not_escaped_again():
    assert md(Md("[a](b)")) == "[a](b)"


def test_concatenating_trusted_with_untrusted_is_untrusted():
    assert not isinstance(Md("a") + "<b>", Md)


def test_finalize_escapes_strings():
    assert finalize("<b>") == "&lt;b&gt;"


def test_finalize_refuses_unformatted_numbers_and_dates():
    for value in (Decimal("87.5"), 87.5, dt.date(2021, 6, 30), True):
        with pytest.raises(UnformattedValue):
            finalize(value)


def test_templates_escape_every_interpolation_without_a_filter():
    env = jinja2.Environment(finalize=finalize, autoescape=False)
    out = env.from_string("# {{ titolo }}").render(titolo="<script>x</script> *a*")
    assert out == "# &lt;script&gt;x&lt;/script&gt; \\*a\\*"


def _corpo(testo: str) -> str:
    """A page without front matter (HTML-escaped, not Markdown) and figures (raw HTML)."""
    corpo = testo.split("---\n", 2)[2]
    return re.sub(r"<figure.*?</figure>", "", corpo, flags=re.S)


def test_data_is_never_evaluated_as_a_template(sito_iniezione):
    testo = _corpo(sito_iniezione.pagine["piano/2021/obiettivi/1.1/index.md"])
    assert "\\{\\{ 7\\*7 \\}\\}" in testo  # the text {{ 7*7 }}, escaped for Markdown
    assert "49" not in testo
    assert "{% raw %}" not in testo
    assert "\\{% raw %\\}" in testo


def test_front_matter_title_is_html_escaped_for_the_theme(sito_iniezione):
    testo = sito_iniezione.pagine["piano/2021/obiettivi/1/index.md"]
    front = testo.split("---")[1]
    assert 'title: "Obiettivo strategico 1 — &lt;script&gt;alert(1)&lt;/script&gt;"' in front


@pytest.mark.parametrize("title", ['Piano "2021" — a: b', "---", "riga\n---\nnuova", "\\ «»", ""])
def test_front_matter_reads_back_what_the_renderer_wrote(title):
    renderer = pages.Renderer()
    renderer.env.loader = jinja2.DictLoader({"prova.md.j2": "Corpo"})
    page = renderer.render(pages.PageJob("prova.md", "prova.md.j2", {}, meta=(("title", title),)))
    assert pages.read_front_matter(page) == ({"title": title}, "\nCorpo\n")


def test_every_generated_page_s_front_matter_reads_back_as_a_title(sito):
    for path, testo in sito.pagine.items():
        meta, body = pages.read_front_matter(testo)
        assert isinstance(meta.get("title"), str) and meta["title"], path
        assert not body.lstrip().startswith("---"), path


def _nav_titles(nav):
    for voce in nav:
        if isinstance(voce, dict):
            for k, v in voce.items():
                yield k
                if isinstance(v, list):
                    yield from _nav_titles(v)
        elif isinstance(voce, list):
            yield from _nav_titles(voce)


def test_navigation_lists_plan_years_but_no_objective_or_data_text(sito_iniezione):
    # Material writes the nav into every page: entries per objective would
    # make every page grow with the plan. Objectives are reached from the tree.
    tutti = list(_nav_titles(sito_iniezione.nav))
    assert "Piano 2021" in tutti
    assert not any("script" in t or "<" in t for t in tutti)
    assert not any(t.startswith("1.") for t in tutti)


def test_no_generated_markdown_contains_raw_markup_from_data(sito_iniezione):
    for path, testo in sito_iniezione.pagine.items():
        # Figures are raw HTML: Markdown is not parsed there, HTML escaping applies.
        figure = re.findall(r"<figure.*?</figure>", testo, flags=re.S)
        resto = _corpo(testo)
        assert "<script" not in resto, path
        assert "](javascript:" not in resto, path
        assert "<iframe" not in resto, path
        for f in figure:
            tree = _parse(f)
            assert [t for t, _ in tree.tags] == ["figure", "img", "figcaption"], path


# --------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------


def _nav_voci(nav) -> dict[str, object]:
    out: dict[str, object] = {}
    for voce in nav:
        if isinstance(voce, dict):
            out.update(voce)
    return out


def test_nav_has_performance_with_the_five_exact_link_texts(sito):
    performance = _nav_voci(sito.nav)[pages.PERFORMANCE]
    titoli = list(_nav_voci(performance))
    assert titoli[:5] == [
        "Sistema di misurazione e valutazione della Performance",
        "Piano della Performance",
        "Relazione sulla Performance",
        "Ammontare complessivo dei premi",
        "Dati relativi ai premi",
    ]


def test_performance_landing_links_the_five_sections_with_exact_texts(sito):
    testo = sito.pagine[urls.PERFORMANCE]
    for titolo, dove in pages.SEZIONI:
        assert f"- [{titolo}]({urls.link(urls.PERFORMANCE, dove)})" in testo


def test_home_links_performance_and_the_five_sections(sito):
    testo = sito.pagine[urls.HOME]
    assert "[Performance](performance/index.md)" in testo
    for titolo, dove in pages.SEZIONI:
        assert f"[{titolo}]({dove})" in testo


def test_every_objective_has_its_page_and_every_action_its_section(sito):
    progetto = load_project(FIXTURE)
    piano = progetto.piani[2021]
    for s in piano.obiettivi_strategici():
        assert urls.obiettivo(2021, s.codice) in sito.pagine
    for o in piano.obiettivi_operativi():
        testo = sito.pagine[urls.obiettivo(2021, o.codice)]
        for a in o.azioni:
            assert f"{{: #azione-{a.codice} }}" in testo


_FIGURA = re.compile(r'<figure class="pf-grafico">\n<img src="([^"]+)" alt="([^"]*)"')


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_every_figure_points_to_a_registered_chart_with_alt_text(use_directory_urls):
    sito = _sito(FIXTURE, use_directory_urls=use_directory_urls)
    visti = set()
    for path, testo in sito.pagine.items():
        base = urls.output_dir(path, use_directory_urls)
        for src, alt in _FIGURA.findall(testo):
            chiave = posixpath.normpath(posixpath.join(base, src))
            assert chiave in sito.grafici, (path, src)
            assert alt.strip(), (path, src)
            visti.add(chiave)
    assert visti == set(sito.grafici)


def test_every_figure_is_followed_by_a_data_table(sito):
    for path, testo in sito.pagine.items():
        for m in re.finditer(r"</figure>\n", testo):
            dopo = testo[m.end() :].lstrip("\n")
            assert dopo.startswith("|"), (path, dopo[:80])


def test_every_action_has_a_bullet_chart_and_trend_where_two_scored_points(sito):
    for azione in ("1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.2.2", "2.1.1", "3.1.1"):
        op = azione.rsplit(".", 1)[0]
        assert f"piano/2021/obiettivi/{op}/azione-{azione}.svg" in sito.grafici
    # 1.1.1 scored in both measurements, 3.1.1 only in the consuntivo
    assert "piano/2021/obiettivi/1.1/azione-1.1.1-andamento.svg" in sito.grafici
    assert "piano/2021/obiettivi/3.1/azione-3.1.1-andamento.svg" not in sito.grafici


def test_front_matter_date_is_the_latest_measurement(sito):
    for path, testo in sito.pagine.items():
        assert 'aggiornato: "31 dicembre 2021"' in testo.split("---")[1], path


def test_missing_responsabile_is_shown_as_non_indicato(sito):
    testo = sito.pagine["piano/2021/obiettivi/1.2/index.md"]
    assert "| Responsabile | non indicato |" in testo


def test_verso_is_explained_in_words(sito):
    assert "| Verso | più basso è meglio |" in sito.pagine["piano/2021/obiettivi/3.1/index.md"]
    assert "| Verso | più alto è meglio |" in sito.pagine["piano/2021/obiettivi/2.1/index.md"]


def test_relazione_states_type_and_date_of_the_latest_measurement(sito):
    testo = sito.pagine["relazione/2021/index.md"]
    assert "**consuntivo** al 31 dicembre 2021" in testo


def test_smvp_explains_the_configured_method_with_a_real_example(sito):
    testo = sito.pagine[urls.SMVP]
    assert "metodo **a fasce**" in testo
    assert "### Metodo a fasce" in testo
    assert "### Metodo lineare" not in testo
    # 1.1 is the first operational objective with ≥2 actions, all scored, different gradi
    assert "[1.1 Tempi di evasione](../piano/2021/obiettivi/1.1/index.md)" in testo
    assert "\\(50% × 100,0% \\+ 30% × 80,0% \\+ 20% × 80,0%\\) / \\(50% \\+ 30% \\+ 20%\\) = 90,0%" in testo


def test_pira_page_lists_only_pira_actions(sito):
    testo = sito.pagine[urls.PIRA]
    assert "1.1.1 Tempo medio" in testo
    assert "2.1.1 Contributi erogati" in testo
    assert "1.1.2 Pratiche" not in testo
    assert "Bilanci" in testo


def test_premi_pages_say_so_when_there_is_no_data():
    progetto = dataclasses.replace(load_project(FIXTURE), premi={})
    sito = pages.render_site(progetto)
    assert "non ha ancora pubblicato" in sito.pagine[urls.PREMI]
    assert "non ha ancora pubblicato" in sito.pagine[urls.DATI_PREMI]


def test_plan_without_measurements_renders_without_results(tmp_path):
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "2021.yml").write_bytes((FIXTURE / "plan" / "2021.yml").read_bytes())
    sito = pages.render_site(load_project(tmp_path))
    assert "non ci sono ancora rilevazioni" in sito.pagine["piano/2021/index.md"]
    assert "Non ci sono ancora rilevazioni" in sito.pagine["relazione/2021/index.md"]
    assert not sito.grafici
    assert "aggiornato" not in sito.pagine[urls.HOME].split("---")[1]


def test_provenance_is_shown_next_to_targets_and_values():
    progetto = load_project(FIXTURE)
    azione = next(a for a in progetto.piani[2021].azioni() if a.codice == "1.1.1")
    misura = progetto.rilevazioni[-1].valori["1.1.1"]
    modifica = Modifica("a" * 40, "aaaaaaa", dt.date(2021, 3, 3), "X", "msg", "https://example.org/o/r/commit/" + "a" * 40)
    righe = {
        azione.pos["target"].file: {azione.pos["target"].line: modifica},
        misura.pos["valore"].file: {misura.pos["valore"].line: modifica},
    }
    sito = pages.render_site(progetto, provenienza=Provenienza(righe))
    testo = sito.pagine["piano/2021/obiettivi/1.1/index.md"]
    # Plain words; the commit only in the link's target.
    atteso = "[dato pubblicato il 3 marzo 2021](https://example.org/o/r/commit/" + "a" * 40 + ")"
    assert f"| Target | 5\u00a0gg — {atteso} |" in testo
    assert f"| Valore misurato (31 dicembre 2021) | 4,5\u00a0gg — {atteso} |" in testo
    assert "commit" not in testo.replace("/commit/", "")


def test_provenance_without_a_known_repository_is_plain_text_not_a_dead_link():
    progetto = load_project(FIXTURE)
    azione = next(a for a in progetto.piani[2021].azioni() if a.codice == "1.1.1")
    modifica = Modifica("a" * 40, "aaaaaaa", dt.date(2021, 3, 3), "X", "msg", None)
    righe = {azione.pos["target"].file: {azione.pos["target"].line: modifica}}
    testo = pages.render_site(progetto, provenienza=Provenienza(righe)).pagine["piano/2021/obiettivi/1.1/index.md"]
    assert "| Target | 5\u00a0gg — dato pubblicato il 3 marzo 2021 |" in testo


def test_provenance_is_omitted_outside_git(sito):
    assert "modificato il" not in "".join(sito.pagine.values())


def test_rendering_is_deterministic():
    a = _sito(FIXTURE)
    b = _sito(FIXTURE)
    assert a.pagine == b.pagine
    assert a.grafici == b.grafici


def test_pos_type_is_the_validator_one():
    # the provenance lookup keys on the model's Pos objects
    progetto = load_project(FIXTURE)
    assert isinstance(next(progetto.piani[2021].azioni()).pos["codice"], Pos)


# --------------------------------------------------------------------------
# Golden Markdown
# --------------------------------------------------------------------------


@pytest.mark.parametrize("nome", sorted(GOLDEN_PAGES))
def test_page_matches_golden(nome, sito, update_golden):
    testo = sito.pagine[GOLDEN_PAGES[nome]]
    golden = GOLDEN / nome
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(testo, encoding="utf-8")
        return
    assert golden.is_file(), f"missing golden {golden}: run pytest --update-golden"
    assert testo == golden.read_text(encoding="utf-8")

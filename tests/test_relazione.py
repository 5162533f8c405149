"""The Relazione's inputs: scostamenti on values, the plan's adoption and
variazioni, the ``relazione/<anno>/`` folder (state, resources, gender
figures, narrative Markdown), checked like every other file."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import markdown
import pytest
from hypothesis import example, given, settings, strategies as st
from hypothesis_profiles import examples

from generator import relazione as R
from generator.diagnostics import Diagnostic
from generator.model import Relazione
from generator.render.testo import link_non_sicuri, markdown_sicuro
from generator.validate import check_project, report_project

REPO = Path(__file__).resolve().parent.parent
VALID = REPO / "tests" / "corpus" / "_valid"

CONSUNTIVO = """\
piano: 2021
data: 2021-12-31
tipo: consuntivo
valori:
  "1.1.1": 1
  "1.1.2":
    valore: 30
    scostamento:
      causa: esterna
      descrizione: "calo delle istanze"
  "1.1.3": {esito: 100%, nota: "piano attuato"}
  "1.2.1": {numeratore: 40, denominatore: 40, scostamento: {causa: interna, descrizione: "non serve"}}
"""


def _progetto(tmp_path: Path, **files: str) -> Path:
    root = tmp_path / "p"
    shutil.copytree(VALID, root)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _diags(root: Path) -> list[Diagnostic]:
    return check_project(root).diagnostics


def _at(diags: list[Diagnostic], fragment: str) -> list[tuple[str, int, str]]:
    return [(d.pos.file, d.pos.line, d.severity) for d in diags if fragment in d.message]


# -- scostamenti -----------------------------------------------------------------


def test_shortfall_without_scostamento_in_a_consuntivo_warns_at_the_value_line(tmp_path):
    root = _progetto(tmp_path, **{"measurements/2021-12-31.yml": CONSUNTIVO})
    assert _at(_diags(root), "«1.1.1» è sotto il target") == [("measurements/2021-12-31.yml", 5, "avviso")]


def test_shortfall_without_scostamento_fails_validate_strict(tmp_path):
    root = _progetto(tmp_path, **{"measurements/2021-12-31.yml": CONSUNTIVO})
    out = io.StringIO()
    assert report_project(root, strict=True, fmt="text", out=out) == 1
    assert "measurements/2021-12-31.yml:5:12: errore: l'azione «1.1.1» è sotto il target" in out.getvalue()


def test_explained_shortfall_gives_no_warning_and_reaches_the_model(tmp_path):
    root = _progetto(tmp_path, **{"measurements/2021-12-31.yml": CONSUNTIVO})
    checked = check_project(root)
    assert _at(checked.diagnostics, "«1.1.2»") == []
    assert checked.progetto is not None
    m = checked.progetto.rilevazioni[-1].valori["1.1.2"]
    assert m.scostamento is not None and (m.scostamento.causa, m.scostamento.descrizione) == ("esterna", "calo delle istanze")


def test_scostamento_on_a_reached_target_warns(tmp_path):
    root = _progetto(tmp_path, **{"measurements/2021-12-31.yml": CONSUNTIVO})
    assert _at(_diags(root), "«1.2.1» ha raggiunto il target") == [("measurements/2021-12-31.yml", 12, "avviso")]


def test_shortfall_in_a_monitoraggio_needs_no_scostamento(tmp_path):
    root = _progetto(tmp_path)
    assert _at(_diags(root), "sotto il target") == []


def test_unknown_causa_is_an_error_with_the_allowed_values(tmp_path):
    text = CONSUNTIVO.replace("causa: esterna", "causa: esterno")
    root = _progetto(tmp_path, **{"measurements/2021-12-31.yml": text})
    diags = [d for d in _diags(root) if "esterno" in d.message]
    assert [(d.pos.line, d.severity) for d in diags] == [(9, "errore")]
    assert "forse intendevi «esterna»" in diags[0].hint


def test_evidenza_must_be_a_web_or_site_link(tmp_path):
    text = CONSUNTIVO.replace("    valore: 30\n", '    valore: 30\n    evidenza: "javascript:alert(1)"\n')
    root = _progetto(tmp_path, **{"measurements/2021-12-31.yml": text})
    assert _at(_diags(root), "«evidenza» deve essere") == [("measurements/2021-12-31.yml", 8, "errore")]


def test_fonte_and_evidenza_reach_the_model(tmp_path):
    text = CONSUNTIVO.replace("    valore: 30\n", '    valore: 30\n    fonte: "registro"\n    evidenza: "https://example.org/r.pdf"\n')
    root = _progetto(tmp_path, **{"measurements/2021-12-31.yml": text})
    progetto = check_project(root).progetto
    assert progetto is not None
    m = progetto.rilevazioni[-1].valori["1.1.2"]
    assert (m.fonte, m.evidenza) == ("registro", "https://example.org/r.pdf")


# -- the plan's adoption and variazioni ---------------------------------------------


def _plan_with(extra: str) -> str:
    return (VALID / "plan" / "2021.yml").read_text(encoding="utf-8") + extra


def test_adozione_and_variazioni_reach_the_model_sorted_by_date(tmp_path):
    extra = (
        'adozione: {data: 2021-01-29, atto: "Delibera di Giunta n. 5"}\n'
        "variazioni:\n"
        '  - {data: 2021-09-01, atto: "Delibera n. 70", descrizione: "seconda"}\n'
        '  - {data: 2021-07-15, atto: "Delibera n. 60", descrizione: "prima"}\n'
    )
    progetto = check_project(_progetto(tmp_path, **{"plan/2021.yml": _plan_with(extra)})).progetto
    assert progetto is not None
    piano = progetto.piani[2021]
    assert piano.adozione is not None and piano.adozione.atto == "Delibera di Giunta n. 5"
    assert [v.descrizione for v in piano.variazioni] == ["prima", "seconda"]


def test_variazione_before_adoption_is_an_error(tmp_path):
    extra = (
        'adozione: {data: 2021-01-29, atto: "Delibera n. 5"}\n'
        "variazioni:\n"
        '  - {data: 2021-01-10, atto: "Delibera n. 1", descrizione: "x"}\n'
    )
    root = _progetto(tmp_path, **{"plan/2021.yml": _plan_with(extra)})
    n = len((VALID / "plan" / "2021.yml").read_text(encoding="utf-8").splitlines())
    assert _at(_diags(root), "precedente all'adozione") == [("plan/2021.yml", n + 3, "errore")]


# -- relazione/<anno>/ ---------------------------------------------------------------

RELAZIONE = """\
# yaml-language-server: $schema=../../schemas/relazione.schema.json
anno: 2021
stato: validata
approvazione: {data: 2022-06-20, atto: "Delibera di Giunta n. 45"}
validazione: {data: 2022-06-28, documento: "https://example.org/validazione.pdf"}
risorse:
  - {obiettivo: "1", stanziato: 120000, impiegato: 98000}
genere:
  personale:
    - {categoria: Dirigenti, donne: 1, uomini: 1}
"""


def test_without_the_folder_the_relazione_is_a_bozza(tmp_path):
    progetto = check_project(_progetto(tmp_path)).progetto
    assert progetto is not None
    rel = progetto.relazione(2021)
    assert (rel.stato, rel.testi, rel.file) == ("bozza", {}, None)
    assert R.testo_stato(rel) == "Bozza, non ancora validata dall'OIV" == R.BOZZA


def test_relazione_yml_reaches_the_model_with_its_state_words(tmp_path):
    root = _progetto(tmp_path, **{"relazione/2021/relazione.yml": RELAZIONE, "relazione/2021/contesto.md": "Il *contesto*.\n"})
    checked = check_project(root)
    assert checked.diagnostics == [] or all(not d.is_error for d in checked.diagnostics)
    assert checked.progetto is not None
    rel = checked.progetto.relazione(2021)
    assert rel.validata and rel.risorse[0].stanziato == 120000
    assert rel.testi == {"contesto": "Il *contesto*.\n"}
    assert R.testo_stato(rel) == "Validata dall'OIV il 28 giugno 2022"


def test_approvata_state_names_act_and_date():
    import datetime as dt

    from generator.model import Atto

    rel = Relazione(2021, stato="approvata", approvazione=Atto(dt.date(2022, 6, 20), "Delibera di Giunta n. 45"))
    assert R.testo_stato(rel) == "Approvata dalla Giunta (Delibera di Giunta n. 45, 20 giugno 2022)"


@pytest.mark.parametrize(
    "change, fragment, line",
    [
        ("approvazione: {data: 2022-06-20, atto: \"Delibera di Giunta n. 45\"}\n", "manca l'approvazione della Giunta", 3),
        ('{obiettivo: "1",', "non è un obiettivo strategico del piano 2021", 7),
        ("anno: 2021", "ma la Relazione è dell'anno 2020", 2),
        ('documento: "https://example.org/validazione.pdf"', "«documento» deve essere", 5),
    ],
)
def test_relazione_yml_mistakes_are_positioned_errors(tmp_path, change, fragment, line):
    replacement = {
        "approvazione: {data: 2022-06-20, atto: \"Delibera di Giunta n. 45\"}\n": "",
        '{obiettivo: "1",': '{obiettivo: "9",',
        "anno: 2021": "anno: 2020",
        'documento: "https://example.org/validazione.pdf"': 'documento: "javascript:alert(1)"',
    }[change]
    root = _progetto(tmp_path, **{"relazione/2021/relazione.yml": RELAZIONE.replace(change, replacement)})
    checked = check_project(root)
    assert checked.progetto is None
    assert _at(checked.diagnostics, fragment) == [("relazione/2021/relazione.yml", line, "errore")]


def test_unknown_key_in_relazione_yml_suggests_the_right_one(tmp_path):
    root = _progetto(tmp_path, **{"relazione/2021/relazione.yml": RELAZIONE.replace("risorse:", "risorsa:")})
    diags = [d for d in _diags(root) if "risorsa" in d.message]
    assert [(d.pos.line, d.severity) for d in diags] == [(6, "errore")]
    assert "forse intendevi «risorse»" in diags[0].hint


def test_misnamed_narrative_file_warns_with_the_right_name(tmp_path):
    root = _progetto(tmp_path, **{"relazione/2021/presentazone.md": "Testo.\n"})
    diags = [d for d in _diags(root) if "presentazone.md" in d.message]
    assert [d.severity for d in diags] == ["avviso"]
    assert "presentazione.md" in diags[0].hint


def test_unsafe_link_in_narrative_warns_at_its_line_and_column(tmp_path):
    root = _progetto(tmp_path, **{"relazione/2021/contesto.md": "Primo.\n\nVedi [qui](javascript:alert(1)).\n"})
    assert _at(_diags(root), "collegamento non ammesso") == [("relazione/2021/contesto.md", 3, "avviso")]
    assert [d.pos.col for d in _diags(root) if "collegamento" in d.message] == [12]


# -- staff Markdown rendered safely --------------------------------------------------------

EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "def_list", "toc"]


def _html(text: str) -> str:
    return markdown.markdown(markdown_sicuro(text), extensions=EXTENSIONS)


def test_staff_markdown_keeps_emphasis_lists_and_safe_links():
    out = _html("Testo **forte** e *enfasi*.\n\n- uno\n- [sito](https://example.org/)\n")
    assert "<strong>forte</strong>" in out and "<em>enfasi</em>" in out
    assert '<li><a href="https://example.org/">sito</a></li>' in out


@pytest.mark.parametrize(
    "attacco",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](data:text/html,abc)",
        "![x](javascript:alert(1))",
        "Titolo\n{: onclick=\"alert(1)\" }",
        "!!! warning\n    avviso",
        "<div markdown=\"1\">*x*</div>",
        "[x]: javascript:alert(1)\n\n[y][x]",
    ],
)
def test_staff_markdown_cannot_inject_markup(attacco):
    out = _html(attacco)
    for bad in ("<script", "<img", "<div", 'class="admonition'):
        assert bad not in out
    assert re.findall(r"<[^>]*(?:on[a-z]+=|javascript:|data:)", out) == []


def test_staff_headings_go_below_the_page_sections():
    assert _html("# Titolo\n\n## Sotto\n").startswith('<h3 id="titolo">Titolo</h3>\n<h4 id="sotto">Sotto</h4>')


def test_unsafe_links_are_found_with_their_column():
    assert list(link_non_sicuri("a [b](https://x.org) [c](javascript:x)\n")) == [(1, 26, "javascript:x")]


# -- variazioni from git history ------------------------------------------------------

ADOZIONE = 'adozione: {data: 2021-01-29, atto: "Delibera di Giunta n. 5"}\n'


def _repo(tmp_path: Path, variazioni: str = "") -> Path:
    """A git repository whose plan is adopted on 29 January and whose target
    of 1.1.1 goes from 3 to 4 in a commit of 1 March 2021."""
    from gitrepo import git

    root = tmp_path / "repo"
    shutil.copytree(VALID, root)
    git(root, "init", "-q")
    plan = root / "plan" / "2021.yml"
    plan.write_text(_plan_with(ADOZIONE), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "piano adottato", date="2021-01-29T10:00:00Z")
    text = plan.read_text(encoding="utf-8").replace("target: 3\n", "target: 4\n", 1)
    plan.write_text(text + variazioni, encoding="utf-8")
    git(root, "commit", "-q", "-am", "target 1.1.1 a 4", date="2021-03-01T10:00:00Z")
    return root


def test_target_changed_after_adoption_without_variazione_warns_at_its_line(tmp_path):
    root = _repo(tmp_path)
    diags = [d for d in _diags(root) if "senza una variazione registrata" in d.message]
    assert [(d.pos.file, d.pos.line, d.severity) for d in diags] == [("plan/2021.yml", 27, "avviso")]
    assert "il target di «1.1.1» è passato da 3 a 4 il 1 marzo 2021" in diags[0].message


def test_target_change_is_matched_to_the_variazione_recorded_before_it(tmp_path):
    root = _repo(tmp_path, 'variazioni:\n  - {data: 2021-02-20, atto: "Delibera di Giunta n. 20", descrizione: "target 1.1.1 a 4"}\n')
    checked = check_project(root)
    assert [d for d in checked.diagnostics if "variazione" in d.message] == []
    assert checked.progetto is not None
    (c,) = checked.progetto.cambi[2021]
    assert (c.codice, c.campo, c.prima, c.dopo, c.data.isoformat()) == ("1.1.1", "target", 3, 4, "2021-03-01")
    assert c.variazione is not None and c.variazione.atto == "Delibera di Giunta n. 20"


def test_variazione_dated_after_the_change_does_not_cover_it(tmp_path):
    root = _repo(tmp_path, 'variazioni:\n  - {data: 2021-07-15, atto: "Delibera n. 60", descrizione: "x"}\n')
    assert len([d for d in _diags(root) if "senza una variazione registrata" in d.message]) == 1


def test_reformatting_a_value_is_not_a_change(tmp_path):
    from gitrepo import git

    root = _repo(tmp_path, 'variazioni:\n  - {data: 2021-02-20, atto: "Delibera n. 20", descrizione: "x"}\n')
    plan = root / "plan" / "2021.yml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("peso: 50%", "peso: 50", 1), encoding="utf-8")
    git(root, "commit", "-q", "-am", "riformattato", date="2021-04-01T10:00:00Z")
    progetto = check_project(root).progetto
    assert progetto is not None and len(progetto.cambi[2021]) == 1


def test_changes_before_adoption_are_not_variazioni(tmp_path):
    from gitrepo import git

    root = tmp_path / "repo"
    shutil.copytree(VALID, root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "bozza", date="2021-01-10T10:00:00Z")
    plan = root / "plan" / "2021.yml"
    plan.write_text(_plan_with(ADOZIONE).replace("target: 3\n", "target: 4\n", 1), encoding="utf-8")
    git(root, "commit", "-q", "-am", "adottato", date="2021-01-29T10:00:00Z")
    progetto = check_project(root).progetto
    assert progetto is not None and progetto.cambi == {}


def test_a_project_inside_another_repository_reads_no_history():
    """The fixtures live inside this repository: its history is not theirs."""
    progetto = check_project(REPO / "tests" / "fixtures" / "progetto").progetto
    assert progetto is not None and progetto.cambi == {}


# -- open data -----------------------------------------------------------------------


def test_open_data_carries_fonte_evidenza_and_scostamento():
    import csv
    import json

    from generator.opendata import export_files
    from generator.validate import load_project

    files = export_files(load_project(REPO / "tests" / "fixtures" / "progetto"))
    doc = json.loads(files["opendata/2021/performance.json"])
    azione = next(a for s in doc["obiettivi_strategici"] for o in s["obiettivi_operativi"] for a in o["azioni"] if a["codice"] == "1.1.2")
    assert azione["fonte"] == "gestionale pratiche, estrazione del 10/01/2022"
    assert azione["evidenza"] == "https://example.org/report-pratiche-2021.pdf"
    assert azione["scostamento"]["causa"] == "interna"
    assert azione["rilevazioni"][-1]["scostamento"] == azione["scostamento"]
    righe = list(csv.DictReader(io.StringIO(files["opendata/2021/azioni.csv"].decode("utf-8"), newline="")))
    riga = next(r for r in righe if r["codice"] == "1.1.2")
    assert (riga["scostamento_causa"], riga["scostamento_azione_correttiva"]) == ("interna", "affiancamento di un secondo operatore")


# -- the Relazione page -----------------------------------------------------------------


def _pagina(root: Path) -> str:
    from generator.render import pages

    progetto = check_project(root).progetto
    assert progetto is not None
    return pages.render_site(progetto).pagine["relazione/2021/index.md"]


def test_variazioni_section_shows_before_after_and_the_act(tmp_path):
    root = _repo(tmp_path, 'variazioni:\n  - {data: 2021-02-20, atto: "Delibera di Giunta n. 20", descrizione: "target 1.1.1 a 4"}\n')
    testo = _pagina(root)
    assert "| 1 marzo 2021 | il target di «1.1.1» | 3 | 4 | Delibera di Giunta n. 20 |" in testo
    assert "| 20 febbraio 2021 | Delibera di Giunta n. 20 | target 1.1.1 a 4 |" in testo


def test_variazioni_section_shows_an_unrecorded_change_as_such(tmp_path):
    assert "| 1 marzo 2021 | il target di «1.1.1» | 3 | 4 | nessuna variazione registrata |" in _pagina(_repo(tmp_path))


def test_sections_come_in_the_law_s_order_as_h2_with_anchors(tmp_path):
    heads = [line for line in _pagina(_progetto(tmp_path)).splitlines() if line.startswith("## ")]
    assert heads == [
        "## Presentazione e sintesi per i cittadini {#presentazione}",
        "## Contesto {#contesto}",
        "## Risultati {#risultati}",
        "## Risorse, efficienza ed economicità {#risorse}",
        "## Pari opportunità e bilancio di genere {#pari-opportunita}",
        "## Processo di redazione {#processo}",
        "## Allegato per l'OIV {#allegato-oiv}",
    ]


def test_sections_without_content_say_so(tmp_path):
    testo = _pagina(_progetto(tmp_path))
    for ancora in ("contesto", "risorse", "pari-opportunita", "processo"):
        sezione = testo.split("{#" + ancora + "}", 1)[1].split("\n## ", 1)[0]
        assert "*Sezione non ancora redatta.*" in sezione


def test_state_is_at_the_top_of_the_page(tmp_path):
    testo = _pagina(_progetto(tmp_path))
    assert testo.index("**Bozza, non ancora validata dall'OIV**") < testo.index("## ")
    validata = _pagina(_progetto(tmp_path / "v", **{"relazione/2021/relazione.yml": RELAZIONE}))
    assert "**Validata dall'OIV il 28 giugno 2022**" in validata
    assert "[documento di validazione dell'OIV](https://example.org/validazione.pdf)" in validata


def test_unexplained_shortfall_in_a_consuntivo_is_shown_as_not_motivated(tmp_path):
    testo = _pagina(_progetto(tmp_path, **{"measurements/2021-12-31.yml": CONSUNTIVO}))
    assert "- 1.1.1 (60,0%): scostamento non motivato" in testo
    assert "- 1.1.2 (0,0%): causa esterna: calo delle istanze" in testo
    scostamenti = testo.split("{#scostamenti}", 1)[1].split("{#variazioni}", 1)[0]
    assert "#### Cause esterne" in scostamenti and "#### Scostamenti non motivati" in scostamenti


def test_a_narrative_file_linking_outside_the_repository_is_not_read(tmp_path):
    segreto = tmp_path / "segreto.md"
    segreto.write_text("dati riservati\n", encoding="utf-8")
    root = _progetto(tmp_path)
    (root / "relazione" / "2021").mkdir(parents=True)
    (root / "relazione" / "2021" / "contesto.md").symlink_to(segreto)
    checked = check_project(root)
    assert _at(checked.diagnostics, "fuori dal repository") == [("relazione/2021/contesto.md", 1, "errore")]
    assert checked.progetto is None


CONSENTITI = {"p", "strong", "em", "a", "ul", "ol", "li", "blockquote", "h3", "h4", "h5", "h6"}


class _Tag(__import__("html.parser").parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


ALFABETO = "ab <>&\"'[]()!*_#-=:|{}\\`\n.1/" + "javascript:data:https://x.y"


@settings(max_examples=examples(150), deadline=None)
@example("- \n\n- ")  # empty items once made "- " a heading's underline
@given(st.lists(st.sampled_from(list(ALFABETO) + ["javascript:", "<script>", "](", "{: ", "!!! ", "    ", "<div>", "http://e.org", "\n\n", "- ", "> ", "1. "]), max_size=60).map("".join))
def test_any_staff_markdown_renders_only_allowed_tags_and_links(testo):
    parser = _Tag()
    parser.feed(_html(testo))
    for tag, attrs in parser.tags:
        assert tag in CONSENTITI, (tag, testo)
        if tag == "a":
            assert set(attrs) == {"href"}
            href = attrs["href"] or ""
            assert href.startswith(("http://", "https://")) or ":" not in href.split("/", 1)[0], href
        elif tag.startswith("h"):
            assert set(attrs) <= {"id"}
        else:
            assert attrs == {}, (tag, attrs)

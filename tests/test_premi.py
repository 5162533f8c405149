"""Bonus data that identifies no one (D.Lgs. 33/2013 art. 20 and the privacy guidance).

A category with fewer recipients than ``minimo_destinatari`` (default 3)
publishes none of its amounts, and the totals a reader could subtract from
the year's total are hidden too; ``validate`` says so at the category's line.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from hypothesis_profiles import examples

from generator.premi import Categoria, Premi, complementari, piccola, pubblicabili
from generator.render import pages, urls
from generator.validate import check_project, load_project

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "progetto"

PREMI = """\
# yaml-language-server: $schema=../schemas/premi.schema.json
anno: 2021
stanziato: 150000
distribuito: 142300
categorie:
  - nome: Dirigenti
    dipendenti: 3
    destinatari: {destinatari}
    stanziato: 30000
    distribuito: 29100
    premio_minimo: 14000
    premio_massimo: 15100
  - nome: Posizioni organizzative
    dipendenti: 6
    destinatari: 6
    stanziato: 18000
    distribuito: 17400
  - nome: Personale non dirigente
    dipendenti: 40
    destinatari: 38
    stanziato: 102000
    distribuito: 95800
"""

#: Every way the Dirigenti' amounts could be printed (29.100 €, average 14.550 € …),
#: and the Posizioni organizzative' totals that would give them by difference.
DIRIGENTI = ("30.000", "29.100", "14.000", "15.100", "14.550", "9.700")
PO_TOTALI = ("18.000", "17.400", "2.900")


def _progetto(tmp_path: Path, destinatari: int) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for sub in ("plan", "measurements"):
        (tmp_path / sub).mkdir()
        for f in (FIXTURE / sub).iterdir():
            (tmp_path / sub / f.name).write_bytes(f.read_bytes())
    (tmp_path / "premi").mkdir()
    (tmp_path / "premi" / "2021.yml").write_text(PREMI.format(destinatari=destinatari), encoding="utf-8")
    return tmp_path


def _pagine_premi(root: Path) -> str:
    sito = pages.render_site(load_project(root))
    return sito.pagine[urls.PREMI] + sito.pagine[urls.DATI_PREMI]


def test_a_two_recipient_category_shows_none_of_its_amounts(tmp_path):
    testo = _pagine_premi(_progetto(tmp_path, 2))
    assert [x for x in DIRIGENTI + PO_TOTALI if x in testo] == []
    assert "dato non pubblicato per tutela della riservatezza \\(meno di 3 destinatari\\)" in testo


def test_with_three_recipients_the_figures_appear(tmp_path):
    testo = _pagine_premi(_progetto(tmp_path, 3))
    assert [x for x in ("30.000", "29.100", "14.000", "15.100", "9.700", "17.400") if x not in testo] == []
    assert "riservatezza \\(meno" not in testo


def test_validate_warns_at_the_small_category_line(tmp_path):
    diags = check_project(_progetto(tmp_path, 2)).diagnostics
    premi = [d for d in diags if d.pos.file == "premi/2021.yml"]
    assert [(d.pos.line, d.pos.col, d.severity) for d in premi] == [(6, 5, "avviso"), (13, 5, "avviso")]
    assert "«Dirigenti» ha 2 destinatari, meno di 3" in premi[0].message
    assert "non pubblicherà i suoi importi" in premi[0].message
    assert "«Posizioni organizzative»" in premi[1].message and "dal totale dell'anno" in premi[1].message


def test_validate_command_prints_the_warning_with_its_line(tmp_path, run_cli):
    root = _progetto(tmp_path, 1)
    run = run_cli("validate", "--root", str(root), cwd=REPO)
    assert run.returncode == 0
    assert "premi/2021.yml:6:5: avviso: la categoria «Dirigenti» ha 1 destinatari" in run.stdout


def test_the_minimum_group_can_be_raised_in_the_file(tmp_path):
    root = _progetto(tmp_path, 3)
    f = root / "premi" / "2021.yml"
    f.write_text(f.read_text(encoding="utf-8").replace("distribuito: 142300\n", "distribuito: 142300\nminimo_destinatari: 5\n"), encoding="utf-8")
    testo = _pagine_premi(root)
    assert "29.100" not in testo
    assert "meno di 5 destinatari" in testo


def test_the_minimum_group_cannot_be_lowered(tmp_path):
    root = _progetto(tmp_path, 3)
    f = root / "premi" / "2021.yml"
    f.write_text(f.read_text(encoding="utf-8").replace("distribuito: 142300\n", "distribuito: 142300\nminimo_destinatari: 1\n"), encoding="utf-8")
    errors = check_project(root).errors
    assert [(e.pos.line, e.message) for e in errors] == [(5, "«minimo_destinatari» deve essere maggiore o uguale a 3, trovato «1»")]


def test_a_category_without_recipient_count_is_treated_as_small():
    c = Categoria("X", 4, None, Decimal(10), None, None, None, None)
    assert piccola(c, 3)


# -- property: nothing hidden can be worked out from what is published --------------

_categoria = st.builds(
    lambda n, d: Categoria("c", None, n, Decimal(d), Decimal(d), None, None, None),
    st.integers(min_value=0, max_value=8),
    st.integers(min_value=0, max_value=10_000),
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(_categoria, min_size=1, max_size=6))
def test_hidden_totals_always_cover_enough_recipients_or_everything(categorie):
    premi = Premi(2021, sum((c.stanziato for c in categorie), Decimal(0)), None, None, tuple(categorie))
    righe = pubblicabili(premi)
    nascoste = [c for c, r in zip(categorie, righe, strict=True) if r.distribuito is None and c.distribuito is not None]
    # What a reader gets by subtracting the published totals from the year's:
    # the sum over the hidden categories, i.e. an average over this many people.
    gruppo = sum(c.destinatari or 0 for c in nascoste)
    assert not nascoste or gruppo >= 3 or len(nascoste) == len([c for c in categorie if c.distribuito is not None])
    for c, r in zip(categorie, righe, strict=True):
        if piccola(c, 3):
            assert (r.stanziato, r.distribuito, r.premio_medio, r.premio_minimo, r.premio_massimo) == (None,) * 5
    assert set(complementari(premi)).isdisjoint(i for i, c in enumerate(categorie) if piccola(c, 3))


# -- the real site -----------------------------------------------------------------


@pytest.mark.slow
def test_built_site_contains_none_of_a_small_category_amounts(tmp_path):
    from test_build import build_quiet, progetto

    root = progetto(tmp_path / "p", _progetto(tmp_path / "dati", 2))
    rc, _, err = build_quiet(root)
    assert rc == 0, err
    html = "".join(p.read_text(encoding="utf-8") for p in (root / "site").rglob("*.html"))
    html += "".join(p.read_text(encoding="utf-8") for p in (root / "site").rglob("*.json"))
    # "29.100" on pages, 29100 in data files; never inside a longer number
    trovati = [x for x in DIRIGENTI + PO_TOTALI if re.search(rf"(?<![\d.,]){re.escape(x)}(?![\d])|(?<![\d.,]){x.replace('.', '')}(?![\d])", html)]
    assert trovati == []
    dati = (root / "site" / "performance" / "dati-premi" / "index.html").read_text(encoding="utf-8")
    assert "dato non pubblicato per tutela della riservatezza (meno di 3 destinatari)" in dati

"""Incremental builds: a rebuild after an edit stages exactly what a cold build would.

The build skips pages whose input fingerprint has not changed and keeps
files whose ``stat`` matches its manifest (see :mod:`generator.staging`).
That is only right if no input is missed, so every test here compares the
incremental staging folder byte for byte with a cold build of the same
commit in a fresh folder (same git history, no ``build/``, no cache).
Real git (provenance lines change with each commit), real charts, real
YAML; MkDocs is left out: it reads the staging folder and nothing else.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from generator import build as B, staging as stg
from tests.gitrepo import git

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
CONSUNTIVO = "measurements/2021-12-31.yml"
PIANO = "plan/2021.yml"


def progetto(dest: Path) -> Path:
    """The shipped plan and measurements in a git repository of their own."""
    dest.mkdir(parents=True)
    for name in ("plan", "measurements", "docs", "relazione"):
        shutil.copytree(REPO / name, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "piano", date="2021-01-15T10:00:00+00:00")
    return dest


def prepare(root: Path) -> B.Prepared:
    return B.prepare(root, jobs=1, out=io.StringIO())


def albero(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cold_copy(root: Path, dest: Path) -> Path:
    """The same commit, built from nothing."""
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns("build", ".cache", "site"))
    return dest


def edit(root: Path, rel: str, fn: Callable[[str], str], message: str) -> None:
    path = root / rel
    before = path.read_text(encoding="utf-8")
    after = fn(before)
    assert after != before, f"the edit {message!r} changed nothing"
    path.write_text(after, encoding="utf-8")
    git(root, "commit", "-q", "-am", message, date="2021-07-01T10:00:00+00:00")


def sub(pattern: str, repl: str) -> Callable[[str], str]:
    return lambda text: re.sub(pattern, repl, text, count=1, flags=re.MULTILINE)


def assert_same_as_cold(root: Path, tmp: Path, name: str) -> B.Prepared:
    prep = prepare(root)
    cold = cold_copy(root, tmp / f"cold-{name}")
    prepare(cold)
    warm_tree, cold_tree = albero(root / B.STAGING), albero(cold / B.STAGING)
    assert warm_tree.keys() == cold_tree.keys()
    assert [rel for rel in warm_tree if warm_tree[rel] != cold_tree[rel]] == []
    return prep


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = progetto(tmp_path / "p")
    prepare(root)
    return root


EDITS = {
    "measured value": (CONSUNTIVO, sub(r'^  "1\.1\.1": 4 ', '  "1.1.1": 2 ')),
    "measurement note": (CONSUNTIVO, sub(r'nota: "fonte: registro presenze agli eventi"', 'nota: "fonte: registro"')),
    "action title": (PIANO, sub(r"titolo: Progetti attivati", "titolo: Progetti avviati")),
    "unit name": (PIANO, sub(r"controller: Controller", "controller: Ufficio controllo di gestione")),
    "plan title": (PIANO, sub(r"^titolo: Piano della Performance 2021-2023", "titolo: Piano della Performance 2021–2023")),
    "line added above everything": (PIANO, lambda t: t.replace("\ntitolo:", "\n# nota di redazione\ntitolo:", 1)),
    "relazione text": ("relazione/2021/contesto.md", sub(r"^\*Testo di esempio\.\*", "*Testo di esempio, rivisto.*")),
    "relazione state": ("relazione/2021/relazione.yml", sub(r"^stato: bozza", 'stato: approvata\napprovazione: {data: 2022-06-20, atto: "Delibera n. 45"}')),
    "scostamento": (CONSUNTIVO, sub(r"causa: esterna", "causa: interna")),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_rebuild_after_an_edit_stages_exactly_what_a_cold_build_stages(built: Path, tmp_path: Path, name: str):
    rel, fn = EDITS[name]
    edit(built, rel, fn, name)
    assert_same_as_cold(built, tmp_path, name.replace(" ", "-"))


def test_one_measured_value_rerenders_only_the_pages_that_show_it(built: Path, tmp_path: Path):
    rel, fn = EDITS["measured value"]
    edit(built, rel, fn, "valore")
    prep = assert_same_as_cold(built, tmp_path, "one")
    assert prep.reused > 20  # the other strategic objectives' pages, among others
    riscritti = set(prep.scritti)
    assert "piano/2021/obiettivi/1.1/index.md" in riscritti
    assert not any(p.startswith("piano/2021/obiettivi/2") for p in riscritti)
    assert prep.disegnati >= 1


def test_unchanged_rebuild_renders_no_page_and_draws_no_chart(built: Path):
    prep = prepare(built)
    assert prep.scritti == [] and prep.rimossi == []
    assert prep.disegnati == 0
    assert prep.reused == len(stg.load_manifest(built / B.MANIFEST).pages) > 31  # every page, home and indexes too


def test_a_staged_page_edited_by_hand_is_restored(built: Path, tmp_path: Path):
    page = built / B.STAGING / "piano/2021/obiettivi/2/index.md"
    page.write_text("# modificata a mano\n", encoding="utf-8")
    prep = assert_same_as_cold(built, tmp_path, "hand")
    assert "piano/2021/obiettivi/2/index.md" in prep.scritti


def test_a_deleted_staged_chart_is_put_back(built: Path, tmp_path: Path):
    chart = next((built / B.STAGING / "piano/2021/obiettivi/2").glob("*.svg"))
    chart.unlink()
    assert_same_as_cold(built, tmp_path, "chart")
    assert chart.is_file()


def test_a_corrupt_manifest_means_a_full_build_with_the_same_output(built: Path, tmp_path: Path):
    (built / B.MANIFEST).write_text("{non è json", encoding="utf-8")
    prep = assert_same_as_cold(built, tmp_path, "corrupt")
    assert prep.reused == 0
    assert stg.load_manifest(built / B.MANIFEST).file  # a good manifest again


def test_a_removed_measurement_removes_its_pages_content_and_files(built: Path, tmp_path: Path):
    git(built, "rm", "-q", CONSUNTIVO)
    git(built, "commit", "-q", "-m", "via il consuntivo", date="2021-07-02T10:00:00+00:00")
    assert_same_as_cold(built, tmp_path, "removed")


def test_the_manifest_is_deterministic(built: Path, tmp_path: Path):
    other = cold_copy(built, tmp_path / "other")
    prepare(other)
    a = stg.load_manifest(built / B.MANIFEST)
    b = stg.load_manifest(other / B.MANIFEST)
    assert a.pages == b.pages and a.opendata == b.opendata
    assert {k: v.content for k, v in a.file.items()} == {k: v.content for k, v in b.file.items()}


#: Actions whose KPI is a plain number (any integer is a valid value).
CODICI = ["1.1.1", "1.2.1", "1.3.3", "1.4.1", "1.6.1", "2.1.1"]


@settings(
    max_examples=6, deadline=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(CODICI), st.integers(0, 500)), min_size=1, max_size=3))
def test_random_measured_values_rebuild_like_a_cold_build(tmp_path_factory, valori):
    tmp = tmp_path_factory.mktemp("rnd")
    root = progetto(tmp / "p")
    prepare(root)
    text = (root / CONSUNTIVO).read_text(encoding="utf-8")
    for codice, valore in valori:
        # the whole entry: one line, or a mapping over the lines indented below it
        text = re.sub(rf'^  "{re.escape(codice)}":[^\n]*(?:\n    [^\n]*)*', f'  "{codice}": {valore}', text, count=1, flags=re.MULTILINE)
    (root / CONSUNTIVO).write_text(text, encoding="utf-8")
    git(root, "commit", "-q", "--allow-empty", "-am", "valori", date="2021-07-03T10:00:00+00:00")
    assert_same_as_cold(root, tmp, "rnd")


def test_a_field_read_only_by_a_template_reaches_the_rebuilt_page(built: Path, tmp_path: Path):
    """The strategic objectives' pages print the plan's ``smvp.soglia_parziale``
    in their status legend (strategico.md.j2 reads it from the plan; no page
    code names it). Lowering it to 55% changes no objective's status, so only
    the template's reading of that field changes the page: a fingerprint kept
    by hand, without that field, would have reused the stale page."""
    page = built / B.STAGING / "piano/2021/obiettivi/2/index.md"
    assert "ma arriva a 60%" in page.read_text(encoding="utf-8")
    edit(built, PIANO, lambda t: t.replace("\ntitolo:", "\nsmvp:\n  soglia_parziale: 55%\ntitolo:", 1), "soglia parziale")
    assert_same_as_cold(built, tmp_path, "template-field")
    assert "ma arriva a 55%" in page.read_text(encoding="utf-8")

"""Item 1, the property: whatever ``validate`` passes, ``build`` builds.

Hypothesis writes measurement files for the shipped plan with values near
and beyond every limit (huge and tiny numbers, exponents, ratios, dates far
in the future, texts with control, bidirectional, Markdown and HTML
characters) and an action title of arbitrary text. Each input that
validates is then built for real (validation, scores, pages, charts, open
data, MkDocs); the build must succeed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FRAME, REPO
from hypothesis import HealthCheck, event, given, settings, strategies as st

from generator.build import build
from generator.validate import check_project, load_project

pytestmark = pytest.mark.slow

AZIONI = {a.codice: a.tipo for a in load_project(REPO).piani[2021].azioni()}
TESTO = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("\f\x1b\u202e\u2028<>&*_[]`#|\\\"'\n:-=@"),
    min_size=1,
    max_size=40,
)

#: Text without the characters validate refuses, Markdown and HTML included.
VISIBILE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("<>&*_[]`#|\\\"':-=@"), min_size=1, max_size=40)


def _numero() -> st.SearchStrategy[str]:
    interi = st.integers(-(10**17), 10**17).map(str)
    decimali = st.one_of(
        *(st.decimals(places=p, min_value=Decimal(-(10**16)), max_value=Decimal(10**16)) for p in (1, 2, 6, 7))
    ).map(lambda d: format(d, "f"))
    esponenti = st.tuples(st.integers(1, 9), st.integers(-12, 30)).map(lambda t: f"{t[0]}e{t[1]}")
    plausibili = st.one_of(st.integers(0, 500).map(str), st.decimals(places=2, min_value=0, max_value=1000).map(lambda d: format(d, "f")))
    return st.one_of(plausibili, plausibili, interi, decimali, esponenti)


def _valore(tipo: str) -> st.SearchStrategy[str]:
    nota = TESTO.map(json.dumps)
    if tipo == "numero":
        return st.one_of(_numero(), st.builds(lambda n, d: f"{{numeratore: {n}, denominatore: {d}}}", _numero(), _numero()))
    if tipo == "percentuale":
        return st.one_of(_numero().map(lambda n: json.dumps(n + "%")), st.builds(lambda n, d: f"{{numeratore: {n}, denominatore: {d}}}", _numero(), _numero()))
    if tipo == "data":
        return st.dates(dt.date(2000, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat)
    if tipo == "si_no":
        return st.sampled_from(["si", "no", "true", "false"])
    return st.builds(lambda e, n: f"{{esito: {e}, nota: {n}}}", _numero().map(lambda x: json.dumps(x + "%")), nota)


@st.composite
def rilevazioni(draw: st.DrawFn) -> tuple[str, str]:
    codici = draw(st.lists(st.sampled_from(sorted(AZIONI)), min_size=1, max_size=4, unique=True))
    righe = ["piano: 2021", "data: 2021-12-31", "tipo: consuntivo", "valori:"]
    righe += [f'  "{c}": {draw(_valore(AZIONI[c]))}' for c in codici]
    return "\n".join(righe) + "\n", draw(st.one_of(TESTO, VISIBILE))


@pytest.fixture(scope="module")
def radice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("proprieta")
    for name in FRAME:
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    (root / "measurements" / "2021-06-30.yml").unlink()
    return root


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rilevazioni())
def test_what_validate_passes_build_builds(radice: Path, dati: tuple[str, str]) -> None:
    misure, titolo = dati
    (radice / "measurements" / "2021-12-31.yml").write_text(misure, encoding="utf-8")
    piano = (REPO / "plan" / "2021.yml").read_text(encoding="utf-8")
    (radice / "plan" / "2021.yml").write_text(piano.replace("titolo: Progetti attivati", f"titolo: {json.dumps(titolo)}", 1), encoding="utf-8")
    if check_project(radice).progetto is None:
        event("refused by validate")
        return  # refused with messages: the other tests check those
    event("validated, then built")
    err = io.StringIO()
    assert build(radice, jobs=1, out=io.StringIO(), err=err) == 0, err.getvalue()

"""Charts: real matplotlib SVG output, parsed back and read like a visitor would."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from generator.presentation import STATI, contrasto
from generator.render import charts
from generator.render.charts import (
    BarItem,
    BarSpec,
    BulletSpec,
    Chart,
    Soglie,
    TrendPoint,
    TrendSpec,
    alt_text,
    canvas,
    render,
    render_all,
)

SVG = "{http://www.w3.org/2000/svg}"
REPO = Path(__file__).resolve().parent.parent


def percent_bullet(valore=Decimal("87.5"), key="azione-1.3.1-2021-12-31", titolo="Adesioni on line"):
    grado, stato = (Decimal(100), "raggiunto") if valore is not None else (None, "non misurato")
    return BulletSpec(key, titolo, "percentuale", "crescente", valore, Soglie(Decimal(80), Decimal(60), Decimal(40)), grado, stato)


def payments_bullet():
    """Seed action 3.1.1: payment time in days, lower is better (26/28/29)."""
    return BulletSpec("azione-3.1.1-2021-12-31", "Indice di tempestività dei pagamenti", "numero", "decrescente",
                      Decimal(27), Soglie(Decimal(26), Decimal(28), Decimal(29)), Decimal(80),
                      "parzialmente raggiunto", "gg")


def deadline_bullet(valore=dt.date(2021, 6, 10)):
    """Seed action 1.5.1: deadline maggio, soglie giugno / luglio."""
    grado, stato = (Decimal(80), "parzialmente raggiunto") if valore is not None else (None, "non misurato")
    return BulletSpec("azione-1.5.1-2021-12-31", "Nuovo marchio Valtellina", "data", "decrescente", valore,
                      Soglie(dt.date(2021, 5, 31), dt.date(2021, 6, 30), dt.date(2021, 7, 31)), grado, stato)


def bar_spec():
    return BarSpec("os-1-2021-12-31", "Competitività del territorio", (
        BarItem("1.1", "Capitale Umano", Decimal("87.5"), "parzialmente raggiunto", Decimal(10)),
        BarItem("1.2", "Vocazioni territoriali", Decimal(100), "raggiunto", Decimal(25)),
        BarItem("1.6", "Coordinamento strategico territoriale", None, "non misurato", Decimal(10)),
    ), target=Decimal(80))


def trend_spec():
    return TrendSpec("trend-os-1", "Competitività del territorio", (
        TrendPoint(dt.date(2021, 6, 30), Decimal(60)),
        TrendPoint(dt.date(2021, 12, 31), Decimal("87.5")),
    ), target=Decimal(80), stato="raggiunto")


ALL_KINDS = {
    "bullet": percent_bullet,
    "bullet-decrescente": payments_bullet,
    "bullet-data": deadline_bullet,
    "bullet-si_no": lambda: BulletSpec("azione-si", "Regolamento adottato", "si_no", "crescente", True, Soglie(True),
                                       Decimal(100), "raggiunto"),
    "bullet-qualitativo": lambda: BulletSpec("azione-5.1.1", "Puntualità delle pubblicazioni", "qualitativo", "crescente",
                                             Decimal(80), Soglie(Decimal(100)), Decimal(80), "parzialmente raggiunto"),
    "bar": bar_spec,
    "trend": trend_spec,
}


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def texts(chart: Chart) -> list[str]:
    return [t.text or "" for t in parse(chart).iter(f"{SVG}text")]


def text_x(chart: Chart, content: str) -> float:
    [x] = [float(t.get("x")) for t in parse(chart).iter(f"{SVG}text") if t.text == content]
    return x


# -- every kind -------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_every_chart_kind_renders_parseable_svg(kind):
    root = parse(render(ALL_KINDS[kind]()))
    assert root.tag == f"{SVG}svg"
    assert root.findall(f".//{SVG}text")


@pytest.mark.parametrize(("make", "value", "status"), [
    (percent_bullet, "87,5%", "raggiunto"),
    (bar_spec, "87,5%", "non misurato"),
    (trend_spec, "87,5%", "raggiunto"),
])
def test_chart_writes_italian_value_and_status_word(make, value, status):
    shown = texts(render(make()))
    assert value in shown
    assert status in shown


def test_same_spec_renders_byte_identical_svg():
    spec = payments_bullet()
    first = render(spec).svg
    render(bar_spec())  # reuse of the figure in between must leave no trace
    assert render(spec).svg == first


def test_separate_process_renders_identical_bytes(tmp_path):
    specs = [percent_bullet(), deadline_bullet(), bar_spec(), trend_spec()]
    out = tmp_path / "svg"
    code = (
        "import datetime, sys, pathlib\n"
        "from decimal import Decimal\n"
        "from generator.render.charts import *\n"
        f"specs = [{', '.join(repr(s) for s in specs)}]\n"
        "out = pathlib.Path(sys.argv[1]); out.mkdir()\n"
        "for i, s in enumerate(specs):\n"
        "    (out / f'{i}.svg').write_bytes(render(s).svg)\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, cwd=REPO, env=env)
    for i, spec in enumerate(specs):
        assert (out / f"{i}.svg").read_bytes() == render(spec).svg


def test_svg_carries_no_date_or_creator_metadata():
    svg = render(percent_bullet()).svg
    assert b"<metadata" not in svg
    assert b"Matplotlib v" not in svg


def test_svg_text_is_real_text_in_site_font_with_generic_fallback():
    root = parse(render(percent_bullet()))
    styles = [t.get("style") for t in root.iter(f"{SVG}text")]
    assert all("'Titillium Web', 'DejaVu Sans', sans-serif" in s for s in styles)
    assert not root.findall(f".//{SVG}defs/{SVG}path")  # no glyph outlines


def test_svg_has_no_auto_numbered_ids_that_clash_when_inlined():
    svg = render(bar_spec()).svg
    assert b' id="' not in svg


def test_rendering_logs_no_font_warnings(caplog):
    canvas.text_width.cache_clear()
    with caplog.at_level(logging.WARNING):
        render(percent_bullet(key="fresh-font-lookups"))
    assert not [r for r in caplog.records if r.name.startswith("matplotlib")]


# -- bullet specifics -------------------------------------------------------


def test_decrescente_bullet_is_mirrored_with_target_on_the_left():
    chart = render(payments_bullet())
    assert text_x(chart, "target") < text_x(chart, "soglia 80%") < text_x(chart, "soglia 60%")
    assert "← meglio se più basso" in texts(chart)


def test_crescente_bullet_has_target_on_the_right():
    chart = render(percent_bullet())
    assert text_x(chart, "soglia 60%") < text_x(chart, "soglia 80%") < text_x(chart, "target")


def test_deadline_bullet_labels_dates_with_italian_months():
    shown = texts(render(deadline_bullet()))
    assert {"31 mag", "30 giu", "31 lug", "10 giu"} <= set(shown)


def test_deadline_not_done_says_non_ancora_realizzato():
    chart = render(deadline_bullet(valore=None))
    assert "non ancora realizzato" in texts(chart)


def test_missing_value_says_non_misurato():
    chart = render(percent_bullet(valore=None))
    assert texts(chart).count("non misurato") == 2  # status word and in the band


def test_number_value_keeps_its_unit():
    assert "27\u00a0gg" in texts(render(payments_bullet()))


def test_si_no_bullet_writes_si_and_status():
    shown = texts(render(ALL_KINDS["bullet-si_no"]()))
    assert "sì" in shown
    assert "raggiunto" in shown


def test_qualitativo_esito_is_shown_on_a_plain_scale():
    assert "80%" in texts(render(ALL_KINDS["bullet-qualitativo"]()))


def test_the_scorers_grado_and_status_are_shown_as_given():
    # With `lineare` the scorer gives 90 where the bands alone would say 80:
    # the chart shows the scorer's numbers and words, it derives none.
    spec = BulletSpec("azione-lin", "Lineare", "percentuale", "crescente", Decimal(70),
                      Soglie(Decimal(80), Decimal(60), Decimal(40)), Decimal(90), "parzialmente raggiunto")
    shown = texts(render(spec))
    assert "parzialmente raggiunto" in shown
    assert "valore 70% · grado 90,0%" in shown
    assert "Esito: parzialmente raggiunto." in alt_text(spec)


def test_title_markup_is_escaped_and_svg_still_parses():
    title = "Sito <script>alert(1)</script> & \"portale\""
    chart = render(percent_bullet(titolo=title))
    assert b"<script" not in chart.svg
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in chart.svg
    assert title in " ".join(texts(chart))  # parsed back to the original text (over two lines)


def test_dollar_signs_in_title_are_not_mathtext():
    chart = render(percent_bullet(titolo="Costo $x^2$ in $"))
    assert "Costo $x^2$ in $" in texts(chart)


def test_control_characters_in_title_are_dropped():
    chart = render(percent_bullet(titolo="Titolo\x00con\x1bcontrollo\nnuova riga"))
    assert "Titoloconcontrollo nuova riga" in texts(chart)


def test_long_title_wraps_to_two_lines_with_ellipsis():
    chart = render(percent_bullet(titolo="parola " * 60))
    lines = [t for t in texts(chart) if t.startswith("parola")]
    assert len(lines) == 2
    assert lines[-1].endswith("…")


# -- bars and trend ---------------------------------------------------------


def test_bar_labels_show_code_name_and_weight():
    shown = texts(render(bar_spec()))
    assert "1.1 Capitale Umano (peso 10%)" in shown
    assert "100,0%" in shown


def test_bar_target_line_is_labelled():
    assert "target 80%" in texts(render(bar_spec()))


def test_bar_item_with_its_own_target_shows_the_scorers_status_word():
    spec = BarSpec("ente", "Obiettivi strategici", (
        BarItem("1", "Competitività del territorio", Decimal("83.1"), "raggiunto", target=Decimal(80)),
        BarItem("2", "Competitività delle imprese", Decimal(72), "parzialmente raggiunto", target=Decimal(80)),
    ))
    shown = texts(render(spec))
    assert "raggiunto (target 80%)" in shown
    assert "parzialmente raggiunto (target 80%)" in shown
    assert "non raggiunto (target 80%)" not in shown


def test_trend_labels_measurement_dates_in_italian():
    shown = texts(render(trend_spec()))
    assert {"30 giu 2021", "31 dic 2021", "target 80%"} <= set(shown)


def test_trend_unscored_point_says_non_misurato():
    spec = TrendSpec("t", "T", (TrendPoint(dt.date(2021, 6, 30), None), TrendPoint(dt.date(2021, 12, 31), Decimal(50))))
    assert "non misurato" in texts(render(spec))


# -- text alternative -------------------------------------------------------


def test_bullet_alt_text_states_value_target_and_status():
    alt = alt_text(payments_bullet())
    assert "valore 27\u00a0gg" in alt
    assert "target 26\u00a0gg" in alt
    assert "Esito: parzialmente raggiunto" in alt
    assert "valori più bassi sono migliori" in alt


def test_deadline_alt_text_uses_full_dates():
    alt = alt_text(deadline_bullet())
    assert "realizzato il 10 giugno 2021" in alt
    assert "scadenza 31 maggio 2021" in alt


def test_bar_alt_text_lists_every_item():
    alt = alt_text(bar_spec())
    assert "1.1 Capitale Umano (peso 10%): 87,5%" in alt
    assert "1.6 Coordinamento strategico territoriale (peso 10%): non misurato" in alt
    assert "target 80%" in alt


def test_trend_alt_text_lists_dates_values_and_status():
    alt = alt_text(trend_spec())
    assert "30 giugno 2021: 60,0%; 31 dicembre 2021: 87,5%" in alt
    assert "Ultimo valore: raggiunto" in alt


def test_svg_root_is_an_image_labelled_with_the_alt_text():
    chart = render(percent_bullet(titolo="A & <b>"))
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.get("aria-label") == chart.alt
    assert root.find(f"{SVG}title").text == chart.alt


def test_inline_svg_drops_the_xml_declaration():
    chart = render(percent_bullet())
    assert chart.svg.startswith(b"<?xml")
    assert chart.inline().startswith("<svg ")


# -- cache and batches ------------------------------------------------------


def test_cache_hit_returns_identical_bytes_and_draws_nothing(tmp_path):
    spec = percent_bullet()
    first = render_all([spec], cache_dir=tmp_path)[spec.key]
    _, drawn = charts.ensure_cached([spec], tmp_path)
    assert drawn == 0
    assert render_all([spec], cache_dir=tmp_path)[spec.key] == first


def test_changed_value_misses_the_cache(tmp_path):
    render_all([percent_bullet()], cache_dir=tmp_path)
    changed = percent_bullet(valore=Decimal(50))
    chart = render_all([changed], cache_dir=tmp_path)[changed.key]
    assert "50%" in texts(chart)
    assert len(list(tmp_path.glob("*.svg"))) == 2


def test_cache_entry_is_named_by_key_and_content_digest(tmp_path):
    spec = percent_bullet()
    entries, _ = charts.ensure_cached([spec], tmp_path)
    entry = entries[spec.key]
    key, digest = entry.stem.split("-")
    assert key == charts.cache_key(spec)
    assert digest == hashlib.sha256(entry.read_bytes()).hexdigest()


def test_cache_leaves_no_temporary_files(tmp_path):
    render_all([percent_bullet(), bar_spec()], cache_dir=tmp_path)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".svg", ".svg"]
    assert not list(tmp_path.glob(".tmp-*"))


def test_render_all_in_worker_processes_equals_in_process():
    specs = [percent_bullet(key=f"azione-{i}", valore=Decimal(i * 7)) for i in range(8)] + [bar_spec(), trend_spec()]
    with charts.workers(2) as w:
        assert w.processes == 2
        in_workers = render_all(specs, workers=w)
    assert in_workers == render_all(specs)


def test_render_all_keeps_input_order():
    specs = [trend_spec(), percent_bullet(), bar_spec()]
    assert list(render_all(specs)) == [s.key for s in specs]


def test_render_all_rejects_duplicate_keys():
    with pytest.raises(ValueError, match="duplicata"):
        render_all([percent_bullet(), percent_bullet()])


def test_prewarming_in_process_changes_no_byte():
    specs = [percent_bullet(), bar_spec(), trend_spec()]
    expected = {k: c.svg for k, c in render_all(specs).items()}
    got = render_all(specs, workers=charts.in_process(prewarm=True))
    assert {k: c.svg for k, c in got.items()} == expected


def test_one_job_draws_in_process_without_workers():
    with charts.workers(1) as w:
        assert w.processes == 0
        assert render_all([percent_bullet()], workers=w)


def test_worker_processes_end_with_the_with_block():
    import multiprocessing

    with charts.workers(2) as w:
        render_all([percent_bullet()], workers=w)
        assert len(multiprocessing.active_children()) >= 2
    assert multiprocessing.active_children() == []


# -- status you can see, text you can read -----------------------------------

#: The narrowest column a page shows a chart in: a 390 px phone minus the
#: page's side padding (measured in Chromium on the built site).
PHONE_COLUMN_PX = 358


def filled_shapes(chart: Chart) -> list[tuple[str, str]]:
    """(fill, outline) of every outlined shape, lower case."""
    return [(f.lower(), o.lower()) for f, o in re.findall(r"fill: (#[0-9a-fA-F]{6}); stroke: (#[0-9a-fA-F]{6})", chart.svg.decode())]


def three_statuses() -> BarSpec:
    return BarSpec("ente", "Obiettivi strategici", (
        BarItem("1", "Competitività", Decimal("83.1"), "raggiunto", target=Decimal(80)),
        BarItem("2", "Imprese", Decimal(72), "parzialmente raggiunto", target=Decimal(80)),
        BarItem("3", "Efficienza", Decimal(0), "non raggiunto", target=Decimal(90)),
    ))


def test_bars_are_coloured_by_the_scorers_status_with_the_sites_status_colours():
    shown = filled_shapes(render(three_statuses()))
    for stato in ("raggiunto", "parzialmente raggiunto", "non raggiunto"):
        look = STATI[stato]
        assert (look.colore.lower(), look.bordo.lower()) in shown, stato
        assert contrasto(look.bordo) >= 3.0  # the outline makes every bar stand out from the page


def test_bar_chart_legend_names_each_status_shown_in_words():
    shown = texts(render(three_statuses()))
    assert shown[1:4] == ["raggiunto", "parzialmente raggiunto", "non raggiunto"]  # the legend, under the title
    assert "parzialmente raggiunto (target 80%)" in shown  # and every bar's own line


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_chart_text_stays_at_least_11_px_in_a_phone_column(kind):
    root = parse(render(ALL_KINDS[kind]()))
    view_width = float(root.get("viewBox").split()[2])
    sizes = [float(re.search(r"font-size: ([\d.]+)px", t.get("style")).group(1)) for t in root.iter(f"{SVG}text")]
    assert min(sizes) * PHONE_COLUMN_PX / view_width >= 11
    assert min(sizes) >= 11  # and at its natural size (desktop), larger still


def test_a_damaged_cache_entry_is_a_miss_redrawn_and_replaced(tmp_path):
    spec = percent_bullet()
    entries, _ = charts.ensure_cached([spec], tmp_path)
    good = entries[spec.key].read_bytes()
    entries[spec.key].write_bytes(good[:100])  # truncated
    again, drawn = charts.ensure_cached([spec], tmp_path)
    assert drawn == 1
    assert again[spec.key].read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == [again[spec.key].name]


def test_an_entry_the_caller_has_staged_intact_is_not_reread(tmp_path):
    # The build passes the entries its staging folder holds, unchanged since
    # they were verified and linked; only those skip the check (a rebuild
    # would otherwise re-read every chart of the site).
    spec = percent_bullet()
    entries, _ = charts.ensure_cached([spec], tmp_path)
    entry = entries[spec.key]
    entry.write_bytes(b"damaged after staging")
    _, drawn = charts.ensure_cached([spec], tmp_path, staged={spec.key: entry.stem})
    assert drawn == 0
    _, drawn = charts.ensure_cached([spec], tmp_path)
    assert drawn == 1

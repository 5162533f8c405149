"""The three drawers: bullet (one action), bars (children's grado), trend (grado over time).

Each takes a spec (:mod:`.specs`) and lays it out by hand on a
:class:`.canvas.Sheet`; :func:`render` adds the text alternative. Meaning
never rests on colour alone: the status word (the scorer's), named
threshold ticks and a direction note are always written; colours are
Okabe–Ito tints and all text is near-black on white or on light tints
(contrast > 7:1).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from .canvas import (
    CAP_HEIGHT,
    GRID,
    INK,
    INK_SOFT,
    MARGIN,
    MARKER,
    RULE,
    SMALL_SIZE,
    TEXT_SIZE,
    TITLE_SIZE,
    WIDTH,
    Sheet,
    finish_svg,
    text_width,
    wrap,
)
from .specs import (
    NON_MISURATO,
    BarSpec,
    BulletSpec,
    Chart,
    ChartSpec,
    Soglie,
    TrendSpec,
    alt_text,
    bar_label,
    clean,
    fmt_date_short,
    fmt_grado,
    fmt_percent,
    fmt_value,
    last_scored,
    missing_value,
    same_year,
    target_status,
    thresholds,
    verso,
)

# Okabe–Ito: bluish green, yellow, orange, vermillion, blue.
BAND_COLOURS = {100: "#8ed3bf", 80: "#f6eea0", 60: "#f3cf80", 0: "#eeaf86"}
BAND_NEUTRAL = "#e6e6e6"
BAR_COLOUR = "#0072b2"  # 5.1:1 on white (graphics need 3:1)


# --------------------------------------------------------------------------
# Bullet chart (one action)
# --------------------------------------------------------------------------

_PLOT_LEFT = MARGIN + 4
_PLOT_RIGHT = WIDTH - MARGIN - 4


def _as_float(value) -> float:
    if isinstance(value, dt.date):
        return float(value.toordinal())
    return float(value)


def _nice_pad(lo: float, hi: float, tipo: str) -> tuple[float, float]:
    """Domain around the data with room on both sides, never below zero
    for non-negative data and, for percentages, never past 100 needlessly."""
    span = hi - lo
    if tipo == "data":
        pad = max(span * 0.35, 20.0)
    else:
        pad = max(span * 0.35, abs(hi) * 0.15, 1.0)
    new_lo, new_hi = lo - pad, hi + pad
    if lo >= 0 > new_lo:
        new_lo = 0.0
    if tipo == "percentuale" and hi <= 100 < new_hi:
        new_hi = 100.0
        if new_hi - new_lo < 1e-9:
            new_lo = 0.0
    if new_hi <= new_lo:
        new_hi = new_lo + 1.0
    return new_lo, new_hi


def _bands(soglie: Soglie, direction: str, lo: float, hi: float) -> list[tuple[float, float, int]]:
    """(start, end, grade) of the colour bands, left to right."""
    ths = [(_as_float(v), g) for v, g, _ in thresholds(soglie)]
    if not ths:
        return [(lo, hi, -1)]
    bands = []
    if direction == "decrescente":
        edge = lo
        for value, grade in ths:  # best first: left to right
            bands.append((edge, value, grade))
            edge = value
        bands.append((edge, hi, 0))
    else:
        edge = hi
        for value, grade in ths:  # best first: right to left
            bands.append((value, edge, grade))
            edge = value
        bands.append((lo, edge, 0))
        bands.reverse()
    return [(a, b, g) for a, b, g in bands if b > a]


def _draw_header(sheet: Sheet, title_lines: Sequence[str], y: float) -> float:
    for line in title_lines:
        sheet.text(MARGIN, y, line, size=TITLE_SIZE, bold=True)
        y += TITLE_SIZE * 1.3
    return y


def _draw_status(sheet: Sheet, y: float, status: str, detail: str, note: str = "") -> None:
    """Status word in a bold outlined badge (never colour alone), then details.

    The badge is sized with the layout font; in a narrower font (the site's
    Titillium Web, when inlined) the word stays centred in it, so the badge
    keeps the detail text at a tidy distance whatever the font.
    """
    width = text_width(status, TEXT_SIZE, True) + 10
    sheet.rect(MARGIN, y - 3.5, width, TEXT_SIZE * CAP_HEIGHT + 7, "white", zorder=2, edge=INK)
    sheet.text(MARGIN + width / 2, y, status, bold=True, ha="center")
    if detail:
        sheet.text(MARGIN + width + 6, y, detail, color=INK_SOFT)
    if note:
        sheet.text(WIDTH - MARGIN, y, note, size=SMALL_SIZE, ha="right", color=INK_SOFT)


def _place_labels(labels: list[tuple[float, float]], gap: float = 6.0) -> list[int]:
    """Row (0 or 1) for each label (x centre, width) so neighbours don't overlap."""
    rows = []
    right_edge = [-1e9, -1e9]
    for x, w in labels:
        left = x - w / 2
        if left >= right_edge[0] + gap:
            row = 0
        elif left >= right_edge[1] + gap:
            row = 1
        else:  # crowded either way: the row whose last label ends sooner
            row = 0 if right_edge[0] <= right_edge[1] else 1
        right_edge[row] = x + w / 2
        rows.append(row)
    return rows


def _clamp_centre(x: float, width: float) -> float:
    return min(max(x, MARGIN + width / 2), WIDTH - MARGIN - width / 2)


def _draw_bullet(spec: BulletSpec, alt: str) -> bytes:
    status = spec.stato
    title = wrap(clean(spec.titolo), TITLE_SIZE, WIDTH - 2 * MARGIN, 2, bold=True)
    direction = verso(spec)

    if spec.tipo == "si_no":
        values = [0.0, 2.0]
        lo, hi = 0.0, 2.0
        bands = [(0.0, 1.0, 0), (1.0, 2.0, 100)]
        ticks = []
        marker = None if spec.valore is None else (1.5 if spec.valore else 0.5)
        note = ""
    else:
        ths = thresholds(spec.soglie)
        values = [_as_float(v) for v, _, _ in ths]
        if spec.valore is not None:
            values.append(_as_float(spec.valore))
        if spec.tipo == "qualitativo":
            values += [0.0, 100.0]
        if not values:
            values = [0.0, 100.0] if spec.tipo in ("percentuale", "qualitativo") else [0.0, 1.0]
        lo, hi = _nice_pad(min(values), max(values), spec.tipo)
        if spec.tipo == "qualitativo":
            lo, hi = min(lo, 0.0), max(100.0, max(values))
        if spec.tipo == "qualitativo":
            # The esito is itself the grado: a plain 0–100 scale, no bands.
            bands = [(lo, hi, -1)]
            named = {_as_float(v) for v, _, _ in ths}
            ticks = ths + [(v, None, "") for v in (0, 25, 50, 75, 100) if float(v) not in named]
        else:
            bands = _bands(spec.soglie, direction, lo, hi)
            ticks = ths
        marker = None if spec.valore is None else _as_float(spec.valore)
        if spec.tipo == "data":
            note = "← meglio se prima"
        elif direction == "decrescente":
            note = "← meglio se più basso"
        else:
            note = "meglio se più alto →"

    dates = [v for v, _, _ in ticks if isinstance(v, dt.date)]
    if isinstance(spec.valore, dt.date):
        dates.append(spec.valore)
    with_year = not same_year(dates)
    show = functools.partial(fmt_value, tipo=spec.tipo, unita=spec.unita, with_year=with_year)

    def xmap(v: float) -> float:
        return _PLOT_LEFT + (v - lo) / (hi - lo) * (_PLOT_RIGHT - _PLOT_LEFT)

    # Threshold labels: value on one line, name under it; stagger if crowded.
    # Thresholds of equal value share one label ("target / soglia 80%").
    names_at: dict[float, list[str]] = {}
    values_at: dict[float, object] = {}
    for value, _, name in ticks:
        shown = "scadenza" if (spec.tipo == "data" and name == "target") else name
        names_at.setdefault(_as_float(value), []).append(shown)
        values_at.setdefault(_as_float(value), value)
    tick_labels = []
    for at, names in names_at.items():
        value = values_at[at]
        text = show(value)
        shown_name = " / ".join(n for n in names if n)
        width = max(text_width(text, TEXT_SIZE), text_width(shown_name, SMALL_SIZE))
        x = xmap(_as_float(value))
        tick_labels.append((_clamp_centre(x, width), x, width, text, shown_name))
    tick_labels.sort(key=lambda t: t[0])
    rows = _place_labels([(t[0], t[2]) for t in tick_labels])
    staggered = any(rows)

    top = 8.0 + len(title) * TITLE_SIZE * 1.3 + 4
    band_top = top + 18 + 16
    band_h = 26.0
    height = band_top + band_h + 8 + (26 if ticks else 0) + (26 if staggered else 0) + 8

    sheet = Sheet("bullet", height)
    _draw_header(sheet, title, 8.0)
    details = []
    if spec.valore is not None:
        details.append(("realizzato il " if spec.tipo == "data" else "valore ") + show(spec.valore))
    if spec.grado is not None:
        details.append("grado " + fmt_grado(spec.grado))
    detail = " · ".join(details)
    _draw_status(sheet, top, status, detail, note)

    for a, b, grade in bands:
        colour = BAND_COLOURS.get(grade, BAND_NEUTRAL)
        sheet.rect(xmap(a), band_top, xmap(b) - xmap(a), band_h, colour)
    if spec.tipo == "si_no":
        # Band names at the bands' left ends: the marker sits at their centres.
        for a, b, grade in bands:
            sheet.text(xmap(a) + 8, band_top + band_h / 2, "sì" if grade == 100 else "no",
                       va="center_baseline", color=INK)

    for centre, x, width, text, name in tick_labels:
        sheet.line([x, x], [band_top, band_top + band_h + 5], color=RULE, width=1.0)
    for (centre, x, width, text, name), row in zip(tick_labels, rows):
        y = band_top + band_h + 8 + row * 26
        if row:
            sheet.line([x, x], [band_top + band_h + 5, y - 1], color=GRID, width=0.8)
        sheet.text(centre, y, text, ha="center")
        if name:
            sheet.text(centre, y + 12, name, ha="center", size=SMALL_SIZE, color=INK_SOFT)

    if marker is None:
        missing = missing_value(spec.tipo)
        sheet.text((_PLOT_LEFT + _PLOT_RIGHT) / 2, band_top + band_h / 2, missing, ha="center",
                   va="center_baseline", italic=True)
    else:
        x = xmap(marker)
        sheet.rect(x - 2, band_top - 5, 4, band_h + 10, MARKER, zorder=4)
        label = show(spec.valore)
        width = text_width(label, TEXT_SIZE, True)
        sheet.text(_clamp_centre(x, width), band_top - 18, label, bold=True, ha="center")
    return sheet.svg("bullet:" + spec.key)


# --------------------------------------------------------------------------
# Bar chart (children's grado)
# --------------------------------------------------------------------------

_BAR_LEFT = 214.0
_BAR_RIGHT = 404.0
_LABEL_WIDTH = _BAR_LEFT - MARGIN - 8


def _draw_bars(spec: BarSpec, alt: str) -> bytes:
    title = wrap(clean(spec.titolo), TITLE_SIZE, WIDTH - 2 * MARGIN, 2, bold=True)
    top = 8.0 + len(title) * TITLE_SIZE * 1.3 + (16 if spec.target is not None else 4)
    row_h = 40.0
    axis_y = top + row_h * max(len(spec.items), 1)
    height = axis_y + 24

    def xmap(v) -> float:
        v = min(max(float(v), 0.0), 100.0)
        return _BAR_LEFT + v / 100.0 * (_BAR_RIGHT - _BAR_LEFT)

    sheet = Sheet("bar", height)
    _draw_header(sheet, title, 8.0)
    for tick in (0, 20, 40, 60, 80, 100):
        x = xmap(tick)
        sheet.line([x, x], [top, axis_y], color=GRID, width=0.8, zorder=0)
        sheet.text(x, axis_y + 5, fmt_percent(tick), ha="center", size=SMALL_SIZE, color=INK_SOFT)
    sheet.line([_BAR_LEFT, _BAR_LEFT], [top, axis_y], color=RULE, width=1.0)

    for i, item in enumerate(spec.items):
        y0 = top + i * row_h
        lines = wrap(bar_label(item), TEXT_SIZE, _LABEL_WIDTH, 2)
        status = target_status(item.grado, item.target, item.stato) if item.grado is not None else None
        if status:
            lines.append(f"{status} (target {fmt_percent(item.target)})")
        block = len(lines) * 11.5
        ly = y0 + (row_h - block) / 2
        for j, line in enumerate(lines):
            is_status = status is not None and j == len(lines) - 1
            sheet.text(MARGIN, ly + j * 11.5, line, size=SMALL_SIZE if is_status else TEXT_SIZE,
                       bold=is_status, color=INK)
        centre = y0 + row_h / 2
        if item.grado is None:
            sheet.text(_BAR_LEFT + 6, centre, NON_MISURATO, va="center_baseline", italic=True)
            continue
        x = xmap(item.grado)
        sheet.rect(_BAR_LEFT, centre - 7, x - _BAR_LEFT, 14, BAR_COLOUR, zorder=2)
        label = fmt_grado(item.grado)
        label_x = x + 5
        # A value label never sits on a target line: it moves past it.
        lines_at = sorted((xmap(t), w) for t, w in ((item.target, 1.0), (spec.target, 0.6)) if t is not None)
        for tx, half_width in lines_at:
            if label_x - 3 <= tx + half_width and tx - half_width <= label_x + text_width(label, TEXT_SIZE, True) + 2:
                label_x = tx + half_width + 4
        if item.target is not None:
            tx = xmap(item.target)
            sheet.line([tx, tx], [centre - 11, centre + 11], color=MARKER, width=2.0, zorder=3)
        sheet.text(label_x, centre, label, va="center_baseline", bold=True)

    if spec.target is not None:
        x = xmap(spec.target)
        sheet.line([x, x], [top - 4, axis_y], color=MARKER, width=1.2, dashes=(4, 2), zorder=4)
        sheet.text(x, top - 6, f"target {fmt_percent(spec.target)}", ha="center", va="baseline",
                   size=SMALL_SIZE)
    return sheet.svg("bar:" + spec.key)


# --------------------------------------------------------------------------
# Trend chart (grado over measurement dates)
# --------------------------------------------------------------------------

_TREND_LEFT = 48.0
_TREND_RIGHT = WIDTH - 74.0
_TREND_PLOT_H = 120.0


def _draw_trend(spec: TrendSpec, alt: str) -> bytes:
    title = wrap(clean(spec.titolo), TITLE_SIZE, WIDTH - 2 * MARGIN, 2, bold=True)
    top = 8.0 + len(title) * TITLE_SIZE * 1.3 + 4
    plot_top = top + 18 + 18
    plot_bottom = plot_top + _TREND_PLOT_H
    points = sorted(spec.punti, key=lambda p: p.data)
    with_year = True
    labels = [(p, fmt_date_short(p.data, with_year)) for p in points]

    ords = [float(p.data.toordinal()) for p in points]
    if ords and max(ords) > min(ords):
        lo, hi = min(ords), max(ords)
        pad = (hi - lo) * 0.08
        lo, hi = lo - pad, hi + pad
    else:
        centre = ords[0] if ords else 0.0
        lo, hi = centre - 1, centre + 1

    def xmap(v: float) -> float:
        return _TREND_LEFT + (v - lo) / (hi - lo) * (_TREND_RIGHT - _TREND_LEFT)

    def ymap(g) -> float:
        g = min(max(float(g), 0.0), 100.0)
        return plot_bottom - g / 100.0 * _TREND_PLOT_H

    placed = [(_clamp_centre(xmap(o), text_width(t, SMALL_SIZE)), text_width(t, SMALL_SIZE))
              for o, (_, t) in zip(ords, labels)]
    rows = _place_labels(placed)
    height = plot_bottom + 24 + (12 if any(rows) else 0) + 6

    sheet = Sheet("trend", height)
    _draw_header(sheet, title, 8.0)
    last = last_scored(spec)
    if last is None:
        _draw_status(sheet, top, NON_MISURATO, "")
    else:
        status = target_status(last.grado, spec.target, spec.stato)
        detail = f"ultimo valore {fmt_grado(last.grado)} ({fmt_date_short(last.data)})"
        if status:
            _draw_status(sheet, top, status, detail)
        else:
            sheet.text(MARGIN, top, detail, color=INK)

    for tick in (0, 25, 50, 75, 100):
        y = ymap(tick)
        sheet.line([_TREND_LEFT, _TREND_RIGHT], [y, y], color=GRID, width=0.8, zorder=0)
        sheet.text(_TREND_LEFT - 5, y, fmt_percent(tick), ha="right", va="center_baseline",
                   size=SMALL_SIZE, color=INK_SOFT)

    for (x, w), (p, text), row in zip(placed, labels, rows):
        sheet.line([xmap(p.data.toordinal())] * 2, [plot_bottom, plot_bottom + 4], color=RULE)
        sheet.text(x, plot_bottom + 7 + row * 12, text, ha="center", size=SMALL_SIZE)

    if spec.target is not None:
        y = ymap(spec.target)
        sheet.line([_TREND_LEFT, _TREND_RIGHT], [y, y], color=MARKER, width=1.2, dashes=(4, 2), zorder=2)
        sheet.text(_TREND_RIGHT + 5, y, f"target {fmt_percent(spec.target)}", va="center_baseline",
                   size=SMALL_SIZE)

    # The line breaks at unscored points: a gap says "no value", not zero.
    run: list[tuple[float, float]] = []
    runs = [run]
    for p in points:
        if p.grado is None:
            run = []
            runs.append(run)
        else:
            run.append((xmap(p.data.toordinal()), ymap(p.grado)))
    for r in runs:
        if len(r) >= 2:
            sheet.line([x for x, _ in r], [y for _, y in r], color=BAR_COLOUR, width=2.0, zorder=3)
    for p in points:
        x = xmap(p.data.toordinal())
        if p.grado is None:
            sheet.text(x, plot_bottom - 6, NON_MISURATO, ha="center", va="baseline", size=SMALL_SIZE,
                       italic=True)
            continue
        y = ymap(p.grado)
        sheet.polygon([(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)], BAR_COLOUR, zorder=4)
        label = fmt_grado(p.grado)
        sheet.text(_clamp_centre(x, text_width(label, TEXT_SIZE, True)), y - 8, label, ha="center",
                   va="baseline", bold=True)
    return sheet.svg("trend:" + spec.key)


def draw(spec: ChartSpec, alt: str) -> bytes:
    """The matplotlib part: the raw SVG of one chart."""
    if isinstance(spec, BulletSpec):
        return _draw_bullet(spec, alt)
    if isinstance(spec, BarSpec):
        return _draw_bars(spec, alt)
    if isinstance(spec, TrendSpec):
        return _draw_trend(spec, alt)
    raise TypeError(f"not a chart spec: {type(spec).__name__}")


def render(spec: ChartSpec, alt: str | None = None) -> Chart:
    """Render one chart to SVG (deterministic bytes) with its text alternative.

    ``alt`` is :func:`.specs.alt_text` of ``spec``; callers that already
    computed it (the page showing the chart) pass it to save the work.
    """
    if alt is None:
        alt = alt_text(spec)
    return Chart(key=spec.key, svg=finish_svg(draw(spec, alt), alt), alt=alt)

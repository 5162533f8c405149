"""The three drawers: bullet (one action), bars (children's grado), trend (grado over time).

Each takes a spec (:mod:`.specs`) and lays it out by hand on a
:class:`.canvas.Sheet`; :func:`render` adds the text alternative.

Status you can see, never colour alone: wherever a status is shown it is
its word, its shape and its colour together, as in the site's tables
(:data:`generator.presentation.STATI`: Okabe–Ito fills, each with an
outline of at least 3:1 against white), and bar charts carry a legend. All
text is near-black or dark grey on white (contrast > 7:1).

Legible at the width the page shows them: charts are drawn 320 units wide
(``canvas.WIDTH``) with no text under 11 units, and pages show them at
least that wide (a phone's 390 px column is ~358 px wide; on a desktop the
SVG's natural width is 427 px), so no text is ever under 11 CSS px.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from decimal import Decimal

from ...presentation import STATI
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
    Valore,
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
    status_style,
    target_status,
    thresholds,
    verso,
)

# Okabe–Ito tints of the threshold bands (bluish green, yellow, orange,
# vermillion): where the target is met, between the thresholds, below.
BAND_COLOURS = {100: "#8ed3bf", 80: "#f6eea0", 60: "#f3cf80", 0: "#eeaf86"}
BAND_NEUTRAL = "#e6e6e6"
TRACK = "#ececec"  # a bar's 0–100 track
LINE_COLOUR = "#404040"  # the trend line: neutral, statuses own the colours
LINE_HEIGHT = 1.3


# --------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------


def _draw_header(sheet: Sheet, title_lines: Sequence[str], y: float) -> float:
    for line in title_lines:
        sheet.text(MARGIN, y, line, size=TITLE_SIZE, bold=True)
        y += TITLE_SIZE * LINE_HEIGHT
    return y


def _title(spec: ChartSpec) -> list[str]:
    return wrap(clean(spec.titolo), TITLE_SIZE, WIDTH - 2 * MARGIN, 2, bold=True)


def _draw_shape(sheet: Sheet, x: float, y: float, stato: str, size: float) -> None:
    """The status's shape (``forma``) in its colours, in a ``size`` square whose left edge is x, centred on y."""
    look = status_style(stato)
    r = size / 2
    cx = x + r
    if look.forma == "croce":
        for y0, y1 in ((y - 0.4 * size, y + 0.4 * size), (y + 0.4 * size, y - 0.4 * size)):
            sheet.line([x + 0.1 * size, x + 0.9 * size], [y0, y1], color=look.bordo, width=2.6, zorder=5)
    elif look.forma == "triangolo":
        sheet.polygon([(cx, y - 0.48 * size), (x + size, y + 0.42 * size), (x, y + 0.42 * size)], look.colore,
                      zorder=5, edge=look.bordo, linewidth=1.2)
    else:  # cerchio, mezzo, vuoto
        circle = [(cx + r * math.cos(2 * math.pi * i / 24), y + r * math.sin(2 * math.pi * i / 24)) for i in range(24)]
        fill = look.colore if look.forma == "cerchio" else "white"
        sheet.polygon(circle, fill, zorder=5, edge=look.bordo, linewidth=1.2)
        if look.forma == "mezzo":
            half = [(cx, y - r), *[(cx - r * math.sin(math.pi * i / 12), y - r * math.cos(math.pi * i / 12)) for i in range(13)]]
            sheet.polygon(half, look.colore, zorder=6, edge=look.bordo, linewidth=1.2)


def _draw_status(sheet: Sheet, y: float, stato: str, detail: str) -> float:
    """Shape and bold word of a status, then the detail (same line if it fits); returns the next y."""
    icon = TEXT_SIZE
    sheet_x = MARGIN + icon + 5
    _draw_shape(sheet, MARGIN, y + CAP_HEIGHT * TEXT_SIZE / 2, stato, icon)
    sheet.text(sheet_x, y, stato, bold=True)
    end = sheet_x + text_width(stato, TEXT_SIZE, True)
    if not detail:
        return y + TEXT_SIZE * LINE_HEIGHT + 2
    if end + text_width(" · " + detail, TEXT_SIZE) <= WIDTH - MARGIN:
        # SVG drops a text's leading space: the gap is in the position.
        sheet.text(end + text_width(" ", TEXT_SIZE), y, "· " + detail, color=INK_SOFT)
        return y + TEXT_SIZE * LINE_HEIGHT + 2
    y += TEXT_SIZE * LINE_HEIGHT
    sheet.text(MARGIN, y, detail, color=INK_SOFT)
    return y + TEXT_SIZE * LINE_HEIGHT + 2


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


# --------------------------------------------------------------------------
# Bullet chart (one action)
# --------------------------------------------------------------------------

_PLOT_LEFT = MARGIN + 4
_PLOT_RIGHT = WIDTH - MARGIN - 4


def _as_float(value: object) -> float:
    if isinstance(value, dt.date):
        return float(value.toordinal())
    return float(value)  # type: ignore[arg-type]  # callers pass present, non-boolean values only


def _nice_pad(lo: float, hi: float, tipo: str) -> tuple[float, float]:
    """Domain around the data with room on both sides, never below zero
    for non-negative data and, for percentages, never past 100 needlessly."""
    span = hi - lo
    pad = max(span * 0.35, 20.0) if tipo == "data" else max(span * 0.35, abs(hi) * 0.15, 1.0)
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
    """(start, end, grade there) of the threshold bands, left to right."""
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


def _draw_bullet(spec: BulletSpec, alt: str) -> bytes:
    title = _title(spec)
    direction = verso(spec)

    if spec.tipo == "si_no":
        lo, hi = 0.0, 2.0
        bands = [(0.0, 1.0, 0), (1.0, 2.0, 100)]
        ticks: list[tuple[Valore, int | None, str]] = []
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
            # The esito is itself the grado: a plain 0–100 scale, no bands.
            lo, hi = min(lo, 0.0), max(100.0, *values)
            bands = [(lo, hi, -1)]
            named = {_as_float(v) for v, _, _ in ths}
            ticks = [*ths, *((v, None, "") for v in (0, 50, 100) if float(v) not in named)]
        else:
            bands = _bands(spec.soglie, direction, lo, hi)
            ticks = list(ths)
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
    values_at: dict[float, Valore] = {}
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

    details = []
    if spec.valore is not None:
        details.append(("realizzato il " if spec.tipo == "data" else "valore ") + show(spec.valore))
    if spec.grado is not None:
        details.append("grado " + fmt_grado(spec.grado))
    detail = " · ".join(details)
    top = 8.0 + len(title) * TITLE_SIZE * LINE_HEIGHT + 4
    two_lines = MARGIN + TEXT_SIZE + 5 + text_width(spec.stato, TEXT_SIZE, True) + text_width(" · " + detail, TEXT_SIZE) > WIDTH - MARGIN
    after_status = top + (2 if two_lines and detail else 1) * TEXT_SIZE * LINE_HEIGHT + 2
    band_top = after_status + (SMALL_SIZE * LINE_HEIGHT if note else 0) + 22
    band_h = 26.0
    row_h = 30.0
    height = band_top + band_h + 8 + (row_h if ticks else 0) + (row_h if staggered else 0) + 6

    sheet = Sheet("bullet", height)
    _draw_header(sheet, title, 8.0)
    y = _draw_status(sheet, top, spec.stato, detail)
    if note:
        sheet.text(MARGIN, y, note, size=SMALL_SIZE, color=INK_SOFT)

    for a, b, grade in bands:
        colour = BAND_COLOURS.get(grade, BAND_NEUTRAL)
        sheet.rect(xmap(a), band_top, xmap(b) - xmap(a), band_h, colour)
    if spec.tipo == "si_no":
        # Band names at the bands' left ends: the marker sits at their centres.
        for a, _, grade in bands:
            sheet.text(xmap(a) + 8, band_top + band_h / 2, "sì" if grade == 100 else "no",
                       va="center_baseline", color=INK)

    for _, x, _, _, _ in tick_labels:
        sheet.line([x, x], [band_top, band_top + band_h + 5], color=RULE, width=1.0)
    for (centre, x, _, text, name), row in zip(tick_labels, rows, strict=True):
        y = band_top + band_h + 8 + row * row_h
        if row:
            sheet.line([x, x], [band_top + band_h + 5, y - 1], color=GRID, width=0.8)
        sheet.text(centre, y, text, ha="center")
        if name:
            sheet.text(centre, y + TEXT_SIZE + 3, name, ha="center", size=SMALL_SIZE, color=INK_SOFT)

    if marker is None:
        sheet.text((_PLOT_LEFT + _PLOT_RIGHT) / 2, band_top + band_h / 2, missing_value(spec.tipo), ha="center",
                   va="center_baseline", italic=True)
    else:
        x = xmap(marker)
        sheet.rect(x - 2, band_top - 5, 4, band_h + 10, MARKER, zorder=4)
        label = show(spec.valore)
        width = text_width(label, TEXT_SIZE, True)
        sheet.text(_clamp_centre(x, width), band_top - 8, label, bold=True, ha="center", va="baseline")
    return sheet.svg("bullet:" + spec.key)


# --------------------------------------------------------------------------
# Bar chart (children's grado, coloured by the scorer's status)
# --------------------------------------------------------------------------

_BAR_LEFT = MARGIN
_BAR_RIGHT = WIDTH - MARGIN - 50  # room for the value label of a full bar
_BAR_H = 14.0
_SWATCH = 11.0


def _legend(sheet: Sheet | None, y: float, entries: Sequence[str], targets: Sequence[tuple[str, bool]]) -> float:
    """Bar colour and shape of each status shown, then the target marks
    (text, dashed); wraps; returns the next y."""
    x = MARGIN
    line_h = SMALL_SIZE * LINE_HEIGHT + 4
    items: list[tuple[str, str | None, bool]] = [(stato, stato, False) for stato in entries]
    items += [(text, None, dashed) for text, dashed in targets]
    for text, stato, dashed in items:
        width = _SWATCH + 4 + _SWATCH + 4 + text_width(text, SMALL_SIZE) + 12
        if x > MARGIN and x + width > WIDTH - MARGIN:
            x = MARGIN
            y += line_h
        centre = y + CAP_HEIGHT * SMALL_SIZE / 2
        if sheet is not None:
            if stato is not None:
                if stato != NON_MISURATO:  # no bar to match: shape and word only
                    look = status_style(stato)
                    sheet.rect(x, centre - _SWATCH / 2, _SWATCH, _SWATCH, look.colore, edge=look.bordo)
                _draw_shape(sheet, x + _SWATCH + 4, centre, stato, _SWATCH)
            else:
                sheet.line([x + _SWATCH, x + _SWATCH], [centre - _SWATCH / 2 - 2, centre + _SWATCH / 2 + 2],
                           color=MARKER, width=1.6, dashes=(3, 1.5) if dashed else None)
            sheet.text(x + 2 * _SWATCH + 8, y, text, size=SMALL_SIZE, color=INK)
        x += width
    return y + line_h


def _draw_bars(spec: BarSpec, alt: str) -> bytes:
    title = _title(spec)
    present = [s for s in STATI if any(item.stato == s for item in spec.items)]  # best first
    present += sorted({item.stato for item in spec.items} - set(STATI))
    targets: list[tuple[str, bool]] = []
    if any(item.target is not None for item in spec.items):
        targets.append(("target di ciascuno", False) if spec.target is None else ("target proprio", False))
    if spec.target is not None and any(item.target is None for item in spec.items):
        targets.append((f"target {fmt_percent(spec.target)}", True))
    top = 8.0 + len(title) * TITLE_SIZE * LINE_HEIGHT + 4
    rows_top = _legend(None, top, present, targets) + 8
    layouts = [wrap(bar_label(item), TEXT_SIZE, WIDTH - 2 * MARGIN, 2) for item in spec.items]
    row_heights = [len(lines) * TEXT_SIZE * LINE_HEIGHT + 4 + _BAR_H + 6 + SMALL_SIZE * LINE_HEIGHT + 10 for lines in layouts]
    axis_y = rows_top + sum(row_heights)
    height = axis_y + 8 + SMALL_SIZE + 8

    def xmap(v: float | int | Decimal) -> float:
        g = min(max(float(v), 0.0), 100.0)
        return _BAR_LEFT + g / 100.0 * (_BAR_RIGHT - _BAR_LEFT)

    sheet = Sheet("bar", height)
    _draw_header(sheet, title, 8.0)
    _legend(sheet, top, present, targets)

    y0 = rows_top
    for item, lines, row_h in zip(spec.items, layouts, row_heights, strict=True):
        y = y0
        for line in lines:
            sheet.text(MARGIN, y, line)
            y += TEXT_SIZE * LINE_HEIGHT
        bar_top = y + 4
        centre = bar_top + _BAR_H / 2
        sheet.rect(_BAR_LEFT, bar_top, _BAR_RIGHT - _BAR_LEFT, _BAR_H, TRACK, zorder=1)
        # Target marks on the track: the item's own (solid), the common one (dashed).
        marks = []
        if item.target is not None:
            marks.append((xmap(item.target), False))
        elif spec.target is not None:
            marks.append((xmap(spec.target), True))
        for tx, dashed in marks:
            sheet.line([tx, tx], [bar_top - 4, bar_top + _BAR_H + 4], color=MARKER, width=1.6,
                       dashes=(3, 1.5) if dashed else None, zorder=4)
        if item.grado is None:
            sheet.text(_BAR_LEFT + 6, centre, NON_MISURATO, va="center_baseline", italic=True)
        else:
            x = xmap(item.grado)
            look = status_style(item.stato)
            sheet.rect(_BAR_LEFT, bar_top, x - _BAR_LEFT, _BAR_H, look.colore, zorder=2, edge=look.bordo)
            label = fmt_grado(item.grado)
            label_x = x + 5
            label_w = text_width(label, TEXT_SIZE, True)
            for tx, _ in marks:  # a value label never sits on a target mark: it moves past it
                if label_x - 3 <= tx + 1 and tx - 1 <= label_x + label_w + 2:
                    label_x = tx + 5
            sheet.text(label_x, centre, label, va="center_baseline", bold=True)
        status_y = bar_top + _BAR_H + 6
        stato = target_status(item.grado, item.target, item.stato) or item.stato
        words = stato + (f" (target {fmt_percent(item.target)})" if item.target is not None and item.grado is not None else "")
        _draw_shape(sheet, MARGIN, status_y + CAP_HEIGHT * SMALL_SIZE / 2, stato, SMALL_SIZE)
        sheet.text(MARGIN + SMALL_SIZE + 5, status_y, words, size=SMALL_SIZE)
        y0 += row_h

    for tick in (0, 50, 100):
        x = xmap(tick)
        sheet.line([x, x], [axis_y - 4, axis_y + 2], color=RULE, width=1.0)
        sheet.text(x, axis_y + 6, fmt_percent(tick), ha="center" if tick else "left", size=SMALL_SIZE, color=INK_SOFT)
    sheet.line([_BAR_LEFT, _BAR_RIGHT], [axis_y - 1, axis_y - 1], color=RULE, width=1.0)
    return sheet.svg("bar:" + spec.key)


# --------------------------------------------------------------------------
# Trend chart (grado over measurement dates)
# --------------------------------------------------------------------------

_TREND_LEFT = MARGIN + 36
_TREND_RIGHT = WIDTH - MARGIN - 6
_TREND_PLOT_H = 130.0


def _draw_trend(spec: TrendSpec, alt: str) -> bytes:
    title = _title(spec)
    top = 8.0 + len(title) * TITLE_SIZE * LINE_HEIGHT + 4
    points = sorted(spec.punti, key=lambda p: p.data)
    labels = [(p, fmt_date_short(p.data, True)) for p in points]
    last = last_scored(spec)
    status = None if last is None else target_status(last.grado, spec.target, spec.stato)
    detail = "" if last is None or last.grado is None else f"ultimo valore {fmt_grado(last.grado)} ({fmt_date_short(last.data)})"

    ords = [float(p.data.toordinal()) for p in points]
    if ords and max(ords) > min(ords):
        lo, hi = min(ords), max(ords)
        pad = (hi - lo) * 0.1
        lo, hi = lo - pad, hi + pad
    else:
        centre = ords[0] if ords else 0.0
        lo, hi = centre - 1, centre + 1

    def xmap(v: float) -> float:
        return _TREND_LEFT + (v - lo) / (hi - lo) * (_TREND_RIGHT - _TREND_LEFT)

    placed = [(_clamp_centre(xmap(o), text_width(t, SMALL_SIZE)), text_width(t, SMALL_SIZE)) for o, (_, t) in zip(ords, labels, strict=True)]
    rows = _place_labels(placed)

    # Status and detail: one line if they fit, else two (as _draw_status lays them out).
    if last is None or status:
        word = NON_MISURATO if last is None else status
        fits = MARGIN + TEXT_SIZE + 5 + text_width(word or "", TEXT_SIZE, True) + text_width(" · " + detail, TEXT_SIZE) <= WIDTH - MARGIN
        status_h = (1 if fits or not detail else 2) * TEXT_SIZE * LINE_HEIGHT + 2
    else:
        status_h = TEXT_SIZE * LINE_HEIGHT + 2
    plot_top = top + status_h + 24
    plot_bottom = plot_top + _TREND_PLOT_H

    def ymap(g: float | int | Decimal) -> float:
        v = min(max(float(g), 0.0), 100.0)
        return plot_bottom - v / 100.0 * _TREND_PLOT_H

    height = plot_bottom + 8 + SMALL_SIZE * LINE_HEIGHT + (SMALL_SIZE * LINE_HEIGHT + 2 if any(rows) else 0) + 8

    sheet = Sheet("trend", height)
    _draw_header(sheet, title, 8.0)
    if last is None:
        _draw_status(sheet, top, NON_MISURATO, "")
    elif status:
        _draw_status(sheet, top, status, detail)
    else:
        sheet.text(MARGIN, top, detail, color=INK)

    for tick in (0, 25, 50, 75, 100):
        y = ymap(tick)
        sheet.line([_TREND_LEFT, _TREND_RIGHT], [y, y], color=GRID, width=0.8, zorder=0)
        sheet.text(_TREND_LEFT - 5, y, fmt_percent(tick), ha="right", va="center_baseline", size=SMALL_SIZE, color=INK_SOFT)

    for (x, _), (p, text), row in zip(placed, labels, rows, strict=True):
        sheet.line([xmap(p.data.toordinal())] * 2, [plot_bottom, plot_bottom + 4], color=RULE)
        sheet.text(x, plot_bottom + 7 + row * (SMALL_SIZE * LINE_HEIGHT + 2), text, ha="center", size=SMALL_SIZE)

    if spec.target is not None:
        y = ymap(spec.target)
        sheet.line([_TREND_LEFT, _TREND_RIGHT], [y, y], color=MARKER, width=1.2, dashes=(4, 2), zorder=2)
        sheet.text(_TREND_LEFT + 4, y - 4, f"target {fmt_percent(spec.target)}", va="baseline", size=SMALL_SIZE)

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
            sheet.line([x for x, _ in r], [y for _, y in r], color=LINE_COLOUR, width=2.0, zorder=3)
    for p in points:
        x = xmap(p.data.toordinal())
        if p.grado is None:
            sheet.text(x, plot_bottom - 6, NON_MISURATO, ha="center", va="baseline", size=SMALL_SIZE, italic=True)
            continue
        y = ymap(p.grado)
        sheet.polygon([(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)], LINE_COLOUR, zorder=4)
        label = fmt_grado(p.grado)
        sheet.text(_clamp_centre(x, text_width(label, TEXT_SIZE, True)), y - 9, label, ha="center", va="baseline", bold=True)
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

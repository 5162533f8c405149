"""Accessible, deterministic SVG charts for the transparency site.

Why this module looks the way it does:

* It takes plain frozen *spec* dataclasses, never model or score objects, so
  charts can be cached by content and rendered in worker processes, and the
  page renderer stays the only place that knows the domain model.
* Every mark is placed in point coordinates on a bare ``Figure`` (no Axes, no
  pyplot, no tick machinery): the layout is fixed, nothing is auto-scaled or
  "tight", and a chart costs a few milliseconds instead of ~30.
* Text stays text (``svg.fonttype: none``): smaller files, selectable, and the
  numbers are real characters. Metrics come from matplotlib's bundled DejaVu
  Sans files, so layout is identical on every machine with the pinned
  matplotlib; the SVG names ``"Titillium Web", "DejaVu Sans", sans-serif`` so
  an inlined chart picks up the site's font (narrower than DejaVu, so nothing
  that fits here can overflow there).
* Output is byte-identical across runs and processes: no dates or creator in
  the metadata, a fixed hash salt, no clip paths, no auto-numbered ids.
* Meaning never rests on colour alone: the status word (raggiunto /
  parzialmente raggiunto / non raggiunto / non misurato), named threshold
  ticks and a direction note are always written; colours are Okabe–Ito tints
  and all text is near-black on white or on light tints (contrast > 7:1).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import functools
import hashlib
import io
import multiprocessing
import os
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import metadata as _importlib_metadata
from pathlib import Path
from types import SimpleNamespace
from typing import Union
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

from babel.dates import format_date

from ..runtime import scrivi_atomico
from . import fmt

__all__ = [
    "BarItem",
    "BarSpec",
    "BulletSpec",
    "Chart",
    "ChartSpec",
    "Soglie",
    "TrendPoint",
    "TrendSpec",
    "alt_text",
    "render",
    "render_all",
]

#: A KPI value: number or percentage points (float/int/Decimal), a deadline
#: (date), yes/no (bool) — or None when there is no value.
Valore = Union[float, int, Decimal, bool, dt.date, None]


# --------------------------------------------------------------------------
# Specs (the public input) and the result
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Soglie:
    """Target and thresholds of one action, as in the plan (any may be None)."""

    target: Valore = None
    soglia_80: Valore = None
    soglia_60: Valore = None


@dataclass(frozen=True)
class BulletSpec:
    """One action: its value against target and threshold bands.

    ``grado`` (optional) is the score computed by the scoring module; when
    given, the status word follows it (so ``lineare`` scores and not-yet-due
    deadlines are described exactly), otherwise the status is read from the
    bands (the ``fasce`` method).
    """

    key: str
    titolo: str
    tipo: str  # numero | percentuale | data | si_no | qualitativo
    verso: str  # crescente | decrescente
    valore: Valore
    soglie: Soglie
    unita: str | None = None
    grado: float | Decimal | None = None


@dataclass(frozen=True)
class BarItem:
    """One child (objective, perspective) with its grado (0–100).

    ``target`` (optional) is the item's own target: when given, the item
    shows it with ``stato``, the status word computed by the scorer (charts
    never re-derive it, so a chart and its data table always agree). It is
    separate from ``BarSpec.target`` because operational objectives have no
    target of their own and must not be judged against their parent's.
    """

    codice: str
    etichetta: str
    grado: float | Decimal | None
    peso: float | Decimal | None = None
    target: float | Decimal | None = None
    stato: str | None = None


@dataclass(frozen=True)
class BarSpec:
    """Children's grado as horizontal bars, with an optional target line."""

    key: str
    titolo: str
    items: tuple[BarItem, ...]
    target: float | Decimal | None = None


@dataclass(frozen=True)
class TrendPoint:
    data: dt.date
    grado: float | Decimal | None


@dataclass(frozen=True)
class TrendSpec:
    """Grado over measurement dates, with an optional target line."""

    key: str
    titolo: str
    punti: tuple[TrendPoint, ...]
    target: float | Decimal | None = None
    #: the scorer's status word for the last scored point (shown with the target)
    stato: str | None = None


ChartSpec = Union[BulletSpec, BarSpec, TrendSpec]


@dataclass(frozen=True)
class Chart:
    """A rendered chart: standalone SVG bytes and its Italian text alternative."""

    key: str
    svg: bytes
    alt: str

    def inline(self) -> str:
        """The SVG without the XML declaration, ready to inline in HTML."""
        text = self.svg.decode("utf-8")
        if text.startswith("<?xml"):
            text = text[text.index("?>") + 2 :].lstrip()
        return text


# --------------------------------------------------------------------------
# Italian formatting: the site's rules (generator.render.fmt), plus the
# compact dates that fit a chart axis
# --------------------------------------------------------------------------


def _dec(value: float | int | Decimal) -> Decimal:
    """Exact decimal of a number; floats go through repr so 87.45 stays 87.45."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def fmt_grado(value: float | int | Decimal) -> str:
    """A computed grado: always one decimal, '87,5%' (site rule)."""
    return fmt.grado(_dec(value))


def fmt_percent(value: float | int | Decimal) -> str:
    """A written percentage (peso, target, axis tick): '50%', '12,5%'."""
    return fmt.percentuale(_dec(value))


def fmt_date_short(value: dt.date, with_year: bool = True) -> str:
    """'30 giu 2021' or '30 giu': month names, short enough for an axis."""
    return format_date(value, "d MMM y" if with_year else "d MMM", locale=fmt.LOCALE)


def _fmt_value(value: Valore, tipo: str, unita: str | None, *, long: bool = False, with_year: bool = True) -> str:
    if value is None:
        return "nessun valore"
    if isinstance(value, dt.date):
        return fmt.data(value) if long else fmt_date_short(value, with_year)
    if tipo == "si_no" or isinstance(value, bool):
        return fmt.si_no(bool(value))
    return fmt.valore(_dec(value), tipo, unita)


# --------------------------------------------------------------------------
# Status (shared by charts and text alternatives)
# --------------------------------------------------------------------------

RAGGIUNTO = "raggiunto"
PARZIALE = "parzialmente raggiunto"
NON_RAGGIUNTO = "non raggiunto"
NON_MISURATO = "non misurato"
NON_REALIZZATO = "non ancora realizzato"
SENZA_TARGET = "senza target"  # a measured value with nothing to compare it to


def _at_least(a, b, verso: str) -> bool:
    """a is as good as b or better, in the KPI's direction."""
    return a <= b if verso == "decrescente" else a >= b


def _verso(spec: BulletSpec) -> str:
    # A deadline is always "earlier is better" (data contract).
    return "decrescente" if spec.tipo == "data" else spec.verso


def _thresholds(soglie: Soglie) -> list[tuple[object, int, str]]:
    """(value, grade, name) of the thresholds present, best first."""
    out = []
    for value, grade, name in (
        (soglie.target, 100, "target"),
        (soglie.soglia_80, 80, "soglia 80%"),
        (soglie.soglia_60, 60, "soglia 60%"),
    ):
        if value is not None and not isinstance(value, bool):
            out.append((value, grade, name))
    return out


def _band_grade(value, soglie: Soglie, verso: str) -> int | None:
    """The 'fasce' grade of a value (100/80/60/0), None if no target."""
    ths = _thresholds(soglie)
    if not ths:
        return None
    for th, grade, _ in ths:
        if _at_least(value, th, verso):
            return grade
    return 0


def _status_from_grade(grade) -> str:
    if grade is None:
        return NON_MISURATO
    grade = _dec(grade)
    if grade >= 100:
        return RAGGIUNTO
    return PARZIALE if grade > 0 else NON_RAGGIUNTO


def bullet_status(spec: BulletSpec) -> str:
    """The status word of an action, as written in its chart and alt text."""
    if spec.grado is not None:
        return _status_from_grade(spec.grado)
    if spec.valore is None:
        return NON_REALIZZATO if spec.tipo == "data" else NON_MISURATO
    if spec.tipo == "si_no":
        return RAGGIUNTO if spec.valore else NON_RAGGIUNTO
    if spec.tipo == "qualitativo":
        return _status_from_grade(spec.valore)  # the esito is the grado
    grade = _band_grade(spec.valore, spec.soglie, _verso(spec))
    return SENZA_TARGET if grade is None else _status_from_grade(grade)


def _target_status(grado, target, stato: str | None) -> str | None:
    """The status word shown next to a target: the scorer's, never re-derived here."""
    if grado is None:
        return NON_MISURATO
    if target is None:
        return None
    return stato


# --------------------------------------------------------------------------
# Text alternatives (pure, cheap: no matplotlib)
# --------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Collapse whitespace, drop characters XML 1.0 cannot carry."""
    text = _XML_INVALID.sub("", text)
    return " ".join(text.split())


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _same_year(dates: Iterable[dt.date]) -> bool:
    return len({d.year for d in dates}) <= 1


def _bullet_alt(spec: BulletSpec) -> str:
    titolo = _clean(spec.titolo)
    status = bullet_status(spec)
    if spec.tipo == "si_no":
        value = NON_MISURATO if spec.valore is None else ("sì" if spec.valore else "no")
        return f"Indicatore «{titolo}» (sì/no): valore {value}, atteso sì. Esito: {status}."
    show = functools.partial(_fmt_value, tipo=spec.tipo, unita=spec.unita, long=True)
    if spec.valore is None:
        value = NON_REALIZZATO if spec.tipo == "data" else NON_MISURATO
        bits = [f"valore: {value}"]
    elif spec.tipo == "data":
        bits = [f"realizzato il {show(spec.valore)}"]
    elif spec.tipo == "qualitativo":
        bits = [f"esito {show(spec.valore)}"]
    else:
        bits = [f"valore {show(spec.valore)}"]
    for value, _, name in _thresholds(spec.soglie):
        label = "scadenza" if (spec.tipo == "data" and name == "target") else name
        bits.append(f"{label} {show(value)}")
    sentence = f"Indicatore «{titolo}»: " + ", ".join(bits)
    if spec.tipo == "data":
        sentence += " (prima è meglio)"
    elif spec.verso == "decrescente":
        sentence += " (valori più bassi sono migliori)"
    if spec.grado is not None:
        sentence += f". Grado di raggiungimento {fmt_grado(spec.grado)}"
    return sentence + f". Esito: {status}."


def _bar_label(item: BarItem) -> str:
    label = _clean(f"{item.codice} {item.etichetta}")
    if item.peso is not None:
        label += f" (peso {fmt_percent(item.peso)})"
    return label


def _bar_alt(spec: BarSpec) -> str:
    rows = []
    for item in spec.items:
        value = NON_MISURATO if item.grado is None else fmt_grado(item.grado)
        row = f"{_bar_label(item)}: {value}"
        status = _target_status(item.grado, item.target, item.stato) if item.grado is not None else None
        if status:
            row += f", {status} (target {fmt_percent(item.target)})"
        rows.append(row)
    text = f"Grado di raggiungimento, «{_clean(spec.titolo)}»: " + ("; ".join(rows) or "nessun elemento") + "."
    if spec.target is not None:
        text += f" Linea di riferimento: target {fmt_percent(spec.target)}."
    return text


def _trend_alt(spec: TrendSpec) -> str:
    rows = [
        f"{fmt.data(p.data)}: {NON_MISURATO if p.grado is None else fmt_grado(p.grado)}"
        for p in spec.punti
    ]
    text = f"Andamento del grado di raggiungimento, «{_clean(spec.titolo)}»: " + ("; ".join(rows) or "nessuna rilevazione") + "."
    if spec.target is not None:
        text += f" Target {fmt_percent(spec.target)}."
        last = _last_scored(spec)
        if last is not None:
            text += f" Ultimo valore: {_target_status(last.grado, spec.target, spec.stato)}."
    return text


def _last_scored(spec: TrendSpec) -> TrendPoint | None:
    scored = [p for p in spec.punti if p.grado is not None]
    return max(scored, key=lambda p: p.data) if scored else None


def alt_text(spec: ChartSpec) -> str:
    """What the chart shows and its key numbers, in Italian (no matplotlib)."""
    if isinstance(spec, BulletSpec):
        return _bullet_alt(spec)
    if isinstance(spec, BarSpec):
        return _bar_alt(spec)
    if isinstance(spec, TrendSpec):
        return _trend_alt(spec)
    raise TypeError(f"not a chart spec: {type(spec).__name__}")


# --------------------------------------------------------------------------
# Drawing primitives (matplotlib, imported lazily: cache hits never load it)
# --------------------------------------------------------------------------

WIDTH = 460.0  # pt (6.4 in); the page scales the SVG to its column
MARGIN = 10.0

INK = "#1a1a1a"  # text: 17:1 on white
INK_SOFT = "#404040"  # secondary text: 10:1 on white
RULE = "#333333"
GRID = "#d9d9d9"
# Okabe–Ito: bluish green, yellow, orange, vermillion, blue.
BAND_COLOURS = {100: "#8ed3bf", 80: "#f6eea0", 60: "#f3cf80", 0: "#eeaf86"}
BAND_NEUTRAL = "#e6e6e6"
BAR_COLOUR = "#0072b2"  # 5.1:1 on white (graphics need 3:1)
MARKER = "#000000"

FONT_FAMILY = ["Titillium Web", "DejaVu Sans"]  # then the generic sans-serif
TITLE_SIZE = 11.0
TEXT_SIZE = 9.5
SMALL_SIZE = 8.5

_MPL: SimpleNamespace | None = None
_MPL_LOCK = threading.Lock()


def _matplotlib() -> SimpleNamespace:
    """Import matplotlib on first use (cache hits and alt text never need it).

    No pyplot and no backend switching: a bare Figure with the SVG canvas
    cannot open windows and costs much less to import.
    """
    global _MPL
    with _MPL_LOCK:
        if _MPL is None:
            import matplotlib
            from matplotlib.backends.backend_svg import FigureCanvasSVG
            from matplotlib.figure import Figure
            from matplotlib.font_manager import FontProperties, get_font
            from matplotlib.lines import Line2D
            from matplotlib.patches import Polygon, Rectangle
            from matplotlib.artist import Artist
            from matplotlib.ft2font import LoadFlags
            from matplotlib.transforms import IdentityTransform

            # Set once per process rather than per chart (``rc_context`` saved
            # and restored every rcParam on each chart: ~12% of its time). Only
            # the hash salt changes per chart, see _Sheet.svg. This module is
            # the only matplotlib user of the generator's processes.
            matplotlib.rcParams.update(_rc(""))
            ttf = Path(matplotlib.get_data_path(), "fonts", "ttf")
            _MPL = SimpleNamespace(
                matplotlib=matplotlib,
                Figure=Figure,
                Canvas=FigureCanvasSVG,
                FontProperties=FontProperties,
                get_font=get_font,
                Line2D=Line2D,
                Polygon=Polygon,
                Rectangle=Rectangle,
                Label=_label_class(Artist),
                LoadFlags=LoadFlags,
                identity=IdentityTransform(),
                font_regular=str(ttf / "DejaVuSans.ttf"),
                font_bold=str(ttf / "DejaVuSans-Bold.ttf"),
                figures={},
                props={},
            )
    return _MPL


def _label_class(artist_base):
    """A one-line label drawn straight to the renderer at a given baseline.

    Why not ``matplotlib.text.Text``: its layout measures every string with
    FreeType again on every save (the metrics cache is keyed on the renderer,
    which is new per file), which was most of a chart's cost. Our layout is
    fixed and measured once here, so the label only has to be written. The
    SVG renderer writes ``text-anchor`` and exact ``x``/``y`` when given the
    text object; this class offers the three methods it asks for
    (``get_transform``, ``get_unitless_position``, ``get_ha``) and
    ``get_rotation_mode``. Pinned matplotlib, and tests check the output.
    """

    class Label(artist_base):
        zorder = 3  # as matplotlib's Text: above patches and lines

        def __init__(self, x, baseline, text, prop, color, ha):
            super().__init__()
            self._xy = (x, baseline)
            self._text = text
            self._prop = prop
            self._color = color
            self._ha = ha

        def get_unitless_position(self):
            return self._xy

        def get_ha(self):
            return self._ha

        def get_rotation_mode(self):
            return "default"

        def draw(self, renderer):
            if not self.get_visible() or not self._text:
                return
            gc = renderer.new_gc()
            gc.set_foreground(self._color)
            x, y = self.get_transform().transform(self._xy)
            renderer.draw_text(gc, x, renderer.height - y, self._text, self._prop, 0.0, ismath=False, mtext=self)
            gc.restore()

    return Label


def _rc(salt: str) -> dict:
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": salt,
        "svg.id": None,
        "font.family": ["sans-serif"],
        "font.sans-serif": FONT_FAMILY,
    }


@functools.lru_cache(maxsize=4096)
def _advance(char: str, bold: bool) -> float:
    """Unhinted advance of one character at size 1, in pt (from FreeType)."""
    mpl = _matplotlib()
    font = mpl.get_font(mpl.font_bold if bold else mpl.font_regular)
    font.set_size(100, 72)
    glyph = font.load_char(ord(char), flags=mpl.LoadFlags.NO_HINTING)
    return glyph.linearHoriAdvance / 65536 / 100


@functools.lru_cache(maxsize=8192)
def _text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in pt of a one-line text in the layout font (sum of advances).

    Kerning is ignored: it only ever narrows DejaVu text by a hair, so the
    estimate errs on the side of room.
    """
    return size * sum(_advance(ch, bold) for ch in text)


def _wrap(text: str, size: float, width: float, max_lines: int, bold: bool = False) -> list[str]:
    """Greedy word wrap by measured width; an ellipsis marks a cut."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if _text_width(candidate, size, bold) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines:
            current = ""
            lines[-1] = _ellipsize(" ".join([lines[-1], *words[i:]]), size, width, bold)
            break
    if current:
        lines.append(current)
    lines = lines[:max_lines] or [""]
    lines[-1] = _ellipsize(lines[-1], size, width, bold)
    return lines


def _ellipsize(text: str, size: float, width: float, bold: bool) -> str:
    if _text_width(text, size, bold) <= width:
        return text
    while text and _text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


#: DejaVu Sans capital height / size; a label's ``va`` shifts the baseline
#: by this much (top: a whole cap height below y, centre: half of it).
_CAP_HEIGHT = 0.729
_VA_SHIFT = {"top": 1.0, "center_baseline": 0.5, "center": 0.5, "baseline": 0.0}


class _Sheet:
    """A figure in point coordinates, y growing downwards (like a page)."""

    def __init__(self, kind: str, height: float):
        mpl = _matplotlib()
        self.mpl = mpl
        fig = mpl.figures.get(kind)
        if fig is None:
            fig = mpl.Figure(figsize=(WIDTH / 72, height / 72), dpi=72, facecolor="white")
            mpl.Canvas(fig)
            mpl.figures[kind] = fig
        else:
            fig.clear()
        fig.set_size_inches(WIDTH / 72, height / 72)
        self.fig = fig
        self.height = height

    def text(self, x, y, s, *, size=TEXT_SIZE, bold=False, ha="left", va="top", color=INK, italic=False):
        """One line of text; ``va`` says what ``y`` is: the top of the
        capitals, the middle of the capitals, or the baseline."""
        mpl = self.mpl
        key = (size, bold, italic)
        prop = mpl.props.get(key)
        if prop is None:
            prop = mpl.props[key] = mpl.FontProperties(
                family="sans-serif",
                size=size,
                weight="bold" if bold else "normal",
                style="italic" if italic else "normal",
                fname=mpl.font_bold if bold else mpl.font_regular,
            )
        baseline = y + _CAP_HEIGHT * size * _VA_SHIFT[va]
        label = mpl.Label(x, self.height - baseline, s, prop, color, ha)
        label.set_transform(mpl.identity)
        self.fig.add_artist(label)

    def rect(self, x, y, w, h, color, zorder=1, edge=None):
        mpl = self.mpl
        self.fig.add_artist(mpl.Rectangle(
            (x, self.height - y - h), w, h, facecolor=color, edgecolor=edge or "none",
            linewidth=0.8 if edge else 0, transform=mpl.identity, zorder=zorder,
        ))

    def line(self, xs, ys, color=RULE, width=1.0, dashes=None, zorder=2):
        mpl = self.mpl
        artist = mpl.Line2D(
            list(xs), [self.height - y for y in ys], color=color, linewidth=width,
            transform=mpl.identity, zorder=zorder, solid_capstyle="butt",
        )
        if dashes:
            artist.set_dashes(dashes)
        self.fig.add_artist(artist)

    def polygon(self, points, color, zorder=3):
        mpl = self.mpl
        self.fig.add_artist(mpl.Polygon(
            [(x, self.height - y) for x, y in points], closed=True, facecolor=color,
            edgecolor="white", linewidth=0.8, transform=mpl.identity, zorder=zorder,
        ))

    def svg(self, salt: str) -> bytes:
        buf = io.BytesIO()
        self.mpl.matplotlib.rcParams["svg.hashsalt"] = salt
        self.fig.canvas.print_svg(buf, metadata=_NO_METADATA)
        self.fig.clear()
        return buf.getvalue()


_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}

_GROUP_ID = re.compile(rb'<g id="[^"]*"')
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>]*>\s*")


def _finish_svg(raw: bytes, alt: str) -> bytes:
    """Make the SVG an accessible image and free of page-level id clashes.

    Group ids (``figure_1``, ``text_3``) are auto-numbered and would repeat
    on every chart inlined in a page; nothing references them. The DOCTYPE
    points at an external DTD that SVG 2 dropped. The alternative text goes
    in ``aria-label`` and ``<title>``, escaped for XML.
    """
    svg = _GROUP_ID.sub(b"<g", raw)
    svg = _DOCTYPE.sub(b"", svg, count=1)
    start = svg.index(b"<svg ")
    end = svg.index(b">", start)
    label = _clean(alt)
    root = svg[start:end] + b" role=\"img\" aria-label=" + _xml_quoteattr(label).encode("utf-8") + b">"
    title = b"\n <title>" + _xml_escape(label).encode("utf-8") + b"</title>"
    return svg[:start] + root + title + svg[end + 1 :]


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


def _bands(soglie: Soglie, verso: str, lo: float, hi: float) -> list[tuple[float, float, int]]:
    """(start, end, grade) of the colour bands, left to right."""
    ths = [(_as_float(v), g) for v, g, _ in _thresholds(soglie)]
    if not ths:
        return [(lo, hi, -1)]
    bands = []
    if verso == "decrescente":
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


def _draw_header(sheet: _Sheet, title_lines: Sequence[str], y: float) -> float:
    for line in title_lines:
        sheet.text(MARGIN, y, line, size=TITLE_SIZE, bold=True)
        y += TITLE_SIZE * 1.3
    return y


def _draw_status(sheet: _Sheet, y: float, status: str, detail: str, note: str = "") -> None:
    """Status word in a bold outlined badge (never colour alone), then details.

    The badge is sized with the layout font; in a narrower font (the site's
    Titillium Web, when inlined) the word stays centred in it, so the badge
    keeps the detail text at a tidy distance whatever the font.
    """
    width = _text_width(status, TEXT_SIZE, True) + 10
    sheet.rect(MARGIN, y - 3.5, width, TEXT_SIZE * _CAP_HEIGHT + 7, "white", zorder=2, edge=INK)
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
    status = bullet_status(spec)
    title = _wrap(_clean(spec.titolo), TITLE_SIZE, WIDTH - 2 * MARGIN, 2, bold=True)
    verso = _verso(spec)

    if spec.tipo == "si_no":
        values = [0.0, 2.0]
        lo, hi = 0.0, 2.0
        bands = [(0.0, 1.0, 0), (1.0, 2.0, 100)]
        ticks = []
        marker = None if spec.valore is None else (1.5 if spec.valore else 0.5)
        note = ""
    else:
        ths = _thresholds(spec.soglie)
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
            bands = _bands(spec.soglie, verso, lo, hi)
            ticks = ths
        marker = None if spec.valore is None else _as_float(spec.valore)
        if spec.tipo == "data":
            note = "← meglio se prima"
        elif verso == "decrescente":
            note = "← meglio se più basso"
        else:
            note = "meglio se più alto →"

    dates = [v for v, _, _ in ticks if isinstance(v, dt.date)]
    if isinstance(spec.valore, dt.date):
        dates.append(spec.valore)
    with_year = not _same_year(dates)
    show = functools.partial(_fmt_value, tipo=spec.tipo, unita=spec.unita, with_year=with_year)

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
        width = max(_text_width(text, TEXT_SIZE), _text_width(shown_name, SMALL_SIZE))
        x = xmap(_as_float(value))
        tick_labels.append((_clamp_centre(x, width), x, width, text, shown_name))
    tick_labels.sort(key=lambda t: t[0])
    rows = _place_labels([(t[0], t[2]) for t in tick_labels])
    staggered = any(rows)

    top = 8.0 + len(title) * TITLE_SIZE * 1.3 + 4
    band_top = top + 18 + 16
    band_h = 26.0
    height = band_top + band_h + 8 + (26 if ticks else 0) + (26 if staggered else 0) + 8

    sheet = _Sheet("bullet", height)
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
        missing = NON_REALIZZATO if spec.tipo == "data" else NON_MISURATO
        sheet.text((_PLOT_LEFT + _PLOT_RIGHT) / 2, band_top + band_h / 2, missing, ha="center",
                   va="center_baseline", italic=True)
    else:
        x = xmap(marker)
        sheet.rect(x - 2, band_top - 5, 4, band_h + 10, MARKER, zorder=4)
        label = show(spec.valore)
        width = _text_width(label, TEXT_SIZE, True)
        sheet.text(_clamp_centre(x, width), band_top - 18, label, bold=True, ha="center")
    return sheet.svg("bullet:" + spec.key)


# --------------------------------------------------------------------------
# Bar chart (children's grado)
# --------------------------------------------------------------------------

_BAR_LEFT = 214.0
_BAR_RIGHT = 404.0
_LABEL_WIDTH = _BAR_LEFT - MARGIN - 8


def _draw_bars(spec: BarSpec, alt: str) -> bytes:
    title = _wrap(_clean(spec.titolo), TITLE_SIZE, WIDTH - 2 * MARGIN, 2, bold=True)
    top = 8.0 + len(title) * TITLE_SIZE * 1.3 + (16 if spec.target is not None else 4)
    row_h = 40.0
    axis_y = top + row_h * max(len(spec.items), 1)
    height = axis_y + 24

    def xmap(v) -> float:
        v = min(max(float(v), 0.0), 100.0)
        return _BAR_LEFT + v / 100.0 * (_BAR_RIGHT - _BAR_LEFT)

    sheet = _Sheet("bar", height)
    _draw_header(sheet, title, 8.0)
    for tick in (0, 20, 40, 60, 80, 100):
        x = xmap(tick)
        sheet.line([x, x], [top, axis_y], color=GRID, width=0.8, zorder=0)
        sheet.text(x, axis_y + 5, fmt_percent(tick), ha="center", size=SMALL_SIZE, color=INK_SOFT)
    sheet.line([_BAR_LEFT, _BAR_LEFT], [top, axis_y], color=RULE, width=1.0)

    for i, item in enumerate(spec.items):
        y0 = top + i * row_h
        lines = _wrap(_bar_label(item), TEXT_SIZE, _LABEL_WIDTH, 2)
        status = _target_status(item.grado, item.target, item.stato) if item.grado is not None else None
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
            if label_x - 3 <= tx + half_width and tx - half_width <= label_x + _text_width(label, TEXT_SIZE, True) + 2:
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
    title = _wrap(_clean(spec.titolo), TITLE_SIZE, WIDTH - 2 * MARGIN, 2, bold=True)
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

    placed = [(_clamp_centre(xmap(o), _text_width(t, SMALL_SIZE)), _text_width(t, SMALL_SIZE))
              for o, (_, t) in zip(ords, labels)]
    rows = _place_labels(placed)
    height = plot_bottom + 24 + (12 if any(rows) else 0) + 6

    sheet = _Sheet("trend", height)
    _draw_header(sheet, title, 8.0)
    last = _last_scored(spec)
    if last is None:
        _draw_status(sheet, top, NON_MISURATO, "")
    else:
        status = _target_status(last.grado, spec.target, spec.stato)
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
        sheet.text(_clamp_centre(x, _text_width(label, TEXT_SIZE, True)), y - 8, label, ha="center",
                   va="baseline", bold=True)
    return sheet.svg("trend:" + spec.key)


# --------------------------------------------------------------------------
# Public rendering API, cache and parallelism
# --------------------------------------------------------------------------


def _draw(spec: ChartSpec, alt: str) -> bytes:
    """The matplotlib part (tests replace it to prove a cache hit skips it)."""
    if isinstance(spec, BulletSpec):
        return _draw_bullet(spec, alt)
    if isinstance(spec, BarSpec):
        return _draw_bars(spec, alt)
    if isinstance(spec, TrendSpec):
        return _draw_trend(spec, alt)
    raise TypeError(f"not a chart spec: {type(spec).__name__}")


def render(spec: ChartSpec, alt: str | None = None) -> Chart:
    """Render one chart to SVG (deterministic bytes) with its text alternative.

    ``alt`` is :func:`alt_text` of ``spec``; callers that already computed it
    (the page showing the chart) pass it to save the work.
    """
    if alt is None:
        alt = alt_text(spec)
    return Chart(key=spec.key, svg=_finish_svg(_draw(spec, alt), alt), alt=alt)


def _render_pair(item: tuple[ChartSpec, str | None]) -> Chart:
    return render(*item)


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """What, besides the spec, decides the bytes: this code and its libraries."""
    h = hashlib.sha256()
    for module_file in (__file__, fmt.__file__):  # drawing and number formatting
        h.update(Path(module_file).read_bytes())
    for dist in ("matplotlib", "babel"):
        try:
            version = _importlib_metadata.version(dist)
        except _importlib_metadata.PackageNotFoundError:
            version = "?"
        h.update(f"\0{dist}={version}".encode())
    return h.hexdigest()


def cache_key(spec: ChartSpec) -> str:
    """Content address of a chart: sha256 of code fingerprint and spec repr.

    ``repr`` of the frozen dataclasses is canonical enough: it names every
    class and field and tags types (``Decimal('3')`` vs ``3.0``), so two
    specs that could draw differently never share a key.
    """
    h = hashlib.sha256()
    h.update(_code_fingerprint().encode())
    h.update(b"\0")
    h.update(repr(spec).encode("utf-8"))
    return h.hexdigest()


def cache_file(cache_dir: Path, key: str) -> Path:
    """Where the chart with content address ``key`` lives in the cache."""
    return Path(cache_dir) / f"{key}.svg"


def _cache_write(cache_dir: Path, key: str, svg: bytes) -> None:
    """Atomic: a reader sees the whole file or none (temp file + rename)."""
    scrivi_atomico(cache_file(cache_dir, key), svg)


#: Below this many charts to draw, a process pool costs more than it saves.
POOL_MIN = 50


def _warm_up() -> None:
    """Load matplotlib and fonts once in the parent so forked workers inherit them."""
    _matplotlib()
    _text_width("0", TEXT_SIZE)
    _text_width("0", TEXT_SIZE, True)


_PREWARM: threading.Thread | None = None


def prewarm() -> None:
    """Start loading matplotlib in a background thread (idempotent).

    The import and font set-up cost ~0.3 s, most of the charts stage on a
    small plan. The build calls this first, so the work overlaps loading,
    validation and page rendering (bench/ at 1x: charts 0.66 s -> 0.35 s).
    :func:`render_all` joins the thread before drawing or forking workers:
    forking while another thread imports could leave a child deadlocked.
    """
    global _PREWARM
    if _PREWARM is None:
        _PREWARM = threading.Thread(target=_warm_up, name="matplotlib-prewarm", daemon=True)
        _PREWARM.start()


def _join_prewarm() -> None:
    if _PREWARM is not None:
        _PREWARM.join()


def _pool_context():
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


_POOL: concurrent.futures.ProcessPoolExecutor | None = None


@contextlib.contextmanager
def lavoratori(jobs: int | None = None) -> Iterator[None]:
    """Start the chart worker processes now, for the duration of a build.

    Why at the start: a process needs ~0.3 s to import matplotlib before it
    draws its first chart, more than the whole of a small rebuild. Forked
    before the build has loaded anything (a cheap fork), each worker imports
    matplotlib on the otherwise idle core while this process validates and
    renders pages; at the charts stage they are ready, and even a handful of
    charts goes to them. With one job, or where ``fork`` is not available,
    drawing stays in this process and a background thread loads matplotlib.
    """
    global _POOL
    workers = (os.cpu_count() or 1) if jobs is None else max(1, jobs)
    ctx = _pool_context()
    if _POOL is not None or _PREWARM is not None or _MPL is not None:
        # An outer build step started the workers, or matplotlib is (being)
        # loaded in this very process (a long-lived `mkdocs serve`): draw
        # here, or in workers forked from here, which inherit it (see _drawn).
        yield
        return
    if workers == 1 or ctx.get_start_method() != "fork":
        prewarm()
        yield
        return
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_warm_up)
    pool.submit(int)  # with fork, the first task starts every worker
    _POOL = pool
    ok = False
    try:
        yield
        ok = True
    finally:
        _POOL = None
        pool.shutdown(wait=ok, cancel_futures=True)


def _check_keys(specs: Sequence[ChartSpec]) -> None:
    seen: set[str] = set()
    for spec in specs:
        if spec.key in seen:
            raise ValueError(f"chiave di grafico duplicata: {spec.key!r}")
        seen.add(spec.key)


def _drawn(todo: Sequence[tuple[ChartSpec, str | None]], jobs: int | None) -> Iterator[Chart]:
    """Draw ``(spec, alt)`` pairs, in order, yielding each chart as it is ready.

    In a process pool of ``jobs`` workers (default: one per CPU) when there
    are enough charts to pay for it, otherwise in this process. Yielding lets
    the caller store each chart and drop it, instead of holding them all.
    """
    if not todo:
        return
    if _POOL is not None:  # started by lavoratori(): ready, whatever the number of charts
        chunk = max(1, len(todo) // (_POOL._max_workers * 4))
        yield from _POOL.map(_render_pair, todo, chunksize=chunk)
        return
    _join_prewarm()
    workers = (os.cpu_count() or 1) if jobs is None else max(1, jobs)
    if workers > 1 and len(todo) >= POOL_MIN:
        _warm_up()
        chunk = max(1, len(todo) // (workers * 4))
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            yield from pool.map(_render_pair, todo, chunksize=chunk)
    else:
        for item in todo:
            yield _render_pair(item)


def disegna(
    specs: Iterable[ChartSpec],
    cache_dir: Path,
    *,
    jobs: int | None = None,
    alt: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], int]:
    """Make sure every chart is in the content-addressed cache, drawing the missing ones.

    Returns (spec key -> cache key, number of charts drawn). Nothing is read
    back: a hit costs one ``stat``, and the build links staged charts to the
    cache files, so SVG bytes are never held in memory. ``alt`` (spec key ->
    alt text, as the pages computed it) spares the workers recomputing it.
    """
    specs = list(specs)
    _check_keys(specs)
    cache = Path(cache_dir)
    alt = alt or {}
    keys: dict[str, str] = {}
    todo: list[tuple[ChartSpec, str | None]] = []
    todo_keys: list[str] = []
    for spec in specs:
        key = keys[spec.key] = cache_key(spec)
        if not cache_file(cache, key).is_file():
            todo.append((spec, alt.get(spec.key)))
            todo_keys.append(key)
    for key, chart in zip(todo_keys, _drawn(todo, jobs)):
        _cache_write(cache, key, chart.svg)
    return keys, len(todo)


def render_all(specs: Iterable[ChartSpec], jobs: int | None = None, cache_dir: Path | None = None) -> dict[str, Chart]:
    """Render many charts into memory; results keyed by spec key, in input order.

    With ``cache_dir``, charts already rendered from an identical spec by the
    same code are read back without touching matplotlib (see :func:`disegna`).
    """
    specs = list(specs)
    _check_keys(specs)
    if cache_dir is None:
        drawn = _drawn([(spec, None) for spec in specs], jobs)
        return {spec.key: chart for spec, chart in zip(specs, drawn)}
    keys, _ = disegna(specs, Path(cache_dir), jobs=jobs)
    return {
        spec.key: Chart(key=spec.key, svg=cache_file(Path(cache_dir), keys[spec.key]).read_bytes(), alt=alt_text(spec))
        for spec in specs
    }

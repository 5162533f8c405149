"""The drawing surface: matplotlib loaded lazily, text measured and written by hand.

Why this module looks the way it does:

* Every mark is placed in point coordinates on a bare ``Figure`` (no Axes,
  no pyplot, no tick machinery): the layout is fixed, nothing is auto-scaled
  or "tight", and a chart costs a few milliseconds instead of ~30.
* Text stays text (``svg.fonttype: none``): smaller files, selectable, and
  the numbers are real characters. Metrics come from matplotlib's bundled
  DejaVu Sans files, so layout is identical on every machine with the
  pinned matplotlib; the SVG names ``"Titillium Web", "DejaVu Sans",
  sans-serif`` so the site's font is used (narrower than DejaVu, so nothing
  that fits here can overflow there).
* The text-drawing workaround (:func:`_label_class`): a one-line label
  drawn straight to the SVG renderer, relying on three methods of
  matplotlib's ``Text`` the renderer asks for. Pinned matplotlib, and the
  chart tests read every label back.
* Output is byte-identical across runs and processes: no dates or creator
  in the metadata, a fixed hash salt, no clip paths, no auto-numbered ids.

The loaded matplotlib objects and the measured advances are per-process
memos (like ``functools.cache``), not state anyone sets: each worker
process fills its own.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as _xml_escape, quoteattr as _xml_quoteattr

from .specs import clean

if TYPE_CHECKING:  # matplotlib itself is imported on first use (see matplotlib_loaded)
    from matplotlib.font_manager import FontProperties

#: Drawn for a phone's column: pages show a chart at least this many CSS px
#: wide (390 px phone: ~358 px; desktop: its natural 320 pt = 427 px), so a
#: text of N units is never under N CSS px. See draw.py's docstring.
WIDTH = 320.0
MARGIN = 8.0

INK = "#1a1a1a"  # text: 17:1 on white
INK_SOFT = "#404040"  # secondary text: 10:1 on white
RULE = "#333333"
GRID = "#d9d9d9"
MARKER = "#000000"

FONT_FAMILY = ["Titillium Web", "DejaVu Sans"]  # then the generic sans-serif
#: Text sizes in units (= CSS px or more as shown): nothing under 11.
TITLE_SIZE = 13.0
TEXT_SIZE = 12.0
SMALL_SIZE = 11.0

#: DejaVu Sans capital height / size; a label's ``va`` shifts the baseline
#: by this much (top: a whole cap height below y, centre: half of it).
CAP_HEIGHT = 0.729
_VA_SHIFT = {"top": 1.0, "center_baseline": 0.5, "center": 0.5, "baseline": 0.0}

_MPL_LOCK = threading.Lock()


def matplotlib_loaded() -> SimpleNamespace:
    """Import matplotlib on first use (cache hits and alt text never need it).

    No pyplot and no backend switching: a bare Figure with the SVG canvas
    cannot open windows and costs much less to import. Thread-safe: a
    warm-up thread may be loading it while the build asks for it.
    """
    with _MPL_LOCK:
        return _load_matplotlib()


@functools.cache
def _load_matplotlib() -> SimpleNamespace:
    """The once-per-process import, inside a function on purpose: a cache hit,
    an alt text or a failed validation never pays for matplotlib."""
    # matplotlib costs ~420 ms CPU to import: loaded only to draw a chart
    import matplotlib
    from matplotlib.artist import Artist
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties, get_font
    from matplotlib.ft2font import LoadFlags
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon, Rectangle
    from matplotlib.transforms import IdentityTransform

    # Set once per process rather than per chart (``rc_context`` saved
    # and restored every rcParam on each chart: ~12% of its time). Only
    # the hash salt changes per chart, see Sheet.svg. This package is
    # the only matplotlib user of the generator's processes.
    matplotlib.rcParams.update(_rc(""))
    ttf = Path(matplotlib.get_data_path(), "fonts", "ttf")
    return SimpleNamespace(
        matplotlib=matplotlib,
        Figure=Figure,
        Canvas=FigureCanvasSVG,
        FontProperties=FontProperties,
        get_font=get_font,
        Line2D=Line2D,
        Polygon=Polygon,
        Rectangle=Rectangle,
        Label=_label_class(Artist),
        no_hinting=LoadFlags.NO_HINTING,
        identity=IdentityTransform(),
        font_regular=str(ttf / "DejaVuSans.ttf"),
        font_bold=str(ttf / "DejaVuSans-Bold.ttf"),
        figures={},
        props={},
    )


def warm_up() -> None:
    """Load matplotlib and the fonts' metrics now (a worker's start, a warm-up thread)."""
    matplotlib_loaded()
    text_width("0", TEXT_SIZE)
    text_width("0", TEXT_SIZE, True)


def _label_class(artist_base: type) -> type:
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

    class Label(artist_base):  # type: ignore[misc]  # base known only after the lazy import of matplotlib
        zorder = 3  # as matplotlib's Text: above patches and lines

        def __init__(self, x: float, baseline: float, text: str, prop: FontProperties, color: str, ha: str) -> None:
            super().__init__()
            self._xy = (x, baseline)
            self._text = text
            self._prop = prop
            self._color = color
            self._ha = ha

        def get_unitless_position(self) -> tuple[float, float]:
            return self._xy

        def get_ha(self) -> str:
            return self._ha

        def get_rotation_mode(self) -> str:
            return "default"

        # Any: the SVG renderer's draw_text and height are untyped in matplotlib.
        def draw(self, renderer: Any) -> None:
            if not self.get_visible() or not self._text:
                return
            gc = renderer.new_gc()
            gc.set_foreground(self._color)
            x, y = self.get_transform().transform(self._xy)
            renderer.draw_text(gc, x, renderer.height - y, self._text, self._prop, 0.0, ismath=False, mtext=self)
            gc.restore()

    return Label


def _rc(salt: str) -> dict[str, object]:
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
    mpl = matplotlib_loaded()
    font = mpl.get_font(mpl.font_bold if bold else mpl.font_regular)
    font.set_size(100, 72)
    glyph = font.load_char(ord(char), flags=mpl.no_hinting)
    return float(glyph.linearHoriAdvance) / 65536 / 100


@functools.lru_cache(maxsize=8192)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in pt of a one-line text in the layout font (sum of advances).

    Kerning is ignored: it only ever narrows DejaVu text by a hair, so the
    estimate errs on the side of room.
    """
    return size * sum(_advance(ch, bold) for ch in text)


def wrap(text: str, size: float, width: float, max_lines: int, bold: bool = False) -> list[str]:
    """Greedy word wrap by measured width; an ellipsis marks a cut."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width or not current:
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
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class Sheet:
    """A figure in point coordinates, y growing downwards (like a page)."""

    def __init__(self, kind: str, height: float, width: float = WIDTH) -> None:
        mpl = matplotlib_loaded()
        self.mpl = mpl
        fig = mpl.figures.get(kind)
        if fig is None:
            fig = mpl.Figure(figsize=(width / 72, height / 72), dpi=72, facecolor="white")
            mpl.Canvas(fig)
            mpl.figures[kind] = fig
        else:
            fig.clear()
        fig.set_size_inches(width / 72, height / 72)
        self.fig = fig
        self.height = height
        self.width = width

    def text(
        self,
        x: float,
        y: float,
        s: str,
        *,
        size: float = TEXT_SIZE,
        bold: bool = False,
        ha: str = "left",
        va: str = "top",
        color: str = INK,
        italic: bool = False,
    ) -> None:
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
        baseline = y + CAP_HEIGHT * size * _VA_SHIFT[va]
        label = mpl.Label(x, self.height - baseline, s, prop, color, ha)
        label.set_transform(mpl.identity)
        self.fig.add_artist(label)

    def rect(self, x: float, y: float, w: float, h: float, color: str, zorder: float = 1, edge: str | None = None) -> None:
        mpl = self.mpl
        self.fig.add_artist(mpl.Rectangle(
            (x, self.height - y - h), w, h, facecolor=color, edgecolor=edge or "none",
            linewidth=0.8 if edge else 0, transform=mpl.identity, zorder=zorder,
        ))

    def line(
        self,
        xs: Sequence[float],
        ys: Sequence[float],
        color: str = RULE,
        width: float = 1.0,
        dashes: tuple[float, float] | None = None,
        zorder: float = 2,
    ) -> None:
        mpl = self.mpl
        artist = mpl.Line2D(
            list(xs), [self.height - y for y in ys], color=color, linewidth=width,
            transform=mpl.identity, zorder=zorder, solid_capstyle="butt",
        )
        if dashes:
            artist.set_dashes(dashes)
        self.fig.add_artist(artist)

    def polygon(
        self,
        points: Sequence[tuple[float, float]],
        color: str,
        zorder: float = 3,
        edge: str = "white",
        linewidth: float = 0.8,
    ) -> None:
        mpl = self.mpl
        self.fig.add_artist(mpl.Polygon(
            [(x, self.height - y) for x, y in points], closed=True, facecolor=color,
            edgecolor=edge, linewidth=linewidth if edge != "none" else 0, transform=mpl.identity, zorder=zorder,
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


def finish_svg(raw: bytes, alt: str) -> bytes:
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
    label = clean(alt)
    root = svg[start:end] + b' role="img" aria-label=' + _xml_quoteattr(label).encode("utf-8") + b">"
    title = b"\n <title>" + _xml_escape(label).encode("utf-8") + b"</title>"
    return svg[:start] + root + title + svg[end + 1 :]

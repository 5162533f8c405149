"""Accessible, deterministic SVG charts for the transparency site.

One job per module, in the direction data flows:

- :mod:`.specs`: what a chart shows (frozen spec dataclasses carrying the
  scorer's grado and stato), the status words and the Italian text
  alternative; pure, no matplotlib;
- :mod:`.canvas`: matplotlib loaded lazily, text measured and written by
  hand (the text-drawing workaround), byte-stable SVG output;
- :mod:`.draw`: the three drawers (bullet, bars, trend) and :func:`render`;
- :mod:`.workers`: where charts are drawn (worker processes that die with
  the build, or this process), an object the build owns and passes on;
- :mod:`.cache`: the content-addressed chart cache, verified on every read.
"""

from __future__ import annotations

from .cache import ChartCache, cache_key, ensure_cached, render_all
from .draw import render
from .specs import (
    BarItem,
    BarSpec,
    BulletSpec,
    Chart,
    ChartSpec,
    Soglie,
    TrendPoint,
    TrendSpec,
    alt_text,
)
from .workers import Workers, in_process, workers

__all__ = [
    "BarItem",
    "BarSpec",
    "BulletSpec",
    "Chart",
    "ChartCache",
    "ChartSpec",
    "Soglie",
    "TrendPoint",
    "TrendSpec",
    "Workers",
    "alt_text",
    "cache_key",
    "ensure_cached",
    "in_process",
    "render",
    "render_all",
    "workers",
]

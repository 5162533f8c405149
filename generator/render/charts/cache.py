"""The chart content cache (``.cache/charts/``): content-addressed, verified on every read.

An entry is one SVG file named ``<key>-<digest>.svg``: ``key`` is the
chart's content address (:func:`cache_key`: this code, its libraries and
the spec), ``digest`` the sha256 of the file's bytes. The digest travels in
the name, so entry and digest are written together by one atomic rename.

Why verified: the build publishes cache entries (staged charts are hard
links to them), and a cache is a folder anyone or anything can damage (a
flipped bit, a crash on a filesystem without ordered writes, a hand edit).
Every entry is checked against its digest before it is read or linked; a
mismatch (flipped, truncated, emptied, random bytes) is a miss: the entry is
removed and the chart drawn again, never an error and never published. The
one entry not re-read is one the caller says is already staged, intact, as
this very file (``staged`` in :func:`ensure_cached`): it was verified when
it was linked, and re-reading ~43,000 charts on every rebuild (300x the
seed) would cost more than the rebuild.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata as _importlib_metadata
from pathlib import Path

from ... import presentation
from ...runtime import write_atomic
from .specs import Chart, ChartSpec, alt_text
from .workers import Workers, in_process

#: The modules whose code decides a chart's bytes (with presentation, and the libraries).
_DRAWING_MODULES = ("specs.py", "canvas.py", "draw.py")
_ENTRY = re.compile(r"([0-9a-f]{64})-([0-9a-f]{64})\.svg")


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """What, besides the spec, decides the bytes: this code and its libraries."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for module_file in (*(here / name for name in _DRAWING_MODULES), Path(presentation.__file__)):
        h.update(module_file.read_bytes())
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
    h.update(code_fingerprint().encode())
    h.update(b"\0")
    h.update(repr(spec).encode("utf-8"))
    return h.hexdigest()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ChartCache:
    """One cache folder, listed once (one ``scandir`` instead of a ``stat`` per chart)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._names: dict[str, list[str]] | None = None

    def _listing(self) -> dict[str, list[str]]:
        if self._names is None:
            names: dict[str, list[str]] = {}
            try:
                with os.scandir(self.folder) as it:
                    for entry in it:
                        m = _ENTRY.fullmatch(entry.name)
                        if m:
                            names.setdefault(m.group(1), []).append(entry.name)
            except FileNotFoundError:
                pass
            self._names = {k: sorted(v) for k, v in names.items()}
        return self._names

    def candidates(self, key: str) -> list[Path]:
        """Entries for ``key``, not yet verified."""
        return [self.folder / name for name in self._listing().get(key, ())]

    def verified(self, key: str) -> Path | None:
        """The entry for ``key`` whose bytes match its digest; damaged ones are removed."""
        for path in self.candidates(key):
            try:
                ok = _digest(path.read_bytes()) == path.stem.split("-", 1)[1]
            except OSError:
                ok = False
            if ok:
                return path
            self._forget(key, path)
        return None

    def read(self, key: str) -> bytes | None:
        """The verified bytes of ``key``'s entry, or None (a miss)."""
        path = self.verified(key)
        return None if path is None else path.read_bytes()

    def write(self, key: str, svg: bytes) -> Path:
        """Store a chart atomically under its key and digest; returns the entry."""
        path = self.folder / f"{key}-{_digest(svg)}.svg"
        write_atomic(path, svg)
        names = self._listing().setdefault(key, [])
        if path.name not in names:
            names.append(path.name)
        return path

    def _forget(self, key: str, path: Path) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass  # unremovable: still never used, its digest does not match
        names = self._listing().get(key, [])
        if path.name in names:
            names.remove(path.name)


def _check_keys(specs: Sequence[ChartSpec]) -> None:
    seen: set[str] = set()
    for spec in specs:
        if spec.key in seen:
            raise ValueError(f"chiave di grafico duplicata: {spec.key!r}")
        seen.add(spec.key)


def ensure_cached(
    specs: Iterable[ChartSpec],
    cache_dir: Path,
    *,
    workers: Workers | None = None,
    alt: Mapping[str, str] | None = None,
    staged: Mapping[str, str] | None = None,
) -> tuple[dict[str, Path], int]:
    """Make sure every chart has a verified entry in the cache, drawing the missing ones.

    Returns (spec key -> cache entry, number of charts drawn). Nothing is
    held in memory: the build links staged charts to the entries. ``alt``
    (spec key -> alt text, as the pages computed it) spares the workers
    recomputing it; ``staged`` (spec key -> entry name without ``.svg``)
    names the entries already staged intact, which are not re-read.
    ``workers`` draw the missing charts (default: this process).
    """
    specs = list(specs)
    _check_keys(specs)
    cache = ChartCache(cache_dir)
    alt = alt or {}
    staged = staged or {}
    entries: dict[str, Path] = {}
    todo: list[tuple[ChartSpec, str | None]] = []
    todo_keys: list[str] = []
    for spec in specs:
        key = cache_key(spec)
        trusted = [p for p in cache.candidates(key) if p.stem == staged.get(spec.key)]
        entry = trusted[0] if trusted else cache.verified(key)
        if entry is None:
            todo.append((spec, alt.get(spec.key)))
            todo_keys.append(key)
        else:
            entries[spec.key] = entry
    for (spec, _), key, chart in zip(todo, todo_keys, (workers or in_process()).draw(todo), strict=True):
        entries[spec.key] = cache.write(key, chart.svg)
    return {spec.key: entries[spec.key] for spec in specs}, len(todo)


def render_all(
    specs: Iterable[ChartSpec],
    *,
    workers: Workers | None = None,
    cache_dir: Path | None = None,
) -> dict[str, Chart]:
    """Render many charts into memory; results keyed by spec key, in input order.

    With ``cache_dir``, charts already rendered from an identical spec by the
    same code are read back (verified) without touching matplotlib.
    """
    specs = list(specs)
    _check_keys(specs)
    if cache_dir is None:
        drawn = (workers or in_process()).draw([(spec, None) for spec in specs])
        return {spec.key: chart for spec, chart in zip(specs, drawn, strict=True)}
    entries, _ = ensure_cached(specs, Path(cache_dir), workers=workers)
    return {spec.key: Chart(key=spec.key, svg=entries[spec.key].read_bytes(), alt=alt_text(spec)) for spec in specs}

"""Chart rendering speed: median ms per chart, by kind, cold and from cache.

Usage: ``python -m bench.charts_speed [--n 1000] [--jobs 2]``

- *cold*: ``render()`` in this process, one chart at a time, every spec
  distinct (after one warm-up chart per kind, so the one-off matplotlib
  import and font loading are reported separately);
- *cache*: ``render_all(..., cache_dir)`` a second time over the same specs,
  timed per chart (a hit reads one file and recomputes the alt text);
- *batch*: wall time of ``render_all(specs, jobs)`` with no cache, divided
  by the number of charts (process pool throughput).

Specs are synthetic but shaped like the seed plan's (thresholds, units,
deadlines, 2–8 bars, 2–6 trend points), and all distinct so nothing is
accidentally cached.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from generator.render import charts as c


def _scored(rng: random.Random) -> tuple[Decimal | None, str]:
    """A grado and the status word the scorer would give it (the action rule)."""
    if rng.random() < 0.1:
        return None, "non misurato"
    grado = Decimal(rng.randint(0, 1000)) / 10
    return grado, "raggiunto" if grado >= 100 else "parzialmente raggiunto" if grado > 0 else "non raggiunto"


def bullet_specs(n: int, rng: random.Random) -> list[c.BulletSpec]:
    out = []
    for i in range(n):
        kind = i % 5
        key = f"azione-{i}"
        title = f"Indicatore sintetico numero {i} con un titolo di lunghezza variabile " * rng.randint(0, 2) + str(i)
        if kind == 0:
            t = rng.randint(3, 500)
            soglie = c.Soglie(t, round(t * 0.8), round(t * 0.6))
            out.append(c.BulletSpec(key, title, "numero", "crescente", rng.randint(0, 2 * t), soglie, *_scored(rng), rng.choice([None, "gg", "€"])))
        elif kind == 1:
            t = rng.randint(10, 40)
            soglie = c.Soglie(t, t + 2, t + 3)
            out.append(c.BulletSpec(key, title, "numero", "decrescente", rng.randint(5, 50), soglie, *_scored(rng), "gg"))
        elif kind == 2:
            t = Decimal(rng.randint(10, 90))
            out.append(c.BulletSpec(key, title, "percentuale", "crescente", Decimal(rng.randint(0, 1000)) / 10, c.Soglie(t, t - 5, t - 10), *_scored(rng)))
        elif kind == 3:
            base = dt.date(2021, 3, 31) + dt.timedelta(days=rng.randint(0, 200))
            soglie = c.Soglie(base, base + dt.timedelta(days=30), base + dt.timedelta(days=61))
            value = None if rng.random() < 0.2 else base + dt.timedelta(days=rng.randint(-40, 120))
            out.append(c.BulletSpec(key, title, "data", "decrescente", value, soglie, *_scored(rng)))
        else:
            out.append(c.BulletSpec(key, title, "qualitativo", "crescente", rng.randint(0, 100), c.Soglie(100), *_scored(rng)))
    return out


def bar_specs(n: int, rng: random.Random) -> list[c.BarSpec]:
    out = []
    for i in range(n):
        items = tuple(
            c.BarItem(f"{i}.{j}", f"Obiettivo operativo {j} dell'obiettivo {i}", *_scored(rng), rng.choice([10, 15, 25, 50]))
            for j in range(rng.randint(2, 8))
        )
        out.append(c.BarSpec(f"os-{i}", f"Obiettivo strategico {i}", items, target=80))
    return out


def trend_specs(n: int, rng: random.Random) -> list[c.TrendSpec]:
    out = []
    for i in range(n):
        points = tuple(
            c.TrendPoint(dt.date(2021 + k // 2, 6 if k % 2 == 0 else 12, 30 if k % 2 == 0 else 31), Decimal(rng.randint(0, 1000)) / 10)
            for k in range(rng.randint(2, 6))
        )
        out.append(c.TrendSpec(f"trend-{i}", f"Andamento {i}", points, target=80))
    return out


def median_ms(fn, items) -> float:
    times = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="charts per kind (default 1000)")
    parser.add_argument("--jobs", type=int, default=None, help="pool size for the batch run (default: CPUs)")
    args = parser.parse_args()
    rng = random.Random("charts_speed")
    kinds = {"bullet": bullet_specs(args.n, rng), "bar": bar_specs(args.n, rng), "trend": trend_specs(args.n, rng)}

    t0 = time.perf_counter()
    for specs in kinds.values():
        c.render(specs[0])
    print(f"first chart of each kind (import + fonts): {(time.perf_counter() - t0) * 1000:.0f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        for name, specs in kinds.items():
            cold = median_ms(c.render, specs)
            c.render_all(specs, cache_dir=cache)
            hit = median_ms(lambda s: c.render_all([s], cache_dir=cache), specs)
            print(f"{name:6s} cold {cold:6.2f} ms/chart   cache hit {hit:6.3f} ms/chart   (median of {len(specs)})")

    everything = [s for specs in kinds.values() for s in specs]
    t0 = time.perf_counter()
    with c.workers(args.jobs) as w:
        c.render_all(everything, workers=w)
    wall = time.perf_counter() - t0
    print(f"batch render_all(jobs={args.jobs or 'cpu'}) no cache: {wall:.2f} s for {len(everything)} charts = {wall / len(everything) * 1000:.2f} ms/chart")


if __name__ == "__main__":
    main()

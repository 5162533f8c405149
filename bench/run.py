"""Speed-and-scale benchmark: cold and incremental builds at 1x, 30x, 300x the seed.

``python -m bench.run [--scales 1,30,300] [--repeat N] [--out bench/results]``

For each scale a synthetic project (:mod:`bench.synth`, committed to a git
repository as a published site is) is built cold — fresh copy of the root,
no ``build/``, no chart cache — in a fresh child process per run, so that
the peak memory (``ru_maxrss``) and the timings of one run cannot leak into
the next. The child calls :func:`generator.build.build`, the function behind
``python -m generator build``, and reads the per-stage timings the build
prints on its ``tempi:`` line (captured at full precision when possible).
Then one measured value is changed and committed, and the project rebuilt:
the incremental case.

Micro-benchmarks run in this process: charts (1,000 real chart specs taken
from the pages of a 30x project; single-chart median, and the whole batch
cold and cached through :func:`generator.render.charts.render_all`) and
load+validate (:func:`generator.validate.check_project`) per action at every
scale.

The machine is noisy: every number is the median of ``--repeat`` runs (the
large scale defaults to one run, see ``--repeat-large``), and the targets
are checked on ratios measured in the same run where possible.

Results: a Markdown table on stdout and in ``<out>/results.md``, every raw
number in ``<out>/results.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from . import synth

REPO = synth.REPO

#: The build's stage names (Italian, as printed on its ``tempi:`` line) -> ours.
STAGE_NAMES = {
    "configurazione mkdocs": "mkdocs config",
    "caricamento": "load",
    "validazione": "validate",
    "punteggi": "score",
    "dati aperti": "opendata",
    "pagine": "pages",
    "grafici": "charts",
    "scrittura": "write",
    "pdf": "pdf",
    "mkdocs": "mkdocs",
}
#: The stages every report shows, in pipeline order (the issue's six, plus
#: the two the build also times: open data and writing the staging folder).
STAGES = ("mkdocs config", "load", "validate", "score", "opendata", "pages", "charts", "pdf", "write", "mkdocs")
#: The PDF editions (WeasyPrint laying out the Piano and the Relazione of
#: every year) are reported on their own row and kept out of the "generator
#: stages" total: the issue's targets compare the generator's own work with
#: MkDocs', and were set before the PDFs existed.
PDF_STAGES = ("pdf",)
#: MkDocs' share: loading its configuration (mkdocs.yml, theme, plugins: the
#: build does it first) and building the site, as ``mkdocs build`` does both.
MKDOCS_STAGES = ("mkdocs config", "mkdocs")
#: Everything else is "the generator".
GENERATOR_STAGES = tuple(s for s in STAGES if s not in MKDOCS_STAGES and s not in PDF_STAGES)
STAGING = Path("build") / "docs"
CHART_CACHE = Path(".cache") / "charts"
SITE = Path("site")
#: Scales at or above this many times the seed run ``--repeat-large`` times.
LARGE = 100
MB = 1024 * 1024

# Targets from the issue "Speed and scale".
TARGET_GEN_VS_MKDOCS = 1.0
TARGET_CHART_MS = 10.0
TARGET_LOAD_VALIDATE_MS = 0.5
TARGET_INCREMENTAL_PCT = 10.0
TARGET_LINEAR = 1.2
TARGET_PEAK_MB = 1024.0
TARGET_PAGE_SIZE = 1.5


# --------------------------------------------------------------------------
# The child: one build, in a fresh process


_TEMPI = re.compile(r"^tempi:\s*(.+)$", re.MULTILINE)
_TEMPO = re.compile(r"^\s*(.+?)\s+(\d+(?:[.,]\d+)?)\s*s\s*$")
_AGGIORNATI = re.compile(r"\((\d+) file aggiornati, (\d+) rimossi")


def parse_tempi(text: str) -> dict[str, float]:
    """``tempi: caricamento 0,06 s · validazione 0,02 s · …`` -> {stage: seconds} (our names)."""
    m = _TEMPI.search(text)
    if not m:
        return {}
    out: dict[str, float] = {}
    for part in m.group(1).split("·"):
        t = _TEMPO.match(part)
        if t:
            name = STAGE_NAMES.get(t.group(1).strip(), t.group(1).strip())
            out[name] = out.get(name, 0.0) + float(t.group(2).replace(",", "."))
    return out


def child_build(root: Path, jobs: int | None) -> dict[str, Any]:
    """Run one build in this (fresh) process and describe it.

    The build's own timings are printed rounded to 10 ms; to keep small
    stages readable the child also captures the dictionary the build formats
    (by wrapping its formatter), and falls back to the printed line.
    """
    t0 = time.perf_counter()
    from generator import build as B

    t_import = time.perf_counter() - t0
    captured: dict[str, float] = {}
    original = getattr(B, "format_timings", None)
    if original is not None:

        def _capture(tempi):  # type: ignore[no-untyped-def]
            captured.update({STAGE_NAMES.get(k, k): v for k, v in tempi.items()})
            return original(tempi)

        B.format_timings = _capture
    out, err = io.StringIO(), io.StringIO()
    t1 = time.perf_counter()
    code = B.build(root, jobs=jobs, out=out, err=err)
    wall = time.perf_counter() - t1
    printed = parse_tempi(out.getvalue())
    stages = captured or printed
    m = _AGGIORNATI.search(out.getvalue())
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "exit": code,
        "stages": stages,
        "printed_stages": printed,
        "wall": wall,
        "import": t_import,
        "written": int(m.group(1)) if m else None,
        "removed": int(m.group(2)) if m else None,
        "maxrss_self_mb": self_kb / 1024,
        "maxrss_children_mb": children_kb / 1024,
        "stderr_tail": err.getvalue()[-2000:] if code else "",
    }


def run_child(root: Path, jobs: int | None) -> dict[str, Any]:
    """One build in a fresh ``python -m bench.run --child`` process."""
    cmd = [sys.executable, "-m", "bench.run", "--child", str(root)]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)  # exit code checked below
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["exit"] != 0:
        raise RuntimeError(f"build of {root} failed (exit {result['exit']}):\n{result['stderr_tail']}")
    missing = [s for s in STAGES if s not in result["stages"]]
    if missing:
        raise RuntimeError(f"the build did not report stages {missing}; got {sorted(result['stages'])}")
    return result


# --------------------------------------------------------------------------
# Files: snapshots for the incremental case, page statistics


@dataclass(frozen=True)
class Entry:
    size: int
    mtime_ns: int
    ino: int
    digest: str


def snapshot(folder: Path) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            out[path.relative_to(folder).as_posix()] = Entry(
                st.st_size, st.st_mtime_ns, st.st_ino, hashlib.sha256(path.read_bytes()).hexdigest()
            )
    return out


def compare(before: dict[str, Entry], after: dict[str, Entry]) -> dict[str, Any]:
    """Which files were (re)written, and which of them really changed."""
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    rewritten, changed = [], []
    for rel in sorted(set(before) & set(after)):
        b, a = before[rel], after[rel]
        if (b.mtime_ns, b.ino) != (a.mtime_ns, a.ino):
            rewritten.append(rel)
        if b.digest != a.digest:
            changed.append(rel)
    needless = sorted(set(rewritten) - set(changed))
    missed = sorted(set(changed) - set(rewritten))  # content changed but mtime/inode kept: impossible unless clock skew
    return {
        "files": len(after),
        "added": added,
        "removed": removed,
        "rewritten": rewritten,
        "changed": changed,
        "needless": needless,
        "missed": missed,
    }


def _kind(rel: str) -> str:
    ext = rel.rsplit(".", 1)[-1] if "." in rel else ""
    return {"md": "pages", "svg": "charts", "json": "open data", "csv": "open data"}.get(ext, "other")


def by_kind(paths: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in paths:
        out[_kind(p)] = out.get(_kind(p), 0) + 1
    return dict(sorted(out.items()))


def html_stats(site: Path) -> dict[str, Any]:
    sizes = sorted(p.stat().st_size for p in site.rglob("*.html"))
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return {
        "pages": len(sizes),
        "median_page_bytes": statistics.median(sizes) if sizes else 0,
        "max_page_bytes": sizes[-1] if sizes else 0,
        "site_bytes": total,
    }


def staging_stats(root: Path) -> dict[str, int]:
    staging = root / STAGING
    files = [p for p in staging.rglob("*") if p.is_file()]
    return {
        "staging_files": len(files),
        "staging_pages": sum(1 for p in files if p.suffix == ".md"),
        "charts": sum(1 for p in files if p.suffix == ".svg"),
    }


# --------------------------------------------------------------------------
# The one-value change


_LINE = re.compile(r'^(\s*"(?P<code>[0-9.]+)":\s*)(?P<value>\d+)(?P<rest>\s*(#.*)?)$', re.MULTILINE)


def change_one_value(root: Path, step: int) -> tuple[str, str, str, str]:
    """Change one plainly written integer value in the latest consuntivo.

    Picks the first action measured with a bare integer (``"1.1.1": 4``) and
    sets it to 2, then 1, then 0, ... (each step a new grado: target 3,
    soglie 2 and 1 in the seed, and a value never built before, so no chart
    comes from the cache), the edit a staff member makes in a pull request.
    Returns (file, code, old, new).
    """
    files = sorted((root / "measurements").glob("*-12-31.yml"))
    path = files[-1]
    text = path.read_text(encoding="utf-8")
    m = _LINE.search(text)
    if m is None:
        raise RuntimeError(f"no plain integer value to change in {path}")
    old = m.group("value")
    candidates = [v for v in ("2", "1", "0", "7", "8", "9", "10", "11", "12") if v != old]
    new = candidates[step % len(candidates)]
    text = text[: m.start("value")] + new + text[m.end("value") :]
    path.write_text(text, encoding="utf-8")
    return path.relative_to(root).as_posix(), m.group("code"), old, new


# --------------------------------------------------------------------------
# One scale


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _gen_total(stages: dict[str, float]) -> float:
    return sum(stages.get(s, 0.0) for s in GENERATOR_STAGES)


def _summarise_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    stages = {s: _median([r["stages"].get(s, 0.0) for r in runs]) for s in STAGES}
    gens = [_gen_total(r["stages"]) for r in runs]
    mks = [sum(r["stages"].get(s, 0.0) for s in MKDOCS_STAGES) for r in runs]
    return {
        "stages": stages,
        "generator": _median(gens),
        "mkdocs": _median(mks),
        # The ratio is taken within each run (same machine state), then the median.
        "ratio": _median([g / m for g, m in zip(gens, mks, strict=True) if m > 0]),
        "wall": _median([r["wall"] for r in runs]),
        "import": _median([r["import"] for r in runs]),
        "peak_mb": max(max(r["maxrss_self_mb"], r["maxrss_children_mb"]) for r in runs),
        "peak_self_mb": max(r["maxrss_self_mb"] for r in runs),
        "peak_children_mb": max(r["maxrss_children_mb"] for r in runs),
    }


def bench_scale(scale: int, repeat: int, work: Path, jobs: int | None, log) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    base = work / f"scale-{scale}"
    template = base / "template"
    shutil.rmtree(base, ignore_errors=True)
    t0 = time.perf_counter()
    summary = synth.generate(template, scale)
    synth.git_commit(template, f"Progetto sintetico {scale}x")
    log(f"[{scale}x] synthetic project: {summary.plans} plans, {summary.actions} actions, "
        f"{summary.measurements} measurements ({time.perf_counter() - t0:.1f} s)")

    cold: list[dict[str, Any]] = []
    incr: list[dict[str, Any]] = []
    last_root: Path | None = None
    for i in range(repeat):
        root = base / f"run-{i}"
        shutil.copytree(template, root, symlinks=True)
        r = run_child(root, jobs)
        cold.append(r)
        log(f"[{scale}x] cold build {i + 1}/{repeat}: generator {_gen_total(r['stages']):.2f} s, "
            f"mkdocs {r['stages']['mkdocs']:.2f} s, peak {max(r['maxrss_self_mb'], r['maxrss_children_mb']):.0f} MB")
        if last_root is not None:
            shutil.rmtree(last_root, ignore_errors=True)
        last_root = root
    assert last_root is not None
    root = last_root
    site = html_stats(root / SITE)
    files = staging_stats(root)

    for i in range(repeat):
        staging_before = snapshot(root / STAGING)
        cache_before = set(p.name for p in (root / CHART_CACHE).glob("*.svg"))
        rel, code, old, new = change_one_value(root, i)
        synth.git_commit(root, f"Rilevazione: {code} da {old} a {new}", when=f"2022-02-{i + 1:02d}T12:00:00+00:00", paths=(rel,))
        r = run_child(root, jobs)
        diff = compare(staging_before, snapshot(root / STAGING))
        new_charts = len(set(p.name for p in (root / CHART_CACHE).glob("*.svg")) - cache_before)
        r.update(
            {
                "edit": {"file": rel, "code": code, "old": old, "new": new},
                "staging": {k: (len(v) if isinstance(v, list) else v) for k, v in diff.items()},
                "rewritten_by_kind": by_kind(diff["rewritten"] + diff["added"]),
                "changed_by_kind": by_kind(diff["changed"] + diff["added"]),
                "needless_examples": diff["needless"][:10],
                "rewritten_examples": (diff["rewritten"] + diff["added"])[:40],
                "charts_drawn": new_charts,
            }
        )
        incr.append(r)
        log(f"[{scale}x] one-value change {i + 1}/{repeat} ({rel} {code}: {old} -> {new}): generator "
            f"{_gen_total(r['stages']):.2f} s, {len(diff['rewritten']) + len(diff['added'])} staging files rewritten "
            f"({len(diff['needless'])} with unchanged content), {new_charts} charts drawn")

    cold_s = _summarise_runs(cold)
    incr_s = _summarise_runs(incr)
    gen_pct = [100 * _gen_total(i["stages"]) / _gen_total(c["stages"]) for c, i in zip(cold, incr, strict=True)]
    last = incr[-1]
    result = {
        "scale": scale,
        "plans": summary.plans,
        "actions": summary.actions,
        "measurements": summary.measurements,
        "repeat": repeat,
        "cold": cold_s,
        "cold_runs": cold,
        **site,
        **files,
        "ms_per_action": 1000 * (cold_s["generator"] + cold_s["mkdocs"]) / summary.actions,
        "generator_ms_per_action": 1000 * cold_s["generator"] / summary.actions,
        "incremental": {
            **incr_s,
            "generator_pct_of_cold": _median(gen_pct),
            "rewritten": last["staging"]["rewritten"] + last["staging"]["added"],
            "changed": last["staging"]["changed"] + last["staging"]["added"],
            "needless": last["staging"]["needless"],
            "removed": last["staging"]["removed"],
            "rewritten_by_kind": last["rewritten_by_kind"],
            "changed_by_kind": last["changed_by_kind"],
            "charts_drawn": last["charts_drawn"],
            "needless_examples": last["needless_examples"],
            "rewritten_examples": last["rewritten_examples"],
            "edit": last["edit"],
        },
        "incremental_runs": incr,
    }
    shutil.rmtree(base, ignore_errors=True)
    return result


# --------------------------------------------------------------------------
# Micro-benchmarks


def _build_gc_policy():  # type: ignore[no-untyped-def]
    """The garbage-collector setting the build runs under (a context manager), if it has one."""
    from generator import runtime

    return getattr(runtime, "rare_gc", contextlib.nullcontext)


def micro_load_validate(scale: int, repeat: int, work: Path) -> dict[str, Any]:
    """check_project (read + parse + shape + semantic checks) per action.

    Timed under the build's garbage-collector policy (what a build does),
    and with CPython's default one (what a plain caller of
    ``check_project``, e.g. ``python -m generator validate``, gets).
    """
    import gc

    from generator.validate import check_project

    root = work / f"lv-{scale}"
    shutil.rmtree(root, ignore_errors=True)
    summary = synth.generate(root, scale)
    times: dict[str, list[float]] = {"build": [], "default": []}
    for _ in range(max(repeat, 1)):
        for policy in ("build", "default"):
            gc.collect()
            ctx = _build_gc_policy()() if policy == "build" else contextlib.nullcontext()
            with ctx:
                t0 = time.perf_counter()
                checked = check_project(root)
                times[policy].append(time.perf_counter() - t0)
            if checked.progetto is None:
                raise RuntimeError(f"the {scale}x synthetic project does not validate")
            del checked
    shutil.rmtree(root, ignore_errors=True)
    med = _median(times["build"])
    med_default = _median(times["default"])
    return {"scale": scale, "actions": summary.actions, "seconds": med, "runs": times,
            "ms_per_action": 1000 * med / summary.actions,
            "seconds_default_gc": med_default,
            "ms_per_action_default_gc": 1000 * med_default / summary.actions}


def chart_specs(n: int, work: Path, scale: int = 30) -> list[Any]:
    """``n`` real chart specs: those the site's pages ask for, from a synthetic project.

    Taken evenly across the sorted keys so the mix of kinds (bullet per
    action, bars per objective, trends) is the site's own.
    """
    from generator.render import pages
    from generator.validate import check_project

    root = work / "charts-project"
    shutil.rmtree(root, ignore_errors=True)
    synth.generate(root, scale)
    progetto = check_project(root).progetto
    shutil.rmtree(root, ignore_errors=True)
    if progetto is None:
        raise RuntimeError("the synthetic project for the chart benchmark does not validate")
    sito = pages.render_site(progetto, pages.anni(progetto))
    specs = [sito.grafici[k] for k in sorted(sito.grafici)]
    if len(specs) < n:
        raise RuntimeError(f"only {len(specs)} chart specs at {scale}x, need {n}")
    step = len(specs) / n
    return [specs[int(i * step)] for i in range(n)]


def micro_charts(n: int, repeat: int, jobs: int | None, work: Path) -> dict[str, Any]:
    from generator.render import charts

    specs = chart_specs(n, work)
    kinds: dict[str, int] = {}
    for s in specs:
        kinds[type(s).__name__] = kinds.get(type(s).__name__, 0) + 1
    for s in specs[:10]:  # warm-up: imports, font metrics
        charts.render(s)
    single = []
    for s in specs:
        t0 = time.perf_counter()
        charts.render(s)
        single.append(1000 * (time.perf_counter() - t0))
    single.sort()
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    batch: dict[str, list[float]] = {"cold_1": [], f"cold_{workers}": [], "cached": []}
    for i in range(max(repeat, 1)):
        for label, j in (("cold_1", 1), (f"cold_{workers}", workers)):
            cache = work / f"chart-cache-{label}-{i}"
            shutil.rmtree(cache, ignore_errors=True)
            with charts.workers(j) as w:  # started before the clock, as the build does
                t0 = time.perf_counter()
                charts.render_all(specs, workers=w, cache_dir=cache)
                batch[label].append(1000 * (time.perf_counter() - t0) / n)
                if label != "cold_1":
                    t0 = time.perf_counter()
                    charts.render_all(specs, workers=w, cache_dir=cache)
                    batch["cached"].append(1000 * (time.perf_counter() - t0) / n)
            shutil.rmtree(cache, ignore_errors=True)
    return {
        "n": n,
        "kinds": kinds,
        "workers": workers,
        "single_median_ms": statistics.median(single),
        "single_p90_ms": single[int(0.9 * (len(single) - 1))],
        "batch_cold_1_ms": _median(batch["cold_1"]),
        "batch_cold_n_ms": _median(batch[f"cold_{workers}"]),
        "batch_cached_ms": _median(batch["cached"]),
        "batch_runs": batch,
    }


# --------------------------------------------------------------------------
# Machine and report


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    versions = {}
    for dist in ("mkdocs", "mkdocs-material", "matplotlib", "ruamel.yaml", "ruamel.yaml.clib", "pydantic", "jinja2", "babel"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[dist] = metadata.version(dist)
    commit = ""
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "commit": commit,
    }


def _s(x: float) -> str:
    return f"{x:.2f}"


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def targets(res: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, verdict) rows."""
    rows: list[tuple[str, str, bool | None]] = []
    scales = {r["scale"]: r for r in res["scales"]}
    for k in (1, 30, 300):
        r = scales.get(k)
        if r is None:
            rows.append((f"generator stages cold ≤ {TARGET_GEN_VS_MKDOCS:.1f}× MkDocs at {k}×", "not run", None))
        else:
            c = r["cold"]
            rows.append((f"generator stages cold ≤ {TARGET_GEN_VS_MKDOCS:.1f}× MkDocs at {k}×",
                         f"{c['ratio']:.2f}× ({_s(c['generator'])} s vs {_s(c['mkdocs'])} s)",
                         c["ratio"] <= TARGET_GEN_VS_MKDOCS))
    ch = res.get("charts")
    if ch:
        rows.append((f"charts ≤ {TARGET_CHART_MS:.0f} ms/chart, median over {ch['n']}",
                     f"{ch['single_median_ms']:.2f} ms (batch cold, 1 process: {ch['batch_cold_1_ms']:.2f}; "
                     f"{ch['workers']} processes: {ch['batch_cold_n_ms']:.2f}; cached: {ch['batch_cached_ms']:.2f})",
                     ch["single_median_ms"] <= TARGET_CHART_MS))
    lv = {x["scale"]: x for x in res.get("load_validate", [])}
    if 300 in lv:
        x = lv[300]
        rows.append((f"load+validate ≤ {TARGET_LOAD_VALIDATE_MS} ms/action at 300×",
                     f"{x['ms_per_action']:.3f} ms ({_s(x['seconds'])} s / {x['actions']})",
                     x["ms_per_action"] <= TARGET_LOAD_VALIDATE_MS))
    else:
        rows.append((f"load+validate ≤ {TARGET_LOAD_VALIDATE_MS} ms/action at 300×", "not run", None))
    for k in sorted(scales):
        inc = scales[k]["incremental"]
        rows.append((f"one-value change at {k}×: generator stages ≤ {TARGET_INCREMENTAL_PCT:.0f}% of cold",
                     f"{inc['generator_pct_of_cold']:.1f}% ({_s(inc['generator'])} s vs {_s(scales[k]['cold']['generator'])} s)",
                     inc["generator_pct_of_cold"] <= TARGET_INCREMENTAL_PCT))
        rows.append((f"one-value change at {k}×: only affected charts/pages rewritten",
                     f"{inc['rewritten']} of {scales[k]['staging_files']} staging files rewritten "
                     f"({_kinds(inc['rewritten_by_kind'])}), {inc['needless']} with unchanged content; "
                     f"{inc['charts_drawn']} charts drawn",
                     inc["needless"] == 0))
    if 30 in scales and 300 in scales:
        a, b = scales[30]["ms_per_action"], scales[300]["ms_per_action"]
        rows.append((f"linear: cost/action at 300× within {TARGET_LINEAR}× of 30×",
                     f"{b / a:.2f}× ({b:.1f} vs {a:.1f} ms/action)", b / a <= TARGET_LINEAR))
    else:
        rows.append((f"linear: cost/action at 300× within {TARGET_LINEAR}× of 30×", "not run", None))
    if 300 in scales:
        p = scales[300]["cold"]["peak_mb"]
        rows.append(("peak memory at 300× < 1 GB", f"{p:.0f} MB", p < TARGET_PEAK_MB))
    else:
        rows.append(("peak memory at 300× < 1 GB", "not run", None))
    if 1 in scales and 300 in scales:
        a, b = scales[1]["median_page_bytes"], scales[300]["median_page_bytes"]
        rows.append((f"median page size at 300× within {TARGET_PAGE_SIZE}× of 1×",
                     f"{b / a:.2f}× ({b / 1024:.1f} vs {a / 1024:.1f} KiB)", b / a <= TARGET_PAGE_SIZE))
    else:
        rows.append((f"median page size at 300× within {TARGET_PAGE_SIZE}× of 1×", "not run", None))
    return rows


def _kinds(d: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in d.items()) or "none"


def markdown(res: dict[str, Any]) -> str:
    scales = res["scales"]
    head = "| | " + " | ".join(f"{r['scale']}×" for r in scales) + " |"
    sep = "|---|" + "---:|" * len(scales)
    lines = ["## Cold build (median of runs; seconds unless stated)", "", head, sep]

    def row(label: str, fn) -> None:  # type: ignore[no-untyped-def]
        lines.append(f"| {label} | " + " | ".join(fn(r) for r in scales) + " |")

    row("plans / actions", lambda r: f"{r['plans']} / {r['actions']:,}")
    row("runs", lambda r: str(r["repeat"]))
    for s in STAGES:
        row(s, lambda r, s=s: _s(r["cold"]["stages"][s]))
    row("**generator stages (all before MkDocs)**", lambda r: f"**{_s(r['cold']['generator'])}**")
    row("**MkDocs**", lambda r: f"**{_s(r['cold']['mkdocs'])}**")
    row("generator ÷ MkDocs", lambda r: f"{r['cold']['ratio']:.2f}×")
    row("build() wall (incl. warnings report, swap)", lambda r: _s(r["cold"]["wall"]))
    row("ms per action (generator + MkDocs)", lambda r: f"{r['ms_per_action']:.1f}")
    row("ms per action (generator only)", lambda r: f"{r['generator_ms_per_action']:.1f}")
    row("ms per action (validate stage)", lambda r: f"{1000 * r['cold']['stages']['validate'] / r['actions']:.3f}")
    row("peak RSS, MB (largest process)", lambda r: f"{r['cold']['peak_mb']:.0f}")
    row("HTML pages", lambda r: f"{r['pages']:,}")
    row("median HTML page, KiB", lambda r: f"{r['median_page_bytes'] / 1024:.1f}")
    row("largest HTML page, KiB", lambda r: f"{r['max_page_bytes'] / 1024:.1f}")
    row("site size, MiB", lambda r: f"{r['site_bytes'] / MB:.1f}")
    row("staging files / Markdown pages / charts", lambda r: f"{r['staging_files']:,} / {r['staging_pages']:,} / {r['charts']:,}")
    row("ms per page, MkDocs (both stages)", lambda r: f"{1000 * r['cold']['mkdocs'] / max(r['pages'], 1):.1f}")
    row("ms per chart, charts stage", lambda r: f"{1000 * r['cold']['stages']['charts'] / max(r['charts'], 1):.2f}")
    lines += ["", "## One value changed and committed, rebuilt", "", head, sep]
    row("edit (last run)", lambda r: f"`{r['incremental']['edit']['code']}` {r['incremental']['edit']['old']}→{r['incremental']['edit']['new']}")
    for s in GENERATOR_STAGES:
        row(s, lambda r, s=s: _s(r["incremental"]["stages"][s]))
    row("**generator stages**", lambda r: f"**{_s(r['incremental']['generator'])}**")
    row("generator, % of cold", lambda r: f"{r['incremental']['generator_pct_of_cold']:.1f}%")
    row("MkDocs", lambda r: _s(r["incremental"]["mkdocs"]))
    row("staging files rewritten", lambda r: f"{r['incremental']['rewritten']} ({_kinds(r['incremental']['rewritten_by_kind'])})")
    row("… with unchanged content", lambda r: str(r["incremental"]["needless"]))
    row("charts drawn (cache misses)", lambda r: str(r["incremental"]["charts_drawn"]))
    lines += ["", "## Micro-benchmarks", ""]
    ch = res.get("charts")
    if ch:
        kinds = ", ".join(f"{v} {k}" for k, v in sorted(ch["kinds"].items()))
        lines += [
            f"Charts: {ch['n']} real specs from a 30× project ({kinds}).",
            "",
            "| measure | ms/chart |",
            "|---|---:|",
            f"| one chart, `render()`, median (p90) | {ch['single_median_ms']:.2f} ({ch['single_p90_ms']:.2f}) |",
            f"| `render_all`, empty cache, 1 process | {ch['batch_cold_1_ms']:.2f} |",
            f"| `render_all`, empty cache, {ch['workers']} processes | {ch['batch_cold_n_ms']:.2f} |",
            f"| `render_all`, cached | {ch['batch_cached_ms']:.2f} |",
            "",
        ]
    if res.get("load_validate"):
        lines += [
            "Load + validate (`check_project`, in process; under the build's garbage-collector setting, and under CPython's default):",
            "",
            "| scale | actions | seconds | ms/action | ms/action, default GC |",
            "|---:|---:|---:|---:|---:|",
        ]
        for x in res["load_validate"]:
            lines.append(
                f"| {x['scale']}× | {x['actions']:,} | {_s(x['seconds'])} | {x['ms_per_action']:.3f} | "
                f"{x.get('ms_per_action_default_gc', float('nan')):.3f} |"
            )
        lines.append("")
    lines += ["## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    for name, measured, ok in targets(res):
        lines.append(f"| {name} | {measured} | {_verdict(ok)} |")
    m = res["machine"]
    lines += [
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram']} RAM, Python {m['python']}, {m['platform']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f"; commit {m['commit']}; {res['started']}.",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# CLI


def _scales(text: str) -> list[int]:
    out = [int(x) for x in text.split(",") if x.strip()]
    if not out or any(k < 1 for k in out):
        raise argparse.ArgumentTypeError("scales are positive integers, e.g. 1,30,300")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Cold and incremental builds of synthetic projects at several scales; checks the speed targets.",
        epilog="example:\n  python -m bench.run --scales 1,30 --repeat 3 --out bench/results",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scales", type=_scales, default=[1, 30, 300], help="times the seed plan (default 1,30,300)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scale below 100x; the median is reported (default 3)")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs per scale at 100x and above (default 1)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results", help="folder for results.md and results.json")
    parser.add_argument("--jobs", type=int, default=None, help="chart processes for the build (default: one per CPU)")
    parser.add_argument("--charts", type=int, default=1000, help="charts in the chart micro-benchmark (0 skips it)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one, removed)")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        print(json.dumps(child_build(args.child, args.jobs)))
        return 0

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")  # reported, never in generated data
    work_ctx = contextlib.nullcontext(args.work) if args.work else tempfile.TemporaryDirectory(prefix="bench-")
    with work_ctx as w:
        work = Path(w)
        work.mkdir(parents=True, exist_ok=True)
        res: dict[str, Any] = {"started": started, "machine": machine(), "scales": [], "load_validate": []}
        for k in args.scales:
            repeat = args.repeat if k < LARGE else args.repeat_large
            res["scales"].append(bench_scale(k, max(repeat, 1), work, args.jobs, log))
        for k in args.scales:
            x = micro_load_validate(k, args.repeat if k < LARGE else max(args.repeat_large, 2), work)
            log(f"[{k}x] load+validate: {x['ms_per_action']:.3f} ms/action")
            res["load_validate"].append(x)
        if args.charts:
            res["charts"] = micro_charts(args.charts, min(args.repeat, 3), args.jobs, work)
            log(f"charts: {res['charts']['single_median_ms']:.2f} ms/chart median")
    text = markdown(res)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(text, encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps(res, indent=2, default=str) + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Deterministic synthetic projects at k times the size of the seed plan.

What a large site looks like: one body, a decade of plans (one
``plan/<anno>.yml`` per year, at most ten years), each plan as large as the
scale demands. At scale ``k`` there are ``min(k, 10)`` plans holding ``k``
copies of the seed's 9 strategic objectives in all (50 actions each copy),
so the project has exactly ``50 * k`` actions:

- 1x: the seed itself (``plan/2021.yml`` and its two measurements, copied
  byte for byte);
- 30x: 10 plans (2021-2030) of 3 copies each = 1,500 actions;
- 300x: 10 plans of 30 copies each = 15,000 actions (a large body, e.g. a
  region, with ~270 strategic objectives a year).

Copy ``r`` of strategic objective ``n`` gets code ``n + 9 r`` and its
operational objectives and actions follow (``1.2.3`` becomes ``10.2.3``), so
every code still extends its parent's. Copies stay in the seed's
perspectives. Each plan has two measurements, ``<anno>-06-30``
(monitoraggio) and ``<anno>-12-31`` (consuntivo), with the seed's values
perturbed per copy (numbers, percentages, ratios, completion dates,
qualitative ``esito``) so that no two copies draw the same chart: a chart
cache keyed on content must not make the large scales look cheaper than
they are. The seed has no ``si_no`` KPI, so every copy but the original
turns action ``2.3.1`` (a count with target 1 and no thresholds) into one;
every third year uses ``metodo: lineare``.

Determinism: every random choice comes from ``random.Random`` seeded with a
string naming what is being chosen (no clock, no global state, no hash
randomisation), and the YAML is written by a small emitter with a fixed
layout, so two generations are byte-identical.

The frame the build needs (``docs/``, ``mkdocs.yml``, ``overrides/``,
``hooks.py``) is copied from the repository root.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from generator.source import load

#: The repository root (bench/ lives directly under it).
REPO = Path(__file__).resolve().parent.parent
SEED_YEAR = 2021
SEED_PLAN = Path("plan") / f"{SEED_YEAR}.yml"
SEED_MEASUREMENTS = (Path("measurements") / "2021-06-30.yml", Path("measurements") / "2021-12-31.yml")
MAX_YEARS = 10
#: Seed action turned into a ``si_no`` KPI in every copy but the original.
SI_NO_CODE = "2.3.1"
#: What the build needs besides the data (copied when present).
FRAME = ("docs", "overrides", "mkdocs.yml", "hooks.py")


@dataclass(frozen=True)
class Summary:
    """What :func:`generate` wrote."""

    scale: int
    plans: int
    actions: int
    measurements: int


# --------------------------------------------------------------------------
# YAML emitter: fixed layout, every string double-quoted (JSON escapes are
# valid YAML), so untrusted-looking titles round-trip exactly.

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot emit {type(value).__name__}")


def _key(key: Any) -> str:
    if isinstance(key, str) and _PLAIN_KEY.match(key) and key not in ("null", "true", "false", "yes", "no", "on", "off", "y", "n"):
        return key
    return _scalar(key)


def _emit(value: Any, indent: int) -> Iterator[str]:
    """Lines of a block mapping/sequence ``value`` at ``indent`` spaces."""
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v and not _is_flow(v):
                yield f"{pad}{_key(k)}:"
                yield from _emit(v, indent + 2)
            else:
                yield f"{pad}{_key(k)}: {_inline(v)}"
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                lines = list(_emit(item, indent + 2))
                yield f"{pad}- {lines[0][indent + 2:]}"
                yield from lines[1:]
            else:
                yield f"{pad}- {_inline(item)}"
    else:
        raise TypeError("block emitter needs a mapping or a sequence")


def _is_flow(value: Any) -> bool:
    """Small collections of scalars go on one line (``[2021, 2022]``, ``{valore: 3, nota: "…"}``)."""
    items = value.values() if isinstance(value, dict) else value
    return all(not isinstance(v, (dict, list)) for v in items)


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {_inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return _scalar(value)


def dump(data: dict[str, Any], header: str) -> str:
    """YAML text of ``data`` under a comment ``header``."""
    head = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return head + "\n".join(_emit(data, 0)) + "\n"


# --------------------------------------------------------------------------
# scaling


def layout(scale: int) -> list[tuple[int, int]]:
    """``(anno, copies)`` per plan: ``min(scale, 10)`` years sharing ``scale`` copies."""
    if scale < 1:
        raise ValueError("scale must be >= 1")
    years = min(scale, MAX_YEARS)
    base, extra = divmod(scale, years)
    return [(SEED_YEAR + i, base + (1 if i < extra else 0)) for i in range(years)]


def _recode(code: str, copy: int, n_strategic: int) -> str:
    head, _, rest = code.partition(".")
    new = str(int(head) + n_strategic * copy)
    return f"{new}.{rest}" if rest else new


def _rng(*what: object) -> random.Random:
    return random.Random(":".join(str(w) for w in what))


def _scale_decimal(value: Decimal, factor: float) -> Decimal:
    exp = Decimal(1).scaleb(value.as_tuple().exponent) if value.as_tuple().exponent < 0 else Decimal(1)
    return (value * Decimal(str(factor))).quantize(exp, rounding=ROUND_HALF_EVEN)


_PCT = re.compile(r"^([+-]?\d+(?:\.\d+)?)%$")


def _perturb(value: Any, rng: random.Random, *, tipo: str, anno: int, before: dt.date) -> Any:
    """A plausible different value of the same kind (seeded)."""
    if isinstance(value, dict):
        out = dict(value)
        if "esito" in out:
            out["esito"] = rng.choice(["60%", "70%", "80%", "90%", "100%"])
        elif "numeratore" in out:
            num = out["numeratore"]
            new = max(0, round(int(num) * rng.uniform(0.7, 1.3))) if isinstance(num, int) else _scale_decimal(num, rng.uniform(0.7, 1.3))
            out["numeratore"] = new
        elif out.get("valore") is not None:
            out["valore"] = _perturb(out["valore"], rng, tipo=tipo, anno=anno, before=before)
        return out
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return max(0, round(value * rng.uniform(0.7, 1.3)))
    if isinstance(value, Decimal):
        return max(Decimal(0), _scale_decimal(value, rng.uniform(0.7, 1.3)))
    if isinstance(value, dt.date):
        shifted = value.replace(year=anno) + dt.timedelta(days=rng.randint(-25, 25))
        return min(max(shifted, dt.date(anno, 1, 1)), before)
    if isinstance(value, str):
        m = _PCT.match(value.strip())
        if m:
            orig = Decimal(m.group(1))
            new = _scale_decimal(orig, rng.uniform(0.7, 1.3))
            if orig <= 100:
                new = min(new, Decimal(100))
            return f"{format(new, 'f')}%"
    return value


def _plan_copy(seed: dict[str, Any], anno: int, copies: int, n_strategic: int, year_index: int) -> dict[str, Any]:
    plan = dict(seed)
    plan["titolo"] = f"Piano della Performance {anno}-{anno + 2}"
    plan["anno"] = anno
    plan["triennio"] = [anno, anno + 1, anno + 2]
    if year_index % 3 == 2:
        plan["metodo"] = "lineare"
    shift = anno - SEED_YEAR
    prospettive = []
    for p in seed["prospettive"]:
        strategici = []
        for copy in range(copies):
            original = anno == SEED_YEAR and copy == 0
            for s in p["obiettivi_strategici"]:
                s2 = dict(s)
                s2["codice"] = _recode(s["codice"], copy, n_strategic)
                s2["target"] = {int(y) + shift: v for y, v in s["target"].items()}
                ops = []
                for o in s["obiettivi_operativi"]:
                    o2 = dict(o)
                    o2["codice"] = _recode(o["codice"], copy, n_strategic)
                    azioni = []
                    for a in o["azioni"]:
                        a2 = dict(a)
                        a2["codice"] = _recode(a["codice"], copy, n_strategic)
                        for k in ("target", "soglia_80", "soglia_60"):
                            if isinstance(a.get(k), dt.date):
                                a2[k] = a[k].replace(year=a[k].year + shift)
                        if a["codice"] == SI_NO_CODE and not original:
                            for k in ("soglia_80", "soglia_60", "unita", "verso"):
                                a2.pop(k, None)
                            a2["tipo"] = "si_no"
                            a2["target"] = "si"
                            a2["indicatore"] = "attivazione entro l'anno (si/no)"
                        azioni.append(a2)
                    o2["azioni"] = azioni
                    ops.append(o2)
                s2["obiettivi_operativi"] = ops
                strategici.append(s2)
        p2 = dict(p)
        p2["obiettivi_strategici"] = strategici
        prospettive.append(p2)
    plan["prospettive"] = prospettive
    return plan


def _measurement_copy(seed: dict[str, Any], anno: int, copies: int, n_strategic: int, tipi: dict[str, str]) -> dict[str, Any]:
    data = seed["data"].replace(year=anno)
    out = dict(seed)
    out["piano"] = anno
    out["data"] = data
    valori: dict[str, Any] = {}
    for copy in range(copies):
        original = anno == SEED_YEAR and copy == 0
        for code, value in seed["valori"].items():
            new_code = _recode(code, copy, n_strategic)
            if original:
                valori[new_code] = value
                continue
            rng = _rng("valore", anno, data.isoformat(), copy, code)
            if code == SI_NO_CODE:
                valori[new_code] = "si" if rng.random() < 0.7 else "no"
            else:
                valori[new_code] = _perturb(value, rng, tipo=tipi[code], anno=anno, before=data)
    out["valori"] = valori
    return out


def _n_strategic(plan: dict[str, Any]) -> int:
    return max(int(s["codice"]) for p in plan["prospettive"] for s in p["obiettivi_strategici"])


def _copy_frame(repo: Path, root: Path) -> None:
    for name in FRAME:
        src = repo / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        elif src.is_file():
            shutil.copyfile(src, root / name)


def generate(root: Path, scale: int, repo: Path = REPO) -> Summary:
    """Write a complete project root at ``scale`` times the seed into ``root`` (must not exist or be empty)."""
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    (root / "plan").mkdir(parents=True, exist_ok=True)
    (root / "measurements").mkdir(exist_ok=True)
    _copy_frame(repo, root)
    (root / ".gitignore").write_text("/site/\n/build/\n/.cache/\n__pycache__/\n.site-*/\n", encoding="utf-8")
    if scale == 1:
        for rel in (SEED_PLAN, *SEED_MEASUREMENTS):
            shutil.copyfile(repo / rel, root / rel)
        actions = sum(1 for _ in _actions(load(repo / SEED_PLAN).data))
        return Summary(1, 1, actions, len(SEED_MEASUREMENTS))
    seed_plan = load(repo / SEED_PLAN, SEED_PLAN.as_posix()).data
    seed_meas = [load(repo / rel, rel.as_posix()).data for rel in SEED_MEASUREMENTS]
    n_strategic = _n_strategic(seed_plan)
    tipi = {a["codice"]: a["tipo"] for a in _actions(seed_plan)}
    actions = measurements = 0
    for index, (anno, copies) in enumerate(layout(scale)):
        plan = _plan_copy(seed_plan, anno, copies, n_strategic, index)
        actions += sum(1 for _ in _actions(plan))
        header = (
            f"Piano sintetico per i benchmark (bench/synth.py, scala {scale}x): {copies} copie\n"
            f"degli obiettivi del piano {SEED_YEAR}, rinumerate. DATI DI ESEMPIO."
        )
        (root / "plan" / f"{anno}.yml").write_text(dump(plan, header), encoding="utf-8")
        for meas in seed_meas:
            m = _measurement_copy(meas, anno, copies, n_strategic, tipi)
            name = f"{m['data'].isoformat()}.yml"
            text = dump(m, "Rilevazione sintetica per i benchmark (bench/synth.py). DATI DI ESEMPIO.")
            (root / "measurements" / name).write_text(text, encoding="utf-8")
            measurements += 1
    return Summary(scale, len(layout(scale)), actions, measurements)


def git_commit(root: Path, message: str, when: str = "2022-01-31T12:00:00+00:00", paths: tuple[str, ...] = (".",)) -> None:
    """Commit everything under ``root`` (``git init`` first if needed), deterministically.

    A published site lives in a git repository and the build blames the
    YAML files for provenance, so the benchmark builds a committed tree.
    Fixed author, committer and dates: same inputs, same commit ids.
    """
    env = {
        "GIT_AUTHOR_NAME": "Benchmark",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "Benchmark",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(root),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    opts = ["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"]
    if not (root / ".git").exists():
        subprocess.run(["git", *opts, "init", "-q"], cwd=root, env=env, check=True)
    subprocess.run(["git", *opts, "add", "-A", "--", *paths], cwd=root, env=env, check=True)
    subprocess.run(["git", *opts, "commit", "-q", "--allow-empty", "-m", message], cwd=root, env=env, check=True)


def _actions(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for p in plan["prospettive"]:
        for s in p["obiettivi_strategici"]:
            for o in s["obiettivi_operativi"]:
                yield from o["azioni"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.synth",
        description="Write a synthetic project root at SCALE times the seed plan.",
        epilog="example:\n  python -m bench.synth --scale 30 --out /tmp/synth30",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", type=int, default=1, help="1 = the seed (50 actions); 30 = 1,500; 300 = 15,000")
    parser.add_argument("--out", type=Path, required=True, help="empty or missing directory to write")
    parser.add_argument("--git", action="store_true", help="also make it a git repository with one commit (as a published site is)")
    args = parser.parse_args(argv)
    s = generate(args.out, args.scale)
    if args.git:
        git_commit(args.out, f"Progetto sintetico {args.scale}x")
    print(f"{args.out}: {s.plans} plans, {s.actions} actions, {s.measurements} measurements")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The speed-and-scale benchmark runs, and its synthetic projects are sound.

No timing assertions here (the machine is noisy and shared): the benchmark's
own PASS/FAIL table is the place for numbers. These tests keep the
benchmark *runnable* as the generator changes: the 1x run completes and
reports every stage, and the synthetic data is deterministic and valid.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# bench/ is a folder of the repository, not part of the installed package.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import synth  # noqa: E402
from bench.run import STAGES  # noqa: E402

pytestmark = pytest.mark.bench  # left out of `make check`: the 1x run alone takes a minute


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_benchmark_at_1x_completes_with_every_stage_in_its_table(tmp_path: Path) -> None:
    out = tmp_path / "results"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--scales", "1", "--repeat", "1", "--out", str(out)],
        check=False,  # the exit code is checked below, with the output
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    table = (out / "results.md").read_text(encoding="utf-8")
    assert (out / "results.json").is_file()
    rows = {line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| ")}
    missing = [s for s in STAGES if s not in rows]
    assert not missing, f"stages missing from the table: {missing}\n{table}"
    assert "## Targets" in table
    assert "PASS" in table or "FAIL" in table


def test_synthetic_project_is_byte_identical_across_generations(tmp_path: Path) -> None:
    synth.generate(tmp_path / "a", 30)
    synth.generate(tmp_path / "b", 30)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_synthetic_project_at_30x_validates(tmp_path: Path) -> None:
    root = tmp_path / "p30"
    summary = synth.generate(root, 30)
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--root", str(root)],
        check=False,  # the exit code is checked below, with the output
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert summary.actions == 30 * 50

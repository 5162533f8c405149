"""Item 5: a build killed at any instant leaves ``site/`` as the old or the
new site, complete, never missing; the next build removes what the killed
one left; and no process the build started outlives it.

The real command runs in a subprocess in its own session and is killed
with SIGKILL (no clean-up handler runs) at delays spread over a whole build.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, Scratch

pytestmark = pytest.mark.slow

MISURE = "measurements/2021-12-31.yml"


def _firma(site: Path) -> str:
    """Digest of a whole site tree (paths and bytes); "" if there is none."""
    if not site.is_dir():
        return ""
    h = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        h.update(path.relative_to(site).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _avvia(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--root", str(root)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def _sopravvissuti(pgid: int) -> list[int]:
    """Live (non-zombie) processes still in the killed build's process group."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(entry.name))
    return out


def _uccidi_dopo(root: Path, ritardo: float) -> list[int]:
    """Start a build, SIGKILL it after ``ritardo`` seconds; the processes that survive it."""
    proc = _avvia(root)
    time.sleep(ritardo)
    proc.kill()
    proc.wait()
    fine = time.monotonic() + 5
    while (vivi := _sopravvissuti(proc.pid)) and time.monotonic() < fine:
        time.sleep(0.1)
    for pid in vivi:  # leave nothing behind for the next case, whatever the verdict
        os.kill(pid, signal.SIGKILL)
    return vivi


def _durata_build(root: Path) -> float:
    t0 = time.monotonic()
    assert _avvia(root).wait() == 0
    return time.monotonic() - t0


def test_killed_build_leaves_the_old_or_the_new_site(scratch: Scratch) -> None:
    root = scratch.root
    _durata_build(root)
    vecchio = _firma(root / "site")
    scratch.sostituisci(MISURE, '"1.1.1": 4 ', '"1.1.1": 2 ')
    durata = _durata_build(root)  # the new site, from a warm cache: what a rebuild costs
    nuovo = _firma(root / "site")
    assert vecchio != nuovo
    scratch.sostituisci(MISURE, '"1.1.1": 2 ', '"1.1.1": 4 ')  # back and forth: each kill may swap
    for frazione in (0.05, 0.3, 0.6, 0.8, 0.9, 0.97, 1.03):
        ritardo = durata * frazione
        _uccidi_dopo(root, ritardo)
        firma = _firma(root / "site")
        assert firma in (vecchio, nuovo), f"site/ after a kill at {ritardo:.2f} s is neither the old nor the new site"
    assert _avvia(root).wait() == 0
    assert _firma(root / "site") == vecchio
    assert not list(root.glob(".site-*")), "the next build removes the temporary folders"


def test_no_process_outlives_a_killed_build(scratch: Scratch) -> None:
    """Chart workers included (generator.render.charts.workers: PR_SET_PDEATHSIG)."""
    root = scratch.root
    durata = _durata_build(root)
    scratch.sostituisci(MISURE, '"1.1.1": 4 ', '"1.1.1": 2 ')
    sopravvissuti = {}
    for frazione in (0.2, 0.5, 0.8):
        vivi = _uccidi_dopo(root, durata * frazione)
        if vivi:
            sopravvissuti[round(durata * frazione, 2)] = vivi
    assert not sopravvissuti, f"processes outlived the killed build (delay: pids): {sopravvissuti}"


def test_next_build_removes_temporary_folders_and_restores_a_set_aside_site(scratch: Scratch) -> None:
    root = scratch.root
    assert _avvia(root).wait() == 0
    prima = _firma(root / "site")
    # as if killed between the two renames of a system without an atomic exchange
    (root / ".site-nuovo-x").mkdir()
    (root / ".site-nuovo-x" / "mezzo.html").write_text("a metà")
    (root / ".site-vecchio-y").mkdir()
    os.rename(root / "site", root / ".site-vecchio-y" / "site")
    from generator.build import remove_leftovers

    remove_leftovers(root)
    assert _firma(root / "site") == prima
    assert not list(root.glob(".site-*"))

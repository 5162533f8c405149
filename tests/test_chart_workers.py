"""Chart worker processes die with the build, however the build ends.

The real command (``python -m generator build``) runs in a process group of
its own with two chart workers and its stdout on a pipe, as in ``build |
tee log``. It is stopped at several instants while its workers are alive (fractions
of how long an uninterrupted cold build takes on this machine, so the
instants fall inside the build on a fast machine and a slow one):
killed (SIGKILL, nothing of it runs again), terminated (SIGTERM), or
crashed (SIGSEGV, no Python clean-up). Then the pipe must reach end of
file (``tee`` returns) and no process of the group may be left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_build import REPO, progetto

pytestmark = pytest.mark.slow


def members(pgid: int) -> list[tuple[int, int]]:
    """(pid, parent pid) of the live processes of process group ``pgid``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        state, ppid, pgrp = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            found.append((int(name), int(ppid)))
    return found


def wait_until(condition, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def start_build(root: Path, stderr: int) -> subprocess.Popen[str]:
    """The real command in a process group of its own, its stdout on a pipe (as `build | tee`)."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--root", str(root), "--jobs", "2"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=stderr, start_new_session=True, text=True,
    )


@pytest.fixture(scope="module")
def cold_build_seconds(tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long a whole cold build takes here, and that it leaves no process behind."""
    root = progetto(tmp_path_factory.mktemp("whole") / "p", REPO)
    t0 = time.monotonic()
    build = start_build(root, stderr=subprocess.PIPE)
    _, err = build.communicate(timeout=600)
    assert build.returncode == 0, err
    assert members(build.pid) == []
    return time.monotonic() - t0


STOPS = [
    ("SIGKILL", signal.SIGKILL, 0.0),
    ("SIGKILL", signal.SIGKILL, 0.15),
    ("SIGKILL", signal.SIGKILL, 0.4),
    ("SIGTERM", signal.SIGTERM, 0.0),
    ("SIGTERM", signal.SIGTERM, 0.3),
    ("crash", signal.SIGSEGV, 0.2),
]


@pytest.mark.parametrize(("name", "signum", "fraction"), STOPS, ids=[f"{n}-at-{f:.0%}" for n, _, f in STOPS])
def test_no_chart_worker_outlives_a_stopped_build(
    cold_build_seconds: float, tmp_path: Path, name: str, signum: int, fraction: float
):
    root = progetto(tmp_path / "p", REPO)  # cold every time: the workers have charts to draw
    build = start_build(root, stderr=subprocess.DEVNULL)
    try:
        workers_up = wait_until(lambda: sum(1 for _, ppid in members(build.pid) if ppid == build.pid) >= 2, 60)
        assert workers_up, "the build never started its chart workers"
        time.sleep(fraction * cold_build_seconds)
        assert build.poll() is None, "the build ended before it could be stopped"
        build.send_signal(signum)
        # `build | tee`: the pipe ends once nobody holds it, without waiting for stragglers.
        build.communicate(timeout=30)
        assert build.returncode != 0
        assert wait_until(lambda: members(build.pid) == [], 10), members(build.pid)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait()
        for pid, _ in members(build.pid):
            os.kill(pid, signal.SIGKILL)


def test_a_completed_build_leaves_no_worker_behind(cold_build_seconds: float):
    assert cold_build_seconds > 0  # the fixture ran a whole build and checked it

"""Item 4 (compiled templates and git blame; the chart cache is the charts
package's): every cache entry carries the digest of its content, a damaged
entry is a miss that is rebuilt and replaced, and the site is byte for byte
the site of a cold build."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, Scratch

from generator import cache

DANNI = {
    "flip": lambda data: data[:-7] + bytes([data[-7] ^ 0x01]) + data[-6:],
    "truncate": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "random": lambda data: os.urandom(len(data)),
}


@pytest.mark.parametrize("danno", DANNI)
def test_damaged_entry_is_a_miss(tmp_path: Path, danno: str) -> None:
    entry = tmp_path / "voce"
    cache.write_entry(entry, b"contenuto della cache " * 10)
    assert cache.read_entry(entry) == b"contenuto della cache " * 10
    entry.write_bytes(DANNI[danno](entry.read_bytes()))
    assert cache.read_entry(entry) is None


def _firma(site: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        h.update(path.relative_to(site).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _build(root: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(root)], cwd=REPO, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


@pytest.mark.slow
def test_every_damaged_template_and_blame_entry_is_rebuilt_and_the_site_matches_a_cold_build(scratch: Scratch) -> None:
    root = scratch.root
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "dati")
    _build(root)
    freddo = _firma(root / "site")
    voci = sorted((root / ".cache" / "jinja").iterdir()) + sorted((root / ".cache" / "blame").iterdir())
    assert len(voci) > 4
    for i, voce in enumerate(voci):  # every kind of damage, on entries of both caches
        voce.write_bytes(list(DANNI.values())[i % len(DANNI)](voce.read_bytes()))
    shutil.rmtree(root / "build")  # pages are rendered again, so every template is loaded
    shutil.rmtree(root / "site")
    _build(root)
    assert _firma(root / "site") == freddo
    assert all(cache.read_entry(v) is not None for v in voci), "damaged entries are replaced"

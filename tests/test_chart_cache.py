"""The chart cache is verified, never trusted: a damaged entry is a miss, redrawn and replaced.

Every entry of ``.cache/charts/`` is damaged in one way (a flipped byte,
cut in half, emptied, random bytes of the same length), then the project is
built again; what it stages (and so publishes) must be byte for byte what a
cold build of the same commit stages, and every entry must be sound again.
"""

from __future__ import annotations

import hashlib
import io
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import build as B
from tests.test_incremental import albero, cold_copy, progetto

pytestmark = pytest.mark.slow


def flip(data: bytes) -> bytes:
    i = len(data) // 2
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]


def truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def empty(data: bytes) -> bytes:
    return b""


def random_bytes(data: bytes) -> bytes:
    return random.Random(len(data)).randbytes(len(data))


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "flipped byte": flip,
    "truncated": truncate,
    "emptied": empty,
    "random bytes": random_bytes,
}


def entries(root: Path) -> list[Path]:
    return sorted((root / B.CHART_CACHE).glob("*.svg"))


def damage_in_place(path: Path, how: Callable[[bytes], bytes]) -> None:
    """Rewrite the file's own bytes (same inode: its staged hard link sees it too)."""
    data = path.read_bytes()
    with open(path, "r+b") as fh:
        fh.write(how(data))
        fh.truncate()


def assert_entries_sound(root: Path) -> None:
    for entry in entries(root):
        assert hashlib.sha256(entry.read_bytes()).hexdigest() == entry.stem.split("-")[1], entry.name


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    root = progetto(tmp_path_factory.mktemp("cold") / "p")
    B.prepare(root, jobs=1, out=io.StringIO())
    return root, albero(root / B.STAGING)


@pytest.mark.parametrize("name", list(DAMAGE))
def test_every_damaged_cache_entry_is_redrawn_and_the_site_equals_a_cold_build(cold, tmp_path: Path, name: str):
    source, cold_tree = cold
    root = cold_copy(source, tmp_path / "p")
    B.prepare(root, jobs=1, out=io.StringIO())
    damaged = entries(root)
    assert len(damaged) > 50
    for entry in damaged:
        damage_in_place(entry, DAMAGE[name])
    prep = B.prepare(root, jobs=1, out=io.StringIO())
    assert prep.disegnati == len(damaged)
    assert albero(root / B.STAGING) == cold_tree
    assert_entries_sound(root)


@pytest.mark.parametrize("name", list(DAMAGE))
def test_a_damaged_cache_never_reaches_a_fresh_staging_folder(cold, tmp_path: Path, name: str):
    # The entries are replaced by new damaged files (new inodes): nothing
    # staged shares them, and a build without build/ must read each one.
    source, cold_tree = cold
    root = cold_copy(source, tmp_path / "p")
    B.prepare(root, jobs=1, out=io.StringIO())
    for entry in entries(root):
        data = DAMAGE[name](entry.read_bytes())
        entry.unlink()
        entry.write_bytes(data)
    shutil.rmtree(root / "build")
    B.prepare(root, jobs=1, out=io.StringIO())
    assert albero(root / B.STAGING) == cold_tree
    assert_entries_sound(root)


def test_a_sound_cache_is_not_redrawn(cold, tmp_path: Path):
    source, _ = cold
    root = cold_copy(source, tmp_path / "p")
    B.prepare(root, jobs=1, out=io.StringIO())
    shutil.rmtree(root / "build")  # every entry is read and verified
    assert B.prepare(root, jobs=1, out=io.StringIO()).disegnati == 0

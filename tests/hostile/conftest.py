"""The scratch repository every hostile case runs in, and how a case runs.

Each case copies the site frame and the shipped data into ``tmp_path/repo``,
plants a secret file in ``tmp_path/fuori`` (outside the repository: the
place a hostile symbolic link points to), applies its attack, and runs the
real command in a subprocess under :mod:`sorveglia`, which records every
file opened outside the allowed folders. A case then asserts the Italian
message, the exit code, and that the record is empty.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FRAME = ("mkdocs.yml", "overrides", "docs", "hooks.py", "plan", "measurements")
SORVEGLIA = Path(__file__).with_name("sorveglia.py")
SEGRETO = "SEGRETO-DELLA-MACCHINA-DI-BUILD"
#: Every hostile command must end well within this (a hang fails the case).
TEMPO_MASSIMO = 120


@dataclass
class Run:
    rc: int
    out: str
    err: str
    outside: list[str]  # paths opened outside the allowed folders

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class Scratch:
    base: Path

    @property
    def root(self) -> Path:
        return self.base / "repo"

    @property
    def segreto(self) -> Path:
        return self.base / "fuori" / "segreto.yml"

    def file(self, rel: str) -> Path:
        return self.root / rel

    def sostituisci(self, rel: str, old: str, new: str) -> None:
        path = self.file(rel)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def run(self, *args: str, timeout: float = TEMPO_MASSIMO) -> Run:
        ambiente = self.base / "ambiente"
        registro = self.base / "registro.txt"
        registro.unlink(missing_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(ambiente),
            "TMPDIR": str(ambiente),
            "MPLCONFIGDIR": str(ambiente / "mpl"),
            "XDG_CACHE_HOME": str(ambiente / "cache"),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": str(REPO),
            "LANG": "C.UTF-8",
            "SORVEGLIA_CONSENTITI": os.pathsep.join(
                [str(self.root), str(REPO / "generator"), str(REPO / ".venv"), *map(str, REPO.glob("*.egg-info")), sys.base_prefix, sys.prefix, str(SORVEGLIA.parent)]
            ),
            "SORVEGLIA_SCRIVIBILI": os.pathsep.join([str(self.root), str(ambiente), str(registro)]),
        }
        r = subprocess.run(
            [sys.executable, str(SORVEGLIA), str(registro), "--", *args, "--root", str(self.root)],
            capture_output=True, text=True, timeout=timeout, env=env, cwd=self.root, check=False,
        )
        outside = registro.read_text(encoding="utf-8").splitlines() if registro.exists() else []
        return Run(r.returncode, r.stdout, r.stderr, outside)


@pytest.fixture
def scratch(tmp_path: Path) -> Scratch:
    s = Scratch(tmp_path)
    s.root.mkdir()
    for name in FRAME:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, s.root / name)
        else:
            shutil.copy2(src, s.root / name)
    (tmp_path / "ambiente").mkdir()
    s.segreto.parent.mkdir()
    s.segreto.write_text(f"piano: 2021\n# {SEGRETO}\n", encoding="utf-8")
    return s

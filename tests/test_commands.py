"""The commands staff are told to type work without activating a virtualenv.

The guide, the README and the pre-commit hook say `make validate`,
`make diff BASE=…`, `make serve` or the `performance` console command: each
must find the project's own Python (.venv) by itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def _env_without_venv() -> dict[str, str]:
    """The environment of a staff member who never ran `source .venv/bin/activate`."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if Path(p).resolve() != VENV_BIN.resolve())
    return env


@pytest.fixture
def progetto(tmp_path: Path) -> Path:
    root = tmp_path / "ente"
    shutil.copytree(REPO / "plan", root / "plan")
    shutil.copytree(REPO / "measurements", root / "measurements")
    return root


def test_performance_console_command_runs_every_subcommand_help():
    exe = VENV_BIN / "performance"
    assert exe.exists(), "pyproject.toml declares the `performance` console script"
    for sub in ("validate", "build", "export", "diff", "schema", "importa-piano", "moduli", "importa-rilevazione", "nuovo-anno"):
        out = subprocess.run([str(exe), sub, "--help"], capture_output=True, text=True, env=_env_without_venv(), check=True).stdout
        assert out.startswith(f"usage: performance {sub}"), out[:200]
        assert "esempio" in out


def test_performance_validate_works_outside_the_virtualenv(progetto: Path):
    res = subprocess.run([str(VENV_BIN / "performance"), "validate", "--root", str(progetto)], capture_output=True, text=True, env=_env_without_venv(), check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 errori" in res.stdout


def test_make_validate_uses_the_project_venv():
    res = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), "validate"], capture_output=True, text=True, env=_env_without_venv(), check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "errori" in res.stdout


def test_make_diff_takes_base_from_the_command_line():
    res = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), "diff", "BASE=HEAD"], capture_output=True, text=True, env=_env_without_venv(), check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Confronto tra HEAD" in res.stdout


def test_make_serve_runs_mkdocs_serve_from_the_venv():
    dry = subprocess.run(["make", "-n", "-C", str(REPO), "serve"], capture_output=True, text=True, check=True).stdout
    assert ".venv/bin/python -m mkdocs serve" in dry and "NO_MKDOCS_2_WARNING=true" in dry


def test_pre_commit_hooks_need_no_activated_virtualenv():
    config = YAML(typ="safe").load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h["entry"] for r in config["repos"] for h in r["hooks"]}
    assert hooks["valida-piano"] == "make --no-print-directory validate"
    assert all(e.startswith(("make ", ".venv/bin/")) for e in hooks.values()), hooks


def test_vscode_maps_each_yaml_folder_to_its_json_schema():
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    schemas = settings["yaml.schemas"]
    by_glob = {g: s for s, globs in schemas.items() for g in globs}
    assert by_glob["plan/*.yml"] == "./schemas/plan.schema.json"
    assert by_glob["measurements/*.yml"] == "./schemas/measurement.schema.json"
    assert any(g.startswith("premi/") for g in by_glob) and any(g.startswith("relazione/") for g in by_glob)
    for schema in ("plan", "measurement"):
        json.loads((REPO / "schemas" / f"{schema}.schema.json").read_text(encoding="utf-8"))
    recommended = json.loads((REPO / ".vscode" / "extensions.json").read_text(encoding="utf-8"))["recommendations"]
    assert "redhat.vscode-yaml" in recommended

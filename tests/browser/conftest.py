"""Fixtures of the browser tests: the site under test, axe-core, screenshots.

The browser, its context and the static server are generic and live in
tests/conftest.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# The helpers sit beside this file; make them importable whatever pytest's
# import mode (this directory is not a package).
sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO_ROOT = Path(__file__).resolve().parents[2]

# What `python -m generator build --root` needs from the repository.
SITE_SOURCES = ("plan", "measurements", "premi", "relazione", "docs", "overrides", "mkdocs.yml", "hooks.py")


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core as installed by `npm ci` from the repository's package.json."""
    path = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        pytest.fail(
            f"{path} not found: run `npm ci` in {REPO_ROOT} (axe-core is a devDependency)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where screenshots go for a person to look at: $SITE_SCREENSHOTS_DIR or build/screenshots/."""
    directory = Path(os.environ.get("SITE_SCREENSHOTS_DIR") or REPO_ROOT / "build" / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built by the generator from a copy of the repository's sources.

    A copy, so the test never writes into the working tree; returns root/site.
    """
    root = tmp_path_factory.mktemp("site-root")
    for name in SITE_SOURCES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copy2(source, root / name)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(root)],
        check=False,  # the exit code is checked below, with the output
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`python -m generator build --root {root}` exited with {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}",
            pytrace=False,
        )
    site = root / "site"
    if not (site / "index.html").is_file():
        pytest.fail(f"the build produced no {site / 'index.html'}", pytrace=False)
    return site


@pytest.fixture(scope="session")
def built_site_url(built_site, serve_directory) -> str:
    """Base URL of the built site, served on 127.0.0.1."""
    return serve_directory(built_site)

"""Build small MkDocs sites with the repository's frame, for the harness and frame tests.

The frame (mkdocs.yml, overrides/, docs/assets/, the accessibility and legal
pages) is copied from the repository; the pages are the test's own, so these
tests do not depend on the generator.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

FRAME_PAGES = ("accessibilita.md", "note-legali.md")


def build_frame_site(root: Path, pages: dict[str, str], esempio: bool = False) -> Path:
    """Write `pages` (path under docs/ -> Markdown) into the frame, build, return the site dir.

    `esempio` sets `extra.esempio` (the example-data banner) the way the
    generator does. The build is strict, as in production.
    """
    root = Path(root)
    docs = root / "docs"
    shutil.copytree(REPO_ROOT / "overrides", root / "overrides")
    # mkdocs.yml names the generator's hook file; with no plan it generates nothing.
    shutil.copy2(REPO_ROOT / "hooks.py", root / "hooks.py")
    shutil.copytree(REPO_ROOT / "docs" / "assets", docs / "assets")
    for name in FRAME_PAGES:
        shutil.copy2(REPO_ROOT / "docs" / name, docs / name)
    # mkdocs.yml watches these; MkDocs refuses to start if they are missing.
    (root / "plan").mkdir()
    (root / "measurements").mkdir()
    config = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if esempio:
        if config.count("esempio: false") != 1:
            raise AssertionError("mkdocs.yml should hold exactly one `esempio: false` to switch")
        config = config.replace("esempio: false", "esempio: true")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    for name, text in pages.items():
        target = docs / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    site = root / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
        check=False,  # the exit code is checked below, with the output
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "true"},
    )
    if result.returncode != 0:
        raise AssertionError(
            f"mkdocs build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return site

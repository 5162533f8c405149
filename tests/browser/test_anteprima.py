"""The staff preview: a real `mkdocs serve` on 127.0.0.1, looked at with headless Chromium.

A bad edit must show the Italian error report in the browser (not a page
that hangs until the file is fixed), escaped because it quotes the user's
own text; fixing the file must bring the site back by itself, on any URL;
and each edit must cost exactly one rebuild (the staging folder the build
writes is not watched).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("plan", "measurements", "docs", "overrides", "mkdocs.yml", "hooks.py")
MISURA = "measurements/2021-06-30.yml"
BUONA = '  "1.1.2": 180\n'
CATTIVA = '  "1.1.2": "<b>centottanta</b>"\n'
BUILD_S = 300  # one build on a loaded 2-core CI machine


class Server:
    """`mkdocs serve` as staff run it (`make serve`), with its log collected."""

    def __init__(self, root: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "true"}
        env.pop("SOURCE_DATE_EPOCH", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}"],
            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}/"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def wait_for(self, text: str, n: int = 1, timeout: float = BUILD_S) -> None:
        end = time.monotonic() + timeout
        while self.count(text) < n:
            if self.proc.poll() is not None or time.monotonic() > end:
                raise AssertionError(f"mkdocs serve never printed {text!r} ({n}x):\n{self.log}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def server(tmp_path: Path):
    root = tmp_path / "ente"
    root.mkdir()
    for name in SOURCES:
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    srv = Server(root)
    srv.root = root  # type: ignore[attr-defined]
    try:
        srv.wait_for("Serving on")
        yield srv
    finally:
        srv.stop()


def _edit(root: Path, old: str, new: str) -> None:
    path = root / MISURA
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_bad_edit_shows_the_error_page_and_the_fix_brings_the_site_back(server, browser_context):
    page = browser_context.new_page()
    deep = browser_context.new_page()
    try:
        page.goto(server.url + "piano/2021/")
        assert "Piano della Performance" in page.title()
        deep.goto(server.url + "piano/2021/obiettivi/1/")
        builds = server.count("Building documentation")

        _edit(server.root, BUONA, CATTIVA)
        page.wait_for_selector("#errore-dati", timeout=BUILD_S * 1000)
        report = page.inner_text("pre")
        assert "measurements/2021-06-30.yml:16:12: errore:" in report
        assert '16 |   "1.1.2": "<b>centottanta</b>"' in report  # the quoted line, as text
        assert "suggerimento:" in report
        assert page.locator("pre b").count() == 0  # escaped, not markup
        # a page that no longer exists in the error site shows the report too
        deep.wait_for_selector("#errore-dati", timeout=BUILD_S * 1000)

        _edit(server.root, CATTIVA, BUONA)
        page.wait_for_function("() => !document.getElementById('errore-dati') && document.title.includes('Piano della Performance')", timeout=BUILD_S * 1000)
        deep.wait_for_function("() => !document.getElementById('errore-dati') && document.querySelector('h1')", timeout=BUILD_S * 1000)
        assert "Competitività del territorio" in deep.inner_text("h1")

        server.wait_for("Reloading browsers", n=2)  # the first build prints none
        time.sleep(8)  # a second, spurious rebuild would start within MkDocs' debounce
        assert server.count("Building documentation") == builds + 2, server.log
        assert "Traceback" not in server.log
    finally:
        page.close()
        deep.close()


def test_preview_logs_stay_quiet(server):
    log = server.log
    assert "not included in the \"nav\"" not in log
    assert "Warning from the Material for MkDocs team" not in log
    assert "6 avvisi nei dati (elenco con --verbose o con `make validate`)" in log
    assert "non indica il responsabile" not in log  # listed only with --verbose

"""Shared pytest fixtures.

Browser fixtures (this section): one real headless Chromium per test session
(Debian's package at /usr/bin/chromium, never a downloaded browser) and a tiny
static HTTP server, so that any test can look at a built site the way a
visitor's browser does. They are session-scoped because starting Chromium is
the slowest step of the browser tests and the CI machine has only 2 cores.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import hypothesis_profiles  # noqa: F401  registers "suite" and "check"
import pytest
from hypothesis import settings

# Bytecode caches are written (into the ignored __pycache__ folders) even
# where the environment says PYTHONDONTWRITEBYTECODE, as this machine's does:
# without them every `python -m generator` a test starts compiled the whole
# generator again, and pytest re-rewrote every test module at each run
# (~7 s of CPU in `make check`, a tenth of it). The hostile cases set the
# variable again for the commands they watch, which only read these caches.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# The whole suite's profile unless `--hypothesis-profile=check` (make check)
# asks for the edit loop's; see tests/hypothesis_profiles.py.
settings.load_profile("suite")

# --------------------------------------------------------------------------
# Browser fixtures
# --------------------------------------------------------------------------

CHROMIUM_PATH = Path("/usr/bin/chromium")

# Flags keep the browser from phoning home (updates, sync, safe-browsing
# lists): the tests must see only the requests the site itself makes.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that does not flood the test output with access logs."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def serve_directory() -> Iterator[Callable[[Path], str]]:
    """Factory: serve a directory over HTTP on 127.0.0.1 and return its base URL.

    A real HTTP server (not file://) because the site's JavaScript (search
    worker, fetches) and directory URLs only behave as published over HTTP.
    Each call starts its own server on a free port; all stop at session end.
    """
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(directory: Path) -> str:
        directory = Path(directory)
        if not directory.is_dir():
            raise FileNotFoundError(f"nothing to serve: {directory} is not a directory")
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, name=f"http {directory}", daemon=True).start()
        servers.append(server)
        host, port = server.server_address[:2]
        return f"http://{host}:{port}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright, one instance per test session.

    Fails (does not skip) when the browser is missing: a skipped browser test
    would let an inaccessible or broken site pass CI unnoticed.
    """
    if not CHROMIUM_PATH.exists():
        pytest.fail(
            f"{CHROMIUM_PATH} not found: install Debian's browser with "
            "`apt-get install chromium` (the tests never download a browser)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def browser_context(chromium_browser):
    """One Italian-locale browser context shared by the whole session.

    Reused rather than recreated per test to keep the run fast; tests open
    and close their own pages in it.
    """
    context = chromium_browser.new_context(
        locale="it-IT",
        viewport={"width": 1280, "height": 900},
        service_workers="block",
    )
    try:
        yield context
    finally:
        context.close()


# --------------------------------------------------------------------------
# Validator golden files
# --------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/corpus/*/expected.txt from the validator's current output",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run should rewrite golden files instead of comparing."""
    return bool(request.config.getoption("--update-golden"))


# --------------------------------------------------------------------------
# PDF cache shared by the session's builds
# --------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _cache_pdf_condivisa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every build in the session shares one content-addressed PDF cache.

    Many tests build the same data in fresh folders; laying out the same
    PDF again in each would add minutes and test nothing new (the key is
    the document's whole content, so a shared hit is the same bytes).
    tests/test_pdf.py builds without it, to lay the PDFs out for real.
    """
    from generator.build import CACHE_PDF_ENV

    mp = pytest.MonkeyPatch()
    mp.setenv(CACHE_PDF_ENV, str(tmp_path_factory.mktemp("cache-pdf")))
    yield
    mp.undo()


# --------------------------------------------------------------------------
# Commands run in this process
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CommandRun:
    """What a command left: exit code and the text of its two streams."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CommandRun]:
    """``python -m generator ARGS`` through the command's own ``main``, in this process.

    Same parser, handlers, messages and exit codes as the console command
    (argparse's own exit, code 2, included), without a new interpreter per
    call (~0.5 s of CPU each: most of ``make check`` when every test paid
    it). Tests about what only a separate process shows (the entry point,
    the hash seed, byte-identical output from two processes, signals) keep
    running the real command with ``subprocess``.
    """
    from generator.cli import main

    def run(*args: str, cwd: Path | None = None) -> CommandRun:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()  # what the test printed before is not the command's
        try:
            code = main(list(args))
        except SystemExit as uscita:  # argparse refusing the arguments
            code = uscita.code if isinstance(uscita.code, int) else 1
        out, err = capsys.readouterr()
        return CommandRun(code, out, err)

    return run

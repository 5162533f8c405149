"""MkDocs hook: plain ``mkdocs build`` / ``mkdocs serve`` regenerate the data pages.

``mkdocs.yml`` lists ``hooks: [hooks.py]``, a one-line file at the project
root that re-exports this module. On every (re)build MkDocs calls
:func:`on_config`, which runs steps 1–4 of :mod:`generator.build`
(validate, score, render, stage into ``build/docs``) and points the config
at the staged docs with the data's navigation — so staff previewing with
``mkdocs serve`` see their YAML edits (``watch: [plan, measurements]``)
within a second, and a validation error shows as the same Italian report
the command line prints.

When ``python -m generator build`` drives MkDocs it has already done that
work and marks the config (``extra.performance_preparato``): the hook then
does nothing.

Under ``mkdocs serve`` (the staff preview):

- one rebuild per edit: MkDocs watches ``docs_dir``, which the hook points
  at the staging folder the build itself writes — so every rebuild used to
  trigger a second one. :func:`on_serve` stops watching the staging folder
  (the data, the hand-written pages and ``premi/`` are watched instead);
- a data error does not stop the server (which would leave the browser
  waiting until the file is fixed): the build produces a one-page site with
  the Italian report (:mod:`generator.anteprima`), served for every URL,
  and the next good build brings the real site back;
- quiet logs: the data's warnings are counted in one line (listed with
  ``mkdocs serve --verbose``).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer

from . import build as B
from .anteprima import pagina_errore
from .diagnostics import ValidationFailed, print_report
from .render import charts
from .render.charts import Workers

__all__ = ["on_config", "on_post_build", "on_serve", "on_startup"]

log = logging.getLogger("mkdocs.hooks.performance")

class _Serve:
    """Under `mkdocs serve` (one process rebuilding again and again): where its
    charts are drawn. Rebuilds redraw a few charts: matplotlib loads once, in
    the background while MkDocs builds, and draws them in this process instead
    of fresh worker processes on every edit. None for one-shot builds."""

    workers: Workers | None = None


#: extra key holding the error page when the data has errors (serve only)
ERRORE = "performance_errore"


def on_startup(command: str, dirty: bool) -> None:
    _Serve.workers = charts.in_process(prewarm=True) if command == "serve" else None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if config["extra"].get(B.PREPARED_KEY):
        return config
    root = Path(config.config_file_path).resolve().parent
    if not any((root / "plan").glob("*.y*ml")):
        # A frame without data (the theme's own tests, a new body's empty
        # repository): nothing to generate, build the hand-written pages.
        log.info("nessun piano in %s: il sito contiene solo le pagine di docs/", root / "plan")
        return config
    try:
        prep = B.prepare(
            root,
            use_directory_urls=bool(config["use_directory_urls"]),
            repo_url=B.repo_url_of(config),
            chart_workers=_Serve.workers,
        )
    except ValidationFailed as e:
        # Errors only: the warnings (counted in one line) would bury them.
        errori = [d for d in e.diagnostics if d.is_error]
        buf = io.StringIO()
        print_report(errori, root, "text", buf)
        n_avvisi = len(e.diagnostics) - len(errori)
        coda = f"(e {n_avvisi} avvisi: elenco con `make validate`)\n" if n_avvisi else ""
        return _errore(config, root, "i dati non sono validi:\n" + buf.getvalue() + coda)
    except B.BuildError as e:
        return _errore(config, root, str(e))
    if prep.avvisi:
        n = len(prep.avvisi)
        log.info("%s nei dati (elenco con --verbose o con `make validate`)", "1 avviso" if n == 1 else f"{n} avvisi")
        if log.isEnabledFor(logging.DEBUG):
            buf = io.StringIO()
            print_report(prep.avvisi, root, "text", buf)
            log.debug("avvisi nei dati:\n%s", buf.getvalue())
    hand_docs = str(Path(config["docs_dir"]).resolve())
    B.configure_mkdocs(config, prep)
    # Reproducible plain `mkdocs build` too: the sitemap's date is the data's.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(B.data_epoch(prep.aggiornato)))
    # MkDocs watches docs_dir, now the staging folder (on_serve stops that):
    # watch the hand-written pages, the bonus data and the Relazione's
    # texts (relazione/), so edits there regenerate too.
    _watch_extra(config, root, hand_docs)
    return config


def _watch_extra(config: MkDocsConfig, root: Path, hand_docs: str) -> None:
    for extra in (hand_docs, str(root / "premi"), str(root / "relazione")):
        if Path(extra).is_dir() and extra not in config["watch"]:
            config["watch"].append(extra)


def _errore(config: MkDocsConfig, root: Path, report: str) -> MkDocsConfig:
    """A data error: stop a plain build; under serve, build the error page instead."""
    if _Serve.workers is None:  # not under `mkdocs serve`
        raise PluginError(report) from None
    # Not through MkDocs' logger: in strict mode an error logged there aborts
    # the very build that is to show the error page.
    sys.stderr.write(report if report.endswith("\n") else report + "\n")
    sys.stderr.write("l'anteprima mostra gli errori: correggi il file e salva, il sito si aggiorna da solo\n")
    hand_docs = str(Path(config["docs_dir"]).resolve())
    # A docs folder of one page, outside everything watched; the page itself
    # is replaced by the report after MkDocs has built the theme's assets.
    docs = root / "build" / "anteprima-errore"
    docs.mkdir(parents=True, exist_ok=True)
    index = docs / "index.md"
    if not index.exists():
        index.write_text("# Anteprima non aggiornata\n", encoding="utf-8")
    config["docs_dir"] = str(docs)
    config["nav"] = None
    config["extra"][ERRORE] = pagina_errore(report)
    _watch_extra(config, root, hand_docs)
    return config


def on_post_build(config: MkDocsConfig) -> None:
    """Under serve with a data error: every URL shows the report (index and 404)."""
    page = config["extra"].get(ERRORE)
    if not page:
        return
    site = Path(config["site_dir"])
    for name in ("index.html", "404.html"):
        (site / name).write_text(page, encoding="utf-8")


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., object]) -> LiveReloadServer:
    """Stop watching the staging folder: the build writes it, so watching it rebuilt every edit twice."""
    root = Path(config.config_file_path).resolve().parent
    for own in (root / B.STAGING, root / "build" / "anteprima-errore"):
        if str(own) == str(Path(config["docs_dir"]).resolve()) or own.is_dir():
            with contextlib.suppress(KeyError):  # not watched
                server.unwatch(str(own))
    return server

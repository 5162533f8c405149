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
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from . import build as B
from .diagnostics import ValidationFailed
from .render import charts
from .render.charts import Workers

__all__ = ["on_config", "on_startup"]

log = logging.getLogger("mkdocs.hooks.performance")

class _Serve:
    """Under `mkdocs serve` (one process rebuilding again and again): where its
    charts are drawn. Rebuilds redraw a few charts: matplotlib loads once, in
    the background while MkDocs builds, and draws them in this process instead
    of fresh worker processes on every edit. None for one-shot builds."""

    workers: Workers | None = None


def on_startup(command: str, dirty: bool) -> None:
    _Serve.workers = charts.in_process(prewarm=True) if command == "serve" else None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if config["extra"].get(B.PREPARATO):
        return config
    root = Path(config.config_file_path).resolve().parent
    if not any((root / "plan").glob("*.y*ml")):
        # A frame without data (the theme's own tests, a new body's empty
        # repository): nothing to generate, build the hand-written pages.
        log.info("nessun piano in %s: il sito contiene solo le pagine di docs/", root / "plan")
        return config
    try:
        prep = B.prepara(
            root,
            use_directory_urls=bool(config["use_directory_urls"]),
            repo_url=B.repo_url_di(config),
            chart_workers=_Serve.workers,
        )
    except ValidationFailed as e:
        from .validate import print_report

        buf = io.StringIO()
        print_report(e.diagnostics, root, "text", buf)
        raise PluginError("i dati non sono validi:\n" + buf.getvalue()) from None
    except B.BuildError as e:
        raise PluginError(str(e)) from None
    hand_docs = str(Path(config["docs_dir"]).resolve())
    B.configura(config, prep)
    # Reproducible plain `mkdocs build` too: the sitemap's date is the data's.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(B.epoch_dati(prep.aggiornato)))
    # MkDocs watches docs_dir, now the staging folder: also watch the
    # hand-written pages and the bonus data, so edits there regenerate too.
    for extra in (hand_docs, str(root / "premi")):
        if Path(extra).is_dir() and extra not in config["watch"]:
            config["watch"].append(extra)
    return config

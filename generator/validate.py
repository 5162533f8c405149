"""Validation: files -> :class:`~generator.model.Progetto`, or every problem at once.

The one gate every command passes through. Layers, each collecting
diagnostics (:class:`~generator.diagnostics.Collector`) instead of stopping
at the first:

1. :mod:`generator.source` reads the YAML (syntax, encoding, duplicate keys);
2. the pydantic models of :mod:`generator.schema` check the shape (unknown or
   missing keys, types, enums); :mod:`generator.shapes` maps their errors
   back to the user's line and column, in Italian;
3. the rules between values, one module per input folder:
   :mod:`generator.check_plan`, :mod:`generator.check_measurements`,
   :mod:`generator.check_premi`, :mod:`generator.relazione`; then the plan
   changes in git history (:mod:`generator.variazioni`); together they
   build the frozen model.

This module is the pipeline and its public face (:func:`check_project`,
:func:`load_project`, :func:`report_project`); the checkers sit below it and
never import it. Like MkDocs' config validation, nothing is returned until
everything has been checked; the caller then decides (errors abort,
warnings only with ``--strict``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

from pydantic import BaseModel, ValidationError

from . import attestazione, schema as S, variazioni
from .check_measurements import MeasurementChecker
from .check_plan import check_piano
from .check_premi import check_premi
from .diagnostics import Collector, Diagnostic, Pos, ValidationFailed, print_report
from .model import CambioPiano, Piano, Progetto, Rilevazione
from .premi import CARTELLA as CARTELLA_PREMI, Premi
from .relazione import carica_relazioni
from .shapes import shape_diagnostics
from .source import Document, SourceError, data_files, load, symlinks_under

#: Folders whose files are published (copied, or rendered as narrative text): no link in them.
CARTELLE_PUBBLICATE = ("docs", "overrides", "relazione")

M = TypeVar("M", bound=BaseModel)


@dataclass
class CheckResult:
    """Result of checking a project: the model (if no errors) and all diagnostics."""

    progetto: Progetto | None
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


def check_project(root: Path) -> CheckResult:
    """Check every input file under ``root``: plans, measurements, premi, the Relazione's folders."""
    out = Collector()
    progetto = _progetto(root, out)
    return CheckResult(progetto if not out.n_errors else None, out.diags)


def load_project(root: Path, strict: bool = False) -> Progetto:
    """The validated project; raises :class:`ValidationFailed` with every diagnostic."""
    checked = check_project(root)
    if checked.progetto is None or (strict and checked.diagnostics):
        raise ValidationFailed(checked.diagnostics)
    return checked.progetto


def report_project(root: Path, strict: bool, fmt: str, out: IO[str]) -> int:
    """``validate`` command: print the report, return the exit code."""
    checked = check_project(root)
    diags = checked.diagnostics
    if strict:
        diags = [Diagnostic(d.pos, d.message, d.hint, "errore") for d in diags]
        if checked.progetto is not None:
            # The OIV's grid, scored before the OIV does: its notes stay
            # warnings (a Relazione awaiting validation is not a broken file).
            diags = diags + attestazione.avvisi(attestazione.calcola(root, checked.progetto)[0])
    print_report(diags, root, fmt, out)
    return 1 if any(d.is_error for d in diags) else 0


# --------------------------------------------------------------------------
# the pipeline


def _progetto(root: Path, out: Collector) -> Progetto:
    """Every input, in a fixed order (the order of the diagnostics), into one model."""
    for folder in CARTELLE_PUBBLICATE:
        # copied into the site (hand-written pages, theme overrides): no symbolic link
        for d in symlinks_under(root, folder):
            out.add(d)
    piani: dict[int, Piano] = {}
    plan_files = _files(root, "plan", out)
    if not plan_files:
        out.error(Pos("plan", 1, 1), "nessun piano trovato nella cartella plan/", "aggiungi il file `plan/<anno>.yml`")
    for path in plan_files:
        got = _parse(root, path, S.PianoYaml, out)
        if got is None:
            continue
        piano = check_piano(out, *got)
        if piano.anno in piani:
            out.error(piano.pos["anno"], f"esiste già un piano per l'anno {piano.anno} ({piani[piano.anno].file})", "ogni anno ha un solo file di piano")
            continue
        piani[piano.anno] = piano
    rilevazioni: dict[dt.date, Rilevazione] = {}
    misure = MeasurementChecker(out)
    for path in _files(root, "measurements", out):
        ril_got = _parse(root, path, S.RilevazioneYaml, out)
        if ril_got is None:
            continue
        ril = misure.check_rilevazione(*ril_got, piani, plan_known=bool(plan_files))
        if ril is None:
            continue
        if ril.data in rilevazioni:
            out.error(
                ril.pos["data"],
                f"esiste già una rilevazione con data {ril.data.isoformat()} ({rilevazioni[ril.data].file})",
                "ogni data di rilevazione ha un solo file: unisci i valori nello stesso file",
            )
            continue
        rilevazioni[ril.data] = ril
    premi: dict[int, Premi] = {}
    for path in _files(root, CARTELLA_PREMI, out):
        premi_got = _parse(root, path, S.PremiYaml, out)
        if premi_got is None:
            continue
        p = check_premi(out, *premi_got)
        if p is None:
            continue
        if p.anno in premi:
            out.error(p.pos["anno"], f"esistono già i premi dell'anno {p.anno} ({premi[p.anno].file})", "un solo file per anno")
            continue
        premi[p.anno] = p
    relazioni = carica_relazioni(root, piani, out.add)  # the Relazione's extras: relazione/<anno>/
    return Progetto(
        piani=dict(sorted(piani.items())),
        rilevazioni=tuple(r for _, r in sorted(rilevazioni.items())),
        relazioni=relazioni,
        premi=dict(sorted(premi.items())),
        cambi=_cambi(root, piani, out) if not out.n_errors else {},
    )


def _files(root: Path, folder: str, out: Collector) -> list[Path]:
    files, diags = data_files(root, folder)
    for d in diags:
        out.add(d)
    return files


def _parse(root: Path, path: Path, model: type[M], out: Collector) -> tuple[Document, M] | None:
    """The file at ``path`` read and checked against its shape ``model``; None if it has errors."""
    display = path.relative_to(root).as_posix()
    try:
        doc = load(path, display)
    except SourceError as err:
        for d in err.diagnostics:
            out.add(d)
        return None
    for d in doc.avvisi:
        out.add(d)
    if not isinstance(doc.data, dict):
        first = {
            S.PianoYaml: "`ente:`, `titolo:`, `anno:`",
            S.PremiYaml: "`anno:`, `stanziato:`, `categorie:`",
        }.get(model, "`piano:`, `data:`, `tipo:`, `valori:`")
        out.error(
            doc.pos(()),
            f"il file deve contenere un gruppo di campi «nome: valore», trovato {S.describe(doc.data)}",
            f"il file è fatto di righe `nome: valore` come {first}: vedi la guida",
        )
        return None
    try:
        parsed = model.model_validate(doc.data)
    except ValidationError as err:
        for d in shape_diagnostics(err, doc, model):
            out.add(d)
        return None
    return doc, parsed


def _cambi(root: Path, piani: dict[int, Piano], out: Collector) -> dict[int, tuple[CambioPiano, ...]]:
    """Changes to adopted plans in git history; unrecorded ones are warnings."""
    found = {}
    for anno, piano in sorted(piani.items()):
        trovati = variazioni.cambi(root, piano)
        if trovati:
            found[anno] = trovati
            for d in variazioni.avvisi(piano, trovati):
                out.add(d)
    return found

"""Changes to an adopted plan, read from git history (D.Lgs. 150/2009, art. 6).

Once the plan is adopted (``adozione: {data, atto}``) its targets, weights
and thresholds may only change through an approved *variazione*
(``variazioni: [{data, atto, descrizione}]``). The repository's history
shows every change anyway, so the Relazione can list them and the validator
can point at one nobody recorded.

How: one ``git log`` of the plan file (commits, committer dates), then the
file's text at each commit (``git show <sha>:./plan/<anno>.yml``, read-only,
no locks), parsed by the same safe YAML reader and shape models as the
working copy. Consecutive readable versions are compared field by field on
*interpreted* values (so ``"50%"`` → ``50`` is no change), for every
objective and action present in both. A change in a commit dated after the
adoption date is matched to the latest variazione dated on or before the
commit date (the act comes first, the edit follows); none means unrecorded.

Limits, on purpose: only committed history counts (an uncommitted edit has
no date yet); a version that does not parse is skipped (the next readable
one is compared with the last readable one); history is read only when the
project folder is the root of its git repository, so a project kept inside
another repository (the test fixtures) never picks up someone else's
history; a shallow clone compares only the commits it has. Outside git,
nothing: the section then lists only the recorded variazioni.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from . import presentation as fmt, schema as S
from .diagnostics import Diagnostic, Pos
from .model import CambioPiano, Piano, Valore, Variazione
from .source import SourceError, parse
from .values import Problema, interpret

#: A plan's comparable fields: (code, field) -> (value, tipo, unita).
Campi = dict[tuple[str, str], tuple[Valore | None, str, str | None]]


def _git(root: Path, *args: str) -> bytes | None:
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=root,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _radice_git(root: Path) -> bool:
    """Is ``root`` the top folder of a git work tree?"""
    out = _git(root, "rev-parse", "--show-toplevel")
    if out is None:
        return False
    try:
        return Path(out.decode("utf-8", "replace").strip()).resolve() == root.resolve()
    except OSError:
        return False


def _versioni(root: Path, rel: str) -> Iterator[tuple[str, dt.date, str]]:
    """(sha, committer date UTC, text) of every committed version of ``rel``, oldest first."""
    log = _git(root, "log", "--format=%H %ct", "--reverse", "--no-renames", "--", rel)
    if log is None:
        return
    for riga in log.decode("ascii", "replace").splitlines():
        sha, _, quando = riga.partition(" ")
        try:
            data = dt.datetime.fromtimestamp(int(quando), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            continue
        blob = _git(root, "show", f"{sha}:./{rel}")
        if blob is None:  # deleted in this commit
            continue
        yield sha, data, blob.decode("utf-8-sig", "replace")


def campi(y: S.PianoYaml) -> Campi:
    """The fields a variazione is about, interpreted like the validator does."""
    out: Campi = {}
    for p in y.prospettive:
        for s in p.obiettivi_strategici:
            for anno, t in s.target.items():
                out[(s.codice, f"target {anno}")] = (t, "percentuale", None)
            for o in s.obiettivi_operativi:
                out[(o.codice, "peso")] = (o.peso, "percentuale", None)
                for a in o.azioni:
                    out[(a.codice, "peso")] = (a.peso, "percentuale", None)
                    for nome in ("target", "soglia_80", "soglia_60"):
                        raw = getattr(a, nome)
                        v: Valore | None = None
                        if raw is not None and a.tipo != "qualitativo":
                            got = interpret(a.tipo, raw, y.anno, nome)
                            v = None if isinstance(got, Problema) else got
                        out[(a.codice, nome)] = (v, a.tipo, a.unita)
    return out


def _leggi(text: str, rel: str) -> Campi | None:
    try:
        doc = parse(text, rel)
        return campi(S.PianoYaml.model_validate(doc.data))
    except (SourceError, ValidationError, ValueError, TypeError):
        return None


def _uguali(a: object, b: object) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return type(a) is type(b) and a == b


def variazione_per(piano: Piano, data: dt.date) -> Variazione | None:
    """The recorded variazione covering a change made on ``data``: the latest on or before it."""
    prima = [v for v in piano.variazioni if v.data <= data]
    return prima[-1] if prima else None


def _posizione(piano: Piano, codice: str, campo: str) -> Pos | None:
    for s in piano.obiettivi_strategici():
        if s.codice == codice:
            return s.pos.get("target") or s.pos.get("")
        for o in s.obiettivi_operativi:
            if o.codice == codice:
                return o.pos.get(campo) or o.pos.get("")
            for a in o.azioni:
                if a.codice == codice:
                    return a.pos.get(campo) or a.pos.get("")
    return piano.pos.get("")


def cambi(root: Path, piano: Piano) -> tuple[CambioPiano, ...]:
    """Every target, weight or threshold changed in git after ``piano``'s adoption."""
    if piano.adozione is None or not piano.file or not _radice_git(root):
        return ()
    adottato = piano.adozione.data
    out: list[CambioPiano] = []
    precedente: Campi | None = None
    for sha, data, text in _versioni(root, piano.file):
        attuale = _leggi(text, piano.file)
        if attuale is None:
            continue
        if precedente is not None and data > adottato:
            for chiave in sorted(attuale.keys() & precedente.keys(), key=lambda k: (tuple(int(x) for x in k[0].split(".")), k[1])):
                prima, _, _ = precedente[chiave]
                dopo, tipo, unita = attuale[chiave]
                if not _uguali(prima, dopo):
                    codice, campo = chiave
                    out.append(
                        CambioPiano(
                            codice=codice, campo=campo, prima=prima, dopo=dopo, data=data, commit=sha,
                            variazione=variazione_per(piano, data), pos=_posizione(piano, codice, campo),
                            tipo=tipo, unita=unita,  # type: ignore[arg-type]
                        )
                    )
        precedente = attuale
    return tuple(out)


def nome_campo(c: CambioPiano) -> str:
    """"il target", "la soglia 80%", "il target 2022" — what changed, in words."""
    return fmt.nome_campo(c.campo, articolo=True)


def avvisi(piano: Piano, trovati: tuple[CambioPiano, ...]) -> list[Diagnostic]:
    """A warning for each change no recorded variazione covers, at the field's line."""
    out = []
    assert piano.adozione is not None or not trovati
    for c in trovati:
        if c.variazione is not None:
            continue
        prima = fmt.valore(c.prima, c.tipo, c.unita)
        dopo = fmt.valore(c.dopo, c.tipo, c.unita)
        out.append(
            Diagnostic(
                c.pos or Pos(piano.file, 1, 1),
                f"{nome_campo(c)} di «{c.codice}» è passato da {prima} a {dopo} il {fmt.data(c.data)} (commit {c.commit[:7]}), "
                f"dopo l'adozione del piano ({fmt.data(piano.adozione.data)}), senza una variazione registrata",  # type: ignore[union-attr]
                "registra l'atto che approva la modifica sotto `variazioni:` del piano, con una data uguale o precedente a quella della modifica: "
                f'`- {{data: {c.data.isoformat()}, atto: "Delibera di Giunta n. …", descrizione: "…"}}`',
                "avviso",
            )
        )
    return out


__all__ = ["avvisi", "cambi", "campi", "nome_campo", "variazione_per"]

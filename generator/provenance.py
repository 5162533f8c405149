"""Provenance: when did a value last change, and in which commit.

The site shows, next to each target and measured value, the date of the
commit that last touched it, linked to that commit: readers (and the OIV)
can see that a number was not quietly edited after the fact, and where.

How: ``git blame --porcelain`` once per YAML file under plan/ and
measurements/ (never per value), mapping each line to its commit; every
model object knows the line of each field (``pos``), so :meth:`Provenienza.get`
is a dictionary lookup. Semantics and limits, documented for the site:

- it is the last commit that touched the *line* (whitespace-only changes
  ignored, ``-w``): rewriting a value in another form (``"50%"`` -> ``50``)
  counts as a change;
- the working tree is blamed, so line numbers match what the validator read;
  lines not committed yet have no provenance (``get`` returns None: the site
  simply shows no date until the change is committed);
- in a shallow clone the oldest commit available stands for all the history
  before it, so its lines get no provenance rather than a wrong date (the
  Pages workflow checks out the full history);
- outside a git checkout, with git missing, or for an untracked file, every
  lookup returns None, silently: provenance is an extra, never a build error.

Dates are the committer date (when the change landed), as a UTC date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import cache
from .diagnostics import Pos
from .runtime import read_regular_file

#: Folders whose YAML files are blamed (see the data contract).
CARTELLE = ("plan", "measurements")
_SHA = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")  # SHA-1 or SHA-256


@dataclass(frozen=True, slots=True)
class Modifica:
    """The commit that last changed a line."""

    sha: str
    short: str
    data: dt.date  # committer date, UTC
    autore: str
    messaggio: str  # the commit's first line
    url: str | None  # link to the commit page, when the repository URL is known


@dataclass(frozen=True)
class Provenienza:
    """Line -> commit for every YAML file of a project; empty outside git."""

    righe: Mapping[str, Mapping[int, Modifica]] = field(default_factory=dict)
    #: File -> digest of its blame (what the incremental build compares).
    firme: Mapping[str, str] = field(default_factory=dict)

    def get(self, pos: Pos | None) -> Modifica | None:
        """The commit that last changed the line at ``pos``; None if unknown or uncommitted."""
        if pos is None:
            return None
        return self.righe.get(pos.file, {}).get(pos.line)

    def di(self, oggetto: object, campo: str = "") -> Modifica | None:
        """Shortcut for a model object's field: ``prov.di(azione, "target")``."""
        posizioni: Mapping[str, Pos] = getattr(oggetto, "pos", {}) or {}
        return self.get(posizioni.get(campo))

    def recente(self, posizioni: Iterable[Pos | None]) -> Modifica | None:
        """The latest commit among several lines (a value written over several
        lines, e.g. ``numeratore`` and ``denominatore``): pass ``misura.pos.values()``."""
        trovate = [m for m in (self.get(p) for p in posizioni) if m is not None]
        return max(trovate, key=lambda m: (m.data, m.sha), default=None)


def commit_url(repo_url: str | None, sha: str) -> str | None:
    """``{repo_url}/commit/{sha}`` for a GitHub/GitLab-like https URL, else None."""
    if not repo_url:
        return None
    try:
        parts = urlsplit(repo_url.strip())
    except ValueError:
        return None
    path = parts.path.rstrip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    if parts.scheme != "https" or not parts.hostname or path.count("/") < 2 or parts.query or parts.fragment:
        return None
    if parts.username or parts.password:  # never publish credentials in links
        return None
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    return f"https://{netloc}{path}/commit/{sha}"


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    """Run a read-only git command in ``root``; None if git cannot even start."""
    try:
        return subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=root,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            capture_output=True,
            check=False,
        )
    except OSError:
        return None


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def parse_porcelain(output: bytes) -> tuple[dict[int, str], dict[str, dict[str, str]]]:
    """``git blame --porcelain`` -> (final line -> sha, sha -> commit headers).

    Porcelain prints a commit's headers (author, committer-time, summary,
    boundary…) only the first time the commit appears; every line group
    starts with ``<sha> <orig-line> <final-line> [<count>]`` and each line's
    content follows a TAB.
    """
    linee: dict[int, str] = {}
    commit: dict[str, dict[str, str]] = {}
    attuale: str | None = None
    for riga in output.split(b"\n"):
        if riga.startswith(b"\t"):
            attuale = None  # the content line closes this entry
            continue
        if not riga:
            continue
        if attuale is None:
            parti = _text(riga).split(" ")
            if len(parti) >= 3 and _SHA.match(parti[0]) and parti[2].isdigit():
                attuale = parti[0]
                linee[int(parti[2])] = attuale
                commit.setdefault(attuale, {})
            continue
        chiave, _, valore = _text(riga).partition(" ")
        commit[attuale][chiave] = valore
    return linee, commit


def _modifica(sha: str, headers: Mapping[str, str], repo_url: str | None) -> Modifica | None:
    try:
        quando = dt.datetime.fromtimestamp(int(headers["committer-time"]), tz=dt.UTC).date()
    except (KeyError, ValueError, OverflowError, OSError):
        return None
    return Modifica(
        sha=sha,
        short=sha[:7],
        data=quando,
        autore=headers.get("author", ""),
        messaggio=headers.get("summary", ""),
        url=commit_url(repo_url, sha),
    )


def _yaml_files(root: Path) -> list[str]:
    out = []
    for cartella in CARTELLE:
        base = root / cartella
        if base.is_dir():
            out += sorted(
                f"{cartella}/{p.name}" for p in base.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file()
            )
    return out


def _storie(root: Path) -> dict[str, str] | None:
    """File -> digest of the list of commits that touched it (one ``git log``).

    A file's blame is a function of its content and of the commits that
    touched it, so this (with the content) keys the blame cache: a commit
    that changes one measurement file leaves every other file's key alone.
    A deeper fetch of a shallow clone lists more commits: new keys.
    """
    proc = _git(root, "log", "--format=%x00%H", "--name-only", "--no-renames", "--", *CARTELLE)
    if proc is None or proc.returncode != 0:
        return None
    commit: dict[str, list[str]] = {}
    sha = ""
    for line in _text(proc.stdout).splitlines():
        if line.startswith("\0"):
            sha = line[1:]
        elif line:
            commit.setdefault(line, []).append(sha)
    return {rel: hashlib.sha256("\n".join(shas).encode()).hexdigest() for rel, shas in commit.items()}


def _blame(root: Path, rel: str, storie: Mapping[str, str] | None, cache_dir: Path | None) -> subprocess.CompletedProcess[bytes] | None:
    """``git blame --porcelain`` of one file, from the cache when its key matches."""
    cached = None
    if cache_dir is not None and storie is not None and rel in storie:
        try:
            contenuto = read_regular_file(root / rel)  # never through a link (validation refuses those)
        except OSError:
            return None
        chiave = hashlib.sha256(f"{rel}\0{storie[rel]}\0".encode() + contenuto).hexdigest()
        cached = Path(cache_dir) / f"{chiave}.blame"
        # verified by digest: a damaged entry is a miss, never lost provenance lines
        payload = cache.read_entry(cached)
        if payload is not None:
            return subprocess.CompletedProcess([], 0, payload, b"")
    proc = _git(root, "blame", "--porcelain", "-w", "--", rel)
    if cached is not None and proc is not None and proc.returncode == 0:
        cache.write_entry(cached, proc.stdout)
    return proc


def collect(root: Path, repo_url: str | None = None, cache_dir: Path | None = None) -> Provenienza:
    """Blame every YAML file under ``root``'s plan/ and measurements/.

    One ``git blame`` process per file, plus at most one
    ``git rev-parse --is-shallow-repository`` when a boundary commit shows up
    (a root commit, or the cut of a shallow clone: only the latter is unknown
    history). With ``cache_dir``, one ``git log`` first, and files whose
    content and commits are unchanged are not blamed again. Never raises for
    git problems: see the module docstring.
    """
    root = Path(root)
    righe: dict[str, dict[int, Modifica]] = {}
    firme: dict[str, str] = {}
    confini: dict[str, set[int]] = {}  # file -> lines attributed to a boundary commit
    files = _yaml_files(root)
    storie = _storie(root) if cache_dir is not None and files else None
    for rel in files:
        proc = _blame(root, rel, storie, cache_dir)
        if proc is None:
            return Provenienza()  # git missing: no provenance at all
        if proc.returncode != 0:
            continue  # not a checkout, or the file is untracked
        linee, commit = parse_porcelain(proc.stdout)
        modifiche = {sha: _modifica(sha, h, repo_url) for sha, h in commit.items() if set(sha) != {"0"}}
        mappa = {n: m for n, sha in linee.items() if (m := modifiche.get(sha)) is not None}
        righe[rel] = mappa
        firme[rel] = hashlib.sha256(proc.stdout).hexdigest()
        confini[rel] = {n for n, sha in linee.items() if "boundary" in commit.get(sha, {})}
    if any(confini.values()):
        proc = _git(root, "rev-parse", "--is-shallow-repository")
        shallow = proc is None or proc.returncode != 0 or _text(proc.stdout).strip() != "false"
        if shallow:
            for rel, numeri in confini.items():
                for n in numeri:
                    righe[rel].pop(n, None)
    return Provenienza(righe, firme)


# --------------------------------------------------------------------------
# Whole-file history: publication dates (see generator.pubblicazione)
# --------------------------------------------------------------------------

#: Input folders whose files' first and latest commits date the pages.
CARTELLE_STORIA = ("plan", "measurements", "premi", "relazione")


@dataclass(frozen=True)
class Storia:
    """File -> date of the first and of the latest commit that changed it (UTC).

    A file whose oldest known commit is the cut of a shallow clone has no
    first date (its real publication is older than the history at hand).
    """

    primo: Mapping[str, dt.date] = field(default_factory=dict)
    ultimo: Mapping[str, dt.date] = field(default_factory=dict)


def parse_storia(output: str, tagli: frozenset[str] = frozenset()) -> Storia:
    """``git log --format=%x00%H %ct --name-only`` -> :class:`Storia` (newest commit first)."""
    primo: dict[str, dt.date] = {}
    ultimo: dict[str, dt.date] = {}
    oldest: dict[str, str] = {}
    sha, quando = "", None
    for line in output.splitlines():
        if line.startswith("\0"):
            parti = line[1:].split(" ")
            try:
                sha, quando = parti[0], dt.datetime.fromtimestamp(int(parti[1]), tz=dt.UTC).date()
            except (IndexError, ValueError, OverflowError, OSError):
                sha, quando = "", None
        elif line and quando is not None:
            ultimo.setdefault(line, quando)  # the log lists the newest commit first
            primo[line] = quando
            oldest[line] = sha
    for f, s in oldest.items():
        if s in tagli:
            primo.pop(f, None)
    return Storia(primo, ultimo)


def storia(root: Path, cartelle: Iterable[str] = CARTELLE_STORIA, rev: str | None = None) -> Storia:
    """First and latest commit date of every input file: one ``git log`` (of ``rev``, default HEAD).

    Like :func:`collect`, never raises for git problems: outside a checkout
    or without git the history is empty and pages simply show no dates.
    """
    root = Path(root)
    if rev is not None and (rev.startswith("-") or not rev.strip()):
        return Storia()  # never an option to git
    proc = _git(root, "log", *([rev] if rev else []), "--format=%x00%H %ct", "--name-only", "--no-renames", "--", *cartelle)
    if proc is None or proc.returncode != 0:
        return Storia()
    tagli: frozenset[str] = frozenset()
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow is not None and _text(shallow.stdout).strip() == "true":
        path = _git(root, "rev-parse", "--git-path", "shallow")
        if path is not None and path.returncode == 0:
            with contextlib.suppress(OSError):
                tagli = frozenset((root / _text(path.stdout).strip()).read_text(encoding="ascii").split())
    return parse_storia(_text(proc.stdout), tagli)


__all__ = ["CARTELLE_STORIA", "Modifica", "Provenienza", "Storia", "collect", "commit_url", "parse_porcelain", "parse_storia", "storia"]

"""The staging folder (``build/docs``) and its manifest: write only what changed.

MkDocs builds the site from ``build/docs``. Rewriting a file whose bytes did
not change would make ``mkdocs serve`` and deploys see a change that is not
there, and re-reading every staged file to find out costs as much as
writing it (52,000 files at 300x the seed). So the build keeps a manifest,
``build/manifest.json``, of what it last staged:

- per file: size, modification time, inode, and what it holds (the sha256
  of its bytes, or ``grafico:<cache key>`` for a chart linked from the
  chart cache). A file whose ``stat`` still matches is known without being
  read; one that does not match (edited, deleted, or written by a build
  that crashed before saving the manifest) is simply written again;
- per page, the fingerprint of its page job and its charts
  (:class:`PageRecord`; :mod:`generator.incremental` computes and compares
  them), so unchanged pages are not rendered;
- per plan year, the fingerprint of what its open-data files are made from
  (so unchanged years' files are kept, not exported again).

The manifest is only ever an optimisation: a missing, corrupt or foreign
one means a full build, never a wrong one. Deleting ``build/`` forces that.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .runtime import write_atomic

#: Bump when the manifest's meaning changes: an older one is then ignored.
FORMAT = 2
CHART_PREFIX = "grafico:"


@dataclass(frozen=True, slots=True)
class Entry:
    """One staged file as the build last left it."""

    size: int
    mtime_ns: int
    ino: int
    content: str  # sha256 hex of the bytes, or CHART_PREFIX + chart cache key


@dataclass(frozen=True, slots=True)
class PageRecord:
    """A staged page as the build last left it: its job's fingerprint and its charts."""

    fingerprint: str
    charts: tuple[str, ...] = ()


@dataclass
class Manifest:
    file: dict[str, Entry] = field(default_factory=dict)
    #: page path -> its record
    pages: dict[str, PageRecord] = field(default_factory=dict)
    #: plan year -> fingerprint of what its open-data files are made from
    opendata: dict[int, str] = field(default_factory=dict)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_manifest(path: Path) -> Manifest:
    """The manifest at ``path``; an empty one if it is missing or unreadable."""
    try:
        raw = json.loads(Path(path).read_bytes())
        if raw.get("format") != FORMAT:
            return Manifest()
        return Manifest(
            file={rel: Entry(*v) for rel, v in raw["file"].items()},
            pages={p: PageRecord(str(v[0]), tuple(v[1])) for p, v in raw["pages"].items()},
            opendata={int(a): str(v) for a, v in raw["opendata"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest()


def save_manifest(path: Path, m: Manifest) -> None:
    """Write the manifest atomically (sorted keys: same state, same bytes)."""
    data = {
        "format": FORMAT,
        "file": {rel: [v.size, v.mtime_ns, v.ino, v.content] for rel, v in m.file.items()},
        "pages": {p: [r.fingerprint, list(r.charts)] for p, r in m.pages.items()},
        "opendata": {str(a): f for a, f in m.opendata.items()},
    }
    write_atomic(Path(path), json.dumps(data, sort_keys=True, separators=(",", ":")).encode())


def _entry(path: Path, content: str) -> Entry:
    st = os.stat(path)
    return Entry(st.st_size, st.st_mtime_ns, st.st_ino, content)


def _intact(path: Path | str, v: Entry) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns, st.st_ino) == (v.size, v.mtime_ns, v.ino)


def intact_files(staging: Path, m: Manifest) -> set[str]:
    """Staged files still exactly as the manifest says (one ``stat`` each)."""
    base = os.fspath(staging)
    return {rel for rel, v in m.file.items() if _intact(os.path.join(base, rel), v)}


def _link(src: Path, target: Path) -> None:
    """Put the cached chart at ``target``: a hard link (no bytes copied), else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".tmp-{os.getpid()}-{target.name}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _same_on_disk(target: Path, data: bytes) -> bool:
    try:
        return target.is_file() and target.read_bytes() == data
    except OSError:
        return False


def _already_staged(target: Path, content: str, v: Entry | None, byte: Callable[[], bytes]) -> Entry | None:
    """The manifest entry of ``target`` if it already holds ``content``, else None.

    Known by ``stat`` when the manifest has an entry; compared byte for byte
    (``byte()``) only when it has none (a first build over an old folder).
    """
    if v is not None:
        return v if v.content == content and _intact(target, v) else None
    return _entry(target, content) if _same_on_disk(target, byte()) else None


def sync(
    staging: Path,
    new: Mapping[str, bytes],
    charts: Mapping[str, Path],
    kept: Iterable[str],
    before: Manifest,
) -> tuple[list[str], list[str], dict[str, Entry]]:
    """Make ``staging`` hold exactly: ``new`` (path -> bytes), ``charts``
    (path -> cache file, linked), and the ``kept`` files left as they are
    (reused pages and their charts: checked intact by the caller).

    A file is written only if what it should hold differs from what the
    manifest says it holds, or its ``stat`` no longer matches (then, with
    no manifest entry, its bytes are compared). Anything else in the folder
    is removed, empty folders too. Returns (written, removed, new entries).
    """
    staging.mkdir(parents=True, exist_ok=True)
    entries: dict[str, Entry] = {}
    written: list[str] = []
    for rel, data in new.items():
        target = staging / rel
        content = digest(data)
        entry = _already_staged(target, content, before.file.get(rel), functools.partial(bytes, data))  # bytes(b) is b: no copy
        if entry is None:
            write_atomic(target, data)
            entry = _entry(target, content)
            written.append(rel)
        entries[rel] = entry
    for rel, src in charts.items():
        target = staging / rel
        content = CHART_PREFIX + src.stem
        entry = _already_staged(target, content, before.file.get(rel), src.read_bytes)
        if entry is None:
            _link(src, target)
            entry = _entry(target, content)
            written.append(rel)
        entries[rel] = entry
    for rel in kept:
        entries.setdefault(rel, before.file[rel])  # a chart shown by a new page and a reused one
    removed = _remove_others(staging, entries)
    return written, removed, dict(sorted(entries.items()))


def _remove_others(staging: Path, keep: Mapping[str, Entry]) -> list[str]:
    """Remove every file under ``staging`` not in ``keep``, then the folders left empty.

    Plain strings and ``os.walk`` (bottom-up): this visits every staged file
    on every build, 52,000 at 300x the seed.
    """
    base = os.fspath(staging)
    removed: list[str] = []
    vuote: set[str] = set()
    for cartella, dirs, files in os.walk(base, topdown=False):
        rel_dir = os.path.relpath(cartella, base)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        restano = 0
        for name in files:
            rel = prefix + name
            if rel in keep:
                restano += 1
            else:
                os.unlink(os.path.join(cartella, name))
                removed.append(rel)
        for name in dirs:
            path = os.path.join(cartella, name)
            if os.path.islink(path):  # os.walk lists links to folders as folders
                if prefix + name in keep:
                    restano += 1
                else:
                    os.unlink(path)
                    removed.append(prefix + name)
            elif path not in vuote:
                restano += 1
        if restano == 0 and cartella != base:
            os.rmdir(cartella)
            vuote.add(cartella)
    return sorted(removed)


__all__ = ["Entry", "Manifest", "PageRecord", "digest", "intact_files", "load_manifest", "save_manifest", "sync"]

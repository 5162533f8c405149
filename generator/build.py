"""The build: gather and check everything first, then write; then MkDocs.

Like ``mkdocs build`` itself (which reads every page before writing any), a
build here never leaves a half-made result behind:

1. **load + validate** the plan, measurements and bonus files; on any error
   print the Italian report and stop, having written nothing;
2. **score** every plan on every measurement;
3. **render** every page and open-data file *in memory* (docs-relative
   path -> bytes) and draw the charts into the content cache, and check
   that no generated file would overwrite a hand-written one in ``docs/``.
   Incremental: the pages are made as page jobs (:mod:`generator.render.pages`)
   and only the jobs :mod:`generator.incremental` finds changed (their
   fingerprint differs from the manifest's, or their staged output is not
   intact) are rendered; the open data of a year whose data did not change
   is kept too (see :mod:`generator.staging`);
4. **stage**: write them, with copies of the hand-written ``docs/``, into
   ``build/docs/``, touching only files whose content changed (their mtimes
   stay, so incremental tools see no change), linking charts from the
   cache, removing stale files, and saving the manifest;
5. **MkDocs** builds the staging folder into a fresh temporary folder next
   to ``site/``, with the navigation built from the data;
6. **swap** it into ``site/`` (old aside, new in, old deleted): a failed
   build leaves the previous site untouched.

Steps 1–4 are :func:`prepare`, shared with ``mkdocs serve`` through
:mod:`generator.mkdocs_hooks`. Builds are reproducible: same inputs, same
bytes everywhere under ``site/`` (``SOURCE_DATE_EPOCH`` defaults to the date
of the latest measurement, never to the clock).
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from . import incremental, opendata, provenance, pubblicazione, score, staging as stg
from .diagnostics import Diagnostic, ValidationFailed, format_text, line_reader, print_report
from .fingerprint import Fingerprinter
from .model import Progetto
from .render import charts, pages, pdf
from .render.charts import Workers
from .render.pages import NavEntry
from .runtime import rare_gc, read_regular_file
from .validate import check_project

if TYPE_CHECKING:  # MkDocs is imported only by the commands that build (see _build)
    from mkdocs.config.defaults import MkDocsConfig

#: Where the staging docs folder lives, relative to the project root.
STAGING = Path("build") / "docs"
#: What the last build staged (see generator.staging), next to the staging folder.
MANIFEST = Path("build") / "manifest.json"
CHART_CACHE = Path(".cache") / "charts"
JINJA_CACHE = Path(".cache") / "jinja"
BLAME_CACHE = Path(".cache") / "blame"
PDF_CACHE = Path(".cache") / "pdf"
#: Environment variable naming a PDF cache folder to use instead of PDF_CACHE.
CACHE_PDF_ENV = "PERFORMANCE_CACHE_PDF"
#: Key set in ``config.extra`` once :func:`prepare` has run for a config, so
#: the MkDocs hook does not redo the work when ``build.py`` drives MkDocs.
PREPARED_KEY = "performance_preparato"

GUIDA = "guida"
GUIDA_TITOLO = "Guida per il personale"
#: Hand-written pages that close the navigation, in this order.
FINAL_PAGES = ("accessibilita.md", "note-legali.md")


class BuildError(Exception):
    """A problem that stops the build before anything is written (in Italian)."""


@dataclass
class Prepared:
    """The outcome of steps 1–4, what MkDocs needs next."""

    root: Path
    staging: Path
    nav: list[NavEntry]
    esempio: bool
    aggiornato: dt.date | None
    avvisi: list[Diagnostic]
    scritti: list[str] = field(default_factory=list)
    rimossi: list[str] = field(default_factory=list)
    tempi: dict[str, float] = field(default_factory=dict)
    reused: int = 0  # pages not rendered again (their page job is unchanged)
    disegnati: int = 0  # charts drawn (not in the cache)


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


@contextlib.contextmanager
def _timed(tempi: dict[str, float], fase: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        tempi[fase] = tempi.get(fase, 0.0) + time.perf_counter() - t0


def format_timings(tempi: Mapping[str, float]) -> str:
    return " · ".join(f"{k} {v:.2f} s".replace(".", ",") for k, v in tempi.items())


# --------------------------------------------------------------------------
# Steps 1–4
# --------------------------------------------------------------------------


def _handwritten(docs: Path) -> dict[str, bytes]:
    """Every file under the hand-written docs folder (dot-files skipped, as MkDocs does).

    Symbolic links are never followed (validation reports them): a link to
    a file of the build machine must not be published.
    """
    out: dict[str, bytes] = {}
    if docs.is_symlink() or not docs.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(docs):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not os.path.islink(os.path.join(dirpath, d))]
        for name in filenames:
            path = Path(dirpath, name)
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            out[path.relative_to(docs).as_posix()] = read_regular_file(path)
    return dict(sorted(out.items()))


def _collisions(generati: Mapping[str, bytes], scritti: Mapping[str, bytes], docs_name: str) -> list[str]:
    """Generated paths that a hand-written file already uses (case-insensitively too)."""
    mano = {p.casefold(): p for p in scritti}
    out = []
    for p in sorted(generati):
        if p.casefold() in mano:
            out.append(
                f"la pagina generata «{p}» coinciderebbe con il file scritto a mano «{docs_name}/{mano[p.casefold()]}»: "
                f"rinomina o sposta il file in {docs_name}/ (le pagine generate non sovrascrivono mai quelle scritte a mano)"
            )
    return out


def _guide_order(indice: bytes | None, pagine: list[str]) -> list[str]:
    """Guide pages in the order the guide's index links them, then the rest sorted."""
    ordine: list[str] = []
    if indice is not None:
        for m in re.finditer(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)", indice.decode("utf-8", "replace")):
            p = f"{GUIDA}/{PurePosixPath(m.group(1)).as_posix()}"
            if p in pagine and p not in ordine:
                ordine.append(p)
    return ordine + sorted(p for p in pagine if p not in ordine)


def full_nav(nav_dati: Sequence[NavEntry], mano: Mapping[str, bytes]) -> list[NavEntry]:
    """The whole navigation: the data's, then the staff guide, other pages, legal pages."""
    nav = list(nav_dati)
    md = [p for p in mano if p.endswith(".md")]
    guida = [p for p in md if p.startswith(GUIDA + "/")]
    if guida:
        indice = f"{GUIDA}/index.md"
        resto = [p for p in guida if p != indice]
        voci: list[NavEntry] = [*([indice] if indice in guida else []), *_guide_order(mano.get(indice), resto)]
        nav.append({GUIDA_TITOLO: voci})
    altre = sorted(p for p in md if not p.startswith(GUIDA + "/") and p not in FINAL_PAGES)
    nav.extend(altre)
    nav.extend(p for p in FINAL_PAGES if p in mano)
    return nav


def _print_diags(diags: list[Diagnostic], root: Path, out: IO[str]) -> None:
    if diags:
        out.write(format_text(diags, line_reader(root)))


def prepare(
    root: Path,
    *,
    use_directory_urls: bool = True,
    repo_url: str | None = None,
    jobs: int | None = None,
    out: IO[str] | None = None,
    chart_workers: Workers | None = None,
) -> Prepared:
    """Steps 1–4: validate, score, render in memory, stage into ``build/docs``.

    Charts are drawn by ``chart_workers`` (chart workers the caller opened),
    else by ``jobs`` worker processes started here for the duration.
    Raises :class:`ValidationFailed` (every diagnostic, nothing written) or
    :class:`BuildError` (a generated page would replace a hand-written one).
    """
    if chart_workers is not None:
        return _prepare(Path(root).resolve(), use_directory_urls=use_directory_urls, repo_url=repo_url, workers=chart_workers)
    with charts.workers(jobs) as w:  # they load matplotlib on the idle core meanwhile
        return _prepare(Path(root).resolve(), use_directory_urls=use_directory_urls, repo_url=repo_url, workers=w)


#: Folders the build writes (besides the site): each must be a folder or absent.
WRITTEN_FOLDERS = (Path("build"), STAGING, Path(".cache"), CHART_CACHE, JINJA_CACHE, BLAME_CACHE)


def obstacles(root: Path) -> list[str]:
    """What stands where the build must write: a file or a link instead of a folder.

    Checked before anything is written, so the user reads which path to move
    instead of an operating-system error halfway through.
    """
    out = []
    for rel in (*WRITTEN_FOLDERS, Path("site")):
        path = root / rel
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            cosa = "un collegamento simbolico" if path.is_symlink() else "un file"
            out.append(f"«{rel.as_posix()}» è {cosa}, ma deve essere una cartella: spostalo o eliminalo, poi rilancia la build")
    return out


def _prepare(root: Path, *, use_directory_urls: bool, repo_url: str | None, workers: Workers) -> Prepared:
    problemi = obstacles(root)
    if problemi:
        raise BuildError("\n".join(problemi))
    staging = root / STAGING
    tempi: dict[str, float] = {}
    with _timed(tempi, "caricamento"):
        mano = _handwritten(root / "docs")
        prov = provenance.collect(root, repo_url, cache_dir=root / BLAME_CACHE)
        storia = provenance.storia(root)
        prima = stg.load_manifest(root / MANIFEST)
        intact_files = stg.intact_files(staging, prima)
    with _timed(tempi, "validazione"):
        checked = check_project(root)
        diags = list(checked.diagnostics)
        if checked.progetto is None or any(d.is_error for d in diags):
            raise ValidationFailed(diags)
        progetto = checked.progetto
        pub = pubblicazione.calcola(root, progetto, storia)
    with _timed(tempi, "punteggi"):
        anni = score.valuta_progetto(progetto)
    # One fingerprinter for the build: the scored years that open data and
    # many pages receive are walked once (see generator.fingerprint).
    fp = Fingerprinter()
    code = incremental.code_digest()
    with _timed(tempi, "dati aperti"):
        od: dict[str, bytes] = {}
        tenuti: set[str] = set()
        od_fingerprints: dict[int, str] = {}
        for a in sorted(progetto.piani):
            prefisso = f"{opendata.FOLDER}/{a}/"
            pub_a = pub.anno(a)
            # What year_files receives, fingerprinted like a page job.
            od_fingerprints[a] = incremental.data_fingerprint(code, (anni[a], pub_a), fp)
            vecchi = [rel for rel in prima.file if rel.startswith(prefisso)]
            if prima.opendata.get(a) == od_fingerprints[a] and vecchi and all(rel in intact_files for rel in vecchi):
                od.update({rel: (staging / rel).read_bytes() for rel in vecchi})  # the downloads page lists them
                tenuti.update(vecchi)
            else:
                od.update({prefisso + nome: data for nome, data in opendata.year_files(anni[a], pub_a).items()})
        od = dict(sorted(od.items()))
    with _timed(tempi, "pagine"):
        sj = pages.site_jobs(
            progetto, anni, premi=progetto.premi, provenienza=prov, opendata=od, use_directory_urls=use_directory_urls,
            pubblicazione=pub,
        )
        piano = incremental.plan_pages(sj.jobs, prima.pages, intact_files, code=code, fingerprinter=fp)
        renderer = pages.Renderer(_folder(root / JINJA_CACHE))
        testi = {job.path: renderer.render(job) for job in piano.run}
    tenuti.update(piano.kept_files())
    figure = sj.figures(piano.run)
    generati: dict[str, bytes] = {p: t.encode("utf-8") for p, t in testi.items()}
    generati.update((p, data) for p, data in od.items() if p not in tenuti)
    problemi = _collisions({**generati, **dict.fromkeys(figure, b""), **dict.fromkeys(tenuti, b"")}, mano, "docs")
    if problemi:
        raise BuildError("\n".join(problemi))
    with _timed(tempi, "grafici"):
        cache = root / CHART_CACHE
        # Charts staged intact as a cache entry need not be re-read (see charts.cache).
        in_staging = {
            rel: v.content.removeprefix(stg.CHART_PREFIX)
            for rel, v in prima.file.items()
            if rel in figure and v.content.startswith(stg.CHART_PREFIX) and rel in intact_files
        }
        voci_cache, disegnati = charts.ensure_cached(
            [f.spec for f in figure.values()], cache, workers=workers, alt={k: f.alt for k, f in figure.items()}, staged=in_staging
        )
    with _timed(tempi, "pdf"):
        stampati = _pdf(root, progetto, sj.aggiornato, testi, generati, mano, tenuti, voci_cache, use_directory_urls, max(1, workers.processes))
    problemi = _collisions(stampati, mano, "docs")
    if problemi:
        raise BuildError("\n".join(problemi))
    generati.update(stampati)
    tutti = dict(mano)
    tutti.update(generati)
    with _timed(tempi, "scrittura"):
        scritti, rimossi, voci = stg.sync(
            staging,
            dict(sorted(tutti.items())),
            {k: voci_cache[k] for k in sorted(voci_cache)},
            tenuti,
            prima,
        )
        stg.save_manifest(
            root / MANIFEST,
            stg.Manifest(file=voci, pages=dict(sorted(piano.records.items())), opendata=dict(sorted(od_fingerprints.items()))),
        )
    return Prepared(
        root=root,
        staging=staging,
        nav=full_nav(sj.nav, mano),
        esempio=sj.esempio,
        aggiornato=sj.aggiornato,
        avvisi=[d for d in diags if not d.is_error],
        scritti=scritti,
        rimossi=rimossi,
        tempi=tempi,
        reused=len(piano.reused),
        disegnati=disegnati,
    )


def _pdf(
    root: Path,
    progetto: Progetto,
    aggiornato: dt.date | None,
    testi: Mapping[str, str],
    generati: Mapping[str, bytes],
    mano: Mapping[str, bytes],
    tenuti: set[str],
    grafici: Mapping[str, Path],
    use_directory_urls: bool,
    jobs: int | None,
) -> dict[str, bytes]:
    """The PDF editions of the Piano and the Relazione, from the pages just
    rendered (``testi``) or kept, and their charts; laid out again only when
    their content changed (``.cache/pdf``, keyed on it)."""
    staging = root / STAGING

    def pagina(rel: str) -> str | None:
        if rel in testi:
            return testi[rel]
        if rel in tenuti:
            return (staging / rel).read_text(encoding="utf-8")
        return None

    def leggi(rel: str) -> bytes | None:
        """A staged file's bytes, known by name only: nothing outside them is read."""
        if rel in generati:
            return generati[rel]
        if rel in grafici:
            return grafici[rel].read_bytes()
        if rel in tenuti:
            return (staging / rel).read_bytes()
        return mano.get(rel)

    # Content-addressed, so one folder may serve several projects
    # (PERFORMANCE_CACHE_PDF: the test suite shares one across its builds).
    condivisa = os.environ.get(CACHE_PDF_ENV)
    cartella = _folder(Path(condivisa) if condivisa else root / PDF_CACHE)
    try:
        stampati, usati = pdf.generate(
            pdf.pdf_documents(progetto, aggiornato),
            pagina,
            leggi,
            cartella,
            use_directory_urls=use_directory_urls,
            jobs=jobs,
        )
    except pdf.PdfError as e:
        raise BuildError(f"edizione PDF non generata: {e}") from None
    if not condivisa:
        pdf.prune_cache(cartella, usati)
    return stampati


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def configure_mkdocs(config: MkDocsConfig, prep: Prepared) -> None:
    """Point a loaded MkDocs config at the staged docs, with the data's nav and banner."""
    config["docs_dir"] = str(prep.staging)
    config["nav"] = prep.nav
    extra = config["extra"]
    extra["esempio"] = bool(extra.get("esempio")) or prep.esempio
    extra[PREPARED_KEY] = True


def repo_url_of(config: Mapping[str, object], env: Mapping[str, str] | None = None) -> str | None:
    """Where commit links point: ``repo_url``, else ``extra.repository``, else
    the repository GitHub Actions is building (``GITHUB_SERVER_URL`` +
    ``GITHUB_REPOSITORY``), so the published site links every value to its
    commit without the body having to configure anything (``repo_url`` would
    make Material's header call a third-party API from visitors' browsers).
    """
    env = os.environ if env is None else env
    extra = config.get("extra")
    configured = config.get("repo_url") or (extra.get("repository") if isinstance(extra, Mapping) else None)
    if configured:
        return str(configured)
    server, repository = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY")
    return f"{server.rstrip('/')}/{repository}" if server and repository else None


# --------------------------------------------------------------------------
# Steps 5–6
# --------------------------------------------------------------------------


def data_epoch(aggiornato: dt.date | None) -> int:
    """SOURCE_DATE_EPOCH for the data: midnight UTC of the latest measurement (or 1970)."""
    if aggiornato is None:
        return 0
    return int(dt.datetime(aggiornato.year, aggiornato.month, aggiornato.day, tzinfo=dt.UTC).timestamp())


@contextlib.contextmanager
def _source_date_epoch(aggiornato: dt.date | None) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH (if the caller has not) for the MkDocs run only."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(data_epoch(aggiornato))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


@contextlib.contextmanager
def _mkdocs_log(out: IO[str]) -> Iterator[None]:
    """Show MkDocs' warnings and errors (the CLI would; the Python API does not)."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(out)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("MkDocs %(levelname)s: %(message)s"))
    propagate, level = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    if logger.level == logging.NOTSET or logger.level > logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        logger.setLevel(level)


#: Prefixes of the build's temporary site folders, next to ``site/``.
NUOVO, VECCHIO = ".site-nuovo-", ".site-vecchio-"
_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two folders atomically (Linux ``renameat2(RENAME_EXCHANGE)``).

    False when the system or the file system cannot (then the caller renames).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    codice = ctypes.get_errno()
    if codice in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(codice, os.strerror(codice), os.fsdecode(b))


def _swap(nuovo: Path, site: Path) -> None:
    """Replace ``site`` with ``nuovo`` so that ``site`` is never missing.

    ``site`` stays a real folder (what MkDocs users and web servers expect):
    the two folders are exchanged in one atomic step, then the old site
    (now at ``nuovo``) is deleted. Where the exchange is not available, the
    old site is renamed aside first and put back by :func:`remove_leftovers`
    if a kill falls between the two renames.
    """
    if not site.exists():
        os.rename(nuovo, site)
        return
    if _exchange(nuovo, site):
        shutil.rmtree(nuovo, ignore_errors=True)
        return
    vecchio = Path(tempfile.mkdtemp(prefix=VECCHIO, dir=site.parent))
    os.rename(site, vecchio / "site")
    os.rename(nuovo, site)
    shutil.rmtree(vecchio, ignore_errors=True)


def remove_leftovers(root: Path) -> None:
    """Remove what an interrupted build left next to ``site/``.

    A half-built or already-swapped-out site (``.site-nuovo-*``) is deleted;
    a previous site set aside (``.site-vecchio-*``) is put back if ``site/``
    is missing (a kill between the two renames), else deleted.
    """
    site = root / "site"
    for path in sorted(root.glob(VECCHIO + "*")):
        if not site.exists() and (path / "site").is_dir():
            os.rename(path / "site", site)
        shutil.rmtree(path, ignore_errors=True)
    for path in sorted(root.glob(NUOVO + "*")):
        shutil.rmtree(path, ignore_errors=True)


def build(
    root: Path,
    *,
    strict: bool = False,
    jobs: int | None = None,
    out: IO[str] = sys.stdout,
    err: IO[str] = sys.stderr,
) -> int:
    """``python -m generator build``: the whole pipeline; returns the exit code."""
    with rare_gc():
        return _build(root, strict=strict, jobs=jobs, out=out, err=err)


def _build(root: Path, *, strict: bool, jobs: int | None, out: IO[str], err: IO[str]) -> int:
    # MkDocs costs ~50 ms CPU to import: only the commands that build the site load it
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    root = Path(root).resolve()
    remove_leftovers(root)
    # The chart workers start first: matplotlib loads while MkDocs' config loads too.
    with charts.workers(jobs) as chart_workers:
        pronto = _prepare_site(root, strict=strict, jobs=jobs, err=err, chart_workers=chart_workers)
    if isinstance(pronto, int):
        return pronto
    prep, config = pronto
    site = root / "site"
    nuovo = Path(tempfile.mkdtemp(prefix=NUOVO, dir=root))
    os.chmod(nuovo, 0o755)
    config["site_dir"] = str(nuovo)
    try:
        with _timed(prep.tempi, "mkdocs"), _source_date_epoch(prep.aggiornato), _mkdocs_log(err):
            mkdocs_build(config)
    except (MkDocsException, OSError) as e:
        shutil.rmtree(nuovo, ignore_errors=True)
        err.write(f"errore di MkDocs: {e}\nbuild interrotta (il sito pubblicato non è stato modificato)\n")
        return 1
    except BaseException:
        shutil.rmtree(nuovo, ignore_errors=True)
        raise
    _swap(nuovo, site)
    out.write(
        f"sito generato in {site} ({len(prep.scritti)} file aggiornati, {len(prep.rimossi)} rimossi in {STAGING.as_posix()})\n"
        f"tempi: {format_timings(prep.tempi)}\n"
    )
    return 0


def _prepare_site(
    root: Path, *, strict: bool, jobs: int | None, err: IO[str], chart_workers: Workers
) -> tuple[Prepared, MkDocsConfig] | int:
    """MkDocs' config, then steps 1–4 and the config pointed at the staging; or an exit code."""
    # MkDocs costs ~50 ms CPU to import: only the commands that build the site load it
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        err.write(f"errore: manca {config_file} (la configurazione del sito)\n")
        return 1
    t0 = time.perf_counter()
    try:
        with _mkdocs_log(err):
            # Without --strict, mkdocs.yml's own `strict:` decides.
            config = load_config(config_file=str(config_file), strict=True) if strict else load_config(config_file=str(config_file))
    except MkDocsException as e:
        err.write(f"errore nella configurazione {config_file.name}: {e}\n")
        return 1
    t_config = time.perf_counter() - t0
    try:
        prep = prepare(
            root,
            use_directory_urls=bool(config["use_directory_urls"]),
            repo_url=repo_url_of(config),
            jobs=jobs,
            chart_workers=chart_workers,
        )
    except ValidationFailed as e:
        print_report(e.diagnostics, root, "text", err)
        err.write("build interrotta: correggi gli errori indicati sopra (il sito pubblicato non è stato modificato)\n")
        return 1
    except BuildError as e:
        err.write(f"errore: {e}\nbuild interrotta (il sito pubblicato non è stato modificato)\n")
        return 1
    # MkDocs' own start (mkdocs.yml, theme, plugins): part of what `mkdocs build` costs.
    prep.tempi = {"configurazione mkdocs": t_config, **prep.tempi}
    if prep.avvisi:
        _print_diags(prep.avvisi, root, err)
    configure_mkdocs(config, prep)
    return prep, config


__all__ = ["BuildError", "Prepared", "build", "configure_mkdocs", "full_nav", "prepare"]

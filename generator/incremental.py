"""Which page jobs must run: fingerprints of exactly what each page is made from.

Rendering (:mod:`generator.render.pages`) produces page jobs: a path, the
data its template receives, the template that renders it, its front matter
and charts. Rendering a job is a pure function of the job and of the code,
so a page needs rendering again only if one of them changed. This module
decides that and knows nothing of how pages are made:

- a job's fingerprint is the SHA-256 of the canonical encoding of the whole
  job (:mod:`generator.fingerprint`) and of :func:`code_digest` (this
  package's code and templates, and the versions of the libraries that
  format and draw). No list of "what a page reads" is kept by hand, so none
  can fall behind a template: whatever the template can read is in the job;
- the previous build's fingerprints are in the staging manifest
  (:mod:`generator.staging`); a job is reused when its fingerprint is the
  one recorded *and* the page and its charts are still intact in the
  staging folder (same ``stat`` as recorded); otherwise it runs.

The same rule keeps a year's open-data files: their fingerprint is that of
what :func:`generator.opendata.year_files` receives.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path

from .fingerprint import Fingerprinter
from .render.pages import PageJob
from .staging import PageRecord

__all__ = ["PageRecord", "Plan", "code_digest", "data_fingerprint", "job_fingerprint", "plan_pages"]

#: This package's folder: its code and templates are what renders.
PACKAGE = Path(__file__).resolve().parent
#: Libraries whose version changes what a page or chart looks like.
LIBRARIES = ("jinja2", "babel", "matplotlib", "markdown-it-py")


def code_digest() -> str:
    """This generator's code, templates and formatting libraries, as one digest.

    Every ``.py`` and template of the package, so an edited helper, filter
    or template changes every fingerprint. Not memoised: under ``mkdocs
    serve`` one process builds again and again, and an edited template must
    be seen (~1 ms).
    """
    h = hashlib.sha256()
    for f in sorted([*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.j2")]):
        h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    for dist in LIBRARIES:
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist}=?\0".encode())
    return h.hexdigest()


@dataclass
class Plan:
    """The outcome of :func:`plan_pages`.

    ``run``: the jobs to render; ``reused``: jobs whose staged page (and
    charts) are still right; ``records``: every page's record, for the next
    manifest.
    """

    run: list[PageJob] = field(default_factory=list)
    reused: list[PageJob] = field(default_factory=list)
    records: dict[str, PageRecord] = field(default_factory=dict)

    def kept_files(self) -> set[str]:
        """The staged files the reused jobs leave as they are: pages and their charts."""
        return {p for job in self.reused for p in (job.path, *job.charts)}


def plan_pages(
    jobs: Sequence[PageJob],
    previous: Mapping[str, PageRecord],
    intact: Set[str],
    *,
    code: str,
    fingerprinter: Fingerprinter | None = None,
) -> Plan:
    """Split ``jobs`` into those to render and those whose staged page is still right.

    ``previous``: the last build's records (from the manifest); ``intact``:
    staged files whose ``stat`` still matches the manifest; ``code``:
    :func:`code_digest`. A job is reused only if its fingerprint equals its
    record's and its page and every chart it shows are intact.
    """
    fp = fingerprinter or Fingerprinter()
    out = Plan()
    seen: set[str] = set()
    for job in jobs:
        if job.path in seen:
            raise ValueError(f"two generated pages with the same path: {job.path}")
        seen.add(job.path)
        record = PageRecord(job_fingerprint(job, code, fp), job.charts)
        out.records[job.path] = record
        before = previous.get(job.path)
        if before == record and _all_intact((job.path, *job.charts), intact):
            out.reused.append(job)
        else:
            out.run.append(job)
    return out


def job_fingerprint(job: PageJob, code: str, fingerprinter: Fingerprinter | None = None) -> str:
    """The fingerprint of one job: the code that renders it and everything in it."""
    return (fingerprinter or Fingerprinter()).digest((code, job))


def data_fingerprint(code: str, data: object, fingerprinter: Fingerprinter | None = None) -> str:
    """The fingerprint of any other output made from ``data`` by this code (open data)."""
    return (fingerprinter or Fingerprinter()).digest((code, data))


def _all_intact(paths: Iterable[str], intact: Set[str]) -> bool:
    return all(p in intact for p in paths)

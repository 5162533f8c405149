"""Where charts are drawn: worker processes started with the build, or this process.

A :class:`Workers` object belongs to whoever opened it (the build, a test,
``mkdocs serve``'s hook) and is passed to the cache explicitly: there is no
module-level pool, so nothing here needs patching and two builds in one
process cannot share one by accident.

Why processes start early (:func:`workers`): a process needs ~0.3 s to
import matplotlib before it draws its first chart, more than the whole of a
small rebuild. Forked before the build has loaded anything (a cheap fork),
each worker imports matplotlib on the otherwise idle core while the build
validates and renders pages; at the charts stage they are ready. With one
job, or where ``fork`` is not available, drawing stays in this process and a
background thread loads matplotlib meanwhile.

Workers die with the build, however it ends:

* normal end or an exception: the pool is shut down (``with`` block);
* SIGTERM / SIGHUP / SIGINT of the build: while the pool is open the
  build's main thread turns them into :class:`SystemExit` (SIGINT is
  already ``KeyboardInterrupt``), so the same shutdown runs; workers
  ignore SIGINT (a Ctrl-C reaches the whole process group) and leave it
  to the build;
* SIGKILL or a crash of the build, which run no Python code: on Linux each
  worker asks the kernel for SIGKILL when its parent dies
  (``prctl(PR_SET_PDEATHSIG)`` through ctypes), then checks that the
  parent did not die before the request. Chosen over polling
  ``os.getppid()`` because the kernel acts at once, even while the worker
  is busy in matplotlib's C code, and costs nothing while it runs. The
  signal follows the *thread* that forked, so the pool is only started
  from the main thread; elsewhere (and off Linux) a daemon thread in each
  worker polls ``os.getppid()`` every half second instead.

Workers also point their standard output at ``/dev/null``: they never
print, and a worker must never keep the build's stdout open (``build |
tee`` would wait for it).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from multiprocessing.context import BaseContext
from types import FrameType

from .canvas import warm_up
from .draw import render
from .specs import Chart, ChartSpec

_PR_SET_PDEATHSIG = 1
#: How often a worker without PR_SET_PDEATHSIG looks for its parent.
_POLL_SECONDS = 0.5
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Workers:
    """Draws charts: in worker processes (``processes`` > 0) or in this process."""

    def __init__(self, pool: concurrent.futures.ProcessPoolExecutor | None = None, processes: int = 0,
                 warming: threading.Thread | None = None) -> None:
        self._pool = pool
        self.processes = processes if pool is not None else 0
        self._warming = warming

    def draw(self, todo: Sequence[tuple[ChartSpec, str | None]]) -> Iterator[Chart]:
        """Draw ``(spec, alt)`` pairs, yielding each chart in order as it is ready.

        Yielding lets the caller store each chart and drop it, instead of
        holding them all.
        """
        if not todo:
            return
        if self._pool is not None:
            chunk = max(1, len(todo) // (self.processes * 4))
            yield from self._pool.map(_render_pair, todo, chunksize=chunk)
            return
        if self._warming is not None:
            # Never draw (or fork) while another thread is importing matplotlib.
            self._warming.join()
        for item in todo:
            yield _render_pair(item)


def in_process(prewarm: bool = False) -> Workers:
    """Draw in this process; ``prewarm`` starts loading matplotlib in a thread now.

    ``mkdocs serve`` keeps one of these for its whole life: rebuilds redraw
    a few charts, cheaper here than in fresh processes.
    """
    warming = None
    if prewarm:
        warming = threading.Thread(target=warm_up, name="matplotlib-prewarm", daemon=True)
        warming.start()
    return Workers(warming=warming)


def _render_pair(item: tuple[ChartSpec, str | None]) -> Chart:
    return render(*item)


def _fork_context() -> BaseContext | None:
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def _die_with_parent(parent: int, kernel: bool) -> None:
    """Make this worker end when ``parent`` does (see the module docstring)."""
    if kernel:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            kernel = False
    if os.getppid() != parent:  # the parent died before we asked
        os._exit(1)
    if kernel:
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker_start(parent: int, kernel: bool) -> None:
    """Initializer of every worker process."""
    _die_with_parent(parent, kernel)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in _STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    warm_up()


class _Stopped(SystemExit):
    """The build received SIGTERM or SIGHUP while its chart workers ran."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(128 + signum)


@contextlib.contextmanager
def _signals_stop_the_build() -> Iterator[None]:
    """SIGTERM/SIGHUP unwind the main thread (so the pool shuts down), then the old handlers return."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {signum: signal.signal(signum, _stop) for signum in _STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def workers(jobs: int | None = None) -> Iterator[Workers]:
    """Chart workers for the duration of a build: ``jobs`` processes (default one per CPU).

    With one job, or without ``fork``, an in-process :class:`Workers` whose
    thread loads matplotlib meanwhile.
    """
    count = (os.cpu_count() or 1) if jobs is None else max(1, jobs)
    ctx = _fork_context()
    if count == 1 or ctx is None:
        here = in_process(prewarm=True)
        try:
            yield here
        finally:
            if here._warming is not None:
                here._warming.join()  # no thread of ours outlives the build
        return
    kernel = threading.current_thread() is threading.main_thread()
    with _signals_stop_the_build():
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=count, mp_context=ctx, initializer=_worker_start, initargs=(os.getpid(), kernel)
        )
        ok = False
        try:
            pool.submit(int)  # with fork, the first task starts every worker
            yield Workers(pool, count)
            ok = True
        finally:
            pool.shutdown(wait=ok, cancel_futures=True)

"""Version PDFs rendered in separate processes, so a burst of versions uses every core.

PDF_PROCESSES sets the pool's size (default: the cores this process may use; 0 or 1: render
in this process). The pool starts on the first render and lives until the process exits.
Children come from a fork server, never from this process: it holds threads and database
connections. A child only turns content and options into bytes; the database and the store
stay here.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from forms.pdf import render_dossier_pdf, stylesheet
from workflows.pdf_settings import PdfSettings

__all__ = ["BrokenProcessPool", "PdfSettings", "RenderPool", "pool", "render", "use_pool"]


def render(content: dict[str, Any], options: dict[str, Any]) -> bytes:
    """The PDF of a version: what a child runs (a pure function of its arguments)."""
    return render_dossier_pdf(content, **options)


def _ready() -> None:
    """Nothing: submitted once per child when the pool starts, so that every child starts
    (and warms) then rather than during the first burst."""


def _warm(parent: int) -> None:
    """Start a child ready: WeasyPrint, the fonts and the stylesheet loaded once; it leaves
    when the routing process `parent` is gone."""
    threading.Thread(target=_exit_with, args=(parent, os.getppid()), daemon=True,
                     name="pdf-parent-watch").start()

    stylesheet()
    render_dossier_pdf({}, attachments=[])


def _exit_with(parent: int, server: int) -> None:
    """Exit, and stop the fork server, once the routing process has died: killed outright
    (SIGKILL, OOM), it could not stop them, and they would wait for work forever."""
    while True:
        time.sleep(2)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            if server > 1 and os.getppid() == server:
                os.kill(server, signal.SIGTERM)
            os._exit(0)
        except PermissionError:  # the pid is someone else's now: ours is gone too
            os._exit(0)


class RenderPool:
    """`size` child processes rendering PDFs; a pool broken by a dead child is replaced."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, content: dict[str, Any], options: dict[str, Any]) -> Future[bytes]:
        """Render in a child; the future fails with BrokenProcessPool if the child dies."""
        with self._lock:
            for _ in range(2):
                executor = self._executor or self._start()
                try:
                    return executor.submit(render, content, options)
                except BrokenProcessPool:  # a child died since: start a new pool
                    self._discard(executor)
            raise BrokenProcessPool("the PDF processes could not be started")

    def pids(self) -> list[int]:
        """The children's process ids (started ones)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return sorted(processes)

    def shutdown(self) -> None:
        """Stop the children (waiting for renders under way)."""
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        # Children fork from a server that imported the renderer once (shared pages).
        context.set_forkserver_preload(["forms.pdf"])
        self._executor = ProcessPoolExecutor(self.size, mp_context=context, initializer=_warm,
                                             initargs=(os.getpid(),))
        for _ in range(self.size):
            self._executor.submit(_ready)
        return self._executor

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        if self._executor is executor:
            self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)


_pool: RenderPool | None = None
_pool_lock = threading.Lock()
_configured = False


def pool() -> RenderPool | None:
    """This process's render pool, started on first use; None when rendering in-process."""
    global _pool, _configured
    with _pool_lock:
        if not _configured:
            size = PdfSettings().processes()
            _pool = RenderPool(size) if size > 1 else None
            _configured = True
        return _pool


def use_pool(size: int | None) -> RenderPool | None:
    """Replace this process's pool (None: read PDF_PROCESSES again on next use; 0 or 1:
    in-process); the previous pool is shut down. For tests and benchmarks."""
    global _pool, _configured
    with _pool_lock:
        previous = _pool
        _pool = RenderPool(size) if size is not None and size > 1 else None
        _configured = size is not None
    if previous is not None:
        previous.shutdown()
    return _pool


@atexit.register
def _shutdown() -> None:
    if _pool is not None:
        _pool.shutdown()

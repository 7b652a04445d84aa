"""The PDF of a dossier version: rendered once, kept in the object store."""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dossier.errors import NotFound
from dossier.services import objects
from dossier.services.documents import pdf_inputs, record_pdf, rendered_pdf
from forms.pdf import render_dossier_pdf
from storage.base import StoredObject
from workflows import pdf_processes
from workflows.runtime import Runtime

TRIES = 2  # renders of a version whose child died: once again, then left for the next round


def ensure_version_pdf(runtime: Runtime, version_id: uuid.UUID) -> Any:
    """The stored PDF of a version (its row), rendering it only if no one has yet.

    NotFound if the version is gone (its dossier erased or purged, even while rendering):
    then nothing is left in the store.
    """
    [(_, outcome)] = ensure_version_pdfs(runtime, [version_id])
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def ensure_version_pdfs(runtime: Runtime, version_ids: Iterable[uuid.UUID]
                        ) -> Iterator[tuple[uuid.UUID, Any]]:
    """Each version with its stored PDF's row, as soon as it exists, or the exception that
    stopped it (NotFound: the version is gone).

    With PDF processes, renders run in every process while the caller works on the
    PDFs already stored; versions come back in the order given when their renders take as
    long. No database connection is held while a render runs.
    """
    pool = pdf_processes.pool()
    # Two per process: the next render waits queued, so no child idles while this
    # process stores a PDF and settles its deliveries.
    width = 2 * pool.size if pool is not None else 1
    waiting = deque(version_ids)
    running: dict[Future[bytes], Job] = {}
    while waiting or running:
        while waiting and len(running) < width:
            version_id = waiting.popleft()
            try:
                inputs = _inputs(runtime, version_id)
            except NotFound as exc:
                yield version_id, exc
                continue
            if not isinstance(inputs, tuple):  # rendered already
                yield version_id, inputs
                continue
            running[start_render(pool, *inputs)] = (version_id, inputs, 1)
        if not running:
            continue
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in [f for f in running if f in done]:  # in the order they were started
            outcome = _finished(runtime, pool, future, running.pop(future), running)
            if outcome is not None:
                yield outcome


Job = tuple[uuid.UUID, tuple[Any, Any], int]  # version, render inputs, tries so far


def _finished(runtime: Runtime, pool: pdf_processes.RenderPool | None, future: Future[bytes],
              job: Job, running: dict[Future[bytes], Job]) -> tuple[uuid.UUID, Any] | None:
    """A render that ended: its version and stored row or exception; None when a dead
    child's render was started again (its pool is replaced)."""
    version_id, inputs, tries = job
    try:
        pdf = future.result()
    except pdf_processes.BrokenProcessPool as exc:
        if tries < TRIES:
            running[start_render(pool, *inputs)] = (version_id, inputs, tries + 1)
            return None
        return version_id, exc
    except Exception as exc:
        return version_id, exc
    try:
        return version_id, _store(runtime, version_id, pdf)
    except NotFound as exc:
        return version_id, exc


def start_render(pool: pdf_processes.RenderPool | None, content: Any,
                 options: dict[str, Any]) -> Future[bytes]:
    """The render of one version, in a child process, or here and now without a pool."""
    if pool is not None:
        return pool.submit(content, options)
    future: Future[bytes] = Future()
    try:
        future.set_result(render_dossier_pdf(content, **options))
    except Exception as exc:
        future.set_exception(exc)
    return future


def _inputs(runtime: Runtime, version_id: uuid.UUID) -> Any:
    """The stored PDF's row if there is one, else what to render it from."""
    with runtime.sessions() as db:
        existing = rendered_pdf(db=db, version_id=version_id)
        if existing is not None:
            return existing
        return pdf_inputs(db=db, version_id=version_id)


def _store(runtime: Runtime, version_id: uuid.UUID, pdf: bytes) -> Any:
    """Keep a rendered PDF and its row (or the row someone else saved first)."""

    def record(db: Session, stored: StoredObject) -> Any:
        return record_pdf(db=db, version_id=version_id, key=stored.key, sha256=stored.sha256,
                          size=stored.size)

    try:
        # If the row cannot be saved, `attach` removes the bytes it wrote (personal data).
        return objects.attach(sessions=runtime.sessions, store=runtime.store,
                              put=lambda: runtime.store.put_stream([pdf]), record=record)
    except IntegrityError as exc:  # rendered concurrently by another run: keep theirs
        with runtime.sessions() as db:
            theirs = rendered_pdf(db=db, version_id=version_id)
        if theirs is None:  # the version went while this one was saved
            raise NotFound("dossier_not_found") from exc
        return theirs

"""The pipeline's exports from the staff pages: direct downloads, and exports of many dossiers
in a background thread with a page that shows their progress (app/exports.py writes them)."""

from __future__ import annotations

import logging
import secrets
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal

from babel.numbers import format_percent
from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse

from app import exports
from app.deps import SessionDep, StateDep
from app.web.common.deps import Csrf
from app.web.common.templating import page_lang, render
from app.web.staff.common import ExportsUser, number
from dossier.catalogue import N_, _
from dossier.db import Sessions, utcnow
from dossier.errors import NotFound
from dossier.formatting import PARIS
from dossier.models import User
from dossier.services import partners as catalogue
from dossier.services import pipeline as stats
from forms.text import babel_locale

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
Format = Literal["csv", "xlsx"]
Shape = Annotated[exports.Shape, Query(alias="format")]
JobId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{16,64}$")]


@dataclass
class ExportJob:
    """One export: who asked, how far it is, and the file once it is ready."""

    id: str
    owner: uuid.UUID
    fmt: str
    who: str = ""
    lang: str = "fr"
    started_at: datetime = field(default_factory=utcnow)
    created: float = field(default_factory=time.monotonic)
    status: str = "pending"  # pending, running, done, failed
    done: int = 0
    total: int | None = None
    content: bytes | None = None

    @property
    def percent(self) -> int:
        """0 to 100; 100 only once the file is ready."""
        if self.status == "done":
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)


class ExportJobs:
    """The in-memory registry of export jobs, keyed by a random id, each seen by its owner only."""

    def __init__(self, ttl: float = 3600, per_owner: int = 5):
        self.ttl, self.per_owner = ttl, per_owner
        self._jobs: dict[str, ExportJob] = {}
        self._lock = threading.Lock()

    def start(self, *, owner: uuid.UUID, fmt: str, sessions: Sessions, who: str = "",
              lang: str = "fr") -> ExportJob:
        """Register a job and run it in a daemon thread."""
        job = ExportJob(id=secrets.token_urlsafe(18), owner=owner, fmt=fmt, who=who, lang=lang)
        with self._lock:
            self._forget_old(owner)
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, sessions), daemon=True,
                         name=f"export-{job.id[:6]}").start()
        return job

    def get(self, job_id: str, owner: uuid.UUID) -> ExportJob | None:
        """The job, if it exists and belongs to this user."""
        job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def of(self, owner: uuid.UUID) -> list[ExportJob]:
        """This user's jobs, newest first."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.owner == owner]
        return sorted(jobs, key=lambda j: -j.created)

    def _forget_old(self, owner: uuid.UUID) -> None:
        now = time.monotonic()
        for job_id, job in list(self._jobs.items()):
            if now - job.created > self.ttl:
                del self._jobs[job_id]
        mine = sorted((j for j in self._jobs.values() if j.owner == owner),
                      key=lambda j: j.created)
        for job in mine[:max(0, len(mine) - self.per_owner + 1)]:
            del self._jobs[job.id]

    @staticmethod
    def _run(job: ExportJob, sessions: Sessions) -> None:
        def progress(done: int) -> None:
            job.done = done

        try:
            with sessions() as db, tempfile.TemporaryFile() as fh:
                summary = stats.pipeline(db=db)
                job.total = sum(summary["totals"].values())
                job.status = "running"
                rows = stats.export_rows(db=db)
                ctx = exports.Context(names=catalogue.partner_names(db=db), who=job.who,
                                      at=job.started_at, lang=job.lang)
                if job.fmt == "csv":
                    exports.write_csv(fh, rows, progress, ctx)
                else:
                    exports.write_xlsx(fh, summary["partners"], rows, progress, ctx)
                fh.seek(0)
                job.content = fh.read()
            job.total = max(job.total or 0, job.done)
            job.status = "done"
        except Exception:
            log.exception("export %s failed", job.id)
            job.status = "failed"


JOBS = ExportJobs()


def who(user: User) -> str:
    """How the "Lisez-moi" sheet names the person who exported."""
    return f"{user.full_name} <{user.email}>" if user.full_name else user.email


def context(request: Request, user: User, db, shape: exports.Shape) -> exports.Context:
    """Who exports, in which language, with the partners' names."""
    return exports.Context(shape=shape, names=catalogue.partner_names(db=db), who=who(user),
                           lang=page_lang(request))


@router.get("/staff/export.csv")
def export_csv(request: Request, user: ExportsUser, db: SessionDep,
               shape: Shape = "fr") -> StreamingResponse:
    """Every route as a CSV line: the same file as GET /api/v1/pipeline/export.csv."""
    return exports.csv_response(stats.export_rows(db=db), context(request, user, db, shape))


@router.get("/staff/export.xlsx")
def export_xlsx(request: Request, user: ExportsUser, db: SessionDep,
                shape: Shape = "fr") -> Response:
    """The partners' summary and every route: the same workbook as the API's."""
    return exports.xlsx_response(stats.pipeline(db=db)["partners"], stats.export_rows(db=db),
                                 context(request, user, db, shape))


def _job(job_id: str, user) -> ExportJob:
    job = JOBS.get(job_id, user.id)
    if job is None:
        raise NotFound()
    return job


def _status(job: ExportJob, lang: str) -> dict[str, object]:
    message = {"pending": N_("Waiting…"), "running": N_("Being prepared…"),
               "done": N_("Export ready."),
               "failed": N_("The export failed; start it again.")}[job.status]
    rows = (f"{number(job.done, lang)} {_('rows written out of', lang)} "
            f"{number(job.total, lang)}") if job.total is not None else ""
    return {"id": job.id, "format": job.fmt, "status": job.status, "done": job.done,
            "started": job.started_at.astimezone(PARIS),
            "total": job.total, "percent": job.percent,
            "percent_text": format_percent(job.percent / 100, locale=babel_locale(lang)),
            "message": _(message, lang), "rows": rows,
            "download": f"/staff/exports/{job.id}/download" if job.status == "done" else None}


@router.get("/staff/exports")
def exports_page(request: Request, user: ExportsUser):
    """Start an export; list this user's recent ones."""
    lang = page_lang(request)
    return render(request, "staff/exports.html", section="exports",
                  jobs=[(job, _status(job, lang)) for job in JOBS.of(user.id)])


@router.post("/staff/exports", dependencies=[Csrf])
def start_export(request: Request, user: ExportsUser, state: StateDep,
                 format: Annotated[Format, Form()]):
    """Start an export in the background, then show its progress."""
    job = JOBS.start(owner=user.id, fmt=format, sessions=state.sessions, who=who(user),
                     lang=page_lang(request))
    return RedirectResponse(f"/staff/exports/{job.id}", status_code=303)


@router.get("/staff/exports/{job_id}")
def export_page(request: Request, user: ExportsUser, job_id: JobId):
    """The export's progress (refreshed by a small script, or by the refresh link)."""
    job = _job(job_id, user)
    return render(request, "staff/export_job.html", section="exports", job=job,
                  status=_status(job, page_lang(request)))


@router.get("/staff/exports/{job_id}/status")
def export_status(request: Request, user: ExportsUser, job_id: JobId) -> JSONResponse:
    """The export's progress as JSON, for the page's script."""
    job = _job(job_id, user)
    status = _status(job, page_lang(request))
    status["started"] = status["started"].isoformat()
    return JSONResponse(status, headers={"Cache-Control": "no-store"})


@router.get("/staff/exports/{job_id}/download")
def export_download(user: ExportsUser, job_id: JobId) -> Response:
    """The finished file; back to the progress page while it is not ready."""
    job = _job(job_id, user)
    if job.status != "done" or job.content is None:
        return RedirectResponse(f"/staff/exports/{job.id}", status_code=303)
    return Response(job.content, media_type=exports.MEDIA_TYPES[job.fmt], headers={
        "Content-Disposition": f'attachment; filename="{exports.filename(job.fmt)}"',
        "Cache-Control": "private, no-store"})

"""Staff: the pipeline across partners, and its exports."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from app import exports
from app.deps import SessionDep, StateDep, role_required
from app.exports import COLUMNS, XLSX
from app.openapi import problems
from dossier.models import Role, User
from dossier.services import pipeline as stats

router = APIRouter(tags=["staff"])
StaffUser = Annotated[User, Depends(role_required(Role.staff))]
__all__ = ["COLUMNS", "XLSX", "router"]
log = logging.getLogger(__name__)
STUCK_SHOWN = 100
FRESH_SECONDS = 30.0


class _LastPipeline:
    """The last computed pipeline of one app; a stale copy is refreshed in the background.

    Aggregating every route costs about a second at 600 000 routes: computing it at most
    once per FRESH_SECONDS, not once per request, keeps the endpoint fast for many staff.
    """

    def __init__(self) -> None:
        self.value: dict[str, Any] | None = None
        self.computed_at = 0.0
        self.lock = threading.Lock()

    def get(self, db: Session, sessions: sessionmaker[Session]) -> dict[str, Any]:
        if self.value is None:
            # The first request computes with its own session: those waiting hold theirs.
            with self.lock:
                if self.value is None:
                    self._compute(db)
        elif (time.monotonic() - self.computed_at > FRESH_SECONDS
              and self.lock.acquire(blocking=False)):
            threading.Thread(target=self._refresh_then_release, args=(sessions,),
                             name="pipeline-refresh", daemon=True).start()
        return self.value

    def _refresh_then_release(self, sessions: sessionmaker[Session]) -> None:
        try:
            with sessions() as db:
                self._compute(db)
        except Exception:  # the stale copy stays; the next request tries again
            log.exception("refreshing the pipeline failed")
        finally:
            self.lock.release()

    def _compute(self, db: Session) -> None:
        self.value = {**stats.pipeline(db=db),
                      "stuck": stats.stuck_routes(db=db, limit=STUCK_SHOWN),
                      "stuck_total": stats.count_stuck(db=db)}
        self.computed_at = time.monotonic()


_last: weakref.WeakKeyDictionary[sessionmaker[Session], _LastPipeline] = (
    weakref.WeakKeyDictionary())
_last_lock = threading.Lock()


@router.get("/pipeline", responses=problems(403))
def pipeline(user: StaffUser, db: SessionDep, state: StateDep) -> dict[str, Any]:
    """Counts per state, and per partner: volumes, medians, SLA breaches, amounts.

    Computed at most every 30 seconds (`generated_at` says when); `stuck` lists the 100
    routes waiting longest past their partner's SLA and `stuck_total` counts them all.
    """
    with _last_lock:
        last = _last.setdefault(state.sessions, _LastPipeline())
    return last.get(db, state.sessions)


@router.get("/pipeline/export.csv", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}}, **problems(403)})
def export_csv(user: StaffUser, db: SessionDep) -> StreamingResponse:
    """Every route as a CSV line (UTF-8, `;`-separated for French spreadsheets)."""
    return exports.csv_response(stats.export_rows(db=db))


@router.get("/pipeline/export.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}}, **problems(403)})
def export_xlsx(user: StaffUser, db: SessionDep) -> Response:
    """The partners' summary and every route, as an XLSX workbook."""
    return exports.xlsx_response(stats.pipeline(db=db)["partners"], stats.export_rows(db=db))

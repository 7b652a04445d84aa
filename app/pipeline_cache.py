"""The last computed staff pipeline of an app, shared by the API and the dashboard."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from dossier.services import pipeline as stats

log = logging.getLogger(__name__)
STUCK_SHOWN = 100
FRESH_SECONDS = 30.0


class LastPipeline:
    """The last computed pipeline of one app; a stale copy is refreshed in the background.

    Aggregating every route costs about a second at 600 000 routes: computing it at most
    once per FRESH_SECONDS, not once per request, keeps the endpoint fast for many staff.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.value: dict[str, Any] | None = None
        self.computed_at = 0.0
        self.lock = threading.Lock()

    def get(self, db: Session) -> dict[str, Any]:
        """The pipeline computed at most FRESH_SECONDS ago (`generated_at` says when)."""
        if self.value is None:
            # The first request computes with its own session: those waiting hold theirs.
            with self.lock:
                if self.value is None:
                    self._compute(db)
        elif (time.monotonic() - self.computed_at > FRESH_SECONDS
              and self.lock.acquire(blocking=False)):
            threading.Thread(target=self._refresh_then_release, name="pipeline-refresh",
                             daemon=True).start()
        return self.value

    def _refresh_then_release(self) -> None:
        try:
            with self.sessions() as db:
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

"""Versions to route: services note them in the transaction, one hook hands them on at commit.

A service that writes a routing request (the outbox row) calls `route_after_commit`; the
hook `dispatch_after_commit`, installed once on the session factory at start-up, gives
each noted version to the dispatcher after the transaction commits, and forgets them if it
rolls back. The outbox row is the guarantee: a hand-on lost with a crashed process is
found by the dispatcher's reconciliation.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
TO_ROUTE = "to_route"  # session.info key: version ids written to the outbox, not yet handed on


def route_after_commit(db: Session, version_id: uuid.UUID | str) -> None:
    """Route this version once the transaction commits (never if it rolls back)."""
    noted: list[str] = db.info.setdefault(TO_ROUTE, [])
    if str(version_id) not in noted:
        noted.append(str(version_id))


def dispatch_after_commit(sessions: sessionmaker[Session], route: Callable[[str], Any]
                          ) -> None:
    """Install the hook on a session factory: after each commit, `route` every noted version."""

    def committed(session: Session) -> None:
        for version_id in session.info.pop(TO_ROUTE, []):
            try:
                route(version_id)
            except Exception:  # committed already: reconciliation routes it later
                log.exception("could not hand version %s to the dispatcher", version_id)

    def ended(session: Session, transaction: Any) -> None:
        if transaction.parent is None:  # rolled back or closed uncommitted: nothing to route
            session.info.pop(TO_ROUTE, None)

    event.listen(sessions, "after_commit", committed)  # runs before the transaction ends
    event.listen(sessions, "after_transaction_end", ended)

"""The caller's own notifications: list them, mark one or all read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from app.deps import CurrentUser, SessionDep
from app.openapi import problems
from dossier.services import notifications

router = APIRouter(tags=["notifications"])


class NotificationOut(BaseModel):
    """Something the user should know; also sent by e-mail when SMTP is configured."""

    id: str
    kind: str
    subject: str
    body: str
    route_id: str | None
    link: str | None
    created_at: str
    read_at: str | None
    emailed_at: str | None


class NotificationList(BaseModel):
    """A page of notifications, newest first, and the number still unread."""

    items: list[NotificationOut]
    unread: int
    page: int
    page_size: int


@router.get("/notifications", response_model=NotificationList)
def list_notifications(user: CurrentUser, db: SessionDep,
                       unread: Annotated[bool | None, Query()] = None,
                       page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                       page_size: Annotated[int, Query(ge=1, le=200)] = 50) -> Any:
    """The caller's own notifications, newest first; `unread=true` keeps the unread ones."""
    items, count = notifications.for_user(db=db, user=user, unread=unread, page=page,
                                          page_size=page_size)
    return {"items": [notifications.view(n) for n in items], "unread": count, "page": page,
            "page_size": page_size}


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut,
             responses=problems(404))
def read_notification(notification_id: str, user: CurrentUser, db: SessionDep) -> Any:
    """Mark one of the caller's notifications read (404 for anyone else's)."""
    return notifications.view(notifications.mark_read(db=db, user=user,
                                                      notification_id=notification_id))


class ReadAll(BaseModel):
    """How many notifications were marked read, and how many remain unread (none)."""

    marked: int
    unread: int


@router.post("/notifications/read-all", response_model=ReadAll)
def read_all_notifications(user: CurrentUser, db: SessionDep) -> Any:
    """Mark every one of the caller's notifications read."""
    marked = notifications.mark_all_read(db=db, user=user)
    return {"marked": marked, "unread": notifications.unread_count(db=db, user=user)}

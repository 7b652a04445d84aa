"""Every audience's notifications page (the header bell leads here) and the e-mail settings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep
from app.web.common.deps import Csrf, PageUser
from app.web.common.templating import render
from dossier.db import DbSession
from dossier.models import Role, User
from dossier.services import notifications

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
# Each audience's pages wrap the list in their own header, navigation and styles.
LAYOUTS = {Role.founder: "founder/_base.html", Role.reviewer: "reviewer/_base.html",
           Role.staff: "staff/_layout.html"}


def seen(request: Request, db: DbSession, user: User, route_ids: Iterable[Any]) -> None:
    """The page of these routes is open: what the user was told about them is read, and the
    header's bell counts what is left."""
    if notifications.mark_routes_read(db=db, user=user, route_ids=list(route_ids)):
        request.state.unread = notifications.unread_count(db=db, user=user)


def _safe(link: str | None) -> str:
    """A notification's own page (always a path of this site), else the list."""
    if link and link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return "/notifications"


@router.get("/notifications")
def notifications_page(request: Request, user: PageUser, db: SessionDep,
                       page: Annotated[int, Query(ge=1, le=10_000)] = 1,
                       done: Annotated[str, Query(max_length=20)] = ""):
    """The person's notifications, newest first, unread ones marked."""
    items, unread = notifications.for_user(db=db, user=user, page=page, page_size=PAGE_SIZE + 1)
    return render(request, "notifications.html", layout=LAYOUTS.get(user.role, "base.html"),
                  items=items[:PAGE_SIZE], more=len(items) > PAGE_SIZE, page=page,
                  unread=unread, done=done if done in ("read", "all", "prefs") else "",
                  section="notifications")


@router.post("/notifications/{notification_id}/read", dependencies=[Csrf])
def read_one(notification_id: str, user: PageUser, db: SessionDep,
             go: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Mark one read; then open what it is about, or come back to the list."""
    row = notifications.mark_read(db=db, user=user, notification_id=notification_id)
    target = _safe(row.link) if go == "open" else "/notifications?done=read"
    return RedirectResponse(target, status_code=303)


@router.post("/notifications/read-all", dependencies=[Csrf])
def read_all(user: PageUser, db: SessionDep) -> Response:
    """Mark every notification read."""
    notifications.mark_all_read(db=db, user=user)
    return RedirectResponse("/notifications?done=all", status_code=303)


@router.get("/account/notifications")
def settings_page(request: Request, user: PageUser, db: SessionDep,
                  saved: Annotated[str, Query(max_length=5)] = ""):
    """Whether notifications also come by e-mail, and in which language."""
    return render(request, "account_notifications.html",
                  layout=LAYOUTS.get(user.role, "base.html"), saved=bool(saved),
                  section="notifications")


@router.post("/account/notifications", dependencies=[Csrf])
def save_settings(user: PageUser, db: SessionDep,
                  email: Annotated[str, Form(max_length=5)] = "",
                  language: Annotated[str, Form(max_length=5)] = "") -> Response:
    """Turn the e-mails on or off (the notifications stay in the app either way)."""
    notifications.set_preferences(db=db, user=user, email=email == "on", language=language)
    return RedirectResponse("/account/notifications?saved=1", status_code=303)

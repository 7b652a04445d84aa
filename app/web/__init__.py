"""Server-rendered pages for founders, reviewers, invited experts and staff (French first)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from app.web.common import account, auth, committees
from app.web.common import notifications as notification_pages
from app.web.common.deps import SESSION_COOKIE, LoginRequired
from app.web.common.security import SecurityHeaders
from app.web.expert import pages as expert
from app.web.founder import pages as founder
from app.web.founder import team as founder_team
from app.web.reviewer import opinions as reviewer_opinions
from app.web.reviewer import pages as reviewer
from app.web.staff import invitations as staff_invitations
from app.web.staff import pages as staff

STATIC = Path(__file__).resolve().parents[1] / "static"
PAGE_ROUTERS = [auth.router, account.router, notification_pages.router, founder.router,
                founder_team.router, reviewer.router, reviewer_opinions.router, expert.router,
                staff.router, staff_invitations.router, committees.router]


def install(app: FastAPI) -> None:
    """Mount the pages, the static files and the security headers."""
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in PAGE_ROUTERS:
        app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        login = f"/login?next={quote(exc.next_url, safe='/')}"
        if request.cookies.get(SESSION_COOKIE):
            login += "&expired=1"  # a session ended (elsewhere, or by time): the page says so
        if "application/json" in request.headers.get("accept", "") \
                and "text/html" not in request.headers.get("accept", ""):
            # A page's script (the wizard's autosave): say so, instead of a login page it
            # cannot read; it keeps what was typed and offers to log in again.
            return JSONResponse({"error": "login_required", "login": login}, status_code=401)
        return RedirectResponse(login, status_code=303)

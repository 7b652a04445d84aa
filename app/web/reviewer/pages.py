"""Pages of the reviewer area: the partner's inbox and the dossier page of one route."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request

from app.deps import SessionDep
from app.web.common.deps import ReviewerPage, ReviewerRoute
from app.web.common.notifications import seen
from app.web.common.templating import page_lang, render
from app.web.reviewer import actions as reviewer_actions
from app.web.reviewer import decisions as reviewer_decisions
from app.web.reviewer import files as reviewer_files
from app.web.reviewer.view import render_route
from dossier.access import Action
from dossier.catalogue import _
from dossier.db import utcnow
from dossier.models import Partner
from dossier.routing.machine import VISIBLE_TO_PARTNER, State
from dossier.services import inbox as inboxes
from dossier.services import notes, routes
from dossier.sla import late, sla_days
from forms.enums import ENUMS
from forms.numbers import NumberError, parse_number

router = APIRouter(include_in_schema=False)
router.include_router(reviewer_actions.router)
router.include_router(reviewer_files.router)
router.include_router(reviewer_decisions.router)

PAGE_SIZE = 25
STATES = [s.value for s in State if s in VISIBLE_TO_PARTNER]
AGES = {"week": (None, 7), "month": (7, 30), "older": (30, None)}
Q = Annotated[str, Query(max_length=200)]


def euros_to_cents(value: str) -> int | None:
    """An amount typed in a filter, in cents; NumberError or ValueError if unreadable."""
    amount = parse_number(value)
    if amount is None:
        return None
    if amount < 0 or amount > Decimal(10) ** 12:
        raise ValueError(value)
    return int(amount * 100)


@router.get("/reviewer")
def inbox_page(request: Request, user: ReviewerPage, db: SessionDep, q: Q = "",
               state: Q = "", sector: Q = "", amount_min: Q = "", amount_max: Q = "",
               age: Q = "", page: Annotated[int, Query(ge=1, le=10_000)] = 1):
    """The partner's routes, longest waiting first, with filters and search."""
    lang = page_lang(request)
    errors: dict[str, str] = {}
    bounds: dict[str, int | None] = {}
    for name, raw in (("amount_min", amount_min), ("amount_max", amount_max)):
        try:
            bounds[name] = euros_to_cents(raw)
        except NumberError as exc:
            bounds[name], errors[name] = None, exc.message(lang)
        except ValueError:
            bounds[name], errors[name] = None, _("Amount not understood: write a number, "
                                                 "e.g. 150000.", lang)
    min_days, max_days = AGES.get(age, (None, None))
    result = inboxes.inbox(db=db, partner=user.partner_code, state=state or None,
                           q=q.strip() or None, sector=sector or None, page=page,
                           page_size=PAGE_SIZE, amount_min_cents=bounds["amount_min"],
                           amount_max_cents=bounds["amount_max"], min_days=min_days,
                           max_days=max_days)
    partner = db.get(Partner, user.partner_code)
    sla = sla_days(partner)
    now = utcnow()
    ids = [i["id"] for i in result["items"]]
    who = notes.assignees(db=db, partner=user.partner_code, route_ids=ids)
    activity = inboxes.unseen_activity(db=db, route_ids=ids)
    items = []
    for i in result["items"]:
        delivered = datetime.fromisoformat(i["delivered_at"]) if i["delivered_at"] else None
        items.append({**i, "delivered": delivered, "assignee": who.get(i["id"]),
                      "overdue": late(i["state"], delivered, sla, now),
                      "activity": activity.get(i["id"], set())})
    filters = {"q": q, "state": state, "sector": sector, "amount_min": amount_min,
               "amount_max": amount_max, "age": age}
    kept = {k: v for k, v in filters.items() if v}
    pages = max(1, math.ceil(result["total"] / PAGE_SIZE))

    def page_url(number: int) -> str:
        return "/reviewer?" + urlencode({**kept, "page": number})

    return render(request, "reviewer/inbox.html", items=items, total=result["total"],
                  page=page, pages=pages, page_url=page_url, filters=filters,
                  filtered=bool(kept), errors=errors, partner=partner, sla=sla,
                  states=STATES, sectors=list(ENUMS["sector"]), ages=list(AGES))


@router.get("/reviewer/routes/{rid}")
def route_page(route: ReviewerRoute(Action.open_route), request: Request, user: ReviewerPage,
               db: SessionDep, done: Q = "", decision: Q = ""):
    """The dossier as sent, what changed, files, forms; opening it marks it read."""
    history = routes.events(db=db, route=route)
    baseline = routes.open_route(db=db, route=route, user=user, via="web", history=history)
    seen(request, db, user, [route.id])
    return render_route(request, db=db, route=route, user=user, baseline=baseline,
                        history=history,
                        done=done, decision=decision)

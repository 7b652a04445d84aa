"""The reviewer's forms: start the review, ask for information, propose to the committee,
decide (a committee member: with the minutes), write, note, assign."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep
from app.web.common.deps import Csrf, ReviewerPage, ReviewerRoute
from app.web.common.templating import page_lang
from app.web.reviewer.decisions import conditional_on
from app.web.reviewer.view import field_errors, render_route
from dossier.access import Action
from dossier.catalogue import _
from dossier.errors import Conflict, Invalid
from dossier.models import Route, User
from dossier.services import notes, routes
from forms.numbers import typed_decimals

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=20_000)]
STATUS = {Conflict: 409, Invalid: 422}


def _done(route: Route, what: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/reviewer/routes/{route.id}?done={what}{anchor}", status_code=303)


def _failed(request: Request, db, route: Route, user: User, form: str, exc: Conflict | Invalid,
            values: dict[str, Any], decision: str | None = None) -> Response:
    """Show the page again with the form's values and its errors in words."""
    lang = page_lang(request)
    return render_route(request, db=db, route=route, user=user,
                        errors={form: field_errors(exc, lang)}, values={form: values},
                        status=STATUS.get(type(exc), 400), decision=decision)


def _event(request: Request, db, route: Route, user: User, form: str, body: dict[str, Any],
           values: dict[str, Any], decision: str | None = None) -> Response | None:
    try:
        routes.reviewer_event(db=db, route=route, user=user, body=body)
    except (Conflict, Invalid) as exc:
        return _failed(request, db, route, user, form, exc, values, decision)
    return None


@router.post("/reviewer/routes/{rid}/in-review", dependencies=[Csrf])
def start_review(route: ReviewerRoute(Action.review), request: Request, user: ReviewerPage,
                 db: SessionDep):
    """Commencer l'instruction."""
    failed = _event(request, db, route, user, "start", {"type": "in_review"}, {})
    return failed or _done(route, "in_review")


@router.post("/reviewer/routes/{rid}/info-request", dependencies=[Csrf])
def info_request(route: ReviewerRoute(Action.ask_info), request: Request, user: ReviewerPage,
                 db: SessionDep,
                 request_kind: Short = "", message: Long = "", attachment_id: Short = ""):
    """A typed request for information to the founder, naming a document to replace if any."""
    values = {"request_kind": request_kind, "message": message, "attachment_id": attachment_id}
    body = {"type": "info_requested", "request_kind": request_kind, "message": message}
    if attachment_id:
        body["attachment_id"] = attachment_id
    failed = _event(request, db, route, user, "info", body, values)
    return failed or _done(route, "info_requested")


@router.post("/reviewer/routes/{rid}/decision", dependencies=[Csrf])
def decide(route: ReviewerRoute(Action.decide), request: Request, user: ReviewerPage,
           db: SessionDep,
           outcome: Short = "", instrument: Short = "", amount_eur: Short = "",
           rate_pct: Short = "", duration_months: Short = "", conditions: Long = "",
           reason: Short = "", comment: Long = "", condition_partner: Short = "",
           condition_min_eur: Short = "", minutes: Long = ""):
    """Approve with terms (perhaps conditional on another partner), or decline with a reason
    (the committee: with its minutes)."""
    values = {"instrument": instrument, "amount_eur": amount_eur, "rate_pct": rate_pct,
              "duration_months": duration_months, "conditions": conditions,
              "reason": reason, "comment": comment, "condition_partner": condition_partner,
              "condition_min_eur": condition_min_eur, "minutes": minutes}
    if outcome == "approve":
        try:
            numbers = typed_decimals({"amount_eur": amount_eur, "rate_pct": rate_pct,
                                      "duration_months": duration_months})
            condition = conditional_on(condition_partner, condition_min_eur)
        except Invalid as exc:
            return _failed(request, db, route, user, "decision", exc, values, outcome)
        body = {"type": "approved", "instrument": instrument, **numbers,
                "conditions": conditions.strip() or None, "conditional_on": condition or None}
    elif outcome == "decline":
        body = {"type": "declined", "reason": reason, "comment": comment.strip() or None}
    else:
        return render_route(request, db=db, route=route, user=user, status=422,
                            errors={"decision": {"_": _("Choose to approve or decline.",
                                                        page_lang(request))}},
                            values={"decision": values})
    body = {**body, "minutes": minutes.strip() or None}
    body = {k: v for k, v in body.items() if v is not None}
    failed = _event(request, db, route, user, "decision", body, values, decision=outcome)
    return failed or _done(route, body["type"])


@router.post("/reviewer/routes/{rid}/recommendation", dependencies=[Csrf])
def recommend(route: ReviewerRoute(Action.decide), request: Request, user: ReviewerPage,
              db: SessionDep,
              recommendation: Short = "", instrument: Short = "", amount_eur: Short = "",
              rate_pct: Short = "", duration_months: Short = "", conditions: Long = "",
              reason: Short = "", comment: Long = "", committee_date: Short = ""):
    """Propose the dossier to the partner's committee: approve or decline, the terms, the
    committee's day."""
    values = {"recommendation": recommendation, "instrument": instrument,
              "amount_eur": amount_eur, "rate_pct": rate_pct,
              "duration_months": duration_months, "conditions": conditions, "reason": reason,
              "comment": comment, "committee_date": committee_date}
    try:
        numbers = typed_decimals({"amount_eur": amount_eur, "rate_pct": rate_pct,
                                  "duration_months": duration_months})
    except Invalid as exc:
        return _failed(request, db, route, user, "committee", exc, values)
    body = {"type": "recommended", "recommendation": recommendation,
            "instrument": instrument or None, **numbers, "conditions": conditions.strip() or None,
            "reason": (reason or None) if recommendation == "decline" else None,
            "comment": comment.strip() or None, "committee_date": committee_date}
    failed = _event(request, db, route, user, "committee",
                    {k: v for k, v in body.items() if v is not None}, values)
    return failed or _done(route, "recommended", "#committee")


def _attempt(request: Request, db, route: Route, user: User, form: str, values: dict[str, Any],
             act: Callable[[], Any], done: str) -> Response:
    """Do the form's action; the page again with its errors, or back to the page's anchor."""
    try:
        act()
    except (Conflict, Invalid) as exc:
        return _failed(request, db, route, user, form, exc, values)
    return _done(route, done, ANCHORS[form])


ANCHORS = {"message": "#messages", "note": "#notes", "assign": "#assign"}


@router.post("/reviewer/routes/{rid}/messages", dependencies=[Csrf])
def write(route: ReviewerRoute(Action.write_message), request: Request, user: ReviewerPage,
          db: SessionDep, body: Long = ""):
    """A message to the founder."""
    return _attempt(request, db, route, user, "message", {"body": body}, partial(
        routes.post_message, db=db, route=route, user=user, body={"body": body}), "message")


@router.post("/reviewer/routes/{rid}/notes", dependencies=[Csrf])
def add_note(route: ReviewerRoute(Action.write_note), request: Request, user: ReviewerPage,
             db: SessionDep, body: Long = ""):
    """An internal note, seen only by the partner's reviewers."""
    return _attempt(request, db, route, user, "note", {"body": body}, partial(
        notes.add_note, db=db, route=route, user=user, body=body), "note")


@router.post("/reviewer/routes/{rid}/assign", dependencies=[Csrf])
def assign(route: ReviewerRoute(Action.write_note), request: Request, user: ReviewerPage,
           db: SessionDep, assignee: Short = ""):
    """Give the route to a colleague of the same partner (or to nobody)."""
    return _attempt(request, db, route, user, "assign", {"assignee": assignee}, partial(
        notes.assign, db=db, route=route, user=user, assignee_id=assignee), "assigned")

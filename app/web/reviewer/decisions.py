"""The reviewer's forms after a decision: revise it within the window, record a tranche paid;
and the condition an approval may carry on another partner."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep
from app.web.common.deps import Csrf, ReviewerPage, ReviewerRoute
from app.web.common.templating import page_lang
from app.web.reviewer.after import revision_days
from app.web.reviewer.view import field_errors, render_route
from dossier.access import Action
from dossier.catalogue import _
from dossier.errors import Conflict, FieldError, Invalid
from dossier.formatting import format_money
from dossier.models import Route, User
from dossier.services import routes
from forms.numbers import typed_decimals

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=20_000)]
STATUS = {Conflict: 409, Invalid: 422}
# where the service names a revision's field, and the form's name for it
REVISION_FIELDS = {"reason": "motive", "decision.reason": "decline_reason",
                   "decision.comment": "comment"}


def conditional_on(partner: str, min_eur: str) -> list[dict[str, str]]:
    """The approve form's condition on another partner (none when no partner is chosen);
    Invalid naming `condition_min_eur` or `condition_partner`."""
    amount = typed_decimals({"condition_min_eur": min_eur})["condition_min_eur"]
    if amount is not None and Decimal(amount) <= 0:
        raise Invalid(errors=[FieldError("condition_min_eur", "greater_than", {"gt": "0"})])
    if not partner.strip():
        if amount is not None:
            raise Invalid(errors=[FieldError("condition_partner", "missing")])
        return []
    return [{"partner": partner.strip(), **({"min_amount_eur": amount} if amount else {})}]


def _renamed(exc: Invalid | Conflict, names: dict[str, str]) -> Invalid | Conflict:
    """The error with the service's field names turned into the form's."""
    if not exc.errors:
        return exc
    out = []
    for e in exc.errors:
        loc = e.loc.replace("decision.approved.", "decision.").replace(
            "decision.declined.", "decision.")
        out.append(FieldError(names.get(loc, loc.removeprefix("decision.")), e.code, e.ctx,
                              e.fallback))
    return type(exc)(exc.code, exc.ctx, out)


def _again(request: Request, db, route: Route, user: User, form: str,
           errors: dict[str, str], values: dict[str, Any], status: int) -> Response:
    return render_route(request, db=db, route=route, user=user, errors={form: errors},
                        values={form: values}, status=status)


def _done(route: Route, what: str, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"/reviewer/routes/{route.id}?done={what}#{anchor}", status_code=303)


@router.post("/reviewer/routes/{rid}/revision", dependencies=[Csrf])
def revise(route: ReviewerRoute(Action.decide), request: Request, user: ReviewerPage,
           db: SessionDep, outcome: Short = "", instrument: Short = "", amount_eur: Short = "",
           rate_pct: Short = "", duration_months: Short = "", decline_reason: Short = "",
           comment: Long = "", motive: Long = ""):
    """Take the decision again, for a reason, within the revision window."""
    lang = page_lang(request)
    values = {"outcome": outcome, "instrument": instrument, "amount_eur": amount_eur,
              "rate_pct": rate_pct, "duration_months": duration_months,
              "decline_reason": decline_reason, "comment": comment, "motive": motive}
    try:
        if outcome == "approve":
            numbers = typed_decimals({"amount_eur": amount_eur, "rate_pct": rate_pct,
                                      "duration_months": duration_months})
            decision = {"type": "approved", "instrument": instrument, **numbers}
        elif outcome == "decline":
            decision = {"type": "declined", "reason": decline_reason,
                        "comment": comment.strip() or None}
        else:
            raise Invalid(errors=[FieldError("outcome", "missing")])
        body = {"type": "revised", "reason": motive,
                "decision": {k: v for k, v in decision.items() if v is not None}}
        routes.reviewer_event(db=db, route=route, user=user, body=body,
                              revision_days=revision_days(request))
    except (Conflict, Invalid) as exc:
        errors = field_errors(_renamed(exc, REVISION_FIELDS), lang)
        return _again(request, db, route, user, "revise", errors, values,
                      STATUS.get(type(exc), 400))
    return _done(route, "revised", "decision")


@router.post("/reviewer/routes/{rid}/disbursements", dependencies=[Csrf])
def disburse(route: ReviewerRoute(Action.disburse), request: Request, user: ReviewerPage,
             db: SessionDep, amount_eur: Short = "", date: Short = "", label: Short = ""):
    """Record a tranche paid out on the accepted offer (never more than approved)."""
    lang = page_lang(request)
    values = {"amount_eur": amount_eur, "date": date, "label": label}
    try:
        amount = typed_decimals({"amount_eur": amount_eur})["amount_eur"]
        routes.disburse(db=db, route=route, user=user, body={
            "amount_eur": amount, "date": date.strip() or None, "label": label.strip() or None})
    except Conflict as exc:
        if exc.code == "disbursement_exceeds_approved":
            errors = {"amount_eur": _("This payment would exceed the approved amount: "
                                      "{remaining} remain to be paid.", lang).format(
                remaining=format_money(exc.ctx["remaining_eur"], lang))}
        else:
            errors = field_errors(exc, lang)
        return _again(request, db, route, user, "tranche", errors, values, 409)
    except Invalid as exc:
        return _again(request, db, route, user, "tranche", field_errors(exc, lang), values, 422)
    return _done(route, "disbursed", "tranches")

"""The founder's side of a decision, in words: an offer's conditions, its acceptance and the
tranches paid; a revised decision; after a refusal, the other partners and the Médiation du
crédit; the plan's approved, accepted and disbursed columns and its leverage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dossier.catalogue import _, lazy_pgettext
from dossier.decisions import ConditionStatus, holds
from dossier.errors import DomainError
from dossier.labels import in_sentence, label
from dossier.models import Dossier, Route
from dossier.money import ZERO, as_str, from_cents
from dossier.routing.machine import GRANTED_STATES, State
from dossier.services import decisions, referrals
from dossier.services.partners import list_partners
from forms.definition import enum_label
from forms.formatting import fill, format_date, format_money

Terms = Callable[[dict[str, Any], str], list[tuple[str, str]]]


@dataclass
class Condition:
    """One condition of an offer on another partner's approval, and where it stands."""

    text: str
    status: str
    word: str
    partner: str = ""  # the partner whose offer it is


@dataclass
class Tranche:
    """A tranche paid out."""

    paid_on: date
    label: str | None
    amount: Decimal


@dataclass
class Revision:
    """A decision taken again: when, why, and what it said before."""

    at: datetime
    reason: str
    before: str
    before_terms: list[tuple[str, str]]


@dataclass
class Offer:
    """What the founder can do with a partner's decision, and what came of it."""

    conditions: list[Condition] = field(default_factory=list)
    can_accept: bool = False
    blocked: str | None = None  # why an approved offer cannot be accepted yet
    summary: str = ""  # "bank loan of €200,000.00", for the confirmation
    accepted_at: datetime | None = None
    tranches: list[Tranche] = field(default_factory=list)
    approved: Decimal = ZERO
    disbursed: Decimal = ZERO
    revisions: list[Revision] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal:
        """What is still to be paid out of the approved amount."""
        return max(self.approved - self.disbursed, ZERO)


@dataclass
class Proposal:
    """The request the two-click sending makes of another partner."""

    instrument: str
    amount: Decimal | None
    duration: int | None
    like: str | None  # the partner that refused the same request, in words

    def form(self, code: str) -> list[tuple[str, str]]:
        """The partners page's fields for this request (founder/partners.py reads them)."""
        return [(f"instrument.{code}", self.instrument),
                (f"amount.{code}", as_str(self.amount) if self.amount is not None else ""),
                (f"duration.{code}", str(self.duration or ""))]


@dataclass
class Alternative:
    """Another partner the dossier is eligible for and was not sent to."""

    code: str
    name: str
    instruments: list[str]
    sla_days: int | None
    ready: bool
    missing: list[str]  # documents still to provide, in words
    proposal: Proposal | None
    request: str = ""  # the proposal in words


@dataclass
class Referral:
    """A bank's refusal the founder may take to the Médiation du crédit."""

    route: Route
    name: str
    declined_on: datetime | None
    reason: str


@dataclass
class PlanView:
    """The plan's table beyond its sources: approvals outside the plan, conditions not met,
    the leverage in words."""

    extra: list[dict[str, Any]] = field(default_factory=list)
    conditions: dict[str, list[Condition]] = field(default_factory=dict)  # by partner
    failed: list[str] = field(default_factory=list)
    leverage: str | None = None


@dataclass
class Parts:
    """Everything the status page shows of decisions, after yes and after no."""

    offers: dict[str, Offer]
    plan: PlanView
    alternatives: list[Alternative]
    referrals: list[Referral]
    mediation: Route | None
    carried: list[tuple[str, str]]  # the refusal the mediation route carries, label/value
    refused: bool = False


MEDIATION_NAME = lazy_pgettext("fo.mediation", "Credit mediation — Banque de France")


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _money_words(instrument: str | None, amount: Any, lang: str) -> str:
    """"bank loan of €200,000.00" (the instrument alone when there is no amount)."""
    words = in_sentence("instrument", instrument, lang) if instrument else ""
    if amount in (None, "") or not instrument:
        return words or (format_money(amount, lang) if amount not in (None, "") else "")
    return _("{instrument} of {amount}", lang).format(instrument=words,
                                                      amount=format_money(amount, lang))


def condition(c: dict[str, Any], names: dict[str, str], lang: str) -> Condition:
    """A condition of the plan (`funding_plan.conditions`) in words."""
    name = names.get(c["on"], c["on"])
    if c.get("min_amount_eur"):
        text = fill(_("Conditional on {name}'s approval (at least {amount})", lang), lang,
                    name=name, amount=format_money(c["min_amount_eur"], lang))
    else:
        text = fill(_("Conditional on {name}'s approval", lang), lang, name=name)
    return Condition(text, c["status"], label("condition", c["status"], lang, "founder"),
                     partner=c["partner"])


def _blocked(state: ConditionStatus, name: str, lang: str) -> str | None:
    if state == ConditionStatus.pending:
        return _("This offer depends on another partner's decision: you can accept it once "
                 "the condition above is met.", lang)
    if state == ConditionStatus.failed:
        return fill(_("The condition of this offer is not met: it cannot be accepted as it "
                      "stands. Write to {name} below to see what remains possible.", lang),
                    lang, name=name)
    return None


def _revisions(route: Route, terms: Terms, lang: str) -> list[Revision]:
    out = []
    for r in (route.decision or {}).get("revisions") or []:
        before = r.get("before") or {}
        out.append(Revision(
            at=_when(r.get("at")) or route.updated_at, reason=str(r.get("reason") or ""),
            before=label("state", before.get("type", ""), lang, "founder"),
            before_terms=terms(before, lang)))
    return out


def _offer(db: Any, route: Route, funding: list[Route], plan: dict[str, Any],
           names: dict[str, str], terms: Terms, lang: str) -> Offer:
    name = names.get(route.partner_code, route.partner_code)
    decision = route.decision or {}
    offer = Offer(conditions=[condition(c, names, lang) for c in plan.get("conditions") or []
                              if c["partner"] == route.partner_code],
                  revisions=_revisions(route, terms, lang),
                  approved=decisions.approved_amount(route),
                  summary=_money_words(decision.get("instrument") or route.instrument,
                                       decision.get("amount_eur"), lang))
    if route.state == State.approved:
        state = holds(decision, decisions.standings(funding))
        offer.can_accept = state == ConditionStatus.met
        offer.blocked = _blocked(state, name, lang)
    if route.state == State.accepted:
        offer.accepted_at = _when(decision.get("accepted_at"))
        offer.tranches = [Tranche(t.paid_on, t.label, from_cents(t.amount_cents) or ZERO)
                          for t in decisions.tranches(db=db, route=route)]
        offer.disbursed = sum((t.amount for t in offer.tranches), ZERO)
    return offer


def _plan_conditions(plan: dict[str, Any], names: dict[str, str], lang: str, view: PlanView
                     ) -> None:
    """Each offer's conditions by partner, and a line for each one not met."""
    for c in plan.get("conditions") or []:
        view.conditions.setdefault(c["partner"], []).append(condition(c, names, lang))
        if c["status"] == ConditionStatus.failed:
            view.failed.append(fill(_("{partner}'s approval was conditional on {other}'s: "
                                      "this condition is not met.", lang), lang,
                                    partner=names.get(c["partner"], c["partner"]),
                                    other=names.get(c["on"], c["on"])))


def _outside_plan(plan: dict[str, Any], funding: list[Route], lang: str) -> list[dict[str, Any]]:
    """Approvals no source of the plan names (a partner added after submission)."""
    matched = {s.get("partner") for s in plan.get("sources") or []
               if s.get("approved_eur") is not None}
    by_partner = {r.partner_code: r for r in funding}
    out = []
    for d in plan.get("decisions") or []:
        if not d.get("approved_eur") or Decimal(d["approved_eur"]) <= 0 \
                or d["partner"] in matched:
            continue
        route = by_partner[d["partner"]]
        instrument = (route.decision or {}).get("instrument") or route.instrument
        out.append({**d, "instrument": enum_label("instrument", instrument, lang)
                    if instrument else ""})
    return out


def _plan_view(plan: dict[str, Any], funding: list[Route], names: dict[str, str],
               lang: str) -> PlanView:
    view = PlanView(extra=_outside_plan(plan, funding, lang))
    _plan_conditions(plan, names, lang, view)
    if plan.get("leverage") and Decimal(plan["leverage"]) > 0:  # none before a bank's yes
        view.leverage = _("Leverage: {ratio} of bank loans and equity per euro of honour "
                          "loan or grant", lang).format(
            ratio=format_money(plan["leverage"], lang))
    return view


def _proposal(offered: list[str], declined: list[Route], requests: dict[str, dict],
              names: dict[str, str]) -> Proposal | None:
    """The same request as the latest refusal of an instrument the partner offers; advice
    alone for an adviser; otherwise none (the founder says what to ask on the partners page)."""
    for route in sorted(declined, key=lambda r: r.decided_at or r.updated_at, reverse=True):
        if route.instrument in offered and route.amount_cents:
            asked = requests.get(route.partner_code) or {}
            duration = asked.get("duration_months")
            return Proposal(route.instrument, from_cents(route.amount_cents),
                            duration if isinstance(duration, int) else None,
                            names.get(route.partner_code, route.partner_code))
    if offered == ["advice"]:
        return Proposal("advice", None, None, None)
    return None


def alternatives(db: Any, dossier: Dossier, funding: list[Route], names: dict[str, str],
                 lang: str) -> list[Alternative]:
    """The other partners after a refusal (referrals.alternatives), with the request the
    two-click sending would make of each."""
    declined = [r for r in funding if r.state == State.declined]
    if not declined:
        return []
    catalogue = {p.code: p.config for p in list_partners(db=db)}
    requests = {r.get("partner"): r for r in dossier.content.get("requests") or []
                if isinstance(r, dict)}
    out = []
    for a in referrals.alternatives(db=db, dossier=dossier, lang=lang):
        config = catalogue.get(a["partner"], {})
        offered = list(config.get("instruments", []))
        proposal = _proposal(offered, declined, requests, names)
        out.append(Alternative(
            code=a["partner"], name=a["name"], sla_days=config.get("sla_days"),
            instruments=[enum_label("instrument", i, lang) for i in offered],
            ready=a["ready"], missing=[enum_label("attachment_kind", k, lang)
                                       for k in a["missing"]],
            proposal=proposal, request=_request_words(proposal, lang)))
    return out


def _request_words(proposal: Proposal | None, lang: str) -> str:
    if proposal is None:
        return ""
    words = _money_words(proposal.instrument, proposal.amount, lang)
    if proposal.duration:
        words = _("{request} over {n} months", lang).format(request=words, n=proposal.duration)
    words = words[:1].upper() + words[1:]
    if proposal.like:
        return fill(_("{request}, as asked of {name}", lang), lang, request=words,
                    name=proposal.like)
    return words


def _referrals(db: Any, funding: list[Route], names: dict[str, str],
               lang: str) -> list[Referral]:
    return [Referral(route=r, name=names.get(r.partner_code, r.partner_code),
                     declined_on=_when((r.decision or {}).get("decided_at")),
                     reason=in_sentence("decline_reason", (r.decision or {}).get("reason", ""),
                                        lang, "founder")
                     if (r.decision or {}).get("reason") else "")
            for r in funding if r.state == State.declined
            and referrals.can_refer(db=db, route=r)]


def carried(route: Route | None, names: dict[str, str], lang: str) -> list[tuple[str, str]]:
    """The refusal a mediation route carries, as label/value lines."""
    origin = (route.origin if route is not None else None) or {}
    if not origin:
        return []
    lines = [(_("Refused by", lang), names.get(origin.get("partner"), origin.get("partner")))]
    if origin.get("declined_at"):
        lines.append((_("Refused on", lang), format_date(origin["declined_at"], lang)))
    asked = _money_words(origin.get("instrument"), from_cents(origin.get("amount_cents")), lang)
    if asked:
        lines.append((_("Request refused", lang), asked[:1].upper() + asked[1:]))
    if origin.get("reason"):
        lines.append((_("Reason", lang),
                      label("decline_reason", origin["reason"], lang, "founder")))
    if origin.get("comment"):
        lines.append((_("Comment", lang), origin["comment"]))
    return lines


def page_parts(db: Any, dossier: Dossier, funding: list[Route], mediation: Route | None,
               plan: dict[str, Any], names: dict[str, str], terms: Terms, lang: str) -> Parts:
    """What the status page shows of decisions, for the dossier's funding routes and its
    referral to the Médiation du crédit."""
    return Parts(
        offers={str(r.id): _offer(db, r, funding, plan, names, terms, lang) for r in funding
                if r.state in GRANTED_STATES or r.decision},
        plan=_plan_view(plan, funding, names, lang),
        alternatives=alternatives(db, dossier, funding, names, lang),
        referrals=_referrals(db, funding, names, lang), mediation=mediation,
        carried=carried(mediation, names, lang),
        refused=any(r.state == State.declined for r in funding))


def mediation_name(lang: str) -> str:
    """How the mediation route is named on the founder's pages."""
    return MEDIATION_NAME.get(lang)


def route_name(route: Route, names: dict[str, str], lang: str) -> str:
    """A route's partner as the founder reads it (the Médiation du crédit by its name)."""
    if route.kind == referrals.MEDIATION:
        return mediation_name(lang)
    return names.get(route.partner_code, route.partner_code)


def event_lines(kind: str, payload: dict[str, Any], lang: str, terms: Terms) -> list[str]:
    """The lines under a decision's later events in a route's history."""
    colon = _(":", lang)
    if kind == "disbursed":
        lines = [_("{amount} paid on {date}", lang).format(
            amount=format_money(payload.get("amount_eur", "0"), lang),
            date=format_date(payload["date"], lang) if payload.get("date") else "")]
        return lines + ([payload["label"]] if payload.get("label") else [])
    if kind == "revised":
        decision = payload.get("decision") or {}
        why, new = _("Why it was revised", lang), _("New decision", lang)
        lines = [f"{why}{colon} {payload.get('reason', '')}",
                 f"{new}{colon} {label('state', decision.get('type', ''), lang, 'founder')}"]
        return lines + [f"{name}{colon} {value}" for name, value in terms(decision, lang)]
    return []


ACCEPT_REFUSALS = {
    "condition_pending": lazy_pgettext(
        "fo.accept", "This offer depends on another partner's decision: you can accept it "
        "once the condition is met."),
    "condition_failed": lazy_pgettext(
        "fo.accept", "The condition of this offer is not met: it cannot be accepted."),
}
MEDIATION_REFUSALS = {
    "consent_required": lazy_pgettext(
        "fo.mediation", "Tick the box to agree that your dossier and the refusal be sent to "
        "the Médiation du crédit."),
    "mediation_open": lazy_pgettext(
        "fo.mediation", "This dossier is already with the Médiation du crédit: follow it "
        "below."),
    "mediation_not_possible": lazy_pgettext(
        "fo.mediation", "Only a bank's refusal can be taken to the Médiation du crédit."),
}


def refusal(exc: DomainError, table: dict[str, Any], state: str, lang: str) -> str:
    """Why the page could not do it, in the founder's words (the route's state otherwise)."""
    if exc.code in table:
        return table[exc.code].get(lang)
    if exc.code == "event_not_from_state":
        return _("Not possible any more: this request is now “{state}”.", lang).format(
            state=label("state", state, lang, "founder"))
    return " ".join(e.message(lang) for e in exc.errors) or exc.message(lang)


def notice(names: dict[str, str], dossier_routes: list[Route], accepted: str | None,
           mediation: str | None, lang: str) -> str | None:
    """The status page's line after accepting an offer or opening a mediation."""
    if mediation:
        return _("Your case is with the Médiation du crédit: your dossier and the bank's "
                 "refusal are sent to the Banque de France, which will contact you.", lang)
    route = next((r for r in dossier_routes if accepted and str(r.id) == accepted), None)
    if route is None or route.state != State.accepted:
        return None
    name = names.get(route.partner_code, route.partner_code)
    return fill(_("You accepted {name}'s offer; a notice was sent to them.", lang), lang, name=name)

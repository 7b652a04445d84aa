"""Submission and amendments: a version, its routes, deliveries and outbox row, in one go."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier import content_cache
from dossier.db import utcnow
from dossier.errors import FieldError, Invalid
from dossier.locks import hold
from dossier.models import (
    Delivery,
    Dossier,
    DossierStatus,
    DossierVersion,
    Route,
    RouteEvent,
    RoutingRequest,
    User,
)
from dossier.money import as_cents
from dossier.outbox import route_after_commit
from dossier.ports import EligibilityPort, Verdict
from dossier.routing.machine import CLOSED_STATES, State
from dossier.schema import DossierV1
from dossier.services import registry
from dossier.services.attachments import READABLE
from dossier.services.dossiers import (
    attachment_view,
    latest_version,
    parse_content,
    pending_errors,
    require_owner,
    set_content,
    update_draft,
)
from dossier.services.partners import (
    catalogue_stamp,
    delivery_channels,
    instruments_by_partner,
    list_partners,
)
from dossier.services.routes import fire
from dossier.validation import content_hash, dump_content, submission_errors
from dossier.validity import Document

_port: list[EligibilityPort] = []  # the one implementation, wired in at start-up


def use_eligibility(port: EligibilityPort) -> None:
    """Wire in the implementation of the eligibility port (the app and tests, at start-up)."""
    _port[:] = [port]


def eligibility(*, db: Session, dossier: Dossier, lang: str = "fr",
                today: date | None = None) -> list[Verdict]:
    """Every active partner's verdict on the dossier, requested partners first."""
    if not _port:
        raise RuntimeError("no eligibility port: call submission.use_eligibility at start-up")
    partners, model = list_partners(db=db), content_cache.model(dossier.content)
    docs, day = tuple(documents(dossier)), today or date.today()
    # The same content, files and catalogue give the same verdicts: kept (shared, read-only).
    return list(content_cache.derived(
        model, "eligibility", (catalogue_stamp(partners), docs, lang, day),
        lambda: list(_port[0].verdicts(partners=partners, content=model,
                                       attachment_kinds=docs, lang=lang, today=day))))


def documents(dossier: Dossier) -> list[Document]:
    """The dossier's attachments as validity judges them (kind, issue date, file name)."""
    return [Document(a.kind, a.issued_on, a.filename) for a in dossier.attachments]


def refusals(*, db: Session, dossier: Dossier, lang: str,
             given: list[Verdict] | None = None,
             routed: set[str] | None = None) -> list[FieldError]:
    """Why partners not yet routed would refuse the dossier: unmet rules, missing files
    (`given`: the verdicts, and `routed`: the partners it went to, when the caller has them)."""
    content = content_cache.model(dossier.content)
    already = set(routes_of(db=db, dossier=dossier)) if routed is None else routed
    asked = eligibility(db=db, dossier=dossier, lang=lang) if given is None else given
    verdicts = {v.partner: v for v in asked}
    errors = []
    for index, request in enumerate(content.requests or []):
        verdict = verdicts.get(request.partner)
        if verdict is None or request.partner in already:
            continue
        errors += _refused(f"requests[{index}].partner", request.partner, verdict)
    return errors


def _refused(loc: str, partner: str, verdict: Verdict) -> list[FieldError]:
    errors = [FieldError(loc, "partner_ineligible", {"partner": partner, "reason": r.message})
              for r in verdict.reasons if not r.ok]
    if verdict.missing:
        errors.append(FieldError(loc, "attachments_missing",
                                 {"partner": partner, "kinds": ", ".join(verdict.missing)}))
    return errors


def pending_input_errors(dossier: Dossier) -> list[FieldError]:
    """One error per value typed in the wizard and kept pending, naming its field."""
    return [FieldError(e.loc, "pending_input", {"typed": str(
        (dossier.pending_input or {}).get(e.loc, {}).get("typed") or "")})
        for e in pending_errors(dossier)]


def routes_of(*, db: Session, dossier: Dossier) -> dict[str, Route]:
    """The dossier's funding routes by partner code (not its mediation referral)."""
    rows = db.scalars(select(Route).where(Route.dossier_id == dossier.id,
                                          Route.kind == "funding"))
    return {r.partner_code: r for r in rows}


def lock(*, db: Session, dossier: Dossier) -> None:
    """Hold the dossier until commit, so concurrent submits and amendments run one by one."""
    hold(db, dossier, gone="dossier_not_found")


def replayed(*, db: Session, dossier: Dossier, idempotency_key: str | None
             ) -> DossierVersion | None:
    """The version a submit with this Idempotency-Key already routed, if any."""
    if not idempotency_key:
        return None
    events = db.scalars(select(RouteEvent).join(Route, Route.id == RouteEvent.route_id).where(
        Route.dossier_id == dossier.id, RouteEvent.type == "submitted"))
    number = next((e.payload.get("version") for e in events
                   if e.payload.get("idempotency_key") == idempotency_key), None)
    if number is None:
        return None
    return db.scalar(select(DossierVersion).where(DossierVersion.dossier_id == dossier.id,
                                                  DossierVersion.number == number))


def submit(*, db: Session, dossier: Dossier, user: User, consent: bool, lang: str = "fr",
           idempotency_key: str | None = None, channels: Mapping[str, str] | None = None,
           now: datetime | None = None) -> tuple[DossierVersion, RoutingRequest | None]:
    """Freeze a version and route it to every requested partner not yet routed.

    Partners that would refuse the dossier (asked through the eligibility port) stop the
    submission, each with its reasons. `channels` maps partner code to its delivery channel
    (the catalogue's by default). Submitting the same version again, or with an
    Idempotency-Key already used on this dossier, routes nothing twice: it returns the
    version and no new routing request. The version is routed once the transaction commits.
    """
    require_owner(user, dossier)
    lock(db=db, dossier=dossier)  # before reading: a concurrent submit may be ahead
    done = replayed(db=db, dossier=dossier, idempotency_key=idempotency_key)
    if done is not None:
        return done, None
    company = (dossier.content or {}).get("company") or {}
    errors = registry.closed_company(db, company) + refusals(db=db, dossier=dossier, lang=lang)
    if errors:
        raise Invalid("submission_refused", {"count": len(errors)}, errors=errors)
    pending = pending_input_errors(dossier)
    if pending:  # a value typed in the wizard that is not valid yet: correct it first
        raise Invalid("dossier_incomplete", {"count": len(pending)}, errors=pending)
    registry.watch(db, company, now)
    if consent is not True:
        raise Invalid("consent_required", errors=[FieldError("consent", "consent_required")])
    now = now or utcnow()
    channels = delivery_channels(db=db) if channels is None else channels
    content = parse_content(db=db, data=dossier.content)
    version = make_version(db=db, dossier=dossier, user=user, content=content)
    existing = routes_of(db=db, dossier=dossier)
    new_requests = [r for r in (content.requests or []) if r.partner not in existing]
    if not new_requests:
        return version, None
    request = _outbox(db=db, version=version, kind="submit")
    for item in new_requests:
        route = Route(
            dossier_id=dossier.id, partner_code=item.partner,
            instrument=str(item.instrument), amount_cents=as_cents(item.amount_eur),
            consent_version=version.number, consent_at=now, created_at=now,
        )
        fire(db=db, route=route, user=user, event="submitted", now=now,
             payload={"version": version.number, "consent": True,
                      "instrument": route.instrument,
                      **({"idempotency_key": idempotency_key} if idempotency_key else {})})
        _delivery(db=db, request=request, version=version, route=route,
                  event_type="dossier.submitted", channel=channels.get(item.partner, "portal"))
    db.flush()
    return version, request


def make_version(*, db: Session, dossier: Dossier, user: User,
                 content: DossierV1) -> DossierVersion:
    """Store an immutable snapshot with its content hash (none if nothing changed)."""
    errors = submission_errors(content, partners=instruments_by_partner(db=db))
    if errors:
        raise Invalid("dossier_incomplete", {"count": len(errors)}, errors=errors)
    held = [a.filename for a in dossier.attachments if a.scan_status not in READABLE]
    if held:  # partners must never receive bytes the antivirus has not cleared
        raise Invalid("attachments_not_scanned", {"filenames": ", ".join(held)},
                      errors=[FieldError("attachments", "attachments_not_scanned",
                                         {"filenames": ", ".join(held)})])
    digest = content_hash(content)
    if dossier.current_version:
        last = latest_version(db=db, dossier=dossier)
        if last.content_hash == digest:
            return last
    number = (dossier.current_version or 0) + 1
    version = DossierVersion(
        dossier_id=dossier.id, number=number, content=dump_content(content),
        content_hash=digest, created_by=user.id,
        attachments=[attachment_view(a) for a in dossier.attachments],
    )
    db.add(version)
    set_content(dossier, content)
    dossier.current_version = number
    dossier.status = DossierStatus.submitted.value
    db.flush()
    return version


def propagate_amendment(*, db: Session, dossier: Dossier, version: DossierVersion,
                        user: User, channels: Mapping[str, str],
                        now: datetime | None = None) -> RoutingRequest | None:
    """Send a new version as an update to every partner that has not decided."""
    now = now or utcnow()
    open_routes = [r for r in routes_of(db=db, dossier=dossier).values()
                   if State(r.state) not in CLOSED_STATES]
    if not open_routes or db.scalar(select(RoutingRequest.id).where(
            RoutingRequest.version_id == version.id)):
        return None
    request = _outbox(db=db, version=version, kind="amend")
    for route in open_routes:
        _delivery(db=db, request=request, version=version, route=route,
                  event_type="dossier.updated", channel=channels.get(route.partner_code, "portal"))
        if route.state == State.info_requested:
            fire(db=db, route=route, user=user, event="info_answered",
                 payload={"version": version.number, "by": "amendment"}, now=now)
    db.flush()
    return request


def save(*, db: Session, dossier: Dossier, user: User, data: Any,
         channels: Mapping[str, str] | None = None) -> Dossier:
    """PUT: replace a draft, or amend a submitted dossier."""
    require_owner(user, dossier)
    lock(db=db, dossier=dossier)
    if is_submitted(dossier):
        amend(db=db, dossier=dossier, user=user, data=data, channels=channels)
        return dossier
    return update_draft(db=db, dossier=dossier, user=user, data=data)


def amend(*, db: Session, dossier: Dossier, user: User, data: Any,
          channels: Mapping[str, str] | None = None) -> DossierVersion | None:
    """A new version of a submitted dossier, delivered as an update (None if unchanged)."""
    require_owner(user, dossier)
    before = dossier.current_version
    content = parse_content(db=db, data=data)
    version = make_version(db=db, dossier=dossier, user=user, content=content)
    if version.number == before:
        return None
    propagate_amendment(db=db, dossier=dossier, version=version, user=user,
                        channels=delivery_channels(db=db) if channels is None else channels)
    return version


def send_version(*, db: Session, version: DossierVersion, route: Route, channel: str,
                 kind: str = "submit") -> RoutingRequest:
    """Route the version to one more route once the transaction commits (a referral)."""
    request = _outbox(db=db, version=version, kind=kind)
    _delivery(db=db, request=request, version=version, route=route,
              event_type="dossier.submitted", channel=channel)
    db.flush()
    return request


def _outbox(*, db: Session, version: DossierVersion, kind: str) -> RoutingRequest:
    """The version's one outbox row, noted for routing after commit. A partner added to an
    amended version (PUT, then submit) joins the amendment's row, reopened if it was done."""
    request = db.scalar(select(RoutingRequest).where(RoutingRequest.version_id == version.id))
    if request is None:
        request = RoutingRequest(version_id=version.id, kind=kind)
        db.add(request)
        db.flush()
    else:
        request.completed_at = None
    route_after_commit(db, version.id)
    return request


def _delivery(*, db: Session, request: RoutingRequest, version: DossierVersion, route: Route,
              event_type: str, channel: str) -> Delivery:
    delivery = Delivery(request_id=request.id, version_id=version.id, route_id=route.id,
                        partner_code=route.partner_code, event_type=event_type, channel=channel)
    db.add(delivery)
    return delivery


def is_submitted(dossier: Dossier) -> bool:
    """True once a version exists."""
    return dossier.status == DossierStatus.submitted and bool(dossier.current_version)


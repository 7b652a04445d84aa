"""The status page: one timeline per partner, the funding plan, messages, withdrawal, PDFs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep
from app.rendering import dossier_pdf
from app.web.common.deps import Csrf, FounderPage, FounderRoute, PostedForm, ReadDossierPage
from app.web.common.labels import pick
from app.web.common.notifications import seen
from app.web.common.templating import page_lang, render
from app.web.founder import offers
from app.web.founder.common import dossier_url, progress, submitted
from dossier import content_cache
from dossier.access import EXPERT, Action
from dossier.catalogue import _
from dossier.errors import DomainError, NotFound
from dossier.labels import label
from dossier.models import Dossier, Route, RouteEvent
from dossier.routing.machine import OPEN_STATES, State, transition_for
from dossier.services import (
    committees,
    dossiers,
    notifications,
    outdated,
    referrals,
    routes,
    thread,
)
from dossier.services.access import access_summary
from dossier.services.committees import CommitteeDate
from dossier.services.dossiers import attachment_view
from dossier.services.partners import partner_names
from dossier.services.plan import dossier_plan
from dossier.services.submission import routes_of
from forms.definition import enum_label
from forms.fetcher import ASSETS_URL, ForbiddenURL, asset_path
from forms.formatting import fill, format_date, format_money, format_pct
from forms.receipt import render_receipt_pdf
from forms.view import cover_view, sections_view

router = APIRouter(include_in_schema=False)
BASE = "/founder/dossiers/{dossier_id}"
MESSAGE_STATES = transition_for("message").sources  # type: ignore[union-attr]


@dataclass
class TimelineItem:
    """One event of a route, in words."""

    when: datetime
    title: str
    lines: list[str] = field(default_factory=list)
    kind: str = ""


@dataclass
class RouteView:
    """A partner's side of the dossier: state, decision, history, messages."""

    route: Route
    name: str
    timeline: list[TimelineItem]
    messages: list[dict[str, Any]]
    terms: list[tuple[str, str]]
    open_request: TimelineItem | None
    answer_due: datetime | None
    can_message: bool
    can_withdraw: bool
    committee: CommitteeDate | None = None  # when it goes before the partner's committee


def _terms(payload: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """A decision's payload as label/value lines."""
    out = []
    if payload.get("instrument"):
        out.append((_("Instrument", lang), enum_label("instrument", payload["instrument"], lang)))
    if payload.get("amount_eur"):
        out.append((_("Amount granted", lang), format_money(payload["amount_eur"], lang)))
    if payload.get("rate_pct") is not None:
        out.append((_("Rate", lang), format_pct(payload["rate_pct"], lang)))
    if payload.get("duration_months"):
        out.append((_("Term", lang),
                    _("{n} months", lang).format(n=payload["duration_months"])))
    if payload.get("conditions"):
        out.append((_("Conditions", lang), payload["conditions"]))
    if payload.get("reason"):
        out.append((_("Reason", lang), label("decline_reason", payload["reason"], lang, "founder")))
    if payload.get("comment"):
        out.append((_("Comment", lang), payload["comment"]))
    return out


def _timeline(events: list[Any], lang: str, partner: str) -> list[TimelineItem]:
    items = []
    for e in events:
        if e.type == "message":
            continue  # messages have their own list
        payload = e.payload or {}
        title = label("event", e.type, lang, "founder").format(version=payload.get("version", ""))
        lines: list[str] = offers.event_lines(e.type, payload, lang, _terms)
        if e.type == "info_requested":
            kind = payload.get("request_kind")
            if kind:
                lines.append(label("request_kind", kind, lang, "founder"))
            if payload.get("message"):
                lines.append(payload["message"])
            if payload.get("document"):  # the document to replace, and why
                lines.append(outdated.describe(payload["document"], partner, lang))
        elif e.type in ("approved", "declined"):
            colon = _(":", lang)
            lines = [f"{name}{colon} {value}" for name, value in _terms(payload, lang)]
        elif e.type == "recommended" and payload.get("committee_date"):
            lines = [_("Committee of {date}", lang).format(
                date=format_date(payload["committee_date"], lang))]
        items.append(TimelineItem(e.created_at, title, lines, e.type))
    return items


def _route_views(db: Any, rows: list[Route], names: dict[str, str], files: dict[str, str],
                 lang: str) -> list[RouteView]:
    """Each route's side, its history and thread read for all the routes at once."""
    history = routes.events_of(db=db, routes=rows)
    threads = thread.conversations(db=db, routes=rows, history=history)
    return [_route_view(db, r, names, files, lang, history[r.id], threads[r.id]) for r in rows]


def _route_view(db: Any, route: Route, names: dict[str, str], files: dict[str, str],
                lang: str, history: list[RouteEvent], conversation: list[Any]) -> RouteView:
    partner = names.get(route.partner_code, route.partner_code)
    timeline = _timeline(history, lang, partner)
    open_request = None
    if route.state == State.info_requested:
        open_request = next((i for i in reversed(timeline) if i.kind == "info_requested"), None)
    messages = [{
        "mine": m.author_role == "founder", "kind": m.kind, "open": m.open,
        "author": _("You", lang) if m.author_role == "founder"
        else names.get(route.partner_code, route.partner_code),
        "body": m.body, "at": m.at, "version": m.version,
        "request_kind": label("request_kind", m.request_kind, lang, "founder")
        if m.request_kind else "",
        "files": [files.get(str(a), str(a)) for a in m.attachment_ids or []],
        "document": outdated.describe(m.document, partner, lang),
    } for m in conversation]
    due = (notifications.answer_due(open_request.when, notifications.current_policy())
           if open_request else None)
    return RouteView(
        route=route, name=names.get(route.partner_code, route.partner_code),
        timeline=timeline, messages=messages, answer_due=due,
        terms=_terms(route.decision or {}, lang) if route.decision else [],
        open_request=open_request, can_message=State(route.state) in MESSAGE_STATES,
        can_withdraw=State(route.state) in OPEN_STATES,
        committee=committees.date_of(db=db, route=route))


@dataclass
class AccessLine:
    """A person's readings of one thing on one day, in words: who, at which partner, what,
    how many times, when."""

    when: datetime
    first: datetime
    count: int
    who: str
    partner: str
    what: str
    versions: str
    via: str


ACCESS_GROUPED = 5000


def _access(db: Any, dossier: Dossier, names: dict[str, str],
            lang: str) -> tuple[int, list[AccessLine]]:
    """The readings of the dossier, one line per person, thing and day; and how many
    readings there are in all."""
    total, groups = access_summary(db=db, dossier=dossier, limit=ACCESS_GROUPED)
    return total, [AccessLine(
        when=g.last, first=g.first, count=g.count, who=_reader(g.email, g.role, g.partner_code,
                                                               names, lang),
        partner=names.get(g.partner_code, g.partner_code) if g.partner_code
        else _("Dossier unique team", lang),
        what=pick("fo.access_kind.", g.kind, lang).format(name=g.object_name or ""),
        versions=", ".join(str(v) for v in g.versions),
        via=pick("fo.access_via.", g.via, lang)) for g in groups]


def _reader(email: str, role: str, partner: str | None, names: dict[str, str],
            lang: str) -> str:
    """Who read: the address, or for an expert a partner invited, that it was one."""
    if role != EXPERT:
        return email
    return fill(_("Expert invited by {partner} ({email})", lang), lang,
                partner=names.get(partner or "", partner or ""), email=email)


def _plan(db: SessionDep, dossier: Dossier, route_rows: list[Route]) -> dict[str, Any]:
    return dossier_plan(db=db, content=content_cache.model(dossier.content), routes=route_rows)


def _coverage(plan: dict[str, Any]) -> int:
    """Percent of the need obtained or covered by decisions (whole percent, Decimal maths)."""
    if not plan.get("total_need_eur") or plan.get("remaining_eur") is None:
        return 0
    need, remaining = Decimal(plan["total_need_eur"]), Decimal(plan["remaining_eur"])
    return int((need - remaining) * 100 // need) if need else 0


def status_page(request: Request, db: SessionDep, dossier: Dossier, *,
                notice: str | None = None, errors: dict[str, str] | None = None,
                typed: dict[str, Any] | None = None, status_code: int = 200,
                names: dict[str, str] | None = None,
                funding: list[Route] | None = None, referral: Route | None = None) -> Response:
    """The dossier's follow-up page (`names`, and the `funding` routes with the `referral`,
    when the caller has them)."""
    lang = page_lang(request)
    names = partner_names(db=db) if names is None else names
    items = [attachment_view(a) for a in dossier.attachments]
    files = {a["id"]: a["filename"] for a in items}
    if funding is None:
        funding, referral = referrals.routes_and_referral(db=db, dossier=dossier)
    route_rows = sorted(funding, key=lambda r: names.get(r.partner_code, r.partner_code))
    views = _route_views(db, route_rows, names, files, lang)
    version = dossiers.latest_version(db=db, dossier=dossier) if submitted(dossier) else None
    plan = _plan(db, dossier, route_rows)
    parts = offers.page_parts(db, dossier, route_rows, referral, plan, names, _terms, lang)
    if parts.mediation is not None:  # the referral to the Médiation du crédit, a line apart
        views += _route_views(db, [parts.mediation], {
            **names, parts.mediation.partner_code: offers.mediation_name(lang)}, files, lang)
    access_total, access = _access(db, dossier, names, lang)
    return render(
        request, "founder/status.html", status_code=status_code, dossier=dossier,
        routes=views, plan=plan, coverage=_coverage(plan), names=names, version=version,
        # The meter is a draft's: a submitted dossier's page does not show it.
        progress=None if submitted(dossier) else progress(db, dossier, lang),
        submitted=submitted(dossier), attachments=items,
        notice=notice, errors=errors or {}, typed=typed or {},
        access=access, access_total=access_total,
        parts=parts,
        source_label=lambda v: enum_label("source_type", v, lang),
        status_label=lambda v: enum_label("source_status", v, lang))


@router.get(BASE)
def status(dossier: ReadDossierPage, request: Request, user: FounderPage, db: SessionDep,
           submitted: str | None = None, sent: str | None = None,
           withdrawn: str | None = None, accepted: str | None = None,
           mediation: str | None = None) -> Response:
    """Where the dossier stands with each partner."""
    lang = page_lang(request)
    notice = None
    names = partner_names(db=db)
    funding, referral = referrals.routes_and_referral(db=db, dossier=dossier)
    every = [*funding, *([referral] if referral else [])]
    route = next((r for r in every if str(r.id) in (sent, withdrawn)), None)
    if submitted:
        notice = _("Your dossier is submitted and sent to the chosen partners.", lang)
    elif route is not None:
        name = offers.route_name(route, names, lang)
        notice = fill(_("Message sent to {name}.", lang) if sent
                      else _("Dossier withdrawn from {name}.", lang), lang, name=name)
    else:
        notice = offers.notice(names, every, accepted, mediation, lang)
    seen(request, db, user, [r.id for r in every])
    return status_page(request, db, dossier, notice=notice, names=names, funding=funding,
                       referral=referral)


def _same_dossier(dossier: Dossier, route: Route) -> None:
    """The route of the URL belongs to the dossier of the URL."""
    if route.dossier_id != dossier.id:
        raise NotFound("route_not_found")


@router.post(BASE + "/routes/{route_id}/messages", dependencies=[Csrf])
def post_message(dossier: ReadDossierPage, route: FounderRoute(Action.write_message),
                 request: Request, user: FounderPage, db: SessionDep,
                 form: PostedForm) -> Response:
    """Write to a partner; while it waits for information, this is the answer."""
    _same_dossier(dossier, route)
    body = str(form.get("body") or "")
    attachment_ids = [str(v) for v in form.getlist("attachment_ids")]
    lang = page_lang(request)
    try:
        routes.post_message(db=db, route=route, user=user,
                            body={"body": body, "attachment_ids": attachment_ids})
    except NotFound:
        raise
    except DomainError as exc:
        db.rollback()
        message = " ".join(e.message(lang) for e in exc.errors) or exc.message(lang)
        return status_page(request, db, dossier, status_code=exc.status,
                           errors={str(route.id): message},
                           typed={str(route.id): {"body": body, "ids": attachment_ids}})
    return RedirectResponse(dossier_url(dossier, f"?sent={route.id}#route-{route.id}"),
                            status_code=303)


@router.post(BASE + "/routes/{route_id}/withdraw", dependencies=[Csrf])
def withdraw(dossier: ReadDossierPage, route: FounderRoute(Action.withdraw), request: Request,
             user: FounderPage, db: SessionDep, form: PostedForm) -> Response:
    """Withdraw from one partner, once confirmed: its reviewers lose access at once."""
    _same_dossier(dossier, route)
    lang = page_lang(request)
    key = f"withdraw-{route.id}"
    if form.get("confirm") != "yes":
        return status_page(request, db, dossier, status_code=422,
                           errors={key: _("Tick the confirmation box to withdraw.", lang)})
    try:
        routes.withdraw(db=db, route=route, user=user)
    except NotFound:
        raise
    except DomainError as exc:
        db.rollback()
        return status_page(request, db, dossier, status_code=exc.status,
                           errors={key: exc.message(lang)})
    return RedirectResponse(dossier_url(dossier, f"?withdrawn={route.id}#route-{route.id}"),
                            status_code=303)


@router.get(BASE + "/pdf")
def pdf(dossier: ReadDossierPage, request: Request, db: SessionDep) -> Response:
    """The dossier as a PDF (app/rendering.py, as the API)."""
    data, filename = dossier_pdf(db=db, dossier=dossier, lang=page_lang(request))
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get(BASE + "/receipt.pdf")
def receipt(dossier: ReadDossierPage, request: Request, db: SessionDep) -> Response:
    """The deposit receipt: date, version, content hash, partners and their consent."""
    lang = page_lang(request)
    version = dossiers.latest_version(db=db, dossier=dossier)  # 409 page for a draft
    names = partner_names(db=db)
    asked = {r.get("partner"): r for r in version.content.get("requests") or []}
    partners = [{
        "name": names.get(r.partner_code, r.partner_code),
        "instrument": (asked.get(r.partner_code) or {}).get("instrument") or r.instrument,
        "amount_eur": (asked.get(r.partner_code) or {}).get("amount_eur"),
        "consent_at": r.consent_at, "consent_version": r.consent_version,
    } for r in sorted(routes_of(db=db, dossier=dossier).values(),
                      key=lambda r: r.consent_at)]
    company = version.content.get("company") or {}
    data = render_receipt_pdf({
        "dossier_id": str(dossier.id), "company": company.get("legal_name"),
        "siren": company.get("siren"), "version": version.number,
        "submitted_at": version.created_at, "content_hash": version.content_hash,
        "partners": partners, "attachments": version.attachments,
        "first_version_at": dossier.versions[0].created_at if dossier.versions else None,
        "generated_at": datetime.now(UTC),
    }, lang=lang)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition":
            f'inline; filename="accuse-depot-{str(dossier.id)[:8]}-v{version.number}.pdf"'})


@router.get(BASE + "/preview")
def preview(dossier: ReadDossierPage, request: Request, db: SessionDep) -> Response:
    """The dossier as the partners read it (the PDF's parts and order), inside the site."""
    lang = page_lang(request)
    latest = dossiers.latest_version(db=db, dossier=dossier) if submitted(dossier) else None
    names = partner_names(db=db)
    return render(
        request, "founder/preview.html", dossier=dossier, submitted=submitted(dossier),
        cover=cover_view(dossier.content, lang=lang, partners=names,
                         version=dossier.current_version,
                         content_hash=latest.content_hash if latest else None),
        sections=sections_view(dossier.content,
                               [attachment_view(a) for a in dossier.attachments], lang, names))


@router.get("/founder/assets/{name}")
async def asset(name: str, user: FounderPage) -> Response:
    """The PDF's own stylesheet and mark, for the on-screen view (nothing else is served)."""
    try:
        path = asset_path(ASSETS_URL + name)
    except ForbiddenURL as exc:
        raise NotFound("not_found") from exc
    media = {".css": "text/css", ".svg": "image/svg+xml"}.get(path.suffix)
    if media is None:
        raise NotFound("not_found")
    data = await run_in_threadpool(path.read_bytes)
    return Response(data, media_type=media, headers={"Cache-Control": "max-age=3600"})


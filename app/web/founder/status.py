"""The status page: one timeline per partner, the funding plan, messages, withdrawal, PDFs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.deps import StateDep
from app.rendering import dossier_pdf
from app.state import AppState
from app.web.common.deps import Csrf, FounderPage
from app.web.common.templating import page_lang, render
from app.web.common.texts import text
from app.web.founder.common import progress, submitted
from dossier import content_cache
from dossier.errors import DomainError, NotFound
from dossier.labels import label
from dossier.models import Dossier, Route, User
from dossier.routing.machine import OPEN_STATES, State, transition_for
from dossier.services import dossiers, routes
from dossier.services.access import access_log
from dossier.services.dossiers import attachment_view
from dossier.services.partners import partner_names
from dossier.services.plan import tracked_plan
from dossier.services.submission import routes_of
from forms.definition import enum_label
from forms.fetcher import ASSETS_URL, ForbiddenURL, asset_path
from forms.formatting import format_money, format_pct
from forms.pdf import render_dossier_html
from forms.receipt import render_receipt_pdf

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
    can_message: bool
    can_withdraw: bool


def _terms(payload: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """A decision's payload as label/value lines."""
    t = lambda key: text(key, lang)  # noqa: E731
    out = []
    if payload.get("instrument"):
        out.append((t("fo.instrument"), enum_label("instrument", payload["instrument"], lang)))
    if payload.get("amount_eur"):
        out.append((t("fo.amount_granted"), format_money(payload["amount_eur"], lang)))
    if payload.get("rate_pct") is not None:
        out.append((t("fo.rate"), format_pct(payload["rate_pct"], lang)))
    if payload.get("duration_months"):
        out.append((t("fo.duration_short"),
                    t("fo.months").format(n=payload["duration_months"])))
    if payload.get("conditions"):
        out.append((t("fo.conditions"), payload["conditions"]))
    if payload.get("reason"):
        out.append((t("fo.reason"), label("decline_reason", payload["reason"], lang, "founder")))
    if payload.get("comment"):
        out.append((t("fo.comment"), payload["comment"]))
    return out


def _timeline(events: list[Any], lang: str) -> list[TimelineItem]:
    items = []
    for e in events:
        if e.type == "message":
            continue  # messages have their own list
        payload = e.payload or {}
        title = text(f"fo.event.{e.type}", lang).format(version=payload.get("version", ""))
        lines: list[str] = []
        if e.type == "info_requested":
            kind = payload.get("request_kind")
            if kind:
                lines.append(label("request_kind", kind, lang, "founder"))
            if payload.get("message"):
                lines.append(payload["message"])
        elif e.type in ("approved", "declined"):
            colon = text("fo.colon", lang)
            lines = [f"{name}{colon} {value}" for name, value in _terms(payload, lang)]
        items.append(TimelineItem(e.created_at, title, lines, e.type))
    return items


def _route_view(db: Any, route: Route, names: dict[str, str], files: dict[str, str],
                lang: str) -> RouteView:
    history = routes.events(db=db, route=route)
    timeline = _timeline(history, lang)
    open_request = None
    if route.state == State.info_requested:
        open_request = next((i for i in reversed(timeline) if i.kind == "info_requested"), None)
    messages = [{
        "mine": m.author_role == "founder",
        "author": text("fo.you", lang) if m.author_role == "founder"
        else names.get(route.partner_code, route.partner_code),
        "body": m.body, "at": m.created_at,
        "files": [files.get(str(a), str(a)) for a in m.attachment_ids or []],
    } for m in routes.messages(db=db, route=route)]
    return RouteView(
        route=route, name=names.get(route.partner_code, route.partner_code),
        timeline=timeline, messages=messages,
        terms=_terms(route.decision or {}, lang) if route.decision else [],
        open_request=open_request, can_message=State(route.state) in MESSAGE_STATES,
        can_withdraw=State(route.state) in OPEN_STATES)


@dataclass
class AccessLine:
    """One reading of the dossier, in words: who, at which partner, what, when."""

    when: datetime
    who: str
    partner: str
    what: str
    version: int | None
    via: str


ACCESS_SHOWN = 200


def _access(db: Any, dossier: Dossier, names: dict[str, str],
            lang: str) -> tuple[int, list[AccessLine]]:
    """The newest readings of the dossier and how many there are in all."""
    total, rows = access_log(db=db, dossier=dossier, limit=ACCESS_SHOWN)
    return total, [AccessLine(
        when=r.created_at, who=r.email,
        partner=names.get(r.partner_code, r.partner_code) if r.partner_code
        else text("fo.access_staff", lang),
        what=text(f"fo.access_kind.{r.kind}", lang).format(name=r.object_name or ""),
        version=r.version, via=text(f"fo.access_via.{r.via}", lang)) for r in rows]


def _plan(dossier: Dossier, route_rows: list[Route]) -> dict[str, Any]:
    return tracked_plan(content_cache.model(dossier.content), route_rows)


def _coverage(plan: dict[str, Any]) -> int:
    """Percent of the need obtained or covered by decisions (whole percent, Decimal maths)."""
    if not plan.get("total_need_eur") or plan.get("remaining_eur") is None:
        return 0
    need, remaining = Decimal(plan["total_need_eur"]), Decimal(plan["remaining_eur"])
    return int((need - remaining) * 100 // need) if need else 0


def status_page(request: Request, state: AppState, user: User, dossier_id: str, *,
                notice: str | None = None, errors: dict[str, str] | None = None,
                typed: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    """The dossier's follow-up page."""
    lang = page_lang(request)
    with state.sessions() as db:
        dossier = dossiers.get_for_user(db=db, dossier_id=dossier_id, user=user)
        names = partner_names(db=db)
        items = [attachment_view(a) for a in dossier.attachments]
        files = {a["id"]: a["filename"] for a in items}
        route_rows = sorted(routes_of(db=db, dossier=dossier).values(),
                            key=lambda r: names.get(r.partner_code, r.partner_code))
        views = [_route_view(db, r, names, files, lang) for r in route_rows]
        version = dossiers.latest_version(db=db, dossier=dossier) if submitted(dossier) else None
        plan = _plan(dossier, route_rows)
        access_total, access = _access(db, dossier, names, lang)
        return render(
            request, "founder/status.html", status_code=status_code, dossier=dossier,
            routes=views, plan=plan, coverage=_coverage(plan), names=names, version=version,
            progress=progress(dossier), submitted=submitted(dossier), attachments=items,
            notice=notice, errors=errors or {}, typed=typed or {},
            access=access, access_total=access_total,
            source_label=lambda v: enum_label("source_type", v, lang),
            status_label=lambda v: enum_label("source_status", v, lang))


@router.get(BASE)
def status(dossier_id: str, request: Request, user: FounderPage, state: StateDep,
           submitted: str | None = None, sent: str | None = None,
           withdrawn: str | None = None) -> Response:
    """Where the dossier stands with each partner."""
    lang = page_lang(request)
    notice = None
    if submitted:
        notice = text("fo.submitted_ok", lang)
    elif sent or withdrawn:
        with state.sessions() as db:
            names = partner_names(db=db)
            try:
                route = routes.get_for_user(db=db, route_id=sent or withdrawn, user=user)
                name = names.get(route.partner_code, route.partner_code)
                notice = text("fo.message_sent" if sent else "fo.withdrawn_ok",
                              lang).format(name=name)
            except NotFound:
                notice = None
    return status_page(request, state, user, dossier_id, notice=notice)


def _route_of(db: Any, dossier_id: str, route_id: str, user: User) -> Route:
    """The route, if it belongs to this dossier of this founder."""
    dossier = dossiers.get_for_user(db=db, dossier_id=dossier_id, user=user)
    route = routes.get_for_user(db=db, route_id=route_id, user=user)
    if route.dossier_id != dossier.id:
        raise NotFound("route_not_found")
    return route


@router.post(BASE + "/routes/{route_id}/messages", dependencies=[Csrf])
async def post_message(dossier_id: str, route_id: str, request: Request, user: FounderPage,
                       state: StateDep) -> Response:
    """Write to a partner; while it waits for information, this is the answer."""
    form = await request.form()
    body = str(form.get("body") or "")
    attachment_ids = [str(v) for v in form.getlist("attachment_ids")]
    lang = page_lang(request)

    def run() -> Response:
        try:
            with state.sessions() as db, db.begin():
                route = _route_of(db, dossier_id, route_id, user)
                routes.post_message(db=db, route=route, user=user,
                                    body={"body": body, "attachment_ids": attachment_ids})
        except NotFound:
            raise
        except DomainError as exc:
            message = " ".join(e.message(lang) for e in exc.errors) or exc.message(lang)
            return status_page(request, state, user, dossier_id, status_code=exc.status,
                               errors={route_id: message},
                               typed={route_id: {"body": body, "ids": attachment_ids}})
        return RedirectResponse(f"/founder/dossiers/{dossier_id}?sent={route_id}"
                                f"#route-{route_id}", status_code=303)

    return await run_in_threadpool(run)


@router.post(BASE + "/routes/{route_id}/withdraw", dependencies=[Csrf])
async def withdraw(dossier_id: str, route_id: str, request: Request, user: FounderPage,
                   state: StateDep) -> Response:
    """Withdraw from one partner, once confirmed: its reviewers lose access at once."""
    form = await request.form()
    confirmed = form.get("confirm") == "yes"
    lang = page_lang(request)

    def run() -> Response:
        if not confirmed:
            with state.sessions() as db:
                _route_of(db, dossier_id, route_id, user)
            return status_page(request, state, user, dossier_id, status_code=422,
                               errors={f"withdraw-{route_id}":
                                       text("fo.withdraw_needs_confirm", lang)})
        try:
            with state.sessions() as db, db.begin():
                route = _route_of(db, dossier_id, route_id, user)
                routes.withdraw(db=db, route=route, user=user)
        except NotFound:
            raise
        except DomainError as exc:
            return status_page(request, state, user, dossier_id, status_code=exc.status,
                               errors={f"withdraw-{route_id}": exc.message(lang)})
        return RedirectResponse(f"/founder/dossiers/{dossier_id}?withdrawn={route_id}"
                                f"#route-{route_id}", status_code=303)

    return await run_in_threadpool(run)


@router.get(BASE + "/pdf")
def pdf(dossier_id: str, request: Request, user: FounderPage, state: StateDep) -> Response:
    """The dossier as a PDF (app/rendering.py, as the API)."""
    with state.sessions() as db:
        dossier = dossiers.get_for_user(db=db, dossier_id=dossier_id, user=user)
        data, filename = dossier_pdf(db=db, dossier=dossier, lang=page_lang(request))
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get(BASE + "/receipt.pdf")
def receipt(dossier_id: str, request: Request, user: FounderPage, state: StateDep) -> Response:
    """The deposit receipt: date, version, content hash, partners and their consent."""
    lang = page_lang(request)
    with state.sessions() as db:
        dossier = dossiers.get_for_user(db=db, dossier_id=dossier_id, user=user)
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
def preview(dossier_id: str, request: Request, user: FounderPage, state: StateDep
            ) -> HTMLResponse:
    """The dossier as the partners read it (the PDF's own layout, on screen)."""
    with state.sessions() as db:
        dossier = dossiers.get_for_user(db=db, dossier_id=dossier_id, user=user)
        latest = dossiers.latest_version(db=db, dossier=dossier) if submitted(dossier) else None
        html = render_dossier_html(
            dossier.content, attachments=[attachment_view(a) for a in dossier.attachments],
            partners=partner_names(db=db), version=dossier.current_version,
            content_hash=latest.content_hash if latest else None, lang=page_lang(request),
            assets_url="/founder/assets/", stylesheet_href="/founder/assets/dossier.css")
    return HTMLResponse(html)


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


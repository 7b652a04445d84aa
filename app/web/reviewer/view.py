"""What the reviewer pages show: labels, the diff with field names, the timeline, the page."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.web.common.templating import page_lang, render
from app.web.common.texts import text
from app.web.reviewer import texts as reviewer_texts  # noqa: F401  (registers the texts)
from dossier.db import utcnow
from dossier.errors import DomainError, FieldError
from dossier.models import Attachment, DossierVersion, Partner, Route, RouteEvent, User
from dossier.routing.machine import DECIDED_STATES, TRANSITIONS, State
from dossier.routing.payloads import DeclineReason, RequestKind
from dossier.schema.enums import Instrument
from dossier.services import inbox, notes, routes
from dossier.services.partners import partner_names
from forms import definition
from forms.display import display_value
from forms.formatting import format_money, format_pct
from forms.view import cover_view, sections_view

DEFAULT_SLA_DAYS = 30
_INDEX = re.compile(r"\[(\d+)\]")
DONE = ("opened", "in_review", "info_requested", "approved", "declined", "message", "note",
        "assigned")


def sla_days(partner: Partner | None) -> int:
    """The partner's agreed answer time in days."""
    return int((partner.config or {}).get("sla_days") or DEFAULT_SLA_DAYS) if partner else \
        DEFAULT_SLA_DAYS


def overdue(route_state: str, delivered_at: datetime | None, sla: int,
            now: datetime | None = None) -> bool:
    """Delivered more than `sla` days ago and not decided."""
    if delivered_at is None or State(route_state) in DECIDED_STATES:
        return False
    return ((now or utcnow()) - delivered_at).total_seconds() / 86400 > sla


def state_label(state: str, lang: str) -> str:
    """A route state in words."""
    return text(f"rv_state_{state}", lang)


def allowed(event: str, state: str) -> bool:
    """Whether the declared machine lets a reviewer fire `event` from `state`."""
    transition = TRANSITIONS.get(event)
    return transition is not None and State(state) in transition.sources


def change_label(path: str, lang: str) -> str:
    """The French (or English) name of a changed field, list items numbered from 1."""
    generic = _INDEX.sub("[]", path)
    try:
        name = definition.label(generic, lang)
    except KeyError:
        return path
    numbers = [int(n) + 1 for n in _INDEX.findall(path)]
    if not numbers:
        return name
    owner = generic.rsplit("[]", 1)[0]
    try:
        owner_label = definition.label(owner, lang)
    except KeyError:
        owner_label = owner
    item = text("rv_item", lang).format(label=owner_label, n=numbers[-1])
    return f"{item} — {name}"


def _shown(path: str, value: Any, lang: str, partners: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    try:
        f = definition.field(_INDEX.sub("[]", path))
    except KeyError:
        f = None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if f is not None:
        return display_value(f, value, lang, partners) or "—"
    return str(value)


def change_rows(changes: dict[str, Any] | None, lang: str,
                partners: dict[str, str]) -> list[dict[str, str]]:
    """The diff as table rows: field name, before, after, kind of change."""
    if not changes:
        return []
    return [{"label": change_label(c["path"], lang), "path": c["path"], "change": c["change"],
             "before": _shown(c["path"], c["before"], lang, partners),
             "after": _shown(c["path"], c["after"], lang, partners)}
            for c in changes["fields"]]


def _event_detail(row: RouteEvent, lang: str) -> list[str]:
    p = row.payload or {}
    lines: list[str] = []
    if row.type == "info_requested":
        lines.append(text(f"rv_rk_{p.get('request_kind')}", lang))
        lines.append(p.get("message") or "")
    elif row.type == "declined":
        lines.append(text(f"rv_dr_{p.get('reason')}", lang))
        if p.get("comment"):
            lines.append(p["comment"])
    elif row.type == "approved":
        lines.append(decision_terms(p, lang))
        if p.get("conditions"):
            lines.append(p["conditions"])
    elif row.type == "withdrawn" and p.get("reason"):
        lines.append(p["reason"])
    return [line for line in lines if line]


def decision_terms(p: dict[str, Any], lang: str) -> str:
    """Instrument, amount, rate and duration of an approval, in one line."""
    parts = []
    if p.get("instrument"):
        parts.append(definition.enum_label("instrument", p["instrument"], lang))
    if p.get("amount_eur"):
        parts.append(format_money(p["amount_eur"], lang))
    if p.get("rate_pct"):
        parts.append(text("rv_rate_value", lang).format(rate=format_pct(p["rate_pct"], lang)))
    if p.get("duration_months"):
        parts.append(text("rv_months", lang).format(months=p["duration_months"]))
    return " · ".join(parts)


def timeline(rows: list[RouteEvent], lang: str, people: dict, partner_name: str
             ) -> list[dict[str, Any]]:
    """The route's events, newest first, in words."""
    out = []
    for row in reversed(rows):
        version = (row.payload or {}).get("version", "")
        who = people.get(row.actor_id)
        actor = (who.email if who else partner_name) if row.actor_role == "reviewer" else (
            text("rv_founder", lang) if row.actor_role == "founder" else text("rv_platform", lang))
        out.append({"type": row.type, "at": row.created_at, "actor": actor,
                    "label": text(f"rv_ev_{row.type}", lang).format(version=version),
                    "detail": _event_detail(row, lang)})
    return out


def baseline_version(route: Route, history: list[RouteEvent]) -> int | None:
    """The version the partner last read (as GET /routes/{rid} computes it)."""
    unread = route.seen_version and route.seen_version != route.delivered_version
    if unread:
        return route.seen_version
    return next((e.payload.get("previous") for e in reversed(history) if e.type == "updated"),
                None)


def field_errors(exc: DomainError, lang: str) -> dict[str, str]:
    """Messages by form field; `_` holds a message about the whole action."""
    if exc.code == "event_not_from_state":
        return {"_": text("rv_not_from_state", lang).format(
            state=state_label(exc.ctx.get("state", ""), lang))}
    out: dict[str, str] = {}
    for e in exc.errors or [FieldError("_", exc.code, exc.ctx)]:
        key = e.loc.split(".")[0].split("[")[0] or "_"
        message = text("rv_choose_option", lang) if e.code == "enum" else e.message(lang)
        out.setdefault(key, message)
    if not exc.errors:
        out["_"] = exc.message(lang)
    return out


def render_route(request: Request, *, db: Session, route: Route, user: User,
                 baseline: int | None = None, errors: dict[str, dict[str, str]] | None = None,
                 values: dict[str, Any] | None = None, status: int = 200,
                 done: str | None = None, decision: str | None = None) -> HTMLResponse:
    """The dossier page of one route: the dossier, changes, files, forms, messages, notes."""
    lang = page_lang(request)
    names = partner_names(db=db)
    partner = db.get(Partner, route.partner_code)
    version = inbox.delivered_version(db=db, route=route)
    content = version.content if version else {}
    files = list(version.attachments) if version else []
    history = routes.events(db=db, route=route)
    if baseline is None:
        baseline = baseline_version(route, history)
    changes = inbox.changes(db=db, route=route, baseline=baseline)
    before_files: set[str] = set()
    if changes:
        old = db.scalar(select(DossierVersion).where(
            DossierVersion.dossier_id == route.dossier_id,
            DossierVersion.number == changes["from_version"]))
        before_files = {str(a["id"]) for a in (old.attachments if old else [])}
    new_files = {str(a["id"]) for a in files} - before_files if changes else set()
    messages = routes.messages(db=db, route=route)
    route_notes = notes.notes(db=db, route=route, user=user)
    people = notes.people(db=db, ids=[e.actor_id for e in history]
                          + [m.author_id for m in messages]
                          + [n.author_id for n in route_notes] + [route.assigned_to_id])
    shared = {str(a["id"]) for a in files}
    message_files = {str(a.id): a for a in db.scalars(select(Attachment).where(
        Attachment.dossier_id == route.dossier_id))
        if any(str(a.id) in m.attachment_ids for m in messages)}
    own_request = next((r for r in content.get("requests", [])
                        if isinstance(r, dict) and r.get("partner") == route.partner_code), {})
    sla = sla_days(partner)
    return render(
        request, "reviewer/route.html", status_code=status,
        route=route, partner=partner, partner_name=names.get(route.partner_code, ""),
        version=version, state_label=lambda s: state_label(s, lang),
        cover=cover_view(content, lang=lang, partners=names,
                         version=version.number if version else None,
                         content_hash=version.content_hash if version else None,
                         generated_at=version.created_at if version else None),
        sections=[s for s in sections_view(content, files, lang, names)
                  if s.key != "attachments"],
        files=files, new_files=new_files, shared=shared, message_files=message_files,
        changes=changes, change_rows=change_rows(changes, lang, names),
        events=timeline(history, lang, people, names.get(route.partner_code, "")),
        messages=messages, notes=route_notes, people=people,
        colleagues=notes.colleagues(db=db, user=user),
        own_request=own_request, sla=sla,
        overdue=overdue(route.state, route.delivered_at, sla),
        can={e: allowed(e, route.state) for e in
             ("in_review", "info_requested", "approved", "message")},
        decided=State(route.state) in DECIDED_STATES,
        decision_view=routes.decision_view(route),
        decision_terms=lambda p: decision_terms(p, lang),
        request_kinds=[k.value for k in RequestKind],
        decline_reasons=[r.value for r in DeclineReason],
        instruments=[i.value for i in Instrument
                     if i.value in (partner.config.get("instruments") if partner else [])]
        or [i.value for i in Instrument],
        errors=errors or {}, values=values or {},
        done=done if done in DONE else None,
        decision=decision if decision in ("approve", "decline") else None,
    )

"""What the reviewer pages show: labels, the diff with field names, the timeline, the page."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from app.web.common.templating import fragment, page_lang, render
from app.web.reviewer import after
from app.web.reviewer.committee import CommitteePart, committee_part, decision_prefill
from dossier import content_cache
from dossier.catalogue import _
from dossier.db import DbSession, utcnow
from dossier.errors import DomainError, FieldError
from dossier.labels import label
from dossier.models import Attachment, DossierVersion, Partner, Route, RouteEvent, User
from dossier.routing.machine import DECIDED_STATES, Actor, State, permits
from dossier.routing.payloads import DeclineReason, RequestKind
from dossier.schema.enums import Instrument
from dossier.services import attachments, inbox, notes, opinions, outdated, registry, routes
from dossier.services import thread as thread_service
from dossier.services.partners import partner_names
from dossier.sla import late, sla_days
from forms import definition
from forms.display import display_value
from forms.formatting import format_date, format_money, format_pct
from forms.view import Cover, SectionView, cover_view, sections_view

_INDEX = re.compile(r"\[(\d+)\]")
DONE = ("opened", "in_review", "info_requested", "recommended", "approved", "declined",
        "message", "note", "assigned", "revised", "disbursed")


def allowed(event: str, state: str, actor: Actor = Actor.reviewer) -> bool:
    """Whether the declared machine lets this reviewer fire `event` from `state`."""
    return permits(event, state, actor)


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
    item = _("{label} #{n}", lang).format(label=owner_label, n=numbers[-1])
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


def _event_detail(row: RouteEvent, lang: str, partner_name: str) -> list[str]:
    p = row.payload or {}
    lines = after.event_detail(row.type, p, lang)  # issue 16: a revision, a tranche
    if row.type == "info_requested":
        lines.append(label("request_kind", p.get("request_kind", ""), lang, "reviewer"))
        lines.append(p.get("message") or "")
        lines.append(outdated.describe(p.get("document"), partner_name, lang))
    elif row.type == "declined":
        lines.append(label("decline_reason", p.get("reason", ""), lang, "reviewer"))
        if p.get("comment"):
            lines.append(p["comment"])
    elif row.type == "approved":
        lines.append(decision_terms(p, lang))
        if p.get("conditions"):
            lines.append(p["conditions"])
    elif row.type == "recommended":
        lines += recommendation_lines(p, lang)
    elif row.type == "withdrawn" and p.get("reason"):
        lines.append(p["reason"])
    if p.get("minutes"):
        lines.append(_("Minutes of the committee: {minutes}", lang).format(minutes=p["minutes"]))
    return [line for line in lines if line]


def recommendation_lines(p: dict[str, Any], lang: str) -> list[str]:
    """A recommendation to the committee in words: what, the terms, the day, the opinion."""
    what = label("recommendation", p.get("recommendation", ""), lang)
    if p.get("reason"):
        what += " — " + label("decline_reason", p["reason"], lang, "reviewer")
    day = p.get("committee_date")
    return [what, decision_terms(p, lang),
            _("Committee of {date}", lang).format(date=format_date(day, lang)) if day else "",
            p.get("conditions") or "", p.get("comment") or ""]


def decision_terms(p: dict[str, Any], lang: str) -> str:
    """Instrument, amount, rate and duration of an approval, in one line."""
    parts = []
    if p.get("instrument"):
        parts.append(label("instrument", p["instrument"], lang, "reviewer"))
    if p.get("amount_eur"):
        parts.append(format_money(p["amount_eur"], lang))
    if p.get("rate_pct"):
        parts.append(_("rate {rate}", lang).format(rate=format_pct(p["rate_pct"], lang)))
    if p.get("duration_months"):
        parts.append(_("{months} months", lang).format(months=p["duration_months"]))
    return " · ".join(parts)


def timeline(rows: list[RouteEvent], lang: str, people: dict, partner_name: str
             ) -> list[dict[str, Any]]:
    """The route's events, newest first, in words."""
    out = []
    for row in reversed(rows):
        version = (row.payload or {}).get("version", "")
        who = people.get(row.actor_id)
        actor = (who.email if who else partner_name) if row.actor_role == "reviewer" else (
            _("Founder", lang) if row.actor_role == "founder" else _("Platform", lang))
        out.append({"type": row.type, "at": row.created_at, "actor": actor,
                    "label": label("event", row.type, lang, "reviewer").format(version=version),
                    "detail": _event_detail(row, lang, partner_name)})
    return out


def field_errors(exc: DomainError, lang: str) -> dict[str, str]:
    """Messages by form field; `_` holds a message about the whole action."""
    if exc.code == "event_not_from_state":
        return {"_": _("This action is no longer possible: the dossier is \"{state}\".",
                       lang).format(
            state=label("state", exc.ctx.get("state", ""), lang, "reviewer"))}
    out: dict[str, str] = {}
    for e in exc.errors or [FieldError("_", exc.code, exc.ctx)]:
        key = e.loc.split(".")[0].split("[")[0] or "_"
        message = _("Choose an option in the list.", lang) if e.code == "enum" else e.message(lang)
        out.setdefault(key, message)
    if not exc.errors:
        out["_"] = exc.message(lang)
    return out


@dataclass
class DossierPart:
    """The dossier as the partner has it, and what changed since the version it last read."""

    version: DossierVersion | None
    cover: Cover | None
    sections: list[SectionView]
    paper_html: Markup | None
    files: list[dict[str, Any]]
    shared: set[str]
    new_files: set[str]
    changes: dict[str, Any] | None
    change_rows: list[dict[str, str]]


@dataclass
class Thread:
    """What was said and done: the timeline, messages with their files, internal notes."""

    events: list[dict[str, Any]]
    messages: list[Any]
    conversation: list[Any]
    message_files: dict[str, Attachment]
    notes: list[Any]
    people: dict[Any, User]
    colleagues: list[User]


@dataclass
class Forms:
    """The reviewer's forms: which are open, their choices, and a refused post's errors."""

    can: dict[str, bool]
    decided: bool
    decision_view: dict[str, Any] | None
    request_kinds: list[str]
    decline_reasons: list[str]
    instruments: list[str]
    errors: dict[str, dict[str, str]]
    values: dict[str, Any]
    done: str | None
    decision: str | None


@dataclass
class RoutePage:
    """The dossier page of one route, for the template reviewer/route.html."""

    route: Route
    partner: Partner | None
    partner_name: str
    own_request: dict[str, Any]
    committee: CommitteePart
    sla: int
    overdue: bool
    dossier: DossierPart
    thread: Thread
    forms: Forms

    def context(self) -> dict[str, Any]:
        """The template's variables (the parts' fields side by side)."""
        head = {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("dossier", "thread", "forms")}
        parts = (self.dossier, self.thread, self.forms)
        return head | {f.name: getattr(p, f.name) for p in parts for f in fields(p)}


def dossier_part(db: DbSession, route: Route, version: DossierVersion | None, lang: str,
                 names: dict[str, str], baseline: int | None) -> DossierPart:
    """The delivered version in sections, its files, and the changes since `baseline`."""
    content = version.content if version else {}
    files = list(version.attachments) if version else []
    changes = inbox.changes(db=db, route=route, baseline=baseline)
    shared = {str(a["id"]) for a in files}
    record = registry.record_for(db, content.get("company") or {}) if version else None
    cover = _cover(version, lang, names)
    sections = [s for s in sections_view(content, files, lang, names, record)
                if s.key != "attachments"]
    return DossierPart(
        version=version, cover=cover, sections=sections,
        paper_html=kept_paper(version, cover, sections, lang, names, record, files)
        if version else None,
        files=files, shared=shared,
        new_files=shared - inbox.version_file_ids(
            db=db, route=route, number=changes["from_version"]) if changes else set(),
        changes=changes, change_rows=change_rows(changes, lang, names))


def kept_paper(version: DossierVersion, cover: Cover, sections: list[SectionView], lang: str,
               names: dict[str, str], record: dict[str, Any] | None,
               files: list[dict[str, Any]]) -> Markup:
    """The version's dossier as HTML, rendered once for all it shows: a delivered version
    never changes, but the language, the partners' names, the registry's record and the files
    it lists are part of the key (wording it was a fifth of the reviewer's route page)."""
    parts = [str(version.id), lang, names, record, [[str(f["id"]), f["filename"]] for f in files]]
    return content_cache.by_value("paper", parts, lambda: fragment(
        lang, "reviewer/_paper.html", cover=cover, sections=sections))


def _cover(version: DossierVersion | None, lang: str, names: dict[str, str]) -> Cover:
    if version is None:
        return cover_view({}, lang=lang, partners=names)
    return cover_view(version.content, lang=lang, partners=names, version=version.number,
                      content_hash=version.content_hash, generated_at=version.created_at)


def thread(db: DbSession, route: Route, user: User, lang: str, partner_name: str,
           history: list[RouteEvent]) -> Thread:
    """The timeline, the messages and the notes, with the people who wrote them."""
    messages = routes.messages(db=db, route=route)
    conversation = thread_service.from_rows(route, history, messages)
    route_notes = notes.notes(db=db, route=route, user=user)
    people = notes.people(db=db, ids=[e.actor_id for e in history]
                          + [m.author_id for m in messages]
                          + [n.author_id for n in route_notes] + [route.assigned_to_id])
    attached = {aid for m in messages for aid in m.attachment_ids}
    message_files = attachments.by_id(db=db, dossier_id=route.dossier_id, ids=attached)
    return Thread(events=timeline(history, lang, people, partner_name), messages=messages,
                  conversation=conversation, message_files=message_files, notes=route_notes,
                  people=people,
                  colleagues=notes.colleagues(db=db, user=user))


def forms(route: Route, partner: Partner | None, committee: CommitteePart, actor: Actor, *,
          errors: dict[str, dict[str, str]] | None, values: dict[str, Any] | None,
          done: str | None, decision: str | None) -> Forms:
    """The forms' state: allowed actions, choices, and the errors of a refused post (a
    decision the committee takes is not offered outside it)."""
    can = {e: allowed(e, route.state, actor) for e in
           ("in_review", "info_requested", "approved", "message")}
    can["approved"] &= route.state == State.committee or not committee.required
    return Forms(
        can=can,
        decided=State(route.state) in DECIDED_STATES,
        decision_view=routes.decision_view(route),
        request_kinds=[k.value for k in RequestKind],
        decline_reasons=[r.value for r in DeclineReason],
        instruments=_instruments(partner),
        errors=errors or {}, values=values or {},
        done=done if done in DONE else None,
        decision=decision if decision in ("approve", "decline") else None)


def _instruments(partner: Partner | None) -> list[str]:
    """The instruments the partner offers (every one when its catalogue entry names none)."""
    offered = (partner.config.get("instruments") if partner else None) or []
    return [i.value for i in Instrument if i.value in offered] or [i.value for i in Instrument]


def route_page(db: DbSession, route: Route, user: User, lang: str, *,
               baseline: int | None = None, names: dict[str, str] | None = None,
               history: list[RouteEvent] | None = None, **form_state: Any) -> RoutePage:
    """Everything the dossier page of one route shows (`names`: the partners' names, and
    `history`: the route's events, when the caller has them)."""
    names = partner_names(db=db) if names is None else names
    partner = db.get(Partner, route.partner_code)
    history = routes.events(db=db, route=route) if history is None else history
    if baseline is None:
        baseline = inbox.baseline_version(db=db, route=route, history=history)
    partner_name = names.get(route.partner_code, "")
    sla = sla_days(partner)
    version = inbox.delivered_version(db=db, route=route)
    content = version.content if version else {}
    own_request = next((r for r in content.get("requests", [])
                        if isinstance(r, dict) and r.get("partner") == route.partner_code), {})
    committee = committee_part(db, route, partner, user)
    if committee.recommendation and not form_state.get("values"):
        form_state["values"] = {"decision": decision_prefill(committee, lang)}
    return RoutePage(
        route=route, partner=partner, partner_name=partner_name, own_request=own_request,
        committee=committee,
        sla=sla, overdue=late(route.state, route.delivered_at, sla, utcnow()),
        dossier=dossier_part(db, route, version, lang, names, baseline),
        thread=thread(db, route, user, lang, partner_name, history),
        forms=forms(route, partner, committee, routes.actor_of(user), **form_state))


def render_route(request: Request, *, db: DbSession, route: Route, user: User,
                 baseline: int | None = None, errors: dict[str, dict[str, str]] | None = None,
                 values: dict[str, Any] | None = None, status: int = 200,
                 done: str | None = None, decision: str | None = None,
                 history: list[RouteEvent] | None = None) -> HTMLResponse:
    """The dossier page of one route: the dossier, changes, files, forms, messages, notes."""
    lang = page_lang(request)
    names = partner_names(db=db)
    page = route_page(db, route, user, lang, baseline=baseline, names=names, errors=errors,
                      values=values, done=done, decision=decision, history=history)
    return render(request, "reviewer/route.html", status_code=status,
                  decision_terms=lambda p: decision_terms(p, lang),
                  document_line=lambda d: outdated.describe(d, page.partner_name, lang),
                  expert_opinions=opinions.panel(db=db, route=route, user=user),
                  **page.context(),
                  life=after.life(db, route, lang, after.revision_days(request), names),
                  # `?propose=1`: the form proposing to the committee, where it is optional
                  propose=request.query_params.get("propose") == "1")

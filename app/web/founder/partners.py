"""Choosing partners: each one's verdict in words, what it asks for, consent, then submission."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep
from app.web.common.deps import Csrf, FounderDossier, FounderPage, PostedForm, ReadDossierPage
from app.web.common.formdata import display_decimal, dom_id
from app.web.common.templating import page_lang, render
from app.web.founder.common import (
    dossier_url,
    edit_url,
    partner_meters,
    progress,
    steps,
    submitted,
)
from app.web.founder.widgets import MONEY_MESSAGE, error_messages
from dossier.access import Action
from dossier.bounded_numbers import number_fits
from dossier.catalogue import _, ngettext
from dossier.errors import FieldError, Invalid
from dossier.models import Dossier, User
from dossier.schema import DossierV1
from dossier.services import dossiers, submission
from dossier.services.partners import instruments_by_partner, partner_names
from dossier.services.submission import routes_of
from dossier.validation import submission_errors
from forms.definition import enum_label
from forms.definition import field as definition_field
from forms.numbers import decimal_string

router = APIRouter(include_in_schema=False)
PATH = "/founder/dossiers/{dossier_id}/partners"
_REQUEST_LOC = re.compile(r"^requests\[(\d+)\](?:\.(\w+))?$")
ChoosingDossier = FounderDossier(Action.choose_partners)


@dataclass
class Choice:
    """What the founder typed for the partners (kept when something is refused)."""

    chosen: list[str] = field(default_factory=list)
    instrument: dict[str, str] = field(default_factory=dict)
    amount: dict[str, str] = field(default_factory=dict)
    duration: dict[str, str] = field(default_factory=dict)
    consent: set[str] = field(default_factory=set)


@dataclass
class Problems:
    """Errors to show: per partner and input, and the rest of the dossier's."""

    by_partner: dict[str, dict[str, str]] = field(default_factory=dict)
    elsewhere: list[tuple[str, str, str]] = field(default_factory=list)  # label, message, href
    headline: str | None = None

    def add(self, code: str, key: str, message: str) -> None:
        """One message on one partner's input (`partner`, `instrument`, `amount_eur`…)."""
        slot = self.by_partner.setdefault(code, {})
        slot[key] = f"{slot[key]} {message}" if key in slot else message

    @property
    def count(self) -> int:
        """How many problems in all."""
        return sum(len(v) for v in self.by_partner.values()) + len(self.elsewhere)


def _stored_choice(content: dict[str, Any], lang: str) -> Choice:
    choice = Choice()
    for item in content.get("requests") or []:
        if not isinstance(item, dict) or not item.get("partner"):
            continue
        code = item["partner"]
        choice.chosen.append(code)
        choice.instrument[code] = str(item.get("instrument") or "")
        amount = item.get("amount_eur")
        choice.amount[code] = display_decimal(amount, lang) if amount is not None else ""
        duration = item.get("duration_months")
        choice.duration[code] = str(duration) if duration is not None else ""
    return choice


def _posted_choice(form: Any, codes: list[str]) -> Choice:
    picked = {str(v) for v in form.getlist("choose")}
    choice = Choice(consent={str(v) for v in form.getlist("consent")})
    for code in codes:
        if code in picked:
            choice.chosen.append(code)
        choice.instrument[code] = str(form.get(f"instrument.{code}") or "")
        choice.amount[code] = str(form.get(f"amount.{code}") or "")
        choice.duration[code] = str(form.get(f"duration.{code}") or "")
    return choice


def _request_item(code: str, choice: Choice) -> dict[str, Any]:
    """The request to one partner as the founder typed it."""
    item: dict[str, Any] = {"partner": code}
    if choice.instrument.get(code):
        item["instrument"] = choice.instrument[code]
    amount = choice.amount.get(code, "").strip()
    if amount:
        item["amount_eur"] = decimal_string(amount)
    duration = re.sub(r"\s", "", choice.duration.get(code, ""))
    if duration:
        readable = duration.isascii() and duration.isdigit() and number_fits(duration)
        item["duration_months"] = int(duration) if readable else duration
    return item


def _requests(content: dict[str, Any], choice: Choice) -> tuple[list[dict[str, Any]], list[str]]:
    """The dossier's `requests` for the chosen partners: stored order kept, new ones after."""
    stored = [r for r in content.get("requests") or [] if isinstance(r, dict)]
    order = [r.get("partner") for r in stored if r.get("partner") in choice.chosen]
    order += [c for c in choice.chosen if c not in order]
    return [_request_item(code, choice) for code in order], order


def _added_requests(content: dict[str, Any], sent: set[str], choice: Choice
                    ) -> tuple[list[dict[str, Any]], list[str]]:
    """After submission: the requests to the partners already sent, unchanged, then the ones
    chosen now (a request typed but never sent is kept only if it is chosen now)."""
    stored = [r for r in content.get("requests") or [] if isinstance(r, dict)]
    kept = [r for r in stored if r.get("partner") in sent]
    items = kept + [_request_item(code, choice) for code in choice.chosen if code not in sent]
    return items, [str(r.get("partner")) for r in items]


def _sort_errors(errors: list[FieldError], order: list[str], problems: Problems, lang: str,
                 dossier_id: str) -> None:
    messages = error_messages(errors, lang)
    for e in errors:
        match = _REQUEST_LOC.match(e.loc)
        if match and int(match.group(1)) < len(order):
            code, key = order[int(match.group(1))], match.group(2) or "partner"
            problems.add(code, key, _partner_message(e, key, lang))
        elif e.loc == "consent":
            continue  # consent is checked per partner before the service is called
        else:
            problems.elsewhere.append((_label(e.loc, lang), messages.get(e.loc, e.message(lang)),
                                       _fix_href(e.loc, dossier_id)))


def _partner_message(e: FieldError, key: str, lang: str) -> str:
    """An error shown on a partner's card, in the card's own words."""
    if key == "amount_eur" and e.code in ("decimal_parsing", "decimal_type"):
        return MONEY_MESSAGE.get(lang)
    if e.code == "partner_ineligible" and e.ctx.get("reason"):
        return str(e.ctx["reason"])
    if e.code == "attachments_missing":
        kinds = [k.strip() for k in str(e.ctx.get("kinds", "")).split(",") if k.strip()]
        labels = ", ".join(enum_label("attachment_kind", k, lang) for k in kinds)
        return f"{_('Documents to provide', lang)}{_(':', lang)} {labels}"
    return e.message(lang)


def _label(loc: str, lang: str) -> str:
    try:
        return definition_field(re.sub(r"\[\d+\]", "[]", loc)).label.get(lang)
    except KeyError:
        return loc


def _fix_href(loc: str, dossier_id: str) -> str:
    top = re.split(r"[.\[]", loc, maxsplit=1)[0]
    target = "attachments" if top == "attachments" else f"edit/{top}"
    return f"/founder/dossiers/{dossier_id}/{target}#{dom_id(loc)}"


def partners_page(request: Request, db: SessionDep, dossier: Dossier, *,
                  choice: Choice | None = None, problems: Problems | None = None,
                  notice: str | None = None, status_code: int = 200,
                  add: str | None = None) -> Response:
    """Every partner with its verdict, what it needs, the request to it and the consent;
    after submission, the partners not sent yet can be chosen and sent to (`add` ticks one)."""
    lang = page_lang(request)
    meters = partner_meters(db, dossier, lang)
    routes = routes_of(db=db, dossier=dossier)
    choice = choice or _stored_choice(dossier.content, lang)
    if add and add not in routes and add not in choice.chosen:
        choice.chosen.append(add)
    all_steps = steps(dossier, "partners", lang, meters=meters)
    return render(
        request, "founder/partners.html", status_code=status_code, dossier=dossier,
        meters=meters, routes=routes, choice=choice, problems=problems or Problems(),
        names={m.code: m.name for m in meters},
        notice=notice, submitted=submitted(dossier), steps=all_steps,
        can_add=submitted(dossier) and any(m.code not in routes for m in meters),
        step_number=len(all_steps), progress=progress(db, dossier, lang),
        instrument_label=lambda code: enum_label("instrument", code, lang),
        attachments_href=dossier_url(dossier, "/attachments"),
        prev_href=edit_url(dossier, "attachments"),
        amount_label=definition_field("requests[].amount_eur").label.get(lang))


@router.get(PATH)
def show(dossier: ReadDossierPage, request: Request, db: SessionDep,
         saved: str | None = None,
         add: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    """The partners, their verdicts and the submission form (`add`: a partner to tick)."""
    notice = _("Your choice is saved.", page_lang(request)) if saved else None
    return partners_page(request, db, dossier, notice=notice, add=add)


def _save_choice(db: SessionDep, user: User, dossier: Dossier, choice: Choice
                 ) -> tuple[list[str], list[FieldError]]:
    requests, order = _requests(dossier.content, choice)
    data = {**dossier.content, "requests": requests} if requests else {
        k: v for k, v in dossier.content.items() if k != "requests"}
    data.setdefault("schema_version", 1)
    try:
        dossiers.update_draft(db=db, dossier=dossier, user=user, data=data)
    except Invalid as exc:
        return order, exc.errors or [FieldError("requests", exc.code, exc.ctx)]
    return order, []


def _submit(db: SessionDep, user: User, dossier: Dossier, lang: str) -> list[FieldError]:
    try:
        submission.submit(db=db, dossier=dossier, user=user, consent=True, lang=lang)
    except Invalid as exc:
        errors = exc.errors or [FieldError("requests", exc.code, exc.ctx)]
        return errors + _incomplete(db, dossier.content, errors)
    return []


def _incomplete(db: SessionDep, data: dict[str, Any], known: list[FieldError]
                ) -> list[FieldError]:
    """What else stops submission (the partners' refusal is checked before completeness)."""
    seen = {(e.loc, e.code) for e in known}
    try:
        content = DossierV1.model_validate(data)
    except ValueError:
        return []
    missing = submission_errors(content, partners=instruments_by_partner(db=db))
    return [e for e in missing if (e.loc, e.code) not in seen]


def _consent_problems(db: SessionDep, choice: Choice, order: list[str], problems: Problems,
                      lang: str) -> None:
    names = partner_names(db=db)
    for code in order:
        if code not in choice.consent:
            problems.add(code, "consent", _("Tick the consent box for {name} to submit to it.",
                                            lang).format(
                name=names.get(code, code)))


@router.post(PATH, dependencies=[Csrf])
def choose(dossier: ChoosingDossier, request: Request, user: FounderPage, db: SessionDep,
           form: PostedForm) -> Response:
    """Save the partners chosen (draft); with `_action=submit`, check consent and submit.

    One transaction: the dossier is held from the reading of its content to the submission,
    so that a concurrent choice can neither be overwritten unseen nor be submitted unsaid.
    """
    lang = page_lang(request)
    submission.lock(db=db, dossier=dossier)
    if submitted(dossier):
        if form.get("_action") != "add":
            return RedirectResponse(dossier_url(dossier), status_code=303)
        return add_partners(request, db, user, dossier, form)
    choice = _posted_choice(form, [m.code for m in partner_meters(db, dossier, lang)])
    problems = Problems()
    order, errors = _save_choice(db, user, dossier, choice)
    if errors:
        _sort_errors(errors, order, problems, lang, str(dossier.id))
    elif form.get("_action") == "submit":
        _consent_problems(db, choice, order, problems, lang)
        if not problems.count:
            _sort_errors(_submit(db, user, dossier, lang), order, problems, lang,
                         str(dossier.id))
        if not problems.count:
            return RedirectResponse(dossier_url(dossier, "?submitted=1"), status_code=303)
        problems.headline = ngettext("The dossier was not submitted: {count} point to settle.",
                                     "The dossier was not submitted: {count} points to settle.",
                                     problems.count, lang).format(count=problems.count)
    if problems.count:
        problems.headline = problems.headline or ngettext(
            "Nothing was saved: {count} point to fix", "Nothing was saved: {count} points to fix",
            problems.count, lang).format(count=problems.count)
        return partners_page(request, db, dossier, choice=choice, problems=problems,
                             status_code=422)
    return RedirectResponse(dossier_url(dossier, "/partners?saved=1"), status_code=303)


def add_partners(request: Request, db: SessionDep, user: User, dossier: Dossier,
                 form: Any) -> Response:
    """Send a submitted dossier to more partners, each with its consent, in one transaction:
    the new requests make a new version (the API's PUT, `submission.amend`), then the API's
    submit routes the partners not routed yet (`submission.submit`); any refusal undoes both."""
    lang = page_lang(request)
    sent = set(routes_of(db=db, dossier=dossier))
    codes = [m.code for m in partner_meters(db, dossier, lang) if m.code not in sent]
    choice = _posted_choice(form, codes)
    requests, order = _added_requests(dossier.content, sent, choice)
    problems = Problems()
    if not choice.chosen:
        problems.headline = _("Tick the partners to send your dossier to.", lang)
    _consent_problems(db, choice, [c for c in order if c not in sent], problems, lang)
    if not problems.count and choice.chosen:
        errors = _amend_and_submit(db, user, dossier, requests, lang)
        _sort_errors(errors, order, problems, lang, str(dossier.id))
    if problems.count or not choice.chosen:
        problems.headline = problems.headline or ngettext(
            "The dossier was not sent: {count} point to settle.",
            "The dossier was not sent: {count} points to settle.",
            problems.count, lang).format(count=problems.count)
        return partners_page(request, db, dossier, choice=choice, problems=problems,
                             status_code=422)
    return RedirectResponse(dossier_url(dossier, "?submitted=1"), status_code=303)


def _amend_and_submit(db: SessionDep, user: User, dossier: Dossier,
                      requests: list[dict[str, Any]], lang: str) -> list[FieldError]:
    """The API's PUT then submit, in this request's one transaction; undone on any refusal."""
    data = {**dossier.content, "requests": requests}
    try:
        submission.amend(db=db, dossier=dossier, user=user, data=data)
        submission.submit(db=db, dossier=dossier, user=user, consent=True, lang=lang)
    except Invalid as exc:
        db.rollback()
        errors = exc.errors or [FieldError("requests", exc.code, exc.ctx)]
        return errors + _incomplete(db, data, errors)
    return []

"""The company step's look-up: a typed SIREN or SIRET fills the step from the company registry.

Empty fields are filled; a field the founder typed differently keeps what was typed and shows
the registry's value with a button to take it. The registry never blocks the draft: pending,
unknown and closed are told, and the founder goes on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.deps import SessionDep, StateDep
from app.web.common.deps import Csrf, OwnDossierPage, PostedForm
from app.web.common.formdata import dom_id
from app.web.common.templating import page_lang
from app.web.founder.common import dossier_url
from dossier.catalogue import _, _l, ngettext
from dossier.errors import FieldError
from dossier.formatting import format_date
from dossier.models import Dossier
from dossier.registry import (
    CompanyFacts,
    InvalidNumber,
    company_values,
    headcount_words,
    same_as_typed,
)
from dossier.services import registry
from dossier.services.dossiers import value_at
from forms.definition import enum_label
from forms.definition import field as definition_field

router = APIRouter(include_in_schema=False)

NUMBERS = ("company.siret", "company.siren")  # the fields whose number is looked up
FOUND = _l("Found in the registry: {name}, checked on {date}.")
CLOSED = _l("Company closed according to the registry (noted on {date}): the dossier cannot "
            "be sent.")
PENDING = _l("Registry unavailable for now: carry on, we will check later.")
NOT_FOUND = _l("No company with this number in the registry.")
NOT_FOUND_DETAIL = _l("Check the number; your draft is saved all the same.")
CLOSED_DETAIL = _l("Check the number: if it is right, this company cannot apply.")
HEADCOUNT_HINT = _l("In the registry: {band} (INSEE band, for reference).")
HTTP_STATUS = {"found": 200, "closed": 200, "pending": 202, "not_found": 404, "invalid": 422}


@dataclass
class Status:
    """What the status line under the numbers says: found, closed, pending, not_found, invalid."""

    kind: str
    message: str
    detail: str = ""
    fill: list[dict[str, str]] = field(default_factory=list)
    differ: list[dict[str, str]] = field(default_factory=list)
    hints: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


def _shown(path: str, value: str, lang: str) -> str:
    """A registry value as the founder reads it (a legal form's words, a date in words)."""
    if path == "company.legal_form":
        return enum_label("legal_form", value, lang)
    if path == "company.creation_date":
        return format_date(value, lang)
    return value


def _proposals(facts: CompanyFacts, typed: dict[str, str], lang: str
               ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(to fill: the empty fields, to offer: the fields typed differently)."""
    fill, differ = [], []
    for path, value in company_values(facts).items():
        entry = {"name": path, "id": dom_id(path), "value": value}
        now = typed.get(path, "").strip()
        if not now:
            fill.append(entry)
        elif not same_as_typed(path, now, value):
            differ.append({**entry, "text": _shown(path, value, lang),
                           "label": definition_field(path).label.get(lang)})
    return fill, differ


def said(facts: CompanyFacts, checked: Any, lang: str) -> Status:
    """Found or closed, in one sentence with the day the registry said it."""
    day = format_date(checked, lang)
    if not facts.active:
        return Status("closed", CLOSED.get(lang).format(date=day), CLOSED_DETAIL.get(lang))
    return Status("found", FOUND.get(lang).format(name=facts.legal_name, date=day))


def _found(facts: CompanyFacts, checked: Any, typed: dict[str, str], lang: str) -> Status:
    status = said(facts, checked, lang)
    if status.kind == "closed":  # nothing of a closed company goes into the dossier
        return status
    status.fill, status.differ = _proposals(facts, typed, lang)
    fill, differ = len(status.fill), len(status.differ)
    words = [ngettext("{count} field filled from the registry.",
                      "{count} fields filled from the registry.", fill, lang)
             .format(count=fill)] if fill else []
    if differ:
        words.append(ngettext(
            "{count} value you typed differs from the registry: keep it, or take the "
            "registry's under the field.",
            "{count} values you typed differ from the registry: keep them, or take the "
            "registry's under each field.", differ, lang).format(count=differ))
    status.detail = " ".join(words)
    band = headcount_words(facts.headcount_range, lang)
    if band:
        status.hints = [{"id": dom_id("company.headcount"),
                         "text": HEADCOUNT_HINT.get(lang).format(band=band)}]
    return status


def lookup_status(db: SessionDep, state: StateDep, number_field: str, typed: dict[str, str],
                  lang: str) -> Status:
    """Ask the registry (the cache first) about the number typed in `number_field`."""
    try:
        found = registry.look_up(db, state.registry, typed.get(number_field, ""),
                                 ttl_days=state.settings.registry_ttl_days)
    except InvalidNumber:
        message = FieldError(number_field, "invalid_company_number").message(lang)
        label = definition_field(number_field).label.get(lang)
        return Status("invalid", f"{label}{_(':', lang)} {message}",
                      errors=[{"loc": number_field, "id": dom_id(number_field),
                               "message": message}])
    db.commit()
    if found.status == "pending":
        return Status("pending", PENDING.get(lang))
    if found.facts is None:
        return Status("not_found", NOT_FOUND.get(lang), NOT_FOUND_DETAIL.get(lang))
    return _found(found.facts, found.fetched_at, typed, lang)


def known_status(db: SessionDep, dossier: Dossier, lang: str) -> Status | None:
    """What the registry last said of the dossier's stored number (the cache only)."""
    for path in NUMBERS:
        number = value_at(dossier.content, path)
        answer = registry.known(db, number) if isinstance(number, str) and number else None
        if answer is None:
            continue
        if answer.facts is None:
            return Status("not_found", NOT_FOUND.get(lang), NOT_FOUND_DETAIL.get(lang))
        return said(answer.facts, answer.fetched_at, lang)
    return None


def status_box(db: SessionDep, dossier: Dossier, lang: str) -> dict[str, Any]:
    """The company step's status line: where the script asks, what the cache already says."""
    return {"url": dossier_url(dossier, "/registry"), "status": known_status(db, dossier, lang),
            "after": NUMBERS[0]}


@router.post("/founder/dossiers/{dossier_id}/registry", dependencies=[Csrf])
def look_up(dossier: OwnDossierPage, request: Request, db: SessionDep, state: StateDep,
            form: PostedForm) -> JSONResponse:
    """The registry's answer for the number just typed, and what it fills in the step."""
    lang = page_lang(request)
    asked = str(form.get("_lookup") or NUMBERS[0])
    number_field = asked if asked in NUMBERS else NUMBERS[0]
    typed = {str(k): v for k, v in form.items() if isinstance(v, str)}
    status = lookup_status(db, state, number_field, typed, lang)
    body = asdict(status)
    body["status"] = body.pop("kind")
    return JSONResponse(body, status_code=HTTP_STATUS[status.kind])

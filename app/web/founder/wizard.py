"""The wizard: one page per section of the form definition, saved whole, autosaved by script."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from app.deps import SessionDep
from app.web.common.deps import Csrf, FounderPage, OwnDossierPage, PostedForm
from app.web.common.formdata import Parsed, dom_id, form_values, list_fields, merge, parse_section
from app.web.common.templating import page_lang, render
from app.web.founder import registry as registry_lookup
from app.web.founder.common import (
    dossier_url,
    edit_url,
    partner_meters,
    progress,
    section_of,
    steps,
    submitted,
)
from app.web.founder.widgets import error_messages, section_form, warning_links
from dossier.bounded_numbers import small_index
from dossier.catalogue import _
from dossier.errors import FieldError, Invalid
from dossier.models import Dossier, User
from dossier.services import dossiers, submission
from dossier.services.partners import instruments_by_partner, list_partners
from dossier.validation import submission_errors
from forms.definition import SECTIONS
from forms.model import Section

router = APIRouter(include_in_schema=False)
router.include_router(registry_lookup.router)  # the company step's registry look-up


@dataclass
class Outcome:
    """What saving a section did."""

    errors: list[FieldError] = field(default_factory=list)
    amended: int | None = None  # the new version number of an amendment
    unchanged: bool = False
    # True when the valid fields were saved and only `errors` wait, kept as typed (a draft)
    kept: bool = False


def _neighbours(section: Section) -> tuple[str | None, str | None]:
    keys = [s.key for s in SECTIONS]
    i = keys.index(section.key)
    return (keys[i - 1] if i > 0 else None), (keys[i + 1] if i + 1 < len(keys) else None)


def _under(loc: str, key: str) -> bool:
    return loc == key or loc.startswith((key + ".", key + "["))


def wizard_page(request: Request, db: SessionDep, dossier: Dossier, section: Section,
                values: dict[str, Any], rows: dict[str, int], errors: list[FieldError],
                *, status_code: int = 200, notice: str | None = None,
                nothing_saved: bool = False) -> Response:
    """Render a section's step of the wizard."""
    lang = page_lang(request)
    partners = {p.code: p.name for p in list_partners(db=db)}
    meters = partner_meters(db, dossier, lang)
    form = section_form(section, values, rows, errors, lang, partners,
                        section_href=lambda key: edit_url(dossier, key))
    prev_key, next_key = _neighbours(section)
    all_steps = steps(dossier, section.key, lang, meters=meters)
    done = progress(db, dossier, lang)
    return render(
        request, "founder/wizard.html", status_code=status_code, dossier=dossier,
        section=section, form=form, steps=all_steps,
        step_number=[s.key for s in all_steps].index(section.key) + 1,
        progress=done, meters=[m for m in meters if m.requested],
        warnings=section_warnings(done, section, lang, dossier),
        same_siren=done["same_siren"] if section.key == "company" else [],
        prev_href=edit_url(dossier, prev_key) if prev_key else None,
        next_key=next_key, next_href=edit_url(dossier, next_key) if next_key
        else dossier_url(dossier, "/partners"),
        submitted=submitted(dossier), notice=notice, nothing_saved=nothing_saved,
        action=dossier_url(dossier, f"/edit/{section.key}"),
        autosave=dossier_url(dossier, f"/autosave/{section.key}"),
        intro=section.intro.get(lang) if section.intro else None,
        title=section.title.get(lang),
        registry=registry_lookup.status_box(db, dossier, lang)
        if section.key == "company" else None)


def section_warnings(done: dict[str, Any], section: Section, lang: str,
                     dossier: Dossier) -> list[tuple[str, str, str]]:
    """(label, message, href) of the cross-field rules this step does not meet yet."""
    return warning_links([(w["loc"], w["message"]) for w in done["warnings"]
                          if _under(w["loc"], section.key)], section, lang,
                         lambda key: edit_url(dossier, key))


def stored_values(dossier: Dossier, section: Section, lang: str
                  ) -> tuple[dict[str, Any], dict[str, int]]:
    """The inputs of a step: the stored content, and over it what was typed and is pending."""
    values, rows = form_values(section, dossier.content, lang)
    for loc, typed in dossiers.pending_typed(dossier, section.key).items():
        values[loc] = typed
        for f in list_fields(section):
            match = re.match(re.escape(f.path) + r"\[(\d+)\]", loc)
            if match:
                rows[f.path] = max(rows.get(f.path, 0), int(match.group(1)) + 1)
    return values, rows


@router.get("/founder/dossiers/{dossier_id}/edit/{section_key}")
def edit(dossier: OwnDossierPage, section_key: str, request: Request, db: SessionDep,
         add: str | None = None, saved: str | None = None) -> Response:
    """A step of the wizard with the dossier's stored values."""
    section = section_of(section_key)
    if section.uploaded:
        return RedirectResponse(dossier_url(dossier, "/attachments"), status_code=303)
    lang = page_lang(request)
    values, rows = stored_values(dossier, section, lang)
    if add in {f.path for f in list_fields(section)}:
        rows[add] = max(rows.get(add, 0), 1) + 1
    return wizard_page(request, db, dossier, section, values, rows,
                       dossiers.pending_errors(dossier, section.key),
                       notice=_notice(saved, lang))


def _notice(saved: str | None, lang: str) -> str | None:
    if saved == "1":
        return _("Saved.", lang)
    if saved == "partial":
        return _("The other fields are saved.", lang)
    if saved == "same":
        return _("No change: no new version.", lang)
    if saved and saved.isdigit():
        return _("New version {n} saved; the partners concerned receive it.", lang).format(n=saved)
    if saved == "removed":
        return _("Row removed.", lang)
    return None


def check_section(db: SessionDep, dossier: Dossier, section: Section, parsed: Parsed
                  ) -> Outcome:
    """Check the dossier with this section replaced, storing nothing (a submitted dossier is
    only checked while typing, never amended)."""
    data = merge(dossier.content, section, parsed.value)
    try:
        content = dossiers.parse_content(db=db, data=data)
    except Invalid as exc:
        return Outcome(errors=exc.errors)
    return Outcome(errors=submission_errors(content, partners=instruments_by_partner(db=db)))


def save_section(db: SessionDep, user: User, dossier: Dossier, section: Section,
                 parsed: Parsed) -> Outcome:
    """Store the dossier with this section replaced. A draft keeps every valid field, and each
    invalid value as typed, with its error (pending); an amendment is saved whole or not."""
    outcome = Outcome()
    data = merge(dossier.content, section, parsed.value)
    before = dossier.current_version
    try:
        if not submitted(dossier):
            submission.lock(db=db, dossier=dossier)
            kept = dossiers.save_typed(db=db, dossier=dossier, user=user, data=data,
                                       typed=parsed.typed, scope=section.key)
            return Outcome(errors=kept, kept=True)
        submission.save(db=db, dossier=dossier, user=user, data=data)
    except Invalid as exc:
        db.rollback()  # nothing else of the request's is pending: the user was read and let go
        return Outcome(errors=exc.errors or [FieldError(section.key, exc.code, exc.ctx)])
    if not submitted(dossier):
        return outcome
    if dossier.current_version == before:
        return Outcome(unchanged=True)
    return Outcome(amended=dossier.current_version)


def _action(form: Any) -> tuple[str, str | None, int | None]:
    """`save`, `next`, `add:<list>` or `remove:<list>:<row>` from the button pressed."""
    raw = str(form.get("_action") or "save")
    kind, _, rest = raw.partition(":")
    if kind == "add":
        return "add", rest, None
    if kind == "remove":
        path, _, row = rest.rpartition(":")
        index = small_index(row)
        return ("remove", path, index) if index is not None else ("save", None, None)
    return (kind if kind in ("save", "next") else "save"), None, None


def _target(dossier: Dossier, section: Section, action: str, list_path: str | None,
            parsed: Parsed, outcome: Outcome) -> str:
    """Where the founder goes once the section is saved."""
    saved = str(outcome.amended) if outcome.amended else ("same" if outcome.unchanged else "1")
    here = dossier_url(dossier, f"/edit/{section.key}")
    if outcome.errors:  # saved, but for values kept as typed: show them with their errors
        saved = "partial"
        if action in ("next", "save"):
            return f"{here}?saved=partial#errors"
    if action == "next":
        _, next_key = _neighbours(section)
        return edit_url(dossier, next_key) if next_key else dossier_url(dossier, "/partners")
    if action == "add":
        anchor = dom_id(f"{list_path}[{max(parsed.rows.get(list_path or '', 0), 1)}]")
        return f"{here}?add={list_path}&saved={saved}#{anchor}"
    if action == "remove":
        return f"{here}?saved=removed#{dom_id(list_path or section.key)}"
    return f"{here}?saved={saved}"


@router.post("/founder/dossiers/{dossier_id}/edit/{section_key}", dependencies=[Csrf])
def save(dossier: OwnDossierPage, section_key: str, request: Request, user: FounderPage,
         db: SessionDep, form: PostedForm) -> Response:
    """Save the section (whole); then stay, go on, or add/remove a row of a list."""
    section = section_of(section_key)
    if section.uploaded:
        return RedirectResponse(dossier_url(dossier, "/attachments"), status_code=303)
    action, list_path, row = _action(form)
    lists = {f.path for f in list_fields(section)}
    if action == "add" and list_path not in lists:
        action = "save"
    remove = (list_path, row) if action == "remove" and list_path in lists else None
    parsed = parse_section(section, form, remove=remove)
    outcome = save_section(db, user, dossier, section, parsed)
    if outcome.errors and not outcome.kept:
        rows = dict(parsed.rows)
        if action == "add":
            rows[list_path] = max(rows.get(list_path, 0), 1) + 1
        return wizard_page(request, db, dossier, section, parsed.typed, rows, outcome.errors,
                           status_code=422, nothing_saved=True)
    return RedirectResponse(_target(dossier, section, action, list_path, parsed, outcome),
                            status_code=303)


@router.post("/founder/dossiers/{dossier_id}/autosave/{section_key}", dependencies=[Csrf])
def autosave(dossier: OwnDossierPage, section_key: str, request: Request, user: FounderPage,
             db: SessionDep, form: PostedForm) -> JSONResponse:
    """Save the draft as the founder types; the answer names each error by its input."""
    section = section_of(section_key)
    if section.uploaded:
        return JSONResponse({"saved": False, "errors": []}, status_code=404)
    parsed = parse_section(section, form)
    lang = page_lang(request)
    dry = submitted(dossier)
    outcome = (check_section(db, dossier, section, parsed) if dry
               else save_section(db, user, dossier, section, parsed))
    done = progress(db, dossier, lang)
    messages = error_messages(outcome.errors, lang)
    meters = partner_meters(db, dossier, lang)
    body = {
        "saved": outcome.kept or (not outcome.errors and not dry),
        "kept": len(outcome.errors) if outcome.kept else 0,
        "checked_only": dry,
        "errors": [{"loc": loc, "name": parsed.form_name(loc),
                    "id": dom_id(parsed.form_name(loc)), "message": message}
                   for loc, message in messages.items()],
        "warnings": [{"label": label, "message": message, "href": href}
                     for label, message, href in section_warnings(done, section, lang, dossier)],
        "steps": {s.key: {"filled": s.filled, "required": s.required, "text": s.text}
                  for s in steps(dossier, section.key, lang, meters=meters)},
        "sections": done["sections"], "percent": done["percent"], "ready": done["ready"],
        "percent_text": _("Dossier {percent}% complete", lang).format(percent=done["percent"]),
        "saved_at": dossier.updated_at.isoformat(),
    }
    return JSONResponse(body, status_code=422 if outcome.errors and not outcome.kept else 200)

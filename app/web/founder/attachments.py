"""Supporting documents: upload (with a progress bar when scripts run), list, replace, delete."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse

from app.attachments import store_upload
from app.deps import SessionDep, StateDep
from app.state import AppState
from app.web.common.deps import (
    SESSION_COOKIE,
    Csrf,
    CsrfFailed,
    FounderDossier,
    FounderPage,
    ReadDossierPage,
)
from app.web.common.security import csrf_ok
from app.web.common.templating import page_lang, render
from app.web.founder.common import (
    dossier_url,
    needed_kinds,
    partner_meters,
    progress,
    steps,
    submitted,
)
from dossier import access
from dossier.access import Action
from dossier.catalogue import N_, _, _l, ngettext
from dossier.errors import DomainError, NotFound
from dossier.formatting import format_date
from dossier.models import Dossier, DossierStatus, User
from dossier.services import attachments
from dossier.services.dossiers import attachment_view
from dossier.services.partners import list_partners
from dossier.validity import DATED_BY_YEAR_END, Document, Standing, standings
from forms.definition import section
from forms.enums import ENUMS
from forms.formatting import format_size
from storage.headers import content_disposition

router = APIRouter(include_in_schema=False)
BASE = "/founder/dossiers/{dossier_id}/attachments"


# What "the document's date" means, by kind (the upload form's hint).
DATE_HINTS = {"kbis": _l("Kbis: the date the extract was issued."),
              "id_founder": _l("Identity document: its date of issue."),
              "rib": _l("Bank details: the date printed on them, if any.")}
YEAR_END_HINT = _l("Annual accounts: the closing date of the financial year.")
DATE_HINT = _l("The date printed on the document, if any.")


def date_hint(kind: str | None, lang: str) -> str:
    """The upload form's hint for the document's date, for this kind."""
    if kind in DATED_BY_YEAR_END:
        return YEAR_END_HINT.get(lang)
    return DATE_HINTS.get(kind or "", DATE_HINT).get(lang)


def _judges(db: SessionDep, meters: list[Any]) -> dict[str, tuple[str, list[str], Any]]:
    """Chosen partners: code -> (name, kinds required, its own validity months)."""
    configs = {p.code: p.config for p in list_partners(db=db)}
    return {m.code: (m.name, m.required_kinds,
                     configs.get(m.code, {}).get("document_validity_months"))
            for m in meters if m.requested}


def _standing_text(s: Standing, several: bool, lang: str) -> tuple[str, str] | None:
    names = ", ".join(s.partners)
    if s.months is None:
        return None if several else ("none", _("No expiry", lang))
    if s.ends is None:
        return ("undated", _("No date given: the partner judges whether it is recent enough.",
                             lang))
    if s.valid:
        day = format_date(s.last_day, lang)
        text = (_("Valid until {date} for {partners}", lang) if several and names
                else _("Valid until {date}", lang))
        return "valid", text.format(date=day, partners=names)
    day = format_date(s.ends, lang)
    if names:
        text = ngettext("Expired since {date} for {partners} (less than {months} month "
                        "required)", "Expired since {date} for {partners} (less than {months} "
                        "months required)", s.months, lang)
    else:
        text = ngettext("Expired since {date} (less than {months} month required)",
                        "Expired since {date} (less than {months} months required)",
                        s.months, lang)
    return "expired", text.format(date=day, partners=names, months=s.months)


def validity_lines(item: Any, judges: Mapping[str, tuple[str, list[str], Any]], today: date,
                   lang: str) -> list[tuple[str, str]]:
    """(state, sentence) lines of a document's date and validity for the chosen partners."""
    doc = Document(item.kind, item.issued_on, item.filename)
    partners = {name: months for name, kinds, months in judges.values() if doc.kind in kinds}
    lines: list[tuple[str, str]] = []
    if doc.issued_on is not None:
        words = (_("Financial year closed on {date}", lang) if doc.kind in DATED_BY_YEAR_END
                 else _("Dated {date}", lang))
        lines.append(("dated", words.format(date=format_date(doc.issued_on, lang))))
    found = standings(doc, today, partners)
    for s in found:
        line = _standing_text(s, len(found) > 1, lang)
        if line is not None and line not in lines:
            lines.append(line)
    return lines


def attachments_page(request: Request, db: SessionDep, state: AppState, dossier: Dossier, *,
                     error: str | None = None, notice: str | None = None,
                     status_code: int = 200, kind: str | None = None,
                     date_error: str | None = None, typed_date: str = "") -> Response:
    """The list of documents with their validity, what the chosen partners still need, the
    upload form."""
    lang = page_lang(request)
    meters = partner_meters(db, dossier, lang)
    needed = needed_kinds(meters)
    have = {a.kind for a in dossier.attachments}
    judges, today = _judges(db, meters), date.today()
    # held, but a chosen partner counts it as missing: past its validity
    stale = {k for m in meters if m.requested for k in m.missing_kinds if k in have}
    items = [{**attachment_view(a), "validity": validity_lines(a, judges, today, lang),
              "date_hint": date_hint(a.kind, lang)} for a in dossier.attachments]
    the_section = section("attachments")
    kinds = [(k, v.get(lang), date_hint(k, lang)) for k, v in ENUMS["attachment_kind"].items()]
    return render(
        request, "founder/attachments.html", status_code=status_code, dossier=dossier,
        items=items, kinds=kinds, today=today.isoformat(), date_error=date_error,
        typed_date=typed_date, date_hint=date_hint(kind or kinds[0][0], lang),
        needed=[(k, ENUMS["attachment_kind"][k].get(lang), k in have and k not in stale,
                 k in stale) for k in needed],
        meters=[m for m in meters if m.requested], progress=progress(db, dossier, lang),
        steps=steps(dossier, "attachments", lang, meters=meters),
        step_number=[s.key for s in steps(dossier, "attachments", lang)].index(
            "attachments") + 1,
        draft=dossier.status == DossierStatus.draft, submitted=submitted(dossier),
        error=error, notice=notice, chosen_kind=kind,
        intro=the_section.fields[0].help.get(lang) if the_section.fields[0].help else None,
        title=the_section.title.get(lang),
        limit=format_size(state.settings.max_upload_bytes, lang),
        prev_href=dossier_url(dossier, "/edit/bank_account"),
        next_href=dossier_url(dossier, "/partners"))


def _notice(request: Request, db: SessionDep, dossier: Dossier, added: str | None,
            replaced: str | None, deleted: str | None) -> str | None:
    lang = page_lang(request)
    if deleted:
        return _("Document deleted.", lang)
    aid = added or replaced
    if not aid:
        return None
    try:
        item = attachments.get(db=db, dossier=dossier, attachment_id=aid)
    except NotFound:
        return None
    key = N_("Document replaced: {name}.") if replaced else N_("Document added: {name}.")
    return _(key, lang).format(name=item.filename)


@router.get(BASE)
def list_page(dossier: ReadDossierPage, request: Request, db: SessionDep, state: StateDep,
              added: str | None = None, replaced: str | None = None,
              deleted: str | None = None, kind: str | None = None) -> Response:
    """The documents of the dossier (`kind` preselects the type of the next upload)."""
    notice = _notice(request, db, dossier, added, replaced, deleted)
    return attachments_page(request, db, state, dossier, notice=notice, kind=kind)


def _remove(db: SessionDep, user: User, dossier: Dossier, attachment_id: str) -> None:
    item = attachments.get(db=db, dossier=dossier, attachment_id=attachment_id)
    attachments.delete(db=db, dossier=dossier, user=user, attachment=item)


def _loaded(db: SessionDep, user: User, dossier_id: str) -> Dossier:
    return access.load_dossier(db=db, dossier_id=dossier_id, user=user,
                               action=Action.upload_attachment)


@router.post(BASE)
async def upload(dossier_id: str, request: Request, user: FounderPage, db: SessionDep,
                 state: StateDep) -> Response:
    """Store one document (multipart `file`, `kind`; `replace` names the one it replaces).

    Scripts send the CSRF token in the `X-CSRF-Token` header and get JSON; a plain form
    sends it as the `csrf` field and gets the page again.
    """
    wants_json = "application/json" in request.headers.get("accept", "")
    session = request.cookies.get(SESSION_COOKIE, "")
    header = request.headers.get("x-csrf-token")
    fields: dict[str, str] = {}

    def check(posted: dict[str, str]) -> None:
        fields.update(posted)
        presented = header if header is not None else posted.get("csrf")
        if not session or not csrf_ok(state.secret, session, presented):
            raise CsrfFailed()

    if header is not None:
        check({})  # a wrong header is refused before the body is read
    try:
        item = await store_upload(request, state=state, user=user, dossier_id=dossier_id,
                                  check_fields=check)
    except (CsrfFailed, NotFound):
        raise
    except DomainError as exc:
        return await _refused(request, db, state, user, dossier_id, exc, fields,
                              wants_json=wants_json)
    replaced = fields.get("replace")
    if replaced:
        try:
            dossier = await run_in_threadpool(_loaded, db, user, dossier_id)
            await run_in_threadpool(_remove, db, user, dossier, replaced)
        except DomainError:
            replaced = None  # the old one stays (submitted dossier, or already gone)
    query = f"replaced={item['id']}" if replaced else f"added={item['id']}"
    target = f"/founder/dossiers/{dossier_id}/attachments?{query}"
    if wants_json:
        return JSONResponse({"ok": True, "attachment": item, "next": target}, status_code=201)
    return RedirectResponse(target, status_code=303)


async def _refused(request: Request, db: SessionDep, state: AppState, user: User,
                   dossier_id: str, exc: DomainError, fields: Mapping[str, str], *,
                   wants_json: bool) -> Response:
    """A refused upload: the reason (naming the date field when it is the date), nothing kept."""
    lang = page_lang(request)
    message = exc.errors[0].message(lang) if exc.errors else exc.message(lang)
    on_date = bool(exc.errors) and exc.errors[0].loc == "issued_on"
    if on_date:
        message = f"{_('Document date', lang)}{_(':', lang)} {message}"
    if wants_json:
        return JSONResponse({"ok": False, "error": message,
                             "field": "issued_on" if on_date else None}, status_code=exc.status)
    dossier = await run_in_threadpool(_loaded, db, user, dossier_id)
    return await run_in_threadpool(
        attachments_page, request, db, state, dossier, error=message, status_code=exc.status,
        kind=fields.get("kind"),
        date_error=message if on_date and not fields.get("replace") else None,
        typed_date=fields.get("issued_on", "")[:10] if on_date else "")


@router.post(BASE + "/{attachment_id}/delete", dependencies=[Csrf])
def delete(dossier: FounderDossier(Action.delete_attachment), attachment_id: str,
           request: Request, user: FounderPage, db: SessionDep, state: StateDep) -> Response:
    """Remove a document while the dossier is a draft."""
    try:
        _remove(db, user, dossier, attachment_id)
    except NotFound:
        raise
    except DomainError as exc:
        return attachments_page(request, db, state, dossier, status_code=exc.status,
                                error=exc.message(page_lang(request)))
    return RedirectResponse(dossier_url(dossier, "/attachments?deleted=1"), status_code=303)


@router.get(BASE + "/{attachment_id}")
def download(dossier: ReadDossierPage, attachment_id: str, user: FounderPage, db: SessionDep,
             state: StateDep) -> Response:
    """The document's bytes, as a download."""
    item = attachments.read(db=db, dossier=dossier, user=user, attachment_id=attachment_id,
                            via="web")
    return StreamingResponse(state.store.open(item.storage_key), media_type=item.content_type,
                             headers={"Content-Disposition": content_disposition(item.filename),
                                      "Content-Length": str(item.size),
                                      "X-Content-Type-Options": "nosniff"})

"""The wizard's FEC import: read a file as it streams in, show each year's figures beside the
dossier's, save only the years the founder keeps (dossier.services.financials)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep, StateDep
from app.uploads import receive_upload
from app.web.common.deps import (
    SESSION_COOKIE,
    Csrf,
    CsrfFailed,
    FounderPage,
    OwnDossierPage,
    PostedForm,
)
from app.web.common.security import csrf_ok
from app.web.common.templating import page_lang, render
from app.web.founder.common import (
    dossier_url,
    partner_meters,
    progress,
    steps,
    submitted,
)
from app.web.founder.widgets import error_messages
from dossier.catalogue import _
from dossier.errors import DomainError, FieldError, Invalid
from dossier.formatting import format_int, format_number, to_decimal
from dossier.models import Dossier
from dossier.services import financials
from dossier.services.financials import AMOUNTS, Proposal
from forms.definition import label
from forms.numbers import decimal_string

router = APIRouter(include_in_schema=False)
BASE = "/founder/dossiers/{dossier_id}/fec"
MAX_OFFERED = 5  # years carried from one file to the next on the review screen
_OFFERED = re.compile(r"fec\.(\d{4})\.offered")


@dataclass
class Offered:
    """A year read from a FEC, as the review screen shows it and posts it back."""

    year: int
    values: dict[str, str]  # field -> the amount as shown (typed, French)
    closing: str = ""  # ISO date of the last entry
    lines: int = 0
    negatives: dict[str, str] = field(default_factory=dict)  # field -> what the file gave
    take: bool = True


def offered_from(proposal: Proposal, lang: str) -> Offered:
    """A year just read from a file: every figure shown the French way, checked."""
    year = proposal.year
    return Offered(
        year=year.year, values={n: format_number(proposal.history[n], lang) for n in AMOUNTS},
        closing=year.closing_date.isoformat(), lines=year.lines,
        negatives={w.loc.rsplit(".", 1)[1]: str(w.ctx["amount"]) for w in proposal.warnings})


def offered_in(fields: Mapping[str, Any]) -> list[Offered]:
    """The years a review form posts back (its hidden and typed fields), oldest first."""
    out = []
    for name in fields:
        match = _OFFERED.fullmatch(str(name))
        if not match or len(out) >= MAX_OFFERED:
            continue
        y = match.group(1)
        lines = str(fields.get(f"fec.{y}.lines") or "0")
        negatives = {n: _amount(fields.get(f"fec.{y}.negative.{n}")) for n in AMOUNTS}
        out.append(Offered(
            year=int(y), values={n: str(fields.get(f"fec.{y}.{n}") or "") for n in AMOUNTS},
            closing=_day(fields.get(f"fec.{y}.closing")),
            lines=int(lines) if lines.isdigit() and len(lines) < 10 else 0,
            negatives={n: v for n, v in negatives.items() if v},
            take=bool(fields.get(f"fec.{y}.take"))))
    return sorted(out, key=lambda o: o.year)


def _day(text: Any) -> str:
    """An ISO date posted back, or nothing (the form's hidden fields are not trusted)."""
    try:
        return date.fromisoformat(str(text or "")[:10]).isoformat()
    except ValueError:
        return ""


def _amount(text: Any) -> str:
    """An amount posted back as the file gave it, or nothing."""
    value = decimal_string(str(text or "")[:40])
    try:
        return str(to_decimal(value)) if value else ""
    except ValueError:
        return ""


def _with(offered: list[Offered], new: Offered) -> list[Offered]:
    """The years offered with a newly read one (a second file of the same year replaces it)."""
    kept = [o for o in offered if o.year != new.year]
    return sorted([*kept, new], key=lambda o: o.year)[-MAX_OFFERED:]


def _existing(dossier: Dossier) -> dict[Any, dict[str, Any]]:
    history = ((dossier.content or {}).get("financials") or {}).get("history") or []
    return {row.get("year"): row for row in history}


def _year_view(o: Offered, existing: Mapping[str, Any] | None,
               errors: Mapping[str, str], lang: str) -> dict[str, Any]:
    rows = []
    for name in AMOUNTS:
        loc = financials.loc(o.year, name)
        negative = o.negatives.get(name)
        rows.append({
            "name": loc, "id": f"fec-{o.year}-{name}", "value": o.values.get(name, ""),
            "label": label(f"financials.history[].{name}", lang),
            "existing": (existing or {}).get(name), "error": errors.get(loc),
            "warning": FieldError(loc, "fec_negative", {
                "amount": format_number(negative, lang)}).message(lang)
            if negative else None})
    return {"year": o.year, "take": o.take, "closing": o.closing, "lines": o.lines,
            "lines_text": format_int(o.lines, lang),
            "negatives": o.negatives, "replaces": existing is not None, "rows": rows,
            "error": errors.get(financials.loc(o.year, "year"))}


def review_page(request: Request, db: SessionDep, dossier: Dossier, offered: list[Offered], *,
                errors: list[FieldError] | None = None, status_code: int = 200) -> Response:
    """The review screen: each year read, beside what the dossier holds; or the file's error."""
    lang = page_lang(request)
    errors = errors or []
    by_loc = error_messages(errors, lang, money_locs={
        financials.loc(o.year, n) for o in offered for n in AMOUNTS})
    existing = _existing(dossier)
    dropped = financials.merge_history(list(existing.values()),
                                          [{"year": o.year} for o in offered if o.take])[1]
    meters = partner_meters(db, dossier, lang)
    all_steps = steps(dossier, "financials", lang, meters=meters)
    return render(
        request, "founder/fec_review.html", status_code=status_code, dossier=dossier,
        years=[_year_view(o, existing.get(o.year), by_loc, lang) for o in offered],
        summary=[_summary_line(loc, message, lang) for loc, message in by_loc.items()],
        dropped=dropped,
        file_error=by_loc.get("file"),
        steps=all_steps, step_number=[s.key for s in all_steps].index("financials") + 1,
        progress=progress(db, dossier, lang), meters=[m for m in meters if m.requested],
        submitted=submitted(dossier), title=_("Import your FEC", lang),
        read_action=dossier_url(dossier, "/fec"), apply_action=dossier_url(dossier, "/fec/apply"),
        cancel_href=dossier_url(dossier, "/edit/financials"))


def _summary_line(loc: str, message: str, lang: str) -> tuple[str, str, str]:
    """(label, message, href) of an error in the summary at the top of the review screen."""
    parts = loc.split(".")
    if loc == "file":
        return "", message, "#fec-file"
    if len(parts) == 3 and parts[0] == "fec" and parts[2] in AMOUNTS:
        name = label(f"financials.history[].{parts[2]}", lang)
        return (_("{label}, {year}", lang).format(label=name, year=parts[1]), message,
                f"#fec-{parts[1]}-{parts[2]}")
    return "", message, "#fec-review"


@router.post(BASE)
async def read(dossier: OwnDossierPage, request: Request, db: SessionDep,
               state: StateDep) -> Response:
    """Read a FEC as it streams in (multipart `file`, with the years a review already shows)
    and show its year's figures to check; nothing is saved."""
    await run_in_threadpool(db.commit)  # the connection goes back while the file streams in
    session = request.cookies.get(SESSION_COOKIE, "")
    offered: list[Offered] = []
    try:
        upload = await receive_upload(request, max_bytes=state.settings.max_upload_bytes,
                                      spool_dir=state.settings.upload_spool_dir)
    except DomainError as exc:
        error = FieldError("file", exc.code, exc.ctx)  # too large, or not a form upload
        return await run_in_threadpool(review_page, request, db, dossier, offered,
                                       errors=[error], status_code=exc.status)
    try:
        if not csrf_ok(state.secret, session, upload.fields.get("csrf")):
            raise CsrfFailed()
        offered = offered_in(upload.fields)
        if upload.path is None or upload.size == 0:
            raise Invalid(errors=[FieldError("file", "fec_no_file")])
        proposal = await run_in_threadpool(financials.propose_file, upload.path)
    except Invalid as exc:
        return await run_in_threadpool(review_page, request, db, dossier, offered,
                                       errors=exc.errors[:1], status_code=422)
    finally:
        upload.discard()
    offered = _with(offered, offered_from(proposal, page_lang(request)))
    return await run_in_threadpool(review_page, request, db, dossier, offered)


def _rows(offered: list[Offered]) -> list[dict[str, Any]]:
    """The checked years as the service reads them (amounts typed the French way, read)."""
    return [{"year": o.year, **{n: decimal_string(o.values.get(n, "")) for n in AMOUNTS}}
            for o in offered if o.take]


def _saved_query(applied: financials.Applied, was_submitted: bool) -> str:
    saved = str(applied.version) if applied.version else ("same" if was_submitted else "1")
    query = f"saved={saved}&fec=" + "-".join(str(y) for y in applied.years)
    if applied.dropped:
        query += "&fec_dropped=" + "-".join(str(y) for y in applied.dropped)
    return query


@router.post(BASE + "/apply", dependencies=[Csrf])
def apply(dossier: OwnDossierPage, request: Request, user: FounderPage, db: SessionDep,
          form: PostedForm) -> Response:
    """Save the checked years into the financial history; on an error nothing is saved and
    the review screen comes back as the founder left it."""
    offered = offered_in(form)
    was_submitted = submitted(dossier)
    try:
        applied = financials.apply(db=db, dossier=dossier, user=user, rows=_rows(offered))
    except Invalid as exc:
        db.rollback()
        return review_page(request, db, dossier, offered, errors=exc.errors, status_code=422)
    target = dossier_url(dossier, "/edit/financials?" + _saved_query(applied, was_submitted))
    return RedirectResponse(target + "#fec-import", status_code=303)

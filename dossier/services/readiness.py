"""How far a dossier is from submission: the one meter of the wizard, the pages and the API.

The meter counts what submission asks for, and nothing else: the required fields, the
documents the chosen partners require (before any partner is chosen, every document a partner
may require), each chosen partner's criteria, and every point still to fix (a value typed in
the wizard that is not valid yet, a cross-field rule not met, a company the registry reports
closed); a document counts as three places. Each step of fields weighs what it asks of an
empty dossier (its required fields, a list's needed items'), however many rows are typed in:
a funding plan of sixteen rows is one step, not two thirds of the dossier.
It shows 100 % exactly when `blockers` is empty, that is when `submission.submit` would
accept the dossier.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier import content_cache
from dossier.errors import FieldError
from dossier.models import Dossier
from dossier.schema import DossierV1
from dossier.services import dossiers, registry
from dossier.services.attachments import READABLE
from dossier.services.dossiers import pending_errors, value_at
from dossier.services.partners import instruments_by_partner, list_partners
from dossier.services.submission import eligibility, pending_input_errors, refusals
from dossier.validation import completeness, draft_warnings, submission_errors

# A document to find, scan and upload weighs more than a field typed in: counted as three
# places, a dossier without its documents does not look nearly done (95 % with one place each).
DOCUMENT_WEIGHT = 3


def _held(dossier: Dossier) -> list[FieldError]:
    held = [a.filename for a in dossier.attachments if a.scan_status not in READABLE]
    if not held:
        return []
    return [FieldError("attachments", "attachments_not_scanned", {"filenames": ", ".join(held)})]


def _described(errors: list[FieldError], lang: str) -> list[dict[str, Any]]:
    return [{"loc": e.loc, "code": e.code, "message": e.message(lang)} for e in errors]


def _unique(errors: list[FieldError]) -> list[FieldError]:
    seen: set[tuple[str, str]] = set()
    out = []
    for e in errors:
        if (e.loc, e.code) not in seen:
            seen.add((e.loc, e.code))
            out.append(e)
    return out


def _partners_needs(db: Session, model: Any, verdicts: list[Any]) -> dict[str, Any]:
    """What the chosen partners require: their documents (which are there) and criteria;
    before any is chosen, `counted` holds every document a partner may require (choosing
    partners can then only bring the meter closer to 100 %)."""
    chosen = {r.partner for r in model.requests or [] if r.partner}
    asked = [v for v in verdicts if v.partner in chosen]
    required = {p.code: p.config.get("required_attachments", []) for p in list_partners(db=db)}
    needed = list(dict.fromkeys(kind for v in asked for kind in required.get(v.partner, [])))
    missing = {kind for v in asked for kind in v.missing}
    reasons = [r.ok for v in asked for r in v.reasons]
    return {"needed": needed, "missing": [k for k in needed if k in missing],
            "criteria": {"met": sum(reasons), "total": len(reasons)},
            "counted": _documents_counted(required, verdicts, bool(chosen), needed, missing)}


def _documents_counted(required: dict[str, list[str]], verdicts: list[Any], chosen: bool,
                       needed: list[str], missing: set[str]) -> dict[str, int]:
    """The documents the meter counts: those the chosen partners require (`needed`), or, no
    partner chosen yet, every document a partner may require; and how many are given."""
    if not chosen:
        needed = list(dict.fromkeys(kind for kinds in required.values() for kind in kinds))
        missing = {kind for v in verdicts for kind in v.missing}
    return {"needed": len(needed), "given": sum(1 for k in needed if k not in missing)}


@cache
def _step_weights() -> dict[str, int]:
    """What each step of fields asks of an empty dossier (the form never changes)."""
    return {k: s["required"] for k, s in completeness(DossierV1())["sections"].items()}


def _field_places(sections: dict[str, dict[str, int]]) -> tuple[float, int]:
    """(met, total) places of the steps of fields, each weighing what it asks of an empty
    dossier; a step that asks nothing then (the bank account) is not counted."""
    met, total = 0.0, 0
    for key, weight in _step_weights().items():
        counts = sections.get(key) or {"filled": 0, "required": 0}
        total += weight
        met += weight * counts["filled"] / counts["required"] if counts["required"] else weight
    return met, total


def _pending_view(dossier: Dossier, lang: str) -> list[dict[str, Any]]:
    pending = dossier.pending_input or {}
    return [{**item, "typed": pending.get(item["loc"], {}).get("typed")}
            for item in _described(pending_errors(dossier), lang)]


def progress(*, db: Session, dossier: Dossier, lang: str = "fr",
             routed: set[str] | None = None) -> dict[str, Any]:
    """The dossier's completeness: percent (100 only when it can be submitted), per-section
    counts, what blocks the submission, the warnings of the draft and the pending values
    (`routed`: the partners the dossier went to, when the caller has them)."""
    model, done = content_cache.validated(dossier.content)
    offers = instruments_by_partner(db=db)
    verdicts = eligibility(db=db, dossier=dossier, lang=lang)
    needs = _partners_needs(db, model, verdicts)
    documents = len(needs["needed"]) - len(needs["missing"])
    fields_met, fields_total = _field_places(done["sections"])
    known = tuple(sorted(offers.items()))  # what the rules' results depend on, with the model
    warnings = list(content_cache.derived(model, "draft_warnings", known,
                                          lambda: draft_warnings(model, partners=offers)))
    pending = pending_input_errors(dossier)
    closed = registry.closed_company(db, (dossier.content or {}).get("company") or {})
    blockers = _unique(closed + pending
                       + content_cache.derived(model, "submission_errors", known,
                                               lambda: submission_errors(model, partners=offers))
                       + refusals(db=db, dossier=dossier, lang=lang, given=verdicts,
                                  routed=routed)
                       + _held(dossier))
    met = (fields_met + DOCUMENT_WEIGHT * needs["counted"]["given"]
           + needs["criteria"]["met"])
    total = (fields_total + DOCUMENT_WEIGHT * needs["counted"]["needed"]
             + needs["criteria"]["total"] + len(pending) + len(warnings) + len(closed))
    percent = 100 if not blockers else min(99, int(100 * met // total) if total else 0)
    return {
        "percent": percent,
        "ready": not blockers,
        "missing": done["missing"],
        "sections": {**done["sections"],
                     "attachments": {"filled": documents, "required": len(needs["needed"])}},
        "fields": {"filled": done["filled"], "required": done["required"]},
        "attachments": {"required": needs["needed"], "missing": needs["missing"]},
        "criteria": needs["criteria"],
        "warnings": _described(warnings, lang),
        "pending": _pending_view(dossier, lang),
        "blockers": _described(blockers, lang),
        "same_siren": same_siren(db=db, dossier=dossier),
    }


def same_siren(*, db: Session, dossier: Dossier, any_owner: bool = False) -> list[dict[str, Any]]:
    """The owner's other dossiers for the same SIREN (every owner's, for staff), newest first."""
    siren = value_at(dossier.content, "company.siren")
    if not isinstance(siren, str) or not siren:
        return []
    # The columns shown, not whole dossiers: each one's content would be read and parsed.
    stmt = (select(Dossier.id, Dossier.company_name, Dossier.status, Dossier.updated_at)
            .where(Dossier.id != dossier.id,
                   Dossier.content["company"]["siren"].as_string() == siren)
            .order_by(Dossier.updated_at.desc()).limit(20))
    if not any_owner:
        stmt = stmt.where(Dossier.owner_id == dossier.owner_id)
    # When each was last changed: dossiers of one company often bear the same name.
    return [{"id": str(d.id), "company_name": d.company_name, "status": d.status,
             "updated_at": d.updated_at.isoformat()} for d in db.execute(stmt)]


def dossier_view(*, db: Session, dossier: Dossier, lang: str = "fr") -> dict[str, Any]:
    """The shape of GET /dossiers/{id}, its `completeness` being the one meter above."""
    view = dossiers.dossier_view(db=db, dossier=dossier)
    routed = {r["partner"] for r in view["routes"] if r["kind"] == "funding"}
    view["completeness"] = progress(db=db, dossier=dossier, lang=lang, routed=routed)
    return view

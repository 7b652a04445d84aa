"""Create, read, update and version a founder's dossier."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dossier import access, content_cache
from dossier.access import Action
from dossier.db import utcnow
from dossier.errors import Conflict, FieldError, Invalid
from dossier.models import Dossier, DossierMember, DossierStatus, DossierVersion, Role, Route, User
from dossier.schema import DossierV1
from dossier.services.partners import instruments_by_partner
from dossier.services.plan import dossier_plan
from dossier.services.routes import route_summary
from dossier.validation import (
    dump_content,
    validate_draft,
)
from dossier.validity import Document, expires_on


def parse_content(*, db: Session, data: Any) -> DossierV1:
    """Validate content as a draft against the live partner catalogue."""
    return validate_draft(data, partners=instruments_by_partner(db=db))


def create_draft(*, db: Session, owner: User, data: Any) -> Dossier:
    """A new draft owned by a founder; what is present must be valid."""
    content = parse_content(db=db, data=data)
    dossier = Dossier(owner_id=owner.id, status=DossierStatus.draft.value)
    set_content(dossier, content)
    db.add(dossier)
    db.flush()
    return dossier


def require_owner(user: User, dossier: Dossier) -> None:
    """Only the founder who owns a dossier may change it (the policy table's answer)."""
    access.require(user, Action.edit_dossier, dossier=dossier)


def list_for_user(*, db: Session, user: User, limit: int = 50, offset: int = 0) -> list[Dossier]:
    """A founder's dossiers (owned, or shared with them as a co-founder), or every dossier
    for staff, newest first."""
    stmt = select(Dossier).order_by(Dossier.updated_at.desc()).limit(limit).offset(offset)
    if user.role == Role.founder:
        shared = select(DossierMember.dossier_id).where(DossierMember.user_id == user.id)
        stmt = stmt.where(or_(Dossier.owner_id == user.id, Dossier.id.in_(shared)))
    elif user.role != Role.staff:
        return []
    return list(db.scalars(stmt))


def update_draft(*, db: Session, dossier: Dossier, user: User, data: Any) -> Dossier:
    """Replace a draft's content (each field present must be valid; cross-field rules are
    warnings). A value typed in the wizard and pending is dropped once the content has one."""
    require_owner(user, dossier)
    if dossier.status != DossierStatus.draft:
        raise Conflict("dossier_not_draft")
    set_content(dossier, parse_content(db=db, data=data))
    pending = dossier.pending_input or {}
    dossier.pending_input = {loc: p for loc, p in pending.items()
                             if value_at(dossier.content, loc) is None}
    db.flush()
    return dossier


# --- what the founder typed that is not valid yet ---

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_ROUNDS = 8  # each round drops what the schema refused; nested rules may need a second look


def _parts(loc: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _PART.findall(loc)]


def _walk(data: Any, parts: list[str | int]) -> Any:
    node = data
    for part in parts:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
        elif isinstance(part, str) and isinstance(node, Mapping):
            node = node.get(part)
        else:
            return None
    return node


def value_at(data: Any, loc: str) -> Any:
    """The value at a loc ("funding.uses[2].amount_eur") of JSON content, or None."""
    return _walk(data, _parts(loc))


def _drop(data: Any, loc: str) -> bool:
    """Take the value at `loc` out of the data; a row of a list stays, emptied, so the rows
    after it keep their numbers. False when there is nothing there to take out."""
    parts = _parts(loc)
    if not parts:
        return False
    node, last = _walk(data, parts[:-1]), parts[-1]
    if isinstance(last, int) and isinstance(node, list) and last < len(node):
        if isinstance(node[last], dict):
            node[last] = {}
        else:
            del node[last]
        return True
    if isinstance(last, str) and isinstance(node, dict) and last in node:
        del node[last]
        return True
    return False


def _prune(node: Any) -> None:
    """Remove the objects left empty by `_drop` (a row of a list stays, for its number)."""
    if isinstance(node, dict):
        for key in list(node):
            _prune(node[key])
            if node[key] == {}:
                del node[key]
    elif isinstance(node, list):
        for item in node:
            _prune(item)


def _under(loc: str, scope: str) -> bool:
    return loc == scope or loc.startswith((scope + ".", scope + "["))


def save_typed(*, db: Session, dossier: Dossier, user: User, data: Any,
               typed: Mapping[str, Any], scope: str) -> list[FieldError]:
    """Store a draft with every valid value of `data`; each value the schema refuses is left
    out of the content and kept as typed (`typed`: loc -> text), with its error, in the
    dossier's pending input, which replaces what was pending under `scope` (a section).

    Returns the errors of the values kept pending (empty: everything was saved).
    """
    require_owner(user, dossier)
    if dossier.status != DossierStatus.draft:
        raise Conflict("dossier_not_draft")
    data = copy.deepcopy(data)
    refused: list[FieldError] = []
    for _ in range(_ROUNDS):
        try:
            content = parse_content(db=db, data=data)
            break
        except Invalid as exc:
            errors = sorted(exc.errors, key=lambda e: _parts(e.loc), reverse=True)
            dropped = [e for e in errors if _drop(data, e.loc)]
            if not dropped:
                raise
            refused += dropped
            _prune(data)
    else:
        raise Invalid(errors=refused)
    set_content(dossier, content)
    kept = {loc: p for loc, p in (dossier.pending_input or {}).items() if not _under(loc, scope)}
    for error in refused:
        kept[error.loc] = {"typed": typed.get(error.loc), "code": error.code, "ctx": error.ctx}
    dossier.pending_input = kept
    db.flush()
    return sorted(refused, key=lambda e: _parts(e.loc))


def pending_errors(dossier: Dossier, scope: str | None = None) -> list[FieldError]:
    """The errors of the values kept pending (all, or under a section), in loc order."""
    pending = dossier.pending_input or {}
    return [FieldError(loc, p.get("code", "invalid"), p.get("ctx") or {})
            for loc, p in sorted(pending.items(), key=lambda kv: _parts(kv[0]))
            if scope is None or _under(loc, scope)]


def pending_typed(dossier: Dossier, scope: str) -> dict[str, Any]:
    """loc -> what the founder typed, for the values kept pending under a section."""
    return {loc: p.get("typed") for loc, p in (dossier.pending_input or {}).items()
            if _under(loc, scope) and p.get("typed") is not None}


def set_content(dossier: Dossier, content: DossierV1) -> None:
    """Store content and the columns derived from it for lists and filters."""
    dossier.content = dump_content(content)
    dossier.company_name = content.company.legal_name if content.company else None
    sector = content.company.sector if content.company else None
    dossier.sector = str(sector) if sector else None
    dossier.updated_at = utcnow()


def latest_version(*, db: Session, dossier: Dossier) -> DossierVersion:
    """The newest version of a submitted dossier."""
    version = db.scalar(select(DossierVersion).where(
        DossierVersion.dossier_id == dossier.id,
        DossierVersion.number == dossier.current_version))
    if version is None:
        raise Conflict("dossier_not_submitted")
    return version


def attachment_view(attachment: Any) -> dict[str, Any]:
    """The public shape of an attachment."""
    return {
        "id": str(attachment.id), "kind": attachment.kind, "filename": attachment.filename,
        "content_type": attachment.content_type, "size": attachment.size,
        "sha256": attachment.sha256, "created_at": attachment.created_at.isoformat(),
        "scan_status": attachment.scan_status,
        "issued_on": attachment.issued_on.isoformat() if attachment.issued_on else None,
        "expires_on": _expires_on(attachment),
    }


def _expires_on(attachment: Any) -> str | None:
    ends = expires_on(Document(attachment.kind, attachment.issued_on))
    return ends.isoformat() if ends else None


def dossier_view(*, db: Session, dossier: Dossier) -> dict[str, Any]:
    """The shape of GET /dossiers/{id}."""
    content, done = content_cache.validated(dossier.content)
    routes = list(db.scalars(select(Route).where(Route.dossier_id == dossier.id)
                             .order_by(Route.partner_code)))
    return {
        "id": str(dossier.id),
        "status": dossier.status,
        "version": dossier.current_version,
        "created_at": dossier.created_at.isoformat(),
        "updated_at": dossier.updated_at.isoformat(),
        "content": dossier.content,
        "completeness": done,
        "funding_plan": dossier_plan(db=db, content=content, routes=routes),
        "attachments": [attachment_view(a) for a in dossier.attachments],
        "routes": [route_summary(r) for r in routes],
    }

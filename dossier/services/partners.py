"""Reading and loading the partner catalogue."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from dossier.errors import NotFound
from dossier.models import Partner

_MEMO = "partners"  # db.info key: the catalogue as this session last read it


def list_partners(*, db: Session, active_only: bool = True) -> list[Partner]:
    """Partners in catalogue order (by code).

    Read once per session until it writes, commits or rolls back: one request asked for
    the catalogue three times (eligibility, readiness, validation), and pages ask for the
    active partners and every partner's name. The catalogue is a few dozen rows: all of
    them are read, the active ones picked here.
    """
    every = db.info.get(_MEMO)
    if every is None:
        every = db.info[_MEMO] = list(db.scalars(select(Partner).order_by(Partner.code)))
    return [p for p in every if p.active] if active_only else list(every)


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_partners(session: Session, *_: Any) -> None:
    session.info.pop(_MEMO, None)


def catalogue_stamp(partners: Iterable[Partner]) -> tuple[tuple[str, bool, str], ...]:
    """What the given partners' rules are, as a key: a change of any entry changes it."""
    return tuple((p.code, p.active, json.dumps(p.config, sort_keys=True, default=str))
                 for p in partners)


def instruments_by_partner(*, db: Session) -> dict[str, frozenset[str]]:
    """Partner code -> instruments it offers, for dossier validation."""
    return {p.code: frozenset(p.config.get("instruments", ())) for p in list_partners(db=db)}


def delivery_channels(*, db: Session) -> dict[str, str]:
    """Partner code -> delivery channel name (portal unless the catalogue says otherwise)."""
    return {p.code: (p.config.get("delivery") or {}).get("channel", "portal")
            for p in list_partners(db=db, active_only=False)}


def partner_names(*, db: Session) -> dict[str, str]:
    """Partner code -> display name."""
    return {p.code: p.name for p in list_partners(db=db, active_only=False)}


def sync_partners(*, db: Session, entries: Iterable[Mapping[str, Any]],
                  only_missing: bool = False) -> int:
    """Insert or update catalogue entries (validated dicts); returns how many were written.

    With `only_missing`, partners already in the database are left as they are (an
    operator's edits are never reverted by a seed).
    """
    count = 0
    for entry in entries:
        partner = db.get(Partner, entry["code"])
        if partner is not None and only_missing:
            continue
        partner = partner or Partner(code=entry["code"])
        partner.name = entry["name"]
        partner.kind = entry["kind"]
        partner.config = {k: v for k, v in entry.items() if k not in ("code", "name", "kind")}
        partner.active = True
        db.add(partner)
        count += 1
    db.flush()
    return count


def partner_view(partner: Partner) -> dict[str, Any]:
    """The public shape of a catalogue entry (GET /partners)."""
    cfg = partner.config
    return {
        "code": partner.code,
        "name": partner.name,
        "kind": partner.kind,
        "instruments": list(cfg.get("instruments", [])),
        "required_attachments": list(cfg.get("required_attachments", [])),
        "sla_days": cfg.get("sla_days"),
        "eligibility": cfg.get("eligibility", {}),
        "description": cfg.get("description", ""),
        # {"required", "above_eur"}: above it, the partner decides in committee
        "committee": cfg.get("committee"),
    }


def update_partner(*, db: Session, code: str, entry: Mapping[str, Any]) -> Partner:
    """Replace one partner's catalogue entry with an already validated dict (same code)."""
    partner = db.get(Partner, code)
    if partner is None:
        raise NotFound("not_found", {"code": code})
    if entry["code"] != code:
        raise ValueError("a catalogue entry cannot change its code")
    partner.name = entry["name"]
    partner.kind = entry["kind"]
    partner.config = {k: v for k, v in entry.items() if k not in ("code", "name", "kind")}
    db.flush()
    return partner

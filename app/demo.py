"""Seed the partner catalogue, the demo accounts of api-v1.md and, for a first look, sample
dossiers at every stage (marked as examples)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from banks.catalogue import DEFAULT_CATALOGUE, load_catalogue
from banks.submission import BankEligibility
from dossier.db import transaction, utcnow
from dossier.formatting import PARIS, paris
from dossier.models import Delivery, Dossier, Partner, Role, Route, User
from dossier.services import (
    attachments,
    committees,
    delivery,
    dossiers,
    objects,
    partners,
    routes,
    submission,
    users,
)
from storage.base import ObjectStore, StoredObject

DEMO_DOMAIN = "demo.example"


@dataclass(frozen=True)
class DemoAccount:
    """One seeded account."""

    email: str
    role: str
    partner: str | None
    committee: bool = False  # sits on the partner's committee


def seed_catalogue(*, db: Session, path: Path = DEFAULT_CATALOGUE,
                   only_missing: bool = False) -> int:
    """Load the catalogue file into the database (`only_missing`: add, never overwrite)."""
    catalogue = load_catalogue(path)
    return partners.sync_partners(db=db, entries=[p.model_dump(mode="json")
                                                  for p in catalogue.partners],
                                  only_missing=only_missing)


def demo_accounts(*, db: Session) -> list[DemoAccount]:
    """The founder, the staff member, and per partner a reviewer and a committee member."""
    accounts = [DemoAccount(f"founder@{DEMO_DOMAIN}", Role.founder, None),
                DemoAccount(f"staff@{DEMO_DOMAIN}", Role.staff, None)]
    for p in partners.list_partners(db=db):
        accounts += [DemoAccount(f"{p.code}@{DEMO_DOMAIN}", Role.reviewer, p.code),
                     DemoAccount(f"{p.code}-comite@{DEMO_DOMAIN}", Role.reviewer, p.code,
                                 committee=True)]
    return accounts


def seed_demo(*, db: Session, password: str) -> list[DemoAccount]:
    """Missing catalogue partners plus demo accounts; re-running resets their passwords.

    Partners already in the database are never overwritten: an operator reloads the
    catalogue on purpose with `dossier partners load`.
    """
    seed_catalogue(db=db, only_missing=True)
    accounts = demo_accounts(db=db)
    for account in accounts:
        existing = users.get_by_email(db=db, email=account.email)
        if existing is None:
            existing = users.create_user(db=db, email=account.email, password=password,
                                         role=account.role, partner_code=account.partner)
        else:
            users.set_password(db=db, user=existing, password=password)
        existing.committee = account.committee
    return accounts


# --- sample dossiers: a first look that shows something ----------------------------------

SAMPLE_CONTENT = Path(__file__).with_name("demo_dossier.json")
SAMPLE_PREFIX = "Exemple — "
SAMPLE_KINDS = ("kbis", "statuts", "business_plan", "forecast", "rib", "financial_statements",
                "pitch_deck", "cap_table", "id_founder")


@dataclass(frozen=True)
class Sample:
    """One sample dossier: its company, the partners asked, what each partner did."""

    name: str
    siren_base: str  # eight digits; the Luhn key is added
    partners: tuple[str, ...] = ()  # none: the dossier stays a draft
    # partner -> the reviewer's events, in order (each a payload of POST /routes/{id}/events;
    # {"type": "answer"} is the founder's reply to an information request, {"type": "accept"}
    # the founder taking the offer, {"type": "disbursed", ...} a tranche paid today)
    events: dict[str, tuple[dict[str, Any], ...]] = field(default_factory=dict)


SAMPLES = (
    Sample("Atelier Lumière", "81234567"),
    Sample("Calanques Robotique", "82345678", ("cepac", "bpmed")),
    Sample("Provence BioSolutions", "83456789", ("cepac", "bpmed"), {
        "cepac": ({"type": "in_review"},
                  {"type": "info_requested", "request_kind": "missing_document",
                   "message": "Merci de nous transmettre le carnet de commandes signé pour "
                              "2026."}),
        "bpmed": ({"type": "opened"},)}),
    Sample("Mistral Énergie", "84567891", ("cepac",), {
        "cepac": ({"type": "info_requested", "request_kind": "question",
                   "message": "Quel est le délai de livraison de votre premier client ?"},
                  {"type": "answer", "body": "Livraison prévue en mars 2027, acompte de "
                                             "30 % déjà versé."})}),
    Sample("Sainte-Victoire Data", "85678912", ("cepac", "bpmed"), {
        "cepac": ({"type": "in_review"},
                  {"type": "approved", "instrument": "bank_loan", "amount_eur": "180000.00",
                   "rate_pct": "3.90", "duration_months": 84,
                   "conditions": "Caution personnelle des dirigeants à hauteur de 20 %."},
                  {"type": "accept"},
                  {"type": "disbursed", "amount_eur": "100000.00", "label": "Première tranche"}),
        "bpmed": ({"type": "in_review"},)}),
    Sample("Vieux-Port Mobilité", "86789123", ("bpmed", "mi-honor-loan"), {
        "bpmed": ({"type": "declined", "reason": "too_early",
                   "comment": "Revenez vers nous après 12 mois de chiffre d'affaires."},),
        "mi-honor-loan": ({"type": "in_review"},
                          {"type": "recommended", "recommendation": "approve",
                           "instrument": "honor_loan", "amount_eur": "50000.00",
                           "duration_months": 60, "committee_date": "soon",
                           "comment": "Équipe complète, premiers clients signés."},
                          {"type": "session", "at": time(14, 30)})}),
)
COMMITTEE_IN_DAYS = 21  # a sample's committee ("soon"): three weeks after the seed


def _luhn_key(digits: str) -> str:
    """The digit that makes `digits` + it pass the Luhn check (SIREN, SIRET)."""
    for key in "0123456789":
        total = 0
        for index, char in enumerate(reversed(digits + key)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return key
    raise ValueError(digits)


def sample_content(sample: Sample) -> dict[str, Any]:
    """The sample's dossier: the demo company under its name, asking its partners."""
    body = json.loads(SAMPLE_CONTENT.read_text("utf-8"))
    siren = sample.siren_base + _luhn_key(sample.siren_base)
    name = SAMPLE_PREFIX + sample.name
    body["company"].update(legal_name=name, siren=siren,
                           siret=siren + "0001" + _luhn_key(siren + "0001"))
    body["bank_account"]["holder"] = name
    if not sample.partners:  # a draft half way: no plan, no partner chosen yet
        for key in ("funding", "requests", "bank_account", "financials"):
            body.pop(key, None)
        return body
    body["requests"] = [r for r in body["requests"] if r["partner"] in sample.partners]
    return body


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF that says `text` (ASCII): the sample's documents."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def seed_samples(*, sessions: sessionmaker[Session], store: ObjectStore,
                 founder_email: str = f"founder@{DEMO_DOMAIN}") -> list[str]:
    """The sample dossiers missing (by name), owned by the demo founder, each at its stage;
    the names added. Running it again adds nothing."""
    submission.use_eligibility(BankEligibility())
    with sessions() as db:
        have = set(db.scalars(select(Dossier.company_name).where(Dossier.sample.is_(True))))
    added = []
    for sample in SAMPLES:
        if SAMPLE_PREFIX + sample.name not in have:
            _seed_sample(sessions, store, founder_email, sample)
            added.append(SAMPLE_PREFIX + sample.name)
    return added


def _seed_sample(sessions: sessionmaker[Session], store: ObjectStore, founder_email: str,
                 sample: Sample) -> None:
    with transaction(sessions) as db:
        founder = users.get_by_email(db=db, email=founder_email)
        dossier = dossiers.create_draft(db=db, owner=founder, data=sample_content(sample))
        dossier.sample = True
        dossier_id, founder_id = dossier.id, founder.id
    if not sample.partners:
        return
    for kind in SAMPLE_KINDS:
        _attach(sessions, store, dossier_id, founder_id, kind)
    with transaction(sessions) as db:
        dossier, founder = db.get(Dossier, dossier_id), db.get(User, founder_id)
        version, _request = submission.submit(db=db, dossier=dossier, user=founder,
                                              consent=True)
        for delivery_id in db.scalars(select(Delivery.id).where(
                Delivery.version_id == version.id)):
            delivery.settle_delivered(db=db, delivery_id=delivery_id, detail="sample")
        for route in submission.routes_of(db=db, dossier=dossier).values():
            _play(db, route, founder, sample.events.get(route.partner_code, ()))


def _attach(sessions: sessionmaker[Session], store: ObjectStore, dossier_id: Any,
            founder_id: Any, kind: str) -> None:
    data = minimal_pdf(f"Exemple - {kind}")

    def put() -> StoredObject:
        return store.put_stream(iter([data]))

    def record(db: Session, stored: StoredObject) -> None:
        attachments.record(db=db, dossier=db.get(Dossier, dossier_id),
                           user=db.get(User, founder_id), kind=kind, filename=f"{kind}.pdf",
                           content_type="application/pdf", size=stored.size,
                           sha256=stored.sha256, storage_key=stored.key)

    objects.attach(sessions=sessions, store=store, put=put, record=record)


def _play(db: Session, route: Route, founder: User, steps: tuple[dict[str, Any], ...]) -> None:
    """The partner's reviewer (and the founder's answer) acting on the route, in order."""
    reviewer = users.get_by_email(db=db, email=f"{route.partner_code}@{DEMO_DOMAIN}")
    day = paris(utcnow()).date() + timedelta(days=COMMITTEE_IN_DAYS)
    for step in steps:
        if step["type"] == "answer":
            routes.post_message(db=db, route=route, user=founder, body={"body": step["body"]})
        elif step["type"] == "accept":
            routes.accept(db=db, route=route, user=founder)
        elif step["type"] == "disbursed":
            tranche = {k: v for k, v in step.items() if k != "type"}
            routes.disburse(db=db, route=route, user=reviewer,
                            body={**tranche, "date": paris(utcnow()).date().isoformat()})
        elif step["type"] == "opened":
            routes.open_route(db=db, route=route, user=reviewer, via="web")
        elif step["type"] == "session":  # the partner plans its committee's session
            at = datetime.combine(day, step["at"], PARIS)
            committees.plan(db=db, partner=db.get(Partner, route.partner_code), user=reviewer,
                            body={"date": at.isoformat(), "route_ids": [str(route.id)]})
        else:
            body = dict(step)
            if body.get("committee_date") == "soon":
                body["committee_date"] = day.isoformat()
            routes.reviewer_event(db=db, route=route, user=reviewer, body=body)

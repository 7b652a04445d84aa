"""The full dossier and its variants; a complete draft; the one way tests submit through the API."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.helpers.files import minimal_pdf

FULL_DOSSIER = Path(__file__).parents[1] / "fixtures" / "dossier_full.json"
ALL_KINDS = ("kbis", "statuts", "business_plan", "forecast", "rib", "financial_statements",
             "pitch_deck", "cap_table", "id_founder")
CIC_REQUEST = {"partner": "cic", "instrument": "bank_loan", "amount_eur": "100000.00",
               "duration_months": 60}


# The instruments each partner of the full dossier offers, as dossier validation takes them.
OFFERS = {
    "bdf": frozenset({"advice"}),
    "cepac": frozenset({"bank_loan", "guarantee"}),
    "bpmed": frozenset({"bank_loan", "guarantee"}),
    "ampa": frozenset({"equity"}),
    "mi-honor-loan": frozenset({"honor_loan"}),
}


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path ("funding.sources.0.amount_eur") in the data."""
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = data
    for part in parents:
        node = node[part]
    node[last] = value


def full_dossier(*, name: str | None = None, partners: Iterable[str] | None = None,
                 ask_cic: bool = False, decimals: bool = False,
                 changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """A fresh copy of tests/fixtures/dossier_full.json (five partners asked): under another
    company `name`, asking only `partners`, also asking CIC (the webhook partner, six routes),
    with amounts read as Decimal rather than float if asked, and dotted-path `changes`."""
    body = json.loads(FULL_DOSSIER.read_text("utf-8"), parse_float=Decimal if decimals else None)
    for path, value in (changes or {}).items():
        set_path(body, path, value)
    if name is not None:
        body["company"]["legal_name"] = name
    if partners is not None:
        body["requests"] = [r for r in body["requests"] if r["partner"] in set(partners)]
    if ask_cic:
        body["requests"].append(dict(CIC_REQUEST))
    return body


def upload_pdf(client, headers, dossier_id: str, kind: str, text: str | None = None,
               filename: str | None = None) -> dict:
    """Attach a small PDF of this kind (its text the kind unless told); the 201 answer."""
    r = client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=headers,
                    files={"file": (filename or f"{kind}.pdf", minimal_pdf(text or kind),
                                    "application/pdf")},
                    data={"kind": kind})
    assert r.status_code == 201, r.text
    return r.json()


def ready_dossier(client, headers, body: dict | None = None, *,
                  kinds: Iterable[str] = ALL_KINDS, tag: str | None = None) -> str:
    """A draft of `body` (the full dossier by default) with a PDF of each kind (every kind a
    partner may require); its id. A `tag` makes the files this dossier's own."""
    r = client.post("/api/v1/dossiers", headers=headers,
                    json=body if body is not None else full_dossier())
    assert r.status_code == 201, r.text
    dossier_id = r.json()["id"]
    for kind in kinds:
        if tag is None:
            upload_pdf(client, headers, dossier_id, kind)
        else:
            upload_pdf(client, headers, dossier_id, kind, f"{tag} {kind}", f"{tag}-{kind}.pdf")
    return dossier_id


def submit(client, headers, body: dict | None = None, *, dossier_id: str | None = None,
           key: str | None = None, **ready: Any) -> dict:
    """Submit with consent the draft `dossier_id`, or else a ready dossier made of `body`
    (`ready` goes to ready_dossier); the 202 answer: dossier_id, version, routes."""
    if dossier_id is None:
        dossier_id = ready_dossier(client, headers, body, **ready)
    extra = {"Idempotency-Key": key} if key else {}
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers={**headers, **extra},
                    json={"consent": True})
    assert r.status_code == 202, r.text
    return r.json()


def settle_deliveries(sessions) -> None:
    """Mark every pending delivery delivered, as the portal channel would (no Prefect)."""
    from sqlalchemy import select

    from dossier.db import transaction
    from dossier.models import Delivery
    from dossier.services import delivery

    with transaction(sessions) as db:
        for delivery_id in list(db.scalars(select(Delivery.id)
                                           .where(Delivery.status == "pending"))):
            delivery.settle_delivered(db=db, delivery_id=delivery_id)


def new_dossiers_seen(sessions) -> None:
    """Reviewers have been told of, and read, every dossier delivered so far (its "new
    dossier" notice e-mailed and read): for tests that count the notices that follow."""
    from sqlalchemy import update

    from dossier.db import transaction, utcnow
    from dossier.models import Notification

    with transaction(sessions) as db:
        db.execute(update(Notification).where(Notification.kind == "new_dossier")
                   .values(emailed_at=utcnow(), read_at=utcnow()))

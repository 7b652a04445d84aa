"""A dossier sent with a dated Kbis (its validity runs from that date), delivered at once."""

from __future__ import annotations

from tests.helpers import ALL_KINDS, full_dossier, settle_deliveries, upload_pdf
from tests.helpers.files import minimal_pdf


def submit_with_dated_kbis(client, founder, sessions, partners: list[str],
                           kbis_issued_on: str) -> dict[str, str]:
    """Send a full dossier to `partners` with a Kbis dated `kbis_issued_on`, delivered (no
    Prefect): `dossier_id`, `kbis` (the attachment id) and each partner's route id."""
    r = client.post("/api/v1/dossiers", headers=founder, json=full_dossier(partners=partners))
    assert r.status_code == 201, r.text
    dossier_id = r.json()["id"]
    for kind in ALL_KINDS:
        if kind != "kbis":
            upload_pdf(client, founder, dossier_id, kind)
    r = client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder,
                    files={"file": ("kbis-lumiphase.pdf", minimal_pdf("kbis"), "application/pdf")},
                    data={"kind": "kbis", "issued_on": kbis_issued_on})
    assert r.status_code == 201, r.text
    kbis = r.json()["id"]
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                    json={"consent": True})
    assert r.status_code == 202, r.text
    settle_deliveries(sessions)
    routes = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]
    return {"dossier_id": dossier_id, "kbis": kbis, **{x["partner"]: x["id"] for x in routes}}

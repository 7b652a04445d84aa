"""The README's path on a real server: migrate, seed the demo, serve, and a founder's journey."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from tests.helpers import full_dossier, minimal_pdf, tiny_png, wait_until
from tests.helpers.generated_client import generate, reviewer_journey
from tests.live import live_server, submit_and_wait_delivered


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dossier db upgrade`, `dossier demo`, `dossier serve` with the embedded defaults."""
    with live_server(tmp_path_factory.mktemp("live")) as live:
        yield live.base


def test_founder_journey_on_the_running_server(server):
    with httpx.Client(base_url=server + "/api/v1", timeout=60) as http:
        token = http.post("/auth/token", data={"username": "founder@demo.example",
                                               "password": "demo1234"}).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        assert http.get("/me").json()["role"] == "founder"
        created = http.post("/dossiers", json=full_dossier())
        assert created.status_code == 201, created.text
        dossier_id = created.json()["id"]
        for name, data, kind in [("kbis.pdf", minimal_pdf(), "kbis"),
                                 ("photo.png", tiny_png(), "id_founder")]:
            r = http.post(f"/dossiers/{dossier_id}/attachments", data={"kind": kind},
                          files={"file": (name, data, "application/octet-stream")})
            assert r.status_code == 201, r.text
        pdf = http.get(f"/dossiers/{dossier_id}/pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        plan = http.get(f"/dossiers/{dossier_id}").json()["funding_plan"]
        shares = [Decimal(s["share_pct"]) for s in plan["sources"]]
        assert Decimal("5.27") in shares
        assert abs(sum(shares) - 100) <= Decimal("0.01") * len(shares)


def test_submission_is_routed_by_local_prefect_flows(server):
    """With no set-up, the embedded default runs the routing flows in the server process."""
    routes = submit_and_wait_delivered(server)
    assert len(routes) == len(full_dossier()["requests"])


def test_a_generated_client_runs_the_reviewer_journey_on_the_running_server(server, tmp_path):
    """The client generated from the running server's /openapi.json, over real HTTP, with the
    routing flows delivering the dossier."""
    generated = generate(httpx.get(server + "/openapi.json", timeout=30).json(), tmp_path)

    def delivered(dossier_id: str, route_id: str) -> None:
        with httpx.Client(base_url=server + "/api/v1", timeout=30,
                          headers=_bearer(server, "cepac@demo.example")) as http:
            wait_until(lambda: http.get("/inbox").json()["items"],
                       lambda items: route_id in [i["id"] for i in items],
                       what="the route to reach CEPAC's inbox", timeout=120, every=0.5)

    reviewer_journey(generated, lambda headers: httpx.Client(base_url=server, headers=headers,
                                                            timeout=60), delivered)


def _bearer(server: str, email: str) -> dict[str, str]:
    token = httpx.post(server + "/api/v1/auth/token", timeout=30,
                       data={"username": email, "password": "demo1234"})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}

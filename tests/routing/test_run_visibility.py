"""A routing run in Prefect says what it did: named after its work, tagged, failed if it failed."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterStartTime,
    FlowRunFilterTags,
)

from tests.helpers import full_dossier, submit, wait_until
from tests.routing.conftest import submit_delivered, wait_routes

PARTNERS = sorted({"cepac", "bpmed", "ampa", "mi-honor-loan", "bdf", "cic"})


def _route_run(since: datetime, timeout: float = 180.0):
    """The route-submission run that took the CIC delivery, once it has finished (its retries
    take their delays: a loaded machine needed more than 60 s)."""
    with get_client(sync_client=True) as client:
        [run] = wait_until(
            lambda: client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=["route-submission"])),
                flow_run_filter=FlowRunFilter(
                    tags=FlowRunFilterTags(all_=["partner:cic"]),
                    start_time=FlowRunFilterStartTime(after_=since))),
            lambda runs: runs and runs[0].state and runs[0].state.is_final(),
            what="a finished route-submission run tagged partner:cic", timeout=timeout,
            every=0.3)
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])))
        return run, artifacts


def test_a_failed_delivery_fails_the_named_tagged_run_and_shows_in_its_table(
        client, founder, webhook, sessions):
    since = datetime.now(UTC)
    webhook.respond_with(400)  # the partner refuses: given up at once, not retried
    body = full_dossier(ask_cic=True)
    dossier_id = submit(client, founder, body)["dossier_id"]
    wait_routes(client, founder, dossier_id,
                lambda rs: {x["partner"]: x["state"] for x in rs}.get("cic") == "delivery_failed")

    run, artifacts = _route_run(since)

    company = body["company"]["legal_name"]
    assert run.name == f"route {company} v1 → {', '.join(PARTNERS)}"
    assert "@" not in run.name
    assert {f"partner:{code}" for code in PARTNERS} <= set(run.tags)
    assert run.state.is_failed(), run.state
    assert "cic (webhook): failed, given up after 1 attempt(s)" in run.state.message
    [artifact] = [a for a in artifacts if a.type == "table"]
    table = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
    rows = {row["partner"]: row for row in table}
    assert set(rows) == set(PARTNERS)
    assert rows["cic"]["status"] == "failed, given up" and rows["cic"]["attempts"] == 1
    assert "HTTP 400" in rows["cic"]["error"] and rows["cic"]["channel"] == "webhook"
    assert {rows[code]["status"] for code in PARTNERS if code != "cic"} == {"delivered"}
    states = {x["partner"]: x["state"] for x in client.get(
        f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"]}
    assert states == {code: "delivery_failed" if code == "cic" else "delivered"
                      for code in PARTNERS}


def test_a_run_whose_dossier_was_erased_meanwhile_is_still_labelled(sessions):
    """The erasure race of tests/races failed the flow here: the version was already gone."""
    from types import SimpleNamespace

    from workflows.visibility import run_label

    items = [{"partner": "cepac", "version_id": str(uuid.uuid4())}]
    name, tags = run_label(SimpleNamespace(sessions=sessions), items)
    assert (name, tags) == ("route erased dossier → cepac", ["partner:cepac"])


def test_a_cancelled_delivery_does_not_fail_the_run(client, founder, sessions):
    """A founder's withdrawal cancels a delivery: the run's table says so, the run is not
    Failed for it."""
    from types import SimpleNamespace

    from sqlalchemy import select, update

    from dossier.models import Delivery
    from workflows.visibility import delivery_rows

    submit_delivered(client, founder)
    with sessions() as db, db.begin():
        ids = [str(i) for i in db.scalars(select(Delivery.id))]
        db.execute(update(Delivery).where(Delivery.id == uuid.UUID(ids[0]))
                   .values(status="cancelled"))
    rows = delivery_rows(SimpleNamespace(sessions=sessions),
                         [{"delivery_id": i} for i in ids])
    assert len(rows) == len(ids) and not any(row["failed"] for row in rows)

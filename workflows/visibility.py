"""What an operator sees of a routing run in Prefect: its name, its tags, its deliveries."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from dossier.services import delivery as deliveries
from workflows.runtime import Runtime

log = logging.getLogger(__name__)
MAX_NAME = 120
STATUS_LABELS = {"delivered": "delivered", "pending": "failed, retry scheduled",
                 "failed": "failed, given up", "in_flight": "not settled (lease running)"}


class DeliveriesFailed(Exception):
    """Some deliveries of a run did not reach their partner (recorded in the outbox)."""

    def __init__(self, failed: list[dict[str, Any]], outcomes: dict[str, int]) -> None:
        self.failed, self.outcomes = failed, outcomes
        super().__init__("; ".join(
            f"{row['partner']} ({row['channel']}): {row['status']} after {row['attempts']} "
            f"attempt(s): {row['error']}" for row in failed))


def run_label(runtime: Runtime, items: Iterable[dict[str, Any]]) -> tuple[str, list[str]]:
    """A name after the work (company, version, partners) and one tag per partner.

    Only the company name and partner codes: no founder's name nor e-mail in Prefect.
    """
    items = list(items)
    partners = sorted({item["partner"] for item in items})
    versions = sorted({item["version_id"] for item in items})
    if len(versions) == 1:
        with runtime.sessions() as db:
            version = deliveries.version_subject(db=db, version_id=uuid.UUID(versions[0]))
        if version is None:  # erased since its deliveries were claimed: nothing to name
            subject = "erased dossier"
        else:
            company, number = version
            subject = f"{company or 'dossier'} v{number}"
    else:
        subject = f"{len(versions)} versions"
    name = f"route {subject} → {', '.join(partners)}"
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME - 1] + "…"
    return name, [f"partner:{code}" for code in partners]


def label_current_run(name: str, tags: list[str]) -> None:
    """Rename and tag the flow run in progress; never fails the routing for it."""
    from prefect.client.orchestration import get_client
    from prefect.runtime import flow_run

    run_id = flow_run.get_id()
    if run_id is None:  # called outside a flow run (tests calling the logic directly)
        return
    try:
        with get_client(sync_client=True) as client:
            current = client.read_flow_run(uuid.UUID(run_id))
            client.update_flow_run(uuid.UUID(run_id), name=name,
                                   tags=sorted(set(current.tags) | set(tags)))
    except Exception as exc:  # the run still routes; it just keeps its generated name
        log.warning("could not name the flow run %s: %s", run_id, exc)


NOT_FAILED = ("delivered", "cancelled")  # a withdrawal cancels a delivery: not a failure


def delivery_rows(runtime: Runtime, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run's deliveries as they stand in the outbox after settling."""
    ids = [uuid.UUID(item["delivery_id"]) for item in items]
    with runtime.sessions() as db:
        rows = deliveries.outcomes(db=db, delivery_ids=ids)
    return [{**row, "status": STATUS_LABELS.get(row["status"], row["status"]),
             "failed": row["status"] not in NOT_FAILED} for row in rows]


def publish_deliveries(rows: list[dict[str, Any]]) -> None:
    """A table artifact of the run's deliveries (partner, channel, status, attempts, error)."""
    from prefect.artifacts import create_table_artifact

    table = [{k: v for k, v in row.items() if k != "failed"} for row in rows]
    failed = sum(row["failed"] for row in rows)
    try:
        create_table_artifact(table=table, description=(
            f"{len(rows)} deliveries, {failed} not delivered" if failed
            else f"{len(rows)} deliveries, all delivered"))
    except Exception as exc:  # the outcome is in the outbox whatever Prefect shows
        log.warning("could not publish the deliveries table: %s", exc)

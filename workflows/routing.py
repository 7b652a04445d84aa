"""Prefect flows that route submitted dossiers; thin over the `dossier` delivery services."""

from __future__ import annotations

import uuid
from typing import Any

from prefect import flow, task

from banks.channels.base import DeliveryError, DeliveryRequest
from banks.channels.registry import get_channel
from dossier.errors import NotFound
from dossier.services import delivery as deliveries
from dossier.services.documents import rendered_pdf
from workflows.documents import ensure_version_pdf, ensure_version_pdfs
from workflows.payloads import delivery_config, delivery_payload
from workflows.runtime import Runtime, get_runtime
from workflows.visibility import (
    DeliveriesFailed,
    delivery_rows,
    label_current_run,
    publish_deliveries,
    run_label,
)

BATCH = 500


@task(name="send-to-partner", log_prints=False)
def send(request: dict[str, Any]) -> dict[str, Any]:
    """Hand one delivery to its partner's channel: one attempt (the outbox schedules retries)."""
    channel = get_channel(request["config"].get("channel", "portal"))
    return channel.deliver(DeliveryRequest.model_validate(request)).model_dump()


@task(name="render-version-pdf")
def render(version_id: str) -> str:
    """Render and store a version's PDF once."""
    return ensure_version_pdf(get_runtime(), uuid.UUID(version_id)).storage_key


def claim_due(runtime: Runtime, *, version_id: uuid.UUID | None = None,
              limit: int = BATCH) -> list[dict[str, Any]]:
    """Claim the deliveries that are due and describe them (failing the lost, spent ones)."""
    with runtime.sessions() as db, db.begin():
        deliveries.give_up_lost(db=db, policy=runtime.retry, link_base=runtime.public_url)
    with runtime.sessions() as db:
        ids = deliveries.due(db=db, version_id=version_id, limit=limit)
    claimed = []
    for delivery_id in ids:
        with runtime.sessions() as db, db.begin():
            if deliveries.claim(db=db, delivery_id=delivery_id, policy=runtime.retry):
                claimed.append(deliveries.describe(db=db, delivery_id=delivery_id))
    return claimed


def settle(runtime: Runtime, item: dict[str, Any], error: BaseException | None,
           detail: str = "") -> str:
    """Record the outcome of one delivery in its own transaction."""
    delivery_id = uuid.UUID(item["delivery_id"])
    with runtime.sessions() as db, db.begin():
        if error is None:
            deliveries.settle_delivered(db=db, delivery_id=delivery_id, detail=detail)
            return "delivered"
        known = isinstance(error, DeliveryError)
        return deliveries.settle_failed(
            db=db, delivery_id=delivery_id, error=str(error),
            retryable=not known or error.retryable,
            retry_after=error.retry_after if known else None,
            policy=runtime.retry, link_base=runtime.public_url)


def route_due(*, version_id: uuid.UUID | None = None, limit: int = BATCH) -> dict[str, int]:
    """Deliver what is due, version by version: render its PDF once, then settle or send.

    The PDFs of the claimed versions render in parallel in the PDF processes (one at a time
    without them); each version's deliveries go as soon as its own PDF is stored, so the
    first dossiers of a burst reach partners while the later ones render. Webhook sends run
    in parallel and are settled at the end. A version whose render failed has its
    deliveries settled as failed: the outbox retries them. The run is named after its work
    and publishes its deliveries; if one of them did not reach its partner, the run fails
    (DeliveriesFailed) once everything is settled.
    """
    runtime = get_runtime()
    items = claim_due(runtime, version_id=version_id, limit=limit)
    if not items:
        return {"claimed": 0}
    label_current_run(*run_label(runtime, items))
    by_version: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_version.setdefault(item["version_id"], []).append(item)
    outcomes: dict[str, int] = {"claimed": len(items), "pdfs": len(by_version)}
    sending = []
    for version, pdf in ensure_version_pdfs(runtime, map(uuid.UUID, by_version)):
        group = by_version[str(version)]
        if isinstance(pdf, NotFound):  # erased while routed: its deliveries went with it
            _count(outcomes, "gone")
            continue
        if isinstance(pdf, BaseException):  # no PDF this time: retried from the outbox
            for item in group:
                _count(outcomes, settle(runtime, item, RenderFailed(pdf)))
            continue
        sending += _deliver(runtime, group, outcomes)
    for item, future in sending:
        future.wait()
        state = future.state
        error = None if state.is_completed() else _error(state)
        _count(outcomes, settle(runtime, item, error, "webhook" if error is None else ""))
    rows = delivery_rows(runtime, items)
    publish_deliveries(rows)
    failed = [row for row in rows if row["failed"]]
    if failed:  # settled in the outbox already: reconciliation retries what is due
        raise DeliveriesFailed(failed, outcomes)
    return outcomes


def _deliver(runtime: Runtime, group: list[dict[str, Any]], outcomes: dict[str, int]
             ) -> list[tuple[dict[str, Any], Any]]:
    """Settle a version's portal deliveries now; start its webhook sends (returned)."""
    sending = []
    for item in group:
        config = delivery_config(runtime, item["partner"])
        if config.get("channel", "portal") == "portal":
            # The portal inbox is the database itself: nothing to send, nothing to retry.
            _count(outcomes, settle(runtime, item, None, "portal inbox"))
            continue
        try:
            request = _request(runtime, item, config)
        except NotFound:  # erased between its PDF and its payload
            _count(outcomes, "gone")
            continue
        sending.append((item, send.submit(request)))
    return sending


class RenderFailed(Exception):
    """The version's PDF could not be rendered (its process died twice, or the renderer
    failed): its deliveries wait for a retry."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"PDF not rendered: {type(cause).__name__}: {cause}")


def _count(outcomes: dict[str, int], status: str) -> None:
    outcomes[status] = outcomes.get(status, 0) + 1


def _request(runtime: Runtime, item: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    version_id = uuid.UUID(item["version_id"])
    with runtime.sessions() as db:
        pdf = rendered_pdf(db=db, version_id=version_id)
    if pdf is None:
        raise NotFound("dossier_not_found")
    return {"delivery_id": item["delivery_id"], "partner": item["partner"],
            "event_type": item["event_type"], "dossier_id": item["dossier_id"],
            "version": item["version"], "config": config,
            "payload": delivery_payload(runtime, version_id=version_id,
                                        route_id=item["route_id"], pdf=pdf)}


def _error(state: Any) -> BaseException:
    data = state.data if isinstance(state.data, BaseException) else None
    if data is not None:
        return data
    try:
        result = state.result(raise_on_failure=False)
    except Exception as exc:
        return exc
    return result if isinstance(result, BaseException) else RuntimeError(str(state.message))


@flow(name="route-submission")
def route_submission(version_id: str) -> dict[str, int]:
    """Route one submitted or amended version to its partners."""
    return route_due(version_id=uuid.UUID(version_id))


@flow(name="reconcile-routing")
def reconcile(limit: int = BATCH) -> dict[str, int]:
    """Route anything left behind: Prefect down, a worker killed, a retry now due."""
    return route_due(limit=limit)

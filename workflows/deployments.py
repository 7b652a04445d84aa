"""Routing on Prefect workers: the flows as deployments of a work pool, triggered in batches."""

from __future__ import annotations

import importlib
import math
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm import Session, sessionmaker

from dossier.services import delivery as deliveries

DEPLOYMENT = "dossier"  # every flow is deployed under this name: "<flow>/dossier"
# Module-path entrypoints: a worker runs the installed package, the same code as the API.
FLOWS = {
    "route-submission": "workflows.routing.route_submission",
    "reconcile-routing": "workflows.routing.reconcile",
    "sla-reminders": "workflows.reminders.sla_reminders",
}
BATCH_FLOW = "reconcile-routing"  # routes whatever is due, up to `limit` deliveries a run
REMINDERS_FLOW = "sla-reminders"
STALE = timedelta(minutes=10)  # a run not started after this is taken for lost


class DeploymentSettings(BaseSettings):
    """`PREFECT_API_URL` in the environment switches routing to the work pool's workers."""

    model_config = SettingsConfigDict(extra="ignore")

    prefect_api_url: str = ""
    routing_work_pool: str = "dossier"
    routing_batch: int = Field(100, ge=1, le=10_000)
    routing_queued_runs: int = Field(4, ge=1, le=100)


def deployment_name(flow_name: str) -> str:
    """`<flow>/<deployment>`, as `run_deployment` and `prefect deployment run` take it."""
    return f"{flow_name}/{DEPLOYMENT}"


def ensure_work_pool(pool: str) -> bool:
    """Create the process work pool if it does not exist; True if created."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
            return False
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(
                name=pool, type=ProcessWorker.type,
                base_job_template=ProcessWorker.get_default_base_job_template()))
            return True


def deploy(pool: str) -> list[str]:
    """Register every flow as a deployment of the pool (idempotent: updates in place)."""
    from prefect import deploy as prefect_deploy
    from prefect.types.entrypoint import EntrypointType

    ensure_work_pool(pool)
    runners = []
    for entrypoint in FLOWS.values():
        module, name = entrypoint.rsplit(".", 1)
        flow = getattr(importlib.import_module(module), name)
        runners.append(flow.to_deployment(name=DEPLOYMENT, work_pool_name=pool,
                                          entrypoint_type=EntrypointType.MODULE_PATH,
                                          description=flow.description))
    prefect_deploy(*runners, work_pool_name=pool, build=False, push=False,
                   print_next_steps_message=False, ignore_warnings=True)
    return [deployment_name(name) for name in FLOWS]


def worker_command(pool: str, *, name: str | None = None, limit: int = 1) -> list[str]:
    """`prefect worker start` for the pool, with this interpreter (so the same packages)."""
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool,
               "--type", "process", "--limit", str(limit)]
    return [*command, "--name", name] if name else command


class DeploymentLauncher:
    """How the API starts flows when a Prefect server is configured: runs of deployments.

    Submissions are not routed one flow run each: the launcher keeps up to `queued_runs`
    runs of the batch flow waiting for a worker, enough to cover what is due. Each run
    claims up to `batch` deliveries under the outbox lease, so concurrent runs on several
    workers share the backlog and never deliver the same thing twice.
    """

    def __init__(self, settings: DeploymentSettings,
                 trigger: Callable[[str, dict[str, Any]], object] | None = None,
                 queued: Callable[[], int] | None = None):
        self.batch, self.queued_runs = settings.routing_batch, settings.routing_queued_runs
        self.trigger = trigger or _run_deployment
        self.queued = queued or _queued_batch_runs

    @classmethod
    def from_environment(cls) -> DeploymentLauncher | None:
        """A launcher if `PREFECT_API_URL` is set; None means run flows locally."""
        settings = DeploymentSettings()
        return cls(settings) if settings.prefect_api_url else None

    def top_up(self, sessions: sessionmaker[Session]) -> int:
        """Trigger enough batch runs for what is due now; returns how many were started."""
        with sessions() as db:
            due = len(deliveries.due(db=db, limit=self.batch * self.queued_runs))
        if not due:
            return 0
        missing = min(math.ceil(due / self.batch), self.queued_runs) - self.queued()
        for _ in range(missing):
            self.trigger(deployment_name(BATCH_FLOW), {"limit": self.batch})
        return max(missing, 0)

    def remind(self) -> object:
        """Run the reminders flow on a worker."""
        return self.trigger(deployment_name(REMINDERS_FLOW), {})


def _run_deployment(name: str, parameters: dict[str, Any]) -> object:
    from prefect.deployments import run_deployment

    return run_deployment(name, parameters=parameters, timeout=0, as_subflow=False)


def _queued_batch_runs() -> int:
    """Runs of the batch deployment not started yet (scheduled, or taken by a worker).

    Only recent ones count: a run left pending by a worker that died must not stop the
    launcher from starting others.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterName,
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterExpectedStartTime,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    with get_client(sync_client=True) as client:
        return client.count_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[BATCH_FLOW])),
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[DEPLOYMENT])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(
                    any_=[StateType.SCHEDULED, StateType.PENDING])),
                expected_start_time=FlowRunFilterExpectedStartTime(
                    after_=datetime.now(UTC) - STALE)))

"""The registry-checks flow: companies the registry could not answer for are asked again."""

from __future__ import annotations

from prefect import flow, task
from prefect.tasks import exponential_backoff

from dossier.services import registry
from workflows.runtime import Runtime, get_runtime


@task(name="verify-companies", retries=2, retry_delay_seconds=exponential_backoff(30),
      retry_jitter_factor=0.5)
def verify_companies() -> dict[str, int]:
    """Ask the registry for every number whose check is due (each on its own backoff)."""
    runtime = get_runtime()
    if runtime.registry is None:
        return {}
    with runtime.sessions() as db:
        return registry.verify_due(db, runtime.registry)


@flow(name="registry-checks")
def registry_checks() -> dict[str, int]:
    """Verify the pending companies; what became of them."""
    return verify_companies()


def registry_checks_due(runtime: Runtime) -> bool:
    """Whether a run would do anything: the dispatcher's cheap check before starting one."""
    if runtime.registry is None:
        return False
    with runtime.sessions() as db:
        return bool(registry.due_checks(db, limit=1))

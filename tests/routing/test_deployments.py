"""Routing by deployment: `dossier deploy`, the launcher's batches, the switch on PREFECT_API_URL.

The two-worker test on a real Prefect server is tests/scale (make test-scale); these run
against the session's Prefect harness and need no worker.
"""

from __future__ import annotations

import sys

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName
from typer.testing import CliRunner

from app.cli import cli
from tests.helpers import full_dossier, submit
from workflows.deployments import (
    FLOWS,
    DeploymentLauncher,
    DeploymentSettings,
    deploy,
    worker_command,
)
from workflows.dispatch import Dispatcher

POOL = "test-pool"


@pytest.fixture
def settings(settings):
    """No background routing: the deliveries stay due for the launcher to count."""
    return settings.model_copy(update={"routing_in_background": False})


def submit_six_partner_dossiers(client, founder, count: int) -> None:
    """Submit `count` six-partner dossiers (six deliveries each)."""
    for _ in range(count):
        submit(client, founder, full_dossier(ask_cic=True))


def launcher(batch: int, queued_runs: int = 4, **kwargs) -> DeploymentLauncher:
    """A launcher as the API builds it, with these knobs."""
    return DeploymentLauncher(DeploymentSettings(
        prefect_api_url="http://prefect.invalid/api", routing_batch=batch,
        routing_queued_runs=queued_runs), **kwargs)


def test_deploy_registers_every_flow_on_a_process_pool(prefect_harness):
    names = deploy(POOL)
    assert names == [f"{flow}/dossier" for flow in FLOWS]
    with get_client(sync_client=True) as client:
        assert client.read_work_pool(POOL).type == "process"
        for flow, entrypoint in FLOWS.items():
            deployment = client.read_deployment_by_name(f"{flow}/dossier")
            assert deployment.entrypoint == entrypoint  # the installed package, no code copy
            assert deployment.work_pool_name == POOL
    assert deploy(POOL) == names  # again after an upgrade: updated in place


def test_top_up_starts_batch_runs_for_what_is_due_and_counts_those_waiting(
        client, founder, sessions, prefect_harness):
    deploy(POOL)
    submit_six_partner_dossiers(client, founder, 2)  # 12 deliveries due
    real = launcher(batch=5)
    try:
        assert real.top_up(sessions) == 3  # ceil(12 / 5) runs, each claiming up to 5
        assert real.top_up(sessions) == 0  # they wait for a worker: nothing more to start
        with get_client(sync_client=True) as c:
            runs = c.read_flow_runs(deployment_filter=DeploymentFilter(
                name=DeploymentFilterName(any_=["dossier"])))
        assert len(runs) == 3
        assert {r.state.type.value for r in runs} == {"SCHEDULED"}
        assert all(r.parameters == {"limit": 5} for r in runs)
    finally:
        with get_client(sync_client=True) as c:
            for run in c.read_flow_runs():
                if run.deployment_id is not None:
                    c.delete_flow_run(run.id)


def test_top_up_keeps_at_most_the_queued_runs_and_nothing_when_nothing_is_due(
        client, founder, sessions):
    started: list[tuple[str, dict]] = []
    capped = launcher(batch=2, queued_runs=4, trigger=lambda n, p: started.append((n, p)),
                      queued=lambda: 1)
    assert capped.top_up(sessions) == 0 and started == []  # nothing due: Prefect not asked
    submit_six_partner_dossiers(client, founder, 2)
    assert capped.top_up(sessions) == 3  # 12 due wants 6 runs; 4 at most, 1 already waits
    assert started == [("reconcile-routing/dossier", {"limit": 2})] * 3


def test_with_a_prefect_server_submissions_start_runs_not_local_flows(client, founder, app):
    def local(*_args):
        raise AssertionError("a flow ran in the API process")

    started: list[tuple[str, dict]] = []
    dispatcher = Dispatcher(app.state.dossier.runtime, route=local, reconcile=local,
                            reminder_interval=0, launcher=launcher(
                                batch=100, trigger=lambda n, p: started.append((n, p)),
                                queued=lambda: 0))
    submit_six_partner_dossiers(client, founder, 1)
    dispatcher.submitted("any-version")
    dispatcher.run_pending()
    assert started[0] == ("reconcile-routing/dossier", {"limit": 100})
    assert dispatcher.interval == 2.0  # the backlog is looked at every two seconds


def test_prefect_api_url_in_the_environment_is_the_only_switch(app, monkeypatch):
    runtime = app.state.dossier.runtime
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert Dispatcher(runtime).launcher is None  # embedded default: flows run here
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert isinstance(Dispatcher(runtime).launcher, DeploymentLauncher)


def test_deploy_and_worker_need_a_prefect_server(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    for command in (["deploy"], ["worker"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2 and "PREFECT_API_URL" in result.output


def test_worker_is_prefects_process_worker_on_this_interpreter():
    assert worker_command("dossier", name="w1", limit=2) == [
        sys.executable, "-m", "prefect", "worker", "start", "--pool", "dossier",
        "--type", "process", "--limit", "2", "--name", "w1"]

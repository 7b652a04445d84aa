"""Flows run in the app: how they run, and what the first routed dossier used to wait for,
done in the background at start-up.

Measured before (`bench/first_route.py`, 2 shared cores): the local Prefect server's start,
then on the first submission the imports of the flows (Prefect's engine, WeasyPrint), the
first PDF (fonts and stylesheet loaded) and the first flow runs (each flow registered with
the server, the client and its event worker started).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from forms.pdf import render_dossier_pdf
from workflows.runtime import local_api_url

log = logging.getLogger(__name__)
READY_TIMEOUT = 180.0  # a loaded machine has taken a minute to start Prefect's server


@contextmanager
def embedded_settings() -> Iterator[None]:
    """Flows run in this thread without Prefect's heartbeat thread: the engine waits up to
    1 s for it at the end of every run, and the outbox already recovers a lost run."""
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def warm_up(route: Callable[[str], object], reconcile: Callable[[], object]) -> dict[str, float]:
    """Import, render once, wait for the local Prefect server, then run each flow once:
    `reconcile` routes whatever was left due (before this start, or handed over meanwhile),
    `route` runs on no version. Seconds per step; a failed step is logged and skipped."""
    seconds: dict[str, float] = {}
    steps: tuple[tuple[str, Callable[[], object]], ...] = (
        ("imports", _imports), ("first_pdf", _render), ("prefect_ready", _prefect_ready),
        ("first_flow_run", reconcile), ("second_flow", lambda: route(str(uuid.UUID(int=0)))))
    for name, step in steps:
        started = time.monotonic()
        try:
            step()
        except Exception:
            log.exception("routing warm-up: %s failed", name)
        seconds[name] = round(time.monotonic() - started, 2)
    log.info("routing warmed up: %s", seconds)
    return seconds


def _imports() -> None:
    import workflows.routing  # noqa: F401  (Prefect's engine, WeasyPrint, the templates)


def _render() -> None:
    render_dossier_pdf({}, attachments=[])


def _prefect_ready() -> None:
    url = local_api_url()
    if url is not None and not wait_ready(url, READY_TIMEOUT):
        raise RuntimeError(f"the local Prefect server at {url} did not answer "
                           f"within {READY_TIMEOUT:.0f} s")


def wait_ready(api_url: str, timeout: float) -> bool:
    """Whether the Prefect API answers its health check within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as client:
        while True:
            try:
                if client.get(f"{api_url}/health").status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)

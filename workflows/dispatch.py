"""Starts routing flows from the API process: at once after a submit, and on a schedule."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from dossier.services import delivery as deliveries
from workflows.deployments import DeploymentLauncher
from workflows.leader import Leadership
from workflows.prefect_import import import_prefect
from workflows.runtime import Runtime, local_api_url
from workflows.storage_gc import sweep_once
from workflows.visibility import DeliveriesFailed

log = logging.getLogger(__name__)
_STOP = "__stop__"
TICK = 2.0  # with workers, how often (at most) the backlog is checked and runs topped up
FOLLOW = 2.0  # how often a process that does not lead tries to (the leader may be gone)


def _route_submission(version_id: str) -> object:
    from workflows.routing import route_submission

    return _outcomes(route_submission, version_id)


def _reconcile() -> object:
    from workflows.routing import reconcile

    return _outcomes(reconcile)


def _outcomes(flow: Callable[..., object], *args: object) -> object:
    """Run a routing flow here; a run that failed deliveries still reports its outcomes."""
    try:
        return flow(*args)
    except DeliveriesFailed as exc:  # settled in the outbox, shown in Prefect as Failed
        log.info("routing run settled with failed deliveries: %s", exc)
        return exc.outcomes


def _warm_up(route: Callable[[str], object], reconcile: Callable[[], object]) -> object:
    from workflows.warm import warm_up

    return warm_up(route, reconcile)


def _remind() -> object:
    from workflows.reminders import sla_reminders

    return sla_reminders()


def _reminders_due(runtime: Runtime) -> bool:
    from workflows.reminders import reminders_due

    return reminders_due(runtime)


def _check_registry(runtime: Runtime) -> object:
    from workflows.registry import registry_checks, registry_checks_due

    return registry_checks() if registry_checks_due(runtime) else None


def _sweep_store(runtime: Runtime) -> object:
    return sweep_once(runtime)


def _retain(runtime: Runtime) -> object:
    from workflows.retention import retention_due, retention_flow

    return retention_flow() if retention_due(runtime) else None


@dataclass
class Periodic:
    """A job run every `interval` seconds (0: never); a failure is logged, never raised."""

    name: str
    interval: float
    job: Callable[[], object]
    next_at: float

    def run_if_due(self) -> None:
        if self.interval <= 0 or time.monotonic() < self.next_at:
            return
        self.next_at = time.monotonic() + self.interval
        try:
            self.job()
        except Exception:
            log.exception("%s failed; it runs again in %.0f s", self.name, self.interval)


class Dispatcher:
    """One background thread that starts the routing and reminder flows.

    Embedded default: it runs them locally, in this thread. With `PREFECT_API_URL` set,
    it triggers runs of their deployments instead, in batches, and Prefect workers run
    them (see workflows/deployments.py). The outbox makes both safe: if a run fails or
    a process dies, the next reconciliation finds the deliveries still due and routes
    them. Every `reminder_interval` seconds (0: never) it also runs the reminders flow,
    if anything is due, every `retention_interval` seconds (0: never) the retention
    flow, likewise, every `gc_interval` seconds (0: never) the storage sweep, and every
    `registry_interval` seconds (0: never) the registry checks, if any is due (in this
    process: they are database, store and registry work only).

    Under `dossier serve` (GROUP_ENV set), only the process that leads the group runs the
    thread's work; the others hand their submissions to it (workflows/leader.py). The
    leader, when it runs the flows itself, first warms them up (workflows/warm.py).
    """

    def __init__(self, runtime: Runtime, *, interval: float = 30.0,
                 reminder_interval: float = 3600.0,
                 route: Callable[[str], object] = _route_submission,
                 reconcile: Callable[[], object] = _reconcile,
                 remind: Callable[[], object] = _remind,
                 reminders_due: Callable[[Runtime], bool] = _reminders_due,
                 launcher: DeploymentLauncher | Literal["auto"] | None = "auto",
                 retention_interval: float = 0.0,
                 retain: Callable[[Runtime], object] = _retain,
                 gc_interval: float = 0.0,
                 sweep_store: Callable[[Runtime], object] = _sweep_store,
                 registry_interval: float = 0.0,
                 check_registry: Callable[[Runtime], object] = _check_registry,
                 leadership: Leadership | Literal["auto"] | None = "auto",
                 warm_up: Callable[[Callable[[str], object], Callable[[], object]], object]
                 = _warm_up):
        self.runtime, self.interval = runtime, interval
        self.route, self.reconcile = route, reconcile
        self.remind, self.reminders_due = remind, reminders_due
        if launcher == "auto":  # serve's own local Prefect server: the flows run here
            launcher = None if local_api_url() else DeploymentLauncher.from_environment()
        self.launcher = launcher
        self.leadership = (Leadership.from_environment() if leadership == "auto"
                           else leadership)
        self.warm_up, self.warmed = warm_up, None
        if self.launcher is not None:
            self.route = lambda _version_id: self.launcher.top_up(runtime.sessions)
            self.reconcile = lambda: self.launcher.top_up(runtime.sessions)
            self.remind = self.launcher.remind
            self.interval = min(interval, TICK)
        first = time.monotonic() + interval  # each first runs after one interval
        self._periodic = (
            Periodic("reminders", reminder_interval, self._remind_when_due, first),
            Periodic("retention", retention_interval, lambda: retain(runtime), first),
            Periodic("storage sweep", gc_interval, lambda: sweep_store(runtime), first),
            Periodic("registry checks", registry_interval, lambda: check_registry(runtime),
                     first))
        self._reconciled_at = time.monotonic()
        self._queue: queue.Queue[str] = queue.Queue()
        self._stop = threading.Event()
        self._busy = threading.Lock()
        self._thread: threading.Thread | None = None
        self._receiver: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="routing", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current run."""
        self._stop.set()
        self._queue.put(_STOP)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def submitted(self, version_id: str) -> None:
        """A version was committed with its outbox row: route it now (here, or in the
        process that leads; if none does yet, its first reconciliation routes it)."""
        if self.leadership is not None and not self.leadership.leading:
            self.leadership.hand_over(str(version_id))
            return
        self._queue.put(str(version_id))

    def run_pending(self) -> None:
        """Route everything due now, in this thread (used by tests and the CLI)."""
        with self._busy:
            self._drain()
            self._reconcile_if_due()

    def _loop(self) -> None:
        if not self._lead():
            return
        try:
            with self._flow_settings():
                if self.leadership is not None and self.launcher is None:
                    self.warmed = self.warm_up(self.route, self.reconcile)
                self._serve()
        finally:
            if self.leadership is not None:
                self.leadership.resign()
            if self._receiver is not None:
                self._receiver.join(5)
                self._receiver = None

    def _lead(self) -> bool:
        """Wait until this process leads its group (at once without one); False if stopped."""
        if self.leadership is None:
            return True
        while not self.leadership.try_lead():
            if self._stop.wait(FOLLOW):
                return False
        log.info("this process leads routing")
        self._receiver = threading.Thread(target=self._receive, name="routing-handover",
                                          daemon=True)
        self._receiver.start()
        return True

    def _receive(self) -> None:
        while not self._stop.is_set():
            version_id = self.leadership.receive()
            if version_id is not None:
                self._queue.put(version_id)

    @contextmanager
    def _flow_settings(self) -> Iterator[None]:
        """The settings of flows run in this thread (workflows/warm.py)."""
        if self.launcher is not None:
            yield
            return
        import_prefect()  # after serve's background import, if it is under way
        from workflows.warm import embedded_settings

        with embedded_settings():
            yield

    def _serve(self) -> None:
        # From now on: a submission that came during the warm-up or the imports above is
        # routed on its own first, not swept into a reconciliation that looks overdue.
        self._reconciled_at = time.monotonic()
        while not self._stop.is_set():
            try:
                first = self._queue.get(timeout=self.interval)
            except queue.Empty:
                with self._busy:
                    self._reconcile_if_due()
                    self._run_periodic()
                continue
            if first == _STOP:
                return
            self._queue.put(first)
            with self._busy:
                self._drain()

    def _drain(self) -> None:
        while True:
            if time.monotonic() - self._reconciled_at >= self.interval:
                self._reconcile_if_due()  # a steady stream of submissions must not starve it
                self._run_periodic()
            queued = self._take_queued()
            if not queued:
                return
            try:
                if len(queued) == 1:
                    self.route(queued[0])
                else:  # a burst: one flow run for all of it, not one per version
                    self._route_all()
            except Exception:  # the outbox keeps the work; reconciliation retries it
                log.exception("routing of %d version(s) failed; reconciliation will retry",
                              len(queued))

    def _take_queued(self) -> list[str]:
        """Every version queued now, once each (a stop request stays queued)."""
        queued: list[str] = []
        while True:
            try:
                version_id = self._queue.get_nowait()
            except queue.Empty:
                return queued
            if version_id == _STOP:
                self._queue.put(_STOP)
                return queued
            if version_id not in queued:
                queued.append(version_id)

    def _route_all(self) -> None:
        from workflows.routing import BATCH

        while True:  # each run claims at most BATCH deliveries
            outcome = self.reconcile()
            if not isinstance(outcome, dict) or outcome.get("claimed", 0) < BATCH:
                return

    def _reconcile_if_due(self) -> None:
        self._reconciled_at = time.monotonic()
        try:
            with self.runtime.sessions() as db:
                if not deliveries.due(db=db, limit=1):
                    return
            self.reconcile()
        except Exception:
            log.exception("reconciliation failed; it runs again in %.0f s", self.interval)

    def _run_periodic(self) -> None:
        for job in self._periodic:
            job.run_if_due()

    def _remind_when_due(self) -> None:
        if self.reminders_due(self.runtime):
            self.remind()

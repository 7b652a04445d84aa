"""Routing throughput on 1 and 2 Prefect workers, and the orchestration cost per dossier.

    python -m bench.workers [--dossiers 96] [--repeat 2] [--json PATH]

One cluster set up as docs/production.md says: Prefect server on PostgreSQL, the application
on PostgreSQL, objects in S3 (SeaweedFS on loopback), `dossier deploy`, `dossier serve`. For
each round, N dossiers asking six partners are prepared and submitted through the API while
its routing is held (ROUTING_IN_BACKGROUND=false); then 1 or 2 `dossier worker` processes
start, and the API's own dispatcher code (workflows.dispatch.Dispatcher with a
DeploymentLauncher) triggers batch runs until every route is delivered. The clock runs from
the first trigger to the last delivery. Rounds alternate 1 and 2 workers; the speed-up is
the ratio of the medians. Server-side cost: CPU seconds of the Prefect server process and of
the PostgreSQL backends serving its database during the round (what they burn idle with the
same workers polling is measured for 10 s just before and reported beside), and that
database's transactions (pg_stat_database), divided by the dossiers routed; worker CPU is
the workers' own time plus their finished flow-run processes'.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.helpers import wait_until
from tests.s3server import start_s3_server
from tests.scale.cluster import (
    Cluster,
    Founder,
    batch_runs,
    delivery_counts,
    descendants,
)

PARTNERS = 6
WARMUP = 6


def _cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_activity(database: str) -> tuple[int, int]:
    """(transactions, rows written) of one database so far, from pg_stat_database."""
    import psycopg

    from tests.scale.cluster import admin_url

    with psycopg.connect(admin_url(), autocommit=True) as conn:
        row = conn.execute("SELECT xact_commit + xact_rollback, tup_inserted + tup_updated "
                           "+ tup_deleted FROM pg_stat_database WHERE datname = %s",
                           (database,)).fetchone()
    return int(row[0]), int(row[1])


def _postgres_backends(database: str) -> list[int]:
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if f" {database} " in cmdline.read_bytes().decode(errors="replace"):
                pids.append(int(cmdline.parent.name))
    return pids


class CpuSampler:
    """CPU seconds used by groups of processes since start(), sampled every `every` seconds.

    Processes come and go (flow runs, pooled connections): each is counted from its first
    sighting (from zero if it started later), so one that exits keeps what it had used, give
    or take its last `every` seconds.
    """

    def __init__(self, groups: dict[str, Callable[[], list[int]]], every: float = 0.5):
        self.groups, self.every = groups, every
        self._first: dict[str, dict[int, float]] = {name: {} for name in groups}
        self._last: dict[str, dict[int, float]] = {name: {} for name in groups}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> CpuSampler:
        """Begin counting now."""
        self._sample(initial=True)
        self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        """CPU seconds of each group since start()."""
        self._stop.set()
        self._thread.join()
        self._sample()
        return {name: sum(used - self._first[name].get(pid, 0.0)
                          for pid, used in self._last[name].items())
                for name in self.groups}

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def _sample(self, initial: bool = False) -> None:
        for name, pids in self.groups.items():
            for pid in pids():
                used = _cpu(pid)
                if used is None:
                    continue
                if initial:
                    self._first[name][pid] = used
                self._last[name][pid] = used


def tree(pid: int) -> Callable[[], list[int]]:
    """The live process and its descendants, as a sampler group."""
    return lambda: [pid, *descendants(pid)]


def orchestration(cluster: Cluster) -> dict[str, Callable[[], list[int]]]:
    """Sampler groups: the Prefect server and the backends of its database."""
    return {"server": tree(cluster.processes["prefect-server"].pid),
            "database": lambda: _postgres_backends(cluster.databases[0])}


def measure_idle(cluster: Cluster, seconds: float = 10.0) -> dict[str, float]:
    """CPU per second of the Prefect server and its database with workers polling."""
    sampler = CpuSampler(orchestration(cluster)).start()
    time.sleep(seconds)
    return {name: used / seconds for name, used in sampler.stop().items()}


def route_round(cluster: Cluster, sessions, workers: int, dossiers: int) -> dict[str, Any]:
    """Submit `dossiers` with routing held, start `workers` workers, time the routing."""
    from workflows.deployments import DeploymentLauncher, DeploymentSettings
    from workflows.dispatch import Dispatcher
    from workflows.runtime import Runtime

    founder = Founder(cluster.api_url)
    founder.submit(founder.prepare(dossiers))
    founder.close()
    target = sum(delivery_counts(sessions).values())
    names = [f"bench{workers}-{i}" for i in range(workers)]
    for name in names:
        cluster.start_worker(name)
    for name in names:
        wait_until(lambda n=name: "started!" in cluster.log_tail(n), what=f"worker {name}",
                   timeout=120, every=0.5)
    runs_before = len(batch_runs(cluster.prefect_url))
    idle = measure_idle(cluster)
    load0 = os.getloadavg()[0]
    prefect_db = cluster.databases[0]
    workers_tree = [tree(cluster.processes[name].pid) for name in names]
    sampler = CpuSampler({**orchestration(cluster),
                          "workers": lambda: [p for t in workers_tree for p in t()]})

    launcher = DeploymentLauncher(DeploymentSettings())
    dispatcher = Dispatcher(Runtime(sessions=sessions, store=None, secret=b"", public_url=""),
                            interval=2.0, reminder_interval=0, launcher=launcher)
    activity0 = database_activity(prefect_db)
    sampler.start()
    started = time.monotonic()
    dispatcher.start()
    dispatcher.run_pending()  # the first top-up now, not one tick later
    wait_until(lambda: delivery_counts(sessions) == {"delivered": target}, what="every delivery",
               timeout=3600, every=0.2)
    elapsed = time.monotonic() - started
    dispatcher.stop()
    activity1 = database_activity(prefect_db)
    wait_until(lambda: all(r.state.is_final() for r in batch_runs(cluster.prefect_url)),
               what="the last flow runs to exit", timeout=300, every=0.2)
    used = sampler.stop()
    for name in names:
        cluster.kill(name)
        cluster.processes.pop(name)
    runs = len(batch_runs(cluster.prefect_url)) - runs_before
    per = 1000 / dossiers
    return {"workers": workers, "dossiers": dossiers, "deliveries": dossiers * PARTNERS,
            "seconds": round(elapsed, 2), "dossiers_per_s": round(dossiers / elapsed, 3),
            "flow_runs": runs, "load_avg_before": round(load0, 2),
            "worker_cpu_ms_per_dossier": round(used["workers"] * per),
            "prefect_server_cpu_ms_per_dossier": round(used["server"] * per, 1),
            "prefect_db_cpu_ms_per_dossier": round(used["database"] * per, 1),
            "prefect_db_transactions_per_dossier": round(
                (activity1[0] - activity0[0]) / dossiers, 1),
            "prefect_db_rows_written_per_dossier": round(
                (activity1[1] - activity0[1]) / dossiers, 1),
            "idle_prefect_server_cpu_pct": round(idle["server"] * 100, 1),
            "idle_prefect_db_cpu_pct": round(idle["database"] * 100, 1)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Warm up, then alternate 1 and 2 workers; print and return the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=96)
    parser.add_argument("--repeat", type=int, default=2, help="rounds per worker count")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    report = run(dossiers=args.dossiers, repeat=args.repeat)
    print(markdown(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return report


def run(*, dossiers: int, repeat: int) -> dict[str, Any]:
    """One cluster: a warm-up round, then `repeat` rounds of 1 and 2 workers; the figures."""
    from dossier.db import make_engine, make_sessionmaker
    from tests.scale.cluster import database_url

    root = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    s3 = start_s3_server(root / "s3")
    storage = {"STORAGE_BACKEND": "s3", "S3_ENDPOINT": s3.endpoint,
               "S3_ACCESS_KEY": s3.access_key, "S3_SECRET_KEY": s3.secret_key,
               "S3_BUCKET": "bench-workers"}
    rounds = []
    api_url = os.environ.get("PREFECT_API_URL")
    try:
        with Cluster(root / "cluster", storage,
                     extra_env={"ROUTING_IN_BACKGROUND": "false"}) as cluster:
            cluster.start_prefect_server()
            _use_prefect_api(cluster.prefect_url)  # the dispatcher below
            cluster.prepare_app_database()
            cluster.deploy()
            cluster.start_api()
            engine = make_engine(database_url(cluster.app_db))
            sessions = make_sessionmaker(engine)
            print(f"warm-up: {WARMUP} dossiers on 1 worker", file=sys.stderr)
            route_round(cluster, sessions, 1, WARMUP)
            for _ in range(repeat):
                for workers in (1, 2):
                    result = route_round(cluster, sessions, workers, dossiers)
                    print(json.dumps(result), file=sys.stderr)
                    rounds.append(result)
            engine.dispose()  # before the cluster drops its databases
    finally:
        s3.stop()
        _use_prefect_api(api_url)
    best = {w: statistics.median(r["dossiers_per_s"] for r in rounds if r["workers"] == w)
            for w in (1, 2)}
    return {"rounds": rounds, "cores": os.cpu_count(),
            "median_dossiers_per_s": {str(w): v for w, v in best.items()},
            "speed_up_2_vs_1": round(best[2] / best[1], 2),
            "batch": int(os.environ.get("ROUTING_BATCH", 100))}


def _use_prefect_api(url: str | None) -> None:
    """Point this process's Prefect client at `url` (None: back to unset), even when
    Prefect was imported earlier (its settings are read from the environment on import)."""
    if url is None:
        os.environ.pop("PREFECT_API_URL", None)
    else:
        os.environ["PREFECT_API_URL"] = url
    from prefect.context import refresh_global_settings_context

    refresh_global_settings_context()


def markdown(report: dict[str, Any]) -> str:
    """The table for BENCHMARKS.md."""
    lines = ["| workers | dossiers | seconds | dossiers/s | flow runs | worker CPU ms/dossier "
             "| Prefect server CPU ms/dossier | Prefect DB CPU ms/dossier "
             "| Prefect DB transactions/dossier | load avg before |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['workers']} | {r['dossiers']} | {r['seconds']} | {r['dossiers_per_s']} "
              f"| {r['flow_runs']} | {r['worker_cpu_ms_per_dossier']} "
              f"| {r['prefect_server_cpu_ms_per_dossier']} "
              f"| {r['prefect_db_cpu_ms_per_dossier']} "
              f"| {r['prefect_db_transactions_per_dossier']} | {r['load_avg_before']} |"
              for r in report["rounds"]]
    lines.append(f"\n2 workers vs 1 (medians): x{report['speed_up_2_vs_1']} on "
                 f"{report['cores']} cores (batch of {report['batch']} deliveries per flow run)")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

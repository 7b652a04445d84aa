"""Benchmark 7: routing on every core, PDFs rendered in separate processes (PDF_PROCESSES).

Two measures, each variant run interleaved with the others and repeated (other work shares
the machine: the ratios of one round count, not the absolute figures):

- **Renders**, the upper bound: N renders of the full dossier of benchmark 4 (each under
  its own company name) called one after the other in this process, against the same N
  submitted at once to a pool of P processes (started and warmed before the clock).
- **Routing burst**: N ready dossiers submitted through the API by 20 clients, the clock
  stopping when every route is delivered (benchmark 1's burst; the embedded dispatcher
  routes), with PDF_PROCESSES=1 (renders in the API process) against PDF_PROCESSES=P.
  Its **raw** limit in P processes: the dossiers dealt round-robin to P separate processes
  that each run benchmark 1's plain-function loop on their share (submission service,
  `ensure_version_pdf` rendering in that process, `claim_due`, `settle`), all started
  together after their set-up; the time for all is the slowest process's time for its
  share. Ours with P PDF processes is compared with raw in P processes, for P = 1 and P.

Targets: ours with P processes at least 1.7× the dossiers per second of ours in-process
(P = 2 on this 2-core machine); ours within 1.2× of raw for the same number of processes.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import database, routing
from bench.common import VAR, log, ratio, target

DB = "bench_routing_cores"


def run(*, n: int, renders: int, repeat: int, s3: Any, processes: int = 2,
        deadline: float = 120.0) -> dict[str, Any]:
    """Renders, then the routing burst, each variant once per round, interleaved."""
    pure = render_rounds(renders, repeat, processes)
    burst = burst_rounds(n, repeat, processes, s3, deadline)
    return {"processes": processes, "dossiers": n, "renders": pure, "burst": burst,
            "targets": [
                target(_at_least(burst["speedup"], 1.7),
                       f"routing ≥ 1.7× with {processes} PDF processes"),
                target(_at_most(burst["ratio_pool"], 1.2),
                       f"≤ 1.2× raw in {processes} processes"),
                target(_at_most(burst["ratio_single"], 1.2), "≤ 1.2× raw in 1 process")]}


def _at_least(value: float | None, bound: float) -> bool | None:
    return None if value is None else value >= bound


def _at_most(value: float | None, bound: float) -> bool | None:
    return None if value is None else value <= bound


# -- renders alone -------------------------------------------------------------------------

def render_rounds(count: int, repeat: int, processes: int) -> dict[str, Any]:
    """Renders per second, in this process against a pool of `processes`."""
    from bench.pdf import document
    from forms.pdf import render_dossier_pdf
    from workflows.pdf_processes import RenderPool

    doc = document()
    content = doc.pop("content")
    jobs = [({**content, "company": {**content["company"], "legal_name": f"Startup {i:03d}"}},
             doc) for i in range(count)]
    pool = RenderPool(processes)
    render_dossier_pdf(*jobs[0][:1], **doc)  # warm-up here: fonts, stylesheet
    for future in [pool.submit(*job) for job in jobs[:processes]]:  # and in each child
        future.result()
    memory = children_memory(pool.pids())
    single, pooled, loads, cpu_single, cpu_pool = [], [], [], [], []
    try:
        for _ in range(repeat):
            loads.append(os.getloadavg()[0])
            started, cpu = time.perf_counter(), time.process_time()
            for job_content, options in jobs:
                render_dossier_pdf(job_content, **options)
            single.append(count / (time.perf_counter() - started))
            cpu_single.append((time.process_time() - cpu) / count)
            loads.append(os.getloadavg()[0])
            started, cpu = time.perf_counter(), _cpu_seconds(pool.pids())
            for future in [pool.submit(*job) for job in jobs]:
                future.result()
            pooled.append(count / (time.perf_counter() - started))
            cpu_pool.append((_cpu_seconds(pool.pids()) - cpu) / count)
        memory["after_renders"] = children_memory(pool.pids())["per_process"]
    finally:
        pool.shutdown()
    one, many = statistics.median(single), statistics.median(pooled)
    speedups = [round(p / s, 2) for s, p in zip(single, pooled, strict=True)]
    log(f"routing_cores: renders/s 1 process {one:.2f}, {processes} processes {many:.2f} "
        f"(×{many / one:.2f}), load {loads}")
    return {"count": count, "rounds": repeat, "single_per_s": round(one, 3),
            "pool_per_s": round(many, 3), "speedup": round(many / one, 2),
            "speedup_per_round": speedups,
            "single_samples": [round(x, 3) for x in single],
            "pool_samples": [round(x, 3) for x in pooled],
            "cpu_ms_per_render": {"single": round(statistics.median(cpu_single) * 1000),
                                  "pool": round(statistics.median(cpu_pool) * 1000)},
            "load_average": [round(x, 2) for x in loads], "children": memory}


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def children_memory(pids: list[int]) -> dict[str, Any]:
    """RSS and PSS (shared pages counted once) of each PDF process, in MB."""
    rows = []
    for pid in pids:
        fields = {}
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("Rss", "Pss"):
                    fields[key.lower() + "_mb"] = round(int(value.split()[0]) / 1024, 1)
        except OSError:
            continue
        rows.append(fields)
    return {"per_process": rows}


# -- the routing burst ---------------------------------------------------------------------

def burst_rounds(n: int, repeat: int, processes: int, s3: Any,
                 deadline: float) -> dict[str, Any]:
    """Each round: ours in-process, ours with the pool, raw in 1 and in `processes`."""
    url = database.recreate(DB)
    variants = ("ours_1", f"ours_{processes}", "raw_1", f"raw_{processes}")
    ids = routing._prepare(url, s3, repeat * (2 * (n + 1) + 2 * n))
    rounds = []
    for number in range(repeat):
        row: dict[str, Any] = {}
        for variant in variants:
            kind, count = variant.split("_")
            size = n + 1 if kind == "ours" else n
            batch, ids = ids[:size], ids[size:]
            load = os.getloadavg()[0]
            if kind == "ours":
                result = routing._ours(url, s3, batch[0], batch[1:], deadline, 0,
                                       pdf_processes=int(count))
            else:
                result = raw_in_processes(url, s3, batch, int(count), deadline)
            row[variant] = {"dossiers_per_s": _rate(result, size - (kind == "ours")),
                            "seconds_for_all": result["seconds_for_all"],
                            "extrapolated": result["extrapolated"],
                            "completed": result["completed"],
                            "renders": result.get("renders"), "load_average": round(load, 2),
                            "submit_p95_ms": (result.get("submit_under_burst") or {}
                                              ).get("p95_ms")}
            log(f"routing_cores round {number + 1} {variant}: "
                f"{row[variant]['dossiers_per_s']} dossiers/s (load {load:.1f})")
        rounds.append(row)
    return _summary(rounds, variants, processes)


def _rate(result: dict[str, Any], total: int) -> float | None:
    seconds = result["seconds_for_all"]
    return round(total / seconds, 3) if seconds else None


def _summary(rounds: list[dict[str, Any]], variants: tuple[str, ...],
             processes: int) -> dict[str, Any]:
    """Medians over rounds, and the ratios of each round."""
    def median(variant: str) -> float | None:
        values = [r[variant]["dossiers_per_s"] for r in rounds if r[variant]["dossiers_per_s"]]
        return round(statistics.median(values), 3) if values else None

    rates = {v: median(v) for v in variants}
    ours_1, ours_p = rates["ours_1"], rates[f"ours_{processes}"]
    raw_1, raw_p = rates["raw_1"], rates[f"raw_{processes}"]

    def per_round(top: str, bottom: str) -> list[float | None]:
        return [ratio(r[top]["dossiers_per_s"], r[bottom]["dossiers_per_s"]) for r in rounds]

    renders_ok = all(
        (r[v]["renders"] or {}).get("max_per_version", 1) == 1 for r in rounds for v in variants)
    return {"rounds": rounds, "dossiers_per_s": rates,
            "speedup": ratio(ours_p, ours_1),
            "speedup_per_round": per_round(f"ours_{processes}", "ours_1"),
            "raw_speedup": ratio(raw_p, raw_1),
            # time ratios, ours over raw (dossiers per second inverted)
            "ratio_single": ratio(raw_1, ours_1), "ratio_pool": ratio(raw_p, ours_p),
            "ratio_pool_per_round": per_round(f"raw_{processes}", f"ours_{processes}"),
            "one_render_per_version": renders_ok}


def raw_in_processes(url: str, s3: Any, ids: list[uuid.UUID], processes: int,
                     deadline: float) -> dict[str, Any]:
    """Raw limit in `processes` processes: each runs the plain-function loop on its share."""
    render_log = VAR / "renders-raw.log"
    render_log.unlink(missing_ok=True)
    context = multiprocessing.get_context("spawn")
    ready, results = context.Barrier(processes + 1), context.Queue()
    shares = [ids[i::processes] for i in range(processes)]
    workers = [context.Process(target=_raw_share, args=(
        number, url, routing._s3_access(s3), share, deadline, render_log, ready, results))
        for number, share in enumerate(shares)]
    for worker in workers:
        worker.start()
    ready.wait(timeout=300)  # every process set up: the clock starts in each
    outcomes = [results.get(timeout=deadline + 600) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    timings = [routing._timing(finished, len(shares[number]),
                               len(finished) == len(shares[number]))
               for number, finished in outcomes]
    slowest = max((t["seconds_for_all"] or float("inf")) for t in timings)
    seconds = None if slowest == float("inf") else round(slowest, 2)
    completed = sum(t["completed"] for t in timings)
    return {"seconds_for_all": seconds, "completed": completed,
            "extrapolated": any(t["extrapolated"] for t in timings),
            "renders": routing._render_counts(url, render_log, ids)}


def _raw_share(number: int, url: str, s3: dict[str, str], ids: list[uuid.UUID], deadline: float,
               render_log: Path, ready: Any, results: Any) -> None:
    """One raw process: set up (imports, a warm render), wait for the others, run the loop."""
    from forms.pdf import render_dossier_pdf

    render_dossier_pdf({}, attachments=[])
    ready.wait(timeout=300)
    finished = routing.raw_loop(url, s3, ids, deadline, datetime.now(UTC), render_log)
    results.put((number, finished))

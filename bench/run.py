"""Run the benchmarks: `python -m bench.run [--quick] [--only routing,latency,...]`.

Writes bench/results.json (ours, raw and their ratio for each benchmark), BENCHMARKS.md
and the chart bench/load.svg. `make bench-quick` stays near seven minutes on 2 cores by
capping the routing runs in time and extrapolating (the file says so), and leaves out
`workers` (1 against 2 Prefect workers), `serving` (1 against 2 serving processes) and
`first_route` (`dossier serve`'s cold start and submit → delivered), minutes each, unless
`--only` names them; `make bench` runs N = 1 000 dossiers (capped at an hour) and all. After
each run, every ratio more than 20 % worse than in the committed bench/results.json is
printed (bench/regressions.py): a report, not a failure.
"""

from __future__ import annotations

import argparse
import json
import time
from contextlib import ExitStack
from typing import Any

from bench.common import log, machine, read_results, stamp, write_results
from bench.regressions import committed_results, compare
from bench.regressions import report as regression_report

BENCHMARKS = ("pdf", "routing", "submit", "uploads", "latency", "pages", "hostile", "workers",
              "routing_cores", "serving", "first_route")
NEEDS_S3 = {"routing", "submit", "uploads", "routing_cores"}  # `workers` starts its own cluster
NOT_QUICK = {"workers", "routing_cores", "serving", "first_route"}  # quick: only when named
RETIRED = ("routing_proposed",)  # experiments since made in the product: not reported again


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the under-5-minute version")
    parser.add_argument("--only", help=f"comma-separated subset of {', '.join(BENCHMARKS)} "
                        f"(default: all; with --quick, all but {', '.join(sorted(NOT_QUICK))})")
    parser.add_argument("--routing-n", type=int, help="dossiers in the routing burst "
                        "(default 200 quick, 1000 full)")
    parser.add_argument("--routing-deadline", type=float,
                        help="seconds before our routing run is stopped and extrapolated "
                        "(default: 60 quick, 3600 full; the raw loop gets half in quick)")
    parser.add_argument("--workers", type=int, default=0,
                        help="routing benchmark variant: route on N Prefect workers instead "
                        "of in the API (the `workers` benchmark compares 1 and 2 itself)")
    parser.add_argument("--workers-dossiers", type=int, default=96,
                        help="dossiers per round of the workers benchmark (default 96: six "
                        "flow runs of 100 deliveries, enough to keep 2 workers busy)")
    parser.add_argument("--workers-repeat", type=int,
                        help="rounds per worker count (default 1 quick, 2 full)")
    parser.add_argument("--cores-dossiers", type=int,
                        help="dossiers per routing burst of routing_cores (default 30 quick, "
                        "100 full)")
    parser.add_argument("--cores-repeat", type=int,
                        help="rounds of routing_cores, variants interleaved (default 2 quick, "
                        "3 full)")
    parser.add_argument("--no-sweep", action="store_true",
                        help="skip the latency-versus-clients sweep")
    parser.add_argument("--no-report", action="store_true",
                        help="only write bench/results.json")
    args = parser.parse_args(argv)
    if args.only is None:
        args.only = [b for b in BENCHMARKS if not (args.quick and b in NOT_QUICK)]
    else:
        args.only = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = set(args.only) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    return args


def routing_key(args: argparse.Namespace) -> str:
    """Where a routing variant goes in the results file."""
    return f"routing_workers_{args.workers}" if args.workers else "routing"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the selected benchmarks and write the results and the report."""
    args = parse(argv)
    started = time.monotonic()
    mode = "quick" if args.quick else "full"
    results = read_results()
    before = committed_results() or json.loads(json.dumps(results))
    for key in RETIRED:
        results.pop(key, None)
    results.update(machine=machine(), mode=mode, started_at=stamp())
    runs: dict[str, Any] = {}
    with ExitStack() as stack:
        s3 = None
        if NEEDS_S3 & set(args.only):
            from bench.services import s3_server

            s3 = stack.enter_context(s3_server())
        for name in BENCHMARKS:
            if name not in args.only:
                continue
            log(f"— {name} ({mode})")
            begun = time.monotonic()
            key, value = name, _run_one(name, args, s3)
            if name == "routing":
                key = routing_key(args)
            value = {"mode": mode, "measured_at": stamp(),
                     "duration_s": round(time.monotonic() - begun, 1), **value}
            runs[key] = results[key] = value
            write_results(results)
    results["duration_s"] = round(time.monotonic() - started, 1)
    results["regressions"] = compare(before, results, set(runs)) if before else []
    write_results(results)
    if not args.no_report:
        from bench.report import write_report

        write_report(results)
    log(f"done in {results['duration_s']:.0f} s: bench/results.json, BENCHMARKS.md")
    print(regression_report(before, results, set(runs)), flush=True)
    return runs


def _run_one(name: str, args: argparse.Namespace, s3: Any) -> dict[str, Any]:
    quick = args.quick
    if name == "pdf":
        from bench import pdf

        return pdf.run(quick=quick)
    if name == "routing":
        from bench import routing

        n = args.routing_n or (200 if quick else 1000)
        deadline = args.routing_deadline or (60.0 if quick else 3600.0)
        return routing.run(n=n, s3=s3, deadline=deadline,
                           raw_deadline=deadline / 2 if quick else deadline,
                           workers=args.workers)
    if name == "submit":
        from bench import submit

        return submit.run(quick=quick, s3=s3)
    if name == "uploads":
        from bench import uploads

        return uploads.run(quick=quick, s3=s3)
    if name == "hostile":
        from bench import hostile

        return hostile.run(quick=quick)
    if name == "serving":
        from bench import serving

        return serving.run(quick=quick)
    if name == "first_route":
        from bench import first_route

        return first_route.run(quick=quick)
    if name == "workers":
        from bench import workers

        return workers.run(dossiers=args.workers_dossiers,
                           repeat=args.workers_repeat or (1 if quick else 2))
    if name == "pages":
        from bench import pages

        return pages.run(quick=quick)
    if name == "routing_cores":
        from bench import routing_cores

        return routing_cores.run(n=args.cores_dossiers or (30 if quick else 100),
                                 renders=12 if quick else 30,
                                 repeat=args.cores_repeat or (2 if quick else 3), s3=s3,
                                 deadline=120.0 if quick else 1800.0)
    from bench import latency

    return latency.run(quick=quick, sweep=not args.no_sweep)


if __name__ == "__main__":
    main()

"""BENCHMARKS.md and the chart bench/load.svg, from bench/results.json."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from bench.common import BENCH_DIR, ROOT

REPORT = ROOT / "BENCHMARKS.md"
CHART = BENCH_DIR / "load.svg"
NOTES = BENCH_DIR / "NOTES.md"


def write_report(results: dict[str, Any]) -> None:
    """Write the chart, then the Markdown summary around the hand-written analysis."""
    write_chart(results, CHART)
    REPORT.write_text(render(results), "utf-8")


def render(results: dict[str, Any]) -> str:
    """The whole report."""
    parts = [HEADER, _machine(results), _summary(results)]
    for name, section in (("routing", _routing), ("latency", _latency),
                          ("uploads", _uploads), ("pdf", _pdf), ("submit", _submit)):
        if name in results:
            parts.append(section(results))
    parts.append(_workers(results))
    if "pages" in results:
        parts.append(_pages(results))
    parts += [_routing_cores(results), _serving(results), _first_route(results)]
    if "hostile" in results:
        parts.append(_hostile(results))
    for key in sorted(k for k in results if k.startswith("routing_workers_")):
        parts.append(_routing_variant(key, results[key]))
    parts.append("## Chart\n\n![How cost grows with load](bench/load.svg)\n\n"
                 "Left: dossiers whose six routes are all delivered, against seconds since the "
                 "burst began (solid: ours; dashed: the raw plain-function loop of the same "
                 "run). Middle: p95 latency of the inbox and of the dossier status as "
                 "concurrent clients grow, ours against the raw SQL. Right: the pages' p95 at 1 "
                 "and 20 clients (crosses: raw SQL + template at 1 client), and the floor of "
                 "the same run at 20 clients.\n")
    if NOTES.exists():
        parts.append(NOTES.read_text("utf-8"))
    return "\n".join(parts)


HEADER = """# Benchmarks

Speed goals are **ratios measured in one run on the same machine**: our path against the raw
limit of the same work. Absolute times on a shared 2-core machine are noise; the ratios and
the targets below are what we hold ourselves to.

```sh
make bench-quick   # about 7 minutes: N = 200, routing runs capped at 60/30 s and extrapolated;
                   # leaves out workers, routing_cores, serving and first_route; then prints
                   # every ratio more than 20 % worse than in the committed results
make bench         # N = 1 000, runs capped at an hour, more runs per figure, and all the others
.venv/bin/python -m bench.run --quick --only routing_cores,serving,first_route  # one of them
.venv/bin/python -m bench.run --help   # one benchmark (--only), variants (--workers N)
```

Each run writes `bench/results.json` (every figure, samples and timelines) and this file;
the analysis at the end is `bench/NOTES.md`, written by hand from the figures.
PostgreSQL comes from `BENCH_DATABASE_URL` (default `postgresql://postgres@127.0.0.1:5432`,
trust auth); the large dataset of the latency benchmark is loaded once into database
`bench` and reused while its marker (seed, sizes, migration head) matches. SeaweedFS is
started on loopback like the tests do.
"""


def _machine(results: dict[str, Any]) -> str:
    m = results.get("machine", {})
    load = m.get("load_average_at_start")
    return (f"## This run\n\n- last invocation: **{results.get('mode')}** mode, started "
            f"{results.get('started_at')}, {results.get('duration_s', '?')} s in all\n"
            f"- machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('memory_gb')} GB; "
            f"Python {m.get('python')}, PostgreSQL {m.get('postgresql')}; "
            f"load average at start {load} (other work shares this machine)\n"
            f"- commit: {m.get('git_commit')} (plus the working tree)\n"
            f"- figures kept from each benchmark's latest run: {_provenance(results)}\n")


def _provenance(results: dict[str, Any]) -> str:
    """When and in which mode each benchmark in the file was measured."""
    items = [f"{key} ({value.get('mode')}, {str(value.get('measured_at'))[11:16]} UTC)"
             for key, value in results.items()
             if isinstance(value, dict) and "measured_at" in value]
    return ", ".join(items) or "none"


def _met(item: dict[str, Any]) -> str:
    targets = item.get("targets", [])
    return "<br>".join(f"{'✅' if t['met'] else '❌'} {t['target']}" for t in targets)


def _summary(results: dict[str, Any]) -> str:
    rows = []
    r = results.get("routing")
    if r:
        ours_cell = _s(r["ours"]["seconds_for_all"], r["ours"].get("extrapolated"))
        if r["ours"].get("extrapolated") and r["ours"].get("routes_delivered") is not None:
            ours_cell += (f"; {r['ours']['routes_delivered']}/{r['routes']} routes delivered "
                          f"when stopped at {r['deadline_s']:.0f} s")
        rows.append(("1. Routing, N = " + str(r["dossiers"]) + " × 6 partners", ours_cell,
                     _s(r["raw"]["seconds_for_all"], r["raw"].get("extrapolated")),
                     _x(r["ratio"]), _met(r)))
    lat = results.get("latency")
    if lat:
        for name, label in (("inbox", "2. Inbox p95"), ("status", "2. Dossier status p95"),
                            ("pipeline", "2. Pipeline p95")):
            item = lat.get(name)
            if item and item.get("floor"):
                rows.append((label + f" ({lat['dataset']['clients']} clients) against the "
                             "floor (bare FastAPI + `SELECT 1`, same load, run next)",
                             f"{item['ours']['p95_ms']} ms", f"{item['floor']['p95_ms']} ms "
                             f"(raw SQL {item['raw']['p95_ms']} ms, {_x(item['ratio_p95'])})",
                             _x(item["floor_ratio_p95"]), _met(item)))
            elif item:
                rows.append((label + f" ({lat['dataset']['clients']} clients)",
                             f"{item['ours']['p95_ms']} ms", f"{item['raw']['p95_ms']} ms",
                             _x(item["ratio_p95"]), _met(item)))
    rows += _pages_rows(results.get("pages"))
    up = results.get("uploads")
    if up:
        rows.append((f"3. Upload {up['size_mb']} MB", f"{up['ours_mb_per_s']} MB/s",
                     f"{up['raw_mb_per_s']} MB/s", _x(up["ratio"]), _met(up)))
        rows.append(("3. Server peak memory growth", f"{up['server_peak_memory_growth_mb']} MB",
                     "", "", ""))
    pdf = results.get("pdf")
    if pdf:
        rows.append(("4. PDF, full dossier", f"{pdf['ours_ms']} ms", f"{pdf['raw_ms']} ms",
                     _x(pdf["ratio"]), _met(pdf)))
    if r:
        renders = r["ours"]["renders"]
        rows.append(("4. Renders per version (routing)", str(renders["max_per_version"]),
                     "", "", "✅ 1" if renders["max_per_version"] == 1 else "❌ must be 1"))
    sub = results.get("submit")
    if sub:
        rows.append(("5. POST /submit p95, 1 client", f"{sub['ours']['p95_ms']} ms",
                     f"{sub['raw']['p95_ms']} ms", _x(sub["ratio_p95"]), _met(sub)))
    workers = results.get("workers")
    if workers:
        best = workers["median_dossiers_per_s"]
        rows.append(("6. Routing on 2 Prefect workers vs 1 (dossiers/s)",
                     f"{best['2']} (2 workers)", f"{best['1']} (1 worker)",
                     _x(workers["speed_up_2_vs_1"]),
                     f"limit ≈ {min(2, workers['cores'])}× on {workers['cores']} cores"))
    else:
        rows.append(_not_measured_row("6. Routing on 2 Prefect workers vs 1"))
    rows += _routing_cores_rows(results)
    rows += _serving_rows(results.get("serving"))
    first = results.get("first_route")
    if first:
        rows.append(("10. First dossier: warm submit → delivered p95 (embedded default)",
                     f"{first['warm']['p95_ms'] / 1000:.2f} s",
                     "cold: launch → first delivered "
                     f"{first['cold']['launch_to_first_delivered_s']} s",
                     "", _met(first)))
    hostile = results.get("hostile")
    if hostile:
        rows.append(("11. Hostile input, worst p99 (1 client)",
                     f"{hostile['worst']['p99_ms']} ms ({hostile['worst']['case']})", "", "",
                     _met(hostile)))
    lines = ["## Summary\n", "| benchmark | ours | raw | ratio | target |",
             "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _s(seconds: float | None, extrapolated: bool | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds:.1f} s" + (" (extrapolated)" if extrapolated else "")


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}×"


def _not_measured(title: str, only: str, took: str, also: str = "") -> str:
    """A section whose benchmark did not run: its title and the command that runs it alone."""
    return (title + f"Not measured in this run ({also}`python -m bench.run --quick --only "
            f"{only}`, {took}).\n")


def _not_measured_row(benchmark: str) -> tuple[str, ...]:
    """A line of the summary for a benchmark that did not run."""
    return (benchmark, "not measured in this run", "", "", "")


Section = Callable[[dict[str, Any]], str]  # the results -> a section of the report
Body = Callable[[str, dict[str, Any]], str]  # (title, one benchmark's results) -> the section


def _section(title: str, only: str, took: str, also: str = "") -> Callable[[Body], Section]:
    """A section written from `results[only]` by the function it decorates (given the title
    and that benchmark's results), or `_not_measured` where that benchmark did not run."""
    def decorate(body: Body) -> Section:
        @wraps(body)
        def section(results: dict[str, Any]) -> str:
            measured = results.get(only)
            return body(title, measured) if measured else _not_measured(title, only, took, also)
        return section
    return decorate


def _routing(results: dict[str, Any]) -> str:
    r = results["routing"]
    return "## 1. Routing throughput\n\n" + _routing_body(r)


def _routing_body(r: dict[str, Any]) -> str:
    ours, raw = r["ours"], r["raw"]
    raw_cap = r.get("raw_deadline_s", (r.get("deadline_s") or 0) / 2)
    capped = (f"A run still going after {r['deadline_s']:.0f} s (ours) or {raw_cap:.0f} s (raw) "
              "is stopped and extrapolated linearly from its completion rate; "
              if r.get("deadline_s") else "")
    return (f"{r['dossiers']} ready dossiers, each asking {r['partners_per_dossier']} partners "
            f"(all on the portal channel), submitted by {20} concurrent clients through "
            f"`POST /submit`; the clock stops when all {r['routes']} routes are `delivered`. "
            f"Raw: the same steps as plain functions in one process (submit service, "
            f"`ensure_version_pdf`, `claim_due`, `settle`). {capped}"
            f"Prefect workers: {r.get('workers') or 'none (routing in the API process)'}.\n\n"
            f"| | ours | raw |\n|---|---|---|\n"
            f"| time for all | {_s(ours['seconds_for_all'], ours.get('extrapolated'))} | "
            f"{_s(raw['seconds_for_all'], raw.get('extrapolated'))} |\n"
            f"| dossiers completed (measured) | {ours['completed']} | {raw['completed']} |\n"
            f"| routes delivered when the clock stopped | {ours.get('routes_delivered')} / "
            f"{r['routes']} | {raw.get('routes_delivered')} / {r['routes']} |\n"
            f"| dossiers per second | {ours.get('dossiers_per_s')} | "
            f"{raw.get('dossiers_per_s')} |\n"
            f"| PDF renders / versions delivered | {ours['renders']['renders']} / "
            f"{ours['renders']['versions_delivered']} | {raw['renders']['renders']} / "
            f"{raw['renders']['versions_delivered']} |\n\n"
            f"Ratio **{_x(r['ratio'])}** (target ≤ 1.3×). Warm-up before the burst (Prefect's "
            f"local server starting, the first flow run): {ours.get('warmup_s')} s, not "
            f"counted. `POST /submit` while routing runs in the same process: p95 "
            f"{ours['submit_under_burst']['p95_ms']} ms.\n")


def _routing_variant(key: str, r: dict[str, Any]) -> str:
    return (f"### Variant `{key}` (measured {r.get('measured_at')}, {r.get('mode')} mode, "
            "in a separate run)\n\n" + _routing_body(r))


def _latency(results: dict[str, Any]) -> str:
    lat = results["latency"]
    d = lat["dataset"]
    lines = [f"## 2. API latency at scale\n\nPostgreSQL holds {d['dossiers']:,} dossiers and "
             f"{d['routes']:,} routes. {d['clients']} concurrent clients (closed loop) against "
             "the app under uvicorn (one process); raw: the same SELECT statements the endpoint "
             "sent, recorded once per distinct request and replayed on "
             f"{d['clients']} direct connections. Warm-up passes are not counted.\n",
             "| endpoint | ours p50 / p95 / p99 (ms) | raw p50 / p95 / p99 (ms) | ratio p95 |"
             " SQL statements |", "|---|---|---|---|---|"]
    for name in ("inbox", "status", "pipeline"):
        item = lat.get(name)
        if not item:
            continue
        o, w = item["ours"], item["raw"]
        lines.append(f"| {name} | {o['p50_ms']} / {o['p95_ms']} / {o['p99_ms']} | "
                     f"{w['p50_ms']} / {w['p95_ms']} / {w['p99_ms']} | {_x(item['ratio_p95'])} |"
                     f" {item['statements_per_request']} |")
    comp = lat["pipeline"].get("computation", {}).get("single_client")
    if comp:
        lines.append(f"\nOne uncached pipeline computation, alone: median "
                     f"{comp['p50_ms']} ms (the endpoint serves the last one computed, at most "
                     "30 s old, and recomputes in the background).\n")
    floored = [(name, lat[name]) for name in ("inbox", "status") if lat.get(name, {}).get("floor")]
    if floored:
        lines.append("Against the floor of the stack: a bare FastAPI app whose one sync "
                     "endpoint runs `SELECT 1` through SQLAlchemy (`bench/floor.py`), served "
                     "the same way (uvicorn, one process, the bounded httptools protocol of "
                     "`dossier serve`), loaded with as many calls by as many clients right "
                     "after each endpoint. Server CPU per request from /proc.\n")
        lines += ["| endpoint | ours p50 / p95 / p99 (ms) | floor p50 / p95 / p99 (ms) | "
                  "ratio p95 | CPU ms/request, ours / floor | load average | target |",
                  "|---|---|---|---|---|---|---|"]
        for name, item in floored:
            o, f = item["ours"], item["floor"]
            load = item.get("load_average")
            lines.append(f"| {name} | {o['p50_ms']} / {o['p95_ms']} / {o['p99_ms']} | "
                         f"{f['p50_ms']} / {f['p95_ms']} / {f['p99_ms']} | "
                         f"{_x(item['floor_ratio_p95'])} | {o.get('cpu_ms_per_request')} / "
                         f"{f.get('cpu_ms_per_request')} | "
                         f"{', '.join(map(str, load)) if load else ''} | {_met(item)} |")
        lines.append("")
    else:
        floor = (lat.get("floor") or {}).get("ours")
        if floor:
            lines.append(f"The floor of the stack, the same load on a bare FastAPI app whose one "
                         f"sync endpoint runs `SELECT 1` through SQLAlchemy (`bench/floor.py`): "
                         f"p50 / p95 / p99 {floor['p50_ms']} / {floor['p95_ms']} / "
                         f"{floor['p99_ms']} ms. No endpoint on this stack, machine and load "
                         "can be faster.\n")
    lines.append("The schema is the migrated one: the inbox reads its page through the "
                 "partial index `ix_routes_partner_open` and its totals from the trigger-kept "
                 "`route_tallies` (migrations `e1a2b3c40005`, `e1a2b3c40006`).\n")
    return "\n".join(lines) + "\n"


PAGE_TITLES = {"inbox": "reviewer inbox `GET /reviewer`",
               "route": "reviewer route page `GET /reviewer/routes/{rid}`",
               "status": "founder status page `GET /founder/dossiers/{id}`",
               "staff": "staff dashboard `GET /staff`"}


def _pages_rows(pages: dict[str, Any] | None) -> list[tuple[str, ...]]:
    """One summary row per page: p95 at 20 clients against the floor, p50 at 1 against raw."""
    if not pages:
        return []
    rows = []
    floor = pages["floor"]["ours"]["p95_ms"]
    for name in PAGE_TITLES:
        item = pages.get(name)
        if not item:
            continue
        one, loaded = item["single"], item["loaded"]
        rows.append((f"7. Page: {PAGE_TITLES[name]}",
                     f"p95 {loaded['ours']['p95_ms']} ms ({pages['dataset']['clients']} "
                     f"clients); p50 {one['ours']['p50_ms']} ms (1 client)",
                     f"floor p95 {floor} ms; raw p50 {one['raw']['p50_ms']} ms",
                     f"{_x(loaded['ratio_to_floor_p95'])} floor; {_x(one['ratio_p50'])} raw",
                     _met(item)))
    return rows


def _pages(results: dict[str, Any]) -> str:
    pages = results["pages"]
    d = pages["dataset"]
    floor = pages["floor"]["ours"]
    lines = [f"## 7. Pages at scale\n\n`bench/pages.py`, measured {pages.get('measured_at')} "
             f"({pages.get('mode')} mode). PostgreSQL holds {d['dossiers']:,} dossiers and "
             f"{d['routes']:,} routes. Each page is logged in by the web session cookie (a "
             "session minted as the login does). Ours: the page through uvicorn (one process), "
             f"at 1 client and at {d['clients']} clients (closed loop). Raw at 1 client, per "
             "request: the SELECT statements the page sent (recorded once per distinct "
             "request, replayed in one transaction on a direct connection) plus the time to "
             "render the same template with the very context the view built (captured while "
             "recording; the median of 9 in-process renders). Ours and raw alternate request "
             "by request. The page's writes (the route page's access record and read marks) "
             "are not in raw. Floor: the bare FastAPI + `SELECT 1` app under the same "
             f"{d['clients']} clients in the same run: p50 / p95 {floor['p50_ms']} / "
             f"{floor['p95_ms']} ms, {floor['throughput_rps']} requests/s"
             + _floor_single(pages["floor"]) + ".\n",
             "| page | distinct requests | SQL statements | 1 client ours p50 / p95 (ms) | "
             "1 client raw p50 / p95 (ms) (SQL + template p50) | ratio p50 | "
             f"{d['clients']} clients p50 / p95 (ms), req/s | p95 / floor p95 |",
             "|---|---|---|---|---|---|---|---|"]
    for name in PAGE_TITLES:
        item = pages.get(name)
        if not item:
            continue
        one, loaded = item["single"], item["loaded"]["ours"]
        lines.append(
            f"| {PAGE_TITLES[name]} | {item['distinct_requests']} | "
            f"{item['statements_per_request']} | {one['ours']['p50_ms']} / "
            f"{one['ours']['p95_ms']} | {one['raw']['p50_ms']} / {one['raw']['p95_ms']} "
            f"({one['raw_sql']['p50_ms']} + {one['raw_render']['p50_ms']}) | "
            f"{_x(one['ratio_p50'])} | {loaded['p50_ms']} / {loaded['p95_ms']}, "
            f"{loaded['throughput_rps']} | {_x(item['loaded']['ratio_to_floor_p95'])} |")
    lines.append("\nTargets: p95 at 20 clients ≤ 1.5× the floor; at 1 client, p50 ≤ 2× raw "
                 "SQL + template.\n")
    return "\n".join(lines) + "\n"


def _floor_single(floor: dict[str, Any]) -> str:
    one = floor.get("single")
    if not one:
        return ""
    return (f"; at 1 client, p50 {one['ours']['p50_ms']} ms against "
            f"{one['raw']['p50_ms']} ms for its `SELECT 1` alone (what the stack itself costs "
            "a request: HTTP, uvicorn, FastAPI, a pooled session)")


def _uploads(results: dict[str, Any]) -> str:
    up = results["uploads"]
    return (f"## 3. Uploads\n\nA {up['size_mb']} MB PDF-shaped file, new bytes each run, through "
            "`POST /dossiers/{id}/attachments` (multipart, streamed to disk, type sniffed, "
            "hashed, stored in SeaweedFS through the `minio` SDK), against `fput_object` of the "
            f"same file to the same server. Median of {up['runs']} runs each, interleaved.\n\n"
            f"| | ours (API) | raw (SDK put) |\n|---|---|---|\n"
            f"| throughput | {up['ours_mb_per_s']} MB/s | {up['raw_mb_per_s']} MB/s |\n"
            f"| seconds per run | {up['ours_seconds']} | {up['raw_seconds']} |\n\n"
            f"Ratio **{_x(up['ratio'])}** (target ≥ 0.7×); the server's peak RSS grew by "
            f"**{up['server_peak_memory_growth_mb']} MB** at most (target ≤ 64 MB; the "
            "kernel's peak-RSS counter, reset before each upload).\n")


def _pdf(results: dict[str, Any]) -> str:
    pdf = results["pdf"]
    return (f"## 4. PDF\n\nThe full dossier (every field of the spec, 3 founders, 3 years of "
            f"history, 10 sources, 9 attachments listed): `render_dossier_pdf` (template, "
            "safe URL fetcher, cached stylesheet) against WeasyPrint alone on the same HTML and "
            f"stylesheet. Median of {pdf['runs']} interleaved runs: ours {pdf['ours_ms']} ms, "
            f"bare {pdf['raw_ms']} ms, ratio **{_x(pdf['ratio'])}** (target ≤ 1.2×). Renders "
            "per version during the routing benchmark: see section 1 (must be 1).\n")


def _submit(results: dict[str, Any]) -> str:
    sub = results["submit"]
    o, w = sub["ours"], sub["raw"]
    return (f"## 5. Submit path\n\n`POST /submit` for {sub['dossiers']} ready dossiers, one "
            "client, routing not running (the endpoint commits the version, routes, deliveries "
            "and outbox row, then hands the version id to the dispatcher). Raw: the same "
            "service in one transaction, in process.\n\n"
            f"| | p50 | p95 | p99 |\n|---|---|---|---|\n"
            f"| ours | {o['p50_ms']} ms | {o['p95_ms']} ms | {o['p99_ms']} ms |\n"
            f"| raw | {w['p50_ms']} ms | {w['p95_ms']} ms | {w['p99_ms']} ms |\n\n"
            f"Target p95 ≤ 50 ms: {_met(sub)}.\n")


def _hostile(results: dict[str, Any]) -> str:
    h = results["hostile"]
    lines = ["## 11. Hostile input\n",
             f"`bench/hostile.py`: one client sends each body {h['requests_per_case']} times "
             "to the app (uvicorn, PostgreSQL); every answer is checked (status, the field "
             "named) and nothing may be stored. The reference is an ordinary draft save.\n",
             "| body | bytes | p50 / p95 / p99 (ms) |", "|---|---|---|"]
    lines += [f"| {c['case']} | {c['bytes']:,} | {c['p50_ms']} / {c['p95_ms']} / "
              f"{c['p99_ms']} |" for c in h["cases"]]
    lines.append(f"\nWorst p99: **{h['worst']['p99_ms']} ms** ({h['worst']['case']}); "
                 f"target: {_met(h)}.\n")
    return "\n".join(lines)


@_section("## 6. Routing on 1 and 2 Prefect workers\n\n",
          "workers", "a few minutes", also="`make bench`, or ")
def _workers(title: str, w: dict[str, Any]) -> str:
    rounds = w["rounds"]
    lines = [title + f"`bench/workers.py`: a cluster as `docs/production.md` sets it up "
             "(Prefect server and the application on PostgreSQL, SeaweedFS, `dossier deploy`, "
             f"`dossier serve`). Each round submits {rounds[0]['dossiers']} dossiers of six "
             "partners with routing held, starts 1 or 2 `dossier worker` processes, and times "
             "the API's dispatcher triggering batch runs (up to "
             f"{w['batch']} deliveries each) until every route is delivered. CPU is sampled "
             "from /proc; transactions from `pg_stat_database` of the Prefect database. "
             f"Measured {w.get('measured_at')} ({w.get('mode')} mode).\n",
             "| workers | seconds | dossiers/s | flow runs | worker CPU ms/dossier | "
             "Prefect server CPU ms/dossier | Prefect DB transactions/dossier | "
             "load avg before |", "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['workers']} | {r['seconds']} | {r['dossiers_per_s']} | {r['flow_runs']} | "
              f"{r['worker_cpu_ms_per_dossier']} | {r['prefect_server_cpu_ms_per_dossier']} | "
              f"{r['prefect_db_transactions_per_dossier']} | {r['load_avg_before']} |"
              for r in rounds]
    best = w["median_dossiers_per_s"]
    per_count = len(rounds) // 2
    lines.append(f"\n1 → 2 workers: {best['1']} → {best['2']} dossiers/s (median of "
                 f"{per_count} round{'s' if per_count != 1 else ''} each), "
                 f"**{_x(w['speed_up_2_vs_1'])}**; the limit is about "
                 f"{min(2, w['cores'])}× on this machine's {w['cores']} cores (a worker renders "
                 "PDFs, CPU-bound, one flow run at a time).\n")
    return "\n".join(lines) + "\n"


@_section("## 9. Serving processes: 1 and 2 (`dossier serve --workers N`)\n\n",
          "serving", "a few minutes")
def _serving(title: str, s: dict[str, Any]) -> str:
    lines = [title + f"`bench/serving.py`: {s['clients']} closed-loop clients, a mix in equal "
             "parts of the API inbox, a dossier's status and the reviewer inbox page, "
             f"{s['requests_per_round']} requests a round; PostgreSQL on the 100 000-dossier "
             "dataset, SQLite on a smaller one (400 dossiers, 2 000 routes). CPU: every "
             f"serving process, from /proc. Measured {s.get('measured_at')} "
             f"({s.get('mode')} mode).\n",
             "| database | processes | req/s | p50 | p95 | inbox p95 | status p95 | "
             "page p95 | server CPU ms/request | load avg before |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name in ("sqlite", "postgresql"):
        item = s.get(name)
        if not item:
            continue
        for rounds in item["rounds"].values():
            lines += [f"| {name} | {r['processes']} | {r['throughput_rps']} | "
                      f"{r['all']['p50_ms']} ms | {r['all']['p95_ms']} ms | "
                      f"{r['inbox']['p95_ms']} ms | {r['status']['p95_ms']} ms | "
                      f"{r['page']['p95_ms']} ms | {r['server_cpu_ms_per_request']} | "
                      f"{r['load_average_before']} |" for r in rounds]
    lines.append("")
    for name in ("sqlite", "postgresql"):
        item = s.get(name)
        if item:
            lines.append(f"- {name}: 1 → 2 processes, throughput **{_x(item['throughput_ratio'])}**"
                         f" (best round of each); {_met(item)}")
    return "\n".join(lines) + "\n"


def _serving_rows(s: dict[str, Any] | None) -> list[tuple[str, ...]]:
    """Benchmark 9's lines of the summary: 2 serving processes against 1, per database."""
    if not s:
        return [_not_measured_row("9. Serving on 2 processes vs 1")]
    return [(f"9. Serving on 2 processes vs 1, {name} (req/s, 20 clients)",
             f"{s[name]['processes_2']['throughput_rps']} (2 processes)",
             f"{s[name]['processes_1']['throughput_rps']} (1 process)",
             _x(s[name]["throughput_ratio"]), _met(s[name]))
            for name in ("sqlite", "postgresql") if s.get(name)]


@_section("## 10. The first dossier routed at once (`make run`, embedded default)\n\n",
          "first_route", "a few minutes")
def _first_route(title: str, f: dict[str, Any]) -> str:
    cold, warm, first = f["cold"], f["warm"], f["first_serve"]
    return (title + "`bench/first_route.py`: `dossier db upgrade`, `dossier demo`, then "
            "`dossier serve` on SQLite with its local Prefect server; a first serve creates "
            "Prefect's database and the drafts, the measured one follows (installed). "
            f"Dossiers ask one portal partner ({f['partner']}). Measured "
            f"{f.get('measured_at')} ({f.get('mode')} mode), load average {f['load_average']}."
            "\n\n| | seconds |\n|---|---|\n"
            f"| launch → `/api/v1/health` 200 | {cold['health_s']} |\n"
            f"| launch → local Prefect server ready | {cold.get('prefect_ready_s')} |\n"
            "| first submission (sent at health 200) → delivered | "
            f"{cold['first_submission_to_delivered_s']} |\n"
            f"| launch → first dossier delivered | {cold['launch_to_first_delivered_s']} |\n"
            f"| first serve ever: → health 200 / → Prefect ready | {first['health_s']} / "
            f"{first.get('prefect_ready_s')} |\n\n"
            f"Warm, {warm['n']} sequential submissions, POST → route `delivered`: p50 "
            f"{warm['p50_ms'] / 1000:.2f} s, p95 **{warm['p95_ms'] / 1000:.2f} s**; "
            f"{_met(f)}.\n")


def _routing_cores_rows(results: dict[str, Any]) -> list[tuple[str, ...]]:
    """Benchmark 7's lines of the summary."""
    c = results.get("routing_cores")
    if not c:
        return [_not_measured_row("8. Routing on every core (PDF processes)")]
    p, b, rates = c["processes"], c["burst"], c["burst"]["dossiers_per_s"]
    return [(f"8. Routing burst, {p} PDF processes vs in-process (dossiers/s)",
             f"{rates[f'ours_{p}']} ({p} processes)", f"{rates['ours_1']} (in-process)",
             _x(b["speedup"]), _met(c).split("<br>")[0]),
            (f"8. Routing burst with {p} PDF processes, time against raw in {p} processes",
             f"{rates[f'ours_{p}']} dossiers/s", f"{rates[f'raw_{p}']} dossiers/s",
             _x(b["ratio_pool"]), "<br>".join(_met(c).split("<br>")[1:])),
            (f"8. Renders alone, {p} processes vs 1 (renders/s)",
             f"{c['renders']['pool_per_s']}", f"{c['renders']['single_per_s']}",
             _x(c["renders"]["speedup"]), f"upper bound ≈ {p}×")]


@_section("## 8. Routing on every core: PDFs rendered in separate processes\n\n",
          "routing_cores", "about fifteen minutes")
def _routing_cores(title: str, c: dict[str, Any]) -> str:
    """Section 7: renders and a routing burst with PDFs in separate processes."""
    p, r, b = c["processes"], c["renders"], c["burst"]
    variants = ("ours_1", f"ours_{p}", "raw_1", f"raw_{p}")
    names = {"ours_1": "ours, in-process (PDF_PROCESSES=1)",
             f"ours_{p}": f"ours, PDF_PROCESSES={p}", "raw_1": "raw, 1 process",
             f"raw_{p}": f"raw, {p} processes"}
    memory = r["children"]
    after = memory.get("after_renders") or memory["per_process"]
    lines = [title + "`bench/routing_cores.py` (its docstring defines each figure). "
             f"Measured {c.get('measured_at')} ({c.get('mode')} mode); the variants of a round "
             "run one after the other, rounds repeat, and the load average before each is "
             "given: other work shares these cores, so read the ratios.\n",
             f"**Renders alone** ({r['count']} full dossiers, rounds: {r['rounds']}): "
             f"{r['single_per_s']} renders/s in one process, {r['pool_per_s']} with {p} "
             f"processes: **{_x(r['speedup'])}** (per round {r['speedup_per_round']}; "
             f"load average {r['load_average']}). CPU per render: "
             f"{r['cpu_ms_per_render']['single']} ms in-process, "
             f"{r['cpu_ms_per_render']['pool']} ms in a child. Memory per PDF process: "
             + ", ".join(f"RSS {m.get('rss_mb')} MB / PSS {m.get('pss_mb')} MB" for m in after)
             + " (PSS counts the pages shared with the fork server once).\n",
             f"**Routing burst** ({c.get('dossiers', 30)} dossiers × 6 "
             "partners per variant, submitted through the API by 20 clients; dossiers/s, "
             "each round's load average in brackets):\n",
             "| round | " + " | ".join(names[v] for v in variants) + " |",
             "|---|" + "---|" * len(variants)]
    for number, row in enumerate(b["rounds"], 1):
        cells = [f"{row[v]['dossiers_per_s']}"
                 + (" (extrapolated)" if row[v]["extrapolated"] else "")
                 + f" [{row[v]['load_average']}]" for v in variants]
        lines.append(f"| {number} | " + " | ".join(cells) + " |")
    rates = b["dossiers_per_s"]
    lines.append(
        "| median | " + " | ".join(str(rates[v]) for v in variants) + " |\n\n"
        f"With {p} PDF processes against in-process: **{_x(b['speedup'])}** (per round "
        f"{b['speedup_per_round']}; raw {_x(b['raw_speedup'])}). Time against raw in as many "
        f"processes: **{_x(b['ratio_pool'])}** with {p} (per round "
        f"{b['ratio_pool_per_round']}), **{_x(b['ratio_single'])}** with 1. One render per "
        f"version: {'yes' if b['one_render_per_version'] else 'NO'}. `POST /submit` p95 during "
        "the burst, in-process → PDF processes, per round: "
        + ", ".join(f"{row['ours_1'].get('submit_p95_ms')} → "
                    f"{row[f'ours_{p}'].get('submit_p95_ms')} ms" for row in b["rounds"])
        + f". Targets: {_met(c)}.\n")
    return "\n".join(lines) + "\n"


def write_chart(results: dict[str, Any], path: Path) -> None:
    """Two panels: routing completions over time; p95 against concurrent clients."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right, third) = plt.subplots(1, 3, figsize=(16, 4.2))
    for key, colour in (("routing", "C0"), ("routing_workers_1", "C3"),
                        ("routing_workers_2", "C4")):
        r = results.get(key)
        if not r:
            continue
        label = "ours" if key == "routing" else key.replace("routing_", "").replace("_", " ")
        for side, style in (("ours", "-"), ("raw", "--")):
            points = r[side].get("timeline") or []
            if points:  # each variant ran with its own raw loop, under its own load
                left.plot([p[1] for p in points], [p[0] for p in points], style, color=colour,
                          label=label if side == "ours" else f"raw, same run as {label}")
    left.set_xlabel("seconds since the burst")
    left.set_ylabel("dossiers fully delivered")
    left.set_title("Routing")
    left.legend(fontsize=8)
    sweep = (results.get("latency") or {}).get("sweep") or {}
    for (name, series), colour in zip(sweep.items(), ("C0", "C1"), strict=False):
        clients = [p["clients"] for p in series]
        right.plot(clients, [p["ours_p95_ms"] for p in series], "-o", color=colour,
                   label=f"{name} (ours)")
        right.plot(clients, [p["raw_p95_ms"] for p in series], "--o", color=colour,
                   label=f"{name} (raw SQL)")
    floor = ((results.get("latency") or {}).get("floor") or {}).get("ours")
    if sweep and floor:
        clients = results["latency"]["dataset"]["clients"]
        right.plot([clients], [floor["p95_ms"]], "s", color="C2",
                   label="floor: bare FastAPI + SELECT 1")
    right.set_xlabel("concurrent clients")
    right.set_ylabel("p95 latency (ms)")
    right.set_title("API latency")
    if sweep:
        right.legend(fontsize=8)
    _pages_panel(third, results.get("pages"))
    fig.tight_layout()
    fig.savefig(path, format=path.suffix.lstrip(".") or "svg",
                metadata={"Date": None} if path.suffix == ".svg" else None)
    plt.close(fig)


def _pages_panel(axis: Any, pages: dict[str, Any] | None) -> None:
    """p95 of each page at 1 and 20 clients, raw at 1 client, and the floor at 20."""
    axis.set_title("Pages at scale")
    axis.set_xlabel("concurrent clients")
    axis.set_ylabel("p95 latency (ms)")
    if not pages:
        return
    clients = pages["dataset"]["clients"]
    for (name, title), colour in zip(PAGE_TITLES.items(), ("C0", "C1", "C3", "C4"),
                                     strict=True):
        item = pages.get(name)
        if not item:
            continue
        axis.plot([1, clients], [item["single"]["ours"]["p95_ms"],
                                 item["loaded"]["ours"]["p95_ms"]], "-o", color=colour,
                  label=title.split(" `")[0])
        axis.plot([1], [item["single"]["raw"]["p95_ms"]], "x", color=colour)
    axis.plot([clients], [pages["floor"]["ours"]["p95_ms"]], "s", color="C2",
              label="floor: bare FastAPI + SELECT 1")
    axis.set_yscale("log")
    axis.legend(fontsize=8)

"""Timing, percentiles, the machine's description and the results file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
RESULTS = BENCH_DIR / "results.json"
VAR = ROOT / "var" / "bench"


def log(message: str) -> None:
    """Progress on stderr, with the time since the run started."""
    print(f"[bench {time.monotonic() - _START:7.1f}s] {message}", flush=True)


_START = time.monotonic()


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    data = sorted(values)
    if not data:
        return float("nan")
    if len(data) == 1:
        return data[0]
    rank = (len(data) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (rank - low)


def latency_summary(seconds: list[float]) -> dict[str, float]:
    """p50/p95/p99 and mean of latencies, in milliseconds."""
    return {"n": len(seconds),
            "p50_ms": round(percentile(seconds, 50) * 1000, 2),
            "p95_ms": round(percentile(seconds, 95) * 1000, 2),
            "p99_ms": round(percentile(seconds, 99) * 1000, 2),
            "mean_ms": round(statistics.fmean(seconds) * 1000, 2) if seconds else None}


def median_of(runs: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    """Run `measure` several times; its median and every sample."""
    samples = [measure() for _ in range(runs)]
    return statistics.median(samples), samples


def ratio(ours: float | None, raw: float | None) -> float | None:
    """ours / raw, rounded; None when either is missing."""
    if not ours or not raw:
        return None
    return round(ours / raw, 3)


def target(met: bool | None, text: str) -> dict[str, Any]:
    """A target and whether this run met it."""
    return {"target": text, "met": met}


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem_gb = round(kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem_gb,
            "python": platform.python_version(), "os": platform.platform(),
            "postgresql": _postgres_version(), "load_average_at_start": _loadavg(),
            "git_commit": _git_commit()}


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True, timeout=5, check=False)
        return out.stdout.strip() or None
    except OSError:
        return None


def _postgres_version() -> str | None:
    from bench.database import server_version

    try:
        return server_version()
    except Exception:  # the report says so; the PostgreSQL benchmarks will fail clearly
        return None


def read_results(path: Path = RESULTS) -> dict[str, Any]:
    """The last results file, or an empty one."""
    if path.exists():
        return json.loads(path.read_text("utf-8"))
    return {}


def write_results(results: dict[str, Any], path: Path = RESULTS) -> None:
    """Write the results file (pretty, stable key order)."""
    path.write_text(json.dumps(results, indent=2, sort_keys=False, default=str) + "\n", "utf-8")


def stamp() -> str:
    """Now, for the results file."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_peak_rss(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS since the last reset) of a process, in bytes."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) * 1024
    return fields.get("VmRSS", 0), fields.get("VmHWM", 0)


def reset_peak_rss(pid: int) -> bool:
    """Reset the kernel's peak-RSS counter of a process (Linux ≥ 4.0); False if refused."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False

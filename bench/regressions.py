"""Which ratios got worse than the committed ones: a report after each run, never a failure.

Every ratio of bench/results.json (keys `ratio`, `ratio_*`, `*_ratio`, `speed_up*`) is
compared with the same ratio in the file as last committed (`git show HEAD:…`, or the file
as it was before the run when git is absent). Most ratios are ours against a raw limit, so
higher is worse; a few are speed-ups or throughput shares, where lower is worse.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

from bench.common import RESULTS, ROOT

THRESHOLD = 0.20  # more than 20 % worse is reported
HIGHER_IS_BETTER = ("speed_up", "speedup", "throughput_ratio", "uploads.ratio")


def committed_results() -> dict[str, Any] | None:
    """bench/results.json as last committed, or None outside a git checkout."""
    try:
        out = subprocess.run(["git", "show", f"HEAD:{RESULTS.relative_to(ROOT)}"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return None
    return json.loads(out.stdout) if out.returncode == 0 and out.stdout.strip() else None


def ratios(tree: Any, path: str = "") -> Iterator[tuple[str, float]]:
    """Every (dotted path, value) of a ratio in a results tree; samples and timelines skipped."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            where = f"{path}.{key}" if path else key
            if isinstance(value, int | float) and not isinstance(value, bool) \
                    and _is_ratio(key):
                yield where, float(value)
            elif isinstance(value, dict):
                yield from ratios(value, where)


def _is_ratio(key: str) -> bool:
    return key == "ratio" or key.startswith(("ratio_", "speed_up", "speedup")) \
        or key.endswith("_ratio")


def worse_by(path: str, before: float, now: float) -> float:
    """How much worse `now` is than `before`, as a fraction (negative: better)."""
    if before <= 0 or now <= 0:
        return 0.0
    if any(marker in path for marker in HIGHER_IS_BETTER):
        return before / now - 1
    return now / before - 1


def compare(before: dict[str, Any], now: dict[str, Any], measured: set[str]
            ) -> list[dict[str, Any]]:
    """The ratios of the benchmarks measured in this run that got worse by > THRESHOLD."""
    old = dict(ratios(before))
    found = []
    for path, value in ratios({k: v for k, v in now.items() if k in measured}):
        if path not in old:
            continue
        change = worse_by(path, old[path], value)
        if change > THRESHOLD:
            bench = path.split(".", 1)[0]
            found.append({"ratio": path, "committed": old[path], "now": value,
                          "worse_pct": round(change * 100, 1),
                          "committed_mode": (before.get(bench) or {}).get("mode"),
                          "committed_at": (before.get(bench) or {}).get("measured_at")})
    return found


def report(before: dict[str, Any] | None, now: dict[str, Any], measured: set[str]) -> str:
    """The lines printed after a run."""
    if not before:
        return "regressions: no committed bench/results.json to compare with"
    found = compare(before, now, measured)
    compared = sum(1 for p, _ in ratios({k: v for k, v in now.items() if k in measured})
                   if p in dict(ratios(before)))
    if not found:
        return (f"regressions: none of the {compared} ratios compared got more than "
                f"{THRESHOLD:.0%} worse than the committed results")
    lines = [f"regressions: {len(found)} of {compared} ratios got more than "
             f"{THRESHOLD:.0%} worse than the committed results:"]
    for item in found:
        lines.append(f"  {item['ratio']}: {item['committed']:.3g} → {item['now']:.3g} "
                     f"({item['worse_pct']:.0f} % worse; committed figure: "
                     f"{item['committed_mode'] or '?'} run of {item['committed_at'] or '?'})")
    return "\n".join(lines)

"""`make bench-quick` reports every ratio that got more than 20 % worse than the committed one."""

from __future__ import annotations

from bench.regressions import compare, ratios, report

COMMITTED = {
    "latency": {"mode": "quick", "measured_at": "2026-11-27T08:41:56+00:00",
                "inbox": {"ratio_p95": 2.0, "ours": {"p95_ms": 200.0}},
                "status": {"ratio_p95": 1.2}, "sweep": {"inbox": [{"ratio": 9}]}},
    "uploads": {"ratio": 0.8},
    "workers": {"speed_up_2_vs_1": 1.9},
    "pdf": {"ratio": 1.0},
    "serving": {"sqlite": {"throughput_ratio": 1.4}},
}


def test_every_ratio_is_found_and_nothing_else():
    # Figures that are not ratios, and lists (samples, sweeps, timelines), are left out.
    assert dict(ratios(COMMITTED)) == {
        "latency.inbox.ratio_p95": 2.0, "latency.status.ratio_p95": 1.2,
        "uploads.ratio": 0.8, "workers.speed_up_2_vs_1": 1.9, "pdf.ratio": 1.0,
        "serving.sqlite.throughput_ratio": 1.4}


def test_worse_by_more_than_a_fifth_is_reported_in_both_directions():
    now = {"latency": {"inbox": {"ratio_p95": 2.5}, "status": {"ratio_p95": 1.4}},
           "uploads": {"ratio": 0.6}, "workers": {"speed_up_2_vs_1": 1.8},
           "pdf": {"ratio": 0.5}, "serving": {"sqlite": {"throughput_ratio": 1.0}}}
    found = {item["ratio"]: item for item in compare(COMMITTED, now, set(now))}
    # inbox 2.0 -> 2.5 is 25 % worse; uploads' share 0.8 -> 0.6 is 33 % worse (higher is
    # better), 2 serving processes 1.4x -> 1.0x is 40 % worse; status +17 %, workers -5 %,
    # the PDF better: not reported.
    assert set(found) == {"latency.inbox.ratio_p95", "uploads.ratio",
                          "serving.sqlite.throughput_ratio"}
    assert found["latency.inbox.ratio_p95"]["worse_pct"] == 25.0
    assert found["latency.inbox.ratio_p95"]["committed_mode"] == "quick"


def test_only_the_benchmarks_of_this_run_are_compared():
    now = {"latency": {"inbox": {"ratio_p95": 9.0}}, "pdf": {"ratio": 1.0}}
    assert compare(COMMITTED, now, {"pdf"}) == []
    assert "none of the 1 ratios" in report(COMMITTED, now, {"pdf"})


def test_the_report_names_each_regression_with_its_figures():
    now = {"latency": {"inbox": {"ratio_p95": 3.0}}}
    text = report(COMMITTED, now, {"latency"})
    assert "latency.inbox.ratio_p95: 2 → 3 (50 % worse" in text
    assert report(None, now, {"latency"}).startswith("regressions: no committed")

"""The indicator-figures benchmark runs end to end at a tiny size: it builds its data, measures
both dashboards beside the hand-written query, and its query counts hold at both sizes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks.indicator_figures import CHECKED, SUMMARY_HEADING
from tests.benchmark_runs import run_benchmark


@pytest.mark.benchmark_smoke
def test_the_indicator_figures_benchmark_runs_and_its_query_counts_hold(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = run_benchmark("benchmarks.indicator_figures", "--quick", "--json", str(out))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert SUMMARY_HEADING in done.stdout
    summary = done.stdout.split(SUMMARY_HEADING, 1)[1]
    assert "queries at 16 vs 80 indicators: same" in summary

    result = json.loads(out.read_text(encoding="utf-8"))["SQLite"]
    small, full = result["sizes"]
    # The --quick size, exactly: 20,000 values counting every breakdown part as one.
    assert (full["indicators"], full["values"]) == (80, 20_000)
    assert full["measurements"] + full["parts"] == 20_000 and full["parts"] > 0
    assert 0 < small["values"] < full["values"]
    assert 0 < full["plan_indicators"] < 80 and 0 < full["country_indicators"] <= 80
    for size in (small, full):
        for name, step in size["steps"].items():
            assert len(step["all"]) == 3, name
            assert all(math.isfinite(t) and t > 0 for t in step["all"]), name
    for name in CHECKED:
        assert small["steps"][name]["queries"] == full["steps"][name]["queries"] > 0, name

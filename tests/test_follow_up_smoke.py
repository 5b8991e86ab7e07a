"""The follow-up benchmark runs end to end at a tiny size: it builds its meetings, agreements
and cells, requests the grid and a country's page beside the hand-written queries, and its
query counts hold at both sizes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks.follow_up import COUNTRIES, SUMMARY_HEADING
from tests.benchmark_runs import run_benchmark


@pytest.mark.benchmark_smoke
def test_the_follow_up_benchmark_runs_and_its_query_counts_hold(tmp_path: Path) -> None:
    out = tmp_path / "follow-up.json"
    done = run_benchmark("benchmarks.follow_up", "--quick", "--json", str(out))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    summary = done.stdout.split(SUMMARY_HEADING, 1)[1]
    assert "query counts do not grow with the data" in summary

    small, full = json.loads(out.read_text(encoding="utf-8"))["SQLite"]["sizes"]
    assert (small["agreements"], full["agreements"]) == (50, 500)
    assert full["cells"] == 500 * COUNTRIES and full["meetings"] == 100
    for size in (small, full):
        for name, step in size["steps"].items():
            assert len(step["all"]) == 3, name
            assert all(math.isfinite(t) and t > 0 for t in step["all"]), name
    for name in ("grid.page", "country.page", "rule.figure"):
        assert small["steps"][name]["queries"] == full["steps"][name]["queries"] > 0, name

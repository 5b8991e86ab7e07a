"""The labour-demand benchmark runs end to end at small sizes, and both fits agree."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks.estimate import AGREEMENT, SUMMARY_HEADING
from tests.benchmark_runs import run_benchmark


@pytest.mark.benchmark_smoke
def test_the_estimation_benchmark_runs_and_matches_pysimlin(tmp_path: Path) -> None:
    out = tmp_path / "estimate.json"
    done = run_benchmark("benchmarks.estimate", "--quick", "--json", str(out))
    assert done.returncode == 0, done.stderr[-4000:]
    assert SUMMARY_HEADING in done.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [case["parameters"] for case in data["calibration"]] == [3, 6]
    for case in data["calibration"]:
        assert case["max_rel_diff"] <= AGREEMENT, case
        assert case["ours"]["ensembles"] >= 1 and case["simlin"]["model_runs"] > 0
        assert all(math.isfinite(case[e]["seconds"]) for e in ("ours", "simlin"))
        growth = case["ours"]["fitted"]["Output Growth Rate"]
        assert growth == pytest.approx(case["true"]["Output Growth Rate"], rel=0.05)
    assert data["bands"]["members"] == 200
    assert data["bands"]["max_rel_diff"] <= AGREEMENT

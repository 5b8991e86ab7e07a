"""The system-dynamics benchmark runs end to end at small sizes and writes its figures."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from benchmarks.sd_engine import AGREEMENT, ENGINES, SUMMARY_HEADING
from tests.benchmark_runs import run_benchmark

MODELS = {"game", "trig", "exp", "epidemic", "labour_market", "large"}


def timings(model: dict[str, Any]) -> list[float]:
    """Every median time and throughput of one model."""
    loops = [*model["ensembles"].values(), {"pysd": model["pysd_loop"]}]
    found = [model[key][engine]["median"] for key in ("load_s", "run_s") for engine in ENGINES]
    for loop in loops:
        for figures in loop.values():
            found += [figures["seconds"]["median"], figures["members_per_s"]]
    return found


@pytest.mark.benchmark_smoke
def test_the_engine_benchmark_runs_and_the_engines_agree(tmp_path: Path) -> None:
    out = tmp_path / "sd.json"
    done = run_benchmark("benchmarks.sd_engine", "--quick", "--json", str(out))
    assert done.returncode == 0, done.stderr[-4000:]
    assert SUMMARY_HEADING in done.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["models"]) == MODELS
    for name, model in data["models"].items():
        assert set(model["ensembles"]) == {"20", "50"}, name
        assert all(math.isfinite(t) and t > 0 for t in timings(model)), name
        for peer, agreement in model["agreement"].items():
            assert agreement["members"] > 0, (name, peer)
            assert agreement["max_rel_diff"] <= AGREEMENT, (name, peer)
    assert all(counts["passed"] > 0 for counts in data["conformance"].values())

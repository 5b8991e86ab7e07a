"""The tracking-matrix benchmark runs end to end at small sizes and prints its summary."""

from __future__ import annotations

import pytest

from benchmarks.tracking_matrix import SUMMARY_HEADING
from tests.benchmark_runs import run_benchmark


@pytest.mark.benchmark_smoke
def test_the_matrix_benchmark_runs_and_prints_its_summary():
    done = run_benchmark("benchmarks.tracking_matrix", "--quick")
    assert done.returncode == 0, done.stderr[-4000:]
    assert SUMMARY_HEADING in done.stdout
    summary = done.stdout.split(SUMMARY_HEADING, 1)[1]
    assert "export    2,000 rows" in summary and "import    5,000 rows" in summary
    assert "targets met" in summary

"""The reminders benchmark runs end to end at small sizes and prints its summary."""

from __future__ import annotations

import pytest

from benchmarks.reminders import SUMMARY_HEADING
from tests.benchmark_runs import run_benchmark


@pytest.mark.benchmark_smoke
def test_the_reminders_benchmark_runs_and_prints_its_summary():
    done = run_benchmark("benchmarks.reminders", "--quick")
    assert done.returncode == 0, done.stderr[-4000:]
    assert SUMMARY_HEADING in done.stdout
    summary = done.stdout.split(SUMMARY_HEADING, 1)[1]
    assert "job        200 people" in summary and "naive      200 people" in summary
    assert "job reads independent of the number of people" not in summary  # not missed
    assert "targets met" in summary

"""The indicator-template import benchmark runs end to end at a small size, finds no
problem in the template it fills, and keeps to a fixed number of queries."""

from __future__ import annotations

import re

import pytest

from benchmarks.indicator_import import SUMMARY_HEADING
from tests.benchmark_runs import run_benchmark


@pytest.mark.benchmark_smoke
def test_the_indicator_import_benchmark_runs_and_prints_its_summary():
    done = run_benchmark("benchmarks.indicator_import", "--quick")
    assert done.returncode == 0, done.stderr[-4000:]
    assert SUMMARY_HEADING in done.stdout
    summary = done.stdout.split(SUMMARY_HEADING, 1)[1]
    assert "import     2,000 values" in summary
    assert "0 problems" in done.stdout
    queries = re.search(r"([\d,]+) SQL queries", done.stdout)
    assert queries and int(queries.group(1).replace(",", "")) <= 20, done.stdout

"""The indicator-template import benchmark runs end to end at a small size, finds no
problem in the template it fills, and keeps to a fixed number of queries."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.indicator_import import SUMMARY_HEADING

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.benchmark_smoke
def test_the_indicator_import_benchmark_runs_and_prints_its_summary():
    # The benchmark builds its own throwaway database and picks its own settings.
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.indicator_import", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert SUMMARY_HEADING in done.stdout
    summary = done.stdout.split(SUMMARY_HEADING, 1)[1]
    assert "import     2,000 values" in summary
    assert "0 problems" in done.stdout
    queries = re.search(r"([\d,]+) SQL queries", done.stdout)
    assert queries and int(queries.group(1).replace(",", "")) <= 20, done.stdout

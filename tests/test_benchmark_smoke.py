"""The tracking-matrix benchmark runs end to end at small sizes and prints its summary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.tracking_matrix import SUMMARY_HEADING

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.benchmark_smoke
def test_the_matrix_benchmark_runs_and_prints_its_summary():
    # The benchmark builds its own throwaway database and picks its own settings.
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.tracking_matrix", "--quick"],
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
    assert "export    2,000 rows" in summary and "import    5,000 rows" in summary
    assert "targets met" in summary

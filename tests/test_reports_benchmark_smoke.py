"""The reports benchmark runs end to end at a tiny size: every format is written by Rumbo's
renderer and by the raw library, and the summary compares them."""

from __future__ import annotations

import re

import pytest

from tests.benchmark_runs import run_benchmark


@pytest.mark.benchmark_smoke
def test_the_reports_benchmark_writes_every_format_both_ways() -> None:
    done = run_benchmark(
        "benchmarks.reports",
        "--activities",
        "20",
        "--indicators",
        "2",
        "--periods",
        "2",
        "--repeat",
        "1",
    )
    assert done.returncode == 0, done.stderr[-4000:]
    summary = done.stdout.split("===== SUMMARY: reports benchmark =====", 1)[1]
    rows = {m[0]: m for m in re.findall(r"^(docx|pdf|xlsx)\s+([\d.]+)\s+([\d.]+)", summary, re.M)}
    assert set(rows) == {"docx", "pdf", "xlsx"}
    assert all(float(ours) > 0 and float(raw) > 0 for _f, ours, raw in rows.values())

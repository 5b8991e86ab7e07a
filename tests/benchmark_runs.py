"""Running a benchmark from a test, as a person would from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_benchmark(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m <module> <args>` from the project's root, with its output captured. The
    benchmark builds its own throwaway database and picks its own settings, so this test run's
    are not passed on."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

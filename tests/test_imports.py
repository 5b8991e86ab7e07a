"""Imports run one way: the contracts in pyproject.toml ([tool.importlinter]) hold.

The core imports no app; plans import neither the API nor follow-up (follow-up adds its part
of the activity page through rumbo.plans.extensions); the system-dynamics engine imports no
Django and no other part of Rumbo, and its modules import each other without a cycle.
"""

from __future__ import annotations

import subprocess  # nosec B404 # runs the import linter of this environment
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(  # nosec B603 # a fixed command, no user input
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout

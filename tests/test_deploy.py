"""Production settings: configured from the environment, `check --deploy` clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RUMBO_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "rumbo.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        RUMBO_SECRET_KEY="k" * 20 + "production-secret-from-the-environment-0123456789",
        RUMBO_ALLOWED_HOSTS="rumbo.example.org",
        DATABASE_URL="postgres://rumbo@db.example.org:5432/rumbo",
        RUMBO_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", RUMBO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "RUMBO_SECRET_KEY" in result.stderr

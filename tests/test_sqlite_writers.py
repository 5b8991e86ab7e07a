"""The embedded SQLite, as shipped, with several writers at once.

Web workers, commands and tasks write to the same SQLite file. Without WAL, a busy timeout
and transactions that take the write lock when they begin, some of them fail with "database
is locked" (a transaction that has read and then wants to write cannot wait for the lock).
Here several processes, each with the shipped settings and a database file of its own
(in-memory test databases never show it), make many audited changes at the same moment:
none may fail, and every change must be there afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 8
WRITES = 25  # per writer

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the embedded SQLite only; this run is on another"
)

SETUP = """
import django
django.setup()
from rumbo.organisations.models import Organisation, User
from rumbo.testing.factories import ActivityFactory, OrganisationFactory, PlanFactory, UserFactory

se = OrganisationFactory(code="SE-CRM", kind=Organisation.Kind.SECRETARIAT)
UserFactory(username="writer", role=User.Role.SECRETARIAT, organisation=se)
plan = PlanFactory(code="writers")
for n in range({writers}):
    ActivityFactory(plan=plan, code=f"W{{n}}")
"""

WRITER = """
import json, os, sys, time
import django
django.setup()
from django.db import OperationalError
from rumbo.organisations.models import User
from rumbo.plans.models import Activity
from rumbo.plans.services import activity_update

n, folder = int(sys.argv[1]), sys.argv[2]
actor = User.objects.get(username="writer")
open(os.path.join(folder, f"ready-{{n}}"), "w").close()
while not os.path.exists(os.path.join(folder, "go")):
    time.sleep(0.01)
done, locked, other = 0, 0, []
for i in range({writes}):
    try:
        activity = Activity.objects.get(plan__code="writers", code=f"W{{n}}")
        activity_update(
            actor=actor,
            activity=activity,
            data={{"notes_es": f"writer {{n}}, change {{i}}"}},
            expected_version=activity.version,
        )
        done += 1
    except OperationalError as exc:
        if "locked" in str(exc):
            locked += 1
        else:
            other.append(repr(exc))
    except Exception as exc:
        other.append(repr(exc))
print(json.dumps({{"done": done, "locked": locked, "other": other[:3]}}))
"""

CHECK = """
import json
import django
django.setup()
from rumbo.core.models import AuditEvent
from rumbo.plans.models import Activity

acts = Activity.objects.filter(plan__code="writers")
print(json.dumps({
    "versions": sorted(acts.values_list("version", flat=True)),
    "audited": AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_id__in=[str(a.pk) for a in acts]
    ).count(),
}))
"""


def env_for(folder: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RUMBO_", "DJANGO_"))}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "rumbo.settings",  # as shipped, not the test settings
        "RUMBO_DEBUG": "1",
        "RUMBO_VAR_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'rumbo.sqlite3'}",
    }


def run(args: list[str], env: dict[str, str], timeout: int = 120) -> str:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def python(code: str, env: dict[str, str], *args: str) -> str:
    return run(["-c", code, *args], env)


def test_concurrent_writers_on_the_shipped_sqlite_all_succeed(tmp_path):
    env = env_for(tmp_path)
    run(["manage.py", "migrate", "--no-input"], env, timeout=300)
    python(SETUP.format(writers=WRITERS), env)

    code = WRITER.format(writes=WRITES)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(n), str(tmp_path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < WRITERS:
        assert time.monotonic() < deadline, "the writers did not start"
        assert all(w.poll() is None for w in writers), [w.communicate() for w in writers]
        time.sleep(0.05)
    started = time.monotonic()
    (tmp_path / "go").touch()
    reports = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err[-3000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    seconds = time.monotonic() - started

    assert sum(r["locked"] for r in reports) == 0, reports
    assert [r["other"] for r in reports] == [[]] * WRITERS, reports
    assert sum(r["done"] for r in reports) == WRITERS * WRITES, reports
    landed = json.loads(python(CHECK, env).strip().splitlines()[-1])
    assert landed["versions"] == [1 + WRITES] * WRITERS
    assert landed["audited"] == WRITERS * WRITES
    print(f"{WRITERS} writers x {WRITES} audited changes in {seconds:.1f} s")

"""Daily reminder job benchmark: the email digest for thousands of people, beside the naive
way (each person's home page sections, one person at a time) measured in the same run.

    .venv/bin/python -m benchmarks.reminders [--users 2000] [--activities 20000] [--quick] [--keep]

Builds a throwaway SQLite database (real seeds + the synthetic dataset of
`benchmarks.synthetic`, plus synthetic people: focal points and working-group members of the
35 synthetic countries, the presidency, the secretariat, observers and civil society, half of
them reading in English). Mails go to Django's in-memory backend. Prints a summary with
PASS/MISS against the targets (the job under 60 s for 2,000 people; its queries the same for
half as many people) and exits 0 whatever the figures (non-zero only if something crashes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.tracking_matrix import configure, log

SUMMARY_HEADING = "===== SUMMARY: reminders benchmark ====="
TIME_TARGET = 60.0  # seconds for the whole job at 2,000 people
PEOPLE_PREFIX = "bench-person-"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def add_people(world: Any, start: int, stop: int, pattern: int) -> None:
    """Synthetic people `start`..`stop - 1`, spread over roles as a regional process has them:
    most are focal points and working-group members of the member countries. Person i is
    like person i mod `pattern` (same role, country, group and language)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from rumbo.organisations.models import Organisation, User

    kinds = Organisation.Kind
    secretariat = Organisation.objects.get(code="SE-CRM")
    observers = list(Organisation.objects.filter(kind=kinds.OBSERVER_ORG).order_by("code")[:5])
    civil = list(Organisation.objects.filter(kind=kinds.CIVIL_SOCIETY).order_by("code")[:2])
    unusable = make_password(None)
    people: list[User] = []
    groups: dict[int, int] = {}
    for n in range(start, stop):
        i = n % pattern
        country = world.countries[i % len(world.countries)]
        slot = i % 20
        if slot < 8:
            role, org = User.Role.FOCAL_POINT, country
        elif slot < 16:
            role, org = User.Role.WG_MEMBER, country
            groups[n] = world.groups[(i // len(world.countries)) % len(world.groups)].pk
        elif slot == 16:
            role, org = User.Role.PPT, world.countries[0]
        elif slot == 17:
            role, org = User.Role.SECRETARIAT, secretariat
        elif slot == 18:
            role, org = User.Role.OBSERVER, observers[i % len(observers)]
        else:
            role, org = User.Role.CIVIL_SOCIETY, civil[i % len(civil)]
        people.append(
            User(
                username=f"{PEOPLE_PREFIX}{n:05d}",
                email=f"{PEOPLE_PREFIX}{n:05d}@example.org",
                password=unusable,
                role=role,
                organisation=org,
                is_staff=role == User.Role.SECRETARIAT,
                preferred_language="en" if i % 2 else "es",
            )
        )
    with transaction.atomic():
        User.objects.bulk_create(people, batch_size=500)
        ids = dict(
            User.objects.filter(username__startswith=PEOPLE_PREFIX).values_list("username", "pk")
        )
        through = User.working_groups.through
        through.objects.bulk_create(
            [
                through(user_id=ids[f"{PEOPLE_PREFIX}{i:05d}"], body_id=group)
                for i, group in groups.items()
            ],
            batch_size=1000,
        )


def run_job(day: dt.date) -> dict[str, Any]:
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rumbo.reminders.services import digests_send

    mail.outbox = []
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        done = digests_send(today=day)
    return {
        "seconds": time.perf_counter() - started,
        "queries": len(queries),
        # Reads; the writes are the sent records, inserted in batches (a few hundred a query).
        "reads": sum(1 for q in queries.captured_queries if q["sql"].lstrip()[:6] == "SELECT"),
        "sent": done.sent,
        "recipients": done.recipients,
        "mails": len(mail.outbox),
    }


def run_naive() -> dict[str, Any]:
    """Each person's sections, one person at a time, as the home page computes them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from rumbo.indicators import home as indicators_home
    from rumbo.plans import home as plans_home
    from rumbo.reminders.digest import language_of
    from rumbo.reminders.selectors import digest_recipients
    from rumbo.tracking import home as tracking_home

    sections = [
        tracking_home.notes_waiting_section,
        tracking_home.returned_notes_section,
        indicators_home.values_waiting_section,
        plans_home.overdue_section,
        indicators_home.values_due_section,
    ]
    started = time.perf_counter()
    items = 0
    with CaptureQueriesContext(connection) as queries:
        for user in digest_recipients():
            with translation.override(language_of(user)):
                for section in sections:
                    found = section(user)
                    items += len(found.items) if found else 0
    return {"seconds": time.perf_counter() - started, "queries": len(queries), "items": items}


def run(users: int, activities: int, db: Path) -> int:
    configure(db)
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from benchmarks import synthetic
    from rumbo.reminders.digest import by_viewer
    from rumbo.reminders.selectors import digest_recipients
    from rumbo.seeds.loader import load_seeds

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    log(f"migrating {db}")
    call_command("migrate", verbosity=0, interactive=False)
    log("loading the real seeds")
    load_seeds()
    world = synthetic.build_world()
    log(f"adding {activities:,} synthetic activities")
    synthetic.add_activities(world, activities)
    today = timezone.localdate()
    half = users // 2
    add_people(world, 0, half, half)
    log(f"the job for {half:,} people")
    small = run_job(today)
    add_people(world, half, users, half)
    groups = len(by_viewer(list(digest_recipients())))
    log(f"the job for {users:,} people")
    ours = run_job(today + dt.timedelta(days=1))
    log(f"  {ours['seconds']:.1f} s, {ours['reads']} reads ({small['reads']} for {half:,})")
    log(f"the naive way for {users:,} people")
    naive = run_naive()

    checks: list[tuple[str, bool]] = []
    print(f"\n{SUMMARY_HEADING}")
    print(
        f"dataset: {users:,} people ({groups} groups who see the same), {activities:,} "
        f"synthetic activities, {len(world.countries)} countries, {len(world.groups)} groups; "
        "SQLite"
    )
    fast = ours["seconds"] < TIME_TARGET
    checks.append((f"job under {TIME_TARGET:g} s", fast))
    print(
        f"job     {users:>6,} people  {ours['seconds']:7.2f} s (target < {TIME_TARGET:g} s) "
        f"{verdict(fast)}  {ours['queries']:,} queries  {ours['sent']:,} mails "
        f"({ours['recipients']:,} recipients)"
    )
    same = small["reads"] == ours["reads"]
    checks.append(("job reads independent of the number of people", same))
    print(
        f"job     {half:>6,} people  {small['seconds']:7.2f} s  {small['queries']:,} queries, "
        f"{small['reads']:,} reads: reads {'the same' if same else 'different'} at {users:,} "
        f"({ours['reads']:,}; as many groups; writes are batched inserts) {verdict(same)}"
    )
    print(
        f"naive   {users:>6,} people  {naive['seconds']:7.2f} s  {naive['queries']:,} queries "
        f"(home sections per person); job is {naive['seconds'] / ours['seconds']:.1f}x faster, "
        f"{naive['queries'] / max(ours['queries'], 1):.1f}x fewer queries"
    )
    missed = [name for name, ok in checks if not ok]
    print(
        f"result: {len(checks) - len(missed)}/{len(checks)} targets met"
        + (f"; MISS: {'; '.join(missed)}" if missed else "")
    )
    print("=" * len(SUMMARY_HEADING))
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000, help="synthetic people (2,000)")
    parser.add_argument(
        "--activities", type=int, default=20000, help="synthetic activities (20,000)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 200 people, 2,000 activities"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.activities = 200, 2000
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="rumbo-bench-"))
    try:
        return run(args.users, args.activities, tmp / "bench.sqlite3")
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

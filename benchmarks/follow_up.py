"""Follow-up benchmark: the country follow-up grid of a body's agreements, a member country's
follow-up page and the computed indicator "countries reporting follow-up" at the scale the
CRM could reach (35 countries, 2,000 meetings, 10,000 agreements, 350,000 cells), beside the
hand-written SQL that reads the same rows, on SQLite and (with ``--postgres``) PostgreSQL.

    .venv/bin/python -m benchmarks.follow_up [--agreements 10000] [--repeat 20] [--quick] \
        [--postgres] [--json OUT] [--keep]

Each database is measured in a fresh child process that migrates a throwaway database,
loads the real seeds and adds the synthetic meetings, agreements and cells: first a tenth of
them, measured, then all, measured again. Pages are requested as a browser would (the test
client: middleware, view, template), signed in as a member of the secretariat (who sees
every record). The report gives median and p95, the SQL query count at both sizes and the
ratio to the hand-written queries. Exit code 1 if a query count grows with the data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.indicator_figures import (
    RESULT_MARK,
    configure,
    log,
    measure,
    start_postgres,
    stop_postgres,
)

SUMMARY_HEADING = "===== SUMMARY: follow-up benchmark ====="
P95_TARGET_MS = 300.0
COUNTRIES = 35
BODIES = 8
AGREEMENTS_PER_MEETING = 5
MEMBERS_ONLY_EVERY = 10  # one meeting in ten is behind closed doors
BODY_PREFIX = "bench-fu-"
STATUSES = ("none", "in_progress", "implemented", "not_reported")


# -- data -------------------------------------------------------------------------------------
def add_data(agreements: int, have: int) -> tuple[int, int, int]:
    """Grow the synthetic follow-up data to `agreements` agreements (and their meetings and
    a cell per country each): meetings spread over the bodies, a day apart. Returns
    (meetings, agreements, cells) added."""
    from django.db import transaction

    from benchmarks.synthetic import ensure_throwaway_database, synthetic_countries
    from rumbo.core.visibility import Visibility
    from rumbo.meetings.models import Agreement, FollowUp, Meeting
    from rumbo.organisations.models import Body
    from rumbo.testing.factories import BodyFactory

    ensure_throwaway_database()
    countries = synthetic_countries(COUNTRIES)
    bodies = [
        BodyFactory.create(
            code=f"{BODY_PREFIX}{n}",
            kind=Body.Kind.WORKING_GROUP,
            name_es=f"Grupo sintético {n}",
            name_en=f"Synthetic group {n}",
        )
        for n in range(1, BODIES + 1)
    ]
    first_meeting = have // AGREEMENTS_PER_MEETING
    last_meeting = agreements // AGREEMENTS_PER_MEETING
    day0 = dt.date(2015, 1, 1)
    members = Visibility.MEMBERS
    made = [0, 0, 0]
    with transaction.atomic():
        meetings = Meeting.objects.bulk_create(
            Meeting(
                code=f"bench-m{m}",
                body=bodies[m % BODIES],
                title=f"Reunión sintética {m}",
                title_es=f"Reunión sintética {m}",
                title_en=f"Synthetic meeting {m}",
                status=Meeting.Status.HELD,
                start_date=day0 + dt.timedelta(days=m),
                visibility=members if m % MEMBERS_ONLY_EVERY == 0 else Visibility.PUBLIC,
            )
            for m in range(first_meeting, last_meeting)
        )
        made[0] = len(meetings)
        for start in range(0, len(meetings), 200):
            chunk = meetings[start : start + 200]
            created = Agreement.objects.bulk_create(
                Agreement(
                    meeting=meeting,
                    code=f"R{n}",
                    order=n,
                    text=f"Recomendación sintética {meeting.code}-{n}",
                    text_es=f"Recomendación sintética {meeting.code}-{n}",
                    text_en=f"Synthetic recommendation {meeting.code}-{n}",
                )
                for meeting in chunk
                for n in range(1, AGREEMENTS_PER_MEETING + 1)
            )
            made[1] += len(created)
            cells = [
                FollowUp(
                    agreement=a,
                    country=c,
                    status=STATUSES[(a.pk + i) % len(STATUSES)],
                    evidence=f"Evidencia {a.pk}-{c.code}",
                    reported_on=day0 + dt.timedelta(days=(a.pk * 7 + i) % 4000),
                )
                for a in created
                for i, c in enumerate(countries)
            ]
            FollowUp.objects.bulk_create(cells, batch_size=5000)
            made[2] += len(cells)
    return made[0], made[1], made[2]


# -- what is measured -------------------------------------------------------------------------
def steps(user: Any) -> dict[str, Callable[[], Any]]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from rumbo.indicators import aggregation
    from rumbo.indicators.selectors import indicators_for

    client = Client()
    client.force_login(user)
    body = f"{BODY_PREFIX}1"
    with translation.override("es"):
        grid_url = reverse("body_follow_up", kwargs={"code": body})
        country_url = reverse("country_follow_up", kwargs={"code": "X01"})
    indicator = indicators_for(user).get(code="bench-fu-crf")

    def page(address: str) -> Callable[[], Any]:
        def get() -> Any:
            response = client.get(address)
            assert response.status_code == 200, (address, response.status_code)
            return response

        return get

    def sql(statements: list[str], params: list[tuple[Any, ...]]) -> Callable[[], Any]:
        def run() -> Any:
            with connection.cursor() as cursor:
                for statement, args in zip(statements, params, strict=True):
                    cursor.execute(statement, args)
                    cursor.fetchall()

        return run

    from rumbo.organisations.models import Body, Organisation

    body_id = Body.objects.get(code=body).pk
    country_id = Organisation.objects.get(code="X01").pk
    # The rows each page shows, read by hand: a page of the body's agreements with their
    # cells; the country's counts by status and a page of its agreements with its cell.
    page_ids = (
        "SELECT a.id FROM meetings_agreement a JOIN meetings_meeting m ON m.id = a.meeting_id "
        'WHERE m.body_id = %s ORDER BY m.start_date, a.meeting_id, a."order", a.id LIMIT 50'
    )
    grid = sql(
        [
            page_ids,
            f"SELECT f.agreement_id, f.country_id, f.status, f.reported_on "
            f"FROM meetings_followup f WHERE f.agreement_id IN ({page_ids})",
        ],
        [(body_id,), (body_id,)],
    )
    country = sql(
        [
            "SELECT status, COUNT(*) FROM meetings_followup WHERE country_id = %s GROUP BY status",
            "SELECT a.id, a.code, f.status, f.reported_on FROM meetings_agreement a "
            "JOIN meetings_meeting m ON m.id = a.meeting_id LEFT JOIN meetings_followup f "
            "ON f.agreement_id = a.id AND f.country_id = %s "
            'ORDER BY m.start_date DESC, a.meeting_id, a."order", a.id LIMIT 50',
        ],
        [(country_id,), (country_id,)],
    )
    rule = sql(
        [
            "SELECT country_id, MIN(reported_on) FROM meetings_followup "
            "WHERE status IN ('in_progress', 'implemented') AND reported_on IS NOT NULL "
            "GROUP BY country_id, CAST(strftime('%%Y', reported_on) AS integer)"
            if connection.vendor == "sqlite"
            else "SELECT country_id, MIN(reported_on) FROM meetings_followup "
            "WHERE status IN ('in_progress', 'implemented') AND reported_on IS NOT NULL "
            "GROUP BY country_id, EXTRACT(year FROM reported_on)"
        ],
        [()],
    )
    return {
        "grid.page": page(grid_url),
        "grid.baseline": grid,
        "country.page": page(country_url),
        "country.baseline": country,
        "rule.figure": lambda: aggregation.figures(user, [indicator]),
        "rule.baseline": rule,
    }


def rule_indicator() -> None:
    """An indicator computed by the rule "countries reporting follow-up", yearly."""
    from rumbo.indicators.models import Indicator
    from rumbo.testing.factories import PlanFactory

    if Indicator.objects.filter(code="bench-fu-crf").exists():
        return
    plan = PlanFactory.create(code="bench-fu-plan", period_start=2015, period_end=2026)
    Indicator.objects.create(
        plan=plan,
        code="bench-fu-crf",
        name_es="Países que reportan seguimiento",
        name_en="Countries reporting follow-up",
        reported_by=Indicator.Reporter.COMPUTED,
        rule="countries_reporting_follow_up",
        frequency="year",
    )


# -- a child process per database --------------------------------------------------------------
def child(args: argparse.Namespace) -> int:
    os.environ["RUMBO_ALLOWED_HOSTS"] = "testserver"  # the test client's host
    configure(args.child, Path(args.var_dir))
    warnings.filterwarnings("ignore", "Limit for query logging exceeded")
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import synthetic
    from rumbo.seeds.loader import load_seeds

    log(f"{connection.vendor}: migrating")
    call_command("migrate", verbosity=0, interactive=False)
    load_seeds()
    user = synthetic.bench_user()
    rule_indicator()
    result: dict[str, Any] = {"vendor": connection.vendor, "sizes": []}
    have = 0
    totals = [0, 0, 0]
    for size in (args.agreements // 10, args.agreements):
        log(f"{connection.vendor}: adding agreements up to {size:,}")
        start = time.perf_counter()
        added = add_data(size, have)
        totals = [t + a for t, a in zip(totals, added, strict=True)]
        have = size
        load_s = time.perf_counter() - start
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        log(f"{connection.vendor}: measuring ({args.repeat} runs each)")
        figures = measure(steps(user), args.repeat)
        for f in figures.values():
            f.pop("sql", None)
        result["sizes"].append(
            {
                "meetings": totals[0],
                "agreements": totals[1],
                "cells": totals[2],
                "load_s": load_s,
                "steps": figures,
            }
        )
    print(RESULT_MARK + json.dumps(result, default=str), flush=True)
    return 0


def run_child(url: str, args: argparse.Namespace, var_dir: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.follow_up", "--child", url]
    command += ["--var-dir", str(var_dir), "--agreements", str(args.agreements)]
    command += ["--repeat", str(args.repeat)]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(command, cwd=root, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed (exit {done.returncode})")
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return dict(json.loads(line[len(RESULT_MARK) :]))
    raise RuntimeError(f"{' '.join(command)} printed no result")


# -- report -----------------------------------------------------------------------------------
ROWS = [
    ("grid", "follow-up grid of a body (a page of 25 agreements)"),
    ("country", "a country's follow-up (counts + 50 agreements)"),
    ("rule", "indicator: countries reporting follow-up"),
]


def report(results: dict[str, dict[str, Any]]) -> bool:
    """Print each database's figures and the summary; return whether query counts held."""
    stable = True
    lines = []
    for name, result in results.items():
        small, full = result["sizes"]
        print(
            f"\n{name}: {full['meetings']:,} meetings, {full['agreements']:,} agreements, "
            f"{full['cells']:,} follow-up cells (small size first: {small['agreements']:,} "
            f"agreements; load {small['load_s']:.0f} s + {full['load_s']:.0f} s)"
        )
        print(
            f"   {'step':<50}{'median ms':>10}{'p95 ms':>9}{'base ms':>9}{'/ base':>8}"
            f"{'queries':>9}"
        )
        for key, label in ROWS:
            f = full["steps"][f"{key}.page" if key != "rule" else "rule.figure"]
            s = small["steps"][f"{key}.page" if key != "rule" else "rule.figure"]
            base = full["steps"][f"{key}.baseline"]["median"]
            grew = f["queries"] != s["queries"]
            stable = stable and not grew
            print(
                f"   {label:<50}{f['median']:>10.1f}{f['p95']:>9.1f}{base:>9.1f}"
                f"{f['median'] / base:>7.1f}x{s['queries']:>5}→{f['queries']}"
            )
            if key != "rule":
                ok = f["p95"] < P95_TARGET_MS
                lines.append(
                    f"{name:<11}{key:<8} p95 {f['p95']:7.1f} ms (target < {P95_TARGET_MS:g}) "
                    f"{'PASS' if ok else 'MISS'}; queries {s['queries']}→{f['queries']} "
                    f"{'GROWN' if grew else 'same'}"
                )
    print(f"\n{SUMMARY_HEADING}")
    print("\n".join(lines))
    print(f"query counts {'do not grow with the data' if stable else 'GROW with the data'}")
    print("=" * len(SUMMARY_HEADING))
    return stable


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.follow_up",
        description="Benchmark the follow-up grid, a country's follow-up and its indicator.",
    )
    parser.add_argument("--agreements", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per step")
    parser.add_argument("--quick", action="store_true", help="smoke run: 500 agreements, 3 runs")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.agreements, args.repeat = 500, 3
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child(args)
    tmp = Path(tempfile.mkdtemp(prefix="rumbo-bench-fu-"))
    results: dict[str, dict[str, Any]] = {}
    try:
        sqlite_dir = tmp / "sqlite"
        sqlite_dir.mkdir()
        results["SQLite"] = run_child(f"sqlite:///{sqlite_dir / 'bench.sqlite3'}", args, sqlite_dir)
        if args.postgres:
            pg_dir = Path(tempfile.mkdtemp(prefix="rumbo-bench-pg-"))
            try:
                results["PostgreSQL"] = run_child(start_postgres(pg_dir), args, tmp)
            finally:
                stop_postgres(pg_dir)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"Follow-up benchmark — python {sys.version.split()[0]}")
    stable = report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    return 0 if stable else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Indicator-figures benchmark: a plan's and a country's dashboard figures
(`rumbo.indicators.aggregation`) at regional scale, beside one hand-written SQL GROUP BY over
the same rows, on SQLite and (with ``--postgres``) on PostgreSQL.

    .venv/bin/python -m benchmarks.indicator_figures \
        [--indicators 2000] [--values 1000000] [--repeat 30] [--quick] [--postgres] \
        [--explain] [--json OUT] [--keep]

Each database is measured in a fresh child process (``--child URL``) that migrates a
throwaway database, loads the real seeds and then the synthetic data of
`benchmarks.indicator_data`: first a small size (a tenth of the indicators, with their
values), measured, then the full size, measured again. The report gives median and p95 of
each step, its SQL query count at both sizes and the ratio to the hand-written query. Exit
code: 1 if a query count grows with the data, 0 otherwise (timings are reported, not
asserted: machines vary). See README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULT_MARK = "BENCH-RESULT "
SUMMARY_HEADING = "===== SUMMARY: indicator figures benchmark ====="
P95_TARGET_MS = 200.0
RATIO_TARGET = 3.0
WARMUPS = 1
PG_DATABASE = "test_rumbo_bench"  # "test_": the synthetic generator writes only there


# -- set-up -----------------------------------------------------------------------------------
def configure(url: str, var_dir: Path) -> None:
    """Point Rumbo at the throwaway database, then start Django."""
    os.environ["DATABASE_URL"] = url
    os.environ["RUMBO_VAR_DIR"] = str(var_dir)
    os.environ["RUMBO_DEBUG"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "rumbo.settings"
    import django

    django.setup()


def log(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank


# -- what is measured -------------------------------------------------------------------------
def plan_indicators(user: Any, plan: Any) -> list[Any]:
    from rumbo.indicators.selectors import indicators_for

    return list(indicators_for(user).filter(plan=plan))


def country_indicators(user: Any, country_id: int, *, light: bool = False) -> list[Any]:
    """Every indicator the country has reported a value for (any status); `light`: as an
    overview reads them (nothing prefetched)."""
    from rumbo.indicators.selectors import indicators_for, values_queryset

    reported = values_queryset(user).filter(country_id=country_id).values("indicator_id")
    found = indicators_for(user).filter(pk__in=reported)
    return list(found.prefetch_related(None) if light else found)


BASELINE_SQL = (
    "SELECT indicator_id, period, SUM(value), SUM(numerator), SUM(denominator), AVG(value), "
    "COUNT(*) FROM indicators_measurement WHERE status = 'approved' AND indicator_id IN ({ids})"
    "{country} GROUP BY indicator_id, period"
)


def baseline(ids: list[int], country_id: int | None) -> Callable[[], Any]:
    """The hand-written query: one GROUP BY over the same approved rows."""
    from django.db import connection

    sql = BASELINE_SQL.format(
        ids=", ".join(["%s"] * len(ids)),
        country="" if country_id is None else " AND country_id = %s",
    )
    params = [*ids] + ([] if country_id is None else [country_id])

    def run() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def steps(user: Any, plan: Any, country: Any) -> dict[str, Callable[[], Any]]:
    """Every measured step, by name. A dashboard step reads its indicators too."""
    from rumbo.indicators import aggregation
    from rumbo.indicators.dashboards import overview_indicators, plan_dashboard
    from rumbo.indicators.dashboards_country import country_page

    plan_inds = plan_indicators(user, plan)
    country_inds = country_indicators(user, country.pk)

    def plan_board() -> Any:
        """The plan's dashboard page as its view builds it (activities, the first page of
        indicators in full: by period, country and sex), and the overview of every indicator
        of the plan (the table its download gives)."""
        return (
            plan_dashboard(user, plan),
            aggregation.overview(user, overview_indicators(user, plan)),
        )

    def country_board() -> Any:
        """The country's page as its view builds it (commitments, values reported, values
        missing), and every indicator it reports with its whole-plan figure for the country."""
        return (
            country_page(user, country),
            aggregation.overview(
                user, country_indicators(user, country.pk, light=True), country_id=country.pk
            ),
        )

    return {
        "plan.read": lambda: plan_indicators(user, plan),
        "plan.page": lambda: plan_dashboard(user, plan),
        "plan.overview": lambda: aggregation.overview(user, overview_indicators(user, plan)),
        "plan.figures": lambda: aggregation.figures(user, plan_inds),
        "plan.by_country": lambda: aggregation.by_country(user, plan_inds),
        "plan.dashboard": plan_board,
        "plan.baseline": baseline([i.pk for i in plan_inds], None),
        "country.read": lambda: country_indicators(user, country.pk),
        "country.page": lambda: country_page(user, country),
        "country.overview": lambda: aggregation.overview(user, country_inds, country_id=country.pk),
        "country.figures": lambda: aggregation.figures(user, country_inds, country_id=country.pk),
        "country.dashboard": country_board,
        "country.baseline": baseline([i.pk for i in country_inds], country.pk),
    }


def measure(named: dict[str, Callable[[], Any]], repeat: int) -> dict[str, Any]:
    """Wall time (ms) of `repeat` calls of each step after warm-ups (steps take turns, so a
    slow spell of the machine hits all of them), and the SQL of one more call."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for fn in named.values():
        for _ in range(WARMUPS):
            fn()
    times: dict[str, list[float]] = {name: [] for name in named}
    for _ in range(repeat):
        for name, fn in named.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000)
    out: dict[str, Any] = {}
    for name, fn in named.items():
        # The query log is a bounded deque: once full (the data load fills it), its length
        # stops growing and CaptureQueriesContext would count nothing. Empty it first.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            fn()
        out[name] = {
            "median": statistics.median(times[name]),
            "p95": p95(times[name]),
            "all": times[name],
            "queries": len(captured),
            "sql": [q["sql"] for q in captured.captured_queries],
        }
    return out


def explain(sqls: list[str]) -> list[dict[str, Any]]:
    """Each query's plan and its own time (median of 5 runs)."""
    from django.db import connection

    out = []
    for sql in sqls:
        if connection.vendor == "postgresql":
            prefix = "EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) "
        else:
            prefix = "EXPLAIN QUERY PLAN "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
            if connection.vendor == "postgresql":
                plan = "\n".join(r[0] for r in rows)
            else:
                plan = "\n".join(f"{r[0]:>3} {r[1]:>3} {r[-1]}" for r in rows)
            runs = []
            for _ in range(5):
                start = time.perf_counter()
                cursor.execute(sql)
                n = len(cursor.fetchall())
                runs.append((time.perf_counter() - start) * 1000)
        out.append({"sql": sql, "plan": plan, "ms": statistics.median(runs), "rows": n})
    return out


def analyze() -> None:
    """PostgreSQL: refresh the planner's statistics, as autovacuum does after a bulk load.
    SQLite: nothing (Rumbo never runs ANALYZE there, so neither does the benchmark)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def child(args: argparse.Namespace) -> int:
    var_dir = Path(args.var_dir)
    configure(args.child, var_dir)
    warnings.filterwarnings("ignore", "Limit for query logging exceeded")
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import indicator_data, synthetic
    from rumbo.organisations.models import Organisation
    from rumbo.seeds.loader import load_seeds

    log(f"{connection.vendor}: migrating")
    call_command("migrate", verbosity=0, interactive=False)
    log(f"{connection.vendor}: loading the real seeds")
    load_seeds()
    user = synthetic.bench_user()
    world = indicator_data.build_world()
    plan = world.plans[0]
    country = Organisation.objects.get(code="X01")
    result: dict[str, Any] = {"vendor": connection.vendor, "sizes": []}
    small = min(args.indicators, max(args.indicators // 10, 2 * indicator_data.PLANS))
    sizes = [small, args.indicators]
    counts = indicator_data.Counts()
    for size in sizes:
        log(f"{connection.vendor}: adding indicators up to {size:,} and their values")
        start = time.perf_counter()
        counts.add(indicator_data.add_indicators(world, size, args.indicators, args.values))
        load_s = time.perf_counter() - start
        analyze()
        named = steps(user, plan, country)
        log(f"{connection.vendor}: measuring at {size:,} indicators ({args.repeat} runs each)")
        figures = measure(named, args.repeat)
        result["sizes"].append(
            {
                "indicators": counts.indicators,
                "measurements": counts.measurements,
                "parts": counts.parts,
                "values": counts.values,
                "approved": counts.approved,
                "targets": counts.targets,
                "load_s": load_s,
                "plan_indicators": len(plan_indicators(user, plan)),
                "country_indicators": len(country_indicators(user, country.pk)),
                "steps": figures,
            }
        )
    full = result["sizes"][-1]["steps"]
    if args.explain:
        log(f"{connection.vendor}: explaining the dashboards' queries")
        result["explain"] = {
            name: explain(full[name]["sql"]) for name in ("plan.dashboard", "country.dashboard")
        }
    if not args.explain:
        for size in result["sizes"]:
            for figures in size["steps"].values():
                figures.pop("sql", None)
    print(RESULT_MARK + json.dumps(result, default=str), flush=True)
    return 0


def run_child(url: str, args: argparse.Namespace, var_dir: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.indicator_figures", "--child", url]
    command += ["--var-dir", str(var_dir), "--indicators", str(args.indicators)]
    command += ["--values", str(args.values), "--repeat", str(args.repeat)]
    if args.explain:
        command.append("--explain")
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    done = subprocess.run(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed (exit {done.returncode})")
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return dict(json.loads(line[len(RESULT_MARK) :]))
    raise RuntimeError(f"{' '.join(command)} printed no result:\n{done.stdout}")


# -- PostgreSQL -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_postgres(directory: Path) -> str:
    """A throwaway cluster on loopback (scripts/postgres.sh) with an empty benchmark
    database; returns its URL."""
    import psycopg

    done = subprocess.run(
        ["bash", "scripts/postgres.sh", "start", str(directory), str(free_port())],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    server = done.stdout.strip().rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    return f"{server}/{PG_DATABASE}"


def stop_postgres(directory: Path) -> None:
    subprocess.run(["bash", "scripts/postgres.sh", "stop", str(directory)], cwd=ROOT, check=False)


# -- report -----------------------------------------------------------------------------------
ROWS = [
    ("plan.read", "plan: indicators_for(user).filter(plan=...)"),
    ("plan.page", "plan: the page (plan_dashboard)"),
    ("plan.overview", "plan: overview of every indicator"),
    ("plan.figures", "plan: figures(user, inds), every period"),
    ("plan.by_country", "plan: by_country(user, inds)"),
    ("plan.dashboard", "plan: page + overview (two requests)"),
    ("plan.baseline", "plan: hand-written GROUP BY (baseline)"),
    ("country.read", "country: indicators it reports"),
    ("country.page", "country: the page (country_page)"),
    ("country.overview", "country: overview of its indicators"),
    ("country.figures", "country: figures(..., country_id=...)"),
    ("country.dashboard", "country: page + overview (two requests)"),
    ("country.baseline", "country: hand-written GROUP BY (baseline)"),
]
# What the targets judge: each request as a person makes it. The plan's page shows a page of
# indicators in full; its overview of every indicator is the table it downloads. The country's
# page shows its commitments, values and gaps (no overview: "country.overview" is measured as
# the figure a map or a download of all its indicators would read).
JUDGED = [
    ("plan.page", "plan dashboard page"),
    ("plan.overview", "plan overview download"),
    ("country.page", "country page"),
]
CHECKED = (
    "plan.page",
    "plan.overview",
    "plan.figures",
    "plan.by_country",
    "plan.dashboard",
    "country.page",
    "country.overview",
    "country.figures",
    "country.dashboard",
)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def dataset_text(size: dict[str, Any]) -> str:
    return (
        f"{size['indicators']:,} indicators, {size['values']:,} values = "
        f"{size['measurements']:,} measurements + {size['parts']:,} breakdown parts "
        f"({size['approved']:,} measurements approved), {size['targets']:,} targets"
    )


def print_database(name: str, result: dict[str, Any], repeat: int) -> None:
    small, full = result["sizes"]
    print(f"\n{name}: {dataset_text(full)}")
    print(
        f"   plan dashboard: {full['plan_indicators']:,} indicators of one plan; country "
        f"dashboard: {full['country_indicators']:,} indicators reported by X01"
    )
    print(f"   small size first: {dataset_text(small)}")
    print(
        f"   load: {small['load_s']:.0f} s + {full['load_s']:.0f} s; "
        f"{repeat} runs per step after {WARMUPS} warm-ups"
    )
    print(
        f"   {'step':<48}{'median ms':>10}{'p95 ms':>9}{'/ base':>8}"
        f"{'queries':>9}{'small: median':>15}"
    )
    for key, label in ROWS:
        f, s = full["steps"][key], small["steps"][key]
        base = full["steps"][f"{key.split('.')[0]}.baseline"]["median"]
        queries = f"{s['queries']}→{f['queries']}"
        print(
            f"   {label:<48}{f['median']:>10.1f}{f['p95']:>9.1f}{f['median'] / base:>7.1f}x"
            f"{queries:>9}{s['median']:>12.1f} ms"
        )


def print_explain(name: str, result: dict[str, Any]) -> None:
    for dashboard, queries in result.get("explain", {}).items():
        print(f"\n{name} — {dashboard}: each query, its own time (median of 5) and plan")
        for i, q in enumerate(queries, start=1):
            print(f"-- {i}. {q['ms']:.1f} ms, {q['rows']:,} rows")
            print(f"   {q['sql'][:600]}{' …' if len(q['sql']) > 600 else ''}")
            for line in q["plan"].splitlines():
                print(f"   | {line}")


def summary(results: dict[str, dict[str, Any]]) -> bool:
    """Print the summary; return whether every query count stayed the same."""
    print(f"\n{SUMMARY_HEADING}")
    stable = True
    met = total = 0
    for name, result in results.items():
        small, full = result["sizes"]
        steps = full["steps"]
        for key, label in JUDGED:
            d, base = steps[key], steps[f"{key.split('.')[0]}.baseline"]
            ratio = d["median"] / base["median"]
            fast, close = d["p95"] < P95_TARGET_MS, ratio <= RATIO_TARGET
            met += fast + close
            total += 2
            print(
                f"{name:<11}{label:<24} p95 {d['p95']:7.1f} ms (target < {P95_TARGET_MS:g}) "
                f"{verdict(fast)}   median {d['median']:7.1f} ms = {ratio:5.1f}x hand-written "
                f"{base['median']:.1f} ms (target <= {RATIO_TARGET:g}x) {verdict(close)}"
            )
        for dashboard in ("plan", "country"):  # two requests' work, for comparison
            d = steps[f"{dashboard}.dashboard"]
            print(
                f"{name:<11}{dashboard + ' page + overview':<24} p95 {d['p95']:7.1f} ms   "
                f"median {d['median']:7.1f} ms (not one request: for comparison only)"
            )
        grown = [
            f"{key} {small['steps'][key]['queries']}→{steps[key]['queries']}"
            for key in CHECKED
            if steps[key]["queries"] != small["steps"][key]["queries"]
        ]
        stable = stable and not grown
        counts = ", ".join(f"{key} {steps[key]['queries']}" for key in CHECKED)
        print(
            f"{name:<11}queries at {small['indicators']:,} vs {full['indicators']:,} indicators: "
            f"{'same' if not grown else 'GROWN: ' + '; '.join(grown)} ({counts}) "
            f"{verdict(not grown)}"
        )
    print(
        f"result: timing targets {met}/{total} met; query counts "
        f"{'do not grow with the data' if stable else 'GROW with the data (exit 1)'}"
    )
    print("=" * len(SUMMARY_HEADING))
    return stable


# -- main -------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.indicator_figures",
        description="Benchmark a plan's and a country's indicator dashboard figures.",
    )
    parser.add_argument("--indicators", type=int, default=2000)
    parser.add_argument(
        "--values", type=int, default=1_000_000, help="measurements + breakdown parts"
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per step")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 80 indicators, 20,000 values, 3 runs"
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also on PostgreSQL (a throwaway cluster from scripts/postgres.sh)",
    )
    parser.add_argument(
        "--postgres-only", action="store_true", help="PostgreSQL only (as --postgres, no SQLite)"
    )
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.indicators, args.values, args.repeat = 80, 20_000, 3
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child(args)
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="rumbo-bench-ind-"))
    results: dict[str, dict[str, Any]] = {}
    failed = False
    try:
        if not args.postgres_only:
            sqlite_dir = tmp / "sqlite"
            sqlite_dir.mkdir()
            url = f"sqlite:///{sqlite_dir / 'bench.sqlite3'}"
            results["SQLite"] = run_child(url, args, sqlite_dir)
        if args.postgres or args.postgres_only:
            # Its own directory under /tmp: the cluster runs as the postgres user, who may
            # not enter this process's private temporary directory.
            pg_dir = Path(tempfile.mkdtemp(prefix="rumbo-bench-pg-"))
            try:
                url = start_postgres(pg_dir)
                results["PostgreSQL"] = run_child(url, args, tmp)
            except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
                log(f"PostgreSQL not measured: {error}")
                failed = True
            finally:
                stop_postgres(pg_dir)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"Indicator figures benchmark — python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cpu(s); synthetic data: {indicator_data_text()}"
    )
    for name, result in results.items():
        print_database(name, result, args.repeat)
    if args.explain:
        for name, result in results.items():
            print_explain(name, result)
    stable = summary(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(f"(total {time.perf_counter() - started:.0f} s)")
    if failed:
        print("PostgreSQL could not be measured (see the messages above)")
    return 0 if stable and not failed else 1


def indicator_data_text() -> str:
    return (
        "8 plans of 2019–2026, quarterly; 35 countries X01..X35; units count 60% / percent "
        "25% / yes-no 15%; breakdowns by the seeded sex, age and migratory-status dimensions; "
        "88% of measurements approved"
    )


if __name__ == "__main__":
    sys.exit(main())

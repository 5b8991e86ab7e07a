"""Tracking-matrix benchmark: the matrix page, the Excel export and the import preview at
regional scale, each beside a baseline measured in the same run on the same machine.

    .venv/bin/python -m benchmarks.tracking_matrix \
        [--activities 20000] [--export-rows 20000,100000] [--repeat 3] [--quick] [--keep]

Builds a throwaway SQLite database in a temporary directory (real seeds + synthetic data from
`benchmarks.synthetic`), prints a table and a summary with PASS/MISS against the targets, and
exits 0 whatever the figures are (non-zero only if something crashes). See README.md.

Each export and import figure comes from a fresh child process
(``--measure KIND --rows N --db PATH --file PATH``) so that its peak memory belongs to that
step alone.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE_RUNS = 30
PAGE_WARMUPS = 3
PAGE_SIZE = 100
EXPORT_TIME_TARGET = 2.0  # ours / raw XlsxWriter
EXPORT_MEMORY_TARGET_MB = 300.0  # peak above the process's resting RSS...
EXPORT_MEMORY_TARGET_ROWS = 100_000  # ...at this many rows
IMPORT_TIME_TARGET = 3.0  # ours / raw openpyxl
RESULT_MARK = "BENCH-RESULT "
SUMMARY_HEADING = "===== SUMMARY: tracking matrix benchmark ====="
MEASURES = ("export", "export-raw", "import", "import-raw")


# -- set-up -----------------------------------------------------------------------------------
def configure(db_path: Path) -> None:
    """Point Rumbo at the throwaway database, then start Django (the environment must be set
    before settings are read)."""
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["RUMBO_VAR_DIR"] = str(db_path.parent)
    os.environ["RUMBO_DEBUG"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "rumbo.settings"
    # The test client's host, without installing the test environment (which would add
    # instrumented template rendering to the page timings).
    os.environ["RUMBO_ALLOWED_HOSTS"] = "testserver"
    # Keep the connection across requests, as a production server would.
    os.environ["RUMBO_DB_CONN_MAX_AGE"] = "600"
    import django

    django.setup()


def log(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


# -- memory -----------------------------------------------------------------------------------
def _proc_status_kb(key: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else None


class PeakMemory:
    """Peak resident memory of this process during a block, above its RSS when the block
    starts (so it counts C allocations too, unlike tracemalloc).

    On Linux the kernel's high-water mark (VmHWM) is reset at the start by writing 5 to
    /proc/self/clear_refs, so the peak belongs to the block alone; where that is not possible
    the process-wide ru_maxrss is used instead."""

    def __enter__(self) -> PeakMemory:
        gc.collect()
        self.before_kb = _proc_status_kb("VmRSS") or _maxrss_kb()
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self.method = "RSS high-water mark (VmHWM, reset at start) minus RSS at start"
        except OSError:
            self.method = "ru_maxrss minus RSS at start"
        return self

    def __exit__(self, *exc: object) -> None:
        peak = _maxrss_kb()
        if self.method.startswith("RSS high-water"):
            peak = _proc_status_kb("VmHWM") or peak
        self.peak_kb = peak
        self.delta_mb = max(peak - self.before_kb, 0) / 1024


def _maxrss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # kB on Linux


# -- child measurements -----------------------------------------------------------------------
def _user() -> Any:
    from benchmarks.synthetic import USERNAME
    from rumbo.organisations.models import User

    return User.objects.get(username=USERNAME)


def measure_export(n: int, path: Path) -> dict[str, Any]:
    """Rumbo's export of the first n matrix rows, as the export view does it."""
    from rumbo.tracking.matrix import MatrixFilters, matrix_queryset, rows
    from rumbo.tracking.xlsx.writer import write_matrix

    user = _user()
    with PeakMemory() as mem:
        start = time.perf_counter()
        qs = matrix_queryset(user, MatrixFilters())
        written = write_matrix(str(path), rows(user, qs, stop=n), lang="es", max_years=3)
        seconds = time.perf_counter() - start
    return _result(seconds, mem, rows=written, file_mb=path.stat().st_size / 2**20)


def measure_export_raw(n: int, path: Path) -> dict[str, Any]:
    """The same cells written straight with XlsxWriter in constant-memory mode. The cell
    values are computed before the measured part: this is the cost of writing alone."""
    import xlsxwriter

    from rumbo.tracking.matrix import MatrixFilters, matrix_queryset, rows
    from rumbo.tracking.xlsx.columns import COLUMNS, header_labels
    from rumbo.tracking.xlsx.writer import GivenAs, row_values, status_labels

    user = _user()
    labels = status_labels("es")
    qs = matrix_queryset(user, MatrixFilters())
    values = [row_values(row, "es", labels) for row in rows(user, qs, stop=n)]
    header = header_labels("es")
    keys = [c.key for c in COLUMNS]
    numbers = {keys.index("year"), keys.index("version")}
    date_col, money_col = keys.index("deadline"), keys.index("budget")
    with PeakMemory() as mem:
        start = time.perf_counter()
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet("Matriz")
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        money_format = book.add_format({"num_format": "#,##0.00"})
        sheet.write_row(0, 0, header)
        for r, cells in enumerate(values, start=1):
            for c, value in enumerate(cells):
                if value is None or value == "":
                    continue
                if c == date_col:
                    day = value.day if isinstance(value, GivenAs) else value
                    sheet.write_datetime(r, c, day, date_format)
                elif c == money_col:
                    sheet.write_number(r, c, float(value), money_format)
                elif c in numbers:
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
        book.close()
        seconds = time.perf_counter() - start
    return _result(seconds, mem, rows=len(values), file_mb=path.stat().st_size / 2**20)


def measure_import(path: Path) -> dict[str, Any]:
    """Rumbo's import preview of an exported workbook (nothing edited: every row unchanged)."""
    from rumbo.tracking.xlsx.importer import preview_import

    user = _user()
    with PeakMemory() as mem:
        start = time.perf_counter()
        preview = preview_import(user, path)
        seconds = time.perf_counter() - start
    return _result(
        seconds,
        mem,
        rows=preview.unchanged + len(preview.rows),
        unchanged=preview.unchanged,
        changed=len(preview.rows),
        problems=len(preview.problems),
    )


def measure_import_raw(path: Path) -> dict[str, Any]:
    """Reading the same workbook with openpyxl alone: every value of every row, nothing else."""
    from openpyxl import load_workbook

    with PeakMemory() as mem:
        start = time.perf_counter()
        book = load_workbook(path, read_only=True, data_only=True)
        count = 0
        for row in book.worksheets[0].iter_rows(values_only=True):
            for _value in row:
                pass
            count += 1
        book.close()
        seconds = time.perf_counter() - start
    return _result(seconds, mem, rows=count - 1)  # less the header


def _result(seconds: float, mem: PeakMemory, **extra: Any) -> dict[str, Any]:
    return {
        "seconds": seconds,
        "peak_mb": mem.delta_mb,
        "rss_at_start_mb": mem.before_kb / 1024,
        "memory_method": mem.method,
        **extra,
    }


def child(args: argparse.Namespace) -> int:
    configure(Path(args.db))
    path = Path(args.file)
    if args.measure == "export":
        result = measure_export(args.rows, path)
    elif args.measure == "export-raw":
        result = measure_export_raw(args.rows, path)
    elif args.measure == "import":
        result = measure_import(path)
    else:
        result = measure_import_raw(path)
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


def run_child(kind: str, n: int, db: Path, path: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.tracking_matrix", "--measure", kind]
    command += ["--rows", str(n), "--db", str(db), "--file", str(path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return dict(json.loads(line[len(RESULT_MARK) :]))
    raise RuntimeError(f"{' '.join(command)} printed no result:\n{done.stdout}")


# -- page -------------------------------------------------------------------------------------
def timed(fn: Callable[[], Any], *, runs: int, warmups: int) -> tuple[list[float], list[int]]:
    """Wall time (ms) and SQL query count of each of `runs` calls, after `warmups` calls."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmups):
        fn()
    times: list[float] = []
    queries: list[int] = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
    return times, queries


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank


def bench_page(user: Any, variants: list[tuple[str, dict[str, str]]]) -> list[dict[str, Any]]:
    from django.http import QueryDict
    from django.test import Client

    from rumbo.tracking.forms import MatrixFilterForm
    from rumbo.tracking.matrix import matrix_queryset

    client = Client()
    client.force_login(user)
    out = []
    for name, params in variants:
        query = QueryDict(mutable=True)
        for key, value in params.items():
            query[key] = value
        size = int(params.get("size", PAGE_SIZE))
        filters = MatrixFilterForm(query).filters()
        url = f"/es/matrix/?{query.urlencode()}"
        expected = min(size, matrix_queryset(user, filters).count())

        def page(url: str = url, expected: int = expected) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            shown = response.content.count(b'<th scope="row">')
            assert shown == expected, (url, shown, expected)

        def bare(filters: Any = filters, size: int = size) -> None:
            list(matrix_queryset(user, filters)[:size])

        log(f"page {name}: {url}")
        page_ms, page_queries = timed(page, runs=PAGE_RUNS, warmups=PAGE_WARMUPS)
        bare_ms, _ = timed(bare, runs=PAGE_RUNS, warmups=PAGE_WARMUPS)
        out.append(
            {
                "name": name,
                "url": url,
                "rows": expected,
                "median": statistics.median(page_ms),
                "p95": p95(page_ms),
                "queries": sorted(set(page_queries)),
                "bare_median": statistics.median(bare_ms),
                "ratio": statistics.median(page_ms) / statistics.median(bare_ms),
            }
        )
    return out


# -- report -----------------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def queries_text(queries: list[int]) -> str:
    return str(queries[0]) if len(queries) == 1 else f"{queries[0]}–{queries[-1]}"


def print_page_table(pages: list[dict[str, Any]]) -> None:
    print(f"\n1. Matrix page, server time ({PAGE_RUNS} requests after {PAGE_WARMUPS} warm-ups)")
    print("   baseline: list(matrix_queryset(user, same filters)[:size]), measured the same way")
    print(
        f"   {'variant':<22}{'rows':>6}{'median ms':>11}{'p95 ms':>9}{'queries':>9}"
        f"{'bare ms':>10}{'page/bare':>11}  url"
    )
    for p in pages:
        print(
            f"   {p['name']:<22}{p['rows']:>6}{p['median']:>11.1f}{p['p95']:>9.1f}"
            f"{queries_text(p['queries']):>9}{p['bare_median']:>10.2f}{p['ratio']:>10.1f}x"
            f"  {p['url']}"
        )


def print_export_table(results: dict[int, dict[str, dict[str, Any]]], method: str) -> None:
    print("\n2. Excel export (a fresh process per measurement; median time, largest peak)")
    print("   ours: write_matrix(path, rows(user, matrix_queryset(user, MatrixFilters()),")
    print("         stop=N), lang='es', max_years=3), database read included")
    print("   raw:  the same cells, precomputed with row_values outside the measured part,")
    print("         written with typed XlsxWriter calls into a constant-memory workbook")
    print(f"   peak memory: {method}")
    print(
        f"   {'rows':>8}{'ours s':>9}{'raw s':>8}{'ours/raw':>10}{'ours peak MB':>14}"
        f"{'raw peak MB':>13}{'file MB':>9}"
    )
    for n, r in results.items():
        ours, raw = r["export"], r["export-raw"]
        print(
            f"   {n:>8,}{ours['seconds']:>9.2f}{raw['seconds']:>8.2f}"
            f"{ours['seconds'] / raw['seconds']:>9.2f}x{ours['peak_mb']:>14.1f}"
            f"{raw['peak_mb']:>13.1f}{ours['file_mb']:>9.1f}"
        )
    print_runs(results, "export")


def print_import_table(results: dict[int, dict[str, dict[str, Any]]]) -> None:
    print("\n3. Import of the exported workbooks (a fresh process per measurement)")
    print("   ours: preview_import(user, path)  (no edits: every row should be unchanged)")
    print("   raw:  openpyxl load_workbook(read_only=True, data_only=True), every row's values")
    print(
        f"   {'rows':>8}{'ours s':>9}{'raw s':>8}{'ours/raw':>10}{'ours peak MB':>14}"
        f"{'raw peak MB':>13}{'unchanged':>11}{'problems':>10}"
    )
    for n, r in results.items():
        ours, raw = r["import"], r["import-raw"]
        print(
            f"   {n:>8,}{ours['seconds']:>9.2f}{raw['seconds']:>8.2f}"
            f"{ours['seconds'] / raw['seconds']:>9.2f}x{ours['peak_mb']:>14.1f}"
            f"{raw['peak_mb']:>13.1f}{ours['unchanged']:>11,}{ours['problems']:>10}"
        )
    print_runs(results, "import")


def print_runs(results: dict[int, dict[str, dict[str, Any]]], kind: str) -> None:
    for n, r in results.items():
        ours = "/".join(f"{t:.2f}" for t in r[kind]["all_seconds"])
        raw = "/".join(f"{t:.2f}" for t in r[f"{kind}-raw"]["all_seconds"])
        print(f"   {n:>8,} rows, every run (s): ours {ours}; raw {raw}")


def summary(
    dataset: str,
    pages: list[dict[str, Any]],
    results: dict[int, dict[str, dict[str, Any]]],
) -> list[tuple[str, bool]]:
    """Print the summary block; return (check, passed) for each target."""
    checks: list[tuple[str, bool]] = []
    print(f"\n{SUMMARY_HEADING}")
    print(f"dataset: {dataset}")
    for p in pages:
        print(
            f"page    {p['name']:<22} median {p['median']:7.1f} ms  p95 {p['p95']:7.1f} ms  "
            f"{queries_text(p['queries']):>3} queries  {p['ratio']:5.1f}x bare queryset"
        )
    by_name = {p["name"]: p for p in pages}
    small, large = by_name.get("unfiltered"), by_name.get("unfiltered size=500")
    if small and large:
        same = small["queries"] == large["queries"]
        checks.append(("page queries independent of page size", same))
        print(
            f"page    queries at 100 vs 500 rows/page: {queries_text(small['queries'])} vs "
            f"{queries_text(large['queries'])} ({'same' if same else 'different'})  "
            f"{verdict(same)}"
        )
    for n, r in results.items():
        ours, raw = r["export"], r["export-raw"]
        ratio = ours["seconds"] / raw["seconds"]
        fast = ratio <= EXPORT_TIME_TARGET
        checks.append((f"export {n:,} rows within {EXPORT_TIME_TARGET:g}x raw", fast))
        line = (
            f"export  {n:>7,} rows  ours {ours['seconds']:6.2f} s  raw {raw['seconds']:6.2f} s  "
            f"{ratio:4.2f}x (target <= {EXPORT_TIME_TARGET:g}x) {verdict(fast)}  "
            f"peak {ours['peak_mb']:6.1f} MB (raw {raw['peak_mb']:.1f} MB)"
        )
        if n >= EXPORT_MEMORY_TARGET_ROWS:
            small = ours["peak_mb"] < EXPORT_MEMORY_TARGET_MB
            checks.append((f"export {n:,} rows peak under {EXPORT_MEMORY_TARGET_MB:g} MB", small))
            line += f" (target < {EXPORT_MEMORY_TARGET_MB:g} MB) {verdict(small)}"
        print(line)
    for n, r in results.items():
        ours, raw = r["import"], r["import-raw"]
        ratio = ours["seconds"] / raw["seconds"]
        fast = ratio <= IMPORT_TIME_TARGET
        clean = ours["problems"] == 0 and ours["changed"] == 0 and ours["unchanged"] == n
        checks.append((f"import {n:,} rows within {IMPORT_TIME_TARGET:g}x raw", fast))
        checks.append((f"import {n:,} rows all unchanged, no problems", clean))
        print(
            f"import  {n:>7,} rows  ours {ours['seconds']:6.2f} s  raw {raw['seconds']:6.2f} s  "
            f"{ratio:4.2f}x (target <= {IMPORT_TIME_TARGET:g}x) {verdict(fast)}  "
            f"peak {ours['peak_mb']:6.1f} MB (raw {raw['peak_mb']:.1f} MB)  "
            f"{ours['unchanged']:,} unchanged, {ours['changed']} changed, "
            f"{ours['problems']} problems {verdict(clean)}"
        )
    missed = [name for name, ok in checks if not ok]
    print(
        f"result: {len(checks) - len(missed)}/{len(checks)} targets met"
        + (f"; MISS: {'; '.join(missed)}" if missed else "")
    )
    print("=" * len(SUMMARY_HEADING))
    return checks


# -- main -------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.tracking_matrix",
        description="Benchmark the tracking matrix page, Excel export and import preview.",
    )
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--export-rows", default="20000,100000")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2,000 activities, exports 2,000,5,000"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="fresh processes per export/import figure"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--measure", choices=MEASURES, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.activities, args.export_rows, args.repeat = 2_000, "2000,5000", 1
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure:
        return child(args)
    sizes = sorted({int(s.replace("_", "")) for s in args.export_rows.split(",") if s.strip()})
    tmp = Path(tempfile.mkdtemp(prefix="rumbo-bench-"))
    db = tmp / "bench.sqlite3"
    try:
        return run(args.activities, sizes, db, args.repeat)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Repeated measurements as one: the median time and the largest peak."""
    out = dict(runs[0])
    out["seconds"] = statistics.median(r["seconds"] for r in runs)
    out["all_seconds"] = [r["seconds"] for r in runs]
    out["peak_mb"] = max(r["peak_mb"] for r in runs)
    return out


def run(activities: int, sizes: list[int], db: Path, repeat: int) -> int:
    configure(db)
    from django.core.management import call_command

    from benchmarks import synthetic
    from rumbo.core.visibility import Visibility
    from rumbo.plans.models import Activity
    from rumbo.seeds.loader import load_seeds
    from rumbo.tracking.matrix import MatrixFilters, matrix_queryset

    started = time.perf_counter()
    log(f"migrating {db}")
    call_command("migrate", verbosity=0, interactive=False)
    log("loading the real seeds")
    load_seeds()
    seeded = Activity.objects.count()
    world = synthetic.build_world()
    user = synthetic.bench_user()
    log(f"adding {activities:,} synthetic activities")
    t = time.perf_counter()
    synthetic.add_activities(world, activities)
    log(f"  done in {time.perf_counter() - t:.1f} s")

    visible = matrix_queryset(user, MatrixFilters())
    overdue = matrix_queryset(user, MatrixFilters(overdue=True)).count()
    members_only = synthetic.synthetic_activities().filter(visibility=Visibility.MEMBERS).count()
    dataset = (
        f"{activities:,} synthetic activities (+{seeded} seeded) in {synthetic.PLANS} plans x "
        f"{synthetic.PILLARS}x{synthetic.TOPICS} elements, {synthetic.COUNTRIES} countries, "
        f"{synthetic.GROUPS} groups; {visible.count():,} rows for the secretariat, "
        f"{overdue:,} overdue, {members_only:,} members-only; SQLite"
    )
    print(f"Tracking matrix benchmark — {dataset}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu(s), database {db}")

    variants = [
        ("unfiltered", {"size": "100"}),
        ("unfiltered size=500", {"size": "500"}),
        ("plan", {"plan": "bench-plan-07", "size": "100"}),
        ("country", {"country": "X05", "size": "100"}),
        ("overdue", {"overdue": "on", "size": "100"}),
        ("status", {"status": "in_progress", "size": "100"}),
    ]
    pages = bench_page(user, variants)
    print_page_table(pages)

    results: dict[int, dict[str, dict[str, Any]]] = {}
    method = ""
    for n in sizes:
        have = synthetic.synthetic_activities().count()
        if have < n:
            log(f"growing the synthetic data from {have:,} to {n:,} activities")
            synthetic.add_activities(world, n)
        ours_file, raw_file = db.parent / f"matrix-{n}.xlsx", db.parent / f"raw-{n}.xlsx"
        runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in MEASURES}
        # Ours and raw alternate, so that a slow spell of the machine hits both.
        for pair in (("export", "export-raw"), ("import", "import-raw")):
            for i in range(repeat):
                for kind in pair:
                    log(f"{kind} {n:,} rows ({i + 1}/{repeat})")
                    path = raw_file if kind == "export-raw" else ours_file
                    runs[kind].append(run_child(kind, n, db, path))
        results[n] = {kind: combine(found) for kind, found in runs.items()}
        method = results[n]["export"]["memory_method"]
    print_export_table(results, method)
    print_import_table(results)
    summary(dataset, pages, results)
    print(f"(total {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

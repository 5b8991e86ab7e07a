"""Indicator-template import benchmark: Rumbo's parse and validation of a filled template
beside a bare openpyxl read of the same file, measured in the same run.

    .venv/bin/python -m benchmarks.indicator_import [--values 50000] [--repeat 3] [--quick]

Target: the preview (read, parse every cell with the matrix's parsers, check every value
with `services.check_value`, the permission and lock rules and the value's version) within
3x of `openpyxl.load_workbook(read_only=True)` + `iter_rows(values_only=True)`.

Builds a throwaway SQLite database in a temporary directory (real seeds, then synthetic
countries, one plan of quarterly indicators, a third of the values already reported),
writes a filled template (numbers as numbers and as Spanish and English text, breakdowns by
sex), prints a table and a summary with PASS/MISS and exits 0 whatever the figures are
(non-zero only if something crashes).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.tracking_matrix import configure, log

TIME_TARGET = 3.0  # ours / bare openpyxl
SUMMARY_HEADING = "===== SUMMARY: indicator template import benchmark ====="
COUNTRIES = 35
FIRST_YEAR, LAST_YEAR = 2020, 2025  # 24 quarters
QUARTERS = 4 * (LAST_YEAR - FIRST_YEAR + 1)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.indicator_import")
    parser.add_argument("--values", type=int, default=50_000, help="rows of the template")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure (median)")
    parser.add_argument("--quick", action="store_true", help="2,000 values, one run each")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.quick:
        args.values, args.repeat = 2_000, 1
    return args


# -- the data ---------------------------------------------------------------------------------
def build(values: int) -> tuple[Any, Any, list[Any], list[Any]]:
    """The bench user, the plan, its indicators and the countries: enough indicators for
    `values` rows over 24 quarters and up to 35 countries."""
    from django.db import transaction

    from benchmarks import synthetic
    from rumbo.indicators.models import Dimension, Indicator
    from rumbo.plans.models import Plan
    from rumbo.testing.factories import IndicatorFactory, PlanFactory

    synthetic.ensure_throwaway_database()
    countries_needed = min(COUNTRIES, max(1, values // (QUARTERS * 10)))
    per_country = -(-values // countries_needed)
    indicators_needed = -(-per_country // QUARTERS)
    with transaction.atomic():
        countries = synthetic.synthetic_countries(countries_needed)
        plan = PlanFactory.create(
            code="bench-indicators",
            kind=Plan.Kind.WORKING_GROUP,
            title_es="Plan sintético de indicadores (datos de prueba de rendimiento)",
            title_en="Synthetic indicator plan (benchmark data)",
            period_start=FIRST_YEAR,
            period_end=LAST_YEAR,
        )
        sex = Dimension.objects.get(code="sex")
        indicators = []
        for i in range(indicators_needed):
            ind = IndicatorFactory.create(
                plan=plan,
                code=f"B{i:03d}",
                order=i,
                unit=Indicator.Unit.MONEY if i % 4 == 3 else Indicator.Unit.COUNT,
                currency="USD" if i % 4 == 3 else "",
                frequency="quarter",
            )
            if i % 2 == 0:
                ind.dimensions.add(sex)
            indicators.append(ind)
    return synthetic.bench_user(), plan, indicators, countries


def with_sex(indicators: list[Any]) -> set[int]:
    """The indicators broken down by sex (every other one), known without a query a row."""
    return {ind.pk for i, ind in enumerate(indicators) if i % 2 == 0}


def add_existing(user: Any, indicators: list[Any], countries: list[Any], values: int) -> None:
    """A third of the values already reported (inserted in bulk, without services)."""
    from rumbo.indicators.models import Measurement, MeasurementPart

    sex = {c.code: c for c in indicators[0].dimensions.get().categories.all()}
    broken_down = with_sex(indicators)
    rows = list(_keys(indicators, countries, values))[::3]
    batch = [
        Measurement(
            indicator=ind,
            period=period,
            country=country,
            value=Decimal(10),
            reported_by=user,
            version=1,
        )
        for ind, period, country in rows
    ]
    Measurement.objects.bulk_create(batch, batch_size=2000)
    parts = [
        MeasurementPart(measurement=m, category=sex[code], value=Decimal(5))
        for m in batch
        if m.indicator_id in broken_down
        for code in ("women", "men")
    ]
    MeasurementPart.objects.bulk_create(parts, batch_size=2000)


def _keys(indicators: list[Any], countries: list[Any], values: int) -> Any:
    from rumbo.indicators import periods

    quarters = periods.periods_between(FIRST_YEAR, LAST_YEAR, "quarter")
    n = 0
    for country in countries:
        for ind in indicators:
            for q in quarters:
                if n >= values:
                    return
                n += 1
                yield ind, q.code, country


def write_filled(path: Path, indicators: list[Any], countries: list[Any], values: int) -> int:
    """A filled template as an official sends it back: every row with a value (a real number,
    or text such as "1.234" or "1234,5"), a breakdown by sex where the indicator has one,
    and the version of the values already reported."""
    import xlsxwriter

    from rumbo.indicators.models import Measurement
    from rumbo.indicators.xlsx.columns import Layout

    sex = list(indicators[0].dimensions.get().categories.all())
    layout = Layout.of(sex, denominators=False)
    col = {key: i for i, key in enumerate(layout.keys)}
    versions = {
        (m.indicator_id, m.period, m.country_id): m.version
        for m in Measurement.objects.only("indicator_id", "period", "country_id", "version")
    }
    broken_down = with_sex(indicators)
    rng = random.Random(2024)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("Indicators")
    ws.write_row(0, 0, layout.labels("en"))
    r = 0
    for ind, period, country in _keys(indicators, countries, values):
        r += 1
        version = versions.get((ind.pk, period, country.pk))
        total = rng.randint(0, 5000)
        ws.write_string(r, col["id"], str(ind.pk))
        ws.write_string(r, col["period"], period)
        ws.write_string(r, col["country"], country.code)
        ws.write_string(r, col["version"], "" if version is None else str(version))
        ws.write_string(r, col["code"], ind.code)
        ws.write_string(r, col["indicator"], ind.name_en)
        ws.write_string(r, col["period_label"], period)
        ws.write_string(r, col["unit"], ind.get_unit_display())
        ws.write_string(r, col["status"], "Draft" if version else "Not reported")
        if r % 3 == 0:
            ws.write_string(r, col["value"], f"{total:,}".replace(",", ".") + ",00")
        elif r % 3 == 1:
            ws.write_string(r, col["value"], f"{total},0")
        else:
            ws.write_number(r, col["value"], total)
        if ind.pk in broken_down:
            women = total // 2
            ws.write_number(r, col[f"part:{sex[0].pk}:value"], women)
            ws.write_string(r, col[f"part:{sex[1].pk}:value"], str(total - women))
        if r % 5 == 0:
            ws.write_string(r, col["evidence"], f"Informe trimestral {period}")
    book.close()
    return r


# -- measures ---------------------------------------------------------------------------------
def measure_ours(user: Any, path: Path) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rumbo.indicators.xlsx.importer import preview_import

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        preview = preview_import(user, path)
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "queries": len(queries),
        "new": preview.count_new,
        "corrected": preview.count_corrected,
        "unchanged": preview.unchanged,
        "problems": len(preview.problems),
        "first_problem": str(preview.problems[0]) if preview.problems else "",
    }


def measure_raw(path: Path) -> dict[str, Any]:
    from openpyxl import load_workbook

    start = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    count = 0
    for row in book.worksheets[0].iter_rows(values_only=True):
        for _value in row:
            pass
        count += 1
    book.close()
    return {"seconds": time.perf_counter() - start, "rows": count - 1}


def run(values: int, repeat: int, db: Path) -> int:
    configure(db)
    from django.core.management import call_command

    from rumbo.seeds.loader import load_seeds

    log(f"migrating {db}")
    call_command("migrate", verbosity=0, interactive=False)
    log("loading the real seeds")
    load_seeds()
    user, _plan, indicators, countries = build(values)
    add_existing(user, indicators, countries, values)
    path = db.parent / f"filled-{values}.xlsx"
    rows = write_filled(path, indicators, countries, values)
    mb = path.stat().st_size / 2**20
    print(
        f"Indicator template import benchmark — {rows:,} values ({len(indicators)} quarterly "
        f"indicators x {QUARTERS} quarters x {len(countries)} countries, half broken down by "
        f"sex, a third already reported), {mb:.1f} MB; SQLite; python {sys.version.split()[0]}"
    )
    ours: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    # Alternating, so that a slow spell of the machine hits both.
    for i in range(repeat):
        log(f"openpyxl read ({i + 1}/{repeat})")
        raw.append(measure_raw(path))
        log(f"Rumbo preview ({i + 1}/{repeat})")
        ours.append(measure_ours(user, path))
    ours_s = statistics.median(r["seconds"] for r in ours)
    raw_s = statistics.median(r["seconds"] for r in raw)
    ratio = ours_s / raw_s if raw_s else float("inf")
    last = ours[-1]
    print(f"{'measure':<32}{'median s':>10}  runs")
    print(f"{'openpyxl read_only + iter_rows':<32}{raw_s:>10.2f}  {_runs(raw)}")
    print(f"{'Rumbo parse + validate':<32}{ours_s:>10.2f}  {_runs(ours)}")
    print(
        f"preview: {last['new']:,} new, {last['corrected']:,} corrected, "
        f"{last['unchanged']:,} unchanged, {last['problems']:,} problems; "
        f"{last['queries']:,} SQL queries"
    )
    if last["problems"]:
        print(f"first problem: {last['first_problem']}")
    print(SUMMARY_HEADING)
    met = ratio <= TIME_TARGET and not last["problems"]
    verdict = "PASS" if met else "MISS"
    print(
        f"import {rows:>9,} values: {ratio:.2f}x openpyxl (target <= {TIME_TARGET:.0f}x) "
        f"{verdict}; {last['queries']:,} queries"
    )
    print("targets met" if met else "targets missed")
    return 0


def _runs(results: list[dict[str, Any]]) -> str:
    return ", ".join(f"{r['seconds']:.2f}" for r in results)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="rumbo-bench-ind-"))
    try:
        return run(args.values, args.repeat, tmp / "bench.sqlite3")
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

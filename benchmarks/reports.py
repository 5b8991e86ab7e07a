"""Reports benchmark: writing a plan's annual report (2,000 activities, 200 indicators with 8
periods of values by sex, each with its chart) as Word, PDF and Excel with `rumbo.reports`'
renderers, beside the raw library writing the same precomputed content in the same run
(python-docx, WeasyPrint on the same HTML, XlsxWriter).

    .venv/bin/python -m benchmarks.reports [--activities 2000] [--indicators 200]
        [--periods 8] [--repeat 3] [--formats docx,pdf,xlsx] [--quick]

Every figure comes from a fresh child process (``--child WRITER FORMAT``) that builds the
content (not measured), then writes it: the time of the write, and its peak memory (resident
memory: the kernel's high-water mark reset just before the write through
/proc/self/clear_refs, minus the memory in use then; the process's ru_maxrss where the reset
is not possible). Ours and raw alternate; the median of `--repeat` runs is reported, with the
ratio ours / raw. Targets: within 2× the raw library, peak memory under 500 MB. Exit code 0
whatever the figures (it is a report), non-zero only if something crashes.

The content is synthetic (made here, never read from or written to a database): this
measures the renderers; reading the data is the dashboards' benchmark's
(benchmarks/indicator_figures.py)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULT_MARK = "BENCH-RESULT "
FORMATS = ("docx", "pdf", "xlsx")
TIME_TARGET = 2.0
MEMORY_TARGET_MB = 500.0


def configure(var_dir: Path) -> None:
    os.environ["RUMBO_VAR_DIR"] = str(var_dir)
    os.environ["RUMBO_DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumbo.settings")
    import django

    django.setup()


def synthetic_content(activities: int, indicators: int, periods: int) -> Any:
    """A plan report as the builders make one, with invented figures."""
    import datetime as dt

    from django.utils import translation

    from rumbo.core import charts
    from rumbo.core.tables import Table
    from rumbo.reports.content import ChartBlock, Facts, Paragraph, ReportContent, TableBlock

    statuses = ["Finalizada", "En curso", "No iniciada", "Sin información reportada"]
    with translation.override("es"):
        content = ReportContent(
            kind="plan",
            lang="es",
            title="Informe de avance del plan",
            subtitle="Plan sintético 2023–2030",
            generated_on=dt.date(2026, 1, 15),
            reader_label="Solo países miembros",
        )
        about = content.section("El plan")
        about.add(Facts([("Plan", "Plan sintético"), ("Período", "2023–2030")]))
        about.add(Paragraph("Plan inventado para medir cuánto cuesta escribir un informe. " * 5))
        rows = [
            [
                f"L{i % 4 + 1}.A{i}",
                f"Actividad sintética número {i}: fortalecer capacidades regionales en "
                "movilidad laboral",
                f"X{i % 35 + 1:02d} (X{(i + 7) % 35 + 1:02d})",
                str(2023 + i % 8),
                statuses[i % 4],
                f"bench-wg-{i % 8 + 1}",
                "Sí" if i % 9 == 0 else "",
            ]
            for i in range(activities)
        ]
        columns = ["Código", "Actividad", "Parte responsable", "Plazo", "Estado", "Grupo"]
        content.section("Actividades").add(
            TableBlock(Table("Actividades", [*columns, "Vencida"], rows))
        )
        section = content.section("Indicadores")
        labels = [str(2023 + p) for p in range(periods)]
        overview = []
        for n in range(indicators):
            actual = [Decimal(100 + 7 * n + 13 * p) for p in range(periods)]
            target = [Decimal(110 + 7 * n + 12 * p) for p in range(periods)]
            overview.append([f"I{n}", f"Indicador sintético {n}", "Número", 10, target[-1]])
            sub = section.sub(f"I{n} Indicador sintético {n}")
            sub.add(Facts([("Unidad", "Número"), ("Línea de base", "10")]))
            caption = f"I{n}: meta y valor por período"
            svg = charts.line_chart(
                labels,
                [charts.Series("Valor", actual), charts.Series("Meta", target, "target")],
                title=caption,
            )
            by_period = Table(
                caption,
                ["Período", "Valor", "Meta", "% logrado"],
                [
                    [
                        labels[p],
                        actual[p],
                        target[p],
                        (100 * actual[p] / target[p]).quantize(Decimal("0.1")),
                    ]
                    for p in range(periods)
                ],
                numeric={1, 2, 3},
                percent={3},
            )
            sub.add(ChartBlock(str(svg), by_period))
            by_sex = Table(
                f"I{n}: por sexo",
                ["Período", "Mujeres", "Hombres", "No binario"],
                [
                    [labels[p], actual[p] // 2, actual[p] - actual[p] // 2 - 1, 1]
                    for p in range(periods)
                ],
                numeric={1, 2, 3},
            )
            sub.add(TableBlock(by_sex))
        section.blocks.insert(
            0,
            TableBlock(
                Table(
                    "Indicadores",
                    ["Código", "Indicador", "Unidad", "Línea de base", "Meta"],
                    overview,
                    numeric={3, 4},
                )
            ),
        )
    return content


# -- the raw libraries, writing the same content ----------------------------------------------
def raw_docx(content: Any, path: Path) -> None:
    from django.utils import translation
    from docx import Document

    from rumbo.reports.content import ChartBlock, Facts, Paragraph, TableBlock

    with translation.override(content.lang):
        doc = Document()
        doc.add_paragraph(content.title)
        for depth, section in content.walk():
            doc.add_heading(section.heading, level=min(depth, 3))
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    doc.add_paragraph(block.text)
                elif isinstance(block, Facts):
                    for label, value in block.items:
                        doc.add_paragraph(f"{label}: {value}")
                elif isinstance(block, TableBlock | ChartBlock):
                    table = block.table
                    doc.add_paragraph(table.caption)
                    grid = doc.add_table(rows=1, cols=len(table.columns))
                    for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
                        cell.text = name
                    for shown in table.display_rows:
                        for cell, given in zip(grid.add_row().cells, shown, strict=False):
                            cell.text = given.text
        doc.save(str(path))


def raw_pdf(content: Any, path: Path) -> None:
    from django.utils import translation
    from weasyprint import HTML

    from rumbo.reports.render.pdf import report_html

    with translation.override(content.lang):
        HTML(string=report_html(content)).write_pdf(str(path))


def raw_xlsx(content: Any, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for n, table in enumerate(content.tables()):
        sheet = book.add_worksheet(f"T{n}")
        sheet.write_row(0, 0, [table.caption])
        sheet.write_row(1, 0, table.columns)
        for r, row in enumerate(table.rows, start=2):
            sheet.write_row(r, 0, [float(v) if isinstance(v, Decimal) else v for v in row])
    book.close()


RAW = {"docx": raw_docx, "pdf": raw_pdf, "xlsx": raw_xlsx}


# -- one measurement in a fresh process -------------------------------------------------------
def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(writer: str, fmt: str, args: argparse.Namespace, out_dir: Path) -> None:
    configure(out_dir)
    from rumbo.reports.render import render

    content = synthetic_content(args.activities, args.indicators, args.periods)
    path = out_dir / f"{writer}.{fmt}"
    reset = _reset_peak()
    before = _rss_kb()
    started = time.perf_counter()
    if writer == "ours":
        render(content, fmt, path)
    else:
        RAW[fmt](content, path)
    seconds = time.perf_counter() - started
    peak = (_peak_kb() - before) if reset else _peak_kb()
    result = {
        "seconds": seconds,
        "peak_mb": peak / 1024,
        "reset": reset,
        "bytes": path.stat().st_size,
    }
    print(RESULT_MARK + json.dumps(result))


def measure(writer: str, fmt: str, args: argparse.Namespace, out_dir: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.reports", "--child", writer, fmt]
    command += ["--activities", str(args.activities), "--indicators", str(args.indicators)]
    command += ["--periods", str(args.periods), "--out", str(out_dir)]
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith(RESULT_MARK))
    return dict(json.loads(line[len(RESULT_MARK) :]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS), help="docx,pdf,xlsx")
    parser.add_argument("--quick", action="store_true", help="200 activities, 20 indicators, once")
    parser.add_argument("--child", nargs=2, metavar=("WRITER", "FORMAT"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args, Path(args.out))
        return
    if args.quick:
        args.activities, args.indicators, args.repeat = 200, 20, 1
    print(
        f"reports benchmark: {args.activities} activities, {args.indicators} indicators × "
        f"{args.periods} periods, {args.repeat} run(s) each",
        file=sys.stderr,
    )
    heads = ("ours s", "raw s", "ratio", "ours MB", "raw MB", "ratio")
    lines = [f"{'format':6} " + " ".join(f"{h:>8}" for h in heads) + "  target"]
    with tempfile.TemporaryDirectory(prefix="rumbo-bench-reports-") as tmp:
        for fmt in [f for f in args.formats.split(",") if f in FORMATS]:
            runs: dict[str, list[dict[str, Any]]] = {"ours": [], "raw": []}
            for _ in range(args.repeat):
                for writer in ("ours", "raw"):
                    runs[writer].append(measure(writer, fmt, args, Path(tmp)))
                    print(f"  {fmt} {writer}: {runs[writer][-1]}", file=sys.stderr)
            ours_s = statistics.median(r["seconds"] for r in runs["ours"])
            raw_s = statistics.median(r["seconds"] for r in runs["raw"])
            ours_mb = statistics.median(r["peak_mb"] for r in runs["ours"])
            raw_mb = statistics.median(r["peak_mb"] for r in runs["raw"])
            met = ours_s <= TIME_TARGET * raw_s and ours_mb < MEMORY_TARGET_MB
            lines.append(
                f"{fmt:6} {ours_s:8.2f} {raw_s:8.2f} {ours_s / raw_s:8.2f} {ours_mb:8.1f} "
                f"{raw_mb:8.1f} {ours_mb / max(raw_mb, 0.1):8.2f}  {'met' if met else 'MISSED'}"
            )
    print("===== SUMMARY: reports benchmark =====")
    print("\n".join(lines))
    print(f"targets: time within {TIME_TARGET}× raw, peak memory under {MEMORY_TARGET_MB:.0f} MB")


if __name__ == "__main__":
    main()

"""Excel (.xlsx) with XlsxWriter: a first sheet naming the report and listing its tables, then
one sheet per table (charts' tables included), caption first, bold frozen headings, numbers as
numbers (per cent columns as percentages), text never turned into a formula, a date or a
link. Written row by row (constant memory), so a large report does not grow in memory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rumbo.core.tables import Table, safe_workbook, sheet_name, to_decimal

from ..content import ReportContent


def _unique(name: str, taken: set[str]) -> str:
    """A sheet name not yet used (Excel compares them without case), within 31 characters."""
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = name[: 31 - len(suffix)].rstrip() + suffix
    taken.add(candidate.lower())
    return candidate


def _width(table: Table, i: int) -> float:
    longest = len(str(table.columns[i]))
    for row in table.rows[:500]:  # enough to size a column
        if i < len(row) and row[i] is not None:
            longest = max(longest, len(str(row[i])))
    return min(60, max(8, longest + 2))


def write_xlsx(content: ReportContent, path: Path, progress: Callable[[int, int], None]) -> None:
    tables = list(content.tables())
    book = safe_workbook(str(path))
    book.set_properties({"title": content.title, "subject": content.subtitle})
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    per_cent = book.add_format({"num_format": "0.0%"})
    taken: set[str] = set()
    cover = book.add_worksheet(_unique(sheet_name(_("Contents")), taken))
    names = [_unique(sheet_name(t.caption), taken) for t in tables]
    cover.set_column(0, 0, 40)
    cover.set_column(1, 1, 60)
    cover.write_string(0, 0, content.title, title)
    cover.write_string(1, 0, content.subtitle)
    made = _("Prepared on %(date)s for: %(reader)s") % {
        "date": date_format(content.generated_on, "DATE_FORMAT"),
        "reader": content.reader_label,
    }
    cover.write_string(2, 0, made)
    cover.write_string(4, 0, _("Sheet"), bold)
    cover.write_string(4, 1, _("Table"), bold)
    for r, (name, table) in enumerate(zip(names, tables, strict=True), start=5):
        cover.write_string(r, 0, name)
        cover.write_string(r, 1, table.caption)
    for done, (name, table) in enumerate(zip(names, tables, strict=True), start=1):
        sheet = book.add_worksheet(name)
        for i in range(len(table.columns)):
            sheet.set_column(i, i, _width(table, i))
        sheet.freeze_panes(2, 0)
        sheet.write_string(0, 0, table.caption, title)
        for i, column in enumerate(table.columns):
            sheet.write_string(1, i, str(column), bold)
        for r, row in enumerate(table.rows, start=2):
            for i, value in enumerate(row):
                number = to_decimal(value)
                if number is not None and i in table.percent:
                    sheet.write_number(r, i, float(number) / 100, per_cent)
                elif number is not None:
                    sheet.write_number(r, i, float(number))
                elif value is not None and i not in table.numeric:
                    sheet.write_string(r, i, str(value))
        progress(done, len(tables))
    book.close()

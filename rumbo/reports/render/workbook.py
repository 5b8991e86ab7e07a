"""Excel (.xlsx) with XlsxWriter: a first sheet naming the report and listing its tables, then
one sheet per table (charts' tables included), caption first, bold frozen headings, numbers as
numbers (per cent columns as percentages), text never turned into a formula, a date or a
link. Written row by row (constant memory), so a large report does not grow in memory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rumbo.core.tables import safe_workbook, sheet_name, write_table_sheet

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


def write_xlsx(content: ReportContent, path: Path, progress: Callable[[int, int], None]) -> None:
    tables = list(content.tables())
    book = safe_workbook(str(path))
    book.set_properties({"title": content.title, "subject": content.subtitle})
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
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
        write_table_sheet(book, name, table)
        progress(done, len(tables))
    book.close()

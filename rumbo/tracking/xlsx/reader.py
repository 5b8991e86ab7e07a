"""Reads a workbook someone edited offline: tolerant of what Excel users do to files, and
precise about where a problem is."""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from .columns import META_SHEET, PLAN_TABLE_COLUMNS, header_index, normalise

MAX_ROWS = 200_000
# A sheet "used" down to row 1,048,576 by formatting alone is read until this many
# empty rows in a row, not to its end.
EMPTY_RUN_LIMIT = 1_000


class WorkbookError(Exception):
    """The file as a whole cannot be read (not a workbook, no matrix sheet, missing columns)."""


@dataclass
class Sheet:
    name: str
    layout: str  # "rumbo" (Rumbo's export) or "plan-table" (the plan's own 8 columns)
    columns: dict[str, int]  # column key -> 0-based index
    header_row: int  # 1-based
    ignored_sheets: list[str]
    language: str


def _sheet_xml_path(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """Where a sheet's XML lives in the package, from the workbook and its relationships."""
    workbook = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = dict(re.findall(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    targets.update(
        {i: t for t, i in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
    )
    for attrs in re.findall(r"<sheet\b([^>]*)/?>", workbook):
        name = re.search(r'name="([^"]*)"', attrs)
        rid = re.search(r'r:id="([^"]+)"', attrs)
        if name and rid and html.unescape(name.group(1)) == sheet_name:
            target = targets.get(rid.group(1), "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _merges(path: Path, sheet_name: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a sheet, read from its XML (read-only openpyxl does not give them)."""
    try:
        with zipfile.ZipFile(path) as zf:
            member = _sheet_xml_path(zf, sheet_name)
            if member is None:
                return []
            data = zf.read(member)
    except (zipfile.BadZipFile, KeyError, OSError):
        return []
    end = data.rfind(b"</sheetData>")
    tail = data[end:] if end >= 0 else data
    return [
        range_boundaries(ref.decode())  # (min_col, min_row, max_col, max_row)
        for ref in re.findall(rb'<mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"', tail)
    ]


def open_workbook(path: Path) -> Any:
    if not zipfile.is_zipfile(path):
        raise WorkbookError(
            _("This file is not an Excel workbook (.xlsx). Save it as .xlsx and try again.")
        )
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise WorkbookError(
            _("This workbook cannot be read (%(error)s). Save it again as .xlsx and retry.")
            % {"error": exc.__class__.__name__}
        ) from exc


def _meta_language(book: Any) -> str | None:
    if META_SHEET not in book.sheetnames:
        return None
    for row in book[META_SHEET].iter_rows(max_row=10, values_only=True):
        if row and row[0] == "language" and row[1] in {"es", "en"}:
            return str(row[1])
    return None


def find_matrix_sheet(book: Any) -> Sheet:
    """The first sheet whose header row (within its first 10 rows) is a matrix header."""
    ours = header_index()
    plan_table = {normalise(h): key for key, names in PLAN_TABLE_COLUMNS.items() for h in names}
    visible = [n for n in book.sheetnames if n != META_SHEET]
    for name in visible:
        ws = book[name]
        for r, row in enumerate(ws.iter_rows(max_row=10, values_only=True), start=1):
            cells = [normalise(v) for v in row or ()]
            keys = {i: ours[c] for i, c in enumerate(cells) if c in ours}
            if {"id", "status", "activity"} <= set(keys.values()):
                return Sheet(
                    name,
                    "rumbo",
                    {k: i for i, k in keys.items()},
                    r,
                    [n for n in visible if n != name],
                    _meta_language(book) or "es",
                )
            keys = {i: plan_table[c] for i, c in enumerate(cells) if c in plan_table}
            if {"activity", "status"} <= set(keys.values()) and len(keys) >= 4:
                return Sheet(
                    name,
                    "plan-table",
                    {k: i for i, k in keys.items()},
                    r,
                    [n for n in visible if n != name],
                    "es" if any("actividad" in c for c in cells) else "en",
                )
    raise WorkbookError(
        _(
            "No sheet of this workbook has the matrix columns (at least Activity and Status, "
            "and Rumbo id for a workbook exported from Rumbo) in its first 10 rows."
        )
    )


def column_letter(index: int) -> str:
    return get_column_letter(index + 1)


def iter_rows(path: Path, book: Any, sheet: Sheet) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cell values) for each non-empty data row; merged cells are filled from
    their top-left cell, as a person reading the sheet would."""
    ws = book[sheet.name]
    fills: dict[tuple[int, int], tuple[int, int]] = {}
    for min_col, min_row, max_col, max_row in _merges(path, sheet.name):
        for rr in range(min_row, min(max_row, min_row + MAX_ROWS) + 1):
            for cc in range(min_col, max_col + 1):
                if (rr, cc) != (min_row, min_col):
                    fills[(rr, cc)] = (min_row, min_col)
    anchors: dict[tuple[int, int], Any] = {}
    anchor_cells = set(fills.values())
    width = max(sheet.columns.values()) + 1
    empty_run = 0
    count = 0
    for r, row in enumerate(
        ws.iter_rows(min_row=sheet.header_row + 1, max_col=width, values_only=True),
        start=sheet.header_row + 1,
    ):
        values = list(row or ()) + [None] * (width - len(row or ()))
        for c in range(width):
            if (r, c + 1) in anchor_cells:
                anchors[(r, c + 1)] = values[c]
            elif (r, c + 1) in fills:
                values[c] = anchors.get(fills[(r, c + 1)])
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            empty_run += 1
            if empty_run >= EMPTY_RUN_LIMIT:
                break
            continue
        empty_run = 0
        count += 1
        if count > MAX_ROWS:
            raise WorkbookError(
                _("The sheet has more than %(n)s rows; split it and import each part.")
                % {"n": f"{MAX_ROWS:,}"}
            )
        yield r, values

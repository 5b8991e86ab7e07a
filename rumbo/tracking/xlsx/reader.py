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
from openpyxl.utils import get_column_letter

from .columns import META_SHEET, PLAN_TABLE_COLUMNS, header_index, normalise
from .limits import (
    IMPORT_LIMITS,
    Limits,
    PartScan,
    WorkbookError,
    WorkbookScan,
    check_workbook,
    unreadable,
)

MAX_ROWS = IMPORT_LIMITS.rows
# A sheet "used" down to row 1,048,576 by formatting alone is read until this many
# empty rows in a row, not to its end.
EMPTY_RUN_LIMIT = 1_000


@dataclass
class Sheet:
    name: str
    layout: str  # "rumbo" (Rumbo's export) or "plan-table" (the plan's own 8 columns)
    columns: dict[str, int]  # column key -> 0-based index
    header_row: int  # 1-based
    ignored_sheets: list[str]
    language: str


def _sheet_xml_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Where each sheet's XML lives in the package, from the workbook and its relationships
    (both small: the limits check bounds them)."""
    workbook = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = dict(re.findall(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    targets.update(
        {i: t for t, i in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
    )
    paths: dict[str, str] = {}
    for attrs in re.findall(r"<sheet\b([^>]*)/?>", workbook):
        name = re.search(r'name="([^"]*)"', attrs)
        rid = re.search(r'r:id="([^"]+)"', attrs)
        if name and rid:
            target = targets.get(rid.group(1), "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            paths.setdefault(html.unescape(name.group(1)), path)
    return paths


@dataclass
class Book:
    """A workbook opened for reading (openpyxl, read-only: it streams each sheet), with what
    the limits check found in each of its parts."""

    workbook: Any
    scan: WorkbookScan
    parts: dict[str, str]  # sheet name -> its part in the package

    @property
    def sheetnames(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def __getitem__(self, name: str) -> Any:
        return self.workbook[name]

    def part(self, name: str) -> PartScan:
        """What the check counted in a sheet (an empty count if it is not in the scan)."""
        found = self.scan.part(self.parts.get(name, ""))
        return found if found is not None else PartScan(name)

    def close(self) -> None:
        self.workbook.close()


def _sheet_parts(path: Path) -> dict[str, str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return _sheet_xml_paths(zf)
    except (zipfile.BadZipFile, KeyError, OSError):
        return {}


def open_workbook(path: Path, limits: Limits = IMPORT_LIMITS) -> Book:
    """Open a workbook for reading, once the limits check passed (it refuses anything that
    would cost more to read than `limits` allow, before openpyxl parses a byte)."""
    scan = check_workbook(path, limits)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise unreadable(exc.__class__.__name__) from exc
    parts = _sheet_parts(path)
    for ws in workbook.worksheets:
        # Where openpyxl itself found the sheet, for a package laid out unusually.
        if ws.title not in parts and getattr(ws, "_worksheet_path", None):
            parts[ws.title] = ws._worksheet_path
    return Book(workbook, scan, parts)


def _first_rows(book: Book, name: str, count: int) -> Iterator[tuple[Any, ...]]:
    """The first `count` rows of a sheet, stopping at its last row: openpyxl would otherwise
    go on to parse whatever follows the rows."""
    last = min(count, book.part(name).last_row)
    if last < 1:
        return
    for r, row in enumerate(book[name].iter_rows(max_row=last, values_only=True), start=1):
        yield row
        if r >= last:
            return


def _meta_language(book: Book) -> str | None:
    if META_SHEET not in book.sheetnames:
        return None
    for row in _first_rows(book, META_SHEET, 10):
        if row and row[0] == "language" and row[1] in {"es", "en"}:
            return str(row[1])
    return None


def find_matrix_sheet(book: Book) -> Sheet:
    """The first sheet whose header row (within its first 10 rows) is a matrix header."""
    ours = header_index()
    plan_table = {normalise(h): key for key, names in PLAN_TABLE_COLUMNS.items() for h in names}
    visible = [n for n in book.sheetnames if n != META_SHEET]
    for name in visible:
        for r, row in enumerate(_first_rows(book, name, 10), start=1):
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


def _merge_fills(
    merges: list[tuple[int, int, int, int]], width: int
) -> list[tuple[int, int, int, int]]:
    """The merged ranges that reach the columns read, clipped to them, in row order; a range
    overlapping one already taken is dropped (Excel never writes overlapping ranges). So at
    most `width` ranges cover any row, whatever the file claims."""
    covered = [0] * (width + 1)  # per column: the last row of the range covering it
    kept = []
    for min_col, min_row, max_col, max_row in sorted(merges, key=lambda m: (m[1], m[0])):
        if min_col > width:
            continue
        max_col = min(max_col, width)
        if any(covered[c] >= min_row for c in range(min_col, max_col + 1)):
            continue
        for c in range(min_col, max_col + 1):
            covered[c] = max_row
        kept.append((min_col, min_row, max_col, max_row))
    return kept


def iter_rows(path: Path, book: Book, sheet: Sheet) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cell values) for each non-empty data row; merged cells are filled from
    their top-left cell, as a person reading the sheet would. Reads one row at a time and
    stops at the sheet's last row."""
    ws = book[sheet.name]
    part = book.part(sheet.name)
    width = max(sheet.columns.values()) + 1
    pending = _merge_fills(part.merges, width)
    pending.reverse()  # popped from the end, in row order
    active: list[tuple[int, int, int, int]] = []
    anchors: dict[tuple[int, int], Any] = {}
    empty_run = 0
    count = 0
    first = sheet.header_row + 1
    if part.last_row < first:
        return
    for r, row in enumerate(
        ws.iter_rows(min_row=first, max_row=part.last_row, max_col=width, values_only=True),
        start=first,
    ):
        values = list(row or ()) + [None] * (width - len(row or ()))
        while pending and pending[-1][1] <= r:
            active.append(pending.pop())
        if active:
            active = [m for m in active if m[3] >= r]
            for min_col, min_row, max_col, _max_row in active:
                if r == min_row:
                    anchors[(min_row, min_col)] = values[min_col - 1]
                fill = anchors.get((min_row, min_col))
                for c in range(min_col, max_col + 1):
                    if (r, c) != (min_row, min_col):
                        values[c - 1] = fill
        done = r >= part.last_row
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            empty_run += 1
            if empty_run >= EMPTY_RUN_LIMIT or done:
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
        if done:
            break

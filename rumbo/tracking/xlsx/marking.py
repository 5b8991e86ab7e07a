"""The workbook given back with its problems marked, to fix and upload again."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from .limits import IMPORT_LIMITS, MB, LimitExceeded, WorkbookError, check_workbook
from .preview import Preview

RED = PatternFill(start_color="FFF4B4B4", end_color="FFF4B4B4", fill_type="solid")
# Marking loads the whole workbook (openpyxl cannot edit a file it streams): measured, 67 MB
# for 10,000 rows of the export's 16 columns (160,000 cells, 0.42 KB each) and 80 MB while
# saving it. 250,000 cells stay near 130 MB; a larger workbook gets its problems listed on
# the page only.
MARKING_LIMITS = replace(
    IMPORT_LIMITS,
    rows=20_000,
    cells=250_000,
    part_bytes=32 * MB,
    total_bytes=40 * MB,
    shared_strings=250_000,
)
MAX_ROWS_TO_MARK = MARKING_LIMITS.rows


def mark_problems(source: Path, target: str, preview: Preview) -> bool:
    """Copy `source` to `target` with a comment and a red fill on each cell that has a
    problem. False when the file cannot be opened (then there is nothing to give back);
    LimitExceeded, before anything is loaded, when it is too large to be marked."""
    try:
        check_workbook(source, MARKING_LIMITS)
    except LimitExceeded:
        raise
    except WorkbookError:
        return False
    try:
        book = load_workbook(source)
    except Exception:
        return False
    if preview.sheet not in book.sheetnames:
        return False
    ws = book[preview.sheet]
    if ws.max_row > MAX_ROWS_TO_MARK:
        return False
    notes: dict[str, list[str]] = {}
    for problem in preview.problems:
        letter = re.match(r"^([A-Z]{1,3})\b", problem.column or "")
        if problem.row is None or letter is None:
            continue
        notes.setdefault(f"{letter.group(1)}{problem.row}", []).append(problem.message)
    for ref, messages in notes.items():
        cell = ws[ref]
        cell.fill = RED
        cell.comment = Comment("\n".join(messages), "Rumbo", width=320, height=120)
    book.save(target)
    return True

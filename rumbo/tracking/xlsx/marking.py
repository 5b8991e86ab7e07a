"""The workbook given back with its problems marked, to fix and upload again."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from .importer import Preview

RED = PatternFill(start_color="FFF4B4B4", end_color="FFF4B4B4", fill_type="solid")
MAX_ROWS_TO_MARK = 50_000


def mark_problems(source: Path, target: str, preview: Preview) -> bool:
    """Copy `source` to `target` with a comment and a red fill on each cell that has a
    problem. False when the file cannot be opened (then there is nothing to give back)."""
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

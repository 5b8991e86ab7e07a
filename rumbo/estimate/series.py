"""Observed series: a `time` column and one column per observed model variable.

Read from CSV (comma, semicolon or tab separated; decimal point, or decimal comma when the
separator is not a comma). Lines starting with ``#`` are comments (a file says there where its
figures come from, or that they are synthetic). An empty cell is a missing observation.
Errors name the file, the row and the column, on one line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rumbo.sd import ModelError


@dataclass(frozen=True)
class Observations:
    """Observed values at `times` (n,); per variable an array (n,), NaN where missing."""

    times: np.ndarray
    series: Mapping[str, np.ndarray]


def number(text: str, *, decimal_comma: bool) -> float:
    """A number written with a decimal point, or a decimal comma if the file allows it."""
    cleaned = text.strip().replace(" ", "")
    if decimal_comma and "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    return float(cleaned)


def table_rows(path: Path) -> Iterator[tuple[int, list[str], bool]]:
    """(row number in the file, cells, decimal comma allowed) for every row that is not a
    comment or blank; the first one yielded is the header."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ModelError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ModelError(f"{path}: not a UTF-8 text file") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)]
    content = [(n, line) for n, line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not content:
        raise ModelError(f"{path}: the file is empty")
    header = content[0][1]
    delimiter = max((";", "\t", ","), key=header.count)
    if delimiter not in header:
        delimiter = ","
    decimal_comma = delimiter != ","
    numbers = [n for n, _ in content]
    reader = csv.reader((line for _, line in content), delimiter=delimiter)
    for n, cells in zip(numbers, reader, strict=True):
        yield n, [cell.strip() for cell in cells], decimal_comma


def read_observations(path: Path) -> Observations:
    """The series of a CSV file; times must be numbers and strictly increasing."""
    rows = table_rows(path)
    _, header, decimal_comma = next(rows)
    lowered = [h.lower() for h in header]
    if "time" not in lowered:
        raise ModelError(f"{path}: no 'time' column (the header is {', '.join(header)})")
    if len(set(lowered)) != len(lowered):
        raise ModelError(f"{path}: a column name appears twice in the header")
    time_at = lowered.index("time")
    names = [h for i, h in enumerate(header) if i != time_at]
    if not names or any(not name for name in names):
        raise ModelError(f"{path}: every column needs a name, and at least one series is needed")
    times: list[float] = []
    values: dict[str, list[float]] = {name: [] for name in names}
    for row_number, cells, _ in rows:
        if len(cells) != len(header):
            raise ModelError(
                f"{path}, row {row_number}: {len(cells)} values for {len(header)} columns"
            )
        for column, cell in zip(header, cells, strict=True):
            where = f"{path}, row {row_number}, column {column!r}"
            if column.lower() == "time":
                try:
                    times.append(number(cell, decimal_comma=decimal_comma))
                except ValueError:
                    raise ModelError(f"{where}: {cell!r} is not a time") from None
            elif not cell:
                values[column].append(float("nan"))
            else:
                try:
                    values[column].append(number(cell, decimal_comma=decimal_comma))
                except ValueError:
                    raise ModelError(f"{where}: {cell!r} is not a number") from None
    if not times:
        raise ModelError(f"{path}: no rows of data")
    array = np.asarray(times)
    if np.any(np.diff(array) <= 0):
        raise ModelError(f"{path}: times must increase from one row to the next")
    series = {name: np.asarray(v, dtype=float) for name, v in values.items()}
    for name, v in series.items():
        if not np.isfinite(v).any():
            raise ModelError(f"{path}: column {name!r} has no values")
        if np.isinf(v).any():
            raise ModelError(f"{path}: column {name!r} has an infinite value")
    return Observations(array, series)

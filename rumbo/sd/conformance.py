"""Conformance against the SDXorg test-model suite: find its cases, read their canonical
output and compare an engine's results with it.

Each test directory of the suite holds one or more XMILE models and one canonical output,
``output.csv`` or ``output.tab``; the ``output_stella*`` / ``output_vensim*`` files beside them
are other tools' results and are not used.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPOSITORY = Path(__file__).resolve().parents[2]
SUITE = Path(
    os.environ.get("RUMBO_SD_SUITE") or REPOSITORY / ".." / "shared" / "sd-test-models" / "tests"
).resolve()

MODEL_SUFFIXES = (".xmile", ".stmx")
CANONICAL_NAMES = ("output.csv", "output.tab")

# Vensim writes the simulation settings as columns; an engine need not report them.
SIM_SPEC_COLUMNS = frozenset({"initial time", "final time", "time step", "saveper"})

# Canonical values carry about 6 significant digits, so a correct result can differ from
# them by up to 5e-6 of its value: RTOL leaves room for that rounding. The files come from
# single-precision runs, whose round-off leaves absolute errors of a few 1e-6 that are large
# relative to small values: exp/output.csv has StockA = -0.200003 for -0.2 and -2.52e-06 for
# 0, trig/output.csv arccos 0.0331849 for 0.0331853. ATOL absorbs them (with 1e-6 exp fails,
# with 1e-9 trig does, for PySD and pysimlin alike); it is also the floor PySD uses.
RTOL = 1e-5
ATOL = 1e-5
# Times are printed with a few decimals ("0.250") while engines accumulate them in binary.
TIME_RTOL = 1e-6
SHOWN_CELLS = 3


@dataclass(frozen=True)
class Case:
    """One model of the suite and the canonical output it must reproduce."""

    name: str
    model: Path
    expected: Path


def discover(suite: Path = SUITE) -> list[Case]:
    """Every model of the suite with its directory's canonical output, sorted by name."""
    if not suite.is_dir():
        raise FileNotFoundError(f"test-model suite not found: {suite}")
    cases = []
    for model in suite.rglob("*"):
        if model.suffix.lower() not in MODEL_SUFFIXES or not model.is_file():
            continue
        expected = _canonical_output(model.parent)
        if expected is not None:
            name = model.relative_to(suite).with_suffix("").as_posix()
            cases.append(Case(name=name, model=model, expected=expected))
    return sorted(cases, key=lambda case: case.name)


def _canonical_output(directory: Path) -> Path | None:
    for name in CANONICAL_NAMES:
        if (directory / name).is_file():
            return directory / name
    return None


def load_expected(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Times and {column header: values} of a canonical output file (.csv or .tab).

    The first column is time whatever its header. Columns with a blank header or a value
    that is not a number are skipped. A column blank after its first row is a constant
    written once (Vensim does that) and takes its first value throughout; any other blank
    cell is NaN.
    """
    header, rows = _read_table(path)
    times = np.array([float(row[0]) for row in rows])
    columns = {}
    for index, name in enumerate(header[1:], start=1):
        values = _numeric_column([row[index] for row in rows])
        if name.strip() and values is not None:
            columns[name.strip()] = values
    return times, columns


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of non-blank lines, every row padded to the header's width."""
    delimiter = "\t" if path.suffix.lower() == ".tab" else ","
    with path.open(newline="", encoding="utf-8-sig") as handle:
        lines = [row for row in csv.reader(handle, delimiter=delimiter) if any(map(str.strip, row))]
    if not lines:
        raise ValueError(f"{path}: empty file")
    header, rows = lines[0], lines[1:]
    width = len(header)
    return header, [(row + [""] * width)[:width] for row in rows]


def _numeric_column(cells: list[str]) -> np.ndarray | None:
    """The cells as floats (see `load_expected` for blanks); None if one is not a number."""
    try:
        values = [float(cell) if cell.strip() else None for cell in cells]
    except ValueError:
        return None
    first, rest = values[:1], values[1:]
    if first and first[0] is not None and rest and all(value is None for value in rest):
        return np.full(len(values), first[0])
    return np.array([np.nan if value is None else value for value in values])


_SPACES = re.compile(r"\s+")
_AROUND_PUNCTUATION = re.compile(r"\s*([\[\],])\s*")


def normalise(name: str) -> str:
    """A variable name in one comparable form: case, ``_`` versus space, runs of spaces,
    surrounding quotes and spaces inside subscripts (``a[b, c]`` = ``A[B,C]``) do not count."""
    text = name.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    text = _SPACES.sub(" ", text.replace("_", " ")).strip().casefold()
    return _AROUND_PUNCTUATION.sub(r"\1", text)


def compare(
    expected_times: np.ndarray,
    expected: Mapping[str, np.ndarray],
    actual_times: np.ndarray,
    actual: Mapping[str, np.ndarray],
    rtol: float = RTOL,
    atol: float = ATOL,
) -> list[str]:
    """Mismatches between a canonical output and an engine's results (empty when they agree).

    Columns are matched by `normalise`d name and compared at the expected times only. A cell
    agrees when ``|a - e| <= rtol * max(|a|, |e|) + atol``, or both are NaN.
    """
    expected_times = np.asarray(expected_times, dtype=float)
    actual_times = np.asarray(actual_times, dtype=float)
    positions = _time_positions(expected_times, actual_times)
    found = positions >= 0
    problems = []
    if not found.all():
        problems.append(f"times missing from results: {_shown(expected_times[~found])}")
    by_name = {normalise(name): values for name, values in actual.items()}
    for name, values in expected.items():
        key = normalise(name)
        if key not in by_name:
            if key not in SIM_SPEC_COLUMNS:
                problems.append(f"{name}: missing from results")
            continue
        series = _series(by_name[key], actual_times.size)
        if series is None:
            problems.append(f"{name}: {np.size(by_name[key])} values for {actual_times.size} times")
            continue
        problems.extend(
            _column_mismatches(
                name,
                expected_times[found],
                np.asarray(values, dtype=float)[found],
                series[positions[found]],
                rtol,
                atol,
            )
        )
    return problems


def _time_positions(wanted: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Index in ``times`` of each wanted time, or -1 where no time is close enough."""
    if times.size == 0:
        return np.full(wanted.shape, -1)
    order = np.argsort(times, kind="stable")
    ordered = times[order]
    after = np.searchsorted(ordered, wanted)
    below = np.clip(after - 1, 0, ordered.size - 1)
    above = np.clip(after, 0, ordered.size - 1)
    nearest = np.where(
        np.abs(ordered[below] - wanted) <= np.abs(ordered[above] - wanted), below, above
    )
    close = np.abs(ordered[nearest] - wanted) <= TIME_RTOL * np.maximum(1.0, np.abs(wanted))
    return np.where(close, order[nearest], -1)


def _series(values: np.ndarray, length: int) -> np.ndarray | None:
    """The values as a float series of the given length (a single value is repeated)."""
    array = np.asarray(values, dtype=float)
    if array.size == 1:
        return np.full(length, array.item())
    return array if array.shape == (length,) else None


def _column_mismatches(
    name: str,
    times: np.ndarray,
    expected: np.ndarray,
    actual: np.ndarray,
    rtol: float,
    atol: float,
) -> list[str]:
    scale = np.maximum(np.abs(actual), np.abs(expected))
    with np.errstate(invalid="ignore"):  # inf - inf
        close = np.abs(actual - expected) <= rtol * scale + atol
    agree = close | (actual == expected) | (np.isnan(actual) & np.isnan(expected))
    wrong = np.flatnonzero(~agree)
    problems = [
        f"{name} at t={times[i]:g}: expected {expected[i]:.6g}, got {actual[i]:.6g}"
        for i in wrong[:SHOWN_CELLS]
    ]
    if wrong.size > SHOWN_CELLS:
        problems.append(f"{name}: {wrong.size - SHOWN_CELLS} more cells differ")
    return problems


def _shown(values: np.ndarray) -> str:
    listed = ", ".join(f"{value:g}" for value in values[:SHOWN_CELLS])
    return listed + (f" and {values.size - SHOWN_CELLS} more" if values.size > SHOWN_CELLS else "")

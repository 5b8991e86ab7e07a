"""Observed series files: both decimal styles, comments, missing cells, row-named errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rumbo import sd
from rumbo.estimate import STANDARD_MODEL
from rumbo.estimate.calibrate import calibrate
from rumbo.estimate.series import read_observations
from rumbo.estimate.synthetic import (
    EXAMPLES,
    NOISE,
    SEED,
    TRUE_PARAMETERS,
    synthetic_observations,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "series.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_comma_and_semicolon_files_with_comments_and_gaps(tmp_path: Path) -> None:
    comma = read_observations(write(tmp_path, "# note\ntime,A,B\n2010,1.5,\n2011,2,3\n"))
    assert list(comma.times) == [2010, 2011]
    assert np.isnan(comma.series["B"][0]) and comma.series["B"][1] == 3
    semicolon = read_observations(write(tmp_path, "Time;A\n2010;1.234,5\n2011;2,25\n"))
    assert list(semicolon.series["A"]) == [1234.5, 2.25]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year,A\n2010,1\n", "no 'time' column"),
        ("time,A\n2010,1\n2011,x\n", r"row 3, column 'A': 'x' is not a number"),
        ("time,A\n2010,1\n2010,2\n", "times must increase"),
        ("time,A\n2010,1,3\n", "row 2: 3 values for 2 columns"),
        ("time,A\n2010,\n", "column 'A' has no values"),
        ("time,A,A\n2010,1,2\n", "appears twice"),
        ("time,A\n", "no rows of data"),
        ("# only a comment\n", "the file is empty"),
    ],
)
def test_bad_series_are_refused_naming_row_and_column(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(sd.ModelError, match=message):
        read_observations(write(tmp_path, text))


def test_the_shipped_example_is_labelled_synthetic_and_regenerates() -> None:
    path = EXAMPLES / "synthetic_series.csv"
    assert path.read_text(encoding="utf-8").startswith("# SYNTHETIC:")
    shipped = read_observations(path)
    model = sd.load(STANDARD_MODEL)
    again = synthetic_observations(model, TRUE_PARAMETERS, noise=NOISE, seed=SEED)
    assert np.array_equal(shipped.times, again.times)
    for name, values in again.series.items():
        assert np.allclose(shipped.series[name], values, atol=0.05), name  # written to 0.1


def test_the_worked_example_recovers_the_values_it_was_made_with() -> None:
    model = sd.load(STANDARD_MODEL)
    data = read_observations(EXAMPLES / "synthetic_series.csv")
    fitted = calibrate(model, data, list(TRUE_PARAMETERS))
    assert fitted.success, fitted.message
    # Well identified by these four series (1% noise)…
    for name in ("Output Growth Rate", "Productivity Growth Rate", "Average Permit Stay",
                 "Foreign Fill Share"):  # fmt: skip
        assert fitted.parameters[name] == pytest.approx(TRUE_PARAMETERS[name], rel=0.05), name
    # …while entrants and the exit rate trade off: the series fix their ratio (the level
    # domestic workers tend to) better than either.
    ratio = fitted.parameters["Base Domestic Entrants"] / fitted.parameters["Domestic Exit Rate"]
    true_ratio = TRUE_PARAMETERS["Base Domestic Entrants"] / TRUE_PARAMETERS["Domestic Exit Rate"]
    assert ratio == pytest.approx(true_ratio, rel=0.05)
    for stats in fitted.statistics.values():
        assert stats.mape is not None and stats.mape < 2

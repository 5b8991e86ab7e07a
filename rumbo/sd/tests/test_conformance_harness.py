"""The conformance harness: finding the suite's cases, reading canonical output, comparing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rumbo.sd.conformance import SUITE, compare, discover, load_expected, normalise

needs_suite = pytest.mark.skipif(not SUITE.is_dir(), reason=f"no test-model suite at {SUITE}")


@needs_suite
def test_discover_pairs_every_model_with_its_directory_canonical_output() -> None:
    cases = discover()
    names = [case.name for case in cases]

    assert names == sorted(names)
    assert "lookups/test_lookups_xscale" in names
    assert all(case.expected.name in {"output.csv", "output.tab"} for case in cases)
    lookups = [case for case in cases if case.name.startswith("lookups/")]
    assert len(lookups) == 5
    assert {case.expected for case in lookups} == {SUITE / "lookups" / "output.tab"}


@needs_suite
def test_load_csv_with_carriage_return_lines() -> None:
    times, columns = load_expected(SUITE / "exp" / "output.csv")

    assert times.tolist() == list(range(101))
    assert list(columns) == ["FlowA", "StockA", "test exp"]
    assert columns["test exp"][0] == pytest.approx(0.00673795)
    assert columns["StockA"][50] == pytest.approx(-2.52e-06)


@needs_suite
def test_load_tab_with_quoted_headers() -> None:
    times, columns = load_expected(SUITE / "subscript_updimensioning" / "output.tab")

    assert times.tolist() == [0, 1, 2]
    assert "Two Dims[A,D]" in columns
    assert columns["Two Dims[C,E]"].tolist() == [3, 3, 3]


@needs_suite
def test_constants_written_once_fill_their_column() -> None:
    _, columns = load_expected(SUITE / "subscript_mixed_assembly" / "output.tab")

    assert columns["mixed assembly[A,E]"].tolist() == [2.1] * 4
    assert columns["FINAL TIME"].tolist() == [3] * 4


def test_load_skips_text_columns_and_trailing_separator(tmp_path: Path) -> None:
    path = tmp_path / "output.csv"
    path.write_text('"Time",x,label,\n0,1e+06,a,\n1,,b,\n2,3,c,\n')

    times, columns = load_expected(path)

    assert times.tolist() == [0, 1, 2]
    assert list(columns) == ["x"]
    assert columns["x"][0] == 1e6
    assert np.isnan(columns["x"][1])


@pytest.mark.parametrize(
    "name",
    ["Two Dims[A, D]", "two_dims[a,d]", '"Two  Dims[ A ,D ]"', "TWO DIMS[A,D]"],
)
def test_normalise_makes_spellings_of_one_name_equal(name: str) -> None:
    assert normalise(name) == "two dims[a,d]"


def test_normalise_keeps_distinct_names_apart() -> None:
    assert normalise("stock a") != normalise("stocka")
    assert normalise("a[b,c]") != normalise("a[c,b]")


TIMES = np.array([0.0, 0.5, 1.0])
EXPECTED = {"Stock A": np.array([1.0, 2.0, 3.0]), "TIME STEP": np.array([0.5, 0.5, 0.5])}


def test_compare_passes_within_tolerance_and_without_sim_spec_columns() -> None:
    actual = {"stock_a": np.array([1.0, 2.0 * (1 + 4e-6), 3.0])}

    assert compare(TIMES, EXPECTED, TIMES, actual) == []


def test_compare_reports_value_mismatch_with_time_and_values() -> None:
    actual = {"Stock A": np.array([1.0, 2.1, 3.0])}

    assert compare(TIMES, EXPECTED, TIMES, actual) == ["Stock A at t=0.5: expected 2, got 2.1"]


def test_compare_reports_missing_column() -> None:
    assert compare(TIMES, EXPECTED, TIMES, {}) == ["Stock A: missing from results"]


def test_compare_selects_expected_times_from_finer_results() -> None:
    fine = np.arange(0.0, 1.0 + 1e-9, 0.1)  # fine[3] is 0.30000000000000004
    times = np.array([0.0, 0.3, 0.5, 1.0])

    problems = compare(times, {"x": 1.0 + 2.0 * times}, fine, {"x": 1.0 + 2.0 * fine})

    assert fine[3] != 0.3
    assert problems == []


def test_compare_reports_missing_times() -> None:
    actual = {"Stock A": np.array([1.0, 3.0])}

    problems = compare(TIMES, EXPECTED, np.array([0.0, 1.0]), actual)

    assert problems == ["times missing from results: 0.5"]


def test_compare_nan_equals_nan_and_near_zero_uses_absolute_floor() -> None:
    expected = {"x": np.array([np.nan, -2.52e-6, 5.0])}
    actual = {"x": np.array([np.nan, 0.0, 5.0])}

    assert compare(TIMES, expected, TIMES, actual) == []
    assert compare(TIMES, expected, TIMES, {"x": np.array([1.0, 0.0, 5.0])}) != []


def test_compare_shows_a_few_cells_per_column() -> None:
    times = np.arange(10.0)
    problems = compare(times, {"x": np.zeros(10)}, times, {"x": np.ones(10)})

    assert len(problems) == 4
    assert problems[-1] == "x: 7 more cells differ"

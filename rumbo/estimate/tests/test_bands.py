"""Monte Carlo bands: ranges read with row-named errors, reproducible draws, true percentiles."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import numpy as np
import pytest
from scipy import stats  # type: ignore[import-untyped]

from rumbo import sd
from rumbo.estimate import STANDARD_MODEL
from rumbo.estimate.bands import Range, bands, draw, percentiles, read_ranges
from rumbo.estimate.synthetic import EXAMPLES

# Output = the rate itself (constant over time) and a stock growing at it: the percentiles of
# the output are those of the rate's distribution.
GROWTH = """<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<header><vendor>test</vendor><product>test</product></header>
<sim_specs method="Euler"><start>0</start><stop>2</stop><dt>1</dt></sim_specs>
<model><variables>
<aux name="rate"><eqn>0.1</eqn></aux>
<aux name="echo"><eqn>rate</eqn></aux>
<stock name="level"><eqn>100</eqn><inflow>growth</inflow></stock>
<flow name="growth"><eqn>level * rate</eqn></flow>
</variables></model></xmile>"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ranges.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_example_ranges_are_read(tmp_path: Path) -> None:
    ranges = read_ranges(EXAMPLES / "synthetic_ranges.csv")
    assert [r.distribution for r in ranges] == ["triangular", "uniform", "normal", "uniform"]
    assert ranges[0] == Range("Output Growth Rate", "triangular", 0.02, 0.06, 0.042)


def test_semicolons_and_decimal_commas_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "name;distribution;low;high\nrate;uniform;0,05;0,15\n")
    assert read_ranges(path) == [Range("rate", "uniform", 0.05, 0.15)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,distribution,low,high\nrate,beta,0,1\n", "row 2: rate: distribution 'beta'"),
        ("name,distribution,low,high\nrate,uniform,1,0\n", "row 2: rate: low must be"),
        ("name,distribution,low,high,mode\nrate,triangular,0,1,\n", "row 2: rate: a triangular"),
        ("name,distribution,low,high,mode\nrate,uniform,0,1,0.5\n", "only a triangular"),
        ("name,distribution,low,high\n# c\nrate,uniform,0,x\n", "row 3, column 'high': 'x'"),
        ("name,distribution,low,high\nrate,uniform,0\n", "row 2: 3 values for 4 columns"),
        ("name,low,high\nrate,0,1\n", "the header must be"),
        ("name,distribution,low,high\n", "no ranges"),
        ("name,distribution,low,high\nr,uniform,0,1\nr,uniform,0,2\n", "two ranges"),
    ],
)
def test_bad_ranges_are_refused_naming_the_row(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(sd.ModelError, match=message):
        read_ranges(write(tmp_path, text))


def test_draws_follow_their_distributions_and_repeat_with_the_seed() -> None:
    ranges = [
        Range("u", "uniform", 1.0, 3.0),
        Range("t", "triangular", 0.0, 1.0, 0.25),
        Range("n", "normal", 10.0, 20.0),
    ]
    values = draw(ranges, 200_000, seed=5)
    assert values["u"].min() >= 1 and values["u"].max() <= 3
    assert values["t"].mean() == pytest.approx((0 + 1 + 0.25) / 3, abs=0.003)
    # low and high of a normal range are its 2.5th and 97.5th percentiles
    assert np.percentile(values["n"], [2.5, 97.5]) == pytest.approx([10, 20], abs=0.05)
    again = draw(ranges, 200_000, seed=5)
    assert all(np.array_equal(values[k], again[k]) for k in values)
    assert not np.array_equal(values["u"], draw(ranges, 200_000, seed=6)["u"])


def test_bands_are_the_percentiles_of_the_parameter_distribution() -> None:
    model = sd.loads(GROWTH)
    result = bands(model, [Range("rate", "uniform", 0.0, 0.2)], 40_000, seed=3)
    echo = result.figures["echo"]
    expected = {"low_95": 0.005, "low_80": 0.02, "median": 0.1, "high_80": 0.18, "high_95": 0.195}
    for name, value in expected.items():
        assert echo[name] == pytest.approx(np.full(3, value), abs=0.002), name
    # the stock after two steps is 100 (1 + rate)²: a monotone map keeps the percentiles
    level = result.figures["level"]
    assert level["high_80"][2] == pytest.approx(100 * 1.18**2, rel=1e-3)
    assert level["mean"][2] == pytest.approx(
        100 * stats.uniform(0, 0.2).expect(lambda r: (1 + r) ** 2), rel=1e-3
    )
    assert result.members == 40_000


def test_percentiles_agree_with_numpys_and_keep_nan() -> None:
    values = np.random.default_rng(1).normal(size=(1001, 7))
    q = [2.5, 10, 50, 90, 97.5]
    assert np.allclose(percentiles(values, q), np.percentile(values, q, axis=0), rtol=1e-14)
    values[3, 2] = np.nan
    assert np.isnan(percentiles(values, q)[:, 2]).all()
    assert not np.isnan(percentiles(values, q)[:, 1]).any()


def test_the_standard_models_bands_are_ordered_and_written_as_csv() -> None:
    model = sd.load(STANDARD_MODEL)
    ranges = read_ranges(EXAMPLES / "synthetic_ranges.csv")
    result = bands(model, ranges, 500, seed=1, variables=["Unfilled Demand"])
    figures = result.figures["Unfilled Demand"]
    order = [figures[k] for k in ("low_95", "low_80", "median", "high_80", "high_95")]
    assert all(np.all(a <= b) for a, b in itertools.pairwise(order))
    assert np.any(figures["high_95"] > figures["low_95"])
    out = io.StringIO()
    result.write_csv(out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "variable,time,mean,low_95,low_80,median,high_80,high_95"
    assert len(lines) == 1 + len(result.times)


def test_an_ensemble_too_large_for_memory_is_refused_before_running() -> None:
    with pytest.raises(sd.ModelError, match="GiB: ask for fewer variables or members"):
        bands(sd.load(STANDARD_MODEL), [Range("Permit Quota", "uniform", 1, 2)], 10**8)


def test_a_range_for_a_computed_variable_is_refused() -> None:
    with pytest.raises(sd.ModelError, match="cannot be set"):
        bands(sd.loads(GROWTH), [Range("growth", "uniform", 0, 1)], 10)


def test_bands_on_a_dask_cluster_equal_the_local_ones() -> None:
    dask_distributed = pytest.importorskip("dask.distributed")
    model = sd.loads(GROWTH)
    ranges = [Range("rate", "normal", 0.0, 0.2)]
    local = bands(model, ranges, 1000, seed=9)
    with dask_distributed.Client(processes=False, n_workers=1, threads_per_worker=1,
                                 dashboard_address=None) as client:  # fmt: skip
        remote = bands(model, ranges, 1000, seed=9, client=client,
                       model_text=GROWTH.encode(), chunk_size=300)  # fmt: skip
    for name, figures in local.figures.items():
        for statistic, values in figures.items():
            assert np.array_equal(remote.figures[name][statistic], values), (name, statistic)

"""Calibration: fit statistics by hand, known parameters recovered, one ensemble per step."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rumbo import sd
from rumbo.estimate import STANDARD_MODEL
from rumbo.estimate.calibrate import calibrate, fit_statistics, jacobian_points
from rumbo.estimate.series import Observations
from rumbo.estimate.synthetic import synthetic_observations

OBSERVED = ("Sector Output", "Domestic Workers", "Total Foreign Workers", "Permits Granted")


@pytest.fixture(scope="module")
def model() -> sd.Model:
    return sd.load(STANDARD_MODEL)


def test_fit_statistics_match_a_hand_computation() -> None:
    # observed 1 2 3 4, simulated 2 2 2 6: errors 1 0 -1 2, MSE 6/4.
    stats = fit_statistics(np.array([1.0, 2, 3, 4]), np.array([2.0, 2, 2, 6]))
    mse = 1.5
    assert stats.n == 4
    assert stats.rmse == pytest.approx(math.sqrt(mse))
    assert stats.mape == pytest.approx((1 + 0 + 1 / 3 + 2 / 4) / 4 * 100)
    # mean s² = 48/4 = 12, mean a² = 30/4 = 7.5
    assert stats.theil_u == pytest.approx(math.sqrt(mse) / (math.sqrt(12) + math.sqrt(7.5)))
    # means 3 and 2.5; variances 12/4 = 3 and 5/4; covariance 6/4, so r = 1.5/sqrt(3.75)
    assert stats.um == pytest.approx(0.25 / mse)
    assert stats.us == pytest.approx((math.sqrt(3) - math.sqrt(1.25)) ** 2 / mse)
    assert stats.uc == pytest.approx(2 * (math.sqrt(3.75) - 1.5) / mse)
    assert stats.um + stats.us + stats.uc == pytest.approx(1)
    assert stats.r2 == pytest.approx(1 - 6 / 5)


def test_fit_statistics_skip_missing_observations_and_zeros_in_mape() -> None:
    stats = fit_statistics(np.array([0.0, np.nan, 2.0]), np.array([1.0, 5.0, 3.0]))
    assert stats.n == 2
    assert stats.mape == pytest.approx(50.0)  # only the non-zero observation, |3-2|/2
    perfect = fit_statistics(np.array([1.0, 1.0]), np.array([1.0, 1.0]))
    assert (perfect.rmse, perfect.theil_u, perfect.um, perfect.r2) == (0, 0, 0, None)


def test_three_parameters_are_recovered_from_noisy_series(model: sd.Model) -> None:
    true = {"Output Growth Rate": 0.047, "Domestic Exit Rate": 0.03, "Average Permit Stay": 5.0}
    data = synthetic_observations(model, true, noise=0.002, seed=11)
    fitted = calibrate(model, data, list(true))
    assert fitted.success, fitted.message
    for name, value in true.items():
        assert fitted.parameters[name] == pytest.approx(value, rel=0.03), name
    assert fitted.parameters != fitted.start
    for stats in fitted.statistics.values():
        assert stats.mape is not None and stats.mape < 1.0
        assert stats.r2 is not None and stats.r2 > 0.95


def test_six_parameters_are_recovered_exactly_from_noise_free_series(model: sd.Model) -> None:
    true = {
        "Output Growth Rate": 0.045, "Domestic Exit Rate": 0.03, "Average Permit Stay": 5.0,
        "Productivity Growth Rate": 0.015, "Foreign Fill Share": 0.8,
        "Base Domestic Entrants": 12000.0,
    }  # fmt: skip
    data = synthetic_observations(model, true, noise=0.0)
    fitted = calibrate(model, data, list(true))
    for name, value in true.items():
        assert fitted.parameters[name] == pytest.approx(value, rel=1e-6), name
    assert fitted.statistics["Total Foreign Workers"].rmse < 1e-3


def test_each_jacobian_is_one_ensemble_of_the_point_and_its_perturbed_copies(
    model: sd.Model,
) -> None:
    true = {"Output Growth Rate": 0.047, "Average Permit Stay": 5.0}
    data = synthetic_observations(model, true, noise=0.0)
    fitted = calibrate(model, data, list(true))
    assert fitted.ensembles >= 1
    # every residual evaluation is one run, each Jacobian one ensemble of k + 1 members,
    # and the fitted values are run once more for the statistics
    assert fitted.model_evaluations == fitted.iterations + 3 * fitted.ensembles + 1


def test_central_differences_fit_the_same_values(model: sd.Model) -> None:
    true = {"Output Growth Rate": 0.047, "Average Permit Stay": 5.0}
    data = synthetic_observations(model, true, noise=0.0)
    fitted = calibrate(model, data, list(true), difference="central")
    assert fitted.parameters["Output Growth Rate"] == pytest.approx(0.047, rel=1e-6)
    assert fitted.model_evaluations == fitted.iterations + 4 * fitted.ensembles + 1  # 2k


def test_a_forward_step_that_would_leave_the_bounds_is_taken_backwards() -> None:
    x = np.array([1.0, 2.0])
    points, steps = jacobian_points(x, np.array([0.0, 0.0]), np.array([1.0, 10.0]), 1e-3, "forward")
    assert steps[0] < 0 < steps[1]
    assert points[1, 0] < 1.0 and points[2, 1] > 2.0
    assert np.array_equal(points[0], x)


def test_bounds_keep_the_fit_inside(model: sd.Model) -> None:
    data = synthetic_observations(model, {"Output Growth Rate": 0.06}, noise=0.0)
    fitted = calibrate(model, data, ["Output Growth Rate"],
                       bounds={"Output Growth Rate": (0.0, 0.05)})  # fmt: skip
    assert fitted.parameters["Output Growth Rate"] == pytest.approx(0.05, abs=1e-6)


def test_a_start_where_the_model_breaks_down_is_refused(model: sd.Model) -> None:
    data = synthetic_observations(model, {}, noise=0.0)
    with pytest.raises(sd.ModelError, match="cannot start from these values"):
        calibrate(model, data, ["Average Permit Stay"], start={"Average Permit Stay": 0.0})


@pytest.mark.parametrize(
    ("fit", "times", "column", "message"),
    [
        (["Labour Demand"], [2010.0], "Sector Output", "computed from other variables"),
        (["Initial Foreign Workers"], [2010.0], "Sector Output", "several elements"),
        (["Output Growth Rate"], [2010.0], "Foreign Workers", "several elements"),
        (["Output Growth Rate"], [2010.1], "Sector Output", "not a saved time"),
        (["No Such Rate"], [2010.0], "Sector Output", "no variable called"),
        ([], [2010.0], "Sector Output", "at least one parameter"),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message(
    model: sd.Model, fit: list[str], times: list[float], column: str, message: str
) -> None:
    data = Observations(np.array(times), {column: np.ones(len(times))})
    with pytest.raises(sd.ModelError, match=message):
        calibrate(model, data, fit)

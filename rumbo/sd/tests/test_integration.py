"""Integration methods against closed-form solutions, their order of convergence, and the
simulation clock: start time, dt (also written as a reciprocal), saved times, method choice."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from rumbo import sd

from .xmile_text import aux, document, flow, model, stock

K = 0.2  # decay rate: dS/dt = -K S


def decay(dt: float, method: str | None = None, **options: object) -> sd.Model:
    variables = [stock("S", "100", outflows=["out"]), flow("out", "k * S"), aux("k", str(K))]
    return model(variables, stop=10, dt=dt, method=method, **options)


def decay_error(dt: float, method: str) -> float:
    """The largest relative error against S0 exp(-K t)."""
    result = decay(dt).run(method=method)
    exact = 100 * np.exp(-K * result.times)
    return float(np.max(np.abs(result["S"] - exact) / exact))


def logistic_error(dt: float, method: str) -> float:
    """The largest error, relative to the capacity, against the logistic closed form."""
    variables = [
        stock("P", "10", inflows=["growth"]),
        flow("growth", "r * P * (1 - P / capacity)"),
        aux("r", "0.8"),
        aux("capacity", "1000"),
    ]
    result = model(variables, stop=15, dt=dt, method=method).run()
    exact = 1000 / (1 + (1000 / 10 - 1) * np.exp(-0.8 * result.times))
    return float(np.max(np.abs(result["P"] - exact)) / 1000)


def oscillator(dt: float, method: str) -> sd.Result:
    """x'' = -x as two stocks, with x(0) = 1, x'(0) = 0: x = cos t, v = -sin t."""
    variables = [
        stock("x", "1", inflows=["velocity"]),
        flow("velocity", "v"),
        stock("v", "0", inflows=["acceleration"]),
        flow("acceleration", "-x"),
    ]
    return model(variables, stop=8, dt=dt, method=method).run()


def oscillator_error(dt: float, method: str) -> float:
    result = oscillator(dt, method)
    t = result.times
    return float(
        max(np.max(np.abs(result["x"] - np.cos(t))), np.max(np.abs(result["v"] + np.sin(t))))
    )


# -- each method is the scheme it claims to be ------------------------------------------------


@pytest.mark.parametrize(
    ("method", "factor"),
    [
        ("euler", lambda z: 1 - z),
        ("rk2", lambda z: 1 - z + z**2 / 2),
        ("rk4", lambda z: 1 - z + z**2 / 2 - z**3 / 6 + z**4 / 24),
    ],
    ids=["euler", "rk2", "rk4"],
)
def test_one_step_of_linear_decay_is_the_methods_taylor_polynomial(
    method: str, factor: Callable[[float], float]
) -> None:
    # On dS/dt = -k S, a step multiplies S by the Taylor polynomial of exp(-k dt) of the
    # method's order: S_n = S0 R(k dt)^n exactly.
    dt = 0.5
    result = decay(dt).run(method=method)
    n = np.arange(len(result.times))
    assert result["S"] == pytest.approx(100 * factor(K * dt) ** n, rel=1e-13)


def test_rk4_decay_matches_the_exponential_to_1e_7() -> None:
    assert decay_error(0.25, "rk4") < 2e-7


@pytest.mark.parametrize(
    ("method", "ratio"), [("euler", 2.0), ("rk2", 4.0), ("rk4", 16.0)], ids=str
)
def test_halving_dt_divides_the_decay_error_by_two_to_the_order(method: str, ratio: float) -> None:
    errors = [decay_error(dt, method) for dt in (0.5, 0.25, 0.125)]
    assert errors[0] / errors[1] == pytest.approx(ratio, rel=0.1)
    assert errors[1] / errors[2] == pytest.approx(ratio, rel=0.06)


def test_logistic_growth_against_its_closed_form() -> None:
    assert logistic_error(0.0625, "rk4") < 5e-8
    assert logistic_error(0.0625, "euler") < 0.03
    ratios = {
        method: logistic_error(0.125, method) / logistic_error(0.0625, method)
        for method in ("euler", "rk2", "rk4")
    }
    assert ratios["euler"] == pytest.approx(2.0, rel=0.05)
    assert ratios["rk2"] == pytest.approx(4.0, rel=0.05)
    assert ratios["rk4"] == pytest.approx(16.0, rel=0.06)


def test_linear_oscillator_two_stocks_against_cos_and_sin() -> None:
    assert oscillator_error(0.0625, "rk4") < 2e-6
    assert oscillator_error(0.0625, "rk4") / oscillator_error(0.03125, "rk4") == pytest.approx(
        16.0, rel=0.03
    )
    assert oscillator_error(0.0625, "rk2") / oscillator_error(0.03125, "rk2") == pytest.approx(
        4.0, rel=0.03
    )
    # Euler spirals outwards: the amplitude grows by sqrt(1 + dt^2) each step.
    result = oscillator(0.125, "euler")
    amplitude = np.hypot(result["x"], result["v"])
    assert amplitude == pytest.approx((1 + 0.125**2) ** (np.arange(65) / 2), rel=1e-12)


def test_rate_depending_on_time_uses_the_stage_times() -> None:
    # dS/dt = cos(TIME) from t = 1 with S(1) = sin(1): S = sin(t). Only right if the RK stages
    # evaluate TIME at t + dt/2 and t + dt.
    variables = [stock("S", "SIN(1)", inflows=["f"]), flow("f", "COS(TIME)")]
    errors = {}
    for dt in (0.25, 0.125):
        result = model(variables, start=1, stop=5, dt=dt, method="rk4").run()
        errors[dt] = np.max(np.abs(result["S"] - np.sin(result.times)))
    assert errors[0.25] < 5e-6
    assert errors[0.25] / errors[0.125] == pytest.approx(16.0, rel=0.05)


# -- the clock ---------------------------------------------------------------------------------


def test_non_zero_start_time() -> None:
    variables = [stock("S", "2", inflows=["f"]), flow("f", "0.5"), aux("t", "TIME")]
    result = model(variables, start=1990, stop=1992, dt=0.5).run()
    assert result.times.tolist() == [1990, 1990.5, 1991, 1991.5, 1992]
    assert result["t"].tolist() == result.times.tolist()
    assert result["S"].tolist() == [2, 2.25, 2.5, 2.75, 3]


def test_reciprocal_dt_is_steps_per_time_unit() -> None:
    m = decay(4, reciprocal=True)
    assert m.specs.dt == 0.25
    result = m.run(method="euler")
    assert len(result.times) == 41
    assert result.times[:3].tolist() == [0, 0.25, 0.5]
    assert result["S"][-1] == pytest.approx(100 * (1 - K / 4) ** 40, rel=1e-12)


def test_save_interval_of_the_sim_specs_sets_the_saved_times() -> None:
    full = decay(0.5).run()
    m = decay(0.5, save_interval=2.0)
    assert m.specs.save_interval == 2.0
    result = m.run()
    assert result.times.tolist() == [0, 2, 4, 6, 8, 10]
    assert result["S"].tolist() == full["S"][::4].tolist()
    ensemble = m.ensemble({"k": [K, 0.1]})
    assert ensemble["S"].shape == (2, 6)
    assert ensemble["S"][0].tolist() == full["S"][::4].tolist()


def test_save_every_counts_dt_steps_and_overrides_the_save_interval() -> None:
    full = decay(0.5).run()
    every3 = decay(0.5, save_interval=2.0).run(save_every=3)
    assert every3.times.tolist() == [0, 1.5, 3, 4.5, 6, 7.5, 9]
    assert every3["S"].tolist() == full["S"][::3].tolist()
    assert decay(0.5).ensemble({"k": [K]}, save_every=5)["S"][0].tolist() == full["S"][::5].tolist()
    with pytest.raises(sd.ModelError, match="save_every"):
        decay(0.5).run(save_every=0)


def test_method_comes_from_the_sim_specs_unless_given() -> None:
    # k = 1, dt = 1: Euler empties the stock in one step, RK4 keeps 1 - 1 + 1/2 - 1/6 + 1/24.
    text = document(
        [stock("S", "100", outflows=["out"]), flow("out", "S")], stop=1, dt=1, method="RK4"
    )
    m = sd.loads(text)
    assert m.specs.method == "rk4"
    assert m.run()["S"].tolist() == [100, 37.5]
    assert m.run(method="euler")["S"].tolist() == [100, 0]
    assert m.run(method="rk2")["S"].tolist() == [100, 50]
    assert m.ensemble({}, members=2)["S"][:, 1].tolist() == [37.5, 37.5]
    assert sd.loads(text.replace('method="RK4"', "")).run()["S"].tolist() == [100, 0]
    with pytest.raises(sd.ModelError, match="integration method 'gear'"):
        m.run(method="gear")


def test_vector_backend_integrates_like_the_scalar_one() -> None:
    m = decay(0.25)
    for method in ("euler", "rk2", "rk4"):
        single = m.run({"k": 0.3}, method=method)
        many = m.ensemble({"k": [0.1, 0.3]}, method=method)
        np.testing.assert_allclose(many["S"][1], single["S"], rtol=1e-14)


@pytest.mark.parametrize(("stop", "dt"), [(1, 0.6), (3.5, 1)])
def test_a_run_never_goes_past_its_stop_time(stop: float, dt: float) -> None:
    result = model([aux("t", "TIME")], stop=stop, dt=dt).run()
    assert result.times[-1] <= stop
    assert stop - result.times[-1] < dt

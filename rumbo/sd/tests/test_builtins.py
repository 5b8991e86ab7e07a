"""Builtin functions, each against values worked out by hand or a closed form; every value is
checked in a single run (scalar backend) and in an ensemble (vector backend)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rumbo import sd

from .xmile_text import aux, flow, gf, model, stock


def values(equations: dict[str, str], **options: object) -> dict[str, np.ndarray]:
    """Each equation as an aux; its values over time, the same from both backends."""
    m = model([aux(name, eqn) for name, eqn in equations.items()], **options)
    single = m.run()
    many = m.ensemble({}, members=2)
    out = {}
    for name in equations:
        np.testing.assert_allclose(many[name][0], single[name], rtol=1e-14)
        np.testing.assert_allclose(many[name][1], single[name], rtol=1e-14)
        out[name] = single[name]
    return out


ARITHMETIC = {
    "MIN(3, -2)": -2,
    "MAX(3, -2)": 3,
    "MIN(4, 1, 7)": 1,
    "MAX(4, 1, 7)": 7,
    "ABS(-2.5)": 2.5,
    "ABS(2.5)": 2.5,
    "EXP(1)": math.e,
    "LN(10)": math.log(10),
    "LOG10(1000)": 3,
    "SQRT(16)": 4,
    "SIN(PI / 6)": 0.5,
    "COS(PI / 3)": 0.5,
    "TAN(PI / 4)": 1,
    "ARCSIN(0.5)": math.pi / 6,
    "ARCCOS(0.5)": math.pi / 3,
    "ARCTAN(1)": math.pi / 4,
    "INT(2.7)": 2,
    "INT(-2.5)": -3,
    "INT(-3)": -3,
    "MOD(7, 3)": 1,
    "7 MOD 3": 1,
    "MOD(-7, 3)": 2,
    "MOD(7.5, 2)": 1.5,
    "2 * MOD(7, 4) MOD 4": 2,
    "-2 ^ 2": -4,
    "2 ^ 3 ^ 2": 512,
    "2 ^ -1": 0.5,
    "2 + 3 * 4": 14,
    "(2 + 3) * 4": 20,
    "1 - 2 - 3": -4,
    "12 / 4 / 3": 1,
    "SAFEDIV(1, 0)": 0,
    "SAFEDIV(1, 0, 7)": 7,
    "SAFEDIV(6, 3)": 2,
    "XIDZ(1, 0, 9)": 9,
    "XIDZ(6, 3, 9)": 2,
    "ZIDZ(1, 0)": 0,
    "ZIDZ(6, 3)": 2,
    "PI": math.pi,
    "NOT 0 = 1": 1,  # NOT binds like a unary minus: (NOT 0) = 1
    "NOT 2": 0,
    "1 < 2 AND 2 < 3 OR 0": 1,
    "3 >= 3": 1,
    "3 <> 3": 0,
}


def test_arithmetic_functions_and_operators() -> None:
    names = {f"v{i}": eqn for i, eqn in enumerate(ARITHMETIC)}
    got = values(names, stop=0)
    for name, eqn in names.items():
        assert got[name][0] == pytest.approx(ARITHMETIC[eqn], rel=1e-15, abs=1e-15), eqn


def test_if_then_else_nested_with_and_or_not() -> None:
    got = values(
        {
            "nested": "IF TIME < 2 THEN 10 ELSE IF TIME >= 4 AND NOT (TIME = 5) THEN 30 ELSE 20",
            "either": "IF TIME = 1 OR TIME = 3 THEN 1 ELSE 0",
            "neither": "IF NOT (TIME = 1 OR TIME = 3) AND TIME <> 6 THEN 1 ELSE 0",
            "function form": "IF_THEN_ELSE(TIME <= 2, TIME, -TIME)",
            "inside": "2 * (IF TIME > 3 THEN 1 ELSE 0) + 1",
        },
        stop=6,
    )
    assert got["nested"].tolist() == [10, 10, 20, 20, 30, 20, 30]
    assert got["either"].tolist() == [0, 1, 0, 1, 0, 0, 0]
    assert got["neither"].tolist() == [1, 0, 1, 0, 1, 1, 0]
    assert got["function form"].tolist() == [0, 1, 2, -3, -4, -5, -6]
    assert got["inside"].tolist() == [1, 1, 1, 1, 3, 3, 3]


def test_time_dt_start_and_stop_time() -> None:
    got = values(
        {"t": "TIME", "step": "DT", "start": "STARTTIME", "stop": "STOPTIME"},
        start=2,
        stop=4,
        dt=0.5,
    )
    assert got["t"].tolist() == [2, 2.5, 3, 3.5, 4]
    assert got["step"].tolist() == [0.5] * 5
    assert got["start"].tolist() == [2] * 5
    assert got["stop"].tolist() == [4] * 5


# -- time-shaped inputs ------------------------------------------------------------------------


def test_pulse_is_magnitude_over_dt_for_one_step() -> None:
    got = values(
        {"once": "PULSE(2, 1)", "repeated": "PULSE(2, 1, 1.5)", "no interval": "PULSE(2, 1, 0)"},
        stop=5,
        dt=0.25,
    )
    t = np.arange(0, 5.01, 0.25)
    assert got["once"].tolist() == np.where(t == 1, 8.0, 0.0).tolist()
    assert got["repeated"].tolist() == np.where(np.isin(t, [1, 2.5, 4]), 8.0, 0.0).tolist()
    assert got["no interval"].tolist() == got["once"].tolist()


def test_pulse_into_a_stock_adds_its_magnitude() -> None:
    for dt in (1, 0.25, 0.1):
        result = model(
            [stock("S", "0", inflows=["in"]), flow("in", "PULSE(3, 2, 2)")], stop=7, dt=dt
        ).run()
        t = result.times
        expected = 3 * ((t > 2 + 1e-9).astype(int) + (t > 4 + 1e-9) + (t > 6 + 1e-9))
        np.testing.assert_allclose(result["S"], expected, rtol=1e-12)


def test_step_and_ramp() -> None:
    got = values(
        {"step": "STEP(3, 1)", "ramp": "RAMP(2, 1)", "ramp end": "RAMP(2, 1, 2)"},
        stop=3,
        dt=0.5,
    )
    assert got["step"].tolist() == [0, 0, 3, 3, 3, 3, 3]
    assert got["ramp"].tolist() == [0, 0, 0, 1, 2, 3, 4]
    assert got["ramp end"].tolist() == [0, 0, 0, 1, 2, 2, 2]


# -- delays and smooths ------------------------------------------------------------------------


def test_delay_is_a_fixed_pipeline() -> None:
    got = values(
        {
            "delayed": "DELAY(TIME * TIME, 2)",
            "with initial": "DELAY(TIME, 2, 7)",
            "between steps": "DELAY(TIME, 0.75)",
        },
        stop=5,
        dt=0.5,
    )
    t = np.arange(0, 5.01, 0.5)
    assert got["delayed"].tolist() == np.where(t >= 2, (t - 2) ** 2, 0).tolist()
    assert got["with initial"].tolist() == np.where(t >= 2, t - 2, 7).tolist()
    # Delayed by a time between two steps: the input is interpolated.
    assert got["between steps"].tolist() == np.where(t >= 0.75, t - 0.75, 0).tolist()


def test_delay_time_varying_per_member_of_an_input_with_a_per_member_part() -> None:
    m = model([aux("d", "1"), aux("k", "1"), aux("x", "DELAY(k * TIME, d, 5)")], stop=3, dt=0.5)
    many = m.ensemble({"d": [1, 1.5], "k": [1, 2]})
    assert many["x"].tolist() == [
        [5, 5, 0, 0.5, 1, 1.5, 2],
        [5, 5, 5, 0, 1, 2, 3],
    ]


def test_delay_time_varying_per_member_of_a_shared_input() -> None:
    m = model([aux("d", "1"), aux("x", "DELAY(TIME * TIME, d, 5)")], stop=3, dt=0.5)
    many = m.ensemble({"d": [1, 1.5]})
    assert many["x"].tolist() == [
        [5, 5, 0, 0.25, 1, 2.25, 4],
        [5, 5, 5, 0, 0.25, 1, 2.25],
    ]


TAU = 2.0
DT = 1 / 16


def delays() -> sd.Result:
    return model(
        [
            aux("input", "STEP(1, 1)"),
            aux("delay1", "DELAY1(input, 2)"),
            aux("delayn1", "DELAYN(input, 2, 1)"),
            aux("delay3", "DELAY3(input, 2)"),
            aux("delayn3", "DELAYN(input, 2, 3)"),
            aux("smth1", "SMTH1(input, 2)"),
            aux("smthn1", "SMTHN(input, 2, 1)"),
            aux("smth3", "SMTH3(input, 2)"),
            aux("smthn3", "SMTHN(input, 2, 3)"),
            aux("delay1 initial", "DELAY1(input, 2, 5)"),
            aux("smth1 initial", "SMTH1(input, 2, 5)"),
        ],
        stop=12,
        dt=DT,
    ).run()


def test_first_order_delay_and_smooth_of_a_step_against_the_exponential() -> None:
    result = delays()
    t = result.times
    after = np.maximum(t - 1, 0)
    exact = 1 - np.exp(-after / TAU)
    # Euler's own closed form: (1 - dt/tau) per step after the step.
    euler = 1 - (1 - DT / TAU) ** np.round(after / DT)
    for name in ("delay1", "smth1", "delayn1", "smthn1"):
        np.testing.assert_allclose(result[name], euler, rtol=1e-12, atol=1e-12)
        assert np.max(np.abs(result[name] - exact)) < DT / TAU  # Euler's error


def test_third_order_delay_and_smooth_of_a_step_against_the_erlang_cdf() -> None:
    result = delays()
    x = 3 * np.maximum(result.times - 1, 0) / TAU
    exact = 1 - np.exp(-x) * (1 + x + x**2 / 2)
    for name in ("delay3", "smth3", "delayn3", "smthn3"):
        assert np.max(np.abs(result[name] - exact)) < 0.02
    assert result["delayn3"].tolist() == result["delay3"].tolist()
    assert result["smthn3"].tolist() == result["smth3"].tolist()


def test_delay_and_smooth_initial_values() -> None:
    result = delays()
    steps = np.round(result.times / DT)
    before = result.times <= 1
    # The input is 0 until t = 1: both start at 5 and decay towards 0.
    expected = 5 * (1 - DT / TAU) ** steps[before]
    np.testing.assert_allclose(result["delay1 initial"][before], expected, rtol=1e-12)
    np.testing.assert_allclose(result["smth1 initial"][before], expected, rtol=1e-12)


def test_material_delay_conserves_what_goes_in() -> None:
    result = model(
        [
            stock("received", "0", inflows=["arrivals"]),
            flow("arrivals", "DELAY3(PULSE(10, 1), 3)"),
        ],
        stop=60,
        dt=0.25,
    ).run()
    assert result["received"][-1] == pytest.approx(10, rel=1e-6)


def test_trend_of_exponential_growth_is_its_growth_rate() -> None:
    got = values({"trend": "TREND(EXP(0.1 * TIME), 2, 0.1)", "flat": "TREND(5, 3)"}, stop=20, dt=DT)
    assert np.max(np.abs(got["trend"] - 0.1)) < 1e-3
    assert got["flat"].tolist() == [0.0] * len(got["flat"])


def test_trend_from_its_definition() -> None:
    # TREND(x, t, g0): average A starts at x / (1 + g0 t), A' = (x - A) / t,
    # TREND = (x - A) / (A t). With x = TIME + 1, t = 1, dt = 0.5, g0 = 0:
    # A = 1, 1, 1.25 at t = 0, 0.5, 1; x = 1, 1.5, 2.
    got = values({"trend": "TREND(TIME + 1, 1)"}, stop=1, dt=0.5)
    assert got["trend"] == pytest.approx([0, 0.5, 0.75 / 1.25], rel=1e-15)


def test_init_and_previous() -> None:
    got = values(
        {
            "init": "INIT(TIME + 5)",
            "previous": "PREVIOUS(TIME)",
            "previous initial": "PREVIOUS(TIME * TIME, 9)",
        },
        start=1,
        stop=3,
        dt=0.5,
    )
    assert got["init"].tolist() == [6] * 5
    assert got["previous"].tolist() == [1, 1, 1.5, 2, 2.5]
    assert got["previous initial"].tolist() == [9, 1, 2.25, 4, 6.25]


def test_init_and_previous_of_a_stock() -> None:
    result = model(
        [
            stock("S", "4", inflows=["in"]),
            flow("in", "1"),
            aux("start", "INIT(S)"),
            aux("before", "PREVIOUS(S)"),
        ],
        stop=3,
    ).run()
    assert result["S"].tolist() == [4, 5, 6, 7]
    assert result["start"].tolist() == [4, 4, 4, 4]
    assert result["before"].tolist() == [4, 4, 5, 6]


# -- graphical functions -----------------------------------------------------------------------

POINTS = {"xs": [1, 2, 4], "ys": [0, 10, 5]}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        # below the first point, on it, between, on the last, beyond
        ("", [0, 0, 0, 5, 10, 8.75, 7.5, 6.25, 5, 5, 5]),
        ("continuous", [0, 0, 0, 5, 10, 8.75, 7.5, 6.25, 5, 5, 5]),
        ("extrapolate", [-10, -5, 0, 5, 10, 8.75, 7.5, 6.25, 5, 3.75, 2.5]),
        ("discrete", [0, 0, 0, 0, 10, 10, 10, 10, 5, 5, 5]),
    ],
)
def test_inline_graphical_function_on_an_aux(kind: str, expected: list[float]) -> None:
    m = model(
        [aux("y", "TIME", extra=gf(POINTS["ys"], xs=POINTS["xs"], kind=kind))], stop=5, dt=0.5
    )
    assert m.run()["y"].tolist() == expected
    assert m.ensemble({}, members=3)["y"][2].tolist() == expected


def test_named_graphical_function_called_like_a_function_and_with_lookup() -> None:
    # <xscale> from 0 to 2 over three points: x = 0, 1, 2.
    table = gf([0, 2, 4], xscale=(0, 2), name="doubling")
    m = model(
        [
            table,
            aux("called", "doubling(TIME / 2)"),
            aux("looked up", "LOOKUP(doubling, TIME - 1)"),
        ],
        stop=6,
    )
    for result in (m.run(), m.ensemble({}, members=2).member(1)):
        assert result["called"].tolist() == [0, 1, 2, 3, 4, 4, 4]
        assert result["looked up"].tolist() == [0, 0, 2, 4, 4, 4, 4]


def test_graphical_function_of_a_varying_input_in_an_ensemble() -> None:
    m = model(
        [aux("level", "1"), aux("y", "level * TIME", extra=gf([0, 1, 4, 9], xs=[0, 1, 2, 3]))],
        stop=2,
    )
    many = m.ensemble({"level": [0.5, 1, 2]})
    assert many["y"].tolist() == [[0, 0.5, 1], [0, 1, 4], [0, 4, 9]]
    assert m.run({"level": 0.5})["y"].tolist() == [0, 0.5, 1]


# -- flows and stocks that may not go negative --------------------------------------------------


def test_uniflow_never_goes_below_zero() -> None:
    result = model(
        [stock("S", "0", inflows=["in"]), flow("in", "TIME - 2", non_negative=True)], stop=5
    ).run()
    assert result["in"].tolist() == [0, 0, 0, 1, 2, 3]
    assert result["S"].tolist() == [0, 0, 0, 0, 1, 3]


def test_non_negative_stock_stops_at_zero() -> None:
    m = model([stock("S", "3", outflows=["out"], non_negative=True), flow("out", "2")], stop=4)
    assert m.run()["S"].tolist() == [3, 1, 0, 0, 0]
    assert m.ensemble({}, members=2)["S"][1].tolist() == [3, 1, 0, 0, 0]
    free = model([stock("S", "3", outflows=["out"]), flow("out", "2")], stop=4)
    assert free.run()["S"].tolist() == [3, 1, -1, -3, -5]


def test_behavior_section_makes_every_stock_and_flow_non_negative() -> None:
    m = model(
        [stock("S", "3", inflows=["in"], outflows=["out"]), flow("in", "-1"), flow("out", "2")],
        stop=3,
        behavior="<behavior><non_negative/></behavior>",
    )
    result = m.run()
    assert result["in"].tolist() == [0, 0, 0, 0]
    assert result["S"].tolist() == [3, 1, 0, 0]


def test_units_and_documentation_are_kept() -> None:
    m = model(
        [
            stock("Population", "100", inflows=["births"], units="people", doc="Who lives here."),
            flow("births", "Population * 0.01", units="people/year", doc="New people."),
            aux("rate", "0.01", units="1/year"),
        ],
        stop=1,
    )
    info = {v.name: v for v in m.variables}
    assert info["Population"].kind == "stock"
    assert info["Population"].units == "people"
    assert info["Population"].doc == "Who lives here."
    assert (info["births"].kind, info["births"].units, info["births"].doc) == (
        "flow",
        "people/year",
        "New people.",
    )
    assert (info["rate"].kind, info["rate"].units, info["rate"].doc) == ("aux", "1/year", "")

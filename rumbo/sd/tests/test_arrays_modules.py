"""Arrays (apply-to-all, element by element, mixed; 1-D to 3-D; reductions; subranges),
modules connected through inputs and outputs, and macros."""

from __future__ import annotations

import numpy as np
import pytest

from rumbo import sd

from .xmile_text import aux, flow, model, stock

DIMS = {
    "City": ["Lima", "Quito", "Bogota"],
    "Age": ["young", "old"],
    "Sex": ["f", "m"],
    "North": ["Quito", "Bogota"],  # a subrange of City
}


def elements(values: dict[str, object]) -> str:
    """Element-by-element definitions: <element subscript="..."><eqn>...</eqn></element>."""
    return "".join(
        f'<element subscript="{subscript}"><eqn>{eqn}</eqn></element>'
        for subscript, eqn in values.items()
    )


POP = aux("pop", None, dims=["City"], extra=elements({"Lima": 10, "Quito": 20, "Bogota": 40}))
SHARE = aux("share", None, dims=["Age"], extra=elements({"young": 0.25, "old": 0.75}))
SEXF = aux("sex factor", None, dims=["Sex"], extra=elements({"f": 1, "m": 2}))


def arrays(*extra: str, **options: object) -> sd.Model:
    return model([POP, SHARE, SEXF, *extra], dimensions=DIMS, stop=2, **options)


def test_element_by_element_and_apply_to_all() -> None:
    result = arrays(aux("double", "pop * 2", dims=["City"])).run()
    assert [result[f"pop[{c}]"][0] for c in DIMS["City"]] == [10, 20, 40]
    assert [result[f"double[{c}]"][0] for c in DIMS["City"]] == [20, 40, 80]


def test_mixed_definition_an_element_overrides_apply_to_all() -> None:
    result = arrays(aux("mixed", "pop * 10", dims=["City"], extra=elements({"Quito": -1}))).run()
    assert [result[f"mixed[{c}]"][0] for c in DIMS["City"]] == [100, -1, 400]


def test_two_and_three_dimensions() -> None:
    m = arrays(
        aux("grid", "pop[City] * share[Age]", dims=["City", "Age"]),
        aux("cube", "grid * sex factor", dims=["City", "Age", "Sex"]),
        aux("cube total", "SUM(cube[*, *, *])"),
    )
    result = m.run()
    for c, p in zip(DIMS["City"], [10, 20, 40], strict=True):
        for a, s in zip(DIMS["Age"], [0.25, 0.75], strict=True):
            assert result[f"grid[{c}, {a}]"][0] == p * s
            for x, f in zip(DIMS["Sex"], [1, 2], strict=True):
                assert result[f"cube[{c}, {a}, {x}]"][0] == p * s * f
    assert result["cube total"][0] == 70 * 1 * 3
    assert len([c for c in result.columns if c.startswith("cube[")]) == 12


def test_reductions_over_a_whole_array() -> None:
    result = arrays(
        aux("total", "SUM(pop[*])"),
        aux("mean", "MEAN(pop[*])"),
        aux("smallest", "MIN(pop[*])"),
        aux("largest", "MAX(pop[*])"),
        aux("count", "SIZE(pop[*])"),
        aux("spread", "STDDEV(pop[*])"),
    ).run()
    assert result["total"][0] == 70
    assert result["mean"][0] == pytest.approx(70 / 3)
    assert result["smallest"][0] == 10
    assert result["largest"][0] == 40
    assert result["count"][0] == 3
    # STDDEV is the population standard deviation (divides by n).
    assert result["spread"][0] == pytest.approx(np.std([10, 20, 40]))


def test_reductions_over_one_dimension_of_a_two_dimensional_array() -> None:
    result = arrays(
        aux("grid", "pop[City] * share[Age]", dims=["City", "Age"]),
        aux("by city", "SUM(grid[City, *])", dims=["City"]),
        aux("by age", "SUM(grid[*, Age])", dims=["Age"]),
        aux("largest by city", "MAX(grid[City, *])", dims=["City"]),
        aux("mean by age", "MEAN(grid[*, Age])", dims=["Age"]),
    ).run()
    assert [result[f"by city[{c}]"][0] for c in DIMS["City"]] == [10, 20, 40]
    assert [result[f"by age[{a}]"][0] for a in DIMS["Age"]] == [17.5, 52.5]
    assert [result[f"largest by city[{c}]"][0] for c in DIMS["City"]] == [7.5, 15, 30]
    assert [result[f"mean by age[{a}]"][0] for a in DIMS["Age"]] == pytest.approx(
        [17.5 / 3, 52.5 / 3]
    )


def test_min_and_max_of_a_one_element_array() -> None:
    m = model(
        [aux("a", "3", dims=["One"]), aux("low", "MIN(a[*])"), aux("high", "MAX(a[*]) + 1")],
        dimensions={"One": ["only"]},
        stop=1,
    )
    for result in (m.run(), m.ensemble({}, members=2).member(1)):
        assert result["low"].tolist() == [3, 3]
        assert result["high"].tolist() == [4, 4]


def test_arrayed_stocks_and_flows() -> None:
    m = arrays(
        stock("S", "pop", dims=["City"], inflows=["growth"]),
        flow("growth", "S * rate", dims=["City"]),
        aux("rate", "0.1"),
    )
    result = m.run()
    for c, p in zip(DIMS["City"], [10, 20, 40], strict=True):
        assert result[f"S[{c}]"] == pytest.approx([p, p * 1.1, p * 1.21])
        assert result[f"growth[{c}]"] == pytest.approx([p * 0.1, p * 0.11, p * 0.121])
    many = m.ensemble({"rate": [0.1, 0.2]})
    assert many["S[Bogota]"][1] == pytest.approx([40, 48, 57.6])


def test_subrange_referenced_by_name() -> None:
    result = arrays(
        aux("north pop", "pop[North] * 1", dims=["North"]),
        aux("north total", "SUM(pop[North])"),
        aux("north total again", "SUM(north pop[*])"),
        aux("quito", "pop[Quito]"),
    ).run()
    assert [c for c in result.columns if c.startswith("north pop")] == [
        "north pop[Quito]",
        "north pop[Bogota]",
    ]
    assert [result["north pop[Quito]"][0], result["north pop[Bogota]"][0]] == [20, 40]
    assert result["north total"][0] == 60
    assert result["north total again"][0] == 60
    assert result["quito"][0] == 20


def test_result_columns_and_variables_name_elements() -> None:
    m = arrays(aux("grid", "pop[City] * share[Age]", dims=["City", "Age"]))
    assert m.columns[:3] == ["pop[Lima]", "pop[Quito]", "pop[Bogota]"]
    assert "grid[Quito, old]" in m.columns
    info = {v.name: v for v in m.variables}
    assert info["grid"].elements == tuple(
        f"grid[{c}, {a}]" for c in DIMS["City"] for a in DIMS["Age"]
    )
    result = m.run(variables=["grid"])
    assert result.columns == list(info["grid"].elements)
    # Names are matched as XMILE does: case, spaces and underscores do not matter.
    assert result["GRID[quito,OLD]"][0] == 15


def test_setting_one_element_or_a_whole_array() -> None:
    m = arrays(aux("total", "SUM(pop[*])"))
    assert m.run({"pop[Lima]": 100})["total"][0] == 160
    assert m.run({"pop": 1})["total"][0] == 3
    assert m.ensemble({"pop[Lima]": [1, 2]})["total"][:, 0].tolist() == [61, 62]


def test_array_errors_name_the_variable() -> None:
    with pytest.raises(sd.ModelError, match=r"^bad: dimension 'city' of 'pop' needs a subscript"):
        arrays(aux("bad", "pop + 1"))
    with pytest.raises(sd.ModelError, match=r"bad: unknown element or dimension 'paris'"):
        arrays(aux("bad", "pop[Paris]"))
    with pytest.raises(sd.ModelError, match=r"bad: 'pop' has 1 dimensions, not 2"):
        arrays(aux("bad", "pop[Lima, young]"))


# -- modules -----------------------------------------------------------------------------------

ACCUMULATOR = [
    aux("input", "1", access="input"),
    stock("level", "0", inflows=["gain"]),
    flow("gain", "input"),
    aux("output", "level * 2", access="output"),
]


@pytest.mark.parametrize(
    ("to", "source"),
    [("input", "outer"), ("m.input", ".outer"), ("m.input", "outer")],
    ids=["plain names", "qualified, leading period", "qualified input"],
)
def test_module_input_from_the_parent_and_output_read_by_it(to: str, source: str) -> None:
    m = model(
        [
            aux("outer", "3"),
            f'<module name="m"><connect to="{to}" from="{source}"/></module>',
            aux("reader", "m.output + 1"),
        ],
        models={"m": ACCUMULATOR},
        stop=3,
    )
    result = m.run()
    assert result["m.input"].tolist() == [3, 3, 3, 3]
    assert result["m.level"].tolist() == [0, 3, 6, 9]
    assert result["reader"].tolist() == [1, 7, 13, 19]
    assert m.run({"outer": 10})["reader"].tolist() == [1, 21, 41, 61]
    assert m.ensemble({"outer": [1, 10]})["reader"][:, -1].tolist() == [7, 61]


def test_two_instances_of_a_model_one_feeding_the_other() -> None:
    m = model(
        [
            aux("outer", "3"),
            '<module name="a" model="m"><connect to="input" from="outer"/></module>',
            '<module name="b" model="m"><connect to="input" from="a.output"/></module>',
            aux("reader", "b.output"),
        ],
        models={"m": ACCUMULATOR},
        stop=3,
    )
    result = m.run()
    assert result["a.output"].tolist() == [0, 6, 12, 18]
    assert result["b.level"].tolist() == [0, 0, 6, 18]
    assert result["reader"].tolist() == [0, 0, 12, 36]
    assert [v.name for v in m.variables if v.name.startswith("b.")] == [
        "b.input",
        "b.level",
        "b.gain",
        "b.output",
    ]


def test_unconnected_module_input_keeps_its_own_equation() -> None:
    m = model(['<module name="m"/>', aux("reader", "m.output")], models={"m": ACCUMULATOR}, stop=2)
    assert m.run()["reader"].tolist() == [0, 2, 4]


# -- macros ------------------------------------------------------------------------------------

DOUBLE = '<macro name="double"><parm>x</parm><eqn>2*x</eqn></macro>'
ACCUMULATE = (
    '<macro name="accumulate"><parm>rate</parm><eqn>total</eqn><variables>'
    + stock("total", "0", inflows=["inflow"])
    + flow("inflow", "rate")
    + "</variables></macro>"
)


def test_macro_called_from_an_equation() -> None:
    m = model(
        [aux("a", "double(3) + DOUBLE(TIME)"), aux("b", "double(double(1))")],
        macros=[DOUBLE],
        stop=3,
    )
    result = m.run()
    assert result["a"].tolist() == [6, 8, 10, 12]
    assert result["b"].tolist() == [4, 4, 4, 4]


def test_macro_with_a_stock_keeps_its_own_state_per_call() -> None:
    m = model(
        [
            aux("ones", "accumulate(1)"),
            aux("times", "accumulate(TIME)"),
            aux("both", "accumulate(2) + accumulate(3)"),
        ],
        macros=[ACCUMULATE],
        stop=4,
    )
    for result in (m.run(), m.ensemble({}, members=2).member(0)):
        assert result["ones"].tolist() == [0, 1, 2, 3, 4]
        assert result["times"].tolist() == [0, 0, 1, 3, 6]
        assert result["both"].tolist() == [0, 5, 10, 15, 20]
    assert [v.name for v in m.variables] == ["ones", "times", "both"]  # macro state is hidden


def test_macro_called_with_the_wrong_number_of_arguments() -> None:
    with pytest.raises(sd.ModelError, match=r"^a: macro DOUBLE takes 1 arguments"):
        model([aux("a", "double(1, 2)")], macros=[DOUBLE])


def test_module_output_wired_to_a_parent_variable() -> None:
    # Stella writes the parent's copy of an output as a variable without an equation, and
    # a connection from the module's output to it.
    m = model(
        [
            aux("outer", "3"),
            '<module name="m"><connect to="input" from=".outer"/>'
            '<connect to="doubled level" from="m.output"/></module>',
            aux("doubled level", None),
            aux("reader", "doubled_level + 1"),
        ],
        models={"m": ACCUMULATOR},
        stop=2,
    )
    assert m.run()["reader"].tolist() == [1, 7, 13]

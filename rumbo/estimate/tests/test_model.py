"""The standard model: its accounting holds at every step, and other XMILE engines agree."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from rumbo import sd
from rumbo.estimate import STANDARD_MODEL


@pytest.fixture(scope="module")
def model() -> sd.Model:
    return sd.load(STANDARD_MODEL)


def test_the_accounting_identities_hold_at_every_step(model: sd.Model) -> None:
    r = model.run({"Output Growth Rate": 0.05, "Permit Quota": 30000})
    demand = r["Sector Output"] / r["Labour Productivity"]
    assert np.allclose(r["Labour Demand"], demand, rtol=1e-12)
    foreign = r["Foreign Workers[women]"] + r["Foreign Workers[men]"]
    assert np.allclose(r["Total Foreign Workers"], foreign, rtol=1e-12)
    potential = np.maximum(0, demand - r["Domestic Workers"])
    assert np.allclose(r["Potential Foreign Demand"], potential, rtol=1e-12)
    assert np.allclose(r["Unfilled Demand"], potential - foreign, rtol=1e-12, atol=1e-6)
    expansion = demand * (0.05 - 0.01)
    replacement = r["Domestic Workers"] * 0.035 + foreign / 4
    assert np.allclose(r["Job Openings"], np.maximum(0, expansion + replacement), rtol=1e-12)
    # The quota binds: permits never exceed it, and it is reached in this scenario.
    assert r["Permits Granted"].max() == pytest.approx(30000)
    assert np.all(r["Permits Granted"] <= 30000)


def test_protection_needs_are_derived_by_sex(model: sd.Model) -> None:
    r = model.run({"Women Share of Permits": 0.5})
    women = r["Foreign Workers[women]"] * (1 - 0.55)
    men = r["Foreign Workers[men]"] * (1 - 0.65)
    assert np.allclose(r["Foreign Workers Without Social Security[women]"], women, rtol=1e-12)
    assert np.allclose(r["Foreign Workers Without Social Security[men]"], men, rtol=1e-12)
    assert np.allclose(r["Total Foreign Workers Without Social Security"], women + men)
    # Half the new permits go to women: their inflow equals the men's at every step.
    assert np.allclose(r["Permit Inflow[women]"], r["Permit Inflow[men]"], rtol=1e-12)


def test_a_contraction_shrinks_openings_but_never_below_zero(model: sd.Model) -> None:
    r = model.run({"Output Growth Rate": -0.5})
    assert r["Expansion Demand"][0] < 0
    assert np.all(r["Job Openings"] >= 0)
    assert r["Job Openings"][0] == 0


def test_every_variable_is_documented_with_units(model: sd.Model) -> None:
    for variable in model.variables:
        assert variable.doc.strip(), variable.name
        assert variable.units.strip(), variable.name


def test_pysimlin_gives_the_same_results_to_1e_6() -> None:
    simlin = pytest.importorskip("simlin")
    ours = sd.load(STANDARD_MODEL).run()
    sim = simlin.load(STANDARD_MODEL).simulate()
    sim.run_to_end()
    assert np.allclose(sim.get_series("time"), ours.times)
    compared = 0
    for name in sim.get_var_names():
        if name in {"time", "dt", "initial_time", "final_time"}:
            continue
        theirs = sim.get_series(name)
        assert np.allclose(ours[name], theirs, rtol=1e-6, atol=1e-9), name
        compared += 1
    assert compared == len(ours.columns)


def test_pysd_gives_the_same_results_to_1e_6(tmp_path: Path) -> None:
    pysd = pytest.importorskip("pysd")
    ours = sd.load(STANDARD_MODEL).run()
    copy = shutil.copy(STANDARD_MODEL, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pysd.read_xmile(copy).run(progress=False)
    for name in ours.columns:
        assert np.allclose(ours[name], frame[name].to_numpy(dtype=float), rtol=1e-6), name

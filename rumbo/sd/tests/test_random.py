"""Random functions: their distributions against the exact ones, and the reproducibility of
the counter-based streams (a member draws the same numbers however the ensemble is cut)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from rumbo import sd

from .xmile_text import aux, flow, model, stock

MEMBERS = 20_000
# Kolmogorov–Smirnov: with n draws from the distribution, sup |F_n - F| exceeds
# 1.95 / sqrt(n) with probability about 0.001.
KS_LIMIT = 1.95 / math.sqrt(MEMBERS)

_erf = np.vectorize(math.erf, otypes=[float])


def normal_cdf(x: np.ndarray) -> np.ndarray:
    cdf: np.ndarray = 0.5 * (1 + _erf(x / math.sqrt(2)))
    return cdf


def truncated_normal_cdf(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    a, b = normal_cdf(np.array(lo)), normal_cdf(np.array(hi))
    cdf: np.ndarray = (normal_cdf(x) - a) / (b - a)
    return cdf


def lognormal_cdf(x: np.ndarray, mean: float, sd_: float) -> np.ndarray:
    # LOGNORMAL's arguments are the mean and standard deviation of the lognormal itself.
    sigma2 = math.log(1 + (sd_ / mean) ** 2)
    mu = math.log(mean) - sigma2 / 2
    return normal_cdf((np.log(x) - mu) / math.sqrt(sigma2))


def triangular_cdf(x: np.ndarray, lo: float, mode: float, hi: float) -> np.ndarray:
    left = (x - lo) ** 2 / ((hi - lo) * (mode - lo))
    right = 1 - (hi - x) ** 2 / ((hi - lo) * (hi - mode))
    return np.where(x < mode, left, right)


CDF = Callable[[np.ndarray], np.ndarray]
CONTINUOUS: dict[str, tuple[str, CDF]] = {
    "random": ("RANDOM(2, 5)", lambda x: (x - 2) / 3),
    "uniform": ("UNIFORM(-1, 1)", lambda x: (x + 1) / 2),
    "normal": ("NORMAL(10, 2)", lambda x: normal_cdf((x - 10) / 2)),
    # NORMAL(mean, sd, seed, min, max): truncated to [min, max].
    "truncated": ("NORMAL(0, 1, 11, -1, 2)", lambda x: truncated_normal_cdf(x, -1, 2)),
    "lognormal": ("LOGNORMAL(3, 1.5)", lambda x: lognormal_cdf(x, 3, 1.5)),
    "exprnd": ("EXPRND(4)", lambda x: 1 - np.exp(-x / 4)),
    "triangular": ("TRIANGULAR(1, 2, 5)", lambda x: triangular_cdf(x, 1, 2, 5)),
    # WEIBULL(shape, scale)
    "weibull": ("WEIBULL(2, 3)", lambda x: 1 - np.exp(-((x / 3) ** 2))),
}


def ks_statistic(draws: np.ndarray, cdf: CDF) -> float:
    x = np.sort(draws)
    f = cdf(x)
    n = len(x)
    above = np.arange(1, n + 1) / n - f
    below = f - np.arange(n) / n
    return float(max(above.max(), below.max()))


@pytest.fixture(scope="module")
def draws() -> sd.Result:
    """One draw of every distribution per member, at the start time (a run of no steps)."""
    variables = [aux(name, eqn) for name, (eqn, _) in CONTINUOUS.items()]
    variables += [aux("poisson", "POISSON(3.5)"), aux("big poisson", "POISSON(400)")]
    return model(variables, stop=0).ensemble({}, members=MEMBERS)


@pytest.mark.parametrize("name", list(CONTINUOUS))
def test_distribution_has_the_exact_cdf(draws: sd.Result, name: str) -> None:
    sample = draws[name][:, 0]
    assert sample.shape == (MEMBERS,)
    assert ks_statistic(sample, CONTINUOUS[name][1]) < KS_LIMIT


@pytest.mark.parametrize(
    ("name", "mean", "variance"),
    [
        ("random", 3.5, 9 / 12),
        ("normal", 10, 4),
        ("lognormal", 3, 2.25),
        ("exprnd", 4, 16),
        ("triangular", 8 / 3, (1 + 4 + 25 - 2 - 5 - 10) / 18),
        ("weibull", 3 * math.gamma(1.5), 9 * (1 - math.gamma(1.5) ** 2)),
        ("poisson", 3.5, 3.5),
        ("big poisson", 400, 400),
    ],
)
def test_mean_and_variance(draws: sd.Result, name: str, mean: float, variance: float) -> None:
    sample = draws[name][:, 0]
    standard_error = math.sqrt(variance / MEMBERS)
    assert abs(sample.mean() - mean) < 4 * standard_error
    assert sample.var() == pytest.approx(variance, rel=0.06)


def test_bounded_distributions_stay_within_their_bounds(draws: sd.Result) -> None:
    assert draws["random"].min() >= 2 and draws["random"].max() < 5
    assert draws["truncated"].min() >= -1 and draws["truncated"].max() <= 2
    assert draws["triangular"].min() >= 1 and draws["triangular"].max() <= 5
    assert draws["exprnd"].min() >= 0 and draws["lognormal"].min() > 0
    assert np.percentile(draws["normal"], 50) == pytest.approx(10, abs=0.05)


def test_poisson_gives_whole_numbers_with_the_poisson_probabilities(draws: sd.Result) -> None:
    sample = draws["poisson"][:, 0]
    assert np.array_equal(sample, np.round(sample))
    counts = np.bincount(sample.astype(int), minlength=12)[:12] / MEMBERS
    pmf = np.array([math.exp(-3.5) * 3.5**k / math.factorial(k) for k in range(12)])
    assert np.max(np.abs(counts - pmf)) < 0.01
    big = draws["big poisson"][:, 0]
    assert np.array_equal(big, np.round(big))


def test_draws_over_time_in_one_run_are_uniform_and_uncorrelated() -> None:
    # One member, many steps: the scalar backend's stream along time.
    steps = 10_000
    result = model([aux("u", "RANDOM(0, 1)"), aux("v", "RANDOM(0, 1)")], stop=steps - 1).run()
    u, v = result["u"], result["v"]
    assert len(u) == steps
    assert ks_statistic(u, lambda x: x) < 1.95 / math.sqrt(steps)
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.03  # step to step
    assert abs(np.corrcoef(u, v)[0, 1]) < 0.03  # two functions in the same step


def test_members_are_independent(draws: sd.Result) -> None:
    assert abs(np.corrcoef(draws["normal"][:-1, 0], draws["normal"][1:, 0])[0, 1]) < 0.03
    assert abs(np.corrcoef(draws["normal"][:, 0], draws["exprnd"][:, 0])[0, 1]) < 0.03


# -- reproducibility -------------------------------------------------------------------------


def noisy() -> sd.Model:
    return model(
        [
            stock("S", "100", inflows=["growth"]),
            flow("growth", "S * NORMAL(rate, 0.05)"),
            aux("rate", "0.02"),
            aux("shock", "EXPRND(1)"),
        ],
        stop=20,
    )


def test_same_seed_same_numbers_different_seed_different_numbers() -> None:
    m = noisy()
    assert np.array_equal(m.run(seed=7)["S"], m.run(seed=7)["S"])
    assert np.array_equal(m.run(seed=7)["S"], noisy().run(seed=7)["S"])
    assert not np.array_equal(m.run(seed=7)["S"], m.run(seed=8)["S"])
    a = m.ensemble({"rate": np.full(5, 0.02)}, seed=3)
    b = m.ensemble({"rate": np.full(5, 0.02)}, seed=3)
    c = m.ensemble({"rate": np.full(5, 0.02)}, seed=4)
    assert np.array_equal(a["S"], b["S"])
    assert not np.any(a["S"][:, 1:] == c["S"][:, 1:])


def test_a_member_draws_the_same_however_the_ensemble_is_cut() -> None:
    m = noisy()
    big = m.ensemble({}, members=1000, seed=5)
    small = m.ensemble({}, members=10, seed=5)
    chunk = m.ensemble({}, members=10, first_member=500, seed=5)
    alone = m.ensemble({}, members=1, first_member=742, seed=5)
    single = m.run(seed=5)
    for name in ("S", "growth", "shock"):
        assert np.array_equal(small[name], big[name][:10])
        assert np.array_equal(chunk[name], big[name][500:510])
        assert np.array_equal(alone[name][0], big[name][742])
        np.testing.assert_allclose(single[name], big[name][0], rtol=1e-14)
    assert chunk.member(0)["S"].tolist() == big["S"][500].tolist()


def test_draws_do_not_depend_on_what_is_saved_or_how_often() -> None:
    m = noisy()
    everything = m.ensemble({}, members=4, seed=2)
    some = m.ensemble({}, members=4, seed=2, variables=["shock"], save_every=5)
    assert np.array_equal(some["shock"], everything["shock"][:, ::5])
    assert np.array_equal(m.run(seed=2, variables=["S"])["S"], m.run(seed=2)["S"])


def test_members_differ_from_each_other() -> None:
    shocks = noisy().ensemble({}, members=50)["shock"]
    assert len({row.tobytes() for row in shocks}) == 50


def test_explicit_seed_in_the_equation_fixes_the_numbers_whatever_the_run_seed() -> None:
    m = model([aux("seeded", "NORMAL(0, 1, 42)"), aux("free", "NORMAL(0, 1)")], stop=50)
    first, second = m.run(seed=0), m.run(seed=99)
    assert np.array_equal(first["seeded"], second["seeded"])
    assert not np.array_equal(first["free"], second["free"])
    assert not np.array_equal(first["seeded"], first["free"])
    assert len(set(first["seeded"].tolist())) == 51  # still a new draw every step
    # Members still draw their own numbers: the seed replaces the run's seed, not the member.
    many = m.ensemble({}, members=MEMBERS // 4, seed=1)["seeded"][:, 0]
    assert np.array_equal(many[:1], first["seeded"][:1])
    assert ks_statistic(many, normal_cdf) < 1.95 / math.sqrt(len(many))


def test_the_default_run_does_not_start_with_an_extreme_draw() -> None:
    m = model([aux("z", "NORMAL(0, 1)")], stop=3)
    firsts = [m.run(seed=seed)["z"][0] for seed in range(20)]
    # One of twenty standard normal draws beyond 6 standard deviations: probability 4e-8.
    assert all(abs(z) < 6 for z in firsts)

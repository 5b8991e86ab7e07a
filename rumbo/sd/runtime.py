"""What generated code calls at run time, in two flavours: Python floats (one run) and NumPy
arrays over the ensemble axis (many members at once). Both give the same numbers.
"""

from __future__ import annotations

import math
import operator
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import reduce
from typing import Any

import numpy as np
import numpy.typing as npt

from .xmile import GraphicalFunction

_EPS = 1e-9

# What the vector flavour takes: a float (a constant of the model) or an array over the
# ensemble's members; and what it gives.
Values = float | npt.NDArray[np.float64]
Array = npt.NDArray[np.float64]


# -- graphical functions ------------------------------------------------------------------------


def scalar_table(gf: GraphicalFunction) -> Callable[[float], float]:
    xs, ys, kind = list(gf.xs), list(gf.ys), gf.kind
    last = len(xs) - 1

    def lookup(x: float) -> float:
        if x != x:  # NaN
            return x
        if x <= xs[0] or last == 0:
            if kind == "extrapolate" and last > 0 and x < xs[0]:
                return ys[0] + (x - xs[0]) * (ys[1] - ys[0]) / (xs[1] - xs[0])
            return ys[0]
        if x >= xs[last]:
            if kind == "extrapolate" and x > xs[last]:
                slope = (ys[last] - ys[last - 1]) / (xs[last] - xs[last - 1])
                return ys[last] + (x - xs[last]) * slope
            return ys[last]
        i = bisect_right(xs, x) - 1
        if kind == "discrete":
            return ys[i]
        x0, x1 = xs[i], xs[i + 1]
        return ys[i] + (x - x0) * (ys[i + 1] - ys[i]) / (x1 - x0)

    return lookup


def vector_table(gf: GraphicalFunction) -> Callable[[Values], Values]:
    """Table lookups over arrays: the cell's index, then one multiply-add (np.interp's binary
    search is several times slower on the small tables models use)."""
    xs, ys, kind = np.asarray(gf.xs, float), np.asarray(gf.ys, float), gf.kind
    n = len(xs)
    scalar = scalar_table(gf)
    if n == 1:
        return lambda x: np.broadcast_to(ys[0], np.shape(x)).copy()
    steps = np.diff(xs)
    uniform = bool(np.all(steps > 0)) and np.allclose(steps, steps[0], rtol=1e-9, atol=0)
    if uniform and kind == "continuous":
        x0, inv, top = xs[0], 1.0 / steps[0], float(n - 1)
        rise = np.append(np.diff(ys), 0.0)

        def grid(x: Values) -> Values:
            u: Array = np.subtract(x, x0)
            if u.ndim == 0:
                return scalar(float(x))
            u *= inv
            np.clip(u, 0.0, top, out=u)
            i = u.astype(np.intp)
            u -= i
            u *= rise.take(i)
            u += ys.take(i)
            return u

        return grid
    slopes = np.append(np.diff(ys) / np.where(steps == 0, 1.0, steps), 0.0)

    def lookup(x: Values) -> Values:
        x = np.asarray(x, float)
        if x.ndim == 0:
            return scalar(float(x))
        i = np.searchsorted(xs, x, side="right") - 1
        np.maximum(i, 0, out=i)
        if kind == "discrete":
            return ys.take(i)
        np.minimum(i, n - 2 if kind == "extrapolate" else n - 1, out=i)
        if kind != "extrapolate":
            x = np.minimum(np.maximum(x, xs[0]), xs[-1])
        out: Array = ys.take(i) + (x - xs.take(i)) * slopes.take(i)
        return out

    return lookup


# -- time functions -----------------------------------------------------------------------------


def step_s(t: float, height: float, start: float) -> float:
    return height if t + _EPS >= start else 0.0


def ramp_s(t: float, slope: float, start: float, end: float = math.inf) -> float:
    if t <= start:
        return 0.0
    return slope * (min(t, end) - start)


def pulse_s(t: float, dt: float, magnitude: float, first: float, interval: float = 0.0) -> float:
    """XMILE/Stella PULSE: the magnitude arrives in one dt (value magnitude/dt)."""
    if t + _EPS < first:
        return 0.0
    if interval > 0:
        since = (t - first) % interval
        hit = since < dt / 2 or interval - since < dt / 2
    else:
        hit = abs(t - first) < dt / 2
    return magnitude / dt if hit else 0.0


def step_v(t: float, height: Values, start: Values) -> Values:
    return np.where(t + _EPS >= np.asarray(start), height, 0.0)


def ramp_v(t: float, slope: Values, start: Values, end: Values = math.inf) -> Values:
    start = np.asarray(start, float)
    return np.where(t <= start, 0.0, np.multiply(slope, np.minimum(t, end) - start))


def pulse_v(
    t: float, dt: float, magnitude: Values, first: Values, interval: Values = 0.0
) -> Values:
    first = np.asarray(first, float)
    interval = np.asarray(interval, float)
    since = np.mod(t - first, np.where(interval > 0, interval, 1.0))
    repeat = (since < dt / 2) | (interval - since < dt / 2)
    hit = np.where(interval > 0, repeat, np.abs(t - first) < dt / 2) & (t + _EPS >= first)
    return np.where(hit, np.divide(magnitude, dt), 0.0)


# -- arithmetic that may meet a zero ------------------------------------------------------------


def safediv_s(a: float, b: float, alt: float = 0.0) -> float:
    return alt if b == 0 else a / b


def zidz_s(a: float, b: float) -> float:
    return 0.0 if b == 0 else a / b


def xidz_s(a: float, b: float, x: float) -> float:
    return x if b == 0 else a / b


def safediv_v(a: Values, b: Values, alt: Values = 0.0) -> Values:
    b = np.asarray(b, float)
    zero = b == 0
    return np.where(zero, alt, np.divide(a, np.where(zero, 1.0, b)))


def zidz_v(a: Values, b: Values) -> Values:
    return safediv_v(a, b, 0.0)


def xidz_v(a: Values, b: Values, x: Values) -> Values:
    return safediv_v(a, b, x)


def round_s(x: float) -> float:
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def round_v(x: Values) -> Values:
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def sign_s(x: float) -> float:
    return (x > 0) - (x < 0)


def total(*xs: Any) -> Any:
    """SUM of an array's elements, added left to right (floats or ensemble arrays)."""
    return reduce(operator.add, xs)


def product(*xs: Any) -> Any:
    return reduce(operator.mul, xs)


def mean(*xs: Any) -> Any:
    return reduce(operator.add, xs) / len(xs)


def minimum_v(*xs: Any) -> Any:
    return reduce(np.minimum, xs)


def maximum_v(*xs: Any) -> Any:
    return reduce(np.maximum, xs)


def stddev(*xs: Values) -> Values:
    n = len(xs)
    mean = sum(xs) / n
    return (sum((x - mean) ** 2 for x in xs) / n) ** 0.5


def floor_s(x: float) -> float:
    return float(math.floor(x))


def trunc_s(x: float) -> float:
    return float(math.trunc(x))


def log_s(x: float, base: float = 10.0) -> float:
    return math.log(x) / math.log(base)


def log_v(x: Values, base: Values = 10.0) -> Values:
    return np.log(x) / np.log(base)


# -- DELAY: a pipeline read from the input's history --------------------------------------------


def delay_read(history: Sequence[Values], position: Values, initial: Values) -> Values:
    """The input as it was `position` steps after the start (interpolated), else the initial."""
    pos = np.asarray(position, float)
    if pos.ndim == 0:
        p = float(pos)
        if p < -_EPS or not history:
            return initial
        i = min(math.floor(p + _EPS), len(history) - 1)
        frac = p - i
        if frac <= _EPS or i + 1 >= len(history):
            return history[i]
        return history[i] * (1 - frac) + history[i + 1] * frac
    table = np.stack([np.broadcast_to(h, pos.shape) for h in history]) if history else None
    members = np.arange(pos.shape[0])
    i = np.clip(np.floor(pos + _EPS).astype(int), 0, max(len(history) - 1, 0))
    j = np.minimum(i + 1, max(len(history) - 1, 0))
    frac = np.clip(pos - i, 0.0, 1.0)
    if table is not None:
        value = table[i, members] * (1 - frac) + table[j, members] * frac
    else:
        value = np.zeros(pos.shape)
    return np.where(pos < -_EPS, initial, value)


# -- random numbers: counter-based, so a member's draws never depend on the ensemble's size ----

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, on unsigned 64-bit arrays (wrapping arithmetic)."""
    z = z ^ (z >> np.uint64(30))
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(0x94D049BB133111EB)
    mixed: np.ndarray = z ^ (z >> np.uint64(31))
    return mixed


def _seed_key(seed: float) -> int:
    """The seed's bits (so 1 and -1, or 0.5 and 1, are different seeds)."""
    return int(np.float64(seed).view(np.uint64))


class Random:
    """The random functions for a set of members, reproducible from a seed per member."""

    def __init__(self, seed: int, members: np.ndarray, scalar: bool = False) -> None:
        self.members = np.asarray(members, dtype=np.uint64)
        self.scalar = scalar
        self.base = self._base(_seed_key(seed))

    def _base(self, key: int) -> np.ndarray:
        with np.errstate(over="ignore"):
            return _mix(self.members * np.uint64(_GOLDEN) + _mix(np.array([key], np.uint64)))

    def uniform01(
        self, site: float, step: int, stream: int = 0, seed: Values | None = None
    ) -> np.ndarray:
        base = self.base if seed is None else self._base(_seed_key(float(np.mean(seed))))
        counter = (
            (int(site) * 0x100000001B3 + step * 4 + stream + 1) * _GOLDEN
        ) & 0xFFFFFFFFFFFFFFFF
        with np.errstate(over="ignore"):
            # The counter is mixed on its own first: no (seed, member, step) gives a zero word.
            z = _mix(base ^ _mix(np.array([counter], np.uint64)))
        return ((z >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)

    def _out(self, value: np.ndarray) -> Values:
        return float(value[0]) if self.scalar else value

    def uniform(
        self, site: float, step: int, lo: Values, hi: Values, seed: Values | None = None
    ) -> Values:
        u = self.uniform01(site, step, 0, seed)
        return self._out(lo + (np.asarray(hi) - lo) * u)

    def normal(self, site: float, step: int, mean: Values, sd: Values, seed: Values | None = None,
               lo: Values | None = None, hi: Values | None = None) -> Values:  # fmt: skip
        u = self.uniform01(site, step, 0, seed)
        if lo is not None and hi is not None:
            a = _norm_cdf((np.asarray(lo, float) - mean) / np.asarray(sd, float))
            b = _norm_cdf((np.asarray(hi, float) - mean) / np.asarray(sd, float))
            u = a + (b - a) * u
        return self._out(mean + np.multiply(sd, norm_ppf(u)))

    def lognormal(self, site: float, step: int, mean: Values, sd: Values,
                  seed: Values | None = None) -> Values:  # fmt: skip
        mean = np.asarray(mean, float)
        sigma2 = np.log1p((np.asarray(sd, float) / mean) ** 2)
        mu = np.log(mean) - sigma2 / 2
        z = norm_ppf(self.uniform01(site, step, 0, seed))
        return self._out(np.exp(mu + np.sqrt(sigma2) * z))

    def exprnd(self, site: float, step: int, mean: Values, seed: Values | None = None) -> Values:
        u = self.uniform01(site, step, 0, seed)
        return self._out(-np.multiply(mean, np.log1p(-u)))

    def triangular(self, site: float, step: int, lo: Values, mode: Values, hi: Values,
                   seed: Values | None = None) -> Values:  # fmt: skip
        u = self.uniform01(site, step, 0, seed)
        lo, mode, hi = (np.asarray(v, float) for v in (lo, mode, hi))
        cut = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        return self._out(np.where(u < cut, left, right))

    def weibull(self, site: float, step: int, shape: Values, scale: Values,
                seed: Values | None = None) -> Values:  # fmt: skip
        u = self.uniform01(site, step, 0, seed)
        return self._out(np.multiply(scale, (-np.log1p(-u)) ** (1.0 / np.asarray(shape, float))))

    def poisson(self, site: float, step: int, mean: Values, seed: Values | None = None) -> Values:
        u = self.uniform01(site, step, 0, seed)
        lam = np.broadcast_to(np.asarray(mean, float), u.shape)
        big = lam > 200
        small_lam = np.where(big, 0.0, lam)
        k = np.zeros(u.shape)
        p = np.exp(-small_lam)
        cdf = p.copy()
        active = u > cdf
        while active.any():
            k = k + active
            p = np.where(active, p * small_lam / np.maximum(k, 1), p)
            cdf = cdf + np.where(active, p, 0.0)
            active = active & (u > cdf) & (k < 10000)
        approx = np.maximum(np.floor(lam + np.sqrt(lam) * norm_ppf(u) + 0.5), 0.0)
        return self._out(np.where(big, approx, k))


def _norm_cdf(x: np.ndarray) -> np.ndarray:
    erf: np.ndarray = np.vectorize(math.erf, otypes=[float])(np.asarray(x) / math.sqrt(2.0))
    return 0.5 * (1.0 + erf)


_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
      1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)  # fmt: skip
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
      6.680131188771972e01, -1.328068155288572e01)  # fmt: skip
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
      -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00)  # fmt: skip
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)


def norm_ppf(p: np.ndarray) -> np.ndarray:
    """Inverse of the standard normal CDF (Acklam: relative error below 1.2e-9)."""
    p = np.asarray(p, float)
    low = p < 0.02425
    high = p > 1 - 0.02425
    q = np.sqrt(-2 * np.log(np.where(low, p, np.where(high, 1 - p, 0.5))))
    tail = (((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5]) / (
        (((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1
    )
    r = (p - 0.5) ** 2
    centre = (
        (((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5])
        * (p - 0.5)
        / (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1)
    )
    return np.where(low, tail, np.where(high, -tail, centre))

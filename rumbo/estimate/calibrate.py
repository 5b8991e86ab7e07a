"""Calibration: the values of chosen parameters that make a model follow observed series.

Least squares (``scipy.optimize.least_squares``, trust-region reflective, so bounds may be
given). The residuals are the model's values minus the observations at the observed times,
each series divided by the mean absolute value of its observations, so that series of
different sizes weigh alike. The Jacobian is taken by finite differences, and every
parameter set it needs is run as ONE ensemble of the engine (the point itself and one
perturbed copy per parameter, or two with central differences): for k parameters a step
costs one vectorised pass, not k + 1 runs.

Fit statistics follow Sterman (1984, "Appropriate summary statistics for evaluating the
historical fit of system dynamics models"): RMSE, MAPE, Theil's inequality coefficient U and
the decomposition of the mean squared error into bias (U^M), unequal variation (U^S) and
unequal covariation (U^C), and R².
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy.optimize import least_squares  # type: ignore[import-untyped]

from rumbo.sd import Model, ModelError

from .series import Observations

DIFFERENCES = ("forward", "central")


@dataclass(frozen=True)
class FitStatistics:
    """How a simulated series follows an observed one (population moments, divisor n)."""

    n: int  # observations compared
    rmse: float  # root mean squared error, in the series' units
    mape: float | None  # mean absolute percentage error, %, over non-zero observations
    theil_u: float  # sqrt(MSE) / (sqrt(mean s²) + sqrt(mean a²)): 0 perfect, 1 worst
    um: float  # bias proportion (mean s − mean a)² / MSE
    us: float  # variance proportion (S_s − S_a)² / MSE
    uc: float  # covariance proportion 2 (1 − r) S_s S_a / MSE
    r2: float | None  # 1 − SS_res / SS_tot (None if the observations are constant)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fit_statistics(observed: np.ndarray, simulated: np.ndarray) -> FitStatistics:
    """Statistics over the pairs where the observation is known (not NaN)."""
    a = np.asarray(observed, dtype=float)
    s = np.asarray(simulated, dtype=float)
    if a.shape != s.shape:
        raise ValueError("observed and simulated series differ in length")
    known = np.isfinite(a)
    a, s = a[known], s[known]
    n = len(a)
    if n == 0:
        raise ValueError("no observation to compare")
    error = s - a
    mse = float(np.mean(error**2))
    nonzero = a != 0
    mape = float(np.mean(np.abs(error[nonzero] / a[nonzero])) * 100) if nonzero.any() else None
    denominator = float(np.sqrt(np.mean(s**2)) + np.sqrt(np.mean(a**2)))
    theil_u = float(np.sqrt(mse) / denominator) if denominator else 0.0
    sd_s, sd_a = float(np.std(s)), float(np.std(a))
    if mse > 0:
        r = (
            float(np.mean((s - s.mean()) * (a - a.mean())) / (sd_s * sd_a))
            if sd_s and sd_a
            else 0.0
        )
        um = float((s.mean() - a.mean()) ** 2 / mse)
        us = (sd_s - sd_a) ** 2 / mse
        uc = 2 * (1 - r) * sd_s * sd_a / mse
    else:
        um, us, uc = 0.0, 0.0, 0.0
    ss_tot = float(np.sum((a - a.mean()) ** 2))
    r2 = 1 - float(np.sum(error**2)) / ss_tot if ss_tot else None
    return FitStatistics(n, float(np.sqrt(mse)), mape, theil_u, um, us, uc, r2)


@dataclass
class Calibration:
    """The fitted values, how well the model then follows each series, and what it cost."""

    parameters: dict[str, float]
    start: dict[str, float]
    bounds: dict[str, tuple[float, float]]
    statistics: dict[str, FitStatistics]
    success: bool
    message: str
    cost: float  # half the sum of squared scaled residuals at the fitted values
    model_evaluations: int  # model runs, ensemble members included
    ensembles: int  # vectorised passes (one per Jacobian)
    iterations: int  # residual evaluations by the optimiser
    fixed: dict[str, float] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)  # the observed times
    observed: dict[str, list[float | None]] = field(default_factory=dict)  # None: missing
    simulated: dict[str, list[float]] = field(default_factory=dict)  # at the fitted values

    def as_dict(self) -> dict[str, Any]:
        return {
            "parameters": self.parameters,
            "start": self.start,
            "fixed": self.fixed,
            "bounds": {k: list(v) for k, v in self.bounds.items()},
            "statistics": {k: v.as_dict() for k, v in self.statistics.items()},
            "success": self.success,
            "message": self.message,
            "cost": self.cost,
            "model_evaluations": self.model_evaluations,
            "ensembles": self.ensembles,
            "iterations": self.iterations,
            "series": {
                name: {"time": self.times, "observed": self.observed[name], "simulated": values}
                for name, values in self.simulated.items()
            },
        }


class Objective:
    """Scaled residuals of parameter sets: one run, or many at once as an ensemble."""

    def __init__(
        self,
        model: Model,
        observations: Observations,
        fit: Sequence[str],
        *,
        fixed: Mapping[str, float] | None = None,
        method: str | None = None,
    ) -> None:
        self.model = model
        self.fit = list(fit)
        self.fixed = dict(fixed or {})
        self.method = method
        self.names = list(observations.series)
        for name in self.names:
            if len(model.keys(name)) != 1:
                raise ModelError(f"{name!r} has several elements: observe one, such as {name}[…]")
        self.observed = [np.asarray(observations.series[n], dtype=float) for n in self.names]
        self.known = [np.isfinite(o) for o in self.observed]
        self.scales = [_scale(o) for o in self.observed]
        probe = model.run(self.fixed, method=method, variables=self.names[:1])
        self.index = _time_index(probe.times, np.asarray(observations.times, dtype=float))
        self.runs = 0
        self.ensembles = 0

    def simulate(self, params: Mapping[str, float]) -> dict[str, np.ndarray]:
        """The observed variables at the observed times, for one parameter set."""
        result = self.model.run({**self.fixed, **params}, method=self.method, variables=self.names)
        self.runs += 1
        return {name: result[name][self.index] for name in self.names}

    def residuals(self, x: np.ndarray) -> np.ndarray:
        values = self.simulate(dict(zip(self.fit, map(float, x), strict=True)))
        residuals = self.scaled([values[name][None, :] for name in self.names])
        return np.asarray(residuals[0], dtype=float)

    def residuals_many(self, points: np.ndarray) -> np.ndarray:
        """Residual vectors (members, m) of the parameter sets `points` (members, k)."""
        members = len(points)
        params: dict[str, Any] = dict(self.fixed)
        params.update({name: points[:, j] for j, name in enumerate(self.fit)})
        result = self.model.ensemble(
            params, members=members, method=self.method, variables=self.names
        )
        self.runs += members
        self.ensembles += 1
        return self.scaled([result[name][:, self.index] for name in self.names])

    def scaled(self, simulated: Sequence[np.ndarray]) -> np.ndarray:
        """Residual vectors from the observed variables (each (members, times)), in order."""
        parts = [
            (s[:, k] - o[k]) / scale
            for s, o, k, scale in zip(
                simulated, self.observed, self.known, self.scales, strict=True
            )
        ]
        return np.concatenate(parts, axis=1)


def _scale(observed: np.ndarray) -> float:
    scale = float(np.nanmean(np.abs(observed)))
    return scale if scale > 0 else 1.0


def _time_index(model_times: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Positions of the observed times among the model's saved times."""
    found = np.searchsorted(model_times, times - 1e-9 * np.maximum(1.0, np.abs(times)))
    for t, i in zip(times, found, strict=True):
        if i >= len(model_times) or not np.isclose(model_times[i], t, rtol=1e-12, atol=1e-9):
            first, last = model_times[0], model_times[-1]
            raise ModelError(
                f"observed time {t:g} is not a saved time of the model "
                f"(from {first:g} to {last:g}, every {model_times[1] - model_times[0]:g})"
            )
    return np.asarray(found, dtype=np.intp)


def jacobian_points(
    x: np.ndarray, lower: np.ndarray, upper: np.ndarray, rel_step: float, difference: str
) -> tuple[np.ndarray, np.ndarray]:
    """The parameter sets a finite-difference Jacobian needs and the steps: forward, x and
    x + step along each parameter; central, x + step along each, then x − step along each.

    A step is `rel_step` × max(|value|, 0.001); a forward step that would leave the bounds is
    taken backwards, and every point is clipped to the bounds."""
    k = len(x)
    steps = rel_step * np.maximum(np.abs(x), 1e-3)
    if difference == "forward":
        steps = np.where(x + steps > upper, -steps, steps)
        points = np.repeat(x[None, :], k + 1, axis=0)
        points[1:] += np.diag(steps)
    else:
        points = np.repeat(x[None, :], 2 * k, axis=0)
        points[:k] += np.diag(steps)
        points[k:] -= np.diag(steps)
    np.clip(points, lower, upper, out=points)
    return points, steps


class Residuals(Protocol):
    """What the least-squares fit needs of a model: residuals of one parameter set (k,),
    and of many at once (members, k)."""

    def residuals(self, x: np.ndarray) -> np.ndarray: ...

    def residuals_many(self, points: np.ndarray) -> np.ndarray: ...


def solve(
    objective: Residuals,
    x0: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    difference: str = "forward",
    rel_step: float = 1e-6,
    tolerance: float = 1e-10,
    max_evaluations: int | None = None,
) -> Any:
    """scipy's least squares on `objective`, each Jacobian from one `residuals_many` call.
    Returns scipy's ``OptimizeResult``."""

    def jacobian(x: np.ndarray) -> np.ndarray:
        points, _ = jacobian_points(x, lower, upper, rel_step, difference)
        r = objective.residuals_many(points)
        k = len(x)
        if difference == "forward":
            spans = (points[1:] - points[0]).diagonal()  # the steps, as clipped to the bounds
            return np.asarray(((r[1:] - r[0]) / spans[:, None]).T, dtype=float)
        spans = (points[:k] - points[k:]).diagonal()  # 2 steps, less where a bound clips
        return np.asarray(((r[:k] - r[k:]) / spans[:, None]).T, dtype=float)

    return least_squares(
        objective.residuals, x0, jac=jacobian, bounds=(lower, upper), method="trf",
        x_scale="jac", ftol=tolerance, xtol=tolerance, gtol=tolerance, max_nfev=max_evaluations,
    )  # fmt: skip


def calibrate(
    model: Model,
    observations: Observations,
    fit: Sequence[str],
    *,
    start: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    fixed: Mapping[str, float] | None = None,
    method: str | None = None,
    difference: str = "forward",
    rel_step: float = 1e-6,
    tolerance: float = 1e-10,
    max_evaluations: int | None = None,
) -> Calibration:
    """Fit the parameters named in `fit` to `observations`.

    `start` gives starting values (default: the model's own); `bounds` limits per parameter
    (default: none); `fixed` sets other parameters for every run (a scenario); `method` the
    integration method. `tolerance` is scipy's ftol, xtol and gtol.
    """
    if not fit:
        raise ModelError("name at least one parameter to fit")
    if len(set(fit)) != len(fit):
        raise ModelError("a parameter is named twice among those to fit")
    if difference not in DIFFERENCES:
        raise ModelError(f"difference must be one of {', '.join(DIFFERENCES)}")
    settable = set(model.parameters())
    for name in fit:
        keys = model.keys(name)
        if len(keys) != 1:
            raise ModelError(f"{name!r} has several elements: fit one, such as {name}[…]")
        label = model.plan.slots[keys[0]].label
        if label not in settable:
            raise ModelError(f"{name!r} is computed from other variables and cannot be fitted")
    objective = Objective(model, observations, fit, fixed=fixed, method=method)
    defaults = model.run(objective.fixed, method=method, variables=list(fit))
    begin = dict(start or {})
    x0 = np.array([float(begin.get(name, defaults[name][0])) for name in fit])
    limits = dict(bounds or {})
    lower = np.array([limits.get(name, (-np.inf, np.inf))[0] for name in fit], dtype=float)
    upper = np.array([limits.get(name, (-np.inf, np.inf))[1] for name in fit], dtype=float)
    if np.any(lower >= upper):
        raise ModelError("each lower bound must be below its upper bound")
    if np.any((x0 < lower) | (x0 > upper)):
        raise ModelError("a starting value is outside its bounds")

    try:
        result = solve(
            objective, x0, lower, upper, difference=difference, rel_step=rel_step,
            tolerance=tolerance, max_evaluations=max_evaluations,
        )  # fmt: skip
    except ValueError as exc:  # scipy: residuals not finite at the start
        raise ModelError(f"the fit cannot start from these values: {exc}") from None
    fitted = {name: float(v) for name, v in zip(fit, result.x, strict=True)}
    simulated = objective.simulate(fitted)
    statistics = {
        name: fit_statistics(observations.series[name], simulated[name]) for name in objective.names
    }
    return Calibration(
        parameters=fitted,
        start=dict(zip(fit, map(float, x0), strict=True)),
        bounds={
            name: (float(lo), float(hi)) for name, lo, hi in zip(fit, lower, upper, strict=True)
        },
        statistics=statistics,
        success=bool(result.success),
        message=str(result.message),
        cost=float(result.cost),
        model_evaluations=objective.runs,
        ensembles=objective.ensembles,
        iterations=int(result.nfev),
        fixed=objective.fixed,
        times=[float(t) for t in observations.times],
        observed={
            name: [float(v) if np.isfinite(v) else None for v in observations.series[name]]
            for name in objective.names
        },
        simulated={name: [float(v) for v in values] for name, values in simulated.items()},
    )

"""Calibration and uncertainty bands of the standard labour-demand model: Rumbo's engine
against the same work driven by pysimlin single runs, in the same run.

    .venv/bin/python -m benchmarks.estimate [--quick] [--members 10000] [--rounds 3] [--json OUT]

- Calibration of 3 and 6 parameters to 15 yearly observations of 4 series (synthetic: the
  model run with known values, 1% noise, fixed seed). Ours is `calibrate`: single runs for
  the residuals, one ensemble per Jacobian. The peer runs the same least-squares fit
  (`rumbo.estimate.calibrate.solve`, the same steps and scaling) with every residual vector
  from one pysimlin run. Reported: time, model runs, fitted values and their largest relative
  difference between the two (target: within 1e-6, and ours at least 5x faster).
- Bands from N members drawn from the example's ranges: ours is `bands` (one ensemble); the
  peer loops pysimlin over the same members and takes the same percentiles. Reported: time,
  members per second, the largest relative difference of the bands (target: 10x faster).

Times are medians over rounds in which the two take turns, in this process (the model is
compiled before timing). Progress goes to stderr, the report to stdout; the exit code is 0
whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rumbo import sd
from rumbo.estimate import STANDARD_MODEL
from rumbo.estimate.bands import bands, draw, read_ranges, summarise
from rumbo.estimate.calibrate import Objective, calibrate, solve
from rumbo.estimate.synthetic import EXAMPLES, TRUE_PARAMETERS, synthetic_observations

OUTPUTS = ["Potential Foreign Demand", "Unfilled Demand", "Job Openings"]
CALIBRATION_TARGET = 5.0
BANDS_TARGET = 10.0
AGREEMENT = 1e-6
SUMMARY_HEADING = "Summary against the targets"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class SimlinObjective:
    """The residuals of `Objective`, each parameter set run by pysimlin, one at a time."""

    def __init__(self, ours: Objective, sim: Any) -> None:
        self.ours = ours
        self.sim = sim  # a pysimlin simulation, compiled before timing
        self.runs = 0

    def _run(self, values: dict[str, float]) -> list[np.ndarray]:
        self.sim.reset()
        for name, value in {**self.ours.fixed, **values}.items():
            self.sim.set_value(name, value)
        self.sim.run_to_end()
        self.runs += 1
        return [self.sim.get_series(name)[self.ours.index] for name in self.ours.names]

    def residuals(self, x: np.ndarray) -> np.ndarray:
        series = self._run(dict(zip(self.ours.fit, map(float, x), strict=True)))
        return np.asarray(self.ours.scaled([s[None, :] for s in series])[0], dtype=float)

    def residuals_many(self, points: np.ndarray) -> np.ndarray:
        return np.vstack([self.residuals(point) for point in points])


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def median(samples: Sequence[float]) -> float:
    return float(statistics.median(samples))


def calibration_case(model: sd.Model, fit: list[str], rounds: int) -> dict[str, Any]:
    import simlin

    sim = simlin.load(STANDARD_MODEL).simulate()
    sim.run_to_end()
    truth = {name: TRUE_PARAMETERS[name] for name in fit}
    data = synthetic_observations(model, truth)
    ours_times, peer_times = [], []
    ours = peer = None
    peer_runs = 0
    for _ in range(rounds):
        seconds, ours = timed(lambda: calibrate(model, data, fit))
        ours_times.append(seconds)
        x0 = np.array([ours.start[name] for name in fit])

        def peer_fit(x0: np.ndarray = x0) -> tuple[Any, int]:
            objective = Objective(model, data, fit)
            simlin = SimlinObjective(objective, sim)
            unbounded = np.full(len(fit), np.inf)
            return solve(simlin, x0, -unbounded, unbounded), simlin.runs

        seconds, (peer, peer_runs) = timed(peer_fit)
        peer_times.append(seconds)
    assert ours is not None and peer is not None  # nosec B101 # rounds >= 1
    fitted_peer = {name: float(v) for name, v in zip(fit, peer.x, strict=True)}
    difference = max(
        abs(ours.parameters[n] - fitted_peer[n]) / max(abs(fitted_peer[n]), 1e-300) for n in fit
    )
    return {
        "parameters": len(fit),
        "observations": len(data.times),
        "series": len(data.series),
        "ours": {
            "seconds": median(ours_times),
            "samples": ours_times,
            "model_runs": ours.model_evaluations,
            "ensembles": ours.ensembles,
            "iterations": ours.iterations,
            "fitted": ours.parameters,
        },
        "simlin": {
            "seconds": median(peer_times),
            "samples": peer_times,
            "model_runs": peer_runs,
            "iterations": int(peer.nfev),
            "fitted": fitted_peer,
        },
        "true": truth,
        "speedup": median(peer_times) / median(ours_times),
        "max_rel_diff": difference,
    }


def bands_case(model: sd.Model, members: int, rounds: int) -> dict[str, Any]:
    import simlin

    ranges = read_ranges(EXAMPLES / "synthetic_ranges.csv")
    sim = simlin.load(STANDARD_MODEL).simulate()
    sim.run_to_end()  # compiles

    def peer_bands() -> Any:
        params = draw(ranges, members, 0)
        out = {name: np.empty((members, len(model.run(variables=OUTPUTS[:1]).times)))
               for name in OUTPUTS}  # fmt: skip
        for m in range(members):
            sim.reset()
            for name, values in params.items():
                sim.set_value(name, float(values[m]))
            sim.run_to_end()
            for name in OUTPUTS:
                out[name][m] = sim.get_series(name)
        times = sim.get_series("time")
        return summarise(sd.Result(times, out, members=members), 0)

    ours_times, peer_times = [], []
    ours = peer = None
    for _ in range(rounds):
        seconds, ours = timed(lambda: bands(model, ranges, members, seed=0, variables=OUTPUTS))
        ours_times.append(seconds)
        seconds, peer = timed(peer_bands)
        peer_times.append(seconds)
    assert ours is not None and peer is not None  # nosec B101 # rounds >= 1
    difference = 0.0
    for name, figures in ours.figures.items():
        for statistic, values in figures.items():
            theirs = peer.figures[name][statistic]
            scale = np.maximum(np.maximum(np.abs(values), np.abs(theirs)), 1e-12)
            difference = max(difference, float(np.max(np.abs(values - theirs) / scale)))
    return {
        "members": members,
        "ours": {
            "seconds": median(ours_times),
            "samples": ours_times,
            "members_per_s": members / median(ours_times),
        },
        "simlin": {
            "seconds": median(peer_times),
            "samples": peer_times,
            "members_per_s": members / median(peer_times),
        },
        "speedup": median(peer_times) / median(ours_times),
        "max_rel_diff": difference,
    }


def report(data: dict[str, Any]) -> str:
    lines = ["Calibration of the standard labour-demand model (15 yearly observations, 4 series)"]
    lines.append(f"{'parameters':>10} {'ours s':>9} {'runs':>6} {'pysimlin s':>11} {'runs':>6} "
                 f"{'speed-up':>9} {'max rel diff':>13}")  # fmt: skip
    for case in data["calibration"]:
        lines.append(
            f"{case['parameters']:>10} {case['ours']['seconds']:>9.3f} "
            f"{case['ours']['model_runs']:>6} {case['simlin']['seconds']:>11.3f} "
            f"{case['simlin']['model_runs']:>6} {case['speedup']:>8.2f}x "
            f"{case['max_rel_diff']:>13.2e}"
        )
    b = data["bands"]
    lines += [
        "",
        f"Bands from {b['members']:,} members ({len(OUTPUTS)} outputs, every step)",
        f"  ours      {b['ours']['seconds']:.3f} s  ({b['ours']['members_per_s']:,.0f} members/s)",
        f"  pysimlin  {b['simlin']['seconds']:.3f} s  "
        f"({b['simlin']['members_per_s']:,.0f} members/s)",
        f"  speed-up {b['speedup']:.2f}x, largest relative difference {b['max_rel_diff']:.2e}",
        "",
        SUMMARY_HEADING,
    ]
    for case in data["calibration"]:
        met = case["speedup"] >= CALIBRATION_TARGET
        same = case["max_rel_diff"] <= AGREEMENT
        lines.append(
            f"  calibration, {case['parameters']} parameters: {case['speedup']:.2f}x "
            f"(target {CALIBRATION_TARGET:g}x: {'met' if met else 'NOT met'}); fitted values "
            f"{'agree' if same else 'DIFFER'} within {AGREEMENT:g}"
        )
    met = b["speedup"] >= BANDS_TARGET
    lines.append(
        f"  bands, {b['members']:,} members: {b['speedup']:.2f}x "
        f"(target {BANDS_TARGET:g}x: {'met' if met else 'NOT met'}); bands "
        f"{'agree' if b['max_rel_diff'] <= AGREEMENT else 'DIFFER'} within {AGREEMENT:g}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.estimate", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: 200 members, 1 round")
    parser.add_argument("--members", type=int, default=10_000, help="members of the bands")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per measurement")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    members, rounds = (200, 1) if args.quick else (args.members, max(args.rounds, 1))
    model = sd.load(STANDARD_MODEL)
    model.run()
    model.ensemble({"Output Growth Rate": [0.04, 0.05]}, variables=OUTPUTS)  # compile
    data: dict[str, Any] = {"calibration": []}
    for count in (3, 6):
        log(f"calibrating {count} parameters…")
        data["calibration"].append(calibration_case(model, list(TRUE_PARAMETERS)[:count], rounds))
    log(f"bands from {members} members…")
    data["bands"] = bands_case(model, members, rounds)
    print(report(data))
    if args.json is not None:
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

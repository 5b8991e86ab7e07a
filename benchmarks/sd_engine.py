"""Our system-dynamics engine beside PySD and pysimlin: compile time, one run, ensembles,
agreement, peak memory and the SDXorg conformance counts.

    .venv/bin/python -m benchmarks.sd_engine [--quick] [--members 1000,10000] [--json OUT]

The models: three small ones of the shared suite that all three engines run and agree on, the
epidemic and labour-market models of ``benchmarks/sd_models`` and the generated large arrayed
model. All integrate with Euler, the only method PySD runs. Each model has one or two constants
that vary uniformly within ±20% of their value (fixed seed: the first members are the same
whatever the ensemble's size) and one or two outputs, saved at every step.

- Compile: ``sd.load``; PySD's ``read_xmile`` (translation included); pysimlin's load and first
  simulation object (which compiles).
- One run: each engine runs a different member each round, outputs only.
- Ensembles: ours is one ``ensemble`` call; pysimlin runs member after member, setting the same
  constants each time (its fastest loop, see ``benchmarks.sd_peers``); PySD likewise but only
  on the first N members, N set so that its loop lasts about ``pysd_seconds``, its time for a
  whole ensemble extrapolated from that throughput. Each ensemble figure comes from a fresh
  child process (spawn) that loads the model, runs one member untimed (ours and pysimlin compile
  then) and measures the rest: time, and peak memory as `PeakMemory` measures it (the kernel's
  RSS high-water mark, reset when measuring begins, and that less the RSS at that moment).
  ``ru_maxrss`` would not do: a spawned child inherits its parent's high-water mark.
- Agreement: the largest relative difference |a - b| / max(|a|, |b|) between our ensemble's
  outputs and a peer's, over the members both ran (those of the largest ensemble).

Measurements are repeated in rounds in which the engines take turns, and medians reported; an
engine sits out the remaining rounds of a measurement once its time reaches ``budget`` seconds.
Progress goes to stderr, the report to stdout; the exit code is 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import platform
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from benchmarks.sd_models.generate_large import generate
from benchmarks.sd_peers import PEERS, PeerModel, PySDModel, conformance
from benchmarks.tracking_matrix import PeakMemory
from rumbo import sd
from rumbo.sd import conformance as suite

MODELS = Path(__file__).resolve().parent / "sd_models"
ENGINES = ("ours", "pysd", "simlin")
LABELS = {"ours": "ours", "pysd": "PySD", "simlin": "pysimlin"}
SPREAD = 0.2  # parameters vary within ±20% of their value
SEED = 20240601
AGREEMENT = 1e-6  # largest relative difference tolerated between engines
TARGET_X_SIMLIN = 5.0  # ensemble throughput, ours / pysimlin
TARGET_X_PYSD = 200.0  # ensemble throughput, ours / PySD
TARGET_RUN_X_PYSD = 1.0  # one run, PySD time / ours
SUMMARY_HEADING = "===== SUMMARY: system-dynamics engine benchmark ====="

T = TypeVar("T")
Values = dict[str, np.ndarray]  # parameter: one value per member


@dataclass(frozen=True)
class Settings:
    members: tuple[int, ...] = (1_000, 10_000)  # ensemble sizes
    repeat: int = 5  # rounds of compile times and single runs
    ensemble_repeat: int = 3  # rounds of ensembles
    budget: float = 45.0  # seconds an engine may spend on one measurement's rounds
    pysd_seconds: float = 15.0  # how long PySD's loop should last, which sets its N
    regions: int = 20  # the large model's size (the generator's defaults)
    sectors: int = 10
    years: float = 50.0


QUICK = Settings(
    members=(20, 50),
    repeat=2,
    ensemble_repeat=1,
    budget=1.0,
    pysd_seconds=1.0,
    regions=3,
    sectors=2,
    years=5.0,
)


@dataclass(frozen=True)
class Bench:
    name: str
    path: Path
    params: tuple[str, ...]  # constants varied
    outputs: tuple[str, ...]  # variables saved


def benches(workdir: Path, settings: Settings) -> list[Bench]:
    cases = {case.name: case.model for case in suite.discover()}
    large = workdir / "large.xmile"
    text = generate(settings.regions, settings.sectors, years=settings.years)
    large.write_text(text, encoding="utf-8")
    return [
        Bench("game", cases["game/test_game"], ("Constant",), ("Gamed Equation",)),
        Bench("trig", cases["trig/test_trig"], ("InflowA",), ("StockA", "test sin")),
        Bench("exp", cases["exp/test_exp"], ("FlowA",), ("test exp",)),
        Bench(
            "epidemic",
            MODELS / "epidemic.xmile",
            ("Contact Rate", "Infectivity"),
            ("Infectious", "Hospital Occupancy"),
        ),
        Bench(
            "labour_market",
            MODELS / "labour_market.xmile",
            ("Output Growth Rate", "Foreign Recruitment Propensity"),
            ("Foreign Workers", "Foreign Labour Gap"),
        ),
        Bench(
            "large",
            large,
            ("Demand Growth Rate", "Hiring Delay"),
            ("Total Foreign Workers", "National Output"),
        ),
    ]


def parameter_sets(base: Mapping[str, float], members: int) -> Values:
    draws = np.random.default_rng(SEED).uniform(-SPREAD, SPREAD, (members, len(base)))
    return {name: value * (1 + draws[:, i]) for i, (name, value) in enumerate(base.items())}


def member(values: Values, index: int) -> dict[str, float]:
    return {name: float(column[index]) for name, column in values.items()}


def first(values: Values, members: int) -> Values:
    return {name: column[:members] for name, column in values.items()}


# -- engines --------------------------------------------------------------------------------
class Engine(Protocol):
    def run(self, params: Mapping[str, float]) -> dict[str, np.ndarray]:
        """{output: series} of one run."""
        ...

    def ensemble(self, values: Values) -> dict[str, np.ndarray]:
        """{output: array (members, times)}."""
        ...


class Ours:
    def __init__(self, path: Path, outputs: Sequence[str]) -> None:
        self.model = sd.load(path)
        self.outputs = list(outputs)

    def run(self, params: Mapping[str, float]) -> dict[str, np.ndarray]:
        result = self.model.run(params, variables=self.outputs)
        return {name: result[name] for name in self.outputs}

    def ensemble(self, values: Values) -> dict[str, np.ndarray]:
        result = self.model.ensemble(values, variables=self.outputs)
        return {name: result[name] for name in self.outputs}


class Looped:
    """A peer run member after member, into arrays allocated after the first."""

    def __init__(self, peer: type[PeerModel], path: Path, outputs: Sequence[str]) -> None:
        self.model = peer.load(path)
        self.outputs = list(outputs)

    def run(self, params: Mapping[str, float]) -> dict[str, np.ndarray]:
        _, series = self.model.run(params, self.outputs)
        return {name: series[name] for name in self.outputs}

    def ensemble(self, values: Values) -> dict[str, np.ndarray]:
        members = len(next(iter(values.values())))
        out: dict[str, np.ndarray] = {}
        for i in range(members):
            for name, series in self.run(member(values, i)).items():
                if i == 0:
                    out[name] = np.empty((members, series.size))
                out[name][i] = series
        return out


def open_engine(engine: str, path: Path, outputs: Sequence[str]) -> Engine:
    return Ours(path, outputs) if engine == "ours" else Looped(PEERS[engine], path, outputs)


def compile_model(engine: str, path: Path) -> None:
    if engine == "ours":
        sd.load(path)
    elif engine == "pysd":
        PySDModel.load(path)
    else:
        import simlin

        simlin.load(path).simulate()


# -- measuring ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float  # the process's RSS high-water mark while measured
    added_mb: float  # that less the RSS when measuring began


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def load_time(engine: str, path: Path, _round: int) -> float:
    return timed(partial(compile_model, engine, path))


def run_time(engine: Engine, values: Values, round_: int) -> float:
    index = (round_ + 1) % len(next(iter(values.values())))  # member 0 warmed it up
    return timed(partial(engine.run, member(values, index)))


def measure_ensemble(
    engine: str, path: Path, outputs: Sequence[str], values: Values, save_to: Path | None
) -> Measured:
    """Run in a fresh child process; saves the outputs as ``engine-i.npy`` if asked."""
    warnings.simplefilter("ignore")  # PySD's pandas deprecations, pysimlin's notes
    model = open_engine(engine, path, outputs)
    model.ensemble(first(values, 1))
    with PeakMemory() as memory:
        start = time.perf_counter()
        results = model.ensemble(values)
        seconds = time.perf_counter() - start
    if save_to is not None:
        for i, name in enumerate(outputs):
            np.save(save_to / f"{engine}-{i}.npy", results[name])
    return Measured(seconds, memory.peak_kb / 1024, memory.delta_mb)


def in_child(
    bench: Bench, engine: str, values: Values, save_to: Path | None, round_: int
) -> Measured:
    """One ensemble measurement in a fresh process; the first round saves its outputs."""
    save_to = save_to if round_ == 0 else None
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        job = pool.submit(measure_ensemble, engine, bench.path, bench.outputs, values, save_to)
        return job.result()


def rounds(
    tasks: Mapping[str, Callable[[int], T]],
    count: int,
    budget: float,
    seconds: Callable[[T], float],
) -> dict[str, list[T]]:
    """Up to ``count`` rounds calling every task with the round's number, the first task
    rotating; a task sits out the remaining rounds once its seconds add up to ``budget``."""
    done: dict[str, list[T]] = {name: [] for name in tasks}
    names = list(tasks)
    for round_ in range(count):
        turn = round_ % len(names)
        for name in names[turn:] + names[:turn]:
            if sum(map(seconds, done[name])) < budget:
                done[name].append(tasks[name](round_))
    return done


def stat(samples: Sequence[float]) -> dict[str, Any]:
    return {"median": statistics.median(samples), "samples": list(samples)}


def agreement(saved: Path, peer: str, outputs: int) -> dict[str, Any]:
    """The largest relative difference between our saved outputs and a peer's, over the
    members the peer ran (the first ones)."""
    largest, members = 0.0, 0
    for i in range(outputs):
        theirs = np.load(saved / f"{peer}-{i}.npy")
        ours = np.load(saved / f"ours-{i}.npy", mmap_mode="r")[: len(theirs)]
        members = len(theirs)
        if ours.shape != theirs.shape:
            return {"members": members, "max_rel_diff": math.inf}
        same = (ours == theirs) | (np.isnan(ours) & np.isnan(theirs))
        with np.errstate(invalid="ignore", divide="ignore"):
            relative = np.abs(ours - theirs) / np.maximum(np.abs(ours), np.abs(theirs))
        relative = np.where(same, 0.0, np.nan_to_num(relative, nan=math.inf))
        largest = max(largest, float(relative.max()))
    return {"members": members, "max_rel_diff": largest}


def log(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def bench_model(bench: Bench, settings: Settings, workdir: Path) -> dict[str, Any]:
    ours = Ours(bench.path, bench.outputs)
    base = {name: float(ours.model.run(variables=[name])[name][0]) for name in bench.params}
    largest = max(settings.members)
    values = parameter_sets(base, largest)
    specs = ours.model.specs
    out: dict[str, Any] = {
        "path": str(bench.path),
        "steps": round((specs.stop - specs.start) / specs.dt),
        "stocks": sum(len(v.elements) for v in ours.model.variables if v.kind == "stock"),
        "params": base,
        "outputs": list(bench.outputs),
    }

    log(f"{bench.name}: compile")
    for engine in ENGINES:  # imports and caches, untimed
        compile_model(engine, bench.path)
    loads = rounds(
        {engine: partial(load_time, engine, bench.path) for engine in ENGINES},
        settings.repeat,
        settings.budget,
        float,
    )
    out["load_s"] = {engine: stat(samples) for engine, samples in loads.items()}

    log(f"{bench.name}: one run")
    engines: dict[str, Engine] = {"ours": ours}
    engines |= {peer: Looped(PEERS[peer], bench.path, bench.outputs) for peer in PEERS}
    for warm in engines.values():  # compiles and caches, untimed
        warm.run(member(values, 0))
    runs = rounds(
        {name: partial(run_time, engine, values) for name, engine in engines.items()},
        settings.repeat,
        settings.budget,
        float,
    )
    out["run_s"] = {engine: stat(samples) for engine, samples in runs.items()}

    n_pysd = max(1, min(largest, int(settings.pysd_seconds / out["run_s"]["pysd"]["median"])))
    saved = workdir / bench.name
    saved.mkdir()
    out["ensembles"] = {}
    for size in sorted(settings.members):
        members = {"ours": size, "simlin": size} | ({"pysd": n_pysd} if size == largest else {})
        log(f"{bench.name}: ensembles, " + ", ".join(f"{e} {n:,}" for e, n in members.items()))
        save_to = saved if size == largest else None
        measured = rounds(
            {
                engine: partial(in_child, bench, engine, first(values, n), save_to)
                for engine, n in members.items()
            },
            settings.ensemble_repeat,
            settings.budget,
            lambda m: m.seconds,
        )
        out["ensembles"][str(size)] = {
            engine: ensemble_figures(members[engine], results)
            for engine, results in measured.items()
        }
    out["pysd_loop"] = out["ensembles"][str(largest)].pop("pysd")
    out["agreement"] = {peer: agreement(saved, peer, len(bench.outputs)) for peer in PEERS}
    out["targets"] = targets(out, largest)
    return out


def ensemble_figures(members: int, results: Sequence[Measured]) -> dict[str, Any]:
    seconds = stat([m.seconds for m in results])
    return {
        "members": members,
        "seconds": seconds,
        "members_per_s": members / seconds["median"],
        "peak_mb": statistics.median(m.peak_mb for m in results),
        "added_mb": statistics.median(m.added_mb for m in results),
    }


def targets(model: Mapping[str, Any], size: int) -> dict[str, Any]:
    ours = model["ensembles"][str(size)]["ours"]["members_per_s"]
    x_simlin = ours / model["ensembles"][str(size)]["simlin"]["members_per_s"]
    x_pysd = ours / model["pysd_loop"]["members_per_s"]
    runs = {engine: model["run_s"][engine]["median"] for engine in ENGINES}
    run_x_pysd = runs["pysd"] / runs["ours"]
    return {
        "ensemble_x_simlin": x_simlin,
        "ensemble_x_pysd": x_pysd,
        "run_x_pysd": run_x_pysd,
        "run_x_simlin": runs["simlin"] / runs["ours"],
        "agreement": max(a["max_rel_diff"] for a in model["agreement"].values()),
        "met": x_simlin >= TARGET_X_SIMLIN
        and x_pysd >= TARGET_X_PYSD
        and run_x_pysd >= TARGET_RUN_X_PYSD,
    }


def conformance_counts() -> dict[str, dict[str, int]]:
    """Passing cases of the shared suite: ours as its conformance test runs them, the peers'
    as ``benchmarks.sd_peers`` does."""
    from rumbo.sd.tests.test_conformance import outcome  # applies EULER_CANONICAL

    def passes(case: suite.Case) -> bool:
        try:
            return outcome(case) == []
        except Exception:  # a model we cannot run fails
            return False

    cases = suite.discover()
    passed = {"ours": sum(map(passes, cases))}
    for peer, outcomes in conformance(cases).items():
        passed[peer] = sum(result == "pass" for result in outcomes.values())
    return {engine: {"passed": n, "cases": len(cases)} for engine, n in passed.items()}


# -- report ---------------------------------------------------------------------------------
def table(header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """Columns padded to their widest cell; the first ``left`` columns left-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    return "\n".join([line(header), *map(line, rows)])


def secs(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:,.1f} s"


def times(value: float) -> str:
    return f"{value:,.0f}x" if value >= 100 else f"{value:.2g}x"


def rate(value: float) -> str:
    return f"{value:,.0f}/s" if value >= 10 else f"{value:.2g}/s"


def median_of(figure: Mapping[str, Any]) -> str:
    """A timing's median and how many samples it is the median of."""
    return f"{secs(figure['median'])} (n={len(figure['samples'])})"


def memory(figures: Mapping[str, Any]) -> str:
    return f"{figures['peak_mb']:,.0f} MB (+{figures['added_mb']:,.0f})"


def models_section(models: Mapping[str, Any]) -> list[str]:
    rows = [
        [
            name,
            ", ".join(f"{p} = {v:g}" for p, v in m["params"].items()),
            ", ".join(m["outputs"]),
            f"{m['stocks']:,}",
            f"{m['steps']:,}",
        ]
        for name, m in models.items()
    ]
    return [
        "Models (parameters vary within ±20% of the value shown; outputs saved at every step)",
        table(["model", "parameters", "outputs", "stocks", "steps"], rows, left=3),
    ]


def timing_section(models: Mapping[str, Any], key: str, title: str) -> list[str]:
    header = ["model", *(LABELS[e] for e in ENGINES), "PySD / ours", "pysimlin / ours"]
    rows = []
    for name, m in models.items():
        figures = m[key]
        ours = figures["ours"]["median"]
        rows.append(
            [name, *(median_of(figures[e]) for e in ENGINES)]
            + [times(figures[peer]["median"] / ours) for peer in ("pysd", "simlin")]
        )
    return [title, table(header, rows)]


def ensemble_section(models: Mapping[str, Any], size: int) -> list[str]:
    header = ["model", "ours", "ours m/s", "pysimlin", "pysimlin m/s"]
    header += ["PySD N", "PySD m/s", "PySD est.", "ours/pysimlin", "ours/PySD"]
    rows = []
    for name, m in models.items():
        ours, simlin = m["ensembles"][str(size)]["ours"], m["ensembles"][str(size)]["simlin"]
        pysd = m["pysd_loop"]
        rows.append(
            [
                name,
                median_of(ours["seconds"]),
                rate(ours["members_per_s"]),
                median_of(simlin["seconds"]),
                rate(simlin["members_per_s"]),
                f"{pysd['members']:,}",
                rate(pysd["members_per_s"]),
                secs(size / pysd["members_per_s"]),
                times(ours["members_per_s"] / simlin["members_per_s"]),
                times(ours["members_per_s"] / pysd["members_per_s"]),
            ]
        )
    return [
        f"Ensembles of {size:,}: time, throughput (members/s), ratios of throughputs (ours/peer;"
        " above 1x we are faster). PySD ran its first N members only: its time for all is"
        " extrapolated (est.)",
        table(header, rows),
    ]


def memory_section(models: Mapping[str, Any], size: int) -> list[str]:
    rows = [
        [
            name,
            memory(m["ensembles"][str(size)]["ours"]),
            memory(m["ensembles"][str(size)]["simlin"]),
            memory(m["pysd_loop"]),
            f"{m['pysd_loop']['members']:,}",
        ]
        for name, m in models.items()
    ]
    return [
        f"Peak memory of a fresh process running an ensemble of {size:,} (PySD: its N), and"
        " in brackets what the run added to the RSS it started with",
        table(["model", "ours", "pysimlin", "PySD", "PySD N"], rows),
    ]


def agreement_section(models: Mapping[str, Any]) -> list[str]:
    rows = []
    for name, m in models.items():
        simlin, pysd = m["agreement"]["simlin"], m["agreement"]["pysd"]
        rows.append(
            [
                name,
                f"{simlin['max_rel_diff']:.1e}",
                f"{simlin['members']:,}",
                f"{pysd['max_rel_diff']:.1e}",
                f"{pysd['members']:,}",
                "" if m["targets"]["agreement"] <= AGREEMENT else "DISAGREE",
            ]
        )
    return [
        "Agreement (Euler): largest |ours - peer| / max(|ours|, |peer|) over the outputs of the"
        f" members both ran; DISAGREE above {AGREEMENT:g}",
        table(["model", "vs pysimlin", "members", "vs PySD", "members", ""], rows),
    ]


def summary(models: Mapping[str, Any], size: int) -> list[str]:
    def check(value: float, target: float) -> str:
        return f"{times(value)} {'ok' if value >= target else 'MISS'}"

    rows = []
    for name, m in models.items():
        t = m["targets"]
        rows.append(
            [
                name,
                check(t["ensemble_x_simlin"], TARGET_X_SIMLIN),
                check(t["ensemble_x_pysd"], TARGET_X_PYSD),
                check(t["run_x_pysd"], TARGET_RUN_X_PYSD),
                times(t["run_x_simlin"]),
                f"{t['agreement']:.0e} " + ("ok" if t["agreement"] <= AGREEMENT else "DISAGREE"),
                "met" if t["met"] else "MISSED",
            ]
        )
    header = ["model", f"{size:,}: ours/pysimlin", f"{size:,}: ours/PySD", "run: PySD/ours"]
    header += ["run: pysimlin/ours", "agreement", "targets"]
    ratios = {name: m["targets"]["run_x_simlin"] for name, m in models.items()}
    faster = [name for name, ratio in ratios.items() if ratio < 1]
    met = sum(m["targets"]["met"] for m in models.values())
    return [
        SUMMARY_HEADING,
        f"Targets: ensembles of {size:,} at least {TARGET_X_SIMLIN:g}x pysimlin's throughput"
        f" and {TARGET_X_PYSD:g}x PySD's; a single run no slower than PySD.",
        table(header, rows),
        f"targets met on {met} of {len(models)} models",
        f"single run against pysimlin: pysimlin is faster on {len(faster)} of {len(models)}"
        + (f" models ({', '.join(faster)})" if faster else " models")
        + f"; pysimlin time / ours from {times(min(ratios.values()))}"
        f" to {times(max(ratios.values()))}",
        "=" * len(SUMMARY_HEADING),
    ]


def report(data: Mapping[str, Any]) -> str:
    models = data["models"]
    sizes = sorted(int(size) for size in data["settings"]["members"])
    versions = data["versions"]
    lines = [
        f"System-dynamics engines: ours, PySD {versions['pysd']}, pysimlin {versions['simlin']}"
        f" (Python {versions['python']}, NumPy {versions['numpy']}, {versions['cores']} cores)",
        "Times are medians of rounds in which the engines take turns (n: how many rounds).",
        "",
        *models_section(models),
        "",
        *timing_section(
            models,
            "load_s",
            "Compile (ours: sd.load; PySD: read_xmile with translation; pysimlin: load and first"
            " simulation); ratios: peer time / ours",
        ),
        "",
        *timing_section(
            models, "run_s", "One run (ratios: peer time / ours; above 1x we are faster)"
        ),
    ]
    for size in sizes:
        lines += ["", *ensemble_section(models, size)]
    conformance_line = ", ".join(
        f"{LABELS[e]} {c['passed']}/{c['cases']}" for e, c in data["conformance"].items()
    )
    lines += [
        "",
        *memory_section(models, sizes[-1]),
        "",
        *agreement_section(models),
        "",
        f"SDXorg conformance (shared suite, cases passed): {conformance_line}",
        f"Wall time of the benchmark: {secs(data['wall_s'])}",
        "",
        *summary(models, sizes[-1]),
    ]
    return "\n".join(lines)


# -- main -----------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> tuple[Settings, Path | None]:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.sd_engine",
        description="Benchmark our system-dynamics engine against PySD and pysimlin.",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run at tiny sizes")
    parser.add_argument("--members", help="ensemble sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else Settings()
    if args.members:
        sizes = {int(size.replace("_", "")) for size in args.members.split(",") if size.strip()}
        settings = replace(settings, members=tuple(sorted(sizes)))
    return settings, args.json


def main(argv: Sequence[str] | None = None) -> int:
    settings, json_path = parse_args(argv)
    started = time.perf_counter()
    warnings.simplefilter("ignore")  # PySD's pandas deprecations, pysimlin's notes
    with tempfile.TemporaryDirectory(prefix="rumbo-sd-bench-") as tmp:
        workdir = Path(tmp)
        models = {b.name: bench_model(b, settings, workdir) for b in benches(workdir, settings)}
    log("conformance")
    data: dict[str, Any] = {
        "settings": asdict(settings),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pysd": version("pysd"),
            "simlin": version("pysimlin"),
            "cores": multiprocessing.cpu_count(),
        },
        "models": models,
        "conformance": conformance_counts(),
    }
    data["wall_s"] = time.perf_counter() - started
    print(report(data))
    if json_path is not None:
        json_path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

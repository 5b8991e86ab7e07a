"""Two peer system-dynamics engines, PySD and pysimlin, behind one small interface, and how
each fares on the SDXorg test-model suite.

    .venv/bin/python -m benchmarks.sd_peers

A peer model is loaded once and run as often as needed, each run with its own constant
values: ``Peer.load(path).run(params, return_columns)`` gives the times and
{variable name: series}, names as the peer spells them. Both peers keep a constant's new
value from one run to the next, so a run that leaves out a constant the previous run set
starts again from the model as loaded (PySD reloads its translated file; pysimlin makes a new
simulation, whose ``reset()`` would keep the old value).

The suite runs in this process: no model of it crashes either peer (each was tried in a child
process), and a peer's exception is caught and reported as that case's failure.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol, Self

import numpy as np

from rumbo.sd.conformance import Case, compare, discover, load_expected

Results = tuple[np.ndarray, dict[str, np.ndarray]]
REASON_LENGTH = 120


class PeerModel(Protocol):
    @classmethod
    def load(cls, path: Path) -> Self: ...

    def run(
        self,
        params: Mapping[str, float] | None = None,
        return_columns: list[str] | None = None,
    ) -> Results: ...


class _Constants:
    """Remembers which constants the last run set, to tell when a run must start afresh."""

    def __init__(self) -> None:
        self._overridden: set[str] = set()

    def _forgets_some(self, params: Mapping[str, float]) -> bool:
        """Whether this run leaves out a constant set by the previous one; records this run's."""
        forgets = bool(self._overridden - params.keys())
        self._overridden = set(params)
        return forgets


class PySDModel(_Constants):
    """A model translated by PySD (into a Python file written in a temporary directory)."""

    def __init__(self, model: Any, workdir: tempfile.TemporaryDirectory[str]) -> None:
        super().__init__()
        self._model = model
        self._workdir = workdir  # holds the translated file, needed to reload
        namespace: dict[str, str] = model._namespace
        self._columns = [
            name
            for name, identifier in namespace.items()
            if identifier != "time" and not model.get_args(identifier)  # lookups take args
        ]

    @classmethod
    def load(cls, path: Path) -> Self:
        import pysd  # type: ignore[import-untyped]  # imported on use: it takes about a second

        workdir = tempfile.TemporaryDirectory(prefix="rumbo-pysd-")
        copy = shutil.copy(path, workdir.name)
        return cls(pysd.read_xmile(copy), workdir)

    def run(
        self,
        params: Mapping[str, float] | None = None,
        return_columns: list[str] | None = None,
    ) -> Results:
        """Every variable but lookups unless ``return_columns`` names some; arrays are
        flattened to one column per element, ``name[A,B]``."""
        params = dict(params or {})
        frame = self._model.run(
            params=params,
            return_columns=return_columns or self._columns,
            reload=self._forgets_some(params),
            progress=False,
        )
        columns = {str(name): frame[name].to_numpy(dtype=float) for name in frame.columns}
        return frame.index.to_numpy(dtype=float), columns


class SimlinModel(_Constants):
    """A model compiled by pysimlin; one simulation is reset and run again for each run."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self._model = model
        self._sim: Any = None
        self._names: list[str] = []

    @classmethod
    def load(cls, path: Path) -> Self:
        import simlin

        return cls(simlin.load(path))

    def run(
        self,
        params: Mapping[str, float] | None = None,
        return_columns: list[str] | None = None,
    ) -> Results:
        """Every variable unless ``return_columns`` names some; an array gives one series per
        element, ``name[a,b]``. ``params`` set constants only, an array's per element."""
        params = dict(params or {})
        if self._forgets_some(params) or self._sim is None:
            self._sim = self._model.simulate()
        else:
            self._sim.reset()
        for name, value in params.items():
            self._sim.set_value(name, value)
        self._sim.run_to_end()
        names = return_columns or self._all_names()
        return self._sim.get_series("time"), {name: self._sim.get_series(name) for name in names}

    def _all_names(self) -> list[str]:
        # Known once the model has compiled, that is after a first run.
        if not self._names:
            self._names = [name for name in self._sim.get_var_names() if name != "time"]
        return self._names


PEERS: dict[str, type[PeerModel]] = {"pysd": PySDModel, "simlin": SimlinModel}


def conformance(
    cases: Iterable[Case], peers: Mapping[str, type[PeerModel]] = PEERS
) -> dict[str, dict[str, str]]:
    """{peer: {case name: "pass" or "fail: reason"}} for every case, run with the model's
    own values and compared with the case's canonical output."""
    cases = list(cases)
    return {
        name: {case.name: outcome(peer, case) for case in cases} for name, peer in peers.items()
    }


def outcome(peer: type[PeerModel], case: Case) -> str:
    """One case run by one peer: "pass", or "fail: " and the first problem."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PySD's pandas deprecations, pysimlin's notes
            times, results = peer.load(case.model).run()
    except Exception as error:  # a peer's failure is a result to report
        return f"fail: {_short(f'{type(error).__name__}: {error}')}"
    problems = compare(*load_expected(case.expected), times, results)
    if problems:
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        return f"fail: {_short(problems[0])}{more}"
    return "pass"


def _short(text: str) -> str:
    """The first line of a text, its middle cut out if long (errors say what at the end)."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(line) <= REASON_LENGTH:
        return line
    half = (REASON_LENGTH - 5) // 2
    return f"{line[:half]} ... {line[-half:]}"


def report(outcomes: Mapping[str, Mapping[str, str]]) -> str:
    """A table with a row per case and a column per peer, the pass counts, then the reasons."""
    peers = list(outcomes)
    cases = sorted({name for per_case in outcomes.values() for name in per_case})
    width = max(len("case"), *map(len, cases))
    verdicts = {
        (peer, name): outcomes[peer].get(name, "-").partition(":")
        for peer in peers
        for name in cases
    }
    lines = ["  ".join(["case".ljust(width), *(peer.ljust(6) for peer in peers)])]
    lines += [
        "  ".join([name.ljust(width), *(verdicts[peer, name][0].ljust(6) for peer in peers)])
        for name in cases
    ]
    for peer in peers:
        passed = sum(result == "pass" for result in outcomes[peer].values())
        lines.append(f"{peer}: {passed}/{len(outcomes[peer])} pass")
    lines.append("\nReasons:")
    for name in cases:
        reasons = [(peer, verdicts[peer, name][2]) for peer in peers if verdicts[peer, name][2]]
        lines += [f"{name}  {peer}:{reason}" for peer, reason in reasons]
    return "\n".join(line.rstrip() for line in lines)


if __name__ == "__main__":
    print(report(conformance(discover())))

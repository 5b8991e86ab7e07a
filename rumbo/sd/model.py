"""A compiled model: compile once, then run one parameter set or an ensemble of them."""

from __future__ import annotations

import mmap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import xmile
from .codegen import Plan, Program
from .compiler import clamp_uniflows, flatten
from .errors import ModelError
from .expr import canonical_column
from .results import Result
from .runtime import Random
from .xmile import step_count

METHODS = ("euler", "rk2", "rk4")


@dataclass(frozen=True)
class VariableInfo:
    name: str
    kind: str
    units: str
    doc: str
    elements: tuple[str, ...]  # result columns: the name, or name[element, ...]


class Model:
    """A model read from XMILE and compiled. Runs are independent; the model is not changed."""

    def __init__(self, project: xmile.Project) -> None:
        self.project = project
        self.specs = project.specs
        flat = flatten(project)
        clamp_uniflows(flat)
        self.plan = Plan(flat, project.specs)
        self._programs: dict[tuple[object, ...], Program] = {}
        self._visible = [k for k, s in self.plan.slots.items() if not s.hidden]
        self._by_name: dict[str, list[str]] = {}
        for key in self._visible:
            slot = self.plan.slots[key]
            self._by_name.setdefault(canonical_column(slot.label), []).append(key)
            base = key.split("[", 1)[0]
            if "[" in key:
                self._by_name.setdefault(base, []).append(key)

    # -- what the model holds ------------------------------------------------------------------

    @property
    def variables(self) -> list[VariableInfo]:
        """Each variable once, with its result columns (one per array element)."""
        groups: dict[str, list[str]] = {}
        for key in self._visible:
            groups.setdefault(key.split("[", 1)[0], []).append(key)
        out = []
        for keys in groups.values():
            var = self.plan.slots[keys[0]].var
            assert var is not None  # nosec B101 # invariant, narrows the type
            labels = tuple(self.plan.slots[k].label for k in keys)
            name = labels[0].split("[", 1)[0]
            out.append(VariableInfo(name, var.kind, var.units, var.doc, labels))
        return out

    @property
    def columns(self) -> list[str]:
        return [self.plan.slots[k].label for k in self._visible]

    def parameters(self) -> list[str]:
        """Names that `params` may set: constants, and stocks' initial values."""
        out = []
        for key in self._visible:
            slot = self.plan.slots[key]
            if key in self.plan.const or slot.kind == "stock":
                out.append(slot.label)
        return out

    # -- running -------------------------------------------------------------------------------

    def run(
        self,
        params: Mapping[str, float] | None = None,
        *,
        method: str | None = None,
        variables: Sequence[str] | None = None,
        save_every: int | None = None,
        seed: int = 0,
    ) -> Result:
        """One run. `save_every` counts dt steps (default: the model's save interval)."""
        overrides = self._overrides({k: _number(k, v) for k, v in (params or {}).items()})
        saved = self._saved(variables)
        every = self._save_every(save_every)
        method = self._method(method)
        program = self._program(saved, "scalar", method, every)
        out: list[list[float]] = [[] for _ in saved]
        rng = Random(seed, np.zeros(1, dtype=np.uint64), scalar=True)
        try:
            with np.errstate(all="ignore"):
                count = program.function(overrides, out, rng)
            data = {self.plan.slots[k].label: np.asarray(o, dtype=float) for k, o in zip(
                saved, out, strict=True)}  # fmt: skip
        except (ArithmeticError, ValueError):
            # Division by zero, overflow or a domain error: NumPy's IEEE arithmetic (inf, nan).
            single = self.ensemble({k: [v] for k, v in (params or {}).items()}, members=1,
                                   method=method, variables=variables, save_every=every,
                                   seed=seed)  # fmt: skip
            return single.member(0)
        return Result(self._times(count, every), data)

    def ensemble(
        self,
        params: Mapping[str, Iterable[float] | float],
        *,
        members: int | None = None,
        method: str | None = None,
        variables: Sequence[str] | None = None,
        save_every: int | None = None,
        seed: int = 0,
        first_member: int = 0,
        chunk_size: int | None = None,
    ) -> Result:
        """Many runs at once: each parameter is a value or one value per member.

        Random functions draw from streams fixed by (seed, member number), so a member gives
        the same numbers whether run alone, in a small ensemble or in a chunk on a cluster
        (`first_member` numbers the members of a chunk). `chunk_size` runs the members that
        many at a time: less working memory (it grows with members x variables), the same
        numbers.
        """
        arrays = parameter_arrays(params)
        members = member_count(arrays, members)
        saved = self._saved(variables)
        every = self._save_every(save_every)
        method = self._method(method)
        program = self._program(saved, "vector", method, every)
        n_saves = step_count(self.specs) // every + 1
        out = [output_array(n_saves, members) for _ in saved]
        if chunk_size is not None and chunk_size < 1:
            raise ModelError("chunk_size must be at least 1")
        size = chunk_size or max(members, 1)

        def run_chunk(start: int) -> int:
            stop = min(start + size, members)
            chunk = {k: a[start:stop] if a.ndim else float(a) for k, a in arrays.items()}
            ids = np.arange(first_member + start, first_member + stop, dtype=np.uint64)
            with np.errstate(all="ignore"):
                return program.function(
                    self._overrides(chunk), [o[:, start:stop] for o in out], Random(seed, ids)
                )

        counts = [run_chunk(start) for start in range(0, members, size)]
        count = counts[0] if counts else n_saves
        data = {self.plan.slots[k].label: o[:count].T for k, o in zip(saved, out, strict=True)}
        return Result(self._times(count, every), data, members=members, first_member=first_member)

    # -- helpers -------------------------------------------------------------------------------

    def keys(self, name: str) -> list[str]:
        """The slots a name means: a variable (all its elements) or one element."""
        found = self._by_name.get(canonical_column(name))
        if not found:
            raise ModelError(f"no variable called {name!r} in the model")
        return found

    def _saved(self, variables: Sequence[str] | None) -> list[str]:
        if variables is None:
            return list(self._visible)
        saved: list[str] = []
        for name in variables:
            saved.extend(k for k in self.keys(name) if k not in saved)
        return saved

    def _overrides(self, params: Mapping[str, object]) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, value in params.items():
            for key in self.keys(name):
                slot = self.plan.slots[key]
                if key not in self.plan.const and slot.kind != "stock":
                    raise ModelError(
                        f"{slot.label!r} is computed from other variables and cannot be set",
                        variable=slot.label,
                        equation=slot.equation,
                    )
                out[key] = value
        return out

    def _save_every(self, save_every: int | None) -> int:
        if save_every is not None:
            if save_every < 1:
                raise ModelError("save_every must be a whole number of steps, at least 1")
            return int(save_every)
        interval = self.specs.save_interval
        if not interval:
            return 1
        return max(round(interval / self.specs.dt), 1)

    def _method(self, method: str | None) -> str:
        chosen = (method or self.specs.method).lower()
        if chosen not in METHODS:
            raise ModelError(f"integration method {chosen!r} is not one of {', '.join(METHODS)}")
        return chosen

    def _program(self, saved: list[str], backend: str, method: str, every: int) -> Program:
        key = (tuple(saved), backend, method, every)
        program = self._programs.get(key)
        if program is None:
            program = self._programs[key] = self.plan.program(saved, backend, method, every)
        return program

    def _times(self, count: int, every: int) -> np.ndarray:
        return self.specs.start + np.arange(count) * every * self.specs.dt

    def source(self, method: str | None = None) -> str:
        """The generated code of a single run, to read."""
        return self._program(list(self._visible), "scalar", self._method(method), 1).source


_POPULATE_BYTES = 16 << 20


def output_array(rows: int, columns: int) -> np.ndarray:
    """Zeroed float64 storage for results. Large ones are mapped with their pages populated
    up front: the kernel fills the page table in one go, several times faster than taking a
    page fault on every first write (hundreds of MB for a large ensemble)."""
    size = rows * columns * 8
    if size < _POPULATE_BYTES or not hasattr(mmap, "MAP_POPULATE"):
        return np.zeros((rows, columns))
    flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | mmap.MAP_POPULATE
    return np.frombuffer(mmap.mmap(-1, size, flags=flags), dtype=np.float64).reshape(rows, columns)


def _number(name: str, value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ModelError(f"parameter {name!r} must be a number, not {value!r}") from None


def parameter_arrays(params: Mapping[str, Iterable[float] | float]) -> dict[str, np.ndarray]:
    """Each parameter as a float array: one value (0-d) or one per member (1-d)."""
    arrays = {}
    for name, value in params.items():
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ModelError(f"parameter {name!r} must be numbers, not {value!r}") from None
        if array.ndim > 1:
            raise ModelError(f"parameter {name!r} must be one value or one value per member")
        arrays[name] = array
    return arrays


def member_count(arrays: Mapping[str, np.ndarray], members: int | None) -> int:
    """The ensemble's size: given, or the length the parameter arrays agree on."""
    lengths = {name: len(a) for name, a in arrays.items() if a.ndim == 1}
    if members is None:
        if not lengths:
            raise ModelError("say how many members: no parameter array gives the number")
        if len(set(lengths.values())) > 1:
            listed = ", ".join(f"{name!r} has {n}" for name, n in lengths.items())
            raise ModelError(f"parameter arrays differ in length: {listed}")
        members = next(iter(lengths.values()))
    wrong = [f"{name!r} has {n}" for name, n in lengths.items() if n != members]
    if wrong:
        raise ModelError(f"{members} members, but " + ", ".join(wrong))
    return members


def load(path: str | Path) -> Model:
    """Read and compile an XMILE model (.xmile, .stmx, .xml)."""
    return Model(xmile.read(path))


def loads(text: str | bytes) -> Model:
    """Compile an XMILE document given as text."""
    return Model(xmile.parse(text))


__all__ = ["METHODS", "Model", "VariableInfo", "load", "loads"]

"""Order the slots and generate one Python function per (backend, method, outputs) that runs
the whole simulation loop with every value in a local variable.

Two backends share one generator: ``scalar`` (Python floats and :mod:`math`; one run) and
``vector`` (NumPy arrays over the ensemble axis). Constants are computed once before the loop,
and only what the requested outputs need is computed at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from . import expr as E
from . import runtime as rt
from .builtins import BUILTINS, namespace
from .compiler import Flat, Slot
from .errors import ModelError
from .xmile import SimSpecs, step_count

_COMPARE = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

# What generated code reads besides the builtins (see :func:`builtins.namespace`).
NAMESPACE: dict[str, object] = {"_np": np, "_m": math, "_delay_read": rt.delay_read}


def refs(node: E.Node | None, acc: set[str] | None = None) -> set[str]:
    acc = set() if acc is None else acc
    match node:
        case E.Ref(name):
            acc.add(name)
        case E.Unary(_, x):
            refs(x, acc)
        case E.Binary(_, a, b):
            refs(a, acc)
            refs(b, acc)
        case E.If(c, a, b):
            for part in (c, a, b):
                refs(part, acc)
        case E.Call(_, args):
            for arg in args:
                refs(arg, acc)
    return acc


def _varies(node: E.Node | None) -> bool:
    """Whether an expression changes with time by itself (not through what it references)."""
    match node:
        case E.Call(fn, args):
            builtin = BUILTINS.get(fn)
            return (builtin is not None and builtin.varies) or any(_varies(a) for a in args)
        case E.Unary(_, x):
            return _varies(x)
        case E.Binary(_, a, b):
            return _varies(a) or _varies(b)
        case E.If(c, a, b):
            return _varies(c) or _varies(a) or _varies(b)
    return False


def _toposort(nodes: Iterable[str], deps: Callable[[str], Iterable[str]], what: str,
              slots: dict[str, Slot]) -> list[str]:  # fmt: skip
    order: list[str] = []
    state: dict[str, int] = {}
    for root in nodes:
        if root in state:
            continue
        stack: list[tuple[str, Iterable[str]]] = [(root, iter(sorted(deps(root))))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            for dep in it:
                mark = state.get(dep)
                if mark == 1:
                    cycle = [n for n, _ in stack]
                    cycle = [*cycle[cycle.index(dep) :], dep]
                    labels = " -> ".join(slots[n].label for n in cycle)
                    raise ModelError(f"circular {what}: {labels}", variable=slots[dep].label)
                if mark is None:
                    state[dep] = 1
                    stack.append((dep, iter(sorted(deps(dep)))))
                    break
            else:
                stack.pop()
                state[node] = 2
                order.append(node)
    return order


@dataclass
class Program:
    source: str
    function: Callable[..., int]
    saved: list[str]


class Plan:
    """The ordered model: what is constant, how the initial values and each step are computed."""

    def __init__(self, flat: Flat, specs: SimSpecs) -> None:
        self.slots = flat.slots
        self.tables = flat.tables
        self.specs = specs
        # What each slot's value, initial value and delay time read, worked out once.
        self.reads = {k: refs(s.expr) for k, s in self.slots.items()}
        self.init_reads = {k: refs(s.init) for k, s in self.slots.items()}
        self.extra_reads = {k: refs(s.extra) for k, s in self.slots.items()}
        for key, slot in self.slots.items():
            for dep in self.reads[key] | self.init_reads[key] | self.extra_reads[key]:
                if dep not in self.slots:
                    raise ModelError(
                        f"unknown variable {dep!r}", variable=slot.label, equation=slot.equation
                    )
        self.const = self._constants()
        self.names = {key: f"v{i}" for i, key in enumerate(self.slots)}
        self.stocks = [k for k, s in self.slots.items() if s.kind == "stock"]
        dynamic = [k for k, s in self.slots.items() if self._is_dynamic(s)]
        self.dynamic_order = _toposort(dynamic, self._dynamic_deps, "equations", self.slots)
        self.init_order = _toposort(
            [k for k, s in self.slots.items() if k not in self.const],
            self._init_deps, "initial values", self.slots,
        )  # fmt: skip
        self.const_order = _toposort(self.const, lambda k: self.reads[k],
                                     "equations", self.slots)  # fmt: skip

    # -- classification ------------------------------------------------------------------------

    def _constants(self) -> set[str]:
        memo: dict[str, bool] = {}

        def is_const(key: str, seen: frozenset[str]) -> bool:
            if key in memo:
                return memo[key]
            slot = self.slots[key]
            if slot.kind not in ("aux", "flow") or key in seen or _varies(slot.expr):
                memo[key] = False
                return False
            result = all(is_const(d, seen | {key}) for d in self.reads[key])
            memo[key] = result
            return result

        return {k for k in self.slots if is_const(k, frozenset())}

    def _is_dynamic(self, slot: Slot) -> bool:
        return slot.kind in ("aux", "flow", "delay") and slot.key not in self.const

    def _dynamic_deps(self, key: str) -> set[str]:
        slot = self.slots[key]
        found = self.extra_reads[key] if slot.kind == "delay" else self.reads[key]
        return {d for d in found if self._is_dynamic(self.slots[d])}

    def _init_deps(self, key: str) -> set[str]:
        slot = self.slots[key]
        if slot.kind == "stock":
            found = self.init_reads[key]
        elif slot.kind in ("previous", "delay"):
            found = self.init_reads[key] if slot.init is not None else self.reads[key]
        else:
            found = self.reads[key]
        return {d for d in found if d not in self.const}

    def needed(self, saved: Iterable[str]) -> set[str]:
        """Every slot the saved ones depend on, through stocks and hidden state."""
        seen: set[str] = set()
        stack = list(saved)
        while stack:
            key = stack.pop()
            if key in seen:
                continue
            seen.add(key)
            stack.extend(self.reads[key] | self.init_reads[key] | self.extra_reads[key])
        return seen

    # -- generation ----------------------------------------------------------------------------

    def program(self, saved: list[str], backend: str, method: str, save_every: int) -> Program:
        generator = _Generator(self, saved, backend, method, save_every)
        source = generator.source()
        names = {**NAMESPACE, **namespace(backend)}
        names.update({name: np.float64(v) for v, name in generator.literals.items()})
        for i, table in enumerate(self.tables):
            make = rt.scalar_table if backend == "scalar" else rt.vector_table
            names[f"_lk{i}"] = make(table)
        code = compile(source, "<rumbo.sd model>", "exec")
        exec(code, names)  # nosec B102 # code from _Generator's templates; equations are only parsed
        return Program(source, names["_run"], saved)  # type: ignore[arg-type]


class _Generator:
    def __init__(self, plan: Plan, saved: list[str], backend: str, method: str,
                 save_every: int) -> None:  # fmt: skip
        self.plan = plan
        self.saved = saved
        self.vector = backend == "vector"
        self.method = method
        self.save_every = save_every
        self.needed = plan.needed(saved)
        self.lines: list[str] = []
        self.literals: dict[float, str] = {}

    def name(self, key: str) -> str:
        return self.plan.names[key]

    # expressions

    def value(self, node: E.Node) -> str:
        match node:
            case E.Num(v):
                if self.vector:  # NumPy scalars: a division by zero gives inf, not an exception
                    return self.literals.setdefault(float(v), f"_K{len(self.literals)}")
                return repr(float(v))
            case E.Ref(name):
                return self.name(name)
            case E.Unary("-", x):
                return f"(-{self.value(x)})"
            case E.Unary("+", x):
                return self.value(x)
            case E.Unary("not", _):
                return self.as_number(self.cond(node))
            case E.Binary(op, a, b) if op in _COMPARE or op in ("and", "or"):
                return self.as_number(self.cond(node))
            case E.Binary("^", a, b):
                if self.vector:
                    return f"({self.value(a)} ** {self.value(b)})"
                return f"_m.pow({self.value(a)}, {self.value(b)})"
            case E.Binary("mod", a, b):
                if self.vector:
                    return f"_np.mod({self.value(a)}, {self.value(b)})"
                return f"({self.value(a)} % {self.value(b)})"
            case E.Binary(op, a, b):
                return f"({self.value(a)} {op} {self.value(b)})"
            case E.If(c, a, b):
                if self.vector:
                    return f"_np.where({self.cond(c)}, {self.value(a)}, {self.value(b)})"
                return f"({self.value(a)} if {self.cond(c)} else {self.value(b)})"
            case E.Call():
                return self.call(node)
        raise ModelError(f"construct not understood: {node!r}")

    def as_number(self, cond: str) -> str:
        return f"_np.multiply({cond}, 1.0)" if self.vector else f"(1.0 if {cond} else 0.0)"

    def cond(self, node: E.Node) -> str:
        match node:
            case E.Binary(op, a, b) if op in _COMPARE:
                return f"({self.value(a)} {_COMPARE[op]} {self.value(b)})"
            case E.Binary("and", a, b):
                if self.vector:
                    return f"_np.logical_and({self.cond(a)}, {self.cond(b)})"
                return f"({self.cond(a)} and {self.cond(b)})"
            case E.Binary("or", a, b):
                if self.vector:
                    return f"_np.logical_or({self.cond(a)}, {self.cond(b)})"
                return f"({self.cond(a)} or {self.cond(b)})"
            case E.Unary("not", x):
                return (
                    f"_np.logical_not({self.cond(x)})" if self.vector else f"(not {self.cond(x)})"
                )
        text = self.value(node)
        return f"({text} != 0)"

    def call(self, node: E.Call) -> str:
        fn, args = node.fn, node.args
        vals = [self.value(a) for a in args]
        builtin = BUILTINS.get(fn)
        if builtin is None:
            raise ModelError(f"function {fn} not understood")
        if builtin.kind == "time":
            return repr(getattr(self.plan.specs, builtin.spec)) if builtin.spec else "t"
        if builtin.kind == "function":
            clock = ["t" if c == "t" else repr(self.plan.specs.dt) for c in builtin.clock]
            return f"{builtin.code}({', '.join([*clock, *vals])})"
        if builtin.kind == "random":
            return f"_R.{builtin.method}({vals[0]}, step, {', '.join(vals[1:])})"
        if builtin.kind == "table":
            assert isinstance(args[0], E.Num)  # nosec B101 # invariant, narrows the type
            return f"_lk{int(args[0].value)}({vals[1]})"
        raise ModelError(f"function {fn} not understood")

    # statements

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def assign(self, indent: int, key: str) -> None:
        slot = self.plan.slots[key]
        target = self.name(key)
        if slot.kind == "delay":
            assert slot.extra is not None  # nosec B101 # invariant, narrows the type
            position = f"(t - {self.value(slot.extra)} - {self.plan.specs.start!r}) / " + repr(
                self.plan.specs.dt
            )
            self.emit(indent, f"{target} = _delay_read(h_{target}, {position}, i_{target})")
        else:
            assert slot.expr is not None  # nosec B101 # invariant, narrows the type
            self.emit(indent, f"{target} = {self.value(slot.expr)}")

    def source(self) -> str:
        plan, specs = self.plan, self.plan.specs
        steps = step_count(specs)
        self.emit(0, "def _run(P, O, _R):")
        self.emit(1, "step = 0")
        self.emit(1, f"t = {specs.start!r}")
        for key in plan.const_order:
            if key in self.needed:
                slot = plan.slots[key]
                assert slot.expr is not None  # nosec B101 # invariant, narrows the type
                self.emit(1, f"{self.name(key)} = P.get({key!r})")
                self.emit(1, f"if {self.name(key)} is None:")
                self.emit(2, f"{self.name(key)} = {self.value(slot.expr)}")
        self._initial()
        saved_names = [self.name(k) for k in self.saved]
        for j in range(len(saved_names)):
            self.emit(1, f"o{j} = O[{j}]" if self.vector else f"o{j} = O[{j}].append")
        stocks = [k for k in plan.stocks if k in self.needed]
        if self.method != "euler" and stocks:
            self._derivative(stocks)
        self.emit(1, "s = 0")
        self.emit(1, "while True:")
        self.emit(2, f"t = {specs.start!r} + step * {specs.dt!r}")
        for key in plan.dynamic_order:
            if key in self.needed:
                self.assign(2, key)
        level = 2
        if self.save_every > 1:
            self.emit(2, f"if step % {self.save_every} == 0:")
            level = 3
        for j, name in enumerate(saved_names):
            self.emit(level, f"o{j}[s] = {name}" if self.vector else f"o{j}({name})")
        self.emit(level, "s += 1")
        self.emit(2, f"if step >= {steps}:")
        self.emit(3, "break")
        self._after_step(2)
        self._integrate(2, stocks)
        self.emit(2, "step += 1")
        self.emit(1, "return s")
        return "\n".join(self.lines) + "\n"

    def _initial(self) -> None:
        plan = self.plan
        for key in plan.init_order:
            if key not in self.needed:
                continue
            slot = plan.slots[key]
            name = self.name(key)
            if slot.kind == "stock":
                assert slot.init is not None  # nosec B101 # invariant, narrows the type
                self.emit(1, f"{name} = P.get({key!r})")
                self.emit(1, f"if {name} is None:")
                self.emit(2, f"{name} = {self.value(slot.init)}")
            elif slot.kind in ("previous", "delay"):
                start = slot.init if slot.init is not None else slot.expr
                assert start is not None  # nosec B101 # invariant, narrows the type
                self.emit(1, f"{name} = {self.value(start)}")
                if slot.kind == "delay":
                    self.emit(1, f"i_{name} = {name}")
                    self.emit(1, f"h_{name} = []")
            else:
                self.assign(1, key)

    def _after_step(self, indent: int) -> None:
        for key in self.plan.slots:
            slot = self.plan.slots[key]
            if key not in self.needed or slot.expr is None:
                continue
            if slot.kind == "delay":
                self.emit(indent, f"h_{self.name(key)}.append({self.value(slot.expr)})")
            elif slot.kind == "previous":
                self.emit(indent, f"{self.name(key)} = {self.value(slot.expr)}")

    def _rates(self, stocks: list[str]) -> list[str]:
        out = []
        for key in stocks:
            rate = self.plan.slots[key].expr
            out.append(self.value(rate) if rate is not None else "0.0")
        return out

    def _derivative(self, stocks: list[str]) -> None:
        names = [self.name(k) for k in stocks]
        self.emit(1, f"def _deriv(t, {', '.join(names)}):")
        wanted = set()
        for key in stocks:
            wanted |= self.plan.reads[key]
        inner = self.plan.needed(wanted) - set(stocks)
        for key in self.plan.dynamic_order:
            if key in inner:
                self.assign(2, key)
        self.emit(2, f"return ({', '.join(self._rates(stocks))},)")

    def _integrate(self, indent: int, stocks: list[str]) -> None:
        if not stocks:
            return
        names = [self.name(k) for k in stocks]
        rates = self._rates(stocks)
        dt = repr(self.plan.specs.dt)
        for i, rate in enumerate(rates):
            self.emit(indent, f"k1_{i} = {rate}")
        if self.method == "euler":
            for i, name in enumerate(names):
                self.emit(indent, f"{name} = {name} + {dt} * k1_{i}")
            self._clip(indent, stocks)
            return
        if self.method == "rk2":
            args = ", ".join(f"{n} + {dt} * k1_{i}" for i, n in enumerate(names))
            self.emit(indent, f"k2 = _deriv(t + {dt}, {args})")
            for i, name in enumerate(names):
                self.emit(indent, f"{name} = {name} + {dt} * 0.5 * (k1_{i} + k2[{i}])")
            self._clip(indent, stocks)
            return
        half = f"{dt} * 0.5"
        args = ", ".join(f"{n} + {half} * k1_{i}" for i, n in enumerate(names))
        self.emit(indent, f"k2 = _deriv(t + {half}, {args})")
        args = ", ".join(f"{n} + {half} * k2[{i}]" for i, n in enumerate(names))
        self.emit(indent, f"k3 = _deriv(t + {half}, {args})")
        args = ", ".join(f"{n} + {dt} * k3[{i}]" for i, n in enumerate(names))
        self.emit(indent, f"k4 = _deriv(t + {dt}, {args})")
        for i, name in enumerate(names):
            weighted = f"k1_{i} + 2.0 * k2[{i}] + 2.0 * k3[{i}] + k4[{i}]"
            self.emit(indent, f"{name} = {name} + {dt} / 6.0 * ({weighted})")
        self._clip(indent, stocks)

    def _clip(self, indent: int, stocks: list[str]) -> None:
        """Non-negative stocks stay at zero or above."""
        for key in stocks:
            var = self.plan.slots[key].var
            if var is not None and var.non_negative:
                name = self.name(key)
                clip = f"_np.maximum({name}, 0.0)" if self.vector else f"max({name}, 0.0)"
                self.emit(indent, f"{name} = {clip}")

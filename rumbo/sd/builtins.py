"""The builtin functions of equations: one table, read by the compiler and the code generator.

Every name an equation may call is here with what it is. The compiler reads it to know a
name, check the number of arguments and decide what to rewrite (reducers over arrays, random
draws, stateful functions); the code generator reads it to know what the name becomes in the
generated loop (a callable per backend, the simulation clock, a random draw) and whether it
changes with time by itself. Adding a function is one row here (and, for a stateful one, its
builder in the compiler).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from . import runtime as rt

Kind = Literal["function", "time", "random", "stateful", "rewrite", "table"]


@dataclass(frozen=True)
class Builtin:
    """One builtin. `kind` says who handles it:

    * ``function``: called in the generated code, ``scalar`` for one run and ``vector`` for an
      ensemble, after the simulation clock when ``clock`` names it (``t``, or ``t, dt``);
    * ``time``: a value of the clock (``spec`` is the :class:`~rumbo.sd.xmile.SimSpecs`
      attribute, empty for the current time);
    * ``random``: a draw from :class:`~rumbo.sd.runtime.Random` (``method``);
    * ``stateful``: turned into hidden stocks or special slots by the compiler;
    * ``rewrite``: turned into another construct by the compiler (IF THEN ELSE, LOOKUP...);
    * ``table``: a graphical function's table, read by the generated code (internal).
    """

    name: str  # as the compiler sees it: upper case; "#..." for internal forms
    kind: Kind
    arity: tuple[int, int] = (0, 0)  # accepted numbers of arguments, for ``function``
    scalar: Callable[..., Any] | None = None
    vector: Callable[..., Any] | None = None
    clock: tuple[str, ...] = ()  # what is passed before the arguments: "t", "dt"
    spec: str = ""  # ``time``: the SimSpecs attribute ("" is the current time)
    method: str = ""  # ``random``: the Random method
    reducer: bool = False  # over the elements of its array arguments
    elementwise: bool = False  # a reducer that, given two or more arguments, compares them

    @property
    def varies(self) -> bool:
        """Whether a call changes with time by itself (not through what it references)."""
        return bool(self.clock) or self.kind == "random" or (self.kind == "time" and not self.spec)

    @property
    def code(self) -> str:
        """The name of its callable in the generated code."""
        return "_f_" + re.sub(r"\W", "", self.name.lower())


def _f(name: str, arity: int | tuple[int, int], scalar: Callable[..., Any],
       vector: Callable[..., Any], **more: Any) -> Builtin:  # fmt: skip
    low, high = (arity, arity) if isinstance(arity, int) else arity
    return Builtin(name, "function", (low, high), scalar, vector, **more)


def _reduce(name: str, scalar: Callable[..., Any], vector: Callable[..., Any],
            elementwise: bool = False) -> Builtin:  # fmt: skip
    return Builtin(name, "function", (1, 1_000_000), scalar, vector, reducer=True,
                   elementwise=elementwise)  # fmt: skip


_TABLE = [
    _f("ABS", 1, abs, np.abs),
    _f("EXP", 1, math.exp, np.exp),
    _f("LN", 1, math.log, np.log),
    _f("LOG10", 1, math.log10, np.log10),
    _f("LOG", (1, 2), rt.log_s, rt.log_v),
    _f("SQRT", 1, math.sqrt, np.sqrt),
    _f("SIN", 1, math.sin, np.sin),
    _f("COS", 1, math.cos, np.cos),
    _f("TAN", 1, math.tan, np.tan),
    _f("ARCSIN", 1, math.asin, np.arcsin),
    _f("ARCCOS", 1, math.acos, np.arccos),
    _f("ARCTAN", 1, math.atan, np.arctan),
    _f("SINH", 1, math.sinh, np.sinh),
    _f("COSH", 1, math.cosh, np.cosh),
    _f("TANH", 1, math.tanh, np.tanh),
    _f("INT", 1, rt.floor_s, np.floor),  # XMILE's INT floors
    _f("#TRUNC", 1, rt.trunc_s, np.trunc),  # Vensim's INTEGER (and INT) truncate
    _f("ROUND", 1, rt.round_s, rt.round_v),
    _f("SIGN", 1, rt.sign_s, np.sign),
    _f("POW", 2, math.pow, np.power),
    _f("EXPONENT", 2, math.pow, np.power),
    _f("#FMOD", 2, math.fmod, np.fmod),  # Vensim's MODULO keeps the sign
    _f("SAFEDIV", (2, 3), rt.safediv_s, rt.safediv_v),
    _f("XIDZ", 3, rt.xidz_s, rt.xidz_v),
    _f("ZIDZ", 2, rt.zidz_s, rt.zidz_v),
    _f("STEP", 2, rt.step_s, rt.step_v, clock=("t",)),
    _f("RAMP", (2, 3), rt.ramp_s, rt.ramp_v, clock=("t",)),
    _f("PULSE", (2, 3), rt.pulse_s, rt.pulse_v, clock=("t", "dt")),
    _reduce("SUM", rt.total, rt.total),
    _reduce("PROD", rt.product, rt.product),
    _reduce("MEAN", rt.mean, rt.mean),
    _reduce("STDDEV", rt.stddev, rt.stddev),
    _reduce("MIN", min, rt.minimum_v, elementwise=True),
    _reduce("MAX", max, rt.maximum_v, elementwise=True),
    Builtin("SIZE", "rewrite", reducer=True),  # the number of elements, a constant
    Builtin("TIME", "time"),
    Builtin("DT", "time", spec="dt"),
    Builtin("STARTTIME", "time", spec="start"),
    Builtin("STOPTIME", "time", spec="stop"),
    Builtin("RANDOM", "random", method="uniform"),
    Builtin("UNIFORM", "random", method="uniform"),
    Builtin("NORMAL", "random", method="normal"),
    Builtin("LOGNORMAL", "random", method="lognormal"),
    Builtin("EXPRND", "random", method="exprnd"),
    Builtin("POISSON", "random", method="poisson"),
    Builtin("TRIANGULAR", "random", method="triangular"),
    Builtin("WEIBULL", "random", method="weibull"),
    Builtin("SMTH1", "stateful"),  # first-order smooth: a hidden stock
    Builtin("SMTH3", "stateful"),
    Builtin("SMTHN", "stateful"),
    Builtin("DELAY1", "stateful"),  # material delays: a chain of hidden stocks
    Builtin("DELAY3", "stateful"),
    Builtin("DELAYN", "stateful"),
    Builtin("TREND", "stateful"),
    Builtin("DELAY", "stateful"),  # a pipeline delay: the input's history
    Builtin("INIT", "stateful"),
    Builtin("PREVIOUS", "stateful"),
    Builtin("IF THEN ELSE", "rewrite", (3, 3)),  # a conditional expression
    Builtin("LOOKUP", "rewrite", (2, 2)),  # a named graphical function
    Builtin("MOD", "rewrite", (2, 2)),  # the operator (Vensim's MODULO: #FMOD)
    Builtin("INTEGER", "rewrite", (1, 1)),  # Vensim's: #TRUNC
    Builtin("PI", "rewrite"),  # the number
    Builtin("#LOOKUP", "table"),  # reads graphical function number n: (n, x)
]

BUILTINS: dict[str, Builtin] = {b.name: b for b in _TABLE}
assert len(BUILTINS) == len(_TABLE), "a builtin is listed twice"  # nosec B101 # import-time check

TIME_NAMES: dict[str, str] = {b.name.lower(): b.name for b in _TABLE if b.kind == "time"}
"""Variable names that read the clock when no variable has that name (``time``, ``dt``...)."""


def named(kind: Kind) -> set[str]:
    """The names of one kind of builtin."""
    return {b.name for b in _TABLE if b.kind == kind}


def namespace(backend: str) -> dict[str, object]:
    """Every callable builtin under its generated-code name, for one backend."""
    vector = backend == "vector"
    return {b.code: (b.vector if vector else b.scalar) for b in _TABLE if b.kind == "function"}


__all__ = ["BUILTINS", "TIME_NAMES", "Builtin", "named", "namespace"]

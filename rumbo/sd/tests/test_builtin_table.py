"""The builtin functions live in one table (rumbo.sd.builtins) that the compiler and the code
generator read: each function gives the same numbers in one run and in an ensemble, and no
other module keeps its own list of names."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from rumbo import sd
from rumbo.sd import compiler
from rumbo.sd.builtins import BUILTINS, named

from .xmile_text import aux, document

FUNCTIONS = sorted(n for n, b in BUILTINS.items() if b.kind == "function" and n[0] != "#")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_function_runs_alike_in_one_run_and_in_an_ensemble(name: str) -> None:
    low = max(BUILTINS[name].arity[0], 2 if BUILTINS[name].elementwise else 1)
    args = ", ".join(["p"] * low)
    model = sd.loads(document([aux("x", f"{name}({args})"), aux("p", "0.5")]))
    many = model.ensemble({"p": [0.5, 0.25]})["x"]
    for member, p in enumerate((0.5, 0.25)):
        one = model.run({"p": p})["x"]
        assert np.isfinite(one).all()
        np.testing.assert_allclose(many[member], one)


def test_an_unknown_function_is_named_in_the_error() -> None:
    with pytest.raises(sd.ModelError, match="unknown function or macro FOO"):
        sd.loads(document([aux("x", "FOO(1)")]))


def test_a_rewritten_function_with_the_wrong_arguments_says_how_many() -> None:
    with pytest.raises(sd.ModelError, match=r"IF THEN ELSE takes 3–3 arguments, not 2"):
        sd.loads(document([aux("x", "IF_THEN_ELSE(1, 2)")]))


def test_the_compiler_builds_exactly_the_stateful_functions_of_the_table() -> None:
    assert set(compiler._STATEFUL) == named("stateful")


def test_no_other_engine_module_lists_the_function_names() -> None:
    engine = Path(sd.__file__).parent
    listed = {n for n, b in BUILTINS.items() if b.kind in ("function", "time", "random")}
    for module in ("codegen.py", "runtime.py", "expr.py", "xmile.py", "model.py"):
        text = (engine / module).read_text()
        found = {n for n in listed if re.search(rf'"{re.escape(n)}"', text)}
        assert not found, f"{module} names builtins itself: {sorted(found)}"

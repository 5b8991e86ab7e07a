"""Errors with one clear line: the variable, its equation and the construct not understood."""

from __future__ import annotations


class ModelError(Exception):
    """A model that cannot be read or compiled."""

    def __init__(self, message: str, *, variable: str = "", equation: str = "") -> None:
        self.message = message
        self.variable = variable
        self.equation = equation
        super().__init__(self.line())

    def line(self) -> str:
        where = f"{self.variable}: " if self.variable else ""
        eqn = " ".join(self.equation.split())
        if len(eqn) > 120:
            eqn = eqn[:117] + "..."
        shown = f" (equation: {eqn})" if eqn else ""
        return f"{where}{self.message}{shown}"

    def located(self, variable: str, equation: str) -> ModelError:
        """The same error, naming the variable and equation it came from (if not already)."""
        if self.variable:
            return self
        return ModelError(self.message, variable=variable, equation=equation)

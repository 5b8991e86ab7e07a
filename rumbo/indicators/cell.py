"""One figure and what it is made of (shared by aggregation and computed rules)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Cell:
    """One figure and what it is made of."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    reporting: int = 0  # values (countries, or country-periods) that make it

    @property
    def empty(self) -> bool:
        return self.reporting == 0 and self.value is None

"""Cells of the template as officials type them: numbers with a decimal comma or point
(tracking's parsers), within what a value may hold, and yes/no in either language."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.utils.translation import gettext as _

from rumbo.tracking.xlsx import values as v
from rumbo.tracking.xlsx.columns import normalise
from rumbo.tracking.xlsx.values import CellError

__all__ = ["NO_WORDS", "YES_WORDS", "CellError", "integer", "number", "text", "yes_no"]

# A value keeps 4 decimals and 20 digits in all (models.design.NUMBER).
PLACES = Decimal("0.0001")
LIMIT = Decimal(10) ** 16
YES_WORDS = {"si", "yes", "1", "true", "verdadero", "s", "y", "x"}
NO_WORDS = {"no", "0", "false", "falso", "n"}

text = v.text
integer = v.integer


def number(value: Any) -> Decimal | None:
    """A number typed or pasted: 1234.5, "1.234,5", "1,234.5", "15000,50". A float that
    Excel computed (0.1 + 0.2) is rounded to the 4 decimals a value keeps."""
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, float):
        value = repr(value)  # the shortest text that reads back as the same float
    found = v.decimal(value)
    if found is None:
        return None
    if abs(found) >= LIMIT:
        raise CellError(_("“%(value)s” is too large for a value.") % {"value": v.text(value)})
    exponent = found.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        found = found.quantize(PLACES, rounding=ROUND_HALF_EVEN)
    return found


def yes_no(value: Any) -> Decimal | None:
    """Yes or no as 1 or 0: “Sí”, “yes”, “No”, 1, 0…"""
    if isinstance(value, bool):
        return Decimal(int(value))
    word = normalise(v.text(value))
    if not word:
        return None
    if word in YES_WORDS:
        return Decimal(1)
    if word in NO_WORDS:
        return Decimal(0)
    raise CellError(_("“%(value)s” is not yes or no.") % {"value": v.text(value)})

"""Cell values as people type them, in either language: numbers with a decimal comma or
point, dates as dates or text, statuses and plan years in words."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from rumbo.core.i18n import current_language
from rumbo.core.numbers import parse_decimal
from rumbo.plans.models import Activity

from .columns import normalise

# Beyond the status labels in both languages, the words of the 2019–2022 plan's matrix.
STATUS_WORDS = {
    "finalizado": "finished",
    "finalizada": "finished",
    "en proceso": "in_progress",
    "en proceso de implementarse": "in_progress",
    "en curso": "in_progress",
    "no alcanzado": "not_achieved",
    "no alcanzada": "not_achieved",
    "pendiente": "not_started",
    "no iniciado": "not_started",
    "no iniciada": "not_started",
    "cancelado": "cancelled",
    "cancelada": "cancelled",
}
ORDINAL_YEARS = {
    "1er": 1,
    "primer": 1,
    "1st": 1,
    "first": 1,
    "2do": 2,
    "segundo": 2,
    "2nd": 2,
    "second": 2,
    "3er": 3,
    "tercer": 3,
    "3rd": 3,
    "third": 3,
}


class CellError(ValueError):
    """A value that cannot be understood; the message says what was expected."""


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    # Control characters other than tab/newline have no place in a text field.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(value)).strip()


def display(value: Any) -> str:
    """A value as the import preview shows it: a date as YYYY-MM-DD, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def status_labels(lang: str) -> dict[str, str]:
    """Each status code and its label in `lang`."""
    with translation.override(lang):
        return {value: str(label) for value, label in Activity.Status.choices}


@cache
def _status_words() -> dict[str, str]:
    """Every word a status cell may hold, normalised, and its code: built once (a whole
    column repeats the same few words)."""
    known = dict(STATUS_WORDS)
    for lang in ("es", "en"):
        known.update({normalise(label): code for code, label in status_labels(lang).items()})
    known.update({code: code for code in Activity.Status.values})
    return known


def status(value: Any) -> str | None:
    word = normalise(text(value))
    if not word:
        return None
    known = _status_words()
    if word in known:
        return known[word]
    raise CellError(_("“%(value)s” is not a status.") % {"value": text(value)})


def integer(value: Any) -> int | None:
    raw = text(value)
    if not raw:
        return None
    try:
        number = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw}) from None
    # Beyond 10^15 nothing in a matrix is a count, a year or an id (and databases refuse it).
    if not number.is_finite() or abs(number) > 10**15 or number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw})
    return int(number)


def plan_year(value: Any) -> int | None:
    """1, "1", "Año 1", "Year 2", "2do año", "3rd year"…"""
    raw = normalise(text(value))
    if not raw:
        return None
    for word, year in ORDINAL_YEARS.items():
        if raw.startswith(word):
            return year
    digits = re.findall(r"\d+", raw)
    if len(digits) == 1 and re.fullmatch(r"(ano|year|anio)?\s*\d+\s*(ano|year)?", raw):
        return int(digits[0])
    raise CellError(
        _("“%(value)s” is not a year of the plan (write 1, 2, 3…).") % {"value": text(value)}
    )


def date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    if not raw:
        return None
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and 20000 < float(value) < 80000:
        # An Excel serial date that lost its format.
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(
        _("“%(value)s” is not a date (write it as a date, or as 31/12/2024 or 2024-12-31).")
        % {"value": raw}
    )


def decimal(value: Any) -> Decimal | None:
    raw = text(value)
    if not raw:
        return None
    try:
        return parse_decimal(raw, current_language())
    except ValueError:
        raise CellError(_("“%(value)s” is not a number.") % {"value": raw}) from None

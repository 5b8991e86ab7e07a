"""How indicator figures and values are written on the pages (in the page's language)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from rumbo.core.i18n import current_language
from rumbo.core.numbers import plain
from rumbo.core.tables import format_number
from rumbo.organisations.models import Organisation

from .cell import Cell
from .models import Indicator, IndicatorDesign, Measurement

Unit = Indicator.Unit
Status = Measurement.Status
REGION = "region"


# Showing numbers ------------------------------------------------------------------------------
def plain_number(value: Decimal | None, *, percent: bool = False, unit: str = "") -> str:
    """A number as the page's language writes it, without the zeros of a column's scale."""
    if value is None:
        return ""
    return format_number(plain(value), current_language(), percent=percent, unit=unit)


def shown(indicator: Indicator, value: Decimal | None) -> str:
    """A figure as the page's language writes it, with its unit ("1.234,5", "45 %")."""
    if value is None:
        return ""
    if indicator.unit == Unit.YES_NO:
        return _("Yes") if value else _("No")
    # As the dashboards and downloads write it (one way per language: es "1.234,5").
    unit = indicator.currency if indicator.unit == Unit.MONEY else ""
    return plain_number(value, percent=indicator.unit == Unit.PERCENT, unit=unit)


def shown_cell(indicator: Indicator, cell: Cell | None) -> str:
    if cell is None or cell.empty:
        return ""
    if indicator.unit == Unit.YES_NO:
        # Countries answering yes, out of those that answered.
        return _("%(yes)s of %(n)s yes") % {
            "yes": shown(indicator, cell.value) or 0,
            "n": cell.reporting,
        }
    return shown(indicator, cell.value)


def measurement_text(m: Measurement) -> str:
    ind = m.indicator
    if ind.unit == Unit.TEXT:
        return m.text
    if ind.unit == Unit.PERCENT and m.denominator:
        num, den = (plain_number(n) for n in (m.numerator, m.denominator))
        return f"{shown(ind, m.value)} ({num}/{den})"
    return shown(ind, m.value)


def design_dimensions(design: IndicatorDesign | None) -> str:
    """The disaggregations of a recorded design, named in the page's language."""
    if design is None:
        return ""
    lang = current_language()
    names = [
        d.get(f"name_{lang}") or d.get("name_es") or d.get("code", "")
        for d in design.snapshot.get("dimensions", [])
    ]
    return ", ".join(names) if names else _("no disaggregation")


def place_code(country: Organisation | None) -> str:
    return country.code if country is not None else REGION


def value_url(indicator: Indicator, period: str, country: Organisation | None) -> str:
    return reverse("value_edit", args=[indicator.pk, period, place_code(country)])

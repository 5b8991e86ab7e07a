"""Amounts of pledges as the page's language writes them (es "5.000,50", en "5,000.50"), the
same way as the data tables and charts beside them (rumbo.core.tables)."""

from __future__ import annotations

from typing import Any

from django import template

from rumbo.core.tables import active_language, format_number

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """An amount with two decimals, grouped as the active language groups thousands; "" for
    no amount."""
    return format_number(value, active_language(), places=2)


@register.filter
def two_digits(month: int) -> str:
    """A round's month as its URL writes it ("06")."""
    return f"{int(month):02d}"

"""Computed indicators: figures Rumbo counts from its own records, always current.

A rule is declared once (a key, a name, the text shown next to the figure, and the function
that counts), registered when its app is ready, and named by an indicator's `rule`. Rules
count only what the viewer may see, dated by when the work was done, so a computed figure
never tells a lower role about a record it may not read. Apps register their own rules
(meetings, good practices, follow-up of recommendations) as those records come to exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import periods
from .cell import Cell

if TYPE_CHECKING:
    from .models import Indicator

# (user, indicator, country id or None) -> the dates of the things counted (one per thing)
Counter = Callable[[Any, "Indicator", "int | None"], Iterable[dt.date]]


@dataclass(frozen=True)
class Rule:
    key: str
    name: str | Promise
    text: str | Promise  # the rule, as shown next to the figure
    count: Counter


_rules: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    """Declare a rule; registering a key again replaces it."""
    _rules[rule.key] = rule


def rules() -> list[Rule]:
    return sorted(_rules.values(), key=lambda r: str(r.name))


def rule_choices() -> list[tuple[str, str]]:
    return [(r.key, str(r.name)) for r in rules()]


def rule_text(key: str) -> str:
    rule = _rules.get(key)
    return str(rule.text) if rule else _("This rule is not available.")


def figures_for(
    user: Any, indicator: Indicator, in_periods: list[periods.Period], *, country_id: int | None
) -> dict[str, Cell]:
    """The count per period of the indicator's frequency (periods with nothing are left out)."""
    rule = _rules.get(indicator.rule)
    if rule is None:
        return {}
    out: dict[str, Cell] = {}
    for day in rule.count(user, indicator, country_id):
        for p in in_periods:
            if p.start <= day <= p.end:
                cell = out.setdefault(p.code, Cell(Decimal(0), None, None, 0))
                cell.value = (cell.value or Decimal(0)) + 1
                cell.reporting += 1
                break
    return out

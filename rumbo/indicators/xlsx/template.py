"""What a template holds: the indicators of a plan that a person reports for a country (or,
for the secretariat, for the region as a whole), one row per indicator and reporting period,
with the value reported so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from rumbo.indicators import periods
from rumbo.indicators.access import can_report, can_report_for_region, reporting_country_id
from rumbo.indicators.models import Category, Indicator, Measurement
from rumbo.indicators.selectors import (
    dimensions_for,
    due_period,
    indicators_for,
    measurements_for,
)
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Plan

from .columns import REGION_CODE

Unit = Indicator.Unit


@dataclass
class TemplateRow:
    indicator: Indicator
    period: periods.Period
    measurement: Measurement | None


@dataclass
class Template:
    plan: Plan
    country: Organisation | None  # None: the region as a whole
    period: periods.Period | None  # None: the current period of each indicator
    rows: list[TemplateRow] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)

    @property
    def country_code(self) -> str:
        """What the workbook's country column holds: the country's code, or REGION."""
        return self.country.code if self.country is not None else REGION_CODE

    @property
    def denominators(self) -> bool:
        """Whether a percentage with a breakdown is in it (its parts need denominators)."""
        return any(
            r.indicator.unit == Unit.PERCENT and r.indicator.dimensions.all() for r in self.rows
        )


def countries_to_report(user: Any) -> list[Organisation]:
    """The member countries a person may fill a template for: their own, or any for the
    secretariat."""
    states = organisations_for(user).filter(kind=Organisation.Kind.MEMBER_STATE).order_by("code")
    if getattr(user, "is_secretariat", False) and user.is_active:
        return list(states)
    own = reporting_country_id(user)
    return [c for c in states if c.pk == own]


def reportable(user: Any, plan: Plan, country: Organisation | None) -> list[Indicator]:
    """The plan's indicators that `user` sees and may report for `country` (None: the region;
    a members-only indicator never reaches a role below it: indicators_for filters it)."""
    if country is None and not can_report_for_region(user):
        return []
    found = indicators_for(user).filter(plan=plan).order_by("order", "code", "pk")
    return [i for i in found if can_report(user, i, country.pk if country else None)]


def reported_for_region(indicator: Indicator) -> bool:
    """An indicator whose values are given for the region as a whole: any not reported by
    each country (by the secretariat, or not yet decided), as the indicator's page shows."""
    return indicator.reported_by != Indicator.Reporter.COUNTRIES


def periods_for(
    indicator: Indicator, chosen: periods.Period | None, today: dt.date
) -> list[periods.Period]:
    """The reporting periods of an indicator that fall in the period chosen (all its quarters
    in a chosen year), or the one containing it; with none chosen, the one due now (the last
    that has ended). Only periods that have begun, inside the plan."""
    plan = indicator.plan
    kind = indicator.frequency
    if chosen is None:  # the period due now, as the report page and the home page ask for
        due = due_period(indicator, today)
        found = [due] if due is not None else []
    else:
        found = [
            p
            for p in periods.periods_between(chosen.year, chosen.end.year, kind)
            if chosen.contains(p)
        ] or [periods.of_date(chosen.start, kind)]
    return [p for p in found if p.start <= today and plan.period_start <= p.year <= plan.period_end]


def build_template(
    user: Any, plan: Plan, country: Organisation | None, period: periods.Period | None
) -> Template:
    """The rows of a template for `country`, or for the region (None): there, the indicators
    reported for the region, and those reported by each country that already have a value
    for the region in the period (so that it can be corrected, as on the indicator's page)."""
    today = timezone.localdate()
    template = Template(plan, country, period)
    wanted: list[tuple[Indicator, periods.Period]] = []
    for indicator in reportable(user, plan, country):
        for p in periods_for(indicator, period, today):
            wanted.append((indicator, p))
    values = measurements_for(user).filter(
        indicator__in=[i for i, _p in wanted],
        period__in={p.code for _i, p in wanted},
    )
    values = values.filter(country=country) if country else values.filter(country__isnull=True)
    by_key = {(m.indicator_id, m.period): m for m in values}
    if country is None:
        wanted = [(i, p) for i, p in wanted if reported_for_region(i) or (i.pk, p.code) in by_key]
    template.rows = [TemplateRow(i, p, by_key.get((i.pk, p.code))) for i, p in wanted]
    dim_ids = {d.pk for i, _p in wanted for d in i.dimensions.all()}
    # A retired category stays while a value uses it: saving the row again keeps its share.
    used = {part.category_id for m in by_key.values() for part in m.parts.all()}
    for dim in dimensions_for(user).filter(pk__in=dim_ids).order_by("order", "code"):
        template.categories.extend(c for c in dim.categories.all() if c.active or c.pk in used)
    return template

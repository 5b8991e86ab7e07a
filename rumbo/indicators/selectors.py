"""Reading indicators and their values, always through the visibility rule.

An indicator is shown at its own level and never above its plan, element or activity. A
value is shown to everyone who may see its indicator once approved; before that, only to the
secretariat and to the officials of the country that reports it. The readers own every linked
record they hand out (the country of a value, the categories of its breakdown)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Plan

from . import periods
from .access import reporting_country_id
from .models import (
    Category,
    Dimension,
    Indicator,
    IndicatorDesign,
    Measurement,
    MeasurementFile,
    MeasurementPart,
    PeriodLock,
    Target,
)


def dimensions_for(user: Any) -> QuerySet[Dimension]:
    """Reference data: every dimension and its categories are public."""
    return Dimension.objects.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("order", "code"))
    )


def indicators_for(user: Any) -> QuerySet[Indicator]:
    return (
        Indicator.objects.visible_to(user)
        .select_related("plan", "result")
        .prefetch_related(
            Prefetch("dimensions", queryset=Dimension.objects.order_by("order", "code")),
            Prefetch("targets", queryset=targets_queryset(user)),
        )
    )


def get_indicator_for(user: Any, pk: int) -> Indicator:
    return get_object_or_404(indicators_for(user), pk=pk)


def targets_queryset(user: Any) -> QuerySet[Target]:
    return Target.objects.filter(
        Q(country__isnull=True) | Q(country__in=organisations_for(user))
    ).select_related("country")


def values_queryset(
    user: Any, *, approved_only: bool = False, indicator_ids: list[int] | None = None
) -> QuerySet[Measurement]:
    """The values a person may see, without prefetches (for counts and aggregation); with
    `indicator_ids`, of those indicators only (the visibility check then reads only them)."""
    visible = Indicator.objects.visible_to(user)
    if indicator_ids is not None:
        visible = visible.filter(pk__in=indicator_ids)
    qs = Measurement.objects.filter(indicator__in=visible)
    if approved_only or not getattr(user, "is_authenticated", False):
        return qs.approved()
    if user.is_secretariat:
        return qs
    own = reporting_country_id(user)
    mine = Q(country_id=own) if own is not None else Q(pk__in=[])
    return qs.filter(Q(status=Measurement.Status.APPROVED) | mine)


def measurements_for(user: Any, *, approved_only: bool = False) -> QuerySet[Measurement]:
    """The values a person may see, with their country, breakdown and evidence files (a
    value's files are as visible as the value)."""
    return values_queryset(user, approved_only=approved_only).prefetch_related(
        Prefetch("country", queryset=organisations_for(user)),
        Prefetch(
            "parts",
            queryset=MeasurementPart.objects.select_related("category__dimension"),
        ),
        Prefetch("files", queryset=MeasurementFile.objects.order_by("uploaded_at", "id")),
    )


def get_measurement_for(user: Any, pk: int) -> Measurement:
    return get_object_or_404(measurements_for(user).select_related("indicator__plan"), pk=pk)


def measurement_files_for(user: Any) -> QuerySet[MeasurementFile]:
    """The evidence files a person may download: those of the values they see."""
    return MeasurementFile.objects.filter(measurement__in=values_queryset(user))


def get_measurement_file_for(user: Any, pk: int) -> MeasurementFile:
    """One evidence file of a value, or 404: the same for a file that does not exist and one
    whose value the person may not see."""
    return get_object_or_404(measurement_files_for(user), pk=pk)


def designs_of(indicator: Indicator) -> dict[int, IndicatorDesign]:
    """The recorded design revisions of an indicator (already visible to the caller)."""
    return {d.number: d for d in IndicatorDesign.objects.filter(indicator=indicator)}


def locked_periods(plan: Plan) -> set[str]:
    return set(PeriodLock.objects.filter(plan=plan).values_list("period", flat=True))


def is_locked(plan: Plan, period: str) -> bool:
    """A value's period is locked when it, or a period containing it, is locked."""
    locks = locked_periods(plan)
    if not locks:
        return False
    years = (plan.period_start, plan.period_end)
    target = periods.parse(period, plan_years=years)
    return any(periods.parse(code, plan_years=years).contains(target) for code in locks)


def reporting_periods(indicator: Indicator) -> list[periods.Period]:
    plan = indicator.plan
    return periods.periods_between(plan.period_start, plan.period_end, indicator.frequency)


def due_period(indicator: Indicator, today: dt.date) -> periods.Period | None:
    """The period a value is due for now: the last one of the indicator's frequency that has
    ended (a year is reported once it is over), if it falls in the indicator's plan."""
    running = periods.of_date(today, indicator.frequency)
    due = periods.of_date(running.start - dt.timedelta(days=1), indicator.frequency)
    plan = indicator.plan
    return due if plan.period_start <= due.year <= plan.period_end else None
